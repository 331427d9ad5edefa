//! The error type of the log crate: the netlink layer's errors, plus the
//! ways a group's configuration is refused, each named.

use nfnl::{Errno, ErrorExt, KernelError, Origin, Refusal};

use crate::config::LogFlags;

/// Any failure of the log API.
///
/// Ask it with [`ErrorExt`] (`is_recoverable`, `is_would_block`,
/// `is_overrun`, `errno`...). Its `Debug` form is its message, so that
/// `fn main() -> Result<(), Error>` prints the message and its hint.
#[derive(thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A failure of the netlink layer. [`nfnl::Error::Overrun`] means
    /// the socket's receive buffer overflowed and log messages were lost
    /// (the kernel counts them in the socket's drops, see
    /// [`health::socket_drops`](crate::health::socket_drops)); it is
    /// reported once per episode and receiving goes on.
    #[error(transparent)]
    Netlink(#[from] nfnl::Error),
    /// `EPERM` for a group that another socket has bound (the kernel allows
    /// one socket per group); `port_id` is that socket's, as
    /// `/proc/net/netfilter/nfnetlink_log` shows it.
    #[error(
        "log group {group} is bound by another socket (port id {port_id}); log to another \
         group (iptables -j NFLOG --nflog-group N) or stop that listener"
    )]
    GroupBusy {
        /// The group.
        group: u16,
        /// The netlink port id of the socket holding it.
        port_id: u32,
        /// The kernel's error.
        #[source]
        source: KernelError,
    },
    /// `EBUSY`: this socket has bound the group already.
    #[error("log group {group} is already bound by this socket")]
    AlreadyBound {
        /// The group.
        group: u16,
    },
    /// `ENODEV`: the group is not bound (configure or unbind before bind).
    #[error("log group {group} is not bound")]
    NotBound {
        /// The group.
        group: u16,
    },
    /// `EPERM` when no other socket holds the group: the caller lacks
    /// `CAP_NET_ADMIN` in the user namespace owning the network namespace.
    /// (Where `/proc/net/netfilter/nfnetlink_log` cannot be read, in a
    /// namespace owned by a user namespace, a group held by another socket
    /// is reported this way too: the kernel says `EPERM` for both.)
    #[error("log group {group}: permission denied (CAP_NET_ADMIN is needed)")]
    PermissionDenied {
        /// The group.
        group: u16,
        /// The kernel's error.
        #[source]
        source: KernelError,
    },
    /// `EOPNOTSUPP`: the kernel refuses this flag (only
    /// [`LogFlags::CONNTRACK`] can be: without the netlink conntrack glue).
    /// Nothing changed: the kernel checks flags before it binds.
    #[error("log group {group}: this kernel refuses flag {flag:?}")]
    FlagUnsupported {
        /// The group.
        group: u16,
        /// The refused flag.
        flag: LogFlags,
        /// The kernel's error.
        #[source]
        source: KernelError,
    },
    /// Another refusal of a configuration request: `configure log group
    /// N` (0 for a family command) and the kernel's error.
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// A configuration this crate does not send, because the kernel would
    /// ignore it without an error.
    #[error("log group {group}: {reason}")]
    InvalidConfig {
        /// The group.
        group: u16,
        /// What is wrong.
        reason: &'static str,
    },
    /// `/proc/net/netfilter/nfnetlink_log` (or `/proc/net/netlink`) had a
    /// line this crate cannot read.
    #[error("unexpected line {line} in {file}")]
    ProcFormat {
        /// The file.
        file: &'static str,
        /// 1-based line number.
        line: usize,
    },
}

nfnl::subsystem_error!(Error);

impl ErrorExt for Error {
    fn origin(&self) -> Origin<'_> {
        match self {
            Error::Netlink(e) => Origin::Netlink(e),
            Error::GroupBusy { source, .. }
            | Error::PermissionDenied { source, .. }
            | Error::FlagUnsupported { source, .. }
            | Error::Refused(Refusal { source, .. }) => Origin::Kernel(source),
            Error::AlreadyBound { .. } => Origin::Errno(Errno::EBUSY),
            Error::NotBound { .. } => Origin::Errno(Errno::ENODEV),
            _ => Origin::None,
        }
    }
}
