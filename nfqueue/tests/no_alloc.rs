//! The hot path allocates nothing: parsing 1000 packet messages and building
//! their verdicts into a reused buffer makes zero heap allocations.
#![allow(clippy::unwrap_used, missing_docs)]
// A counting global allocator needs `unsafe impl GlobalAlloc`; this test-only
// file is the one exception to the workspace's `unsafe_code = "deny"`. It
// only forwards to the system allocator.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use nfnetlink::{MsgBuilder, MsgIter, NlFlags};
use nfqueue::{encode_verdict, encode_verdict_batch, PacketMeta, Verdict};

mod common_fixture;

struct Counting;

static ALLOCS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every method forwards its arguments unchanged to `System`, which
// upholds the `GlobalAlloc` contract; counting has no effect on memory.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, n: usize) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
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
    let before = ALLOCS.load(Ordering::Relaxed);
    let mut sum = 0u64;
    for (n, m) in MsgIter::new(&datagrams).enumerate() {
        let p = PacketMeta::parse(&m.unwrap().nf().unwrap()).unwrap();
        let ip = p.ip().unwrap();
        sum += u64::from(p.id()) + u64::from(ip.dst_port.unwrap()) + p.len() as u64;
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
    let after = ALLOCS.load(Ordering::Relaxed);
    assert!(sum > 0);
    assert_eq!(after - before, 0, "allocations on the parse/verdict path");
}
