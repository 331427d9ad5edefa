//! Requests and their replies: sequence numbers, port checks, acks,
//! multipart dumps, batches.
//!
//! The protocol rules live in [`Pending`], a sans-IO state machine fed one
//! message at a time (unit-tested with byte fixtures); [`Conn`] is the thin
//! loop that sends, receives and feeds it.

use std::ops::ControlFlow;
use std::time::Duration;

use crate::ack::{done_status, Control};
use crate::builder::{MsgBuilder, NfHeader};
use crate::error::{EncodeError, Error, KernelError, ParseError};
use crate::flags::NlFlags;
use crate::msg::{MsgIter, NfMsg, NlMsg};
use crate::socket::Socket;

/// What one received message means for a pending request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event<'a> {
    /// A data reply to the request (a GET answer or one dump entry).
    Reply(NfMsg<'a>),
    /// The request with index `index` (0 for a single request) was acknowledged
    /// (`Ok`) or refused.
    Ack {
        /// Index of the request within the batch.
        index: u32,
        /// The outcome.
        result: Result<(), KernelError>,
    },
    /// The dump ended (`NLMSG_DONE`), successfully or with an errno.
    Done(Result<(), KernelError>),
    /// Not a reply to this request: an event or unsolicited message (seq 0),
    /// or a late reply to an abandoned request (`stale` is true).
    Other {
        /// The message.
        msg: NlMsg<'a>,
        /// True for a reply (non-zero seq, our port) to an earlier request.
        stale: bool,
    },
    /// `NLMSG_NOOP` or `NLMSG_OVERRUN`-style control noise, ignored.
    Ignored,
}

/// The reply-tracking state of requests sent with consecutive sequence
/// numbers `first_seq ..= first_seq + count - 1` from port `port`.
#[derive(Debug, Clone)]
pub struct Pending {
    port: u32,
    first_seq: u32,
    count: u32,
    acks_left: u32,
    dump: bool,
    done: bool,
    interrupted: bool,
}

impl Pending {
    /// Tracks `count` acknowledged requests (each sent with `NLM_F_ACK`).
    pub fn requests(port: u32, first_seq: u32, count: u32) -> Self {
        Pending {
            port,
            first_seq,
            count,
            acks_left: count,
            dump: false,
            done: count == 0,
            interrupted: false,
        }
    }

    /// Tracks one dump request (sent with `NLM_F_DUMP`, ended by `NLMSG_DONE`).
    pub fn dump(port: u32, seq: u32) -> Self {
        Pending {
            port,
            first_seq: seq,
            count: 1,
            acks_left: 0,
            dump: true,
            done: false,
            interrupted: false,
        }
    }

    /// True once every ack (or the `NLMSG_DONE`) has arrived.
    pub fn is_complete(&self) -> bool {
        self.done
    }

    /// True if a dump part carried `NLM_F_DUMP_INTR`.
    pub fn interrupted(&self) -> bool {
        self.interrupted
    }

    fn index_of(&self, msg: &NlMsg<'_>) -> Option<u32> {
        let idx = msg.seq().wrapping_sub(self.first_seq);
        (msg.port() == self.port && idx < self.count).then_some(idx)
    }

    /// Classifies one message and advances the state.
    ///
    /// # Errors
    /// A malformed control message or nfnetlink header.
    pub fn on_message<'a>(&mut self, msg: NlMsg<'a>) -> Result<Event<'a>, ParseError> {
        let Some(index) = self.index_of(&msg).filter(|_| !self.done) else {
            let stale = msg.seq() != 0 && msg.port() == self.port;
            return Ok(Event::Other { msg, stale });
        };
        match Control::classify(msg)? {
            Control::Noop | Control::Overrun => Ok(Event::Ignored),
            Control::Data(m) => {
                if m.flags().contains(NlFlags::DUMP_INTR) {
                    self.interrupted = true;
                }
                Ok(Event::Reply(m.nf()?))
            }
            Control::Done(m) => {
                self.done = true;
                Ok(Event::Done(done_status(&m)))
            }
            Control::Error(e) => {
                let result = e.result();
                if self.dump {
                    // A dump refused at its start (EBUSY, EINVAL...) ends it.
                    self.done = true;
                    return Ok(Event::Done(result));
                }
                self.acks_left = self.acks_left.saturating_sub(1);
                self.done = self.acks_left == 0;
                Ok(Event::Ack { index, result })
            }
        }
    }
}

/// A starting sequence number for a socket with port `port_id`: varied by
/// time and process, never 0 (0 marks unsolicited messages). A random-ish
/// start makes replies meant for an earlier socket that had the same port id
/// ("hit and run" port reuse) unlikely to match.
pub fn initial_seq(port_id: u32) -> u32 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    (now ^ std::process::id().rotate_left(16) ^ port_id) | 1
}

/// Default size of the receive buffer of a [`Conn`]: large enough for the
/// biggest datagram the kernel builds for a dump (32 KiB) with room to spare.
pub const DEFAULT_RECV_BUFFER: usize = 64 * 1024;

/// Receive buffers in flight in a pipelined dump ([`Conn::set_pipelined_dumps`]).
pub const PIPELINE_DEPTH: usize = 4;

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

/// How many requests a batch puts into one datagram before reading their
/// acks, so acks cannot overflow the socket's receive buffer.
pub const BATCH_CHUNK: u32 = 64;

/// A request/response connection: a [`Socket`] with a sequence counter, a
/// reusable receive buffer and a reusable builder.
///
/// Every request but a dump is sent with `NLM_F_ACK`, so no error is ever
/// silent. Replies are matched by sequence number and port; late replies to
/// an abandoned request are discarded and counted ([`Conn::stale_replies`]);
/// messages that are not replies (seq 0) are discarded and counted in
/// [`Conn::unsolicited`]. Methods take `&mut self`, so replies of two
/// requests can never interleave.
#[derive(Debug)]
pub struct Conn {
    sock: Socket,
    seq: u32,
    rx: Vec<u8>,
    tx: MsgBuilder,
    timeout: Option<Duration>,
    stale: u64,
    unsolicited: u64,
    pipelined: bool,
}

impl Conn {
    /// Opens a socket in the calling thread's network namespace and turns on
    /// extended acks (`NETLINK_EXT_ACK`) and capped acks (`NETLINK_CAP_ACK`).
    ///
    /// # Errors
    /// [`Error::Io`] if the socket cannot be opened or configured.
    pub fn open() -> Result<Self, Error> {
        Self::from_socket(Socket::open()?)
    }

    /// Wraps a socket (for example from [`Socket::open_in_netns`]) and turns
    /// on extended and capped acks.
    ///
    /// # Errors
    /// [`Error::Io`] if the options cannot be set.
    pub fn from_socket(sock: Socket) -> Result<Self, Error> {
        sock.set_ext_ack(true)?;
        sock.set_cap_ack(true)?;
        Ok(Conn {
            seq: initial_seq(sock.port_id()),
            sock,
            rx: vec![0; DEFAULT_RECV_BUFFER],
            tx: MsgBuilder::with_capacity(4096),
            timeout: Some(Duration::from_secs(10)),
            stale: 0,
            unsolicited: 0,
            pipelined: false,
        })
    }

    /// The socket.
    pub fn socket(&self) -> &Socket {
        &self.sock
    }

    /// Gives the socket back.
    pub fn into_socket(self) -> Socket {
        self.sock
    }

    /// How long to wait for each reply datagram (default 10 s; `None` waits
    /// forever). When it passes, the request fails with [`Error::Timeout`]
    /// and its late replies are discarded.
    pub fn set_timeout(&mut self, timeout: Option<Duration>) {
        self.timeout = timeout;
    }

    /// Size of the user-space receive buffer (default [`DEFAULT_RECV_BUFFER`],
    /// at least 256 bytes).
    ///
    /// NOTE(kernel): `netlink_recvmsg` remembers the largest buffer ever
    /// offered on the socket (capped at 32 KiB) and `netlink_dump` sizes dump
    /// datagrams after it. Shrinking the buffer after a larger read therefore
    /// makes dumps fail with [`Error::Truncated`]; shrink only a fresh socket.
    pub fn set_recv_buffer_len(&mut self, len: usize) {
        self.rx.resize(len.max(256), 0);
    }

    /// Pipelined dumps (default off): a helper thread receives the dump's
    /// datagrams while the calling thread decodes them. The kernel builds
    /// each next dump datagram inside the `recvmsg` that fetches the
    /// previous one (`netlink_recvmsg` → `netlink_dump`), so without this
    /// the kernel's work and the caller's decoding take turns on one core;
    /// with it they overlap on two. Costs one short-lived thread and
    /// [`PIPELINE_DEPTH`] receive buffers per dump; worth it for large tables.
    pub fn set_pipelined_dumps(&mut self, on: bool) {
        self.pipelined = on;
    }

    /// Late replies to abandoned requests that were discarded.
    pub fn stale_replies(&self) -> u64 {
        self.stale
    }

    /// Messages that were not replies (seq 0, such as events) and were
    /// discarded.
    pub fn unsolicited(&self) -> u64 {
        self.unsolicited
    }

    /// Takes the next sequence number (never 0: 0 marks unsolicited messages).
    pub fn next_seq(&mut self) -> u32 {
        self.seq = self.seq.wrapping_add(1);
        if self.seq == 0 {
            self.seq = 1;
        }
        self.seq
    }

    /// Sends one request with `NLM_F_ACK` and waits for its ack. Data
    /// replies, if any, are ignored.
    ///
    /// # Errors
    /// [`Error::Kernel`] if refused; [`Error::Encode`] if `build` fails;
    /// I/O, parse and timeout errors.
    pub fn request<B>(&mut self, h: NfHeader, build: B) -> Result<(), Error>
    where
        B: FnOnce(&mut MsgBuilder) -> Result<(), EncodeError>,
    {
        self.query(h, build, |_| ControlFlow::Continue(()))
    }

    /// Sends one request with `NLM_F_ACK`, hands each data reply to
    /// `on_reply`, and waits for the ack.
    ///
    /// # Errors
    /// As [`Conn::request`].
    pub fn query<B, F>(&mut self, h: NfHeader, build: B, mut on_reply: F) -> Result<(), Error>
    where
        B: FnOnce(&mut MsgBuilder) -> Result<(), EncodeError>,
        F: FnMut(&NfMsg<'_>) -> ControlFlow<()>,
    {
        let seq = self.build_one(h, NlFlags::ACK, build)?;
        let mut outcome = Ok(());
        let pending = Pending::requests(self.sock.port_id(), seq, 1);
        self.send_and_run(pending, &mut on_reply, &mut |_, r| outcome = r)?;
        Ok(outcome?)
    }

    /// Sends a dump request (`NLM_F_DUMP`) and streams each entry to
    /// `on_entry` as it arrives: the library never collects the dump. If
    /// `on_entry` breaks, the rest of the dump is read and discarded, so the
    /// socket is ready for the next request.
    ///
    /// # Errors
    /// [`Error::Kernel`] if the kernel refuses or ends the dump with an errno;
    /// [`Error::DumpInterrupted`] (after all entries were delivered) if a part
    /// carried `NLM_F_DUMP_INTR`; [`Error::Overrun`] if the socket overflowed.
    pub fn dump<B, F>(&mut self, h: NfHeader, build: B, mut on_entry: F) -> Result<(), Error>
    where
        B: FnOnce(&mut MsgBuilder) -> Result<(), EncodeError>,
        F: FnMut(&NfMsg<'_>) -> ControlFlow<()>,
    {
        let seq = self.build_one(h, NlFlags::DUMP, build)?;
        let mut outcome = Ok(());
        let pending = Pending::dump(self.sock.port_id(), seq);
        let interrupted = self.send_and_run(pending, &mut on_entry, &mut |_, r| outcome = r)?;
        outcome?;
        if interrupted {
            return Err(Error::DumpInterrupted);
        }
        Ok(())
    }

    /// Sends `count` acknowledged requests, packed many to a datagram: request
    /// `index` gets the header `header(index)` (with `NLM_F_ACK` added, as
    /// [`Conn::request`] does) and its attributes from `build(index,
    /// builder)`. Each outcome goes to `on_result(index, result)`. Requests
    /// go out in chunks of [`BATCH_CHUNK`]; the next chunk leaves once the
    /// previous one is fully acknowledged.
    ///
    /// # Errors
    /// Encode, I/O, parse and timeout errors; kernel refusals go to `on_result`.
    pub fn batch<H, B, R>(
        &mut self,
        count: u32,
        mut header: H,
        mut build: B,
        mut on_result: R,
    ) -> Result<(), Error>
    where
        H: FnMut(u32) -> NfHeader,
        B: FnMut(u32, &mut MsgBuilder) -> Result<(), EncodeError>,
        R: FnMut(u32, Result<(), KernelError>),
    {
        let mut start = 0;
        while start < count {
            let n = (count - start).min(BATCH_CHUNK);
            self.tx.clear();
            // Pending needs consecutive sequence numbers, and 0 is reserved
            // for unsolicited messages: restart the counter before a wrap.
            if self.seq.checked_add(n).is_none() {
                self.seq = 0;
            }
            let first_seq = self.seq.wrapping_add(1);
            for i in start..start + n {
                let seq = self.next_seq();
                let h = header(i);
                self.tx.begin(h.flags(h.flags | NlFlags::ACK), seq);
                build(i, &mut self.tx)?;
            }
            let pending = Pending::requests(self.sock.port_id(), first_seq, n);
            self.send_and_run(
                pending,
                &mut |_| ControlFlow::Continue(()),
                &mut |idx, r| on_result(start + idx, r),
            )?;
            start += n;
        }
        Ok(())
    }

    /// Builds a single request into the cleared builder: header `h` with
    /// `flags` added, then `build`. Returns its sequence number.
    fn build_one<B>(&mut self, h: NfHeader, flags: NlFlags, build: B) -> Result<u32, Error>
    where
        B: FnOnce(&mut MsgBuilder) -> Result<(), EncodeError>,
    {
        let seq = self.next_seq();
        self.tx.clear();
        self.tx.begin(h.flags(h.flags | flags), seq);
        build(&mut self.tx)?;
        Ok(seq)
    }

    /// Low-level: sends what is in the builder and runs `pending` to
    /// completion, counting the stale and unsolicited messages met on the
    /// way. Returns whether a dump was interrupted.
    fn send_and_run(
        &mut self,
        pending: Pending,
        on_reply: &mut dyn FnMut(&NfMsg<'_>) -> ControlFlow<()>,
        on_end: &mut dyn FnMut(u32, Result<(), KernelError>),
    ) -> Result<bool, Error> {
        let bytes = self.tx.finish()?;
        self.sock.send(bytes)?;
        // Only a dump is pipelined: the receiver thread stops at the message
        // that ends a dump, and a dump is what is large enough to gain.
        let pipelined = self.pipelined && pending.dump;
        let mut pending = pending;
        let mut run = Run {
            pending: &mut pending,
            wants_more: true,
            on_reply,
            on_end,
            stale: 0,
            unsolicited: 0,
        };
        let result = if pipelined {
            self.receive_pipelined(&mut run)
        } else {
            self.receive(&mut run)
        };
        self.stale += run.stale;
        self.unsolicited += run.unsolicited;
        result.map(|()| pending.interrupted())
    }

    /// Sends a dump request (`NLM_F_DUMP`) and returns a [`DumpStream`]
    /// that receives the dump one datagram at a time, when asked: the pull
    /// form of [`Conn::dump`], for iterators. It uses this connection's
    /// receive buffer, timeout and counters (and is never pipelined).
    ///
    /// # Errors
    /// [`Error::Encode`] if `build` fails; I/O errors of the send.
    pub fn dump_stream<B>(&mut self, h: NfHeader, build: B) -> Result<DumpStream<'_>, Error>
    where
        B: FnOnce(&mut MsgBuilder) -> Result<(), EncodeError>,
    {
        let seq = self.build_one(h, NlFlags::DUMP, build)?;
        let bytes = self.tx.finish()?;
        self.sock.send(bytes)?;
        let pending = Pending::dump(self.sock.port_id(), seq);
        Ok(DumpStream {
            conn: self,
            pending,
        })
    }

    /// Receives into the one reusable buffer until `run` is complete.
    fn receive(&mut self, run: &mut Run<'_>) -> Result<(), Error> {
        while !run.pending.is_complete() {
            let n = recv_within(&self.sock, &mut self.rx, self.timeout)?;
            run.feed(self.rx.get(..n).unwrap_or(&[]))?;
        }
        Ok(())
    }

    /// The pipelined form of [`Conn::receive`] for one dump: a scoped
    /// thread receives into a small ring of buffers and stops after the
    /// datagram that ends the dump; this thread feeds `run`.
    fn receive_pipelined(&self, run: &mut Run<'_>) -> Result<(), Error> {
        use std::sync::mpsc;
        type Filled = Result<(Vec<u8>, usize), Error>;
        let (sock, timeout, len) = (&self.sock, self.timeout, self.rx.len());
        let (port, seq) = (run.pending.port, run.pending.first_seq);
        let (full_tx, full_rx) = mpsc::sync_channel::<Filled>(PIPELINE_DEPTH);
        let (empty_tx, empty_rx) = mpsc::channel::<Vec<u8>>();
        for _ in 0..PIPELINE_DEPTH {
            // Cannot fail: the receiving end lives in this function.
            let _ = empty_tx.send(vec![0; len]);
        }
        std::thread::scope(|scope| {
            // Owned by this closure: whatever way it returns, both channel
            // ends the receiver waits on are gone, so the receiver stops.
            let full_rx = full_rx;
            scope.spawn(move || {
                while let Ok(mut buf) = empty_rx.recv() {
                    let r = recv_within(sock, &mut buf, timeout);
                    let last = match &r {
                        Ok(n) => ends_dump(buf.get(..*n).unwrap_or(&[]), port, seq),
                        Err(_) => true,
                    };
                    if full_tx.send(r.map(|n| (buf, n))).is_err() || last {
                        return;
                    }
                }
            });
            while !run.pending.is_complete() {
                // The receiver stops only after an error or the dump's end,
                // both of which arrive here first.
                let (buf, n) = full_rx.recv().map_err(|_| Error::Timeout)??;
                run.feed(buf.get(..n).unwrap_or(&[]))?;
                // Recycle the buffer; the receiver may have stopped already.
                let _ = empty_tx.send(buf);
            }
            // An early error return drops `empty_tx` too, which stops a
            // receiver waiting for a buffer.
            drop(empty_tx);
            Ok(())
        })
    }
}

/// A dump being received on demand; see [`Conn::dump_stream`]. Dropping it
/// before the end reads and discards the rest of the dump, so the socket is
/// ready for the next request.
#[derive(Debug)]
pub struct DumpStream<'c> {
    conn: &'c mut Conn,
    pending: Pending,
}

impl DumpStream<'_> {
    /// Receives the next datagram of the dump and hands each entry in it to
    /// `on_entry`. Returns whether more datagrams follow: `Ok(false)` once the
    /// dump has ended (and ever after).
    ///
    /// # Errors
    /// As [`Conn::dump`], reported after the entries of the datagram that
    /// carried them: [`Error::Kernel`] if the kernel refused or ended the dump
    /// with an errno, [`Error::DumpInterrupted`]; I/O, parse and timeout
    /// errors of the receive.
    pub fn next_datagram<F>(&mut self, mut on_entry: F) -> Result<bool, Error>
    where
        F: FnMut(&NfMsg<'_>),
    {
        if self.pending.is_complete() {
            return Ok(false);
        }
        let conn = &mut *self.conn;
        let n = recv_within(&conn.sock, &mut conn.rx, conn.timeout)?;
        let mut outcome = Ok(());
        let mut run = Run {
            pending: &mut self.pending,
            wants_more: true,
            on_reply: &mut |m| {
                on_entry(m);
                ControlFlow::Continue(())
            },
            on_end: &mut |_, r| outcome = r,
            stale: 0,
            unsolicited: 0,
        };
        let fed = run.feed(conn.rx.get(..n).unwrap_or(&[]));
        conn.stale += run.stale;
        conn.unsolicited += run.unsolicited;
        fed?;
        outcome?;
        if !self.pending.is_complete() {
            return Ok(true);
        }
        if self.pending.interrupted() {
            return Err(Error::DumpInterrupted);
        }
        Ok(false)
    }
}

impl Drop for DumpStream<'_> {
    fn drop(&mut self) {
        // Read the rest of the dump (a failed receive ends it anyway).
        while let Ok(true) = self.next_datagram(|_| {}) {}
    }
}

/// Receives one datagram, waiting at most `timeout` (`None`: forever).
fn recv_within(sock: &Socket, buf: &mut [u8], timeout: Option<Duration>) -> Result<usize, Error> {
    match timeout {
        Some(t) => sock.recv_timeout(buf, t),
        None => sock.recv(buf),
    }
}

/// The replies of one request being read: the protocol state, where its
/// outcomes go, and the messages met that were not for it.
struct Run<'f> {
    pending: &'f mut Pending,
    /// False once `on_reply` has broken: later replies are read and dropped.
    wants_more: bool,
    on_reply: &'f mut dyn FnMut(&NfMsg<'_>) -> ControlFlow<()>,
    on_end: &'f mut dyn FnMut(u32, Result<(), KernelError>),
    stale: u64,
    unsolicited: u64,
}

impl Run<'_> {
    /// Feeds every message of one received datagram to the state machine.
    fn feed(&mut self, datagram: &[u8]) -> Result<(), Error> {
        for msg in MsgIter::new(datagram) {
            match self.pending.on_message(msg?)? {
                Event::Reply(m) => {
                    if self.wants_more {
                        self.wants_more = (self.on_reply)(&m).is_continue();
                    }
                }
                Event::Ack { index, result } => (self.on_end)(index, result),
                Event::Done(result) => (self.on_end)(0, result),
                Event::Other { stale: true, .. } => self.stale += 1,
                Event::Other { .. } => self.unsolicited += 1,
                Event::Ignored => {}
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::fixture::{error_msg, nlmsg};
    use nfnl_sys::{NLMSG_DONE, NLMSG_ERROR};

    const PORT: u32 = 4242;

    fn ack(seq: u32, errno: i32) -> Vec<u8> {
        error_msg(-errno, 0x100, &nlmsg(0x0100, 5, seq, PORT, &[]), &[])
    }

    fn entry(seq: u32, flags: u16) -> Vec<u8> {
        nlmsg(0x0100, 2 | flags, seq, PORT, &[2, 0, 0, 0])
    }

    fn feed<'a>(p: &mut Pending, d: &'a [u8]) -> Vec<Event<'a>> {
        MsgIter::new(d)
            .map(|m| p.on_message(m.unwrap()).unwrap())
            .collect()
    }

    #[test]
    fn single_request_ack() {
        let mut p = Pending::requests(PORT, 10, 1);
        let d = ack(10, 0);
        assert_eq!(
            feed(&mut p, &d),
            vec![Event::Ack {
                index: 0,
                result: Ok(())
            }]
        );
        assert!(p.is_complete());
    }

    #[test]
    fn reply_then_ack_and_error() {
        let mut p = Pending::requests(PORT, 10, 1);
        let mut d = nlmsg(0x0101, 0, 10, PORT, &[2, 0, 0, 0]);
        d.extend(ack(10, 2));
        let ev = feed(&mut p, &d);
        assert!(matches!(ev[0], Event::Reply(_)));
        assert!(matches!(&ev[1], Event::Ack { index: 0, result: Err(k) } if k.errno == 2));
        assert!(p.is_complete());
    }

    #[test]
    fn events_and_stale_replies_are_not_ours() {
        let mut p = Pending::requests(PORT, 10, 1);
        // a ct event: seq 0, nlmsg_pid = our port (it was caused by us)
        let ev = entry(0, 0);
        assert!(matches!(
            feed(&mut p, &ev)[0],
            Event::Other { stale: false, .. }
        ));
        // a late ack of an abandoned request 9
        let late = ack(9, 0);
        assert!(matches!(
            feed(&mut p, &late)[0],
            Event::Other { stale: true, .. }
        ));
        // a reply for another port (should not happen; not ours)
        let other = nlmsg(NLMSG_ERROR, 0, 10, PORT + 1, &[0; 20]);
        assert!(matches!(
            feed(&mut p, &other)[0],
            Event::Other { stale: false, .. }
        ));
        assert!(!p.is_complete());
    }

    #[test]
    fn dump_multipart_done_and_intr() {
        let mut p = Pending::dump(PORT, 20);
        let mut d = entry(20, 0);
        d.extend(entry(20, nfnl_sys::NLM_F_DUMP_INTR));
        d.extend(nlmsg(NLMSG_DONE, 2, 20, PORT, &0i32.to_ne_bytes()));
        let ev = feed(&mut p, &d);
        assert_eq!(ev.len(), 3);
        assert_eq!(ev[2], Event::Done(Ok(())));
        assert!(p.is_complete());
        assert!(p.interrupted());
        // anything after DONE with the same seq is no longer ours
        let late = entry(20, 0);
        assert!(matches!(
            feed(&mut p, &late)[0],
            Event::Other { stale: true, .. }
        ));
    }

    #[test]
    fn dump_refused_and_done_with_errno() {
        let mut p = Pending::dump(PORT, 5);
        let d = ack(5, 16);
        assert!(matches!(&feed(&mut p, &d)[0], Event::Done(Err(k)) if k.errno == 16));
        let mut p = Pending::dump(PORT, 6);
        let d = nlmsg(NLMSG_DONE, 2, 6, PORT, &(-4i32).to_ne_bytes());
        assert!(matches!(&feed(&mut p, &d)[0], Event::Done(Err(k)) if k.errno == 4));
    }

    #[test]
    fn batch_acks_in_any_order_and_seq_wrap() {
        let mut p = Pending::requests(PORT, u32::MAX - 1, 3); // seqs MAX-1, MAX, 0... (callers avoid 0)
        let mut d = ack(u32::MAX, 0);
        d.extend(ack(u32::MAX - 1, 17));
        let ev = feed(&mut p, &d);
        assert_eq!(
            ev[0],
            Event::Ack {
                index: 1,
                result: Ok(())
            }
        );
        assert!(matches!(&ev[1], Event::Ack { index: 0, result: Err(k) } if k.errno == 17));
        assert!(!p.is_complete());
    }
}
