//! Async log messages with tokio (feature `tokio`): a [`Log`] registered
//! with the reactor through [`nfnl::tokio::Registered`], read with the
//! same receive engine as the blocking [`Log`].

use nfnl::tokio::Registered;

use crate::error::Error;
use crate::log::Log;
use crate::message::LogMsg;

/// A [`Log`] whose [`recv`](AsyncLog::recv) waits without blocking a
/// thread.
///
/// # Examples
/// ```no_run
/// # async fn run() -> Result<(), nfnl_log::Error> {
/// use nfnl_log::{tokio::AsyncLog, GroupConfig, Log};
/// let mut log = Log::open()?;
/// log.bind(&GroupConfig::new(0))?;
/// let mut log = AsyncLog::new(log)?;
/// loop {
///     let m = log.recv().await?;
///     println!("{:?}", m.prefix());
/// }
/// # }
/// ```
#[derive(Debug)]
pub struct AsyncLog(Registered<Log>);

impl AsyncLog {
    /// Registers `log`'s socket with the current tokio runtime (which must
    /// have its I/O driver).
    ///
    /// # Errors
    /// Outside a tokio runtime, or if the socket cannot be registered.
    pub fn new(log: Log) -> Result<Self, Error> {
        Ok(AsyncLog(Registered::new(log)?))
    }

    /// Waits for the next logged packet. Cancel-safe: a dropped wait
    /// (`tokio::select!`, `tokio::time::timeout`) takes no message.
    ///
    /// # Errors
    /// As [`Log::recv`]; a runtime shutting down.
    pub async fn recv(&mut self) -> Result<LogMsg<'_>, Error> {
        let log = self.0.ready_with(Log::poll_ready).await?;
        // The message is ready in the reader: no system call, no wait.
        log.try_recv()
    }

    /// The log (to bind or configure groups).
    pub fn get_mut(&mut self) -> &mut Log {
        self.0.get_mut()
    }

    /// Unregisters the socket and gives the log back.
    pub fn into_inner(self) -> Log {
        self.0.into_inner()
    }
}
