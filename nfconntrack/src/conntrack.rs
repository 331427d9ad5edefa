//! [`Conntrack`]: requests to the connection-tracking table over
//! `NFNL_SUBSYS_CTNETLINK` (and `NFNL_SUBSYS_CTNETLINK_EXP` for expectations).

use nfnl::ErrorExt as _;
use std::collections::VecDeque;
use std::ops::ControlFlow;

use nfnl::{
    Conn, DumpStream, EncodeError, Errno, KernelError, MsgBuilder, NfHeader, NfMsg, NlFlags,
    ParseError, Refusal, Socket,
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

/// What to flush. There is deliberately no "delete without a tuple": the
/// kernel treats that as a flush (`ctnetlink_del_conntrack`), so flushing
/// is only ever asked for by name.
// Made once per flush request and passed by reference: boxing the filter
// would only add an allocation.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Flush {
    /// Every entry of the namespace, both families.
    All,
    /// Every entry of one family. Sent with `nfgenmsg.version = 1`: with
    /// version 0 the kernel ignores the family and flushes both.
    Family(Family),
    /// The entries a filter selects: by the kernel when it supports
    /// `CTA_FILTER` on flush and evaluates the filter exactly, otherwise by
    /// a streaming dump plus batched deletes.
    Filter(Filter),
}

/// How a flush was carried out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlushReport {
    /// True if one kernel request did it; false for dump + batched deletes.
    pub by_kernel: bool,
    /// Entries deleted (known only for dump + delete).
    pub deleted: Option<u64>,
}

/// How a get, an update or a delete names one entry: a tuple of either
/// direction (`CTA_TUPLE_ORIG` or `CTA_TUPLE_REPLY`), the zone (`CTA_ZONE`),
/// and the id if known (`CTA_ID`, so a re-created entry with the same tuple
/// is not touched).
///
/// ```
/// use nfnl_conntrack::{Key, Tuple, L4};
/// let t = Tuple::new("10.0.0.1".parse()?, "10.0.0.2".parse()?, L4::udp(5, 6))?;
/// let k = Key::orig(t).zone(7);
/// # let _ = k;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    /// `CTA_TUPLE_ORIG` or `CTA_TUPLE_REPLY`.
    dir: u16,
    tuple: Tuple,
    zone: Option<u16>,
    id: Option<u32>,
}

impl Key {
    fn new(dir: u16, tuple: Tuple) -> Self {
        Key {
            dir,
            tuple,
            zone: None,
            id: None,
        }
    }

    /// The entry whose original tuple is `t`.
    pub fn orig(t: Tuple) -> Self {
        Self::new(sys::CTA_TUPLE_ORIG, t)
    }

    /// The entry whose reply tuple is `t`.
    pub fn reply(t: Tuple) -> Self {
        Self::new(sys::CTA_TUPLE_REPLY, t)
    }

    /// In zone `zone` (default: zone 0).
    #[must_use]
    pub fn zone(mut self, zone: u16) -> Self {
        self.zone = Some(zone);
        self
    }

    /// Only the entry with this id (`CTA_ID`).
    #[must_use]
    pub fn id(mut self, id: u32) -> Self {
        self.id = Some(id);
        self
    }

    /// The tuple.
    pub fn tuple(&self) -> &Tuple {
        &self.tuple
    }

    /// The key of a (dumped) flow: its original (else reply) tuple, zone
    /// and id.
    ///
    /// # Errors
    /// [`Error::NoTuple`]: without a tuple the kernel would run a delete
    /// as a flush.
    pub fn of(flow: &Flow) -> Result<Self> {
        let (dir, tuple) = match (flow.orig, flow.reply) {
            (Some(t), _) => (sys::CTA_TUPLE_ORIG, t),
            (None, Some(t)) => (sys::CTA_TUPLE_REPLY, t),
            (None, None) => return Err(Error::NoTuple),
        };
        Ok(Key {
            zone: flow.zone,
            id: flow.id,
            ..Key::new(dir, tuple)
        })
    }

    pub(crate) fn encode(&self, b: &mut MsgBuilder) -> std::result::Result<(), EncodeError> {
        self.tuple.encode(self.dir, b)?;
        if let Some(z) = self.zone {
            b.put_be16(sys::CTA_ZONE, z);
        }
        if let Some(id) = self.id {
            b.put_be32(sys::CTA_ID, id);
        }
        Ok(())
    }
}

/// A change to an existing entry (`IPCTNL_MSG_CT_NEW` without
/// `NLM_F_CREATE`, handled by `ctnetlink_change_conntrack`).
///
/// The kernel can change: timeout, mark (with mask: the new mark is
/// `(old & !mask) ^ mark`, `ctnetlink_change_mark`), status (bits are
/// only added, never cleared; those in [`Status::UNCHANGEABLE`] never
/// change, `ctnetlink_change_status`), labels (with mask), protocol state, helper.
///
/// ```
/// use nfnl_conntrack::{Tuple, Update, L4};
/// let t = Tuple::new("10.0.0.1".parse()?, "10.0.0.2".parse()?, L4::udp(5, 6))?;
/// let u = Update::orig(t).mark(42).timeout(120);
/// # let _ = u;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Update {
    key: Key,
    mark: Option<(u32, Option<u32>)>,
    timeout: Option<u32>,
    status: Option<Status>,
    labels: Option<(Labels, Option<Labels>)>,
    proto_info: Option<ProtoInfo>,
}

impl Update {
    fn new(key: Key) -> Self {
        Update {
            key,
            mark: None,
            timeout: None,
            status: None,
            labels: None,
            proto_info: None,
        }
    }

    /// Addresses the entry by its original tuple.
    pub fn orig(t: Tuple) -> Self {
        Self::new(Key::orig(t))
    }

    /// Addresses the entry by its reply tuple.
    pub fn reply(t: Tuple) -> Self {
        Self::new(Key::reply(t))
    }

    /// Addresses the entry `key` names.
    pub fn of_key(key: Key) -> Self {
        Self::new(key)
    }

    /// Addresses the entry of a dumped flow: its tuple, zone and id (so a
    /// re-created entry with the same tuple is not touched).
    ///
    /// # Errors
    /// [`Error::NoTuple`].
    pub fn of(flow: &Flow) -> Result<Self> {
        Ok(Self::new(Key::of(flow)?))
    }

    /// The zone (`CTA_ZONE`) the entry is in.
    #[must_use]
    pub fn zone(mut self, zone: u16) -> Self {
        self.key.zone = Some(zone);
        self
    }

    /// Sets the mark.
    #[must_use]
    pub fn mark(mut self, mark: u32) -> Self {
        self.mark = Some((mark, None));
        self
    }

    /// Changes the mark bits in `mask` (`CTA_MARK_MASK`):
    /// new = `(old & !mask) ^ mark`.
    #[must_use]
    pub fn mark_masked(mut self, mark: u32, mask: u32) -> Self {
        self.mark = Some((mark, Some(mask)));
        self
    }

    /// Sets the timeout in seconds.
    #[must_use]
    pub fn timeout(mut self, secs: u32) -> Self {
        self.timeout = Some(secs);
        self
    }

    /// Adds status bits; the other bits of the entry stay as they are
    /// (see [`Conntrack::update`]). Repeated calls add up.
    ///
    /// NOTE(kernel): there is no way to clear a bit: `CTA_STATUS` on an
    /// update is the whole new status, and `nf_ct_change_status_common`
    /// only sets bits (`__nf_ct_change_status(ct, status, 0)`), refusing
    /// (`EBUSY`) a status that lacks `IPS_SEEN_REPLY`/`IPS_ASSURED` the
    /// entry has or differs in `IPS_EXPECTED`/`IPS_CONFIRMED`/`IPS_DYING`.
    #[must_use]
    pub fn set_status(mut self, s: Status) -> Self {
        self.status = Some(self.status.unwrap_or_default() | s);
        self
    }

    /// Sets labels; with a mask only the labels in the mask change
    /// (`CTA_LABELS_MASK`).
    #[must_use]
    pub fn labels(mut self, labels: Labels, mask: Option<Labels>) -> Self {
        self.labels = Some((labels, mask));
        self
    }

    /// Adds labels, keeping the others (`conntrack --label-add`): labels
    /// and mask are both `add`.
    #[must_use]
    pub fn add_labels(self, add: Labels) -> Self {
        self.labels(add, Some(add))
    }

    /// Removes labels, keeping the others (`conntrack --label-del`).
    #[must_use]
    pub fn remove_labels(self, remove: Labels) -> Self {
        self.labels(Labels::default(), Some(remove))
    }

    /// Sets the protocol state.
    #[must_use]
    pub fn proto_info(mut self, p: ProtoInfo) -> Self {
        self.proto_info = Some(p);
        self
    }

    fn encode(&self, b: &mut MsgBuilder) -> std::result::Result<(), EncodeError> {
        self.key.encode(b)?;
        Settable {
            // an existing entry is confirmed; clearing the bit gives EBUSY
            status: self.status.map(|s| s | Status::CONFIRMED),
            timeout: self.timeout,
            mark: self.mark,
            labels: self.labels.as_ref().map(|(l, m)| (l, m.as_ref())),
            proto_info: self.proto_info.as_ref(),
            ..Settable::default()
        }
        .encode(b)
    }
}

/// The header of a flush request for one family (or all).
///
/// NOTE(kernel): with `nfgenmsg.version` 0, `ctnetlink_del_conntrack`
/// ignores the family (`u3 = version ? family : AF_UNSPEC`) and flushes
/// both, so flushes always use version 1.
pub(crate) fn flush_header(f: Family) -> NfHeader {
    ct_header(sys::IPCTNL_MSG_CT_DELETE, f).version(sys::NFNETLINK_V1)
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
    /// `/proc/PID/ns/net`), in one call ([`Socket::open_in_netns_path`]
    /// then [`Conn::from_socket`] and [`Conntrack::from_conn`]). It works in that namespace from any thread; the calling
    /// thread stays in its own. With an open namespace file instead of a
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
        Ok(Self::from_conn(Conn::from_socket(
            Socket::open_in_netns_path(netns)?,
        )?))
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
    fn dump_decoded<T, B, F>(
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
    fn get_one<T, B>(
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
    fn batch<T, H, B, R>(
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
    fn delete_keys(&mut self, keys: &[Key]) -> Result<u64> {
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

    /// Flushes entries: all, one family, or those a filter selects.
    ///
    /// # Errors
    /// Kernel and I/O errors.
    pub fn flush(&mut self, what: &Flush) -> Result<FlushReport> {
        let family = match what {
            Flush::Filter(filter) if !filter.is_empty() => return self.flush_filtered(filter),
            Flush::All | Flush::Filter(_) => Family::Any,
            Flush::Family(f) => *f,
        };
        self.conn.request(flush_header(family), |_| Ok(()))?;
        Ok(FlushReport {
            by_kernel: true,
            deleted: None,
        })
    }

    fn flush_filtered(&mut self, filter: &Filter) -> Result<FlushReport> {
        filter.check_families()?;
        let trust = self.filter_trust(filter);
        if filter.kernel_exact(trust) && self.supports_filtered_flush()? {
            self.conn
                .request(flush_header(filter.effective_family()), |b| {
                    filter.encode(b, trust)
                })?;
            return Ok(FlushReport {
                by_kernel: true,
                deleted: None,
            });
        }
        Ok(FlushReport {
            by_kernel: false,
            deleted: Some(self.flush_by_dump(filter)?),
        })
    }

    /// The fallback of a filtered flush: a streaming dump that keeps only
    /// the matching entries' keys (tuple, zone, id), then batched deletes.
    /// Memory grows with the number of matches, not with the table.
    fn flush_by_dump(&mut self, filter: &Filter) -> Result<u64> {
        let mut keys = Vec::new();
        let mut no_tuple = false;
        self.dump(filter, |f| {
            // Decoded tuples always agree on the family: no family check needed.
            match Key::of(&f) {
                Ok(k) => keys.push(k),
                Err(_) => no_tuple = true,
            }
            ControlFlow::Continue(())
        })?;
        if no_tuple {
            return Err(Error::NoTuple);
        }
        self.delete_keys(&keys)
    }

    /// Whether the kernel filters flushes with `CTA_FILTER` ("netfilter:
    /// ctnetlink: support CTA_FILTER for flush", 2024). Probed once with a
    /// flush that cannot match anything (mark mask 0 with value 1): newer
    /// kernels accept it, older ones refuse it (`EOPNOTSUPP`, or `EINVAL`
    /// when they read the partial tuple as a delete), so nothing is ever
    /// deleted by the probe.
    ///
    /// # Errors
    /// Kernel errors other than the refusals above; I/O errors.
    pub fn supports_filtered_flush(&mut self) -> Result<bool> {
        if let Some(v) = self.filtered_flush {
            return Ok(v);
        }
        let r = self.conn.request(flush_header(Family::Ipv4), |b| {
            b.put_be32(sys::CTA_MARK, 1);
            b.put_be32(sys::CTA_MARK_MASK, 0);
            b.nest(sys::CTA_TUPLE_ORIG, |b| {
                b.nest(sys::CTA_TUPLE_PROTO, |b| {
                    b.put_u8(sys::CTA_PROTO_NUM, 255);
                    Ok(())
                })?;
                Ok(())
            })?;
            b.nest(sys::CTA_FILTER, |b| {
                b.put_ne32(sys::CTA_FILTER_ORIG_FLAGS, filter::F_PROTO_NUM);
                Ok(())
            })?;
            Ok(())
        });
        let v = match r {
            Ok(()) => true,
            Err(nfnl::Error::Kernel(k))
                if matches!(k.errno(), Errno::EOPNOTSUPP | Errno::EINVAL) =>
            {
                false
            }
            Err(e) => return Err(e.into()),
        };
        self.filtered_flush = Some(v);
        Ok(v)
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

    /// Streams the expectation table to `f`.
    ///
    /// # Errors
    /// Kernel, I/O and parse errors.
    pub fn dump_expectations<F>(&mut self, family: Family, f: F) -> Result<()>
    where
        F: FnMut(Expect) -> ControlFlow<()>,
    {
        self.dump_decoded(
            exp_header(sys::IPCTNL_MSG_EXP_GET, family),
            |_| Ok(()),
            Expect::decode,
            f,
        )
    }

    /// Looks up the expectation with this expected tuple.
    ///
    /// # Errors
    /// `ENOENT` if there is none.
    pub fn get_expectation(&mut self, tuple: &Tuple, zone: Option<u16>) -> Result<Expect> {
        self.get_one(
            exp_header(sys::IPCTNL_MSG_EXP_GET, tuple.family()),
            |b| {
                tuple.encode(sys::CTA_EXPECT_TUPLE, b)?;
                if let Some(z) = zone {
                    b.put_be16(sys::CTA_EXPECT_ZONE, z);
                }
                Ok(())
            },
            Expect::decode,
        )
    }

    /// Creates an expectation (`ctnetlink_create_expect`): needs master,
    /// tuple, mask and timeout; the master must exist and have a helper
    /// (or `helper` names one).
    ///
    /// # Errors
    /// `ENOENT` (no master), `EOPNOTSUPP` (no helper), `EEXIST`, `EINVAL`.
    pub fn create_expectation(&mut self, e: &Expect) -> Result<()> {
        let fam = e
            .tuple
            .or(e.master)
            .map(|t| t.family())
            .ok_or(Error::NoTuple)?;
        self.conn.request(
            exp_header(sys::IPCTNL_MSG_EXP_NEW, fam).flags(NlFlags::CREATE | NlFlags::EXCL),
            |b| e.encode_attrs(b),
        )?;
        Ok(())
    }

    /// Deletes the expectation with this expected tuple (and id, if given).
    ///
    /// # Errors
    /// `ENOENT` if there is none.
    pub fn delete_expectation(&mut self, tuple: &Tuple, id: Option<u32>) -> Result<()> {
        self.conn.request(
            exp_header(sys::IPCTNL_MSG_EXP_DELETE, tuple.family()),
            |b| {
                tuple.encode(sys::CTA_EXPECT_TUPLE, b)?;
                if let Some(id) = id {
                    b.put_be32(sys::CTA_EXPECT_ID, id);
                }
                Ok(())
            },
        )?;
        Ok(())
    }

    /// Flushes the expectations of one family, or all with [`Family::Any`]
    /// (sent with version 1).
    ///
    /// # Errors
    /// Kernel and I/O errors.
    pub fn flush_expectations(&mut self, family: Family) -> Result<()> {
        self.conn.request(
            exp_header(sys::IPCTNL_MSG_EXP_DELETE, family).version(sys::NFNETLINK_V1),
            |_| Ok(()),
        )?;
        Ok(())
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

impl std::fmt::Display for Key {
    /// The tuple as `conntrack` prints it (`udp src=… dst=… sport=… dport=…`),
    /// then `reply-tuple`, `zone=` and `id=` when they apply.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let w = &mut crate::display::Fields::new(f);
        w.put(format_args!(
            "{}",
            crate::display::proto_name(self.tuple.proto.proto())
        ))?;
        crate::display::write_tuple(w, &self.tuple)?;
        if self.dir == sys::CTA_TUPLE_REPLY {
            w.put(format_args!("(reply tuple)"))?;
        }
        if let Some(z) = self.zone {
            w.put(format_args!("zone={z}"))?;
        }
        if let Some(id) = self.id {
            w.put(format_args!("id={id}"))?;
        }
        Ok(())
    }
}

/// An iterator over a dump; see [`Conntrack::flows`].
#[derive(Debug)]
pub struct FlowIter<'a> {
    stream: DumpStream<'a>,
    filter: Filter,
    /// The decoded flows (and a final error) of the last batch received.
    queue: VecDeque<Result<Flow>>,
    finished: bool,
}

impl<'a> FlowIter<'a> {
    fn start(ct: &'a mut Conntrack, filter: &Filter) -> Result<Self> {
        let h = ct_header(sys::IPCTNL_MSG_CT_GET, filter.check_families()?);
        let trust = ct.filter_trust(filter);
        let stream = ct.conn.dump_stream(h, |b| filter.encode(b, trust))?;
        Ok(FlowIter {
            stream,
            filter: *filter,
            queue: VecDeque::new(),
            finished: false,
        })
    }

    /// Receives the next datagram; an error ends the iteration after the
    /// flows that came before it.
    fn fill(&mut self) {
        let (filter, queue) = (&self.filter, &mut self.queue);
        let more = self.stream.next_batch(|m| match Flow::decode(m) {
            Ok(f) if filter.matches(&f) => queue.push_back(Ok(f)),
            Ok(_) => {}
            Err(e) => queue.push_back(Err(e.into())),
        });
        match more {
            Ok(more) => self.finished = !more,
            Err(e) => {
                self.finished = true;
                self.queue.push_back(Err(e.into()));
            }
        }
    }
}

impl Iterator for FlowIter<'_> {
    type Item = Result<Flow>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(x) = self.queue.pop_front() {
                return Some(x);
            }
            if self.finished {
                return None;
            }
            self.fill();
        }
    }
}
