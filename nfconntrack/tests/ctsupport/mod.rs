//! Helpers of the nfconntrack namespace tests: everything of
//! `nfnetlink::testutil::netns`, plus the `conntrack` tool as an oracle.
//! Use as `mod ctsupport; use ctsupport as support;`.
#![allow(dead_code)]

pub use nfnetlink::testutil::netns::*;

/// The `conntrack` tool as an oracle: `conntrack <args>`, returns stdout (one flow per line
/// for `-L`; the "N flow entries" note goes to stderr).
#[track_caller]
pub fn conntrack_cli(args: &str) -> String {
    sh(&format!("conntrack {args}"))
}

/// Makes conntrack track packets in this namespace (it only does once a rule uses it).
#[track_caller]
pub fn enable_conntrack() {
    iptables("-A INPUT -m conntrack --ctstate NEW,ESTABLISHED -j ACCEPT");
    iptables("-A OUTPUT -m conntrack --ctstate NEW,ESTABLISHED -j ACCEPT");
}
