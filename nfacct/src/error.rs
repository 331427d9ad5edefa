//! The error type of the accounting crate: the netlink layer's errors, plus
//! each refusal of `nfnetlink_acct` named with the operation and the object.

use nfnl::{ErrorExt, KernelError, Origin, Refusal};

/// Any failure of the accounting API.
///
/// Ask it with [`ErrorExt`] (`is_not_found`, `is_busy`, `is_overrun`,
/// `errno`...). Its `Debug` form is its message.
#[derive(thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A failure of the netlink layer: I/O, a malformed reply, a timeout,
    /// an overrun of a [`QuotaListener`](crate::QuotaListener) (notifications
    /// were lost).
    #[error(transparent)]
    Netlink(#[from] nfnl::Error),
    /// A name the kernel would refuse, refused before sending.
    #[error("invalid nfacct name {name:?}: {reason}")]
    InvalidName {
        /// The name given.
        name: String,
        /// Why it is refused.
        reason: &'static str,
    },
    /// `ENOENT`: no object has this name.
    #[error("{op} nfacct \"{name}\": no such object")]
    NotFound {
        /// The operation (`get`, `get and reset`, `delete`).
        op: &'static str,
        /// The object's name.
        name: String,
        /// The kernel's error.
        #[source]
        source: KernelError,
    },
    /// An object with this name exists already: `nfnl_acct_new` answers
    /// `EBUSY` to a create without `NLM_F_EXCL` (as this crate and the
    /// `nfacct` tool send it), `EEXIST` with it. Nothing changed.
    #[error("create nfacct \"{name}\": an object with this name exists")]
    Exists {
        /// The object's name.
        name: String,
        /// The kernel's error.
        #[source]
        source: KernelError,
    },
    /// `EBUSY` on delete: a rule (`iptables -m nfacct --nfacct-name`) or
    /// another user still holds the object ([`Object::use_count`](crate::Object::use_count)
    /// above 1). Nothing changed.
    #[error(
        "delete nfacct \"{name}\": in use (held by a rule or another user); remove its users first"
    )]
    InUse {
        /// The object's name.
        name: String,
        /// The kernel's error.
        #[source]
        source: KernelError,
    },
    /// Another refusal (`EPERM` without `CAP_NET_ADMIN`, `EINVAL`...).
    /// The operation (`create`, `get`, `dump`, `delete`, `delete
    /// unused`...) and its object (`nfacct "name"`, or `nfacct` for all).
    #[error(transparent)]
    Refused(#[from] Refusal),
}

nfnl::subsystem_error!(Error);

impl ErrorExt for Error {
    fn origin(&self) -> Origin<'_> {
        match self {
            Error::Netlink(e) => Origin::Netlink(e),
            Error::NotFound { source, .. }
            | Error::Exists { source, .. }
            | Error::InUse { source, .. }
            | Error::Refused(Refusal { source, .. }) => Origin::Kernel(source),
            Error::InvalidName { .. } => Origin::None,
        }
    }
}
