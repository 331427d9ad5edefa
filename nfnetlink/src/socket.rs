//! The `NETLINK_NETFILTER` socket.
//!
//! The only module with `unsafe`: the netlink socket options (`SOL_NETLINK`)
//! that nix does not wrap are set with `libc::setsockopt`.

#![allow(unsafe_code)]

use std::io::{self, IoSliceMut};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::libc;
use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use nix::sys::socket::{
    bind, getsockname, getsockopt, recvmsg, sendto, setsockopt, socket, sockopt, AddressFamily,
    MsgFlags, NetlinkAddr, SockFlag, SockProtocol, SockType,
};

use nfnl_sys::{
    NETLINK_ADD_MEMBERSHIP, NETLINK_BROADCAST_ERROR, NETLINK_CAP_ACK, NETLINK_DROP_MEMBERSHIP,
    NETLINK_EXT_ACK, NETLINK_NO_ENOBUFS, SOL_NETLINK,
};

use crate::error::Error;

/// A `NETLINK_NETFILTER` socket: an owned, close-on-exec file descriptor
/// bound to a kernel-assigned port id.
///
/// All methods take `&self`, so one socket can be shared (for example in an
/// `Arc`) between a receiving thread and threads that send.
///
/// Every received datagram is checked to come from the kernel (sender port
/// id 0, see `netlink_recvmsg`); anything else is dropped and counted in
/// [`Socket::foreign_dropped`].
///
/// # Privileges
/// Opening needs no privilege; most requests need `CAP_NET_ADMIN` in the
/// user namespace that owns the socket's network namespace.
///
/// # References
/// `netlink(7)`, `socket(2)`, `recvmsg(2)`.
#[derive(Debug)]
pub struct Socket {
    fd: OwnedFd,
    port_id: u32,
    foreign: AtomicU64,
}

impl Socket {
    /// Opens a socket in the calling thread's network namespace.
    ///
    /// # Errors
    /// [`Error::Io`] if the socket cannot be created or bound.
    pub fn open() -> Result<Self, Error> {
        let fd = socket(
            AddressFamily::Netlink,
            SockType::Raw,
            SockFlag::SOCK_CLOEXEC,
            SockProtocol::NetlinkNetFilter,
        )?;
        bind(fd.as_raw_fd(), &NetlinkAddr::new(0, 0))?;
        Self::from_fd(fd)
    }

    /// Opens a socket inside the network namespace `netns` (for example an
    /// open `/run/netns/NAME` or `/proc/PID/ns/net`). The socket stays bound
    /// to that namespace and can be used from any thread; the calling thread
    /// does not change namespace (a short-lived helper thread does).
    ///
    /// # Errors
    /// [`Error::Io`] if `setns(2)` or the socket fails.
    pub fn open_in_netns(netns: BorrowedFd<'_>) -> Result<Self, Error> {
        let ns = netns.try_clone_to_owned()?;
        std::thread::scope(|s| {
            s.spawn(move || {
                nix::sched::setns(&ns, nix::sched::CloneFlags::CLONE_NEWNET)?;
                Socket::open()
            })
            .join()
            .unwrap_or_else(|_| Err(Error::Io(io::Error::other("netns helper thread panicked"))))
        })
    }

    /// Wraps an existing netlink socket (for example one opened in another
    /// network namespace, or inherited). It must be bound already.
    ///
    /// # Errors
    /// [`Error::Io`] if `fd` is not a bound netlink socket.
    pub fn from_fd(fd: OwnedFd) -> Result<Self, Error> {
        let addr: NetlinkAddr = getsockname(fd.as_raw_fd())?;
        Ok(Socket {
            fd,
            port_id: addr.pid(),
            foreign: AtomicU64::new(0),
        })
    }

    /// The port id the kernel assigned (`nl_pid` of `getsockname`).
    pub fn port_id(&self) -> u32 {
        self.port_id
    }

    /// Number of datagrams dropped because their sender was not the kernel.
    pub fn foreign_dropped(&self) -> u64 {
        self.foreign.load(Ordering::Relaxed)
    }

    fn set_nl_opt(&self, opt: i32, val: libc::c_int) -> Result<(), Error> {
        // SAFETY: `fd` is a valid open socket for the lifetime of `self`; the
        // value pointer refers to a live `c_int` and the length matches it.
        let rc = unsafe {
            libc::setsockopt(
                self.fd.as_raw_fd(),
                SOL_NETLINK,
                opt,
                std::ptr::from_ref(&val).cast(),
                SOCKLEN_INT,
            )
        };
        if rc < 0 {
            return Err(Error::Io(io::Error::last_os_error()));
        }
        Ok(())
    }

    /// Joins multicast group `group` (`NETLINK_ADD_MEMBERSHIP`, `NFNLGRP_*`).
    ///
    /// # Errors
    /// `EPERM` without `CAP_NET_ADMIN`; `EINVAL` for an unknown group.
    pub fn join_group(&self, group: u32) -> Result<(), Error> {
        self.set_nl_opt(NETLINK_ADD_MEMBERSHIP, group as libc::c_int)
    }

    /// Leaves multicast group `group` (`NETLINK_DROP_MEMBERSHIP`).
    ///
    /// # Errors
    /// [`Error::Io`] from `setsockopt(2)`.
    pub fn leave_group(&self, group: u32) -> Result<(), Error> {
        self.set_nl_opt(NETLINK_DROP_MEMBERSHIP, group as libc::c_int)
    }

    /// `NETLINK_NO_ENOBUFS`: when on, receive-buffer overruns are not
    /// reported (messages are still lost). Off by default; keep it off unless
    /// loss is acceptable, so [`Error::Overrun`] tells you.
    ///
    /// # Errors
    /// [`Error::Io`] from `setsockopt(2)`.
    pub fn set_no_enobufs(&self, on: bool) -> Result<(), Error> {
        self.set_nl_opt(NETLINK_NO_ENOBUFS, on.into())
    }

    /// `NETLINK_EXT_ACK`: errors carry the kernel's message and offset.
    ///
    /// # Errors
    /// [`Error::Io`] from `setsockopt(2)`.
    pub fn set_ext_ack(&self, on: bool) -> Result<(), Error> {
        self.set_nl_opt(NETLINK_EXT_ACK, on.into())
    }

    /// `NETLINK_CAP_ACK`: errors do not echo the request payload.
    ///
    /// # Errors
    /// [`Error::Io`] from `setsockopt(2)`.
    pub fn set_cap_ack(&self, on: bool) -> Result<(), Error> {
        self.set_nl_opt(NETLINK_CAP_ACK, on.into())
    }

    /// `NETLINK_BROADCAST_ERROR`: a broadcast that could not be delivered to
    /// this socket makes the sender's request fail (with `NO_ENOBUFS`, the
    /// basis of conntrack's reliable events).
    ///
    /// # Errors
    /// [`Error::Io`] from `setsockopt(2)`.
    pub fn set_broadcast_error(&self, on: bool) -> Result<(), Error> {
        self.set_nl_opt(NETLINK_BROADCAST_ERROR, on.into())
    }

    /// Asks for a receive buffer of `bytes` (`SO_RCVBUF`, capped by
    /// `net.core.rmem_max`) and returns the size that took effect (the
    /// kernel doubles the request for bookkeeping).
    ///
    /// # Errors
    /// [`Error::Io`] from `setsockopt(2)`.
    pub fn set_recv_buffer(&self, bytes: usize) -> Result<usize, Error> {
        setsockopt(&self.fd, sockopt::RcvBuf, &bytes)?;
        self.recv_buffer()
    }

    /// Sets the receive buffer past `net.core.rmem_max` (`SO_RCVBUFFORCE`,
    /// needs `CAP_NET_ADMIN`) and returns the size that took effect.
    ///
    /// # Errors
    /// `EPERM` without the capability.
    pub fn set_recv_buffer_force(&self, bytes: usize) -> Result<usize, Error> {
        setsockopt(&self.fd, sockopt::RcvBufForce, &bytes)?;
        self.recv_buffer()
    }

    /// The receive buffer size in effect (`SO_RCVBUF`).
    ///
    /// # Errors
    /// [`Error::Io`] from `getsockopt(2)`.
    pub fn recv_buffer(&self) -> Result<usize, Error> {
        Ok(getsockopt(&self.fd, sockopt::RcvBuf)?)
    }

    /// Switches between blocking and non-blocking mode (`O_NONBLOCK`). In
    /// non-blocking mode, receiving with nothing queued gives an error for
    /// which [`Error::is_would_block`] is true.
    ///
    /// # Errors
    /// [`Error::Io`] from `fcntl(2)`.
    pub fn set_nonblocking(&self, on: bool) -> Result<(), Error> {
        use nix::fcntl::{fcntl, FcntlArg, OFlag};
        let flags = OFlag::from_bits_retain(fcntl(self.fd.as_raw_fd(), FcntlArg::F_GETFL)?);
        let flags = if on {
            flags | OFlag::O_NONBLOCK
        } else {
            flags - OFlag::O_NONBLOCK
        };
        fcntl(self.fd.as_raw_fd(), FcntlArg::F_SETFL(flags))?;
        Ok(())
    }

    /// Sends `buf` (one or more messages) to the kernel, retrying on `EINTR`.
    ///
    /// # Errors
    /// [`Error::Io`] from `sendto(2)`.
    pub fn send(&self, buf: &[u8]) -> Result<(), Error> {
        let kernel = NetlinkAddr::new(0, 0);
        loop {
            match sendto(self.fd.as_raw_fd(), buf, &kernel, MsgFlags::empty()) {
                Ok(_) => return Ok(()),
                Err(Errno::EINTR) => continue,
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// Receives one datagram from the kernel into `buf` and returns its
    /// length. Retries on `EINTR`; drops (and counts) datagrams not sent by
    /// the kernel.
    ///
    /// # Errors
    /// [`Error::Truncated`] if the datagram was larger than `buf` (it is
    /// consumed, nothing of it should be parsed); [`Error::Overrun`] on
    /// `ENOBUFS` (messages were lost; the socket goes on working); an
    /// `Io` error with [`Error::is_would_block`] in non-blocking mode.
    pub fn recv(&self, buf: &mut [u8]) -> Result<usize, Error> {
        self.recv_flags(buf, MsgFlags::empty())
    }

    /// Like [`Socket::recv`], but returns with a would-block error instead of
    /// waiting, even in blocking mode (`MSG_DONTWAIT`).
    ///
    /// # Errors
    /// As [`Socket::recv`].
    pub fn try_recv(&self, buf: &mut [u8]) -> Result<usize, Error> {
        self.recv_flags(buf, MsgFlags::MSG_DONTWAIT)
    }

    fn recv_flags(&self, buf: &mut [u8], flags: MsgFlags) -> Result<usize, Error> {
        let cap = buf.len();
        loop {
            let mut iov = [IoSliceMut::new(buf)];
            // MSG_TRUNC makes netlink return the datagram's real length.
            let r = recvmsg::<NetlinkAddr>(
                self.fd.as_raw_fd(),
                &mut iov,
                None,
                flags | MsgFlags::MSG_TRUNC,
            );
            let msg = match r {
                Ok(m) => m,
                Err(Errno::EINTR) => continue,
                Err(e) => return Err(e.into()),
            };
            let from_kernel = msg.address.is_some_and(|a| a.pid() == 0);
            if !from_kernel {
                self.foreign.fetch_add(1, Ordering::Relaxed);
                continue;
            }
            if msg.flags.contains(MsgFlags::MSG_TRUNC) || msg.bytes > cap {
                return Err(Error::Truncated {
                    len: msg.bytes,
                    buf: cap,
                });
            }
            return Ok(msg.bytes);
        }
    }

    /// Waits until a datagram can be read or `deadline` passes; returns false
    /// on timeout. Retries on `EINTR` with the remaining time.
    ///
    /// # Errors
    /// [`Error::Io`] from `poll(2)`.
    pub fn wait_readable(&self, deadline: Option<Instant>) -> Result<bool, Error> {
        loop {
            let timeout = match deadline {
                None => PollTimeout::NONE,
                Some(d) => {
                    let left = d.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        return Ok(false);
                    }
                    // Round up so we never wake just before the deadline.
                    let ms = left.as_millis().saturating_add(1);
                    i32::try_from(ms)
                        .ok()
                        .and_then(|ms| PollTimeout::try_from(ms).ok())
                        .unwrap_or(PollTimeout::MAX)
                }
            };
            let mut fds = [PollFd::new(self.fd.as_fd(), PollFlags::POLLIN)];
            match poll(&mut fds, timeout) {
                Ok(0) => {
                    if deadline.is_some_and(|d| Instant::now() >= d) {
                        return Ok(false);
                    }
                }
                Ok(_) => return Ok(true),
                Err(Errno::EINTR) => continue,
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// Receives one datagram, waiting at most `timeout`.
    ///
    /// # Errors
    /// [`Error::Timeout`] when nothing arrived in time; otherwise as [`Socket::recv`].
    pub fn recv_timeout(&self, buf: &mut [u8], timeout: Duration) -> Result<usize, Error> {
        let deadline = Instant::now() + timeout;
        loop {
            if !self.wait_readable(Some(deadline))? {
                return Err(Error::Timeout);
            }
            match self.try_recv(buf) {
                Err(e) if e.is_would_block() => continue,
                r => return r,
            }
        }
    }
}

impl AsFd for Socket {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }
}

impl AsRawFd for Socket {
    fn as_raw_fd(&self) -> RawFd {
        self.fd.as_raw_fd()
    }
}

impl From<Socket> for OwnedFd {
    fn from(s: Socket) -> OwnedFd {
        s.fd
    }
}

impl TryFrom<OwnedFd> for Socket {
    type Error = Error;

    fn try_from(fd: OwnedFd) -> Result<Self, Error> {
        Socket::from_fd(fd)
    }
}

/// `sizeof(int)` as a `socklen_t` (4: cannot truncate).
const SOCKLEN_INT: libc::socklen_t = {
    let n = std::mem::size_of::<libc::c_int>();
    assert!(n <= 64);
    #[allow(clippy::cast_possible_truncation)]
    let s = n as libc::socklen_t;
    s
};

const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Socket>();
};
