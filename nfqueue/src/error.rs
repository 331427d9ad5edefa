//! The error type of the queue crate.
//!
//! It wraps [`nfnl::Error`] transparently and adds what only a queue
//! can go wrong with: a refused binding, an unsupported flag named by the
//! flag, a verdict refused by the kernel (tied to its packet id), a payload
//! our API refuses before sending, and use after close.

use nfnl::{Errno, ErrorExt, KernelError, Origin, Refusal};

use crate::config::QueueFlags;

/// Any failure of the queue API.
///
/// Ask it with [`ErrorExt`] (`is_recoverable`, `is_would_block`,
/// `is_overrun`, `errno`...). Its `Debug` form is its message, so that
/// `fn main() -> Result<(), Error>` prints the message and its hint.
#[derive(thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A failure of the netlink layer (socket, parse, encode, overrun,
    /// timeout...). [`nfnl::Error::Overrun`] means the socket's receive
    /// buffer overflowed and packets were lost (the kernel counts them in
    /// `queue_user_dropped`); it is reported once per episode and the queue
    /// goes on working.
    #[error(transparent)]
    Netlink(#[from] nfnl::Error),
    /// The kernel refused a verdict sent earlier (`NLMSG_ERROR` carrying the
    /// verdict's sequence number, which this crate sets to the packet id):
    /// `ENOENT` (no such packet id: already verdicted, or flushed), `ENODEV`
    /// (queue not bound), `EPERM` (queue bound by another socket), `EINVAL`
    /// (bad verdict).
    #[error("verdict for packet {id} on queue {queue:?} refused: {source}")]
    Verdict {
        /// The queue number, when the kernel echoed the request (it does
        /// unless `NETLINK_CAP_ACK` is on).
        queue: Option<u16>,
        /// The packet id (for a batch verdict, the highest id of the batch).
        id: u32,
        /// The kernel's error.
        #[source]
        source: KernelError,
    },
    /// `EBUSY`: this socket has already bound the queue.
    #[error("queue {queue} is already bound by this socket (EBUSY)")]
    QueueBusy {
        /// The queue number.
        queue: u16,
    },
    /// `ENODEV`: the queue is not bound (unbind or configure before bind).
    #[error("queue {queue} is not bound (ENODEV)")]
    NotBound {
        /// The queue number.
        queue: u16,
    },
    /// `EPERM` from a queue that another socket has bound (the kernel answers
    /// `EPERM` for both this and a missing `CAP_NET_ADMIN`; the queue's
    /// owner in `/proc/net/netfilter/nfnetlink_queue` tells them apart).
    #[error("queue {queue} is bound by another socket (port id {port_id}); bind another queue number or stop that listener")]
    BoundElsewhere {
        /// The queue number.
        queue: u16,
        /// The netlink port id of the socket that has it.
        port_id: u32,
        /// The kernel's error.
        #[source]
        source: KernelError,
    },
    /// `EPERM`: the caller lacks `CAP_NET_ADMIN` in the user namespace
    /// owning the network namespace (or, where `/proc` cannot be read to
    /// tell, another socket has the queue).
    #[error("queue {queue}: permission denied: CAP_NET_ADMIN is needed in the user namespace owning the network namespace{}", if *.unknown_owner { " (or another socket has bound the queue: /proc was unreadable to tell)" } else { "" })]
    PermissionDenied {
        /// True when `/proc` could not be read to rule out another owner.
        unknown_owner: bool,
        /// The queue number.
        queue: u16,
        /// The kernel's error.
        #[source]
        source: KernelError,
    },
    /// The kernel refuses this queue flag (`EOPNOTSUPP`), for example
    /// [`QueueFlags::CONNTRACK`] without the netlink conntrack glue, or
    /// [`QueueFlags::SECCTX`] without `CONFIG_NETWORK_SECMARK`. Nothing was
    /// changed: the kernel checks flags before binding.
    #[error("queue {queue}: the kernel does not support flag {flag:?}")]
    FlagUnsupported {
        /// The queue number.
        queue: u16,
        /// The refused flag (one bit).
        flag: QueueFlags,
        /// The kernel's error.
        #[source]
        source: KernelError,
    },
    /// Another refusal of a configuration request: `configure queue N`
    /// and the kernel's error.
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// A payload verdict refused by this library before sending, because
    /// the kernel would have damaged or silently dropped the packet. The
    /// packet got the queue's default verdict instead.
    #[error("payload for packet {id} refused: {reason}")]
    PayloadRefused {
        /// The packet id.
        id: u32,
        /// Why.
        reason: &'static str,
    },
    /// A setting the kernel would take but cannot use, refused before
    /// sending (see [`QueueConfig::check`](crate::QueueConfig::check)):
    /// nothing was changed.
    #[error("queue {queue}: {reason}; nothing was sent")]
    InvalidConfig {
        /// The queue number.
        queue: u16,
        /// What is wrong, and what the kernel would do with it.
        reason: &'static str,
    },
    /// A receive on a [`Queue`](crate::Queue) with no queue bound (none yet,
    /// or all unbound): no packet can arrive, so the waiting receive calls
    /// (`recv`, `recv_timeout`, the async `recv`) return this instead of
    /// waiting; `try_recv`, which never waits, still says "would block".
    /// Answers already received (a refused verdict) are returned first.
    /// A socket handed over with
    /// [`Queue::from_socket`](crate::Queue::from_socket) must be bound
    /// through its `Queue` too.
    #[error("receive with no queue bound: no packet can arrive (call Queue::bind first)")]
    NothingBound,
    /// The [`Queue`](crate::Queue) was closed; its packets were released by
    /// the kernel (dropped) when it closed.
    #[error("the queue was closed")]
    Closed,
    /// `/proc/net/netfilter/nfnetlink_queue` had a line this crate cannot read.
    #[error("unexpected line {line} in /proc/net/netfilter/nfnetlink_queue")]
    ProcFormat {
        /// 1-based line number.
        line: usize,
    },
}

nfnl::subsystem_error!(Error);

impl ErrorExt for Error {
    fn origin(&self) -> Origin<'_> {
        match self {
            Error::Netlink(e) => Origin::Netlink(e),
            Error::Verdict { source, .. }
            | Error::PermissionDenied { source, .. }
            | Error::BoundElsewhere { source, .. }
            | Error::FlagUnsupported { source, .. }
            | Error::Refused(Refusal { source, .. }) => Origin::Kernel(source),
            Error::QueueBusy { .. } => Origin::Errno(Errno::EBUSY),
            Error::NotBound { .. } => Origin::Errno(Errno::ENODEV),
            _ => Origin::None,
        }
    }

    /// Besides the netlink layer's (an overrun, a truncated datagram, a
    /// malformed packet message, which got the default verdict if its id
    /// could be read): a refused verdict, a payload refused before sending.
    fn is_recoverable(&self) -> bool {
        match self {
            Error::Verdict { .. } | Error::PayloadRefused { .. } => true,
            Error::Netlink(e) => e.is_recoverable(),
            _ => false,
        }
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::Netlink(e.into())
    }
}

impl From<nix::errno::Errno> for Error {
    fn from(e: nix::errno::Errno) -> Self {
        Error::Netlink(e.into())
    }
}
