//! From nft's statements to the kernel's expressions ("linearize", as nft
//! 1.0.6 does it): the other direction of [`delinearize`](super::delinearize).
//!
//! A [`Linearizer`] turns the syntax tree's tables, chains, sets (with
//! their elements: interval sets get the start and end elements nft
//! sends), stateful objects and rules into this crate's kernel objects,
//! ready for a [`Transaction`](crate::Transaction). A rule's statements
//! become the expressions nft generates for them: implicit dependencies
//! (`meta l4proto tcp` before `tcp dport`, `meta nfproto ipv4` before `ip
//! saddr` in an inet table), sub-byte fields masked and their values
//! shifted, host-order keys converted for ranges, flag matches as bitwise
//! and compare, anonymous sets (with `NFTA_SET_ID`) for inline sets.
//!
//! Values must be typed as the expression they are compared with (nft's
//! evaluation step): [`expr_type`] gives that type, and the JSON reader
//! (`lang::json_in`, feature `json`) types them so.
//!
//! # Example
//! `tcp dport { 22, 80 } accept` built from typed values gives the
//! expressions nft generates (as `nft --debug=netlink list ruleset` prints
//! them, by [`crate::text::expr`]):
//! ```
//! use nfnl_tables::lang::ast::{Expr, Op, Payload, RuleItem, Stmt, Verdict};
//! use nfnl_tables::lang::datatype::{Datatype, Value};
//! use nfnl_tables::lang::linearize::Linearizer;
//!
//! let port = |p| Expr::Value(Value::number(Datatype::InetService, 16, p));
//! let rule = RuleItem {
//!     family: "inet",
//!     table: "t".into(),
//!     chain: "c".into(),
//!     stmts: vec![
//!         Stmt::Match {
//!             op: Op::Eq,
//!             left: Expr::Payload(Payload::Field { protocol: "tcp", field: "dport" }),
//!             right: Expr::Set(vec![port(22), port(80)]),
//!         },
//!         Stmt::Verdict(Verdict::Accept),
//!     ],
//!     ..Default::default()
//! };
//! let out = Linearizer::new().rule(&rule)?;
//! let text: Vec<String> = out.rule.exprs.as_ref().unwrap().0.iter()
//!     .map(|e| nfnl_tables::text::expr(e).unwrap())
//!     .collect();
//! assert_eq!(text, [
//!     "meta load l4proto => reg 1 ",
//!     "cmp eq reg 1 0x00000006 ",
//!     "payload load 2b @ transport header + 2 => reg 1 ",
//!     "lookup reg 1 set __set%d 0x0 ",
//!     "immediate reg 0 accept ",
//! ]);
//! // The anonymous set comes first in the transaction.
//! assert_eq!(out.sets.len(), 1);
//! # Ok::<(), nfnl_tables::lang::linearize::Error>(())
//! ```

use nfnl::ProtoFamily;

use super::ast::*;
use super::datatype::{Datatype, Value};
use super::proto::{self, Base, Proto};
use crate::data::{Data, Verdict as KVerdict};
use crate::expr::{self as kx, Expr as KExpr, ExprList};
use crate::object::{
    Chain, ElemFlags, Element, Elements, Flowtable, Hook, Obj, ObjData, Rule, Set, SetDesc,
    SetElems, SetFlags, Table, TableFlags,
};

/// What could not be linearized, and why.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{what}: {why}")]
pub struct Error {
    /// The object or statement (`rule inet t c`, `statement 2 (tproxy)`).
    pub what: String,
    /// Why (`unsupported`, `unknown protocol field tcp foo`...).
    pub why: String,
}

type R<T> = Result<T, String>;

/// A length as a `u32` attribute (saturating; lengths here are small).
fn u32_of(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A linearized rule: the anonymous sets it uses (to add before it, each
/// with its elements) and the rule.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LinRule {
    /// Anonymous sets and their elements, in the order nft adds them.
    pub sets: Vec<(Set, SetElems)>,
    /// The rule.
    pub rule: Rule,
}

/// Turns syntax-tree objects into kernel objects; numbers the anonymous
/// sets of one transaction (`NFTA_SET_ID`).
#[derive(Clone, Debug, Default)]
pub struct Linearizer {
    next_set_id: u32,
    /// Named sets of concatenated ranges (family, table, name): a lookup
    /// converts the key's host-order fields to network order.
    concat_range_sets: Vec<(ProtoFamily, String, String)>,
}

/// The family named as nft writes it (`ip`, `inet`...).
pub fn family_from_name(s: &str) -> Option<ProtoFamily> {
    Some(match s {
        "ip" => ProtoFamily::Ipv4,
        "ip6" => ProtoFamily::Ipv6,
        "inet" => ProtoFamily::Inet,
        "arp" => ProtoFamily::Arp,
        "bridge" => ProtoFamily::Bridge,
        "netdev" => ProtoFamily::Netdev,
        _ => return None,
    })
}

fn family(s: &str) -> R<ProtoFamily> {
    family_from_name(s).ok_or_else(|| format!("unknown family {s:?}"))
}

/// A TLV of libnftnl's user data (type, length, value).
fn tlv(out: &mut Vec<u8>, t: u8, v: &[u8]) {
    out.push(t);
    out.push(u8::try_from(v.len()).unwrap_or(u8::MAX));
    out.extend_from_slice(&v[..v.len().min(255)]);
}

/// The value of user-data TLV `t` (nftnl's one-byte type and length).
fn udata_get(ud: &[u8], t: u8) -> Option<&[u8]> {
    let mut rest = ud;
    while let [ty, len, tail @ ..] = rest {
        let len = usize::from(*len);
        let v = tail.get(..len)?;
        if *ty == t {
            return Some(v);
        }
        rest = &tail[len..];
    }
    None
}

/// The `typeof` user data of a set keyed by the concatenation `parts`, as
/// nft writes it (`NFTNL_UDATA_SET_KEY_TYPEOF`): the concatenation
/// (expression 13) of its fields, each a payload field (7: header and
/// field numbers, the width of an integer field), raw payload (7: base,
/// offset, length), meta key (9) or ct key (12, with its direction).
/// `None` for other expressions (nft then lists the set from its types).
fn concat_typeof(parts: &[Expr], fam: ProtoFamily) -> Option<Vec<u8>> {
    let u32v = |n: u32| n.to_ne_bytes();
    let mut list = Vec::new();
    for (i, p) in parts.iter().enumerate() {
        let mut data = Vec::new();
        let kind: u32 = match p {
            Expr::Payload(Payload::Field { protocol, field: f }) => {
                // nft's header and field numbers (the text printer's table).
                let (desc, tmpl) = super::text::payload_typeof_ids(protocol, f)?;
                let (_, fd) = field(protocol, f).ok()?;
                tlv(&mut data, 0, &u32v(desc));
                tlv(&mut data, 1, &u32v(tmpl));
                if fd.ty.bits().is_none() {
                    tlv(&mut data, 4, &u32v(fd.len));
                }
                7
            }
            Expr::Payload(Payload::Raw { base, offset, len }) => {
                let b = match *base {
                    "ll" => 1,
                    "nh" => 2,
                    "th" => 3,
                    _ => 4,
                };
                tlv(&mut data, 0, &u32v(0));
                tlv(&mut data, 1, &u32v(0));
                tlv(&mut data, 2, &u32v(b));
                tlv(&mut data, 3, &u32v(*offset));
                tlv(&mut data, 4, &u32v(*len));
                7
            }
            Expr::Meta(k) => {
                tlv(&mut data, 0, &u32v(meta_key(k).ok()?.0));
                9
            }
            Expr::Ct { key, dir } if !key.contains(' ') => {
                tlv(&mut data, 0, &u32v(ct_key(key, fam).ok()?.0));
                let d = match *dir {
                    None => u32::MAX,
                    Some("reply") => 1,
                    Some(_) => 0,
                };
                tlv(&mut data, 1, &u32v(d));
                12
            }
            _ => return None,
        };
        let mut one = Vec::new();
        tlv(&mut one, 0, &u32v(kind));
        tlv(&mut one, 1, &data);
        if one.len() > 255 {
            return None;
        }
        tlv(&mut list, u8::try_from(i).ok()?, &one);
    }
    if list.len() > 255 {
        return None;
    }
    let mut out = Vec::new();
    tlv(&mut out, 0, &u32v(13));
    tlv(&mut out, 1, &list);
    (out.len() <= 255).then_some(out)
}

fn comment_tlv(out: &mut Vec<u8>, t: u8, c: &str) {
    let mut v = c.as_bytes().to_vec();
    v.truncate(254);
    v.push(0);
    tlv(out, t, &v);
}

/// The protocol header named `name`.
pub fn proto_by_name(name: &str) -> Option<&'static Proto> {
    [
        &proto::ETHER,
        &proto::VLAN,
        &proto::ARP,
        &proto::IP,
        &proto::IP6,
        &proto::ICMP,
        &proto::ICMP6,
        &proto::IGMP,
        &proto::TCP,
        &proto::UDP,
        &proto::UDPLITE,
        &proto::SCTP,
        &proto::DCCP,
        &proto::AH,
        &proto::ESP,
        &proto::COMP,
        &proto::TH,
        &proto::GRE,
    ]
    .into_iter()
    .find(|p| p.name == name)
}

fn field(protocol: &str, name: &str) -> R<(&'static Proto, &'static proto::Field)> {
    let p = proto_by_name(protocol).ok_or_else(|| format!("unknown protocol {protocol}"))?;
    let f = p
        .fields
        .iter()
        .find(|f| f.name == name)
        .ok_or_else(|| format!("unknown field {protocol} {name}"))?;
    Ok((p, f))
}

/// `meta` key number, type and width of nft's key name.
fn meta_key(name: &str) -> R<(u32, Datatype, u32)> {
    (0u32..64)
        .find_map(|k| {
            super::delinearize::meta_key(kx::MetaKey(k))
                .filter(|(n, _, _)| *n == name)
                .map(|(_, t, b)| (k, t, b))
        })
        .ok_or_else(|| format!("unknown meta key {name}"))
}

/// `ct` key number, type and width of nft's key name.
fn ct_key(name: &str, fam: ProtoFamily) -> R<(u32, Datatype, u32)> {
    let name = match name {
        "l3proto" | "protocol" | "proto-src" | "proto-dst" => name,
        n => n,
    };
    (0u32..24)
        .find_map(|k| {
            super::delinearize::ct_key(kx::CtKey(k), fam)
                .filter(|(n, _, _)| n == name)
                .map(|(_, t, b)| (k, t, b))
        })
        .ok_or_else(|| format!("unknown ct key {name}"))
}

/// Whether the kernel holds the value of expression `e` in host byte order.
fn host_order(e: &Expr, ty: Datatype, bits: u32) -> bool {
    if bits <= 8 {
        return false;
    }
    match e {
        Expr::Payload(_) | Expr::Exthdr(_) => false,
        Expr::Ct { key, .. } if key == "id" => false,
        Expr::Meta("random") => false,
        Expr::Xfrm { key: "spi", .. } => false,
        Expr::Meta(_) | Expr::Ct { .. } => !matches!(
            ty,
            Datatype::Ethertype
                | Datatype::Ifname
                | Datatype::String
                | Datatype::Ipv4Addr
                | Datatype::Ipv6Addr
                | Datatype::InetService
                | Datatype::InetProto
        ),
        Expr::Binop { left, .. } => host_order(left, ty, bits),
        Expr::Concat(_) => false,
        _ => !matches!(
            ty,
            Datatype::Ipv4Addr | Datatype::Ipv6Addr | Datatype::InetService | Datatype::String
        ),
    }
}

/// nft's type and width in bits of expression `e` in a table of `family`:
/// what the values compared with it must be.
pub fn expr_type(e: &Expr, family: ProtoFamily) -> Result<(Datatype, u32), Error> {
    etype(e, family).map_err(|why| Error {
        what: "expression".into(),
        why,
    })
}

fn etype(e: &Expr, fam: ProtoFamily) -> R<(Datatype, u32)> {
    Ok(match e {
        // A constant part of a dynamic set's key.
        Expr::Value(v) => (v.ty, v.bits),
        Expr::Payload(Payload::Field { protocol, field: f }) => {
            let (_, f) = field(protocol, f)?;
            (f.ty, f.len)
        }
        Expr::Payload(Payload::Raw { len, .. }) if (1..=128).contains(len) => {
            (Datatype::Integer, *len)
        }
        Expr::Payload(Payload::Raw { len, .. }) => {
            return Err(format!("raw payload of {len} bits (1 to 128)"))
        }
        Expr::Meta(k) => {
            let (_, t, b) = meta_key(k)?;
            (t, b)
        }
        Expr::Ct { key, .. } => {
            let (_, t, b) = ct_key(key, fam)?;
            (t, b)
        }
        Expr::Binop { left, .. } => etype(left, fam)?,
        Expr::Concat(v) => {
            let mut id = 0u32;
            let mut bits = 0u32;
            for x in v {
                let (t, b) = etype(x, fam)?;
                id = (id << super::datatype::TYPE_BITS) | t.id();
                bits += b.div_ceil(32) * 32;
            }
            (Datatype::from_id(id), bits)
        }
        Expr::Numgen { .. } | Expr::Jhash { .. } | Expr::Symhash { .. } => (Datatype::Integer, 32),
        Expr::Fib { result, .. } => match *result {
            "oif" => (Datatype::Ifindex, 32),
            "oifname" => (Datatype::Ifname, 128),
            _ => (Datatype::FibAddr, 32),
        },
        Expr::Socket { key, .. } => match *key {
            "mark" => (Datatype::Mark, 32),
            "cgroupv2" => (Datatype::Cgroupv2, 64),
            _ => (Datatype::Integer, 1),
        },
        Expr::Rt { key, family } => match (*key, *family) {
            ("classid", _) => (Datatype::Realm, 32),
            ("nexthop", Some("ip6")) => (Datatype::Ipv6Addr, 128),
            ("nexthop", _) => (Datatype::Ipv4Addr, 32),
            ("mtu", _) => (Datatype::Integer, 16),
            _ => (Datatype::Boolean, 1),
        },
        Expr::Osf { .. } => (Datatype::String, 128),
        Expr::Xfrm { key, family, .. } => match (*key, *family) {
            ("saddr" | "daddr", Some("ip6")) => (Datatype::Ipv6Addr, 128),
            ("saddr" | "daddr", _) => (Datatype::Ipv4Addr, 32),
            _ => (Datatype::Integer, 32),
        },
        Expr::Exthdr(x) => {
            let (_, _, f) = ext_lookup(x)?;
            match f {
                Some((_, len, ty)) => (ty, len),
                None => (Datatype::Boolean, 1),
            }
        }
        other => return Err(format!("no type known for {other:?}")),
    })
}

/// A field of an extension header or option: bit offset, bit length, type.
type ExtField = (u32, u32, Datatype);

/// The exthdr op, option/header type and field (bit offset, bit length,
/// type; `None` for an existence check) of an extension header field.
fn ext_lookup(x: &ExthdrField) -> R<(u32, u8, Option<ExtField>)> {
    let op = match x.kind {
        ExthdrKind::Ipv6 => 0,
        ExthdrKind::TcpOption => 1,
        ExthdrKind::IpOption => 2,
        ExthdrKind::SctpChunk => 3,
        ExthdrKind::DccpOption => 4,
    };
    if let Some((kind, offset, len)) = x.raw {
        if len == 0 || len > 128 || offset.checked_add(len + 7).is_none() {
            return Err(format!("raw option field of {len} bits at {offset}"));
        }
        let k = u8::try_from(kind).map_err(|_| "option kind".to_string())?;
        return Ok((op, k, Some((offset, len, Datatype::Integer))));
    }
    for k in 0..=255u8 {
        for off in [0, 80, 144, 208] {
            let Some((name, fields)) = super::delinearize::ext_fields(op, k, off) else {
                continue;
            };
            if name != x.name {
                continue;
            }
            return match &x.field {
                None => Ok((op, k, None)),
                Some(f) => fields
                    .iter()
                    .find(|(n, ..)| n == f)
                    .map(|(_, o, l, t)| (op, k, Some((*o, *l, *t))))
                    .ok_or_else(|| format!("unknown field {} {f}", x.name)),
            };
        }
    }
    Err(format!("unknown header or option {}", x.name))
}

/// nft's byte order of a set key or data type (`NFTNL_UDATA_SET_KEYBYTEORDER`):
/// 1 host, 2 big endian, 0 none.
fn type_byteorder(t: Datatype) -> u32 {
    if t.host_order() || matches!(t, Datatype::String | Datatype::Ifname) {
        1
    } else if matches!(t, Datatype::Integer | Datatype::Invalid | Datatype::Bitmask) {
        0
    } else {
        2
    }
}

/// A value as the kernel compares it: `nbytes` bytes, shifted left by
/// `shift` bits, in host order if `host`.
fn kbytes(v: &Value, nbytes: usize, host: bool, shift: u32) -> Vec<u8> {
    if matches!(v.ty, Datatype::String | Datatype::Ifname) {
        let mut d = v.data.clone();
        // `\*`: a literal star, not a wildcard.
        if d.ends_with(b"\\*") {
            d.remove(d.len() - 2);
        }
        d.resize(nbytes.max(d.len()), 0);
        return d;
    }
    if v.data.len() > 16 {
        let mut d = v.data.clone();
        d.resize(nbytes, 0);
        return d;
    }
    let n = v.as_u128() << shift;
    let be = n.to_be_bytes();
    let mut d = be[16 - nbytes.min(16)..].to_vec();
    if host {
        d.reverse();
    }
    d
}

fn kverdict(v: &Verdict) -> KVerdict {
    match v {
        Verdict::Accept => KVerdict::Accept,
        Verdict::Drop => KVerdict::Drop,
        Verdict::Continue => KVerdict::Continue,
        Verdict::Return => KVerdict::Return,
        Verdict::Queue => KVerdict::Queue,
        Verdict::Jump(c) => KVerdict::Jump(c.clone()),
        Verdict::Goto(c) => KVerdict::Goto(c.clone()),
    }
}

/// The number of hook `name` in `family`.
fn hooknum(fam: ProtoFamily, name: &str) -> R<u32> {
    Ok(match (fam, name) {
        (ProtoFamily::Netdev, "ingress") => 0,
        (ProtoFamily::Netdev, "egress") => 1,
        (ProtoFamily::Arp, "input") => 0,
        (ProtoFamily::Arp, "output") => 1,
        (ProtoFamily::Arp, "forward") => 2,
        (_, "prerouting") => 0,
        (_, "input") => 1,
        (_, "forward") => 2,
        (_, "output") => 3,
        (_, "postrouting") => 4,
        (_, "ingress") => 5,
        _ => return Err(format!("unknown hook {name}")),
    })
}

fn obj_type(kind: &str) -> R<u32> {
    Ok(match kind {
        "counter" => 1,
        "quota" => 2,
        "ct helper" => 3,
        "limit" => 4,
        "ct count" => 5,
        "ct timeout" => 7,
        "secmark" => 8,
        "ct expectation" => 9,
        "synproxy" => 10,
        k => return Err(format!("unknown object kind {k}")),
    })
}

/// A ct timeout or expectation object's `l3proto`: left out when it is the
/// table's family (the kernel takes that one), as nft does.
fn obj_l3proto(table_family: &str, l3proto: &str) -> R<Option<u16>> {
    if l3proto == table_family {
        return Ok(None);
    }
    Ok(Some(match l3proto {
        "ip" => 2,
        "ip6" => 10,
        "inet" => 1,
        "bridge" => 7,
        "arp" => 3,
        x => return Err(format!("unknown l3proto {x}")),
    }))
}

/// The protocol number of a ct helper, timeout or expectation object.
fn l4_number(protocol: &str) -> R<u8> {
    match super::delinearize::l4_number(protocol) {
        0 => protocol
            .parse()
            .map_err(|_| format!("unknown protocol {protocol}")),
        n => Ok(n),
    }
}

/// A ct timeout object as nft sends it: every state of the protocol, nft's
/// default where the policy does not name it.
fn ct_timeout(
    table_family: &str,
    protocol: &str,
    l3proto: &str,
    policy: &[(String, u32)],
) -> R<crate::object::CtTimeout> {
    let l4 = l4_number(protocol)?;
    let names = super::listing::timeout_states(l4);
    if names.is_empty() {
        return Err(format!("ct timeout of protocol {protocol}"));
    }
    for (n, _) in policy {
        if !names.contains(&n.as_str()) {
            return Err(format!("unknown {protocol} state {n}"));
        }
    }
    let mut t = nfnl::timeout::Timeouts::empty(nfnl::IpProto(l4)).map_err(|e| e.to_string())?;
    for (i, n) in names.iter().enumerate() {
        let secs = policy
            .iter()
            .find(|(p, _)| p == n)
            .map(|(_, v)| *v)
            .or_else(|| super::listing::timeout_default(l4, n))
            .ok_or_else(|| format!("no default timeout for {protocol} {n}"))?;
        let attr = u16::try_from(i + 1).map_err(|_| "state")?;
        let state = t
            .states()
            .iter()
            .find(|s| s.attr == attr)
            .map(|s| s.name)
            .ok_or_else(|| format!("unknown {protocol} state {n}"))?;
        t.set(state, secs).map_err(|e| e.to_string())?;
    }
    Ok(crate::object::CtTimeout {
        l3proto: obj_l3proto(table_family, l3proto)?,
        timeouts: Some(t),
        ..Default::default()
    })
}

fn klimit(l: &Limit) -> kx::Limit {
    kx::Limit {
        rate: Some(l.rate),
        unit: Some(l.unit_secs),
        burst: Some(l.burst),
        kind: Some(if l.bytes {
            kx::LimitType::PKT_BYTES
        } else {
            kx::LimitType::PKTS
        }),
        flags: Some(u32::from(l.inv)),
        ..Default::default()
    }
}

fn kquota(q: &Quota) -> kx::Quota {
    kx::Quota {
        bytes: Some(q.bytes),
        consumed: Some(q.used),
        flags: Some(u32::from(q.inv)),
        ..Default::default()
    }
}

/// What a key expression loaded: type, width, bytes, byte order.
#[derive(Clone, Copy, Debug)]
struct Loaded {
    ty: Datatype,
    bits: u32,
    nbytes: usize,
    host: bool,
    /// Left shift of values (sub-byte header fields).
    shift: u32,
}

impl Loaded {
    /// A whole key expression `e` of type `ty`, `bits` wide, in its
    /// register as the kernel loads it (whole bytes, no shift).
    fn whole(e: &Expr, ty: Datatype, bits: u32) -> Self {
        Loaded {
            ty,
            bits,
            nbytes: bits.div_ceil(8) as usize,
            host: host_order(e, ty, bits),
            shift: 0,
        }
    }
}

/// The data of an anonymous map: its type, width and byte order.
#[derive(Clone, Copy, Debug)]
struct MapData {
    ty: Datatype,
    bits: u32,
    host: bool,
}

impl MapData {
    /// Data of `ty`, as wide and in the byte order its type has.
    fn of(ty: Datatype) -> Self {
        MapData {
            ty,
            bits: ty.bits().unwrap_or(32),
            host: ty.host_order(),
        }
    }
}

struct Lin<'a> {
    fam: ProtoFamily,
    out: Vec<KExpr>,
    /// Known network protocol (ethertype).
    l3: Option<u16>,
    /// Known transport protocol.
    l4: Option<u8>,
    /// The link layer is known to be Ethernet.
    ether: bool,
    /// VLAN headers known to be stacked (`ether type 8021q` is 1, each
    /// `vlan type 8021q|8021ad` after it one more): each puts the next
    /// header's fields 4 bytes further.
    vlans: u32,
    /// The ICMP/ICMPv6 type matched.
    icmp_type: Option<u8>,
    sets: Vec<(Set, SetElems)>,
    lz: &'a mut Linearizer,
    table: &'a str,
    /// The concatenation being loaded is looked up in concatenated ranges:
    /// its host-order fields are turned to network order (as nft does).
    concat_hton: bool,
}

/// The register `offset_bytes` after the start of 16-byte register `base`
/// (a concatenation's fields): named as a 16-byte register when it starts
/// one, else as a 4-byte one (`NFT_REG32_*`, 8 is the first).
fn reg_at(base: u32, offset_bytes: u32) -> u32 {
    let r32 = 8 + (base.max(1) - 1) * 4 + offset_bytes / 4;
    if offset_bytes == 0 {
        base
    } else {
        r32
    }
}

impl Lin<'_> {
    fn cmp(&mut self, op: kx::CmpOp, reg: u32, data: Vec<u8>) {
        self.out.push(KExpr::Cmp(kx::Cmp {
            sreg: Some(reg),
            op: Some(op),
            data: Some(Data::Value(data)),
            ..Default::default()
        }));
    }

    fn bitwise(&mut self, reg: u32, mask: Vec<u8>) {
        let len = mask.len();
        self.out.push(KExpr::Bitwise(kx::Bitwise {
            sreg: Some(reg),
            dreg: Some(reg),
            len: Some(u32_of(len)),
            op: Some(kx::BitwiseOp::BOOL),
            mask: Some(Data::Value(mask)),
            xor: Some(Data::Value(vec![0; len])),
            ..Default::default()
        }));
    }

    fn meta_load(&mut self, key: u32, reg: u32) {
        self.out.push(KExpr::Meta(kx::Meta {
            key: Some(kx::MetaKey(key)),
            dreg: Some(reg),
            ..Default::default()
        }));
    }

    fn payload_load(&mut self, base: Base, offset: u32, len: u32, reg: u32) {
        let base = match base {
            Base::Ll => kx::PayloadBase::LL,
            Base::Network => kx::PayloadBase::NETWORK,
            Base::Transport => kx::PayloadBase::TRANSPORT,
            Base::Inner => kx::PayloadBase::INNER,
        };
        self.out.push(KExpr::Payload(kx::Payload {
            dreg: Some(reg),
            base: Some(base),
            offset: Some(offset),
            len: Some(len),
            ..Default::default()
        }));
    }

    /// nft's dependency for a network-layer protocol.
    fn need_l3(&mut self, ethertype: u16) {
        if self.l3 == Some(ethertype) {
            return;
        }
        let own = match self.fam {
            ProtoFamily::Ipv4 => Some(0x0800),
            ProtoFamily::Ipv6 => Some(0x86dd),
            ProtoFamily::Arp => Some(0x0806),
            _ => None,
        };
        if own == Some(ethertype) {
            self.l3 = Some(ethertype);
            return;
        }
        match self.fam {
            ProtoFamily::Inet => {
                let nfproto = if ethertype == 0x86dd { 10u8 } else { 2 };
                self.meta_load(15, 1);
                self.cmp(kx::CmpOp::EQ, 1, vec![nfproto]);
            }
            ProtoFamily::Bridge | ProtoFamily::Netdev if self.vlans > 0 => {
                // Inside VLAN headers: the innermost one's `vlan type`.
                self.payload_load(Base::Ll, 16 + 4 * (self.vlans - 1), 2, 1);
                self.cmp(kx::CmpOp::EQ, 1, ethertype.to_be_bytes().to_vec());
            }
            ProtoFamily::Bridge | ProtoFamily::Netdev => {
                self.meta_load(1, 1);
                self.cmp(kx::CmpOp::EQ, 1, ethertype.to_be_bytes().to_vec());
            }
            _ => {}
        }
        self.l3 = Some(ethertype);
    }

    /// An Ethernet link layer: `meta iiftype ether` outside bridges.
    fn need_ether(&mut self) {
        if self.fam != ProtoFamily::Bridge && !self.ether {
            self.meta_load(8, 1);
            self.cmp(kx::CmpOp::EQ, 1, 1u16.to_ne_bytes().to_vec());
        }
        self.ether = true;
    }

    fn need_l4(&mut self, p: u8) {
        if self.l4 == Some(p) {
            return;
        }
        match p {
            1 | 2 => self.need_l3(0x0800),
            58 => self.need_l3(0x86dd),
            _ => {}
        }
        self.meta_load(16, 1);
        self.cmp(kx::CmpOp::EQ, 1, vec![p]);
        self.l4 = Some(p);
    }

    fn dependency(&mut self, p: &'static Proto) {
        match p.name {
            "ip" => self.need_l3(0x0800),
            "ip6" => self.need_l3(0x86dd),
            "arp" => self.need_l3(0x0806),
            "ether" => self.need_ether(),
            "vlan" => {
                self.need_ether();
                if self.vlans == 0 {
                    self.payload_load(Base::Ll, 12, 2, 1);
                    self.cmp(kx::CmpOp::EQ, 1, vec![0x81, 0x00]);
                    self.l3 = Some(0x8100);
                    self.vlans = 1;
                }
            }
            "th" => {}
            name => {
                let n = super::delinearize::l4_number(name);
                if n == 0 {
                    return;
                }
                self.need_l4(n);
            }
        }
    }

    /// Loads key expression `e` into `reg` (with its dependencies and the
    /// mask of a sub-byte field); `prefix` loads only the first bytes of a
    /// payload field (nft's byte-aligned prefix match).
    fn load(&mut self, e: &Expr, reg: u32, prefix_bytes: Option<u32>) -> R<Loaded> {
        let (ty, bits) = etype(e, self.fam)?;
        match e {
            Expr::Payload(Payload::Field { protocol, field: f }) => {
                let (p, f) = field(protocol, f)?;
                self.dependency(p);
                // Fields that exist for one ICMP message type: nft matches
                // the type first.
                let icmp_type = match (p.name, f.name) {
                    ("icmp", "gateway") => Some(5u8),
                    ("icmp", "mtu") => Some(3),
                    ("icmpv6", "mtu") => Some(2),
                    ("icmpv6", "parameter-problem") => Some(4),
                    ("icmpv6", "max-delay") => Some(130),
                    _ => None,
                };
                if let Some(t) = icmp_type.filter(|t| self.icmp_type != Some(*t)) {
                    self.payload_load(Base::Transport, 0, 1, reg);
                    self.cmp(kx::CmpOp::EQ, reg, vec![t]);
                    self.icmp_type = Some(t);
                }
                // A stacked VLAN header's fields are 4 bytes further each.
                let stack = if p.name == "vlan" {
                    if self.vlans > 16 {
                        return Err(format!("{} stacked VLAN headers", self.vlans));
                    }
                    32 * self.vlans.saturating_sub(1)
                } else {
                    0
                };
                let first = (f.offset + stack) / 8;
                let last = (f.offset + stack + f.len).div_ceil(8);
                let mut nbytes = last - first;
                if let Some(pb) = prefix_bytes {
                    nbytes = nbytes.min(pb);
                }
                self.payload_load(p.base, first, nbytes, reg);
                let shift = last * 8 - (f.offset + stack + f.len);
                if f.offset % 8 != 0 || f.len % 8 != 0 {
                    let m: u128 = ((1u128 << f.len) - 1) << shift;
                    let be = m.to_be_bytes();
                    self.bitwise(reg, be[16 - nbytes as usize..].to_vec());
                }
                Ok(Loaded {
                    ty,
                    bits,
                    nbytes: nbytes as usize,
                    host: false,
                    shift,
                })
            }
            Expr::Payload(Payload::Raw { base, offset, len }) => {
                if *len == 0 || *len > 128 || offset.checked_add(*len + 7).is_none() {
                    return Err(format!("raw payload of {len} bits at {offset}"));
                }
                let b = match *base {
                    "ll" => Base::Ll,
                    "nh" => Base::Network,
                    "th" => Base::Transport,
                    _ => Base::Inner,
                };
                let first = offset / 8;
                let last = (offset + len).div_ceil(8);
                let nbytes = last - first;
                self.payload_load(b, first, nbytes, reg);
                let shift = last * 8 - (offset + len);
                if offset % 8 != 0 || len % 8 != 0 {
                    if nbytes > 16 {
                        return Err(format!(
                            "raw payload of {len} bits at {offset}: a mask of more than 16 bytes"
                        ));
                    }
                    let m: u128 = ((1u128 << len) - 1) << shift;
                    let be = m.to_be_bytes();
                    self.bitwise(reg, be[16 - nbytes as usize..].to_vec());
                }
                Ok(Loaded {
                    ty,
                    bits,
                    nbytes: nbytes as usize,
                    host: false,
                    shift,
                })
            }
            Expr::Meta(k) => {
                let (key, _, _) = meta_key(k)?;
                if *k == "l4proto" && self.fam == ProtoFamily::Inet {
                    // nothing: l4proto needs no network dependency
                }
                self.meta_load(key, reg);
                Ok(Loaded::whole(e, ty, bits))
            }
            Expr::Ct { key, dir } => {
                let (k, _, _) = ct_key(key, self.fam)?;
                if matches!(k, 8 | 9) {
                    self.need_l3(if ty == Datatype::Ipv6Addr {
                        0x86dd
                    } else {
                        0x0800
                    });
                }
                let direction = dir.map(|d| u8::from(d == "reply"));
                self.out.push(KExpr::Ct(kx::Ct {
                    dreg: Some(reg),
                    key: Some(kx::CtKey(k)),
                    direction,
                    ..Default::default()
                }));
                Ok(Loaded::whole(e, ty, bits))
            }
            Expr::Binop { op, left, right } => {
                let l = self.load(left, reg, None)?;
                let Expr::Value(v) = &**right else {
                    return Err("binary operation with a non-constant operand".into());
                };
                match op {
                    BinOp::And | BinOp::Or | BinOp::Xor => {
                        let b = kbytes(v, l.nbytes, l.host, l.shift);
                        let (mask, xor) = match op {
                            BinOp::And => (b, vec![0; l.nbytes]),
                            BinOp::Or => (b.iter().map(|x| !x).collect(), b),
                            _ => (vec![0xff; l.nbytes], b),
                        };
                        // An earlier mask of a sub-byte field is folded in.
                        if let Some(KExpr::Bitwise(bw)) = self.out.last_mut() {
                            if l.shift != 0 || bw.sreg == Some(reg) && *op == BinOp::And {
                                if let Some(Data::Value(m)) = &mut bw.mask {
                                    if m.len() == mask.len() && *op == BinOp::And {
                                        for (a, b) in m.iter_mut().zip(&mask) {
                                            *a &= b;
                                        }
                                        return Ok(l);
                                    }
                                }
                            }
                        }
                        self.out.push(KExpr::Bitwise(kx::Bitwise {
                            sreg: Some(reg),
                            dreg: Some(reg),
                            len: Some(u32_of(l.nbytes)),
                            op: Some(kx::BitwiseOp::BOOL),
                            mask: Some(Data::Value(mask)),
                            xor: Some(Data::Value(xor)),
                            ..Default::default()
                        }));
                    }
                    BinOp::Lshift | BinOp::Rshift => {
                        let n = u32::try_from(v.as_u128()).unwrap_or(0);
                        self.out.push(KExpr::Bitwise(kx::Bitwise {
                            sreg: Some(reg),
                            dreg: Some(reg),
                            len: Some(u32_of(l.nbytes)),
                            op: Some(if *op == BinOp::Lshift {
                                kx::BitwiseOp::LSHIFT
                            } else {
                                kx::BitwiseOp::RSHIFT
                            }),
                            data: Some(Data::Value(n.to_ne_bytes().to_vec())),
                            ..Default::default()
                        }));
                    }
                }
                Ok(l)
            }
            Expr::Value(v) if !matches!(v.ty, Datatype::Ifindex) => {
                // A constant part of a key (`add @s { ip saddr . 22 }`).
                let nbytes = v.bits.div_ceil(8) as usize;
                let host = v.ty.host_order();
                self.out.push(KExpr::Immediate(kx::Immediate {
                    dreg: Some(reg),
                    data: Some(Data::Value(kbytes(v, nbytes, host, 0))),
                    ..Default::default()
                }));
                Ok(Loaded {
                    ty: v.ty,
                    bits: v.bits,
                    nbytes,
                    host,
                    shift: 0,
                })
            }
            Expr::Concat(parts) => {
                // nft puts every field's dependency first.
                for p in parts {
                    if let Expr::Payload(Payload::Field { protocol, .. }) = p {
                        if let Some(pr) = proto_by_name(protocol) {
                            self.dependency(pr);
                        }
                    }
                }
                let hton = std::mem::take(&mut self.concat_hton);
                let mut off = 0u32;
                for p in parts {
                    let r = reg_at(reg, off);
                    let l = self.load(p, r, None)?;
                    if hton && l.host && l.nbytes > 1 {
                        self.out.push(KExpr::Byteorder(kx::Byteorder {
                            sreg: Some(r),
                            dreg: Some(r),
                            op: Some(kx::ByteorderOp::HTON),
                            len: Some(u32_of(l.nbytes)),
                            size: Some(u32_of(l.nbytes)),
                            ..Default::default()
                        }));
                    }
                    off += u32_of(l.nbytes).div_ceil(4) * 4;
                }
                Ok(Loaded {
                    ty,
                    bits,
                    nbytes: off as usize,
                    host: false,
                    shift: 0,
                })
            }
            Expr::Numgen {
                mode,
                modulus,
                offset,
            } => {
                self.out.push(KExpr::Numgen(kx::Numgen {
                    dreg: Some(reg),
                    modulus: Some(*modulus),
                    kind: Some(if *mode == "random" {
                        kx::NgType::RANDOM
                    } else {
                        kx::NgType::INCREMENTAL
                    }),
                    offset: Some(*offset),
                    ..Default::default()
                }));
                Ok(Loaded {
                    ty,
                    bits,
                    nbytes: 4,
                    host: true,
                    shift: 0,
                })
            }
            Expr::Exthdr(x) => {
                let (op, kind, f) = ext_lookup(x)?;
                match x.kind {
                    ExthdrKind::Ipv6 => self.need_l3(0x86dd),
                    ExthdrKind::IpOption => self.need_l3(0x0800),
                    ExthdrKind::SctpChunk => {}
                    ExthdrKind::DccpOption => self.need_l4(33),
                    ExthdrKind::TcpOption => {}
                }
                let (offset, nbytes, flags, shift, mask) = match f {
                    None => (0, 1, Some(1), 0, None),
                    Some((off, len, _)) => {
                        let first = off / 8;
                        let last = (off + len).div_ceil(8);
                        let shift = last * 8 - (off + len);
                        let mask =
                            (off % 8 != 0 || len % 8 != 0).then(|| ((1u128 << len) - 1) << shift);
                        (first, last - first, None, shift, mask)
                    }
                };
                self.out.push(KExpr::Exthdr(kx::Exthdr {
                    dreg: Some(reg),
                    kind: Some(kind),
                    offset: Some(offset),
                    len: Some(nbytes),
                    flags,
                    op: Some(kx::ExthdrOp(op)),
                    ..Default::default()
                }));
                if let Some(m) = mask {
                    let be = m.to_be_bytes();
                    self.bitwise(reg, be[16 - nbytes as usize..].to_vec());
                }
                Ok(Loaded {
                    ty,
                    bits,
                    nbytes: nbytes as usize,
                    host: false,
                    shift,
                })
            }
            Expr::Fib { result, flags } => {
                let mut f = 0u32;
                for x in flags {
                    f |= match *x {
                        "saddr" => 1,
                        "daddr" => 2,
                        "mark" => 4,
                        "iif" => 8,
                        "oif" => 16,
                        _ => 0,
                    };
                }
                let r = match *result {
                    "oif" => 1,
                    "oifname" => 2,
                    _ => 3,
                };
                self.out.push(KExpr::Fib(kx::Fib {
                    dreg: Some(reg),
                    result: Some(kx::FibResult(r)),
                    flags: Some(f),
                    ..Default::default()
                }));
                Ok(Loaded::whole(e, ty, bits))
            }
            Expr::Rt { key, family } => {
                let k = match (*key, *family) {
                    ("classid", _) => 0,
                    ("nexthop", Some("ip6")) => 2,
                    ("nexthop", _) => 1,
                    ("mtu", _) => 3,
                    _ => 4,
                };
                self.out.push(KExpr::Rt(kx::Rt {
                    key: Some(kx::RtKey(k)),
                    dreg: Some(reg),
                    ..Default::default()
                }));
                Ok(Loaded::whole(e, ty, bits))
            }
            Expr::Socket { key, level } => {
                let k = match *key {
                    "transparent" => 0,
                    "mark" => 1,
                    "wildcard" => 2,
                    _ => 3,
                };
                self.out.push(KExpr::Socket(kx::Socket {
                    key: Some(kx::SocketKey(k)),
                    dreg: Some(reg),
                    level: *level,
                    ..Default::default()
                }));
                Ok(Loaded::whole(e, ty, bits))
            }
            Expr::Jhash {
                modulus,
                seed,
                offset,
                expr,
            } => {
                let l = self.load(expr, reg + 1, None)?;
                self.out.push(KExpr::Hash(kx::Hash {
                    sreg: Some(reg + 1),
                    dreg: Some(reg),
                    len: Some(u32_of(l.nbytes)),
                    modulus: Some(*modulus),
                    seed: *seed,
                    offset: (*offset != 0).then_some(*offset),
                    kind: Some(kx::HashType::JENKINS),
                    ..Default::default()
                }));
                Ok(Loaded {
                    ty,
                    bits,
                    nbytes: 4,
                    host: true,
                    shift: 0,
                })
            }
            Expr::Symhash { modulus, offset } => {
                self.out.push(KExpr::Hash(kx::Hash {
                    dreg: Some(reg),
                    modulus: Some(*modulus),
                    offset: (*offset != 0).then_some(*offset),
                    kind: Some(kx::HashType::SYM),
                    ..Default::default()
                }));
                Ok(Loaded {
                    ty,
                    bits,
                    nbytes: 4,
                    host: true,
                    shift: 0,
                })
            }
            Expr::Osf { key, ttl } => {
                self.out.push(KExpr::Osf(kx::Osf {
                    dreg: Some(reg),
                    ttl: ttl.map(|t| if t == "skip" { 2 } else { 1 }),
                    flags: (*key == "version").then_some(1),
                    ..Default::default()
                }));
                Ok(Loaded {
                    ty,
                    bits,
                    nbytes: 16,
                    host: false,
                    shift: 0,
                })
            }
            Expr::Xfrm {
                key,
                family,
                dir,
                spnum,
            } => {
                let k = match (*key, *family) {
                    ("daddr", Some("ip6")) => 2,
                    ("daddr", _) => 1,
                    ("saddr", Some("ip6")) => 4,
                    ("saddr", _) => 3,
                    ("reqid", _) => 5,
                    _ => 6,
                };
                self.out.push(KExpr::Xfrm(kx::Xfrm {
                    dreg: Some(reg),
                    key: Some(kx::XfrmKey(k)),
                    dir: Some(u8::from(*dir == "out")),
                    spnum: Some(*spnum),
                    ..Default::default()
                }));
                Ok(Loaded::whole(e, ty, bits))
            }
            other => Err(format!("unsupported expression {other:?}")),
        }
    }

    /// The address type of a statement's `family` (or the table's).
    fn addr_type(&self, family: Option<&str>) -> (Datatype, u32, u32) {
        match (family, self.fam) {
            (Some("ip6"), _) | (None, ProtoFamily::Ipv6) => (Datatype::Ipv6Addr, 128, 10),
            _ => (Datatype::Ipv4Addr, 32, 2),
        }
    }

    /// A device argument: an interface index (or name) into `reg`.
    fn dev_arg(&mut self, dev: &Expr, reg: u32) -> R<()> {
        match dev {
            Expr::Value(v) if v.ty == Datatype::Ifindex => {
                self.arg(dev, reg, Datatype::Ifindex, 32, true)
            }
            Expr::Value(_) => Err("device name without an index (give a resolver)".into()),
            e => self.arg(e, reg, Datatype::Ifindex, 32, true),
        }
    }

    /// `KEY set VALUE` for a payload field: the value written with the
    /// checksum the field's header needs, read-modify-write for fields
    /// that do not cover whole (checksummed: 16-bit) words.
    fn payload_mangle(&mut self, protocol: &str, fname: &str, value: &Expr) -> R<()> {
        let (p, f) = field(protocol, fname)?;
        self.dependency(p);
        let (csum_type, csum_off) = match p.name {
            "ip" => (1u32, 10u32),
            "tcp" => (1, 16),
            "udp" | "udplite" => (1, 6),
            "icmp" | "icmpv6" | "igmp" => (1, 2),
            "sctp" => (2, 8),
            _ => (0, 0),
        };
        let pseudo = p.base == Base::Network && matches!(f.name, "saddr" | "daddr");
        let csum_flags = u32::from(pseudo);
        let align = if csum_type == 1 { 16 } else { 8 };
        let start = f.offset / align * align;
        let end = (f.offset + f.len).div_ceil(align) * align;
        let nbytes = ((end - start) / 8) as usize;
        let shift = end - (f.offset + f.len);
        if start == f.offset && end == f.offset + f.len {
            self.arg(value, 1, f.ty, f.len, false)?;
        } else {
            let Expr::Value(v) = value else {
                return Err("sub-field write of a non-constant".into());
            };
            self.payload_load(p.base, start / 8, u32_of(nbytes), 1);
            let m: u128 = ((1u128 << f.len) - 1) << shift;
            let keep = !m;
            let kb = keep.to_be_bytes();
            let xb = (v.as_u128() << shift).to_be_bytes();
            self.out.push(KExpr::Bitwise(kx::Bitwise {
                sreg: Some(1),
                dreg: Some(1),
                len: Some(u32_of(nbytes)),
                op: Some(kx::BitwiseOp::BOOL),
                mask: Some(Data::Value(kb[16 - nbytes..].to_vec())),
                xor: Some(Data::Value(xb[16 - nbytes..].to_vec())),
                ..Default::default()
            }));
        }
        let base = match p.base {
            Base::Ll => kx::PayloadBase::LL,
            Base::Network => kx::PayloadBase::NETWORK,
            Base::Transport => kx::PayloadBase::TRANSPORT,
            Base::Inner => kx::PayloadBase::INNER,
        };
        self.out.push(KExpr::Payload(kx::Payload {
            sreg: Some(1),
            base: Some(base),
            offset: Some(start / 8),
            len: Some(u32_of(nbytes)),
            csum_type: Some(csum_type),
            csum_offset: Some(csum_off),
            csum_flags: Some(csum_flags),
            ..Default::default()
        }));
        Ok(())
    }

    fn anon_set(
        &mut self,
        l: &Loaded,
        left: &Expr,
        elems: &[Expr],
        map: Option<MapData>,
    ) -> R<(String, u32)> {
        let (lens, hosts) = match left {
            Expr::Concat(parts) => {
                let mut lens = Vec::new();
                let mut hosts = Vec::new();
                for p in parts {
                    let (t, b) = etype(p, self.fam)?;
                    lens.push(b.div_ceil(8) as usize);
                    // Concatenated ranges are compared in network order
                    // (the key's host-order fields were converted).
                    hosts.push(host_order(p, t, b) && !concat_ranges(left, elems));
                }
                (lens, hosts)
            }
            _ => (vec![l.nbytes], vec![l.host]),
        };
        self.lz.next_set_id += 1;
        let id = self.lz.next_set_id;
        let elems = &wildcards(elems);
        let interval = elems.iter().any(has_range);
        let mut flags = SetFlags::ANONYMOUS | SetFlags::CONSTANT;
        if interval {
            flags |= SetFlags::INTERVAL;
        }
        let concat_interval = interval && lens.len() > 1;
        if concat_interval {
            flags |= SetFlags::CONCAT;
        }
        let sname = if map.is_some() { "__map%d" } else { "__set%d" };
        let mut set = Set::new(self.fam, self.table, sname, l.ty.id(), u32_of(l.nbytes));
        let mut ud = Vec::new();
        // Interval keys are compared in network order: nft converts a
        // host-order key first.
        let to_net = interval && l.host && l.nbytes > 1 && lens.len() == 1;
        if to_net {
            self.out.push(KExpr::Byteorder(kx::Byteorder {
                sreg: Some(1),
                dreg: Some(1),
                op: Some(kx::ByteorderOp::HTON),
                len: Some(u32_of(l.nbytes)),
                size: Some(u32_of(l.nbytes)),
                ..Default::default()
            }));
        }
        let order: u32 = if lens.len() > 1 {
            0
        } else if l.host && !to_net || matches!(l.ty, Datatype::String | Datatype::Ifname) {
            1
        } else {
            2
        };
        tlv(&mut ud, 0, &order.to_ne_bytes());
        // The key's expressions (`NFTNL_UDATA_SET_KEY_TYPEOF`): nft writes
        // them for every concatenation, and needs them to list one with a
        // field of no fixed width (`ether saddr . vlan id`).
        let key_typeof = match left {
            Expr::Concat(parts) => concat_typeof(parts, self.fam),
            _ => None,
        };
        if let Some(MapData { ty: dt, bits, host }) = map {
            flags |= SetFlags::MAP;
            if dt == Datatype::Verdict {
                set.data_type = Some(0xffff_ff00);
                set.data_len = Some(0);
                if let Some(k) = &key_typeof {
                    // With the key's expressions nft also writes the data's
                    // (a verdict, expression 1) and both byte orders.
                    tlv(&mut ud, 1, &0u32.to_ne_bytes());
                    tlv(&mut ud, 3, k);
                    let mut d = Vec::new();
                    tlv(&mut d, 0, &1u32.to_ne_bytes());
                    tlv(&mut d, 1, &[]);
                    tlv(&mut ud, 4, &d);
                    tlv(&mut ud, 6, &0u32.to_ne_bytes());
                }
            } else {
                set.data_type = Some(dt.id());
                set.data_len = Some(dt.bits().unwrap_or(bits).div_ceil(8));
                let order = if host { 1 } else { type_byteorder(dt) };
                tlv(&mut ud, 1, &order.to_ne_bytes());
                if let Some(k) = &key_typeof {
                    tlv(&mut ud, 3, k);
                }
                tlv(&mut ud, 6, &0u32.to_ne_bytes());
            }
        } else if let Some(k) = &key_typeof {
            tlv(&mut ud, 3, k);
        }
        set.flags = Some(flags);
        set.id = Some(id);
        set.desc = Some(SetDesc {
            size: Some(u32::try_from(elems.len()).unwrap_or(u32::MAX)),
            concat: concat_interval
                .then(|| crate::object::Concat(lens.iter().map(|l| u32_of(*l)).collect())),
            ..Default::default()
        });
        set.userdata = Some(ud);
        let keyinfo = KeyInfo {
            lens,
            hosts,
            host: l.host && !to_net,
            shift: l.shift,
            data: map.map(|d| (d.ty, d.host)),
        };
        let elements = elements(&keyinfo, elems, interval)?;
        if let Some(d) = set.desc.as_mut() {
            d.size = Some(u32::try_from(elements.len()).unwrap_or(u32::MAX));
        }
        let se = SetElems {
            family: self.fam,
            table: Some(self.table.into()),
            set: Some(sname.into()),
            elements: Some(Elements(elements)),
            set_id: Some(id),
            ..Default::default()
        };
        self.sets.push((set, se));
        Ok((sname.into(), id))
    }

    fn lookup(&mut self, reg: u32, name: String, id: Option<u32>, inv: bool, dreg: Option<u32>) {
        self.out.push(KExpr::Lookup(kx::Lookup {
            set: Some(name),
            sreg: Some(reg),
            dreg,
            set_id: id,
            flags: if inv { Some(1) } else { None },
            ..Default::default()
        }));
    }

    fn note_context(&mut self, left: &Expr, right: &Expr, op: Op) {
        let (Expr::Value(v), Op::Eq) = (right, op) else {
            return;
        };
        let n = v.as_u128();
        match left {
            Expr::Meta("l4proto")
            | Expr::Payload(Payload::Field {
                protocol: "ip",
                field: "protocol",
            })
            | Expr::Payload(Payload::Field {
                protocol: "ip6",
                field: "nexthdr",
            }) => self.l4 = u8::try_from(n).ok(),
            Expr::Payload(Payload::Field {
                protocol: "icmp" | "icmpv6",
                field: "type",
            }) => self.icmp_type = u8::try_from(n).ok(),
            Expr::Meta("nfproto") => {
                self.l3 = match n {
                    2 => Some(0x0800),
                    10 => Some(0x86dd),
                    _ => self.l3,
                }
            }
            Expr::Meta("protocol") => self.l3 = u16::try_from(n).ok(),
            Expr::Payload(Payload::Field {
                protocol: p @ ("ether" | "vlan"),
                field: "type",
            }) => {
                self.l3 = u16::try_from(n).ok();
                let tpid = matches!(n, 0x8100 | 0x88a8);
                if *p == "ether" {
                    self.vlans = u32::from(tpid);
                } else if tpid {
                    self.vlans = self.vlans.saturating_add(1);
                }
            }
            _ => {}
        }
    }

    fn matches(&mut self, op: Op, left: &Expr, right: &Expr) -> R<()> {
        // nft matches a one-element anonymous set's element itself, with
        // the same operator (`ct state { invalid }` is `ct state invalid`,
        // `tcp dport != { 22 }` is `tcp dport != 22`); a concatenation
        // stays a set.
        if let Expr::Set(elems) = right {
            if let [one @ (Expr::Value(_) | Expr::Prefix { .. } | Expr::Range(..))] =
                elems.as_slice()
            {
                return self.matches(op, left, one);
            }
        }
        let prefix_bytes = match (right, left) {
            // (`/0` is a whole load masked to nothing, as nft sends it)
            (Expr::Prefix { len, .. }, Expr::Payload(_)) if len % 8 == 0 && *len > 0 => {
                Some(len / 8)
            }
            _ => None,
        };
        if let (Expr::Exthdr(x), Expr::Value(v)) = (left, right) {
            if v.ty == Datatype::Boolean && x.raw.is_some() {
                // A raw option's presence (`tcp option @255,0,8 missing`).
                let (op_, kind, _) = ext_lookup(x)?;
                self.out.push(KExpr::Exthdr(kx::Exthdr {
                    dreg: Some(1),
                    kind: Some(kind),
                    offset: Some(0),
                    len: Some(1),
                    flags: Some(1),
                    op: Some(kx::ExthdrOp(op_)),
                    ..Default::default()
                }));
                let c = if op == Op::Neq {
                    kx::CmpOp::NEQ
                } else {
                    kx::CmpOp::EQ
                };
                self.cmp(c, 1, vec![u8::from(v.as_u128() != 0)]);
                return Ok(());
            }
        }
        if let (Expr::Fib { .. }, Expr::Value(v)) = (left, right) {
            if v.ty == Datatype::Boolean {
                // `fib ... oif exists`: the result's presence.
                self.load(left, 1, None)?;
                if let Some(KExpr::Fib(f)) = self.out.last_mut() {
                    f.flags = Some(f.flags.unwrap_or(0) | 32);
                }
                let op = if op == Op::Neq {
                    kx::CmpOp::NEQ
                } else {
                    kx::CmpOp::EQ
                };
                self.cmp(op, 1, u32::from(v.as_u128() != 0).to_ne_bytes().to_vec());
                return Ok(());
            }
        }
        self.concat_hton = match right {
            Expr::Set(e) => concat_ranges(left, e),
            Expr::SetRef(n) => {
                let key = (
                    self.fam,
                    self.table.to_owned(),
                    n.trim_start_matches('@').to_owned(),
                );
                matches!(left, Expr::Concat(_)) && self.lz.concat_range_sets.contains(&key)
            }
            _ => false,
        };
        let l = self.load(left, 1, prefix_bytes)?;
        self.note_context(left, right, op);
        let cmpop = |op: Op| -> R<kx::CmpOp> {
            Ok(match op {
                Op::Eq | Op::In => kx::CmpOp::EQ,
                Op::Neq | Op::Not => kx::CmpOp::NEQ,
                Op::Lt => kx::CmpOp::LT,
                Op::Gt => kx::CmpOp::GT,
                Op::Lte => kx::CmpOp::LTE,
                Op::Gte => kx::CmpOp::GTE,
            })
        };
        match right {
            Expr::Value(v) if matches!(op, Op::In | Op::Not) => {
                self.flag_match(&l, op, v.as_u128())
            }
            Expr::List(vs) => {
                let mut n = 0u128;
                for x in vs {
                    let Expr::Value(v) = x else {
                        return Err("list of non-constants".into());
                    };
                    n |= v.as_u128();
                }
                if matches!(op, Op::In | Op::Not) {
                    return self.flag_match(&l, op, n);
                }
                // `==`/`!=` a combination of flags: the value itself.
                let v = Value::number(l.ty, l.bits, n);
                let d = kbytes(&v, l.nbytes, l.host, l.shift);
                self.cmp(cmpop(op)?, 1, d);
                Ok(())
            }
            Expr::Value(v) => {
                if let Some(s) = v.as_str().strip_suffix('*').filter(|_| {
                    matches!(v.ty, Datatype::Ifname | Datatype::String)
                        && !v.as_str().ends_with("\\*")
                }) {
                    self.cmp(cmpop(op)?, 1, s.as_bytes().to_vec());
                    return Ok(());
                }
                let d = kbytes(v, l.nbytes, l.host, l.shift);
                self.cmp(cmpop(op)?, 1, d);
                Ok(())
            }
            Expr::Prefix { addr, len } => {
                let Expr::Value(v) = &**addr else {
                    return Err("prefix of a non-constant".into());
                };
                if *len > l.bits {
                    return Err(format!("prefix /{len} of a {}-bit value", l.bits));
                }
                let full = kbytes(v, l.bits.div_ceil(8) as usize, false, 0);
                if prefix_bytes.is_some() {
                    self.cmp(cmpop(op)?, 1, full[..l.nbytes].to_vec());
                } else {
                    let m: u128 = if *len == 0 {
                        0
                    } else {
                        (!0u128) << (128 - len.min(&128))
                    };
                    let mb = m.to_be_bytes();
                    let mut mask = mb[..l.nbytes].to_vec();
                    let mut d: Vec<u8> = full.iter().zip(&mask).map(|(a, b)| a & b).collect();
                    if l.host {
                        mask.reverse();
                        d.reverse();
                    }
                    self.bitwise(1, mask);
                    self.cmp(cmpop(op)?, 1, d);
                }
                Ok(())
            }
            Expr::Range(lo, hi) => {
                let (Expr::Value(a), Expr::Value(b)) = (&**lo, &**hi) else {
                    return Err("range of non-constants".into());
                };
                if l.host && l.nbytes > 1 {
                    self.out.push(KExpr::Byteorder(kx::Byteorder {
                        sreg: Some(1),
                        dreg: Some(1),
                        op: Some(kx::ByteorderOp::HTON),
                        len: Some(u32_of(l.nbytes)),
                        size: Some(u32_of(l.nbytes)),
                        ..Default::default()
                    }));
                }
                let a = kbytes(a, l.nbytes, false, l.shift);
                let b = kbytes(b, l.nbytes, false, l.shift);
                if op == Op::Neq {
                    self.out.push(KExpr::Range(kx::Range {
                        sreg: Some(1),
                        op: Some(kx::RangeOp::NEQ),
                        from: Some(Data::Value(a)),
                        to: Some(Data::Value(b)),
                        ..Default::default()
                    }));
                } else {
                    self.cmp(kx::CmpOp::GTE, 1, a);
                    self.cmp(kx::CmpOp::LTE, 1, b);
                }
                Ok(())
            }
            Expr::Set(elems) => {
                let (name, id) = self.anon_set(&l, left, elems, None)?;
                self.lookup(1, name, Some(id), op == Op::Neq, None);
                Ok(())
            }
            Expr::SetRef(name) => {
                self.lookup(1, name.clone(), None, op == Op::Neq, None);
                Ok(())
            }
            other => Err(format!("unsupported right-hand side {other:?}")),
        }
    }

    fn flag_match(&mut self, l: &Loaded, op: Op, n: u128) -> R<()> {
        let v = Value::number(l.ty, l.bits, n);
        let mask = kbytes(&v, l.nbytes, l.host, l.shift);
        self.bitwise(1, mask);
        let op = if op == Op::Not {
            kx::CmpOp::EQ
        } else {
            kx::CmpOp::NEQ
        };
        self.cmp(op, 1, vec![0; l.nbytes]);
        Ok(())
    }

    /// Loads a statement argument (a constant or an expression) into `reg`.
    fn arg(&mut self, e: &Expr, reg: u32, ty: Datatype, bits: u32, host: bool) -> R<()> {
        match e {
            Expr::Value(v) => {
                let d = kbytes(v, bits.div_ceil(8) as usize, host, 0);
                self.out.push(KExpr::Immediate(kx::Immediate {
                    dreg: Some(reg),
                    data: Some(Data::Value(d)),
                    ..Default::default()
                }));
                Ok(())
            }
            Expr::List(vs) => {
                let mut n = 0u128;
                for x in vs {
                    let Expr::Value(v) = x else {
                        return Err("list of non-constants".into());
                    };
                    n |= v.as_u128();
                }
                self.arg(
                    &Expr::Value(Value::number(ty, bits, n)),
                    reg,
                    ty,
                    bits,
                    host,
                )
            }
            Expr::Map { key, data } => {
                // `KEY map DATA`: the key looked up, the data into `reg`.
                self.concat_hton = matches!(&**data, Expr::Set(e) if concat_ranges(key, e));
                let l = self.load(key, reg, None)?;
                match &**data {
                    Expr::SetRef(n) => {
                        let n = n.trim_start_matches('@').to_owned();
                        self.lookup(reg, n, None, false, Some(reg));
                    }
                    Expr::Set(elems) => {
                        // Data as wide and in the byte order of what it
                        // is written to (`ct zone set meta mark map {...}`).
                        let md = MapData {
                            ty,
                            bits: ty.bits().unwrap_or(bits),
                            host: host || ty.host_order(),
                        };
                        let (name, id) = self.anon_set(&l, key, elems, Some(md))?;
                        self.lookup(reg, name, Some(id), false, Some(reg));
                    }
                    _ => return Err("map data is neither a set nor a set reference".into()),
                }
                Ok(())
            }
            other => self.load(other, reg, None).map(|_| ()),
        }
    }

    fn stmt(&mut self, s: &Stmt) -> R<()> {
        match s {
            Stmt::Match { op, left, right } => self.matches(*op, left, right),
            Stmt::Verdict(v) => {
                self.out.push(KExpr::verdict(kverdict(v)));
                Ok(())
            }
            Stmt::Counter(c) => {
                self.out.push(KExpr::Counter(kx::Counter {
                    bytes: Some(c.bytes),
                    packets: Some(c.packets),
                    ..Default::default()
                }));
                Ok(())
            }
            Stmt::Mangle { key, value } => {
                let (ty, bits) = etype(key, self.fam)?;
                let host = host_order(key, ty, bits);
                match key {
                    Expr::Meta(k) => {
                        let (mk, _, _) = meta_key(k)?;
                        self.arg(value, 1, ty, bits, host)?;
                        self.out.push(KExpr::Meta(kx::Meta {
                            key: Some(kx::MetaKey(mk)),
                            sreg: Some(1),
                            ..Default::default()
                        }));
                        Ok(())
                    }
                    Expr::Ct { key: k, dir } => {
                        let (ck, _, _) = ct_key(k, self.fam)?;
                        self.arg(value, 1, ty, bits, host)?;
                        self.out.push(KExpr::Ct(kx::Ct {
                            sreg: Some(1),
                            key: Some(kx::CtKey(ck)),
                            direction: dir.map(|d| u8::from(d == "reply")),
                            ..Default::default()
                        }));
                        Ok(())
                    }
                    Expr::Payload(Payload::Field { protocol, field }) => {
                        self.payload_mangle(protocol, field, value)
                    }
                    Expr::Exthdr(x) => {
                        // `tcp option maxseg size set 1360`: a whole-byte option field.
                        let (op, kind, f) = ext_lookup(x)?;
                        let Some((off, len, _)) = f.filter(|(o, l, _)| o % 8 == 0 && l % 8 == 0)
                        else {
                            return Err("write of an option's presence or bit field".into());
                        };
                        self.arg(value, 1, ty, bits, false)?;
                        self.out.push(KExpr::Exthdr(kx::Exthdr {
                            sreg: Some(1),
                            kind: Some(kind),
                            offset: Some(off / 8),
                            len: Some(len / 8),
                            op: Some(kx::ExthdrOp(op)),
                            ..Default::default()
                        }));
                        Ok(())
                    }
                    Expr::Payload(Payload::Raw { base, offset, len })
                        if offset % 8 == 0 && len % 8 == 0 && (8..=128).contains(len) =>
                    {
                        // `@nh,8,8 set 0x10`: whole bytes, no checksum fixed
                        // (as nft writes it).
                        self.arg(value, 1, Datatype::Integer, *len, false)?;
                        let base = match *base {
                            "ll" => kx::PayloadBase::LL,
                            "nh" => kx::PayloadBase::NETWORK,
                            "th" => kx::PayloadBase::TRANSPORT,
                            _ => kx::PayloadBase::INNER,
                        };
                        self.out.push(KExpr::Payload(kx::Payload {
                            sreg: Some(1),
                            base: Some(base),
                            offset: Some(offset / 8),
                            len: Some(len / 8),
                            csum_type: Some(0),
                            csum_offset: Some(0),
                            csum_flags: Some(0),
                            ..Default::default()
                        }));
                        Ok(())
                    }
                    _ => Err("unsupported mangle key".into()),
                }
            }
            Stmt::Vmap { key, data } => {
                self.concat_hton = matches!(data, Expr::Set(e) if concat_ranges(key, e));
                let l = self.load(key, 1, None)?;
                match data {
                    Expr::SetRef(name) => self.lookup(1, name.clone(), None, false, Some(0)),
                    Expr::Set(elems) => {
                        let (name, id) =
                            self.anon_set(&l, key, elems, Some(MapData::of(Datatype::Verdict)))?;
                        self.lookup(1, name, Some(id), false, Some(0));
                    }
                    _ => return Err("vmap data".into()),
                }
                Ok(())
            }
            Stmt::Log(lg) => {
                let level = lg.level.map(|l| match l {
                    "emerg" => 0,
                    "alert" => 1,
                    "crit" => 2,
                    "err" => 3,
                    "warn" => 4,
                    "notice" => 5,
                    "info" => 6,
                    "debug" => 7,
                    _ => 8,
                });
                let mut flags = 0u32;
                for f in &lg.flags {
                    flags |= match *f {
                        "tcp sequence" => 1,
                        "tcp options" => 2,
                        "ip options" => 4,
                        "skuid" => 8,
                        "ether" => 0x20,
                        "all" => 0x2f,
                        _ => 0,
                    };
                }
                let group = lg.group;
                self.out.push(KExpr::Log(kx::Log {
                    prefix: lg.prefix.clone(),
                    group,
                    snaplen: lg.snaplen,
                    qthreshold: lg.qthreshold,
                    level,
                    flags: (flags != 0).then_some(flags),
                    ..Default::default()
                }));
                Ok(())
            }
            Stmt::Limit(l) => {
                self.out.push(KExpr::Limit(klimit(l)));
                Ok(())
            }
            Stmt::Quota(q) => {
                self.out.push(KExpr::Quota(kquota(q)));
                Ok(())
            }
            Stmt::CtCount { val, inv } => {
                self.out.push(KExpr::Connlimit(kx::Connlimit {
                    count: Some(*val),
                    flags: Some(u32::from(*inv)),
                    ..Default::default()
                }));
                Ok(())
            }
            Stmt::Notrack => {
                self.out.push(KExpr::Notrack);
                Ok(())
            }
            Stmt::Objref {
                kind,
                name: Expr::Map { key, data },
            } => {
                let otype = obj_type(kind)?;
                let (set_name, set_id) = match &**data {
                    Expr::SetRef(set) => {
                        self.load(key, 1, None)?;
                        (set.trim_start_matches('@').to_owned(), None)
                    }
                    Expr::Set(elems) => {
                        // An anonymous object map (`__objmap%d`): object
                        // names as its elements' data.
                        self.concat_hton = concat_ranges(key, elems);
                        let l = self.load(key, 1, None)?;
                        let (_, id) = self.anon_set(&l, key, elems, None)?;
                        let name = "__objmap%d";
                        if let Some((set, se)) = self.sets.last_mut() {
                            set.name = Some(name.into());
                            set.flags = set.flags.map(|f| f | SetFlags::OBJECT);
                            set.obj_type = Some(otype);
                            if let Some(ud) = set.userdata.as_mut() {
                                tlv(ud, 6, &0u32.to_ne_bytes());
                            }
                            se.set = Some(name.into());
                        }
                        (name.to_owned(), Some(id))
                    }
                    _ => return Err("object map data is neither a set nor a set reference".into()),
                };
                self.out.push(KExpr::Objref(kx::Objref {
                    set_sreg: Some(1),
                    set_name: Some(set_name),
                    set_id,
                    ..Default::default()
                }));
                Ok(())
            }
            Stmt::Objref { kind, name } => {
                let Expr::Value(v) = name else {
                    return Err("object reference through a map".into());
                };
                self.out.push(KExpr::Objref(kx::Objref {
                    imm_type: Some(obj_type(kind)?),
                    imm_name: Some(v.as_str()),
                    ..Default::default()
                }));
                Ok(())
            }
            Stmt::Reject(r) => self.reject(r),
            Stmt::Nat(n) => self.nat(n),
            Stmt::Queue { num, flags } => {
                let mut f = 0u16;
                for x in flags {
                    f |= match *x {
                        "bypass" => 1,
                        "fanout" => 2,
                        _ => 0,
                    };
                }
                let (num, total) = match num {
                    None => (0u16, 1u16),
                    Some(Expr::Value(v)) => (u16::try_from(v.as_u128()).unwrap_or(0), 1),
                    Some(Expr::Range(a, b)) => match (&**a, &**b) {
                        (Expr::Value(a), Expr::Value(b)) => {
                            let a = u16::try_from(a.as_u128()).unwrap_or(0);
                            let b = u16::try_from(b.as_u128()).unwrap_or(0);
                            (a, b.saturating_sub(a) + 1)
                        }
                        _ => return Err("queue range".into()),
                    },
                    _ => return Err("queue number from an expression".into()),
                };
                self.out.push(KExpr::Queue(kx::Queue {
                    num: Some(num),
                    total: Some(total),
                    flags: Some(f),
                    ..Default::default()
                }));
                Ok(())
            }
            Stmt::Reset(Expr::Exthdr(x)) => {
                // `reset tcp option sack0`: the option stripped.
                let (op, kind) = match x.raw {
                    Some((k, ..)) => (1, u8::try_from(k).map_err(|_| "option kind".to_string())?),
                    None => {
                        let (op, kind, _) = ext_lookup(x)?;
                        (op, kind)
                    }
                };
                self.out.push(KExpr::Exthdr(kx::Exthdr {
                    kind: Some(kind),
                    op: Some(kx::ExthdrOp(op)),
                    ..Default::default()
                }));
                Ok(())
            }
            Stmt::Synproxy(sp) => {
                self.out.push(KExpr::Synproxy(ksynproxy(sp)));
                Ok(())
            }
            Stmt::Tproxy { family, addr, port } => {
                let (aty, abits, nfam) = self.addr_type(*family);
                let mut reg = 1;
                let mut reg_addr = None;
                if let Some(a) = addr {
                    self.arg(a, reg, aty, abits, false)?;
                    reg_addr = Some(reg);
                    reg += 1;
                }
                let mut reg_port = None;
                if let Some(p) = port {
                    self.arg(p, reg, Datatype::InetService, 16, false)?;
                    reg_port = Some(reg);
                }
                // inet without a family: NFPROTO_UNSPEC (the kernel
                // refuses NFPROTO_INET with EOPNOTSUPP).
                let fam = if family.is_none() && self.fam == ProtoFamily::Inet {
                    0
                } else {
                    nfam
                };
                self.out.push(KExpr::Tproxy(kx::Tproxy {
                    family: Some(fam),
                    reg_addr,
                    reg_port,
                    ..Default::default()
                }));
                Ok(())
            }
            Stmt::Dup { addr, dev } => {
                let (aty, abits, _) = self.addr_type(None);
                let mut reg = 1;
                let mut sreg_addr = None;
                if let Some(a) = addr {
                    self.arg(a, reg, aty, abits, false)?;
                    sreg_addr = Some(reg);
                    reg += 1;
                }
                let mut sreg_dev = None;
                if let Some(d) = dev {
                    self.dev_arg(d, reg)?;
                    sreg_dev = Some(reg);
                }
                self.out.push(KExpr::Dup(kx::Dup {
                    sreg_addr,
                    sreg_dev,
                    ..Default::default()
                }));
                Ok(())
            }
            Stmt::Fwd { dev, family, addr } => {
                self.dev_arg(dev, 1)?;
                let mut sreg_addr = None;
                let mut nfproto = None;
                if let Some(a) = addr {
                    let (aty, abits, nfam) = self.addr_type(*family);
                    self.arg(a, 2, aty, abits, false)?;
                    sreg_addr = Some(2);
                    nfproto = Some(nfam);
                }
                self.out.push(KExpr::Fwd(kx::Fwd {
                    sreg_dev: Some(1),
                    sreg_addr,
                    nfproto,
                    ..Default::default()
                }));
                Ok(())
            }
            Stmt::Set {
                op,
                elem,
                set,
                stmts,
            } => self.dynset(op, elem, None, set, stmts),
            Stmt::Meter {
                name,
                key,
                stmt,
                size,
            } => self.meter(name, key, stmt, *size),
            Stmt::MapUpdate {
                op,
                elem,
                data,
                map,
                stmts,
            } => self.dynset(op, elem, Some(data), map, stmts),
            Stmt::Flow { flowtable } => {
                self.out.push(KExpr::FlowOffload(kx::FlowOffload {
                    table_name: Some(flowtable.trim_start_matches('@').to_owned()),
                    ..Default::default()
                }));
                Ok(())
            }
            Stmt::Last { used_ms } => {
                // `last`: never matched, or `used_ms` ago (as nft sends a
                // listed one back).
                self.out.push(KExpr::Last(kx::Last {
                    set: used_ms.map(|_| 1),
                    msecs: *used_ms,
                    ..Default::default()
                }));
                Ok(())
            }
            other => Err(format!("unsupported statement {}", stmt_name(other))),
        }
    }

    /// `meter NAME size N { KEY [timeout T] STMT }`: a dynamic set of the
    /// rule (anonymous, `NFT_SET_EVAL`) that the packet path fills.
    fn meter(&mut self, name: &str, key: &Expr, stmt: &Stmt, size: Option<u32>) -> R<()> {
        let (kval, timeout) = match key {
            Expr::Elem(e) => (&e.val, e.timeout_ms),
            k => (k, None),
        };
        let l = self.load(kval, 1, None)?;
        self.lz.next_set_id += 1;
        let id = self.lz.next_set_id;
        let mut flags = SetFlags::ANONYMOUS | SetFlags::EVAL;
        if timeout.is_some() {
            flags |= SetFlags::TIMEOUT;
        }
        let concat = matches!(kval, Expr::Concat(_));
        let key_type = if concat {
            etype(kval, self.fam)?.0.id()
        } else {
            l.ty.id()
        };
        let mut set = Set::new(self.fam, self.table, name, key_type, u32_of(l.nbytes));
        set.flags = Some(flags);
        set.id = Some(id);
        set.desc = size.map(|sz| SetDesc {
            size: Some(sz),
            ..Default::default()
        });
        let order: u32 = if concat {
            0
        } else if l.host || matches!(l.ty, Datatype::String | Datatype::Ifname) {
            1
        } else {
            2
        };
        let mut ud = Vec::new();
        tlv(&mut ud, 0, &order.to_ne_bytes());
        set.userdata = Some(ud);
        let (expr, exprs) = self.elem_stmts(std::slice::from_ref(stmt))?;
        self.out.push(KExpr::Dynset(kx::Dynset {
            sreg_key: Some(1),
            op: Some(if timeout.is_some() {
                kx::DynsetOp::UPDATE
            } else {
                kx::DynsetOp::ADD
            }),
            set_name: Some(name.to_owned()),
            set_id: Some(id),
            timeout,
            expr,
            flags: exprs.as_ref().map(|_| 2),
            exprs,
            ..Default::default()
        }));
        let se = SetElems {
            family: self.fam,
            table: Some(self.table.into()),
            set: Some(name.into()),
            elements: Some(Elements(Vec::new())),
            set_id: Some(id),
            ..Default::default()
        };
        self.sets.push((set, se));
        Ok(())
    }

    /// A set-update (`data` none) or map-update statement: the key in
    /// register 1, the data in the next free one, then the dynset.
    fn dynset(
        &mut self,
        op: &str,
        elem: &Expr,
        data: Option<&Expr>,
        set: &str,
        stmts: &[Stmt],
    ) -> R<()> {
        let (key, timeout) = match elem {
            Expr::Elem(e) => (&e.val, e.timeout_ms),
            e => (e, None),
        };
        let l = self.load(key, 1, None)?;
        let sreg_data = match data {
            Some(data) => {
                let dreg = 1 + u32_of(l.nbytes).div_ceil(16);
                let (ty, bits) = match data {
                    Expr::Value(v) => (v.ty, v.bits),
                    e => etype(e, self.fam)?,
                };
                self.arg(data, dreg, ty, bits, ty.host_order())?;
                Some(dreg)
            }
            None => None,
        };
        let (expr, exprs) = self.elem_stmts(stmts)?;
        self.out.push(KExpr::Dynset(kx::Dynset {
            sreg_key: Some(1),
            sreg_data,
            op: Some(match op {
                "add" => kx::DynsetOp::ADD,
                "update" => kx::DynsetOp::UPDATE,
                _ => kx::DynsetOp::DELETE,
            }),
            set_name: Some(set.trim_start_matches('@').to_owned()),
            timeout,
            expr,
            // Several: NFT_DYNSET_F_EXPR.
            flags: exprs.as_ref().map(|_| 2),
            exprs,
            ..Default::default()
        }));
        Ok(())
    }

    /// The expressions of statements attached to a dynamic set's elements.
    fn elem_stmts(&mut self, stmts: &[Stmt]) -> R<(Option<Box<KExpr>>, Option<ExprList>)> {
        let mut exprs = Vec::new();
        for st in stmts {
            let mut sub = Lin {
                fam: self.fam,
                out: Vec::new(),
                l3: self.l3,
                l4: self.l4,
                ether: self.ether,
                icmp_type: self.icmp_type,
                sets: Vec::new(),
                lz: &mut *self.lz,
                table: self.table,
                concat_hton: false,
                vlans: self.vlans,
            };
            sub.stmt(st)?;
            exprs.extend(sub.out);
        }
        Ok(match exprs.len() {
            0 => (None, None),
            1 => (exprs.pop().map(Box::new), None),
            _ => (None, Some(ExprList(exprs))),
        })
    }

    fn reject(&mut self, r: &Reject) -> R<()> {
        // nft puts a reject's dependency (`meta l4proto tcp`, `meta nfproto
        // ipv4`) at the start of the rule, not before the reject.
        let start = self.out.len();
        let (kind, code) = match (r.kind, &r.code) {
            (Some("tcp reset"), _) => {
                self.need_l4(6);
                (1u32, 0u8)
            }
            (Some("icmpx"), c) => (2, code_of(c, 1)),
            (Some("icmp"), c) => {
                self.need_l3(0x0800);
                (0, code_of(c, 3))
            }
            (Some("icmpv6"), c) => {
                self.need_l3(0x86dd);
                (0, code_of(c, 4))
            }
            (None, _) => match self.fam {
                ProtoFamily::Ipv4 => (0, 3),
                ProtoFamily::Ipv6 => (0, 4),
                _ => (2, 1),
            },
            (Some(k), _) => return Err(format!("reject type {k}")),
        };
        let dep: Vec<KExpr> = self.out.drain(start..).collect();
        self.out.splice(0..0, dep);
        self.out.push(KExpr::Reject(kx::Reject {
            kind: Some(kind),
            icmp_code: Some(code),
            ..Default::default()
        }));
        Ok(())
    }

    fn nat(&mut self, n: &Nat) -> R<()> {
        let mut flags = 0u32;
        for f in &n.flags {
            flags |= match *f {
                "random" => 4,
                "fully-random" => 16,
                "persistent" => 8,
                "netmap" => 64,
                _ => 0,
            };
        }
        let nfam = match (n.family, self.fam) {
            (Some("ip6"), _) | (None, ProtoFamily::Ipv6) => 10u32,
            // No address in an inet table: either family.
            (None, ProtoFamily::Inet) if n.addr.is_none() => 1,
            _ => 2,
        };
        let (aty, abits) = if nfam == 10 {
            (Datatype::Ipv6Addr, 128)
        } else {
            (Datatype::Ipv4Addr, 32)
        };
        let mut regs = [None; 4];
        if let Some(addr @ Expr::Map { data, .. }) = &n.addr {
            // The address (and port) chosen by a map: its data laid out as
            // nft lays it out, each part in the register at its offset.
            let (concat, interval) = match &**data {
                Expr::Set(elems) => (
                    elems
                        .iter()
                        .any(|e| matches!(map_data(e), Some(Expr::Concat(_)))),
                    elems.iter().any(|e| map_data(e).is_some_and(has_range)),
                ),
                _ => (
                    n.type_flags.contains(&"concat"),
                    n.type_flags.contains(&"interval"),
                ),
            };
            let alen: u32 = abits / 8;
            let one = if concat {
                alen.div_ceil(4) * 4 + 4
            } else {
                alen
            };
            self.arg(addr, 1, aty, abits, false)?;
            if matches!(&**data, Expr::Set(_)) {
                if let Some((set, _)) = self.sets.last_mut() {
                    let port = Datatype::InetService.id();
                    set.data_type = Some(if concat {
                        (aty.id() << super::datatype::TYPE_BITS) | port
                    } else {
                        aty.id()
                    });
                    set.data_len = Some(if interval { 2 * one } else { one });
                    if let Some(ud) = set.userdata.as_mut() {
                        // Key byte order, data byte order, key typeof, data interval.
                        let key_typeof = udata_get(ud, 3).map(<[u8]>::to_vec);
                        ud.truncate(6);
                        let order = if concat { 0 } else { type_byteorder(aty) };
                        tlv(ud, 1, &order.to_ne_bytes());
                        if let Some(k) = key_typeof {
                            tlv(ud, 3, &k);
                        }
                        tlv(ud, 6, &u32::from(interval).to_ne_bytes());
                    }
                }
            }
            regs[0] = Some(1);
            if concat {
                regs[2] = Some(nat_reg(alen.div_ceil(4) * 4));
            }
            if interval {
                regs[1] = Some(nat_reg(if concat { one } else { alen }));
                if concat {
                    regs[3] = Some(nat_reg(one + alen.div_ceil(4) * 4));
                }
            }
        } else if let Some(a) = &n.addr {
            match a {
                Expr::Range(lo, hi) => {
                    self.arg(lo, 1, aty, abits, false)?;
                    self.arg(hi, 2, aty, abits, false)?;
                    regs[0] = Some(1);
                    regs[1] = Some(2);
                }
                Expr::Prefix { addr, len } => {
                    let Expr::Value(v) = &**addr else {
                        return Err("nat prefix".into());
                    };
                    if *len > abits {
                        return Err(format!("prefix /{len} of a {abits}-bit address"));
                    }
                    let nb = (abits / 8) as usize;
                    let base = kbytes(v, nb, false, 0);
                    let m: u128 = if *len == 0 {
                        0
                    } else {
                        (!0u128) << (128 - len.min(&128))
                    };
                    let mb = m.to_be_bytes();
                    let hi: Vec<u8> = base.iter().zip(&mb[..nb]).map(|(a, m)| a | !m).collect();
                    for (r, d) in [(1, base), (2, hi)] {
                        self.out.push(KExpr::Immediate(kx::Immediate {
                            dreg: Some(r),
                            data: Some(Data::Value(d)),
                            ..Default::default()
                        }));
                    }
                    regs[0] = Some(1);
                    regs[1] = Some(2);
                }
                e => {
                    self.arg(e, 1, aty, abits, false)?;
                    regs[0] = Some(1);
                }
            }
        }
        if let Some(p) = &n.port {
            let (r1, r2) = if regs[0].is_some() { (3, 4) } else { (1, 2) };
            match p {
                Expr::Range(lo, hi) => {
                    self.arg(lo, r1, Datatype::InetService, 16, false)?;
                    self.arg(hi, r2, Datatype::InetService, 16, false)?;
                    regs[2] = Some(r1);
                    regs[3] = Some(r2);
                }
                e => {
                    self.arg(e, r1, Datatype::InetService, 16, false)?;
                    regs[2] = Some(r1);
                }
            }
            flags |= 2;
        }
        let fl = (flags != 0).then_some(flags);
        match n.kind {
            NatKind::Snat | NatKind::Dnat => {
                self.out.push(KExpr::Nat(kx::Nat {
                    kind: Some(if n.kind == NatKind::Snat {
                        kx::NatType::SNAT
                    } else {
                        kx::NatType::DNAT
                    }),
                    family: Some(nfam),
                    reg_addr_min: regs[0],
                    reg_addr_max: regs[1],
                    reg_proto_min: regs[2],
                    reg_proto_max: regs[3],
                    flags: fl,
                    ..Default::default()
                }));
            }
            NatKind::Masquerade => self.out.push(KExpr::Masq(kx::Masq {
                flags: fl,
                reg_proto_min: regs[2],
                reg_proto_max: regs[3],
                ..Default::default()
            })),
            NatKind::Redirect => self.out.push(KExpr::Redir(kx::Redir {
                reg_proto_min: regs[2],
                reg_proto_max: regs[3],
                flags: fl,
                ..Default::default()
            })),
        }
        Ok(())
    }
}

/// The register of NAT data `offset` bytes into register 1: a 16-byte
/// register where one starts, else a 4-byte one (as nft names them).
fn nat_reg(offset: u32) -> u32 {
    if offset % 16 == 0 {
        1 + offset / 16
    } else {
        8 + offset / 4
    }
}

/// A map element's data.
fn map_data(e: &Expr) -> Option<&Expr> {
    match e {
        Expr::Mapping(_, d) => Some(d),
        Expr::Elem(b) => map_data(&b.val),
        _ => None,
    }
}

/// `synproxy` options (`NF_SYNPROXY_OPT_*`: an option given sets its bit).
fn ksynproxy(sp: &Synproxy) -> kx::Synproxy {
    let mut f = 0u32;
    if sp.mss.is_some() {
        f |= 1;
    }
    if sp.wscale.is_some() {
        f |= 2;
    }
    for x in &sp.flags {
        f |= match *x {
            "sack-perm" => 4,
            "timestamp" => 8,
            _ => 0,
        };
    }
    kx::Synproxy {
        mss: Some(sp.mss.unwrap_or(0)),
        wscale: Some(sp.wscale.unwrap_or(0)),
        flags: Some(f),
        ..Default::default()
    }
}

/// The expression of a statement attached to set elements (`counter`,
/// `limit`, `quota`).
fn stmt_expr(st: &Stmt) -> R<KExpr> {
    Ok(match st {
        Stmt::Counter(c) => KExpr::Counter(kx::Counter {
            bytes: Some(c.bytes),
            packets: Some(c.packets),
            ..Default::default()
        }),
        Stmt::Limit(l) => KExpr::Limit(klimit(l)),
        Stmt::Quota(q) => KExpr::Quota(kquota(q)),
        other => return Err(format!("element statement {}", stmt_name(other))),
    })
}

fn code_of(c: &Option<Expr>, default: u8) -> u8 {
    match c {
        Some(Expr::Value(v)) => u8::try_from(v.as_u128()).unwrap_or(default),
        _ => default,
    }
}

/// The JSON key of a statement (for errors).
pub fn stmt_name(s: &Stmt) -> &'static str {
    match s {
        Stmt::Match { .. } => "match",
        Stmt::Verdict(v) => v.keyword(),
        Stmt::Counter(_) => "counter",
        Stmt::Mangle { .. } => "mangle",
        Stmt::Vmap { .. } => "vmap",
        Stmt::Log(_) => "log",
        Stmt::Limit(_) => "limit",
        Stmt::Quota(_) => "quota",
        Stmt::CtCount { .. } => "ct count",
        Stmt::Nat(n) => n.kind.keyword(),
        Stmt::Reject(_) => "reject",
        Stmt::Set { .. } => "set",
        Stmt::MapUpdate { .. } => "map",
        Stmt::Objref { kind, .. } => kind,
        Stmt::Dup { .. } => "dup",
        Stmt::Fwd { .. } => "fwd",
        Stmt::Notrack => "notrack",
        Stmt::Queue { .. } => "queue",
        Stmt::Synproxy(_) => "synproxy",
        Stmt::Tproxy { .. } => "tproxy",
        Stmt::Meter { .. } => "meter",
        Stmt::Xt { .. } => "xt",
        Stmt::Flow { .. } => "flow",
        Stmt::Last { .. } => "last",
        Stmt::Untranslated(_) => "untranslated",
        Stmt::Reset(_) => "reset",
    }
}

/// How a set's keys (and data) are laid out.
#[derive(Clone, Debug)]
struct KeyInfo {
    /// Byte length of each key field (one for a plain key).
    lens: Vec<usize>,
    host: bool,
    /// Host byte order of each field of a concatenation.
    hosts: Vec<bool>,
    shift: u32,
    /// Map data type and its byte order.
    data: Option<(Datatype, bool)>,
}

fn key_of(k: &KeyInfo, e: &Expr) -> R<Vec<u8>> {
    match e {
        Expr::Value(v) => Ok(kbytes(v, k.lens.iter().sum(), k.host, k.shift)),
        Expr::Concat(parts) => {
            let mut out = Vec::new();
            for (i, (p, len)) in parts.iter().zip(&k.lens).enumerate() {
                let Expr::Value(v) = p else {
                    return Err("concatenated ranges are not supported".into());
                };
                let host = k.hosts.get(i).copied().unwrap_or(false);
                let mut b = kbytes(v, *len, host, 0);
                b.resize(len.div_ceil(4) * 4, 0);
                out.extend(b);
            }
            Ok(out)
        }
        other => Err(format!("unsupported set element {other:?}")),
    }
}

/// An interval `[lo, hi]` of an element (a prefix, a range or a value).
fn bounds(k: &KeyInfo, e: &Expr) -> R<(Vec<u8>, Vec<u8>)> {
    match e {
        Expr::Prefix { addr, len } => {
            let lo = key_of(k, addr)?;
            let mut hi = lo.clone();
            let bits = hi.len() * 8;
            if *len as usize > bits {
                return Err(format!("prefix /{len} of a {bits}-bit key"));
            }
            for i in (*len as usize)..bits {
                hi[i / 8] |= 0x80 >> (i % 8);
            }
            Ok((lo, hi))
        }
        Expr::Range(a, b) => Ok((key_of(k, a)?, key_of(k, b)?)),
        v => {
            let x = key_of(k, v)?;
            Ok((x.clone(), x))
        }
    }
}

/// Set elements with interface-name wildcards (`"eth*"`) as the prefixes
/// they are (nft makes such a set an interval set); `\*` is a literal star.
fn wildcards(elems: &[Expr]) -> Vec<Expr> {
    fn one(e: &Expr) -> Expr {
        match e {
            Expr::Value(v)
                if matches!(v.ty, Datatype::Ifname | Datatype::String)
                    && v.data.ends_with(b"*")
                    && !v.data.ends_with(b"\\*") =>
            {
                let stem = &v.data[..v.data.len() - 1];
                Expr::Prefix {
                    addr: Box::new(Expr::Value(Value {
                        ty: v.ty,
                        bits: v.bits,
                        data: stem.to_vec(),
                    })),
                    len: u32_of(stem.len()).saturating_mul(8),
                }
            }
            Expr::Concat(p) => Expr::Concat(p.iter().map(one).collect()),
            Expr::Mapping(k, d) => Expr::Mapping(Box::new(one(k)), d.clone()),
            Expr::Elem(b) => {
                let mut b = b.clone();
                b.val = one(&b.val);
                Expr::Elem(b)
            }
            e => e.clone(),
        }
    }
    elems.iter().map(one).collect()
}

/// Whether `key` is a concatenation looked up in `elems` holding ranges
/// (concatenated ranges, compared in network byte order).
fn concat_ranges(key: &Expr, elems: &[Expr]) -> bool {
    matches!(key, Expr::Concat(_)) && elems.iter().any(has_range)
}

/// Whether an element holds a prefix or a range (the set is an interval set).
fn has_range(e: &Expr) -> bool {
    match e {
        Expr::Prefix { .. } | Expr::Range(..) => true,
        Expr::Concat(parts) => parts.iter().any(has_range),
        Expr::Mapping(k, _) => has_range(k),
        Expr::Elem(b) => has_range(&b.val),
        _ => false,
    }
}

/// Start and end keys of a concatenated element whose fields may be
/// prefixes or ranges (each field padded to 4 bytes).
fn concat_bounds(k: &KeyInfo, e: &Expr) -> R<(Vec<u8>, Vec<u8>)> {
    let Expr::Concat(parts) = e else {
        let x = key_of(k, e)?;
        return Ok((x.clone(), x));
    };
    let (mut lo, mut hi) = (Vec::new(), Vec::new());
    for (i, (p, len)) in parts.iter().zip(&k.lens).enumerate() {
        let host = k.hosts.get(i).copied().unwrap_or(false);
        let val = |x: &Expr| -> R<Vec<u8>> {
            match x {
                Expr::Value(v) => Ok(kbytes(v, *len, host, 0)),
                _ => Err("concatenated field is not a constant".into()),
            }
        };
        let (mut a, mut b) = match p {
            Expr::Prefix { addr, len: plen } => {
                if *plen as usize > len * 8 {
                    return Err(format!("prefix /{plen} of a {}-bit field", len * 8));
                }
                let a = val(addr)?;
                let mut b = a.clone();
                for bit in (*plen as usize)..b.len() * 8 {
                    b[bit / 8] |= 0x80 >> (bit % 8);
                }
                (a, b)
            }
            Expr::Range(x, y) => (val(x)?, val(y)?),
            x => {
                let a = val(x)?;
                (a.clone(), a)
            }
        };
        a.resize(len.div_ceil(4) * 4, 0);
        b.resize(len.div_ceil(4) * 4, 0);
        lo.extend(a);
        hi.extend(b);
    }
    Ok((lo, hi))
}

/// `b + 1` as a big-endian number; `None` on overflow.
fn inc(b: &[u8]) -> Option<Vec<u8>> {
    let mut out = b.to_vec();
    for x in out.iter_mut().rev() {
        if *x == 0xff {
            *x = 0;
        } else {
            *x += 1;
            return Some(out);
        }
    }
    None
}

fn elem_data(k: &KeyInfo, d: &Expr, el: &mut Element) -> R<()> {
    match d {
        // An object map's data: the object's name.
        Expr::Value(v) if v.ty == Datatype::String && k.data.is_none() => {
            el.objref = Some(v.as_str());
        }
        Expr::Verdict(v) => el.data = Some(Data::Verdict(kverdict(v))),
        Expr::Value(v) => {
            let (ty, host) = k.data.unwrap_or((v.ty, false));
            if matches!(ty, Datatype::Other(_)) && k.data.is_none() {
                return Err("map data of unknown type".into());
            }
            el.data = Some(Data::Value(kbytes(
                v,
                ty.bits().unwrap_or(v.bits).div_ceil(8) as usize,
                host,
                0,
            )))
        }
        Expr::Concat(parts) => {
            // Ranges among the fields: every field's start, then every
            // field's end (NAT maps of address and port ranges).
            let ranged = parts.iter().any(has_range);
            let (mut lo, mut hi) = (Vec::new(), Vec::new());
            for p in parts {
                let (mut a, mut b) = data_bounds(p)?;
                a.resize(a.len().div_ceil(4) * 4, 0);
                b.resize(b.len().div_ceil(4) * 4, 0);
                lo.extend(a);
                hi.extend(b);
            }
            if ranged {
                lo.extend(hi);
            }
            el.data = Some(Data::Value(lo));
        }
        Expr::Range(..) | Expr::Prefix { .. } => {
            // An address range or prefix (NAT maps): start, then end.
            let (mut lo, hi) = data_bounds(d)?;
            lo.extend(hi);
            el.data = Some(Data::Value(lo));
        }
        other => return Err(format!("unsupported map data {other:?}")),
    }
    Ok(())
}

/// The first and last value of map data: a value, a range or a prefix.
fn data_bounds(d: &Expr) -> R<(Vec<u8>, Vec<u8>)> {
    let bytes = |v: &Value| kbytes(v, v.bits.div_ceil(8) as usize, v.ty.host_order(), 0);
    match d {
        Expr::Value(v) => Ok((bytes(v), bytes(v))),
        Expr::Range(a, b) => match (&**a, &**b) {
            (Expr::Value(a), Expr::Value(b)) => Ok((bytes(a), bytes(b))),
            _ => Err("range of non-constants".into()),
        },
        Expr::Prefix { addr, len } => {
            let Expr::Value(v) = &**addr else {
                return Err("prefix of a non-constant".into());
            };
            let lo = bytes(v);
            let mut hi = lo.clone();
            if *len as usize > hi.len() * 8 {
                return Err(format!("prefix /{len} of a {}-bit value", hi.len() * 8));
            }
            for i in (*len as usize)..hi.len() * 8 {
                hi[i / 8] |= 0x80 >> (i % 8);
            }
            Ok((lo, hi))
        }
        other => Err(format!("unsupported map data {other:?}")),
    }
}

/// The kernel elements of a set's elements, as nft sends them: interval
/// sets get each range's start, the end as the next value flagged
/// `INTERVAL_END`, and a leading end element at 0 when the first range
/// does not start at 0.
fn elements(k: &KeyInfo, elems: &[Expr], interval: bool) -> R<Vec<Element>> {
    let mut out = Vec::new();
    let mut ranges = Vec::new();
    for e in elems {
        let (e, opts) = match e {
            Expr::Elem(b) => (&b.val, Some(&**b)),
            e => (e, None),
        };
        let (key, data) = match e {
            Expr::Mapping(k, d) => (&**k, Some(&**d)),
            e => (e, None),
        };
        // A map element's options ride on its key (`[{"elem": {"val": KEY,
        // "comment": C}}, DATA]`, as nft lists a commented map element).
        let (key, opts) = match key {
            Expr::Elem(b) if opts.is_none() => (&b.val, Some(&**b)),
            k => (k, opts),
        };
        let mut el = Element::default();
        if let Some(o) = opts {
            el.timeout = o.timeout_ms;
            if let Some(c) = &o.comment {
                let mut ud = Vec::new();
                comment_tlv(&mut ud, 0, c);
                el.userdata = Some(ud);
            }
            let mut exprs = o.stmts.iter().map(stmt_expr).collect::<R<Vec<KExpr>>>()?;
            match exprs.len() {
                0 => {}
                1 => el.expr = exprs.pop().map(Box::new),
                _ => el.exprs = Some(ExprList(exprs)),
            }
        }
        if let Some(d) = data {
            elem_data(k, d, &mut el)?;
        }
        if matches!(key, Expr::Wildcard) {
            el.flags = Some(ElemFlags::CATCHALL);
            out.push(el);
            continue;
        }
        if interval && k.lens.len() > 1 {
            // Concatenated ranges: each element its start and end keys.
            let (lo, hi) = concat_bounds(k, key)?;
            el.key = Some(Data::Value(lo));
            el.key_end = Some(Data::Value(hi));
            out.push(el);
        } else if interval {
            let (lo, hi) = bounds(k, key)?;
            ranges.push((lo, hi, el));
        } else {
            el.key = Some(Data::Value(key_of(k, key)?));
            out.push(el);
        }
    }
    // nft lists hash-set elements in the reverse of the kernel's order,
    // which follows insertion: sent reversed, they list as given. A set of
    // concatenated ranges lists in insertion order: sent as given.
    if !(interval && k.lens.len() > 1) {
        out.reverse();
    }
    if interval {
        ranges.sort_by(|a, b| a.0.cmp(&b.0));
        let mut iv = Vec::new();
        if let Some((lo, _, _)) = ranges.first() {
            if lo.iter().any(|b| *b != 0) {
                iv.push(Element {
                    key: Some(Data::Value(vec![0; lo.len()])),
                    flags: Some(ElemFlags::INTERVAL_END),
                    ..Default::default()
                });
            }
        }
        for (lo, hi, mut el) in ranges {
            el.key = Some(Data::Value(lo));
            iv.push(el);
            if let Some(end) = inc(&hi) {
                iv.push(Element {
                    key: Some(Data::Value(end)),
                    flags: Some(ElemFlags::INTERVAL_END),
                    ..Default::default()
                });
            }
        }
        // Adjacent ranges keep both the end and the next start, as nft sends them.
        out.extend(iv);
    }
    Ok(out)
}

fn type_of_names(names: &[String]) -> R<(Vec<Datatype>, Vec<usize>)> {
    if names.is_empty() {
        return Err("no key type".into());
    }
    let mut tys = Vec::new();
    let mut lens = Vec::new();
    for n in names {
        let t = datatype_by_name(n).ok_or_else(|| format!("unknown type {n}"))?;
        let bits = t
            .bits()
            .ok_or_else(|| format!("type {n} has no fixed size"))?;
        tys.push(t);
        lens.push(bits.div_ceil(8) as usize);
    }
    Ok((tys, lens))
}

/// nft's type named `name` (`ipv4_addr`, `inet_service`...).
pub fn datatype_by_name(name: &str) -> Option<Datatype> {
    (0u32..64)
        .map(Datatype::from_id)
        .find(|t| t.name() == name && !matches!(t, Datatype::Other(_)))
        .map(|t| {
            if name == "time" {
                Datatype::TimeDate
            } else {
                t
            }
        })
}

impl Linearizer {
    /// A linearizer for one transaction.
    pub fn new() -> Self {
        Self::default()
    }

    /// The table.
    pub fn table(&mut self, t: &TableItem) -> Result<Table, Error> {
        let what = || format!("table {} {}", t.family, t.name);
        let fam = family(t.family).map_err(|why| Error { what: what(), why })?;
        let mut out = Table::new(fam, &t.name);
        let mut f = TableFlags::empty();
        for x in &t.flags {
            f |= match *x {
                "dormant" => TableFlags::DORMANT,
                "owner" => TableFlags::OWNER,
                "persist" => TableFlags::PERSIST,
                _ => TableFlags::empty(),
            };
        }
        if !f.is_empty() {
            out.flags = Some(f);
        }
        if let Some(c) = &t.comment {
            let mut ud = Vec::new();
            comment_tlv(&mut ud, 0, c);
            out.userdata = Some(ud);
        }
        Ok(out)
    }

    /// The chain.
    pub fn chain(&mut self, c: &ChainItem) -> Result<Chain, Error> {
        let err = |why| Error {
            what: format!("chain {} {} {}", c.family, c.table, c.name),
            why,
        };
        let fam = family(c.family).map_err(err)?;
        let mut out = Chain::new(fam, &c.table, &c.name);
        if let Some(b) = &c.base {
            let mut hook = Hook {
                hooknum: Some(hooknum(fam, b.hook).map_err(err)?),
                priority: Some(b.prio),
                ..Default::default()
            };
            match b.devices.len() {
                0 => {}
                1 => hook.dev = Some(b.devices[0].clone()),
                _ => hook.devs = Some(crate::object::Devices(b.devices.clone())),
            }
            out.hook = Some(hook);
            out.kind = Some(b.kind.clone());
            out.policy = Some(u32::from(b.policy != "drop"));
        }
        if let Some(cm) = &c.comment {
            let mut ud = Vec::new();
            comment_tlv(&mut ud, 0, cm);
            out.userdata = Some(ud);
        }
        Ok(out)
    }

    /// The set or map and its elements.
    pub fn set(&mut self, s: &SetItem) -> Result<(Set, SetElems), Error> {
        let err = |why| Error {
            what: format!(
                "{} {} {} {}",
                if s.map.is_some() { "map" } else { "set" },
                s.family,
                s.table,
                s.name
            ),
            why,
        };
        let fam = family(s.family).map_err(err)?;
        let (tys, lens) = type_of_names(&s.key_type).map_err(err)?;
        let concat = tys.len() > 1;
        let key_id = tys
            .iter()
            .fold(0u32, |acc, t| (acc << super::datatype::TYPE_BITS) | t.id());
        let key_len: usize = if concat {
            lens.iter().map(|l| l.div_ceil(4) * 4).sum()
        } else {
            lens[0]
        };
        let mut set = Set::new(fam, &s.table, &s.name, key_id, u32_of(key_len));
        let mut flags = SetFlags::empty();
        for f in &s.flags {
            flags |= match *f {
                "constant" => SetFlags::CONSTANT,
                "interval" => SetFlags::INTERVAL,
                "timeout" => SetFlags::TIMEOUT,
                "dynamic" => SetFlags::EVAL,
                _ => SetFlags::empty(),
            };
        }
        let mut ud = Vec::new();
        let host = tys.len() == 1 && tys[0].host_order();
        let order = if concat { 0 } else { type_byteorder(tys[0]) };
        tlv(&mut ud, 0, &order.to_ne_bytes());
        let mut data = None;
        if let Some(m) = &s.map {
            match m.first().map(String::as_str) {
                Some("verdict") => {
                    flags |= SetFlags::MAP;
                    set.data_type = Some(0xffff_ff00);
                    set.data_len = Some(0);
                }
                Some(
                    k @ ("counter" | "quota" | "limit" | "ct helper" | "ct timeout"
                    | "ct expectation" | "secmark" | "synproxy"),
                ) => {
                    flags |= SetFlags::OBJECT;
                    set.obj_type = Some(obj_type(k).map_err(err)?);
                }
                _ => {
                    flags |= SetFlags::MAP;
                    let (dt, dl) = type_of_names(m).map_err(err)?;
                    let did = dt
                        .iter()
                        .fold(0u32, |acc, t| (acc << super::datatype::TYPE_BITS) | t.id());
                    set.data_type = Some(did);
                    let dlen: usize = match dl.as_slice() {
                        [] => return Err(err("map without a data type".into())),
                        [one] => *one,
                        _ => dl.iter().map(|l| l.div_ceil(4) * 4).sum(),
                    };
                    // Ranges as data (NAT maps): every value a start and an end.
                    let ranged = s.elems.iter().any(|e| map_data(e).is_some_and(has_range));
                    set.data_len = Some(u32_of(if ranged { 2 * dlen } else { dlen }));
                    let order = if dl.len() > 1 {
                        0
                    } else {
                        type_byteorder(dt[0])
                    };
                    tlv(&mut ud, 1, &order.to_ne_bytes());
                    if ranged {
                        tlv(&mut ud, 6, &1u32.to_ne_bytes());
                    }
                    data = Some((dt[0], dt.len() == 1 && dt[0].host_order()));
                }
            }
        }
        if concat && flags.contains(SetFlags::INTERVAL) {
            flags |= SetFlags::CONCAT;
            self.concat_range_sets
                .push((fam, s.table.clone(), s.name.clone()));
            {
                set.desc = Some(SetDesc {
                    concat: Some(crate::object::Concat(
                        lens.iter().map(|l| u32_of(*l)).collect(),
                    )),
                    ..Default::default()
                });
            }
        }
        // Statements every element gets (`counter` in the set's declaration).
        let mut exprs = s
            .stmts
            .iter()
            .map(stmt_expr)
            .collect::<R<Vec<KExpr>>>()
            .map_err(err)?;
        match exprs.len() {
            0 => {}
            1 => set.expr = exprs.pop().map(Box::new),
            _ => {
                // Several: NFTA_SET_EXPRESSIONS, which needs NFT_SET_EXPR.
                set.exprs = Some(ExprList(exprs));
                flags |= SetFlags::EXPR;
            }
        }
        set.flags = Some(flags);
        set.timeout = s.timeout.map(|t| t.saturating_mul(1000));
        set.gc_interval = s
            .gc_interval
            .and_then(|t| u32::try_from(t.saturating_mul(1000)).ok());
        if let Some(sz) = s.size {
            set.desc.get_or_insert_with(Default::default).size = Some(sz);
        }
        if s.policy == Some("memory") {
            set.policy = Some(1);
        }
        if let Some(c) = &s.comment {
            comment_tlv(&mut ud, 7, c);
        }
        set.userdata = Some(ud);
        self.next_set_id += 1;
        set.id = Some(self.next_set_id);
        let keyinfo = KeyInfo {
            lens: lens.clone(),
            // Concatenated ranges compare in network order.
            hosts: tys
                .iter()
                .map(|t| t.host_order() && !(concat && flags.contains(SetFlags::INTERVAL)))
                .collect(),
            host,
            shift: 0,
            data,
        };
        // Elements whose statements are not the set's (nft's JSON lists
        // only an element's first one) get the set's, as the kernel gives
        // them when an element names none.
        let elems: Vec<Expr> = s
            .elems
            .iter()
            .map(|e| match e {
                Expr::Elem(b) if !s.stmts.is_empty() && b.stmts.len() != s.stmts.len() => {
                    let mut b = b.clone();
                    b.stmts.clear();
                    Expr::Elem(b)
                }
                e => e.clone(),
            })
            .collect();
        let els = elements(
            &keyinfo,
            &wildcards(&elems),
            flags.contains(SetFlags::INTERVAL),
        )
        .map_err(err)?;
        let se = SetElems {
            family: fam,
            table: Some(s.table.clone()),
            set: Some(s.name.clone()),
            elements: Some(Elements(els)),
            set_id: Some(self.next_set_id),
            ..Default::default()
        };
        Ok((set, se))
    }

    /// The stateful object.
    pub fn obj(&mut self, o: &ObjItem) -> Result<Obj, Error> {
        let err = |why| Error {
            what: format!("{} {} {} {}", o.obj.kind(), o.family, o.table, o.name),
            why,
        };
        let fam = family(o.family).map_err(err)?;
        let data = match &o.obj {
            ObjBody::Counter(c) => ObjData::Counter(kx::Counter {
                bytes: Some(c.bytes),
                packets: Some(c.packets),
                ..Default::default()
            }),
            ObjBody::Quota(q) => ObjData::Quota(kquota(q)),
            ObjBody::Limit(l) => ObjData::Limit(klimit(l)),
            ObjBody::Connlimit { count, inv } => ObjData::Connlimit(kx::Connlimit {
                count: Some(*count),
                flags: Some(u32::from(*inv)),
                ..Default::default()
            }),
            ObjBody::CtHelper {
                helper,
                protocol,
                l3proto,
            } => ObjData::CtHelper(crate::object::CtHelper {
                name: Some(helper.clone()),
                l4proto: Some(match protocol.as_str() {
                    "tcp" => 6,
                    "udp" => 17,
                    p => return Err(err(format!("unknown protocol {p}"))),
                }),
                l3proto: Some(match l3proto.as_str() {
                    "ip" => 2,
                    "ip6" => 10,
                    _ => 1,
                }),
                ..Default::default()
            }),
            ObjBody::Secmark { context } => ObjData::Secmark(crate::object::Secmark {
                ctx: Some(context.clone()),
                ..Default::default()
            }),
            ObjBody::Synproxy(sp) => ObjData::Synproxy(ksynproxy(sp)),
            ObjBody::CtTimeout {
                protocol,
                l3proto,
                policy,
            } => ObjData::CtTimeout(ct_timeout(o.family, protocol, l3proto, policy).map_err(err)?),
            ObjBody::CtExpect {
                protocol,
                dport,
                timeout,
                size,
                l3proto,
            } => ObjData::CtExpect(crate::object::CtExpect {
                l3proto: obj_l3proto(o.family, l3proto).map_err(err)?,
                l4proto: Some(l4_number(protocol).map_err(err)?),
                dport: Some(*dport),
                // The kernel reads this one in host byte order.
                timeout: Some(u32::from_be_bytes(timeout.to_ne_bytes())),
                size: Some(*size),
                ..Default::default()
            }),
            other => return Err(err(format!("unsupported object {}", other.kind()))),
        };
        let mut out = Obj::new(fam, &o.table, &o.name, &data).map_err(|e| err(e.to_string()))?;
        if let Some(c) = &o.comment {
            let mut ud = Vec::new();
            comment_tlv(&mut ud, 0, c);
            out.userdata = Some(ud);
        }
        Ok(out)
    }

    /// The flowtable (`NFT_MSG_NEWFLOWTABLE`): its ingress hook, priority
    /// and devices, flags 0, as nft sends it.
    pub fn flowtable(&mut self, f: &FlowtableItem) -> Result<Flowtable, Error> {
        let err = |why| Error {
            what: format!("flowtable {} {} {}", f.family, f.table, f.name),
            why,
        };
        let fam = family(f.family).map_err(err)?;
        if f.hook != "ingress" {
            return Err(err(format!("flowtable hook {}", f.hook)));
        }
        let devs: Vec<&str> = f.devices.iter().map(String::as_str).collect();
        let mut out = Flowtable::new(fam, &f.table, &f.name, f.prio, &devs);
        // NFT_FLOWTABLE_HW_OFFLOAD (1), NFT_FLOWTABLE_COUNTER (2)
        out.flags = Some(f.flags.iter().fold(0, |acc, fl| match *fl {
            "offload" => acc | 1,
            "counter" => acc | 2,
            _ => acc,
        }));
        Ok(out)
    }

    /// The rule and the anonymous sets it needs.
    pub fn rule(&mut self, r: &RuleItem) -> Result<LinRule, Error> {
        let what = format!("rule {} {} {}", r.family, r.table, r.chain);
        let fam = family(r.family).map_err(|why| Error {
            what: what.clone(),
            why,
        })?;
        let mut lin = Lin {
            fam,
            out: Vec::new(),
            l3: None,
            l4: None,
            ether: false,
            vlans: 0,
            icmp_type: None,
            sets: Vec::new(),
            lz: self,
            table: &r.table,
            concat_hton: false,
        };
        for (i, s) in r.stmts.iter().enumerate() {
            lin.stmt(s).map_err(|why| Error {
                what: format!("{what}: statement {} ({})", i + 1, stmt_name(s)),
                why,
            })?;
        }
        let mut rule = Rule::new(fam, &r.table, &r.chain, Vec::new());
        rule.exprs = Some(ExprList(std::mem::take(&mut lin.out)));
        if let Some(c) = &r.comment {
            let mut ud = Vec::new();
            comment_tlv(&mut ud, 0, c);
            rule.userdata = Some(ud);
        }
        if r.handle != 0 {
            rule.handle = Some(r.handle);
        }
        Ok(LinRule {
            sets: lin.sets,
            rule,
        })
    }
}
