//! Requests and their replies: sequence numbers, port checks, acks,
//! multipart dumps, batches.
//!
//! The protocol rules live in [`Pending`], a sans-IO state machine fed one
//! message at a time (unit-tested with byte fixtures); [`Conn`] is the thin
//! loop that sends, receives and feeds it.

use std::cell::RefCell;
use std::ops::ControlFlow;
use std::time::Duration;

use nfnl_sys::NLMSG_ERROR;

use crate::ack::{done_status, Control, ErrorMsg};
use crate::builder::{MsgBuilder, NfHeader};
use crate::error::ErrorExt as _;
use crate::error::{EncodeError, Error, KernelError, ParseError};
use crate::flags::NlFlags;
use crate::msg::{NfMsg, NlMsg};
#[allow(unused_imports)] // for the links of the docs
use crate::reader::DEFAULT_REQUEST_TIMEOUT;
use crate::reader::{Pipeline, Reader, Wait};
use crate::socket::Socket;

/// What one received message means for a pending request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer<'a> {
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
    req_type: Option<u16>,
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
            req_type: None,
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
            req_type: None,
        }
    }

    /// Counts an `NLMSG_ERROR` as an answer only if the request it echoes
    /// has `nlmsg_type` `t`: on sockets where other messages may carry the
    /// same sequence number (nfqueue's verdicts use the packet id), the
    /// type tells an answer from an error about something else.
    pub fn with_request_type(mut self, t: u16) -> Self {
        self.req_type = Some(t);
        self
    }

    /// The port and sequence number of the (first) request.
    pub fn key(&self) -> (u32, u32) {
        (self.port, self.first_seq)
    }

    /// True once every ack (or the `NLMSG_DONE`) has arrived.
    pub fn is_complete(&self) -> bool {
        self.done
    }

    /// True for a dump (ended by `NLMSG_DONE`).
    pub fn is_dump(&self) -> bool {
        self.dump
    }

    /// True if a dump part carried `NLM_F_DUMP_INTR`.
    pub fn interrupted(&self) -> bool {
        self.interrupted
    }

    fn index_of(&self, msg: &NlMsg<'_>) -> Option<u32> {
        let idx = msg.seq().wrapping_sub(self.first_seq);
        (msg.port() == self.port && idx < self.count).then_some(idx)
    }

    /// True if a message of `port` and `seq` would be an answer to these
    /// requests (the port and one of their sequence numbers).
    pub(crate) fn addresses(&self, port: u32, seq: u32) -> bool {
        port == self.port && seq.wrapping_sub(self.first_seq) < self.count
    }

    /// Classifies one message and advances the state.
    ///
    /// # Errors
    /// A malformed control message or nfnetlink header.
    pub fn on_message<'a>(&mut self, msg: NlMsg<'a>) -> Result<Answer<'a>, ParseError> {
        let Some(index) = self.index_of(&msg).filter(|_| !self.done) else {
            let stale = msg.seq() != 0 && msg.port() == self.port;
            return Ok(Answer::Other { msg, stale });
        };
        if let (Some(t), NLMSG_ERROR) = (self.req_type, msg.msg_type()) {
            if ErrorMsg::parse(&msg)?.request().nlmsg_type != t {
                return Ok(Answer::Other { msg, stale: false });
            }
        }
        match Control::classify(msg)? {
            Control::Noop | Control::Overrun => Ok(Answer::Ignored),
            Control::Data(m) => {
                if m.flags().contains(NlFlags::DUMP_INTR) {
                    self.interrupted = true;
                }
                Ok(Answer::Reply(m.nf()?))
            }
            Control::Done(m) => {
                self.done = true;
                Ok(Answer::Done(done_status(&m)))
            }
            Control::Error(e) => {
                let result = e.result();
                if self.dump {
                    // A dump refused at its start (EBUSY, EINVAL...) ends it.
                    self.done = true;
                    return Ok(Answer::Done(result));
                }
                self.acks_left = self.acks_left.saturating_sub(1);
                self.done = self.acks_left == 0;
                Ok(Answer::Ack { index, result })
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

/// Default size of each receive slot of a [`Conn`]: large enough for the
/// biggest datagram the kernel builds for a dump (32 KiB) with room to spare.
pub const DEFAULT_RECV_BUFFER: usize = 64 * 1024;

/// Datagrams a [`Conn`] takes per receive call: a dump arrives many
/// datagrams per `recvmmsg` (each `recvmsg` inside it makes the kernel
/// build the next part).
pub const CONN_BATCH: usize = 16;

/// How many requests a batch puts into one datagram before reading their
/// acks, so acks cannot overflow the socket's receive buffer.
pub const BATCH_CHUNK: u32 = 64;

/// A request/response connection: a [`Reader`] (socket, receive batch,
/// sequence counter) and a reusable builder.
///
/// Every request but a dump is sent with `NLM_F_ACK`, so no error is ever
/// silent. Replies are matched by sequence number and port; late replies to
/// an abandoned request are discarded and counted ([`Conn::stale_replies`]);
/// messages that are not replies (seq 0) are discarded and counted in
/// [`Conn::unsolicited`]. Methods take `&mut self`, so replies of two
/// requests can never interleave.
///
/// One door for each kind of request: [`Conn::request`] (acknowledged),
/// [`Conn::query`] (exactly one answer), [`Conn::dump`] and its pull form
/// [`Conn::dump_stream`] (one code path), [`Conn::batch`].
///
/// Large dumps are pipelined, in both forms: once the first receive shows
/// that more follows, a helper thread receives the rest while the calling
/// thread decodes (see [`Reader::pump_pipelined`]).
#[derive(Debug)]
pub struct Conn {
    reader: Reader,
    tx: MsgBuilder,
}

impl Conn {
    /// Opens a socket in the calling thread's network namespace (with the
    /// socket-options policy of [`Socket::from_fd`]).
    ///
    /// # Errors
    /// [`Error::Io`] if the socket cannot be opened or configured.
    pub fn open() -> Result<Self, Error> {
        Self::from_socket(Socket::open()?)
    }

    /// Opens a socket inside the network namespace named by the file at
    /// `netns` (`/run/netns/NAME` as made by `ip netns add NAME`,
    /// `/proc/PID/ns/net`; [`Socket::open_in_netns_path`]). It works in
    /// that namespace from any thread; the calling thread stays in its own.
    /// The subsystem handles' `open_in_netns` stand on it.
    ///
    /// # Errors
    /// As [`Socket::open_in_netns_path`]: the path named if it cannot be
    /// opened or is no network namespace; `EPERM` without `CAP_SYS_ADMIN`
    /// over it (`setns(2)`).
    pub fn open_in_netns(netns: impl AsRef<std::path::Path>) -> Result<Self, Error> {
        Self::from_socket(Socket::open_in_netns_path(netns)?)
    }

    /// Wraps a socket (for example from [`Socket::open_in_netns`]).
    ///
    /// # Errors
    /// None today; kept fallible for options a later kernel may need.
    pub fn from_socket(sock: Socket) -> Result<Self, Error> {
        let mut reader = Reader::new(sock, CONN_BATCH, DEFAULT_RECV_BUFFER);
        reader.set_keep_others(false);
        Ok(Conn {
            reader,
            tx: MsgBuilder::with_capacity(4096),
        })
    }

    /// The socket.
    pub fn socket(&self) -> &Socket {
        self.reader.socket()
    }

    /// Gives the socket back.
    pub fn into_socket(self) -> Socket {
        self.reader.into_socket()
    }

    /// How long to wait for each batch of replies (default
    /// [`DEFAULT_REQUEST_TIMEOUT`], 5 s; `None` waits forever). When it
    /// passes, the request fails with [`Error::Timeout`] and its late
    /// replies are discarded.
    pub fn set_request_timeout(&mut self, timeout: Option<Duration>) {
        self.reader.set_request_timeout(timeout);
    }

    /// Size of each user-space receive slot (default [`DEFAULT_RECV_BUFFER`],
    /// at least 256 bytes).
    ///
    /// NOTE(kernel): `netlink_recvmsg` remembers the largest buffer ever
    /// offered on the socket (capped at 32 KiB) and `netlink_dump` sizes dump
    /// datagrams after it. Shrinking the buffer after a larger read therefore
    /// makes dumps fail with [`Error::Truncated`]; shrink only a fresh socket.
    pub fn set_recv_buffer_len(&mut self, len: usize) {
        self.reader.set_batch(CONN_BATCH, len.max(256));
    }

    /// Late replies to abandoned requests that were discarded.
    pub fn stale_replies(&self) -> u64 {
        self.reader.stale_replies()
    }

    /// Messages that were not replies (seq 0, such as events) and were
    /// discarded.
    pub fn unsolicited(&self) -> u64 {
        self.reader.unsolicited()
    }

    /// Takes the next sequence number (never 0: 0 marks unsolicited messages).
    pub fn next_seq(&mut self) -> u32 {
        self.reader.next_seq()
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
        let seq = self.build_one(h, NlFlags::ACK, build)?;
        let mut pending = Pending::requests(self.reader.socket().port_id(), seq, 1);
        let mut outcome = Ok(());
        self.reader
            .request(self.tx.finish()?, &mut pending, &mut |ev| {
                if let Answer::Ack { result, .. } = ev {
                    outcome = result;
                }
            })?;
        Ok(outcome?)
    }

    /// Sends one request with `NLM_F_ACK` that the kernel answers with
    /// exactly one message (a GET of one object), waits for the ack, and
    /// returns the answer as `decode` reads it.
    ///
    /// # Errors
    /// As [`Conn::request`]; [`Error::NoAnswer`] if the kernel acknowledged
    /// without an answer, [`Error::ManyAnswers`] if it sent more than one
    /// (every answer is read either way, so the socket is ready for the
    /// next request); the error of `decode`.
    pub fn query<B, D, T, E>(&mut self, h: NfHeader, build: B, decode: D) -> Result<T, E>
    where
        B: FnOnce(&mut MsgBuilder) -> Result<(), EncodeError>,
        D: FnOnce(&NfMsg<'_>) -> Result<T, E>,
        E: From<Error>,
    {
        let msg_type = u16::from(h.subsystem) << 8 | u16::from(h.msg_type);
        let seq = self.build_one(h, NlFlags::ACK, build)?;
        let mut pending = Pending::requests(self.reader.socket().port_id(), seq, 1);
        let mut outcome = Ok(());
        let mut decode = Some(decode);
        let mut answer = None;
        let mut count = 0u32;
        let req = self.tx.finish().map_err(Error::from)?;
        self.reader.request(req, &mut pending, &mut |ev| match ev {
            Answer::Reply(m) => {
                count = count.saturating_add(1);
                if let Some(d) = decode.take() {
                    answer = Some(d(&m));
                }
            }
            Answer::Ack { result, .. } => outcome = result,
            _ => {}
        })?;
        outcome.map_err(Error::from)?;
        match answer {
            None => Err(Error::NoAnswer { msg_type }.into()),
            Some(_) if count > 1 => Err(Error::ManyAnswers { msg_type, count }.into()),
            Some(r) => r,
        }
    }

    /// Sends one request with `NLM_F_ACK` that the kernel answers with any
    /// number of messages before its ack (a GET of several objects at
    /// once, such as nf_tables' lookup of several set elements, one
    /// message each), and gives each answer to `on_answer` as it arrives.
    ///
    /// # Errors
    /// As [`Conn::request`] (a refusal after some answers: those were
    /// given to `on_answer` already); else the first error of `on_answer`
    /// (the rest is read all the same, so the socket is ready for the next
    /// request).
    pub fn query_each<B, F, E>(&mut self, h: NfHeader, build: B, mut on_answer: F) -> Result<(), E>
    where
        B: FnOnce(&mut MsgBuilder) -> Result<(), EncodeError>,
        F: FnMut(&NfMsg<'_>) -> Result<(), E>,
        E: From<Error>,
    {
        let seq = self.build_one(h, NlFlags::ACK, build)?;
        let mut pending = Pending::requests(self.reader.socket().port_id(), seq, 1);
        let mut outcome = Ok(());
        let mut failed = None;
        let req = self.tx.finish().map_err(Error::from)?;
        self.reader.request(req, &mut pending, &mut |ev| match ev {
            Answer::Reply(m) if failed.is_none() => failed = on_answer(&m).err(),
            Answer::Ack { result, .. } => outcome = result,
            _ => {}
        })?;
        outcome.map_err(Error::from)?;
        failed.map_or(Ok(()), Err)
    }

    /// Sends a dump request (`NLM_F_DUMP`) and streams each entry to
    /// `on_entry` as it arrives: the library never collects the dump. If
    /// `on_entry` breaks or fails, the rest of the dump is read and
    /// discarded, so the socket is ready for the next request, and its
    /// error is returned. The push form of [`Conn::dump_stream`] (the same
    /// code, pipelined the same way).
    ///
    /// # Errors
    /// The first error of `on_entry`; [`Error::Kernel`] if the kernel
    /// refuses or ends the dump with an errno; [`Error::DumpInterrupted`]
    /// (after all entries were delivered) if a part carried
    /// `NLM_F_DUMP_INTR`; [`Error::Overrun`] if the socket overflowed.
    pub fn dump<B, F, E>(&mut self, h: NfHeader, build: B, mut on_entry: F) -> Result<(), E>
    where
        B: FnOnce(&mut MsgBuilder) -> Result<(), EncodeError>,
        F: FnMut(&NfMsg<'_>) -> Result<ControlFlow<()>, E>,
        E: From<Error>,
    {
        let mut stream = self.dump_stream(h, build)?;
        let mut failed = None;
        let mut wants_more = true;
        let r = loop {
            let more = stream.next_batch(|m| {
                if !wants_more {
                    return;
                }
                match on_entry(m) {
                    Ok(flow) => wants_more = flow.is_continue(),
                    Err(e) => {
                        failed = Some(e);
                        wants_more = false;
                    }
                }
            });
            match more {
                Ok(true) => {}
                Ok(false) => break Ok(()),
                Err(e) => break Err(e),
            }
        };
        // Dropping the stream reads what is left of the dump.
        drop(stream);
        if let Some(e) = failed {
            return Err(e);
        }
        r.map_err(E::from)
    }

    /// Sends `count` acknowledged requests, packed many to a datagram: request
    /// `index` gets the header `header(index)` (with `NLM_F_ACK` added, as
    /// [`Conn::request`] does) and its attributes from `build(index,
    /// builder)`. Each outcome goes to `on_result(index, result)`. Requests
    /// go out in chunks of [`BATCH_CHUNK`]; the next chunk leaves once the
    /// previous one is fully acknowledged.
    ///
    /// A chunk the kernel stops answering fails at once with the first
    /// refusal it sent. NOTE(kernel): `nfnetlink_rcv` checks
    /// `CAP_NET_ADMIN` once per datagram and, without it, answers only the
    /// first request of the datagram (`EPERM`); the others get no answer.
    /// The kernel handles a datagram of requests inside the `sendmsg` that
    /// carries it (`netlink_unicast_kernel`), so every answer it will ever
    /// send is queued when `sendmsg` returns: once a refusal has come and
    /// the socket is empty, the missing answers never come.
    ///
    /// # Errors
    /// Encode, I/O, parse and timeout errors; [`Error::Kernel`] with the
    /// first refusal of a chunk the kernel stopped answering (after
    /// `on_result` got it); other kernel refusals go to `on_result` only.
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
            let first_seq = self.reader.reserve_seqs(n);
            for (i, seq) in (start..start + n).zip(first_seq..) {
                let h = header(i);
                self.tx.begin(h.flags(h.flags | NlFlags::ACK), seq);
                build(i, &mut self.tx)?;
            }
            let mut pending = Pending::requests(self.reader.socket().port_id(), first_seq, n);
            let refused: RefCell<Option<KernelError>> = RefCell::new(None);
            let mut on_answer = |ev: Answer<'_>| {
                if let Answer::Ack { index, result } = ev {
                    if let Err(k) = &result {
                        refused.borrow_mut().get_or_insert_with(|| k.clone());
                    }
                    on_result(start + index, result);
                }
            };
            self.reader.send_request(self.tx.finish()?)?;
            self.reader.pump(&mut pending, &mut on_answer)?;
            while !pending.is_complete() {
                if refused.borrow().is_none() {
                    self.reader.pump(&mut pending, &mut on_answer)?;
                    continue;
                }
                match self
                    .reader
                    .pump_waiting(&mut pending, &mut on_answer, Wait::Poll)
                {
                    Err(e) if e.is_would_block() => {
                        return Err(refused.take().map_or(e, Error::Kernel));
                    }
                    r => r?,
                }
            }
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
        let seq = self.reader.next_seq();
        self.tx.clear();
        self.tx.begin(h.flags(h.flags | flags), seq);
        build(&mut self.tx)?;
        Ok(seq)
    }

    /// Sends a dump request (`NLM_F_DUMP`) and returns a [`DumpStream`]
    /// that hands out the dump one received batch of datagrams at a time,
    /// when asked: the pull form of [`Conn::dump`], for iterators. It uses
    /// this connection's reader, timeout and counters. Once the first batch
    /// shows that more follows, the rest is received on a second thread
    /// while the caller decodes ([`Reader::pump_pipelined`]).
    ///
    /// # Errors
    /// [`Error::Encode`] if `build` fails; I/O errors of the send.
    pub fn dump_stream<B>(&mut self, h: NfHeader, build: B) -> Result<DumpStream<'_>, Error>
    where
        B: FnOnce(&mut MsgBuilder) -> Result<(), EncodeError>,
    {
        let seq = self.build_one(h, NlFlags::DUMP, build)?;
        self.reader.send_request(self.tx.finish()?)?;
        let pending = Pending::dump(self.reader.socket().port_id(), seq);
        Ok(DumpStream {
            conn: self,
            pending,
            pipe: None,
            started: false,
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
    /// The receiving thread, once the first batch showed more follows.
    pipe: Option<Pipeline>,
    /// Whether the first batch was received.
    started: bool,
}

impl DumpStream<'_> {
    /// Receives the next batch of datagrams of the dump and hands each entry
    /// in them to `on_entry`. Returns whether more follow: `Ok(false)` once
    /// the dump has ended (and ever after).
    ///
    /// # Errors
    /// As [`Conn::dump`], reported after the entries of the batch that
    /// carried them: [`Error::Kernel`] if the kernel refused or ended the
    /// dump with an errno, [`Error::DumpInterrupted`]; I/O, parse and
    /// timeout errors of the receive.
    pub fn next_batch<F>(&mut self, mut on_entry: F) -> Result<bool, Error>
    where
        F: FnMut(&NfMsg<'_>),
    {
        if self.pending.is_complete() {
            return Ok(false);
        }
        let mut outcome = Ok(());
        let mut on_answer = |ev: Answer<'_>| match ev {
            Answer::Reply(m) => on_entry(&m),
            Answer::Done(r) | Answer::Ack { result: r, .. } => outcome = r,
            _ => {}
        };
        let reader = &mut self.conn.reader;
        let r = match &mut self.pipe {
            Some(pipe) => reader.pump_from(pipe, &mut self.pending, &mut on_answer),
            None => reader.pump(&mut self.pending, &mut on_answer),
        };
        if r.is_ok() && !self.started && !self.pending.is_complete() {
            // A large dump: the rest is received on a second thread while
            // the caller decodes this batch (or, if no thread or descriptor
            // can be had, by plain pumps).
            self.pipe = reader.start_pipeline().ok();
        }
        self.started = true;
        if r.is_err() || self.pending.is_complete() {
            if let Some(pipe) = self.pipe.take() {
                reader.finish_pipeline(pipe, &mut self.pending);
            }
        }
        r?;
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
        while let Ok(true) = self.next_batch(|_| {}) {}
        if let Some(pipe) = self.pipe.take() {
            self.conn.reader.finish_pipeline(pipe, &mut self.pending);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::msg::MsgIter;
    use crate::testutil::fixture::{error_msg, nlmsg};
    use nfnl_sys::NLMSG_DONE;

    const PORT: u32 = 4242;

    fn ack(seq: u32, errno: i32) -> Vec<u8> {
        error_msg(-errno, 0x100, &nlmsg(0x0100, 5, seq, PORT, &[]), &[])
    }

    fn entry(seq: u32, flags: u16) -> Vec<u8> {
        nlmsg(0x0100, 2 | flags, seq, PORT, &[2, 0, 0, 0])
    }

    fn feed<'a>(p: &mut Pending, d: &'a [u8]) -> Vec<Answer<'a>> {
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
            vec![Answer::Ack {
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
        assert!(matches!(ev[0], Answer::Reply(_)));
        assert!(matches!(&ev[1], Answer::Ack { index: 0, result: Err(k) } if k.errno == 2));
        assert!(p.is_complete());
    }

    #[test]
    fn events_and_stale_replies_are_not_ours() {
        let mut p = Pending::requests(PORT, 10, 1);
        // a ct event: seq 0, nlmsg_pid = our port (it was caused by us)
        let ev = entry(0, 0);
        assert!(matches!(
            feed(&mut p, &ev)[0],
            Answer::Other { stale: false, .. }
        ));
        // a late ack of an abandoned request 9
        let late = ack(9, 0);
        assert!(matches!(
            feed(&mut p, &late)[0],
            Answer::Other { stale: true, .. }
        ));
        // a reply for another port (should not happen; not ours)
        let other = nlmsg(NLMSG_ERROR, 0, 10, PORT + 1, &[0; 20]);
        assert!(matches!(
            feed(&mut p, &other)[0],
            Answer::Other { stale: false, .. }
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
        assert_eq!(ev[2], Answer::Done(Ok(())));
        assert!(p.is_complete());
        assert!(p.interrupted());
        // anything after DONE with the same seq is no longer ours
        let late = entry(20, 0);
        assert!(matches!(
            feed(&mut p, &late)[0],
            Answer::Other { stale: true, .. }
        ));
    }

    #[test]
    fn dump_refused_and_done_with_errno() {
        let mut p = Pending::dump(PORT, 5);
        let d = ack(5, 16);
        assert!(matches!(&feed(&mut p, &d)[0], Answer::Done(Err(k)) if k.errno == 16));
        let mut p = Pending::dump(PORT, 6);
        let d = nlmsg(NLMSG_DONE, 2, 6, PORT, &(-4i32).to_ne_bytes());
        assert!(matches!(&feed(&mut p, &d)[0], Answer::Done(Err(k)) if k.errno == 4));
    }

    #[test]
    fn a_typed_request_ignores_errors_about_other_requests() {
        // nfqueue: a verdict's error carries the packet id as its sequence
        // number, which may equal a config request's.
        let mut p = Pending::requests(PORT, 10, 1).with_request_type(0x0302);
        let d = ack(10, 2); // echoes a request of type 0x0100
        assert!(matches!(
            feed(&mut p, &d)[..],
            [Answer::Other { stale: false, .. }]
        ));
        assert!(!p.is_complete());
        let mut body = 0i32.to_ne_bytes().to_vec();
        body.extend(nlmsg(0x0302, 5, 10, PORT, &[])[..16].iter());
        let d = nlmsg(NLMSG_ERROR, 0x100, 10, PORT, &body);
        assert!(matches!(
            feed(&mut p, &d)[..],
            [Answer::Ack {
                index: 0,
                result: Ok(())
            }]
        ));
        assert!(p.is_complete());
    }

    #[test]
    fn batch_acks_in_any_order_and_seq_wrap() {
        let mut p = Pending::requests(PORT, u32::MAX - 1, 3); // seqs MAX-1, MAX, 0... (callers avoid 0)
        let mut d = ack(u32::MAX, 0);
        d.extend(ack(u32::MAX - 1, 17));
        let ev = feed(&mut p, &d);
        assert_eq!(
            ev[0],
            Answer::Ack {
                index: 1,
                result: Ok(())
            }
        );
        assert!(matches!(&ev[1], Answer::Ack { index: 0, result: Err(k) } if k.errno == 17));
        assert!(!p.is_complete());
    }
}
