//! Async ruleset events and traces with tokio (feature `tokio`): an
//! [`EventListener`] or a [`TraceListener`] registered with the reactor
//! through [`nfnl::tokio::Registered`], read with the same receive engine
//! as the blocking ones.

use nfnl::tokio::Registered;

use crate::event::EventListener;
use crate::trace::TraceListener;

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

/// A [`TraceListener`] whose [`recv`](Registered::recv) waits without
/// blocking a thread.
pub type AsyncTraceListener = Registered<TraceListener>;
