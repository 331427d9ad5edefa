//! Async use with tokio (feature `tokio`).
//!
//! - [`Readiness`] registers (a duplicate of) any descriptor with the
//!   runtime's reactor and waits until it is readable or writable; the
//!   operations themselves stay the synchronous, non-blocking ones. Subsystem
//!   crates build their async types on it without `unsafe` of their own.
//! - [`AsyncSocket`] is a [`Socket`] with async `recv` and `send`, built on
//!   [`Readiness`].
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
use crate::socket::Socket;

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

/// A [`Socket`] driven by tokio's reactor. The socket is switched to
/// non-blocking mode when wrapped.
///
/// # Examples
/// ```no_run
/// # async fn run() -> Result<(), nfnl::Error> {
/// let sock = nfnl::tokio::AsyncSocket::new(nfnl::Socket::open()?)?;
/// sock.get_ref().join_group(1)?; // NFNLGRP_CONNTRACK_NEW
/// let mut buf = vec![0; 65536];
/// loop {
///     let n = sock.recv(&mut buf).await?;
///     print!("{}", nfnl::debug::format_datagram(&buf[..n]));
/// }
/// # }
/// ```
#[derive(Debug)]
pub struct AsyncSocket {
    // Declared first, dropped first: the duplicate goes before the socket.
    ready: Readiness,
    sock: Socket,
}

impl AsyncSocket {
    /// Wraps `sock`; must be called inside a tokio runtime.
    ///
    /// # Errors
    /// [`Error::Io`] outside a tokio runtime, or if the socket cannot be made
    /// non-blocking or registered.
    ///
    /// # Panics
    /// As [`Readiness::new`].
    pub fn new(sock: Socket) -> Result<Self, Error> {
        let ready = Readiness::new(&sock, Interest::READABLE | Interest::WRITABLE)?;
        sock.set_nonblocking(true)?;
        Ok(AsyncSocket { ready, sock })
    }

    /// The socket, for its options and synchronous sends.
    pub fn get_ref(&self) -> &Socket {
        &self.sock
    }

    /// Unwraps the socket (it stays non-blocking).
    pub fn into_inner(self) -> Socket {
        self.sock
    }

    /// Receives one datagram from the kernel, waiting asynchronously.
    ///
    /// # Errors
    /// As [`Socket::recv`]: [`Error::Overrun`], [`Error::Truncated`], I/O errors.
    pub async fn recv(&self, buf: &mut [u8]) -> Result<usize, Error> {
        let sock = &self.sock;
        self.ready
            .read_with(|| would_block_none(sock.recv(buf, crate::reader::Wait::Poll)))
            .await
    }

    /// Sends `buf` to the kernel, waiting asynchronously if the socket's
    /// send buffer is full.
    ///
    /// # Errors
    /// I/O errors from `sendto(2)`.
    pub async fn send(&self, buf: &[u8]) -> Result<(), Error> {
        let sock = &self.sock;
        self.ready
            .write_with(|| would_block_none(sock.send(buf)))
            .await
    }
}

/// A receiver of a subsystem crate (a queue, a listener, a log...)
/// registered with tokio's reactor: the one async wrapper they share.
///
/// The receiver says, without waiting, whether a message is ready in it;
/// [`Registered::ready_with`] waits on the reactor until it is and then
/// hands the receiver back, whose non-blocking receive returns the message
/// without a system call.
///
/// # Examples
/// ```no_run
/// # async fn run() -> Result<(), nfnl::Error> {
/// use nfnl::{tokio::Registered, Reader, Socket, Wait};
/// let sock = Socket::open()?;
/// sock.join_group(1)?;
/// let mut r = Registered::new(Reader::new(sock, 8, 65536))?;
/// loop {
///     let reader = r
///         .ready_with(|r: &mut Reader| match r.fill(Wait::Poll) {
///             Ok(()) => Ok(true),
///             Err(e) if e.is_would_block() => Ok(false),
///             Err(e) => Err(e),
///         })
///         .await?;
///     let msg = reader.next(Wait::Poll)?;
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
    /// Registers `inner`'s descriptor for readability with the current
    /// runtime.
    ///
    /// # Errors
    /// As [`Readiness::new`].
    ///
    /// # Panics
    /// As [`Readiness::new`].
    pub fn new(inner: T) -> Result<Self, Error> {
        let ready = Readiness::new(&inner, Interest::READABLE)?;
        Ok(Registered { ready, inner })
    }

    /// Waits until `poll` finds a message ready in the receiver (`true`;
    /// `false` after a receive would block), then returns the receiver.
    /// Cancel-safe as long as `poll` only makes a message ready without
    /// taking it.
    ///
    /// # Errors
    /// `poll`'s errors; the runtime's.
    pub async fn ready_with<E: From<Error>>(
        &mut self,
        mut poll: impl FnMut(&mut T) -> Result<bool, E>,
    ) -> Result<&mut T, E> {
        let inner = &mut self.inner;
        self.ready
            .read_with(|| poll(inner).map(|ready| ready.then_some(())))
            .await?;
        Ok(&mut self.inner)
    }

    /// The receiver.
    pub fn get_ref(&self) -> &T {
        &self.inner
    }

    /// The receiver, to configure it (receiving through it directly may
    /// block).
    pub fn get_mut(&mut self) -> &mut T {
        &mut self.inner
    }

    /// Unregisters the descriptor and gives the receiver back.
    pub fn into_inner(self) -> T {
        self.inner
    }
}

/// `Ok(None)` for a would-block error, as [`Readiness::read_with`] wants.
fn would_block_none<T>(r: Result<T, Error>) -> Result<Option<T>, Error> {
    match r {
        Ok(t) => Ok(Some(t)),
        Err(e) if e.is_would_block() => Ok(None),
        Err(e) => Err(e),
    }
}
