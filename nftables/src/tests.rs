//! Unit tests on byte fixtures: golden captures from the kernel
//! (`testdata/`, recorded by the namespace test
//! `capture_golden_corpus_round_trips_byte_for_byte` from our own rule corpus) and
//! hand-made messages for what the kernel does not send.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use nfnl::testutil::fixture::{attr, data_messages, nest};
use nfnl::ProtoFamily;
use nfnl_sys as sys;

use crate::expr::{Cmp, CmpOp, Immediate, Meta, MetaKey};
use crate::*;

const CAPTURES: [(&str, &[u8]); 6] = [
    ("tables", include_bytes!("../testdata/tables.bin")),
    ("chains", include_bytes!("../testdata/chains.bin")),
    ("rules", include_bytes!("../testdata/rules.bin")),
    ("sets", include_bytes!("../testdata/sets.bin")),
    ("elems", include_bytes!("../testdata/elems.bin")),
    ("objs", include_bytes!("../testdata/objs.bin")),
];

#[test]
#[cfg(target_endian = "little")]
fn kernel_captures_decode_typed_and_encode_to_the_same_bytes() {
    let mut names = std::collections::BTreeSet::new();
    // Under Miri (interpreted, thousands of times slower) every 8th message.
    let stride = if cfg!(miri) { 8 } else { 1 };
    for (what, bytes) in CAPTURES {
        let msgs = data_messages(bytes);
        assert!(!msgs.is_empty(), "{what}");
        for m in msgs.into_iter().step_by(stride) {
            let obj = Object::decode(&m).unwrap().unwrap();
            let mut w = Vec::new();
            obj.encode(&mut w).unwrap();
            assert_eq!(w, m.attr_bytes(), "{what}: {obj:?}");
            if let Object::Rule(r) = &obj {
                for e in r.exprs.iter().flat_map(|l| l.0.iter()) {
                    assert!(!e.is_unknown(), "{e:?}");
                    names.insert(e.name().to_owned());
                }
            }
            if let Object::Obj(o) = &obj {
                let d = o.data().unwrap();
                assert!(!matches!(d, Some(ObjData::Raw(_)) | None), "{o:?}: {d:?}");
            }
        }
    }
    if cfg!(miri) {
        return;
    }
    // The corpus exercises (at least) these expressions.
    for n in [
        "payload",
        "meta",
        "cmp",
        "bitwise",
        "immediate",
        "lookup",
        "dynset",
        "range",
        "ct",
        "counter",
        "limit",
        "quota",
        "connlimit",
        "log",
        "nat",
        "masq",
        "redir",
        "reject",
        "fib",
        "objref",
        "exthdr",
        "notrack",
        "socket",
        "hash",
        "numgen",
        "rt",
        "fwd",
        "dup",
        "osf",
    ] {
        assert!(names.contains(n), "{n} not in the captures: {names:?}");
    }
}

#[test]
#[cfg(target_endian = "little")]
fn captured_rules_read_as_typed_values() {
    let rules: Vec<Rule> = data_messages(CAPTURES[2].1)
        .iter()
        .take(2)
        .map(|m| Rule::decode(m).unwrap())
        .collect();
    // `inet t in tcp dport 22 accept`: the first rule of the corpus.
    let r = &rules[0];
    assert_eq!(r.family, ProtoFamily::Inet);
    assert_eq!(
        (r.table.as_deref(), r.chain.as_deref()),
        (Some("t"), Some("in"))
    );
    assert_eq!(r.position, None);
    let e = &r.exprs.as_ref().unwrap().0;
    assert!(matches!(&e[0], Expr::Meta(m) if m.key == Some(MetaKey::L4PROTO) && m.dreg == Some(1)));
    assert!(
        matches!(&e[1], Expr::Cmp(c) if c.op == Some(CmpOp::EQ) && c.data == Some(Data::value([6])))
    );
    assert!(matches!(&e[3], Expr::Cmp(c) if c.data == Some(Data::value([0, 22]))));
    assert!(matches!(&e[4], Expr::Immediate(i) if i.data == Some(Data::Verdict(Verdict::Accept))));
    // The second has a comment and a position (the first's handle).
    assert_eq!(rules[1].position, r.handle);
    assert!(rules[1]
        .userdata
        .as_ref()
        .is_some_and(|u| u.windows(6).any(|w| w == b"ssh in")));
    assert_eq!(
        text::rule(r).unwrap(),
        format!(
            "inet t in {}\n  [ meta load l4proto => reg 1 ]\n  [ cmp eq reg 1 0x00000006 ]\n  \
             [ payload load 2b @ transport header + 2 => reg 1 ]\n  [ cmp eq reg 1 0x00001600 ]\n  \
             [ immediate reg 0 accept ]\n\n",
            r.handle.unwrap()
        )
    );
}

fn elem(name: &str, data: Option<&[u8]>) -> Vec<u8> {
    let mut n = name.as_bytes().to_vec();
    n.push(0);
    let mut v = attr(sys::NFTA_EXPR_NAME, &n);
    if let Some(d) = data {
        v.extend(nest(sys::NFTA_EXPR_DATA, d));
    }
    v
}

fn strip_nested_flag(mut v: Vec<u8>) -> Vec<u8> {
    // testutil's `nest` sets NLA_F_NESTED; the kernel does not.
    v[3] &= 0x7f;
    v
}

#[test]
fn unknown_expressions_are_kept_and_reencoded_byte_for_byte() {
    // A newer kernel's expression.
    let data = [attr(1, &7u32.to_be_bytes()), attr(2, b"abc\0")].concat();
    let bytes = [
        attr(sys::NFTA_EXPR_NAME, b"future\0"),
        attr(sys::NFTA_EXPR_DATA, &data),
    ]
    .concat();
    let e = Expr::decode(&bytes).unwrap();
    assert_eq!(
        e,
        Expr::Unknown {
            name: "future".into(),
            data: Some(data.clone())
        }
    );
    let mut w = Vec::new();
    e.encode(&mut w).unwrap();
    assert_eq!(w, bytes);

    // A known expression with an attribute this crate does not know after
    // the known ones: typed, the attribute kept in `extra`.
    let mut cmp = attr(sys::NFTA_CMP_SREG, &1u32.to_be_bytes());
    cmp.extend(attr(sys::NFTA_CMP_OP, &0u32.to_be_bytes()));
    cmp.extend(attr(sys::NFTA_CMP_DATA, &attr(sys::NFTA_DATA_VALUE, &[6])));
    let plain = [
        attr(sys::NFTA_EXPR_NAME, b"cmp\0"),
        attr(sys::NFTA_EXPR_DATA, &cmp),
    ]
    .concat();
    assert!(matches!(Expr::decode(&plain).unwrap(), Expr::Cmp(_)));
    cmp.extend(attr(99, &[1, 2, 3, 4]));
    let newer = [
        attr(sys::NFTA_EXPR_NAME, b"cmp\0"),
        attr(sys::NFTA_EXPR_DATA, &cmp),
    ]
    .concat();
    let e = Expr::decode(&newer).unwrap();
    assert!(
        matches!(&e, Expr::Cmp(c) if c.extra == [RawAttr { kind: 99, payload: vec![1, 2, 3, 4] }]),
        "{e:?}"
    );
    let mut w = Vec::new();
    e.encode(&mut w).unwrap();
    assert_eq!(w, newer);

    // Attributes in another order than the kernel's: kept as received too.
    let swapped = [
        attr(sys::NFTA_CMP_OP, &0u32.to_be_bytes()),
        attr(sys::NFTA_CMP_SREG, &1u32.to_be_bytes()),
        attr(sys::NFTA_CMP_DATA, &attr(sys::NFTA_DATA_VALUE, &[6])),
    ]
    .concat();
    let b = [
        attr(sys::NFTA_EXPR_NAME, b"cmp\0"),
        attr(sys::NFTA_EXPR_DATA, &swapped),
    ]
    .concat();
    let e = Expr::decode(&b).unwrap();
    assert!(e.is_unknown());
    let mut w = Vec::new();
    e.encode(&mut w).unwrap();
    assert_eq!(w, b);

    // An element with NLA_F_NESTED on its data, or an extra attribute: raw.
    let flagged = elem("counter", Some(&attr(1, &0u64.to_be_bytes())));
    let e = Expr::decode(&flagged).unwrap();
    assert!(matches!(e, Expr::Raw(_)));
    let mut w = Vec::new();
    e.encode(&mut w).unwrap();
    assert_eq!(w, flagged);
    let plain = strip_nested_flag(elem("notrack", None));
    assert_eq!(Expr::decode(&plain).unwrap(), Expr::Notrack);
}

#[test]
fn built_expressions_encode_as_the_kernel_writes_them() {
    let m = Meta {
        key: Some(MetaKey::MARK),
        dreg: Some(1),
        ..Default::default()
    };
    let c = Cmp {
        sreg: Some(1),
        op: Some(CmpOp::NEQ),
        data: Some(Data::value(0x10u32.to_ne_bytes())),
        ..Default::default()
    };
    let i = Immediate {
        dreg: Some(0),
        data: Some(Data::Verdict(Verdict::Jump("other".into()))),
        ..Default::default()
    };
    let exprs = vec![Expr::Meta(m), Expr::Cmp(c), Expr::Immediate(i)];
    for e in &exprs {
        let mut w = Vec::new();
        e.encode(&mut w).unwrap();
        // No attribute header carries NLA_F_NESTED, as in the kernel's dumps.
        assert_eq!(Expr::decode(&w).unwrap(), *e);
        let mut stack = vec![w.as_slice()];
        while let Some(area) = stack.pop() {
            for a in nfnl::AttrIter::new(area) {
                let a = a.unwrap();
                assert!(a.flags().is_empty());
                if a.payload().len() >= 4 && nfnl::AttrIter::new(a.payload()).all(|x| x.is_ok()) {
                    stack.push(a.payload());
                }
            }
        }
    }
    let text: Vec<String> = exprs.iter().map(|e| text::expr(e).unwrap()).collect();
    assert_eq!(
        text,
        [
            "meta load mark => reg 1 ",
            "cmp neq reg 1 0x00000010 ",
            "immediate reg 0 jump -> other "
        ]
    );
}

#[test]
fn malformed_input_is_an_error_never_a_panic() {
    // Every cut and every length byte natively; under Miri (interpreted,
    // thousands of times slower) a sample: every 61st cut and length byte
    // of the first two messages of each capture.
    let (stride, messages) = if cfg!(miri) { (61, 2) } else { (1, usize::MAX) };
    for (_, bytes) in CAPTURES {
        for m in data_messages(bytes).into_iter().take(messages) {
            let attrs = m.attr_bytes();
            for cut in (0..attrs.len()).step_by(stride) {
                let _ = Rule::decode_area(&attrs[..cut]);
                let _ = Set::decode_area(&attrs[..cut]);
                let _ = SetElems::decode_area(&attrs[..cut]);
                let _ = Expr::decode(&attrs[..cut]);
            }
            // Flip each length byte.
            let mut buf = attrs.to_vec();
            for i in (0..buf.len()).step_by(4 * stride) {
                let saved = buf[i];
                buf[i] = buf[i].wrapping_add(5);
                let _ = Rule::decode_area(&buf);
                let _ = Chain::decode_area(&buf);
                buf[i] = saved;
            }
        }
    }
    // An expression without a name is an error naming what is missing.
    let e = Expr::decode(&attr(sys::NFTA_EXPR_DATA, &[])).unwrap_err();
    assert!(e.to_string().contains("expression"), "{e}");
}

#[test]
fn verdicts_round_trip() {
    for v in [
        Verdict::Accept,
        Verdict::Drop,
        Verdict::Continue,
        Verdict::Break,
        Verdict::Return,
        Verdict::Queue,
        Verdict::Jump("a".into()),
        Verdict::Goto("b".into()),
        Verdict::ChainId { goto: true, id: 7 },
    ] {
        let d = Data::Verdict(v);
        let mut w = Vec::new();
        crate::wire::Field::encode(&d, 1, &mut w).unwrap();
        let a = nfnl::AttrIter::new(&w).next().unwrap().unwrap();
        let back: Data = crate::wire::Field::decode(&a).unwrap();
        assert_eq!(back, d);
    }
    // An unknown verdict code is kept.
    let raw = attr(sys::NFTA_VERDICT_CODE, &(-77i32).to_be_bytes());
    let area = attr(sys::NFTA_DATA_VERDICT, &raw);
    assert_eq!(
        Data::decode_area(&area).unwrap(),
        Data::Verdict(Verdict::Other(raw.clone()))
    );
}

#[test]
#[cfg(target_endian = "little")]
fn a_rule_built_with_the_constructors_is_the_kernels_bytes() {
    use crate::expr::PayloadBase;
    // `ip f in ip saddr 1.2.3.4 accept` as the kernel dumped it.
    let dumped = data_messages(CAPTURES[2].1)
        .iter()
        .map(|m| Rule::decode(m).unwrap())
        .find(|r| r.family == ProtoFamily::Ipv4 && r.table.as_deref() == Some("f"))
        .unwrap();
    let built = Rule::new(
        ProtoFamily::Ipv4,
        "f",
        "in",
        vec![
            Expr::payload(PayloadBase::NETWORK, 12, 4, 1),
            Expr::cmp(CmpOp::EQ, 1, [1, 2, 3, 4]),
            Expr::verdict(Verdict::Accept),
        ],
    );
    let bytes = |r: &Rule| {
        let mut w = Vec::new();
        crate::wire::Field::encode(
            r.exprs.as_ref().unwrap(),
            sys::NFTA_RULE_EXPRESSIONS,
            &mut w,
        )
        .unwrap();
        w
    };
    assert_eq!(bytes(&built), bytes(&dumped));
    assert_eq!(built.exprs, dumped.exprs);
}

#[test]
fn deeply_nested_expressions_neither_overflow_nor_change() {
    // dynset { expr: dynset { expr: ... counter } } 10,000 levels deep (the
    // kernel nests one): decoded to a bounded depth, the rest kept raw,
    // re-encoded identically.
    let mut elem = [
        attr(sys::NFTA_EXPR_NAME, b"counter\0"),
        attr(sys::NFTA_EXPR_DATA, &[]),
    ]
    .concat();
    // Under Miri (interpreted) 50 levels are enough to pass the bound.
    let max = if cfg!(miri) { 2_000 } else { 60_000 };
    for _ in 0..10_000 {
        if elem.len() > max {
            break;
        }
        let data = [
            attr(sys::NFTA_DYNSET_SREG_KEY, &1u32.to_be_bytes()),
            attr(sys::NFTA_DYNSET_EXPR, &elem),
        ]
        .concat();
        elem = [
            attr(sys::NFTA_EXPR_NAME, b"dynset\0"),
            attr(sys::NFTA_EXPR_DATA, &data),
        ]
        .concat();
    }
    let e = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn({
            let elem = elem.clone();
            move || Expr::decode(&elem).unwrap()
        })
        .unwrap()
        .join()
        .unwrap();
    assert!(matches!(e, Expr::Dynset(_)));
    let mut w = Vec::new();
    e.encode(&mut w).unwrap();
    assert_eq!(w, elem);
}

#[test]
fn unusual_layouts_are_kept_as_they_are() {
    // DATA before NAME, and a final attribute without its padding.
    let data = attr(1, &7u32.to_be_bytes());
    let swapped = [
        attr(sys::NFTA_EXPR_DATA, &data),
        attr(sys::NFTA_EXPR_NAME, b"future\0"),
    ]
    .concat();
    let unpadded = [attr(sys::NFTA_EXPR_NAME, b"future\0"), {
        let mut d = attr(sys::NFTA_EXPR_DATA, &[1, 2, 3]);
        d.truncate(7);
        d
    }]
    .concat();
    for bytes in [swapped, unpadded] {
        let e = Expr::decode(&bytes).unwrap();
        assert!(matches!(e, Expr::Raw(_)), "{e:?}");
        let mut w = Vec::new();
        e.encode(&mut w).unwrap();
        assert_eq!(w, bytes);
    }
}

#[test]
fn flowtables_and_flow_offload_round_trip() {
    let f = Flowtable::new(ProtoFamily::Inet, "t", "ft", -100, &["lo", "eth0"]);
    let mut attrs = Vec::new();
    f.encode(&mut attrs).unwrap();
    let msg = nfnl::testutil::fixture::nfmsg(0x0a16, 0, 1, 1, 0, &attrs);
    let back = Flowtable::decode(&nfnl::NfMsg::parse(&msg).unwrap()).unwrap();
    assert_eq!(back, f);
    assert_eq!(back.hook.unwrap().priority, Some(-100));
    let e = Expr::FlowOffload(crate::expr::FlowOffload {
        table_name: Some("ft".into()),
        ..Default::default()
    });
    let mut w = Vec::new();
    e.encode(&mut w).unwrap();
    assert_eq!(Expr::decode(&w).unwrap(), e);
    assert_eq!(text::expr(&e).unwrap(), "flow_offload flowtable ft ");
}

/// A nest as the kernel writes it (no `NLA_F_NESTED`).
fn knest(kind: u16, children: &[u8]) -> Vec<u8> {
    attr(kind, children)
}

/// An expression as the kernel writes it.
fn kelem(name: &str, data: &[u8]) -> Vec<u8> {
    let mut n = name.as_bytes().to_vec();
    n.push(0);
    [
        attr(sys::NFTA_EXPR_NAME, &n),
        knest(sys::NFTA_EXPR_DATA, data),
    ]
    .concat()
}

/// The `NFTA_OBJ_DATA` bytes of `d`.
fn obj_bytes(d: ObjData) -> Vec<u8> {
    let mut o = Obj::default();
    o.set_data(&d).unwrap();
    o.raw_data.unwrap()
}

#[test]
#[cfg(target_endian = "little")]
fn captured_ct_timeout_objects_are_typed() {
    let objs: Vec<Obj> = data_messages(CAPTURES[5].1)
        .iter()
        .map(|m| Obj::decode(m).unwrap())
        .collect();
    let timeouts: Vec<CtTimeout> = objs
        .iter()
        .filter_map(|o| match o.data().unwrap() {
            Some(ObjData::CtTimeout(t)) => Some(t),
            _ => None,
        })
        .collect();
    assert!(!timeouts.is_empty(), "{objs:?}");
    for t in &timeouts {
        // The kernel sets NLA_F_NESTED on this nest, and reports every state.
        assert!(t.data_nested_flag, "{t:?}");
        let tm = t.timeouts.as_ref().unwrap();
        assert!(!matches!(tm, timeout::Timeouts::Other { .. }), "{t:?}");
        assert!(tm.iter().all(|(_, v)| v.is_some()), "{t:?}");
    }
}

#[test]
fn ct_timeout_data_is_typed_and_keeps_its_flag() {
    use timeout::{ReplyTimeouts, Timeouts};
    let states = [
        attr(sys::CTA_TIMEOUT_UDP_UNREPLIED, &30u32.to_be_bytes()),
        attr(sys::CTA_TIMEOUT_UDP_REPLIED, &180u32.to_be_bytes()),
    ]
    .concat();
    for flagged in [true, false] {
        let data = if flagged {
            nest(sys::NFTA_CT_TIMEOUT_DATA, &states)
        } else {
            knest(sys::NFTA_CT_TIMEOUT_DATA, &states)
        };
        let raw = [
            attr(sys::NFTA_CT_TIMEOUT_L4PROTO, &[17]),
            attr(sys::NFTA_CT_TIMEOUT_L3PROTO, &2u16.to_be_bytes()),
            data,
        ]
        .concat();
        let o = Obj {
            kind: Some(sys::NFT_OBJECT_CT_TIMEOUT),
            raw_data: Some(raw.clone()),
            ..Default::default()
        };
        let Some(ObjData::CtTimeout(t)) = o.data().unwrap() else {
            panic!("{o:?}");
        };
        assert_eq!(t.data_nested_flag, flagged);
        assert_eq!(t.l3proto, Some(2));
        assert_eq!(
            t.timeouts,
            Some(Timeouts::Udp(ReplyTimeouts {
                unreplied: Some(30),
                replied: Some(180),
            }))
        );
        let mut b = Obj::default();
        b.set_data(&ObjData::CtTimeout(t)).unwrap();
        assert_eq!(b.raw_data.as_ref(), Some(&raw));
        assert_eq!(b.kind, Some(sys::NFT_OBJECT_CT_TIMEOUT));
    }
    // Built with the constructor: the kernel's layout, flag included.
    let built = CtTimeout::new(
        ProtoFamily::Ipv4,
        Timeouts::Udp(ReplyTimeouts {
            unreplied: Some(30),
            replied: Some(180),
        }),
    );
    assert_eq!(
        obj_bytes(ObjData::CtTimeout(built)),
        [
            attr(sys::NFTA_CT_TIMEOUT_L4PROTO, &[17]),
            attr(sys::NFTA_CT_TIMEOUT_L3PROTO, &2u16.to_be_bytes()),
            nest(sys::NFTA_CT_TIMEOUT_DATA, &states),
        ]
        .concat()
    );
    // A protocol without data is not typed, and still re-encodes.
    let lone = attr(sys::NFTA_CT_TIMEOUT_L4PROTO, &[6]);
    let o = Obj {
        kind: Some(sys::NFT_OBJECT_CT_TIMEOUT),
        raw_data: Some(lone.clone()),
        ..Default::default()
    };
    let d = o.data().unwrap().unwrap();
    let mut b = Obj::default();
    b.set_data(&d).unwrap();
    assert_eq!(b.raw_data, Some(lone));
}

/// The tunnel object data as `nft_tunnel_obj_dump` writes it.
fn tunnel_dump(ip: &[u8], opts: &[u8]) -> Vec<u8> {
    [
        attr(sys::NFTA_TUNNEL_KEY_ID, &42u32.to_be_bytes()),
        ip.to_vec(),
        attr(sys::NFTA_TUNNEL_KEY_SPORT, &0u16.to_be_bytes()),
        attr(sys::NFTA_TUNNEL_KEY_DPORT, &4789u16.to_be_bytes()),
        attr(sys::NFTA_TUNNEL_KEY_FLAGS, &2u32.to_be_bytes()),
        attr(sys::NFTA_TUNNEL_KEY_TOS, &[0]),
        attr(sys::NFTA_TUNNEL_KEY_TTL, &[64]),
        knest(sys::NFTA_TUNNEL_KEY_OPTS, opts),
    ]
    .concat()
}

fn obj_data(kind: u32, raw: &[u8]) -> ObjData {
    let o = Obj {
        kind: Some(kind),
        raw_data: Some(raw.to_vec()),
        ..Default::default()
    };
    let d = o.data().unwrap().unwrap();
    let mut b = Obj::default();
    b.set_data(&d).unwrap();
    assert_eq!(b.raw_data.as_deref(), Some(raw), "{d:?}");
    d
}

#[test]
fn tunnel_objects_are_typed_both_ways() {
    use std::net::{Ipv4Addr, Ipv6Addr};
    let ip = knest(
        sys::NFTA_TUNNEL_KEY_IP,
        &[
            attr(sys::NFTA_TUNNEL_KEY_IP_SRC, &[192, 0, 2, 1]),
            attr(sys::NFTA_TUNNEL_KEY_IP_DST, &[192, 0, 2, 2]),
        ]
        .concat(),
    );
    let vxlan = knest(
        sys::NFTA_TUNNEL_KEY_OPTS_VXLAN,
        &attr(sys::NFTA_TUNNEL_KEY_VXLAN_GBP, &7u32.to_be_bytes()),
    );
    let ObjData::Tunnel(t) = obj_data(sys::NFT_OBJECT_TUNNEL, &tunnel_dump(&ip, &vxlan)) else {
        panic!()
    };
    assert_eq!(t.id, Some(42));
    assert_eq!(
        t.ip,
        Some(TunnelIp {
            src: Some(Ipv4Addr::new(192, 0, 2, 1)),
            dst: Some(Ipv4Addr::new(192, 0, 2, 2)),
            ..Default::default()
        })
    );
    assert_eq!(t.dport, Some(4789));
    assert_eq!(t.flags, Some(TunnelFlags::DONT_FRAGMENT));
    assert_eq!(t.ttl, Some(64));
    assert!(
        matches!(&t.opts.as_ref().unwrap().0[..], [TunnelOpt::Vxlan(v)] if v.gbp == Some(7)),
        "{t:?}"
    );

    // IPv6 and ERSPAN version 2.
    let ip6 = knest(
        sys::NFTA_TUNNEL_KEY_IP6,
        &[
            attr(sys::NFTA_TUNNEL_KEY_IP6_SRC, &Ipv6Addr::LOCALHOST.octets()),
            attr(sys::NFTA_TUNNEL_KEY_IP6_DST, &Ipv6Addr::LOCALHOST.octets()),
            attr(sys::NFTA_TUNNEL_KEY_IP6_FLOWLABEL, &5u32.to_be_bytes()),
        ]
        .concat(),
    );
    let erspan = knest(
        sys::NFTA_TUNNEL_KEY_OPTS_ERSPAN,
        &[
            attr(sys::NFTA_TUNNEL_KEY_ERSPAN_VERSION, &2u32.to_be_bytes()),
            attr(sys::NFTA_TUNNEL_KEY_ERSPAN_V2_HWID, &[3]),
            attr(sys::NFTA_TUNNEL_KEY_ERSPAN_V2_DIR, &[1]),
        ]
        .concat(),
    );
    let ObjData::Tunnel(t) = obj_data(sys::NFT_OBJECT_TUNNEL, &tunnel_dump(&ip6, &erspan)) else {
        panic!()
    };
    assert_eq!(t.ip6.as_ref().unwrap().flowlabel, Some(5));
    assert!(
        matches!(&t.opts.as_ref().unwrap().0[..], [TunnelOpt::Erspan(e)] if e.version == Some(2) && e.v2_hwid == Some(3) && e.v2_dir == Some(1)),
        "{t:?}"
    );

    // Geneve: the dump holds two options in one unflagged nest; a request
    // gives each its own flagged nest.
    let triple = |class: u16, kind: u8, data: &[u8]| {
        [
            attr(sys::NFTA_TUNNEL_KEY_GENEVE_CLASS, &class.to_be_bytes()),
            attr(sys::NFTA_TUNNEL_KEY_GENEVE_TYPE, &[kind]),
            attr(sys::NFTA_TUNNEL_KEY_GENEVE_DATA, data),
        ]
        .concat()
    };
    let geneve = knest(
        sys::NFTA_TUNNEL_KEY_OPTS_GENEVE,
        &[
            triple(0x102, 0x80, &[1, 2, 3, 4]),
            triple(0x103, 1, &[0; 8]),
        ]
        .concat(),
    );
    let ObjData::Tunnel(t) = obj_data(sys::NFT_OBJECT_TUNNEL, &tunnel_dump(&ip, &geneve)) else {
        panic!()
    };
    let opts = t.opts.as_ref().unwrap();
    assert!(
        matches!(&opts.0[..], [TunnelOpt::Geneve(g)] if !g.nested_flag && g.opts.len() == 2),
        "{opts:?}"
    );
    let req = t.to_request();
    let w = obj_bytes(ObjData::Tunnel(req));
    let want_opts = knest(
        sys::NFTA_TUNNEL_KEY_OPTS,
        &[
            nest(
                sys::NFTA_TUNNEL_KEY_OPTS_GENEVE,
                &triple(0x102, 0x80, &[1, 2, 3, 4]),
            ),
            nest(sys::NFTA_TUNNEL_KEY_OPTS_GENEVE, &triple(0x103, 1, &[0; 8])),
        ]
        .concat(),
    );
    assert!(w.ends_with(&want_opts), "{w:?}");
    assert_eq!(opts.geneve().count(), 2);

    // An option laid out otherwise is kept raw.
    let odd = knest(
        sys::NFTA_TUNNEL_KEY_OPTS_GENEVE,
        &attr(sys::NFTA_TUNNEL_KEY_GENEVE_TYPE, &[1]),
    );
    let ObjData::Tunnel(t) = obj_data(sys::NFT_OBJECT_TUNNEL, &tunnel_dump(&ip, &odd)) else {
        panic!()
    };
    assert!(matches!(&t.opts.unwrap().0[..], [TunnelOpt::Raw(_)]));
}

#[test]
fn inner_expressions_are_typed() {
    use crate::expr::{Inner, InnerType, Payload, PayloadBase};
    let payload = kelem(
        "payload",
        &[
            attr(sys::NFTA_PAYLOAD_DREG, &1u32.to_be_bytes()),
            attr(sys::NFTA_PAYLOAD_BASE, &4u32.to_be_bytes()),
            attr(sys::NFTA_PAYLOAD_OFFSET, &4u32.to_be_bytes()),
            attr(sys::NFTA_PAYLOAD_LEN, &3u32.to_be_bytes()),
        ]
        .concat(),
    );
    let data = [
        attr(sys::NFTA_INNER_NUM, &0u32.to_be_bytes()),
        attr(sys::NFTA_INNER_TYPE, &1u32.to_be_bytes()),
        attr(
            sys::NFTA_INNER_FLAGS,
            &(sys::NFT_INNER_HDRSIZE | sys::NFT_INNER_LL | sys::NFT_INNER_NH | sys::NFT_INNER_TH)
                .to_be_bytes(),
        ),
        attr(sys::NFTA_INNER_HDRSIZE, &8u32.to_be_bytes()),
        knest(sys::NFTA_INNER_EXPR, &payload),
    ]
    .concat();
    let bytes = kelem("inner", &data);
    let e = Expr::decode(&bytes).unwrap();
    let Expr::Inner(i) = &e else { panic!("{e:?}") };
    assert_eq!(i.kind, Some(InnerType::VXLAN));
    assert_eq!(i.hdrsize, Some(8));
    assert!(
        matches!(
            i.expr.as_deref(),
            Some(Expr::Payload(Payload {
                base: Some(PayloadBase::TUN),
                len: Some(3),
                ..
            }))
        ),
        "{i:?}"
    );
    let built = Expr::Inner(Inner {
        num: Some(0),
        kind: Some(InnerType::VXLAN),
        flags: i.flags,
        hdrsize: Some(8),
        expr: Some(Box::new(Expr::payload(PayloadBase::TUN, 4, 3, 1))),
        ..Default::default()
    });
    let mut w = Vec::new();
    built.encode(&mut w).unwrap();
    assert_eq!(w, bytes);
}

#[test]
fn malformed_object_data_and_inner_expressions_never_panic() {
    let ip = knest(
        sys::NFTA_TUNNEL_KEY_IP,
        &attr(sys::NFTA_TUNNEL_KEY_IP_DST, &[192, 0, 2, 2]),
    );
    let geneve = knest(
        sys::NFTA_TUNNEL_KEY_OPTS_GENEVE,
        &[
            attr(sys::NFTA_TUNNEL_KEY_GENEVE_CLASS, &1u16.to_be_bytes()),
            attr(sys::NFTA_TUNNEL_KEY_GENEVE_TYPE, &[1]),
            attr(sys::NFTA_TUNNEL_KEY_GENEVE_DATA, &[0; 4]),
        ]
        .concat(),
    );
    let timeout = [
        attr(sys::NFTA_CT_TIMEOUT_L4PROTO, &[6]),
        attr(sys::NFTA_CT_TIMEOUT_L3PROTO, &2u16.to_be_bytes()),
        nest(
            sys::NFTA_CT_TIMEOUT_DATA,
            &attr(sys::CTA_TIMEOUT_TCP_ESTABLISHED, &100u32.to_be_bytes()),
        ),
    ]
    .concat();
    let inner = kelem(
        "inner",
        &[
            attr(sys::NFTA_INNER_NUM, &0u32.to_be_bytes()),
            knest(
                sys::NFTA_INNER_EXPR,
                &kelem("meta", &attr(sys::NFTA_META_KEY, &16u32.to_be_bytes())),
            ),
        ]
        .concat(),
    );
    for (kind, bytes) in [
        (sys::NFT_OBJECT_TUNNEL, tunnel_dump(&ip, &geneve)),
        (sys::NFT_OBJECT_CT_TIMEOUT, timeout),
    ] {
        for cut in 0..bytes.len() {
            for b in [&bytes[..cut], &bytes[cut..]] {
                let o = Obj {
                    kind: Some(kind),
                    raw_data: Some(b.to_vec()),
                    ..Default::default()
                };
                // Typed or raw, whatever decodes re-encodes to the same bytes.
                if let Ok(Some(d)) = o.data() {
                    assert_eq!(obj_bytes(d), b);
                }
            }
        }
    }
    for cut in 0..inner.len() {
        if let Ok(e) = Expr::decode(&inner[..cut]) {
            let mut w = Vec::new();
            e.encode(&mut w).unwrap();
            assert_eq!(w, &inner[..cut]);
        }
    }
}
