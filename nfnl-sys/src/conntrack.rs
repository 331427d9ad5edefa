//! Connection tracking: `include/uapi/linux/netfilter/nfnetlink_conntrack.h`
//! (ctnetlink message types and `CTA_*` attributes),
//! `include/uapi/linux/netfilter/nf_conntrack_common.h` (`IP_CT_*`, `IPS_*`,
//! `IPCT_*`, `IPEXP_*`, `NF_CT_EXPECT_*`),
//! `include/uapi/linux/netfilter/nf_conntrack_tcp.h` (`TCP_CONNTRACK_*`,
//! `IP_CT_TCP_FLAG_*`, `nf_ct_tcp_flags`),
//! `include/uapi/linux/netfilter/nf_conntrack_sctp.h` (`SCTP_CONNTRACK_*`) and
//! `include/uapi/linux/netfilter/nf_conntrack_tuple_common.h` (`IP_CT_DIR_*`).
//!
//! Not mirrored:
//! - the DCCP states (`CT_DCCP_*`, `enum ct_dccp_states`): they live in the
//!   kernel-internal `include/linux/netfilter/nf_conntrack_dccp.h`, which is not
//!   a UAPI header and is not installed by linux-libc-dev, so they cannot be
//!   checked here (the `CTA_PROTOINFO_DCCP_*` attribute numbers are mirrored);
//! - `NFCT_*` and the ctnetlink group enum: they are not in the UAPI headers
//!   (`NFCT_*` belongs to libnetfilter_conntrack; the groups are `NFNLGRP_*`);
//! - function-like macros (`NF_CT_STATE_BIT(ctinfo)`, `CTINFO2DIR(ctinfo)`)
//!   and `union nf_conntrack_man_proto`.
//!
//! The `*_MAX` values are those of the installed header (linux-libc-dev 6.1);
//! newer kernels may append attributes (see [`CTA_TIMESTAMP_EVENT`]).

use core::mem::{align_of, offset_of, size_of};

/// `IPCTNL_MSG_CT_NEW`: create or update a conntrack entry (`enum cntl_msg_types`).
///
/// Also the message type of new and updated entries in events and dumps.
pub const IPCTNL_MSG_CT_NEW: u8 = 0;
/// `IPCTNL_MSG_CT_GET`: get one entry, or dump the table with `NLM_F_DUMP`.
pub const IPCTNL_MSG_CT_GET: u8 = 1;
/// `IPCTNL_MSG_CT_DELETE`: delete one entry, or flush the table.
///
/// Also the message type of destroy events.
pub const IPCTNL_MSG_CT_DELETE: u8 = 2;
/// `IPCTNL_MSG_CT_GET_CTRZERO`: get and zero the counters.
pub const IPCTNL_MSG_CT_GET_CTRZERO: u8 = 3;
/// `IPCTNL_MSG_CT_GET_STATS_CPU`: per-CPU statistics (`CTA_STATS_*`).
pub const IPCTNL_MSG_CT_GET_STATS_CPU: u8 = 4;
/// `IPCTNL_MSG_CT_GET_STATS`: global statistics (`CTA_STATS_GLOBAL_*`).
pub const IPCTNL_MSG_CT_GET_STATS: u8 = 5;
/// `IPCTNL_MSG_CT_GET_DYING`: dump the dying list.
pub const IPCTNL_MSG_CT_GET_DYING: u8 = 6;
/// `IPCTNL_MSG_CT_GET_UNCONFIRMED`: dump the unconfirmed list.
pub const IPCTNL_MSG_CT_GET_UNCONFIRMED: u8 = 7;
/// `IPCTNL_MSG_MAX`: number of ctnetlink message types.
pub const IPCTNL_MSG_MAX: u8 = 8;

/// `IPCTNL_MSG_EXP_NEW`: create an expectation (`enum ctnl_exp_msg_types`).
///
/// The expectation messages belong to subsystem `NFNL_SUBSYS_CTNETLINK_EXP`;
/// this is also the message type of new expectations in events and dumps.
pub const IPCTNL_MSG_EXP_NEW: u8 = 0;
/// `IPCTNL_MSG_EXP_GET`: get one expectation, or dump them with `NLM_F_DUMP`.
pub const IPCTNL_MSG_EXP_GET: u8 = 1;
/// `IPCTNL_MSG_EXP_DELETE`: delete one expectation, or flush them.
pub const IPCTNL_MSG_EXP_DELETE: u8 = 2;
/// `IPCTNL_MSG_EXP_GET_STATS_CPU`: per-CPU expectation statistics (`CTA_STATS_EXP_*`).
pub const IPCTNL_MSG_EXP_GET_STATS_CPU: u8 = 3;
/// `IPCTNL_MSG_EXP_MAX`: number of expectation message types.
pub const IPCTNL_MSG_EXP_MAX: u8 = 4;

/// `CTA_UNSPEC` (`enum ctattr_type`).
pub const CTA_UNSPEC: u16 = 0;
/// `CTA_TUPLE_ORIG`: original-direction tuple (nested `CTA_TUPLE_*`).
pub const CTA_TUPLE_ORIG: u16 = 1;
/// `CTA_TUPLE_REPLY`: reply-direction tuple (nested `CTA_TUPLE_*`).
pub const CTA_TUPLE_REPLY: u16 = 2;
/// `CTA_STATUS`: status bits (`IPS_*`, `__be32`).
pub const CTA_STATUS: u16 = 3;
/// `CTA_PROTOINFO`: protocol state (nested `CTA_PROTOINFO_*`).
pub const CTA_PROTOINFO: u16 = 4;
/// `CTA_HELP`: helper (nested `CTA_HELP_*`).
pub const CTA_HELP: u16 = 5;
/// `CTA_NAT_SRC`: source NAT (nested `CTA_NAT_*`).
pub const CTA_NAT_SRC: u16 = 6;
/// `CTA_NAT`: backwards-compatible alias of `CTA_NAT_SRC`.
pub const CTA_NAT: u16 = CTA_NAT_SRC;
/// `CTA_TIMEOUT`: remaining timeout in seconds (`__be32`).
pub const CTA_TIMEOUT: u16 = 7;
/// `CTA_MARK`: connection mark (`__be32`).
pub const CTA_MARK: u16 = 8;
/// `CTA_COUNTERS_ORIG`: original-direction counters (nested `CTA_COUNTERS_*`).
pub const CTA_COUNTERS_ORIG: u16 = 9;
/// `CTA_COUNTERS_REPLY`: reply-direction counters (nested `CTA_COUNTERS_*`).
pub const CTA_COUNTERS_REPLY: u16 = 10;
/// `CTA_USE`: reference count (`__be32`).
pub const CTA_USE: u16 = 11;
/// `CTA_ID`: entry id (`__be32`).
pub const CTA_ID: u16 = 12;
/// `CTA_NAT_DST`: destination NAT (nested `CTA_NAT_*`).
pub const CTA_NAT_DST: u16 = 13;
/// `CTA_TUPLE_MASTER`: tuple of the master connection (nested `CTA_TUPLE_*`).
pub const CTA_TUPLE_MASTER: u16 = 14;
/// `CTA_SEQ_ADJ_ORIG`: original-direction sequence adjustment (nested `CTA_SEQADJ_*`).
pub const CTA_SEQ_ADJ_ORIG: u16 = 15;
/// `CTA_NAT_SEQ_ADJ_ORIG`: alias of `CTA_SEQ_ADJ_ORIG`.
pub const CTA_NAT_SEQ_ADJ_ORIG: u16 = CTA_SEQ_ADJ_ORIG;
/// `CTA_SEQ_ADJ_REPLY`: reply-direction sequence adjustment (nested `CTA_SEQADJ_*`).
pub const CTA_SEQ_ADJ_REPLY: u16 = 16;
/// `CTA_NAT_SEQ_ADJ_REPLY`: alias of `CTA_SEQ_ADJ_REPLY`.
pub const CTA_NAT_SEQ_ADJ_REPLY: u16 = CTA_SEQ_ADJ_REPLY;
/// `CTA_SECMARK`: security mark (obsolete).
pub const CTA_SECMARK: u16 = 17;
/// `CTA_ZONE`: conntrack zone (`__be16`).
pub const CTA_ZONE: u16 = 18;
/// `CTA_SECCTX`: security context (nested `CTA_SECCTX_*`).
pub const CTA_SECCTX: u16 = 19;
/// `CTA_TIMESTAMP`: start/stop timestamps (nested `CTA_TIMESTAMP_*`).
pub const CTA_TIMESTAMP: u16 = 20;
/// `CTA_MARK_MASK`: mask applied with `CTA_MARK` (`__be32`).
pub const CTA_MARK_MASK: u16 = 21;
/// `CTA_LABELS`: connection labels (bit string).
pub const CTA_LABELS: u16 = 22;
/// `CTA_LABELS_MASK`: mask applied with `CTA_LABELS`.
pub const CTA_LABELS_MASK: u16 = 23;
/// `CTA_SYNPROXY`: SYN proxy state (nested `CTA_SYNPROXY_*`).
pub const CTA_SYNPROXY: u16 = 24;
/// `CTA_FILTER`: dump/flush filter (nested `CTA_FILTER_*`).
pub const CTA_FILTER: u16 = 25;
/// `CTA_STATUS_MASK`: mask applied with `CTA_STATUS` when filtering (`__be32`).
pub const CTA_STATUS_MASK: u16 = 26;
/// `CTA_TIMESTAMP_EVENT`: time of the event in nanoseconds (`__be64`).
///
/// Newer than linux-libc-dev 6.1; value from kernel source (added in Linux
/// 6.14, appended after `CTA_STATUS_MASK`).
pub const CTA_TIMESTAMP_EVENT: u16 = 27;
/// `CTA_MAX`: highest conntrack attribute in the 6.1 header (Linux 6.14+ has 27).
pub const CTA_MAX: u16 = 26;

/// `CTA_TUPLE_UNSPEC` (`enum ctattr_tuple`).
pub const CTA_TUPLE_UNSPEC: u16 = 0;
/// `CTA_TUPLE_IP`: addresses (nested `CTA_IP_*`).
pub const CTA_TUPLE_IP: u16 = 1;
/// `CTA_TUPLE_PROTO`: layer-4 protocol (nested `CTA_PROTO_*`).
pub const CTA_TUPLE_PROTO: u16 = 2;
/// `CTA_TUPLE_ZONE`: zone of the tuple (`__be16`).
pub const CTA_TUPLE_ZONE: u16 = 3;
/// `CTA_TUPLE_MAX`: highest tuple attribute.
pub const CTA_TUPLE_MAX: u16 = 3;

/// `CTA_IP_UNSPEC` (`enum ctattr_ip`).
pub const CTA_IP_UNSPEC: u16 = 0;
/// `CTA_IP_V4_SRC`: IPv4 source address (4 bytes).
pub const CTA_IP_V4_SRC: u16 = 1;
/// `CTA_IP_V4_DST`: IPv4 destination address (4 bytes).
pub const CTA_IP_V4_DST: u16 = 2;
/// `CTA_IP_V6_SRC`: IPv6 source address (16 bytes).
pub const CTA_IP_V6_SRC: u16 = 3;
/// `CTA_IP_V6_DST`: IPv6 destination address (16 bytes).
pub const CTA_IP_V6_DST: u16 = 4;
/// `CTA_IP_MAX`: highest address attribute.
pub const CTA_IP_MAX: u16 = 4;

/// `CTA_PROTO_UNSPEC` (`enum ctattr_l4proto`).
pub const CTA_PROTO_UNSPEC: u16 = 0;
/// `CTA_PROTO_NUM`: IP protocol number (`u8`).
pub const CTA_PROTO_NUM: u16 = 1;
/// `CTA_PROTO_SRC_PORT`: source port (`__be16`).
pub const CTA_PROTO_SRC_PORT: u16 = 2;
/// `CTA_PROTO_DST_PORT`: destination port (`__be16`).
pub const CTA_PROTO_DST_PORT: u16 = 3;
/// `CTA_PROTO_ICMP_ID`: ICMP id (`__be16`).
pub const CTA_PROTO_ICMP_ID: u16 = 4;
/// `CTA_PROTO_ICMP_TYPE`: ICMP type (`u8`).
pub const CTA_PROTO_ICMP_TYPE: u16 = 5;
/// `CTA_PROTO_ICMP_CODE`: ICMP code (`u8`).
pub const CTA_PROTO_ICMP_CODE: u16 = 6;
/// `CTA_PROTO_ICMPV6_ID`: ICMPv6 id (`__be16`).
pub const CTA_PROTO_ICMPV6_ID: u16 = 7;
/// `CTA_PROTO_ICMPV6_TYPE`: ICMPv6 type (`u8`).
pub const CTA_PROTO_ICMPV6_TYPE: u16 = 8;
/// `CTA_PROTO_ICMPV6_CODE`: ICMPv6 code (`u8`).
pub const CTA_PROTO_ICMPV6_CODE: u16 = 9;
/// `CTA_PROTO_MAX`: highest layer-4 attribute.
pub const CTA_PROTO_MAX: u16 = 9;

/// `CTA_PROTOINFO_UNSPEC` (`enum ctattr_protoinfo`).
pub const CTA_PROTOINFO_UNSPEC: u16 = 0;
/// `CTA_PROTOINFO_TCP`: TCP state (nested `CTA_PROTOINFO_TCP_*`).
pub const CTA_PROTOINFO_TCP: u16 = 1;
/// `CTA_PROTOINFO_DCCP`: DCCP state (nested `CTA_PROTOINFO_DCCP_*`).
pub const CTA_PROTOINFO_DCCP: u16 = 2;
/// `CTA_PROTOINFO_SCTP`: SCTP state (nested `CTA_PROTOINFO_SCTP_*`).
pub const CTA_PROTOINFO_SCTP: u16 = 3;
/// `CTA_PROTOINFO_MAX`: highest protoinfo attribute.
pub const CTA_PROTOINFO_MAX: u16 = 3;

/// `CTA_PROTOINFO_TCP_UNSPEC` (`enum ctattr_protoinfo_tcp`).
pub const CTA_PROTOINFO_TCP_UNSPEC: u16 = 0;
/// `CTA_PROTOINFO_TCP_STATE`: TCP state (`TCP_CONNTRACK_*`, `u8`).
pub const CTA_PROTOINFO_TCP_STATE: u16 = 1;
/// `CTA_PROTOINFO_TCP_WSCALE_ORIGINAL`: original-direction window scale (`u8`).
pub const CTA_PROTOINFO_TCP_WSCALE_ORIGINAL: u16 = 2;
/// `CTA_PROTOINFO_TCP_WSCALE_REPLY`: reply-direction window scale (`u8`).
pub const CTA_PROTOINFO_TCP_WSCALE_REPLY: u16 = 3;
/// `CTA_PROTOINFO_TCP_FLAGS_ORIGINAL`: original-direction flags ([`nf_ct_tcp_flags`]).
pub const CTA_PROTOINFO_TCP_FLAGS_ORIGINAL: u16 = 4;
/// `CTA_PROTOINFO_TCP_FLAGS_REPLY`: reply-direction flags ([`nf_ct_tcp_flags`]).
pub const CTA_PROTOINFO_TCP_FLAGS_REPLY: u16 = 5;
/// `CTA_PROTOINFO_TCP_MAX`: highest TCP protoinfo attribute.
pub const CTA_PROTOINFO_TCP_MAX: u16 = 5;

/// `CTA_PROTOINFO_DCCP_UNSPEC` (`enum ctattr_protoinfo_dccp`).
pub const CTA_PROTOINFO_DCCP_UNSPEC: u16 = 0;
/// `CTA_PROTOINFO_DCCP_STATE`: DCCP state (`u8`).
pub const CTA_PROTOINFO_DCCP_STATE: u16 = 1;
/// `CTA_PROTOINFO_DCCP_ROLE`: DCCP role (`u8`).
pub const CTA_PROTOINFO_DCCP_ROLE: u16 = 2;
/// `CTA_PROTOINFO_DCCP_HANDSHAKE_SEQ`: handshake sequence number (`__be64`).
pub const CTA_PROTOINFO_DCCP_HANDSHAKE_SEQ: u16 = 3;
/// `CTA_PROTOINFO_DCCP_PAD`: padding for 64-bit alignment.
pub const CTA_PROTOINFO_DCCP_PAD: u16 = 4;
/// `CTA_PROTOINFO_DCCP_MAX`: highest DCCP protoinfo attribute.
pub const CTA_PROTOINFO_DCCP_MAX: u16 = 4;

/// `CTA_PROTOINFO_SCTP_UNSPEC` (`enum ctattr_protoinfo_sctp`).
pub const CTA_PROTOINFO_SCTP_UNSPEC: u16 = 0;
/// `CTA_PROTOINFO_SCTP_STATE`: SCTP state (`SCTP_CONNTRACK_*`, `u8`).
pub const CTA_PROTOINFO_SCTP_STATE: u16 = 1;
/// `CTA_PROTOINFO_SCTP_VTAG_ORIGINAL`: original-direction verification tag (`__be32`).
pub const CTA_PROTOINFO_SCTP_VTAG_ORIGINAL: u16 = 2;
/// `CTA_PROTOINFO_SCTP_VTAG_REPLY`: reply-direction verification tag (`__be32`).
pub const CTA_PROTOINFO_SCTP_VTAG_REPLY: u16 = 3;
/// `CTA_PROTOINFO_SCTP_MAX`: highest SCTP protoinfo attribute.
pub const CTA_PROTOINFO_SCTP_MAX: u16 = 3;

/// `CTA_COUNTERS_UNSPEC` (`enum ctattr_counters`).
pub const CTA_COUNTERS_UNSPEC: u16 = 0;
/// `CTA_COUNTERS_PACKETS`: packet count (`__be64`).
pub const CTA_COUNTERS_PACKETS: u16 = 1;
/// `CTA_COUNTERS_BYTES`: byte count (`__be64`).
pub const CTA_COUNTERS_BYTES: u16 = 2;
/// `CTA_COUNTERS32_PACKETS`: old 32-bit packet count (unused).
pub const CTA_COUNTERS32_PACKETS: u16 = 3;
/// `CTA_COUNTERS32_BYTES`: old 32-bit byte count (unused).
pub const CTA_COUNTERS32_BYTES: u16 = 4;
/// `CTA_COUNTERS_PAD`: padding for 64-bit alignment.
pub const CTA_COUNTERS_PAD: u16 = 5;
/// `CTA_COUNTERS_MAX`: highest counters attribute.
pub const CTA_COUNTERS_MAX: u16 = 5;

/// `CTA_TIMESTAMP_UNSPEC` (`enum ctattr_tstamp`).
pub const CTA_TIMESTAMP_UNSPEC: u16 = 0;
/// `CTA_TIMESTAMP_START`: start time in nanoseconds (`__be64`).
pub const CTA_TIMESTAMP_START: u16 = 1;
/// `CTA_TIMESTAMP_STOP`: stop time in nanoseconds (`__be64`).
pub const CTA_TIMESTAMP_STOP: u16 = 2;
/// `CTA_TIMESTAMP_PAD`: padding for 64-bit alignment.
pub const CTA_TIMESTAMP_PAD: u16 = 3;
/// `CTA_TIMESTAMP_MAX`: highest timestamp attribute.
pub const CTA_TIMESTAMP_MAX: u16 = 3;

/// `CTA_NAT_UNSPEC` (`enum ctattr_nat`).
pub const CTA_NAT_UNSPEC: u16 = 0;
/// `CTA_NAT_V4_MINIP`: lowest IPv4 address of the NAT range.
pub const CTA_NAT_V4_MINIP: u16 = 1;
/// `CTA_NAT_MINIP`: alias of `CTA_NAT_V4_MINIP`.
pub const CTA_NAT_MINIP: u16 = CTA_NAT_V4_MINIP;
/// `CTA_NAT_V4_MAXIP`: highest IPv4 address of the NAT range.
pub const CTA_NAT_V4_MAXIP: u16 = 2;
/// `CTA_NAT_MAXIP`: alias of `CTA_NAT_V4_MAXIP`.
pub const CTA_NAT_MAXIP: u16 = CTA_NAT_V4_MAXIP;
/// `CTA_NAT_PROTO`: port range (nested `CTA_PROTONAT_*`).
pub const CTA_NAT_PROTO: u16 = 3;
/// `CTA_NAT_V6_MINIP`: lowest IPv6 address of the NAT range.
pub const CTA_NAT_V6_MINIP: u16 = 4;
/// `CTA_NAT_V6_MAXIP`: highest IPv6 address of the NAT range.
pub const CTA_NAT_V6_MAXIP: u16 = 5;
/// `CTA_NAT_MAX`: highest NAT attribute.
pub const CTA_NAT_MAX: u16 = 5;

/// `CTA_PROTONAT_UNSPEC` (`enum ctattr_protonat`).
pub const CTA_PROTONAT_UNSPEC: u16 = 0;
/// `CTA_PROTONAT_PORT_MIN`: lowest port (`__be16`).
pub const CTA_PROTONAT_PORT_MIN: u16 = 1;
/// `CTA_PROTONAT_PORT_MAX`: highest port (`__be16`).
pub const CTA_PROTONAT_PORT_MAX: u16 = 2;
/// `CTA_PROTONAT_MAX`: highest protonat attribute.
pub const CTA_PROTONAT_MAX: u16 = 2;

/// `CTA_SEQADJ_UNSPEC` (`enum ctattr_seqadj`).
pub const CTA_SEQADJ_UNSPEC: u16 = 0;
/// `CTA_SEQADJ_CORRECTION_POS`: sequence number where the correction starts (`__be32`).
pub const CTA_SEQADJ_CORRECTION_POS: u16 = 1;
/// `CTA_SEQADJ_OFFSET_BEFORE`: offset before the position (`__be32`).
pub const CTA_SEQADJ_OFFSET_BEFORE: u16 = 2;
/// `CTA_SEQADJ_OFFSET_AFTER`: offset after the position (`__be32`).
pub const CTA_SEQADJ_OFFSET_AFTER: u16 = 3;
/// `CTA_SEQADJ_MAX`: highest seqadj attribute.
pub const CTA_SEQADJ_MAX: u16 = 3;

/// `CTA_NAT_SEQ_UNSPEC` (`enum ctattr_natseq`).
pub const CTA_NAT_SEQ_UNSPEC: u16 = 0;
/// `CTA_NAT_SEQ_CORRECTION_POS`: sequence number where the correction starts (`__be32`).
pub const CTA_NAT_SEQ_CORRECTION_POS: u16 = 1;
/// `CTA_NAT_SEQ_OFFSET_BEFORE`: offset before the position (`__be32`).
pub const CTA_NAT_SEQ_OFFSET_BEFORE: u16 = 2;
/// `CTA_NAT_SEQ_OFFSET_AFTER`: offset after the position (`__be32`).
pub const CTA_NAT_SEQ_OFFSET_AFTER: u16 = 3;
/// `CTA_NAT_SEQ_MAX`: highest natseq attribute.
pub const CTA_NAT_SEQ_MAX: u16 = 3;

/// `CTA_SYNPROXY_UNSPEC` (`enum ctattr_synproxy`).
pub const CTA_SYNPROXY_UNSPEC: u16 = 0;
/// `CTA_SYNPROXY_ISN`: initial sequence number (`__be32`).
pub const CTA_SYNPROXY_ISN: u16 = 1;
/// `CTA_SYNPROXY_ITS`: initial timestamp (`__be32`).
pub const CTA_SYNPROXY_ITS: u16 = 2;
/// `CTA_SYNPROXY_TSOFF`: timestamp offset (`__be32`).
pub const CTA_SYNPROXY_TSOFF: u16 = 3;
/// `CTA_SYNPROXY_MAX`: highest synproxy attribute.
pub const CTA_SYNPROXY_MAX: u16 = 3;

/// `CTA_EXPECT_UNSPEC` (`enum ctattr_expect`).
pub const CTA_EXPECT_UNSPEC: u16 = 0;
/// `CTA_EXPECT_MASTER`: tuple of the master connection (nested `CTA_TUPLE_*`).
pub const CTA_EXPECT_MASTER: u16 = 1;
/// `CTA_EXPECT_TUPLE`: expected tuple (nested `CTA_TUPLE_*`).
pub const CTA_EXPECT_TUPLE: u16 = 2;
/// `CTA_EXPECT_MASK`: mask of the expected tuple (nested `CTA_TUPLE_*`).
pub const CTA_EXPECT_MASK: u16 = 3;
/// `CTA_EXPECT_TIMEOUT`: remaining timeout in seconds (`__be32`).
pub const CTA_EXPECT_TIMEOUT: u16 = 4;
/// `CTA_EXPECT_ID`: expectation id (`__be32`).
pub const CTA_EXPECT_ID: u16 = 5;
/// `CTA_EXPECT_HELP_NAME`: helper name (string).
pub const CTA_EXPECT_HELP_NAME: u16 = 6;
/// `CTA_EXPECT_ZONE`: zone (`__be16`).
pub const CTA_EXPECT_ZONE: u16 = 7;
/// `CTA_EXPECT_FLAGS`: flags (`NF_CT_EXPECT_*`, `__be32`).
pub const CTA_EXPECT_FLAGS: u16 = 8;
/// `CTA_EXPECT_CLASS`: expectation class (`__be32`).
pub const CTA_EXPECT_CLASS: u16 = 9;
/// `CTA_EXPECT_NAT`: NAT of the expectation (nested `CTA_EXPECT_NAT_*`).
pub const CTA_EXPECT_NAT: u16 = 10;
/// `CTA_EXPECT_FN`: name of the expectation function (string).
pub const CTA_EXPECT_FN: u16 = 11;
/// `CTA_EXPECT_MAX`: highest expectation attribute.
pub const CTA_EXPECT_MAX: u16 = 11;

/// `CTA_EXPECT_NAT_UNSPEC` (`enum ctattr_expect_nat`).
pub const CTA_EXPECT_NAT_UNSPEC: u16 = 0;
/// `CTA_EXPECT_NAT_DIR`: direction (`IP_CT_DIR_*`, `__be32`).
pub const CTA_EXPECT_NAT_DIR: u16 = 1;
/// `CTA_EXPECT_NAT_TUPLE`: NAT tuple (nested `CTA_TUPLE_*`).
pub const CTA_EXPECT_NAT_TUPLE: u16 = 2;
/// `CTA_EXPECT_NAT_MAX`: highest expectation NAT attribute.
pub const CTA_EXPECT_NAT_MAX: u16 = 2;

/// `CTA_HELP_UNSPEC` (`enum ctattr_help`).
pub const CTA_HELP_UNSPEC: u16 = 0;
/// `CTA_HELP_NAME`: helper name (string).
pub const CTA_HELP_NAME: u16 = 1;
/// `CTA_HELP_INFO`: helper private data.
pub const CTA_HELP_INFO: u16 = 2;
/// `CTA_HELP_MAX`: highest helper attribute.
pub const CTA_HELP_MAX: u16 = 2;

/// `CTA_SECCTX_UNSPEC` (`enum ctattr_secctx`).
pub const CTA_SECCTX_UNSPEC: u16 = 0;
/// `CTA_SECCTX_NAME`: security context (string).
pub const CTA_SECCTX_NAME: u16 = 1;
/// `CTA_SECCTX_MAX`: highest secctx attribute.
pub const CTA_SECCTX_MAX: u16 = 1;

/// `CTA_STATS_UNSPEC` (`enum ctattr_stats_cpu`).
pub const CTA_STATS_UNSPEC: u16 = 0;
/// `CTA_STATS_SEARCHED`: no longer used.
pub const CTA_STATS_SEARCHED: u16 = 1;
/// `CTA_STATS_FOUND`: lookups that found an entry (`__be32`).
pub const CTA_STATS_FOUND: u16 = 2;
/// `CTA_STATS_NEW`: no longer used.
pub const CTA_STATS_NEW: u16 = 3;
/// `CTA_STATS_INVALID`: packets that could not be tracked (`__be32`).
pub const CTA_STATS_INVALID: u16 = 4;
/// `CTA_STATS_IGNORE`: no longer used.
pub const CTA_STATS_IGNORE: u16 = 5;
/// `CTA_STATS_DELETE`: no longer used.
pub const CTA_STATS_DELETE: u16 = 6;
/// `CTA_STATS_DELETE_LIST`: no longer used.
pub const CTA_STATS_DELETE_LIST: u16 = 7;
/// `CTA_STATS_INSERT`: inserted entries (`__be32`).
pub const CTA_STATS_INSERT: u16 = 8;
/// `CTA_STATS_INSERT_FAILED`: failed insertions (`__be32`).
pub const CTA_STATS_INSERT_FAILED: u16 = 9;
/// `CTA_STATS_DROP`: dropped packets (`__be32`).
pub const CTA_STATS_DROP: u16 = 10;
/// `CTA_STATS_EARLY_DROP`: early-dropped entries (`__be32`).
pub const CTA_STATS_EARLY_DROP: u16 = 11;
/// `CTA_STATS_ERROR`: ICMP errors (`__be32`).
pub const CTA_STATS_ERROR: u16 = 12;
/// `CTA_STATS_SEARCH_RESTART`: restarted lookups (`__be32`).
pub const CTA_STATS_SEARCH_RESTART: u16 = 13;
/// `CTA_STATS_CLASH_RESOLVE`: resolved insertion clashes (`__be32`).
pub const CTA_STATS_CLASH_RESOLVE: u16 = 14;
/// `CTA_STATS_CHAIN_TOOLONG`: hash chains that were too long (`__be32`).
pub const CTA_STATS_CHAIN_TOOLONG: u16 = 15;
/// `CTA_STATS_MAX`: highest per-CPU statistics attribute.
pub const CTA_STATS_MAX: u16 = 15;

/// `CTA_STATS_GLOBAL_UNSPEC` (`enum ctattr_stats_global`).
pub const CTA_STATS_GLOBAL_UNSPEC: u16 = 0;
/// `CTA_STATS_GLOBAL_ENTRIES`: number of entries (`__be32`).
pub const CTA_STATS_GLOBAL_ENTRIES: u16 = 1;
/// `CTA_STATS_GLOBAL_MAX_ENTRIES`: maximum number of entries (`__be32`).
pub const CTA_STATS_GLOBAL_MAX_ENTRIES: u16 = 2;
/// `CTA_STATS_GLOBAL_MAX`: highest global statistics attribute.
pub const CTA_STATS_GLOBAL_MAX: u16 = 2;

/// `CTA_STATS_EXP_UNSPEC` (`enum ctattr_expect_stats`).
pub const CTA_STATS_EXP_UNSPEC: u16 = 0;
/// `CTA_STATS_EXP_NEW`: new expectations (`__be32`).
pub const CTA_STATS_EXP_NEW: u16 = 1;
/// `CTA_STATS_EXP_CREATE`: created expectations (`__be32`).
pub const CTA_STATS_EXP_CREATE: u16 = 2;
/// `CTA_STATS_EXP_DELETE`: deleted expectations (`__be32`).
pub const CTA_STATS_EXP_DELETE: u16 = 3;
/// `CTA_STATS_EXP_MAX`: highest expectation statistics attribute.
pub const CTA_STATS_EXP_MAX: u16 = 3;

/// `CTA_FILTER_UNSPEC` (`enum ctattr_filter`).
pub const CTA_FILTER_UNSPEC: u16 = 0;
/// `CTA_FILTER_ORIG_FLAGS`: which original-tuple fields to match (host-order `u32`; the
/// `CTA_FILTER_F_*` bits are defined in `nf_conntrack_netlink.c`).
pub const CTA_FILTER_ORIG_FLAGS: u16 = 1;
/// `CTA_FILTER_REPLY_FLAGS`: which reply-tuple fields to match (host-order `u32`).
pub const CTA_FILTER_REPLY_FLAGS: u16 = 2;
/// `CTA_FILTER_MAX`: highest filter attribute.
pub const CTA_FILTER_MAX: u16 = 2;

/// `IP_CT_ESTABLISHED`: part of an established connection (`enum ip_conntrack_info`).
pub const IP_CT_ESTABLISHED: u32 = 0;
/// `IP_CT_RELATED`: related to an existing connection, or an ICMP error.
pub const IP_CT_RELATED: u32 = 1;
/// `IP_CT_NEW`: starts a new connection (original direction only).
pub const IP_CT_NEW: u32 = 2;
/// `IP_CT_IS_REPLY`: values at or above this are in the reply direction.
pub const IP_CT_IS_REPLY: u32 = 3;
/// `IP_CT_ESTABLISHED_REPLY`: `IP_CT_ESTABLISHED + IP_CT_IS_REPLY`.
pub const IP_CT_ESTABLISHED_REPLY: u32 = 3;
/// `IP_CT_RELATED_REPLY`: `IP_CT_RELATED + IP_CT_IS_REPLY`.
pub const IP_CT_RELATED_REPLY: u32 = 4;
/// `IP_CT_NUMBER`: number of distinct `IP_CT_*` values.
pub const IP_CT_NUMBER: u32 = 5;
/// `IP_CT_NEW_REPLY`: only for userspace compatibility (`= IP_CT_NUMBER`).
pub const IP_CT_NEW_REPLY: u32 = 5;

/// `NF_CT_STATE_INVALID_BIT`: state-match bit of invalid packets (`xt_state`).
pub const NF_CT_STATE_INVALID_BIT: u32 = 1 << 0;
/// `NF_CT_STATE_UNTRACKED_BIT`: state-match bit of untracked packets (`xt_state`).
pub const NF_CT_STATE_UNTRACKED_BIT: u32 = 1 << 6;

/// `IPS_EXPECTED_BIT`: bit number of `IPS_EXPECTED` (`enum ip_conntrack_status`).
pub const IPS_EXPECTED_BIT: u32 = 0;
/// `IPS_EXPECTED`: an expected connection (never changes).
pub const IPS_EXPECTED: u32 = 1 << IPS_EXPECTED_BIT;
/// `IPS_SEEN_REPLY_BIT`: bit number of `IPS_SEEN_REPLY`.
pub const IPS_SEEN_REPLY_BIT: u32 = 1;
/// `IPS_SEEN_REPLY`: packets were seen in both directions (can be set, not unset).
pub const IPS_SEEN_REPLY: u32 = 1 << IPS_SEEN_REPLY_BIT;
/// `IPS_ASSURED_BIT`: bit number of `IPS_ASSURED`.
pub const IPS_ASSURED_BIT: u32 = 2;
/// `IPS_ASSURED`: the entry is never early-expired.
pub const IPS_ASSURED: u32 = 1 << IPS_ASSURED_BIT;
/// `IPS_CONFIRMED_BIT`: bit number of `IPS_CONFIRMED`.
pub const IPS_CONFIRMED_BIT: u32 = 3;
/// `IPS_CONFIRMED`: confirmed: the first packet has left the box.
pub const IPS_CONFIRMED: u32 = 1 << IPS_CONFIRMED_BIT;
/// `IPS_SRC_NAT_BIT`: bit number of `IPS_SRC_NAT`.
pub const IPS_SRC_NAT_BIT: u32 = 4;
/// `IPS_SRC_NAT`: needs source NAT in the original direction (never changes).
pub const IPS_SRC_NAT: u32 = 1 << IPS_SRC_NAT_BIT;
/// `IPS_DST_NAT_BIT`: bit number of `IPS_DST_NAT`.
pub const IPS_DST_NAT_BIT: u32 = 5;
/// `IPS_DST_NAT`: needs destination NAT in the original direction (never changes).
pub const IPS_DST_NAT: u32 = 1 << IPS_DST_NAT_BIT;
/// `IPS_NAT_MASK`: `IPS_DST_NAT | IPS_SRC_NAT`.
pub const IPS_NAT_MASK: u32 = IPS_DST_NAT | IPS_SRC_NAT;
/// `IPS_SEQ_ADJUST_BIT`: bit number of `IPS_SEQ_ADJUST`.
pub const IPS_SEQ_ADJUST_BIT: u32 = 6;
/// `IPS_SEQ_ADJUST`: TCP sequence numbers need adjusting.
pub const IPS_SEQ_ADJUST: u32 = 1 << IPS_SEQ_ADJUST_BIT;
/// `IPS_SRC_NAT_DONE_BIT`: bit number of `IPS_SRC_NAT_DONE`.
pub const IPS_SRC_NAT_DONE_BIT: u32 = 7;
/// `IPS_SRC_NAT_DONE`: source NAT is initialised.
pub const IPS_SRC_NAT_DONE: u32 = 1 << IPS_SRC_NAT_DONE_BIT;
/// `IPS_DST_NAT_DONE_BIT`: bit number of `IPS_DST_NAT_DONE`.
pub const IPS_DST_NAT_DONE_BIT: u32 = 8;
/// `IPS_DST_NAT_DONE`: destination NAT is initialised.
pub const IPS_DST_NAT_DONE: u32 = 1 << IPS_DST_NAT_DONE_BIT;
/// `IPS_NAT_DONE_MASK`: `IPS_DST_NAT_DONE | IPS_SRC_NAT_DONE`.
pub const IPS_NAT_DONE_MASK: u32 = IPS_DST_NAT_DONE | IPS_SRC_NAT_DONE;
/// `IPS_DYING_BIT`: bit number of `IPS_DYING`.
pub const IPS_DYING_BIT: u32 = 9;
/// `IPS_DYING`: dying: removed from the lists (cannot be unset).
pub const IPS_DYING: u32 = 1 << IPS_DYING_BIT;
/// `IPS_FIXED_TIMEOUT_BIT`: bit number of `IPS_FIXED_TIMEOUT`.
pub const IPS_FIXED_TIMEOUT_BIT: u32 = 10;
/// `IPS_FIXED_TIMEOUT`: the timeout is fixed.
pub const IPS_FIXED_TIMEOUT: u32 = 1 << IPS_FIXED_TIMEOUT_BIT;
/// `IPS_TEMPLATE_BIT`: bit number of `IPS_TEMPLATE`.
pub const IPS_TEMPLATE_BIT: u32 = 11;
/// `IPS_TEMPLATE`: the entry is a template.
pub const IPS_TEMPLATE: u32 = 1 << IPS_TEMPLATE_BIT;
/// `IPS_UNTRACKED_BIT`: bit number of `IPS_UNTRACKED`.
pub const IPS_UNTRACKED_BIT: u32 = 12;
/// `IPS_UNTRACKED`: fake untracked entry (obsolete, not used any more).
pub const IPS_UNTRACKED: u32 = 1 << IPS_UNTRACKED_BIT;
/// `IPS_HELPER_BIT`: bit number of `IPS_HELPER`.
pub const IPS_HELPER_BIT: u32 = 13;
/// `IPS_HELPER`: a helper was attached explicitly (ruleset, ctnetlink).
pub const IPS_HELPER: u32 = 1 << IPS_HELPER_BIT;
/// `IPS_OFFLOAD_BIT`: bit number of `IPS_OFFLOAD`.
pub const IPS_OFFLOAD_BIT: u32 = 14;
/// `IPS_OFFLOAD`: offloaded to a flow table.
pub const IPS_OFFLOAD: u32 = 1 << IPS_OFFLOAD_BIT;
/// `IPS_HW_OFFLOAD_BIT`: bit number of `IPS_HW_OFFLOAD`.
pub const IPS_HW_OFFLOAD_BIT: u32 = 15;
/// `IPS_HW_OFFLOAD`: offloaded to hardware.
pub const IPS_HW_OFFLOAD: u32 = 1 << IPS_HW_OFFLOAD_BIT;
/// `IPS_UNCHANGEABLE_MASK`: bits that userspace may not change.
pub const IPS_UNCHANGEABLE_MASK: u32 = IPS_NAT_DONE_MASK
    | IPS_NAT_MASK
    | IPS_EXPECTED
    | IPS_CONFIRMED
    | IPS_DYING
    | IPS_SEQ_ADJUST
    | IPS_TEMPLATE
    | IPS_UNTRACKED
    | IPS_OFFLOAD
    | IPS_HW_OFFLOAD;
/// `__IPS_MAX_BIT`: number of status bits.
pub const __IPS_MAX_BIT: u32 = 16;

/// `IPCT_NEW`: new entry (`enum ip_conntrack_events`; bit numbers of the kernel event mask).
pub const IPCT_NEW: u32 = 0;
/// `IPCT_RELATED`: related entry.
pub const IPCT_RELATED: u32 = 1;
/// `IPCT_DESTROY`: destroyed entry.
pub const IPCT_DESTROY: u32 = 2;
/// `IPCT_REPLY`: the connection has seen traffic in both directions.
pub const IPCT_REPLY: u32 = 3;
/// `IPCT_ASSURED`: the status changed to assured.
pub const IPCT_ASSURED: u32 = 4;
/// `IPCT_PROTOINFO`: protocol information changed.
pub const IPCT_PROTOINFO: u32 = 5;
/// `IPCT_HELPER`: a new helper was set.
pub const IPCT_HELPER: u32 = 6;
/// `IPCT_MARK`: a new mark was set.
pub const IPCT_MARK: u32 = 7;
/// `IPCT_SEQADJ`: sequence adjustment changed.
pub const IPCT_SEQADJ: u32 = 8;
/// `IPCT_NATSEQADJ`: alias of `IPCT_SEQADJ`.
pub const IPCT_NATSEQADJ: u32 = IPCT_SEQADJ;
/// `IPCT_SECMARK`: a new security mark was set.
pub const IPCT_SECMARK: u32 = 9;
/// `IPCT_LABEL`: a new connlabel was set.
pub const IPCT_LABEL: u32 = 10;
/// `IPCT_SYNPROXY`: synproxy was set.
pub const IPCT_SYNPROXY: u32 = 11;

/// `IPEXP_NEW`: new expectation (`enum ip_conntrack_expect_events`).
pub const IPEXP_NEW: u32 = 0;
/// `IPEXP_DESTROY`: destroyed expectation.
pub const IPEXP_DESTROY: u32 = 1;

/// `NF_CT_EXPECT_PERMANENT`: the expectation stays after it is matched (`CTA_EXPECT_FLAGS`).
pub const NF_CT_EXPECT_PERMANENT: u32 = 0x1;
/// `NF_CT_EXPECT_INACTIVE`: the expectation is inactive.
pub const NF_CT_EXPECT_INACTIVE: u32 = 0x2;
/// `NF_CT_EXPECT_USERSPACE`: the expectation was created from userspace.
pub const NF_CT_EXPECT_USERSPACE: u32 = 0x4;

/// `IP_CT_DIR_ORIGINAL`: original direction (`enum ip_conntrack_dir`).
pub const IP_CT_DIR_ORIGINAL: u32 = 0;
/// `IP_CT_DIR_REPLY`: reply direction.
pub const IP_CT_DIR_REPLY: u32 = 1;
/// `IP_CT_DIR_MAX`: number of directions.
pub const IP_CT_DIR_MAX: u32 = 2;

/// `TCP_CONNTRACK_NONE`: no state (`enum tcp_conntrack`).
pub const TCP_CONNTRACK_NONE: u8 = 0;
/// `TCP_CONNTRACK_SYN_SENT`: SYN sent.
pub const TCP_CONNTRACK_SYN_SENT: u8 = 1;
/// `TCP_CONNTRACK_SYN_RECV`: SYN received.
pub const TCP_CONNTRACK_SYN_RECV: u8 = 2;
/// `TCP_CONNTRACK_ESTABLISHED`: established.
pub const TCP_CONNTRACK_ESTABLISHED: u8 = 3;
/// `TCP_CONNTRACK_FIN_WAIT`: FIN sent.
pub const TCP_CONNTRACK_FIN_WAIT: u8 = 4;
/// `TCP_CONNTRACK_CLOSE_WAIT`: FIN received, waiting for close.
pub const TCP_CONNTRACK_CLOSE_WAIT: u8 = 5;
/// `TCP_CONNTRACK_LAST_ACK`: last ACK.
pub const TCP_CONNTRACK_LAST_ACK: u8 = 6;
/// `TCP_CONNTRACK_TIME_WAIT`: time wait.
pub const TCP_CONNTRACK_TIME_WAIT: u8 = 7;
/// `TCP_CONNTRACK_CLOSE`: closed (RST seen).
pub const TCP_CONNTRACK_CLOSE: u8 = 8;
/// `TCP_CONNTRACK_LISTEN`: obsolete; reused as `TCP_CONNTRACK_SYN_SENT2`.
pub const TCP_CONNTRACK_LISTEN: u8 = 9;
/// `TCP_CONNTRACK_SYN_SENT2`: SYN sent in both directions (simultaneous open).
pub const TCP_CONNTRACK_SYN_SENT2: u8 = TCP_CONNTRACK_LISTEN;
/// `TCP_CONNTRACK_MAX`: number of real TCP states.
pub const TCP_CONNTRACK_MAX: u8 = 10;
/// `TCP_CONNTRACK_IGNORE`: internal: ignore the packet.
pub const TCP_CONNTRACK_IGNORE: u8 = 11;
/// `TCP_CONNTRACK_RETRANS`: timeout class for retransmissions.
pub const TCP_CONNTRACK_RETRANS: u8 = 12;
/// `TCP_CONNTRACK_UNACK`: timeout class for unacknowledged data.
pub const TCP_CONNTRACK_UNACK: u8 = 13;
/// `TCP_CONNTRACK_TIMEOUT_MAX`: number of TCP timeout classes.
pub const TCP_CONNTRACK_TIMEOUT_MAX: u8 = 14;

/// `IP_CT_TCP_FLAG_WINDOW_SCALE`: the sender advertised window scaling.
pub const IP_CT_TCP_FLAG_WINDOW_SCALE: u8 = 0x01;
/// `IP_CT_TCP_FLAG_SACK_PERM`: the sender permits SACK.
pub const IP_CT_TCP_FLAG_SACK_PERM: u8 = 0x02;
/// `IP_CT_TCP_FLAG_CLOSE_INIT`: this sender sent the first FIN.
pub const IP_CT_TCP_FLAG_CLOSE_INIT: u8 = 0x04;
/// `IP_CT_TCP_FLAG_BE_LIBERAL`: be liberal in window checking.
pub const IP_CT_TCP_FLAG_BE_LIBERAL: u8 = 0x08;
/// `IP_CT_TCP_FLAG_DATA_UNACKNOWLEDGED`: the sender has unacknowledged data.
pub const IP_CT_TCP_FLAG_DATA_UNACKNOWLEDGED: u8 = 0x10;
/// `IP_CT_TCP_FLAG_MAXACK_SET`: `td_maxack` has been set.
pub const IP_CT_TCP_FLAG_MAXACK_SET: u8 = 0x20;
/// `IP_CT_EXP_CHALLENGE_ACK`: an RFC 5961 challenge ACK may follow.
pub const IP_CT_EXP_CHALLENGE_ACK: u8 = 0x40;
/// `IP_CT_TCP_SIMULTANEOUS_OPEN`: simultaneous open was initialised.
pub const IP_CT_TCP_SIMULTANEOUS_OPEN: u8 = 0x80;

/// `struct nf_ct_tcp_flags`: payload of `CTA_PROTOINFO_TCP_FLAGS_ORIGINAL`/`_REPLY`.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct nf_ct_tcp_flags {
    /// Flag values (`IP_CT_TCP_FLAG_*`).
    pub flags: u8,
    /// Which flags to change.
    pub mask: u8,
}
const _: () = assert!(size_of::<nf_ct_tcp_flags>() == 2);
const _: () = assert!(align_of::<nf_ct_tcp_flags>() == 1);
const _: () = assert!(offset_of!(nf_ct_tcp_flags, flags) == 0);
const _: () = assert!(offset_of!(nf_ct_tcp_flags, mask) == 1);

/// `SCTP_CONNTRACK_NONE`: no state (`enum sctp_conntrack`).
pub const SCTP_CONNTRACK_NONE: u8 = 0;
/// `SCTP_CONNTRACK_CLOSED`: closed.
pub const SCTP_CONNTRACK_CLOSED: u8 = 1;
/// `SCTP_CONNTRACK_COOKIE_WAIT`: INIT sent, waiting for INIT ACK.
pub const SCTP_CONNTRACK_COOKIE_WAIT: u8 = 2;
/// `SCTP_CONNTRACK_COOKIE_ECHOED`: COOKIE ECHO sent.
pub const SCTP_CONNTRACK_COOKIE_ECHOED: u8 = 3;
/// `SCTP_CONNTRACK_ESTABLISHED`: established.
pub const SCTP_CONNTRACK_ESTABLISHED: u8 = 4;
/// `SCTP_CONNTRACK_SHUTDOWN_SENT`: SHUTDOWN sent.
pub const SCTP_CONNTRACK_SHUTDOWN_SENT: u8 = 5;
/// `SCTP_CONNTRACK_SHUTDOWN_RECD`: SHUTDOWN received.
pub const SCTP_CONNTRACK_SHUTDOWN_RECD: u8 = 6;
/// `SCTP_CONNTRACK_SHUTDOWN_ACK_SENT`: SHUTDOWN ACK sent.
pub const SCTP_CONNTRACK_SHUTDOWN_ACK_SENT: u8 = 7;
/// `SCTP_CONNTRACK_HEARTBEAT_SENT`: HEARTBEAT sent on a secondary path.
pub const SCTP_CONNTRACK_HEARTBEAT_SENT: u8 = 8;
/// `SCTP_CONNTRACK_HEARTBEAT_ACKED`: no longer used.
pub const SCTP_CONNTRACK_HEARTBEAT_ACKED: u8 = 9;
/// `SCTP_CONNTRACK_MAX`: number of SCTP states.
pub const SCTP_CONNTRACK_MAX: u8 = 10;
