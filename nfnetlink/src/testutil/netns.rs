//! Helpers for the namespace integration tests (`tests/netns_*.rs` in every crate). Plain std +
//! nix, no other dependency. Tests usually import it as `support`:
//!
//! ```ignore
//! use nfnl::testutil::netns as support;
//! ```
//!
//! # How a namespace test looks
//!
//! ```ignore
//! #[test]
//! #[ignore = "namespace test: run with cargo xtask test"]
//! fn rule_drops_ping() {
//!     let _ns = support::netns(); // this thread now lives in a fresh netns with lo up
//!     support::iptables("-A OUTPUT -p icmp -j DROP");
//!     // ... open the subsystem's socket on this thread, then:
//!     assert!(!support::sh_status("ping -c 1 -W 1 127.0.0.1").0);
//! }
//! ```
//!
//! # Rules of the game
//!
//! - A network namespace belongs to a *thread*. [`netns`] moves the calling thread into a new
//!   one; sockets, threads and child processes created later *from that thread* are in it too.
//!   A socket stays in the netns it was created in, wherever it is used afterwards. libtest
//!   runs every test on its own thread, so tests never see each other's namespaces.
//! - The tests run with root privileges over their namespaces: directly as root, or as root in
//!   a user namespace when `cargo xtask test` runs as an ordinary user. Plain `cargo test`
//!   ignores them (`#[ignore = "namespace test: run with cargo xtask test"]`).
//! - Every command helper ([`sh`], [`iptables`], …) refuses to run outside a
//!   test namespace, so a forgotten [`netns`] call cannot change the host's firewall.
//! - Every blocking helper has a deadline.
//! - As root of a user namespace no other user is mapped and `setgroups` is denied, so a
//!   child cannot switch users: run unprivileged programs with [`unprivileged_command`] and
//!   read pcap files with [`tcpdump_read`] (tcpdump drops to its own user), which work both
//!   ways.
//! - A test that cannot run here (missing kernel feature) calls [`skip`] and returns; `cargo
//!   xtask test` counts and lists it as skipped.
//! - [`netns`]'s guard fails the test if `/proc/sys/kernel/tainted` went from 0 to non-zero.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs::{File, OpenOptions};
use std::io::{ErrorKind, Read, Write};
use std::marker::PhantomData;
use std::net::{SocketAddr, TcpListener, TcpStream, ToSocketAddrs, UdpSocket};
use std::os::fd::AsRawFd;
use std::os::unix::process::CommandExt;
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::sync::OnceLock;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::sched::{setns, unshare, CloneFlags};

/// Deadline for one command run by [`sh`] and friends.
pub const COMMAND_TIMEOUT: Duration = Duration::from_secs(60);

/// The network namespace the test process started in (recorded before the first unshare),
/// as the `net:[inode]` link text.
static HOST_NETNS: OnceLock<String> = OnceLock::new();

/// The calling thread's network namespace as `net:[inode]`.
pub fn current_netns() -> String {
    match std::fs::read_link("/proc/thread-self/ns/net") {
        Ok(p) => p.display().to_string(),
        Err(e) => panic!("cannot read /proc/thread-self/ns/net: {e}"),
    }
}

/// The namespace the process started in.
fn host_netns() -> &'static str {
    HOST_NETNS.get_or_init(|| match std::fs::read_link("/proc/self/ns/net") {
        Ok(p) => p.display().to_string(),
        Err(e) => panic!("cannot read /proc/self/ns/net: {e}"),
    })
}

/// Panics unless the calling thread is in a namespace created by [`netns`] or
/// [`peer_netns`] (or a thread spawned from one).
#[track_caller]
fn assert_in_test_netns(what: &str) {
    assert_ne!(
        current_netns(),
        host_netns(),
        "{what}: this thread is still in the test process's original network namespace; \
         call support::netns() first (or run on a thread spawned after it)"
    );
}

/// Running in the initial user namespace (real root), not as root of a user
/// namespace (`cargo xtask test` as an ordinary user, `unshare -U`).
pub fn in_init_userns() -> bool {
    std::fs::read_to_string("/proc/self/uid_map")
        .map(|m| m.split_whitespace().collect::<Vec<_>>() == ["0", "0", "4294967295"])
        .unwrap_or(false)
}

/// Reads `/proc/sys/kernel/tainted`.
pub fn tainted() -> u64 {
    let text = std::fs::read_to_string("/proc/sys/kernel/tainted").unwrap_or_default();
    text.trim().parse().unwrap_or(0)
}

/// Guard returned by [`netns`]: checks the kernel taint flags when dropped.
///
/// The thread stays in the namespace after the guard is dropped (it cannot always go back:
/// as an ordinary user the original namespace belongs to the host). The namespace goes away
/// when the test thread ends and nothing else (socket, process, thread) uses it.
#[must_use = "the guard checks the kernel taint flags when the test ends"]
pub struct Netns {
    /// `/proc/sys/kernel/tainted` when the test started.
    tainted_before: u64,
    /// The namespace this guard created, `net:[inode]`.
    id: String,
    /// The namespace belongs to this thread: keep the guard on it.
    _not_send: PhantomData<*const ()>,
}

impl Netns {
    /// The namespace this guard created, as `net:[inode]`.
    pub fn id(&self) -> &str {
        &self.id
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        if std::thread::panicking() {
            return;
        }
        let now = tainted();
        assert!(
            !(self.tainted_before == 0 && now != 0),
            "the kernel became tainted during this test: /proc/sys/kernel/tainted went from 0 to \
             {now} (see `dmesg`)"
        );
    }
}

/// Moves the calling thread into a fresh network namespace with `lo` up.
///
/// # Panics
///
/// If `unshare(CLONE_NEWNET)` fails (with a hint to use `cargo xtask test` on `EPERM`) or
/// `ip link set lo up` fails.
#[track_caller]
pub fn netns() -> Netns {
    host_netns();
    match unshare(CloneFlags::CLONE_NEWNET) {
        Ok(()) => {}
        Err(Errno::EPERM) => panic!(
            "unshare(CLONE_NEWNET) failed with EPERM: namespace tests need root or a user \
             namespace. Run them through `cargo xtask test` (it works as an ordinary user too)"
        ),
        Err(e) => panic!("unshare(CLONE_NEWNET) failed: {e}"),
    }
    let guard = Netns {
        tainted_before: tainted(),
        id: current_netns(),
        _not_send: PhantomData,
    };
    sh("ip link set lo up");
    guard
}

/// A command with `PATH` extended by the sbin directories (ordinary users often lack them).
pub fn command(program: &str) -> Command {
    let path = std::env::var("PATH").unwrap_or_else(|_| "/usr/local/bin:/usr/bin:/bin".into());
    let mut cmd = Command::new(program);
    cmd.env("PATH", format!("{path}:/usr/local/sbin:/usr/sbin:/sbin"))
        .stdin(Stdio::null());
    cmd
}

/// Runs `cmd` (in its own process group) and kills the group after `timeout`.
///
/// # Panics
///
/// If it cannot be started or runs past `timeout`.
#[track_caller]
pub fn output_within(mut cmd: Command, timeout: Duration) -> Output {
    let shown = format!("{cmd:?}");
    cmd.stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    let child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => panic!("cannot start {shown}: {e}"),
    };
    let pgid = nix::unistd::Pid::from_raw(child.id() as i32);
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || tx.send(child.wait_with_output()));
    match rx.recv_timeout(timeout) {
        Ok(Ok(out)) => out,
        Ok(Err(e)) => panic!("waiting for {shown} failed: {e}"),
        Err(_) => {
            let _ = nix::sys::signal::killpg(pgid, nix::sys::signal::Signal::SIGKILL);
            panic!("{shown} did not finish within {timeout:?} (killed)")
        }
    }
}

/// Runs `cmdline` with `sh -c` in the calling thread's namespace and returns its stdout.
///
/// # Panics
///
/// Outside a test namespace, on a non-zero exit (with stdout and stderr in the message), or
/// after [`COMMAND_TIMEOUT`].
#[track_caller]
pub fn sh(cmdline: &str) -> String {
    assert_in_test_netns(cmdline);
    let mut cmd = command("sh");
    cmd.arg("-c").arg(cmdline);
    let out = output_within(cmd, COMMAND_TIMEOUT);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "`{cmdline}` failed ({}):\n--- stdout\n{stdout}--- stderr\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// Like [`sh`] but does not panic on failure: returns success and stdout followed by stderr.
///
/// # Panics
///
/// Outside a test namespace or after [`COMMAND_TIMEOUT`].
#[track_caller]
pub fn sh_status(cmdline: &str) -> (bool, String) {
    assert_in_test_netns(cmdline);
    let mut cmd = command("sh");
    cmd.arg("-c").arg(cmdline);
    let out = output_within(cmd, COMMAND_TIMEOUT);
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

/// `iptables <args>` (a shell word list, e.g. `"-A OUTPUT -p udp -j DROP"`);
/// returns stdout.
#[track_caller]
pub fn iptables(args: &str) -> String {
    sh(&format!("iptables {args}"))
}

/// `ip6tables <args>`; returns stdout.
#[track_caller]
pub fn ip6tables(args: &str) -> String {
    sh(&format!("ip6tables {args}"))
}

/// What `tcpdump -nn -r FILE` printed: one line per packet on stdout, its notes (`reading
/// from file …, link-type …`) and any error on stderr. Put `stderr` in assertion messages.
#[derive(Debug, Clone)]
pub struct TcpdumpOutput {
    /// One line per packet.
    pub stdout: String,
    /// tcpdump's notes and errors.
    pub stderr: String,
}

/// A command that runs `program` with no privilege over the calling thread's namespaces:
/// uid and gid 65534, no supplementary group, no capability. For tests of what an ordinary
/// user sees (`EPERM` and its message).
///
/// - As real root: `setpriv --reuid 65534 --regid 65534 --clear-groups --inh-caps=-all`.
/// - As root of a user namespace (`cargo xtask test` as an ordinary user), where uid 65534 is
///   not mapped and `setgroups` is denied, switching users fails. There it runs in a nested
///   user namespace as uid/gid 65534 (`unshare --user --map-user=65534 --map-group=65534`):
///   a process in a child user namespace holds no capability over the network namespace,
///   which belongs to the parent one, so the kernel refuses it exactly as an ordinary user.
pub fn unprivileged_command(program: impl AsRef<std::ffi::OsStr>) -> Command {
    let mut cmd = if in_init_userns() {
        let mut c = command("setpriv");
        c.args([
            "--reuid",
            "65534",
            "--regid",
            "65534",
            "--clear-groups",
            "--inh-caps=-all",
        ]);
        c
    } else {
        let mut c = command("unshare");
        c.args(["--user", "--map-user=65534", "--map-group=65534"]);
        c
    };
    cmd.arg("--").arg(program);
    cmd
}

/// Reads the pcap file `file` with `tcpdump -nn -r FILE` (plus `extra` arguments, e.g.
/// `["-v"]`) in the calling thread's namespace. `None` if tcpdump is not installed: record a
/// skip and return.
///
/// tcpdump started as root drops its privileges to its own user (`tcpdump` on Debian) even
/// to read a file, and `-Z root` still calls `initgroups`. As root of a user namespace
/// (`cargo xtask test` as an ordinary user) both fail with `EPERM` ("Couldn't change to
/// 'tcpdump'"): that user is not mapped, and `setgroups` is denied there. So there tcpdump
/// runs through [`unprivileged_command`]: not root, it drops nothing, and it still reads
/// the file, which belongs to the same outside user. As real root it runs as usual.
///
/// # Panics
///
/// Outside a test namespace, after [`COMMAND_TIMEOUT`], or if tcpdump fails (with its
/// stderr in the message).
#[track_caller]
pub fn tcpdump_read(file: &std::path::Path, extra: &[&str]) -> Option<TcpdumpOutput> {
    assert_in_test_netns("tcpdump -r");
    if command("tcpdump").arg("--version").output().is_err() {
        return None;
    }
    let mut cmd = if in_init_userns() {
        command("tcpdump")
    } else {
        unprivileged_command("tcpdump")
    };
    cmd.arg("-nn").args(extra).arg("-r").arg(file);
    let shown = format!("{cmd:?}");
    let out = output_within(cmd, COMMAND_TIMEOUT);
    let got = TcpdumpOutput {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert!(
        out.status.success(),
        "{shown} failed ({}):\n--- stdout\n{}--- stderr\n{}",
        out.status,
        got.stdout,
        got.stderr
    );
    Some(got)
}

/// Records that `test_name` skipped: prints `SKIP test_name: reason` and appends
/// `test_name<TAB>reason` to the file named by `$NFNL_SKIP_LOG` (if set). Return from the
/// test right after calling it.
///
/// # Panics
///
/// If the skip log cannot be written (a skip must never pass silently).
pub fn skip(test_name: &str, reason: &str) {
    let clean = |s: &str| s.replace(['\t', '\n', '\r'], " ");
    let (name, reason) = (clean(test_name), clean(reason));
    println!("SKIP {name}: {reason}");
    if let Some(path) = std::env::var_os("NFNL_SKIP_LOG") {
        let line = format!("{name}\t{reason}\n");
        let written = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .and_then(|mut f| f.write_all(line.as_bytes()));
        if let Err(e) = written {
            panic!(
                "cannot append to NFNL_SKIP_LOG={}: {e}",
                path.to_string_lossy()
            );
        }
    }
}

/// Polls `f` every 10 ms until it returns true.
///
/// # Panics
///
/// With `what` if `f` is still false after `deadline`.
#[track_caller]
pub fn wait_until(deadline: Duration, what: &str, mut f: impl FnMut() -> bool) {
    let start = Instant::now();
    loop {
        if f() {
            return;
        }
        if start.elapsed() >= deadline {
            panic!("timed out after {deadline:?} waiting for {what}");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Reads `/proc/thread-self/net/<file>` (the calling thread's namespace): `Ok("")` if the file
/// does not exist (module not loaded yet), `Err` if it cannot be read.
///
/// NOTE(kernel): in a namespace owned by a user namespace (`cargo xtask test` as an ordinary
/// user) most netfilter files, among them `netfilter/nfnetlink_queue` and `nf_conntrack`,
/// belong to the *host's* root with mode 0440, so even root inside gets `EACCES`. Only
/// world-readable files such as `netlink`, `dev` or `netfilter/nf_log` can be read there.
pub fn try_proc_net(file: &str) -> std::io::Result<String> {
    let path = format!("/proc/thread-self/net/{file}");
    match std::fs::read_to_string(path) {
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(String::new()),
        other => other,
    }
}

/// Reads `/proc/thread-self/net/<file>` (the calling thread's namespace), e.g. `dev` or
/// `netlink`. A missing file (module not loaded yet) reads as empty.
///
/// # Panics
///
/// On a read error; see [`try_proc_net`] for the files that cannot be read as an ordinary
/// user (use that to handle it).
#[track_caller]
pub fn proc_net(file: &str) -> String {
    match try_proc_net(file) {
        Ok(text) => text,
        Err(e) if e.kind() == ErrorKind::PermissionDenied => panic!(
            "cannot read /proc/thread-self/net/{file}: {e}. In a user-namespace-owned netns \
             (cargo xtask test as an ordinary user) this file belongs to the host's root; use \
             support::try_proc_net and skip, or another readiness signal"
        ),
        Err(e) => panic!("cannot read /proc/thread-self/net/{file}: {e}"),
    }
}

/// Portids of the `NETLINK_NETFILTER` sockets in this namespace, from the world-readable
/// `/proc/thread-self/net/netlink` (works as an ordinary user too). Unbound sockets (portid
/// 0, e.g. the kernel's own) are left out.
pub fn netfilter_socket_portids() -> Vec<u32> {
    /// `NETLINK_NETFILTER` as printed in the `Eth` column.
    const NETLINK_NETFILTER: &str = "12";
    proc_net("netlink")
        .lines()
        .skip(1)
        .filter_map(|l| {
            let mut f = l.split_whitespace().skip(1);
            let (proto, portid) = (f.next()?, f.next()?.parse::<u32>().ok()?);
            (proto == NETLINK_NETFILTER && portid != 0).then_some(portid)
        })
        .collect()
}

/// Resolves `addr` (`"127.0.0.1:5000"`, `"[::1]:5000"`) to one socket address.
#[track_caller]
fn resolve(addr: &str) -> SocketAddr {
    match addr.to_socket_addrs().map(|mut a| a.next()) {
        Ok(Some(a)) => a,
        _ => panic!("bad socket address `{addr}`"),
    }
}

/// A UDP socket bound to `addr` with a 1 s read timeout.
#[track_caller]
pub fn udp_receiver(addr: &str) -> UdpSocket {
    let sock = UdpSocket::bind(resolve(addr)).unwrap_or_else(|e| panic!("bind udp {addr}: {e}"));
    sock.set_read_timeout(Some(Duration::from_secs(1))).unwrap();
    sock
}

/// Sends one datagram with `payload` to `to` from a fresh socket of the same family.
#[track_caller]
pub fn udp_send(to: &str, payload: &[u8]) {
    let to = resolve(to);
    let from = if to.is_ipv4() { "0.0.0.0:0" } else { "[::]:0" };
    let sock = UdpSocket::bind(from).unwrap();
    sock.send_to(payload, to)
        .unwrap_or_else(|e| panic!("udp send to {to}: {e}"));
}

/// Receives datagrams on `sock` until `max` arrived or `deadline` passed; returns them.
pub fn udp_recv_within(sock: &UdpSocket, max: usize, deadline: Duration) -> Vec<Vec<u8>> {
    let start = Instant::now();
    let mut got = Vec::new();
    let mut buf = vec![0u8; 65536];
    while got.len() < max {
        let Some(left) = deadline.checked_sub(start.elapsed()) else {
            break;
        };
        sock.set_read_timeout(Some(left.max(Duration::from_millis(1))))
            .unwrap();
        match sock.recv(&mut buf) {
            Ok(n) => got.push(buf[..n].to_vec()),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => break,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            // e.g. ECONNREFUSED from an earlier ICMP error: not a datagram, keep waiting.
            Err(_) => continue,
        }
    }
    got
}

/// How many datagrams arrive on `sock` within `deadline` (stops early at `max`).
pub fn udp_count_within(sock: &UdpSocket, max: usize, deadline: Duration) -> usize {
    udp_recv_within(sock, max, deadline).len()
}

/// A TCP listener bound to `addr` (port 0 picks a free one; see `local_addr()`).
#[track_caller]
pub fn tcp_listener(addr: &str) -> TcpListener {
    TcpListener::bind(resolve(addr)).unwrap_or_else(|e| panic!("bind tcp {addr}: {e}"))
}

/// Connects to `addr` within `timeout` (an error, not a panic, so tests can expect failure).
pub fn tcp_connect(addr: &str, timeout: Duration) -> std::io::Result<TcpStream> {
    let stream = TcpStream::connect_timeout(&resolve(addr), timeout)?;
    stream.set_read_timeout(Some(timeout))?;
    stream.set_write_timeout(Some(timeout))?;
    Ok(stream)
}

/// Serves one TCP connection on `listener` on a new thread: echoes everything back until the
/// peer closes. Returns the thread, which yields the number of bytes echoed. The accept waits
/// at most 30 s.
pub fn tcp_echo_once(listener: TcpListener) -> JoinHandle<usize> {
    std::thread::spawn(move || {
        listener.set_nonblocking(true).unwrap();
        let start = Instant::now();
        let mut stream = loop {
            match listener.accept() {
                Ok((s, _)) => break s,
                Err(e) if e.kind() == ErrorKind::WouldBlock => {
                    assert!(
                        start.elapsed() < Duration::from_secs(30),
                        "no TCP client within 30 s"
                    );
                    std::thread::sleep(Duration::from_millis(10));
                }
                Err(e) => panic!("accept: {e}"),
            }
        };
        stream.set_nonblocking(false).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        let mut total = 0;
        let mut buf = [0u8; 4096];
        loop {
            match stream.read(&mut buf) {
                Ok(0) | Err(_) => return total,
                Ok(n) => {
                    if stream.write_all(&buf[..n]).is_err() {
                        return total;
                    }
                    total += n;
                }
            }
        }
    })
}

/// A second network namespace, connected to the caller's by a veth pair (see
/// [`peer_netns`]). It lives as long as this handle (or anything still running inside it).
pub struct PeerNetns {
    /// An open `nsfs` file of the namespace; keeps it alive and lets threads `setns` into it.
    ns: File,
    /// `net:[inode]` of the namespace.
    id: String,
}

/// Creates a second network namespace with `lo` up, connected to the calling thread's
/// namespace by a veth pair: `local_if` here with `local_addr`, `peer_if` there with
/// `peer_addr` (CIDR, e.g. `"10.0.1.1/24"`, or IPv6, added with `nodad`). Both ends are up.
///
/// Run code over there with [`PeerNetns::run`] (blocking, may borrow) or
/// [`PeerNetns::spawn`] (a background thread, e.g. a server), and commands with
/// [`PeerNetns::sh`]. For an external tool, `nsenter --net=<path>` with
/// [`PeerNetns::path`] works too.
///
/// ```no_run
/// # use std::time::Duration;
/// # use nfnl::testutil::netns as support;
/// let _ns = support::netns();
/// let peer = support::peer_netns("veth0", "10.0.1.1/24", "eth0", "10.0.1.2/24");
/// let rx = support::udp_receiver("10.0.1.1:5000");
/// peer.run(|| support::udp_send("10.0.1.1:5000", b"hi"));
/// assert_eq!(support::udp_count_within(&rx, 1, Duration::from_secs(2)), 1);
/// ```
///
/// # Panics
///
/// Outside a test namespace, or if a namespace or interface cannot be created.
#[track_caller]
pub fn peer_netns(local_if: &str, local_addr: &str, peer_if: &str, peer_addr: &str) -> PeerNetns {
    assert_in_test_netns("support::peer_netns");
    // A short-lived thread creates the namespace; the open nsfs file keeps it alive.
    let made = std::thread::spawn(|| -> Result<File, String> {
        unshare(CloneFlags::CLONE_NEWNET).map_err(|e| format!("unshare(CLONE_NEWNET): {e}"))?;
        File::open("/proc/thread-self/ns/net").map_err(|e| format!("open own netns: {e}"))
    })
    .join();
    let ns = match made {
        Ok(Ok(f)) => f,
        Ok(Err(e)) => panic!("cannot create the peer namespace: {e}"),
        Err(_) => panic!("the thread creating the peer namespace panicked"),
    };
    let mut peer = PeerNetns {
        ns,
        id: String::new(),
    };
    peer.id = peer.run(current_netns);
    peer.sh("ip link set lo up");
    sh(&format!(
        "ip link add {local_if} type veth peer name {peer_if} netns {}",
        peer.path()
    ));
    let nodad = |addr: &str| if addr.contains(':') { " nodad" } else { "" };
    sh(&format!(
        "ip addr add {local_addr} dev {local_if}{} && ip link set {local_if} up",
        nodad(local_addr)
    ));
    peer.sh(&format!(
        "ip addr add {peer_addr} dev {peer_if}{} && ip link set {peer_if} up",
        nodad(peer_addr)
    ));
    peer
}

impl PeerNetns {
    /// `net:[inode]` of the peer namespace.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// A path naming the namespace while this handle lives, for `nsenter --net=<path>` or
    /// `ip link set dev X netns <path>`.
    pub fn path(&self) -> String {
        format!("/proc/{}/fd/{}", std::process::id(), self.ns.as_raw_fd())
    }

    /// Runs `f` on a scoped thread inside the peer namespace and returns its result (a panic
    /// in `f` is re-raised here). Sockets and processes `f` creates belong to the peer.
    pub fn run<R: Send>(&self, f: impl FnOnce() -> R + Send) -> R {
        let ns = &self.ns;
        std::thread::scope(|s| {
            let handle = s.spawn(move || {
                if let Err(e) = setns(ns, CloneFlags::CLONE_NEWNET) {
                    panic!("setns into the peer namespace: {e}");
                }
                f()
            });
            match handle.join() {
                Ok(r) => r,
                Err(panic) => std::panic::resume_unwind(panic),
            }
        })
    }

    /// Runs `f` on a new background thread inside the peer namespace (e.g. a server loop).
    pub fn spawn<R: Send + 'static>(
        &self,
        f: impl FnOnce() -> R + Send + 'static,
    ) -> JoinHandle<R> {
        let ns = self.ns.try_clone().expect("dup the namespace fd");
        std::thread::spawn(move || {
            if let Err(e) = setns(&ns, CloneFlags::CLONE_NEWNET) {
                panic!("setns into the peer namespace: {e}");
            }
            drop(ns);
            f()
        })
    }

    /// [`sh`] inside the peer namespace.
    #[track_caller]
    pub fn sh(&self, cmdline: &str) -> String {
        self.run(|| sh(cmdline))
    }

    /// [`sh_status`] inside the peer namespace.
    #[track_caller]
    pub fn sh_status(&self, cmdline: &str) -> (bool, String) {
        self.run(|| sh_status(cmdline))
    }
}
