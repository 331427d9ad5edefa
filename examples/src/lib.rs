//! Runnable example programs for the `nfqueue` and `nfconntrack` crates: see
//! `src/bin/`. Each program starts with a comment on the privileges and the
//! firewall rules it expects.

pub mod ctargs;

/// The README's examples, compiled as doc tests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
