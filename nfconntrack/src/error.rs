//! The error type of this crate.

pub use nfnl::{EncodeError, KernelError, ParseError};

/// Any failure of a conntrack operation.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A netlink-level failure: I/O, a kernel refusal ([`KernelError`]), a
    /// malformed reply, an overrun ([`nfnl::Error::Overrun`]), a timeout...
    #[error(transparent)]
    Netlink(#[from] nfnl::Error),
    /// Source and destination, or original and reply tuple, are of different
    /// address families.
    #[error("mixed address families: IPv4 and IPv6 in one flow or tuple")]
    MixedFamilies,
    /// The operation needs a tuple (original or reply) and the flow has none.
    /// A delete without a tuple would flush the table (`ctnetlink_del_conntrack`),
    /// so it is refused before anything is sent.
    #[error("the flow has neither an original nor a reply tuple")]
    NoTuple,
    /// The kernel answered a get with no entry.
    #[error("the kernel sent no entry")]
    NotFound,
    /// An update asked to set status bits the kernel never changes
    /// ([`Status::UNCHANGEABLE`](crate::Status::UNCHANGEABLE), ignored by
    /// `__nf_ct_change_status`); refused before sending.
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
    /// An event filter that cannot be compiled to one BPF program
    /// ([`EventFilter::compile`](crate::evfilter::EventFilter::compile)).
    #[error("event filter: {0}")]
    EventFilter(&'static str),
    /// The operation is not supported by the running kernel (probed).
    #[error("not supported by this kernel: {0}")]
    Unsupported(&'static str),
}

impl Error {
    /// The kernel errno behind this error, if any (`ENOENT` for a missing
    /// entry, `EEXIST` for a duplicate create...).
    pub fn errno(&self) -> Option<nix::errno::Errno> {
        match self {
            Error::Netlink(e) => e.errno(),
            Error::NotFound => Some(nix::errno::Errno::ENOENT),
            _ => None,
        }
    }

    /// The kernel's refusal, if the kernel refused.
    pub fn kernel(&self) -> Option<&KernelError> {
        match self {
            Error::Netlink(nfnl::Error::Kernel(k)) => Some(k),
            _ => None,
        }
    }

    /// True if events were lost because the socket overflowed (`ENOBUFS`):
    /// resynchronise by dumping the table.
    pub fn is_overrun(&self) -> bool {
        matches!(self, Error::Netlink(nfnl::Error::Overrun))
    }

    /// True if nothing arrived before a deadline.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Netlink(nfnl::Error::Timeout))
    }

    /// True if a receive that may not wait found nothing.
    pub fn is_would_block(&self) -> bool {
        matches!(self, Error::Netlink(e) if e.is_would_block())
    }
}

impl From<ParseError> for Error {
    fn from(e: ParseError) -> Self {
        Error::Netlink(e.into())
    }
}

impl From<EncodeError> for Error {
    fn from(e: EncodeError) -> Self {
        Error::Netlink(e.into())
    }
}

impl From<KernelError> for Error {
    fn from(e: KernelError) -> Self {
        Error::Netlink(e.into())
    }
}

/// Shorthand for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
