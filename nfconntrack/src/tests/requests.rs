//! Request bytes (create, delete, flush) and statistics replies.

use super::*;

#[test]
fn request_bytes_create_delete_flush() {
    let t = Tuple::new(v4("10.0.0.1"), v4("10.0.0.2"), L4::udp(5, 6)).unwrap();
    // flush of one family: NFNETLINK_V1, so the kernel honours the family
    let mut b = MsgBuilder::new();
    b.begin(flush_header(Family::Ipv4).flags(NlFlags::ACK), 9);
    let bytes = b.finish().unwrap().to_vec();
    #[rustfmt::skip]
    let want = cat(&[
        &20u32.to_ne_bytes(),                               // nlmsg_len
        &0x0102u16.to_ne_bytes(),                           // CTNETLINK << 8 | IPCTNL_MSG_CT_DELETE
        &(NlFlags::REQUEST | NlFlags::ACK).bits().to_ne_bytes(),
        &9u32.to_ne_bytes(), &0u32.to_ne_bytes(),
        &[2, 1, 0, 0],                                      // AF_INET, version 1, res_id 0
    ]);
    assert_eq!(bytes, want);
    assert_eq!(flush_header(Family::Any).version, 1);
    assert_eq!(flush_header(Family::Ipv6).family, 10);
    // delete: tuple + zone + id
    let mut b = MsgBuilder::new();
    b.begin(ct_header(sys::IPCTNL_MSG_CT_DELETE, Family::Ipv4), 1);
    let f = Flow {
        orig: Some(t),
        zone: Some(3),
        id: Some(5),
        ..Flow::default()
    };
    Key::of(&f).unwrap().encode(&mut b).unwrap();
    let bytes = b.finish().unwrap().to_vec();
    #[rustfmt::skip]
    let body = cat(&[
        &h(52, sys::CTA_TUPLE_ORIG | N),
        &h(20, sys::CTA_TUPLE_IP | N),
        &h(8, sys::CTA_IP_V4_SRC), &[10, 0, 0, 1],
        &h(8, sys::CTA_IP_V4_DST), &[10, 0, 0, 2],
        &h(28, sys::CTA_TUPLE_PROTO | N),
        &h(5, sys::CTA_PROTO_NUM), &[17, 0, 0, 0],
        &h(6, sys::CTA_PROTO_SRC_PORT), &[0, 5, 0, 0],
        &h(6, sys::CTA_PROTO_DST_PORT), &[0, 6, 0, 0],
        &h(6, sys::CTA_ZONE), &[0, 3, 0, 0],
        &h(8, sys::CTA_ID), &[0, 0, 0, 5],
    ]);
    assert_eq!(&bytes[20..], &body[..]);
    // a delete without a tuple cannot be encoded: it would be a flush
    let mut b = MsgBuilder::new();
    b.begin(ct_header(sys::IPCTNL_MSG_CT_DELETE, Family::Ipv4), 1);
    let bare = Flow {
        mark: Some(1),
        ..Flow::default()
    };
    assert!(matches!(Key::of(&bare), Err(Error::NoTuple)));
    assert_eq!(b.finish().unwrap().len(), 20, "nothing written");
    // create: mixed families refused before sending
    let mixed = Flow {
        orig: Some(t),
        reply: Some(Tuple::new(v4("::1"), v4("::2"), L4::udp(6, 5)).unwrap()),
        ..Flow::default()
    };
    let e = mixed.check_families().unwrap_err();
    assert_eq!(
        e.to_string(),
        "mixed address families: IPv4 and IPv6 in a flow (its original, reply and master tuples)"
    );
    assert!(matches!(
        Flow::default().check_families(),
        Err(Error::NoTuple)
    ));
    let e = Tuple::new(v4("1.2.3.4"), v4("::1"), L4::tcp(1, 2)).unwrap_err();
    assert_eq!(
        e.to_string(),
        "mixed address families: IPv4 and IPv6 in the source and destination of a tuple"
    );
}

#[test]
fn stats_decode() {
    let g = nlmsg(
        0x0105,
        0,
        0,
        &cat(&[
            &h(8, sys::CTA_STATS_GLOBAL_ENTRIES),
            &12u32.to_be_bytes(),
            &h(8, sys::CTA_STATS_GLOBAL_MAX_ENTRIES),
            &65536u32.to_be_bytes(),
        ]),
    );
    let s = GlobalStats::decode(&NfMsg::parse(&g).unwrap()).unwrap();
    assert_eq!(
        s,
        GlobalStats {
            entries: 12,
            max_entries: Some(65536)
        }
    );
    let c = nlmsg(
        0x0104,
        0,
        0,
        &cat(&[
            &h(8, sys::CTA_STATS_FOUND),
            &3u32.to_be_bytes(),
            &h(8, sys::CTA_STATS_CLASH_RESOLVE),
            &4u32.to_be_bytes(),
            &h(8, 99),
            &5u32.to_be_bytes(), // unknown: skipped
        ]),
    );
    let s = CpuStats::decode(&NfMsg::parse(&c).unwrap()).unwrap();
    assert_eq!((s.found, s.clash_resolve, s.drop), (Some(3), Some(4), None));
    let bad = nlmsg(0x0105, 0, 0, &[]);
    assert!(GlobalStats::decode(&NfMsg::parse(&bad).unwrap()).is_err());
}
