//! Async log messages with tokio (feature `tokio`): a [`Log`] registered
//! with the reactor through [`nfnl::tokio::Registered`], read with the
//! same receive engine as the blocking [`Log`].

use nfnl::tokio::Registered;

use crate::log::Log;

/// A [`Log`] whose [`recv`](Registered::recv) waits without blocking a
/// thread: nfnl's one async receiver ([`Registered`]) of a [`Log`]
/// (`get_mut` reaches the log for its configuration, `into_inner` gives it
/// back).
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
pub type AsyncLog = Registered<Log>;
