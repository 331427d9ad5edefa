//! Async use with tokio (feature `tokio`).
//!
//! - [`Readiness`] registers (a duplicate of) any descriptor with the
//!   runtime's reactor and waits until it is readable or writable; the
//!   operations themselves stay the synchronous, non-blocking ones. Subsystem
//!   crates build their async types on it without `unsafe` of their own.
//! - [`Registered`] is any subsystem receiver ([`crate::Receive`]) with
//!   an async `recv`: the one async receive of the workspace.
//!
//! The raw door below the receive engine is [`crate::Socket::recv`] with a
//! [`Readiness`]: one datagram at a time, no batching, no stash, for tests
//! and tools that want the bytes.
//!
//! The protocol logic is the same sans-IO code ([`crate::Pending`], the
//! parsers); only the waiting differs.

// Registering a descriptor with tokio's reactor is an `unsafe` call since
// tokio 1.5x (I/O safety); the one block below says why it is sound.
#![allow(unsafe_code)]

use std::io;
use std::os::fd::{AsFd, OwnedFd};

use tokio::io::unix::{AsyncFd, AsyncFdReadyGuard};

pub use tokio::io::Interest;

use crate::error::Error;
use crate::receive::Receive;

/// The reactor's view of a descriptor: waits, without blocking a thread,
/// until it is readable (or writable).
///
/// It holds its own duplicate of the descriptor (`dup(2)`): the duplicate
/// refers to the same open file description, so its readiness is that of
/// the original; being owned, it stays valid however the original is used
/// or closed. The open file description (the socket) stays open until the
/// `Readiness` is dropped too.
///
/// Readiness is edge-triggered: once the descriptor was seen ready, waiting
/// returns at once until the readiness is cleared, which must happen only
/// after an operation reported that it would block
/// ([`ReadyGuard::clear_ready`]). [`Readiness::read_with`] does it all.
///
/// # Examples
/// ```no_run
/// # async fn run() -> Result<(), nfnl::Error> {
/// use nfnl::tokio::{Interest, Readiness};
/// use nfnl::ErrorExt as _;
/// let sock = nfnl::Socket::open()?;
/// let ready = Readiness::new(&sock, Interest::READABLE)?;
/// let mut buf = vec![0; 65536];
/// let n = ready
///     .read_with(|| match sock.recv(&mut buf, nfnl::Wait::Poll) {
///         Ok(n) => Ok(Some(n)),
///         Err(e) if e.is_would_block() => Ok(None),
///         Err(e) => Err(e),
///     })
///     .await?;
/// # let _ = n; Ok(()) }
/// ```
#[derive(Debug)]
pub struct Readiness {
    fd: AsyncFd<OwnedFd>,
    interest: Interest,
}

impl Readiness {
    /// Registers a duplicate of `fd` with the current tokio runtime for
    /// `interest` (which [`Readiness::readable`] and
    /// [`Readiness::writable`] may wait for). The descriptor's blocking mode
    /// is left alone: the operations run after waiting must not block (use
    /// `MSG_DONTWAIT` or a non-blocking descriptor).
    ///
    /// # Errors
    /// [`Error::Io`] outside a tokio runtime, or if the descriptor cannot be
    /// duplicated or registered.
    ///
    /// # Panics
    /// If the runtime was built without its I/O driver (`enable_io`), as
    /// tokio does.
    pub fn new(fd: impl AsFd, interest: Interest) -> Result<Self, Error> {
        if tokio::runtime::Handle::try_current().is_err() {
            return Err(Error::Io(io::Error::other(
                "registering a descriptor needs a tokio runtime",
            )));
        }
        let dup = fd.as_fd().try_clone_to_owned()?;
        // SAFETY: the `AsyncFd` owns `dup`, an `OwnedFd` nobody else has: the
        // descriptor stays open, and refers to the same open file description,
        // until the `AsyncFd` is dropped (it is never given back: no
        // `into_inner`, no `get_mut`), and `OwnedFd::as_raw_fd` always returns
        // that descriptor.
        let fd = unsafe { AsyncFd::register_with_interest(dup, interest) }
            .map_err(|e| Error::Io(e.into_parts().1))?;
        Ok(Readiness { fd, interest })
    }

    /// Waits until the descriptor is readable (at once if it was seen
    /// readable and not cleared since). Try the operation, then call
    /// [`ReadyGuard::clear_ready`] if it would block.
    ///
    /// # Errors
    /// [`Error::Io`] if the runtime is shutting down, or if the descriptor
    /// was not registered for reading.
    pub async fn readable(&self) -> Result<ReadyGuard<'_>, Error> {
        self.check(Interest::READABLE)?;
        Ok(ReadyGuard(self.fd.readable().await?))
    }

    /// Waits until the descriptor is writable; as [`Readiness::readable`].
    ///
    /// # Errors
    /// [`Error::Io`] if the runtime is shutting down, or if the descriptor
    /// was not registered for writing.
    pub async fn writable(&self) -> Result<ReadyGuard<'_>, Error> {
        self.check(Interest::WRITABLE)?;
        Ok(ReadyGuard(self.fd.writable().await?))
    }

    /// Runs `f` until it returns a value, waiting for readability between
    /// tries. `f` must not block: it returns `Ok(None)` when it would
    /// (`EAGAIN`), which clears the readiness seen before the try.
    ///
    /// `f` runs once before any waiting, so whatever the caller buffered
    /// itself is returned without a wake-up from the kernel. Cancelling the
    /// future between tries loses nothing that `f` did not take.
    ///
    /// # Errors
    /// `f`'s errors; [`Readiness::readable`]'s.
    pub async fn read_with<T, E>(&self, f: impl FnMut() -> Result<Option<T>, E>) -> Result<T, E>
    where
        E: From<Error>,
    {
        self.with(Interest::READABLE, f).await
    }

    /// Runs `f` until it returns a value, waiting for writability between
    /// tries; as [`Readiness::read_with`].
    ///
    /// # Errors
    /// `f`'s errors; [`Readiness::writable`]'s.
    pub async fn write_with<T, E>(&self, f: impl FnMut() -> Result<Option<T>, E>) -> Result<T, E>
    where
        E: From<Error>,
    {
        self.with(Interest::WRITABLE, f).await
    }

    async fn with<T, E>(
        &self,
        interest: Interest,
        mut f: impl FnMut() -> Result<Option<T>, E>,
    ) -> Result<T, E>
    where
        E: From<Error>,
    {
        if let Some(t) = f()? {
            return Ok(t);
        }
        loop {
            let mut guard = if interest.is_writable() {
                self.writable().await?
            } else {
                self.readable().await?
            };
            match f()? {
                Some(t) => return Ok(t),
                None => guard.clear_ready(),
            }
        }
    }

    fn check(&self, want: Interest) -> Result<(), Error> {
        let registered = if want.is_writable() {
            self.interest.is_writable()
        } else {
            self.interest.is_readable()
        };
        if registered {
            Ok(())
        } else {
            Err(Error::Io(io::Error::new(
                io::ErrorKind::InvalidInput,
                "the descriptor was not registered for this readiness",
            )))
        }
    }
}

/// Readiness seen by [`Readiness::readable`] or [`Readiness::writable`].
/// Dropping it keeps the readiness: the next wait returns at once.
#[must_use = "clear the readiness after an operation would block, or the next wait returns at once"]
#[derive(Debug)]
pub struct ReadyGuard<'a>(AsyncFdReadyGuard<'a, OwnedFd>);

impl ReadyGuard<'_> {
    /// Forgets the readiness, so the next wait sleeps until the kernel
    /// reports the descriptor ready again. Call it only after an operation
    /// reported that it would block: readiness is edge-triggered, and
    /// clearing it with data still unread waits for the next datagram. A
    /// wake-up that came after this guard was taken is kept.
    pub fn clear_ready(&mut self) {
        self.0.clear_ready();
    }
}

/// A receiver of a subsystem crate (a queue, a listener, a log...: any
/// [`Receive`]) registered with tokio's reactor: the one async receive they
/// share. Each crate names it (`nfnl_queue::AsyncQueue` is
/// `Registered<Queue>`).
///
/// [`Registered::recv`] asks the receiver, without waiting, to make its
/// next item ready ([`Receive::poll_fill`]), waits on the reactor while
/// there is none, then takes it without a system call.
///
/// # Examples
/// ```no_run
/// # async fn run() -> Result<(), nfnl::Error> {
/// # use nfnl::{Error, NfMsg, Reader, Receive, Sort, Wait};
/// # struct Listener(Reader);
/// # impl Receive for Listener {
/// #     type Item<'a> = NfMsg<'a>;
/// #     type Error = Error;
/// #     fn fill(&mut self, wait: Wait) -> Result<(), Error> {
/// #         self.0.fill_sorted(wait, &mut || Ok(()), |_| Sort::<Error>::Mine)
/// #     }
/// #     fn take(&mut self) -> Result<NfMsg<'_>, Error> { Ok(self.0.next(Wait::Poll)?.nf()?) }
/// # }
/// # impl std::os::fd::AsFd for Listener {
/// #     fn as_fd(&self) -> std::os::fd::BorrowedFd<'_> { self.0.as_fd() }
/// # }
/// # let sock = nfnl::Socket::open()?;
/// # let listener = Listener(Reader::new(sock, 8, 65536));
/// // `listener`: a receiver as in the `nfnl::receive` module docs.
/// let mut r = nfnl::tokio::Registered::new(listener)?;
/// loop {
///     let msg = r.recv().await?;
///     println!("type {:#x}", msg.msg_type());
/// }
/// # }
/// ```
#[derive(Debug)]
pub struct Registered<T> {
    // Declared first, dropped first: the registered duplicate goes before
    // the receiver closes its socket.
    ready: Readiness,
    inner: T,
}

impl<T: AsFd> Registered<T> {
    /// Registers `inner`'s descriptor with the current tokio runtime.
    ///
    /// # Errors
    /// [`Error::Io`] outside a tokio runtime or if registration fails.
    pub fn new(inner: T) -> Result<Self, Error> {
        let ready = Readiness::new(&inner, Interest::READABLE)?;
        Ok(Registered { ready, inner })
    }

    /// The receiver.
    pub fn get_ref(&self) -> &T {
        &self.inner
    }

    /// The receiver, for its synchronous methods (configuration...).
    pub fn get_mut(&mut self) -> &mut T {
        &mut self.inner
    }

    /// Gives the receiver back (its descriptor deregistered).
    pub fn into_inner(self) -> T {
        self.inner
    }
}

impl<T: AsFd + Receive> Registered<T> {
    /// Waits, without blocking a thread, for the receiver's next item.
    ///
    /// # Errors
    /// As the receiver's [`Receive::recv`].
    pub async fn recv(&mut self) -> Result<T::Item<'_>, T::Error> {
        let inner = &mut self.inner;
        self.ready
            .read_with(|| inner.poll_fill().map(|ready| ready.then_some(())))
            .await?;
        // The item is ready in the receiver: no system call, no wait.
        self.inner.take()
    }
}
