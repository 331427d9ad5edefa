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
//!   space (see [`Filter`]).
//! - [`LabelMap`]: label names from `connlabel.conf`, for display, filters
//!   and updates.
//! - [`EventListener`]: events, with overrun detection and resync; an
//!   [`EventFilter`] (criteria ANDed, each an [`EventMatch`] of values ORed
//!   or negated: [its rules](EventFilter#rules)) compiled to BPF makes the
//!   kernel drop unwanted events.
//!
//! # Guarantees
//! Decoding never panics: malformed input gives a [`ParseError`] naming the
//! attribute. Unknown attributes, enum values and status bits are kept or
//! skipped, never errors. A delete without a tuple (which the kernel would
//! run as a flush) cannot be expressed: flushing is [`Conntrack::flush`].
//!
//! # Example: list and delete the flows of one host
//! The way `conntrack -L -s 10.0.0.5` and `conntrack -D -s 10.0.0.5` do:
//! ```no_run
//! use std::ops::ControlFlow;
//! use nfnl_conntrack::{Conntrack, Filter, Flush, TupleFilter};
//!
//! fn main() -> nfnl_conntrack::Result<()> {
//!     let mut ct = Conntrack::open()?;
//!     let host = Filter::new().orig(TupleFilter {
//!         src: Some("10.0.0.5".parse().unwrap()),
//!         ..TupleFilter::default()
//!     });
//!     ct.dump(&host, |flow| {
//!         println!("{flow}"); // the line `conntrack -L` prints
//!         ControlFlow::Continue(())
//!     })?;
//!     let report = ct.flush(&Flush::Filter(host))?;
//!     println!("deleted {:?} (by the kernel: {})", report.deleted, report.by_kernel);
//!     Ok(())
//! }
//! ```
//!
//! # How do I ...
//! - **delete flows by filter?** [`Conntrack::flush`] with [`Flush::Filter`]:
//!   one kernel request where the kernel evaluates every criterion
//!   correctly, else a dump and batched deletes; never a wrong delete.
//! - **delete one flow I dumped?** [`Conntrack::delete`] with [`Key::of`]
//!   the flow (its id too, so a re-created entry is left alone).
//! - **change a flow?** [`Conntrack::update`] with an [`Update`] (mark with
//!   mask, timeout, status bits to add, labels to add or remove).
//! - **find the flows NAT-ed to an address?** [`Filter::nat`] with a
//!   [`NatFilter`] (`conntrack --src-nat/--dst-nat/--any-nat ADDR[:PORT]`).
//! - **follow events without losing any unnoticed?** An [`EventListener`]
//!   reports every loss as [`Error::is_overrun`]; then call
//!   [`EventListener::resync`]. [`EventListener::set_reliable`] makes the
//!   kernel retry DESTROY events instead of dropping them. Attach an
//!   [`EventFilter`] so the kernel drops the events you do not want before
//!   they fill the socket, and size the receive buffer for your event rate
//!   or let it grow on overruns ([`EventListener::set_recv_buffer_growth`];
//!   see [`EventListener`]'s "Receive buffer").
//! - **print what `conntrack` prints?** `Display` of a [`Flow`], an
//!   [`Expect`] or an [`Event`]; [`DisplayOptions`] for `-o extended,id`
//!   and label names ([`LabelMap`]).
//! - **save and restore the table?** [`Flow::save_line`] writes the
//!   `conntrack -o save` format with the mark and label names (which
//!   `conntrack -R` reads too), [`Conntrack::restore`] reads it back; what
//!   the format cannot carry is listed on `save_line`, and refused.
//! - **work on another network namespace's table?**
//!   [`Conntrack::open_in_netns`]`("/run/netns/NAME")` and
//!   [`EventListener::open_in_netns`]: one call, the calling thread stays
//!   where it is.
//!
//! # Feature flags
//! - `tokio`: `tokio::AsyncEventListener`, events in async code.
// docs.rs builds with `--cfg docsrs` (Cargo.toml): feature-gated items carry a "requires feature" badge.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod conntrack;
mod counters;
mod display;
mod error;
mod event;
mod evfilter;
mod expect;
mod filter;
mod flow;
mod labels;
mod lists;
mod nat;
pub mod probe;
mod protoinfo;
mod save;
mod settable;
mod stats;
mod status;
// Test support, not API: hidden on docs.rs (built with every feature);
// `cargo doc --features test-util` shows it to contributors. Also in this
// crate's unit tests, which use `testutil::bpf`.
#[cfg(any(test, feature = "test-util"))]
#[cfg_attr(docsrs, doc(hidden))]
pub mod testutil;
#[cfg(feature = "tokio")]
#[cfg_attr(docsrs, doc(cfg(feature = "tokio")))]
pub mod tokio;
/// Async conntrack events with tokio: `AsyncEventListener`. Needs the `tokio` feature, which this build of the
/// documentation was made without: enable it (`nfnl-conntrack = { version = "0.1",
/// features = ["tokio"] }`), or read the documentation on docs.rs, which is
/// built with every feature.
#[cfg(all(doc, not(feature = "tokio")))]
pub mod tokio {}
mod tuple;

pub use conntrack::{Conntrack, FlowIter, Flush, FlushReport, Key, Update};
pub use counters::{Counters, CtTimestamp};
pub use display::{proto_name, DisplayOptions, FlowDisplay};
pub use error::{Error, Result};
pub use event::{Event, EventHeader, EventListener, Groups};
pub use evfilter::{EventFilter, EventMatch};
pub use expect::{Expect, ExpectNat};
pub use filter::{prefix_mask, Criteria, Filter, NatFilter, NatTarget, TupleFilter};
pub use flow::{Flow, Labels, SeqAdj, Synproxy};
pub use labels::LabelMap;
pub use lists::CtList;
pub use nat::NatRange;
// What a user of this crate needs of nfnl (errors and their predicates, the
// receive trait, the socket and connection for `EventListener::from_socket`
// and `Conntrack::from_conn`, the protocol types of tuples and filters), so
// that it needs no other crate. Plain comments: each item shows its own
// summary line.
pub use nfnl::{
    Conn, EncodeError, Errno, ErrorExt, KernelError, ParseError, Receive, Refusal, Socket,
};
pub use nfnl::{IpProto, ProtoFamily};
pub use protoinfo::{
    DccpInfo, DccpState, ProtoInfo, SctpInfo, SctpState, TcpFlags, TcpFlagsMask, TcpInfo, TcpState,
};
pub use save::{SaveLine, SaveOp};
pub use stats::{CpuStats, ExpCpuStats, GlobalStats};
pub use status::Status;
pub use tuple::{Family, Tuple, L4};

#[cfg(test)]
mod tests;

/// The examples of this crate's README (shown on crates.io), compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
