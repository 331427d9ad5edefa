//! Native Linux extended accounting (`nfnetlink_acct`, the `nfacct` tool's
//! kernel side) over netlink: named packet and byte counters that
//! `iptables -m nfacct --nfacct-name NAME` rules feed, with optional quotas
//! in packets or bytes and a notification when a quota is reached.
//!
//! Depends on [`nfnl`] (the generic layer: socket, requests, dumps,
//! receive engine) and `nfnl-sys` (the ABI) only; no C library.
//!
//! ```text
//! Acct ── NEW / GET / GET_CTRZERO / DEL (NFNL_SUBSYS_ACCT) ──▶ kernel objects of this namespace
//!                                                               │ iptables -m nfacct counts packets into them
//! QuotaListener ◀── NFNLGRP_ACCT_QUOTA: one NEW message when a counter reaches its quota
//! ```
//!
//! The main types: [`Acct`] (create, get, get and reset, dump, delete,
//! delete every unused object), [`Object`] (what the kernel reports:
//! [`Name`], counters, use count, [`AcctFlags`], [`Quota`]), [`NewObject`]
//! (what to create), [`Filter`] (the kernel's dump filter on flags),
//! [`QuotaListener`] (over-quota notifications) and [`Error`].
//!
//! # Guarantees
//! - **Refusals are named**: a delete of an object a rule holds is
//!   [`Error::InUse`] naming the object; a missing one [`Error::NotFound`];
//!   a create of an existing one [`Error::Exists`] (nothing is changed or
//!   reset). Names the kernel would refuse are refused before sending
//!   ([`Name::new`]).
//! - **Resets are atomic**: [`Acct::get_and_reset`] and
//!   [`Acct::dump_and_reset`] return the values the kernel zeroed
//!   (`NFNL_MSG_ACCT_GET_CTRZERO`), so no packet is counted twice or lost
//!   between reading and zeroing.
//! - **Dumps stream**: nothing is collected; breaking early leaves the
//!   connection usable.
//! - Parsing never panics; malformed messages are typed errors
//!   ([`ParseError`]).
//!
//! In another network namespace: [`Acct::open_in_netns`] and
//! [`QuotaListener::open_in_netns`] (`/run/netns/NAME`), in one call.
//!
//! # Async
//! With the `tokio` feature, `tokio::AsyncQuotaListener` waits for
//! notifications on tokio's reactor (`recv().await`).
//!
//! # Example
//! Count the web traffic a host sends, and learn when it passes 1 GiB:
//! ```no_run
//! use std::ops::ControlFlow;
//! use nfnl_acct::{Acct, Filter, NewObject, Quota, QuotaListener, Receive};
//!
//! let mut acct = Acct::open()?;
//! let mut quotas = QuotaListener::open()?;
//! acct.create(&NewObject::new("web-out")?.quota(Quota::Bytes(1 << 30)))?;
//! // iptables -A OUTPUT -p tcp --dport 443 -m nfacct --nfacct-name web-out
//! let over = quotas.recv()?;
//! println!("{} passed {:?}", over.name(), over.quota());
//! // Read and zero every counter at once, as `nfacct list reset` does.
//! acct.dump_and_reset(&Filter::all(), |o| {
//!     println!("{}: {} packets, {} bytes", o.name(), o.packets(), o.bytes());
//!     ControlFlow::Continue(())
//! })?;
//! # Ok::<(), nfnl_acct::Error>(())
//! ```
// docs.rs builds with `--cfg docsrs` (Cargo.toml): feature-gated items carry a "requires feature" badge.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod acct;
mod error;
mod object;
mod quota;
#[cfg(feature = "tokio")]
#[cfg_attr(docsrs, doc(cfg(feature = "tokio")))]
pub mod tokio;
/// Async over-quota notifications with tokio: `AsyncQuotaListener`. Needs the `tokio` feature, which this build of the
/// documentation was made without: enable it (`nfnl-acct = { version = "0.1",
/// features = ["tokio"] }`), or read the documentation on docs.rs, which is
/// built with every feature.
#[cfg(all(doc, not(feature = "tokio")))]
pub mod tokio {}

pub use acct::Acct;
pub use error::Error;
pub use object::{AcctFlags, Filter, Name, NewObject, Object, Quota, NAME_MAX};
pub use quota::QuotaListener;

// What a user of this crate needs of nfnl (errors and their predicates, the
// receive trait, the socket and connection for `QuotaListener::from_socket`
// and `Acct::from_conn`), so that it needs no other crate.
pub use nfnl::{Conn, Errno, ErrorExt, KernelError, ParseError, Receive, Refusal, Socket};

#[cfg(test)]
mod tests;

/// The examples of this crate's README (shown on crates.io), compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
