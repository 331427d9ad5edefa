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
    AttrIndex, AttrIter, AttrSlots, CtState, Hook, HwAddr, IpPacket, NfMsg, ParseError,
    ProtoFamily, Timestamp, Vlan,
};
use nfnl_sys as sys;

/// Number of packet attribute slots (`NFULA_MAX + 1`).
const SLOTS: usize = sys::NFULA_MAX as usize + 1;

/// Where a logged packet's attributes (`NFULA_*`) are: the storage a
/// [`LogMsg`] borrows, filled by [`LogMsg::parse`]. A [`Log`](crate::Log)
/// keeps one and refills it for each message it returns; to parse
/// messages yourself, keep one too (`LogMsgSlots::new()`).
pub type LogMsgSlots = AttrSlots<SLOTS>;

nfnl::attr_schema! {
    /// The checks of a logged packet's attributes (from the schema below).
    const RULES: AttrRules<SLOTS>;
    impl<'a> LogMsg<'a> => attrs {
        /// `NFULA_PACKET_HDR` (`struct nfulnl_msg_packet_hdr`).
        fn packet_hdr: sys::NFULA_PACKET_HDR => bytes[4];
        /// The packet mark (`NFULA_MARK`), absent when 0.
        pub fn mark: sys::NFULA_MARK => be32;
        /// `NFULA_TIMESTAMP` (`struct nfulnl_msg_packet_timestamp`).
        fn timestamp_raw: sys::NFULA_TIMESTAMP => bytes[16];
        /// Input interface index (`NFULA_IFINDEX_INDEV`).
        pub fn indev: sys::NFULA_IFINDEX_INDEV => be32;
        /// Output interface index (`NFULA_IFINDEX_OUTDEV`).
        pub fn outdev: sys::NFULA_IFINDEX_OUTDEV => be32;
        /// Physical input interface (bridge port, `NFULA_IFINDEX_PHYSINDEV`).
        pub fn physindev: sys::NFULA_IFINDEX_PHYSINDEV => be32;
        /// Physical output interface (bridge port, `NFULA_IFINDEX_PHYSOUTDEV`).
        pub fn physoutdev: sys::NFULA_IFINDEX_PHYSOUTDEV => be32;
        /// `NFULA_HWADDR` (`struct nfulnl_msg_packet_hw`).
        fn hwaddr_raw: sys::NFULA_HWADDR => bytes[12];
        /// The packet from the network header on (`NFULA_PAYLOAD`), cut to the
        /// copy range; absent in [`CopyMode::Meta`](crate::CopyMode::Meta).
        pub fn payload: sys::NFULA_PAYLOAD => bytes;
        /// The rule's log prefix (`NFULA_PREFIX`; iptables `--nflog-prefix`, nft
        /// `log prefix`), without its NUL (the kernel sends it with one:
        /// `strlen + 1`).
        pub fn prefix: sys::NFULA_PREFIX => cstr;
        /// The owning socket's uid (`NFULA_UID`: locally sent packets, as seen
        /// from the logging socket's user namespace).
        pub fn uid: sys::NFULA_UID => be32;
        /// The group's own sequence number (`NFULA_SEQ`, with
        /// [`LogFlags::SEQ`](crate::LogFlags::SEQ)): 0 for the first message
        /// after the flag was set, then one more per message, so a gap counts
        /// messages the kernel could not deliver.
        pub fn seq: sys::NFULA_SEQ => be32;
        /// The namespace-wide sequence number (`NFULA_SEQ_GLOBAL`, with
        /// [`LogFlags::SEQ_GLOBAL`](crate::LogFlags::SEQ_GLOBAL)).
        pub fn seq_global: sys::NFULA_SEQ_GLOBAL => be32;
        /// The owning socket's gid (`NFULA_GID`).
        pub fn gid: sys::NFULA_GID => be32;
        /// The input device's hardware type (`NFULA_HWTYPE`, `ARPHRD_*`: 1 for
        /// Ethernet, 772 for loopback).
        pub fn hw_type: sys::NFULA_HWTYPE => be16;
        /// The input device's link-layer header length (`NFULA_HWLEN`).
        pub fn hw_header_len: sys::NFULA_HWLEN => be16;
        /// The link-layer header of the received packet (`NFULA_HWHEADER`).
        pub fn hw_header: sys::NFULA_HWHEADER => bytes;
        /// The conntrack entry (`NFULA_CT`, with
        /// [`LogFlags::CONNTRACK`](crate::LogFlags::CONNTRACK)) as the raw bytes
        /// of the nest (`CTA_*` attributes): decode them with the `nfconntrack`
        /// crate.
        pub fn ct_bytes: sys::NFULA_CT => nested;
        /// `NFULA_CT_INFO`.
        fn ct_info: sys::NFULA_CT_INFO => be32;
        /// `NFULA_VLAN` (nest), checked by [`LogMsg::parse`], decoded by
        /// [`LogMsg::vlan`].
        fn vlan_nest: sys::NFULA_VLAN => nested;
        /// The layer-2 header (`NFULA_L2HDR`; bridge and netdev families).
        pub fn l2hdr: sys::NFULA_L2HDR => bytes;
    }
}

/// One logged packet, borrowed from the receive buffer. Every attribute was
/// checked by [`LogMsg::parse`] against the message's attribute schema.
#[derive(Debug, Clone, Copy)]
pub struct LogMsg<'a> {
    /// The index over the whole message (`nlmsghdr`, `nfgenmsg`,
    /// attributes), its positions in the caller's [`LogMsgSlots`]: the
    /// view is nothing else, three words to move.
    attrs: AttrIndex<'a, SLOTS>,
}

/// Offset of the attributes in a log message (`nlmsghdr`, `nfgenmsg`).
const ATTRS_AT: usize = sys::NLMSG_HDRLEN + 4;

impl<'a> LogMsg<'a> {
    /// Indexes the attributes of `msg`, which must be an
    /// `NFULNL_MSG_PACKET`, into `slots` (the view borrows them) and
    /// checks each fixed-size one, the prefix's NUL and the VLAN nest, so
    /// that no accessor can fail afterwards.
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
    /// # use nfnl_log::{Hook, LogMsg, LogMsgSlots};
    /// let mut b = MsgBuilder::new();
    /// // nlmsg_type ULOG (4) << 8 | PACKET (0); nfgenmsg: IPv4, group 7
    /// b.begin(NfHeader::new(4, 0).family(2).res_id(7), 0)
    ///     .put_bytes(1, &[0x08, 0x00, 1, 0])? // hw_protocol 0x0800, hook LOCAL_IN, pad
    ///     .put_bytes(10, b"dropped: \0")?;    // the rule's prefix
    /// let bytes = b.finish()?;
    /// let mut slots = LogMsgSlots::new();
    /// let m = LogMsg::parse(&NfMsg::parse(bytes)?, &mut slots)?;
    /// assert_eq!(m.group(), 7);
    /// assert_eq!(m.hook(), Hook::LocalIn);
    /// assert_eq!(m.prefix(), Some(&b"dropped: "[..]));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[inline]
    pub fn parse(msg: &NfMsg<'a>, slots: &'a mut LogMsgSlots) -> Result<Self, ParseError> {
        msg.expect_type(sys::NFNL_SUBSYS_ULOG, sys::NFULNL_MSG_PACKET)?;
        Self::index(msg.nl().as_bytes(), slots)
    }

    /// [`LogMsg::parse`] of the whole message `bytes` (`nlmsghdr` on), whose
    /// type the caller checked: the receive loop sorts messages by type
    /// before it takes one, and reading the type again from a copy of the
    /// header cost a store-forwarding stall per message.
    ///
    /// # Errors
    /// As [`LogMsg::parse`], less the type; [`ParseError::Truncated`] if
    /// `bytes` ends before its attributes.
    #[inline(always)]
    pub(crate) fn index(bytes: &'a [u8], slots: &'a mut LogMsgSlots) -> Result<Self, ParseError> {
        // One tight pass: index, and check every attribute's rule. The
        // attributes start after the `nfgenmsg` (`parse_at` checks that
        // `bytes` holds it).
        let m = LogMsg {
            attrs: AttrIndex::parse_at(bytes, ATTRS_AT, &RULES, slots)?,
        };
        if m.packet_hdr().is_none() {
            return Err(ParseError::Missing {
                kind: sys::NFULA_PACKET_HDR,
                within: "NFULNL_MSG_PACKET",
            });
        }
        if let Some(nest) = m.vlan_nest() {
            Vlan::decode_nest(nest, sys::NFULA_VLAN_PROTO, sys::NFULA_VLAN_TCI)?;
        }
        Ok(m)
    }

    /// The view of `bytes` whose index [`LogMsg::index`] just put in `slots`
    /// (built from its parts: moved out of `index`'s result, the view was
    /// written and read back in different widths, another stall).
    #[inline(always)]
    pub(crate) fn from_checked(bytes: &'a [u8], slots: &'a LogMsgSlots) -> Self {
        LogMsg {
            attrs: slots.over(bytes),
        }
    }

    /// Parses the message at the start of `bytes`, its index in `slots`.
    ///
    /// # Errors
    /// As [`LogMsg::parse`], plus netlink header errors.
    pub fn parse_bytes(bytes: &'a [u8], slots: &'a mut LogMsgSlots) -> Result<Self, ParseError> {
        Self::parse(&NfMsg::parse(bytes)?, slots)
    }

    /// The message as received, `nlmsghdr` on.
    pub fn as_bytes(&self) -> &'a [u8] {
        self.attrs.bytes()
    }

    /// What follows the `nlmsghdr`: the `nfgenmsg` and the attributes,
    /// which libpcap's `LINKTYPE_NFLOG` records are (what
    /// [`PcapWriter::write`](crate::PcapWriter::write) writes).
    pub fn nl_payload(&self) -> &'a [u8] {
        self.as_bytes().get(sys::NLMSG_HDRLEN..).unwrap_or(&[])
    }

    /// The log group (`res_id`).
    pub fn group(&self) -> u16 {
        match self.as_bytes().get(ATTRS_AT - 2..ATTRS_AT) {
            Some(&[a, b]) => u16::from_be_bytes([a, b]),
            _ => 0,
        }
    }

    /// The protocol family of the hook that logged it (`nfgen_family`:
    /// IPv4, IPv6, bridge, ARP, netdev).
    pub fn family(&self) -> ProtoFamily {
        ProtoFamily::from(self.as_bytes().get(sys::NLMSG_HDRLEN).copied().unwrap_or(0))
    }

    /// The hardware protocol (ethertype: `0x0800` IPv4, `0x86dd` IPv6),
    /// `hw_protocol` of `NFULA_PACKET_HDR`.
    pub fn hw_protocol(&self) -> u16 {
        self.packet_hdr()
            .map_or(0, |&[p0, p1, _, _]| u16::from_be_bytes([p0, p1]))
    }

    /// The hook it was logged at.
    pub fn hook(&self) -> Hook {
        Hook::from(self.packet_hdr().map_or(0, |h| h[2]))
    }

    /// The receive timestamp (`NFULA_TIMESTAMP`; the kernel sends one at the
    /// PREROUTING, INPUT and FORWARD hooks).
    pub fn timestamp(&self) -> Option<SystemTime> {
        Timestamp::from_bytes(self.timestamp_raw()?).to_system_time()
    }

    /// Link-layer source address (`NFULA_HWADDR`).
    pub fn hwaddr(&self) -> Option<HwAddr> {
        Some(HwAddr::from_bytes(self.hwaddr_raw()?))
    }

    /// The conntrack attributes (`NFULA_CT`) as an attribute iterator.
    pub fn ct_attrs(&self) -> Option<AttrIter<'a>> {
        self.ct_bytes().map(AttrIter::new)
    }

    /// The packet's conntrack state (`NFULA_CT_INFO`).
    pub fn ct_state(&self) -> Option<CtState> {
        self.ct_info().map(CtState::from)
    }

    /// The VLAN tag (`NFULA_VLAN`; bridge and netdev families).
    pub fn vlan(&self) -> Option<Vlan> {
        Vlan::decode_nest(
            self.vlan_nest()?,
            sys::NFULA_VLAN_PROTO,
            sys::NFULA_VLAN_TCI,
        )
        .ok()
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
