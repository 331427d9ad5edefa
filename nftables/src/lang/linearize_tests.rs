//! Unit tests of `json_in` + `linearize` on what nft 1.0.6 sends for the
//! same rules and objects (its `--debug=netlink` lines and `--debug=mnl`
//! attributes, observed on this machine): NAT maps of addresses and ports,
//! anonymous object maps, concatenated ranges, ct timeout and expectation
//! objects, meters, map data typed by its target, `tproxy` in inet tables,
//! constants in dynamic-set keys, element statements.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::ast::{Item, ObjBody};
use super::json_in::{self, Target};
use super::linearize::{LinRule, Linearizer};
use crate::data::Data;
use crate::object::{Element, ObjData, Set, SetFlags};

/// The commands of a document of `objects` (a listing's objects).
fn cmds(objects: &str) -> Vec<json_in::Command> {
    json_in::parse(&format!(r#"{{"nftables": [{objects}]}}"#)).unwrap()
}

/// One rule of `family` table `t` chain `c` with `expr`, linearized, after
/// the `before` objects (sets the rule uses).
fn rule_after(family: &str, before: &str, expr: &str) -> LinRule {
    let sep = if before.is_empty() { "" } else { "," };
    let c = cmds(&format!(
        r#"{before}{sep}{{"rule": {{"family": "{family}", "table": "t", "chain": "c", "expr": {expr}}}}}"#
    ));
    let Some(Target::Item(Item::Rule(r))) = c.last().map(|c| &c.target) else {
        panic!("not a rule")
    };
    Linearizer::new().rule(r).unwrap()
}

fn rule(family: &str, expr: &str) -> LinRule {
    rule_after(family, "", expr)
}

/// The rule's `[ ... ]` lines as nft's `--debug=netlink` prints them.
fn lines(r: &LinRule) -> Vec<String> {
    r.rule
        .exprs
        .as_ref()
        .unwrap()
        .0
        .iter()
        .map(|e| {
            format!(
                "[ {}]",
                crate::text::expr(e).unwrap_or_else(|| format!("{e:?} "))
            )
        })
        .collect()
}

/// The rule's only anonymous set and its elements.
fn only_set(r: &LinRule) -> (&Set, &[Element]) {
    assert_eq!(r.sets.len(), 1, "one anonymous set");
    let (s, e) = &r.sets[0];
    (s, e.elements.as_ref().map_or(&[][..], |l| l.0.as_slice()))
}

fn value(d: &Option<Data>) -> Vec<u8> {
    match d {
        Some(Data::Value(v)) => v.clone(),
        other => panic!("not a value: {other:?}"),
    }
}

const PRE: &str = "ip";

#[test]
fn nat_map_of_address_and_port_ranges() {
    // dnat ip to ip saddr . tcp dport map { 192.168.1.2 . 80 : 10.141.10.0/24 . 8888-8999 }
    let r = rule(
        PRE,
        r#"[{"dnat": {"family": "ip", "addr": {"map": {
            "key": {"concat": [{"payload": {"protocol": "ip", "field": "saddr"}},
                               {"payload": {"protocol": "tcp", "field": "dport"}}]},
            "data": {"set": [[{"concat": ["192.168.1.2", 80]},
                {"concat": [{"prefix": {"addr": "10.141.10.0", "len": 24}}, {"range": [8888, 8999]}]}]]}}}}}]"#,
    );
    assert_eq!(
        lines(&r),
        [
            "[ meta load l4proto => reg 1 ]",
            "[ cmp eq reg 1 0x00000006 ]",
            "[ payload load 4b @ network header + 12 => reg 1 ]",
            "[ payload load 2b @ transport header + 2 => reg 9 ]",
            "[ lookup reg 1 set __map%d dreg 1 0x0 ]",
            "[ nat dnat ip addr_min reg 1 addr_max reg 10 proto_min reg 9 proto_max reg 11 ]",
        ]
    );
    let (set, elems) = only_set(&r);
    // ipv4_addr . inet_service, 16 bytes: both starts, then both ends.
    assert_eq!(set.data_type, Some(461));
    assert_eq!(set.data_len, Some(16));
    // The key's typeof (ip saddr . tcp dport) between the byte orders and
    // the data's flag, as `nft --debug=mnl` shows nft 1.0.6 writing it.
    assert_eq!(
        set.userdata.as_deref(),
        Some(
            &[
                0u8, 4, 0, 0, 0, 0, 1, 4, 0, 0, 0, 0, 3, 0x34, 0, 4, 0x0d, 0, 0, 0, 1, 0x2c, 0,
                0x14, 0, 4, 7, 0, 0, 0, 1, 0x0c, 0, 4, 0x0c, 0, 0, 0, 1, 4, 0x0b, 0, 0, 0, 1, 0x14,
                0, 4, 7, 0, 0, 0, 1, 0x0c, 0, 4, 8, 0, 0, 0, 1, 4, 2, 0, 0, 0, 6, 4, 1, 0, 0, 0,
            ][..]
        )
    );
    assert_eq!(value(&elems[0].key), [192, 168, 1, 2, 0, 80, 0, 0]);
    assert_eq!(
        value(&elems[0].data),
        [10, 141, 10, 0, 0x22, 0xb8, 0, 0, 10, 141, 10, 255, 0x23, 0x27, 0, 0]
    );
}

#[test]
fn nat_map_of_address_and_port() {
    // meta l4proto tcp dnat ip to ip saddr map { 192.168.1.2 : 10.141.10.3 . 8888 }
    let r = rule(
        PRE,
        r#"[{"match": {"op": "==", "left": {"meta": {"key": "l4proto"}}, "right": "tcp"}},
            {"dnat": {"family": "ip", "addr": {"map": {"key": {"payload": {"protocol": "ip", "field": "saddr"}},
            "data": {"set": [["192.168.1.2", {"concat": ["10.141.10.3", 8888]}]]}}}}}]"#,
    );
    assert_eq!(
        lines(&r)[2..],
        [
            "[ payload load 4b @ network header + 12 => reg 1 ]",
            "[ lookup reg 1 set __map%d dreg 1 0x0 ]",
            "[ nat dnat ip addr_min reg 1 proto_min reg 9 ]",
        ]
    );
    let (set, elems) = only_set(&r);
    assert_eq!((set.data_type, set.data_len), (Some(461), Some(8)));
    assert_eq!(value(&elems[0].data), [10, 141, 10, 3, 0x22, 0xb8, 0, 0]);
}

#[test]
fn nat_map_of_address_ranges() {
    // snat ip to ip saddr map { 10.141.11.4 : 192.168.2.2-192.168.2.4 }
    let r = rule(
        PRE,
        r#"[{"snat": {"family": "ip", "addr": {"map": {"key": {"payload": {"protocol": "ip", "field": "saddr"}},
            "data": {"set": [["10.141.11.4", {"range": ["192.168.2.2", "192.168.2.4"]}]]}}}}}]"#,
    );
    assert_eq!(
        lines(&r)[2],
        "[ nat snat ip addr_min reg 1 addr_max reg 9 ]"
    );
    let (set, elems) = only_set(&r);
    assert_eq!((set.data_type, set.data_len), (Some(7), Some(8)));
    assert_eq!(
        set.userdata.as_deref(),
        Some(&[0u8, 4, 2, 0, 0, 0, 1, 4, 2, 0, 0, 0, 6, 4, 1, 0, 0, 0][..])
    );
    assert_eq!(value(&elems[0].data), [192, 168, 2, 2, 192, 168, 2, 4]);
    // A named map of them: the statement reads its data the same way.
    let r = rule_after(
        PRE,
        r#"{"map": {"family": "ip", "name": "y", "table": "t", "type": "ipv4_addr",
            "map": "ipv4_addr . inet_service", "elem": [["192.168.7.2", {"concat": ["10.1.1.1", 4242]}]]}}"#,
        r#"[{"dnat": {"family": "ip", "addr": {"map": {"key": {"payload": {"protocol": "ip", "field": "saddr"}}, "data": "@y"}}}}]"#,
    );
    assert_eq!(
        lines(&r)[2],
        "[ nat dnat ip addr_min reg 1 proto_min reg 9 ]"
    );
}

#[test]
fn anonymous_object_map() {
    // counter name tcp dport map { 443 : "cnt1", 80 : "cnt2" }
    let r = rule(
        PRE,
        r#"[{"counter": {"map": {"key": {"payload": {"protocol": "tcp", "field": "dport"}},
            "data": {"set": [[80, "cnt2"], [443, "cnt1"]]}}}}]"#,
    );
    assert_eq!(
        lines(&r)[2..],
        [
            "[ payload load 2b @ transport header + 2 => reg 1 ]",
            "[ objref sreg 1 set __objmap%d ]",
        ]
    );
    let (set, elems) = only_set(&r);
    assert_eq!(set.name.as_deref(), Some("__objmap%d"));
    assert_eq!(
        set.flags,
        Some(SetFlags::ANONYMOUS | SetFlags::CONSTANT | SetFlags::OBJECT)
    );
    assert_eq!(
        (set.key_type, set.key_len, set.obj_type),
        (Some(13), Some(2), Some(1))
    );
    assert_eq!(
        set.userdata.as_deref(),
        Some(&[0u8, 4, 2, 0, 0, 0, 6, 4, 0, 0, 0, 0][..])
    );
    assert_eq!(elems[1].objref.as_deref(), Some("cnt2"));
    assert_eq!(value(&elems[1].key), [0, 80]);
}

#[test]
fn concatenated_ranges_compare_in_network_order_as_given() {
    // ip saddr . meta mark { 1.2.3.4 . 0x100, 1.2.3.6-1.2.3.8 . 0x200-0x300 }
    let r = rule(
        "inet",
        r#"[{"match": {"op": "==", "left": {"concat": [{"payload": {"protocol": "ip", "field": "saddr"}}, {"meta": {"key": "mark"}}]},
            "right": {"set": [{"concat": ["1.2.3.4", 256]},
                              {"concat": [{"range": ["1.2.3.6", "1.2.3.8"]}, {"range": [512, 768]}]}]}}}]"#,
    );
    assert_eq!(
        lines(&r)[2..],
        [
            "[ payload load 4b @ network header + 12 => reg 1 ]",
            "[ meta load mark => reg 9 ]",
            "[ byteorder reg 9 = hton(reg 9, 4, 4) ]",
            "[ lookup reg 1 set __set%d 0x0 ]",
        ]
    );
    let (_, elems) = only_set(&r);
    let got: Vec<(Vec<u8>, Vec<u8>)> = elems
        .iter()
        .map(|e| (value(&e.key), value(&e.key_end)))
        .collect();
    assert_eq!(
        got,
        [
            (vec![1, 2, 3, 4, 0, 0, 1, 0], vec![1, 2, 3, 4, 0, 0, 1, 0]),
            (vec![1, 2, 3, 6, 0, 0, 2, 0], vec![1, 2, 3, 8, 0, 0, 3, 0]),
        ]
    );
}

#[test]
fn map_data_is_as_wide_and_ordered_as_its_target() {
    // ct zone set meta mark map { 1 : 1, 2 : 2 }: 2-byte host-order data.
    let r = rule(
        PRE,
        r#"[{"mangle": {"key": {"ct": {"key": "zone"}}, "value": {"map": {"key": {"meta": {"key": "mark"}},
            "data": {"set": [[1, 1], [2, 2]]}}}}}]"#,
    );
    let (set, elems) = only_set(&r);
    assert_eq!(set.data_len, Some(2));
    assert_eq!(
        set.userdata.as_deref(),
        Some(&[0u8, 4, 1, 0, 0, 0, 1, 4, 1, 0, 0, 0, 6, 4, 0, 0, 0, 0][..])
    );
    assert_eq!(value(&elems[1].data), [1, 0]);
}

#[test]
fn ct_timeout_and_expectation_objects() {
    let c = cmds(
        r#"{"ct timeout": {"family": "ip", "name": "x", "table": "t", "protocol": "udp",
            "l3proto": "ip", "policy": {"replied": 14}}},
           {"ct expectation": {"family": "ip", "name": "e", "table": "t", "protocol": "tcp",
            "dport": 1234, "timeout": 120000, "size": 12, "l3proto": "ip"}}"#,
    );
    let obj = |i: usize| {
        let Target::Item(Item::Obj(o)) = &c[i].target else {
            panic!("not an object")
        };
        assert!(matches!(
            o.obj,
            ObjBody::CtTimeout { .. } | ObjBody::CtExpect { .. }
        ));
        Linearizer::new().obj(o).unwrap().data().unwrap().unwrap()
    };
    // nft sends every state (its defaults for those not given) and no
    // l3proto when it is the table's family.
    let Some(ObjData::CtTimeout(t)) = Some(obj(0)) else {
        panic!("not a ct timeout")
    };
    assert_eq!(t.l3proto, None);
    let attrs: Vec<(u16, u32)> = t.timeouts.as_ref().unwrap().attrs().collect();
    assert_eq!(attrs, [(1, 30), (2, 14)]);
    let Some(ObjData::CtExpect(e)) = Some(obj(1)) else {
        panic!("not a ct expectation")
    };
    assert_eq!(
        (e.l3proto, e.l4proto, e.dport, e.size),
        (None, Some(6), Some(1234), Some(12))
    );
    // The timeout goes in host byte order (c0 d4 01 00 on this machine).
    let mut w = Vec::new();
    e.encode_area(&mut w).unwrap();
    let ms = 120_000u32.to_ne_bytes();
    assert!(w.windows(4).any(|x| x == ms), "{w:?}");
}

#[test]
fn meter_is_a_dynamic_anonymous_set() {
    // meter xyz size 8192 { ip saddr timeout 30s counter }
    let r = rule(
        PRE,
        r#"[{"meter": {"key": {"elem": {"val": {"payload": {"protocol": "ip", "field": "saddr"}}, "timeout": 30}},
            "stmt": {"counter": null}, "size": 8192, "name": "xyz"}}]"#,
    );
    assert_eq!(
        lines(&r),
        [
            "[ payload load 4b @ network header + 12 => reg 1 ]",
            "[ dynset update reg_key 1 set xyz timeout 30000ms expr [ counter pkts 0 bytes 0 ] ]",
        ]
    );
    let (set, elems) = only_set(&r);
    assert_eq!(set.name.as_deref(), Some("xyz"));
    assert_eq!(
        set.flags,
        Some(SetFlags::ANONYMOUS | SetFlags::TIMEOUT | SetFlags::EVAL)
    );
    assert_eq!(set.desc.as_ref().and_then(|d| d.size), Some(8192));
    assert!(elems.is_empty());
    // Without a timeout: `dynset add`, no NFT_SET_TIMEOUT.
    let r = rule(
        PRE,
        r#"[{"meter": {"key": {"payload": {"protocol": "ip", "field": "saddr"}},
            "stmt": {"limit": {"rate": 10, "burst": 5, "per": "second"}}, "size": 1024, "name": "f"}}]"#,
    );
    assert_eq!(
        lines(&r)[1],
        "[ dynset add reg_key 1 set f expr [ limit rate 10/second burst 5 type packets flags 0x0 ] ]"
    );
    assert_eq!(
        only_set(&r).0.flags,
        Some(SetFlags::ANONYMOUS | SetFlags::EVAL)
    );
}

#[test]
fn small_statements() {
    // tproxy to :50080 in an inet table: no family (NFPROTO_UNSPEC).
    assert_eq!(
        lines(&rule("inet", r#"[{"tproxy": {"port": 50080}}]"#)),
        ["[ immediate reg 1 0x0000a0c3 ]", "[ tproxy port reg 1 ]",]
    );
    // ip daddr 0.0.0.0/0: a whole load masked to nothing.
    assert_eq!(
        lines(&rule(
            PRE,
            r#"[{"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "daddr"}},
                "right": {"prefix": {"addr": "0.0.0.0", "len": 0}}}}]"#
        )),
        [
            "[ payload load 4b @ network header + 16 => reg 1 ]",
            "[ bitwise reg 1 = ( reg 1 & 0x00000000 ) ^ 0x00000000 ]",
            "[ cmp eq reg 1 0x00000000 ]",
        ]
    );
    // A constant in a dynamic set's key, typed by the set.
    let r = rule_after(
        "inet",
        r#"{"set": {"family": "inet", "name": "s", "table": "t", "type": ["ipv4_addr", "inet_service"],
            "flags": ["timeout"]}}"#,
        r#"[{"set": {"op": "add", "elem": {"elem": {"val": {"concat": [
            {"payload": {"protocol": "ip", "field": "saddr"}}, 22]}, "timeout": 60}}, "set": "@s"}}]"#,
    );
    assert_eq!(
        lines(&r)[2..],
        [
            "[ payload load 4b @ network header + 12 => reg 1 ]",
            "[ immediate reg 9 0x00001600 ]",
            "[ dynset add reg_key 1 set s timeout 60000ms ]",
        ]
    );
    // `last`, never matched (nft 1.0.6 cannot write it: the kernel's
    // `last` without attributes), and matched 5 s ago.
    let last = |j: &str| match &rule(PRE, j).rule.exprs.as_ref().unwrap().0[..] {
        [crate::expr::Expr::Last(l)] => (l.set, l.msecs),
        other => panic!("{other:?}"),
    };
    assert_eq!(last(r#"[{"last": null}]"#), (None, None));
    assert_eq!(last(r#"[{"last": {"used": 5000}}]"#), (Some(1), Some(5000)));
}

#[test]
fn element_statements_of_map_elements() {
    let c = cmds(
        r#"{"map": {"family": "inet", "name": "m", "table": "t", "type": "inet_service", "map": "verdict",
            "elem": [[{"elem": {"val": 22, "counter": {"packets": 0, "bytes": 0}}}, {"accept": null}]]}},
           {"set": {"family": "inet", "name": "s", "table": "t", "type": "ipv4_addr",
            "elem": [{"elem": {"val": "1.2.3.4", "limit": {"rate": 1, "per": "second"}}}]}}"#,
    );
    for (i, what) in [(0, "counter"), (1, "limit")] {
        let Target::Item(Item::Set(s)) = &c[i].target else {
            panic!("not a set")
        };
        let (_, e) = Linearizer::new().set(s).unwrap();
        let el = &e.elements.as_ref().unwrap().0[0];
        assert_eq!(el.expr.as_ref().map(|x| x.name()), Some(what));
        if i == 0 {
            assert_eq!(value(&el.key), [0, 22]);
            assert!(el.data.is_some());
        }
    }
}

#[test]
fn what_cannot_be_linearized_names_the_command() {
    // An anonymous chain (nft prints it as a string): command 1, the statement.
    let e = json_in::parse(
        r#"{"nftables": [{"metainfo": {}}, {"rule": {"family": "inet", "table": "t", "chain": "c",
            "expr": [{"counter": null}, "jump { accept }"]}}]}"#,
    )
    .unwrap_err();
    let s = e.to_string();
    assert!(
        s.starts_with("command 1 (add rule inet t c): statement 2"),
        "{s}"
    );
}

#[test]
fn flowtable_and_flow_offload() {
    // add flowtable ip t f { hook ingress priority 10; devices = { lo }; }:
    // the attributes nft sent (its --debug=mnl; this kernel has no
    // flowtables, so the namespace tests cannot load one).
    let c = cmds(
        r#"{"flowtable": {"family": "ip", "name": "f", "table": "t", "handle": 2,
            "hook": "ingress", "prio": 10, "dev": "lo"}}"#,
    );
    let Target::Item(Item::Flowtable(f)) = &c[0].target else {
        panic!("not a flowtable")
    };
    let ours = Linearizer::new().flowtable(f).unwrap();
    let nft: &[u8] = &[
        6, 0, 1, 0, b't', 0, 0, 0, // NFTA_FLOWTABLE_TABLE
        6, 0, 2, 0, b'f', 0, 0, 0, // NFTA_FLOWTABLE_NAME
        32, 0, 3, 0x80, // NFTA_FLOWTABLE_HOOK
        8, 0, 1, 0, 0, 0, 0, 0, // HOOK_NUM: NF_NETDEV_INGRESS
        8, 0, 2, 0, 0, 0, 0, 10, // HOOK_PRIORITY
        12, 0, 3, 0x80, 7, 0, 1, 0, b'l', b'o', 0, 0, // HOOK_DEVS
        8, 0, 7, 0, 0, 0, 0, 0, // NFTA_FLOWTABLE_FLAGS
    ];
    let mut theirs = crate::object::Flowtable::decode_area(nft).unwrap();
    theirs.family = ours.family;
    assert_eq!(ours, theirs);
    // flow add @f
    assert_eq!(
        lines(&rule(
            PRE,
            r#"[{"flow": {"op": "add", "flowtable": "@f"}}]"#
        )),
        ["[ flow_offload flowtable f ]"]
    );
}

#[test]
fn map_update_statement() {
    // update @m { ip saddr timeout 10s : 0x2 } (nft 1.0.6 lists it as a
    // string; libnftables' JSON schema writes it as a "map" statement).
    let r = rule_after(
        PRE,
        r#"{"map": {"family": "ip", "name": "m", "table": "t", "type": "ipv4_addr", "map": "mark",
            "flags": ["timeout"]}}"#,
        r#"[{"map": {"op": "update", "elem": {"elem": {"val": {"payload": {"protocol": "ip", "field": "saddr"}},
            "timeout": 10}}, "data": 2, "map": "@m"}}]"#,
    );
    assert_eq!(
        lines(&r),
        [
            "[ payload load 4b @ network header + 12 => reg 1 ]",
            "[ immediate reg 2 0x00000002 ]",
            "[ dynset update reg_key 1 set m sreg_data 2 timeout 10000ms ]",
        ]
    );
}

#[test]
fn concatenation_with_an_integer_field_carries_its_typeof() {
    // ether saddr . vlan id { 0a:0b:0c:0d:0e:0f . 42 }: nft writes the key's
    // expressions (without them nft cannot list the set: an integer field
    // has no width of its own).
    let r = rule(
        "bridge",
        r#"[{"match": {"op": "==", "left": {"concat": [{"payload": {"protocol": "ether", "field": "saddr"}},
            {"payload": {"protocol": "vlan", "field": "id"}}]},
            "right": {"set": [{"concat": ["0a:0b:0c:0d:0e:0f", 42]}]}}}]"#,
    );
    let (set, _) = only_set(&r);
    assert_eq!(
        set.userdata.as_deref(),
        Some(
            &[
                0u8, 4, 0, 0, 0, 0, 3, 0x3a, 0, 4, 0x0d, 0, 0, 0, 1, 0x32, 0, 0x14, 0, 4, 7, 0, 0,
                0, 1, 0x0c, 0, 4, 0x11, 0, 0, 0, 1, 4, 2, 0, 0, 0, 1, 0x1a, 0, 4, 7, 0, 0, 0, 1,
                0x12, 0, 4, 0x10, 0, 0, 0, 1, 4, 4, 0, 0, 0, 4, 4, 0x0c, 0, 0, 0,
            ][..]
        )
    );
    // udp length . @th,160,128 vmap { ... }: a raw field, and a verdict
    // map's data expression with it.
    let r = rule(
        "inet",
        r#"[{"vmap": {"key": {"concat": [{"payload": {"protocol": "udp", "field": "length"}},
            {"payload": {"base": "th", "offset": 160, "len": 128}}]},
            "data": {"set": [[{"concat": [{"range": [47, 63]}, "0xe373135363130333131303735353203"]}, {"accept": null}]]}}}]"#,
    );
    let (set, elems) = only_set(&r);
    assert_eq!(
        set.userdata.as_deref(),
        Some(
            &[
                0u8, 4, 0, 0, 0, 0, 1, 4, 0, 0, 0, 0, 3, 0x4c, 0, 4, 0x0d, 0, 0, 0, 1, 0x44, 0,
                0x1a, 0, 4, 7, 0, 0, 0, 1, 0x12, 0, 4, 6, 0, 0, 0, 1, 4, 3, 0, 0, 0, 4, 4, 0x10, 0,
                0, 0, 1, 0x26, 0, 4, 7, 0, 0, 0, 1, 0x1e, 0, 4, 0, 0, 0, 0, 1, 4, 0, 0, 0, 0, 2, 4,
                3, 0, 0, 0, 3, 4, 0xa0, 0, 0, 0, 4, 4, 0x80, 0, 0, 0, 4, 8, 0, 4, 1, 0, 0, 0, 1, 0,
                6, 4, 0, 0, 0, 0,
            ][..]
        )
    );
    let key = value(&elems[0].key);
    assert_eq!(key[..4], [0, 47, 0, 0]);
    assert_eq!(value(&elems[0].key_end)[..4], [0, 63, 0, 0]);
    // Fixed-width fields only: nft 1.0.6 writes the typeof too (observed
    // with `nft --debug=mnl`: the same 60 bytes).
    let r = rule(
        PRE,
        r#"[{"match": {"op": "==", "left": {"concat": [{"payload": {"protocol": "ip", "field": "saddr"}},
            {"payload": {"protocol": "tcp", "field": "dport"}}]}, "right": {"set": [{"concat": ["1.1.1.1", 22]}]}}}]"#,
    );
    assert_eq!(
        only_set(&r).0.userdata.as_deref(),
        Some(
            &[
                0u8, 4, 0, 0, 0, 0, 3, 0x34, 0, 4, 0x0d, 0, 0, 0, 1, 0x2c, 0, 0x14, 0, 4, 7, 0, 0,
                0, 1, 0x0c, 0, 4, 0x0c, 0, 0, 0, 1, 4, 0x0b, 0, 0, 0, 1, 0x14, 0, 4, 7, 0, 0, 0, 1,
                0x0c, 0, 4, 8, 0, 0, 0, 1, 4, 2, 0, 0, 0,
            ][..]
        )
    );
}

#[test]
fn vlan_headers_as_dependencies_and_stacked() {
    // ether type 8021q ip protocol icmp: ip behind the VLAN header.
    assert_eq!(
        lines(&rule(
            "bridge",
            r#"[{"match": {"op": "==", "left": {"payload": {"protocol": "ether", "field": "type"}}, "right": "8021q"}},
                {"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "protocol"}}, "right": "icmp"}}]"#
        )),
        [
            "[ payload load 2b @ link header + 12 => reg 1 ]",
            "[ cmp eq reg 1 0x00000081 ]",
            "[ payload load 2b @ link header + 16 => reg 1 ]",
            "[ cmp eq reg 1 0x00000008 ]",
            "[ payload load 1b @ network header + 9 => reg 1 ]",
            "[ cmp eq reg 1 0x00000001 ]",
        ]
    );
    // ether type 8021ad vlan id 1 vlan type 8021q vlan id 2 ip protocol 6
    let m = |l: &str, r: &str| {
        format!(
            r#"{{"match": {{"op": "==", "left": {{"payload": {{"protocol": {l}}}}}, "right": {r}}}}}"#
        )
    };
    let expr = format!(
        "[{}, {}, {}, {}, {}]",
        m(r#""ether", "field": "type""#, r#""8021ad""#),
        m(r#""vlan", "field": "id""#, "1"),
        m(r#""vlan", "field": "type""#, r#""8021q""#),
        m(r#""vlan", "field": "id""#, "2"),
        m(r#""ip", "field": "protocol""#, r#""tcp""#),
    );
    assert_eq!(
        lines(&rule("bridge", &expr)),
        [
            "[ payload load 2b @ link header + 12 => reg 1 ]",
            "[ cmp eq reg 1 0x0000a888 ]",
            "[ payload load 2b @ link header + 14 => reg 1 ]",
            "[ bitwise reg 1 = ( reg 1 & 0x0000ff0f ) ^ 0x00000000 ]",
            "[ cmp eq reg 1 0x00000100 ]",
            "[ payload load 2b @ link header + 16 => reg 1 ]",
            "[ cmp eq reg 1 0x00000081 ]",
            "[ payload load 2b @ link header + 18 => reg 1 ]",
            "[ bitwise reg 1 = ( reg 1 & 0x0000ff0f ) ^ 0x00000000 ]",
            "[ cmp eq reg 1 0x00000200 ]",
            "[ payload load 2b @ link header + 20 => reg 1 ]",
            "[ cmp eq reg 1 0x00000008 ]",
            "[ payload load 1b @ network header + 9 => reg 1 ]",
            "[ cmp eq reg 1 0x00000006 ]",
        ]
    );
}

#[test]
fn interface_wildcards_make_an_interval_set() {
    // iifname { "abcdef*", "eth0" }: nft's five interval elements.
    let r = rule(
        "inet",
        r#"[{"match": {"op": "==", "left": {"meta": {"key": "iifname"}}, "right": {"set": ["abcdef*", "eth0"]}}}]"#,
    );
    let (set, elems) = only_set(&r);
    assert_eq!(
        set.flags,
        Some(SetFlags::ANONYMOUS | SetFlags::CONSTANT | SetFlags::INTERVAL)
    );
    let pad = |s: &[u8], last: u8| {
        let mut v = s.to_vec();
        v.resize(16, 0);
        v[15] |= last;
        v
    };
    let got: Vec<(Vec<u8>, bool)> = elems
        .iter()
        .map(|e| (value(&e.key), e.flags.is_some()))
        .collect();
    assert_eq!(
        got,
        [
            (vec![0; 16], true),
            (pad(b"abcdef", 0), false),
            (pad(b"abcdeg", 0), true),
            (pad(b"eth0", 0), false),
            (pad(b"eth0", 1), true),
        ]
    );
}

#[test]
fn named_concatenated_ranges_and_several_statements() {
    let c = cmds(
        r#"{"set": {"family": "ip", "name": "s2", "table": "t", "type": ["ipv4_addr", "mark"],
            "flags": ["interval"], "elem": [{"concat": ["10.10.10.10", 256]}]}},
           {"set": {"family": "ip", "name": "y", "table": "t", "type": "ipv4_addr",
            "stmt": [{"limit": {"rate": 1, "per": "second"}}, {"counter": null}],
            "elem": [{"elem": {"val": "1.1.1.1", "limit": {"rate": 1, "per": "second"}}}]}},
           {"rule": {"family": "ip", "table": "t", "chain": "c", "expr": [{"match": {"op": "==",
            "left": {"concat": [{"payload": {"protocol": "ip", "field": "saddr"}}, {"meta": {"key": "mark"}}]},
            "right": "@s2"}}]}},
           {"rule": {"family": "ip", "table": "t", "chain": "c", "expr": [{"set": {"op": "update",
            "elem": {"payload": {"protocol": "ip", "field": "daddr"}}, "set": "@y",
            "stmt": [{"limit": {"rate": 1, "per": "second"}}, {"counter": null}]}}]}}"#,
    );
    let mut lz = Linearizer::new();
    let set = |lz: &mut Linearizer, i: usize| {
        let Target::Item(Item::Set(s)) = &c[i].target else {
            panic!("not a set")
        };
        lz.set(s).unwrap()
    };
    // Concatenated ranges in network order, the lookup converting the key.
    let (_, e) = set(&mut lz, 0);
    let el = &e.elements.as_ref().unwrap().0[0];
    assert_eq!(value(&el.key), [10, 10, 10, 10, 0, 0, 1, 0]);
    // Several statements: NFT_SET_EXPR; the element gets the set's.
    let (s, e) = set(&mut lz, 1);
    assert!(s.flags.unwrap().contains(SetFlags::EXPR));
    let el = &e.elements.as_ref().unwrap().0[0];
    assert!(el.expr.is_none() && el.exprs.is_none());
    let rule = |lz: &mut Linearizer, i: usize| {
        let Target::Item(Item::Rule(r)) = &c[i].target else {
            panic!("not a rule")
        };
        lz.rule(r).unwrap()
    };
    assert_eq!(
        lines(&rule(&mut lz, 2)),
        [
            "[ payload load 4b @ network header + 12 => reg 1 ]",
            "[ meta load mark => reg 9 ]",
            "[ byteorder reg 9 = hton(reg 9, 4, 4) ]",
            "[ lookup reg 1 set s2 0x0 ]",
        ]
    );
    // A dynset with several statements: NFT_DYNSET_F_EXPR.
    let r = rule(&mut lz, 3);
    let Some(crate::expr::Expr::Dynset(d)) = r.rule.exprs.as_ref().unwrap().0.last() else {
        panic!("no dynset")
    };
    assert_eq!(d.flags, Some(2));
    assert_eq!(d.exprs.as_ref().map(|l| l.0.len()), Some(2));
}

#[test]
fn elements_of_an_interval_set_are_ranges() {
    // `add element` to an interval set the file declares: start and end.
    let c = cmds(
        r#"{"add": {"set": {"family": "ip", "name": "s", "table": "t", "type": "ipv4_addr",
            "flags": ["interval"]}}},
           {"add": {"element": {"family": "ip", "name": "s", "table": "t", "elem": ["1.2.3.4"]}}},
           {"add": {"element": {"family": "ip", "name": "s", "table": "t",
            "elem": [{"prefix": {"addr": "10.0.0.0", "len": 8}}]}}}"#,
    );
    for (i, want) in [
        (
            1,
            vec![
                (vec![0, 0, 0, 0], true),
                (vec![1, 2, 3, 4], false),
                (vec![1, 2, 3, 5], true),
            ],
        ),
        (
            2,
            vec![
                (vec![0, 0, 0, 0], true),
                (vec![10, 0, 0, 0], false),
                (vec![11, 0, 0, 0], true),
            ],
        ),
    ] {
        let Target::Elements(s) = &c[i].target else {
            panic!("not elements")
        };
        assert!(s.flags.contains(&"interval"));
        let (_, e) = Linearizer::new().set(s).unwrap();
        let got: Vec<(Vec<u8>, bool)> = e
            .elements
            .unwrap()
            .0
            .iter()
            .map(|e| (value(&e.key), e.flags.is_some()))
            .collect();
        assert_eq!(got, want);
    }
}

#[test]
fn bad_input_of_the_new_forms_is_an_error() {
    for (expr, what) in [
        (
            r#"[{"meter": {"key": {"payload": {"protocol": "ip", "field": "saddr"}}}}]"#,
            "name",
        ),
        (
            r#"[{"snat": {"addr": {"map": {"key": {"payload": {"protocol": "ip", "field": "saddr"}}, "data": 3}}}}]"#,
            "not an object",
        ),
        (
            r#"[{"counter": {"map": {"key": {"meta": {"key": "mark"}}, "data": {"set": 1}}}}]"#,
            "object map",
        ),
        (
            r#"[{"map": {"op": "update", "elem": {"payload": {"protocol": "ip", "field": "saddr"}}, "data": 1, "map": "@nope"}}]"#,
            "unknown",
        ),
        (
            r#"[{"flow": {"op": "del", "flowtable": "@f"}}]"#,
            "flow operation",
        ),
        (r#"[{"last": {"used": "x"}}]"#, "used"),
    ] {
        let doc = format!(
            r#"{{"nftables": [{{"rule": {{"family": "ip", "table": "t", "chain": "c", "expr": {expr}}}}}]}}"#
        );
        let e = json_in::parse(&doc).expect_err(expr).to_string();
        assert!(
            e.starts_with("command 0 (add rule ip t c): statement 1"),
            "{e}"
        );
        assert!(e.contains(what), "{expr}: {e}");
    }
    let bad_objects = [
        r#"{"ct timeout": {"family": "ip", "name": "x", "table": "t", "protocol": "tcp", "policy": {"nope": 1}}}"#,
        r#"{"ct expectation": {"family": "ip", "name": "e", "table": "t", "protocol": "tcp"}}"#,
        r#"{"flowtable": {"family": "ip", "name": "f", "table": "t", "hook": "input"}}"#,
    ];
    for o in bad_objects {
        let r = json_in::parse(&format!(r#"{{"nftables": [{o}]}}"#))
            .and_then(|c| json_in::transaction(&c).map(|_| ()));
        let e = r.expect_err(o).to_string();
        assert!(e.starts_with("command 0 ("), "{e}");
    }
}

#[test]
fn malformed_declarations_are_errors_not_panics() {
    // A map whose data type is not a name; an unaligned raw payload of 128
    // bits (its mask would need 17 bytes); absurdly stacked VLAN headers.
    let map =
        r#"{"map": {"family": "ip", "name": "m", "table": "t", "type": "ipv4_addr", "map": 7}}"#;
    let c = cmds(map);
    let Target::Item(Item::Set(s)) = &c[0].target else {
        panic!("not a map")
    };
    assert!(Linearizer::new().set(s).is_err());
    let raw = r#"{"rule": {"family": "ip", "table": "t", "chain": "c", "expr": [{"match": {"op": "==",
        "left": {"payload": {"base": "nh", "offset": 4, "len": 128}}, "right": 1}}]}}"#;
    let c = cmds(raw);
    let Target::Item(Item::Rule(r)) = &c[0].target else {
        panic!("not a rule")
    };
    assert!(Linearizer::new().rule(r).is_err());
    let vlan = r#"{"match": {"op": "==", "left": {"payload": {"protocol": "vlan", "field": "type"}}, "right": "8021q"}}"#;
    let expr = format!("[{}]", vec![vlan; 40].join(","));
    let c = cmds(&format!(
        r#"{{"rule": {{"family": "bridge", "table": "t", "chain": "c", "expr": {expr}}}}}"#
    ));
    let Target::Item(Item::Rule(r)) = &c[0].target else {
        panic!("not a rule")
    };
    assert!(Linearizer::new().rule(r).is_err());
}
