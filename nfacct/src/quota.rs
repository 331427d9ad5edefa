//! Over-quota notifications: a socket joined to `NFNLGRP_ACCT_QUOTA`.
//!
//! ```text
//! -m nfacct rule ─ packet ─▶ nfnl_acct_overquota: counter ≥ quota and OVERQUOTA was clear
//!   └─ sets OVERQUOTA, broadcasts NFNL_MSG_ACCT_NEW (seq 0, port 0) with the object
//!        └─ recvmmsg ─▶ nfnl::Reader ─▶ QuotaListener::recv ─▶ Object
//! ```
//!
//! One notification per crossing: the kernel sends again only after the
//! flag was cleared by a reset ([`Acct::get_and_reset`](crate::Acct::get_and_reset),
//! [`Acct::dump_and_reset`](crate::Acct::dump_and_reset)).

use std::os::fd::{AsFd, BorrowedFd};
use std::time::Duration;

use nfnl::{Reader, Socket, Wait};
use nfnl_sys as sys;

use crate::error::Error;
use crate::object::Object;

/// Datagrams read per `recvmmsg`.
const SLOTS: usize = 8;
/// Bytes per receive slot: a notification is one object of under 100 bytes
/// in a datagram of at most `NLMSG_DEFAULT_SIZE` (a page).
const SLOT_LEN: usize = 8192;

/// Receives the kernel's over-quota notifications (`NFNLGRP_ACCT_QUOTA`) of
/// the calling thread's network namespace.
///
/// # Examples
/// ```no_run
/// use nfnl_acct::{Acct, NewObject, Quota, QuotaListener};
/// let mut quotas = QuotaListener::open()?;
/// Acct::open()?.create(&NewObject::new("guest")?.quota(Quota::Bytes(1 << 30)))?;
/// // iptables -A FORWARD -s 10.0.9.0/24 -m nfacct --nfacct-name guest -j DROP
/// let over = quotas.recv()?;
/// println!("{} is over its quota: {} bytes", over.name(), over.bytes());
/// # Ok::<(), nfnl_acct::Error>(())
/// ```
#[derive(Debug)]
pub struct QuotaListener {
    reader: Reader,
}

impl QuotaListener {
    /// Opens a socket in the calling thread's namespace and joins
    /// `NFNLGRP_ACCT_QUOTA`.
    ///
    /// # Errors
    /// `EPERM` without `CAP_NET_ADMIN`; I/O errors.
    pub fn open() -> Result<Self, Error> {
        Self::from_socket(Socket::open()?)
    }

    /// Joins `NFNLGRP_ACCT_QUOTA` on an open socket.
    ///
    /// # Errors
    /// As [`QuotaListener::open`].
    pub fn from_socket(sock: Socket) -> Result<Self, Error> {
        sock.join_group(sys::NFNLGRP_ACCT_QUOTA)?;
        Ok(QuotaListener {
            reader: Reader::new(sock, SLOTS, SLOT_LEN),
        })
    }

    /// The socket (receive buffer size, polling).
    pub fn socket(&self) -> &Socket {
        self.reader.socket()
    }

    /// Waits for the next notification: the object as it was when it
    /// reached its quota ([`Object::is_over_quota`] is true).
    ///
    /// # Errors
    /// [`Error::is_overrun`] once when notifications were lost (the
    /// listener goes on); parse and I/O errors.
    pub fn recv(&mut self) -> Result<Object, Error> {
        self.next(Wait::Block)
    }

    /// The next notification if one has arrived, else an error for which
    /// [`Error::is_would_block`] is true.
    ///
    /// # Errors
    /// As [`QuotaListener::recv`].
    pub fn try_recv(&mut self) -> Result<Object, Error> {
        self.next(Wait::Poll)
    }

    /// The next notification, waiting at most `timeout` (then an error for
    /// which [`Error::is_timeout`] is true).
    ///
    /// # Errors
    /// As [`QuotaListener::recv`].
    pub fn recv_timeout(&mut self, timeout: Duration) -> Result<Object, Error> {
        self.next(Wait::timeout(timeout))
    }

    /// For the async listener: makes the next message ready without
    /// waiting; `Ok(false)` when there is none yet.
    #[cfg(feature = "tokio")]
    pub(crate) fn poll_ready(&mut self) -> Result<bool, Error> {
        match self.reader.fill(Wait::Poll) {
            Ok(()) => Ok(true),
            Err(e) if e.is_would_block() => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    /// The next accounting object message; other messages are skipped.
    fn next(&mut self, wait: Wait) -> Result<Object, Error> {
        loop {
            let msg = self.reader.next(wait)?;
            let Ok(nf) = msg.nf() else { continue };
            if nf.subsystem() != sys::NFNL_SUBSYS_ACCT || nf.msg_type() != sys::NFNL_MSG_ACCT_NEW {
                continue;
            }
            return Ok(Object::decode(&nf)?);
        }
    }
}

impl AsFd for QuotaListener {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.reader.socket().as_fd()
    }
}
