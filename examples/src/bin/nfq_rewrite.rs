//! Payload rewrite: upper-cases the data of queued UDP datagrams (same
//! length), fixes the UDP checksum, and accepts them with the new payload.
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

use std::process::ExitCode;

use nfqueue::{IpInfo, Queue, QueueConfig, Verdict};

/// The Internet checksum over `parts`, folded and complemented.
fn checksum(parts: &[&[u8]]) -> u16 {
    let mut sum: u32 = 0;
    for part in parts {
        let mut chunks = part.chunks_exact(2);
        for c in &mut chunks {
            sum += u32::from(u16::from_be_bytes([c[0], c[1]]));
        }
        if let [last] = chunks.remainder() {
            sum += u32::from(*last) << 8;
        }
    }
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !u16::try_from(sum).unwrap_or(0xffff)
}

/// Upper-cases the UDP data of an IPv4 or IPv6 packet in place and
/// recomputes the UDP checksum. Returns false if it is not such a packet.
fn rewrite(pkt: &mut [u8]) -> bool {
    let Some(ip) = IpInfo::parse(pkt) else {
        return false;
    };
    let off = ip.transport_offset;
    if ip.protocol != 17 || pkt.len() < off + 8 {
        return false;
    }
    let Some(data) = pkt.get_mut(off + 8..) else {
        return false;
    };
    data.make_ascii_uppercase();
    let Ok(udp_len) = u32::try_from(pkt.len() - off) else {
        return false;
    };
    // pseudo-header: addresses, protocol, UDP length
    let mut pseudo = Vec::with_capacity(40);
    match (ip.src, ip.dst) {
        (std::net::IpAddr::V4(s), std::net::IpAddr::V4(d)) => {
            pseudo.extend_from_slice(&s.octets());
            pseudo.extend_from_slice(&d.octets());
            pseudo.extend_from_slice(&[0, 17]);
            pseudo.extend_from_slice(&u16::try_from(udp_len).unwrap_or(0).to_be_bytes());
        }
        (std::net::IpAddr::V6(s), std::net::IpAddr::V6(d)) => {
            pseudo.extend_from_slice(&s.octets());
            pseudo.extend_from_slice(&d.octets());
            pseudo.extend_from_slice(&udp_len.to_be_bytes());
            pseudo.extend_from_slice(&[0, 0, 0, 17]);
        }
        _ => return false,
    }
    if let Some(c) = pkt.get_mut(off + 6..off + 8) {
        c.copy_from_slice(&[0, 0]);
    }
    let Some(udp) = pkt.get(off..) else {
        return false;
    };
    let mut c = checksum(&[&pseudo, udp]);
    if c == 0 {
        c = 0xffff; // 0 means "no checksum" in UDP
    }
    if let Some(f) = pkt.get_mut(off + 6..off + 8) {
        f.copy_from_slice(&c.to_be_bytes());
    }
    true
}

fn run(queue: u16, count: Option<u64>) -> Result<(), nfqueue::Error> {
    let mut q = Queue::open()?;
    q.set_default_verdict(Verdict::Accept);
    q.bind(&QueueConfig::new(queue))?;
    eprintln!("nfq_rewrite: rewriting UDP on queue {queue}");
    let mut buf = Vec::with_capacity(65536);
    let mut n = 0u64;
    while count.map_or(true, |c| n < c) {
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
