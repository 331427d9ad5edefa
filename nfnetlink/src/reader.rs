//! The receive engine every subsystem stands on.
//!
//! A [`Reader`] owns the [`Socket`], one reusable [`RecvBatch`] read with
//! `recvmmsg(2)` (`recvfrom(2)` when it has one slot), a cursor over the
//! batch's datagrams and their messages, the sequence counter, and a stash
//! of messages kept while a request waited for its answer. Everything a
//! subsystem receives goes through it:
//!
//! ```text
//!  kernel ──recvmmsg──▶ RecvBatch slots ──cursor──▶ Reader::next ──▶ packets, events, log messages
//!                             │
//!  Reader::request ──send──▶  └─ Pending (seq, port, type) ──▶ replies / acks to the caller
//!                                   └─ every other message ──▶ stash ──▶ Reader::next, in arrival order
//! ```
//!
//! - **Arrival order.** A request first moves what is still unread (the rest
//!   of the current datagram, the unread datagrams of the batch) to the
//!   stash, then reads until its answer has come; what is not an answer is
//!   appended to the stash. [`Reader::next`] reads the stash before anything
//!   new, so the caller sees every message once, in the order the kernel
//!   sent them.
//! - **Waiting** is expressed once, by [`Wait`]: block (one blocking
//!   receive call, `recvmmsg` with `MSG_WAITFORONE`, no `poll`), never
//!   wait, or wait until a deadline.
//! - **Before each receive system call** [`Reader::next_with`] (and
//!   [`Reader::fill_with`]) runs a hook: nfqueue sends its collected
//!   verdicts there, so no verdict waits while the reader blocks, and no
//!   extra non-blocking receive precedes a flush.
//! - **Overruns** (`ENOBUFS`: the kernel dropped messages for this socket)
//!   are reported once, as [`Error::Overrun`], where the kernel reports them;
//!   one met while a request waited is kept in its place and reported by
//!   [`Reader::next`] after the messages that came before it. The reader
//!   goes on afterwards.
//! - **A bad datagram** (larger than a slot, or with a malformed header)
//!   costs only itself: its error is reported in its place, by
//!   [`Reader::next`] or, when it is addressed to the request that met it, by
//!   that request once the rest of the batch has been kept. Every other
//!   datagram of the batch is read as usual.
//! - **Filler** is skipped: `NLMSG_NOOP`, `NLMSG_OVERRUN`, and the
//!   `NLMSG_DONE` of sequence 0 that ends a multi-part unicast batch (nflog,
//!   `__nfulnl_send`).
//!
//! # Sizing the receive buffer
//! Messages wait in the socket's receive buffer (`SO_RCVBUF`, by default
//! `net.core.rmem_default`, 208 KiB on most systems) until the program reads
//! them; when it is full the kernel drops what comes next and reports an
//! overrun. Each message costs its socket buffer's "true size", not its
//! length: a conntrack NEW event of a UDP flow costs about 1.3 KiB (measured on Linux 6.x: 12 of them fill a 16 KiB buffer),
//! an acknowledgement about 1 KiB, so the default buffer holds about 160
//! such events. The buffer must hold what arrives while the program does
//! not read:
//!
//! ```text
//! bytes ≥ events per second × longest pause in seconds × cost per event
//! e.g. 50,000 conntrack events/s × 0.1 s × 1.3 KiB ≈ 6.5 MB
//! ```
//!
//! Set it with [`Socket::set_recv_buffer`] (capped at `net.core.rmem_max`)
//! or [`Socket::set_recv_buffer_force`] (`CAP_NET_ADMIN`), or let it grow
//! on each overrun up to a cap with [`Reader::set_recv_buffer_growth`]
//! (what conntrackd does): the burst that overran loses its messages (and is
//! reported), the next one of the same size fits. A pause is whatever keeps
//! the receiving thread from reading: its own work per event, a slow
//! consumer it hands events to, scheduling on a loaded machine.
//!
//! No allocation on the receive path: the batch is allocated once; only a
//! request that finds unread messages, or receives messages that are not its
//! answer, copies them into the stash.

use std::collections::VecDeque;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use nfnl_sys::{nlmsghdr, NLMSG_ALIGNTO, NLMSG_DONE, NLMSG_NOOP, NLMSG_OVERRUN};

use crate::align::{checked_align, nlmsg_align};
use crate::conn::{Answer, Pending};
use crate::error::{Error, ErrorExt as _, KernelError, ParseError};
use crate::msg::{MsgIter, NlMsg};
use crate::receive::Sort;
use crate::socket::{RecvBatch, Socket};

/// How long a receive may wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    /// Until something arrives (unless the socket is non-blocking, in which
    /// case the reader waits with `poll(2)`).
    Block,
    /// Not at all: an error with [`ErrorExt::is_would_block`](crate::ErrorExt::is_would_block) when nothing is
    /// there.
    Poll,
    /// Until the deadline: [`Error::Timeout`] after it.
    Until(Instant),
}

impl Wait {
    /// [`Wait::Until`] `now + timeout` ([`Wait::Block`] for a timeout too
    /// long for an `Instant`, such as `Duration::MAX`).
    pub fn timeout(timeout: Duration) -> Self {
        Instant::now()
            .checked_add(timeout)
            .map_or(Wait::Block, Wait::Until)
    }
}

/// Default time a request waits for each of its answers (5 s).
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(5);

/// The receive engine: see the [module docs](self).
///
/// # Examples
/// Receive every message of a socket that joined a multicast group:
/// ```no_run
/// use nfnl::{Reader, Socket, Wait};
/// let sock = Socket::open()?;
/// sock.join_group(1)?;
/// let mut reader = Reader::new(sock, 16, 64 * 1024);
/// loop {
///     match reader.next(Wait::Block) {
///         Ok(msg) => println!("type {:#x}, {} bytes", msg.msg_type(), msg.as_bytes().len()),
///         Err(nfnl::Error::Overrun) => eprintln!("messages were lost"),
///         Err(e) => return Err(e),
///     }
/// }
/// # Ok::<(), nfnl::Error>(())
/// ```
#[derive(Debug)]
pub struct Reader {
    sock: Socket,
    rx: RecvBatch,
    /// The next datagram of `rx` to read.
    next_slot: usize,
    /// Offset of the next message of the current datagram in the batch's
    /// receive area (a stashed datagram is copied to its start when it is
    /// read: nothing of the batch is unread then); with `pos == end`
    /// nothing is being read.
    pos: usize,
    /// End of the current datagram in the receive area.
    end: usize,
    /// What requests kept while they waited (messages, and the errors met
    /// between them), oldest first; read before anything new.
    stash: VecDeque<Kept>,
    seq: u32,
    /// The message at `pos` was validated and is not filler, once
    /// [`Reader::fill`] found it. Its header is read again from the buffer
    /// when it is taken: a copy kept here was written field by field and
    /// read back in wider words, a store-forwarding stall on every message.
    ready: bool,
    /// Where the ready message ends in the current buffer (`pos..ready_end`,
    /// within `pos..end`), while `ready` is set.
    ready_end: usize,
    /// Keep messages that are not answers (true), or count and drop them.
    keep_others: bool,
    timeout: Option<Duration>,
    /// Receive-buffer growth on overrun: the cap, if on.
    growth_cap: Option<usize>,
    stale: u64,
    unsolicited: u64,
    skipped: u64,
}

impl Reader {
    /// A reader of `sock` taking up to `slots` datagrams (1 to
    /// [`crate::socket::MAX_BATCH`]) of up to `slot_len` bytes per
    /// receive system call ([`Socket::recv_many`]).
    pub fn new(sock: Socket, slots: usize, slot_len: usize) -> Self {
        Reader {
            seq: crate::conn::initial_seq(sock.port_id()),
            sock,
            rx: RecvBatch::new(slots, slot_len),
            next_slot: 0,
            pos: 0,
            end: 0,
            stash: VecDeque::new(),
            ready: false,
            ready_end: 0,
            keep_others: true,
            timeout: Some(DEFAULT_REQUEST_TIMEOUT),
            growth_cap: None,
            stale: 0,
            unsolicited: 0,
            skipped: 0,
        }
    }

    /// The socket.
    #[inline]
    pub fn socket(&self) -> &Socket {
        &self.sock
    }

    /// Gives the socket back.
    pub fn into_socket(self) -> Socket {
        self.sock
    }

    /// How long a request waits for each answer (default
    /// [`DEFAULT_REQUEST_TIMEOUT`]; `None` waits forever). When it passes,
    /// the request fails with [`Error::Timeout`]; its late answers are then
    /// kept like other messages, or
    /// dropped and counted in [`Reader::stale_replies`].
    pub fn set_request_timeout(&mut self, timeout: Option<Duration>) {
        self.timeout = timeout;
    }

    /// The request timeout.
    pub fn request_timeout(&self) -> Option<Duration> {
        self.timeout
    }

    /// Lets the socket's receive buffer grow on overrun, up to `cap` bytes
    /// (as [`Socket::recv_buffer`] reports them), or keeps it as it is
    /// (`None`, the default).
    ///
    /// With a cap, each overrun (`ENOBUFS`) the reader meets doubles the
    /// receive buffer, up to `cap`: `SO_RCVBUFFORCE` when the process has
    /// `CAP_NET_ADMIN` in the initial user namespace, else `SO_RCVBUF`,
    /// which the kernel caps at `net.core.rmem_max` (so without that
    /// capability the buffer cannot grow past twice `rmem_max`). The overrun
    /// is still reported ([`Error::Overrun`]): the messages it lost are
    /// lost; growth keeps the next burst of the same size whole. A buffer at
    /// or above `cap` is left alone; a failed growth is not an error (the
    /// size in effect stays what [`Socket::recv_buffer`] says).
    ///
    /// See [Sizing the receive buffer](self#sizing-the-receive-buffer) for
    /// the size a given message rate needs.
    pub fn set_recv_buffer_growth(&mut self, cap: Option<usize>) {
        self.growth_cap = cap;
    }

    /// The cap set by [`Reader::set_recv_buffer_growth`] (`None`: no growth).
    pub fn recv_buffer_growth(&self) -> Option<usize> {
        self.growth_cap
    }

    /// Doubles the receive buffer up to the growth cap, if one is set (see
    /// [`Reader::set_recv_buffer_growth`]).
    fn grow_recv_buffer(&self) {
        let Some(cap) = self.growth_cap else { return };
        let Ok(now) = self.sock.recv_buffer() else {
            return;
        };
        if now >= cap {
            return;
        }
        // The kernel stores twice what it is given (room for its
        // bookkeeping) and reports that: ask for half the target.
        let ask = now.saturating_mul(2).min(cap) / 2;
        if self.sock.set_recv_buffer_force(ask).is_err() {
            let _ = self.sock.set_recv_buffer(ask);
        }
    }

    /// Whether messages that are not answers to a request (events,
    /// packets) and arrive while it waits are kept for [`Reader::next`]
    /// (default true) or counted in [`Reader::unsolicited`] and dropped (a
    /// request-only socket that nobody reads otherwise).
    pub fn set_keep_others(&mut self, keep: bool) {
        self.keep_others = keep;
    }

    /// Sizes of the receive batch: `slots` datagrams of `slot_len` bytes.
    /// Unread messages are kept (moved to the stash) first.
    pub fn set_batch(&mut self, slots: usize, slot_len: usize) {
        self.keep_unread();
        // The kept datagrams are read from the new receive area: room for
        // the longest (from slots of the old size).
        let longest = self
            .stash
            .iter()
            .map(|k| match k {
                Kept::Msgs(d) => d.len(),
                Kept::Failed(_) => 0,
            })
            .max()
            .unwrap_or(0);
        self.rx = RecvBatch::with_room(slots, slot_len, longest);
        self.next_slot = 0;
    }

    /// The size of each receive slot: the largest datagram received whole.
    pub fn slot_len(&self) -> usize {
        self.rx.slot_len()
    }

    /// Late answers to abandoned requests that were dropped (only when
    /// [`Reader::set_keep_others`] is off: otherwise they are kept too).
    pub fn stale_replies(&self) -> u64 {
        self.stale
    }

    /// Messages that were not answers, met while a request waited and
    /// dropped because [`Reader::set_keep_others`] is off.
    pub fn unsolicited(&self) -> u64 {
        self.unsolicited
    }

    /// Messages a receiver skipped as not its own ([`Sort::NotMine`] in
    /// [`Reader::fill_sorted`]): late acknowledgements of requests that
    /// timed out, answers nobody waits for, other subsystems' messages.
    pub fn skipped(&self) -> u64 {
        self.skipped
    }

    /// Takes the next sequence number (never 0: 0 marks unsolicited messages).
    pub fn next_seq(&mut self) -> u32 {
        self.seq = self.seq.wrapping_add(1);
        if self.seq == 0 {
            self.seq = 1;
        }
        self.seq
    }

    /// Reserves `n` consecutive sequence numbers (none of them 0, no wrap in
    /// between) and returns the first; [`Pending::requests`] needs them so.
    pub fn reserve_seqs(&mut self, n: u32) -> u32 {
        if self.seq.checked_add(n).is_none() {
            self.seq = 0;
        }
        let first = self.seq.wrapping_add(1);
        self.seq = self.seq.wrapping_add(n);
        first
    }

    /// The next message, in arrival order, waiting as `wait` says.
    ///
    /// # Errors
    /// [`Error::Overrun`] once when messages were lost (then the reader goes
    /// on); [`Error::Truncated`] for a datagram larger than a slot (it is
    /// skipped); [`Error::Parse`] for a malformed header (the rest of that
    /// datagram is skipped); with [`Wait::Poll`] an error for which
    /// [`ErrorExt::is_would_block`](crate::ErrorExt::is_would_block) is true; with [`Wait::Until`]
    /// [`Error::Timeout`]; I/O errors.
    #[inline]
    pub fn next(&mut self, wait: Wait) -> Result<NlMsg<'_>, Error> {
        self.next_with(wait, &mut || Ok(()))
    }

    /// As [`Reader::next`], running `before_recv` before each receive system
    /// call (that is, whenever everything received so far was read). An
    /// error of `before_recv` is returned and nothing is received.
    ///
    /// # Errors
    /// As [`Reader::next`].
    pub fn next_with(
        &mut self,
        wait: Wait,
        before_recv: &mut dyn FnMut() -> Result<(), Error>,
    ) -> Result<NlMsg<'_>, Error> {
        if !self.ready {
            self.fill_with(wait, before_recv)?;
        }
        if !std::mem::take(&mut self.ready) {
            return Err(Error::Timeout);
        }
        let (start, end) = (self.pos, self.ready_end);
        self.pos = after(end, self.end);
        let bytes = self.rx.bytes().get(start..end).unwrap_or(&[]);
        // `fill` validated the header, and `start..end` is its message.
        NlMsg::from_checked(bytes).ok_or(Error::Parse(ParseError::Truncated {
            what: "nlmsghdr",
            need: nfnl_sys::NLMSG_HDRLEN,
            have: bytes.len(),
        }))
    }

    /// Makes sure a message is ready to be taken, receiving as `wait` says,
    /// without taking it: afterwards [`Reader::peek`] shows it and
    /// [`Reader::next`] returns it without a system call. For callers that
    /// look at a message before deciding to take it, and for async waits.
    ///
    /// # Errors
    /// As [`Reader::next`].
    #[inline]
    pub fn fill(&mut self, wait: Wait) -> Result<(), Error> {
        self.fill_with(wait, &mut || Ok(()))
    }

    /// As [`Reader::fill`], running `before_recv` before each receive system
    /// call.
    ///
    /// # Errors
    /// As [`Reader::next`].
    pub fn fill_with(
        &mut self,
        wait: Wait,
        before_recv: &mut dyn FnMut() -> Result<(), Error>,
    ) -> Result<(), Error> {
        loop {
            if self.ready {
                return Ok(());
            }
            if self.pos >= self.end {
                self.load(wait, before_recv)?;
                continue;
            }
            let rest = self.rx.bytes().get(self.pos..self.end).unwrap_or(&[]);
            let header = match NlMsg::parse(rest) {
                Ok(m) => *m.header(),
                Err(e) => {
                    self.pos = self.end;
                    return Err(e.into());
                }
            };
            if is_filler(&header) {
                let mlen = header.nlmsg_len as usize;
                self.pos = self.pos.saturating_add(nlmsg_align(mlen)).min(self.end);
                continue;
            }
            // `NlMsg::parse` checked `nlmsg_len <= end - pos`.
            self.ready_end = self.pos.saturating_add(header.nlmsg_len as usize);
            self.ready = true;
        }
    }

    /// As [`Reader::fill_with`], then asks `sort` what to do with the
    /// ready message: keep it ready ([`Sort::Mine`]), skip it and count it
    /// in [`Reader::skipped`] ([`Sort::NotMine`]), or skip it and return an
    /// error ([`Sort::Fail`]). The one loop of every subsystem receiver
    /// ([`crate::Receive::fill`]).
    ///
    /// # Errors
    /// As [`Reader::next`], and what `sort` fails with.
    #[inline(always)]
    pub fn fill_sorted<E: From<Error>>(
        &mut self,
        wait: Wait,
        before_recv: &mut dyn FnMut() -> Result<(), Error>,
        mut sort: impl FnMut(&NlMsg<'_>) -> Sort<E>,
    ) -> Result<(), E> {
        loop {
            if !self.ready && !self.ready_in_slot() {
                self.fill_slow(wait, before_recv)?;
            }
            let Some(msg) = self.peek() else {
                // Cannot happen (fill_with validated the header against the
                // datagram); drop it rather than loop on it.
                self.skip_ready();
                continue;
            };
            match sort(&msg) {
                Sort::Mine => return Ok(()),
                Sort::NotMine => {
                    self.skip_ready();
                    self.skipped += 1;
                }
                Sort::Fail(e) => {
                    self.skip_ready();
                    return Err(e);
                }
            }
        }
    }

    /// [`Reader::fill_with`] out of line: the receive calls inline only
    /// their common path ([`Reader::ready_in_slot`]).
    #[inline(never)]
    fn fill_slow(
        &mut self,
        wait: Wait,
        before_recv: &mut dyn FnMut() -> Result<(), Error>,
    ) -> Result<(), Error> {
        self.fill_with(wait, before_recv)
    }

    /// The common case of [`Reader::fill_with`], kept small so that it is
    /// inlined: the next message of the current datagram of the batch (or
    /// the first of the next datagram, when nothing is stashed), with a
    /// valid header and not filler, becomes ready. False when anything
    /// else is to be done (the end of the datagram, the stash, filler, a
    /// malformed header): `fill_with` does it.
    #[inline(always)]
    fn ready_in_slot(&mut self) -> bool {
        if self.pos >= self.end {
            // The next datagram of the batch, when nothing is stashed (as
            // `load` would take it).
            if !self.stash.is_empty() || self.next_slot >= self.rx.len() {
                return false;
            }
            let Some(Ok(r)) = self.rx.range(self.next_slot) else {
                return false;
            };
            self.next_slot += 1;
            self.pos = r.start;
            self.end = r.end;
        }
        let Some(rest) = self.rx.bytes().get(self.pos..self.end) else {
            return false;
        };
        let Ok(m) = NlMsg::parse(rest) else {
            return false;
        };
        let header = *m.header();
        if is_filler(&header) {
            return false;
        }
        self.ready_end = self.pos.saturating_add(header.nlmsg_len as usize);
        self.ready = true;
        true
    }

    /// Drops the message [`Reader::fill`] made ready.
    fn skip_ready(&mut self) {
        if std::mem::take(&mut self.ready) {
            self.pos = after(self.ready_end, self.end);
        }
    }

    /// The message [`Reader::fill`] made ready, not taken.
    #[inline]
    pub fn peek(&self) -> Option<NlMsg<'_>> {
        if !self.ready {
            return None;
        }
        let bytes = self.rx.bytes().get(self.pos..self.ready_end)?;
        NlMsg::from_checked(bytes)
    }

    /// Makes the next datagram current: a stashed one, the next of the
    /// batch, or the first of a new receive.
    fn load(
        &mut self,
        wait: Wait,
        before_recv: &mut dyn FnMut() -> Result<(), Error>,
    ) -> Result<(), Error> {
        match self.stash.pop_front() {
            Some(Kept::Msgs(d)) => {
                // Nothing of the batch is unread while something is
                // stashed: its receive area takes the datagram.
                self.pos = 0;
                self.end = 0;
                let r = self.rx.put_kept(&d)?;
                (self.pos, self.end) = (r.start, r.end);
                return Ok(());
            }
            Some(Kept::Failed(e)) => {
                self.pos = 0;
                self.end = 0;
                return Err(e);
            }
            None => {}
        }
        if self.next_slot >= self.rx.len() {
            self.pos = 0;
            self.end = 0;
            before_recv()?;
            self.receive(wait)?;
        }
        let i = self.next_slot;
        self.next_slot += 1;
        self.pos = 0;
        self.end = 0;
        match self.rx.range(i) {
            Some(Ok(r)) => {
                self.pos = r.start;
                self.end = r.end;
                Ok(())
            }
            Some(Err(e)) => Err(e),
            None => Ok(()),
        }
    }

    /// Receives a new batch, waiting as `wait` says.
    fn receive(&mut self, wait: Wait) -> Result<(), Error> {
        self.next_slot = 0;
        match self.sock.recv_many(&mut self.rx, wait) {
            Ok(_) => Ok(()),
            Err(Error::Overrun) => {
                self.grow_recv_buffer();
                Err(Error::Overrun)
            }
            Err(e) => Err(e),
        }
    }

    /// Moves what is unread (the rest of the current datagram, the unread
    /// datagrams of the batch, the error of an oversized one) to the front
    /// of the stash, in order, so that the batch can be received into again.
    fn keep_unread(&mut self) {
        self.ready = false;
        let mut older = Vec::new();
        if self.pos < self.end {
            if let Some(rest) = self.rx.bytes().get(self.pos..self.end) {
                older.push(Kept::Msgs(rest.to_vec()));
            }
        }
        self.pos = self.end;
        for i in self.next_slot..self.rx.len() {
            match self.rx.get(i) {
                Some(Ok(d)) => older.push(Kept::Msgs(d.to_vec())),
                // Nothing of an oversized datagram is usable; its error is.
                Some(Err(e)) => older.push(Kept::Failed(e)),
                None => {}
            }
        }
        self.next_slot = self.rx.len();
        for d in older.into_iter().rev() {
            self.stash.push_front(d);
        }
    }

    /// Sends `req` (one or more requests built with sequence numbers from
    /// this reader) after keeping what is still unread, so that nothing the
    /// request meets overtakes it. Then call [`Reader::pump`] until the
    /// request's [`Pending`] is complete.
    ///
    /// # Errors
    /// I/O errors of `sendto(2)`.
    pub fn send_request(&mut self, req: &[u8]) -> Result<(), Error> {
        self.keep_unread();
        self.sock.send(req)
    }

    /// Receives one batch (waiting at most the request timeout for it) and
    /// feeds every message to `pending`: its replies, acks and end go to
    /// `on_answer`; every other message is kept for [`Reader::next`] (or, see
    /// [`Reader::set_keep_others`], counted as a stale reply or an
    /// unsolicited message and dropped). What was still unread is kept
    /// first, as by [`Reader::send_request`].
    ///
    /// A datagram that cannot be read (larger than a slot, a malformed
    /// header) costs only itself: the rest of the batch is fed as usual, and
    /// its error is kept in its place for [`Reader::next`], unless it is
    /// addressed to this request.
    ///
    /// # Errors
    /// [`Error::Timeout`]; [`Error::Overrun`] when the reader does not keep
    /// other messages (the request's own answers may be lost); after the
    /// whole batch was fed, the first error of a datagram or an answer
    /// addressed to this request (a truncated or malformed answer); I/O
    /// errors.
    pub fn pump(
        &mut self,
        pending: &mut Pending,
        on_answer: &mut dyn FnMut(Answer<'_>),
    ) -> Result<(), Error> {
        let wait = self.timeout.map_or(Wait::Block, Wait::timeout);
        self.pump_waiting(pending, on_answer, wait)
    }

    /// As [`Reader::pump`], waiting for the batch as `wait` says.
    pub(crate) fn pump_waiting(
        &mut self,
        pending: &mut Pending,
        on_answer: &mut dyn FnMut(Answer<'_>),
        wait: Wait,
    ) -> Result<(), Error> {
        self.keep_unread();
        loop {
            match self.receive(wait) {
                Ok(()) => break,
                Err(Error::Overrun) if self.keep_others => {
                    self.stash.push_back(Kept::Failed(Error::Overrun));
                }
                Err(e) => return Err(e),
            }
        }
        self.next_slot = self.rx.len();
        let (rx, mut sink) = (
            &self.rx,
            Sink {
                pending,
                on_answer,
                keep_others: self.keep_others,
                stale: &mut self.stale,
                unsolicited: &mut self.unsolicited,
                stash: &mut self.stash,
                failed: None,
            },
        );
        sink.batch(rx);
        sink.finish()
    }

    /// Sends `req` and runs `pending` to completion ([`Reader::send_request`]
    /// then [`Reader::pump`]).
    ///
    /// # Errors
    /// As [`Reader::send_request`] and [`Reader::pump`].
    pub fn request(
        &mut self,
        req: &[u8],
        pending: &mut Pending,
        on_answer: &mut dyn FnMut(Answer<'_>),
    ) -> Result<(), Error> {
        self.send_request(req)?;
        while !pending.is_complete() {
            self.pump(pending, on_answer)?;
        }
        Ok(())
    }

    /// Sends one request built with sequence number `seq`, `NLM_F_ACK` and
    /// `nlmsg_type` `req_type`, and waits for its acknowledgement (an
    /// `NLMSG_ERROR` with that sequence number echoing that type: on a
    /// socket where other messages carry arbitrary sequence numbers, such
    /// as nfqueue's verdict errors, the type tells them apart). Data
    /// replies are dropped; every other message is kept.
    ///
    /// # Errors
    /// As [`Reader::request`]; the kernel's refusal is the inner `Err`.
    pub fn ack_request(
        &mut self,
        req: &[u8],
        seq: u32,
        req_type: u16,
    ) -> Result<Result<(), KernelError>, Error> {
        let mut pending =
            Pending::requests(self.sock.port_id(), seq, 1).with_request_type(req_type);
        let mut outcome = Ok(());
        self.request(req, &mut pending, &mut |ev| {
            if let Answer::Ack { result, .. } = ev {
                outcome = result;
            }
        })?;
        Ok(outcome)
    }

    /// Receives dump datagrams on a second thread while this one feeds
    /// them to `pending`, until it is complete. The kernel builds each next
    /// dump datagram inside the `recvmsg` that fetches the previous one
    /// (`netlink_recvmsg` → `netlink_dump`), so this overlaps the kernel's
    /// work with the caller's decoding on two cores. [`Conn::dump`] and
    /// [`DumpStream`] use the same pipeline.
    ///
    /// Call it after a first [`Reader::pump`] showed that the dump is large
    /// (it costs a short-lived thread, a second descriptor of the socket and
    /// two batches of buffers).
    ///
    /// Each datagram is walked once, by this thread: the receiving thread
    /// never looks into what it receives. It receives without waiting and
    /// stops when the socket is empty, because a running dump never leaves
    /// it empty. NOTE(kernel): `netlink_dump_start` queues the first
    /// datagram before the request's `sendmsg` returns, and every
    /// `netlink_recvmsg` that leaves the receive queue at most half full
    /// (`sk_rmem_alloc <= sk_rcvbuf / 2`; a fuller queue is not empty)
    /// builds and queues the next one, or sets the socket error, before it
    /// returns. So between two receive calls a running dump always has a
    /// datagram queued; an empty queue means the dump's last datagram
    /// (`NLMSG_DONE`, put at the end of the last part by
    /// `netlink_dump_done`, or a datagram of its own) was received. Should
    /// the receiver stop early anyway, the rest comes through plain pumps.
    ///
    /// [`Conn::dump`]: crate::Conn::dump
    /// [`DumpStream`]: crate::DumpStream
    ///
    /// # Errors
    /// As [`Reader::pump`].
    pub fn pump_pipelined(
        &mut self,
        pending: &mut Pending,
        on_answer: &mut dyn FnMut(Answer<'_>),
    ) -> Result<(), Error> {
        if pending.is_complete() {
            return Ok(());
        }
        let mut pipe = self.start_pipeline()?;
        let mut r = Ok(());
        while !pending.is_complete() {
            r = self.pump_from(&mut pipe, pending, on_answer);
            if r.is_err() {
                break;
            }
        }
        self.finish_pipeline(pipe, pending);
        r
    }

    /// Starts the receiving thread of a pipelined dump (see
    /// [`Reader::pump_pipelined`]) on a second descriptor of the socket.
    pub(crate) fn start_pipeline(&mut self) -> Result<Pipeline, Error> {
        self.keep_unread();
        let sock = self.sock.try_clone()?;
        let keep = self.keep_others;
        let (slots, slot_len) = (self.rx.capacity(), self.rx.slot_len());
        let (full_tx, full_rx) = mpsc::sync_channel::<Filled>(2);
        let (empty_tx, empty_rx) = mpsc::channel::<RecvBatch>();
        // Cannot fail: the receiving end is alive.
        let _ = empty_tx.send(RecvBatch::new(slots, slot_len));
        let _ = empty_tx.send(RecvBatch::new(slots, slot_len));
        let thread = std::thread::Builder::new()
            .name("nfnl-dump".into())
            .spawn(move || receive_dump(&sock, keep, &full_tx, &empty_rx))?;
        Ok(Pipeline {
            full: full_rx,
            empty: Some(empty_tx),
            thread: Some(thread),
        })
    }

    /// Feeds the next batch `pipe` received to `pending`, as
    /// [`Reader::pump`] feeds its own; once the receiving thread has
    /// stopped, pumps.
    pub(crate) fn pump_from(
        &mut self,
        pipe: &mut Pipeline,
        pending: &mut Pending,
        on_answer: &mut dyn FnMut(Answer<'_>),
    ) -> Result<(), Error> {
        match pipe.full.recv() {
            Ok(Ok(batch)) => {
                self.keep_unread();
                let mut sink = self.sink(pending, on_answer);
                sink.batch(&batch);
                let r = sink.finish();
                if let Some(empty) = &pipe.empty {
                    // The receiver may have stopped already.
                    let _ = empty.send(batch);
                }
                r
            }
            Ok(Err(Error::Overrun)) if self.keep_others => {
                self.stash.push_back(Kept::Failed(Error::Overrun));
                Ok(())
            }
            Ok(Err(e)) => Err(e),
            // The receiver stopped (the socket was empty, or after an error
            // it sent): the rest, if any, comes through plain pumps.
            Err(_) => self.pump(pending, on_answer),
        }
    }

    /// Stops the receiving thread of `pipe` and feeds what it received
    /// after the dump's end (kept or counted as a pump would) to a
    /// finished `pending`.
    pub(crate) fn finish_pipeline(&mut self, mut pipe: Pipeline, pending: &mut Pending) {
        pipe.empty = None;
        while let Ok(filled) = pipe.full.recv() {
            match filled {
                Ok(batch) => {
                    let mut ignore = |_: Answer<'_>| {};
                    let mut sink = self.sink(pending, &mut ignore);
                    sink.batch(&batch);
                    let _ = sink.finish();
                }
                Err(e) if self.keep_others => self.stash.push_back(Kept::Failed(e)),
                Err(_) => {}
            }
        }
        if let Some(t) = pipe.thread.take() {
            // It returned (its sender is gone); a panic there is not ours to re-raise.
            let _ = t.join();
        }
    }

    /// The walk of a received batch for `pending`.
    fn sink<'a>(
        &'a mut self,
        pending: &'a mut Pending,
        on_answer: &'a mut dyn FnMut(Answer<'_>),
    ) -> Sink<'a> {
        Sink {
            pending,
            on_answer,
            keep_others: self.keep_others,
            stale: &mut self.stale,
            unsolicited: &mut self.unsolicited,
            stash: &mut self.stash,
            failed: None,
        }
    }
}

/// A batch the receiving thread of a pipelined dump filled, or its error.
type Filled = Result<RecvBatch, Error>;

/// The receiving half of a pipelined dump (see [`Reader::pump_pipelined`]):
/// a thread on a second descriptor of the socket that receives into two
/// batches in turn while the caller feeds the other one.
#[derive(Debug)]
pub(crate) struct Pipeline {
    full: mpsc::Receiver<Filled>,
    /// Gives fed batches back; dropped to stop the receiver.
    empty: Option<mpsc::Sender<RecvBatch>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// The receiving thread of a pipeline: receives without waiting until the
/// socket is empty (the dump is over, see [`Reader::pump_pipelined`]), an
/// error, or the feeder hangs up. It never looks into a datagram.
fn receive_dump(
    sock: &Socket,
    keep: bool,
    full: &mpsc::SyncSender<Filled>,
    empty: &mpsc::Receiver<RecvBatch>,
) {
    while let Ok(mut batch) = empty.recv() {
        let r = loop {
            match sock.recv_many(&mut batch, Wait::Poll) {
                // Kept in its place; the dump goes on.
                Err(Error::Overrun) if keep => {
                    if full.send(Err(Error::Overrun)).is_err() {
                        return;
                    }
                }
                r => break r,
            }
        };
        match r {
            Ok(_) => {
                if full.send(Ok(batch)).is_err() {
                    return;
                }
            }
            Err(e) if e.is_would_block() => return,
            Err(e) => {
                let _ = full.send(Err(e));
                return;
            }
        }
    }
}

/// What a request kept for [`Reader::next`], in arrival order.
#[derive(Debug)]
enum Kept {
    /// Messages of one datagram, concatenated (each aligned).
    Msgs(Vec<u8>),
    /// An error met in this place: an overrun, a datagram larger than a
    /// slot or with a malformed header.
    Failed(Error),
}

/// Where the walk of a request's receive batch puts what it meets: the
/// request's answers to `on_answer`, every other message and error to the
/// stash (or the counters), the request's own first error to `failed`.
/// The one walk of received datagrams for [`Reader::pump`] and
/// [`Reader::pump_pipelined`].
struct Sink<'a> {
    pending: &'a mut Pending,
    on_answer: &'a mut dyn FnMut(Answer<'_>),
    keep_others: bool,
    stale: &'a mut u64,
    unsolicited: &'a mut u64,
    stash: &'a mut VecDeque<Kept>,
    /// The first error addressed to the request: reported once the whole
    /// batch has been fed.
    failed: Option<Error>,
}

impl Sink<'_> {
    /// Feeds every datagram of `batch`, each on its own: an error in one
    /// does not stop the others.
    fn batch(&mut self, batch: &RecvBatch) {
        for i in 0..batch.len() {
            match batch.get(i) {
                Some(Ok(d)) => self.datagram(d),
                Some(Err(e)) => self.failure(batch.head(i), e),
                None => {}
            }
        }
    }

    /// Feeds the messages of one datagram (see [`Reader::pump`]).
    fn datagram(&mut self, datagram: &[u8]) {
        let mut kept = Vec::new();
        let mut rest = datagram;
        for msg in MsgIter::new(datagram) {
            let msg = match msg {
                Ok(m) => m,
                Err(e) => {
                    // The walk cannot go past a malformed header.
                    self.keep(std::mem::take(&mut kept));
                    self.failure(rest, e.into());
                    return;
                }
            };
            rest = rest.get(nlmsg_align(msg.as_bytes().len())..).unwrap_or(&[]);
            let (other, is_stale) = if self.pending.is_complete() {
                (msg, false)
            } else {
                match self.pending.on_message(msg) {
                    Ok(Answer::Other { msg, stale }) => (msg, stale),
                    Ok(Answer::Ignored) => continue,
                    Ok(ev) => {
                        (self.on_answer)(ev);
                        continue;
                    }
                    // A malformed answer of this request.
                    Err(e) => {
                        self.failed.get_or_insert(e.into());
                        continue;
                    }
                }
            };
            if is_filler(other.header()) {
                continue;
            }
            if self.keep_others {
                // Kept whatever it is: on a receiving socket a "stale"
                // sequence number may be an error about something else
                // (nfqueue's verdict errors carry the packet id).
                kept.extend_from_slice(other.as_bytes());
                kept.resize(nlmsg_align(kept.len()), 0);
            } else if is_stale {
                *self.stale += 1;
            } else {
                *self.unsolicited += 1;
            }
        }
        self.keep(kept);
    }

    fn keep(&mut self, kept: Vec<u8>) {
        if !kept.is_empty() {
            self.stash.push_back(Kept::Msgs(kept));
        }
    }

    /// An error met where `head` (what is left of the datagram) starts: the
    /// request's own when its first header is addressed to the request,
    /// else kept in its place for [`Reader::next`] (or dropped with the
    /// other messages when the reader keeps none).
    fn failure(&mut self, head: &[u8], e: Error) {
        let addressed = match (head.get(8..12), head.get(12..16)) {
            (Some(seq), Some(port)) => self.pending.addresses(
                u32::from_ne_bytes([port[0], port[1], port[2], port[3]]),
                u32::from_ne_bytes([seq[0], seq[1], seq[2], seq[3]]),
            ),
            _ => false,
        };
        if addressed && !self.pending.is_complete() {
            self.failed.get_or_insert(e);
        } else if self.keep_others {
            self.stash.push_back(Kept::Failed(e));
        }
    }

    /// The request's own error, if any, once the batch was fed.
    fn finish(self) -> Result<(), Error> {
        self.failed.map_or(Ok(()), Err)
    }
}

/// Messages no caller wants: `NLMSG_NOOP`, `NLMSG_OVERRUN`, and the
/// `NLMSG_DONE` of sequence 0 that ends a multi-part unicast batch.
#[inline(always)]
fn is_filler(h: &nlmsghdr) -> bool {
    // One compare for every message of a subsystem (types from 0x100 on).
    if h.nlmsg_type >= nfnl_sys::NLMSG_MIN_TYPE {
        return false;
    }
    match h.nlmsg_type {
        NLMSG_NOOP | NLMSG_OVERRUN => true,
        NLMSG_DONE => h.nlmsg_seq == 0,
        _ => false,
    }
}

/// Where the next message starts after one that ends at `msg_end`: aligned,
/// at most the datagram's `end` (the final padding may be missing).
#[inline(always)]
fn after(msg_end: usize, end: usize) -> usize {
    checked_align(msg_end, NLMSG_ALIGNTO as usize).map_or(end, |e| e.min(end))
}

const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Reader>();
};

impl std::os::fd::AsFd for Reader {
    /// The socket's descriptor (for `poll(2)` and async readiness).
    fn as_fd(&self) -> std::os::fd::BorrowedFd<'_> {
        self.sock.as_fd()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::socket::tests::noops;
    use crate::{MsgBuilder, NlFlags};

    #[test]
    #[cfg_attr(miri, ignore = "needs a netlink socket")]
    fn next_reads_every_message_in_order_then_would_block() {
        let mut r = Reader::new(Socket::open().unwrap(), 4, 8192);
        noops(r.socket(), 100, 10);
        for seq in 100..110 {
            let m = r.next(Wait::Poll).unwrap();
            assert_eq!(m.msg_type(), nfnl_sys::NLMSG_ERROR);
            assert_eq!(m.seq(), seq);
        }
        assert!(r.next(Wait::Poll).unwrap_err().is_would_block());
        let t = Instant::now() + Duration::from_millis(20);
        assert!(matches!(r.next(Wait::Until(t)), Err(Error::Timeout)));
    }

    #[test]
    #[cfg_attr(miri, ignore = "needs a netlink socket")]
    fn a_request_keeps_the_messages_it_meets_in_arrival_order() {
        let mut r = Reader::new(Socket::open().unwrap(), 4, 8192);
        // 6 answers queued; read 1, so the batch holds 3 unread and the
        // socket 2 more, then a request whose answer comes last.
        noops(r.socket(), 200, 6);
        assert_eq!(r.next(Wait::Block).unwrap().seq(), 200);
        let seq = 300;
        let mut b = MsgBuilder::new();
        b.begin_raw(NLMSG_NOOP, NlFlags::ACK, seq);
        let outcome = r.ack_request(b.finish().unwrap(), seq, NLMSG_NOOP).unwrap();
        // NOOP is acked (or refused with EPERM without privilege): either
        // way the answer was recognised.
        let _ = outcome;
        for want in 201..206 {
            assert_eq!(r.next(Wait::Poll).unwrap().seq(), want);
        }
        assert!(r.next(Wait::Poll).unwrap_err().is_would_block());
    }

    /// Sends a request the kernel refuses (`EINVAL`: there is no
    /// subsystem 31) with 300 bytes of payload, which the refusal echoes:
    /// an answer datagram of 340 bytes, larger than a 256-byte slot (on a
    /// socket of [`echoing`]).
    fn big_refusal(sock: &Socket, seq: u32) {
        let mut b = MsgBuilder::new();
        b.begin_raw(0x1f00, NlFlags::REQUEST | NlFlags::ACK, seq);
        b.put_raw(&[2, 0, 0, 0]).unwrap();
        b.put_raw(&[1; 300]).unwrap();
        sock.send(b.finish().unwrap()).unwrap();
    }

    /// A socket whose refusals echo the refused request whole.
    fn echoing() -> Socket {
        let sock = Socket::open().unwrap();
        sock.set_cap_ack(false).unwrap();
        sock
    }

    fn noop_request(seq: u32) -> Vec<u8> {
        let mut b = MsgBuilder::new();
        b.begin_raw(NLMSG_NOOP, NlFlags::ACK, seq);
        b.finish().unwrap().to_vec()
    }

    #[test]
    #[cfg_attr(miri, ignore = "needs a netlink socket")]
    fn an_unreadable_datagram_costs_only_itself_in_a_request_batch() {
        // Issue 20 F2: one batch holds E1, a truncated datagram, E2 and the
        // request's ack. The request completes; E1, the truncation and E2
        // come out of next() in that order.
        let mut r = Reader::new(echoing(), 4, 256);
        noops(r.socket(), 100, 1);
        big_refusal(r.socket(), 101);
        noops(r.socket(), 102, 1);
        // Acked, or refused with EPERM without privilege: answered.
        let _acked_or_refused = r
            .ack_request(&noop_request(300), 300, NLMSG_NOOP)
            .expect("the request was answered");
        assert_eq!(r.next(Wait::Poll).unwrap().seq(), 100);
        let e = r.next(Wait::Poll).map(|m| (m.seq(), m.as_bytes().len()));
        assert!(
            matches!(e, Err(Error::Truncated { len: 340, buf: 256 })),
            "{e:?}"
        );
        assert_eq!(r.next(Wait::Poll).unwrap().seq(), 102);
        assert!(r.next(Wait::Poll).unwrap_err().is_would_block());
    }

    #[test]
    #[cfg_attr(miri, ignore = "needs a netlink socket")]
    fn a_truncated_datagram_left_unread_is_reported_in_its_place() {
        // Issue 20 F4: the batch holds E1, a truncated datagram, E2, E3;
        // E1 is read, then a request keeps the rest.
        let mut r = Reader::new(echoing(), 4, 256);
        noops(r.socket(), 100, 1);
        big_refusal(r.socket(), 101);
        noops(r.socket(), 102, 3);
        assert_eq!(r.next(Wait::Block).unwrap().seq(), 100);
        r.ack_request(&noop_request(300), 300, NLMSG_NOOP)
            .unwrap()
            .ok();
        assert!(matches!(
            r.next(Wait::Poll),
            Err(Error::Truncated { len: 340, .. })
        ));
        for want in 102..105 {
            assert_eq!(r.next(Wait::Poll).unwrap().seq(), want);
        }
        assert!(r.next(Wait::Poll).unwrap_err().is_would_block());
    }

    #[test]
    #[cfg_attr(miri, ignore = "needs a netlink socket")]
    fn pump_after_next_keeps_what_was_unread() {
        // Issue 20 F3: a caller reads one message, then drives a request
        // with send + pump itself. The rest of the old batch must survive
        // the new receive.
        let mut r = Reader::new(Socket::open().unwrap(), 4, 8192);
        noops(r.socket(), 100, 6);
        assert_eq!(r.next(Wait::Block).unwrap().seq(), 100);
        r.socket().send(&noop_request(300)).unwrap();
        let mut pending =
            Pending::requests(r.socket().port_id(), 300, 1).with_request_type(NLMSG_NOOP);
        while !pending.is_complete() {
            r.pump(&mut pending, &mut |_| {}).unwrap();
        }
        for want in 101..106 {
            assert_eq!(r.next(Wait::Poll).unwrap().seq(), want);
        }
        assert!(r.next(Wait::Poll).unwrap_err().is_would_block());
    }

    #[test]
    #[cfg_attr(miri, ignore = "needs a netlink socket")]
    fn a_truncated_answer_fails_its_request_after_the_batch() {
        let mut r = Reader::new(echoing(), 4, 256);
        r.set_request_timeout(Some(Duration::from_secs(30)));
        let mut b = MsgBuilder::new();
        b.begin_raw(0x1f00, NlFlags::REQUEST | NlFlags::ACK, 300);
        b.put_raw(&[2, 0, 0, 0]).unwrap();
        b.put_raw(&[1; 300]).unwrap();
        let start = Instant::now();
        let err = r.ack_request(b.finish().unwrap(), 300, 0x1f00).unwrap_err();
        assert!(matches!(err, Error::Truncated { len: 340, .. }), "{err:?}");
        // At once, not after the timeout.
        assert!(start.elapsed() < Duration::from_secs(30));
        assert!(r.next(Wait::Poll).unwrap_err().is_would_block());
    }

    #[test]
    #[cfg_attr(miri, ignore = "needs a netlink socket")]
    fn kept_messages_outlive_a_smaller_batch() {
        // Three answers are unread when the batch shrinks to one slot too
        // small for any of them: they are still read whole, in order.
        let mut r = Reader::new(Socket::open().unwrap(), 4, 8192);
        noops(r.socket(), 100, 4);
        assert_eq!(r.next(Wait::Block).unwrap().seq(), 100);
        r.set_batch(1, 16);
        for want in 101..104 {
            let m = r.next(Wait::Poll).unwrap();
            assert_eq!((m.seq(), m.msg_type()), (want, nfnl_sys::NLMSG_ERROR));
        }
        assert!(r.next(Wait::Poll).unwrap_err().is_would_block());
    }

    #[test]
    #[cfg_attr(miri, ignore = "needs a netlink socket")]
    fn reserved_seqs_are_consecutive_and_never_zero() {
        let mut r = Reader::new(Socket::open().unwrap(), 1, 1024);
        r.seq = u32::MAX - 2;
        let first = r.reserve_seqs(5);
        assert_eq!(first, 1);
        assert_eq!(r.next_seq(), 6);
    }

    /// Sends `n` acknowledged NOOPs and reads until nothing is left:
    /// (messages received, overruns reported).
    fn burst(r: &mut Reader, first: u32, n: u32) -> (u32, u32) {
        noops(r.socket(), first, n);
        let (mut got, mut overruns) = (0, 0);
        loop {
            match r.next(Wait::Poll) {
                Ok(_) => got += 1,
                Err(Error::Overrun) => overruns += 1,
                Err(e) if e.is_would_block() => return (got, overruns),
                Err(e) => panic!("{e}"),
            }
        }
    }

    #[test]
    #[cfg_attr(miri, ignore = "needs a netlink socket")]
    fn growth_on_overrun_keeps_a_later_identical_burst_whole() {
        const N: u32 = 64;
        for growth in [false, true] {
            let mut r = Reader::new(Socket::open().unwrap(), 16, 8192);
            let small = r.socket().set_recv_buffer(1024).unwrap();
            let cap = small * 64;
            if growth {
                r.set_recv_buffer_growth(Some(cap));
            }
            assert_eq!(r.recv_buffer_growth(), growth.then_some(cap));
            let mut history = Vec::new();
            for round in 0..8 {
                let (got, overruns) = burst(&mut r, 1000 * (round + 1), N);
                // The kernel reports an overrun once per congestion.
                assert!(overruns <= 1 && (got == N) == (overruns == 0));
                history.push((got, r.socket().recv_buffer().unwrap()));
            }
            println!("growth={growth}: (acks of {N}, buffer after) {history:?}");
            let (first, _) = history[0];
            assert!(
                first < N,
                "a {small}-byte buffer held {N} acks: {history:?}"
            );
            let whole = history.iter().filter(|(got, _)| *got == N).count();
            let last = history.last().unwrap().1;
            if growth {
                assert!(
                    whole > 0 && history[7].0 == N,
                    "never grew enough: {history:?}"
                );
                assert!(last > small && last <= cap, "{history:?}");
            } else {
                assert_eq!((whole, last), (0, small), "{history:?}");
            }
        }
    }
}
