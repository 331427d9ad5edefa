//! Netlink messages: validated views over a received datagram.
//!
//! ```text
//! datagram: | nlmsghdr | payload ... | pad | nlmsghdr | payload ... | pad | ...
//! nlmsghdr: | len u32 | type u16 | flags u16 | seq u32 | pid u32 |   (host byte order)
//! ```
//!
//! A message is valid when at least 16 bytes remain, `nlmsg_len >= 16`, and
//! `nlmsg_len <= remaining`. Iteration steps by `NLMSG_ALIGN(nlmsg_len)`
//! (always at least 16 bytes, so it cannot spin) and stops for good at the
//! first malformed header.

use nfnl_sys::{nfgenmsg, nlmsghdr, NLMSG_ALIGNTO, NLMSG_HDRLEN};

use crate::align::checked_align;
use crate::attr::AttrIter;
use crate::error::ParseError;
use crate::flags::NlFlags;
use crate::netfilter::ProtoFamily;

/// One netlink message, validated: header and payload lie inside the buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NlMsg<'a> {
    header: nlmsghdr,
    bytes: &'a [u8],
}

impl<'a> NlMsg<'a> {
    /// Parses the message at the start of `buf` (which may hold more).
    ///
    /// # Errors
    /// [`ParseError::Truncated`] or [`ParseError::BadLength`] for a bad header.
    #[inline]
    pub fn parse(buf: &'a [u8]) -> Result<Self, ParseError> {
        let header = read_header(buf, "nlmsghdr")?;
        let len = usize::try_from(header.nlmsg_len).unwrap_or(usize::MAX);
        if len < NLMSG_HDRLEN {
            return Err(ParseError::BadLength {
                what: "nlmsghdr",
                len,
                min: NLMSG_HDRLEN,
            });
        }
        let bytes = buf.get(..len).ok_or(ParseError::Truncated {
            what: "nlmsghdr",
            need: len,
            have: buf.len(),
        })?;
        Ok(NlMsg { header, bytes })
    }

    /// The message `bytes`, which [`NlMsg::parse`] validated before (its
    /// `nlmsg_len` bytes exactly): the header is read again, its length
    /// field not checked again. `None` if `bytes` is shorter than a header.
    #[inline]
    pub(crate) fn from_checked(bytes: &'a [u8]) -> Option<Self> {
        let header = read_header(bytes, "nlmsghdr").ok()?;
        Some(NlMsg { header, bytes })
    }

    /// The header (host byte order).
    #[inline]
    pub fn header(&self) -> &nlmsghdr {
        &self.header
    }

    /// `nlmsg_type`.
    #[inline]
    pub fn msg_type(&self) -> u16 {
        self.header.nlmsg_type
    }

    /// `nlmsg_flags`, unknown bits kept.
    #[inline]
    pub fn flags(&self) -> NlFlags {
        NlFlags::from_bits_retain(self.header.nlmsg_flags)
    }

    /// `nlmsg_seq`.
    #[inline]
    pub fn seq(&self) -> u32 {
        self.header.nlmsg_seq
    }

    /// `nlmsg_pid`: for replies, the requester's port; for events, the port of
    /// the socket whose request caused the event (0 for packet-path events).
    #[inline]
    pub fn port(&self) -> u32 {
        self.header.nlmsg_pid
    }

    /// The payload after the header.
    #[inline]
    pub fn payload(&self) -> &'a [u8] {
        self.bytes.get(NLMSG_HDRLEN..).unwrap_or(&[])
    }

    /// The whole message, header included.
    #[inline]
    pub fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// Views this message as an nfnetlink message (`nfgenmsg` + attributes).
    ///
    /// # Errors
    /// [`ParseError::Truncated`] if the payload is shorter than `nfgenmsg`.
    #[inline]
    pub fn nf(&self) -> Result<NfMsg<'a>, ParseError> {
        NfMsg::from_nl(*self)
    }
}

/// Reads a host-order `nlmsghdr` from the start of `buf` without checking its length field.
#[inline]
pub(crate) fn read_header(buf: &[u8], what: &'static str) -> Result<nlmsghdr, ParseError> {
    let h: &[u8; NLMSG_HDRLEN] = buf
        .get(..NLMSG_HDRLEN)
        .and_then(|h| h.try_into().ok())
        .ok_or(ParseError::Truncated {
            what,
            need: NLMSG_HDRLEN,
            have: buf.len(),
        })?;
    let [l0, l1, l2, l3, t0, t1, f0, f1, s0, s1, s2, s3, p0, p1, p2, p3] = *h;
    Ok(nlmsghdr {
        nlmsg_len: u32::from_ne_bytes([l0, l1, l2, l3]),
        nlmsg_type: u16::from_ne_bytes([t0, t1]),
        nlmsg_flags: u16::from_ne_bytes([f0, f1]),
        nlmsg_seq: u32::from_ne_bytes([s0, s1, s2, s3]),
        nlmsg_pid: u32::from_ne_bytes([p0, p1, p2, p3]),
    })
}

/// Iterates over the messages of a datagram.
#[derive(Clone, Debug)]
pub struct MsgIter<'a> {
    rest: &'a [u8],
    failed: bool,
}

impl<'a> MsgIter<'a> {
    /// Iterates over the messages in `buf`.
    pub fn new(buf: &'a [u8]) -> Self {
        MsgIter {
            rest: buf,
            failed: false,
        }
    }
}

impl<'a> Iterator for MsgIter<'a> {
    type Item = Result<NlMsg<'a>, ParseError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.rest.is_empty() {
            return None;
        }
        match NlMsg::parse(self.rest) {
            Ok(m) => {
                // The final alignment padding may be missing.
                self.rest = checked_align(m.bytes.len(), NLMSG_ALIGNTO as usize)
                    .and_then(|next| self.rest.get(next..))
                    .unwrap_or(&[]);
                Some(Ok(m))
            }
            Err(e) => {
                self.failed = true;
                self.rest = &[];
                Some(Err(e))
            }
        }
    }
}

/// Size of `struct nfgenmsg`.
pub const NFGENMSG_LEN: usize = std::mem::size_of::<nfgenmsg>();

/// An nfnetlink message: `nlmsghdr`, `nfgenmsg`, then attributes.
///
/// ```text
/// | nlmsghdr (16) | family u8 | version u8 | res_id be16 | attributes ... |
///   nlmsg_type = subsystem << 8 | message type
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NfMsg<'a> {
    nl: NlMsg<'a>,
    /// `nfgenmsg` as received (family, version, `res_id` big-endian),
    /// decoded by the accessors: one copy when the view is made.
    nfgen: [u8; NFGENMSG_LEN],
}

impl<'a> NfMsg<'a> {
    /// Parses one nfnetlink message at the start of `buf`.
    ///
    /// # Errors
    /// A bad netlink header, or a payload shorter than `nfgenmsg`.
    ///
    /// # Examples
    /// ```
    /// use nfnl::NfMsg;
    /// #[rustfmt::skip]
    /// let bytes = [
    ///     24, 0, 0, 0,  0x00, 0x03,  0, 0,  1, 0, 0, 0,  0, 0, 0, 0, // nlmsghdr: type 3<<8|0
    ///     2, 0, 0, 7,                                               // nfgenmsg: AF_INET, v0, res_id 7
    ///     4, 0, 1, 0,                                               // empty attribute type 1
    /// ];
    /// let m = NfMsg::parse(&bytes)?;
    /// assert_eq!((m.subsystem(), m.msg_type(), u8::from(m.family()), m.res_id()), (3, 0, 2, 7));
    /// assert_eq!(m.attrs().count(), 1);
    /// # Ok::<(), nfnl::ParseError>(())
    /// ```
    #[inline]
    pub fn parse(buf: &'a [u8]) -> Result<Self, ParseError> {
        Self::from_nl(NlMsg::parse(buf)?)
    }

    #[inline]
    fn from_nl(nl: NlMsg<'a>) -> Result<Self, ParseError> {
        let p = nl.payload();
        match p.split_first_chunk::<NFGENMSG_LEN>() {
            Some((nfgen, _)) => Ok(NfMsg { nl, nfgen: *nfgen }),
            _ => Err(ParseError::Truncated {
                what: "nfgenmsg",
                need: NFGENMSG_LEN,
                have: p.len(),
            }),
        }
    }

    /// The underlying netlink message.
    pub fn nl(&self) -> &NlMsg<'a> {
        &self.nl
    }

    /// Subsystem id (`NFNL_SUBSYS_ID(nlmsg_type)`, the high byte).
    #[inline]
    pub fn subsystem(&self) -> u8 {
        (self.nl.msg_type() >> 8) as u8
    }

    /// Message type within the subsystem (`NFNL_MSG_TYPE(nlmsg_type)`, the low byte).
    #[inline]
    pub fn msg_type(&self) -> u8 {
        (self.nl.msg_type() & 0xff) as u8
    }

    /// Checks that this is message `msg_type` of `subsystem`, as a decoder
    /// of one message type does first.
    ///
    /// # Errors
    /// [`ParseError::UnexpectedMessage`] with the full `nlmsg_type`.
    pub fn expect_type(&self, subsystem: u8, msg_type: u8) -> Result<(), ParseError> {
        if (self.subsystem(), self.msg_type()) == (subsystem, msg_type) {
            Ok(())
        } else {
            Err(ParseError::UnexpectedMessage {
                msg_type: self.nl.msg_type(),
            })
        }
    }

    /// `nfgen_family` (`NFPROTO_*`), typed.
    #[inline]
    pub fn family(&self) -> ProtoFamily {
        ProtoFamily::from(self.nfgen[0])
    }

    /// `version`.
    pub fn version(&self) -> u8 {
        self.nfgen[1]
    }

    /// `res_id`, converted from big-endian (the queue number for nfqueue).
    #[inline]
    pub fn res_id(&self) -> u16 {
        u16::from_be_bytes([self.nfgen[2], self.nfgen[3]])
    }

    /// `nlmsg_flags`.
    #[inline]
    pub fn flags(&self) -> NlFlags {
        self.nl.flags()
    }

    /// `nlmsg_seq`.
    #[inline]
    pub fn seq(&self) -> u32 {
        self.nl.seq()
    }

    /// The attribute area after `nfgenmsg`.
    #[inline]
    pub fn attr_bytes(&self) -> &'a [u8] {
        self.nl.payload().get(NFGENMSG_LEN..).unwrap_or(&[])
    }

    /// Iterates over the top-level attributes.
    #[inline]
    pub fn attrs(&self) -> AttrIter<'a> {
        AttrIter::new(self.attr_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::fixture::nlmsg;

    #[test]
    fn iterates_messages() {
        let mut d = nlmsg(0x0100, 2, 5, 0, &[2, 0, 0, 0]);
        d.extend(nlmsg(3, 2, 5, 0, &[0, 0, 0, 0]));
        let msgs: Vec<_> = MsgIter::new(&d).collect::<Result<_, _>>().unwrap();
        assert_eq!(msgs.len(), 2);
        assert_eq!(msgs[0].nf().unwrap().subsystem(), 1);
        assert_eq!(msgs[1].msg_type(), 3);
        assert!(msgs[0].flags().contains(NlFlags::MULTI));
    }

    /// Golden capture from the kernel (`testdata/ct_dump.bin`, recorded by the namespace
    /// test `capture_golden_datagrams`): a conntrack dump of three entries and its
    /// NLMSG_DONE, walked message by message and attribute by attribute.
    #[test]
    #[cfg(target_endian = "little")]
    fn kernel_captured_dump_walks() {
        let d = include_bytes!("../testdata/ct_dump.bin");
        let msgs: Vec<_> = MsgIter::new(d).collect::<Result<_, _>>().unwrap();
        assert_eq!(msgs.len(), 4);
        for m in &msgs[..3] {
            assert_eq!(
                (m.msg_type(), m.seq(), m.as_bytes().len()),
                (0x0100, 3, 192)
            );
            assert!(m.flags().contains(NlFlags::MULTI));
            let nf = m.nf().unwrap();
            assert_eq!(
                (nf.subsystem(), nf.msg_type(), u8::from(nf.family())),
                (1, 0, 2)
            );
            let attrs: Vec<_> = nf.attrs().collect::<Result<_, _>>().unwrap();
            assert_eq!(attrs[0].kind(), 1, "CTA_TUPLE_ORIG first");
            assert!(attrs[0].flags().contains(crate::AttrFlags::NESTED));
            for a in attrs
                .iter()
                .filter(|a| a.flags().contains(crate::AttrFlags::NESTED))
            {
                assert!(a.nested().all(|n| n.is_ok()));
            }
        }
        assert_eq!(msgs[3].msg_type(), nfnl_sys::NLMSG_DONE);
        assert_eq!(crate::done_status(&msgs[3]), Ok(()));
    }

    #[test]
    fn malformed_headers() {
        for len in [0u32, 15, 0xffff_ffff] {
            let mut d = nlmsg(3, 0, 0, 0, &[0; 4]);
            d[..4].copy_from_slice(&len.to_ne_bytes());
            let mut it = MsgIter::new(&d);
            assert!(it.next().unwrap().is_err(), "len {len}");
            assert!(it.next().is_none());
        }
        // fewer than 16 bytes
        assert!(matches!(
            NlMsg::parse(&[0; 10]),
            Err(ParseError::Truncated { .. })
        ));
        // unaligned tail: a valid message followed by 3 stray bytes
        let mut d = nlmsg(3, 0, 0, 0, &[0; 4]);
        d.extend([1, 2, 3]);
        let r: Vec<_> = MsgIter::new(&d).collect();
        assert_eq!(r.len(), 2);
        assert!(r[1].is_err());
    }

    #[test]
    fn short_nfgenmsg() {
        // nlmsg_len 18: a 2-byte payload cannot hold the 4-byte nfgenmsg
        let d = nlmsg(0x0300, 0, 0, 0, &[2, 0]);
        assert!(matches!(
            NfMsg::parse(&d),
            Err(ParseError::Truncated {
                what: "nfgenmsg",
                ..
            })
        ));
        let d = nlmsg(0x0300, 0, 0, 0, &[]);
        assert!(matches!(
            NfMsg::parse(&d),
            Err(ParseError::Truncated {
                what: "nfgenmsg",
                ..
            })
        ));
    }

    #[test]
    fn nfgenmsg_versions_are_reported_not_rejected() {
        for v in [1u8, 255] {
            let d = nlmsg(0x0300, 0, 0, 0, &[2, v, 0, 9]);
            let m = NfMsg::parse(&d).unwrap();
            assert_eq!((m.version(), m.res_id()), (v, 9));
        }
    }
}
