//! Verdicts: what happens to a queued packet, and the messages that say it.
//!
//! ```text
//! NFQNL_MSG_VERDICT (seq = packet id), res_id = queue number
//!   NFQA_VERDICT_HDR | verdict be32 | id be32 |
//!   NFQA_MARK        | be32 |                         (optional: new packet mark)
//!   NFQA_CT          | CTA_MARK be32 |                 (optional: new connmark)
//!   NFQA_PAYLOAD     | bytes |                         (optional: new packet)
//! NFQNL_MSG_VERDICT_BATCH: the same header; applies to every queued id <= id.
//!
//! verdict word: | queue number (16) | flags (8): 0x80 = QUEUE_BYPASS | verdict (8) |
//! ```
//!
//! The sequence number of every verdict is its packet id, so an
//! `NLMSG_ERROR` that the kernel sends back later names the packet
//! ([`Error::Verdict`](crate::Error::Verdict)).

use nfnl::{EncodeError, IpError, IpPacket, MsgBuilder, NfHeader, NlFlags, ProtoFamily};
use nfnl_sys as sys;

use crate::packet::PacketMeta;

/// A verdict the kernel accepts from user space. `NF_STOLEN` is not one
/// (the kernel refuses it with `EINVAL`), so it cannot be expressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Verdict {
    /// `NF_DROP`: discard the packet.
    Drop,
    /// `NF_ACCEPT`: the packet continues with the next rule's hook entry.
    Accept,
    /// `NF_REPEAT`: run the hook again from its start (loops unless the
    /// packet changed, for example its mark).
    Repeat,
    /// `NF_STOP`: accept without running the rest of the hook's chains.
    Stop,
    /// `NF_QUEUE`: queue the packet to another queue.
    Queue {
        /// Target queue number.
        num: u16,
        /// `NF_VERDICT_FLAG_QUEUE_BYPASS`: accept if nobody listens on `num`
        /// (otherwise the packet is dropped).
        bypass: bool,
    },
}

impl Verdict {
    /// The verdict word sent in `NFQA_VERDICT_HDR`.
    pub fn to_raw(self) -> u32 {
        match self {
            Verdict::Drop => sys::NF_DROP,
            Verdict::Accept => sys::NF_ACCEPT,
            Verdict::Repeat => sys::NF_REPEAT,
            Verdict::Stop => sys::NF_STOP,
            Verdict::Queue { num, bypass } => {
                let b = if bypass {
                    sys::NF_VERDICT_FLAG_QUEUE_BYPASS
                } else {
                    0
                };
                sys::NF_QUEUE | (u32::from(num) << sys::NF_VERDICT_QBITS) | b
            }
        }
    }

    /// Reads a verdict word; `None` for `NF_STOLEN` and unknown verdicts.
    pub fn from_raw(w: u32) -> Option<Self> {
        Some(match w & sys::NF_VERDICT_MASK {
            sys::NF_DROP => Verdict::Drop,
            sys::NF_ACCEPT => Verdict::Accept,
            sys::NF_REPEAT => Verdict::Repeat,
            sys::NF_STOP => Verdict::Stop,
            sys::NF_QUEUE => Verdict::Queue {
                num: u16::try_from(w >> sys::NF_VERDICT_QBITS).unwrap_or(0),
                bypass: w & sys::NF_VERDICT_FLAG_QUEUE_BYPASS != 0,
            },
            _ => return None,
        })
    }

    /// This verdict with a new packet mark.
    pub fn mark(self, mark: u32) -> Decision<'static> {
        Decision::from(self).mark(mark)
    }

    /// This verdict with a new connection mark.
    pub fn connmark(self, mark: u32) -> Decision<'static> {
        Decision::from(self).connmark(mark)
    }

    /// This verdict with a replacement packet.
    pub fn payload(self, payload: &[u8]) -> Decision<'_> {
        Decision::from(self).payload(payload)
    }
}

/// A verdict plus what to change in the packet.
///
/// # Examples
/// ```
/// use nfnl_queue::{Decision, Verdict};
/// let d: Decision<'_> = Verdict::Accept.mark(0x42).connmark(7);
/// assert_eq!((d.verdict, d.mark, d.connmark), (Verdict::Accept, Some(0x42), Some(7)));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision<'p> {
    /// The verdict.
    pub verdict: Verdict,
    /// New packet mark (`NFQA_MARK`).
    pub mark: Option<u32>,
    /// New connection mark (`NFQA_CT` nest with `CTA_MARK`). Needs the
    /// kernel's netlink conntrack glue; kernels without it ignore it.
    pub connmark: Option<u32>,
    /// Replacement packet from the network header on (`NFQA_PAYLOAD`). It
    /// replaces the whole packet: a shorter one trims it. See
    /// [`Decision::payload`] for checksums.
    pub payload: Option<&'p [u8]>,
}

impl From<Verdict> for Decision<'static> {
    fn from(verdict: Verdict) -> Self {
        Decision {
            verdict,
            mark: None,
            connmark: None,
            payload: None,
        }
    }
}

impl<'p> Decision<'p> {
    /// Sets the new packet mark.
    pub fn mark(mut self, mark: u32) -> Self {
        self.mark = Some(mark);
        self
    }

    /// Sets the new connection mark.
    pub fn connmark(mut self, mark: u32) -> Self {
        self.connmark = Some(mark);
        self
    }

    /// Sets the replacement packet.
    ///
    /// # Checksums
    /// The kernel sends a replaced packet as given: it marks its checksums
    /// as done (`nfqnl_mangle` sets `CHECKSUM_NONE`). So the replacement
    /// must carry a correct IP header checksum and a correct, complete
    /// transport checksum. Compute the transport checksum from scratch (field
    /// zeroed, over the pseudo-header and the whole segment) rather than by
    /// adjusting the old value: when the packet was queued with its checksum
    /// not ready ([`PacketMeta::checksum_not_ready`], common with the
    /// default [`QueueFlags::GSO`](crate::QueueFlags::GSO)), the old field
    /// holds only the pseudo-header sum, and an incremental update would
    /// carry that error along. `examples/src/bin/nfq_rewrite.rs` does it for
    /// UDP. A consumer that would rather receive finished checksums (and
    /// segmented TCP) binds without the flag:
    /// `QueueConfig::new(n).flags(QueueFlags::empty())`.
    pub fn payload<'q>(self, payload: &'q [u8]) -> Decision<'q> {
        Decision {
            verdict: self.verdict,
            mark: self.mark,
            connmark: self.connmark,
            payload: Some(payload),
        }
    }

    /// True if this is a bare verdict (no mark, connmark or payload), which
    /// can be merged into a batch.
    pub fn is_plain(&self) -> bool {
        self.mark.is_none() && self.connmark.is_none() && self.payload.is_none()
    }

    /// Checks the replacement payload against the packet before sending:
    /// refused for a truncated packet (it would cut the real packet), for an
    /// IPv4 payload whose `tot_len` disagrees with its length or whose header
    /// is cut, and for an IPv6 payload whose `payload_len` disagrees. The
    /// kernel would otherwise trim or silently drop the packet.
    ///
    /// # Errors
    /// A static reason.
    ///
    /// # Examples
    /// ```
    /// use nfnl_queue::Verdict;
    /// let ok = [0x45, 0, 0, 20, 0, 0, 0, 0, 64, 17, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2];
    /// assert!(Verdict::Accept.payload(&ok).check_payload(2, false).is_ok());
    /// assert!(Verdict::Accept.payload(&ok[..19]).check_payload(2, false).is_err());
    /// assert!(Verdict::Accept.payload(&ok).check_payload(2, true).is_err());
    /// ```
    pub fn check_payload(
        &self,
        family: impl Into<ProtoFamily>,
        truncated: bool,
    ) -> Result<(), &'static str> {
        let Some(p) = self.payload else {
            return Ok(());
        };
        if truncated {
            return Err("the packet was truncated (NFQA_CAP_LEN): a payload verdict would cut it");
        }
        if p.len() > nfnl::MAX_ATTR_PAYLOAD {
            return Err("payload larger than one netlink attribute can carry (65531 bytes)");
        }
        let version = match family.into() {
            ProtoFamily::Ipv4 => 4,
            ProtoFamily::Ipv6 => 6,
            _ => return Ok(()),
        };
        let ip = IpPacket::parse(p).map_err(|e| match e {
            IpError::Version(_) if version == 4 => "IPv4 packet whose payload is not IPv4",
            IpError::Version(_) => "IPv6 packet whose payload is not IPv6",
            IpError::Truncated {
                what: "IPv4 header with options",
                ..
            }
            | IpError::HeaderLength(_) => "IPv4 header length (ihl) outside the payload",
            IpError::Truncated {
                what: "IPv6 header",
                ..
            } => "IPv6 payload shorter than an IPv6 header",
            IpError::TooManyExtensions => "more IPv6 extension headers than a packet has",
            _ => "IPv4 payload shorter than an IPv4 header",
        })?;
        if ip.version() != version {
            return Err(if version == 4 {
                "IPv4 packet whose payload is not IPv4"
            } else {
                "IPv6 packet whose payload is not IPv6"
            });
        }
        // The view cuts the bytes at the header's total length: a
        // difference either way means the header disagrees with the payload.
        if ip.as_bytes().len() != p.len() || !ip.is_complete() {
            return Err(if version == 4 {
                "IPv4 tot_len differs from the payload length"
            } else {
                "IPv6 payload_len differs from the payload length"
            });
        }
        Ok(())
    }

    /// [`Decision::check_payload`] for `pkt`.
    ///
    /// # Errors
    /// A static reason.
    pub fn check_for(&self, pkt: &PacketMeta<'_>) -> Result<(), &'static str> {
        if self.payload.is_none() {
            // Nothing to check (and no attribute to look up per verdict).
            return Ok(());
        }
        self.check_payload(pkt.family(), pkt.is_truncated())
    }
}

/// The header of every message this crate sends (verdicts and config):
/// subsystem QUEUE, `res_id` = queue number.
pub(crate) fn header(msg_type: u8, queue: u16, flags: NlFlags) -> NfHeader {
    NfHeader::new(sys::NFNL_SUBSYS_QUEUE, msg_type)
        .flags(flags)
        .family(sys::NFPROTO_UNSPEC)
        .res_id(queue)
}

/// Appends an `NFQNL_MSG_VERDICT` for packet `id` of `queue` to `b`, with
/// `nlmsg_seq` = `id`. Does not validate the payload (see
/// [`Decision::check_payload`]).
///
/// # Errors
/// [`EncodeError::AttrTooLarge`] for a payload over 65531 bytes.
///
/// # Examples
/// ```
/// use nfnl::{MsgBuilder, NfMsg, NlFlags};
/// use nfnl_queue::raw::encode_verdict;
/// use nfnl_queue::Verdict;
/// let mut b = MsgBuilder::new();
/// encode_verdict(&mut b, 1, 42, &Verdict::Accept.mark(7), NlFlags::empty())?;
/// let m = NfMsg::parse(b.finish()?)?;
/// assert_eq!((m.msg_type(), m.res_id(), m.seq()), (1, 1, 42));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn encode_verdict(
    b: &mut MsgBuilder,
    queue: u16,
    id: u32,
    d: &Decision<'_>,
    flags: NlFlags,
) -> Result<(), EncodeError> {
    encode(b, sys::NFQNL_MSG_VERDICT, queue, id, d, flags)
}

/// Appends an `NFQNL_MSG_VERDICT_BATCH` that gives `d` to every packet of
/// `queue` still queued with an id up to `max_id` (serial-number order), with
/// `nlmsg_seq` = `max_id`. Only the verdict and the mark apply to a batch.
///
/// # Errors
/// [`EncodeError::Invalid`] if `d` has a connmark or a payload.
pub fn encode_verdict_batch(
    b: &mut MsgBuilder,
    queue: u16,
    max_id: u32,
    d: &Decision<'_>,
    flags: NlFlags,
) -> Result<(), EncodeError> {
    if d.connmark.is_some() || d.payload.is_some() {
        return Err(EncodeError::Invalid(
            "a batch verdict carries only a verdict and a mark",
        ));
    }
    encode(b, sys::NFQNL_MSG_VERDICT_BATCH, queue, max_id, d, flags)
}

/// The message both verdict types share: header with `nlmsg_seq` = `id`,
/// `NFQA_VERDICT_HDR`, then whatever `d` changes.
fn encode(
    b: &mut MsgBuilder,
    msg_type: u8,
    queue: u16,
    id: u32,
    d: &Decision<'_>,
    flags: NlFlags,
) -> Result<(), EncodeError> {
    b.begin(header(msg_type, queue, flags), id);
    // struct nfqnl_msg_verdict_hdr { __be32 verdict; __be32 id; }: the same
    // bytes as one big-endian u64 with the verdict word on top.
    b.put_be64(
        sys::NFQA_VERDICT_HDR,
        (u64::from(d.verdict.to_raw()) << 32) | u64::from(id),
    );
    if let Some(m) = d.mark {
        b.put_be32(sys::NFQA_MARK, m);
    }
    if let Some(m) = d.connmark {
        b.nest(sys::NFQA_CT, |b| {
            b.put_be32(sys::CTA_MARK, m);
            Ok(())
        })?;
    }
    if let Some(p) = d.payload {
        b.put_bytes(sys::NFQA_PAYLOAD, p)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::packet::tests::UDP4;
    use nfnl::testutil::fixture::{attr, nlmsg};

    #[test]
    fn verdict_words() {
        assert_eq!(Verdict::Drop.to_raw(), 0);
        assert_eq!(Verdict::Accept.to_raw(), 1);
        assert_eq!(Verdict::Repeat.to_raw(), 4);
        assert_eq!(Verdict::Stop.to_raw(), 5);
        let q = Verdict::Queue {
            num: 999,
            bypass: true,
        };
        assert_eq!(q.to_raw(), 0x03e7_8003);
        assert_eq!(Verdict::from_raw(q.to_raw()), Some(q));
        assert_eq!(Verdict::from_raw(2), None); // NF_STOLEN
        assert_eq!(Verdict::from_raw(6), None);
    }

    #[test]
    fn verdict_message_bytes() {
        let mut b = MsgBuilder::new();
        let d = Verdict::Accept.mark(0x42).connmark(7);
        encode_verdict(&mut b, 1, 9, &d, NlFlags::empty()).unwrap();
        let bytes = b.finish().unwrap().to_vec();
        let mut body = vec![0, 0, 0, 1]; // nfgenmsg: UNSPEC, v0, queue 1
        body.extend(attr(2, &[0, 0, 0, 1, 0, 0, 0, 9])); // NFQA_VERDICT_HDR ACCEPT, id 9
        body.extend(attr(3, &0x42u32.to_be_bytes())); // NFQA_MARK 0x42
        body.extend(attr(0x8000 | 11, &attr(8, &7u32.to_be_bytes()))); // NFQA_CT { CTA_MARK 7 }
        let mut expect = nlmsg(0x0301, 0, 9, 0, &body);
        expect[6..8].copy_from_slice(&1u16.to_ne_bytes()); // NLM_F_REQUEST
        assert_eq!(bytes, expect);
    }

    #[test]
    fn batch_message_bytes() {
        let mut b = MsgBuilder::new();
        encode_verdict_batch(&mut b, 2, 10, &Verdict::Drop.into(), NlFlags::empty()).unwrap();
        let bytes = b.finish().unwrap().to_vec();
        let mut body = vec![0, 0, 0, 2];
        body.extend(attr(2, &[0, 0, 0, 0, 0, 0, 0, 10]));
        let mut expect = nlmsg(0x0303, 0, 10, 0, &body);
        expect[6..8].copy_from_slice(&1u16.to_ne_bytes());
        assert_eq!(bytes, expect);
        let mut b = MsgBuilder::new();
        assert!(
            encode_verdict_batch(&mut b, 2, 10, &Verdict::Drop.connmark(1), NlFlags::empty())
                .is_err()
        );
    }

    #[test]
    fn payload_checks() {
        let d = Verdict::Accept.payload(&UDP4);
        assert_eq!(d.check_payload(2, false), Ok(()));
        assert!(d.check_payload(2, true).is_err());
        let mut bad = UDP4;
        bad[3] = 40; // tot_len 40 != 32
        assert!(Verdict::Accept
            .payload(&bad)
            .check_payload(2, false)
            .is_err());
        bad[3] = 32;
        bad[0] = 0x4f; // ihl 60 > 32
        assert!(Verdict::Accept
            .payload(&bad)
            .check_payload(2, false)
            .is_err());
        assert!(Verdict::Accept
            .payload(&UDP4)
            .check_payload(10, false)
            .is_err());
        assert_eq!(
            Verdict::Accept.payload(&[1, 2]).check_payload(7, false),
            Ok(())
        );
        assert_eq!(
            Decision::from(Verdict::Accept).check_payload(2, true),
            Ok(())
        );
        let mut v6 = [0u8; 48];
        v6[0] = 0x60;
        v6[5] = 8;
        assert_eq!(
            Verdict::Accept.payload(&v6).check_payload(10, false),
            Ok(())
        );
        v6[5] = 9;
        assert!(Verdict::Accept
            .payload(&v6)
            .check_payload(10, false)
            .is_err());
    }
}
