//! Error types: parse, encode, kernel and the top-level [`Error`], and the
//! one vocabulary every subsystem's error speaks: [`ErrorExt`].
//!
//! Parse errors are `Copy` and carry only integers and `&'static str`, so the
//! parse path never allocates. A [`KernelError`] owns the extended-ack text
//! (allocated only when the kernel reports a failure).

use std::fmt;

pub use nix::errno::Errno;

/// What lies under an error, for the predicates of [`ErrorExt`]: the
/// netlink layer's error, a kernel refusal, or an errno that the subsystem
/// derived itself (a refusal it recognised and named).
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum Origin<'a> {
    /// A failure of the netlink layer.
    Netlink(&'a Error),
    /// The kernel refused a request.
    Kernel(&'a KernelError),
    /// An errno the subsystem stands for (for example `EBUSY` for a
    /// refusal it turned into its own variant).
    Errno(Errno),
    /// Nothing from the kernel or the socket (an error of the caller's
    /// input, caught before sending).
    None,
}

/// The questions every error of this workspace answers, written once: each
/// subsystem's error (and [`Error`] itself) says what lies under it
/// ([`ErrorExt::origin`]); the predicates follow from that.
///
/// Import it to ask (`use nfnl_queue::ErrorExt;`: each subsystem crate
/// re-exports it).
///
/// ```
/// use nfnl::{Errno, Error, ErrorExt};
/// let e = Error::from(Errno::ENOBUFS);
/// assert!(e.is_overrun() && e.is_recoverable());
/// assert_eq!(e.errno(), Some(Errno::ENOBUFS));
/// ```
pub trait ErrorExt: std::error::Error {
    /// What lies under this error.
    fn origin(&self) -> Origin<'_>;

    /// The errno behind the error, if it came from the kernel or a system
    /// call (`ENOBUFS` for an overrun).
    fn errno(&self) -> Option<Errno> {
        match self.origin() {
            Origin::Netlink(Error::Kernel(k)) | Origin::Kernel(k) => Some(k.errno()),
            Origin::Netlink(Error::Io(e)) => io_errno(e),
            Origin::Netlink(Error::Overrun) => Some(Errno::ENOBUFS),
            Origin::Errno(e) => Some(e),
            _ => None,
        }
    }

    /// The kernel's refusal, with its extended-ack details, if the kernel
    /// refused.
    fn kernel_error(&self) -> Option<&KernelError> {
        match self.origin() {
            Origin::Netlink(Error::Kernel(k)) | Origin::Kernel(k) => Some(k),
            _ => None,
        }
    }

    /// True if a receive that may not wait found nothing to read.
    fn is_would_block(&self) -> bool {
        matches!(self.origin(), Origin::Netlink(Error::Io(e)) if e.kind() == std::io::ErrorKind::WouldBlock)
    }

    /// True if a deadline passed with nothing received ([`Error::Timeout`]).
    fn is_timeout(&self) -> bool {
        matches!(self.origin(), Origin::Netlink(Error::Timeout))
    }

    /// True for an overrun ([`Error::Overrun`]): the socket's receive
    /// buffer overflowed and messages were lost.
    fn is_overrun(&self) -> bool {
        matches!(self.origin(), Origin::Netlink(Error::Overrun))
    }

    /// True for what a receive loop goes on after: an overrun (messages
    /// lost, reported once), a datagram larger than the receive buffer, a
    /// malformed message (skipped). A subsystem may add its own (nfqueue:
    /// a refused verdict).
    fn is_recoverable(&self) -> bool {
        matches!(
            self.origin(),
            Origin::Netlink(Error::Overrun | Error::Truncated { .. } | Error::Parse(_))
        )
    }

    /// True for `ENOENT`: the object does not exist.
    fn is_not_found(&self) -> bool {
        self.errno() == Some(Errno::ENOENT)
    }

    /// True for `EEXIST`: the object exists already (an exclusive create).
    fn is_exists(&self) -> bool {
        self.errno() == Some(Errno::EEXIST)
    }

    /// True for `EBUSY`: the object is in use (or bound already).
    fn is_busy(&self) -> bool {
        self.errno() == Some(Errno::EBUSY)
    }

    /// True for `EPERM`: `CAP_NET_ADMIN` is needed in the user namespace
    /// that owns the network namespace.
    fn is_permission_denied(&self) -> bool {
        self.errno() == Some(Errno::EPERM)
    }
}

/// The errno of a system call's error, also when context was wrapped
/// around it (an `io::Error` whose payload has the original in its chain).
fn io_errno(e: &std::io::Error) -> Option<Errno> {
    if let Some(raw) = e.raw_os_error() {
        return Some(Errno::from_raw(raw));
    }
    let mut next: Option<&(dyn std::error::Error + 'static)> = e.get_ref().map(|inner| {
        let inner: &(dyn std::error::Error + 'static) = inner;
        inner
    });
    while let Some(err) = next {
        if let Some(raw) = err
            .downcast_ref::<std::io::Error>()
            .and_then(std::io::Error::raw_os_error)
        {
            return Some(Errno::from_raw(raw));
        }
        next = err.source();
    }
    None
}

/// Writes `e` as a report: its message, then each cause in its source chain
/// that the message does not already contain. The `Debug` form of every
/// error of this workspace, so that `fn main() -> Result<(), E>` prints the
/// message and its hint rather than the enum's fields.
///
/// # Errors
/// Those of the formatter.
pub fn write_report(e: &dyn std::error::Error, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let top = e.to_string();
    f.write_str(&top)?;
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !top.contains(&text) {
            write!(f, "\n  caused by: {text}")?;
        }
        source = s.source();
    }
    Ok(())
}

/// What every subsystem error with a `Netlink(nfnl::Error)` variant
/// needs besides its [`ErrorExt`]: `Debug` as [`write_report`]
/// ([`debug_as_report!`](crate::debug_as_report)) and the conversions of the netlink layer's parse
/// and encode errors into that variant.
#[macro_export]
macro_rules! subsystem_error {
    ($ty:ty) => {
        $crate::debug_as_report!($ty);

        impl ::std::convert::From<$crate::ParseError> for $ty {
            fn from(e: $crate::ParseError) -> Self {
                Self::Netlink(e.into())
            }
        }

        impl ::std::convert::From<$crate::EncodeError> for $ty {
            fn from(e: $crate::EncodeError) -> Self {
                Self::Netlink(e.into())
            }
        }
    };
}

/// Implements `Debug` as [`write_report`]: the message first (and only), as
/// `fn main() -> Result<(), E>` shows it.
#[macro_export]
macro_rules! debug_as_report {
    ($ty:ty) => {
        impl ::std::fmt::Debug for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                $crate::error::write_report(self, f)
            }
        }
    };
}

/// A malformed message, attribute or value. Names what was wrong and where.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseError {
    /// The buffer ends before a header or payload it announces.
    #[error("{what}: truncated, need {need} bytes, have {have}")]
    Truncated {
        /// What was being read (`"nlmsghdr"`, `"nlattr"`, `"nfgenmsg"`...).
        what: &'static str,
        /// Bytes needed.
        need: usize,
        /// Bytes available.
        have: usize,
    },
    /// A length field is smaller than its own header.
    #[error("{what}: length field {len} below minimum {min}")]
    BadLength {
        /// What was being read.
        what: &'static str,
        /// The length field.
        len: usize,
        /// The smallest legal value.
        min: usize,
    },
    /// A fixed-size attribute has the wrong payload size.
    #[error("attribute {kind}: payload is {got} bytes, expected {expected}")]
    AttrSize {
        /// Attribute type (flags masked off).
        kind: u16,
        /// Expected payload size.
        expected: usize,
        /// Actual payload size.
        got: usize,
    },
    /// A string attribute is not NUL-terminated.
    #[error("attribute {kind}: string not NUL-terminated")]
    Unterminated {
        /// Attribute type.
        kind: u16,
    },
    /// A string attribute is not valid UTF-8.
    #[error("attribute {kind}: string is not UTF-8")]
    NotUtf8 {
        /// Attribute type.
        kind: u16,
    },
    /// A mandatory attribute is missing.
    #[error("missing attribute {kind} in {within}")]
    Missing {
        /// Attribute type.
        kind: u16,
        /// The message or nest it should be in (kernel name).
        within: &'static str,
    },
    /// An attribute has a value that cannot be right.
    #[error("attribute {kind}: invalid value ({why})")]
    InvalidValue {
        /// Attribute type.
        kind: u16,
        /// Why the value is invalid.
        why: &'static str,
    },
    /// Attributes nest deeper than the decoder allows.
    #[error("attributes nested deeper than {max} levels")]
    DepthExceeded {
        /// The cap.
        max: usize,
    },
    /// A message of a type this decoder does not handle.
    #[error("unexpected message type {msg_type:#06x}")]
    UnexpectedMessage {
        /// The full `nlmsg_type`.
        msg_type: u16,
    },
}

/// A request could not be encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EncodeError {
    /// The attribute (or nest) would not fit the 16-bit `nla_len`.
    #[error("attribute {kind}: {len} bytes exceed the netlink attribute limit of 65535")]
    AttrTooLarge {
        /// Attribute type.
        kind: u16,
        /// The length it would have had, header included.
        len: usize,
    },
    /// The message would not fit the 32-bit `nlmsg_len`.
    #[error("message of {len} bytes exceeds the netlink message limit")]
    MessageTooLarge {
        /// The length it would have had.
        len: usize,
    },
    /// A string contains a NUL byte and cannot be sent as a C string.
    #[error("string for attribute {kind} contains a NUL byte")]
    InteriorNul {
        /// Attribute type.
        kind: u16,
    },
    /// An attribute was added with no message begun.
    #[error("no message begun: call MsgBuilder::begin first")]
    NoMessage,
    /// A value the kernel would reject, caught before sending.
    #[error("invalid value: {0}")]
    Invalid(&'static str),
}

/// The kernel refused a request: an `NLMSG_ERROR` (or `NLMSG_DONE`) with a
/// negative errno, plus the extended-ack details when the kernel gave them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KernelError {
    /// The errno as a positive number (`ENOENT` = 2), kept raw so unknown
    /// values stay representable: read it with [`KernelError::errno`].
    pub(crate) errno: i32,
    /// Sequence number of the request it answers.
    pub seq: u32,
    /// `NLMSGERR_ATTR_MSG`: the kernel's explanation, if any.
    pub message: Option<String>,
    /// `NLMSGERR_ATTR_OFFS`: byte offset of the offending attribute in the
    /// request, if any.
    pub offset: Option<u32>,
    /// `NLMSGERR_ATTR_MISS_TYPE`: type of a missing mandatory attribute.
    pub missing_type: Option<u16>,
}

impl KernelError {
    /// The errno as a typed value.
    pub fn errno(&self) -> Errno {
        Errno::from_raw(self.errno)
    }

    /// A refusal with `errno` (positive) for request `seq`, without
    /// extended-ack details.
    pub fn new(errno: Errno, seq: u32) -> Self {
        KernelError {
            errno: errno as i32,
            seq,
            message: None,
            offset: None,
            missing_type: None,
        }
    }

    fn is_permission_denied(&self) -> bool {
        self.errno == Errno::EPERM as i32
    }
}

impl fmt::Display for KernelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "kernel error: {} ({:?})",
            self.errno().desc(),
            self.errno()
        )?;
        if let Some(m) = &self.message {
            write!(f, ": {m}")?;
        }
        if let Some(o) = self.offset {
            write!(f, " (at offset {o})")?;
        }
        if let Some(t) = self.missing_type {
            write!(f, " (missing attribute {t})")?;
        }
        if self.is_permission_denied() {
            write!(
                f,
                "; hint: CAP_NET_ADMIN is needed in the user namespace owning the network namespace"
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for KernelError {}

/// Any failure of the netlink layer.
#[derive(thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A system call failed.
    #[error("netlink socket: {0}")]
    Io(#[from] std::io::Error),
    /// The kernel refused the request.
    #[error(transparent)]
    Kernel(#[from] KernelError),
    /// A reply was malformed.
    #[error("malformed message: {0}")]
    Parse(#[from] ParseError),
    /// A request could not be built.
    #[error(transparent)]
    Encode(#[from] EncodeError),
    /// A datagram was larger than the receive buffer (`MSG_TRUNC`); nothing
    /// of it was parsed.
    #[error("datagram of {len} bytes truncated by a receive buffer of {buf} bytes")]
    Truncated {
        /// Size of the datagram.
        len: usize,
        /// Size of the buffer.
        buf: usize,
    },
    /// The socket's receive buffer overflowed (`ENOBUFS`): messages were lost.
    #[error("receive buffer overrun: messages were lost")]
    Overrun,
    /// The dump was interrupted by a concurrent change (`NLM_F_DUMP_INTR`);
    /// its results may be inconsistent. Retry.
    #[error("dump interrupted by a concurrent change; retry")]
    DumpInterrupted,
    /// No reply arrived before the deadline.
    #[error("no reply within the timeout")]
    Timeout,
    /// A query ([`Conn::query`](crate::Conn::query)) was acknowledged
    /// without the one answer it asks for.
    #[error("request type {msg_type:#06x}: acknowledged without an answer")]
    NoAnswer {
        /// The request's `nlmsg_type`.
        msg_type: u16,
    },
    /// A query ([`Conn::query`](crate::Conn::query)) that asks for one
    /// answer got more (all were read; the first was decoded).
    #[error("request type {msg_type:#06x}: {count} answers where one was expected")]
    ManyAnswers {
        /// The request's `nlmsg_type`.
        msg_type: u16,
        /// How many answers came.
        count: u32,
    },
}

crate::debug_as_report!(Error);

impl Error {
    /// Names the kernel's refusal: `Ok` with a [`Refusal`] of `op` on the
    /// object `object()` names if this is [`Error::Kernel`], else `Err`
    /// with the error unchanged. The one way every subsystem crate names a
    /// refused operation:
    ///
    /// ```
    /// use nfnl::{Errno, Error, KernelError};
    /// let e = Error::Kernel(KernelError::new(Errno::ENOENT, 7));
    /// let r = e.into_refusal("delete", || "udp src=10.0.0.1".into()).unwrap();
    /// assert!(r.to_string().starts_with("delete udp src=10.0.0.1: kernel error"));
    /// ```
    ///
    /// # Errors
    /// `Err(self)` if the kernel did not refuse (I/O, parse, timeout...).
    pub fn into_refusal(
        self,
        op: &'static str,
        object: impl FnOnce() -> String,
    ) -> Result<Refusal, Error> {
        match self {
            Error::Kernel(source) => Ok(Refusal {
                op,
                object: object(),
                source,
            }),
            e => Err(e),
        }
    }
}

/// The kernel refused an operation on an object: `"{op} {object}: {source}"`
/// (for example `delete udp src=10.0.0.1 dst=10.0.0.2 sport=1 dport=2:
/// kernel error: No such file or directory (ENOENT)`; `EPERM` carries the
/// `CAP_NET_ADMIN` hint). Made by [`Error::into_refusal`]; the subsystem
/// crates wrap it in their `Refused` variant.
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
#[error("{op} {object}: {source}")]
pub struct Refusal {
    /// The operation (`create`, `delete`, `get`, `configure`...).
    pub op: &'static str,
    /// The object it was about, as the subsystem's tool names it.
    pub object: String,
    /// The kernel's answer.
    #[source]
    pub source: KernelError,
}

crate::debug_as_report!(Refusal);

impl ErrorExt for Refusal {
    fn origin(&self) -> Origin<'_> {
        Origin::Kernel(&self.source)
    }
}

impl ErrorExt for Error {
    fn origin(&self) -> Origin<'_> {
        Origin::Netlink(self)
    }
}

impl From<Errno> for Error {
    fn from(e: Errno) -> Self {
        if e == Errno::ENOBUFS {
            Error::Overrun
        } else {
            Error::Io(std::io::Error::from(e))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kernel_error_display_includes_ext_ack() {
        let e = KernelError {
            errno: 22,
            seq: 7,
            message: Some("bad attr".into()),
            offset: Some(20),
            missing_type: None,
        };
        let s = e.to_string();
        assert!(s.contains("EINVAL"), "{s}");
        assert!(s.contains("bad attr"), "{s}");
        assert!(s.contains("offset 20"), "{s}");
    }

    #[test]
    fn eperm_has_hint_and_enobufs_maps_to_overrun() {
        let e = KernelError {
            errno: 1,
            seq: 0,
            message: None,
            offset: None,
            missing_type: None,
        };
        assert!(e.is_permission_denied());
        assert!(e.to_string().contains("CAP_NET_ADMIN"));
        assert!(matches!(Error::from(Errno::ENOBUFS), Error::Overrun));
        assert!(Error::from(Errno::EAGAIN).is_would_block());
    }

    #[test]
    fn a_refusal_names_op_and_object_and_keeps_the_errno_and_hint() {
        let e = Error::Kernel(KernelError::new(Errno::EPERM, 3));
        let r = e.into_refusal("create", || "5 flows".into()).unwrap();
        let s = r.to_string();
        assert!(s.starts_with("create 5 flows: kernel error: "), "{s}");
        assert!(s.contains("CAP_NET_ADMIN"), "{s}");
        assert_eq!(format!("{r:?}"), s);
        assert!(r.is_permission_denied());
        assert_eq!(r.errno(), Some(Errno::EPERM));
        let other = Error::Timeout.into_refusal("get", || unreachable!());
        assert!(matches!(other, Err(Error::Timeout)));
    }
}
