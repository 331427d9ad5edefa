//! Alignment helpers; each names the C macro it mirrors.
//!
//! [`nlmsg_align`] and [`nla_align`] are for lengths we produce ourselves (the builder's,
//! far below `usize::MAX`). A length read from the wire can be anything a `u32` holds,
//! which on a 32-bit target leaves no room to round up: parsers use [`checked_align`].

use nfnl_sys::{NLA_ALIGNTO, NLMSG_ALIGNTO};

/// `NLMSG_ALIGN(len)`: rounds up to the 4-byte message alignment.
pub const fn nlmsg_align(len: usize) -> usize {
    let a = NLMSG_ALIGNTO as usize;
    (len + a - 1) & !(a - 1)
}

/// `NLA_ALIGN(len)`: rounds up to the 4-byte attribute alignment.
pub const fn nla_align(len: usize) -> usize {
    (len + NLA_ALIGNTO - 1) & !(NLA_ALIGNTO - 1)
}

/// `len` rounded up to a multiple of `to` (a power of two, e.g. `NLMSG_ALIGNTO`), or `None`
/// when that is not a `usize` (or `to` is not a power of two).
pub const fn checked_align(len: usize, to: usize) -> Option<usize> {
    if !to.is_power_of_two() {
        return None;
    }
    let mask = to - 1;
    match len.checked_add(mask) {
        Some(v) => Some(v & !mask),
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checked_align_stops_at_usize_max() {
        assert_eq!(checked_align(0, 4), Some(0));
        assert_eq!(checked_align(5, 4), Some(8));
        assert_eq!(checked_align(usize::MAX - 3, 4), Some(usize::MAX - 3));
        assert_eq!(checked_align(usize::MAX - 2, 4), None);
        assert_eq!(checked_align(usize::MAX, 4), None);
        assert_eq!(checked_align(8, 3), None);
        assert_eq!(checked_align(8, 0), None);
    }

    #[test]
    fn aligns() {
        assert_eq!(nlmsg_align(0), 0);
        assert_eq!(nlmsg_align(1), 4);
        assert_eq!(nlmsg_align(16), 16);
        assert_eq!(nla_align(5), 8);
        assert_eq!(nla_align(65535), 65536);
    }
}
