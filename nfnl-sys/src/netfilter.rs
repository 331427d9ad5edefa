//! Netfilter core: `include/uapi/linux/netfilter.h`.
//!
//! Hook verdicts (the `verdict` of [`nfqnl_msg_verdict_hdr`](crate::nfqnl_msg_verdict_hdr)),
//! the verdict bit layout and the hook numbers (the `hook` of
//! [`nfqnl_msg_packet_hdr`](crate::nfqnl_msg_packet_hdr) and
//! [`nfulnl_msg_packet_hdr`](crate::nfulnl_msg_packet_hdr)).
//!
//! The `NFPROTO_*` families of the same header live in [`crate::nfnetlink`].
//! Not mirrored: the function-like macros `NF_QUEUE_NR(x)` and
//! `NF_DROP_ERR(x)`, and `union nf_inet_addr` (16 bytes; the attributes that
//! carry addresses are plain byte strings).

/// `NF_DROP`: drop the packet.
pub const NF_DROP: u32 = 0;
/// `NF_ACCEPT`: let the packet continue.
pub const NF_ACCEPT: u32 = 1;
/// `NF_STOLEN`: the hook took over the packet (not a userspace verdict).
pub const NF_STOLEN: u32 = 2;
/// `NF_QUEUE`: queue the packet to the queue number in the upper 16 bits.
pub const NF_QUEUE: u32 = 3;
/// `NF_REPEAT`: call the hook again.
pub const NF_REPEAT: u32 = 4;
/// `NF_STOP`: deprecated, kept for userspace nf_queue compatibility.
pub const NF_STOP: u32 = 5;
/// `NF_MAX_VERDICT`: the highest verdict (`NF_STOP`).
pub const NF_MAX_VERDICT: u32 = NF_STOP;

/// `NF_VERDICT_MASK`: the bits of a verdict word that hold the verdict.
pub const NF_VERDICT_MASK: u32 = 0x0000_00ff;
/// `NF_VERDICT_FLAG_QUEUE_BYPASS`: with `NF_QUEUE`, accept if no program listens on the queue.
pub const NF_VERDICT_FLAG_QUEUE_BYPASS: u32 = 0x0000_8000;
/// `NF_VERDICT_QMASK`: the bits that hold the queue number (`NF_QUEUE`) or errno (`NF_DROP`).
pub const NF_VERDICT_QMASK: u32 = 0xffff_0000;
/// `NF_VERDICT_QBITS`: shift of the queue number in a verdict word.
pub const NF_VERDICT_QBITS: u32 = 16;
/// `NF_VERDICT_BITS`: "only for userspace compatibility" (should be 8 now, kept at 16).
pub const NF_VERDICT_BITS: u32 = 16;

/// `NF_INET_PRE_ROUTING`: hook before routing (`enum nf_inet_hooks`).
pub const NF_INET_PRE_ROUTING: u8 = 0;
/// `NF_INET_LOCAL_IN`: hook for packets to the local host.
pub const NF_INET_LOCAL_IN: u8 = 1;
/// `NF_INET_FORWARD`: hook for forwarded packets.
pub const NF_INET_FORWARD: u8 = 2;
/// `NF_INET_LOCAL_OUT`: hook for locally generated packets.
pub const NF_INET_LOCAL_OUT: u8 = 3;
/// `NF_INET_POST_ROUTING`: hook after routing.
pub const NF_INET_POST_ROUTING: u8 = 4;
/// `NF_INET_NUMHOOKS`: number of inet hooks.
pub const NF_INET_NUMHOOKS: u8 = 5;
/// `NF_INET_INGRESS`: the inet ingress hook (`= NF_INET_NUMHOOKS`, nf_tables only).
pub const NF_INET_INGRESS: u8 = NF_INET_NUMHOOKS;

/// `NF_NETDEV_INGRESS`: netdev ingress hook (`enum nf_dev_hooks`).
pub const NF_NETDEV_INGRESS: u8 = 0;
/// `NF_NETDEV_EGRESS`: netdev egress hook.
pub const NF_NETDEV_EGRESS: u8 = 1;
/// `NF_NETDEV_NUMHOOKS`: number of netdev hooks.
pub const NF_NETDEV_NUMHOOKS: u8 = 2;
