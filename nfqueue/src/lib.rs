//! Native Linux NFQUEUE over netlink: bind queues, read queued packets as
//! zero-copy views, give verdicts, and never leave a packet stalled in the
//! kernel.
//!
//! Depends on [`nfnetlink`] (the generic layer) and `nfnl-sys` (the ABI)
//! only; no C library.
//!
//! ```text
//! kernel ── NFQNL_MSG_PACKET ──▶ Queue::recv() ─▶ Packet<'_> (borrows the receive buffer)
//!                                                   │ verdict(self) / drop ⇒ default verdict
//!                                                   │ hold(self) ⇒ HeldPacket (owned, Send)
//! kernel ◀─ NFQNL_MSG_VERDICT(_BATCH), many per sendmsg ─┘
//! kernel ── NLMSG_ERROR (seq = packet id) ──▶ Error::Verdict { id, .. } from recv()
//! ```
//!
//! # Guarantees
//! - **No stalled packet**: a [`Packet`] or [`HeldPacket`] that is dropped
//!   without a verdict gets the queue's default verdict ([`Verdict::Drop`]
//!   unless set otherwise, see [`queue`] for why). A verdict
//!   consumes the handle, so a double verdict does not compile.
//! - **One config message per bind**: BIND, PARAMS, MAXLEN and FLAGS go
//!   together, so a bound queue never drops packets in `COPY_NONE`; a refused
//!   flag is named ([`Error::FlagUnsupported`]).
//! - **No lost packets around config acks**: packets that arrive while a
//!   configuration request waits are kept for the next receive.
//! - **Verdict errors name their packet**: verdicts are sent with
//!   `nlmsg_seq` = packet id ([`Error::Verdict`]).
//! - **No allocation per packet** on the receive/verdict path (one reused
//!   receive buffer, one reused verdict buffer), many verdicts per `sendmsg`.
//! - Parsing never panics; malformed messages are typed errors.
//!
//! # Example
//! ```no_run
//! use nfqueue::{Queue, QueueConfig, QueueFlags, Verdict};
//! // iptables -A OUTPUT -p icmp -j NFQUEUE --queue-num 1
//! let mut q = Queue::open()?;
//! q.bind(&QueueConfig::new(1).flags(QueueFlags::FAIL_OPEN))?;
//! loop {
//!     let pkt = match q.recv() {
//!         Ok(p) => p,
//!         Err(e) if e.is_recoverable() => { eprintln!("{e}"); continue }
//!         Err(e) => return Err(e.into()),
//!     };
//!     if let Some(ip) = pkt.ip() {
//!         println!("{} {} -> {}", pkt.id(), ip.src(), ip.dst());
//!     }
//!     pkt.verdict(Verdict::Accept.mark(1))?;
//! }
//! # #[allow(unreachable_code)] Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Async
//! With the `tokio` feature, `tokio::AsyncQueue` wraps a [`Queue`] and
//! waits for packets on tokio's reactor (`recv().await`); packets and
//! verdicts work as above.

pub mod config;
pub mod error;
pub mod handle;
pub mod health;
pub mod packet;
pub mod queue;
#[cfg(feature = "tokio")]
pub mod tokio;
pub mod tx;
pub mod verdict;

pub use config::{ConfigMsg, CopyMode, QueueConfig, QueueFlags, MAX_COPY_RANGE};
pub use error::Error;
pub use handle::{HeldPacket, Packet, QueueHandle, RawPacketId};
pub use health::QueueStats;
pub use packet::{PacketMeta, SkbInfo};
pub use queue::Queue;
pub use verdict::{encode_verdict, encode_verdict_batch, Decision, Verdict};

/// The netfilter packet types this crate's packets carry, defined once in
/// [`nfnetlink`].
pub use nfnetlink::{CtState, Hook, HwAddr, IpPacket, IpProto, ProtoFamily, Timestamp, Vlan};
pub use nfnetlink::{KernelError, ParseError};
