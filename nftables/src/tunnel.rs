//! The tunnel object (`NFT_OBJECT_TUNNEL`, `NFTA_TUNNEL_KEY_*`,
//! `net/netfilter/nft_tunnel.c`): the tunnel metadata (id, endpoints,
//! ports, flags, TOS, TTL, VXLAN, ERSPAN or Geneve options) that
//! `tunnel set NAME` attaches to a packet of a netdev chain, for a
//! collect-metadata tunnel device to encapsulate it with.
//!
//! The kernel keeps the object in a `struct ip_tunnel_info` and dumps it
//! from there, in this order:
//!
//! ```text
//! ID be32 | IP { SRC, DST } or IP6 { SRC, DST, FLOWLABEL } | SPORT be16 | DPORT be16 |
//! FLAGS be32 | TOS u8 | TTL u8 | OPTS { VXLAN { GBP } | ERSPAN { VERSION, V1_INDEX | V2_HWID, V2_DIR } |
//!                                      GENEVE { CLASS, TYPE, DATA, CLASS, TYPE, DATA ... } }
//! ```
//!
//! Every field is dumped (0 where none was given, TTL 255 by default, an
//! empty `OPTS` without options), so a dumped object is larger than the
//! request that made it. Geneve options travel differently in each
//! direction: a request gives each option its own
//! `NFTA_TUNNEL_KEY_OPTS_GENEVE` nest, which the kernel parses strictly
//! (`nla_parse_nested`: EINVAL unless the nest carries `NLA_F_NESTED`); a
//! dump writes each in its own nest *without* the flag (Linux 6.18; kernels
//! before the "fix geneve_opt dump" change of 2025 wrote all of them in one
//! nest). [`Geneve`] keeps either form as received;
//! [`TunnelOpts::to_request`] turns a dump's into a request's.

use std::net::{Ipv4Addr, Ipv6Addr};

use nfnl::{Attr, AttrIter, EncodeError, ParseError};
use nfnl_sys as sys;

use crate::wire::{attr_struct, nest, nested_field, put, Field, RawAttr};

bitflags::bitflags! {
    /// `enum nft_tunnel_flags` (`NFTA_TUNNEL_KEY_FLAGS`).
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
    pub struct TunnelFlags: u32 {
        /// `NFT_TUNNEL_F_ZERO_CSUM_TX`: no UDP checksum on transmit.
        const ZERO_CSUM_TX = sys::NFT_TUNNEL_F_ZERO_CSUM_TX;
        /// `NFT_TUNNEL_F_DONT_FRAGMENT`: set the outer don't-fragment bit.
        const DONT_FRAGMENT = sys::NFT_TUNNEL_F_DONT_FRAGMENT;
        /// `NFT_TUNNEL_F_SEQ_NUMBER`: send sequence numbers.
        const SEQ_NUMBER = sys::NFT_TUNNEL_F_SEQ_NUMBER;
        // Unknown bits round-trip (the kernel refuses them on input: EOPNOTSUPP).
        const _ = !0;
    }
}

impl Field for TunnelFlags {
    fn decode(a: &Attr<'_>) -> Result<Self, ParseError> {
        a.get_be32().map(TunnelFlags::from_bits_retain)
    }
    fn encode(&self, kind: u16, w: &mut Vec<u8>) -> Result<(), EncodeError> {
        put(w, kind, &self.bits().to_be_bytes())
    }
}

/// An IPv4 address: 4 bytes in network order (`nla_put_in_addr`).
impl Field for Ipv4Addr {
    fn decode(a: &Attr<'_>) -> Result<Self, ParseError> {
        a.get_array::<4>().map(Ipv4Addr::from)
    }
    fn encode(&self, kind: u16, w: &mut Vec<u8>) -> Result<(), EncodeError> {
        put(w, kind, &self.octets())
    }
}

/// An IPv6 address: 16 bytes (`nla_put_in6_addr`).
impl Field for Ipv6Addr {
    fn decode(a: &Attr<'_>) -> Result<Self, ParseError> {
        a.get_array::<16>().map(Ipv6Addr::from)
    }
    fn encode(&self, kind: u16, w: &mut Vec<u8>) -> Result<(), EncodeError> {
        put(w, kind, &self.octets())
    }
}

attr_struct! {
    /// IPv4 endpoints of the tunnel (`NFTA_TUNNEL_KEY_IP`:
    /// `NFTA_TUNNEL_KEY_IP_*`); the kernel needs the destination.
    pub struct TunnelIp {
        /// `NFTA_TUNNEL_KEY_IP_SRC`.
        src: Ipv4Addr = sys::NFTA_TUNNEL_KEY_IP_SRC,
        /// `NFTA_TUNNEL_KEY_IP_DST`.
        dst: Ipv4Addr = sys::NFTA_TUNNEL_KEY_IP_DST,
    }
}
nested_field!(TunnelIp);

attr_struct! {
    /// IPv6 endpoints of the tunnel (`NFTA_TUNNEL_KEY_IP6`:
    /// `NFTA_TUNNEL_KEY_IP6_*`); the kernel needs the destination.
    pub struct TunnelIp6 {
        /// `NFTA_TUNNEL_KEY_IP6_SRC`.
        src: Ipv6Addr = sys::NFTA_TUNNEL_KEY_IP6_SRC,
        /// `NFTA_TUNNEL_KEY_IP6_DST`.
        dst: Ipv6Addr = sys::NFTA_TUNNEL_KEY_IP6_DST,
        /// `NFTA_TUNNEL_KEY_IP6_FLOWLABEL` (the 32-bit word as sent,
        /// `__be32` in the kernel).
        flowlabel: u32 = sys::NFTA_TUNNEL_KEY_IP6_FLOWLABEL,
    }
}
nested_field!(TunnelIp6);

attr_struct! {
    /// VXLAN options (`NFTA_TUNNEL_KEY_OPTS_VXLAN`: `NFTA_TUNNEL_KEY_VXLAN_*`).
    pub struct TunnelVxlan {
        /// `NFTA_TUNNEL_KEY_VXLAN_GBP`: the group based policy id (required).
        gbp: u32 = sys::NFTA_TUNNEL_KEY_VXLAN_GBP,
    }
}

attr_struct! {
    /// ERSPAN options (`NFTA_TUNNEL_KEY_OPTS_ERSPAN`:
    /// `NFTA_TUNNEL_KEY_ERSPAN_*`): version 1 with an index, or version 2
    /// with a hardware id and a direction.
    pub struct TunnelErspan {
        /// `NFTA_TUNNEL_KEY_ERSPAN_VERSION` (1 or 2; required).
        version: u32 = sys::NFTA_TUNNEL_KEY_ERSPAN_VERSION,
        /// `NFTA_TUNNEL_KEY_ERSPAN_V1_INDEX` (`__be32` in the kernel).
        v1_index: u32 = sys::NFTA_TUNNEL_KEY_ERSPAN_V1_INDEX,
        /// `NFTA_TUNNEL_KEY_ERSPAN_V2_HWID` (6 bits).
        v2_hwid: u8 = sys::NFTA_TUNNEL_KEY_ERSPAN_V2_HWID,
        /// `NFTA_TUNNEL_KEY_ERSPAN_V2_DIR` (0 ingress, 1 egress).
        v2_dir: u8 = sys::NFTA_TUNNEL_KEY_ERSPAN_V2_DIR,
    }
}

/// One Geneve option (`NFTA_TUNNEL_KEY_GENEVE_CLASS`, `_TYPE`, `_DATA`,
/// all three required).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GeneveOpt {
    /// `NFTA_TUNNEL_KEY_GENEVE_CLASS`: the option class.
    pub class: u16,
    /// `NFTA_TUNNEL_KEY_GENEVE_TYPE`: the option type.
    pub kind: u8,
    /// `NFTA_TUNNEL_KEY_GENEVE_DATA`: the option data, a multiple of 4
    /// bytes (at most 124; all options together fit
    /// `IP_TUNNEL_OPTS_MAX`).
    pub data: Vec<u8>,
}

/// One `NFTA_TUNNEL_KEY_OPTS_GENEVE` nest: its options as
/// `CLASS, TYPE, DATA` triples.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Geneve {
    /// The options (one per nest; older kernels dumped all in one).
    pub opts: Vec<GeneveOpt>,
    /// Whether the nest header carries `NLA_F_NESTED`: the kernel refuses
    /// a Geneve nest without it (EINVAL), and dumps it without. `true` by
    /// default.
    pub nested_flag: bool,
}

impl Default for Geneve {
    fn default() -> Self {
        Geneve {
            opts: Vec::new(),
            nested_flag: true,
        }
    }
}

impl Geneve {
    /// Decodes the nest's payload: `Ok(None)` when it is not a sequence of
    /// `CLASS, TYPE, DATA` triples (then kept raw).
    fn decode_area(area: &[u8]) -> Result<Option<Vec<GeneveOpt>>, ParseError> {
        let attrs = AttrIter::new(area).collect::<Result<Vec<_>, _>>()?;
        let mut out = Vec::with_capacity(attrs.len() / 3);
        for t in attrs.chunks(3) {
            let [c, k, d] = t else { return Ok(None) };
            if (c.kind(), k.kind(), d.kind())
                != (
                    sys::NFTA_TUNNEL_KEY_GENEVE_CLASS,
                    sys::NFTA_TUNNEL_KEY_GENEVE_TYPE,
                    sys::NFTA_TUNNEL_KEY_GENEVE_DATA,
                )
                || t.iter().any(|a| !a.flags().is_empty())
            {
                return Ok(None);
            }
            out.push(GeneveOpt {
                class: c.get_be16()?,
                kind: k.get_u8()?,
                data: d.payload().to_vec(),
            });
        }
        Ok(Some(out))
    }

    fn encode_area(&self, w: &mut Vec<u8>) -> Result<(), EncodeError> {
        for o in &self.opts {
            o.class.encode(sys::NFTA_TUNNEL_KEY_GENEVE_CLASS, w)?;
            o.kind.encode(sys::NFTA_TUNNEL_KEY_GENEVE_TYPE, w)?;
            o.data.encode(sys::NFTA_TUNNEL_KEY_GENEVE_DATA, w)?;
        }
        Ok(())
    }
}

/// One entry of `NFTA_TUNNEL_KEY_OPTS`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TunnelOpt {
    /// `NFTA_TUNNEL_KEY_OPTS_VXLAN`.
    Vxlan(TunnelVxlan),
    /// `NFTA_TUNNEL_KEY_OPTS_ERSPAN`.
    Erspan(TunnelErspan),
    /// `NFTA_TUNNEL_KEY_OPTS_GENEVE` (may repeat in a request).
    Geneve(Geneve),
    /// Another entry (a newer kernel's), or one laid out otherwise: kept
    /// as received.
    Raw(RawAttr),
}

/// The tunnel options (`NFTA_TUNNEL_KEY_OPTS`): VXLAN, ERSPAN, or one or
/// more Geneve nests; none in a dump of an object without options.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TunnelOpts(pub Vec<TunnelOpt>);

impl Field for TunnelOpts {
    fn decode(a: &Attr<'_>) -> Result<Self, ParseError> {
        let mut out = Vec::new();
        for e in a.nested() {
            let e = e?;
            let nested = e.flags().contains(nfnl::AttrFlags::NESTED);
            let typed = match e.kind() {
                sys::NFTA_TUNNEL_KEY_OPTS_VXLAN if !nested => {
                    Some(TunnelOpt::Vxlan(TunnelVxlan::decode_area(e.payload())?))
                }
                sys::NFTA_TUNNEL_KEY_OPTS_ERSPAN if !nested => {
                    Some(TunnelOpt::Erspan(TunnelErspan::decode_area(e.payload())?))
                }
                sys::NFTA_TUNNEL_KEY_OPTS_GENEVE => Geneve::decode_area(e.payload())?.map(|opts| {
                    TunnelOpt::Geneve(Geneve {
                        opts,
                        nested_flag: nested,
                    })
                }),
                _ => None,
            };
            out.push(typed.unwrap_or_else(|| TunnelOpt::Raw(RawAttr::from_attr(&e))));
        }
        Ok(TunnelOpts(out))
    }
    fn encode(&self, kind: u16, w: &mut Vec<u8>) -> Result<(), EncodeError> {
        nest(w, kind, |w| {
            self.0.iter().try_for_each(|o| match o {
                TunnelOpt::Vxlan(v) => {
                    nest(w, sys::NFTA_TUNNEL_KEY_OPTS_VXLAN, |w| v.encode_area(w))
                }
                TunnelOpt::Erspan(e) => {
                    nest(w, sys::NFTA_TUNNEL_KEY_OPTS_ERSPAN, |w| e.encode_area(w))
                }
                TunnelOpt::Geneve(g) => {
                    let flag = if g.nested_flag { sys::NLA_F_NESTED } else { 0 };
                    nest(w, sys::NFTA_TUNNEL_KEY_OPTS_GENEVE | flag, |w| {
                        g.encode_area(w)
                    })
                }
                TunnelOpt::Raw(r) => put(w, r.kind, &r.payload),
            })
        })
    }
}

impl TunnelOpts {
    /// The options as a request carries them: each Geneve option in its
    /// own nest with `NLA_F_NESTED` (a dump's nests lack the flag, which
    /// the kernel refuses on input).
    pub fn to_request(&self) -> Self {
        let mut out = Vec::with_capacity(self.0.len());
        for o in &self.0 {
            match o {
                TunnelOpt::Geneve(g) => out.extend(g.opts.iter().map(|o| {
                    TunnelOpt::Geneve(Geneve {
                        opts: vec![o.clone()],
                        nested_flag: true,
                    })
                })),
                o => out.push(o.clone()),
            }
        }
        TunnelOpts(out)
    }

    /// Every Geneve option, in order, whichever nests hold them.
    pub fn geneve(&self) -> impl Iterator<Item = &GeneveOpt> + '_ {
        self.0.iter().flat_map(|o| match o {
            TunnelOpt::Geneve(g) => g.opts.as_slice(),
            _ => &[],
        })
    }
}

attr_struct! {
    /// The data of a tunnel object (`NFT_OBJECT_TUNNEL`,
    /// `NFTA_TUNNEL_KEY_*`), in the kernel's dump order. The kernel needs
    /// the id and one of the endpoint nests; it takes the object in
    /// netdev tables only (`NFPROTO_NETDEV`), and defaults the TTL to 255.
    pub struct TunnelKey {
        /// `NFTA_TUNNEL_KEY_ID`: the tunnel id (VNI, ...).
        id: u32 = sys::NFTA_TUNNEL_KEY_ID,
        /// `NFTA_TUNNEL_KEY_IP`: IPv4 endpoints.
        ip: TunnelIp = sys::NFTA_TUNNEL_KEY_IP,
        /// `NFTA_TUNNEL_KEY_IP6`: IPv6 endpoints.
        ip6: TunnelIp6 = sys::NFTA_TUNNEL_KEY_IP6,
        /// `NFTA_TUNNEL_KEY_SPORT`: outer source port.
        sport: u16 = sys::NFTA_TUNNEL_KEY_SPORT,
        /// `NFTA_TUNNEL_KEY_DPORT`: outer destination port.
        dport: u16 = sys::NFTA_TUNNEL_KEY_DPORT,
        /// `NFTA_TUNNEL_KEY_FLAGS`.
        flags: TunnelFlags = sys::NFTA_TUNNEL_KEY_FLAGS,
        /// `NFTA_TUNNEL_KEY_TOS`: outer type of service.
        tos: u8 = sys::NFTA_TUNNEL_KEY_TOS,
        /// `NFTA_TUNNEL_KEY_TTL`: outer time to live.
        ttl: u8 = sys::NFTA_TUNNEL_KEY_TTL,
        /// `NFTA_TUNNEL_KEY_OPTS`.
        opts: TunnelOpts = sys::NFTA_TUNNEL_KEY_OPTS,
    }
}

impl TunnelKey {
    /// The object's data as a request carries it (Geneve options each in
    /// a flagged nest: [`TunnelOpts::to_request`]).
    pub fn to_request(&self) -> Self {
        TunnelKey {
            opts: self.opts.as_ref().map(TunnelOpts::to_request),
            ..self.clone()
        }
    }
}
