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
        /// Answers were lost (`ENOBUFS`: the receive buffer overflowed):
        /// `others` holds only the refusals that arrived. The kernel
        /// queues them in order, so `index` is still the first; the
        /// transaction was refused all the same ([`Outcome::NotApplied`]).
        incomplete: bool,
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
    /// The transaction is larger than one datagram can be here: nothing
    /// was sent. A transaction is atomic only as one datagram, and a
    /// netlink datagram must fit the socket's send buffer, which
    /// `SO_SNDBUF` raises only up to twice `net.core.wmem_max`; past that
    /// needs `SO_SNDBUFFORCE` (`CAP_NET_ADMIN` in the initial user
    /// namespace), which was refused (`source`). Raise `net.core.wmem_max`
    /// to `wmem_max_needed`, run with that capability, or apply the
    /// transaction in atomic parts, not atomically as a whole, with
    /// [`Nft::commit_in_parts`](crate::Nft::commit_in_parts).
    #[error(
        "transaction of {ops} operations is {bytes} bytes, over the {limit} bytes one datagram \
         can carry on this socket (its send buffer is capped by net.core.wmem_max and raising it \
         past that with SO_SNDBUFFORCE was refused): nothing was sent; set net.core.wmem_max to \
         at least {wmem_max_needed} (sysctl -w net.core.wmem_max={wmem_max_needed}), commit with \
         CAP_NET_ADMIN in the initial user namespace, or apply it in parts with \
         Nft::commit_in_parts (not atomic)"
    )]
    TooLarge {
        /// Number of operations.
        ops: usize,
        /// Size of the datagram in bytes.
        bytes: usize,
        /// The largest datagram the socket's send buffer took here.
        limit: usize,
        /// The `net.core.wmem_max` that would let it fit.
        wmem_max_needed: usize,
        /// Why the buffer could not be raised further (`SO_SNDBUFFORCE`:
        /// `EPERM`), or the kernel's `EMSGSIZE`.
        #[source]
        source: nfnl::Error,
    },
    /// The transaction was sent but the kernel's answers were lost
    /// (`ENOBUFS`: the receive buffer overflowed) or did not come before the
    /// timeout. `outcome` is what could still be learnt: from the answers
    /// that arrived, and from the ruleset generation read before and after
    /// (see [`Outcome`]).
    #[error("transaction of {ops} operations: answers lost ({source}); {outcome}")]
    AnswersLost {
        /// Number of operations.
        ops: usize,
        /// Whether it was applied, as far as can be known.
        outcome: Outcome,
        /// Why answers are missing ([`ErrorExt::is_overrun`], [`ErrorExt::is_timeout`]).
        #[source]
        source: nfnl::Error,
    },
    /// [`Nft::commit_in_parts`](crate::Nft::commit_in_parts) stopped: parts 1 to `committed` were
    /// committed (operations `0..applied_ops` are applied, each part
    /// atomically), part `committed + 1` failed with `source` (operation
    /// indices in it are of the whole transaction), the later parts were
    /// not sent.
    #[error("{}; part {} {}: {source}", committed_text(*committed, *parts, *applied_ops), committed + 1, failed_text(source))]
    Partial {
        /// Parts committed (from the first).
        committed: usize,
        /// Number of parts the transaction was cut into.
        parts: usize,
        /// Operations applied: `0..applied_ops`.
        applied_ops: usize,
        /// The failure of part `committed + 1`: [`Error::Operation`],
        /// [`Error::Transaction`], [`Error::AnswersLost`] (then that part's
        /// outcome is its [`Outcome`]) or another error.
        #[source]
        source: Box<Error>,
    },
}

fn committed_text(committed: usize, parts: usize, ops: usize) -> String {
    match committed {
        0 => format!("no part of {parts} committed"),
        1 => format!("part 1 of {parts} committed (operations 0..{ops})"),
        c => format!("parts 1-{c} of {parts} committed (operations 0..{ops})"),
    }
}

fn failed_text(e: &Error) -> &'static str {
    match e {
        Error::AnswersLost {
            outcome: Outcome::Applied,
            ..
        } => "applied but answers lost",
        Error::AnswersLost {
            outcome: Outcome::Unknown { .. },
            ..
        } => "outcome unknown",
        Error::Operation { .. } | Error::Transaction { .. } => "refused",
        _ => "not applied",
    }
}

/// What is known of a transaction whose answers were lost
/// ([`Error::AnswersLost`]).
///
/// The kernel processes a whole batch inside `sendmsg`, under the
/// nf_tables commit mutex, and queues all its answers then: one error per
/// refused operation (any error aborts the whole batch: nothing of it is
/// applied), an error on the batch's begin message for a refusal of the
/// whole (stale generation, commit failure), and, when it was applied, the
/// acknowledgement of the end message (asked for with `NLM_F_ACK`), last.
/// Every commit that changes something moves the ruleset generation by one
/// (`nf_tables_commit`; a batch that changes nothing, such as re-adding an
/// existing table, commits without moving it). So:
///
/// - an error answer that did arrive proves the batch was refused, and the
///   end acknowledgement proves it was applied;
/// - without either, the generation is read again: unchanged since just
///   before the batch (read in the same breath: `NFT_MSG_GETGEN` sent
///   right before the batch, or the id given to
///   [`Transaction::expect_generation`](crate::Transaction::expect_generation)), nothing was applied, by
///   anyone: certain;
/// - moved: applied, or refused while another process committed between
///   the two reads. Nothing the kernel answers tells these apart, so the
///   outcome is unknown (with a single writer it was applied).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Applied (the end acknowledgement arrived; later answers, such as
    /// echoes, were lost).
    Applied,
    /// Not applied: an error answer arrived, or the generation did not move.
    NotApplied,
    /// Applied or not: the generation moved from `before` to `after`
    /// (`None`: it could not be read).
    Unknown {
        /// The generation just before the batch.
        before: Option<u32>,
        /// The generation after it.
        after: Option<u32>,
    },
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Outcome::Applied => f.write_str("it was applied"),
            Outcome::NotApplied => f.write_str("it was not applied"),
            Outcome::Unknown { before, after } => {
                let g = |x: &Option<u32>| x.map_or("?".to_owned(), |v| v.to_string());
                write!(
                    f,
                    "outcome unknown: the generation moved from {} to {} (this transaction, or \
                     another process's while this one was refused; read the ruleset to know)",
                    g(before),
                    g(after)
                )
            }
        }
    }
}

nfnl::subsystem_error!(Error);

impl ErrorExt for Error {
    fn origin(&self) -> Origin<'_> {
        match self {
            Error::Netlink(e) => Origin::Netlink(e),
            Error::TooLarge { source, .. } | Error::AnswersLost { source, .. } => {
                Origin::Netlink(source)
            }
            Error::Partial { source, .. } => source.origin(),
            Error::Refused(r) => r.origin(),
            Error::Operation { source, .. } | Error::Transaction { source, .. } => {
                Origin::Kernel(source)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn partial_says_which_parts_were_committed() {
        let lost = |outcome| Error::AnswersLost {
            ops: 10,
            outcome,
            source: nfnl::Error::Timeout,
        };
        let part = |committed, source| Error::Partial {
            committed,
            parts: 7,
            applied_ops: 300,
            source: Box::new(source),
        };
        let e = part(
            3,
            lost(Outcome::Unknown {
                before: Some(4),
                after: Some(5),
            }),
        );
        assert!(
            e.to_string().starts_with(
                "parts 1-3 of 7 committed (operations 0..300); part 4 outcome unknown: transaction of 10 operations: answers lost"
            ),
            "{e}"
        );
        assert!(e.to_string().ends_with("moved from 4 to 5 (this transaction, or another process's while this one was refused; read the ruleset to know)"), "{e}");
        let e = part(1, lost(Outcome::NotApplied));
        assert!(
            e.to_string()
                .starts_with("part 1 of 7 committed (operations 0..300); part 2 not applied: "),
            "{e}"
        );
        let e = part(0, lost(Outcome::Applied));
        assert!(
            e.to_string()
                .starts_with("no part of 7 committed; part 1 applied but answers lost: "),
            "{e}"
        );
        assert!(e.is_timeout());
    }

    #[test]
    fn the_generation_tells_not_applied_when_unchanged() {
        use crate::conn::outcome_by_generation as by;
        assert_eq!(by(Some(7), Some(7)), Outcome::NotApplied);
        assert_eq!(
            by(Some(7), Some(8)),
            Outcome::Unknown {
                before: Some(7),
                after: Some(8)
            }
        );
        assert_eq!(
            by(None, Some(8)),
            Outcome::Unknown {
                before: None,
                after: Some(8)
            }
        );
        assert_eq!(
            by(Some(7), None),
            Outcome::Unknown {
                before: Some(7),
                after: None
            }
        );
    }
}
