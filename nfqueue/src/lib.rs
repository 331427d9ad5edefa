//! Native Linux NFQUEUE over netlink: bind queues, read queued packets as
//! zero-copy views, give verdicts, and never leave a packet stalled in the
//! kernel. Depends on [`nfnl`] (the generic layer) and `nfnl-sys` (the
//! ABI) only; no C library.
//!
//! # Main types
//! - [`Queue`]: the socket. [`Queue::bind`] a queue ([`QueueConfig`]), then
//!   [`Queue::recv`] / [`Queue::try_recv`] / [`Queue::recv_timeout`].
//! - [`Packet`]: one queued packet, borrowed from the receive buffer; it
//!   dereferences to its [`PacketMeta`] (id, hook, interfaces, mark, uid,
//!   payload, [`IpPacket`] view...). Give it a [`Verdict`] or a
//!   [`Decision`] (verdict plus mark, connmark or new payload).
//! - [`HeldPacket`]: an owned packet (from [`Packet::hold`]) to decide later,
//!   on any thread. [`QueueHandle`] sends raw verdicts from other threads.
//! - [`Error`]: what failed, on which queue or packet; [`Error::is_recoverable`]
//!   tells the errors after which the loop goes on.
//! - [`health`]: the kernel's figures for a queue (`/proc`).
//!
//! # Example: the classic listener
//! Read the ICMP packets `iptables -A OUTPUT -p icmp -j NFQUEUE --queue-num 1`
//! queues, print them and accept them:
//! ```no_run
//! use nfnl_queue::{ErrorExt, Queue, QueueConfig, Receive, Verdict};
//! fn main() -> Result<(), nfnl_queue::Error> {
//!     let mut q = Queue::open()?;
//!     q.bind(&QueueConfig::new(1))?;
//!     loop {
//!         let pkt = q.recv()?;
//!         println!("{} {:?}", pkt.id(), pkt.ip().map(|ip| (ip.src(), ip.dst())));
//!         pkt.verdict(Verdict::Accept)?;
//!     }
//! }
//! ```
//!
//! # How do I ...
//! - **hold a packet while I ask the user?** [`Packet::hold`] gives an owned
//!   [`HeldPacket`]; send it to the thread that asks and call
//!   [`HeldPacket::accept`] or [`HeldPacket::drop_packet`] there. The
//!   receive loop goes on meanwhile; the kernel keeps the packet (it counts
//!   against the queue length, [`QueueConfig::max_len`]). Dropped undecided,
//!   it gets the default verdict.
//! - **serve several queues?** Bind each on one [`Queue`] (each packet says
//!   its [`PacketMeta::queue`]), or open one `Queue` per queue number, each on
//!   its own thread (`--queue-balance`).
//! - **receive in async code?** With the `tokio` feature,
//!   `tokio::AsyncQueue::recv().await` returns the same [`Packet`]s.
//! - **poll several sockets?** [`Queue`] is `AsFd`: wait for it with
//!   poll/epoll, then drain it with [`Queue::try_recv`].
//! - **mark the connection?** `Verdict::Accept.connmark(m)` (needs the
//!   kernel's conntrack glue for queued packets).
//! - **write the queued packets to a pcap file?**
//!   `PcapWriter::new(BufWriter<File>, LinkType::RAW)`, then
//!   [`PcapWriter::write`] for each packet before its verdict
//!   (`pcap.write(&*packet)`): raw IP records that `tcpdump -r FILE` and
//!   wireshark read (a [`PacketMeta`] is an [`nfnl::pcap::Record`]).
//! - **rewrite a packet?** `Verdict::Accept.payload(&bytes)` after
//!   [`nfnl::ip::update_checksums`] (see `examples/src/bin/nfq_rewrite.rs`).
//! - **queue the packets of another network namespace?**
//!   [`Queue::open_in_netns`]`("/run/netns/NAME")`: one call, the calling
//!   thread stays where it is.
//!
//! # How no packet stalls
//! - A [`Packet`] is consumed by its verdict, so a double verdict does not
//!   compile. If it goes out of scope without one (early return, `?`, panic),
//!   its `Drop` gives it the queue's *default verdict*; so does a dropped
//!   [`HeldPacket`].
//! - Collected verdicts are sent, many per `sendmsg` (runs of ids as one
//!   `NFQNL_MSG_VERDICT_BATCH`), before every receive system call, so none
//!   waits while the queue blocks.
//! - Configuration requests keep the packets that arrive while they wait for
//!   their acknowledgement and hand them out on the next receive.
//! - Closing (or dropping) the [`Queue`] sends the collected verdicts, then
//!   gives every packet still out (held, raw, or queued and not yet read)
//!   the default verdict with one batch verdict per bound queue, then
//!   unbinds. Handles used later get [`Error::Closed`].
//! - Verdict errors name their packet: verdicts are sent with `nlmsg_seq` =
//!   packet id ([`Error::Verdict`]).
//!
//! # Default verdict
//! [`Verdict::Drop`] unless changed with [`Queue::set_default_verdict`]. A
//! packet that reaches its default verdict was not decided by the program
//! (a bug, a panic, a refused payload): failing closed is what the kernel
//! itself does when the listener dies, keeps a filtering program from
//! letting undecided traffic through, and makes the bug visible. Programs
//! that only observe traffic should set [`Verdict::Accept`].
//!
//! # Data path, socket to verdict
//! ```text
//! kernel ── recvmmsg: up to RECV_BATCH datagrams ──▶ nfnl::Reader (cursor, no copy)
//!   ──▶ Queue::recv(): PacketMeta indexes the attributes in one pass ──▶ Packet<'_>
//!   ──▶ verdict(self) / drop ⇒ appended to the transmit batch
//! kernel ◀── one sendmsg of verdicts, right before the next recvmmsg
//! kernel ── NLMSG_ERROR (seq = packet id) ──▶ Error::Verdict { id, .. } from recv()
//! ```
//! No allocation per packet: one reused receive batch, one reused verdict
//! buffer. Parsing never panics; malformed messages are typed errors.
//!
//! # Feature flags
//! - `tokio`: `tokio::AsyncQueue`, async receive on tokio's reactor.
// docs.rs builds with `--cfg docsrs` (Cargo.toml): feature-gated items carry a "requires feature" badge.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod config;
mod error;
mod handle;
pub mod health;
mod packet;
mod pcap;
mod queue;
#[cfg(feature = "tokio")]
#[cfg_attr(docsrs, doc(cfg(feature = "tokio")))]
pub mod tokio;
/// Async receive with tokio: `AsyncQueue`. Needs the `tokio` feature, which this build of the
/// documentation was made without: enable it (`nfnl-queue = { version = "0.1",
/// features = ["tokio"] }`), or read the documentation on docs.rs, which is
/// built with every feature.
#[cfg(all(doc, not(feature = "tokio")))]
pub mod tokio {}
mod tx;
mod verdict;

pub use config::{CopyMode, QueueConfig, QueueFlags, MAX_COPY_RANGE};
pub use error::Error;
pub use handle::{HeldPacket, Packet, QueueHandle, RawPacketId};
pub use health::QueueStats;
/// pcap link types ([`LinkType::RAW`] for queued packets).
pub use nfnl::pcap::LinkType;
/// The pcap writer (a [`PacketMeta`] is one `LINKTYPE_RAW` record).
pub use nfnl::pcap::PcapWriter;
pub use packet::{PacketMeta, PacketSlots, SkbInfo};
pub use queue::{Queue, RECV_BATCH, RECV_BUFFER_LEN};
pub use tx::DEFAULT_VERDICT_BATCH;
pub use verdict::{Decision, Verdict};

/// The wire encoders behind [`Queue`] and [`Packet::verdict`], for tests,
/// benchmarks and programs that run their own receive loop on
/// [`nfnl::Reader`].
pub mod raw {
    pub use crate::config::ConfigMsg;
    pub use crate::verdict::{encode_verdict, encode_verdict_batch};
}

// The netfilter packet types this crate's packets carry, defined once in
// nfnl, and what a user of this crate needs of nfnl (errors and their
// predicates, the receive trait, the socket for `Queue::from_socket`), so
// that it needs no other crate. Plain comments: each item shows its own
// summary line.
pub use nfnl::{CtState, Hook, HwAddr, IpPacket, IpProto, ProtoFamily, Timestamp, Vlan};
pub use nfnl::{Errno, ErrorExt, KernelError, ParseError, Receive, Refusal, Socket};

/// The examples of this crate's README (shown on crates.io), compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
