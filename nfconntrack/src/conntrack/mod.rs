//! [`Conntrack`]: requests to the connection-tracking table over
//! `NFNL_SUBSYS_CTNETLINK` (and `NFNL_SUBSYS_CTNETLINK_EXP` for expectations).

mod expectations;
pub(crate) mod flush;
mod iter;
mod key;
mod update;

pub use flush::{Flush, FlushReport};
pub use iter::FlowIter;
pub use key::Key;
pub use update::Update;

use nfnl::ErrorExt as _;
use std::collections::VecDeque;
use std::ops::ControlFlow;

use nfnl::{
    Conn, DumpStream, EncodeError, Errno, KernelError, MsgBuilder, NfHeader, NfMsg, NlFlags,
    ParseError, Refusal,
};
use nfnl_sys as sys;

use crate::error::{Error, Result};
use crate::expect::Expect;
use crate::filter::{self, Criteria, Filter};
use crate::flow::{Flow, Labels};
use crate::protoinfo::ProtoInfo;
use crate::settable::Settable;
use crate::stats::{CpuStats, ExpCpuStats, GlobalStats};
use crate::status::Status;
use crate::tuple::{Family, Tuple};

pub(crate) fn ct_header(msg: u8, family: Family) -> NfHeader {
    NfHeader::new(sys::NFNL_SUBSYS_CTNETLINK, msg).family(family.to_raw())
}

fn exp_header(msg: u8, family: Family) -> NfHeader {
    NfHeader::new(sys::NFNL_SUBSYS_CTNETLINK_EXP, msg).family(family.to_raw())
}

/// The header of a create request (the connection adds `NLM_F_ACK`).
fn create_header(family: Family) -> NfHeader {
    ct_header(sys::IPCTNL_MSG_CT_NEW, family).flags(NlFlags::CREATE | NlFlags::EXCL)
}

/// The query side of conntrack: dump, get, create, update, delete, flush,
/// statistics and expectations. Events use the separate
/// [`EventListener`](crate::EventListener).
///
/// # Privileges
/// `CAP_NET_ADMIN` in the user namespace owning the network namespace.
///
/// # Examples
/// ```no_run
/// use nfnl_conntrack::{Conntrack, Filter};
/// let mut ct = Conntrack::open()?;
/// ct.dump(&Filter::new(), |flow| {
///     println!("{flow}");
///     std::ops::ControlFlow::Continue(())
/// })?;
/// # Ok::<(), nfnl_conntrack::Error>(())
/// ```
#[derive(Debug)]
pub struct Conntrack {
    conn: Conn,
    filtered_flush: Option<bool>,
    /// The filter criteria sent to the kernel, if set instead of probed.
    trust: Option<Criteria>,
}

impl Conntrack {
    /// Opens a socket in the calling thread's network namespace.
    ///
    /// # Errors
    /// I/O errors opening the socket.
    pub fn open() -> Result<Self> {
        Ok(Self::from_conn(Conn::open()?))
    }

    /// Opens a socket inside the network namespace named by the file at
    /// `netns` (`/run/netns/NAME` as made by `ip netns add NAME`,
    /// `/proc/PID/ns/net`), in one call ([`Conn::open_in_netns`] then
    /// [`Conntrack::from_conn`]). It works in that namespace from any
    /// thread; the calling thread stays in its own. With an open namespace file instead of a
    /// path: `Conntrack::from_conn(Conn::from_socket(Socket::open_in_netns(fd)?)?)`.
    ///
    /// # Errors
    /// [`Error::Netlink`] naming `netns` if it cannot be opened or is no network
    /// namespace; `EPERM` without `CAP_SYS_ADMIN` over it (`setns(2)`).
    ///
    /// # Examples
    /// ```no_run
    /// use std::os::fd::AsFd;
    /// use nfnl_conntrack::{Conn, Conntrack, ErrorExt, Socket};
    /// // after `ip netns add blue`
    /// let mut ct = match Conntrack::open_in_netns("/run/netns/blue") {
    ///     Ok(ct) => ct,
    ///     Err(e) if e.is_not_found() => panic!("no such namespace: {e}"),
    ///     Err(e) => return Err(e.into()),
    /// };
    /// // the same with a namespace file kept open
    /// let ns = std::fs::File::open("/run/netns/blue")?;
    /// let ct = Conntrack::from_conn(Conn::from_socket(Socket::open_in_netns(ns.as_fd())?)?);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn open_in_netns(netns: impl AsRef<std::path::Path>) -> Result<Self> {
        Ok(Self::from_conn(Conn::open_in_netns(netns)?))
    }

    /// Wraps a connection (see [`Conntrack::open_in_netns`] for one in another namespace).
    pub fn from_conn(conn: Conn) -> Self {
        Conntrack {
            conn,
            filtered_flush: None,
            trust: None,
        }
    }

    /// Sets the filter criteria this connection leaves to the kernel,
    /// instead of those [`crate::probe::kernel_criteria`] finds correct on
    /// the running kernel (for example [`Criteria::empty`] to match
    /// everything in user space, or [`Criteria::STATIC`] not to probe).
    pub fn set_filter_trust(&mut self, trust: Criteria) {
        self.trust = Some(trust);
    }

    /// The criteria of `filter` the kernel is trusted with: those set with
    /// [`Conntrack::set_filter_trust`], else those found by the probe.
    pub fn filter_trust(&self, filter: &Filter) -> Criteria {
        let used = filter.criteria();
        match self.trust {
            Some(t) => t & used,
            None if used.is_empty() => used,
            None => crate::probe::kernel_criteria(used),
        }
    }

    /// The underlying connection (receive buffer size, timeout, socket options).
    pub fn conn(&mut self) -> &mut Conn {
        &mut self.conn
    }

    /// Streams the entries `filter` selects to `f`, one decoded flow at a
    /// time; nothing is collected. Break to stop early (the rest is
    /// drained). The filter is sent to the kernel where it evaluates it
    /// correctly (`NLM_F_DUMP_FILTERED` marks honoured filters) and always
    /// checked again in user space, so the result does not depend on kernel
    /// support. Large dumps are received on a helper thread while this one
    /// decodes ([`nfnl::Conn`]).
    ///
    /// # Errors
    /// [`Error::MixedFamilies`] before sending for a filter mixing IPv4 and
    /// IPv6 ([`Filter::check_families`]); kernel, I/O and parse errors (the
    /// first decode error stops the dump).
    /// The table is not an atomic snapshot: entries changing during the
    /// dump may be missed or seen twice.
    pub fn dump<F>(&mut self, filter: &Filter, f: F) -> Result<()>
    where
        F: FnMut(Flow) -> ControlFlow<()>,
    {
        self.dump_msg(sys::IPCTNL_MSG_CT_GET, filter, f)
    }

    /// Dumps and atomically zeroes the counters of each dumped entry
    /// (`IPCTNL_MSG_CT_GET_CTRZERO`); `f` sees the values before zeroing.
    ///
    /// # Errors
    /// As [`Conntrack::dump`].
    pub fn dump_and_zero<F>(&mut self, filter: &Filter, f: F) -> Result<()>
    where
        F: FnMut(Flow) -> ControlFlow<()>,
    {
        self.dump_msg(sys::IPCTNL_MSG_CT_GET_CTRZERO, filter, f)
    }

    /// A dump of the entries of message `msg` (table, zeroing dump, dying
    /// or unconfirmed list) that `filter` selects.
    pub(crate) fn dump_msg<F>(&mut self, msg: u8, filter: &Filter, mut f: F) -> Result<()>
    where
        F: FnMut(Flow) -> ControlFlow<()>,
    {
        let trust = self.filter_trust(filter);
        self.dump_decoded(
            ct_header(msg, filter.check_families()?),
            |b| filter.encode(b, trust),
            Flow::decode,
            |flow| {
                if filter.matches(&flow) {
                    f(flow)
                } else {
                    ControlFlow::Continue(())
                }
            },
        )
    }

    /// A dump whose messages are decoded by `decode` and handed to `f`; the
    /// first decode error stops it (the rest is drained) and is returned.
    pub(super) fn dump_decoded<T, B, F>(
        &mut self,
        h: NfHeader,
        build: B,
        decode: fn(&NfMsg<'_>) -> std::result::Result<T, ParseError>,
        mut f: F,
    ) -> Result<()>
    where
        B: FnOnce(&mut MsgBuilder) -> std::result::Result<(), EncodeError>,
        F: FnMut(T) -> ControlFlow<()>,
    {
        self.conn.dump(h, build, |m| Ok::<_, Error>(f(decode(m)?)))
    }

    /// An iterator over the table that holds at most one received batch
    /// of decoded flows at a time (never the whole table). Dropping it early
    /// drains the rest of the dump so the socket stays usable.
    ///
    /// # Errors
    /// Sending the request; later errors are yielded by the iterator.
    pub fn flows(&mut self, filter: &Filter) -> Result<FlowIter<'_>> {
        FlowIter::start(self, filter)
    }

    /// Looks up the entry `key` names (`IPCTNL_MSG_CT_GET`).
    ///
    /// # Errors
    /// [`Error::MixedFamilies`] before sending; `ENOENT`
    /// ([`Error::errno`]) if there is none.
    pub fn get(&mut self, key: &Key) -> Result<Flow> {
        if !key.tuple.is_consistent() {
            return Err(Error::MixedFamilies {
                what: "the key's tuple (its source and destination)",
            });
        }
        self.get_one(
            ct_header(sys::IPCTNL_MSG_CT_GET, key.tuple.family()),
            |b| key.encode(b),
            Flow::decode,
        )
        .map_err(refused("get", || key.to_string()))
    }

    /// One GET request built by `build`, its one reply decoded by `decode`
    /// ([`Conn::query`]).
    pub(super) fn get_one<T, B>(
        &mut self,
        h: NfHeader,
        build: B,
        decode: fn(&NfMsg<'_>) -> std::result::Result<T, ParseError>,
    ) -> Result<T>
    where
        B: FnOnce(&mut MsgBuilder) -> std::result::Result<(), EncodeError>,
    {
        self.conn
            .query(h, build, |m| decode(m).map_err(Error::from))
    }

    /// Creates an entry (`IPCTNL_MSG_CT_NEW` with `NLM_F_CREATE | NLM_F_EXCL`).
    /// The kernel needs both tuples ([`Flow::new`] fills the reply) and
    /// `timeout` (`EINVAL` otherwise, `ctnetlink_new_conntrack`); it also
    /// takes status, mark, zone, labels, helper (with its private data),
    /// protocol state, sequence adjustment, synproxy and NAT ranges
    /// ([`Flow::nat_src`], [`Flow::nat_dst`]; `ctnetlink_create_conntrack`).
    ///
    /// With NAT the kernel replaces the reply tuple by the translated one
    /// (see [`NatRange`](crate::NatRange)); [`Conntrack::get`] shows the result.
    ///
    /// # Errors
    /// [`Error::MixedFamilies`] (also for a NAT range of the other family),
    /// [`Error::NoTuple`] before sending; `EEXIST` if it exists; `EINVAL`
    /// without a timeout or a tuple; `EOPNOTSUPP` for an unknown helper or
    /// a kernel without NAT.
    pub fn create(&mut self, flow: &Flow) -> Result<()> {
        let fam = check_create(flow)?;
        self.conn
            .request(create_header(fam), |b| flow.encode_create(b))
            .map_err(refused("create", || flow_key(flow)))
    }

    /// Creates many entries, packed many to a datagram (one `sendmsg` per
    /// [`nfnl::conn::BATCH_CHUNK`] requests). Returns one result per flow.
    ///
    /// # Errors
    /// I/O errors; per-entry refusals are in the returned vector, but when
    /// the kernel stops answering a batch (`EPERM` without `CAP_NET_ADMIN`:
    /// only its first request is answered, see [`Conn::batch`]) the whole
    /// call fails at once with that first refusal ([`Error::Refused`]).
    pub fn create_batch(&mut self, flows: &[Flow]) -> Result<Vec<Result<(), Error>>> {
        let mut results = Vec::with_capacity(flows.len());
        let mut valid = Vec::with_capacity(flows.len());
        for (i, f) in flows.iter().enumerate() {
            match check_create(f) {
                Ok(fam) => {
                    valid.push((fam, f, i));
                    results.push(Ok(()));
                }
                Err(e) => results.push(Err(e)),
            }
        }
        let mut first_refused = None;
        let r = self.batch(
            &valid,
            |&(fam, _, _)| create_header(fam),
            |&(_, f, _), b| f.encode_create(b),
            |&(_, f, i), r| {
                if let Err(source) = r {
                    let refusal = Refusal {
                        op: "create",
                        object: flow_key(f),
                        source,
                    };
                    first_refused.get_or_insert_with(|| refusal.clone());
                    results[i] = Err(Error::Refused(refusal));
                }
            },
        );
        match (r, first_refused) {
            // The kernel stopped answering: its first refusal, named.
            (Err(Error::Netlink(nfnl::Error::Kernel(_))), Some(first)) => Err(first.into()),
            (r, _) => r.map(|()| results),
        }
    }

    /// Sends one acknowledged request per item through [`Conn::batch`]:
    /// `header` and `build` make it, `on_result` gets the kernel's answer.
    pub(super) fn batch<T, H, B, R>(
        &mut self,
        items: &[T],
        mut header: H,
        mut build: B,
        mut on_result: R,
    ) -> Result<()>
    where
        H: FnMut(&T) -> NfHeader,
        B: FnMut(&T, &mut MsgBuilder) -> std::result::Result<(), EncodeError>,
        R: FnMut(&T, std::result::Result<(), KernelError>),
    {
        let count =
            u32::try_from(items.len()).map_err(|_| Error::Unsupported("batch too large"))?;
        // `Conn::batch` counts 0..count, which fit `usize` as `items.len()` does.
        let item = |i: u32| &items[i as usize];
        self.conn.batch(
            count,
            |i| header(item(i)),
            |i, b| build(item(i), b),
            |i, r| on_result(item(i), r),
        )?;
        Ok(())
    }

    /// Changes an existing entry.
    ///
    /// With [`Update::set_status`], the entry's current status is read
    /// first (a get) and the request carries it with the new bits added,
    /// because the kernel takes `CTA_STATUS` as the whole new status. If a
    /// packet changes the status in between, the kernel refuses (`EBUSY`)
    /// and the read and update are repeated (at most 3 times).
    ///
    /// # Errors
    /// [`Error::Unchangeable`] before the update is sent for bits in
    /// [`Status::UNCHANGEABLE`] that the entry does not have (those it has
    /// already are no change: `set_status(current | X)` with `current` read
    /// from the entry is accepted); `ENOENT` if there is no such entry; `EBUSY`
    /// if the status kept changing.
    pub fn update(&mut self, u: &Update) -> Result<()> {
        let t = &u.key.tuple;
        if !t.is_consistent() {
            return Err(Error::MixedFamilies {
                what: "the key's tuple (its source and destination)",
            });
        }
        let Some(add) = u.status else {
            return self.update_once(u);
        };
        let mut attempts = 0;
        loop {
            let cur = self.get(&u.key)?.status.unwrap_or_default();
            // bits the entry already has are no change: `set_status(current
            // | X)` with `current` read from the entry passes
            let changed = (add & Status::UNCHANGEABLE).difference(cur);
            if !changed.is_empty() {
                return Err(Error::Unchangeable(changed));
            }
            let full = Update {
                status: Some(cur | add),
                ..u.clone()
            };
            match self.update_once(&full) {
                Err(e) if e.errno() == Some(Errno::EBUSY) && attempts < 2 => {
                    attempts += 1;
                }
                r => return r,
            }
        }
    }

    fn update_once(&mut self, u: &Update) -> Result<()> {
        self.conn
            .request(
                ct_header(sys::IPCTNL_MSG_CT_NEW, u.key.tuple.family()),
                |b| u.encode(b),
            )
            .map_err(refused("update", || u.key.to_string()))
    }

    /// Deletes the entry `key` names (`IPCTNL_MSG_CT_DELETE`). A key from
    /// [`Key::of`] a dumped flow carries its id, so an entry re-created with
    /// the same tuple is left alone (`ENOENT`).
    ///
    /// # Errors
    /// [`Error::MixedFamilies`] before sending; `ENOENT` if there is none.
    pub fn delete(&mut self, key: &Key) -> Result<()> {
        if !key.tuple.is_consistent() {
            return Err(Error::MixedFamilies {
                what: "the key's tuple (its source and destination)",
            });
        }
        self.conn
            .request(
                ct_header(sys::IPCTNL_MSG_CT_DELETE, key.tuple.family()),
                |b| key.encode(b),
            )
            .map_err(refused("delete", || key.to_string()))
    }

    /// Deletes many entries in batches (see [`Conntrack::delete`]); returns
    /// how many the kernel deleted. Entries already gone (`ENOENT`) are not
    /// errors.
    ///
    /// # Errors
    /// [`Error::MixedFamilies`] if any key's tuple mixes families (nothing
    /// is sent); I/O errors; the first refusal other than `ENOENT`
    /// ([`Error::Refused`], at once when the kernel stops answering the
    /// batch: `EPERM` without `CAP_NET_ADMIN`).
    pub fn delete_batch(&mut self, keys: &[Key]) -> Result<u64> {
        if keys.iter().any(|k| !k.tuple.is_consistent()) {
            return Err(Error::MixedFamilies {
                what: "the key's tuple (its source and destination)",
            });
        }
        self.delete_keys(keys)
    }

    /// The batched deletes of [`Conntrack::delete_batch`], for checked keys
    /// (each request's family is its tuple's).
    pub(super) fn delete_keys(&mut self, keys: &[Key]) -> Result<u64> {
        let mut deleted = 0u64;
        let mut first_err = None;
        let r = self.batch(
            keys,
            |k| ct_header(sys::IPCTNL_MSG_CT_DELETE, k.tuple.family()),
            |k, b| k.encode(b),
            |k, r| match r {
                Ok(()) => deleted += 1,
                Err(e) if e.errno() == Errno::ENOENT => {}
                Err(source) => {
                    first_err.get_or_insert_with(|| Refusal {
                        op: "delete",
                        object: k.to_string(),
                        source,
                    });
                }
            },
        );
        match (r, first_err) {
            // Named, also when the kernel stopped answering after it.
            (Ok(()) | Err(Error::Netlink(nfnl::Error::Kernel(_))), Some(e)) => Err(e.into()),
            (r, _) => r.map(|()| deleted),
        }
    }

    /// Entry count and maximum (`IPCTNL_MSG_CT_GET_STATS`), like `conntrack -C`.
    ///
    /// # Errors
    /// Kernel, I/O and parse errors.
    pub fn stats(&mut self) -> Result<GlobalStats> {
        self.get_one(
            ct_header(sys::IPCTNL_MSG_CT_GET_STATS, Family::Any),
            |_| Ok(()),
            GlobalStats::decode,
        )
    }

    /// Per-CPU connection statistics (`IPCTNL_MSG_CT_GET_STATS_CPU`), like `conntrack -S`.
    ///
    /// # Errors
    /// Kernel, I/O and parse errors.
    pub fn stats_per_cpu(&mut self) -> Result<Vec<CpuStats>> {
        self.dump_all(
            ct_header(sys::IPCTNL_MSG_CT_GET_STATS_CPU, Family::Any),
            CpuStats::decode,
        )
    }

    /// Per-CPU expectation statistics (`IPCTNL_MSG_EXP_GET_STATS_CPU`).
    ///
    /// # Errors
    /// Kernel, I/O and parse errors.
    pub fn expect_stats_per_cpu(&mut self) -> Result<Vec<ExpCpuStats>> {
        self.dump_all(
            exp_header(sys::IPCTNL_MSG_EXP_GET_STATS_CPU, Family::Any),
            ExpCpuStats::decode,
        )
    }

    /// A dump without attributes, collected (for the small per-CPU tables).
    fn dump_all<T>(
        &mut self,
        h: NfHeader,
        decode: fn(&NfMsg<'_>) -> std::result::Result<T, ParseError>,
    ) -> Result<Vec<T>> {
        let mut out = Vec::new();
        self.dump_decoded(
            h,
            |_| Ok(()),
            decode,
            |v| {
                out.push(v);
                ControlFlow::Continue(())
            },
        )?;
        Ok(out)
    }
}

/// A kernel refusal of `op` on `what` as [`Error::Refused`]
/// ([`nfnl::Error::into_refusal`]); other errors unchanged.
fn refused<E: Into<Error>>(
    op: &'static str,
    what: impl FnOnce() -> String,
) -> impl FnOnce(E) -> Error {
    move |e| match e.into() {
        Error::Netlink(e) => e
            .into_refusal(op, what)
            .map_or_else(Error::Netlink, Error::Refused),
        e => e,
    }
}

/// How a flow is named in an error: its key, or "a flow without a tuple".
fn flow_key(f: &Flow) -> String {
    Key::of(f).map_or_else(|_| "a flow without a tuple".into(), |k| k.to_string())
}

/// What a create needs before anything is sent: one family, both tuples
/// and a timeout (`ctnetlink_new_conntrack` answers a bare `EINVAL`
/// without them).
fn check_create(f: &Flow) -> Result<Family> {
    let fam = f.check_families()?;
    let reason = if f.orig.is_none() || f.reply.is_none() {
        "a new entry needs both tuples (Flow::new fills the reply tuple)"
    } else if f.timeout.is_none() {
        "a new entry needs a timeout (CTA_TIMEOUT, in seconds)"
    } else {
        return Ok(fam);
    };
    Err(Error::Incomplete {
        op: "create",
        reason,
    })
}
