//! Namespace tests for the async receive (`nfnl_queue::tokio::AsyncQueue`,
//! feature `tokio`) against the real kernel.
//!
//! Each test creates its own network namespace (`support::netns()`), then
//! a current-thread tokio runtime on the same thread, so the sockets it
//! opens live in the namespace. Every wait has a deadline
//! (`tokio::time::timeout`). Run them with `cargo xtask test` (or as root:
//! `cargo test -p nfnl-queue --all-features --test netns_queue_async -- --ignored`).
#![cfg(feature = "tokio")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cast_possible_truncation,
    missing_docs
)]

mod qsupport;
use nfnl::testutil::netns as support;
use nfnl_queue::Receive;
use qs::*;
use qsupport as qs;

use std::sync::mpsc;
use std::time::{Duration, Instant};

use nfnl_queue::tokio::AsyncQueue;
use nfnl_queue::{Hook, Packet, Queue, QueueConfig, Verdict};
use tokio::time::timeout;

/// A current-thread runtime with I/O and timers, built on the calling
/// thread (call it after `support::netns()`).
fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build()
        .unwrap()
}

/// A queue bound to `num`, ready for the async receive.
fn open_async(num: u16) -> AsyncQueue {
    AsyncQueue::new(open(QueueConfig::new(num))).unwrap()
}

/// Next packet within 3 s; panics on a timeout or any error.
async fn next(q: &mut AsyncQueue) -> Packet<'_> {
    match timeout(T, q.recv()).await {
        Ok(Ok(p)) => p,
        Ok(Err(e)) => panic!("no packet: {e}"),
        Err(_) => panic!("no packet within {T:?}: the task was not woken"),
    }
}

/// Packets already queued are received, accepted and delivered; the
/// verdicts go out before the next receive waits (no explicit flush).
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn a1_async_recv_accepts_and_delivers() {
    let _ns = support::netns();
    support::iptables("-A OUTPUT -p udp --dport 5301 -j NFQUEUE --queue-num 3");
    let rx = udp_rx(5301);
    runtime().block_on(async {
        let mut q = open_async(3);
        for i in 0..5u8 {
            send(5301, &[b'a', i]);
        }
        for i in 0..5u8 {
            let p = next(&mut q).await;
            assert_eq!((p.queue(), p.hook()), (3, Hook::LocalOut));
            assert_eq!(udp_payload(&p), [b'a', i]);
            p.accept().unwrap();
        }
        // The five verdicts are still collected; the next receive sends
        // them before it waits (and then finds nothing).
        let counter = std::thread::spawn(move || support::udp_recv_within(&rx, 5, T));
        assert!(timeout(SHORT, q.recv()).await.is_err(), "no sixth packet");
        let got = counter.join().unwrap();
        assert_eq!(got, (0..5u8).map(|i| vec![b'a', i]).collect::<Vec<_>>());
    });
}

/// A task waiting in `recv` (spawned, so the future is `Send`) is woken by
/// packets sent from another thread after it started waiting, round after
/// round (the readiness is cleared between rounds).
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn a2_waiting_task_is_woken_by_a_later_packet() {
    let _ns = support::netns();
    support::iptables("-A OUTPUT -p udp --dport 5302 -j NFQUEUE --queue-num 0");
    let rx = udp_rx(5302);
    let (go_tx, go_rx) = mpsc::channel::<u8>();
    // Sends packet `i` 150 ms after being told that the receiver waits.
    let sender = std::thread::spawn(move || {
        while let Ok(i) = go_rx.recv() {
            std::thread::sleep(Duration::from_millis(150));
            send(5302, &[b'w', i]);
        }
    });
    runtime().block_on(async {
        let q = open_async(0);
        let task = tokio::spawn(async move {
            let mut q = q;
            let mut waited = Vec::new();
            for i in 0..3u8 {
                go_tx.send(i).unwrap();
                let t0 = Instant::now();
                let p = next(&mut q).await;
                waited.push(t0.elapsed());
                assert_eq!(udp_payload(&p), [b'w', i]);
                p.accept().unwrap();
            }
            q.get_mut().flush().unwrap();
            waited
        });
        let waited = timeout(4 * T, task).await.unwrap().unwrap();
        for w in waited {
            assert!(w >= Duration::from_millis(100), "it waited: {w:?}");
        }
    });
    sender.join().unwrap();
    assert_eq!(
        support::udp_recv_within(&rx, 3, T),
        vec![b"w\0".to_vec(), b"w\x01".to_vec(), b"w\x02".to_vec()]
    );
}

/// A packet dropped without a verdict gets the default verdict: drop by
/// default, accept once set so.
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn a3_dropped_packet_gets_the_default_verdict() {
    let _ns = support::netns();
    support::iptables("-A OUTPUT -p udp --dport 5303 -j NFQUEUE --queue-num 0");
    let rx = udp_rx(5303);
    runtime().block_on(async {
        let mut q = open_async(0);
        assert_eq!(q.get_ref().default_verdict(), Verdict::Drop);
        send(5303, b"dropped");
        drop(next(&mut q).await);
        q.get_mut().flush().unwrap();
        assert_eq!(support::udp_count_within(&rx, 1, SHORT), 0);

        q.get_ref().set_default_verdict(Verdict::Accept);
        send(5303, b"accepted");
        {
            let p = next(&mut q).await;
            assert_eq!(udp_payload(&p), b"accepted");
        }
        q.get_mut().flush().unwrap();
        assert_eq!(
            support::udp_recv_within(&rx, 1, T),
            vec![b"accepted".to_vec()]
        );
    });
}

/// Cancelling a waiting `recv` loses nothing, and packets kept while a
/// configuration request waited for its ack are returned without a new
/// wake-up from the kernel.
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn a4_cancelled_recv_and_packets_kept_around_config_acks() {
    let _ns = support::netns();
    support::iptables("-A OUTPUT -p udp --dport 5304 -j NFQUEUE --queue-num 0");
    let rx = udp_rx(5304);
    runtime().block_on(async {
        let mut q = open_async(0);
        assert!(timeout(Duration::from_millis(100), q.recv()).await.is_err());
        for i in 0..3u8 {
            send(5304, &[b'k', i]);
        }
        // The queued packets are read (and kept) while the bind waits.
        q.get_mut().bind(&QueueConfig::new(1)).unwrap();
        assert_eq!(q.get_ref().bound(), &[0, 1]);
        for i in 0..3u8 {
            let p = next(&mut q).await;
            assert_eq!(udp_payload(&p), [b'k', i]);
            p.accept().unwrap();
        }
        q.get_mut().flush().unwrap();
        assert_eq!(support::udp_count_within(&rx, 3, T), 3);
    });
}

/// `AsyncQueue::new` outside a runtime is an error, not a panic; the queue
/// given back by `into_inner` still works with the blocking calls.
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn a5_outside_a_runtime_and_back_to_blocking() {
    let _ns = support::netns();
    support::iptables("-A OUTPUT -p udp --dport 5305 -j NFQUEUE --queue-num 0");
    let rx = udp_rx(5305);
    let q = open(QueueConfig::new(0));
    let e = AsyncQueue::new(Queue::open().unwrap()).unwrap_err();
    assert!(e.to_string().contains("tokio runtime"), "{e}");

    let rt = runtime();
    let q = rt.block_on(async {
        let mut q = AsyncQueue::new(q).unwrap();
        send(5305, b"async");
        next(&mut q).await.accept().unwrap();
        q.into_inner()
    });
    drop(rt);
    let mut q = q;
    send(5305, b"blocking");
    let p = q.recv_timeout(T).unwrap();
    assert_eq!(udp_payload(&p), b"blocking");
    p.accept().unwrap();
    q.flush().unwrap();
    assert_eq!(
        support::udp_recv_within(&rx, 2, T),
        vec![b"async".to_vec(), b"blocking".to_vec()]
    );
}

/// The async receive on a queue with nothing bound returns
/// `Error::NothingBound` instead of waiting forever (the deadline here only
/// keeps a regression from hanging the run).
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn a6_async_receive_with_nothing_bound_says_so() {
    let _ns = support::netns();
    let rt = runtime();
    rt.block_on(async {
        let mut q = AsyncQueue::new(Queue::open().unwrap()).unwrap();
        let r = timeout(Duration::from_secs(30), q.recv()).await;
        let e = r.expect("returns at once").map(|p| p.id()).unwrap_err();
        assert!(matches!(e, nfnl_queue::Error::NothingBound), "{e:?}");
        assert_eq!(
            e.to_string(),
            "receive with no queue bound: no packet can arrive (call Queue::bind first)"
        );
    });
}
