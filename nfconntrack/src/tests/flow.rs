//! Flows and tuples: decode, encode, round trips, typed errors for malformed input.

use super::*;

#[test]
fn decodes_kernel_tcp_flow() {
    let bytes = tcp_flow_fixture();
    let msg = NfMsg::parse(&bytes).unwrap();
    let f = Flow::decode(&msg).unwrap();
    let orig = f.orig.unwrap();
    assert_eq!((orig.src, orig.dst), (v4("127.0.0.1"), v4("127.0.0.2")));
    assert_eq!(orig.proto, L4::tcp(40000, 80));
    assert_eq!(f.reply.unwrap(), orig.inverted());
    assert_eq!(
        f.status,
        Some(Status::SEEN_REPLY | Status::ASSURED | Status::CONFIRMED)
    );
    assert_eq!(f.timeout, Some(431_999));
    assert_eq!(f.tcp_state(), Some(TcpState::Established));
    let Some(ProtoInfo::Tcp(t)) = f.proto_info else {
        panic!()
    };
    assert_eq!(t.wscale_orig, Some(7));
    assert_eq!(t.flags_reply.unwrap().flags.bits(), 0x23);
    assert_eq!((f.use_count, f.id), (Some(1), Some(0xdead_beef)));
    assert_eq!(f.zone, None);
    assert_eq!(f.counters_orig, None);
    assert_eq!(
        f.to_string(),
        "tcp      6 431999 ESTABLISHED src=127.0.0.1 dst=127.0.0.2 sport=40000 dport=80 \
         src=127.0.0.2 dst=127.0.0.1 sport=80 dport=40000 [ASSURED] mark=0 use=1"
    );
    // encoding the decoded flow gives back the kernel's bytes (minus the unknown attribute)
    let mut b = MsgBuilder::new();
    b.begin(ct_header(0, Family::Ipv4).flags(NlFlags::MULTI), 7);
    f.encode_attrs(&mut b).unwrap();
    let ours = b.finish().unwrap().to_vec();
    let theirs = &bytes[..bytes.len() - 4];
    // header differs only by NLM_F_REQUEST and the length
    assert_eq!(&ours[20..], &theirs[20..]);
}

#[test]
fn tuple_fixture_encodes_identically() {
    let fx = tcp_orig_fixture();
    let attr = AttrIter::new(&fx).next().unwrap().unwrap();
    let t = Tuple::decode_nested(attr.nested()).unwrap();
    let mut b = MsgBuilder::new();
    b.begin(NfHeader::new(1, 0), 1);
    t.encode(sys::CTA_TUPLE_ORIG, &mut b).unwrap();
    assert_eq!(&b.finish().unwrap()[20..], &fx[..]);
}

#[test]
fn tuples_of_every_protocol_roundtrip() {
    let cases: Vec<(&str, &str, L4)> = vec![
        ("10.0.0.1", "10.0.0.2", L4::tcp(1, 2)),
        ("10.0.0.1", "10.0.0.2", L4::udp(53, 5353)),
        (
            "10.0.0.1",
            "10.0.0.2",
            L4::Ports {
                proto: IpProto::UDPLITE,
                src: 3,
                dst: 4,
            },
        ),
        (
            "10.0.0.1",
            "10.0.0.2",
            L4::Ports {
                proto: IpProto::SCTP,
                src: 5,
                dst: 6,
            },
        ),
        (
            "10.0.0.1",
            "10.0.0.2",
            L4::Ports {
                proto: IpProto::DCCP,
                src: 7,
                dst: 8,
            },
        ),
        (
            "10.0.0.1",
            "10.0.0.2",
            L4::Ports {
                proto: IpProto::GRE,
                src: 0x10,
                dst: 0x20,
            },
        ),
        (
            "10.0.0.1",
            "10.0.0.2",
            L4::Icmp {
                id: 1226,
                kind: 8,
                code: 0,
            },
        ),
        (
            "fe80::1",
            "2001:db8::2",
            L4::IcmpV6 {
                id: 9,
                kind: 128,
                code: 0,
            },
        ),
        ("fe80::1", "2001:db8::2", L4::tcp(443, 50000)),
        ("10.0.0.1", "10.0.0.2", L4::Other { proto: IpProto(2) }),
        (
            "10.0.0.1",
            "10.0.0.2",
            L4::Other {
                proto: IpProto(200),
            },
        ),
    ];
    for (s, d, l4) in cases {
        let t = Tuple::new(v4(s), v4(d), l4).unwrap().with_zone(5);
        let f = Flow {
            master: Some(t),
            ..Flow::new(t)
        };
        assert_eq!(roundtrip(&f), f, "{l4:?}");
    }
}

#[test]
fn full_flow_with_every_optional_attribute_roundtrips() {
    let full = full_flow();
    let t = full.master.unwrap();
    assert_eq!(roundtrip(&full), full);
    for p in [
        ProtoInfo::Sctp(SctpInfo {
            state: Some(SctpState::Established),
            vtag_orig: Some(1),
            vtag_reply: Some(2),
        }),
        ProtoInfo::Dccp(DccpInfo {
            state: Some(DccpState::Open),
            role: Some(1),
            handshake_seq: Some(99),
        }),
    ] {
        let f = Flow {
            proto_info: Some(p),
            ..Flow::new(t)
        };
        assert_eq!(roundtrip(&f), f);
    }
    assert_eq!(
        full.to_string(),
        "tcp      6 5 NONE src=192.0.2.1 dst=198.51.100.2 sport=1000 dport=2000 zone-orig=1 \
         packets=1 bytes=60 [UNREPLIED] src=198.51.100.2 dst=192.0.2.1 sport=2000 dport=1000 \
         zone-reply=2 packets=18446744073709551615 bytes=1099511627776 [OFFLOAD] \
         mark=4294967295 secmark=3 secctx=system_u:object_r:x_t:s0 zone=9 delta-time=10 \
         helper=ftp use=2"
    );
    let opts = DisplayOptions {
        extended: true,
        id: true,
        labels: true,
        now: None,
    };
    assert!(full
        .display_with(opts)
        .to_string()
        .starts_with("ipv4     2 tcp      6 5 "));
    assert!(full
        .display_with(opts)
        .to_string()
        .ends_with("use=2 id=77 labels=0,127"));
}

#[test]
fn malformed_inputs_give_typed_errors() {
    let tuple = orig_tuple_msg;
    // v4 source with a v6 destination
    let mixed = tuple(cat(&[
        &h(32, sys::CTA_TUPLE_IP | N),
        &h(8, sys::CTA_IP_V4_SRC),
        &[1, 2, 3, 4],
        &h(20, sys::CTA_IP_V6_DST),
        &[0; 16],
        &h(12, sys::CTA_TUPLE_PROTO | N),
        &h(5, sys::CTA_PROTO_NUM),
        &[200, 0, 0, 0],
    ]));
    let e = decode(&mixed).unwrap_err();
    assert!(
        matches!(
            e,
            ParseError::InvalidValue {
                kind: sys::CTA_TUPLE_IP,
                ..
            }
        ),
        "{e:?}"
    );
    // TCP without ports, and no protocol nest at all (CVE-2015-6496 shape)
    let no_ports = tuple(cat(&[
        &h(20, sys::CTA_TUPLE_IP | N),
        &h(8, sys::CTA_IP_V4_SRC),
        &[1, 2, 3, 4],
        &h(8, sys::CTA_IP_V4_DST),
        &[1, 2, 3, 5],
        &h(20, sys::CTA_TUPLE_PROTO | N),
        &h(5, sys::CTA_PROTO_NUM),
        &[6, 0, 0, 0],
        &h(6, sys::CTA_PROTO_DST_PORT),
        &[0, 80, 0, 0],
    ]));
    assert_eq!(
        decode(&no_ports).unwrap_err(),
        ParseError::Missing {
            kind: sys::CTA_PROTO_SRC_PORT,
            within: "CTA_TUPLE_PROTO"
        }
    );
    let no_proto = tuple(cat(&[
        &h(20, sys::CTA_TUPLE_IP | N),
        &h(8, sys::CTA_IP_V4_SRC),
        &[1, 2, 3, 4],
        &h(8, sys::CTA_IP_V4_DST),
        &[1, 2, 3, 5],
    ]));
    assert_eq!(
        decode(&no_proto).unwrap_err(),
        ParseError::Missing {
            kind: sys::CTA_TUPLE_PROTO,
            within: "CTA_TUPLE"
        }
    );
    // CTA_TIMEOUT of 2 bytes
    let short = nlmsg(
        0x0100,
        0,
        2,
        &cat(&[&h(6, sys::CTA_TIMEOUT), &[0, 1, 0, 0]]),
    );
    assert_eq!(
        decode(&short).unwrap_err(),
        ParseError::AttrSize {
            kind: sys::CTA_TIMEOUT,
            expected: 4,
            got: 2
        }
    );
    // an attribute longer than the message
    let over = nlmsg(0x0100, 0, 2, &cat(&[&h(40, sys::CTA_MARK), &[0, 0, 0, 1]]));
    assert!(matches!(
        decode(&over).unwrap_err(),
        ParseError::Truncated { .. }
    ));
    // labels of 20 bytes
    let labels = nlmsg(0x0100, 0, 2, &cat(&[&h(24, sys::CTA_LABELS), &[0; 20]]));
    assert!(matches!(
        decode(&labels).unwrap_err(),
        ParseError::AttrSize {
            kind: sys::CTA_LABELS,
            ..
        }
    ));
    // counters without bytes
    let ctr = nlmsg(
        0x0100,
        0,
        2,
        &cat(&[
            &h(16, sys::CTA_COUNTERS_ORIG | N),
            &h(12, sys::CTA_COUNTERS_PACKETS),
            &1u64.to_be_bytes(),
        ]),
    );
    assert_eq!(
        decode(&ctr).unwrap_err(),
        ParseError::Missing {
            kind: sys::CTA_COUNTERS_BYTES,
            within: "CTA_COUNTERS"
        }
    );
    // helper nest without a name
    let help = nlmsg(0x0100, 0, 2, &h(4, sys::CTA_HELP | N));
    assert!(matches!(
        decode(&help).unwrap_err(),
        ParseError::Missing {
            kind: sys::CTA_HELP_NAME,
            ..
        }
    ));
    // every prefix of a valid message: never a panic
    let good = tcp_flow_fixture();
    for n in 0..good.len() {
        let _ = NfMsg::parse(&good[..n]).map(|m| Flow::decode(&m));
        let _ = Flow::decode_attrs(AttrIter::new(&good[20..n.max(20)]));
    }
}

#[test]
fn labels_wire_layout() {
    let l = Labels::from_bits(1 | 1 << 64 | 1 << 127);
    let w = l.to_wire();
    assert_eq!(Labels::from_wire(&w), Some(l));
    #[cfg(all(target_endian = "little", target_pointer_width = "64"))]
    assert_eq!(w, (1u128 | 1 << 64 | 1 << 127).to_le_bytes());
    assert_eq!(
        Labels::from_wire(&[1, 0, 0, 0]).map(|l| l.contains(0)),
        Some(cfg!(target_endian = "little"))
    );
    assert_eq!(Labels::from_wire(&[0; 17]), None);
}

/// Hostile input (TEST-PLAN Z2): mutations of real-shaped flow, event,
/// statistics and expectation messages through every decoder and through
/// `Display`. No panic allowed.
#[test]
fn mutated_messages_never_panic() {
    let mut b = MsgBuilder::new();
    b.begin(NfHeader::new(1, 0), 0);
    full_flow().encode_attrs(&mut b).unwrap();
    let full = b.finish().unwrap().to_vec();
    let seeds = [tcp_flow_fixture(), full];
    // Miri (the 32-bit run of cargo xtask test) interprets every step: fewer rounds there.
    let rounds = if cfg!(miri) { 30 } else { 3000 };
    mutate::hammer(&seeds, rounds, |bytes| {
        let Ok(msg) = NfMsg::parse(bytes) else { return };
        if let Ok(f) = Flow::decode(&msg) {
            let _ = f.to_string();
            let _ = f
                .display_with(DisplayOptions {
                    extended: true,
                    id: true,
                    labels: true,
                    now: Some(std::time::UNIX_EPOCH + std::time::Duration::from_secs(1 << 40)),
                })
                .to_string();
        }
        let _ = Event::decode(&msg);
        let _ = Expect::decode(&msg);
        let _ = (
            GlobalStats::decode(&msg),
            CpuStats::decode(&msg),
            ExpCpuStats::decode(&msg),
        );
    });
}

#[test]
fn nat_ranges_encode_as_the_kernel_reads_them() {
    let t = Tuple::new(v4("10.0.0.1"), v4("10.0.0.2"), L4::udp(5, 6)).unwrap();
    let mut f = Flow::new(t);
    f.nat_src = Some(NatRange::to_addr(v4("192.0.2.9")).with_ports(6000, 6010));
    f.nat_dst = Some(NatRange::to_range(v4("192.0.2.20"), v4("192.0.2.29")).unwrap());
    let mut b = MsgBuilder::new();
    b.begin(ct_header(sys::IPCTNL_MSG_CT_NEW, Family::Ipv4), 1);
    f.encode_nat(&mut b).unwrap();
    let bytes = b.finish().unwrap().to_vec();
    #[rustfmt::skip]
    let want = cat(&[
        &h(40, sys::CTA_NAT_SRC | N),
        &h(8, sys::CTA_NAT_V4_MINIP), &[192, 0, 2, 9],
        &h(8, sys::CTA_NAT_V4_MAXIP), &[192, 0, 2, 9],
        &h(20, sys::CTA_NAT_PROTO | N),
        &h(6, sys::CTA_PROTONAT_PORT_MIN), &[0x17, 0x70, 0, 0],
        &h(6, sys::CTA_PROTONAT_PORT_MAX), &[0x17, 0x7a, 0, 0],
        &h(20, sys::CTA_NAT_DST | N),
        &h(8, sys::CTA_NAT_V4_MINIP), &[192, 0, 2, 20],
        &h(8, sys::CTA_NAT_V4_MAXIP), &[192, 0, 2, 29],
    ]);
    assert_eq!(&bytes[20..], &want[..]);
    let back = decode(&bytes).unwrap();
    assert_eq!((back.nat_src, back.nat_dst), (f.nat_src, f.nat_dst));
    // v6
    let r6 = NatRange::to_addr("2001:db8::9".parse().unwrap());
    let mut b = MsgBuilder::new();
    b.begin(NfHeader::new(1, 0), 1);
    b.nest(sys::CTA_NAT_SRC, |b| r6.encode_nested(b)).unwrap();
    let bytes = b.finish().unwrap().to_vec();
    assert_eq!(
        &bytes[20..28],
        &cat(&[&h(44, sys::CTA_NAT_SRC | N), &h(20, sys::CTA_NAT_V6_MINIP)])[..]
    );
    let back = decode(&bytes).unwrap();
    assert_eq!(back.nat_src, Some(r6));
    // a lone port bound is read like the kernel reads it
    let lone = |kind: u16| {
        nlmsg(
            0x0100,
            0,
            2,
            &cat(&[
                &h(16, sys::CTA_NAT_DST | N),
                &h(12, sys::CTA_NAT_PROTO | N),
                &h(6, kind),
                &[0, 80, 0, 0],
            ]),
        )
    };
    let got = |m: Vec<u8>| decode(&m).unwrap().nat_dst;
    let ports = |p| {
        Some(NatRange {
            ports: Some(p),
            ..NatRange::default()
        })
    };
    assert_eq!(got(lone(sys::CTA_PROTONAT_PORT_MIN)), ports((80, 80)));
    assert_eq!(got(lone(sys::CTA_PROTONAT_PORT_MAX)), ports((0, 80)));
    // a range mixing families: a typed error, not a panic
    let mixed = nlmsg(
        0x0100,
        0,
        2,
        &cat(&[
            &h(32, sys::CTA_NAT_SRC | N),
            &h(8, sys::CTA_NAT_V4_MINIP),
            &[1, 2, 3, 4],
            &h(20, sys::CTA_NAT_V6_MAXIP),
            &[0; 16],
        ]),
    );
    assert!(matches!(
        decode(&mixed).unwrap_err(),
        ParseError::InvalidValue { .. }
    ));
    // family checks before sending
    assert!(NatRange::to_range(v4("1.2.3.4"), v4("::1")).is_err());
    let mut wrong = Flow::new(t);
    wrong.timeout = Some(1);
    wrong.nat_src = Some(NatRange::to_addr(v4("::9")));
    assert!(matches!(
        wrong.check_families(),
        Err(Error::MixedFamilies { .. })
    ));
    wrong.nat_src = Some(NatRange {
        min_addr: Some(v4("1.1.1.1")),
        max_addr: Some(v4("::1")),
        ports: None,
    });
    assert!(matches!(
        wrong.check_families(),
        Err(Error::MixedFamilies { .. })
    ));
    let mut b = MsgBuilder::new();
    b.begin(NfHeader::new(1, 0), 1);
    assert!(wrong.encode_nat(&mut b).is_err());
    wrong.nat_src = Some(NatRange::default().with_ports(1, 2));
    assert_eq!(wrong.check_families().unwrap(), Family::Ipv4);
}

#[test]
fn translations_are_read_from_the_tuples() {
    let orig = Tuple::new(v4("10.0.0.1"), v4("10.0.0.2"), L4::tcp(5000, 80)).unwrap();
    let mut f = Flow::new(orig);
    assert_eq!(
        (f.source_translation(), f.destination_translation()),
        (None, None)
    );
    // DNAT to 192.0.2.10:8080 (what `conntrack -I --dst-nat 192.0.2.10:8080` makes)
    f.reply = Some(Tuple::new(v4("192.0.2.10"), v4("10.0.0.1"), L4::tcp(8080, 5000)).unwrap());
    assert_eq!(f.source_translation(), None);
    assert_eq!(
        f.destination_translation(),
        Some((v4("192.0.2.10"), Some(8080)))
    );
    // generic protocol: address only
    let o = Tuple::new(
        v4("10.0.0.1"),
        v4("10.0.0.2"),
        L4::Other {
            proto: IpProto(200),
        },
    )
    .unwrap();
    let mut g = Flow::new(o);
    g.reply = Some(
        Tuple::new(
            v4("10.0.0.2"),
            v4("192.0.2.1"),
            L4::Other {
                proto: IpProto(200),
            },
        )
        .unwrap(),
    );
    assert_eq!(g.source_translation(), Some((v4("192.0.2.1"), None)));
    g.reply = None;
    assert_eq!(g.source_translation(), None);
}

#[test]
fn helper_info_is_raw_bytes_inside_cta_help() {
    let t = Tuple::new(v4("10.0.0.1"), v4("10.0.0.2"), L4::tcp(1, 21)).unwrap();
    let mut f = Flow::new(t);
    f.helper = Some("ftp".into());
    f.helper_info = Some(vec![0xde, 0xad, 0xbe]);
    let mut b = MsgBuilder::new();
    b.begin(NfHeader::new(1, 0), 1);
    f.encode_settable(&mut b, false).unwrap();
    let bytes = b.finish().unwrap().to_vec();
    #[rustfmt::skip]
    let want = cat(&[
        &h(20, sys::CTA_HELP | N),
        &h(8, sys::CTA_HELP_NAME), b"ftp\0",
        &h(7, sys::CTA_HELP_INFO), &[0xde, 0xad, 0xbe, 0],
    ]);
    assert_eq!(&bytes[20..], &want[..]);
    let back = decode(&bytes).unwrap();
    assert_eq!(back.helper.as_deref(), Some("ftp"));
    assert_eq!(back.helper_info.as_deref(), Some(&[0xde, 0xad, 0xbe][..]));
    // empty payload is kept as empty, not as absent
    f.helper_info = Some(Vec::new());
    assert_eq!(roundtrip(&f).helper_info, Some(Vec::new()));
    // info without a helper name: the nest is still an error (name missing)
    let bad = nlmsg(
        0x0100,
        0,
        2,
        &cat(&[
            &h(12, sys::CTA_HELP | N),
            &h(8, sys::CTA_HELP_INFO),
            &[1, 2, 3, 4],
        ]),
    );
    assert!(matches!(
        decode(&bad).unwrap_err(),
        ParseError::Missing {
            kind: sys::CTA_HELP_NAME,
            ..
        }
    ));
}

/// Z11: tuple nests the kernel never sends, decoded as documented on
/// [`Tuple::decode_nested`]: typed errors naming the attribute, no panic.
#[test]
fn z11_tuple_with_both_families_or_missing_parts() {
    let tuple = orig_tuple_msg;
    let proto_udp = cat(&[
        &h(28, sys::CTA_TUPLE_PROTO | N),
        &h(5, sys::CTA_PROTO_NUM),
        &[17, 0, 0, 0],
        &h(6, sys::CTA_PROTO_SRC_PORT),
        &[0, 1, 0, 0],
        &h(6, sys::CTA_PROTO_DST_PORT),
        &[0, 2, 0, 0],
    ]);
    // all four address attributes (v4 and v6 pairs)
    let both = tuple(cat(&[
        &h(4 + 8 + 8 + 20 + 20, sys::CTA_TUPLE_IP | N),
        &h(8, sys::CTA_IP_V4_SRC),
        &[1, 2, 3, 4],
        &h(8, sys::CTA_IP_V4_DST),
        &[1, 2, 3, 5],
        &h(20, sys::CTA_IP_V6_SRC),
        &[0; 16],
        &h(20, sys::CTA_IP_V6_DST),
        &[0; 16],
        &proto_udp,
    ]));
    assert_eq!(
        decode(&both).unwrap_err(),
        ParseError::InvalidValue {
            kind: sys::CTA_TUPLE_IP,
            why: "addresses of both IPv4 and IPv6"
        }
    );
    // no address nest at all
    assert_eq!(
        decode(&tuple(proto_udp.clone())).unwrap_err(),
        ParseError::Missing {
            kind: sys::CTA_TUPLE_IP,
            within: "CTA_TUPLE"
        }
    );
    let ip4 = cat(&[
        &h(20, sys::CTA_TUPLE_IP | N),
        &h(8, sys::CTA_IP_V4_SRC),
        &[1, 2, 3, 4],
        &h(8, sys::CTA_IP_V4_DST),
        &[1, 2, 3, 5],
    ]);
    // only a destination address
    let dst_only = tuple(cat(&[
        &h(12, sys::CTA_TUPLE_IP | N),
        &h(8, sys::CTA_IP_V4_DST),
        &[1, 2, 3, 5],
        &proto_udp,
    ]));
    assert_eq!(
        decode(&dst_only).unwrap_err(),
        ParseError::Missing {
            kind: sys::CTA_IP_V4_SRC,
            within: "CTA_TUPLE_IP"
        }
    );
    // a protocol nest without CTA_PROTO_NUM
    let no_num = tuple(cat(&[
        &ip4,
        &h(12, sys::CTA_TUPLE_PROTO | N),
        &h(6, sys::CTA_PROTO_SRC_PORT),
        &[0, 1, 0, 0],
    ]));
    assert_eq!(
        decode(&no_num).unwrap_err(),
        ParseError::Missing {
            kind: sys::CTA_PROTO_NUM,
            within: "CTA_TUPLE_PROTO"
        }
    );
    // UDP with only a source port
    let one_port = tuple(cat(&[
        &ip4,
        &h(20, sys::CTA_TUPLE_PROTO | N),
        &h(5, sys::CTA_PROTO_NUM),
        &[17, 0, 0, 0],
        &h(6, sys::CTA_PROTO_SRC_PORT),
        &[0, 1, 0, 0],
    ]));
    assert_eq!(
        decode(&one_port).unwrap_err(),
        ParseError::Missing {
            kind: sys::CTA_PROTO_DST_PORT,
            within: "CTA_TUPLE_PROTO"
        }
    );
    // ICMP without its id
    let icmp = tuple(cat(&[
        &ip4,
        &h(20, sys::CTA_TUPLE_PROTO | N),
        &h(5, sys::CTA_PROTO_NUM),
        &[1, 0, 0, 0],
        &h(5, sys::CTA_PROTO_ICMP_TYPE),
        &[8, 0, 0, 0],
        &h(5, sys::CTA_PROTO_ICMP_CODE),
        &[0, 0, 0, 0],
    ]));
    assert_eq!(
        decode(&icmp).unwrap_err(),
        ParseError::Missing {
            kind: sys::CTA_PROTO_ICMP_ID,
            within: "CTA_TUPLE_PROTO"
        }
    );
    // UDP without any port: kept as the generic form, as documented on L4
    let portless = tuple(cat(&[
        &ip4,
        &h(12, sys::CTA_TUPLE_PROTO | N),
        &h(5, sys::CTA_PROTO_NUM),
        &[17, 0, 0, 0],
    ]));
    assert_eq!(
        decode(&portless).unwrap().orig.unwrap().proto,
        L4::Other { proto: IpProto(17) }
    );
    // every prefix of the both-families message: no panic
    let m = tuple(cat(&[&ip4, &proto_udp]));
    assert!(decode(&m).is_ok());
    for n in 0..m.len() {
        if let Ok(msg) = NfMsg::parse(&m[..n]) {
            let _ = Flow::decode(&msg);
        }
    }
}

/// Golden captures from the kernel (`testdata/`, recorded by the namespace test
/// `capture_golden_messages`): a dump of TCP, UDP-over-IPv6, ICMP and FTP-master flows with
/// counters and timestamps, decoded and printed; every decoded flow encodes back to itself.
#[test]
#[cfg(target_endian = "little")]
fn kernel_captured_flows() {
    let flows: Vec<Flow> = captured(include_bytes!("../../testdata/ct_dump.bin"))
        .iter()
        .map(|m| Flow::decode(m).unwrap())
        .collect();
    assert_eq!(flows.len(), 4);
    let by_proto = |p: IpProto| {
        flows
            .iter()
            .filter(|f| f.orig.is_some_and(|t| t.proto.proto() == p))
            .collect::<Vec<_>>()
    };
    let icmp = by_proto(IpProto::ICMP)[0];
    let t = icmp.orig.unwrap();
    assert_eq!((t.src, t.dst), (v4("127.0.0.1"), v4("127.0.0.1")));
    assert_eq!(icmp.counters_orig.map(|c| c.packets), Some(1));
    assert_eq!(icmp.counters_reply.map(|c| c.packets), Some(1));
    assert!(icmp.timestamp.and_then(|t| t.start).is_some());
    let udp = by_proto(IpProto::UDP)[0];
    assert_eq!(
        udp.orig.unwrap(),
        Tuple::new(
            "2001:db8::1".parse().unwrap(),
            "2001:db8::2".parse().unwrap(),
            L4::udp(1, 2)
        )
        .unwrap()
    );
    let tcp = by_proto(IpProto::TCP);
    assert_eq!(tcp.len(), 2);
    assert!(tcp.iter().any(|f| f.helper.as_deref() == Some("ftp")));
    for f in &flows {
        assert_eq!(roundtrip(f), *f);
        let line = f.to_string();
        assert_eq!(f.to_string(), line);
        assert!(
            line.starts_with(f.orig.unwrap().proto.proto().name()),
            "{line}"
        );
    }
}
