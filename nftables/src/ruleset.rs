//! [`Ruleset`]: everything of a namespace's nf_tables, read in one go and
//! added again in one transaction (a save and restore of typed values).

use std::collections::HashMap;
use std::ops::ControlFlow;

use nfnl::{EncodeError, ProtoFamily};

use crate::conn::Nft;
use crate::data::{Data, Verdict};
use crate::error::Error;
use crate::expr::{Expr, ExprList};
use crate::object::{Chain, ChainFlags, Flowtable, Obj, Rule, Set, SetElems, Table};
use crate::transaction::Transaction;

/// The whole ruleset of one family (or of all), as typed values in the
/// kernel's dump order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Ruleset {
    /// Tables.
    pub tables: Vec<Table>,
    /// Chains of every table.
    pub chains: Vec<Chain>,
    /// Sets and maps, anonymous ones included.
    pub sets: Vec<Set>,
    /// Their elements (one entry per dump message).
    pub elements: Vec<SetElems>,
    /// Stateful objects.
    pub objs: Vec<Obj>,
    /// Flowtables.
    pub flowtables: Vec<Flowtable>,
    /// Rules of every chain.
    pub rules: Vec<Rule>,
}

impl Ruleset {
    /// Reads the ruleset of `family` (`Unspec`: every family), one dump per
    /// kind of object (and one per set for its elements). Not atomic: a
    /// change committed meanwhile may be seen partly; compare
    /// [`Nft::generation`] before and after when that matters.
    ///
    /// The sets and their elements (hundreds of dumps for a ruleset with
    /// many anonymous sets) are read on a second socket in the same network
    /// namespace, in a second thread, while this one reads the rest: one
    /// thread decodes while the kernel fills the other's dump, and on two
    /// CPUs both dumps run at once. Without a second socket (no
    /// `CAP_NET_ADMIN` over the namespace to find it) or thread, one after
    /// the other.
    ///
    /// # Errors
    /// The first dump error. A kernel without flowtables is not one.
    pub fn read(nft: &mut Nft, family: ProtoFamily) -> Result<Self, Error> {
        let mut r = Ruleset::default();
        let Ok(mut other) = nft.beside() else {
            read_sets(nft, family, &mut r.sets, &mut r.elements)?;
            read_rest(nft, family, &mut r)?;
            return Ok(r);
        };
        let both = std::thread::scope(|scope| {
            let side = std::thread::Builder::new()
                .name("nft-sets".into())
                .spawn_scoped(scope, move || {
                    let (mut sets, mut elements) = (Vec::new(), Vec::new());
                    read_sets(&mut other, family, &mut sets, &mut elements)
                        .map(|()| (sets, elements))
                })
                .ok()?;
            let mine = read_rest(nft, family, &mut r);
            let theirs = side.join().unwrap_or_else(|p| std::panic::resume_unwind(p));
            Some((mine, theirs))
        });
        match both {
            Some((mine, theirs)) => {
                mine?;
                (r.sets, r.elements) = theirs?;
            }
            // No thread: one after the other, on this socket.
            None => {
                read_sets(nft, family, &mut r.sets, &mut r.elements)?;
                read_rest(nft, family, &mut r)?;
            }
        }
        Ok(r)
    }
}

/// The sets of `family` and their elements (one dump per set).
fn read_sets(
    nft: &mut Nft,
    family: ProtoFamily,
    sets: &mut Vec<Set>,
    elements: &mut Vec<SetElems>,
) -> Result<(), Error> {
    nft.dump_sets(family, None, |s| {
        sets.push(s);
        ControlFlow::Continue(())
    })?;
    for s in sets.iter() {
        let (Some(t), Some(n)) = (s.table.as_deref(), s.name.as_deref()) else {
            continue;
        };
        nft.dump_elements(s.family, t, n, |e| {
            elements.push(e);
            ControlFlow::Continue(())
        })?;
    }
    Ok(())
}

/// Everything of `family` but the sets and their elements.
fn read_rest(nft: &mut Nft, family: ProtoFamily, r: &mut Ruleset) -> Result<(), Error> {
    nft.dump_tables(family, |t| {
        r.tables.push(t);
        ControlFlow::Continue(())
    })?;
    nft.dump_chains(family, None, |c| {
        r.chains.push(c);
        ControlFlow::Continue(())
    })?;
    nft.dump_objs(family, None, |o| {
        r.objs.push(o);
        ControlFlow::Continue(())
    })?;
    match nft.dump_flowtables(family, None, |f| {
        r.flowtables.push(f);
        ControlFlow::Continue(())
    }) {
        Err(e)
            if nfnl::ErrorExt::is_not_found(&e)
                || nfnl::ErrorExt::errno(&e) == Some(nfnl::Errno::EOPNOTSUPP) => {}
        other => other?,
    }
    nft.dump_rules(family, None, None, |x| {
        r.rules.push(x);
        ControlFlow::Continue(())
    })?;
    Ok(())
}

impl Transaction {
    /// Adds everything of `r` (see the `to_request` of each object): tables,
    /// chains, objects, flowtables, sets, elements, then rules. Bound
    /// (anonymous) chains get transaction ids: their rules are added by
    /// that id, before the rule that jumps to them, whose verdict names
    /// the chain by id too, as the kernel requires.
    ///
    /// # Errors
    /// [`EncodeError`] for a value that cannot be encoded.
    pub fn restore(&mut self, r: &Ruleset) -> Result<&mut Self, EncodeError> {
        for t in &r.tables {
            self.add_table(&t.to_request())?;
        }
        // Bound chains by (family, table, name) -> transaction id.
        let mut bound: HashMap<(ProtoFamily, String, String), u32> = HashMap::new();
        for c in &r.chains {
            let mut c = c.to_request();
            if c.flags.is_some_and(|f| f.contains(ChainFlags::BINDING)) {
                let id = u32::try_from(bound.len() + 1).unwrap_or(u32::MAX);
                if let (Some(t), Some(n)) = (&c.table, &c.name) {
                    bound.insert((c.family, t.clone(), n.clone()), id);
                }
                c.id = Some(id);
            }
            self.add_chain(&c)?;
        }
        for o in &r.objs {
            self.add_obj(&o.to_request())?;
        }
        for f in &r.flowtables {
            self.add_flowtable(&f.to_request())?;
        }
        for s in &r.sets {
            self.add_set(&s.to_request())?;
        }
        for e in &r.elements {
            let all = e.elements.iter().flat_map(|l| l.0.iter());
            self.add_elements(crate::transaction::SetRef::of(e), all)?;
        }
        let id_of = |family: ProtoFamily, table: &Option<String>, chain: &str| {
            table
                .as_ref()
                .and_then(|t| bound.get(&(family, t.clone(), chain.to_owned())))
                .copied()
        };
        // Rules of bound chains first (by id), then the others.
        let (in_bound, plain): (Vec<&Rule>, Vec<&Rule>) = r.rules.iter().partition(|x| {
            x.chain
                .as_deref()
                .is_some_and(|c| id_of(x.family, &x.table, c).is_some())
        });
        for x in in_bound.into_iter().chain(plain) {
            let mut x = x.to_request();
            if let Some(id) = x
                .chain
                .as_deref()
                .and_then(|c| id_of(x.family, &x.table, c))
            {
                x.chain = None;
                x.chain_id = Some(id);
            }
            if let Some(list) = &mut x.exprs {
                rebind_verdicts(list, |c| id_of(x.family, &x.table, c));
            }
            self.add_rule(&x)?;
        }
        Ok(self)
    }
}

/// Replaces jumps and gotos to bound chains by their transaction ids.
fn rebind_verdicts(list: &mut ExprList, id_of: impl Fn(&str) -> Option<u32>) {
    for e in &mut list.0 {
        if let Expr::Immediate(i) = e {
            if let Some(Data::Verdict(v)) = &mut i.data {
                let new = match v {
                    Verdict::Jump(c) => id_of(c).map(|id| Verdict::ChainId { goto: false, id }),
                    Verdict::Goto(c) => id_of(c).map(|id| Verdict::ChainId { goto: true, id }),
                    _ => None,
                };
                if let Some(n) = new {
                    *v = n;
                }
            }
        }
    }
}
