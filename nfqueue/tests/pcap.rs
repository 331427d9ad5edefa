//! Queued packets written as pcap records (`LINKTYPE_RAW`), checked byte by
//! byte: the kernel's golden captures, and fixtures for truncated packets,
//! timestamps and what cannot be written.

#![allow(clippy::unwrap_used, clippy::cast_possible_truncation)]

use std::io::ErrorKind;

use nfnl::testutil::fixture::{attr, nfmsg};
use nfnl_queue::{LinkType, PacketMeta, PacketSlots, PcapWriter};
use nfnl_sys::queue::*;

/// `NFNL_SUBSYS_QUEUE << 8 | NFQNL_MSG_PACKET`.
const PACKET_TYPE: u16 = 0x0300;

fn u32_at(b: &[u8], i: usize) -> u32 {
    u32::from_ne_bytes(b[i..i + 4].try_into().unwrap())
}

/// A packet message for packet `id` (IPv4 or IPv6 by `hw`) with `extra`
/// attributes after the header.
fn packet(id: u32, hw: u16, extra: &[(u16, &[u8])]) -> Vec<u8> {
    let mut hdr = id.to_be_bytes().to_vec();
    hdr.extend(hw.to_be_bytes());
    hdr.push(3); // NF_INET_LOCAL_OUT
    let mut body = attr(NFQA_PACKET_HDR, &hdr);
    for (kind, payload) in extra {
        body.extend(attr(*kind, payload));
    }
    nfmsg(PACKET_TYPE, 0, 0, 2, 1, &body)
}

#[test]
#[cfg(target_endian = "little")]
fn kernel_captured_packets_are_raw_ip_records_of_their_payload() {
    let mut w = PcapWriter::new(Vec::new(), LinkType::RAW).unwrap();
    let captures = [
        &include_bytes!("../testdata/packet_udp4.bin")[..],
        &include_bytes!("../testdata/packet_udp6.bin")[..],
    ];
    let mut payloads = Vec::new();
    for bytes in captures {
        let mut slots = PacketSlots::new();
        let p = PacketMeta::parse_bytes(bytes, &mut slots).unwrap();
        w.write(&p).unwrap();
        payloads.push(p.payload().unwrap().to_vec());
    }
    let file = w.into_inner();
    assert_eq!(
        (u32_at(&file, 0), u32_at(&file, 16), u32_at(&file, 20)),
        (0xa1b2_c3d4, 262_144, 101),
        "magic, snaplen, LINKTYPE_RAW"
    );
    let mut at = 24;
    for (payload, version) in payloads.iter().zip([0x45, 0x60]) {
        let len = payload.len();
        assert_eq!(
            (u32_at(&file, at + 8), u32_at(&file, at + 12)),
            (len as u32, len as u32)
        );
        assert_eq!(&file[at + 16..at + 16 + len], &payload[..]);
        assert_eq!(file[at + 16], version);
        at += 16 + len;
    }
    assert_eq!(at, file.len());
}

#[test]
fn truncated_packets_keep_their_full_length_and_timestamps_their_microseconds() {
    let ip = [
        0x45u8, 0, 0x05, 0xdc, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
    ];
    let mut ts = 1_700_000_000u64.to_be_bytes().to_vec();
    ts.extend(654_321u64.to_be_bytes());
    let msg = packet(
        5,
        0x0800,
        &[
            (NFQA_TIMESTAMP, &ts),
            (NFQA_PAYLOAD, &ip),
            (NFQA_CAP_LEN, &1500u32.to_be_bytes()),
        ],
    );
    let mut w = PcapWriter::new(Vec::new(), LinkType::RAW).unwrap();
    w.write(&PacketMeta::parse_bytes(&msg, &mut PacketSlots::new()).unwrap())
        .unwrap();
    let file = w.into_inner();
    assert_eq!(
        (u32_at(&file, 24), u32_at(&file, 28)),
        (1_700_000_000, 654_321)
    );
    assert_eq!((u32_at(&file, 32), u32_at(&file, 36)), (20, 1500));
    assert_eq!(&file[40..], &ip);
}

#[test]
fn packets_without_an_ip_payload_are_refused_by_name_and_nothing_is_written() {
    let arp = [0x00u8, 0x01, 0x08, 0x00, 6, 4, 0, 1];
    let cases = [
        (packet(7, 0x0800, &[]), "packet 7 (queue 1): no payload"),
        (
            packet(8, 0x0806, &[(NFQA_PAYLOAD, &arp)]),
            "packet 8 (queue 1): not an IPv4 or IPv6 packet (hardware protocol 0x0806)",
        ),
        (
            packet(9, 0x0800, &[(NFQA_PAYLOAD, &[])]),
            "packet 9 (queue 1): not an IPv4 or IPv6 packet",
        ),
    ];
    for (msg, want) in cases {
        let mut w = PcapWriter::new(Vec::new(), LinkType::RAW).unwrap();
        let e = w
            .write(&PacketMeta::parse_bytes(&msg, &mut PacketSlots::new()).unwrap())
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        assert!(e.to_string().contains(want), "{e}\nwanted: {want}");
        assert_eq!(w.into_inner().len(), 24, "only the file header");
    }
}
