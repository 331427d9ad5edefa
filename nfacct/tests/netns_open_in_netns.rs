//! `Acct::open_in_netns` and `QuotaListener::open_in_netns`: opened from one
//! network namespace in another, they work there, in one call (issue 17
//! item 5), with the `nfacct` tool run in each namespace as the oracle. Run
//! with `cargo xtask test` (or as root: `cargo test -p nfnl-acct --test
//! netns_open_in_netns -- --ignored`).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::ops::ControlFlow;
use std::time::Duration;

use nfnl::testutil::netns as support;
use nfnl_acct::{Acct, Errno, ErrorExt, Filter, NewObject, Quota, QuotaListener, Receive};

const TEST: &str = "acct_and_quota_listener_opened_in_another_namespace_work_there";

#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn acct_and_quota_listener_opened_in_another_namespace_work_there() {
    let _ns = support::netns();
    if !support::command("nfacct")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success())
    {
        support::skip(
            TEST,
            "the nfacct tool is not installed (apt-get install nfacct)",
        );
        return;
    }
    let peer = support::peer_netns("veth0", "10.9.0.1/24", "eth0", "10.9.0.2/24");
    let mut acct = Acct::open_in_netns(peer.path()).unwrap();
    assert_ne!(support::current_netns(), peer.id(), "the caller stays here");
    match acct.dump(&Filter::all(), |_| ControlFlow::Continue(())) {
        Err(e) if matches!(e.errno(), Some(Errno::EOPNOTSUPP | Errno::EINVAL)) => {
            support::skip(TEST, &format!("no nfnetlink_acct in this kernel: {e}"));
            return;
        }
        r => r.unwrap(),
    }
    let mut quotas = QuotaListener::open_in_netns(peer.path()).unwrap();
    acct.create(&NewObject::new("q").unwrap().quota(Quota::Packets(2)))
        .unwrap();
    let there = peer.sh("nfacct list");
    assert!(
        there.contains("mode = packet, overquota = no } = q;"),
        "{there}"
    );
    assert_eq!(support::sh("nfacct list"), "", "nothing here");

    // Pings here into an object of the same name and quota: not heard.
    support::sh("nfacct add q packet 2");
    let rule = "-A OUTPUT -p icmp --icmp-type echo-request -m nfacct --nfacct-name q";
    support::iptables(rule);
    support::sh("ping -n -q -c 3 -i 0.01 -W 1 127.0.0.1");
    let e = quotas.recv_timeout(Duration::from_millis(400)).unwrap_err();
    assert!(e.is_timeout(), "{e:?}");
    // Pings there: the notification comes.
    peer.sh(&format!("iptables {rule}"));
    peer.sh("ping -n -q -c 3 -i 0.01 -W 1 127.0.0.1");
    let n = quotas.recv_timeout(Duration::from_secs(5)).unwrap();
    assert_eq!(n.name().as_str(), Some("q"));
    assert!(n.is_over_quota());
}

#[test]
fn a_missing_namespace_is_named_and_not_found() {
    let e = Acct::open_in_netns("/run/netns/nfnl-no-such-namespace").unwrap_err();
    assert!(e.is_not_found(), "{e:?}");
    assert!(
        e.to_string()
            .contains("network namespace /run/netns/nfnl-no-such-namespace"),
        "{e}"
    );
    let e = QuotaListener::open_in_netns("/run/netns/nfnl-no-such-namespace").unwrap_err();
    assert!(e.is_not_found(), "{e:?}");
}
