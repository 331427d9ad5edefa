//! The message builder: the only way requests are emitted.
//!
//! It appends to a reusable `Vec<u8>`, fills in lengths when a message or a
//! nest ends, zeroes every padding byte, refuses attributes that do not fit
//! the 16-bit `nla_len`, rolls back a nest whose closure fails, and holds
//! several messages back to back so they go out in one `sendmsg`.

use nfnl_sys::{NLA_F_NESTED, NLA_HDRLEN};

use crate::align::{nla_align, nlmsg_align};
use crate::error::EncodeError;
use crate::flags::NlFlags;
use crate::netfilter::ProtoFamily;

/// The header fields of one nfnetlink message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NfHeader {
    /// Subsystem id (`NFNL_SUBSYS_*`), the high byte of `nlmsg_type`.
    pub subsystem: u8,
    /// Message type within the subsystem, the low byte of `nlmsg_type`.
    pub msg_type: u8,
    /// `nlmsg_flags`; `NLM_F_REQUEST` is always added.
    pub flags: NlFlags,
    /// `nfgen_family`.
    pub family: u8,
    /// `nfgenmsg.version` (`NFNETLINK_V0` unless a subsystem says otherwise).
    pub version: u8,
    /// `res_id` (written big-endian).
    pub res_id: u16,
}

impl NfHeader {
    /// A header with no flags, family `NFPROTO_UNSPEC`, version 0 and `res_id` 0.
    pub const fn new(subsystem: u8, msg_type: u8) -> Self {
        NfHeader {
            subsystem,
            msg_type,
            flags: NlFlags::empty(),
            family: 0,
            version: 0,
            res_id: 0,
        }
    }

    /// Sets the flags.
    pub const fn flags(mut self, flags: NlFlags) -> Self {
        self.flags = flags;
        self
    }

    /// Sets the protocol family (`nfgen_family`; a raw `u8` converts).
    pub fn family(mut self, family: impl Into<ProtoFamily>) -> Self {
        self.family = u8::from(family.into());
        self
    }

    /// Sets the version.
    pub const fn version(mut self, version: u8) -> Self {
        self.version = version;
        self
    }

    /// Sets the resource id.
    pub const fn res_id(mut self, res_id: u16) -> Self {
        self.res_id = res_id;
        self
    }

    /// The full `nlmsg_type`.
    pub const fn nlmsg_type(&self) -> u16 {
        ((self.subsystem as u16) << 8) | self.msg_type as u16
    }
}

/// Largest attribute payload: `u16::MAX` minus the attribute header.
pub const MAX_ATTR_PAYLOAD: usize = u16::MAX as usize - NLA_HDRLEN;

/// Builds one or more netlink messages into a reusable buffer.
///
/// # Examples
/// ```
/// use nfnl::{MsgBuilder, NfHeader, NlFlags, NfMsg};
/// let mut b = MsgBuilder::new();
/// b.begin(NfHeader::new(3, 2).flags(NlFlags::ACK).res_id(1), 42);
/// b.put_be32(1, 0x0102_0304);
/// b.nest(2, |b| {
///     b.put_u8(1, 7);
///     Ok(())
/// })?;
/// let bytes = b.finish()?;
/// let m = NfMsg::parse(bytes)?;
/// assert_eq!((m.subsystem(), m.msg_type(), m.res_id(), m.seq()), (3, 2, 1, 42));
/// assert_eq!(m.attrs().count(), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct MsgBuilder {
    buf: Vec<u8>,
    /// Start of the message being built, if any.
    current: Option<usize>,
    count: usize,
}

impl MsgBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty builder with room for `cap` bytes.
    pub fn with_capacity(cap: usize) -> Self {
        MsgBuilder {
            buf: Vec::with_capacity(cap),
            current: None,
            count: 0,
        }
    }

    /// Forgets all messages, keeping the allocation.
    pub fn clear(&mut self) {
        self.buf.clear();
        self.current = None;
        self.count = 0;
    }

    /// Number of messages begun.
    pub fn message_count(&self) -> usize {
        self.count
    }

    /// Bytes written so far.
    pub fn len(&self) -> usize {
        self.buf.len()
    }

    /// True if nothing was written.
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// Starts a new nfnetlink message with sequence number `seq`, closing the
    /// previous one. `NLM_F_REQUEST` is added to the flags.
    pub fn begin(&mut self, h: NfHeader, seq: u32) -> &mut Self {
        self.begin_raw(h.nlmsg_type(), h.flags | NlFlags::REQUEST, seq);
        self.put_nfgenmsg(h.family, h.version, h.res_id)
    }

    /// Starts a message with a raw `nlmsg_type` and no `nfgenmsg` (for
    /// control messages such as `NFNL_MSG_BATCH_BEGIN`, which carry their
    /// own). Flags are used as given.
    pub fn begin_raw(&mut self, nlmsg_type: u16, flags: NlFlags, seq: u32) -> &mut Self {
        self.close_message();
        let start = self.buf.len();
        self.buf.extend_from_slice(&[0; 4]); // nlmsg_len, patched when the message closes
        self.buf.extend_from_slice(&nlmsg_type.to_ne_bytes());
        self.buf.extend_from_slice(&flags.bits().to_ne_bytes());
        self.buf.extend_from_slice(&seq.to_ne_bytes());
        self.buf.extend_from_slice(&0u32.to_ne_bytes()); // nlmsg_pid: the kernel fills it in
        self.current = Some(start);
        self.count += 1;
        self
    }

    /// Starts an nfnetlink transaction batch (`NFNL_MSG_BATCH_BEGIN`) for
    /// `subsystem`, as nf_tables and other batch-aware subsystems expect:
    /// the messages that follow are applied together, up to
    /// [`MsgBuilder::end_batch`]. Its `res_id` names the subsystem
    /// (`nfnetlink_rcv_batch`).
    pub fn begin_batch(&mut self, subsystem: u8, seq: u32) -> &mut Self {
        self.batch_marker(nfnl_sys::NFNL_MSG_BATCH_BEGIN, subsystem, seq)
    }

    /// Ends a transaction batch (`NFNL_MSG_BATCH_END`).
    pub fn end_batch(&mut self, subsystem: u8, seq: u32) -> &mut Self {
        self.batch_marker(nfnl_sys::NFNL_MSG_BATCH_END, subsystem, seq)
    }

    fn batch_marker(&mut self, ty: u16, subsystem: u8, seq: u32) -> &mut Self {
        self.begin_raw(ty, NlFlags::REQUEST, seq);
        self.put_nfgenmsg(
            nfnl_sys::NFPROTO_UNSPEC,
            nfnl_sys::NFNETLINK_V0,
            subsystem.into(),
        )
    }

    /// Writes the `nfgenmsg` that follows the header of an nfnetlink message.
    fn put_nfgenmsg(&mut self, family: u8, version: u8, res_id: u16) -> &mut Self {
        let [r0, r1] = res_id.to_be_bytes();
        self.buf.extend_from_slice(&[family, version, r0, r1]);
        self
    }

    /// Appends raw bytes to the current message body (padded to 4 bytes).
    ///
    /// # Errors
    /// [`EncodeError::NoMessage`] if no message was begun.
    pub fn put_raw(&mut self, data: &[u8]) -> Result<&mut Self, EncodeError> {
        if self.current.is_none() {
            return Err(EncodeError::NoMessage);
        }
        self.buf.extend_from_slice(data);
        self.pad();
        Ok(self)
    }

    /// Writes an attribute whose payload is `payload`. Fixed-size callers use
    /// the typed `put_*` methods.
    ///
    /// # Errors
    /// [`EncodeError::AttrTooLarge`] if the payload exceeds [`MAX_ATTR_PAYLOAD`].
    pub fn put_bytes(&mut self, kind: u16, payload: &[u8]) -> Result<&mut Self, EncodeError> {
        self.attr_header(kind, payload.len())?;
        self.buf.extend_from_slice(payload);
        self.pad();
        Ok(self)
    }

    /// Writes the header of an attribute with a `payload_len`-byte payload,
    /// or nothing if it does not fit the 16-bit `nla_len`.
    fn attr_header(&mut self, kind: u16, payload_len: usize) -> Result<(), EncodeError> {
        let len = NLA_HDRLEN + payload_len;
        let nla_len = u16::try_from(len).map_err(|_| EncodeError::AttrTooLarge { kind, len })?;
        self.buf.extend_from_slice(&nla_len.to_ne_bytes());
        self.buf.extend_from_slice(&kind.to_ne_bytes());
        Ok(())
    }

    fn put_fixed<const N: usize>(&mut self, kind: u16, payload: [u8; N]) -> &mut Self {
        // Callers pass N <= 8, which always fits the 16-bit length.
        let nla_len = u16::try_from(NLA_HDRLEN + N).unwrap_or(u16::MAX);
        self.buf.extend_from_slice(&nla_len.to_ne_bytes());
        self.buf.extend_from_slice(&kind.to_ne_bytes());
        self.buf.extend_from_slice(&payload);
        self.pad();
        self
    }

    /// A `u8` attribute.
    pub fn put_u8(&mut self, kind: u16, v: u8) -> &mut Self {
        self.put_fixed(kind, [v])
    }

    /// A big-endian `u16` attribute.
    pub fn put_be16(&mut self, kind: u16, v: u16) -> &mut Self {
        self.put_fixed(kind, v.to_be_bytes())
    }

    /// A big-endian `u32` attribute.
    pub fn put_be32(&mut self, kind: u16, v: u32) -> &mut Self {
        self.put_fixed(kind, v.to_be_bytes())
    }

    /// A big-endian `u64` attribute.
    pub fn put_be64(&mut self, kind: u16, v: u64) -> &mut Self {
        self.put_fixed(kind, v.to_be_bytes())
    }

    /// A host-order `u32` attribute.
    pub fn put_ne32(&mut self, kind: u16, v: u32) -> &mut Self {
        self.put_fixed(kind, v.to_ne_bytes())
    }

    /// An empty (flag) attribute.
    pub fn put_flag(&mut self, kind: u16) -> &mut Self {
        self.put_fixed(kind, [])
    }

    /// A NUL-terminated string attribute.
    ///
    /// # Errors
    /// [`EncodeError::InteriorNul`] if `s` contains a NUL; [`EncodeError::AttrTooLarge`].
    pub fn put_cstr(&mut self, kind: u16, s: &str) -> Result<&mut Self, EncodeError> {
        if s.as_bytes().contains(&0) {
            return Err(EncodeError::InteriorNul { kind });
        }
        self.attr_header(kind, s.len() + 1)?;
        self.buf.extend_from_slice(s.as_bytes());
        self.buf.push(0);
        self.pad();
        Ok(self)
    }

    /// Writes a nest of type `kind` (with `NLA_F_NESTED`) whose contents `f`
    /// writes. If `f` fails, or the nest exceeds 65535 bytes, everything it
    /// wrote is removed (libmnl's `mnl_attr_nest_cancel`) and the error returned.
    ///
    /// # Errors
    /// The error of `f`, or [`EncodeError::AttrTooLarge`].
    pub fn nest<F>(&mut self, kind: u16, f: F) -> Result<&mut Self, EncodeError>
    where
        F: FnOnce(&mut Self) -> Result<(), EncodeError>,
    {
        let start = self.buf.len();
        self.buf.extend_from_slice(&[0, 0]);
        self.buf
            .extend_from_slice(&(kind | NLA_F_NESTED).to_ne_bytes());
        if let Err(e) = f(self) {
            self.buf.truncate(start);
            return Err(e);
        }
        let len = self.buf.len() - start;
        match u16::try_from(len) {
            Ok(l) => {
                self.buf[start..start + 2].copy_from_slice(&l.to_ne_bytes());
                Ok(self)
            }
            Err(_) => {
                self.buf.truncate(start);
                Err(EncodeError::AttrTooLarge { kind, len })
            }
        }
    }

    /// Closes the last message and returns all bytes, ready to send.
    ///
    /// # Errors
    /// [`EncodeError::MessageTooLarge`] if a message exceeds `u32::MAX` bytes.
    pub fn finish(&mut self) -> Result<&[u8], EncodeError> {
        if let Some(start) = self.current {
            let len = self.buf.len() - start;
            let l = u32::try_from(len).map_err(|_| EncodeError::MessageTooLarge { len })?;
            self.buf[start..start + 4].copy_from_slice(&l.to_ne_bytes());
        }
        Ok(&self.buf)
    }

    /// The bytes written so far (lengths of the last message not yet final).
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf
    }

    fn close_message(&mut self) {
        if let Some(start) = self.current.take() {
            let len = self.buf.len() - start;
            // Messages are closed before they could reach 4 GiB in practice;
            // saturate rather than wrap, so the kernel rejects it.
            let l = u32::try_from(len).unwrap_or(u32::MAX);
            self.buf[start..start + 4].copy_from_slice(&l.to_ne_bytes());
            debug_assert_eq!(self.buf.len(), nlmsg_align(self.buf.len()));
        }
    }

    fn pad(&mut self) {
        let padded = nla_align(self.buf.len());
        self.buf.resize(padded, 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attr::AttrIter;
    use crate::msg::{MsgIter, NfMsg};

    #[test]
    fn builds_expected_bytes() {
        let mut b = MsgBuilder::new();
        b.begin(
            NfHeader::new(1, 2)
                .flags(NlFlags::ACK)
                .family(2)
                .res_id(0x0102),
            7,
        );
        b.put_u8(3, 0xaa);
        b.put_cstr(4, "ftp").unwrap();
        let bytes = b.finish().unwrap().to_vec();
        #[rustfmt::skip]
        let mut want = vec![
            0, 0, 0, 0,   0, 0,   0, 0,   0, 0, 0, 0,   0, 0, 0, 0, // nlmsghdr, patched below
            2, 0, 0x01, 0x02,                                      // nfgenmsg: AF_INET, v0, res_id 0x0102 (be16)
            5, 0, 3, 0,   0xaa, 0, 0, 0,                           // attr 3 = 0xaa (u8) + zero padding
            8, 0, 4, 0,   b'f', b't', b'p', 0,                     // attr 4 = "ftp\0"
        ];
        want[..4].copy_from_slice(&36u32.to_ne_bytes());
        want[4..6].copy_from_slice(&0x0102u16.to_ne_bytes());
        want[6..8].copy_from_slice(&(0x05u16).to_ne_bytes()); // REQUEST | ACK
        want[8..12].copy_from_slice(&7u32.to_ne_bytes());
        assert_eq!(bytes, want);
    }

    #[test]
    fn padding_is_zero_even_over_a_dirty_buffer() {
        let mut b = MsgBuilder::with_capacity(64);
        b.buf.extend_from_slice(&[0xa5; 64]);
        b.clear();
        b.begin(NfHeader::new(1, 0), 1);
        b.put_u8(1, 1);
        b.put_bytes(2, &[1, 2, 3]).unwrap();
        let bytes = b.finish().unwrap();
        assert!(!bytes.contains(&0xa5));
        assert_eq!(bytes.len() % 4, 0);
    }

    #[test]
    fn too_large_attribute_is_rejected_and_nest_rolled_back() {
        let mut b = MsgBuilder::new();
        b.begin(NfHeader::new(1, 0), 1);
        let before = b.len();
        assert!(b.put_bytes(1, &vec![0; MAX_ATTR_PAYLOAD]).is_ok());
        assert!(matches!(
            b.put_bytes(1, &vec![0; MAX_ATTR_PAYLOAD + 1]),
            Err(EncodeError::AttrTooLarge {
                kind: 1,
                len: 65536
            })
        ));
        let mid = b.len();
        assert!(mid > before);
        // a nest whose closure fails leaves nothing behind
        let r = b.nest(5, |b| {
            b.put_u8(1, 1);
            Err(EncodeError::Invalid("test"))
        });
        assert!(r.is_err());
        assert_eq!(b.len(), mid);
        // a nest that grows past 65535 bytes is rolled back too
        let r = b.nest(6, |b| {
            b.put_bytes(1, &vec![0; 40000])?;
            b.put_bytes(2, &vec![0; 40000])?;
            Ok(())
        });
        assert!(matches!(r, Err(EncodeError::AttrTooLarge { kind: 6, .. })));
        assert_eq!(b.len(), mid);
        assert!(matches!(
            b.put_cstr(1, "a\0b"),
            Err(EncodeError::InteriorNul { kind: 1 })
        ));
    }

    #[test]
    fn several_messages_in_one_buffer() {
        let mut b = MsgBuilder::new();
        for seq in 1..=3 {
            b.begin(NfHeader::new(1, 2), seq);
            b.nest(1, |b| {
                b.put_be32(2, seq);
                Ok(())
            })
            .unwrap();
        }
        let bytes = b.finish().unwrap();
        let msgs: Vec<_> = MsgIter::new(bytes).collect::<Result<_, _>>().unwrap();
        assert_eq!(msgs.len(), 3);
        for (i, m) in msgs.iter().enumerate() {
            let nf = m.nf().unwrap();
            assert_eq!(nf.seq() as usize, i + 1);
            let nest = nf.attrs().next().unwrap().unwrap();
            let inner = AttrIter::new(nest.payload()).next().unwrap().unwrap();
            assert_eq!(inner.get_be32().unwrap() as usize, i + 1);
        }
        assert!(NfMsg::parse(bytes).is_ok());
    }

    #[test]
    fn transaction_batch_markers() {
        let mut b = MsgBuilder::new();
        b.begin_batch(10, 1);
        b.begin(NfHeader::new(10, 0), 2);
        b.end_batch(10, 3);
        let msgs: Vec<_> = MsgIter::new(b.finish().unwrap())
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(msgs.len(), 3);
        assert_eq!(msgs[0].msg_type(), nfnl_sys::NFNL_MSG_BATCH_BEGIN);
        assert_eq!(msgs[0].nf().unwrap().res_id(), 10);
        assert_eq!(msgs[2].msg_type(), nfnl_sys::NFNL_MSG_BATCH_END);
    }

    #[test]
    fn raw_put_needs_a_message() {
        let mut b = MsgBuilder::new();
        assert_eq!(b.put_raw(&[1]).unwrap_err(), EncodeError::NoMessage);
    }
}
