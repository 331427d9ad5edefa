//! Decoding a conntrack dump from fixture bytes (no privileges): 1000
//! datagram-packed entries shaped like the kernel's (tuples, status,
//! timeout, mark, TCP protoinfo, counters, timestamps, use, id).

#![allow(missing_docs, clippy::unwrap_used)]

use std::hint::black_box;
use std::ops::ControlFlow;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use nfnl::{MsgBuilder, MsgIter, NfHeader, NlFlags};
use nfnl_conntrack::{
    Counters, CtTimestamp, Flow, ProtoInfo, Status, TcpInfo, TcpState, Tuple, L4,
};

fn fixture(n: u32) -> Vec<u8> {
    let mut b = MsgBuilder::new();
    for i in 0..n {
        let src = std::net::Ipv4Addr::from(0x0a00_0000 | i);
        let t = Tuple::new(
            src.into(),
            "10.255.0.1".parse().unwrap(),
            L4::tcp(40000, 443),
        )
        .unwrap();
        let mut f = Flow::new(t);
        f.status = Some(Status::SEEN_REPLY | Status::ASSURED | Status::CONFIRMED);
        f.timeout = Some(431_999);
        f.mark = Some(i);
        f.use_count = Some(1);
        f.id = Some(i);
        f.counters_orig = Some(Counters {
            packets: 10,
            bytes: 1000,
        });
        f.counters_reply = Some(Counters {
            packets: 9,
            bytes: 9000,
        });
        f.timestamp = Some(CtTimestamp {
            start: Some(1_700_000_000_000_000_000),
            stop: None,
        });
        f.proto_info = Some(ProtoInfo::Tcp(TcpInfo {
            state: Some(TcpState::Established),
            wscale_orig: Some(7),
            wscale_reply: Some(7),
            ..TcpInfo::default()
        }));
        b.begin(NfHeader::new(1, 0).family(2).flags(NlFlags::MULTI), 1);
        f.encode_attrs(&mut b).unwrap();
    }
    b.finish().unwrap().to_vec()
}

fn bench(c: &mut Criterion) {
    let data = fixture(1000);
    let mut g = c.benchmark_group("conntrack_dump");
    g.throughput(Throughput::Elements(1000));
    g.bench_function("decode_1000_flows", |b| {
        b.iter(|| {
            let mut n = 0u32;
            for m in MsgIter::new(black_box(&data)) {
                let f = Flow::decode(&m.unwrap().nf().unwrap()).unwrap();
                n += u32::from(f.mark.is_some());
            }
            n
        })
    });
    g.bench_function("iterate_1000_messages", |b| {
        b.iter(|| {
            let mut n = 0u32;
            for m in MsgIter::new(black_box(&data)) {
                n += u32::from(m.is_ok());
            }
            let _ = ControlFlow::<()>::Continue(());
            n
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
