//! From the kernel's expressions to nft's statements ("delinearize", as
//! nft 1.0.6 does it): register tracking, payload loads resolved to named
//! header fields by the protocol context, implicit dependencies removed,
//! bitwise + cmp turned into flag matches and prefixes, lookups into set
//! references or inline anonymous sets, and each statement expression
//! into its statement. What is not translated becomes
//! [`Stmt::Untranslated`].

use std::collections::HashMap;

use nfnl::ProtoFamily;

use super::ast::*;
use super::datatype::{Datatype, Value};
use super::proto::{self, Base, Proto};
use crate::data::{Data, Verdict as KVerdict};
use crate::expr::{self as kx, Expr as KExpr};
use crate::object::{ElemFlags, Element, Rule, Set, SetFlags};

/// Resolves an interface index to its name (nft prints `iif "lo"`).
pub type IfnameFn<'a> = &'a dyn Fn(u32) -> Option<String>;

/// The sets of one table (with their elements), which rules refer to,
/// and how to name interfaces.
#[derive(Clone, Default)]
pub struct Context<'a> {
    /// The table's family.
    pub family: Option<ProtoFamily>,
    sets: HashMap<&'a str, (&'a Set, Vec<&'a Element>)>,
    /// Interface index -> name (`None`: indexes print as numbers).
    pub ifname: Option<IfnameFn<'a>>,
}

impl std::fmt::Debug for Context<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Context")
            .field("family", &self.family)
            .field("sets", &self.sets.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// An interface index value turned into its name when `ifname` knows it.
pub fn name_ifindex(v: Value, ifname: Option<IfnameFn<'_>>) -> Value {
    if v.ty != Datatype::Ifindex {
        return v;
    }
    let idx = u32::try_from(v.as_u128()).unwrap_or(0);
    match ifname.and_then(|f| f(idx)).filter(|n| !n.is_empty()) {
        Some(n) => Value::string(Datatype::Ifname, &n),
        None => v,
    }
}

impl<'a> Context<'a> {
    /// An empty context for `family` (rules without set lookups).
    pub fn new(family: ProtoFamily) -> Self {
        Context {
            family: Some(family),
            sets: HashMap::new(),
            ifname: None,
        }
    }

    /// Adds a set of the table and its elements.
    pub fn add_set(&mut self, set: &'a Set, elems: impl IntoIterator<Item = &'a Element>) {
        if let Some(n) = set.name.as_deref() {
            let entry = self.sets.entry(n).or_insert((set, Vec::new()));
            entry.1.extend(elems);
        }
    }

    fn set(&self, name: &str) -> Option<&(&'a Set, Vec<&'a Element>)> {
        self.sets.get(name)
    }
}

/// The family's name as nft writes it.
pub fn family_name(f: ProtoFamily) -> &'static str {
    crate::text::family_name(f)
}

/// What a register holds.
#[derive(Clone, Debug)]
enum Reg {
    /// Raw packet bytes (bits), resolved when compared.
    Payload { base: Base, offset: u32, len: u32 },
    /// A typed expression.
    Expr { e: Expr, ty: Datatype, bits: u32 },
    /// Immediate data, typed by its use.
    Imm(Vec<u8>),
    /// Packet bytes with some bits replaced (`ip dscp set cs1` loads,
    /// masks and xors the header bytes, then writes them back).
    PayloadEdit {
        base: Base,
        offset: u32,
        len: u32,
        mask: Vec<u8>,
        xor: Vec<u8>,
    },
    /// The rest of a map's data spread over several registers (a
    /// concatenation): printed with the map in the first register.
    MapPart,
    /// Raw extension header bytes (bits), resolved when compared.
    Exthdr {
        op: u32,
        kind: u8,
        offset: u32,
        len: u32,
    },
    /// A masked register (`&`), waiting for its comparison.
    Masked { src: Box<Reg>, mask: Vec<u8> },
    /// A sub-field masked and shifted down (`ip dscp` as a named set's
    /// key): the field, with the dependencies it removes when used; as the
    /// key of a named map's lookup nft prints it `raw`, keeping them.
    Shifted {
        field: (Expr, Datatype, u32),
        raw: Expr,
        kills: Vec<Vec<Dep>>,
    },
}

/// A statement that established protocol context and may be an implicit
/// dependency nft removes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Dep {
    L4proto(u8),
    Nfproto(u8),
    MetaProtocol(u16),
    EtherType(u16),
    IpProto(u8),
    Ip6Nexthdr(u8),
    Iiftype(u16),
    CtL3proto,
    IcmpType(u8),
}

struct State<'c, 'a> {
    ctx: &'c Context<'a>,
    family: ProtoFamily,
    regs: HashMap<u32, Reg>,
    stmts: Vec<Option<Stmt>>,
    deps: Vec<(usize, Dep)>,
    l3: Option<&'static Proto>,
    l4: Option<&'static Proto>,
    /// The link layer is known to be Ethernet (bridge, or after `meta
    /// iiftype ether`): `@ll` resolves to `ether`/`vlan` fields only then.
    ll_ether: bool,
    vlan: bool,
    /// A `cmp gte` waiting for its `cmp lte` (range): stmt index, reg.
    pending_gte: Option<(usize, u32, u32)>,
    /// Payloads resolved now do not remove dependencies (map keys): what
    /// they would remove is collected in `pending_kills`.
    nokill: bool,
    pending_kills: Vec<Vec<Dep>>,
    /// Dependencies a map in a register removes when a `set` statement uses it.
    deferred: HashMap<u32, Vec<Vec<Dep>>>,
    /// Byte lengths of the fields of the last key gathered.
    key_lens: Vec<u32>,
    /// The ICMP/ICMPv6 type matched so far (selects type-specific fields).
    icmp_type: Option<u8>,
    /// Stacked VLAN headers matched so far (`vlan type 8021q`).
    vlan_depth: u32,
    /// Registers turned to network order by a `byteorder hton`.
    swapped: std::collections::HashSet<u32>,
    /// A masked payload is being typed (no ether address prefix then).
    masking: bool,
}

/// The 4-byte register index of a register number (1..=4 are 16 bytes wide).
fn reg32(r: u32) -> u32 {
    match r {
        1..=4 => 8 + (r - 1) * 4,
        x => x,
    }
}

/// The `n` low bits set (all for 128 and more).
fn ones_mask(n: u32) -> u128 {
    if n >= 128 {
        u128::MAX
    } else {
        (1u128 << n) - 1
    }
}

/// Bits in `len` bytes.
pub(crate) fn bits_of(len: usize) -> u32 {
    u32::try_from(len).unwrap_or(u32::MAX / 8).saturating_mul(8)
}

fn bits_to_bytes(bits: u32) -> usize {
    bits.div_ceil(8) as usize
}

/// A value of `ty` from register bytes (`host`: the register holds it in
/// host byte order).
fn typed(ty: Datatype, bits: u32, bytes: &[u8]) -> Value {
    typed_h(ty, bits, bytes, ty.host_order())
}

/// True for the types whose values are network-order whatever expression
/// produced them.
fn be_type(ty: Datatype) -> bool {
    matches!(
        ty,
        Datatype::Ipv4Addr
            | Datatype::Ipv6Addr
            | Datatype::EtherAddr
            | Datatype::Lladdr
            | Datatype::Ethertype
            | Datatype::InetService
            | Datatype::InetProto
            | Datatype::String
            | Datatype::Ifname
            | Datatype::Boolean
            | Datatype::Nfproto
    )
}

/// Whether the register value of `e` (of type `ty`) is in host order:
/// packet bytes are network order; meta, ct, rt... integers host order.
fn expr_host(e: &Expr, ty: Datatype) -> bool {
    match e {
        Expr::Payload(_) | Expr::Exthdr(_) | Expr::Concat(_) => false,
        Expr::Map { .. } => ty.host_order(),
        Expr::Binop { left, .. } => expr_host(left, ty),
        Expr::Meta("random") => false,
        Expr::Ct { key, .. } if key == "id" => false,
        Expr::Xfrm { key: "spi", .. } => false,
        _ => !be_type(ty),
    }
}

/// A value from register bytes, `host` telling their byte order.
fn typed_h(ty: Datatype, bits: u32, bytes: &[u8], host: bool) -> Value {
    match ty {
        Datatype::String | Datatype::Ifname => {
            let end = bytes.iter().position(|b| *b == 0).unwrap_or(bytes.len());
            Value {
                ty,
                bits: bits_of(bytes.len()),
                data: bytes[..end].to_vec(),
            }
        }
        _ => {
            let n = bits_to_bytes(bits).max(1).min(bytes.len().max(1));
            let mut data: Vec<u8> = bytes.iter().take(n).copied().collect();
            if host && cfg!(target_endian = "little") {
                data.reverse();
            }
            Value { ty, bits, data }
        }
    }
}

fn is_prefix_type(ty: Datatype) -> bool {
    matches!(ty, Datatype::Ipv4Addr | Datatype::Ipv6Addr)
}

pub(crate) fn meta_key(k: kx::MetaKey) -> Option<(&'static str, Datatype, u32)> {
    use Datatype as T;
    Some(match k.0 {
        0 => ("length", T::Integer, 32),
        1 => ("protocol", T::Ethertype, 16),
        2 => ("priority", T::Classid, 32),
        3 => ("mark", T::Mark, 32),
        4 => ("iif", T::Ifindex, 32),
        5 => ("oif", T::Ifindex, 32),
        6 => ("iifname", T::Ifname, 128),
        7 => ("oifname", T::Ifname, 128),
        8 => ("iiftype", T::Arphrd, 16),
        9 => ("oiftype", T::Arphrd, 16),
        10 => ("skuid", T::Uid, 32),
        11 => ("skgid", T::Gid, 32),
        12 => ("nftrace", T::Integer, 1),
        13 => ("rtclassid", T::Realm, 32),
        14 => ("secmark", T::Integer, 32),
        15 => ("nfproto", T::Nfproto, 8),
        16 => ("l4proto", T::InetProto, 8),
        17 => ("ibrname", T::Ifname, 128),
        18 => ("obrname", T::Ifname, 128),
        19 => ("pkttype", T::Pkttype, 8),
        20 => ("cpu", T::Integer, 32),
        21 => ("iifgroup", T::Devgroup, 32),
        22 => ("oifgroup", T::Devgroup, 32),
        23 => ("cgroup", T::Integer, 32),
        24 => ("random", T::Integer, 32),
        25 => ("ipsec", T::Boolean, 1),
        26 => ("iifkind", T::Ifname, 128),
        27 => ("oifkind", T::Ifname, 128),
        28 => ("ibrpvid", T::Integer, 16),
        29 => ("ibrvproto", T::Ethertype, 16),
        30 => ("time", T::TimeDate, 64),
        31 => ("day", T::TimeDay, 8),
        32 => ("hour", T::TimeHour, 32),
        33 => ("sdif", T::Ifindex, 32),
        34 => ("sdifname", T::Ifname, 128),
        35 => ("broute", T::Boolean, 1),
        _ => return None,
    })
}

/// (key as nft prints it without family, type, bits, family-specific).
pub(crate) fn ct_key(k: kx::CtKey, family: ProtoFamily) -> Option<(String, Datatype, u32)> {
    use Datatype as T;
    let addr = match family {
        ProtoFamily::Ipv6 => (T::Ipv6Addr, 128),
        _ => (T::Ipv4Addr, 32),
    };
    Some(match k.0 {
        0 => ("state".into(), T::CtState, 32),
        1 => ("direction".into(), T::CtDir, 8),
        2 => ("status".into(), T::CtStatus, 32),
        3 => ("mark".into(), T::Mark, 32),
        4 => ("secmark".into(), T::Integer, 32),
        5 => ("expiration".into(), T::Time, 32),
        6 => ("helper".into(), T::String, 128),
        7 => ("l3proto".into(), T::Nfproto, 8),
        8 => ("saddr".into(), addr.0, addr.1),
        9 => ("daddr".into(), addr.0, addr.1),
        10 => ("protocol".into(), T::InetProto, 8),
        11 => ("proto-src".into(), T::InetService, 16),
        12 => ("proto-dst".into(), T::InetService, 16),
        13 => ("label".into(), T::CtLabel, 128),
        14 => ("packets".into(), T::Integer, 64),
        15 => ("bytes".into(), T::Integer, 64),
        16 => ("avgpkt".into(), T::Integer, 64),
        17 => ("zone".into(), T::Integer, 16),
        18 => ("event".into(), T::CtEvent, 32),
        19 => ("ip saddr".into(), T::Ipv4Addr, 32),
        20 => ("ip daddr".into(), T::Ipv4Addr, 32),
        21 => ("ip6 saddr".into(), T::Ipv6Addr, 128),
        22 => ("ip6 daddr".into(), T::Ipv6Addr, 128),
        23 => ("id".into(), T::Integer, 32),
        _ => return None,
    })
}

/// A kernel verdict as the language's (`None`: one nft does not write).
pub(crate) fn kverdict(v: &KVerdict) -> Option<Verdict> {
    Some(match v {
        KVerdict::Accept => Verdict::Accept,
        KVerdict::Drop => Verdict::Drop,
        KVerdict::Continue => Verdict::Continue,
        KVerdict::Return => Verdict::Return,
        KVerdict::Queue => Verdict::Queue,
        KVerdict::Jump(c) => Verdict::Jump(c.clone()),
        KVerdict::Goto(c) => Verdict::Goto(c.clone()),
        _ => return None,
    })
}

/// The text of a kernel expression for [`Untranslated`].
fn ktext(e: &KExpr) -> String {
    match crate::text::expr(e) {
        Some(t) => format!("[ {t}]"),
        None => format!("[ {} ]", e.name()),
    }
}

/// A 4-byte host-order value of type `t` in libnftnl's user data TLVs.
fn udata_u32(u: &[u8], t: u8) -> Option<u32> {
    let mut i = 0usize;
    while i + 2 <= u.len() {
        let (k, l) = (u[i], usize::from(u[i + 1]));
        let v = u.get(i + 2..i + 2 + l)?;
        if k == t {
            return Some(u32::from_ne_bytes(v.try_into().ok()?));
        }
        i += 2 + l;
    }
    None
}

/// The rule's comment from its user data (libnftnl's TLV, type 0).
pub fn udata_comment(u: &[u8], comment_type: u8) -> Option<String> {
    let mut i = 0usize;
    while i + 2 <= u.len() {
        let (t, l) = (u[i], usize::from(u[i + 1]));
        let v = u.get(i + 2..i + 2 + l)?;
        if t == comment_type {
            let end = v.iter().position(|b| *b == 0).unwrap_or(v.len());
            return Some(String::from_utf8_lossy(&v[..end]).into_owned());
        }
        i += 2 + l;
    }
    None
}

/// Translates one rule. Never fails: what cannot be translated is kept as
/// [`Stmt::Untranslated`].
pub fn rule(ctx: &Context<'_>, r: &Rule) -> RuleItem {
    let family = r.family;
    let mut st = State {
        ctx,
        family,
        regs: HashMap::new(),
        stmts: Vec::new(),
        deps: Vec::new(),
        l3: match family {
            ProtoFamily::Ipv4 => Some(&proto::IP),
            ProtoFamily::Ipv6 => Some(&proto::IP6),
            ProtoFamily::Arp => Some(&proto::ARP),
            _ => None,
        },
        l4: None,
        ll_ether: family == ProtoFamily::Bridge,
        vlan: false,
        pending_gte: None,
        nokill: false,
        key_lens: Vec::new(),
        icmp_type: None,
        vlan_depth: 0,
        pending_kills: Vec::new(),
        deferred: HashMap::new(),
        swapped: Default::default(),
        masking: false,
    };
    let exprs: &[KExpr] = r.exprs.as_ref().map_or(&[], |l| l.0.as_slice());
    for e in exprs {
        if let Err(reason) = st.expr(e) {
            st.push(Stmt::Untranslated(Untranslated {
                exprs: vec![e.name().to_owned()],
                text: vec![ktext(e)],
                reason,
            }));
        }
    }
    RuleItem {
        family: family_name(family),
        table: r.table.clone().unwrap_or_default(),
        chain: r.chain.clone().unwrap_or_default(),
        handle: r.handle.unwrap_or(0),
        comment: r.userdata.as_deref().and_then(|u| udata_comment(u, 0)),
        stmts: st
            .stmts
            .into_iter()
            .flatten()
            .map(|mut s| {
                stmt_exprs(&mut s, &mut numeric_ranges);
                if let Stmt::Match {
                    left,
                    right: Expr::Set(_),
                    ..
                } = &mut s
                {
                    // Against a set, nft prints the mask as a flag union.
                    mask_unions(left);
                }
                s
            })
            .collect(),
    }
}

/// Applies `f` to each expression of a statement.
fn stmt_exprs(s: &mut Stmt, f: &mut impl FnMut(&mut Expr)) {
    match s {
        Stmt::Match { left, right, .. } => {
            f(left);
            f(right);
        }
        Stmt::Mangle { key, value } => {
            f(key);
            f(value);
        }
        Stmt::Vmap { key, data } => {
            f(key);
            f(data);
        }
        Stmt::Nat(n) => {
            if let Some(a) = &mut n.addr {
                f(a);
            }
            if let Some(p) = &mut n.port {
                f(p);
            }
        }
        Stmt::Objref { name, .. } => f(name),
        _ => {}
    }
}

/// Set elements of flag types with several bits print as `a | b | c`
/// (`{"|": [{"|": ["a", "b"]}, "c"]}`), one name per bit.
fn flag_unions(e: &mut Expr) {
    match e {
        Expr::Value(v) if v.ty.is_bitmask() && v.as_u128().count_ones() > 1 => {
            let n = v.as_u128();
            let names: Vec<u64> =
                v.ty.symbols()
                    .iter()
                    .map(|(b, _)| *b)
                    .filter(|b| *b != 0 && n & u128::from(*b) == u128::from(*b))
                    .collect();
            let covered = names.iter().fold(0u128, |a, b| a | u128::from(*b));
            if covered != n || names.len() < 2 {
                return;
            }
            let part = |b: u64| Expr::Value(Value::number(v.ty, v.bits, b.into()));
            let mut it = names.into_iter();
            let Some(first) = it.next() else { return };
            let mut acc = part(first);
            for b in it {
                acc = Expr::Binop {
                    op: BinOp::Or,
                    left: Box::new(acc),
                    right: Box::new(part(b)),
                };
            }
            *e = acc;
        }
        Expr::Mapping(k, _) => flag_unions(k),
        Expr::Elem(el) => flag_unions(&mut el.val),
        Expr::Concat(v) => v.iter_mut().for_each(flag_unions),
        _ => {}
    }
}

/// The mask of a flag type in `tcp flags & (fin | syn) == ...` prints as
/// a union of flags.
fn mask_unions(e: &mut Expr) {
    if let Expr::Binop {
        op: BinOp::And,
        left,
        right,
    } = e
    {
        mask_unions(left);
        flag_unions(right);
    }
}

/// nft prints range bounds numerically (`meta l4proto 33-45`): symbolic
/// types inside ranges become integers.
pub fn numeric_ranges(e: &mut Expr) {
    match e {
        Expr::Range(a, b) => {
            for x in [a.as_mut(), b.as_mut()] {
                if let Expr::Value(v) = x {
                    if v.ty == Datatype::InetProto {
                        v.ty = Datatype::Integer;
                    }
                }
            }
        }
        Expr::Set(v) | Expr::Concat(v) | Expr::List(v) => v.iter_mut().for_each(numeric_ranges),
        Expr::Map { key, data } => {
            numeric_ranges(key);
            numeric_ranges(data);
        }
        Expr::Mapping(k, d) => {
            numeric_ranges(k);
            numeric_ranges(d);
        }
        Expr::Elem(el) => numeric_ranges(&mut el.val),
        _ => {}
    }
}

type R<T> = Result<T, String>;

impl State<'_, '_> {
    fn push(&mut self, s: Stmt) -> usize {
        self.pending_gte = None;
        if !matches!(s, Stmt::Match { .. }) {
            // A statement between a dependency and its user keeps it.
            self.deps.clear();
        }
        self.stmts.push(Some(s));
        self.stmts.len() - 1
    }

    fn take(&self, r: Option<u32>) -> R<Reg> {
        let r = r.ok_or("no source register")?;
        self.regs
            .get(&reg32(r))
            .cloned()
            .ok_or_else(|| format!("register {r} holds nothing known"))
    }

    fn set(&mut self, r: Option<u32>, v: Reg) -> R<()> {
        let r = r.ok_or("no destination register")?;
        self.swapped.remove(&reg32(r));
        self.regs.insert(reg32(r), v);
        Ok(())
    }

    /// `th sport|dport set th sport|dport & MASK [| XOR]` (see the caller).
    fn th_word_edit(&mut self, off: u32, mask: &[u8], xor: &[u8]) -> R<()> {
        let n = |b: &[u8]| b.iter().fold(0u128, |a, b| (a << 8) | u128::from(*b));
        let (m, x) = (n(mask), n(xor));
        // The transport dependency goes as for a field of the protocol.
        if let Some(p) = self.l4 {
            let k = l4_number(p.name);
            self.kill(&[Dep::L4proto(k), Dep::IpProto(k), Dep::Ip6Nexthdr(k)]);
        }
        let field = if off == 0 { "sport" } else { "dport" };
        let key = Expr::Payload(Payload::Field {
            protocol: "th",
            field,
        });
        let int = |v| Expr::Value(Value::number(Datatype::Integer, 16, v));
        let mut value = Expr::Binop {
            op: BinOp::And,
            left: Box::new(key.clone()),
            right: Box::new(int(m | x)),
        };
        if x != 0 {
            value = Expr::Binop {
                op: BinOp::Or,
                left: Box::new(value),
                right: Box::new(int(x)),
            };
        }
        self.push(Stmt::Mangle { key, value });
        Ok(())
    }

    /// Removes the dependencies a map's key in register `r` implies.
    fn apply_deferred(&mut self, r: u32) {
        if let Some(k) = self.deferred.remove(&reg32(r)) {
            for w in k {
                self.kill(&w);
            }
        }
    }

    /// Removes the latest dependency statement equal to one of `want`.
    fn kill(&mut self, want: &[Dep]) {
        if self.nokill {
            self.pending_kills.push(want.to_vec());
            return;
        }
        if let Some(pos) = self.deps.iter().rposition(|(_, d)| want.contains(d)) {
            let (i, _) = self.deps.remove(pos);
            if let Some(s) = self.stmts.get_mut(i) {
                *s = None;
            }
        }
    }

    fn l3_deps(&self, p: &'static Proto) -> Vec<Dep> {
        let (nf, eth): (u8, u16) = match p.name {
            "ip" => (2, 0x0800),
            "ip6" => (10, 0x86dd),
            "arp" => (3, 0x0806),
            _ => return Vec::new(),
        };
        match self.family {
            ProtoFamily::Inet => vec![
                Dep::Nfproto(nf),
                Dep::EtherType(eth),
                Dep::MetaProtocol(eth),
            ],
            ProtoFamily::Bridge => vec![Dep::EtherType(eth), Dep::MetaProtocol(eth)],
            ProtoFamily::Netdev => vec![Dep::MetaProtocol(eth), Dep::EtherType(eth)],
            _ => Vec::new(),
        }
    }

    /// Resolves a payload into named fields (and kills its dependency).
    fn resolve_payload(&mut self, base: Base, offset: u32, len: u32) -> Vec<(Expr, Datatype, u32)> {
        let raw = |base: Base, offset, len| {
            vec![(
                Expr::Payload(Payload::Raw {
                    base: base.raw_name(),
                    offset,
                    len,
                }),
                Datatype::Integer,
                len,
            )]
        };
        let (offset, vlan_shift) = self.unstack_vlan(base, offset);
        if base == Base::Transport {
            if let Some(f) = self.icmp_field(offset, len) {
                return f;
            }
        }
        let p: Option<&'static Proto> = match base {
            Base::Ll if !self.ll_ether => None,
            Base::Ll => {
                if offset >= 112 && self.vlan {
                    Some(&proto::VLAN)
                } else if offset + len <= 112 {
                    Some(&proto::ETHER)
                } else {
                    None
                }
            }
            Base::Network => self.l3,
            Base::Transport => match self.l4 {
                Some(p) => Some(p),
                None if (offset == 0 || offset == 16) && len == 16 => Some(&proto::TH),
                None => None,
            },
            Base::Inner => None,
        };
        let Some(p) = p else {
            return raw(base, offset, len);
        };
        let fields: Vec<&'static proto::Field> = match proto::field_at(p, offset, len) {
            Some(f) => vec![f],
            None => match proto::fields_covering(p, offset, len) {
                Some(fs) if fs.len() > 1 => fs,
                _ => return raw(base, offset, len),
            },
        };
        // Kill the implicit dependency.
        match base {
            Base::Ll => {
                // `vlan type` is the stacked header's own protocol field:
                // the `ether type 8021q` before it stays; so does the
                // `vlan type 8021q` before a field of a stacked header.
                if p.name == "vlan"
                    && vlan_shift == 0
                    && !(fields.len() == 1 && fields[0].name == "type")
                {
                    self.kill(&[Dep::EtherType(0x8100), Dep::MetaProtocol(0x8100)]);
                }
                self.kill(&[Dep::Iiftype(1)]);
            }
            Base::Network => {
                let d = self.l3_deps(p);
                self.kill(&d);
            }
            Base::Transport => {
                if p.name != "th" {
                    let n = l4_number(p.name);
                    let mut want = vec![Dep::L4proto(n)];
                    if matches!(self.family, ProtoFamily::Ipv4 | ProtoFamily::Ipv6) {
                        want.push(Dep::IpProto(n));
                        want.push(Dep::Ip6Nexthdr(n));
                    }
                    let before = self.deps.len();
                    self.kill(&want);
                    if self.deps.len() < before {
                        // icmp/icmpv6 brought their network dependency.
                        let l3 = match p.name {
                            "icmp" | "igmp" => Some(&proto::IP),
                            "icmpv6" => Some(&proto::IP6),
                            _ => None,
                        };
                        if let Some(l3) = l3 {
                            let d = self.l3_deps(l3);
                            self.kill(&d);
                        }
                    }
                }
            }
            Base::Inner => {}
        }
        fields
            .into_iter()
            .map(|f| {
                (
                    Expr::Payload(Payload::Field {
                        protocol: p.name,
                        field: f.name,
                    }),
                    f.ty,
                    f.len,
                )
            })
            .collect()
    }

    /// ICMP and ICMPv6 fields that depend on the message type (nft adds
    /// `icmpv6 type packet-too-big` before `icmpv6 mtu`, and names the
    /// bytes after the checksum by the type matched).
    fn icmp_field(&mut self, offset: u32, len: u32) -> Option<Vec<(Expr, Datatype, u32)>> {
        let p = self.l4?;
        let f = |field: &'static str, ty: Datatype, bits: u32| {
            (
                Expr::Payload(Payload::Field {
                    protocol: p.name,
                    field,
                }),
                ty,
                bits,
            )
        };
        let t = self.icmp_type;
        let (fields, dep): (Vec<_>, Option<u8>) = match (p.name, offset, len) {
            ("icmp", 32, 32) if t == Some(5) => {
                (vec![f("gateway", Datatype::Integer, 32)], Some(5))
            }
            ("icmp", 32, 32) => (
                vec![
                    f("id", Datatype::Integer, 16),
                    f("sequence", Datatype::Integer, 16),
                ],
                None,
            ),
            ("icmp", 48, 16) if t == Some(3) => (vec![f("mtu", Datatype::Integer, 16)], Some(3)),
            ("icmpv6", 32, 32) if t == Some(2) => (vec![f("mtu", Datatype::Integer, 32)], Some(2)),
            ("icmpv6", 32, 32) if t == Some(4) => {
                (vec![f("parameter-problem", Datatype::Integer, 32)], Some(4))
            }
            ("icmpv6", 32, 32) => (
                vec![
                    f("id", Datatype::Integer, 16),
                    f("sequence", Datatype::Integer, 16),
                ],
                None,
            ),
            ("icmpv6", 32, 16) if matches!(t, Some(130..=132)) => {
                (vec![f("max-delay", Datatype::Integer, 16)], t)
            }
            _ => return None,
        };
        // The transport dependency goes as for any field of the protocol.
        let n = l4_number(p.name);
        let mut want = vec![Dep::L4proto(n)];
        if matches!(self.family, ProtoFamily::Ipv4 | ProtoFamily::Ipv6) {
            want.push(Dep::IpProto(n));
            want.push(Dep::Ip6Nexthdr(n));
        }
        if let Some(d) = dep {
            self.kill(&[Dep::IcmpType(d)]);
        }
        self.kill(&want);
        Some(fields)
    }

    /// Records protocol context and dependency candidates after a match.
    fn note_match(&mut self, idx: usize) {
        let Some(Some(Stmt::Match { op, left, right })) = self.stmts.get(idx) else {
            return;
        };
        if *op != Op::Eq {
            return;
        }
        let Expr::Value(v) = right else {
            return;
        };
        let n = v.as_u128();
        let dep = match left {
            Expr::Meta("l4proto") => Dep::L4proto(u8::try_from(n).unwrap_or(0)),
            Expr::Meta("nfproto") => Dep::Nfproto(u8::try_from(n).unwrap_or(0)),
            Expr::Meta("protocol") => Dep::MetaProtocol(u16::try_from(n).unwrap_or(0)),
            Expr::Meta("iiftype") => Dep::Iiftype(u16::try_from(n).unwrap_or(0)),
            Expr::Ct { key, dir: None } if key == "l3proto" => Dep::CtL3proto,
            Expr::Payload(Payload::Field {
                protocol: "icmp" | "icmpv6",
                field: "type",
            }) => {
                self.icmp_type = u8::try_from(n).ok();
                Dep::IcmpType(u8::try_from(n).unwrap_or(0))
            }
            Expr::Payload(Payload::Field { protocol, field }) => match (*protocol, *field) {
                ("ether", "type") | ("vlan", "type") => {
                    Dep::EtherType(u16::try_from(n).unwrap_or(0))
                }
                ("ip", "protocol") => Dep::IpProto(u8::try_from(n).unwrap_or(0)),
                ("ip6", "nexthdr") => Dep::Ip6Nexthdr(u8::try_from(n).unwrap_or(0)),
                _ => return,
            },
            _ => return,
        };
        match dep {
            Dep::L4proto(p) | Dep::IpProto(p) | Dep::Ip6Nexthdr(p) => {
                self.l4 = proto::by_l4proto(p);
            }
            Dep::Iiftype(1) => self.ll_ether = true,
            Dep::Nfproto(2) => self.l3 = Some(&proto::IP),
            Dep::Nfproto(10) => self.l3 = Some(&proto::IP6),
            Dep::MetaProtocol(t) | Dep::EtherType(t) => match t {
                0x8100 | 0x88a8 => {
                    if self.vlan {
                        self.vlan_depth += 1;
                    }
                    self.vlan = true;
                }
                _ => self.l3 = proto::by_ethertype(t).or(self.l3),
            },
            _ => {}
        }
        self.deps.push((idx, dep));
    }

    /// The typed left side(s) of a comparison on `reg`, with the bits to
    /// shift the compared value and the mask applied.
    fn left_of(&mut self, reg: &Reg) -> R<Left> {
        match reg {
            Reg::Payload { base, offset, len } => {
                if !self.field_exists(*base, *offset, *len) && len % 8 == 0 {
                    // nft loads only the whole bytes of a byte-aligned prefix.
                    if let Some((e, ty, fbits)) = self.prefix_field(*base, *offset) {
                        // (an ether address too: `ether daddr
                        // 01:80:c2:00:00:00/24` loads 3 bytes; its masks
                        // and interval elements are not prefixes)
                        let ether = ty == Datatype::EtherAddr && !self.masking;
                        if fbits > *len && (is_prefix_type(ty) || ether) {
                            return Ok(Left::Prefix(e, ty, fbits, *len));
                        }
                    }
                }
                let fields = self.resolve_payload(*base, *offset, *len);
                Ok(Left::Fields(fields, 0))
            }
            Reg::Expr { e, ty, bits } => Ok(Left::Fields(vec![(e.clone(), *ty, *bits)], 0)),
            Reg::Masked { src, mask } => {
                let m = mask.iter().fold(0u128, |a, b| (a << 8) | u128::from(*b));
                let width = bits_of(mask.len());
                if let Reg::Payload { base, offset, len } = src.as_ref() {
                    // A contiguous mask selects a sub-field (dscp) or a prefix.
                    if m != 0 && mask.len() <= 16 {
                        let lead = m.leading_zeros() - (128 - width);
                        let trail = m.trailing_zeros();
                        let ones = width - lead - trail;
                        if m >> trail == ones_mask(ones) {
                            let foff = offset + lead;
                            let exact = self.field_exists(*base, foff, ones);
                            if exact {
                                let fields = self.resolve_payload(*base, foff, ones);
                                return Ok(Left::Fields(fields, trail));
                            }
                            if lead == 0 {
                                if let Some((e, ty, fbits)) = self.prefix_field(*base, *offset) {
                                    if fbits > ones && is_prefix_type(ty) {
                                        let _ = len;
                                        return Ok(Left::Prefix(e, ty, fbits, ones));
                                    }
                                }
                            }
                        }
                    }
                }
                if let Reg::Exthdr {
                    op, kind, offset, ..
                } = src.as_ref()
                {
                    if m != 0 && mask.len() <= 16 {
                        let lead = m.leading_zeros() - (128 - width);
                        let trail = m.trailing_zeros();
                        let ones = width - lead - trail;
                        if m >> trail == ones_mask(ones) {
                            let f = exthdr_field(*op, *kind, offset + lead, ones, false);
                            if matches!(&f.0, Expr::Exthdr(x) if x.raw.is_none()) {
                                return Ok(Left::Fields(vec![f], trail));
                            }
                        }
                    }
                }
                self.masking = true;
                let inner = self.left_of(src);
                self.masking = false;
                let Left::Fields(mut f, 0) = inner? else {
                    return Err("masked prefix".into());
                };
                if f.len() != 1 {
                    return Err("masked concatenation".into());
                }
                let (e, ty, bits) = f.remove(0);
                Ok(Left::Masked(e, ty, bits, mask.clone()))
            }
            Reg::Exthdr {
                op,
                kind,
                offset,
                len,
            } => Ok(Left::Fields(
                vec![exthdr_field(*op, *kind, *offset, *len, false)],
                0,
            )),
            Reg::Imm(_) => Err("comparison of an immediate".into()),
            Reg::Shifted { field, kills, .. } => {
                for k in kills {
                    self.kill(k);
                }
                Ok(Left::Fields(vec![field.clone()], 0))
            }
            Reg::MapPart => Err("comparison of a map's data part".into()),
            Reg::PayloadEdit { .. } => Err("comparison of an edited payload".into()),
        }
    }

    /// A link-layer offset within the n-th stacked VLAN header (802.1ad
    /// then 802.1q: each `vlan type 8021q`/`8021ad` matched puts the next
    /// header 4 bytes further) as the offset in the first one, and the
    /// bits taken off.
    fn unstack_vlan(&self, base: Base, offset: u32) -> (u32, u32) {
        if base == Base::Ll && offset >= 144 && self.vlan {
            let shift = ((offset - 112) / 32).min(self.vlan_depth) * 32;
            (offset - shift, shift)
        } else {
            (offset, 0)
        }
    }

    fn field_exists(&self, base: Base, offset: u32, len: u32) -> bool {
        let (offset, _) = self.unstack_vlan(base, offset);
        let p = match base {
            Base::Ll => Some(if offset >= 112 {
                &proto::VLAN
            } else {
                &proto::ETHER
            }),
            Base::Network => self.l3,
            Base::Transport => self.l4,
            Base::Inner => None,
        };
        p.is_some_and(|p| proto::field_at(p, offset, len).is_some())
    }

    /// The field starting at `offset` (for prefixes of addresses).
    fn prefix_field(&mut self, base: Base, offset: u32) -> Option<(Expr, Datatype, u32)> {
        let p = match base {
            Base::Network => self.l3?,
            Base::Ll => &proto::ETHER,
            _ => return None,
        };
        let f = p.fields.iter().find(|f| f.offset == offset)?;
        let flen = f.len;
        let mut r = self.resolve_payload(base, offset, flen);
        (r.len() == 1).then(|| r.remove(0))
    }

    fn expr(&mut self, e: &KExpr) -> R<()> {
        match e {
            KExpr::Payload(p) => {
                let base = Base::from_kernel(p.base.ok_or("payload without base")?.0)
                    .ok_or("unknown payload base")?;
                let off = p.offset.ok_or("payload without offset")?.saturating_mul(8);
                let len = p.len.ok_or("payload without length")?.saturating_mul(8);
                if let Some(sreg) = p.sreg {
                    let edit = match sreg_reg(self, sreg) {
                        Some(Reg::Masked { src, mask }) => match *src {
                            Reg::Payload { base, offset, len } => Some(Reg::PayloadEdit {
                                base,
                                offset,
                                len,
                                xor: vec![0; mask.len()],
                                mask,
                            }),
                            _ => None,
                        },
                        other => other,
                    };
                    if let Some(Reg::PayloadEdit {
                        base: eb,
                        offset: eo,
                        len: el,
                        mask,
                        xor,
                    }) = edit
                    {
                        let th_word = base == Base::Transport
                            && len == 16
                            && (off == 0 || off == 16)
                            && self
                                .l4
                                .is_some_and(|p| matches!(p.name, "icmp" | "icmpv6" | "igmp"));
                        if eb == base && eo == off && el == len && mask.len() == 2 && th_word {
                            // nft 1.0.6 names the 16 bits it loads for an
                            // icmp/icmpv6/igmp byte `th sport`/`th dport` and
                            // keeps the edit: `th sport set th sport & 255`,
                            // the mask with the new bits set, `| xor` unless 0.
                            return self.th_word_edit(off, &mask, &xor);
                        }
                        if eb == base && eo == off && el == len && mask.len() <= 16 {
                            // The field is where the mask is clear.
                            let width = bits_of(mask.len());
                            let m = !mask.iter().fold(0u128, |a, b| (a << 8) | u128::from(*b))
                                & ones_mask(width);
                            let x = xor.iter().fold(0u128, |a, b| (a << 8) | u128::from(*b));
                            if m != 0 {
                                let lead = m.leading_zeros() - (128 - width);
                                let trail = m.trailing_zeros();
                                let ones = width - lead - trail;
                                let key = self.resolve_payload(base, off + lead, ones);
                                if let [(k, ty, bits)] = key.as_slice() {
                                    let value = Value::number(*ty, *bits, (x & m) >> trail);
                                    self.push(Stmt::Mangle {
                                        key: k.clone(),
                                        value: Expr::Value(value),
                                    });
                                    return Ok(());
                                }
                            }
                        }
                    }
                    let mut key = self.resolve_payload(base, off, len);
                    if key.len() > 1 {
                        // A write over several fields stays raw (`@nh,8,8
                        // set 0x10`).
                        let raw = Payload::Raw {
                            base: base.raw_name(),
                            offset: off,
                            len,
                        };
                        key = vec![(Expr::Payload(raw), Datatype::Integer, len)];
                    }
                    let [(k, ty, bits)] = key.as_slice() else {
                        return Err("payload write of no field".into());
                    };
                    let value = self.value_of(Some(sreg), *ty, *bits, false)?;
                    self.push(Stmt::Mangle {
                        key: k.clone(),
                        value,
                    });
                    return Ok(());
                }
                self.set(
                    p.dreg,
                    Reg::Payload {
                        base,
                        offset: off,
                        len,
                    },
                )
            }
            KExpr::Meta(m) => {
                let key = m.key.ok_or("meta without key")?;
                let (name, ty, bits) = meta_key(key).ok_or("unknown meta key")?;
                if let Some(sreg) = m.sreg {
                    self.apply_deferred(sreg);
                    let value = self.value_of(Some(sreg), ty, bits, !be_type(ty))?;
                    self.push(Stmt::Mangle {
                        key: Expr::Meta(name),
                        value,
                    });
                    return Ok(());
                }
                self.set(
                    m.dreg,
                    Reg::Expr {
                        e: Expr::Meta(name),
                        ty,
                        bits,
                    },
                )
            }
            KExpr::Ct(c) => {
                let key = c.key.ok_or("ct without key")?;
                let (mut name, ty, bits) = ct_key(key, self.family).ok_or("unknown ct key")?;
                let _ = &mut name;
                if matches!(key.0, 8 | 9) {
                    self.kill(&[Dep::Nfproto(2), Dep::Nfproto(10)]);
                }
                if key.0 == 10 {
                    // ct protocol: the ct l3proto before it is its dependency.
                    self.kill(&[Dep::CtL3proto]);
                }
                if matches!(key.0, 19..=22) {
                    self.kill(&[Dep::Nfproto(2), Dep::Nfproto(10)]);
                }
                let dir = c
                    .direction
                    .map(|d| if d == 0 { "original" } else { "reply" });
                let ex = Expr::Ct { key: name, dir };
                if let Some(sreg) = c.sreg {
                    self.apply_deferred(sreg);
                    let value = self.value_of(Some(sreg), ty, bits, !be_type(ty))?;
                    self.push(Stmt::Mangle { key: ex, value });
                    return Ok(());
                }
                self.set(c.dreg, Reg::Expr { e: ex, ty, bits })
            }
            KExpr::Immediate(i) => match &i.data {
                Some(Data::Verdict(v)) if i.dreg == Some(0) => {
                    let v = kverdict(v).ok_or("unknown verdict")?;
                    self.push(Stmt::Verdict(v));
                    Ok(())
                }
                Some(Data::Value(v)) => self.set(i.dreg, Reg::Imm(v.clone())),
                _ => Err("immediate".into()),
            },
            KExpr::Bitwise(b) => {
                let src = self.take(b.sreg)?;
                match (b.op.map_or(0, |o| o.0), &b.mask, &b.xor) {
                    (0, Some(Data::Value(mask)), Some(Data::Value(xor)))
                        if xor.iter().all(|x| *x == 0) =>
                    {
                        let src = match src {
                            Reg::Expr { ref e, ref ty, .. } if expr_host(e, *ty) => {
                                // Masks of host-order values are host-order too.
                                let mut m = mask.clone();
                                if cfg!(target_endian = "little") {
                                    m.reverse();
                                }
                                return self.set(
                                    b.dreg,
                                    Reg::Masked {
                                        src: Box::new(src),
                                        mask: m,
                                    },
                                );
                            }
                            s => s,
                        };
                        self.set(
                            b.dreg,
                            Reg::Masked {
                                src: Box::new(src),
                                mask: mask.clone(),
                            },
                        )
                    }
                    (0, Some(Data::Value(mask)), Some(Data::Value(xor)))
                        if matches!(src, Reg::Payload { .. }) =>
                    {
                        let Reg::Payload { base, offset, len } = src else {
                            return Err("payload edit".into());
                        };
                        self.set(
                            b.dreg,
                            Reg::PayloadEdit {
                                base,
                                offset,
                                len,
                                mask: mask.clone(),
                                xor: xor.clone(),
                            },
                        )
                    }
                    (0, Some(Data::Value(mask)), Some(Data::Value(xor))) => {
                        let (e, ty, bits) = match self.left_of(&src)? {
                            Left::Fields(mut f, 0) if f.len() == 1 => f.remove(0),
                            _ => return Err("bitwise on a masked value".into()),
                        };
                        let host = expr_host(&e, ty);
                        let val = |b: &[u8]| Expr::Value(typed_h(ty, bits, b, host));
                        let out = mask_xor_expr(e, mask, xor, &val);
                        self.set(b.dreg, Reg::Expr { e: out, ty, bits })
                    }
                    (1 | 2, _, _) => {
                        let Some(Data::Value(d)) = &b.data else {
                            return Err("shift without amount".into());
                        };
                        let amount = d
                            .get(..4)
                            .and_then(|x| x.try_into().ok())
                            .map(u32::from_ne_bytes);
                        let right = b.op.map_or(0, |o| o.0) == 2;
                        let raw = match &src {
                            Reg::Masked { src: inner, mask } => match inner.as_ref() {
                                Reg::Payload { base, offset, len } => Some(Expr::Binop {
                                    op: BinOp::And,
                                    left: Box::new(Expr::Payload(Payload::Raw {
                                        base: base.raw_name(),
                                        offset: *offset,
                                        len: *len,
                                    })),
                                    right: Box::new(Expr::Value(Value {
                                        ty: Datatype::Integer,
                                        bits: *len,
                                        data: mask.clone(),
                                    })),
                                }),
                                _ => None,
                            },
                            _ => None,
                        };
                        let nokill = std::mem::replace(&mut self.nokill, raw.is_some());
                        let left = self.left_of(&src);
                        self.nokill = nokill;
                        let kills = if raw.is_some() {
                            std::mem::take(&mut self.pending_kills)
                        } else {
                            Vec::new()
                        };
                        let (e, ty, bits) = match left? {
                            Left::Fields(mut f, 0) if f.len() == 1 => {
                                for k in &kills {
                                    self.kill(k);
                                }
                                f.remove(0)
                            }
                            // A sub-field masked then shifted down (`typeof`
                            // keys): the register now holds the field itself.
                            Left::Fields(mut f, sh)
                                if f.len() == 1 && right && Some(sh) == amount =>
                            {
                                let field = f.remove(0);
                                let Some(raw) = raw else {
                                    let (e, ty, bits) = field;
                                    return self.set(b.dreg, Reg::Expr { e, ty, bits });
                                };
                                let raw = Expr::Binop {
                                    op: BinOp::Rshift,
                                    left: Box::new(raw),
                                    right: Box::new(Expr::Value(Value::number(
                                        Datatype::Integer,
                                        32,
                                        sh.into(),
                                    ))),
                                };
                                return self.set(b.dreg, Reg::Shifted { field, raw, kills });
                            }
                            _ => return Err("shift of a masked value".into()),
                        };
                        let n = u32::from_ne_bytes(
                            d.get(..4)
                                .and_then(|x| x.try_into().ok())
                                .ok_or("shift amount")?,
                        );
                        let op = if b.op.map_or(0, |o| o.0) == 1 {
                            BinOp::Lshift
                        } else {
                            BinOp::Rshift
                        };
                        let out = Expr::Binop {
                            op,
                            left: Box::new(e),
                            right: Box::new(Expr::Value(Value::number(
                                Datatype::Integer,
                                32,
                                n.into(),
                            ))),
                        };
                        self.set(b.dreg, Reg::Expr { e: out, ty, bits })
                    }
                    _ => Err("bitwise other than a mask".into()),
                }
            }
            KExpr::Byteorder(b) => {
                let src = self.take(b.sreg)?;
                self.set(b.dreg, src)?;
                if b.op.map_or(0, |o| o.0) == 1 {
                    if let Some(d) = b.dreg {
                        self.swapped.insert(reg32(d));
                    }
                }
                Ok(())
            }
            KExpr::Cmp(c) => self.cmp(c),
            KExpr::Range(r) => {
                let reg = self.take(r.sreg)?;
                let swapped = r.sreg.is_some_and(|x| self.swapped.contains(&reg32(x)));
                let left = self.left_of(&reg)?;
                let (Some(Data::Value(from)), Some(Data::Value(to))) = (&r.from, &r.to) else {
                    return Err("range without values".into());
                };
                let Left::Fields(f, shift) = left else {
                    return Err("range on a masked value".into());
                };
                let [(l, ty, bits)] = f.as_slice() else {
                    return Err("range on several fields".into());
                };
                let packet = matches!(l, Expr::Payload(_) | Expr::Exthdr(_));
                let (from, to) = if packet && (shift > 0 || bits % 8 != 0) {
                    let f = |v: &[u8]| {
                        let raw = v
                            .iter()
                            .take(16)
                            .fold(0u128, |a, b| (a << 8) | u128::from(*b));
                        (raw >> shift).to_be_bytes()[16 - bits_to_bytes(*bits).max(1)..].to_vec()
                    };
                    (f(from), f(to))
                } else {
                    (from.clone(), to.clone())
                };
                let (from, to) = (&from, &to);
                let op = if r.op.map_or(0, |o| o.0) == 1 {
                    Op::Neq
                } else {
                    Op::Eq
                };
                self.push(Stmt::Match {
                    op,
                    left: l.clone(),
                    right: Expr::Range(
                        Box::new(Expr::Value(typed_h(
                            *ty,
                            *bits,
                            from,
                            expr_host(l, *ty) && !swapped,
                        ))),
                        Box::new(Expr::Value(typed_h(
                            *ty,
                            *bits,
                            to,
                            expr_host(l, *ty) && !swapped,
                        ))),
                    ),
                });
                Ok(())
            }
            KExpr::Lookup(l) => self.lookup(l),
            KExpr::Counter(c) => {
                self.push(Stmt::Counter(Counter {
                    packets: c.packets.unwrap_or(0),
                    bytes: c.bytes.unwrap_or(0),
                }));
                Ok(())
            }
            KExpr::Notrack => {
                self.push(Stmt::Notrack);
                Ok(())
            }
            KExpr::Log(l) => {
                self.push(Stmt::Log(log(l)));
                Ok(())
            }
            KExpr::Limit(l) => {
                self.push(Stmt::Limit(limit(l)));
                Ok(())
            }
            KExpr::Quota(q) => {
                self.push(Stmt::Quota(Quota {
                    bytes: q.bytes.unwrap_or(0),
                    used: q.consumed.unwrap_or(0),
                    inv: q.flags.unwrap_or(0) & 1 != 0,
                }));
                Ok(())
            }
            KExpr::Connlimit(c) => {
                self.push(Stmt::CtCount {
                    val: c.count.unwrap_or(0),
                    inv: c.flags.unwrap_or(0) & 1 != 0,
                });
                Ok(())
            }
            KExpr::Reject(r) => {
                let kind = r.kind.unwrap_or(0);
                let code = r.icmp_code.unwrap_or(0);
                let rej = match kind {
                    1 => {
                        if matches!(self.family, ProtoFamily::Ipv4 | ProtoFamily::Ipv6) {
                            self.kill(&[Dep::L4proto(6)]);
                        }
                        Reject {
                            kind: Some("tcp reset"),
                            code: None,
                        }
                    }
                    2 => Reject {
                        kind: Some("icmpx"),
                        code: Some(Expr::Value(Value::number(
                            Datatype::IcmpxCode,
                            8,
                            code.into(),
                        ))),
                    },
                    _ => {
                        let v6 = match self.family {
                            ProtoFamily::Ipv6 => true,
                            ProtoFamily::Ipv4 => false,
                            _ => {
                                let before = self.deps.len();
                                // inet, bridge and netdev: nft drops the
                                // network protocol match it needs.
                                self.kill(&[
                                    Dep::Nfproto(10),
                                    Dep::MetaProtocol(0x86dd),
                                    Dep::EtherType(0x86dd),
                                ]);
                                if self.deps.len() < before {
                                    true
                                } else if self.l3.is_some_and(|p| p.name == "ip6") {
                                    // The dependency went to an earlier
                                    // `ip6` match: the network is still ip6.
                                    true
                                } else {
                                    self.kill(&[
                                        Dep::Nfproto(2),
                                        Dep::MetaProtocol(0x0800),
                                        Dep::EtherType(0x0800),
                                    ]);
                                    false
                                }
                            }
                        };
                        let (name, ty) = if v6 {
                            ("icmpv6", Datatype::Icmpv6Code)
                        } else {
                            ("icmp", Datatype::IcmpCode)
                        };
                        Reject {
                            kind: Some(name),
                            code: Some(Expr::Value(Value::number(ty, 8, code.into()))),
                        }
                    }
                };
                self.push(Stmt::Reject(rej));
                Ok(())
            }
            KExpr::Nat(n) => self.nat(n),
            KExpr::Masq(m) => {
                let port = self.proto_range(m.reg_proto_min, m.reg_proto_max)?;
                self.push(Stmt::Nat(Nat {
                    kind: NatKind::Masquerade,
                    family: None,
                    addr: None,
                    port,
                    flags: nat_flags(m.flags.unwrap_or(0)),
                    type_flags: Vec::new(),
                }));
                Ok(())
            }
            KExpr::Redir(m) => {
                let port = self.proto_range(m.reg_proto_min, m.reg_proto_max)?;
                self.push(Stmt::Nat(Nat {
                    kind: NatKind::Redirect,
                    family: None,
                    addr: None,
                    port,
                    flags: nat_flags(m.flags.unwrap_or(0)),
                    type_flags: Vec::new(),
                }));
                Ok(())
            }
            KExpr::Objref(o) => {
                let kind = obj_kind(o.imm_type.unwrap_or(0));
                if let Some(n) = &o.imm_name {
                    self.push(Stmt::Objref {
                        kind: kind.ok_or("unknown object type")?,
                        name: Expr::Value(Value::string(Datatype::String, n)),
                    });
                    return Ok(());
                }
                let set = o.set_name.clone().ok_or("objref without name")?;
                let key_len = self.ctx.set(&set).and_then(|(s, _)| s.key_len).unwrap_or(4);
                let (key, _) =
                    self.gather_key(o.set_sreg.ok_or("objref map without sreg")?, key_len)?;
                let okind = self
                    .ctx
                    .set(&set)
                    .and_then(|(s, _)| s.obj_type)
                    .and_then(obj_kind)
                    .ok_or("object map of unknown type")?;
                let data = self.set_expr(&set, 0)?;
                self.push(Stmt::Objref {
                    kind: okind,
                    name: Expr::Map {
                        key: Box::new(key),
                        data: Box::new(data),
                    },
                });
                Ok(())
            }
            KExpr::Dynset(d) => self.dynset(d),
            KExpr::Fib(f) => {
                let flags = f.flags.unwrap_or(0);
                let result = match f.result.map_or(0, |r| r.0) {
                    1 => "oif",
                    2 => "oifname",
                    3 => "type",
                    _ => return Err("fib result".into()),
                };
                let mut fl = Vec::new();
                for (bit, name) in [
                    (1, "saddr"),
                    (2, "daddr"),
                    (4, "mark"),
                    (8, "iif"),
                    (16, "oif"),
                ] {
                    if flags & bit != 0 {
                        fl.push(name);
                    }
                }
                let (ty, bits) = if flags & 32 != 0 {
                    (Datatype::Boolean, 1)
                } else {
                    match result {
                        "oif" => (Datatype::Ifindex, 32),
                        "oifname" => (Datatype::Ifname, 128),
                        _ => (Datatype::FibAddr, 32),
                    }
                };
                self.set(
                    f.dreg,
                    Reg::Expr {
                        e: Expr::Fib { result, flags: fl },
                        ty,
                        bits,
                    },
                )
            }
            KExpr::Rt(r) => {
                let (key, family, ty, bits) = match r.key.map_or(99, |k| k.0) {
                    0 => ("classid", None, Datatype::Realm, 32),
                    1 => ("nexthop", Some("ip"), Datatype::Ipv4Addr, 32),
                    2 => ("nexthop", Some("ip6"), Datatype::Ipv6Addr, 128),
                    3 => ("mtu", None, Datatype::Integer, 16),
                    4 => ("ipsec", None, Datatype::Boolean, 1),
                    _ => return Err("rt key".into()),
                };
                self.set(
                    r.dreg,
                    Reg::Expr {
                        e: Expr::Rt { key, family },
                        ty,
                        bits,
                    },
                )
            }
            KExpr::Socket(s) => {
                let (key, ty, bits) = match s.key.map_or(99, |k| k.0) {
                    0 => ("transparent", Datatype::Integer, 1),
                    1 => ("mark", Datatype::Mark, 32),
                    2 => ("wildcard", Datatype::Integer, 1),
                    3 => ("cgroupv2", Datatype::Cgroupv2, 64),
                    _ => return Err("socket key".into()),
                };
                let level = if key == "cgroupv2" { s.level } else { None };
                self.set(
                    s.dreg,
                    Reg::Expr {
                        e: Expr::Socket { key, level },
                        ty,
                        bits,
                    },
                )
            }
            KExpr::Numgen(n) => {
                let mode = if n.kind.map_or(0, |k| k.0) == 1 {
                    "random"
                } else {
                    "inc"
                };
                self.set(
                    n.dreg,
                    Reg::Expr {
                        e: Expr::Numgen {
                            mode,
                            modulus: n.modulus.unwrap_or(0),
                            offset: n.offset.unwrap_or(0),
                        },
                        ty: Datatype::Integer,
                        bits: 32,
                    },
                )
            }
            KExpr::Hash(h) => {
                let e = if h.kind.map_or(0, |k| k.0) == 1 {
                    Expr::Symhash {
                        modulus: h.modulus.unwrap_or(0),
                        offset: h.offset.unwrap_or(0),
                    }
                } else {
                    let len = h.len.unwrap_or(4);
                    let (inner, _) = self.gather_key(h.sreg.ok_or("jhash without sreg")?, len)?;
                    Expr::Jhash {
                        modulus: h.modulus.unwrap_or(0),
                        seed: h.seed,
                        offset: h.offset.unwrap_or(0),
                        expr: Box::new(inner),
                    }
                };
                self.set(
                    h.dreg,
                    Reg::Expr {
                        e,
                        ty: Datatype::Integer,
                        bits: 32,
                    },
                )
            }
            KExpr::Match(c) | KExpr::Target(c) => {
                let kind = if matches!(e, KExpr::Match(_)) {
                    "match"
                } else {
                    "target"
                };
                self.push(Stmt::Xt {
                    kind,
                    name: c.name.clone().unwrap_or_default(),
                });
                Ok(())
            }
            KExpr::Dup(d) => {
                let addr_ty = if self.family == ProtoFamily::Ipv6 {
                    (Datatype::Ipv6Addr, 128)
                } else {
                    (Datatype::Ipv4Addr, 32)
                };
                let addr = match d.sreg_addr {
                    Some(r) => {
                        // A map's key drops its dependency, as in a mangle.
                        self.apply_deferred(r);
                        Some(self.value_of(Some(r), addr_ty.0, addr_ty.1, false)?)
                    }
                    None => None,
                };
                let dev = match d.sreg_dev {
                    Some(r) => {
                        self.apply_deferred(r);
                        Some(self.value_of(Some(r), Datatype::Ifindex, 32, true)?)
                    }
                    None => None,
                };
                self.push(Stmt::Dup { addr, dev });
                Ok(())
            }
            KExpr::Fwd(f) => {
                if let Some(r) = f.sreg_dev {
                    self.apply_deferred(r);
                }
                let dev = self.value_of(f.sreg_dev, Datatype::Ifindex, 32, true)?;
                let (family, addr) = match (f.nfproto, f.sreg_addr) {
                    (Some(p), Some(r)) => {
                        let (fam, ty, bits) = if p == 10 {
                            ("ip6", Datatype::Ipv6Addr, 128)
                        } else {
                            ("ip", Datatype::Ipv4Addr, 32)
                        };
                        (Some(fam), Some(self.value_of(Some(r), ty, bits, false)?))
                    }
                    _ => (None, None),
                };
                self.push(Stmt::Fwd { dev, family, addr });
                Ok(())
            }
            KExpr::Queue(q) => {
                let flags_v = q.flags.unwrap_or(0);
                let mut flags = Vec::new();
                if flags_v & 1 != 0 {
                    flags.push("bypass");
                }
                if flags_v & 2 != 0 {
                    flags.push("fanout");
                }
                let num = if let Some(r) = q.sreg_qnum {
                    Some(self.value_of(Some(r), Datatype::Integer, 16, true)?)
                } else {
                    let n = u128::from(q.num.unwrap_or(0));
                    let total = u128::from(q.total.unwrap_or(1));
                    if total > 1 {
                        Some(Expr::Range(
                            Box::new(Expr::Value(Value::number(Datatype::Integer, 16, n))),
                            Box::new(Expr::Value(Value::number(
                                Datatype::Integer,
                                16,
                                n + total - 1,
                            ))),
                        ))
                    } else {
                        Some(Expr::Value(Value::number(Datatype::Integer, 16, n)))
                    }
                };
                self.push(Stmt::Queue { num, flags });
                Ok(())
            }
            KExpr::Synproxy(s) => {
                self.push(Stmt::Synproxy(synproxy(s.mss, s.wscale, s.flags)));
                Ok(())
            }
            KExpr::Tproxy(t) => {
                let fam = match t.family {
                    Some(2) => Some(("ip", Datatype::Ipv4Addr, 32)),
                    Some(10) => Some(("ip6", Datatype::Ipv6Addr, 128)),
                    _ => None,
                };
                let addr = match (t.reg_addr, fam) {
                    (Some(r), Some((_, ty, bits))) => {
                        Some(self.value_of(Some(r), ty, bits, false)?)
                    }
                    _ => None,
                };
                let port = match t.reg_port {
                    Some(r) => Some(self.value_of(Some(r), Datatype::InetService, 16, false)?),
                    None => None,
                };
                let family = if self.family == ProtoFamily::Inet {
                    fam.map(|f| f.0)
                } else {
                    None
                };
                self.push(Stmt::Tproxy { family, addr, port });
                Ok(())
            }
            KExpr::FlowOffload(f) => {
                self.push(Stmt::Flow {
                    flowtable: format!("@{}", f.table_name.clone().unwrap_or_default()),
                });
                Ok(())
            }
            KExpr::Exthdr(x) => self.exthdr(x),
            KExpr::Osf(o) => {
                let ttl = match o.ttl {
                    Some(1) => Some("loose"),
                    Some(2) => Some("skip"),
                    _ => None,
                };
                let key = if o.flags.unwrap_or(0) & 1 != 0 {
                    "version"
                } else {
                    "name"
                };
                self.set(
                    o.dreg,
                    Reg::Expr {
                        e: Expr::Osf { key, ttl },
                        ty: Datatype::String,
                        bits: 128,
                    },
                )
            }
            KExpr::Xfrm(x) => {
                let (key, family, ty, bits) = match x.key.map_or(0, |k| k.0) {
                    1 => ("daddr", Some("ip"), Datatype::Ipv4Addr, 32),
                    2 => ("daddr", Some("ip6"), Datatype::Ipv6Addr, 128),
                    3 => ("saddr", Some("ip"), Datatype::Ipv4Addr, 32),
                    4 => ("saddr", Some("ip6"), Datatype::Ipv6Addr, 128),
                    5 => ("reqid", None, Datatype::Integer, 32),
                    6 => ("spi", None, Datatype::Integer, 32),
                    _ => return Err("xfrm key".into()),
                };
                let dir = if x.dir == Some(1) { "out" } else { "in" };
                self.set(
                    x.dreg,
                    Reg::Expr {
                        e: Expr::Xfrm {
                            key,
                            family,
                            dir,
                            spnum: x.spnum.unwrap_or(0),
                        },
                        ty,
                        bits,
                    },
                )
            }
            KExpr::Last(l) => {
                self.push(Stmt::Last {
                    used_ms: (l.set == Some(1)).then_some(l.msecs.unwrap_or(0)),
                });
                Ok(())
            }
            _ => Err(format!("{} is not translated", e.name())),
        }
    }

    fn cmp(&mut self, c: &kx::Cmp) -> R<()> {
        let reg = self.take(c.sreg)?;
        let swapped = c.sreg.is_some_and(|r| self.swapped.contains(&reg32(r)));
        let Some(Data::Value(v)) = &c.data else {
            return Err("cmp without a value".into());
        };
        let op = match c.op.map_or(0, |o| o.0) {
            0 => Op::Eq,
            1 => Op::Neq,
            2 => Op::Lt,
            3 => Op::Lte,
            4 => Op::Gt,
            5 => Op::Gte,
            _ => return Err("cmp op".into()),
        };
        // cmp gte + cmp lte on the same register: a range.
        if op == Op::Lte {
            if let Some((idx, r, shift)) = self.pending_gte {
                if Some(r) == c.sreg {
                    if let Some(Some(Stmt::Match {
                        left,
                        right: Expr::Value(lo),
                        ..
                    })) = self.stmts.get(idx)
                    {
                        let (ty, bits) = (lo.ty, lo.bits);
                        let packet = matches!(left, Expr::Payload(_) | Expr::Exthdr(_));
                        let hi = if packet && (shift > 0 || bits % 8 != 0) {
                            let raw = v.iter().fold(0u128, |a, b| (a << 8) | u128::from(*b));
                            Value::number(ty, bits, raw >> shift)
                        } else {
                            typed_h(ty, bits, v, expr_host(left, ty) && !swapped)
                        };
                        let s = Stmt::Match {
                            op: Op::Eq,
                            left: left.clone(),
                            right: Expr::Range(
                                Box::new(Expr::Value(lo.clone())),
                                Box::new(Expr::Value(hi)),
                            ),
                        };
                        if let Some(slot) = self.stmts.get_mut(idx) {
                            *slot = Some(s);
                        }
                        self.pending_gte = None;
                        return Ok(());
                    }
                }
            }
        }
        let left = self.left_of(&reg)?;
        match left {
            Left::Fields(fields, shift) => {
                if fields.len() == 1 {
                    let (l, mut ty, mut bits) = fields.into_iter().next().ok_or("no field")?;
                    if ty == Datatype::Ipv4Addr && v.len() == 16 && matches!(l, Expr::Ct { .. }) {
                        // `ct saddr` of an IPv6 flow (family from the data).
                        ty = Datatype::Ipv6Addr;
                        bits = 128;
                    }
                    if is_prefix_type(ty) && shift == 0 && v.len() * 8 < bits as usize {
                        let mut full = v.clone();
                        full.resize(bits_to_bytes(bits), 0);
                        self.push(Stmt::Match {
                            op,
                            left: l,
                            right: Expr::Prefix {
                                addr: Box::new(Expr::Value(typed_h(ty, bits, &full, false))),
                                len: bits_of(v.len()),
                            },
                        });
                        return Ok(());
                    }
                    let packet = matches!(l, Expr::Payload(_) | Expr::Exthdr(_));
                    let right = if packet && (shift > 0 || bits % 8 != 0) {
                        let raw = v.iter().fold(0u128, |a, b| (a << 8) | u128::from(*b));
                        Value::number(ty, bits, raw >> shift)
                    } else {
                        let host = expr_host(&l, ty) && !swapped;
                        let mut val = typed_h(ty, bits, v, host);
                        if matches!(ty, Datatype::Ifname | Datatype::String)
                            && v.len() < bits_to_bytes(bits)
                            && v.last().is_some_and(|b| *b != 0)
                        {
                            // A shorter comparison: `"eth*"`.
                            val.data.push(b'*');
                        } else if matches!(ty, Datatype::Ifname | Datatype::String)
                            && val.data.last() == Some(&b'*')
                        {
                            // A literal star is escaped: `"eth\*"`.
                            let n = val.data.len() - 1;
                            val.data.insert(n, b'\\');
                        }
                        name_ifindex(val, self.ctx.ifname)
                    };
                    let mut right = right;
                    if right.ty.is_bitmask() && right.as_u128().count_ones() > 1 {
                        // nft names the bits of a flag match, not of a value.
                        right.ty = Datatype::Bitmask;
                    }
                    let idx = self.push(Stmt::Match {
                        op,
                        left: l,
                        right: Expr::Value(right),
                    });
                    if op == Op::Gte {
                        self.pending_gte = c.sreg.map(|r| (idx, r, shift));
                    }
                    self.note_match(idx);
                } else {
                    // A merged load of adjacent fields: one match each.
                    if op != Op::Eq {
                        return Err("merged payload with an operator".into());
                    }
                    if fields.iter().any(|(_, _, b)| b % 8 != 0) && v.len() <= 16 {
                        // Fields not on byte boundaries (`ip dscp . ip
                        // ecn` of one byte): split the value by bits.
                        let n = v.iter().fold(0u128, |a, b| (a << 8) | u128::from(*b));
                        let total = bits_of(v.len());
                        let mut at = 0u32;
                        for (l, ty, bits) in fields {
                            at = at.checked_add(bits).ok_or("field overflow")?;
                            let shift = total.checked_sub(at).ok_or("short value")?;
                            let part = (n >> shift) & ones_mask(bits);
                            let idx = self.push(Stmt::Match {
                                op,
                                left: l,
                                right: Expr::Value(Value::number(ty, bits, part)),
                            });
                            self.note_match(idx);
                        }
                        return Ok(());
                    }
                    let mut at = 0usize;
                    for (l, ty, bits) in fields {
                        let n = bits_to_bytes(bits);
                        let part = v.get(at..at + n).ok_or("short value")?;
                        at += n;
                        let idx = self.push(Stmt::Match {
                            op,
                            left: l,
                            right: Expr::Value(typed_h(ty, bits, part, false)),
                        });
                        self.note_match(idx);
                    }
                }
                Ok(())
            }
            Left::Prefix(l, ty, fbits, plen) => {
                let mut full = v.clone();
                full.resize(bits_to_bytes(fbits), 0);
                self.push(Stmt::Match {
                    op,
                    left: l,
                    right: Expr::Prefix {
                        addr: Box::new(Expr::Value(typed(ty, fbits, &full))),
                        len: plen,
                    },
                });
                Ok(())
            }
            Left::Masked(l, ty, bits, mask) => {
                let zero = v.iter().all(|b| *b == 0);
                let host = expr_host(&l, ty);
                // `mask` is big-endian already (turned around in the bitwise).
                let maskv = Value {
                    ty,
                    bits,
                    data: mask,
                };
                let mv = maskv.as_u128();
                let width = bits_of(maskv.data.len());
                let lead = if width > 0 && width <= 128 {
                    (!mv << (128 - width)).leading_zeros().min(width)
                } else {
                    0
                };
                let vv = typed_h(ty, bits, v, host);
                if mv == 0 && zero && is_prefix_type(ty) {
                    self.push(Stmt::Match {
                        op,
                        left: l,
                        right: Expr::Prefix {
                            addr: Box::new(Expr::Value(vv)),
                            len: 0,
                        },
                    });
                    return Ok(());
                }
                // (nft keeps `ether saddr & ff:ff:ff:00:00:00 == ...`)
                if !ty.is_bitmask()
                    && !matches!(ty, Datatype::EtherAddr | Datatype::Lladdr)
                    && !matches!(l, Expr::Payload(Payload::Raw { .. }))
                    && lead > 0
                    && lead < width
                    && mv == ((1u128 << lead) - 1) << (width - lead)
                    && vv.as_u128() & !mv == 0
                    && op == Op::Eq
                {
                    self.push(Stmt::Match {
                        op,
                        left: l,
                        right: Expr::Prefix {
                            addr: Box::new(Expr::Value(vv)),
                            len: lead,
                        },
                    });
                    return Ok(());
                }
                if ty.is_bitmask() && zero && op == Op::Eq {
                    // `ct status ! dnat`: flags not set.
                    self.push(Stmt::Match {
                        op: Op::Not,
                        left: l,
                        right: Expr::Value(maskv),
                    });
                    return Ok(());
                }
                if ty.is_bitmask() && zero && op == Op::Neq {
                    self.push(Stmt::Match {
                        op: Op::In,
                        left: l,
                        right: Expr::Value(maskv),
                    });
                    return Ok(());
                }
                self.push(Stmt::Match {
                    op,
                    left: Expr::Binop {
                        op: BinOp::And,
                        left: Box::new(l),
                        right: Box::new(Expr::Value(maskv)),
                    },
                    right: Expr::Value(typed_h(ty, bits, v, host)),
                });
                Ok(())
            }
        }
    }

    /// The expression a register holds, as a key (lookups, hashes, set
    /// statements): concatenations gathered from consecutive registers.
    fn key_expr(&mut self, reg: &Reg) -> R<Expr> {
        match self.left_of(reg)? {
            Left::Masked(e, ty, bits, mask) => Ok(Expr::Binop {
                op: BinOp::And,
                left: Box::new(e),
                right: Box::new(Expr::Value(Value {
                    ty,
                    bits,
                    data: mask,
                })),
            }),
            Left::Fields(mut f, 0) if f.len() == 1 => Ok(f.remove(0).0),
            Left::Fields(f, 0) => Ok(Expr::Concat(f.into_iter().map(|x| x.0).collect())),
            _ => Err("masked key".into()),
        }
    }

    /// The key at register `r` for a set with key length `key_len`:
    /// several registers make a concatenation.
    fn gather_key(&mut self, r: u32, key_len: u32) -> R<(Expr, u32)> {
        self.gather_key_typed(r, key_len, &[])
    }

    /// [`State::gather_key`] typing immediates by the set's key types.
    fn gather_key_typed(&mut self, r: u32, key_len: u32, types: &[Datatype]) -> R<(Expr, u32)> {
        self.key_lens.clear();
        let mut idx = reg32(r);
        let mut got = 0u32;
        let mut parts = Vec::new();
        let mut shift = 0;
        while got < key_len {
            let reg = self
                .regs
                .get(&idx)
                .cloned()
                .ok_or("key register holds nothing known")?;
            let bits = match &reg {
                Reg::Payload { len, .. } | Reg::Exthdr { len, .. } => *len,
                Reg::Expr { bits, .. } => *bits,
                Reg::Masked { mask, .. } => bits_of(mask.len()),
                Reg::Imm(v) => bits_of(v.len()),
                Reg::MapPart => 32,
                Reg::PayloadEdit { len, .. } => *len,
                Reg::Shifted { field, .. } => field.2,
            };
            let bytes = u32::try_from(bits_to_bytes(bits).max(1)).unwrap_or(4);
            let padded = bytes.div_ceil(4) * 4;
            if let Reg::Imm(v) = &reg {
                // A constant part of a key (`ip saddr . 22`).
                let ty = types.get(parts.len()).copied().unwrap_or(Datatype::Integer);
                let tbits = ty.bits().unwrap_or(bits).min(bits);
                self.key_lens
                    .push(u32::try_from(bits_to_bytes(tbits)).unwrap_or(4));
                parts.push(Expr::Value(typed_h(ty, tbits, v, ty.host_order())));
                got += padded;
                idx += padded / 4;
                continue;
            }
            match self.left_of(&reg)? {
                Left::Fields(f, 0) => {
                    for x in f {
                        self.key_lens
                            .push(u32::try_from(bits_to_bytes(x.2)).unwrap_or(4));
                        parts.push(x.0);
                    }
                }
                Left::Fields(mut f, sh) if f.len() == 1 => {
                    shift = sh;
                    let x = f.remove(0);
                    self.key_lens
                        .push(u32::try_from(bits_to_bytes(x.2)).unwrap_or(4));
                    parts.push(x.0);
                }
                Left::Masked(e, ty, bits, mask) => {
                    self.key_lens
                        .push(u32::try_from(bits_to_bytes(bits)).unwrap_or(4));
                    parts.push(Expr::Binop {
                        op: BinOp::And,
                        left: Box::new(e),
                        right: Box::new(Expr::Value(Value {
                            ty,
                            bits,
                            data: mask,
                        })),
                    });
                }
                _ => return Err("masked key".into()),
            }
            got += padded;
            idx += padded / 4;
            if parts.len() > 32 {
                return Err("key too long".into());
            }
        }
        Ok((
            if parts.len() == 1 {
                parts.remove(0)
            } else {
                Expr::Concat(parts)
            },
            shift,
        ))
    }

    /// A set reference or the inline anonymous set.
    fn set_expr(&self, name: &str, shift: u32) -> R<Expr> {
        let Some((set, elems)) = self.ctx.set(name) else {
            return Ok(Expr::SetRef(format!("@{name}")));
        };
        let anon = set.flags.is_some_and(|f| f.contains(SetFlags::ANONYMOUS));
        if !anon {
            return Ok(Expr::SetRef(format!("@{name}")));
        }
        let lens = (self.key_lens.len() > 1).then_some(self.key_lens.as_slice());
        Ok(Expr::Set(set_elements_with(
            set,
            elems,
            self.ctx.ifname,
            shift,
            lens,
        )?))
    }

    fn lookup(&mut self, l: &kx::Lookup) -> R<()> {
        let name = l.set.clone().ok_or("lookup without set")?;
        let key_len = self
            .ctx
            .set(&name)
            .and_then(|(s, _)| s.key_len)
            .unwrap_or(4);
        let sreg = l.sreg.ok_or("lookup without sreg")?;
        // nft prints a shifted sub-field keying a named map's lookup raw
        // (`meta priority set (@nh,8,8 & 0xfc) >> 2 map @m`), and its
        // dependency stays.
        if let (Some(d), Some(Reg::Shifted { raw, field, .. })) =
            (l.dreg.filter(|d| *d != 0), self.regs.get(&reg32(sreg)))
        {
            if bits_to_bytes(field.2) <= usize::try_from(key_len).unwrap_or(0) && key_len <= 4 {
                let key = raw.clone();
                self.regs.remove(&reg32(sreg));
                let data = self.set_expr(&name, 0)?;
                return self.map_into(d, &name, key, data);
            }
        }
        self.nokill = l.dreg.is_some_and(|d| d != 0);
        let gathered = self.gather_key(sreg, key_len);
        self.nokill = false;
        let kills = std::mem::take(&mut self.pending_kills);
        if let Some(d) = l.dreg.filter(|d| *d != 0) {
            self.deferred.insert(reg32(d), kills);
        }
        let (key, shift) = gathered?;
        let data = self.set_expr(&name, shift)?;
        let inv = l.flags.unwrap_or(0) & 1 != 0;
        match l.dreg {
            None => {
                self.push(Stmt::Match {
                    op: if inv { Op::Neq } else { Op::Eq },
                    left: key,
                    right: data,
                });
                Ok(())
            }
            Some(0) => {
                self.push(Stmt::Vmap { key, data });
                Ok(())
            }
            Some(d) => self.map_into(d, &name, key, data),
        }
    }

    /// A map lookup's result in register `d`.
    fn map_into(&mut self, d: u32, name: &str, key: Expr, data: Expr) -> R<()> {
        let (ty, bits) = self
            .ctx
            .set(name)
            .map(|(s, _)| {
                let t = Datatype::from_id(s.data_type.unwrap_or(4));
                (t, s.data_len.unwrap_or(4) * 8)
            })
            .unwrap_or((Datatype::Integer, 32));
        let parts = bits.div_ceil(32).max(1);
        for i in 1..parts.min(16) {
            self.regs.insert(reg32(d) + i, Reg::MapPart);
        }
        self.set(
            Some(d),
            Reg::Expr {
                e: Expr::Map {
                    key: Box::new(key),
                    data: Box::new(data),
                },
                ty,
                bits,
            },
        )
    }

    /// The value or expression in register `r`, typed `ty` for immediates.
    fn value_of(&mut self, r: Option<u32>, ty: Datatype, bits: u32, host: bool) -> R<Expr> {
        let reg = self.take(r)?;
        match reg {
            Reg::Imm(v) => Ok(Expr::Value(name_ifindex(
                typed_h(ty, bits, &v, host),
                self.ctx.ifname,
            ))),
            other => self.key_expr(&other),
        }
    }

    fn proto_range(&mut self, min: Option<u32>, max: Option<u32>) -> R<Option<Expr>> {
        let Some(min) = min else {
            return Ok(None);
        };
        let lo = self.value_of(Some(min), Datatype::InetService, 16, false)?;
        match max {
            Some(m) if m != min => {
                let hi = self.value_of(Some(m), Datatype::InetService, 16, false)?;
                if hi == lo {
                    Ok(Some(lo))
                } else {
                    Ok(Some(Expr::Range(Box::new(lo), Box::new(hi))))
                }
            }
            _ => Ok(Some(lo)),
        }
    }

    fn nat(&mut self, n: &kx::Nat) -> R<()> {
        let kind = if n.kind.map_or(0, |k| k.0) == 1 {
            NatKind::Dnat
        } else {
            NatKind::Snat
        };
        let (fam, ty, bits) = if n.family == Some(10) {
            ("ip6", Datatype::Ipv6Addr, 128)
        } else {
            ("ip", Datatype::Ipv4Addr, 32)
        };
        let is_part = |st: &Self, r: Option<u32>| {
            r.is_some_and(|r| matches!(st.regs.get(&reg32(r)), Some(Reg::MapPart)))
        };
        let mut from_map = false;
        let addr = match n.reg_addr_min {
            Some(min) => {
                let lo = self.value_of(Some(min), ty, bits, false)?;
                from_map = matches!(lo, Expr::Map { .. });
                if from_map {
                    self.apply_deferred(min);
                }
                match n.reg_addr_max {
                    Some(max) if from_map && (max == min || is_part(self, Some(max))) => Some(lo),
                    Some(max) if max != min => {
                        let hi = self.value_of(Some(max), ty, bits, false)?;
                        Some(range_or_prefix(lo, hi))
                    }
                    _ => Some(lo),
                }
            }
            None => None,
        };
        let concat_map =
            from_map && (is_part(self, n.reg_proto_min) || is_part(self, n.reg_addr_max));
        let port = if concat_map {
            None
        } else {
            self.proto_range(n.reg_proto_min, n.reg_proto_max)?
        };
        let family = if (self.family == ProtoFamily::Inet || concat_map) && addr.is_some() {
            Some(fam)
        } else {
            None
        };
        let nflags = n.flags.unwrap_or(0);
        self.push(Stmt::Nat(Nat {
            kind,
            family,
            addr,
            port,
            flags: nat_flags(nflags),
            // NF_NAT_RANGE_NETMAP: a prefix-to-prefix map.
            type_flags: if nflags & 0x40 != 0 {
                vec!["prefix"]
            } else {
                Vec::new()
            },
        }));
        Ok(())
    }

    fn dynset(&mut self, d: &kx::Dynset) -> R<()> {
        let name = d.set_name.clone().ok_or("dynset without set")?;
        let key_len = self
            .ctx
            .set(&name)
            .and_then(|(s, _)| s.key_len)
            .unwrap_or(4);
        let types = self
            .ctx
            .set(&name)
            .map(|(s, _)| Datatype::concat_ids(s.key_type.unwrap_or(0)))
            .unwrap_or_default();
        let (key, _) =
            self.gather_key_typed(d.sreg_key.ok_or("dynset without key")?, key_len, &types)?;
        let op = match d.op.map_or(0, |o| o.0) {
            0 => "add",
            1 => "update",
            2 => "delete",
            _ => return Err("dynset op".into()),
        };
        let mut stmts = Vec::new();
        let inner: Vec<&KExpr> = d
            .expr
            .iter()
            .map(|b| b.as_ref())
            .chain(d.exprs.iter().flat_map(|l| l.0.iter()))
            .collect();
        for e in inner {
            let mut sub = State {
                ctx: self.ctx,
                family: self.family,
                regs: HashMap::new(),
                stmts: Vec::new(),
                deps: Vec::new(),
                l3: None,
                l4: None,
                ll_ether: self.ll_ether,
                vlan: false,
                pending_gte: None,
                nokill: false,
                key_lens: Vec::new(),
                icmp_type: None,
                vlan_depth: 0,
                pending_kills: Vec::new(),
                deferred: HashMap::new(),
                swapped: Default::default(),
                masking: false,
            };
            sub.expr(e)?;
            stmts.extend(sub.stmts.into_iter().flatten());
        }
        let set_timeout = self.ctx.set(&name).and_then(|(s, _)| s.timeout);
        let timeout = d
            .timeout
            .filter(|t| *t != 0 && Some(*t) != set_timeout.or(Some(0)).filter(|_| false));
        let elem = match timeout {
            Some(t) => Expr::Elem(Box::new(Elem {
                val: key,
                timeout_ms: Some(t),
                expires_ms: None,
                comment: None,
                stmts: Vec::new(),
            })),
            None => key,
        };
        let anon = self
            .ctx
            .set(&name)
            .is_some_and(|(s, _)| s.flags.is_some_and(|f| f.contains(SetFlags::ANONYMOUS)));
        if anon && d.sreg_data.is_none() && stmts.len() <= 1 {
            let size = self
                .ctx
                .set(&name)
                .and_then(|(s, _)| s.desc.as_ref().and_then(|x| x.size));
            let stmt = stmts.pop().ok_or("meter without statement")?;
            self.push(Stmt::Meter {
                name,
                key: elem,
                stmt: Box::new(stmt),
                size,
            });
            return Ok(());
        }
        if let Some(sd) = d.sreg_data {
            let (ty, bits) = self
                .ctx
                .set(&name)
                .map(|(s, _)| {
                    (
                        Datatype::from_id(s.data_type.unwrap_or(4)),
                        s.data_len.unwrap_or(4) * 8,
                    )
                })
                .unwrap_or((Datatype::Integer, 32));
            let data = self.value_of(Some(sd), ty, bits, ty.host_order())?;
            self.push(Stmt::MapUpdate {
                op,
                elem,
                data,
                map: format!("@{name}"),
                stmts,
            });
        } else {
            self.push(Stmt::Set {
                op,
                elem,
                set: format!("@{name}"),
                stmts,
            });
        }
        Ok(())
    }

    fn exthdr(&mut self, x: &kx::Exthdr) -> R<()> {
        let op = x.op.map_or(0, |o| o.0);
        let kind = x.kind.unwrap_or(0);
        let off = x.offset.unwrap_or(0).saturating_mul(8);
        let len = x.len.unwrap_or(0).saturating_mul(8);
        let present = x.flags.unwrap_or(0) & 1 != 0;
        if op > 3 {
            return Err("exthdr op".into());
        }
        if op == 2 {
            self.kill(&[
                Dep::Nfproto(2),
                Dep::MetaProtocol(0x0800),
                Dep::EtherType(0x0800),
            ]);
        }
        if op == 0 {
            self.kill(&[
                Dep::Nfproto(10),
                Dep::MetaProtocol(0x86dd),
                Dep::EtherType(0x86dd),
            ]);
        }
        if let Some(sreg) = x.sreg {
            let (e, fty, fbits) = exthdr_field(op, kind, off, len, false);
            let value = self.value_of(Some(sreg), fty, fbits, false)?;
            self.push(Stmt::Mangle { key: e, value });
            return Ok(());
        }
        if x.dreg.is_none() && x.sreg.is_none() {
            let (mut e, _, _) = exthdr_field(op, kind, 0, 0, true);
            if let Expr::Exthdr(ExthdrField { raw: Some(r), .. }) = &mut e {
                r.2 = 0;
            }
            self.push(Stmt::Reset(e));
            return Ok(());
        }
        if present {
            let (e, _, _) = exthdr_field(op, kind, off, len, true);
            return self.set(
                x.dreg,
                Reg::Expr {
                    e,
                    ty: Datatype::Boolean,
                    bits: 1,
                },
            );
        }
        self.set(
            x.dreg,
            Reg::Exthdr {
                op,
                kind,
                offset: off,
                len,
            },
        )
    }
}

/// Fields of extension headers, options and chunks: (name, bit offset,
/// bit length, type).
pub(crate) type ExtFields = &'static [(&'static str, u32, u32, Datatype)];

pub(crate) fn ext_fields(op: u32, kind: u8, offset: u32) -> Option<(String, ExtFields)> {
    use Datatype as T;
    const KL: ExtFields = &[("kind", 0, 8, T::Integer), ("length", 8, 8, T::Integer)];
    let (name, fields): (&str, ExtFields) = match (op, kind) {
        (1, 0) => ("eol", &[("kind", 0, 8, T::Integer)]),
        (1, 1) => ("nop", &[("kind", 0, 8, T::Integer)]),
        (1, 2) => (
            "maxseg",
            &[
                ("kind", 0, 8, T::Integer),
                ("length", 8, 8, T::Integer),
                ("size", 16, 16, T::Integer),
            ],
        ),
        (1, 3) => (
            "window",
            &[
                ("kind", 0, 8, T::Integer),
                ("length", 8, 8, T::Integer),
                ("count", 16, 8, T::Integer),
            ],
        ),
        (1, 4) => ("sack-perm", KL),
        (1, 5) => {
            // sack blocks: left/right of block n at 2 + 8n, 6 + 8n bytes.
            let n = if offset >= 16 { (offset - 16) / 64 } else { 0 };
            let name = match n {
                0 => "sack",
                1 => "sack1",
                2 => "sack2",
                _ => "sack3",
            };
            let fields: ExtFields = match n {
                0 => &[
                    ("kind", 0, 8, T::Integer),
                    ("length", 8, 8, T::Integer),
                    ("left", 16, 32, T::Integer),
                    ("right", 48, 32, T::Integer),
                ],
                1 => &[("left", 80, 32, T::Integer), ("right", 112, 32, T::Integer)],
                2 => &[
                    ("left", 144, 32, T::Integer),
                    ("right", 176, 32, T::Integer),
                ],
                _ => &[
                    ("left", 208, 32, T::Integer),
                    ("right", 240, 32, T::Integer),
                ],
            };
            return Some((name.to_owned(), fields));
        }
        (1, 8) => (
            "timestamp",
            &[
                ("kind", 0, 8, T::Integer),
                ("length", 8, 8, T::Integer),
                ("tsval", 16, 32, T::Integer),
                ("tsecr", 48, 32, T::Integer),
            ],
        ),
        (1, 19) => ("md5sig", KL),
        (1, 34) => ("fastopen", KL),
        (1, 30) => (
            "mptcp",
            &[
                ("kind", 0, 8, T::Integer),
                ("length", 8, 8, T::Integer),
                ("subtype", 16, 4, T::Integer),
            ],
        ),
        (0, 0) => (
            "hbh",
            &[
                ("nexthdr", 0, 8, T::InetProto),
                ("hdrlength", 8, 8, T::Integer),
            ],
        ),
        (0, 43) if offset >= 32 => (
            // Beyond the common routing header: the segment routing header.
            "srh",
            &[
                ("last-entry", 32, 8, T::Integer),
                ("flags", 40, 8, T::Integer),
                ("tag", 48, 16, T::Integer),
                ("sid[1]", 64, 128, T::Ipv6Addr),
                ("sid[2]", 192, 128, T::Ipv6Addr),
                ("sid[3]", 320, 128, T::Ipv6Addr),
                ("sid[4]", 448, 128, T::Ipv6Addr),
                ("sid[5]", 576, 128, T::Ipv6Addr),
                ("sid[6]", 704, 128, T::Ipv6Addr),
                ("sid[7]", 832, 128, T::Ipv6Addr),
                ("sid[8]", 960, 128, T::Ipv6Addr),
            ],
        ),
        (0, 43) => (
            "rt",
            &[
                ("nexthdr", 0, 8, T::InetProto),
                ("hdrlength", 8, 8, T::Integer),
                ("type", 16, 8, T::Integer),
                ("seg-left", 24, 8, T::Integer),
            ],
        ),
        (0, 44) => (
            "frag",
            &[
                ("nexthdr", 0, 8, T::InetProto),
                ("reserved", 8, 8, T::Integer),
                ("frag-off", 16, 13, T::Integer),
                ("reserved2", 29, 2, T::Integer),
                ("more-fragments", 31, 1, T::Integer),
                ("id", 32, 32, T::Integer),
            ],
        ),
        (0, 60) => (
            "dst",
            &[
                ("nexthdr", 0, 8, T::InetProto),
                ("hdrlength", 8, 8, T::Integer),
            ],
        ),
        (0, 135) => (
            "mh",
            &[
                ("nexthdr", 0, 8, T::InetProto),
                ("hdrlength", 8, 8, T::Integer),
                ("type", 16, 8, T::MhType),
                ("reserved", 24, 8, T::Integer),
                ("checksum", 32, 16, T::Integer),
            ],
        ),
        (2, 131) | (2, 137) | (2, 7) => (
            match kind {
                131 => "lsrr",
                137 => "ssrr",
                _ => "rr",
            },
            &[
                ("type", 0, 8, T::Integer),
                ("length", 8, 8, T::Integer),
                ("ptr", 16, 8, T::Integer),
                ("addr", 24, 32, T::Ipv4Addr),
            ],
        ),
        (2, 148) => (
            "ra",
            &[
                ("type", 0, 8, T::Integer),
                ("length", 8, 8, T::Integer),
                ("value", 16, 16, T::Integer),
            ],
        ),
        (3, k) => {
            let name = sctp_chunk(k);
            if name.is_empty() {
                return None;
            }
            const C: [(&str, u32, u32, Datatype); 3] = [
                ("type", 0, 8, T::Integer),
                ("flags", 8, 8, T::Integer),
                ("length", 16, 16, T::Integer),
            ];
            let fields: ExtFields = match k {
                0 => &[
                    C[0],
                    C[1],
                    C[2],
                    ("tsn", 32, 32, T::Integer),
                    ("stream", 64, 16, T::Integer),
                    ("ssn", 80, 16, T::Integer),
                    ("ppid", 96, 32, T::Integer),
                ],
                1 | 2 => &[
                    C[0],
                    C[1],
                    C[2],
                    ("init-tag", 32, 32, T::Integer),
                    ("a-rwnd", 64, 32, T::Integer),
                    ("num-outbound-streams", 96, 16, T::Integer),
                    ("num-inbound-streams", 112, 16, T::Integer),
                    ("initial-tsn", 128, 32, T::Integer),
                ],
                3 => &[
                    C[0],
                    C[1],
                    C[2],
                    ("cum-tsn-ack", 32, 32, T::Integer),
                    ("a-rwnd", 64, 32, T::Integer),
                    ("num-gap-ack-blocks", 96, 16, T::Integer),
                    ("num-dup-tsns", 112, 16, T::Integer),
                ],
                7 => &[C[0], C[1], C[2], ("cum-tsn-ack", 32, 32, T::Integer)],
                12 | 13 => &[C[0], C[1], C[2], ("lowest-tsn", 32, 32, T::Integer)],
                128 | 193 => &[C[0], C[1], C[2], ("seqno", 32, 32, T::Integer)],
                192 | 194 => &[C[0], C[1], C[2], ("new-cum-tsn", 32, 32, T::Integer)],
                64 => &[
                    C[0],
                    C[1],
                    C[2],
                    ("tsn", 32, 32, T::Integer),
                    ("stream", 64, 16, T::Integer),
                    ("reserved", 80, 16, T::Integer),
                    ("mid", 96, 32, T::Integer),
                    ("ppid", 128, 32, T::Integer),
                ],
                _ => &[C[0], C[1], C[2]],
            };
            return Some((name, fields));
        }
        _ => return None,
    };
    Some((name.to_owned(), fields))
}

/// The expression of an extension header field (`present`: existence
/// check); unknown ones raw.
fn exthdr_field(op: u32, kind: u8, off: u32, len: u32, present: bool) -> (Expr, Datatype, u32) {
    let ek = match op {
        0 => ExthdrKind::Ipv6,
        1 => ExthdrKind::TcpOption,
        2 => ExthdrKind::IpOption,
        _ => ExthdrKind::SctpChunk,
    };
    match ext_fields(op, kind, off) {
        Some((name, fields)) => {
            if present {
                return (
                    Expr::Exthdr(ExthdrField {
                        kind: ek,
                        name,
                        field: None,
                        offset: None,
                        raw: None,
                    }),
                    Datatype::Boolean,
                    1,
                );
            }
            match fields.iter().find(|f| f.1 == off && f.2 == len) {
                Some((f, _, bits, ty)) => (
                    Expr::Exthdr(ExthdrField {
                        kind: ek,
                        name,
                        field: Some((*f).to_owned()),
                        offset: None,
                        raw: None,
                    }),
                    *ty,
                    *bits,
                ),
                None => (
                    Expr::Exthdr(ExthdrField {
                        kind: ek,
                        name: String::new(),
                        field: None,
                        offset: None,
                        raw: Some((u32::from(kind), off, len)),
                    }),
                    Datatype::Integer,
                    len,
                ),
            }
        }
        None => (
            Expr::Exthdr(ExthdrField {
                kind: ek,
                name: String::new(),
                field: None,
                offset: None,
                raw: Some((u32::from(kind), off, if present { 8 } else { len })),
            }),
            if present {
                Datatype::Boolean
            } else {
                Datatype::Integer
            },
            if present { 1 } else { len },
        ),
    }
}

/// The register `r` holds, if anything.
fn sreg_reg(st: &State<'_, '_>, r: u32) -> Option<Reg> {
    st.regs.get(&reg32(r)).cloned()
}

/// A comparison's left side.
enum Left {
    /// Fields (several: a merged load), and the right shift of the value.
    Fields(Vec<(Expr, Datatype, u32)>, u32),
    /// A prefix of an address field: field, type, field bits, prefix bits.
    Prefix(Expr, Datatype, u32, u32),
    /// A masked value that is not a sub-field.
    Masked(Expr, Datatype, u32, Vec<u8>),
}

/// The IP protocol number of a transport header nft names (0 if none).
pub(crate) fn l4_number(name: &str) -> u8 {
    match name {
        "icmp" => 1,
        "igmp" => 2,
        "tcp" => 6,
        "udp" => 17,
        "dccp" => 33,
        "gre" => 47,
        "esp" => 50,
        "ah" => 51,
        "icmpv6" => 58,
        "comp" => 108,
        "sctp" => 132,
        "udplite" => 136,
        _ => 0,
    }
}

fn sctp_chunk(kind: u8) -> String {
    match kind {
        0 => "data",
        1 => "init",
        2 => "init-ack",
        3 => "sack",
        4 => "heartbeat",
        5 => "heartbeat-ack",
        6 => "abort",
        7 => "shutdown",
        8 => "shutdown-ack",
        9 => "error",
        10 => "cookie-echo",
        11 => "cookie-ack",
        12 => "ecne",
        13 => "cwr",
        14 => "shutdown-complete",
        64 => "i-data",
        130 => "re-config",
        132 => "pad",
        128 => "asconf-ack",
        193 => "asconf",
        192 => "forward-tsn",
        194 => "i-forward-tsn",
        _ => "",
    }
    .to_owned()
}

/// nft's name of a stateful object type (`NFT_OBJECT_*`).
pub(crate) fn obj_kind(t: u32) -> Option<&'static str> {
    Some(match t {
        1 => "counter",
        2 => "quota",
        3 => "ct helper",
        4 => "limit",
        7 => "ct timeout",
        8 => "secmark",
        9 => "ct expectation",
        10 => "synproxy",
        _ => return None,
    })
}

/// The names of NAT range flags (`NF_NAT_RANGE_*`) in nft's order.
pub(crate) fn nat_flags(f: u32) -> Vec<&'static str> {
    let mut out = Vec::new();
    if f & 0x4 != 0 {
        out.push("random");
    }
    if f & 0x10 != 0 {
        out.push("fully-random");
    }
    if f & 0x8 != 0 {
        out.push("persistent");
    }
    if f & 0x40 != 0 {
        out.push("netmap");
    }
    out
}

/// The `log` statement of a `log` expression.
fn log(l: &kx::Log) -> Log {
    Log {
        prefix: l.prefix.clone(),
        group: l.group,
        snaplen: l.snaplen,
        qthreshold: l.qthreshold,
        level: l.level.and_then(log_level),
        flags: log_flags(l.flags.unwrap_or(0)),
    }
}

/// A syslog level's name as nft writes it (`None` for the default, `warn`).
pub(crate) fn log_level(level: u32) -> Option<&'static str> {
    Some(match level {
        0 => "emerg",
        1 => "alert",
        2 => "crit",
        3 => "err",
        5 => "notice",
        6 => "info",
        7 => "debug",
        8 => "audit",
        _ => return None,
    })
}

/// The names of log flags (`NF_LOG_*`, x_tables' `XT_LOG_*` alike).
pub(crate) fn log_flags(f: u32) -> Vec<&'static str> {
    if f & 0x2f == 0x2f {
        return vec!["all"];
    }
    let mut v = Vec::new();
    for (bit, n) in [
        (1, "tcp sequence"),
        (2, "tcp options"),
        (4, "ip options"),
        (8, "skuid"),
        (0x20, "ether"),
    ] {
        if f & bit != 0 {
            v.push(n);
        }
    }
    v
}

pub(crate) fn limit(l: &kx::Limit) -> Limit {
    Limit {
        rate: l.rate.unwrap_or(0),
        unit_secs: l.unit.unwrap_or(1),
        burst: l.burst.unwrap_or(0),
        bytes: l.kind.map_or(0, |k| k.0) == 1,
        inv: l.flags.unwrap_or(0) & 1 != 0,
    }
}

pub(crate) fn synproxy(mss: Option<u16>, wscale: Option<u8>, flags: Option<u32>) -> Synproxy {
    // NF_SYNPROXY_OPT_MSS 1, _WSCALE 2, _SACK_PERM 4, _TIMESTAMP 8.
    let f = flags.unwrap_or(0);
    let mut fl = Vec::new();
    if f & 0x8 != 0 {
        fl.push("timestamp");
    }
    if f & 0x4 != 0 {
        fl.push("sack-perm");
    }
    Synproxy {
        mss: mss.filter(|_| f & 0x1 != 0),
        wscale: wscale.filter(|_| f & 0x2 != 0),
        flags: fl,
    }
}

/// The elements of a set as nft lists them: typed by the set's key (and
/// data) type, intervals merged into ranges and prefixes, sorted.
pub fn set_elements(
    set: &Set,
    elems: &[&Element],
    ifname: Option<IfnameFn<'_>>,
    shift: u32,
) -> R<Vec<Expr>> {
    set_elements_with(set, elems, ifname, shift, None)
}

/// [`set_elements`] with the byte lengths of the key's fields as the rule
/// using the set loads them (for concatenations without a description).
fn set_elements_with(
    set: &Set,
    elems: &[&Element],
    ifname: Option<IfnameFn<'_>>,
    shift: u32,
    key_lens: Option<&[u32]>,
) -> R<Vec<Expr>> {
    let key_types = Datatype::concat_ids(set.key_type.unwrap_or(4));
    let key_len = set.key_len.unwrap_or(0);
    // A concatenation's fields as nft cuts them (an integer's width and
    // byte order come from the typeof user data).
    let fields = if key_types.len() > 1 {
        super::text::key_fields(set)
    } else {
        Vec::new()
    };
    let field_lens: Vec<u32> = match set.desc.as_ref().and_then(|d| d.concat.as_ref()) {
        Some(c) if !c.0.is_empty() => c.0.clone(),
        _ if key_lens.is_some_and(|l| l.len() == key_types.len()) => {
            key_lens.map(<[u32]>::to_vec).unwrap_or_default()
        }
        _ if fields.len() == key_types.len() && fields.iter().all(|f| f.0 > 0) => {
            fields.iter().map(|f| f.0).collect()
        }
        _ if key_types.len() > 1 => key_types
            .iter()
            .map(|t| t.bits().unwrap_or(32).div_ceil(8))
            .collect(),
        _ => vec![key_len],
    };
    let field_host: Vec<bool> = fields.iter().map(|f| f.1).collect();
    // nft records the byte order of keys and data in the set's user data.
    let udata = set.userdata.as_deref().unwrap_or(&[]);
    let order = |t: u8| udata_u32(udata, t).map(|o| o == 1);
    let interval = set.flags.is_some_and(|f| f.contains(SetFlags::INTERVAL));
    // Interval keys are stored big-endian, whatever their type.
    let key_host =
        !interval && order(0).unwrap_or_else(|| key_types.iter().all(|t| t.host_order()));
    let data_host = order(1);
    let name = |e: Expr| match e {
        Expr::Value(v) => Expr::Value(name_ifindex(v, ifname)),
        Expr::Concat(parts) => Expr::Concat(
            parts
                .into_iter()
                .map(|p| match p {
                    Expr::Value(v) => Expr::Value(name_ifindex(v, ifname)),
                    o => o,
                })
                .collect(),
        ),
        other => other,
    };
    let key_of = |d: &Data| -> R<Expr> {
        let bytes = d.as_value().ok_or("element key is not a value")?;
        if shift > 0 && key_types.len() == 1 {
            // A sub-byte field: the element holds the masked register.
            let raw = bytes
                .iter()
                .take(16)
                .fold(0u128, |a, b| (a << 8) | u128::from(*b));
            let ty = key_types[0];
            let bits = ty.bits().unwrap_or(key_len * 8);
            return Ok(Expr::Value(Value::number(ty, bits, raw >> shift)));
        }
        key_value(
            &key_types,
            &field_lens,
            &field_host,
            bytes,
            key_host,
            interval,
        )
        .map(name)
    };
    let is_map = set.flags.is_some_and(|f| f.contains(SetFlags::MAP));
    let data_ty = Datatype::from_id(set.data_type.unwrap_or(0));
    let data_interval = udata_u32(udata, 6).is_some_and(|x| x != 0)
        || set
            .data_len
            .is_some_and(|l| Some(l) == data_ty.bits().map(|b| b.div_ceil(8) * 2));
    let data_bits = if data_interval {
        data_ty.bits().unwrap_or(32)
    } else {
        set.data_len.unwrap_or(4) * 8
    };
    let data_of = |e: &Element| -> R<Option<Expr>> {
        Ok(match &e.data {
            Some(Data::Verdict(v)) => Some(Expr::Verdict(kverdict(v).ok_or("verdict")?)),
            Some(Data::Value(v))
                if data_interval && v.len() == bits_to_bytes(data_bits) * 2 && !v.is_empty() =>
            {
                // Interval data (`snat to ip saddr map { 10.0.0.0/24 : 1.1.1.1-1.1.1.9 }`): start then end.
                let n = v.len() / 2;
                let lo = Expr::Value(typed_h(data_ty, data_bits, &v[..n], false));
                let hi = Expr::Value(typed_h(data_ty, data_bits, &v[n..], false));
                Some(range_or_prefix(lo, hi))
            }
            Some(Data::Value(v)) if Datatype::concat_ids(set.data_type.unwrap_or(0)).len() > 1 => {
                let types = Datatype::concat_ids(set.data_type.unwrap_or(0));
                let lens: Vec<u32> = types
                    .iter()
                    .map(|t| t.bits().unwrap_or(32).div_ceil(8))
                    .collect();
                let whole: usize = lens
                    .iter()
                    .map(|l| usize::try_from(l.div_ceil(4) * 4).unwrap_or(4))
                    .sum();
                if v.len() == whole * 2 {
                    // Interval data of a concatenation: the start fields,
                    // then the end fields; each field a value or a range.
                    let lo = key_value(&types, &lens, &[], &v[..whole], false, false)?;
                    let hi = key_value(&types, &lens, &[], &v[whole..], false, false)?;
                    match (lo, hi) {
                        (Expr::Concat(l), Expr::Concat(h)) => Some(Expr::Concat(
                            l.into_iter()
                                .zip(h)
                                .map(|(a, b)| if a == b { a } else { range_or_prefix(a, b) })
                                .collect(),
                        )),
                        (l, _) => Some(l),
                    }
                } else {
                    Some(key_value(&types, &lens, &[], v, false, false)?)
                }
            }
            Some(Data::Value(v)) => Some(Expr::Value(name_ifindex(
                typed_h(
                    data_ty,
                    data_bits,
                    v,
                    data_host.unwrap_or_else(|| data_ty.host_order()),
                ),
                ifname,
            ))),
            Some(Data::Raw(_)) => return Err("raw element data".into()),
            None => e
                .objref
                .as_ref()
                .map(|o| Expr::Value(Value::string(Datatype::String, o))),
        })
    };
    let wrap = |key: Expr, e: &Element| -> R<Expr> {
        let key = decorate(key, e, set);
        Ok(match data_of(e)? {
            Some(d) if is_map || set.obj_type.is_some() => {
                Expr::Mapping(Box::new(key), Box::new(d))
            }
            _ => key,
        })
    };
    let mut out: Vec<(Vec<u8>, Expr)> = Vec::new();
    let mut catchalls = Vec::new();
    if interval && key_types.len() == 1 {
        // Ranges: starts and ends (INTERVAL_END), sorted by key.
        let mut items: Vec<(&Element, Vec<u8>, bool)> = Vec::new();
        for e in elems {
            let catchall = e.flags.is_some_and(|f| f.contains(ElemFlags::CATCHALL));
            if catchall {
                catchalls.push(wrap(Expr::Wildcard, e)?);
                continue;
            }
            let Some(k) = e.key.as_ref().and_then(Data::as_value) else {
                continue;
            };
            let end = e.flags.is_some_and(|f| f.contains(ElemFlags::INTERVAL_END));
            items.push((e, normalise(key_host, k), end));
        }
        items.sort_by(|a, b| a.1.cmp(&b.1).then(b.2.cmp(&a.2)));
        let ty = key_types[0];
        let bits = key_len * 8;
        let mut i = 0;
        while i < items.len() {
            let (e, ref k, end) = items[i];
            if end {
                i += 1;
                continue;
            }
            let hi = if let Some(ek) = e.key_end.as_ref().and_then(Data::as_value) {
                normalise(key_host, ek)
            } else {
                match items.get(i + 1) {
                    Some((_, nk, _)) => dec(nk),
                    None => vec![0xff; k.len()],
                }
            };
            let lo_v = Value {
                ty,
                bits,
                data: k.clone(),
            };
            let key = if hi == *k {
                Expr::Value(lo_v)
            } else if let Some(w) = string_wildcard(k, &hi, ty) {
                Expr::Value(w)
            } else if let Some(plen) = prefix_len(k, &hi).filter(|_| is_prefix_type(ty)) {
                Expr::Prefix {
                    addr: Box::new(Expr::Value(lo_v)),
                    len: plen,
                }
            } else {
                Expr::Range(
                    Box::new(Expr::Value(lo_v)),
                    Box::new(Expr::Value(Value { ty, bits, data: hi })),
                )
            };
            out.push((k.clone(), wrap(key, e)?));
            i += 1;
        }
    } else {
        for e in elems {
            let catchall = e.flags.is_some_and(|f| f.contains(ElemFlags::CATCHALL));
            if catchall {
                out.push((vec![0xff; 64], wrap(Expr::Wildcard, e)?));
                continue;
            }
            let Some(kd) = &e.key else { continue };
            let mut key = key_of(kd)?;
            if let (Some(end), Expr::Concat(parts)) = (&e.key_end, &mut key) {
                // Concatenated ranges: each field lo-hi.
                let hi = key_of(end)?;
                if let Expr::Concat(his) = hi {
                    for (p, h) in parts.iter_mut().zip(his) {
                        if *p != h {
                            let lo = std::mem::replace(p, Expr::Wildcard);
                            *p = range_or_prefix(lo, h);
                        }
                    }
                }
            }
            let sort_key = kd.as_value().unwrap_or_default();
            let sort_key = elem_sort_key(&key_types, key_host, interval, sort_key);
            out.push((sort_key, wrap(key, e)?));
        }
        sort_elements(&mut out, &key_types, interval);
    }
    out.extend(catchalls.into_iter().map(|c| (Vec::new(), c)));
    Ok(out
        .into_iter()
        .map(|(_, mut e)| {
            numeric_ranges(&mut e);
            flag_unions(&mut e);
            e
        })
        .collect())
}

/// An interface-name interval `"eth" .. "eth\xff\xff..."` is the wildcard `"eth*"`.
fn string_wildcard(lo: &[u8], hi: &[u8], ty: Datatype) -> Option<Value> {
    if !matches!(ty, Datatype::Ifname | Datatype::String) {
        return None;
    }
    let end = lo.iter().position(|b| *b == 0).unwrap_or(lo.len());
    let (stem, rest) = hi.split_at_checked(end)?;
    if stem != &lo[..end] || rest.is_empty() || !rest.iter().all(|b| *b == 0xff) {
        return None;
    }
    let mut data = stem.to_vec();
    data.push(b'*');
    Some(Value {
        ty,
        bits: bits_of(hi.len()),
        data,
    })
}

fn range_or_prefix(lo: Expr, hi: Expr) -> Expr {
    if let (Expr::Value(l), Expr::Value(h)) = (&lo, &hi) {
        if let Some(w) = string_wildcard(&l.data, &h.data, l.ty) {
            return Expr::Value(w);
        }
        if is_prefix_type(l.ty) {
            if let Some(p) = prefix_len(&l.data, &h.data) {
                return Expr::Prefix {
                    addr: Box::new(lo),
                    len: p,
                };
            }
        }
    }
    Expr::Range(Box::new(lo), Box::new(hi))
}

/// Element options: timeout, expiry, comment, per-element statements.
fn decorate(key: Expr, e: &Element, set: &Set) -> Expr {
    let comment = e.userdata.as_deref().and_then(|u| udata_comment(u, 0));
    let timeout = e.timeout.filter(|t| Some(*t) != set.timeout);
    let stmts: Vec<Stmt> = e
        .expr
        .iter()
        .map(|b| b.as_ref())
        .chain(e.exprs.iter().flat_map(|l| l.0.iter()))
        .filter_map(|x| match x {
            KExpr::Counter(c) => Some(Stmt::Counter(Counter {
                packets: c.packets.unwrap_or(0),
                bytes: c.bytes.unwrap_or(0),
            })),
            KExpr::Quota(q) => Some(Stmt::Quota(Quota {
                bytes: q.bytes.unwrap_or(0),
                used: q.consumed.unwrap_or(0),
                inv: q.flags.unwrap_or(0) & 1 != 0,
            })),
            KExpr::Limit(l) => Some(Stmt::Limit(limit(l))),
            _ => None,
        })
        // nft 1.0.6 prints the first expression of an element only.
        .take(1)
        .collect();
    if comment.is_none() && timeout.is_none() && e.expiration.is_none() && stmts.is_empty() {
        return key;
    }
    Expr::Elem(Box::new(Elem {
        val: key,
        timeout_ms: timeout,
        expires_ms: e.expiration,
        comment,
        stmts,
    }))
}

/// The number nft sorts a set element by ([`sort_elements`]): the key's
/// bytes as one number, big-endian but for host-order keys, strings (by
/// their characters: shorter first) and concatenations that are not
/// ranges (one little-endian number over the whole key).
pub(crate) fn elem_sort_key(
    key_types: &[Datatype],
    key_host: bool,
    interval: bool,
    key: &[u8],
) -> Vec<u8> {
    let host = key_host
        || (key_types.len() == 1 && matches!(key_types[0], Datatype::String | Datatype::Ifname))
        || (!interval && key_types.len() > 1);
    normalise(host, key)
}

/// nft's order of a set's elements, each with its [`elem_sort_key`], as
/// the kernel dumped them: nft collects them in reverse, then sorts stably
/// by the key (flag unions by their first, lowest, flag; ties keep the
/// reverse of the kernel's order); concatenated ranges keep the kernel's
/// order. The one rule of both printers.
pub(crate) fn sort_elements<T>(items: &mut [(Vec<u8>, T)], key_types: &[Datatype], interval: bool) {
    if interval && key_types.len() > 1 {
        return;
    }
    items.reverse();
    if key_types.len() == 1 && key_types[0].is_bitmask() && !key_types[0].symbols().is_empty() {
        for (k, _) in items.iter_mut() {
            let n = k
                .iter()
                .take(16)
                .fold(0u128, |a, b| (a << 8) | u128::from(*b));
            *k = (n & n.wrapping_neg()).to_be_bytes().to_vec();
        }
    }
    items.sort_by(|a, b| a.0.cmp(&b.0));
}

/// Key bytes in big-endian order for sorting and printing.
fn normalise(host: bool, k: &[u8]) -> Vec<u8> {
    let mut v = k.to_vec();
    if host && cfg!(target_endian = "little") {
        v.reverse();
    }
    v
}

/// `k - 1` as big-endian bytes.
pub(crate) fn dec(k: &[u8]) -> Vec<u8> {
    let mut v = k.to_vec();
    for b in v.iter_mut().rev() {
        if *b == 0 {
            *b = 0xff;
        } else {
            *b -= 1;
            break;
        }
    }
    v
}

/// If `lo..=hi` is exactly a CIDR block, its prefix length.
fn prefix_len(lo: &[u8], hi: &[u8]) -> Option<u32> {
    if lo.len() != hi.len() {
        return None;
    }
    let total = bits_of(lo.len());
    // host bits: hi ^ lo must be 0..01..1 and lo & that == 0
    let mut host = 0u32;
    let mut seen_partial = false;
    for (l, h) in lo.iter().zip(hi).rev() {
        let x = l ^ h;
        if seen_partial {
            if x != 0 {
                return None;
            }
            continue;
        }
        if x == 0xff && *l == 0 {
            host += 8;
        } else {
            if x & x.wrapping_add(1) != 0 || l & x != 0 {
                return None;
            }
            host += x.count_ones();
            seen_partial = true;
        }
    }
    (host > 0 && host < total).then_some(total - host)
}

/// A key's value (a concatenation for several types, each field
/// host-endian as `hosts` says, else as its type is).
fn key_value(
    types: &[Datatype],
    lens: &[u32],
    hosts: &[bool],
    bytes: &[u8],
    host: bool,
    interval: bool,
) -> R<Expr> {
    if types.len() == 1 {
        let ty = types[0];
        let bits = ty.bits().unwrap_or(bits_of(bytes.len()));
        let bits = if matches!(ty, Datatype::String | Datatype::Ifname) {
            bits_of(bytes.len())
        } else {
            bits.min(bits_of(bytes.len()))
        };
        return Ok(Expr::Value(typed_h(ty, bits, bytes, host && !be_type(ty))));
    }
    let mut parts = Vec::new();
    let mut at = 0usize;
    for (i, ty) in types.iter().enumerate() {
        let len = *lens.get(i).unwrap_or(&4) as usize;
        let part = bytes.get(at..at + len).ok_or("short concatenated key")?;
        at += len.div_ceil(4) * 4;
        let bits = ty.bits().unwrap_or(bits_of(len)).min(bits_of(len));
        let bits = if matches!(ty, Datatype::String | Datatype::Ifname) {
            bits_of(len)
        } else {
            bits
        };
        parts.push(Expr::Value(typed_h(
            *ty,
            bits,
            part,
            !interval && hosts.get(i).copied().unwrap_or_else(|| ty.host_order()),
        )));
    }
    Ok(Expr::Concat(parts))
}

/// A kernel bitwise `(x & mask) ^ xor` as nft writes it: the xor bits
/// outside the mask are an `| o` (and widen the mask), those inside an
/// `^ x`, and an all-ones mask is left out: `& m ^ x | o`, each part only
/// when it does something (`meta mark & 0xff00ffff | 0x00040000` is stored
/// as mask 0xff00ffff, xor 0x00040000 and read back as `& 0xff04ffff |
/// 0x00040000`).
fn mask_xor_expr(e: Expr, mask: &[u8], xor: &[u8], val: &dyn Fn(&[u8]) -> Expr) -> Expr {
    let or: Vec<u8> = mask.iter().zip(xor).map(|(m, x)| x & !m).collect();
    let inside: Vec<u8> = mask.iter().zip(xor).map(|(m, x)| x & m).collect();
    let wide: Vec<u8> = mask.iter().zip(&or).map(|(m, o)| m | o).collect();
    let bin = |op, l: Expr, r: Expr| Expr::Binop {
        op,
        left: Box::new(l),
        right: Box::new(r),
    };
    let mut out = e;
    if !wide.iter().all(|b| *b == 0xff) {
        out = bin(BinOp::And, out, val(&wide));
    }
    if inside.iter().any(|b| *b != 0) {
        out = bin(BinOp::Xor, out, val(&inside));
    }
    if or.iter().any(|b| *b != 0) {
        out = bin(BinOp::Or, out, val(&or));
    }
    out
}
