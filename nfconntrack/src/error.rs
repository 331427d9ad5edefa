//! The error type of this crate.

use nfnl::{Errno, ErrorExt, Origin};
pub use nfnl::{KernelError, Refusal};

/// Any failure of a conntrack operation.
///
/// Ask it with [`ErrorExt`] (`is_not_found`, `is_exists`,
/// `is_permission_denied`, `is_overrun`, `errno`, `kernel_error`...). Its
/// `Debug` form is its message, so that `fn main() -> Result<(), Error>`
/// prints the message and its hint.
#[derive(thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A netlink-level failure: I/O, a kernel refusal ([`KernelError`]), a
    /// malformed reply, an overrun ([`nfnl::Error::Overrun`]), a timeout...
    #[error(transparent)]
    Netlink(#[from] nfnl::Error),
    /// IPv4 and IPv6 addresses where one family is needed: `what` says
    /// where (the source and destination of a tuple, the tuples of a flow,
    /// a NAT range, the addresses and family of a filter). Caught before
    /// anything is sent.
    #[error("mixed address families: IPv4 and IPv6 in {what}")]
    MixedFamilies {
        /// Where the families were mixed, e.g. "the source and destination
        /// of a tuple" or "a filter (its family, addresses and NAT
        /// addresses)".
        what: &'static str,
    },
    /// The operation needs a tuple (original or reply) and the flow has none.
    /// A delete without a tuple would flush the table (`ctnetlink_del_conntrack`),
    /// so it is refused before anything is sent.
    #[error("the flow has neither an original nor a reply tuple")]
    NoTuple,
    /// An update asked to set status bits the kernel never changes
    /// ([`Status::UNCHANGEABLE`](crate::Status::UNCHANGEABLE), ignored by
    /// `__nf_ct_change_status`) and the entry does not have (the bits
    /// given); refused after reading the entry's status, before the update
    /// is sent. Bits the entry already has are no change and pass.
    #[error("status bits {0:?} cannot be changed by an update")]
    Unchangeable(crate::status::Status),
    /// A label map (`connlabel.conf`) could not be read.
    #[error("cannot read the label map {path}: {source}")]
    LabelMap {
        /// The file.
        path: std::path::PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A label name that the label map does not have.
    #[error("unknown label {0:?}")]
    UnknownLabel(String),
    /// A line of the `conntrack -o save` format that does not parse.
    #[error("bad save-format line: {0}")]
    SaveFormat(String),
    /// A flow that the `conntrack -o save` format cannot write without
    /// changing it ([`Flow::save_line`](crate::Flow::save_line) lists the
    /// cases); refused instead of written differently.
    #[error("cannot write {what} in the save format: {reason}")]
    Unsaveable {
        /// The flow, as the tool prints its key.
        what: String,
        /// What the format cannot express.
        reason: &'static str,
    },
    /// An event filter that cannot be compiled to one BPF program
    /// ([`EventFilter::compile`](crate::evfilter::EventFilter::compile)).
    #[error("event filter: {0}")]
    EventFilter(&'static str),
    /// The kernel refused a request: the operation (`create`, `update`,
    /// `delete`, `get`...), the entry it was about as the tool prints it,
    /// and the kernel's answer (with its errno; `EPERM` carries the
    /// `CAP_NET_ADMIN` hint).
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// A request that the kernel would refuse with a bare `EINVAL`, refused
    /// before sending with the reason (for example a create without a
    /// timeout: `ctnetlink_new_conntrack` needs `CTA_TIMEOUT`).
    #[error("{op}: {reason}; nothing was sent")]
    Incomplete {
        /// The operation.
        op: &'static str,
        /// What is missing.
        reason: &'static str,
    },
    /// Joining the conntrack event groups was refused
    /// (`NETLINK_ADD_MEMBERSHIP`: `EPERM` without `CAP_NET_ADMIN`).
    #[error("listening to conntrack events: {source}; hint: CAP_NET_ADMIN is needed in the user namespace owning the network namespace")]
    EventsDenied {
        /// The system call's error.
        #[source]
        source: nfnl::Error,
    },
    /// The operation is not supported by the running kernel (probed).
    #[error("not supported by this kernel: {0}")]
    Unsupported(&'static str),
}

nfnl::subsystem_error!(Error);

impl ErrorExt for Error {
    /// For [`Error::Incomplete`] the
    /// `EINVAL` the kernel would have answered.
    fn origin(&self) -> Origin<'_> {
        match self {
            Error::Netlink(e) | Error::EventsDenied { source: e } => Origin::Netlink(e),
            Error::Refused(r) => r.origin(),
            Error::Incomplete { .. } => Origin::Errno(Errno::EINVAL),
            _ => Origin::None,
        }
    }
}

impl From<KernelError> for Error {
    fn from(e: KernelError) -> Self {
        Error::Netlink(e.into())
    }
}

/// Shorthand for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
