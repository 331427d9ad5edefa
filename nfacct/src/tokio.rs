//! Async over-quota notifications with tokio (feature `tokio`): a
//! [`QuotaListener`] registered with the reactor through
//! [`nfnl::tokio::Registered`], read with the same receive engine as the
//! blocking one.

use nfnl::tokio::Registered;

use crate::error::Error;
use crate::object::Object;
use crate::quota::QuotaListener;

/// A [`QuotaListener`] whose [`recv`](AsyncQuotaListener::recv) waits
/// without blocking a thread.
///
/// # Examples
/// ```no_run
/// # async fn run() -> Result<(), nfnl_acct::Error> {
/// use nfnl_acct::{tokio::AsyncQuotaListener, QuotaListener};
/// let mut quotas = AsyncQuotaListener::new(QuotaListener::open()?)?;
/// loop {
///     let over = quotas.recv().await?;
///     println!("{} over quota", over.name());
/// }
/// # }
/// ```
#[derive(Debug)]
pub struct AsyncQuotaListener(Registered<QuotaListener>);

impl AsyncQuotaListener {
    /// Registers the listener's socket with the current tokio runtime
    /// (which must have its I/O driver).
    ///
    /// # Errors
    /// Outside a tokio runtime, or if the socket cannot be registered.
    pub fn new(listener: QuotaListener) -> Result<Self, Error> {
        Ok(AsyncQuotaListener(Registered::new(listener)?))
    }

    /// Waits for the next notification. Cancel-safe: a dropped wait
    /// (`tokio::select!`, `tokio::time::timeout`) takes no message.
    ///
    /// # Errors
    /// As [`QuotaListener::recv`]; a runtime shutting down.
    pub async fn recv(&mut self) -> Result<Object, Error> {
        loop {
            let listener = self.0.ready_with(QuotaListener::poll_ready).await?;
            // A message is ready in the reader: no system call, no wait. It
            // may be one the listener skips: then wait again.
            match listener.try_recv() {
                Err(e) if e.is_would_block() => continue,
                other => return other,
            }
        }
    }

    /// The listener.
    pub fn get_mut(&mut self) -> &mut QuotaListener {
        self.0.get_mut()
    }

    /// Unregisters the socket and gives the listener back.
    pub fn into_inner(self) -> QuotaListener {
        self.0.into_inner()
    }
}
