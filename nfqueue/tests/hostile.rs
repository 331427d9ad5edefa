//! Hostile input (TEST-PLAN Z2): mutated packet messages and random bytes
//! through the packet parser and every accessor, including the IP/port
//! helpers that read attacker-controlled payload bytes. No panic allowed.

#![allow(clippy::unwrap_used, clippy::cast_possible_truncation)]

mod common_fixture;
use nfnl::testutil::mutate;

use nfnl::{MsgBuilder, NfHeader};
use nfnl_queue::{PacketMeta, PacketSlots};
use nfnl_sys::queue::*;

/// A packet message with every optional attribute, IPv6 payload included.
fn rich_packet() -> Vec<u8> {
    let mut b = MsgBuilder::new();
    b.begin(NfHeader::new(3, 0).family(10).res_id(7), 0);
    b.put_bytes(NFQA_PACKET_HDR, &[0, 0, 0, 9, 0x86, 0xdd, 1])
        .unwrap();
    b.put_be32(NFQA_MARK, 0x42);
    b.put_bytes(
        NFQA_TIMESTAMP,
        &[0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2],
    )
    .unwrap();
    for kind in [
        NFQA_IFINDEX_INDEV,
        NFQA_IFINDEX_OUTDEV,
        NFQA_IFINDEX_PHYSINDEV,
        NFQA_IFINDEX_PHYSOUTDEV,
    ] {
        b.put_be32(kind, 2);
    }
    b.put_bytes(NFQA_HWADDR, &[0, 6, 0, 0, 1, 2, 3, 4, 5, 6, 0, 0])
        .unwrap();
    b.put_be32(NFQA_SKB_INFO, 3);
    b.put_be32(NFQA_CAP_LEN, 1500);
    b.put_be32(NFQA_UID, 1000);
    b.put_be32(NFQA_GID, 1000);
    b.put_bytes(NFQA_SECCTX, b"system_u:object_r:x:s0\0")
        .unwrap();
    b.nest(NFQA_VLAN, |b| {
        b.put_be16(NFQA_VLAN_PROTO, 0x8100);
        b.put_be16(NFQA_VLAN_TCI, 0x2005);
        Ok(())
    })
    .unwrap();
    b.put_bytes(NFQA_L2HDR, &[0xff; 14]).unwrap();
    b.put_be32(NFQA_PRIORITY, 6);
    b.put_be32(NFQA_CT_INFO, 2);
    b.nest(NFQA_CT, |b| {
        b.put_be32(12, 77); // CTA_ID
        Ok(())
    })
    .unwrap();
    #[rustfmt::skip]
    let mut ip6 = vec![
        0x60, 0, 0, 0, 0, 16, 17, 64,               // IPv6, payload 16, next header UDP
    ];
    ip6.extend([0u8; 15]);
    ip6.push(1); // ::1
    ip6.extend([0u8; 15]);
    ip6.push(1); // ::1
    ip6.extend([0x30, 0x39, 0x13, 0x88, 0, 16, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8]);
    b.put_bytes(NFQA_PAYLOAD, &ip6).unwrap();
    b.finish().unwrap().to_vec()
}

fn exercise(bytes: &[u8]) {
    let mut slots = PacketSlots::new();
    let Ok(p) = PacketMeta::parse_bytes(bytes, &mut slots) else {
        return;
    };
    let _ = (
        p.queue(),
        p.id(),
        p.hook(),
        p.mark(),
        p.timestamp(),
        p.indev(),
        p.outdev(),
    );
    let _ = (
        p.physindev(),
        p.physoutdev(),
        p.hwaddr(),
        p.payload(),
        p.cap_len(),
    );
    let _ = (
        p.is_truncated(),
        p.len(),
        p.skb_info(),
        p.ct_state(),
        p.exp_bytes(),
    );
    let _ = (p.uid(), p.gid(), p.secctx(), p.vlan(), p.priority(), p.ip());
    if let Some(it) = p.ct_attrs() {
        for a in it.flatten() {
            let _ = a.get_be32();
        }
    }
}

#[test]
fn mutated_packets_never_panic() {
    let mut b = MsgBuilder::new();
    common_fixture::packet_msg(&mut b, 1);
    let udp = b.finish().unwrap().to_vec();
    let rich = rich_packet();
    assert!(
        PacketMeta::parse_bytes(&rich, &mut PacketSlots::new())
            .unwrap()
            .ip()
            .is_some(),
        "seed parses"
    );
    mutate::hammer(&[udp, rich], 5000, exercise);
}
