//! `Log::open_in_netns`: a log socket opened from one network namespace in
//! another gets that namespace's log messages, in one call (issue 17 item
//! 5). Run with `cargo xtask test` (or as root: `cargo test -p nfnl-log
//! --test netns_open_in_netns -- --ignored`).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::time::Duration;

use nfnl::testutil::netns as support;
use nfnl_log::{ErrorExt, GroupConfig, Log, Receive};

#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn a_log_opened_in_another_namespace_gets_that_namespaces_messages() {
    let _ns = support::netns();
    let peer = support::peer_netns("veth0", "10.9.0.1/24", "eth0", "10.9.0.2/24");
    // The same group on both sides, told apart by the prefix.
    peer.sh("iptables -A OUTPUT -p udp --dport 6050 -j NFLOG --nflog-group 5 --nflog-prefix there");
    support::iptables("-A OUTPUT -p udp --dport 6050 -j NFLOG --nflog-group 5 --nflog-prefix here");

    let mut log = Log::open_in_netns(peer.path()).unwrap();
    assert_ne!(support::current_netns(), peer.id(), "the caller stays here");
    log.bind(&GroupConfig::new(5)).unwrap();

    support::udp_send("127.0.0.1:6050", b"here");
    peer.run(|| support::udp_send("127.0.0.1:6050", b"over there"));
    let m = log.recv_timeout(Duration::from_secs(3)).unwrap();
    assert_eq!(m.group(), 5);
    assert_eq!(m.prefix(), Some(&b"there"[..]));
    assert!(m.payload().unwrap().ends_with(b"over there"));
    // Nothing of this namespace's group 5 reaches it.
    let e = log.recv_timeout(Duration::from_millis(400)).unwrap_err();
    assert!(e.is_timeout(), "{e:?}");
}

#[test]
fn a_missing_namespace_is_named_and_not_found() {
    let e = Log::open_in_netns("/run/netns/nfnl-no-such-namespace").unwrap_err();
    assert!(e.is_not_found(), "{e:?}");
    assert!(
        e.to_string()
            .contains("network namespace /run/netns/nfnl-no-such-namespace"),
        "{e}"
    );
}
