//! The receive engine every subsystem stands on.
//!
//! A [`Reader`] owns the [`Socket`], one reusable [`RecvBatch`] read with
//! `recvmmsg(2)`, a cursor over the batch's datagrams and their messages,
//! the sequence counter, and a stash of messages kept while a request waited
//! for its answer. Everything a subsystem receives goes through it:
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
//!   `recvmmsg` with `MSG_WAITFORONE`, no `poll`), never wait, or wait until
//!   a deadline.
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
//! No allocation on the receive path: the batch is allocated once; only a
//! request that finds unread messages, or receives messages that are not its
//! answer, copies them into the stash.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use nfnl_sys::{nlmsghdr, NLMSG_DONE, NLMSG_NOOP, NLMSG_OVERRUN};

use crate::align::nlmsg_align;
use crate::conn::{Event, Pending};
use crate::error::{Error, KernelError};
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

/// Where the datagram being read lies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cur {
    /// Nothing is being read.
    None,
    /// A slot of the batch, starting at this offset of its receive area.
    Slot(usize),
    /// The `stashed` buffer.
    Stash,
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
    /// The datagram being read.
    cur: Cur,
    /// The datagram being read when it came from `stash`.
    stashed: Vec<u8>,
    /// Offset of the next message in the current datagram.
    pos: usize,
    /// End of the current datagram.
    len: usize,
    /// What requests kept while they waited (messages, and the errors met
    /// between them), oldest first; read before anything new.
    stash: VecDeque<Kept>,
    seq: u32,
    /// The header of the message at `pos`, validated and not filler, once
    /// [`Reader::fill`] found it.
    ready: Option<nlmsghdr>,
    /// Keep messages that are not answers (true), or count and drop them.
    keep_others: bool,
    timeout: Option<Duration>,
    stale: u64,
    unsolicited: u64,
    skipped: u64,
}

impl Reader {
    /// A reader of `sock` taking up to `slots` datagrams (1 to
    /// [`crate::socket::MAX_BATCH`]) of up to `slot_len` bytes per
    /// `recvmmsg`.
    pub fn new(sock: Socket, slots: usize, slot_len: usize) -> Self {
        Reader {
            seq: crate::conn::initial_seq(sock.port_id()),
            sock,
            rx: RecvBatch::new(slots, slot_len),
            next_slot: 0,
            cur: Cur::None,
            stashed: Vec::new(),
            pos: 0,
            len: 0,
            stash: VecDeque::new(),
            ready: None,
            keep_others: true,
            timeout: Some(DEFAULT_REQUEST_TIMEOUT),
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
        self.rx = RecvBatch::new(slots, slot_len);
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
        if self.ready.is_none() {
            self.fill_with(wait, before_recv)?;
        }
        let Some(header) = self.ready.take() else {
            return Err(Error::Timeout);
        };
        let start = self.pos;
        let mlen = header.nlmsg_len as usize;
        self.pos = start.saturating_add(nlmsg_align(mlen)).min(self.len);
        let bytes = datagram(&self.rx, self.cur, &self.stashed)
            .get(start..start.saturating_add(mlen))
            .unwrap_or(&[]);
        Ok(NlMsg::from_valid(header, bytes))
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
            if self.ready.is_some() {
                return Ok(());
            }
            if self.pos >= self.len {
                self.load(wait, before_recv)?;
                continue;
            }
            let rest = datagram(&self.rx, self.cur, &self.stashed)
                .get(self.pos..self.len)
                .unwrap_or(&[]);
            let header = match NlMsg::parse(rest) {
                Ok(m) => *m.header(),
                Err(e) => {
                    self.pos = self.len;
                    return Err(e.into());
                }
            };
            if is_filler(&header) {
                let mlen = header.nlmsg_len as usize;
                self.pos = self.pos.saturating_add(nlmsg_align(mlen)).min(self.len);
                continue;
            }
            self.ready = Some(header);
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
    #[inline]
    pub fn fill_sorted<E: From<Error>>(
        &mut self,
        wait: Wait,
        before_recv: &mut dyn FnMut() -> Result<(), Error>,
        mut sort: impl FnMut(&NlMsg<'_>) -> Sort<E>,
    ) -> Result<(), E> {
        loop {
            if self.ready.is_none() && !self.ready_in_slot() {
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
        if self.pos >= self.len {
            // The next datagram of the batch, when nothing is stashed (as
            // `load` would take it).
            if !self.stash.is_empty() || self.next_slot >= self.rx.len() {
                return false;
            }
            let Some(Ok(r)) = self.rx.range(self.next_slot) else {
                return false;
            };
            self.next_slot += 1;
            self.cur = Cur::Slot(r.start);
            self.pos = 0;
            self.len = r.len();
        }
        let Cur::Slot(start) = self.cur else {
            return false;
        };
        let end = start.saturating_add(self.len);
        let Some(rest) = self.rx.bytes().get(start.saturating_add(self.pos)..end) else {
            return false;
        };
        let Ok(m) = NlMsg::parse(rest) else {
            return false;
        };
        let header = *m.header();
        if is_filler(&header) {
            return false;
        }
        self.ready = Some(header);
        true
    }

    /// Drops the message [`Reader::fill`] made ready.
    fn skip_ready(&mut self) {
        if let Some(header) = self.ready.take() {
            let mlen = header.nlmsg_len as usize;
            self.pos = self.pos.saturating_add(nlmsg_align(mlen)).min(self.len);
        }
    }

    /// The header of the message [`Reader::fill`] made ready, not taken:
    /// enough to decide what to do with it without building a view.
    #[inline]
    pub fn peek_header(&self) -> Option<&nlmsghdr> {
        self.ready.as_ref()
    }

    /// The message [`Reader::fill`] made ready, not taken.
    #[inline]
    pub fn peek(&self) -> Option<NlMsg<'_>> {
        let header = self.ready?;
        let end = self.pos.saturating_add(header.nlmsg_len as usize);
        let bytes = datagram(&self.rx, self.cur, &self.stashed).get(self.pos..end)?;
        Some(NlMsg::from_valid(header, bytes))
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
                self.stashed = d;
                self.cur = Cur::Stash;
                self.pos = 0;
                self.len = self.stashed.len();
                return Ok(());
            }
            Some(Kept::Failed(e)) => {
                self.cur = Cur::None;
                self.pos = 0;
                self.len = 0;
                return Err(e);
            }
            None => {}
        }
        if self.next_slot >= self.rx.len() {
            self.cur = Cur::None;
            self.pos = 0;
            self.len = 0;
            before_recv()?;
            self.receive(wait)?;
        }
        let i = self.next_slot;
        self.next_slot += 1;
        self.pos = 0;
        self.len = 0;
        match self.rx.range(i) {
            Some(Ok(r)) => {
                self.cur = Cur::Slot(r.start);
                self.len = r.len();
                Ok(())
            }
            Some(Err(e)) => Err(e),
            None => Ok(()),
        }
    }

    /// Receives a new batch, waiting as `wait` says.
    fn receive(&mut self, wait: Wait) -> Result<(), Error> {
        self.next_slot = 0;
        self.sock.recv_many(&mut self.rx, wait).map(|_| ())
    }

    /// Moves what is unread (the rest of the current datagram, the unread
    /// datagrams of the batch, the error of an oversized one) to the front
    /// of the stash, in order, so that the batch can be received into again.
    fn keep_unread(&mut self) {
        self.ready = None;
        let mut older = Vec::new();
        if self.pos < self.len {
            if let Some(rest) = datagram(&self.rx, self.cur, &self.stashed).get(self.pos..self.len)
            {
                older.push(Kept::Msgs(rest.to_vec()));
            }
        }
        self.pos = self.len;
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
    /// `on_event`; every other message is kept for [`Reader::next`] (or, see
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
        on_event: &mut dyn FnMut(Event<'_>),
    ) -> Result<(), Error> {
        self.keep_unread();
        let wait = self.timeout.map_or(Wait::Block, Wait::timeout);
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
        let mut sink = Sink {
            pending,
            on_event,
            keep_others: self.keep_others,
            stale: &mut self.stale,
            unsolicited: &mut self.unsolicited,
            stash: &mut self.stash,
            failed: None,
        };
        sink.batch(&self.rx);
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
        on_event: &mut dyn FnMut(Event<'_>),
    ) -> Result<(), Error> {
        self.send_request(req)?;
        while !pending.is_complete() {
            self.pump(pending, on_event)?;
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
            if let Event::Ack { result, .. } = ev {
                outcome = result;
            }
        })?;
        Ok(outcome)
    }

    /// Receives dump datagrams on a second thread while this one feeds
    /// them to `pending`, until it is complete. The kernel builds each next
    /// dump datagram inside the `recvmsg` that fetches the previous one
    /// (`netlink_recvmsg` → `netlink_dump`), so this overlaps the kernel's
    /// work with the caller's decoding on two cores.
    ///
    /// Call it after a first [`Reader::pump`] showed that the dump is large
    /// (it costs a short-lived thread and two batches of buffers).
    ///
    /// # Errors
    /// As [`Reader::pump`].
    pub fn pump_pipelined(
        &mut self,
        pending: &mut Pending,
        on_event: &mut dyn FnMut(Event<'_>),
    ) -> Result<(), Error> {
        use std::sync::mpsc;
        type Filled = Result<RecvBatch, Error>;
        self.keep_unread();
        if pending.is_complete() {
            return Ok(());
        }
        let (port, seq) = pending.key();
        let sock = &self.sock;
        let timeout = self.timeout;
        let keep = self.keep_others;
        let (slots, slot_len) = (self.rx.capacity(), self.rx.slot_len());
        let (full_tx, full_rx) = mpsc::sync_channel::<Filled>(2);
        let (empty_tx, empty_rx) = mpsc::channel::<RecvBatch>();
        // Cannot fail: the receiving end lives in this function.
        let _ = empty_tx.send(RecvBatch::new(slots, slot_len));
        let _ = empty_tx.send(RecvBatch::new(slots, slot_len));
        let mut sink = Sink {
            pending,
            on_event,
            keep_others: keep,
            stale: &mut self.stale,
            unsolicited: &mut self.unsolicited,
            stash: &mut self.stash,
            failed: None,
        };
        std::thread::scope(|scope| {
            let full_rx = full_rx;
            scope.spawn(move || {
                while let Ok(mut batch) = empty_rx.recv() {
                    let wait = timeout.map_or(Wait::Block, Wait::timeout);
                    let r = loop {
                        match sock.recv_many(&mut batch, wait) {
                            // Kept in its place; the dump goes on.
                            Err(Error::Overrun) if keep => {
                                if full_tx.send(Err(Error::Overrun)).is_err() {
                                    return;
                                }
                            }
                            r => break r.map(|_| ()),
                        }
                    };
                    let last = match &r {
                        // Past a datagram it cannot read, the rest is left
                        // to plain pumps (see below).
                        Ok(()) => (0..batch.len()).any(|i| match batch.get(i) {
                            Some(Ok(d)) => ends_dump(d, port, seq),
                            _ => true,
                        }),
                        Err(_) => true,
                    };
                    if full_tx.send(r.map(|()| batch)).is_err() || last {
                        return;
                    }
                }
            });
            while !sink.pending.is_complete() && sink.failed.is_none() {
                // The receiver stops after an error, the dump's end or a
                // datagram it cannot read, each of which arrives here first.
                let Ok(filled) = full_rx.recv() else { break };
                match filled {
                    Ok(batch) => {
                        sink.batch(&batch);
                        // Recycle the batch; the receiver may have stopped already.
                        let _ = empty_tx.send(batch);
                    }
                    Err(Error::Overrun) if keep => {
                        sink.stash.push_back(Kept::Failed(Error::Overrun))
                    }
                    Err(e) => return Err(e),
                }
            }
            drop(empty_tx);
            Ok::<(), Error>(())
        })?;
        sink.finish()?;
        // The receiver stopped early (at a datagram it could not read that
        // was not the dump's): the rest comes through plain pumps.
        while !pending.is_complete() {
            self.pump(pending, on_event)?;
        }
        Ok(())
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
/// request's answers to `on_event`, every other message and error to the
/// stash (or the counters), the request's own first error to `failed`.
/// The one walk of received datagrams for [`Reader::pump`] and
/// [`Reader::pump_pipelined`].
struct Sink<'a> {
    pending: &'a mut Pending,
    on_event: &'a mut dyn FnMut(Event<'_>),
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
                    Ok(Event::Other { msg, stale }) => (msg, stale),
                    Ok(Event::Ignored) => continue,
                    Ok(ev) => {
                        (self.on_event)(ev);
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

/// True if `datagram` holds the message that ends dump `seq` of `port`
/// (`NLMSG_DONE`, or an `NLMSG_ERROR` refusing it), or is malformed.
fn ends_dump(datagram: &[u8], port: u32, seq: u32) -> bool {
    MsgIter::new(datagram).any(|m| match m {
        Ok(m) => {
            m.seq() == seq
                && m.port() == port
                && matches!(m.msg_type(), nfnl_sys::NLMSG_DONE | nfnl_sys::NLMSG_ERROR)
        }
        Err(_) => true,
    })
}

/// Messages no caller wants: `NLMSG_NOOP`, `NLMSG_OVERRUN`, and the
/// `NLMSG_DONE` of sequence 0 that ends a multi-part unicast batch.
fn is_filler(h: &nlmsghdr) -> bool {
    match h.nlmsg_type {
        NLMSG_NOOP | NLMSG_OVERRUN => true,
        NLMSG_DONE => h.nlmsg_seq == 0,
        _ => false,
    }
}

/// Where the current datagram starts: in `rx`'s receive area, or
/// `stashed` (empty if none). The caller bounds it by the datagram's length.
fn datagram<'a>(rx: &'a RecvBatch, cur: Cur, stashed: &'a [u8]) -> &'a [u8] {
    match cur {
        Cur::None => &[],
        Cur::Stash => stashed,
        Cur::Slot(start) => rx.bytes().get(start..).unwrap_or(&[]),
    }
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
    use crate::{ErrorExt as _, MsgBuilder, NlFlags};

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
    fn reserved_seqs_are_consecutive_and_never_zero() {
        let mut r = Reader::new(Socket::open().unwrap(), 1, 1024);
        r.seq = u32::MAX - 2;
        let first = r.reserve_seqs(5);
        assert_eq!(first, 1);
        assert_eq!(r.next_seq(), 6);
    }
}
