//! nfnetlink_acct: `include/uapi/linux/netfilter/nfnetlink_acct.h`.
//!
//! Message types (`NFNL_SUBSYS_ACCT`), object flags, object attributes and
//! the dump filter's attributes of extended accounting (named packet/byte
//! counters with optional quotas, `iptables -m nfacct`). The multicast group
//! of over-quota notifications, `NFNLGRP_ACCT_QUOTA`, is in
//! [`nfnetlink`](crate::nfnetlink).

/// `NFACCT_NAME_MAX`: size of an object's name buffer, NUL included (so a
/// name has at most 31 bytes).
pub const NFACCT_NAME_MAX: usize = 32;

/// `NFNL_MSG_ACCT_NEW`: create an object (or reset it with `NLM_F_REPLACE`);
/// also the type of every object the kernel sends, over-quota notifications
/// included (`enum nfnl_acct_msg_types`).
pub const NFNL_MSG_ACCT_NEW: u8 = 0;
/// `NFNL_MSG_ACCT_GET`: get one object by name, or dump all (`NLM_F_DUMP`).
pub const NFNL_MSG_ACCT_GET: u8 = 1;
/// `NFNL_MSG_ACCT_GET_CTRZERO`: as `GET`, and atomically zero the counters.
pub const NFNL_MSG_ACCT_GET_CTRZERO: u8 = 2;
/// `NFNL_MSG_ACCT_DEL`: delete one object by name, or every unused one.
pub const NFNL_MSG_ACCT_DEL: u8 = 3;
/// `NFNL_MSG_ACCT_OVERQUOTA`: the kernel's internal reason for an over-quota
/// notification (the message itself is sent as `NFNL_MSG_ACCT_NEW`).
pub const NFNL_MSG_ACCT_OVERQUOTA: u8 = 4;
/// `NFNL_MSG_ACCT_MAX`: number of message types.
pub const NFNL_MSG_ACCT_MAX: u8 = 5;

/// `NFACCT_F_QUOTA_PKTS`: the quota counts packets (`enum nfnl_acct_flags`).
pub const NFACCT_F_QUOTA_PKTS: u32 = 1 << 0;
/// `NFACCT_F_QUOTA_BYTES`: the quota counts bytes.
pub const NFACCT_F_QUOTA_BYTES: u32 = 1 << 1;
/// `NFACCT_F_OVERQUOTA`: the quota has been reached (set by the kernel only).
pub const NFACCT_F_OVERQUOTA: u32 = 1 << 2;

/// `NFACCT_UNSPEC` (`enum nfnl_acct_type`).
pub const NFACCT_UNSPEC: u16 = 0;
/// `NFACCT_NAME`: NUL-terminated name, at most `NFACCT_NAME_MAX` bytes.
pub const NFACCT_NAME: u16 = 1;
/// `NFACCT_PKTS`: packet counter, big-endian u64.
pub const NFACCT_PKTS: u16 = 2;
/// `NFACCT_BYTES`: byte counter, big-endian u64.
pub const NFACCT_BYTES: u16 = 3;
/// `NFACCT_USE`: reference count (the object itself plus each user), big-endian u32.
pub const NFACCT_USE: u16 = 4;
/// `NFACCT_FLAGS`: `NFACCT_F_*`, big-endian u32.
pub const NFACCT_FLAGS: u16 = 5;
/// `NFACCT_QUOTA`: quota in packets or bytes, big-endian u64.
pub const NFACCT_QUOTA: u16 = 6;
/// `NFACCT_FILTER`: nested dump filter (`NFACCT_FILTER_*`).
pub const NFACCT_FILTER: u16 = 7;
/// `NFACCT_PAD`: alignment padding for the 64-bit attributes.
pub const NFACCT_PAD: u16 = 8;
/// `NFACCT_MAX`: highest attribute type.
pub const NFACCT_MAX: u16 = 8;

/// `NFACCT_FILTER_UNSPEC` (`enum nfnl_attr_filter_type`).
pub const NFACCT_FILTER_UNSPEC: u16 = 0;
/// `NFACCT_FILTER_MASK`: which flag bits to compare, big-endian u32.
pub const NFACCT_FILTER_MASK: u16 = 1;
/// `NFACCT_FILTER_VALUE`: the value the masked flags must have, big-endian u32.
pub const NFACCT_FILTER_VALUE: u16 = 2;
/// `NFACCT_FILTER_MAX`: highest filter attribute type.
pub const NFACCT_FILTER_MAX: u16 = 2;
