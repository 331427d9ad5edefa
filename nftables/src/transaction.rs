//! [`Transaction`]: an atomic set of changes, and how a refusal is traced
//! back to the operation (and the expression or element) it was about.

use nfnl::{EncodeError, NlFlags, ProtoFamily};
use nfnl_sys as sys;

use crate::expr::Expr;
use crate::object::{Chain, Flowtable, Obj, Rule, Set, SetElems, Table};
use crate::wire::Field;

/// Bytes of `nlmsghdr` + `nfgenmsg` before a message's attributes.
pub(crate) const HEADERS: usize = 20;

fn family_name(f: ProtoFamily) -> &'static str {
    crate::text::family_name(f)
}

/// What [`Transaction::delete`] deletes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A table with everything in it.
    Table,
    /// A chain (empty, unreferenced).
    Chain,
    /// A set or map (unreferenced).
    Set,
    /// A stateful object of this `NFT_OBJECT_*` type.
    Obj(u32),
    /// A flowtable.
    Flowtable,
}

/// How [`Transaction::delete`] names the object.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Handle<'a> {
    /// By name.
    Name(&'a str),
    /// By handle (as dumps report it).
    Handle(u64),
}

/// Bytes of elements [`Transaction::add_elements`] puts into one message
/// before starting the next (an attribute nest is limited to 64 KiB).
pub const ELEMS_PER_MESSAGE_BYTES: usize = 60 * 1024;

/// One operation of a [`Transaction`].
#[derive(Clone, Debug)]
pub(crate) struct Op {
    pub(crate) msg_type: u8,
    pub(crate) flags: NlFlags,
    pub(crate) family: ProtoFamily,
    pub(crate) attrs: Vec<u8>,
    what: String,
    /// For element messages: the index of their first element in the list given.
    elem_base: usize,
}

/// An atomic set of changes, applied by [`Nft::commit`](crate::Nft::commit): everything or
/// nothing. Operations are numbered from 0 in the order they were added;
/// a refusal names the operation by that index and what it was.
///
/// The whole transaction goes in one datagram, so it must fit the socket's
/// send buffer (`net.core.wmem_max`; a few MiB: tens of thousands of rules
/// or about 100,000 elements); a larger one is refused with
/// [`Error::TooLarge`](crate::Error::TooLarge) before anything is sent.
#[derive(Clone, Debug, Default)]
pub struct Transaction {
    pub(crate) ops: Vec<Op>,
    pub(crate) bytes: usize,
    pub(crate) genid: Option<u32>,
}

macro_rules! table_of {
    ($x:expr) => {
        $x.table.as_deref().unwrap_or("?")
    };
}

impl Transaction {
    /// An empty transaction.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of operations.
    pub fn len(&self) -> usize {
        self.ops.len()
    }

    /// True without operations.
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    /// Applies only if the ruleset is still at generation `id`
    /// (`NFNL_BATCH_GENID`, from [`Nft::generation`](crate::Nft::generation)): someone else's change
    /// in between makes the commit fail with [`Error::Transaction`](crate::Error::Transaction)
    /// (`ERESTART`) instead of applying on top of it.
    pub fn expect_generation(&mut self, id: u32) -> &mut Self {
        self.genid = Some(id);
        self
    }

    /// Adds a raw operation: message `msg_type` (`NFT_MSG_*`) with `flags`
    /// (`NLM_F_REQUEST` is added) for `family`, with the attributes
    /// `attrs`, described as `what` in errors.
    pub fn push_raw(
        &mut self,
        msg_type: u8,
        flags: NlFlags,
        family: ProtoFamily,
        attrs: Vec<u8>,
        what: String,
    ) -> &mut Self {
        self.bytes += attrs.len() + HEADERS;
        self.ops.push(Op {
            msg_type,
            flags,
            family,
            attrs,
            what,
            elem_base: 0,
        });
        self
    }

    fn push<F>(
        &mut self,
        msg_type: u8,
        flags: NlFlags,
        family: ProtoFamily,
        encode: F,
        what: String,
    ) -> Result<&mut Self, EncodeError>
    where
        F: FnOnce(&mut Vec<u8>) -> Result<(), EncodeError>,
    {
        let mut attrs = Vec::new();
        encode(&mut attrs)?;
        Ok(self.push_raw(msg_type, flags, family, attrs, what))
    }

    /// Adds a table, or updates it if it exists (`NFT_MSG_NEWTABLE`, `NLM_F_CREATE`).
    ///
    /// # Errors
    /// [`EncodeError`] for a name with a NUL or an attribute over 64 KiB.
    pub fn add_table(&mut self, t: &Table) -> Result<&mut Self, EncodeError> {
        let what = format!(
            "add table {} {}",
            family_name(t.family),
            t.name.as_deref().unwrap_or("?")
        );
        self.push(
            sys::NFT_MSG_NEWTABLE,
            NlFlags::CREATE,
            t.family,
            |w| t.encode(w),
            what,
        )
    }

    /// Creates a table; `EEXIST` if it exists (`NLM_F_CREATE | NLM_F_EXCL`).
    ///
    /// # Errors
    /// As [`Transaction::add_table`].
    pub fn create_table(&mut self, t: &Table) -> Result<&mut Self, EncodeError> {
        let what = format!(
            "create table {} {}",
            family_name(t.family),
            t.name.as_deref().unwrap_or("?")
        );
        self.push(
            sys::NFT_MSG_NEWTABLE,
            NlFlags::CREATE | NlFlags::EXCL,
            t.family,
            |w| t.encode(w),
            what,
        )
    }

    /// Deletes a table with everything in it (`NFT_MSG_DELTABLE`; `ENOENT` if absent).
    ///
    /// # Errors
    /// As [`Transaction::add_table`].
    pub fn delete_table(
        &mut self,
        family: ProtoFamily,
        name: &str,
    ) -> Result<&mut Self, EncodeError> {
        let what = format!("delete table {} {name}", family_name(family));
        self.push(
            sys::NFT_MSG_DELTABLE,
            NlFlags::empty(),
            family,
            |w| name.to_owned().encode(sys::NFTA_TABLE_NAME, w),
            what,
        )
    }

    /// Deletes a table if it exists (`NFT_MSG_DESTROYTABLE`, Linux 6.3+).
    ///
    /// # Errors
    /// As [`Transaction::add_table`].
    pub fn destroy_table(
        &mut self,
        family: ProtoFamily,
        name: &str,
    ) -> Result<&mut Self, EncodeError> {
        let what = format!("destroy table {} {name}", family_name(family));
        self.push(
            sys::NFT_MSG_DESTROYTABLE,
            NlFlags::empty(),
            family,
            |w| name.to_owned().encode(sys::NFTA_TABLE_NAME, w),
            what,
        )
    }

    /// Adds a chain, or updates it (`NFT_MSG_NEWCHAIN`, `NLM_F_CREATE`).
    ///
    /// # Errors
    /// As [`Transaction::add_table`].
    pub fn add_chain(&mut self, c: &Chain) -> Result<&mut Self, EncodeError> {
        let what = format!(
            "add chain {} {} {}",
            family_name(c.family),
            table_of!(c),
            c.name.as_deref().unwrap_or("?")
        );
        self.push(
            sys::NFT_MSG_NEWCHAIN,
            NlFlags::CREATE,
            c.family,
            |w| c.encode(w),
            what,
        )
    }

    /// Deletes a chain (`NFT_MSG_DELCHAIN`; it must be empty and unreferenced).
    ///
    /// # Errors
    /// As [`Transaction::add_table`].
    pub fn delete_chain(
        &mut self,
        family: ProtoFamily,
        table: &str,
        name: &str,
    ) -> Result<&mut Self, EncodeError> {
        let what = format!("delete chain {} {table} {name}", family_name(family));
        self.push(
            sys::NFT_MSG_DELCHAIN,
            NlFlags::empty(),
            family,
            |w| {
                table.to_owned().encode(sys::NFTA_CHAIN_TABLE, w)?;
                name.to_owned().encode(sys::NFTA_CHAIN_NAME, w)
            },
            what,
        )
    }

    /// Appends a rule to its chain (after the rule whose handle is
    /// `position`, if set) (`NFT_MSG_NEWRULE`, `NLM_F_CREATE | NLM_F_APPEND`).
    ///
    /// # Errors
    /// As [`Transaction::add_table`].
    pub fn add_rule(&mut self, r: &Rule) -> Result<&mut Self, EncodeError> {
        self.rule_op(r, "add", NlFlags::CREATE | NlFlags::APPEND)
    }

    /// Inserts a rule at the start of its chain (before the rule whose
    /// handle is `position`, if set) (`NFT_MSG_NEWRULE`, `NLM_F_CREATE`).
    ///
    /// # Errors
    /// As [`Transaction::add_table`].
    pub fn insert_rule(&mut self, r: &Rule) -> Result<&mut Self, EncodeError> {
        self.rule_op(r, "insert", NlFlags::CREATE)
    }

    /// Replaces the rule whose handle is `r.handle` (`NFT_MSG_NEWRULE`, `NLM_F_REPLACE`).
    ///
    /// # Errors
    /// As [`Transaction::add_table`].
    pub fn replace_rule(&mut self, r: &Rule) -> Result<&mut Self, EncodeError> {
        self.rule_op(r, "replace", NlFlags::REPLACE)
    }

    fn rule_op(&mut self, r: &Rule, verb: &str, flags: NlFlags) -> Result<&mut Self, EncodeError> {
        let chain = match (&r.chain, r.chain_id) {
            (Some(c), _) => c.clone(),
            (None, Some(id)) => format!("(chain id {id})"),
            (None, None) => "?".into(),
        };
        let what = format!(
            "{verb} rule {} {} {chain}",
            family_name(r.family),
            table_of!(r),
        );
        self.push(sys::NFT_MSG_NEWRULE, flags, r.family, |w| r.encode(w), what)
    }

    /// Deletes the rule with `handle` (`NFT_MSG_DELRULE`).
    ///
    /// # Errors
    /// As [`Transaction::add_table`].
    pub fn delete_rule(
        &mut self,
        family: ProtoFamily,
        table: &str,
        chain: &str,
        handle: u64,
    ) -> Result<&mut Self, EncodeError> {
        let what = format!(
            "delete rule {} {table} {chain} handle {handle}",
            family_name(family)
        );
        self.push(
            sys::NFT_MSG_DELRULE,
            NlFlags::empty(),
            family,
            |w| {
                table.to_owned().encode(sys::NFTA_RULE_TABLE, w)?;
                chain.to_owned().encode(sys::NFTA_RULE_CHAIN, w)?;
                handle.encode(sys::NFTA_RULE_HANDLE, w)
            },
            what,
        )
    }

    /// Adds a set or map (`NFT_MSG_NEWSET`, `NLM_F_CREATE`). Without an
    /// `id` (`NFTA_SET_ID`, which the kernel requires), one is assigned.
    ///
    /// # Errors
    /// As [`Transaction::add_table`].
    pub fn add_set(&mut self, s: &Set) -> Result<&mut Self, EncodeError> {
        let what = format!(
            "add set {} {} {}",
            family_name(s.family),
            table_of!(s),
            s.name.as_deref().unwrap_or("?")
        );
        // The kernel requires NFTA_SET_ID (it names the set for lookups
        // and elements in the same transaction): give one if missing.
        let id = u32::try_from(self.ops.len() + 1).unwrap_or(u32::MAX);
        self.push(
            sys::NFT_MSG_NEWSET,
            NlFlags::CREATE,
            s.family,
            |w| {
                if s.id.is_some() {
                    s.encode(w)
                } else {
                    let mut with_id = s.clone();
                    with_id.id = Some(id);
                    with_id.encode(w)
                }
            },
            what,
        )
    }

    /// Deletes a set (`NFT_MSG_DELSET`).
    ///
    /// # Errors
    /// As [`Transaction::add_table`].
    pub fn delete_set(
        &mut self,
        family: ProtoFamily,
        table: &str,
        name: &str,
    ) -> Result<&mut Self, EncodeError> {
        let what = format!("delete set {} {table} {name}", family_name(family));
        self.push(
            sys::NFT_MSG_DELSET,
            NlFlags::empty(),
            family,
            |w| {
                table.to_owned().encode(sys::NFTA_SET_TABLE, w)?;
                name.to_owned().encode(sys::NFTA_SET_NAME, w)
            },
            what,
        )
    }

    /// Adds elements to a set (`NFT_MSG_NEWSETELEM`, `NLM_F_CREATE`; an
    /// existing element is kept). A long list becomes several operations
    /// of at most [`ELEMS_PER_MESSAGE_BYTES`] each (one nest is limited to
    /// 64 KiB), applied together with the rest of the transaction.
    ///
    /// # Errors
    /// As [`Transaction::add_table`].
    pub fn add_elements(&mut self, e: &SetElems) -> Result<&mut Self, EncodeError> {
        self.elem_op(e, "add", sys::NFT_MSG_NEWSETELEM, NlFlags::CREATE)
    }

    /// Deletes elements from a set (`NFT_MSG_DELSETELEM`).
    ///
    /// # Errors
    /// As [`Transaction::add_table`].
    pub fn delete_elements(&mut self, e: &SetElems) -> Result<&mut Self, EncodeError> {
        self.elem_op(e, "delete", sys::NFT_MSG_DELSETELEM, NlFlags::empty())
    }

    /// One message per [`ELEMS_PER_MESSAGE_BYTES`] of elements: a nest
    /// cannot exceed 64 KiB.
    fn elem_op(
        &mut self,
        e: &SetElems,
        verb: &str,
        t: u8,
        flags: NlFlags,
    ) -> Result<&mut Self, EncodeError> {
        let all = e.elements.as_ref().map_or(&[][..], |l| l.0.as_slice());
        let total = all.len();
        let set = format!(
            "set {} {} {}",
            family_name(e.family),
            table_of!(e),
            e.set.as_deref().unwrap_or("?")
        );
        let message = |chunk: &[u8]| -> Result<Vec<u8>, EncodeError> {
            let mut w = Vec::with_capacity(chunk.len() + 64);
            if let Some(t) = &e.table {
                t.encode(sys::NFTA_SET_ELEM_LIST_TABLE, &mut w)?;
            }
            if let Some(s) = &e.set {
                s.encode(sys::NFTA_SET_ELEM_LIST_SET, &mut w)?;
            }
            crate::wire::put(&mut w, sys::NFTA_SET_ELEM_LIST_ELEMENTS, chunk)?;
            if let Some(id) = e.set_id {
                id.encode(sys::NFTA_SET_ELEM_LIST_SET_ID, &mut w)?;
            }
            for x in &e.extra {
                crate::wire::put(&mut w, x.kind, &x.payload)?;
            }
            Ok(w)
        };
        let prep = if verb == "delete" { "from" } else { "to" };
        let what = |first: usize, end: usize| {
            if first == 0 && end == total {
                format!("{verb} {total} elements {prep} {set}")
            } else {
                format!("{verb} elements {first}..{end} of {total} {prep} {set}")
            }
        };
        let mut chunk = Vec::new();
        let mut one = Vec::new();
        let mut first = 0usize;
        for (i, el) in all.iter().enumerate() {
            one.clear();
            crate::wire::nest(&mut one, sys::NFTA_LIST_ELEM, |w| el.encode_area(w))?;
            if !chunk.is_empty() && chunk.len() + one.len() > ELEMS_PER_MESSAGE_BYTES {
                let attrs = message(&chunk)?;
                self.push_raw(t, flags, e.family, attrs, what(first, i));
                if let Some(op) = self.ops.last_mut() {
                    op.elem_base = first;
                }
                chunk.clear();
                first = i;
            }
            chunk.extend_from_slice(&one);
        }
        if !chunk.is_empty() || total == 0 {
            let attrs = message(&chunk)?;
            self.push_raw(t, flags, e.family, attrs, what(first, total));
            if let Some(op) = self.ops.last_mut() {
                op.elem_base = first;
            }
        }
        Ok(self)
    }

    /// Adds a stateful object (`NFT_MSG_NEWOBJ`, `NLM_F_CREATE`).
    ///
    /// # Errors
    /// As [`Transaction::add_table`].
    pub fn add_obj(&mut self, o: &Obj) -> Result<&mut Self, EncodeError> {
        let what = format!(
            "add object {} {} {}",
            family_name(o.family),
            table_of!(o),
            o.name.as_deref().unwrap_or("?")
        );
        self.push(
            sys::NFT_MSG_NEWOBJ,
            NlFlags::CREATE,
            o.family,
            |w| o.encode(w),
            what,
        )
    }

    /// Deletes a stateful object of type `kind` (`NFT_OBJECT_*`) (`NFT_MSG_DELOBJ`).
    ///
    /// # Errors
    /// As [`Transaction::add_table`].
    pub fn delete_obj(
        &mut self,
        family: ProtoFamily,
        table: &str,
        name: &str,
        kind: u32,
    ) -> Result<&mut Self, EncodeError> {
        let what = format!("delete object {} {table} {name}", family_name(family));
        self.push(
            sys::NFT_MSG_DELOBJ,
            NlFlags::empty(),
            family,
            |w| {
                table.to_owned().encode(sys::NFTA_OBJ_TABLE, w)?;
                name.to_owned().encode(sys::NFTA_OBJ_NAME, w)?;
                kind.encode(sys::NFTA_OBJ_TYPE, w)
            },
            what,
        )
    }

    /// Adds a flowtable, or updates its devices (`NFT_MSG_NEWFLOWTABLE`, `NLM_F_CREATE`).
    ///
    /// # Errors
    /// As [`Transaction::add_table`].
    pub fn add_flowtable(&mut self, f: &Flowtable) -> Result<&mut Self, EncodeError> {
        let what = format!(
            "add flowtable {} {} {}",
            family_name(f.family),
            table_of!(f),
            f.name.as_deref().unwrap_or("?")
        );
        self.push(
            sys::NFT_MSG_NEWFLOWTABLE,
            NlFlags::CREATE,
            f.family,
            |w| f.encode(w),
            what,
        )
    }

    /// Creates a flowtable; `EEXIST` if it exists (`NLM_F_CREATE | NLM_F_EXCL`).
    ///
    /// # Errors
    /// As [`Transaction::add_table`].
    pub fn create_flowtable(&mut self, f: &Flowtable) -> Result<&mut Self, EncodeError> {
        self.add_flowtable(f)?;
        Ok(self.exclusive_last("create"))
    }

    /// Creates a set; `EEXIST` if it exists (`NLM_F_CREATE | NLM_F_EXCL`).
    ///
    /// # Errors
    /// As [`Transaction::add_table`].
    pub fn create_set(&mut self, s: &Set) -> Result<&mut Self, EncodeError> {
        self.add_set(s)?;
        Ok(self.exclusive_last("create"))
    }

    /// Creates a stateful object; `EEXIST` if it exists (`NLM_F_CREATE | NLM_F_EXCL`).
    ///
    /// # Errors
    /// As [`Transaction::add_table`].
    pub fn create_obj(&mut self, o: &Obj) -> Result<&mut Self, EncodeError> {
        self.add_obj(o)?;
        Ok(self.exclusive_last("create"))
    }

    /// Adds elements; `EEXIST` if one exists already (`NLM_F_CREATE | NLM_F_EXCL`).
    ///
    /// # Errors
    /// As [`Transaction::add_table`].
    pub fn create_elements(&mut self, e: &SetElems) -> Result<&mut Self, EncodeError> {
        self.elem_op(
            e,
            "create",
            sys::NFT_MSG_NEWSETELEM,
            NlFlags::CREATE | NlFlags::EXCL,
        )
    }

    /// Marks the last operation exclusive (`NLM_F_EXCL`) and renames its verb.
    fn exclusive_last(&mut self, verb: &str) -> &mut Self {
        if let Some(op) = self.ops.last_mut() {
            op.flags |= NlFlags::EXCL;
            if let Some(rest) = op.what.strip_prefix("add") {
                op.what = format!("{verb}{rest}");
            }
        }
        self
    }

    /// Creates a chain; `EEXIST` if it exists (`NLM_F_CREATE | NLM_F_EXCL`).
    ///
    /// # Errors
    /// As [`Transaction::add_table`].
    pub fn create_chain(&mut self, c: &Chain) -> Result<&mut Self, EncodeError> {
        let what = format!(
            "create chain {} {} {}",
            family_name(c.family),
            table_of!(c),
            c.name.as_deref().unwrap_or("?")
        );
        self.push(
            sys::NFT_MSG_NEWCHAIN,
            NlFlags::CREATE | NlFlags::EXCL,
            c.family,
            |w| c.encode(w),
            what,
        )
    }

    /// Deletes every rule of a chain (`NFT_MSG_DELRULE` without a handle).
    ///
    /// # Errors
    /// As [`Transaction::add_table`].
    pub fn flush_chain(
        &mut self,
        family: ProtoFamily,
        table: &str,
        chain: &str,
    ) -> Result<&mut Self, EncodeError> {
        let what = format!("flush chain {} {table} {chain}", family_name(family));
        self.push(
            sys::NFT_MSG_DELRULE,
            NlFlags::empty(),
            family,
            |w| {
                table.to_owned().encode(sys::NFTA_RULE_TABLE, w)?;
                chain.to_owned().encode(sys::NFTA_RULE_CHAIN, w)
            },
            what,
        )
    }

    /// Deletes every element of a set (`NFT_MSG_DELSETELEM` without elements).
    ///
    /// # Errors
    /// As [`Transaction::add_table`].
    pub fn flush_set(
        &mut self,
        family: ProtoFamily,
        table: &str,
        set: &str,
    ) -> Result<&mut Self, EncodeError> {
        let what = format!("flush set {} {table} {set}", family_name(family));
        self.push(
            sys::NFT_MSG_DELSETELEM,
            NlFlags::empty(),
            family,
            |w| {
                table.to_owned().encode(sys::NFTA_SET_ELEM_LIST_TABLE, w)?;
                set.to_owned().encode(sys::NFTA_SET_ELEM_LIST_SET, w)
            },
            what,
        )
    }

    /// Deletes an object of `kind` by what [`Handle`] says: its name or
    /// its handle, and with `destroy` no error if it is absent
    /// (`NFT_MSG_DESTROY*`, Linux 6.3+). `table` is ignored for
    /// [`Kind::Table`] named by handle.
    ///
    /// # Errors
    /// As [`Transaction::add_table`].
    pub fn delete(
        &mut self,
        kind: Kind,
        family: ProtoFamily,
        table: &str,
        which: Handle<'_>,
        destroy: bool,
    ) -> Result<&mut Self, EncodeError> {
        let (del, destr, t_attr, name_attr, handle_attr, noun) = match kind {
            Kind::Table => (
                sys::NFT_MSG_DELTABLE,
                sys::NFT_MSG_DESTROYTABLE,
                None,
                sys::NFTA_TABLE_NAME,
                sys::NFTA_TABLE_HANDLE,
                "table",
            ),
            Kind::Chain => (
                sys::NFT_MSG_DELCHAIN,
                sys::NFT_MSG_DESTROYCHAIN,
                Some(sys::NFTA_CHAIN_TABLE),
                sys::NFTA_CHAIN_NAME,
                sys::NFTA_CHAIN_HANDLE,
                "chain",
            ),
            Kind::Set => (
                sys::NFT_MSG_DELSET,
                sys::NFT_MSG_DESTROYSET,
                Some(sys::NFTA_SET_TABLE),
                sys::NFTA_SET_NAME,
                sys::NFTA_SET_HANDLE,
                "set",
            ),
            Kind::Flowtable => (
                sys::NFT_MSG_DELFLOWTABLE,
                sys::NFT_MSG_DESTROYFLOWTABLE,
                Some(sys::NFTA_FLOWTABLE_TABLE),
                sys::NFTA_FLOWTABLE_NAME,
                sys::NFTA_FLOWTABLE_HANDLE,
                "flowtable",
            ),
            Kind::Obj(_) => (
                sys::NFT_MSG_DELOBJ,
                sys::NFT_MSG_DESTROYOBJ,
                Some(sys::NFTA_OBJ_TABLE),
                sys::NFTA_OBJ_NAME,
                sys::NFTA_OBJ_HANDLE,
                "object",
            ),
        };
        let verb = if destroy { "destroy" } else { "delete" };
        let target = match which {
            Handle::Name(n) => n.to_owned(),
            Handle::Handle(h) => format!("handle {h}"),
        };
        let what = if t_attr.is_some() {
            format!("{verb} {noun} {} {table} {target}", family_name(family))
        } else {
            format!("{verb} {noun} {} {target}", family_name(family))
        };
        self.push(
            if destroy { destr } else { del },
            NlFlags::empty(),
            family,
            |w| {
                if let Some(t) = t_attr {
                    table.to_owned().encode(t, w)?;
                }
                match which {
                    Handle::Name(n) => n.to_owned().encode(name_attr, w)?,
                    Handle::Handle(h) => h.encode(handle_attr, w)?,
                }
                if let Kind::Obj(t) = kind {
                    t.encode(sys::NFTA_OBJ_TYPE, w)?;
                }
                Ok(())
            },
            what,
        )
    }

    /// What operation `i` was, with the part the kernel's extended-ack
    /// `offset` points at (for a rule: which expression).
    pub(crate) fn describe(&self, i: usize, offset: Option<u32>) -> String {
        let Some(op) = self.ops.get(i) else {
            return format!("operation {i}");
        };
        let mut s = op.what.clone();
        if let Some(at) = offset
            .and_then(|o| usize::try_from(o).ok())
            .and_then(|o| o.checked_sub(HEADERS))
        {
            if let Some(part) = locate(op, at) {
                s.push_str(": ");
                s.push_str(&part);
            }
        }
        s
    }
}

/// Names what lies at byte `at` of a message's attributes: for a rule's
/// expressions, `expression N of M (name)` (from 1).
fn locate(op: &Op, at: usize) -> Option<String> {
    let (msg_type, attrs) = (op.msg_type, op.attrs.as_slice());
    let mut pos = 0usize;
    for a in nfnl::AttrIter::new(attrs) {
        let a = a.ok()?;
        let len = 4 + a.payload().len();
        let end = pos + ((len + 3) & !3);
        if at >= pos && at < end {
            if msg_type == sys::NFT_MSG_NEWRULE && a.kind() == sys::NFTA_RULE_EXPRESSIONS {
                let elems: Vec<_> = nfnl::AttrIter::new(a.payload())
                    .filter_map(Result::ok)
                    .collect();
                let mut epos = pos + 4;
                for (n, e) in elems.iter().enumerate() {
                    let elen = (4 + e.payload().len() + 3) & !3;
                    if at >= epos && at < epos + elen {
                        let name = Expr::decode(e.payload())
                            .map(|x| x.name().to_owned())
                            .unwrap_or_else(|_| "?".into());
                        return Some(format!("expression {} of {} ({name})", n + 1, elems.len()));
                    }
                    epos += elen;
                }
            }
            let is_elems = matches!(
                msg_type,
                sys::NFT_MSG_NEWSETELEM | sys::NFT_MSG_DELSETELEM | sys::NFT_MSG_DESTROYSETELEM
            ) && a.kind() == sys::NFTA_SET_ELEM_LIST_ELEMENTS;
            if is_elems {
                let mut epos = pos + 4;
                for (n, e) in nfnl::AttrIter::new(a.payload())
                    .filter_map(Result::ok)
                    .enumerate()
                {
                    let elen = (4 + e.payload().len() + 3) & !3;
                    if at >= epos && at < epos + elen {
                        return Some(format!("element {}", op.elem_base + n));
                    }
                    epos += elen;
                }
            }
            return Some(attr_name(msg_type, a.kind()));
        }
        pos = end;
    }
    None
}

/// The kernel's name of top-level attribute `kind` of message `msg_type`.
fn attr_name(msg_type: u8, kind: u16) -> String {
    let names: &[&str] = match msg_type {
        sys::NFT_MSG_NEWTABLE | sys::NFT_MSG_DELTABLE | sys::NFT_MSG_DESTROYTABLE => &[
            "",
            "NFTA_TABLE_NAME",
            "NFTA_TABLE_FLAGS",
            "NFTA_TABLE_USE",
            "NFTA_TABLE_HANDLE",
            "NFTA_TABLE_PAD",
            "NFTA_TABLE_USERDATA",
            "NFTA_TABLE_OWNER",
        ],
        sys::NFT_MSG_NEWCHAIN | sys::NFT_MSG_DELCHAIN | sys::NFT_MSG_DESTROYCHAIN => &[
            "",
            "NFTA_CHAIN_TABLE",
            "NFTA_CHAIN_HANDLE",
            "NFTA_CHAIN_NAME",
            "NFTA_CHAIN_HOOK",
            "NFTA_CHAIN_POLICY",
            "NFTA_CHAIN_USE",
            "NFTA_CHAIN_TYPE",
            "NFTA_CHAIN_COUNTERS",
            "NFTA_CHAIN_PAD",
            "NFTA_CHAIN_FLAGS",
            "NFTA_CHAIN_ID",
            "NFTA_CHAIN_USERDATA",
        ],
        sys::NFT_MSG_NEWRULE | sys::NFT_MSG_DELRULE | sys::NFT_MSG_DESTROYRULE => &[
            "",
            "NFTA_RULE_TABLE",
            "NFTA_RULE_CHAIN",
            "NFTA_RULE_HANDLE",
            "NFTA_RULE_EXPRESSIONS",
            "NFTA_RULE_COMPAT",
            "NFTA_RULE_POSITION",
            "NFTA_RULE_USERDATA",
            "NFTA_RULE_PAD",
            "NFTA_RULE_ID",
            "NFTA_RULE_POSITION_ID",
            "NFTA_RULE_CHAIN_ID",
        ],
        sys::NFT_MSG_NEWSET | sys::NFT_MSG_DELSET | sys::NFT_MSG_DESTROYSET => &[
            "",
            "NFTA_SET_TABLE",
            "NFTA_SET_NAME",
            "NFTA_SET_FLAGS",
            "NFTA_SET_KEY_TYPE",
            "NFTA_SET_KEY_LEN",
            "NFTA_SET_DATA_TYPE",
            "NFTA_SET_DATA_LEN",
            "NFTA_SET_POLICY",
            "NFTA_SET_DESC",
            "NFTA_SET_ID",
            "NFTA_SET_TIMEOUT",
            "NFTA_SET_GC_INTERVAL",
            "NFTA_SET_USERDATA",
            "NFTA_SET_PAD",
            "NFTA_SET_OBJ_TYPE",
            "NFTA_SET_HANDLE",
            "NFTA_SET_EXPR",
            "NFTA_SET_EXPRESSIONS",
        ],
        sys::NFT_MSG_NEWSETELEM | sys::NFT_MSG_DELSETELEM | sys::NFT_MSG_DESTROYSETELEM => &[
            "",
            "NFTA_SET_ELEM_LIST_TABLE",
            "NFTA_SET_ELEM_LIST_SET",
            "NFTA_SET_ELEM_LIST_ELEMENTS",
            "NFTA_SET_ELEM_LIST_SET_ID",
        ],
        sys::NFT_MSG_NEWOBJ | sys::NFT_MSG_DELOBJ | sys::NFT_MSG_DESTROYOBJ => &[
            "",
            "NFTA_OBJ_TABLE",
            "NFTA_OBJ_NAME",
            "NFTA_OBJ_TYPE",
            "NFTA_OBJ_DATA",
            "NFTA_OBJ_USE",
            "NFTA_OBJ_HANDLE",
            "NFTA_OBJ_PAD",
            "NFTA_OBJ_USERDATA",
        ],
        sys::NFT_MSG_NEWFLOWTABLE | sys::NFT_MSG_DELFLOWTABLE | sys::NFT_MSG_DESTROYFLOWTABLE => &[
            "",
            "NFTA_FLOWTABLE_TABLE",
            "NFTA_FLOWTABLE_NAME",
            "NFTA_FLOWTABLE_HOOK",
            "NFTA_FLOWTABLE_USE",
            "NFTA_FLOWTABLE_HANDLE",
            "NFTA_FLOWTABLE_PAD",
            "NFTA_FLOWTABLE_FLAGS",
        ],
        _ => &[],
    };
    match names.get(usize::from(kind)) {
        Some(n) if !n.is_empty() => (*n).to_owned(),
        _ => format!("attribute {kind}"),
    }
}
