//! The `NETLINK_NETFILTER` socket.
//!
//! The only module with `unsafe`: the netlink socket options (`SOL_NETLINK`)
//! that nix does not wrap are set with `libc::setsockopt`, and
//! [`Socket::recv_many`] calls `libc::recvmmsg` on the reusable headers of a
//! [`RecvBatch`] (nix's wrapper needs fresh `IoSliceMut`s on every call), or
//! `libc::recvfrom` into a batch's one slot.

#![allow(unsafe_code)]

use std::io::{self, IoSliceMut};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use nix::errno::Errno;
use nix::libc;
use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use nix::sys::socket::{
    bind, getsockname, getsockopt, recvmsg, sendmsg, sendto, setsockopt, socket, sockopt,
    AddressFamily, MsgFlags, NetlinkAddr, SockFlag, SockProtocol, SockType,
};

use nfnl_sys::{
    NETLINK_ADD_MEMBERSHIP, NETLINK_BROADCAST_ERROR, NETLINK_CAP_ACK, NETLINK_DROP_MEMBERSHIP,
    NETLINK_EXT_ACK, NETLINK_NO_ENOBUFS, SOL_NETLINK,
};

use crate::error::{Error, ErrorExt as _};
use crate::reader::Wait;

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

    /// Opens a socket inside the network namespace named by the file at
    /// `path`: `/run/netns/NAME` (made by `ip netns add NAME`),
    /// `/proc/PID/ns/net`, or any path of an open namespace file. As
    /// [`Socket::open_in_netns`], which takes the open file instead; this is
    /// the one call each subsystem crate's `open_in_netns` makes.
    ///
    /// # Errors
    /// [`Error::Io`] naming `path` if it cannot be opened or is not a
    /// network namespace (`EINVAL` from `setns(2)`); as
    /// [`Socket::open_in_netns`].
    pub fn open_in_netns_path(path: impl AsRef<std::path::Path>) -> Result<Self, Error> {
        let path = path.as_ref();
        let context = |what: &str, e: io::Error| {
            Error::Io(io::Error::new(
                e.kind(),
                Context {
                    what: format!("{what} network namespace {}", path.display()),
                    source: e,
                },
            ))
        };
        let ns = std::fs::File::open(path).map_err(|e| context("opening", e))?;
        Socket::open_in_netns(ns.as_fd()).map_err(|e| match e {
            Error::Io(e) => context("entering", e),
            e => e,
        })
    }

    /// Opens another socket in this socket's network namespace, which need
    /// not be the calling thread's: the namespace comes from the socket
    /// (`SIOCGSKNS`), then [`Socket::open`] if it is the calling thread's,
    /// else [`Socket::open_in_netns`]. For work spread over several sockets
    /// (a socket runs one dump at a time).
    ///
    /// # Errors
    /// [`Error::Io`]: `EPERM` without `CAP_NET_ADMIN` over the namespace,
    /// `ENOTTY` before Linux 4.9; as [`Socket::open_in_netns`].
    pub fn open_beside(&self) -> Result<Self, Error> {
        // SAFETY: `fd` is a valid open socket for the lifetime of `self`;
        // SIOCGSKNS takes no argument and returns a new descriptor or -1.
        let ns = unsafe { libc::ioctl(self.fd.as_raw_fd(), libc::SIOCGSKNS) };
        if ns < 0 {
            return Err(Error::Io(io::Error::last_os_error()));
        }
        // SAFETY: `ns` is a descriptor the kernel just opened for us, owned
        // by nothing else.
        let ns =
            std::fs::File::from(unsafe { <OwnedFd as std::os::fd::FromRawFd>::from_raw_fd(ns) });
        let id = |m: &std::fs::Metadata| {
            use std::os::unix::fs::MetadataExt as _;
            (m.dev(), m.ino())
        };
        let theirs = id(&ns.metadata()?);
        match std::fs::metadata("/proc/thread-self/ns/net") {
            Ok(m) if id(&m) == theirs => Socket::open(),
            _ => Socket::open_in_netns(ns.as_fd()),
        }
    }

    /// Wraps an existing netlink socket (for example one opened in another
    /// network namespace, or inherited). It must be bound already.
    ///
    /// Every socket of the workspace comes through here and gets the one
    /// policy of socket options: extended acks on (`NETLINK_EXT_ACK`: a
    /// refusal says why and where), capped acks on (`NETLINK_CAP_ACK`: an
    /// ack does not echo the request, so a large batch's acks cannot
    /// overflow the receive buffer). A kernel without these options (before
    /// 4.12 / 4.3) is used as it is. nfnetlink has no strict checking
    /// (`NETLINK_GET_STRICT_CHK` is rtnetlink's). nfqueue turns capped acks
    /// off again: its verdict errors must echo the queue number.
    ///
    /// # Errors
    /// [`Error::Io`] if `fd` is not a bound netlink socket.
    pub fn from_fd(fd: OwnedFd) -> Result<Self, Error> {
        let addr: NetlinkAddr = getsockname(fd.as_raw_fd())?;
        let sock = Socket {
            fd,
            port_id: addr.pid(),
            foreign: AtomicU64::new(0),
        };
        for opt in [NETLINK_EXT_ACK, NETLINK_CAP_ACK] {
            match sock.set_nl_opt(opt, 1) {
                Err(e) if e.errno() == Some(Errno::ENOPROTOOPT) => {}
                r => r?,
            }
        }
        Ok(sock)
    }

    /// Another descriptor for the same socket (`dup(2)`, close-on-exec): the
    /// socket closes when the last of them does. For sending from another
    /// owner (nfqueue's packet handles); it starts a separate
    /// [`Socket::foreign_dropped`] count.
    ///
    /// # Errors
    /// [`Error::Io`] if the descriptor cannot be duplicated.
    pub fn try_clone(&self) -> Result<Self, Error> {
        Ok(Socket {
            fd: self.fd.try_clone()?,
            port_id: self.port_id,
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

    /// Joins multicast group `group` (`NETLINK_ADD_MEMBERSHIP`, `NFNLGRP_*`;
    /// a raw `u32` converts).
    ///
    /// # Errors
    /// `EPERM` without `CAP_NET_ADMIN`; `EINVAL` for an unknown group.
    pub fn join_group(&self, group: impl Into<Group>) -> Result<(), Error> {
        self.set_nl_opt(NETLINK_ADD_MEMBERSHIP, group.into().as_opt()?)
    }

    /// Leaves multicast group `group` (`NETLINK_DROP_MEMBERSHIP`).
    ///
    /// # Errors
    /// [`Error::Io`] from `setsockopt(2)`.
    pub fn leave_group(&self, group: impl Into<Group>) -> Result<(), Error> {
        self.set_nl_opt(NETLINK_DROP_MEMBERSHIP, group.into().as_opt()?)
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

    /// Attaches a classic BPF program to the socket (`SO_ATTACH_FILTER`),
    /// replacing any attached before: from then on the kernel queues only
    /// the datagrams the program accepts (its return value is the number of
    /// bytes kept; 0 drops the datagram). For subsystem filters such as
    /// conntrack's event filter; the kernel checks the program when it is
    /// attached.
    ///
    /// # Errors
    /// [`Error::Encode`] for a program over 65535 instructions;
    /// [`Error::Io`] for what `setsockopt(2)` refuses (`EINVAL`: a program
    /// the kernel's checker rejects).
    pub fn attach_filter(&self, program: &[libc::sock_filter]) -> Result<(), Error> {
        let len = u16::try_from(program.len())
            .map_err(|_| crate::EncodeError::Invalid("BPF program over 65535 instructions"))?;
        let fprog = libc::sock_fprog {
            len,
            filter: program.as_ptr().cast_mut(),
        };
        // SAFETY: `fd` is an open socket; `fprog` points to `program`, which
        // outlives the call (the kernel copies the instructions before
        // returning) and holds `len` instructions; the option length is the
        // size of `fprog`.
        let r = unsafe {
            libc::setsockopt(
                self.fd.as_raw_fd(),
                libc::SOL_SOCKET,
                libc::SO_ATTACH_FILTER,
                std::ptr::from_ref(&fprog).cast(),
                socklen_of::<libc::sock_fprog>(),
            )
        };
        if r < 0 {
            return Err(Error::Io(io::Error::last_os_error()));
        }
        Ok(())
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

    /// Asks for a send buffer of `bytes` (`SO_SNDBUF`, capped by
    /// `net.core.wmem_max`) and returns the size that took effect (the
    /// kernel doubles the request). A netlink datagram must fit it: a
    /// transaction sent as one datagram is bounded by it.
    ///
    /// # Errors
    /// [`Error::Io`] from `setsockopt(2)`.
    pub fn set_send_buffer(&self, bytes: usize) -> Result<usize, Error> {
        setsockopt(&self.fd, sockopt::SndBuf, &bytes)?;
        self.send_buffer()
    }

    /// Sets the send buffer past `net.core.wmem_max` (`SO_SNDBUFFORCE`,
    /// needs `CAP_NET_ADMIN` in the initial user namespace) and returns the
    /// size that took effect.
    ///
    /// # Errors
    /// `EPERM` without the capability.
    pub fn set_send_buffer_force(&self, bytes: usize) -> Result<usize, Error> {
        setsockopt(&self.fd, sockopt::SndBufForce, &bytes)?;
        self.send_buffer()
    }

    /// The send buffer size in effect (`SO_SNDBUF`).
    ///
    /// # Errors
    /// [`Error::Io`] from `getsockopt(2)`.
    pub fn send_buffer(&self) -> Result<usize, Error> {
        Ok(getsockopt(&self.fd, sockopt::SndBuf)?)
    }

    /// Switches between blocking and non-blocking mode (`O_NONBLOCK`). In
    /// non-blocking mode, receiving with nothing queued gives an error for
    /// which [`ErrorExt::is_would_block`](crate::ErrorExt::is_would_block) is true.
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

    /// Sends `parts` concatenated as one datagram (`sendmsg(2)` with one
    /// iovec per part), retrying on `EINTR`: a batch whose begin and end
    /// messages are built apart from its body, sent without copying the
    /// body. Netlink takes a datagram whole or not at all (`EMSGSIZE` when
    /// it is larger than the send buffer).
    ///
    /// # Errors
    /// [`Error::Io`] from `sendmsg(2)`.
    pub fn send_parts(&self, parts: &[&[u8]]) -> Result<(), Error> {
        let kernel = NetlinkAddr::new(0, 0);
        let iov: Vec<io::IoSlice<'_>> = parts.iter().map(|p| io::IoSlice::new(p)).collect();
        loop {
            match sendmsg(
                self.fd.as_raw_fd(),
                &iov,
                &[],
                MsgFlags::empty(),
                Some(&kernel),
            ) {
                Ok(_) => return Ok(()),
                Err(Errno::EINTR) => continue,
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// Receives one datagram from the kernel into `buf` and returns its
    /// length, waiting as `wait` says. Retries on `EINTR`; drops (and
    /// counts) datagrams not sent by the kernel. Most code reads through a
    /// [`Reader`](crate::Reader) instead, which takes many datagrams per
    /// call.
    ///
    /// # Errors
    /// [`Error::Truncated`] if the datagram was larger than `buf` (it is
    /// consumed, nothing of it should be parsed); [`Error::Overrun`] on
    /// `ENOBUFS` (messages were lost; the socket goes on working); with
    /// [`Wait::Poll`] an `Io` error with [`ErrorExt::is_would_block`](crate::ErrorExt::is_would_block); with
    /// [`Wait::Until`] [`Error::Timeout`].
    pub fn recv(&self, buf: &mut [u8], wait: Wait) -> Result<usize, Error> {
        self.waiting(wait, |flags| self.recv_flags(buf, flags))
    }

    /// Runs `op` with `MSG_DONTWAIT` unless `wait` is [`Wait::Block`] (on a
    /// blocking socket), waiting with `poll(2)` between tries as `wait` says.
    fn waiting<T>(
        &self,
        wait: Wait,
        mut op: impl FnMut(MsgFlags) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let flags = if wait == Wait::Block {
            MsgFlags::empty()
        } else {
            MsgFlags::MSG_DONTWAIT
        };
        loop {
            match op(flags) {
                Err(e) if e.is_would_block() => match wait {
                    Wait::Poll => return Err(e),
                    // A non-blocking socket (set for a poll loop).
                    Wait::Block => {
                        self.wait_readable(None)?;
                    }
                    Wait::Until(d) => {
                        if !self.wait_readable(Some(d))? {
                            return Err(Error::Timeout);
                        }
                    }
                },
                r => return r,
            }
        }
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

    /// Receives up to [`RecvBatch::capacity`] datagrams with one
    /// `recvmmsg(2)` (with one `recvfrom(2)` when the batch has one slot:
    /// the cheaper call for one datagram) and returns how many from the
    /// kernel arrived (at least one); read them with [`RecvBatch::get`].
    /// Makes no allocation.
    ///
    /// It waits for the first datagram as `wait` says ([`Wait::Block`]: one
    /// blocking call), then takes what else is queued (`MSG_WAITFORONE`).
    /// The checks of [`Socket::recv`] apply to each datagram: those not sent
    /// by the kernel are dropped and counted in [`Socket::foreign_dropped`]
    /// (if all were, it receives again); a datagram larger than its slot
    /// is consumed and reported in order by [`RecvBatch::get`] as
    /// [`Error::Truncated`]. Retries on `EINTR`.
    ///
    /// # Errors
    /// [`Error::Overrun`] on `ENOBUFS` (when the overrun comes after some
    /// datagrams, the kernel returns those and reports it on the next call);
    /// with [`Wait::Poll`] an `Io` error with [`ErrorExt::is_would_block`](crate::ErrorExt::is_would_block)
    /// when nothing is queued; with [`Wait::Until`] [`Error::Timeout`].
    pub fn recv_many(&self, batch: &mut RecvBatch, wait: Wait) -> Result<usize, Error> {
        self.waiting(wait, |flags| {
            let flags = libc::MSG_TRUNC
                | if flags.is_empty() {
                    libc::MSG_WAITFORONE
                } else {
                    libc::MSG_DONTWAIT
                };
            self.recv_batch(batch, flags)
        })
    }

    fn recv_batch(&self, batch: &mut RecvBatch, flags: libc::c_int) -> Result<usize, Error> {
        batch.got.clear();
        loop {
            batch.raw.reset(batch.filled);
            batch.filled = 0;
            let n = batch.raw.receive(self.fd.as_raw_fd(), flags);
            let Ok(n) = usize::try_from(n) else {
                match Errno::last() {
                    Errno::EINTR => continue,
                    e => return Err(e.into()),
                }
            };
            batch.filled = n;
            // One pass over what the kernel wrote: read each header and its
            // sender. The kernel writes `msg_len` and `msg_flags` of every
            // header it fills, and reads `msg_namelen` as the address
            // buffer's size: only that one is reset, for the next receive.
            let slot_len = batch.slot_len;
            let n = n.min(batch.raw.hdrs.len());
            let (hdrs, addrs) = (
                batch.raw.hdrs.get_mut(..n).unwrap_or_default(),
                batch.raw.addrs.get(..n).unwrap_or_default(),
            );
            // Slots lie inside `buf` (`slots * slot_len` bytes from
            // `base`): `start` and `start + len` (with `len <= slot_len`)
            // do not overflow.
            let mut start = batch.base;
            for (h, addr) in hdrs.iter_mut().zip(addrs) {
                let slot = start;
                start = start.wrapping_add(slot_len);
                let (namelen, flags, len) = (h.msg_hdr.msg_namelen, h.msg_hdr.msg_flags, h.msg_len);
                h.msg_hdr.msg_namelen = SOCKLEN_NL;
                if namelen < SOCKLEN_NL || addr.nl_family != AF_NETLINK || addr.nl_pid != 0 {
                    self.foreign.fetch_add(1, Ordering::Relaxed);
                    continue;
                }
                // MSG_TRUNC makes netlink return the datagram's real length.
                let len = len as usize;
                let truncated = flags & libc::MSG_TRUNC != 0 || len > slot_len;
                batch.got.push(Slot {
                    start: slot,
                    end: if truncated {
                        slot
                    } else {
                        slot.wrapping_add(len)
                    },
                    len,
                    truncated,
                });
            }
            // Every header the kernel wrote was reset above.
            batch.filled = 0;
            if !batch.got.is_empty() {
                return Ok(batch.got.len());
            }
        }
    }

    /// Waits until a datagram can be read or `deadline` passes; returns false
    /// on timeout. Retries on `EINTR` with the remaining time.
    ///
    /// # Errors
    /// [`Error::Io`] from `poll(2)`.
    pub(crate) fn wait_readable(&self, deadline: Option<Instant>) -> Result<bool, Error> {
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

/// What failed on what, over the system call's error: the message of an
/// [`Error::Io`] that names its object. [`ErrorExt::errno`](crate::ErrorExt::errno)
/// finds the errno under it.
#[derive(Debug)]
struct Context {
    what: String,
    source: io::Error,
}

impl std::fmt::Display for Context {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.what, self.source)
    }
}

impl std::error::Error for Context {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// A netlink multicast group number (`enum nfnetlink_groups`, `NFNLGRP_*`),
/// for [`Socket::join_group`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Group(pub u32);

impl From<u32> for Group {
    fn from(g: u32) -> Self {
        Group(g)
    }
}

impl Group {
    /// The group as the `int` the socket option takes.
    fn as_opt(self) -> Result<libc::c_int, Error> {
        libc::c_int::try_from(self.0).map_err(|_| {
            Error::Io(io::Error::new(
                io::ErrorKind::InvalidInput,
                "multicast group number out of range",
            ))
        })
    }
}

/// The most datagrams one [`Socket::recv_many`] asks for (the kernel's
/// `UIO_MAXIOV` cap on `recvmmsg`'s `vlen`).
pub const MAX_BATCH: usize = 1024;
#[allow(clippy::cast_possible_truncation)]
const MAX_BATCH_C: libc::c_uint = MAX_BATCH as libc::c_uint;

/// `AF_NETLINK` as stored in `sockaddr_nl::nl_family` (16: cannot truncate).
#[allow(clippy::cast_possible_truncation)]
const AF_NETLINK: libc::sa_family_t = libc::AF_NETLINK as libc::sa_family_t;

/// Reusable buffers for [`Socket::recv_many`]: a fixed number of receive
/// slots of a fixed size, and the `recvmmsg(2)` headers and sender
/// addresses, all allocated once by [`RecvBatch::new`].
///
/// The slots are one zeroed allocation of `slots * slot_len` bytes (plus a
/// page), the first slot page-aligned: the kernel's copy of a datagram
/// into a slot is a `rep movsb` that runs measurably slower to a
/// destination off a 64-byte boundary (the allocator's 16-byte alignment);
/// the system maps the pages only as datagrams are written into them.
///
/// # Examples
/// ```no_run
/// use nfnl::{RecvBatch, Socket, Wait};
/// let sock = Socket::open()?;
/// let mut batch = RecvBatch::new(32, 64 * 1024);
/// let n = sock.recv_many(&mut batch, Wait::Block)?;
/// for i in 0..n {
///     match batch.get(i) {
///         Some(Ok(datagram)) => println!("{} bytes", datagram.len()),
///         Some(Err(e)) => eprintln!("{e}"),
///         None => {}
///     }
/// }
/// # Ok::<(), nfnl::Error>(())
/// ```
pub struct RecvBatch {
    slot_len: usize,
    /// Where the first slot starts in `buf`: its first page-aligned byte.
    base: usize,
    buf: Vec<u8>,
    raw: RawHeaders,
    /// The datagrams of the last receive, from the kernel, in order.
    got: Vec<Slot>,
    /// Headers the kernel wrote into and that are not reset yet (the
    /// receive resets each one as it reads it).
    filled: usize,
}

/// One received datagram: its slot and real length.
#[derive(Debug, Clone, Copy)]
struct Slot {
    /// Where its slot starts in `buf`.
    start: usize,
    /// Where the datagram ends in `buf` (`start` if truncated).
    end: usize,
    /// Its real length.
    len: usize,
    truncated: bool,
}

impl RecvBatch {
    /// Allocates `slots` slots (1 to [`MAX_BATCH`]) of `slot_len` bytes
    /// each (at least 1).
    pub fn new(slots: usize, slot_len: usize) -> Self {
        Self::with_room(slots, slot_len, 0)
    }

    /// As [`RecvBatch::new`], with a receive area of at least `room` bytes
    /// (for [`RecvBatch::put_kept`]).
    pub(crate) fn with_room(slots: usize, slot_len: usize, room: usize) -> Self {
        let slots = slots.clamp(1, MAX_BATCH);
        let slot_len = slot_len.max(1);
        // SAFETY: all-zero bytes are a valid value of these plain C structs
        // (null pointers, zero lengths).
        let (hdr, iov, addr) = unsafe {
            (
                std::mem::zeroed::<libc::mmsghdr>(),
                std::mem::zeroed::<libc::iovec>(),
                std::mem::zeroed::<libc::sockaddr_nl>(),
            )
        };
        let buf = vec![
            0;
            slots
                .saturating_mul(slot_len)
                .max(room)
                .saturating_add(ALIGN)
        ];
        let base = buf.as_ptr().align_offset(ALIGN).min(ALIGN);
        let mut batch = RecvBatch {
            slot_len,
            base,
            buf,
            raw: RawHeaders {
                hdrs: vec![hdr; slots],
                iov: vec![iov; slots],
                addrs: vec![addr; slots],
            },
            got: Vec::with_capacity(slots),
            filled: 0,
        };
        let area = batch.buf.get_mut(base..).unwrap_or_default();
        batch.raw.point(area, slot_len);
        batch
    }

    /// The number of slots: the most datagrams one receive returns.
    pub fn capacity(&self) -> usize {
        self.raw.hdrs.len()
    }

    /// The size of each slot: the largest datagram received whole.
    pub fn slot_len(&self) -> usize {
        self.slot_len
    }

    /// How many datagrams the last receive returned.
    pub fn len(&self) -> usize {
        self.got.len()
    }

    /// True when the last receive returned nothing (or there was none).
    pub fn is_empty(&self) -> bool {
        self.got.is_empty()
    }

    /// Forgets the received datagrams.
    pub fn clear(&mut self) {
        self.got.clear();
    }

    /// The `i`-th datagram of the last receive; `None` past [`RecvBatch::len`].
    ///
    /// # Errors
    /// [`Error::Truncated`] (inside the `Some`) if the datagram was larger
    /// than a slot: it was consumed, nothing of it should be parsed.
    pub fn get(&self, i: usize) -> Option<Result<&[u8], Error>> {
        Some(match self.range(i)? {
            Ok(r) => Ok(self.buf.get(r)?),
            Err(e) => Err(e),
        })
    }

    /// Where the `i`-th datagram lies in [`RecvBatch::bytes`] (as
    /// [`RecvBatch::get`]), for a reader that keeps it as a range.
    pub(crate) fn range(&self, i: usize) -> Option<Result<std::ops::Range<usize>, Error>> {
        let s = self.got.get(i)?;
        if s.truncated {
            return Some(Err(Error::Truncated {
                len: s.len,
                buf: self.slot_len,
            }));
        }
        Some(Ok(s.start..s.end))
    }

    /// What the `i`-th slot holds of its datagram: all of it, or the first
    /// slot's worth of a truncated one (to tell whom it was addressed to).
    pub(crate) fn head(&self, i: usize) -> &[u8] {
        let Some(s) = self.got.get(i) else {
            return &[];
        };
        let start = s.start;
        let end = start.saturating_add(s.len.min(self.slot_len));
        self.buf.get(start..end).unwrap_or(&[])
    }

    /// The whole receive area (every slot).
    #[inline]
    pub(crate) fn bytes(&self) -> &[u8] {
        &self.buf
    }

    /// Copies `kept`, a datagram kept from an earlier receive, to the start
    /// of the receive area (the first slot), so that it is read from there
    /// like a received one, and returns where it lies. Only once every datagram of the
    /// last receive was read: it overwrites them.
    ///
    /// # Errors
    /// [`Error::Truncated`] if it does not fit (it always does: a kept
    /// datagram came from a slot, and a receive area made smaller by
    /// [`Reader::set_batch`](crate::Reader::set_batch) has room for the
    /// longest kept one).
    pub(crate) fn put_kept(&mut self, kept: &[u8]) -> Result<std::ops::Range<usize>, Error> {
        let buf = self.buf.len().saturating_sub(self.base);
        let end = self.base.saturating_add(kept.len());
        let to = self.buf.get_mut(self.base..end).ok_or(Error::Truncated {
            len: kept.len(),
            buf,
        })?;
        to.copy_from_slice(kept);
        Ok(self.base..end)
    }
}

impl std::fmt::Debug for RecvBatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecvBatch")
            .field("slots", &self.capacity())
            .field("slot_len", &self.slot_len)
            .field("len", &self.got.len())
            .finish_non_exhaustive()
    }
}

/// The `recvmmsg(2)` headers, one iovec and one sender address per slot.
struct RawHeaders {
    hdrs: Vec<libc::mmsghdr>,
    iov: Vec<libc::iovec>,
    addrs: Vec<libc::sockaddr_nl>,
}

// SAFETY: the raw pointers inside `hdrs` and `iov` point only into the
// heap blocks of the `RecvBatch` that owns them (set once by `point`); only
// `recvmmsg` writes through them, while it holds `&mut RecvBatch`, and Rust
// code never dereferences them, so sharing or moving the headers between
// threads cannot race.
unsafe impl Send for RawHeaders {}
// SAFETY: as for `Send`: through `&RawHeaders` nothing reads the pointers.
unsafe impl Sync for RawHeaders {}

impl RawHeaders {
    /// Receives into the slots: `recvmmsg(2)`, or `recvfrom(2)` into the
    /// first slot when there is one (the kernel then copies no `msghdr` in
    /// and out, and tries no second datagram: measured, the cheaper call
    /// for a reader that takes one datagram per wake-up, such as an NFLOG
    /// consumer). Returns the number of headers filled, or -1 with `errno`
    /// set. `flags` are `recvmmsg`'s (`MSG_WAITFORONE` means nothing to
    /// `recvfrom` and is dropped there).
    fn receive(&mut self, fd: RawFd, flags: libc::c_int) -> libc::c_int {
        if let ([h], [iov], [addr]) = (&mut self.hdrs[..], &self.iov[..], &mut self.addrs[..]) {
            // SAFETY: `fd` is a valid open socket. `iov` was pointed by
            // `point` at the one slot of the batch's buffer, a heap block
            // that never moves, `iov_len` bytes long; the address and its
            // length are fields of `self`, exclusively borrowed for the
            // call (the length as `reset` left it: the address's size).
            let r = unsafe {
                libc::recvfrom(
                    fd,
                    iov.iov_base,
                    iov.iov_len,
                    flags & !libc::MSG_WAITFORONE,
                    std::ptr::from_mut(addr).cast(),
                    &mut h.msg_hdr.msg_namelen,
                )
            };
            // `MSG_TRUNC`: the datagram's real length, which a slot may
            // not hold (the caller compares it with the slot's length).
            return match u32::try_from(r) {
                Ok(len) => {
                    h.msg_len = len;
                    1
                }
                Err(_) => -1,
            };
        }
        let vlen = libc::c_uint::try_from(self.hdrs.len()).unwrap_or(MAX_BATCH_C);
        // SAFETY: `fd` is a valid open socket. `point` (in `new`) pointed
        // every header at its own `sockaddr_nl` and its own iovec, and every
        // iovec at a disjoint `slot_len` range of the batch's buffer; these
        // heap blocks never move (no Vec of the batch is ever resized).
        // `reset` restored the address size of every header the last call
        // wrote. `vlen` is the number of headers. All of them live in
        // `self`, exclusively borrowed for the whole call. A null timeout
        // means none.
        unsafe {
            libc::recvmmsg(
                fd,
                self.hdrs.as_mut_ptr(),
                vlen,
                flags,
                std::ptr::null_mut(),
            )
        }
    }

    /// Points header `i` at address `i` and iovec `i`, and iovec `i` at
    /// slot `i` of `buf`. Done once: the vectors are never resized, so the
    /// heap blocks these pointers refer to never move, even when the
    /// `RecvBatch` itself is moved.
    fn point(&mut self, buf: &mut [u8], slot_len: usize) {
        for (((h, iov), addr), slot) in self
            .hdrs
            .iter_mut()
            .zip(self.iov.iter_mut())
            .zip(self.addrs.iter_mut())
            .zip(buf.chunks_exact_mut(slot_len))
        {
            iov.iov_base = slot.as_mut_ptr().cast();
            iov.iov_len = slot.len();
            h.msg_hdr.msg_name = std::ptr::from_mut(addr).cast();
            h.msg_hdr.msg_namelen = SOCKLEN_NL;
            h.msg_hdr.msg_iov = std::ptr::from_mut(iov);
            h.msg_hdr.msg_iovlen = 1;
            h.msg_hdr.msg_control = std::ptr::null_mut();
            h.msg_hdr.msg_controllen = 0;
            h.msg_hdr.msg_flags = 0;
            h.msg_len = 0;
        }
    }

    /// Resets what the kernel wrote back into the first `filled` headers
    /// (the address length it reads as the buffer size, flags, length);
    /// the others are as [`RawHeaders::point`] left them.
    fn reset(&mut self, filled: usize) {
        for h in self.hdrs.iter_mut().take(filled) {
            h.msg_hdr.msg_namelen = SOCKLEN_NL;
            h.msg_hdr.msg_flags = 0;
            h.msg_len = 0;
        }
    }
}

/// Alignment of the first slot (a page; see [`RecvBatch`]).
const ALIGN: usize = 4096;

/// `sizeof(struct sockaddr_nl)` as a `socklen_t` (12).
const SOCKLEN_NL: libc::socklen_t = socklen_of::<libc::sockaddr_nl>();

/// `sizeof(int)` as a `socklen_t` (4).
const SOCKLEN_INT: libc::socklen_t = socklen_of::<libc::c_int>();

/// `sizeof(T)` as a `socklen_t`, for the small C types passed by pointer;
/// checked at compile time, so the cast cannot truncate.
const fn socklen_of<T>() -> libc::socklen_t {
    let n = std::mem::size_of::<T>();
    assert!(n <= 64);
    #[allow(clippy::cast_possible_truncation)]
    let s = n as libc::socklen_t;
    s
}

const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Socket>();
    assert_send_sync::<RecvBatch>();
};

#[cfg(test)]
pub(crate) mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::{ErrorMsg, MsgBuilder, NlFlags, NlMsg};

    /// Sends `n` `NLMSG_NOOP` requests with `NLM_F_ACK`, one per datagram,
    /// with sequence numbers `first..first + n`. Whether privileged (ack) or
    /// not (`EPERM`), the kernel answers each with one `NLMSG_ERROR`
    /// datagram, queued before `send` returns. Nothing else happens.
    pub(crate) fn noops(sock: &Socket, first: u32, n: u32) {
        let mut b = MsgBuilder::new();
        for seq in first..first + n {
            b.clear();
            b.begin_raw(nfnl_sys::NLMSG_NOOP, NlFlags::ACK, seq);
            sock.send(b.finish().unwrap()).unwrap();
        }
    }

    fn seq_of(datagram: &[u8]) -> u32 {
        let m = NlMsg::parse(datagram).unwrap();
        assert_eq!(m.msg_type(), nfnl_sys::NLMSG_ERROR);
        ErrorMsg::parse(&m).unwrap().seq()
    }

    #[test]
    #[cfg_attr(miri, ignore = "opens files")]
    fn open_in_netns_path_names_the_path_and_keeps_the_errno() {
        let e = Socket::open_in_netns_path("/nonexistent/netns/x").unwrap_err();
        assert!(e.is_not_found(), "{e:?}");
        assert_eq!(
            e.to_string(),
            "netlink socket: opening network namespace /nonexistent/netns/x: \
             No such file or directory (os error 2)"
        );
        // Not a namespace file: setns refuses it.
        let e = Socket::open_in_netns_path("/proc/self/status").unwrap_err();
        assert_eq!(e.errno(), Some(Errno::EINVAL), "{e:?}");
        assert!(e
            .to_string()
            .contains("entering network namespace /proc/self/status"));
        // The caller's own namespace, by path: a working socket (setns
        // needs CAP_SYS_ADMIN even there: an ordinary user gets EPERM).
        match Socket::open_in_netns_path("/proc/thread-self/ns/net") {
            Ok(sock) => assert_ne!(sock.port_id(), 0),
            Err(e) => assert!(e.is_permission_denied(), "{e:?}"),
        }
    }

    #[test]
    fn batch_sizes_are_clamped_and_empty_at_first() {
        let b = RecvBatch::new(0, 0);
        assert_eq!((b.capacity(), b.slot_len(), b.len()), (1, 1, 0));
        assert!(b.is_empty() && b.get(0).is_none());
        assert_eq!(RecvBatch::new(MAX_BATCH + 5, 8).capacity(), MAX_BATCH);
        assert!(format!("{b:?}").contains("slots: 1"));
    }

    #[test]
    #[cfg_attr(miri, ignore = "needs a netlink socket")]
    fn recv_many_takes_every_queued_datagram_in_one_call() {
        let sock = Socket::open().unwrap();
        let mut batch = RecvBatch::new(16, 8192);
        let e = sock.recv_many(&mut batch, Wait::Poll).unwrap_err();
        assert!(e.is_would_block(), "{e}");
        noops(&sock, 100, 5);
        assert_eq!(sock.recv_many(&mut batch, Wait::Poll).unwrap(), 5);
        let seqs: Vec<u32> = (0..5)
            .map(|i| seq_of(batch.get(i).unwrap().unwrap()))
            .collect();
        assert_eq!(seqs, [100, 101, 102, 103, 104]);
        assert!(batch.get(5).is_none());
        assert!(sock
            .recv_many(&mut batch, Wait::Poll)
            .unwrap_err()
            .is_would_block());
        // Waiting returns at once when something is queued.
        noops(&sock, 200, 2);
        assert_eq!(sock.recv_many(&mut batch, Wait::Block).unwrap(), 2);
        assert_eq!(seq_of(batch.get(1).unwrap().unwrap()), 201);
        assert_eq!(sock.foreign_dropped(), 0);
    }

    #[test]
    #[cfg_attr(miri, ignore = "needs a netlink socket")]
    fn recv_many_stops_at_capacity_and_keeps_order() {
        let sock = Socket::open().unwrap();
        let mut batch = RecvBatch::new(2, 4096);
        noops(&sock, 1, 5);
        let mut seqs = Vec::new();
        for want in [2, 2, 1] {
            assert_eq!(sock.recv_many(&mut batch, Wait::Poll).unwrap(), want);
            seqs.extend((0..want).map(|i| seq_of(batch.get(i).unwrap().unwrap())));
        }
        assert_eq!(seqs, [1, 2, 3, 4, 5]);
        batch.clear();
        assert!(batch.is_empty());
    }

    #[test]
    #[cfg_attr(miri, ignore = "needs a netlink socket")]
    fn oversized_datagram_is_reported_in_its_place() {
        let sock = Socket::open().unwrap();
        // An error answer is at least 36 bytes (header, errno, echoed header).
        let mut batch = RecvBatch::new(4, 20);
        noops(&sock, 7, 2);
        assert_eq!(sock.recv_many(&mut batch, Wait::Poll).unwrap(), 2);
        for i in 0..2 {
            match batch.get(i).unwrap() {
                Err(Error::Truncated { len, buf }) => assert!(len >= 36 && buf == 20),
                other => panic!("expected Truncated, got {other:?}"),
            }
        }
        // Consumed: nothing is left.
        assert!(sock
            .recv_many(&mut batch, Wait::Poll)
            .unwrap_err()
            .is_would_block());
    }
}
