//! The owned model: a named [`Policy`] and the namespace defaults
//! ([`DefaultTimeouts`]), with their encoding into and decoding from
//! `CTA_TIMEOUT_*` attributes. The per-protocol state timeouts
//! ([`Timeouts`]) are netfilter's, shared with nf_tables' ct timeout
//! object: they live in [`nfnl::timeout`].

use std::fmt;

use nfnl::timeout::Timeouts;
use nfnl::{AttrIter, AttrTable, EncodeError, IpProto, MsgBuilder, NfMsg, ParseError, ProtoFamily};
use nfnl_sys as sys;

use crate::error::Error;

/// Longest policy name in bytes: `CTNL_TIMEOUT_NAME_MAX - 1` (the kernel's
/// buffer holds the NUL too, and its policy refuses longer names).
pub const MAX_NAME_LEN: usize = sys::CTNL_TIMEOUT_NAME_MAX - 1;

/// Appends `CTA_TIMEOUT_L4PROTO` and the `CTA_TIMEOUT_DATA` nest of
/// `timeouts` (the nest always sent, empty when no state is set: the kernel
/// requires it).
pub(crate) fn encode_timeouts(timeouts: &Timeouts, b: &mut MsgBuilder) -> Result<(), EncodeError> {
    b.put_u8(sys::CTA_TIMEOUT_L4PROTO, timeouts.proto().0);
    b.nest(sys::CTA_TIMEOUT_DATA, |b| {
        for (attr, secs) in timeouts.attrs() {
            b.put_be32(attr, secs);
        }
        Ok(())
    })?;
    Ok(())
}

/// A named timeout policy (`struct ctnl_timeout`): what `nfct add timeout`
/// creates and `iptables -t raw … -j CT --timeout NAME` attaches to new
/// flows.
///
/// # Examples
/// ```
/// use nfnl_cttimeout::{Policy, ProtoFamily, ReplyTimeouts, Timeouts};
/// // nfct add timeout dns inet udp unreplied 5 replied 10
/// let p = Policy::new("dns", ProtoFamily::Ipv4, Timeouts::Udp(ReplyTimeouts {
///     unreplied: Some(5),
///     replied: Some(10),
/// }));
/// assert_eq!(p.to_string(), "dns inet udp unreplied 5 replied 10");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Policy {
    /// `CTA_TIMEOUT_NAME`: at most [`MAX_NAME_LEN`] bytes. A name from the
    /// kernel that is not UTF-8 is converted lossily.
    pub name: String,
    /// `CTA_TIMEOUT_L3PROTO`: the layer-3 protocol of the flows it is for
    /// ([`ProtoFamily::Ipv4`] or [`ProtoFamily::Ipv6`]): the CT target
    /// refuses a policy of another family than its rule's.
    pub family: ProtoFamily,
    /// The layer-4 protocol and its state timeouts (`CTA_TIMEOUT_L4PROTO`,
    /// `CTA_TIMEOUT_DATA`).
    pub timeouts: Timeouts,
    /// `CTA_TIMEOUT_USE`, from the kernel only (ignored when sending): its
    /// reference count, 1 for a policy no rule refers to.
    pub use_count: Option<u32>,
}

impl Policy {
    /// A policy to create.
    pub fn new(name: impl Into<String>, family: ProtoFamily, timeouts: Timeouts) -> Self {
        Policy {
            name: name.into(),
            family,
            timeouts,
            use_count: None,
        }
    }

    /// The layer-4 protocol (`CTA_TIMEOUT_L4PROTO`).
    pub fn proto(&self) -> IpProto {
        self.timeouts.proto()
    }

    /// Checks what the kernel would refuse or keep wrongly: the name (see
    /// [`Error::InvalidName`]) and the timeouts ([`Timeouts::validate`]).
    ///
    /// # Errors
    /// [`Error::InvalidName`], [`Error::Timeout`].
    pub fn validate(&self) -> Result<(), Error> {
        check_name(&self.name)?;
        Ok(self.timeouts.validate()?)
    }

    /// Decodes a policy message (`IPCTNL_MSG_TIMEOUT_NEW`, as the kernel
    /// answers a get or a dump).
    ///
    /// # Errors
    /// A missing name, family or protocol, a malformed attribute.
    pub fn decode(msg: &NfMsg<'_>) -> Result<Self, ParseError> {
        let t = AttrTable::<'_, { sys::CTA_TIMEOUT_MAX as usize + 1 }>::parse(msg.attrs())?;
        let name = t.require(sys::CTA_TIMEOUT_NAME, "ctnl_timeout")?;
        let name = String::from_utf8_lossy(name.get_str_bytes()).into_owned();
        let (family, timeouts) = decode_kind(&t, "ctnl_timeout")?;
        let use_count = t
            .get(sys::CTA_TIMEOUT_USE)
            .map(|a| a.get_be32())
            .transpose()?;
        Ok(Policy {
            name,
            family,
            timeouts,
            use_count,
        })
    }

    /// Appends the request attributes: name, layer 3, layer 4, data.
    pub(crate) fn encode(&self, b: &mut MsgBuilder) -> Result<(), EncodeError> {
        b.put_cstr(sys::CTA_TIMEOUT_NAME, &self.name)?;
        b.put_be16(sys::CTA_TIMEOUT_L3PROTO, u16::from(u8::from(self.family)));
        encode_timeouts(&self.timeouts, b)
    }
}

impl fmt::Display for Policy {
    /// The arguments of `nfct add timeout` that create it: `NAME FAMILY
    /// PROTO STATE SECS ...` (family `inet`, `inet6` or the number).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} {}",
            self.name,
            family_name(self.family),
            self.timeouts
        )
    }
}

/// `inet`, `inet6` (the names `nfct` takes) or the number.
fn family_name(f: ProtoFamily) -> String {
    match f {
        ProtoFamily::Ipv4 => "inet".to_owned(),
        ProtoFamily::Ipv6 => "inet6".to_owned(),
        f => u8::from(f).to_string(),
    }
}

/// The namespace's default timeouts of one layer-4 protocol, as
/// `IPCTNL_MSG_TIMEOUT_DEFAULT_GET` reports them (every state set).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DefaultTimeouts {
    /// `CTA_TIMEOUT_L3PROTO`: the family asked about, echoed (the defaults
    /// are shared by IPv4 and IPv6).
    pub family: ProtoFamily,
    /// The protocol and its timeouts.
    pub timeouts: Timeouts,
}

impl DefaultTimeouts {
    /// Decodes the kernel's answer to a default get (type
    /// `IPCTNL_MSG_TIMEOUT_DEFAULT_SET`).
    ///
    /// # Errors
    /// A missing family or protocol, a malformed attribute.
    pub fn decode(msg: &NfMsg<'_>) -> Result<Self, ParseError> {
        let t = AttrTable::<'_, { sys::CTA_TIMEOUT_MAX as usize + 1 }>::parse(msg.attrs())?;
        let (family, timeouts) = decode_kind(&t, "default timeouts")?;
        Ok(DefaultTimeouts { family, timeouts })
    }
}

/// Layer 3, layer 4 and the data nest (absent data: no state).
fn decode_kind(
    t: &AttrTable<'_, { sys::CTA_TIMEOUT_MAX as usize + 1 }>,
    within: &'static str,
) -> Result<(ProtoFamily, Timeouts), ParseError> {
    let l3 = t.require(sys::CTA_TIMEOUT_L3PROTO, within)?.get_be16()?;
    let family = u8::try_from(l3).map_err(|_| ParseError::InvalidValue {
        kind: sys::CTA_TIMEOUT_L3PROTO,
        why: "layer-3 protocol above 255",
    })?;
    let proto = IpProto(t.require(sys::CTA_TIMEOUT_L4PROTO, within)?.get_u8()?);
    let data = t
        .get(sys::CTA_TIMEOUT_DATA)
        .map(|a| a.nested())
        .unwrap_or_else(|| AttrIter::new(&[]));
    Ok((ProtoFamily::from(family), Timeouts::decode(proto, data)?))
}

/// The kernel's rules for a name, checked before sending.
pub(crate) fn check_name(name: &str) -> Result<(), Error> {
    let reason = if name.is_empty() {
        "empty"
    } else if name.len() > MAX_NAME_LEN {
        "longer than 31 bytes (CTNL_TIMEOUT_NAME_MAX - 1)"
    } else if name.contains('\0') {
        "contains a NUL byte"
    } else {
        return Ok(());
    };
    Err(Error::InvalidName {
        name: name.to_owned(),
        reason,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use nfnl::timeout::{ReplyTimeouts, SingleTimeout, TimeoutError, MAX_TIMEOUT_SECS};
    use nfnl::{NfHeader, NfMsg};

    /// The request attributes of `p`, as a message the kernel would parse.
    fn encoded(p: &Policy) -> Vec<u8> {
        let mut b = MsgBuilder::new();
        b.begin(
            NfHeader::new(
                sys::NFNL_SUBSYS_CTNETLINK_TIMEOUT,
                sys::IPCTNL_MSG_TIMEOUT_NEW,
            ),
            1,
        );
        p.encode(&mut b).unwrap();
        b.finish().unwrap().to_vec()
    }

    fn every_kind() -> Vec<Timeouts> {
        let mut all = Vec::new();
        for proto in [6u8, 17, 136, 1, 58, 47, 132, 33, 255] {
            let mut t = Timeouts::empty(IpProto(proto)).unwrap();
            for (i, s) in t.states().iter().enumerate() {
                if i % 2 == 0 {
                    t.set(s.name, 100 + u32::from(s.attr)).unwrap();
                }
            }
            all.push(t);
        }
        all
    }

    #[test]
    fn requests_are_laid_out_as_the_kernel_parses_them() {
        let t = Timeouts::Udp(ReplyTimeouts {
            unreplied: Some(5),
            replied: None,
        });
        let bytes = encoded(&Policy::new("dns", ProtoFamily::Ipv6, t));
        // nlmsghdr (16) + nfgenmsg (4), then: NAME "dns\0", L3PROTO be16 10 (padded),
        // L4PROTO 17 (padded), DATA { UNREPLIED be32 5 }.
        #[rustfmt::skip]
        let attrs: [u8; 24] = [
            8, 0, 1, 0, b'd', b'n', b's', 0,
            6, 0, 2, 0, 0, 10, 0, 0,
            5, 0, 3, 0, 17, 0, 0, 0,
        ];
        let got = &bytes[20..];
        assert_eq!(got.len(), 36);
        assert_eq!(&got[..24], &attrs);
        // The nest: length 12, type CTA_TIMEOUT_DATA with NLA_F_NESTED as the builder sets it.
        assert_eq!(u16::from_ne_bytes([got[24], got[25]]), 12);
        assert_eq!(
            u16::from_ne_bytes([got[26], got[27]]) & nfnl_sys::NLA_TYPE_MASK,
            sys::CTA_TIMEOUT_DATA
        );
        assert_eq!(&got[28..36], &[8, 0, 1, 0, 0, 0, 0, 5]);
    }

    #[test]
    fn an_empty_policy_still_sends_its_data_nest() {
        let p = Policy::new(
            "e",
            ProtoFamily::Ipv4,
            Timeouts::empty(IpProto::TCP).unwrap(),
        );
        let bytes = encoded(&p);
        let m = NfMsg::parse(&bytes).unwrap();
        let t = AttrTable::<'_, 6>::parse(m.attrs()).unwrap();
        let data = t.require(sys::CTA_TIMEOUT_DATA, "test").unwrap();
        assert_eq!(data.payload().len(), 0);
    }

    #[test]
    fn every_kind_round_trips() {
        for t in every_kind() {
            let p = Policy::new("rt", ProtoFamily::Ipv4, t);
            let bytes = encoded(&p);
            let back = Policy::decode(&NfMsg::parse(&bytes).unwrap()).unwrap();
            assert_eq!(back, p);
        }
        let other = Timeouts::Other {
            proto: IpProto::ESP,
            values: vec![(1, 2), (4, 5)],
        };
        let p = Policy::new("o", ProtoFamily::Ipv4, other);
        let back = Policy::decode(&NfMsg::parse(&encoded(&p)).unwrap()).unwrap();
        assert_eq!(back, p);
    }

    #[test]
    fn names_and_values_the_kernel_would_refuse_or_wrap() {
        let t = || Timeouts::empty(IpProto::ICMP).unwrap();
        for (name, ok) in [
            ("", false),
            ("a", true),
            (&"x".repeat(31)[..], true),
            (&"x".repeat(32)[..], false),
            ("a\0b", false),
        ] {
            let r = Policy::new(name, ProtoFamily::Ipv4, t()).validate();
            assert_eq!(r.is_ok(), ok, "{name:?}: {r:?}");
        }
        let mut big = t();
        let e = big.set("timeout", MAX_TIMEOUT_SECS + 1).unwrap_err();
        assert_eq!(
            e.to_string(),
            "icmp state timeout: 4294968 s is above the largest timeout the kernel keeps (4294967 s)"
        );
        big.set("timeout", MAX_TIMEOUT_SECS).unwrap();
        assert!(big.validate().is_ok());
        let wrapped = Timeouts::Icmp(SingleTimeout {
            timeout: Some(u32::MAX),
        });
        assert!(matches!(
            Policy::new("w", ProtoFamily::Ipv4, wrapped).validate(),
            Err(Error::Timeout(TimeoutError::InvalidTimeout { .. }))
        ));
    }
}
