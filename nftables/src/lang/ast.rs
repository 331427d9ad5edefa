//! The high-level language's abstract syntax: what `nft list ruleset`
//! and `nft -j list ruleset` print, as typed values.
//!
//! # Contract for printers
//! - A [`Listing`] is the ruleset in nft's listing order: for each table,
//!   the table, its stateful objects, its sets and maps (named ones only:
//!   anonymous sets appear inline in the rules that use them), its
//!   flowtables, its chains, then its rules chain by chain in the kernel's
//!   order. `nft -j` prints the items in exactly that order; `nft list`
//!   nests them (objects, sets, flowtables, then each chain with its rules).
//! - A [`RuleItem`] holds [`Stmt`]s in the order nft prints them, with the
//!   implicit dependencies (`meta l4proto tcp` before `tcp dport`, `meta
//!   nfproto ipv4` before `ip saddr` in inet, ...) already removed as nft
//!   removes them. Statements the delinearizer could not translate are a
//!   [`Stmt::Untranslated`] (never dropped silently).
//! - [`Expr`] is an expression tree; constants are [`Value`]s, which know
//!   their nft datatype and render themselves ([`Value::text`],
//!   [`Value::json`]). Names of keys, fields and protocols are the strings
//!   nft prints (`"saddr"`, `"iifname"`, `"ip saddr"` for ct keys with a
//!   family).
//! - Field names are documented with their JSON keys: each struct maps one
//!   to one onto libnftables-json(5) objects of nft 1.0.6.

use super::datatype::Value;

/// A ruleset listing: items in nft's listing order (see the module doc).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Listing {
    /// The items, table by table.
    pub items: Vec<Item>,
}

/// One top-level object of a listing (one element of the JSON `nftables`
/// array after `metainfo`).
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    /// `{"table": ...}`.
    Table(TableItem),
    /// `{"chain": ...}`.
    Chain(ChainItem),
    /// `{"set": ...}` or `{"map": ...}` ([`SetItem::map`]).
    Set(SetItem),
    /// A stateful object: `{"counter": ...}`, `{"quota": ...}`, `{"ct helper": ...}`...
    Obj(ObjItem),
    /// `{"flowtable": ...}`.
    Flowtable(FlowtableItem),
    /// `{"rule": ...}`.
    Rule(RuleItem),
}

/// A table (`table FAMILY NAME { ... }`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TableItem {
    /// `"family"`: `ip`, `ip6`, `inet`, `arp`, `bridge`, `netdev`.
    pub family: &'static str,
    /// `"name"`.
    pub name: String,
    /// `"handle"`.
    pub handle: u64,
    /// `"flags"`: `dormant`, `owner`, `persist` (listed when set).
    pub flags: Vec<&'static str>,
    /// The comment from the table's user data (nft 1.0.6 prints it in text only).
    pub comment: Option<String>,
}

/// A chain (`chain NAME { type T hook H priority P; policy X; }`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ChainItem {
    /// `"family"`.
    pub family: &'static str,
    /// `"table"`.
    pub table: String,
    /// `"name"`.
    pub name: String,
    /// `"handle"`.
    pub handle: u64,
    /// The comment from the chain's user data (`comment "..."`).
    pub comment: Option<String>,
    /// Base chain details; `None` for a regular chain.
    pub base: Option<BaseChain>,
}

/// The hook part of a base chain.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BaseChain {
    /// `"type"`: `filter`, `nat`, `route`.
    pub kind: String,
    /// `"hook"`: `prerouting`, `input`, `forward`, `output`, `postrouting`,
    /// `ingress`, `egress`.
    pub hook: &'static str,
    /// `"prio"`: the numeric priority (the text printer names the standard
    /// ones: `filter`, `dstnat` + offset...).
    pub prio: i32,
    /// `"dev"`: devices of a netdev (or inet ingress) chain.
    pub devices: Vec<String>,
    /// `"policy"`: `accept` or `drop`.
    pub policy: &'static str,
}

/// A named set or map (`set NAME { type T; flags F; elements = { ... } }`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SetItem {
    /// `"family"`.
    pub family: &'static str,
    /// `"name"`.
    pub name: String,
    /// `"table"`.
    pub table: String,
    /// `"type"`: the key's type names (one, or several for a concatenation).
    pub key_type: Vec<String>,
    /// `"handle"`.
    pub handle: u64,
    /// For a map: `"map"`, the data type name (`verdict`, `mark`, ...);
    /// for an object map the object kind (`counter`, `quota`...).
    pub map: Option<Vec<String>>,
    /// `"policy"` when not the default (`memory`).
    pub policy: Option<&'static str>,
    /// `"size"` (none for a constant set: nft sizes those by their
    /// elements and lists no size).
    pub size: Option<u32>,
    /// `"flags"`: `constant`, `interval`, `timeout`, `dynamic`... in nft's order.
    pub flags: Vec<&'static str>,
    /// `"timeout"` in seconds (nft's JSON unit).
    pub timeout: Option<u64>,
    /// `"gc-interval"` in seconds.
    pub gc_interval: Option<u64>,
    /// `"comment"`.
    pub comment: Option<String>,
    /// `"stmt"`: per-element statements (`counter`, ...).
    pub stmts: Vec<Stmt>,
    /// `"elem"`: the elements (a key, a `key : data` [`Expr::Mapping`],
    /// [`Expr::Elem`] when an element has options).
    pub elems: Vec<Expr>,
}

/// A stateful object.
#[derive(Clone, Debug, PartialEq)]
pub struct ObjItem {
    /// `"family"`.
    pub family: &'static str,
    /// `"name"`.
    pub name: String,
    /// `"table"`.
    pub table: String,
    /// `"handle"`.
    pub handle: u64,
    /// `"comment"`.
    pub comment: Option<String>,
    /// The object's own fields.
    pub obj: ObjBody,
}

/// The kind-specific part of a stateful object (its JSON key is
/// [`ObjBody::kind`]).
#[derive(Clone, Debug, PartialEq)]
pub enum ObjBody {
    /// `counter`: `"packets"`, `"bytes"`.
    Counter(Counter),
    /// `quota`.
    Quota(Quota),
    /// `limit`.
    Limit(Limit),
    /// `ct count` object (`"count"`, `"inv"`).
    Connlimit {
        /// `"count"`.
        count: u32,
        /// `"inv"` (`over`).
        inv: bool,
    },
    /// `ct helper`: `"type"`, `"protocol"`, `"l3proto"`.
    CtHelper {
        /// `"type"`: the helper's name (`ftp`).
        helper: String,
        /// `"protocol"`: `tcp`, `udp`.
        protocol: String,
        /// `"l3proto"`: `ip`, `ip6`, `inet`.
        l3proto: String,
    },
    /// `ct timeout`: `"protocol"`, `"l3proto"`, `"policy"`.
    CtTimeout {
        /// `"protocol"`.
        protocol: String,
        /// `"l3proto"`.
        l3proto: String,
        /// `"policy"`: state name -> seconds, in the kernel's order.
        policy: Vec<(String, u32)>,
    },
    /// `ct expectation`.
    CtExpect {
        /// `"protocol"`.
        protocol: String,
        /// `"dport"`.
        dport: u16,
        /// `"timeout"` (ms).
        timeout: u32,
        /// `"size"`.
        size: u8,
        /// `"l3proto"`.
        l3proto: String,
    },
    /// `secmark`: `"context"`.
    Secmark {
        /// `"context"`.
        context: String,
    },
    /// `synproxy`: `"mss"`, `"wscale"`, `"flags"`.
    Synproxy(Synproxy),
    /// An object this crate cannot render (tunnel, raw data): its type number.
    Other(u32),
}

impl ObjBody {
    /// nft's name of the object kind (the JSON key).
    pub fn kind(&self) -> &'static str {
        match self {
            ObjBody::Counter(_) => "counter",
            ObjBody::Quota(_) => "quota",
            ObjBody::Limit(_) => "limit",
            ObjBody::Connlimit { .. } => "ct count",
            ObjBody::CtHelper { .. } => "ct helper",
            ObjBody::CtTimeout { .. } => "ct timeout",
            ObjBody::CtExpect { .. } => "ct expectation",
            ObjBody::Secmark { .. } => "secmark",
            ObjBody::Synproxy(_) => "synproxy",
            ObjBody::Other(_) => "unknown",
        }
    }
}

/// A flowtable.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FlowtableItem {
    /// `"family"`.
    pub family: &'static str,
    /// `"name"`.
    pub name: String,
    /// `"table"`.
    pub table: String,
    /// `"handle"`.
    pub handle: u64,
    /// `"hook"`.
    pub hook: &'static str,
    /// `"prio"`.
    pub prio: i32,
    /// `"dev"`.
    pub devices: Vec<String>,
    /// `offload` (`NFT_FLOWTABLE_HW_OFFLOAD`), `counter`
    /// (`NFT_FLOWTABLE_COUNTER`): printed in text only (`flags offload`,
    /// `counter`), as this crate has not seen nft 1.0.6's JSON of them.
    pub flags: Vec<&'static str>,
}

/// A rule.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RuleItem {
    /// `"family"`.
    pub family: &'static str,
    /// `"table"`.
    pub table: String,
    /// `"chain"`.
    pub chain: String,
    /// `"handle"`.
    pub handle: u64,
    /// `"comment"` (from the rule's user data).
    pub comment: Option<String>,
    /// `"expr"`: the statements.
    pub stmts: Vec<Stmt>,
}

impl RuleItem {
    /// The low-level expressions of the rule that were not translated
    /// (empty when the whole rule is in the high-level language).
    pub fn untranslated(&self) -> impl Iterator<Item = &Untranslated> {
        self.stmts.iter().filter_map(|s| match s {
            Stmt::Untranslated(u) => Some(u),
            _ => None,
        })
    }
}

/// Relational operators of a match (`"op"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Op {
    /// `==` (implicit in text).
    Eq,
    /// `!=`.
    Neq,
    /// `<`.
    Lt,
    /// `>`.
    Gt,
    /// `<=`.
    Lte,
    /// `>=`.
    Gte,
    /// `in`: a flag match (`ct state established,related`, text prints no operator).
    In,
    /// `!`: flags not set (`ct status ! dnat`).
    Not,
}

impl Op {
    /// nft's spelling (JSON `"op"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Eq => "==",
            Op::Neq => "!=",
            Op::Lt => "<",
            Op::Gt => ">",
            Op::Lte => "<=",
            Op::Gte => ">=",
            Op::In => "in",
            Op::Not => "!",
        }
    }
}

/// Binary operators of [`Expr::Binop`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinOp {
    /// `&`.
    And,
    /// `|`.
    Or,
    /// `^`.
    Xor,
    /// `<<`.
    Lshift,
    /// `>>`.
    Rshift,
}

impl BinOp {
    /// nft's spelling (the JSON key).
    pub fn as_str(self) -> &'static str {
        match self {
            BinOp::And => "&",
            BinOp::Or => "|",
            BinOp::Xor => "^",
            BinOp::Lshift => "<<",
            BinOp::Rshift => ">>",
        }
    }
}

/// A verdict (statement or map data).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Verdict {
    /// `accept`.
    Accept,
    /// `drop`.
    Drop,
    /// `continue`.
    Continue,
    /// `return`.
    Return,
    /// `queue` (the plain `NF_QUEUE` verdict).
    Queue,
    /// `jump CHAIN`.
    Jump(String),
    /// `goto CHAIN`.
    Goto(String),
}

impl Verdict {
    /// The verdict keyword (the JSON key).
    pub fn keyword(&self) -> &'static str {
        match self {
            Verdict::Accept => "accept",
            Verdict::Drop => "drop",
            Verdict::Continue => "continue",
            Verdict::Return => "return",
            Verdict::Queue => "queue",
            Verdict::Jump(_) => "jump",
            Verdict::Goto(_) => "goto",
        }
    }
}

/// Payload expression: a named header field or raw bytes.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Payload {
    /// `PROTOCOL FIELD` (`tcp dport`): `{"payload": {"protocol", "field"}}`.
    Field {
        /// `"protocol"`: `ether`, `vlan`, `arp`, `ip`, `ip6`, `icmp`, `tcp`, `th`...
        protocol: &'static str,
        /// `"field"`: `saddr`, `dport`...
        field: &'static str,
    },
    /// `@BASE,OFFSET,LEN` (bits): `{"payload": {"base", "offset", "len"}}`.
    Raw {
        /// `"base"`: `ll`, `nh`, `th`, `ih`.
        base: &'static str,
        /// `"offset"` in bits.
        offset: u32,
        /// `"len"` in bits.
        len: u32,
    },
}

/// Extension header, option or chunk field: `exthdr` (IPv6), `tcp option`,
/// `ip option`, `sctp chunk`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ExthdrField {
    /// Which kind of header.
    pub kind: ExthdrKind,
    /// `"name"`: `hbh`, `rt`, `frag`..., `maxseg`, `sack-perm`..., `lsrr`..., `data`...
    pub name: String,
    /// `"field"`; `None` for an existence check (`exthdr hbh exists`) and
    /// for a raw `"offset"`.
    pub field: Option<String>,
    /// `"offset"` for raw fields (`rt0 addr[1]`).
    pub offset: Option<u32>,
    /// A raw option nft has no name for: `(base, offset, len)` (the option
    /// kind, bit offset and bit length; `{"tcp option": {"base", "offset", "len"}}`).
    pub raw: Option<(u32, u32, u32)>,
}

/// The four families of [`ExthdrField`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ExthdrKind {
    /// IPv6 extension headers: `{"exthdr": ...}`.
    Ipv6,
    /// TCP options: `{"tcp option": ...}`.
    TcpOption,
    /// IPv4 options: `{"ip option": ...}`.
    IpOption,
    /// SCTP chunks: `{"sctp chunk": ...}`.
    SctpChunk,
    /// DCCP options: `{"dccp option": ...}`.
    DccpOption,
}

/// An expression.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    /// A constant with its datatype.
    Value(Value),
    /// A list of constants of one bitmask type on a match's right side or
    /// in a binary operation (`ct state established,related`): JSON list.
    List(Vec<Expr>),
    /// `payload`.
    Payload(Payload),
    /// `meta KEY` / `KEY` (`iifname`, `mark`, `l4proto`...): `{"meta": {"key"}}`.
    Meta(&'static str),
    /// `ct [DIR] [FAMILY] KEY`: `{"ct": {"key", "dir"?}}`; `key` already
    /// carries the family (`"ip saddr"`).
    Ct {
        /// `"key"`.
        key: String,
        /// `"dir"`: `original` or `reply`.
        dir: Option<&'static str>,
    },
    /// `rt [FAMILY] KEY`: `{"rt": {"key", "family"?}}`.
    Rt {
        /// `"key"`: `classid`, `nexthop`, `mtu`, `ipsec`.
        key: &'static str,
        /// `"family"`: `ip` or `ip6` for `nexthop`.
        family: Option<&'static str>,
    },
    /// `fib FLAGS RESULT`: `{"fib": {"result", "flags"}}`.
    Fib {
        /// `"result"`: `oif`, `oifname`, `type`.
        result: &'static str,
        /// `"flags"`: `saddr`, `daddr`, `mark`, `iif`, `oif`.
        flags: Vec<&'static str>,
    },
    /// `socket KEY`: `{"socket": {"key"}}`.
    Socket {
        /// `"key"`: `transparent`, `mark`, `wildcard`, `cgroupv2`.
        key: &'static str,
        /// `level N` of `cgroupv2`.
        level: Option<u32>,
    },
    /// `osf [ttl T] name|version`: `{"osf": {"key", "ttl"?}}`.
    Osf {
        /// `"key"`: `name` or `version`.
        key: &'static str,
        /// `"ttl"`: `loose` or `skip`.
        ttl: Option<&'static str>,
    },
    /// Extension header / option / chunk field.
    Exthdr(ExthdrField),
    /// `numgen MODE mod N [offset O]`: `{"numgen": {"mode", "mod", "offset"}}`.
    Numgen {
        /// `"mode"`: `inc` or `random`.
        mode: &'static str,
        /// `"mod"`.
        modulus: u32,
        /// `"offset"` (printed when non-zero).
        offset: u32,
    },
    /// `jhash EXPR mod N seed S offset O`: `{"jhash": {"mod", "seed"?, "offset"?, "expr"}}`.
    Jhash {
        /// `"mod"`.
        modulus: u32,
        /// `"seed"` (printed when the rule sets one).
        seed: Option<u32>,
        /// `"offset"`.
        offset: u32,
        /// `"expr"`: what is hashed.
        expr: Box<Expr>,
    },
    /// `symhash mod N offset O`: `{"symhash": {"mod", "offset"?}}`.
    Symhash {
        /// `"mod"`.
        modulus: u32,
        /// `"offset"`.
        offset: u32,
    },
    /// `ipsec in|out [spnum N] KEY`: `{"ipsec": {"key", "dir", "spnum", "family"?}}`.
    Xfrm {
        /// `"key"`: `reqid`, `spi`, `saddr`, `daddr`.
        key: &'static str,
        /// `"family"` for addresses.
        family: Option<&'static str>,
        /// `"dir"`: `in` or `out`.
        dir: &'static str,
        /// `"spnum"`.
        spnum: u32,
    },
    /// `LEFT OP RIGHT`: `{"&": [left, right]}`.
    Binop {
        /// The operator.
        op: BinOp,
        /// Left operand.
        left: Box<Expr>,
        /// Right operand.
        right: Box<Expr>,
    },
    /// `ADDR/LEN`: `{"prefix": {"addr", "len"}}`.
    Prefix {
        /// `"addr"`.
        addr: Box<Expr>,
        /// `"len"`.
        len: u32,
    },
    /// `LOW-HIGH`: `{"range": [low, high]}`.
    Range(Box<Expr>, Box<Expr>),
    /// `A . B`: `{"concat": [...]}`.
    Concat(Vec<Expr>),
    /// An anonymous set `{ a, b }`: `{"set": [...]}`.
    Set(Vec<Expr>),
    /// `@NAME`: a named set or map (JSON string `"@NAME"`).
    SetRef(String),
    /// `KEY map DATA`: `{"map": {"key", "data"}}` (data a set ref or an
    /// anonymous map).
    Map {
        /// `"key"`.
        key: Box<Expr>,
        /// `"data"`.
        data: Box<Expr>,
    },
    /// `KEY : DATA` inside a map: JSON `[key, data]`.
    Mapping(Box<Expr>, Box<Expr>),
    /// A set element with options: `{"elem": {"val", "timeout", "expires", "comment", ...}}`.
    Elem(Box<Elem>),
    /// A verdict as data (verdict maps).
    Verdict(Verdict),
    /// A catch-all element (`*`).
    Wildcard,
}

/// A set element with options (`1.2.3.4 timeout 10s expires 9s comment "x"`).
#[derive(Clone, Debug, PartialEq)]
pub struct Elem {
    /// `"val"`.
    pub val: Expr,
    /// `"timeout"` (seconds in JSON; ms here).
    pub timeout_ms: Option<u64>,
    /// `"expires"` (ms here).
    pub expires_ms: Option<u64>,
    /// `"comment"`.
    pub comment: Option<String>,
    /// Per-element statements (`counter packets 0 bytes 0`), JSON keys of
    /// the element object.
    pub stmts: Vec<Stmt>,
}

/// `counter` statement or object.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Counter {
    /// `"packets"`.
    pub packets: u64,
    /// `"bytes"`.
    pub bytes: u64,
}

/// `quota` statement or object.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Quota {
    /// Quota in bytes.
    pub bytes: u64,
    /// Used bytes.
    pub used: u64,
    /// `over`.
    pub inv: bool,
}

/// `limit` statement or object.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Limit {
    /// Rate (packets, or bytes for byte limits).
    pub rate: u64,
    /// Period in seconds.
    pub unit_secs: u64,
    /// Burst.
    pub burst: u32,
    /// Byte limit (else packets).
    pub bytes: bool,
    /// `over`.
    pub inv: bool,
}

/// `log` statement.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Log {
    /// `"prefix"`.
    pub prefix: Option<String>,
    /// `"group"`.
    pub group: Option<u16>,
    /// `"snaplen"`.
    pub snaplen: Option<u32>,
    /// `"queue-threshold"`.
    pub qthreshold: Option<u16>,
    /// `"level"` (`emerg` ... `debug`, `audit`); absent for the default `warn`.
    pub level: Option<&'static str>,
    /// `"flags"`: `tcp sequence`, `tcp options`, `ip options`, `skuid`,
    /// `ether`, or `all`.
    pub flags: Vec<&'static str>,
}

/// NAT statement kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NatKind {
    /// `snat`.
    Snat,
    /// `dnat`.
    Dnat,
    /// `masquerade`.
    Masquerade,
    /// `redirect`.
    Redirect,
}

impl NatKind {
    /// nft's keyword (the JSON key).
    pub fn keyword(self) -> &'static str {
        match self {
            NatKind::Snat => "snat",
            NatKind::Dnat => "dnat",
            NatKind::Masquerade => "masquerade",
            NatKind::Redirect => "redirect",
        }
    }
}

/// `snat`, `dnat`, `masquerade`, `redirect`.
#[derive(Clone, Debug, PartialEq)]
pub struct Nat {
    /// Which.
    pub kind: NatKind,
    /// `"family"`: `ip`/`ip6` (printed by nft for snat/dnat in inet tables).
    pub family: Option<&'static str>,
    /// `"addr"`.
    pub addr: Option<Expr>,
    /// `"port"`.
    pub port: Option<Expr>,
    /// `"flags"`: `random`, `fully-random`, `persistent`, `netmap`.
    pub flags: Vec<&'static str>,
    /// `"type_flags"`: `interval`, `prefix`, `concat`.
    pub type_flags: Vec<&'static str>,
}

/// `reject` statement.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Reject {
    /// `"type"`: `tcp reset`, `icmp`, `icmpv6`, `icmpx`; `None` for a plain
    /// `reject` with nothing to print.
    pub kind: Option<&'static str>,
    /// `"expr"`: the code (an icmp/icmpv6/icmpx code [`Value`]).
    pub code: Option<Expr>,
}

/// `synproxy` statement or object.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Synproxy {
    /// `"mss"`.
    pub mss: Option<u16>,
    /// `"wscale"`.
    pub wscale: Option<u8>,
    /// `"flags"`: `timestamp`, `sack-perm`.
    pub flags: Vec<&'static str>,
}

/// A statement.
#[derive(Clone, Debug, PartialEq)]
pub enum Stmt {
    /// `LEFT [OP] RIGHT`: `{"match": {"op", "left", "right"}}`.
    Match {
        /// `"op"`.
        op: Op,
        /// `"left"`.
        left: Expr,
        /// `"right"`.
        right: Expr,
    },
    /// A verdict.
    Verdict(Verdict),
    /// `counter`: `{"counter": {"packets", "bytes"}}`.
    Counter(Counter),
    /// `KEY set VALUE`: `{"mangle": {"key", "value"}}`.
    Mangle {
        /// `"key"`: payload, meta, ct, exthdr.
        key: Expr,
        /// `"value"`.
        value: Expr,
    },
    /// `KEY vmap DATA`: `{"vmap": {"key", "data"}}`.
    Vmap {
        /// `"key"`.
        key: Expr,
        /// `"data"`: a set reference or an anonymous map.
        data: Expr,
    },
    /// `log`.
    Log(Log),
    /// `limit`.
    Limit(Limit),
    /// `quota`.
    Quota(Quota),
    /// `ct count [over] N`: `{"ct count": {"val", "inv"?}}`.
    CtCount {
        /// `"val"`.
        val: u32,
        /// `"inv"`.
        inv: bool,
    },
    /// NAT.
    Nat(Nat),
    /// `reject`.
    Reject(Reject),
    /// `add|update|delete @SET { ELEM [stmts] }`: `{"set": {"op", "elem", "set", "stmt"?}}`.
    Set {
        /// `"op"`.
        op: &'static str,
        /// `"elem"`.
        elem: Expr,
        /// `"set"`: `@NAME`.
        set: String,
        /// `"stmt"`.
        stmts: Vec<Stmt>,
    },
    /// `add|update @MAP { KEY : DATA }`: `{"map": {"op", "elem", "data", "map"}}`.
    MapUpdate {
        /// `"op"`.
        op: &'static str,
        /// `"elem"`.
        elem: Expr,
        /// `"data"`.
        data: Expr,
        /// `"map"`: `@NAME`.
        map: String,
        /// `"stmt"`.
        stmts: Vec<Stmt>,
    },
    /// A reference to a stateful object (`counter name "c"`, `ct helper set
    /// "ftp"`, ...): `{"counter": "c"}`, or through a map (`name` is then
    /// an [`Expr::Map`]).
    Objref {
        /// The object kind (the JSON key): `counter`, `quota`, `limit`,
        /// `ct helper`, `ct timeout`, `ct expectation`, `secmark`, `synproxy`.
        kind: &'static str,
        /// The object's name, or a map lookup.
        name: Expr,
    },
    /// `dup to ADDR [device DEV]`: `{"dup": {"addr"?, "dev"?}}`.
    Dup {
        /// `"addr"`.
        addr: Option<Expr>,
        /// `"dev"`.
        dev: Option<Expr>,
    },
    /// `fwd [FAMILY] to DEV`: `{"fwd": {"dev", "family"?, "addr"?}}`.
    Fwd {
        /// `"dev"`.
        dev: Expr,
        /// `"family"`.
        family: Option<&'static str>,
        /// `"addr"`.
        addr: Option<Expr>,
    },
    /// `notrack`: `{"notrack": null}`.
    Notrack,
    /// `queue [flags F] num N`: `{"queue": {"num"?, "flags"?}}`.
    Queue {
        /// `"num"`: a value, a range or an expression.
        num: Option<Expr>,
        /// `"flags"`: `bypass`, `fanout`.
        flags: Vec<&'static str>,
    },
    /// `synproxy` statement.
    Synproxy(Synproxy),
    /// `tproxy [FAMILY] to [ADDR][:PORT]`: `{"tproxy": {"family"?, "addr"?, "port"?}}`.
    Tproxy {
        /// `"family"`.
        family: Option<&'static str>,
        /// `"addr"`.
        addr: Option<Expr>,
        /// `"port"`.
        port: Option<Expr>,
    },
    /// `meter NAME { KEY stmt }`: `{"meter": {"key", "stmt", "name", "size"?}}`.
    Meter {
        /// `"name"`.
        name: String,
        /// `"key"`.
        key: Expr,
        /// `"stmt"`.
        stmt: Box<Stmt>,
        /// `"size"`.
        size: Option<u32>,
    },
    /// An x_tables match or target (iptables-nft): `{"xt": {"type", "name"}}`.
    Xt {
        /// `"type"`: `match` or `target`.
        kind: &'static str,
        /// `"name"`.
        name: String,
    },
    /// `flow add @FT`: `{"flow": {"op": "add", "flowtable": "@FT"}}`.
    Flow {
        /// `"flowtable"`: `@NAME`.
        flowtable: String,
    },
    /// `last`: `{"last": ...}`.
    Last {
        /// ms since the last match; `None` = never.
        used_ms: Option<u64>,
    },
    /// `reset tcp option NAME`: `{"reset": {"tcp option": ...}}`.
    Reset(Expr),
    /// Low-level expressions the delinearizer could not translate.
    Untranslated(Untranslated),
}

/// What the delinearizer could not translate, kept so that nothing is
/// dropped silently: the expressions (by kernel name and their
/// `nft --debug=netlink`-style text) and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Untranslated {
    /// Kernel names of the expressions (`payload`, `cmp`...).
    pub exprs: Vec<String>,
    /// Their libnftnl-style text (`[ cmp eq reg 1 0x00000016 ]`).
    pub text: Vec<String>,
    /// Why.
    pub reason: String,
}
