//! Smoke tests for the namespace test support (`nfnl::testutil::netns`): each test really
//! gets its own network namespace and the command helpers act on it. (The subsystem crates'
//! own oracles are checked in their tests: the conntrack tool in nfconntrack's, the `/proc`
//! queue file in nfqueue's.)
//!
//! Run with `cargo xtask test` (as root or as an ordinary user); plain `cargo test` ignores
//! them.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use nfnl::testutil::netns as support;

use std::sync::{Condvar, Mutex};
use std::time::Duration;

/// Chains installed so far by the two ruleset tests, for their rendezvous.
static INSTALLED: Mutex<Vec<&'static str>> = Mutex::new(Vec::new());
/// Signalled whenever [`INSTALLED`] grows.
static INSTALLED_CV: Condvar = Condvar::new();

/// Installs chain `mine`, waits (up to 10 s) until the other test installed `other` in its own
/// namespace, then checks that only `mine` is visible here. With `--test-threads=1` the other
/// test never runs concurrently; the wait then just times out and the check still holds.
fn ruleset_is_private(mine: &'static str, other: &'static str) {
    let ns = support::netns();
    support::iptables(&format!("-N {mine}"));
    support::iptables(&format!("-A {mine} -p udp --dport 9 -j DROP"));
    support::iptables(&format!("-A INPUT -j {mine}"));

    let mut installed = INSTALLED.lock().unwrap();
    installed.push(mine);
    INSTALLED_CV.notify_all();
    let (installed, _) = INSTALLED_CV
        .wait_timeout_while(installed, Duration::from_secs(10), |v| !v.contains(&other))
        .unwrap();
    let both_alive = installed.contains(&other);
    drop(installed);

    let rules = support::iptables("-S");
    assert!(
        rules.contains(&format!("-N {mine}")),
        "own chain missing:\n{rules}"
    );
    assert!(
        !rules.contains(other),
        "saw the other test's chain {other}:\n{rules}"
    );
    assert_ne!(support::current_netns(), "", "namespace id");
    assert_eq!(support::current_netns(), ns.id());
    if both_alive {
        println!("{mine}: the other namespace existed at the same time and stayed invisible");
    }
}

#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn rulesets_are_private_a() {
    ruleset_is_private("SMOKE_A", "SMOKE_B");
}

#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn rulesets_are_private_b() {
    ruleset_is_private("SMOKE_B", "SMOKE_A");
}

#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn fresh_netns_has_only_lo_and_an_empty_ruleset() {
    let _ns = support::netns();
    let links = support::sh("ip -o link show");
    assert_eq!(links.lines().count(), 1, "expected only lo:\n{links}");
    assert!(
        links.contains("lo:") && links.contains("UP"),
        "lo not up:\n{links}"
    );
    let rules = support::iptables("-S");
    assert_eq!(
        rules.lines().filter(|l| l.starts_with("-A")).count(),
        0,
        "rules:\n{rules}"
    );
    assert!(support::proc_net("dev").contains("lo:"));
    support::sh("ping -c 1 -W 2 127.0.0.1");
}

#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn threads_spawned_later_share_the_namespace() {
    let ns = support::netns();
    let id = ns.id().to_string();
    let seen = std::thread::spawn(support::current_netns).join().unwrap();
    assert_eq!(seen, id);
    // A helper thread may use the command helpers too.
    let rules = std::thread::spawn(|| support::iptables("-S"))
        .join()
        .unwrap();
    assert!(rules.contains("-P INPUT ACCEPT"));
}

#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn peer_netns_over_veth() {
    let _ns = support::netns();
    let peer = support::peer_netns("veth0", "10.0.1.1/24", "eth0", "10.0.1.2/24");
    assert_ne!(peer.id(), support::current_netns());
    assert!(peer.sh("ip -o link show").contains("eth0@"));

    // IPv4 over the veth, both directions.
    support::sh("ping -c 1 -W 2 10.0.1.2");
    peer.sh("ping -c 1 -W 2 10.0.1.1");

    // A socket created in the peer sends to a socket created here.
    let rx = support::udp_receiver("10.0.1.1:5000");
    peer.run(|| {
        for i in 0..3u8 {
            support::udp_send("10.0.1.1:5000", &[i]);
        }
    });
    assert_eq!(support::udp_count_within(&rx, 3, Duration::from_secs(2)), 3);

    // A server running in the peer, reached over TCP from here.
    let listener = peer.run(|| support::tcp_listener("10.0.1.2:0"));
    let addr = listener.local_addr().unwrap();
    let server = support::tcp_echo_once(listener);
    let mut stream = support::tcp_connect(&addr.to_string(), Duration::from_secs(5)).unwrap();
    std::io::Write::write_all(&mut stream, b"ping").unwrap();
    let mut back = [0u8; 4];
    std::io::Read::read_exact(&mut stream, &mut back).unwrap();
    assert_eq!(&back, b"ping");
    drop(stream);
    assert_eq!(server.join().unwrap(), 4);

    // The peer has its own ruleset, and nsenter reaches it through path().
    peer.sh("iptables -N PEER_ONLY");
    assert!(!support::iptables("-S").contains("PEER_ONLY"));
    let via_nsenter = support::sh(&format!("nsenter --net={} iptables -S", peer.path()));
    assert!(via_nsenter.contains("-N PEER_ONLY"), "{via_nsenter}");

    // IPv6 (nodad) works too.
    support::sh("ip addr add fd00:1::1/64 dev veth0 nodad");
    peer.sh("ip addr add fd00:1::2/64 dev eth0 nodad");
    support::wait_until(
        Duration::from_secs(5),
        "IPv6 reachability over veth",
        || support::sh_status("ping -6 -c 1 -W 1 fd00:1::2").0,
    );
}

#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn command_helpers_refuse_the_original_namespace() {
    // No support::netns() here: the helpers must refuse to touch the host.
    let refused = std::panic::catch_unwind(|| support::iptables("-S"));
    assert!(refused.is_err());
}

#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn proc_and_wait_helpers() {
    let _ns = support::netns();
    // iptables talks nfnetlink but exits: no bound netfilter socket is left behind.
    support::iptables("-S");
    assert_eq!(support::netfilter_socket_portids(), Vec::<u32>::new());

    support::wait_until(Duration::from_millis(50), "trivially true", || true);
    let timed_out = std::panic::catch_unwind(|| {
        support::wait_until(Duration::from_millis(30), "never", || false);
    });
    assert!(timed_out.is_err());
}
