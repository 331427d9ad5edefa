//! Golden captures from the kernel (`testdata/`, recorded by the namespace test
//! `capture_golden_packets`): queued IPv4 and IPv6 UDP datagrams read through `PacketMeta`.
//! The captures are little-endian, as the machine that recorded them.
#![cfg(target_endian = "little")]
#![allow(clippy::unwrap_used)]

use nfnl::{IpProto, ProtoFamily};
use nfnl_queue::{Hook, PacketMeta, PacketSlots};

#[test]
fn kernel_captured_packets() {
    for (bytes, family, header_len) in [
        (
            &include_bytes!("../testdata/packet_udp4.bin")[..],
            ProtoFamily::Ipv4,
            20,
        ),
        (
            &include_bytes!("../testdata/packet_udp6.bin")[..],
            ProtoFamily::Ipv6,
            40,
        ),
    ] {
        let mut slots = PacketSlots::new();
        let p = PacketMeta::parse_bytes(bytes, &mut slots).unwrap();
        assert_eq!(
            (p.queue(), p.family(), p.hook()),
            (9, family, Hook::LocalOut)
        );
        assert_eq!(p.outdev(), Some(1), "lo");
        let payload = p.payload().unwrap();
        assert_eq!(payload.len(), header_len + 8 + 6);
        assert!(payload.ends_with(b"golden"));
        assert!(!p.is_truncated());
        let ip = p.ip().unwrap();
        assert_eq!((ip.protocol(), ip.dst_port()), (IpProto::UDP, Some(5099)));
        assert!(ip.is_complete());
    }
}
