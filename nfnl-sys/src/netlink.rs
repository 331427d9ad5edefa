//! The netlink core: `include/uapi/linux/netlink.h`.
//!
//! Message header, attribute header, error payload, message types, flags,
//! attribute flags, extended-ack attributes and `SOL_NETLINK` socket options.
//!
//! Not mirrored: the other `NETLINK_*` protocol numbers, the function-like
//! `NLMSG_*`/`NLA_*` macros, the removed mmap ring (`nl_mmap_*`) and
//! `struct nla_bitfield32`.

use core::mem::{align_of, offset_of, size_of};

/// `NETLINK_NETFILTER`: the netlink protocol number of nfnetlink.
pub const NETLINK_NETFILTER: i32 = 12;
/// `SOL_NETLINK`: the socket level of the netlink socket options.
///
/// Not in a UAPI header: the kernel defines it in the internal
/// `include/linux/socket.h`; userspace gets it from glibc's `<sys/socket.h>`.
pub const SOL_NETLINK: i32 = 270;

/// `struct sockaddr_nl`: a netlink socket address.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct sockaddr_nl {
    /// `AF_NETLINK`.
    pub nl_family: u16,
    /// Zero.
    pub nl_pad: u16,
    /// Port id (0 for the kernel).
    pub nl_pid: u32,
    /// Multicast groups mask (legacy, groups 1..=32).
    pub nl_groups: u32,
}
const _: () = assert!(size_of::<sockaddr_nl>() == 12);
const _: () = assert!(align_of::<sockaddr_nl>() == 4);
const _: () = assert!(offset_of!(sockaddr_nl, nl_family) == 0);
const _: () = assert!(offset_of!(sockaddr_nl, nl_pad) == 2);
const _: () = assert!(offset_of!(sockaddr_nl, nl_pid) == 4);
const _: () = assert!(offset_of!(sockaddr_nl, nl_groups) == 8);

/// `struct nlmsghdr`: the header in front of every netlink message (host byte order).
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct nlmsghdr {
    /// Length of the message including this header.
    pub nlmsg_len: u32,
    /// Message type.
    pub nlmsg_type: u16,
    /// `NLM_F_*` flags.
    pub nlmsg_flags: u16,
    /// Sequence number.
    pub nlmsg_seq: u32,
    /// Sending process port id.
    pub nlmsg_pid: u32,
}
const _: () = assert!(size_of::<nlmsghdr>() == 16);
const _: () = assert!(align_of::<nlmsghdr>() == 4);
const _: () = assert!(offset_of!(nlmsghdr, nlmsg_len) == 0);
const _: () = assert!(offset_of!(nlmsghdr, nlmsg_type) == 4);
const _: () = assert!(offset_of!(nlmsghdr, nlmsg_flags) == 6);
const _: () = assert!(offset_of!(nlmsghdr, nlmsg_seq) == 8);
const _: () = assert!(offset_of!(nlmsghdr, nlmsg_pid) == 12);

/// `struct nlmsgerr`: payload of an `NLMSG_ERROR` message.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct nlmsgerr {
    /// Negative errno, or 0 for an acknowledgement.
    pub error: i32,
    /// Header of the message that caused the error.
    pub msg: nlmsghdr,
}
const _: () = assert!(size_of::<nlmsgerr>() == 20);
const _: () = assert!(align_of::<nlmsgerr>() == 4);
const _: () = assert!(offset_of!(nlmsgerr, error) == 0);
const _: () = assert!(offset_of!(nlmsgerr, msg) == 4);

/// `struct nlattr`: the header of a netlink attribute (host byte order).
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct nlattr {
    /// Length of the attribute including this header, excluding padding.
    pub nla_len: u16,
    /// Attribute type, with the `NLA_F_*` bits.
    pub nla_type: u16,
}
const _: () = assert!(size_of::<nlattr>() == 4);
const _: () = assert!(align_of::<nlattr>() == 2);
const _: () = assert!(offset_of!(nlattr, nla_len) == 0);
const _: () = assert!(offset_of!(nlattr, nla_type) == 2);

/// `NLMSG_ALIGNTO`: netlink messages are aligned to 4 bytes.
pub const NLMSG_ALIGNTO: u32 = 4;
/// `NLMSG_HDRLEN`: aligned size of [`nlmsghdr`].
pub const NLMSG_HDRLEN: usize = 16;
/// `NLA_ALIGNTO`: attributes are aligned to 4 bytes.
pub const NLA_ALIGNTO: usize = 4;
/// `NLA_HDRLEN`: aligned size of [`nlattr`].
pub const NLA_HDRLEN: usize = 4;

/// `NLMSG_NOOP`: nothing; to be ignored.
pub const NLMSG_NOOP: u16 = 0x1;
/// `NLMSG_ERROR`: an error or an acknowledgement ([`nlmsgerr`]).
pub const NLMSG_ERROR: u16 = 0x2;
/// `NLMSG_DONE`: end of a multipart dump (may carry an errno).
pub const NLMSG_DONE: u16 = 0x3;
/// `NLMSG_OVERRUN`: data lost.
pub const NLMSG_OVERRUN: u16 = 0x4;
/// `NLMSG_MIN_TYPE`: types below this are reserved control messages.
pub const NLMSG_MIN_TYPE: u16 = 0x10;

/// `NLM_F_REQUEST`: it is a request message.
pub const NLM_F_REQUEST: u16 = 0x01;
/// `NLM_F_MULTI`: multipart message, terminated by `NLMSG_DONE`.
pub const NLM_F_MULTI: u16 = 0x02;
/// `NLM_F_ACK`: reply with an acknowledgement (zero or error code).
pub const NLM_F_ACK: u16 = 0x04;
/// `NLM_F_ECHO`: receive the resulting notifications.
pub const NLM_F_ECHO: u16 = 0x08;
/// `NLM_F_DUMP_INTR`: dump was inconsistent due to a sequence change.
pub const NLM_F_DUMP_INTR: u16 = 0x10;
/// `NLM_F_DUMP_FILTERED`: dump was filtered as requested.
pub const NLM_F_DUMP_FILTERED: u16 = 0x20;
/// `NLM_F_ROOT`: GET modifier, return the whole table.
pub const NLM_F_ROOT: u16 = 0x100;
/// `NLM_F_MATCH`: GET modifier, return all matching.
pub const NLM_F_MATCH: u16 = 0x200;
/// `NLM_F_ATOMIC`: GET modifier, atomic GET.
pub const NLM_F_ATOMIC: u16 = 0x400;
/// `NLM_F_DUMP`: `NLM_F_ROOT | NLM_F_MATCH`.
pub const NLM_F_DUMP: u16 = NLM_F_ROOT | NLM_F_MATCH;
/// `NLM_F_REPLACE`: NEW modifier, override existing.
pub const NLM_F_REPLACE: u16 = 0x100;
/// `NLM_F_EXCL`: NEW modifier, do not touch if it exists.
pub const NLM_F_EXCL: u16 = 0x200;
/// `NLM_F_CREATE`: NEW modifier, create if it does not exist.
pub const NLM_F_CREATE: u16 = 0x400;
/// `NLM_F_APPEND`: NEW modifier, add to the end of the list.
pub const NLM_F_APPEND: u16 = 0x800;
/// `NLM_F_NONREC`: DELETE modifier, do not delete recursively.
pub const NLM_F_NONREC: u16 = 0x100;
/// `NLM_F_BULK`: DELETE modifier, delete multiple objects.
pub const NLM_F_BULK: u16 = 0x200;
/// `NLM_F_CAPPED`: ACK flag, the request was capped (not echoed whole).
pub const NLM_F_CAPPED: u16 = 0x100;
/// `NLM_F_ACK_TLVS`: ACK flag, extended-ack TLVs follow.
pub const NLM_F_ACK_TLVS: u16 = 0x200;

/// `NLA_F_NESTED`: the attribute carries nested attributes.
pub const NLA_F_NESTED: u16 = 1 << 15;
/// `NLA_F_NET_BYTEORDER`: the payload is in network byte order.
pub const NLA_F_NET_BYTEORDER: u16 = 1 << 14;
/// `NLA_TYPE_MASK`: the bits of `nla_type` that hold the type.
pub const NLA_TYPE_MASK: u16 = !(NLA_F_NESTED | NLA_F_NET_BYTEORDER);

/// `NLMSGERR_ATTR_UNUSED`.
pub const NLMSGERR_ATTR_UNUSED: u16 = 0;
/// `NLMSGERR_ATTR_MSG`: error message string.
pub const NLMSGERR_ATTR_MSG: u16 = 1;
/// `NLMSGERR_ATTR_OFFS`: offset of the invalid attribute in the original message (u32).
pub const NLMSGERR_ATTR_OFFS: u16 = 2;
/// `NLMSGERR_ATTR_COOKIE`: arbitrary subsystem-specific cookie.
pub const NLMSGERR_ATTR_COOKIE: u16 = 3;
/// `NLMSGERR_ATTR_POLICY`: policy for a rejected attribute.
pub const NLMSGERR_ATTR_POLICY: u16 = 4;
/// `NLMSGERR_ATTR_MISS_TYPE`: type of a missing required attribute.
pub const NLMSGERR_ATTR_MISS_TYPE: u16 = 5;
/// `NLMSGERR_ATTR_MISS_NEST`: offset of the nest where an attribute was missing.
pub const NLMSGERR_ATTR_MISS_NEST: u16 = 6;
/// `NLMSGERR_ATTR_MAX`: highest extended-ack attribute number.
pub const NLMSGERR_ATTR_MAX: u16 = 6;

/// `NETLINK_ADD_MEMBERSHIP`: join a multicast group.
pub const NETLINK_ADD_MEMBERSHIP: i32 = 1;
/// `NETLINK_DROP_MEMBERSHIP`: leave a multicast group.
pub const NETLINK_DROP_MEMBERSHIP: i32 = 2;
/// `NETLINK_PKTINFO`: receive `struct nl_pktinfo` control messages.
pub const NETLINK_PKTINFO: i32 = 3;
/// `NETLINK_BROADCAST_ERROR`: report broadcast delivery failures to the sender.
pub const NETLINK_BROADCAST_ERROR: i32 = 4;
/// `NETLINK_NO_ENOBUFS`: do not report receive-buffer overruns with `ENOBUFS`.
pub const NETLINK_NO_ENOBUFS: i32 = 5;
/// `NETLINK_RX_RING` (removed from the kernel).
pub const NETLINK_RX_RING: i32 = 6;
/// `NETLINK_TX_RING` (removed from the kernel).
pub const NETLINK_TX_RING: i32 = 7;
/// `NETLINK_LISTEN_ALL_NSID`: receive multicast from all peer network namespaces.
pub const NETLINK_LISTEN_ALL_NSID: i32 = 8;
/// `NETLINK_LIST_MEMBERSHIPS`: read the joined groups.
pub const NETLINK_LIST_MEMBERSHIPS: i32 = 9;
/// `NETLINK_CAP_ACK`: do not echo the request payload in error messages.
pub const NETLINK_CAP_ACK: i32 = 10;
/// `NETLINK_EXT_ACK`: extended acknowledgements (message text and offset).
pub const NETLINK_EXT_ACK: i32 = 11;
/// `NETLINK_GET_STRICT_CHK`: strict checking of dump requests.
pub const NETLINK_GET_STRICT_CHK: i32 = 12;

/// `struct nl_pktinfo`: the `NETLINK_PKTINFO` control message.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct nl_pktinfo {
    /// Multicast group the message was received on.
    pub group: u32,
}
const _: () = assert!(size_of::<nl_pktinfo>() == 4);
const _: () = assert!(align_of::<nl_pktinfo>() == 4);
const _: () = assert!(offset_of!(nl_pktinfo, group) == 0);
