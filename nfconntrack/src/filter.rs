//! Dump and flush filters.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use nfnl::{EncodeError, MsgBuilder};
use nfnl_sys as sys;

use crate::error::Error;
use crate::flow::{Flow, Labels};
use crate::protoinfo::TcpState;
use crate::status::Status;
use crate::tuple::{Family, Tuple, L4};
use nfnl::IpProto;

// `CTA_FILTER_F_*`: defined in nf_conntrack_netlink.c, not in a uapi header,
// so not part of nfnl-sys. Bit n is `CTA_FILTER_FLAG(x)` of the kernel.
const F_IP_SRC: u32 = 1 << 0;
const F_IP_DST: u32 = 1 << 1;
/// `CTA_FILTER_F_CTA_TUPLE_ZONE`: the tuple's `CTA_TUPLE_ZONE` (the zone of
/// one direction).
const F_TUPLE_ZONE: u32 = 1 << 2;
pub(crate) const F_PROTO_NUM: u32 = 1 << 3;
const F_PROTO_SRC_PORT: u32 = 1 << 4;
const F_PROTO_DST_PORT: u32 = 1 << 5;
const F_ICMP_TYPE: u32 = 1 << 6;
const F_ICMP_CODE: u32 = 1 << 7;
const F_ICMP_ID: u32 = 1 << 8;
const F_ICMPV6_TYPE: u32 = 1 << 9;
const F_ICMPV6_CODE: u32 = 1 << 10;
const F_ICMPV6_ID: u32 = 1 << 11;

fn ok<T: PartialEq>(want: Option<T>, have: T) -> bool {
    want.is_none_or(|w| w == have)
}

/// The attribute type and `CTA_FILTER` bit of the ICMP id, type and code
/// for protocol `p`: ICMPv6 has its own set of both.
fn icmp_fields(p: Option<IpProto>) -> [(u16, u32); 3] {
    if p == Some(IpProto::ICMPV6) {
        [
            (sys::CTA_PROTO_ICMPV6_ID, F_ICMPV6_ID),
            (sys::CTA_PROTO_ICMPV6_TYPE, F_ICMPV6_TYPE),
            (sys::CTA_PROTO_ICMPV6_CODE, F_ICMPV6_CODE),
        ]
    } else {
        [
            (sys::CTA_PROTO_ICMP_ID, F_ICMP_ID),
            (sys::CTA_PROTO_ICMP_TYPE, F_ICMP_TYPE),
            (sys::CTA_PROTO_ICMP_CODE, F_ICMP_CODE),
        ]
    }
}

/// True if `have` equals `want` in the bits of `mask` (all bits without a
/// mask); addresses of different families never match.
fn addr_ok(want: Option<IpAddr>, mask: Option<IpAddr>, have: IpAddr) -> bool {
    let Some(want) = want else { return true };
    let bits = |a: IpAddr| match a {
        IpAddr::V4(a) => u128::from(u32::from(a)),
        IpAddr::V6(a) => u128::from(a),
    };
    if want.is_ipv4() != have.is_ipv4() {
        return false;
    }
    let m = mask.map_or(u128::MAX, bits);
    bits(want) & m == bits(have) & m
}

/// True if `mask` is absent or all ones (the address is compared exactly).
fn exact_mask(mask: Option<IpAddr>) -> bool {
    match mask {
        None => true,
        Some(IpAddr::V4(m)) => m == Ipv4Addr::BROADCAST,
        Some(IpAddr::V6(m)) => u128::from(m) == u128::MAX,
    }
}

/// The netmask of a prefix length for `addr`'s family (`10.0.0.0/8` ->
/// `255.0.0.0`), as `conntrack -s ADDR/LEN` uses it; `None` if `len` is
/// longer than the address.
///
/// ```
/// use nfnl_conntrack::prefix_mask;
/// assert_eq!(prefix_mask(&"10.0.0.0".parse()?, 8), Some("255.0.0.0".parse()?));
/// assert_eq!(prefix_mask(&"2001:db8::".parse()?, 32), Some("ffff:ffff::".parse()?));
/// assert_eq!(prefix_mask(&"10.0.0.0".parse()?, 33), None);
/// # Ok::<(), std::net::AddrParseError>(())
/// ```
pub fn prefix_mask(addr: &IpAddr, len: u8) -> Option<IpAddr> {
    let ones = |width: u32| -> Option<u128> {
        let len = u32::from(len);
        (len <= width).then(|| u128::MAX.checked_shl(width - len).unwrap_or(0))
    };
    Some(match addr {
        IpAddr::V4(_) => {
            let m = ones(32)? & u128::from(u32::MAX);
            IpAddr::V4(Ipv4Addr::from(u32::try_from(m).ok()?))
        }
        IpAddr::V6(_) => IpAddr::V6(Ipv6Addr::from(ones(128)?)),
    })
}

bitflags::bitflags! {
    /// Filter criteria the kernel can evaluate (`ctnetlink_filter_match`),
    /// as a set: those the running kernel evaluates correctly are sent to
    /// it, the others are matched in user space only (see
    /// [`crate::probe`]).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
    pub struct Criteria: u32 {
        /// Exact IPv4 addresses (`CTA_FILTER_F_CTA_IP_SRC`/`_DST`).
        const IPV4_ADDR = 1 << 0;
        /// Exact IPv6 addresses.
        const IPV6_ADDR = 1 << 1;
        /// The protocol number (`CTA_FILTER_F_CTA_PROTO_NUM`).
        const PROTO = 1 << 2;
        /// TCP/UDP ports.
        const PORTS = 1 << 3;
        /// ICMP/ICMPv6 type, code and id.
        const ICMP = 1 << 4;
        /// Mark and mask (`CTA_MARK`, `CTA_MARK_MASK`).
        const MARK = 1 << 5;
        /// Status and mask (`CTA_STATUS`, `CTA_STATUS_MASK`).
        const STATUS = 1 << 6;
        /// Zone (`CTA_ZONE`).
        const ZONE = 1 << 7;
        /// The zone of one direction (`CTA_TUPLE_ZONE` in the original or
        /// reply tuple, with `CTA_FILTER_F_CTA_TUPLE_ZONE`; `conntrack
        /// --orig-zone`/`--reply-zone`).
        const TUPLE_ZONE = 1 << 8;
    }
}

impl Criteria {
    /// What is trusted when the kernel cannot be probed: everything but
    /// IPv6 addresses, which `ctnetlink_filter_match_tuple` compares
    /// inverted from 5.8 to at least 6.18, and directional zones, which
    /// `ctnetlink_alloc_filter` parses into the filter's zone but
    /// `ctnetlink_filter_match` never compares (6.18 returns every entry;
    /// with `CTA_ZONE` as well it answers `EINVAL`).
    pub const STATIC: Criteria = Criteria::all()
        .difference(Criteria::IPV6_ADDR)
        .difference(Criteria::TUPLE_ZONE);
}

/// Fields of one tuple to match; `None` matches anything.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TupleFilter {
    /// Source address (exact unless [`TupleFilter::src_mask`] is set).
    pub src: Option<IpAddr>,
    /// Netmask for [`TupleFilter::src`] (`conntrack --mask-src`, or the
    /// prefix of `-s ADDR/LEN` through [`prefix_mask`]); matched in user
    /// space.
    pub src_mask: Option<IpAddr>,
    /// Destination address (exact unless [`TupleFilter::dst_mask`] is set).
    pub dst: Option<IpAddr>,
    /// Netmask for [`TupleFilter::dst`] (`--mask-dst`).
    pub dst_mask: Option<IpAddr>,
    /// Directional zone of this tuple (`CTA_TUPLE_ZONE`; `conntrack
    /// --orig-zone`/`--reply-zone`), 0 when the tuple has none. Sent to the
    /// kernel only where it is known to evaluate it ([`Criteria::TUPLE_ZONE`]),
    /// and only for one direction and without [`Filter::zone`] (the kernel
    /// keeps one zone per filter).
    pub zone: Option<u16>,
    /// IP protocol number.
    pub proto: Option<IpProto>,
    /// Source port (port-based protocols).
    pub src_port: Option<u16>,
    /// Destination port.
    pub dst_port: Option<u16>,
    /// ICMP/ICMPv6 type.
    pub icmp_type: Option<u8>,
    /// ICMP/ICMPv6 code.
    pub icmp_code: Option<u8>,
    /// ICMP/ICMPv6 identifier.
    pub icmp_id: Option<u16>,
}

impl TupleFilter {
    /// True if no field is set.
    pub fn is_empty(&self) -> bool {
        *self == TupleFilter::default()
    }

    /// True if `t` has every set field.
    pub fn matches(&self, t: &Tuple) -> bool {
        if !addr_ok(self.src, self.src_mask, t.src)
            || !addr_ok(self.dst, self.dst_mask, t.dst)
            || !ok(self.proto, t.proto.proto())
            || !ok(self.zone, t.zone.unwrap_or(0))
        {
            return false;
        }
        match t.proto {
            L4::Ports { src, dst, .. } => {
                ok(self.src_port, src)
                    && ok(self.dst_port, dst)
                    && self.icmp_type.is_none()
                    && self.icmp_code.is_none()
                    && self.icmp_id.is_none()
            }
            L4::Icmp { id, kind, code } | L4::IcmpV6 { id, kind, code } => {
                ok(self.icmp_type, kind)
                    && ok(self.icmp_code, code)
                    && ok(self.icmp_id, id)
                    && self.src_port.is_none()
                    && self.dst_port.is_none()
            }
            L4::Other { .. } => {
                self.src_port.is_none()
                    && self.dst_port.is_none()
                    && self.icmp_type.is_none()
                    && self.icmp_code.is_none()
                    && self.icmp_id.is_none()
            }
        }
    }

    fn family(&self) -> Option<Family> {
        self.src.or(self.dst).map(|a| Family::of(&a))
    }

    /// Every address and mask set.
    fn addrs(&self) -> [Option<IpAddr>; 4] {
        [self.src, self.src_mask, self.dst, self.dst_mask]
    }

    /// The fields the kernel evaluates, and correctly (`trust`): never
    /// masked addresses; ports and ICMP fields only with the protocol (the
    /// kernel reads them only then).
    fn kernel_part(&self, trust: Criteria) -> TupleFilter {
        let addr = |a: Option<IpAddr>, m| {
            a.filter(|a| {
                let c = if a.is_ipv4() {
                    Criteria::IPV4_ADDR
                } else {
                    Criteria::IPV6_ADDR
                };
                exact_mask(m) && trust.contains(c)
            })
        };
        let with_proto = |c: Criteria| trust.contains(Criteria::PROTO | c);
        TupleFilter {
            src: addr(self.src, self.src_mask),
            src_mask: None,
            dst: addr(self.dst, self.dst_mask),
            dst_mask: None,
            zone: self.zone.filter(|_| trust.contains(Criteria::TUPLE_ZONE)),
            proto: self.proto.filter(|_| trust.contains(Criteria::PROTO)),
            src_port: self.src_port.filter(|_| with_proto(Criteria::PORTS)),
            dst_port: self.dst_port.filter(|_| with_proto(Criteria::PORTS)),
            icmp_type: self.icmp_type.filter(|_| with_proto(Criteria::ICMP)),
            icmp_code: self.icmp_code.filter(|_| with_proto(Criteria::ICMP)),
            icmp_id: self.icmp_id.filter(|_| with_proto(Criteria::ICMP)),
        }
    }

    /// True if the kernel evaluates exactly these fields: it compares ports
    /// only for TCP and UDP and ICMP fields only for ICMP/ICMPv6
    /// (`ctnetlink_filter_match_tuple`) and needs a protocol for either.
    fn kernel_exact(&self) -> bool {
        let ports = self.src_port.is_some() || self.dst_port.is_some();
        let icmp = self.icmp_type.is_some() || self.icmp_code.is_some() || self.icmp_id.is_some();
        match self.proto {
            None => !ports && !icmp,
            Some(IpProto::TCP | IpProto::UDP) => !icmp,
            Some(IpProto::ICMP | IpProto::ICMPV6) => !ports,
            Some(_) => !ports && !icmp,
        }
    }

    fn flags(&self) -> u32 {
        let [(_, f_id), (_, f_type), (_, f_code)] = icmp_fields(self.proto);
        [
            (self.src.is_some(), F_IP_SRC),
            (self.dst.is_some(), F_IP_DST),
            (self.zone.is_some(), F_TUPLE_ZONE),
            (self.proto.is_some(), F_PROTO_NUM),
            (self.src_port.is_some(), F_PROTO_SRC_PORT),
            (self.dst_port.is_some(), F_PROTO_DST_PORT),
            (self.icmp_type.is_some(), f_type),
            (self.icmp_code.is_some(), f_code),
            (self.icmp_id.is_some(), f_id),
        ]
        .into_iter()
        .filter(|&(set, _)| set)
        .fold(0, |f, (_, bit)| f | bit)
    }

    fn encode(&self, kind: u16, family: Family, b: &mut MsgBuilder) -> Result<(), EncodeError> {
        b.nest(kind, |b| {
            if self.src.is_some() || self.dst.is_some() {
                b.nest(sys::CTA_TUPLE_IP, |b| {
                    let (s_kind, d_kind) = match family {
                        Family::Ipv6 => (sys::CTA_IP_V6_SRC, sys::CTA_IP_V6_DST),
                        _ => (sys::CTA_IP_V4_SRC, sys::CTA_IP_V4_DST),
                    };
                    for (addr, k) in [(self.src, s_kind), (self.dst, d_kind)] {
                        match addr {
                            Some(IpAddr::V4(a)) => {
                                b.put_bytes(k, &a.octets())?;
                            }
                            Some(IpAddr::V6(a)) => {
                                b.put_bytes(k, &a.octets())?;
                            }
                            None => {}
                        }
                    }
                    Ok(())
                })?;
            }
            if let Some(p) = self.proto {
                b.nest(sys::CTA_TUPLE_PROTO, |b| {
                    b.put_u8(sys::CTA_PROTO_NUM, p.0);
                    if let Some(v) = self.src_port {
                        b.put_be16(sys::CTA_PROTO_SRC_PORT, v);
                    }
                    if let Some(v) = self.dst_port {
                        b.put_be16(sys::CTA_PROTO_DST_PORT, v);
                    }
                    let [(k_id, _), (k_type, _), (k_code, _)] = icmp_fields(Some(p));
                    if let Some(v) = self.icmp_id {
                        b.put_be16(k_id, v);
                    }
                    if let Some(v) = self.icmp_type {
                        b.put_u8(k_type, v);
                    }
                    if let Some(v) = self.icmp_code {
                        b.put_u8(k_code, v);
                    }
                    Ok(())
                })?;
            }
            if let Some(z) = self.zone {
                b.put_be16(sys::CTA_TUPLE_ZONE, z);
            }
            Ok(())
        })?;
        Ok(())
    }
}

/// The translation a NAT criterion asks for: the address and/or port the
/// entry is translated to (`conntrack --src-nat/--dst-nat/--any-nat
/// [ADDR[:PORT]]`). Both `None`: any translation.
///
/// The kernel reports NAT only through the tuples and the status
/// ([`Flow::source_translation`]). As the `conntrack` tool reads them,
/// source NAT to `ADDR:PORT` is an entry with [`Status::SRC_NAT_DONE`]
/// whose reply destination is `ADDR` (and differs from the original
/// source) and whose reply destination port is `PORT` (and differs from
/// the original source port); with neither given, one of the two differs.
/// Destination NAT is the same with [`Status::DST_NAT_DONE`], the reply
/// source and the original destination. Ports are those of port-based
/// protocols.
///
/// NOTE(tool): conntrack-tools 1.4.7 ignores an IPv6 `ADDR` (it compares
/// only IPv4 NAT addresses, so `--src-nat 2001:db8::99` lists every
/// source-NAT-ed IPv6 entry); here IPv6 addresses are compared like IPv4
/// ones, which is what the tool gives with `--src-nat -q ADDR` (reply
/// destination) and `--dst-nat -r ADDR` (reply source).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct NatTarget {
    /// The translated address.
    pub addr: Option<IpAddr>,
    /// The translated port.
    pub port: Option<u16>,
}

impl NatTarget {
    /// Translated to `addr`, any port.
    pub fn addr(addr: IpAddr) -> Self {
        NatTarget {
            addr: Some(addr),
            port: None,
        }
    }

    /// Also translated to `port`.
    #[must_use]
    pub fn with_port(mut self, port: u16) -> Self {
        self.port = Some(port);
        self
    }

    /// True if the endpoint `from` is translated to `to`, as this target
    /// asks: each field given is the translated one and differs from the
    /// original; with none given, something differs.
    fn matches(&self, from: (IpAddr, Option<u16>), to: (IpAddr, Option<u16>)) -> bool {
        if self.addr.is_none() && self.port.is_none() {
            return from != to;
        }
        self.addr.is_none_or(|a| to.0 == a && from.0 != a)
            && self
                .port
                .is_none_or(|p| to.1 == Some(p) && from.1.is_some_and(|f| f != p))
    }
}

/// Entries with network address translation (`conntrack -n/--src-nat`,
/// `-g/--dst-nat`, `-j/--any-nat`, each with an optional `ADDR[:PORT]`);
/// see [`NatTarget`] for what a translation to an address and port is.
///
/// Matched in user space: the kernel has no NAT criterion, and an OR of
/// criteria ([`NatFilter::Either`]) none at all. A dump is narrowed in the
/// kernel by what every match must have, where the kernel is trusted with
/// it ([`Criteria`]): the status bits ([`Status::SRC_NAT_DONE`],
/// [`Status::DST_NAT_DONE`]) and the reply tuple's translated address; a
/// filtered flush is never left to the kernel (dump, then batched deletes).
///
/// ```
/// use nfnl_conntrack::{Filter, Flow, NatFilter, NatTarget, Status, Tuple, L4};
/// let orig = Tuple::new("10.0.0.5".parse()?, "10.0.0.2".parse()?, L4::udp(5000, 53))?;
/// let mut f = Flow::new(orig);
/// f.reply = Some(Tuple::new("10.0.0.2".parse()?, "192.0.2.9".parse()?, L4::udp(53, 5000))?);
/// f.status = Some(Status::SRC_NAT | Status::SRC_NAT_DONE | Status::DST_NAT_DONE);
/// let to = NatTarget::addr("192.0.2.9".parse()?);
/// assert!(Filter::new().nat(NatFilter::Either(to)).matches(&f)); // --any-nat 192.0.2.9
/// assert!(Filter::new().nat(NatFilter::Source(to)).matches(&f));
/// assert!(!Filter::new().nat(NatFilter::Destination(to)).matches(&f));
/// assert!(!Filter::new().nat(NatFilter::Either(to.with_port(6000))).matches(&f));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NatFilter {
    /// Source NAT to the target (`--src-nat [ADDR[:PORT]]`).
    Source(NatTarget),
    /// Destination NAT to the target (`--dst-nat [ADDR[:PORT]]`).
    Destination(NatTarget),
    /// Source NAT to `src` and destination NAT to `dst` (`--src-nat
    /// [ADDR[:PORT]] --dst-nat [ADDR[:PORT]]`).
    Both {
        /// The source translation.
        src: NatTarget,
        /// The destination translation.
        dst: NatTarget,
    },
    /// Source NAT to the target or destination NAT to it (`--any-nat
    /// [ADDR[:PORT]]`).
    Either(NatTarget),
}

impl NatFilter {
    /// True if `flow` has the translation(s) asked for.
    pub fn matches(&self, flow: &Flow) -> bool {
        let status = flow.status.unwrap_or_default();
        let (Some(o), Some(r)) = (flow.orig, flow.reply) else {
            return false;
        };
        let end = |t: &Tuple, src: bool| {
            let ports = t.proto.ports();
            if src {
                (t.src, ports.map(|p| p.0))
            } else {
                (t.dst, ports.map(|p| p.1))
            }
        };
        let snat = |t: &NatTarget| {
            status.contains(Status::SRC_NAT_DONE) && t.matches(end(&o, true), end(&r, false))
        };
        let dnat = |t: &NatTarget| {
            status.contains(Status::DST_NAT_DONE) && t.matches(end(&o, false), end(&r, true))
        };
        match self {
            NatFilter::Source(t) => snat(t),
            NatFilter::Destination(t) => dnat(t),
            NatFilter::Both { src, dst } => snat(src) && dnat(dst),
            NatFilter::Either(t) => snat(t) || dnat(t),
        }
    }

    /// The source and destination targets every match has (`None` for
    /// [`NatFilter::Either`], which requires neither).
    fn required(&self) -> (Option<NatTarget>, Option<NatTarget>) {
        match *self {
            NatFilter::Source(t) => (Some(t), None),
            NatFilter::Destination(t) => (None, Some(t)),
            NatFilter::Both { src, dst } => (Some(src), Some(dst)),
            NatFilter::Either(_) => (None, None),
        }
    }

    /// Every address given.
    fn addrs(&self) -> [Option<IpAddr>; 2] {
        match *self {
            NatFilter::Source(t) | NatFilter::Destination(t) | NatFilter::Either(t) => {
                [t.addr, None]
            }
            NatFilter::Both { src, dst } => [src.addr, dst.addr],
        }
    }
}

/// What to select in a dump or filtered flush. All set parts must match.
///
/// The kernel evaluates filters in `ctnetlink_filter_match`
/// (`net/netfilter/nf_conntrack_netlink.c`): family, mark and mask
/// (`CTA_MARK`/`CTA_MARK_MASK`), status and mask (`CTA_STATUS`/`CTA_STATUS_MASK`),
/// zone (`CTA_ZONE`) and selected fields of the original and reply tuples
/// (`CTA_FILTER` with `CTA_FILTER_ORIG_FLAGS`/`CTA_FILTER_REPLY_FLAGS`).
/// Older kernels ignore parts of it, so [`Filter::matches`] applies the
/// same filter in user space to every dumped entry: the result never
/// depends on what the kernel supports.
///
/// # Which criteria go to the kernel
/// A dump may only be narrowed by the kernel (user space checks again), but
/// a filtered flush is carried out by the kernel alone, so a criterion the
/// kernel gets wrong deletes the wrong flows. A criterion is sent only if
/// the running kernel is known to evaluate it correctly ([`Criteria`]):
/// [`crate::probe`] establishes that, once per process and criterion, in a
/// private network namespace (never touching the caller's table); where it
/// cannot run, [`Criteria::STATIC`] applies: family, mark and mask, status and mask
/// (non-empty mask), zone, IPv4 addresses, protocol number, TCP/UDP ports,
/// ICMP/ICMPv6 type, code and id, each read in `ctnetlink_filter_match` and
/// tested against `conntrack -L`/`-D` on IPv4 and IPv6.
/// Always matched in user space, because the kernel has no such criterion:
/// masked addresses (CIDR), "any of these status bits", the TCP state and
/// labels.
///
/// NOTE(kernel): a directional zone ([`TupleFilter::zone`]) has a kernel
/// criterion, `CTA_TUPLE_ZONE` in the tuple with `CTA_FILTER_F_CTA_TUPLE_ZONE`
/// ([`Criteria::TUPLE_ZONE`]): `ctnetlink_alloc_filter` accepts it, but on
/// 6.18 `ctnetlink_filter_match` never compares it and every entry comes
/// back. It is sent only where the probe finds it right, never with
/// [`Filter::zone`] (the kernel answers `EINVAL`: one zone per filter) or
/// for both directions at once.
///
/// NOTE(kernel): `ctnetlink_filter_match_tuple` (every kernel since
/// `CTA_FILTER` appeared in 5.8, still in 6.18) rejects an entry when
/// `!ipv6_addr_cmp(filter, entry)`, i.e. when the IPv6 addresses are
/// *equal*: a dump by IPv6 source returns nothing and a flush by IPv6
/// source deletes every other flow. The probe finds this, and the static
/// rule never sends IPv6 addresses: they are matched in user space (dump,
/// then batched deletes for a flush), which costs a dump of the family,
/// never a wrong delete.
///
/// ```
/// use nfnl_conntrack::{Family, Filter};
/// let f = Filter::new().family(Family::Ipv4).mark(0xff00_0000, 0xff00_0000).zone(123);
/// assert_eq!(f.family, Some(Family::Ipv4));
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Filter {
    /// Address family (`nfgen_family`).
    pub family: Option<Family>,
    /// `(value, mask)`: entries with `mark & mask == value` (`CTA_MARK`, `CTA_MARK_MASK`).
    pub mark: Option<(u32, u32)>,
    /// `(value, mask)`: entries with `status & mask == value` (`CTA_STATUS`, `CTA_STATUS_MASK`).
    pub status: Option<(Status, Status)>,
    /// Zone (`CTA_ZONE`; matches either direction's zone).
    pub zone: Option<u16>,
    /// Original-tuple fields (`CTA_FILTER_ORIG_FLAGS` + `CTA_TUPLE_ORIG`).
    pub orig: TupleFilter,
    /// Reply-tuple fields (`CTA_FILTER_REPLY_FLAGS` + `CTA_TUPLE_REPLY`).
    pub reply: TupleFilter,
    /// Entries with at least one of these status bits; matched in user
    /// space (the kernel's status filter is `status & mask == value`).
    pub status_any: Option<Status>,
    /// Entries with network address translation (`conntrack --src-nat`,
    /// `--dst-nat`, `--any-nat`); see [`NatFilter`].
    pub nat: Option<NatFilter>,
    /// TCP entries in this state (`conntrack --state`); matched in user
    /// space.
    pub tcp_state: Option<TcpState>,
    /// Entries carrying every one of these labels (`conntrack -l`; names
    /// through [`LabelMap::labels`](crate::LabelMap::labels)); matched in
    /// user space.
    pub labels: Option<Labels>,
}

impl Filter {
    /// A filter that matches everything.
    pub fn new() -> Self {
        Filter::default()
    }

    /// Only this family.
    #[must_use]
    pub fn family(mut self, f: Family) -> Self {
        self.family = (f != Family::Any).then_some(f);
        self
    }

    /// Only entries with `mark & mask == value & mask`.
    #[must_use]
    pub fn mark(mut self, value: u32, mask: u32) -> Self {
        self.mark = Some((value & mask, mask));
        self
    }

    /// Only entries with `status & mask == value & mask`.
    #[must_use]
    pub fn status(mut self, value: Status, mask: Status) -> Self {
        self.status = Some((value & mask, mask));
        self
    }

    /// Only entries in `zone`.
    #[must_use]
    pub fn zone(mut self, zone: u16) -> Self {
        self.zone = Some(zone);
        self
    }

    /// Only entries with at least one of the bits of `any`.
    #[must_use]
    pub fn status_any(mut self, any: Status) -> Self {
        self.status_any = Some(any);
        self
    }

    /// Only entries with the translation(s) of `nat`.
    #[must_use]
    pub fn nat(mut self, nat: NatFilter) -> Self {
        self.nat = Some(nat);
        self
    }

    /// Only TCP entries in state `state`.
    #[must_use]
    pub fn tcp_state(mut self, state: TcpState) -> Self {
        self.tcp_state = Some(state);
        self
    }

    /// Only entries with all of `labels`.
    #[must_use]
    pub fn labels(mut self, labels: Labels) -> Self {
        self.labels = Some(labels);
        self
    }

    /// Original-tuple fields to match.
    #[must_use]
    pub fn orig(mut self, t: TupleFilter) -> Self {
        self.orig = t;
        self
    }

    /// Reply-tuple fields to match.
    #[must_use]
    pub fn reply(mut self, t: TupleFilter) -> Self {
        self.reply = t;
        self
    }

    /// True if nothing is selected (the filter matches everything).
    pub fn is_empty(&self) -> bool {
        *self == Filter::default()
    }

    /// The family the kernel request uses: the set family, else the one of
    /// a filtered address (a NAT address included).
    pub fn effective_family(&self) -> Family {
        let nat = self
            .nat
            .and_then(|n| n.addrs().into_iter().flatten().next());
        self.family
            .or(self.orig.family())
            .or(self.reply.family())
            .or(nat.map(|a| Family::of(&a)))
            .unwrap_or(Family::Any)
    }

    /// Checks that the family and every address agree, and returns the
    /// request's family ([`Filter::effective_family`]). A filter mixing
    /// IPv4 and IPv6 matches nothing; it is refused before anything is sent,
    /// as the `conntrack` tool refuses it.
    ///
    /// # Errors
    /// [`Error::MixedFamilies`].
    pub fn check_families(&self) -> Result<Family, Error> {
        let nat = self.nat.map_or([None, None], |n| n.addrs());
        let addrs = self
            .orig
            .addrs()
            .into_iter()
            .chain(self.reply.addrs())
            .chain(nat);
        let fams = addrs.flatten().map(|a| Family::of(&a)).chain(self.family);
        let mut seen = None;
        for f in fams {
            if *seen.get_or_insert(f) != f {
                return Err(Error::MixedFamilies {
                    what: "a filter (its family, addresses and NAT addresses)",
                });
            }
        }
        Ok(self.effective_family())
    }

    /// True if `flow` passes the filter (evaluated in user space, with the
    /// kernel's semantics).
    pub fn matches(&self, flow: &Flow) -> bool {
        if let Some(fam) = self.family {
            if flow.family() != Some(fam) {
                return false;
            }
        }
        if let Some((v, m)) = self.mark {
            if flow.mark.unwrap_or(0) & m != v {
                return false;
            }
        }
        if let Some((v, m)) = self.status {
            if flow.status.unwrap_or_default() & m != v {
                return false;
            }
        }
        if let Some(z) = self.zone {
            if flow.effective_zone() != z {
                return false;
            }
        }
        if let Some(any) = self.status_any {
            if !flow.status.unwrap_or_default().intersects(any) {
                return false;
            }
        }
        if self.nat.is_some_and(|n| !n.matches(flow)) {
            return false;
        }
        if self.tcp_state.is_some() && flow.tcp_state() != self.tcp_state {
            return false;
        }
        if let Some(want) = self.labels {
            let have = flow.labels.unwrap_or_default().bits();
            if have & want.bits() != want.bits() {
                return false;
            }
        }
        if !self.orig.is_empty() && !flow.orig.is_some_and(|t| self.orig.matches(&t)) {
            return false;
        }
        if !self.reply.is_empty() && !flow.reply.is_some_and(|t| self.reply.matches(&t)) {
            return false;
        }
        true
    }

    /// True if the kernel, trusted with `trust`, selects exactly what
    /// [`Filter::matches`] selects from [`Filter::encode`]'s output. Used to
    /// decide whether a filtered flush can be left to the kernel.
    pub fn kernel_exact(&self, trust: Criteria) -> bool {
        let tuples = !self.orig.is_empty() || !self.reply.is_empty();
        let fam_ok = !tuples || self.effective_family() != Family::Any;
        fam_ok
            && self.kernel_part(trust) == *self
            && self.orig.kernel_exact()
            && self.reply.kernel_exact()
            && self.status.is_none_or(|(_, m)| !m.is_empty())
    }

    /// The part of the filter that is sent to the kernel: the criteria in
    /// `trust` (the [`Criteria`] the kernel evaluates correctly, see
    /// [`Conntrack::filter_trust`](crate::Conntrack::filter_trust)); the
    /// rest is matched in user space. The family stays
    /// [`Filter::effective_family`] of the whole filter.
    pub fn kernel_part(&self, trust: Criteria) -> Filter {
        let zone = self.zone.filter(|_| trust.contains(Criteria::ZONE));
        // what every NAT match has: its status bits and translated
        // addresses in the reply tuple (where nothing else is asked of them)
        let (mut status, mut nat_reply) = (self.status, self.reply);
        if let Some(nat) = self.nat {
            let (src, dst) = nat.required();
            let bits = [(src, Status::SRC_NAT_DONE), (dst, Status::DST_NAT_DONE)]
                .into_iter()
                .filter(|(t, _)| t.is_some())
                .fold(Status::empty(), |b, (_, bit)| b | bit);
            if status.is_none() && !bits.is_empty() {
                status = Some((bits, bits));
            }
            if nat_reply.dst.is_none() && nat_reply.dst_mask.is_none() {
                nat_reply.dst = src.and_then(|t| t.addr);
            }
            if nat_reply.src.is_none() && nat_reply.src_mask.is_none() {
                nat_reply.src = dst.and_then(|t| t.addr);
            }
        }
        let (mut orig, mut reply) = (self.orig.kernel_part(trust), nat_reply.kernel_part(trust));
        // the kernel keeps one zone per filter (`ctnetlink_parse_tuple_zone`
        // writes the one `CTA_ZONE` fills; both give EINVAL): a directional
        // zone goes alone
        if zone.is_some() || (orig.zone.is_some() && reply.zone.is_some()) {
            (orig.zone, reply.zone) = (None, None);
        }
        Filter {
            mark: self.mark.filter(|_| trust.contains(Criteria::MARK)),
            status: status.filter(|_| trust.contains(Criteria::STATUS)),
            zone,
            orig,
            reply,
            status_any: None,
            nat: None,
            tcp_state: None,
            labels: None,
            ..*self
        }
    }

    /// The kernel criteria this filter uses (what [`Filter::kernel_part`]
    /// would send if the kernel were trusted with everything).
    pub fn criteria(&self) -> Criteria {
        let k = self.kernel_part(Criteria::all());
        let mut c = Criteria::empty();
        for t in [k.orig, k.reply] {
            for a in [t.src, t.dst].into_iter().flatten() {
                c |= if a.is_ipv4() {
                    Criteria::IPV4_ADDR
                } else {
                    Criteria::IPV6_ADDR
                };
            }
            c.set(
                Criteria::PROTO,
                c.contains(Criteria::PROTO) || t.proto.is_some(),
            );
            let ports = t.src_port.is_some() || t.dst_port.is_some();
            c.set(Criteria::PORTS, c.contains(Criteria::PORTS) || ports);
            let icmp = t.icmp_type.is_some() || t.icmp_code.is_some() || t.icmp_id.is_some();
            c.set(Criteria::ICMP, c.contains(Criteria::ICMP) || icmp);
            let zone = t.zone.is_some();
            c.set(
                Criteria::TUPLE_ZONE,
                c.contains(Criteria::TUPLE_ZONE) || zone,
            );
        }
        c.set(Criteria::MARK, k.mark.is_some());
        c.set(Criteria::STATUS, k.status.is_some());
        c.set(Criteria::ZONE, k.zone.is_some());
        c
    }

    /// Writes the attributes of [`Filter::kernel_part`] with `trust` (for a
    /// dump or a flush request whose `nfgen_family` is
    /// [`Filter::effective_family`]). Tuple parts are written only when the
    /// family is known (the kernel needs it for them); a status filter with
    /// an empty mask is left out (the kernel refuses it, and it matches
    /// everything).
    ///
    /// # Errors
    /// None in practice.
    pub fn encode(&self, b: &mut MsgBuilder, trust: Criteria) -> Result<(), EncodeError> {
        let k = self.kernel_part(trust);
        if let Some((v, m)) = k.mark {
            b.put_be32(sys::CTA_MARK, v);
            b.put_be32(sys::CTA_MARK_MASK, m);
        }
        if let Some((v, m)) = k.status {
            if !m.is_empty() {
                b.put_be32(sys::CTA_STATUS, v.bits());
                b.put_be32(sys::CTA_STATUS_MASK, m.bits());
            }
        }
        if let Some(z) = k.zone {
            b.put_be16(sys::CTA_ZONE, z);
        }
        let fam = self.effective_family();
        let (orig, reply) = (k.orig, k.reply);
        let (of, rf) = (orig.flags(), reply.flags());
        if fam != Family::Any && (of != 0 || rf != 0) {
            if of != 0 {
                orig.encode(sys::CTA_TUPLE_ORIG, fam, b)?;
            }
            if rf != 0 {
                reply.encode(sys::CTA_TUPLE_REPLY, fam, b)?;
            }
            b.nest(sys::CTA_FILTER, |b| {
                if of != 0 {
                    b.put_ne32(sys::CTA_FILTER_ORIG_FLAGS, of);
                }
                if rf != 0 {
                    b.put_ne32(sys::CTA_FILTER_REPLY_FLAGS, rf);
                }
                Ok(())
            })?;
        }
        Ok(())
    }
}
