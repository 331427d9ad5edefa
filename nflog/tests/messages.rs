//! Log messages decoded from byte fixtures: every attribute, and every
//! malformed variant as a typed error.

#![allow(clippy::unwrap_used)]

mod fixture;

use std::net::{IpAddr, Ipv4Addr};
use std::time::{Duration, SystemTime};

use nfnl_log::{CtState, Hook, IpProto, LogMsg, LogMsgSlots, ParseError, ProtoFamily};
use nfnl_sys::log::*;

#[test]
fn every_attribute() {
    let bytes = fixture::rich_message();
    let mut slots = LogMsgSlots::new();
    let m = LogMsg::parse_bytes(&bytes, &mut slots).unwrap();
    assert_eq!(
        (m.group(), m.family(), m.hook(), m.hw_protocol()),
        (9, ProtoFamily::Ipv4, Hook::LocalIn, 0x0800)
    );
    assert_eq!(m.prefix(), Some(&b"in: "[..]));
    assert_eq!(
        (m.indev(), m.outdev(), m.physindev(), m.physoutdev()),
        (Some(2), Some(3), Some(4), Some(5))
    );
    assert_eq!(m.mark(), Some(0x42));
    assert_eq!(m.hwaddr().unwrap().to_string(), "aa:bb:cc:dd:ee:ff");
    assert_eq!(
        (m.hw_type(), m.hw_header_len(), m.hw_header()),
        (Some(1), Some(14), Some(&[0x11; 14][..]))
    );
    let ts = m
        .timestamp()
        .unwrap()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap();
    assert_eq!(ts, Duration::from_millis(1_700_000_000_250));
    assert_eq!((m.uid(), m.gid()), (Some(1234), Some(4321)));
    assert_eq!((m.seq(), m.seq_global()), (Some(7), Some(70)));
    let ct: Vec<_> = m.ct_attrs().unwrap().collect::<Result<_, _>>().unwrap();
    assert_eq!((ct[0].kind(), ct[0].get_be32()), (8, Ok(7)));
    assert_eq!(m.ct_state(), Some(CtState::New));
    let v = m.vlan().unwrap();
    assert_eq!((v.proto, v.id(), v.pcp()), (0x8100, 10, 5));
    assert_eq!(m.l2hdr().map(<[u8]>::len), Some(14));
    assert_eq!(m.payload(), Some(&fixture::UDP4[..]));
    let ip = m.ip().unwrap();
    assert_eq!(
        (ip.src(), ip.protocol(), ip.ports()),
        (
            IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)),
            IpProto::UDP,
            Some((12345, 53))
        )
    );
    assert_eq!(m.packet_len(), Some(32));
    assert_eq!(m.as_bytes(), &bytes[..]);
}

#[test]
fn absent_attributes_are_none() {
    let bytes = fixture::with_attrs(&[]);
    let mut slots = LogMsgSlots::new();
    let m = LogMsg::parse_bytes(&bytes, &mut slots).unwrap();
    assert_eq!(
        (m.hook(), m.hw_protocol(), m.family()),
        (Hook::LocalOut, 0x86dd, ProtoFamily::Ipv4)
    );
    assert_eq!(
        (m.prefix(), m.mark(), m.timestamp(), m.indev(), m.outdev()),
        (None, None, None, None, None)
    );
    assert_eq!(
        (m.hwaddr(), m.hw_type(), m.hw_header(), m.uid(), m.gid()),
        (None, None, None, None, None)
    );
    assert_eq!(
        (
            m.seq(),
            m.seq_global(),
            m.ct_bytes(),
            m.ct_state(),
            m.vlan()
        ),
        (None, None, None, None, None)
    );
    assert_eq!((m.l2hdr(), m.payload(), m.packet_len()), (None, None, None));
    assert!(m.ip().is_none());
}

#[test]
fn truncated_payload_keeps_addresses_and_true_length() {
    // --nflog-size 24: the IP header and half the UDP header
    let bytes = fixture::with_attrs(&[(NFULA_PAYLOAD, &fixture::UDP4[..24])]);
    let mut slots = LogMsgSlots::new();
    let m = LogMsg::parse_bytes(&bytes, &mut slots).unwrap();
    assert_eq!(m.payload().map(<[u8]>::len), Some(24));
    assert_eq!(m.packet_len(), Some(32));
    let ip = m.ip().unwrap();
    assert_eq!(
        (ip.dst().to_string(), ip.ports(), ip.is_complete()),
        ("10.0.0.2".to_string(), Some((12345, 53)), false)
    );
    let bytes = fixture::with_attrs(&[(NFULA_PAYLOAD, &fixture::UDP4[..10])]);
    let mut slots = LogMsgSlots::new();
    let m = LogMsg::parse_bytes(&bytes, &mut slots).unwrap();
    assert!(m.ip().is_none());
    assert_eq!(m.packet_len(), Some(10));
}

#[test]
fn malformed_messages_are_typed_errors() {
    // another message type (a config message)
    let mut bytes = fixture::with_attrs(&[]);
    bytes[4] = 1;
    assert_eq!(
        LogMsg::parse_bytes(&bytes, &mut LogMsgSlots::new()).map(|_| ()),
        Err(ParseError::UnexpectedMessage { msg_type: 0x0401 })
    );
    // no NFULA_PACKET_HDR
    let bytes = fixture::message(1, &[]);
    assert_eq!(
        LogMsg::parse_bytes(&bytes, &mut LogMsgSlots::new()).map(|_| ()),
        Err(ParseError::Missing {
            kind: NFULA_PACKET_HDR,
            within: "NFULNL_MSG_PACKET"
        })
    );
    // each fixed-size attribute one byte short
    for (kind, size) in [
        (NFULA_MARK, 4),
        (NFULA_TIMESTAMP, 16),
        (NFULA_IFINDEX_INDEV, 4),
        (NFULA_IFINDEX_OUTDEV, 4),
        (NFULA_IFINDEX_PHYSINDEV, 4),
        (NFULA_IFINDEX_PHYSOUTDEV, 4),
        (NFULA_HWADDR, 12),
        (NFULA_UID, 4),
        (NFULA_SEQ, 4),
        (NFULA_SEQ_GLOBAL, 4),
        (NFULA_GID, 4),
        (NFULA_HWTYPE, 2),
        (NFULA_HWLEN, 2),
        (NFULA_CT_INFO, 4),
    ] {
        let short = vec![0u8; size - 1];
        let bytes = fixture::with_attrs(&[(kind, &short)]);
        assert_eq!(
            LogMsg::parse_bytes(&bytes, &mut LogMsgSlots::new()).map(|_| ()),
            Err(ParseError::AttrSize {
                kind,
                expected: size,
                got: size - 1
            }),
            "attribute {kind}"
        );
    }
    // a packet header of the wrong size
    let bytes = fixture::message(
        1,
        &nfnl::testutil::fixture::attr(NFULA_PACKET_HDR, &[8, 0, 1]),
    );
    assert!(matches!(
        LogMsg::parse_bytes(&bytes, &mut LogMsgSlots::new()),
        Err(ParseError::AttrSize {
            kind: 1,
            expected: 4,
            got: 3
        })
    ));
    // a prefix without its NUL
    let bytes = fixture::with_attrs(&[(NFULA_PREFIX, b"abc")]);
    assert_eq!(
        LogMsg::parse_bytes(&bytes, &mut LogMsgSlots::new()).map(|_| ()),
        Err(ParseError::Unterminated { kind: NFULA_PREFIX })
    );
    // a VLAN nest with a one-byte TCI
    let nest = [5, 0, 2, 0, 1, 0, 0, 0];
    let bytes = fixture::with_attrs(&[(NFULA_VLAN, &nest)]);
    assert!(matches!(
        LogMsg::parse_bytes(&bytes, &mut LogMsgSlots::new()),
        Err(ParseError::AttrSize { kind: 2, .. })
    ));
    // an attribute running past the message
    let mut bytes = fixture::with_attrs(&[(NFULA_MARK, &[0, 0, 0, 1])]);
    let n = bytes.len();
    bytes[n - 8] = 200;
    assert!(matches!(
        LogMsg::parse_bytes(&bytes, &mut LogMsgSlots::new()),
        Err(ParseError::Truncated { .. })
    ));
}

#[test]
fn every_prefix_of_a_message_is_safe() {
    let full = fixture::rich_message();
    for n in 0..full.len() {
        let mut slots = LogMsgSlots::new();
        if let Ok(m) = LogMsg::parse_bytes(&full[..n], &mut slots) {
            // a prefix that parses is a shorter, still valid message
            assert_eq!(m.group(), 9);
        }
    }
}
