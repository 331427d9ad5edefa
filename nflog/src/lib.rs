//! Native Linux NFLOG (`nfnetlink_log`) over netlink: bind log groups, read
//! the packets that `iptables -j NFLOG` and nft `log group N` rules log, as
//! zero-copy views.
//!
//! Depends on [`nfnl`] (the generic layer: socket, receive engine,
//! shared packet types, IP header view) and `nfnl-sys` (the ABI) only; no
//! C library.
//!
//! ```text
//! rule ──▶ kernel group N ── batch datagram: NFULNL_MSG_PACKET × n [+ NLMSG_DONE] ──▶ Log::recv() ─▶ LogMsg<'_>
//! Log::bind(GroupConfig) ── NFULNL_MSG_CONFIG: BIND + mode + buffer + timeout + threshold + flags ──▶ one ack
//! ```
//!
//! # Guarantees
//! - **One configuration request per bind**: the command and every
//!   setting go together, so a group is bound as asked or not at all; a
//!   refusal is named ([`Error::GroupBusy`], [`Error::PermissionDenied`],
//!   [`Error::FlagUnsupported`]...), and settings the kernel would ignore
//!   silently are refused before sending ([`GroupConfig::validate`]).
//! - **No lost messages around acks**: packets logged while a
//!   configuration request waits are kept for the next receive.
//! - **Overruns are reported**: when the kernel could not deliver a batch
//!   (receive buffer full), the next receive returns an error for which
//!   [`Error::is_overrun`] is true, once, and receiving goes on; the
//!   kernel's count is [`health::socket_drops`], and [`LogFlags::SEQ`]
//!   numbers messages so gaps can be counted.
//! - **No allocation per message**: one receive buffer, read with one
//!   `recvfrom` per batch datagram, every message a view into it.
//! - Parsing never panics; malformed messages are typed errors.
//!
//! # How do I ...
//! - **write the logged packets to a pcap file?**
//!   `PcapWriter::new(BufWriter<File>, LinkType::NFLOG)`, then
//!   [`PcapWriter::write`] for each message: `LINKTYPE_NFLOG` records
//!   that `tcpdump -r FILE` and wireshark read, with every attribute the
//!   kernel sent (a [`LogMsg`] is an [`nfnl::pcap::Record`]).
//! - **log the packets of another network namespace?**
//!   [`Log::open_in_netns`]`("/run/netns/NAME")`: one call, the calling
//!   thread stays where it is.
//! - **lose no message in a burst?** Size the receive buffer for the rate,
//!   or let it grow on overruns: see [`Log`]'s "Receive buffer".
//!
//! # Async
//! With the `tokio` feature, `tokio::AsyncLog` wraps a [`Log`] and waits
//! for messages on tokio's reactor (`recv().await`).
//!
//! # Example
//! ```no_run
//! use nfnl_log::{GroupConfig, Log, LogFlags, Receive};
//! // nft add rule inet filter input tcp dport 22 log group 3 prefix "ssh "
//! let mut log = Log::open()?;
//! log.bind(&GroupConfig::new(3).flags(LogFlags::SEQ))?;
//! for _ in 0..10 {
//!     let m = log.recv()?;
//!     let prefix = String::from_utf8_lossy(m.prefix().unwrap_or_default());
//!     match m.ip() {
//!         Some(ip) => println!("{prefix}{} {} -> {} len {:?}", ip.protocol(), ip.src(), ip.dst(), m.packet_len()),
//!         None => println!("{prefix}hook {}", m.hook().name()),
//!     }
//! }
//! log.close()?;
//! # Ok::<(), nfnl_log::Error>(())
//! ```
// docs.rs builds with `--cfg docsrs` (Cargo.toml): feature-gated items carry a "requires feature" badge.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod config;
mod error;
pub mod health;
mod log;
mod message;
mod pcap;
#[cfg(feature = "tokio")]
#[cfg_attr(docsrs, doc(cfg(feature = "tokio")))]
pub mod tokio;
/// Async log messages with tokio: `AsyncLog`. Needs the `tokio` feature, which this build of the
/// documentation was made without: enable it (`nfnl-log = { version = "0.1",
/// features = ["tokio"] }`), or read the documentation on docs.rs, which is
/// built with every feature.
#[cfg(all(doc, not(feature = "tokio")))]
pub mod tokio {}

pub use config::{
    Command, CopyMode, GroupConfig, LogFlags, MAX_COPY_RANGE, MAX_NLBUFSIZ, MIN_NLBUFSIZ,
};
pub use error::Error;
pub use health::GroupStats;
pub use log::Log;
pub use message::{LogMsg, LogMsgSlots};
/// pcap link types ([`LinkType::NFLOG`] for log messages).
pub use nfnl::pcap::LinkType;
/// The pcap writer (a [`LogMsg`] is one `LINKTYPE_NFLOG` record).
pub use nfnl::pcap::PcapWriter;

// The netfilter packet types log messages carry, defined once in nfnl, and
// what a user of this crate needs of nfnl (errors and their predicates, the
// receive trait, the socket for `Log::from_socket`), so that it needs no
// other crate. Plain comments: each item shows its own summary line.
pub use nfnl::{CtState, Hook, HwAddr, IpPacket, IpProto, ProtoFamily, Vlan};
pub use nfnl::{Errno, ErrorExt, KernelError, ParseError, Receive, Refusal, Socket};

/// The examples of this crate's README (shown on crates.io), compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
