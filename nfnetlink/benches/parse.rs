//! Criterion benchmarks of the generic layer: walking a datagram of 100
//! messages with nested attributes, filling an attribute table, and building
//! a small request in a reused builder. No privileges needed.

#![allow(missing_docs, clippy::unwrap_used, clippy::cast_possible_truncation)]

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use nfnl::{AttrTable, MsgBuilder, MsgIter, NfHeader, NlFlags};

/// 100 conntrack-shaped messages: two tuple nests, status, timeout, mark, id.
fn datagram() -> Vec<u8> {
    let mut b = MsgBuilder::new();
    for i in 0..100u32 {
        b.begin(NfHeader::new(1, 0).flags(NlFlags::MULTI).family(2), 7);
        for tuple in [1u16, 2] {
            b.nest(tuple, |b| {
                b.nest(1, |b| {
                    b.put_bytes(1, &[10, 0, 0, i as u8])?;
                    b.put_bytes(2, &[10, 0, 1, 1])?;
                    Ok(())
                })?;
                b.nest(2, |b| {
                    b.put_u8(1, 6);
                    b.put_be16(2, 40000);
                    b.put_be16(3, 80);
                    Ok(())
                })?;
                Ok(())
            })
            .unwrap();
        }
        b.put_be32(3, 0x18e);
        b.put_be32(7, 431_999);
        b.put_be32(8, i);
        b.put_be32(12, i * 7);
    }
    b.finish().unwrap().to_vec()
}

fn walk(c: &mut Criterion) {
    let d = datagram();
    let mut g = c.benchmark_group("parse");
    g.throughput(Throughput::Elements(100));
    g.bench_function("iterate 100 messages, nested attributes", |bench| {
        bench.iter(|| {
            let mut sum = 0u64;
            for m in MsgIter::new(black_box(&d)) {
                let nf = m.unwrap().nf().unwrap();
                for a in nf.attrs() {
                    let a = a.unwrap();
                    for inner in a.nested() {
                        sum += u64::from(inner.map_or(0, |x| x.kind()));
                    }
                }
            }
            sum
        })
    });
    g.bench_function("attribute table of 100 messages", |bench| {
        bench.iter(|| {
            let mut sum = 0u64;
            for m in MsgIter::new(black_box(&d)) {
                let nf = m.unwrap().nf().unwrap();
                let t = AttrTable::<'_, 32>::parse(nf.attrs()).unwrap();
                sum += u64::from(t.get(8).and_then(|a| a.get_be32().ok()).unwrap_or(0));
            }
            sum
        })
    });
    g.finish();

    let mut b = MsgBuilder::with_capacity(256);
    c.bench_function(
        "build a verdict-sized request in a reused builder",
        |bench| {
            bench.iter(|| {
                b.clear();
                b.begin(NfHeader::new(3, 1).res_id(1), black_box(42));
                b.put_bytes(2, &[0, 0, 0, 1, 0, 0, 0, 42]).unwrap();
                b.put_be32(3, 0x42);
                b.finish().unwrap().len()
            })
        },
    );
}

criterion_group!(benches, walk);
criterion_main!(benches);
