//! [`Transaction`]: an atomic set of changes, and how a refusal is traced
//! back to the operation (and the expression or element) it was about.

use std::borrow::Borrow;

use nfnl::{EncodeError, NlFlags, ProtoFamily};
use nfnl_sys as sys;

use crate::expr::Expr;
use crate::object::{Chain, Element, Flowtable, Obj, Rule, Set, SetElems, Table};
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

/// The set an element operation is about: the `NFTA_SET_ELEM_LIST_*`
/// attributes each of its messages starts with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SetRef<'a> {
    /// The set's family.
    pub family: ProtoFamily,
    /// `NFTA_SET_ELEM_LIST_TABLE`.
    pub table: &'a str,
    /// `NFTA_SET_ELEM_LIST_SET` (not sent if empty: a set named by `set_id` only).
    pub set: &'a str,
    /// `NFTA_SET_ELEM_LIST_SET_ID`: a set created earlier in the same
    /// transaction (anonymous sets are named this way).
    pub set_id: Option<u32>,
}

impl<'a> SetRef<'a> {
    /// The set `set` of `table`.
    pub fn new(family: ProtoFamily, table: &'a str, set: &'a str) -> Self {
        SetRef {
            family,
            table,
            set,
            set_id: None,
        }
    }

    /// The set a [`SetElems`] (for example from a dump) is about; its
    /// elements are not part of it.
    pub fn of(e: &'a SetElems) -> Self {
        SetRef {
            family: e.family,
            table: e.table.as_deref().unwrap_or(""),
            set: e.set.as_deref().unwrap_or(""),
            set_id: e.set_id,
        }
    }
}

/// What an operation was, for errors: kept as text, or for element
/// messages as the element call (group) and the index of the message's
/// first element in it, the text made only when an error needs it.
#[derive(Clone, Debug)]
enum Desc {
    Text(Box<str>),
    Elems { group: u32, first: u32 },
}

/// One call of [`Transaction::add_elements`] (or create, delete): several
/// messages.
#[derive(Clone, Debug)]
struct ElemGroup {
    verb: &'static str,
    set: Box<str>,
    total: u32,
}

/// One operation of a [`Transaction`]: a message of its buffer.
#[derive(Clone, Debug)]
struct Op {
    /// Offset of the message in [`Transaction::buf`].
    start: u32,
    what: Desc,
}

/// An atomic set of changes, applied by [`Nft::commit`](crate::Nft::commit): everything or
/// nothing. Operations are numbered from 0 in the order they were added;
/// a refusal names the operation by that index and what it was.
///
/// A transaction keeps only its encoding: each operation is written as a
/// netlink message when it is added (its objects can be dropped at once;
/// elements can come from an iterator and never be held all together),
/// plus, per message, its offset and what it was for errors. A million IPv4
/// elements take about 16 MB.
///
/// The whole transaction goes in one datagram, so it must fit the socket's
/// send buffer: raised as far as needed with `SO_SNDBUFFORCE` when
/// permitted (`CAP_NET_ADMIN` in the initial user namespace), else capped
/// by twice `net.core.wmem_max` (8 MiB by default: about 200,000 rules or
/// 500,000 IPv4 elements); a larger one is refused with
/// [`Error::TooLarge`](crate::Error::TooLarge) before anything is sent, and
/// can be applied in several atomic parts, not atomically as a whole, with
/// [`Nft::commit_in_parts`](crate::Nft::commit_in_parts).
#[derive(Clone, Default)]
pub struct Transaction {
    /// The operations' messages back to back; operation `i` has sequence
    /// number `i + 1`.
    buf: Vec<u8>,
    ops: Vec<Op>,
    groups: Vec<ElemGroup>,
    pub(crate) genid: Option<u32>,
}

impl std::fmt::Debug for Transaction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transaction")
            .field("ops", &self.ops.len())
            .field("bytes", &self.buf.len())
            .field("genid", &self.genid)
            .finish()
    }
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

    /// Number of operations (messages: an element call of many elements
    /// is several).
    pub fn len(&self) -> usize {
        self.ops.len()
    }

    /// True without operations.
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    /// Bytes of the encoded operations (the datagram adds about 50: the
    /// batch's begin and end messages).
    pub fn encoded_len(&self) -> usize {
        self.buf.len()
    }

    /// Applies only if the ruleset is still at generation `id`
    /// (`NFNL_BATCH_GENID`, from [`Nft::generation`](crate::Nft::generation)): someone else's change
    /// in between makes the commit fail with [`Error::Transaction`](crate::Error::Transaction)
    /// (`ERESTART`) instead of applying on top of it.
    pub fn expect_generation(&mut self, id: u32) -> &mut Self {
        self.genid = Some(id);
        self
    }

    /// The messages of operations `ops` (sequence numbers `ops.start + 1`
    /// on), back to back.
    pub(crate) fn messages(&self, ops: std::ops::Range<usize>) -> &[u8] {
        let at = |i: usize| self.ops.get(i).map_or(self.buf.len(), |o| o.start as usize);
        self.buf.get(at(ops.start)..at(ops.end)).unwrap_or_default()
    }

    /// Bytes of operation `i`'s message.
    pub(crate) fn op_len(&self, i: usize) -> usize {
        self.messages(i..i + 1).len()
    }

    /// `nlmsg_type` low byte (`NFT_MSG_*`) of operation `i`.
    pub(crate) fn op_type(&self, i: usize) -> Option<u8> {
        msg_type_of(self.messages(i..i + 1))
    }

    /// Appends operations `ops` of `other`, renumbered as this
    /// transaction's next ones (for callers that encode in several
    /// transactions and put them in order afterwards). The messages are
    /// kept as they are: a set id that [`Transaction::add_set`] gave counts
    /// `other`'s operations, so such callers give sets their own ids.
    ///
    /// # Errors
    /// [`EncodeError`] past 4 GiB or 2^32 operations (nothing appended).
    #[cfg_attr(not(feature = "json"), allow(dead_code))]
    pub(crate) fn append(
        &mut self,
        other: &Transaction,
        ops: std::ops::Range<usize>,
    ) -> Result<(), EncodeError> {
        let (bytes, n, groups) = (self.buf.len(), self.ops.len(), self.groups.len());
        let r = self.append_inner(other, ops);
        if r.is_err() {
            self.rollback(bytes, n, groups);
        }
        r
    }

    fn append_inner(
        &mut self,
        other: &Transaction,
        ops: std::ops::Range<usize>,
    ) -> Result<(), EncodeError> {
        // An element call's messages share one group: copied once.
        let mut last_group: Option<(u32, u32)> = None;
        for i in ops {
            let Some(op) = other.ops.get(i) else { break };
            let msg = other.messages(i..i + 1);
            let start = self.buf.len();
            let off =
                u32::try_from(start).map_err(|_| EncodeError::MessageTooLarge { len: start })?;
            let seq = u32::try_from(self.ops.len() + 1)
                .map_err(|_| EncodeError::Invalid("too many operations"))?;
            self.buf.extend_from_slice(msg);
            if let Some(s) = self.buf.get_mut(start + 8..start + 12) {
                s.copy_from_slice(&seq.to_ne_bytes());
            }
            let what = match &op.what {
                Desc::Text(t) => Desc::Text(t.clone()),
                Desc::Elems { group, first } => {
                    let g = match last_group {
                        Some((src, dst)) if src == *group => dst,
                        _ => {
                            let dst = u32::try_from(self.groups.len())
                                .map_err(|_| EncodeError::Invalid("too many element operations"))?;
                            let copied = other.groups.get(*group as usize).cloned();
                            self.groups.push(copied.unwrap_or(ElemGroup {
                                verb: "add",
                                set: "?".into(),
                                total: 0,
                            }));
                            last_group = Some((*group, dst));
                            dst
                        }
                    };
                    Desc::Elems {
                        group: g,
                        first: *first,
                    }
                }
            };
            self.ops.push(Op { start: off, what });
        }
        Ok(())
    }

    /// Puts the operations of `front` before this transaction's, all
    /// renumbered, moving this one's buffer in place (no copy of it).
    ///
    /// # Errors
    /// [`EncodeError`] past 4 GiB or 2^32 operations (nothing changed).
    #[cfg_attr(not(feature = "json"), allow(dead_code))]
    pub(crate) fn prepend(&mut self, front: &Transaction) -> Result<(), EncodeError> {
        let total = self.buf.len() + front.buf.len();
        u32::try_from(total).map_err(|_| EncodeError::MessageTooLarge { len: total })?;
        u32::try_from(self.ops.len() + front.ops.len() + 1)
            .map_err(|_| EncodeError::Invalid("too many operations"))?;
        u32::try_from(self.groups.len() + front.groups.len())
            .map_err(|_| EncodeError::Invalid("too many element operations"))?;
        // (these fit: their sums do)
        let moved = u32::try_from(front.buf.len()).unwrap_or(0);
        let groups = u32::try_from(front.groups.len()).unwrap_or(0);
        self.buf.splice(0..0, front.buf.iter().copied());
        let mine = std::mem::take(&mut self.ops);
        self.ops.reserve_exact(front.ops.len() + mine.len());
        self.ops.extend(front.ops.iter().cloned());
        self.ops.extend(mine.into_iter().map(|mut o| {
            o.start += moved;
            if let Desc::Elems { group, .. } = &mut o.what {
                *group += groups;
            }
            o
        }));
        self.groups.splice(0..0, front.groups.iter().cloned());
        for (i, o) in self.ops.iter().enumerate() {
            let at = o.start as usize;
            let seq = u32::try_from(i + 1).unwrap_or(u32::MAX);
            if let Some(s) = self.buf.get_mut(at + 8..at + 12) {
                s.copy_from_slice(&seq.to_ne_bytes());
            }
        }
        Ok(())
    }

    /// Replaces operation `i` by the one operation of `with` (same
    /// sequence number; the operations after it move).
    ///
    /// # Errors
    /// [`EncodeError`] past 4 GiB (nothing changed).
    #[cfg_attr(not(feature = "json"), allow(dead_code))]
    pub(crate) fn replace(&mut self, i: usize, with: &Transaction) -> Result<(), EncodeError> {
        let (Some(new), Some(op)) = (with.ops.first(), self.ops.get(i)) else {
            return Err(EncodeError::Invalid("no such operation"));
        };
        let Desc::Text(what) = &new.what else {
            return Err(EncodeError::Invalid(
                "an element operation cannot replace one",
            ));
        };
        let what = what.clone();
        let start = op.start as usize;
        let old_len = self.op_len(i);
        let mut msg = with.messages(0..1).to_vec();
        let seq = u32::try_from(i + 1).map_err(|_| EncodeError::Invalid("too many operations"))?;
        if let Some(s) = msg.get_mut(8..12) {
            s.copy_from_slice(&seq.to_ne_bytes());
        }
        let total = self.buf.len() - old_len + msg.len();
        u32::try_from(total).map_err(|_| EncodeError::MessageTooLarge { len: total })?;
        let new_len = msg.len();
        self.buf.splice(start..start + old_len, msg);
        for o in self.ops.iter_mut().skip(i + 1) {
            // (fits: the whole buffer does)
            let moved = o.start as usize - old_len + new_len;
            o.start = u32::try_from(moved).unwrap_or(o.start);
        }
        if let Some(o) = self.ops.get_mut(i) {
            o.what = Desc::Text(what);
        }
        Ok(())
    }

    /// Starts a message (header and `nfgenmsg`; length patched by
    /// [`Transaction::close`]) for operation number `self.ops.len()`.
    fn open(
        &mut self,
        msg_type: u8,
        flags: NlFlags,
        family: ProtoFamily,
        what: Desc,
    ) -> Result<usize, EncodeError> {
        let start = self.buf.len();
        let off = u32::try_from(start).map_err(|_| EncodeError::MessageTooLarge { len: start })?;
        let seq = u32::try_from(self.ops.len() + 1)
            .map_err(|_| EncodeError::Invalid("too many operations"))?;
        let ty = (u16::from(sys::NFNL_SUBSYS_NFTABLES) << 8) | u16::from(msg_type);
        let flags = flags | NlFlags::REQUEST;
        self.buf.extend_from_slice(&0u32.to_ne_bytes());
        self.buf.extend_from_slice(&ty.to_ne_bytes());
        self.buf.extend_from_slice(&flags.bits().to_ne_bytes());
        self.buf.extend_from_slice(&seq.to_ne_bytes());
        self.buf.extend_from_slice(&0u32.to_ne_bytes());
        self.buf
            .extend_from_slice(&[u8::from(family), sys::NFNETLINK_V0, 0, 0]);
        self.ops.push(Op { start: off, what });
        Ok(start)
    }

    /// Patches the length of the message started at `start`.
    fn close(&mut self, start: usize) -> Result<(), EncodeError> {
        let len = self.buf.len() - start;
        let l = u32::try_from(len).map_err(|_| EncodeError::MessageTooLarge { len })?;
        if let Some(h) = self.buf.get_mut(start..start + 4) {
            h.copy_from_slice(&l.to_ne_bytes());
        }
        Ok(())
    }

    /// Undoes everything added after `buf` had `bytes`, `ops` `ops` and
    /// `groups` `groups` entries (an operation that failed to encode).
    fn rollback(&mut self, bytes: usize, ops: usize, groups: usize) {
        self.buf.truncate(bytes);
        self.ops.truncate(ops);
        self.groups.truncate(groups);
    }

    /// Adds a raw operation: message `msg_type` (`NFT_MSG_*`) with `flags`
    /// (`NLM_F_REQUEST` is added) for `family`, with the attributes
    /// `attrs`, described as `what` in errors.
    ///
    /// # Errors
    /// [`EncodeError`] if the message would exceed 4 GiB.
    pub fn push_raw(
        &mut self,
        msg_type: u8,
        flags: NlFlags,
        family: ProtoFamily,
        attrs: &[u8],
        what: String,
    ) -> Result<&mut Self, EncodeError> {
        self.push(
            msg_type,
            flags,
            family,
            |w| {
                w.extend_from_slice(attrs);
                Ok(())
            },
            what,
        )
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
        let (bytes, ops, groups) = (self.buf.len(), self.ops.len(), self.groups.len());
        let r = self
            .open(msg_type, flags, family, Desc::Text(what.into()))
            .and_then(|start| {
                encode(&mut self.buf)?;
                self.close(start)
            });
        if let Err(e) = r {
            self.rollback(bytes, ops, groups);
            return Err(e);
        }
        Ok(self)
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

    /// Adds `elements` to a set (`NFT_MSG_NEWSETELEM`, `NLM_F_CREATE`; an
    /// existing element is kept). Each element is encoded as the iterator
    /// yields it (it can be dropped at once: a million elements never need
    /// to exist together as values), into messages of at most
    /// [`ELEMS_PER_MESSAGE_BYTES`] of elements each (one nest is limited
    /// to 64 KiB): each message is an operation, applied together with the
    /// rest of the transaction. A refusal names the message and the
    /// element (`add elements 4096..8192 of 1000000 to set ip t s: element
    /// 5000`, counted from 0 in `elements`).
    ///
    /// # Errors
    /// [`EncodeError`] for an element that cannot be encoded (then nothing
    /// of this call stays in the transaction).
    pub fn add_elements<I>(
        &mut self,
        set: SetRef<'_>,
        elements: I,
    ) -> Result<&mut Self, EncodeError>
    where
        I: IntoIterator,
        I::Item: Borrow<Element>,
    {
        self.elem_op(
            set,
            elements,
            "add",
            sys::NFT_MSG_NEWSETELEM,
            NlFlags::CREATE,
        )
    }

    /// Deletes `elements` from a set (`NFT_MSG_DELSETELEM`), as
    /// [`Transaction::add_elements`] adds them.
    ///
    /// # Errors
    /// As [`Transaction::add_elements`].
    pub fn delete_elements<I>(
        &mut self,
        set: SetRef<'_>,
        elements: I,
    ) -> Result<&mut Self, EncodeError>
    where
        I: IntoIterator,
        I::Item: Borrow<Element>,
    {
        self.elem_op(
            set,
            elements,
            "delete",
            sys::NFT_MSG_DELSETELEM,
            NlFlags::empty(),
        )
    }

    /// Adds elements; `EEXIST` if one exists already (`NLM_F_CREATE | NLM_F_EXCL`).
    ///
    /// # Errors
    /// As [`Transaction::add_elements`].
    pub fn create_elements<I>(
        &mut self,
        set: SetRef<'_>,
        elements: I,
    ) -> Result<&mut Self, EncodeError>
    where
        I: IntoIterator,
        I::Item: Borrow<Element>,
    {
        self.elem_op(
            set,
            elements,
            "create",
            sys::NFT_MSG_NEWSETELEM,
            NlFlags::CREATE | NlFlags::EXCL,
        )
    }

    /// Starts an element message of group `group` whose first element is
    /// `first`: the set's attributes, then the open elements nest.
    /// Returns (message start, nest start).
    fn open_elems(
        &mut self,
        set: &SetRef<'_>,
        t: u8,
        flags: NlFlags,
        group: u32,
        first: u32,
    ) -> Result<(usize, usize), EncodeError> {
        let start = self.open(t, flags, set.family, Desc::Elems { group, first })?;
        put_str(&mut self.buf, sys::NFTA_SET_ELEM_LIST_TABLE, set.table)?;
        if !set.set.is_empty() {
            put_str(&mut self.buf, sys::NFTA_SET_ELEM_LIST_SET, set.set)?;
        }
        if let Some(id) = set.set_id {
            crate::wire::put(
                &mut self.buf,
                sys::NFTA_SET_ELEM_LIST_SET_ID,
                &id.to_be_bytes(),
            )?;
        }
        let nest = self.buf.len();
        self.buf.extend_from_slice(&[0, 0]);
        self.buf
            .extend_from_slice(&sys::NFTA_SET_ELEM_LIST_ELEMENTS.to_ne_bytes());
        Ok((start, nest))
    }

    /// Closes the elements nest at `nest` and the message at `start`.
    fn close_elems(&mut self, start: usize, nest: usize) -> Result<(), EncodeError> {
        let len = self.buf.len() - nest;
        let l = u16::try_from(len).map_err(|_| EncodeError::AttrTooLarge {
            kind: sys::NFTA_SET_ELEM_LIST_ELEMENTS,
            len,
        })?;
        if let Some(h) = self.buf.get_mut(nest..nest + 2) {
            h.copy_from_slice(&l.to_ne_bytes());
        }
        self.close(start)
    }

    fn elem_op<I>(
        &mut self,
        set: SetRef<'_>,
        elements: I,
        verb: &'static str,
        t: u8,
        flags: NlFlags,
    ) -> Result<&mut Self, EncodeError>
    where
        I: IntoIterator,
        I::Item: Borrow<Element>,
    {
        let (bytes, ops, groups) = (self.buf.len(), self.ops.len(), self.groups.len());
        let r = self.elem_op_inner(&set, elements, verb, t, flags);
        if let Err(e) = r {
            self.rollback(bytes, ops, groups);
            return Err(e);
        }
        Ok(self)
    }

    fn elem_op_inner<I>(
        &mut self,
        set: &SetRef<'_>,
        elements: I,
        verb: &'static str,
        t: u8,
        flags: NlFlags,
    ) -> Result<(), EncodeError>
    where
        I: IntoIterator,
        I::Item: Borrow<Element>,
    {
        let group = u32::try_from(self.groups.len())
            .map_err(|_| EncodeError::Invalid("too many element operations"))?;
        let name = if set.set.is_empty() {
            set.set_id.map_or("?".into(), |id| format!("(set id {id})"))
        } else {
            set.set.to_owned()
        };
        self.groups.push(ElemGroup {
            verb,
            set: format!("set {} {} {name}", family_name(set.family), set.table).into(),
            total: 0,
        });
        let (mut start, mut nest) = self.open_elems(set, t, flags, group, 0)?;
        let mut in_msg = 0usize;
        let mut count = 0u32;
        let mut moved = Vec::new();
        for el in elements {
            let at = self.buf.len();
            crate::wire::nest(&mut self.buf, sys::NFTA_LIST_ELEM, |w| {
                el.borrow().encode_area(w)
            })?;
            if in_msg > 0 && self.buf.len() - nest - 4 > ELEMS_PER_MESSAGE_BYTES {
                // This element starts the next message.
                moved.clear();
                moved.extend_from_slice(self.buf.get(at..).unwrap_or_default());
                self.buf.truncate(at);
                self.close_elems(start, nest)?;
                (start, nest) = self.open_elems(set, t, flags, group, count)?;
                self.buf.extend_from_slice(&moved);
                in_msg = 0;
            }
            in_msg += 1;
            count = count
                .checked_add(1)
                .ok_or(EncodeError::Invalid("more than 2^32 elements in one call"))?;
        }
        self.close_elems(start, nest)?;
        if let Some(g) = self.groups.last_mut() {
            g.total = count;
        }
        Ok(())
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

    /// Marks the last operation exclusive (`NLM_F_EXCL`) and renames its verb.
    fn exclusive_last(&mut self, verb: &str) -> &mut Self {
        if let Some(op) = self.ops.last_mut() {
            let at = op.start as usize + 6;
            if let Some(f) = self.buf.get_mut(at..at + 2) {
                let flags = u16::from_ne_bytes([f[0], f[1]]) | NlFlags::EXCL.bits();
                f.copy_from_slice(&flags.to_ne_bytes());
            }
            if let Desc::Text(what) = &mut op.what {
                if let Some(rest) = what.strip_prefix("add") {
                    *what = format!("{verb}{rest}").into();
                }
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

    /// What operation `i` was (`add rule ip t c`).
    pub(crate) fn what(&self, i: usize) -> String {
        let Some(op) = self.ops.get(i) else {
            return format!("operation {i}");
        };
        match &op.what {
            Desc::Text(t) => t.to_string(),
            Desc::Elems { group, first } => {
                let Some(g) = self.groups.get(*group as usize) else {
                    return format!("operation {i}");
                };
                let end = match self.ops.get(i + 1).map(|o| &o.what) {
                    Some(Desc::Elems { group: g2, first }) if g2 == group => *first,
                    _ => g.total,
                };
                let (verb, total, set) = (g.verb, g.total, &g.set);
                let prep = if verb == "delete" { "from" } else { "to" };
                if *first == 0 && end == total {
                    format!("{verb} {total} elements {prep} {set}")
                } else {
                    format!("{verb} elements {first}..{end} of {total} {prep} {set}")
                }
            }
        }
    }

    /// What operation `i` was, with the part the kernel's extended-ack
    /// `offset` points at (for a rule: which expression; for elements:
    /// which element).
    pub(crate) fn describe(&self, i: usize, offset: Option<u32>) -> String {
        let mut s = self.what(i);
        let first = match self.ops.get(i).map(|o| &o.what) {
            Some(Desc::Elems { first, .. }) => *first as usize,
            _ => 0,
        };
        let msg = self.messages(i..i + 1);
        if let (Some(at), Some(t), Some(attrs)) = (
            offset
                .and_then(|o| usize::try_from(o).ok())
                .and_then(|o| o.checked_sub(HEADERS)),
            msg_type_of(msg),
            msg.get(HEADERS..),
        ) {
            if let Some(part) = locate(t, attrs, first, at) {
                s.push_str(": ");
                s.push_str(&part);
            }
        }
        s
    }
}

/// The `NFT_MSG_*` of a message (the low byte of its host-order `nlmsg_type`).
fn msg_type_of(msg: &[u8]) -> Option<u8> {
    let t = msg.get(4..6)?;
    Some(u16::from_ne_bytes([t[0], t[1]]).to_be_bytes()[1])
}

/// Appends a NUL-terminated string attribute.
fn put_str(w: &mut Vec<u8>, kind: u16, s: &str) -> Result<(), EncodeError> {
    if s.as_bytes().contains(&0) {
        return Err(EncodeError::InteriorNul { kind });
    }
    let len = sys::NLA_HDRLEN + s.len() + 1;
    let nla_len = u16::try_from(len).map_err(|_| EncodeError::AttrTooLarge { kind, len })?;
    w.extend_from_slice(&nla_len.to_ne_bytes());
    w.extend_from_slice(&kind.to_ne_bytes());
    w.extend_from_slice(s.as_bytes());
    w.push(0);
    w.resize((w.len() + 3) & !3, 0);
    Ok(())
}

/// Names what lies at byte `at` of a message's attributes `attrs`
/// (message type `msg_type`): for a rule's expressions, `expression N of M
/// (name)` (from 1); for elements, `element N` (`elem_base` plus the index
/// in the message).
fn locate(msg_type: u8, attrs: &[u8], elem_base: usize, at: usize) -> Option<String> {
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
                        return Some(format!("element {}", elem_base + n));
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use nfnl::{AttrIter, MsgIter};

    const IP: ProtoFamily = ProtoFamily::Ipv4;

    fn elem(i: u32) -> Element {
        Element::new((0x0a00_0000u32 + i).to_be_bytes())
    }

    /// (seq, nlmsg_type, flags, elements in the message) of each message.
    fn messages(tx: &Transaction) -> Vec<(u32, u16, u16, usize)> {
        MsgIter::new(tx.messages(0..tx.len()))
            .map(|m| {
                let m = m.unwrap();
                let attrs = m.payload().get(4..).unwrap();
                let elems = AttrIter::new(attrs)
                    .map(Result::unwrap)
                    .find(|a| a.kind() == sys::NFTA_SET_ELEM_LIST_ELEMENTS)
                    .map_or(0, |a| {
                        assert!(a.payload().len() <= ELEMS_PER_MESSAGE_BYTES);
                        AttrIter::new(a.payload()).count()
                    });
                (m.seq(), m.msg_type(), m.flags().bits(), elems)
            })
            .collect()
    }

    #[test]
    // Tens of thousands of elements: minutes under Miri (the splitting is not width-dependent).
    #[cfg_attr(miri, ignore)]
    fn elements_are_encoded_into_messages_under_the_nest_limit() {
        let mut tx = Transaction::new();
        tx.add_table(&Table::new(IP, "t")).unwrap();
        tx.add_elements(SetRef::new(IP, "t", "s"), (0..20_000).map(elem))
            .unwrap();
        let msgs = messages(&tx);
        assert_eq!(msgs.len(), tx.len());
        assert!(tx.len() > 5, "{}", tx.len());
        // Sequence numbers are the operation index + 1.
        for (i, m) in msgs.iter().enumerate() {
            assert_eq!(m.0 as usize, i + 1);
        }
        let newsetelem =
            (u16::from(sys::NFNL_SUBSYS_NFTABLES) << 8) | u16::from(sys::NFT_MSG_NEWSETELEM);
        assert!(msgs[1..].iter().all(|m| m.1 == newsetelem));
        assert_eq!(msgs.iter().map(|m| m.3).sum::<usize>(), 20_000);
        assert_eq!(tx.encoded_len(), tx.messages(0..tx.len()).len());
        // Each message names its range of the call's elements.
        assert_eq!(
            tx.what(1),
            format!("add elements 0..{} of 20000 to set ip t s", msgs[1].3)
        );
        let last = tx.len() - 1;
        assert!(
            tx.what(last).ends_with("..20000 of 20000 to set ip t s"),
            "{}",
            tx.what(last)
        );
    }

    /// Each operation's `what`.
    fn whats(tx: &Transaction) -> Vec<String> {
        (0..tx.len()).map(|i| tx.what(i)).collect()
    }

    #[test]
    #[cfg_attr(miri, ignore)]
    fn pieces_put_together_are_the_transaction_built_in_order() {
        // In order: a table, 3000 elements (several messages, one group),
        // a chain, a set, 5 elements, another table.
        let (t, c) = (Table::new(IP, "t"), Chain::new(IP, "t", "c"));
        let set = |size| {
            let mut s = Set::new(IP, "t", "s", 7, 4);
            // (an id of its own: one given by `add_set` counts operations)
            s.id = Some(9);
            s.desc = Some(crate::SetDesc {
                size,
                ..Default::default()
            });
            s
        };
        let mut whole = Transaction::new();
        whole.add_table(&t).unwrap();
        whole
            .add_elements(SetRef::new(IP, "t", "s"), (0..3000).map(elem))
            .unwrap();
        whole.add_chain(&c).unwrap();
        whole.add_set(&set(None)).unwrap();
        whole
            .add_elements(SetRef::new(IP, "t", "s"), (0..5).map(elem))
            .unwrap();
        whole.add_table(&Table::new(IP, "u")).unwrap();
        assert!(whole.len() > 5, "{}", whole.len());
        // The front half and the back half, each numbered from 1.
        let mut front = Transaction::new();
        front.add_table(&t).unwrap();
        front
            .add_elements(SetRef::new(IP, "t", "s"), (0..3000).map(elem))
            .unwrap();
        let mut back = Transaction::new();
        back.add_chain(&c).unwrap();
        back.add_set(&set(Some(65535))).unwrap();
        back.add_elements(SetRef::new(IP, "t", "s"), (0..5).map(elem))
            .unwrap();
        back.add_table(&Table::new(IP, "u")).unwrap();
        assert_ne!(messages(&back)[0].0, messages(&whole)[front.len()].0);
        // Back with front put before it; its set replaced by the one
        // without a size.
        let mut prepended = back.clone();
        prepended.prepend(&front).unwrap();
        let i = front.len() + 1;
        let mut one = Transaction::new();
        one.add_set(&set(None)).unwrap();
        assert_ne!(
            prepended.messages(0..prepended.len()),
            whole.messages(0..whole.len())
        );
        prepended.replace(i, &one).unwrap();
        assert_eq!(messages(&prepended), messages(&whole));
        assert_eq!(whats(&prepended), whats(&whole));
        assert!(prepended.messages(0..prepended.len()) == whole.messages(0..whole.len()));
        assert_eq!(whats(&prepended), whats(&whole));
        assert_eq!(messages(&prepended), messages(&whole));
        // Front, then back appended (in two runs).
        let mut appended = front.clone();
        appended.append(&back, 0..2).unwrap();
        appended.append(&back, 2..back.len()).unwrap();
        appended.replace(i, &one).unwrap();
        assert_eq!(
            appended.messages(0..appended.len()),
            whole.messages(0..whole.len())
        );
        assert_eq!(whats(&appended), whats(&whole));
        assert_eq!(appended.encoded_len(), whole.encoded_len());
    }

    #[test]
    fn an_error_names_the_element_at_the_kernels_offset() {
        let mut tx = Transaction::new();
        tx.add_elements(SetRef::new(IP, "t", "s"), (0..5).map(elem))
            .unwrap();
        assert_eq!(tx.what(0), "add 5 elements to set ip t s");
        // Table "t" (8), set "s" (8), then the nest: element 3 starts at
        // 20 + 16 + 4 + 3 * 16.
        assert_eq!(
            tx.describe(0, Some(20 + 16 + 4 + 3 * 16 + 4)),
            "add 5 elements to set ip t s: element 3"
        );
        assert_eq!(
            tx.describe(0, Some(20)),
            "add 5 elements to set ip t s: NFTA_SET_ELEM_LIST_TABLE"
        );
    }

    #[test]
    // Tens of thousands of elements: minutes under Miri (the splitting is not width-dependent).
    #[cfg_attr(miri, ignore)]
    fn a_failed_call_leaves_nothing_behind() {
        let mut tx = Transaction::new();
        tx.add_table(&Table::new(IP, "t")).unwrap();
        let (len, bytes) = (tx.len(), tx.encoded_len());
        let huge = Element::new(vec![0u8; 70_000]);
        let elems = (0..10_000).map(elem).chain([huge]);
        assert!(tx.add_elements(SetRef::new(IP, "t", "s"), elems).is_err());
        assert_eq!((tx.len(), tx.encoded_len()), (len, bytes));
        assert!(tx.add_table(&Table::new(IP, "a\0b")).is_err());
        assert_eq!((tx.len(), tx.encoded_len()), (len, bytes));
        // And the next operation is numbered as if nothing happened.
        tx.add_elements(SetRef::new(IP, "t", "s"), [elem(1)])
            .unwrap();
        assert_eq!(messages(&tx).last().unwrap().0, 2);
        assert_eq!(tx.what(1), "add 1 elements to set ip t s");
    }

    #[test]
    fn creates_are_exclusive() {
        let mut tx = Transaction::new();
        tx.create_set(&Set::new(IP, "t", "s", 7, 4)).unwrap();
        tx.create_elements(SetRef::new(IP, "t", "s"), [elem(0)])
            .unwrap();
        tx.delete_elements(SetRef::new(IP, "t", "s"), Vec::<Element>::new())
            .unwrap();
        let msgs = messages(&tx);
        let excl = NlFlags::EXCL.bits() | NlFlags::CREATE.bits();
        assert_eq!(msgs[0].2 & excl, excl);
        assert_eq!(msgs[1].2 & excl, excl);
        assert_eq!(msgs[2].2 & excl, 0);
        assert_eq!(tx.what(0), "create set ip t s");
        assert_eq!(tx.what(1), "create 1 elements to set ip t s");
        assert_eq!(tx.what(2), "delete 0 elements from set ip t s");
    }
}
