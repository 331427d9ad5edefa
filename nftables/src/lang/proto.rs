//! Protocol header templates: which header field sits at which bits of
//! which base, with its nft datatype, as nft names them (written from the
//! protocols' RFC header layouts).

use super::datatype::Datatype;

/// Payload bases (`NFT_PAYLOAD_*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Base {
    /// Link layer.
    Ll,
    /// Network header.
    Network,
    /// Transport header.
    Transport,
    /// Inner header.
    Inner,
}

impl Base {
    /// From `NFTA_PAYLOAD_BASE`.
    pub fn from_kernel(b: u32) -> Option<Self> {
        Some(match b {
            0 => Base::Ll,
            1 => Base::Network,
            2 => Base::Transport,
            3 => Base::Inner,
            _ => return None,
        })
    }

    /// nft's raw payload base name (`ll`, `nh`, `th`, `ih`).
    pub fn raw_name(self) -> &'static str {
        match self {
            Base::Ll => "ll",
            Base::Network => "nh",
            Base::Transport => "th",
            Base::Inner => "ih",
        }
    }
}

/// A header field: name, bit offset, bit length, type.
#[derive(Clone, Copy, Debug)]
pub struct Field {
    /// nft's field name.
    pub name: &'static str,
    /// Offset in bits from the base.
    pub offset: u32,
    /// Length in bits.
    pub len: u32,
    /// Datatype of the field.
    pub ty: Datatype,
}

/// A protocol header description.
#[derive(Debug)]
pub struct Proto {
    /// nft's protocol name.
    pub name: &'static str,
    /// The base its fields are relative to.
    pub base: Base,
    /// Fields in nft's order.
    pub fields: &'static [Field],
    /// The field naming the next layer's protocol, if any.
    pub next: Option<&'static str>,
}

const fn f(name: &'static str, offset: u32, len: u32, ty: Datatype) -> Field {
    Field {
        name,
        offset,
        len,
        ty,
    }
}

use Datatype as T;

/// `ether`.
pub static ETHER: Proto = Proto {
    name: "ether",
    base: Base::Ll,
    fields: &[
        f("daddr", 0, 48, T::EtherAddr),
        f("saddr", 48, 48, T::EtherAddr),
        f("type", 96, 16, T::Ethertype),
    ],
    next: Some("type"),
};

/// `vlan` (after an Ethernet header: link-layer offset 14 bytes).
pub static VLAN: Proto = Proto {
    name: "vlan",
    base: Base::Ll,
    fields: &[
        f("pcp", 112, 3, T::Integer),
        f("dei", 115, 1, T::Integer),
        f("id", 116, 12, T::Integer),
        f("type", 128, 16, T::Ethertype),
    ],
    next: Some("type"),
};

/// `arp`.
pub static ARP: Proto = Proto {
    name: "arp",
    base: Base::Network,
    fields: &[
        f("htype", 0, 16, T::Integer),
        f("ptype", 16, 16, T::Ethertype),
        f("hlen", 32, 8, T::Integer),
        f("plen", 40, 8, T::Integer),
        f("operation", 48, 16, T::Arpop),
        f("saddr ether", 64, 48, T::EtherAddr),
        f("saddr ip", 112, 32, T::Ipv4Addr),
        f("daddr ether", 144, 48, T::EtherAddr),
        f("daddr ip", 192, 32, T::Ipv4Addr),
    ],
    next: None,
};

/// `ip`.
pub static IP: Proto = Proto {
    name: "ip",
    base: Base::Network,
    fields: &[
        f("version", 0, 4, T::Integer),
        f("hdrlength", 4, 4, T::Integer),
        f("dscp", 8, 6, T::Dscp),
        f("ecn", 14, 2, T::Ecn),
        f("length", 16, 16, T::Integer),
        f("id", 32, 16, T::Integer),
        f("frag-off", 48, 16, T::Integer),
        f("ttl", 64, 8, T::Integer),
        f("protocol", 72, 8, T::InetProto),
        f("checksum", 80, 16, T::Integer),
        f("saddr", 96, 32, T::Ipv4Addr),
        f("daddr", 128, 32, T::Ipv4Addr),
    ],
    next: Some("protocol"),
};

/// `ip6`.
pub static IP6: Proto = Proto {
    name: "ip6",
    base: Base::Network,
    fields: &[
        f("version", 0, 4, T::Integer),
        f("dscp", 4, 6, T::Dscp),
        f("ecn", 10, 2, T::Ecn),
        f("flowlabel", 12, 20, T::Integer),
        f("length", 32, 16, T::Integer),
        f("nexthdr", 48, 8, T::InetProto),
        f("hoplimit", 56, 8, T::Integer),
        f("saddr", 64, 128, T::Ipv6Addr),
        f("daddr", 192, 128, T::Ipv6Addr),
    ],
    next: Some("nexthdr"),
};

/// `icmp`.
pub static ICMP: Proto = Proto {
    name: "icmp",
    base: Base::Transport,
    fields: &[
        f("type", 0, 8, T::IcmpType),
        f("code", 8, 8, T::IcmpCode),
        f("checksum", 16, 16, T::Integer),
        f("id", 32, 16, T::Integer),
        f("sequence", 48, 16, T::Integer),
        f("gateway", 32, 32, T::Integer),
        f("mtu", 48, 16, T::Integer),
    ],
    next: None,
};

/// `icmpv6`.
pub static ICMP6: Proto = Proto {
    name: "icmpv6",
    base: Base::Transport,
    fields: &[
        f("type", 0, 8, T::Icmpv6Type),
        f("code", 8, 8, T::Icmpv6Code),
        f("checksum", 16, 16, T::Integer),
        f("parameter-problem", 32, 32, T::Integer),
        f("mtu", 32, 32, T::Integer),
        f("id", 32, 16, T::Integer),
        f("sequence", 48, 16, T::Integer),
        f("max-delay", 32, 16, T::Integer),
    ],
    next: None,
};

/// `igmp`.
pub static IGMP: Proto = Proto {
    name: "igmp",
    base: Base::Transport,
    fields: &[
        f("type", 0, 8, T::IgmpType),
        f("mrt", 8, 8, T::Integer),
        f("checksum", 16, 16, T::Integer),
        // nft 1.0.6 types it an integer (lists `igmp group 0`).
        f("group", 32, 32, T::Integer),
    ],
    next: None,
};

/// `tcp`.
pub static TCP: Proto = Proto {
    name: "tcp",
    base: Base::Transport,
    fields: &[
        f("sport", 0, 16, T::InetService),
        f("dport", 16, 16, T::InetService),
        f("sequence", 32, 32, T::Integer),
        f("ackseq", 64, 32, T::Integer),
        f("doff", 96, 4, T::Integer),
        f("reserved", 100, 4, T::Integer),
        f("flags", 104, 8, T::TcpFlag),
        f("window", 112, 16, T::Integer),
        f("checksum", 128, 16, T::Integer),
        f("urgptr", 144, 16, T::Integer),
    ],
    next: None,
};

/// `udp`.
pub static UDP: Proto = Proto {
    name: "udp",
    base: Base::Transport,
    fields: &[
        f("sport", 0, 16, T::InetService),
        f("dport", 16, 16, T::InetService),
        f("length", 32, 16, T::Integer),
        f("checksum", 48, 16, T::Integer),
    ],
    next: None,
};

/// `udplite`.
pub static UDPLITE: Proto = Proto {
    name: "udplite",
    base: Base::Transport,
    fields: &[
        f("sport", 0, 16, T::InetService),
        f("dport", 16, 16, T::InetService),
        f("csumcov", 32, 16, T::Integer),
        f("checksum", 48, 16, T::Integer),
    ],
    next: None,
};

/// `sctp`.
pub static SCTP: Proto = Proto {
    name: "sctp",
    base: Base::Transport,
    fields: &[
        f("sport", 0, 16, T::InetService),
        f("dport", 16, 16, T::InetService),
        f("vtag", 32, 32, T::Integer),
        f("checksum", 64, 32, T::Integer),
    ],
    next: None,
};

/// `dccp`.
pub static DCCP: Proto = Proto {
    name: "dccp",
    base: Base::Transport,
    fields: &[
        f("sport", 0, 16, T::InetService),
        f("dport", 16, 16, T::InetService),
        f("type", 67, 4, T::DccpPkttype),
    ],
    next: None,
};

/// `ah`.
pub static AH: Proto = Proto {
    name: "ah",
    base: Base::Transport,
    fields: &[
        f("nexthdr", 0, 8, T::InetProto),
        f("hdrlength", 8, 8, T::Integer),
        f("reserved", 16, 16, T::Integer),
        f("spi", 32, 32, T::Integer),
        f("sequence", 64, 32, T::Integer),
    ],
    next: None,
};

/// `esp`.
pub static ESP: Proto = Proto {
    name: "esp",
    base: Base::Transport,
    fields: &[
        f("spi", 0, 32, T::Integer),
        f("sequence", 32, 32, T::Integer),
    ],
    next: None,
};

/// `comp`.
pub static COMP: Proto = Proto {
    name: "comp",
    base: Base::Transport,
    fields: &[
        f("nexthdr", 0, 8, T::InetProto),
        f("flags", 8, 8, T::Bitmask),
        f("cpi", 16, 16, T::Integer),
    ],
    next: None,
};

/// `th`: the ports of any transport header.
pub static TH: Proto = Proto {
    name: "th",
    base: Base::Transport,
    fields: &[
        f("sport", 0, 16, T::InetService),
        f("dport", 16, 16, T::InetService),
    ],
    next: None,
};

/// `gre`.
pub static GRE: Proto = Proto {
    name: "gre",
    base: Base::Transport,
    fields: &[
        f("flags", 0, 5, T::Integer),
        f("version", 13, 3, T::Integer),
        f("protocol", 16, 16, T::Ethertype),
    ],
    next: None,
};

/// The transport protocol of IP protocol number `p`.
pub fn by_l4proto(p: u8) -> Option<&'static Proto> {
    Some(match p {
        1 => &ICMP,
        2 => &IGMP,
        6 => &TCP,
        17 => &UDP,
        33 => &DCCP,
        47 => &GRE,
        50 => &ESP,
        51 => &AH,
        58 => &ICMP6,
        108 => &COMP,
        132 => &SCTP,
        136 => &UDPLITE,
        _ => return None,
    })
}

/// The network protocol of EtherType `t`.
pub fn by_ethertype(t: u16) -> Option<&'static Proto> {
    Some(match t {
        0x0800 => &IP,
        0x86dd => &IP6,
        0x0806 => &ARP,
        0x8100 | 0x88a8 => &VLAN,
        _ => return None,
    })
}

/// The field of `proto` at exactly `offset`/`len` bits.
pub fn field_at(proto: &'static Proto, offset: u32, len: u32) -> Option<&'static Field> {
    proto
        .fields
        .iter()
        .find(|f| f.offset == offset && f.len == len)
}

/// The fields of `proto` exactly covering `offset..offset+len` (for loads
/// nft merged), in order; `None` if they do not tile it.
pub fn fields_covering(
    proto: &'static Proto,
    offset: u32,
    len: u32,
) -> Option<Vec<&'static Field>> {
    let mut out = Vec::new();
    let mut at = offset;
    let end = offset.checked_add(len)?;
    while at < end {
        let f = proto
            .fields
            .iter()
            .filter(|f| f.offset == at && f.offset + f.len <= end)
            .max_by_key(|f| f.len)?;
        out.push(f);
        at += f.len;
    }
    Some(out)
}
