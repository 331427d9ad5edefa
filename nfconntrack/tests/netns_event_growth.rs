//! `EventListener::set_recv_buffer_growth` (issue 17 item 8): a burst of
//! conntrack events that overran the receive buffer no longer loses events
//! once the buffer grew, while without growth every identical burst loses
//! some. The bursts are ctnetlink creates, whose NEW events the kernel
//! queues before the create's acknowledgement, and the listener reads only
//! after each burst: what fits is decided by the buffer alone, not by
//! timing. Run with `cargo xtask test` (or as root: `cargo test -p
//! nfnl-conntrack --test netns_event_growth -- --ignored`).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::net::IpAddr;

use nfnl::testutil::netns as support;
use nfnl_conntrack::{
    Conntrack, ErrorExt, Event, EventListener, Flow, Groups, Key, Receive, Tuple, L4,
};

/// Events in one burst: several times what the starting buffer holds, and
/// less than half of what a buffer grown to `2 × net.core.rmem_max` holds
/// (without `CAP_NET_ADMIN` in the initial user namespace growth stops
/// there).
const BURST: usize = 200;

/// `BURST` distinct UDP flows.
fn flows() -> Vec<Flow> {
    (0..BURST)
        .map(|i| {
            let src: IpAddr = format!("10.1.{}.{}", i >> 8, i & 0xff).parse().unwrap();
            let t = Tuple::new(src, "10.2.0.1".parse().unwrap(), L4::udp(1000, 53)).unwrap();
            Flow {
                timeout: Some(100),
                ..Flow::new(t)
            }
        })
        .collect()
}

/// Creates the burst, reads every NEW event queued, deletes the flows
/// again (their DESTROY events are not subscribed): (NEW events received,
/// overrun reported).
fn burst(ct: &mut Conntrack, events: &mut EventListener, flows: &[Flow]) -> (usize, bool) {
    for (i, r) in ct.create_batch(flows).unwrap().into_iter().enumerate() {
        r.unwrap_or_else(|e| panic!("create {i}: {e}"));
    }
    let (mut got, mut overrun) = (0, false);
    loop {
        match events.try_recv() {
            Ok((_, Event::New(_))) => got += 1,
            Ok((_, ev)) => panic!("unexpected {ev:?}"),
            Err(e) if e.is_overrun() => overrun = true,
            Err(e) if e.is_would_block() => break,
            Err(e) => panic!("listener: {e}"),
        }
    }
    let keys: Vec<Key> = flows.iter().map(|f| Key::of(f).unwrap()).collect();
    assert_eq!(ct.delete_batch(&keys).unwrap(), BURST as u64);
    (got, overrun)
}

#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn a_burst_that_overran_fits_once_the_buffer_grew() {
    let _ns = support::netns();
    if support::sh("sysctl -n net.netfilter.nf_conntrack_events").trim() == "0" {
        support::skip(
            "a_burst_that_overran_fits_once_the_buffer_grew",
            "net.netfilter.nf_conntrack_events is 0 in this netns",
        );
        return;
    }
    let flows = flows();
    let mut ct = Conntrack::open().unwrap();
    for growth in [false, true] {
        let mut events = EventListener::open(Groups::NEW).unwrap();
        let small = events.socket().set_recv_buffer(8192).unwrap();
        let cap = small * 64;
        if growth {
            events.set_recv_buffer_growth(Some(cap));
        }
        let mut rounds = Vec::new();
        for _ in 0..8 {
            let (got, overrun) = burst(&mut ct, &mut events, &flows);
            assert_eq!(got < BURST, overrun, "a loss is reported, and only a loss");
            rounds.push((got, events.socket().recv_buffer().unwrap()));
        }
        println!(
            "growth={growth}: (NEW events of {BURST}, buffer after) per burst: {rounds:?}; \
             about {} buffer bytes per event",
            small / rounds[0].0.max(1)
        );
        assert!(rounds[0].0 < BURST, "{small} bytes held {BURST} events");
        let last = rounds[7];
        if growth {
            let first_whole = rounds.iter().position(|r| r.0 == BURST);
            let first_whole = first_whole.unwrap_or_else(|| panic!("never whole: {rounds:?}"));
            assert!(
                rounds[first_whole..].iter().all(|r| r.0 == BURST),
                "{rounds:?}"
            );
            assert!(last.1 > small && last.1 <= cap, "{rounds:?}");
        } else {
            assert!(rounds.iter().all(|r| r.0 < BURST), "{rounds:?}");
            assert_eq!(last.1, small, "{rounds:?}");
        }
    }
}
