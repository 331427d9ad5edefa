//! Helpers shared by the nfqueue namespace tests: open and bind, the next
//! packet with a deadline, loopback UDP, a TCP echo transfer, rule counters,
//! `/proc` figures and checksums for rewritten packets. Use from a test in
//! this directory as `mod qsupport; use qsupport as qs;`.
#![allow(dead_code, clippy::cast_possible_truncation)]

use nfnl_queue::{ErrorExt, Receive};
use std::io::{Read, Write};
use std::net::{TcpListener, UdpSocket};
use std::time::Duration;

use nfnl_queue::{health, Error, Packet, Queue, QueueConfig};

use nfnl::testutil::netns as support;

/// The deadline for anything that should happen.
pub const T: Duration = Duration::from_secs(3);
/// How long to wait for something that should not happen.
pub const SHORT: Duration = Duration::from_millis(400);
/// `ENOENT` as a verdict error's errno.
pub const ENOENT: i32 = nix::errno::Errno::ENOENT as i32;
/// `EPERM` as a verdict error's errno.
pub const EPERM: i32 = nix::errno::Errno::EPERM as i32;

/// A queue socket bound with `cfg`.
pub fn open(cfg: QueueConfig) -> Queue {
    let mut q = Queue::open().unwrap();
    q.bind(&cfg).unwrap();
    q
}

/// Next packet within 3 s; panics on any error.
pub fn next(q: &mut Queue) -> Packet<'_> {
    match q.recv_timeout(T) {
        Ok(p) => p,
        Err(e) => panic!("no packet: {e}"),
    }
}

/// Next event within `d`: `Ok(id)` for a packet (accepted), or the error.
pub fn next_event(q: &mut Queue, d: Duration) -> Result<u32, Error> {
    let p = q.recv_timeout(d)?;
    let id = p.id();
    p.accept().unwrap();
    Ok(id)
}

/// Asserts that nothing, neither a packet nor a verdict error, arrives on
/// `q` within [`SHORT`]; `what` says why nothing should.
#[track_caller]
pub fn assert_quiet(q: &mut Queue, what: &str) {
    assert!(q.recv_timeout(SHORT).unwrap_err().is_timeout(), "{what}");
}

/// Accepts packets until none came for `idle`; returns how many it accepted
/// and how many overruns were reported. Panics on any other error.
pub fn accept_until_idle(q: &mut Queue, idle: Duration) -> (usize, usize) {
    let (mut pkts, mut overruns) = (0, 0);
    loop {
        match q.recv_timeout(idle) {
            Ok(p) => {
                p.accept().unwrap();
                pkts += 1;
            }
            Err(e) if e.is_overrun() => overruns += 1,
            Err(e) if e.is_timeout() => return (pkts, overruns),
            Err(e) => panic!("{e}"),
        }
    }
}

/// Expects `n` refused verdicts within 3 s each (no packet in between);
/// returns their (queue, id, errno) in arrival order.
pub fn verdict_errors(q: &mut Queue, n: usize) -> Vec<(Option<u16>, u32, i32)> {
    let mut out = Vec::new();
    while out.len() < n {
        match q.recv_timeout(T) {
            Err(Error::Verdict { queue, id, source }) => {
                out.push((queue, id, source.errno() as i32))
            }
            Err(e) => panic!("expected a verdict error, got {e} (after {out:?})"),
            Ok(p) => panic!("expected a verdict error, got packet {}", p.id()),
        }
    }
    out
}

/// A UDP socket bound to `127.0.0.1:port`.
pub fn udp_rx(port: u16) -> UdpSocket {
    support::udp_receiver(&format!("127.0.0.1:{port}"))
}

/// Sends `payload` to `127.0.0.1:port`.
pub fn send(port: u16, payload: &[u8]) {
    support::udp_send(&format!("127.0.0.1:{port}"), payload);
}

/// Datagrams `rx` receives within `d`, at most `max`.
pub fn count(rx: &UdpSocket, max: usize, d: Duration) -> usize {
    support::udp_count_within(rx, max, d)
}

/// Sends `data` over a TCP connection to `listener`, served by
/// [`support::tcp_echo_once`], in pieces of `chunk` bytes with `pause` after
/// each, and checks the echo: every byte served and the same bytes back.
#[track_caller]
pub fn echo_transfer(listener: TcpListener, data: &[u8], chunk: usize, pause: Duration) {
    let addr = listener.local_addr().unwrap().to_string();
    let echo = support::tcp_echo_once(listener);
    let mut c = support::tcp_connect(&addr, Duration::from_secs(10)).unwrap();
    let mut reader = c.try_clone().unwrap();
    let want = data.len();
    // Read on a thread while writing here: neither side's buffer fills up.
    let back = std::thread::spawn(move || {
        let mut got = Vec::with_capacity(want);
        let mut buf = [0u8; 65536];
        while got.len() < want {
            match reader.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => got.extend_from_slice(&buf[..n]),
                Err(e) => panic!("read: {e}"),
            }
        }
        got
    });
    for piece in data.chunks(chunk) {
        c.write_all(piece).unwrap();
        std::thread::sleep(pause);
    }
    let got = back.join().unwrap();
    drop(c);
    assert_eq!(echo.join().unwrap(), data.len());
    assert!(got == data, "echoed bytes are identical");
}

/// The UDP data of a queued IPv4 packet.
pub fn udp_payload<'a>(p: &Packet<'a>) -> &'a [u8] {
    let ip = p.payload().unwrap();
    let ihl = usize::from(ip[0] & 0x0f) * 4;
    &ip[ihl + 8..]
}

/// Packet and byte counters of rule `num` (1-based) of `table`/`chain`, with
/// `tool` = `iptables` or `ip6tables`.
pub fn rule_counters(tool: &str, table: &str, chain: &str, num: usize) -> (u64, u64) {
    let out = support::sh(&format!(
        "{tool} -t {table} -L {chain} -v -x -n --line-numbers"
    ));
    for line in out.lines() {
        let mut f = line.split_whitespace();
        if f.next().and_then(|n| n.parse::<usize>().ok()) == Some(num) {
            let pkts = f.next().unwrap().parse().unwrap();
            let bytes = f.next().unwrap().parse().unwrap();
            return (pkts, bytes);
        }
    }
    panic!("no rule {num} in {tool} {table}/{chain}:\n{out}")
}

/// Packet counter of iptables rule `num` (1-based) of `table`/`chain`.
pub fn rule_pkts(table: &str, chain: &str, num: usize) -> u64 {
    rule_counters("iptables", table, chain, num).0
}

/// The kernel's figures for queue `num` (panics if `/proc` is unreadable).
pub fn stats(num: u16) -> Option<health::QueueStats> {
    health::queue(num).unwrap()
}

/// Whether queue `num` is bound in this namespace, from
/// `/proc/thread-self/net/netfilter/nfnetlink_queue` (first field of each line).
///
/// `None` if that file cannot be read, which is always the case when running as an ordinary
/// user (see `support::try_proc_net`). A test that needs this then either skips, or better learns
/// readiness from the listener itself: binding is synchronous, so once the bind request is
/// acknowledged the queue exists.
pub fn queue_bound(num: u16) -> Option<bool> {
    let text = support::try_proc_net("netfilter/nfnetlink_queue").ok()?;
    Some(text.lines().any(|l| {
        l.split_whitespace()
            .next()
            .and_then(|f| f.parse::<u16>().ok())
            == Some(num)
    }))
}

/// The `/proc` queue file is readable (real root, not a userns-owned netns).
pub fn proc_readable() -> bool {
    support::try_proc_net("netfilter/nfnetlink_queue").is_ok()
}

/// Whether `tool` is on the (sbin-extended) PATH.
pub fn have_tool(tool: &str) -> bool {
    support::sh_status(&format!("command -v {tool}")).0
}

/// One's-complement sum of 16-bit big-endian words (odd tail padded).
fn sum16(mut sum: u32, b: &[u8]) -> u32 {
    for c in b.chunks(2) {
        let w = if c.len() == 2 {
            u16::from_be_bytes([c[0], c[1]])
        } else {
            u16::from(c[0]) << 8
        };
        sum += u32::from(w);
    }
    sum
}

fn fold(mut sum: u32) -> u16 {
    while sum >> 16 != 0 {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// The IPv4 header checksum of `h` (its checksum field counted as 0).
pub fn ip4_header_checksum(h: &[u8]) -> u16 {
    fold(sum16(sum16(0, &h[..10]), &h[12..]))
}

/// The UDP checksum of the IPv4 packet `ip` (its checksum field counted as 0).
pub fn udp4_checksum(ip: &[u8]) -> u16 {
    let ihl = usize::from(ip[0] & 0x0f) * 4;
    let udp = &ip[ihl..];
    let mut sum = sum16(0, &ip[12..20]);
    sum = sum16(sum, &[0, 17]);
    sum = sum16(sum, &(udp.len() as u16).to_be_bytes());
    sum = sum16(sum, &udp[..6]);
    sum = sum16(sum, &udp[8..]);
    match fold(sum) {
        0 => 0xffff,
        c => c,
    }
}
