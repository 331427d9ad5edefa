//! Namespace tests of the generic layer against the real kernel (TEST-PLAN
//! 5.3: N1–N3, N9–N14). Each test creates its own network namespace.
//!
//! The library names no subsystem; these tests speak ctnetlink and
//! nfnetlink_queue with raw messages built from `nfnl-sys` constants, only
//! to give the kernel something to answer.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cast_possible_truncation
)]
// N13 installs a signal handler; nothing else here is unsafe.
#![allow(unsafe_code)]

use nfnl::testutil::fixture;
use nfnl::testutil::netns as support;

use std::net::Ipv4Addr;
use std::ops::ControlFlow;
use std::os::fd::{AsFd, AsRawFd};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use nfnl::{
    done_status, AttrTable, Conn, Control, EncodeError, Error, ErrorExt, MsgBuilder, MsgIter,
    NfHeader, NfMsg, NlFlags, NlMsg, RecvBatch, Socket, Wait,
};
use nfnl_sys::conntrack::*;
use nfnl_sys::nfnetlink::{NFNLGRP_CONNTRACK_NEW, NFNL_SUBSYS_CTNETLINK, NFNL_SUBSYS_QUEUE};
use nfnl_sys::queue::*;
use nix::errno::Errno;

const AF_INET: u8 = 2;

/// Writes a ctnetlink UDP tuple nest.
fn put_tuple(
    b: &mut MsgBuilder,
    kind: u16,
    src: Ipv4Addr,
    dst: Ipv4Addr,
    sport: u16,
    dport: u16,
) -> Result<(), EncodeError> {
    b.nest(kind, |b| {
        b.nest(CTA_TUPLE_IP, |b| {
            b.put_bytes(CTA_IP_V4_SRC, &src.octets())?;
            b.put_bytes(CTA_IP_V4_DST, &dst.octets())?;
            Ok(())
        })?;
        b.nest(CTA_TUPLE_PROTO, |b| {
            b.put_u8(CTA_PROTO_NUM, 17);
            b.put_be16(CTA_PROTO_SRC_PORT, sport);
            b.put_be16(CTA_PROTO_DST_PORT, dport);
            Ok(())
        })?;
        Ok(())
    })?;
    Ok(())
}

fn ct_new_header() -> NfHeader {
    NfHeader::new(NFNL_SUBSYS_CTNETLINK, IPCTNL_MSG_CT_NEW)
        .flags(NlFlags::CREATE.union(NlFlags::EXCL))
        .family(AF_INET)
}

/// Creates `n` UDP entries 10.0.x.y:1000 -> 10.1.0.1:53 with batched requests.
fn create_entries(conn: &mut Conn, n: u32) {
    create_entries_from(conn, 0, n);
}

/// Creates `n` entries numbered from `first`.
fn create_entries_from(conn: &mut Conn, first: u32, n: u32) {
    let mut failures = 0;
    conn.batch(
        n,
        |_| ct_new_header().flags(NlFlags::CREATE | NlFlags::EXCL),
        |i, b| {
            let i = first + i;
            let src = Ipv4Addr::new(10, (i >> 16) as u8, (i >> 8) as u8, i as u8);
            let dst = Ipv4Addr::new(10, 1, 0, 1);
            // Creating needs both tuples (ctnetlink_new_conntrack).
            put_tuple(b, CTA_TUPLE_ORIG, src, dst, 1000, 53)?;
            put_tuple(b, CTA_TUPLE_REPLY, dst, src, 53, 1000)?;
            b.put_be32(CTA_TIMEOUT, 600);
            Ok(())
        },
        |i, r| {
            if let Err(e) = r {
                if failures == 0 {
                    eprintln!("create {i} failed: {e}");
                }
                failures += 1;
            }
        },
    )
    .unwrap();
    assert_eq!(failures, 0, "every create is acknowledged");
}

/// The global entry count (`IPCTNL_MSG_CT_GET_STATS`, `CTA_STATS_GLOBAL_ENTRIES`).
fn ct_count(conn: &mut Conn) -> u32 {
    let h = NfHeader::new(NFNL_SUBSYS_CTNETLINK, IPCTNL_MSG_CT_GET_STATS);
    let count = conn
        .query(
            h,
            |_| Ok(()),
            |m| {
                let t = AttrTable::<'_, 8>::parse(m.attrs()).unwrap();
                Ok::<_, Error>(
                    t.get(CTA_STATS_GLOBAL_ENTRIES)
                        .map(|a| a.get_be32().unwrap()),
                )
            },
        )
        .unwrap();
    count.expect("the stats reply carries CTA_STATS_GLOBAL_ENTRIES")
}

/// A dump request of the IPv4 conntrack table.
fn ct_dump_header() -> NfHeader {
    NfHeader::new(NFNL_SUBSYS_CTNETLINK, IPCTNL_MSG_CT_GET).family(AF_INET)
}

/// Counts the entries of a full ctnetlink dump.
fn ct_dump_count(conn: &mut Conn) -> Result<usize, Error> {
    let mut n = 0;
    conn.dump(
        ct_dump_header(),
        |_| Ok(()),
        |_| {
            n += 1;
            Ok::<_, Error>(ControlFlow::Continue(()))
        },
    )?;
    Ok(n)
}

/// N16: what a pipelined dump's receiving thread relies on to stop without
/// looking into what it receives: while a dump runs, the socket always has
/// a datagram queued between two receive calls (`netlink_dump_start`
/// queues the first one before `sendmsg` returns, each `netlink_recvmsg`
/// the next), so the first receive that finds the socket empty comes after
/// the dump's end; and `NLMSG_DONE` is the last message of its datagram.
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn n16_a_running_dump_never_leaves_the_socket_empty() {
    let _ns = support::netns();
    let mut conn = Conn::open().unwrap();
    create_entries(&mut conn, 3000);
    let sock = &Socket::open().unwrap();
    let seq = 77;
    let mut b = MsgBuilder::new();
    b.begin(ct_dump_header().flags(NlFlags::DUMP), seq);
    sock.send(b.finish().unwrap()).unwrap();
    // Taken 4 datagrams (of at most 32 KiB) at a time: many receives.
    let mut batch = RecvBatch::new(4, 64 * 1024);
    let (mut entries, mut receives, mut done) = (0, 0, false);
    while !done {
        let n = sock
            .recv_many(&mut batch, Wait::Poll)
            .expect("a running dump always has a datagram queued");
        receives += 1;
        for i in 0..n {
            let d = batch.get(i).unwrap().unwrap();
            let msgs: Vec<_> = MsgIter::new(d).map(Result::unwrap).collect();
            for (j, m) in msgs.iter().enumerate() {
                assert!(!done, "nothing of the dump after NLMSG_DONE");
                assert_eq!((m.seq(), m.port()), (seq, sock.port_id()));
                if m.msg_type() == nfnl_sys::NLMSG_DONE {
                    assert_eq!(j, msgs.len() - 1, "NLMSG_DONE ends its datagram");
                    done = true;
                } else {
                    entries += 1;
                }
            }
        }
    }
    assert_eq!(entries, 3000);
    assert!(receives > 3, "the dump took {receives} receives");
    assert!(
        sock.recv_many(&mut batch, Wait::Poll)
            .unwrap_err()
            .is_would_block(),
        "the socket is empty once the dump has ended"
    );
    // Both forms of a pipelined dump see every entry, and the socket is
    // clean afterwards.
    assert_eq!(ct_dump_count(&mut conn).unwrap(), 3000);
    let mut stream = conn.dump_stream(ct_dump_header(), |_| Ok(())).unwrap();
    let mut pulled = 0;
    while stream.next_batch(|_| pulled += 1).unwrap() {}
    drop(stream);
    assert_eq!(pulled, 3000);
    assert_eq!((conn.stale_replies(), conn.unsolicited()), (0, 0));
    assert_eq!(ct_count(&mut conn), 3000);
}

/// N17: a query is answered by exactly one message: a stats GET gives its
/// one answer; a request the kernel only acknowledges (a create) is
/// `NoAnswer` naming its type, and the entry was created all the same.
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn n17_a_query_wants_exactly_one_answer() {
    let _ns = support::netns();
    let mut conn = Conn::open().unwrap();
    assert_eq!(ct_count(&mut conn), 0);
    let r = conn.query(
        ct_new_header(),
        |b| {
            let (src, dst) = (Ipv4Addr::new(10, 8, 0, 1), Ipv4Addr::new(10, 1, 0, 1));
            put_tuple(b, CTA_TUPLE_ORIG, src, dst, 1000, 53)?;
            put_tuple(b, CTA_TUPLE_REPLY, dst, src, 53, 1000)?;
            b.put_be32(CTA_TIMEOUT, 600);
            Ok(())
        },
        |_| Ok::<_, Error>(()),
    );
    let want = u16::from(NFNL_SUBSYS_CTNETLINK) << 8 | u16::from(IPCTNL_MSG_CT_NEW);
    assert!(
        matches!(r, Err(Error::NoAnswer { msg_type }) if msg_type == want),
        "{r:?}"
    );
    assert_eq!(ct_count(&mut conn), 1);
    assert_eq!((conn.stale_replies(), conn.unsolicited()), (0, 0));
}

/// Sends, from `forger`, a bare message `subsys`/`ty` (nfgenmsg only) to the
/// socket with port id `to`, as if the kernel had sent it.
fn send_forged(forger: &Socket, to: u32, subsys: u8, ty: u8) {
    use nix::sys::socket::{sendto, MsgFlags, NetlinkAddr};
    let mut b = MsgBuilder::new();
    b.begin_raw(u16::from(subsys) << 8 | u16::from(ty), NlFlags::empty(), 0);
    b.put_raw(&[AF_INET, 0, 0, 0]).unwrap();
    sendto(
        forger.as_raw_fd(),
        b.finish().unwrap(),
        &NetlinkAddr::new(to, 0),
        MsgFlags::empty(),
    )
    .unwrap();
}

/// N1: two sockets get distinct non-zero port ids; sequence numbers increase.
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn n1_port_ids_and_sequence() {
    let _ns = support::netns();
    let a = Socket::open().unwrap();
    let b = Socket::open().unwrap();
    assert_ne!(a.port_id(), 0);
    assert_ne!(b.port_id(), 0);
    assert_ne!(a.port_id(), b.port_id());
    let mut c = Conn::from_socket(a).unwrap();
    let s1 = c.next_seq();
    let s2 = c.next_seq();
    assert_eq!(s2, s1.wrapping_add(1));
    assert_ne!(s1, 0);
}

/// N2: an acknowledged request gets its ack; a request without ack and with
/// no reply makes the receive deadline return `Timeout`, not hang.
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn n2_ack_and_timeout() {
    let _ns = support::netns();
    let mut conn = Conn::open().unwrap();
    // GET_STATS answers with data, then the ack.
    assert_eq!(ct_count(&mut conn), 0);

    // A queue PF_BIND without NLM_F_ACK: accepted silently (a no-op since 3.8).
    let sock = Socket::open().unwrap();
    let mut b = MsgBuilder::new();
    b.begin(
        NfHeader::new(NFNL_SUBSYS_QUEUE, NFQNL_MSG_CONFIG).family(AF_INET),
        1,
    );
    b.put_bytes(NFQA_CFG_CMD, &[NFQNL_CFG_CMD_PF_BIND, 0, 0, AF_INET])
        .unwrap();
    sock.send(b.finish().unwrap()).unwrap();
    let mut buf = [0u8; 1024];
    let t0 = Instant::now();
    let r = sock.recv(&mut buf, Wait::timeout(Duration::from_millis(300)));
    assert!(matches!(r, Err(Error::Timeout)), "{r:?}");
    assert!(t0.elapsed() >= Duration::from_millis(300));
}

/// N3: unknown subsystem, unknown message type and a truncated nfgenmsg give
/// typed kernel errors, and the socket stays usable.
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn n3_bad_requests_give_typed_errors() {
    let _ns = support::netns();
    let mut conn = Conn::open().unwrap();
    let unknown_subsys = conn.request(NfHeader::new(200, 0), |_| Ok(()));
    let e = match unknown_subsys {
        Err(Error::Kernel(k)) => k,
        other => panic!("unknown subsystem: {other:?}"),
    };
    assert!(e.errno() as i32 > 0);
    let unknown_type = conn.request(NfHeader::new(NFNL_SUBSYS_CTNETLINK, 0xee), |_| Ok(()));
    assert!(
        matches!(unknown_type, Err(Error::Kernel(ref k)) if k.errno() as i32 > 0),
        "{unknown_type:?}"
    );

    // nfgenmsg cut to 2 bytes: a raw message with nlmsg_len 18.
    let seq = conn.next_seq();
    let mut b = MsgBuilder::new();
    b.begin_raw(
        u16::from(NFNL_SUBSYS_CTNETLINK) << 8 | u16::from(IPCTNL_MSG_CT_GET_STATS),
        NlFlags::REQUEST | NlFlags::ACK,
        seq,
    );
    b.put_raw(&[AF_INET, 0]).unwrap();
    let mut bytes = b.finish().unwrap().to_vec();
    bytes[..4].copy_from_slice(&18u32.to_ne_bytes());
    conn.socket().send(&bytes[..18]).unwrap();
    let mut buf = [0u8; 4096];
    let n = conn
        .socket()
        .recv(&mut buf, Wait::timeout(Duration::from_secs(5)))
        .unwrap();
    let msg = nfnl::NlMsg::parse(&buf[..n]).unwrap();
    // NOTE(kernel): `nfnetlink_rcv_msg` returns 0 for a message shorter than
    // nfgenmsg ("All the messages must at least contain nfgenmsg"), so the
    // kernel acknowledges it with errno 0 and does nothing (6.18).
    match nfnl::Control::classify(msg).unwrap() {
        nfnl::Control::Error(e) => {
            assert_eq!(e.seq(), seq);
            assert_eq!(e.errno(), 0, "the kernel ignores a short nfgenmsg: {e:?}");
        }
        other => panic!("expected an ack, got {other:?}"),
    }
    // Still usable.
    assert_eq!(ct_count(&mut conn), 0);
}

/// N9: without CAP_NET_ADMIN (uid 65534, no capabilities) requests, group
/// joins and SO_RCVBUFFORCE give EPERM, reported as permission denied.
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn n9_unprivileged_gets_eperm() {
    let _ns = support::netns();
    // uid 65534 without capabilities, as root or as root of a user namespace.
    let mut cmd = support::unprivileged_command(std::env::current_exe().unwrap());
    cmd.args([
        "--exact",
        "n9_child_unprivileged",
        "--ignored",
        "--nocapture",
    ])
    .env("NFNL_N9_CHILD", "1");
    let out = support::output_within(cmd, Duration::from_secs(60));
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "child failed:\n{text}");
    assert!(
        text.contains("N9 OK"),
        "child did not run its checks:\n{text}"
    );
}

/// The unprivileged half of N9, run by `n9_unprivileged_gets_eperm` in a
/// child process; does nothing when run on its own.
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn n9_child_unprivileged() {
    if std::env::var_os("NFNL_N9_CHILD").is_none() {
        return;
    }
    assert_ne!(nix::unistd::getuid().as_raw(), 0);
    let mut conn = Conn::open().unwrap(); // opening needs no privilege
    let h = NfHeader::new(NFNL_SUBSYS_CTNETLINK, IPCTNL_MSG_CT_GET_STATS);
    match conn.query(h, |_| Ok(()), |_| Ok::<_, Error>(())) {
        Err(Error::Kernel(k)) => {
            assert!(k.errno() == Errno::EPERM, "{k}");
            assert!(k.to_string().contains("CAP_NET_ADMIN"));
        }
        other => panic!("ctnetlink request without CAP_NET_ADMIN: {other:?}"),
    }
    let join = conn.socket().join_group(NFNLGRP_CONNTRACK_NEW);
    assert!(
        matches!(
            join.as_ref().map_err(ErrorExt::errno),
            Err(Some(nix::errno::Errno::EPERM))
        ),
        "{join:?}"
    );
    let force = conn.socket().set_recv_buffer_force(1 << 24);
    assert!(
        matches!(
            force.as_ref().map_err(ErrorExt::errno),
            Err(Some(nix::errno::Errno::EPERM))
        ),
        "{force:?}"
    );
    // A batch: the kernel answers only its first request (EPERM: the
    // capability is checked once per datagram) and never the others. It
    // fails at once with that refusal, not after the request timeout.
    conn.set_request_timeout(Some(Duration::from_secs(30)));
    let start = Instant::now();
    let mut answered = Vec::new();
    let r = conn.batch(
        3,
        |_| ct_new_header(),
        |i, b| {
            let src = Ipv4Addr::new(10, 9, 0, i as u8);
            let dst = Ipv4Addr::new(10, 1, 0, 1);
            put_tuple(b, CTA_TUPLE_ORIG, src, dst, 1000, 53)?;
            put_tuple(b, CTA_TUPLE_REPLY, dst, src, 53, 1000)?;
            b.put_be32(CTA_TIMEOUT, 600);
            Ok(())
        },
        |i, r| answered.push((i, r.map_err(|k| k.errno()))),
    );
    let took = start.elapsed();
    match r {
        Err(Error::Kernel(k)) => {
            assert_eq!(k.errno(), Errno::EPERM, "{k}");
            assert!(k.to_string().contains("CAP_NET_ADMIN"), "{k}");
        }
        other => panic!("batch without CAP_NET_ADMIN: {other:?}"),
    }
    assert_eq!(
        answered,
        [(0, Err(Errno::EPERM))],
        "only the first is answered"
    );
    assert!(took < Duration::from_secs(1), "failed after {took:?}");
    println!("N9 OK");
}

/// N10: a socket opened inside netns A from a thread living in netns B
/// works on A, from any thread, and B's table is separate; a socket opened
/// beside it is in A too.
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn n10_socket_in_another_netns() {
    let _a = support::netns();
    let ns_a = std::fs::File::open("/proc/thread-self/ns/net").unwrap();
    let a_sock = std::thread::spawn(move || {
        let _b = support::netns();
        let in_a = Socket::open_in_netns(ns_a.as_fd()).unwrap();
        let mut in_b = Conn::open().unwrap();
        let mut a = Conn::from_socket(in_a).unwrap();
        create_entries(&mut a, 1);
        assert_eq!(ct_count(&mut a), 1);
        assert_eq!(ct_count(&mut in_b), 0, "netns B does not see A's entry");
        // A socket opened beside A's, from this thread of B: in A.
        let mut beside = Conn::from_socket(a.socket().open_beside().unwrap()).unwrap();
        assert_eq!(ct_count(&mut beside), 1, "open_beside opens in A");
        let mut beside_b = Conn::from_socket(in_b.socket().open_beside().unwrap()).unwrap();
        assert_eq!(ct_count(&mut beside_b), 0, "and beside B's, in B");
        a.into_socket()
    })
    .join()
    .unwrap();
    // Back on a thread of netns A: the conntrack oracle sees the entry.
    let listed = support::sh("conntrack -L");
    assert!(listed.contains("src=10.0.0.0 "), "{listed}");
    let mut a = Conn::from_socket(a_sock).unwrap();
    assert_eq!(ct_count(&mut a), 1);
}

/// N11: SO_RCVBUF is clamped to about 2 x rmem_max and the effective size is
/// reported; SO_RCVBUFFORCE goes past it.
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn n11_receive_buffer_sizes() {
    let _ns = support::netns();
    let s = Socket::open().unwrap();
    let rmem_max: usize = std::fs::read_to_string("/proc/sys/net/core/rmem_max")
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let want = 64 << 20;
    let got = s.set_recv_buffer(want).unwrap();
    assert!(
        got <= 2 * rmem_max.max(want.min(rmem_max)),
        "clamped: {got} vs rmem_max {rmem_max}"
    );
    assert_eq!(got, s.recv_buffer().unwrap());
    // NOTE(kernel): SO_RCVBUFFORCE checks CAP_NET_ADMIN in the initial user
    // namespace, so inside a user namespace it is refused.
    if !support::in_init_userns() {
        let forced = s.set_recv_buffer_force(want);
        assert_eq!(forced.unwrap_err().errno(), Some(nix::errno::Errno::EPERM));
        return;
    }
    let forced = s.set_recv_buffer_force(want).unwrap();
    assert!(forced >= want, "forced {forced} >= {want}");
    assert!(forced > got || rmem_max >= want);
}

/// N11b: SO_SNDBUF likewise: clamped to about 2 x wmem_max, reported;
/// SO_SNDBUFFORCE goes past it (refused in a user namespace).
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn n11b_send_buffer_sizes() {
    let _ns = support::netns();
    let s = Socket::open().unwrap();
    let wmem_max: usize = std::fs::read_to_string("/proc/sys/net/core/wmem_max")
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let want = 64 << 20;
    let got = s.set_send_buffer(want).unwrap();
    assert!(got <= 2 * wmem_max, "clamped: {got} vs wmem_max {wmem_max}");
    assert_eq!(got, s.send_buffer().unwrap());
    let small = s.set_send_buffer(4096).unwrap();
    assert!(small < got, "{small} < {got}");
    if !support::in_init_userns() {
        let forced = s.set_send_buffer_force(want);
        assert_eq!(forced.unwrap_err().errno(), Some(nix::errno::Errno::EPERM));
        return;
    }
    let forced = s.set_send_buffer_force(want).unwrap();
    assert!(forced >= want, "forced {forced} >= {want}");
}

/// N12: a datagram larger than the receive buffer is reported as
/// `Truncated` with its real size, and nothing of it is parsed.
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn n12_truncated_datagram() {
    let _ns = support::netns();
    let mut conn = Conn::open().unwrap();
    create_entries(&mut conn, 3);
    conn.set_recv_buffer_len(64); // smaller than one dump entry
    match ct_dump_count(&mut conn) {
        Err(Error::Truncated { len, buf }) => {
            assert_eq!(buf, 256, "buffers are at least 256 bytes");
            assert!(len > buf);
        }
        other => panic!("expected Truncated, got {other:?}"),
    }
    // A fresh connection with a normal buffer sees all three.
    let mut fresh = Conn::open().unwrap();
    assert_eq!(ct_dump_count(&mut fresh).unwrap(), 3);
}

static SIGNALS: AtomicBool = AtomicBool::new(false);
extern "C" fn on_signal(_: nix::libc::c_int) {
    SIGNALS.store(true, Ordering::Relaxed);
}

/// N13: a storm of signals (a handler without SA_RESTART, so syscalls see
/// EINTR) during a large dump and during a blocking receive with a deadline:
/// no spurious errors, the dump is complete, the deadline still holds.
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn n13_signal_storm() {
    use nix::sys::signal::{sigaction, SaFlags, SigAction, SigHandler, SigSet, Signal};
    let _ns = support::netns();
    let act = SigAction::new(
        SigHandler::Handler(on_signal),
        SaFlags::empty(),
        SigSet::empty(),
    );
    // SAFETY: the handler only stores to an atomic, which is async-signal-safe.
    unsafe { sigaction(Signal::SIGUSR1, &act) }.unwrap();

    create_entries(&mut Conn::open().unwrap(), 5000);
    // A fresh socket whose reads were never larger than 8 KiB: the kernel
    // sizes dump datagrams to fit, so this means many receive calls.
    let mut conn = Conn::open().unwrap();
    conn.set_recv_buffer_len(8192);

    let me = nix::sys::pthread::pthread_self();
    let stop = Arc::new(AtomicBool::new(false));
    let stopper = stop.clone();
    let storm = std::thread::spawn(move || {
        while !stopper.load(Ordering::Relaxed) {
            let _ = nix::sys::pthread::pthread_kill(me, Signal::SIGUSR1);
            std::thread::sleep(Duration::from_micros(500));
        }
    });
    let dumped = ct_dump_count(&mut conn);
    let t0 = Instant::now();
    let mut buf = [0u8; 512];
    let idle = conn
        .socket()
        .recv(&mut buf, Wait::timeout(Duration::from_millis(500)));
    let waited = t0.elapsed();
    stop.store(true, Ordering::Relaxed);
    storm.join().unwrap();

    assert!(SIGNALS.load(Ordering::Relaxed), "signals were delivered");
    assert_eq!(dumped.unwrap(), 5000, "dump complete despite EINTR");
    assert!(matches!(idle, Err(Error::Timeout)), "{idle:?}");
    assert!(
        waited >= Duration::from_millis(500) && waited < Duration::from_secs(5),
        "{waited:?}"
    );
}

/// N14: a datagram forged by another (privileged) socket and sent to our
/// port is dropped and counted; the caller never sees it.
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn n14_foreign_sender_dropped() {
    let _ns = support::netns();
    let victim = Socket::open().unwrap();
    let forger = Socket::open().unwrap();
    // A forged NFQNL_MSG_PACKET for queue 0 and a forged ct NEW event.
    for (subsys, ty) in [
        (NFNL_SUBSYS_QUEUE, NFQNL_MSG_PACKET),
        (NFNL_SUBSYS_CTNETLINK, IPCTNL_MSG_CT_NEW),
    ] {
        send_forged(&forger, victim.port_id(), subsys, ty);
    }
    let mut buf = [0u8; 1024];
    let r = victim.recv(&mut buf, Wait::timeout(Duration::from_millis(300)));
    assert!(
        matches!(r, Err(Error::Timeout)),
        "forged datagrams must not be delivered: {r:?}"
    );
    assert_eq!(victim.foreign_dropped(), 2);
}

/// A batch of one slot (read with `recvfrom`, not `recvmmsg`) keeps the
/// same contract: a forged datagram is dropped and counted, the kernel's
/// is read into the page-aligned slot, one per call, and one larger than
/// the slot is reported as truncated and consumed.
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn n16_one_slot_batch_drops_foreign_and_reports_truncation() {
    let _ns = support::netns();
    let sock = Socket::open().unwrap();
    let forger = Socket::open().unwrap();
    let noop = |seq: u32| {
        let mut b = MsgBuilder::new();
        b.begin_raw(nfnl_sys::NLMSG_NOOP, NlFlags::ACK, seq);
        sock.send(b.finish().unwrap()).unwrap();
    };
    let mut one = RecvBatch::new(1, 4096);
    send_forged(&forger, sock.port_id(), NFNL_SUBSYS_QUEUE, NFQNL_MSG_PACKET);
    noop(41);
    noop(42);
    for want in [41, 42] {
        assert_eq!(sock.recv_many(&mut one, Wait::Poll).unwrap(), 1);
        let datagram = one.get(0).unwrap().unwrap();
        assert_eq!(
            datagram.as_ptr() as usize % 4096,
            0,
            "the slot is page-aligned"
        );
        let m = NlMsg::parse(datagram).unwrap();
        assert_eq!((m.msg_type(), m.seq()), (nfnl_sys::NLMSG_ERROR, want));
    }
    assert_eq!(sock.foreign_dropped(), 1);
    assert!(sock
        .recv_many(&mut one, Wait::Poll)
        .unwrap_err()
        .is_would_block());
    // An acknowledgement is at least 36 bytes.
    let mut small = RecvBatch::new(1, 20);
    noop(43);
    assert_eq!(sock.recv_many(&mut small, Wait::Poll).unwrap(), 1);
    match small.get(0).unwrap() {
        Err(Error::Truncated { len, buf }) => assert!(len >= 36 && buf == 20, "{len} {buf}"),
        other => panic!("expected Truncated, got {other:?}"),
    }
    assert!(sock
        .recv_many(&mut small, Wait::Poll)
        .unwrap_err()
        .is_would_block());
}

/// `recv_many` takes every queued event datagram in one call, in order,
/// drops (and counts) a forged datagram among them, and with `wait` blocks
/// until the next one arrives.
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn n15_recv_many_takes_a_batch_and_drops_foreign() {
    let _ns = support::netns();
    let listener = Socket::open().unwrap();
    listener.join_group(NFNLGRP_CONNTRACK_NEW).unwrap();
    let forger = Socket::open().unwrap();
    let mut conn = Conn::open().unwrap();
    let mut batch = RecvBatch::new(64, 65536);
    assert!(listener
        .recv_many(&mut batch, Wait::Poll)
        .unwrap_err()
        .is_would_block());

    create_entries(&mut conn, 5);
    send_forged(
        &forger,
        listener.port_id(),
        NFNL_SUBSYS_CTNETLINK,
        IPCTNL_MSG_CT_NEW,
    );
    create_entries_from(&mut conn, 100, 5);

    // The events were queued while the requests ran: one call takes them all.
    let n = listener.recv_many(&mut batch, Wait::Poll).unwrap();
    assert_eq!(n, 10, "one datagram per event, the forged one dropped");
    assert_eq!(batch.len(), 10);
    assert_eq!(listener.foreign_dropped(), 1);
    let mut sources = Vec::new();
    for i in 0..n {
        let m = NfMsg::parse(batch.get(i).unwrap().unwrap()).unwrap();
        assert_eq!(m.msg_type(), IPCTNL_MSG_CT_NEW);
        let t = AttrTable::<'_, 32>::parse(m.attrs()).unwrap();
        let orig = t.require(CTA_TUPLE_ORIG, "ct").unwrap();
        let tuple = AttrTable::<'_, 8>::parse(orig.nested()).unwrap();
        let ip = tuple.require(CTA_TUPLE_IP, "tuple").unwrap();
        let ip = AttrTable::<'_, 8>::parse(ip.nested()).unwrap();
        let src = ip.require(CTA_IP_V4_SRC, "ip").unwrap().get_be32().unwrap();
        sources.push(src & 0xffff);
    }
    assert_eq!(
        sources,
        [0, 1, 2, 3, 4, 100, 101, 102, 103, 104],
        "in order"
    );
    assert!(batch.get(n).is_none());
    assert!(listener
        .recv_many(&mut batch, Wait::Poll)
        .unwrap_err()
        .is_would_block());

    // Waiting: blocks until an event arrives, then takes what is queued.
    let creator = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(200));
        create_entries_from(&mut conn, 200, 3);
    });
    let t0 = Instant::now();
    let n = listener.recv_many(&mut batch, Wait::Block).unwrap();
    assert!(t0.elapsed() >= Duration::from_millis(150), "it waited");
    creator.join().unwrap();
    let mut total = n;
    while total < 3 {
        total += listener.recv_many(&mut batch, Wait::Poll).unwrap();
    }
    assert_eq!(total, 3);
    assert_eq!(listener.foreign_dropped(), 1);
}

/// The raw async door (a socket's readiness, its one-datagram receive)
/// receives a conntrack NEW event asynchronously.
#[cfg(feature = "tokio")]
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn async_socket_receives_events() {
    let _ns = support::netns();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()
        .unwrap();
    rt.block_on(async {
        let events = Socket::open().unwrap();
        let ready = nfnl::tokio::Readiness::new(&events, nfnl::tokio::Interest::READABLE).unwrap();
        events.join_group(NFNLGRP_CONNTRACK_NEW).unwrap();
        create_entries(&mut Conn::open().unwrap(), 1);
        let mut buf = vec![0u8; 65536];
        let n = ready
            .read_with(|| match events.recv(&mut buf, Wait::Poll) {
                Ok(n) => Ok(Some(n)),
                Err(e) if e.is_would_block() => Ok(None),
                Err(e) => Err(e),
            })
            .await
            .unwrap();
        let m = nfnl::NfMsg::parse(&buf[..n]).unwrap();
        assert_eq!(
            (m.subsystem(), m.msg_type()),
            (NFNL_SUBSYS_CTNETLINK, IPCTNL_MSG_CT_NEW)
        );
        assert_eq!(m.seq(), 0, "events carry seq 0");
    });
}

/// N6: the reply of an abandoned request (sent, never read) is discarded and
/// counted when the next request runs; that request gets only its own reply.
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn n6_late_reply_of_abandoned_request_is_discarded() {
    let _ns = support::netns();
    let mut conn = Conn::open().unwrap();
    // Request A: a stats query with an ack, whose replies nobody reads.
    let seq_a = conn.next_seq();
    let mut b = MsgBuilder::new();
    b.begin(
        NfHeader::new(NFNL_SUBSYS_CTNETLINK, IPCTNL_MSG_CT_GET_STATS).flags(NlFlags::ACK),
        seq_a,
    );
    conn.socket().send(b.finish().unwrap()).unwrap();
    // Request B.
    create_entries(&mut conn, 2);
    assert_eq!(ct_count(&mut conn), 2);
    assert_eq!(
        conn.stale_replies(),
        2,
        "A's data reply and A's ack were discarded"
    );
}

/// N7/X8: a dump whose consumer stops after the first entry is drained, so
/// the next request (even another dump) works and sees no stale data.
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn n7_stopped_dump_leaves_socket_clean() {
    let _ns = support::netns();
    let mut conn = Conn::open().unwrap();
    create_entries(&mut conn, 3000);
    let mut seen = 0;
    conn.dump(
        ct_dump_header(),
        |_| Ok(()),
        |_| {
            seen += 1;
            Ok::<_, Error>(ControlFlow::Break(()))
        },
    )
    .unwrap();
    assert_eq!(seen, 1, "the callback is not called after it breaks");
    assert_eq!(
        ct_dump_count(&mut conn).unwrap(),
        3000,
        "a second dump right after works"
    );
    assert_eq!(conn.stale_replies(), 0);
}

/// N8: events arriving on a socket that also dumps go to the unsolicited
/// count, never into the dump; the dump is complete.
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn n8_events_do_not_pollute_dumps() {
    let _ns = support::netns();
    let mut conn = Conn::open().unwrap();
    conn.socket().join_group(NFNLGRP_CONNTRACK_NEW).unwrap();
    // 150 NEW events (they fit the default receive buffer) are queued on
    // `conn` before the dump's replies.
    create_entries(&mut Conn::open().unwrap(), 150);
    let mut dumped = 0;
    let mut non_entries = 0;
    conn.dump(
        ct_dump_header(),
        |_| Ok(()),
        |m| {
            dumped += 1;
            if m.msg_type() != IPCTNL_MSG_CT_NEW || m.seq() == 0 {
                non_entries += 1;
            }
            Ok::<_, Error>(ControlFlow::Continue(()))
        },
    )
    .unwrap();
    assert_eq!(dumped, 150);
    assert_eq!(non_entries, 0);
    assert_eq!(conn.unsolicited(), 150, "every event was set aside");
}

/// ENOBUFS: a listener with a tiny receive buffer misses events; the next
/// receive reports `Overrun` once, and the socket goes on delivering.
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn overrun_is_reported_and_socket_goes_on() {
    let _ns = support::netns();
    let listener = Socket::open().unwrap();
    listener.set_recv_buffer(4096).unwrap();
    listener.join_group(NFNLGRP_CONNTRACK_NEW).unwrap();
    let mut conn = Conn::open().unwrap();
    create_entries(&mut conn, 300);
    let mut buf = vec![0u8; 65536];
    let mut overruns = 0;
    let mut events = 0;
    loop {
        match listener.recv(&mut buf, Wait::timeout(Duration::from_millis(200))) {
            Ok(_) => events += 1,
            Err(Error::Overrun) => overruns += 1,
            Err(Error::Timeout) => break,
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(overruns, 1, "one overrun per congestion episode");
    assert!(
        events > 0 && events < 300,
        "some events were delivered, some lost: {events}"
    );
    // After the overrun the socket works normally again.
    create_entries_from(&mut conn, 1000, 1);
    let n = listener
        .recv(&mut buf, Wait::timeout(Duration::from_secs(5)))
        .unwrap();
    assert!(nfnl::NfMsg::parse(&buf[..n]).is_ok());
    // With NETLINK_NO_ENOBUFS the loss is silent.
    let quiet = Socket::open().unwrap();
    quiet.set_recv_buffer(4096).unwrap();
    quiet.set_no_enobufs(true).unwrap();
    quiet.join_group(NFNLGRP_CONNTRACK_NEW).unwrap();
    create_entries_from(&mut conn, 2000, 300);
    loop {
        match quiet.recv(&mut buf, Wait::timeout(Duration::from_millis(200))) {
            Ok(_) => {}
            Err(Error::Timeout) => break,
            Err(e) => panic!("NO_ENOBUFS must not report: {e}"),
        }
    }
}

/// Where the captures of [`capture_golden_datagrams`] go.
const TESTDATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata");

/// Receives one datagram on `sock` within 2 s.
fn recv_datagram(sock: &Socket) -> Vec<u8> {
    let mut buf = vec![0u8; 65536];
    let n = sock
        .recv(&mut buf, Wait::timeout(Duration::from_secs(2)))
        .unwrap();
    buf.truncate(n);
    buf
}

/// Golden fixtures from the kernel itself (written to `testdata/` when `NFNL_CAPTURE` is
/// set; see `testutil::fixture::capture`): an ack, an error with extended ack naming the
/// offending attribute, and one datagram of a dump. Each is checked here as the generic
/// layer reads it, so the test fails if the kernel's layout and ours disagree.
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn capture_golden_datagrams() {
    let _ns = support::netns();
    let mut conn = Conn::open().unwrap();
    create_entries(&mut conn, 3);
    let sock = Socket::open().unwrap();
    // The golden error echoes its request: capped acks (the default) off.
    sock.set_cap_ack(false).unwrap();
    let mut b = MsgBuilder::new();

    // An ack: a get of an existing entry with NLM_F_ACK gives the entry, then the ack.
    b.begin(ct_dump_header().flags(NlFlags::ACK), 1);
    put_tuple(
        &mut b,
        CTA_TUPLE_ORIG,
        Ipv4Addr::new(10, 0, 0, 1),
        Ipv4Addr::new(10, 1, 0, 1),
        1000,
        53,
    )
    .unwrap();
    sock.send(b.finish().unwrap()).unwrap();
    let entry = recv_datagram(&sock);
    let ack = recv_datagram(&sock);
    let m = NfMsg::parse(&entry).unwrap();
    assert_eq!(
        (m.subsystem(), m.msg_type()),
        (NFNL_SUBSYS_CTNETLINK, IPCTNL_MSG_CT_NEW)
    );
    let e = match Control::classify(NlMsg::parse(&ack).unwrap()).unwrap() {
        Control::Error(e) => e,
        other => panic!("expected an ack, got {other:?}"),
    };
    assert!(e.is_ack() && e.seq() == 1);
    fixture::capture(TESTDATA, "ct_get_entry.bin", &entry);
    fixture::capture(TESTDATA, "ack.bin", &ack);

    // An error with extended ack: CTA_TIMEOUT of 2 bytes fails the policy (NLA_U32).
    b.clear();
    b.begin(ct_new_header(), 2);
    put_tuple(
        &mut b,
        CTA_TUPLE_ORIG,
        Ipv4Addr::new(10, 9, 0, 1),
        Ipv4Addr::new(10, 1, 0, 1),
        1,
        2,
    )
    .unwrap();
    let timeout_at = b.len();
    b.put_bytes(CTA_TIMEOUT, &[0, 1]).unwrap();
    sock.send(b.finish().unwrap()).unwrap();
    let err = recv_datagram(&sock);
    let e = match Control::classify(NlMsg::parse(&err).unwrap()).unwrap() {
        Control::Error(e) => e,
        other => panic!("expected an error, got {other:?}"),
    };
    // ERANGE from the attribute policy (EINVAL on older kernels).
    assert!(
        [Errno::ERANGE as i32, Errno::EINVAL as i32].contains(&e.errno()),
        "errno {}",
        e.errno()
    );
    assert!(
        e.request_payload().is_some(),
        "uncapped: the request is echoed"
    );
    let k = e.to_kernel_error();
    assert_eq!(
        k.offset,
        Some(timeout_at as u32),
        "the offset names CTA_TIMEOUT: {k:?}"
    );
    fixture::capture(TESTDATA, "error_extack.bin", &err);

    // A dump: three entries and NLMSG_DONE, in one or more datagrams.
    b.clear();
    b.begin(ct_dump_header().flags(NlFlags::DUMP), 3);
    sock.send(b.finish().unwrap()).unwrap();
    let (mut dump, mut entries, mut done) = (Vec::new(), 0, false);
    while !done {
        let d = recv_datagram(&sock);
        for m in MsgIter::new(&d) {
            match Control::classify(m.unwrap()).unwrap() {
                Control::Data(_) => entries += 1,
                Control::Done(m) => {
                    assert_eq!(done_status(&m), Ok(()));
                    done = true;
                }
                other => panic!("unexpected {other:?} in the dump"),
            }
        }
        // Datagrams hold whole messages: their concatenation walks as one.
        dump.extend_from_slice(&d);
    }
    assert_eq!(entries, 3);
    fixture::capture(TESTDATA, "ct_dump.bin", &dump);
}
