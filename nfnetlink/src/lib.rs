//! The generic nfnetlink layer: socket, validated zero-copy parser, message
//! builder, acks and errors, multipart dumps, batches and multicast groups.
//!
//! It sits between the raw ABI (`nfnl-sys`) and the subsystem crates
//! (`nfnl-queue`, `nfnl-conntrack`, ...) and names no subsystem itself.
//!
//! What the subsystems that report packets share lives here too, under the
//! caller's attribute numbers: [`netfilter`] (hook, conntrack state,
//! hardware address, VLAN, timestamp, [`ProtoFamily`], [`IpProto`]) and
//! [`ip`] (a checked IPv4/IPv6 + transport header view and the checksums to
//! recompute after changing a packet).
//! [`timeout`] holds the conntrack timeouts of each layer-4 protocol that
//! `nfnetlink_cttimeout` policies and nf_tables ct timeout objects carry.
//! [`pcap`] writes the packets they report to a pcap file that tcpdump and
//! wireshark read (the subsystem crates add their link type's records).
//!
//! # One receive engine
//! Every subsystem receives through a [`Reader`] (see [`reader`]): one
//! socket, one receive batch reused for ever (`recvmmsg`, or `recvfrom` for
//! a batch of one), a cursor over its datagrams
//! and messages, the sequence counter, and requests that wait for their
//! answer while keeping every other message (packets, events, log
//! messages) for the caller in arrival order. Waiting is said once, by
//! [`Wait`] (block, poll, deadline). The layers on it:
//!
//! ```text
//!   nfnl_queue::Queue ─┐   nfnl_log::Log ─┐   nfnl_conntrack::EventListener ─┐   Conn (requests, dumps, batches)
//!                   └───────────────┴───────────────┬───────────────┘          │
//!                                          Reader::next / fill / peek   Reader::pump (+ pipelined dumps)
//!                                                   └──────────────┬───────────┘
//!                 Socket::recv_many (recvmmsg with MSG_WAITFORONE; recvfrom for one slot) / send
//! ```
//!
//! The path of a queued packet: `recvmmsg` fills the batch's slots → the
//! reader validates the next `nlmsghdr` and skips filler → nfqueue sees a
//! packet message by its header type, indexes its attributes in one pass
//! ([`AttrIndex`], its positions in the queue's own [`AttrSlots`]) and
//! lends a `Packet` borrowing the slot and the index → its verdict is
//! appended to nfqueue's transmit batch → which is sent by the hook the
//! reader runs before its next receive system call.
//!
//! # The contract a subsystem crate implements
//! A subsystem crate is mostly declarations; what it does with a message is
//! said once, through these:
//! - **Receiving**: its receiver implements [`Receive`] (see [`receive`]:
//!   `fill`, which makes the next item ready through
//!   [`Reader::fill_sorted`] with a [`Sort`] of the message types it owns,
//!   and `take`, which decodes it). It gets `recv`, `try_recv`,
//!   `recv_timeout` and the async `recv` of [`tokio::Registered`](crate::tokio) written
//!   once, and one policy: a message that is not its own (a late
//!   acknowledgement of a request that timed out, an answer nobody waits
//!   for, another subsystem's type) is skipped and counted
//!   ([`Reader::skipped`]), never an error. The smallest complete receiver
//!   is the example of [`receive`].
//! - **Requests**: [`Conn`] ([`Conn::request`] with ack, [`Conn::query`] for
//!   exactly one answer, [`Conn::dump`] and its pull form [`Conn::dump_stream`],
//!   both pipelined, [`Conn::batch`]) or, for a
//!   receiver that also configures, [`Reader::ack_request`]; one timeout
//!   setting, `set_request_timeout`, default [`reader::DEFAULT_REQUEST_TIMEOUT`]
//!   (5 s), everywhere; one socket-options policy, applied to every
//!   [`Socket`] ([`Socket::from_fd`]).
//! - **Errors**: its error type implements [`ErrorExt`] by saying what lies
//!   under each variant ([`ErrorExt::origin`]); the predicates
//!   (`is_recoverable`, `is_overrun`, `is_would_block`, `is_timeout`,
//!   `is_not_found`, `is_permission_denied`, `errno`, ...) come with it,
//!   and [`subsystem_error!`] makes its `Debug` form the message (and converts
//!   the netlink layer's parse and encode errors), so that
//!   `fn main() -> Result<(), E>` shows the message and its hint. A kernel
//!   refusal is named once, by a [`Refusal`] (operation, object, the
//!   kernel's error; [`Error::into_refusal`]) in its `Refused` variant. It
//!   re-exports [`ErrorExt`], [`Receive`] and [`Errno`] so that its users
//!   need no other crate.
//! - **Attributes**: a message view it lends per message (a queued packet,
//!   a log message) declares its attributes once with [`attr_schema!`]:
//!   one line per attribute (type, accessor, kind) gives both the check
//!   [`AttrIndex::parse`] applies in its one walk and the typed accessor,
//!   which then slices what was checked. The receiver keeps the
//!   [`AttrSlots`] the walk fills, so the view it lends is a few words.
//!
//! # Wire format
//! ```text
//! datagram  | nlmsghdr | nfgenmsg | attr | attr | ... | nlmsghdr | nfgenmsg | attr ...
//! nlmsghdr  | len u32 | type u16 = subsys << 8 | msg | flags u16 | seq u32 | pid u32 |  host order
//! nfgenmsg  | family u8 | version u8 | res_id be16 |
//! attribute | nla_len u16 | nla_type u16 (N|B|type) | payload | pad to 4 |          host order
//! ```
//!
//! # Guarantees
//! - Parsing never panics. [`NlMsg::parse`], [`NfMsg::parse`] and the
//!   iterators check every length once; after that, accessors cannot fail.
//!   Typed attribute getters check exact sizes and return [`ParseError`].
//! - Unknown attribute types are skipped; missing mandatory ones and wrong
//!   sizes are errors naming the attribute type.
//! - The [`MsgBuilder`] computes every length, zeroes padding, refuses what
//!   does not fit netlink's 16-bit attribute length and rolls back failed nests.
//! - [`Socket`] accepts only datagrams sent by the kernel and reports
//!   truncation (`MSG_TRUNC`) and overruns (`ENOBUFS`) as errors.
//! - [`Conn`] requests acks for everything but dumps, matches replies by
//!   sequence number and port, streams dumps (received on a second thread
//!   once they are large), and discards late replies.
//! - [`Reader`] reports an overrun (`ENOBUFS`) once, where the kernel does,
//!   and goes on; it allocates nothing per message.
//!
//! # Example
//! ```
//! use nfnl::{AttrTable, MsgBuilder, NfHeader, NfMsg};
//!
//! let mut b = MsgBuilder::new();
//! b.begin(NfHeader::new(1, 0).family(2), 1);
//! b.put_be32(8, 42);
//! let bytes = b.finish()?.to_vec();
//!
//! let msg = NfMsg::parse(&bytes)?;
//! let table = AttrTable::<'_, 16>::parse(msg.attrs())?;
//! assert_eq!(table.require(8, "example")?.get_be32()?, 42);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
// docs.rs builds with `--cfg docsrs` (Cargo.toml): feature-gated items carry a "requires feature" badge.
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod ack;
pub mod align;
pub mod attr;
pub mod builder;
pub mod conn;
pub mod debug;
pub mod error;
pub mod flags;
pub mod ip;
pub mod msg;
pub mod netfilter;
pub mod pcap;
pub mod reader;
pub mod receive;
pub mod socket;
pub mod timeout;
// Test support, not API: hidden on docs.rs (built with every feature);
// `cargo doc --features test-util` shows it to contributors.
#[cfg(any(test, feature = "test-util"))]
#[cfg_attr(docsrs, doc(hidden))]
pub mod testutil;
#[cfg(feature = "tokio")]
#[cfg_attr(docsrs, doc(cfg(feature = "tokio")))]
pub mod tokio;
/// Async use with tokio: `Readiness` (waiting on the reactor for any descriptor) and `Registered` (the async `recv` of every receiver). Needs the `tokio` feature, which this build of the
/// documentation was made without: enable it (`nfnl = { version = "0.1",
/// features = ["tokio"] }`), or read the documentation on docs.rs, which is
/// built with every feature.
#[cfg(all(doc, not(feature = "tokio")))]
pub mod tokio {}

pub use ack::{done_status, Control, ErrorMsg, ExtAck};
pub use attr::{Attr, AttrFlags, AttrIndex, AttrIter, AttrRule, AttrRules, AttrSlots, AttrTable};
pub use builder::{MsgBuilder, NfHeader, MAX_ATTR_PAYLOAD};
pub use conn::{initial_seq, Answer, Conn, DumpStream, Pending};
pub use error::{
    write_report, EncodeError, Errno, Error, ErrorExt, KernelError, Origin, ParseError, Refusal,
};
pub use flags::NlFlags;
pub use ip::{IpError, IpPacket};
pub use msg::{MsgIter, NfMsg, NlMsg};
pub use netfilter::{CtState, Hook, HwAddr, IpProto, ProtoFamily, Timestamp, Vlan};
pub use reader::{Reader, Wait};
pub use receive::{Receive, Sort};
pub use socket::{Group, RecvBatch, Socket};

/// Re-export of the raw ABI crate.
pub use nfnl_sys as sys;

/// The examples of this crate's README (shown on crates.io), compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
