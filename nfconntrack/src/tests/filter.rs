//! Dump filters: encoding, user-space matching, what reaches the kernel.

use super::*;

#[test]
fn filter_encoding_and_matching() {
    let f = Filter::new()
        .family(Family::Ipv4)
        .mark(0xff00_0000, 0xff00_0000)
        .zone(123)
        .orig(TupleFilter {
            src: Some(v4("10.0.0.1")),
            proto: Some(IpProto(6)),
            dst_port: Some(80),
            ..Default::default()
        });
    assert!(f.kernel_exact(Criteria::STATIC));
    let mut b = MsgBuilder::new();
    b.begin(NfHeader::new(1, 0), 1);
    f.encode(&mut b, Criteria::STATIC).unwrap();
    let bytes = b.finish().unwrap().to_vec();
    #[rustfmt::skip]
    let want = cat(&[
        &h(8, sys::CTA_MARK), &0xff00_0000u32.to_be_bytes(),
        &h(8, sys::CTA_MARK_MASK), &0xff00_0000u32.to_be_bytes(),
        &h(6, sys::CTA_ZONE), &[0, 123, 0, 0],
        &h(36, sys::CTA_TUPLE_ORIG | N),
        &h(12, sys::CTA_TUPLE_IP | N),
        &h(8, sys::CTA_IP_V4_SRC), &[10, 0, 0, 1],
        &h(20, sys::CTA_TUPLE_PROTO | N),
        &h(5, sys::CTA_PROTO_NUM), &[6, 0, 0, 0],
        &h(6, sys::CTA_PROTO_DST_PORT), &[0, 80, 0, 0],
        &h(12, sys::CTA_FILTER | N),
        &h(8, sys::CTA_FILTER_ORIG_FLAGS), &(1u32 | 1 << 3 | 1 << 5).to_ne_bytes(), // IP_SRC|PROTO_NUM|DST_PORT
    ]);
    assert_eq!(&bytes[20..], &want[..]);

    let t = Tuple::new(v4("10.0.0.1"), v4("10.0.0.2"), L4::tcp(999, 80)).unwrap();
    let mut flow = Flow {
        mark: Some(0xff00_ff00),
        zone: Some(123),
        ..Flow::new(t)
    };
    assert!(f.matches(&flow));
    flow.mark = Some(1);
    assert!(!f.matches(&flow));
    // ports of SCTP are not compared by the kernel: a flush must not trust it
    let sctp = Filter::new().orig(TupleFilter {
        proto: Some(IpProto::SCTP),
        dst_port: Some(1),
        ..Default::default()
    });
    assert!(!sctp.kernel_exact(Criteria::STATIC));
    // tuple filters need a family for the kernel
    let nofam = Filter::new().orig(TupleFilter {
        proto: Some(IpProto(6)),
        ..Default::default()
    });
    assert!(!nofam.kernel_exact(Criteria::STATIC));
    let mut b = MsgBuilder::new();
    b.begin(NfHeader::new(1, 0), 1);
    nofam.encode(&mut b, Criteria::STATIC).unwrap();
    assert_eq!(
        b.finish().unwrap().len(),
        20,
        "no CTA_FILTER without a family"
    );
}

#[test]
fn user_space_criteria_match_and_stay_out_of_the_kernel_request() {
    use crate::filter::prefix_mask;
    let v6 = |s: &str| -> IpAddr { s.parse().unwrap() };
    let mut f = Flow::new(
        Tuple::new(v6("2001:db8:1::5"), v6("2001:db8::2"), L4::tcp(1, 2))
            .unwrap()
            .with_zone(7),
    );
    f.status = Some(Status::SRC_NAT | Status::CONFIRMED);
    f.proto_info = Some(ProtoInfo::Tcp(TcpInfo {
        state: Some(TcpState::Established),
        ..TcpInfo::default()
    }));
    let net = |a: &str, len| TupleFilter {
        src: Some(v6(a)),
        src_mask: prefix_mask(&v6(a), len),
        ..TupleFilter::default()
    };
    assert!(Filter::new().orig(net("2001:db8:1::", 48)).matches(&f));
    assert!(!Filter::new().orig(net("2001:db8::", 48)).matches(&f));
    assert!(Filter::new().orig(net("2001:db8::", 32)).matches(&f));
    // an IPv4 network never matches an IPv6 address
    assert!(!Filter::new().orig(net("0.0.0.0", 0)).matches(&f));
    let zone = |z| TupleFilter {
        zone: Some(z),
        ..TupleFilter::default()
    };
    assert!(Filter::new().orig(zone(7)).matches(&f));
    assert!(!Filter::new().reply(zone(7)).matches(&f));
    assert!(Filter::new().reply(zone(0)).matches(&f));
    assert!(Filter::new()
        .status_any(Status::SRC_NAT | Status::DST_NAT)
        .matches(&f));
    assert!(!Filter::new().status_any(Status::DST_NAT).matches(&f));
    assert!(Filter::new().tcp_state(TcpState::Established).matches(&f));
    assert!(!Filter::new().tcp_state(TcpState::SynSent).matches(&f));
    // none of them reaches the kernel, so none is left to a kernel flush
    for filter in [
        Filter::new().orig(net("2001:db8::", 32)),
        Filter::new().orig(zone(7)),
        Filter::new().status_any(Status::SRC_NAT),
        Filter::new().tcp_state(TcpState::Established),
    ] {
        assert!(!filter.kernel_exact(Criteria::STATIC), "{filter:?}");
        assert_eq!(filter.kernel_part(Criteria::STATIC), Filter::new());
    }
    assert_eq!(prefix_mask(&v6("10.0.0.0"), 0), Some(v6("0.0.0.0")));
    assert_eq!(
        prefix_mask(&v6("::"), 128),
        Some(v6("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"))
    );
    assert_eq!(prefix_mask(&v6("::"), 129), None);
}

#[test]
fn only_trusted_criteria_reach_the_kernel() {
    let a = |s: &str| -> IpAddr { s.parse().unwrap() };
    let f = Filter::new()
        .mark(1, 1)
        .zone(3)
        .orig(TupleFilter {
            src: Some(a("2001:db8::1")),
            proto: Some(IpProto::TCP),
            dst_port: Some(80),
            ..TupleFilter::default()
        })
        .reply(TupleFilter {
            dst: Some(a("2001:db8::1")),
            ..TupleFilter::default()
        });
    assert_eq!(
        f.criteria(),
        Criteria::IPV6_ADDR | Criteria::PROTO | Criteria::PORTS | Criteria::MARK | Criteria::ZONE
    );
    // the static rule keeps IPv6 addresses out
    let k = f.kernel_part(Criteria::STATIC);
    assert_eq!((k.orig.src, k.reply.dst), (None, None));
    assert_eq!(
        (k.orig.proto, k.orig.dst_port, k.mark, k.zone),
        (Some(IpProto::TCP), Some(80), Some((1, 1)), Some(3))
    );
    assert!(!f.kernel_exact(Criteria::STATIC) && f.kernel_exact(Criteria::all()));
    // ports are never sent without the protocol they belong to
    let k = f.kernel_part(Criteria::all() - Criteria::PROTO);
    assert_eq!((k.orig.proto, k.orig.dst_port), (None, None));
    // nothing trusted: only the family goes
    assert_eq!(
        f.kernel_part(Criteria::empty()).criteria(),
        Criteria::empty()
    );
    let mut b = MsgBuilder::new();
    b.begin(ct_header(sys::IPCTNL_MSG_CT_GET, Family::Ipv6), 1);
    f.encode(&mut b, Criteria::empty()).unwrap();
    let bytes = b.finish().unwrap().to_vec();
    assert_eq!(NfMsg::parse(&bytes).unwrap().attrs().count(), 0);
}

/// NAT to an address and port, as the tool reads `--src-nat`, `--dst-nat`
/// and `--any-nat ADDR[:PORT]` (the cases checked against it in
/// `nat_address_filters_match_the_tool`), and what of it reaches the kernel.
#[test]
fn nat_filters_match_and_narrow() {
    let t = |s: &str, d: &str, sp, dp| Tuple::new(v4(s), v4(d), L4::udp(sp, dp)).unwrap();
    let done = Status::SRC_NAT_DONE | Status::DST_NAT_DONE;
    let flow = |o: Tuple, r: Tuple, status: Status| Flow {
        reply: Some(r),
        status: Some(status),
        ..Flow::new(o)
    };
    // source NAT to 192.0.2.20:6000
    let snat = flow(
        t("10.0.0.8", "10.0.0.2", 5000, 53),
        t("10.0.0.2", "192.0.2.20", 53, 6000),
        done | Status::SRC_NAT,
    );
    // destination NAT to 192.0.2.20:5353
    let dnat = flow(
        t("10.0.0.7", "10.0.0.2", 5000, 53),
        t("192.0.2.20", "10.0.0.7", 5353, 5000),
        done | Status::DST_NAT,
    );
    // the port alone translated
    let port_only = flow(
        t("10.0.0.10", "10.0.0.2", 5000, 53),
        t("10.0.0.2", "10.0.0.10", 53, 6000),
        done | Status::SRC_NAT,
    );
    // translated tuples but no NAT set up: the tool ignores it
    let no_nat = flow(
        t("10.0.0.11", "10.0.0.2", 5000, 53),
        t("10.0.0.2", "192.0.2.20", 53, 5000),
        Status::empty(),
    );
    let plain = flow(
        t("10.0.0.9", "10.0.0.2", 5000, 53),
        t("10.0.0.2", "10.0.0.9", 53, 5000),
        done,
    );
    let a = NatTarget::addr(v4("192.0.2.20"));
    let sel = |n: NatFilter| {
        [&snat, &dnat, &port_only, &no_nat, &plain].map(|f| Filter::new().nat(n).matches(f))
    };
    let any = NatTarget::default();
    assert_eq!(
        sel(NatFilter::Either(any)),
        [true, true, true, false, false]
    );
    assert_eq!(
        sel(NatFilter::Source(any)),
        [true, false, true, false, false]
    );
    assert_eq!(sel(NatFilter::Either(a)), [true, true, false, false, false]);
    assert_eq!(
        sel(NatFilter::Either(a.with_port(6000))),
        [true, false, false, false, false]
    );
    assert_eq!(
        sel(NatFilter::Either(a.with_port(5353))),
        [false, true, false, false, false]
    );
    assert_eq!(sel(NatFilter::Either(a.with_port(1234))), [false; 5]);
    assert_eq!(sel(NatFilter::Destination(a.with_port(6000))), [false; 5]);
    let own = NatTarget::addr(v4("10.0.0.10"));
    assert_eq!(sel(NatFilter::Either(own)), [false; 5]);
    let both = NatFilter::Both { src: a, dst: a };
    assert_eq!(sel(both), [false; 5]);
    // the kernel gets what every match has, never enough for a flush
    let f = Filter::new().nat(NatFilter::Source(a));
    assert_eq!(f.effective_family(), Family::Ipv4);
    let k = f.kernel_part(Criteria::all());
    assert_eq!(k.reply.dst, Some(v4("192.0.2.20")));
    assert_eq!(k.status, Some((Status::SRC_NAT_DONE, Status::SRC_NAT_DONE)));
    assert_eq!(k.nat, None);
    assert!(!f.kernel_exact(Criteria::all()));
    assert!(k.matches(&snat) && !k.matches(&no_nat));
    let k = Filter::new()
        .nat(NatFilter::Destination(a))
        .kernel_part(Criteria::all());
    assert_eq!((k.reply.src, k.reply.dst), (Some(v4("192.0.2.20")), None));
    // an OR narrows nothing; what the user asked of the reply tuple stays
    let k = Filter::new()
        .nat(NatFilter::Either(a))
        .kernel_part(Criteria::all());
    assert_eq!(k, Filter::new());
    let mine = Filter::new()
        .reply(TupleFilter {
            dst: Some(v4("10.0.0.0")),
            dst_mask: Some(v4("255.0.0.0")),
            ..TupleFilter::default()
        })
        .nat(NatFilter::Source(a));
    assert_eq!(mine.kernel_part(Criteria::all()).reply.dst, None);
    // a NAT address of the other family
    let mixed = Filter::new().family(Family::Ipv6).nat(NatFilter::Either(a));
    let e = mixed.check_families().unwrap_err();
    assert!(matches!(e, Error::MixedFamilies { .. }));
    // The message says it was the filter, not a flow or tuple.
    assert_eq!(
        e.to_string(),
        "mixed address families: IPv4 and IPv6 in a filter (its family, addresses and NAT addresses)"
    );
}

/// A directional zone is a kernel criterion of its own (`CTA_TUPLE_ZONE`
/// with `CTA_FILTER_F_CTA_TUPLE_ZONE`), sent only when trusted, alone: not
/// with `CTA_ZONE`, not for both directions (the kernel keeps one zone).
#[test]
fn directional_zone_filter_encoding() {
    let zone = |z| TupleFilter {
        zone: Some(z),
        ..TupleFilter::default()
    };
    let f = Filter::new().family(Family::Ipv4).orig(zone(7));
    assert_eq!(f.criteria(), Criteria::TUPLE_ZONE);
    assert!(!Criteria::STATIC.contains(Criteria::TUPLE_ZONE));
    assert_eq!(f.kernel_part(Criteria::STATIC).orig.zone, None);
    assert!(!f.kernel_exact(Criteria::STATIC) && f.kernel_exact(Criteria::all()));
    let mut b = MsgBuilder::new();
    b.begin(ct_header(sys::IPCTNL_MSG_CT_GET, Family::Ipv4), 1);
    f.encode(&mut b, Criteria::all()).unwrap();
    let bytes = b.finish().unwrap().to_vec();
    #[rustfmt::skip]
    let want = cat(&[
        &h(12, sys::CTA_TUPLE_ORIG | N),
        &h(6, sys::CTA_TUPLE_ZONE), &[0, 7, 0, 0],
        &h(12, sys::CTA_FILTER | N),
        &h(8, sys::CTA_FILTER_ORIG_FLAGS), &(1u32 << 2).to_ne_bytes(), // TUPLE_ZONE
    ]);
    assert_eq!(&bytes[20..], &want[..]);
    let r = Filter::new().family(Family::Ipv6).reply(zone(9));
    assert_eq!(r.kernel_part(Criteria::all()).reply.zone, Some(9));
    // never with CTA_ZONE, never both directions: those stay in user space
    for f in [
        f.zone(7),
        Filter::new()
            .family(Family::Ipv4)
            .orig(zone(7))
            .reply(zone(9)),
    ] {
        let k = f.kernel_part(Criteria::all());
        assert_eq!((k.orig.zone, k.reply.zone), (None, None), "{f:?}");
        assert!(!f.kernel_exact(Criteria::all()));
        assert!(!f.criteria().contains(Criteria::TUPLE_ZONE));
    }
}
