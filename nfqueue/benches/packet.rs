//! Parsing a queued packet message and building its verdict (no privileges).
#![allow(missing_docs, clippy::unwrap_used)]

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use nfnl::{MsgBuilder, NfMsg, NlFlags};
use nfnl_queue::raw::encode_verdict;
use nfnl_queue::{PacketMeta, PacketSlots, Verdict};

#[path = "../tests/common_fixture.rs"]
mod common_fixture;

fn bench(c: &mut Criterion) {
    let mut b = MsgBuilder::new();
    common_fixture::packet_msg(&mut b, 42);
    let msg = b.finish().unwrap().to_vec();
    let mut tx = MsgBuilder::with_capacity(4096);

    let mut g = c.benchmark_group("nfqueue");
    g.throughput(Throughput::Elements(1));
    g.bench_function("parse_packet", |bn| {
        bn.iter(|| {
            let mut slots = PacketSlots::new();
            let p = PacketMeta::parse(&NfMsg::parse(black_box(&msg)).unwrap(), &mut slots).unwrap();
            // The slots are this iteration's: what is returned is owned.
            black_box((p.id(), p.payload().map(<[u8]>::len), p.outdev()))
        })
    });
    g.bench_function("parse_packet_5tuple", |bn| {
        bn.iter(|| {
            let mut slots = PacketSlots::new();
            let p = PacketMeta::parse(&NfMsg::parse(black_box(&msg)).unwrap(), &mut slots).unwrap();
            black_box(p.ip().map(|ip| (ip.src(), ip.dst(), ip.ports())))
        })
    });
    g.bench_function("build_verdict", |bn| {
        bn.iter(|| {
            tx.clear();
            encode_verdict(
                &mut tx,
                1,
                black_box(42),
                &Verdict::Accept.into(),
                NlFlags::empty(),
            )
            .unwrap();
            black_box(tx.finish().unwrap().len())
        })
    });
    g.bench_function("parse_and_verdict", |bn| {
        bn.iter(|| {
            let mut slots = PacketSlots::new();
            let p = PacketMeta::parse(&NfMsg::parse(black_box(&msg)).unwrap(), &mut slots).unwrap();
            tx.clear();
            encode_verdict(
                &mut tx,
                p.queue(),
                p.id(),
                &Verdict::Accept.mark(1),
                NlFlags::empty(),
            )
            .unwrap();
            black_box(tx.finish().unwrap().len())
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
