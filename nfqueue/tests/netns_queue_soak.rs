//! Soak (TEST-PLAN reliability): 10 million packets through one queue, with
//! the listener's memory and file descriptors flat from the first million
//! on, and no packet lost. Off unless `NFNL_SOAK` is set: run it with
//! `cargo xtask soak` (`NFNL_SOAK=N` for another packet count).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cast_possible_truncation,
    clippy::cast_precision_loss,
    missing_docs
)]

mod qsupport;
use nfnl::testutil::netns as support;
use nfnl_queue::Receive;
use qs::*;
use qsupport as qs;

use std::net::UdpSocket;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use nfnl_queue::{QueueConfig, Verdict};

/// How many packets the soak sends: `NFNL_SOAK` (1 or empty: 10 million),
/// `None` when it is not set.
fn soak_count(default: u64) -> Option<u64> {
    let v = std::env::var("NFNL_SOAK").ok()?;
    Some(match v.trim().parse::<u64>() {
        Ok(n) if n > 1 => n,
        _ => default,
    })
}

/// `VmRSS` of this process, in KiB.
fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap()
}

/// Open file descriptors of this process.
fn fds() -> usize {
    std::fs::read_dir("/proc/self/fd").unwrap().count()
}

/// 10 million 64-byte UDP datagrams through `-j NFQUEUE`, at most 256 in
/// flight (a closed loop: the queue never overflows, so every one must be
/// accepted). RSS and descriptors are read at 1 million and at the end:
/// they must not grow (a 1 MiB margin for allocator noise).
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn soak_queue_ten_million_packets_memory_and_fds_flat() {
    let Some(total) = soak_count(10_000_000) else {
        support::skip(
            "soak_queue_ten_million_packets_memory_and_fds_flat",
            "soak tests run with `cargo xtask soak` (NFNL_SOAK unset)",
        );
        return;
    };
    let _ns = support::netns();
    support::iptables("-A OUTPUT -p udp --dport 5400 -j NFQUEUE --queue-num 0");
    let sink = udp_rx(5400);
    let mut q = open(QueueConfig::new(0));
    q.set_default_verdict(Verdict::Accept);
    let accepted = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let sender = {
        let (accepted, stop) = (Arc::clone(&accepted), Arc::clone(&stop));
        std::thread::spawn(move || {
            let s = UdpSocket::bind("127.0.0.1:0").unwrap();
            s.connect("127.0.0.1:5400").unwrap();
            let mut sent = 0u64;
            while sent < total && !stop.load(Ordering::Relaxed) {
                if sent - accepted.load(Ordering::Relaxed) < 256 {
                    s.send(&[0x5a; 64]).unwrap();
                    sent += 1;
                } else {
                    std::thread::yield_now();
                }
            }
        })
    };
    // The sink drains what is accepted, so nothing piles up in the kernel.
    let drain = {
        let stop = Arc::clone(&stop);
        std::thread::spawn(move || {
            sink.set_read_timeout(Some(Duration::from_millis(200)))
                .unwrap();
            let mut buf = [0u8; 256];
            while !stop.load(Ordering::Relaxed) {
                let _ = sink.recv(&mut buf);
            }
        })
    };
    let started = Instant::now();
    let mut at_million = None;
    let mut n = 0u64;
    while n < total {
        match q.recv_timeout(T) {
            Ok(p) => p.accept().unwrap(),
            Err(e) => panic!("after {n} packets: {e}"),
        }
        n += 1;
        accepted.store(n, Ordering::Relaxed);
        if n == total.min(1_000_000) {
            at_million = Some((rss_kib(), fds()));
        }
    }
    q.flush().unwrap();
    let (rss_end, fds_end) = (rss_kib(), fds());
    stop.store(true, Ordering::Relaxed);
    sender.join().unwrap();
    drain.join().unwrap();
    let (rss_1m, fds_1m) = at_million.unwrap();
    let secs = started.elapsed().as_secs_f64();
    println!(
        "soak: {n} packets in {secs:.1} s ({:.0}/s); RSS {rss_1m} KiB at 1M, {rss_end} KiB at \
         {n}; fds {fds_1m} -> {fds_end}",
        n as f64 / secs
    );
    assert_eq!(n, total, "every packet was queued and accepted");
    assert!(
        rss_end <= rss_1m + 1024,
        "RSS grew: {rss_1m} KiB -> {rss_end} KiB"
    );
    // (a transient descriptor of another thread may be counted at 1M)
    assert!(
        fds_end <= fds_1m,
        "file descriptors leaked: {fds_1m} -> {fds_end}"
    );
    if proc_readable() {
        let s = stats(0).unwrap();
        assert_eq!(
            (s.dropped, s.user_dropped),
            (0, 0),
            "the kernel dropped packets: {s:?}"
        );
    }
}
