//! [`Nft`]: dumps and gets of the ruleset, and the commit of a [`Transaction`].

use std::ops::ControlFlow;
use std::time::Duration;

use nfnl::{
    Conn, Control, EncodeError, Errno, ErrorExt, KernelError, MsgBuilder, MsgIter, NfHeader, NfMsg,
    NlFlags, ProtoFamily, Socket, Wait,
};
use nfnl_sys as sys;

use crate::error::{Error, Outcome};
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
    /// Test hook ([`Nft::set_buffer_caps_for_tests`]).
    send_buffer_cap: Option<usize>,
    /// Test hook ([`Nft::set_buffer_caps_for_tests`]).
    recv_buffer_cap: Option<usize>,
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
            send_buffer_cap: None,
            recv_buffer_cap: None,
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

    /// Another connection in this one's network namespace, with the same
    /// request timeout (a socket runs one dump at a time).
    pub(crate) fn beside(&self) -> Result<Nft, Error> {
        let mut other = Nft::from_socket(self.socket().open_beside()?)?;
        other.set_request_timeout(self.timeout);
        Ok(other)
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
        f: F,
    ) -> Result<(), Error>
    where
        F: FnMut(SetElems) -> ControlFlow<()>,
    {
        self.dump_elements_with(sys::NFT_MSG_GETSETELEM, family, table, set, f)
    }

    /// [`Nft::dump_elements`] with message type `msg` (`NFT_MSG_GETSETELEM`
    /// or `NFT_MSG_GETSETELEM_RESET`).
    fn dump_elements_with<F>(
        &mut self,
        msg: u8,
        family: ProtoFamily,
        table: &str,
        set: &str,
        mut f: F,
    ) -> Result<(), Error>
    where
        F: FnMut(SetElems) -> ControlFlow<()>,
    {
        self.dump_raw(
            msg,
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
        self.get_obj_with(sys::NFT_MSG_GETOBJ, family, table, name, kind)
    }

    /// One stateful object of type `kind`, reset (`NFT_MSG_GETOBJ_RESET`
    /// without `NLM_F_DUMP`): the answer holds its values before the reset
    /// (`nft reset counter`).
    ///
    /// # Errors
    /// As [`Nft::get_table`].
    pub fn get_obj_reset(
        &mut self,
        family: ProtoFamily,
        table: &str,
        name: &str,
        kind: u32,
    ) -> Result<Obj, Error> {
        self.get_obj_with(sys::NFT_MSG_GETOBJ_RESET, family, table, name, kind)
    }

    /// [`Nft::get_obj`] with message type `msg` (`NFT_MSG_GETOBJ` or
    /// `NFT_MSG_GETOBJ_RESET`).
    fn get_obj_with(
        &mut self,
        msg: u8,
        family: ProtoFamily,
        table: &str,
        name: &str,
        kind: u32,
    ) -> Result<Obj, Error> {
        let reset = if msg == sys::NFT_MSG_GETOBJ_RESET {
            " (reset)"
        } else {
            ""
        };
        self.get_one(
            msg,
            family,
            |w| {
                table.to_owned().encode(sys::NFTA_OBJ_TABLE, w)?;
                name.to_owned().encode(sys::NFTA_OBJ_NAME, w)?;
                kind.encode(sys::NFTA_OBJ_TYPE, w)
            },
            Obj::decode,
            || format!("object {} {table} {name}{reset}", family_name(family)),
        )
    }

    /// Applies `tx` atomically: one datagram `NFNL_MSG_BATCH_BEGIN`, the
    /// operations, `NFNL_MSG_BATCH_END` (with `NLM_F_ACK`). The kernel
    /// applies all of it or nothing.
    ///
    /// The send buffer is raised to fit the datagram (`SO_SNDBUFFORCE` when
    /// permitted, else `SO_SNDBUF` up to `net.core.wmem_max`) and the
    /// receive buffer to hold an error for every operation. The generation
    /// is asked for (`NFT_MSG_GETGEN`, sent just before the batch, answered
    /// with it) so that, should answers be lost, the outcome can still be
    /// told ([`Outcome`](crate::Outcome)).
    ///
    /// # Errors
    /// [`Error::Operation`] naming the first refused operation (and the
    /// others); [`Error::Transaction`] for a refusal of the whole batch
    /// (stale generation: `ERESTART`); [`Error::TooLarge`] if the batch
    /// cannot fit one datagram (nothing sent); [`Error::AnswersLost`] when
    /// answers were lost or none came, with what is known of the outcome.
    pub fn commit(&mut self, tx: &Transaction) -> Result<(), Error> {
        let n = tx.len();
        self.fit_datagram(n, tx.encoded_len() + BATCH_MARKERS)?;
        self.commit_part(tx, 0..n, tx.genid, None)
    }

    /// Applies `tx` like [`Nft::commit`], with `NLM_F_ECHO` on each
    /// operation but element ones (the kernel would echo every element):
    /// the kernel answers what it made, with the handles it gave (what
    /// `nft --echo --handle` shows), and `on_echo` gets each as
    /// `(operation index, object)` once the transaction is committed.
    ///
    /// # Errors
    /// As [`Nft::commit`] (then `on_echo` is never called); echoes lost to
    /// `ENOBUFS` after a commit give [`Error::AnswersLost`] with
    /// [`Outcome::Applied`](crate::Outcome::Applied).
    pub fn commit_echo<F>(&mut self, tx: &Transaction, mut on_echo: F) -> Result<(), Error>
    where
        F: FnMut(usize, Object),
    {
        let n = tx.len();
        self.fit_datagram(n, tx.encoded_len() + BATCH_MARKERS)?;
        let mut echoed = Vec::new();
        self.commit_part(tx, 0..n, tx.genid, Some(&mut echoed))?;
        for (i, o) in echoed {
            on_echo(i, o);
        }
        Ok(())
    }

    /// Applies `tx` in several parts, each one atomic transaction of the
    /// operations that fit one datagram, one after the other: **not
    /// atomic as a whole**. For transactions too large for one datagram
    /// ([`Error::TooLarge`] from [`Nft::commit`]) where applying them
    /// partly is acceptable, such as loading a very large set.
    ///
    /// The trade-off: if part `k` is refused (or its answers are lost),
    /// parts before it stay applied, and the ruleset is left half-changed:
    /// the error says which parts were committed, and the caller must
    /// repair or retry the rest. Other processes may see, and change, the
    /// ruleset between parts. Parts are cut between operations (an
    /// element call of many elements is several operations, so it can be
    /// cut); references by id within a transaction (`NFTA_SET_ID`,
    /// `NFTA_CHAIN_ID`, an anonymous set and the rule binding it) work only
    /// within one part, so keep such operations small and early. A
    /// transaction that fits one datagram is sent as one part, as
    /// [`Nft::commit`] would. An expected generation applies to the first
    /// part only.
    ///
    /// Returns the number of parts.
    ///
    /// # Errors
    /// [`Error::Partial`]: which parts were committed and the error of the
    /// first that was not; [`Error::TooLarge`] if a single operation does
    /// not fit a datagram.
    pub fn commit_in_parts(&mut self, tx: &Transaction) -> Result<usize, Error> {
        let n = tx.len();
        let limit = self.raise_send_buffer(tx.encoded_len() + BATCH_MARKERS);
        let budget = limit.0.saturating_sub(BATCH_MARKERS);
        // Cut greedily: as many whole operations as fit.
        let mut parts: Vec<std::ops::Range<usize>> = Vec::new();
        let (mut lo, mut size) = (0usize, 0usize);
        for i in 0..n {
            let len = tx.op_len(i);
            if len > budget {
                return Err(too_large(1, len + BATCH_MARKERS, limit));
            }
            if size + len > budget {
                parts.push(lo..i);
                (lo, size) = (i, 0);
            }
            size += len;
        }
        if lo < n || n == 0 {
            parts.push(lo..n);
        }
        let total = parts.len();
        for (k, ops) in parts.iter().enumerate() {
            let genid = if k == 0 { tx.genid } else { None };
            if let Err(e) = self.commit_part(tx, ops.clone(), genid, None) {
                return Err(Error::Partial {
                    committed: k,
                    parts: total,
                    applied_ops: ops.start,
                    source: Box::new(e),
                });
            }
        }
        Ok(total)
    }

    /// Raises the send buffer towards `need` bytes of datagram:
    /// `SO_SNDBUFFORCE`, else `SO_SNDBUF` (capped by twice
    /// `net.core.wmem_max`). Returns the largest datagram it then takes
    /// and, if it could not be forced, why.
    fn raise_send_buffer(&self, need: usize) -> (usize, Option<nfnl::Error>) {
        let sock = self.conn.socket();
        // netlink_sendmsg: EMSGSIZE if len > sk_sndbuf - 32.
        let usable = |buf: usize| buf.saturating_sub(SNDBUF_RESERVE);
        let have = sock.send_buffer().unwrap_or(0);
        if usable(have) >= need {
            return (usable(have), None);
        }
        // The kernel doubles the request; ask for at least half of it.
        let ask = (need + SNDBUF_RESERVE)
            .div_ceil(2)
            .min(i32::MAX as usize / 2);
        match self.send_buffer_cap {
            Some(cap) => {
                // Test hook: behave as if forcing were refused and
                // wmem_max were `cap`.
                let got = sock.set_send_buffer(ask.min(cap)).unwrap_or(have);
                (usable(got), Some(Errno::EPERM.into()))
            }
            None => match sock.set_send_buffer_force(ask) {
                Ok(got) => (usable(got), None),
                Err(e) => {
                    let got = sock.set_send_buffer(ask).unwrap_or(have);
                    (usable(got), Some(e))
                }
            },
        }
    }

    /// Makes the send buffer take one datagram of `bytes`, or says why not.
    fn fit_datagram(&self, ops: usize, bytes: usize) -> Result<(), Error> {
        let limit = self.raise_send_buffer(bytes);
        if limit.0 >= bytes {
            Ok(())
        } else {
            Err(too_large(ops, bytes, limit))
        }
    }

    /// Reads everything already queued on the socket (answers of an
    /// earlier request that were not read), so that the answers read
    /// after a batch are the batch's.
    fn drain(&mut self) {
        let sock = self.conn.socket();
        for _ in 0..1_000_000 {
            match sock.recv(&mut self.rx, Wait::Poll) {
                Ok(_) => {}
                Err(e) if e.is_overrun() => {}
                Err(_) => break,
            }
        }
    }

    /// Sends operations `ops` of `tx` as one batch (one datagram) and reads
    /// the answers.
    fn commit_part(
        &mut self,
        tx: &Transaction,
        ops: std::ops::Range<usize>,
        genid: Option<u32>,
        mut echo: Option<&mut Vec<(usize, Object)>>,
    ) -> Result<(), Error> {
        let n = ops.len();
        let body = tx.messages(ops.clone());
        let echo_body;
        let body = if echo.is_some() {
            // NLM_F_ECHO on each operation but element ones: on a copy.
            let mut b = body.to_vec();
            let mut at = 0usize;
            for i in ops.clone() {
                let len = tx.op_len(i);
                let is_elem = matches!(
                    tx.op_type(i),
                    Some(
                        sys::NFT_MSG_NEWSETELEM
                            | sys::NFT_MSG_DELSETELEM
                            | sys::NFT_MSG_DESTROYSETELEM
                    )
                );
                if let (false, Some(f)) = (is_elem, b.get_mut(at + 6..at + 8)) {
                    let flags = u16::from_ne_bytes([f[0], f[1]]) | NlFlags::ECHO.bits();
                    f.copy_from_slice(&flags.to_ne_bytes());
                }
                at += len;
            }
            echo_body = b;
            echo_body.as_slice()
        } else {
            body
        };
        let [r0, r1] = u16::from(sys::NFNL_SUBSYS_NFTABLES).to_be_bytes();
        let begin_seq = self.conn.next_seq();
        let end_seq = self.conn.next_seq();
        let gen_seq = self.conn.next_seq();
        let mut begin = MsgBuilder::with_capacity(64);
        begin.begin_batch(sys::NFNL_SUBSYS_NFTABLES, begin_seq);
        if let Some(g) = genid {
            begin.put_be32(sys::NFNL_BATCH_GENID, g);
        }
        let begin = begin.finish()?.to_vec();
        let mut end = MsgBuilder::with_capacity(32);
        end.begin_raw(
            sys::NFNL_MSG_BATCH_END,
            NlFlags::REQUEST | NlFlags::ACK,
            end_seq,
        );
        end.put_raw(&[sys::NFPROTO_UNSPEC, sys::NFNETLINK_V0, r0, r1])?;
        let end = end.finish()?.to_vec();
        // Every refused operation is answered (a capped error of about 60
        // bytes, more with an extended-ack message), all queued while the
        // kernel processes the datagram: make room for them, so that the
        // answers are not lost to ENOBUFS.
        let answers = n
            .saturating_mul(ERROR_ANSWER_BYTES)
            .saturating_add(64 * 1024);
        {
            let sock = self.conn.socket();
            if let Some(cap) = self.recv_buffer_cap {
                let _ = sock.set_recv_buffer(answers.min(cap));
            } else if sock.recv_buffer().is_ok_and(|have| have < answers)
                && sock.set_recv_buffer_force(answers).is_err()
            {
                let _ = sock.set_recv_buffer(answers);
            }
        }
        self.drain();
        // The generation just before the batch (unless the batch names
        // it): asked for right before it, answered before its answers.
        let mut before = genid;
        let sock = self.conn.socket();
        if before.is_none() {
            let mut g = MsgBuilder::with_capacity(32);
            g.begin(
                NfHeader::new(sys::NFNL_SUBSYS_NFTABLES, sys::NFT_MSG_GETGEN),
                gen_seq,
            );
            sock.send(g.finish()?)?;
        }
        if let Err(e) = sock.send_parts(&[&begin, body, &end]) {
            let err = if e.errno() == Some(Errno::EMSGSIZE) {
                let have = sock.send_buffer().unwrap_or(0);
                let bytes = begin.len() + body.len() + end.len();
                too_large(n, bytes, (have.saturating_sub(SNDBUF_RESERVE), Some(e)))
            } else {
                e.into()
            };
            // The generation's answer is not wanted any more.
            self.drain();
            return Err(err);
        }
        // The kernel processes the whole batch inside sendmsg: every answer
        // is queued by now. Wait for the first, then drain.
        let mut got_end = false;
        let mut lost: Option<nfnl::Error> = None;
        let mut begin_err: Option<KernelError> = None;
        let mut op_errs: Vec<(usize, KernelError)> = Vec::new();
        let mut wait = self.timeout.map_or(Wait::Block, Wait::timeout);
        loop {
            let len = match sock.recv(&mut self.rx, wait) {
                Ok(len) => len,
                Err(e) if e.is_would_block() => break,
                Err(e) if e.is_overrun() => {
                    // Some answers were dropped; read those that were not.
                    lost = Some(e);
                    wait = Wait::Poll;
                    continue;
                }
                Err(e) if e.is_timeout() => {
                    lost = Some(e);
                    break;
                }
                Err(e) => return Err(e.into()),
            };
            wait = Wait::Poll;
            for m in MsgIter::new(self.rx.get(..len).unwrap_or_default()) {
                let m = m?;
                let em = match Control::classify(m)? {
                    Control::Error(em) => em,
                    Control::Data(d) => {
                        if d.seq() == gen_seq
                            && genid.is_none()
                            && d.msg_type() & 0xff == u16::from(sys::NFT_MSG_NEWGEN)
                        {
                            if let Ok(g) = d
                                .nf()
                                .map_err(Error::from)
                                .and_then(|m| Ok(Gen::decode(&m)?))
                            {
                                before = g.id;
                            }
                            continue;
                        }
                        // An echo: the object an operation made.
                        let idx = (d.seq() as usize).wrapping_sub(1);
                        if let (Some(list), true) = (echo.as_deref_mut(), ops.contains(&idx)) {
                            if let Some(o) = Object::decode(&d.nf()?)? {
                                list.push((idx, o));
                            }
                        }
                        continue;
                    }
                    _ => continue,
                };
                let ty = em.request().nlmsg_type;
                let seq = em.seq();
                if ty == sys::NFNL_MSG_BATCH_BEGIN {
                    if seq == begin_seq {
                        if let Err(k) = em.result() {
                            begin_err = Some(k);
                        }
                    }
                } else if ty == sys::NFNL_MSG_BATCH_END {
                    if seq == end_seq {
                        match em.result() {
                            Ok(()) => got_end = true,
                            Err(k) => begin_err = Some(k),
                        }
                    }
                } else if ty >> 8 == u16::from(sys::NFNL_SUBSYS_NFTABLES) {
                    let idx = (seq as usize).wrapping_sub(1);
                    if ty & 0xff == u16::from(sys::NFT_MSG_GETGEN) || !ops.contains(&idx) {
                        continue; // the generation request, or not ours
                    }
                    if let Err(k) = em.result() {
                        op_errs.push((idx, k));
                    }
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
                incomplete: lost.is_some(),
            });
        }
        if let Some(source) = begin_err {
            return Err(Error::Transaction { ops: n, source });
        }
        match (got_end, lost) {
            (true, None) => Ok(()),
            // Only echoes can be lost after the end's acknowledgement.
            (true, Some(source)) if echo.is_some() => Err(Error::AnswersLost {
                ops: n,
                outcome: Outcome::Applied,
                source,
            }),
            (true, Some(_)) => Ok(()),
            (false, lost) => {
                let source = lost.unwrap_or(nfnl::Error::Timeout);
                let after = self.generation().ok().and_then(|g| g.id);
                let outcome = outcome_by_generation(before, after);
                Err(Error::AnswersLost {
                    ops: n,
                    outcome,
                    source,
                })
            }
        }
    }

    /// Test hook: behave as if the buffers could not be forced and
    /// `net.core.wmem_max` were `send` and `net.core.rmem_max` `recv`
    /// (the kernel doubles both). Not part of the API.
    #[doc(hidden)]
    pub fn set_buffer_caps_for_tests(&mut self, send: Option<usize>, recv: Option<usize>) {
        self.send_buffer_cap = send;
        self.recv_buffer_cap = recv;
    }
}

/// What the generation read just before a batch and after it says when
/// no answer did ([`Outcome`]): unchanged, nothing was committed by anyone.
pub(crate) fn outcome_by_generation(before: Option<u32>, after: Option<u32>) -> Outcome {
    match (before, after) {
        (Some(b), Some(a)) if a == b => Outcome::NotApplied,
        (before, after) => Outcome::Unknown { before, after },
    }
}

/// Bytes of a batch's begin (with a generation) and end messages.
const BATCH_MARKERS: usize = 28 + 20;

/// Send-buffer bytes a datagram cannot use (`netlink_sendmsg` refuses
/// `len > sk_sndbuf - 32`), with some room.
const SNDBUF_RESERVE: usize = 64;

/// [`Error::TooLarge`] for a datagram of `bytes` over `limit`.
fn too_large(ops: usize, bytes: usize, limit: (usize, Option<nfnl::Error>)) -> Error {
    Error::TooLarge {
        ops,
        bytes,
        limit: limit.0,
        wmem_max_needed: (bytes + SNDBUF_RESERVE).div_ceil(2),
        source: limit.1.unwrap_or_else(|| Errno::EMSGSIZE.into()),
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
        f: F,
    ) -> Result<(), Error>
    where
        F: FnMut(SetElems) -> ControlFlow<()>,
    {
        self.dump_elements_with(sys::NFT_MSG_GETSETELEM_RESET, family, table, set, f)
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
