//! The owned model: a named [`Policy`], the per-protocol state timeouts
//! ([`Timeouts`]) and the namespace defaults ([`DefaultTimeouts`]), with
//! their encoding into and decoding from `CTA_TIMEOUT_*` attributes.

use std::fmt;

use nfnl::{AttrIter, AttrTable, EncodeError, IpProto, MsgBuilder, NfMsg, ParseError, ProtoFamily};
use nfnl_sys as sys;

use crate::error::Error;

/// Longest policy name in bytes: `CTNL_TIMEOUT_NAME_MAX - 1` (the kernel's
/// buffer holds the NUL too, and its policy refuses longer names).
pub const MAX_NAME_LEN: usize = sys::CTNL_TIMEOUT_NAME_MAX - 1;

/// Largest timeout in seconds that survives the kernel's conversion: it
/// stores `seconds * HZ` in 32 bits (`nlattr_to_obj` of each
/// `nf_conntrack_proto_*.c`), so larger values would wrap silently at
/// `HZ = 1000`, the highest tick rate (about 49.7 days).
pub const MAX_TIMEOUT_SECS: u32 = u32::MAX / 1000;

/// The layer-4 protocol number of the kernel's generic tracker
/// (`nf_conntrack_l4proto_generic`, 255): its one timeout applies to every
/// protocol without a tracker of its own.
pub const GENERIC: IpProto = IpProto(255);

/// One state of a protocol: the name this crate (and the `nfct` tool, in
/// any case) uses for it, and its attribute in `CTA_TIMEOUT_DATA`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct State {
    /// Lower-case name (`"established"`, `"unreplied"`...).
    pub name: &'static str,
    /// The `CTA_TIMEOUT_<PROTO>_<STATE>` attribute number.
    pub attr: u16,
}

/// Declares a struct of per-state timeouts: one `Option<u32>` of seconds
/// per state, with its attribute and name.
macro_rules! states {
    ($(#[$m:meta])* $name:ident { $($(#[$fm:meta])* $field:ident = $attr:ident),* $(,)? }) => {
        $(#[$m])*
        ///
        /// Each field is a timeout in seconds, `None` for "not set": a
        /// policy created without it gets the namespace's default at that
        /// moment (the kernel copies the defaults, then the states given).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        pub struct $name {
            $($(#[$fm])* pub $field: Option<u32>,)*
        }

        impl $name {
            /// The states in attribute order.
            pub const STATES: &'static [State] =
                &[$(State { name: stringify!($field), attr: sys::$attr }),*];

            fn slot(&mut self, attr: u16) -> Option<&mut Option<u32>> {
                match attr {
                    $(sys::$attr => Some(&mut self.$field),)*
                    _ => None,
                }
            }

            fn value(&self, attr: u16) -> Option<u32> {
                match attr {
                    $(sys::$attr => self.$field,)*
                    _ => None,
                }
            }
        }
    };
}

states! {
    /// TCP's states (`CTA_TIMEOUT_TCP_*`, `enum tcp_conntrack`).
    TcpTimeouts {
        /// `CTA_TIMEOUT_TCP_SYN_SENT`: SYN seen, no reply.
        syn_sent = CTA_TIMEOUT_TCP_SYN_SENT,
        /// `CTA_TIMEOUT_TCP_SYN_RECV`: SYN/ACK seen.
        syn_recv = CTA_TIMEOUT_TCP_SYN_RECV,
        /// `CTA_TIMEOUT_TCP_ESTABLISHED`.
        established = CTA_TIMEOUT_TCP_ESTABLISHED,
        /// `CTA_TIMEOUT_TCP_FIN_WAIT`.
        fin_wait = CTA_TIMEOUT_TCP_FIN_WAIT,
        /// `CTA_TIMEOUT_TCP_CLOSE_WAIT`.
        close_wait = CTA_TIMEOUT_TCP_CLOSE_WAIT,
        /// `CTA_TIMEOUT_TCP_LAST_ACK`.
        last_ack = CTA_TIMEOUT_TCP_LAST_ACK,
        /// `CTA_TIMEOUT_TCP_TIME_WAIT`.
        time_wait = CTA_TIMEOUT_TCP_TIME_WAIT,
        /// `CTA_TIMEOUT_TCP_CLOSE`.
        close = CTA_TIMEOUT_TCP_CLOSE,
        /// `CTA_TIMEOUT_TCP_SYN_SENT2`: simultaneous open.
        syn_sent2 = CTA_TIMEOUT_TCP_SYN_SENT2,
        /// `CTA_TIMEOUT_TCP_RETRANS`: after too many retransmissions
        /// (`nf_conntrack_tcp_max_retrans`).
        retrans = CTA_TIMEOUT_TCP_RETRANS,
        /// `CTA_TIMEOUT_TCP_UNACK`: with data not acknowledged.
        unacknowledged = CTA_TIMEOUT_TCP_UNACK,
    }
}

states! {
    /// The two states of UDP (`CTA_TIMEOUT_UDP_*`), UDP-Lite
    /// (`CTA_TIMEOUT_UDPLITE_*`) and GRE (`CTA_TIMEOUT_GRE_*`), which have the
    /// same attribute numbers.
    ReplyTimeouts {
        /// `CTA_TIMEOUT_UDP_UNREPLIED`: no reply seen yet.
        unreplied = CTA_TIMEOUT_UDP_UNREPLIED,
        /// `CTA_TIMEOUT_UDP_REPLIED`: a reply was seen (the flow is a stream).
        replied = CTA_TIMEOUT_UDP_REPLIED,
    }
}

states! {
    /// The one timeout of ICMP (`CTA_TIMEOUT_ICMP_TIMEOUT`), ICMPv6
    /// (`CTA_TIMEOUT_ICMPV6_TIMEOUT`) and the generic tracker
    /// (`CTA_TIMEOUT_GENERIC_TIMEOUT`), all attribute 1.
    SingleTimeout {
        /// `CTA_TIMEOUT_ICMP_TIMEOUT`.
        timeout = CTA_TIMEOUT_ICMP_TIMEOUT,
    }
}

states! {
    /// SCTP's states (`CTA_TIMEOUT_SCTP_*`, `enum sctp_conntrack`).
    SctpTimeouts {
        /// `CTA_TIMEOUT_SCTP_CLOSED`.
        closed = CTA_TIMEOUT_SCTP_CLOSED,
        /// `CTA_TIMEOUT_SCTP_COOKIE_WAIT`.
        cookie_wait = CTA_TIMEOUT_SCTP_COOKIE_WAIT,
        /// `CTA_TIMEOUT_SCTP_COOKIE_ECHOED`.
        cookie_echoed = CTA_TIMEOUT_SCTP_COOKIE_ECHOED,
        /// `CTA_TIMEOUT_SCTP_ESTABLISHED`.
        established = CTA_TIMEOUT_SCTP_ESTABLISHED,
        /// `CTA_TIMEOUT_SCTP_SHUTDOWN_SENT`.
        shutdown_sent = CTA_TIMEOUT_SCTP_SHUTDOWN_SENT,
        /// `CTA_TIMEOUT_SCTP_SHUTDOWN_RECD`.
        shutdown_recd = CTA_TIMEOUT_SCTP_SHUTDOWN_RECD,
        /// `CTA_TIMEOUT_SCTP_SHUTDOWN_ACK_SENT`.
        shutdown_ack_sent = CTA_TIMEOUT_SCTP_SHUTDOWN_ACK_SENT,
        /// `CTA_TIMEOUT_SCTP_HEARTBEAT_SENT`.
        heartbeat_sent = CTA_TIMEOUT_SCTP_HEARTBEAT_SENT,
        /// `CTA_TIMEOUT_SCTP_HEARTBEAT_ACKED`: no longer used by the kernel,
        /// still stored and reported.
        heartbeat_acked = CTA_TIMEOUT_SCTP_HEARTBEAT_ACKED,
    }
}

states! {
    /// DCCP's states (`CTA_TIMEOUT_DCCP_*`). Recent kernels (6.16 on) no
    /// longer track DCCP and refuse DCCP policies ([`Error::Unsupported`]).
    DccpTimeouts {
        /// `CTA_TIMEOUT_DCCP_REQUEST`.
        request = CTA_TIMEOUT_DCCP_REQUEST,
        /// `CTA_TIMEOUT_DCCP_RESPOND`.
        respond = CTA_TIMEOUT_DCCP_RESPOND,
        /// `CTA_TIMEOUT_DCCP_PARTOPEN`.
        partopen = CTA_TIMEOUT_DCCP_PARTOPEN,
        /// `CTA_TIMEOUT_DCCP_OPEN`.
        open = CTA_TIMEOUT_DCCP_OPEN,
        /// `CTA_TIMEOUT_DCCP_CLOSEREQ`.
        closereq = CTA_TIMEOUT_DCCP_CLOSEREQ,
        /// `CTA_TIMEOUT_DCCP_CLOSING`.
        closing = CTA_TIMEOUT_DCCP_CLOSING,
        /// `CTA_TIMEOUT_DCCP_TIMEWAIT`.
        timewait = CTA_TIMEOUT_DCCP_TIMEWAIT,
    }
}

/// The state timeouts of one layer-4 protocol: what `CTA_TIMEOUT_DATA`
/// holds. The variant is the protocol (`CTA_TIMEOUT_L4PROTO`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Timeouts {
    /// TCP (6).
    Tcp(TcpTimeouts),
    /// UDP (17).
    Udp(ReplyTimeouts),
    /// UDP-Lite (136).
    UdpLite(ReplyTimeouts),
    /// ICMP (1).
    Icmp(SingleTimeout),
    /// ICMPv6 (58).
    Icmpv6(SingleTimeout),
    /// GRE (47).
    Gre(ReplyTimeouts),
    /// SCTP (132).
    Sctp(SctpTimeouts),
    /// DCCP (33).
    Dccp(DccpTimeouts),
    /// The generic tracker ([`GENERIC`], 255).
    Generic(SingleTimeout),
    /// A protocol this crate has no states for, as the kernel reported it:
    /// each attribute of `CTA_TIMEOUT_DATA` with its value in seconds.
    Other {
        /// The layer-4 protocol.
        proto: IpProto,
        /// `(attribute, seconds)` in the kernel's order, each attribute once
        /// (a repeated one keeps its last value).
        values: Vec<(u16, u32)>,
    },
}

impl Timeouts {
    /// Timeouts of `proto` with no state set.
    ///
    /// # Errors
    /// [`Error::UnknownProtocol`] for a protocol without timeout states
    /// here (any number but the nine of the variants).
    pub fn empty(proto: IpProto) -> Result<Self, Error> {
        Ok(match proto {
            IpProto::TCP => Timeouts::Tcp(TcpTimeouts::default()),
            IpProto::UDP => Timeouts::Udp(ReplyTimeouts::default()),
            IpProto::UDPLITE => Timeouts::UdpLite(ReplyTimeouts::default()),
            IpProto::ICMP => Timeouts::Icmp(SingleTimeout::default()),
            IpProto::ICMPV6 => Timeouts::Icmpv6(SingleTimeout::default()),
            IpProto::GRE => Timeouts::Gre(ReplyTimeouts::default()),
            IpProto::SCTP => Timeouts::Sctp(SctpTimeouts::default()),
            IpProto::DCCP => Timeouts::Dccp(DccpTimeouts::default()),
            GENERIC => Timeouts::Generic(SingleTimeout::default()),
            proto => return Err(Error::UnknownProtocol { proto }),
        })
    }

    /// The layer-4 protocol (`CTA_TIMEOUT_L4PROTO`).
    pub fn proto(&self) -> IpProto {
        match self {
            Timeouts::Tcp(_) => IpProto::TCP,
            Timeouts::Udp(_) => IpProto::UDP,
            Timeouts::UdpLite(_) => IpProto::UDPLITE,
            Timeouts::Icmp(_) => IpProto::ICMP,
            Timeouts::Icmpv6(_) => IpProto::ICMPV6,
            Timeouts::Gre(_) => IpProto::GRE,
            Timeouts::Sctp(_) => IpProto::SCTP,
            Timeouts::Dccp(_) => IpProto::DCCP,
            Timeouts::Generic(_) => GENERIC,
            Timeouts::Other { proto, .. } => *proto,
        }
    }

    /// The protocol's name as the `nfct` tool writes it (`"tcp"`,
    /// `"generic"`...; the number for [`Timeouts::Other`]).
    pub fn proto_name(&self) -> String {
        match self {
            Timeouts::Generic(_) => "generic".to_owned(),
            t => t.proto().to_string(),
        }
    }

    /// The protocol's states, in attribute order (empty for
    /// [`Timeouts::Other`]).
    pub fn states(&self) -> &'static [State] {
        match self {
            Timeouts::Tcp(_) => TcpTimeouts::STATES,
            Timeouts::Udp(_) | Timeouts::UdpLite(_) | Timeouts::Gre(_) => ReplyTimeouts::STATES,
            Timeouts::Icmp(_) | Timeouts::Icmpv6(_) | Timeouts::Generic(_) => SingleTimeout::STATES,
            Timeouts::Sctp(_) => SctpTimeouts::STATES,
            Timeouts::Dccp(_) => DccpTimeouts::STATES,
            Timeouts::Other { .. } => &[],
        }
    }

    /// The timeout of the state with attribute `attr`, if set.
    pub fn value(&self, attr: u16) -> Option<u32> {
        match self {
            Timeouts::Tcp(t) => t.value(attr),
            Timeouts::Udp(t) | Timeouts::UdpLite(t) | Timeouts::Gre(t) => t.value(attr),
            Timeouts::Icmp(t) | Timeouts::Icmpv6(t) | Timeouts::Generic(t) => t.value(attr),
            Timeouts::Sctp(t) => t.value(attr),
            Timeouts::Dccp(t) => t.value(attr),
            Timeouts::Other { values, .. } => values
                .iter()
                .rev()
                .find(|(a, _)| *a == attr)
                .map(|(_, v)| *v),
        }
    }

    /// Every state with its timeout, in attribute order (for
    /// [`Timeouts::Other`], the reported values).
    pub fn iter(&self) -> impl Iterator<Item = (State, Option<u32>)> + '_ {
        let known = self.states().iter().map(|s| (*s, self.value(s.attr)));
        let other = match self {
            Timeouts::Other { values, .. } => values.as_slice(),
            _ => &[],
        };
        known.chain(
            other
                .iter()
                .map(|&(attr, v)| (State { name: "", attr }, Some(v))),
        )
    }

    /// The state named `name` (ASCII case ignored), as
    /// [`Timeouts::states`] names them.
    ///
    /// # Errors
    /// [`Error::UnknownState`] listing the protocol's states.
    pub fn state(&self, name: &str) -> Result<State, Error> {
        self.states()
            .iter()
            .find(|s| s.name.eq_ignore_ascii_case(name))
            .copied()
            .ok_or_else(|| Error::UnknownState {
                proto: self.proto(),
                state: name.to_owned(),
                known: self
                    .states()
                    .iter()
                    .map(|s| s.name)
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }

    /// Sets the timeout of the state named `name` (ASCII case ignored) to
    /// `secs` seconds, as `nfct add timeout NAME FAMILY PROTO STATE SECS`
    /// takes it.
    ///
    /// # Errors
    /// [`Error::UnknownState`]; [`Error::InvalidTimeout`] above
    /// [`MAX_TIMEOUT_SECS`].
    pub fn set(&mut self, name: &str, secs: u32) -> Result<&mut Self, Error> {
        let state = self.state(name)?;
        check_secs(self.proto(), state.name, secs)?;
        if let Some(slot) = self.slot(state.attr) {
            *slot = Some(secs);
        }
        Ok(self)
    }

    fn slot(&mut self, attr: u16) -> Option<&mut Option<u32>> {
        match self {
            Timeouts::Tcp(t) => t.slot(attr),
            Timeouts::Udp(t) | Timeouts::UdpLite(t) | Timeouts::Gre(t) => t.slot(attr),
            Timeouts::Icmp(t) | Timeouts::Icmpv6(t) | Timeouts::Generic(t) => t.slot(attr),
            Timeouts::Sctp(t) => t.slot(attr),
            Timeouts::Dccp(t) => t.slot(attr),
            Timeouts::Other { .. } => None,
        }
    }

    /// Checks every value against [`MAX_TIMEOUT_SECS`].
    ///
    /// # Errors
    /// [`Error::InvalidTimeout`] naming the first state above it.
    pub fn validate(&self) -> Result<(), Error> {
        self.iter().try_for_each(|(s, v)| match v {
            Some(secs) => check_secs(self.proto(), s.name, secs),
            None => Ok(()),
        })
    }

    /// Decodes the `CTA_TIMEOUT_DATA` nest of layer-4 protocol `proto`.
    /// Attributes the protocol does not have are skipped (a newer kernel
    /// may add states).
    ///
    /// # Errors
    /// A malformed attribute or a value that is not 4 bytes.
    pub fn decode(proto: IpProto, data: AttrIter<'_>) -> Result<Self, ParseError> {
        let mut t = match Timeouts::empty(proto) {
            Ok(t) => t,
            Err(_) => Timeouts::Other {
                proto,
                values: Vec::new(),
            },
        };
        for a in data {
            let a = a?;
            let v = a.get_be32()?;
            match &mut t {
                // A repeated attribute keeps its place and its last value, as the
                // kernel's `nla_parse` keeps the last.
                Timeouts::Other { values, .. } => match values.iter_mut().find(|e| e.0 == a.kind())
                {
                    Some(e) => e.1 = v,
                    None => values.push((a.kind(), v)),
                },
                t => {
                    if let Some(slot) = t.slot(a.kind()) {
                        *slot = Some(v);
                    }
                }
            }
        }
        Ok(t)
    }

    /// Appends `CTA_TIMEOUT_L4PROTO` and the `CTA_TIMEOUT_DATA` nest (always
    /// sent, empty when no state is set: the kernel requires it).
    pub(crate) fn encode(&self, b: &mut MsgBuilder) -> Result<(), EncodeError> {
        b.put_u8(sys::CTA_TIMEOUT_L4PROTO, self.proto().0);
        b.nest(sys::CTA_TIMEOUT_DATA, |b| {
            for (s, v) in self.iter() {
                if let Some(v) = v {
                    b.put_be32(s.attr, v);
                }
            }
            Ok(())
        })?;
        Ok(())
    }
}

impl fmt::Display for Timeouts {
    /// The protocol and its set states as `nfct add timeout` takes them:
    /// `udp unreplied 30 replied 120`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.proto_name())?;
        for (s, v) in self.iter() {
            if let Some(v) = v {
                match s.name {
                    "" => write!(f, " {} {v}", s.attr)?,
                    n => write!(f, " {n} {v}")?,
                }
            }
        }
        Ok(())
    }
}

fn check_secs(proto: IpProto, state: &'static str, secs: u32) -> Result<(), Error> {
    if secs > MAX_TIMEOUT_SECS {
        return Err(Error::InvalidTimeout {
            proto,
            state,
            secs,
            max: MAX_TIMEOUT_SECS,
        });
    }
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
    /// [`Error::InvalidName`], [`Error::InvalidTimeout`].
    pub fn validate(&self) -> Result<(), Error> {
        check_name(&self.name)?;
        self.timeouts.validate()
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
        self.timeouts.encode(b)
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
            wrapped.validate(),
            Err(Error::InvalidTimeout { .. })
        ));
    }
}
