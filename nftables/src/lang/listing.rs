//! A whole [`Ruleset`] as a [`Listing`]: tables, stateful objects, named
//! sets and maps with their elements, flowtables, chains and rules in the
//! order `nft list ruleset` (and `nft -j`) prints them.

use std::collections::HashMap;

use nfnl::ProtoFamily;

use super::ast::*;
use super::datatype::Datatype;
use super::delinearize::{self, family_name, udata_comment, Context};
use crate::object::{ChainFlags, Element, Obj, ObjData, SetFlags, TableFlags};
use crate::ruleset::Ruleset;

/// The elements of set `name` from its element messages.
fn set_elems<'r>(
    by_set: &HashMap<Option<&str>, Vec<&'r crate::object::SetElems>>,
    name: Option<&str>,
) -> impl Iterator<Item = &'r Element> {
    by_set
        .get(&name)
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .flat_map(|e| e.elements.iter().flat_map(|l| l.0.iter()))
}

/// Options of [`listing`].
#[derive(Clone, Default)]
pub struct Filter<'a> {
    /// Only this family (`None`: all).
    pub family: Option<ProtoFamily>,
    /// Only this table.
    pub table: Option<&'a str>,
    /// Interface index -> name, as nft resolves them (`None`: numbers).
    pub ifname: Option<delinearize::IfnameFn<'a>>,
}

/// The listing of `r` (optionally one family / table).
pub fn listing(r: &Ruleset, filter: &Filter<'_>) -> Listing {
    let mut items = Vec::new();
    listing_each(r, filter, &mut |it| items.push(it));
    Listing { items }
}

/// The items of [`listing`], in the same order, each handed to `emit` as
/// it is made (a printer writes it and drops it: the listing of a large
/// ruleset is never held whole).
pub fn listing_each(r: &Ruleset, filter: &Filter<'_>, emit: &mut dyn FnMut(Item)) {
    listing_items(r, filter, true, emit);
}

/// [`listing_each`]; without `elements`, the sets' elements are left out
/// (the text printer cuts them from the kernel's bytes itself).
pub(crate) fn listing_items(
    r: &Ruleset,
    filter: &Filter<'_>,
    elements: bool,
    emit: &mut dyn FnMut(Item),
) {
    let mut items = Emit(emit);
    for t in &r.tables {
        let name = t.name.as_deref().unwrap_or("");
        if filter.family.is_some_and(|f| f != t.family) || filter.table.is_some_and(|x| x != name) {
            continue;
        }
        let fam = t.family;
        let in_table = |f: ProtoFamily, tb: Option<&str>| f == fam && tb == Some(name);
        items.push(Item::Table(table_item(t)));
        let mut ctx = Context::new(fam);
        ctx.ifname = filter.ifname;
        // The element messages of this table by set name, gathered once
        // (a table may hold thousands of anonymous sets).
        let mut by_set: HashMap<Option<&str>, Vec<&crate::object::SetElems>> = HashMap::new();
        for e in r
            .elements
            .iter()
            .filter(|e| e.family == fam && e.table.as_deref() == Some(name))
        {
            by_set.entry(e.set.as_deref()).or_default().push(e);
        }
        for s in r
            .sets
            .iter()
            .filter(|s| in_table(s.family, s.table.as_deref()))
        {
            ctx.add_set(s, set_elems(&by_set, s.name.as_deref()));
        }
        for o in r
            .objs
            .iter()
            .filter(|o| in_table(o.family, o.table.as_deref()))
        {
            if let Some(i) = obj_item(o) {
                items.push(Item::Obj(i));
            }
        }
        for s in r
            .sets
            .iter()
            .filter(|s| in_table(s.family, s.table.as_deref()))
        {
            if s.flags.is_some_and(|f| f.contains(SetFlags::ANONYMOUS)) {
                continue;
            }
            let elems: Vec<&Element> = if elements {
                set_elems(&by_set, s.name.as_deref()).collect()
            } else {
                Vec::new()
            };
            items.push(Item::Set(set_item(s, &elems, filter.ifname)));
        }
        for f in r
            .flowtables
            .iter()
            .filter(|f| in_table(f.family, f.table.as_deref()))
        {
            let hook = f.hook.as_ref();
            items.push(Item::Flowtable(FlowtableItem {
                family: family_name(fam),
                name: f.name.clone().unwrap_or_default(),
                table: name.to_owned(),
                handle: f.handle.unwrap_or(0),
                hook: "ingress",
                prio: hook.and_then(|h| h.priority).unwrap_or(0),
                devices: hook
                    .and_then(|h| h.devs.as_ref())
                    .map(|d| d.0.clone())
                    .unwrap_or_default(),
                flags: flowtable_flags(f.flags.unwrap_or(0)),
            }));
        }
        let chains: Vec<_> = r
            .chains
            .iter()
            .filter(|c| in_table(c.family, c.table.as_deref()))
            .filter(|c| !c.flags.is_some_and(|f| f.contains(ChainFlags::BINDING)))
            .collect();
        for c in &chains {
            items.push(Item::Chain(chain_item(c)));
        }
        // The table's rules by chain, gathered once (kernel order kept).
        let mut by_chain: HashMap<Option<&str>, Vec<&crate::object::Rule>> = HashMap::new();
        for x in r
            .rules
            .iter()
            .filter(|x| in_table(x.family, x.table.as_deref()))
        {
            by_chain.entry(x.chain.as_deref()).or_default().push(x);
        }
        for c in &chains {
            for x in by_chain.get(&c.name.as_deref()).into_iter().flatten() {
                items.push(Item::Rule(delinearize::rule(&ctx, x)));
            }
        }
    }
}

/// Hands each item to the caller's closure.
struct Emit<'e>(&'e mut dyn FnMut(Item));

impl Emit<'_> {
    fn push(&mut self, it: Item) {
        (self.0)(it);
    }
}

/// A table as the language's item.
pub(crate) fn table_item(t: &crate::object::Table) -> TableItem {
    TableItem {
        family: family_name(t.family),
        name: t.name.clone().unwrap_or_default(),
        handle: t.handle.unwrap_or(0),
        flags: t.flags.map(table_flags).unwrap_or_default(),
        comment: t.userdata.as_deref().and_then(|u| udata_comment(u, 0)),
    }
}

/// A set's declared flags as nft names them (`constant`, `interval`,
/// `timeout`; the text form adds `dynamic`).
pub(crate) fn set_flags(fl: SetFlags) -> Vec<&'static str> {
    let mut flags = Vec::new();
    if fl.contains(SetFlags::CONSTANT) {
        flags.push("constant");
    }
    if fl.contains(SetFlags::INTERVAL) {
        flags.push("interval");
    }
    if fl.contains(SetFlags::TIMEOUT) {
        flags.push("timeout");
    }
    flags
}

/// A flowtable's flags as nft's text names them (`NFT_FLOWTABLE_HW_OFFLOAD`
/// `offload`, `NFT_FLOWTABLE_COUNTER` `counter`).
fn flowtable_flags(fl: u32) -> Vec<&'static str> {
    let mut flags = Vec::new();
    if fl & nfnl_sys::NFT_FLOWTABLE_HW_OFFLOAD != 0 {
        flags.push("offload");
    }
    if fl & nfnl_sys::NFT_FLOWTABLE_COUNTER != 0 {
        flags.push("counter");
    }
    flags
}

/// A table's flags as nft names them (`dormant`, `owner`, `persist`).
fn table_flags(fl: TableFlags) -> Vec<&'static str> {
    let mut flags = Vec::new();
    if fl.contains(TableFlags::DORMANT) {
        flags.push("dormant");
    }
    if fl.contains(TableFlags::OWNER) {
        flags.push("owner");
    }
    if fl.contains(TableFlags::PERSIST) {
        flags.push("persist");
    }
    flags
}

/// The name of hook `n` of a family's chains (`prerouting`, ...; netdev
/// `ingress`, `egress`), as nft prints it.
pub(crate) fn hook_name(family: ProtoFamily, n: u32) -> &'static str {
    match family {
        ProtoFamily::Netdev => match n {
            0 => "ingress",
            1 => "egress",
            _ => "unknown",
        },
        ProtoFamily::Arp => match n {
            0 => "input",
            1 => "output",
            2 => "forward",
            _ => "unknown",
        },
        _ => match n {
            0 => "prerouting",
            1 => "input",
            2 => "forward",
            3 => "output",
            4 => "postrouting",
            5 => "ingress",
            _ => "unknown",
        },
    }
}

/// A chain as the language's item.
pub(crate) fn chain_item(c: &crate::object::Chain) -> ChainItem {
    let base = c.hook.as_ref().map(|h| {
        let mut devices: Vec<String> = h.devs.as_ref().map(|d| d.0.clone()).unwrap_or_default();
        if let Some(d) = &h.dev {
            devices.push(d.clone());
        }
        BaseChain {
            kind: c.kind.clone().unwrap_or_else(|| "filter".into()),
            hook: hook_name(c.family, h.hooknum.unwrap_or(0)),
            prio: h.priority.unwrap_or(0),
            devices,
            policy: if c.policy == Some(0) {
                "drop"
            } else {
                "accept"
            },
        }
    });
    ChainItem {
        family: family_name(c.family),
        table: c.table.clone().unwrap_or_default(),
        name: c.name.clone().unwrap_or_default(),
        handle: c.handle.unwrap_or(0),
        comment: c.userdata.as_deref().and_then(|u| udata_comment(u, 0)),
        base,
    }
}

/// The type names of a set key or map data type id.
fn type_names(id: u32) -> Vec<String> {
    Datatype::concat_ids(id)
        .into_iter()
        .map(|t| t.name().to_owned())
        .collect()
}

fn set_item(
    s: &crate::object::Set,
    elems: &[&Element],
    ifname: Option<delinearize::IfnameFn<'_>>,
) -> SetItem {
    let fl = s.flags.unwrap_or_default();
    let flags = set_flags(fl);
    let map = if fl.contains(SetFlags::MAP) {
        Some(match s.data_type {
            Some(0xffff_ff00) => vec!["verdict".to_owned()],
            // Concatenated data print as one string (`"ipv4_addr . inet_service"`).
            Some(t) => vec![type_names(t).join(" . ")],
            None => vec!["integer".to_owned()],
        })
    } else if fl.contains(SetFlags::OBJECT) {
        Some(vec![delinearize::obj_kind(s.obj_type.unwrap_or(0))
            .unwrap_or("unknown")
            .to_owned()])
    } else {
        None
    };
    let stmts = s
        .expr
        .iter()
        .map(|b| b.as_ref())
        .chain(s.exprs.iter().flat_map(|l| l.0.iter()))
        .filter_map(|e| match e {
            crate::expr::Expr::Counter(_) => Some(Stmt::Counter(Counter::default())),
            crate::expr::Expr::Limit(l) => Some(Stmt::Limit(delinearize::limit(l))),
            _ => None,
        })
        .collect();
    SetItem {
        family: family_name(s.family),
        name: s.name.clone().unwrap_or_default(),
        table: s.table.clone().unwrap_or_default(),
        key_type: type_names(s.key_type.unwrap_or(4)),
        handle: s.handle.unwrap_or(0),
        map,
        policy: (s.policy == Some(1)).then_some("memory"),
        // nft sizes a constant set by its elements and lists no size.
        size: s
            .desc
            .as_ref()
            .and_then(|d| d.size)
            .filter(|_| !fl.contains(SetFlags::CONSTANT)),
        flags,
        timeout: s.timeout.map(|t| t / 1000),
        gc_interval: s.gc_interval.map(|g| u64::from(g) / 1000),
        comment: s.userdata.as_deref().and_then(|u| udata_comment(u, 7)),
        stmts,
        elems: delinearize::set_elements(s, elems, ifname, 0).unwrap_or_default(),
    }
}

fn l3proto(n: u16) -> String {
    match n {
        2 => "ip".into(),
        10 => "ip6".into(),
        1 | 0 => "inet".into(),
        7 => "bridge".into(),
        3 => "arp".into(),
        x => x.to_string(),
    }
}

fn l4proto(n: u8) -> String {
    super::datatype::protocol_name(u128::from(n)).unwrap_or_else(|| n.to_string())
}

/// A ct timeout policy as nft prints it: of the kernel's (attribute,
/// seconds) pairs, the states whose timeout is not nft's default, in the
/// kernel's attribute order.
pub(crate) fn timeout_policy(
    l4: u8,
    attrs: impl IntoIterator<Item = (u16, u32)>,
) -> Vec<(&'static str, u32)> {
    let names = timeout_states(l4);
    let mut policy = Vec::new();
    for (attr, v) in attrs {
        let idx = usize::from(attr).wrapping_sub(1);
        if let Some(n) = names.get(idx) {
            if timeout_default(l4, n) != Some(v) {
                policy.push((*n, v));
            }
        }
    }
    policy
}

/// The state names of a protocol's ct timeout policy, by attribute
/// (`CTA_TIMEOUT_TCP_*`, `CTA_TIMEOUT_UDP_*`) minus one.
pub(crate) fn timeout_states(l4: u8) -> &'static [&'static str] {
    match l4 {
        6 => &[
            "syn_sent",
            "syn_recv",
            "established",
            "fin_wait",
            "close_wait",
            "last_ack",
            "time_wait",
            "close",
            "syn_sent2",
            "retrans",
            "unack",
        ],
        17 | 136 => &["unreplied", "replied"],
        _ => &[],
    }
}

/// nft 1.0.6's default timeouts (seconds) per protocol state.
pub(crate) fn timeout_default(l4: u8, state: &str) -> Option<u32> {
    Some(match (l4, state) {
        (6, "syn_sent") => 120,
        (6, "syn_recv") => 60,
        (6, "established") => 432_000,
        (6, "fin_wait") => 120,
        (6, "close_wait") => 60,
        (6, "last_ack") => 30,
        (6, "time_wait") => 120,
        (6, "close") => 10,
        (6, "syn_sent2") => 120,
        (6, "retrans") => 300,
        (6, "unack") => 300,
        (17 | 136, "unreplied") => 30,
        (17 | 136, "replied") => 180,
        _ => return None,
    })
}

/// A stateful object as the language's item.
pub(crate) fn obj_item(o: &Obj) -> Option<ObjItem> {
    let data = o.data().ok().flatten();
    let obj = match data {
        Some(ObjData::Counter(c)) => ObjBody::Counter(Counter {
            packets: c.packets.unwrap_or(0),
            bytes: c.bytes.unwrap_or(0),
        }),
        Some(ObjData::Quota(q)) => ObjBody::Quota(Quota {
            bytes: q.bytes.unwrap_or(0),
            used: q.consumed.unwrap_or(0),
            inv: q.flags.unwrap_or(0) & 1 != 0,
        }),
        Some(ObjData::Limit(l)) => ObjBody::Limit(Limit {
            rate: l.rate.unwrap_or(0),
            unit_secs: l.unit.unwrap_or(1),
            burst: l.burst.unwrap_or(0),
            bytes: l.kind.map_or(0, |k| k.0) == 1,
            inv: l.flags.unwrap_or(0) & 1 != 0,
        }),
        Some(ObjData::Connlimit(c)) => ObjBody::Connlimit {
            count: c.count.unwrap_or(0),
            inv: c.flags.unwrap_or(0) & 1 != 0,
        },
        Some(ObjData::CtHelper(h)) => ObjBody::CtHelper {
            helper: h.name.clone().unwrap_or_default(),
            protocol: l4proto(h.l4proto.unwrap_or(0)),
            l3proto: l3proto(h.l3proto.unwrap_or(0)),
        },
        Some(ObjData::CtTimeout(t)) => {
            let l4 = t.timeouts.as_ref().map_or(0, |x| x.proto().0);
            let policy = timeout_policy(l4, t.timeouts.iter().flat_map(|x| x.attrs()))
                .into_iter()
                .map(|(n, v)| (n.to_owned(), v))
                .collect();
            ObjBody::CtTimeout {
                protocol: l4proto(l4),
                l3proto: l3proto(t.l3proto.unwrap_or(0)),
                policy,
            }
        }
        Some(ObjData::CtExpect(e)) => ObjBody::CtExpect {
            protocol: l4proto(e.l4proto.unwrap_or(0)),
            dport: e.dport.unwrap_or(0),
            // The kernel writes this one in host byte order.
            timeout: u32::from_ne_bytes(e.timeout.unwrap_or(0).to_be_bytes()),
            size: e.size.unwrap_or(0),
            l3proto: l3proto(e.l3proto.unwrap_or(0)),
        },
        Some(ObjData::Secmark(s)) => ObjBody::Secmark {
            context: s.ctx.clone().unwrap_or_default(),
        },
        Some(ObjData::Synproxy(s)) => {
            ObjBody::Synproxy(delinearize::synproxy(s.mss, s.wscale, s.flags))
        }
        _ => ObjBody::Other(o.kind.unwrap_or(0)),
    };
    Some(ObjItem {
        family: family_name(o.family),
        name: o.name.clone().unwrap_or_default(),
        table: o.table.clone().unwrap_or_default(),
        handle: o.handle.unwrap_or(0),
        comment: o.userdata.as_deref().and_then(|u| udata_comment(u, 0)),
        obj,
    })
}
