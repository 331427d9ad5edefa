//! Conntrack timeout policies: `include/uapi/linux/netfilter/nfnetlink_cttimeout.h`.
//!
//! Message types of `NFNL_SUBSYS_CTNETLINK_TIMEOUT`, the policy attributes
//! (`CTA_TIMEOUT_*`) and, nested in `CTA_TIMEOUT_DATA`, one attribute per
//! state of each layer-4 protocol (`CTA_TIMEOUT_<PROTO>_<STATE>`). Every
//! state timeout is a big-endian `u32` of seconds on the wire (the kernel
//! converts to jiffies and back).
//!
//! The `*_MAX` values are those of the installed header (linux-libc-dev 6.1).

/// `IPCTNL_MSG_TIMEOUT_NEW`: create (or, with `NLM_F_REPLACE`, update) a named
/// policy (`enum ctnl_timeout_msg_types`); also the type of the kernel's
/// replies to a get or a dump.
pub const IPCTNL_MSG_TIMEOUT_NEW: u8 = 0;
/// `IPCTNL_MSG_TIMEOUT_GET`: get one policy by name, or dump all with `NLM_F_DUMP`.
pub const IPCTNL_MSG_TIMEOUT_GET: u8 = 1;
/// `IPCTNL_MSG_TIMEOUT_DELETE`: delete one policy by name, or every unused
/// one without a name.
pub const IPCTNL_MSG_TIMEOUT_DELETE: u8 = 2;
/// `IPCTNL_MSG_TIMEOUT_DEFAULT_SET`: set the namespace's default timeouts of a
/// layer-4 protocol; also the type of the reply to a default get.
pub const IPCTNL_MSG_TIMEOUT_DEFAULT_SET: u8 = 3;
/// `IPCTNL_MSG_TIMEOUT_DEFAULT_GET`: get the namespace's default timeouts of a
/// layer-4 protocol.
pub const IPCTNL_MSG_TIMEOUT_DEFAULT_GET: u8 = 4;
/// `IPCTNL_MSG_TIMEOUT_MAX`: number of message types.
pub const IPCTNL_MSG_TIMEOUT_MAX: u8 = 5;

/// `CTA_TIMEOUT_UNSPEC` (`enum ctattr_timeout`).
pub const CTA_TIMEOUT_UNSPEC: u16 = 0;
/// `CTA_TIMEOUT_NAME`: the policy's name, NUL-terminated, at most
/// `CTNL_TIMEOUT_NAME_MAX - 1` bytes.
pub const CTA_TIMEOUT_NAME: u16 = 1;
/// `CTA_TIMEOUT_L3PROTO`: layer-3 protocol (`NFPROTO_*`), big-endian `u16`.
pub const CTA_TIMEOUT_L3PROTO: u16 = 2;
/// `CTA_TIMEOUT_L4PROTO`: layer-4 protocol (`IPPROTO_*`, 255 for the
/// generic tracker), `u8`.
pub const CTA_TIMEOUT_L4PROTO: u16 = 3;
/// `CTA_TIMEOUT_DATA`: nest of the per-state timeouts of the layer-4 protocol.
pub const CTA_TIMEOUT_DATA: u16 = 4;
/// `CTA_TIMEOUT_USE`: reference count, big-endian `u32` (from the kernel only).
pub const CTA_TIMEOUT_USE: u16 = 5;
/// `CTA_TIMEOUT_MAX`: highest policy attribute.
pub const CTA_TIMEOUT_MAX: u16 = 5;

/// `CTA_TIMEOUT_GENERIC_UNSPEC` (`enum ctattr_timeout_generic`).
pub const CTA_TIMEOUT_GENERIC_UNSPEC: u16 = 0;
/// `CTA_TIMEOUT_GENERIC_TIMEOUT`: the generic tracker's one timeout.
pub const CTA_TIMEOUT_GENERIC_TIMEOUT: u16 = 1;
/// `CTA_TIMEOUT_GENERIC_MAX`: highest generic attribute.
pub const CTA_TIMEOUT_GENERIC_MAX: u16 = 1;

/// `CTA_TIMEOUT_TCP_UNSPEC` (`enum ctattr_timeout_tcp`).
pub const CTA_TIMEOUT_TCP_UNSPEC: u16 = 0;
/// `CTA_TIMEOUT_TCP_SYN_SENT`.
pub const CTA_TIMEOUT_TCP_SYN_SENT: u16 = 1;
/// `CTA_TIMEOUT_TCP_SYN_RECV`.
pub const CTA_TIMEOUT_TCP_SYN_RECV: u16 = 2;
/// `CTA_TIMEOUT_TCP_ESTABLISHED`.
pub const CTA_TIMEOUT_TCP_ESTABLISHED: u16 = 3;
/// `CTA_TIMEOUT_TCP_FIN_WAIT`.
pub const CTA_TIMEOUT_TCP_FIN_WAIT: u16 = 4;
/// `CTA_TIMEOUT_TCP_CLOSE_WAIT`.
pub const CTA_TIMEOUT_TCP_CLOSE_WAIT: u16 = 5;
/// `CTA_TIMEOUT_TCP_LAST_ACK`.
pub const CTA_TIMEOUT_TCP_LAST_ACK: u16 = 6;
/// `CTA_TIMEOUT_TCP_TIME_WAIT`.
pub const CTA_TIMEOUT_TCP_TIME_WAIT: u16 = 7;
/// `CTA_TIMEOUT_TCP_CLOSE`.
pub const CTA_TIMEOUT_TCP_CLOSE: u16 = 8;
/// `CTA_TIMEOUT_TCP_SYN_SENT2`.
pub const CTA_TIMEOUT_TCP_SYN_SENT2: u16 = 9;
/// `CTA_TIMEOUT_TCP_RETRANS`: after too many retransmissions.
pub const CTA_TIMEOUT_TCP_RETRANS: u16 = 10;
/// `CTA_TIMEOUT_TCP_UNACK`: with unacknowledged data.
pub const CTA_TIMEOUT_TCP_UNACK: u16 = 11;
/// `CTA_TIMEOUT_TCP_MAX`: highest TCP attribute.
pub const CTA_TIMEOUT_TCP_MAX: u16 = 11;

/// `CTA_TIMEOUT_UDP_UNSPEC` (`enum ctattr_timeout_udp`).
pub const CTA_TIMEOUT_UDP_UNSPEC: u16 = 0;
/// `CTA_TIMEOUT_UDP_UNREPLIED`: before the first reply.
pub const CTA_TIMEOUT_UDP_UNREPLIED: u16 = 1;
/// `CTA_TIMEOUT_UDP_REPLIED`: once a reply was seen.
pub const CTA_TIMEOUT_UDP_REPLIED: u16 = 2;
/// `CTA_TIMEOUT_UDP_MAX`: highest UDP attribute.
pub const CTA_TIMEOUT_UDP_MAX: u16 = 2;

/// `CTA_TIMEOUT_UDPLITE_UNSPEC` (`enum ctattr_timeout_udplite`).
pub const CTA_TIMEOUT_UDPLITE_UNSPEC: u16 = 0;
/// `CTA_TIMEOUT_UDPLITE_UNREPLIED`.
pub const CTA_TIMEOUT_UDPLITE_UNREPLIED: u16 = 1;
/// `CTA_TIMEOUT_UDPLITE_REPLIED`.
pub const CTA_TIMEOUT_UDPLITE_REPLIED: u16 = 2;
/// `CTA_TIMEOUT_UDPLITE_MAX`: highest UDP-Lite attribute.
pub const CTA_TIMEOUT_UDPLITE_MAX: u16 = 2;

/// `CTA_TIMEOUT_ICMP_UNSPEC` (`enum ctattr_timeout_icmp`).
pub const CTA_TIMEOUT_ICMP_UNSPEC: u16 = 0;
/// `CTA_TIMEOUT_ICMP_TIMEOUT`: ICMP's one timeout.
pub const CTA_TIMEOUT_ICMP_TIMEOUT: u16 = 1;
/// `CTA_TIMEOUT_ICMP_MAX`: highest ICMP attribute.
pub const CTA_TIMEOUT_ICMP_MAX: u16 = 1;

/// `CTA_TIMEOUT_DCCP_UNSPEC` (`enum ctattr_timeout_dccp`).
pub const CTA_TIMEOUT_DCCP_UNSPEC: u16 = 0;
/// `CTA_TIMEOUT_DCCP_REQUEST`.
pub const CTA_TIMEOUT_DCCP_REQUEST: u16 = 1;
/// `CTA_TIMEOUT_DCCP_RESPOND`.
pub const CTA_TIMEOUT_DCCP_RESPOND: u16 = 2;
/// `CTA_TIMEOUT_DCCP_PARTOPEN`.
pub const CTA_TIMEOUT_DCCP_PARTOPEN: u16 = 3;
/// `CTA_TIMEOUT_DCCP_OPEN`.
pub const CTA_TIMEOUT_DCCP_OPEN: u16 = 4;
/// `CTA_TIMEOUT_DCCP_CLOSEREQ`.
pub const CTA_TIMEOUT_DCCP_CLOSEREQ: u16 = 5;
/// `CTA_TIMEOUT_DCCP_CLOSING`.
pub const CTA_TIMEOUT_DCCP_CLOSING: u16 = 6;
/// `CTA_TIMEOUT_DCCP_TIMEWAIT`.
pub const CTA_TIMEOUT_DCCP_TIMEWAIT: u16 = 7;
/// `CTA_TIMEOUT_DCCP_MAX`: highest DCCP attribute.
pub const CTA_TIMEOUT_DCCP_MAX: u16 = 7;

/// `CTA_TIMEOUT_SCTP_UNSPEC` (`enum ctattr_timeout_sctp`).
pub const CTA_TIMEOUT_SCTP_UNSPEC: u16 = 0;
/// `CTA_TIMEOUT_SCTP_CLOSED`.
pub const CTA_TIMEOUT_SCTP_CLOSED: u16 = 1;
/// `CTA_TIMEOUT_SCTP_COOKIE_WAIT`.
pub const CTA_TIMEOUT_SCTP_COOKIE_WAIT: u16 = 2;
/// `CTA_TIMEOUT_SCTP_COOKIE_ECHOED`.
pub const CTA_TIMEOUT_SCTP_COOKIE_ECHOED: u16 = 3;
/// `CTA_TIMEOUT_SCTP_ESTABLISHED`.
pub const CTA_TIMEOUT_SCTP_ESTABLISHED: u16 = 4;
/// `CTA_TIMEOUT_SCTP_SHUTDOWN_SENT`.
pub const CTA_TIMEOUT_SCTP_SHUTDOWN_SENT: u16 = 5;
/// `CTA_TIMEOUT_SCTP_SHUTDOWN_RECD`.
pub const CTA_TIMEOUT_SCTP_SHUTDOWN_RECD: u16 = 6;
/// `CTA_TIMEOUT_SCTP_SHUTDOWN_ACK_SENT`.
pub const CTA_TIMEOUT_SCTP_SHUTDOWN_ACK_SENT: u16 = 7;
/// `CTA_TIMEOUT_SCTP_HEARTBEAT_SENT`.
pub const CTA_TIMEOUT_SCTP_HEARTBEAT_SENT: u16 = 8;
/// `CTA_TIMEOUT_SCTP_HEARTBEAT_ACKED`: no longer used by the kernel (the
/// header says so), still sent and accepted.
pub const CTA_TIMEOUT_SCTP_HEARTBEAT_ACKED: u16 = 9;
/// `CTA_TIMEOUT_SCTP_MAX`: highest SCTP attribute.
pub const CTA_TIMEOUT_SCTP_MAX: u16 = 9;

/// `CTA_TIMEOUT_ICMPV6_UNSPEC` (`enum ctattr_timeout_icmpv6`).
pub const CTA_TIMEOUT_ICMPV6_UNSPEC: u16 = 0;
/// `CTA_TIMEOUT_ICMPV6_TIMEOUT`: ICMPv6's one timeout.
pub const CTA_TIMEOUT_ICMPV6_TIMEOUT: u16 = 1;
/// `CTA_TIMEOUT_ICMPV6_MAX`: highest ICMPv6 attribute.
pub const CTA_TIMEOUT_ICMPV6_MAX: u16 = 1;

/// `CTA_TIMEOUT_GRE_UNSPEC` (`enum ctattr_timeout_gre`).
pub const CTA_TIMEOUT_GRE_UNSPEC: u16 = 0;
/// `CTA_TIMEOUT_GRE_UNREPLIED`.
pub const CTA_TIMEOUT_GRE_UNREPLIED: u16 = 1;
/// `CTA_TIMEOUT_GRE_REPLIED`.
pub const CTA_TIMEOUT_GRE_REPLIED: u16 = 2;
/// `CTA_TIMEOUT_GRE_MAX`: highest GRE attribute.
pub const CTA_TIMEOUT_GRE_MAX: u16 = 2;

/// `CTNL_TIMEOUT_NAME_MAX`: size of the kernel's name buffer, NUL included
/// (so a name has at most 31 bytes).
pub const CTNL_TIMEOUT_NAME_MAX: usize = 32;
