//! The hot path allocates nothing: parsing 1000 packet messages and building
//! their verdicts into a reused buffer makes zero heap allocations, and
//! neither does the queue's batched receive loop (`recvmmsg`) over many
//! datagrams.
#![allow(clippy::unwrap_used, missing_docs)]
// A counting global allocator needs `unsafe impl GlobalAlloc`; this test-only
// file is the one exception to the workspace's `unsafe_code = "deny"`. It
// only forwards to the system allocator.
#![allow(unsafe_code)]

use nfnl_queue::{ErrorExt, Receive};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use nfnl::{MsgBuilder, MsgIter, NlFlags};
use nfnl_queue::raw::{encode_verdict, encode_verdict_batch};
use nfnl_queue::RECV_BATCH;
use nfnl_queue::{PacketMeta, PacketSlots, Queue, Verdict};

mod common_fixture;

struct Counting;

thread_local! {
    /// Allocations made by this thread: the test harness and the other
    /// tests allocate on their own threads meanwhile. Const-initialized and
    /// without destructor, so using it never allocates.
    static ALLOCS: Cell<usize> = const { Cell::new(0) };
}

fn count_alloc() {
    // `try_with`: nothing to count once the thread is being torn down.
    let _ = ALLOCS.try_with(|n| n.set(n.get() + 1));
}

/// Allocations made so far by the calling thread.
fn allocs() -> usize {
    ALLOCS.with(Cell::get)
}

// SAFETY: every method forwards its arguments unchanged to `System`, which
// upholds the `GlobalAlloc` contract; counting has no effect on memory.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        count_alloc();
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, n: usize) -> *mut u8 {
        count_alloc();
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.realloc(p, l, n) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[test]
fn parse_and_verdict_1000_packets_without_allocating() {
    // 1000 packet messages in datagram-sized chunks, built before counting.
    let mut b = MsgBuilder::with_capacity(1 << 20);
    for id in 1..=1000 {
        common_fixture::packet_msg(&mut b, id);
    }
    let datagrams = b.finish().unwrap().to_vec();
    let mut tx = MsgBuilder::with_capacity(64 * 1024);
    let before = allocs();
    let mut sum = 0u64;
    for (n, m) in MsgIter::new(&datagrams).enumerate() {
        let mut slots = PacketSlots::new();
        let p = PacketMeta::parse(&m.unwrap().nf().unwrap(), &mut slots).unwrap();
        let ip = p.ip().unwrap();
        sum += u64::from(p.id()) + u64::from(ip.dst_port().unwrap()) + p.len() as u64;
        let d = if p.id() % 2 == 0 {
            Verdict::Accept.into()
        } else {
            Verdict::Accept.mark(p.id())
        };
        encode_verdict(&mut tx, p.queue(), p.id(), &d, NlFlags::empty()).unwrap();
        if n % 64 == 63 {
            encode_verdict_batch(
                &mut tx,
                1,
                p.id(),
                &Verdict::Accept.into(),
                NlFlags::empty(),
            )
            .unwrap();
            assert!(!tx.finish().unwrap().is_empty());
            tx.clear();
        }
    }
    let after = allocs();
    assert!(sum > 0);
    assert_eq!(after - before, 0, "allocations on the parse/verdict path");
}

/// The receive loop over real kernel datagrams: `NLMSG_NOOP` requests with
/// `NLM_F_ACK` are answered with one `NLMSG_ERROR` datagram each (an ack,
/// or `EPERM` without privileges; no effect either way), which
/// `Queue::try_recv` reads through several `recvmmsg` batches and skips,
/// until it would block. No privileges needed.
#[test]
fn batched_receive_loop_without_allocating() {
    let mut q = Queue::open().unwrap();
    let mut b = MsgBuilder::with_capacity(256);
    let n = u32::try_from(2 * RECV_BATCH + 5).unwrap();
    let mut send_noops = |q: &Queue| {
        for seq in 1..=n {
            b.clear();
            b.begin_raw(nfnl::sys::NLMSG_NOOP, NlFlags::ACK, seq);
            q.socket().send(b.finish().unwrap()).unwrap();
        }
    };
    // A first round outside the count: the batch's pages get touched.
    send_noops(&q);
    assert!(q.try_recv().unwrap_err().is_would_block());
    let mut made = 0;
    for _ in 0..3 {
        send_noops(&q);
        let before = allocs();
        let r = q.try_recv().map(|p| p.id());
        made += allocs() - before;
        assert!(matches!(&r, Err(e) if e.is_would_block()), "{r:?}");
        assert!(q.try_recv().unwrap_err().is_would_block());
    }
    assert_eq!(made, 0, "allocations in the batched receive loop");
}
