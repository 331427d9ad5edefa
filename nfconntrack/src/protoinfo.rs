//! Protocol state (`CTA_PROTOINFO`): TCP (`nf_conntrack_proto_tcp.c`,
//! `tcp_to_nlattr`), SCTP (`nf_conntrack_proto_sctp.c`) and DCCP
//! (`nf_conntrack_proto_dccp.c`).

use nfnl::{AttrIter, EncodeError, MsgBuilder, ParseError};
use nfnl_sys as sys;

macro_rules! state_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $var:ident = $val:expr => $text:literal,)* }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vdoc])* $var,)*
            /// A value this crate does not know.
            Unknown(u8),
        }

        impl From<u8> for $name {
            fn from(v: u8) -> Self {
                match v {
                    $(x if x == $val => $name::$var,)*
                    other => $name::Unknown(other),
                }
            }
        }

        impl From<$name> for u8 {
            fn from(s: $name) -> u8 {
                match s {
                    $($name::$var => $val,)*
                    $name::Unknown(v) => v,
                }
            }
        }

        impl $name {
            /// The name the `conntrack` tool prints (`NONE` for unknown values).
            pub fn name(&self) -> &'static str {
                match self {
                    $($name::$var => $text,)*
                    $name::Unknown(_) => "NONE",
                }
            }
        }
    };
}

state_enum!(
    /// TCP connection state (`enum tcp_conntrack`).
    TcpState {
        /// `TCP_CONNTRACK_NONE`.
        None = sys::TCP_CONNTRACK_NONE => "NONE",
        /// `TCP_CONNTRACK_SYN_SENT`.
        SynSent = sys::TCP_CONNTRACK_SYN_SENT => "SYN_SENT",
        /// `TCP_CONNTRACK_SYN_RECV`.
        SynRecv = sys::TCP_CONNTRACK_SYN_RECV => "SYN_RECV",
        /// `TCP_CONNTRACK_ESTABLISHED`.
        Established = sys::TCP_CONNTRACK_ESTABLISHED => "ESTABLISHED",
        /// `TCP_CONNTRACK_FIN_WAIT`.
        FinWait = sys::TCP_CONNTRACK_FIN_WAIT => "FIN_WAIT",
        /// `TCP_CONNTRACK_CLOSE_WAIT`.
        CloseWait = sys::TCP_CONNTRACK_CLOSE_WAIT => "CLOSE_WAIT",
        /// `TCP_CONNTRACK_LAST_ACK`.
        LastAck = sys::TCP_CONNTRACK_LAST_ACK => "LAST_ACK",
        /// `TCP_CONNTRACK_TIME_WAIT`.
        TimeWait = sys::TCP_CONNTRACK_TIME_WAIT => "TIME_WAIT",
        /// `TCP_CONNTRACK_CLOSE`.
        Close = sys::TCP_CONNTRACK_CLOSE => "CLOSE",
        /// `TCP_CONNTRACK_SYN_SENT2` (formerly `LISTEN`).
        SynSent2 = sys::TCP_CONNTRACK_SYN_SENT2 => "SYN_SENT2",
    }
);

state_enum!(
    /// SCTP association state (`enum sctp_conntrack`).
    SctpState {
        /// `SCTP_CONNTRACK_NONE`.
        None = sys::SCTP_CONNTRACK_NONE => "NONE",
        /// `SCTP_CONNTRACK_CLOSED`.
        Closed = sys::SCTP_CONNTRACK_CLOSED => "CLOSED",
        /// `SCTP_CONNTRACK_COOKIE_WAIT`.
        CookieWait = sys::SCTP_CONNTRACK_COOKIE_WAIT => "COOKIE_WAIT",
        /// `SCTP_CONNTRACK_COOKIE_ECHOED`.
        CookieEchoed = sys::SCTP_CONNTRACK_COOKIE_ECHOED => "COOKIE_ECHOED",
        /// `SCTP_CONNTRACK_ESTABLISHED`.
        Established = sys::SCTP_CONNTRACK_ESTABLISHED => "ESTABLISHED",
        /// `SCTP_CONNTRACK_SHUTDOWN_SENT`.
        ShutdownSent = sys::SCTP_CONNTRACK_SHUTDOWN_SENT => "SHUTDOWN_SENT",
        /// `SCTP_CONNTRACK_SHUTDOWN_RECD`.
        ShutdownRecd = sys::SCTP_CONNTRACK_SHUTDOWN_RECD => "SHUTDOWN_RECD",
        /// `SCTP_CONNTRACK_SHUTDOWN_ACK_SENT`.
        ShutdownAckSent = sys::SCTP_CONNTRACK_SHUTDOWN_ACK_SENT => "SHUTDOWN_ACK_SENT",
        /// `SCTP_CONNTRACK_HEARTBEAT_SENT`.
        HeartbeatSent = sys::SCTP_CONNTRACK_HEARTBEAT_SENT => "HEARTBEAT_SENT",
        /// `SCTP_CONNTRACK_HEARTBEAT_ACKED` (no longer used by the kernel).
        HeartbeatAcked = sys::SCTP_CONNTRACK_HEARTBEAT_ACKED => "HEARTBEAT_ACKED",
    }
);

// The DCCP state numbers (`enum ct_dccp_states` in
// include/uapi/linux/netfilter/nf_conntrack_common.h... `CT_DCCP_*`) are not
// part of nfnl-sys; they are small and stable, so they are written here.
state_enum!(
    /// DCCP connection state (`enum ct_dccp_states`).
    DccpState {
        /// `CT_DCCP_NONE`.
        None = 0 => "NONE",
        /// `CT_DCCP_REQUEST`.
        Request = 1 => "REQUEST",
        /// `CT_DCCP_RESPOND`.
        Respond = 2 => "RESPOND",
        /// `CT_DCCP_PARTOPEN`.
        PartOpen = 3 => "PARTOPEN",
        /// `CT_DCCP_OPEN`.
        Open = 4 => "OPEN",
        /// `CT_DCCP_CLOSEREQ`.
        CloseReq = 5 => "CLOSEREQ",
        /// `CT_DCCP_CLOSING`.
        Closing = 6 => "CLOSING",
        /// `CT_DCCP_TIMEWAIT`.
        TimeWait = 7 => "TIMEWAIT",
        /// `CT_DCCP_IGNORE`.
        Ignore = 8 => "IGNORE",
        /// `CT_DCCP_INVALID`.
        Invalid = 9 => "INVALID",
    }
);

bitflags::bitflags! {
    /// Per-direction TCP tracking flags (`IP_CT_TCP_FLAG_*`); unknown bits kept.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
    pub struct TcpFlags: u8 {
        /// `IP_CT_TCP_FLAG_WINDOW_SCALE`.
        const WINDOW_SCALE = sys::IP_CT_TCP_FLAG_WINDOW_SCALE;
        /// `IP_CT_TCP_FLAG_SACK_PERM`.
        const SACK_PERM = sys::IP_CT_TCP_FLAG_SACK_PERM;
        /// `IP_CT_TCP_FLAG_CLOSE_INIT`.
        const CLOSE_INIT = sys::IP_CT_TCP_FLAG_CLOSE_INIT;
        /// `IP_CT_TCP_FLAG_BE_LIBERAL`.
        const BE_LIBERAL = sys::IP_CT_TCP_FLAG_BE_LIBERAL;
        /// `IP_CT_TCP_FLAG_DATA_UNACKNOWLEDGED`.
        const DATA_UNACKNOWLEDGED = sys::IP_CT_TCP_FLAG_DATA_UNACKNOWLEDGED;
        /// `IP_CT_TCP_FLAG_MAXACK_SET`.
        const MAXACK_SET = sys::IP_CT_TCP_FLAG_MAXACK_SET;
        /// `IP_CT_EXP_CHALLENGE_ACK`.
        const CHALLENGE_ACK = sys::IP_CT_EXP_CHALLENGE_ACK;
        /// `IP_CT_TCP_SIMULTANEOUS_OPEN`.
        const SIMULTANEOUS_OPEN = sys::IP_CT_TCP_SIMULTANEOUS_OPEN;
    }
}

/// `struct nf_ct_tcp_flags`: flag values and which of them to change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct TcpFlagsMask {
    /// The flag values.
    pub flags: TcpFlags,
    /// Which flags an update changes (the kernel reports the flags it holds as both).
    pub mask: TcpFlags,
}

/// TCP state (`CTA_PROTOINFO_TCP`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct TcpInfo {
    /// `CTA_PROTOINFO_TCP_STATE`.
    pub state: Option<TcpState>,
    /// `CTA_PROTOINFO_TCP_WSCALE_ORIGINAL`.
    pub wscale_orig: Option<u8>,
    /// `CTA_PROTOINFO_TCP_WSCALE_REPLY`.
    pub wscale_reply: Option<u8>,
    /// `CTA_PROTOINFO_TCP_FLAGS_ORIGINAL`.
    pub flags_orig: Option<TcpFlagsMask>,
    /// `CTA_PROTOINFO_TCP_FLAGS_REPLY`.
    pub flags_reply: Option<TcpFlagsMask>,
}

/// SCTP state (`CTA_PROTOINFO_SCTP`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct SctpInfo {
    /// `CTA_PROTOINFO_SCTP_STATE`.
    pub state: Option<SctpState>,
    /// `CTA_PROTOINFO_SCTP_VTAG_ORIGINAL`.
    pub vtag_orig: Option<u32>,
    /// `CTA_PROTOINFO_SCTP_VTAG_REPLY`.
    pub vtag_reply: Option<u32>,
}

/// DCCP state (`CTA_PROTOINFO_DCCP`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct DccpInfo {
    /// `CTA_PROTOINFO_DCCP_STATE`.
    pub state: Option<DccpState>,
    /// `CTA_PROTOINFO_DCCP_ROLE`.
    pub role: Option<u8>,
    /// `CTA_PROTOINFO_DCCP_HANDSHAKE_SEQ`.
    pub handshake_seq: Option<u64>,
}

/// Protocol state of a connection (`CTA_PROTOINFO`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ProtoInfo {
    /// TCP.
    Tcp(TcpInfo),
    /// SCTP.
    Sctp(SctpInfo),
    /// DCCP.
    Dccp(DccpInfo),
}

fn tcp_flags(a: &nfnl::Attr<'_>) -> Result<TcpFlagsMask, ParseError> {
    let [flags, mask] = a.get_array::<2>()?;
    Ok(TcpFlagsMask {
        flags: TcpFlags::from_bits_retain(flags),
        mask: TcpFlags::from_bits_retain(mask),
    })
}

impl TcpInfo {
    fn decode_nested(it: AttrIter<'_>) -> Result<Self, ParseError> {
        let mut t = TcpInfo::default();
        for a in it {
            let a = a?;
            match a.kind() {
                sys::CTA_PROTOINFO_TCP_STATE => t.state = Some(a.get_u8()?.into()),
                sys::CTA_PROTOINFO_TCP_WSCALE_ORIGINAL => t.wscale_orig = Some(a.get_u8()?),
                sys::CTA_PROTOINFO_TCP_WSCALE_REPLY => t.wscale_reply = Some(a.get_u8()?),
                sys::CTA_PROTOINFO_TCP_FLAGS_ORIGINAL => t.flags_orig = Some(tcp_flags(&a)?),
                sys::CTA_PROTOINFO_TCP_FLAGS_REPLY => t.flags_reply = Some(tcp_flags(&a)?),
                _ => {}
            }
        }
        Ok(t)
    }

    fn encode_nested(&self, b: &mut MsgBuilder) -> Result<(), EncodeError> {
        if let Some(s) = self.state {
            b.put_u8(sys::CTA_PROTOINFO_TCP_STATE, s.into());
        }
        if let Some(w) = self.wscale_orig {
            b.put_u8(sys::CTA_PROTOINFO_TCP_WSCALE_ORIGINAL, w);
        }
        if let Some(w) = self.wscale_reply {
            b.put_u8(sys::CTA_PROTOINFO_TCP_WSCALE_REPLY, w);
        }
        for (kind, f) in [
            (sys::CTA_PROTOINFO_TCP_FLAGS_ORIGINAL, self.flags_orig),
            (sys::CTA_PROTOINFO_TCP_FLAGS_REPLY, self.flags_reply),
        ] {
            if let Some(f) = f {
                b.put_bytes(kind, &[f.flags.bits(), f.mask.bits()])?;
            }
        }
        Ok(())
    }
}

impl SctpInfo {
    fn decode_nested(it: AttrIter<'_>) -> Result<Self, ParseError> {
        let mut s = SctpInfo::default();
        for a in it {
            let a = a?;
            match a.kind() {
                sys::CTA_PROTOINFO_SCTP_STATE => s.state = Some(a.get_u8()?.into()),
                sys::CTA_PROTOINFO_SCTP_VTAG_ORIGINAL => s.vtag_orig = Some(a.get_be32()?),
                sys::CTA_PROTOINFO_SCTP_VTAG_REPLY => s.vtag_reply = Some(a.get_be32()?),
                _ => {}
            }
        }
        Ok(s)
    }

    fn encode_nested(&self, b: &mut MsgBuilder) {
        if let Some(v) = self.state {
            b.put_u8(sys::CTA_PROTOINFO_SCTP_STATE, v.into());
        }
        if let Some(v) = self.vtag_orig {
            b.put_be32(sys::CTA_PROTOINFO_SCTP_VTAG_ORIGINAL, v);
        }
        if let Some(v) = self.vtag_reply {
            b.put_be32(sys::CTA_PROTOINFO_SCTP_VTAG_REPLY, v);
        }
    }
}

impl DccpInfo {
    fn decode_nested(it: AttrIter<'_>) -> Result<Self, ParseError> {
        let mut d = DccpInfo::default();
        for a in it {
            let a = a?;
            match a.kind() {
                sys::CTA_PROTOINFO_DCCP_STATE => d.state = Some(a.get_u8()?.into()),
                sys::CTA_PROTOINFO_DCCP_ROLE => d.role = Some(a.get_u8()?),
                sys::CTA_PROTOINFO_DCCP_HANDSHAKE_SEQ => d.handshake_seq = Some(a.get_be64()?),
                _ => {}
            }
        }
        Ok(d)
    }

    fn encode_nested(&self, b: &mut MsgBuilder) {
        if let Some(v) = self.state {
            b.put_u8(sys::CTA_PROTOINFO_DCCP_STATE, v.into());
        }
        if let Some(v) = self.role {
            b.put_u8(sys::CTA_PROTOINFO_DCCP_ROLE, v);
        }
        if let Some(v) = self.handshake_seq {
            b.put_be64(sys::CTA_PROTOINFO_DCCP_HANDSHAKE_SEQ, v);
        }
    }
}

impl ProtoInfo {
    /// Decodes the contents of a `CTA_PROTOINFO` nest; `None` if it holds no
    /// protocol this crate knows.
    ///
    /// # Errors
    /// A malformed attribute or a wrong size.
    pub fn decode_nested(it: AttrIter<'_>) -> Result<Option<Self>, ParseError> {
        let mut out = None;
        for a in it {
            let a = a?;
            match a.kind() {
                sys::CTA_PROTOINFO_TCP => {
                    out = Some(ProtoInfo::Tcp(TcpInfo::decode_nested(a.nested())?));
                }
                sys::CTA_PROTOINFO_SCTP => {
                    out = Some(ProtoInfo::Sctp(SctpInfo::decode_nested(a.nested())?));
                }
                sys::CTA_PROTOINFO_DCCP => {
                    out = Some(ProtoInfo::Dccp(DccpInfo::decode_nested(a.nested())?));
                }
                _ => {}
            }
        }
        Ok(out)
    }

    /// Writes the contents of a `CTA_PROTOINFO` nest.
    ///
    /// # Errors
    /// None in practice (fixed sizes).
    pub fn encode_nested(&self, b: &mut MsgBuilder) -> Result<(), EncodeError> {
        match self {
            ProtoInfo::Tcp(t) => b.nest(sys::CTA_PROTOINFO_TCP, |b| t.encode_nested(b))?,
            ProtoInfo::Sctp(s) => b.nest(sys::CTA_PROTOINFO_SCTP, |b| {
                s.encode_nested(b);
                Ok(())
            })?,
            ProtoInfo::Dccp(d) => b.nest(sys::CTA_PROTOINFO_DCCP, |b| {
                d.encode_nested(b);
                Ok(())
            })?,
        };
        Ok(())
    }

    /// The state name the `conntrack` tool prints, if any.
    pub fn state_name(&self) -> Option<&'static str> {
        match self {
            ProtoInfo::Tcp(t) => t.state.map(|s| s.name()),
            ProtoInfo::Sctp(s) => s.state.map(|s| s.name()),
            ProtoInfo::Dccp(d) => d.state.map(|s| s.name()),
        }
    }
}
