//! Rule expressions (`NFTA_LIST_ELEM` of `NFTA_RULE_EXPRESSIONS`:
//! `NFTA_EXPR_NAME` + `NFTA_EXPR_DATA`), typed, with a lossless fallback.
//!
//! Every typed expression keeps each attribute as an `Option` (present or
//! not, as the kernel sent it) in the order the kernel dumps them, plus
//! `extra` for attributes this crate does not know. Registers stay numbers
//! (0 the verdict register, 1..=4 the 16-byte ones, 8..=23 the 4-byte
//! ones). Decoding checks that the typed value encodes back to the exact
//! bytes received; when it would not (a newer kernel's attribute order, a
//! padding attribute on another architecture), the expression is kept as
//! [`Expr::Unknown`] instead, so nothing is ever lost or changed.

use nfnl::{Attr, AttrIter, EncodeError, ParseError};
use nfnl_sys as sys;

use crate::data::Data;
use crate::wire::{attr_struct, named_u32, nest, nested_field, put, Field};

named_u32! {
    /// `enum nft_payload_bases` (`NFTA_PAYLOAD_BASE`).
    PayloadBase {
        /// `NFT_PAYLOAD_LL_HEADER`.
        LL = sys::NFT_PAYLOAD_LL_HEADER => "link",
        /// `NFT_PAYLOAD_NETWORK_HEADER`.
        NETWORK = sys::NFT_PAYLOAD_NETWORK_HEADER => "network",
        /// `NFT_PAYLOAD_TRANSPORT_HEADER`.
        TRANSPORT = sys::NFT_PAYLOAD_TRANSPORT_HEADER => "transport",
        /// `NFT_PAYLOAD_INNER_HEADER`.
        INNER = sys::NFT_PAYLOAD_INNER_HEADER => "inner",
        /// `NFT_PAYLOAD_TUN_HEADER`: the tunnel header, in a payload of an
        /// [`Inner`] expression only (libnftnl 1.2.4 has no name for it).
        TUN = sys::NFT_PAYLOAD_TUN_HEADER => "unknown",
    }
}

named_u32! {
    /// `enum nft_inner_type` (`NFTA_INNER_TYPE`): the tunnel whose inner
    /// packet an [`Inner`] expression reads.
    InnerType {
        /// `NFT_INNER_UNSPEC`: no tunnel header parsed (GRE, IP-in-IP...).
        UNSPEC = sys::NFT_INNER_UNSPEC => "unspec",
        /// `NFT_INNER_VXLAN`.
        VXLAN = sys::NFT_INNER_VXLAN => "vxlan",
        /// `NFT_INNER_GENEVE` (its options' length is read from its header).
        GENEVE = sys::NFT_INNER_GENEVE => "geneve",
    }
}

named_u32! {
    /// `enum nft_meta_keys` (`NFTA_META_KEY`), named as libnftnl prints them.
    MetaKey {
        LEN = 0 => "len", PROTOCOL = 1 => "protocol", PRIORITY = 2 => "priority",
        MARK = 3 => "mark", IIF = 4 => "iif", OIF = 5 => "oif", IIFNAME = 6 => "iifname",
        OIFNAME = 7 => "oifname", IIFTYPE = 8 => "iiftype", OIFTYPE = 9 => "oiftype",
        SKUID = 10 => "skuid", SKGID = 11 => "skgid", NFTRACE = 12 => "nftrace",
        RTCLASSID = 13 => "rtclassid", SECMARK = 14 => "secmark", NFPROTO = 15 => "nfproto",
        L4PROTO = 16 => "l4proto", BRI_IIFNAME = 17 => "bri_iifname",
        BRI_OIFNAME = 18 => "bri_oifname", PKTTYPE = 19 => "pkttype", CPU = 20 => "cpu",
        IIFGROUP = 21 => "iifgroup", OIFGROUP = 22 => "oifgroup", CGROUP = 23 => "cgroup",
        PRANDOM = 24 => "prandom", SECPATH = 25 => "secpath", IIFKIND = 26 => "iifkind",
        OIFKIND = 27 => "oifkind", BRI_IIFPVID = 28 => "bri_iifpvid",
        BRI_IIFVPROTO = 29 => "bri_iifvproto", TIME_NS = 30 => "time", TIME_DAY = 31 => "day",
        TIME_HOUR = 32 => "hour", SDIF = 33 => "sdif", SDIFNAME = 34 => "sdifname",
        BRI_BROUTE = 35 => "broute",
    }
}

named_u32! {
    /// `enum nft_cmp_ops` (`NFTA_CMP_OP`).
    CmpOp { EQ = 0 => "eq", NEQ = 1 => "neq", LT = 2 => "lt", LTE = 3 => "lte", GT = 4 => "gt", GTE = 5 => "gte" }
}

named_u32! {
    /// `enum nft_range_ops` (`NFTA_RANGE_OP`).
    RangeOp { EQ = 0 => "eq", NEQ = 1 => "neq" }
}

named_u32! {
    /// `enum nft_bitwise_ops` (`NFTA_BITWISE_OP`).
    BitwiseOp { BOOL = 0 => "bool", LSHIFT = 1 => "<<", RSHIFT = 2 => ">>", AND = 3 => "&", OR = 4 => "|", XOR = 5 => "^" }
}

named_u32! {
    /// `enum nft_byteorder_ops` (`NFTA_BYTEORDER_OP`).
    ByteorderOp { NTOH = 0 => "ntoh", HTON = 1 => "hton" }
}

named_u32! {
    /// `enum nft_ct_keys` (`NFTA_CT_KEY`), named as libnftnl 1.2.4 prints them.
    CtKey {
        STATE = 0 => "state", DIRECTION = 1 => "direction", STATUS = 2 => "status",
        MARK = 3 => "mark", SECMARK = 4 => "secmark", EXPIRATION = 5 => "expiration",
        HELPER = 6 => "helper", L3PROTOCOL = 7 => "l3protocol", SRC = 8 => "src",
        DST = 9 => "dst", PROTOCOL = 10 => "protocol", PROTO_SRC = 11 => "proto_src",
        PROTO_DST = 12 => "proto_dst", LABELS = 13 => "label", PKTS = 14 => "packets",
        BYTES = 15 => "bytes", AVGPKT = 16 => "avgpkt", ZONE = 17 => "zone",
        EVENTMASK = 18 => "event", SRC_IP = 19 => "src_ip", DST_IP = 20 => "dst_ip",
        SRC_IP6 = 21 => "src_ip6", DST_IP6 = 22 => "dst_ip6",
        /// `NFT_CT_ID`: libnftnl 1.2.4 has no name for it (prints `unknown`).
        ID = 23 => "unknown",
    }
}

named_u32! {
    /// `enum nft_dynset_ops` (`NFTA_DYNSET_OP`).
    DynsetOp { ADD = 0 => "add", UPDATE = 1 => "update", DELETE = 2 => "delete" }
}

named_u32! {
    /// `enum nft_nat_types` (`NFTA_NAT_TYPE`).
    NatType { SNAT = 0 => "snat", DNAT = 1 => "dnat" }
}

named_u32! {
    /// `enum nft_limit_type` (`NFTA_LIMIT_TYPE`).
    LimitType { PKTS = 0 => "packets", PKT_BYTES = 1 => "bytes" }
}

named_u32! {
    /// `enum nft_fib_result` (`NFTA_FIB_RESULT`).
    FibResult { UNSPEC = 0 => "unspec", OIF = 1 => "oif", OIFNAME = 2 => "oifname", ADDRTYPE = 3 => "type" }
}

named_u32! {
    /// `enum nft_rt_keys` (`NFTA_RT_KEY`).
    RtKey { CLASSID = 0 => "classid", NEXTHOP4 = 1 => "nexthop4", NEXTHOP6 = 2 => "nexthop6", TCPMSS = 3 => "tcpmss", XFRM = 4 => "ipsec" }
}

named_u32! {
    /// `enum nft_socket_keys` (`NFTA_SOCKET_KEY`).
    SocketKey { TRANSPARENT = 0 => "transparent", MARK = 1 => "mark", WILDCARD = 2 => "wildcard", CGROUPV2 = 3 => "cgroupv2" }
}

named_u32! {
    /// `enum nft_hash_types` (`NFTA_HASH_TYPE`).
    HashType { JENKINS = 0 => "jhash", SYM = 1 => "symhash" }
}

named_u32! {
    /// `enum nft_ng_types` (`NFTA_NG_TYPE`).
    NgType { INCREMENTAL = 0 => "inc", RANDOM = 1 => "random" }
}

named_u32! {
    /// `enum nft_xfrm_keys` (`NFTA_XFRM_KEY`).
    XfrmKey { UNSPEC = 0 => "unknown", DADDR_IP4 = 1 => "daddr4", DADDR_IP6 = 2 => "daddr6", SADDR_IP4 = 3 => "saddr4", SADDR_IP6 = 4 => "saddr6", REQID = 5 => "reqid", SPI = 6 => "spi" }
}

named_u32! {
    /// `enum nft_exthdr_op` (`NFTA_EXTHDR_OP`), named as libnftnl 1.2.4
    /// prints them (with their trailing space; SCTP has none).
    ExthdrOp { IPV6 = 0 => "ipv6 ", TCPOPT = 1 => "tcpopt ", IPV4 = 2 => "ipv4 ", SCTP = 3 => "", DCCP = 4 => "dccp " }
}

attr_struct! {
    /// `payload`: load (`dreg`) or write (`sreg`, with checksum options) packet bytes.
    pub struct Payload {
        /// `NFTA_PAYLOAD_DREG`: load into this register.
        dreg: u32 = sys::NFTA_PAYLOAD_DREG,
        /// `NFTA_PAYLOAD_SREG`: write this register into the packet.
        sreg: u32 = sys::NFTA_PAYLOAD_SREG,
        /// `NFTA_PAYLOAD_BASE`.
        base: PayloadBase = sys::NFTA_PAYLOAD_BASE,
        /// `NFTA_PAYLOAD_OFFSET`.
        offset: u32 = sys::NFTA_PAYLOAD_OFFSET,
        /// `NFTA_PAYLOAD_LEN`.
        len: u32 = sys::NFTA_PAYLOAD_LEN,
        /// `NFTA_PAYLOAD_CSUM_TYPE` (`NFT_PAYLOAD_CSUM_*`).
        csum_type: u32 = sys::NFTA_PAYLOAD_CSUM_TYPE,
        /// `NFTA_PAYLOAD_CSUM_OFFSET`.
        csum_offset: u32 = sys::NFTA_PAYLOAD_CSUM_OFFSET,
        /// `NFTA_PAYLOAD_CSUM_FLAGS` (`NFT_PAYLOAD_L4CSUM_PSEUDOHDR`).
        csum_flags: u32 = sys::NFTA_PAYLOAD_CSUM_FLAGS,
    }
}

attr_struct! {
    /// `meta`: load (`dreg`) or set (`sreg`) packet metadata.
    pub struct Meta {
        /// `NFTA_META_KEY`.
        key: MetaKey = sys::NFTA_META_KEY,
        /// `NFTA_META_DREG`.
        dreg: u32 = sys::NFTA_META_DREG,
        /// `NFTA_META_SREG`.
        sreg: u32 = sys::NFTA_META_SREG,
    }
}

attr_struct! {
    /// `cmp`: compare a register with data.
    pub struct Cmp {
        /// `NFTA_CMP_SREG`.
        sreg: u32 = sys::NFTA_CMP_SREG,
        /// `NFTA_CMP_OP`.
        op: CmpOp = sys::NFTA_CMP_OP,
        /// `NFTA_CMP_DATA`.
        data: Data = sys::NFTA_CMP_DATA,
    }
}

attr_struct! {
    /// `bitwise`: `dreg = (sreg & mask) ^ xor`, or a shift by `data`.
    pub struct Bitwise {
        /// `NFTA_BITWISE_SREG`.
        sreg: u32 = sys::NFTA_BITWISE_SREG,
        /// `NFTA_BITWISE_DREG`.
        dreg: u32 = sys::NFTA_BITWISE_DREG,
        /// `NFTA_BITWISE_LEN`.
        len: u32 = sys::NFTA_BITWISE_LEN,
        /// `NFTA_BITWISE_OP`.
        op: BitwiseOp = sys::NFTA_BITWISE_OP,
        /// `NFTA_BITWISE_MASK`.
        mask: Data = sys::NFTA_BITWISE_MASK,
        /// `NFTA_BITWISE_XOR`.
        xor: Data = sys::NFTA_BITWISE_XOR,
        /// `NFTA_BITWISE_DATA` (shift amount).
        data: Data = sys::NFTA_BITWISE_DATA,
        /// `NFTA_BITWISE_SREG2` (and/or/xor of two registers).
        sreg2: u32 = sys::NFTA_BITWISE_SREG2,
    }
}

attr_struct! {
    /// `byteorder`: convert a register between host and network order.
    pub struct Byteorder {
        /// `NFTA_BYTEORDER_SREG`.
        sreg: u32 = sys::NFTA_BYTEORDER_SREG,
        /// `NFTA_BYTEORDER_DREG`.
        dreg: u32 = sys::NFTA_BYTEORDER_DREG,
        /// `NFTA_BYTEORDER_OP`.
        op: ByteorderOp = sys::NFTA_BYTEORDER_OP,
        /// `NFTA_BYTEORDER_LEN`.
        len: u32 = sys::NFTA_BYTEORDER_LEN,
        /// `NFTA_BYTEORDER_SIZE` (2, 4 or 8).
        size: u32 = sys::NFTA_BYTEORDER_SIZE,
    }
}

attr_struct! {
    /// `immediate`: load data or a verdict into a register.
    pub struct Immediate {
        /// `NFTA_IMMEDIATE_DREG` (0 = verdict register).
        dreg: u32 = sys::NFTA_IMMEDIATE_DREG,
        /// `NFTA_IMMEDIATE_DATA`.
        data: Data = sys::NFTA_IMMEDIATE_DATA,
    }
}

attr_struct! {
    /// `lookup`: match a register against a set (or map into `dreg`).
    pub struct Lookup {
        /// `NFTA_LOOKUP_SET`.
        set: String = sys::NFTA_LOOKUP_SET,
        /// `NFTA_LOOKUP_SREG`.
        sreg: u32 = sys::NFTA_LOOKUP_SREG,
        /// `NFTA_LOOKUP_DREG` (maps).
        dreg: u32 = sys::NFTA_LOOKUP_DREG,
        /// `NFTA_LOOKUP_SET_ID` (a set created in the same transaction).
        set_id: u32 = sys::NFTA_LOOKUP_SET_ID,
        /// `NFTA_LOOKUP_FLAGS` (`NFT_LOOKUP_F_INV`).
        flags: u32 = sys::NFTA_LOOKUP_FLAGS,
    }
}

attr_struct! {
    /// `dynset`: add, update or delete a set element from the packet path.
    pub struct Dynset {
        /// `NFTA_DYNSET_SREG_KEY`.
        sreg_key: u32 = sys::NFTA_DYNSET_SREG_KEY,
        /// `NFTA_DYNSET_SREG_DATA`.
        sreg_data: u32 = sys::NFTA_DYNSET_SREG_DATA,
        /// `NFTA_DYNSET_OP`.
        op: DynsetOp = sys::NFTA_DYNSET_OP,
        /// `NFTA_DYNSET_SET_NAME`.
        set_name: String = sys::NFTA_DYNSET_SET_NAME,
        /// `NFTA_DYNSET_SET_ID`.
        set_id: u32 = sys::NFTA_DYNSET_SET_ID,
        /// `NFTA_DYNSET_TIMEOUT` (milliseconds).
        timeout: u64 = sys::NFTA_DYNSET_TIMEOUT,
        /// `NFTA_DYNSET_EXPR`: one expression attached to the element.
        expr: Box<Expr> = sys::NFTA_DYNSET_EXPR,
        /// `NFTA_DYNSET_EXPRESSIONS`: several.
        exprs: ExprList = sys::NFTA_DYNSET_EXPRESSIONS,
        /// `NFTA_DYNSET_FLAGS` (`NFT_DYNSET_F_*`).
        flags: u32 = sys::NFTA_DYNSET_FLAGS,
    }
}

attr_struct! {
    /// `range`: compare a register with an inclusive range.
    pub struct Range {
        /// `NFTA_RANGE_SREG`.
        sreg: u32 = sys::NFTA_RANGE_SREG,
        /// `NFTA_RANGE_OP`.
        op: RangeOp = sys::NFTA_RANGE_OP,
        /// `NFTA_RANGE_FROM_DATA`.
        from: Data = sys::NFTA_RANGE_FROM_DATA,
        /// `NFTA_RANGE_TO_DATA`.
        to: Data = sys::NFTA_RANGE_TO_DATA,
    }
}

attr_struct! {
    /// `ct`: load (`dreg`) or set (`sreg`) conntrack state.
    pub struct Ct {
        /// `NFTA_CT_DREG`.
        dreg: u32 = sys::NFTA_CT_DREG,
        /// `NFTA_CT_SREG`.
        sreg: u32 = sys::NFTA_CT_SREG,
        /// `NFTA_CT_KEY`.
        key: CtKey = sys::NFTA_CT_KEY,
        /// `NFTA_CT_DIRECTION` (`IP_CT_DIR_ORIGINAL` 0, `IP_CT_DIR_REPLY` 1).
        direction: u8 = sys::NFTA_CT_DIRECTION,
    }
}

attr_struct! {
    /// `counter`: packets and bytes (also the counter object's data).
    pub struct Counter {
        /// `NFTA_COUNTER_BYTES`.
        bytes: u64 = sys::NFTA_COUNTER_BYTES,
        /// `NFTA_COUNTER_PACKETS`.
        packets: u64 = sys::NFTA_COUNTER_PACKETS,
    }
}

attr_struct! {
    /// `limit`: token bucket (also the limit object's data).
    pub struct Limit {
        /// `NFTA_LIMIT_RATE`.
        rate: u64 = sys::NFTA_LIMIT_RATE,
        /// `NFTA_LIMIT_UNIT` (seconds).
        unit: u64 = sys::NFTA_LIMIT_UNIT,
        /// `NFTA_LIMIT_BURST`.
        burst: u32 = sys::NFTA_LIMIT_BURST,
        /// `NFTA_LIMIT_TYPE`.
        kind: LimitType = sys::NFTA_LIMIT_TYPE,
        /// `NFTA_LIMIT_FLAGS` (`NFT_LIMIT_F_INV`).
        flags: u32 = sys::NFTA_LIMIT_FLAGS,
    }
}

attr_struct! {
    /// `quota`: byte quota (also the quota object's data).
    pub struct Quota {
        /// `NFTA_QUOTA_BYTES`.
        bytes: u64 = sys::NFTA_QUOTA_BYTES,
        /// `NFTA_QUOTA_CONSUMED`.
        consumed: u64 = sys::NFTA_QUOTA_CONSUMED,
        /// `NFTA_QUOTA_FLAGS` (`NFT_QUOTA_F_INV`, `NFT_QUOTA_F_DEPLETED`).
        flags: u32 = sys::NFTA_QUOTA_FLAGS,
    }
}

attr_struct! {
    /// `connlimit`: limit connections per rule (also the connlimit object's data).
    pub struct Connlimit {
        /// `NFTA_CONNLIMIT_COUNT`.
        count: u32 = sys::NFTA_CONNLIMIT_COUNT,
        /// `NFTA_CONNLIMIT_FLAGS` (`NFT_CONNLIMIT_F_INV`).
        flags: u32 = sys::NFTA_CONNLIMIT_FLAGS,
    }
}

attr_struct! {
    /// `log`: log the packet (syslog level/flags, or an nflog group).
    pub struct Log {
        /// `NFTA_LOG_PREFIX`.
        prefix: String = sys::NFTA_LOG_PREFIX,
        /// `NFTA_LOG_GROUP` (nflog).
        group: u16 = sys::NFTA_LOG_GROUP,
        /// `NFTA_LOG_SNAPLEN`.
        snaplen: u32 = sys::NFTA_LOG_SNAPLEN,
        /// `NFTA_LOG_QTHRESHOLD`.
        qthreshold: u16 = sys::NFTA_LOG_QTHRESHOLD,
        /// `NFTA_LOG_LEVEL`.
        level: u32 = sys::NFTA_LOG_LEVEL,
        /// `NFTA_LOG_FLAGS` (`NF_LOG_*`).
        flags: u32 = sys::NFTA_LOG_FLAGS,
    }
}

attr_struct! {
    /// `nat`: source or destination NAT from registers.
    pub struct Nat {
        /// `NFTA_NAT_TYPE`.
        kind: NatType = sys::NFTA_NAT_TYPE,
        /// `NFTA_NAT_FAMILY`.
        family: u32 = sys::NFTA_NAT_FAMILY,
        /// `NFTA_NAT_REG_ADDR_MIN`.
        reg_addr_min: u32 = sys::NFTA_NAT_REG_ADDR_MIN,
        /// `NFTA_NAT_REG_ADDR_MAX`.
        reg_addr_max: u32 = sys::NFTA_NAT_REG_ADDR_MAX,
        /// `NFTA_NAT_REG_PROTO_MIN`.
        reg_proto_min: u32 = sys::NFTA_NAT_REG_PROTO_MIN,
        /// `NFTA_NAT_REG_PROTO_MAX`.
        reg_proto_max: u32 = sys::NFTA_NAT_REG_PROTO_MAX,
        /// `NFTA_NAT_FLAGS` (`NF_NAT_RANGE_*`).
        flags: u32 = sys::NFTA_NAT_FLAGS,
    }
}

attr_struct! {
    /// `masq`: masquerade.
    pub struct Masq {
        /// `NFTA_MASQ_FLAGS`.
        flags: u32 = sys::NFTA_MASQ_FLAGS,
        /// `NFTA_MASQ_REG_PROTO_MIN`.
        reg_proto_min: u32 = sys::NFTA_MASQ_REG_PROTO_MIN,
        /// `NFTA_MASQ_REG_PROTO_MAX`.
        reg_proto_max: u32 = sys::NFTA_MASQ_REG_PROTO_MAX,
    }
}

attr_struct! {
    /// `redir`: redirect to the local machine.
    pub struct Redir {
        /// `NFTA_REDIR_REG_PROTO_MIN`.
        reg_proto_min: u32 = sys::NFTA_REDIR_REG_PROTO_MIN,
        /// `NFTA_REDIR_REG_PROTO_MAX`.
        reg_proto_max: u32 = sys::NFTA_REDIR_REG_PROTO_MAX,
        /// `NFTA_REDIR_FLAGS`.
        flags: u32 = sys::NFTA_REDIR_FLAGS,
    }
}

attr_struct! {
    /// `reject`: reject with an ICMP error or a TCP reset.
    pub struct Reject {
        /// `NFTA_REJECT_TYPE` (`NFT_REJECT_*`).
        kind: u32 = sys::NFTA_REJECT_TYPE,
        /// `NFTA_REJECT_ICMP_CODE`.
        icmp_code: u8 = sys::NFTA_REJECT_ICMP_CODE,
    }
}

attr_struct! {
    /// `fib`: route lookup.
    pub struct Fib {
        /// `NFTA_FIB_DREG`.
        dreg: u32 = sys::NFTA_FIB_DREG,
        /// `NFTA_FIB_RESULT`.
        result: FibResult = sys::NFTA_FIB_RESULT,
        /// `NFTA_FIB_FLAGS` (`NFTA_FIB_F_*`).
        flags: u32 = sys::NFTA_FIB_FLAGS,
    }
}

attr_struct! {
    /// `objref`: use a stateful object, by name or through a map.
    pub struct Objref {
        /// `NFTA_OBJREF_IMM_NAME`.
        imm_name: String = sys::NFTA_OBJREF_IMM_NAME,
        /// `NFTA_OBJREF_IMM_TYPE` (`NFT_OBJECT_*`).
        imm_type: u32 = sys::NFTA_OBJREF_IMM_TYPE,
        /// `NFTA_OBJREF_SET_SREG`.
        set_sreg: u32 = sys::NFTA_OBJREF_SET_SREG,
        /// `NFTA_OBJREF_SET_NAME`.
        set_name: String = sys::NFTA_OBJREF_SET_NAME,
        /// `NFTA_OBJREF_SET_ID`.
        set_id: u32 = sys::NFTA_OBJREF_SET_ID,
    }
}

attr_struct! {
    /// `exthdr`: IPv6 extension headers, TCP/IPv4 options, SCTP chunks.
    pub struct Exthdr {
        /// `NFTA_EXTHDR_DREG`.
        dreg: u32 = sys::NFTA_EXTHDR_DREG,
        /// `NFTA_EXTHDR_SREG` (tcp option write).
        sreg: u32 = sys::NFTA_EXTHDR_SREG,
        /// `NFTA_EXTHDR_TYPE`.
        kind: u8 = sys::NFTA_EXTHDR_TYPE,
        /// `NFTA_EXTHDR_OFFSET`.
        offset: u32 = sys::NFTA_EXTHDR_OFFSET,
        /// `NFTA_EXTHDR_LEN`.
        len: u32 = sys::NFTA_EXTHDR_LEN,
        /// `NFTA_EXTHDR_FLAGS` (`NFT_EXTHDR_F_PRESENT`).
        flags: u32 = sys::NFTA_EXTHDR_FLAGS,
        /// `NFTA_EXTHDR_OP`.
        op: ExthdrOp = sys::NFTA_EXTHDR_OP,
    }
}

attr_struct! {
    /// x_tables compatibility `match` or `target` (what `iptables-nft`
    /// writes): the extension's name, revision and its `struct xt_*_info`
    /// kept as raw bytes (host order, as iptables passes it).
    pub struct Compat {
        /// `NFTA_MATCH_NAME` / `NFTA_TARGET_NAME`.
        name: String = sys::NFTA_MATCH_NAME,
        /// `NFTA_MATCH_REV` / `NFTA_TARGET_REV`.
        rev: u32 = sys::NFTA_MATCH_REV,
        /// `NFTA_MATCH_INFO` / `NFTA_TARGET_INFO`.
        info: Vec<u8> = sys::NFTA_MATCH_INFO,
    }
}

attr_struct! {
    /// `rt`: routing information.
    pub struct Rt {
        /// `NFTA_RT_KEY`.
        key: RtKey = sys::NFTA_RT_KEY,
        /// `NFTA_RT_DREG`.
        dreg: u32 = sys::NFTA_RT_DREG,
    }
}

attr_struct! {
    /// `socket`: the packet's local socket.
    pub struct Socket {
        /// `NFTA_SOCKET_KEY`.
        key: SocketKey = sys::NFTA_SOCKET_KEY,
        /// `NFTA_SOCKET_DREG`.
        dreg: u32 = sys::NFTA_SOCKET_DREG,
        /// `NFTA_SOCKET_LEVEL` (cgroupv2 ancestor level).
        level: u32 = sys::NFTA_SOCKET_LEVEL,
    }
}

attr_struct! {
    /// `hash`: jhash of a register or symmetric hash of the flow.
    pub struct Hash {
        /// `NFTA_HASH_SREG`.
        sreg: u32 = sys::NFTA_HASH_SREG,
        /// `NFTA_HASH_DREG`.
        dreg: u32 = sys::NFTA_HASH_DREG,
        /// `NFTA_HASH_LEN`.
        len: u32 = sys::NFTA_HASH_LEN,
        /// `NFTA_HASH_MODULUS`.
        modulus: u32 = sys::NFTA_HASH_MODULUS,
        /// `NFTA_HASH_SEED`.
        seed: u32 = sys::NFTA_HASH_SEED,
        /// `NFTA_HASH_OFFSET`.
        offset: u32 = sys::NFTA_HASH_OFFSET,
        /// `NFTA_HASH_TYPE`.
        kind: HashType = sys::NFTA_HASH_TYPE,
    }
}

attr_struct! {
    /// `numgen`: incremental or random numbers.
    pub struct Numgen {
        /// `NFTA_NG_DREG`.
        dreg: u32 = sys::NFTA_NG_DREG,
        /// `NFTA_NG_MODULUS`.
        modulus: u32 = sys::NFTA_NG_MODULUS,
        /// `NFTA_NG_TYPE`.
        kind: NgType = sys::NFTA_NG_TYPE,
        /// `NFTA_NG_OFFSET`.
        offset: u32 = sys::NFTA_NG_OFFSET,
    }
}

attr_struct! {
    /// `dup`: duplicate the packet to an address and/or device.
    pub struct Dup {
        /// `NFTA_DUP_SREG_ADDR`.
        sreg_addr: u32 = sys::NFTA_DUP_SREG_ADDR,
        /// `NFTA_DUP_SREG_DEV`.
        sreg_dev: u32 = sys::NFTA_DUP_SREG_DEV,
    }
}

attr_struct! {
    /// `fwd`: forward to a device (netdev).
    pub struct Fwd {
        /// `NFTA_FWD_SREG_DEV`.
        sreg_dev: u32 = sys::NFTA_FWD_SREG_DEV,
        /// `NFTA_FWD_SREG_ADDR`.
        sreg_addr: u32 = sys::NFTA_FWD_SREG_ADDR,
        /// `NFTA_FWD_NFPROTO`.
        nfproto: u32 = sys::NFTA_FWD_NFPROTO,
    }
}

attr_struct! {
    /// `tproxy`: transparent proxying.
    pub struct Tproxy {
        /// `NFTA_TPROXY_FAMILY`.
        family: u32 = sys::NFTA_TPROXY_FAMILY,
        /// `NFTA_TPROXY_REG_ADDR`.
        reg_addr: u32 = sys::NFTA_TPROXY_REG_ADDR,
        /// `NFTA_TPROXY_REG_PORT`.
        reg_port: u32 = sys::NFTA_TPROXY_REG_PORT,
    }
}

attr_struct! {
    /// `synproxy`: SYN proxy (also the synproxy object's data).
    pub struct Synproxy {
        /// `NFTA_SYNPROXY_MSS`.
        mss: u16 = sys::NFTA_SYNPROXY_MSS,
        /// `NFTA_SYNPROXY_WSCALE`.
        wscale: u8 = sys::NFTA_SYNPROXY_WSCALE,
        /// `NFTA_SYNPROXY_FLAGS`.
        flags: u32 = sys::NFTA_SYNPROXY_FLAGS,
    }
}

attr_struct! {
    /// `xfrm`: IPsec state of the packet.
    pub struct Xfrm {
        /// `NFTA_XFRM_DREG`.
        dreg: u32 = sys::NFTA_XFRM_DREG,
        /// `NFTA_XFRM_KEY`.
        key: XfrmKey = sys::NFTA_XFRM_KEY,
        /// `NFTA_XFRM_DIR` (`XFRM_POLICY_IN` 0, `XFRM_POLICY_OUT` 1).
        dir: u8 = sys::NFTA_XFRM_DIR,
        /// `NFTA_XFRM_SPNUM`.
        spnum: u32 = sys::NFTA_XFRM_SPNUM,
    }
}

attr_struct! {
    /// `osf`: passive OS fingerprint.
    pub struct Osf {
        /// `NFTA_OSF_TTL`.
        ttl: u8 = sys::NFTA_OSF_TTL,
        /// `NFTA_OSF_FLAGS`.
        flags: u32 = sys::NFTA_OSF_FLAGS,
        /// `NFTA_OSF_DREG`.
        dreg: u32 = sys::NFTA_OSF_DREG,
    }
}

attr_struct! {
    /// `queue`: hand the packet to nfqueue.
    pub struct Queue {
        /// `NFTA_QUEUE_NUM`.
        num: u16 = sys::NFTA_QUEUE_NUM,
        /// `NFTA_QUEUE_TOTAL`.
        total: u16 = sys::NFTA_QUEUE_TOTAL,
        /// `NFTA_QUEUE_FLAGS` (`NFT_QUEUE_FLAG_*`).
        flags: u16 = sys::NFTA_QUEUE_FLAGS,
        /// `NFTA_QUEUE_SREG_QNUM`.
        sreg_qnum: u32 = sys::NFTA_QUEUE_SREG_QNUM,
    }
}

attr_struct! {
    /// `last`: when the rule last matched.
    pub struct Last {
        /// `NFTA_LAST_SET`: 1 once it has matched.
        set: u32 = sys::NFTA_LAST_SET,
        /// `NFTA_LAST_MSECS`: milliseconds since then.
        msecs: u64 = sys::NFTA_LAST_MSECS,
    }
}

attr_struct! {
    /// `tunnel`: the packet's tunnel metadata.
    pub struct Tunnel {
        /// `NFTA_TUNNEL_KEY` (`NFT_TUNNEL_PATH`, `NFT_TUNNEL_ID`).
        key: u32 = sys::NFTA_TUNNEL_KEY,
        /// `NFTA_TUNNEL_DREG`.
        dreg: u32 = sys::NFTA_TUNNEL_DREG,
        /// `NFTA_TUNNEL_MODE` (`NFT_TUNNEL_MODE_*`).
        mode: u32 = sys::NFTA_TUNNEL_MODE,
    }
}

attr_struct! {
    /// `inner`: a payload or meta expression evaluated on the packet
    /// inside a tunnel (Linux 6.2+, `nft_inner.c`). The kernel needs every
    /// attribute; `num` must be 0, `hdrsize` 1..=64 with
    /// `NFT_INNER_HDRSIZE`, and the expression a `payload` (any base,
    /// [`PayloadBase::TUN`] too) or a `meta` (`protocol`, `l4proto`).
    pub struct Inner {
        /// `NFTA_INNER_NUM`: the tunnel level (only 0).
        num: u32 = sys::NFTA_INNER_NUM,
        /// `NFTA_INNER_TYPE`.
        kind: InnerType = sys::NFTA_INNER_TYPE,
        /// `NFTA_INNER_FLAGS` (`NFT_INNER_HDRSIZE`, `_LL`, `_NH`, `_TH`:
        /// which headers the inner packet has).
        flags: u32 = sys::NFTA_INNER_FLAGS,
        /// `NFTA_INNER_HDRSIZE`: the tunnel header's size (UDP tunnels).
        hdrsize: u32 = sys::NFTA_INNER_HDRSIZE,
        /// `NFTA_INNER_EXPR`: the payload or meta expression.
        expr: Box<Expr> = sys::NFTA_INNER_EXPR,
    }
}

attr_struct! {
    /// `flow_offload`: offload the flow to a flowtable (`flow add @NAME`).
    pub struct FlowOffload {
        /// `NFTA_FLOW_TABLE_NAME`.
        table_name: String = sys::NFTA_FLOW_TABLE_NAME,
    }
}

nested_field!(Counter);

/// A list of expressions (`NFTA_*_EXPRESSIONS`: `NFTA_LIST_ELEM` nests).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExprList(pub Vec<Expr>);

impl Field for ExprList {
    fn decode(a: &Attr<'_>) -> Result<Self, ParseError> {
        decode_list(a.payload()).map(ExprList)
    }
    fn encode(&self, kind: u16, w: &mut Vec<u8>) -> Result<(), EncodeError> {
        nest(w, kind, |w| encode_list(&self.0, w))
    }
}

impl Field for Box<Expr> {
    fn decode(a: &Attr<'_>) -> Result<Self, ParseError> {
        Expr::decode(a.payload()).map(Box::new)
    }
    fn encode(&self, kind: u16, w: &mut Vec<u8>) -> Result<(), EncodeError> {
        nest(w, kind, |w| Expr::encode(self, w))
    }
}

/// How deep expressions are decoded inside expressions before the rest is
/// kept raw ([`Expr::Raw`]): the kernel nests one level.
pub const MAX_EXPR_NESTING: u32 = 8;

thread_local! {
    static DEPTH: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// Counts one level of [`Expr::decode`] on this thread while it lives.
struct DepthGuard;

impl DepthGuard {
    fn enter() -> Option<Self> {
        DEPTH.with(|d| {
            if d.get() >= MAX_EXPR_NESTING {
                None
            } else {
                d.set(d.get() + 1);
                Some(DepthGuard)
            }
        })
    }
}

impl Drop for DepthGuard {
    fn drop(&mut self) {
        DEPTH.with(|d| d.set(d.get().saturating_sub(1)));
    }
}

/// Decodes a list of `NFTA_LIST_ELEM` expressions.
pub(crate) fn decode_list(area: &[u8]) -> Result<Vec<Expr>, ParseError> {
    // Counting first saves the regrowth (and copies) of a vector of
    // large values: a rule is decoded once per dump message.
    let mut v = Vec::with_capacity(AttrIter::new(area).count());
    for a in AttrIter::new(area) {
        v.push(Expr::decode(a?.payload())?);
    }
    Ok(v)
}

/// Encodes expressions as `NFTA_LIST_ELEM` nests.
pub(crate) fn encode_list(exprs: &[Expr], w: &mut Vec<u8>) -> Result<(), EncodeError> {
    for e in exprs {
        nest(w, sys::NFTA_LIST_ELEM, |w| e.encode(w))?;
    }
    Ok(())
}

macro_rules! exprs {
    ($( $(#[$m:meta])* $variant:ident($ty:ty) = $name:literal, )*) => {
        /// One expression of a rule (or of a set, element or dynset).
        #[derive(Clone, Debug, PartialEq, Eq)]
        #[non_exhaustive]
        pub enum Expr {
            $( $(#[$m])* $variant($ty), )*
            /// `notrack`: no conntrack for this packet (no attributes; the
            /// kernel sends no `NFTA_EXPR_DATA`).
            Notrack,
            /// An expression this crate does not type (or could not
            /// reproduce byte for byte): its name and its raw
            /// `NFTA_EXPR_DATA` payload (`None`: the kernel sent none).
            /// Encodes back to exactly what was received.
            Unknown {
                /// `NFTA_EXPR_NAME`.
                name: String,
                /// The `NFTA_EXPR_DATA` payload, as received.
                data: Option<Vec<u8>>,
            },
            /// An element not laid out as one `NFTA_EXPR_NAME` and at most
            /// one plain `NFTA_EXPR_DATA` (never seen from the kernel): the
            /// element's payload as received, re-encoded verbatim.
            Raw(Vec<u8>),
        }

        impl Expr {
            /// `NFTA_EXPR_NAME`: the kernel's name of the expression.
            pub fn name(&self) -> &str {
                match self {
                    $( Expr::$variant(_) => $name, )*
                    Expr::Notrack => "notrack",
                    Expr::Unknown { name, .. } => name,
                    Expr::Raw(_) => "",
                }
            }

            fn decode_typed(name: &str, data: &[u8]) -> Result<Option<Expr>, ParseError> {
                Ok(Some(match name {
                    $( $name => Expr::$variant(<$ty>::decode_area(data)?), )*
                    _ => return Ok(None),
                }))
            }

            fn encode_data(&self, w: &mut Vec<u8>) -> Result<(), EncodeError> {
                match self {
                    $( Expr::$variant(x) => nest(w, sys::NFTA_EXPR_DATA, |w| x.encode_area(w)), )*
                    Expr::Notrack | Expr::Raw(_) => Ok(()),
                    Expr::Unknown { data, .. } => match data {
                        Some(d) => put(w, sys::NFTA_EXPR_DATA, d),
                        None => Ok(()),
                    },
                }
            }
        }
    };
}

exprs! {
    /// `payload`.
    Payload(Payload) = "payload",
    /// `meta`.
    Meta(Meta) = "meta",
    /// `cmp`.
    Cmp(Cmp) = "cmp",
    /// `bitwise`.
    Bitwise(Bitwise) = "bitwise",
    /// `byteorder`.
    Byteorder(Byteorder) = "byteorder",
    /// `immediate`.
    Immediate(Immediate) = "immediate",
    /// `lookup`.
    Lookup(Lookup) = "lookup",
    /// `dynset`.
    Dynset(Dynset) = "dynset",
    /// `range`.
    Range(Range) = "range",
    /// `ct`.
    Ct(Ct) = "ct",
    /// `counter`.
    Counter(Counter) = "counter",
    /// `limit`.
    Limit(Limit) = "limit",
    /// `quota`.
    Quota(Quota) = "quota",
    /// `connlimit`.
    Connlimit(Connlimit) = "connlimit",
    /// `log`.
    Log(Log) = "log",
    /// `nat`.
    Nat(Nat) = "nat",
    /// `masq`.
    Masq(Masq) = "masq",
    /// `redir`.
    Redir(Redir) = "redir",
    /// `reject`.
    Reject(Reject) = "reject",
    /// `fib`.
    Fib(Fib) = "fib",
    /// `objref`.
    Objref(Objref) = "objref",
    /// `exthdr`.
    Exthdr(Exthdr) = "exthdr",
    /// x_tables `match` (iptables-nft).
    Match(Compat) = "match",
    /// x_tables `target` (iptables-nft).
    Target(Compat) = "target",
    /// `rt`.
    Rt(Rt) = "rt",
    /// `socket`.
    Socket(Socket) = "socket",
    /// `hash`.
    Hash(Hash) = "hash",
    /// `numgen`.
    Numgen(Numgen) = "numgen",
    /// `dup`.
    Dup(Dup) = "dup",
    /// `fwd`.
    Fwd(Fwd) = "fwd",
    /// `tproxy`.
    Tproxy(Tproxy) = "tproxy",
    /// `synproxy`.
    Synproxy(Synproxy) = "synproxy",
    /// `xfrm`.
    Xfrm(Xfrm) = "xfrm",
    /// `osf`.
    Osf(Osf) = "osf",
    /// `queue`.
    Queue(Queue) = "queue",
    /// `last`.
    Last(Last) = "last",
    /// `tunnel`.
    Tunnel(Tunnel) = "tunnel",
    /// `flow_offload`.
    FlowOffload(FlowOffload) = "flow_offload",
    /// `inner`.
    Inner(Inner) = "inner",
}

impl Expr {
    /// Decodes one expression from the payload of its `NFTA_LIST_ELEM`
    /// (`NFTA_EXPR_NAME`, `NFTA_EXPR_DATA`). An expression this crate does
    /// not know, or one whose typed form would not encode back to the same
    /// bytes, is kept as [`Expr::Unknown`]; only a malformed attribute
    /// area is an error.
    ///
    /// # Errors
    /// [`ParseError`] for malformed attributes or a missing name.
    pub fn decode(elem: &[u8]) -> Result<Self, ParseError> {
        // Expressions nest (dynset and set element expressions); bound the
        // recursion so that hostile input cannot exhaust the stack. The
        // kernel nests one level.
        let Some(_depth) = DepthGuard::enter() else {
            return Ok(Expr::Raw(elem.to_vec()));
        };
        let mut name = None;
        let mut data = None;
        let mut plain = true;
        let mut count = 0;
        for a in AttrIter::new(elem) {
            let a = a?;
            count += 1;
            match a.kind() {
                sys::NFTA_EXPR_NAME if name.is_none() => {
                    // Borrowed: only an expression kept unknown owns it.
                    let n = a.get_cstr()?.to_str();
                    name = Some(n.map_err(|_| ParseError::NotUtf8 { kind: a.kind() })?);
                }
                sys::NFTA_EXPR_DATA if data.is_none() => {
                    plain &= a.flags().is_empty();
                    data = Some(a.payload());
                }
                _ => plain = false,
            }
        }
        let name = name.ok_or(ParseError::Missing {
            kind: sys::NFTA_EXPR_NAME,
            within: "NFTA_LIST_ELEM (expression)",
        })?;
        let expected = if data.is_some() { 2 } else { 1 };
        if !plain || count != expected {
            // Not the kernel's layout: keep the whole element's bytes.
            return Ok(Expr::Raw(elem.to_vec()));
        }
        let typed = match (name, data) {
            ("notrack", None) => Some(Expr::Notrack),
            (n, Some(d)) => Expr::decode_typed(n, d).ok().flatten(),
            _ => None,
        };
        if let Some(t) = typed {
            if t.encoded_eq(elem) {
                return Ok(t);
            }
        }
        let unknown = Expr::Unknown {
            name: name.to_owned(),
            data: data.map(<[u8]>::to_vec),
        };
        // NAME after DATA, a missing final padding: keep the bytes as they are.
        if unknown.encoded_eq(elem) {
            Ok(unknown)
        } else {
            Ok(Expr::Raw(elem.to_vec()))
        }
    }

    fn encoded_eq(&self, elem: &[u8]) -> bool {
        thread_local! {
            // One buffer per thread for the re-encoding check of every
            // decoded expression (a dump decodes thousands).
            static BUF: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
        }
        BUF.with(|b| match b.try_borrow_mut() {
            Ok(mut w) => {
                w.clear();
                self.encode(&mut w).is_ok() && *w == elem
            }
            Err(_) => {
                let mut w = Vec::with_capacity(elem.len());
                self.encode(&mut w).is_ok() && w == elem
            }
        })
    }

    /// Appends the expression's `NFTA_EXPR_NAME` and `NFTA_EXPR_DATA`
    /// (the payload of its `NFTA_LIST_ELEM`), as the kernel writes them.
    ///
    /// # Errors
    /// [`EncodeError`] for a name with a NUL or an attribute over 64 KiB.
    pub fn encode(&self, w: &mut Vec<u8>) -> Result<(), EncodeError> {
        if let Expr::Raw(elem) = self {
            w.extend_from_slice(elem);
            return Ok(());
        }
        crate::wire::put_str(w, sys::NFTA_EXPR_NAME, self.name())?;
        self.encode_data(w)
    }

    /// True for [`Expr::Unknown`] and [`Expr::Raw`].
    pub fn is_unknown(&self) -> bool {
        matches!(self, Expr::Unknown { .. } | Expr::Raw(_))
    }
}

/// Constructors for the expressions a rule is usually made of.
impl Expr {
    /// `immediate` of a verdict into the verdict register: `accept`,
    /// `drop`, `jump CHAIN`...
    pub fn verdict(v: crate::data::Verdict) -> Self {
        Expr::Immediate(Immediate {
            dreg: Some(0),
            data: Some(Data::Verdict(v)),
            ..Default::default()
        })
    }

    /// `payload load LEN bytes @ BASE + OFFSET => reg DREG`.
    pub fn payload(base: PayloadBase, offset: u32, len: u32, dreg: u32) -> Self {
        Expr::Payload(Payload {
            dreg: Some(dreg),
            base: Some(base),
            offset: Some(offset),
            len: Some(len),
            ..Default::default()
        })
    }

    /// `meta load KEY => reg DREG`.
    pub fn meta(key: MetaKey, dreg: u32) -> Self {
        Expr::Meta(Meta {
            key: Some(key),
            dreg: Some(dreg),
            ..Default::default()
        })
    }

    /// `cmp OP reg SREG VALUE`.
    pub fn cmp(op: CmpOp, sreg: u32, value: impl Into<Vec<u8>>) -> Self {
        Expr::Cmp(Cmp {
            sreg: Some(sreg),
            op: Some(op),
            data: Some(Data::Value(value.into())),
            ..Default::default()
        })
    }

    /// `lookup reg SREG set SET` (a match against a named set).
    pub fn lookup(set: &str, sreg: u32) -> Self {
        Expr::Lookup(Lookup {
            set: Some(set.into()),
            sreg: Some(sreg),
            ..Default::default()
        })
    }

    /// `counter` starting at zero.
    pub fn counter() -> Self {
        Expr::Counter(Counter {
            bytes: Some(0),
            packets: Some(0),
            ..Default::default()
        })
    }
}
