//! Queued packets: a validated zero-copy view of one `NFQNL_MSG_PACKET`.
//!
//! ```text
//! nlmsghdr | nfgenmsg (family, v0, res_id = queue) |
//!   NFQA_PACKET_HDR  | packet_id be32 | hw_protocol be16 | hook u8 |   (mandatory, packed)
//!   NFQA_MARK, NFQA_TIMESTAMP, NFQA_IFINDEX_*, NFQA_HWADDR, NFQA_PAYLOAD,
//!   NFQA_CT (nest of CTA_*), NFQA_CT_INFO, NFQA_CAP_LEN, NFQA_SKB_INFO,
//!   NFQA_EXP, NFQA_UID, NFQA_GID, NFQA_SECCTX, NFQA_VLAN (nest),
//!   NFQA_L2HDR, NFQA_PRIORITY, NFQA_CGROUP_CLASSID                     (optional)
//! ```
//!
//! [`PacketMeta::parse`] walks the attributes once, indexes them and checks
//! every size; afterwards every accessor decodes on demand and is
//! infallible. Unknown attributes are skipped.
//! Nothing is copied: the payload and the nests borrow the receive buffer.

use std::time::SystemTime;

use nfnl::{
    AttrIndex, AttrIter, AttrSlots, CtState, Hook, HwAddr, IpPacket, NfMsg, ParseError,
    ProtoFamily, Timestamp, Vlan,
};
use nfnl_sys as sys;

bitflags::bitflags! {
    /// `NFQA_SKB_INFO` flags; unknown bits kept.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
    pub struct SkbInfo: u32 {
        /// `NFQA_SKB_CSUMNOTREADY`: the transport checksum is not filled in
        /// yet (`CHECKSUM_PARTIAL`: offloaded); see
        /// [`PacketMeta::checksum_not_ready`].
        const CSUM_NOT_READY = sys::NFQA_SKB_CSUMNOTREADY;
        /// `NFQA_SKB_GSO`: a GSO packet, larger than the MTU.
        const GSO = sys::NFQA_SKB_GSO;
        /// `NFQA_SKB_CSUM_NOTVERIFIED`: the checksum was not verified.
        const CSUM_NOT_VERIFIED = sys::NFQA_SKB_CSUM_NOTVERIFIED;
    }
}

/// Attribute slots of a packet (`NFQA_CGROUP_CLASSID` + 1: the 6.1 header's
/// `NFQA_MAX` is one lower).
const SLOTS: usize = sys::NFQA_CGROUP_CLASSID as usize + 1;

/// Where a queued packet's attributes (`NFQA_*`) are: the storage a
/// [`PacketMeta`] borrows, filled by [`PacketMeta::parse`]. A
/// [`Queue`](crate::Queue) keeps one and refills it for each packet it
/// returns; to parse messages yourself, keep one too
/// (`PacketSlots::new()`).
pub type PacketSlots = AttrSlots<SLOTS>;

/// Size of `NFQA_PACKET_HDR` (`struct nfqnl_msg_packet_hdr`, packed).
const PACKET_HDR_LEN: usize = 7;

/// `NFQA_PACKET_HDR` decoded: the one decoder of the packet header, used by
/// [`PacketMeta::parse`] and by the salvage of a packet that failed to parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct PacketHdr {
    /// `packet_id`.
    pub(crate) id: u32,
    /// `hw_protocol` (ethertype).
    pub(crate) hw_protocol: u16,
    /// `hook`.
    pub(crate) hook: u8,
}

impl PacketHdr {
    /// Decodes `struct nfqnl_msg_packet_hdr` (`packet_id` be32,
    /// `hw_protocol` be16, `hook` u8).
    pub(crate) fn decode(b: &[u8; PACKET_HDR_LEN]) -> Self {
        let [i0, i1, i2, i3, p0, p1, hook] = *b;
        PacketHdr {
            id: u32::from_be_bytes([i0, i1, i2, i3]),
            hw_protocol: u16::from_be_bytes([p0, p1]),
            hook,
        }
    }

    /// The queue (`res_id`) and header of a packet message, read by a walk
    /// of its attributes that stops at the header: for a message that
    /// failed [`PacketMeta::parse`], so that it still gets a verdict.
    pub(crate) fn salvage(raw: &[u8]) -> Option<(u16, Self)> {
        let msg = NfMsg::parse(raw).ok()?;
        for a in msg.attrs() {
            let a = a.ok()?;
            if a.kind() == sys::NFQA_PACKET_HDR {
                return Some((msg.res_id(), Self::decode(a.payload().try_into().ok()?)));
            }
        }
        None
    }
}

nfnl::attr_schema! {
    /// The checks of a packet's attributes (from the schema below).
    const RULES: AttrRules<SLOTS>;
    impl<'a> PacketMeta<'a> => attrs {
        /// `NFQA_PACKET_HDR`, decoded by [`PacketHdr::decode`].
        fn packet_hdr: sys::NFQA_PACKET_HDR => bytes[7];
        /// The packet mark (`NFQA_MARK`), absent when 0.
        pub fn mark: sys::NFQA_MARK => be32;
        /// `NFQA_TIMESTAMP` (`struct nfqnl_msg_packet_timestamp`).
        fn timestamp_raw: sys::NFQA_TIMESTAMP => bytes[16];
        /// Input interface index (`NFQA_IFINDEX_INDEV`).
        pub fn indev: sys::NFQA_IFINDEX_INDEV => be32;
        /// Output interface index (`NFQA_IFINDEX_OUTDEV`).
        pub fn outdev: sys::NFQA_IFINDEX_OUTDEV => be32;
        /// Physical input interface index (bridge port, `NFQA_IFINDEX_PHYSINDEV`).
        pub fn physindev: sys::NFQA_IFINDEX_PHYSINDEV => be32;
        /// Physical output interface index (bridge port, `NFQA_IFINDEX_PHYSOUTDEV`).
        pub fn physoutdev: sys::NFQA_IFINDEX_PHYSOUTDEV => be32;
        /// `NFQA_HWADDR` (`struct nfqnl_msg_packet_hw`).
        fn hwaddr_raw: sys::NFQA_HWADDR => bytes[12];
        /// The packet bytes from the network header on (`NFQA_PAYLOAD`); absent
        /// in [`CopyMode::Meta`](crate::CopyMode::Meta). May be truncated: see
        /// [`PacketMeta::is_truncated`].
        pub fn payload: sys::NFQA_PAYLOAD => bytes;
        /// The conntrack attributes (`NFQA_CT`), as the raw bytes of the nest
        /// (`CTA_*` attributes): decode them with the `nfnl-conntrack` crate.
        pub fn ct_bytes: sys::NFQA_CT => nested;
        /// `NFQA_CT_INFO`.
        fn ct_info: sys::NFQA_CT_INFO => be32;
        /// The full packet length if the payload was truncated (`NFQA_CAP_LEN`).
        pub fn cap_len: sys::NFQA_CAP_LEN => be32;
        /// `NFQA_SKB_INFO`.
        fn skb_info_raw: sys::NFQA_SKB_INFO => be32;
        /// The expectation attributes (`NFQA_EXP`, `CTA_EXPECT_*`), raw.
        pub fn exp_bytes: sys::NFQA_EXP => nested;
        /// Owning socket's uid (`NFQA_UID`, with [`QueueFlags::UID_GID`](crate::QueueFlags::UID_GID)).
        pub fn uid: sys::NFQA_UID => be32;
        /// Owning socket's gid (`NFQA_GID`).
        pub fn gid: sys::NFQA_GID => be32;
        /// Security context (`NFQA_SECCTX`), without its NUL.
        pub fn secctx: sys::NFQA_SECCTX => str;
        /// `NFQA_VLAN` (nest), decoded once by [`PacketMeta::parse`].
        fn vlan_nest: sys::NFQA_VLAN => nested;
        /// The layer-2 header (`NFQA_L2HDR`; bridge family).
        pub fn l2hdr: sys::NFQA_L2HDR => bytes;
        /// `skb->priority` (`NFQA_PRIORITY`).
        pub fn priority: sys::NFQA_PRIORITY => be32;
        /// net_cls classid (`NFQA_CGROUP_CLASSID`).
        pub fn cgroup_classid: sys::NFQA_CGROUP_CLASSID => be32;
    }
}

/// One queued packet's metadata and payload, borrowed from the receive
/// buffer: the message, an index of its attributes, each checked by
/// [`PacketMeta::parse`] in one pass against the packet's attribute schema,
/// and the packet id; the accessors are slices of what was checked and
/// cannot fail. Small (32 bytes: the index's positions are in the
/// caller's [`PacketSlots`]), so it is cheap to move.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PacketMeta<'a> {
    /// The index over the whole message (`nlmsghdr`, `nfgenmsg`,
    /// attributes), its positions in a [`PacketSlots`].
    attrs: AttrIndex<'a, SLOTS>,
    /// `packet_id` of `NFQA_PACKET_HDR` (read on every verdict).
    id: u32,
}

/// Offset of the attributes in a packet message (`nlmsghdr`, `nfgenmsg`).
const ATTRS_AT: usize = sys::NLMSG_HDRLEN + 4;

impl<'a> PacketMeta<'a> {
    /// Parses an `NFQNL_MSG_PACKET` message: indexes its attributes into
    /// `slots` (the view borrows them) and checks the size of every
    /// fixed-size one and the VLAN nest.
    ///
    /// # Errors
    /// [`ParseError::UnexpectedMessage`] for another message type;
    /// [`ParseError::Missing`] without `NFQA_PACKET_HDR`;
    /// [`ParseError::AttrSize`] for an attribute of the wrong size; errors
    /// of the attribute walk.
    ///
    /// # Examples
    /// ```
    /// use nfnl::{MsgBuilder, NfHeader, NfMsg};
    /// use nfnl_queue::{Hook, PacketMeta, PacketSlots};
    /// // Build what the kernel sends (type QUEUE<<8 | PACKET, res_id = queue 1).
    /// let mut b = MsgBuilder::new();
    /// b.begin(NfHeader::new(3, 0).family(2).res_id(1), 0);
    /// b.put_bytes(1, &[0, 0, 0, 42, 0x08, 0x00, 3])?; // NFQA_PACKET_HDR: id 42, IPv4, LOCAL_OUT
    /// b.put_be32(3, 7); // NFQA_MARK
    /// let bytes = b.finish()?.to_vec();
    /// let mut slots = PacketSlots::new();
    /// let p = PacketMeta::parse(&NfMsg::parse(&bytes)?, &mut slots)?;
    /// assert_eq!((p.id(), p.queue(), p.hook(), p.mark()), (42, 1, Hook::LocalOut, Some(7)));
    /// assert!(p.payload().is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[inline]
    pub fn parse(msg: &NfMsg<'a>, slots: &'a mut PacketSlots) -> Result<Self, ParseError> {
        if msg.subsystem() != sys::NFNL_SUBSYS_QUEUE || msg.msg_type() != sys::NFQNL_MSG_PACKET {
            return Err(ParseError::UnexpectedMessage {
                msg_type: msg.nl().msg_type(),
            });
        }
        let bytes = msg.nl().as_bytes();
        // An `NfMsg` has its `nfgenmsg`: the attributes start after it.
        let mut p = PacketMeta {
            attrs: AttrIndex::parse_at(bytes, ATTRS_AT, &RULES, slots)?,
            id: 0,
        };
        let Some(hdr) = p.packet_hdr() else {
            return Err(ParseError::Missing {
                kind: sys::NFQA_PACKET_HDR,
                within: "NFQNL_MSG_PACKET",
            });
        };
        p.id = PacketHdr::decode(hdr).id;
        if let Some(nest) = p.vlan_nest() {
            Vlan::decode_nest(nest, sys::NFQA_VLAN_PROTO, sys::NFQA_VLAN_TCI)?;
        }
        Ok(p)
    }

    /// Parses the message at the start of `bytes`, its index in `slots`.
    ///
    /// # Errors
    /// As [`PacketMeta::parse`], plus netlink header errors.
    pub fn parse_bytes(bytes: &'a [u8], slots: &'a mut PacketSlots) -> Result<Self, ParseError> {
        Self::parse(&NfMsg::parse(bytes)?, slots)
    }

    /// The raw netlink message (`nlmsghdr` on).
    pub(crate) fn raw(&self) -> &'a [u8] {
        self.attrs.bytes()
    }

    /// A copy of the view's positions, to keep with an owned copy of
    /// the message ([`PacketMeta::attach`]).
    pub(crate) fn slots(&self) -> PacketSlots {
        self.attrs.slots()
    }

    /// The view of the packet `id` whose positions are `slots` over
    /// `raw`, a copy of the message they were found in
    /// ([`PacketMeta::raw`]): no second walk.
    pub(crate) fn attach<'b>(raw: &'b [u8], slots: &'b PacketSlots, id: u32) -> PacketMeta<'b> {
        PacketMeta {
            attrs: slots.over(raw),
            id,
        }
    }

    /// `NFQA_PACKET_HDR` decoded (present in every parsed packet).
    fn hdr(&self) -> PacketHdr {
        self.packet_hdr()
            .map_or(PacketHdr::default(), PacketHdr::decode)
    }

    /// The queue number (`res_id`).
    #[inline]
    pub fn queue(&self) -> u16 {
        match self.raw().get(ATTRS_AT - 2..ATTRS_AT) {
            Some(&[a, b]) => u16::from_be_bytes([a, b]),
            _ => 0,
        }
    }

    /// The protocol family (`nfgen_family`).
    pub fn family(&self) -> ProtoFamily {
        ProtoFamily::from(self.raw().get(sys::NLMSG_HDRLEN).copied().unwrap_or(0))
    }

    /// The packet id, unique within the queue (`packet_id`).
    #[inline]
    pub fn id(&self) -> u32 {
        self.id
    }

    /// The hardware protocol (ethertype: `0x0800` IPv4, `0x86dd` IPv6).
    pub fn hw_protocol(&self) -> u16 {
        self.hdr().hw_protocol
    }

    /// The hook it was queued from.
    pub fn hook(&self) -> Hook {
        Hook::from(self.hdr().hook)
    }

    /// The receive timestamp (`NFQA_TIMESTAMP`), if the packet has one.
    pub fn timestamp(&self) -> Option<SystemTime> {
        Timestamp::from_bytes(self.timestamp_raw()?).to_system_time()
    }

    /// Link-layer source address (`NFQA_HWADDR`).
    pub fn hwaddr(&self) -> Option<HwAddr> {
        Some(HwAddr::from_bytes(self.hwaddr_raw()?))
    }

    /// True if the payload is shorter than the packet (copy range, or the
    /// 65531-byte limit). A payload verdict for such a packet is refused.
    pub fn is_truncated(&self) -> bool {
        match (self.cap_len(), self.payload()) {
            (Some(cap), Some(p)) => usize::try_from(cap).map_or(true, |c| c > p.len()),
            (Some(_), None) => true,
            _ => false,
        }
    }

    /// The packet's real length: `NFQA_CAP_LEN` if present, else the payload length.
    pub fn len(&self) -> usize {
        match self.cap_len() {
            Some(c) => usize::try_from(c).unwrap_or(usize::MAX),
            None => self.payload().map_or(0, <[u8]>::len),
        }
    }

    /// True if there is no payload and no captured length.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// `NFQA_SKB_INFO` flags (GSO, checksum state), empty when absent.
    pub fn skb_info(&self) -> SkbInfo {
        SkbInfo::from_bits_retain(self.skb_info_raw().unwrap_or(0))
    }

    /// True if the transport (TCP/UDP) checksum in the payload is not
    /// computed yet (`NFQA_SKB_CSUMNOTREADY`): the stack or the network card
    /// fills it in when the packet leaves, so treat the packet as correct.
    /// The field then holds only the pseudo-header sum. It happens with
    /// [`QueueFlags::GSO`](crate::QueueFlags::GSO) (the default) on locally
    /// generated packets; without that flag the kernel computes the checksum
    /// before queueing. Matters only when rewriting the packet: see
    /// [`Decision::payload`](crate::Decision::payload).
    pub fn checksum_not_ready(&self) -> bool {
        self.skb_info().contains(SkbInfo::CSUM_NOT_READY)
    }

    /// The conntrack attributes (`NFQA_CT`) as an attribute iterator.
    pub fn ct_attrs(&self) -> Option<AttrIter<'a>> {
        self.ct_bytes().map(AttrIter::new)
    }

    /// The conntrack state (`NFQA_CT_INFO`).
    pub fn ct_state(&self) -> Option<CtState> {
        self.ct_info().map(CtState::from)
    }

    /// VLAN tag (`NFQA_VLAN`; the nest was checked by
    /// [`PacketMeta::parse`], this decodes it again).
    pub fn vlan(&self) -> Option<Vlan> {
        Vlan::decode_nest(self.vlan_nest()?, sys::NFQA_VLAN_PROTO, sys::NFQA_VLAN_TCI).ok()
    }

    /// A checked view of the payload's IPv4 or IPv6 header and ports, if
    /// the payload starts with a readable one.
    pub fn ip(&self) -> Option<IpPacket<'a>> {
        IpPacket::parse(self.payload()?).ok()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use nfnl::IpProto;
    use std::net::{IpAddr, Ipv4Addr};
    use std::time::Duration;

    use nfnl::testutil::fixture::{attr, nlmsg};

    /// An IPv4/UDP packet 10.0.0.1:12345 -> 10.0.0.2:53 with 4 bytes of data.
    #[rustfmt::skip]
    pub(crate) const UDP4: [u8; 32] = [
        0x45, 0, 0, 32,  0, 1, 0x40, 0,  64, 17, 0, 0,   // v4, ihl 5, tot_len 32, DF, ttl 64, UDP
        10, 0, 0, 1,  10, 0, 0, 2,                       // src, dst
        0x30, 0x39, 0x00, 0x35,  0, 12, 0, 0,            // sport 12345, dport 53, len 12, csum 0
        b'p', b'i', b'n', b'g',
    ];

    /// A packet message carrying every optional attribute.
    pub(crate) fn full_fixture() -> Vec<u8> {
        let mut body = vec![2, 0, 0, 5]; // nfgenmsg: NFPROTO_IPV4, v0, queue 5
        body.extend(attr(1, &[0, 0, 0, 9, 0x08, 0x00, 1])); // NFQA_PACKET_HDR id 9, IPv4, LOCAL_IN
        body.extend(attr(3, &0x42u32.to_be_bytes())); // NFQA_MARK 0x42
        let mut ts = 1_700_000_000u64.to_be_bytes().to_vec();
        ts.extend(250_000u64.to_be_bytes());
        body.extend(attr(4, &ts)); // NFQA_TIMESTAMP 1700000000.25
        body.extend(attr(5, &2u32.to_be_bytes())); // NFQA_IFINDEX_INDEV 2
        body.extend(attr(6, &3u32.to_be_bytes())); // NFQA_IFINDEX_OUTDEV 3
        body.extend(attr(7, &4u32.to_be_bytes())); // NFQA_IFINDEX_PHYSINDEV 4
        body.extend(attr(8, &5u32.to_be_bytes())); // NFQA_IFINDEX_PHYSOUTDEV 5
        body.extend(attr(
            9,
            &[0, 6, 0, 0, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0, 0],
        )); // NFQA_HWADDR
        body.extend(attr(10, &UDP4)); // NFQA_PAYLOAD
        body.extend(attr(11, &attr(8, &7u32.to_be_bytes()))); // NFQA_CT { CTA_MARK 7 }
        body.extend(attr(12, &2u32.to_be_bytes())); // NFQA_CT_INFO IP_CT_NEW
        body.extend(attr(14, &3u32.to_be_bytes())); // NFQA_SKB_INFO CSUMNOTREADY|GSO
        body.extend(attr(15, &[])); // NFQA_EXP (empty nest)
        body.extend(attr(16, &1234u32.to_be_bytes())); // NFQA_UID 1234
        body.extend(attr(17, &4321u32.to_be_bytes())); // NFQA_GID 4321
        body.extend(attr(18, b"system_u:object_r:x\0")); // NFQA_SECCTX
        let mut vlan = attr(1, &0x8100u16.to_be_bytes()); // NFQA_VLAN_PROTO 802.1Q
        vlan.extend(attr(2, &0xa00au16.to_be_bytes())); // NFQA_VLAN_TCI pcp 5, vid 10
        body.extend(attr(19, &vlan));
        body.extend(attr(20, &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 8, 0])); // NFQA_L2HDR
        body.extend(attr(21, &6u32.to_be_bytes())); // NFQA_PRIORITY 6
        body.extend(attr(22, &0x10001u32.to_be_bytes())); // NFQA_CGROUP_CLASSID
        body.extend(attr(99, &[1, 2, 3])); // unknown: skipped
        nlmsg(0x0300, 0, 0, 0, &body)
    }

    #[test]
    fn parses_every_attribute() {
        let bytes = full_fixture();
        let mut slots = PacketSlots::new();
        let p = PacketMeta::parse_bytes(&bytes, &mut slots).unwrap();
        assert_eq!((p.queue(), p.family(), p.id()), (5, ProtoFamily::Ipv4, 9));
        assert_eq!((p.hw_protocol(), p.hook()), (0x0800, Hook::LocalIn));
        assert_eq!(p.mark(), Some(0x42));
        let ts = p
            .timestamp()
            .unwrap()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap();
        assert_eq!(ts, Duration::from_millis(1_700_000_000_250));
        assert_eq!(
            (p.indev(), p.outdev(), p.physindev(), p.physoutdev()),
            (Some(2), Some(3), Some(4), Some(5))
        );
        assert_eq!(p.hwaddr().unwrap().to_string(), "aa:bb:cc:dd:ee:ff");
        assert_eq!(p.payload(), Some(&UDP4[..]));
        assert!(!p.is_truncated());
        assert_eq!(p.len(), 32);
        let ct: Vec<_> = p.ct_attrs().unwrap().collect::<Result<_, _>>().unwrap();
        assert_eq!((ct[0].kind(), ct[0].get_be32()), (8, Ok(7)));
        assert_eq!(p.ct_state(), Some(CtState::New));
        assert_eq!(p.skb_info(), SkbInfo::CSUM_NOT_READY | SkbInfo::GSO);
        assert!(p.checksum_not_ready());
        assert_eq!(p.exp_bytes(), Some(&[][..]));
        assert_eq!((p.uid(), p.gid()), (Some(1234), Some(4321)));
        assert_eq!(p.secctx(), Some(&b"system_u:object_r:x"[..]));
        let v = p.vlan().unwrap();
        assert_eq!((v.proto, v.id(), v.pcp(), v.dei()), (0x8100, 10, 5, false));
        assert_eq!(p.l2hdr().unwrap().len(), 14);
        assert_eq!((p.priority(), p.cgroup_classid()), (Some(6), Some(0x10001)));
        let ip = p.ip().unwrap();
        assert_eq!(ip.src(), IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)));
        assert_eq!(
            (ip.protocol(), ip.src_port(), ip.dst_port()),
            (IpProto::UDP, Some(12345), Some(53))
        );
    }

    #[test]
    fn truncated_packet() {
        let mut body = vec![2, 0, 0, 1];
        body.extend(attr(1, &[0, 0, 0, 1, 0x08, 0x00, 3]));
        body.extend(attr(10, &UDP4[..28]));
        body.extend(attr(13, &1400u32.to_be_bytes())); // NFQA_CAP_LEN 1400
        let bytes = nlmsg(0x0300, 0, 0, 0, &body);
        let mut slots = PacketSlots::new();
        let p = PacketMeta::parse_bytes(&bytes, &mut slots).unwrap();
        assert!(p.is_truncated());
        assert_eq!(p.len(), 1400);
        assert_eq!(p.cap_len(), Some(1400));
    }

    #[test]
    fn malformed_inputs_are_typed_errors() {
        // missing NFQA_PACKET_HDR
        let bytes = nlmsg(0x0300, 0, 0, 0, &[2, 0, 0, 1]);
        assert_eq!(
            PacketMeta::parse_bytes(&bytes, &mut PacketSlots::new()),
            Err(ParseError::Missing {
                kind: 1,
                within: "NFQNL_MSG_PACKET"
            })
        );
        // wrong size header
        let mut body = vec![2, 0, 0, 1];
        body.extend(attr(1, &[0, 0, 0, 1]));
        assert!(matches!(
            PacketMeta::parse_bytes(&nlmsg(0x0300, 0, 0, 0, &body), &mut PacketSlots::new()),
            Err(ParseError::AttrSize {
                kind: 1,
                expected: 7,
                got: 4
            })
        ));
        // wrong size mark
        let mut body = vec![2, 0, 0, 1];
        body.extend(attr(1, &[0, 0, 0, 1, 8, 0, 3]));
        body.extend(attr(3, &[1, 2]));
        assert!(matches!(
            PacketMeta::parse_bytes(&nlmsg(0x0300, 0, 0, 0, &body), &mut PacketSlots::new()),
            Err(ParseError::AttrSize { kind: 3, .. })
        ));
        // attribute overflowing the message
        let mut body = vec![2, 0, 0, 1];
        body.extend([200, 0, 1, 0]);
        assert!(matches!(
            PacketMeta::parse_bytes(&nlmsg(0x0300, 0, 0, 0, &body), &mut PacketSlots::new()),
            Err(ParseError::Truncated { .. })
        ));
        // bad VLAN nest child size
        let mut body = vec![2, 0, 0, 1];
        body.extend(attr(1, &[0, 0, 0, 1, 8, 0, 3]));
        body.extend(attr(19, &attr(2, &[1])));
        assert!(matches!(
            PacketMeta::parse_bytes(&nlmsg(0x0300, 0, 0, 0, &body), &mut PacketSlots::new()),
            Err(ParseError::AttrSize { kind: 2, .. })
        ));
        // another message type
        assert!(matches!(
            PacketMeta::parse_bytes(
                &nlmsg(0x0301, 0, 0, 0, &[0, 0, 0, 1]),
                &mut PacketSlots::new()
            ),
            Err(ParseError::UnexpectedMessage { msg_type: 0x0301 })
        ));
        // every prefix of a valid message: error or fine, never a panic
        let full = full_fixture();
        for n in 0..full.len() {
            let mut slots = PacketSlots::new();
            let _ = PacketMeta::parse_bytes(&full[..n], &mut slots);
        }
    }

    #[test]
    fn salvage_and_owned_copy_use_the_parsed_header() {
        // A packet whose mark has the wrong size fails to parse, but its
        // queue and id are read by the same header decoder.
        let mut body = vec![2, 0, 0, 7];
        body.extend(attr(1, &[0, 0, 1, 2, 0x08, 0x00, 3]));
        body.extend(attr(3, &[1, 2]));
        let bad = nlmsg(0x0300, 0, 0, 0, &body);
        assert!(PacketMeta::parse_bytes(&bad, &mut PacketSlots::new()).is_err());
        let (queue, hdr) = PacketHdr::salvage(&bad).unwrap();
        assert_eq!(
            (queue, hdr.id, hdr.hw_protocol, hdr.hook),
            (7, 0x102, 0x0800, 3)
        );
        // An owned copy reuses the index: the same view over the copy.
        let bytes = full_fixture();
        let mut slots = PacketSlots::new();
        let p = PacketMeta::parse_bytes(&bytes, &mut slots).unwrap();
        let copy = p.raw().to_vec();
        let kept = p.slots();
        let q = PacketMeta::attach(&copy, &kept, p.id());
        assert_eq!(
            q,
            PacketMeta::parse_bytes(&copy, &mut PacketSlots::new()).unwrap()
        );
        assert_eq!(
            (q.id(), q.queue(), q.mark(), q.payload()),
            (9, 5, Some(0x42), Some(&UDP4[..]))
        );
        assert_eq!(q.vlan(), p.vlan());
    }

    #[test]
    fn ip_helpers() {
        assert!(IpPacket::parse(&[]).is_err());
        assert!(IpPacket::parse(&UDP4[..19]).is_err());
        let mut bad_ihl = UDP4;
        bad_ihl[0] = 0x41;
        assert!(IpPacket::parse(&bad_ihl).is_err());
        // IPv4 header only, no ports
        let ip = IpPacket::parse(&UDP4[..20]).unwrap();
        assert_eq!(ip.src_port(), None);
        // IPv6 with a hop-by-hop header, then TCP
        let mut v6 = vec![0x60, 0, 0, 0, 0, 12, 0, 64];
        v6.extend([0u8; 15]);
        v6.push(1); // ::1
        v6.extend([0u8; 15]);
        v6.push(2); // ::2
        v6.extend([6, 0, 0, 0, 0, 0, 0, 0]); // hop-by-hop: next TCP, len 0 (8 bytes)
        v6.extend([0, 80, 0x1f, 0x90]); // ports 80 -> 8080
        let ip = IpPacket::parse(&v6).unwrap();
        assert_eq!((ip.protocol(), ip.transport_offset()), (IpProto::TCP, 48));
        assert_eq!((ip.src_port(), ip.dst_port()), (Some(80), Some(8080)));
        assert_eq!(ip.dst().to_string(), "::2");
        assert_eq!(Hook::from(7), Hook::Unknown(7));
        assert_eq!(u8::from(Hook::Forward), 2);
        assert_eq!(u32::from(CtState::from(9)), 9);
    }
}
