//! The error type of the timeout-policy crate: the netlink layer's errors,
//! each refusal of the kernel named with the operation and the policy it was
//! about, and what is refused before sending.

use nfnl::timeout::TimeoutError;
use nfnl::{ErrorExt, IpProto, KernelError, Origin, Refusal};

/// Any failure of the timeout-policy API.
///
/// Ask it with [`ErrorExt`] (`is_not_found`, `is_busy`, `errno`,
/// `kernel_error`...). Its `Debug` form is its message.
#[derive(thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A failure of the netlink layer: I/O, a malformed reply
    /// ([`nfnl::Error::Parse`]), a timeout.
    #[error(transparent)]
    Netlink(#[from] nfnl::Error),
    /// `ENOENT`: no policy has this name (`IPCTNL_MSG_TIMEOUT_GET` or
    /// `IPCTNL_MSG_TIMEOUT_DELETE`).
    #[error("{op} timeout policy \"{name}\": no such policy")]
    NotFound {
        /// The operation (`"get"`, `"delete"`).
        op: &'static str,
        /// The policy's name.
        name: String,
        /// The kernel's error.
        #[source]
        source: KernelError,
    },
    /// `EBUSY` on delete: a rule refers to the policy (`iptables … -j CT
    /// --timeout NAME`); delete the rule first. Nothing changed.
    ///
    /// NOTE(kernel): Linux up to 6.18 at least refuses so; the newest
    /// netfilter tree deletes the name instead and lets the rules keep
    /// their timeouts.
    #[error("delete timeout policy \"{name}\": in use (a rule's CT target refers to it)")]
    InUse {
        /// The policy's name.
        name: String,
        /// The kernel's error.
        #[source]
        source: KernelError,
    },
    /// `EEXIST` (or `EBUSY` from a kernel that ignores `NLM_F_EXCL`) on
    /// create: a policy of this name exists. [`CtTimeout::replace`](crate::CtTimeout::replace)
    /// changes it.
    #[error("create timeout policy \"{name}\": a policy of that name exists")]
    Exists {
        /// The policy's name.
        name: String,
        /// The kernel's error.
        #[source]
        source: KernelError,
    },
    /// `EINVAL` on replace where the existing policy of that name is for
    /// another layer-3 or layer-4 protocol: the kernel changes only the
    /// timeouts of a policy, never its kind.
    #[error(
        "replace timeout policy \"{name}\": the existing policy is for {existing_family} \
         {existing_proto}, not {family} {proto}"
    )]
    KindMismatch {
        /// The policy's name.
        name: String,
        /// The layer-3 protocol asked for.
        family: nfnl::ProtoFamily,
        /// The layer-4 protocol asked for.
        proto: IpProto,
        /// The existing policy's layer-3 protocol.
        existing_family: nfnl::ProtoFamily,
        /// The existing policy's layer-4 protocol.
        existing_proto: IpProto,
        /// The kernel's error.
        #[source]
        source: KernelError,
    },
    /// `EOPNOTSUPP`: the kernel has no connection tracker for this layer-4
    /// protocol (DCCP since Linux 6.16, or a protocol without one), or no
    /// timeout support for it.
    #[error("{op} {what}: this kernel has no timeouts for protocol {proto}")]
    Unsupported {
        /// The operation (`"create"`, `"default-get"`...).
        op: &'static str,
        /// What it was about (`timeout policy "x"`, `timeouts of udp`).
        what: String,
        /// The layer-4 protocol.
        proto: IpProto,
        /// The kernel's error.
        #[source]
        source: KernelError,
    },
    /// `EPERM`: the caller lacks `CAP_NET_ADMIN` in the user namespace that
    /// owns the network namespace.
    #[error("{op} {what}: permission denied (CAP_NET_ADMIN is needed)")]
    PermissionDenied {
        /// The operation.
        op: &'static str,
        /// What it was about.
        what: String,
        /// The kernel's error.
        #[source]
        source: KernelError,
    },
    /// Another refusal by the kernel: the operation, what it was about
    /// (`timeout policy "name"`, `timeouts of tcp`, `timeout policies`)
    /// and the kernel's error.
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// A name the kernel would refuse or cut: empty, longer than
    /// [`MAX_NAME_LEN`](crate::MAX_NAME_LEN) bytes, or with a NUL byte.
    /// Nothing was sent.
    #[error("timeout policy name {name:?}: {reason}")]
    InvalidName {
        /// The name.
        name: String,
        /// What is wrong.
        reason: &'static str,
    },
    /// A timeout above [`MAX_TIMEOUT_SECS`](crate::MAX_TIMEOUT_SECS), a state
    /// name the protocol does not have, or a protocol without timeout states
    /// ([`Timeouts::validate`](crate::Timeouts::validate),
    /// [`Timeouts::set`](crate::Timeouts::set),
    /// [`Timeouts::empty`](crate::Timeouts::empty)). Nothing was sent.
    #[error(transparent)]
    Timeout(#[from] TimeoutError),
}

nfnl::subsystem_error!(Error);

impl ErrorExt for Error {
    fn origin(&self) -> Origin<'_> {
        match self {
            Error::Netlink(e) => Origin::Netlink(e),
            Error::NotFound { source, .. }
            | Error::InUse { source, .. }
            | Error::Exists { source, .. }
            | Error::KindMismatch { source, .. }
            | Error::Unsupported { source, .. }
            | Error::PermissionDenied { source, .. }
            | Error::Refused(Refusal { source, .. }) => Origin::Kernel(source),
            _ => Origin::None,
        }
    }
}
