//! Attribute walks, nests and tables: the walk agrees with an independent one at every
//! nesting level; `AttrTable` holds the last attribute of each type below its size, and
//! fails exactly when the walk does; the typed getters accept exactly the right sizes and
//! read the right values.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nfnl::{Attr, AttrFlags, AttrIndex, AttrIter, AttrSlots, AttrTable};
use nfnl_fuzz::{attrs, offset_in};

/// Checks the walk of `area` and recurses into payloads that parse as attributes.
fn check_level(area: &[u8], depth: usize) {
    let (want, want_bad) = attrs(area);
    let mut got = Vec::new();
    let mut got_bad = false;
    for a in AttrIter::new(area) {
        match a {
            Ok(a) => got.push(a),
            Err(_) => {
                assert!(!got_bad, "AttrIter yields one error at most");
                got_bad = true;
            }
        }
    }
    assert_eq!(got.len(), want.len());
    assert_eq!(got_bad, want_bad);
    for (a, s) in got.iter().zip(&want) {
        assert_eq!(offset_in(area, a.payload()), Some(s.payload));
        assert_eq!(a.payload().len(), s.len);
        assert_eq!(a.kind(), s.raw_type & nfnl_sys::NLA_TYPE_MASK);
        assert_eq!(
            a.flags().contains(AttrFlags::NESTED),
            s.raw_type & nfnl_sys::NLA_F_NESTED != 0
        );
        check_getters(a);
        if depth < 4 && !a.payload().is_empty() {
            check_level(a.payload(), depth + 1);
        }
    }
    check_table::<16>(area, &got, got_bad);
    check_table::<256>(area, &got, got_bad);
    check_index::<16>(area, &got, got_bad);
    check_index::<64>(area, &got, got_bad);
}

fn check_table<const N: usize>(area: &[u8], got: &[Attr<'_>], bad: bool) {
    match AttrTable::<'_, N>::from_bytes(area) {
        Err(_) => assert!(bad),
        Ok(t) => {
            assert!(!bad);
            for kind in 0..N as u16 {
                let last = got.iter().rev().find(|a| a.kind() == kind);
                assert_eq!(
                    t.get(kind).map(|a| a.payload().as_ptr()),
                    last.map(|a| a.payload().as_ptr())
                );
                assert_eq!(t.require(kind, "fuzz").is_ok(), last.is_some());
            }
            assert!(t.get(N as u16).is_none());
        }
    }
}

/// `AttrIndex` agrees with the walk: it fails exactly when the walk does (or the area is
/// over its 256 KiB limit) and finds the last attribute of each type below `N`.
fn check_index<const N: usize>(area: &[u8], got: &[Attr<'_>], bad: bool) {
    let too_big = area.len() > 4 * 65534;
    let mut slots = AttrSlots::new();
    match AttrIndex::<'_, N>::parse_sized(area, &[0; N], &mut slots) {
        Err(_) => assert!(bad || too_big),
        Ok(ix) => {
            assert!(!bad);
            for kind in 0..N as u16 {
                let last = got
                    .iter()
                    .rev()
                    .find(|a| a.kind() == kind)
                    .map(|a| a.payload().as_ptr());
                assert_eq!(ix.get(kind).map(|a| a.payload().as_ptr()), last);
            }
        }
    }
}

fn check_getters(a: &Attr<'_>) {
    let p = a.payload();
    assert_eq!(a.get_u8().ok(), (p.len() == 1).then(|| p[0]));
    assert_eq!(a.get_be16().ok(), p.try_into().ok().map(u16::from_be_bytes));
    assert_eq!(a.get_be32().ok(), p.try_into().ok().map(u32::from_be_bytes));
    assert_eq!(a.get_be64().ok(), p.try_into().ok().map(u64::from_be_bytes));
    assert_eq!(a.get_ne16().ok(), p.try_into().ok().map(u16::from_ne_bytes));
    assert_eq!(a.get_ne32().ok(), p.try_into().ok().map(u32::from_ne_bytes));
    assert_eq!(a.get_ne64().ok(), p.try_into().ok().map(u64::from_ne_bytes));
    assert_eq!(a.get_flag().is_ok(), p.is_empty());
    let nul = p.iter().position(|&b| b == 0);
    let prefix = &p[..nul.unwrap_or(p.len())];
    assert_eq!(a.get_str_bytes(), prefix);
    assert_eq!(a.get_str().ok(), std::str::from_utf8(prefix).ok());
    let cstr_ok = nul == Some(p.len().wrapping_sub(1));
    match a.get_cstr() {
        Ok(c) => {
            assert!(cstr_ok);
            assert_eq!(c.to_bytes(), prefix);
        }
        Err(_) => assert!(!cstr_ok),
    }
}

fuzz_target!(|data: &[u8]| {
    check_level(data, 0);
});
