//! Native Linux conntrack timeout policies over netlink
//! (`nfnetlink_cttimeout`, `NFNL_SUBSYS_CTNETLINK_TIMEOUT`): named
//! per-protocol policies that `iptables -t raw … -j CT --timeout NAME`
//! attaches to new flows, and the namespace's default timeouts of each
//! protocol — what the `nfct` tool manages, without libnetfilter_cttimeout.
//!
//! Depends on [`nfnl`] (socket, requests, dumps, parser) and `nfnl-sys`
//! (the ABI) only; no C library.
//!
//! ```text
//! IPCTNL_MSG_TIMEOUT_NEW / GET / DELETE:   | nfgenmsg (AF_UNSPEC) | NAME | L3PROTO be16 | L4PROTO u8 | DATA { <state> be32 seconds ... } | USE be32 (from the kernel) |
//! IPCTNL_MSG_TIMEOUT_DEFAULT_GET / _SET:   | nfgenmsg (AF_UNSPEC) | L3PROTO be16 | L4PROTO u8 | DATA { ... } |
//! ```
//!
//! # Types
//! - [`Policy`]: a name, a layer-3 family ([`ProtoFamily`]) and
//!   [`Timeouts`], the layer-4 protocol with one typed field per state
//!   ([`TcpTimeouts`], [`ReplyTimeouts`] for UDP, UDP-Lite and GRE,
//!   [`SingleTimeout`] for ICMP, ICMPv6 and the generic tracker,
//!   [`SctpTimeouts`], [`DccpTimeouts`]); every timeout in seconds, `None`
//!   for "the namespace default".
//! - [`CtTimeout`]: create, replace, get, dump, delete, flush, and the
//!   defaults ([`CtTimeout::default_get`], [`CtTimeout::default_set`]).
//! - [`Error`]: every refusal named with the operation and the policy,
//!   such as [`Error::InUse`] for a policy a rule refers to.
//!
//! The policies and defaults of another network namespace:
//! [`CtTimeout::open_in_netns`]`("/run/netns/NAME")`, in one call.
//!
//! # Kernel semantics (as tested on Linux 6.18)
//! - Timeouts travel in seconds (big-endian `u32`); the kernel keeps
//!   jiffies, so values above [`MAX_TIMEOUT_SECS`] would wrap: refused
//!   before sending.
//! - A policy created with some states gets the namespace's defaults *of
//!   that moment* for the others; a replace rebuilds it the same way.
//! - Delete refuses a policy a rule refers to (`EBUSY`, [`Error::InUse`]);
//!   flush deletes every unused policy and leaves the others silently
//!   (the newest netfilter tree, after 6.18, deletes policies in use too:
//!   the rules keep their timeouts).
//! - The defaults are per namespace and layer-4 protocol, shared by IPv4
//!   and IPv6; they are the `net.netfilter.nf_conntrack_*_timeout*`
//!   sysctls.
//!
//! # Example: shorter timeouts for DNS flows
//! What `nfct add timeout dns inet udp unreplied 5 replied 10` and
//! `iptables -t raw -A OUTPUT -p udp --dport 53 -j CT --timeout dns` do
//! together, with the policy checked afterwards:
//! ```no_run
//! use nfnl_cttimeout::{CtTimeout, Policy, ProtoFamily, ReplyTimeouts, Timeouts};
//!
//! let mut ct = CtTimeout::open()?;
//! let dns = Policy::new("dns", ProtoFamily::Ipv4, Timeouts::Udp(ReplyTimeouts {
//!     unreplied: Some(5),
//!     replied: Some(10),
//! }));
//! ct.replace(&dns)?; // create, or update the existing "dns"
//! std::process::Command::new("iptables")
//!     .args(["-t", "raw", "-A", "OUTPUT", "-p", "udp", "--dport", "53"])
//!     .args(["-j", "CT", "--timeout", "dns"])
//!     .status()?;
//! for p in ct.dump()? {
//!     println!("{p} (use {:?})", p.use_count); // dns inet udp unreplied 5 replied 10 (use Some(2))
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
// docs.rs builds with `--cfg docsrs` (Cargo.toml): feature-gated items carry a "requires feature" badge.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod error;
mod handle;
mod policy;

pub use error::Error;
pub use handle::CtTimeout;
pub use policy::{DefaultTimeouts, Policy, MAX_NAME_LEN};

// The per-protocol timeouts are netfilter's, shared with nf_tables' ct
// timeout objects: they live in nfnl and are re-exported here so that this
// crate's users need no other crate.
pub use nfnl::timeout::{
    DccpTimeouts, ReplyTimeouts, SctpTimeouts, SingleTimeout, State, TcpTimeouts, TimeoutError,
    Timeouts, GENERIC, MAX_TIMEOUT_SECS,
};

// What a user of this crate needs of nfnl (errors and their predicates, the
// socket and connection for `CtTimeout::from_conn`, the protocol types
// policies are keyed by), so that it needs no other crate. Plain comments:
// each item shows its own summary line.
pub use nfnl::{
    Conn, Errno, ErrorExt, IpProto, KernelError, ParseError, ProtoFamily, Refusal, Socket,
};

/// The examples of this crate's README (shown on crates.io), compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
