//! Hostile input (TEST-PLAN Z1, Z6, Z7): random and mutated datagrams fed
//! through every generic parser. Properties: no panic, every iteration
//! terminates and consumes input, errors come only as `Err` values.
//!
//! The deterministic mutator in `nfnl::testutil::mutate` keeps this on the
//! stable toolchain with no dependency; each run covers the same cases.

#![allow(clippy::cast_possible_truncation, clippy::unwrap_used)]

use nfnl::{debug, AttrIter, AttrTable, Control, MsgIter, NfMsg, Pending};

use nfnl::testutil::mutate::{self, Rng};

/// A plausible nfnetlink datagram: 1–3 messages with nested attributes.
fn seed_datagram(rng: &mut Rng) -> Vec<u8> {
    let mut b = nfnl::MsgBuilder::new();
    for seq in 0..(1 + rng.below(3)) {
        let ty = [0x0100u16, 0x0300, 2, 3, 1, 4][rng.below(6)];
        b.begin(
            nfnl::NfHeader::new((ty >> 8) as u8, (ty & 0xff) as u8),
            seq as u32,
        );
        for k in 0..rng.below(6) {
            let kind = rng.below(30) as u16;
            match rng.below(3) {
                0 => {
                    b.put_be32(kind, rng.next() as u32);
                }
                1 => {
                    let len = rng.below(40);
                    b.put_bytes(kind, &rng.bytes(len)).unwrap();
                }
                _ => {
                    b.nest(kind, |b| {
                        b.put_be16(k as u16, 7);
                        b.nest(1, |b| {
                            b.put_u8(2, 1);
                            Ok(())
                        })?;
                        Ok(())
                    })
                    .unwrap();
                }
            }
        }
    }
    b.finish().unwrap().to_vec()
}

fn walk_attrs(it: AttrIter<'_>, depth: usize, budget: &mut usize) {
    for a in it {
        *budget -= 1; // underflow would panic: bounds the total work
        let Ok(a) = a else { return };
        let _ = (
            a.get_u8(),
            a.get_be16(),
            a.get_be32(),
            a.get_be64(),
            a.get_cstr(),
            a.get_str(),
        );
        if depth < 16 {
            walk_attrs(a.nested(), depth + 1, budget);
        }
    }
}

fn exercise(buf: &[u8]) {
    let mut budget = 1_000_000usize;
    let mut pending = Pending::requests(0, 0, 3);
    let mut dump = Pending::dump(0, 1);
    for m in MsgIter::new(buf) {
        budget -= 1;
        let Ok(m) = m else { break };
        let _ = Control::classify(m);
        let _ = pending.on_message(m);
        let _ = dump.on_message(m);
        if let Ok(nf) = m.nf() {
            walk_attrs(nf.attrs(), 0, &mut budget);
            let _ = AttrTable::<'_, 32>::parse(nf.attrs());
        }
    }
    let _ = NfMsg::parse(buf);
    let _ = debug::format_datagram(buf);
}

#[test]
fn random_and_mutated_datagrams_never_panic() {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let seeds: Vec<Vec<u8>> = (0..50).map(|_| seed_datagram(&mut rng)).collect();
    mutate::hammer(&seeds, 400, exercise);
}

#[test]
fn extreme_message_lengths() {
    for len in [0u32, 1, 15, 16, 17, 0x7fff_ffff, 0xffff_ffff] {
        let mut buf = vec![0u8; 32];
        buf[..4].copy_from_slice(&len.to_ne_bytes());
        exercise(&buf);
        let results: Vec<_> = MsgIter::new(&buf).collect();
        assert!(results.len() <= 2, "len {len}: iteration must stop");
    }
}
