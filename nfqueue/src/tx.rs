//! Verdict transmission: the state a [`Queue`](crate::Queue) shares with its
//! packet handles, and the batch of verdicts waiting to be sent.
//!
//! Verdicts of borrowed packets are collected in one reusable buffer and
//! sent many per `sendmsg`: before the queue's reader makes a receive
//! system call, when the batch is full, on [`Queue::flush`](crate::Queue::flush)
//! and on close. Runs of consecutive ids with the same bare verdict are
//! merged into one `NFQNL_MSG_VERDICT_BATCH` when no packet of the socket is
//! held elsewhere (a batch would release it too).

use std::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering};

use nfnl::{MsgBuilder, NlFlags, Socket};

use crate::error::Error;
use crate::verdict::{encode_verdict, encode_verdict_batch, Decision, Verdict};

/// Default number of verdicts collected before they are sent.
pub const DEFAULT_VERDICT_BATCH: usize = 64;

/// State shared by the [`Queue`], its [`QueueHandle`]s and [`HeldPacket`]s.
#[derive(Debug)]
pub(crate) struct Shared {
    /// A duplicate of the queue's socket, for sending from any thread.
    pub(crate) sock: Socket,
    pub(crate) closed: AtomicBool,
    pub(crate) default_word: AtomicU32,
    /// Packets whose verdict the [`Tx`] does not send and a batch verdict
    /// would release: each held one until its verdict, and each raw id for
    /// good (nothing says when its verdict is sent), so batches are merged
    /// only while this is 0.
    pub(crate) outside: AtomicUsize,
}

impl Shared {
    pub(crate) fn default_verdict(&self) -> Verdict {
        Verdict::from_raw(self.default_word.load(Ordering::Relaxed)).unwrap_or(Verdict::Drop)
    }

    pub(crate) fn send_now(
        &self,
        queue: u16,
        id: u32,
        d: &Decision<'_>,
        batch: bool,
    ) -> Result<(), Error> {
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
pub(crate) struct Tx {
    b: MsgBuilder,
    /// Verdicts given since the last flush (a run counts each of its ids).
    pending: usize,
    run: Option<Run>,
    pub(crate) batch: usize,
    pub(crate) err: Option<Error>,
}

impl Tx {
    pub(crate) fn new() -> Self {
        Tx {
            b: MsgBuilder::with_capacity(16 * 1024),
            pending: 0,
            run: None,
            batch: DEFAULT_VERDICT_BATCH,
            err: None,
        }
    }

    pub(crate) fn keep_err(&mut self, r: Result<(), Error>) {
        if let Err(e) = r {
            self.err.get_or_insert(e);
        }
    }

    #[inline]
    pub(crate) fn push_plain(&mut self, sh: &Shared, queue: u16, id: u32, verdict: Verdict) {
        self.pending += 1;
        if let Some(r) = &mut self.run {
            if r.queue == queue && r.verdict == verdict && r.last.wrapping_add(1) == id {
                r.last = id;
                // The buffer did not grow: only the count can call for a flush.
                if self.pending >= self.batch {
                    self.flush_keeping_err(sh);
                }
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

    pub(crate) fn push(
        &mut self,
        sh: &Shared,
        queue: u16,
        id: u32,
        d: &Decision<'_>,
    ) -> Result<(), Error> {
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

    #[inline]
    fn maybe_flush(&mut self, sh: &Shared) {
        if self.pending >= self.batch || self.b.len() >= 48 * 1024 {
            self.flush_keeping_err(sh);
        }
    }

    /// Sends the collected verdicts, keeping an error for the next receive.
    #[cold]
    #[inline(never)]
    fn flush_keeping_err(&mut self, sh: &Shared) {
        let r = self.flush(sh);
        self.keep_err(r.map_err(Error::from));
    }

    /// Sends the collected verdicts.
    pub(crate) fn flush(&mut self, sh: &Shared) -> Result<(), nfnl::Error> {
        self.emit_run(sh);
        self.pending = 0;
        if self.b.is_empty() {
            return Ok(());
        }
        let r = match self.b.finish() {
            Ok(bytes) => sh.sock.send(bytes),
            Err(e) => Err(e.into()),
        };
        self.b.clear();
        r
    }
}
