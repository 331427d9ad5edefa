//! Async ruleset events with tokio (feature `tokio`): an [`EventListener`]
//! registered with the reactor through [`nfnl::tokio::Registered`], read
//! with the same receive engine as the blocking one.

use nfnl::tokio::Registered;

use crate::event::EventListener;

/// An [`EventListener`] whose [`recv`](Registered::recv) waits without
/// blocking a thread.
///
/// # Examples
/// ```no_run
/// # async fn run() -> Result<(), nfnl_tables::Error> {
/// use nfnl_tables::{tokio::AsyncEventListener, EventListener};
/// let mut events = AsyncEventListener::new(EventListener::open()?)?;
/// loop {
///     let ev = events.recv().await?;
///     println!("{:?} {:?}", ev.change, ev.object);
/// }
/// # }
/// ```
pub type AsyncEventListener = Registered<EventListener>;
