//! Decoding the kernel's replies from byte fixtures laid out as the kernel
//! lays them out: every protocol's states, what a newer kernel may add,
//! and every malformed shape named.

#![allow(clippy::unwrap_used, missing_docs)]

mod fixture;

use nfnl::{NfMsg, ParseError};
use nfnl_cttimeout::{
    DefaultTimeouts, IpProto, Policy, ProtoFamily, ReplyTimeouts, SctpTimeouts, SingleTimeout,
    TcpTimeouts, Timeouts, GENERIC,
};
use nfnl_sys::*;

fn decode(bytes: &[u8]) -> Result<Policy, ParseError> {
    Policy::decode(&NfMsg::parse(bytes).unwrap())
}

#[test]
fn tcp_policy_with_every_state() {
    let p = decode(&fixture::policy(b"web", 2, 6, 1, &fixture::TCP_DEFAULTS)).unwrap();
    let want = TcpTimeouts {
        syn_sent: Some(120),
        syn_recv: Some(60),
        established: Some(432_000),
        fin_wait: Some(120),
        close_wait: Some(60),
        last_ack: Some(30),
        time_wait: Some(120),
        close: Some(10),
        syn_sent2: Some(120),
        retrans: Some(300),
        unacknowledged: Some(300),
    };
    assert_eq!(p.name, "web");
    assert_eq!(p.family, ProtoFamily::Ipv4);
    assert_eq!(p.proto(), IpProto::TCP);
    assert_eq!(p.timeouts, Timeouts::Tcp(want));
    assert_eq!(p.use_count, Some(1));
}

#[test]
fn every_protocol_decodes_to_its_variant() {
    let reply = [(1, 30), (2, 120)];
    let one = [(1, 600)];
    let r = ReplyTimeouts {
        unreplied: Some(30),
        replied: Some(120),
    };
    let s = SingleTimeout { timeout: Some(600) };
    for (l4, data, want) in [
        (17u8, &reply[..], Timeouts::Udp(r)),
        (136, &reply[..], Timeouts::UdpLite(r)),
        (47, &reply[..], Timeouts::Gre(r)),
        (1, &one[..], Timeouts::Icmp(s)),
        (58, &one[..], Timeouts::Icmpv6(s)),
        (255, &one[..], Timeouts::Generic(s)),
    ] {
        let p = decode(&fixture::policy(b"p", 10, l4, 2, data)).unwrap();
        assert_eq!(p.timeouts, want);
        assert_eq!(p.proto(), IpProto(l4));
        assert_eq!(p.family, ProtoFamily::Ipv6);
    }
    let p = decode(&fixture::policy(b"s", 2, 132, 1, &fixture::SCTP_ALL)).unwrap();
    let Timeouts::Sctp(sctp) = p.timeouts else {
        panic!("{p:?}")
    };
    assert_eq!(
        sctp,
        SctpTimeouts {
            closed: Some(10),
            cookie_wait: Some(3),
            cookie_echoed: Some(3),
            established: Some(210),
            shutdown_sent: Some(3),
            shutdown_recd: Some(3),
            shutdown_ack_sent: Some(3),
            heartbeat_sent: Some(30),
            heartbeat_acked: Some(0),
        }
    );
    let p = decode(&fixture::policy(b"d", 2, 33, 1, &[(1, 2), (7, 9)])).unwrap();
    let Timeouts::Dccp(d) = p.timeouts else {
        panic!("{p:?}")
    };
    assert_eq!((d.request, d.timewait, d.open), (Some(2), Some(9), None));
}

#[test]
fn newer_kernels_states_and_protocols_are_kept_or_skipped() {
    // A twelfth TCP state is skipped; the known ones are read.
    let mut data = fixture::TCP_DEFAULTS.to_vec();
    data.push((12, 99));
    let p = decode(&fixture::policy(b"t", 2, 6, 1, &data)).unwrap();
    assert_eq!(p.timeouts.value(CTA_TIMEOUT_TCP_UNACK), Some(300));
    assert_eq!(p.timeouts.value(12), None);
    // A protocol without states here: every value kept, by attribute.
    let p = decode(&fixture::policy(b"esp", 2, 50, 1, &[(1, 5), (3, 7)])).unwrap();
    assert_eq!(
        p.timeouts,
        Timeouts::Other {
            proto: IpProto::ESP,
            values: vec![(1, 5), (3, 7)]
        }
    );
    assert_eq!(p.timeouts.value(3), Some(7));
    assert_eq!(p.to_string(), "esp inet esp 1 5 3 7");
    // An unknown layer 3 is kept as a number.
    let p = decode(&fixture::policy(b"x", 7, 255, 1, &[(1, 5)])).unwrap();
    assert_eq!(p.family, ProtoFamily::Bridge);
    assert_eq!(p.proto(), GENERIC);
    assert_eq!(p.to_string(), "x 7 generic timeout 5");
}

#[test]
fn names_are_read_up_to_the_nul_and_lossily() {
    let p = decode(&fixture::policy(b"a\xffb", 2, 1, 1, &[(1, 5)])).unwrap();
    assert_eq!(p.name, "a\u{fffd}b");
    // Without a NUL the whole payload is the name.
    let mut m = fixture::policy(b"abc", 2, 1, 1, &[(1, 5)]);
    m[20 + 4 + 3] = b'd'; // the NUL of "abc\0" after nlmsghdr, nfgenmsg and nlattr
    assert_eq!(decode(&m).unwrap().name, "abcd");
}

#[test]
fn malformed_replies_are_named_errors() {
    use nfnl::testutil::fixture::{attr, nest, nfmsg};
    let m = |body: Vec<Vec<u8>>| nfmsg(fixture::POLICY_TYPE, 0, 1, 0, 0, &body.concat());
    let name = attr(CTA_TIMEOUT_NAME, b"n\0");
    let l3 = attr(CTA_TIMEOUT_L3PROTO, &2u16.to_be_bytes());
    let l4 = attr(CTA_TIMEOUT_L4PROTO, &[6]);
    let data = nest(CTA_TIMEOUT_DATA, &fixture::states(&[(3, 5)]));

    let e = decode(&m(vec![l3.clone(), l4.clone(), data.clone()])).unwrap_err();
    assert!(
        matches!(
            e,
            ParseError::Missing {
                kind: CTA_TIMEOUT_NAME,
                ..
            }
        ),
        "{e:?}"
    );
    let e = decode(&m(vec![name.clone(), l4.clone()])).unwrap_err();
    assert!(
        matches!(
            e,
            ParseError::Missing {
                kind: CTA_TIMEOUT_L3PROTO,
                ..
            }
        ),
        "{e:?}"
    );
    let e = decode(&m(vec![name.clone(), l3.clone()])).unwrap_err();
    assert!(
        matches!(
            e,
            ParseError::Missing {
                kind: CTA_TIMEOUT_L4PROTO,
                ..
            }
        ),
        "{e:?}"
    );
    let bad_l3 = attr(CTA_TIMEOUT_L3PROTO, &[2]);
    let e = decode(&m(vec![name.clone(), bad_l3, l4.clone()])).unwrap_err();
    assert!(
        matches!(
            e,
            ParseError::AttrSize {
                kind: CTA_TIMEOUT_L3PROTO,
                ..
            }
        ),
        "{e:?}"
    );
    let big_l3 = attr(CTA_TIMEOUT_L3PROTO, &300u16.to_be_bytes());
    let e = decode(&m(vec![name.clone(), big_l3, l4.clone()])).unwrap_err();
    assert!(
        matches!(
            e,
            ParseError::InvalidValue {
                kind: CTA_TIMEOUT_L3PROTO,
                ..
            }
        ),
        "{e:?}"
    );
    let short_state = nest(CTA_TIMEOUT_DATA, &attr(3, &[0, 5]));
    let e = decode(&m(vec![name.clone(), l3.clone(), l4.clone(), short_state])).unwrap_err();
    assert!(
        matches!(
            e,
            ParseError::AttrSize {
                kind: 3,
                expected: 4,
                got: 2
            }
        ),
        "{e:?}"
    );
    let bad_use = attr(CTA_TIMEOUT_USE, &[1]);
    let e = decode(&m(vec![name.clone(), l3.clone(), l4.clone(), bad_use])).unwrap_err();
    assert!(
        matches!(
            e,
            ParseError::AttrSize {
                kind: CTA_TIMEOUT_USE,
                ..
            }
        ),
        "{e:?}"
    );
    // A nest that lies about its length.
    let mut broken = nest(CTA_TIMEOUT_DATA, &fixture::states(&[(3, 5)]));
    broken[4] = 200; // the inner nla_len
    let e = decode(&m(vec![name.clone(), l3.clone(), l4.clone(), broken])).unwrap_err();
    assert!(
        matches!(
            e,
            ParseError::BadLength { .. } | ParseError::Truncated { .. }
        ),
        "{e:?}"
    );
    // No data nest at all: no state set (the kernel always sends one, an older may not).
    let p = decode(&m(vec![name, l3, l4])).unwrap();
    assert_eq!(p.timeouts, Timeouts::Tcp(TcpTimeouts::default()));
    assert_eq!(p.use_count, None);
}

#[test]
fn default_replies_decode() {
    let bytes = fixture::defaults(10, 6, &fixture::TCP_DEFAULTS);
    let d = DefaultTimeouts::decode(&NfMsg::parse(&bytes).unwrap()).unwrap();
    assert_eq!(d.family, ProtoFamily::Ipv6);
    assert_eq!(d.timeouts.value(CTA_TIMEOUT_TCP_ESTABLISHED), Some(432_000));
    assert!(d.timeouts.iter().all(|(_, v)| v.is_some()));
    assert_eq!(
        d.timeouts.to_string(),
        "tcp syn_sent 120 syn_recv 60 established 432000 fin_wait 120 close_wait 60 \
         last_ack 30 time_wait 120 close 10 syn_sent2 120 retrans 300 unacknowledged 300"
    );
}

#[test]
fn states_by_name() {
    let mut t = Timeouts::empty(IpProto::TCP).unwrap();
    t.set("ESTABLISHED", 10)
        .unwrap()
        .set("Unacknowledged", 20)
        .unwrap();
    assert_eq!(t.to_string(), "tcp established 10 unacknowledged 20");
    let e = t.set("unack", 1).unwrap_err();
    assert_eq!(
        e.to_string(),
        "protocol tcp has no state \"unack\" (its states: syn_sent, syn_recv, established, \
         fin_wait, close_wait, last_ack, time_wait, close, syn_sent2, retrans, unacknowledged)"
    );
    let e = Timeouts::empty(IpProto::ESP).unwrap_err();
    assert_eq!(e.to_string(), "protocol esp has no timeout states");
    let mut g = Timeouts::empty(GENERIC).unwrap();
    g.set("timeout", 5).unwrap();
    assert_eq!(g.to_string(), "generic timeout 5");
    assert_eq!(g.proto(), IpProto(255));
}
