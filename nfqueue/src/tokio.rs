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
//!   Collected verdicts are sent before [`AsyncQueue::recv`](Registered::recv) waits, so none
//!   is kept back while the task sleeps; call [`Queue::flush`] (through
//!   [`AsyncQueue::get_mut`](Registered::get_mut)) when the task stops receiving for a while.
//! - **Configuration** ([`Queue::bind`], [`Queue::unbind`], ...) sends a
//!   request and waits for the kernel's acknowledgement, which comes at once
//!   (at most [`Queue::set_request_timeout`]). Packets that arrive meanwhile
//!   are kept and returned by the next [`AsyncQueue::recv`](Registered::recv).
//!
//! # Why there is no `Stream`
//! A [`Packet`] borrows the queue's receive buffer until its verdict, so it
//! cannot be the item of a `Stream` (whose items must outlive the next
//! poll). Loop over [`AsyncQueue::recv`](Registered::recv) instead; to hand packets to other
//! tasks, [`Packet::hold`] them (an owned copy) and send the
//! [`HeldPacket`](crate::HeldPacket)s through a channel.

#[allow(unused_imports)] // for the links of the docs
use crate::handle::Packet;
use crate::queue::Queue;
use nfnl::tokio::Registered;

/// A [`Queue`] whose receive waits on tokio's reactor.
///
/// Bind the queues before wrapping the [`Queue`] (or through
/// [`AsyncQueue::get_mut`](Registered::get_mut)), then loop over [`AsyncQueue::recv`](Registered::recv). The
/// socket's blocking mode is not changed: the receive calls behind
/// [`AsyncQueue::recv`](Registered::recv) do not wait (`MSG_DONTWAIT`), and the [`Queue`]
/// given back by [`AsyncQueue::into_inner`](Registered::into_inner) works as before.
///
/// It is nfnl's one async receiver ([`Registered`]) of a [`Queue`]:
/// [`Registered::recv`] waits for the next packet (cancel-safe: dropping
/// the future loses no packet; the next call returns it), `get_ref` /
/// `get_mut` reach the queue for its settings, [`Queue::flush`] and
/// [`Queue::handle`], `into_inner` gives it back.
///
/// The blocking receive calls (`recv`, `recv_timeout`, ...) stay reachable through [`AsyncQueue::get_mut`](Registered::get_mut), but would block the
/// runtime's thread: use [`AsyncQueue::recv`](Registered::recv), with `tokio::time::timeout`
/// for a deadline.
///
/// # Examples
/// ```no_run
/// use nfnl_queue::tokio::AsyncQueue;
/// use nfnl_queue::{ErrorExt, Queue, QueueConfig, Verdict};
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
pub type AsyncQueue = Registered<Queue>;

const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<AsyncQueue>();
};
