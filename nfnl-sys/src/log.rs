//! nfnetlink_log: `include/uapi/linux/netfilter/nfnetlink_log.h`.
//!
//! Message types (`NFNL_SUBSYS_ULOG`), packet and config attributes, the
//! payload structs, config commands, copy modes and flags.

use core::mem::{align_of, offset_of, size_of};

/// `NFULNL_MSG_PACKET`: packet from the kernel to userspace (`enum nfulnl_msg_types`).
pub const NFULNL_MSG_PACKET: u8 = 0;
/// `NFULNL_MSG_CONFIG`: bind to / configure a log group.
pub const NFULNL_MSG_CONFIG: u8 = 1;
/// `NFULNL_MSG_MAX`: number of message types.
pub const NFULNL_MSG_MAX: u8 = 2;

/// `struct nfulnl_msg_packet_hdr`: payload of `NFULA_PACKET_HDR`.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct nfulnl_msg_packet_hdr {
    /// Hardware protocol (ethertype), big-endian.
    pub hw_protocol: u16,
    /// Netfilter hook (`NF_INET_*`).
    pub hook: u8,
    /// Padding.
    pub _pad: u8,
}
const _: () = assert!(size_of::<nfulnl_msg_packet_hdr>() == 4);
const _: () = assert!(align_of::<nfulnl_msg_packet_hdr>() == 2);
const _: () = assert!(offset_of!(nfulnl_msg_packet_hdr, hw_protocol) == 0);
const _: () = assert!(offset_of!(nfulnl_msg_packet_hdr, hook) == 2);
const _: () = assert!(offset_of!(nfulnl_msg_packet_hdr, _pad) == 3);

/// `struct nfulnl_msg_packet_hw`: payload of `NFULA_HWADDR`.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct nfulnl_msg_packet_hw {
    /// Number of valid bytes in `hw_addr`, big-endian.
    pub hw_addrlen: u16,
    /// Padding.
    pub _pad: u16,
    /// Hardware (link-layer) source address.
    pub hw_addr: [u8; 8],
}
const _: () = assert!(size_of::<nfulnl_msg_packet_hw>() == 12);
const _: () = assert!(align_of::<nfulnl_msg_packet_hw>() == 2);
const _: () = assert!(offset_of!(nfulnl_msg_packet_hw, hw_addrlen) == 0);
const _: () = assert!(offset_of!(nfulnl_msg_packet_hw, _pad) == 2);
const _: () = assert!(offset_of!(nfulnl_msg_packet_hw, hw_addr) == 4);

/// `struct nfulnl_msg_packet_timestamp`: payload of `NFULA_TIMESTAMP`.
///
/// The fields are `__aligned_be64` (`__be64 __attribute__((aligned(8)))`), so the struct has
/// 8-byte alignment on every target, also where a plain `u64` is 4-aligned (i686): hence
/// `align(8)`, which the assertions below check.
#[repr(C, align(8))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct nfulnl_msg_packet_timestamp {
    /// Seconds, big-endian.
    pub sec: u64,
    /// Microseconds, big-endian.
    pub usec: u64,
}
const _: () = assert!(size_of::<nfulnl_msg_packet_timestamp>() == 16);
const _: () = assert!(align_of::<nfulnl_msg_packet_timestamp>() == 8);
const _: () = assert!(offset_of!(nfulnl_msg_packet_timestamp, sec) == 0);
const _: () = assert!(offset_of!(nfulnl_msg_packet_timestamp, usec) == 8);

/// `NFULA_VLAN_UNSPEC` (`enum nfulnl_vlan_attr`, nested in `NFULA_VLAN`).
pub const NFULA_VLAN_UNSPEC: u16 = 0;
/// `NFULA_VLAN_PROTO`: VLAN protocol (`__be16`).
pub const NFULA_VLAN_PROTO: u16 = 1;
/// `NFULA_VLAN_TCI`: VLAN tag control information (`__be16`).
pub const NFULA_VLAN_TCI: u16 = 2;
/// `NFULA_VLAN_MAX`: as defined by the header: `__NFULA_VLAN_MAX + 1` (sic; 4, not 2).
///
/// The kernel header has `+ 1` where every other `*_MAX` has `- 1`; the
/// highest VLAN attribute is `NFULA_VLAN_TCI` (2).
pub const NFULA_VLAN_MAX: u16 = 4;

/// `NFULA_UNSPEC` (`enum nfulnl_attr_type`).
pub const NFULA_UNSPEC: u16 = 0;
/// `NFULA_PACKET_HDR`: [`nfulnl_msg_packet_hdr`].
pub const NFULA_PACKET_HDR: u16 = 1;
/// `NFULA_MARK`: packet mark (`__be32`).
pub const NFULA_MARK: u16 = 2;
/// `NFULA_TIMESTAMP`: [`nfulnl_msg_packet_timestamp`].
pub const NFULA_TIMESTAMP: u16 = 3;
/// `NFULA_IFINDEX_INDEV`: input interface index (`__be32`).
pub const NFULA_IFINDEX_INDEV: u16 = 4;
/// `NFULA_IFINDEX_OUTDEV`: output interface index (`__be32`).
pub const NFULA_IFINDEX_OUTDEV: u16 = 5;
/// `NFULA_IFINDEX_PHYSINDEV`: physical (bridge port) input interface index (`__be32`).
pub const NFULA_IFINDEX_PHYSINDEV: u16 = 6;
/// `NFULA_IFINDEX_PHYSOUTDEV`: physical (bridge port) output interface index (`__be32`).
pub const NFULA_IFINDEX_PHYSOUTDEV: u16 = 7;
/// `NFULA_HWADDR`: [`nfulnl_msg_packet_hw`].
pub const NFULA_HWADDR: u16 = 8;
/// `NFULA_PAYLOAD`: the packet.
pub const NFULA_PAYLOAD: u16 = 9;
/// `NFULA_PREFIX`: log prefix (string).
pub const NFULA_PREFIX: u16 = 10;
/// `NFULA_UID`: socket owner uid (`__be32`).
pub const NFULA_UID: u16 = 11;
/// `NFULA_SEQ`: instance-local sequence number (`__be32`).
pub const NFULA_SEQ: u16 = 12;
/// `NFULA_SEQ_GLOBAL`: global sequence number (`__be32`).
pub const NFULA_SEQ_GLOBAL: u16 = 13;
/// `NFULA_GID`: socket owner gid (`__be32`).
pub const NFULA_GID: u16 = 14;
/// `NFULA_HWTYPE`: hardware type (`ARPHRD_*`, `__be16`).
pub const NFULA_HWTYPE: u16 = 15;
/// `NFULA_HWHEADER`: hardware (link-layer) header.
pub const NFULA_HWHEADER: u16 = 16;
/// `NFULA_HWLEN`: hardware header length (`__be16`).
pub const NFULA_HWLEN: u16 = 17;
/// `NFULA_CT`: nested conntrack attributes (`CTA_*`).
pub const NFULA_CT: u16 = 18;
/// `NFULA_CT_INFO`: `enum ip_conntrack_info` (`IP_CT_*`, `__be32`).
pub const NFULA_CT_INFO: u16 = 19;
/// `NFULA_VLAN`: nested VLAN attributes (`NFULA_VLAN_*`).
pub const NFULA_VLAN: u16 = 20;
/// `NFULA_L2HDR`: the full layer-2 header.
pub const NFULA_L2HDR: u16 = 21;
/// `NFULA_MAX`: highest packet attribute.
pub const NFULA_MAX: u16 = 21;

/// `NFULNL_CFG_CMD_NONE` (`enum nfulnl_msg_config_cmds`).
pub const NFULNL_CFG_CMD_NONE: u8 = 0;
/// `NFULNL_CFG_CMD_BIND`: bind the socket to the log group.
pub const NFULNL_CFG_CMD_BIND: u8 = 1;
/// `NFULNL_CFG_CMD_UNBIND`: unbind the socket from the log group.
pub const NFULNL_CFG_CMD_UNBIND: u8 = 2;
/// `NFULNL_CFG_CMD_PF_BIND`: make nfnetlink_log the logger of the family in `nfgen_family`.
pub const NFULNL_CFG_CMD_PF_BIND: u8 = 3;
/// `NFULNL_CFG_CMD_PF_UNBIND`: stop nfnetlink_log being the logger of the family.
pub const NFULNL_CFG_CMD_PF_UNBIND: u8 = 4;

/// `struct nfulnl_msg_config_cmd`: payload of `NFULA_CFG_CMD`.
///
/// Packed in the kernel header (`__attribute__ ((packed))`): 1 byte.
#[repr(C, packed)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct nfulnl_msg_config_cmd {
    /// Command (`NFULNL_CFG_CMD_*`).
    pub command: u8,
}
const _: () = assert!(size_of::<nfulnl_msg_config_cmd>() == 1);
const _: () = assert!(align_of::<nfulnl_msg_config_cmd>() == 1);
const _: () = assert!(offset_of!(nfulnl_msg_config_cmd, command) == 0);

/// `struct nfulnl_msg_config_mode`: payload of `NFULA_CFG_MODE`.
///
/// Packed in the kernel header (`__attribute__ ((packed))`): 6 bytes, alignment 1.
#[repr(C, packed)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct nfulnl_msg_config_mode {
    /// Number of packet bytes to copy, big-endian.
    pub copy_range: u32,
    /// Copy mode (`NFULNL_COPY_*`).
    pub copy_mode: u8,
    /// Padding.
    pub _pad: u8,
}
const _: () = assert!(size_of::<nfulnl_msg_config_mode>() == 6);
const _: () = assert!(align_of::<nfulnl_msg_config_mode>() == 1);
const _: () = assert!(offset_of!(nfulnl_msg_config_mode, copy_range) == 0);
const _: () = assert!(offset_of!(nfulnl_msg_config_mode, copy_mode) == 4);
const _: () = assert!(offset_of!(nfulnl_msg_config_mode, _pad) == 5);

/// `NFULA_CFG_UNSPEC` (`enum nfulnl_attr_config`).
pub const NFULA_CFG_UNSPEC: u16 = 0;
/// `NFULA_CFG_CMD`: [`nfulnl_msg_config_cmd`].
pub const NFULA_CFG_CMD: u16 = 1;
/// `NFULA_CFG_MODE`: [`nfulnl_msg_config_mode`].
pub const NFULA_CFG_MODE: u16 = 2;
/// `NFULA_CFG_NLBUFSIZ`: netlink buffer size (`__be32`).
pub const NFULA_CFG_NLBUFSIZ: u16 = 3;
/// `NFULA_CFG_TIMEOUT`: flush timeout in 1/100 s (`__be32`).
pub const NFULA_CFG_TIMEOUT: u16 = 4;
/// `NFULA_CFG_QTHRESH`: queue threshold in packets (`__be32`).
pub const NFULA_CFG_QTHRESH: u16 = 5;
/// `NFULA_CFG_FLAGS`: `NFULNL_CFG_F_*` flags (`__be16`).
pub const NFULA_CFG_FLAGS: u16 = 6;
/// `NFULA_CFG_MAX`: highest config attribute.
pub const NFULA_CFG_MAX: u16 = 6;

/// `NFULNL_COPY_NONE`: copy nothing (`0xff` is reserved).
pub const NFULNL_COPY_NONE: u8 = 0x00;
/// `NFULNL_COPY_META`: copy metadata only.
pub const NFULNL_COPY_META: u8 = 0x01;
/// `NFULNL_COPY_PACKET`: copy metadata and up to `copy_range` bytes of the packet.
pub const NFULNL_COPY_PACKET: u8 = 0x02;

/// `NFULNL_CFG_F_SEQ`: attach the instance-local sequence number (`NFULA_SEQ`).
pub const NFULNL_CFG_F_SEQ: u16 = 0x0001;
/// `NFULNL_CFG_F_SEQ_GLOBAL`: attach the global sequence number (`NFULA_SEQ_GLOBAL`).
pub const NFULNL_CFG_F_SEQ_GLOBAL: u16 = 0x0002;
/// `NFULNL_CFG_F_CONNTRACK`: attach conntrack information (`NFULA_CT`, `NFULA_CT_INFO`).
pub const NFULNL_CFG_F_CONNTRACK: u16 = 0x0004;
