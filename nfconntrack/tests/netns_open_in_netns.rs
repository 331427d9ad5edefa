//! `Conntrack::open_in_netns` and `EventListener::open_in_netns`: opened
//! from one network namespace in another, they work there, in one call
//! (issue 17 item 5), with the `conntrack` tool run in each namespace as the
//! oracle. Run with `cargo xtask test` (or as root: `cargo test -p
//! nfnl-conntrack --test netns_open_in_netns -- --ignored`).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::net::IpAddr;
use std::time::Duration;

use nfnl::testutil::netns as support;
use nfnl_conntrack::{Conntrack, ErrorExt, Event, EventListener, Flow, Groups, Receive, Tuple, L4};

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn conntrack_opened_in_another_namespace_creates_there() {
    let _ns = support::netns();
    let peer = support::peer_netns("veth0", "10.9.0.1/24", "eth0", "10.9.0.2/24");
    let mut ct = Conntrack::open_in_netns(peer.path()).unwrap();
    assert_ne!(support::current_netns(), peer.id(), "the caller stays here");
    let t = Tuple::new(ip("10.77.0.1"), ip("10.77.0.2"), L4::udp(1111, 2222)).unwrap();
    ct.create(&Flow {
        timeout: Some(100),
        ..Flow::new(t)
    })
    .unwrap();
    let there = peer.sh("conntrack -L -p udp --orig-src 10.77.0.1 2>/dev/null");
    assert!(
        there.contains("src=10.77.0.1 dst=10.77.0.2 sport=1111 dport=2222"),
        "{there}"
    );
    let here = support::sh("conntrack -L -p udp --orig-src 10.77.0.1 2>/dev/null");
    assert!(here.trim().is_empty(), "{here}");
}

#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn an_event_listener_opened_in_another_namespace_hears_it() {
    let _ns = support::netns();
    let peer = support::peer_netns("veth0", "10.9.0.1/24", "eth0", "10.9.0.2/24");
    if peer
        .sh("sysctl -n net.netfilter.nf_conntrack_events")
        .trim()
        == "0"
    {
        support::skip(
            "an_event_listener_opened_in_another_namespace_hears_it",
            "net.netfilter.nf_conntrack_events is 0 in the peer namespace",
        );
        return;
    }
    let mut events = EventListener::open_in_netns(peer.path(), Groups::NEW).unwrap();
    // One entry here (not heard), then one there (heard).
    support::sh("conntrack -I -p udp -s 10.78.0.1 -d 10.78.0.2 --sport 1 --dport 2 -t 100");
    peer.sh("conntrack -I -p udp -s 10.77.0.1 -d 10.77.0.2 --sport 1 --dport 2 -t 100");
    let (_, ev) = events.recv_timeout(Duration::from_secs(3)).unwrap();
    let Event::New(flow) = ev else {
        panic!("expected a NEW event, got {ev:?}")
    };
    assert_eq!(flow.orig.unwrap().src, ip("10.77.0.1"));
    let e = events.recv_timeout(Duration::from_millis(400)).unwrap_err();
    assert!(e.is_timeout(), "{e:?}");
}

#[test]
fn a_missing_namespace_is_named_and_not_found() {
    let e = Conntrack::open_in_netns("/run/netns/nfnl-no-such-namespace").unwrap_err();
    assert!(e.is_not_found(), "{e:?}");
    assert!(
        e.to_string()
            .contains("network namespace /run/netns/nfnl-no-such-namespace"),
        "{e}"
    );
    let e =
        EventListener::open_in_netns("/run/netns/nfnl-no-such-namespace", Groups::NEW).unwrap_err();
    assert!(e.is_not_found(), "{e:?}");
}
