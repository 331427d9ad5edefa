//! Native Linux nf_tables (nftables) over netlink: read the whole ruleset
//! as typed values without losing a byte, and change it in atomic
//! transactions whose refusals name the failing operation. No libnftnl, no
//! libmnl, no `nft` process.
//!
//! Depends on [`nfnl`] (the generic layer: socket, requests, dumps) and
//! `nfnl-sys` (the ABI, `nfnl_sys::tables`) only.
//!
//! ```text
//! Nft ── NFT_MSG_GET* dumps (NFNL_SUBSYS_NFTABLES) ─────────────▶ Table, Chain, Rule, Set, SetElems, Obj, Gen
//!     ── one datagram: BATCH_BEGIN, NEW*/DEL* ..., BATCH_END ──▶ applied all or nothing
//!        ◀── one error per refused operation (seq -> operation index, ext-ack offset -> expression)
//! ```
//!
//! # What is there (this release)
//! - **Objects**: [`Table`] (flags incl. [`TableFlags::OWNER`], owner,
//!   user data), [`Chain`] (base chains: [`Hook`] with hook number,
//!   priority, device or devices; type, policy, counters; regular chains;
//!   transaction ids), [`Rule`] (handle, position, expressions, user data,
//!   transaction ids), [`Set`] (maps and verdict maps, key/data types and
//!   lengths, [`SetFlags`], timeout, gc interval, size and concatenation
//!   fields in [`SetDesc`], policy, per-element expressions), elements
//!   ([`SetElems`], [`Element`]: key, key end, data or verdict, timeout,
//!   expiration, user data, [`ElemFlags`], expressions, object reference),
//!   stateful objects ([`Obj`]; counter, quota, limit, connlimit, ct
//!   helper, ct timeout ([`CtTimeout`]: the per-protocol states of
//!   [`timeout`], shared with `nfnetlink_cttimeout`), ct expectation,
//!   secmark, synproxy and tunnel ([`TunnelKey`]: endpoints, ports, flags,
//!   VXLAN, ERSPAN and Geneve options) typed through [`ObjData`]), flowtables
//!   ([`Flowtable`]; the test kernel lacks them: their encoding is checked
//!   against nft's), the generation ([`Gen`]). Each decodes from the kernel's `NFT_MSG_NEW*` message and
//!   encodes back to the same bytes.
//! - **Expressions** ([`Expr`], module [`expr`]): payload, meta, cmp,
//!   bitwise, byteorder, immediate (data and verdicts incl. jump/goto),
//!   lookup, dynset, range, ct, counter, limit, quota, connlimit, log, nat,
//!   masq, redir, reject, fib, objref, exthdr, notrack, rt, socket, hash,
//!   numgen, dup, fwd, tproxy, synproxy, xfrm, osf, queue, last, tunnel,
//!   flow_offload, inner (a payload or meta of a tunnel's inner packet,
//!   [`expr::Inner`]), and the x_tables
//!   `match`/`target` (name, revision, raw info). Keys and operations are
//!   typed but open ([`expr::MetaKey`], [`expr::CmpOp`], ...).
//! - **Lossless**: decoding checks that each typed expression encodes back
//!   to the exact bytes received; an expression this crate does not know,
//!   or cannot reproduce, is [`Expr::Unknown`] (its name and raw data) and
//!   re-encodes byte for byte. Nothing is dropped and no expression makes a
//!   dump fail. Attributes this crate does not know inside a known object
//!   are kept in its `extra` and re-encoded. The encoder writes nests the
//!   way the kernel does (without `NLA_F_NESTED`), so a built rule and a
//!   dumped one are byte-identical.
//! - **Save and restore**: [`Ruleset::read`] reads everything;
//!   [`Transaction::restore`] adds it again (each object's `to_request`
//!   leaves out what the kernel reports but refuses on input; bound chains
//!   are re-created by transaction id): a ruleset read back and restored
//!   to an empty namespace lists exactly as the original in
//!   `nft --debug=netlink` (handles aside; tested on our corpus, on
//!   nftables' ruleset dumps and on rules of iptables-nft and friends,
//!   whose x_tables protocol the kernel does not dump and is inferred).
//! - **Reading**: [`Nft`] dumps tables, chains, rules (by family, table,
//!   chain), sets, a set's elements and objects, streaming typed values,
//!   dumps objects, rules and a set's elements with reset (the values
//!   zeroed atomically: [`Nft::dump_objs_reset`],
//!   [`Nft::dump_rules_reset`], [`Nft::dump_elements_reset`]), gets one
//!   table, chain, rule, set or object, looks keys up in a set
//!   ([`Nft::get_elements`], with reset [`Nft::get_elements_reset`]), and
//!   reads the generation.
//! - **Transactions**: [`Transaction`] adds or creates (exclusive) tables,
//!   chains, sets, objects, elements and flowtables; adds, inserts,
//!   replaces and deletes rules; deletes elements; flushes a chain or a
//!   set; deletes or destroys a table, chain, set, object or flowtable by
//!   name or handle ([`Transaction::delete`]); can require a generation.
//!   It goes to the kernel as one datagram (the socket's send buffer raised
//!   to fit; element lists split into messages under the 64 KiB nest
//!   limit) and is applied atomically. A refusal is [`Error::Operation`]:
//!   the operation's index, what it was (`add rule inet t c`), the part the
//!   kernel's extended ack points at (`expression 2 of 3 (lookup)`,
//!   `element 100000`, `NFTA_TABLE_NAME`), the errno, and the other refused
//!   operations; the kernel has changed nothing. [`Nft::commit_echo`]
//!   also returns what the kernel made, with the handles it gave.
//!   A transaction keeps only its encoding: elements come from an iterator
//!   ([`Transaction::add_elements`]) and are encoded as they come, so a
//!   million of them never exist together as [`Element`] values (about
//!   250 bytes each) and take about 18 MiB in all. One larger than a
//!   datagram can be (the send buffer is capped by twice
//!   `net.core.wmem_max` unless `SO_SNDBUFFORCE` is permitted: as root in
//!   the initial user namespace) is refused before anything is sent
//!   ([`Error::TooLarge`], saying what to raise), or applied in several
//!   atomic parts, not atomically as a whole, by [`Nft::commit_in_parts`]
//!   ([`Error::Partial`] says which parts were committed). When the
//!   kernel's answers are lost (`ENOBUFS`), [`Error::AnswersLost`] says what
//!   the generation tells of the outcome ([`Outcome`]). Speed is the
//!   kernel's: `cargo xtask bench nftables` (figures in the workspace
//!   README) finds dumps and transactions at the pace of minimal libnftnl
//!   programs, and transactions about twice as fast as `nft -f`.
//! - **Events**: [`EventListener`] (`NFNLGRP_NFTABLES`): each committed
//!   change as an [`Event`] ([`Change::New`] or [`Change::Delete`] of an
//!   [`Object`], then [`Object::Gen`] with the new generation and the
//!   process that committed it); with the `tokio` feature,
//!   `tokio::AsyncEventListener`.
//! - **Traces**: [`TraceListener`] (`NFNLGRP_NFTRACE`): each [`Trace`] of
//!   a packet marked with `meta nftrace set 1` (chain, rule handle,
//!   verdict, headers, interfaces, mark); `tokio::AsyncTraceListener`; the
//!   `nfttrace` example prints them.
//! - **nft's language**: [`lang`] turns rules, sets, maps and objects into
//!   nft's high-level statements (`tcp dport { 22, 80 } accept`, `ct state
//!   established,related accept`) as nft 1.0.6 delinearizes them, and with
//!   the `json` feature prints them byte for byte as `nft -j list ruleset`
//!   (`nftlist -j`); what it cannot translate is kept, typed, as
//!   untranslated.
//! - **Text**: [`text`] prints rules and sets as `nft --debug=netlink list
//!   ruleset` does (libnftnl 1.2.4's text), for every expression above but
//!   the bitwise and/or/xor of two registers (which nft 1.0.6 does not write);
//!   the workspace's `nftlist` example uses it.
//! - **Listing**: [`lang::text`] prints a [`Ruleset`] as `nft list ruleset`
//!   (nft 1.0.6) prints it: tables, objects, sets and maps (typeof from
//!   their user data, elements sorted, merged into prefixes and ranges and
//!   wrapped as nft wraps them), flowtables, chains with named priorities,
//!   and rules translated by [`lang`], the x_tables extensions of
//!   `iptables-nft` rules as nft's translations print them; `nftlist`
//!   without flags (`-a` for handles) prints it. Tested byte for byte
//!   against `nft` on our rulesets, on all 164 of nftables' ruleset dumps
//!   that load here, on 5,342 of nftables' 5,349 rule lines, and on
//!   `iptables-nft`/`ebtables-nft`/`arptables-nft` rules.
//!
//! # Building values
//! Every object and expression is a plain struct whose fields are the
//! kernel's attributes, each an `Option` (sent if `Some`), plus `extra`:
//! write them as literals with `..Default::default()`
//! (`Tunnel { key: Some(1), dreg: Some(1), ..Default::default() }`) or
//! with the constructors ([`Table::new`], [`Chain::base`], [`Rule::new`],
//! [`Set::new`], [`Element::new`], [`Expr::payload`], [`Expr::cmp`],
//! [`Expr::verdict`], ...). A newer kernel's attribute becomes a new field
//! (before 1.0, in a minor release).
//!
//! # Not yet
//! - The text of `last`, `tunnel` and `inner` (libnftnl 1.2.4 does not
//!   print them either).
//! - Typed decoding expects the kernel's layout: bytes written by another
//!   tool (libnftnl sets `NLA_F_NESTED` on its nests) decode as
//!   [`Expr::Raw`], still re-encoded byte for byte.
//!
//! # How it is tested
//! Against the kernel in throwaway network namespaces, with `nft` as the
//! oracle: a rule corpus written for this crate (every family, about 150
//! rules and the sets, maps and objects they use), nftables' own
//! regression rules and ruleset dumps (read at run time when present,
//! about 5,000 rules and 160 rulesets), and rules written by
//! `iptables-nft`, `ip6tables-nft`, `arptables-nft` and `ebtables-nft`:
//! every object dumped re-encodes to the kernel's bytes, and every rule
//! and set prints as `nft --debug=netlink` prints it. Transactions are
//! checked for atomicity with `nft list ruleset` before and after a refusal.
//! Payload-write rules are loaded (and so tested) only as root in the
//! initial user namespace: the kernel refuses them in a user namespace.
//!
//! # Example
//! A daemon owns its table and keeps a large allow-set up to date, each
//! change atomic:
//! ```no_run
//! use nfnl_tables::expr::{CmpOp, PayloadBase};
//! use nfnl_tables::{
//!     Chain, Element, Expr, Nft, ProtoFamily, Rule, Set, SetRef, Table, TableFlags,
//!     Transaction, Verdict,
//! };
//!
//! const IP: ProtoFamily = ProtoFamily::Ipv4;
//! let mut nft = Nft::open()?; // keep it: the table lives as long as this socket
//! let mut table = Table::new(IP, "guard");
//! table.flags = Some(TableFlags::OWNER);
//! let mut input = Chain::base(IP, "guard", "input", "filter", 1 /* NF_INET_LOCAL_IN */, 0);
//! input.policy = Some(0); // NF_DROP
//! let mut tx = Transaction::new();
//! tx.add_table(&table)?
//!     .add_chain(&input)?
//!     .add_set(&Set::new(IP, "guard", "allowed", 7 /* ipv4_addr */, 4))?
//!     // ip saddr @allowed accept
//!     .add_rule(&Rule::new(IP, "guard", "input", vec![
//!         Expr::payload(PayloadBase::NETWORK, 12, 4, 1),
//!         Expr::lookup("allowed", 1),
//!         Expr::verdict(Verdict::Accept),
//!     ]))?
//!     // ct state established,related accept would follow the same way
//!     .add_rule(&Rule::new(IP, "guard", "input", vec![
//!         Expr::payload(PayloadBase::NETWORK, 9, 1, 1),
//!         Expr::cmp(CmpOp::EQ, 1, [1u8]), // icmp
//!         Expr::verdict(Verdict::Accept),
//!     ]))?;
//! nft.commit(&tx)?;
//!
//! // Later: 100,000 new addresses in one atomic transaction (split into
//! // messages under the 64 KiB limit, sent as one datagram), each encoded
//! // as the iterator makes it.
//! let add = (0..100_000u32).map(|i| Element::new((0xc633_0000u32 + i).to_be_bytes()));
//! let mut tx = Transaction::new();
//! tx.add_elements(SetRef::new(IP, "guard", "allowed"), add)?;
//! if let Err(e) = nft.commit(&tx) {
//!     // e.g. "transaction operation 26 (add elements 99840..100000 of
//!     // 100000 to set ip guard allowed: element 99999): ... (EINVAL)";
//!     // nothing of the transaction was applied.
//!     eprintln!("{e}");
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
// docs.rs builds with `--cfg docsrs` (Cargo.toml): feature-gated items carry a "requires feature" badge.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod conn;
mod data;
mod error;
mod event;
pub mod expr;
pub mod lang;
mod object;
mod ruleset;
pub mod text;
#[cfg(feature = "tokio")]
#[cfg_attr(docsrs, doc(cfg(feature = "tokio")))]
pub mod tokio;
mod trace;
mod transaction;
mod tunnel;
mod wire;

pub use conn::Nft;
pub use data::{Data, Verdict};
pub use error::{Error, Outcome};
pub use event::{Change, Event, EventListener};
pub use expr::{Expr, ExprList};
pub use object::{
    Chain, ChainFlags, Concat, CtExpect, CtHelper, CtTimeout, Devices, ElemFlags, Element,
    Elements, Flowtable, FlowtableHook, Gen, Hook, Obj, ObjData, Object, Rule, Secmark, Set,
    SetDesc, SetElems, SetFlags, Table, TableFlags,
};
pub use ruleset::Ruleset;
pub use trace::{Trace, TraceListener, TraceType};
pub use transaction::{Handle, Kind, SetRef, Transaction, ELEMS_PER_MESSAGE_BYTES};
pub use tunnel::{
    Geneve, GeneveOpt, TunnelErspan, TunnelFlags, TunnelIp, TunnelIp6, TunnelKey, TunnelOpt,
    TunnelOpts, TunnelVxlan,
};
pub use wire::RawAttr;

/// The conntrack timeouts of each layer-4 protocol that a [`CtTimeout`]
/// object carries (shared with `nfnetlink_cttimeout` policies).
pub use nfnl::timeout;
pub use nfnl::{Errno, ErrorExt, KernelError, ParseError, ProtoFamily, Receive};

#[cfg(test)]
mod tests;

/// The examples of this crate's README (shown on crates.io), compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
