//! Async over-quota notifications with tokio (feature `tokio`): a
//! [`QuotaListener`] registered with the reactor through
//! [`nfnl::tokio::Registered`], read with the same receive engine as the
//! blocking one.

use nfnl::tokio::Registered;

use crate::quota::QuotaListener;

/// A [`QuotaListener`] whose [`recv`](Registered::recv) waits
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
pub type AsyncQuotaListener = Registered<QuotaListener>;
