//! nfnetlink_queue: `include/uapi/linux/netfilter/nfnetlink_queue.h`.
//!
//! Message types (`NFNL_SUBSYS_QUEUE`), packet and config attributes, the
//! payload structs, config commands, copy modes and flags.
//!
//! The `*_MAX` values are those of the installed header (linux-libc-dev 6.1);
//! newer kernels may append attributes (see [`NFQA_CGROUP_CLASSID`]).

use core::mem::{align_of, offset_of, size_of};

/// `NFQNL_MSG_PACKET`: packet from the kernel to userspace (`enum nfqnl_msg_types`).
pub const NFQNL_MSG_PACKET: u8 = 0;
/// `NFQNL_MSG_VERDICT`: verdict from userspace to the kernel.
pub const NFQNL_MSG_VERDICT: u8 = 1;
/// `NFQNL_MSG_CONFIG`: bind to / configure a queue.
pub const NFQNL_MSG_CONFIG: u8 = 2;
/// `NFQNL_MSG_VERDICT_BATCH`: verdict for all packets up to an id.
pub const NFQNL_MSG_VERDICT_BATCH: u8 = 3;
/// `NFQNL_MSG_MAX`: number of message types.
pub const NFQNL_MSG_MAX: u8 = 4;

/// `struct nfqnl_msg_packet_hdr`: payload of `NFQA_PACKET_HDR`.
///
/// Packed in the kernel header (`__attribute__ ((packed))`): 7 bytes, alignment 1.
#[repr(C, packed)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct nfqnl_msg_packet_hdr {
    /// Unique id of the packet in the queue, big-endian.
    pub packet_id: u32,
    /// Hardware protocol (ethertype), big-endian.
    pub hw_protocol: u16,
    /// Netfilter hook (`NF_INET_*`).
    pub hook: u8,
}
const _: () = assert!(size_of::<nfqnl_msg_packet_hdr>() == 7);
const _: () = assert!(align_of::<nfqnl_msg_packet_hdr>() == 1);
const _: () = assert!(offset_of!(nfqnl_msg_packet_hdr, packet_id) == 0);
const _: () = assert!(offset_of!(nfqnl_msg_packet_hdr, hw_protocol) == 4);
const _: () = assert!(offset_of!(nfqnl_msg_packet_hdr, hook) == 6);

/// `struct nfqnl_msg_packet_hw`: payload of `NFQA_HWADDR`.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct nfqnl_msg_packet_hw {
    /// Number of valid bytes in `hw_addr`, big-endian.
    pub hw_addrlen: u16,
    /// Padding.
    pub _pad: u16,
    /// Hardware (link-layer) source address.
    pub hw_addr: [u8; 8],
}
const _: () = assert!(size_of::<nfqnl_msg_packet_hw>() == 12);
const _: () = assert!(align_of::<nfqnl_msg_packet_hw>() == 2);
const _: () = assert!(offset_of!(nfqnl_msg_packet_hw, hw_addrlen) == 0);
const _: () = assert!(offset_of!(nfqnl_msg_packet_hw, _pad) == 2);
const _: () = assert!(offset_of!(nfqnl_msg_packet_hw, hw_addr) == 4);

/// `struct nfqnl_msg_packet_timestamp`: payload of `NFQA_TIMESTAMP`.
///
/// The fields are `__aligned_be64` (`__be64 __attribute__((aligned(8)))`), so the struct has
/// 8-byte alignment on every target, also where a plain `u64` is 4-aligned (i686): hence
/// `align(8)`, which the assertions below check.
#[repr(C, align(8))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct nfqnl_msg_packet_timestamp {
    /// Seconds, big-endian.
    pub sec: u64,
    /// Microseconds, big-endian.
    pub usec: u64,
}
const _: () = assert!(size_of::<nfqnl_msg_packet_timestamp>() == 16);
const _: () = assert!(align_of::<nfqnl_msg_packet_timestamp>() == 8);
const _: () = assert!(offset_of!(nfqnl_msg_packet_timestamp, sec) == 0);
const _: () = assert!(offset_of!(nfqnl_msg_packet_timestamp, usec) == 8);

/// `NFQA_VLAN_UNSPEC` (`enum nfqnl_vlan_attr`, nested in `NFQA_VLAN`).
pub const NFQA_VLAN_UNSPEC: u16 = 0;
/// `NFQA_VLAN_PROTO`: VLAN protocol (`__be16`).
pub const NFQA_VLAN_PROTO: u16 = 1;
/// `NFQA_VLAN_TCI`: VLAN tag control information (`__be16`).
pub const NFQA_VLAN_TCI: u16 = 2;
/// `NFQA_VLAN_MAX`: highest VLAN attribute.
pub const NFQA_VLAN_MAX: u16 = 2;

/// `NFQA_UNSPEC` (`enum nfqnl_attr_type`).
pub const NFQA_UNSPEC: u16 = 0;
/// `NFQA_PACKET_HDR`: [`nfqnl_msg_packet_hdr`].
pub const NFQA_PACKET_HDR: u16 = 1;
/// `NFQA_VERDICT_HDR`: [`nfqnl_msg_verdict_hdr`].
pub const NFQA_VERDICT_HDR: u16 = 2;
/// `NFQA_MARK`: packet mark (`__be32`).
pub const NFQA_MARK: u16 = 3;
/// `NFQA_TIMESTAMP`: [`nfqnl_msg_packet_timestamp`].
pub const NFQA_TIMESTAMP: u16 = 4;
/// `NFQA_IFINDEX_INDEV`: input interface index (`__be32`).
pub const NFQA_IFINDEX_INDEV: u16 = 5;
/// `NFQA_IFINDEX_OUTDEV`: output interface index (`__be32`).
pub const NFQA_IFINDEX_OUTDEV: u16 = 6;
/// `NFQA_IFINDEX_PHYSINDEV`: physical (bridge port) input interface index (`__be32`).
pub const NFQA_IFINDEX_PHYSINDEV: u16 = 7;
/// `NFQA_IFINDEX_PHYSOUTDEV`: physical (bridge port) output interface index (`__be32`).
pub const NFQA_IFINDEX_PHYSOUTDEV: u16 = 8;
/// `NFQA_HWADDR`: [`nfqnl_msg_packet_hw`].
pub const NFQA_HWADDR: u16 = 9;
/// `NFQA_PAYLOAD`: the packet (or the replacement packet in a verdict).
pub const NFQA_PAYLOAD: u16 = 10;
/// `NFQA_CT`: nested conntrack attributes (`CTA_*`).
pub const NFQA_CT: u16 = 11;
/// `NFQA_CT_INFO`: `enum ip_conntrack_info` (`IP_CT_*`, `__be32`).
pub const NFQA_CT_INFO: u16 = 12;
/// `NFQA_CAP_LEN`: original length of a truncated packet (`__be32`).
pub const NFQA_CAP_LEN: u16 = 13;
/// `NFQA_SKB_INFO`: `NFQA_SKB_*` flags (`__be32`).
pub const NFQA_SKB_INFO: u16 = 14;
/// `NFQA_EXP`: nested conntrack expectation attributes (`CTA_EXPECT_*`).
pub const NFQA_EXP: u16 = 15;
/// `NFQA_UID`: socket owner uid (`__be32`).
pub const NFQA_UID: u16 = 16;
/// `NFQA_GID`: socket owner gid (`__be32`).
pub const NFQA_GID: u16 = 17;
/// `NFQA_SECCTX`: security context string.
pub const NFQA_SECCTX: u16 = 18;
/// `NFQA_VLAN`: nested VLAN attributes (`NFQA_VLAN_*`).
pub const NFQA_VLAN: u16 = 19;
/// `NFQA_L2HDR`: the full layer-2 header.
pub const NFQA_L2HDR: u16 = 20;
/// `NFQA_PRIORITY`: `skb->priority` (`__be32`).
pub const NFQA_PRIORITY: u16 = 21;
/// `NFQA_CGROUP_CLASSID`: net_cls cgroup classid of the socket (`__be32`).
///
/// Newer than linux-libc-dev 6.1; value from kernel source (added in Linux 6.3,
/// appended after `NFQA_PRIORITY`).
pub const NFQA_CGROUP_CLASSID: u16 = 22;
/// `NFQA_MAX`: highest packet attribute in the 6.1 header (Linux 6.3+ has 22).
pub const NFQA_MAX: u16 = 21;

/// `struct nfqnl_msg_verdict_hdr`: payload of `NFQA_VERDICT_HDR`.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct nfqnl_msg_verdict_hdr {
    /// Verdict (`NF_*`, with queue number and flags), big-endian.
    pub verdict: u32,
    /// Packet id (from [`nfqnl_msg_packet_hdr`]), big-endian.
    pub id: u32,
}
const _: () = assert!(size_of::<nfqnl_msg_verdict_hdr>() == 8);
const _: () = assert!(align_of::<nfqnl_msg_verdict_hdr>() == 4);
const _: () = assert!(offset_of!(nfqnl_msg_verdict_hdr, verdict) == 0);
const _: () = assert!(offset_of!(nfqnl_msg_verdict_hdr, id) == 4);

/// `NFQNL_CFG_CMD_NONE` (`enum nfqnl_msg_config_cmds`).
pub const NFQNL_CFG_CMD_NONE: u8 = 0;
/// `NFQNL_CFG_CMD_BIND`: bind the socket to the queue.
pub const NFQNL_CFG_CMD_BIND: u8 = 1;
/// `NFQNL_CFG_CMD_UNBIND`: unbind the socket from the queue.
pub const NFQNL_CFG_CMD_UNBIND: u8 = 2;
/// `NFQNL_CFG_CMD_PF_BIND`: obsolete, a no-op since Linux 3.8.
pub const NFQNL_CFG_CMD_PF_BIND: u8 = 3;
/// `NFQNL_CFG_CMD_PF_UNBIND`: obsolete, a no-op since Linux 3.8.
pub const NFQNL_CFG_CMD_PF_UNBIND: u8 = 4;

/// `struct nfqnl_msg_config_cmd`: payload of `NFQA_CFG_CMD`.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct nfqnl_msg_config_cmd {
    /// Command (`NFQNL_CFG_CMD_*`).
    pub command: u8,
    /// Padding.
    pub _pad: u8,
    /// Protocol family for `PF_[UN]BIND`, big-endian.
    pub pf: u16,
}
const _: () = assert!(size_of::<nfqnl_msg_config_cmd>() == 4);
const _: () = assert!(align_of::<nfqnl_msg_config_cmd>() == 2);
const _: () = assert!(offset_of!(nfqnl_msg_config_cmd, command) == 0);
const _: () = assert!(offset_of!(nfqnl_msg_config_cmd, _pad) == 1);
const _: () = assert!(offset_of!(nfqnl_msg_config_cmd, pf) == 2);

/// `NFQNL_COPY_NONE`: copy nothing (`enum nfqnl_config_mode`).
pub const NFQNL_COPY_NONE: u8 = 0;
/// `NFQNL_COPY_META`: copy metadata only.
pub const NFQNL_COPY_META: u8 = 1;
/// `NFQNL_COPY_PACKET`: copy metadata and up to `copy_range` bytes of the packet.
pub const NFQNL_COPY_PACKET: u8 = 2;

/// `struct nfqnl_msg_config_params`: payload of `NFQA_CFG_PARAMS`.
///
/// Packed in the kernel header (`__attribute__ ((packed))`): 5 bytes, alignment 1.
#[repr(C, packed)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct nfqnl_msg_config_params {
    /// Number of packet bytes to copy, big-endian.
    pub copy_range: u32,
    /// Copy mode (`NFQNL_COPY_*`).
    pub copy_mode: u8,
}
const _: () = assert!(size_of::<nfqnl_msg_config_params>() == 5);
const _: () = assert!(align_of::<nfqnl_msg_config_params>() == 1);
const _: () = assert!(offset_of!(nfqnl_msg_config_params, copy_range) == 0);
const _: () = assert!(offset_of!(nfqnl_msg_config_params, copy_mode) == 4);

/// `NFQA_CFG_UNSPEC` (`enum nfqnl_attr_config`).
pub const NFQA_CFG_UNSPEC: u16 = 0;
/// `NFQA_CFG_CMD`: [`nfqnl_msg_config_cmd`].
pub const NFQA_CFG_CMD: u16 = 1;
/// `NFQA_CFG_PARAMS`: [`nfqnl_msg_config_params`].
pub const NFQA_CFG_PARAMS: u16 = 2;
/// `NFQA_CFG_QUEUE_MAXLEN`: maximum queue length (`__be32`).
pub const NFQA_CFG_QUEUE_MAXLEN: u16 = 3;
/// `NFQA_CFG_MASK`: which `NFQA_CFG_F_*` flags to change (`__be32`).
pub const NFQA_CFG_MASK: u16 = 4;
/// `NFQA_CFG_FLAGS`: values of the `NFQA_CFG_F_*` flags (`__be32`).
pub const NFQA_CFG_FLAGS: u16 = 5;
/// `NFQA_CFG_MAX`: highest config attribute.
pub const NFQA_CFG_MAX: u16 = 5;

/// `NFQA_CFG_F_FAIL_OPEN`: accept packets instead of dropping them when the queue is full.
pub const NFQA_CFG_F_FAIL_OPEN: u32 = 1 << 0;
/// `NFQA_CFG_F_CONNTRACK`: attach conntrack information (`NFQA_CT`, `NFQA_CT_INFO`).
pub const NFQA_CFG_F_CONNTRACK: u32 = 1 << 1;
/// `NFQA_CFG_F_GSO`: deliver GSO packets without segmenting them.
pub const NFQA_CFG_F_GSO: u32 = 1 << 2;
/// `NFQA_CFG_F_UID_GID`: attach the socket owner (`NFQA_UID`, `NFQA_GID`).
pub const NFQA_CFG_F_UID_GID: u32 = 1 << 3;
/// `NFQA_CFG_F_SECCTX`: attach the security context (`NFQA_SECCTX`).
pub const NFQA_CFG_F_SECCTX: u32 = 1 << 4;
/// `NFQA_CFG_F_MAX`: first unused flag bit.
pub const NFQA_CFG_F_MAX: u32 = 1 << 5;

/// `NFQA_SKB_CSUMNOTREADY`: checksums look wrong but are fine (offload pending).
pub const NFQA_SKB_CSUMNOTREADY: u32 = 1 << 0;
/// `NFQA_SKB_GSO`: the packet is GSO (exceeds the device MTU).
pub const NFQA_SKB_GSO: u32 = 1 << 1;
/// `NFQA_SKB_CSUM_NOTVERIFIED`: the checksum was not validated.
pub const NFQA_SKB_CSUM_NOTVERIFIED: u32 = 1 << 2;
