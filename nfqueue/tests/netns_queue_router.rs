//! Namespace tests for nfqueue in the router topology T1 (TEST-PLAN.md 5 and
//! 5.1): the test's own namespace is the router nsR, with a client nsC and a
//! server nsS (and a second server nsS2 where needed) joined to it by veth
//! pairs. Q3 on T1 (per-hook counts of forwarded and local ICMP), Q22 (VRF),
//! Q23 (SCTP), Q24 (NAT race of two unconfirmed conntracks), Q25 (UDP GRO
//! fraglist skbs keep their conntrack through software segmentation), Q26
//! (concurrent queues, reverse-order and bogus verdicts) and Q28 (bridge +
//! br_netfilter with conntrack flushes). Features this kernel lacks are
//! detected and the test skips with the reason.
//!
//! Run them with `cargo xtask test` (or as root: `cargo test -p nfnl-queue
//! --test netns_queue_router -- --ignored --test-threads=2`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cast_possible_truncation,
    missing_docs
)]

mod qsupport;
use nfnl::testutil::netns as support;
use nfnl_queue::{ErrorExt, Receive};
use qs::*;
use qsupport as qs;

use std::collections::HashMap;
use std::net::UdpSocket;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use nfnl_queue::{Error, Hook, ProtoFamily, Queue, QueueConfig, QueueFlags, RawPacketId, Verdict};
use support::PeerNetns;

// ---------------------------------------------------------------- T1

/// The T1 topology seen from the router (the test thread's namespace):
///
/// ```text
/// nsC eth0 10.0.1.2 dead:1::2 -- veth0 10.0.1.1 dead:1::1  (nsR)
///                                 veth1 10.0.2.1 dead:2::1 -- eth0 10.0.2.2 dead:2::2 nsS
///                                 veth2 10.0.3.1 dead:3::1 -- eth0 10.0.3.2 dead:3::2 nsS2
/// ```
///
/// Forwarding is on in nsR; the peers route everything via nsR.
struct T1 {
    c: PeerNetns,
    s: PeerNetns,
    s2: Option<PeerNetns>,
}

impl T1 {
    fn s2(&self) -> &PeerNetns {
        self.s2.as_ref().expect("built with nsS2")
    }
}

/// Builds T1 around the calling thread's namespace (call [`support::netns`]
/// first); `with_s2` adds nsS2.
fn t1(with_s2: bool) -> T1 {
    support::sh(
        "echo 1 > /proc/sys/net/ipv4/ip_forward && \
         echo 1 > /proc/sys/net/ipv6/conf/all/forwarding",
    );
    let c = leg("veth0", 1);
    let s = leg("veth1", 2);
    let s2 = with_s2.then(|| leg("veth2", 3));
    T1 { c, s, s2 }
}

/// One leg of T1: `router_if` here with 10.0.`net`.1 and dead:`net`::1, a new
/// namespace with eth0 10.0.`net`.2 and dead:`net`::2 and default routes via
/// the router.
fn leg(router_if: &str, net: u8) -> PeerNetns {
    let peer = support::peer_netns(
        router_if,
        &format!("10.0.{net}.1/24"),
        "eth0",
        &format!("10.0.{net}.2/24"),
    );
    support::sh(&format!(
        "ip addr add dead:{net}::1/64 dev {router_if} nodad"
    ));
    peer.sh(&format!(
        "ip addr add dead:{net}::2/64 dev eth0 nodad && \
         ip route add default via 10.0.{net}.1 && \
         ip -6 route add default via dead:{net}::1"
    ));
    // Wait until both families answer across the link (IPv6 may need a
    // moment after the addresses appear) and warm the neighbour caches, so
    // that the tests' own first packets are not delayed or lost.
    peer.sh(&format!(
        "for i in $(seq 50); do \
           ping -q -c 1 -W 1 10.0.{net}.1 >/dev/null && \
           ping -q -c 1 -W 1 dead:{net}::1 >/dev/null && exit 0; sleep 0.1; \
         done; exit 1"
    ));
    peer
}

// ---------------------------------------------------------------- helpers

/// What an accepting listener saw.
#[derive(Debug, Default)]
struct Seen {
    per_hook: HashMap<Hook, u32>,
    total: u64,
    /// Messages whose queue number was not the listener's.
    wrong_queue: u64,
    /// Address families seen.
    families: Vec<ProtoFamily>,
    /// Packets that carried `NFQA_IFINDEX_PHYSINDEV` (bridged).
    with_physindev: u64,
    /// Every error the listener got.
    errors: Vec<String>,
}

/// Serves `q` (bound to queue `num`) on a thread, accepting everything and
/// counting, until `stop`.
fn accept_counting(mut q: Queue, num: u16, stop: Arc<AtomicBool>) -> JoinHandle<Seen> {
    std::thread::spawn(move || {
        let mut seen = Seen::default();
        while !stop.load(Ordering::Relaxed) {
            match q.recv_timeout(Duration::from_millis(50)) {
                Ok(p) => {
                    seen.total += 1;
                    if p.queue() != num {
                        seen.wrong_queue += 1;
                    }
                    if !seen.families.contains(&p.family()) {
                        seen.families.push(p.family());
                    }
                    if p.physindev().is_some() {
                        seen.with_physindev += 1;
                    }
                    *seen.per_hook.entry(p.hook()).or_insert(0) += 1;
                    p.accept().unwrap();
                }
                Err(e) if e.is_timeout() => {}
                Err(e) => seen.errors.push(e.to_string()),
            }
        }
        q.flush().unwrap();
        seen
    })
}

/// The "N received" figure of a `ping` summary (0 if absent).
fn ping_received(out: &str) -> u32 {
    out.split([',', '\n'])
        .map(str::trim)
        .find_map(|part| part.strip_suffix(" received"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0)
}

/// Non-empty lines of `conntrack -L <args>` (one flow per line).
fn ct_flows(args: &str) -> Vec<String> {
    support::sh(&format!("conntrack -L {args}"))
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_owned)
        .collect()
}

/// `ip:port`, with brackets for IPv6.
fn sockaddr(ip: &str, port: u16) -> String {
    if ip.contains(':') {
        format!("[{ip}]:{port}")
    } else {
        format!("{ip}:{port}")
    }
}

/// IPv4 destination address of a queued IPv4 packet, dotted.
fn ipv4_daddr(payload: &[u8]) -> String {
    let d = &payload[16..20];
    format!("{}.{}.{}.{}", d[0], d[1], d[2], d[3])
}

// ---------------------------------------------------------------- Q3 on T1

/// Q3 on T1: mangle PREROUTING/INPUT/FORWARD/OUTPUT/POSTROUTING queue ICMP
/// echo to q0 and ICMPv6 echo to q1 (bypass), one listener per queue. One
/// ping nsC→nsS and one nsC→nsR per family: each listener sees PRE 3, IN 1,
/// FWD 2, OUT 1, POST 3 (10 in all, no duplicate after reinjection), every
/// message carries its own queue number, and q0 only sees IPv4, q1 only IPv6.
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn q03_t1_per_hook_counts_forwarded_and_local() {
    let _ns = support::netns();
    let t = t1(false);
    for chain in ["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"] {
        for ty in ["echo-request", "echo-reply"] {
            support::iptables(&format!(
                "-t mangle -A {chain} -p icmp --icmp-type {ty} \
                 -j NFQUEUE --queue-num 0 --queue-bypass"
            ));
            support::ip6tables(&format!(
                "-t mangle -A {chain} -p ipv6-icmp --icmpv6-type {ty} \
                 -j NFQUEUE --queue-num 1 --queue-bypass"
            ));
        }
    }
    let stop = Arc::new(AtomicBool::new(false));
    let l0 = accept_counting(open(QueueConfig::new(0)), 0, stop.clone());
    let l1 = accept_counting(open(QueueConfig::new(1)), 1, stop.clone());
    // Each ping returns only once its reply came back: every hook traversal
    // of both packets happened by then.
    for dst in ["10.0.2.2", "10.0.1.1", "dead:2::2", "dead:1::1"] {
        t.c.sh(&format!("ping -c 1 -W 2 {dst}"));
    }
    // Room for duplicates to show up.
    std::thread::sleep(Duration::from_millis(300));
    stop.store(true, Ordering::Relaxed);
    let want: HashMap<Hook, u32> = [
        (Hook::PreRouting, 3),
        (Hook::LocalIn, 1),
        (Hook::Forward, 2),
        (Hook::LocalOut, 1),
        (Hook::PostRouting, 3),
    ]
    .into_iter()
    .collect();
    for (seen, family) in [
        (l0.join().unwrap(), ProtoFamily::Ipv4),
        (l1.join().unwrap(), ProtoFamily::Ipv6),
    ] {
        assert!(seen.errors.is_empty(), "{:?}", seen.errors);
        assert_eq!(seen.wrong_queue, 0, "every message names its queue");
        assert_eq!(seen.families, [family]);
        assert_eq!(seen.per_hook, want, "family {family}");
        assert_eq!(seen.total, 10);
    }
}

// ---------------------------------------------------------------- Q22 VRF

/// Q22: a VRF `tvrf` with the veth enslaved; mangle OUTPUT and POSTROUTING
/// rules for `-o tvrf` and `-o veth0` queue ICMP echo requests to q1. A ping
/// bound to the VRF passes each of the 4 rules once, and the listener sees
/// 4 packets (the VRF device's pass and the real device's pass).
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn q22_vrf_output_and_postrouting_queue_both_devices() {
    const NAME: &str = "q22_vrf_output_and_postrouting_queue_both_devices";
    let _ns = support::netns();
    let (ok, why) = support::sh_status("ip link add tvrf type vrf table 10");
    if !ok {
        support::skip(
            NAME,
            &format!("no VRF support in this kernel (`ip link add tvrf type vrf`: {why})"),
        );
        return;
    }
    let _peer = support::peer_netns("veth0", "10.0.22.1/24", "eth0", "10.0.22.2/24");
    // Enslaving moves the connected route into table 10.
    support::sh("ip link set veth0 master tvrf && ip link set tvrf up");
    for chain in ["OUTPUT", "POSTROUTING"] {
        for dev in ["tvrf", "veth0"] {
            support::iptables(&format!(
                "-t mangle -A {chain} -o {dev} -p icmp --icmp-type echo-request \
                 -j NFQUEUE --queue-num 1"
            ));
        }
    }
    let stop = Arc::new(AtomicBool::new(false));
    let l = accept_counting(open(QueueConfig::new(1)), 1, stop.clone());
    support::sh("ping -c 1 -W 2 -I tvrf 10.0.22.2");
    std::thread::sleep(Duration::from_millis(200));
    stop.store(true, Ordering::Relaxed);
    let seen = l.join().unwrap();
    for chain in ["OUTPUT", "POSTROUTING"] {
        for rule in 1..=2 {
            assert_eq!(rule_pkts("mangle", chain, rule), 1, "{chain} rule {rule}");
        }
    }
    assert!(seen.errors.is_empty(), "{:?}", seen.errors);
    assert_eq!(seen.total, 4, "{:?}", seen.per_hook);
}

// ---------------------------------------------------------------- Q23 SCTP

/// Q23: SCTP through queues: on the router FORWARD `-p sctp` (both
/// directions of port 12345) → q10 without the GSO flag, in nsC OUTPUT →
/// q11; a 2 MB file sent nsC→nsS with socat arrives identical, and both
/// listeners saw packets.
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn q23_sctp_transfer_through_forward_and_output_queues() {
    const NAME: &str = "q23_sctp_transfer_through_forward_and_output_queues";
    let _ns = support::netns();
    // /proc/net/protocols lists the protocols that can be opened; SCTP
    // appears once the sctp module is loaded (or built in).
    let protocols = support::try_proc_net("protocols").unwrap_or_default();
    if !protocols.lines().any(|l| l.starts_with("SCTP ")) {
        support::skip(
            NAME,
            "no SCTP in this kernel (no SCTP line in /proc/net/protocols: socket(AF_INET, \
             SOCK_STREAM, IPPROTO_SCTP) gives EPROTONOSUPPORT)",
        );
        return;
    }
    if !have_tool("socat") {
        support::skip(NAME, "socat is not installed");
        return;
    }
    let t = t1(false);
    support::iptables("-A FORWARD -p sctp --dport 12345 -j NFQUEUE --queue-num 10");
    support::iptables("-A FORWARD -p sctp --sport 12345 -j NFQUEUE --queue-num 10");
    t.c.sh("iptables -A OUTPUT -p sctp --dport 12345 -j NFQUEUE --queue-num 11");
    let stop = Arc::new(AtomicBool::new(false));
    let fwd = accept_counting(open(QueueConfig::new(10)), 10, stop.clone());
    let q11 = t.c.run(|| open(QueueConfig::new(11)));
    let out = accept_counting(q11, 11, stop.clone());

    let dir = std::env::temp_dir().join(format!("nfq-q23-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let src = dir.join("src");
    let dst = dir.join("dst");
    let data: Vec<u8> = (0..2_000_000u32)
        .map(|i| (i * 31 + i / 997) as u8)
        .collect();
    std::fs::write(&src, &data).unwrap();
    let dst_s = dst.display().to_string();
    let server = t.s.spawn(move || {
        support::sh_status(&format!(
            "timeout 10 socat -u SCTP-LISTEN:12345,pf=ipv4 CREATE:{dst_s}"
        ))
    });
    // Retry the connect until the server listens (nothing is sent before
    // the association is up).
    t.c.sh(&format!(
        "for i in $(seq 50); do \
           timeout 10 socat -u OPEN:{} SCTP:10.0.2.2:12345 && exit 0; sleep 0.1; \
         done; exit 1",
        src.display()
    ));
    let (ok, text) = server.join().unwrap();
    assert!(ok, "server: {text}");
    stop.store(true, Ordering::Relaxed);
    let (fwd, out) = (fwd.join().unwrap(), out.join().unwrap());
    let got = std::fs::read(&dst).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        got == data,
        "file identical ({} of {} bytes)",
        got.len(),
        data.len()
    );
    assert!(fwd.errors.is_empty() && out.errors.is_empty());
    assert!(
        fwd.total > 0 && out.total > 0,
        "{} {}",
        fwd.total,
        out.total
    );
}

// ---------------------------------------------------------------- Q24 NAT race

/// Q24 (`test_udp_nat_race`): DNAT of 10.6.6.6:12345 alternates between nsS
/// and nsS2 (`statistic --mode nth`); mangle POSTROUTING queues the UDP to
/// q12. nsC sends two datagrams with the same 5-tuple; the listener holds
/// both, so both conntracks are still unconfirmed (confirmation comes after
/// the queue, at the end of POSTROUTING) and the second packet found no
/// entry: it got a conntrack of its own and the other server.
///
/// Kernel behaviour (observed on 6.18, as in `__nf_ct_resolve_clash_harder`):
/// when the verdicts come, the first packet's conntrack is confirmed; the
/// second one clashes on the original tuple with a different reply tuple.
/// UDP allows the clash, so the packet is *not* dropped: its conntrack is
/// inserted for the reply direction only (`IPS_NAT_CLASH`, 1 s timeout),
/// hidden from ctnetlink dumps. So each server gets exactly one datagram and
/// `conntrack -L` shows exactly one flow: the first packet's.
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn q24_nat_race_both_servers_get_one_and_one_flow_is_listed() {
    let _ns = support::netns();
    let t = t1(true);
    support::iptables(
        "-t nat -A PREROUTING -p udp -d 10.6.6.6 --dport 12345 \
         -m statistic --mode nth --every 2 --packet 0 -j DNAT --to-destination 10.0.2.2",
    );
    support::iptables(
        "-t nat -A PREROUTING -p udp -d 10.6.6.6 --dport 12345 \
         -j DNAT --to-destination 10.0.3.2",
    );
    support::iptables("-t mangle -A POSTROUTING -p udp --dport 12345 -j NFQUEUE --queue-num 12");
    let mut q = open(QueueConfig::new(12));
    let rx_s = t.s.run(|| support::udp_receiver("10.0.2.2:12345"));
    let rx_s2 = t.s2().run(|| support::udp_receiver("10.0.3.2:12345"));
    t.c.run(|| {
        let sock = UdpSocket::bind("0.0.0.0:55221").unwrap();
        sock.send_to(b"Packet 1", "10.6.6.6:12345").unwrap();
        sock.send_to(b"Packet 2", "10.6.6.6:12345").unwrap();
    });
    let mut held = Vec::new();
    for _ in 0..2 {
        let p = q.recv_timeout(T).unwrap();
        let payload = p.payload().unwrap();
        let daddr = ipv4_daddr(payload);
        let text = String::from_utf8_lossy(&payload[28..]).into_owned();
        held.push((daddr, text, p.hold()));
    }
    assert_eq!(held[0].1, "Packet 1");
    assert_eq!(held[1].1, "Packet 2");
    assert_ne!(
        held[0].0, held[1].0,
        "DNAT alternated: each packet got its own conntrack"
    );
    // Both held at once: both conntracks are unconfirmed. Release after a
    // delay, in order.
    std::thread::sleep(Duration::from_millis(300));
    let mut dests = Vec::new();
    for (daddr, text, h) in held {
        h.accept().unwrap();
        dests.push((daddr, text));
    }
    q.flush().unwrap();
    let got_s = support::udp_recv_within(&rx_s, 2, Duration::from_millis(1500));
    let got_s2 = support::udp_recv_within(&rx_s2, 2, Duration::from_millis(500));
    let to = |addr: &str| {
        let (_, text) = dests.iter().find(|(d, _)| d == addr).unwrap();
        vec![text.as_bytes().to_vec()]
    };
    assert_eq!(got_s, to("10.0.2.2"), "nsS gets exactly its datagram");
    assert_eq!(got_s2, to("10.0.3.2"), "nsS2 gets exactly its datagram");
    let flows = ct_flows("-p udp --dport 12345");
    println!("Q24: datagrams went to {dests:?}; flows listed: {flows:?}");
    assert_eq!(flows.len(), 1, "one flow listed: {flows:?}");
    // The survivor is the first confirmed: the first packet's, replying
    // from its DNAT destination.
    assert!(
        flows[0].contains(&format!("src={} dst=10.0.1.2", dests[0].0)),
        "the first packet's conntrack won: {} (first went to {})",
        flows[0],
        dests[0].0
    );
    assert!(
        q.recv_timeout(Duration::from_millis(200))
            .unwrap_err()
            .is_timeout(),
        "no verdict error"
    );
}

// ---------------------------------------------------------------- Q25 UDP GRO

/// Q25 (`test_udp_gro_ct`): UDP GRO (fraglist) on the router's veth0 builds
/// aggregates of a same-flow flood of 512-byte datagrams. raw PREROUTING
/// leaves untracked everything that is not an aggregate (length > 1000), so
/// only aggregates get a conntrack; mangle FORWARD marks unconfirmed ones
/// and queues them to q1 (no GSO flag: the kernel segments in software
/// before queueing; FAIL_OPEN so segments that do not fit the socket pass
/// instead of being lost); filter FORWARD counts mark 1 = what was
/// reinjected. (iptables has no table after mangle at POSTROUTING that sees
/// every packet, so the check runs at FORWARD, where conntracks are still
/// unconfirmed too.)
///
/// Expected: more packets reinjected than queued (segmentation), each
/// reinjected segment 512 + 28 bytes, and exactly one UDP flow in the table:
/// the segments kept their conntrack. Skips when GRO built no aggregate, or
/// when `ethtool` (needed to turn GRO on) is not installed.
///
/// NOTE(kernel): observed on 6.18 (kept as information, not asserted, as
/// the kernel selftest does not assert it either): the aggregates arriving
/// before the first verdict each get their own unconfirmed conntrack, so
/// about 1024 segments are queued (`id_sequence`), and the listener accepts
/// all of them, but only about two segments per aggregate reach the next
/// hook; the rest vanish after the ACCEPT verdict (the same with unmerged,
/// one-by-one verdicts; `conntrack -S` shows only `clash_resolve`, no
/// `drop` or `insert_failed`).
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn q25_udp_gro_aggregates_keep_conntrack_through_segmentation() {
    const NAME: &str = "q25_udp_gro_aggregates_keep_conntrack_through_segmentation";
    let _ns = support::netns();
    if !have_tool("ethtool") {
        support::skip(
            NAME,
            "ethtool is not installed (needed to turn on veth UDP GRO)",
        );
        return;
    }
    let t = t1(false);
    support::iptables(
        "-t raw -A PREROUTING -i veth0 -p udp -m length --length 1001:65535 -j ACCEPT",
    );
    support::iptables("-t raw -A PREROUTING -j CT --notrack");
    support::iptables(
        "-t mangle -A FORWARD -p udp --dport 12346 -m conntrack ! --ctstatus CONFIRMED \
         -j MARK --set-mark 1",
    );
    support::iptables(
        "-t mangle -A FORWARD -p udp --dport 12346 -m conntrack ! --ctstatus CONFIRMED \
         -j NFQUEUE --queue-num 1",
    );
    support::iptables("-A FORWARD -p udp --dport 12346 -m mark --mark 1");
    let (ok, why) = support::sh_status(
        "ethtool -K veth0 rx-udp-gro-forwarding on rx-gro-list on generic-receive-offload on",
    );
    if !ok {
        support::skip(NAME, &format!("cannot turn on UDP GRO on veth0: {why}"));
        return;
    }
    let stop = Arc::new(AtomicBool::new(false));
    let mut q = Queue::open().unwrap();
    let _ = q.socket().set_recv_buffer(4 << 20);
    q.bind(&QueueConfig::new(1).flags(QueueFlags::FAIL_OPEN))
        .unwrap();
    let listener = accept_counting(q, 1, stop.clone());
    let rx = t.s.run(|| support::udp_receiver("10.0.2.2:12346"));
    let drain = std::thread::spawn(move || support::udp_count_within(&rx, usize::MAX, T));
    // One flow (fixed source port), several senders on the same socket so
    // that datagrams pile up in veth0's NAPI ring and get aggregated.
    let sock = t.c.run(|| UdpSocket::bind("0.0.0.0:55221").unwrap());
    let senders: Vec<_> = (0..8)
        .map(|_| {
            let sock = sock.try_clone().unwrap();
            std::thread::spawn(move || {
                let buf = [0u8; 512];
                let end = Instant::now() + Duration::from_millis(1500);
                let mut sent = 0u64;
                while Instant::now() < end {
                    if sock.send_to(&buf, "10.0.2.2:12346").is_ok() {
                        sent += 1;
                    }
                }
                sent
            })
        })
        .collect();
    let sent: u64 = senders.into_iter().map(|h| h.join().unwrap()).sum();
    std::thread::sleep(Duration::from_millis(300));
    stop.store(true, Ordering::Relaxed);
    let seen = listener.join().unwrap();
    let delivered = drain.join().unwrap();
    let _ = support::sh_status("ethtool -K veth0 rx-udp-gro-forwarding off rx-gro-list off");
    let (queued, queued_bytes) = rule_counters("iptables", "mangle", "FORWARD", 2);
    let (reinjected, reinjected_bytes) = rule_counters("iptables", "filter", "FORWARD", 1);
    println!(
        "Q25: sent {sent}, delivered {delivered}, queued {queued} ({queued_bytes} B), \
         listener saw {}, reinjected {reinjected} ({reinjected_bytes} B)",
        seen.total
    );
    if queued == 0 {
        support::skip(NAME, "UDP GRO built no aggregate: nothing was queued");
        return;
    }
    assert!(seen.errors.is_empty(), "{:?}", seen.errors);
    // The kernel segments each aggregate before queueing (no GSO flag): the
    // listener sees more packets than the rule queued. (The selftest compares
    // with the reinjected count, whose margin is thin here: see NOTE above.)
    assert!(
        queued < seen.total,
        "software segmentation: {queued} queued, the listener saw {}",
        seen.total
    );
    assert!(reinjected > 0, "accepted segments go on to the next hook");
    assert_eq!(
        reinjected_bytes,
        reinjected * (512 + 28),
        "every reinjected packet is one 512-byte datagram"
    );
    let flows = ct_flows("-p udp --dport 12346");
    assert_eq!(
        flows.len(),
        1,
        "the aggregates kept their conntrack: {flows:?}"
    );
}

// ---------------------------------------------------------------- Q26 stress

/// What a reverse-order listener did.
#[derive(Debug, Default)]
struct Stress {
    packets: u64,
    bogus_sent: u64,
    enoent: u64,
    /// Every other error (must stay empty).
    other: Vec<String>,
}

/// A listener that buffers up to 16 packets and gives their verdicts in
/// reverse order, and sends `bogus` verdicts with ids the kernel never gave
/// out after each packet. Stops once `stop` is set and the queue is idle.
fn reverse_listener(mut q: Queue, bogus: u32, stop: Arc<AtomicBool>) -> JoinHandle<Stress> {
    std::thread::spawn(move || {
        let h = q.handle();
        let mut st = Stress::default();
        let mut buf: Vec<RawPacketId> = Vec::with_capacity(16);
        let release = |buf: &mut Vec<RawPacketId>| {
            for id in buf.drain(..).rev() {
                h.verdict(id, Verdict::Accept).unwrap();
            }
        };
        let mut stop_seen: Option<Instant> = None;
        loop {
            if stop_seen.is_none() && stop.load(Ordering::Relaxed) {
                stop_seen = Some(Instant::now());
            }
            match q.recv_timeout(Duration::from_millis(20)) {
                Ok(p) => {
                    let raw = p.into_raw();
                    st.packets += 1;
                    for _ in 0..bogus {
                        // Ids count up from 1 per queue: these were never given out.
                        let id = 0x8000_0000 | (st.bogus_sent as u32 & 0x7fff_ffff);
                        h.verdict(
                            RawPacketId {
                                queue: raw.queue,
                                id,
                            },
                            Verdict::Accept,
                        )
                        .unwrap();
                        st.bogus_sent += 1;
                    }
                    buf.push(raw);
                    if buf.len() >= 16 {
                        release(&mut buf);
                    }
                }
                Err(e) if e.is_timeout() => {
                    release(&mut buf);
                    if stop_seen.is_some() {
                        break;
                    }
                }
                Err(Error::Verdict { source, .. }) if source.errno() as i32 == ENOENT => {
                    st.enoent += 1
                }
                Err(e) => st.other.push(e.to_string()),
            }
            if stop_seen.is_some_and(|s| s.elapsed() > T) {
                release(&mut buf);
                break;
            }
        }
        // Collect the errors still on their way.
        q.flush().unwrap();
        loop {
            match q.recv_timeout(Duration::from_millis(100)) {
                Ok(p) => p.accept().unwrap(),
                Err(e) if e.is_timeout() => break,
                Err(Error::Verdict { source, .. }) if source.errno() as i32 == ENOENT => {
                    st.enoent += 1
                }
                Err(e) => st.other.push(e.to_string()),
            }
        }
        st
    })
}

/// Q26 (shortened to ~3 s): T1 + nsS2; FORWARD (v4 and v6) `--queue-balance
/// 0:7 --queue-bypass`; 8 listeners, one socket each, answer in reverse
/// order in batches of 16 and send 4 verdicts with never-issued ids per
/// packet; 4 fast pings (v4/v6 to nsS and nsS2) and 8 UDP floods run
/// meanwhile. Expected: the kernel stays untainted (checked by the netns
/// guard), every listener is still running at the end, every error a
/// listener saw is ENOENT (one per bogus verdict), every ping and every
/// flood got through, and a ping afterwards still passes.
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn q26_balanced_queues_reverse_and_bogus_verdicts_under_load() {
    let _ns = support::netns();
    let t = t1(true);
    support::iptables("-A FORWARD -j NFQUEUE --queue-balance 0:7 --queue-bypass");
    support::ip6tables("-A FORWARD -j NFQUEUE --queue-balance 0:7 --queue-bypass");
    let stop = Arc::new(AtomicBool::new(false));
    let listeners: Vec<_> = (0..8u16)
        .map(|n| {
            let mut q = Queue::open().unwrap();
            // Overflow is not what this test is about: let it pass.
            q.socket().set_no_enobufs(true).unwrap();
            let _ = q.socket().set_recv_buffer(1 << 20);
            q.bind(&QueueConfig::new(n).flags(QueueFlags::FAIL_OPEN))
                .unwrap();
            reverse_listener(q, 4, stop.clone())
        })
        .collect();

    let dests = ["10.0.2.2", "10.0.3.2", "dead:2::2", "dead:3::2"];
    // UDP receivers: flood i goes to dests[i % 4], port 6000 + i.
    let receivers: Vec<UdpSocket> = (0..8usize)
        .map(|i| {
            let peer = if i % 2 == 0 { &t.s } else { t.s2() };
            let addr = sockaddr(dests[i % 4], 6000 + i as u16);
            peer.run(move || support::udp_receiver(&addr))
        })
        .collect();
    let pings: Vec<_> = dests
        .iter()
        .map(|d| {
            let cmd = format!("ping -q -c 150 -i 0.01 -W 1 {d}");
            t.c.spawn(move || support::sh_status(&cmd))
        })
        .collect();
    let floods: Vec<_> = (0..8usize)
        .map(|i| {
            let addr = sockaddr(dests[i % 4], 6000 + i as u16);
            t.c.spawn(move || {
                let from = if addr.starts_with('[') {
                    "[::]:0"
                } else {
                    "0.0.0.0:0"
                };
                let sock = UdpSocket::bind(from).unwrap();
                let end = Instant::now() + Duration::from_millis(2500);
                let mut sent = 0u64;
                while Instant::now() < end {
                    for _ in 0..8 {
                        if sock.send_to(&[0x26u8; 1000], &addr).is_ok() {
                            sent += 1;
                        }
                    }
                    std::thread::sleep(Duration::from_micros(500));
                }
                sent
            })
        })
        .collect();
    for (d, p) in dests.iter().zip(pings) {
        let (_, out) = p.join().unwrap();
        assert!(ping_received(&out) > 0, "ping {d} got through:\n{out}");
    }
    let sent: Vec<u64> = floods.into_iter().map(|f| f.join().unwrap()).collect();
    for (i, rx) in receivers.iter().enumerate() {
        let n = support::udp_count_within(rx, usize::MAX, Duration::from_millis(300));
        assert!(
            n > 0,
            "flood {i} to {} got through ({} sent)",
            dests[i % 4],
            sent[i]
        );
    }
    // Still serving: a last ping each way passes through the queues.
    t.c.sh("ping -c 1 -W 2 10.0.3.2 && ping -c 1 -W 2 dead:2::2");
    assert!(
        listeners.iter().all(|l| !l.is_finished()),
        "every listener is still running"
    );
    stop.store(true, Ordering::Relaxed);
    let mut total = 0;
    for (n, l) in listeners.into_iter().enumerate() {
        let st = l.join().unwrap();
        assert!(
            st.other.is_empty(),
            "listener {n}: errors other than ENOENT: {:?}",
            st.other
        );
        assert!(
            st.enoent <= st.bogus_sent,
            "listener {n}: {} ENOENT for {} bogus verdicts",
            st.enoent,
            st.bogus_sent
        );
        if st.packets > 0 {
            assert!(
                st.enoent > 0,
                "listener {n}: bogus verdicts answered with ENOENT"
            );
        }
        total += st.packets;
    }
    assert!(total > 0);
}

// ---------------------------------------------------------------- Q28 bridge

/// Q28: a bridge with br_netfilter (`bridge-nf-call-iptables`): bridged
/// ICMP goes through iptables FORWARD → q0 (bypass), a listener accepts.
/// Two ports ping the broadcast address fast while the bridge namespace
/// flushes its conntrack table 5 times. Expected: untainted (netns guard),
/// the listener saw bridged packets (FORWARD, with a physical in-device) and
/// no error, and a unicast ping across the bridge still passes.
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn q28_bridge_netfilter_queue_survives_conntrack_flushes() {
    const NAME: &str = "q28_bridge_netfilter_queue_survives_conntrack_flushes";
    let _ns = support::netns();
    let (ok, why) = support::sh_status("ip link add br0 type bridge");
    if !ok {
        support::skip(NAME, &format!("no bridge support: {why}"));
        return;
    }
    let sysctl = "/proc/sys/net/bridge/bridge-nf-call-iptables";
    match std::fs::read_to_string(sysctl) {
        Err(e) => {
            support::skip(NAME, &format!("br_netfilter is not loaded ({sysctl}: {e})"));
            return;
        }
        Ok(v) if v.trim() != "1" => {
            if !support::sh_status(&format!("echo 1 > {sysctl}")).0 {
                support::skip(NAME, "cannot turn on bridge-nf-call-iptables");
                return;
            }
        }
        Ok(_) => {}
    }
    let a = support::peer_netns("vA", "10.0.99.1/32", "eth0", "10.0.28.2/24");
    let b = support::peer_netns("vB", "10.0.99.2/32", "eth0", "10.0.28.3/24");
    support::sh(
        "ip addr flush dev vA && ip addr flush dev vB && \
         ip link set vA master br0 && ip link set vB master br0 && \
         ip addr add 10.0.28.1/24 dev br0 && ip link set br0 up",
    );
    for p in [&a, &b] {
        p.sh("echo 0 > /proc/sys/net/ipv4/icmp_echo_ignore_broadcasts");
    }
    support::iptables("-A FORWARD -m conntrack --ctstate NEW,ESTABLISHED,RELATED");
    support::iptables("-A FORWARD -p icmp -j NFQUEUE --queue-num 0 --queue-bypass");
    let stop = Arc::new(AtomicBool::new(false));
    let l = accept_counting(open(QueueConfig::new(0)), 0, stop.clone());
    let floods: Vec<_> = [&a, &b]
        .iter()
        .map(|p| p.spawn(|| support::sh_status("ping -q -b -c 150 -i 0.01 -W 1 10.0.28.255")))
        .collect();
    for _ in 0..5 {
        std::thread::sleep(Duration::from_millis(150));
        support::sh("conntrack -F");
    }
    for f in floods {
        let (_, out) = f.join().unwrap();
        assert!(ping_received(&out) > 0, "broadcast ping answered:\n{out}");
    }
    a.sh("ping -c 1 -W 2 10.0.28.3");
    std::thread::sleep(Duration::from_millis(200));
    assert!(!l.is_finished(), "listener still running");
    stop.store(true, Ordering::Relaxed);
    let seen = l.join().unwrap();
    assert!(seen.errors.is_empty(), "{:?}", seen.errors);
    assert!(seen.total > 0);
    assert_eq!(
        seen.per_hook.keys().copied().collect::<Vec<_>>(),
        [Hook::Forward]
    );
    assert_eq!(
        seen.with_physindev, seen.total,
        "bridged packets carry the port"
    );
    assert!(rule_pkts("filter", "FORWARD", 2) >= seen.total);
}
