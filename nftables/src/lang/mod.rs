//! nftables in the user's language: rules, sets, maps and objects turned
//! from the kernel's expressions into nft's high-level statements
//! ("delinearize", as nft 1.0.6 does it), printed as `nft -j list ruleset`
//! prints them (feature `json`); the text printer (`nft list ruleset`)
//! stands on the same syntax tree.
//!
//! - [`ast`]: the syntax tree ([`Listing`], [`Stmt`], [`Expr`]), the
//!   contract between the delinearizer and the printers.
//! - [`datatype`]: nft's data types and typed constants ([`Value`]) with
//!   their text and JSON renderings.

pub mod ast;
pub mod datatype;

pub use ast::{
    BaseChain, BinOp, ChainItem, Counter, Elem, Expr, ExthdrField, ExthdrKind, FlowtableItem, Item,
    Limit, Listing, Log, Nat, NatKind, ObjBody, ObjItem, Op, Payload, Quota, Reject, RuleItem,
    SetItem, Stmt, Synproxy, TableItem, Untranslated, Verdict,
};
pub use datatype::{Datatype, JsonValue, Value};
pub mod delinearize;
#[cfg(feature = "json")]
#[cfg_attr(docsrs, doc(cfg(feature = "json")))]
pub mod json;
#[cfg(feature = "json")]
#[cfg_attr(docsrs, doc(cfg(feature = "json")))]
pub mod json_in;
pub mod linearize;
pub mod listing;
pub mod proto;
