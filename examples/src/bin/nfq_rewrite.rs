//! Payload rewrite: upper-cases the data of queued UDP datagrams (same
//! length), fixes the checksums (`nfnl::ip::update_checksums`), and accepts them with the new payload.
//!
//! Privileges: `CAP_NET_ADMIN`. In a network namespace owned by a user
//! namespace (`unshare -Urn`) Linux 6.18 applies payload changes, but
//! kernels with a 2026 hardening refuse them there and drop the packet.
//!
//! Firewall rule it expects (queue 2 by default):
//!
//! ```text
//! iptables -A OUTPUT -p udp --dport 9999 -j NFQUEUE --queue-num 2
//! ```
//!
//! Usage: `nfq_rewrite [QUEUE] [--count N]`, then for example
//! `socat - UDP-LISTEN:9999` and `echo hello | socat - UDP:127.0.0.1:9999`.

use nfnl_queue::{ErrorExt, Receive};
use std::process::ExitCode;

use nfnl::ip::update_checksums;
use nfnl_queue::{IpPacket, IpProto, Queue, QueueConfig, Verdict};

/// Upper-cases the UDP data of an IPv4 or IPv6 packet in place and
/// recomputes the checksums. Returns false if it is not such a packet.
fn rewrite(pkt: &mut [u8]) -> bool {
    let Ok(ip) = IpPacket::parse(pkt) else {
        return false;
    };
    let data = ip.transport_offset().saturating_add(8);
    if ip.protocol() != IpProto::UDP || !ip.is_complete() || pkt.len() < data {
        return false;
    }
    if let Some(d) = pkt.get_mut(data..) {
        d.make_ascii_uppercase();
    }
    update_checksums(pkt).is_ok()
}

fn run(queue: u16, count: Option<u64>) -> Result<(), nfnl_queue::Error> {
    let mut q = Queue::open()?;
    q.set_default_verdict(Verdict::Accept);
    q.bind(&QueueConfig::new(queue))?;
    eprintln!("nfq_rewrite: rewriting UDP on queue {queue}");
    let mut buf = Vec::with_capacity(65536);
    let mut n = 0u64;
    while count.is_none_or(|c| n < c) {
        let pkt = match q.recv() {
            Ok(p) => p,
            Err(e) if e.is_recoverable() => {
                eprintln!("nfq_rewrite: {e}");
                continue;
            }
            Err(e) => return Err(e),
        };
        n += 1;
        buf.clear();
        if let Some(p) = pkt.payload() {
            buf.extend_from_slice(p);
        }
        if pkt.is_truncated() || !rewrite(&mut buf) {
            pkt.accept()?;
            continue;
        }
        println!("id={} rewrote {} bytes", pkt.id(), buf.len());
        pkt.verdict(Verdict::Accept.payload(&buf))?;
    }
    q.close()
}

fn main() -> ExitCode {
    let mut queue = 2u16;
    let mut count = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "-h" | "--help" => {
                println!(
                    "usage: nfq_rewrite [QUEUE] [--count N]\n\
                     rule: iptables -A OUTPUT -p udp --dport 9999 -j NFQUEUE --queue-num 2"
                );
                return ExitCode::SUCCESS;
            }
            "--count" => count = args.next().and_then(|n| n.parse().ok()),
            n => match n.parse() {
                Ok(q) => queue = q,
                Err(_) => {
                    eprintln!("nfq_rewrite: bad queue number `{n}`");
                    return ExitCode::from(2);
                }
            },
        }
    }
    match run(queue, count) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("nfq_rewrite: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nfnl::ip::checksum;

    #[test]
    fn rewrites_and_fixes_checksum() {
        #[rustfmt::skip]
        let mut p = vec![
            0x45, 0, 0, 33, 0, 0, 0, 0, 64, 17, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1,
            0x30, 0x39, 0x27, 0x0f, 0, 13, 0, 0, b'h', b'e', b'l', b'l', b'o',
        ];
        assert!(rewrite(&mut p));
        assert_eq!(&p[28..], b"HELLO");
        // verifying: checksum over pseudo header + UDP including the field is 0
        let pseudo = [127, 0, 0, 1, 127, 0, 0, 1, 0, 17, 0, 13];
        assert_eq!(checksum(&[&pseudo, &p[20..]]), 0);
    }
}
