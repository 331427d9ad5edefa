//! [`Nft`]: dumps and gets of the ruleset, and the commit of a [`Transaction`].

use std::ops::ControlFlow;
use std::time::Duration;

use nfnl::{
    Conn, Control, EncodeError, Errno, ErrorExt, KernelError, MsgBuilder, MsgIter, NfHeader, NfMsg,
    NlFlags, ProtoFamily, Socket, Wait,
};
use nfnl_sys as sys;

use crate::error::Error;
use crate::object::{Chain, Flowtable, Gen, Obj, Object, Rule, Set, SetElems, Table};
use crate::transaction::Transaction;
use crate::wire::Field;

/// A connection to nf_tables: dumps (streamed, decoded into typed values),
/// the generation, and [`Transaction`]s.
///
/// Keep one for a daemon's lifetime: a table created with
/// [`TableFlags::OWNER`](crate::TableFlags::OWNER) belongs to this socket
/// and disappears when it closes.
#[derive(Debug)]
pub struct Nft {
    conn: Conn,
    rx: Vec<u8>,
    timeout: Option<Duration>,
}

fn family_name(f: ProtoFamily) -> &'static str {
    crate::text::family_name(f)
}

impl Nft {
    /// Opens a netfilter netlink socket in the calling thread's network namespace.
    ///
    /// # Errors
    /// [`Error::Netlink`] if the socket cannot be opened.
    pub fn open() -> Result<Self, Error> {
        Self::from_socket(Socket::open()?)
    }

    /// Wraps a socket (for example from [`Socket::open_in_netns`]).
    ///
    /// # Errors
    /// [`Error::Netlink`] if it cannot be configured.
    pub fn from_socket(sock: Socket) -> Result<Self, Error> {
        Ok(Nft {
            conn: Conn::from_socket(sock)?,
            rx: vec![0; 1 << 16],
            timeout: Some(nfnl::reader::DEFAULT_REQUEST_TIMEOUT),
        })
    }

    /// How long to wait for an answer (default 5 s; `None`: forever).
    pub fn set_request_timeout(&mut self, timeout: Option<Duration>) {
        self.conn.set_request_timeout(timeout);
        self.timeout = timeout;
    }

    /// The socket.
    pub fn socket(&self) -> &Socket {
        self.conn.socket()
    }

    /// The current ruleset generation (`NFT_MSG_GETGEN`).
    ///
    /// # Errors
    /// [`Error::Refused`]; netlink errors.
    pub fn generation(&mut self) -> Result<Gen, Error> {
        let h = NfHeader::new(sys::NFNL_SUBSYS_NFTABLES, sys::NFT_MSG_GETGEN);
        let r = self.conn.query(
            h,
            |_| Ok(()),
            |m: &NfMsg<'_>| -> Result<Gen, Error> { Ok(Gen::decode(m)?) },
        );
        refused(r, "get", || "generation".into())
    }

    /// Streams the raw messages of a dump of `msg_type` (`NFT_MSG_GET*`)
    /// for `family` (`Unspec`: every family) with the filter attributes
    /// `filter` writes: the building block of the typed dumps.
    ///
    /// # Errors
    /// The first error of `f`; [`Error::Refused`]; netlink errors.
    pub fn dump_raw<B, F>(
        &mut self,
        msg_type: u8,
        family: ProtoFamily,
        filter: B,
        mut f: F,
    ) -> Result<(), Error>
    where
        B: FnOnce(&mut Vec<u8>) -> Result<(), EncodeError>,
        F: FnMut(&NfMsg<'_>) -> Result<ControlFlow<()>, Error>,
    {
        let h = NfHeader::new(sys::NFNL_SUBSYS_NFTABLES, msg_type).family(family);
        let mut attrs = Vec::new();
        filter(&mut attrs)?;
        let r = self.conn.dump(
            h,
            |b| b.put_raw(&attrs).map(|_| ()),
            |m: &NfMsg<'_>| {
                if m.subsystem() != sys::NFNL_SUBSYS_NFTABLES {
                    return Ok(ControlFlow::Continue(()));
                }
                f(m)
            },
        );
        refused(r, "dump", || {
            format!("{} of {}", what(msg_type), family_name(family))
        })
    }

    /// Dumps the tables of `family` (`Unspec`: all).
    ///
    /// # Errors
    /// As [`Nft::dump_raw`].
    pub fn dump_tables<F>(&mut self, family: ProtoFamily, mut f: F) -> Result<(), Error>
    where
        F: FnMut(Table) -> ControlFlow<()>,
    {
        self.dump_raw(
            sys::NFT_MSG_GETTABLE,
            family,
            |_| Ok(()),
            |m| Ok(f(Table::decode(m)?)),
        )
    }

    /// Dumps the chains of `family`, of one table if `table` is given.
    ///
    /// # Errors
    /// As [`Nft::dump_raw`].
    pub fn dump_chains<F>(
        &mut self,
        family: ProtoFamily,
        table: Option<&str>,
        mut f: F,
    ) -> Result<(), Error>
    where
        F: FnMut(Chain) -> ControlFlow<()>,
    {
        self.dump_raw(
            sys::NFT_MSG_GETCHAIN,
            family,
            |_| Ok(()),
            |m| {
                let c = Chain::decode(m)?;
                if table.is_some_and(|t| c.table.as_deref() != Some(t)) {
                    return Ok(ControlFlow::Continue(()));
                }
                Ok(f(c))
            },
        )
    }

    /// Dumps the rules of `family`, of one table and chain if given (the
    /// kernel filters).
    ///
    /// # Errors
    /// As [`Nft::dump_raw`].
    pub fn dump_rules<F>(
        &mut self,
        family: ProtoFamily,
        table: Option<&str>,
        chain: Option<&str>,
        mut f: F,
    ) -> Result<(), Error>
    where
        F: FnMut(Rule) -> ControlFlow<()>,
    {
        self.rules_msg(sys::NFT_MSG_GETRULE, family, table, chain, &mut f)
    }

    /// Dumps the sets and maps (anonymous ones included) of `family`, of
    /// one table if given.
    ///
    /// # Errors
    /// As [`Nft::dump_raw`].
    pub fn dump_sets<F>(
        &mut self,
        family: ProtoFamily,
        table: Option<&str>,
        mut f: F,
    ) -> Result<(), Error>
    where
        F: FnMut(Set) -> ControlFlow<()>,
    {
        self.dump_raw(
            sys::NFT_MSG_GETSET,
            family,
            |w| match table {
                Some(t) => t.to_owned().encode(sys::NFTA_SET_TABLE, w),
                None => Ok(()),
            },
            |m| Ok(f(Set::decode(m)?)),
        )
    }

    /// Dumps the elements of one set; each message holds a batch of them.
    ///
    /// # Errors
    /// As [`Nft::dump_raw`].
    pub fn dump_elements<F>(
        &mut self,
        family: ProtoFamily,
        table: &str,
        set: &str,
        mut f: F,
    ) -> Result<(), Error>
    where
        F: FnMut(SetElems) -> ControlFlow<()>,
    {
        self.dump_raw(
            sys::NFT_MSG_GETSETELEM,
            family,
            |w| {
                table.to_owned().encode(sys::NFTA_SET_ELEM_LIST_TABLE, w)?;
                set.to_owned().encode(sys::NFTA_SET_ELEM_LIST_SET, w)
            },
            |m| Ok(f(SetElems::decode(m)?)),
        )
    }

    /// Dumps the stateful objects of `family`, of one table if given.
    ///
    /// # Errors
    /// As [`Nft::dump_raw`].
    pub fn dump_objs<F>(
        &mut self,
        family: ProtoFamily,
        table: Option<&str>,
        mut f: F,
    ) -> Result<(), Error>
    where
        F: FnMut(Obj) -> ControlFlow<()>,
    {
        self.objs_msg(sys::NFT_MSG_GETOBJ, family, table, &mut f)
    }

    /// Dumps the flowtables of `family`, of one table if given.
    ///
    /// # Errors
    /// As [`Nft::dump_raw`].
    pub fn dump_flowtables<F>(
        &mut self,
        family: ProtoFamily,
        table: Option<&str>,
        mut f: F,
    ) -> Result<(), Error>
    where
        F: FnMut(Flowtable) -> ControlFlow<()>,
    {
        self.dump_raw(
            sys::NFT_MSG_GETFLOWTABLE,
            family,
            |w| match table {
                Some(t) => t.to_owned().encode(sys::NFTA_FLOWTABLE_TABLE, w),
                None => Ok(()),
            },
            |m| Ok(f(Flowtable::decode(m)?)),
        )
    }

    /// Dumps the stateful objects of `family` (of one table if given) and
    /// resets them (`NFT_MSG_GETOBJ_RESET`): each value returned is the
    /// one the kernel zeroed, atomically (no packet counted twice or lost).
    ///
    /// # Errors
    /// As [`Nft::dump_raw`].
    pub fn dump_objs_reset<F>(
        &mut self,
        family: ProtoFamily,
        table: Option<&str>,
        mut f: F,
    ) -> Result<(), Error>
    where
        F: FnMut(Obj) -> ControlFlow<()>,
    {
        self.objs_msg(sys::NFT_MSG_GETOBJ_RESET, family, table, &mut f)
    }

    /// Dumps rules like [`Nft::dump_rules`] and resets their stateful
    /// expressions (counters, quotas) (`NFT_MSG_GETRULE_RESET`, Linux 6.4+).
    ///
    /// # Errors
    /// As [`Nft::dump_raw`].
    pub fn dump_rules_reset<F>(
        &mut self,
        family: ProtoFamily,
        table: Option<&str>,
        chain: Option<&str>,
        mut f: F,
    ) -> Result<(), Error>
    where
        F: FnMut(Rule) -> ControlFlow<()>,
    {
        self.rules_msg(sys::NFT_MSG_GETRULE_RESET, family, table, chain, &mut f)
    }

    /// The rule dump of [`Nft::dump_rules`] and [`Nft::dump_rules_reset`]:
    /// `msg` is `NFT_MSG_GETRULE` or `NFT_MSG_GETRULE_RESET`.
    fn rules_msg(
        &mut self,
        msg: u8,
        family: ProtoFamily,
        table: Option<&str>,
        chain: Option<&str>,
        f: &mut dyn FnMut(Rule) -> ControlFlow<()>,
    ) -> Result<(), Error> {
        self.dump_raw(
            msg,
            family,
            |w| {
                if let Some(t) = table {
                    t.to_owned().encode(sys::NFTA_RULE_TABLE, w)?;
                    if let Some(c) = chain {
                        c.to_owned().encode(sys::NFTA_RULE_CHAIN, w)?;
                    }
                }
                Ok(())
            },
            |m| Ok(f(Rule::decode(m)?)),
        )
    }

    /// The object dump of [`Nft::dump_objs`] and [`Nft::dump_objs_reset`]:
    /// `msg` is `NFT_MSG_GETOBJ` or `NFT_MSG_GETOBJ_RESET`.
    fn objs_msg(
        &mut self,
        msg: u8,
        family: ProtoFamily,
        table: Option<&str>,
        f: &mut dyn FnMut(Obj) -> ControlFlow<()>,
    ) -> Result<(), Error> {
        self.dump_raw(
            msg,
            family,
            |w| match table {
                Some(t) => t.to_owned().encode(sys::NFTA_OBJ_TABLE, w),
                None => Ok(()),
            },
            |m| Ok(f(Obj::decode(m)?)),
        )
    }

    /// Asks for one object (`NFT_MSG_GET*` without `NLM_F_DUMP`) with the
    /// attributes `key` writes, and decodes the answer with `decode`.
    fn get_one<T>(
        &mut self,
        msg_type: u8,
        family: ProtoFamily,
        key: impl FnOnce(&mut Vec<u8>) -> Result<(), EncodeError>,
        decode: impl Fn(&NfMsg<'_>) -> Result<T, nfnl::ParseError>,
        object: impl FnOnce() -> String,
    ) -> Result<T, Error> {
        let h = NfHeader::new(sys::NFNL_SUBSYS_NFTABLES, msg_type).family(family);
        let mut attrs = Vec::new();
        key(&mut attrs)?;
        let r = self.conn.query(
            h,
            |b| b.put_raw(&attrs).map(|_| ()),
            |m: &NfMsg<'_>| -> Result<T, Error> { Ok(decode(m)?) },
        );
        refused(r, "get", object)
    }

    /// One table (`NFT_MSG_GETTABLE`).
    ///
    /// # Errors
    /// [`Error::Refused`] (`ENOENT`: [`ErrorExt::is_not_found`]); netlink errors.
    pub fn get_table(&mut self, family: ProtoFamily, name: &str) -> Result<Table, Error> {
        self.get_one(
            sys::NFT_MSG_GETTABLE,
            family,
            |w| name.to_owned().encode(sys::NFTA_TABLE_NAME, w),
            Table::decode,
            || format!("table {} {name}", family_name(family)),
        )
    }

    /// One chain (`NFT_MSG_GETCHAIN`).
    ///
    /// # Errors
    /// As [`Nft::get_table`].
    pub fn get_chain(
        &mut self,
        family: ProtoFamily,
        table: &str,
        name: &str,
    ) -> Result<Chain, Error> {
        self.get_one(
            sys::NFT_MSG_GETCHAIN,
            family,
            |w| {
                table.to_owned().encode(sys::NFTA_CHAIN_TABLE, w)?;
                name.to_owned().encode(sys::NFTA_CHAIN_NAME, w)
            },
            Chain::decode,
            || format!("chain {} {table} {name}", family_name(family)),
        )
    }

    /// One rule by its handle (`NFT_MSG_GETRULE`).
    ///
    /// # Errors
    /// As [`Nft::get_table`].
    pub fn get_rule(
        &mut self,
        family: ProtoFamily,
        table: &str,
        chain: &str,
        handle: u64,
    ) -> Result<Rule, Error> {
        self.get_one(
            sys::NFT_MSG_GETRULE,
            family,
            |w| {
                table.to_owned().encode(sys::NFTA_RULE_TABLE, w)?;
                chain.to_owned().encode(sys::NFTA_RULE_CHAIN, w)?;
                handle.encode(sys::NFTA_RULE_HANDLE, w)
            },
            Rule::decode,
            || {
                format!(
                    "rule {} {table} {chain} handle {handle}",
                    family_name(family)
                )
            },
        )
    }

    /// One set (`NFT_MSG_GETSET`).
    ///
    /// # Errors
    /// As [`Nft::get_table`].
    pub fn get_set(&mut self, family: ProtoFamily, table: &str, name: &str) -> Result<Set, Error> {
        self.get_one(
            sys::NFT_MSG_GETSET,
            family,
            |w| {
                table.to_owned().encode(sys::NFTA_SET_TABLE, w)?;
                name.to_owned().encode(sys::NFTA_SET_NAME, w)
            },
            Set::decode,
            || format!("set {} {table} {name}", family_name(family)),
        )
    }

    /// The elements of `set` that hold the keys of `probe` (`NFT_MSG_GETSETELEM`
    /// with elements: the kernel looks each up and answers each with a
    /// message of its own; interval sets answer with the interval holding
    /// the key), in one [`SetElems`]. `ENOENT` if one is absent.
    ///
    /// # Errors
    /// As [`Nft::get_table`].
    pub fn get_elements(&mut self, probe: &SetElems) -> Result<SetElems, Error> {
        self.elements_get(sys::NFT_MSG_GETSETELEM, probe)
    }

    /// One stateful object of type `kind` (`NFT_OBJECT_*`) (`NFT_MSG_GETOBJ`).
    ///
    /// # Errors
    /// As [`Nft::get_table`].
    pub fn get_obj(
        &mut self,
        family: ProtoFamily,
        table: &str,
        name: &str,
        kind: u32,
    ) -> Result<Obj, Error> {
        self.get_one(
            sys::NFT_MSG_GETOBJ,
            family,
            |w| {
                table.to_owned().encode(sys::NFTA_OBJ_TABLE, w)?;
                name.to_owned().encode(sys::NFTA_OBJ_NAME, w)?;
                kind.encode(sys::NFTA_OBJ_TYPE, w)
            },
            Obj::decode,
            || format!("object {} {table} {name}", family_name(family)),
        )
    }

    /// Applies `tx` atomically: one datagram `NFNL_MSG_BATCH_BEGIN`, the
    /// operations, `NFNL_MSG_BATCH_END` (with `NLM_F_ACK`). The kernel
    /// applies all of it or nothing.
    ///
    /// # Errors
    /// [`Error::Operation`] naming the first refused operation (and the
    /// others); [`Error::Transaction`] for a refusal of the whole batch
    /// (stale generation: `ERESTART`); [`Error::TooLarge`] if the batch
    /// does not fit the send buffer; [`Error::Unknown`] when no answer came
    /// or answers were lost.
    pub fn commit(&mut self, tx: &Transaction) -> Result<(), Error> {
        self.commit_inner(tx, None)
    }

    /// Applies `tx` like [`Nft::commit`], with `NLM_F_ECHO` on each
    /// operation but element ones (the kernel would echo every element):
    /// the kernel answers what it made, with the handles it gave (what
    /// `nft --echo --handle` shows), and `on_echo` gets each as
    /// `(operation index, object)` once the transaction is committed.
    ///
    /// # Errors
    /// As [`Nft::commit`] (then `on_echo` is never called).
    pub fn commit_echo<F>(&mut self, tx: &Transaction, mut on_echo: F) -> Result<(), Error>
    where
        F: FnMut(usize, Object),
    {
        let mut echoed = Vec::new();
        self.commit_inner(tx, Some(&mut echoed))?;
        for (i, o) in echoed {
            on_echo(i, o);
        }
        Ok(())
    }

    fn commit_inner(
        &mut self,
        tx: &Transaction,
        mut echo: Option<&mut Vec<(usize, Object)>>,
    ) -> Result<(), Error> {
        let n = tx.ops.len();
        let ops = u32::try_from(n).map_err(|_| EncodeError::Invalid("too many operations"))?;
        let first = self.conn.next_seq();
        // Reserve the rest of the range (the operations and END).
        for _ in 0..=ops {
            self.conn.next_seq();
        }
        let end_seq = first.wrapping_add(ops).wrapping_add(1);
        let mut b = MsgBuilder::with_capacity(tx.bytes + 64 * (n + 2));
        b.begin_batch(sys::NFNL_SUBSYS_NFTABLES, first);
        if let Some(g) = tx.genid {
            b.put_be32(sys::NFNL_BATCH_GENID, g);
        }
        for (op, seq) in tx.ops.iter().zip(first.wrapping_add(1)..) {
            b.begin(
                NfHeader::new(sys::NFNL_SUBSYS_NFTABLES, op.msg_type)
                    .family(op.family)
                    .flags(
                        if echo.is_some()
                            && !matches!(
                                op.msg_type,
                                sys::NFT_MSG_NEWSETELEM | sys::NFT_MSG_DELSETELEM
                            )
                        {
                            op.flags | NlFlags::ECHO
                        } else {
                            op.flags
                        },
                    ),
                seq,
            );
            b.put_raw(&op.attrs)?;
        }
        b.begin_raw(
            sys::NFNL_MSG_BATCH_END,
            NlFlags::REQUEST | NlFlags::ACK,
            end_seq,
        );
        let [r0, r1] = u16::from(sys::NFNL_SUBSYS_NFTABLES).to_be_bytes();
        b.put_raw(&[sys::NFPROTO_UNSPEC, sys::NFNETLINK_V0, r0, r1])?;
        let bytes = b.finish()?;
        let sock = self.conn.socket();
        // netlink_sendmsg refuses a datagram larger than the send buffer
        // (less a little bookkeeping): raise it to fit, past wmem_max when
        // permitted.
        let need = bytes.len() + 4096;
        if sock.send_buffer().is_ok_and(|have| have < need)
            && sock.set_send_buffer_force(need).is_err()
        {
            let _ = sock.set_send_buffer(need);
        }
        // Every refused operation is answered (a capped error of about 60
        // bytes, more with an extended-ack message), all queued while the
        // kernel processes the datagram: make room for them, so that the
        // answers are not lost to ENOBUFS (then the outcome is unknown).
        let answers = n
            .saturating_mul(ERROR_ANSWER_BYTES)
            .saturating_add(64 * 1024);
        if sock.recv_buffer().is_ok_and(|have| have < answers)
            && sock.set_recv_buffer_force(answers).is_err()
        {
            let _ = sock.set_recv_buffer(answers);
        }
        if let Err(e) = sock.send(bytes) {
            if e.errno() == Some(Errno::EMSGSIZE) {
                return Err(Error::TooLarge {
                    ops: n,
                    bytes: bytes.len(),
                    source: e,
                });
            }
            return Err(e.into());
        }
        // The kernel processes the whole batch inside sendmsg: every answer
        // is queued by now. Wait for the first, then drain.
        let mut got_end = false;
        let mut begin_err: Option<KernelError> = None;
        let mut op_errs: Vec<(usize, KernelError)> = Vec::new();
        let mut wait = self.timeout.map_or(Wait::Block, Wait::timeout);
        loop {
            let len = match sock.recv(&mut self.rx, wait) {
                Ok(len) => len,
                Err(e) if e.is_would_block() => break,
                Err(e) if e.is_timeout() || e.is_overrun() => {
                    return Err(Error::Unknown { ops: n, source: e });
                }
                Err(e) => return Err(e.into()),
            };
            wait = Wait::Poll;
            for m in MsgIter::new(self.rx.get(..len).unwrap_or_default()) {
                let m = m?;
                let em = match Control::classify(m)? {
                    Control::Error(em) => em,
                    Control::Data(d) => {
                        // An echo: the object an operation made.
                        let idx = d.seq().wrapping_sub(first);
                        if let (Some(list), true) = (echo.as_deref_mut(), (1..=ops).contains(&idx))
                        {
                            if let Some(o) = Object::decode(&d.nf()?)? {
                                list.push((idx as usize - 1, o));
                            }
                        }
                        continue;
                    }
                    _ => continue,
                };
                let seq = em.seq();
                let idx = seq.wrapping_sub(first);
                if idx > ops + 1 {
                    continue; // not ours (a late answer to something else)
                }
                match (idx, em.result()) {
                    (i, Ok(())) if i == ops + 1 => got_end = true,
                    (_, Ok(())) => {}
                    (0, Err(k)) => begin_err = Some(k),
                    (i, Err(k)) if i == ops + 1 => begin_err = Some(k),
                    (i, Err(k)) => op_errs.push((i as usize - 1, k)),
                }
            }
        }
        if !op_errs.is_empty() {
            op_errs.sort_by_key(|(i, _)| *i);
            let mut it = op_errs
                .into_iter()
                .map(|(i, k)| (i, tx.describe(i, k.offset), k));
            let Some((index, op, source)) = it.next() else {
                return Ok(());
            };
            return Err(Error::Operation {
                index,
                op,
                source,
                others: it.collect(),
            });
        }
        if let Some(source) = begin_err {
            return Err(Error::Transaction { ops: n, source });
        }
        if got_end {
            Ok(())
        } else {
            Err(Error::Unknown {
                ops: n,
                source: nfnl::Error::Timeout,
            })
        }
    }
}

fn what(msg_type: u8) -> &'static str {
    match msg_type {
        sys::NFT_MSG_GETTABLE => "tables",
        sys::NFT_MSG_GETCHAIN => "chains",
        sys::NFT_MSG_GETRULE => "rules",
        sys::NFT_MSG_GETSET => "sets",
        sys::NFT_MSG_GETSETELEM => "set elements",
        sys::NFT_MSG_GETOBJ => "objects",
        sys::NFT_MSG_GETOBJ_RESET => "objects (and reset)",
        sys::NFT_MSG_GETRULE_RESET => "rules (and reset)",
        sys::NFT_MSG_GETSETELEM_RESET => "set elements (and reset)",
        sys::NFT_MSG_GETFLOWTABLE => "flowtables",
        _ => "objects of another type",
    }
}

/// Turns a kernel refusal into [`Error::Refused`] naming the operation
/// and its object ([`nfnl::Error::into_refusal`]); other errors unchanged.
fn refused<T>(
    r: Result<T, Error>,
    op: &'static str,
    object: impl FnOnce() -> String,
) -> Result<T, Error> {
    match r {
        Err(Error::Netlink(e)) => Err(match e.into_refusal(op, object) {
            Ok(refusal) => Error::Refused(refusal),
            Err(e) => Error::Netlink(e),
        }),
        r => r,
    }
}

/// Receive-buffer bytes a transaction reserves per operation for its
/// possible error answer (a capped `NLMSG_ERROR` with extended-ack
/// attributes, plus the kernel's accounting overhead).
const ERROR_ANSWER_BYTES: usize = 640;

/// Element resets (`NFT_MSG_GETSETELEM_RESET`, Linux 6.5+): like the rule
/// and object resets, the values returned are the ones the kernel zeroed
/// (under its commit mutex, so no two resets count a packet twice).
impl Nft {
    /// Dumps the elements of one set like [`Nft::dump_elements`] and
    /// resets their stateful expressions (counters, quotas).
    ///
    /// # Errors
    /// As [`Nft::dump_raw`] (`EINVAL` from kernels before 6.5).
    pub fn dump_elements_reset<F>(
        &mut self,
        family: ProtoFamily,
        table: &str,
        set: &str,
        mut f: F,
    ) -> Result<(), Error>
    where
        F: FnMut(SetElems) -> ControlFlow<()>,
    {
        self.dump_raw(
            sys::NFT_MSG_GETSETELEM_RESET,
            family,
            |w| {
                table.to_owned().encode(sys::NFTA_SET_ELEM_LIST_TABLE, w)?;
                set.to_owned().encode(sys::NFTA_SET_ELEM_LIST_SET, w)
            },
            |m| Ok(f(SetElems::decode(m)?)),
        )
    }

    /// Looks up the elements of `probe` like [`Nft::get_elements`] and
    /// resets their stateful expressions: the answer holds each with its
    /// values before the reset. `ENOENT` if one is absent: the elements
    /// before it in `probe` are reset all the same, and their values lost
    /// with the error (probe one element at a time to keep them).
    ///
    /// # Errors
    /// As [`Nft::get_table`].
    pub fn get_elements_reset(&mut self, probe: &SetElems) -> Result<SetElems, Error> {
        self.elements_get(sys::NFT_MSG_GETSETELEM_RESET, probe)
    }

    /// The element lookup of [`Nft::get_elements`] and
    /// [`Nft::get_elements_reset`]: `msg` is `NFT_MSG_GETSETELEM` or
    /// `NFT_MSG_GETSETELEM_RESET`; the answers (one per element) merged.
    fn elements_get(&mut self, msg: u8, probe: &SetElems) -> Result<SetElems, Error> {
        let family = probe.family;
        let h = NfHeader::new(sys::NFNL_SUBSYS_NFTABLES, msg).family(family);
        let mut attrs = Vec::new();
        probe.encode(&mut attrs)?;
        let mut out: Option<SetElems> = None;
        let r = self.conn.query_each(
            h,
            |b| b.put_raw(&attrs).map(|_| ()),
            |m: &NfMsg<'_>| -> Result<(), Error> {
                let got = SetElems::decode(m)?;
                match &mut out {
                    None => out = Some(got),
                    Some(o) => {
                        let more = got.elements.map(|e| e.0).unwrap_or_default();
                        o.elements
                            .get_or_insert_with(Default::default)
                            .0
                            .extend(more);
                    }
                }
                Ok(())
            },
        );
        let object = || {
            format!(
                "elements of set {} {} {}{}",
                family_name(family),
                probe.table.as_deref().unwrap_or("?"),
                probe.set.as_deref().unwrap_or("?"),
                if msg == sys::NFT_MSG_GETSETELEM_RESET {
                    " (and reset)"
                } else {
                    ""
                }
            )
        };
        refused(r, "get", object)?;
        out.ok_or(Error::Netlink(nfnl::Error::NoAnswer {
            msg_type: u16::from(sys::NFNL_SUBSYS_NFTABLES) << 8 | u16::from(msg),
        }))
    }
}
