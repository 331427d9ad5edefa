//! Reading nft's JSON (libnftables-json(5), nft 1.0.6): a listing as
//! `nft -j list ruleset` prints it, or command objects (`{"add": {...}}`,
//! `insert`, `create`, `replace`, `delete`, `destroy`, `flush`, `reset`),
//! into [`Command`]s over the syntax tree, with every constant typed as the
//! expression it is compared with (nft's evaluation step), ready for the
//! [`super::linearize`] step. [`apply`] does both and commits
//! the result in one transaction: it reads the `nftables` array element by
//! element and encodes each command into the transaction as it comes, so
//! neither the file's JSON tree nor its syntax tree is ever held whole
//! ([`parse`] gives the syntax tree of every command, for callers who
//! want it).
//!
//! Errors name the command's position: its index in the `nftables` array
//! (the `metainfo` object included, as nft counts) and what it was.
//!
//! ```
//! use nfnl_tables::lang::json_in::{self, Verb};
//! let cmds = json_in::parse(r#"{"nftables": [
//!     {"add": {"table": {"family": "inet", "name": "t"}}},
//!     {"add": {"rule": {"family": "inet", "table": "t", "chain": "c", "expr": [
//!         {"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}},
//!                    "right": {"set": [22, 80]}}},
//!         {"accept": null}]}}}]}"#)?;
//! assert_eq!(cmds.len(), 2);
//! assert_eq!(cmds[1].verb, Verb::Add);
//! assert_eq!(cmds[1].what, "add rule inet t c");
//! # Ok::<(), json_in::Error>(())
//! ```

use std::collections::HashMap;
use std::net::{Ipv4Addr, Ipv6Addr};

use nfnl::ProtoFamily;
use serde_json::{Map, Value as Json};

use super::ast::*;
use super::datatype::{Datatype, Value};
use super::linearize::{self, datatype_by_name, family_from_name, proto_by_name, Linearizer};
use crate::transaction::{Handle, Kind};
use crate::{Nft, Transaction};

/// A JSON input that cannot be read or applied, with the command it is
/// about.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Not JSON, or no `nftables` array.
    #[error("not an nft JSON document: {0}")]
    Syntax(String),
    /// A command that cannot be read or linearized.
    #[error("command {index} ({what}): {why}")]
    Command {
        /// Index in the `nftables` array, from 0.
        index: usize,
        /// What it was (`add rule inet t c`).
        what: String,
        /// Why.
        why: String,
    },
    /// The kernel refused the transaction: the command whose operation it
    /// refused, and the kernel's error.
    #[error("command {index} ({what}) refused: {source}")]
    Refused {
        /// Index in the `nftables` array, from 0.
        index: usize,
        /// What it was.
        what: String,
        /// The transaction's error.
        #[source]
        source: Box<crate::Error>,
    },
    /// The transaction failed as a whole (nothing applied).
    #[error(transparent)]
    Transaction(Box<crate::Error>),
}

/// A command's verb.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verb {
    /// `add` (and every object of a listing).
    Add,
    /// `insert` (rules: at the start of the chain, or before `handle`).
    Insert,
    /// `create` (add, failing if it exists).
    Create,
    /// `replace` (a rule, by handle).
    Replace,
    /// `delete`.
    Delete,
    /// `destroy` (delete, not failing if absent).
    Destroy,
    /// `flush`.
    Flush,
    /// `reset` (a counter or quota, or all of a table's): run by [`reset`],
    /// apart from the transaction.
    Reset,
    /// `rename` (a chain, to its `"newname"`).
    Rename,
}

impl Verb {
    fn name(self) -> &'static str {
        match self {
            Verb::Add => "add",
            Verb::Insert => "insert",
            Verb::Create => "create",
            Verb::Replace => "replace",
            Verb::Delete => "delete",
            Verb::Destroy => "destroy",
            Verb::Flush => "flush",
            Verb::Reset => "reset",
            Verb::Rename => "rename",
        }
    }
}

/// What a command is about.
#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    /// A table, chain, set, object, flowtable or rule.
    Item(Item),
    /// Elements of a set (`{"element": {"family", "table", "name", "elem"}}`):
    /// a [`SetItem`] holding only them.
    Elements(SetItem),
    /// The whole ruleset (`{"flush": {"ruleset": null}}`).
    Ruleset,
    /// Every counter or quota of a table, of a family or of the ruleset
    /// (`{"reset": {"counters": {"family": "ip", "table": "t"}}}`).
    Objects {
        /// `counter` or `quota`.
        kind: &'static str,
        /// The family, if given.
        family: Option<&'static str>,
        /// The table, if given.
        table: Option<String>,
    },
}

/// One command of the file.
#[derive(Clone, Debug, PartialEq)]
pub struct Command {
    /// Index in the `nftables` array.
    pub index: usize,
    /// The verb (`Add` for a listing's objects).
    pub verb: Verb,
    /// What it is about.
    pub target: Target,
    /// What it was, for errors (`add rule inet t c`).
    pub what: String,
    /// An object of a listing (no verb): its handle is the listed one, not
    /// a position.
    pub listed: bool,
    /// A rule's `"index"`: the place of the rule of its chain that an `add`
    /// goes after and an `insert` before.
    pub rule_index: Option<u64>,
    /// The handle of the rule `rule_index` names, found in the kernel's
    /// chain by [`apply_with`] (a file with an index cannot be applied
    /// without it).
    pub position: Option<u64>,
    /// A `rename chain`'s `"newname"`.
    pub new_name: Option<String>,
}

type R<T> = Result<T, String>;

/// The static string among `options` equal to `s`.
fn pick(s: &str, options: &[&'static str], what: &str) -> R<&'static str> {
    options
        .iter()
        .find(|o| **o == s)
        .copied()
        .ok_or_else(|| format!("unknown {what} {s:?}"))
}

/// `key` of `o` when present: one of `options`, else an error naming `what`.
fn pick_opt(
    o: &Map<String, Json>,
    key: &str,
    options: &[&'static str],
    what: &str,
) -> R<Option<&'static str>> {
    o.get(key)
        .and_then(Json::as_str)
        .map(|s| pick(s, options, what))
        .transpose()
}

const FAMILIES: &[&str] = &["ip", "ip6", "inet", "arp", "bridge", "netdev"];

fn get<'a>(o: &'a Map<String, Json>, k: &str) -> R<&'a Json> {
    o.get(k).ok_or_else(|| format!("no {k:?}"))
}

fn gstr<'a>(o: &'a Map<String, Json>, k: &str) -> R<&'a str> {
    get(o, k)?
        .as_str()
        .ok_or_else(|| format!("{k:?} is not a string"))
}

fn gu64(o: &Map<String, Json>, k: &str) -> R<Option<u64>> {
    match o.get(k) {
        None => Ok(None),
        Some(v) => v
            .as_u64()
            .map(Some)
            .ok_or_else(|| format!("{k:?} is not a number")),
    }
}

fn obj(j: &Json) -> R<&Map<String, Json>> {
    j.as_object().ok_or_else(|| format!("not an object: {j}"))
}

/// The single key and value of `{"key": value}`.
fn single(j: &Json) -> R<(&str, &Json)> {
    let o = obj(j)?;
    let mut it = o.iter();
    match (it.next(), it.next()) {
        (Some((k, v)), None) => Ok((k.as_str(), v)),
        _ => Err(format!("expected one key: {j}")),
    }
}

/// Strings given as one string or a list.
fn strings(j: Option<&Json>) -> Vec<String> {
    match j {
        Some(Json::String(s)) => vec![s.clone()],
        Some(Json::Array(a)) => a
            .iter()
            .filter_map(|x| x.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    }
}

fn family_of(o: &Map<String, Json>) -> R<(&'static str, ProtoFamily)> {
    let f = pick(gstr(o, "family")?, FAMILIES, "family")?;
    Ok((f, family_from_name(f).unwrap_or(ProtoFamily::Unspec)))
}

/// The type of what a value is compared with: one type, or one per
/// concatenated field.
#[derive(Clone, Debug)]
enum Ty {
    One(Datatype, u32),
    Concat(Vec<(Datatype, u32)>),
}

/// Resolves an interface name to its index (`meta iif "lo"`), as nft
/// does with `if_nametoindex` when it reads a rule.
pub type IfindexFn<'a> = &'a dyn Fn(&str) -> Option<u32>;

/// Parsing state: the file's sets, for typing their elements.
/// (family, table, name) of a set -> its key types and map data types.
type SetTypes = HashMap<(String, String, String), (Vec<String>, Option<Vec<String>>)>;

/// Key types, map data types and whether it is an interval set.
type SetShape = (Vec<String>, Option<Vec<String>>, bool);

/// Key types and map data types of a set that is not in the file.
/// (Also whether it is an interval set: its elements are then ranges.)
type SetLookup<'a> = &'a dyn Fn(&str, &str, &str) -> Option<SetShape>;

#[derive(Default)]
struct Ctx<'a> {
    sets: SetTypes,
    ifindex: Option<IfindexFn<'a>>,
    set_lookup: Option<SetLookup<'a>>,
    /// Maps of the file whose data are an address and a port (`concat`)
    /// or ranges (`interval`): what a NAT statement through them loads.
    nat_maps: HashMap<(String, String, String), Vec<&'static str>>,
    /// The family and table of the rule being read.
    table: (String, String),
    /// The flags of the file's sets, for their `element` commands.
    set_flags: HashMap<(String, String, String), Vec<&'static str>>,
}

fn parse_number(s: &str) -> Option<u128> {
    if let Some(h) = s.strip_prefix("0x") {
        u128::from_str_radix(h, 16).ok()
    } else {
        s.parse().ok()
    }
}

/// Looks `name` up in a `NAME NUMBER` file (`/etc/protocols`) or a
/// `NAME PORT/PROTO` one (`/etc/services`).
fn lookup_file(file: &str, name: &str) -> Option<u128> {
    let text = std::fs::read_to_string(file).ok()?;
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or("");
        let mut w = line.split_whitespace();
        let (Some(n), Some(num)) = (w.next(), w.next()) else {
            continue;
        };
        if n == name || w.any(|alias| alias == name) {
            return num.split('/').next().and_then(|x| x.parse().ok());
        }
    }
    None
}

/// A constant of type `ty` on `bits` bits from its JSON form.
fn scalar(j: &Json, ty: Datatype, bits: u32) -> R<Value> {
    let num = |n: u128| Ok(Value::number(ty, bits, n));
    match j {
        Json::Number(n) => {
            let n = n
                .as_u64()
                .ok_or_else(|| format!("not an unsigned number: {n}"))?;
            let n = u128::from(n);
            match ty {
                Datatype::Time => num(n.saturating_mul(1000)),
                // A label is named by its bit number.
                Datatype::CtLabel if n < 128 => num(1u128 << n),
                _ => num(n),
            }
        }
        // true/false: an existence check (`exists`/`missing`).
        Json::Bool(b) => Ok(Value::number(Datatype::Boolean, 1, u128::from(*b))),
        Json::String(s) => {
            let s = s.as_str();
            match ty {
                Datatype::Ipv4Addr => s
                    .parse::<Ipv4Addr>()
                    .map(|a| Value::number(ty, 32, u32::from(a).into()))
                    .map_err(|_| format!("bad IPv4 address {s:?}")),
                Datatype::Ipv6Addr => s
                    .parse::<Ipv6Addr>()
                    .map(|a| Value::number(ty, 128, u128::from(a)))
                    .map_err(|_| format!("bad IPv6 address {s:?}")),
                Datatype::EtherAddr | Datatype::Lladdr => {
                    let b: Result<Vec<u8>, _> =
                        s.split(':').map(|x| u8::from_str_radix(x, 16)).collect();
                    let b = b.map_err(|_| format!("bad link-layer address {s:?}"))?;
                    Ok(Value {
                        ty,
                        bits: u32::try_from(b.len().saturating_mul(8)).unwrap_or(u32::MAX),
                        data: b,
                    })
                }
                Datatype::String | Datatype::Ifname => {
                    let mut v = Value::string(ty, s);
                    v.bits = v.bits.max(bits);
                    Ok(v)
                }
                Datatype::Boolean => match s {
                    "exists" | "true" => num(1),
                    "missing" | "false" => num(0),
                    _ => Err(format!("bad boolean {s:?}")),
                },
                Datatype::Classid => match s {
                    "root" => num(0xffff_ffff),
                    "none" => num(0),
                    _ => {
                        let (a, b) = s.split_once(':').ok_or("bad classid")?;
                        let a = u32::from_str_radix(a, 16).map_err(|_| "bad classid")?;
                        let b = u32::from_str_radix(b, 16).map_err(|_| "bad classid")?;
                        num(u128::from(a << 16 | b))
                    }
                },
                Datatype::TimeDate => date_secs(s)
                    .map(|secs| Value::number(ty, bits, u128::from(secs) * 1_000_000_000))
                    .ok_or_else(|| format!("bad date {s:?}")),
                Datatype::Realm | Datatype::Devgroup => {
                    let file = if ty == Datatype::Realm {
                        "/etc/iproute2/rt_realms"
                    } else {
                        "/etc/iproute2/group"
                    };
                    parse_number(s)
                        .or_else(|| iproute2_number(file, s))
                        .map(|n| Value::number(ty, bits, n))
                        .ok_or_else(|| format!("unknown {} {s:?}", ty.name()))
                }
                Datatype::TimeHour => {
                    let p: Vec<u128> = s.split(':').filter_map(|x| x.parse().ok()).collect();
                    match p.as_slice() {
                        [h, m] => num(h * 3600 + m * 60),
                        [h, m, sec] => num(h * 3600 + m * 60 + sec),
                        _ => Err(format!("bad hour {s:?}")),
                    }
                }
                _ => {
                    if let Some((n, _)) = ty.symbols().iter().find(|(_, name)| *name == s) {
                        return num(u128::from(*n));
                    }
                    if let Some(n) = parse_number(s) {
                        return num(n);
                    }
                    let file = match ty {
                        Datatype::InetProto => "/etc/protocols",
                        Datatype::InetService => "/etc/services",
                        _ => return Err(format!("bad {} value {s:?}", ty.name())),
                    };
                    lookup_file(file, s)
                        .map(|n| Value::number(ty, bits, n))
                        .ok_or_else(|| format!("unknown {} {s:?}", ty.name()))
                }
            }
        }
        other => Err(format!("not a constant: {other}")),
    }
}

/// The number of `name` in an iproute2 table (`NUMBER NAME` lines).
fn iproute2_number(file: &str, name: &str) -> Option<u128> {
    let text = std::fs::read_to_string(file).ok()?;
    text.lines().find_map(|line| {
        let line = line.split('#').next().unwrap_or("");
        let mut w = line.split_whitespace();
        let (num, n) = (w.next()?, w.next()?);
        (n == name).then(|| parse_number(num)).flatten()
    })
}

/// Seconds since the epoch of `YYYY-MM-DD[ HH:MM[:SS]]` (UTC, as nft
/// prints dates on this machine).
fn date_secs(s: &str) -> Option<u64> {
    let (date, time) = s.split_once(' ').unwrap_or((s, "00:00:00"));
    let d: Vec<i64> = date
        .split('-')
        .map(|x| x.parse().ok())
        .collect::<Option<_>>()?;
    let t: Vec<i64> = time
        .split(':')
        .map(|x| x.parse().ok())
        .collect::<Option<_>>()?;
    let [y, m, d] = d[..] else { return None };
    let (hh, mm, ss) = match t[..] {
        [h, m] => (h, m, 0),
        [h, m, s] => (h, m, s),
        _ => return None,
    };
    // Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    u64::try_from(days * 86_400 + hh * 3600 + mm * 60 + ss).ok()
}

fn verdict(k: &str, v: &Json) -> R<Option<Verdict>> {
    let target = || -> R<String> { Ok(gstr(obj(v)?, "target")?.to_owned()) };
    Ok(Some(match k {
        "accept" => Verdict::Accept,
        "drop" => Verdict::Drop,
        "continue" => Verdict::Continue,
        "return" => Verdict::Return,
        "queue" if v.is_null() => Verdict::Queue,
        "jump" => Verdict::Jump(target()?),
        "goto" => Verdict::Goto(target()?),
        _ => return Ok(None),
    }))
}

impl Ctx<'_> {
    /// A left-hand (key) expression.
    fn expr(&self, j: &Json, fam: ProtoFamily) -> R<Expr> {
        let (k, v) = single(j)?;
        Ok(match k {
            "payload" => {
                let o = obj(v)?;
                if let Some(p) = o.get("protocol") {
                    let p = p.as_str().ok_or("protocol")?;
                    let proto = proto_by_name(p).ok_or_else(|| format!("unknown protocol {p}"))?;
                    let f = gstr(o, "field")?;
                    let field = proto
                        .fields
                        .iter()
                        .find(|x| x.name == f)
                        .ok_or_else(|| format!("unknown field {p} {f}"))?;
                    Expr::Payload(Payload::Field {
                        protocol: proto.name,
                        field: field.name,
                    })
                } else {
                    let base = pick(gstr(o, "base")?, &["ll", "nh", "th", "ih"], "base")?;
                    let num = |k| -> R<u32> {
                        gu64(o, k)?
                            .and_then(|x| u32::try_from(x).ok())
                            .ok_or_else(|| format!("no {k}"))
                    };
                    Expr::Payload(Payload::Raw {
                        base,
                        offset: num("offset")?,
                        len: num("len")?,
                    })
                }
            }
            "meta" => {
                let key = gstr(obj(v)?, "key")?;
                let name = (0u32..64)
                    .find_map(|n| {
                        super::delinearize::meta_key(crate::expr::MetaKey(n))
                            .map(|x| x.0)
                            .filter(|x| *x == key)
                    })
                    .ok_or_else(|| format!("unknown meta key {key}"))?;
                Expr::Meta(name)
            }
            "ct" => {
                let o = obj(v)?;
                let mut key = gstr(o, "key")?.to_owned();
                if let Some(f) = o.get("family").and_then(Json::as_str) {
                    key = format!("{f} {key}");
                }
                let dir = pick_opt(o, "dir", &["original", "reply"], "ct direction")?;
                Expr::Ct { key, dir }
            }
            "concat" => Expr::Concat(
                v.as_array()
                    .ok_or("concat")?
                    .iter()
                    .map(|x| self.expr(x, fam))
                    .collect::<R<_>>()?,
            ),
            "numgen" => {
                let o = obj(v)?;
                Expr::Numgen {
                    mode: pick(gstr(o, "mode")?, &["inc", "random"], "numgen mode")?,
                    modulus: gu64(o, "mod")?
                        .and_then(|x| u32::try_from(x).ok())
                        .ok_or("mod")?,
                    offset: gu64(o, "offset")?
                        .and_then(|x| u32::try_from(x).ok())
                        .unwrap_or(0),
                }
            }
            "&" | "|" | "^" | "<<" | ">>" => {
                let a = v.as_array().filter(|a| a.len() == 2).ok_or("operands")?;
                let left = self.expr(&a[0], fam)?;
                let ty = self.ty(&left, fam)?;
                let right = self.rhs(&a[1], &ty, fam)?;
                let right = match right {
                    Expr::List(l) => {
                        // A list of flags is their OR.
                        let (t, b) = match ty {
                            Ty::One(t, b) => (t, b),
                            Ty::Concat(_) => return Err("flags of a concatenation".into()),
                        };
                        let mut n = 0;
                        for x in l {
                            if let Expr::Value(v) = x {
                                n |= v.as_u128();
                            }
                        }
                        Expr::Value(Value::number(t, b, n))
                    }
                    r => r,
                };
                Expr::Binop {
                    op: match k {
                        "&" => BinOp::And,
                        "|" => BinOp::Or,
                        "^" => BinOp::Xor,
                        "<<" => BinOp::Lshift,
                        _ => BinOp::Rshift,
                    },
                    left: Box::new(left),
                    right: Box::new(right),
                }
            }
            "exthdr" | "tcp option" | "ip option" | "sctp chunk" | "dccp option" => {
                let o = obj(v)?;
                let kind = match k {
                    "exthdr" => ExthdrKind::Ipv6,
                    "tcp option" => ExthdrKind::TcpOption,
                    "ip option" => ExthdrKind::IpOption,
                    "sctp chunk" => ExthdrKind::SctpChunk,
                    _ => ExthdrKind::DccpOption,
                };
                let raw = match (gu64(o, "base")?, gu64(o, "offset")?, gu64(o, "len")?) {
                    (Some(b), Some(off), Some(l)) if !o.contains_key("name") => Some((
                        u32::try_from(b).map_err(|_| "base")?,
                        u32::try_from(off).map_err(|_| "offset")?,
                        u32::try_from(l).map_err(|_| "len")?,
                    )),
                    _ => None,
                };
                Expr::Exthdr(ExthdrField {
                    kind,
                    name: o
                        .get("name")
                        .and_then(Json::as_str)
                        .unwrap_or("")
                        .to_owned(),
                    field: o.get("field").and_then(Json::as_str).map(str::to_owned),
                    offset: if raw.is_some() {
                        None
                    } else {
                        gu64(o, "offset")?.and_then(|x| u32::try_from(x).ok())
                    },
                    raw,
                })
            }
            "osf" => {
                let o = obj(v)?;
                Expr::Osf {
                    key: pick(gstr(o, "key")?, &["name", "version"], "osf key")?,
                    ttl: pick_opt(o, "ttl", &["loose", "skip"], "osf ttl")?,
                }
            }
            "ipsec" => {
                let o = obj(v)?;
                Expr::Xfrm {
                    key: pick(
                        gstr(o, "key")?,
                        &["reqid", "spi", "saddr", "daddr"],
                        "ipsec key",
                    )?,
                    family: pick_opt(o, "family", &["ip", "ip6"], "ipsec family")?,
                    dir: pick(
                        o.get("dir").and_then(Json::as_str).unwrap_or("in"),
                        &["in", "out"],
                        "ipsec dir",
                    )?,
                    spnum: gu64(o, "spnum")?
                        .and_then(|x| u32::try_from(x).ok())
                        .unwrap_or(0),
                }
            }
            "fib" => {
                let o = obj(v)?;
                Expr::Fib {
                    result: pick(
                        gstr(o, "result")?,
                        &["oif", "oifname", "type"],
                        "fib result",
                    )?,
                    flags: strings(o.get("flags"))
                        .iter()
                        .map(|f| pick(f, &["saddr", "daddr", "mark", "iif", "oif"], "fib flag"))
                        .collect::<R<_>>()?,
                }
            }
            "rt" => {
                let o = obj(v)?;
                Expr::Rt {
                    key: pick(
                        gstr(o, "key")?,
                        &["classid", "nexthop", "mtu", "ipsec"],
                        "rt key",
                    )?,
                    family: pick_opt(o, "family", &["ip", "ip6"], "rt family")?,
                }
            }
            "socket" => {
                let o = obj(v)?;
                Expr::Socket {
                    key: pick(
                        gstr(o, "key")?,
                        &["transparent", "mark", "wildcard", "cgroupv2"],
                        "socket key",
                    )?,
                    level: gu64(o, "level")?.and_then(|x| u32::try_from(x).ok()),
                }
            }
            "jhash" => {
                let o = obj(v)?;
                let n = |k| -> R<u32> {
                    Ok(gu64(o, k)?.and_then(|x| u32::try_from(x).ok()).unwrap_or(0))
                };
                Expr::Jhash {
                    modulus: n("mod")?,
                    seed: gu64(o, "seed")?.and_then(|x| u32::try_from(x).ok()),
                    offset: n("offset")?,
                    expr: Box::new(self.expr(get(o, "expr")?, fam)?),
                }
            }
            "symhash" => {
                let o = obj(v)?;
                let n = |k| -> R<u32> {
                    Ok(gu64(o, k)?.and_then(|x| u32::try_from(x).ok()).unwrap_or(0))
                };
                Expr::Symhash {
                    modulus: n("mod")?,
                    offset: n("offset")?,
                }
            }
            other => return Err(format!("unsupported expression {other:?}")),
        })
    }

    fn ty(&self, e: &Expr, fam: ProtoFamily) -> R<Ty> {
        match e {
            Expr::Concat(v) => Ok(Ty::Concat(
                v.iter()
                    .map(|x| linearize::expr_type(x, fam).map_err(|e| e.why))
                    .collect::<R<_>>()?,
            )),
            e => {
                let (t, b) = linearize::expr_type(e, fam).map_err(|e| e.why)?;
                Ok(Ty::One(t, b))
            }
        }
    }

    /// A right-hand side (constant, set, range, prefix...) typed `ty`.
    fn rhs(&self, j: &Json, ty: &Ty, fam: ProtoFamily) -> R<Expr> {
        match j {
            Json::String(s) if s.starts_with('@') => Ok(Expr::SetRef(s[1..].to_owned())),
            Json::String(s) if s == "*" => Ok(Expr::Wildcard),
            Json::Array(a) => Ok(Expr::List(
                a.iter().map(|x| self.rhs(x, ty, fam)).collect::<R<_>>()?,
            )),
            Json::Object(_) => {
                let (k, v) = single(j)?;
                match k {
                    "set" => {
                        let a: Vec<Json> = match v {
                            Json::Array(a) => a.clone(),
                            x => vec![x.clone()],
                        };
                        Ok(Expr::Set(
                            a.iter()
                                .map(|x| self.elem(x, ty, None, fam))
                                .collect::<R<_>>()?,
                        ))
                    }
                    "map" => {
                        let o = obj(v)?;
                        let key = self.expr(get(o, "key")?, fam)?;
                        let kty = self.ty(&key, fam)?;
                        let data = match get(o, "data")? {
                            Json::String(s) if s.starts_with('@') => {
                                Expr::SetRef(s[1..].to_owned())
                            }
                            d => {
                                let (dk, dv) = single(d)?;
                                if dk != "set" {
                                    return Err(
                                        "map data is neither a set nor a set reference".into()
                                    );
                                }
                                Expr::Set(
                                    dv.as_array()
                                        .ok_or("map set")?
                                        .iter()
                                        .map(|e| self.elem(e, &kty, Some(ty), fam))
                                        .collect::<R<_>>()?,
                                )
                            }
                        };
                        Ok(Expr::Map {
                            key: Box::new(key),
                            data: Box::new(data),
                        })
                    }
                    "|" | "&" | "^" => {
                        // A constant expression (`syn | ack`): its value.
                        let a = v.as_array().filter(|a| a.len() == 2).ok_or("operands")?;
                        let (Ty::One(t, b), Expr::Value(x), Expr::Value(y)) =
                            (ty, self.rhs(&a[0], ty, fam)?, self.rhs(&a[1], ty, fam)?)
                        else {
                            return Err(format!("{k} of non-constants"));
                        };
                        let (x, y) = (x.as_u128(), y.as_u128());
                        let n = match k {
                            "|" => x | y,
                            "&" => x & y,
                            _ => x ^ y,
                        };
                        Ok(Expr::Value(Value::number(*t, *b, n)))
                    }
                    "prefix" => {
                        let o = obj(v)?;
                        let len = gu64(o, "len")?
                            .and_then(|x| u32::try_from(x).ok())
                            .ok_or("prefix len")?;
                        Ok(Expr::Prefix {
                            addr: Box::new(self.rhs(get(o, "addr")?, ty, fam)?),
                            len,
                        })
                    }
                    "range" => {
                        let a = v.as_array().filter(|a| a.len() == 2).ok_or("range")?;
                        Ok(Expr::Range(
                            Box::new(self.rhs(&a[0], ty, fam)?),
                            Box::new(self.rhs(&a[1], ty, fam)?),
                        ))
                    }
                    "concat" => {
                        let Ty::Concat(tys) = ty else {
                            return Err("concatenation compared with a single value".into());
                        };
                        let a = v.as_array().ok_or("concat")?;
                        if a.len() != tys.len() {
                            return Err("concatenation of another length".into());
                        }
                        Ok(Expr::Concat(
                            a.iter()
                                .zip(tys)
                                .map(|(x, (t, b))| self.rhs(x, &Ty::One(*t, *b), fam))
                                .collect::<R<_>>()?,
                        ))
                    }
                    k => {
                        if let Some(vd) = verdict(k, v)? {
                            return Ok(Expr::Verdict(vd));
                        }
                        Err(format!("unsupported value {k:?}"))
                    }
                }
            }
            Json::String(s)
                if matches!(ty, Ty::One(Datatype::Ifindex, _)) && parse_number(s).is_none() =>
            {
                let idx = self
                    .ifindex
                    .and_then(|f| f(s))
                    .ok_or_else(|| format!("unknown interface {s:?}"))?;
                Ok(Expr::Value(Value::number(
                    Datatype::Ifindex,
                    32,
                    idx.into(),
                )))
            }
            j => match ty {
                Ty::One(t, b) => Ok(Expr::Value(scalar(j, *t, *b)?)),
                Ty::Concat(_) => Err("a single value compared with a concatenation".into()),
            },
        }
    }

    /// A set element: a key, `[key, data]`, or `{"elem": {...}}`.
    fn elem(&self, j: &Json, ty: &Ty, data: Option<&Ty>, fam: ProtoFamily) -> R<Expr> {
        if let Json::Array(a) = j {
            if a.len() == 2 {
                let k = self.elem(&a[0], ty, None, fam)?;
                let d = match data {
                    Some(dt) => self.rhs(&a[1], dt, fam)?,
                    None => self.rhs(&a[1], &Ty::One(Datatype::Verdict, 32), fam)?,
                };
                // `[{"elem": {"val": KEY, "counter": ...}}, DATA]`: the
                // element's options hold the whole mapping.
                if let Expr::Elem(mut b) = k {
                    b.val = Expr::Mapping(Box::new(b.val), Box::new(d));
                    return Ok(Expr::Elem(b));
                }
                return Ok(Expr::Mapping(Box::new(k), Box::new(d)));
            }
        }
        if let Some(o) = j.as_object() {
            if let Some(e) = o.get("elem") {
                let e = obj(e)?;
                let val = self.elem(get(e, "val")?, ty, data, fam)?;
                let mut stmts = Vec::new();
                for (sk, sv) in e {
                    // The element's statements (`counter`, `limit`, `quota`...).
                    if !matches!(sk.as_str(), "val" | "timeout" | "expires" | "comment") {
                        let mut one = Map::new();
                        one.insert(sk.clone(), sv.clone());
                        stmts.push(self.stmt(&Json::Object(one), fam)?);
                    }
                }
                return Ok(Expr::Elem(Box::new(Elem {
                    val,
                    timeout_ms: gu64(e, "timeout")?.map(|t| t.saturating_mul(1000)),
                    expires_ms: gu64(e, "expires")?.map(|t| t.saturating_mul(1000)),
                    comment: e.get("comment").and_then(Json::as_str).map(str::to_owned),
                    stmts,
                })));
            }
        }
        self.rhs(j, ty, fam)
    }

    fn stmt(&self, j: &Json, fam: ProtoFamily) -> R<Stmt> {
        if let Json::String(s) = j {
            // nft 1.0.6 prints what its JSON cannot describe as text.
            return Err(format!(
                "a statement nft's JSON gives as text (an anonymous chain, a map update): {s:?}"
            ));
        }
        let (k, v) = single(j)?;
        if let Some(vd) = verdict(k, v)? {
            return Ok(Stmt::Verdict(vd));
        }
        let o = v.as_object();
        let num32 = |k: &str| -> R<Option<u32>> {
            match o {
                Some(o) => Ok(gu64(o, k)?.and_then(|x| u32::try_from(x).ok())),
                None => Ok(None),
            }
        };
        let inv = o
            .and_then(|o| o.get("inv"))
            .and_then(Json::as_bool)
            .unwrap_or(false);
        let objref = |kind: &'static str| -> Option<Stmt> {
            v.as_str().map(|s| Stmt::Objref {
                kind,
                name: Expr::Value(Value::string(Datatype::String, s)),
            })
        };
        Ok(match k {
            "match" => {
                let o = obj(v)?;
                let op = match gstr(o, "op")? {
                    "==" => Op::Eq,
                    "!=" => Op::Neq,
                    "<" => Op::Lt,
                    ">" => Op::Gt,
                    "<=" => Op::Lte,
                    ">=" => Op::Gte,
                    "in" => Op::In,
                    "!" => Op::Not,
                    x => return Err(format!("unknown operator {x:?}")),
                };
                let left = self.expr(get(o, "left")?, fam)?;
                let ty = self.ty(&left, fam)?;
                let right = self.rhs(get(o, "right")?, &ty, fam)?;
                Stmt::Match { op, left, right }
            }
            "counter" | "quota" | "limit" | "ct helper" | "ct timeout" | "ct expectation"
            | "secmark" | "synproxy"
                if o.is_some_and(|o| o.contains_key("map")) =>
            {
                // An object chosen by a map: `counter name ip saddr map @m`.
                let m = obj(get(obj(v)?, "map")?)?;
                let key = self.expr(get(m, "key")?, fam)?;
                let data = match get(m, "data")? {
                    Json::String(s) if s.starts_with('@') => Expr::SetRef(s[1..].to_owned()),
                    d => {
                        // An anonymous object map: `[key, "object name"]`.
                        let kty = self.ty(&key, fam)?;
                        let elems = match single(d)? {
                            ("set", Json::Array(a)) => a,
                            _ => return Err("object map data is neither a set nor @name".into()),
                        };
                        Expr::Set(
                            elems
                                .iter()
                                .map(|e| {
                                    self.elem(e, &kty, Some(&Ty::One(Datatype::String, 0)), fam)
                                })
                                .collect::<R<_>>()?,
                        )
                    }
                };
                Stmt::Objref {
                    kind: pick(
                        k,
                        &[
                            "counter",
                            "quota",
                            "limit",
                            "ct helper",
                            "ct timeout",
                            "ct expectation",
                            "secmark",
                            "synproxy",
                        ],
                        "object",
                    )?,
                    name: Expr::Map {
                        key: Box::new(key),
                        data: Box::new(data),
                    },
                }
            }
            "counter" => {
                if let Some(s) = objref("counter") {
                    return Ok(s);
                }
                Stmt::Counter(Counter {
                    packets: o.and_then(|o| o.get("packets")?.as_u64()).unwrap_or(0),
                    bytes: o.and_then(|o| o.get("bytes")?.as_u64()).unwrap_or(0),
                })
            }
            "quota" | "limit" | "ct helper" | "ct timeout" | "ct expectation" | "secmark"
            | "synproxy"
                if v.is_string() =>
            {
                let kind = pick(
                    k,
                    &[
                        "quota",
                        "limit",
                        "ct helper",
                        "ct timeout",
                        "ct expectation",
                        "secmark",
                        "synproxy",
                    ],
                    "object",
                )?;
                objref(kind).ok_or("object name")?
            }
            "mangle" => {
                let o = obj(v)?;
                let key = self.expr(get(o, "key")?, fam)?;
                let ty = self.ty(&key, fam)?;
                let value = match get(o, "value")? {
                    x @ Json::Object(_)
                        if single(x).is_ok_and(|(k, _)| !matches!(k, "set" | "map")) =>
                    {
                        self.expr(x, fam)?
                    }
                    x => self.rhs(x, &ty, fam)?,
                };
                Stmt::Mangle { key, value }
            }
            "vmap" => {
                let o = obj(v)?;
                let key = self.expr(get(o, "key")?, fam)?;
                let ty = self.ty(&key, fam)?;
                let data = match get(o, "data")? {
                    Json::String(s) if s.starts_with('@') => Expr::SetRef(s[1..].to_owned()),
                    x => {
                        let (sk, sv) = single(x)?;
                        if sk != "set" {
                            return Err("vmap data".into());
                        }
                        Expr::Set(
                            sv.as_array()
                                .ok_or("vmap set")?
                                .iter()
                                .map(|e| self.elem(e, &ty, None, fam))
                                .collect::<R<_>>()?,
                        )
                    }
                };
                Stmt::Vmap { key, data }
            }
            "log" => {
                let mut l = Log::default();
                if let Some(o) = o {
                    l.prefix = o.get("prefix").and_then(Json::as_str).map(str::to_owned);
                    l.group = gu64(o, "group")?.and_then(|x| u16::try_from(x).ok());
                    l.snaplen = num32("snaplen")?;
                    l.qthreshold = gu64(o, "queue-threshold")?.and_then(|x| u16::try_from(x).ok());
                    if let Some(lv) = o.get("level").and_then(Json::as_str) {
                        l.level = Some(pick(
                            lv,
                            &[
                                "emerg", "alert", "crit", "err", "warn", "notice", "info", "debug",
                                "audit",
                            ],
                            "log level",
                        )?);
                    }
                    for f in strings(o.get("flags")) {
                        l.flags.push(pick(
                            &f,
                            &[
                                "tcp sequence",
                                "tcp options",
                                "ip options",
                                "skuid",
                                "ether",
                                "all",
                            ],
                            "log flag",
                        )?);
                    }
                }
                Stmt::Log(l)
            }
            "limit" => Stmt::Limit(limit(obj(v)?)?),
            "quota" => {
                let o = obj(v)?;
                let unit = |k: &str| unit_bytes(o.get(k).and_then(Json::as_str).unwrap_or("bytes"));
                Stmt::Quota(Quota {
                    bytes: gu64(o, "val")?
                        .unwrap_or(0)
                        .saturating_mul(unit("val_unit")?),
                    used: gu64(o, "used")?
                        .unwrap_or(0)
                        .saturating_mul(unit("used_unit")?),
                    inv,
                })
            }
            "ct count" => Stmt::CtCount {
                val: num32("val")?.ok_or("ct count val")?,
                inv,
            },
            "notrack" => Stmt::Notrack,
            "reset" => Stmt::Reset(self.expr(v, fam)?),
            // A named synproxy object (`synproxy name "web"`).
            "synproxy" if v.is_string() => objref("synproxy").ok_or("synproxy name")?,
            "synproxy" => Stmt::Synproxy(Synproxy {
                mss: match o {
                    Some(o) => gu64(o, "mss")?.and_then(|x| u16::try_from(x).ok()),
                    None => None,
                },
                wscale: match o {
                    Some(o) => gu64(o, "wscale")?.and_then(|x| u8::try_from(x).ok()),
                    None => None,
                },
                flags: strings(o.and_then(|o| o.get("flags")))
                    .iter()
                    .map(|f| pick(f, &["timestamp", "sack-perm"], "synproxy flag"))
                    .collect::<R<_>>()?,
            }),
            "tproxy" => {
                let o = obj(v)?;
                let family = pick_opt(o, "family", &["ip", "ip6"], "tproxy family")?;
                let aty = match (family, fam) {
                    (Some("ip6"), _) | (None, ProtoFamily::Ipv6) => {
                        Ty::One(Datatype::Ipv6Addr, 128)
                    }
                    _ => Ty::One(Datatype::Ipv4Addr, 32),
                };
                Stmt::Tproxy {
                    family,
                    addr: o.get("addr").map(|a| self.rhs(a, &aty, fam)).transpose()?,
                    port: o
                        .get("port")
                        .map(|p| self.rhs(p, &Ty::One(Datatype::InetService, 16), fam))
                        .transpose()?,
                }
            }
            "dup" | "fwd" => {
                let o = obj(v)?;
                let family = pick_opt(o, "family", &["ip", "ip6"], "family")?;
                let aty = match (family, fam) {
                    (Some("ip6"), _) | (None, ProtoFamily::Ipv6) => {
                        Ty::One(Datatype::Ipv6Addr, 128)
                    }
                    _ => Ty::One(Datatype::Ipv4Addr, 32),
                };
                let dev_ty = Ty::One(Datatype::Ifindex, 32);
                let mut addr = o.get("addr");
                let mut dev = o.get("dev");
                // nft prints a device-only dup (netdev) under "addr".
                if k == "dup" && fam == ProtoFamily::Netdev && dev.is_none() {
                    dev = addr.take();
                }
                let addr = addr.map(|a| self.rhs(a, &aty, fam)).transpose()?;
                let dev = dev.map(|d| self.rhs(d, &dev_ty, fam)).transpose()?;
                if k == "dup" {
                    Stmt::Dup { addr, dev }
                } else {
                    Stmt::Fwd {
                        dev: dev.ok_or("fwd without a device")?,
                        family,
                        addr,
                    }
                }
            }
            "set" => {
                let o = obj(v)?;
                let op = pick(
                    gstr(o, "op")?,
                    &["add", "update", "delete"],
                    "set operation",
                )?;
                let elem = self.dyn_elem(get(o, "elem")?, gstr(o, "set")?, fam)?;
                let stmts = match o.get("stmt") {
                    Some(Json::Array(a)) => {
                        a.iter().map(|s| self.stmt(s, fam)).collect::<R<_>>()?
                    }
                    _ => Vec::new(),
                };
                Stmt::Set {
                    op,
                    elem,
                    set: gstr(o, "set")?.to_owned(),
                    stmts,
                }
            }
            "meter" => {
                let o = obj(v)?;
                let name = gstr(o, "name")?.to_owned();
                Stmt::Meter {
                    key: self.dyn_elem(get(o, "key")?, &name, fam)?,
                    stmt: Box::new(self.stmt(get(o, "stmt")?, fam)?),
                    size: num32("size")?,
                    name,
                }
            }
            "map" => {
                // `update @m { KEY : DATA }`: the data typed by the map's.
                let o = obj(v)?;
                let map = gstr(o, "map")?.to_owned();
                let name = map.trim_start_matches('@');
                let (f, t) = &self.table;
                let dtypes = self
                    .sets
                    .get(&(f.clone(), t.clone(), name.to_owned()))
                    .and_then(|x| x.1.clone())
                    .or_else(|| {
                        self.set_lookup
                            .and_then(|l| l(f, t, name))
                            .and_then(|x| x.1)
                    })
                    .ok_or_else(|| format!("map {name} is unknown"))?;
                let tys: Vec<(Datatype, u32)> = dtypes
                    .iter()
                    .map(|n| {
                        let t = datatype_by_name(n).ok_or_else(|| format!("unknown type {n}"))?;
                        Ok((t, t.bits().unwrap_or(32)))
                    })
                    .collect::<R<_>>()?;
                let dty = match tys.as_slice() {
                    [(t, b)] => Ty::One(*t, *b),
                    [] => return Err(format!("map {name} has no data type")),
                    v => Ty::Concat(v.to_vec()),
                };
                let data = match get(o, "data")? {
                    x @ Json::Object(_) if single(x).is_ok_and(|(k, _)| k != "concat") => {
                        self.expr(x, fam)?
                    }
                    x => self.rhs(x, &dty, fam)?,
                };
                Stmt::MapUpdate {
                    op: pick(
                        gstr(o, "op")?,
                        &["add", "update", "delete"],
                        "map operation",
                    )?,
                    elem: self.dyn_elem(get(o, "elem")?, &map, fam)?,
                    data,
                    stmts: match o.get("stmt") {
                        Some(Json::Array(a)) => {
                            a.iter().map(|s| self.stmt(s, fam)).collect::<R<_>>()?
                        }
                        _ => Vec::new(),
                    },
                    map,
                }
            }
            "flow" => {
                let o = obj(v)?;
                if let Some(op) = o.get("op").and_then(Json::as_str) {
                    pick(op, &["add"], "flow operation")?;
                }
                Stmt::Flow {
                    flowtable: gstr(o, "flowtable")?.to_owned(),
                }
            }
            "last" => Stmt::Last {
                used_ms: match o {
                    Some(o) => gu64(o, "used")?,
                    None => None,
                },
            },
            "snat" | "dnat" | "masquerade" | "redirect" => {
                let kind = match k {
                    "snat" => NatKind::Snat,
                    "dnat" => NatKind::Dnat,
                    "masquerade" => NatKind::Masquerade,
                    _ => NatKind::Redirect,
                };
                let mut n = Nat {
                    kind,
                    family: None,
                    addr: None,
                    port: None,
                    flags: Vec::new(),
                    type_flags: Vec::new(),
                };
                if let Some(o) = o {
                    if let Some(f) = o.get("family").and_then(Json::as_str) {
                        n.family = Some(pick(f, &["ip", "ip6"], "nat family")?);
                    }
                    let aty = match (n.family, fam) {
                        (Some("ip6"), _) | (None, ProtoFamily::Ipv6) => (Datatype::Ipv6Addr, 128),
                        _ => (Datatype::Ipv4Addr, 32),
                    };
                    for f in strings(o.get("type_flags")) {
                        n.type_flags.push(pick(
                            &f,
                            &["interval", "prefix", "concat"],
                            "nat type flag",
                        )?);
                    }
                    if let Some(a) = o.get("addr") {
                        n.addr = Some(match a.get("map").and_then(Json::as_object) {
                            Some(m) => self.nat_map(m, aty, fam, &mut n.type_flags)?,
                            None => self.rhs(a, &Ty::One(aty.0, aty.1), fam)?,
                        });
                    }
                    if let Some(p) = o.get("port") {
                        n.port = Some(self.rhs(p, &Ty::One(Datatype::InetService, 16), fam)?);
                    }
                    for f in strings(o.get("flags")) {
                        n.flags.push(pick(
                            &f,
                            &["random", "fully-random", "persistent", "netmap"],
                            "nat flag",
                        )?);
                    }
                }
                Stmt::Nat(n)
            }
            "reject" => {
                let mut r = Reject::default();
                if let Some(o) = o {
                    if let Some(t) = o.get("type").and_then(Json::as_str) {
                        r.kind = Some(pick(
                            t,
                            &["tcp reset", "icmp", "icmpv6", "icmpx"],
                            "reject type",
                        )?);
                    }
                    if let Some(c) = o.get("expr") {
                        let ty = match r.kind {
                            Some("icmpv6") => Datatype::Icmpv6Code,
                            Some("icmpx") => Datatype::IcmpxCode,
                            _ => Datatype::IcmpCode,
                        };
                        r.code = Some(Expr::Value(scalar(c, ty, 8)?));
                    }
                }
                Stmt::Reject(r)
            }
            "queue" => {
                let mut num = None;
                let mut flags = Vec::new();
                if let Some(o) = o {
                    if let Some(n) = o.get("num") {
                        num = Some(self.rhs(n, &Ty::One(Datatype::Integer, 16), fam)?);
                    }
                    for f in strings(o.get("flags")) {
                        flags.push(pick(&f, &["bypass", "fanout"], "queue flag")?);
                    }
                }
                Stmt::Queue { num, flags }
            }
            other => return Err(format!("unsupported statement {other:?}")),
        })
    }
}

impl Ctx<'_> {
    /// The address of a NAT statement chosen by a map: its data an address
    /// (`aty`), an address and a port (`concat`), or ranges of them
    /// (`interval`); a named map's kind is noted in `type_flags`.
    fn nat_map(
        &self,
        m: &Map<String, Json>,
        aty: (Datatype, u32),
        fam: ProtoFamily,
        type_flags: &mut Vec<&'static str>,
    ) -> R<Expr> {
        let key = self.expr(get(m, "key")?, fam)?;
        let kty = self.ty(&key, fam)?;
        let one = Ty::One(aty.0, aty.1);
        let pair = Ty::Concat(vec![aty, (Datatype::InetService, 16)]);
        let data = match get(m, "data")? {
            Json::String(s) if s.starts_with('@') => {
                let name = s[1..].to_owned();
                let (f, t) = self.table.clone();
                let flags = match self.nat_maps.get(&(f.clone(), t.clone(), name.clone())) {
                    Some(fl) => fl.clone(),
                    None => match self.set_lookup.and_then(|l| l(&f, &t, &name)) {
                        Some((_, Some(d), _)) if d.len() > 1 => vec!["concat"],
                        _ => Vec::new(),
                    },
                };
                for fl in flags {
                    if !type_flags.contains(&fl) {
                        type_flags.push(fl);
                    }
                }
                Expr::SetRef(name)
            }
            d => {
                let elems = match single(d)? {
                    ("set", Json::Array(a)) => a,
                    _ => return Err("map data is neither a set nor @name".into()),
                };
                Expr::Set(
                    elems
                        .iter()
                        .map(|e| {
                            let data = match e {
                                Json::Array(a) => a.get(1),
                                _ => e.get("elem").and_then(|x| x.get("val")),
                            };
                            let dty = if data.is_some_and(|d| d.get("concat").is_some()) {
                                &pair
                            } else {
                                &one
                            };
                            self.elem(e, &kty, Some(dty), fam)
                        })
                        .collect::<R<_>>()?,
                )
            }
        };
        Ok(Expr::Map {
            key: Box::new(key),
            data: Box::new(data),
        })
    }
}

impl Ctx<'_> {
    /// The key of a set or meter updated from the packet path (`add @s {
    /// ip saddr . 22 timeout 1m }`): expressions, with constants typed by
    /// the set's key type, optionally as an element with a timeout.
    fn dyn_elem(&self, j: &Json, set: &str, fam: ProtoFamily) -> R<Expr> {
        let Some(e) = j.get("elem") else {
            return self.dyn_key(j, set, fam);
        };
        let e = obj(e)?;
        Ok(Expr::Elem(Box::new(Elem {
            val: self.dyn_key(get(e, "val")?, set, fam)?,
            timeout_ms: gu64(e, "timeout")?.map(|t| t.saturating_mul(1000)),
            expires_ms: gu64(e, "expires")?.map(|t| t.saturating_mul(1000)),
            comment: e.get("comment").and_then(Json::as_str).map(str::to_owned),
            stmts: Vec::new(),
        })))
    }

    fn dyn_key(&self, j: &Json, set: &str, fam: ProtoFamily) -> R<Expr> {
        let set = set.trim_start_matches('@');
        let (f, t) = &self.table;
        let types = self
            .sets
            .get(&(f.clone(), t.clone(), set.to_owned()))
            .map(|x| x.0.clone())
            .or_else(|| self.set_lookup.and_then(|l| l(f, t, set)).map(|x| x.0))
            .unwrap_or_default();
        let part = |i: usize, x: &Json| -> R<Expr> {
            if x.is_object() {
                return self.expr(x, fam);
            }
            let ty = types
                .get(i)
                .and_then(|n| datatype_by_name(n))
                .ok_or_else(|| format!("constant in the key of {set}, whose type is unknown"))?;
            self.rhs(x, &Ty::One(ty, ty.bits().unwrap_or(32)), fam)
        };
        match j.get("concat").and_then(Json::as_array) {
            Some(a) => Ok(Expr::Concat(
                a.iter()
                    .enumerate()
                    .map(|(i, x)| part(i, x))
                    .collect::<R<_>>()?,
            )),
            None => part(0, j),
        }
    }
}

/// Whether a set element's key holds a range or a prefix.
fn elem_has_range(e: &Expr) -> bool {
    match e {
        Expr::Range(..) | Expr::Prefix { .. } => true,
        Expr::Concat(p) => p.iter().any(elem_has_range),
        Expr::Mapping(k, _) => elem_has_range(k),
        Expr::Elem(b) => elem_has_range(&b.val),
        _ => false,
    }
}

/// Whether a map element's data holds a range or a prefix.
fn data_has_range(e: &Expr) -> bool {
    fn ranged(e: &Expr) -> bool {
        match e {
            Expr::Range(..) | Expr::Prefix { .. } => true,
            Expr::Concat(p) => p.iter().any(ranged),
            _ => false,
        }
    }
    match e {
        Expr::Mapping(_, d) => ranged(d),
        Expr::Elem(b) => data_has_range(&b.val),
        _ => false,
    }
}

fn unit_bytes(u: &str) -> R<u64> {
    Ok(match u {
        "bytes" => 1,
        "kbytes" => 1024,
        "mbytes" => 1024 * 1024,
        "gbytes" => 1024 * 1024 * 1024,
        x => return Err(format!("unknown unit {x:?}")),
    })
}

fn limit(o: &Map<String, Json>) -> R<Limit> {
    let per = match o.get("per").and_then(Json::as_str).unwrap_or("second") {
        "second" => 1,
        "minute" => 60,
        "hour" => 3600,
        "day" => 86400,
        "week" => 604_800,
        x => return Err(format!("unknown period {x:?}")),
    };
    let bytes =
        o.contains_key("rate_unit") && o.get("rate_unit").and_then(Json::as_str) != Some("packets");
    let rate_unit = unit_bytes(o.get("rate_unit").and_then(Json::as_str).unwrap_or("bytes"))?;
    let burst_unit = unit_bytes(
        o.get("burst_unit")
            .and_then(Json::as_str)
            .unwrap_or("bytes"),
    )?;
    let rate = gu64(o, "rate")?.unwrap_or(0);
    let burst = gu64(o, "burst")?;
    Ok(Limit {
        rate: if bytes {
            rate.saturating_mul(rate_unit)
        } else {
            rate
        },
        unit_secs: per,
        burst: match burst {
            Some(b) if bytes => u32::try_from(b.saturating_mul(burst_unit)).unwrap_or(u32::MAX),
            Some(b) => u32::try_from(b).unwrap_or(u32::MAX),
            None if bytes => 0,
            None => 5,
        },
        bytes,
        inv: o.get("inv").and_then(Json::as_bool).unwrap_or(false),
    })
}

fn hook_name(h: &str) -> R<&'static str> {
    pick(
        h,
        &[
            "prerouting",
            "input",
            "forward",
            "output",
            "postrouting",
            "ingress",
            "egress",
        ],
        "hook",
    )
}

impl Ctx<'_> {
    /// One object (`{"table": ...}`...) of a command or a listing.
    fn target(&mut self, key: &str, v: &Json, verb: Verb) -> R<(Target, String)> {
        // `{"flush": {"ruleset": null}}`: the ruleset takes no object.
        if key == "ruleset" {
            return Ok((Target::Ruleset, format!("{} ruleset", verb.name())));
        }
        if matches!(key, "counters" | "quotas") {
            // `reset counters [family [table]]`.
            let kind = if key == "counters" {
                "counter"
            } else {
                "quota"
            };
            let o = v.as_object();
            let family = match o.and_then(|o| o.get("family")) {
                Some(_) => Some(family_of(o.ok_or("family")?)?.0),
                None => None,
            };
            let table = o
                .and_then(|o| o.get("table"))
                .and_then(Json::as_str)
                .map(str::to_owned);
            let w = format!(
                "{} {key} {} {}",
                verb.name(),
                family.unwrap_or(""),
                table.as_deref().unwrap_or("")
            );
            return Ok((
                Target::Objects {
                    kind,
                    family,
                    table,
                },
                w.trim_end().to_owned(),
            ));
        }
        let o = obj(v)?;
        let name = |k| -> String { o.get(k).and_then(Json::as_str).unwrap_or("").to_owned() };
        let handle = gu64(o, "handle")?.unwrap_or(0);
        let what = |tail: String| format!("{} {key} {tail}", verb.name());
        match key {
            "ruleset" => Ok((Target::Ruleset, format!("{} ruleset", verb.name()))),
            "table" => {
                let (family, _) = family_of(o)?;
                let t = TableItem {
                    family,
                    name: name("name"),
                    handle,
                    flags: strings(o.get("flags"))
                        .iter()
                        .filter_map(|f| pick(f, &["dormant", "owner", "persist"], "flag").ok())
                        .collect(),
                    comment: o.get("comment").and_then(Json::as_str).map(str::to_owned),
                };
                let w = what(format!("{family} {}", t.name));
                Ok((Target::Item(Item::Table(t)), w))
            }
            "chain" => {
                let (family, _) = family_of(o)?;
                let base = match o.get("hook").and_then(Json::as_str) {
                    Some(h) => Some(BaseChain {
                        kind: o
                            .get("type")
                            .and_then(Json::as_str)
                            .unwrap_or("filter")
                            .to_owned(),
                        hook: hook_name(h)?,
                        prio: o
                            .get("prio")
                            .and_then(Json::as_i64)
                            .and_then(|p| i32::try_from(p).ok())
                            .unwrap_or(0),
                        devices: strings(o.get("dev")),
                        policy: pick(
                            o.get("policy").and_then(Json::as_str).unwrap_or("accept"),
                            &["accept", "drop"],
                            "policy",
                        )?,
                    }),
                    None => None,
                };
                let c = ChainItem {
                    family,
                    table: name("table"),
                    name: name("name"),
                    handle,
                    comment: o.get("comment").and_then(Json::as_str).map(str::to_owned),
                    base,
                };
                let w = what(format!("{family} {} {}", c.table, c.name));
                Ok((Target::Item(Item::Chain(c)), w))
            }
            "set" | "map" | "element" => {
                let (family, fam) = family_of(o)?;
                let table = name("table");
                let sname = name("name");
                let w = what(format!("{family} {table} {sname}"));
                let (key_type, map) = if key == "element" {
                    let skey = (family.to_owned(), table.clone(), sname.clone());
                    match self.sets.get(&skey).cloned() {
                        Some(x) => x,
                        None => {
                            let (k, m, interval) = self
                                .set_lookup
                                .and_then(|f| f(family, &table, &sname))
                                .ok_or_else(|| {
                                    format!("set {family} {table} {sname} is unknown")
                                })?;
                            if interval {
                                self.set_flags.entry(skey).or_default().push("interval");
                            }
                            (k, m)
                        }
                    }
                } else {
                    let kt = strings(o.get("type"));
                    // A map of concatenated data lists its type as one
                    // string (`"ipv4_addr . inet_service"`).
                    let map = (key == "map").then(|| {
                        strings(o.get("map"))
                            .iter()
                            .flat_map(|m| m.split(" . ").map(str::to_owned).collect::<Vec<_>>())
                            .collect::<Vec<_>>()
                    });
                    // (`flush set` names a set without declaring it)
                    if !kt.is_empty() {
                        self.sets.insert(
                            (family.to_owned(), table.clone(), sname.clone()),
                            (kt.clone(), map.clone()),
                        );
                    }
                    (kt, map)
                };
                let types: Vec<(Datatype, u32)> = key_type
                    .iter()
                    .map(|n| {
                        let t = datatype_by_name(n).ok_or_else(|| format!("unknown type {n}"))?;
                        Ok((t, t.bits().unwrap_or(32)))
                    })
                    .collect::<R<_>>()?;
                let ty = match types.as_slice() {
                    // `flush set` and `delete set` name a set without its type.
                    [] if o.get("elem").is_none() => Ty::One(Datatype::Integer, 32),
                    [] => return Err("no key type".into()),
                    [(t, b)] => Ty::One(*t, *b),
                    v => Ty::Concat(v.to_vec()),
                };
                let dty = match map.as_deref() {
                    Some([one]) if one == "verdict" => Some(Ty::One(Datatype::Verdict, 32)),
                    // An object map: the data are object names.
                    Some([one])
                        if matches!(
                            one.as_str(),
                            "counter"
                                | "quota"
                                | "limit"
                                | "ct helper"
                                | "ct timeout"
                                | "ct expectation"
                                | "secmark"
                                | "synproxy"
                        ) =>
                    {
                        Some(Ty::One(Datatype::String, 0))
                    }
                    Some([one]) => {
                        datatype_by_name(one).map(|t| Ty::One(t, t.bits().unwrap_or(32)))
                    }
                    Some(v) if v.len() > 1 => Some(Ty::Concat(
                        v.iter()
                            .filter_map(|n| datatype_by_name(n))
                            .map(|t| (t, t.bits().unwrap_or(32)))
                            .collect(),
                    )),
                    _ => None,
                };
                let elems = match o.get("elem") {
                    Some(Json::Array(a)) => a
                        .iter()
                        .map(|e| self.elem(e, &ty, dty.as_ref(), fam))
                        .collect::<R<_>>()?,
                    Some(x) => vec![self.elem(x, &ty, dty.as_ref(), fam)?],
                    None => Vec::new(),
                };
                if key == "map" {
                    let mut fl = Vec::new();
                    if map.as_ref().is_some_and(|m| m.len() == 2) {
                        fl.push("concat");
                    }
                    if elems.iter().any(data_has_range) {
                        fl.push("interval");
                    }
                    self.nat_maps
                        .insert((family.to_owned(), table.clone(), sname.clone()), fl);
                }
                let s = SetItem {
                    family,
                    name: sname,
                    table,
                    key_type,
                    handle,
                    map,
                    policy: pick_opt(o, "policy", &["performance", "memory"], "policy")?,
                    size: gu64(o, "size")?.and_then(|x| u32::try_from(x).ok()),
                    flags: strings(o.get("flags"))
                        .iter()
                        .map(|f| {
                            pick(
                                f,
                                &["constant", "interval", "timeout", "dynamic"],
                                "set flag",
                            )
                        })
                        .collect::<R<_>>()?,
                    timeout: gu64(o, "timeout")?,
                    gc_interval: gu64(o, "gc-interval")?,
                    comment: o.get("comment").and_then(Json::as_str).map(str::to_owned),
                    stmts: match o.get("stmt") {
                        Some(Json::Array(a)) => {
                            a.iter().map(|x| self.stmt(x, fam)).collect::<R<_>>()?
                        }
                        _ => Vec::new(),
                    },
                    elems,
                };
                let skey = (family.to_owned(), s.table.clone(), s.name.clone());
                if key == "element" {
                    // Elements of an interval set are ranges: the set's
                    // flags when the file declares it; a range or prefix
                    // among them says so too.
                    let mut s = s;
                    s.flags = self.set_flags.get(&skey).cloned().unwrap_or_default();
                    if !s.flags.contains(&"interval") && s.elems.iter().any(elem_has_range) {
                        s.flags.push("interval");
                    }
                    Ok((Target::Elements(s), w))
                } else {
                    self.set_flags.insert(skey, s.flags.clone());
                    Ok((Target::Item(Item::Set(s)), w))
                }
            }
            "rule" => {
                let (family, fam) = family_of(o)?;
                let table = name("table");
                let chain = name("chain");
                let w = what(format!("{family} {table} {chain}"));
                self.table = (family.to_owned(), table.clone());
                let stmts = match o.get("expr") {
                    Some(Json::Array(a)) => a
                        .iter()
                        .enumerate()
                        .map(|(i, s)| {
                            self.stmt(s, fam).map_err(|e| {
                                format!(
                                    "statement {} ({}): {e}",
                                    i + 1,
                                    single(s).map(|x| x.0).unwrap_or("?")
                                )
                            })
                        })
                        .collect::<R<_>>()?,
                    _ => Vec::new(),
                };
                let r = RuleItem {
                    family,
                    table,
                    chain,
                    handle,
                    comment: o.get("comment").and_then(Json::as_str).map(str::to_owned),
                    stmts,
                };
                Ok((Target::Item(Item::Rule(r)), w))
            }
            "counter" | "quota" | "limit" | "ct count" | "ct helper" | "ct timeout"
            | "ct expectation" | "secmark" | "synproxy" => {
                let (family, _) = family_of(o)?;
                let body = match key {
                    "counter" => ObjBody::Counter(Counter {
                        packets: gu64(o, "packets")?.unwrap_or(0),
                        bytes: gu64(o, "bytes")?.unwrap_or(0),
                    }),
                    "quota" => ObjBody::Quota(Quota {
                        bytes: gu64(o, "bytes")?.unwrap_or(0),
                        used: gu64(o, "used")?.unwrap_or(0),
                        inv: o.get("inv").and_then(Json::as_bool).unwrap_or(false),
                    }),
                    "limit" => ObjBody::Limit(limit(o)?),
                    "ct helper" => ObjBody::CtHelper {
                        helper: gstr(o, "type")?.to_owned(),
                        protocol: gstr(o, "protocol")?.to_owned(),
                        l3proto: o
                            .get("l3proto")
                            .and_then(Json::as_str)
                            .unwrap_or("inet")
                            .to_owned(),
                    },
                    "ct timeout" => ObjBody::CtTimeout {
                        protocol: gstr(o, "protocol")?.to_owned(),
                        l3proto: o
                            .get("l3proto")
                            .and_then(Json::as_str)
                            .unwrap_or(family)
                            .to_owned(),
                        policy: match o.get("policy") {
                            Some(Json::Object(p)) => p
                                .iter()
                                .map(|(k, v)| {
                                    let secs = v
                                        .as_u64()
                                        .and_then(|x| u32::try_from(x).ok())
                                        .ok_or_else(|| format!("timeout of {k}"))?;
                                    Ok((k.clone(), secs))
                                })
                                .collect::<R<_>>()?,
                            None => Vec::new(),
                            Some(_) => return Err("policy is not an object".into()),
                        },
                    },
                    "ct expectation" => ObjBody::CtExpect {
                        protocol: gstr(o, "protocol")?.to_owned(),
                        dport: gu64(o, "dport")?
                            .and_then(|x| u16::try_from(x).ok())
                            .ok_or("dport")?,
                        timeout: gu64(o, "timeout")?
                            .and_then(|x| u32::try_from(x).ok())
                            .ok_or("timeout")?,
                        size: gu64(o, "size")?
                            .and_then(|x| u8::try_from(x).ok())
                            .ok_or("size")?,
                        l3proto: o
                            .get("l3proto")
                            .and_then(Json::as_str)
                            .unwrap_or(family)
                            .to_owned(),
                    },
                    "secmark" => ObjBody::Secmark {
                        context: gstr(o, "context")?.to_owned(),
                    },
                    "synproxy" => ObjBody::Synproxy(Synproxy {
                        mss: gu64(o, "mss")?.and_then(|x| u16::try_from(x).ok()),
                        wscale: gu64(o, "wscale")?.and_then(|x| u8::try_from(x).ok()),
                        flags: strings(o.get("flags"))
                            .iter()
                            .filter_map(|f| pick(f, &["timestamp", "sack-perm"], "flag").ok())
                            .collect(),
                    }),
                    _ => ObjBody::Connlimit {
                        count: gu64(o, "count")?
                            .and_then(|x| u32::try_from(x).ok())
                            .unwrap_or(0),
                        inv: o.get("inv").and_then(Json::as_bool).unwrap_or(false),
                    },
                };
                let i = ObjItem {
                    family,
                    name: name("name"),
                    table: name("table"),
                    handle,
                    comment: o.get("comment").and_then(Json::as_str).map(str::to_owned),
                    obj: body,
                };
                let w = what(format!("{family} {} {}", i.table, i.name));
                Ok((Target::Item(Item::Obj(i)), w))
            }
            "flowtable" => {
                let (family, _) = family_of(o)?;
                let f = FlowtableItem {
                    family,
                    name: name("name"),
                    table: name("table"),
                    handle,
                    hook: match o.get("hook").and_then(Json::as_str) {
                        Some(h) => hook_name(h)?,
                        None => "ingress",
                    },
                    prio: o
                        .get("prio")
                        .and_then(Json::as_i64)
                        .and_then(|p| i32::try_from(p).ok())
                        .unwrap_or(0),
                    devices: strings(o.get("dev")),
                    flags: strings(o.get("flags"))
                        .iter()
                        .map(|f| pick(f, &["offload", "counter"], "flowtable flag"))
                        .collect::<R<_>>()?,
                };
                let w = what(format!("{family} {} {}", f.table, f.name));
                Ok((Target::Item(Item::Flowtable(f)), w))
            }
            other => Err(format!("unsupported object {other:?}")),
        }
    }
}

/// Reads an nft JSON document (a listing or commands) into commands.
///
/// # Errors
/// [`Error::Syntax`] for a document that is not nft JSON;
/// [`Error::Command`] naming the first command that cannot be read.
pub fn parse(text: &str) -> Result<Vec<Command>, Error> {
    parse_with(text, None)
}

/// [`parse`], resolving interface names with `ifindex` (without it, an
/// interface index must be given as a number).
///
/// # Errors
/// As [`parse`].
pub fn parse_with(text: &str, ifindex: Option<IfindexFn<'_>>) -> Result<Vec<Command>, Error> {
    parse_inner(text, ifindex, None)
}

/// [`parse_with`], typing the elements of sets the file does not declare
/// with `set_lookup`.
fn parse_inner(
    text: &str,
    ifindex: Option<IfindexFn<'_>>,
    set_lookup: Option<SetLookup<'_>>,
) -> Result<Vec<Command>, Error> {
    let mut ctx = Ctx {
        ifindex,
        set_lookup,
        ..Default::default()
    };
    let mut out = Vec::new();
    each_command(text, |index, it| {
        out.extend(command(&mut ctx, index, &it)?);
        Ok(())
    })?;
    Ok(out)
}

/// Calls `each` with every element of the document's `nftables` array and
/// its index, one at a time as it is read: only one element's JSON is
/// held at a time (a 10,000-rule listing is not held as one tree).
/// `each`'s error stops the reading and is returned.
fn each_command<F>(text: &str, mut each: F) -> Result<(), Error>
where
    F: FnMut(usize, Json) -> Result<(), Error>,
{
    use serde::de::Deserializer as _;
    let mut stopped = None;
    let mut de = serde_json::Deserializer::from_str(text);
    let read = de
        .deserialize_map(Document {
            each: &mut each,
            stopped: &mut stopped,
        })
        .and_then(|found| de.end().map(|()| found));
    if let Some(e) = stopped {
        return Err(e);
    }
    match read {
        Ok(true) => Ok(()),
        Ok(false) => Err(Error::Syntax("no \"nftables\" array".into())),
        Err(e) => Err(Error::Syntax(e.to_string())),
    }
}

/// The document `{"nftables": [...]}` (other keys skipped): whether it
/// had the array.
struct Document<'f, F> {
    each: &'f mut F,
    stopped: &'f mut Option<Error>,
}

impl<'de, F> serde::de::Visitor<'de> for Document<'_, F>
where
    F: FnMut(usize, Json) -> Result<(), Error>,
{
    type Value = bool;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an object with an \"nftables\" array")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        let mut found = false;
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if key == "nftables" && !found {
                map.next_value_seed(Commands {
                    each: &mut *self.each,
                    stopped: &mut *self.stopped,
                })?;
                found = true;
            } else {
                map.next_value::<serde::de::IgnoredAny>()?;
            }
        }
        Ok(found)
    }
}

/// The `nftables` array: each element handed over as it is read.
struct Commands<'f, F> {
    each: &'f mut F,
    stopped: &'f mut Option<Error>,
}

impl<'de, F> serde::de::DeserializeSeed<'de> for Commands<'_, F>
where
    F: FnMut(usize, Json) -> Result<(), Error>,
{
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, F> serde::de::Visitor<'de> for Commands<'_, F>
where
    F: FnMut(usize, Json) -> Result<(), Error>,
{
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the \"nftables\" array")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut index = 0;
        while let Some(it) = seq.next_element::<Json>()? {
            if let Err(e) = (self.each)(index, it) {
                *self.stopped = Some(e);
                return Err(serde::de::Error::custom("stopped"));
            }
            index += 1;
        }
        Ok(())
    }
}

/// Element `index` of the `nftables` array as a command (`None` for
/// `metainfo`).
fn command(ctx: &mut Ctx<'_>, index: usize, it: &Json) -> Result<Option<Command>, Error> {
    let fail = |what: String, why: String| Error::Command { index, what, why };
    let (k, v) = single(it).map_err(|why| fail("?".into(), why))?;
    if k == "metainfo" {
        return Ok(None);
    }
    let verb = match k {
        "add" => Some(Verb::Add),
        "insert" => Some(Verb::Insert),
        "create" => Some(Verb::Create),
        "replace" => Some(Verb::Replace),
        "delete" => Some(Verb::Delete),
        "destroy" => Some(Verb::Destroy),
        "flush" => Some(Verb::Flush),
        "reset" => Some(Verb::Reset),
        "rename" => Some(Verb::Rename),
        _ => None,
    };
    let listed = verb.is_none();
    let (verb, key, body) = match verb {
        Some(verb) => {
            let (k2, v2) = single(v).map_err(|why| fail(k.into(), why))?;
            (verb, k2, v2)
        }
        None => (Verb::Add, k, v),
    };
    let what = describe(verb, key, body);
    let (target, _) = ctx
        .target(key, body, verb)
        .map_err(|why| fail(what.clone(), why))?;
    let rule_index = match (&target, verb) {
        (Target::Item(Item::Rule(_)), Verb::Add | Verb::Insert | Verb::Create) => {
            body.get("index").and_then(Json::as_u64)
        }
        _ => None,
    };
    let new_name = match verb {
        Verb::Rename => Some(
            body.get("newname")
                .and_then(Json::as_str)
                .ok_or_else(|| fail(what.clone(), "rename without \"newname\"".into()))?
                .to_owned(),
        ),
        _ => None,
    };
    Ok(Some(Command {
        index,
        verb,
        target,
        what,
        listed,
        rule_index,
        position: None,
        new_name,
    }))
}

/// The set that linearized elements belong to.
fn set_ref(e: &crate::SetElems) -> crate::SetRef<'_> {
    crate::SetRef {
        family: e.family,
        table: e.table.as_deref().unwrap_or(""),
        set: e.set.as_deref().unwrap_or(""),
        set_id: e.set_id,
    }
}

/// The linearized elements.
fn elem_list(e: &crate::SetElems) -> &[crate::Element] {
    e.elements.as_ref().map_or(&[], |l| l.0.as_slice())
}

/// `add rule inet t c`, `delete set ip t s`...: what a command is about.
fn describe(verb: Verb, key: &str, body: &Json) -> String {
    let f = |k: &str| body.get(k).and_then(Json::as_str).unwrap_or("");
    let tail = match key {
        "ruleset" => String::new(),
        "table" => format!(" {} {}", f("family"), f("name")),
        "rule" => format!(" {} {} {}", f("family"), f("table"), f("chain")),
        _ => format!(" {} {} {}", f("family"), f("table"), f("name")),
    };
    format!("{} {key}{}", verb.name(), tail.trim_end())
}

fn handle_or_name<'a>(handle: u64, name: &'a str) -> Handle<'a> {
    if handle != 0 && name.is_empty() {
        Handle::Handle(handle)
    } else {
        Handle::Name(name)
    }
}

/// Linearizes `cmds` into one transaction; `ops[i]` is the command index
/// of the transaction's operation `i`.
///
/// # Errors
/// [`Error::Command`] for a command that cannot be linearized.
pub fn transaction(cmds: &[Command]) -> Result<(Transaction, Vec<(usize, String)>), Error> {
    let mut enc = Encoder::new();
    for c in cmds {
        enc.command(c)?;
    }
    enc.finish()
}

/// Operations encoded for some of the commands, and the command (index,
/// what) of each.
#[derive(Default)]
struct Part {
    tx: Transaction,
    ops: Vec<(usize, String)>,
}

/// A (family, table, name) of a set.
type SetKey = (&'static str, String, String);

/// Commands linearized and encoded into the transaction one by one, as
/// they are read: of the file only the encoding is kept.
///
/// A listing (only additions) is added as nft adds a ruleset: tables, then
/// chains, then the rest (map elements may jump to chains listed later):
/// while every command is a listing's object, each of the three goes to
/// its own part; the first command with a verb puts what came before back
/// in the file's order, and the rest follows in it.
struct Encoder {
    lz: Linearizer,
    parts: [Part; 3],
    /// A command with a verb was seen: one part, the file's order.
    file_order: bool,
    /// Sets that rules update from the packet path (see [`as_updated`]),
    /// and whether an update gives their elements statements.
    updated: HashMap<SetKey, bool>,
    /// The sets the file adds, as they were encoded, in case a later rule
    /// updates them: re-encoded as updated sets when the transaction is
    /// finished.
    added: HashMap<SetKey, AddedSet>,
}

/// A set the file adds, as it was encoded.
struct AddedSet {
    /// Its command's index.
    index: usize,
    /// `create` rather than `add`.
    create: bool,
    /// The set as linearized.
    set: crate::Set,
    /// The size the file gives it.
    size: Option<u32>,
    /// Encoded as updated (with statements or not), or not.
    encoded: Option<bool>,
}

impl Encoder {
    fn new() -> Self {
        Self {
            lz: Linearizer::new(),
            parts: Default::default(),
            file_order: false,
            updated: HashMap::new(),
            added: HashMap::new(),
        }
    }

    /// Linearizes and encodes command `c`.
    fn command(&mut self, c: &Command) -> Result<(), Error> {
        if !c.listed && !self.file_order {
            self.back_in_file_order()?;
        }
        if let Target::Item(Item::Rule(r)) = &c.target {
            for st in &r.stmts {
                if let Stmt::Set { set, stmts, .. } = st {
                    let key = (
                        r.family,
                        r.table.clone(),
                        set.trim_start_matches('@').into(),
                    );
                    *self.updated.entry(key).or_default() |= !stmts.is_empty();
                }
            }
        }
        if c.verb == Verb::Reset {
            // Requests of their own, not transaction operations ([`reset`]).
            return Ok(());
        }
        let k = match (&c.target, self.file_order) {
            (_, true) => 0,
            (Target::Item(Item::Table(_)), _) => 0,
            (Target::Item(Item::Chain(_)), _) => 1,
            _ => 2,
        };
        let Self {
            lz,
            parts: [p0, p1, p2],
            updated,
            added,
            ..
        } = self;
        let Part { tx, ops } = match k {
            0 => p0,
            1 => p1,
            _ => p2,
        };
        let fail = |why: String| Error::Command {
            index: c.index,
            what: c.what.clone(),
            why,
        };
        let lin = |e: linearize::Error| fail(e.to_string());
        let enc = |e: nfnl::EncodeError| fail(e.to_string());
        let fam = |f: &str| family_from_name(f).unwrap_or(ProtoFamily::Unspec);
        if c.rule_index.is_some() && c.position.is_none() {
            return Err(fail(
                "a rule's \"index\" needs the kernel's chain (apply the file)".into(),
            ));
        }
        match (&c.target, c.verb) {
            (Target::Item(Item::Table(t)), Verb::Add | Verb::Create) => {
                let k = lz.table(t).map_err(lin)?;
                if c.verb == Verb::Create {
                    tx.create_table(&k).map_err(enc)?;
                } else {
                    tx.add_table(&k).map_err(enc)?;
                }
            }
            (Target::Item(Item::Chain(ch)), Verb::Add | Verb::Create) => {
                let k = lz.chain(ch).map_err(lin)?;
                if c.verb == Verb::Create {
                    tx.create_chain(&k).map_err(enc)?;
                } else {
                    tx.add_chain(&k).map_err(enc)?;
                }
            }
            (Target::Item(Item::Set(s)), Verb::Add | Verb::Create) => {
                let (mut set, elems) = lz.set(s).map_err(lin)?;
                let key = (s.family, s.table.clone(), s.name.clone());
                let encoded = updated.get(&key).copied();
                let plain = set.clone();
                if let Some(eval) = encoded {
                    as_updated(&mut set, s.size, eval);
                }
                added.insert(
                    key,
                    AddedSet {
                        index: c.index,
                        create: c.verb == Verb::Create,
                        set: plain,
                        size: s.size,
                        encoded,
                    },
                );
                if c.verb == Verb::Create {
                    tx.create_set(&set).map_err(enc)?;
                } else {
                    tx.add_set(&set).map_err(enc)?;
                }
                if elems.elements.as_ref().is_some_and(|e| !e.0.is_empty()) {
                    ops.resize(tx.len() - 1, (c.index, c.what.clone()));
                    ops.push((c.index, c.what.clone()));
                    tx.add_elements(set_ref(&elems), elem_list(&elems))
                        .map_err(enc)?;
                }
            }
            (Target::Elements(s), Verb::Add | Verb::Create | Verb::Delete | Verb::Destroy) => {
                let (_, mut elems) = lz.set(s).map_err(lin)?;
                elems.set_id = None;
                // The end at zero that opens a new interval set's elements is
                // not sent with elements added later (nft does not).
                if let Some(list) = elems.elements.as_mut() {
                    list.0.retain(|e| !is_zero_end(e));
                }
                match c.verb {
                    Verb::Add => tx
                        .add_elements(set_ref(&elems), elem_list(&elems))
                        .map_err(enc)?,
                    Verb::Create => tx
                        .create_elements(set_ref(&elems), elem_list(&elems))
                        .map_err(enc)?,
                    _ => tx
                        .delete_elements(set_ref(&elems), elem_list(&elems))
                        .map_err(enc)?,
                };
            }
            (Target::Item(Item::Flowtable(f)), Verb::Add | Verb::Create) => {
                let k = lz.flowtable(f).map_err(lin)?;
                if c.verb == Verb::Create {
                    tx.create_flowtable(&k).map_err(enc)?;
                } else {
                    tx.add_flowtable(&k).map_err(enc)?;
                }
            }
            (Target::Item(Item::Obj(o)), Verb::Add | Verb::Create) => {
                let k = lz.obj(o).map_err(lin)?;
                if c.verb == Verb::Create {
                    tx.create_obj(&k).map_err(enc)?;
                } else {
                    tx.add_obj(&k).map_err(enc)?;
                }
            }
            (
                Target::Item(Item::Rule(r)),
                Verb::Add | Verb::Insert | Verb::Create | Verb::Replace,
            ) => {
                let mut rr = r.clone();
                rr.handle = 0;
                let out = lz.rule(&rr).map_err(lin)?;
                for (set, elems) in &out.sets {
                    tx.add_set(set).map_err(enc)?;
                    // A meter's set starts empty.
                    if !elem_list(elems).is_empty() {
                        tx.add_elements(set_ref(elems), elem_list(elems))
                            .map_err(enc)?;
                    }
                }
                let mut rule = out.rule;
                match c.verb {
                    Verb::Replace => {
                        rule.handle = Some(r.handle);
                        tx.replace_rule(&rule).map_err(enc)?;
                    }
                    Verb::Insert => {
                        rule.position = c.position.or(rule_position(c.verb, r.handle));
                        tx.insert_rule(&rule).map_err(enc)?;
                    }
                    _ => {
                        rule.position = c.position.or(rule_position(c.verb, r.handle));
                        tx.add_rule(&rule).map_err(enc)?;
                    }
                }
            }
            (Target::Item(Item::Rule(r)), Verb::Delete | Verb::Destroy) => {
                tx.delete_rule(fam(r.family), &r.table, &r.chain, r.handle)
                    .map_err(enc)?;
            }
            (Target::Item(it), Verb::Delete | Verb::Destroy) => {
                let (f, table, name, handle, kind) = match it {
                    Item::Table(t) => (t.family, "", t.name.as_str(), t.handle, Kind::Table),
                    Item::Chain(ch) => (
                        ch.family,
                        ch.table.as_str(),
                        ch.name.as_str(),
                        ch.handle,
                        Kind::Chain,
                    ),
                    Item::Set(s) => (
                        s.family,
                        s.table.as_str(),
                        s.name.as_str(),
                        s.handle,
                        Kind::Set,
                    ),
                    Item::Obj(o) => {
                        let t = match o.obj.kind() {
                            "counter" => 1,
                            "quota" => 2,
                            "ct helper" => 3,
                            "limit" => 4,
                            "ct timeout" => 7,
                            "secmark" => 8,
                            "ct expectation" => 9,
                            "synproxy" => 10,
                            _ => 5,
                        };
                        (
                            o.family,
                            o.table.as_str(),
                            o.name.as_str(),
                            o.handle,
                            Kind::Obj(t),
                        )
                    }
                    Item::Flowtable(ft) => (
                        ft.family,
                        ft.table.as_str(),
                        ft.name.as_str(),
                        ft.handle,
                        Kind::Flowtable,
                    ),
                    Item::Rule(_) => unreachable_rule(),
                };
                let h = handle_or_name(handle, name);
                tx.delete(kind, fam(f), table, h, c.verb == Verb::Destroy)
                    .map_err(enc)?;
            }
            (Target::Item(Item::Chain(ch)), Verb::Flush) => {
                tx.flush_chain(fam(ch.family), &ch.table, &ch.name)
                    .map_err(enc)?;
            }
            (Target::Item(Item::Set(s)), Verb::Flush) => {
                tx.flush_set(fam(s.family), &s.table, &s.name)
                    .map_err(enc)?;
            }
            (Target::Item(Item::Table(t)), Verb::Flush) => {
                // NFT_MSG_DELRULE with only the table: every rule of it.
                let mut attrs = Vec::new();
                let name = t.name.as_bytes();
                let len =
                    u16::try_from(4 + name.len() + 1).map_err(|_| fail("name too long".into()))?;
                attrs.extend_from_slice(&len.to_ne_bytes());
                attrs.extend_from_slice(&nfnl_sys::tables::NFTA_RULE_TABLE.to_ne_bytes());
                attrs.extend_from_slice(name);
                attrs.push(0);
                attrs.resize(attrs.len().div_ceil(4) * 4, 0);
                tx.push_raw(
                    nfnl_sys::tables::NFT_MSG_DELRULE,
                    nfnl::NlFlags::empty(),
                    fam(t.family),
                    &attrs,
                    c.what.clone(),
                )
                .map_err(enc)?;
            }
            (Target::Item(Item::Chain(ch)), Verb::Rename) => {
                // NFT_MSG_NEWCHAIN naming the chain by handle, with its new name.
                if ch.handle == 0 {
                    return Err(fail(
                        "a rename needs the chain's handle (apply the file)".into(),
                    ));
                }
                let mut k = crate::Chain::new(
                    fam(ch.family),
                    &ch.table,
                    c.new_name.as_deref().unwrap_or(""),
                );
                k.handle = Some(ch.handle);
                tx.add_chain(&k).map_err(enc)?;
            }
            (Target::Ruleset, Verb::Flush) => {
                // NFT_MSG_DELTABLE without a name, every family: every table.
                tx.push_raw(
                    nfnl_sys::tables::NFT_MSG_DELTABLE,
                    nfnl::NlFlags::empty(),
                    ProtoFamily::Unspec,
                    &[],
                    c.what.clone(),
                )
                .map_err(enc)?;
            }
            _ => return Err(fail("not supported by this crate".into())),
        }
        ops.resize(tx.len(), (c.index, c.what.clone()));
        Ok(())
    }

    /// Puts the parts back in the file's order, as one.
    fn back_in_file_order(&mut self) -> Result<(), Error> {
        let parts = std::mem::take(&mut self.parts);
        let mut out = Part::default();
        let mut at = [0usize; 3];
        loop {
            // The part holding the earliest command not yet moved.
            let next = parts
                .iter()
                .zip(at)
                .enumerate()
                .filter_map(|(k, (p, i))| p.ops.get(i).map(|o| (o.0, k)))
                .min();
            let Some((index, k)) = next else { break };
            let (Some(p), Some(i)) = (parts.get(k), at.get_mut(k)) else {
                break;
            };
            let rest = p.ops.get(*i..).unwrap_or_default();
            let n = rest.iter().take_while(|o| o.0 == index).count();
            out.tx
                .append(&p.tx, *i..*i + n)
                .map_err(|e| encode_failed(rest, &e))?;
            out.ops.extend_from_slice(rest.get(..n).unwrap_or_default());
            *i += n;
        }
        self.parts = [out, Part::default(), Part::default()];
        self.file_order = true;
        Ok(())
    }

    /// The transaction (the parts one after the other) and the command of
    /// each of its operations.
    fn finish(self) -> Result<(Transaction, Vec<(usize, String)>), Error> {
        // Tables and chains (few) put before the rest, which is not copied.
        let [mut head, chains, mut rest] = self.parts;
        head.tx
            .append(&chains.tx, 0..chains.ops.len())
            .map_err(|e| encode_failed(&chains.ops, &e))?;
        head.ops.extend(chains.ops);
        let (mut tx, ops) = if rest.ops.is_empty() {
            (head.tx, head.ops)
        } else {
            rest.tx
                .prepend(&head.tx)
                .map_err(|e| encode_failed(&head.ops, &e))?;
            head.ops.extend(rest.ops);
            (rest.tx, head.ops)
        };
        for (key, a) in self.added {
            let now = self.updated.get(&key).copied();
            if now == a.encoded {
                continue;
            }
            let Some(eval) = now else { continue };
            let Some(i) = ops.iter().position(|o| o.0 == a.index) else {
                continue;
            };
            let mut set = a.set;
            as_updated(&mut set, a.size, eval);
            let mut one = Transaction::new();
            let encoded = if a.create {
                one.create_set(&set)
            } else {
                one.add_set(&set)
            };
            encoded
                .map(|_| ())
                .and_then(|()| tx.replace(i, &one))
                .map_err(|e| encode_failed(ops.get(i..).unwrap_or_default(), &e))?;
        }
        Ok((tx, ops))
    }
}

/// An encoding error of the first of `ops`' commands.
fn encode_failed(ops: &[(usize, String)], e: &nfnl::EncodeError) -> Error {
    let (index, what) = ops.first().cloned().unwrap_or((0, "?".into()));
    Error::Command {
        index,
        what,
        why: e.to_string(),
    }
}

/// A set the file's rules update from the packet path. The kernel reports
/// such a set created without a size with 65535; sent back, that size would
/// make it pick a backend that cannot be updated (EOPNOTSUPP). When an
/// update gives its elements statements (`update @s { ip saddr limit rate
/// ... }`, `eval`) it is `dynamic` (`NFT_SET_EVAL`), as nft makes it: nft
/// 1.0.6's JSON listing leaves the flag out, and the kernel refuses such an
/// update without it (EINVAL).
fn as_updated(set: &mut crate::Set, declared_size: Option<u32>, eval: bool) {
    if declared_size == Some(65535) {
        if let Some(d) = set.desc.as_mut() {
            d.size = None;
        }
    }
    if eval {
        set.flags = Some(set.flags.unwrap_or_default() | crate::SetFlags::EVAL);
    }
}

/// (family, table, name) of a chain.
type ChainKey = (String, String, String);

/// Resolves rule commands' `"index"` to the handle of the rule at that
/// place of its chain, as nft does: the chain as the kernel has it with the
/// file's earlier rule commands on it played in order (an index naming a
/// rule of the file itself is refused: it has no handle yet). The kernel's
/// chain is read only when a command of it has an index.
#[derive(Default)]
struct RulePlaces {
    chains: HashMap<ChainKey, Places>,
}

/// What is known of one chain's rules.
enum Places {
    /// The kernel's chain not read (no index needed it yet): the file's
    /// rule commands on it so far (verb, handle).
    Unread(Vec<(Verb, u64)>),
    /// The chain's rules in order: the kernel's handle, or `None` for a
    /// rule this file adds.
    Read(Vec<Option<u64>>),
}

impl RulePlaces {
    /// Notes command `c` (a rule's, or a flush or delete of a chain) and
    /// sets its `position` when it has an index; `chain` lists a chain's
    /// rule handles as the kernel has them.
    fn note(
        &mut self,
        c: &mut Command,
        chain: &mut dyn FnMut(&str, &str, &str) -> Vec<u64>,
    ) -> Result<(), Error> {
        let (key, handle) = match &c.target {
            Target::Item(Item::Rule(r)) => (
                (r.family.to_owned(), r.table.clone(), r.chain.clone()),
                r.handle,
            ),
            Target::Item(Item::Chain(ch)) if matches!(c.verb, Verb::Flush | Verb::Delete) => {
                let key = (ch.family.to_owned(), ch.table.clone(), ch.name.clone());
                self.chains.insert(key, Places::Read(Vec::new()));
                return Ok(());
            }
            _ => return Ok(()),
        };
        let places = self
            .chains
            .entry(key.clone())
            .or_insert_with(|| Places::Unread(Vec::new()));
        if let (Some(_), Places::Unread(earlier)) = (c.rule_index, &mut *places) {
            let earlier = std::mem::take(earlier);
            let mut rules: Vec<Option<u64>> = chain(&key.0, &key.1, &key.2)
                .into_iter()
                .map(Some)
                .collect();
            for (verb, h) in earlier {
                // Without an index nothing is refused.
                let _ = play(&mut rules, verb, None, h);
            }
            *places = Places::Read(rules);
        }
        match places {
            Places::Unread(earlier) => earlier.push((c.verb, handle)),
            Places::Read(rules) => {
                c.position = play(rules, c.verb, c.rule_index, handle)
                    .map_err(|why| Error::Command {
                        index: c.index,
                        what: c.what.clone(),
                        why,
                    })?
                    .or(c.position);
            }
        }
        Ok(())
    }
}

/// Plays one rule command on a chain's rules; with an index, the handle of
/// the rule it names.
fn play(
    rules: &mut Vec<Option<u64>>,
    verb: Verb,
    index: Option<u64>,
    handle: u64,
) -> Result<Option<u64>, String> {
    let at = |h: u64, rules: &[Option<u64>]| rules.iter().position(|x| *x == Some(h));
    match (verb, index) {
        (Verb::Add | Verb::Insert | Verb::Create, Some(i)) => {
            let i = usize::try_from(i).unwrap_or(usize::MAX);
            let h = match rules.get(i) {
                Some(Some(h)) => *h,
                Some(None) => {
                    return Err(format!(
                        "index {i} names a rule added by this file (it has no handle yet)"
                    ))
                }
                None => return Err(format!("the chain has no rule at index {i}")),
            };
            let place = if verb == Verb::Insert { i } else { i + 1 };
            rules.insert(place.min(rules.len()), None);
            return Ok(Some(h));
        }
        (Verb::Insert, None) => {
            let place = if handle == 0 {
                0
            } else {
                at(handle, rules).unwrap_or(0)
            };
            rules.insert(place, None);
        }
        (Verb::Add | Verb::Create, None) => rules.push(None),
        (Verb::Delete | Verb::Destroy, _) => {
            if let Some(p) = at(handle, rules) {
                rules.remove(p);
            }
        }
        _ => {}
    }
    Ok(None)
}

/// Where a rule command puts its rule (`NFTA_RULE_POSITION`): `insert`
/// before the rule its "handle" names; an `add` is appended whatever its
/// "handle" says, as nft 1.0.6 does (it sends no position for it).
fn rule_position(verb: Verb, handle: u64) -> Option<u64> {
    (verb == Verb::Insert && handle != 0).then_some(handle)
}

/// An interval end at key zero (what opens an interval set's elements).
fn is_zero_end(e: &crate::object::Element) -> bool {
    e.flags
        .is_some_and(|f| f.contains(crate::object::ElemFlags::INTERVAL_END))
        && matches!(&e.key, Some(crate::data::Data::Value(k)) if k.iter().all(|b| *b == 0))
}

/// Runs the `reset` commands of `cmds` (`reset counter`, `reset quota`,
/// `reset counters`, `reset quotas`, as nft 1.0.6 has them): each a
/// `NFT_MSG_GETOBJ_RESET` request of its own, not part of the transaction
/// (nft too sends them apart from its batch). Returns how many ran.
///
/// # Errors
/// [`Error::Command`] for a reset of anything else; [`Error::Refused`]
/// naming the command the kernel refused (the resets before it are done).
pub fn reset(nft: &mut Nft, cmds: &[Command]) -> Result<usize, Error> {
    let mut n = 0;
    for c in cmds.iter().filter(|c| c.verb == Verb::Reset) {
        let refused = |e: crate::Error| Error::Refused {
            index: c.index,
            what: c.what.clone(),
            source: Box::new(e),
        };
        let kind_of = |k: &str| -> Option<u32> {
            match k {
                "counter" => Some(nfnl_sys::tables::NFT_OBJECT_COUNTER),
                "quota" => Some(nfnl_sys::tables::NFT_OBJECT_QUOTA),
                _ => None,
            }
        };
        let fam = |f: &str| family_from_name(f).unwrap_or(ProtoFamily::Unspec);
        match &c.target {
            Target::Item(Item::Obj(o)) if kind_of(o.obj.kind()).is_some() => {
                let kind = kind_of(o.obj.kind()).unwrap_or(0);
                nft.get_obj_reset(fam(o.family), &o.table, &o.name, kind)
                    .map_err(refused)?;
            }
            Target::Objects {
                kind,
                family,
                table,
            } => {
                let k = kind_of(kind).unwrap_or(0);
                nft.dump_raw(
                    nfnl_sys::tables::NFT_MSG_GETOBJ_RESET,
                    family.map_or(ProtoFamily::Unspec, fam),
                    |w| {
                        use crate::wire::Field;
                        if let Some(t) = table {
                            t.clone().encode(nfnl_sys::tables::NFTA_OBJ_TABLE, w)?;
                        }
                        k.encode(nfnl_sys::tables::NFTA_OBJ_TYPE, w)
                    },
                    |_| Ok(std::ops::ControlFlow::Continue(())),
                )
                .map_err(refused)?;
            }
            _ => {
                return Err(Error::Command {
                    index: c.index,
                    what: c.what.clone(),
                    why: "nft 1.0.6 resets counters and quotas only".into(),
                })
            }
        }
        n += 1;
    }
    Ok(n)
}

fn unreachable_rule<'a>() -> (&'static str, &'a str, &'a str, u64, Kind) {
    ("", "", "", 0, Kind::Table)
}

/// Reads nft JSON, linearizes it and commits it in one transaction (as
/// `nft -j -f FILE` does, natively).
///
/// # Errors
/// [`Error::Syntax`] or [`Error::Command`] before anything is sent;
/// [`Error::Refused`] naming the command the kernel refused (nothing
/// applied); [`Error::Transaction`] otherwise.
pub fn apply(nft: &mut Nft, text: &str) -> Result<usize, Error> {
    apply_with(nft, text, None)
}

/// [`apply`], resolving interface names with `ifindex` (see [`parse_with`]).
///
/// # Errors
/// As [`apply`].
pub fn apply_with(
    nft: &mut Nft,
    text: &str,
    ifindex: Option<IfindexFn<'_>>,
) -> Result<usize, Error> {
    // Elements of sets the file does not declare are typed by the kernel's set.
    let (tx, ops, count, resets) = {
        let cell = std::cell::RefCell::new(&mut *nft);
        let lookup = |f: &str, t: &str, n: &str| -> Option<SetShape> {
            let set = cell.borrow_mut().get_set(family_from_name(f)?, t, n).ok()?;
            let names = |id: u32| -> Vec<String> {
                Datatype::concat_ids(id)
                    .into_iter()
                    .map(|d| d.name().to_owned())
                    .collect()
            };
            let keys = names(set.key_type?);
            let map = match (set.flags, set.data_type) {
                (Some(fl), Some(0xffff_ff00)) if fl.contains(crate::SetFlags::MAP) => {
                    Some(vec!["verdict".to_owned()])
                }
                (Some(fl), Some(d)) if fl.contains(crate::SetFlags::MAP) => Some(names(d)),
                _ => None,
            };
            let interval = set
                .flags
                .is_some_and(|f| f.contains(crate::SetFlags::INTERVAL));
            Some((keys, map, interval))
        };
        let mut ctx = Ctx {
            ifindex,
            set_lookup: Some(&lookup),
            ..Default::default()
        };
        // Each command encoded as it is read, its JSON and tree dropped.
        let mut enc = Encoder::new();
        let mut places = RulePlaces::default();
        let mut chain = |f: &str, t: &str, c: &str| -> Vec<u64> {
            let mut handles = Vec::new();
            if let Some(fam) = family_from_name(f) {
                let _ = cell.borrow_mut().dump_rules(fam, Some(t), Some(c), |r| {
                    handles.extend(r.handle);
                    std::ops::ControlFlow::Continue(())
                });
            }
            handles
        };
        let mut count = 0;
        let mut resets = Vec::new();
        each_command(text, |index, it| {
            let Some(mut c) = command(&mut ctx, index, &it)? else {
                return Ok(());
            };
            // A chain is renamed by its handle (the kernel's).
            if let (Verb::Rename, Target::Item(Item::Chain(ch))) = (c.verb, &mut c.target) {
                if ch.handle == 0 {
                    let f = family_from_name(ch.family).unwrap_or(ProtoFamily::Unspec);
                    if let Ok(k) = cell.borrow_mut().get_chain(f, &ch.table, &ch.name) {
                        ch.handle = k.handle.unwrap_or(0);
                    }
                }
            }
            places.note(&mut c, &mut chain)?;
            enc.command(&c)?;
            if c.verb == Verb::Reset {
                resets.push(c);
            }
            count += 1;
            Ok(())
        })?;
        let (tx, ops) = enc.finish()?;
        (tx, ops, count, resets)
    };
    // `reset` commands: requests of their own, before the transaction.
    let reset_count = reset(nft, &resets)?;
    if tx.is_empty() {
        return Ok(reset_count);
    }
    match nft.commit(&tx) {
        Ok(()) => Ok(count),
        Err(e) => match &e {
            crate::Error::Operation { index, .. } => {
                let (ci, what) = ops.get(*index).cloned().unwrap_or((0, "?".into()));
                Err(Error::Refused {
                    index: ci,
                    what,
                    source: Box::new(e),
                })
            }
            _ => Err(Error::Transaction(Box::new(e))),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each command's `"index"` resolved against `chain`, in order.
    fn resolve_rule_indexes(
        cmds: &mut [Command],
        chain: &mut dyn FnMut(&str, &str, &str) -> Vec<u64>,
    ) -> Result<(), Error> {
        let mut places = RulePlaces::default();
        cmds.iter_mut().try_for_each(|c| places.note(c, chain))
    }

    /// The command index of each operation of `doc`'s transaction.
    fn op_order(doc: &str) -> Vec<usize> {
        let (tx, ops) = transaction(&parse(doc).unwrap()).unwrap();
        assert_eq!(tx.len(), ops.len());
        ops.iter().map(|o| o.0).collect()
    }

    #[test]
    fn a_listing_adds_tables_then_chains_then_the_rest_and_commands_keep_the_files_order() {
        let items = [
            r#"{"metainfo": {"json_schema_version": 1}}"#,
            r#"{"table": {"family": "ip", "name": "a"}}"#,
            r#"{"map": {"family": "ip", "table": "a", "name": "m", "type": "ipv4_addr", "map": "verdict",
                "elem": [["1.1.1.1", {"jump": {"target": "x"}}]]}}"#,
            r#"{"chain": {"family": "ip", "table": "a", "name": "x"}}"#,
            r#"{"rule": {"family": "ip", "table": "a", "chain": "x", "expr": [{"accept": null}]}}"#,
            r#"{"table": {"family": "ip", "name": "b"}}"#,
            r#"{"chain": {"family": "ip", "table": "b", "name": "y"}}"#,
        ];
        let doc = |extra: &str| format!(r#"{{"nftables": [{}{extra}]}}"#, items.join(","));
        // The map (and its element message) after the chain it jumps to.
        assert_eq!(op_order(&doc("")), [1, 5, 3, 6, 2, 2, 4]);
        // A command anywhere: the file's order, the command last.
        let cmd = r#", {"add": {"rule": {"family": "ip", "table": "b", "chain": "y", "expr": [{"drop": null}]}}}"#;
        assert_eq!(op_order(&doc(cmd)), [1, 2, 2, 3, 4, 5, 6, 7]);
        // Commands first, then listed objects: the file's order.
        let first = format!(
            r#"{{"nftables": [{{"add": {{"table": {{"family": "ip", "name": "c"}}}}}}, {}]}}"#,
            items.join(",")
        );
        assert_eq!(op_order(&first), [0, 2, 3, 3, 4, 5, 6, 7]);
        // The transaction put together is numbered as one.
        let (tx, _) = transaction(&parse(&doc("")).unwrap()).unwrap();
        let seqs: Vec<u32> = nfnl::MsgIter::new(tx.messages(0..tx.len()))
            .map(|m| m.unwrap().seq())
            .collect();
        assert_eq!(seqs, (1..=7).collect::<Vec<u32>>());
    }

    /// The `[ ... ]` lines of the rule (and of its anonymous sets' elements)
    /// that `json` (one rule's `expr` array) linearizes to in `family`.
    fn lines(family: &str, expr: &str) -> Vec<String> {
        let doc = format!(
            r#"{{"nftables": [{{"rule": {{"family": "{family}", "table": "t", "chain": "c", "expr": {expr}}}}}]}}"#
        );
        let cmds = parse(&doc).unwrap();
        let Target::Item(Item::Rule(r)) = &cmds[0].target else {
            panic!("not a rule")
        };
        let out = Linearizer::new().rule(r).unwrap();
        out.rule
            .exprs
            .as_ref()
            .unwrap()
            .0
            .iter()
            .map(|e| format!("[ {}]", crate::text::expr(e).unwrap()))
            .collect()
    }

    fn m(left: &str, op: &str, right: &str) -> String {
        format!(r#"{{"match": {{"op": "{op}", "left": {left}, "right": {right}}}}}"#)
    }

    const TCP_DPORT: &str = r#"{"payload": {"protocol": "tcp", "field": "dport"}}"#;
    const IP_SADDR: &str = r#"{"payload": {"protocol": "ip", "field": "saddr"}}"#;

    // Expected lines: what `nft --debug=netlink` (1.0.6) printed for the
    // same rules on this machine.
    #[test]
    fn matches_linearize_as_nft_does() {
        assert_eq!(
            lines("ip", &format!("[{}]", m(TCP_DPORT, "==", "22"))),
            [
                "[ meta load l4proto => reg 1 ]",
                "[ cmp eq reg 1 0x00000006 ]",
                "[ payload load 2b @ transport header + 2 => reg 1 ]",
                "[ cmp eq reg 1 0x00001600 ]",
            ]
        );
        assert_eq!(
            lines(
                "inet",
                &format!("[{}, {{\"drop\": null}}]", m(IP_SADDR, "==", "\"1.2.3.4\""))
            ),
            [
                "[ meta load nfproto => reg 1 ]",
                "[ cmp eq reg 1 0x00000002 ]",
                "[ payload load 4b @ network header + 12 => reg 1 ]",
                "[ cmp eq reg 1 0x04030201 ]",
                "[ immediate reg 0 drop ]",
            ]
        );
        assert_eq!(
            lines(
                "ip",
                &format!(
                    "[{}]",
                    m(
                        IP_SADDR,
                        "==",
                        r#"{"prefix": {"addr": "10.16.0.0", "len": 12}}"#
                    )
                )
            ),
            [
                "[ payload load 4b @ network header + 12 => reg 1 ]",
                "[ bitwise reg 1 = ( reg 1 & 0x0000f0ff ) ^ 0x00000000 ]",
                "[ cmp eq reg 1 0x0000100a ]",
            ]
        );
        assert_eq!(
            lines(
                "ip",
                &format!(
                    "[{}]",
                    m(
                        IP_SADDR,
                        "==",
                        r#"{"prefix": {"addr": "10.0.0.0", "len": 8}}"#
                    )
                )
            ),
            [
                "[ payload load 1b @ network header + 12 => reg 1 ]",
                "[ cmp eq reg 1 0x0000000a ]",
            ]
        );
        assert_eq!(
            lines(
                "inet",
                &format!(
                    "[{}]",
                    m(
                        r#"{"ct": {"key": "state"}}"#,
                        "in",
                        r#"["established", "related"]"#
                    )
                )
            ),
            [
                "[ ct load state => reg 1 ]",
                "[ bitwise reg 1 = ( reg 1 & 0x00000006 ) ^ 0x00000000 ]",
                "[ cmp neq reg 1 0x00000000 ]",
            ]
        );
        assert_eq!(
            lines(
                "ip",
                &format!(
                    "[{}]",
                    m(r#"{"meta": {"key": "mark"}}"#, "!=", r#"{"range": [1, 5]}"#)
                )
            ),
            [
                "[ meta load mark => reg 1 ]",
                "[ byteorder reg 1 = hton(reg 1, 4, 4) ]",
                "[ range neq reg 1 0x01000000 0x05000000 ]",
            ]
        );
        assert_eq!(
            lines(
                "inet",
                &format!(
                    "[{}]",
                    m(
                        r#"{"payload": {"protocol": "ip", "field": "dscp"}}"#,
                        "==",
                        "\"cs1\""
                    )
                )
            ),
            [
                "[ meta load nfproto => reg 1 ]",
                "[ cmp eq reg 1 0x00000002 ]",
                "[ payload load 1b @ network header + 1 => reg 1 ]",
                "[ bitwise reg 1 = ( reg 1 & 0x000000fc ) ^ 0x00000000 ]",
                "[ cmp eq reg 1 0x00000020 ]",
            ]
        );
        assert_eq!(
            lines(
                "ip",
                &format!(
                    "[{}]",
                    m(r#"{"meta": {"key": "iifname"}}"#, "==", "\"eth*\"")
                )
            ),
            [
                "[ meta load iifname => reg 1 ]",
                "[ cmp eq reg 1 0x00687465 ]",
            ]
        );
        assert_eq!(
            lines(
                "ip",
                &format!(
                    "[{}]",
                    m(
                        r#"{"&": [{"payload": {"protocol": "tcp", "field": "flags"}}, ["syn", "ack"]]}"#,
                        "==",
                        "\"syn\""
                    )
                )
            ),
            [
                "[ meta load l4proto => reg 1 ]",
                "[ cmp eq reg 1 0x00000006 ]",
                "[ payload load 1b @ transport header + 13 => reg 1 ]",
                "[ bitwise reg 1 = ( reg 1 & 0x00000012 ) ^ 0x00000000 ]",
                "[ cmp eq reg 1 0x00000002 ]",
            ]
        );
        assert_eq!(
            lines(
                "bridge",
                &format!(
                    "[{}]",
                    m(
                        r#"{"payload": {"protocol": "vlan", "field": "id"}}"#,
                        "==",
                        "2"
                    )
                )
            ),
            [
                "[ payload load 2b @ link header + 12 => reg 1 ]",
                "[ cmp eq reg 1 0x00000081 ]",
                "[ payload load 2b @ link header + 14 => reg 1 ]",
                "[ bitwise reg 1 = ( reg 1 & 0x0000ff0f ) ^ 0x00000000 ]",
                "[ cmp eq reg 1 0x00000200 ]",
            ]
        );
    }

    #[test]
    fn statements_linearize_as_nft_does() {
        assert_eq!(
            lines("ip", r#"[{"snat": {"addr": "1.2.3.4"}}]"#),
            [
                "[ immediate reg 1 0x04030201 ]",
                "[ nat snat ip addr_min reg 1 ]"
            ]
        );
        assert_eq!(
            lines(
                "ip",
                &format!(
                    r#"[{}, {{"dnat": {{"addr": {{"range": ["1.2.3.4", "1.2.3.10"]}}, "port": {{"range": [80, 90]}}}}}}]"#,
                    m(TCP_DPORT, "==", "22")
                )
            )[4..],
            [
                "[ immediate reg 1 0x04030201 ]",
                "[ immediate reg 2 0x0a030201 ]",
                "[ immediate reg 3 0x00005000 ]",
                "[ immediate reg 4 0x00005a00 ]",
                "[ nat dnat ip addr_min reg 1 addr_max reg 2 proto_min reg 3 proto_max reg 4 flags 0x2 ]",
            ]
        );
        assert_eq!(
            lines("ip", r#"[{"masquerade": {"flags": "random"}}]"#),
            ["[ masq flags 0x4 ]"]
        );
        assert_eq!(
            lines("ip", r#"[{"reject": null}]"#),
            ["[ reject type 0 code 3 ]"]
        );
        assert_eq!(
            lines("inet", r#"[{"reject": null}]"#),
            ["[ reject type 2 code 1 ]"]
        );
        assert_eq!(
            lines(
                "inet",
                r#"[{"reject": {"type": "icmpx", "expr": "admin-prohibited"}}]"#
            ),
            ["[ reject type 2 code 3 ]"]
        );
        assert_eq!(
            lines("ip", r#"[{"reject": {"type": "tcp reset"}}]"#),
            [
                "[ meta load l4proto => reg 1 ]",
                "[ cmp eq reg 1 0x00000006 ]",
                "[ reject type 1 code 0 ]",
            ]
        );
        // A reject's dependency goes to the start of the rule (firewalld's
        // and fw4's `log ... reject with tcp reset`).
        assert_eq!(
            lines(
                "inet",
                r#"[{"log": {"prefix": "x "}}, {"reject": {"type": "tcp reset"}}]"#
            ),
            [
                "[ meta load l4proto => reg 1 ]",
                "[ cmp eq reg 1 0x00000006 ]",
                "[ log prefix x  ]",
                "[ reject type 1 code 0 ]",
            ]
        );
        assert_eq!(
            lines(
                "inet",
                r#"[{"counter": null}, {"reject": {"type": "icmp", "expr": "host-unreachable"}}]"#
            ),
            [
                "[ meta load nfproto => reg 1 ]",
                "[ cmp eq reg 1 0x00000002 ]",
                "[ counter pkts 0 bytes 0 ]",
                "[ reject type 0 code 1 ]",
            ]
        );
        assert_eq!(
            lines("ip", r#"[{"counter": "cnt"}]"#),
            ["[ objref type 1 name cnt ]"]
        );
        assert_eq!(
            lines(
                "ip",
                r#"[{"mangle": {"key": {"ct": {"key": "mark"}}, "value": 16}}]"#
            ),
            [
                "[ immediate reg 1 0x00000010 ]",
                "[ ct set mark with reg 1 ]"
            ]
        );
        assert_eq!(
            lines("ip", r#"[{"ct count": {"val": 3, "inv": true}}]"#),
            ["[ connlimit count 3 flags 1 ]"]
        );
        assert_eq!(
            lines(
                "ip",
                r#"[{"limit": {"rate": 10, "burst": 5, "per": "second"}}]"#
            ),
            ["[ limit rate 10/second burst 5 type packets flags 0x0 ]"]
        );
        assert_eq!(
            lines(
                "ip",
                r#"[{"limit": {"rate": 1, "burst": 0, "per": "second", "inv": true, "rate_unit": "mbytes", "burst_unit": "bytes"}}]"#
            ),
            ["[ limit rate 1048576/second burst 0 type bytes flags 0x1 ]"]
        );
        assert_eq!(
            lines(
                "ip",
                r#"[{"quota": {"val": 100, "val_unit": "mbytes", "inv": true}}]"#
            ),
            ["[ quota bytes 104857600 consumed 0 flags 1 ]"]
        );
        assert_eq!(
            lines(
                "ip",
                r#"[{"log": {"prefix": "x", "level": "info", "flags": "all"}}]"#
            ),
            ["[ log prefix x level 6 tcpseq tcpopt ipopt uid macdecode ]"]
        );
    }

    #[test]
    fn interval_sets_get_nfts_start_and_end_elements() {
        let doc = r#"{"nftables": [{"set": {"family": "inet", "name": "s", "table": "t",
            "type": "ipv4_addr", "flags": ["interval"],
            "elem": [{"prefix": {"addr": "10.0.0.0", "len": 8}}, "192.168.1.1"]}}]}"#;
        let cmds = parse(doc).unwrap();
        let Target::Item(Item::Set(s)) = &cmds[0].target else {
            panic!("not a set")
        };
        let (set, elems) = Linearizer::new().set(s).unwrap();
        assert_eq!(set.key_type, Some(7));
        assert_eq!(set.key_len, Some(4));
        assert_eq!(set.userdata.as_deref(), Some(&[0u8, 4, 2, 0, 0, 0][..]));
        let got: Vec<(Vec<u8>, bool)> = elems
            .elements
            .unwrap()
            .0
            .iter()
            .map(|e| match &e.key {
                Some(crate::Data::Value(k)) => (k.clone(), e.flags.is_some()),
                _ => panic!("no key"),
            })
            .collect();
        // What nft sent (its --debug=netlink listing of the same set).
        assert_eq!(
            got,
            [
                (vec![0, 0, 0, 0], true),
                (vec![10, 0, 0, 0], false),
                (vec![11, 0, 0, 0], true),
                (vec![192, 168, 1, 1], false),
                (vec![192, 168, 1, 2], true),
            ]
        );
    }

    #[test]
    fn errors_name_the_command() {
        let e = parse(r#"{"nftables": [{"metainfo": {}}, {"add": {"rule": {"family": "ip", "table": "t", "chain": "c", "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "nope"}}, "right": 1}}]}}}]}"#)
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "command 1 (add rule ip t c): statement 1 (match): unknown field tcp nope"
        );
        assert!(matches!(parse("[1]"), Err(Error::Syntax(_))));
        let e = parse(r#"{"nftables": [{"add": {"rule": {"family": "ip", "table": "t", "chain": "c", "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "saddr"}}, "right": "1.2.3"}}]}}}]}"#)
            .unwrap_err();
        assert!(e.to_string().contains("bad IPv4 address \"1.2.3\""), "{e}");
    }

    // Expected lines: nft 1.0.6's `--debug=netlink` for the same rules.
    #[test]
    fn raw_writes_tproxy_without_family_and_named_synproxy_linearize() {
        assert_eq!(
            lines(
                "ip",
                r#"[{"mangle": {"key": {"payload": {"base": "nh", "offset": 8, "len": 8}}, "value": 16}}]"#
            ),
            [
                "[ immediate reg 1 0x00000010 ]",
                "[ payload write reg 1 => 1b @ network header + 1 csum_type 0 csum_off 0 csum_flags 0x0 ]",
            ]
        );
        // inet `tproxy to :53`: NFPROTO_UNSPEC, not NFPROTO_INET.
        let tp = lines("inet", r#"[{"tproxy": {"port": 53}}]"#);
        assert_eq!(tp.last().unwrap(), "[ tproxy port reg 1 ]");
        assert_eq!(
            lines("inet", r#"[{"synproxy": "syn"}]"#),
            ["[ objref type 10 name syn ]"]
        );
    }

    #[test]
    fn an_anonymous_concatenation_carries_typeof_user_data_as_nft() {
        // `ether saddr . vlan id { 00:11:22:33:44:55 . 5 }` in bridge: the
        // user data nft 1.0.6 sent (--debug=mnl) on this machine.
        let doc = r#"{"nftables": [{"rule": {"family": "bridge", "table": "t", "chain": "c", "expr": [
            {"match": {"op": "==", "left": {"concat": [{"payload": {"protocol": "ether", "field": "saddr"}},
            {"payload": {"protocol": "vlan", "field": "id"}}]},
            "right": {"set": [{"concat": ["00:11:22:33:44:55", 5]}]}}}]}}]}"#;
        let cmds = parse(doc).unwrap();
        let Target::Item(Item::Rule(r)) = &cmds[0].target else {
            panic!("not a rule")
        };
        let out = Linearizer::new().rule(r).unwrap();
        let ud = out.sets[0].0.userdata.clone().unwrap();
        let want: Vec<u8> = [
            &[0x00, 0x04, 0, 0, 0, 0, 0x03, 0x3a][..],
            &[0x00, 0x04, 0x0d, 0, 0, 0, 0x01, 0x32],
            &[0x00, 0x14, 0x00, 0x04, 0x07, 0, 0, 0, 0x01, 0x0c],
            &[0x00, 0x04, 0x11, 0, 0, 0, 0x01, 0x04, 0x02, 0, 0, 0],
            &[0x01, 0x1a, 0x00, 0x04, 0x07, 0, 0, 0, 0x01, 0x12],
            &[0x00, 0x04, 0x10, 0, 0, 0, 0x01, 0x04, 0x04, 0, 0, 0],
            &[0x04, 0x04, 0x0c, 0, 0, 0],
        ]
        .concat();
        assert_eq!(ud, want);
    }

    /// kube-proxy's commented map elements (`10.96.12.7 . tcp . 8080
    /// comment "ns/svc:port" : goto reject-chain`): nft lists the comment
    /// on the key of the mapping; it goes to the element's user data.
    #[test]
    fn map_element_comment_on_a_concatenated_key() {
        let doc = r#"{"nftables": [{"map": {"family": "ip", "table": "t", "name": "m",
            "type": ["ipv4_addr", "inet_proto", "inet_service"], "map": "verdict",
            "elem": [[{"elem": {"val": {"concat": ["10.96.12.7", "tcp", 8080]},
                                "comment": "ns/svc"}}, {"drop": null}]]}}]}"#;
        let cmds = parse(doc).unwrap();
        let Target::Item(Item::Set(s)) = &cmds[0].target else {
            panic!("not a set")
        };
        let (_, elems) = Linearizer::new().set(s).unwrap();
        let els = elems.elements.unwrap().0;
        assert_eq!(els.len(), 1);
        assert_eq!(
            els[0].key,
            Some(crate::data::Data::Value(vec![
                10, 96, 12, 7, 6, 0, 0, 0, 0x1f, 0x90, 0, 0
            ]))
        );
        // NFTNL_UDATA_SET_ELEM_COMMENT, length 7, "ns/svc\0"
        assert_eq!(els[0].userdata.as_deref(), Some(&b"\x00\x07ns/svc\x00"[..]));
    }

    /// A set a rule of the file updates (`update @s { ip saddr limit rate
    /// over 10/minute }`, a rate limiter of crowdsec or sshguard) is made
    /// dynamic, as nft makes it: nft 1.0.6 lists it without the flag.
    #[test]
    fn a_set_rules_update_is_dynamic() {
        let doc = r#"{"nftables": [
            {"set": {"family": "ip", "table": "t", "name": "r", "type": "ipv4_addr",
                     "size": 65535, "flags": ["timeout"], "timeout": 60}}]}"#;
        let cmds = parse(doc).unwrap();
        let Target::Item(Item::Set(s)) = &cmds[0].target else {
            panic!("not a set")
        };
        let (mut set, _) = Linearizer::new().set(s).unwrap();
        assert!(!set.flags.unwrap().contains(crate::SetFlags::EVAL));
        as_updated(&mut set, s.size, true);
        assert!(set
            .flags
            .unwrap()
            .contains(crate::SetFlags::EVAL | crate::SetFlags::TIMEOUT));
        assert_eq!(set.desc.and_then(|d| d.size), None);
    }

    /// An orchestrator's `insert` at a handle goes before that rule; its
    /// `add` with a handle is appended, as nft 1.0.6 applies it.
    #[test]
    fn rule_positions_follow_nft() {
        assert_eq!(rule_position(Verb::Insert, 17), Some(17));
        assert_eq!(rule_position(Verb::Insert, 0), None);
        assert_eq!(rule_position(Verb::Add, 15), None);
        assert_eq!(rule_position(Verb::Create, 15), None);
    }

    /// firewalld's `ct state { invalid }` and other one-element sets: nft
    /// matches the element itself (no anonymous set), with the same
    /// operator; a concatenation stays a set.
    #[test]
    fn one_element_sets_are_their_element() {
        let ct = r#"{"ct": {"key": "state"}}"#;
        assert_eq!(
            lines(
                "ip",
                &format!("[{}]", m(ct, "in", r#"{"set": ["invalid"]}"#))
            ),
            [
                "[ ct load state => reg 1 ]",
                "[ bitwise reg 1 = ( reg 1 & 0x00000001 ) ^ 0x00000000 ]",
                "[ cmp neq reg 1 0x00000000 ]",
            ]
        );
        assert_eq!(
            lines(
                "ip",
                &format!("[{}]", m(ct, "==", r#"{"set": ["invalid"]}"#))
            ),
            ["[ ct load state => reg 1 ]", "[ cmp eq reg 1 0x00000001 ]"]
        );
        assert_eq!(
            lines(
                "ip",
                &format!("[{}]", m(TCP_DPORT, "!=", r#"{"set": [22]}"#))
            ),
            [
                "[ meta load l4proto => reg 1 ]",
                "[ cmp eq reg 1 0x00000006 ]",
                "[ payload load 2b @ transport header + 2 => reg 1 ]",
                "[ cmp neq reg 1 0x00001600 ]",
            ]
        );
        let concat = r#"{"concat": [{"payload": {"protocol": "ip", "field": "saddr"}}, {"payload": {"protocol": "tcp", "field": "dport"}}]}"#;
        let set = lines(
            "ip",
            &format!(
                "[{}]",
                m(concat, "==", r#"{"set": [{"concat": ["1.1.1.1", 22]}]}"#)
            ),
        );
        assert!(
            set.last().unwrap().starts_with("[ lookup reg 1 set "),
            "{set:?}"
        );
    }

    /// kube-proxy's source-range set (`ipv4_addr . inet_proto .
    /// inet_service . ipv4_addr`, interval): its elements are sent in the
    /// order given, which is the order nft lists them in.
    #[test]
    fn concatenated_ranges_keep_their_order() {
        let doc = r#"{"nftables": [{"set": {"family": "ip", "table": "t", "name": "s",
            "type": ["ipv4_addr", "inet_service"], "flags": ["interval"],
            "elem": [{"concat": ["1.1.1.1", 80]},
                     {"concat": [{"prefix": {"addr": "10.0.0.0", "len": 8}}, 22]},
                     {"concat": ["3.3.3.3", {"range": [1, 5]}]}]}}]}"#;
        let cmds = parse(doc).unwrap();
        let Target::Item(Item::Set(s)) = &cmds[0].target else {
            panic!("not a set")
        };
        let (_, elems) = Linearizer::new().set(s).unwrap();
        let firsts: Vec<u8> = elems
            .elements
            .unwrap()
            .0
            .iter()
            .map(|e| match &e.key {
                Some(crate::data::Data::Value(k)) => k[0],
                _ => panic!("{e:?}"),
            })
            .collect();
        assert_eq!(firsts, [1, 10, 3]);
    }

    /// firewalld places rules by `"index"`: resolved against the chain as
    /// the kernel has it, with the file's earlier commands played (nft
    /// counts the rules it inserted before); without the kernel it is an
    /// error, not a rule put elsewhere.
    #[test]
    fn rule_indexes_resolve_against_the_chain() {
        let rule = |verb: &str, extra: &str| {
            format!(
                r#"{{"{verb}": {{"rule": {{"family": "inet", "table": "t", "chain": "c"{extra}, "expr": [{{"accept": null}}]}}}}}}"#
            )
        };
        let doc = format!(
            r#"{{"nftables": [{}, {}, {}]}}"#,
            rule("insert", r#", "index": 0"#),
            rule("add", r#", "index": 1"#),
            rule("add", r#", "index": 2"#)
        );
        let mut cmds = parse(&doc).unwrap();
        assert_eq!(cmds[0].rule_index, Some(0));
        assert!(matches!(
            transaction(&cmds),
            Err(Error::Command { index: 0, .. })
        ));
        // The kernel's chain: rules 21, 23, 24.
        let mut kernel = |_: &str, _: &str, _: &str| vec![21, 23, 24];
        let err = resolve_rule_indexes(&mut cmds, &mut kernel).unwrap_err();
        // After the insert: [new, 21, 23, 24]; index 1 is 21: after it
        // goes the second: [new, 21, new, 23, 24]; index 2 is that one.
        assert_eq!(cmds[0].position, Some(21));
        assert_eq!(cmds[1].position, Some(21));
        assert!(matches!(err, Error::Command { index: 2, .. }), "{err:?}");
        let doc = format!(r#"{{"nftables": [{}]}}"#, rule("add", r#", "index": 9"#));
        let mut cmds = parse(&doc).unwrap();
        assert!(resolve_rule_indexes(&mut cmds, &mut kernel).is_err());
    }

    /// A DDoS shield's `synproxy name "web-synproxy"`: nft lists the object
    /// reference as a string; it is an objref, not an anonymous synproxy.
    #[test]
    fn synproxy_by_name_is_an_object_reference() {
        assert_eq!(
            lines("inet", r#"[{"synproxy": "web-synproxy"}]"#),
            ["[ objref type 10 name web-synproxy ]"]
        );
        assert_eq!(
            lines("inet", r#"[{"synproxy": {"mss": 1460, "wscale": 7}}]"#).len(),
            1
        );
    }

    /// docker's published ports match `ip daddr 0.0.0.0/0`: nft loads the
    /// whole address and masks it to nothing (a zero-length load is refused
    /// by the kernel).
    #[test]
    fn a_zero_length_prefix_is_a_masked_whole_load() {
        let daddr = r#"{"payload": {"protocol": "ip", "field": "daddr"}}"#;
        let prefix = r#"{"prefix": {"addr": "0.0.0.0", "len": 0}}"#;
        assert_eq!(
            lines("ip", &format!("[{}]", m(daddr, "==", prefix))),
            [
                "[ payload load 4b @ network header + 16 => reg 1 ]",
                "[ bitwise reg 1 = ( reg 1 & 0x00000000 ) ^ 0x00000000 ]",
                "[ cmp eq reg 1 0x00000000 ]",
            ]
        );
    }

    /// An agent's atomic resync starts with `{"flush": {"ruleset": null}}`.
    #[test]
    fn flush_ruleset_takes_null() {
        let doc = r#"{"nftables": [{"flush": {"ruleset": null}},
            {"add": {"table": {"family": "inet", "name": "agent"}}}]}"#;
        let cmds = parse(doc).unwrap();
        assert_eq!(cmds[0].target, Target::Ruleset);
        assert_eq!(cmds[0].verb, Verb::Flush);
        let (tx, _) = transaction(&cmds).unwrap();
        assert_eq!(tx.len(), 2);
    }

    /// `rename chain` names the chain by its handle (resolved from the
    /// kernel when applied) and sends the new name.
    #[test]
    fn rename_chain_needs_its_handle() {
        let doc = r#"{"nftables": [{"rename": {"chain": {"family": "inet", "table": "t",
            "name": "allow", "newname": "allow_v2"}}}]}"#;
        let mut cmds = parse(doc).unwrap();
        assert_eq!(cmds[0].verb, Verb::Rename);
        assert_eq!(cmds[0].new_name.as_deref(), Some("allow_v2"));
        assert!(matches!(
            transaction(&cmds),
            Err(Error::Command { index: 0, .. })
        ));
        if let Target::Item(Item::Chain(ch)) = &mut cmds[0].target {
            ch.handle = 7;
        }
        let (tx, _) = transaction(&cmds).unwrap();
        assert_eq!(tx.len(), 1);
        let doc = r#"{"nftables": [{"rename": {"chain": {"family": "inet", "table": "t", "name": "a"}}}]}"#;
        assert!(matches!(parse(doc), Err(Error::Command { index: 0, .. })));
    }

    /// `flush set` and `delete set` name the set only; adding a set without
    /// a type is still an error (before anything is sent).
    #[test]
    fn flush_and_delete_set_need_no_type() {
        let doc = r#"{"nftables": [
            {"flush": {"set": {"family": "inet", "table": "t", "name": "s"}}},
            {"delete": {"set": {"family": "inet", "table": "t", "name": "s"}}}]}"#;
        let cmds = parse(doc).unwrap();
        let (tx, _) = transaction(&cmds).unwrap();
        assert_eq!(tx.len(), 2);
        // Elements added after the flush are typed by the set's declaration
        // (here: the kernel's set), not by the flush.
        let doc = r#"{"nftables": [
            {"flush": {"set": {"family": "inet", "table": "t", "name": "s"}}},
            {"add": {"element": {"family": "inet", "table": "t", "name": "s", "elem": [80]}}}]}"#;
        let lookup = |_: &str, _: &str, _: &str| -> Option<SetShape> {
            Some((vec!["inet_service".into()], None, false))
        };
        let cmds = parse_inner(doc, None, Some(&lookup)).unwrap();
        let Target::Elements(s) = &cmds[1].target else {
            panic!("not elements")
        };
        assert_eq!(s.key_type, ["inet_service"]);
        let doc =
            r#"{"nftables": [{"add": {"set": {"family": "inet", "table": "t", "name": "s"}}}]}"#;
        let cmds = parse(doc).unwrap();
        assert!(matches!(
            transaction(&cmds),
            Err(Error::Command { index: 0, .. })
        ));
    }

    /// An orchestrator adds elements to an interval set it declared earlier
    /// in the file: they are sent as intervals (a start and an end each),
    /// without the end at zero that opens a new set's elements.
    #[test]
    fn elements_of_an_interval_set_declared_in_the_file() {
        let doc = r#"{"nftables": [
            {"add": {"set": {"family": "inet", "table": "t", "name": "s",
                     "type": "ipv4_addr", "flags": ["interval"]}}},
            {"add": {"element": {"family": "inet", "table": "t", "name": "s",
                     "elem": [{"prefix": {"addr": "10.10.0.0", "len": 16}}, "192.0.2.7"]}}}]}"#;
        let cmds = parse(doc).unwrap();
        let Target::Elements(s) = &cmds[1].target else {
            panic!("not elements")
        };
        assert_eq!(s.flags, ["interval"]);
        let (_, elems) = Linearizer::new().set(s).unwrap();
        let els = elems.elements.unwrap().0;
        let sent: Vec<&crate::object::Element> = els.iter().filter(|e| !is_zero_end(e)).collect();
        assert_eq!(els.len(), 5, "{els:?}");
        assert_eq!(sent.len(), 4, "{els:?}");
        let key = |e: &crate::object::Element| match &e.key {
            Some(crate::data::Data::Value(k)) => k.clone(),
            _ => panic!("{e:?}"),
        };
        assert_eq!(key(sent[0]), [10, 10, 0, 0]);
        assert_eq!(key(sent[1]), [10, 11, 0, 0]);
        assert_eq!(key(sent[3]), [192, 0, 2, 8]);
        let (tx, _) = transaction(&cmds).unwrap();
        assert_eq!(tx.len(), 2);
    }
}
