//! More namespace tests for nfqueue (TEST-PLAN 5.1): real flows through a
//! queue and the kernel's handling of held packets. Q7 (TCP transfer and a
//! connect/close storm), Q5/Q6 (GSO flag on and off over a veth), Q18's NO_ENOBUFS and FAIL_OPEN variants, Q27 (a
//! device going down flushes the packets held from it) and Q29 (no kernel
//! timeout on a held packet). A listener killed while holding packets (Q19,
//! Q20) is in `netns_queue.rs`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cast_possible_truncation,
    missing_docs
)]

mod qsupport;
use nfnl::testutil::netns as support;
use nfnl_queue::{ErrorExt, Receive};
use qs::*;
use qsupport as qs;

use std::io::{Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use nfnl_queue::{Queue, QueueConfig, QueueFlags, Verdict};

/// Serves `q` on a thread, accepting everything, until `stop`; returns the count.
fn accept_all(mut q: Queue, stop: Arc<AtomicBool>) -> std::thread::JoinHandle<u64> {
    std::thread::spawn(move || {
        let mut n = 0;
        while !stop.load(Ordering::Relaxed) {
            match q.recv_timeout(Duration::from_millis(50)) {
                Ok(p) => {
                    p.accept().unwrap();
                    n += 1;
                }
                Err(e) if e.is_timeout() || e.is_recoverable() => {}
                Err(e) => panic!("{e}"),
            }
        }
        n
    })
}

/// Q7: a 4 MB TCP transfer over loopback with every segment of both
/// directions queued arrives byte-identical; then a 2-second connect/close
/// storm completes. Both need every verdict to come back.
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn q07_tcp_transfer_and_connect_storm_through_the_queue() {
    let _ns = support::netns();
    support::iptables("-A OUTPUT -p tcp --dport 12345 -j NFQUEUE --queue-num 3");
    support::iptables("-A OUTPUT -p tcp --sport 12345 -j NFQUEUE --queue-num 3");
    let stop = Arc::new(AtomicBool::new(false));
    let served = accept_all(open(QueueConfig::new(3)), stop.clone());

    let listener = support::tcp_listener("127.0.0.1:12345");
    let data: Vec<u8> = (0..4_000_000u32).map(|i| (i * 7 + i / 251) as u8).collect();
    echo_transfer(
        listener.try_clone().unwrap(),
        &data,
        data.len(),
        Duration::ZERO,
    );

    // Connect/close storm for 2 s (the echo thread made the listener
    // non-blocking: it shares the file description).
    listener.set_nonblocking(false).unwrap();
    let start = Instant::now();
    let mut conns = 0;
    while start.elapsed() < Duration::from_secs(2) {
        let s = support::tcp_connect("127.0.0.1:12345", T).expect("connect through the queue");
        let (a, _) = listener.accept().unwrap();
        drop((s, a));
        conns += 1;
    }
    stop.store(true, Ordering::Relaxed);
    let n = served.join().unwrap();
    assert!(conns > 10, "{conns} connections in 2 s");
    assert!(n > 100, "segments went through the queue: {n}");
}

/// Q18 variants: with `NETLINK_NO_ENOBUFS` a receive-buffer overflow is
/// silent (no `Overrun`, the lost packets are dropped by the kernel); with
/// FAIL_OPEN the packets that do not fit the socket are accepted instead.
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn q18_no_enobufs_is_silent_and_fail_open_delivers_the_overflow() {
    let _ns = support::netns();
    support::iptables("-A OUTPUT -p udp --dport 5118 -j NFQUEUE --queue-num 0");
    support::iptables("-A OUTPUT -p udp --dport 5218 -j NFQUEUE --queue-num 1");
    let mut quiet = Queue::open().unwrap();
    quiet.socket().set_recv_buffer(4096).unwrap();
    quiet.socket().set_no_enobufs(true).unwrap();
    quiet.bind(&QueueConfig::new(0)).unwrap();
    let mut open = Queue::open().unwrap();
    open.socket().set_recv_buffer(4096).unwrap();
    open.bind(&QueueConfig::new(1).flags(QueueFlags::FAIL_OPEN))
        .unwrap();
    let rx0 = udp_rx(5118);
    let rx1 = udp_rx(5218);
    // 60 datagrams: a 4 KiB netlink buffer holds a few; the receivers'
    // default buffers hold them all.
    for _ in 0..60 {
        send(5118, &[1u8; 1000]);
        send(5218, &[2u8; 1000]);
    }
    // FAIL_OPEN: what did not fit the socket went straight through.
    let direct = count(&rx1, 60, Duration::from_millis(500));
    assert!(
        direct > 0 && direct < 60,
        "overflow delivered by fail-open: {direct}"
    );
    // NOTE(kernel): FAIL_OPEN accepts what does not fit, but the socket layer
    // (`netlink_overrun`) still flags the overflow with ENOBUFS, once, unless
    // NETLINK_NO_ENOBUFS is set.
    for (q, rx, total_min, max_overruns) in [
        (&mut quiet, &rx0, 1usize, 0),
        (&mut open, &rx1, 60 - direct, 1),
    ] {
        let (pkts, overruns) = accept_until_idle(q, Duration::from_millis(300));
        q.flush().unwrap();
        assert!(overruns <= max_overruns, "overruns reported: {overruns}");
        assert!(
            pkts >= total_min && pkts < 60,
            "{pkts} queued, at least {total_min} expected (fail-open delivered {direct})"
        );
        assert_eq!(count(rx, 60, Duration::from_millis(300)), pkts);
    }
}

/// Q27: packets held from a device are flushed when it goes down
/// (`nfqnl_rcv_dev_event`): a late verdict for them fails with ENOENT,
/// reported for that packet id.
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn q27_device_down_flushes_held_packets() {
    let _ns = support::netns();
    let peer = support::peer_netns("veth0", "10.0.27.1/24", "eth0", "10.0.27.2/24");
    support::iptables("-A INPUT -i veth0 -p udp --dport 5027 -j NFQUEUE --queue-num 0");
    let mut q = open(QueueConfig::new(0));
    let _rx = support::udp_receiver("10.0.27.1:5027");
    peer.run(|| {
        for _ in 0..3 {
            support::udp_send("10.0.27.1:5027", b"held");
        }
    });
    // `ip -o link show veth0` starts with "<ifindex>: veth0@...".
    let link = support::sh("ip -o link show veth0");
    let ifindex: u32 = link.split(':').next().unwrap().trim().parse().unwrap();
    let mut held = Vec::new();
    for _ in 0..3 {
        let p = q.recv_timeout(T).unwrap();
        assert_eq!(p.indev(), Some(ifindex));
        held.push(p.hold());
    }
    let ids: Vec<u32> = held.iter().map(|h| h.id()).collect();
    support::sh("ip link set veth0 down");
    for h in held {
        h.accept().unwrap();
    }
    q.flush().unwrap();
    let mut refused: Vec<u32> = verdict_errors(&mut q, ids.len())
        .into_iter()
        .map(|(_, id, errno)| {
            assert_eq!(errno, ENOENT);
            id
        })
        .collect();
    refused.sort_unstable();
    assert_eq!(refused, ids);
}

/// Q29 (shortened to 3 s): the kernel has no timeout for a held packet; it
/// waits until the verdict and is then delivered.
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn q29_held_packet_waits_for_its_verdict() {
    let _ns = support::netns();
    support::iptables("-A OUTPUT -p udp --dport 5029 -j NFQUEUE --queue-num 0");
    let mut q = open(QueueConfig::new(0));
    q.set_default_verdict(Verdict::Drop);
    let rx = udp_rx(5029);
    send(5029, b"patience");
    let held = q.recv_timeout(T).unwrap().hold();
    let waiting = || {
        nfnl_queue::health::queue(0)
            .ok()
            .flatten()
            .map(|s| s.waiting)
    };
    for _ in 0..3 {
        std::thread::sleep(Duration::from_secs(1));
        if let Some(w) = waiting() {
            assert_eq!(w, 1, "still held in the kernel");
        }
        assert_eq!(count(&rx, 1, Duration::from_millis(1)), 0);
    }
    held.accept().unwrap();
    q.flush().unwrap();
    assert_eq!(count(&rx, 1, T), 1);
}

/// What [`tcp_over_veth_through_queue`] saw.
struct TcpRun {
    /// Bytes the peer received.
    got: usize,
    /// The largest queued payload.
    largest: usize,
    /// Whether any packet carried `NFQA_SKB_GSO`.
    gso: bool,
    /// Whether any packet said its checksum was not ready (`NFQA_SKB_CSUMNOTREADY`).
    csum_not_ready: bool,
}

/// Sends 8 MB over TCP across a veth (MTU 1500) to a peer namespace with every
/// outgoing segment queued, binding queue 5 with `config`.
fn tcp_over_veth_through_queue(config: QueueConfig) -> TcpRun {
    let peer = support::peer_netns("veth0", "10.0.5.1/24", "eth0", "10.0.5.2/24");
    support::iptables("-A OUTPUT -o veth0 -p tcp --dport 12345 -j NFQUEUE --queue-num 5");
    let mut q = open(config);
    let stop = Arc::new(AtomicBool::new(false));
    let stop2 = stop.clone();
    let consumer = std::thread::spawn(move || {
        let (mut largest, mut gso, mut csum_not_ready) = (0usize, false, false);
        while !stop2.load(Ordering::Relaxed) {
            match q.recv_timeout(Duration::from_millis(50)) {
                Ok(p) => {
                    largest = largest.max(p.payload().map_or(0, <[u8]>::len));
                    gso |= p.skb_info().contains(nfnl_queue::SkbInfo::GSO);
                    csum_not_ready |= p.checksum_not_ready();
                    p.accept().unwrap();
                }
                Err(e) if e.is_timeout() || e.is_recoverable() => {}
                Err(e) => panic!("{e}"),
            }
        }
        (largest, gso, csum_not_ready)
    });
    let sink = peer.spawn(|| {
        let l = support::tcp_listener("10.0.5.2:12345");
        let (mut s, _) = l.accept().unwrap();
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        let mut buf = vec![0u8; 1 << 16];
        let mut total = 0;
        while let Ok(n @ 1..) = s.read(&mut buf) {
            total += n;
        }
        total
    });
    let mut c = None;
    support::wait_until(Duration::from_secs(5), "the peer listens", || {
        c = support::tcp_connect("10.0.5.2:12345", T).ok();
        c.is_some()
    });
    let mut c = c.unwrap();
    let chunk = vec![0x5au8; 1 << 20];
    for _ in 0..8 {
        c.write_all(&chunk).unwrap();
    }
    drop(c);
    let got = sink.join().unwrap();
    stop.store(true, Ordering::Relaxed);
    let (largest, gso, csum_not_ready) = consumer.join().unwrap();
    TcpRun {
        got,
        largest,
        gso,
        csum_not_ready,
    }
}

/// Q5: with the GSO flag, TCP super-packets reach the listener whole
/// (payload larger than the MTU, `NFQA_SKB_GSO` set) and the transfer completes.
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn q05_gso_flag_delivers_super_packets() {
    let _ns = support::netns();
    let r = tcp_over_veth_through_queue(QueueConfig::new(5).flags(QueueFlags::GSO));
    assert_whole_super_packets(&r);
}

/// The transfer completed and GSO super-packets reached the listener whole.
fn assert_whole_super_packets(r: &TcpRun) {
    assert_eq!(r.got, 8 << 20, "transfer complete");
    assert!(
        r.largest > 1500 && r.gso,
        "GSO packets seen whole: largest {}, gso {}",
        r.largest,
        r.gso
    );
}

/// Q5b: the default configuration is the fast one: super-packets arrive whole,
/// and the packet view says their checksum is not computed yet (the kernel
/// leaves it to the device), instead of the kernel segmenting and summing first.
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn q05b_default_config_delivers_super_packets_with_checksum_not_ready() {
    let _ns = support::netns();
    let r = tcp_over_veth_through_queue(QueueConfig::new(5));
    assert_whole_super_packets(&r);
    assert!(
        r.csum_not_ready,
        "locally generated TCP over a veth (checksum offload) is queued with NFQA_SKB_CSUMNOTREADY"
    );
}

/// Q6: without the GSO flag the kernel segments in software before queueing:
/// every payload fits the MTU, and the transfer completes.
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn q06_without_gso_flag_every_packet_fits_the_mtu() {
    let _ns = support::netns();
    let r = tcp_over_veth_through_queue(QueueConfig::new(5).flags(QueueFlags::empty()));
    assert_eq!(r.got, 8 << 20, "transfer complete");
    assert!(
        r.largest <= 1500 && !r.gso && !r.csum_not_ready,
        "segmented, checksums computed: largest {}, gso {}, csum not ready {}",
        r.largest,
        r.gso,
        r.csum_not_ready
    );
}
