//! Netlink attributes: validated zero-copy views and a one-pass table.
//!
//! ```text
//!  0               2               4
//! +---------------+---------------+------------------------+---------+
//! | nla_len (ne)  | nla_type (ne) | payload (nla_len - 4)  | padding |
//! +---------------+---------------+------------------------+---------+
//!   nla_type = N(ested) bit 15 | B(yte order) bit 14 | type (14 bits)
//! ```
//!
//! Parsing rules (`lib/nlattr.c`, libmnl `mnl_attr_ok`): an attribute needs
//! at least 4 bytes, `nla_len >= 4`, and `nla_len <= remaining`; the next one
//! starts at `NLA_ALIGN(nla_len)`, and the final padding may be missing.
//! Unknown types are not errors; fixed-size getters check the exact size.

use std::ffi::CStr;

use nfnl_sys::{NLA_ALIGNTO, NLA_F_NESTED, NLA_F_NET_BYTEORDER, NLA_HDRLEN, NLA_TYPE_MASK};

use crate::align::checked_align;
use crate::error::ParseError;

bitflags::bitflags! {
    /// The flag bits of `nla_type`.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
    pub struct AttrFlags: u16 {
        /// `NLA_F_NESTED`: the payload is a list of attributes.
        const NESTED = NLA_F_NESTED;
        /// `NLA_F_NET_BYTEORDER`: the payload is in network byte order.
        const NET_BYTEORDER = NLA_F_NET_BYTEORDER;
    }
}

/// One attribute, validated: its payload lies inside the buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Attr<'a> {
    kind: u16,
    flags: AttrFlags,
    payload: &'a [u8],
}

macro_rules! fixed_getter {
    ($(#[$doc:meta])* $name:ident, $ty:ty, $conv:ident) => {
        $(#[$doc])*
        #[inline]
        pub fn $name(&self) -> Result<$ty, ParseError> {
            Ok(<$ty>::$conv(self.get_array()?))
        }
    };
}

impl<'a> Attr<'a> {
    /// Attribute type with the flag bits masked off (`nla_type & NLA_TYPE_MASK`).
    #[inline]
    pub fn kind(&self) -> u16 {
        self.kind
    }

    /// The flag bits (`NLA_F_NESTED`, `NLA_F_NET_BYTEORDER`).
    pub fn flags(&self) -> AttrFlags {
        self.flags
    }

    /// The payload, without header and padding.
    #[inline]
    pub fn payload(&self) -> &'a [u8] {
        self.payload
    }

    /// The payload as exactly `N` bytes.
    ///
    /// # Errors
    /// [`ParseError::AttrSize`] if the payload is not exactly `N` bytes.
    #[inline]
    pub fn get_array<const N: usize>(&self) -> Result<[u8; N], ParseError> {
        self.payload.try_into().map_err(|_| ParseError::AttrSize {
            kind: self.kind,
            expected: N,
            got: self.payload.len(),
        })
    }

    fixed_getter!(
        /// A `u8` payload (exactly 1 byte).
        get_u8, u8, from_ne_bytes
    );
    fixed_getter!(
        /// A big-endian `u16` payload (exactly 2 bytes), as nfnetlink sends most integers.
        get_be16, u16, from_be_bytes
    );
    fixed_getter!(
        /// A big-endian `u32` payload (exactly 4 bytes).
        get_be32, u32, from_be_bytes
    );
    fixed_getter!(
        /// A big-endian `u64` payload (exactly 8 bytes); read by copy, so alignment does not matter.
        get_be64, u64, from_be_bytes
    );
    fixed_getter!(
        /// A host-order `u16` payload (exactly 2 bytes).
        get_ne16, u16, from_ne_bytes
    );
    fixed_getter!(
        /// A host-order `u32` payload (exactly 4 bytes), as the netlink core sends.
        get_ne32, u32, from_ne_bytes
    );
    fixed_getter!(
        /// A host-order `u64` payload (exactly 8 bytes).
        get_ne64, u64, from_ne_bytes
    );

    /// A flag attribute: present, with an empty payload.
    ///
    /// # Errors
    /// [`ParseError::AttrSize`] if the payload is not empty.
    pub fn get_flag(&self) -> Result<(), ParseError> {
        self.get_array::<0>().map(|_| ())
    }

    /// A NUL-terminated string; the NUL must be the last byte of the payload.
    ///
    /// # Errors
    /// [`ParseError::Unterminated`] without a final NUL or with an embedded one.
    pub fn get_cstr(&self) -> Result<&'a CStr, ParseError> {
        CStr::from_bytes_with_nul(self.payload)
            .map_err(|_| ParseError::Unterminated { kind: self.kind })
    }

    /// The bytes of a string attribute up to its first NUL (or the whole
    /// payload if there is none): lossless and never reads past the attribute.
    pub fn get_str_bytes(&self) -> &'a [u8] {
        match self.payload.iter().position(|&b| b == 0) {
            Some(n) => self.payload.get(..n).unwrap_or(self.payload),
            None => self.payload,
        }
    }

    /// A UTF-8 string attribute, up to its first NUL.
    ///
    /// # Errors
    /// [`ParseError::NotUtf8`] if the bytes are not UTF-8.
    pub fn get_str(&self) -> Result<&'a str, ParseError> {
        std::str::from_utf8(self.get_str_bytes())
            .map_err(|_| ParseError::NotUtf8 { kind: self.kind })
    }

    /// The nested attributes in the payload. Whether an attribute is a nest is
    /// decided by the caller's schema: the kernel does not always set
    /// `NLA_F_NESTED`.
    #[inline]
    pub fn nested(&self) -> AttrIter<'a> {
        AttrIter::new(self.payload)
    }
}

/// Iterates over the attributes of a TLV area. Yields `Err` once and then
/// stops for good when it meets a malformed attribute.
#[derive(Clone, Debug)]
pub struct AttrIter<'a> {
    rest: &'a [u8],
    failed: bool,
}

impl<'a> AttrIter<'a> {
    /// Iterates over the attributes in `buf`.
    #[inline]
    pub fn new(buf: &'a [u8]) -> Self {
        AttrIter {
            rest: buf,
            failed: false,
        }
    }

    /// The bytes not yet visited.
    pub fn remaining(&self) -> &'a [u8] {
        self.rest
    }
}

impl<'a> Iterator for AttrIter<'a> {
    type Item = Result<Attr<'a>, ParseError>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.rest.is_empty() {
            return None;
        }
        match parse_one(self.rest) {
            Ok((attr, next)) => {
                self.rest = next;
                Some(Ok(attr))
            }
            Err(e) => {
                self.failed = true;
                self.rest = &[];
                Some(Err(e))
            }
        }
    }
}

/// Parses the attribute at the start of `buf`; returns it and the rest.
#[inline]
fn parse_one(buf: &[u8]) -> Result<(Attr<'_>, &[u8]), ParseError> {
    let hdr: [u8; 4] = buf
        .get(..NLA_HDRLEN)
        .and_then(|h| h.try_into().ok())
        .ok_or(ParseError::Truncated {
            what: "nlattr",
            need: NLA_HDRLEN,
            have: buf.len(),
        })?;
    let len = usize::from(u16::from_ne_bytes([hdr[0], hdr[1]]));
    let raw_type = u16::from_ne_bytes([hdr[2], hdr[3]]);
    if len < NLA_HDRLEN {
        return Err(ParseError::BadLength {
            what: "nlattr",
            len,
            min: NLA_HDRLEN,
        });
    }
    let payload = buf.get(NLA_HDRLEN..len).ok_or(ParseError::Truncated {
        what: "nlattr",
        need: len,
        have: buf.len(),
    })?;
    // The final padding may be missing at the end of the buffer.
    let next = checked_align(len, NLA_ALIGNTO)
        .and_then(|n| buf.get(n..))
        .unwrap_or(&[]);
    let attr = Attr {
        kind: raw_type & NLA_TYPE_MASK,
        flags: AttrFlags::from_bits_truncate(raw_type),
        payload,
    };
    Ok((attr, next))
}

/// A one-pass index of the attributes of one level, by type (libmnl's
/// `mnl_attr_parse` into a table). Types `>= N` are skipped (forward
/// compatibility); a duplicate type keeps the last one, as the kernel's
/// `nla_parse` does.
#[derive(Clone, Debug)]
pub struct AttrTable<'a, const N: usize> {
    slots: [Option<Attr<'a>>; N],
}

impl<'a, const N: usize> AttrTable<'a, N> {
    /// Walks `iter` once and indexes its attributes.
    ///
    /// # Errors
    /// The first malformed attribute.
    pub fn parse(iter: AttrIter<'a>) -> Result<Self, ParseError> {
        let mut slots = [None; N];
        for attr in iter {
            let attr = attr?;
            if let Some(slot) = slots.get_mut(usize::from(attr.kind)) {
                *slot = Some(attr);
            }
        }
        Ok(AttrTable { slots })
    }

    /// Indexes the attributes of the TLV area `buf`.
    ///
    /// # Errors
    /// The first malformed attribute.
    pub fn from_bytes(buf: &'a [u8]) -> Result<Self, ParseError> {
        Self::parse(AttrIter::new(buf))
    }

    /// The attribute of type `kind`, if present.
    pub fn get(&self, kind: u16) -> Option<Attr<'a>> {
        self.slots.get(usize::from(kind)).copied().flatten()
    }

    /// The attribute of type `kind`, which must be present.
    ///
    /// # Errors
    /// [`ParseError::Missing`] naming `kind` and `within`.
    pub fn require(&self, kind: u16, within: &'static str) -> Result<Attr<'a>, ParseError> {
        self.get(kind).ok_or(ParseError::Missing { kind, within })
    }
}

/// A compact one-pass index of the attributes of one level, by type: like
/// [`AttrTable`], but it keeps a 16-bit position per type instead of a
/// whole [`Attr`], so a decoded message that holds it stays small and cheap
/// to move (for per-packet views). Types `>= N` are skipped; a duplicate
/// keeps the last one. Attribute areas up to 256 KiB can be indexed (the
/// positions count 4-byte units).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AttrIndex<'a, const N: usize> {
    area: &'a [u8],
    /// `position / 4 + 1` of each type's attribute header; 0: absent.
    at: [u16; N],
}

impl<'a, const N: usize> AttrIndex<'a, N> {
    /// An index of no attributes.
    pub fn empty() -> Self {
        AttrIndex {
            area: &[],
            at: [0; N],
        }
    }

    /// Walks `area` once and indexes its attributes, checking each against
    /// `sizes`: `sizes[kind]` is the exact payload size of a fixed-size
    /// attribute type, 0 for any size: one tight pass for per-packet views
    /// (one bounds check per attribute).
    ///
    /// # Errors
    /// [`ParseError::Truncated`] / [`ParseError::BadLength`] for a
    /// malformed attribute header; [`ParseError::AttrSize`] for a
    /// fixed-size attribute of another size; [`ParseError::BadLength`] for
    /// an area over 256 KiB.
    pub fn parse_sized(area: &'a [u8], sizes: &[u8; N]) -> Result<Self, ParseError> {
        if area.len() > 4 * usize::from(u16::MAX - 1) {
            return Err(ParseError::BadLength {
                what: "attribute area (over 256 KiB)",
                len: area.len(),
                min: 0,
            });
        }
        let mut at = [0u16; N];
        let mut pos = 0usize;
        while let Some(rest) = area.get(pos..).filter(|r| !r.is_empty()) {
            let Some(&[l0, l1, t0, t1]) = rest.get(..NLA_HDRLEN) else {
                return Err(ParseError::Truncated {
                    what: "nlattr",
                    need: NLA_HDRLEN,
                    have: rest.len(),
                });
            };
            let len = usize::from(u16::from_ne_bytes([l0, l1]));
            if len < NLA_HDRLEN || len > rest.len() {
                return Err(if len < NLA_HDRLEN {
                    ParseError::BadLength {
                        what: "nlattr",
                        len,
                        min: NLA_HDRLEN,
                    }
                } else {
                    ParseError::Truncated {
                        what: "nlattr",
                        need: len,
                        have: rest.len(),
                    }
                });
            }
            let kind = u16::from_ne_bytes([t0, t1]) & NLA_TYPE_MASK;
            if let Some(slot) = at.get_mut(usize::from(kind)) {
                let want = usize::from(sizes.get(usize::from(kind)).copied().unwrap_or(0));
                if want != 0 && want != len - NLA_HDRLEN {
                    return Err(ParseError::AttrSize {
                        kind,
                        expected: want,
                        got: len - NLA_HDRLEN,
                    });
                }
                // `pos` is below 256 KiB (checked above): `pos / 4 + 1` fits.
                *slot = u16::try_from(pos / 4 + 1).unwrap_or(0);
            }
            // Cannot overflow: `len` is at most the area's length.
            pos += (len + 3) & !3;
        }
        Ok(AttrIndex { area, at })
    }

    /// The attribute of type `kind`, if present.
    #[inline]
    pub fn get(&self, kind: u16) -> Option<Attr<'a>> {
        let unit = usize::from(*self.at.get(usize::from(kind))?);
        let pos = unit.checked_sub(1)? * 4;
        // Validated by `parse_sized`: this cannot fail.
        parse_one(self.area.get(pos..)?).ok().map(|(a, _)| a)
    }

    /// The payload of the attribute of type `kind`, if present.
    #[inline]
    pub fn payload(&self, kind: u16) -> Option<&'a [u8]> {
        self.get(kind).map(|a| a.payload())
    }

    /// The big-endian `u16` of type `kind`, if present and 2 bytes (for
    /// the types `parse_sized` checked, present means readable).
    #[inline]
    pub fn be16(&self, kind: u16) -> Option<u16> {
        self.get(kind).and_then(|a| a.get_be16().ok())
    }

    /// The big-endian `u32` of type `kind`, if present and 4 bytes.
    #[inline]
    pub fn be32(&self, kind: u16) -> Option<u32> {
        self.get(kind).and_then(|a| a.get_be32().ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[rustfmt::skip]
    const FIXTURE: &[u8] = &[
        8, 0, 1, 0,   0x12, 0x34, 0x56, 0x78, // type 1 = 0x12345678 (be32)
        6, 0, 2, 0x40, 0x01, 0x02, 0, 0,       // type 2 | NET_BYTEORDER = 0x0102 (be16) + pad
        5, 0, 3, 0,   b'a', 0, 0, 0,           // type 3 = "a\0"... len 5: payload "a"
        12, 0, 4, 0x80,                        // type 4 | NESTED
            8, 0, 1, 0, 0, 0, 0, 9,            //   nested type 1 = 9 (be32)
        4, 0, 200, 0,                          // type 200 (unknown), empty
    ];

    #[test]
    fn compact_index_finds_what_the_table_finds() {
        let table = AttrTable::<'_, 8>::from_bytes(FIXTURE).unwrap();
        let index = AttrIndex::<'_, 8>::parse_sized(FIXTURE, &[0; 8]).unwrap();
        for kind in 0..10 {
            assert_eq!(index.get(kind), table.get(kind), "type {kind}");
        }
        assert!(std::mem::size_of::<AttrIndex<'_, 22>>() <= 64);
        let mut sizes = [0u8; 8];
        sizes[2] = 4;
        assert_eq!(
            AttrIndex::<'_, 8>::parse_sized(FIXTURE, &sizes).map(|_| ()),
            Err(ParseError::AttrSize {
                kind: 2,
                expected: 4,
                got: 2
            })
        );
        assert!(AttrIndex::<'_, 8>::parse_sized(&FIXTURE[..6], &[0; 8]).is_err());
        assert_eq!(AttrIndex::<'_, 8>::empty().get(1), None);
    }

    #[test]
    fn iterates_and_reads() {
        let attrs: Vec<_> = AttrIter::new(FIXTURE).collect::<Result<_, _>>().unwrap();
        assert_eq!(attrs.len(), 5);
        assert_eq!(attrs[0].get_be32(), Ok(0x1234_5678));
        assert_eq!(attrs[1].kind(), 2);
        assert_eq!(attrs[1].flags(), AttrFlags::NET_BYTEORDER);
        assert_eq!(attrs[1].get_be16(), Ok(0x0102));
        assert_eq!(attrs[2].get_str_bytes(), b"a");
        assert_eq!(
            attrs[2].get_cstr(),
            Err(ParseError::Unterminated { kind: 3 })
        );
        assert_eq!(attrs[3].flags(), AttrFlags::NESTED);
        let inner: Vec<_> = attrs[3].nested().collect::<Result<_, _>>().unwrap();
        assert_eq!(inner[0].get_be32(), Ok(9));
        assert_eq!(attrs[4].kind(), 200);
    }

    #[test]
    fn table_skips_unknown_and_reports_missing() {
        let t = AttrTable::<'_, 8>::from_bytes(FIXTURE).unwrap();
        assert!(t.get(1).is_some());
        assert!(t.get(200).is_none());
        assert_eq!(
            t.require(5, "TEST").unwrap_err(),
            ParseError::Missing {
                kind: 5,
                within: "TEST"
            }
        );
    }

    #[test]
    fn duplicates_last_wins() {
        let buf = [8, 0, 1, 0, 0, 0, 0, 1, 8, 0, 1, 0, 0, 0, 0, 2];
        let t = AttrTable::<'_, 2>::from_bytes(&buf).unwrap();
        assert_eq!(t.get(1).unwrap().get_be32(), Ok(2));
    }

    #[test]
    fn wrong_size_is_typed_error() {
        let buf = [6, 0, 1, 0, 0, 1, 0, 0];
        let a = AttrIter::new(&buf).next().unwrap().unwrap();
        assert_eq!(
            a.get_be32(),
            Err(ParseError::AttrSize {
                kind: 1,
                expected: 4,
                got: 2
            })
        );
        assert_eq!(a.get_be16(), Ok(1));
        assert!(a.get_flag().is_err());
    }

    #[test]
    fn malformed_lengths() {
        // nla_len 0..3 are below the header.
        for len in 0u8..4 {
            let buf = [len, 0, 1, 0];
            let mut it = AttrIter::new(&buf);
            assert!(matches!(it.next(), Some(Err(ParseError::BadLength { .. }))));
            assert!(it.next().is_none(), "stops after the first error");
        }
        // nla_len beyond the buffer.
        let buf = [9, 0, 1, 0, 0, 0, 0, 0];
        assert!(matches!(
            AttrIter::new(&buf).next(),
            Some(Err(ParseError::Truncated { .. }))
        ));
        // Fewer than 4 bytes left.
        let buf = [4, 0];
        assert!(matches!(
            AttrIter::new(&buf).next(),
            Some(Err(ParseError::Truncated { .. }))
        ));
        // A child overflowing its parent: parent says 8, child says 12.
        let buf = [8, 0, 0x01, 0x80, 12, 0, 1, 0];
        let parent = AttrIter::new(&buf).next().unwrap().unwrap();
        assert!(matches!(
            parent.nested().next(),
            Some(Err(ParseError::Truncated { .. }))
        ));
    }

    #[test]
    fn missing_final_padding_is_accepted() {
        let buf = [5, 0, 1, 0, 7];
        let a: Vec<_> = AttrIter::new(&buf).collect::<Result<_, _>>().unwrap();
        assert_eq!(a[0].get_u8(), Ok(7));
    }

    #[test]
    fn strings() {
        let buf = [8, 0, 1, 0, b'f', b't', b'p', 0];
        let a = AttrIter::new(&buf).next().unwrap().unwrap();
        assert_eq!(a.get_cstr().unwrap().to_bytes(), b"ftp");
        assert_eq!(a.get_str(), Ok("ftp"));
        // embedded NUL: bounded, lossless up to the NUL, strict getter refuses
        let buf = [8, 0, 1, 0, b'a', 0, b'b', 0];
        let a = AttrIter::new(&buf).next().unwrap().unwrap();
        assert_eq!(a.get_str_bytes(), b"a");
        assert!(a.get_cstr().is_err());
        // non-UTF-8
        let buf = [6, 0, 1, 0, 0xff, 0, 0, 0];
        let a = AttrIter::new(&buf).next().unwrap().unwrap();
        assert_eq!(a.get_str(), Err(ParseError::NotUtf8 { kind: 1 }));
    }
}
