//! ABI test: proves every constant value, struct size, alignment, field
//! offset, field size and field signedness of `nfnl-sys` against the UAPI
//! headers installed on this machine (linux-libc-dev), and fails if an item of
//! `nfnl-sys` is not covered.
//!
//! How: the lists below name every constant and every struct with its fields.
//! `abi_matches_installed_headers` writes a C program that includes the headers
//! and prints the C view of each listed item, compiles it with `cc` (or `$CC`),
//! runs it and compares. It also preprocesses the headers to check that the
//! struct fields documented as "big-endian" are exactly the `__be*` fields.
//! `every_item_is_covered` scans `src/*.rs` for every `pub const`, `pub struct`
//! and struct field, and fails if one is missing from these lists (or is in the
//! lists but not in the source), so a new constant cannot skip the check.
//!
//! Items newer than the installed headers are listed apart: `NEWER_THAN_HEADERS` (checked
//! against their slot in the installed enum) and `FROM_KERNEL_SOURCE` (nf_tables: checked
//! against the values read in the 6.18 kernel source by `kernel_source_values`, and by name
//! only where the installed header has them; each skip is printed with its reason).
//!
//! Needs a C compiler (gcc is one of the required tools) but no root.

use nfnl_sys::*;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The headers the C program includes. `<sys/socket.h>` is for `SOL_NETLINK`.
const HEADERS: &[&str] = &[
    "sys/socket.h",
    "linux/netlink.h",
    "linux/netfilter.h",
    "linux/netfilter/nfnetlink.h",
    "linux/netfilter/nfnetlink_queue.h",
    "linux/netfilter/nfnetlink_log.h",
    "linux/netfilter/nfnetlink_conntrack.h",
    "linux/netfilter/nf_conntrack_common.h",
    "linux/netfilter/nf_conntrack_tcp.h",
    "linux/netfilter/nf_conntrack_sctp.h",
    "linux/netfilter/nf_conntrack_tuple_common.h",
    "linux/netfilter/nf_tables.h",
    "linux/netfilter/nf_tables_compat.h",
];

/// One constant: its name, its Rust value and the C expression to compare with.
struct Const {
    name: &'static str,
    value: i128,
    c_expr: &'static str,
}

/// The C expression of a constant: its own name unless given.
macro_rules! c_expr {
    ($name:ident) => {
        stringify!($name)
    };
    ($name:ident $expr:literal) => {
        $expr
    };
}

/// `NAME` or `NAME => "C expression"`, comma separated.
macro_rules! consts {
    ($($name:ident $(=> $expr:literal)?),* $(,)?) => {
        &[$(Const {
            name: stringify!($name),
            value: $name as i128,
            c_expr: c_expr!($name $($expr)?),
        }),*]
    };
}

/// Every constant that the installed headers define (by name or expression).
const CONSTS: &[Const] = consts! {
    // netlink.rs
    NETLINK_NETFILTER, SOL_NETLINK, NLMSG_ALIGNTO, NLMSG_HDRLEN, NLA_ALIGNTO, NLA_HDRLEN,
    NLMSG_NOOP, NLMSG_ERROR, NLMSG_DONE, NLMSG_OVERRUN, NLMSG_MIN_TYPE, NLM_F_REQUEST,
    NLM_F_MULTI, NLM_F_ACK, NLM_F_ECHO, NLM_F_DUMP_INTR, NLM_F_DUMP_FILTERED, NLM_F_ROOT,
    NLM_F_MATCH, NLM_F_ATOMIC, NLM_F_DUMP, NLM_F_REPLACE, NLM_F_EXCL, NLM_F_CREATE,
    NLM_F_APPEND, NLM_F_NONREC, NLM_F_BULK, NLM_F_CAPPED, NLM_F_ACK_TLVS, NLA_F_NESTED,
    NLA_F_NET_BYTEORDER,
    // C: `~(NLA_F_NESTED | NLA_F_NET_BYTEORDER)` is a negative `int`; `nla_type` is 16 bits.
    NLA_TYPE_MASK => "(__u16)NLA_TYPE_MASK",
    NLMSGERR_ATTR_UNUSED, NLMSGERR_ATTR_MSG,
    NLMSGERR_ATTR_OFFS, NLMSGERR_ATTR_COOKIE, NLMSGERR_ATTR_POLICY,
    NLMSGERR_ATTR_MISS_TYPE, NLMSGERR_ATTR_MISS_NEST, NLMSGERR_ATTR_MAX,
    NETLINK_ADD_MEMBERSHIP, NETLINK_DROP_MEMBERSHIP, NETLINK_PKTINFO,
    NETLINK_BROADCAST_ERROR, NETLINK_NO_ENOBUFS, NETLINK_RX_RING, NETLINK_TX_RING,
    NETLINK_LISTEN_ALL_NSID, NETLINK_LIST_MEMBERSHIPS, NETLINK_CAP_ACK, NETLINK_EXT_ACK,
    NETLINK_GET_STRICT_CHK,
    // nfnetlink.rs
    NFNETLINK_V0, NFNL_SUBSYS_NONE, NFNL_SUBSYS_CTNETLINK,
    NFNL_SUBSYS_CTNETLINK_EXP, NFNL_SUBSYS_QUEUE, NFNL_SUBSYS_ULOG, NFNL_SUBSYS_OSF,
    NFNL_SUBSYS_IPSET, NFNL_SUBSYS_ACCT, NFNL_SUBSYS_CTNETLINK_TIMEOUT,
    NFNL_SUBSYS_CTHELPER, NFNL_SUBSYS_NFTABLES, NFNL_SUBSYS_NFT_COMPAT, NFNL_SUBSYS_HOOK,
    NFNL_SUBSYS_COUNT, NFNL_MSG_BATCH_BEGIN, NFNL_MSG_BATCH_END, NFNL_BATCH_UNSPEC,
    NFNL_BATCH_GENID, NFNL_BATCH_MAX, NFNLGRP_NONE, NFNLGRP_CONNTRACK_NEW,
    NFNLGRP_CONNTRACK_UPDATE, NFNLGRP_CONNTRACK_DESTROY, NFNLGRP_CONNTRACK_EXP_NEW,
    NFNLGRP_CONNTRACK_EXP_UPDATE, NFNLGRP_CONNTRACK_EXP_DESTROY, NFNLGRP_NFTABLES,
    NFNLGRP_ACCT_QUOTA, NFNLGRP_NFTRACE, NFNLGRP_MAX, NFPROTO_UNSPEC, NFPROTO_INET,
    NFPROTO_IPV4, NFPROTO_ARP, NFPROTO_NETDEV, NFPROTO_BRIDGE, NFPROTO_IPV6,
    NFPROTO_DECNET, NFPROTO_NUMPROTO,
    // netfilter.rs
    NF_DROP, NF_ACCEPT, NF_STOLEN, NF_QUEUE, NF_REPEAT, NF_STOP, NF_MAX_VERDICT,
    NF_VERDICT_MASK, NF_VERDICT_FLAG_QUEUE_BYPASS, NF_VERDICT_QMASK, NF_VERDICT_QBITS,
    NF_VERDICT_BITS, NF_INET_PRE_ROUTING, NF_INET_LOCAL_IN, NF_INET_FORWARD,
    NF_INET_LOCAL_OUT, NF_INET_POST_ROUTING, NF_INET_NUMHOOKS, NF_INET_INGRESS,
    NF_NETDEV_INGRESS, NF_NETDEV_EGRESS, NF_NETDEV_NUMHOOKS,
    // queue.rs
    NFQNL_MSG_PACKET, NFQNL_MSG_VERDICT, NFQNL_MSG_CONFIG, NFQNL_MSG_VERDICT_BATCH,
    NFQNL_MSG_MAX, NFQA_VLAN_UNSPEC, NFQA_VLAN_PROTO, NFQA_VLAN_TCI, NFQA_VLAN_MAX,
    NFQA_UNSPEC, NFQA_PACKET_HDR, NFQA_VERDICT_HDR, NFQA_MARK, NFQA_TIMESTAMP,
    NFQA_IFINDEX_INDEV, NFQA_IFINDEX_OUTDEV, NFQA_IFINDEX_PHYSINDEV,
    NFQA_IFINDEX_PHYSOUTDEV, NFQA_HWADDR, NFQA_PAYLOAD, NFQA_CT, NFQA_CT_INFO,
    NFQA_CAP_LEN, NFQA_SKB_INFO, NFQA_EXP, NFQA_UID, NFQA_GID, NFQA_SECCTX, NFQA_VLAN,
    NFQA_L2HDR, NFQA_PRIORITY, NFQA_MAX, NFQNL_CFG_CMD_NONE,
    NFQNL_CFG_CMD_BIND, NFQNL_CFG_CMD_UNBIND, NFQNL_CFG_CMD_PF_BIND,
    NFQNL_CFG_CMD_PF_UNBIND, NFQNL_COPY_NONE, NFQNL_COPY_META, NFQNL_COPY_PACKET,
    NFQA_CFG_UNSPEC, NFQA_CFG_CMD, NFQA_CFG_PARAMS, NFQA_CFG_QUEUE_MAXLEN, NFQA_CFG_MASK,
    NFQA_CFG_FLAGS, NFQA_CFG_MAX, NFQA_CFG_F_FAIL_OPEN, NFQA_CFG_F_CONNTRACK,
    NFQA_CFG_F_GSO, NFQA_CFG_F_UID_GID, NFQA_CFG_F_SECCTX, NFQA_CFG_F_MAX,
    NFQA_SKB_CSUMNOTREADY, NFQA_SKB_GSO, NFQA_SKB_CSUM_NOTVERIFIED,
    // log.rs
    NFULNL_MSG_PACKET, NFULNL_MSG_CONFIG, NFULNL_MSG_MAX, NFULA_VLAN_UNSPEC,
    NFULA_VLAN_PROTO, NFULA_VLAN_TCI, NFULA_VLAN_MAX, NFULA_UNSPEC, NFULA_PACKET_HDR,
    NFULA_MARK, NFULA_TIMESTAMP, NFULA_IFINDEX_INDEV, NFULA_IFINDEX_OUTDEV,
    NFULA_IFINDEX_PHYSINDEV, NFULA_IFINDEX_PHYSOUTDEV, NFULA_HWADDR, NFULA_PAYLOAD,
    NFULA_PREFIX, NFULA_UID, NFULA_SEQ, NFULA_SEQ_GLOBAL, NFULA_GID, NFULA_HWTYPE,
    NFULA_HWHEADER, NFULA_HWLEN, NFULA_CT, NFULA_CT_INFO, NFULA_VLAN, NFULA_L2HDR,
    NFULA_MAX, NFULNL_CFG_CMD_NONE, NFULNL_CFG_CMD_BIND, NFULNL_CFG_CMD_UNBIND,
    NFULNL_CFG_CMD_PF_BIND, NFULNL_CFG_CMD_PF_UNBIND, NFULA_CFG_UNSPEC, NFULA_CFG_CMD,
    NFULA_CFG_MODE, NFULA_CFG_NLBUFSIZ, NFULA_CFG_TIMEOUT, NFULA_CFG_QTHRESH,
    NFULA_CFG_FLAGS, NFULA_CFG_MAX, NFULNL_COPY_NONE, NFULNL_COPY_META, NFULNL_COPY_PACKET,
    NFULNL_CFG_F_SEQ, NFULNL_CFG_F_SEQ_GLOBAL, NFULNL_CFG_F_CONNTRACK,
    // conntrack.rs
    IPCTNL_MSG_CT_NEW, IPCTNL_MSG_CT_GET, IPCTNL_MSG_CT_DELETE, IPCTNL_MSG_CT_GET_CTRZERO,
    IPCTNL_MSG_CT_GET_STATS_CPU, IPCTNL_MSG_CT_GET_STATS, IPCTNL_MSG_CT_GET_DYING,
    IPCTNL_MSG_CT_GET_UNCONFIRMED, IPCTNL_MSG_MAX, IPCTNL_MSG_EXP_NEW, IPCTNL_MSG_EXP_GET,
    IPCTNL_MSG_EXP_DELETE, IPCTNL_MSG_EXP_GET_STATS_CPU, IPCTNL_MSG_EXP_MAX, CTA_UNSPEC,
    CTA_TUPLE_ORIG, CTA_TUPLE_REPLY, CTA_STATUS, CTA_PROTOINFO, CTA_HELP, CTA_NAT_SRC,
    CTA_NAT, CTA_TIMEOUT, CTA_MARK, CTA_COUNTERS_ORIG, CTA_COUNTERS_REPLY, CTA_USE, CTA_ID,
    CTA_NAT_DST, CTA_TUPLE_MASTER, CTA_SEQ_ADJ_ORIG, CTA_NAT_SEQ_ADJ_ORIG,
    CTA_SEQ_ADJ_REPLY, CTA_NAT_SEQ_ADJ_REPLY, CTA_SECMARK, CTA_ZONE, CTA_SECCTX,
    CTA_TIMESTAMP, CTA_MARK_MASK, CTA_LABELS, CTA_LABELS_MASK, CTA_SYNPROXY, CTA_FILTER,
    CTA_STATUS_MASK, CTA_MAX, CTA_TUPLE_UNSPEC, CTA_TUPLE_IP,
    CTA_TUPLE_PROTO, CTA_TUPLE_ZONE, CTA_TUPLE_MAX, CTA_IP_UNSPEC, CTA_IP_V4_SRC,
    CTA_IP_V4_DST, CTA_IP_V6_SRC, CTA_IP_V6_DST, CTA_IP_MAX, CTA_PROTO_UNSPEC,
    CTA_PROTO_NUM, CTA_PROTO_SRC_PORT, CTA_PROTO_DST_PORT, CTA_PROTO_ICMP_ID,
    CTA_PROTO_ICMP_TYPE, CTA_PROTO_ICMP_CODE, CTA_PROTO_ICMPV6_ID, CTA_PROTO_ICMPV6_TYPE,
    CTA_PROTO_ICMPV6_CODE, CTA_PROTO_MAX, CTA_PROTOINFO_UNSPEC, CTA_PROTOINFO_TCP,
    CTA_PROTOINFO_DCCP, CTA_PROTOINFO_SCTP, CTA_PROTOINFO_MAX, CTA_PROTOINFO_TCP_UNSPEC,
    CTA_PROTOINFO_TCP_STATE, CTA_PROTOINFO_TCP_WSCALE_ORIGINAL,
    CTA_PROTOINFO_TCP_WSCALE_REPLY, CTA_PROTOINFO_TCP_FLAGS_ORIGINAL,
    CTA_PROTOINFO_TCP_FLAGS_REPLY, CTA_PROTOINFO_TCP_MAX, CTA_PROTOINFO_DCCP_UNSPEC,
    CTA_PROTOINFO_DCCP_STATE, CTA_PROTOINFO_DCCP_ROLE, CTA_PROTOINFO_DCCP_HANDSHAKE_SEQ,
    CTA_PROTOINFO_DCCP_PAD, CTA_PROTOINFO_DCCP_MAX, CTA_PROTOINFO_SCTP_UNSPEC,
    CTA_PROTOINFO_SCTP_STATE, CTA_PROTOINFO_SCTP_VTAG_ORIGINAL,
    CTA_PROTOINFO_SCTP_VTAG_REPLY, CTA_PROTOINFO_SCTP_MAX, CTA_COUNTERS_UNSPEC,
    CTA_COUNTERS_PACKETS, CTA_COUNTERS_BYTES, CTA_COUNTERS32_PACKETS, CTA_COUNTERS32_BYTES,
    CTA_COUNTERS_PAD, CTA_COUNTERS_MAX, CTA_TIMESTAMP_UNSPEC, CTA_TIMESTAMP_START,
    CTA_TIMESTAMP_STOP, CTA_TIMESTAMP_PAD, CTA_TIMESTAMP_MAX, CTA_NAT_UNSPEC,
    CTA_NAT_V4_MINIP, CTA_NAT_MINIP, CTA_NAT_V4_MAXIP, CTA_NAT_MAXIP, CTA_NAT_PROTO,
    CTA_NAT_V6_MINIP, CTA_NAT_V6_MAXIP, CTA_NAT_MAX, CTA_PROTONAT_UNSPEC,
    CTA_PROTONAT_PORT_MIN, CTA_PROTONAT_PORT_MAX, CTA_PROTONAT_MAX, CTA_SEQADJ_UNSPEC,
    CTA_SEQADJ_CORRECTION_POS, CTA_SEQADJ_OFFSET_BEFORE, CTA_SEQADJ_OFFSET_AFTER,
    CTA_SEQADJ_MAX, CTA_NAT_SEQ_UNSPEC, CTA_NAT_SEQ_CORRECTION_POS,
    CTA_NAT_SEQ_OFFSET_BEFORE, CTA_NAT_SEQ_OFFSET_AFTER, CTA_NAT_SEQ_MAX,
    CTA_SYNPROXY_UNSPEC, CTA_SYNPROXY_ISN, CTA_SYNPROXY_ITS, CTA_SYNPROXY_TSOFF,
    CTA_SYNPROXY_MAX, CTA_EXPECT_UNSPEC, CTA_EXPECT_MASTER, CTA_EXPECT_TUPLE,
    CTA_EXPECT_MASK, CTA_EXPECT_TIMEOUT, CTA_EXPECT_ID, CTA_EXPECT_HELP_NAME,
    CTA_EXPECT_ZONE, CTA_EXPECT_FLAGS, CTA_EXPECT_CLASS, CTA_EXPECT_NAT, CTA_EXPECT_FN,
    CTA_EXPECT_MAX, CTA_EXPECT_NAT_UNSPEC, CTA_EXPECT_NAT_DIR, CTA_EXPECT_NAT_TUPLE,
    CTA_EXPECT_NAT_MAX, CTA_HELP_UNSPEC, CTA_HELP_NAME, CTA_HELP_INFO, CTA_HELP_MAX,
    CTA_SECCTX_UNSPEC, CTA_SECCTX_NAME, CTA_SECCTX_MAX, CTA_STATS_UNSPEC,
    CTA_STATS_SEARCHED, CTA_STATS_FOUND, CTA_STATS_NEW, CTA_STATS_INVALID,
    CTA_STATS_IGNORE, CTA_STATS_DELETE, CTA_STATS_DELETE_LIST, CTA_STATS_INSERT,
    CTA_STATS_INSERT_FAILED, CTA_STATS_DROP, CTA_STATS_EARLY_DROP, CTA_STATS_ERROR,
    CTA_STATS_SEARCH_RESTART, CTA_STATS_CLASH_RESOLVE, CTA_STATS_CHAIN_TOOLONG,
    CTA_STATS_MAX, CTA_STATS_GLOBAL_UNSPEC, CTA_STATS_GLOBAL_ENTRIES,
    CTA_STATS_GLOBAL_MAX_ENTRIES, CTA_STATS_GLOBAL_MAX, CTA_STATS_EXP_UNSPEC,
    CTA_STATS_EXP_NEW, CTA_STATS_EXP_CREATE, CTA_STATS_EXP_DELETE, CTA_STATS_EXP_MAX,
    CTA_FILTER_UNSPEC, CTA_FILTER_ORIG_FLAGS, CTA_FILTER_REPLY_FLAGS, CTA_FILTER_MAX,
    IP_CT_ESTABLISHED, IP_CT_RELATED, IP_CT_NEW, IP_CT_IS_REPLY, IP_CT_ESTABLISHED_REPLY,
    IP_CT_RELATED_REPLY, IP_CT_NUMBER, IP_CT_NEW_REPLY, NF_CT_STATE_INVALID_BIT,
    NF_CT_STATE_UNTRACKED_BIT, IPS_EXPECTED_BIT, IPS_EXPECTED, IPS_SEEN_REPLY_BIT,
    IPS_SEEN_REPLY, IPS_ASSURED_BIT, IPS_ASSURED, IPS_CONFIRMED_BIT, IPS_CONFIRMED,
    IPS_SRC_NAT_BIT, IPS_SRC_NAT, IPS_DST_NAT_BIT, IPS_DST_NAT, IPS_NAT_MASK,
    IPS_SEQ_ADJUST_BIT, IPS_SEQ_ADJUST, IPS_SRC_NAT_DONE_BIT, IPS_SRC_NAT_DONE,
    IPS_DST_NAT_DONE_BIT, IPS_DST_NAT_DONE, IPS_NAT_DONE_MASK, IPS_DYING_BIT, IPS_DYING,
    IPS_FIXED_TIMEOUT_BIT, IPS_FIXED_TIMEOUT, IPS_TEMPLATE_BIT, IPS_TEMPLATE,
    IPS_UNTRACKED_BIT, IPS_UNTRACKED, IPS_HELPER_BIT, IPS_HELPER, IPS_OFFLOAD_BIT,
    IPS_OFFLOAD, IPS_HW_OFFLOAD_BIT, IPS_HW_OFFLOAD, IPS_UNCHANGEABLE_MASK, __IPS_MAX_BIT,
    IPCT_NEW, IPCT_RELATED, IPCT_DESTROY, IPCT_REPLY, IPCT_ASSURED, IPCT_PROTOINFO,
    IPCT_HELPER, IPCT_MARK, IPCT_SEQADJ, IPCT_NATSEQADJ, IPCT_SECMARK, IPCT_LABEL,
    IPCT_SYNPROXY, IPEXP_NEW, IPEXP_DESTROY, NF_CT_EXPECT_PERMANENT, NF_CT_EXPECT_INACTIVE,
    NF_CT_EXPECT_USERSPACE, IP_CT_DIR_ORIGINAL, IP_CT_DIR_REPLY, IP_CT_DIR_MAX,
    TCP_CONNTRACK_NONE, TCP_CONNTRACK_SYN_SENT, TCP_CONNTRACK_SYN_RECV,
    TCP_CONNTRACK_ESTABLISHED, TCP_CONNTRACK_FIN_WAIT, TCP_CONNTRACK_CLOSE_WAIT,
    TCP_CONNTRACK_LAST_ACK, TCP_CONNTRACK_TIME_WAIT, TCP_CONNTRACK_CLOSE,
    TCP_CONNTRACK_LISTEN, TCP_CONNTRACK_SYN_SENT2, TCP_CONNTRACK_MAX, TCP_CONNTRACK_IGNORE,
    TCP_CONNTRACK_RETRANS, TCP_CONNTRACK_UNACK, TCP_CONNTRACK_TIMEOUT_MAX,
    IP_CT_TCP_FLAG_WINDOW_SCALE, IP_CT_TCP_FLAG_SACK_PERM, IP_CT_TCP_FLAG_CLOSE_INIT,
    IP_CT_TCP_FLAG_BE_LIBERAL, IP_CT_TCP_FLAG_DATA_UNACKNOWLEDGED,
    IP_CT_TCP_FLAG_MAXACK_SET, IP_CT_EXP_CHALLENGE_ACK, IP_CT_TCP_SIMULTANEOUS_OPEN,
    SCTP_CONNTRACK_NONE, SCTP_CONNTRACK_CLOSED, SCTP_CONNTRACK_COOKIE_WAIT,
    SCTP_CONNTRACK_COOKIE_ECHOED, SCTP_CONNTRACK_ESTABLISHED, SCTP_CONNTRACK_SHUTDOWN_SENT,
    SCTP_CONNTRACK_SHUTDOWN_RECD, SCTP_CONNTRACK_SHUTDOWN_ACK_SENT,
    SCTP_CONNTRACK_HEARTBEAT_SENT, SCTP_CONNTRACK_HEARTBEAT_ACKED, SCTP_CONNTRACK_MAX,
    // tables.rs
    NFT_NAME_MAXLEN, NFT_TABLE_MAXNAMELEN, NFT_CHAIN_MAXNAMELEN, NFT_SET_MAXNAMELEN,
    NFT_OBJ_MAXNAMELEN, NFT_USERDATA_MAXLEN, NFT_OSF_MAXGENRELEN, NFT_REG_VERDICT, NFT_REG_1,
    NFT_REG_2, NFT_REG_3, NFT_REG_4, NFT_REG_MAX, NFT_REG32_00, NFT_REG32_01, NFT_REG32_02,
    NFT_REG32_03, NFT_REG32_04, NFT_REG32_05, NFT_REG32_06, NFT_REG32_07, NFT_REG32_08,
    NFT_REG32_09, NFT_REG32_10, NFT_REG32_11, NFT_REG32_12, NFT_REG32_13, NFT_REG32_14,
    NFT_REG32_15, NFT_REG_SIZE, NFT_REG32_SIZE, NFT_REG32_COUNT, NFT_CONTINUE, NFT_BREAK,
    NFT_JUMP, NFT_GOTO, NFT_RETURN, NFT_MSG_NEWTABLE, NFT_MSG_GETTABLE, NFT_MSG_DELTABLE,
    NFT_MSG_NEWCHAIN, NFT_MSG_GETCHAIN, NFT_MSG_DELCHAIN, NFT_MSG_NEWRULE, NFT_MSG_GETRULE,
    NFT_MSG_DELRULE, NFT_MSG_NEWSET, NFT_MSG_GETSET, NFT_MSG_DELSET, NFT_MSG_NEWSETELEM,
    NFT_MSG_GETSETELEM, NFT_MSG_DELSETELEM, NFT_MSG_NEWGEN, NFT_MSG_GETGEN, NFT_MSG_TRACE,
    NFT_MSG_NEWOBJ, NFT_MSG_GETOBJ, NFT_MSG_DELOBJ, NFT_MSG_GETOBJ_RESET, NFT_MSG_NEWFLOWTABLE,
    NFT_MSG_GETFLOWTABLE, NFT_MSG_DELFLOWTABLE, NFTA_LIST_UNSPEC, NFTA_LIST_ELEM,
    NFTA_LIST_MAX, NFTA_HOOK_UNSPEC, NFTA_HOOK_HOOKNUM, NFTA_HOOK_PRIORITY, NFTA_HOOK_DEV,
    NFTA_HOOK_DEVS, NFTA_HOOK_MAX, NFT_TABLE_F_DORMANT, NFT_TABLE_F_OWNER, NFTA_TABLE_UNSPEC,
    NFTA_TABLE_NAME, NFTA_TABLE_FLAGS, NFTA_TABLE_USE, NFTA_TABLE_HANDLE, NFTA_TABLE_PAD,
    NFTA_TABLE_USERDATA, NFTA_TABLE_OWNER, NFTA_TABLE_MAX, NFT_CHAIN_BASE,
    NFT_CHAIN_HW_OFFLOAD, NFT_CHAIN_BINDING, NFT_CHAIN_FLAGS, NFTA_CHAIN_UNSPEC,
    NFTA_CHAIN_TABLE, NFTA_CHAIN_HANDLE, NFTA_CHAIN_NAME, NFTA_CHAIN_HOOK, NFTA_CHAIN_POLICY,
    NFTA_CHAIN_USE, NFTA_CHAIN_TYPE, NFTA_CHAIN_COUNTERS, NFTA_CHAIN_PAD, NFTA_CHAIN_FLAGS,
    NFTA_CHAIN_ID, NFTA_CHAIN_USERDATA, NFTA_CHAIN_MAX, NFTA_RULE_UNSPEC, NFTA_RULE_TABLE,
    NFTA_RULE_CHAIN, NFTA_RULE_HANDLE, NFTA_RULE_EXPRESSIONS, NFTA_RULE_COMPAT,
    NFTA_RULE_POSITION, NFTA_RULE_USERDATA, NFTA_RULE_PAD, NFTA_RULE_ID, NFTA_RULE_POSITION_ID,
    NFTA_RULE_CHAIN_ID, NFTA_RULE_MAX, NFT_RULE_COMPAT_F_UNUSED, NFT_RULE_COMPAT_F_INV,
    NFT_RULE_COMPAT_F_MASK, NFTA_RULE_COMPAT_UNSPEC, NFTA_RULE_COMPAT_PROTO,
    NFTA_RULE_COMPAT_FLAGS, NFTA_RULE_COMPAT_MAX, NFT_SET_ANONYMOUS, NFT_SET_CONSTANT,
    NFT_SET_INTERVAL, NFT_SET_MAP, NFT_SET_TIMEOUT, NFT_SET_EVAL, NFT_SET_OBJECT,
    NFT_SET_CONCAT, NFT_SET_EXPR, NFT_SET_POL_PERFORMANCE, NFT_SET_POL_MEMORY,
    NFTA_SET_DESC_UNSPEC, NFTA_SET_DESC_SIZE, NFTA_SET_DESC_CONCAT, NFTA_SET_DESC_MAX,
    NFTA_SET_FIELD_UNSPEC, NFTA_SET_FIELD_LEN, NFTA_SET_FIELD_MAX, NFTA_SET_UNSPEC,
    NFTA_SET_TABLE, NFTA_SET_NAME, NFTA_SET_FLAGS, NFTA_SET_KEY_TYPE, NFTA_SET_KEY_LEN,
    NFTA_SET_DATA_TYPE, NFTA_SET_DATA_LEN, NFTA_SET_POLICY, NFTA_SET_DESC, NFTA_SET_ID,
    NFTA_SET_TIMEOUT, NFTA_SET_GC_INTERVAL, NFTA_SET_USERDATA, NFTA_SET_PAD, NFTA_SET_OBJ_TYPE,
    NFTA_SET_HANDLE, NFTA_SET_EXPR, NFTA_SET_EXPRESSIONS, NFT_SET_ELEM_INTERVAL_END,
    NFT_SET_ELEM_CATCHALL, NFTA_SET_ELEM_UNSPEC, NFTA_SET_ELEM_KEY, NFTA_SET_ELEM_DATA,
    NFTA_SET_ELEM_FLAGS, NFTA_SET_ELEM_TIMEOUT, NFTA_SET_ELEM_EXPIRATION,
    NFTA_SET_ELEM_USERDATA, NFTA_SET_ELEM_EXPR, NFTA_SET_ELEM_PAD, NFTA_SET_ELEM_OBJREF,
    NFTA_SET_ELEM_KEY_END, NFTA_SET_ELEM_EXPRESSIONS, NFTA_SET_ELEM_MAX,
    NFTA_SET_ELEM_LIST_UNSPEC, NFTA_SET_ELEM_LIST_TABLE, NFTA_SET_ELEM_LIST_SET,
    NFTA_SET_ELEM_LIST_ELEMENTS, NFTA_SET_ELEM_LIST_SET_ID, NFTA_SET_ELEM_LIST_MAX,
    NFT_DATA_VALUE, NFT_DATA_VERDICT, NFT_DATA_RESERVED_MASK, NFTA_DATA_UNSPEC,
    NFTA_DATA_VALUE, NFTA_DATA_VERDICT, NFTA_DATA_MAX, NFT_DATA_VALUE_MAXLEN,
    NFTA_VERDICT_UNSPEC, NFTA_VERDICT_CODE, NFTA_VERDICT_CHAIN, NFTA_VERDICT_CHAIN_ID,
    NFTA_VERDICT_MAX, NFTA_EXPR_UNSPEC, NFTA_EXPR_NAME, NFTA_EXPR_DATA, NFTA_EXPR_MAX,
    NFTA_IMMEDIATE_UNSPEC, NFTA_IMMEDIATE_DREG, NFTA_IMMEDIATE_DATA, NFTA_IMMEDIATE_MAX,
    NFT_BITWISE_MASK_XOR, NFT_BITWISE_LSHIFT, NFT_BITWISE_RSHIFT, NFT_BITWISE_BOOL,
    NFTA_BITWISE_UNSPEC, NFTA_BITWISE_SREG, NFTA_BITWISE_DREG, NFTA_BITWISE_LEN,
    NFTA_BITWISE_MASK, NFTA_BITWISE_XOR, NFTA_BITWISE_OP, NFTA_BITWISE_DATA,
    NFT_BYTEORDER_NTOH, NFT_BYTEORDER_HTON, NFTA_BYTEORDER_UNSPEC, NFTA_BYTEORDER_SREG,
    NFTA_BYTEORDER_DREG, NFTA_BYTEORDER_OP, NFTA_BYTEORDER_LEN, NFTA_BYTEORDER_SIZE,
    NFTA_BYTEORDER_MAX, NFT_CMP_EQ, NFT_CMP_NEQ, NFT_CMP_LT, NFT_CMP_LTE, NFT_CMP_GT,
    NFT_CMP_GTE, NFTA_CMP_UNSPEC, NFTA_CMP_SREG, NFTA_CMP_OP, NFTA_CMP_DATA, NFTA_CMP_MAX,
    NFT_RANGE_EQ, NFT_RANGE_NEQ, NFTA_RANGE_UNSPEC, NFTA_RANGE_SREG, NFTA_RANGE_OP,
    NFTA_RANGE_FROM_DATA, NFTA_RANGE_TO_DATA, NFTA_RANGE_MAX, NFT_LOOKUP_F_INV,
    NFTA_LOOKUP_UNSPEC, NFTA_LOOKUP_SET, NFTA_LOOKUP_SREG, NFTA_LOOKUP_DREG,
    NFTA_LOOKUP_SET_ID, NFTA_LOOKUP_FLAGS, NFTA_LOOKUP_MAX, NFT_DYNSET_OP_ADD,
    NFT_DYNSET_OP_UPDATE, NFT_DYNSET_OP_DELETE, NFT_DYNSET_F_INV, NFT_DYNSET_F_EXPR,
    NFTA_DYNSET_UNSPEC, NFTA_DYNSET_SET_NAME, NFTA_DYNSET_SET_ID, NFTA_DYNSET_OP,
    NFTA_DYNSET_SREG_KEY, NFTA_DYNSET_SREG_DATA, NFTA_DYNSET_TIMEOUT, NFTA_DYNSET_EXPR,
    NFTA_DYNSET_PAD, NFTA_DYNSET_FLAGS, NFTA_DYNSET_EXPRESSIONS, NFTA_DYNSET_MAX,
    NFT_PAYLOAD_LL_HEADER, NFT_PAYLOAD_NETWORK_HEADER, NFT_PAYLOAD_TRANSPORT_HEADER,
    NFT_PAYLOAD_INNER_HEADER, NFT_PAYLOAD_CSUM_NONE, NFT_PAYLOAD_CSUM_INET,
    NFT_PAYLOAD_CSUM_SCTP, NFT_PAYLOAD_L4CSUM_PSEUDOHDR, NFTA_PAYLOAD_UNSPEC,
    NFTA_PAYLOAD_DREG, NFTA_PAYLOAD_BASE, NFTA_PAYLOAD_OFFSET, NFTA_PAYLOAD_LEN,
    NFTA_PAYLOAD_SREG, NFTA_PAYLOAD_CSUM_TYPE, NFTA_PAYLOAD_CSUM_OFFSET,
    NFTA_PAYLOAD_CSUM_FLAGS, NFTA_PAYLOAD_MAX, NFT_EXTHDR_F_PRESENT, NFT_EXTHDR_OP_IPV6,
    NFT_EXTHDR_OP_TCPOPT, NFT_EXTHDR_OP_IPV4, NFT_EXTHDR_OP_SCTP, NFT_EXTHDR_OP_DCCP,
    NFT_EXTHDR_OP_MAX, NFTA_EXTHDR_UNSPEC, NFTA_EXTHDR_DREG, NFTA_EXTHDR_TYPE,
    NFTA_EXTHDR_OFFSET, NFTA_EXTHDR_LEN, NFTA_EXTHDR_FLAGS, NFTA_EXTHDR_OP, NFTA_EXTHDR_SREG,
    NFTA_EXTHDR_MAX, NFT_META_LEN, NFT_META_PROTOCOL, NFT_META_PRIORITY, NFT_META_MARK,
    NFT_META_IIF, NFT_META_OIF, NFT_META_IIFNAME, NFT_META_OIFNAME, NFT_META_IFTYPE,
    NFT_META_OIFTYPE, NFT_META_SKUID, NFT_META_SKGID, NFT_META_NFTRACE, NFT_META_RTCLASSID,
    NFT_META_SECMARK, NFT_META_NFPROTO, NFT_META_L4PROTO, NFT_META_BRI_IIFNAME,
    NFT_META_BRI_OIFNAME, NFT_META_PKTTYPE, NFT_META_CPU, NFT_META_IIFGROUP, NFT_META_OIFGROUP,
    NFT_META_CGROUP, NFT_META_PRANDOM, NFT_META_SECPATH, NFT_META_IIFKIND, NFT_META_OIFKIND,
    NFT_META_BRI_IIFPVID, NFT_META_BRI_IIFVPROTO, NFT_META_TIME_NS, NFT_META_TIME_DAY,
    NFT_META_TIME_HOUR, NFT_META_SDIF, NFT_META_SDIFNAME, NFT_META_IIFTYPE, NFT_RT_CLASSID,
    NFT_RT_NEXTHOP4, NFT_RT_NEXTHOP6, NFT_RT_TCPMSS, NFT_RT_XFRM, NFT_RT_MAX, NFT_HASH_JENKINS,
    NFT_HASH_SYM, NFTA_HASH_UNSPEC, NFTA_HASH_SREG, NFTA_HASH_DREG, NFTA_HASH_LEN,
    NFTA_HASH_MODULUS, NFTA_HASH_SEED, NFTA_HASH_OFFSET, NFTA_HASH_TYPE, NFTA_HASH_SET_NAME,
    NFTA_HASH_SET_ID, NFTA_HASH_MAX, NFTA_META_UNSPEC, NFTA_META_DREG, NFTA_META_KEY,
    NFTA_META_SREG, NFTA_META_MAX, NFTA_RT_UNSPEC, NFTA_RT_DREG, NFTA_RT_KEY, NFTA_RT_MAX,
    NFTA_SOCKET_UNSPEC, NFTA_SOCKET_KEY, NFTA_SOCKET_DREG, NFTA_SOCKET_LEVEL, NFTA_SOCKET_MAX,
    NFT_SOCKET_TRANSPARENT, NFT_SOCKET_MARK, NFT_SOCKET_WILDCARD, NFT_SOCKET_CGROUPV2,
    NFT_SOCKET_MAX, NFT_CT_STATE, NFT_CT_DIRECTION, NFT_CT_STATUS, NFT_CT_MARK, NFT_CT_SECMARK,
    NFT_CT_EXPIRATION, NFT_CT_HELPER, NFT_CT_L3PROTOCOL, NFT_CT_SRC, NFT_CT_DST,
    NFT_CT_PROTOCOL, NFT_CT_PROTO_SRC, NFT_CT_PROTO_DST, NFT_CT_LABELS, NFT_CT_PKTS,
    NFT_CT_BYTES, NFT_CT_AVGPKT, NFT_CT_ZONE, NFT_CT_EVENTMASK, NFT_CT_SRC_IP, NFT_CT_DST_IP,
    NFT_CT_SRC_IP6, NFT_CT_DST_IP6, NFT_CT_ID, NFT_CT_MAX, NFTA_CT_UNSPEC, NFTA_CT_DREG,
    NFTA_CT_KEY, NFTA_CT_DIRECTION, NFTA_CT_SREG, NFTA_CT_MAX, NFTA_FLOW_UNSPEC,
    NFTA_FLOW_TABLE_NAME, NFTA_FLOW_MAX, NFT_LIMIT_PKTS, NFT_LIMIT_PKT_BYTES, NFT_LIMIT_F_INV,
    NFTA_LIMIT_UNSPEC, NFTA_LIMIT_RATE, NFTA_LIMIT_UNIT, NFTA_LIMIT_BURST, NFTA_LIMIT_TYPE,
    NFTA_LIMIT_FLAGS, NFTA_LIMIT_PAD, NFTA_LIMIT_MAX, NFT_CONNLIMIT_F_INV,
    NFTA_CONNLIMIT_UNSPEC, NFTA_CONNLIMIT_COUNT, NFTA_CONNLIMIT_FLAGS, NFTA_CONNLIMIT_MAX,
    NFTA_COUNTER_UNSPEC, NFTA_COUNTER_BYTES, NFTA_COUNTER_PACKETS, NFTA_COUNTER_PAD,
    NFTA_COUNTER_MAX, NFTA_LAST_UNSPEC, NFTA_LAST_SET, NFTA_LAST_MSECS, NFTA_LAST_PAD,
    NFTA_LAST_MAX, NFTA_LOG_UNSPEC, NFTA_LOG_GROUP, NFTA_LOG_PREFIX, NFTA_LOG_SNAPLEN,
    NFTA_LOG_QTHRESHOLD, NFTA_LOG_LEVEL, NFTA_LOG_FLAGS, NFTA_LOG_MAX, NFT_LOGLEVEL_EMERG,
    NFT_LOGLEVEL_ALERT, NFT_LOGLEVEL_CRIT, NFT_LOGLEVEL_ERR, NFT_LOGLEVEL_WARNING,
    NFT_LOGLEVEL_NOTICE, NFT_LOGLEVEL_INFO, NFT_LOGLEVEL_DEBUG, NFT_LOGLEVEL_AUDIT,
    NFT_LOGLEVEL_MAX, NFTA_QUEUE_UNSPEC, NFTA_QUEUE_NUM, NFTA_QUEUE_TOTAL, NFTA_QUEUE_FLAGS,
    NFTA_QUEUE_SREG_QNUM, NFTA_QUEUE_MAX, NFT_QUEUE_FLAG_BYPASS, NFT_QUEUE_FLAG_CPU_FANOUT,
    NFT_QUEUE_FLAG_MASK, NFT_QUOTA_F_INV, NFT_QUOTA_F_DEPLETED, NFTA_QUOTA_UNSPEC,
    NFTA_QUOTA_BYTES, NFTA_QUOTA_FLAGS, NFTA_QUOTA_PAD, NFTA_QUOTA_CONSUMED, NFTA_QUOTA_MAX,
    NFTA_SECMARK_UNSPEC, NFTA_SECMARK_CTX, NFTA_SECMARK_MAX, NFT_SECMARK_CTX_MAXLEN,
    NFT_REJECT_ICMP_UNREACH, NFT_REJECT_TCP_RST, NFT_REJECT_ICMPX_UNREACH,
    NFT_REJECT_ICMPX_NO_ROUTE, NFT_REJECT_ICMPX_PORT_UNREACH, NFT_REJECT_ICMPX_HOST_UNREACH,
    NFT_REJECT_ICMPX_ADMIN_PROHIBITED, NFT_REJECT_ICMPX_MAX, NFTA_REJECT_UNSPEC,
    NFTA_REJECT_TYPE, NFTA_REJECT_ICMP_CODE, NFTA_REJECT_MAX, NFT_NAT_SNAT, NFT_NAT_DNAT,
    NFTA_NAT_UNSPEC, NFTA_NAT_TYPE, NFTA_NAT_FAMILY, NFTA_NAT_REG_ADDR_MIN,
    NFTA_NAT_REG_ADDR_MAX, NFTA_NAT_REG_PROTO_MIN, NFTA_NAT_REG_PROTO_MAX, NFTA_NAT_FLAGS,
    NFTA_NAT_MAX, NFTA_TPROXY_UNSPEC, NFTA_TPROXY_FAMILY, NFTA_TPROXY_REG_ADDR,
    NFTA_TPROXY_REG_PORT, NFTA_TPROXY_MAX, NFTA_MASQ_UNSPEC, NFTA_MASQ_FLAGS,
    NFTA_MASQ_REG_PROTO_MIN, NFTA_MASQ_REG_PROTO_MAX, NFTA_MASQ_MAX, NFTA_REDIR_UNSPEC,
    NFTA_REDIR_REG_PROTO_MIN, NFTA_REDIR_REG_PROTO_MAX, NFTA_REDIR_FLAGS, NFTA_REDIR_MAX,
    NFTA_DUP_UNSPEC, NFTA_DUP_SREG_ADDR, NFTA_DUP_SREG_DEV, NFTA_DUP_MAX, NFTA_FWD_UNSPEC,
    NFTA_FWD_SREG_DEV, NFTA_FWD_SREG_ADDR, NFTA_FWD_NFPROTO, NFTA_FWD_MAX, NFTA_OBJREF_UNSPEC,
    NFTA_OBJREF_IMM_TYPE, NFTA_OBJREF_IMM_NAME, NFTA_OBJREF_SET_SREG, NFTA_OBJREF_SET_NAME,
    NFTA_OBJREF_SET_ID, NFTA_OBJREF_MAX, NFTA_GEN_UNSPEC, NFTA_GEN_ID, NFTA_GEN_PROC_PID,
    NFTA_GEN_PROC_NAME, NFTA_GEN_MAX, NFTA_FIB_UNSPEC, NFTA_FIB_DREG, NFTA_FIB_RESULT,
    NFTA_FIB_FLAGS, NFTA_FIB_MAX, NFT_FIB_RESULT_UNSPEC, NFT_FIB_RESULT_OIF,
    NFT_FIB_RESULT_OIFNAME, NFT_FIB_RESULT_ADDRTYPE, NFT_FIB_RESULT_MAX, NFTA_FIB_F_SADDR,
    NFTA_FIB_F_DADDR, NFTA_FIB_F_MARK, NFTA_FIB_F_IIF, NFTA_FIB_F_OIF, NFTA_FIB_F_PRESENT,
    NFTA_CT_HELPER_UNSPEC, NFTA_CT_HELPER_NAME, NFTA_CT_HELPER_L3PROTO, NFTA_CT_HELPER_L4PROTO,
    NFTA_CT_HELPER_MAX, NFTA_CT_TIMEOUT_UNSPEC, NFTA_CT_TIMEOUT_L3PROTO,
    NFTA_CT_TIMEOUT_L4PROTO, NFTA_CT_TIMEOUT_DATA, NFTA_CT_TIMEOUT_MAX, NFTA_CT_EXPECT_UNSPEC,
    NFTA_CT_EXPECT_L3PROTO, NFTA_CT_EXPECT_L4PROTO, NFTA_CT_EXPECT_DPORT,
    NFTA_CT_EXPECT_TIMEOUT, NFTA_CT_EXPECT_SIZE, NFTA_CT_EXPECT_MAX, NFT_OBJECT_UNSPEC,
    NFT_OBJECT_COUNTER, NFT_OBJECT_QUOTA, NFT_OBJECT_CT_HELPER, NFT_OBJECT_LIMIT,
    NFT_OBJECT_CONNLIMIT, NFT_OBJECT_TUNNEL, NFT_OBJECT_CT_TIMEOUT, NFT_OBJECT_SECMARK,
    NFT_OBJECT_CT_EXPECT, NFT_OBJECT_SYNPROXY, NFT_OBJECT_MAX, NFTA_OBJ_UNSPEC, NFTA_OBJ_TABLE,
    NFTA_OBJ_NAME, NFTA_OBJ_TYPE, NFTA_OBJ_DATA, NFTA_OBJ_USE, NFTA_OBJ_HANDLE, NFTA_OBJ_PAD,
    NFTA_OBJ_USERDATA, NFTA_OBJ_MAX, NFT_FLOWTABLE_HW_OFFLOAD, NFT_FLOWTABLE_COUNTER,
    NFT_FLOWTABLE_MASK, NFTA_FLOWTABLE_UNSPEC, NFTA_FLOWTABLE_TABLE, NFTA_FLOWTABLE_NAME,
    NFTA_FLOWTABLE_HOOK, NFTA_FLOWTABLE_USE, NFTA_FLOWTABLE_HANDLE, NFTA_FLOWTABLE_PAD,
    NFTA_FLOWTABLE_FLAGS, NFTA_FLOWTABLE_MAX, NFTA_FLOWTABLE_HOOK_UNSPEC,
    NFTA_FLOWTABLE_HOOK_NUM, NFTA_FLOWTABLE_HOOK_PRIORITY, NFTA_FLOWTABLE_HOOK_DEVS,
    NFTA_FLOWTABLE_HOOK_MAX, NFTA_OSF_UNSPEC, NFTA_OSF_DREG, NFTA_OSF_TTL, NFTA_OSF_FLAGS,
    NFTA_OSF_MAX, NFT_OSF_F_VERSION, NFTA_SYNPROXY_UNSPEC, NFTA_SYNPROXY_MSS,
    NFTA_SYNPROXY_WSCALE, NFTA_SYNPROXY_FLAGS, NFTA_SYNPROXY_MAX, NFTA_DEVICE_UNSPEC,
    NFTA_DEVICE_NAME, NFTA_XFRM_UNSPEC, NFTA_XFRM_DREG, NFTA_XFRM_KEY, NFTA_XFRM_DIR,
    NFTA_XFRM_SPNUM, NFTA_XFRM_MAX, NFT_XFRM_KEY_UNSPEC, NFT_XFRM_KEY_DADDR_IP4,
    NFT_XFRM_KEY_DADDR_IP6, NFT_XFRM_KEY_SADDR_IP4, NFT_XFRM_KEY_SADDR_IP6, NFT_XFRM_KEY_REQID,
    NFT_XFRM_KEY_SPI, NFT_XFRM_KEY_MAX, NFTA_TRACE_UNSPEC, NFTA_TRACE_TABLE, NFTA_TRACE_CHAIN,
    NFTA_TRACE_RULE_HANDLE, NFTA_TRACE_TYPE, NFTA_TRACE_VERDICT, NFTA_TRACE_ID,
    NFTA_TRACE_LL_HEADER, NFTA_TRACE_NETWORK_HEADER, NFTA_TRACE_TRANSPORT_HEADER,
    NFTA_TRACE_IIF, NFTA_TRACE_IIFTYPE, NFTA_TRACE_OIF, NFTA_TRACE_OIFTYPE, NFTA_TRACE_MARK,
    NFTA_TRACE_NFPROTO, NFTA_TRACE_POLICY, NFTA_TRACE_PAD, NFT_TRACETYPE_UNSPEC,
    NFT_TRACETYPE_POLICY, NFT_TRACETYPE_RETURN, NFT_TRACETYPE_RULE, NFT_TRACETYPE_MAX,
    NFTA_NG_UNSPEC, NFTA_NG_DREG, NFTA_NG_MODULUS, NFTA_NG_TYPE, NFTA_NG_OFFSET,
    NFTA_NG_SET_NAME, NFTA_NG_SET_ID, NFTA_NG_MAX, NFT_NG_INCREMENTAL, NFT_NG_RANDOM,
    NFT_NG_MAX, NFTA_TUNNEL_KEY_IP_UNSPEC, NFTA_TUNNEL_KEY_IP_SRC, NFTA_TUNNEL_KEY_IP_DST,
    NFTA_TUNNEL_KEY_IP_MAX, NFTA_TUNNEL_KEY_IP6_UNSPEC, NFTA_TUNNEL_KEY_IP6_SRC,
    NFTA_TUNNEL_KEY_IP6_DST, NFTA_TUNNEL_KEY_IP6_FLOWLABEL, NFTA_TUNNEL_KEY_IP6_MAX,
    NFTA_TUNNEL_KEY_OPTS_UNSPEC, NFTA_TUNNEL_KEY_OPTS_VXLAN, NFTA_TUNNEL_KEY_OPTS_ERSPAN,
    NFTA_TUNNEL_KEY_OPTS_GENEVE, NFTA_TUNNEL_KEY_OPTS_MAX, NFTA_TUNNEL_KEY_VXLAN_UNSPEC,
    NFTA_TUNNEL_KEY_VXLAN_GBP, NFTA_TUNNEL_KEY_VXLAN_MAX, NFTA_TUNNEL_KEY_ERSPAN_UNSPEC,
    NFTA_TUNNEL_KEY_ERSPAN_VERSION, NFTA_TUNNEL_KEY_ERSPAN_V1_INDEX,
    NFTA_TUNNEL_KEY_ERSPAN_V2_HWID, NFTA_TUNNEL_KEY_ERSPAN_V2_DIR, NFTA_TUNNEL_KEY_ERSPAN_MAX,
    NFTA_TUNNEL_KEY_GENEVE_UNSPEC, NFTA_TUNNEL_KEY_GENEVE_CLASS, NFTA_TUNNEL_KEY_GENEVE_TYPE,
    NFTA_TUNNEL_KEY_GENEVE_DATA, NFTA_TUNNEL_KEY_GENEVE_MAX, NFT_TUNNEL_F_ZERO_CSUM_TX,
    NFT_TUNNEL_F_DONT_FRAGMENT, NFT_TUNNEL_F_SEQ_NUMBER, NFT_TUNNEL_F_MASK,
    NFTA_TUNNEL_KEY_UNSPEC, NFTA_TUNNEL_KEY_ID, NFTA_TUNNEL_KEY_IP, NFTA_TUNNEL_KEY_IP6,
    NFTA_TUNNEL_KEY_FLAGS, NFTA_TUNNEL_KEY_TOS, NFTA_TUNNEL_KEY_TTL, NFTA_TUNNEL_KEY_SPORT,
    NFTA_TUNNEL_KEY_DPORT, NFTA_TUNNEL_KEY_OPTS, NFTA_TUNNEL_KEY_MAX, NFT_TUNNEL_PATH,
    NFT_TUNNEL_ID, NFT_TUNNEL_MAX, NFT_TUNNEL_MODE_NONE, NFT_TUNNEL_MODE_RX,
    NFT_TUNNEL_MODE_TX, NFT_TUNNEL_MODE_MAX, NFTA_TUNNEL_UNSPEC, NFTA_TUNNEL_KEY,
    NFTA_TUNNEL_DREG, NFTA_TUNNEL_MODE, NFTA_TUNNEL_MAX, NFTA_TARGET_UNSPEC, NFTA_TARGET_NAME,
    NFTA_TARGET_REV, NFTA_TARGET_INFO, NFTA_TARGET_MAX, NFTA_MATCH_UNSPEC, NFTA_MATCH_NAME,
    NFTA_MATCH_REV, NFTA_MATCH_INFO, NFTA_MATCH_MAX, NFT_COMPAT_NAME_MAX, NFNL_MSG_COMPAT_GET,
    NFNL_MSG_COMPAT_MAX, NFTA_COMPAT_UNSPEC, NFTA_COMPAT_NAME, NFTA_COMPAT_REV,
    NFTA_COMPAT_TYPE, NFTA_COMPAT_MAX,
};

/// Constants newer than the installed headers (linux-libc-dev 6.1): values
/// taken from kernel source. Each has the kernel version that added it and the
/// C expression for its slot in the installed header's enum (the `__*_MAX`
/// sentinel that it replaced when it was appended). If the installed header
/// knows the name, it is compared by name instead.
const NEWER_THAN_HEADERS: &[(&str, i128, &str, &str)] = &[
    (
        "NFQA_CGROUP_CLASSID",
        NFQA_CGROUP_CLASSID as i128,
        "6.3",
        "__NFQA_MAX",
    ),
    (
        "CTA_TIMESTAMP_EVENT",
        CTA_TIMESTAMP_EVENT as i128,
        "6.14",
        "__CTA_MAX",
    ),
];

/// Constants that no UAPI header defines, with their expected value and why.
const NOT_IN_HEADERS: &[(&str, i128, i128, &str)] = &[
    // `nfgenmsg.version` 1: the kernel only tests `version != 0` (ctnetlink
    // flush by family); the name comes from libnetfilter_conntrack.
    (
        "NFNETLINK_V1",
        NFNETLINK_V1 as i128,
        1,
        "not in the UAPI header",
    ),
];

/// An item of the Linux 6.18 UAPI headers that the installed headers (linux-libc-dev 6.1) lack,
/// or define with an older value (a `*_MAX` or mask that grew when the kernel added to it).
struct KernelSource {
    name: &'static str,
    /// The Rust value.
    value: i128,
    /// The value read in the 6.18 kernel source (`include/uapi/linux/netfilter/nf_tables.h`).
    kernel: i128,
    /// The kernel release that added or changed it.
    since: &'static str,
    /// The value of headers older than `since`, for the items that changed.
    older: Option<i128>,
}

/// `NAME = kernel value, "since" [, older value]`, `;` separated.
macro_rules! from_kernel_source {
    ($($name:ident = $kernel:literal, $since:literal $(, older $older:literal)?);* $(;)?) => {
        &[$(KernelSource {
            name: stringify!($name),
            value: $name as i128,
            kernel: $kernel,
            since: $since,
            older: from_kernel_source!(@older $($older)?),
        }),*]
    };
    (@older) => { None };
    (@older $older:literal) => { Some($older) };
}

/// The nf_tables items newer than the installed headers: checked against the values read in
/// the 6.18 kernel source (`kernel_source_values`), and against the installed headers only
/// where those define them (`abi_matches_installed_headers` says which it skips, and why).
/// `since` "6.2-6.15": added by one of those releases, not pinned down further.
const FROM_KERNEL_SOURCE: &[KernelSource] = from_kernel_source! {
    NFT_MSG_GETRULE_RESET = 25, "6.2-6.15";
    NFT_MSG_DESTROYTABLE = 26, "6.2-6.15";
    NFT_MSG_DESTROYCHAIN = 27, "6.2-6.15";
    NFT_MSG_DESTROYRULE = 28, "6.2-6.15";
    NFT_MSG_DESTROYSET = 29, "6.2-6.15";
    NFT_MSG_DESTROYSETELEM = 30, "6.2-6.15";
    NFT_MSG_DESTROYOBJ = 31, "6.2-6.15";
    NFT_MSG_DESTROYFLOWTABLE = 32, "6.2-6.15";
    NFT_MSG_GETSETELEM_RESET = 33, "6.2-6.15";
    NFT_MSG_MAX = 34, "6.2-6.15", older 25;
    NFT_TABLE_F_PERSIST = 4, "6.2-6.15";
    NFT_TABLE_F_MASK = 7, "6.2-6.15", older 3;
    NFTA_SET_TYPE = 19, "6.16";
    NFTA_SET_COUNT = 20, "6.16";
    NFTA_SET_MAX = 20, "6.16", older 18;
    NFT_BITWISE_AND = 3, "6.2-6.15";
    NFT_BITWISE_OR = 4, "6.2-6.15";
    NFT_BITWISE_XOR = 5, "6.2-6.15";
    NFTA_BITWISE_SREG2 = 8, "6.2-6.15";
    NFTA_BITWISE_MAX = 8, "6.2-6.15", older 7;
    NFT_PAYLOAD_TUN_HEADER = 4, "6.2";
    NFT_INNER_UNSPEC = 0, "6.2";
    NFT_INNER_VXLAN = 1, "6.2";
    NFT_INNER_GENEVE = 2, "6.2";
    NFT_INNER_HDRSIZE = 1, "6.2";
    NFT_INNER_LL = 2, "6.2";
    NFT_INNER_NH = 4, "6.2";
    NFT_INNER_TH = 8, "6.2";
    NFT_INNER_MASK = 15, "6.2";
    NFTA_INNER_UNSPEC = 0, "6.2";
    NFTA_INNER_NUM = 1, "6.2";
    NFTA_INNER_TYPE = 2, "6.2";
    NFTA_INNER_FLAGS = 3, "6.2";
    NFTA_INNER_HDRSIZE = 4, "6.2";
    NFTA_INNER_EXPR = 5, "6.2";
    NFTA_INNER_MAX = 5, "6.2";
    NFT_META_BRI_BROUTE = 35, "6.2-6.15";
    // After the `__NFT_META_IIFTYPE` sentinel (36), which the header does not move.
    NFT_META_BRI_IIFHWADDR = 37, "6.18";
    NFTA_DEVICE_PREFIX = 2, "6.17";
    NFTA_DEVICE_MAX = 2, "6.17", older 1;
    NFTA_TRACE_CT_ID = 18, "6.16";
    NFTA_TRACE_CT_DIRECTION = 19, "6.16";
    NFTA_TRACE_CT_STATUS = 20, "6.16";
    NFTA_TRACE_CT_STATE = 21, "6.16";
    NFTA_TRACE_MAX = 21, "6.16", older 17;
};

/// How the C side reads the signedness of a field.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    /// An integer: the C field's type is checked for signedness.
    Int(bool),
    /// An array of integers: the element type is checked.
    Array(bool),
    /// A nested struct: only offset and size are checked.
    Struct,
}

/// The [`Kind`] of each Rust field type used in `nfnl-sys`.
trait FieldKind {
    const KIND: Kind;
}
macro_rules! int_kind {
    ($($t:ty => $signed:literal),*) => {
        $(impl FieldKind for $t {
            const KIND: Kind = Kind::Int($signed);
        })*
    };
}
int_kind!(u8 => false, u16 => false, u32 => false, u64 => false,
          i8 => true, i16 => true, i32 => true, i64 => true);
impl<T: FieldKind, const N: usize> FieldKind for [T; N] {
    const KIND: Kind = match T::KIND {
        Kind::Int(s) => Kind::Array(s),
        k => k,
    };
}
impl FieldKind for nlmsghdr {
    const KIND: Kind = Kind::Struct;
}

/// Size and kind of the value a field accessor returns.
fn field_meta<S, F: FieldKind>(_get: fn(&S) -> F) -> (usize, Kind) {
    (std::mem::size_of::<F>(), F::KIND)
}

/// One struct field as Rust sees it.
struct Field {
    name: &'static str,
    offset: usize,
    size: usize,
    kind: Kind,
}

/// One struct as Rust sees it.
struct Struct {
    name: &'static str,
    size: usize,
    align: usize,
    fields: Vec<Field>,
}

/// `name { field, field, ... }`, comma separated.
macro_rules! structs {
    ($($s:ident { $($f:ident),* $(,)? }),* $(,)?) => {
        vec![$({
            let fields = vec![$({
                let (size, kind) = field_meta(|v: &$s| v.$f);
                Field { name: stringify!($f), offset: std::mem::offset_of!($s, $f), size, kind }
            }),*];
            Struct {
                name: stringify!($s),
                size: std::mem::size_of::<$s>(),
                align: std::mem::align_of::<$s>(),
                fields,
            }
        }),*]
    };
}

/// Every struct of `nfnl-sys`, with every field in declaration order.
fn structs() -> Vec<Struct> {
    structs! {
        // netlink.rs
        sockaddr_nl { nl_family, nl_pad, nl_pid, nl_groups },
        nlmsghdr { nlmsg_len, nlmsg_type, nlmsg_flags, nlmsg_seq, nlmsg_pid },
        nlmsgerr { error, msg },
        nlattr { nla_len, nla_type },
        nl_pktinfo { group },
        // nfnetlink.rs
        nfgenmsg { nfgen_family, version, res_id },
        // queue.rs
        nfqnl_msg_packet_hdr { packet_id, hw_protocol, hook },
        nfqnl_msg_packet_hw { hw_addrlen, _pad, hw_addr },
        nfqnl_msg_packet_timestamp { sec, usec },
        nfqnl_msg_verdict_hdr { verdict, id },
        nfqnl_msg_config_cmd { command, _pad, pf },
        nfqnl_msg_config_params { copy_range, copy_mode },
        // log.rs
        nfulnl_msg_packet_hdr { hw_protocol, hook, _pad },
        nfulnl_msg_packet_hw { hw_addrlen, _pad, hw_addr },
        nfulnl_msg_packet_timestamp { sec, usec },
        nfulnl_msg_config_cmd { command },
        nfulnl_msg_config_mode { copy_range, copy_mode, _pad },
        // conntrack.rs
        nf_ct_tcp_flags { flags, mask },
    }
}

/// A scratch directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("nfnl-sys-{tag}-{}", std::process::id()));
        // A stale directory can only be left by an earlier process with the same pid.
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The C compiler: `$CC` or `cc`.
fn cc() -> String {
    std::env::var("CC")
        .ok()
        .filter(|c| !c.is_empty())
        .unwrap_or_else(|| "cc".to_owned())
}

/// Runs the C compiler with `args`; `Err(stderr)` if it fails to compile.
/// Panics if there is no C compiler at all.
fn run_cc(args: &[&str]) -> Result<Vec<u8>, String> {
    let cc = cc();
    let out = match Command::new(&cc)
        .args(["-std=gnu11", "-Wall", "-Werror"])
        .args(args)
        .output()
    {
        Ok(out) => out,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => panic!(
            "no C compiler: `{cc}` was not found. The ABI test compiles a C program against the \
             kernel headers; install gcc (a required tool), e.g. `apt-get install gcc \
             linux-libc-dev`, or set CC."
        ),
        Err(e) => panic!("cannot run `{cc}`: {e}"),
    };
    if out.status.success() {
        Ok(out.stdout)
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// `#include` lines for [`HEADERS`].
fn includes() -> String {
    let mut s = String::from("#include <stdio.h>\n#include <stddef.h>\n");
    for h in HEADERS {
        let _ = writeln!(s, "#include <{h}>");
    }
    s
}

/// Does the installed header define `name` (macro or enumerator)?
fn header_defines(dir: &Path, name: &str) -> bool {
    let src = dir.join(format!("probe_{name}.c"));
    let code = format!(
        "{}\nint main(void) {{ return (int)({name}); }}\n",
        includes()
    );
    std::fs::write(&src, code).unwrap_or_else(|e| panic!("write {}: {e}", src.display()));
    let obj = dir.join(format!("probe_{name}.o"));
    let (src, obj) = (src.to_string_lossy(), obj.to_string_lossy());
    run_cc(&["-c", &src, "-o", &obj]).is_ok()
}

/// The C program that prints the C view of every listed item.
fn c_program(consts: &[(&str, i128, String)], structs: &[Struct]) -> String {
    let mut c = includes();
    c.push_str("\nint main(void) {\n");
    for (name, _, expr) in consts {
        let _ = writeln!(c, "    printf(\"c {name} %lld\\n\", (long long)({expr}));");
    }
    for s in structs {
        let ty = format!("struct {}", s.name);
        let _ = writeln!(
            c,
            "    printf(\"s {n} %zu %zu\\n\", sizeof({ty}), _Alignof({ty}));",
            n = s.name
        );
        for f in &s.fields {
            let member = format!("((({ty} *)0)->{})", f.name);
            let sign = match f.kind {
                Kind::Int(_) => format!("(int)((__typeof__({member}))-1 < 0)"),
                Kind::Array(_) => format!("(int)((__typeof__({member}[0]))-1 < 0)"),
                Kind::Struct => "-1".to_owned(),
            };
            let _ = writeln!(
                c,
                "    printf(\"f {n}.{f} %zu %zu %d\\n\", offsetof({ty}, {f}), sizeof({member}), \
                 {sign});",
                n = s.name,
                f = f.name
            );
        }
    }
    c.push_str("    return 0;\n}\n");
    c
}

/// The `__be*` fields of `struct name` in preprocessed header text.
fn be_fields_in_header(pre: &str, name: &str) -> Option<BTreeSet<String>> {
    let start = pre.find(&format!("struct {name} {{"))?;
    let body = &pre[start..];
    let body = &body[body.find('{')? + 1..body.find('}')?];
    let mut be = BTreeSet::new();
    for decl in body.split(';') {
        let words: Vec<&str> = decl.split_whitespace().collect();
        let Some(last) = words.last() else { continue };
        let field = last.split('[').next().unwrap_or(last);
        if words
            .iter()
            .any(|w| w.starts_with("__be") || w.starts_with("__aligned_be"))
        {
            be.insert(field.to_owned());
        }
    }
    Some(be)
}

#[test]
fn abi_matches_installed_headers() {
    let tmp = TempDir::new("abi");
    let structs = structs();

    // Newer-than-header constants: by name if the header has caught up, else
    // by their slot in the installed enum.
    let mut consts: Vec<(&str, i128, String)> = CONSTS
        .iter()
        .map(|k| (k.name, k.value, k.c_expr.to_owned()))
        .collect();
    for &(name, value, since, slot) in NEWER_THAN_HEADERS {
        if header_defines(&tmp.0, name) {
            consts.push((name, value, name.to_owned()));
        } else {
            eprintln!("{name}: not in the installed headers (Linux {since}+), checked as {slot}");
            consts.push((name, value, slot.to_owned()));
        }
    }
    for &(name, value, expected, why) in NOT_IN_HEADERS {
        assert_eq!(value, expected, "{name} ({why})");
    }
    // Newer than the installed headers: compared by name where the header defines it (with
    // this value, or with the value of headers older than `since`), skipped where it does not.
    let mut older: BTreeMap<&str, (i128, &str)> = BTreeMap::new();
    for k in FROM_KERNEL_SOURCE {
        if header_defines(&tmp.0, k.name) {
            consts.push((k.name, k.value, k.name.to_owned()));
            if let Some(v) = k.older {
                older.insert(k.name, (v, k.since));
            }
        } else {
            eprintln!(
                "{}: skipped, not in the installed headers (Linux {}); checked against the \
                 6.18 kernel source by kernel_source_values",
                k.name, k.since
            );
        }
    }

    let src = tmp.0.join("abi.c");
    let exe = tmp.0.join("abi");
    std::fs::write(&src, c_program(&consts, &structs))
        .unwrap_or_else(|e| panic!("write {}: {e}", src.display()));
    let (src_s, exe_s) = (src.to_string_lossy(), exe.to_string_lossy());
    if let Err(err) = run_cc(&[&src_s, "-o", &exe_s]) {
        panic!(
            "the C program does not compile (a name or field is wrong, or the kernel headers \
             of linux-libc-dev are missing):\n{err}"
        );
    }
    let out = Command::new(&exe)
        .output()
        .unwrap_or_else(|e| panic!("run {exe_s}: {e}"));
    assert!(out.status.success(), "{exe_s} failed: {:?}", out.status);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let c: BTreeMap<&str, Vec<&str>> = stdout
        .lines()
        .filter_map(|l| {
            let mut w = l.split_whitespace();
            let _tag = w.next()?;
            Some((w.next()?, w.collect()))
        })
        .collect();
    let num = |key: &str, i: usize| -> i128 {
        let s = c
            .get(key)
            .and_then(|v| v.get(i))
            .unwrap_or_else(|| panic!("no C output for {key}"));
        s.parse()
            .unwrap_or_else(|e| panic!("bad C output for {key}: {s}: {e}"))
    };

    let mut errors = Vec::new();
    for (name, value, expr) in &consts {
        let cv = num(name, 0);
        if let Some(&(old, since)) = older
            .get(name)
            .filter(|&&(old, _)| cv != *value && cv == old)
        {
            eprintln!(
                "{name}: skipped, the installed header predates Linux {since} and has {old} \
                 instead; checked against the 6.18 kernel source by kernel_source_values"
            );
        } else if cv != *value {
            errors.push(format!(
                "{name}: Rust {value:#x} ({value}), C `{expr}` {cv:#x} ({cv})"
            ));
        }
    }
    for s in &structs {
        let (size, align) = (num(s.name, 0), num(s.name, 1));
        if (size, align) != (s.size as i128, s.align as i128) {
            errors.push(format!(
                "struct {}: Rust size {} align {}, C size {size} align {align}",
                s.name, s.size, s.align
            ));
        }
        for f in &s.fields {
            let key = format!("{}.{}", s.name, f.name);
            let (off, size, signed) = (num(&key, 0), num(&key, 1), num(&key, 2));
            if (off, size) != (f.offset as i128, f.size as i128) {
                errors.push(format!(
                    "{key}: Rust offset {} size {}, C offset {off} size {size}",
                    f.offset, f.size
                ));
            }
            let rust_signed = match f.kind {
                Kind::Int(s) | Kind::Array(s) => i128::from(s),
                Kind::Struct => -1,
            };
            if signed != rust_signed {
                errors.push(format!(
                    "{key}: signedness differs (Rust {rust_signed}, C {signed})"
                ));
            }
        }
    }

    // Big-endian fields: `__be*` in the header <=> "big-endian" in the field doc.
    let pre_src = tmp.0.join("pre.c");
    std::fs::write(&pre_src, includes())
        .unwrap_or_else(|e| panic!("write {}: {e}", pre_src.display()));
    let pre = run_cc(&["-E", &pre_src.to_string_lossy()])
        .unwrap_or_else(|err| panic!("cannot preprocess the headers:\n{err}"));
    let pre = String::from_utf8_lossy(&pre);
    let docs = scan_src();
    for s in &structs {
        let Some(be) = be_fields_in_header(&pre, s.name) else {
            errors.push(format!(
                "struct {} not found in the preprocessed headers",
                s.name
            ));
            continue;
        };
        let Some(item) = docs.structs.get(s.name) else {
            continue;
        };
        for (field, doc) in &item.fields {
            let documented = doc.contains("big-endian");
            if documented != be.contains(field) {
                errors.push(format!(
                    "{}.{field}: header type is {}big-endian but the Rust doc says {}",
                    s.name,
                    if be.contains(field) { "" } else { "not " },
                    if documented {
                        "big-endian"
                    } else {
                        "nothing about byte order"
                    }
                ));
            }
        }
    }

    assert!(
        errors.is_empty(),
        "ABI mismatches:\n  {}",
        errors.join("\n  ")
    );
}

/// A `pub struct` found in the source, with `(field, doc)` in order.
struct SrcStruct {
    fields: Vec<(String, String)>,
}

/// What `scan_src` found.
#[derive(Default)]
struct SrcItems {
    consts: Vec<String>,
    structs: BTreeMap<String, SrcStruct>,
    struct_order: Vec<String>,
    errors: Vec<String>,
}

/// Scans `src/*.rs` for public items, checking the crate conventions on the way.
fn scan_src() -> SrcItems {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .collect();
    files.sort();
    let lib = std::fs::read_to_string(dir.join("lib.rs")).unwrap_or_default();
    let mut items = SrcItems::default();
    for path in &files {
        let file = path
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text = std::fs::read_to_string(path)
            .unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
        let module = file.trim_end_matches(".rs");
        if module != "lib" {
            for need in [
                format!("pub mod {module};"),
                format!("pub use {module}::*;"),
            ] {
                if !lib.lines().any(|l| l.trim() == need) {
                    items.errors.push(format!("lib.rs lacks `{need}`"));
                }
            }
            let first = text.lines().next().unwrap_or("");
            if !(first.starts_with("//!") && first.contains(".h`")) {
                items
                    .errors
                    .push(format!("{file}: must start with a `//!` naming its header"));
            }
        }
        scan_file(&file, &text, &mut items);
    }
    items
}

/// The identifier at the start of `s`.
fn ident(s: &str) -> String {
    s.chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect()
}

/// Collects the public items of one source file.
fn scan_file(file: &str, text: &str, items: &mut SrcItems) {
    let mut doc = String::new();
    let mut attrs = String::new();
    let mut current: Option<(String, SrcStruct)> = None;
    for line in text.lines() {
        let t = line.trim_start();
        if let Some(d) = t.strip_prefix("///") {
            doc.push_str(d);
            doc.push('\n');
            continue;
        }
        if t.starts_with("#[") {
            attrs.push_str(t);
            continue;
        }
        if let Some((name, s)) = current.as_mut() {
            if t.starts_with('}') {
                if let Some((name, s)) = current.take() {
                    items.struct_order.push(name.clone());
                    items.structs.insert(name, s);
                }
            } else if let Some(rest) = t.strip_prefix("pub ") {
                s.fields.push((ident(rest), std::mem::take(&mut doc)));
            } else if !t.is_empty() && !t.starts_with("//") {
                items
                    .errors
                    .push(format!("{file}: struct {name}: unexpected line `{t}`"));
            }
            continue;
        }
        if line.starts_with("pub ") {
            let named = |name: &str, items: &mut SrcItems, doc: &str| {
                if !doc.contains(&format!("`{name}`")) {
                    items
                        .errors
                        .push(format!("{file}: the doc of {name} must name `{name}`"));
                }
            };
            if let Some(rest) = line.strip_prefix("pub const ") {
                let name = ident(rest);
                named(&name, items, &doc);
                items.consts.push(name);
            } else if let Some(rest) = line.strip_prefix("pub struct ") {
                let name = ident(rest);
                named(&format!("struct {name}"), items, &doc);
                if !attrs.contains("#[repr(C") {
                    items
                        .errors
                        .push(format!("{file}: struct {name} lacks #[repr(C)]"));
                }
                if !attrs.contains("#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]") {
                    items
                        .errors
                        .push(format!("{file}: struct {name} lacks the standard derives"));
                }
                current = Some((name, SrcStruct { fields: Vec::new() }));
            } else if !(line.starts_with("pub mod ") || line.starts_with("pub use ")) {
                items.errors.push(format!(
                    "{file}: `{line}`: only `pub const` and `pub struct` items are checked; \
                     extend tests/abi.rs before adding other kinds"
                ));
            }
        }
        doc.clear();
        attrs.clear();
    }
}

#[test]
fn every_item_is_covered() {
    let src = scan_src();
    let mut errors = src.errors.clone();

    let mut listed: BTreeMap<&str, usize> = BTreeMap::new();
    let names = CONSTS
        .iter()
        .map(|k| k.name)
        .chain(NEWER_THAN_HEADERS.iter().map(|k| k.0))
        .chain(NOT_IN_HEADERS.iter().map(|k| k.0))
        .chain(FROM_KERNEL_SOURCE.iter().map(|k| k.name));
    for name in names {
        *listed.entry(name).or_default() += 1;
    }
    for (name, n) in &listed {
        if *n > 1 {
            errors.push(format!("{name} is listed {n} times in tests/abi.rs"));
        }
    }
    let mut in_src: BTreeMap<&str, usize> = BTreeMap::new();
    for name in &src.consts {
        *in_src.entry(name).or_default() += 1;
    }
    for (name, n) in &in_src {
        if *n > 1 {
            errors.push(format!("{name} is defined {n} times in src/"));
        }
        if !listed.contains_key(name) {
            errors.push(format!(
                "pub const {name} is not checked: add it to CONSTS in tests/abi.rs"
            ));
        }
    }
    for name in listed.keys() {
        if !in_src.contains_key(name) {
            errors.push(format!(
                "{name} is listed in tests/abi.rs but not defined in src/"
            ));
        }
    }

    let structs = structs();
    let listed: BTreeSet<&str> = structs.iter().map(|s| s.name).collect();
    for name in &src.struct_order {
        if !listed.contains(name.as_str()) {
            errors.push(format!(
                "pub struct {name} is not checked: add it to structs() in tests/abi.rs"
            ));
        }
    }
    for s in &structs {
        let Some(found) = src.structs.get(s.name) else {
            errors.push(format!("struct {} is listed but not found in src/", s.name));
            continue;
        };
        let want: Vec<&str> = found.fields.iter().map(|f| f.0.as_str()).collect();
        let have: Vec<&str> = s.fields.iter().map(|f| f.name).collect();
        if want != have {
            errors.push(format!(
                "struct {}: src fields {want:?}, tests/abi.rs lists {have:?}",
                s.name
            ));
        }
    }

    assert!(
        errors.is_empty(),
        "coverage problems:\n  {}",
        errors.join("\n  ")
    );
}

/// The nf_tables items newer than the installed headers have the values read in the 6.18
/// kernel source: the installed headers cannot check them.
#[test]
fn kernel_source_values() {
    let mut errors = Vec::new();
    for k in FROM_KERNEL_SOURCE {
        if k.value != k.kernel {
            errors.push(format!(
                "{}: Rust {}, Linux 6.18 source {} (since {})",
                k.name, k.value, k.kernel, k.since
            ));
        }
        if k.older == Some(k.kernel) {
            errors.push(format!("{}: the older value equals the new one", k.name));
        }
    }
    assert!(
        errors.is_empty(),
        "values differ from the kernel source:\n  {}",
        errors.join("\n  ")
    );
}
