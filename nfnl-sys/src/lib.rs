//! Kernel ABI of netfilter over netlink: the constants and `#[repr(C)]`
//! structs of the UAPI headers, with their kernel names, and nothing else.
//!
//! Each module mirrors one header (or a group of them) and says which. The
//! test `tests/abi.rs` compiles a C program against the headers installed on
//! the machine (`linux-libc-dev`) and checks every constant, struct size,
//! alignment and field offset here against it.
//!
//! Byte order: netlink headers (`nlmsghdr`, `nlattr`) are host order; the
//! nfnetlink payloads are mostly big-endian. Struct fields that are big-endian
//! on the wire stay plain integers and say "big-endian" in their docs.
//!
//! All items are also re-exported at the crate root (kernel names are unique).
#![no_std]
#![allow(non_camel_case_types)]

pub mod acct;
pub mod conntrack;
pub mod cttimeout;
pub mod log;
pub mod netfilter;
pub mod netlink;
pub mod nfnetlink;
pub mod queue;
pub mod tables;

pub use acct::*;
pub use conntrack::*;
pub use cttimeout::*;
pub use log::*;
pub use netfilter::*;
pub use netlink::*;
pub use nfnetlink::*;
pub use queue::*;
pub use tables::*;

/// The examples of this crate's README (shown on crates.io), compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
