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

use nfnl::{Reader, Receive, Socket, Sort, Wait};
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
/// use nfnl_acct::{Acct, NewObject, Quota, QuotaListener, Receive};
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

    /// Opens a socket inside the network namespace named by the file at
    /// `netns` (`/run/netns/NAME` as made by `ip netns add NAME`,
    /// `/proc/PID/ns/net`), in one call ([`Socket::open_in_netns_path`]
    /// then [`QuotaListener::from_socket`]). It works in that namespace from any thread; the calling
    /// thread stays in its own. With an open namespace file instead of a
    /// path: `QuotaListener::from_socket(Socket::open_in_netns(fd)?)`.
    ///
    /// # Errors
    /// [`Error::Netlink`] naming `netns` if it cannot be opened or is no network
    /// namespace; `EPERM` without `CAP_SYS_ADMIN` over it (`setns(2)`); as [`QuotaListener::open`].
    pub fn open_in_netns(netns: impl AsRef<std::path::Path>) -> Result<Self, Error> {
        Self::from_socket(Socket::open_in_netns_path(netns)?)
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

    /// Lets the socket's receive buffer grow on each overrun, doubling up
    /// to `cap` bytes, or keeps it as it is (`None`, the default). The
    /// overrun is still reported (the notifications it lost are lost); the next burst of
    /// the same size fits. Growth past `net.core.rmem_max` needs
    /// `CAP_NET_ADMIN` in the initial user namespace. See
    /// [`Reader::set_recv_buffer_growth`](nfnl::Reader::set_recv_buffer_growth),
    /// and [its guide](nfnl::reader#sizing-the-receive-buffer) to the size
    /// a given rate needs.
    pub fn set_recv_buffer_growth(&mut self, cap: Option<usize>) {
        self.reader.set_recv_buffer_growth(cap);
    }

    /// The socket (receive buffer size, polling).
    pub fn socket(&self) -> &Socket {
        self.reader.socket()
    }

    /// Messages the receive calls skipped as not notifications.
    pub fn skipped(&self) -> u64 {
        self.reader.skipped()
    }
}

/// Receiving notifications: [`Receive::recv`], [`Receive::try_recv`],
/// [`Receive::recv_timeout`] (import [`Receive`], re-exported at the crate
/// root), and the async [`tokio::AsyncQuotaListener`](crate::tokio).
/// Each returns the object as it was when it reached its quota
/// ([`Object::is_over_quota`] is true).
///
/// # Errors
/// [`ErrorExt::is_overrun`](nfnl::ErrorExt::is_overrun) once when
/// notifications were lost (the listener goes on); parse and I/O errors.
/// Other messages are skipped and counted in [`QuotaListener::skipped`].
impl Receive for QuotaListener {
    type Item<'a> = Object;
    type Error = Error;

    fn fill(&mut self, wait: Wait) -> Result<(), Error> {
        self.reader.fill_sorted(wait, &mut || Ok(()), |m| {
            if m.msg_type() == NOTIFICATION_TYPE {
                Sort::Mine
            } else {
                Sort::NotMine
            }
        })
    }

    fn take(&mut self) -> Result<Object, Error> {
        let msg = self.reader.next(Wait::Poll)?;
        Ok(Object::decode(&msg.nf()?)?)
    }
}

/// `nlmsg_type` of a notification: the kernel sends `NFNL_MSG_ACCT_NEW`.
const NOTIFICATION_TYPE: u16 =
    ((sys::NFNL_SUBSYS_ACCT as u16) << 8) | sys::NFNL_MSG_ACCT_NEW as u16;

impl AsFd for QuotaListener {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.reader.socket().as_fd()
    }
}
