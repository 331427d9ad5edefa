//! Logged packets: a validated zero-copy view of one `NFULNL_MSG_PACKET`.
//!
//! ```text
//! nlmsghdr | nfgenmsg (family = NFPROTO_*, v0, res_id = group) |
//!   NFULA_PACKET_HDR | hw_protocol be16 | hook u8 | pad |        (mandatory)
//!   NFULA_PREFIX (string), NFULA_MARK, NFULA_TIMESTAMP, NFULA_IFINDEX_*,
//!   NFULA_HWADDR, NFULA_HWTYPE, NFULA_HWLEN, NFULA_HWHEADER,
//!   NFULA_UID, NFULA_GID, NFULA_SEQ, NFULA_SEQ_GLOBAL,
//!   NFULA_CT (nest of CTA_*), NFULA_CT_INFO, NFULA_VLAN (nest),
//!   NFULA_L2HDR, NFULA_PAYLOAD                                     (optional)
//! ```
//!
//! [`LogMsg::parse`] walks the attributes once into a compact index and
//! checks every one an accessor reads (sizes, the prefix's NUL, the VLAN
//! nest); afterwards every accessor is infallible.
//! Nothing is copied: the prefix, the payload and the nests borrow the
//! receive buffer. Unknown attributes are skipped.
//!
//! The kernel gathers several messages into one datagram (up to the
//! group's threshold or buffer size, or until its timeout) and ends such a
//! batch with an `NLMSG_DONE` of sequence 0; the receive engine skips that
//! marker, so every message a [`Log`](crate::Log) returns is a packet.

use std::time::SystemTime;

use nfnl::{
    AttrIndex, AttrIter, CtState, Hook, HwAddr, IpPacket, NfMsg, ParseError, ProtoFamily,
    Timestamp, Vlan,
};
use nfnl_sys as sys;

/// Number of packet attribute slots (`NFULA_MAX + 1`).
const SLOTS: usize = sys::NFULA_MAX as usize + 1;

/// The payload size of each fixed-size attribute, by type (0: any size).
const FIXED_SIZE: [u8; SLOTS] = {
    let mut t = [0u8; SLOTS];
    t[sys::NFULA_PACKET_HDR as usize] = 4;
    t[sys::NFULA_MARK as usize] = 4;
    t[sys::NFULA_TIMESTAMP as usize] = 16;
    t[sys::NFULA_IFINDEX_INDEV as usize] = 4;
    t[sys::NFULA_IFINDEX_OUTDEV as usize] = 4;
    t[sys::NFULA_IFINDEX_PHYSINDEV as usize] = 4;
    t[sys::NFULA_IFINDEX_PHYSOUTDEV as usize] = 4;
    t[sys::NFULA_HWADDR as usize] = 12;
    t[sys::NFULA_UID as usize] = 4;
    t[sys::NFULA_SEQ as usize] = 4;
    t[sys::NFULA_SEQ_GLOBAL as usize] = 4;
    t[sys::NFULA_GID as usize] = 4;
    t[sys::NFULA_HWTYPE as usize] = 2;
    t[sys::NFULA_HWLEN as usize] = 2;
    t[sys::NFULA_CT_INFO as usize] = 4;
    t
};

/// One logged packet, borrowed from the receive buffer. Every attribute was
/// checked by [`LogMsg::parse`].
#[derive(Debug, Clone, Copy)]
pub struct LogMsg<'a> {
    msg: NfMsg<'a>,
    attrs: AttrIndex<'a, SLOTS>,
    hw_protocol: u16,
    hook: u8,
    vlan: Option<Vlan>,
}

impl<'a> LogMsg<'a> {
    /// Indexes the attributes of `msg`, which must be an
    /// `NFULNL_MSG_PACKET`, and checks each fixed-size one, the prefix's
    /// NUL and the VLAN nest, so that no accessor can fail afterwards.
    ///
    /// # Errors
    /// [`ParseError::UnexpectedMessage`] (another message type),
    /// [`ParseError::Missing`] (no `NFULA_PACKET_HDR`),
    /// [`ParseError::AttrSize`], [`ParseError::Unterminated`] (prefix),
    /// and the attribute walk's errors.
    ///
    /// # Examples
    /// ```
    /// # use nfnl::{MsgBuilder, NfHeader, NfMsg};
    /// # use nfnl_log::{Hook, LogMsg};
    /// let mut b = MsgBuilder::new();
    /// // nlmsg_type ULOG (4) << 8 | PACKET (0); nfgenmsg: IPv4, group 7
    /// b.begin(NfHeader::new(4, 0).family(2).res_id(7), 0)
    ///     .put_bytes(1, &[0x08, 0x00, 1, 0])? // hw_protocol 0x0800, hook LOCAL_IN, pad
    ///     .put_bytes(10, b"dropped: \0")?;    // the rule's prefix
    /// let bytes = b.finish()?;
    /// let m = LogMsg::parse(&NfMsg::parse(bytes)?)?;
    /// assert_eq!(m.group(), 7);
    /// assert_eq!(m.hook(), Hook::LocalIn);
    /// assert_eq!(m.prefix(), Some(&b"dropped: "[..]));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn parse(msg: &NfMsg<'a>) -> Result<Self, ParseError> {
        msg.expect_type(sys::NFNL_SUBSYS_ULOG, sys::NFULNL_MSG_PACKET)?;
        // One tight pass: index, and check every fixed-size attribute.
        let attrs = AttrIndex::<'a, SLOTS>::parse_sized(msg.attr_bytes(), &FIXED_SIZE)?;
        let hdr = attrs
            .get(sys::NFULA_PACKET_HDR)
            .ok_or(ParseError::Missing {
                kind: sys::NFULA_PACKET_HDR,
                within: "NFULNL_MSG_PACKET",
            })?;
        let [p0, p1, hook, _] = hdr.get_array::<4>()?;
        // The kernel sends the prefix with its NUL (`strlen + 1`).
        if let Some(p) = attrs.get(sys::NFULA_PREFIX) {
            if p.payload().last() != Some(&0) {
                return Err(ParseError::Unterminated {
                    kind: sys::NFULA_PREFIX,
                });
            }
        }
        let vlan = attrs
            .get(sys::NFULA_VLAN)
            .map(|a| Vlan::decode(&a, sys::NFULA_VLAN_PROTO, sys::NFULA_VLAN_TCI))
            .transpose()?;
        Ok(LogMsg {
            msg: *msg,
            attrs,
            hw_protocol: u16::from_be_bytes([p0, p1]),
            hook,
            vlan,
        })
    }

    /// Parses the message at the start of `bytes`.
    ///
    /// # Errors
    /// As [`LogMsg::parse`], plus netlink header errors.
    pub fn parse_bytes(bytes: &'a [u8]) -> Result<Self, ParseError> {
        Self::parse(&NfMsg::parse(bytes)?)
    }

    /// The underlying nfnetlink message (its bytes as received:
    /// `nf().nl().as_bytes()`; the `nfgenmsg` and attributes, which
    /// libpcap's `LINKTYPE_NFLOG` records are: `nf().nl().payload()`, what
    /// [`PcapWriter::write`](crate::PcapWriter::write) writes).
    pub fn nf(&self) -> &NfMsg<'a> {
        &self.msg
    }

    /// The log group (`res_id`).
    pub fn group(&self) -> u16 {
        self.msg.res_id()
    }

    /// The protocol family of the hook that logged it (`nfgen_family`:
    /// IPv4, IPv6, bridge, ARP, netdev).
    pub fn family(&self) -> ProtoFamily {
        self.msg.family()
    }

    /// The hardware protocol (ethertype: `0x0800` IPv4, `0x86dd` IPv6),
    /// `hw_protocol` of `NFULA_PACKET_HDR`.
    pub fn hw_protocol(&self) -> u16 {
        self.hw_protocol
    }

    /// The hook it was logged at.
    pub fn hook(&self) -> Hook {
        Hook::from(self.hook)
    }

    /// The rule's log prefix (`NFULA_PREFIX`; iptables `--nflog-prefix`, nft
    /// `log prefix`), without its NUL.
    pub fn prefix(&self) -> Option<&'a [u8]> {
        self.attrs.get(sys::NFULA_PREFIX).map(|a| a.get_str_bytes())
    }

    /// The packet mark (`NFULA_MARK`), absent when 0.
    pub fn mark(&self) -> Option<u32> {
        self.attrs.be32(sys::NFULA_MARK)
    }

    /// The receive timestamp (`NFULA_TIMESTAMP`; the kernel sends one at the
    /// PREROUTING, INPUT and FORWARD hooks).
    pub fn timestamp(&self) -> Option<SystemTime> {
        let a = self.attrs.get(sys::NFULA_TIMESTAMP)?;
        Timestamp::decode(&a).ok()?.to_system_time()
    }

    /// Input interface index (`NFULA_IFINDEX_INDEV`).
    pub fn indev(&self) -> Option<u32> {
        self.attrs.be32(sys::NFULA_IFINDEX_INDEV)
    }

    /// Output interface index (`NFULA_IFINDEX_OUTDEV`).
    pub fn outdev(&self) -> Option<u32> {
        self.attrs.be32(sys::NFULA_IFINDEX_OUTDEV)
    }

    /// Physical input interface (bridge port, `NFULA_IFINDEX_PHYSINDEV`).
    pub fn physindev(&self) -> Option<u32> {
        self.attrs.be32(sys::NFULA_IFINDEX_PHYSINDEV)
    }

    /// Physical output interface (bridge port, `NFULA_IFINDEX_PHYSOUTDEV`).
    pub fn physoutdev(&self) -> Option<u32> {
        self.attrs.be32(sys::NFULA_IFINDEX_PHYSOUTDEV)
    }

    /// Link-layer source address (`NFULA_HWADDR`).
    pub fn hwaddr(&self) -> Option<HwAddr> {
        HwAddr::decode(&self.attrs.get(sys::NFULA_HWADDR)?).ok()
    }

    /// The input device's hardware type (`NFULA_HWTYPE`, `ARPHRD_*`: 1 for
    /// Ethernet, 772 for loopback).
    pub fn hw_type(&self) -> Option<u16> {
        self.attrs.be16(sys::NFULA_HWTYPE)
    }

    /// The input device's link-layer header length (`NFULA_HWLEN`).
    pub fn hw_header_len(&self) -> Option<u16> {
        self.attrs.be16(sys::NFULA_HWLEN)
    }

    /// The link-layer header of the received packet (`NFULA_HWHEADER`).
    pub fn hw_header(&self) -> Option<&'a [u8]> {
        self.attrs.payload(sys::NFULA_HWHEADER)
    }

    /// The packet from the network header on (`NFULA_PAYLOAD`), cut to the
    /// copy range; absent in [`CopyMode::Meta`](crate::CopyMode::Meta).
    pub fn payload(&self) -> Option<&'a [u8]> {
        self.attrs.payload(sys::NFULA_PAYLOAD)
    }

    /// The owning socket's uid (`NFULA_UID`: locally sent packets, as seen
    /// from the logging socket's user namespace).
    pub fn uid(&self) -> Option<u32> {
        self.attrs.be32(sys::NFULA_UID)
    }

    /// The owning socket's gid (`NFULA_GID`).
    pub fn gid(&self) -> Option<u32> {
        self.attrs.be32(sys::NFULA_GID)
    }

    /// The group's own sequence number (`NFULA_SEQ`, with
    /// [`LogFlags::SEQ`](crate::LogFlags::SEQ)): 0 for the first message
    /// after the flag was set, then one more per message, so a gap counts
    /// messages the kernel could not deliver.
    pub fn seq(&self) -> Option<u32> {
        self.attrs.be32(sys::NFULA_SEQ)
    }

    /// The namespace-wide sequence number (`NFULA_SEQ_GLOBAL`, with
    /// [`LogFlags::SEQ_GLOBAL`](crate::LogFlags::SEQ_GLOBAL)).
    pub fn seq_global(&self) -> Option<u32> {
        self.attrs.be32(sys::NFULA_SEQ_GLOBAL)
    }

    /// The conntrack entry (`NFULA_CT`, with
    /// [`LogFlags::CONNTRACK`](crate::LogFlags::CONNTRACK)) as the raw bytes
    /// of the nest (`CTA_*` attributes): decode them with the `nfconntrack`
    /// crate.
    pub fn ct_bytes(&self) -> Option<&'a [u8]> {
        self.attrs.payload(sys::NFULA_CT)
    }

    /// The conntrack attributes (`NFULA_CT`) as an attribute iterator.
    pub fn ct_attrs(&self) -> Option<AttrIter<'a>> {
        self.ct_bytes().map(AttrIter::new)
    }

    /// The packet's conntrack state (`NFULA_CT_INFO`).
    pub fn ct_state(&self) -> Option<CtState> {
        self.attrs.be32(sys::NFULA_CT_INFO).map(CtState::from)
    }

    /// The VLAN tag (`NFULA_VLAN`; bridge and netdev families).
    pub fn vlan(&self) -> Option<Vlan> {
        self.vlan
    }

    /// The layer-2 header (`NFULA_L2HDR`; bridge and netdev families).
    pub fn l2hdr(&self) -> Option<&'a [u8]> {
        self.attrs.payload(sys::NFULA_L2HDR)
    }

    /// A checked view of the payload's IPv4 or IPv6 header and ports, if the
    /// payload starts with a readable one (the addresses are there even when
    /// the copy range cut the rest).
    pub fn ip(&self) -> Option<IpPacket<'a>> {
        IpPacket::parse(self.payload()?).ok()
    }

    /// The packet's length as its IP header declares it (a copy range
    /// does not cut that), else the payload's length.
    pub fn packet_len(&self) -> Option<usize> {
        let p = self.payload()?;
        Some(self.ip().and_then(|ip| ip.total_len()).unwrap_or(p.len()))
    }
}
