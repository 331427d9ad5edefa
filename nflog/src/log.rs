//! The log socket: binds groups, configures them in one request each, and
//! hands out logged packets in arrival order.
//!
//! ```text
//! iptables -j NFLOG / nft log group N
//!   └─ kernel gathers messages per group (threshold, buffer size, timeout)
//!        └─ one datagram: NFULNL_MSG_PACKET × n, NLMSG_DONE (seq 0) if n > 1
//!             └─ recvfrom ─▶ nfnl::Reader ─▶ Log::recv ─▶ LogMsg<'_>
//! Log::bind ── NFULNL_MSG_CONFIG (BIND + every setting) ──▶ ack; log messages
//!                that arrive meanwhile are kept for the next receive
//! ```
//!
//! Everything about receiving (the batch, the cursor, the stash of
//! messages that arrive while a request waits for its acknowledgement,
//! skipping the end-of-batch marker, overruns, waiting) is
//! [`nfnl::Reader`]'s; this module only says what to send and what
//! a refusal means.

use std::os::fd::{AsFd, BorrowedFd};
use std::time::Duration;

use nfnl::{
    EncodeError, KernelError, MsgBuilder, ProtoFamily, Reader, Receive, Refusal, Socket, Sort, Wait,
};
use nix::errno::Errno;

use crate::config::{encode_pf, header, Command, GroupConfig, LogFlags};
use crate::error::Error;
use crate::health;
use crate::message::{LogMsg, LogMsgSlots};

/// Datagrams read per receive system call: one. The kernel wakes an NFLOG
/// reader for each batch datagram it sends; one `recvfrom(2)` per datagram
/// measured cheaper in CPU per message than `recvmmsg(2)` of 8, both when the
/// reader keeps up (one datagram per wake-up: `recvmmsg` copies its headers
/// in and out and tries a second datagram for nothing) and with a backlog
/// (`cargo xtask bench log`; the C library reads one datagram per call too).
const SLOTS: usize = 1;

/// Bytes per receive slot. The kernel allocates a batch of
/// `max(nlbufsiz, one message)` bytes, which the allocator rounds up to a
/// power of two, and fills all of it: with the largest `nlbufsiz` (128 KiB)
/// a datagram can come close to 256 KiB.
const SLOT_LEN: usize = 256 * 1024;

/// A netlink socket bound to one or more log groups.
///
/// One socket can hold several groups (their messages arrive interleaved;
/// [`LogMsg::group`] tells them apart), and the kernel lets one socket hold
/// a group: a second socket's bind is refused with [`Error::GroupBusy`].
/// Closing or dropping the `Log` releases its groups.
///
/// # Receive buffer
/// The kernel collects a group's messages into datagrams of
/// `max(buffer size, one message)` bytes ([`GroupConfig::buffer_size`],
/// `nfulnl_alloc_skb`), sent when full, at the threshold
/// ([`GroupConfig::threshold`]) or at the flush timeout; each costs about
/// that size rounded up to a power of two in the socket's receive buffer
/// (by default `net.core.rmem_default`, usually 208 KiB). When it is full
/// the next datagrams are lost and reported as an overrun. Size it for the
/// longest time the program does not read: `datagrams per second × pause ×
/// cost per datagram`. Set it with `socket().set_recv_buffer` (capped at
/// `net.core.rmem_max`) or `socket().set_recv_buffer_force`
/// (`CAP_NET_ADMIN`), or let it grow on each overrun up to a cap with
/// [`Log::set_recv_buffer_growth`] (off by default). More in nfnl's
/// [guide](nfnl::reader#sizing-the-receive-buffer).
///
/// # Examples
/// ```no_run
/// use nfnl_log::{CopyMode, ErrorExt, GroupConfig, Log, Receive};
/// // iptables -A INPUT -p tcp --dport 22 -j NFLOG --nflog-group 5 --nflog-prefix ssh
/// let mut log = Log::open()?;
/// log.bind(&GroupConfig::new(5).copy(CopyMode::Packet { range: 128 }))?;
/// loop {
///     let m = match log.recv() {
///         Ok(m) => m,
///         Err(e) if e.is_recoverable() => { eprintln!("{e}"); continue }
///         Err(e) => return Err(e.into()),
///     };
///     if let Some(ip) = m.ip() {
///         println!("{:?} {} -> {}", m.prefix(), ip.src(), ip.dst());
///     }
/// }
/// # #[allow(unreachable_code)] Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct Log {
    reader: Reader,
    /// The request being sent (reused).
    tx: MsgBuilder,
    /// Groups this socket bound, in bind order.
    bound: Vec<u16>,
    /// The attribute index of the message last returned (refilled by each
    /// receive: the returned view borrows it, nothing is copied).
    slots: LogMsgSlots,
}

impl Log {
    /// Opens a netfilter netlink socket in the calling thread's network
    /// namespace.
    ///
    /// # Errors
    /// Socket errors.
    pub fn open() -> Result<Self, Error> {
        Ok(Self::from_socket(Socket::open()?))
    }

    /// Opens a netfilter netlink socket inside the network namespace named by the file at
    /// `netns` (`/run/netns/NAME` as made by `ip netns add NAME`,
    /// `/proc/PID/ns/net`), in one call ([`Socket::open_in_netns_path`]
    /// then [`Log::from_socket`]). It works in that namespace from any thread; the calling
    /// thread stays in its own. With an open namespace file instead of a
    /// path: `Log::from_socket(Socket::open_in_netns(fd)?)`.
    ///
    /// # Errors
    /// [`Error::Netlink`] naming `netns` if it cannot be opened or is no network
    /// namespace; `EPERM` without `CAP_SYS_ADMIN` over it (`setns(2)`).
    pub fn open_in_netns(netns: impl AsRef<std::path::Path>) -> Result<Self, Error> {
        Ok(Self::from_socket(Socket::open_in_netns_path(netns)?))
    }

    /// A log on an existing socket (opened in another namespace, with a
    /// larger receive buffer...).
    pub fn from_socket(sock: Socket) -> Self {
        Log {
            reader: Reader::new(sock, SLOTS, SLOT_LEN),
            tx: MsgBuilder::new(),
            bound: Vec::new(),
            slots: LogMsgSlots::new(),
        }
    }

    /// Lets the socket's receive buffer grow on each overrun, doubling up
    /// to `cap` bytes, or keeps it as it is (`None`, the default). The
    /// overrun is still reported (the log messages it lost are lost); the next burst of
    /// the same size fits. Growth past `net.core.rmem_max` needs
    /// `CAP_NET_ADMIN` in the initial user namespace. See
    /// [`Reader::set_recv_buffer_growth`](nfnl::Reader::set_recv_buffer_growth),
    /// and [its guide](nfnl::reader#sizing-the-receive-buffer) to the size
    /// a given rate needs.
    pub fn set_recv_buffer_growth(&mut self, cap: Option<usize>) {
        self.reader.set_recv_buffer_growth(cap);
    }

    /// The socket (for `set_recv_buffer`, its port id...).
    pub fn socket(&self) -> &Socket {
        self.reader.socket()
    }

    /// The groups this socket bound.
    pub fn bound(&self) -> &[u16] {
        &self.bound
    }

    /// How long a configuration request waits for its acknowledgement
    /// (`None`: forever; default [`nfnl::reader::DEFAULT_REQUEST_TIMEOUT`],
    /// 5 s). When it passes the request fails with a timeout; its late
    /// answer is skipped by the receive calls.
    pub fn set_request_timeout(&mut self, t: Option<Duration>) {
        self.reader.set_request_timeout(t);
    }

    /// Binds `cfg.group` to this socket with all of `cfg`'s settings, in one
    /// request: the group is bound as asked, or not at all.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] before sending ([`GroupConfig::validate`]);
    /// [`Error::GroupBusy`], [`Error::AlreadyBound`],
    /// [`Error::PermissionDenied`], [`Error::FlagUnsupported`],
    /// [`Error::Refused`]; netlink errors.
    pub fn bind(&mut self, cfg: &GroupConfig) -> Result<(), Error> {
        self.config(cfg, Some(Command::Bind))?;
        self.bound.push(cfg.group);
        Ok(())
    }

    /// Changes the settings `cfg` sets on a group this socket bound.
    ///
    /// # Errors
    /// As [`Log::bind`]; [`Error::NotBound`].
    pub fn configure(&mut self, cfg: &GroupConfig) -> Result<(), Error> {
        self.config(cfg, None)
    }

    /// Releases `group`. Messages of it already received stay readable.
    ///
    /// # Errors
    /// [`Error::NotBound`]; [`Error::GroupBusy`] for a group of another
    /// socket; netlink errors.
    pub fn unbind(&mut self, group: u16) -> Result<(), Error> {
        self.config(&GroupConfig::new(group), Some(Command::Unbind))?;
        self.bound.retain(|&g| g != group);
        Ok(())
    }

    /// Makes nfnetlink_log the packet logger of `family` in this network
    /// namespace (`NFULNL_CFG_CMD_PF_BIND`). Kernels before 3.8 needed it
    /// before a bind; later ones bind their loggers themselves, and rules
    /// that name a group (`-j NFLOG`, nft `log group`) need nothing.
    ///
    /// # Errors
    /// [`Error::PermissionDenied`], [`Error::Refused`]; netlink errors.
    pub fn pf_bind(&mut self, family: ProtoFamily) -> Result<(), Error> {
        self.family_command(Command::PfBind, family)
    }

    /// Undoes [`Log::pf_bind`] (`NFULNL_CFG_CMD_PF_UNBIND`). Older
    /// libraries sent it before every bind; do not: it also unbinds the
    /// logger other programs rely on (the `LOG` target's fallback).
    ///
    /// # Errors
    /// As [`Log::pf_bind`].
    pub fn pf_unbind(&mut self, family: ProtoFamily) -> Result<(), Error> {
        self.family_command(Command::PfUnbind, family)
    }

    fn family_command(&mut self, command: Command, family: ProtoFamily) -> Result<(), Error> {
        self.request(0, None, |b, seq| {
            encode_pf(b, command, family, seq);
            Ok(())
        })
    }

    fn config(&mut self, cfg: &GroupConfig, command: Option<Command>) -> Result<(), Error> {
        cfg.validate().map_err(|reason| Error::InvalidConfig {
            group: cfg.group,
            reason,
        })?;
        let send = |b: &mut MsgBuilder, seq| cfg.encode(b, command, seq);
        match self.request(cfg.group, cfg.flags, send) {
            // The kernel loaded the conntrack glue for the CONNTRACK flag and
            // asks to try again (`nfulnl_recv_config`).
            Err(Error::Refused(Refusal { source, .. })) if source.errno() == Errno::EAGAIN => {
                self.request(cfg.group, cfg.flags, send)
            }
            other => other,
        }
    }

    /// Sends one request built by `build` and waits for its
    /// acknowledgement; log messages that arrive meanwhile are kept.
    fn request(
        &mut self,
        group: u16,
        flags: Option<LogFlags>,
        build: impl FnOnce(&mut MsgBuilder, u32) -> Result<(), EncodeError>,
    ) -> Result<(), Error> {
        let seq = self.reader.next_seq();
        self.tx.clear();
        build(&mut self.tx, seq).map_err(nfnl::Error::from)?;
        let req = self.tx.finish().map_err(nfnl::Error::from)?;
        let req_type = header(group, ProtoFamily::Unspec).nlmsg_type();
        let answer = self.reader.ack_request(req, seq, req_type)?;
        answer.map_err(|k| self.refusal(group, flags, k))
    }

    /// Names a refusal (`nfulnl_recv_config`'s errnos).
    fn refusal(&self, group: u16, flags: Option<LogFlags>, source: KernelError) -> Error {
        match source.errno() {
            // Either another socket holds the group, or we lack the
            // capability: the kernel says EPERM for both, /proc tells which.
            Errno::EPERM => match health::group(group) {
                Ok(Some(g)) if g.port_id != self.socket().port_id() => Error::GroupBusy {
                    group,
                    port_id: g.port_id,
                    source,
                },
                _ => Error::PermissionDenied { group, source },
            },
            Errno::EBUSY => Error::AlreadyBound { group },
            Errno::ENODEV => Error::NotBound { group },
            Errno::EOPNOTSUPP if flags.is_some_and(|f| f.contains(LogFlags::CONNTRACK)) => {
                Error::FlagUnsupported {
                    group,
                    flag: LogFlags::CONNTRACK,
                    source,
                }
            }
            _ => Error::Refused(Refusal {
                op: "configure",
                object: format!("log group {group}"),
                source,
            }),
        }
    }

    /// Messages the receive calls skipped as not log messages:
    /// acknowledgements and late answers to configuration requests that
    /// timed out.
    pub fn skipped(&self) -> u64 {
        self.reader.skipped()
    }

    /// Unbinds every group this socket bound and closes it.
    ///
    /// # Errors
    /// The first unbind that failed (the socket is closed anyway, which
    /// releases the rest).
    pub fn close(mut self) -> Result<(), Error> {
        let groups = std::mem::take(&mut self.bound);
        let mut first = Ok(());
        for g in groups {
            if let Err(e) = self.unbind(g) {
                first = first.and(Err(e));
            }
        }
        first
    }
}

/// Receiving logged packets: [`Receive::recv`], [`Receive::try_recv`],
/// [`Receive::recv_timeout`] (import [`Receive`], re-exported here), and the
/// async [`tokio::AsyncLog`](crate::tokio).
///
/// # Errors
/// Recoverable ones ([`ErrorExt::is_recoverable`](nfnl::ErrorExt::is_recoverable)):
/// an overrun (messages were lost; reported once, then receiving goes on),
/// a datagram too large for the receive slot, a malformed message
/// (skipped). Socket errors. Messages that are not log messages (a late
/// answer to a configuration request that timed out) are skipped and
/// counted in [`Log::skipped`].
impl Receive for Log {
    type Item<'a> = LogMsg<'a>;
    type Error = Error;

    #[inline(always)]
    fn fill(&mut self, wait: Wait) -> Result<(), Error> {
        self.reader.fill_sorted(wait, &mut || Ok(()), |m| {
            if m.msg_type() == PACKET_TYPE {
                Sort::Mine
            } else {
                Sort::NotMine
            }
        })
    }

    fn take(&mut self) -> Result<LogMsg<'_>, Error> {
        let Log { reader, slots, .. } = self;
        // `fill` made only a log message ready (sorted by its type).
        let bytes = reader.next(Wait::Poll)?.as_bytes();
        match LogMsg::index(bytes, slots) {
            Ok(_) => Ok(LogMsg::from_checked(bytes, slots)),
            Err(e) => Err(parse_error(e)),
        }
    }
}

/// The error [`Receive::take`] returns for a message that does not parse.
/// Out of line: inlined into the receive loop, the conversions cost on
/// every message.
#[cold]
#[inline(never)]
fn parse_error(e: nfnl::ParseError) -> Error {
    nfnl::Error::from(e).into()
}

/// `nlmsg_type` of a logged packet.
const PACKET_TYPE: u16 =
    ((nfnl::sys::NFNL_SUBSYS_ULOG as u16) << 8) | nfnl::sys::NFULNL_MSG_PACKET as u16;

impl AsFd for Log {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.reader.socket().as_fd()
    }
}

impl Drop for Log {
    /// Sends an unbind for every group still bound, without waiting for
    /// the answers. Closing the socket would release them too
    /// (`nfulnl_rcv_nl_event` on `NETLINK_URELEASE`); the explicit unbind
    /// also covers a socket whose descriptor was duplicated elsewhere.
    fn drop(&mut self) {
        for g in std::mem::take(&mut self.bound) {
            let seq = self.reader.next_seq();
            self.tx.clear();
            if GroupConfig::new(g)
                .encode(&mut self.tx, Some(Command::Unbind), seq)
                .is_ok()
            {
                if let Ok(bytes) = self.tx.finish() {
                    let _ = self.reader.socket().send(bytes);
                }
            }
        }
    }
}
