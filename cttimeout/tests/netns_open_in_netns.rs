//! `CtTimeout::open_in_netns`: opened from one network namespace in
//! another, it works there, in one call (issue 17 item 5), with the `nfct`
//! tool run in each namespace as the oracle. Run with `cargo xtask test` (or
//! as root: `cargo test -p nfnl-cttimeout --test netns_open_in_netns --
//! --ignored`).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use nfnl::testutil::netns as support;
use nfnl_cttimeout::{CtTimeout, ErrorExt, Policy, ProtoFamily, ReplyTimeouts, Timeouts};

#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn cttimeout_opened_in_another_namespace_creates_there() {
    let _ns = support::netns();
    let peer = support::peer_netns("veth0", "10.9.0.1/24", "eth0", "10.9.0.2/24");
    let mut t = CtTimeout::open_in_netns(peer.path()).unwrap();
    assert_ne!(support::current_netns(), peer.id(), "the caller stays here");
    match t.dump() {
        Err(e)
            if matches!(
                e.errno(),
                Some(nfnl_cttimeout::Errno::EOPNOTSUPP | nfnl_cttimeout::Errno::ENOENT)
            ) =>
        {
            support::skip(
                "cttimeout_opened_in_another_namespace_creates_there",
                &format!("kernel without nfnetlink_cttimeout ({e})"),
            );
            return;
        }
        r => drop(r.unwrap()),
    }
    let udp = Timeouts::Udp(ReplyTimeouts {
        unreplied: Some(1000),
        replied: Some(2000),
    });
    t.create(&Policy::new("nfnl-elsewhere", ProtoFamily::Ipv4, udp))
        .unwrap();
    let there = peer.sh("nfct timeout list");
    assert!(there.contains("nfnl-elsewhere"), "{there}");
    let here = support::sh("nfct timeout list");
    assert!(!here.contains("nfnl-elsewhere"), "{here}");
}

#[test]
fn a_missing_namespace_is_named_and_not_found() {
    let e = CtTimeout::open_in_netns("/run/netns/nfnl-no-such-namespace").unwrap_err();
    assert!(e.is_not_found(), "{e:?}");
    assert!(
        e.to_string()
            .contains("network namespace /run/netns/nfnl-no-such-namespace"),
        "{e}"
    );
}
