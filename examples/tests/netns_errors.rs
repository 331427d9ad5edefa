//! Errors that say what happened, seen as a user sees them: the example
//! programs (queue, conntrack events, log) run without `CAP_NET_ADMIN`
//! (uid 65534, no capability) in a throwaway network namespace.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::time::{Duration, Instant};

use nfnl::testutil::netns as support;
use nfnl_conntrack::{Conntrack, ErrorExt as _, Flow, Key, Tuple, L4};

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

/// The `CAP_NET_ADMIN` hint every `EPERM` carries.
const HINT: &str =
    "hint: CAP_NET_ADMIN is needed in the user namespace owning the network namespace";

/// Three UDP flows 10.7.0.N:1000 -> 10.1.0.1:53 that a create accepts.
fn three_flows() -> Vec<Flow> {
    (1..=3)
        .map(|n| {
            let t = Tuple::new(
                format!("10.7.0.{n}").parse().unwrap(),
                "10.1.0.1".parse().unwrap(),
                L4::udp(1000, 53),
            )
            .unwrap();
            Flow {
                timeout: Some(100),
                ..Flow::new(t)
            }
        })
        .collect()
}

/// A program that returns the library's error from `main` (`ctcount`), run
/// without `CAP_NET_ADMIN`: Rust prints the error's `Debug` form, which is
/// the message with the hint, not the enum's fields.
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn main_returning_our_error_prints_the_message_and_hint() {
    let _ns = support::netns();
    let stderr = run_unprivileged(env!("CARGO_BIN_EXE_ctcount"), &[]);
    assert_eq!(
        stderr,
        format!("Error: kernel error: Operation not permitted (EPERM); {HINT}\n")
    );
}

/// Every batched conntrack call, run without `CAP_NET_ADMIN` (in a child
/// process, see the next test): the kernel answers only the first request of
/// a batch (`EPERM`; `nfnetlink_rcv` checks the capability once per
/// datagram), and each call fails within a second with that refusal, named
/// and with the hint, although the request timeout is 30 s.
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn batched_conntrack_calls_without_cap_net_admin_fail_at_once() {
    let _ns = support::netns();
    let mut cmd = support::unprivileged_command(std::env::current_exe().unwrap());
    cmd.args(["--exact", "batched_calls_child", "--ignored", "--nocapture"])
        .env("NFNL_BATCH_CHILD", "1");
    let out = support::output_within(cmd, Duration::from_secs(60));
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "child failed:\n{text}");
    assert!(
        text.contains("BATCH OK"),
        "child did not run its checks:\n{text}"
    );
}

/// The unprivileged half of the test above; does nothing on its own.
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn batched_calls_child() {
    if std::env::var_os("NFNL_BATCH_CHILD").is_none() {
        return;
    }
    let mut ct = Conntrack::open().unwrap();
    ct.conn().set_request_timeout(Some(Duration::from_secs(30)));
    let flows = three_flows();
    let keys: Vec<Key> = flows.iter().map(|f| Key::of(f).unwrap()).collect();
    let text: String = flows
        .iter()
        .map(|f| format!("{}\n", f.save_line(None).unwrap()))
        .collect();
    let first = "udp src=10.7.0.1 dst=10.1.0.1 sport=1000 dport=53";
    let check = |call: &str, op: &str, r: Result<(), nfnl_conntrack::Error>, took: Duration| {
        let e = r.expect_err(call);
        let msg = e.to_string();
        assert!(e.is_permission_denied(), "{call}: {msg}");
        assert!(msg.starts_with(&format!("{op} {first}: ")), "{call}: {msg}");
        assert!(msg.contains(HINT), "{call}: {msg}");
        assert!(
            took < Duration::from_secs(1),
            "{call} failed after {took:?}"
        );
    };
    let start = Instant::now();
    let r = ct.create_batch(&flows).map(drop);
    check("create_batch", "create", r, start.elapsed());
    let start = Instant::now();
    let r = ct.delete_batch(&keys).map(drop);
    check("delete_batch", "delete", r, start.elapsed());
    let start = Instant::now();
    let r = ct.restore(&text, None).map(drop);
    check("restore", "create", r, start.elapsed());
    println!("BATCH OK");
}
