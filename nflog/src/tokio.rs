//! Async log messages with tokio (feature `tokio`).
//!
//! [`AsyncLog`] waits on the runtime's reactor
//! ([`nfnetlink::tokio::Readiness`]) and reads with the same receive engine
//! as the blocking [`Log`].

use nfnetlink::tokio::{Interest, Readiness};

use crate::error::Error;
use crate::log::Log;
use crate::message::LogMsg;

/// A [`Log`] whose [`recv`](AsyncLog::recv) waits without blocking a
/// thread.
///
/// # Examples
/// ```no_run
/// # async fn run() -> Result<(), nflog::Error> {
/// use nflog::{tokio::AsyncLog, GroupConfig, Log};
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
pub struct AsyncLog {
    // Declared first, dropped first: the registered duplicate goes before
    // the socket.
    ready: Readiness,
    log: Log,
}

impl AsyncLog {
    /// Registers `log`'s socket with the current tokio runtime.
    ///
    /// # Errors
    /// Outside a tokio runtime, or if the socket cannot be registered.
    ///
    /// # Panics
    /// If the runtime was built without its I/O driver (`enable_io`), as
    /// tokio does.
    pub fn new(log: Log) -> Result<Self, Error> {
        let ready = Readiness::new(&log, Interest::READABLE)?;
        Ok(AsyncLog { ready, log })
    }

    /// Waits for the next logged packet.
    ///
    /// Cancel-safe: dropping the future (`tokio::select!`,
    /// `tokio::time::timeout`) loses no message; the next call returns it.
    ///
    /// # Errors
    /// As [`Log::recv`]; a runtime shutting down.
    pub async fn recv(&mut self) -> Result<LogMsg<'_>, Error> {
        let log = &mut self.log;
        self.ready
            .read_with(|| log.poll_ready().map(|ready| ready.then_some(())))
            .await?;
        // The message is ready in the reader: no system call, no wait.
        self.log.try_recv()
    }

    /// The log (to bind or configure groups).
    pub fn get_mut(&mut self) -> &mut Log {
        &mut self.log
    }

    /// Unregisters the socket and gives the log back.
    pub fn into_inner(self) -> Log {
        self.log
    }
}
