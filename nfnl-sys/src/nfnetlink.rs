//! nfnetlink: `include/uapi/linux/netfilter/nfnetlink.h` and the `NFPROTO_*`
//! families of `include/uapi/linux/netfilter.h`.
//!
//! Not mirrored: the function-like macros `NFNL_SUBSYS_ID(x)` and
//! `NFNL_MSG_TYPE(x)`, and the obsolete `nfnetlink_compat.h`.

use core::mem::{align_of, offset_of, size_of};

/// `struct nfgenmsg`: the header after `nlmsghdr` in every nfnetlink message.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct nfgenmsg {
    /// `AF_*` / `NFPROTO_*` family.
    pub nfgen_family: u8,
    /// nfnetlink version ([`NFNETLINK_V0`]).
    pub version: u8,
    /// Resource id, big-endian (queue number for nfqueue).
    pub res_id: u16,
}
const _: () = assert!(size_of::<nfgenmsg>() == 4);
const _: () = assert!(align_of::<nfgenmsg>() == 2);
const _: () = assert!(offset_of!(nfgenmsg, nfgen_family) == 0);
const _: () = assert!(offset_of!(nfgenmsg, version) == 1);
const _: () = assert!(offset_of!(nfgenmsg, res_id) == 2);

/// `NFNETLINK_V0`: the nfnetlink version.
pub const NFNETLINK_V0: u8 = 0;
/// `NFNETLINK_V1`: version 1, used by ctnetlink flush to honour the family.
///
/// Not in the UAPI header (libnetfilter_conntrack defines it): when a flush
/// request (`IPCTNL_MSG_CT_DELETE` without a tuple) has a non-zero
/// `nfgenmsg.version`, `ctnetlink_del_conntrack` flushes only the entries of
/// `nfgen_family`; with version 0 it flushes all families.
pub const NFNETLINK_V1: u8 = 1;

/// `NFNL_SUBSYS_NONE`.
pub const NFNL_SUBSYS_NONE: u8 = 0;
/// `NFNL_SUBSYS_CTNETLINK`: connection tracking.
pub const NFNL_SUBSYS_CTNETLINK: u8 = 1;
/// `NFNL_SUBSYS_CTNETLINK_EXP`: conntrack expectations.
pub const NFNL_SUBSYS_CTNETLINK_EXP: u8 = 2;
/// `NFNL_SUBSYS_QUEUE`: nfnetlink_queue.
pub const NFNL_SUBSYS_QUEUE: u8 = 3;
/// `NFNL_SUBSYS_ULOG`: nfnetlink_log.
pub const NFNL_SUBSYS_ULOG: u8 = 4;
/// `NFNL_SUBSYS_OSF`: passive OS fingerprinting.
pub const NFNL_SUBSYS_OSF: u8 = 5;
/// `NFNL_SUBSYS_IPSET`: ipset.
pub const NFNL_SUBSYS_IPSET: u8 = 6;
/// `NFNL_SUBSYS_ACCT`: nfacct.
pub const NFNL_SUBSYS_ACCT: u8 = 7;
/// `NFNL_SUBSYS_CTNETLINK_TIMEOUT`: cttimeout.
pub const NFNL_SUBSYS_CTNETLINK_TIMEOUT: u8 = 8;
/// `NFNL_SUBSYS_CTHELPER`: cthelper.
pub const NFNL_SUBSYS_CTHELPER: u8 = 9;
/// `NFNL_SUBSYS_NFTABLES`: nf_tables.
pub const NFNL_SUBSYS_NFTABLES: u8 = 10;
/// `NFNL_SUBSYS_NFT_COMPAT`: nft_compat.
pub const NFNL_SUBSYS_NFT_COMPAT: u8 = 11;
/// `NFNL_SUBSYS_HOOK`: nfnetlink_hook.
pub const NFNL_SUBSYS_HOOK: u8 = 12;
/// `NFNL_SUBSYS_COUNT`: number of subsystems.
pub const NFNL_SUBSYS_COUNT: u8 = 13;

/// `NFNL_MSG_BATCH_BEGIN`: start of a batch (`NLMSG_MIN_TYPE`).
pub const NFNL_MSG_BATCH_BEGIN: u16 = 0x10;
/// `NFNL_MSG_BATCH_END`: end of a batch (`NLMSG_MIN_TYPE + 1`).
pub const NFNL_MSG_BATCH_END: u16 = 0x11;
/// `NFNL_BATCH_UNSPEC`.
pub const NFNL_BATCH_UNSPEC: u16 = 0;
/// `NFNL_BATCH_GENID`: generation id of the change set (u32).
pub const NFNL_BATCH_GENID: u16 = 1;
/// `NFNL_BATCH_MAX`.
pub const NFNL_BATCH_MAX: u16 = 1;

/// `NFNLGRP_NONE`.
pub const NFNLGRP_NONE: u32 = 0;
/// `NFNLGRP_CONNTRACK_NEW`: new conntrack entries.
pub const NFNLGRP_CONNTRACK_NEW: u32 = 1;
/// `NFNLGRP_CONNTRACK_UPDATE`: updated conntrack entries.
pub const NFNLGRP_CONNTRACK_UPDATE: u32 = 2;
/// `NFNLGRP_CONNTRACK_DESTROY`: destroyed conntrack entries.
pub const NFNLGRP_CONNTRACK_DESTROY: u32 = 3;
/// `NFNLGRP_CONNTRACK_EXP_NEW`: new expectations.
pub const NFNLGRP_CONNTRACK_EXP_NEW: u32 = 4;
/// `NFNLGRP_CONNTRACK_EXP_UPDATE`: updated expectations.
pub const NFNLGRP_CONNTRACK_EXP_UPDATE: u32 = 5;
/// `NFNLGRP_CONNTRACK_EXP_DESTROY`: destroyed expectations.
pub const NFNLGRP_CONNTRACK_EXP_DESTROY: u32 = 6;
/// `NFNLGRP_NFTABLES`: nf_tables ruleset changes.
pub const NFNLGRP_NFTABLES: u32 = 7;
/// `NFNLGRP_ACCT_QUOTA`: nfacct quota events.
pub const NFNLGRP_ACCT_QUOTA: u32 = 8;
/// `NFNLGRP_NFTRACE`: nf_tables trace events.
pub const NFNLGRP_NFTRACE: u32 = 9;
/// `NFNLGRP_MAX`.
pub const NFNLGRP_MAX: u32 = 9;

/// `NFPROTO_UNSPEC`.
pub const NFPROTO_UNSPEC: u8 = 0;
/// `NFPROTO_INET`: IPv4 and IPv6 (nf_tables).
pub const NFPROTO_INET: u8 = 1;
/// `NFPROTO_IPV4`.
pub const NFPROTO_IPV4: u8 = 2;
/// `NFPROTO_ARP`.
pub const NFPROTO_ARP: u8 = 3;
/// `NFPROTO_NETDEV`.
pub const NFPROTO_NETDEV: u8 = 5;
/// `NFPROTO_BRIDGE`.
pub const NFPROTO_BRIDGE: u8 = 7;
/// `NFPROTO_IPV6`.
pub const NFPROTO_IPV6: u8 = 10;
/// `NFPROTO_DECNET` (removed from the kernel; value kept).
pub const NFPROTO_DECNET: u8 = 12;
/// `NFPROTO_NUMPROTO`.
pub const NFPROTO_NUMPROTO: u8 = 13;
