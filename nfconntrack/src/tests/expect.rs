//! Expectations: round trips, malformed NAT nests, kernel captures.

use super::*;

#[test]
fn expectation_roundtrip() {
    let t = Tuple::new(v4("10.0.0.1"), v4("10.0.0.2"), L4::tcp(0, 2121)).unwrap();
    let e = Expect {
        master: Some(t),
        tuple: Some(t),
        mask: Some(t),
        timeout: Some(10),
        id: Some(1),
        helper: Some("ftp".into()),
        zone: Some(2),
        flags: Some(4),
        class: Some(0),
        nat: Some(ExpectNat { dir: 1, tuple: t }),
        function: Some("nat-follow-master".into()),
    };
    let mut b = MsgBuilder::new();
    b.begin(NfHeader::new(2, 0), 1);
    e.encode_attrs(&mut b).unwrap();
    let bytes = b.finish().unwrap().to_vec();
    assert_eq!(Expect::decode(&NfMsg::parse(&bytes).unwrap()).unwrap(), e);
}

/// A `CTA_EXPECT_NAT` nest lacking its direction or its tuple is reported, not dropped
/// (the kernel always writes both and refuses a nest without either).
#[test]
fn incomplete_expectation_nat_nest_is_an_error() {
    let t = Tuple::new(v4("10.0.0.1"), v4("10.0.0.2"), L4::tcp(0, 2121)).unwrap();
    let mut b = MsgBuilder::new();
    b.begin(NfHeader::new(2, 0), 1);
    t.encode(sys::CTA_EXPECT_NAT_TUPLE, &mut b).unwrap();
    let tuple_only = b.finish().unwrap()[20..].to_vec();
    let dir_only = fixture::attr(sys::CTA_EXPECT_NAT_DIR, &1u32.to_be_bytes());
    for (inner, missing) in [
        (tuple_only.clone(), sys::CTA_EXPECT_NAT_DIR),
        (dir_only.clone(), sys::CTA_EXPECT_NAT_TUPLE),
        (Vec::new(), sys::CTA_EXPECT_NAT_DIR),
    ] {
        let m = nlmsg(0x0200, 0, 2, &fixture::nest(sys::CTA_EXPECT_NAT, &inner));
        assert_eq!(
            Expect::decode(&NfMsg::parse(&m).unwrap()),
            Err(ParseError::Missing {
                kind: missing,
                within: "CTA_EXPECT_NAT"
            })
        );
    }
    // both present: decoded
    let both = [dir_only, tuple_only].concat();
    let m = nlmsg(0x0200, 0, 2, &fixture::nest(sys::CTA_EXPECT_NAT, &both));
    assert_eq!(
        Expect::decode(&NfMsg::parse(&m).unwrap()).unwrap().nat,
        Some(ExpectNat { dir: 1, tuple: t })
    );
}

/// Golden captures: the events of creating four flows and deleting one, the
/// expectation of the FTP master, and the global and per-CPU statistics.
#[test]
#[cfg(target_endian = "little")]
fn kernel_captured_events_expectations_and_stats() {
    let events: Vec<Event> = captured(include_bytes!("../../testdata/events.bin"))
        .iter()
        .map(|m| Event::decode(m).unwrap().unwrap())
        .collect();
    let tags: Vec<_> = events.iter().map(Event::tag).collect();
    assert_eq!(tags, ["[NEW]", "[NEW]", "[NEW]", "[NEW]", "[DESTROY]"]);
    let v6 = Tuple::new(
        "2001:db8::1".parse().unwrap(),
        "2001:db8::2".parse().unwrap(),
        L4::udp(1, 2),
    )
    .unwrap();
    assert_eq!(events[4].flow().and_then(|f| f.orig), Some(v6));
    assert!(
        events[4].to_string().starts_with("[DESTROY] udp      17 "),
        "{}",
        events[4]
    );

    let exp = captured(include_bytes!("../../testdata/exp_dump.bin"));
    assert_eq!(exp.len(), 1);
    let e = Expect::decode(&exp[0]).unwrap();
    assert_eq!(e.helper.as_deref(), Some("ftp"));
    assert_eq!(e.tuple.map(|t| t.proto), Some(L4::tcp(0, 5000)));
    assert_eq!(e.master.map(|t| t.proto), Some(L4::tcp(40001, 21)));
    let mut b = MsgBuilder::new();
    b.begin(NfHeader::new(2, 0), 1);
    e.encode_attrs(&mut b).unwrap();
    assert_eq!(
        Expect::decode(&NfMsg::parse(b.finish().unwrap()).unwrap()).unwrap(),
        e
    );

    let g = captured(include_bytes!("../../testdata/stats_global.bin"));
    assert_eq!(GlobalStats::decode(&g[0]).unwrap().entries, 4);
    let cpus: Vec<CpuStats> = captured(include_bytes!("../../testdata/stats_cpu.bin"))
        .iter()
        .map(|m| CpuStats::decode(m).unwrap())
        .collect();
    let cpu_ids: Vec<usize> = cpus.iter().map(|c| usize::from(c.cpu)).collect();
    assert_eq!(cpu_ids, (0..cpus.len()).collect::<Vec<_>>());
}
