//! Unit tests on documented byte fixtures: decode, encode, round trips,
//! typed errors for malformed input, request bytes, display.

use std::net::IpAddr;

use nfnl::testutil::fixture::{self, attr_header as h};
use nfnl::testutil::mutate;
use nfnl::{AttrIter, MsgBuilder, NfHeader, NfMsg, NlFlags, ParseError};
use nfnl_sys as sys;

use crate::conntrack::flush::flush_header;
use crate::conntrack::{ct_header, Key};
use crate::*;

/// A flow-shaped message (seq 7, from the kernel) with nfgenmsg `family` around `body`.
pub(super) fn nlmsg(ty: u16, flags: u16, family: u8, body: &[u8]) -> Vec<u8> {
    fixture::nfmsg(ty, flags, 7, family, 0, body)
}

pub(super) const N: u16 = 0x8000; // NLA_F_NESTED

pub(super) fn cat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

/// CTA_TUPLE_ORIG of a TCP flow 127.0.0.1:40000 -> 127.0.0.2:80, as the
/// kernel sends it (`ctnetlink_dump_tuples`).
pub(super) fn tcp_orig_fixture() -> Vec<u8> {
    cat(&[
        &h(52, sys::CTA_TUPLE_ORIG | N),
        &h(20, sys::CTA_TUPLE_IP | N),
        &h(8, sys::CTA_IP_V4_SRC),
        &[127, 0, 0, 1], // 127.0.0.1
        &h(8, sys::CTA_IP_V4_DST),
        &[127, 0, 0, 2], // 127.0.0.2
        &h(28, sys::CTA_TUPLE_PROTO | N),
        &h(5, sys::CTA_PROTO_NUM),
        &[6, 0, 0, 0], // TCP + pad
        &h(6, sys::CTA_PROTO_SRC_PORT),
        &[0x9c, 0x40, 0, 0], // 40000 (be16) + pad
        &h(6, sys::CTA_PROTO_DST_PORT),
        &[0, 80, 0, 0], // 80 (be16) + pad
    ])
}

#[rustfmt::skip]
pub(super) fn tcp_flow_fixture() -> Vec<u8> {
    let reply = cat(&[
        &h(52, sys::CTA_TUPLE_REPLY | N),
        &h(20, sys::CTA_TUPLE_IP | N),
        &h(8, sys::CTA_IP_V4_SRC), &[127, 0, 0, 2],
        &h(8, sys::CTA_IP_V4_DST), &[127, 0, 0, 1],
        &h(28, sys::CTA_TUPLE_PROTO | N),
        &h(5, sys::CTA_PROTO_NUM), &[6, 0, 0, 0],
        &h(6, sys::CTA_PROTO_SRC_PORT), &[0, 80, 0, 0],
        &h(6, sys::CTA_PROTO_DST_PORT), &[0x9c, 0x40, 0, 0],
    ]);
    let body = cat(&[
        &tcp_orig_fixture(),
        &reply,
        &h(8, sys::CTA_STATUS), &0x0000_000eu32.to_be_bytes(),  // SEEN_REPLY|ASSURED|CONFIRMED
        &h(8, sys::CTA_TIMEOUT), &431_999u32.to_be_bytes(),
        &h(8, sys::CTA_MARK), &0u32.to_be_bytes(),
        &h(48, sys::CTA_PROTOINFO | N),
        &h(44, sys::CTA_PROTOINFO_TCP | N),
        &h(5, sys::CTA_PROTOINFO_TCP_STATE), &[3, 0, 0, 0],            // ESTABLISHED
        &h(5, sys::CTA_PROTOINFO_TCP_WSCALE_ORIGINAL), &[7, 0, 0, 0],
        &h(5, sys::CTA_PROTOINFO_TCP_WSCALE_REPLY), &[7, 0, 0, 0],
        &h(6, sys::CTA_PROTOINFO_TCP_FLAGS_ORIGINAL), &[0x23, 0x23, 0, 0],
        &h(6, sys::CTA_PROTOINFO_TCP_FLAGS_REPLY), &[0x23, 0x23, 0, 0],
        &h(8, sys::CTA_USE), &1u32.to_be_bytes(),
        &h(8, sys::CTA_ID), &0xdead_beefu32.to_be_bytes(),
        &h(4, 200),                                                   // unknown attribute: skipped
    ]);
    nlmsg(0x0100, NlFlags::MULTI.bits(), 2, &body)
}

pub(super) fn v4(s: &str) -> IpAddr {
    s.parse().unwrap()
}

/// Decodes the flow of a whole message (the message itself must parse).
pub(super) fn decode(m: &[u8]) -> Result<Flow, ParseError> {
    Flow::decode(&NfMsg::parse(m).unwrap())
}

/// A flow message holding only `CTA_TUPLE_ORIG` with nest contents `inner`.
pub(super) fn orig_tuple_msg(inner: Vec<u8>) -> Vec<u8> {
    let mut v = h(
        u16::try_from(4 + inner.len()).unwrap(),
        sys::CTA_TUPLE_ORIG | N,
    )
    .to_vec();
    v.extend(inner);
    nlmsg(0x0100, 0, 2, &v)
}

pub(super) fn roundtrip(f: &Flow) -> Flow {
    let mut b = MsgBuilder::new();
    b.begin(NfHeader::new(1, 0), 1);
    f.encode_attrs(&mut b).unwrap();
    let bytes = b.finish().unwrap().to_vec();
    let back = decode(&bytes).unwrap();
    // and once more: decode -> encode -> decode is stable
    let mut b2 = MsgBuilder::new();
    b2.begin(NfHeader::new(1, 0), 1);
    back.encode_attrs(&mut b2).unwrap();
    assert_eq!(b2.finish().unwrap(), &bytes[..]);
    back
}

/// A flow with every optional attribute set.
pub(super) fn full_flow() -> Flow {
    let t = Tuple::new(v4("192.0.2.1"), v4("198.51.100.2"), L4::tcp(1000, 2000)).unwrap();
    Flow {
        orig: Some(t.with_zone(1)),
        reply: Some(t.inverted().with_zone(2)),
        master: Some(t),
        status: Some(Status::from_bits_retain(0x8000_0000) | Status::OFFLOAD),
        timeout: Some(5),
        mark: Some(0xffff_ffff),
        zone: Some(9),
        labels: Some(Labels::from_bits(1 << 127 | 1)),
        secmark: Some(3),
        secctx: Some("system_u:object_r:x_t:s0".into()),
        helper: Some("ftp".into()),
        helper_info: Some(vec![1, 2, 3, 0, 0xff]),
        nat_src: Some(NatRange::to_addr(v4("192.0.2.77")).with_ports(1024, 65535)),
        nat_dst: Some(NatRange {
            min_addr: None,
            max_addr: None,
            ports: Some((8080, 8080)),
        }),
        use_count: Some(2),
        id: Some(77),
        counters_orig: Some(Counters {
            packets: 1,
            bytes: 60,
        }),
        counters_reply: Some(Counters {
            packets: u64::MAX,
            bytes: 1 << 40,
        }),
        timestamp: Some(CtTimestamp {
            start: Some(1_700_000_000_000_000_000),
            stop: Some(1_700_000_010_000_000_000),
        }),
        proto_info: Some(ProtoInfo::Tcp(TcpInfo {
            state: Some(TcpState::Unknown(42)),
            wscale_orig: Some(1),
            wscale_reply: Some(2),
            flags_orig: Some(TcpFlagsMask {
                flags: TcpFlags::SACK_PERM,
                mask: TcpFlags::all(),
            }),
            flags_reply: None,
        })),
        seq_adj_orig: Some(SeqAdj {
            correction_pos: 1,
            offset_before: 2,
            offset_after: 3,
        }),
        seq_adj_reply: Some(SeqAdj::default()),
        synproxy: Some(Synproxy {
            isn: 4,
            its: 5,
            tsoff: 6,
        }),
    }
}

/// Bytes from a hex string (fixtures quoted from reports).
pub(super) fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

#[cfg(target_endian = "little")]
pub(super) use nfnl::testutil::fixture::data_messages as captured;

mod display;
mod events;
mod expect;
mod filter;
mod flow;
mod requests;
