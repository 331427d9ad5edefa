//! Async conntrack events with tokio (feature `tokio`).
//!
//! [`AsyncEventListener`] waits on the runtime's reactor
//! ([`nfnl::tokio::Readiness`]) and reads with the same receive engine
//! as the blocking [`EventListener`].

use nfnl::tokio::Registered;

use crate::error::Result;
use crate::event::{Event, EventHeader, EventListener};

/// An [`EventListener`] whose [`recv`](AsyncEventListener::recv) waits
/// without blocking a thread.
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
#[derive(Debug)]
pub struct AsyncEventListener {
    inner: Registered<EventListener>,
}

impl AsyncEventListener {
    /// Registers `listener`'s socket with the current tokio runtime.
    ///
    /// # Errors
    /// Outside a tokio runtime, or if the socket cannot be registered.
    ///
    /// # Panics
    /// If the runtime was built without its I/O driver (`enable_io`), as
    /// tokio does.
    pub fn new(listener: EventListener) -> Result<Self> {
        Ok(AsyncEventListener {
            inner: Registered::new(listener)?,
        })
    }

    /// Waits for the next event.
    ///
    /// Cancel-safe: dropping the future (`tokio::select!`,
    /// `tokio::time::timeout`) loses no event; the next call returns it.
    ///
    /// # Errors
    /// As [`EventListener::recv`]; a runtime shutting down.
    pub async fn recv(&mut self) -> Result<(EventHeader, Event)> {
        loop {
            let listener = self.inner.ready_with(EventListener::poll_ready).await?;
            // What was ready may be a message that is not an event.
            match listener.try_recv() {
                Err(e) if e.is_would_block() => {}
                r => return r,
            }
        }
    }

    /// The listener.
    pub fn get_ref(&self) -> &EventListener {
        self.inner.get_ref()
    }

    /// Unregisters the socket and gives the listener back.
    pub fn into_inner(self) -> EventListener {
        self.inner.into_inner()
    }
}
