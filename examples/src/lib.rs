//! Runnable example programs for the `nfnl-queue`, `nfnl-conntrack` and `nfnl-log` crates: see
//! `src/bin/`. Each program starts with a comment on the privileges and the
//! firewall rules it expects.

pub mod cli;
pub mod ctargs;

/// The README's examples, compiled as doc tests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
