//! Events and event filters: decoding by type, the compiled BPF program against its user-space rule.

use super::*;

#[test]
fn events_decode_by_type_and_flags() {
    let body = &tcp_flow_fixture()[20..];
    let new = nlmsg(0x0100, (NlFlags::CREATE | NlFlags::EXCL).bits(), 2, body);
    let upd = nlmsg(0x0100, 0, 2, body);
    let del = nlmsg(0x0102, 0, 2, body);
    let other = nlmsg(0x0104, 0, 2, body);
    let dec = |b: &[u8]| Event::decode(&NfMsg::parse(b).unwrap()).unwrap();
    assert!(matches!(dec(&new), Some(Event::New(_))));
    assert!(matches!(dec(&upd), Some(Event::Update(_))));
    assert!(matches!(dec(&del), Some(Event::Destroy(_))));
    assert!(dec(&other).is_none());
    assert!(dec(&new)
        .unwrap()
        .to_string()
        .starts_with("    [NEW] tcp      6 431999 ESTABLISHED"));
}

#[test]
fn event_filter_refuses_what_it_cannot_compile() {
    use crate::evfilter::{EventFilter, EventMatch};
    let bad = EventFilter {
        src: Some(EventMatch::any_of([("10.0.0.0".parse().unwrap(), 33)])),
        ..EventFilter::default()
    };
    assert!(matches!(bad.compile(), Err(Error::EventFilter(_))));
    // thousands of values still compile (long jumps), up to BPF_MAXINSNS
    let many = EventFilter {
        dst_port: Some(EventMatch::none_of(0..1000)),
        ..EventFilter::default()
    };
    assert!(many.compile().unwrap().len() < 4096);
    let too_many = EventFilter {
        dst_port: Some(EventMatch::none_of(0..2000)),
        ..EventFilter::default()
    };
    assert!(matches!(too_many.compile(), Err(Error::EventFilter(_))));
}

/// Compiles `f` and checks it as the kernel does at attach.
fn program(f: &crate::EventFilter) -> testutil::bpf::Program {
    testutil::bpf::Program::new(&f.compile().unwrap()).unwrap()
}

/// Issue 20 F1: a mark value with bits outside its mask. The kernel program
/// compared `mark & mask` with `value & mask` while `matches` compared it
/// with `value`: with `any_of` the kernel delivered what `matches` refused,
/// with `none_of` it dropped what `matches` let through. Both now ignore
/// the value's bits outside the mask.
#[test]
fn event_filter_mark_ignores_value_bits_outside_the_mask() {
    use crate::evfilter::{EventFilter, EventMatch};
    // NEW, TCP 10.0.0.1:1234 -> 10.0.0.2:80, CTA_MARK 0x100
    let msg = unhex(
        "50000000000100060000000000000000020000003400018014000180080001000a000001080002000a\
         0000021c00028005000100060000000600020004d2000006000300005000000800080000000100",
    );
    let ev = Event::decode(&NfMsg::parse(&msg).unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(ev.flow().unwrap().mark, Some(0x100));
    for (m, delivered) in [
        (EventMatch::any_of([(0x101, 0xff00)]), true),
        (EventMatch::none_of([(0x101, 0xff00)]), false),
        // the same criteria without the stray bit
        (EventMatch::any_of([(0x100, 0xff00)]), true),
        (EventMatch::none_of([(0x100, 0xff00)]), false),
        // a value whose masked bits are 0 matches an absent mark too
        (EventMatch::any_of([(0x1, 0xff00)]), false),
    ] {
        let f = EventFilter {
            mark: Some(m),
            ..EventFilter::default()
        };
        assert_eq!(program(&f).run(&msg).unwrap() != 0, delivered, "{f:?}");
        assert_eq!(f.matches(&ev), delivered, "{f:?}");
        testutil::bpf::compare(&f, &program(&f), &ev).unwrap();
    }
    // CTA_MARK left out (mark 0): (0x1, 0xff00) is 0 in the mask's bits
    let mut quiet = ev.flow().unwrap().clone();
    quiet.mark = None;
    let ev = Event::New(quiet);
    let f = EventFilter {
        mark: Some(EventMatch::any_of([(0x1, 0xff00)])),
        ..EventFilter::default()
    };
    assert!(f.matches(&ev));
    assert!(testutil::bpf::compare(&f, &program(&f), &ev).unwrap());
}

/// Issue 20 F10: an address mask of the other family is no prefix of the
/// address: `superset_of` used to make `(10.0.0.1, 128)` of it, which
/// `compile` refused and `matches` never matched, though the dump filter
/// accepts the flow. It now gives no address criterion.
#[test]
fn event_filter_superset_ignores_a_mask_of_the_other_family() {
    use crate::evfilter::EventFilter;
    let flow = Flow::new(Tuple::new(v4("10.0.0.1"), v4("10.0.0.2"), L4::tcp(1234, 80)).unwrap());
    for (addr, mask) in [
        ("10.0.0.1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
        ("10.0.0.1", "ffff::"),
        ("2001:db8::1", "255.255.255.255"),
    ] {
        let f = Filter::new().orig(TupleFilter {
            src: Some(v4(addr)),
            src_mask: Some(v4(mask)),
            dst: Some(v4(addr)),
            dst_mask: Some(v4(mask)),
            ..TupleFilter::default()
        });
        let ev = EventFilter::superset_of(&f, Groups::NEW);
        assert_eq!((&ev.src, &ev.dst), (&None, &None), "{addr} {mask}");
        let event = Event::New(flow.clone());
        assert!(ev.matches(&event));
        testutil::bpf::compare(&ev, &program(&ev), &event).unwrap();
    }
    // the dump filter accepts the flow, so the superset must let it through
    let f = Filter::new().orig(TupleFilter {
        src: Some(v4("10.0.0.1")),
        src_mask: Some(v4("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")),
        ..TupleFilter::default()
    });
    assert!(f.matches(&flow));
    let ev = EventFilter::superset_of(&f, Groups::NEW);
    assert!(ev.matches(&Event::New(flow)));
    // a mask of the address's own family still gives its prefix
    let f = Filter::new().orig(TupleFilter {
        src: Some(v4("10.0.0.1")),
        src_mask: Some(v4("255.255.0.0")),
        ..TupleFilter::default()
    });
    let ev = EventFilter::superset_of(&f, Groups::NEW);
    assert_eq!(ev.src.unwrap().values, vec![(v4("10.0.0.1"), 16)]);
}

/// How many random filters the property test below checks (each on 8
/// events): `NFNL_PROPTEST_CASES`, else 3000.
fn proptest_cases() -> usize {
    std::env::var("NFNL_PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3000)
}

/// The compiled program, run in a model of the kernel's classic BPF
/// (`testutil::bpf`), lets an event through exactly when
/// `EventFilter::matches` says so: random filters (every criterion, marks
/// with arbitrary masks, networks of both families) on random NEW, UPDATE
/// and DESTROY events of both families. The `evfilter` fuzz target checks
/// the same on fuzz-derived filters and events.
#[test]
#[cfg_attr(
    miri,
    ignore = "tens of thousands of interpreted BPF runs: hours under Miri; the 32-bit run covers the compiler in the other tests"
)]
fn bpf_event_filter_agrees_with_its_user_space_rule_on_random_events() {
    use testutil::bpf::{self, Rng};
    let cases = proptest_cases();
    let mut rng = Rng::new(0x9e37_79b9_7f4a_7c15);
    let (mut delivered, mut dropped, mut refused) = (0usize, 0usize, 0usize);
    for case in 0..cases {
        let f = bpf::filter(&mut rng);
        let events: Vec<Event> = (0..8).map(|_| bpf::event(&mut rng)).collect();
        let a = bpf::agree(&f, &events).unwrap_or_else(|e| panic!("case {case}: {e}"));
        delivered += a.delivered;
        dropped += a.dropped;
        refused += usize::from(a.refused);
    }
    println!("{cases} filters: {delivered} events delivered, {dropped} dropped, {refused} filters refused");
    // both outcomes were exercised plenty
    assert!(
        delivered > cases && dropped > cases && refused > 0,
        "{delivered} {dropped} {refused}"
    );
}
