//! Netfilter packet metadata shared by every subsystem that reports packets
//! (`nfnetlink_queue`, `nfnetlink_log`, ...): hooks, conntrack info state,
//! hardware address, VLAN tag, timestamp, protocol family and IP protocol.
//!
//! The subsystems carry these under their own attribute numbers
//! (`NFQA_MARK` is 3, `NFULA_MARK` is 2), so the decoders here take the
//! attribute itself, or the caller's attribute numbers for nests; this
//! module names no subsystem.
//!
//! ```text
//! hw address  | hw_addrlen be16 | pad u16 | hw_addr [u8; 8] |      (12 bytes)
//! timestamp   | sec be64 | usec be64 |                             (16 bytes)
//! vlan (nest) | <proto attr> be16 | <tci attr> be16 |
//! ```

use std::time::{Duration, SystemTime};

use nfnl_sys as sys;

use crate::attr::Attr;
use crate::error::ParseError;

/// The netfilter hook a packet was seen at (`enum nf_inet_hooks` for the
/// inet families; the bridge and netdev families number their hooks the
/// same way up to 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Hook {
    /// `NF_INET_PRE_ROUTING`.
    PreRouting,
    /// `NF_INET_LOCAL_IN` (iptables `INPUT`).
    LocalIn,
    /// `NF_INET_FORWARD`.
    Forward,
    /// `NF_INET_LOCAL_OUT` (iptables `OUTPUT`).
    LocalOut,
    /// `NF_INET_POST_ROUTING`.
    PostRouting,
    /// Another hook number.
    Unknown(u8),
}

impl From<u8> for Hook {
    fn from(n: u8) -> Self {
        match n {
            sys::NF_INET_PRE_ROUTING => Hook::PreRouting,
            sys::NF_INET_LOCAL_IN => Hook::LocalIn,
            sys::NF_INET_FORWARD => Hook::Forward,
            sys::NF_INET_LOCAL_OUT => Hook::LocalOut,
            sys::NF_INET_POST_ROUTING => Hook::PostRouting,
            n => Hook::Unknown(n),
        }
    }
}

impl From<Hook> for u8 {
    fn from(h: Hook) -> u8 {
        match h {
            Hook::PreRouting => sys::NF_INET_PRE_ROUTING,
            Hook::LocalIn => sys::NF_INET_LOCAL_IN,
            Hook::Forward => sys::NF_INET_FORWARD,
            Hook::LocalOut => sys::NF_INET_LOCAL_OUT,
            Hook::PostRouting => sys::NF_INET_POST_ROUTING,
            Hook::Unknown(n) => n,
        }
    }
}

impl Hook {
    /// The iptables chain name (`PREROUTING`, `INPUT`...), or `"?"`.
    pub fn name(self) -> &'static str {
        match self {
            Hook::PreRouting => "PREROUTING",
            Hook::LocalIn => "INPUT",
            Hook::Forward => "FORWARD",
            Hook::LocalOut => "OUTPUT",
            Hook::PostRouting => "POSTROUTING",
            Hook::Unknown(_) => "?",
        }
    }
}

/// A packet's conntrack state (`enum ip_conntrack_info`, carried as a
/// `be32` in `NFQA_CT_INFO` / `NFULA_CT_INFO`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CtState {
    /// `IP_CT_ESTABLISHED`.
    Established,
    /// `IP_CT_RELATED`.
    Related,
    /// `IP_CT_NEW`.
    New,
    /// `IP_CT_ESTABLISHED_REPLY`.
    EstablishedReply,
    /// `IP_CT_RELATED_REPLY`.
    RelatedReply,
    /// `IP_CT_UNTRACKED` (7).
    Untracked,
    /// Another value.
    Unknown(u32),
}

// TODO(nfnl-sys): IP_CT_UNTRACKED is kernel-internal (include/linux/netfilter/nf_conntrack_common.h), not in nfnl-sys.
/// `IP_CT_UNTRACKED` (`IP_CT_NUMBER + 2`, not in the UAPI header).
const IP_CT_UNTRACKED: u32 = 7;

impl From<u32> for CtState {
    fn from(n: u32) -> Self {
        match n {
            sys::IP_CT_ESTABLISHED => CtState::Established,
            sys::IP_CT_RELATED => CtState::Related,
            sys::IP_CT_NEW => CtState::New,
            sys::IP_CT_ESTABLISHED_REPLY => CtState::EstablishedReply,
            sys::IP_CT_RELATED_REPLY => CtState::RelatedReply,
            IP_CT_UNTRACKED => CtState::Untracked,
            n => CtState::Unknown(n),
        }
    }
}

impl From<CtState> for u32 {
    fn from(s: CtState) -> u32 {
        match s {
            CtState::Established => sys::IP_CT_ESTABLISHED,
            CtState::Related => sys::IP_CT_RELATED,
            CtState::New => sys::IP_CT_NEW,
            CtState::EstablishedReply => sys::IP_CT_ESTABLISHED_REPLY,
            CtState::RelatedReply => sys::IP_CT_RELATED_REPLY,
            CtState::Untracked => IP_CT_UNTRACKED,
            CtState::Unknown(n) => n,
        }
    }
}

/// A VLAN tag (a nest of two `be16`: protocol and TCI; `NFQA_VLAN`,
/// `NFULA_VLAN`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Vlan {
    /// Tag protocol (`0x8100` 802.1Q, `0x88a8` 802.1ad).
    pub proto: u16,
    /// Tag control information.
    pub tci: u16,
}

impl Vlan {
    /// VLAN id (low 12 bits of the TCI).
    pub fn id(&self) -> u16 {
        self.tci & 0x0fff
    }

    /// Priority code point (top 3 bits).
    pub fn pcp(&self) -> u8 {
        u8::try_from(self.tci >> 13).unwrap_or(0)
    }

    /// Drop eligible indicator.
    pub fn dei(&self) -> bool {
        self.tci & 0x1000 != 0
    }

    /// Decodes the VLAN nest `a` whose children are numbered `proto_kind`
    /// and `tci_kind` by the caller's subsystem (`NFQA_VLAN_PROTO`,
    /// `NFULA_VLAN_TCI`...). Other children are skipped.
    ///
    /// # Errors
    /// Errors of the nested walk; [`ParseError::AttrSize`] for a child that
    /// is not 2 bytes.
    pub fn decode(a: &Attr<'_>, proto_kind: u16, tci_kind: u16) -> Result<Self, ParseError> {
        Self::decode_nest(a.payload(), proto_kind, tci_kind)
    }

    /// As [`Vlan::decode`], from the nest's payload (the attributes of
    /// the nest, as an [`AttrIndex`](crate::AttrIndex) accessor returns
    /// them).
    ///
    /// # Errors
    /// As [`Vlan::decode`].
    pub fn decode_nest(nest: &[u8], proto_kind: u16, tci_kind: u16) -> Result<Self, ParseError> {
        let mut v = Vlan::default();
        for inner in crate::AttrIter::new(nest) {
            let i = inner?;
            if i.kind() == proto_kind {
                v.proto = i.get_be16()?;
            } else if i.kind() == tci_kind {
                v.tci = i.get_be16()?;
            }
        }
        Ok(v)
    }
}

/// A link-layer address (`struct nfqnl_msg_packet_hw` /
/// `struct nfulnl_msg_packet_hw`: the same 12-byte layout, up to 8 bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct HwAddr {
    len: u8,
    bytes: [u8; 8],
}

impl HwAddr {
    /// The address bytes (`hw_addrlen` of them, at most 8).
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes
            .get(..usize::from(self.len))
            .unwrap_or(&self.bytes)
    }

    /// Decodes the 12-byte hardware address attribute (`hw_addrlen` be16,
    /// pad, `hw_addr[8]`); a length over 8 is clamped to 8.
    ///
    /// # Errors
    /// [`ParseError::AttrSize`] if `a` is not 12 bytes.
    pub fn decode(a: &Attr<'_>) -> Result<Self, ParseError> {
        Ok(Self::from_bytes(&a.get_array()?))
    }

    /// As [`HwAddr::decode`], from the 12 bytes of the attribute's payload.
    pub fn from_bytes(h: &[u8; 12]) -> Self {
        let [l0, l1, _, _, addr @ ..] = *h;
        let len = u16::from_be_bytes([l0, l1]).min(8);
        HwAddr {
            len: u8::try_from(len).unwrap_or(8),
            bytes: addr,
        }
    }
}

impl std::fmt::Display for HwAddr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, b) in self.as_bytes().iter().enumerate() {
            if i > 0 {
                f.write_str(":")?;
            }
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

/// A packet timestamp (`struct nfqnl_msg_packet_timestamp` /
/// `struct nfulnl_msg_packet_timestamp`: `sec` be64, `usec` be64).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Timestamp {
    /// Seconds since the Unix epoch.
    pub sec: u64,
    /// Microseconds within the second.
    pub usec: u64,
}

impl Timestamp {
    /// Decodes the 16-byte timestamp attribute.
    ///
    /// # Errors
    /// [`ParseError::AttrSize`] if `a` is not 16 bytes.
    pub fn decode(a: &Attr<'_>) -> Result<Self, ParseError> {
        Ok(Self::from_bytes(&a.get_array()?))
    }

    /// As [`Timestamp::decode`], from the 16 bytes of the attribute's payload.
    pub fn from_bytes(t: &[u8; 16]) -> Self {
        let [s0, s1, s2, s3, s4, s5, s6, s7, u @ ..] = *t;
        Timestamp {
            sec: u64::from_be_bytes([s0, s1, s2, s3, s4, s5, s6, s7]),
            usec: u64::from_be_bytes(u),
        }
    }

    /// As a [`SystemTime`]; `None` if it does not fit.
    pub fn to_system_time(self) -> Option<SystemTime> {
        SystemTime::UNIX_EPOCH.checked_add(
            Duration::from_secs(self.sec).checked_add(Duration::from_micros(self.usec))?,
        )
    }
}

/// A netfilter protocol family (`nfgen_family`, `NFPROTO_*`; the inet
/// values equal `AF_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum ProtoFamily {
    /// `NFPROTO_UNSPEC` (all families).
    #[default]
    Unspec,
    /// `NFPROTO_INET` (IPv4 and IPv6, nf_tables).
    Inet,
    /// `NFPROTO_IPV4`.
    Ipv4,
    /// `NFPROTO_ARP`.
    Arp,
    /// `NFPROTO_NETDEV`.
    Netdev,
    /// `NFPROTO_BRIDGE`.
    Bridge,
    /// `NFPROTO_IPV6`.
    Ipv6,
    /// `NFPROTO_DECNET`.
    Decnet,
    /// Another value.
    Unknown(u8),
}

impl From<u8> for ProtoFamily {
    fn from(n: u8) -> Self {
        match n {
            sys::NFPROTO_UNSPEC => ProtoFamily::Unspec,
            sys::NFPROTO_INET => ProtoFamily::Inet,
            sys::NFPROTO_IPV4 => ProtoFamily::Ipv4,
            sys::NFPROTO_ARP => ProtoFamily::Arp,
            sys::NFPROTO_NETDEV => ProtoFamily::Netdev,
            sys::NFPROTO_BRIDGE => ProtoFamily::Bridge,
            sys::NFPROTO_IPV6 => ProtoFamily::Ipv6,
            sys::NFPROTO_DECNET => ProtoFamily::Decnet,
            n => ProtoFamily::Unknown(n),
        }
    }
}

impl From<ProtoFamily> for u8 {
    fn from(f: ProtoFamily) -> u8 {
        match f {
            ProtoFamily::Unspec => sys::NFPROTO_UNSPEC,
            ProtoFamily::Inet => sys::NFPROTO_INET,
            ProtoFamily::Ipv4 => sys::NFPROTO_IPV4,
            ProtoFamily::Arp => sys::NFPROTO_ARP,
            ProtoFamily::Netdev => sys::NFPROTO_NETDEV,
            ProtoFamily::Bridge => sys::NFPROTO_BRIDGE,
            ProtoFamily::Ipv6 => sys::NFPROTO_IPV6,
            ProtoFamily::Decnet => sys::NFPROTO_DECNET,
            ProtoFamily::Unknown(n) => n,
        }
    }
}

impl std::fmt::Display for ProtoFamily {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = match self {
            ProtoFamily::Unspec => "unspec",
            ProtoFamily::Inet => "inet",
            ProtoFamily::Ipv4 => "ipv4",
            ProtoFamily::Arp => "arp",
            ProtoFamily::Netdev => "netdev",
            ProtoFamily::Bridge => "bridge",
            ProtoFamily::Ipv6 => "ipv6",
            ProtoFamily::Decnet => "decnet",
            ProtoFamily::Unknown(n) => return write!(f, "family {n}"),
        };
        f.pad(name)
    }
}

/// An IP protocol number (`IPPROTO_*`, the IPv4 `protocol` and the IPv6
/// `nexthdr`), the one type for it in the workspace. Named constants for
/// the protocols netfilter tracks; any other number is kept as is.
///
/// # Examples
/// ```
/// use nfnl::IpProto;
/// assert_eq!(IpProto::from(17), IpProto::UDP);
/// assert_eq!((IpProto::TCP.name(), IpProto(200).name()), ("tcp", "unknown"));
/// assert_eq!(IpProto::ICMPV6.to_string(), "icmpv6");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct IpProto(pub u8);

impl IpProto {
    /// `IPPROTO_ICMP`.
    pub const ICMP: IpProto = IpProto(1);
    /// `IPPROTO_IGMP`.
    pub const IGMP: IpProto = IpProto(2);
    /// `IPPROTO_TCP`.
    pub const TCP: IpProto = IpProto(6);
    /// `IPPROTO_UDP`.
    pub const UDP: IpProto = IpProto(17);
    /// `IPPROTO_DCCP`.
    pub const DCCP: IpProto = IpProto(33);
    /// `IPPROTO_GRE`.
    pub const GRE: IpProto = IpProto(47);
    /// `IPPROTO_ESP`.
    pub const ESP: IpProto = IpProto(50);
    /// `IPPROTO_AH`.
    pub const AH: IpProto = IpProto(51);
    /// `IPPROTO_ICMPV6`.
    pub const ICMPV6: IpProto = IpProto(58);
    /// `IPPROTO_SCTP`.
    pub const SCTP: IpProto = IpProto(132);
    /// `IPPROTO_UDPLITE`.
    pub const UDPLITE: IpProto = IpProto(136);

    /// The lower-case name of the protocol, as `/etc/protocols` and
    /// `iptables` spell it (`"unknown"` for a number without one here).
    /// The `conntrack` tool names fewer: it prints IGMP, ESP and AH as
    /// `unknown` too.
    pub fn name(self) -> &'static str {
        match self {
            IpProto::TCP => "tcp",
            IpProto::UDP => "udp",
            IpProto::UDPLITE => "udplite",
            IpProto::ICMP => "icmp",
            IpProto::ICMPV6 => "icmpv6",
            IpProto::SCTP => "sctp",
            IpProto::GRE => "gre",
            IpProto::DCCP => "dccp",
            IpProto::IGMP => "igmp",
            IpProto::ESP => "esp",
            IpProto::AH => "ah",
            _ => "unknown",
        }
    }

    /// True for the protocols whose header starts with a 16-bit source
    /// and destination port (TCP, UDP, UDP-Lite, SCTP, DCCP).
    pub fn has_ports(self) -> bool {
        matches!(
            self,
            IpProto::TCP | IpProto::UDP | IpProto::UDPLITE | IpProto::SCTP | IpProto::DCCP
        )
    }
}

impl From<u8> for IpProto {
    fn from(n: u8) -> Self {
        IpProto(n)
    }
}

impl From<IpProto> for u8 {
    fn from(p: IpProto) -> u8 {
        p.0
    }
}

impl std::fmt::Display for IpProto {
    /// The name, or the number when there is none.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.name() {
            "unknown" => write!(f, "{}", self.0),
            n => f.pad(n),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attr::AttrIter;

    fn attr(kind: u16, payload: &[u8]) -> Vec<u8> {
        let mut v = u16::try_from(4 + payload.len())
            .unwrap()
            .to_ne_bytes()
            .to_vec();
        v.extend_from_slice(&kind.to_ne_bytes());
        v.extend_from_slice(payload);
        while v.len() % 4 != 0 {
            v.push(0);
        }
        v
    }

    fn one(bytes: &[u8]) -> Attr<'_> {
        AttrIter::new(bytes).next().unwrap().unwrap()
    }

    #[test]
    fn struct_attributes() {
        let hw = attr(8, &[0, 6, 0, 0, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0, 0]);
        let h = HwAddr::decode(&one(&hw)).unwrap();
        assert_eq!(h.to_string(), "aa:bb:cc:dd:ee:ff");
        let long = attr(8, &[0, 99, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8]);
        assert_eq!(HwAddr::decode(&one(&long)).unwrap().as_bytes().len(), 8);
        assert!(matches!(
            HwAddr::decode(&one(&attr(8, &[0; 6]))),
            Err(ParseError::AttrSize {
                expected: 12,
                got: 6,
                ..
            })
        ));
        let mut ts = 1_700_000_000u64.to_be_bytes().to_vec();
        ts.extend(250_000u64.to_be_bytes());
        let t = Timestamp::decode(&one(&attr(3, &ts))).unwrap();
        assert_eq!((t.sec, t.usec), (1_700_000_000, 250_000));
        let since = t
            .to_system_time()
            .unwrap()
            .duration_since(SystemTime::UNIX_EPOCH);
        assert_eq!(since.ok(), Some(Duration::from_millis(1_700_000_000_250)));
        let huge = Timestamp {
            sec: u64::MAX,
            usec: u64::MAX,
        };
        assert_eq!(huge.to_system_time(), None);
        let mut nest = attr(1, &0x8100u16.to_be_bytes());
        nest.extend(attr(2, &0xa00au16.to_be_bytes()));
        nest.extend(attr(9, &[1])); // unknown child: skipped
        let v = Vlan::decode(&one(&attr(20, &nest)), 1, 2).unwrap();
        assert_eq!((v.proto, v.id(), v.pcp(), v.dei()), (0x8100, 10, 5, false));
        assert!(Vlan::decode(&one(&attr(20, &attr(2, &[1]))), 1, 2).is_err());
    }

    #[test]
    fn numbers_round_trip() {
        for n in 0..=u8::MAX {
            assert_eq!(u8::from(Hook::from(n)), n);
            assert_eq!(u8::from(ProtoFamily::from(n)), n);
            assert_eq!(u8::from(IpProto::from(n)), n);
        }
        for n in 0..20 {
            assert_eq!(u32::from(CtState::from(n)), n);
        }
        assert_eq!(ProtoFamily::from(10), ProtoFamily::Ipv6);
        assert_eq!(ProtoFamily::from(2).to_string(), "ipv4");
        assert_eq!(IpProto(99).to_string(), "99");
        assert!(IpProto::SCTP.has_ports() && !IpProto::ICMP.has_ports());
        assert_eq!(Hook::from(1).name(), "INPUT");
    }
}
