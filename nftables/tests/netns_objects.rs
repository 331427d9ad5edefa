//! Namespace tests of the typed object data and expressions that nft 1.0.6
//! writes partly or not at all: ct timeout objects (typed with
//! `nfnl::timeout`), tunnel objects, the `inner` expression, and element
//! resets. Each object read back is checked to re-encode to the kernel's
//! bytes.
//!
//! Run them with `cargo xtask test -- tables` (or as root: `cargo test -p
//! nfnl-tables --test netns_objects -- --ignored --test-threads=2`).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::net::{Ipv4Addr, Ipv6Addr};
use std::ops::ControlFlow;

use nfnl::testutil::netns as support;
use nfnl_sys as sys;
use nfnl_tables::expr::{CmpOp, Counter, Inner, InnerType, MetaKey, PayloadBase};
use nfnl_tables::timeout::{ReplyTimeouts, SingleTimeout, TcpTimeouts, Timeouts};
use nfnl_tables::{
    Chain, CtTimeout, Data, Element, ErrorExt as _, Expr, Geneve, GeneveOpt, Nft, Obj, ObjData,
    ProtoFamily, Rule, SetElems, Table, Transaction, TunnelErspan, TunnelFlags, TunnelIp,
    TunnelIp6, TunnelKey, TunnelOpt, TunnelOpts, TunnelVxlan,
};

/// The objects of `family`, each checked to re-encode its typed data to
/// the kernel's bytes, as `(name, data)`.
fn objects(nft: &mut Nft, family: ProtoFamily) -> Vec<(String, ObjData)> {
    let mut out = Vec::new();
    nft.dump_objs(family, None, |o: Obj| {
        out.push(o);
        ControlFlow::Continue(())
    })
    .unwrap();
    out.into_iter()
        .map(|o| {
            let d = o.data().unwrap().unwrap();
            let mut again = Obj::default();
            again.set_data(&d).unwrap();
            assert_eq!(again.raw_data, o.raw_data, "{d:?}");
            assert!(!matches!(d, ObjData::Raw(_)), "not typed: {o:?}");
            (o.name.unwrap(), d)
        })
        .collect()
}

fn timeouts_of(objs: &[(String, ObjData)], name: &str) -> (CtTimeout, Timeouts) {
    let Some((_, ObjData::CtTimeout(t))) = objs.iter().find(|(n, _)| n == name) else {
        panic!("no ct timeout {name}: {objs:?}");
    };
    (t.clone(), t.timeouts.clone().unwrap())
}

/// `nft add ct timeout` objects read back typed, every state reported;
/// objects we create for the protocols nft 1.0.6 cannot write (it knows
/// only tcp and udp) are listed by `nft list ct timeout` as expected.
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn ct_timeout_objects_read_back_typed() {
    let _ns = support::netns();
    support::sh(
        "nft add table ip t; \
         nft add ct timeout ip t cttcp '{ protocol tcp; l3proto ip; policy = { established: 100, close: 5 }; }'; \
         nft add ct timeout ip t ctudp '{ protocol udp; l3proto ip; policy = { unreplied: 7, replied: 9 }; }'",
    );
    let mut nft = Nft::open().unwrap();
    let objs = objects(&mut nft, ProtoFamily::Ipv4);
    let (t, tcp) = timeouts_of(&objs, "cttcp");
    assert!(t.data_nested_flag, "{t:?}");
    assert_eq!(t.l3proto, Some(u16::from(sys::NFPROTO_IPV4)));
    let Timeouts::Tcp(tcp) = tcp else {
        panic!("{tcp:?}")
    };
    assert_eq!((tcp.established, tcp.close), (Some(100), Some(5)));
    // The others are the namespace's defaults of that moment, all reported.
    assert!(Timeouts::Tcp(tcp).iter().all(|(_, v)| v.is_some()));
    assert_eq!(tcp.syn_sent, Some(120), "{tcp:?}");
    let (_, udp) = timeouts_of(&objs, "ctudp");
    assert_eq!(
        udp,
        Timeouts::Udp(ReplyTimeouts {
            unreplied: Some(7),
            replied: Some(9),
        })
    );

    // Ours, for protocols nft cannot write, and one of TCP.
    let mut tx = Transaction::new();
    let ours = [
        ("oicmp", Timeouts::Icmp(SingleTimeout { timeout: Some(11) })),
        (
            "ogeneric",
            Timeouts::Generic(SingleTimeout { timeout: Some(13) }),
        ),
        (
            "otcp",
            Timeouts::Tcp(TcpTimeouts {
                established: Some(1000),
                ..Default::default()
            }),
        ),
        (
            "oudp",
            Timeouts::Udp(ReplyTimeouts {
                unreplied: Some(3),
                replied: Some(4),
            }),
        ),
    ];
    for (name, t) in &ours {
        let data = ObjData::CtTimeout(CtTimeout::new(ProtoFamily::Ipv4, t.clone()));
        tx.add_obj(&Obj::new(ProtoFamily::Ipv4, "t", name, &data).unwrap())
            .unwrap();
    }
    nft.commit(&tx).unwrap();
    let objs = objects(&mut nft, ProtoFamily::Ipv4);
    for (name, want) in &ours {
        let (_, got) = timeouts_of(&objs, name);
        assert_eq!(got.proto(), want.proto(), "{name}");
        for (s, v) in want.iter() {
            if v.is_some() {
                assert_eq!(got.value(s.attr), v, "{name} {}", s.name);
            }
        }
    }
    let listed = support::sh("nft list ct timeout ip t oudp");
    assert!(listed.contains("ct timeout oudp {"), "{listed}");
    assert!(listed.contains("protocol udp"), "{listed}");
    assert!(listed.contains("l3proto ip"), "{listed}");
    assert!(
        listed.contains("policy = { unreplied : 3, replied : 4 }"),
        "{listed}"
    );
    let listed = support::sh("nft list ct timeout ip t otcp");
    assert!(listed.contains("established : 1000"), "{listed}");
    // nft 1.0.6 knows the states of tcp and udp only: it lists an icmp
    // policy with its protocol and an empty policy (what it prints, not
    // what the kernel holds: the read back above has the value).
    let listed = support::sh("nft list ct timeout ip t oicmp");
    assert!(listed.contains("ct timeout oicmp {"), "{listed}");
    assert!(listed.contains("protocol icmp"), "{listed}");
}

fn tunnel(id: u32) -> TunnelKey {
    TunnelKey {
        id: Some(id),
        ip: Some(TunnelIp {
            src: Some(Ipv4Addr::new(192, 0, 2, 1)),
            dst: Some(Ipv4Addr::new(192, 0, 2, 2)),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// Tunnel objects (nft 1.0.6 has no syntax for them) made here read back
/// typed, with what the kernel adds (every field, TTL 255, an empty
/// options nest); Geneve options go in as one flagged nest each and come
/// back in unflagged nests; a dumped object made a request again is taken.
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn tunnel_objects_round_trip() {
    let _ns = support::netns();
    let f = ProtoFamily::Netdev;
    let mut nft = Nft::open().unwrap();
    let mut tx = Transaction::new();
    tx.add_table(&Table::new(f, "x")).unwrap();
    let plain = tunnel(1);
    let vxlan = TunnelKey {
        dport: Some(4789),
        flags: Some(TunnelFlags::DONT_FRAGMENT | TunnelFlags::ZERO_CSUM_TX),
        tos: Some(8),
        ttl: Some(64),
        opts: Some(TunnelOpts(vec![TunnelOpt::Vxlan(TunnelVxlan {
            gbp: Some(200),
            ..Default::default()
        })])),
        ..tunnel(2)
    };
    let erspan6 = TunnelKey {
        id: Some(3),
        ip6: Some(TunnelIp6 {
            src: Some(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1)),
            dst: Some(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 2)),
            flowlabel: Some(0x12345),
            ..Default::default()
        }),
        opts: Some(TunnelOpts(vec![TunnelOpt::Erspan(TunnelErspan {
            version: Some(2),
            v2_hwid: Some(5),
            v2_dir: Some(1),
            ..Default::default()
        })])),
        ..Default::default()
    };
    let erspan1 = TunnelKey {
        opts: Some(TunnelOpts(vec![TunnelOpt::Erspan(TunnelErspan {
            version: Some(1),
            v1_index: Some(77),
            ..Default::default()
        })])),
        ..tunnel(4)
    };
    let gopt = |class, kind, data: &[u8]| {
        TunnelOpt::Geneve(Geneve {
            opts: vec![GeneveOpt {
                class,
                kind,
                data: data.to_vec(),
            }],
            ..Default::default()
        })
    };
    let geneve = TunnelKey {
        opts: Some(TunnelOpts(vec![
            gopt(0x102, 0x80, &[1, 2, 3, 4]),
            gopt(0x103, 1, &[5; 8]),
        ])),
        ..tunnel(5)
    };
    let made = [
        ("plain", &plain),
        ("vxlan", &vxlan),
        ("erspan6", &erspan6),
        ("erspan1", &erspan1),
        ("geneve", &geneve),
    ];
    for (name, t) in made {
        let o = Obj::new(f, "x", name, &ObjData::Tunnel(t.clone())).unwrap();
        tx.add_obj(&o).unwrap();
    }
    if let Err(e) = nft.commit(&tx) {
        if e.errno() == Some(nfnl_tables::Errno::ENOENT) {
            support::skip(
                "tunnel_objects_round_trip",
                &format!("this kernel has no tunnel objects: {e}"),
            );
            return;
        }
        panic!("{e}");
    }
    let objs = objects(&mut nft, f);
    let get = |name: &str| match objs.iter().find(|(n, _)| n == name) {
        Some((_, ObjData::Tunnel(t))) => t.clone(),
        o => panic!("{name}: {o:?}"),
    };
    let p = get("plain");
    assert_eq!(p.id, Some(1));
    assert_eq!(p.ip, plain.ip);
    // What the kernel reports for what was not given.
    assert_eq!(
        (p.sport, p.dport, p.tos, p.ttl),
        (Some(0), Some(0), Some(0), Some(255))
    );
    assert_eq!(p.flags, Some(TunnelFlags::empty()));
    assert_eq!(p.opts, Some(TunnelOpts::default()));
    let v = get("vxlan");
    assert_eq!(
        (v.dport, v.flags, v.tos, v.ttl, &v.opts),
        (vxlan.dport, vxlan.flags, vxlan.tos, vxlan.ttl, &vxlan.opts)
    );
    let e6 = get("erspan6");
    assert_eq!(e6.ip6, erspan6.ip6);
    assert_eq!(e6.ip, None);
    assert_eq!(e6.opts, erspan6.opts);
    let e1 = get("erspan1");
    assert_eq!(e1.opts, erspan1.opts);
    let g = get("geneve");
    let opts = g.opts.as_ref().unwrap();
    // One nest per option, without NLA_F_NESTED, in the dump.
    assert!(
        matches!(&opts.0[..], [TunnelOpt::Geneve(a), TunnelOpt::Geneve(b)] if !a.nested_flag && !b.nested_flag),
        "{opts:?}"
    );
    assert_eq!(
        opts.geneve().collect::<Vec<_>>(),
        geneve.opts.as_ref().unwrap().geneve().collect::<Vec<_>>()
    );

    // The dumped objects, made requests again, are taken under new names
    // and read back the same.
    let mut dumped = Vec::new();
    nft.dump_objs(f, Some("x"), |o| {
        dumped.push(o);
        ControlFlow::Continue(())
    })
    .unwrap();
    let mut tx = Transaction::new();
    for o in &dumped {
        let mut r = o.to_request();
        r.name = Some(format!("again-{}", o.name.as_deref().unwrap()));
        tx.add_obj(&r).unwrap();
    }
    nft.commit(&tx).unwrap();
    let again = objects(&mut nft, f);
    for (name, d) in &objs {
        let copy = again
            .iter()
            .find(|(n, _)| *n == format!("again-{name}"))
            .unwrap();
        assert_eq!(&copy.1, d, "{name}");
    }

    // A Geneve nest without NLA_F_NESTED is refused (the kernel parses it
    // strictly), as the dump writes it: why `to_request` exists.
    let mut tx = Transaction::new();
    let Some(TunnelOpt::Geneve(mut n)) = geneve.opts.as_ref().unwrap().0.first().cloned() else {
        unreachable!()
    };
    n.nested_flag = false;
    let bad = TunnelKey {
        opts: Some(TunnelOpts(vec![TunnelOpt::Geneve(n)])),
        ..tunnel(6)
    };
    tx.add_obj(&Obj::new(f, "x", "bad", &ObjData::Tunnel(bad)).unwrap())
        .unwrap();
    let e = nft.commit(&tx).unwrap_err();
    assert_eq!(e.errno(), Some(nfnl_tables::Errno::EINVAL), "{e}");
}

/// The `inner` expression (nft 1.0.6 has no syntax for it) built here is
/// taken by the kernel and reads back typed, byte for byte.
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn inner_expressions_round_trip() {
    let _ns = support::netns();
    let f = ProtoFamily::Inet;
    let mut nft = Nft::open().unwrap();
    let mut tx = Transaction::new();
    tx.add_table(&Table::new(f, "t")).unwrap();
    tx.add_chain(&Chain::base(f, "t", "in", "filter", 1, 0))
        .unwrap();
    let all = sys::NFT_INNER_HDRSIZE | sys::NFT_INNER_LL | sys::NFT_INNER_NH | sys::NFT_INNER_TH;
    let vxlan = |e: Expr| {
        Expr::Inner(Inner {
            num: Some(0),
            kind: Some(InnerType::VXLAN),
            flags: Some(all),
            hdrsize: Some(8),
            expr: Some(Box::new(e)),
            ..Default::default()
        })
    };
    // udp dport 4789 @inner(vxlan): meta l4proto tcp, and the inner IPv4
    // destination.
    let udp = [
        Expr::meta(MetaKey::L4PROTO, 1),
        Expr::cmp(CmpOp::EQ, 1, [17u8]),
        Expr::payload(PayloadBase::TRANSPORT, 2, 2, 1),
        Expr::cmp(CmpOp::EQ, 1, 4789u16.to_be_bytes()),
    ];
    let rules = [
        vec![
            vxlan(Expr::meta(MetaKey::L4PROTO, 1)),
            Expr::cmp(CmpOp::EQ, 1, [6u8]),
        ],
        vec![
            vxlan(Expr::payload(PayloadBase::NETWORK, 16, 4, 1)),
            Expr::cmp(CmpOp::EQ, 1, [10, 0, 0, 1]),
        ],
        vec![
            vxlan(Expr::payload(PayloadBase::TUN, 4, 3, 1)),
            Expr::cmp(CmpOp::EQ, 1, [0, 0, 42]),
        ],
    ];
    for r in &rules {
        let mut exprs = udp.to_vec();
        exprs.extend(r.iter().cloned());
        tx.add_rule(&Rule::new(f, "t", "in", exprs)).unwrap();
    }
    if let Err(e) = nft.commit(&tx) {
        if e.errno() == Some(nfnl_tables::Errno::ENOENT) {
            support::skip(
                "inner_expressions_round_trip",
                &format!("this kernel has no inner expression (Linux 6.2+): {e}"),
            );
            return;
        }
        panic!("{e}");
    }
    let mut got = Vec::new();
    let mut raw = Vec::new();
    nft.dump_raw(
        sys::NFT_MSG_GETRULE,
        f,
        |_| Ok(()),
        |m| {
            let r = Rule::decode(m)?;
            let mut w = Vec::new();
            r.encode(&mut w)?;
            raw.push((w, m.attr_bytes().to_vec()));
            got.push(r);
            Ok(ControlFlow::Continue(()))
        },
    )
    .unwrap();
    for (ours, kernel) in &raw {
        assert_eq!(ours, kernel);
    }
    assert_eq!(got.len(), rules.len());
    for (r, want) in got.iter().zip(&rules) {
        let exprs = &r.exprs.as_ref().unwrap().0;
        assert_eq!(&exprs[udp.len()..], &want[..], "{r:?}");
    }
    // An expression other than payload or meta is refused (EOPNOTSUPP:
    // it has no inner form).
    let mut tx = Transaction::new();
    tx.add_rule(&Rule::new(f, "t", "in", vec![vxlan(Expr::counter())]))
        .unwrap();
    let e = nft.commit(&tx).unwrap_err();
    assert_eq!(e.errno(), Some(nfnl_tables::Errno::EOPNOTSUPP), "{e}");
}

fn counter_of(e: &Element) -> Counter {
    match e.expr.as_deref() {
        Some(Expr::Counter(c)) => c.clone(),
        _ => match e.exprs.as_ref().map(|l| &l.0[..]) {
            Some([Expr::Counter(c)]) => c.clone(),
            _ => panic!("no counter: {e:?}"),
        },
    }
}

/// An element's counter counts pings; the reset returns the counts, and
/// `nft list set` shows zero afterwards. Both forms: the dump of every
/// element and the get of one.
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn element_counters_reset() {
    let _ns = support::netns();
    support::sh(
        "nft add table ip t; \
         nft add set ip t s '{ type ipv4_addr; counter; }'; \
         nft add element ip t s '{ 127.0.0.1, 127.0.0.2 }'; \
         nft add chain ip t out '{ type filter hook output priority 0; }'; \
         nft add rule ip t out ip daddr @s",
    );
    support::sh("ping -n -q -c 3 -W 1 127.0.0.1 >/dev/null; true");
    let listed = support::sh("nft list set ip t s");
    assert!(
        listed.contains("127.0.0.1 counter packets 6 bytes 504"),
        "{listed}"
    );
    let mut nft = Nft::open().unwrap();
    let f = ProtoFamily::Ipv4;
    let mut reset = Vec::new();
    match nft.dump_elements_reset(f, "t", "s", |e| {
        reset.extend(e.elements.unwrap().0);
        ControlFlow::Continue(())
    }) {
        Ok(()) => {}
        Err(e) if e.errno() == Some(nfnl_tables::Errno::EINVAL) => {
            support::skip(
                "element_counters_reset",
                &format!("this kernel has no element reset (Linux 6.5+): {e}"),
            );
            return;
        }
        Err(e) => panic!("{e}"),
    }
    let one = reset
        .iter()
        .find(|e| e.key == Some(Data::value([127, 0, 0, 1])))
        .unwrap();
    assert_eq!(
        (counter_of(one).packets, counter_of(one).bytes),
        (Some(6), Some(504))
    );
    let two = reset
        .iter()
        .find(|e| e.key == Some(Data::value([127, 0, 0, 2])))
        .unwrap();
    assert_eq!(counter_of(two).packets, Some(0));
    let listed = support::sh("nft list set ip t s");
    assert!(
        listed.contains("127.0.0.1 counter packets 0 bytes 0"),
        "{listed}"
    );

    // The get form: one element, its values before the reset.
    support::sh("ping -n -q -c 2 -W 1 127.0.0.1 >/dev/null; true");
    let probe = SetElems::new(f, "t", "s", vec![Element::new([127, 0, 0, 1])]);
    let got = nft.get_elements_reset(&probe).unwrap();
    let e = &got.elements.unwrap().0[0];
    assert_eq!(counter_of(e).packets, Some(4), "{e:?}");
    let after = nft.get_elements(&probe).unwrap();
    assert_eq!(counter_of(&after.elements.unwrap().0[0]).packets, Some(0));
    // Several elements in one get: one answer each, merged.
    support::sh("ping -n -q -c 1 -W 1 127.0.0.2 >/dev/null; true");
    let both = SetElems::new(
        f,
        "t",
        "s",
        vec![Element::new([127, 0, 0, 1]), Element::new([127, 0, 0, 2])],
    );
    let got = nft.get_elements_reset(&both).unwrap().elements.unwrap().0;
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(got[0].key, Some(Data::value([127, 0, 0, 1])));
    assert_eq!(got[1].key, Some(Data::value([127, 0, 0, 2])));
    // The request to .2 counts there, its reply (to .1) on .1.
    assert_eq!(counter_of(&got[0]).packets, Some(1), "{got:?}");
    assert_eq!(counter_of(&got[1]).packets, Some(1), "{got:?}");
    let got = nft.get_elements(&both).unwrap().elements.unwrap().0;
    assert!(
        got.iter().all(|e| counter_of(e).packets == Some(0)),
        "{got:?}"
    );
    let listed = support::sh("nft list set ip t s");
    assert!(
        listed.contains("127.0.0.1 counter packets 0 bytes 0"),
        "{listed}"
    );
    // An absent element: ENOENT, named.
    let absent = SetElems::new(f, "t", "s", vec![Element::new([127, 0, 0, 9])]);
    let e = nft.get_elements_reset(&absent).unwrap_err();
    assert!(e.is_not_found(), "{e}");
    assert!(e.to_string().contains("(and reset)"), "{e}");
}
