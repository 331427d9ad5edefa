//! Connection-tracking timeouts per layer-4 protocol: the states of each
//! protocol's tracker and their timeouts in seconds, as the kernel carries
//! them in a `CTA_TIMEOUT_DATA` nest (`CTA_TIMEOUT_<PROTO>_<STATE>`, each a
//! big-endian `u32`).
//!
//! Two subsystems speak them: `nfnetlink_cttimeout` (named timeout
//! policies, `IPCTNL_MSG_TIMEOUT_*`, and the namespace defaults) and
//! nf_tables (the ct timeout object, `NFT_OBJECT_CT_TIMEOUT`, whose
//! `NFTA_CT_TIMEOUT_DATA` is the same nest). Both fill it with each
//! protocol's `nlattr_to_obj` and report it with `obj_to_nlattr`
//! (`nf_conntrack_proto_*.c`, `struct nf_conntrack_l4proto`'s
//! `ctnl_timeout`), which writes every state in attribute order.
//!
//! ```text
//! CTA_TIMEOUT_DATA (nest) | <state attr> be32 seconds | <state attr> be32 seconds | ...
//! ```
//!
//! The layer-4 protocol travels beside the nest, under the caller's
//! attribute (`CTA_TIMEOUT_L4PROTO`, `NFTA_CT_TIMEOUT_L4PROTO`): it chooses
//! the [`Timeouts`] variant, and this module names no subsystem.

use std::fmt;

use nfnl_sys as sys;

use crate::attr::AttrIter;
use crate::error::ParseError;
use crate::netfilter::IpProto;

/// Largest timeout in seconds that survives the kernel's conversion: it
/// stores `seconds * HZ` in 32 bits (`nlattr_to_obj` of each
/// `nf_conntrack_proto_*.c`), so larger values would wrap silently at
/// `HZ = 1000`, the highest tick rate (about 49.7 days).
pub const MAX_TIMEOUT_SECS: u32 = u32::MAX / 1000;

/// The layer-4 protocol number of the kernel's generic tracker
/// (`nf_conntrack_l4proto_generic`, 255): its one timeout applies to every
/// protocol without a tracker of its own.
pub const GENERIC: IpProto = IpProto(255);

/// One state of a protocol: its name (lower case, as the `nfct` tool
/// takes it in any case) and its attribute in `CTA_TIMEOUT_DATA`.
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
    /// longer track DCCP and refuse DCCP policies and objects (`EOPNOTSUPP`).
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
    /// [`TimeoutError::UnknownProtocol`] for a protocol without timeout states
    /// here (any number but the nine of the variants).
    pub fn empty(proto: IpProto) -> Result<Self, TimeoutError> {
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
            proto => return Err(TimeoutError::UnknownProtocol { proto }),
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
    /// [`TimeoutError::UnknownState`] listing the protocol's states.
    pub fn state(&self, name: &str) -> Result<State, TimeoutError> {
        self.states()
            .iter()
            .find(|s| s.name.eq_ignore_ascii_case(name))
            .copied()
            .ok_or_else(|| TimeoutError::UnknownState {
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
    /// [`TimeoutError::UnknownState`]; [`TimeoutError::InvalidTimeout`] above
    /// [`MAX_TIMEOUT_SECS`].
    pub fn set(&mut self, name: &str, secs: u32) -> Result<&mut Self, TimeoutError> {
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
    /// [`TimeoutError::InvalidTimeout`] naming the first state above it.
    pub fn validate(&self) -> Result<(), TimeoutError> {
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

    /// The states that are set, as `(attribute, seconds)` in attribute
    /// order: what `CTA_TIMEOUT_DATA` carries, each a big-endian `u32`
    /// (the kernel writes every state, in this order, when it reports a
    /// policy).
    pub fn attrs(&self) -> impl Iterator<Item = (u16, u32)> + '_ {
        self.iter().filter_map(|(s, v)| v.map(|v| (s.attr, v)))
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

fn check_secs(proto: IpProto, state: &'static str, secs: u32) -> Result<(), TimeoutError> {
    if secs > MAX_TIMEOUT_SECS {
        return Err(TimeoutError::InvalidTimeout {
            proto,
            state,
            secs,
            max: MAX_TIMEOUT_SECS,
        });
    }
    Ok(())
}

/// A timeout value or state name the kernel would refuse or keep wrongly,
/// found before anything is sent.
///
/// Not `#[non_exhaustive]`: a subsystem crate maps each variant to its own
/// error of the same meaning.
#[derive(Debug, Clone, PartialEq, Eq, Hash, thiserror::Error)]
pub enum TimeoutError {
    /// A timeout above [`MAX_TIMEOUT_SECS`]: the kernel multiplies seconds
    /// by its tick rate in 32 bits, and would silently keep a wrapped value.
    #[error(
        "{proto} state {state}: {secs} s is above the largest timeout the kernel keeps ({max} s)"
    )]
    InvalidTimeout {
        /// The protocol.
        proto: IpProto,
        /// The state's name.
        state: &'static str,
        /// The value asked for.
        secs: u32,
        /// The limit, [`MAX_TIMEOUT_SECS`].
        max: u32,
    },
    /// A state name that the protocol does not have (see [`Timeouts::set`]).
    #[error("protocol {proto} has no state {state:?} (its states: {known})")]
    UnknownState {
        /// The protocol.
        proto: IpProto,
        /// The name given.
        state: String,
        /// The protocol's state names, comma separated.
        known: String,
    },
    /// A layer-4 protocol without timeout states here (see [`Timeouts::empty`]).
    #[error("protocol {proto} has no timeout states")]
    UnknownProtocol {
        /// The protocol.
        proto: IpProto,
    },
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn every_kind_decodes_what_it_encodes() {
        for proto in [6u8, 17, 136, 1, 58, 47, 132, 33, 255, 50] {
            let mut t = Timeouts::empty(IpProto(proto)).unwrap_or(Timeouts::Other {
                proto: IpProto(proto),
                values: vec![(1, 2), (4, 5)],
            });
            for (i, s) in t.states().iter().enumerate() {
                if i % 2 == 0 {
                    t.set(s.name, 100 + u32::from(s.attr)).unwrap();
                }
            }
            let mut nest = Vec::new();
            for (attr, v) in t.attrs() {
                nest.extend_from_slice(&8u16.to_ne_bytes());
                nest.extend_from_slice(&attr.to_ne_bytes());
                nest.extend_from_slice(&v.to_be_bytes());
            }
            let back = Timeouts::decode(IpProto(proto), AttrIter::new(&nest)).unwrap();
            assert_eq!(back, t);
        }
    }

    #[test]
    fn values_the_kernel_would_wrap_are_refused() {
        let mut big = Timeouts::empty(IpProto::ICMP).unwrap();
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
            Err(TimeoutError::InvalidTimeout { .. })
        ));
        assert_eq!(
            Timeouts::empty(IpProto::ESP).unwrap_err().to_string(),
            "protocol esp has no timeout states"
        );
    }

    #[test]
    fn a_value_that_is_not_four_bytes_is_an_error() {
        let nest = [5u8, 0, 1, 0, 7, 0, 0, 0];
        assert!(Timeouts::decode(IpProto::ICMP, AttrIter::new(&nest)).is_err());
    }
}
