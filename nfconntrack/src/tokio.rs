//! Async conntrack events with tokio (feature `tokio`).
//!
//! [`AsyncEventListener`] waits on the runtime's reactor
//! ([`nfnl::tokio::Readiness`]) and reads with the same receive engine
//! as the blocking [`EventListener`].

use nfnl::tokio::Registered;

use crate::event::EventListener;

/// An [`EventListener`] whose [`recv`](Registered::recv) waits without
/// blocking a thread: nfnl's one async receiver ([`Registered`]) of an
/// [`EventListener`] (cancel-safe: dropping the future loses no event).
///
/// # Examples
/// ```no_run
/// # async fn run() -> nfnl_conntrack::Result<()> {
/// use nfnl_conntrack::{tokio::AsyncEventListener, EventListener, Groups};
/// let mut events = AsyncEventListener::new(EventListener::open(Groups::FLOWS)?)?;
/// loop {
///     let (_, ev) = events.recv().await?;
///     println!("{ev}");
/// }
/// # }
/// ```
pub type AsyncEventListener = Registered<EventListener>;
