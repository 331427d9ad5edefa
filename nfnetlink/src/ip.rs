//! A checked, zero-copy view of the IPv4 or IPv6 packet that netfilter
//! subsystems hand over (`NFQA_PAYLOAD`, `NFULA_PAYLOAD`: the packet from
//! the network header on), its transport header (TCP, UDP, UDP-Lite,
//! SCTP, DCCP ports; ICMP and ICMPv6 type and code), and the checksums to
//! recompute after changing it.
//!
//! ```text
//! IPv4 | ver/ihl | tos | tot_len be16 | id be16 | frag_off be16 | ttl | proto | csum be16 | src 4 | dst 4 | options |
//! IPv6 | ver/tc/flow be32 | payload_len be16 | nexthdr | hop_limit | src 16 | dst 16 | extension headers |
//!        hop-by-hop (0), routing (43), destination options (60): | next | len | ... |  (len + 1) * 8 bytes
//!        AH (51):                                                | next | len | ... |  (len + 2) * 4 bytes
//!        fragment (44): | next | res | offset(13) res(2) M(1) be16 | id be32 |          8 bytes
//! L4   | src port be16 | dst port be16 | ...     (TCP, UDP, UDP-Lite, SCTP, DCCP)
//!      | type | code | checksum be16 | ...       (ICMP, ICMPv6)
//! ```
//!
//! [`IpPacket::parse`] checks the version, the header lengths against the
//! data and walks the IPv6 extension headers once; afterwards the
//! accessors cannot fail. The payload may be truncated (a copy range): the
//! view then still gives the addresses, and the ports only when they are
//! within the data. A non-first fragment has no transport header: its
//! protocol is the fragment header's next header and it has no ports.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::ops::Range;

use crate::netfilter::IpProto;

/// Byte ranges of the IPv4 header (RFC 791).
mod v4 {
    use std::ops::Range;
    pub const VER_IHL: usize = 0;
    pub const TOT_LEN: Range<usize> = 2..4;
    pub const FRAG_OFF: Range<usize> = 6..8;
    pub const PROTO: usize = 9;
    pub const CHECKSUM: Range<usize> = 10..12;
    pub const SRC: Range<usize> = 12..16;
    pub const DST: Range<usize> = 16..20;
    pub const MIN_LEN: usize = 20;
    /// `IP_MF | IP_OFFSET`: a fragment of a larger datagram.
    pub const FRAGMENTED: u16 = 0x3fff;
    /// `IP_OFFSET`: the fragment offset (non-zero: not the first fragment).
    pub const OFFSET: u16 = 0x1fff;
}

/// Byte ranges of the IPv6 header (RFC 8200).
mod v6 {
    use std::ops::Range;
    pub const PAYLOAD_LEN: Range<usize> = 4..6;
    pub const NEXT_HEADER: usize = 6;
    pub const SRC: Range<usize> = 8..24;
    pub const DST: Range<usize> = 24..40;
    pub const LEN: usize = 40;
    pub const HOP_BY_HOP: u8 = 0;
    pub const ROUTING: u8 = 43;
    pub const FRAGMENT: u8 = 44;
    pub const AH: u8 = 51;
    pub const DEST_OPTS: u8 = 60;
    /// The fragment offset bits of the fragment header's third/fourth byte.
    pub const FRAG_OFFSET: u16 = 0xfff8;
    /// More extension headers than this is not a packet, it is an attack
    /// (each is at least 8 bytes, so this also bounds the walk): up to 32
    /// are read, a 33rd is refused.
    pub const MAX_EXT: usize = 32;
    /// Routing header types whose final destination is at offset 8: type 2
    /// (Mobile IPv6, the home address) and 4 (Segment Routing, segment
    /// list\[0\]); type 0's is the last of its addresses (RFC 8200 §8.1,
    /// RFC 6275 §6.4, RFC 8754 §2).
    pub const RT_TYPE0: u8 = 0;
    pub const RT_MOBILE: u8 = 2;
    pub const RT_SEGMENT: u8 = 4;
}

/// Why bytes are not a readable IP packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IpError {
    /// The version nibble is neither 4 nor 6.
    #[error("IP packet: version {0} is neither 4 nor 6")]
    Version(u8),
    /// The data ends inside a header.
    #[error("IP packet: {what} truncated, need {need} bytes, have {have}")]
    Truncated {
        /// The header being read.
        what: &'static str,
        /// Bytes needed.
        need: usize,
        /// Bytes available.
        have: usize,
    },
    /// The IPv4 header length (`ihl` * 4) is below 20.
    #[error("IPv4 header length {0} is below 20")]
    HeaderLength(usize),
    /// More IPv6 extension headers than any real packet has (over 32).
    #[error("IPv6: more than 32 extension headers")]
    TooManyExtensions,
    /// A checksum cannot be recomputed: the packet is a fragment, or is
    /// shorter than its header says.
    #[error("cannot recompute the checksum: {0}")]
    Checksum(&'static str),
}

/// A checked view of an IPv4 or IPv6 packet, borrowing its bytes.
///
/// # Examples
/// ```
/// use nfnl::{IpPacket, IpProto};
/// #[rustfmt::skip]
/// let pkt = [
///     0x45, 0, 0, 28, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2, // IPv4, UDP
///     0x30, 0x39, 0x00, 0x35, 0, 8, 0, 0,                                  // 12345 -> 53
/// ];
/// let ip = IpPacket::parse(&pkt)?;
/// assert_eq!((ip.protocol(), ip.src_port(), ip.dst_port()), (IpProto::UDP, Some(12345), Some(53)));
/// assert_eq!(ip.src().to_string(), "10.0.0.1");
/// # Ok::<(), nfnl::IpError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IpPacket<'a> {
    /// The packet, cut at the length its header announces when the data is
    /// longer (link-layer padding).
    bytes: &'a [u8],
    /// Offset of the transport header (after options / extension headers).
    l4: usize,
    proto: IpProto,
    /// Part of a fragmented datagram (first or not).
    fragmented: bool,
    /// Where the final destination's address starts: the IPv6 destination,
    /// or the routing header's final segment while segments are left (IPv4:
    /// the destination).
    final_dst: usize,
    /// The transport header starts at `l4`: false for a fragment other
    /// than the first, and when the data ends inside an IPv6 extension
    /// header (a copy range).
    has_transport: bool,
    /// The whole packet is there (not cut by a copy range).
    complete: bool,
}

/// Where, in routing header `ext`, the final destination's address starts,
/// when segments are left and the type says (see [`IpPacket::final_dst`]);
/// `None` when the header names none or its address does not fit it.
fn routing_final_dst(ext: &[u8]) -> Option<usize> {
    let [_, len, kind, left, ..] = *ext else {
        return None;
    };
    let size = (usize::from(len) + 1) * 8;
    let at = match kind {
        _ if left == 0 => return None,
        v6::RT_MOBILE | v6::RT_SEGMENT => 8,
        // `len` counts 8-byte units: two per address.
        v6::RT_TYPE0 => (usize::from(len) / 2).checked_sub(1)? * 16 + 8,
        _ => return None,
    };
    (at + 16 <= size.min(ext.len())).then_some(at)
}

fn be16(b: &[u8], r: Range<usize>) -> u16 {
    match b.get(r) {
        Some(&[x, y]) => u16::from_be_bytes([x, y]),
        _ => 0,
    }
}

fn need(what: &'static str, b: &[u8], n: usize) -> Result<(), IpError> {
    if b.len() < n {
        return Err(IpError::Truncated {
            what,
            need: n,
            have: b.len(),
        });
    }
    Ok(())
}

impl<'a> IpPacket<'a> {
    /// Reads the IPv4 or IPv6 header at the start of `bytes` (and walks the
    /// IPv6 extension headers).
    ///
    /// # Errors
    /// [`IpError::Version`], [`IpError::Truncated`] when a header (IPv4
    /// with its options, an IPv6 extension header) does not fit the data,
    /// [`IpError::HeaderLength`], [`IpError::TooManyExtensions`].
    pub fn parse(bytes: &'a [u8]) -> Result<Self, IpError> {
        need("IP header", bytes, 1)?;
        match bytes.first().map_or(0, |b| b >> 4) {
            4 => Self::parse_v4(bytes),
            6 => Self::parse_v6(bytes),
            v => Err(IpError::Version(v)),
        }
    }

    fn parse_v4(bytes: &'a [u8]) -> Result<Self, IpError> {
        need("IPv4 header", bytes, v4::MIN_LEN)?;
        let ihl = usize::from(bytes.get(v4::VER_IHL).map_or(0, |b| b & 0x0f)) * 4;
        if ihl < v4::MIN_LEN {
            return Err(IpError::HeaderLength(ihl));
        }
        need("IPv4 header with options", bytes, ihl)?;
        let tot_len = usize::from(be16(bytes, v4::TOT_LEN));
        let frag = be16(bytes, v4::FRAG_OFF);
        // A tot_len below the header is nonsense: keep the data as it is.
        let (bytes, complete) = if tot_len >= ihl {
            (
                bytes.get(..tot_len).unwrap_or(bytes),
                bytes.len() >= tot_len,
            )
        } else {
            (bytes, false)
        };
        Ok(IpPacket {
            bytes,
            l4: ihl,
            proto: IpProto(bytes.get(v4::PROTO).copied().unwrap_or(0)),
            fragmented: frag & v4::FRAGMENTED != 0,
            final_dst: v4::DST.start,
            has_transport: frag & v4::OFFSET == 0,
            complete,
        })
    }

    fn parse_v6(bytes: &'a [u8]) -> Result<Self, IpError> {
        need("IPv6 header", bytes, v6::LEN)?;
        let plen = usize::from(be16(bytes, v6::PAYLOAD_LEN));
        // payload_len 0 is a jumbogram (or a packet the kernel will refuse):
        // take the data as it is.
        let (bytes, complete) = match plen.checked_add(v6::LEN) {
            Some(total) if plen != 0 => (bytes.get(..total).unwrap_or(bytes), bytes.len() >= total),
            _ => (bytes, true),
        };
        let mut next = bytes.get(v6::NEXT_HEADER).copied().unwrap_or(0);
        let mut off = v6::LEN;
        let mut fragmented = false;
        let mut final_dst = v6::DST.start;
        let mut seen = 0;
        loop {
            let done = move |l4, next, fragmented, has_transport| {
                Ok(IpPacket {
                    bytes,
                    l4,
                    proto: IpProto(next),
                    fragmented,
                    final_dst,
                    has_transport,
                    complete,
                })
            };
            if !matches!(
                next,
                v6::HOP_BY_HOP | v6::ROUTING | v6::DEST_OPTS | v6::AH | v6::FRAGMENT
            ) {
                return done(off, next, fragmented, true);
            }
            if seen == v6::MAX_EXT {
                return Err(IpError::TooManyExtensions);
            }
            seen += 1;
            let ext = bytes.get(off..).unwrap_or(&[]);
            if next == v6::ROUTING {
                if let Some(at) = routing_final_dst(ext) {
                    final_dst = off.saturating_add(at);
                }
            }
            let (ext_next, size) = match (next, ext) {
                (v6::FRAGMENT, [n, _, o0, o1, ..]) => {
                    fragmented = true;
                    if u16::from_be_bytes([*o0, *o1]) & v6::FRAG_OFFSET != 0 {
                        // What follows a non-first fragment header is the
                        // middle of the datagram, not more headers.
                        return done(off.saturating_add(8), *n, true, false);
                    }
                    (*n, 8)
                }
                (v6::AH, [n, len, ..]) => (*n, (usize::from(*len) + 2) * 4),
                (v6::HOP_BY_HOP | v6::ROUTING | v6::DEST_OPTS, [n, len, ..]) => {
                    (*n, (usize::from(*len) + 1) * 8)
                }
                // The data (a copy range) ends inside the header chain: the
                // transport protocol is unknown.
                _ => return done(off, next, fragmented, false),
            };
            next = ext_next;
            off = off.saturating_add(size);
        }
    }

    /// The IP version (4 or 6).
    pub fn version(&self) -> u8 {
        self.bytes.first().map_or(0, |b| b >> 4)
    }

    /// The packet bytes (cut at the header's total length when the data
    /// was longer).
    pub fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }

    fn is_v4(&self) -> bool {
        self.version() == 4
    }

    /// Source address.
    pub fn src(&self) -> IpAddr {
        if self.is_v4() {
            IpAddr::V4(Ipv4Addr::from(self.array::<4>(v4::SRC)))
        } else {
            IpAddr::V6(Ipv6Addr::from(self.array::<16>(v6::SRC)))
        }
    }

    /// Destination address.
    pub fn dst(&self) -> IpAddr {
        if self.is_v4() {
            IpAddr::V4(Ipv4Addr::from(self.array::<4>(v4::DST)))
        } else {
            IpAddr::V6(Ipv6Addr::from(self.array::<16>(v6::DST)))
        }
    }

    /// The final destination (RFC 8200 §8.1), which the transport checksum
    /// covers: the destination address, unless a routing header with
    /// segments left names another (type 0: its last address; type 2: the
    /// home address; type 4, Segment Routing: segment list\[0\]).
    pub fn final_dst(&self) -> IpAddr {
        if self.is_v4() {
            return self.dst();
        }
        let at = self.final_dst;
        IpAddr::V6(Ipv6Addr::from(self.array::<16>(at..at.saturating_add(16))))
    }

    fn array<const N: usize>(&self, r: Range<usize>) -> [u8; N] {
        self.bytes
            .get(r)
            .and_then(|s| s.try_into().ok())
            .unwrap_or([0; N])
    }

    /// The transport protocol: the IPv4 `protocol`, or for IPv6 the next
    /// header after the extension headers (after a non-first fragment
    /// header: the fragment's next header).
    pub fn protocol(&self) -> IpProto {
        self.proto
    }

    /// Offset of the transport header from the start of the packet (the
    /// IPv4 header length, or 40 plus the IPv6 extension headers).
    pub fn transport_offset(&self) -> usize {
        self.l4
    }

    /// The packet length its header declares (IPv4 `tot_len`, IPv6
    /// `payload_len` + 40), which a copy range does not cut; `None` for an
    /// IPv6 jumbogram (`payload_len` 0).
    pub fn total_len(&self) -> Option<usize> {
        if self.is_v4() {
            Some(usize::from(be16(self.bytes, v4::TOT_LEN)))
        } else {
            let plen = usize::from(be16(self.bytes, v6::PAYLOAD_LEN));
            (plen != 0).then_some(plen + v6::LEN)
        }
    }

    /// True if the packet is a fragment of a larger datagram.
    pub fn is_fragment(&self) -> bool {
        self.fragmented
    }

    /// True if the whole packet is in the data (it was not cut by a copy
    /// range).
    pub fn is_complete(&self) -> bool {
        self.complete
    }

    /// The transport header and what follows, in the data; `None` for a
    /// non-first fragment (which has none).
    pub fn transport(&self) -> Option<&'a [u8]> {
        if !self.has_transport {
            return None;
        }
        self.bytes.get(self.l4..)
    }

    /// Source and destination port, for TCP, UDP, UDP-Lite, SCTP and DCCP
    /// when they are within the data.
    pub fn ports(&self) -> Option<(u16, u16)> {
        if !self.proto.has_ports() {
            return None;
        }
        let t = self.transport()?;
        Some((be16(t, 0..2), be16(t, 2..4))).filter(|_| t.len() >= 4)
    }

    /// Source port (see [`IpPacket::ports`]).
    pub fn src_port(&self) -> Option<u16> {
        self.ports().map(|p| p.0)
    }

    /// Destination port (see [`IpPacket::ports`]).
    pub fn dst_port(&self) -> Option<u16> {
        self.ports().map(|p| p.1)
    }

    /// ICMP or ICMPv6 type and code, when within the data.
    pub fn icmp(&self) -> Option<(u8, u8)> {
        let wanted = if self.is_v4() {
            IpProto::ICMP
        } else {
            IpProto::ICMPV6
        };
        if self.proto != wanted {
            return None;
        }
        match self.transport()? {
            [kind, code, ..] => Some((*kind, *code)),
            _ => None,
        }
    }
}

/// The Internet checksum (RFC 1071) of the concatenation of `parts`,
/// folded and complemented. Verifying data that contains its checksum
/// gives 0.
///
/// # Examples
/// ```
/// use nfnl::ip::checksum;
/// assert_eq!(checksum(&[&[0x45, 0x00], &[0x00, 0x1c]]), !0x451c);
/// assert_eq!(checksum(&[&[0x45], &[0x00, 0x00, 0x1c]]), !0x451c); // odd split
/// ```
pub fn checksum(parts: &[&[u8]]) -> u16 {
    let mut sum: u64 = 0;
    let mut odd: Option<u8> = None;
    for part in parts {
        let mut rest: &[u8] = part;
        if let (Some(hi), [lo, tail @ ..]) = (odd, rest) {
            sum += u64::from(u16::from_be_bytes([hi, *lo]));
            odd = None;
            rest = tail;
        }
        let mut chunks = rest.chunks_exact(2);
        for c in &mut chunks {
            if let [hi, lo] = c {
                sum += u64::from(u16::from_be_bytes([*hi, *lo]));
            }
        }
        if let [last] = chunks.remainder() {
            odd = Some(*last);
        }
    }
    if let Some(hi) = odd {
        sum += u64::from(hi) << 8;
    }
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !u16::try_from(sum).unwrap_or(0xffff)
}

/// Recomputes, in place, the IPv4 header checksum and the TCP, UDP, ICMP
/// or ICMPv6 checksum (with the IPv4 or IPv6 pseudo-header) of `packet`,
/// as needed after changing its bytes. Lengths are not changed: the
/// header's total length must be the packet's. Other transport protocols
/// (and UDP-Lite, whose coverage is partial) are left alone.
///
/// # Errors
/// As [`IpPacket::parse`]; [`IpError::Checksum`] if the packet is shorter
/// than its header says, is a fragment (the transport checksum covers the
/// whole datagram; the IPv4 header checksum is still updated), or its
/// transport header is cut.
///
/// # Examples
/// ```
/// use nfnl::ip::{checksum, update_checksums};
/// #[rustfmt::skip]
/// let mut p = [
///     0x45, 0, 0, 30, 0, 0, 0, 0, 64, 17, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1,
///     0x30, 0x39, 0x27, 0x0f, 0, 10, 0, 0, b'h', b'i',
/// ];
/// update_checksums(&mut p)?;
/// assert_eq!(checksum(&[&p[..20]]), 0);
/// assert_eq!(checksum(&[&[127, 0, 0, 1, 127, 0, 0, 1, 0, 17, 0, 10], &p[20..]]), 0);
/// # Ok::<(), nfnl::IpError>(())
/// ```
pub fn update_checksums(packet: &mut [u8]) -> Result<(), IpError> {
    let ip = IpPacket::parse(packet)?;
    let (v4, l4, proto, end) = (ip.is_v4(), ip.l4, ip.proto, ip.bytes.len());
    let (src, dst) = (ip.src(), ip.final_dst());
    let (complete, fragmented) = (ip.complete, ip.fragmented);
    if v4 {
        if let Some(header) = packet.get_mut(..l4) {
            set_checksum(header, v4::CHECKSUM, &[], false);
        }
    }
    if fragmented || !complete {
        return Err(IpError::Checksum(if fragmented {
            "the packet is a fragment"
        } else {
            "the packet is shorter than its header says"
        }));
    }
    let field = match proto {
        IpProto::TCP => 16..18,
        IpProto::UDP => 6..8,
        IpProto::ICMP if v4 => 2..4,
        IpProto::ICMPV6 if !v4 => 2..4,
        _ => return Ok(()),
    };
    let seg_len = end.saturating_sub(l4);
    if seg_len < field.end {
        return Err(IpError::Checksum("the transport header is cut"));
    }
    let mut pseudo = [0u8; 40];
    let pseudo_len = match (src, dst) {
        _ if proto == IpProto::ICMP => 0,
        (IpAddr::V4(s), IpAddr::V4(d)) => {
            let len = u16::try_from(seg_len).map_err(|_| IpError::Checksum("segment too long"))?;
            pseudo[..4].copy_from_slice(&s.octets());
            pseudo[4..8].copy_from_slice(&d.octets());
            pseudo[9] = proto.0;
            pseudo[10..12].copy_from_slice(&len.to_be_bytes());
            12
        }
        (IpAddr::V6(s), IpAddr::V6(d)) => {
            let len = u32::try_from(seg_len).map_err(|_| IpError::Checksum("segment too long"))?;
            pseudo[..16].copy_from_slice(&s.octets());
            pseudo[16..32].copy_from_slice(&d.octets());
            pseudo[32..36].copy_from_slice(&len.to_be_bytes());
            pseudo[39] = proto.0;
            40
        }
        _ => 0,
    };
    let Some(seg) = packet.get_mut(l4..end) else {
        return Err(IpError::Checksum("the transport header is cut"));
    };
    let pseudo = pseudo.get(..pseudo_len).unwrap_or(&[]);
    set_checksum(seg, field, pseudo, proto == IpProto::UDP);
    Ok(())
}

/// Zeroes `field` of `buf`, sums `pseudo` and `buf`, and writes the result
/// into `field`. With `zero_means_none` (UDP), a computed 0 is sent as
/// 0xffff.
fn set_checksum(buf: &mut [u8], field: Range<usize>, pseudo: &[u8], zero_means_none: bool) {
    if let Some(f) = buf.get_mut(field.clone()) {
        f.fill(0);
    }
    let mut c = checksum(&[pseudo, buf]);
    if c == 0 && zero_means_none {
        c = 0xffff;
    }
    if let Some(f) = buf.get_mut(field) {
        f.copy_from_slice(&c.to_be_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// IPv4/UDP 10.0.0.1:12345 -> 10.0.0.2:53 with 4 bytes of data.
    #[rustfmt::skip]
    const UDP4: [u8; 32] = [
        0x45, 0, 0, 32,  0, 1, 0x40, 0,  64, 17, 0, 0,
        10, 0, 0, 1,  10, 0, 0, 2,
        0x30, 0x39, 0x00, 0x35,  0, 12, 0, 0,
        b'p', b'i', b'n', b'g',
    ];

    /// An IPv6 header ::1 -> ::2 with `next` and `plen`, then `rest`.
    fn v6(next: u8, rest: &[u8]) -> Vec<u8> {
        let plen = u16::try_from(rest.len()).unwrap();
        let mut p = vec![0x60, 0, 0, 0];
        p.extend(plen.to_be_bytes());
        p.extend([next, 64]);
        p.extend([0u8; 15]);
        p.push(1);
        p.extend([0u8; 15]);
        p.push(2);
        p.extend(rest);
        p
    }

    #[test]
    fn ipv4_header_and_ports() {
        let ip = IpPacket::parse(&UDP4).unwrap();
        assert_eq!(
            (ip.version(), ip.protocol(), ip.transport_offset()),
            (4, IpProto::UDP, 20)
        );
        assert_eq!(
            (ip.src().to_string(), ip.dst().to_string()),
            ("10.0.0.1".into(), "10.0.0.2".into())
        );
        assert_eq!(ip.ports(), Some((12345, 53)));
        assert!(ip.is_complete() && !ip.is_fragment());
        // link-layer padding after tot_len is not part of the packet
        let mut padded = UDP4.to_vec();
        padded.extend([0xee; 6]);
        assert_eq!(IpPacket::parse(&padded).unwrap().as_bytes(), &UDP4[..]);
        // header only: addresses, no ports, not complete, the declared length
        let ip = IpPacket::parse(&UDP4[..20]).unwrap();
        assert_eq!(
            (ip.ports(), ip.is_complete(), ip.total_len()),
            (None, false, Some(32))
        );
    }

    #[test]
    fn ipv4_header_length_is_checked_against_the_data() {
        let mut p = UDP4;
        p[0] = 0x41; // ihl 4 bytes
        assert_eq!(IpPacket::parse(&p), Err(IpError::HeaderLength(4)));
        p[0] = 0x4f; // ihl 60 > 32 bytes of data
        assert!(matches!(
            IpPacket::parse(&p),
            Err(IpError::Truncated {
                need: 60,
                have: 32,
                ..
            })
        ));
        p[0] = 0x46; // ihl 24: options, ports move to 24
        let ip = IpPacket::parse(&p).unwrap();
        assert_eq!((ip.transport_offset(), ip.ports()), (24, Some((12, 0))));
        assert!(IpPacket::parse(&UDP4[..19]).is_err());
        assert_eq!(
            IpPacket::parse(&[]).map(|_| ()),
            Err(IpError::Truncated {
                what: "IP header",
                need: 1,
                have: 0
            })
        );
        assert_eq!(IpPacket::parse(&[0x50; 40]), Err(IpError::Version(5)));
    }

    #[test]
    fn ipv4_later_fragment_has_no_ports() {
        let mut p = UDP4;
        p[6..8].copy_from_slice(&0x0003u16.to_be_bytes()); // offset 24 bytes
        let ip = IpPacket::parse(&p).unwrap();
        assert!(ip.is_fragment());
        assert_eq!(
            (ip.protocol(), ip.ports(), ip.transport()),
            (IpProto::UDP, None, None)
        );
        p[6..8].copy_from_slice(&0x2000u16.to_be_bytes()); // MF, offset 0: first fragment
        let ip = IpPacket::parse(&p).unwrap();
        assert!(ip.is_fragment());
        assert_eq!(ip.ports(), Some((12345, 53)));
    }

    #[test]
    fn ipv6_extension_headers() {
        // hop-by-hop (8 bytes) then TCP 80 -> 8080
        let ip_bytes = v6(0, &[6, 0, 0, 0, 0, 0, 0, 0, 0, 80, 0x1f, 0x90]);
        let ip = IpPacket::parse(&ip_bytes).unwrap();
        assert_eq!((ip.protocol(), ip.transport_offset()), (IpProto::TCP, 48));
        assert_eq!(ip.ports(), Some((80, 8080)));
        assert_eq!(
            (ip.dst().to_string(), ip.total_len()),
            ("::2".into(), Some(52))
        );
        // data cut inside the extension headers: addresses, no guessed protocol or ports
        let cut = IpPacket::parse(&ip_bytes[..41]).unwrap();
        assert_eq!(
            (cut.protocol(), cut.transport(), cut.ports()),
            (IpProto(0), None, None)
        );
        let cut = IpPacket::parse(&ip_bytes[..44]).unwrap(); // next header read, header cut
        assert_eq!(
            (cut.protocol(), cut.transport(), cut.ports()),
            (IpProto::TCP, None, None)
        );
        assert_eq!(cut.src().to_string(), "::1");
        let cut = IpPacket::parse(&ip_bytes[..49]).unwrap(); // TCP header cut after 1 byte
        assert_eq!((cut.protocol(), cut.ports()), (IpProto::TCP, None));
        // 33 hop-by-hop headers
        let mut many = Vec::new();
        for _ in 0..33 {
            many.extend([0, 0, 0, 0, 0, 0, 0, 0]);
        }
        assert_eq!(
            IpPacket::parse(&v6(0, &many)),
            Err(IpError::TooManyExtensions)
        );
    }

    fn unhex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    #[test]
    fn ipv6_checksum_covers_the_routing_headers_final_destination() {
        // Issue 20 F5: IPv6 to 2001:db8::a with a Segment Routing header
        // (segments left 1, segment list [2001:db8::f, 2001:db8::a]) and
        // UDP 12345 -> 53 "ping". The receiver checks the UDP checksum
        // against the final destination 2001:db8::f (RFC 8200 §8.1).
        let mut p = unhex(
            "6000000000342b4020010db800000000000000000000000120010db8000000000000000000\
             00000a110404010100000020010db800000000000000000000000f20010db8000000000000\
             00000000000a30390035000c000070696e67",
        );
        let ip = IpPacket::parse(&p).unwrap();
        assert_eq!(ip.dst().to_string(), "2001:db8::a");
        assert_eq!(ip.final_dst().to_string(), "2001:db8::f");
        assert_eq!(ip.protocol(), IpProto::UDP);
        update_checksums(&mut p).unwrap();
        let mut pseudo = Vec::new();
        pseudo.extend_from_slice(&p[8..24]);
        pseudo.extend_from_slice(&"2001:db8::f".parse::<Ipv6Addr>().unwrap().octets());
        pseudo.extend_from_slice(&[0, 0, 0, 12, 0, 0, 0, 17]);
        assert_eq!(checksum(&[&pseudo, &p[80..]]), 0);
        // No segment left: the destination is the final one.
        p[43] = 0;
        let ip = IpPacket::parse(&p).unwrap();
        assert_eq!(ip.final_dst(), ip.dst());
        // Type 2 (Mobile IPv6): the home address; type 0: the last address.
        let mut rt = vec![17, 2, 2, 1, 0, 0, 0, 0];
        rt.extend_from_slice(&"2001:db8::9".parse::<Ipv6Addr>().unwrap().octets());
        rt.extend([0; 8]);
        let pkt = v6(43, &rt);
        assert_eq!(
            IpPacket::parse(&pkt).unwrap().final_dst().to_string(),
            "2001:db8::9"
        );
        let mut rt0 = vec![17, 4, 0, 2, 0, 0, 0, 0];
        rt0.extend_from_slice(&"2001:db8::1:1".parse::<Ipv6Addr>().unwrap().octets());
        rt0.extend_from_slice(&"2001:db8::1:2".parse::<Ipv6Addr>().unwrap().octets());
        let pkt0 = v6(43, &rt0);
        assert_eq!(
            IpPacket::parse(&pkt0).unwrap().final_dst().to_string(),
            "2001:db8::1:2"
        );
    }

    #[test]
    fn ipv6_takes_exactly_32_extension_headers() {
        // Issue 20 F6: 32 hop-by-hop headers then UDP are a packet; 33 are
        // refused.
        for (n, ok) in [(32, true), (33, false)] {
            let mut hdrs = Vec::new();
            for i in 0..n {
                hdrs.extend([if i + 1 == n { 17 } else { 0 }, 0, 0, 0, 0, 0, 0, 0]);
            }
            hdrs.extend([0x30, 0x39, 0, 53, 0, 8, 0, 0]);
            let pkt = v6(0, &hdrs);
            let r = IpPacket::parse(&pkt);
            if ok {
                let ip = r.unwrap();
                assert_eq!((ip.protocol(), ip.dst_port()), (IpProto::UDP, Some(53)));
            } else {
                assert_eq!(r, Err(IpError::TooManyExtensions));
            }
        }
    }

    #[test]
    fn ipv6_ah_is_skipped_by_its_own_length_unit() {
        // AH: next UDP, len 4 -> (4 + 2) * 4 = 24 bytes; then UDP 53 -> 99
        let mut rest = vec![17, 4];
        rest.extend([0u8; 22]);
        rest.extend([0, 53, 0, 99, 0, 8, 0, 0]);
        let ip_bytes = v6(51, &rest);
        let ip = IpPacket::parse(&ip_bytes).unwrap();
        assert_eq!((ip.protocol(), ip.transport_offset()), (IpProto::UDP, 64));
        assert_eq!(ip.ports(), Some((53, 99)));
    }

    #[test]
    fn ipv6_non_first_fragment_stops_the_walk() {
        // fragment header: next hop-by-hop(!), offset 8; then bytes that look
        // like a hop-by-hop header followed by "ports" -- payload, not headers
        let mut rest = vec![0, 0, 0, 8, 0, 0, 0, 1];
        rest.extend([6, 0, 0, 0, 0, 0, 0, 0, 0, 80, 0, 81]);
        let ip_bytes = v6(44, &rest);
        let ip = IpPacket::parse(&ip_bytes).unwrap();
        assert!(ip.is_fragment());
        assert_eq!((ip.protocol(), ip.transport_offset()), (IpProto(0), 48));
        assert_eq!((ip.ports(), ip.transport()), (None, None));
        // first fragment (offset 0, M set): the walk goes on, ports readable
        let mut rest = vec![17, 0, 0, 1, 0, 0, 0, 1];
        rest.extend([0, 1, 0, 2, 0, 8, 0, 0]);
        let ip_bytes = v6(44, &rest);
        let ip = IpPacket::parse(&ip_bytes).unwrap();
        assert_eq!(
            (ip.protocol(), ip.ports(), ip.is_fragment()),
            (IpProto::UDP, Some((1, 2)), true)
        );
    }

    #[test]
    fn icmp_type_and_code() {
        let mut p = UDP4;
        p[9] = 1;
        p[20] = 8;
        assert_eq!(IpPacket::parse(&p).unwrap().icmp(), Some((8, 0x39)));
        assert_eq!(IpPacket::parse(&p).unwrap().ports(), None);
        let ip_bytes = v6(58, &[128, 0, 0, 0]);
        assert_eq!(IpPacket::parse(&ip_bytes).unwrap().icmp(), Some((128, 0)));
        assert_eq!(IpPacket::parse(&UDP4).unwrap().icmp(), None);
    }

    fn verify_l4(p: &[u8]) -> u16 {
        let ip = IpPacket::parse(p).unwrap();
        let seg = &p[ip.transport_offset()..];
        let len = seg.len();
        match (ip.src(), ip.dst()) {
            (IpAddr::V4(s), IpAddr::V4(d)) => {
                let mut ph = s.octets().to_vec();
                ph.extend(d.octets());
                ph.extend([0, ip.protocol().0]);
                ph.extend(u16::try_from(len).unwrap().to_be_bytes());
                checksum(&[&ph, seg])
            }
            (IpAddr::V6(s), IpAddr::V6(d)) => {
                let mut ph = s.octets().to_vec();
                ph.extend(d.octets());
                ph.extend(u32::try_from(len).unwrap().to_be_bytes());
                ph.extend([0, 0, 0, ip.protocol().0]);
                checksum(&[&ph, seg])
            }
            _ => unreachable!(),
        }
    }

    #[test]
    fn checksums_after_a_change() {
        // UDP over IPv4: the header and the pseudo-header sum check out
        let mut p = UDP4;
        update_checksums(&mut p).unwrap();
        assert_eq!(checksum(&[&p[..20]]), 0);
        assert_eq!(verify_l4(&p), 0);
        p[28] = b'P';
        assert_ne!(verify_l4(&p), 0);
        update_checksums(&mut p).unwrap();
        assert_eq!(verify_l4(&p), 0);
        // TCP over IPv6 (checksum at 16)
        let mut tcp = vec![
            0, 80, 0x1f, 0x90, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff, 0, 0, 0, 0,
        ];
        tcp.extend(b"abc");
        let mut p6 = v6(6, &tcp);
        update_checksums(&mut p6).unwrap();
        assert_eq!(verify_l4(&p6), 0);
        // ICMPv6 (pseudo-header) and ICMP (none)
        let mut p6 = v6(58, &[128, 0, 0, 0, 0, 1, 0, 1, b'x']);
        update_checksums(&mut p6).unwrap();
        assert_eq!(verify_l4(&p6), 0);
        let mut icmp = UDP4;
        icmp[9] = 1;
        update_checksums(&mut icmp).unwrap();
        assert_eq!(checksum(&[&icmp[20..]]), 0);
        // refusals: a fragment, a cut packet; the IPv4 header sum is still fixed
        let mut frag = UDP4;
        frag[6] = 0x20; // MF
        assert!(matches!(
            update_checksums(&mut frag),
            Err(IpError::Checksum(_))
        ));
        assert_eq!(checksum(&[&frag[..20]]), 0);
        let mut cut = UDP4[..30].to_vec();
        assert!(matches!(
            update_checksums(&mut cut),
            Err(IpError::Checksum(_))
        ));
    }

    #[test]
    fn checksum_over_odd_parts() {
        let whole = [1u8, 2, 3, 4, 5, 6, 7];
        let c = checksum(&[&whole]);
        assert_eq!(checksum(&[&whole[..1], &whole[1..4], &whole[4..]]), c);
        assert_eq!(checksum(&[&whole[..3], &[], &whole[3..]]), c);
    }

    #[test]
    fn every_prefix_and_byte_is_safe() {
        let mut rest = vec![17, 4];
        rest.extend([0u8; 22]);
        rest.extend([0, 53, 0, 99, 0, 8, 0, 0]);
        for base in [UDP4.to_vec(), v6(51, &rest)] {
            for n in 0..=base.len() {
                let mut p = base[..n].to_vec();
                if let Ok(ip) = IpPacket::parse(&p) {
                    let _ = (ip.src(), ip.dst(), ip.ports(), ip.icmp(), ip.transport());
                }
                let _ = update_checksums(&mut p);
            }
            for i in 0..base.len() {
                for v in [0u8, 0x0f, 0x2c, 0x33, 0xff] {
                    let mut p = base.clone();
                    p[i] = v;
                    let _ = IpPacket::parse(&p).map(|ip| ip.ports());
                    let _ = update_checksums(&mut p);
                }
            }
        }
    }
}
