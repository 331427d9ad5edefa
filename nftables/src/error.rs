//! The error type of the nf_tables crate: the netlink layer's errors, and
//! a transaction's refusal naming the operation that failed.

use nfnl::{ErrorExt, KernelError, Origin};

/// Any failure of the nf_tables API.
///
/// Ask it with [`ErrorExt`] (`is_not_found`, `is_exists`, `errno`...). Its
/// `Debug` form is its message.
#[derive(thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A failure of the netlink layer: I/O, a malformed reply, a timeout.
    #[error(transparent)]
    Netlink(#[from] nfnl::Error),
    /// A request outside a transaction (a dump, a get, `NFT_MSG_GETGEN`)
    /// was refused: the operation, its object (`dump rules of inet`, `get
    /// table inet t`...) and the kernel's error.
    #[error(transparent)]
    Refused(nfnl::Refusal),
    /// One operation of a transaction was refused: the kernel applied
    /// none of the transaction (it is atomic). `index` counts the
    /// transaction's operations from 0; `op` says what it was (`add rule
    /// inet t c`), and, when the kernel pointed at one of a rule's
    /// expressions, which (`expression 3 (lookup)`).
    #[error("transaction operation {index} ({op}): {source}")]
    Operation {
        /// Index of the operation in the transaction, from 0.
        index: usize,
        /// What it was, with the expression the kernel pointed at if any.
        op: String,
        /// The kernel's error (`errno`, extended-ack message and offset).
        #[source]
        source: KernelError,
        /// The other operations the kernel refused in the same transaction
        /// (it goes on checking after the first), as `(index, op, error)`.
        others: Vec<(usize, String, KernelError)>,
    },
    /// The transaction as a whole was refused, not one operation: a stale
    /// generation id (`ERESTART`), a commit-phase failure. Nothing was applied.
    #[error("transaction of {ops} operations refused: {source}")]
    Transaction {
        /// Number of operations.
        ops: usize,
        /// The kernel's error (reported on the batch's begin message).
        #[source]
        source: KernelError,
    },
    /// The transaction does not fit the socket's send buffer (`EMSGSIZE`
    /// before the kernel saw it): nothing was sent.
    #[error("transaction of {ops} operations is {bytes} bytes, more than the socket send buffer allows (EMSGSIZE); split it or raise net.core.wmem_max")]
    TooLarge {
        /// Number of operations.
        ops: usize,
        /// Size of the batch in bytes.
        bytes: usize,
        /// The send error.
        #[source]
        source: nfnl::Error,
    },
    /// The transaction was sent but its outcome is unknown: no answer came
    /// before the timeout, or answers were lost (`ENOBUFS`). Read the
    /// ruleset (or the generation) to know.
    #[error("transaction of {ops} operations: outcome unknown ({source})")]
    Unknown {
        /// Number of operations.
        ops: usize,
        /// Why it is unknown.
        #[source]
        source: nfnl::Error,
    },
}

nfnl::subsystem_error!(Error);

impl ErrorExt for Error {
    fn origin(&self) -> Origin<'_> {
        match self {
            Error::Netlink(e) => Origin::Netlink(e),
            Error::TooLarge { source, .. } | Error::Unknown { source, .. } => {
                Origin::Netlink(source)
            }
            Error::Refused(r) => r.origin(),
            Error::Operation { source, .. } | Error::Transaction { source, .. } => {
                Origin::Kernel(source)
            }
        }
    }
}
