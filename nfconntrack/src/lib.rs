//! Native Linux connection tracking over netlink (`NFNL_SUBSYS_CTNETLINK`):
//! dump, get, create, update, delete and flush entries, kernel-side
//! filters with a user-space fallback, events, expectations and statistics.
//! No C library is linked.
//!
//! It sits on the generic [`nfnl`] layer (socket, parser, builder,
//! dumps and batches) and [`nfnl_sys`] (the kernel's constants).
//!
//! ```text
//! ctnetlink message: | nlmsghdr | nfgenmsg (family, version, res_id) | CTA_* attributes |
//!   CTA_TUPLE_ORIG { CTA_TUPLE_IP { V4_SRC, V4_DST }, CTA_TUPLE_PROTO { NUM, SRC_PORT, DST_PORT } }
//!   CTA_TUPLE_REPLY { ... }  CTA_STATUS  CTA_TIMEOUT  CTA_MARK  CTA_PROTOINFO { TCP { STATE ... } } ...
//! ```
//!
//! # Types
//! - [`Flow`], [`Tuple`], [`L4`], [`Status`], [`ProtoInfo`], [`Counters`],
//!   [`Labels`]: the owned model, with `Option` for every attribute the
//!   kernel may leave out. [`Flow::decode_attrs`] also decodes the conntrack
//!   nest of a queued packet (`NFQA_CT`). `Display` prints the line format of
//!   `conntrack -L`.
//! - [`Conntrack`]: requests (dump, get, create, update, delete, [`Flush`],
//!   statistics, expectations), the dying and unconfirmed lists
//!   ([`CtList`]), and [`Conntrack::restore`] of the `conntrack -o save`
//!   format ([`Flow::save_line`] writes it).
//! - [`Filter`]: what a dump or flush selects; only criteria the running
//!   kernel evaluates correctly are sent to it, the rest is matched in user
//!   space (see [`filter`]).
//! - [`LabelMap`]: label names from `connlabel.conf`, for display, filters
//!   and updates.
//! - [`EventListener`]: events, with overrun detection and resync; an
//!   [`EventFilter`] compiled to BPF makes the kernel drop unwanted events.
//!
//! # Guarantees
//! Decoding never panics: malformed input gives a [`ParseError`] naming the
//! attribute. Unknown attributes, enum values and status bits are kept or
//! skipped, never errors. A delete without a tuple (which the kernel would
//! run as a flush) cannot be expressed: flushing is [`Conntrack::flush`].
//!
//! # Example
//! ```
//! use nfnl_conntrack::{Flow, L4, Tuple};
//! let t = Tuple::new("192.0.2.1".parse()?, "198.51.100.7".parse()?, L4::udp(5353, 53))?;
//! let mut f = Flow::new(t);
//! f.timeout = Some(30);
//! assert_eq!(
//!     f.to_string(),
//!     "udp      17 30 src=192.0.2.1 dst=198.51.100.7 sport=5353 dport=53 \
//!      src=198.51.100.7 dst=192.0.2.1 sport=53 dport=5353"
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
// docs.rs builds with `--cfg docsrs` (Cargo.toml): feature-gated items carry a "requires feature" badge.
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod conntrack;
pub mod counters;
pub mod display;
pub mod error;
pub mod event;
pub mod evfilter;
pub mod expect;
pub mod filter;
pub mod flow;
pub mod labels;
pub mod lists;
pub mod nat;
pub mod probe;
pub mod protoinfo;
pub mod save;
pub mod stats;
pub mod status;
#[cfg(feature = "tokio")]
#[cfg_attr(docsrs, doc(cfg(feature = "tokio")))]
pub mod tokio;
pub mod tuple;

pub use conntrack::{Conntrack, FlowIter, Flush, FlushReport, Key, Update};
pub use counters::{Counters, Timestamp};
pub use display::{DisplayOptions, FlowDisplay};
pub use error::{Error, Result};
pub use event::{Event, EventHeader, EventListener, Groups};
pub use evfilter::EventFilter;
pub use expect::{Expect, ExpectNat};
pub use filter::{Criteria, Filter, TupleFilter};
pub use flow::{Flow, Labels, SeqAdj, Synproxy};
pub use labels::LabelMap;
pub use lists::CtList;
pub use nat::NatRange;
pub use nfnl::{EncodeError, KernelError, ParseError};
/// The IP protocol and protocol family types of tuples and filters, defined once in [`nfnl`].
pub use nfnl::{IpProto, ProtoFamily};
pub use protoinfo::{
    DccpInfo, DccpState, ProtoInfo, SctpInfo, SctpState, TcpFlags, TcpFlagsMask, TcpInfo, TcpState,
};
pub use save::SaveLine;
pub use stats::{CpuStats, ExpCpuStats, GlobalStats};
pub use status::Status;
pub use tuple::{Family, Tuple, L4};

#[cfg(test)]
mod tests;

/// The examples of this crate's README (shown on crates.io), compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
