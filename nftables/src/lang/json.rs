//! The JSON form of the syntax tree, as `nft -j list ruleset` (nft 1.0.6,
//! libnftables-json(5)) prints it: [`serde::Serialize`] for [`Listing`]
//! and every statement and expression, and [`to_string`] for nft's exact
//! bytes (one line, `", "` and `": "` separators, keys in nft's order).

use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

use super::ast::*;
use super::datatype::{duration_text, JsonValue, Value};
use super::text::{bytes_unit, rate_unit};

/// An ordered JSON value (keys keep nft's order).
#[derive(Clone, Debug, PartialEq)]
pub enum J {
    /// `null`.
    Null,
    /// `true`/`false`.
    Bool(bool),
    /// An unsigned number.
    U(u64),
    /// A signed number.
    I(i64),
    /// A string.
    S(String),
    /// An array.
    A(Vec<J>),
    /// An object, keys in order.
    O(Vec<(&'static str, J)>),
}

impl Serialize for J {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            J::Null => s.serialize_unit(),
            J::Bool(b) => s.serialize_bool(*b),
            J::U(n) => s.serialize_u64(*n),
            J::I(n) => s.serialize_i64(*n),
            J::S(x) => s.serialize_str(x),
            J::A(v) => {
                let mut q = s.serialize_seq(Some(v.len()))?;
                for x in v {
                    q.serialize_element(x)?;
                }
                q.end()
            }
            J::O(v) => {
                let mut m = s.serialize_map(Some(v.len()))?;
                for (k, x) in v {
                    m.serialize_entry(k, x)?;
                }
                m.end()
            }
        }
    }
}

fn s(x: impl Into<String>) -> J {
    J::S(x.into())
}

fn o(v: Vec<(&'static str, J)>) -> J {
    J::O(v)
}

fn one(k: &'static str, v: J) -> J {
    J::O(vec![(k, v)])
}

/// Strings or a list when several (nft's convention for flags and devices).
fn str_or_list<T: AsRef<str>>(v: &[T]) -> J {
    if v.len() == 1 {
        s(v[0].as_ref())
    } else {
        J::A(v.iter().map(|x| s(x.as_ref())).collect())
    }
}

fn list<T: AsRef<str>>(v: &[T]) -> J {
    J::A(v.iter().map(|x| s(x.as_ref())).collect())
}

impl From<JsonValue> for J {
    fn from(v: JsonValue) -> J {
        match v {
            JsonValue::Number(n) => J::U(n),
            JsonValue::String(x) => J::S(x),
            JsonValue::Bool(b) => J::Bool(b),
            JsonValue::List(l) => J::A(l.into_iter().map(J::from).collect()),
        }
    }
}

/// The JSON of a value.
pub fn value(v: &Value) -> J {
    v.json().into()
}

/// The JSON of an expression.
pub fn expr(e: &Expr) -> J {
    match e {
        Expr::Value(v) => value(v),
        Expr::List(l) => J::A(l.iter().map(expr).collect()),
        Expr::Payload(Payload::Field { protocol, field }) => one(
            "payload",
            o(vec![("protocol", s(*protocol)), ("field", s(*field))]),
        ),
        Expr::Payload(Payload::Raw { base, offset, len }) => one(
            "payload",
            o(vec![
                ("base", s(*base)),
                ("offset", J::U((*offset).into())),
                ("len", J::U((*len).into())),
            ]),
        ),
        Expr::Meta(k) => one("meta", one("key", s(*k))),
        Expr::Ct { key, dir } => {
            let mut v = vec![("key", s(key.as_str()))];
            if let Some(d) = dir {
                v.push(("dir", s(*d)));
            }
            one("ct", o(v))
        }
        Expr::Rt { key, family } => {
            let mut v = vec![("key", s(*key))];
            if let Some(f) = family {
                v.push(("family", s(*f)));
            }
            one("rt", o(v))
        }
        Expr::Fib { result, flags } => one(
            "fib",
            o(vec![("result", s(*result)), ("flags", list(flags))]),
        ),
        Expr::Socket { key, level } => {
            let mut v = vec![("key", s(*key))];
            if let Some(l) = level {
                v.push(("level", J::U((*l).into())));
            }
            one("socket", o(v))
        }
        Expr::Osf { key, ttl } => {
            let mut v = vec![("key", s(*key))];
            if let Some(t) = ttl {
                v.push(("ttl", s(*t)));
            }
            one("osf", o(v))
        }
        Expr::Exthdr(x) => {
            let k = match x.kind {
                ExthdrKind::Ipv6 => "exthdr",
                ExthdrKind::TcpOption => "tcp option",
                ExthdrKind::IpOption => "ip option",
                ExthdrKind::SctpChunk => "sctp chunk",
                ExthdrKind::DccpOption => "dccp option",
            };
            if let Some((base, offset, len)) = x.raw {
                return one(
                    k,
                    o(vec![
                        ("base", J::U(base.into())),
                        ("offset", J::U(offset.into())),
                        ("len", J::U(len.into())),
                    ]),
                );
            }
            let mut v = vec![("name", s(x.name.as_str()))];
            if let Some(f) = &x.field {
                v.push(("field", s(f.as_str())));
            }
            if let Some(off) = x.offset {
                v.push(("offset", J::U(off.into())));
            }
            one(k, o(v))
        }
        Expr::Numgen {
            mode,
            modulus,
            offset,
        } => {
            let v = vec![
                ("mode", s(*mode)),
                ("mod", J::U((*modulus).into())),
                ("offset", J::U((*offset).into())),
            ];
            one("numgen", o(v))
        }
        Expr::Jhash {
            modulus,
            seed,
            offset,
            expr: e,
        } => {
            let mut v = vec![("mod", J::U((*modulus).into()))];
            if let Some(sd) = seed {
                v.push(("seed", J::U((*sd).into())));
            }
            if *offset != 0 {
                v.push(("offset", J::U((*offset).into())));
            }
            v.push(("expr", expr(e)));
            one("jhash", o(v))
        }
        Expr::Symhash { modulus, offset } => {
            let mut v = vec![("mod", J::U((*modulus).into()))];
            if *offset != 0 {
                v.push(("offset", J::U((*offset).into())));
            }
            one("symhash", o(v))
        }
        Expr::Xfrm {
            key,
            family,
            dir,
            spnum,
        } => {
            let mut v = vec![("key", s(*key))];
            if let Some(f) = family {
                v.push(("family", s(*f)));
            }
            v.push(("dir", s(*dir)));
            v.push(("spnum", J::U((*spnum).into())));
            one("ipsec", o(v))
        }
        Expr::Binop { op, left, right } => one(op.as_str(), J::A(vec![expr(left), expr(right)])),
        Expr::Prefix { addr, len } => one(
            "prefix",
            o(vec![("addr", expr(addr)), ("len", J::U((*len).into()))]),
        ),
        Expr::Range(a, b) => one("range", J::A(vec![expr(a), expr(b)])),
        Expr::Concat(v) => one("concat", J::A(v.iter().map(expr).collect())),
        Expr::Set(v) => one("set", J::A(v.iter().map(expr).collect())),
        Expr::SetRef(n) => s(n.as_str()),
        Expr::Map { key, data } => one("map", o(vec![("key", expr(key)), ("data", expr(data))])),
        Expr::Mapping(k, d) => J::A(vec![expr(k), expr(d)]),
        Expr::Elem(el) => elem(el),
        Expr::Verdict(v) => verdict(v),
        Expr::Wildcard => s("*"),
    }
}

fn elem(el: &Elem) -> J {
    let mut v = vec![("val", expr(&el.val))];
    if let Some(t) = el.timeout_ms {
        v.push(("timeout", J::U(t / 1000)));
    }
    if let Some(t) = el.expires_ms {
        v.push(("expires", J::U(t / 1000)));
    }
    if let Some(c) = &el.comment {
        v.push(("comment", s(c.as_str())));
    }
    for st in &el.stmts {
        if let J::O(kv) = stmt(st) {
            v.extend(kv);
        }
    }
    one("elem", o(v))
}

fn verdict(v: &Verdict) -> J {
    match v {
        Verdict::Jump(c) | Verdict::Goto(c) => one(v.keyword(), one("target", s(c.as_str()))),
        _ => one(v.keyword(), J::Null),
    }
}

fn limit(l: &Limit) -> Vec<(&'static str, J)> {
    if l.bytes {
        let (rate, ru) = bytes_unit(l.rate);
        let (burst, bu) = bytes_unit(u64::from(l.burst));
        let mut v = vec![
            ("rate", J::U(rate)),
            ("burst", J::U(burst)),
            ("per", s(rate_unit(l.unit_secs))),
        ];
        if l.inv {
            v.push(("inv", J::Bool(true)));
        }
        v.push(("rate_unit", s(ru)));
        v.push(("burst_unit", s(bu)));
        v
    } else {
        let mut v = vec![
            ("rate", J::U(l.rate)),
            ("burst", J::U(l.burst.into())),
            ("per", s(rate_unit(l.unit_secs))),
        ];
        if l.inv {
            v.push(("inv", J::Bool(true)));
        }
        v
    }
}

fn nat(n: &Nat) -> J {
    let mut v = Vec::new();
    if let Some(f) = n.family {
        v.push(("family", s(f)));
    }
    if let Some(a) = &n.addr {
        v.push(("addr", expr(a)));
    }
    if let Some(p) = &n.port {
        v.push(("port", expr(p)));
    }
    if !n.flags.is_empty() {
        v.push(("flags", str_or_list(&n.flags)));
    }
    if !n.type_flags.is_empty() {
        v.push(("type_flags", str_or_list(&n.type_flags)));
    }
    one(n.kind.keyword(), if v.is_empty() { J::Null } else { o(v) })
}

/// The JSON of a statement.
pub fn stmt(st: &Stmt) -> J {
    match st {
        Stmt::Match { op, left, right } => one(
            "match",
            o(vec![
                ("op", s(op.as_str())),
                ("left", expr(left)),
                ("right", expr(right)),
            ]),
        ),
        Stmt::Verdict(v) => verdict(v),
        Stmt::Counter(c) => one(
            "counter",
            o(vec![("packets", J::U(c.packets)), ("bytes", J::U(c.bytes))]),
        ),
        Stmt::Mangle { key, value } => one(
            "mangle",
            o(vec![("key", expr(key)), ("value", expr(value))]),
        ),
        Stmt::Vmap { key, data } => one("vmap", o(vec![("key", expr(key)), ("data", expr(data))])),
        Stmt::Log(l) => {
            let mut v = Vec::new();
            if let Some(p) = &l.prefix {
                v.push(("prefix", s(p.as_str())));
            }
            if let Some(g) = l.group {
                v.push(("group", J::U(g.into())));
            }
            if let Some(x) = l.snaplen {
                v.push(("snaplen", J::U(x.into())));
            }
            if let Some(x) = l.qthreshold {
                v.push(("queue-threshold", J::U(x.into())));
            }
            if let Some(x) = l.level {
                v.push(("level", s(x)));
            }
            if !l.flags.is_empty() {
                v.push(("flags", str_or_list(&l.flags)));
            }
            one("log", if v.is_empty() { J::Null } else { o(v) })
        }
        Stmt::Limit(l) => one("limit", o(limit(l))),
        Stmt::Quota(q) => {
            let (val, vu) = bytes_unit(q.bytes);
            let mut v = vec![("val", J::U(val)), ("val_unit", s(vu))];
            // nft's order: `inv` before `used`.
            if q.inv {
                v.push(("inv", J::Bool(true)));
            }
            if q.used != 0 {
                let (u, uu) = bytes_unit(q.used);
                v.push(("used", J::U(u)));
                v.push(("used_unit", s(uu)));
            }
            one("quota", o(v))
        }
        Stmt::CtCount { val, inv } => {
            let mut v = vec![("val", J::U((*val).into()))];
            if *inv {
                v.push(("inv", J::Bool(true)));
            }
            one("ct count", o(v))
        }
        Stmt::Nat(n) => nat(n),
        Stmt::Reject(r) => {
            let mut v = Vec::new();
            if let Some(k) = r.kind {
                v.push(("type", s(k)));
            }
            if let Some(c) = &r.code {
                v.push(("expr", expr(c)));
            }
            one("reject", if v.is_empty() { J::Null } else { o(v) })
        }
        Stmt::Set {
            op,
            elem,
            set,
            stmts,
        } => {
            let mut v = vec![
                ("op", s(*op)),
                ("elem", expr(elem)),
                ("set", s(set.as_str())),
            ];
            if !stmts.is_empty() {
                v.push(("stmt", J::A(stmts.iter().map(set_stmt).collect())));
            }
            one("set", o(v))
        }
        Stmt::MapUpdate {
            op,
            elem,
            data,
            map,
            stmts,
        } => {
            let mut v = vec![
                ("op", s(*op)),
                ("elem", expr(elem)),
                ("data", expr(data)),
                ("map", s(map.as_str())),
            ];
            if !stmts.is_empty() {
                v.push(("stmt", J::A(stmts.iter().map(set_stmt).collect())));
            }
            one("map", o(v))
        }
        Stmt::Objref { kind, name } => one(
            kind,
            match name {
                Expr::Value(v) => s(v.as_str()),
                e => expr(e),
            },
        ),
        Stmt::Dup {
            addr: None,
            dev: Some(d),
        } => {
            // nft 1.0.6 prints a device-only dup (netdev) under "addr".
            one("dup", one("addr", expr(d)))
        }
        Stmt::Dup { addr, dev } => {
            let mut v = Vec::new();
            if let Some(a) = addr {
                v.push(("addr", expr(a)));
            }
            if let Some(d) = dev {
                v.push(("dev", expr(d)));
            }
            one("dup", o(v))
        }
        Stmt::Fwd { dev, family, addr } => {
            let mut v = vec![("dev", expr(dev))];
            if let Some(f) = family {
                v.push(("family", s(*f)));
            }
            if let Some(a) = addr {
                v.push(("addr", expr(a)));
            }
            one("fwd", o(v))
        }
        Stmt::Notrack => one("notrack", J::Null),
        Stmt::Queue { num, flags } => {
            let mut v = Vec::new();
            if let Some(n) = num {
                v.push(("num", expr(n)));
            }
            if !flags.is_empty() {
                v.push(("flags", str_or_list(flags)));
            }
            one("queue", if v.is_empty() { J::Null } else { o(v) })
        }
        Stmt::Synproxy(sp) => {
            let j = synproxy(sp);
            one("synproxy", if j == J::O(Vec::new()) { J::Null } else { j })
        }
        Stmt::Tproxy { family, addr, port } => {
            let mut v = Vec::new();
            if let Some(f) = family {
                v.push(("family", s(*f)));
            }
            if let Some(a) = addr {
                v.push(("addr", expr(a)));
            }
            if let Some(p) = port {
                v.push(("port", expr(p)));
            }
            one("tproxy", o(v))
        }
        Stmt::Meter {
            name,
            key,
            stmt: st,
            size,
        } => {
            let mut v = vec![("key", expr(key)), ("stmt", set_stmt(st))];
            if let Some(sz) = size {
                v.push(("size", J::U((*sz).into())));
            }
            v.push(("name", s(name.as_str())));
            one("meter", o(v))
        }
        Stmt::Xt { kind, name } => one(
            "xt",
            o(vec![("type", s(*kind)), ("name", s(name.as_str()))]),
        ),
        Stmt::Flow { flowtable } => one(
            "flow",
            o(vec![("op", s("add")), ("flowtable", s(flowtable.as_str()))]),
        ),
        Stmt::Last { used_ms } => match used_ms {
            Some(ms) => one("last", one("used", J::U(*ms))),
            None => one("last", J::Null),
        },
        Stmt::Reset(e) => one("reset", expr(e)),
        Stmt::Untranslated(u) => one(
            "untranslated",
            o(vec![
                ("reason", s(u.reason.as_str())),
                ("expr", list(&u.text)),
            ]),
        ),
    }
}

/// Statements inside a set statement print without their values
/// (`{"counter": null}`).
fn set_stmt(st: &Stmt) -> J {
    match st {
        Stmt::Counter(_) => one("counter", J::Null),
        other => stmt(other),
    }
}

fn synproxy(sp: &Synproxy) -> J {
    let mut v = Vec::new();
    if let Some(m) = sp.mss {
        v.push(("mss", J::U(m.into())));
    }
    if let Some(w) = sp.wscale {
        v.push(("wscale", J::U(w.into())));
    }
    if !sp.flags.is_empty() {
        v.push(("flags", list(&sp.flags)));
    }
    o(v)
}

fn obj(i: &ObjItem) -> J {
    let mut v = vec![
        ("family", s(i.family)),
        ("name", s(i.name.as_str())),
        ("table", s(i.table.as_str())),
        ("handle", J::U(i.handle)),
    ];
    if let Some(c) = &i.comment {
        v.push(("comment", s(c.as_str())));
    }
    match &i.obj {
        ObjBody::Counter(c) => {
            v.push(("packets", J::U(c.packets)));
            v.push(("bytes", J::U(c.bytes)));
        }
        ObjBody::Quota(q) => {
            v.push(("bytes", J::U(q.bytes)));
            v.push(("used", J::U(q.used)));
            v.push(("inv", J::Bool(q.inv)));
        }
        ObjBody::Limit(l) => {
            v.push((
                "rate",
                J::U(if l.bytes {
                    bytes_unit(l.rate).0
                } else {
                    l.rate
                }),
            ));
            v.push(("per", s(rate_unit(l.unit_secs))));
            if l.inv {
                v.push(("inv", J::Bool(true)));
            }
            if l.bytes {
                let (burst, bu) = bytes_unit(u64::from(l.burst));
                v.push(("rate_unit", s(bytes_unit(l.rate).1)));
                v.push(("burst", J::U(burst)));
                v.push(("burst_unit", s(bu)));
            } else {
                v.push(("burst", J::U(l.burst.into())));
            }
        }
        ObjBody::Connlimit { count, inv } => {
            v.push(("count", J::U((*count).into())));
            if *inv {
                v.push(("inv", J::Bool(true)));
            }
        }
        ObjBody::CtHelper {
            helper,
            protocol,
            l3proto,
        } => {
            v.push(("type", s(helper.as_str())));
            v.push(("protocol", s(protocol.as_str())));
            v.push(("l3proto", s(l3proto.as_str())));
        }
        ObjBody::CtTimeout {
            protocol,
            l3proto,
            policy,
        } => {
            v.push(("protocol", s(protocol.as_str())));
            v.push(("l3proto", s(l3proto.as_str())));
            let p: Vec<(&'static str, J)> = policy
                .iter()
                .map(|(k, n)| (leak_state(k), J::U((*n).into())))
                .collect();
            v.push(("policy", o(p)));
        }
        ObjBody::CtExpect {
            protocol,
            dport,
            timeout,
            size,
            l3proto,
        } => {
            v.push(("protocol", s(protocol.as_str())));
            v.push(("dport", J::U((*dport).into())));
            v.push(("timeout", J::U((*timeout).into())));
            v.push(("size", J::U((*size).into())));
            v.push(("l3proto", s(l3proto.as_str())));
        }
        ObjBody::Secmark { context } => v.push(("context", s(context.as_str()))),
        ObjBody::Synproxy(sp) => {
            if let J::O(kv) = synproxy(sp) {
                v.extend(kv);
            }
        }
        ObjBody::Other(_) => {}
    }
    one(i.obj.kind(), o(v))
}

/// ct timeout state names are a fixed set; map to static strings.
fn leak_state(k: &str) -> &'static str {
    [6, 17]
        .into_iter()
        .flat_map(super::listing::timeout_states)
        .find(|s| **s == k)
        .copied()
        .unwrap_or("unknown")
}

/// The JSON of one listing item.
pub fn item(it: &Item) -> J {
    match it {
        Item::Table(t) => {
            let mut v = vec![
                ("family", s(t.family)),
                ("name", s(t.name.as_str())),
                ("handle", J::U(t.handle)),
            ];
            if !t.flags.is_empty() {
                // nft 1.0.6 prints stray memory here (a bug: `"flags": "x"`
                // for table x, bytes that are not UTF-8 for others); we print
                // the flags' names, as later nft releases do.
                v.push(("flags", str_or_list(&t.flags)));
            }
            one("table", o(v))
        }
        Item::Chain(c) => {
            let mut v = vec![
                ("family", s(c.family)),
                ("table", s(c.table.as_str())),
                ("name", s(c.name.as_str())),
                ("handle", J::U(c.handle)),
            ];
            if let Some(b) = &c.base {
                v.push(("type", s(b.kind.as_str())));
                v.push(("hook", s(b.hook)));
                v.push(("prio", J::I(b.prio.into())));
                // nft 1.0.6 prints no "dev" for chains (observed on 6.18).
                v.push(("policy", s(b.policy)));
            }
            one("chain", o(v))
        }
        Item::Set(x) => {
            let mut v = vec![
                ("family", s(x.family)),
                ("name", s(x.name.as_str())),
                ("table", s(x.table.as_str())),
                ("type", str_or_list(&x.key_type)),
                ("handle", J::U(x.handle)),
            ];
            if let Some(c) = &x.comment {
                v.push(("comment", s(c.as_str())));
            }
            if let Some(m) = &x.map {
                v.push(("map", str_or_list(m)));
            }
            if let Some(p) = x.policy {
                v.push(("policy", s(p)));
            }
            if let Some(sz) = x.size {
                v.push(("size", J::U(sz.into())));
            }
            if !x.flags.is_empty() {
                v.push(("flags", list(&x.flags)));
            }
            if let Some(t) = x.timeout {
                v.push(("timeout", J::U(t)));
            }
            if let Some(g) = x.gc_interval {
                v.push(("gc-interval", J::U(g)));
            }
            if !x.elems.is_empty() {
                v.push(("elem", J::A(x.elems.iter().map(expr).collect())));
            }
            if !x.stmts.is_empty() {
                v.push(("stmt", J::A(x.stmts.iter().map(set_stmt).collect())));
            }
            one(if x.map.is_some() { "map" } else { "set" }, o(v))
        }
        Item::Obj(i) => obj(i),
        Item::Flowtable(f) => one(
            "flowtable",
            o(vec![
                ("family", s(f.family)),
                ("name", s(f.name.as_str())),
                ("table", s(f.table.as_str())),
                ("handle", J::U(f.handle)),
                ("hook", s(f.hook)),
                ("prio", J::I(f.prio.into())),
                ("dev", str_or_list(&f.devices)),
            ]),
        ),
        Item::Rule(r) => {
            let mut v = vec![
                ("family", s(r.family)),
                ("table", s(r.table.as_str())),
                ("chain", s(r.chain.as_str())),
                ("handle", J::U(r.handle)),
            ];
            if let Some(c) = &r.comment {
                v.push(("comment", s(c.as_str())));
            }
            v.push(("expr", J::A(r.stmts.iter().map(stmt).collect())));
            one("rule", o(v))
        }
    }
}

/// nft's metainfo object.
fn metainfo() -> J {
    one(
        "metainfo",
        o(vec![
            ("version", s("1.0.6")),
            ("release_name", s("Lester Gooch #5")),
            ("json_schema_version", J::U(1)),
        ]),
    )
}

/// The whole listing as nft's JSON tree.
pub fn listing(l: &Listing) -> J {
    let mut items = vec![metainfo()];
    items.extend(l.items.iter().map(item));
    one("nftables", J::A(items))
}

/// The `nftables` array, each item turned into JSON only as it is written.
struct Items<'a>(&'a Listing);

impl Serialize for Items<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut q = s.serialize_seq(Some(self.0.items.len() + 1))?;
        q.serialize_element(&metainfo())?;
        for it in &self.0.items {
            q.serialize_element(&item(it))?;
        }
        q.end()
    }
}

impl Serialize for Listing {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(1))?;
        m.serialize_entry("nftables", &Items(self))?;
        m.end()
    }
}

impl Serialize for Stmt {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        stmt(self).serialize(s)
    }
}

impl Serialize for Expr {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        expr(self).serialize(s)
    }
}

impl Serialize for Item {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        item(self).serialize(s)
    }
}

/// serde_json formatter writing nft's separators (`", "`, `": "`).
struct NftFormatter;

impl serde_json::ser::Formatter for NftFormatter {
    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        if first {
            Ok(())
        } else {
            w.write_all(b", ")
        }
    }
    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        if first {
            Ok(())
        } else {
            w.write_all(b", ")
        }
    }
    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b": ")
    }
}

/// Any serializable value as nft prints JSON (one line, nft's separators,
/// no trailing newline).
pub fn to_string<T: Serialize + ?Sized>(v: &T) -> String {
    let mut out = Vec::with_capacity(4096);
    let mut ser = serde_json::Serializer::with_formatter(&mut out, NftFormatter);
    if v.serialize(&mut ser).is_err() {
        return String::new();
    }
    String::from_utf8(out).unwrap_or_default()
}

/// A listing written as nft's JSON item by item into one buffer, as
/// [`to_string`] writes a whole [`Listing`] (the same bytes): for
/// [`super::listing::listing_each`], so that no item outlives its writing.
pub struct Writer {
    out: Vec<u8>,
}

impl Writer {
    /// Starts the `nftables` array (and its metainfo object) at the end of
    /// `out`.
    pub fn new(mut out: Vec<u8>) -> Self {
        out.extend_from_slice(b"{\"nftables\": [");
        let mut w = Writer { out };
        w.write(&metainfo());
        w
    }

    /// Appends one item.
    pub fn item(&mut self, it: &Item) {
        self.out.extend_from_slice(b", ");
        self.write(&item(it));
    }

    fn write(&mut self, j: &J) {
        let mut ser = serde_json::Serializer::with_formatter(&mut self.out, NftFormatter);
        // Writing into a vector cannot fail, and `J` holds only strings,
        // numbers and containers.
        let _ = j.serialize(&mut ser);
    }

    /// Closes the array and the object; returns the buffer.
    pub fn finish(mut self) -> Vec<u8> {
        self.out.extend_from_slice(b"]}");
        self.out
    }
}

/// Durations in nft's text form, re-exported for printers.
pub fn duration(ms: u64) -> String {
    duration_text(ms.into())
}
