//! Test helpers (feature `test-util`) for namespace tests of conntrack
//! code, in this crate and in programs built on it: everything of
//! `nfnl::testutil::netns`, plus the `conntrack` tool as an oracle. Use as
//! `use nfnl_conntrack::testutil as support;`. [`bpf`] runs compiled
//! [`EventFilter`](crate::EventFilter)s without a kernel.

pub use nfnl::testutil::netns::*;

pub mod bpf;

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

/// True, after recording the skip of `test`, if this namespace has conntrack
/// events switched off (`net.netfilter.nf_conntrack_events` 0: no events, no
/// dying list).
pub fn events_off(test: &str) -> bool {
    let off = sh("sysctl -n net.netfilter.nf_conntrack_events").trim() == "0";
    if off {
        skip(test, "net.netfilter.nf_conntrack_events is 0 in this netns");
    }
    off
}
