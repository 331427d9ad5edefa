//! The text `nft list ruleset` prints (nft 1.0.6), from a [`Ruleset`] read
//! through this crate: tables with their flags and comments, stateful
//! objects, named sets and maps with their elements, flowtables and
//! chains (hooks, named priorities, policies, devices) with their rules,
//! in nft's order, indentation and line wrapping. The parts are the items
//! of [`listing`], in its order (what the printer
//! still reads from the kernel's objects: see [`lang`](crate::lang)).
//!
//! ```no_run
//! use nfnl_tables::lang::text;
//! use nfnl_tables::{Nft, ProtoFamily, Ruleset};
//! let mut nft = Nft::open()?;
//! let rs = Ruleset::read(&mut nft, ProtoFamily::Unspec)?;
//! print!("{}", text::ruleset(&rs)); // as `nft list ruleset`
//! print!("{}", text::Printer::new().handles(true).ruleset(&rs)); // `nft -a`
//! # Ok::<(), nfnl_tables::Error>(())
//! ```
//!
//! What nft writes was observed on this machine (nft 1.0.6 in throwaway
//! namespaces) and is reproduced here:
//! - **Tables**: `table FAMILY NAME {` (with `# handle N` under `-a`, and
//!   `# progname COMM` for a table owned by a socket: the process holding
//!   that netlink socket), then `flags ...` and `comment "..."` lines (an
//!   empty line follows them only when there are flags), then the stateful
//!   objects, the named sets and maps, the flowtables and the chains, each
//!   in the kernel's dump order and each but the first preceded by an
//!   empty line; bound (anonymous) chains are printed inside the rule that
//!   jumps to them (`jump {`, one tab deeper).
//! - **Chains**: `comment` first, then `type T hook H [device "D" |
//!   devices = { a, b }] priority P; policy X;` (devices sorted, unquoted
//!   in a list). A priority is named when it is within 10 of a standard
//!   one of the family and hook: `raw` -300, `mangle` -150, `dstnat` -100
//!   (prerouting), `filter` 0, `security` 50, `srcnat` 100 (postrouting);
//!   bridge `dstnat` -300 (prerouting), `filter` -200, `out` 100 (output),
//!   `srcnat` 300 (postrouting); arp and netdev `filter` 0.
//! - **Sets and maps**: `type` (data type names by nft's type ids, `a . b`
//!   for concatenations, ids packed 6 bits each) or `typeof EXPR` when the
//!   user data carries one, then `policy memory`, `size` (not for constant
//!   sets), `flags` (dynamic first; `timeout` alone is left out when the
//!   set has a timeout), `auto-merge`, the set's element statements on one
//!   line, `timeout`, `gc-interval`, `comment`, `elements = { ... }`.
//!   Set user data (`NFTA_SET_USERDATA`) is a list of u8-type u8-length
//!   records: 0 key byte order, 1 data byte order, 2 auto-merge, 3 key
//!   typeof, 4 data typeof, 6 data interval, 7 comment; a typeof record
//!   holds nft's expression type (7 payload, 8 extension header, 9 meta,
//!   10 socket, 11 osf, 12 ct, 13 concatenation, 23 numgen, 24 hash,
//!   25 rt, 26 fib, 27 ipsec) and that expression's own records.
//! - **Elements** are sorted as nft sorts them: by their value, a string
//!   by its characters as one little-endian number (shorter first, then
//!   the last character weighs most), a concatenation as
//!   one little-endian number over the whole key, flags with several bits
//!   by their lowest bit; equal keys keep the reverse of the kernel's
//!   order; concatenated ranges keep the kernel's order (one rule for
//!   both printers, `delinearize`'s; values print through
//!   [`Value`] as in rules). Interval sets are
//!   merged back into values, prefixes (addresses and marks only) and
//!   ranges (symbolic types with numeric bounds). Each element prints its
//!   statements, `timeout` (when not the set's), `expires`, `comment`,
//!   then `: DATA`. Several go on a line by the key's type (five for
//!   integers, ports, marks, protocols, uids...; two for addresses and
//!   ct states; one for the rest and for concatenations), continuation
//!   lines indented by three tabs and five spaces.
//! - **Objects**: counter, quota (`over`, `used`, in the largest byte unit
//!   that divides), limit (burst shown when not 5 packets), ct helper,
//!   ct timeout (only the states whose timeout differs from nft's
//!   default), ct expectation (timeout host-endian), synproxy, secmark.
//!
//! Rules are translated into nft's statements by
//! [`lang::delinearize`](crate::lang::delinearize) and printed here
//! ([`stmt_text`], [`expr_text`]); x_tables matches and targets of
//! `iptables-nft` rules print as nft's xtables translations print them
//! (`ct state related,established`, `masquerade`, `xt match NAME` when
//! there is none), and [`warnings`] gives the lines nft writes to standard
//! error for such tables. A rule with a part the delinearizer could not
//! translate is printed as a comment naming its handle and the kernel
//! expressions left over.

use std::collections::HashMap;
use std::fmt::Write as _;

use nfnl::ProtoFamily;
use nfnl_sys as sys;

use super::xlate;
use crate::data::Data;
use crate::expr::{Counter, Expr};
use crate::lang::ast::{ChainItem, FlowtableItem, Item as LItem, ObjItem, TableItem};
use crate::lang::delinearize::{self, udata_comment, Context, IfnameFn};
use crate::lang::listing::{self, set_flags, Filter};
use crate::object::{Chain, ChainFlags, ElemFlags, Element, Set, SetFlags, Table};
use crate::ruleset::Ruleset;
use crate::text::family_name;

/// Prints a [`Ruleset`] as `nft list ruleset` does.
#[derive(Clone)]
pub struct Printer<'a> {
    handles: bool,
    ifname: Option<IfnameFn<'a>>,
}

impl std::fmt::Debug for Printer<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Printer")
            .field("handles", &self.handles)
            .field("ifname", &self.ifname.is_some())
            .finish()
    }
}

impl Default for Printer<'_> {
    fn default() -> Self {
        Printer::new()
    }
}

/// The warnings nft writes to standard error before listing a table that
/// holds x_tables extensions (`# Warning: table ip filter is managed by
/// iptables-nft, do not touch!`), in table order.
pub fn warnings(rs: &Ruleset) -> Vec<String> {
    rs.tables
        .iter()
        .filter(|t| {
            rs.rules.iter().any(|r| {
                r.family == t.family
                    && r.table == t.name
                    && r.exprs.iter().flat_map(|l| l.0.iter()).any(|e| {
                        matches!(
                            e,
                            crate::expr::Expr::Match(_) | crate::expr::Expr::Target(_)
                        )
                    })
            })
        })
        .map(|t| {
            format!(
                "# Warning: table {} {} is managed by iptables-nft, do not touch!",
                family_name(t.family),
                t.name.as_deref().unwrap_or("")
            )
        })
        .collect()
}

/// `nft list ruleset` for `rs`.
pub fn ruleset(rs: &Ruleset) -> String {
    Printer::new().ruleset(rs)
}

impl<'a> Printer<'a> {
    /// A printer without handles (`nft list ruleset`), naming interfaces
    /// by this crate's own lookup (see [`Printer::ifname`]).
    pub fn new() -> Self {
        Printer {
            handles: false,
            ifname: None,
        }
    }

    /// Interface indexes (`iif`, `iface_index` elements) are named by `f`
    /// (`if_indextoname(3)`). Without it, the names come from this
    /// thread's `/proc/thread-self/net/dev` matched with the indexes in
    /// `/sys/class/net`, which sees the namespace sysfs was mounted in:
    /// right for `lo`, not for every device of another namespace.
    pub fn ifname(mut self, f: IfnameFn<'a>) -> Self {
        self.ifname = Some(f);
        self
    }

    /// Prints handles as `nft -a list ruleset` does (`# handle N`).
    pub fn handles(mut self, on: bool) -> Self {
        self.handles = on;
        self
    }

    /// The whole listing: the items of [`listing::listing_each`] in their
    /// order, nested as nft nests them (a table's objects, sets and maps,
    /// flowtables, then each chain with its rules).
    pub fn ruleset(&self, rs: &Ruleset) -> String {
        let mut out = String::new();
        let names = interface_names();
        let ours = |i: u32| names.get(&i).cloned();
        let mut ctx = Ctx {
            ifname: self.ifname.unwrap_or(&ours),
            rules: HashMap::new(),
            elems: HashMap::new(),
            bound: std::collections::HashSet::new(),
            tables: HashMap::new(),
            sets: HashMap::new(),
            chains: HashMap::new(),
        };
        fn s(x: &Option<String>) -> &str {
            x.as_deref().unwrap_or("")
        }
        for r in &rs.rules {
            ctx.rules
                .entry((r.family, s(&r.table), s(&r.chain)))
                .or_default()
                .push(r);
        }
        for e in &rs.elements {
            ctx.elems
                .entry((e.family, s(&e.table), s(&e.set)))
                .or_default()
                .extend(e.elements.iter().flat_map(|l| l.0.iter()));
        }
        for c in &rs.chains {
            if c.flags.is_some_and(|f| f.contains(ChainFlags::BINDING)) {
                ctx.bound.insert((c.family, s(&c.table), s(&c.name)));
            }
            ctx.chains.insert((c.family, s(&c.table), s(&c.name)), c);
        }
        for t in &rs.tables {
            ctx.tables.insert((family_name(t.family), s(&t.name)), t);
        }
        for x in &rs.sets {
            ctx.sets.insert((x.family, s(&x.table), s(&x.name)), x);
        }
        let filter = Filter {
            ifname: Some(ctx.ifname),
            ..Default::default()
        };
        let mut table: Option<TableOut> = None;
        listing::listing_items(rs, &filter, false, &mut |item| match item {
            LItem::Table(t) => {
                if let Some(done) = table.take() {
                    self.end_table(&mut out, done, rs, &ctx);
                }
                table = self.begin_table(&mut out, t, &ctx);
            }
            LItem::Obj(ob) => {
                if let Some(t) = table.as_mut() {
                    t.sep(&mut out);
                    self.obj(&mut out, &ob);
                }
            }
            LItem::Set(x) => {
                if let Some(t) = table.as_mut() {
                    let tname = t.name.clone();
                    if let Some(k) = ctx.sets.get(&(t.family, tname.as_str(), x.name.as_str())) {
                        t.sep(&mut out);
                        self.set(&mut out, k, &ctx);
                    }
                }
            }
            LItem::Flowtable(f) => {
                if let Some(t) = table.as_mut() {
                    t.sep(&mut out);
                    self.flowtable(&mut out, &f);
                }
            }
            LItem::Chain(c) => {
                if let Some(t) = table.as_mut() {
                    t.chains.push((c, Vec::new()));
                }
            }
            LItem::Rule(r) => {
                if let Some(t) = table.as_mut() {
                    if let Some((_, rules)) =
                        t.chains.iter_mut().rev().find(|(c, _)| c.name == r.chain)
                    {
                        rules.push(r);
                    }
                }
            }
        });
        if let Some(done) = table.take() {
            self.end_table(&mut out, done, rs, &ctx);
        }
        out
    }

    fn handle(&self, h: Option<u64>) -> String {
        match (self.handles, h) {
            (true, Some(h)) => format!(" # handle {h}"),
            _ => String::new(),
        }
    }

    /// `table FAMILY NAME {`, its flags and comment; `None` for a table
    /// the ruleset does not hold.
    fn begin_table(&self, o: &mut String, item: TableItem, ctx: &Ctx<'_>) -> Option<TableOut> {
        let t = *ctx.tables.get(&(item.family, item.name.as_str()))?;
        let _ = write!(o, "table {} {} {{", item.family, item.name);
        let owned = item.flags.contains(&"owner");
        if self.handles || owned {
            o.push_str(" #");
        }
        if self.handles {
            let _ = write!(o, " handle {}", item.handle);
        }
        if owned {
            let prog = t
                .owner
                .and_then(owner_program)
                .unwrap_or_else(|| "-".to_owned());
            let _ = write!(o, " progname {prog}");
        }
        o.push('\n');
        if !item.flags.is_empty() {
            let _ = writeln!(o, "\tflags {}", item.flags.join(","));
        }
        if let Some(c) = &item.comment {
            let _ = writeln!(o, "\tcomment \"{c}\"");
        }
        Some(TableOut {
            family: t.family,
            name: item.name,
            // nft leaves an empty line after the declarations only when
            // the table has flags (a comment alone is followed directly).
            first: t.flags.is_none_or(|f| f.is_empty()),
            chains: Vec::new(),
        })
    }

    /// The table's chains with their rules, and its closing brace.
    fn end_table(&self, o: &mut String, mut t: TableOut, rs: &Ruleset, ctx: &Ctx<'_>) {
        let (fam, name) = (t.family, t.name.clone());
        // The rules of bound chains are not in the listing: they are
        // translated here, with the table's sets, when the table has any.
        let has_bound = ctx.bound.iter().any(|(f, tb, _)| *f == fam && *tb == name);
        let dctx = has_bound.then(|| {
            let mut d = Context::new(fam);
            d.ifname = Some(ctx.ifname);
            for s in rs
                .sets
                .iter()
                .filter(|x| x.family == fam && x.table.as_deref() == Some(&name))
            {
                let key = (fam, name.as_str(), s.name.as_deref().unwrap_or(""));
                d.add_set(s, ctx.elems.get(&key).into_iter().flatten().copied());
            }
            d
        });
        for (c, rules) in std::mem::take(&mut t.chains) {
            t.sep(o);
            self.chain(o, &c, rules, dctx.as_ref(), ctx, fam);
        }
        o.push_str("}\n");
    }

    fn chain(
        &self,
        o: &mut String,
        item: &ChainItem,
        rules: Vec<RuleItem>,
        dctx: Option<&Context<'_>>,
        ctx: &Ctx<'_>,
        family: ProtoFamily,
    ) {
        let table = item.table.as_str();
        let name = item.name.as_str();
        let _ = writeln!(o, "\tchain {name} {{{}", self.handle(Some(item.handle)));
        if let Some(cm) = &item.comment {
            let _ = writeln!(o, "\t\tcomment \"{cm}\"");
        }
        if let Some(b) = &item.base {
            let _ = write!(o, "\t\ttype {} hook {}", b.kind, b.hook);
            // (the kernel gives a single device both as NFTA_HOOK_DEV and
            // in NFTA_HOOK_DEVS)
            let mut list: Vec<&str> = b.devices.iter().map(String::as_str).collect();
            list.sort_unstable();
            list.dedup();
            if let [d] = list.as_slice() {
                let _ = write!(o, " device \"{d}\"");
            } else if !list.is_empty() {
                let _ = write!(o, " devices = {{ {} }}", list.join(", "));
            }
            let _ = write!(o, " priority {};", priority_text(family, b.hook, b.prio));
            let _ = write!(o, " policy {};", b.policy);
            o.push('\n');
        }
        let offload = ctx
            .chains
            .get(&(family, table, name))
            .and_then(|c| c.flags)
            .is_some_and(|f| f.contains(ChainFlags::HW_OFFLOAD));
        if offload {
            o.push_str("\t\tflags offload;\n");
        }
        // The listing's rules of the chain are the kernel's, in order.
        let kernel = ctx.rules.get(&(family, table, name));
        let pairs = rules
            .into_iter()
            .zip(kernel.into_iter().flatten().copied())
            .collect();
        self.rules(o, ctx, dctx, family, table, pairs, 2);
        o.push_str("\t}\n");
    }

    /// Rules (translated, with their kernel form for x_tables
    /// extensions), indented by `depth` tabs; a jump or goto to a bound
    /// (anonymous) chain prints that chain's rules inline in braces, one
    /// tab deeper.
    #[allow(clippy::too_many_arguments)]
    fn rules(
        &self,
        o: &mut String,
        ctx: &Ctx<'_>,
        dctx: Option<&Context<'_>>,
        family: ProtoFamily,
        table: &str,
        rules: Vec<(RuleItem, &crate::object::Rule)>,
        depth: usize,
    ) {
        let tabs = "\t".repeat(depth);
        let bound = |n: &str| ctx.bound.contains(&(family, table, n));
        for (mut item, r) in rules {
            // A jump into a bound chain: the chain's rules inline.
            let inline = match item.stmts.last() {
                Some(Stmt::Verdict(LVerdict::Jump(n))) if bound(n) => Some(("jump", n.clone())),
                Some(Stmt::Verdict(LVerdict::Goto(n))) if bound(n) => Some(("goto", n.clone())),
                _ => None,
            };
            let inline = inline.and_then(|i| dctx.map(|d| (i, d)));
            if inline.is_some() {
                item.stmts.pop();
            }
            // x_tables extensions, in the rule's order, translated.
            let l4 = item.stmts.iter().find_map(|st| match st {
                Stmt::Match {
                    op: Op::Eq,
                    left: LExpr::Meta("l4proto"),
                    right,
                } => Some(expr_text(right)),
                _ => None,
            });
            let xt: Vec<Option<String>> = r
                .exprs
                .iter()
                .flat_map(|l| l.0.iter())
                .filter_map(|e| match e {
                    crate::expr::Expr::Match(c) => {
                        Some(xlate::text(c, false, family, l4.as_deref()))
                    }
                    crate::expr::Expr::Target(c) => {
                        Some(xlate::text(c, true, family, l4.as_deref()))
                    }
                    _ => None,
                })
                .collect();
            match rule_text_xt(&item, &xt) {
                Some(t) => match inline {
                    Some(((kw, n), d)) => {
                        let sp = if t.is_empty() { "" } else { " " };
                        // The rule's handle follows the closing brace; the
                        // bound chain's rules show none.
                        let _ = writeln!(o, "{tabs}{t}{sp}{kw} {{");
                        let inner = Printer {
                            handles: false,
                            ifname: self.ifname,
                        };
                        let inner_rules = ctx
                            .rules
                            .get(&(family, table, n.as_str()))
                            .into_iter()
                            .flatten()
                            .map(|x| (delinearize::rule(d, x), *x))
                            .collect();
                        inner.rules(o, ctx, dctx, family, table, inner_rules, depth + 1);
                        let _ = writeln!(o, "{tabs}}}{}", self.handle(r.handle));
                    }
                    None => {
                        let _ = writeln!(o, "{tabs}{t}{}", self.handle(r.handle));
                    }
                },
                None => {
                    let left: Vec<&str> = item
                        .untranslated()
                        .flat_map(|u| u.text.iter().map(String::as_str))
                        .collect();
                    let _ = writeln!(
                        o,
                        "{tabs}# rule handle {} not translated: {}",
                        r.handle.unwrap_or(0),
                        left.join(" ")
                    );
                }
            }
        }
    }

    fn flowtable(&self, o: &mut String, f: &FlowtableItem) {
        let _ = writeln!(
            o,
            "\tflowtable {} {{{}",
            f.name,
            self.handle(Some(f.handle))
        );
        let _ = writeln!(
            o,
            "\t\thook {} priority {}",
            f.hook,
            priority_text(ProtoFamily::Netdev, f.hook, f.prio)
        );
        if !f.devices.is_empty() {
            let mut list: Vec<&str> = f.devices.iter().map(String::as_str).collect();
            list.sort_unstable();
            let _ = writeln!(o, "\t\tdevices = {{ {} }}", list.join(", "));
        }
        if f.flags.contains(&"offload") {
            o.push_str("\t\tflags offload\n");
        }
        if f.flags.contains(&"counter") {
            o.push_str("\t\tcounter\n");
        }
        o.push_str("\t}\n");
    }

    fn obj(&self, o: &mut String, item: &ObjItem) {
        let kind = match &item.obj {
            ObjBody::Connlimit { .. } => "connlimit",
            // An object whose data this crate cannot read: its type.
            ObjBody::Other(k) => match *k {
                sys::NFT_OBJECT_COUNTER => "counter",
                sys::NFT_OBJECT_QUOTA => "quota",
                sys::NFT_OBJECT_CT_HELPER => "ct helper",
                sys::NFT_OBJECT_LIMIT => "limit",
                sys::NFT_OBJECT_CONNLIMIT => "connlimit",
                sys::NFT_OBJECT_TUNNEL => "tunnel",
                sys::NFT_OBJECT_CT_TIMEOUT => "ct timeout",
                sys::NFT_OBJECT_SECMARK => "secmark",
                sys::NFT_OBJECT_CT_EXPECT => "ct expectation",
                sys::NFT_OBJECT_SYNPROXY => "synproxy",
                _ => "unknown",
            },
            b => b.kind(),
        };
        let _ = writeln!(
            o,
            "\t{kind} {} {{{}",
            item.name,
            self.handle(Some(item.handle))
        );
        if let Some(cm) = &item.comment {
            let _ = writeln!(o, "\t\tcomment \"{cm}\"");
        }
        match &item.obj {
            ObjBody::Counter(c) => {
                let _ = writeln!(o, "\t\tpackets {} bytes {}", c.packets, c.bytes);
            }
            ObjBody::Quota(q) => {
                let over = if q.inv { "over " } else { "" };
                let (v, u) = bytes_unit(q.bytes);
                let _ = write!(o, "\t\t{over}{v} {u}");
                if q.used != 0 {
                    let (v, u) = bytes_unit(q.used);
                    let _ = write!(o, " used {v} {u}");
                }
                o.push('\n');
            }
            ObjBody::Limit(l) => {
                let _ = writeln!(o, "\t\t{}", limit_rate_text(l));
            }
            ObjBody::CtHelper {
                helper,
                protocol,
                l3proto,
            } => {
                let _ = writeln!(o, "\t\ttype \"{helper}\" protocol {protocol}");
                let _ = writeln!(o, "\t\tl3proto {l3proto}");
            }
            ObjBody::CtExpect {
                protocol,
                dport,
                timeout,
                size,
                l3proto,
            } => {
                let _ = writeln!(o, "\t\tprotocol {protocol}");
                let _ = writeln!(o, "\t\tdport {dport}");
                let _ = writeln!(o, "\t\ttimeout {}", duration_text((*timeout).into()));
                let _ = writeln!(o, "\t\tsize {size}");
                let _ = writeln!(o, "\t\tl3proto {l3proto}");
            }
            ObjBody::CtTimeout {
                protocol,
                l3proto,
                policy,
            } => {
                let _ = writeln!(o, "\t\tprotocol {protocol}");
                let _ = writeln!(o, "\t\tl3proto {l3proto}");
                let pol = policy
                    .iter()
                    .map(|(n, v)| format!("{n} : {v}"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let _ = writeln!(o, "\t\tpolicy = {{ {pol} }}");
            }
            ObjBody::Synproxy(sp) => {
                let _ = writeln!(o, "\t\tmss {}", sp.mss.unwrap_or(0));
                let _ = writeln!(o, "\t\twscale {}", sp.wscale.unwrap_or(0));
                if !sp.flags.is_empty() {
                    let _ = writeln!(o, "\t\t{}", sp.flags.join(" "));
                }
            }
            ObjBody::Secmark { context } => {
                let _ = writeln!(o, "\t\t\"{context}\"");
            }
            ObjBody::Connlimit { count, inv } => {
                let inv = if *inv { "over " } else { "" };
                let _ = writeln!(o, "\t\tct count {inv}{count}");
            }
            ObjBody::Other(_) => {}
        }
        o.push_str("\t}\n");
    }

    fn set(&self, o: &mut String, s: &Set, ctx: &Ctx<'_>) {
        let flags = s.flags.unwrap_or_default();
        let is_map = flags.contains(SetFlags::MAP) || flags.contains(SetFlags::OBJECT);
        let name = s.name.as_deref().unwrap_or("");
        let _ = writeln!(
            o,
            "\t{} {name} {{{}",
            if is_map { "map" } else { "set" },
            self.handle(s.handle)
        );
        let ud = SetUdata::parse(s.userdata.as_deref().unwrap_or(&[]));
        let key = KeyType::of(
            s.key_type.unwrap_or(0),
            s.key_len.unwrap_or(0),
            s.desc
                .as_ref()
                .and_then(|d| d.concat.as_ref())
                .map(|c| &c.0[..]),
            ud.key_typeof.as_ref(),
            ud.key_byteorder,
        );
        let data = if flags.contains(SetFlags::OBJECT) {
            None
        } else if is_map {
            let dlen = s.data_len.unwrap_or(0);
            let mut k = KeyType::of(
                s.data_type.unwrap_or(0),
                if ud.data_interval { dlen / 2 } else { dlen },
                None,
                ud.data_typeof.as_ref(),
                ud.data_byteorder,
            );
            k.interval = ud.data_interval;
            Some(k)
        } else {
            None
        };
        // type / typeof line
        let typeof_key = key.typeof_text.clone();
        let typeof_data = data.as_ref().map(|d| d.typeof_text.clone());
        let use_typeof = typeof_key.is_some();
        o.push_str("\t\t");
        if use_typeof {
            let _ = write!(o, "typeof {}", typeof_key.unwrap_or_default());
        } else {
            let _ = write!(o, "type {}", key.type_name());
        }
        if flags.contains(SetFlags::OBJECT) {
            let _ = write!(
                o,
                " : {}",
                delinearize::obj_kind(s.obj_type.unwrap_or(0)).unwrap_or("unknown")
            );
        } else if let Some(d) = &data {
            o.push_str(" : ");
            if ud.data_interval {
                o.push_str("interval ");
            }
            match (use_typeof, typeof_data.flatten()) {
                (true, Some(t)) => o.push_str(&t),
                _ => o.push_str(&d.type_name()),
            }
        }
        o.push('\n');
        if s.policy == Some(sys::NFT_SET_POL_MEMORY) {
            o.push_str("\t\tpolicy memory\n");
        }
        if let Some(size) = s.desc.as_ref().and_then(|d| d.size) {
            if size != 0 && !flags.contains(SetFlags::CONSTANT) {
                let _ = writeln!(o, "\t\tsize {size}");
            }
        }
        let mut fl = set_flags(flags);
        if flags.contains(SetFlags::EVAL) {
            fl.push("dynamic");
        }
        // A timeout flag alone is implied by the set's timeout.
        if fl == ["timeout"] && s.timeout.is_some_and(|t| t != 0) {
            fl.clear();
        }
        if !fl.is_empty() {
            if flags.contains(SetFlags::EVAL) {
                // nft prints dynamic first
                fl.retain(|f| *f != "dynamic");
                fl.insert(0, "dynamic");
            }
            let _ = writeln!(o, "\t\tflags {}", fl.join(","));
        }
        if ud.merge {
            o.push_str("\t\tauto-merge\n");
        }
        let set_exprs: Vec<&Expr> = s
            .expr
            .iter()
            .map(|b| &**b)
            .chain(s.exprs.iter().flat_map(|l| l.0.iter()))
            .collect();
        let decl: Vec<String> = set_exprs
            .iter()
            .filter_map(|e| stateful_text(e, true))
            .collect();
        if !decl.is_empty() {
            let _ = writeln!(o, "\t\t{}", decl.join(" "));
        }
        if let Some(t) = s.timeout {
            let _ = writeln!(o, "\t\ttimeout {}", duration_text(t.into()));
        }
        if let Some(g) = s.gc_interval {
            if flags.contains(SetFlags::TIMEOUT) || s.timeout.is_some() {
                let _ = writeln!(o, "\t\tgc-interval {}", duration_text(g.into()));
            }
        }
        if let Some(c) = &ud.comment {
            let _ = writeln!(o, "\t\tcomment \"{c}\"");
        }
        let elems: Vec<&Element> = ctx
            .elems
            .get(&(s.family, s.table.as_deref().unwrap_or(""), name))
            .cloned()
            .unwrap_or_default();
        let items = element_items(s, &key, data.as_ref(), &elems, ctx);
        if !items.is_empty() {
            o.push_str("\t\telements = { ");
            let per_line = if key.fields.len() == 1 {
                per_line(key.fields[0].dtype)
            } else {
                1
            };
            for (i, it) in items.iter().enumerate() {
                if i > 0 {
                    if i % per_line == 0 {
                        o.push_str(",\n\t\t\t     ");
                    } else {
                        o.push_str(", ");
                    }
                }
                o.push_str(it);
            }
            o.push_str(" }\n");
        }
        o.push_str("\t}\n");
    }
}

/// Interface names by index, for `iface_index` values.
struct Ctx<'a> {
    ifname: IfnameFn<'a>,
    /// Rules by (family, table, chain), in the kernel's order.
    rules: HashMap<(ProtoFamily, &'a str, &'a str), Vec<&'a crate::object::Rule>>,
    /// Elements by (family, table, set), in the kernel's order.
    elems: HashMap<(ProtoFamily, &'a str, &'a str), Vec<&'a Element>>,
    /// Bound (anonymous) chains.
    bound: std::collections::HashSet<(ProtoFamily, &'a str, &'a str)>,
    /// Tables by (family name, name).
    tables: HashMap<(&'static str, &'a str), &'a Table>,
    /// Sets by (family, table, name).
    sets: HashMap<(ProtoFamily, &'a str, &'a str), &'a Set>,
    /// Chains by (family, table, name).
    chains: HashMap<(ProtoFamily, &'a str, &'a str), &'a Chain>,
}

/// A table being printed: its chains (and their rules) wait for the
/// listing's rules, which follow all the chains.
struct TableOut {
    family: ProtoFamily,
    name: String,
    /// No part printed yet (and none needs an empty line before it).
    first: bool,
    chains: Vec<(ChainItem, Vec<RuleItem>)>,
}

impl TableOut {
    /// The empty line between two parts of a table.
    fn sep(&mut self, o: &mut String) {
        if !self.first {
            o.push('\n');
        }
        self.first = false;
    }
}

/// The name (`comm`) of the process holding the netlink socket whose
/// port id is `portid`: the socket's inode from `/proc/net/netlink` (this
/// namespace's sockets), then the process with that socket open.
fn owner_program(portid: u32) -> Option<String> {
    let table = std::fs::read_to_string("/proc/thread-self/net/netlink")
        .or_else(|_| std::fs::read_to_string("/proc/net/netlink"))
        .ok()?;
    let inode = table.lines().skip(1).find_map(|l| {
        let f: Vec<&str> = l.split_whitespace().collect();
        (f.get(1) == Some(&"12") && f.get(2)?.parse::<u32>().ok()? == portid)
            .then(|| f.get(9).map(|i| (*i).to_owned()))
            .flatten()
    })?;
    let target = format!("socket:[{inode}]");
    for p in std::fs::read_dir("/proc").ok()?.flatten() {
        let Some(pid) = p.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else {
            continue;
        };
        let Ok(fds) = std::fs::read_dir(format!("/proc/{pid}/fd")) else {
            continue;
        };
        for fd in fds.flatten() {
            if std::fs::read_link(fd.path()).is_ok_and(|l| l.to_string_lossy() == target) {
                return std::fs::read_to_string(format!("/proc/{pid}/comm"))
                    .ok()
                    .map(|c| c.trim_end().to_owned());
            }
        }
    }
    None
}

/// Interface names of this network namespace by index: the names of
/// `/proc/net/dev` (per namespace) with the index sysfs gives them.
fn interface_names() -> HashMap<u32, String> {
    let mut m = HashMap::new();
    // This thread's network namespace (a thread may have entered another
    // one than the process's).
    let here: Vec<String> = std::fs::read_to_string("/proc/thread-self/net/dev")
        .or_else(|_| std::fs::read_to_string("/proc/net/dev"))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split_once(':').map(|(n, _)| n.trim().to_owned()))
        .collect();
    if let Ok(rd) = std::fs::read_dir("/sys/class/net") {
        for d in rd.flatten() {
            let name = d.file_name().to_string_lossy().into_owned();
            if !here.contains(&name) {
                continue;
            }
            if let Ok(i) = std::fs::read_to_string(d.path().join("ifindex")) {
                if let Ok(i) = i.trim().parse() {
                    m.insert(i, name);
                }
            }
        }
    }
    m
}

// ---------------------------------------------------------------- hooks

/// A base chain's priority as nft names it: a standard priority of the
/// family and hook within 10, else the number.
pub fn priority_text(f: ProtoFamily, hook: &str, prio: i32) -> String {
    let std: &[(&str, i32)] = match f {
        ProtoFamily::Ipv4 | ProtoFamily::Ipv6 | ProtoFamily::Inet => match hook {
            "prerouting" => &[
                ("raw", -300),
                ("mangle", -150),
                ("dstnat", -100),
                ("filter", 0),
                ("security", 50),
            ],
            "postrouting" => &[
                ("raw", -300),
                ("mangle", -150),
                ("filter", 0),
                ("security", 50),
                ("srcnat", 100),
            ],
            _ => &[
                ("raw", -300),
                ("mangle", -150),
                ("filter", 0),
                ("security", 50),
            ],
        },
        ProtoFamily::Bridge => match hook {
            "prerouting" => &[("dstnat", -300), ("filter", -200)],
            "output" => &[("filter", -200), ("out", 100)],
            "postrouting" => &[("filter", -200), ("srcnat", 300)],
            _ => &[("filter", -200)],
        },
        ProtoFamily::Arp | ProtoFamily::Netdev => &[("filter", 0)],
        _ => &[],
    };
    for (n, v) in std {
        let d = i64::from(prio) - i64::from(*v);
        if d == 0 {
            return (*n).to_owned();
        }
        if (1..=10).contains(&d) {
            return format!("{n} + {d}");
        }
        if (-10..=-1).contains(&d) {
            return format!("{n} - {}", -d);
        }
    }
    prio.to_string()
}

// ---------------------------------------------------------------- user data

/// The value of the first type-length-value record of `ty` in nftnl user
/// data (`u8` type, `u8` length, value).
fn udata_records(u: &[u8]) -> Vec<(u8, &[u8])> {
    let mut out = Vec::new();
    let mut i = 0usize;
    while let (Some(&t), Some(&l)) = (u.get(i), u.get(i + 1)) {
        let start = i + 2;
        let Some(v) = u.get(start..start + usize::from(l)) else {
            break;
        };
        out.push((t, v));
        i = start + usize::from(l);
    }
    out
}

fn cstr(v: &[u8]) -> String {
    let end = v.iter().position(|&b| b == 0).unwrap_or(v.len());
    String::from_utf8_lossy(&v[..end]).into_owned()
}

fn udata_u32(v: &[u8]) -> Option<u32> {
    Some(u32::from_ne_bytes(v.get(..4)?.try_into().ok()?))
}

/// What nft keeps in a set's user data.
#[derive(Default)]
struct SetUdata {
    key_byteorder: Option<u32>,
    data_byteorder: Option<u32>,
    merge: bool,
    key_typeof: Option<TypeofExpr>,
    data_typeof: Option<TypeofExpr>,
    data_interval: bool,
    comment: Option<String>,
}

impl SetUdata {
    fn parse(u: &[u8]) -> Self {
        let mut s = SetUdata::default();
        for (t, v) in udata_records(u) {
            match t {
                0 => s.key_byteorder = udata_u32(v),
                1 => s.data_byteorder = udata_u32(v),
                2 => s.merge = udata_u32(v).is_some_and(|x| x != 0),
                3 => s.key_typeof = TypeofExpr::parse(v),
                4 => s.data_typeof = TypeofExpr::parse(v),
                6 => s.data_interval = udata_u32(v).is_some_and(|x| x != 0),
                7 => s.comment = Some(cstr(v)),
                _ => {}
            }
        }
        s
    }
}

/// One typeof expression of a set's user data: nft's expression type and
/// its own records.
#[derive(Clone, Debug)]
enum TypeofExpr {
    Payload {
        desc: u32,
        field: u32,
        raw: Option<(u32, u32, u32)>,
        bits: Option<u32>,
    },
    Exthdr {
        desc: u32,
        field: u32,
        op: u32,
    },
    Meta(u32),
    Ct {
        key: u32,
        dir: Option<u8>,
    },
    Osf,
    Socket(u32),
    Rt(u32),
    Fib {
        result: u32,
        flags: u32,
    },
    Xfrm {
        key: u32,
        dir: u32,
        spnum: u32,
    },
    Numgen {
        mode: u32,
        modulus: u32,
        offset: u32,
    },
    Symhash {
        modulus: u32,
        offset: u32,
    },
    Concat(Vec<TypeofExpr>),
    Other,
}

const EXPR_PAYLOAD: u32 = 7;
const EXPR_EXTHDR: u32 = 8;
const EXPR_META: u32 = 9;
const EXPR_OSF: u32 = 11;
const EXPR_CT: u32 = 12;
const EXPR_CONCAT: u32 = 13;
const EXPR_SOCKET: u32 = 10;
const EXPR_RT: u32 = 25;
const EXPR_FIB: u32 = 26;
const EXPR_XFRM: u32 = 27;
const EXPR_NUMGEN: u32 = 23;
const EXPR_HASH: u32 = 24;

impl TypeofExpr {
    fn parse(v: &[u8]) -> Option<Self> {
        let recs = udata_records(v);
        let ty = recs
            .iter()
            .find(|(t, _)| *t == 0)
            .and_then(|(_, v)| udata_u32(v))?;
        let data = recs
            .iter()
            .find(|(t, _)| *t == 1)
            .map(|(_, v)| *v)
            .unwrap_or(&[]);
        let d = udata_records(data);
        let num = |k: u8| {
            d.iter()
                .find(|(t, _)| *t == k)
                .and_then(|(_, v)| udata_u32(v))
        };
        Some(match ty {
            EXPR_PAYLOAD => {
                let desc = num(0).unwrap_or(0);
                let field = num(1).unwrap_or(0);
                let raw = if desc == 0 {
                    Some((
                        num(2).unwrap_or(0),
                        num(3).unwrap_or(0),
                        num(4).unwrap_or(0),
                    ))
                } else {
                    None
                };
                TypeofExpr::Payload {
                    desc,
                    field,
                    raw,
                    bits: if desc == 0 { None } else { num(4) },
                }
            }
            EXPR_META => TypeofExpr::Meta(num(0).unwrap_or(0)),
            EXPR_CT => {
                let dir = d
                    .iter()
                    .find(|(t, _)| *t == 1)
                    .and_then(|(_, v)| v.first().copied())
                    .filter(|&x| x != 0xff);
                TypeofExpr::Ct {
                    key: num(0).unwrap_or(0),
                    dir,
                }
            }
            EXPR_OSF => TypeofExpr::Osf,
            EXPR_SOCKET => TypeofExpr::Socket(num(0).unwrap_or(0)),
            EXPR_RT => TypeofExpr::Rt(num(0).unwrap_or(0)),
            EXPR_FIB => TypeofExpr::Fib {
                result: num(0).unwrap_or(0),
                flags: num(1).unwrap_or(0),
            },
            EXPR_XFRM => TypeofExpr::Xfrm {
                key: num(0).unwrap_or(0),
                dir: num(1).unwrap_or(0),
                spnum: num(2).unwrap_or(0),
            },
            EXPR_NUMGEN => TypeofExpr::Numgen {
                mode: num(0).unwrap_or(0),
                modulus: num(1).unwrap_or(0),
                offset: num(2).unwrap_or(0),
            },
            EXPR_HASH if num(0) == Some(1) => TypeofExpr::Symhash {
                modulus: num(2).unwrap_or(0),
                offset: num(3).unwrap_or(0),
            },
            EXPR_CONCAT => TypeofExpr::Concat(
                d.iter()
                    .map(|(_, v)| TypeofExpr::parse(v).unwrap_or(TypeofExpr::Other))
                    .collect(),
            ),
            EXPR_EXTHDR => TypeofExpr::Exthdr {
                desc: num(0).unwrap_or(0),
                field: num(1).unwrap_or(0),
                op: num(2).unwrap_or(0),
            },
            _ => TypeofExpr::Other,
        })
    }

    /// nft's text of the expression; `None` if not known here.
    fn text(&self) -> Option<String> {
        Some(match self {
            TypeofExpr::Payload {
                raw: Some((base, off, len)),
                ..
            } => {
                let b = match base {
                    1 => "ll",
                    2 => "nh",
                    3 => "th",
                    4 => "ih",
                    _ => return None,
                };
                format!("@{b},{off},{len}")
            }
            TypeofExpr::Payload { desc, field, .. } => {
                let (p, fields) = payload_desc(*desc)?;
                let f = fields.get(usize::try_from(*field).ok()?.checked_sub(1)?)?;
                format!("{p} {}", f.0)
            }
            TypeofExpr::Meta(k) => {
                let n = meta_key_name(*k)?;
                if matches!(k, 4 | 5 | 6 | 7 | 21 | 22) {
                    n.to_owned()
                } else {
                    format!("meta {n}")
                }
            }
            TypeofExpr::Ct { key, dir } => {
                let n = ct_key_name(*key)?;
                match dir {
                    Some(0) => format!("ct original {n}"),
                    Some(1) => format!("ct reply {n}"),
                    _ => format!("ct {n}"),
                }
            }
            TypeofExpr::Osf => "osf name".to_owned(),
            TypeofExpr::Socket(k) => format!(
                "socket {}",
                ["transparent", "mark", "wildcard", "cgroupv2"].get(usize::try_from(*k).ok()?)?
            ),
            TypeofExpr::Rt(k) => format!(
                "rt {}",
                ["classid", "ip nexthop", "ip6 nexthop", "mtu", "ipsec"]
                    .get(usize::try_from(*k).ok()?)?
            ),
            TypeofExpr::Fib { result, flags } => {
                let names: Vec<&str> = [
                    (1, "saddr"),
                    (2, "daddr"),
                    (4, "mark"),
                    (8, "iif"),
                    (16, "oif"),
                ]
                .iter()
                .filter(|(b, _)| flags & b != 0)
                .map(|(_, n)| *n)
                .collect();
                let r = match result {
                    1 => "oif",
                    2 => "oifname",
                    3 => "type",
                    _ => return None,
                };
                format!("fib {} {r}", names.join(" . "))
            }
            TypeofExpr::Xfrm { key, dir, spnum } => {
                let k = match key {
                    5 => "reqid",
                    6 => "spi",
                    _ => return None,
                };
                let d = if *dir == 0 { "in" } else { "out" };
                if *spnum != 0 {
                    format!("ipsec {d} spnum {spnum} {k}")
                } else {
                    format!("ipsec {d} {k}")
                }
            }
            TypeofExpr::Numgen {
                mode,
                modulus,
                offset,
            } => {
                let m = if *mode == 0 { "inc" } else { "random" };
                let mut t = format!("numgen {m} mod {modulus}");
                if *offset != 0 {
                    let _ = write!(t, " offset {offset}");
                }
                t
            }
            TypeofExpr::Symhash { modulus, offset } => {
                let mut t = format!("symhash mod {modulus}");
                if *offset != 0 {
                    let _ = write!(t, " offset {offset}");
                }
                t
            }
            TypeofExpr::Exthdr { desc, field, op } => exthdr_typeof(*desc, *field, *op)?,
            TypeofExpr::Concat(v) if v.is_empty() => return None,
            TypeofExpr::Concat(v) => v
                .iter()
                .map(TypeofExpr::text)
                .collect::<Option<Vec<_>>>()?
                .join(" . "),
            TypeofExpr::Other => return None,
        })
    }

    /// The datatype nft gives the expression's values, if it differs from
    /// the set's declared key type (raw payload: hex integers).
    fn is_raw(&self) -> bool {
        matches!(self, TypeofExpr::Payload { raw: Some(_), .. })
    }

    /// Whether the expression's values are host-endian (for integer
    /// fields of a concatenation, whose type does not tell).
    fn host_order(&self) -> bool {
        match self {
            TypeofExpr::Payload { .. } => false,
            TypeofExpr::Ct { key, .. } => !matches!(key, 8 | 9 | 11 | 12 | 19..=22),
            TypeofExpr::Xfrm { key, .. } => *key == 5,
            TypeofExpr::Meta(k) => *k != 1,
            _ => true,
        }
    }

    fn parts(&self) -> Vec<&TypeofExpr> {
        match self {
            TypeofExpr::Concat(v) => v.iter().collect(),
            e => vec![e],
        }
    }
}

/// An extension header, option or chunk field of typeof user data:
/// `frag frag-off`, `tcp option maxseg size`, `ip option ra value`,
/// `sctp chunk init num-inbound-streams`.
fn exthdr_typeof(desc: u32, field: u32, op: u32) -> Option<String> {
    let f = usize::try_from(field).ok()?;
    Some(match op {
        0 => {
            let (name, fields): (&str, &[&str]) = match desc {
                1 => ("hbh", &["", "nexthdr", "hdrlength"]),
                2 => ("rt", &["", "nexthdr", "hdrlength", "type", "seg-left"]),
                3 => (
                    "rt0",
                    &["", "nexthdr", "hdrlength", "type", "seg-left", "reserved"],
                ),
                4 => (
                    "rt2",
                    &[
                        "",
                        "nexthdr",
                        "hdrlength",
                        "type",
                        "seg-left",
                        "reserved",
                        "addr",
                    ],
                ),
                5 => (
                    "srh",
                    &[
                        "",
                        "nexthdr",
                        "hdrlength",
                        "type",
                        "seg-left",
                        "last-entry",
                        "flags",
                        "tag",
                    ],
                ),
                6 => (
                    "frag",
                    &[
                        "",
                        "nexthdr",
                        "reserved",
                        "frag-off",
                        "reserved2",
                        "more-fragments",
                        "id",
                    ],
                ),
                7 => ("dst", &["", "nexthdr", "hdrlength"]),
                8 => (
                    "mh",
                    &["", "nexthdr", "hdrlength", "type", "reserved", "checksum"],
                ),
                _ => return None,
            };
            format!("{name} {}", fields.get(f).filter(|x| !x.is_empty())?)
        }
        1 => {
            let (name, extra): (&str, &[&str]) = match desc {
                0 => ("eol", &[]),
                1 => ("nop", &[]),
                2 => ("maxseg", &["size"]),
                3 => ("window", &["count"]),
                4 => ("sack-perm", &[]),
                5 => ("sack", &["left", "right"]),
                8 => ("timestamp", &["tsval", "tsecr"]),
                30 => ("mptcp", &["subtype"]),
                _ => return None,
            };
            let fname = match f {
                0 => "kind",
                1 => "length",
                n => extra.get(n - 2)?,
            };
            format!("tcp option {name} {fname}")
        }
        2 => {
            let (name, extra): (&str, &[&str]) = match desc {
                131 => ("lsrr", &["ptr", "addr"]),
                7 => ("rr", &["ptr", "addr"]),
                137 => ("ssrr", &["ptr", "addr"]),
                148 => ("ra", &["value"]),
                _ => return None,
            };
            let fname = match f {
                1 => "type",
                2 => "length",
                n => extra.get(n.checked_sub(3)?)?,
            };
            format!("ip option {name} {fname}")
        }
        3 => {
            let (name, extra): (&str, &[&str]) = match desc {
                0 => ("data", &["tsn", "stream", "ssn", "ppid"]),
                1 => (
                    "init",
                    &[
                        "init-tag",
                        "a-rwnd",
                        "num-outbound-streams",
                        "num-inbound-streams",
                        "initial-tsn",
                    ],
                ),
                2 => (
                    "init-ack",
                    &[
                        "init-tag",
                        "a-rwnd",
                        "num-outbound-streams",
                        "num-inbound-streams",
                        "initial-tsn",
                    ],
                ),
                3 => (
                    "sack",
                    &[
                        "cum-tsn-ack",
                        "a-rwnd",
                        "num-gap-ack-blocks",
                        "num-dup-tsns",
                    ],
                ),
                _ => return None,
            };
            let fname = match f {
                0 => "type",
                1 => "flags",
                2 => "length",
                n => extra.get(n - 3)?,
            };
            format!("sctp chunk {name} {fname}")
        }
        _ => return None,
    })
}

/// nft's protocol descriptions by the id it stores in typeof user data,
/// with their fields in template order (name, datatype).
fn payload_desc(id: u32) -> Option<(&'static str, &'static [(&'static str, u32)])> {
    Some(match id {
        1 => (
            "ah",
            &[
                ("nexthdr", 12),
                ("hdrlength", 4),
                ("reserved", 4),
                ("spi", 4),
                ("sequence", 4),
            ],
        ),
        2 => ("esp", &[("spi", 4), ("sequence", 4)]),
        3 => ("comp", &[("nexthdr", 12), ("flags", 3), ("cpi", 4)]),
        4 => (
            "icmp",
            &[
                ("type", 14),
                ("code", 32),
                ("checksum", 4),
                ("id", 4),
                ("sequence", 4),
                ("gateway", 7),
                ("mtu", 4),
            ],
        ),
        5 => (
            "igmp",
            &[("type", 42), ("mrt", 4), ("checksum", 4), ("group", 7)],
        ),
        6 => (
            "udp",
            &[("sport", 13), ("dport", 13), ("length", 4), ("checksum", 4)],
        ),
        7 => (
            "udplite",
            &[
                ("sport", 13),
                ("dport", 13),
                ("csumcov", 4),
                ("checksum", 4),
            ],
        ),
        8 => (
            "tcp",
            &[
                ("sport", 13),
                ("dport", 13),
                ("sequence", 4),
                ("ackseq", 4),
                ("doff", 4),
                ("reserved", 4),
                ("flags", 15),
                ("window", 4),
                ("checksum", 4),
                ("urgptr", 4),
            ],
        ),
        9 => ("dccp", &[("sport", 13), ("dport", 13), ("type", 16)]),
        10 => (
            "sctp",
            &[("sport", 13), ("dport", 13), ("vtag", 4), ("checksum", 4)],
        ),
        11 => ("th", &[("sport", 13), ("dport", 13)]),
        12 => (
            "ip",
            &[
                ("version", 4),
                ("hdrlength", 4),
                ("dscp", 36),
                ("ecn", 37),
                ("length", 4),
                ("id", 4),
                ("frag-off", 4),
                ("ttl", 4),
                ("protocol", 12),
                ("checksum", 4),
                ("saddr", 7),
                ("daddr", 7),
            ],
        ),
        13 => (
            "ip6",
            &[
                ("version", 4),
                ("dscp", 36),
                ("ecn", 37),
                ("flowlabel", 4),
                ("length", 4),
                ("nexthdr", 12),
                ("hoplimit", 4),
                ("saddr", 8),
                ("daddr", 8),
            ],
        ),
        14 => (
            "icmpv6",
            &[
                ("type", 29),
                ("code", 33),
                ("checksum", 4),
                ("parameter", 4),
                ("mtu", 4),
                ("id", 4),
                ("sequence", 4),
                ("max-delay", 4),
            ],
        ),
        15 => (
            "arp",
            &[
                ("htype", 4),
                ("ptype", 10),
                ("hlen", 4),
                ("plen", 4),
                ("operation", 11),
                ("saddr ether", 9),
                ("saddr ip", 7),
                ("daddr ether", 9),
                ("daddr ip", 7),
            ],
        ),
        16 => (
            "vlan",
            &[("pcp", 4), ("dei", 4), ("cfi", 4), ("id", 4), ("type", 10)],
        ),
        17 => ("ether", &[("daddr", 9), ("saddr", 9), ("type", 10)]),
        _ => return None,
    })
}

/// The ids nft stores in typeof user data for payload field `protocol
/// field`: its protocol description and its template (1-based), the
/// inverse of [`payload_desc`].
pub(crate) fn payload_typeof_ids(protocol: &str, field: &str) -> Option<(u32, u32)> {
    (1..=64).find_map(|id| {
        let (p, fields) = payload_desc(id)?;
        if p != protocol {
            return None;
        }
        let i = fields.iter().position(|f| f.0 == field)?;
        Some((id, u32::try_from(i + 1).ok()?))
    })
}

fn meta_key_name(k: u32) -> Option<&'static str> {
    Some(match k {
        0 => "length",
        1 => "protocol",
        2 => "priority",
        3 => "mark",
        4 => "iif",
        5 => "oif",
        6 => "iifname",
        7 => "oifname",
        8 => "iiftype",
        9 => "oiftype",
        10 => "skuid",
        11 => "skgid",
        12 => "nftrace",
        13 => "rtclassid",
        14 => "secmark",
        15 => "nfproto",
        16 => "l4proto",
        17 => "ibrname",
        18 => "obrname",
        19 => "pkttype",
        20 => "cpu",
        21 => "iifgroup",
        22 => "oifgroup",
        23 => "cgroup",
        24 => "random",
        25 => "ipsec",
        26 => "iifkind",
        27 => "oifkind",
        28 => "ibrpvid",
        29 => "ibrvproto",
        30 => "time",
        31 => "day",
        32 => "hour",
        33 => "sdif",
        34 => "sdifname",
        35 => "broute",
        _ => return None,
    })
}

fn ct_key_name(k: u32) -> Option<&'static str> {
    Some(match k {
        0 => "state",
        1 => "direction",
        2 => "status",
        3 => "mark",
        4 => "secmark",
        5 => "expiration",
        6 => "helper",
        7 => "l3proto",
        8 => "saddr",
        9 => "daddr",
        10 => "protocol",
        11 => "proto-src",
        12 => "proto-dst",
        13 => "label",
        14 => "packets",
        15 => "bytes",
        16 => "avgpkt",
        17 => "zone",
        18 => "event",
        19 => "ip saddr",
        20 => "ip daddr",
        21 => "ip6 saddr",
        22 => "ip6 daddr",
        23 => "id",
        _ => return None,
    })
}

// ---------------------------------------------------------------- data types

/// How many elements nft prints on one line of `elements = { ... }`, by
/// the key's data type (observed with nft 1.0.6).
fn per_line(id: Datatype) -> usize {
    match id {
        Datatype::Integer
        | Datatype::Arpop
        | Datatype::InetProto
        | Datatype::InetService
        | Datatype::TcpFlag
        | Datatype::DccpPkttype
        | Datatype::Mark
        | Datatype::Ifindex
        | Datatype::Classid
        | Datatype::Uid
        | Datatype::Gid => 5,
        Datatype::Nfproto
        | Datatype::Ipv4Addr
        | Datatype::CtState
        | Datatype::CtDir
        | Datatype::CtStatus
        | Datatype::Pkttype => 2,
        _ => 1,
    }
}

/// One field of a set's key or data.
#[derive(Clone, Debug)]
struct Field {
    dtype: Datatype,
    /// Bytes in the key (unpadded).
    len: usize,
    host: bool,
    /// Raw payload (`@nh,0,8`): printed as a hex integer.
    raw: bool,
}

/// Each field of set `s`'s key as nft cuts it: its byte length and
/// whether it is host-endian, from the concatenation description, else
/// the typeof expressions of the user data (an integer's width and byte
/// order are only there), else the field types. One list for both
/// printers: the JSON elements ([`delinearize::set_elements`]) use it too.
pub(crate) fn key_fields(s: &Set) -> Vec<(u32, bool)> {
    let ud = SetUdata::parse(s.userdata.as_deref().unwrap_or(&[]));
    KeyType::of(
        s.key_type.unwrap_or(0),
        s.key_len.unwrap_or(0),
        s.desc
            .as_ref()
            .and_then(|d| d.concat.as_ref())
            .map(|c| &c.0[..]),
        ud.key_typeof.as_ref(),
        ud.key_byteorder,
    )
    .fields
    .iter()
    .map(|f| (u32::try_from(f.len).unwrap_or(0), f.host))
    .collect()
}

/// A set's key or a map's data: its fields and how nft names them.
#[derive(Clone, Debug)]
struct KeyType {
    fields: Vec<Field>,
    typeof_text: Option<String>,
    /// Map data that is a range (`: interval ...`): start then end.
    interval: bool,
}

impl KeyType {
    fn of(
        id: u32,
        len: u32,
        concat: Option<&[u32]>,
        typeof_expr: Option<&TypeofExpr>,
        byteorder: Option<u32>,
    ) -> Self {
        let len = usize::try_from(len).unwrap_or(0);
        let ids = if id == sys::NFT_DATA_VERDICT {
            vec![Datatype::Verdict]
        } else {
            Datatype::concat_ids(id)
        };
        let parts = typeof_expr.map(TypeofExpr::parts).unwrap_or_default();
        let n = ids.len();
        let mut fields = Vec::with_capacity(n);
        for (i, &t) in ids.iter().enumerate() {
            let typeof_len = match parts.get(i) {
                Some(TypeofExpr::Payload { bits: Some(b), .. })
                | Some(TypeofExpr::Payload {
                    raw: Some((_, _, b)),
                    ..
                }) => usize::try_from(b.div_ceil(8)).ok(),
                _ => None,
            };
            let flen = if n == 1 {
                len
            } else if let Some(c) = concat.and_then(|c| c.get(i)) {
                usize::try_from(*c).unwrap_or(0)
            } else if let Some(l) = typeof_len {
                l
            } else {
                // (a verdict is never part of a concatenation)
                t.bits().map_or(0, |b| b.div_ceil(8) as usize)
            };
            let host = if n == 1 && byteorder.is_some() {
                byteorder == Some(1)
            } else if t == Datatype::Integer {
                parts.get(i).is_some_and(|p| p.host_order())
            } else {
                t.host_order()
            };
            fields.push(Field {
                dtype: t,
                len: flen,
                host,
                raw: parts.get(i).is_some_and(|p| p.is_raw()),
            });
        }
        // Variable-size fields of a concatenation: what is left.
        if n > 1 && fields.iter().any(|f| f.len == 0) {
            let known: usize = fields.iter().map(|f| f.len.div_ceil(4) * 4).sum();
            let zeros = fields.iter().filter(|f| f.len == 0).count();
            if zeros == 1 {
                if let Some(f) = fields.iter_mut().find(|f| f.len == 0) {
                    f.len = len.saturating_sub(known);
                }
            }
        }
        KeyType {
            fields,
            typeof_text: typeof_expr.and_then(TypeofExpr::text),
            interval: false,
        }
    }

    fn type_name(&self) -> String {
        self.fields
            .iter()
            .map(|f| match f.dtype {
                Datatype::Other(_) => "invalid",
                t => t.name(),
            })
            .collect::<Vec<_>>()
            .join(" . ")
    }

    /// The key's bytes cut into fields (each padded to 4 bytes in a
    /// concatenation).
    fn split<'b>(&self, b: &'b [u8]) -> Vec<&'b [u8]> {
        if self.fields.len() == 1 {
            return vec![b];
        }
        let mut out = Vec::new();
        let mut off = 0usize;
        for f in &self.fields {
            let end = (off + f.len).min(b.len());
            out.push(b.get(off..end).unwrap_or(&[]));
            off += f.len.div_ceil(4) * 4;
        }
        out
    }
}

fn be_uint(b: &[u8]) -> u128 {
    b.iter()
        .take(16)
        .fold(0u128, |a, &x| (a << 8) | u128::from(x))
}

fn le_uint(b: &[u8]) -> u128 {
    b.iter()
        .take(16)
        .rev()
        .fold(0u128, |a, &x| (a << 8) | u128::from(x))
}

fn field_uint(f: &Field, b: &[u8]) -> u128 {
    if f.host {
        le_uint(b)
    } else {
        be_uint(b)
    }
}

/// A field of a set element's key or data as a typed [`Value`] (its bytes
/// turned to network order, as the delinearizer gives a rule's constants).
fn field_value(f: &Field, b: &[u8]) -> Value {
    let ty = f.dtype;
    let mut data = b.to_vec();
    if f.host && !matches!(ty, Datatype::String | Datatype::Ifname) {
        data.reverse();
    }
    Value {
        ty,
        bits: bits_of(b.len()),
        data,
    }
}

/// A value of a set element's field as nft prints it: as a rule's
/// constant ([`value_text`]), interface indexes named through the
/// printer's resolver, raw payloads in hex, TCP flags joined with ` | `.
fn field_text(f: &Field, b: &[u8], ctx: &Ctx<'_>) -> String {
    if f.raw {
        return format!("0x{:x}", be_uint(b));
    }
    let v = field_value(f, b);
    match v.ty {
        Datatype::Ifindex => {
            let i = u32::try_from(v.as_u128()).unwrap_or(0);
            match (ctx.ifname)(i) {
                Some(n) => format!("\"{n}\""),
                None => i.to_string(),
            }
        }
        ty => value_text(&v, ty == Datatype::TcpFlag),
    }
}

/// A protocol's name as nft prints it (`/etc/protocols`), or its number.
pub(crate) fn proto_name(p: u8) -> String {
    Value::number(Datatype::InetProto, 8, u128::from(p)).text()
}

/// Bytes in the largest unit nft uses that divides them (`25 mbytes`;
/// nft 1.0.6 has no unit above mbytes: `1024 mbytes`).
pub(crate) fn bytes_unit(b: u64) -> (u64, &'static str) {
    let mut v = b;
    let mut u = 0;
    while u < 2 && v >= 1024 && v % 1024 == 0 {
        v /= 1024;
        u += 1;
    }
    (v, ["bytes", "kbytes", "mbytes"][u])
}

/// A rate's time unit (seconds) as nft names it.
pub(crate) fn rate_unit(unit: u64) -> &'static str {
    match unit {
        1 => "second",
        60 => "minute",
        3600 => "hour",
        86400 => "day",
        604_800 => "week",
        _ => "error",
    }
}

fn limit_text(l: &crate::expr::Limit) -> String {
    limit_rate_text(&delinearize::limit(l))
}

/// The text of a stateful expression in a set declaration or element.
fn stateful_text(e: &Expr, decl: bool) -> Option<String> {
    Some(match e {
        Expr::Counter(Counter { packets, bytes, .. }) => {
            if decl {
                "counter".to_owned()
            } else {
                format!(
                    "counter packets {} bytes {}",
                    packets.unwrap_or(0),
                    bytes.unwrap_or(0)
                )
            }
        }
        Expr::Limit(l) => format!("limit {}", limit_text(l)),
        Expr::Quota(q) => {
            let over = if q.flags.unwrap_or(0) & 1 != 0 {
                "over "
            } else {
                ""
            };
            let (v, u) = bytes_unit(q.bytes.unwrap_or(0));
            let mut s = format!("quota {over}{v} {u}");
            let used = q.consumed.unwrap_or(0);
            if used != 0 && !decl {
                let (v, u) = bytes_unit(used);
                let _ = write!(s, " used {v} {u}");
            }
            s
        }
        Expr::Connlimit(c) => {
            let over = if c.flags.unwrap_or(0) & 1 != 0 {
                "over "
            } else {
                ""
            };
            format!("ct count {over}{}", c.count.unwrap_or(0))
        }
        Expr::Last(_) => "last".to_owned(),
        _ => return None,
    })
}

// ---------------------------------------------------------------- elements

/// A whole key (all fields) as nft prints it.
fn key_text(k: &KeyType, b: &[u8], ctx: &Ctx<'_>) -> String {
    k.split(b)
        .iter()
        .zip(&k.fields)
        .map(|(v, f)| field_text(f, v, ctx))
        .collect::<Vec<_>>()
        .join(" . ")
}

/// `start`..=`end` of one field: the value, a prefix or a range.
fn range_text(f: &Field, start: &[u8], end: &[u8], ctx: &Ctx<'_>) -> String {
    // Interval keys hold host-order values in network order.
    let be = Field {
        host: false,
        ..f.clone()
    };
    if start == end {
        return field_text(&be, start, ctx);
    }
    // nft prints the bounds of a range of symbolic constants as numbers.
    {
        let (a, b) = (field_uint(&be, start), field_uint(&be, end));
        match f.dtype {
            Datatype::Ethertype => return format!("0x{a:04x}-0x{b:04x}"),
            Datatype::Dscp => return format!("0x{a:02x}-0x{b:02x}"),
            Datatype::InetProto
            | Datatype::IcmpType
            | Datatype::IcmpCode
            | Datatype::Icmpv6Type
            | Datatype::Icmpv6Code
            | Datatype::IcmpxCode
            | Datatype::Arpop
            | Datatype::Ecn
            | Datatype::IgmpType
            | Datatype::Pkttype
            | Datatype::CtDir
            | Datatype::Nfproto
            | Datatype::MhType
            | Datatype::DccpPkttype
            | Datatype::FibAddr
            | Datatype::Arphrd
            | Datatype::Boolean
            | Datatype::TimeDay => return format!("{a}-{b}"),
            _ => {}
        }
    }
    // Range bounds compare in network order: a prefix when start has
    // zeros where end has ones, from some bit on.
    let bits = start.len() * 8;
    let (s, e) = (be_uint(start), be_uint(end));
    let diff = s ^ e;
    let host_bits = 128 - diff.leading_zeros() as usize;
    let mask = if host_bits >= 128 {
        u128::MAX
    } else {
        (1u128 << host_bits) - 1
    };
    if f.dtype == Datatype::String || f.dtype == Datatype::Ifname {
        // A wildcard interface name: the common prefix then `*`.
        let common = start.iter().zip(end).take_while(|(a, b)| a == b).count();
        if start[common..].iter().all(|&x| x == 0) && end[common..].iter().all(|&x| x == 0xff) {
            return format!("\"{}*\"", cstr(&start[..common]));
        }
    }
    let prefixes = matches!(
        f.dtype,
        Datatype::Ipv4Addr | Datatype::Ipv6Addr | Datatype::Mark
    ) && !f.raw;
    if prefixes && !f.host && s & mask == 0 && e & mask == mask {
        let plen = bits - host_bits;
        return format!("{}/{plen}", field_text(f, start, ctx));
    }
    if f.host {
        // Host-order values in an interval set are keyed in network order.
        let hs = Field {
            host: false,
            ..f.clone()
        };
        if prefixes && s & mask == 0 && e & mask == mask {
            let plen = bits - host_bits;
            return format!("{}/{plen}", field_text(&hs, start, ctx));
        }
        return format!(
            "{}-{}",
            field_text(&hs, start, ctx),
            field_text(&hs, end, ctx)
        );
    }
    format!("{}-{}", field_text(f, start, ctx), field_text(f, end, ctx))
}

/// Subtracts one from a big-endian number (wrapping).
struct Item {
    sort: Vec<u8>,
    sortable: bool,
    text: String,
}

fn elem_suffix(s: &Set, e: &Element, data: Option<&KeyType>, ctx: &Ctx<'_>) -> (String, String) {
    // (" : data", " counter ... timeout ... comment")
    let mut d = String::new();
    match (&e.data, data) {
        (Some(Data::Verdict(v)), _) => {
            let v = delinearize::kverdict(v);
            let _ = write!(
                d,
                " : {}",
                v.map_or("unknown".into(), |v| lverdict_text(&v))
            );
        }
        (Some(Data::Value(v)), Some(k)) if k.interval => {
            let (a, b) = v.split_at(v.len() / 2);
            let t: Vec<String> = k
                .split(a)
                .iter()
                .zip(k.split(b))
                .zip(&k.fields)
                .map(|((x, y), f)| range_text(f, x, y, ctx))
                .collect();
            let _ = write!(d, " : {}", t.join(" . "));
        }
        (Some(Data::Value(v)), Some(k)) => {
            let _ = write!(d, " : {}", key_text(k, v, ctx));
        }
        _ => {}
    }
    if let Some(r) = &e.objref {
        let _ = write!(d, " : \"{r}\"");
    }
    let mut x = String::new();
    for ex in e
        .expr
        .iter()
        .map(|b| &**b)
        .chain(e.exprs.iter().flat_map(|l| l.0.iter()))
    {
        if let Some(t) = stateful_text(ex, false) {
            let _ = write!(x, " {t}");
        }
    }
    if let Some(t) = e.timeout {
        if Some(t) != s.timeout {
            let _ = write!(x, " timeout {}", duration_text(t.into()));
        }
    }
    if let Some(t) = e.expiration {
        let _ = write!(x, " expires {}", duration_text(t.into()));
    }
    if let Some(c) = e.userdata.as_deref().and_then(|u| udata_comment(u, 0)) {
        let _ = write!(x, " comment \"{c}\"");
    }
    (d, x)
}

fn element_items(
    s: &Set,
    key: &KeyType,
    data: Option<&KeyType>,
    elems: &[&Element],
    ctx: &Ctx<'_>,
) -> Vec<String> {
    let flags = s.flags.unwrap_or_default();
    let mut items: Vec<Item> = Vec::new();
    let catchall = |e: &Element| e.flags.is_some_and(|f| f.contains(ElemFlags::CATCHALL));
    let mut tail = Vec::new();
    for e in elems.iter().filter(|e| catchall(e)) {
        let (d, x) = elem_suffix(s, e, data, ctx);
        tail.push(format!("*{x}{d}"));
    }
    let elems: Vec<&Element> = elems.iter().copied().filter(|e| !catchall(e)).collect();
    if flags.contains(SetFlags::INTERVAL) && elems.iter().all(|e| e.key_end.is_none()) {
        // Kernel intervals: start elements and end elements (exclusive).
        let mut v: Vec<&Element> = elems.clone();
        v.sort_by(|a, b| {
            let ka = a.key.as_ref().and_then(Data::as_value).unwrap_or(&[]);
            let kb = b.key.as_ref().and_then(Data::as_value).unwrap_or(&[]);
            ka.cmp(kb).then_with(|| {
                let ea = a.flags.is_some_and(|f| f.contains(ElemFlags::INTERVAL_END));
                let eb = b.flags.is_some_and(|f| f.contains(ElemFlags::INTERVAL_END));
                eb.cmp(&ea)
            })
        });
        let f = key.fields.first().cloned().unwrap_or(Field {
            dtype: Datatype::Integer,
            len: 0,
            host: false,
            raw: false,
        });
        let mut i = 0;
        while i < v.len() {
            let e = v[i];
            let is_end = e.flags.is_some_and(|f| f.contains(ElemFlags::INTERVAL_END));
            let Some(k) = e.key.as_ref().and_then(Data::as_value) else {
                i += 1;
                continue;
            };
            if is_end {
                i += 1;
                continue;
            }
            // The range ends before the next element's key (an end
            // element, or the start of an adjacent range).
            let end = match v.get(i + 1) {
                Some(n) => {
                    if n.flags.is_some_and(|f| f.contains(ElemFlags::INTERVAL_END)) {
                        i += 2;
                    } else {
                        i += 1;
                    }
                    delinearize::dec(n.key.as_ref().and_then(Data::as_value).unwrap_or(&[]))
                }
                None => {
                    i += 1;
                    vec![0xff; k.len()]
                }
            };
            let (d, x) = elem_suffix(s, e, data, ctx);
            items.push(Item {
                sort: k.to_vec(),
                sortable: true,
                text: format!("{}{x}{d}", range_text(&f, k, &end, ctx)),
            });
        }
    } else {
        let key_types: Vec<Datatype> = key.fields.iter().map(|f| f.dtype).collect();
        let key_host = key.fields.len() == 1 && key.fields[0].host;
        let interval = flags.contains(SetFlags::INTERVAL);
        for e in &elems {
            let Some(k) = e.key.as_ref().and_then(Data::as_value) else {
                continue;
            };
            let ktext = match e.key_end.as_ref().and_then(Data::as_value) {
                Some(end) => key
                    .split(k)
                    .iter()
                    .zip(key.split(end))
                    .zip(&key.fields)
                    .map(|((a, b), f)| range_text(f, a, b, ctx))
                    .collect::<Vec<_>>()
                    .join(" . "),
                None => key_text(key, k, ctx),
            };
            let (d, x) = elem_suffix(s, e, data, ctx);
            let sort = delinearize::elem_sort_key(&key_types, key_host, interval, k);
            items.push(Item {
                sort,
                sortable: e.key_end.is_none(),
                text: format!("{ktext}{x}{d}"),
            });
        }
        // (concatenated ranges, with their key ends, list in the kernel's order)
        if items.iter().all(|i| i.sortable) {
            let mut sorted: Vec<(Vec<u8>, String)> =
                items.drain(..).map(|i| (i.sort, i.text)).collect();
            delinearize::sort_elements(&mut sorted, &key_types, interval);
            items = sorted
                .into_iter()
                .map(|(sort, text)| Item {
                    sort,
                    sortable: true,
                    text,
                })
                .collect();
        }
    }
    let mut out: Vec<String> = items.into_iter().map(|i| i.text).collect();
    out.extend(tail);
    out
}

// ---------------------------------------------------------------- rules

use crate::lang::ast::{
    Elem, Expr as LExpr, ExthdrKind, Log, Nat, ObjBody, Op, Payload, RuleItem, Stmt,
    Verdict as LVerdict,
};
use crate::lang::datatype::{date_text, duration_text, Datatype, Value};
use crate::lang::delinearize::bits_of;

/// Meta keys nft prints without `meta`.
fn meta_unqualified(k: &str) -> bool {
    matches!(
        k,
        "iif" | "oif" | "iifname" | "oifname" | "iifgroup" | "oifgroup"
    )
}

fn lverdict_text(v: &LVerdict) -> String {
    match v {
        LVerdict::Jump(c) => format!("jump {c}"),
        LVerdict::Goto(c) => format!("goto {c}"),
        v => v.keyword().to_owned(),
    }
}

/// Whether an expression prints as more than one token and needs
/// parentheses as a binary operation's operand.
/// Binding strength of a binary operator (as in C: shifts, `&`, `^`, `|`).
fn precedence(op: crate::lang::ast::BinOp) -> u8 {
    use crate::lang::ast::BinOp;
    match op {
        BinOp::Lshift | BinOp::Rshift => 4,
        BinOp::And => 3,
        BinOp::Xor => 2,
        BinOp::Or => 1,
    }
}

/// Whether an operand of `parent` needs parentheses: a binary operation
/// that binds less strongly (`(meta mark | 0x10) << 8`; `fin | syn | rst`
/// needs none).
fn is_compound_under(e: &LExpr, parent: crate::lang::ast::BinOp) -> bool {
    matches!(e, LExpr::Binop { op, .. } if precedence(*op) < precedence(parent))
}

/// `ip` or `ip6` by the addresses on a match's right side (a value, a
/// prefix or a range): nft names the family of the family-less ct keys
/// `saddr` and `daddr` from the rule's protocol context (the table's
/// family, or the `meta nfproto` match it removes in inet), and nft only
/// accepts those keys compared with addresses of that family.
fn ct_addr_family(right: &LExpr) -> Option<&'static str> {
    match right {
        LExpr::Value(v) => match v.ty {
            Datatype::Ipv4Addr => Some("ip"),
            Datatype::Ipv6Addr => Some("ip6"),
            _ => None,
        },
        LExpr::Prefix { addr, .. } => ct_addr_family(addr),
        LExpr::Range(lo, _) => ct_addr_family(lo),
        _ => None,
    }
}

/// An expression as nft prints it (`ip saddr`, `{ 22, 80 }`, `@set`...).
pub fn expr_text(e: &LExpr) -> String {
    expr_text_in(e, false)
}

/// A constant as nft prints it in `nft list ruleset`: [`Value::text`]
/// (or [`Value::text_bitmask_or`] inside a binary operation) with the
/// listing's own forms of a few types (quoted names, hex where nft
/// prints hex).
fn value_text(v: &Value, in_binop: bool) -> String {
    match v.ty {
        // A DSCP value without a name is hex (`0x3f`).
        Datatype::Dscp => {
            let t = v.text();
            if t.parse::<u64>().is_ok() {
                return format!("0x{:02x}", v.as_u128());
            }
            return t;
        }
        Datatype::Realm | Datatype::Devgroup => {
            let t = v.text();
            if t.parse::<u64>().is_err() && !t.starts_with("0x") {
                return format!("\"{t}\"");
            }
            return t;
        }
        // An ether type without a name is hex (`0x8035`).
        Datatype::Ethertype => {
            let t = v.text();
            if t.parse::<u64>().is_ok() {
                return format!("0x{:04x}", v.as_u128());
            }
            return t;
        }
        Datatype::TimeDay => {
            let t = v.text();
            if t.parse::<u64>().is_err() {
                return format!("\"{t}\"");
            }
            return t;
        }
        Datatype::TimeDate => {
            return format!("\"{}\"", date_text(v.as_u128() / 1_000_000_000));
        }
        Datatype::TimeHour => {
            let secs = u64::try_from(v.as_u128()).unwrap_or(0);
            return if secs % 60 == 0 {
                format!("\"{:02}:{:02}\"", secs / 3600, (secs / 60) % 60)
            } else {
                format!(
                    "\"{:02}:{:02}:{:02}\"",
                    secs / 3600,
                    (secs / 60) % 60,
                    secs % 60
                )
            };
        }
        _ => {}
    }
    if in_binop {
        v.text_bitmask_or()
    } else {
        v.text()
    }
}

fn expr_text_in(e: &LExpr, in_binop: bool) -> String {
    match e {
        LExpr::Value(v) => value_text(v, in_binop),
        LExpr::List(l) => l
            .iter()
            .map(|x| expr_text_in(x, in_binop))
            .collect::<Vec<_>>()
            .join(if in_binop { " | " } else { "," }),
        LExpr::Payload(Payload::Field { protocol, field }) => format!("{protocol} {field}"),
        LExpr::Payload(Payload::Raw { base, offset, len }) => format!("@{base},{offset},{len}"),
        LExpr::Meta(k) => {
            if meta_unqualified(k) {
                (*k).to_owned()
            } else {
                format!("meta {k}")
            }
        }
        LExpr::Ct { key, dir } => match dir {
            Some(d) => format!("ct {d} {key}"),
            None => format!("ct {key}"),
        },
        LExpr::Rt { key, family } => match family {
            Some(f) => format!("rt {f} {key}"),
            None => format!("rt {key}"),
        },
        LExpr::Fib { result, flags } => format!("fib {} {result}", flags.join(" . ")),
        LExpr::Socket { key, level } => match level {
            Some(l) => format!("socket {key} level {l}"),
            None => format!("socket {key}"),
        },
        LExpr::Osf { key, ttl } => match ttl {
            Some(t) => format!("osf ttl {t} {key}"),
            None => format!("osf {key}"),
        },
        LExpr::Exthdr(x) => {
            if x.kind == ExthdrKind::Ipv6 {
                return match (&x.field, x.offset) {
                    (Some(f), _) => format!("{} {f}", x.name),
                    (None, Some(o)) => format!("{} {o}", x.name),
                    (None, None) => format!("exthdr {}", x.name),
                };
            }
            let head = match x.kind {
                ExthdrKind::Ipv6 => "exthdr",
                ExthdrKind::TcpOption => "tcp option",
                ExthdrKind::IpOption => "ip option",
                ExthdrKind::SctpChunk => "sctp chunk",
                ExthdrKind::DccpOption => "dccp option",
            };
            if let Some((base, off, len)) = x.raw {
                // A whole unnamed option (its presence): its kind alone.
                if (off, len) == (0, 8) {
                    return format!("{head} {base}");
                }
                return format!("{head} @{base},{off},{len}");
            }
            let mut s = format!("{head} {}", x.name);
            if let Some(f) = &x.field {
                let _ = write!(s, " {f}");
            }
            if let Some(o) = x.offset {
                let _ = write!(s, " {o}");
            }
            s
        }
        LExpr::Numgen {
            mode,
            modulus,
            offset,
        } => {
            let mut s = format!("numgen {mode} mod {modulus}");
            if *offset != 0 {
                let _ = write!(s, " offset {offset}");
            }
            s
        }
        LExpr::Jhash {
            modulus,
            seed,
            offset,
            expr,
        } => {
            let mut s = format!("jhash {} mod {modulus}", expr_text(expr));
            if let Some(seed) = seed {
                let _ = write!(s, " seed 0x{seed:x}");
            }
            if *offset != 0 {
                let _ = write!(s, " offset {offset}");
            }
            s
        }
        LExpr::Symhash { modulus, offset } => {
            let mut s = format!("symhash mod {modulus}");
            if *offset != 0 {
                let _ = write!(s, " offset {offset}");
            }
            s
        }
        LExpr::Xfrm {
            key,
            family,
            dir,
            spnum,
        } => {
            let mut s = format!("ipsec {dir}");
            if *spnum != 0 {
                let _ = write!(s, " spnum {spnum}");
            }
            if let Some(f) = family {
                let _ = write!(s, " {f}");
            }
            let _ = write!(s, " {key}");
            s
        }
        LExpr::Binop { op, left, right } => {
            let l = expr_text_in(left, true);
            // (a shift's amount is a plain number: `(@nh,8,8 & 0xfc) >> 2`)
            let shift = matches!(op, super::ast::BinOp::Lshift | super::ast::BinOp::Rshift);
            let r = if is_raw(left) && !shift {
                raw_hex(right)
            } else {
                expr_text_in(right, true)
            };
            let l = if is_compound_under(left, *op) {
                format!("({l})")
            } else {
                l
            };
            let multi = matches!(&**right, LExpr::List(v) if v.len() > 1)
                || matches!(&**right, LExpr::Value(v) if v.ty.is_bitmask() && r.contains(" | "));
            let r = if is_compound_under(right, *op) || multi {
                format!("({r})")
            } else {
                r
            };
            format!("{l} {} {r}", op.as_str())
        }
        LExpr::Prefix { addr, len } => format!("{}/{len}", expr_text(addr)),
        LExpr::Range(a, b) => match (&**a, &**b) {
            // nft prints the bounds of a time range in seconds.
            (LExpr::Value(x), LExpr::Value(y)) if x.ty == Datatype::Time && y.ty == x.ty => {
                format!("{}s-{}s", x.as_u128() / 1000, y.as_u128() / 1000)
            }
            // A range of interface names is a wildcard: `"eth*"`.
            (LExpr::Value(x), LExpr::Value(y))
                if matches!(x.ty, Datatype::Ifname | Datatype::String) =>
            {
                let common = x
                    .data
                    .iter()
                    .zip(&y.data)
                    .take_while(|(a, b)| a == b)
                    .count();
                if y.data[common..].iter().all(|&b| b == 0xff)
                    && x.data[common..].iter().all(|&b| b == 0)
                {
                    format!("\"{}*\"", String::from_utf8_lossy(&x.data[..common]))
                } else {
                    format!("{}-{}", expr_text(a), expr_text(b))
                }
            }
            (LExpr::Value(x), LExpr::Value(y)) => {
                format!("{}-{}", range_bound(x), range_bound(y))
            }
            _ => format!("{}-{}", expr_text(a), expr_text(b)),
        },
        LExpr::Concat(v) => v.iter().map(expr_text).collect::<Vec<_>>().join(" . "),
        // Flags with several bits are written `syn | ack` in a set.
        LExpr::Set(v) => format!(
            "{{ {} }}",
            v.iter()
                .map(|x| match x {
                    LExpr::Value(_) => expr_text_in(x, true),
                    x => expr_text(x),
                })
                .collect::<Vec<_>>()
                .join(", ")
        ),
        LExpr::SetRef(n) if n.starts_with('@') => n.clone(),
        LExpr::SetRef(n) => format!("@{n}"),
        LExpr::Map { key, data } => format!("{} map {}", expr_text(key), keyed_text(key, data)),
        LExpr::Mapping(k, d) => format!("{} : {}", expr_text(k), expr_text(d)),
        LExpr::Elem(el) => elem_text(el),
        LExpr::Verdict(v) => lverdict_text(v),
        LExpr::Wildcard => "*".to_owned(),
    }
}

/// A bound of a range: nft prints symbolic constants as numbers there
/// (`arp operation 1-2`, `icmpv6 code 3-66`).
fn range_bound(v: &Value) -> String {
    let t = value_text(v, false);
    let symbolic = !v.ty.symbols().is_empty() || v.ty == Datatype::InetProto;
    if !symbolic || t.starts_with("0x") || t.parse::<u128>().is_ok() {
        return t;
    }
    match v.ty {
        Datatype::Ethertype => format!("0x{:04x}", v.as_u128()),
        Datatype::Dscp => format!("0x{:02x}", v.as_u128()),
        _ => v.as_u128().to_string(),
    }
}

fn elem_text(el: &Elem) -> String {
    let mut s = expr_text(&el.val);
    for st in &el.stmts {
        let _ = write!(s, " {}", stmt_text(st));
    }
    if let Some(t) = el.timeout_ms {
        let _ = write!(s, " timeout {}", duration_text(t.into()));
    }
    if let Some(t) = el.expires_ms {
        let _ = write!(s, " expires {}", duration_text(t.into()));
    }
    if let Some(c) = &el.comment {
        let _ = write!(s, " comment \"{c}\"");
    }
    s
}

/// A `log` statement as nft prints it.
pub(crate) fn log_text(l: &Log) -> String {
    let mut s = String::from("log");
    if let Some(p) = &l.prefix {
        let _ = write!(s, " prefix \"{p}\"");
    }
    if let Some(g) = l.group {
        let _ = write!(s, " group {g}");
    }
    if let Some(n) = l.snaplen {
        let _ = write!(s, " snaplen {n}");
    }
    if let Some(q) = l.qthreshold {
        let _ = write!(s, " queue-threshold {q}");
    }
    if let Some(lv) = l.level {
        let _ = write!(s, " level {lv}");
    }
    let has = |f: &str| l.flags.contains(&f);
    if has("all") {
        s.push_str(" flags all");
    } else {
        if has("tcp sequence") || has("tcp options") {
            s.push_str(" flags tcp");
            match (has("tcp sequence"), has("tcp options")) {
                (true, true) => s.push_str(" sequence,options"),
                (true, false) => s.push_str(" sequence"),
                _ => s.push_str(" options"),
            }
        }
        if has("ip options") {
            s.push_str(" flags ip options");
        }
        if has("skuid") {
            s.push_str(" flags skuid");
        }
        if has("ether") {
            s.push_str(" flags ether");
        }
    }
    s
}

/// `lo/len` when the range `lo`-`hi` of addresses is exactly a prefix.
fn prefix_of(lo: &Value, hi: &Value) -> Option<String> {
    if lo.ty != hi.ty
        || lo.data.len() != hi.data.len()
        || !matches!(lo.ty, Datatype::Ipv4Addr | Datatype::Ipv6Addr)
    {
        return None;
    }
    let bits = u32::try_from(lo.data.len() * 8).ok()?;
    let (a, b) = (lo.as_u128(), hi.as_u128());
    let host = 128 - (a ^ b).leading_zeros();
    let mask = if host >= 128 {
        u128::MAX
    } else {
        (1u128 << host) - 1
    };
    (a & mask == 0 && b & mask == mask && host < bits)
        .then(|| format!("{}/{}", value_text(lo, false), bits - host))
}

fn nat_text(n: &Nat) -> String {
    let mut s = n.kind.keyword().to_owned();
    if let Some(f) = n.family {
        let _ = write!(s, " {f}");
    }
    if !n.type_flags.is_empty() {
        let _ = write!(s, " {}", n.type_flags.join(" "));
    }
    if n.addr.is_some() || n.port.is_some() {
        s.push_str(" to");
        match &n.addr {
            Some(a) => {
                let at = match a {
                    LExpr::Range(lo, hi) => match (&**lo, &**hi) {
                        (LExpr::Value(x), LExpr::Value(y)) => {
                            prefix_of(x, y).unwrap_or_else(|| expr_text(a))
                        }
                        _ => expr_text(a),
                    },
                    a => expr_text(a),
                };
                let is6 = |e: &LExpr| matches!(e, LExpr::Value(v) if v.ty == Datatype::Ipv6Addr);
                let v6 = n.family == Some("ip6")
                    || is6(a)
                    || matches!(a, LExpr::Range(lo, _) if is6(lo));
                match (&n.port, v6) {
                    (Some(p), true) => match a {
                        LExpr::Range(lo, hi) => {
                            let _ = write!(
                                s,
                                " [{}]-[{}]:{}",
                                expr_text(lo),
                                expr_text(hi),
                                expr_text(p)
                            );
                        }
                        _ => {
                            let _ = write!(s, " [{at}]:{}", expr_text(p));
                        }
                    },
                    (Some(p), false) => {
                        let _ = write!(s, " {at}:{}", expr_text(p));
                    }
                    (None, _) => {
                        let _ = write!(s, " {at}");
                    }
                }
            }
            None => {
                if let Some(p) = &n.port {
                    let _ = write!(s, " :{}", expr_text(p));
                }
            }
        }
    }
    // `prefix` implies the netmap flag, which nft does not repeat.
    let flags: Vec<&str> = n
        .flags
        .iter()
        .copied()
        .filter(|f| !(*f == "netmap" && n.type_flags.contains(&"prefix")))
        .collect();
    if !flags.is_empty() {
        let _ = write!(s, " {}", flags.join(","));
    }
    s
}

fn limit_stmt_text(l: &crate::lang::ast::Limit) -> String {
    format!("limit {}", limit_rate_text(l))
}

/// A limit's rate (and burst) as nft prints it in a statement after
/// `limit ` and in a limit object.
fn limit_rate_text(l: &crate::lang::ast::Limit) -> String {
    let over = if l.inv { "over " } else { "" };
    let unit = rate_unit(l.unit_secs);
    if l.bytes {
        let (v, u) = bytes_unit(l.rate);
        let mut s = format!("rate {over}{v} {u}/{unit}");
        if l.burst != 0 {
            let (bv, bu) = bytes_unit(l.burst.into());
            let _ = write!(s, " burst {bv} {bu}");
        }
        s
    } else {
        let mut s = format!("rate {over}{}/{unit}", l.rate);
        if l.burst != 5 {
            let _ = write!(s, " burst {} packets", l.burst);
        }
        s
    }
}

/// A raw payload (`@ll,0,8`), alone or under a mask.
fn is_raw(e: &LExpr) -> bool {
    match e {
        LExpr::Payload(Payload::Raw { .. }) => true,
        LExpr::Binop { left, .. } => is_raw(left),
        _ => false,
    }
}

/// The right side of a raw payload match: integers in hex (`0x14`).
fn raw_hex(e: &LExpr) -> String {
    match e {
        LExpr::Value(v) if v.ty == Datatype::Integer => format!("0x{:x}", v.as_u128()),
        LExpr::Range(a, b) => format!("{}-{}", raw_hex(a), raw_hex(b)),
        LExpr::Set(v) => format!(
            "{{ {} }}",
            v.iter().map(raw_hex).collect::<Vec<_>>().join(", ")
        ),
        e => expr_text(e),
    }
}

/// The right side of a match, a vmap or a map lookup on `key`: values
/// compared with raw payload bits print in hex, also as parts of a
/// concatenation (`ip saddr . @ih,32,32 { 1.1.1.1 . 0x14 }`).
fn keyed_text(key: &LExpr, e: &LExpr) -> String {
    if is_raw(key) {
        return raw_hex(e);
    }
    let LExpr::Concat(parts) = key else {
        return expr_text(e);
    };
    if !parts.iter().any(is_raw) {
        return expr_text(e);
    }
    fn elem(parts: &[LExpr], e: &LExpr) -> String {
        match e {
            LExpr::Concat(vals) if vals.len() == parts.len() => vals
                .iter()
                .zip(parts)
                .map(|(v, p)| if is_raw(p) { raw_hex(v) } else { expr_text(v) })
                .collect::<Vec<_>>()
                .join(" . "),
            LExpr::Mapping(k, d) => format!("{} : {}", elem(parts, k), expr_text(d)),
            e => expr_text(e),
        }
    }
    match e {
        LExpr::Set(v) => format!(
            "{{ {} }}",
            v.iter()
                .map(|x| elem(parts, x))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        e => elem(parts, e),
    }
}

/// A statement of a set statement's element (a template: a counter
/// prints without values).
fn template_stmt_text(s: &Stmt) -> String {
    match s {
        Stmt::Counter(_) => "counter".to_owned(),
        s => stmt_text(s),
    }
}

/// A statement as nft prints it.
pub fn stmt_text(s: &Stmt) -> String {
    match s {
        Stmt::Match { op, left, right } => {
            // A flag test under a mask: `tcp flags syn / syn,ack`.
            if let (
                Op::Eq | Op::Neq,
                LExpr::Binop {
                    op: crate::lang::ast::BinOp::And,
                    left: l,
                    right: mask,
                },
                LExpr::Value(v),
            ) = (op, left, right)
            {
                if let LExpr::Value(m) = &**mask {
                    if m.ty.is_bitmask() && v.ty.is_bitmask() && m.as_u128().count_ones() > 1 {
                        let neg = if *op == Op::Neq { "!= " } else { "" };
                        return format!("{} {neg}{} / {}", expr_text(l), v.text(), m.text());
                    }
                }
            }
            // An exact comparison of flags: `tcp flags == syn`, `== 0xff`.
            if let (Op::Eq, LExpr::Value(v)) = (op, right) {
                if v.ty.is_bitmask() && !matches!(left, LExpr::Binop { .. }) {
                    if v.as_u128() == 0 {
                        return format!("{} 0x0", expr_text(left));
                    }
                    let r = if v.as_u128().count_ones() == 1 {
                        v.text()
                    } else {
                        format!("0x{:x}", v.as_u128())
                    };
                    return format!("{} == {r}", expr_text(left));
                }
            }
            let l = match (left, ct_addr_family(right)) {
                // The family-less `ct saddr`/`daddr` keys print with the
                // family of the addresses compared (JSON leaves it out).
                (LExpr::Ct { key, dir: Some(d) }, Some(f)) if key == "saddr" || key == "daddr" => {
                    format!("ct {d} {f} {key}")
                }
                _ => expr_text(left),
            };
            let r = keyed_text(left, right);
            match op {
                Op::Eq
                    if matches!(left, LExpr::Binop { .. })
                        && !matches!(right, LExpr::SetRef(_)) =>
                {
                    format!("{l} == {r}")
                }
                Op::Eq | Op::In => format!("{l} {r}"),
                o => format!("{l} {} {r}", o.as_str()),
            }
        }
        Stmt::Verdict(v) => lverdict_text(v),
        Stmt::Counter(c) => format!("counter packets {} bytes {}", c.packets, c.bytes),
        Stmt::Mangle { key, value } if is_raw(key) => {
            // A raw write's value is hex as a raw match's (`@nh,8,8 set 0x10`).
            format!("{} set {}", expr_text(key), raw_hex(value))
        }
        Stmt::Mangle { key, value } => format!("{} set {}", expr_text(key), expr_text(value)),
        Stmt::Vmap { key, data } => format!("{} vmap {}", expr_text(key), keyed_text(key, data)),
        Stmt::Log(l) => log_text(l),
        Stmt::Limit(l) => limit_stmt_text(l),
        Stmt::Quota(q) => {
            let over = if q.inv { "over " } else { "" };
            let (v, u) = bytes_unit(q.bytes);
            let mut s = format!("quota {over}{v} {u}");
            if q.used != 0 {
                let (v, u) = bytes_unit(q.used);
                let _ = write!(s, " used {v} {u}");
            }
            s
        }
        Stmt::CtCount { val, inv } => {
            format!("ct count {}{val}", if *inv { "over " } else { "" })
        }
        Stmt::Nat(n) => nat_text(n),
        Stmt::Reject(r) => match (&r.kind, &r.code) {
            (Some("tcp reset"), _) => "reject with tcp reset".to_owned(),
            (Some(k), Some(c)) => format!("reject with {k} {}", expr_text(c)),
            (Some(k), None) => format!("reject with {k}"),
            (None, _) => "reject".to_owned(),
        },
        Stmt::Set {
            op,
            elem,
            set,
            stmts,
        } => {
            let mut s = format!("{op} {set} {{ {}", expr_text(elem));
            for st in stmts {
                let _ = write!(s, " {}", template_stmt_text(st));
            }
            s.push_str(" }");
            s
        }
        Stmt::MapUpdate {
            op,
            elem,
            data,
            map,
            stmts,
        } => {
            let mut s = format!("{op} {map} {{ {}", expr_text(elem));
            for st in stmts {
                let _ = write!(s, " {}", template_stmt_text(st));
            }
            let _ = write!(s, " : {} }}", expr_text(data));
            s
        }
        Stmt::Objref { kind, name } => {
            let n = match name {
                LExpr::Value(v) => format!("\"{}\"", v.as_str()),
                e => expr_text(e),
            };
            match *kind {
                "ct helper" | "ct timeout" | "ct expectation" => format!("{kind} set {n}"),
                "secmark" => format!("meta secmark set {n}"),
                k => format!("{k} name {n}"),
            }
        }
        Stmt::Dup { addr, dev } => {
            let mut s = String::from("dup to");
            if let Some(a) = addr {
                let _ = write!(s, " {}", expr_text(a));
                if let Some(d) = dev {
                    let _ = write!(s, " device {}", expr_text(d));
                }
            } else if let Some(d) = dev {
                let _ = write!(s, " {}", expr_text(d));
            }
            s
        }
        Stmt::Fwd { dev, family, addr } => match (family, addr) {
            (Some(f), Some(a)) => format!("fwd {f} to {} device {}", expr_text(a), expr_text(dev)),
            _ => format!("fwd to {}", expr_text(dev)),
        },
        Stmt::Notrack => "notrack".to_owned(),
        Stmt::Queue { num, flags } => {
            let mut s = String::from("queue");
            if !flags.is_empty() {
                let _ = write!(s, " flags {}", flags.join(","));
            }
            if let Some(n) = num {
                let _ = write!(s, " to {}", expr_text(n));
            }
            s
        }
        Stmt::Synproxy(sp) => {
            let mut s = String::from("synproxy");
            // nft prints both when either is set (`synproxy mss 1460
            // wscale 0`); JSON has each only when set.
            if sp.mss.is_some() || sp.wscale.is_some() {
                let (m, w) = (sp.mss.unwrap_or(0), sp.wscale.unwrap_or(0));
                let _ = write!(s, " mss {m} wscale {w}");
            }
            for f in &sp.flags {
                let _ = write!(s, " {f}");
            }
            s
        }
        Stmt::Tproxy { family, addr, port } => {
            let mut s = String::from("tproxy");
            if let Some(f) = family {
                let _ = write!(s, " {f}");
            }
            s.push_str(" to");
            if let Some(a) = addr {
                let at = expr_text(a);
                let v6 = matches!(a, LExpr::Value(v) if v.ty == Datatype::Ipv6Addr);
                if v6 {
                    let _ = write!(s, " [{at}]");
                } else {
                    let _ = write!(s, " {at}");
                }
            } else {
                s.push(' ');
            }
            if let Some(p) = port {
                let _ = write!(s, ":{}", expr_text(p));
            }
            s
        }
        Stmt::Meter {
            name,
            key,
            stmt,
            size,
        } => {
            let mut s = format!("meter {name}");
            if let Some(z) = size {
                let _ = write!(s, " size {z}");
            }
            let _ = write!(s, " {{ {} {} }}", expr_text(key), template_stmt_text(stmt));
            s
        }
        Stmt::Xt { kind, name } => format!("xt {kind} {name}"),
        Stmt::Flow { flowtable } => format!("flow add {flowtable}"),
        Stmt::Last { used_ms } => match used_ms {
            Some(ms) => format!("last used {}", duration_text(u128::from(*ms))),
            None => "last used never".to_owned(),
        },
        Stmt::Reset(LExpr::Exthdr(x)) if x.kind == ExthdrKind::TcpOption && x.raw.is_some() => {
            format!("reset tcp option {}", x.raw.map_or(0, |r| r.0))
        }
        Stmt::Reset(e) => format!("reset {}", expr_text(e)),
        Stmt::Untranslated(u) => format!("# untranslated: {}", u.text.join(" ")),
    }
}

/// A rule's line as nft prints it (statements, then the comment); `None`
/// when part of it was not translated.
pub fn rule_text(r: &RuleItem) -> Option<String> {
    rule_text_xt(r, &[])
}

/// [`rule_text`] with the texts of the rule's x_tables extensions, in
/// order (`None`: printed as nft prints what it cannot translate).
fn rule_text_xt(r: &RuleItem, xt: &[Option<String>]) -> Option<String> {
    let mut xt = xt.iter();
    if r.untranslated().next().is_some() {
        return None;
    }
    // The family's default reject prints bare.
    let default_reject = match r.family {
        "ip" => "icmp",
        "ip6" => "icmpv6",
        _ => "icmpx",
    };
    let mut s = r
        .stmts
        .iter()
        .map(|st| match st {
            Stmt::Reject(rj)
                if rj.kind == Some(default_reject)
                    && rj
                        .code
                        .as_ref()
                        .is_some_and(|c| expr_text(c) == "port-unreachable") =>
            {
                "reject".to_owned()
            }
            Stmt::Xt { .. } => match xt.next() {
                Some(Some(t)) => t.clone(),
                _ => stmt_text(st),
            },
            st => stmt_text(st),
        })
        .collect::<Vec<_>>()
        .join(" ");
    if let Some(c) = &r.comment {
        if !s.is_empty() {
            s.push(' ');
        }
        let _ = write!(s, "comment \"{c}\"");
    }
    Some(s)
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::object::{Flowtable, Hook, Obj, SetDesc, SetElems};

    /// Bytes from hex digits (also for `lang::xlate`'s tests).
    pub(in crate::lang) fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    fn table(fam: ProtoFamily, name: &str) -> Table {
        Table::new(fam, name)
    }

    fn set(name: &str, key_type: u32, key_len: u32) -> Set {
        Set::new(ProtoFamily::Ipv4, "t", name, key_type, key_len)
    }

    fn elems(name: &str, e: Vec<Element>) -> SetElems {
        SetElems::new(ProtoFamily::Ipv4, "t", name, e)
    }

    fn end(key: &[u8]) -> Element {
        Element {
            flags: Some(ElemFlags::INTERVAL_END),
            ..Element::new(key.to_vec())
        }
    }

    #[test]
    fn priorities_are_named_within_ten() {
        use ProtoFamily::*;
        assert_eq!(priority_text(Ipv4, "input", 0), "filter");
        assert_eq!(priority_text(Ipv4, "input", 10), "filter + 10");
        assert_eq!(priority_text(Ipv4, "input", 11), "11");
        assert_eq!(priority_text(Inet, "prerouting", -155), "mangle - 5");
        assert_eq!(priority_text(Inet, "prerouting", -100), "dstnat");
        assert_eq!(priority_text(Inet, "input", -100), "-100");
        assert_eq!(priority_text(Ipv6, "postrouting", 100), "srcnat");
        assert_eq!(priority_text(Ipv6, "output", 100), "100");
        assert_eq!(priority_text(Ipv4, "prerouting", -310), "raw - 10");
        assert_eq!(priority_text(Ipv4, "forward", 40), "security - 10");
        assert_eq!(priority_text(Bridge, "prerouting", -300), "dstnat");
        assert_eq!(priority_text(Bridge, "output", 100), "out");
        assert_eq!(priority_text(Bridge, "postrouting", 300), "srcnat");
        assert_eq!(priority_text(Bridge, "input", -195), "filter + 5");
        assert_eq!(priority_text(Arp, "input", -10), "filter - 10");
        assert_eq!(priority_text(Netdev, "ingress", -500), "-500");
    }

    #[test]
    fn durations_and_byte_units() {
        assert_eq!(duration_text(0), "0s");
        assert_eq!(duration_text(90_000), "1m30s");
        assert_eq!(duration_text(93_784_004), "1d2h3m4s4ms");
        assert_eq!(bytes_unit(25 * 1024 * 1024), (25, "mbytes"));
        assert_eq!(bytes_unit(1000), (1000, "bytes"));
        assert_eq!(bytes_unit(2048), (2, "kbytes"));
        assert_eq!(bytes_unit(1 << 30), (1024, "mbytes"));
    }

    #[test]
    fn table_chain_and_object_layout() {
        let mut t = table(ProtoFamily::Inet, "x");
        t.flags = Some(crate::TableFlags::DORMANT);
        // NFTNL_UDATA_TABLE_COMMENT (0), "c\0"
        t.userdata = Some(hex("00026300"));
        let mut c = Chain::base(ProtoFamily::Inet, "x", "in", "filter", 1, 10);
        c.policy = Some(0);
        c.userdata = Some(hex("0003686900")); // comment "hi"
        let mut n = Chain::new(ProtoFamily::Inet, "x", "other");
        n.handle = Some(7);
        let counter = Obj {
            family: ProtoFamily::Inet,
            table: Some("x".into()),
            name: Some("cnt".into()),
            kind: Some(sys::NFT_OBJECT_COUNTER),
            // NFTA_COUNTER_BYTES 3456, NFTA_COUNTER_PACKETS 12 (u64 big-endian)
            raw_data: Some(hex("0c0001000000000000000d800c000200000000000000000c")),
            ..Default::default()
        };
        let rs = Ruleset {
            tables: vec![t],
            chains: vec![c, n],
            objs: vec![counter],
            ..Default::default()
        };
        assert_eq!(
            ruleset(&rs),
            "table inet x {\n\tflags dormant\n\tcomment \"c\"\n\n\
             \tcounter cnt {\n\t\tpackets 12 bytes 3456\n\t}\n\n\
             \tchain in {\n\t\tcomment \"hi\"\n\
             \t\ttype filter hook input priority filter + 10; policy drop;\n\t}\n\n\
             \tchain other {\n\t}\n}\n"
        );
        assert!(Printer::new()
            .handles(true)
            .ruleset(&rs)
            .contains("\tchain other { # handle 7\n"));
    }

    #[test]
    fn parts_nest_in_the_listings_order() {
        // Rules come in the kernel's order, chain b's first: each is
        // printed inside its chain, after the table's other parts
        // (flowtable with its flags), chains in their own order.
        let t = table(ProtoFamily::Inet, "x");
        let a = Chain::new(ProtoFamily::Inet, "x", "a");
        let b = Chain::new(ProtoFamily::Inet, "x", "b");
        let rule = |chain: &str, v: crate::data::Verdict| {
            crate::object::Rule::new(ProtoFamily::Inet, "x", chain, vec![Expr::verdict(v)])
        };
        let mut f = Flowtable::new(ProtoFamily::Inet, "x", "ft", 0, &["eth0"]);
        f.flags = Some(sys::NFT_FLOWTABLE_HW_OFFLOAD | sys::NFT_FLOWTABLE_COUNTER);
        let rs = Ruleset {
            tables: vec![t],
            chains: vec![a, b],
            rules: vec![
                rule("b", crate::data::Verdict::Accept),
                rule("a", crate::data::Verdict::Drop),
                rule("b", crate::data::Verdict::Return),
            ],
            flowtables: vec![f],
            ..Default::default()
        };
        assert_eq!(
            ruleset(&rs),
            "table inet x {\n\tflowtable ft {\n\t\thook ingress priority filter\n\
             \t\tdevices = { eth0 }\n\t\tflags offload\n\t\tcounter\n\t}\n\n\
             \tchain a {\n\t\tdrop\n\t}\n\n\
             \tchain b {\n\t\taccept\n\t\treturn\n\t}\n}\n"
        );
    }

    #[test]
    fn flowtables_list_hook_devices_and_counter() {
        let mut f = Flowtable::new(ProtoFamily::Inet, "x", "ft", -5, &["veth1", "eth0"]);
        f.flags = Some(2); // NFT_FLOWTABLE_COUNTER
        f.handle = Some(9);
        let rs = Ruleset {
            tables: vec![table(ProtoFamily::Inet, "x")],
            flowtables: vec![f],
            ..Default::default()
        };
        assert_eq!(
            ruleset(&rs),
            "table inet x {\n\tflowtable ft {\n\t\thook ingress priority filter - 5\n\
             \t\tdevices = { eth0, veth1 }\n\t\tcounter\n\t}\n}\n"
        );
        assert!(Printer::new()
            .handles(true)
            .ruleset(&rs)
            .contains("\tflowtable ft { # handle 9\n"));
    }

    #[test]
    fn netdev_devices_are_sorted_and_bare() {
        let mut c = Chain::base(ProtoFamily::Netdev, "n", "ing", "filter", 0, -500);
        c.hook = Some(Hook {
            devs: Some(crate::object::Devices(vec!["lo".into(), "dummy0".into()])),
            ..c.hook.clone().unwrap()
        });
        let rs = Ruleset {
            tables: vec![table(ProtoFamily::Netdev, "n")],
            chains: vec![c],
            ..Default::default()
        };
        assert!(ruleset(&rs).contains(
            "\t\ttype filter hook ingress devices = { dummy0, lo } priority -500; policy accept;\n"
        ));
    }

    #[test]
    fn elements_sorted_and_wrapped_by_type() {
        let s = set("a", Datatype::Ipv4Addr.id(), 4);
        let e: Vec<Element> = [5u8, 1, 4, 2, 3]
            .iter()
            .map(|i| Element::new(vec![10, 0, 0, *i]))
            .collect();
        let rs = Ruleset {
            tables: vec![table(ProtoFamily::Ipv4, "t")],
            sets: vec![s],
            elements: vec![elems("a", e)],
            ..Default::default()
        };
        assert!(ruleset(&rs).contains(
            "\t\ttype ipv4_addr\n\t\telements = { 10.0.0.1, 10.0.0.2,\n\
             \t\t\t     10.0.0.3, 10.0.0.4,\n\t\t\t     10.0.0.5 }\n"
        ));
        // Marks (host order): five a line, in hex.
        let s = set("m", Datatype::Mark.id(), 4);
        let e: Vec<Element> = (1u32..=6)
            .rev()
            .map(|i| Element::new(i.to_ne_bytes().to_vec()))
            .collect();
        let rs = Ruleset {
            tables: vec![table(ProtoFamily::Ipv4, "t")],
            sets: vec![s],
            elements: vec![elems("m", e)],
            ..Default::default()
        };
        assert!(ruleset(&rs).contains(
            "elements = { 0x00000001, 0x00000002, 0x00000003, 0x00000004, 0x00000005,\n\
             \t\t\t     0x00000006 }"
        ));
        // Interface names: one a line, shorter names first.
        let mut s = set("i", Datatype::Ifname.id(), 16);
        s.userdata = Some(hex("000401000000"));
        let name = |n: &str| {
            let mut k = n.as_bytes().to_vec();
            k.resize(16, 0);
            Element::new(k)
        };
        let rs = Ruleset {
            tables: vec![table(ProtoFamily::Ipv4, "t")],
            sets: vec![s],
            elements: vec![elems("i", vec![name("eth0"), name("lo")])],
            ..Default::default()
        };
        assert!(ruleset(&rs).contains("elements = { \"lo\",\n\t\t\t     \"eth0\" }"));
        // Of equal length, the last character weighs most (nft 1.0.6 lists
        // "ab", "ba", "ca", "ac" as "ba", "ca", "ab", "ac").
        let rs = Ruleset {
            elements: vec![elems(
                "i",
                ["ab", "ba", "ca", "ac"].into_iter().map(name).collect(),
            )],
            ..rs
        };
        assert!(ruleset(&rs).contains(
            "elements = { \"ba\",\n\t\t\t     \"ca\",\n\t\t\t     \"ab\",\n\t\t\t     \"ac\" }"
        ));
    }

    #[test]
    fn flags_with_several_bits_sort_by_their_lowest() {
        // typeof tcp flags; the kernel dumped 1..=6 in order (as nft
        // 1.0.6 lists it: reversed, then sorted stably by the first flag).
        let mut s = set("f", Datatype::TcpFlag.id(), 1);
        s.userdata = Some(hex("000402000000"));
        let e = (1u8..=6).map(|i| Element::new(vec![i])).collect();
        let rs = Ruleset {
            tables: vec![table(ProtoFamily::Ipv4, "t")],
            sets: vec![s],
            elements: vec![elems("f", e)],
            ..Default::default()
        };
        assert!(ruleset(&rs)
            .contains("elements = { fin | rst, fin | syn, fin, syn | rst, syn,\n\t\t\t     rst }"));
    }

    #[test]
    fn intervals_merge_into_prefixes_and_ranges() {
        let mut s = set("c", Datatype::Ipv4Addr.id(), 4);
        s.flags = Some(SetFlags::INTERVAL);
        // As the kernel dumps an interval set: start and end (exclusive)
        // elements, here in reverse order, adjacent ranges sharing a key.
        let e = vec![
            end(&[192, 168, 2, 0]),
            Element::new(vec![192, 168, 1, 0]),
            Element::new(vec![10, 0, 0, 0]),
            end(&[11, 0, 0, 0]),
            end(&[5, 5, 5, 10]),
            Element::new(vec![5, 5, 5, 5]),
            end(&[1, 1, 1, 2]),
            Element::new(vec![1, 1, 1, 1]),
            end(&[0, 0, 0, 0]),
            Element::new(vec![192, 168, 0, 0]),
        ];
        let rs = Ruleset {
            tables: vec![table(ProtoFamily::Ipv4, "t")],
            sets: vec![s],
            elements: vec![elems("c", e)],
            ..Default::default()
        };
        let out = ruleset(&rs);
        assert!(
            out.contains(
                "\t\tflags interval\n\t\telements = { 1.1.1.1, 5.5.5.5-5.5.5.9,\n\
                 \t\t\t     10.0.0.0/8, 192.168.0.0/24,\n\t\t\t     192.168.1.0/24 }\n"
            ),
            "{out}"
        );
    }

    #[test]
    fn typeof_user_data_and_maps() {
        // typeof ip saddr . tcp dport: key byte order 0, KEY_TYPEOF a
        // concatenation of payload (ip, field 11) and payload (tcp, field 2).
        let mut s = set(
            "n",
            (Datatype::Ipv4Addr.id() << 6) | Datatype::InetService.id(),
            8,
        );
        s.userdata = Some(hex(
            "000400000000033400040d000000012c0014000407000000010c00040c00000001040b00000001\
             14000407000000010c000408000000010402000000",
        ));
        let e = vec![Element::new(hex("0102030400160000"))];
        // A verdict map with a data typeof absent: `: verdict`.
        let mut m = set("v", Datatype::InetService.id(), 2);
        m.flags = Some(SetFlags::MAP);
        m.data_type = Some(sys::NFT_DATA_VERDICT);
        m.desc = Some(SetDesc {
            size: Some(10),
            ..Default::default()
        });
        let me = vec![Element {
            data: Some(Data::Verdict(crate::data::Verdict::Jump("c".into()))),
            ..Element::new(vec![0, 22])
        }];
        let rs = Ruleset {
            tables: vec![table(ProtoFamily::Ipv4, "t")],
            sets: vec![s, m],
            elements: vec![elems("n", e), elems("v", me)],
            ..Default::default()
        };
        let out = ruleset(&rs);
        assert!(
            out.contains(
                "\tset n {\n\t\ttypeof ip saddr . tcp dport\n\
                 \t\telements = { 1.2.3.4 . 22 }\n\t}\n"
            ),
            "{out}"
        );
        assert!(
            out.contains(
                "\tmap v {\n\t\ttype inet_service : verdict\n\t\tsize 10\n\
                 \t\telements = { 22 : jump c }\n\t}\n"
            ),
            "{out}"
        );
    }

    #[test]
    fn binary_operations_parenthesize_as_nft_does() {
        use crate::lang::ast::BinOp;
        use crate::lang::Datatype;
        let v = |t: Datatype, n: u128| LExpr::Value(Value::number(t, 8, n));
        let bin = |op, l, r| LExpr::Binop {
            op,
            left: Box::new(l),
            right: Box::new(r),
        };
        let flags = bin(
            BinOp::Or,
            bin(BinOp::Or, v(Datatype::TcpFlag, 1), v(Datatype::TcpFlag, 2)),
            v(Datatype::TcpFlag, 4),
        );
        let masked = bin(
            BinOp::And,
            LExpr::Payload(Payload::Field {
                protocol: "tcp",
                field: "flags",
            }),
            flags,
        );
        assert_eq!(expr_text(&masked), "tcp flags & (fin | syn | rst)");
        let shifted = bin(
            BinOp::Lshift,
            bin(BinOp::Or, LExpr::Meta("mark"), v(Datatype::Mark, 0x10)),
            v(Datatype::Integer, 8),
        );
        assert_eq!(expr_text(&shifted), "(meta mark | 0x00000010) << 8");
    }

    #[test]
    fn ct_timeout_policy_prints_what_differs_from_defaults() {
        use crate::lang::listing::timeout_policy;
        // CTA_TIMEOUT_TCP_ESTABLISHED (3) 100, CTA_TIMEOUT_TCP_CLOSE (8) 10 (the default)
        assert_eq!(
            timeout_policy(6, [(3, 100), (8, 10)]),
            [("established", 100)]
        );
        assert_eq!(timeout_policy(17, [(1, 30), (2, 60)]), [("replied", 60)]);
        // (nft 1.0.6 prints `unack`, in its text and its JSON)
        assert_eq!(timeout_policy(6, [(11, 7)]), [("unack", 7)]);
    }

    /// Random user data, key types, lengths, flags and element bytes:
    /// the printer never panics.
    #[test]
    #[allow(clippy::cast_possible_truncation, clippy::cast_possible_wrap)]
    fn random_sets_print_without_panicking() {
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for _ in 0..if cfg!(miri) { 30 } else { 3000 } {
            let key_len = (next() % 40) as u32;
            let key_type = match next() % 4 {
                0 => (next() % 50) as u32,
                1 => (Datatype::Ipv4Addr.id() << 6) | (next() % 47) as u32,
                2 => next() as u32,
                _ => Datatype::Ifname.id(),
            };
            let mut s = set("r", key_type, key_len);
            s.flags = Some(SetFlags::from_bits_retain(next() as u32 & 0x1ff));
            s.data_type = Some(next() as u32 % 50);
            s.data_len = Some((next() % 40) as u32);
            s.timeout = (next() % 2 == 0).then(|| next() % 100_000_000);
            let ud: Vec<u8> = (0..next() % 64).map(|_| next() as u8 % 9).collect();
            s.userdata = Some(ud);
            let e: Vec<Element> = (0..next() % 6)
                .map(|_| {
                    let k: Vec<u8> = (0..next() % 40).map(|_| next() as u8).collect();
                    let d: Vec<u8> = (0..next() % 40).map(|_| next() as u8).collect();
                    Element {
                        flags: Some(ElemFlags::from_bits_retain(next() as u32 & 3)),
                        key_end: (next() % 3 == 0)
                            .then(|| Data::Value(k.iter().rev().copied().collect())),
                        data: (next() % 2 == 0).then_some(Data::Value(d)),
                        userdata: (next() % 3 == 0).then(|| vec![0, 200, 1]),
                        ..Element::new(k)
                    }
                })
                .collect();
            let o = Obj {
                family: ProtoFamily::Ipv4,
                table: Some("t".into()),
                name: Some("o".into()),
                kind: Some((next() % 12) as u32),
                raw_data: Some((0..next() % 48).map(|_| next() as u8).collect()),
                userdata: Some((0..next() % 8).map(|_| next() as u8).collect()),
                ..Default::default()
            };
            let mut c = Chain::base(
                ProtoFamily::Ipv4,
                "t",
                "c",
                "filter",
                (next() % 8) as u32,
                next() as i32,
            );
            c.userdata = Some((0..next() % 8).map(|_| next() as u8).collect());
            let rs = Ruleset {
                tables: vec![table(ProtoFamily::Ipv4, "t")],
                chains: vec![c],
                sets: vec![s],
                elements: vec![elems("r", e)],
                objs: vec![o],
                ..Default::default()
            };
            let _ = ruleset(&rs);
        }
    }

    #[test]
    fn malformed_user_data_does_not_panic() {
        for u in [&[][..], &[7], &[7, 9, 1], &[3, 2, 0, 4], &[0, 255]] {
            let _ = SetUdata::parse(u);
            let _ = udata_comment(u, 0);
        }
        let mut s = set("x", 0x7fff_ffff, 3);
        s.userdata = Some(vec![3, 6, 0, 4, 7, 0, 0, 0]);
        let rs = Ruleset {
            tables: vec![table(ProtoFamily::Ipv4, "t")],
            sets: vec![s],
            elements: vec![elems("x", vec![Element::new(vec![1])])],
            ..Default::default()
        };
        let _ = ruleset(&rs);
    }
}
