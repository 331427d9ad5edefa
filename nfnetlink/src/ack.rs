//! Control messages: `NLMSG_ERROR` (errors and acknowledgements, with
//! extended ack) and `NLMSG_DONE` (end of a dump, which may carry an errno).
//!
//! ```text
//! NLMSG_ERROR: | error i32 | request nlmsghdr | request payload (absent if NLM_F_CAPPED) | ext-ack TLVs (if NLM_F_ACK_TLVS) |
//! NLMSG_DONE:  | error i32 (may be absent) | ext-ack TLVs (if NLM_F_ACK_TLVS) |
//! ```

use nfnl_sys::{
    nlmsghdr, NLMSGERR_ATTR_MISS_TYPE, NLMSGERR_ATTR_MSG, NLMSGERR_ATTR_OFFS, NLMSG_ALIGNTO,
    NLMSG_DONE, NLMSG_ERROR, NLMSG_HDRLEN, NLMSG_NOOP, NLMSG_OVERRUN,
};

use crate::align::checked_align;
use crate::attr::AttrIter;
use crate::error::{KernelError, ParseError};
use crate::flags::NlFlags;
use crate::msg::{read_header, NlMsg};

/// Extended-ack details (`NLMSGERR_ATTR_*`), borrowed from the message.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ExtAck<'a> {
    /// `NLMSGERR_ATTR_MSG`, bounded by its attribute, without the NUL.
    pub message: Option<&'a [u8]>,
    /// `NLMSGERR_ATTR_OFFS`: offset of the offending attribute in the request.
    /// Reported as sent; it may point outside the echoed request.
    pub offset: Option<u32>,
    /// `NLMSGERR_ATTR_MISS_TYPE`.
    pub missing_type: Option<u16>,
}

impl<'a> ExtAck<'a> {
    /// Reads the TLVs; a malformed TLV ends the reading (the errno matters
    /// more than its decoration) and unknown ones are skipped.
    fn parse(tlvs: &'a [u8]) -> Self {
        let mut ext = ExtAck::default();
        for attr in AttrIter::new(tlvs).map_while(Result::ok) {
            match attr.kind() {
                NLMSGERR_ATTR_MSG => ext.message = Some(attr.get_str_bytes()),
                NLMSGERR_ATTR_OFFS => ext.offset = attr.get_ne32().ok(),
                NLMSGERR_ATTR_MISS_TYPE => {
                    ext.missing_type = attr.get_ne32().ok().and_then(|t| u16::try_from(t).ok())
                }
                _ => {}
            }
        }
        ext
    }
}

/// An `NLMSG_ERROR` message: an acknowledgement (errno 0) or an error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ErrorMsg<'a> {
    errno: i32,
    seq: u32,
    request: nlmsghdr,
    request_payload: Option<&'a [u8]>,
    ext: ExtAck<'a>,
}

impl<'a> ErrorMsg<'a> {
    /// Parses the payload of an `NLMSG_ERROR` message.
    ///
    /// # Errors
    /// [`ParseError::Truncated`] when shorter than `struct nlmsgerr` (libmnl's EBADMSG).
    pub fn parse(msg: &NlMsg<'a>) -> Result<Self, ParseError> {
        let p = msg.payload();
        let need = 4 + NLMSG_HDRLEN;
        if p.len() < need {
            return Err(ParseError::Truncated {
                what: "nlmsgerr",
                need,
                have: p.len(),
            });
        }
        let (code, rest) = p.split_at(4);
        let raw = i32::from_ne_bytes([code[0], code[1], code[2], code[3]]);
        // The echoed header's nlmsg_len describes the original request, not this buffer.
        let request = read_header(rest, "nlmsgerr.msg")?;
        let flags = msg.flags();
        // Without NLM_F_CAPPED the whole request is echoed, its payload
        // after its header; the TLVs, if any, follow what was echoed. The
        // echoed length is the request's, unbounded by this buffer: TLVs that
        // would start past it (or past usize::MAX on 32-bit) are absent.
        let (request_payload, echoed) = if flags.contains(NlFlags::CAPPED) {
            (None, Some(NLMSG_HDRLEN))
        } else {
            let len = usize::try_from(request.nlmsg_len).unwrap_or(usize::MAX);
            (
                rest.get(NLMSG_HDRLEN..len.min(rest.len())),
                checked_align(len, NLMSG_ALIGNTO as usize),
            )
        };
        let ext = if flags.contains(NlFlags::ACK_TLVS) {
            ExtAck::parse(echoed.and_then(|at| rest.get(at..)).unwrap_or(&[]))
        } else {
            ExtAck::default()
        };
        Ok(ErrorMsg {
            errno: errno_of(raw),
            seq: msg.seq(),
            request,
            request_payload,
            ext,
        })
    }

    /// The errno as a positive number (never negative, whatever the sign on the wire; see
    /// the message's `error` field); 0 for an acknowledgement.
    pub fn errno(&self) -> i32 {
        self.errno
    }

    /// True for an acknowledgement (errno 0).
    pub fn is_ack(&self) -> bool {
        self.errno == 0
    }

    /// Sequence number of the message.
    pub fn seq(&self) -> u32 {
        self.seq
    }

    /// Header of the request this answers.
    pub fn request(&self) -> &nlmsghdr {
        &self.request
    }

    /// The payload of the request this answers (for nfnetlink, its
    /// `nfgenmsg` and attributes), when the kernel echoed it: not with
    /// `NETLINK_CAP_ACK` (`NLM_F_CAPPED`), and never for a plain ack.
    pub fn request_payload(&self) -> Option<&'a [u8]> {
        self.request_payload
    }

    /// The `res_id` of the echoed request's `nfgenmsg` (the resource the
    /// request was about, such as a queue number), when the kernel echoed
    /// it (see [`ErrorMsg::request_payload`]).
    pub fn request_res_id(&self) -> Option<u16> {
        match self.request_payload?.get(..crate::msg::NFGENMSG_LEN)? {
            &[_, _, r0, r1] => Some(u16::from_be_bytes([r0, r1])),
            _ => None,
        }
    }

    /// Extended-ack details.
    pub fn ext_ack(&self) -> &ExtAck<'a> {
        &self.ext
    }

    /// An owned error, for errno != 0.
    pub fn to_kernel_error(&self) -> KernelError {
        to_kernel_error(self.errno, self.seq, &self.ext)
    }

    /// The outcome it reports: `Ok` for an acknowledgement, else the
    /// kernel's error.
    ///
    /// # Errors
    /// The [`KernelError`] when errno != 0.
    pub fn result(&self) -> Result<(), KernelError> {
        if self.is_ack() {
            Ok(())
        } else {
            Err(self.to_kernel_error())
        }
    }
}

/// The errno of an `NLMSG_ERROR`/`NLMSG_DONE` error field as a positive number (0 for
/// success). The kernel sends `-errno`; a positive value (a subsystem getting the sign wrong)
/// is taken as the errno itself, and `i32::MIN`, which has no positive counterpart, as
/// `i32::MAX`.
fn errno_of(raw: i32) -> i32 {
    i32::try_from(raw.unsigned_abs()).unwrap_or(i32::MAX)
}

fn to_kernel_error(errno: i32, seq: u32, ext: &ExtAck<'_>) -> KernelError {
    KernelError {
        errno,
        seq,
        message: ext.message.map(|m| String::from_utf8_lossy(m).into_owned()),
        offset: ext.offset,
        missing_type: ext.missing_type,
    }
}

/// Reads an `NLMSG_DONE` message: `Ok(())`, or the errno it carries. A
/// zero-length `NLMSG_DONE` is legal and means success.
///
/// # Errors
/// The [`KernelError`] the dump ended with.
pub fn done_status(msg: &NlMsg<'_>) -> Result<(), KernelError> {
    let p = msg.payload();
    let Some(&[a, b, c, d]) = p.get(..4) else {
        return Ok(());
    };
    let errno = errno_of(i32::from_ne_bytes([a, b, c, d]));
    if errno == 0 {
        return Ok(());
    }
    let ext = if msg.flags().contains(NlFlags::ACK_TLVS) {
        ExtAck::parse(p.get(4..).unwrap_or(&[]))
    } else {
        ExtAck::default()
    };
    Err(to_kernel_error(errno, msg.seq(), &ext))
}

/// What a message is, at the netlink level.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Control<'a> {
    /// `NLMSG_NOOP`: to be ignored.
    Noop,
    /// `NLMSG_ERROR`: an error or an acknowledgement.
    Error(ErrorMsg<'a>),
    /// `NLMSG_DONE`: end of a dump.
    Done(NlMsg<'a>),
    /// `NLMSG_OVERRUN`: data lost.
    Overrun,
    /// Any other type: a data message for the subsystem.
    Data(NlMsg<'a>),
}

impl<'a> Control<'a> {
    /// Classifies a message.
    ///
    /// # Errors
    /// A malformed `NLMSG_ERROR`.
    pub fn classify(msg: NlMsg<'a>) -> Result<Self, ParseError> {
        Ok(match msg.msg_type() {
            NLMSG_NOOP => Control::Noop,
            NLMSG_ERROR => Control::Error(ErrorMsg::parse(&msg)?),
            NLMSG_DONE => Control::Done(msg),
            NLMSG_OVERRUN => Control::Overrun,
            _ => Control::Data(msg),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::fixture::{error_msg, nlmsg};

    #[test]
    fn ack_and_error() {
        let req = nlmsg(0x0100, 5, 9, 77, &[2, 0, 0, 0]);
        let d = error_msg(0, 0x100, &req[..16], &[]);
        let m = NlMsg::parse(&d).unwrap();
        let Control::Error(e) = Control::classify(m).unwrap() else {
            panic!()
        };
        assert!(e.is_ack());
        assert_eq!(e.request().nlmsg_seq, 9);

        // uncapped error echoing the whole request, then ext-ack TLVs
        #[rustfmt::skip]
        let tlvs = [
            8, 0, 1, 0, b'b', b'a', b'd', 0,   // NLMSGERR_ATTR_MSG "bad"
            8, 0, 2, 0, 20, 0, 0, 0,           // NLMSGERR_ATTR_OFFS 20 (ne32, little-endian host assumed below)
        ];
        let mut tlvs = tlvs.to_vec();
        tlvs[12..16].copy_from_slice(&20u32.to_ne_bytes());
        let d = error_msg(-22, 0x200, &req, &tlvs);
        let e = ErrorMsg::parse(&NlMsg::parse(&d).unwrap()).unwrap();
        assert_eq!(e.errno(), 22);
        assert_eq!(
            e.request_payload(),
            Some(&[2u8, 0, 0, 0][..]),
            "echoed nfgenmsg"
        );
        let k = e.to_kernel_error();
        assert_eq!(k.message.as_deref(), Some("bad"));
        assert_eq!(k.offset, Some(20));

        // capped error with TLVs right after the header
        let d = error_msg(-2, 0x300, &req[..16], &tlvs);
        let e = ErrorMsg::parse(&NlMsg::parse(&d).unwrap()).unwrap();
        assert_eq!(e.errno(), 2);
        assert_eq!(e.ext_ack().message, Some(&b"bad"[..]));
        assert_eq!(e.request_payload(), None, "capped: not echoed");
    }

    /// (Little-endian bytes, as captured.) Found by fuzzing: an uncapped error whose echoed header claims `nlmsg_len` 0xffffffff
    /// (not bounded by the buffer). Aligning that length overflowed `usize` on 32-bit
    /// targets (a panic in debug builds); now the echo is cut at the buffer and the TLVs,
    /// which would start past it, are absent.
    #[test]
    #[cfg(target_endian = "little")]
    fn echoed_length_near_u32_max_does_not_overflow() {
        let hex = "2c000000020000020100000000000000eaffffffffffffff\
                   0001050001000000000000000800010062616400";
        let d: Vec<u8> = (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
            .collect();
        assert_eq!(d.len(), 44);
        let m = NlMsg::parse(&d).unwrap();
        let e = ErrorMsg::parse(&m).unwrap();
        assert_eq!(e.errno(), 22);
        assert_eq!(e.request().nlmsg_len, u32::MAX);
        assert_eq!(
            e.request_payload(),
            Some(&[8u8, 0, 1, 0, b'b', b'a', b'd', 0][..])
        );
        assert_eq!(e.ext_ack(), &ExtAck::default());
    }

    /// errno() is documented as positive: it is, whichever sign the kernel (or a buggy
    /// subsystem) put on the wire, and for i32::MIN too.
    #[test]
    fn errno_is_never_negative() {
        let req = nlmsg(0x0100, 5, 9, 77, &[2, 0, 0, 0]);
        for (raw, want) in [
            (-22, 22),
            (22, 22),
            (0, 0),
            (-1, 1),
            (i32::MAX, i32::MAX),
            (-i32::MAX, i32::MAX),
            (i32::MIN, i32::MAX),
        ] {
            let d = error_msg(raw, 0x100, &req[..16], &[]);
            let e = ErrorMsg::parse(&NlMsg::parse(&d).unwrap()).unwrap();
            assert_eq!(e.errno(), want, "error field {raw}");
            assert_eq!(e.is_ack(), raw == 0);
            assert_eq!(
                e.result().map_err(|k| k.errno),
                if raw == 0 { Ok(()) } else { Err(want) }
            );
            let d = nlmsg(NLMSG_DONE, 2, 1, 0, &raw.to_ne_bytes());
            let done = done_status(&NlMsg::parse(&d).unwrap()).map_err(|k| k.errno);
            assert_eq!(
                done,
                if raw == 0 { Ok(()) } else { Err(want) },
                "done {raw}"
            );
        }
    }

    /// Golden captures from the kernel (`testdata/`, recorded by the namespace test
    /// `capture_golden_datagrams`): an ack, and an error with extended ack naming the
    /// offending attribute (a 2-byte CTA_TIMEOUT) and the policy it failed.
    #[test]
    #[cfg(target_endian = "little")]
    fn kernel_captured_ack_and_extended_error() {
        let ack = include_bytes!("../testdata/ack.bin");
        let Ok(Control::Error(e)) = Control::classify(NlMsg::parse(ack).unwrap()) else {
            panic!("not an NLMSG_ERROR")
        };
        assert!(e.is_ack());
        assert_eq!((e.seq(), e.request().nlmsg_seq), (1, 1));
        assert_eq!(e.request_payload(), None, "an ack echoes only the header");
        assert_eq!(e.result(), Ok(()));

        let err = include_bytes!("../testdata/error_extack.bin");
        let m = NlMsg::parse(err).unwrap();
        assert!(m.flags().contains(NlFlags::ACK_TLVS));
        let e = ErrorMsg::parse(&m).unwrap();
        assert_eq!(e.errno(), 34, "ERANGE from the attribute policy");
        assert_eq!((e.seq(), e.request().nlmsg_type), (2, 0x0100));
        let req = e
            .request_payload()
            .expect("uncapped: the request is echoed");
        assert_eq!(req.len(), e.request().nlmsg_len as usize - 16);
        let msg = &b"Attribute failed policy validation"[..];
        assert_eq!(e.ext_ack().message, Some(msg));
        assert_eq!(e.ext_ack().offset, Some(72));
        let k = e.to_kernel_error();
        assert_eq!(
            (k.errno, k.message.as_deref()),
            (34, Some("Attribute failed policy validation"))
        );
    }

    #[test]
    fn short_error_is_rejected() {
        let d = nlmsg(NLMSG_ERROR, 0, 1, 0, &[0xea, 0xff, 0xff, 0xff, 0, 0]);
        let m = NlMsg::parse(&d).unwrap();
        assert!(matches!(
            Control::classify(m),
            Err(ParseError::Truncated {
                what: "nlmsgerr",
                ..
            })
        ));
    }

    #[test]
    fn done_with_and_without_errno() {
        let d = nlmsg(NLMSG_DONE, 2, 1, 0, &[]);
        assert_eq!(done_status(&NlMsg::parse(&d).unwrap()), Ok(()));
        let d = nlmsg(NLMSG_DONE, 2, 1, 0, &0i32.to_ne_bytes());
        assert_eq!(done_status(&NlMsg::parse(&d).unwrap()), Ok(()));
        let d = nlmsg(NLMSG_DONE, 2, 1, 0, &(-16i32).to_ne_bytes());
        assert_eq!(
            done_status(&NlMsg::parse(&d).unwrap()).unwrap_err().errno,
            16
        );
        // i32::MIN cannot be negated: no panic, reported as a (bogus) errno
        let d = nlmsg(NLMSG_DONE, 2, 1, 0, &i32::MIN.to_ne_bytes());
        assert!(done_status(&NlMsg::parse(&d).unwrap()).is_err());
    }

    #[test]
    fn noop_and_overrun() {
        let d = nlmsg(NLMSG_NOOP, 0, 0, 0, &[]);
        assert_eq!(
            Control::classify(NlMsg::parse(&d).unwrap()),
            Ok(Control::Noop)
        );
        let d = nlmsg(NLMSG_OVERRUN, 0, 0, 0, &[]);
        assert_eq!(
            Control::classify(NlMsg::parse(&d).unwrap()),
            Ok(Control::Overrun)
        );
    }
}
