//! A packet message as the kernel sends it for a loopback UDP datagram
//! (shared by the allocation test and the bench).
#![allow(dead_code, missing_docs)]

use nfnl::{MsgBuilder, NfHeader};

/// `NFQNL_MSG_PACKET` for packet `id` on queue 1: header, outdev, skb info,
/// a 60-byte IPv4/UDP payload.
pub fn packet_msg(b: &mut MsgBuilder, id: u32) {
    b.begin(NfHeader::new(3, 0).family(2).res_id(1), 0);
    let i = id.to_be_bytes();
    let _ = b.put_bytes(1, &[i[0], i[1], i[2], i[3], 0x08, 0x00, 3]); // NFQA_PACKET_HDR
    b.put_be32(6, 1); // NFQA_IFINDEX_OUTDEV lo
    b.put_be32(14, 1); // NFQA_SKB_INFO CSUMNOTREADY
    b.put_be32(16, 0); // NFQA_UID
    b.put_be32(17, 0); // NFQA_GID
    #[rustfmt::skip]
    let mut ip = vec![
        0x45, 0, 0, 60, 0, 1, 0x40, 0, 64, 17, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1,
        0x30, 0x39, 0x13, 0x88, 0, 40, 0, 0,
    ];
    ip.resize(60, 0xab);
    let _ = b.put_bytes(10, &ip); // NFQA_PAYLOAD
}
