//! Async receive with tokio (feature `tokio`): [`AsyncQueue`] waits for
//! queued packets on the runtime's reactor instead of blocking a thread.
//!
//! Everything but the waiting is the [`Queue`]'s own code: the same receive
//! batch, the same [`Packet`] guard (dropped without a verdict, it gets the
//! default verdict), the same verdict batching.
//!
//! # What stays synchronous
//! - **Verdicts.** [`Packet::verdict`] collects the verdict and sends it
//!   with the next batch; [`HeldPacket::verdict`](crate::HeldPacket::verdict)
//!   and [`QueueHandle`](crate::QueueHandle) send at once. A netlink send to
//!   the kernel is handled inside the `sendmsg` call and does not wait for a
//!   reader, so these calls do not block in practice and need no `.await`.
//!   Collected verdicts are sent before [`AsyncQueue::recv`] waits, so none
//!   is kept back while the task sleeps; call [`Queue::flush`] (through
//!   [`AsyncQueue::get_mut`]) when the task stops receiving for a while.
//! - **Configuration** ([`Queue::bind`], [`Queue::unbind`], ...) sends a
//!   request and waits for the kernel's acknowledgement, which comes at once
//!   (at most [`Queue::set_config_timeout`]). Packets that arrive meanwhile
//!   are kept and returned by the next [`AsyncQueue::recv`].
//!
//! # Why there is no `Stream`
//! A [`Packet`] borrows the queue's receive buffer until its verdict, so it
//! cannot be the item of a `Stream` (whose items must outlive the next
//! poll). Loop over [`AsyncQueue::recv`] instead; to hand packets to other
//! tasks, [`Packet::hold`] them (an owned copy) and send the
//! [`HeldPacket`](crate::HeldPacket)s through a channel.

use crate::error::Error;
use crate::handle::Packet;
use crate::queue::Queue;
use nfnl::tokio::Registered;

/// A [`Queue`] whose receive waits on tokio's reactor.
///
/// Bind the queues before wrapping the [`Queue`] (or through
/// [`AsyncQueue::get_mut`]), then loop over [`AsyncQueue::recv`]. The
/// socket's blocking mode is not changed: the receive calls behind
/// [`AsyncQueue::recv`] do not wait (`MSG_DONTWAIT`), and the [`Queue`]
/// given back by [`AsyncQueue::into_inner`] works as before.
///
/// The blocking receive calls ([`Queue::recv`], [`Queue::recv_timeout`],
/// ...) stay reachable through [`AsyncQueue::get_mut`], but would block the
/// runtime's thread: use [`AsyncQueue::recv`], with `tokio::time::timeout`
/// for a deadline.
///
/// # Examples
/// ```no_run
/// use nfnl_queue::tokio::AsyncQueue;
/// use nfnl_queue::{Queue, QueueConfig, Verdict};
///
/// async fn filter() -> Result<(), nfnl_queue::Error> {
///     // iptables -A OUTPUT -p udp -j NFQUEUE --queue-num 1
///     let mut q = Queue::open()?;
///     q.bind(&QueueConfig::new(1))?;
///     let mut q = AsyncQueue::new(q)?; // inside the runtime
///     loop {
///         let pkt = match q.recv().await {
///             Ok(p) => p,
///             Err(e) if e.is_recoverable() => {
///                 eprintln!("{e}");
///                 continue;
///             }
///             Err(e) => return Err(e),
///         };
///         println!("packet {} len {}", pkt.id(), pkt.len());
///         pkt.verdict(Verdict::Accept)?; // no await: see the module docs
///     }
/// }
/// ```
#[derive(Debug)]
pub struct AsyncQueue {
    inner: Registered<Queue>,
}

impl AsyncQueue {
    /// Registers `queue`'s socket with the current tokio runtime.
    ///
    /// # Errors
    /// [`Error::Netlink`] outside a tokio runtime, or if the socket cannot
    /// be registered.
    ///
    /// # Panics
    /// If the runtime was built without its I/O driver (`enable_io`), as
    /// tokio does.
    pub fn new(queue: Queue) -> Result<Self, Error> {
        Ok(AsyncQueue {
            inner: Registered::new(queue)?,
        })
    }

    /// Waits for the next packet. Verdicts collected so far are sent before
    /// waiting.
    ///
    /// Cancel-safe: dropping the future (`tokio::select!`,
    /// `tokio::time::timeout`) loses no packet; the next call returns it.
    ///
    /// # Errors
    /// As [`Queue::recv`]; [`Error::Netlink`] if the runtime shuts down.
    pub async fn recv(&mut self) -> Result<Packet<'_>, Error> {
        self.inner
            .ready_with(Queue::poll_packet)
            .await?
            .take_packet()
    }

    /// The queue, for its settings and [`Queue::handle`].
    pub fn get_ref(&self) -> &Queue {
        self.inner.get_ref()
    }

    /// The queue, for configuration and [`Queue::flush`].
    pub fn get_mut(&mut self) -> &mut Queue {
        self.inner.get_mut()
    }

    /// Unregisters the socket and gives the queue back.
    pub fn into_inner(self) -> Queue {
        self.inner.into_inner()
    }
}

const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<AsyncQueue>();
};
