//! Namespace tests of the `nflog` example program: its lines, the pcap
//! file it writes read back by tcpdump, and its error without privileges.
//!
//! Run them with `cargo xtask test -- nflog`.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use nfnl::testutil::netns as support;

use std::process::{Child, Stdio};
use std::time::Duration;

const T: Duration = Duration::from_secs(10);

/// Starts the example with `args`, from this thread (so in its namespace).
fn start(args: &[&str]) -> Child {
    let mut cmd = support::command(env!("CARGO_BIN_EXE_nflog"));
    cmd.args(args).stdout(Stdio::piped()).stderr(Stdio::piped());
    cmd.spawn().unwrap()
}

/// Waits for the child to exit and returns its stdout and stderr.
fn finish(child: Child) -> (bool, String, String) {
    let (tx, rx) = std::sync::mpsc::channel();
    let pid = child.id();
    std::thread::spawn(move || tx.send(child.wait_with_output()));
    match rx.recv_timeout(T) {
        Ok(Ok(out)) => (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        ),
        _ => {
            let _ = nix::sys::signal::kill(
                nix::unistd::Pid::from_raw(i32::try_from(pid).unwrap()),
                nix::sys::signal::Signal::SIGKILL,
            );
            panic!("the nflog example did not finish within {T:?}");
        }
    }
}

#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn nflog_example_pcap_is_read_back_by_tcpdump() {
    let _ns = support::netns();
    support::iptables(
        "-A OUTPUT -p udp --dport 40001:40003 -j NFLOG --nflog-group 7 --nflog-prefix pcap",
    );
    let dir = std::env::temp_dir().join(format!("nflog-pcap-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("log.pcap");
    let child = start(&["7", "--count", "3", "-w", file.to_str().unwrap()]);
    support::wait_until(T, "group 7 bound by the example", || {
        nfnl_log::health::group(7).unwrap().is_some()
    });
    for (port, data) in [(40001, &b"a"[..]), (40002, b"bb"), (40003, b"ccc")] {
        support::udp_send(&format!("127.0.0.1:{port}"), data);
    }
    let (ok, stdout, stderr) = finish(child);
    assert!(ok, "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    for (line, (port, len)) in lines.iter().zip([(40001, 29), (40002, 30), (40003, 31)]) {
        assert!(
            line.starts_with("group=7 prefix=\"pcap\" hook=OUTPUT in=- out=lo udp 127.0.0.1:"),
            "{line}"
        );
        assert!(
            line.contains(&format!(" -> 127.0.0.1:{port} len={len}")),
            "{line}"
        );
    }
    let read = support::tcpdump_read(&file, &[]);
    std::fs::remove_dir_all(&dir).unwrap();
    let Some(read) = read else {
        support::skip(
            "nflog_example_pcap_is_read_back_by_tcpdump",
            "tcpdump is not installed",
        );
        return;
    };
    let got: Vec<&str> = read.stdout.lines().collect();
    assert_eq!(
        got.len(),
        3,
        "tcpdump read:\n{}\nstderr:\n{}",
        read.stdout,
        read.stderr
    );
    for (line, (port, len)) in got.iter().zip([(40001, 1), (40002, 2), (40003, 3)]) {
        assert!(
            line.contains(" IP 127.0.0.1."),
            "{line}\nstderr:\n{}",
            read.stderr
        );
        assert!(
            line.ends_with(&format!("> 127.0.0.1.{port}: UDP, length {len}")),
            "{line}\nstderr:\n{}",
            read.stderr
        );
    }
}
