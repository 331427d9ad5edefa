//! Errors that say what happened, seen as a user sees them: the example
//! programs (queue, conntrack events, log) run without `CAP_NET_ADMIN`
//! (uid 65534, no capability) in a throwaway network namespace.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::time::Duration;

use nfnl::testutil::netns as support;

/// Runs `program args` as uid 65534 without capabilities (as an ordinary
/// user too: see `support::unprivileged_command`); its stderr.
fn run_unprivileged(program: &str, args: &[&str]) -> String {
    let mut cmd = support::unprivileged_command(program);
    cmd.args(args);
    let out = support::output_within(cmd, Duration::from_secs(10));
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!out.status.success(), "{stderr}");
    stderr
}

/// A queue bound without `CAP_NET_ADMIN`: the error says that capability is
/// missing. (`/proc/net/netfilter/nfnetlink_queue`, which would rule out
/// another owner, is not readable without privileges: the message says so.)
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn nfqueue_without_cap_net_admin_names_the_capability() {
    let _ns = support::netns();
    let stderr = run_unprivileged(env!("CARGO_BIN_EXE_nfqueue"), &["7"]);
    assert!(
        stderr.contains(
            "queue 7: permission denied: CAP_NET_ADMIN is needed in the user namespace owning \
             the network namespace"
        ),
        "{stderr}"
    );
}

/// Without `CAP_NET_ADMIN` the conntrack event listener says so, with the
/// hint a dump's refusal gives.
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn ctevents_without_cap_net_admin_says_what_is_missing() {
    let _ns = support::netns();
    let stderr = run_unprivileged(env!("CARGO_BIN_EXE_ctevents"), &[]);
    assert!(
        stderr.contains(
            "listening to conntrack events: netlink socket: Operation not permitted (os error 1); \
             hint: CAP_NET_ADMIN is needed in the user namespace owning the network namespace"
        ),
        "{stderr}"
    );
}

/// Without `CAP_NET_ADMIN` the log example says permission denied, naming
/// the group and the capability.
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn nflog_example_without_cap_net_admin_says_permission_denied() {
    let _ns = support::netns();
    let stderr = run_unprivileged(env!("CARGO_BIN_EXE_nflog"), &["9", "--count", "1"]);
    assert!(
        stderr.contains("log group 9: permission denied (CAP_NET_ADMIN is needed)"),
        "{stderr}"
    );
}
