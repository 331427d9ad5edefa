//! Connection tuples (`CTA_TUPLE_ORIG`, `CTA_TUPLE_REPLY`, `CTA_TUPLE_MASTER`,
//! expectation tuples): addresses, layer-4 identity and an optional zone.
//!
//! ```text
//! CTA_TUPLE_*  ─┬─ CTA_TUPLE_IP    ─┬─ CTA_IP_V4_SRC / CTA_IP_V6_SRC (4 / 16 bytes)
//!               │                   └─ CTA_IP_V4_DST / CTA_IP_V6_DST
//!               ├─ CTA_TUPLE_PROTO ─┬─ CTA_PROTO_NUM (u8)
//!               │                   ├─ CTA_PROTO_SRC_PORT, CTA_PROTO_DST_PORT (be16)
//!               │                   └─ CTA_PROTO_ICMP{,V6}_ID (be16), _TYPE, _CODE (u8)
//!               └─ CTA_TUPLE_ZONE (be16, optional)
//! ```

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use nfnl::{AttrIter, EncodeError, IpProto, MsgBuilder, ParseError, ProtoFamily};
use nfnl_sys as sys;

use crate::error::Error;

/// An address family of the conntrack table (`nfgen_family`): the subset
/// of [`ProtoFamily`] (`NFPROTO_*`) that conntrack requests take.
///
/// It exists beside nfnl's [`ProtoFamily`] because conntrack knows only
/// these three: a dump or flush of [`Family::Any`] (`NFPROTO_UNSPEC`) covers
/// both IP families, and a filter or a tuple can never name ARP, bridge or
/// netdev, which `ProtoFamily` has. It converts into `ProtoFamily`
/// (`ProtoFamily::from(family)`, [`Family::to_raw`] for the raw byte), so
/// code that mixes crates can compare or store the common type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Family {
    /// Both families (`NFPROTO_UNSPEC`).
    #[default]
    Any,
    /// IPv4 (`NFPROTO_IPV4`).
    Ipv4,
    /// IPv6 (`NFPROTO_IPV6`).
    Ipv6,
}

impl Family {
    /// The `nfgen_family` value.
    pub fn to_raw(self) -> u8 {
        ProtoFamily::from(self).into()
    }

    /// The family of an address.
    pub fn of(addr: &IpAddr) -> Family {
        match addr {
            IpAddr::V4(_) => Family::Ipv4,
            IpAddr::V6(_) => Family::Ipv6,
        }
    }
}

impl From<Family> for ProtoFamily {
    fn from(f: Family) -> ProtoFamily {
        match f {
            Family::Any => ProtoFamily::Unspec,
            Family::Ipv4 => ProtoFamily::Ipv4,
            Family::Ipv6 => ProtoFamily::Ipv6,
        }
    }
}

/// The layer-4 part of a tuple.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum L4 {
    /// A protocol identified by two 16-bit values carried in
    /// `CTA_PROTO_SRC_PORT`/`CTA_PROTO_DST_PORT`: TCP, UDP, UDP-Lite, SCTP,
    /// DCCP (ports) and GRE (keys).
    Ports {
        /// IP protocol number.
        proto: IpProto,
        /// Source port (or GRE key).
        src: u16,
        /// Destination port (or GRE key).
        dst: u16,
    },
    /// ICMP (`CTA_PROTO_ICMP_*`).
    Icmp {
        /// Identifier.
        id: u16,
        /// Type.
        kind: u8,
        /// Code.
        code: u8,
    },
    /// ICMPv6 (`CTA_PROTO_ICMPV6_*`).
    IcmpV6 {
        /// Identifier.
        id: u16,
        /// Type.
        kind: u8,
        /// Code.
        code: u8,
    },
    /// Any other protocol: only its number (tracked by the generic tracker).
    Other {
        /// IP protocol number.
        proto: IpProto,
    },
}

impl L4 {
    /// TCP ports.
    pub const fn tcp(src: u16, dst: u16) -> L4 {
        L4::Ports {
            proto: IpProto::TCP,
            src,
            dst,
        }
    }

    /// UDP ports.
    pub const fn udp(src: u16, dst: u16) -> L4 {
        L4::Ports {
            proto: IpProto::UDP,
            src,
            dst,
        }
    }

    /// The IP protocol number.
    pub fn proto(&self) -> IpProto {
        match *self {
            L4::Ports { proto, .. } | L4::Other { proto } => proto,
            L4::Icmp { .. } => IpProto::ICMP,
            L4::IcmpV6 { .. } => IpProto::ICMPV6,
        }
    }

    /// Source and destination port, for port-based protocols.
    pub fn ports(&self) -> Option<(u16, u16)> {
        match *self {
            L4::Ports { src, dst, .. } => Some((src, dst)),
            _ => None,
        }
    }

    /// The layer-4 part of the reply direction: ports swapped, ICMP requests
    /// turned into their replies (`nf_conntrack_invert_icmp{,v6}_tuple`).
    pub fn inverted(&self) -> L4 {
        match *self {
            L4::Ports { proto, src, dst } => L4::Ports {
                proto,
                src: dst,
                dst: src,
            },
            L4::Icmp { id, kind, code } => L4::Icmp {
                id,
                kind: match kind {
                    8 => 0,
                    0 => 8,
                    13 => 14,
                    14 => 13,
                    15 => 16,
                    16 => 15,
                    17 => 18,
                    18 => 17,
                    k => k,
                },
                code,
            },
            L4::IcmpV6 { id, kind, code } => L4::IcmpV6 {
                id,
                kind: match kind {
                    128 => 129,
                    129 => 128,
                    139 => 140,
                    140 => 139,
                    k => k,
                },
                code,
            },
            other => other,
        }
    }

    fn decode_nested(it: AttrIter<'_>) -> Result<Self, ParseError> {
        let mut num = None;
        let (mut sport, mut dport) = (None, None);
        let (mut id, mut kind, mut code) = (None, None, None);
        let (mut id6, mut kind6, mut code6) = (None, None, None);
        for a in it {
            let a = a?;
            match a.kind() {
                sys::CTA_PROTO_NUM => num = Some(IpProto(a.get_u8()?)),
                sys::CTA_PROTO_SRC_PORT => sport = Some(a.get_be16()?),
                sys::CTA_PROTO_DST_PORT => dport = Some(a.get_be16()?),
                sys::CTA_PROTO_ICMP_ID => id = Some(a.get_be16()?),
                sys::CTA_PROTO_ICMP_TYPE => kind = Some(a.get_u8()?),
                sys::CTA_PROTO_ICMP_CODE => code = Some(a.get_u8()?),
                sys::CTA_PROTO_ICMPV6_ID => id6 = Some(a.get_be16()?),
                sys::CTA_PROTO_ICMPV6_TYPE => kind6 = Some(a.get_u8()?),
                sys::CTA_PROTO_ICMPV6_CODE => code6 = Some(a.get_u8()?),
                _ => {}
            }
        }
        let miss = |kind| ParseError::Missing {
            kind,
            within: "CTA_TUPLE_PROTO",
        };
        let proto = num.ok_or(miss(sys::CTA_PROTO_NUM))?;
        Ok(match proto {
            IpProto::ICMP => L4::Icmp {
                id: id.ok_or(miss(sys::CTA_PROTO_ICMP_ID))?,
                kind: kind.ok_or(miss(sys::CTA_PROTO_ICMP_TYPE))?,
                code: code.ok_or(miss(sys::CTA_PROTO_ICMP_CODE))?,
            },
            IpProto::ICMPV6 => L4::IcmpV6 {
                id: id6.ok_or(miss(sys::CTA_PROTO_ICMPV6_ID))?,
                kind: kind6.ok_or(miss(sys::CTA_PROTO_ICMPV6_TYPE))?,
                code: code6.ok_or(miss(sys::CTA_PROTO_ICMPV6_CODE))?,
            },
            _ => match (sport, dport) {
                (Some(src), Some(dst)) => L4::Ports { proto, src, dst },
                (None, None) => L4::Other { proto },
                (None, Some(_)) => return Err(miss(sys::CTA_PROTO_SRC_PORT)),
                (Some(_), None) => return Err(miss(sys::CTA_PROTO_DST_PORT)),
            },
        })
    }

    fn encode_nested(&self, b: &mut MsgBuilder) {
        b.put_u8(sys::CTA_PROTO_NUM, self.proto().0);
        match *self {
            L4::Ports { src, dst, .. } => {
                b.put_be16(sys::CTA_PROTO_SRC_PORT, src);
                b.put_be16(sys::CTA_PROTO_DST_PORT, dst);
            }
            L4::Icmp { id, kind, code } => {
                b.put_be16(sys::CTA_PROTO_ICMP_ID, id);
                b.put_u8(sys::CTA_PROTO_ICMP_TYPE, kind);
                b.put_u8(sys::CTA_PROTO_ICMP_CODE, code);
            }
            L4::IcmpV6 { id, kind, code } => {
                b.put_be16(sys::CTA_PROTO_ICMPV6_ID, id);
                b.put_u8(sys::CTA_PROTO_ICMPV6_TYPE, kind);
                b.put_u8(sys::CTA_PROTO_ICMPV6_CODE, code);
            }
            L4::Other { .. } => {}
        }
    }
}

/// One direction of a connection: addresses, layer-4 identity and zone.
///
/// ```
/// use nfnl_conntrack::{L4, Tuple};
/// let t = Tuple::new("10.0.0.1".parse()?, "10.0.0.2".parse()?, L4::tcp(40000, 80))?;
/// let r = t.inverted();
/// assert_eq!(r.src.to_string(), "10.0.0.2");
/// assert_eq!(r.proto, L4::tcp(80, 40000));
/// assert!(Tuple::new("10.0.0.1".parse()?, "::1".parse()?, L4::tcp(1, 2)).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Tuple {
    /// Source address (`CTA_IP_V4_SRC` / `CTA_IP_V6_SRC`).
    pub src: IpAddr,
    /// Destination address (`CTA_IP_V4_DST` / `CTA_IP_V6_DST`).
    pub dst: IpAddr,
    /// Layer-4 protocol and its identifiers (`CTA_TUPLE_PROTO`).
    pub proto: L4,
    /// Directional zone (`CTA_TUPLE_ZONE`), if any.
    pub zone: Option<u16>,
}

impl Tuple {
    /// A tuple without a zone.
    ///
    /// # Errors
    /// [`Error::MixedFamilies`] if `src` and `dst` differ in family.
    pub fn new(src: IpAddr, dst: IpAddr, proto: L4) -> Result<Self, Error> {
        if src.is_ipv4() != dst.is_ipv4() {
            return Err(Error::MixedFamilies {
                what: "the source and destination of a tuple",
            });
        }
        Ok(Tuple {
            src,
            dst,
            proto,
            zone: None,
        })
    }

    /// Sets the directional zone.
    #[must_use]
    pub fn with_zone(mut self, zone: u16) -> Self {
        self.zone = Some(zone);
        self
    }

    /// The address family (of `src`).
    pub fn family(&self) -> Family {
        Family::of(&self.src)
    }

    /// True if both addresses have the same family.
    pub fn is_consistent(&self) -> bool {
        self.src.is_ipv4() == self.dst.is_ipv4()
    }

    /// The tuple of the other direction (addresses and ports swapped, ICMP
    /// type inverted), without a zone: a directional zone belongs to one
    /// direction only.
    ///
    /// NOTE(kernel): `ctnetlink_parse_tuple_zone` refuses (`EINVAL`) a
    /// create whose original and reply tuples both carry `CTA_TUPLE_ZONE`,
    /// so the zone of the original direction must not be copied.
    pub fn inverted(&self) -> Tuple {
        Tuple {
            src: self.dst,
            dst: self.src,
            proto: self.proto.inverted(),
            zone: None,
        }
    }

    /// Decodes the contents of a tuple nest.
    ///
    /// # Errors
    /// A malformed attribute; a missing address, protocol number or port;
    /// addresses of both families ([`ParseError::InvalidValue`]).
    pub fn decode_nested(it: AttrIter<'_>) -> Result<Self, ParseError> {
        let mut ip = None;
        let mut l4 = None;
        let mut zone = None;
        for a in it {
            let a = a?;
            match a.kind() {
                sys::CTA_TUPLE_IP => ip = Some(decode_ip(a.nested())?),
                sys::CTA_TUPLE_PROTO => l4 = Some(L4::decode_nested(a.nested())?),
                sys::CTA_TUPLE_ZONE => zone = Some(a.get_be16()?),
                _ => {}
            }
        }
        let (src, dst) = ip.ok_or(ParseError::Missing {
            kind: sys::CTA_TUPLE_IP,
            within: "CTA_TUPLE",
        })?;
        let proto = l4.ok_or(ParseError::Missing {
            kind: sys::CTA_TUPLE_PROTO,
            within: "CTA_TUPLE",
        })?;
        Ok(Tuple {
            src,
            dst,
            proto,
            zone,
        })
    }

    /// Writes the contents of a tuple nest.
    ///
    /// # Errors
    /// [`EncodeError::Invalid`] if the addresses are of different families.
    pub fn encode_nested(&self, b: &mut MsgBuilder) -> Result<(), EncodeError> {
        b.nest(sys::CTA_TUPLE_IP, |b| match (self.src, self.dst) {
            (IpAddr::V4(s), IpAddr::V4(d)) => {
                b.put_bytes(sys::CTA_IP_V4_SRC, &s.octets())?;
                b.put_bytes(sys::CTA_IP_V4_DST, &d.octets())?;
                Ok(())
            }
            (IpAddr::V6(s), IpAddr::V6(d)) => {
                b.put_bytes(sys::CTA_IP_V6_SRC, &s.octets())?;
                b.put_bytes(sys::CTA_IP_V6_DST, &d.octets())?;
                Ok(())
            }
            _ => Err(EncodeError::Invalid("tuple mixes IPv4 and IPv6 addresses")),
        })?;
        b.nest(sys::CTA_TUPLE_PROTO, |b| {
            self.proto.encode_nested(b);
            Ok(())
        })?;
        if let Some(z) = self.zone {
            b.put_be16(sys::CTA_TUPLE_ZONE, z);
        }
        Ok(())
    }

    /// Writes the tuple as a nest of type `kind` (`CTA_TUPLE_ORIG`...).
    ///
    /// # Errors
    /// As [`Tuple::encode_nested`].
    pub fn encode(&self, kind: u16, b: &mut MsgBuilder) -> Result<(), EncodeError> {
        b.nest(kind, |b| self.encode_nested(b))?;
        Ok(())
    }
}

fn decode_ip(it: AttrIter<'_>) -> Result<(IpAddr, IpAddr), ParseError> {
    let (mut s4, mut d4, mut s6, mut d6) = (None, None, None, None);
    for a in it {
        let a = a?;
        match a.kind() {
            sys::CTA_IP_V4_SRC => s4 = Some(Ipv4Addr::from(a.get_array::<4>()?)),
            sys::CTA_IP_V4_DST => d4 = Some(Ipv4Addr::from(a.get_array::<4>()?)),
            sys::CTA_IP_V6_SRC => s6 = Some(Ipv6Addr::from(a.get_array::<16>()?)),
            sys::CTA_IP_V6_DST => d6 = Some(Ipv6Addr::from(a.get_array::<16>()?)),
            _ => {}
        }
    }
    let missing = |kind| {
        Err(ParseError::Missing {
            kind,
            within: "CTA_TUPLE_IP",
        })
    };
    match (s4, d4, s6, d6) {
        (Some(s), Some(d), None, None) => Ok((s.into(), d.into())),
        (None, None, Some(s), Some(d)) => Ok((s.into(), d.into())),
        (None, None, None, None) | (None, Some(_), None, None) => missing(sys::CTA_IP_V4_SRC),
        (Some(_), None, None, None) => missing(sys::CTA_IP_V4_DST),
        (None, None, None, Some(_)) => missing(sys::CTA_IP_V6_SRC),
        (None, None, Some(_), None) => missing(sys::CTA_IP_V6_DST),
        _ => Err(ParseError::InvalidValue {
            kind: sys::CTA_TUPLE_IP,
            why: "addresses of both IPv4 and IPv6",
        }),
    }
}
