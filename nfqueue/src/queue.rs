//! The queue socket: binding, configuration, the receive loop and closing
//! (see the crate docs for how no packet stalls).

use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use nfnl::{
    ErrorExt as _, ErrorMsg, KernelError, MsgBuilder, NfHeader, NlFlags, Reader, Receive, Refusal,
    Socket, Sort, Wait,
};
use nfnl_sys as sys;

use crate::config::{ConfigMsg, CopyMode, QueueConfig, QueueFlags};
use crate::error::Error;
use crate::handle::{salvage_id, Packet, QueueHandle};
use crate::health::{self, QueueStats};
use crate::packet::{PacketMeta, PacketSlots};
use crate::tx::{Shared, Tx};
use crate::verdict::{encode_verdict_batch, Decision, Verdict};

/// `nlmsg_type` of a message of the queue subsystem.
const fn nlmsg_type(msg_type: u8) -> u16 {
    NfHeader::new(sys::NFNL_SUBSYS_QUEUE, msg_type).nlmsg_type()
}
/// `nlmsg_type` of a packet message.
const PACKET_TYPE: u16 = nlmsg_type(sys::NFQNL_MSG_PACKET);
/// `nlmsg_type` of a verdict.
const VERDICT_TYPE: u16 = nlmsg_type(sys::NFQNL_MSG_VERDICT);
/// `nlmsg_type` of a batch verdict.
const BATCH_TYPE: u16 = nlmsg_type(sys::NFQNL_MSG_VERDICT_BATCH);
/// `nlmsg_type` of a config message.
const CONFIG_TYPE: u16 = nlmsg_type(sys::NFQNL_MSG_CONFIG);

/// Size of each receive slot: the largest packet message (65531 bytes of
/// payload plus metadata) and the largest error echo of a payload verdict.
pub const RECV_BUFFER_LEN: usize = 0x10000 + 8192;

/// Datagrams taken per receive call (`recvmmsg(2)`). The slots take
/// `RECV_BATCH * RECV_BUFFER_LEN` bytes of address space; pages are mapped
/// only as datagrams fill them.
pub const RECV_BATCH: usize = 32;

/// A netlink socket serving one or more queues.
///
/// Bind queues with [`Queue::bind`], then receive packets with
/// [`Queue::recv`] (or [`Queue::try_recv`] / [`Queue::recv_timeout`], and
/// [`AsFd`] for poll/epoll). Several queues can be bound on one socket (each
/// packet says its [`queue`](PacketMeta::queue)); one `Queue` per queue
/// number, each on its own thread, works as well (`--queue-balance`).
///
/// # Privileges
/// `CAP_NET_ADMIN` in the user namespace that owns the network namespace.
///
/// # Examples
/// ```no_run
/// use nfnl_queue::{ErrorExt, Queue, QueueConfig, Receive, Verdict};
/// let mut q = Queue::open()?;
/// q.bind(&QueueConfig::new(1))?;
/// loop {
///     match q.recv() {
///         Ok(pkt) => {
///             println!("packet {} len {}", pkt.id(), pkt.len());
///             pkt.verdict(Verdict::Accept)?;
///         }
///         Err(e) if e.is_recoverable() => eprintln!("{e}"),
///         Err(e) => return Err(e.into()),
///     }
/// }
/// # #[allow(unreachable_code)] Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct Queue {
    shared: Arc<Shared>,
    reader: Reader,
    tx: Tx,
    bound: Vec<u16>,
    /// The last packet id received per queue, for the verdict batch that
    /// releases every packet still out at close; the most recent queue's
    /// is in `last` (one compare per packet), the others here.
    last_ids: Vec<(u16, u32)>,
    /// The queue and id of the last packet received.
    last: Option<(u16, u32)>,
    /// The attribute index of the packet last returned (refilled by each
    /// receive: the returned view borrows it, nothing is copied).
    slots: PacketSlots,
}

impl Queue {
    /// Opens a queue socket in the calling thread's network namespace.
    ///
    /// # Errors
    /// [`Error::Netlink`] if the socket cannot be opened.
    pub fn open() -> Result<Self, Error> {
        Self::from_socket(Socket::open()?)
    }

    /// Opens a queue socket inside the network namespace named by the file at
    /// `netns` (`/run/netns/NAME` as made by `ip netns add NAME`,
    /// `/proc/PID/ns/net`), in one call ([`Socket::open_in_netns_path`]
    /// then [`Queue::from_socket`]). It works in that namespace from any thread; the calling
    /// thread stays in its own. With an open namespace file instead of a
    /// path: `Queue::from_socket(Socket::open_in_netns(fd)?)`.
    ///
    /// # Errors
    /// [`Error::Netlink`] naming `netns` if it cannot be opened or is no network
    /// namespace; `EPERM` without `CAP_SYS_ADMIN` over it (`setns(2)`); as [`Queue::from_socket`].
    pub fn open_in_netns(netns: impl AsRef<std::path::Path>) -> Result<Self, Error> {
        Self::from_socket(Socket::open_in_netns_path(netns)?)
    }

    /// Uses `sock` (for example from [`Socket::open_in_netns`]). Unlike
    /// nfnl's policy ([`Socket::from_fd`]), `NETLINK_CAP_ACK` is turned off:
    /// a verdict error must echo the request, which holds the queue number.
    ///
    /// # Errors
    /// [`Error::Netlink`] if the socket options cannot be set.
    pub fn from_socket(sock: Socket) -> Result<Self, Error> {
        sock.set_cap_ack(false)?;
        let shared = Arc::new(Shared {
            sock: sock.try_clone()?,
            closed: AtomicBool::new(false),
            default_word: AtomicU32::new(Verdict::Drop.to_raw()),
            outside: AtomicUsize::new(0),
        });
        Ok(Queue {
            shared,
            reader: Reader::new(sock, RECV_BATCH, RECV_BUFFER_LEN),
            tx: Tx::new(),
            bound: Vec::new(),
            last_ids: Vec::new(),
            last: None,
            slots: PacketSlots::new(),
        })
    }

    /// The underlying socket (for `SO_RCVBUF`, `NETLINK_NO_ENOBUFS`, ...).
    pub fn socket(&self) -> &Socket {
        self.reader.socket()
    }

    /// The queue numbers bound by this socket.
    pub fn bound(&self) -> &[u16] {
        &self.bound
    }

    /// A cloneable, `Send + Sync` handle for raw verdicts from other threads.
    pub fn handle(&self) -> QueueHandle {
        QueueHandle {
            shared: Arc::clone(&self.shared),
        }
    }

    /// Sets the verdict given to packets dropped without one (default
    /// [`Verdict::Drop`]; see the [crate docs](crate)).
    pub fn set_default_verdict(&self, v: Verdict) {
        self.shared
            .default_word
            .store(v.to_raw(), Ordering::Relaxed);
    }

    /// The verdict given to packets dropped without one.
    pub fn default_verdict(&self) -> Verdict {
        self.shared.default_verdict()
    }

    /// How many verdicts are collected before they are sent (at least 1;
    /// 1 sends each verdict at once). They are also sent before every
    /// receive system call.
    pub fn set_verdict_batch(&mut self, n: usize) {
        self.tx.batch = n.max(1);
    }

    /// How long a configuration request waits for its acknowledgement
    /// (`None`: forever; default [`nfnl::reader::DEFAULT_REQUEST_TIMEOUT`],
    /// 5 s). When it passes the request fails with a timeout; its late
    /// answer is skipped by the receive calls.
    pub fn set_request_timeout(&mut self, t: Option<Duration>) {
        self.reader.set_request_timeout(t);
    }

    /// Sends the collected verdicts now.
    ///
    /// # Errors
    /// [`Error::Netlink`] if `sendmsg` fails.
    pub fn flush(&mut self) -> Result<(), Error> {
        Ok(self.tx.flush(&self.shared)?)
    }

    /// Sends one config message with `NLM_F_ACK` and waits for its answer,
    /// keeping every other message that arrives meanwhile.
    fn config_raw(
        &mut self,
        queue: u16,
        msg: &ConfigMsg,
    ) -> Result<Result<(), KernelError>, Error> {
        self.flush()?;
        let seq = self.reader.next_seq();
        let mut b = MsgBuilder::with_capacity(64);
        msg.encode(&mut b, queue, seq, NlFlags::ACK)?;
        Ok(self.reader.ack_request(b.finish()?, seq, CONFIG_TYPE)?)
    }

    fn config(&mut self, queue: u16, msg: &ConfigMsg) -> Result<(), Error> {
        self.config_raw(queue, msg)?
            .map_err(|k| map_config_error(queue, self.reader.socket().port_id(), k))
    }

    /// Binds queue `cfg.num` with its copy mode, length and flags in one
    /// message (`NFQNL_CFG_CMD_BIND`, `NFQA_CFG_PARAMS`, `NFQA_CFG_QUEUE_MAXLEN`,
    /// `NFQA_CFG_FLAGS` and `NFQA_CFG_MASK`), so no packet is ever seen by a
    /// bound queue in `COPY_NONE` (which drops it).
    ///
    /// # Errors
    /// [`Error::PermissionDenied`] if another socket has the queue (or no
    /// `CAP_NET_ADMIN`); [`Error::QueueBusy`] if this socket has it already;
    /// [`Error::FlagUnsupported`] naming the flag this kernel refuses (the
    /// flags are then probed one by one; nothing was bound);
    /// [`Error::Refused`] for other refusals; [`Error::InvalidConfig`]
    /// before sending anything for a setting the kernel cannot use
    /// ([`QueueConfig::check`]); timeouts and I/O errors.
    pub fn bind(&mut self, cfg: &QueueConfig) -> Result<(), Error> {
        cfg.check()?;
        match self.config_raw(cfg.num, &ConfigMsg::bind(cfg))? {
            Ok(()) => {
                if !self.bound.contains(&cfg.num) {
                    self.bound.push(cfg.num);
                }
                Ok(())
            }
            Err(k) if k.errno() == nix::errno::Errno::EOPNOTSUPP && !cfg.flags.is_empty() => {
                // Nothing is bound, so a supported flag is refused with
                // ENODEV: only EOPNOTSUPP tells.
                for flag in cfg.flags.iter() {
                    let _ = self.config_flag(cfg.num, cfg.flags, flag)?;
                }
                Err(map_config_error(cfg.num, self.reader.socket().port_id(), k))
            }
            Err(k) => Err(map_config_error(cfg.num, self.reader.socket().port_id(), k)),
        }
    }

    /// Unbinds queue `num`; the kernel drops the packets it still holds.
    ///
    /// # Errors
    /// [`Error::NotBound`] (`ENODEV`) if it is not bound;
    /// [`Error::PermissionDenied`] if another socket has it.
    pub fn unbind(&mut self, num: u16) -> Result<(), Error> {
        self.config(num, &ConfigMsg::unbind())?;
        self.bound.retain(|&n| n != num);
        Ok(())
    }

    /// Changes the copy mode of bound queue `num`.
    ///
    /// # Errors
    /// As [`Queue::unbind`].
    pub fn set_copy_mode(&mut self, num: u16, mode: CopyMode) -> Result<(), Error> {
        self.config(
            num,
            &ConfigMsg {
                params: Some(mode),
                ..ConfigMsg::default()
            },
        )
    }

    /// Changes the length of bound queue `num`.
    ///
    /// # Errors
    /// As [`Queue::unbind`]; [`Error::InvalidConfig`] for 0, before sending.
    pub fn set_max_len(&mut self, num: u16, len: u32) -> Result<(), Error> {
        crate::config::check_max_len(num, len)?;
        self.config(
            num,
            &ConfigMsg {
                max_len: Some(len),
                ..ConfigMsg::default()
            },
        )
    }

    /// Sets the flags of bound queue `num`: the flags in `mask` are set to
    /// their value in `flags`, the others are left alone. Each flag goes in
    /// its own message, so a refusal names the flag.
    ///
    /// # Errors
    /// [`Error::FlagUnsupported`]; as [`Queue::unbind`].
    pub fn set_flags(
        &mut self,
        num: u16,
        flags: QueueFlags,
        mask: QueueFlags,
    ) -> Result<(), Error> {
        for flag in mask.iter() {
            self.config_flag(num, flags, flag)?
                .map_err(|k| map_config_error(num, self.reader.socket().port_id(), k))?;
        }
        Ok(())
    }

    /// Sets the one-bit `flag` of queue `num` to its value in `flags`; a
    /// refusal with `EOPNOTSUPP` is [`Error::FlagUnsupported`], other
    /// refusals are left to the caller.
    fn config_flag(
        &mut self,
        num: u16,
        flags: QueueFlags,
        flag: QueueFlags,
    ) -> Result<Result<(), KernelError>, Error> {
        let msg = ConfigMsg {
            flags: Some((flags & flag, flag)),
            ..ConfigMsg::default()
        };
        match self.config_raw(num, &msg)? {
            Err(k) if k.errno() == nix::errno::Errno::EOPNOTSUPP => Err(Error::FlagUnsupported {
                queue: num,
                flag,
                source: k,
            }),
            r => Ok(r),
        }
    }
}

/// Receiving packets: [`Receive::recv`], [`Receive::try_recv`],
/// [`Receive::recv_timeout`] (import [`Receive`], re-exported here), and the
/// async [`tokio::AsyncQueue`](crate::tokio). Verdicts collected so
/// far are sent before each receive system call.
///
/// # Errors
/// Recoverable ones ([`ErrorExt::is_recoverable`](crate::ErrorExt::is_recoverable)): [`Error::Verdict`] for
/// a verdict the kernel refused; `Overrun` once when the socket buffer
/// overflowed; a malformed or truncated message (given the default verdict
/// when its id could be read). Others: [`Error::NothingBound`] when no
/// queue is bound (a waiting receive, instead of waiting forever; `try_recv`
/// says "would block"); I/O errors. Acknowledgements and answers that are
/// not packets (a late answer to a configuration request that timed out)
/// are skipped and counted in [`Queue::skipped`].
impl Receive for Queue {
    type Item<'a> = Packet<'a>;
    type Error = Error;

    fn fill(&mut self, wait: Wait) -> Result<(), Error> {
        // No `closed` check: only `shutdown` sets it, from `close` or `drop`,
        // after which no `&mut Queue` is left to receive with.
        if let Some(e) = self.tx.err.take() {
            return Err(e);
        }
        // With no queue bound no packet can come: a waiting receive reads
        // only what is there already (answers to verdicts, which the kernel
        // queues before the send returns), then says so instead of waiting
        // forever. `try_recv` does not wait, so it reports "would block".
        let unbound = self.bound.is_empty() && !matches!(wait, Wait::Poll);
        let Queue {
            reader, tx, shared, ..
        } = self;
        let wait = if unbound { Wait::Poll } else { wait };
        let r = reader.fill_sorted(wait, &mut || tx.flush(shared), |m| match m.msg_type() {
            PACKET_TYPE => Sort::Mine,
            sys::NLMSG_ERROR => match ErrorMsg::parse(m).map_err(Error::from) {
                Ok(e) => match verdict_error(&e) {
                    Ok(()) => Sort::NotMine,
                    Err(e) => Sort::Fail(e),
                },
                Err(e) => Sort::Fail(e),
            },
            _ => Sort::NotMine,
        });
        match r {
            Err(e) if unbound && e.is_would_block() => Err(Error::NothingBound),
            r => r,
        }
    }

    fn take(&mut self) -> Result<Packet<'_>, Error> {
        self.take_packet()
    }

    /// As the default, but with no queue bound a wait would never end:
    /// [`Error::NothingBound`] then.
    fn poll_fill(&mut self) -> Result<bool, Error> {
        match self.fill(Wait::Poll) {
            Ok(()) => Ok(true),
            Err(e) if e.is_would_block() && self.bound.is_empty() => Err(Error::NothingBound),
            Err(e) if e.is_would_block() => Ok(false),
            Err(e) => Err(e),
        }
    }
}

impl Queue {
    /// Messages the receive calls skipped as not packets: acknowledgements,
    /// late answers to configuration requests that timed out.
    pub fn skipped(&self) -> u64 {
        self.reader.skipped()
    }

    /// The packet [`Receive::fill`] made ready. Inlined into the receive
    /// loop: out of line, the packet (small since its index is in `slots`)
    /// was built in the caller's memory and the loop spilled around the
    /// call (481 instructions per packet instead of 450).
    #[inline(always)]
    pub(crate) fn take_packet(&mut self) -> Result<Packet<'_>, Error> {
        let Queue {
            reader,
            tx,
            shared,
            last_ids,
            last,
            slots,
            ..
        } = self;
        let msg = reader.next(Wait::Poll)?;
        let raw = msg.as_bytes();
        match msg.nf().and_then(|nf| PacketMeta::parse(&nf, slots)) {
            Ok(meta) => {
                let queue = meta.queue();
                match last {
                    Some((q, id)) if *q == queue => *id = meta.id(),
                    _ => note_id(last_ids, last, queue, meta.id()),
                }
                Ok(Packet { meta, tx, shared })
            }
            Err(e) => {
                if let Some((queue, id)) = salvage_id(raw) {
                    tx.push_plain(shared, queue, id, shared.default_verdict());
                }
                Err(e.into())
            }
        }
    }

    /// The kernel's figures for the queues bound by this socket, from
    /// `/proc/thread-self/net/netfilter/nfnetlink_queue` (the calling
    /// thread's network namespace: call it from a thread in the socket's).
    ///
    /// # Errors
    /// I/O errors reading `/proc`; [`Error::ProcFormat`].
    pub fn stats(&self) -> Result<Vec<QueueStats>, Error> {
        let port = self.shared.sock.port_id();
        Ok(health::read()?
            .into_iter()
            .filter(|s| s.port_id == port)
            .collect())
    }

    /// Sends the pending verdicts, gives every packet still out the
    /// default verdict, unbinds every queue and closes the socket (see the
    /// [crate docs](crate)). Dropping the `Queue` does the same, ignoring
    /// errors.
    ///
    /// # Errors
    /// The first error met.
    pub fn close(mut self) -> Result<(), Error> {
        self.shutdown()
    }

    fn shutdown(&mut self) -> Result<(), Error> {
        if self.shared.closed.load(Ordering::Acquire) {
            return Ok(());
        }
        let mut first = self.flush().err();
        let bound = std::mem::take(&mut self.bound);
        if !bound.is_empty() {
            let mut b = MsgBuilder::with_capacity(64 * bound.len());
            let release = Decision::from(self.shared.default_verdict());
            for &num in &bound {
                // `nfqnl_recv_verdict_batch` releases the queued ids "not
                // after" max_id in serial arithmetic (`(int)(id - max) <= 0`),
                // that is the 2^31 ids up to it: a quarter of the id space
                // past the last id read covers those queued but not read yet,
                // and leaves a quarter behind it for held and raw packets.
                let last = self
                    .last
                    .iter()
                    .chain(&self.last_ids)
                    .find(|(q, _)| *q == num)
                    .map_or(0, |&(_, id)| id);
                let max_id = last.wrapping_add(0x4000_0000);
                if let Err(e) =
                    encode_verdict_batch(&mut b, num, max_id, &release, NlFlags::empty())
                {
                    first.get_or_insert(e.into());
                }
            }
            for num in bound {
                let seq = self.reader.next_seq();
                if let Err(e) = ConfigMsg::unbind().encode(&mut b, num, seq, NlFlags::empty()) {
                    first.get_or_insert(e.into());
                }
            }
            let sent = b
                .finish()
                .map_err(Error::from)
                .and_then(|bytes| self.reader.socket().send(bytes).map_err(Error::from));
            if let Err(e) = sent {
                first.get_or_insert(e);
            }
        }
        self.shared.closed.store(true, Ordering::Release);
        first.map_or(Ok(()), Err)
    }
}

impl Drop for Queue {
    fn drop(&mut self) {
        let _ = self.shutdown();
    }
}

impl AsFd for Queue {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.reader.socket().as_fd()
    }
}

impl AsRawFd for Queue {
    fn as_raw_fd(&self) -> RawFd {
        self.reader.socket().as_raw_fd()
    }
}

/// Records `id` as the last packet id read from `queue`, another queue
/// than the last packet's: that one's goes to `last_ids`.
#[cold]
fn note_id(last_ids: &mut Vec<(u16, u32)>, last: &mut Option<(u16, u32)>, queue: u16, id: u32) {
    let Some((q0, id0)) = last.replace((queue, id)) else {
        return;
    };
    match last_ids.iter_mut().find(|(q, _)| *q == q0) {
        Some(slot) => slot.1 = id0,
        None => last_ids.push((q0, id0)),
    }
    // `last` holds the newest id of `queue`: an older one here is stale.
    last_ids.retain(|(q, _)| *q != queue);
}

/// What an `NLMSG_ERROR` on the queue socket means: the kernel refused a
/// verdict ([`Error::Verdict`]), or it is a late config answer whose
/// request gave up already (ignored).
fn verdict_error(e: &ErrorMsg<'_>) -> Result<(), Error> {
    let req = e.request().nlmsg_type;
    if e.is_ack() || (req != VERDICT_TYPE && req != BATCH_TYPE) {
        return Ok(());
    }
    Err(Error::Verdict {
        // The echoed request's nfgenmsg holds the queue.
        queue: e.request_res_id(),
        id: e.seq(),
        source: e.to_kernel_error(),
    })
}

/// A refused configuration request as an [`Error`] naming the queue.
/// `EPERM` means another socket has the queue or the caller lacks
/// `CAP_NET_ADMIN` (`instance_lookup` + `peer_portid` check in
/// `nfqnl_recv_config`): the queue's owner in `/proc` tells which.
fn map_config_error(queue: u16, our_port: u32, k: KernelError) -> Error {
    use nix::errno::Errno;
    match k.errno() {
        Errno::EPERM => match health::queue(queue) {
            Ok(Some(s)) if s.port_id != our_port => Error::BoundElsewhere {
                queue,
                port_id: s.port_id,
                source: k,
            },
            Ok(_) => Error::PermissionDenied {
                unknown_owner: false,
                queue,
                source: k,
            },
            Err(_) => Error::PermissionDenied {
                unknown_owner: true,
                queue,
                source: k,
            },
        },
        Errno::EBUSY => Error::QueueBusy { queue },
        Errno::ENODEV => Error::NotBound { queue },
        _ => Error::Refused(Refusal {
            op: "configure",
            object: format!("queue {queue}"),
            source: k,
        }),
    }
}

const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Queue>();
};
