//! Namespace tests of the `nfacct` example program against the `nfacct`
//! tool: the same commands, run once with each in a fresh namespace with the
//! same rules and pings, print the same bytes and exit alike; refusals name
//! the object.
//!
//! Run them with `cargo xtask test -- nfacct`.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use nfnl::testutil::netns as support;

use std::time::Duration;

const T: Duration = Duration::from_secs(10);
const OURS: &str = env!("CARGO_BIN_EXE_nfacct");
/// The tool, found on `PATH` (with the sbin directories).
const TOOL: &str = "nfacct";

/// What one run printed.
#[derive(Debug, PartialEq, Eq)]
struct Run {
    cmd: String,
    code: Option<i32>,
    stdout: Vec<u8>,
}

/// Runs `prog` with `args` (a shell word list) in this thread's namespace;
/// returns what it printed, and its stderr apart.
fn run(prog: &str, args: &str) -> (Run, String) {
    let mut cmd = support::command(prog);
    cmd.args(args.split_whitespace());
    let out = support::output_within(cmd, T);
    (
        Run {
            cmd: args.to_string(),
            code: out.status.code(),
            stdout: out.stdout,
        },
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// True if the tool is installed; otherwise records a skip of `test`.
fn have_tool(test: &str) -> bool {
    match support::command(TOOL).arg("version").output() {
        Ok(o) if o.status.success() => true,
        _ => {
            support::skip(
                test,
                "the nfacct tool is not installed (apt-get install nfacct)",
            );
            false
        }
    }
}

/// The scenario, in a fresh namespace, with `prog` doing every nfacct
/// command: objects with and without quotas (quotas spelled as the tool
/// reads them), rules counting echo requests into three of them, three
/// pings, then listings, gets, resets, a delete, a flush and refusals.
fn scenario(prog: &'static str) -> Vec<(Run, String)> {
    std::thread::spawn(move || {
        let _ns = support::netns();
        let mut runs = Vec::new();
        let mut nfacct = |args: &str| runs.push(run(prog, args));
        for add in [
            "add web",
            "add cap byte 252",
            "add pk packet 2",
            "add odd byte 12abc",
            "add neg packet -1",
            "add big byte 99999999999999999999999",
            "add unused",
        ] {
            nfacct(add);
        }
        for name in ["web", "cap", "pk"] {
            support::iptables(&format!(
                "-A OUTPUT -p icmp --icmp-type echo-request -m nfacct --nfacct-name {name}"
            ));
        }
        support::sh("ping -n -q -c 3 -i 0.01 127.0.0.1");
        for cmd in [
            "list",
            "get web",
            "get cap",
            "get cap reset",
            "get cap",
            "list reset",
            "list",
            "delete odd",
            "delete web",
            "delete nope",
            "get nope",
            "add web",
            "flush",
            "list",
        ] {
            nfacct(cmd);
        }
        runs
    })
    .join()
    .unwrap()
}

#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn nfacct_example_prints_what_the_tool_prints() {
    if !have_tool("nfacct_example_prints_what_the_tool_prints") {
        return;
    }
    let tool = scenario(TOOL);
    let ours = scenario(OURS);
    assert_eq!(tool.len(), ours.len());
    for ((t, t_err), (o, o_err)) in tool.iter().zip(&ours) {
        assert_eq!(
            o,
            t,
            "`nfacct {}` differs:\n--- tool\n{}{t_err}--- ours\n{}{o_err}",
            t.cmd,
            String::from_utf8_lossy(&t.stdout),
            String::from_utf8_lossy(&o.stdout)
        );
    }
    // The scenario shows what it should: counters, quotas, over-quota, resets.
    let out = |cmd: &str| {
        let r = &ours.iter().find(|(r, _)| r.cmd == cmd).unwrap().0;
        String::from_utf8(r.stdout.clone()).unwrap()
    };
    assert_eq!(
        out("get web"),
        "{ pkts = 00000000000000000003, bytes = 00000000000000000252 } = web;\n"
    );
    assert_eq!(
        out("get cap reset"),
        "{ pkts = 00000000000000000003, bytes = 00000000000000000252, quota = \
         00000000000000000252, mode = byte, overquota = yes } = cap;\n"
    );
    let first_list = out("list");
    assert!(first_list.contains("quota = 00000000000000000012, mode = byte"));
    assert!(first_list.contains("quota = 18446744073709551615, mode = packet"));
    assert!(
        first_list.contains("quota = 18446744073709551615, mode = byte, overquota = no } = big;")
    );
    // flush kept the objects the rules use, and only those.
    let last = &ours.last().unwrap().0;
    let names: Vec<&str> = std::str::from_utf8(&last.stdout)
        .unwrap()
        .lines()
        .map(|l| l.rsplit(" = ").next().unwrap())
        .collect();
    assert_eq!(names, ["web;", "cap;", "pk;"]);
}

#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn nfacct_example_refusals_name_the_object() {
    if !have_tool("nfacct_example_refusals_name_the_object") {
        return;
    }
    let _ns = support::netns();
    let (r, err) = run(OURS, "add web");
    assert_eq!((r.code, err.as_str()), (Some(0), ""));
    support::iptables("-A OUTPUT -m nfacct --nfacct-name web");
    let (tool, tool_err) = run(TOOL, "delete web");
    let (ours, ours_err) = run(OURS, "delete web");
    assert_eq!((ours.code, &ours.stdout), (tool.code, &tool.stdout));
    assert_eq!(ours.code, Some(1));
    assert!(tool_err.contains("Device or resource busy"), "{tool_err}");
    assert!(
        ours_err.starts_with("nfacct: delete nfacct \"web\": in use"),
        "{ours_err}"
    );
    let (r, err) = run(OURS, "add web");
    assert_eq!(r.code, Some(1));
    assert_eq!(
        err,
        "nfacct: create nfacct \"web\": an object with this name exists\n"
    );
    let (r, err) = run(OURS, "get gone");
    assert_eq!(r.code, Some(1));
    assert_eq!(err, "nfacct: get nfacct \"gone\": no such object\n");
    // Still there, as the tool sees it; objects made by either program are
    // listed identically by both.
    let (r, _) = run(TOOL, "add tool-made packet 9");
    assert_eq!(r.code, Some(0));
    let (r, _) = run(OURS, "add ours-made byte 9");
    assert_eq!(r.code, Some(0));
    let (theirs, _) = run(TOOL, "list");
    let (ours, _) = run(OURS, "list");
    let theirs = String::from_utf8(theirs.stdout).unwrap();
    assert_eq!(String::from_utf8(ours.stdout).unwrap(), theirs);
    let names: Vec<&str> = theirs
        .lines()
        .filter_map(|l| l.rsplit(" = ").next())
        .collect();
    assert_eq!(names, ["web;", "tool-made;", "ours-made;"]);
}
