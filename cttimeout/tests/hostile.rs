//! Hostile input: mutated policy and default replies and random bytes
//! through both decoders and everything that reads a decoded value. No
//! panic allowed, and what decodes must be self-consistent.

#![allow(clippy::unwrap_used)]

mod fixture;
use nfnl::testutil::mutate;
use nfnl::NfMsg;

use nfnl_cttimeout::{DefaultTimeouts, Policy, Timeouts};

fn consistent(t: &Timeouts) {
    let _ = (t.to_string(), t.validate(), t.proto_name());
    for (s, v) in t.iter() {
        assert_eq!(t.value(s.attr), v, "{t:?}");
    }
    if !matches!(t, Timeouts::Other { .. }) {
        assert_eq!(t.iter().count(), t.states().len());
        // Every state reads back by its name.
        for s in t.states() {
            assert_eq!(t.state(s.name).unwrap(), *s);
        }
    }
}

fn exercise(bytes: &[u8]) {
    let Ok(m) = NfMsg::parse(bytes) else {
        return;
    };
    if let Ok(p) = Policy::decode(&m) {
        assert!(
            p.name.len() <= 3 * bytes.len(),
            "lossy names grow at most threefold"
        );
        let _ = (p.to_string(), p.validate(), p.proto());
        consistent(&p.timeouts);
    }
    if let Ok(d) = DefaultTimeouts::decode(&m) {
        consistent(&d.timeouts);
    }
}

#[test]
fn mutated_replies_never_panic() {
    let seeds = vec![
        fixture::policy(b"web", 2, 6, 1, &fixture::TCP_DEFAULTS),
        fixture::policy(b"s", 10, 132, 2, &fixture::SCTP_ALL),
        fixture::policy(b"esp", 2, 50, 1, &[(1, 5), (9, 1)]),
        fixture::defaults(2, 17, &[(1, 30), (2, 120)]),
        fixture::defaults(10, 255, &[(1, 600)]),
    ];
    for s in &seeds {
        exercise(s);
    }
    mutate::hammer(&seeds, 5000, exercise);
}
