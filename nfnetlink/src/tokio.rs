//! Async use with tokio (feature `tokio`): [`AsyncSocket`] registers a
//! [`Socket`] with the runtime's reactor and waits for readiness instead of
//! blocking a thread. The protocol logic is the same sans-IO code
//! ([`crate::Pending`], the parsers); only the waiting differs.

// Registering a descriptor with tokio's reactor is an `unsafe` call since
// tokio 1.5x (I/O safety); the one block below says why it is sound.
#![allow(unsafe_code)]

use std::io;

use tokio::io::unix::AsyncFd;
use tokio::io::Interest;

use crate::error::Error;
use crate::socket::Socket;

/// A [`Socket`] driven by tokio's reactor. The socket is switched to
/// non-blocking mode when wrapped.
///
/// # Examples
/// ```no_run
/// # async fn run() -> Result<(), nfnetlink::Error> {
/// let sock = nfnetlink::tokio::AsyncSocket::new(nfnetlink::Socket::open()?)?;
/// sock.get_ref().join_group(1)?; // NFNLGRP_CONNTRACK_NEW
/// let mut buf = vec![0; 65536];
/// loop {
///     let n = sock.recv(&mut buf).await?;
///     print!("{}", nfnetlink::debug::format_datagram(&buf[..n]));
/// }
/// # }
/// ```
#[derive(Debug)]
pub struct AsyncSocket {
    inner: AsyncFd<Socket>,
}

impl AsyncSocket {
    /// Wraps `sock`; must be called inside a tokio runtime.
    ///
    /// # Errors
    /// [`Error::Io`] outside a tokio runtime, or if the socket cannot be made
    /// non-blocking or registered.
    pub fn new(sock: Socket) -> Result<Self, Error> {
        if tokio::runtime::Handle::try_current().is_err() {
            return Err(Error::Io(io::Error::other(
                "AsyncSocket::new needs a tokio runtime",
            )));
        }
        sock.set_nonblocking(true)?;
        // SAFETY: the `AsyncFd` owns the `Socket`, which owns its `OwnedFd`:
        // the descriptor stays open and the same until the `AsyncFd` is
        // dropped or `into_inner` gives the socket back, and `as_raw_fd`
        // always returns that descriptor.
        let inner = unsafe {
            AsyncFd::register_with_interest(sock, Interest::READABLE | Interest::WRITABLE)
        }
        .map_err(|e| Error::Io(e.into_parts().1))?;
        Ok(AsyncSocket { inner })
    }

    /// The socket, for its options and synchronous sends.
    pub fn get_ref(&self) -> &Socket {
        self.inner.get_ref()
    }

    /// Unwraps the socket (it stays non-blocking).
    pub fn into_inner(self) -> Socket {
        self.inner.into_inner()
    }

    /// Receives one datagram from the kernel, waiting asynchronously.
    ///
    /// # Errors
    /// As [`Socket::recv`]: [`Error::Overrun`], [`Error::Truncated`], I/O errors.
    pub async fn recv(&self, buf: &mut [u8]) -> Result<usize, Error> {
        loop {
            let mut guard = self.inner.readable().await?;
            match guard.try_io(|s| s.get_ref().try_recv(buf).map_err(to_io)) {
                Ok(r) => return r.map_err(from_io),
                Err(_would_block) => continue,
            }
        }
    }

    /// Sends `buf` to the kernel, waiting asynchronously if the socket's
    /// send buffer is full.
    ///
    /// # Errors
    /// I/O errors from `sendto(2)`.
    pub async fn send(&self, buf: &[u8]) -> Result<(), Error> {
        loop {
            let mut guard = self.inner.writable().await?;
            match guard.try_io(|s| s.get_ref().send(buf).map_err(to_io)) {
                Ok(r) => return r.map_err(from_io),
                Err(_would_block) => continue,
            }
        }
    }
}

/// Carries our error through `try_io`, which speaks `io::Error`: would-block
/// stays recognisable, anything else is boxed and unboxed again by [`from_io`].
fn to_io(e: Error) -> io::Error {
    match e {
        Error::Io(io) => io,
        other => io::Error::other(other),
    }
}

fn from_io(e: io::Error) -> Error {
    if e.get_ref().is_some_and(|inner| inner.is::<Error>()) {
        if let Some(inner) = e.into_inner() {
            if let Ok(err) = inner.downcast::<Error>() {
                return *err;
            }
        }
        return Error::Io(io::Error::other("unrecoverable error"));
    }
    Error::Io(e)
}
