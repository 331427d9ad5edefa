//! Unit tests of the object parser on byte fixtures laid out as
//! `nfnl_acct_fill_info` writes them: every field decoded, unknown and
//! padding attributes skipped, and hostile input (truncated, wrong sizes,
//! missing or contradictory attributes, mutations) turned into typed
//! errors, never a panic. Also run under Miri on a 32-bit target.
#![allow(clippy::unwrap_used)]

use crate::{AcctFlags, Filter, Object, Quota};
use nfnl::testutil::fixture::{attr, nfmsg};
use nfnl::testutil::mutate;
use nfnl::{NfMsg, ParseError};
use nfnl_sys as sys;

/// `nlmsg_type` of an object message.
const NEW: u16 = (sys::NFNL_SUBSYS_ACCT as u16) << 8 | sys::NFNL_MSG_ACCT_NEW as u16;

/// The attributes of an object in the kernel's order.
fn attrs(name: &[u8], pkts: u64, bytes: u64, use_count: u32, quota: Option<(u32, u64)>) -> Vec<u8> {
    let mut v = attr(sys::NFACCT_NAME, name);
    v.extend(attr(sys::NFACCT_PKTS, &pkts.to_be_bytes()));
    v.extend(attr(sys::NFACCT_BYTES, &bytes.to_be_bytes()));
    v.extend(attr(sys::NFACCT_USE, &use_count.to_be_bytes()));
    if let Some((flags, limit)) = quota {
        v.extend(attr(sys::NFACCT_FLAGS, &flags.to_be_bytes()));
        v.extend(attr(sys::NFACCT_QUOTA, &limit.to_be_bytes()));
    }
    v
}

fn msg(body: &[u8]) -> Vec<u8> {
    nfmsg(NEW, 0, 0, 0, 0, body)
}

fn decode(bytes: &[u8]) -> Result<Object, ParseError> {
    Object::decode(&NfMsg::parse(bytes)?)
}

#[test]
fn an_object_without_quota_decodes_every_field() {
    let o = decode(&msg(&attrs(b"web\0", 6, 504, 2, None))).unwrap();
    assert_eq!(o.name().as_str(), Some("web"));
    assert_eq!(o.name().to_string(), "web");
    assert_eq!((o.packets(), o.bytes(), o.use_count()), (6, 504, 2));
    assert!(o.in_use());
    assert_eq!(
        (o.flags(), o.quota(), o.is_over_quota()),
        (AcctFlags::empty(), None, false)
    );
    assert!(Filter::all().matches(&o));
    assert!(!Filter::over_quota().matches(&o));
}

#[test]
fn quotas_in_packets_and_bytes_and_the_over_quota_flag() {
    let flags = sys::NFACCT_F_QUOTA_PKTS | sys::NFACCT_F_OVERQUOTA;
    let o = decode(&msg(&attrs(b"q\0", 3, 252, 1, Some((flags, 3))))).unwrap();
    assert_eq!(o.quota(), Some(Quota::Packets(3)));
    assert!(o.is_over_quota());
    assert!(!o.in_use());
    assert!(Filter::over_quota().matches(&o));
    let o = decode(&msg(&attrs(
        b"b\0",
        0,
        0,
        1,
        Some((sys::NFACCT_F_QUOTA_BYTES, u64::MAX)),
    )))
    .unwrap();
    assert_eq!(o.quota(), Some(Quota::Bytes(u64::MAX)));
    assert_eq!(o.quota().unwrap().flag(), AcctFlags::QUOTA_BYTES);
    assert!(!o.is_over_quota());
    // Bits of a future kernel are kept.
    let o = decode(&msg(&attrs(
        b"f\0",
        0,
        0,
        1,
        Some((sys::NFACCT_F_QUOTA_BYTES | 1 << 9, 5)),
    )))
    .unwrap();
    assert_eq!(o.flags().bits(), sys::NFACCT_F_QUOTA_BYTES | 1 << 9);
}

#[test]
fn padding_and_unknown_attributes_are_skipped() {
    let mut body = attr(sys::NFACCT_PAD, &[]);
    body.extend(attrs(b"p\0", 1, 2, 1, None));
    body.extend(attr(42, b"future"));
    let o = decode(&msg(&body)).unwrap();
    assert_eq!(
        (o.name().as_str(), o.packets(), o.bytes()),
        (Some("p"), 1, 2)
    );
}

#[test]
fn a_name_that_is_not_utf8_is_kept_as_bytes() {
    let o = decode(&msg(&attrs(b"a\xffb\0", 0, 0, 1, None))).unwrap();
    assert_eq!(o.name().as_bytes(), b"a\xffb");
    assert_eq!(o.name().as_str(), None);
    assert_eq!(o.name().to_string(), "a\u{fffd}b");
}

#[test]
fn wrong_sizes_are_typed_errors_naming_the_attribute() {
    let mut body = attr(sys::NFACCT_NAME, b"x\0");
    body.extend(attr(sys::NFACCT_PKTS, &7u32.to_be_bytes()));
    body.extend(attr(sys::NFACCT_BYTES, &0u64.to_be_bytes()));
    body.extend(attr(sys::NFACCT_USE, &1u32.to_be_bytes()));
    assert_eq!(
        decode(&msg(&body)).unwrap_err(),
        ParseError::AttrSize {
            kind: sys::NFACCT_PKTS,
            expected: 8,
            got: 4
        }
    );
    let mut body = attrs(b"x\0", 0, 0, 1, None);
    body.extend(attr(sys::NFACCT_USE, &1u64.to_be_bytes()));
    assert_eq!(
        decode(&msg(&body)).unwrap_err(),
        ParseError::AttrSize {
            kind: sys::NFACCT_USE,
            expected: 4,
            got: 8
        }
    );
    let mut body = attrs(b"x\0", 0, 0, 1, None);
    body.extend(attr(sys::NFACCT_FLAGS, &[0, 0, 2]));
    assert_eq!(
        decode(&msg(&body)).unwrap_err(),
        ParseError::AttrSize {
            kind: sys::NFACCT_FLAGS,
            expected: 4,
            got: 3
        }
    );
}

#[test]
fn missing_and_contradictory_attributes_are_typed_errors() {
    // No name.
    let body: Vec<u8> = attrs(b"x\0", 0, 0, 1, None).split_off(8);
    assert!(matches!(
        decode(&msg(&body)).unwrap_err(),
        ParseError::Missing {
            kind: sys::NFACCT_NAME,
            ..
        }
    ));
    // No use count.
    let mut body = attr(sys::NFACCT_NAME, b"x\0");
    body.extend(attr(sys::NFACCT_PKTS, &0u64.to_be_bytes()));
    body.extend(attr(sys::NFACCT_BYTES, &0u64.to_be_bytes()));
    assert!(matches!(
        decode(&msg(&body)).unwrap_err(),
        ParseError::Missing {
            kind: sys::NFACCT_USE,
            ..
        }
    ));
    // A quota flag without the quota.
    let mut body = attrs(b"x\0", 0, 0, 1, None);
    body.extend(attr(
        sys::NFACCT_FLAGS,
        &sys::NFACCT_F_QUOTA_PKTS.to_be_bytes(),
    ));
    assert!(matches!(
        decode(&msg(&body)).unwrap_err(),
        ParseError::Missing {
            kind: sys::NFACCT_QUOTA,
            ..
        }
    ));
    // Both quota kinds: the kernel never accepts that.
    let both = sys::NFACCT_F_QUOTA_PKTS | sys::NFACCT_F_QUOTA_BYTES;
    assert!(matches!(
        decode(&msg(&attrs(b"x\0", 0, 0, 1, Some((both, 1))))).unwrap_err(),
        ParseError::InvalidValue {
            kind: sys::NFACCT_FLAGS,
            ..
        }
    ));
}

#[test]
fn bad_names_are_typed_errors() {
    assert_eq!(
        decode(&msg(&attrs(b"abc", 0, 0, 1, None))).unwrap_err(),
        ParseError::Unterminated {
            kind: sys::NFACCT_NAME
        }
    );
    assert!(matches!(
        decode(&msg(&attrs(b"\0", 0, 0, 1, None))).unwrap_err(),
        ParseError::InvalidValue {
            kind: sys::NFACCT_NAME,
            ..
        }
    ));
    let mut long = vec![b'n'; 32];
    long.push(0);
    assert!(matches!(
        decode(&msg(&attrs(&long, 0, 0, 1, None))).unwrap_err(),
        ParseError::InvalidValue {
            kind: sys::NFACCT_NAME,
            ..
        }
    ));
    let mut max = vec![b'n'; 31];
    max.push(0);
    assert_eq!(
        decode(&msg(&attrs(&max, 0, 0, 1, None)))
            .unwrap()
            .name()
            .as_bytes()
            .len(),
        31
    );
}

#[test]
fn other_message_types_are_refused() {
    let body = attrs(b"x\0", 0, 0, 1, None);
    let get = (sys::NFNL_SUBSYS_ACCT as u16) << 8 | sys::NFNL_MSG_ACCT_GET as u16;
    let ct = (sys::NFNL_SUBSYS_CTNETLINK as u16) << 8;
    for ty in [get, ct] {
        assert_eq!(
            decode(&nfmsg(ty, 0, 0, 0, 0, &body)).unwrap_err(),
            ParseError::UnexpectedMessage { msg_type: ty }
        );
    }
}

#[test]
fn every_truncation_is_an_error_not_a_panic() {
    let full = msg(&attrs(
        b"trunc\0",
        1,
        2,
        1,
        Some((sys::NFACCT_F_QUOTA_BYTES, 9)),
    ));
    assert!(decode(&full).is_ok());
    for cut in 0..full.len() {
        let e = decode(&full[..cut]);
        assert!(e.is_err(), "cut at {cut} of {} parsed: {e:?}", full.len());
    }
}

#[test]
fn mutated_objects_never_panic() {
    let seeds = vec![
        msg(&attrs(b"web\0", 6, 504, 2, None)),
        msg(&attrs(
            b"q\0",
            3,
            252,
            1,
            Some((sys::NFACCT_F_QUOTA_PKTS | sys::NFACCT_F_OVERQUOTA, 3)),
        )),
    ];
    let mut ok = 0;
    let rounds = if cfg!(miri) { 50 } else { 20_000 };
    mutate::hammer(&seeds, rounds, |bytes| {
        if let Ok(o) = decode(bytes) {
            ok += 1;
            // What parses is self-consistent.
            assert!(!o.name().as_bytes().is_empty() && o.name().as_bytes().len() <= 31);
            assert_eq!(
                o.quota().is_some(),
                !(o.flags() & (AcctFlags::QUOTA_PKTS | AcctFlags::QUOTA_BYTES)).is_empty()
            );
            let _ = (o.name().to_string(), Filter::over_quota().matches(&o));
        }
    });
    assert!(ok > 0, "some mutations still parse");
}
