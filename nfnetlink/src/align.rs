//! Alignment helpers; each names the C macro it mirrors.

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligns() {
        assert_eq!(nlmsg_align(0), 0);
        assert_eq!(nlmsg_align(1), 4);
        assert_eq!(nlmsg_align(16), 16);
        assert_eq!(nla_align(5), 8);
        assert_eq!(nla_align(65535), 65536);
    }
}
