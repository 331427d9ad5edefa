//! The receive contract every subsystem receiver implements, and the
//! receive calls it gets for it, written once.
//!
//! A subsystem receiver (a queue, a log, an event listener) says two
//! things: how to make its next item ready ([`Receive::fill`], usually
//! [`Reader::fill_sorted`](crate::Reader::fill_sorted) with a [`Sort`] of its message types) and how to
//! decode the ready message ([`Receive::take`]). It then has
//! [`Receive::recv`], [`Receive::try_recv`], [`Receive::recv_timeout`] and,
//! with the `tokio` feature, the async `recv` of
//! [`nfnl::tokio::Registered`](crate::tokio), all the same
//! everywhere.
//!
//! One policy for every message that is not the receiver's (a late
//! acknowledgement of a request that timed out, an answer nobody waits for,
//! a message type of another subsystem): skipped and counted in
//! [`Reader::skipped`](crate::Reader::skipped), never an error. Overruns, truncated datagrams and
//! malformed headers are reported where they happened, once, and the
//! receiver goes on ([`ErrorExt::is_recoverable`]).
//!
//! # The smallest complete receiver
//! A listener of one multicast group that returns the nfnetlink messages of
//! one subsystem:
//! ```no_run
//! use nfnl::{Error, NfMsg, Reader, Receive, Socket, Sort, Wait};
//!
//! struct Listener {
//!     reader: Reader,
//!     subsys: u8,
//! }
//!
//! impl Receive for Listener {
//!     type Item<'a> = NfMsg<'a>;
//!     type Error = Error;
//!
//!     fn fill(&mut self, wait: Wait) -> Result<(), Error> {
//!         let subsys = self.subsys;
//!         self.reader.fill_sorted(wait, &mut || Ok(()), |m| {
//!             if (m.msg_type() >> 8) as u8 == subsys { Sort::Mine } else { Sort::NotMine }
//!         })
//!     }
//!
//!     fn take(&mut self) -> Result<NfMsg<'_>, Error> {
//!         Ok(self.reader.next(Wait::Poll)?.nf()?)
//!     }
//! }
//!
//! let sock = Socket::open()?;
//! sock.join_group(1)?; // NFNLGRP_CONNTRACK_NEW
//! let mut l = Listener { reader: Reader::new(sock, 16, 64 * 1024), subsys: 1 };
//! let msg = l.recv()?;
//! println!("type {}", msg.msg_type());
//! # Ok::<(), nfnl::Error>(())
//! ```

use std::time::Duration;

use crate::error::{Error, ErrorExt};
use crate::reader::Wait;

/// What a receiver does with a message, decided from the message before it
/// is taken ([`Reader::fill_sorted`](crate::Reader::fill_sorted)).
#[derive(Debug)]
pub enum Sort<E> {
    /// One of the receiver's: make it ready for [`Receive::take`].
    Mine,
    /// Not the receiver's: skip it and count it in
    /// [`Reader::skipped`](crate::Reader::skipped).
    NotMine,
    /// Not an item, but something to report (nfqueue: the kernel refused a
    /// verdict): skip it and return this error.
    Fail(E),
}

/// A receiver of one subsystem's messages: see the [module docs](self).
///
/// Implement [`Receive::fill`] and [`Receive::take`]; the receive calls
/// come with it.
pub trait Receive {
    /// What one receive returns (it may borrow the receiver's buffers).
    type Item<'a>
    where
        Self: 'a;
    /// The subsystem's error.
    type Error: From<Error> + ErrorExt;

    /// Makes the next item ready, waiting as `wait` says, without taking
    /// it: afterwards [`Receive::take`] returns it without a system call.
    ///
    /// # Errors
    /// With [`Wait::Poll`] one for which [`ErrorExt::is_would_block`] is
    /// true when nothing is there; with [`Wait::Until`] [`Error::Timeout`];
    /// the recoverable receive errors (overrun, truncated or malformed
    /// datagram); the subsystem's own.
    fn fill(&mut self, wait: Wait) -> Result<(), Self::Error>;

    /// Takes and decodes the item [`Receive::fill`] made ready.
    ///
    /// # Errors
    /// A malformed message (recoverable: the next receive goes on after
    /// it).
    fn take(&mut self) -> Result<Self::Item<'_>, Self::Error>;

    /// For async receivers: [`Receive::fill`] without waiting, `Ok(false)`
    /// when nothing is there yet. A receiver overrides it when a wait could
    /// never end (nfqueue with no queue bound).
    ///
    /// # Errors
    /// As [`Receive::fill`], except "would block".
    fn poll_fill(&mut self) -> Result<bool, Self::Error> {
        match self.fill(Wait::Poll) {
            Ok(()) => Ok(true),
            Err(e) if e.is_would_block() => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Waits for the next item.
    ///
    /// # Errors
    /// As [`Receive::fill`] and [`Receive::take`].
    fn recv(&mut self) -> Result<Self::Item<'_>, Self::Error> {
        self.fill(Wait::Block)?;
        self.take()
    }

    /// The next item if one is there already; otherwise an error for which
    /// [`ErrorExt::is_would_block`] is true.
    ///
    /// # Errors
    /// As [`Receive::recv`].
    fn try_recv(&mut self) -> Result<Self::Item<'_>, Self::Error> {
        self.fill(Wait::Poll)?;
        self.take()
    }

    /// Waits at most `timeout` for the next item (then an error for which
    /// [`ErrorExt::is_timeout`] is true).
    ///
    /// # Errors
    /// As [`Receive::recv`].
    fn recv_timeout(&mut self, timeout: Duration) -> Result<Self::Item<'_>, Self::Error> {
        self.fill(Wait::timeout(timeout))?;
        self.take()
    }
}
