//! The queue socket: binding, the receive loop, packet handles and the
//! verdict path.
//!
//! # How no packet stalls
//! - A [`Packet`] is consumed by its verdict, so a double verdict cannot be
//!   written. If it goes out of scope without one (early return, `?`, panic),
//!   its `Drop` gives it the queue's *default verdict*.
//! - A [`HeldPacket`] (from [`Packet::hold`]) is owned and `Send`: it can be
//!   kept on another thread for as long as needed, without holding up the
//!   receive loop, and also gets the default verdict when dropped.
//! - Configuration requests keep the packets that arrive while they wait for
//!   their acknowledgement, and hand them out on the next receive.
//! - Closing the [`Queue`] sends the pending verdicts, then unbinds; the
//!   kernel drops whatever is still held (`nfqnl_flush(.., NF_DROP)`).
//!
//! # Default verdict
//! [`Verdict::Drop`] unless changed with [`Queue::set_default_verdict`]. A
//! packet that reaches its default verdict was not decided by the program
//! (a bug, a panic, a refused payload): failing closed is what the kernel
//! itself does when the listener dies, keeps a filtering program from
//! letting undecided traffic through, and makes the bug visible. Programs
//! that only observe traffic should set [`Verdict::Accept`].
//!
//! # Batching
//! Verdicts of borrowed packets are collected and sent many per `sendmsg`:
//! before the receive call would block, when [`Queue::set_verdict_batch`]
//! verdicts are pending (default 64), on [`Queue::flush`] and on close.
//! Runs of consecutive ids with the same bare verdict are sent as one
//! `NFQNL_MSG_VERDICT_BATCH` when no packet of the socket is held elsewhere
//! (a batch would release it too). Held packets and raw verdicts are sent
//! at once.

use std::collections::VecDeque;
use std::ops::Deref;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use nfnetlink::align::nlmsg_align;
use nfnetlink::{
    ErrorMsg, KernelError, MsgBuilder, MsgIter, NfHeader, NlFlags, NlMsg, RecvBatch, Socket,
};
use nfnl_sys as sys;

use crate::config::{ConfigMsg, CopyMode, QueueConfig, QueueFlags};
use crate::error::Error;
use crate::health::{self, QueueStats};
use crate::packet::PacketMeta;
use crate::verdict::{encode_verdict, encode_verdict_batch, Decision, Verdict};

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

/// Default number of verdicts collected before they are sent.
pub const DEFAULT_VERDICT_BATCH: usize = 64;

/// State shared by the [`Queue`], its [`QueueHandle`]s and [`HeldPacket`]s.
#[derive(Debug)]
struct Shared {
    sock: Socket,
    closed: AtomicBool,
    default_word: AtomicU32,
    /// Packets whose verdict the [`Tx`] does not send and a batch verdict
    /// would release: each held one until its verdict, and each raw id for
    /// good (nothing says when its verdict is sent), so batches are merged
    /// only while this is 0.
    outside: AtomicUsize,
}

impl Shared {
    fn default_verdict(&self) -> Verdict {
        Verdict::from_raw(self.default_word.load(Ordering::Relaxed)).unwrap_or(Verdict::Drop)
    }

    fn send_now(&self, queue: u16, id: u32, d: &Decision<'_>, batch: bool) -> Result<(), Error> {
        if self.closed.load(Ordering::Acquire) {
            return Err(Error::Closed);
        }
        let mut b = MsgBuilder::with_capacity(64 + d.payload.map_or(0, <[u8]>::len));
        if batch {
            encode_verdict_batch(&mut b, queue, id, d, NlFlags::empty())?;
        } else {
            encode_verdict(&mut b, queue, id, d, NlFlags::empty())?;
        }
        self.sock.send(b.finish()?)?;
        Ok(())
    }
}

/// A run of consecutive ids with the same bare verdict.
#[derive(Debug, Clone, Copy)]
struct Run {
    queue: u16,
    verdict: Verdict,
    first: u32,
    last: u32,
}

/// Verdicts waiting to be sent, in one reusable buffer.
#[derive(Debug)]
struct Tx {
    b: MsgBuilder,
    /// Verdicts given since the last flush (a run counts each of its ids).
    pending: usize,
    run: Option<Run>,
    batch: usize,
    err: Option<Error>,
}

impl Tx {
    fn new() -> Self {
        Tx {
            b: MsgBuilder::with_capacity(16 * 1024),
            pending: 0,
            run: None,
            batch: DEFAULT_VERDICT_BATCH,
            err: None,
        }
    }

    fn keep_err(&mut self, r: Result<(), Error>) {
        if let Err(e) = r {
            self.err.get_or_insert(e);
        }
    }

    fn push_plain(&mut self, sh: &Shared, queue: u16, id: u32, verdict: Verdict) {
        self.pending += 1;
        if let Some(r) = &mut self.run {
            if r.queue == queue && r.verdict == verdict && r.last.wrapping_add(1) == id {
                r.last = id;
                self.maybe_flush(sh);
                return;
            }
            self.emit_run(sh);
        }
        self.run = Some(Run {
            queue,
            verdict,
            first: id,
            last: id,
        });
        self.maybe_flush(sh);
    }

    fn push(&mut self, sh: &Shared, queue: u16, id: u32, d: &Decision<'_>) -> Result<(), Error> {
        if d.is_plain() {
            self.push_plain(sh, queue, id, d.verdict);
            return Ok(());
        }
        self.emit_run(sh);
        encode_verdict(&mut self.b, queue, id, d, NlFlags::empty())?;
        self.pending += 1;
        self.maybe_flush(sh);
        Ok(())
    }

    fn emit_run(&mut self, sh: &Shared) {
        let Some(r) = self.run.take() else {
            return;
        };
        let d = Decision::from(r.verdict);
        if r.first != r.last && sh.outside.load(Ordering::Acquire) == 0 {
            let res = encode_verdict_batch(&mut self.b, r.queue, r.last, &d, NlFlags::empty());
            self.keep_err(res.map_err(Error::from));
            return;
        }
        let mut id = r.first;
        loop {
            let res = encode_verdict(&mut self.b, r.queue, id, &d, NlFlags::empty());
            self.keep_err(res.map_err(Error::from));
            if id == r.last {
                break;
            }
            id = id.wrapping_add(1);
        }
    }

    fn maybe_flush(&mut self, sh: &Shared) {
        if self.pending >= self.batch || self.b.len() >= 48 * 1024 {
            let r = self.flush(sh);
            self.keep_err(r);
        }
    }

    fn flush(&mut self, sh: &Shared) -> Result<(), Error> {
        self.emit_run(sh);
        self.pending = 0;
        if self.b.is_empty() {
            return Ok(());
        }
        let r = match self.b.finish() {
            Ok(bytes) => sh.sock.send(bytes).map_err(Error::from),
            Err(e) => Err(e.into()),
        };
        self.b.clear();
        r
    }
}

/// How long a receive may wait.
#[derive(Debug, Clone, Copy)]
enum Wait {
    Block,
    Poll,
    Until(Instant),
}

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
/// use nfqueue::{Queue, QueueConfig, Verdict};
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
    /// The datagrams of the last receive call.
    rx: RecvBatch,
    /// The next datagram of `rx` to read.
    rx_next: usize,
    /// Where the datagram being read is: a slot of `rx`, or `stashed`.
    cur: Option<usize>,
    /// The datagram being read when it came from `stash`.
    stashed: Vec<u8>,
    /// End of the datagram being read.
    len: usize,
    /// Offset of the next message in it.
    pos: usize,
    /// Datagrams kept while configuration requests waited, oldest first;
    /// read before anything new.
    stash: VecDeque<Vec<u8>>,
    tx: Tx,
    bound: Vec<u16>,
    seq: u32,
    pending_overrun: bool,
    config_timeout: Duration,
}

impl Queue {
    /// Opens a queue socket in the calling thread's network namespace.
    ///
    /// # Errors
    /// [`Error::Netlink`] if the socket cannot be opened.
    pub fn open() -> Result<Self, Error> {
        Self::from_socket(Socket::open()?)
    }

    /// Uses `sock` (for example from [`Socket::open_in_netns`]). Extended
    /// acks are turned on; `NETLINK_CAP_ACK` must stay off so that verdict
    /// errors echo the queue number.
    ///
    /// # Errors
    /// [`Error::Netlink`] if the socket options cannot be set.
    pub fn from_socket(sock: Socket) -> Result<Self, Error> {
        sock.set_ext_ack(true)?;
        sock.set_cap_ack(false)?;
        let seq = nfnetlink::initial_seq(sock.port_id());
        Ok(Queue {
            shared: Arc::new(Shared {
                sock,
                closed: AtomicBool::new(false),
                default_word: AtomicU32::new(Verdict::Drop.to_raw()),
                outside: AtomicUsize::new(0),
            }),
            rx: RecvBatch::new(RECV_BATCH, RECV_BUFFER_LEN),
            rx_next: 0,
            cur: None,
            stashed: Vec::new(),
            len: 0,
            pos: 0,
            stash: VecDeque::new(),
            tx: Tx::new(),
            bound: Vec::new(),
            seq,
            pending_overrun: false,
            config_timeout: Duration::from_secs(5),
        })
    }

    /// The underlying socket (for `SO_RCVBUF`, `NETLINK_NO_ENOBUFS`, ...).
    pub fn socket(&self) -> &Socket {
        &self.shared.sock
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
    /// [`Verdict::Drop`]; see the [module docs](self)).
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
    /// 1 sends each verdict at once). They are also sent before a receive
    /// would wait.
    pub fn set_verdict_batch(&mut self, n: usize) {
        self.tx.batch = n.max(1);
    }

    /// How long configuration requests wait for their acknowledgement
    /// (default 5 s).
    pub fn set_config_timeout(&mut self, t: Duration) {
        self.config_timeout = t;
    }

    /// Sends the collected verdicts now.
    ///
    /// # Errors
    /// [`Error::Netlink`] if `sendmsg` fails.
    pub fn flush(&mut self) -> Result<(), Error> {
        self.tx.flush(&self.shared)
    }

    fn next_seq(&mut self) -> u32 {
        self.seq = self.seq.wrapping_add(1);
        if self.seq == 0 {
            self.seq = 1;
        }
        self.seq
    }

    /// Sends one config message with `NLM_F_ACK` and waits for its answer,
    /// keeping every other message that arrives meanwhile.
    fn config_raw(
        &mut self,
        queue: u16,
        msg: &ConfigMsg,
    ) -> Result<Result<(), KernelError>, Error> {
        self.flush()?;
        // What is left of the current datagram, then the unread ones of the
        // last receive, are older than anything new (and than the stash,
        // which is only read once they are all read).
        let mut older = Vec::new();
        if self.pos < self.len {
            if let Some(rest) = self.current().get(self.pos..self.len) {
                older.push(rest.to_vec());
            }
            self.pos = self.len;
        }
        for i in self.rx_next..self.rx.len() {
            // An oversized one cannot be kept (as while waiting below).
            if let Some(Ok(d)) = self.rx.get(i) {
                older.push(d.to_vec());
            }
        }
        self.rx.clear();
        self.rx_next = 0;
        for d in older.into_iter().rev() {
            self.stash.push_front(d);
        }
        let seq = self.next_seq();
        let mut b = MsgBuilder::with_capacity(64);
        msg.encode(&mut b, queue, seq, NlFlags::ACK)?;
        self.shared.sock.send(b.finish()?)?;
        let deadline = Instant::now() + self.config_timeout;
        loop {
            if !self.shared.sock.wait_readable(Some(deadline))? {
                return Err(nfnetlink::Error::Timeout.into());
            }
            let n = match self.shared.sock.recv_many(&mut self.rx, false) {
                Ok(n) => n,
                Err(e) if e.is_would_block() => continue,
                Err(nfnetlink::Error::Overrun) => {
                    self.pending_overrun = true;
                    continue;
                }
                Err(e) => return Err(e.into()),
            };
            // Every datagram is read here, kept but for the answer.
            self.rx_next = n;
            let mut result = None;
            for i in 0..n {
                // Oversized ones are dropped (nothing of them is usable).
                let Some(Ok(datagram)) = self.rx.get(i) else {
                    continue;
                };
                let mut keep = Vec::new();
                for m in MsgIter::new(datagram) {
                    let Ok(m) = m else { break };
                    if let Some(r) = config_answer(&m, seq) {
                        result = Some(r);
                        continue;
                    }
                    keep.extend_from_slice(m.as_bytes());
                    keep.resize(nlmsg_align(keep.len()), 0);
                }
                if !keep.is_empty() {
                    self.stash.push_back(keep);
                }
            }
            if let Some(r) = result {
                return Ok(r);
            }
        }
    }

    fn config(&mut self, queue: u16, msg: &ConfigMsg) -> Result<(), Error> {
        self.config_raw(queue, msg)?
            .map_err(|k| map_config_error(queue, k))
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
    /// [`Error::Config`] for other refusals; timeouts and I/O errors.
    pub fn bind(&mut self, cfg: &QueueConfig) -> Result<(), Error> {
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
                Err(map_config_error(cfg.num, k))
            }
            Err(k) => Err(map_config_error(cfg.num, k)),
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
    /// As [`Queue::unbind`].
    pub fn set_max_len(&mut self, num: u16, len: u32) -> Result<(), Error> {
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
                .map_err(|k| map_config_error(num, k))?;
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

    /// Waits for the next packet. Verdicts collected so far are sent before
    /// waiting.
    ///
    /// # Errors
    /// Recoverable ones ([`Error::is_recoverable`]): [`Error::Verdict`] for a
    /// verdict the kernel refused; `Overrun` once when the socket buffer
    /// overflowed; a malformed or truncated message (given the default
    /// verdict when its id could be read). Others: I/O errors.
    pub fn recv(&mut self) -> Result<Packet<'_>, Error> {
        self.next_packet(Wait::Block)
    }

    /// Returns the next packet if one is already there; otherwise an error
    /// for which [`Error::is_would_block`] is true.
    ///
    /// # Errors
    /// As [`Queue::recv`].
    pub fn try_recv(&mut self) -> Result<Packet<'_>, Error> {
        self.next_packet(Wait::Poll)
    }

    /// Waits at most `timeout` for the next packet ([`Error::is_timeout`]).
    ///
    /// # Errors
    /// As [`Queue::recv`].
    pub fn recv_timeout(&mut self, timeout: Duration) -> Result<Packet<'_>, Error> {
        self.next_packet(Wait::Until(Instant::now() + timeout))
    }

    /// Waits until `deadline` for the next packet.
    ///
    /// # Errors
    /// As [`Queue::recv`].
    pub fn recv_deadline(&mut self, deadline: Instant) -> Result<Packet<'_>, Error> {
        self.next_packet(Wait::Until(deadline))
    }

    fn next_packet(&mut self, wait: Wait) -> Result<Packet<'_>, Error> {
        let range = self.next_range(wait)?;
        self.packet_at(range)
    }

    /// For the async receive: the range of the next packet message in the
    /// current datagram, `Ok(None)` instead of waiting (pending verdicts
    /// were sent then). Borrows nothing, so the caller can wait and retry.
    #[cfg(feature = "tokio")]
    pub(crate) fn poll_next(&mut self) -> Result<Option<(usize, usize)>, Error> {
        match self.next_range(Wait::Poll) {
            Ok(range) => Ok(Some(range)),
            Err(e) if e.is_would_block() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Finds the next packet message: its range in the current datagram.
    fn next_range(&mut self, wait: Wait) -> Result<(usize, usize), Error> {
        // No `closed` check: only `shutdown` sets it, from `close` or `drop`,
        // after which no `&mut Queue` is left to receive with.
        loop {
            if let Some(e) = self.tx.err.take() {
                return Err(e);
            }
            if self.pending_overrun {
                self.pending_overrun = false;
                return Err(nfnetlink::Error::Overrun.into());
            }
            if self.pos < self.len {
                if let Some(r) = self.step()? {
                    return Ok(r);
                }
                continue;
            }
            self.load(wait)?;
        }
    }

    /// The packet at `start..end` of the current datagram (from
    /// [`Queue::next_range`]).
    pub(crate) fn packet_at(&mut self, (start, end): (usize, usize)) -> Result<Packet<'_>, Error> {
        let Queue {
            rx,
            cur,
            stashed,
            tx,
            shared,
            ..
        } = self;
        let raw = datagram(rx, *cur, stashed).get(start..end).unwrap_or(&[]);
        match PacketMeta::parse_bytes(raw) {
            Ok(meta) => Ok(Packet {
                meta,
                raw,
                tx,
                shared,
                armed: true,
            }),
            Err(e) => {
                if let Some((queue, id)) = salvage_id(raw) {
                    tx.push_plain(shared, queue, id, shared.default_verdict());
                }
                Err(e.into())
            }
        }
    }

    /// Looks at the message at `pos`: a packet's range, or an error to report.
    fn step(&mut self) -> Result<Option<(usize, usize)>, Error> {
        let start = self.pos;
        let buf = datagram(&self.rx, self.cur, &self.stashed)
            .get(start..self.len)
            .unwrap_or(&[]);
        let m = match NlMsg::parse(buf) {
            Ok(m) => m,
            Err(e) => {
                self.pos = self.len;
                return Err(e.into());
            }
        };
        let mlen = m.as_bytes().len();
        self.pos = (start + nlmsg_align(mlen)).min(self.len);
        match m.msg_type() {
            PACKET_TYPE => Ok(Some((start, start + mlen))),
            sys::NLMSG_ERROR => {
                let e = ErrorMsg::parse(&m)?;
                let req = e.request().nlmsg_type;
                if e.is_ack() || (req != VERDICT_TYPE && req != BATCH_TYPE) {
                    // a late config answer: its request gave up already
                    return Ok(None);
                }
                // The echoed request's nfgenmsg holds the queue (res_id, be16).
                let queue = e
                    .request_payload()
                    .and_then(|p| p.get(2..4))
                    .map(|r| u16::from_be_bytes([r[0], r[1]]));
                Err(Error::Verdict {
                    queue,
                    id: e.seq(),
                    source: e.to_kernel_error(),
                })
            }
            _ => Ok(None),
        }
    }

    /// The datagram being read.
    fn current(&self) -> &[u8] {
        datagram(&self.rx, self.cur, &self.stashed)
    }

    /// Makes the next datagram current: a stashed one, the next of the last
    /// receive, or those of a new receive, sending pending verdicts before
    /// waiting.
    fn load(&mut self, wait: Wait) -> Result<(), Error> {
        if let Some(d) = self.stash.pop_front() {
            self.stashed = d;
            self.cur = None;
            self.len = self.stashed.len();
            self.pos = 0;
            return Ok(());
        }
        if self.rx_next >= self.rx.len() {
            self.receive(wait)?;
        }
        let i = self.rx_next;
        self.rx_next += 1;
        self.cur = Some(i);
        self.pos = 0;
        self.len = 0;
        match self.rx.get(i) {
            Some(Ok(d)) => {
                self.len = d.len();
                Ok(())
            }
            Some(Err(e)) => Err(e.into()),
            None => Ok(()),
        }
    }

    /// Receives a new batch of datagrams into `rx`.
    fn receive(&mut self, wait: Wait) -> Result<(), Error> {
        self.rx_next = 0;
        let mut blocking_tried = false;
        loop {
            match self.shared.sock.recv_many(&mut self.rx, false) {
                Ok(_) => return Ok(()),
                Err(e) if e.is_would_block() => {
                    self.tx.flush(&self.shared)?;
                    match wait {
                        Wait::Poll => return Err(e.into()),
                        Wait::Block => {
                            if !blocking_tried {
                                blocking_tried = true;
                                // One blocking call instead of poll + receive.
                                match self.shared.sock.recv_many(&mut self.rx, true) {
                                    Ok(_) => return Ok(()),
                                    Err(e) if e.is_would_block() => {}
                                    Err(e) => return Err(e.into()),
                                }
                            }
                            self.shared.sock.wait_readable(None)?;
                        }
                        Wait::Until(d) => {
                            if !self.shared.sock.wait_readable(Some(d))? {
                                return Err(nfnetlink::Error::Timeout.into());
                            }
                        }
                    }
                }
                Err(e) => {
                    let r = self.tx.flush(&self.shared);
                    self.tx.keep_err(r);
                    return Err(e.into());
                }
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

    /// Sends the pending verdicts, unbinds every queue and closes the
    /// socket. Dropping the `Queue` does the same, ignoring errors.
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
            let mut b = MsgBuilder::with_capacity(64);
            for num in bound {
                let seq = self.next_seq();
                if let Err(e) = ConfigMsg::unbind().encode(&mut b, num, seq, NlFlags::empty()) {
                    first.get_or_insert(e.into());
                }
            }
            let sent = b
                .finish()
                .map_err(Error::from)
                .and_then(|bytes| self.shared.sock.send(bytes).map_err(Error::from));
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
        self.shared.sock.as_fd()
    }
}

impl AsRawFd for Queue {
    fn as_raw_fd(&self) -> RawFd {
        self.shared.sock.as_raw_fd()
    }
}

/// The answer to the config request sent with `seq`, if `m` is it. Its
/// type is checked too: a verdict's seq is a packet id, which may be `seq`.
fn config_answer(m: &NlMsg<'_>, seq: u32) -> Option<Result<(), KernelError>> {
    if m.msg_type() != sys::NLMSG_ERROR || m.seq() != seq {
        return None;
    }
    let e = ErrorMsg::parse(m).ok()?;
    if e.request().nlmsg_type != CONFIG_TYPE {
        return None;
    }
    Some(e.result())
}

fn map_config_error(queue: u16, k: KernelError) -> Error {
    use nix::errno::Errno;
    match k.errno() {
        Errno::EPERM => Error::PermissionDenied { queue, source: k },
        Errno::EBUSY => Error::QueueBusy { queue },
        Errno::ENODEV => Error::NotBound { queue },
        _ => Error::Config { queue, source: k },
    }
}

/// The datagram in slot `cur` of `rx`, or `stashed` when `cur` is `None`
/// (empty if the slot holds none).
fn datagram<'a>(rx: &'a RecvBatch, cur: Option<usize>, stashed: &'a [u8]) -> &'a [u8] {
    match cur {
        None => stashed,
        Some(i) => match rx.get(i) {
            Some(Ok(d)) => d,
            _ => &[],
        },
    }
}

/// Reads the queue and packet id of a packet message that failed to parse.
fn salvage_id(raw: &[u8]) -> Option<(u16, u32)> {
    let msg = nfnetlink::NfMsg::parse(raw).ok()?;
    for a in msg.attrs() {
        let a = a.ok()?;
        if a.kind() == sys::NFQA_PACKET_HDR {
            let h = a.payload().get(..4)?;
            return Some((msg.res_id(), u32::from_be_bytes([h[0], h[1], h[2], h[3]])));
        }
    }
    None
}

/// A queued packet, borrowed from the [`Queue`]'s receive buffer. Give it
/// a verdict with [`Packet::verdict`] (or [`accept`](Packet::accept),
/// [`drop_packet`](Packet::drop_packet)); keep it longer with
/// [`Packet::hold`]. Dropped without a verdict, it gets the queue's default
/// verdict. It dereferences to its [`PacketMeta`].
#[must_use = "a packet without a verdict gets the queue's default verdict"]
#[derive(Debug)]
pub struct Packet<'q> {
    meta: PacketMeta<'q>,
    raw: &'q [u8],
    tx: &'q mut Tx,
    shared: &'q Arc<Shared>,
    armed: bool,
}

impl<'q> Deref for Packet<'q> {
    type Target = PacketMeta<'q>;

    fn deref(&self) -> &PacketMeta<'q> {
        &self.meta
    }
}

impl<'q> Packet<'q> {
    /// The parsed metadata and payload.
    pub fn meta(&self) -> &PacketMeta<'q> {
        &self.meta
    }

    /// The raw netlink message (for logging or captures).
    pub fn raw(&self) -> &'q [u8] {
        self.raw
    }

    /// Gives the verdict (sent with the next batch, see the [module docs](self)).
    ///
    /// # Errors
    /// [`Error::PayloadRefused`] if [`Decision::check_for`] refuses the
    /// payload: the packet then gets the default verdict.
    pub fn verdict<'p>(mut self, d: impl Into<Decision<'p>>) -> Result<(), Error> {
        let d = checked(d.into(), &self.meta)?;
        self.armed = false;
        self.tx
            .push(self.shared, self.meta.queue(), self.meta.id(), &d)
    }

    /// Accepts the packet.
    ///
    /// # Errors
    /// None in practice (kept for symmetry with [`Packet::verdict`]).
    pub fn accept(self) -> Result<(), Error> {
        self.verdict(Verdict::Accept)
    }

    /// Drops the packet.
    ///
    /// # Errors
    /// None in practice.
    pub fn drop_packet(self) -> Result<(), Error> {
        self.verdict(Verdict::Drop)
    }

    /// Turns the packet into an owned handle (copying its message) that can
    /// be kept, sent to another thread, and given a verdict later, while the
    /// receive loop goes on. The kernel keeps the packet meanwhile (there is
    /// no kernel timeout; it counts against the queue length).
    pub fn hold(mut self) -> HeldPacket {
        self.armed = false;
        self.shared.outside.fetch_add(1, Ordering::AcqRel);
        HeldPacket {
            shared: Arc::clone(self.shared),
            bytes: self.raw.to_vec(),
            queue: self.meta.queue(),
            id: self.meta.id(),
            hook: self.meta.hook().into(),
            hw_protocol: self.meta.hw_protocol(),
            armed: true,
        }
    }

    /// Leaves the safe API: no verdict is given on drop; the caller must
    /// give one with [`QueueHandle::verdict`] or
    /// [`QueueHandle::verdict_batch`]. From then on this socket never merges
    /// verdicts into batches (it could release this packet).
    pub fn into_raw(mut self) -> RawPacketId {
        self.armed = false;
        // Never taken back: see `Shared::outside`.
        self.shared.outside.fetch_add(1, Ordering::AcqRel);
        RawPacketId {
            queue: self.meta.queue(),
            id: self.meta.id(),
        }
    }
}

impl Drop for Packet<'_> {
    fn drop(&mut self) {
        if self.armed {
            self.tx.push_plain(
                self.shared,
                self.meta.queue(),
                self.meta.id(),
                self.shared.default_verdict(),
            );
        }
    }
}

/// `d` if [`Decision::check_for`] accepts it for `meta`.
fn checked<'p>(d: Decision<'p>, meta: &PacketMeta<'_>) -> Result<Decision<'p>, Error> {
    d.check_for(meta).map_err(|reason| Error::PayloadRefused {
        id: meta.id(),
        reason,
    })?;
    Ok(d)
}

/// A packet's queue number and id, outside the safe API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RawPacketId {
    /// Queue number.
    pub queue: u16,
    /// Packet id.
    pub id: u32,
}

/// An owned packet, kept as long as needed (on any thread), that gets the
/// queue's default verdict when dropped without one.
#[must_use = "a packet without a verdict gets the queue's default verdict"]
#[derive(Debug)]
pub struct HeldPacket {
    shared: Arc<Shared>,
    bytes: Vec<u8>,
    queue: u16,
    id: u32,
    hook: u8,
    hw_protocol: u16,
    armed: bool,
}

impl HeldPacket {
    /// The packet id.
    pub fn id(&self) -> u32 {
        self.id
    }

    /// The queue number.
    pub fn queue(&self) -> u16 {
        self.queue
    }

    /// The packet's metadata and payload (parsed again from the owned copy).
    pub fn meta(&self) -> PacketMeta<'_> {
        PacketMeta::parse_bytes(&self.bytes).unwrap_or_else(|_| {
            PacketMeta::minimal(self.queue, self.id, self.hook, self.hw_protocol)
        })
    }

    /// Gives the verdict, sent at once.
    ///
    /// # Errors
    /// [`Error::Closed`] if the [`Queue`] was closed (the kernel dropped the
    /// packet then); [`Error::PayloadRefused`] (the packet gets the default
    /// verdict); send errors.
    pub fn verdict<'p>(mut self, d: impl Into<Decision<'p>>) -> Result<(), Error> {
        let d = checked(d.into(), &self.meta())?;
        self.armed = false;
        let r = self.shared.send_now(self.queue, self.id, &d, false);
        self.shared.outside.fetch_sub(1, Ordering::AcqRel);
        r
    }

    /// Accepts the packet.
    ///
    /// # Errors
    /// As [`HeldPacket::verdict`].
    pub fn accept(self) -> Result<(), Error> {
        self.verdict(Verdict::Accept)
    }

    /// Drops the packet.
    ///
    /// # Errors
    /// As [`HeldPacket::verdict`].
    pub fn drop_packet(self) -> Result<(), Error> {
        self.verdict(Verdict::Drop)
    }

    /// Leaves the safe API, as [`Packet::into_raw`].
    pub fn into_raw(mut self) -> RawPacketId {
        self.armed = false;
        // It stays counted in `Shared::outside`, for good.
        RawPacketId {
            queue: self.queue,
            id: self.id,
        }
    }
}

impl Drop for HeldPacket {
    fn drop(&mut self) {
        if self.armed {
            let d = Decision::from(self.shared.default_verdict());
            let _ = self.shared.send_now(self.queue, self.id, &d, false);
            self.shared.outside.fetch_sub(1, Ordering::AcqRel);
        }
    }
}

/// A cloneable handle to a [`Queue`]'s socket for raw verdicts from any
/// thread. Errors the kernel sends back arrive in the queue's receive loop
/// as [`Error::Verdict`].
#[derive(Debug, Clone)]
pub struct QueueHandle {
    shared: Arc<Shared>,
}

impl QueueHandle {
    /// Sends a verdict for a raw packet id, at once.
    ///
    /// # Errors
    /// [`Error::Closed`]; encode and send errors.
    pub fn verdict<'p>(&self, p: RawPacketId, d: impl Into<Decision<'p>>) -> Result<(), Error> {
        self.shared.send_now(p.queue, p.id, &d.into(), false)
    }

    /// Sends `NFQNL_MSG_VERDICT_BATCH`: `d` for every packet of `queue`
    /// still queued with an id up to `max_id`, held ones included (their
    /// handles then get `ENOENT` errors). Only the verdict and mark apply.
    ///
    /// # Errors
    /// [`Error::Closed`]; an encode error for a connmark or payload.
    pub fn verdict_batch<'p>(
        &self,
        queue: u16,
        max_id: u32,
        d: impl Into<Decision<'p>>,
    ) -> Result<(), Error> {
        self.shared.send_now(queue, max_id, &d.into(), true)
    }

    /// True once the [`Queue`] was closed.
    pub fn is_closed(&self) -> bool {
        self.shared.closed.load(Ordering::Acquire)
    }
}

const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<HeldPacket>();
    assert_send_sync::<QueueHandle>();
    assert_send_sync::<Queue>();
};
