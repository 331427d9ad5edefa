//! Namespace test of the `nfqueue` example program: the pcap file it
//! writes (`-w`) read back by tcpdump.
//!
//! Run it with `cargo xtask test -- nfqueue`.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use nfnl::testutil::netns as support;

use std::io::{BufRead, BufReader, Read};
use std::process::Stdio;
use std::sync::mpsc;
use std::time::Duration;

const T: Duration = Duration::from_secs(10);

#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn nfqueue_example_pcap_is_read_back_by_tcpdump() {
    const NAME: &str = "nfqueue_example_pcap_is_read_back_by_tcpdump";
    let _ns = support::netns();
    support::iptables("-A OUTPUT -p icmp --icmp-type echo-request -j NFQUEUE --queue-num 42");
    let file = std::env::temp_dir().join(format!("nfqueue-pcap-{}.pcap", std::process::id()));
    let mut cmd = support::command(env!("CARGO_BIN_EXE_nfqueue"));
    cmd.args(["42", "--count", "2", "-w", file.to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    // Bound once it says so on stderr (the queue's /proc file is not readable in a user
    // namespace); the rest of stderr is kept for the failure message.
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        let mut lines = BufReader::new(stderr);
        let mut first = String::new();
        let _ = lines.read_line(&mut first);
        let _ = tx.send(first.clone());
        let mut rest = String::new();
        let _ = lines.read_to_string(&mut rest);
        first + &rest
    });
    let first = rx.recv_timeout(T).unwrap_or_default();
    if !first.contains("listening on queue 42") {
        let _ = child.kill();
        let _ = child.wait();
        panic!(
            "the nfqueue example did not bind: {first}{}",
            reader.join().unwrap()
        );
    }
    support::sh("ping -c 2 -i 0.2 -W 3 127.0.0.2");
    let (tx, rx) = mpsc::channel();
    let pid = nix::unistd::Pid::from_raw(i32::try_from(child.id()).unwrap());
    std::thread::spawn(move || tx.send(child.wait_with_output()));
    let out = match rx.recv_timeout(T) {
        Ok(out) => out.unwrap(),
        Err(_) => {
            let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGKILL);
            panic!("the nfqueue example did not finish within {T:?}");
        }
    };
    let stderr = reader.join().unwrap();
    assert!(out.status.success(), "{stderr}");
    let printed = String::from_utf8_lossy(&out.stdout);
    assert_eq!(printed.lines().count(), 2, "{printed}");
    let read = support::tcpdump_read(&file, &[]);
    std::fs::remove_file(&file).unwrap();
    let Some(read) = read else {
        support::skip(NAME, "tcpdump is not installed");
        return;
    };
    let lines: Vec<&str> = read.stdout.lines().collect();
    assert_eq!(
        lines.len(),
        2,
        "tcpdump read:\n{}\nstderr:\n{}",
        read.stdout,
        read.stderr
    );
    for (line, seq) in lines.iter().zip([1, 2]) {
        assert!(
            line.contains("IP 127.0.0.1 > 127.0.0.2: ICMP echo request, id ")
                && line.contains(&format!(", seq {seq}, length 64")),
            "{line}\nstderr:\n{}",
            read.stderr
        );
    }
}
