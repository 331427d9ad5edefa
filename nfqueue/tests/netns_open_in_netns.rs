//! `Queue::open_in_netns`: a queue opened from one network namespace in
//! another works there, in one call (issue 17 item 5). Run with `cargo xtask
//! test` (or as root: `cargo test -p nfnl-queue --test netns_open_in_netns --
//! --ignored`).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::time::Duration;

use nfnl::testutil::netns as support;
use nfnl_queue::{ErrorExt, Queue, QueueConfig, Receive};

#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn a_queue_opened_in_another_namespace_gets_that_namespaces_packets() {
    let _ns = support::netns();
    let peer = support::peer_netns("veth0", "10.9.0.1/24", "eth0", "10.9.0.2/24");
    // The same rule on both sides; here with bypass (no listener: accepted).
    peer.sh("iptables -A OUTPUT -p udp --dport 5050 -j NFQUEUE --queue-num 3");
    support::iptables("-A OUTPUT -p udp --dport 5050 -j NFQUEUE --queue-num 3 --queue-bypass");

    let mut q = Queue::open_in_netns(peer.path()).unwrap();
    assert_ne!(support::current_netns(), peer.id(), "the caller stays here");
    q.bind(&QueueConfig::new(3)).unwrap();

    // Here: nobody listens on queue 3 of this namespace, the packet passes.
    let here = support::udp_receiver("127.0.0.1:5050");
    support::udp_send("127.0.0.1:5050", b"here");
    assert_eq!(
        support::udp_count_within(&here, 1, Duration::from_secs(2)),
        1
    );
    assert!(q.try_recv().unwrap_err().is_would_block(), "not ours");

    // Over there: the packet is queued to us, and our verdict releases it.
    let there = peer.run(|| support::udp_receiver("127.0.0.1:5050"));
    peer.run(|| support::udp_send("127.0.0.1:5050", b"over there"));
    let p = q.recv_timeout(Duration::from_secs(3)).unwrap();
    assert_eq!(p.queue(), 3);
    assert!(p.payload().unwrap().ends_with(b"over there"));
    p.accept().unwrap();
    q.flush().unwrap();
    assert_eq!(
        support::udp_count_within(&there, 1, Duration::from_secs(2)),
        1
    );
}

#[test]
fn a_missing_namespace_is_named_and_not_found() {
    let e = Queue::open_in_netns("/run/netns/nfnl-no-such-namespace").unwrap_err();
    assert!(e.is_not_found(), "{e:?}");
    assert!(
        e.to_string()
            .contains("network namespace /run/netns/nfnl-no-such-namespace"),
        "{e}"
    );
}
