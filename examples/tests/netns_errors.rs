//! Errors that say what happened, seen as a user sees them: the example
//! programs (queue, conntrack events, log) run without `CAP_NET_ADMIN`
//! (uid 65534, no capability) in a throwaway network namespace.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::time::Duration;

use nfnl::testutil::netns as support;

/// Runs `program args` as uid 65534 without capabilities; its stderr, or
/// `None` (and a skip line) where that needs the initial user namespace.
fn run_unprivileged(test: &str, program: &str, args: &[&str]) -> Option<String> {
    if !support::in_init_userns() {
        support::skip(
            test,
            "dropping to uid 65534 needs the initial user namespace (run as root)",
        );
        return None;
    }
    let mut cmd = support::command("setpriv");
    cmd.args([
        "--reuid",
        "65534",
        "--regid",
        "65534",
        "--clear-groups",
        "--inh-caps=-all",
    ])
    .arg(program)
    .args(args);
    let out = support::output_within(cmd, Duration::from_secs(10));
    assert!(!out.status.success());
    Some(String::from_utf8_lossy(&out.stderr).into_owned())
}

/// A queue bound without `CAP_NET_ADMIN`: the error says that capability is
/// missing. (`/proc/net/netfilter/nfnetlink_queue`, which would rule out
/// another owner, is not readable without privileges: the message says so.)
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn nfqueue_without_cap_net_admin_names_the_capability() {
    let _ns = support::netns();
    let test = "nfqueue_without_cap_net_admin_names_the_capability";
    let Some(stderr) = run_unprivileged(test, env!("CARGO_BIN_EXE_nfqueue"), &["7"]) else {
        return;
    };
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
    let test = "ctevents_without_cap_net_admin_says_what_is_missing";
    let Some(stderr) = run_unprivileged(test, env!("CARGO_BIN_EXE_ctevents"), &[]) else {
        return;
    };
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
    let test = "nflog_example_without_cap_net_admin_says_permission_denied";
    let Some(stderr) = run_unprivileged(test, env!("CARGO_BIN_EXE_nflog"), &["9", "--count", "1"])
    else {
        return;
    };
    assert!(
        stderr.contains("log group 9: permission denied (CAP_NET_ADMIN is needed)"),
        "{stderr}"
    );
}
