//! NAT set up when an entry is created (`CTA_NAT_SRC`, `CTA_NAT_DST`).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use nfnl::{AttrIter, EncodeError, MsgBuilder, ParseError};
use nfnl_sys as sys;

use crate::error::Error;
use crate::tuple::Family;

/// A NAT range: the addresses (and optionally the layer-4 ports) the kernel
/// may translate to.
///
/// ```text
/// CTA_NAT_SRC / CTA_NAT_DST ─┬─ CTA_NAT_V4_MINIP, CTA_NAT_V4_MAXIP (4 bytes)
///                            ├─ CTA_NAT_V6_MINIP, CTA_NAT_V6_MAXIP (16 bytes)
///                            └─ CTA_NAT_PROTO ─┬─ CTA_PROTONAT_PORT_MIN (be16)
///                                              └─ CTA_PROTONAT_PORT_MAX (be16)
/// ```
///
/// NOTE(kernel): the ranges are only an input. `ctnetlink_create_conntrack`
/// hands them to `nfnetlink_parse_nat_setup` (`nf_nat_core.c`), which picks
/// a translation inside the range and **rewrites the reply tuple** to match
/// (`nf_nat_setup_info` → `nf_conntrack_alter_reply`), setting
/// `IPS_SRC_NAT`/`IPS_DST_NAT` and the `*_NAT_DONE` bits. Dumps and events
/// never carry `CTA_NAT_*`: read the result with
/// [`Flow::source_translation`](crate::Flow::source_translation) and
/// [`Flow::destination_translation`](crate::Flow::destination_translation).
/// When either range is given, the other manipulation gets a null binding.
/// NAT can only be set on create: `ctnetlink_change_conntrack` answers an
/// update carrying `CTA_NAT_*` with `EOPNOTSUPP`.
///
/// ```
/// use nfnl_conntrack::NatRange;
/// let r = NatRange::to_addr("192.0.2.9".parse()?).with_ports(1024, 2047);
/// assert_eq!(r.min_addr, r.max_addr);
/// assert_eq!(r.ports, Some((1024, 2047)));
/// assert!(NatRange::to_range("10.0.0.1".parse()?, "::1".parse()?).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct NatRange {
    /// Lowest address (`CTA_NAT_V4_MINIP` / `CTA_NAT_V6_MINIP`). `None`
    /// leaves addresses unchanged (a port-only mapping).
    pub min_addr: Option<IpAddr>,
    /// Highest address (`CTA_NAT_V4_MAXIP` / `CTA_NAT_V6_MAXIP`). The
    /// kernel uses `min_addr` when absent.
    pub max_addr: Option<IpAddr>,
    /// Port range, inclusive (`CTA_NAT_PROTO` { `CTA_PROTONAT_PORT_MIN`,
    /// `CTA_PROTONAT_PORT_MAX` }). For ICMP the kernel reads it as an id range.
    pub ports: Option<(u16, u16)>,
}

impl NatRange {
    /// Translate to exactly one address.
    pub fn to_addr(addr: IpAddr) -> Self {
        NatRange {
            min_addr: Some(addr),
            max_addr: Some(addr),
            ports: None,
        }
    }

    /// Translate to an address of `min..=max`.
    ///
    /// # Errors
    /// [`Error::MixedFamilies`] if `min` and `max` differ in family.
    pub fn to_range(min: IpAddr, max: IpAddr) -> Result<Self, Error> {
        if min.is_ipv4() != max.is_ipv4() {
            return Err(Error::MixedFamilies {
                what: "a NAT range (its first and last address)",
            });
        }
        Ok(NatRange {
            min_addr: Some(min),
            max_addr: Some(max),
            ports: None,
        })
    }

    /// Also translate the port into `min..=max`.
    #[must_use]
    pub fn with_ports(mut self, min: u16, max: u16) -> Self {
        self.ports = Some((min, max));
        self
    }

    /// The family of the addresses; `None` for a port-only range or if the
    /// two addresses disagree.
    pub fn family(&self) -> Option<Family> {
        match (self.min_addr, self.max_addr) {
            (Some(a), Some(b)) if a.is_ipv4() != b.is_ipv4() => None,
            (Some(a), _) | (None, Some(a)) => Some(Family::of(&a)),
            (None, None) => None,
        }
    }

    /// True if the addresses (if any) are of `family`.
    pub fn fits(&self, family: Family) -> bool {
        [self.min_addr, self.max_addr]
            .into_iter()
            .flatten()
            .all(|a| Family::of(&a) == family)
    }

    /// Decodes the contents of a `CTA_NAT_SRC`/`CTA_NAT_DST` nest. Unknown
    /// attributes are skipped.
    ///
    /// # Errors
    /// A malformed attribute; addresses of both families
    /// ([`ParseError::InvalidValue`]).
    pub fn decode_nested(it: AttrIter<'_>) -> Result<Self, ParseError> {
        let mut r = NatRange::default();
        let (mut pmin, mut pmax) = (None, None);
        for a in it {
            let a = a?;
            match a.kind() {
                sys::CTA_NAT_V4_MINIP => {
                    r.min_addr = Some(Ipv4Addr::from(a.get_array::<4>()?).into());
                }
                sys::CTA_NAT_V4_MAXIP => {
                    r.max_addr = Some(Ipv4Addr::from(a.get_array::<4>()?).into());
                }
                sys::CTA_NAT_V6_MINIP => {
                    r.min_addr = Some(Ipv6Addr::from(a.get_array::<16>()?).into());
                }
                sys::CTA_NAT_V6_MAXIP => {
                    r.max_addr = Some(Ipv6Addr::from(a.get_array::<16>()?).into());
                }
                sys::CTA_NAT_PROTO => {
                    for p in a.nested() {
                        let p = p?;
                        match p.kind() {
                            sys::CTA_PROTONAT_PORT_MIN => pmin = Some(p.get_be16()?),
                            sys::CTA_PROTONAT_PORT_MAX => pmax = Some(p.get_be16()?),
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        if let (Some(a), Some(b)) = (r.min_addr, r.max_addr) {
            if a.is_ipv4() != b.is_ipv4() {
                return Err(ParseError::InvalidValue {
                    kind: sys::CTA_NAT_V4_MINIP,
                    why: "NAT range mixes IPv4 and IPv6 addresses",
                });
            }
        }
        // as the kernel reads it (nf_nat_l4proto_nlattr_to_range): a lone
        // minimum is also the maximum, a lone maximum has minimum 0
        r.ports = match (pmin, pmax) {
            (Some(lo), Some(hi)) => Some((lo, hi)),
            (Some(p), None) => Some((p, p)),
            (None, Some(hi)) => Some((0, hi)),
            (None, None) => None,
        };
        Ok(r)
    }

    /// Writes the contents of a `CTA_NAT_SRC`/`CTA_NAT_DST` nest.
    ///
    /// # Errors
    /// [`EncodeError::Invalid`] if the addresses mix families.
    pub fn encode_nested(&self, b: &mut MsgBuilder) -> Result<(), EncodeError> {
        if self.family().is_none() && self.min_addr.is_some() {
            return Err(EncodeError::Invalid("NAT range mixes IPv4 and IPv6"));
        }
        for (addr, k4, k6) in [
            (self.min_addr, sys::CTA_NAT_V4_MINIP, sys::CTA_NAT_V6_MINIP),
            (self.max_addr, sys::CTA_NAT_V4_MAXIP, sys::CTA_NAT_V6_MAXIP),
        ] {
            match addr {
                Some(IpAddr::V4(a)) => {
                    b.put_bytes(k4, &a.octets())?;
                }
                Some(IpAddr::V6(a)) => {
                    b.put_bytes(k6, &a.octets())?;
                }
                None => {}
            }
        }
        if let Some((lo, hi)) = self.ports {
            b.nest(sys::CTA_NAT_PROTO, |b| {
                b.put_be16(sys::CTA_PROTONAT_PORT_MIN, lo);
                b.put_be16(sys::CTA_PROTONAT_PORT_MAX, hi);
                Ok(())
            })?;
        }
        Ok(())
    }
}
