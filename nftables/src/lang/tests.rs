//! Unit tests of the delinearizer on rules written here as bytes (built
//! with this crate's encoder, decoded back, then translated).
#![allow(clippy::unwrap_used)]

use nfnl::ProtoFamily;

use super::ast::*;
use super::datatype::{Datatype, Value};
use super::delinearize::{self, Context};
use crate::data::{Data, Verdict as KVerdict};
use crate::expr::{self as kx, CmpOp, Expr as KExpr, MetaKey, PayloadBase};
use crate::object::{ElemFlags, Element, Rule, Set, SetFlags};

const REG1: u32 = 1;

/// Encodes the rule's attributes and decodes them again: the translator
/// sees what a dump would give it.
fn bytes_round_trip(r: &Rule) -> Rule {
    let mut w = Vec::new();
    r.encode_area(&mut w).unwrap();
    let mut back = Rule::decode_area(&w).unwrap();
    back.family = r.family;
    back
}

fn rule(family: ProtoFamily, exprs: Vec<KExpr>) -> Rule {
    let mut r = Rule::new(family, "t", "c", exprs);
    r.handle = Some(7);
    bytes_round_trip(&r)
}

fn accept() -> KExpr {
    KExpr::verdict(KVerdict::Accept)
}

fn bitwise(mask: &[u8]) -> KExpr {
    KExpr::Bitwise(kx::Bitwise {
        sreg: Some(REG1),
        dreg: Some(REG1),
        len: Some(u32::try_from(mask.len()).unwrap()),
        mask: Some(Data::value(mask.to_vec())),
        xor: Some(Data::value(vec![0; mask.len()])),
        ..Default::default()
    })
}

fn tr(family: ProtoFamily, exprs: Vec<KExpr>) -> Vec<Stmt> {
    delinearize::rule(&Context::new(family), &rule(family, exprs)).stmts
}

fn field(protocol: &'static str, field: &'static str) -> Expr {
    Expr::Payload(Payload::Field { protocol, field })
}

fn val(ty: Datatype, bits: u32, v: u128) -> Expr {
    Expr::Value(Value::number(ty, bits, v))
}

#[test]
fn transport_match_drops_its_l4proto_dependency() {
    let stmts = tr(
        ProtoFamily::Inet,
        vec![
            KExpr::meta(MetaKey::L4PROTO, REG1),
            KExpr::cmp(CmpOp::EQ, REG1, [6u8]),
            KExpr::payload(PayloadBase::TRANSPORT, 2, 2, REG1),
            KExpr::cmp(CmpOp::EQ, REG1, 22u16.to_be_bytes()),
            accept(),
        ],
    );
    assert_eq!(
        stmts,
        vec![
            Stmt::Match {
                op: Op::Eq,
                left: field("tcp", "dport"),
                right: val(Datatype::InetService, 16, 22),
            },
            Stmt::Verdict(Verdict::Accept),
        ]
    );
}

#[test]
fn a_statement_between_keeps_the_dependency() {
    let stmts = tr(
        ProtoFamily::Inet,
        vec![
            KExpr::meta(MetaKey::NFPROTO, REG1),
            KExpr::cmp(CmpOp::EQ, REG1, [2u8]),
            KExpr::counter(),
            KExpr::payload(PayloadBase::NETWORK, 12, 4, REG1),
            KExpr::cmp(CmpOp::EQ, REG1, [10, 0, 0, 1]),
        ],
    );
    assert_eq!(stmts.len(), 3, "{stmts:?}");
    assert!(matches!(
        &stmts[0],
        Stmt::Match {
            left: Expr::Meta("nfproto"),
            ..
        }
    ));
    assert!(matches!(&stmts[2], Stmt::Match { left, .. } if *left == field("ip", "saddr")));
}

#[test]
fn ct_state_flags_are_an_in_match() {
    // The ct state register is host order: the mask bytes are too.
    let stmts = tr(
        ProtoFamily::Ipv4,
        vec![
            KExpr::Ct(kx::Ct {
                dreg: Some(REG1),
                key: Some(kx::CtKey::STATE),
                ..Default::default()
            }),
            bitwise(&6u32.to_ne_bytes()),
            KExpr::cmp(CmpOp::NEQ, REG1, [0u8; 4]),
        ],
    );
    let [Stmt::Match { op, right, .. }] = stmts.as_slice() else {
        panic!("{stmts:?}")
    };
    assert_eq!(*op, Op::In);
    let Expr::Value(v) = right else { panic!() };
    assert_eq!(v.text(), "established,related");
}

#[test]
fn byte_aligned_prefix_and_sub_byte_field() {
    let stmts = tr(
        ProtoFamily::Ipv4,
        vec![
            // ip saddr 10.0.0.0/8: one byte loaded.
            KExpr::payload(PayloadBase::NETWORK, 12, 1, REG1),
            KExpr::cmp(CmpOp::EQ, REG1, [10u8]),
            // ip dscp cs1: the top six bits of byte 1.
            KExpr::payload(PayloadBase::NETWORK, 1, 1, REG1),
            bitwise(&[0xfc]),
            KExpr::cmp(CmpOp::EQ, REG1, [0x20u8]),
        ],
    );
    assert_eq!(
        stmts[0],
        Stmt::Match {
            op: Op::Eq,
            left: field("ip", "saddr"),
            right: Expr::Prefix {
                addr: Box::new(val(Datatype::Ipv4Addr, 32, 0x0a00_0000)),
                len: 8,
            },
        }
    );
    let Stmt::Match {
        left,
        right: Expr::Value(v),
        ..
    } = &stmts[1]
    else {
        panic!("{stmts:?}")
    };
    assert_eq!(*left, field("ip", "dscp"));
    assert_eq!(v.text(), "cs1");
}

#[test]
fn range_from_two_comparisons() {
    let stmts = tr(
        ProtoFamily::Ipv4,
        vec![
            KExpr::meta(MetaKey::L4PROTO, REG1),
            KExpr::cmp(CmpOp::EQ, REG1, [17u8]),
            KExpr::payload(PayloadBase::TRANSPORT, 0, 2, REG1),
            KExpr::cmp(CmpOp::GTE, REG1, 1000u16.to_be_bytes()),
            KExpr::cmp(CmpOp::LTE, REG1, 2000u16.to_be_bytes()),
        ],
    );
    assert_eq!(
        stmts,
        vec![Stmt::Match {
            op: Op::Eq,
            left: field("udp", "sport"),
            right: Expr::Range(
                Box::new(val(Datatype::InetService, 16, 1000)),
                Box::new(val(Datatype::InetService, 16, 2000)),
            ),
        }]
    );
}

fn anon_set(name: &str, key_type: u32, key_len: u32, flags: SetFlags) -> Set {
    let mut s = Set::new(ProtoFamily::Ipv4, "t", name, key_type, key_len);
    s.flags = Some(flags | SetFlags::ANONYMOUS | SetFlags::CONSTANT);
    s
}

#[test]
fn lookup_inlines_an_anonymous_set_sorted() {
    let set = anon_set("__set0", 13, 2, SetFlags::empty());
    let elems = [
        Element::new(443u16.to_be_bytes()),
        Element::new(22u16.to_be_bytes()),
        Element::new(80u16.to_be_bytes()),
    ];
    let mut ctx = Context::new(ProtoFamily::Ipv4);
    ctx.add_set(&set, elems.iter());
    let r = rule(
        ProtoFamily::Ipv4,
        vec![
            KExpr::meta(MetaKey::L4PROTO, REG1),
            KExpr::cmp(CmpOp::EQ, REG1, [6u8]),
            KExpr::payload(PayloadBase::TRANSPORT, 2, 2, REG1),
            KExpr::lookup("__set0", REG1),
        ],
    );
    let stmts = delinearize::rule(&ctx, &r).stmts;
    let [Stmt::Match {
        right: Expr::Set(v),
        ..
    }] = stmts.as_slice()
    else {
        panic!("{stmts:?}")
    };
    let texts: Vec<String> = v
        .iter()
        .map(|e| match e {
            Expr::Value(v) => v.text(),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(texts, ["22", "80", "443"]);
}

#[test]
fn interval_set_elements_become_prefixes_and_ranges() {
    let set = anon_set("__set1", 7, 4, SetFlags::INTERVAL);
    let end = |k: [u8; 4]| {
        let mut e = Element::new(k);
        e.flags = Some(ElemFlags::INTERVAL_END);
        e
    };
    let elems = [
        end([0, 0, 0, 0]),
        Element::new([10, 0, 0, 0]),
        end([11, 0, 0, 0]),
        Element::new([192, 168, 0, 1]),
        end([192, 168, 0, 2]),
        Element::new([192, 168, 0, 10]),
        end([192, 168, 0, 21]),
    ];
    let refs: Vec<&Element> = elems.iter().collect();
    let out = delinearize::set_elements(&set, &refs, None, 0).unwrap();
    assert_eq!(out.len(), 3, "{out:?}");
    assert!(matches!(&out[0], Expr::Prefix { len: 8, .. }));
    assert!(matches!(&out[1], Expr::Value(v) if v.text() == "192.168.0.1"));
    let Expr::Range(lo, hi) = &out[2] else {
        panic!("{out:?}")
    };
    assert!(
        matches!((lo.as_ref(), hi.as_ref()), (Expr::Value(a), Expr::Value(b)) if a.text() == "192.168.0.10" && b.text() == "192.168.0.20")
    );
}

#[test]
fn statements_translate() {
    let stmts = tr(
        ProtoFamily::Ipv4,
        vec![
            KExpr::Immediate(kx::Immediate {
                dreg: Some(REG1),
                data: Some(Data::value(0x10u32.to_ne_bytes().to_vec())),
                ..Default::default()
            }),
            KExpr::Meta(kx::Meta {
                key: Some(MetaKey::MARK),
                sreg: Some(REG1),
                ..Default::default()
            }),
            KExpr::Log(kx::Log {
                prefix: Some("in: ".into()),
                ..Default::default()
            }),
            KExpr::Limit(kx::Limit {
                rate: Some(5),
                unit: Some(60),
                burst: Some(5),
                kind: Some(kx::LimitType::PKTS),
                flags: Some(0),
                ..Default::default()
            }),
            KExpr::verdict(KVerdict::Jump("other".into())),
        ],
    );
    assert_eq!(
        stmts[0],
        Stmt::Mangle {
            key: Expr::Meta("mark"),
            value: val(Datatype::Mark, 32, 0x10),
        }
    );
    assert!(matches!(&stmts[1], Stmt::Log(l) if l.prefix.as_deref() == Some("in: ")));
    assert!(matches!(&stmts[2], Stmt::Limit(l) if l.rate == 5 && l.unit_secs == 60));
    assert_eq!(stmts[3], Stmt::Verdict(Verdict::Jump("other".into())));
}

#[test]
fn what_is_not_translated_is_kept_and_nothing_panics() {
    // A comparison of an empty register, an unknown expression, a
    // bitwise of nothing: each becomes Untranslated, in order.
    let stmts = tr(
        ProtoFamily::Ipv4,
        vec![
            KExpr::cmp(CmpOp::EQ, 3, [1u8]),
            KExpr::Unknown {
                name: "future".into(),
                data: Some(vec![4, 0, 1, 0]),
            },
            bitwise(&[1]),
            accept(),
        ],
    );
    assert_eq!(stmts.len(), 4, "{stmts:?}");
    for s in &stmts[..3] {
        assert!(matches!(s, Stmt::Untranslated(_)), "{s:?}");
    }
    let r = RuleItem {
        stmts,
        ..Default::default()
    };
    let names: Vec<&str> = r
        .untranslated()
        .flat_map(|u| u.exprs.iter().map(String::as_str))
        .collect();
    assert_eq!(names, ["cmp", "future", "bitwise"]);
}

#[test]
fn every_prefix_of_a_rule_translates_without_panicking() {
    // Truncated expression lists leave registers half-filled.
    let exprs = [
        KExpr::meta(MetaKey::L4PROTO, REG1),
        KExpr::cmp(CmpOp::EQ, REG1, [6u8]),
        KExpr::payload(PayloadBase::TRANSPORT, 2, 2, REG1),
        bitwise(&[0xff, 0x00]),
        KExpr::cmp(CmpOp::NEQ, REG1, [0u8, 0]),
        KExpr::lookup("missing", REG1),
        KExpr::counter(),
        accept(),
    ];
    for family in [ProtoFamily::Ipv4, ProtoFamily::Inet, ProtoFamily::Bridge] {
        for n in 0..=exprs.len() {
            for start in 0..n {
                let _ = tr(family, exprs[start..n].to_vec());
            }
        }
    }
}

#[cfg(feature = "json")]
#[test]
fn json_is_nfts_compact_form() {
    let stmts = tr(
        ProtoFamily::Inet,
        vec![
            KExpr::meta(MetaKey::L4PROTO, REG1),
            KExpr::cmp(CmpOp::EQ, REG1, [6u8]),
            KExpr::payload(PayloadBase::TRANSPORT, 2, 2, REG1),
            KExpr::cmp(CmpOp::EQ, REG1, 22u16.to_be_bytes()),
            KExpr::counter(),
            accept(),
        ],
    );
    let item = Item::Rule(RuleItem {
        family: "inet",
        table: "t".into(),
        chain: "c".into(),
        handle: 7,
        comment: Some("ssh".into()),
        stmts,
    });
    assert_eq!(
        super::json::to_string(&item),
        r#"{"rule": {"family": "inet", "table": "t", "chain": "c", "handle": 7, "comment": "ssh", "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 22}}, {"counter": {"packets": 0, "bytes": 0}}, {"accept": null}]}}"#
    );
}

/// A small deterministic generator for the no-panic test.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u32 {
        u32::try_from(self.next() % n.max(1)).unwrap()
    }
    fn bytes(&mut self, max: u64) -> Vec<u8> {
        let n = self.below(max + 1);
        (0..n).map(|_| (self.next() & 0xff) as u8).collect()
    }
    fn reg(&mut self) -> u32 {
        [0, 1, 2, 4, 5, 8, 9, 12, 23, 24, 99][self.below(11) as usize]
    }
}

fn random_expr(g: &mut Rng) -> KExpr {
    match g.below(16) {
        0 => KExpr::Payload(kx::Payload {
            base: Some(PayloadBase(g.below(5))),
            offset: Some(g.below(70)),
            len: Some(g.below(20)),
            dreg: (g.below(5) != 0).then(|| g.reg()),
            sreg: (g.below(5) == 0).then(|| g.reg()),
            ..Default::default()
        }),
        1 => KExpr::meta(MetaKey(g.below(40)), g.reg()),
        2 => KExpr::Ct(kx::Ct {
            dreg: Some(g.reg()),
            key: Some(kx::CtKey(g.below(26))),
            direction: (g.below(2) == 0).then(|| (g.next() & 3) as u8),
            sreg: (g.below(4) == 0).then(|| g.reg()),
            ..Default::default()
        }),
        3 | 4 => KExpr::Cmp(kx::Cmp {
            sreg: Some(g.reg()),
            op: Some(CmpOp(g.below(8))),
            data: Some(Data::value(g.bytes(20))),
            ..Default::default()
        }),
        5 => KExpr::Bitwise(kx::Bitwise {
            sreg: Some(g.reg()),
            dreg: Some(g.reg()),
            len: Some(g.below(20)),
            op: Some(kx::BitwiseOp(g.below(7))),
            mask: Some(Data::value(g.bytes(17))),
            xor: Some(Data::value(g.bytes(17))),
            data: Some(Data::value(g.bytes(5))),
            ..Default::default()
        }),
        6 => KExpr::Range(kx::Range {
            sreg: Some(g.reg()),
            op: Some(kx::RangeOp(g.below(3))),
            from: Some(Data::value(g.bytes(17))),
            to: Some(Data::value(g.bytes(17))),
            ..Default::default()
        }),
        7 => KExpr::Lookup(kx::Lookup {
            set: Some(["s", "__set0", "__map0", "nope"][g.below(4) as usize].into()),
            sreg: Some(g.reg()),
            dreg: (g.below(2) == 0).then(|| g.reg()),
            flags: Some(g.below(3)),
            ..Default::default()
        }),
        8 => KExpr::Immediate(kx::Immediate {
            dreg: Some(g.reg()),
            data: Some(Data::value(g.bytes(20))),
            ..Default::default()
        }),
        9 => KExpr::Nat(kx::Nat {
            kind: Some(kx::NatType(g.below(3))),
            family: Some([2, 10, 7][g.below(3) as usize]),
            reg_addr_min: Some(g.reg()),
            reg_addr_max: (g.below(2) == 0).then(|| g.reg()),
            reg_proto_min: (g.below(2) == 0).then(|| g.reg()),
            reg_proto_max: (g.below(2) == 0).then(|| g.reg()),
            flags: Some(g.below(0x80)),
            ..Default::default()
        }),
        10 => KExpr::Exthdr(kx::Exthdr {
            dreg: (g.below(3) != 0).then(|| g.reg()),
            sreg: (g.below(4) == 0).then(|| g.reg()),
            kind: Some((g.next() & 0xff) as u8),
            offset: Some(g.below(40)),
            len: Some(g.below(20)),
            flags: Some(g.below(3)),
            op: Some(kx::ExthdrOp(g.below(6))),
            ..Default::default()
        }),
        11 => KExpr::Dynset(kx::Dynset {
            sreg_key: Some(g.reg()),
            sreg_data: (g.below(2) == 0).then(|| g.reg()),
            op: Some(kx::DynsetOp(g.below(4))),
            set_name: Some(["s", "__set0", "__map0"][g.below(3) as usize].into()),
            timeout: Some(u64::from(g.below(100_000))),
            ..Default::default()
        }),
        12 => KExpr::Byteorder(kx::Byteorder {
            sreg: Some(g.reg()),
            dreg: Some(g.reg()),
            op: Some(kx::ByteorderOp(g.below(3))),
            len: Some(g.below(20)),
            size: Some(g.below(9)),
            ..Default::default()
        }),
        13 => KExpr::Objref(kx::Objref {
            imm_name: (g.below(2) == 0).then(|| "o".into()),
            imm_type: Some(g.below(12)),
            set_sreg: Some(g.reg()),
            set_name: Some("__map0".into()),
            ..Default::default()
        }),
        14 => KExpr::Hash(kx::Hash {
            sreg: Some(g.reg()),
            dreg: Some(g.reg()),
            len: Some(g.below(40)),
            modulus: Some(g.below(10)),
            kind: Some(kx::HashType(g.below(3))),
            ..Default::default()
        }),
        _ => KExpr::verdict(KVerdict::Accept),
    }
}

#[test]
fn random_expression_lists_never_panic() {
    let mut g = Rng(0x9e37_79b9_7f4a_7c15);
    // Sets with random key types, lengths, flags and elements.
    let mut sets = Vec::new();
    for name in ["s", "__set0", "__map0"] {
        let mut s = Set::new(
            ProtoFamily::Inet,
            "t",
            name,
            [7, 13, 19, 26, 41, 7 << 6 | 13, 0, 63 << 12][g.below(8) as usize],
            g.below(40),
        );
        let mut flags = SetFlags::from_bits_retain(g.below(0x200));
        if name.starts_with("__") {
            flags |= SetFlags::ANONYMOUS;
        }
        s.flags = Some(flags);
        s.data_type = Some([7, 0xffff_ff00, 7 << 6 | 13, 19][g.below(4) as usize]);
        s.data_len = Some(g.below(20));
        s.userdata = Some(g.bytes(12));
        sets.push(s);
    }
    let elems: Vec<Vec<Element>> = sets
        .iter()
        .map(|_| {
            (0..g.below(6))
                .map(|_| {
                    let mut e = Element::new(g.bytes(20));
                    e.flags = Some(ElemFlags::from_bits_retain(g.below(4)));
                    if g.below(2) == 0 {
                        e.data = Some(Data::value(g.bytes(20)));
                    }
                    if g.below(4) == 0 {
                        e.key_end = Some(Data::value(g.bytes(20)));
                    }
                    e
                })
                .collect()
        })
        .collect();
    // Every type renders any bytes.
    for _ in 0..if cfg!(miri) { 50 } else { 20_000 } {
        let v = Value {
            ty: Datatype::from_id(g.below(64)),
            bits: g.below(300),
            data: g.bytes(24),
        };
        let _ = (v.text(), v.text_bitmask_or(), v.json());
    }
    for family in [
        ProtoFamily::Ipv4,
        ProtoFamily::Ipv6,
        ProtoFamily::Inet,
        ProtoFamily::Bridge,
        ProtoFamily::Netdev,
        ProtoFamily::Arp,
    ] {
        let mut ctx = Context::new(family);
        for (s, e) in sets.iter().zip(&elems) {
            ctx.add_set(s, e.iter());
            let refs: Vec<&Element> = e.iter().collect();
            let _ = delinearize::set_elements(s, &refs, None, g.below(9));
        }
        for _ in 0..if cfg!(miri) { 10 } else { 3000 } {
            let n = g.below(9);
            let exprs: Vec<KExpr> = (0..n).map(|_| random_expr(&mut g)).collect();
            let mut r = Rule::new(family, "t", "c", exprs);
            r.userdata = Some(g.bytes(8));
            let item = delinearize::rule(&ctx, &r);
            #[cfg(feature = "json")]
            let _ = super::json::to_string(&Item::Rule(item));
            #[cfg(not(feature = "json"))]
            let _ = item;
        }
    }
}

/// The rule's statements as `nft list ruleset` prints them on one line.
fn line(family: ProtoFamily, exprs: Vec<KExpr>) -> String {
    tr(family, exprs)
        .iter()
        .map(super::text::stmt_text)
        .collect::<Vec<_>>()
        .join(" ")
}

/// `[ payload load 2b @ link header + OFF ]`, a mask, `[ cmp eq ]`.
fn ll_match(off: u32, mask: Option<[u8; 2]>, v: u16) -> Vec<KExpr> {
    let mut out = vec![KExpr::payload(PayloadBase::LL, off, 2, REG1)];
    if let Some(m) = mask {
        out.push(bitwise(&m));
    }
    out.push(KExpr::cmp(CmpOp::EQ, REG1, v.to_be_bytes()));
    out
}

#[test]
fn stacked_vlan_headers_are_four_bytes_apart() {
    // ether type 8021ad vlan id 1 vlan type 8021q vlan id 2 vlan type ip
    // counter (nft 1.0.6's listing): each `vlan type 8021q` matched puts
    // the next header 4 bytes further; the `vlan type` before a field of
    // the stacked header stays, the `vlan type ip` before `ip protocol`
    // goes, as the `ether type 8021q` before the first header's field.
    let id = Some([0x0f, 0xff]);
    let stacked = |tail: Vec<KExpr>| {
        [
            ll_match(12, None, 0x88a8),
            ll_match(14, id, 1),
            ll_match(16, None, 0x8100),
            ll_match(18, id, 2),
            ll_match(20, None, 0x0800),
            tail,
        ]
        .concat()
    };
    assert_eq!(
        line(ProtoFamily::Bridge, stacked(vec![KExpr::counter()])),
        "ether type 8021ad vlan id 1 vlan type 8021q vlan id 2 vlan type ip counter packets 0 bytes 0"
    );
    // netdev: nft puts `meta iiftype ether` first (the link layer is
    // Ethernet only then) and drops it again when listing.
    let iiftype = vec![
        KExpr::meta(MetaKey::IIFTYPE, REG1),
        KExpr::cmp(CmpOp::EQ, REG1, 1u16.to_ne_bytes()),
    ];
    assert_eq!(
        line(
            ProtoFamily::Netdev,
            [
                iiftype,
                stacked(vec![
                    KExpr::payload(PayloadBase::NETWORK, 9, 1, REG1),
                    KExpr::cmp(CmpOp::EQ, REG1, [6u8]),
                ])
            ]
            .concat()
        ),
        "ether type 8021ad vlan id 1 vlan type 8021q vlan id 2 ip protocol tcp"
    );
    // Three headers deep, the first one's ether type implied.
    let three = [
        ll_match(12, None, 0x8100),
        ll_match(14, id, 1),
        ll_match(16, None, 0x88a8),
        ll_match(18, id, 2),
        ll_match(20, None, 0x8100),
        ll_match(22, id, 3),
        ll_match(24, None, 0x0806),
    ]
    .concat();
    assert_eq!(
        line(ProtoFamily::Bridge, three),
        "vlan id 1 vlan type 8021ad vlan id 2 vlan type 8021q vlan id 3 vlan type arp"
    );
    // Without a `vlan type` between them both match the first header.
    let flat = [
        ll_match(12, None, 0x88a8),
        ll_match(14, id, 1),
        ll_match(14, id, 2),
    ]
    .concat();
    assert_eq!(
        line(ProtoFamily::Bridge, flat),
        "ether type 8021ad vlan id 1 vlan id 2"
    );
}

fn ct_load(key: kx::CtKey, dir: u8) -> KExpr {
    KExpr::Ct(kx::Ct {
        dreg: Some(REG1),
        key: Some(key),
        direction: Some(dir),
        ..Default::default()
    })
}

#[test]
fn family_less_ct_addresses_print_the_family_in_text_only() {
    // meta nfproto ipv4 ct original saddr 1.2.3.4 (inet): nft 1.0.6 lists
    // `ct original ip saddr 1.2.3.4`, and `"key": "saddr"` in JSON.
    let inet = vec![
        KExpr::meta(MetaKey::NFPROTO, REG1),
        KExpr::cmp(CmpOp::EQ, REG1, [2u8]),
        ct_load(kx::CtKey::SRC, 0),
        KExpr::cmp(CmpOp::EQ, REG1, [1, 2, 3, 4]),
    ];
    assert_eq!(
        line(ProtoFamily::Inet, inet.clone()),
        "ct original ip saddr 1.2.3.4"
    );
    // The family of the table (ip6), a range in ip.
    let mut v6 = [0u8; 16];
    v6[15] = 2;
    assert_eq!(
        line(
            ProtoFamily::Ipv6,
            vec![ct_load(kx::CtKey::DST, 1), KExpr::cmp(CmpOp::NEQ, REG1, v6)]
        ),
        "ct reply ip6 daddr != ::2"
    );
    assert_eq!(
        line(
            ProtoFamily::Ipv4,
            vec![
                ct_load(kx::CtKey::SRC, 0),
                KExpr::cmp(CmpOp::GTE, REG1, [1, 2, 3, 1]),
                KExpr::cmp(CmpOp::LTE, REG1, [1, 2, 3, 4]),
            ]
        ),
        "ct original ip saddr 1.2.3.1-1.2.3.4"
    );
    // The keys with a family stay as they are.
    assert_eq!(
        line(
            ProtoFamily::Inet,
            vec![
                ct_load(kx::CtKey::SRC_IP, 0),
                KExpr::cmp(CmpOp::EQ, REG1, [1, 2, 3, 4])
            ]
        ),
        "ct original ip saddr 1.2.3.4"
    );
    #[cfg(feature = "json")]
    {
        let stmts = tr(ProtoFamily::Inet, inet);
        assert_eq!(
            super::json::to_string(&stmts[0]),
            r#"{"match": {"op": "==", "left": {"ct": {"key": "saddr", "dir": "original"}}, "right": "1.2.3.4"}}"#
        );
    }
}

/// The JSON of a set's elements as the listing prints them.
#[cfg(feature = "json")]
fn elems_json(set: &Set, keys: &[Vec<u8>]) -> String {
    let elems: Vec<Element> = keys.iter().map(|k| Element::new(k.clone())).collect();
    let refs: Vec<&Element> = elems.iter().collect();
    let out = delinearize::set_elements(set, &refs, None, 0).unwrap();
    super::json::to_string(&Expr::Set(out))
}

#[cfg(feature = "json")]
#[test]
fn typeof_integers_of_a_concatenation_take_their_width_from_user_data() {
    // The user data nft 1.0.6 wrote for these typeof sets (read back from
    // the kernel); a concatenation's integer fields have no width nor
    // byte order in the key type, only in the typeof expressions.
    let typeof_set = |key_type: u32, key_len: u32, udata: &str| {
        let mut s = Set::new(ProtoFamily::Inet, "t", "s", key_type, key_len);
        s.userdata = Some(super::text::tests::hex(udata));
        s
    };
    // typeof udp length . @ih,32,32: 16 bits in a 4-byte slot, then 32.
    let s = typeof_set(
        260,
        8,
        "000400000000010400000000034c00040d0000000144001a00040700000001120004060000000104\
         030000000404100000000126000407000000011e0004000000000104000000000204040000000304\
         2000000004042000000004080004010000000100060400000000",
    );
    assert_eq!(
        elems_json(&s, &[super::text::tests::hex("001e00000000001e")]),
        r#"{"set": [{"concat": [30, 30]}]}"#
    );
    // typeof iifname . ip saddr . ipsec in reqid: the reqid is host-endian.
    let s = typeof_set(
        168_388,
        24,
        "000400000000034a00040d0000000142000e00040900000001060004060000000114000407000000\
         010c00040c00000001040b000000021a00041b0000000112000405000000010400000000020400000000",
    );
    let mut key = b"eth0".to_vec();
    key.resize(16, 0);
    key.extend([10, 1, 1, 2]);
    key.extend(42u32.to_ne_bytes());
    assert_eq!(
        elems_json(&s, &[key]),
        r#"{"set": [{"concat": ["eth0", "10.1.1.2", 42]}]}"#
    );
    // typeof vlan id . ip saddr: 12 bits in 2 bytes.
    let s = typeof_set(
        263,
        8,
        "000400000000033a00040d0000000132001a000407000000011200041000000001040400000004040c\
         0000000114000407000000010c00040c00000001040b000000",
    );
    assert_eq!(
        elems_json(&s, &[super::text::tests::hex("0def000001020304")]),
        r#"{"set": [{"concat": [3567, "1.2.3.4"]}]}"#
    );
}

#[test]
fn a_constant_set_lists_no_size() {
    // nft sizes a constant set by its elements (`size` 18 in the kernel
    // for 18 elements) and lists none, in text as in JSON.
    let sized = |name: &str, flags: SetFlags| {
        let mut s = Set::new(ProtoFamily::Ipv4, "t", name, 7, 4);
        s.flags = Some(flags);
        s.desc = Some(crate::object::SetDesc {
            size: Some(18),
            ..Default::default()
        });
        s
    };
    let rs = crate::ruleset::Ruleset {
        tables: vec![crate::object::Table::new(ProtoFamily::Ipv4, "t")],
        sets: vec![
            sized("c", SetFlags::CONSTANT),
            sized("s", SetFlags::empty()),
        ],
        ..Default::default()
    };
    let sizes: Vec<Option<u32>> = super::listing::listing(&rs, &Default::default())
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Set(s) => Some(s.size),
            _ => None,
        })
        .collect();
    assert_eq!(sizes, [None, Some(18)]);
    let text = super::text::ruleset(&rs);
    assert_eq!(text.matches("size 18").count(), 1, "{text}");
}

// Forms of the grammar sweep of tests/corpus (what nft 1.0.6 lists for
// the bytes it generated on this machine).

#[test]
fn raw_link_layer_is_ethernet_only_after_iiftype_or_in_bridge() {
    // netdev `@ll,96,16 0x800`: no `meta iiftype ether`, stays raw.
    assert_eq!(
        line(ProtoFamily::Netdev, ll_match(12, None, 0x0800)),
        "@ll,96,16 0x800"
    );
    assert_eq!(
        line(ProtoFamily::Bridge, ll_match(12, None, 0x0800)),
        "ether type ip"
    );
}

#[test]
fn a_match_over_bit_fields_splits_the_value_by_bits() {
    // `@nh,8,8 0x10` in ip: dscp 4 (not cs2) and ecn 0.
    assert_eq!(
        line(
            ProtoFamily::Ipv4,
            vec![
                KExpr::payload(PayloadBase::NETWORK, 1, 1, REG1),
                KExpr::cmp(CmpOp::EQ, REG1, [0x10u8]),
            ]
        ),
        "ip dscp 0x04 ip ecn not-ect"
    );
}

fn payload_write(base: PayloadBase, offset: u32, len: u32, csum: u32) -> KExpr {
    KExpr::Payload(kx::Payload {
        sreg: Some(REG1),
        base: Some(base),
        offset: Some(offset),
        len: Some(len),
        csum_type: Some(csum),
        csum_offset: Some(if csum == 0 { 0 } else { 2 }),
        csum_flags: Some(0),
        ..Default::default()
    })
}

#[test]
fn a_write_over_several_fields_stays_raw_in_hex() {
    assert_eq!(
        line(
            ProtoFamily::Ipv4,
            vec![
                KExpr::Immediate(kx::Immediate {
                    dreg: Some(REG1),
                    data: Some(Data::value(vec![0x10])),
                    ..Default::default()
                }),
                payload_write(PayloadBase::NETWORK, 1, 1, 0),
            ]
        ),
        "@nh,8,8 set 0x10"
    );
}

#[test]
fn an_icmp_type_write_lists_as_nft_106_th_sport_edit() {
    // `icmp type set echo-request`: nft edits the 16 bits at th+0 and
    // lists them as `th sport` (mask | xor, then `| xor` unless 0).
    let edit = |mask: [u8; 2], xor: [u8; 2]| {
        line(
            ProtoFamily::Ipv4,
            vec![
                KExpr::meta(MetaKey::L4PROTO, REG1),
                KExpr::cmp(CmpOp::EQ, REG1, [1u8]),
                KExpr::payload(PayloadBase::TRANSPORT, 0, 2, REG1),
                KExpr::Bitwise(kx::Bitwise {
                    sreg: Some(REG1),
                    dreg: Some(REG1),
                    len: Some(2),
                    mask: Some(Data::value(mask.to_vec())),
                    xor: Some(Data::value(xor.to_vec())),
                    ..Default::default()
                }),
                payload_write(PayloadBase::TRANSPORT, 0, 2, 1),
            ],
        )
    };
    assert_eq!(edit([0, 0xff], [0, 0]), "th sport set th sport & 255");
    assert_eq!(
        edit([0, 0xff], [8, 0]),
        "th sport set th sport & 2303 | 2048"
    );
}

#[test]
fn netdev_reject_drops_its_ether_type() {
    let reject = KExpr::Reject(kx::Reject {
        kind: Some(0),
        icmp_code: Some(1),
        ..Default::default()
    });
    assert_eq!(
        line(
            ProtoFamily::Netdev,
            [
                vec![
                    KExpr::meta(MetaKey::IIFTYPE, REG1),
                    KExpr::cmp(CmpOp::EQ, REG1, 1u16.to_ne_bytes()),
                ],
                ll_match(12, None, 0x0800),
                vec![reject]
            ]
            .concat()
        ),
        "reject with icmp host-unreachable"
    );
}

#[test]
fn synproxy_text_has_mss_and_wscale_together() {
    let sp = |mss, wscale| {
        Stmt::Synproxy(Synproxy {
            mss,
            wscale,
            flags: vec![],
        })
    };
    assert_eq!(
        super::text::stmt_text(&sp(Some(1460), None)),
        "synproxy mss 1460 wscale 0"
    );
    assert_eq!(
        super::text::stmt_text(&sp(None, Some(5))),
        "synproxy mss 0 wscale 5"
    );
    assert_eq!(super::text::stmt_text(&sp(None, None)), "synproxy");
}

#[test]
fn igmp_group_is_an_integer() {
    assert_eq!(
        line(
            ProtoFamily::Ipv4,
            vec![
                KExpr::payload(PayloadBase::NETWORK, 9, 1, REG1),
                KExpr::cmp(CmpOp::EQ, REG1, [2u8]),
                KExpr::payload(PayloadBase::TRANSPORT, 4, 4, REG1),
                KExpr::cmp(CmpOp::EQ, REG1, [0u8; 4]),
            ]
        ),
        "igmp group 0"
    );
}

/// `meta mark set meta mark & M | V` and `ct mark set ...` as a VPN client
/// writes them: the kernel keeps one mask and one xor, and nft reads the
/// xor bits outside the mask back as `| V`, widening the mask by them.
#[test]
fn mark_and_or_reads_back_as_nft_writes_it() {
    let set_mark = |mask: u32, xor: u32| {
        let stmts = tr(
            ProtoFamily::Ipv4,
            vec![
                KExpr::meta(MetaKey::MARK, REG1),
                KExpr::Bitwise(kx::Bitwise {
                    sreg: Some(REG1),
                    dreg: Some(REG1),
                    len: Some(4),
                    mask: Some(Data::value(mask.to_ne_bytes().to_vec())),
                    xor: Some(Data::value(xor.to_ne_bytes().to_vec())),
                    ..Default::default()
                }),
                KExpr::Meta(kx::Meta {
                    key: Some(MetaKey::MARK),
                    sreg: Some(REG1),
                    ..Default::default()
                }),
            ],
        );
        assert_eq!(stmts.len(), 1, "{stmts:?}");
        super::text::stmt_text(&stmts[0])
    };
    assert_eq!(
        set_mark(0xff00_ffff, 0x0004_0000),
        "meta mark set meta mark & 0xff04ffff | 0x00040000"
    );
    assert_eq!(
        set_mark(!0x4000, 0x4000),
        "meta mark set meta mark | 0x00004000"
    );
    assert_eq!(
        set_mark(0xffff_ffff, 0x4000),
        "meta mark set meta mark ^ 0x00004000"
    );
    assert_eq!(
        set_mark(0x0000_ff00, 0x0000_0100),
        "meta mark set meta mark & 0x0000ff00 ^ 0x00000100"
    );
    assert_eq!(
        set_mark(0x0000_ff00, 0x0001_0100),
        "meta mark set meta mark & 0x0001ff00 ^ 0x00000100 | 0x00010000"
    );
}

/// In an inet table, `ip6 saddr X reject with icmpv6 ...` (firewalld,
/// fail2ban): the `ip6` match takes the nfproto dependency, and the
/// reject's ICMP flavour still follows the network protocol (ip6), as nft
/// prints it.
#[test]
fn inet_reject_after_an_ip6_match_is_icmpv6() {
    let reject = |nfproto: u8, code: u8| {
        let (off, addr): (u32, Vec<u8>) = if nfproto == 10 {
            (8, vec![0x20, 0x01, 0x0d, 0xb8])
        } else {
            (12, vec![192, 0, 2, 1])
        };
        let len = u32::try_from(addr.len()).unwrap();
        let stmts = tr(
            ProtoFamily::Inet,
            vec![
                KExpr::meta(MetaKey::NFPROTO, REG1),
                KExpr::cmp(CmpOp::EQ, REG1, [nfproto]),
                KExpr::payload(PayloadBase::NETWORK, off, len, REG1),
                KExpr::cmp(CmpOp::EQ, REG1, addr),
                KExpr::Reject(kx::Reject {
                    kind: Some(0),
                    icmp_code: Some(code),
                    ..Default::default()
                }),
            ],
        );
        assert_eq!(stmts.len(), 2, "{stmts:?}");
        super::text::stmt_text(&stmts[1])
    };
    assert_eq!(reject(10, 1), "reject with icmpv6 admin-prohibited");
    assert_eq!(reject(10, 3), "reject with icmpv6 addr-unreachable");
    assert_eq!(reject(2, 10), "reject with icmp host-prohibited");
}

/// A bridge filter's `ether daddr 01:80:c2:00:00:00/24` (link-local
/// multicast): nft loads the 3 bytes of the prefix and reads them back as
/// the prefix; a mask on the whole address stays a mask.
#[test]
fn ether_address_prefix_from_a_short_load() {
    let stmts = tr(
        ProtoFamily::Bridge,
        vec![
            KExpr::payload(PayloadBase::LL, 0, 3, REG1),
            KExpr::cmp(CmpOp::EQ, REG1, [0x01, 0x80, 0xc2]),
            KExpr::payload(PayloadBase::LL, 6, 6, REG1),
            bitwise(&[0xff, 0xff, 0xff, 0, 0, 0]),
            KExpr::cmp(CmpOp::EQ, REG1, [2, 0, 0, 0, 0, 0]),
        ],
    );
    let text: Vec<String> = stmts.iter().map(super::text::stmt_text).collect();
    assert_eq!(
        text,
        [
            "ether daddr 01:80:c2:00:00:00/24",
            "ether saddr & ff:ff:ff:00:00:00 == 02:00:00:00:00:00"
        ]
    );
}

/// A QoS classifier's `meta priority set ip dscp map @m` (a named map of
/// type dscp): nft prints the shifted key raw and keeps its dependency;
/// the same key matched against a named set is `ip dscp`.
#[test]
fn shifted_key_of_a_named_map_prints_raw() {
    let mut m = Set::new(ProtoFamily::Inet, "t", "m", 36, 1);
    m.flags = Some(SetFlags::MAP);
    m.data_type = Some(23);
    m.data_len = Some(4);
    let s = Set::new(ProtoFamily::Inet, "t", "s", 36, 1);
    let mut ctx = Context::new(ProtoFamily::Inet);
    ctx.add_set(&m, []);
    ctx.add_set(&s, []);
    let key = || {
        vec![
            KExpr::meta(MetaKey::NFPROTO, REG1),
            KExpr::cmp(CmpOp::EQ, REG1, [2u8]),
            KExpr::payload(PayloadBase::NETWORK, 1, 1, REG1),
            bitwise(&[0xfc]),
            KExpr::Bitwise(kx::Bitwise {
                sreg: Some(REG1),
                dreg: Some(REG1),
                op: Some(kx::BitwiseOp(2)),
                len: Some(1),
                data: Some(Data::value(2u32.to_ne_bytes().to_vec())),
                ..Default::default()
            }),
        ]
    };
    let mut map = key();
    map.push(KExpr::Lookup(kx::Lookup {
        sreg: Some(REG1),
        dreg: Some(REG1),
        set: Some("m".into()),
        ..Default::default()
    }));
    map.push(KExpr::Meta(kx::Meta {
        key: Some(MetaKey::PRIORITY),
        sreg: Some(REG1),
        ..Default::default()
    }));
    let text = |exprs| {
        delinearize::rule(&ctx, &rule(ProtoFamily::Inet, exprs))
            .stmts
            .iter()
            .map(super::text::stmt_text)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        text(map),
        [
            "meta nfproto ipv4",
            "meta priority set (@nh,8,8 & 0xfc) >> 2 map @m"
        ]
    );
    let mut set = key();
    set.push(KExpr::Lookup(kx::Lookup {
        sreg: Some(REG1),
        set: Some("s".into()),
        ..Default::default()
    }));
    assert_eq!(text(set), ["ip dscp @s"]);
}
