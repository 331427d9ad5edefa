//! Soak (TEST-PLAN reliability): 1 million conntrack creates and deletes
//! under an event listener in each mode (plain, reliable); every event is
//! either received or reported lost, and the counts match the kernel's own
//! figure for the socket (the `Drops` column of `/proc/net/netlink`, read for the
//! calling thread's namespace). Off
//! unless `NFNL_SOAK` is set: run it with `cargo xtask soak`
//! (`NFNL_SOAK=N` for another flow count).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cast_possible_truncation,
    missing_docs
)]

use nfnl_conntrack::testutil as support;
use nfnl_conntrack::{ErrorExt, Receive};

use std::time::Duration;

use nfnl_conntrack::{Conntrack, Event, EventListener, Flow, Groups, Key, Tuple, L4};

/// How many flows the soak creates and deletes: `NFNL_SOAK` (1 or empty:
/// 1 million), `None` when it is not set.
fn soak_count(default: usize) -> Option<usize> {
    let v = std::env::var("NFNL_SOAK").ok()?;
    Some(match v.trim().parse::<usize>() {
        Ok(n) if n > 1 => n,
        _ => default,
    })
}

/// Flow `i` of the soak: UDP 10.x.y.z:1000+ -> 10.255.0.1:53, 60 s timeout.
fn soak_flow(i: usize) -> Flow {
    let src = format!("10.{}.{}.{}", (i >> 16) & 0xff, (i >> 8) & 0xff, i & 0xff);
    let t = Tuple::new(
        src.parse().unwrap(),
        "10.255.0.1".parse().unwrap(),
        L4::udp(1000 + (i % 60000) as u16, 53),
    )
    .unwrap();
    Flow {
        timeout: Some(60),
        ..Flow::new(t)
    }
}

/// The kernel's count of messages it could not deliver to netlink socket
/// `port` (`sk_drops`, `netlink_overrun`), if `/proc/net/netlink` is readable.
fn kernel_drops(port: u32) -> Option<u64> {
    let text = std::fs::read_to_string("/proc/thread-self/net/netlink").ok()?;
    // sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode
    text.lines().skip(1).find_map(|l| {
        let f: Vec<&str> = l.split_whitespace().collect();
        (f.get(1) == Some(&"12") && f.get(2)?.parse::<u32>().ok()? == port)
            .then(|| f.get(8)?.parse().ok())
            .flatten()
    })
}

/// Creates and deletes `total` flows in chunks (the table never holds more
/// than one chunk) while a listener in each mode counts NEW and DESTROY
/// events and overrun reports.
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn soak_conntrack_a_million_creates_and_deletes_under_each_listener_mode() {
    let Some(total) = soak_count(1_000_000) else {
        support::skip(
            "soak_conntrack_a_million_creates_and_deletes_under_each_listener_mode",
            "soak tests run with `cargo xtask soak` (NFNL_SOAK unset)",
        );
        return;
    };
    let _ns = support::netns();
    const CHUNK: usize = 20_000;
    for reliable in [false, true] {
        let mut events = EventListener::open(Groups::NEW | Groups::DESTROY).unwrap();
        events.set_reliable(reliable).unwrap();
        let port = events.socket().port_id();
        let (mut new, mut destroy, mut overruns) = (0usize, 0usize, 0usize);
        std::thread::scope(|s| {
            // a thread spawned after unshare(CLONE_NEWNET) shares this namespace
            let creator = s.spawn(move || {
                let mut ct = Conntrack::open().unwrap();
                let mut i = 0;
                while i < total {
                    let n = CHUNK.min(total - i);
                    let mut flows: Vec<Flow> = (i..i + n).map(soak_flow).collect();
                    let all = flows.clone();
                    // NOTE(kernel): with reliable events, entries whose
                    // DESTROY could not be delivered wait on the dying list
                    // and still count against the table: when it is full a
                    // create fails with ENOMEM until the listener catches
                    // up. That is the backpressure reliable mode means; retry.
                    while !flows.is_empty() {
                        let results = ct.create_batch(&flows).unwrap();
                        let mut again = Vec::new();
                        for (f, r) in flows.iter().zip(results) {
                            match r {
                                Ok(()) => {}
                                Err(e) if e.errno() == Some(nix::errno::Errno::ENOMEM) => {
                                    again.push(f.clone());
                                }
                                Err(e) => panic!("create: {e}"),
                            }
                        }
                        if !again.is_empty() {
                            std::thread::sleep(Duration::from_millis(20));
                        }
                        flows = again;
                    }
                    let flows = all;
                    let keys: Vec<Key> = flows.iter().map(|f| Key::of(f).unwrap()).collect();
                    // A full table evicts unassured entries to make room
                    // (`early_drop`), so a few may be gone already; each one
                    // still had its NEW and gets its DESTROY.
                    assert!(ct.delete_batch(&keys).unwrap() <= n as u64);
                    i += n;
                }
            });
            loop {
                match events.recv_timeout(Duration::from_millis(500)) {
                    Ok((_, Event::New(_))) => new += 1,
                    Ok((_, Event::Destroy(_))) => destroy += 1,
                    Ok(_) => {}
                    Err(e) if e.is_overrun() => overruns += 1,
                    Err(e) if e.is_timeout() && creator.is_finished() => break,
                    Err(e) if e.is_timeout() => {}
                    Err(e) => panic!("listener: {e}"),
                }
            }
            creator.join().unwrap();
        });
        let drops = kernel_drops(port);
        println!(
            "soak reliable={reliable}: {total} flows: NEW {new}, DESTROY {destroy}, overrun \
             reports {overruns}, kernel drops {drops:?}"
        );
        let received = new + destroy;
        if received < 2 * total {
            assert!(
                overruns > 0,
                "{} events lost without a report",
                2 * total - received
            );
        }
        if reliable {
            assert_eq!(destroy, total, "reliable mode delivers every DESTROY");
        }
        if let Some(d) = drops {
            let d = usize::try_from(d).unwrap();
            if reliable {
                // A DESTROY that failed is counted as a drop and then
                // delivered again: every event was received or dropped.
                assert!(
                    received + d >= 2 * total,
                    "{received} + {d} < {}",
                    2 * total
                );
            } else {
                assert_eq!(received + d, 2 * total, "each event received or dropped");
            }
        }
    }
}
