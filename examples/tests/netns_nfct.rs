//! `nfct` (the example) against the `nfct` tool: every timeout command
//! prints byte for byte what the tool prints, exits as it does, and
//! changes the kernel as it does. Each test creates its own network
//! namespace (run as root or through `cargo xtask test`).

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use nfnl::testutil::netns as support;

/// Runs `PROGRAM ARGS` in the test namespace: success and stdout.
fn run(program: &str, args: &str) -> (bool, String) {
    let mut cmd = support::command("sh");
    cmd.arg("-c").arg(format!("{program} {args}"));
    let out = support::output_within(cmd, support::COMMAND_TIMEOUT);
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

const OURS: &str = env!("CARGO_BIN_EXE_nfct");

/// The example and the tool agree on `args`: the same exit status and the
/// same stdout bytes. Returns the stdout.
#[track_caller]
fn same(args: &str) -> String {
    let (tool_ok, tool_out) = run("nfct", args);
    let (our_ok, our_out) = run(OURS, args);
    assert_eq!(our_out, tool_out, "stdout of `nfct {args}`");
    assert_eq!(our_ok, tool_ok, "exit status of `nfct {args}`");
    tool_out
}

/// True if the kernel has `nfnetlink_cttimeout`; otherwise records a skip.
fn have_cttimeout(test: &str) -> bool {
    let (ok, out) = support::sh_status("nfct list timeout");
    if !ok {
        support::skip(test, &format!("nfct list timeout fails: {out}"));
    }
    ok
}

const PROTOS: &[&str] = &[
    "tcp", "udp", "udplite", "icmp", "icmpv6", "gre", "sctp", "generic", "dccp",
];

#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn list_get_and_defaults_print_what_the_tool_prints() {
    let _ns = support::netns();
    if !have_cttimeout("list_get_and_defaults_print_what_the_tool_prints") {
        return;
    }
    assert_eq!(same("list timeout"), "", "nothing yet");
    for c in [
        "a-tcp inet tcp syn_sent 1 ESTABLISHED 3 unacknowledged 11",
        "a-udp inet6 udp unreplied 12 replied 13",
        "a-udplite inet udplite replied 14",
        "a-icmp inet icmp timeout 15",
        "a-icmpv6 inet6 icmpv6 timeout 16",
        "a-gre inet gre unreplied 17",
        "a-sctp inet6 sctp closed 19 shutdown_ack_sent 25",
        "a-generic inet generic timeout 26",
    ] {
        support::sh(&format!("nfct add timeout {c}"));
    }
    let list = same("list timeout");
    assert_eq!(list.matches(".l3proto").count(), 8, "{list}");
    for name in ["a-tcp", "a-sctp", "a-generic", "missing"] {
        same(&format!("get timeout {name}"));
    }
    for fam in ["inet", "inet6"] {
        for p in PROTOS {
            same(&format!("default-get timeout {fam} {p}"));
        }
    }
}

#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn changes_made_by_the_example_are_what_the_tool_sees() {
    let _ns = support::netns();
    if !have_cttimeout("changes_made_by_the_example_are_what_the_tool_sees") {
        return;
    }
    // add: the same policies as the tool would make, whoever made them.
    for (i, c) in [
        "inet tcp syn_sent 1 syn_recv 2 established 3 fin_wait 4 close_wait 5 last_ack 6 \
         time_wait 7 close 8 syn_sent2 9 retrans 10 unacknowledged 11",
        "inet6 udp UNREPLIED 12",
        "inet sctp cookie_wait 20 established 22",
        "inet generic timeout 26",
        "inet tcp established 5abc", // strtoul: 5
    ]
    .iter()
    .enumerate()
    {
        support::sh(&format!("nfct add timeout tool{i} {c}"));
        support::sh(&format!("{OURS} add timeout ours{i} {c}"));
        let tool = support::sh(&format!("nfct get timeout tool{i}"));
        let ours = support::sh(&format!("nfct get timeout ours{i}"));
        assert_eq!(
            ours.replacen(&format!("ours{i}"), "", 1),
            tool.replacen(&format!("tool{i}"), "", 1)
        );
    }
    // A name longer than 31 bytes is cut as the tool cuts it.
    let long = "n".repeat(40);
    support::sh(&format!("{OURS} add timeout {long} inet icmp timeout 3"));
    let (ok, _) = support::sh_status(&format!("nfct get timeout {}", &long[..31]));
    assert!(ok, "the 31-byte prefix names the policy");

    // Refusals: both fail, both print nothing.
    support::iptables("-t raw -A OUTPUT -p tcp -j CT --timeout tool0");
    for args in [
        "add timeout tool1 inet udp unreplied 1", // exists
        "delete timeout missing",
        "get timeout",
        "add timeout x ipv4 tcp established 1",
        "add timeout x inet foo established 1",
        "add timeout x inet sctp heartbeat_sent 1",
        "add timeout x inet tcp established",
        "add timeout x inet dccp request 1",
        "default-get timeout inet",
        "default-set timeout inet udp bogus 1",
        "list nothing",
    ] {
        let out = same(args);
        assert!(out.is_empty(), "`{args}` printed {out}");
        assert!(!run(OURS, args).0, "`{args}` must fail");
    }

    // A policy in use: refused to both (where the kernel refuses it).
    let (our_ok, our_out) = run(OURS, "delete timeout tool0");
    let in_use_refused = !our_ok;
    if in_use_refused {
        let (tool_ok, tool_out) = run("nfct", "delete timeout tool0");
        assert!(!tool_ok && tool_out.is_empty() && our_out.is_empty());
    } else {
        support::skip(
            "changes_made_by_the_example_are_what_the_tool_sees(in use)",
            "this kernel deletes a policy that a rule uses",
        );
    }

    // delete and flush by the example.
    support::sh(&format!("{OURS} delete timeout tool1"));
    assert!(!support::sh_status("nfct get timeout tool1").0);
    support::sh(&format!("{OURS} flush timeout"));
    let left = usize::from(in_use_refused);
    assert_eq!(
        same("list timeout").matches(".l3proto").count(),
        left,
        "tool0 is in use"
    );

    // default-set by the example: the tool reads it back.
    support::sh(&format!(
        "{OURS} default-set timeout inet udp unreplied 44 replied 55"
    ));
    let d = same("default-get timeout inet6 udp");
    assert!(d.contains(".UNREPLIED = 44,\n\t\t.REPLIED = 55,"), "{d}");
    support::sh(&format!("{OURS} default-set timeout inet6 tcp close 9"));
    let d = same("default-get timeout inet tcp");
    assert!(d.contains(".CLOSE = 9,"), "{d}");
}
