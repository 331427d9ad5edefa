//! Namespace tests for nfqueue: hook traversal, requeueing, payload length
//! changes and faults (TEST-PLAN.md 5.1 Q4, Q8, Q12b, Q20 and 5.5 X2, X3,
//! X9, X11, X12), all in one namespace over loopback.
//!
//! Listeners that must be stopped or killed from outside (Q20, X2) run in a
//! child process: this test binary itself, started on the hidden
//! `helper_faults_listener` test, which talks to the parent on stdout
//! (`READY <portid>`, `HELD <id>`, `IDLE <accepted> <overruns>`), so no
//! readiness check needs the `/proc` queue file.
//!
//! Run with `cargo xtask test` (or as root: `cargo test -p nfnl-queue --test
//! netns_queue_faults -- --ignored --test-threads=2`).
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

use std::collections::{BTreeSet, HashMap};
use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use nfnl_queue::{Hook, Queue, QueueConfig, RawPacketId, Verdict};
use nix::sys::signal::Signal;
use nix::unistd::Pid;

// ---------------------------------------------------------------- helpers

/// Sends datagram number `seq` (a be32 and padding: 64 bytes).
fn send_seq(port: u16, seq: u32) {
    let mut b = [0x5au8; 64];
    b[..4].copy_from_slice(&seq.to_be_bytes());
    send(port, &b);
}

/// `orig` (an IPv4/UDP packet) with its UDP data replaced by `data`: new
/// `tot_len`, header checksum, UDP length and UDP checksum.
fn with_udp4_data(orig: &[u8], data: &[u8]) -> Vec<u8> {
    let ihl = usize::from(orig[0] & 0x0f) * 4;
    let mut p = orig[..ihl + 8].to_vec();
    p.extend_from_slice(data);
    let tot = p.len() as u16;
    p[2..4].copy_from_slice(&tot.to_be_bytes());
    let c = ip4_header_checksum(&p[..ihl]);
    p[10..12].copy_from_slice(&c.to_be_bytes());
    p[ihl + 4..ihl + 6].copy_from_slice(&((8 + data.len()) as u16).to_be_bytes());
    let c = udp4_checksum(&p);
    p[ihl + 6..ihl + 8].copy_from_slice(&c.to_be_bytes());
    p
}

/// A UDP receiver draining its socket on a thread (so a burst never
/// overflows it), recording the sequence numbers of [`send_seq`].
struct Collector {
    got: Arc<Mutex<Vec<u32>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Collector {
    fn new(port: u16) -> Self {
        let sock = udp_rx(port);
        sock.set_read_timeout(Some(Duration::from_millis(50)))
            .unwrap();
        let got = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (g, s) = (got.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            let mut buf = [0u8; 2048];
            while !s.load(Ordering::Relaxed) {
                if let Ok(n) = sock.recv(&mut buf) {
                    if n >= 4 {
                        let seq = u32::from_be_bytes([buf[0], buf[1], buf[2], buf[3]]);
                        g.lock().unwrap().push(seq);
                    }
                }
            }
        });
        Collector {
            got,
            stop,
            thread: Some(thread),
        }
    }

    fn len(&self) -> usize {
        self.got.lock().unwrap().len()
    }

    /// Waits (at most `d`) until `n` datagrams arrived; false on timeout.
    fn wait_for(&self, n: usize, d: Duration) -> bool {
        let start = Instant::now();
        while self.len() < n {
            if start.elapsed() >= d {
                return false;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        true
    }

    /// Waits until nothing new arrived for `quiet` (at most `d`).
    fn settle(&self, quiet: Duration, d: Duration) {
        let start = Instant::now();
        let mut last = (self.len(), Instant::now());
        while start.elapsed() < d {
            std::thread::sleep(Duration::from_millis(20));
            let n = self.len();
            if n != last.0 {
                last = (n, Instant::now());
            } else if last.1.elapsed() >= quiet {
                return;
            }
        }
    }

    fn finish(mut self) -> Vec<u32> {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            t.join().unwrap();
        }
        std::mem::take(&mut *self.got.lock().unwrap())
    }
}

impl Drop for Collector {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

// ---------------------------------------------------------------- the helper process

/// Longest life of a helper process (it exits by itself after this, so a
/// crashed parent leaves nothing behind).
const HELPER_LIFETIME: Duration = Duration::from_secs(20);

/// Helper process for Q20 and X2 (does nothing unless `NFQ_FAULTS_HELPER`
/// is set). Mode `hold`: binds the queue, holds every packet and prints
/// `HELD <id>`. Mode `accept`: accepts every packet and, after each 500 ms
/// without traffic that follows some activity, prints
/// `IDLE <accepted> <overruns>`. Both print `READY <portid>` once bound.
#[test]
#[ignore = "helper process, started by q20 and x2"]
fn helper_faults_listener() {
    let Ok(mode) = std::env::var("NFQ_FAULTS_HELPER") else {
        return;
    };
    let num: u16 = std::env::var("NFQ_FAULTS_QUEUE").unwrap().parse().unwrap();
    let mut q = Queue::open().unwrap();
    if let Ok(b) = std::env::var("NFQ_FAULTS_RCVBUF") {
        q.socket().set_recv_buffer(b.parse().unwrap()).unwrap();
    }
    q.bind(&QueueConfig::new(num)).unwrap();
    println!("READY {}", q.socket().port_id());
    let start = Instant::now();
    let mut held = Vec::new();
    let (mut accepted, mut overruns, mut dirty) = (0u64, 0u64, false);
    let mut last = Instant::now();
    while start.elapsed() < HELPER_LIFETIME {
        match q.recv_timeout(Duration::from_millis(100)) {
            Ok(p) if mode == "hold" => {
                println!("HELD {}", p.id());
                held.push(p.hold());
            }
            Ok(p) => {
                p.accept().unwrap();
                accepted += 1;
                dirty = true;
                last = Instant::now();
            }
            Err(e) if e.is_overrun() => {
                overruns += 1;
                dirty = true;
                last = Instant::now();
            }
            Err(e) if e.is_timeout() => {
                if dirty && last.elapsed() >= Duration::from_millis(500) {
                    println!("IDLE {accepted} {overruns}");
                    dirty = false;
                }
            }
            Err(e) => {
                println!("ERROR {e}");
                return;
            }
        }
    }
}

/// A helper process in the calling thread's namespace, killed when dropped.
struct Helper {
    child: Child,
    lines: mpsc::Receiver<String>,
}

impl Helper {
    fn spawn(mode: &str, queue: u16, rcvbuf: Option<usize>) -> Helper {
        let mut cmd = Command::new(std::env::current_exe().unwrap());
        cmd.args([
            "--exact",
            "helper_faults_listener",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("NFQ_FAULTS_HELPER", mode)
        .env("NFQ_FAULTS_QUEUE", queue.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .process_group(0);
        if let Some(b) = rcvbuf {
            cmd.env("NFQ_FAULTS_RCVBUF", b.to_string());
        }
        let mut child = cmd.spawn().unwrap();
        let out = child.stdout.take().unwrap();
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Helper { child, lines }
    }

    /// What follows `prefix` on the next line that has it (others are
    /// skipped), within `d`.
    fn line(&self, prefix: &str, d: Duration) -> String {
        let deadline = Instant::now() + d;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(l) if l.contains("ERROR ") => panic!("helper: {l}"),
                // libtest's "test helper_faults_listener ... " has no newline:
                // the first line of the helper follows it.
                Ok(l) => {
                    if let Some((_, rest)) = l.split_once(&format!("{prefix} ")) {
                        return rest.trim().to_string();
                    }
                }
                Err(e) => panic!("no `{prefix}` line from the helper within {d:?}: {e}"),
            }
        }
    }

    fn signal(&self, s: Signal) {
        nix::sys::signal::kill(Pid::from_raw(self.child.id() as i32), s).unwrap();
    }

    /// Waits until every thread of the helper is stopped (state `T` in
    /// `/proc/<pid>/task/*/stat`): a SIGSTOP takes effect asynchronously.
    fn wait_stopped(&self) {
        let dir = format!("/proc/{}/task", self.child.id());
        support::wait_until(T, "the helper stopped", || {
            let Ok(tasks) = std::fs::read_dir(&dir) else {
                return false;
            };
            tasks.flatten().all(|t| {
                std::fs::read_to_string(t.path().join("stat"))
                    .ok()
                    .and_then(|st| {
                        let (_, rest) = st.rsplit_once(')')?;
                        rest.split_whitespace().next().map(|state| state == "T")
                    })
                    .unwrap_or(false)
            })
        });
    }

    fn kill_and_wait(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Helper {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---------------------------------------------------------------- Q4

/// Q4 (loopback version of the T1 scenario): mangle PRE/IN/OUT/POST plus
/// filter IN/OUT all queue UDP, IPv4 to queue 0 and IPv6 to queue 1. Every
/// datagram is queued once per rule (OUTPUT and INPUT twice: mangle, then
/// filter), as reinjection resumes at the next hook entry: no duplicates.
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn q04_mangle_and_filter_rules_each_queue_once() {
    let _ns = support::netns();
    let v6 = support::sh("ip -6 addr show dev lo").contains("::1");
    let mut families = vec![("iptables", 0u16, 2u8)];
    if v6 {
        families.push(("ip6tables", 1, 10));
    } else {
        support::skip(
            "q04_mangle_and_filter_rules_each_queue_once (IPv6 part)",
            "no ::1 on lo (IPv6 disabled)",
        );
    }
    for &(cmd, num, _) in &families {
        for chain in ["PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"] {
            support::sh(&format!(
                "{cmd} -t mangle -A {chain} -p udp --dport 5004 -j NFQUEUE --queue-num {num} --queue-bypass"
            ));
        }
        for chain in ["INPUT", "OUTPUT"] {
            support::sh(&format!(
                "{cmd} -A {chain} -p udp --dport 5004 -j NFQUEUE --queue-num {num} --queue-bypass"
            ));
        }
    }
    let mut q = open(QueueConfig::new(0));
    q.bind(&QueueConfig::new(1)).unwrap();
    q.set_default_verdict(Verdict::Accept);
    let rx4 = udp_rx(5004);
    let rx6 = v6.then(|| support::udp_receiver("[::1]:5004"));
    for _ in 0..3 {
        send(5004, b"hooks4");
        if v6 {
            support::udp_send("[::1]:5004", b"hooks6");
        }
    }
    let mut per: HashMap<(u16, Hook), u32> = HashMap::new();
    for _ in 0..6 * 3 * families.len() {
        let p = next(&mut q);
        let want_queue = if p.family() == nfnl_queue::ProtoFamily::Ipv4 {
            0
        } else {
            1
        };
        assert_eq!(p.queue(), want_queue, "family {}", p.family());
        *per.entry((p.queue(), p.hook())).or_insert(0) += 1;
        p.accept().unwrap();
    }
    q.flush().unwrap();
    match q.recv_timeout(SHORT) {
        Err(e) if e.is_timeout() => {}
        Ok(p) => panic!("a duplicate: packet {} at {:?}", p.id(), p.hook()),
        Err(e) => panic!("{e}"),
    }
    for &(cmd, num, _) in &families {
        for (hook, n) in [
            (Hook::LocalOut, 6),
            (Hook::PostRouting, 3),
            (Hook::PreRouting, 3),
            (Hook::LocalIn, 6),
        ] {
            assert_eq!(per.get(&(num, hook)), Some(&n), "queue {num}: {per:?}");
        }
        for chain in ["PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"] {
            assert_eq!(
                rule_counters(cmd, "mangle", chain, 1).0,
                3,
                "{cmd} mangle {chain}"
            );
        }
        for chain in ["INPUT", "OUTPUT"] {
            assert_eq!(
                rule_counters(cmd, "filter", chain, 1).0,
                3,
                "{cmd} filter {chain}"
            );
        }
    }
    assert_eq!(count(&rx4, 3, T), 3);
    if let Some(rx6) = rx6 {
        assert_eq!(count(&rx6, 3, T), 3);
    }
}

// ---------------------------------------------------------------- Q8

/// Serves `q` on a thread until `stop`, counting packets per hook; each
/// packet gets `verdict` after `delay`. Panics on a packet of another queue.
fn count_hooks(
    mut q: Queue,
    queue: u16,
    delay: Duration,
    verdict: Verdict,
    stop: Arc<AtomicBool>,
) -> JoinHandle<HashMap<Hook, u32>> {
    std::thread::spawn(move || {
        let mut per = HashMap::new();
        while !stop.load(Ordering::Relaxed) {
            match q.recv_timeout(Duration::from_millis(50)) {
                Ok(p) => {
                    assert_eq!(p.queue(), queue);
                    *per.entry(p.hook()).or_insert(0) += 1;
                    std::thread::sleep(delay);
                    p.verdict(verdict).unwrap();
                }
                Err(e) if e.is_timeout() => {}
                Err(e) => panic!("queue {queue}: {e}"),
            }
            q.flush().unwrap();
        }
        per
    })
}

/// Q8: OUTPUT and POSTROUTING queue rate-limited TCP to queue 0; listener A
/// requeues each packet to queue 1 (with the bypass flag) after 150 ms;
/// listener B accepts. The transfer completes and B sees exactly the
/// packets A requeued, at the same hooks.
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn q08_requeue_to_another_listener_after_a_delay() {
    let _ns = support::netns();
    for chain in ["OUTPUT", "POSTROUTING"] {
        support::iptables(&format!(
            "-t mangle -A {chain} -p tcp --dport 12345 -m limit --limit 1/s --limit-burst 1 \
             -j NFQUEUE --queue-num 0"
        ));
    }
    let stop_a = Arc::new(AtomicBool::new(false));
    let stop_b = Arc::new(AtomicBool::new(false));
    let a = count_hooks(
        open(QueueConfig::new(0)),
        0,
        Duration::from_millis(150),
        Verdict::Queue {
            num: 1,
            bypass: true,
        },
        stop_a.clone(),
    );
    let b = count_hooks(
        open(QueueConfig::new(1)),
        1,
        Duration::ZERO,
        Verdict::Accept,
        stop_b.clone(),
    );

    let data: Vec<u8> = (0..640_000u32).map(|i| (i % 251) as u8).collect();
    // Ten chunks over about two seconds, so the 1/s limits let more than
    // the handshake through.
    echo_transfer(
        support::tcp_listener("127.0.0.1:12345"),
        &data,
        64_000,
        Duration::from_millis(200),
    );

    stop_a.store(true, Ordering::Relaxed);
    let per_a = a.join().unwrap();
    let total_a: u32 = per_a.values().sum();
    // A sent each verdict before it stopped, and the kernel requeued the
    // packet to B while handling it: B only has to read what is there.
    std::thread::sleep(SHORT);
    stop_b.store(true, Ordering::Relaxed);
    let per_b = b.join().unwrap();
    assert!(
        per_a.get(&Hook::LocalOut).copied().unwrap_or(0) >= 1
            && per_a.get(&Hook::PostRouting).copied().unwrap_or(0) >= 1,
        "the SYN is queued at both hooks: {per_a:?}"
    );
    assert!(total_a >= 2, "{per_a:?}");
    println!("q08: A {per_a:?}, B {per_b:?}");
    assert_eq!(per_a, per_b, "B sees what A requeued, at the same hooks");
}

// ---------------------------------------------------------------- Q12b

/// Q12b: the listener grows and shrinks UDP payloads (new IPv4 tot_len and
/// header checksum, new UDP length and checksum); the receiver gets the new
/// lengths and bytes, an empty datagram included. A wrong UDP checksum is
/// caught by the receiving stack: the datagram is lost, proving the
/// checksums are really checked on the way. In a userns-owned netns a
/// kernel that drops payload changes there (Q12d) makes it skip.
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn q12b_payload_grows_and_shrinks() {
    let _ns = support::netns();
    support::iptables("-A OUTPUT -p udp --dport 5212 -j NFQUEUE --queue-num 0");
    let mut q = open(QueueConfig::new(0));
    let rx = udp_rx(5212);
    let grown: Vec<u8> = (0..1200u32).map(|i| (i * 13 % 256) as u8).collect();
    let cases: [(&[u8], &[u8]); 4] = [
        (b"hello", &grown),
        (&[b'L'; 300], b"tiny"),
        (b"to be emptied", b""),
        (b"", b"out of nothing"),
    ];
    for (orig, new) in cases {
        send(5212, orig);
        let p = next(&mut q);
        let old = p.payload().unwrap().to_vec();
        assert_eq!(old.len(), 28 + orig.len());
        let pkt = with_udp4_data(&old, new);
        assert_eq!(pkt.len(), 28 + new.len());
        p.verdict(Verdict::Accept.payload(&pkt)).unwrap();
        q.flush().unwrap();
        let got = support::udp_recv_within(&rx, 1, T);
        if got.is_empty() && !support::in_init_userns() {
            // Q12d: newer kernels drop payload changes made in a netns
            // owned by a user namespace.
            support::skip(
                "q12b_payload_grows_and_shrinks",
                "this kernel drops payload changes made in a userns-owned netns",
            );
            return;
        }
        assert_eq!(
            got,
            vec![new.to_vec()],
            "{} bytes became {}",
            orig.len(),
            new.len()
        );
    }
    // Control: a consistent IP header but a wrong UDP checksum is dropped by
    // the receiver's stack, so the cases above really had correct checksums.
    send(5212, b"hello");
    let p = next(&mut q);
    let mut pkt = with_udp4_data(p.payload().unwrap(), b"bad checksum");
    pkt[26] ^= 0x55;
    p.verdict(Verdict::Accept.payload(&pkt)).unwrap();
    q.flush().unwrap();
    assert_eq!(count(&rx, 1, SHORT), 0, "wrong UDP checksum: dropped");
    assert_quiet(&mut q, "no verdict error");
}

// ---------------------------------------------------------------- Q20

/// Q20 (`test_queue_removal` of nft_queue.sh, 30 s shortened to about 1 s):
/// a listener process holds a flood of pings, is killed, then the ruleset is
/// flushed. The kernel stays untainted, the killed listener's socket and
/// queue are gone (a new listener binds the queue; it would get EPERM if the
/// old instance survived), and pings pass without the rules.
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn q20_killed_listener_holding_pings_then_ruleset_flushed() {
    let _ns = support::netns();
    let tainted_before = support::tainted();
    support::iptables("-A OUTPUT -p icmp -j NFQUEUE --queue-num 0");
    let mut helper = Helper::spawn("hold", 0, None);
    let portid: u32 = helper.line("READY", T * 3).parse().unwrap();
    assert!(support::netfilter_socket_portids().contains(&portid));
    let (_, out) = support::sh_status("ping -f -c 10 -W 1 127.0.0.1");
    assert!(out.contains("10 packets transmitted"), "{out}");
    assert!(out.contains(" 0 received"), "held, so no reply: {out}");
    let mut ids = BTreeSet::new();
    for _ in 0..10 {
        ids.insert(helper.line("HELD", T));
    }
    assert_eq!(ids.len(), 10);
    if proc_readable() {
        assert_eq!(stats(0).unwrap().waiting, 10);
    }
    helper.kill_and_wait();
    support::sh("nft flush ruleset");
    support::wait_until(T, "the killed listener's socket is gone", || {
        !support::netfilter_socket_portids().contains(&portid)
    });
    if let Some(bound) = qs::queue_bound(0) {
        assert!(!bound, "queue 0 is gone");
    }
    let q = open(QueueConfig::new(0));
    support::sh("ping -c 1 -W 2 127.0.0.1");
    q.close().unwrap();
    if tainted_before == 0 {
        assert_eq!(support::tainted(), 0, "kernel tainted (see dmesg)");
    }
}

/// Q20, other order: the ruleset is flushed while a live listener still
/// holds the pings. Unregistering the hooks flushes every queued packet of
/// the namespace (`nf_queue_nf_hook_drop`): the late verdicts fail with
/// ENOENT for exactly those ids, nothing is delivered, and the queue stays
/// bound and usable.
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn q20b_ruleset_flushed_while_packets_are_held() {
    let _ns = support::netns();
    let tainted_before = support::tainted();
    support::iptables("-A OUTPUT -p icmp -j NFQUEUE --queue-num 0");
    let mut q = open(QueueConfig::new(0));
    let (_, out) = support::sh_status("ping -f -c 10 -W 1 127.0.0.1");
    assert!(out.contains("10 packets transmitted"), "{out}");
    let held: Vec<_> = (0..10).map(|_| next(&mut q).hold()).collect();
    let mut ids: Vec<u32> = held.iter().map(nfnl_queue::HeldPacket::id).collect();
    if proc_readable() {
        assert_eq!(stats(0).unwrap().waiting, 10);
    }
    support::sh("nft flush ruleset");
    if proc_readable() {
        assert_eq!(stats(0).unwrap().waiting, 0, "flushed at hook removal");
    }
    for h in held {
        h.accept().unwrap();
    }
    let mut refused: Vec<u32> = verdict_errors(&mut q, 10)
        .into_iter()
        .map(|(queue, id, errno)| {
            assert_eq!((queue, errno), (Some(0), ENOENT));
            id
        })
        .collect();
    refused.sort_unstable();
    ids.sort_unstable();
    assert_eq!(refused, ids);
    // Still bound: new rules queue to it again.
    support::iptables("-A OUTPUT -p udp --dport 5220 -j NFQUEUE --queue-num 0");
    let rx = udp_rx(5220);
    send(5220, b"after the flush");
    next(&mut q).accept().unwrap();
    q.flush().unwrap();
    assert_eq!(count(&rx, 1, T), 1);
    if tainted_before == 0 {
        assert_eq!(support::tainted(), 0, "kernel tainted (see dmesg)");
    }
}

// ---------------------------------------------------------------- X2

/// Parses `IDLE <accepted> <overruns>`.
fn idle_counts(line: &str) -> (usize, usize) {
    let mut f = line.split_whitespace().map(|w| w.parse::<usize>().unwrap());
    (f.next().unwrap(), f.next().unwrap())
}

/// X2: the listener process is stopped (SIGSTOP) for 1.5 s while 400
/// datagrams are queued to it, then continued. Its small socket buffer
/// overflows once: the backlog is drained, every accepted datagram arrives
/// exactly once, nothing stays queued, the overrun is reported at most once
/// (exactly once when the kernel counted user drops), and traffic after it
/// flows normally without a second report. With `/proc` readable the
/// figures add up: sent = accepted + queue_dropped + queue_user_dropped.
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn x02_stopped_listener_drains_backlog_after_sigcont() {
    let _ns = support::netns();
    support::iptables("-A OUTPUT -p udp --dport 5302 -j NFQUEUE --queue-num 0");
    let col = Collector::new(5302);
    let helper = Helper::spawn("accept", 0, Some(65536));
    helper.line("READY", T * 3);
    for s in 0..20 {
        send_seq(5302, s);
    }
    assert_eq!(idle_counts(&helper.line("IDLE", T)), (20, 0));
    assert!(col.wait_for(20, T), "warm-up delivered");

    helper.signal(Signal::SIGSTOP);
    helper.wait_stopped();
    let stopped = Instant::now();
    for s in 20..420 {
        send_seq(5302, s);
    }
    std::thread::sleep(Duration::from_millis(1500).saturating_sub(stopped.elapsed()));
    assert_eq!(
        col.len(),
        20,
        "nothing passes while the listener is stopped"
    );
    let readable = proc_readable();
    if readable {
        let s = stats(0).unwrap();
        assert!(s.waiting > 0, "held in the kernel meanwhile: {s:?}");
        assert!(s.user_dropped > 0, "the small buffer overflowed: {s:?}");
    }
    helper.signal(Signal::SIGCONT);
    let (accepted, overruns) = idle_counts(&helper.line("IDLE", T));
    assert!(col.wait_for(accepted, T), "every accepted datagram arrives");
    assert!(overruns <= 1, "overrun reported {overruns} times");

    // Traffic after the episode flows, without another report.
    for s in 420..440 {
        send_seq(5302, s);
    }
    let (accepted2, overruns2) = idle_counts(&helper.line("IDLE", T));
    assert_eq!((accepted2, overruns2), (accepted + 20, overruns));
    assert!(col.wait_for(accepted2, T));
    col.settle(Duration::from_millis(200), T);
    println!("x02: accepted {accepted2}, overruns {overruns}");
    if readable {
        let s = stats(0).unwrap();
        println!("x02: {s:?}");
        assert_eq!(s.waiting, 0, "no stuck ids: {s:?}");
        assert_eq!(
            440,
            accepted2 + s.dropped as usize + s.user_dropped as usize,
            "every datagram accepted or counted as dropped: {s:?}"
        );
        assert_eq!(overruns, usize::from(s.user_dropped > 0), "{s:?}");
    } else {
        support::skip(
            "x02_stopped_listener_drains_backlog_after_sigcont (drop accounting)",
            "nfnetlink_queue /proc file unreadable (userns)",
        );
    }
    let got = col.finish();
    let unique: BTreeSet<u32> = got.iter().copied().collect();
    assert_eq!(unique.len(), got.len(), "no duplicates");
    assert_eq!(got.len(), accepted2, "delivered = accepted");
    assert!((0..20).chain(420..440).all(|s| unique.contains(&s)));
    assert!(accepted2 > 40, "part of the backlog was kept: {accepted2}");
}

// ---------------------------------------------------------------- X3

/// X3: a consumer that takes 1 ms per packet under a UDP flood (1.5 s, at
/// most 30000 datagrams) with a small socket buffer: the kernel drops what
/// does not fit (`queue_user_dropped` grows), the library reports the
/// overrun and keeps running: every accepted datagram arrives, traffic
/// after the flood flows, and the figures add up.
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn x03_slow_consumer_under_flood_keeps_running() {
    let _ns = support::netns();
    support::iptables("-A OUTPUT -p udp --dport 5303 -j NFQUEUE --queue-num 0");
    let mut q = Queue::open().unwrap();
    q.socket().set_recv_buffer(65536).unwrap();
    q.bind(&QueueConfig::new(0)).unwrap();
    let col = Collector::new(5303);
    let stop = Arc::new(AtomicBool::new(false));
    let stop2 = stop.clone();
    let consumer = std::thread::spawn(move || {
        let (mut accepted, mut overruns, mut other) = (0usize, 0usize, Vec::new());
        let mut quiet_since: Option<Instant> = None;
        loop {
            match q.recv_timeout(Duration::from_millis(50)) {
                Ok(p) => {
                    quiet_since = None;
                    std::thread::sleep(Duration::from_millis(1));
                    p.accept().unwrap();
                    accepted += 1;
                }
                Err(e) if e.is_overrun() => overruns += 1,
                Err(e) if e.is_timeout() => {
                    let since = *quiet_since.get_or_insert_with(Instant::now);
                    if stop2.load(Ordering::Relaxed) && since.elapsed() >= SHORT {
                        break;
                    }
                }
                Err(e) if e.is_recoverable() => other.push(e.to_string()),
                Err(e) => panic!("fatal: {e}"),
            }
        }
        (accepted, overruns, other)
    });
    let start = Instant::now();
    let mut sent = 0u32;
    while start.elapsed() < Duration::from_millis(1500) && sent < 30_000 {
        send_seq(5303, sent);
        sent += 1;
    }
    // Let the consumer drain what the kernel kept, then some more traffic.
    col.settle(Duration::from_millis(300), Duration::from_secs(3));
    let after: Vec<u32> = (sent..sent + 5).collect();
    for &s in &after {
        send_seq(5303, s);
        std::thread::sleep(Duration::from_millis(5));
    }
    sent += 5;
    col.settle(Duration::from_millis(300), T);
    let figures = proc_readable().then(|| stats(0).unwrap());
    stop.store(true, Ordering::Relaxed);
    let (accepted, overruns, other) = consumer.join().unwrap();
    let got = col.finish();
    println!("x03: sent {sent}, accepted {accepted}, overruns {overruns}, {figures:?}");
    let unique: BTreeSet<u32> = got.iter().copied().collect();
    assert!(other.is_empty(), "unexpected errors: {other:?}");
    assert_eq!(unique.len(), got.len(), "no duplicates");
    assert_eq!(got.len(), accepted, "every accepted datagram arrives");
    assert!(
        after.iter().all(|s| unique.contains(s)),
        "traffic after the flood flows"
    );
    assert!(
        (accepted as u32) < sent,
        "the slow consumer could not take all {sent}: {accepted}"
    );
    assert!(overruns >= 1, "overrun reported");
    match figures {
        Some(s) => {
            assert!(s.user_dropped > 0, "queue_user_dropped grows: {s:?}");
            assert_eq!(s.waiting, 0, "{s:?}");
            assert_eq!(
                sent as usize,
                accepted + s.dropped as usize + s.user_dropped as usize,
                "{s:?}"
            );
        }
        None => support::skip(
            "x03_slow_consumer_under_flood_keeps_running (queue_user_dropped)",
            "nfnetlink_queue /proc file unreadable (userns)",
        ),
    }
}

// ---------------------------------------------------------------- X9

static SIGNALS: AtomicUsize = AtomicUsize::new(0);

extern "C" fn on_sigusr1(_: nix::libc::c_int) {
    SIGNALS.fetch_add(1, Ordering::Relaxed);
}

/// Installs a counting SIGUSR1 handler without `SA_RESTART`, so interrupted
/// system calls fail with EINTR.
#[allow(unsafe_code)]
fn install_sigusr1_handler() {
    use nix::sys::signal::{sigaction, SaFlags, SigAction, SigHandler, SigSet};
    let act = SigAction::new(
        SigHandler::Handler(on_sigusr1),
        SaFlags::empty(),
        SigSet::empty(),
    );
    // SAFETY: the handler only increments an atomic (async-signal-safe).
    unsafe { sigaction(Signal::SIGUSR1, &act) }.unwrap();
}

/// X9: a storm of signals (every 100 µs, handler without SA_RESTART) at the
/// listener thread while it receives and sends verdicts (one `sendmsg` per
/// verdict: batched ones with a batch of 1, and held ones sent at once): no
/// verdict is lost (all 500 datagrams arrive) and no error surfaces.
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn x09_signal_storm_loses_no_verdict() {
    let _ns = support::netns();
    install_sigusr1_handler();
    support::iptables("-A OUTPUT -p udp --dport 5309 -j NFQUEUE --queue-num 0");
    let mut q = open(QueueConfig::new(0));
    q.set_verdict_batch(1);
    let col = Collector::new(5309);
    let stop = Arc::new(AtomicBool::new(false));
    let stop_l = stop.clone();
    let (tid_tx, tid_rx) = mpsc::channel();
    let listener = std::thread::spawn(move || {
        tid_tx.send(nix::sys::pthread::pthread_self()).unwrap();
        let (mut accepted, mut errors) = (0usize, Vec::new());
        loop {
            match q.recv_timeout(Duration::from_millis(100)) {
                Ok(p) => {
                    if p.id() % 2 == 0 {
                        p.accept().unwrap();
                    } else {
                        p.hold().accept().unwrap();
                    }
                    accepted += 1;
                }
                Err(e) if e.is_timeout() => {
                    if stop_l.load(Ordering::Relaxed) {
                        break;
                    }
                }
                Err(e) => errors.push(e.to_string()),
            }
        }
        (accepted, errors)
    });
    let tid = tid_rx.recv_timeout(T).unwrap();
    let storm_stop = Arc::new(AtomicBool::new(false));
    let storm_stop2 = storm_stop.clone();
    let signals_before = SIGNALS.load(Ordering::Relaxed);
    let storm = std::thread::spawn(move || {
        let mut sent = 0usize;
        while !storm_stop2.load(Ordering::Relaxed) {
            if nix::sys::pthread::pthread_kill(tid, Signal::SIGUSR1).is_ok() {
                sent += 1;
            }
            std::thread::sleep(Duration::from_micros(100));
        }
        sent
    });
    // About a second of traffic, so the storm meets every kind of call.
    for s in 0..500 {
        send_seq(5309, s);
        std::thread::sleep(Duration::from_millis(2));
    }
    let all = col.wait_for(500, Duration::from_secs(5));
    // Stop the storm before the listener thread ends (its id must stay valid).
    storm_stop.store(true, Ordering::Relaxed);
    let storm_sent = storm.join().unwrap();
    stop.store(true, Ordering::Relaxed);
    let (accepted, errors) = listener.join().unwrap();
    let handled = SIGNALS.load(Ordering::Relaxed) - signals_before;
    let got = col.finish();
    println!("x09: {storm_sent} signals sent, {handled} handled");
    assert!(errors.is_empty(), "errors surfaced: {errors:?}");
    assert!(all, "only {} of 500 datagrams arrived", got.len());
    assert_eq!(accepted, 500);
    assert_eq!(got.iter().copied().collect::<BTreeSet<_>>().len(), 500);
    assert!(
        storm_sent > 100 && handled > 100,
        "the storm hit: {storm_sent} sent, {handled} handled"
    );
}

// ---------------------------------------------------------------- X11 / X12

/// X11: a second verdict for the same packet id (possible only through the
/// raw API) fails with ENOENT for that id and queue, whatever it says: the
/// first verdict decided (a late Drop does not take back an Accept). Also
/// for a held packet verdicted through its handle, then raw.
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn x11_second_verdict_for_an_id_is_enoent() {
    let _ns = support::netns();
    support::iptables("-A OUTPUT -p udp --dport 5311 -j NFQUEUE --queue-num 0");
    let mut q = open(QueueConfig::new(0));
    let rx = udp_rx(5311);
    for b in [b"a", b"b", b"c"] {
        send(5311, b);
    }
    let a = next(&mut q).into_raw();
    let b = next(&mut q).into_raw();
    let c = next(&mut q).hold();
    let c_id = RawPacketId {
        queue: c.queue(),
        id: c.id(),
    };
    let h = q.handle();
    h.verdict(a, Verdict::Accept).unwrap();
    h.verdict(a, Verdict::Accept).unwrap();
    h.verdict(b, Verdict::Accept).unwrap();
    h.verdict(b, Verdict::Drop).unwrap();
    c.accept().unwrap();
    h.verdict(c_id, Verdict::Drop).unwrap();
    let errs = verdict_errors(&mut q, 3);
    assert_eq!(
        errs,
        vec![
            (Some(0), a.id, ENOENT),
            (Some(0), b.id, ENOENT),
            (Some(0), c_id.id, ENOENT)
        ]
    );
    assert_eq!(
        support::udp_recv_within(&rx, 3, T),
        vec![b"a".to_vec(), b"b".to_vec(), b"c".to_vec()],
        "each delivered once, by its first verdict"
    );
    assert_eq!(count(&rx, 1, SHORT), 0, "no duplicate");
    assert_quiet(&mut q, "one error per extra verdict");
}

/// X12: verdicts with byte-swapped packet ids (the fwknop #381 shape) fail
/// with ENOENT naming the swapped id; the real packets stay queued
/// (`queue_total` grows to 5) and nothing is delivered, until they get
/// verdicts with their real ids. The queue is 5 long, so the health check
/// flags it saturated meanwhile.
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn x12_byte_swapped_ids_leave_the_packets_queued() {
    let _ns = support::netns();
    support::iptables("-A OUTPUT -p udp --dport 5312 -j NFQUEUE --queue-num 0");
    let mut q = open(QueueConfig::new(0).max_len(5));
    let rx = udp_rx(5312);
    for i in 0..5u8 {
        send(5312, &[i]);
    }
    let ids: Vec<RawPacketId> = (0..5).map(|_| next(&mut q).into_raw()).collect();
    let h = q.handle();
    for p in &ids {
        let swapped = p.id.swap_bytes();
        assert!(ids.iter().all(|o| o.id != swapped), "{swapped} is queued");
        h.verdict(
            RawPacketId {
                queue: p.queue,
                id: swapped,
            },
            Verdict::Accept,
        )
        .unwrap();
    }
    let errs = verdict_errors(&mut q, 5);
    let want: Vec<_> = ids
        .iter()
        .map(|p| (Some(0), p.id.swap_bytes(), ENOENT))
        .collect();
    assert_eq!(errs, want);
    assert_eq!(count(&rx, 1, SHORT), 0, "still queued");
    if proc_readable() {
        let full = stats(0).unwrap();
        assert_eq!(full.waiting, 5, "queue_total grew");
        assert!(full.is_saturated(5));
    } else {
        support::skip(
            "x12_byte_swapped_ids_leave_the_packets_queued (queue_total)",
            "nfnetlink_queue /proc file unreadable (userns)",
        );
    }
    for p in &ids {
        h.verdict(*p, Verdict::Accept).unwrap();
    }
    assert_eq!(
        support::udp_recv_within(&rx, 5, T),
        (0..5u8).map(|i| vec![i]).collect::<Vec<_>>()
    );
    if proc_readable() {
        let drained = stats(0).unwrap();
        assert_eq!(drained.waiting, 0);
        assert!(!drained.is_saturated(5));
    }
    assert_quiet(&mut q, "the real ids were accepted without error");
}

// ---------------------------------------------------------------- the queue's end

/// Closing or dropping a `Queue` while packets are held elsewhere (and one
/// is still unread) gives every one of them the queue's default verdict
/// before the socket closes: with Accept the held pings are answered, with
/// Drop none is; a held packet's verdict afterwards reports `Closed`.
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn x13_packets_still_out_get_the_default_verdict_when_the_queue_ends() {
    let _ns = support::netns();
    support::iptables("-A OUTPUT -p icmp --icmp-type echo-request -j NFQUEUE --queue-num 0");
    for (default, close, answered) in [
        (Verdict::Accept, true, 4),
        (Verdict::Accept, false, 4),
        (Verdict::Drop, true, 0),
        (Verdict::Drop, false, 0),
    ] {
        let mut q = open(QueueConfig::new(0));
        q.set_default_verdict(default);
        let ping = Command::new("ping")
            .args(["-n", "-c", "4", "-i", "0.2", "-W", "3", "127.0.0.1"])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        // Three held here, the fourth queued but not read.
        let held: Vec<_> = (0..3).map(|_| next(&mut q).hold()).collect();
        if proc_readable() {
            support::wait_until(T, "the fourth ping is queued", || {
                stats(0).is_some_and(|s| s.waiting == 4)
            });
        } else {
            // it leaves 0.6 s after the first
            std::thread::sleep(Duration::from_secs(1));
        }
        if close {
            q.close().unwrap();
        } else {
            drop(q);
        }
        let out = String::from_utf8(ping.wait_with_output().unwrap().stdout).unwrap();
        let replies = out.matches("bytes from").count();
        assert_eq!(
            replies, answered,
            "default {default:?}, close {close}: {out}"
        );
        for h in held {
            assert!(matches!(h.accept(), Err(nfnl_queue::Error::Closed)));
        }
    }
}
