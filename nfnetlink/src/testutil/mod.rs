//! Test support shared by the tests of every crate in the workspace (feature `test-util`, and
//! always in this crate's own unit tests). Not part of the protocol API.
//!
//! - [`fixture`]: byte builders for netlink messages, nfnetlink messages, attributes, nests
//!   and `NLMSG_ERROR` answers, laid out as the kernel lays them out (host-order headers,
//!   so the tests also hold on big-endian machines).
//! - [`netns`]: throwaway network namespaces, command helpers with deadlines, loopback and
//!   veth traffic, skip records, for the `tests/netns_*.rs` tests.
//! - [`mutate`]: a deterministic byte mutator for the hostile-input tests.
//!
//! Nothing here names a netfilter subsystem; helpers for one (the `conntrack` tool as an
//! oracle, `/proc` queue figures, packet fixtures) live in that subsystem crate's own test
//! support. Use it from another crate's tests with the dev-dependency
//!
//! ```toml
//! [dev-dependencies]
//! nfnetlink = { workspace = true, features = ["test-util"] }
//! ```
//!
//! The helpers panic on misuse and on failure, with a message saying what failed: they are
//! meant for tests only.

pub mod fixture;
pub mod mutate;
pub mod netns;
