//! The receive path allocates nothing: 400 log messages in kernel batches,
//! received and read through every common accessor, make zero heap
//! allocations on the receiving thread (namespace test: the messages come
//! from a real NFLOG rule).
#![allow(clippy::unwrap_used, missing_docs)]
// A counting global allocator needs `unsafe impl GlobalAlloc`; this
// test-only file is an exception to the workspace's `unsafe_code = "deny"`.
// It only forwards to the system allocator.
#![allow(unsafe_code)]

use nfnl_log::Receive;
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::time::{Duration, Instant};

use nfnl::testutil::netns as support;
use nfnl_log::{GroupConfig, Log, LogFlags};

struct Counting;

thread_local! {
    /// Allocations made by this thread (const-initialized, no destructor:
    /// using it never allocates).
    static ALLOCS: Cell<usize> = const { Cell::new(0) };
}

fn allocs() -> usize {
    ALLOCS.with(Cell::get)
}

// SAFETY: every method forwards its arguments unchanged to `System`, which
// upholds the `GlobalAlloc` contract; counting has no effect on memory.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let _ = ALLOCS.try_with(|n| n.set(n.get() + 1));
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, n: usize) -> *mut u8 {
        let _ = ALLOCS.try_with(|n| n.set(n.get() + 1));
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.realloc(p, l, n) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn nflog_receive_loop_makes_no_allocation() {
    const N: u32 = 400;
    let _ns = support::netns();
    support::iptables("-A OUTPUT -p udp --dport 6040 -j NFLOG --nflog-group 70 --nflog-prefix alloc --nflog-threshold 20");
    let mut log = Log::open().unwrap();
    log.bind(
        &GroupConfig::new(70)
            .threshold(20)
            .flush_timeout(Duration::from_millis(20))
            .flags(LogFlags::SEQ),
    )
    .unwrap();
    // Unconnected: nothing listens on the port, and the ICMP errors must
    // not fail the sends.
    let tx = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let to: std::net::SocketAddr = "127.0.0.1:6040".parse().unwrap();
    for i in 0..N {
        tx.send_to(&i.to_be_bytes(), to).unwrap();
    }
    let deadline = Instant::now() + Duration::from_secs(5);
    let before = allocs();
    let mut sum = 0u64;
    for want in 0..N {
        let m = log
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .unwrap();
        assert_eq!(m.seq(), Some(want));
        let ip = m.ip().unwrap();
        sum += u64::from(ip.dst_port().unwrap()) + m.prefix().map_or(0, |p| p.len() as u64);
        sum += m.payload().map_or(0, |p| p.len() as u64) + u64::from(m.outdev().unwrap_or(0));
        let _ = (m.hook(), m.mark(), m.uid(), m.timestamp(), m.hwaddr());
    }
    let made = allocs() - before;
    assert!(sum > 0);
    assert_eq!(made, 0, "allocations while receiving {N} log messages");
}
