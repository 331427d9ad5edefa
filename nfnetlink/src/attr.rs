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

/// What a message's attribute schema requires of each attribute type's
/// payload, checked once by [`AttrIndex::parse`]. Written by
/// [`attr_schema!`](crate::attr_schema) from the same list as the
/// accessors, so that the checks and the accessors cannot drift apart.
/// Types without a rule take any payload (forward compatibility), as the
/// kernel's `nla_policy` leaves unknown types alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AttrRules<const N: usize> {
    /// Per type: [`RULE_ANY`] any payload, [`RULE_CSTR`] a NUL-terminated
    /// string, else the exact `nla_len` (payload length + 4), so that the
    /// walk compares it with the header's length as read. No code is below
    /// `NLA_HDRLEN`: a length that equals its type's code is a whole header
    /// at least.
    rule: [u32; N],
    /// Per type: declared by the schema (a second declaration is refused).
    declared: [bool; N],
}

/// Rule code of a NUL-terminated string payload (above every 16-bit
/// `nla_len`, so the walk's compare of a length with its rule never
/// matches it).
const RULE_CSTR: u32 = 0x1_0001;

/// Rule code of any payload (above every 16-bit `nla_len`, as
/// [`RULE_CSTR`]).
const RULE_ANY: u32 = 0x1_0000;

/// `NLA_HDRLEN` (4) as a `u32`, for the rule codes.
#[allow(clippy::cast_possible_truncation)]
const HDRLEN_32: u32 = NLA_HDRLEN as u32;

/// The largest attribute area an [`AttrIndex`] indexes (its positions
/// count 4-byte units in 16 bits).
const INDEX_MAX_AREA: usize = 4 * (u16::MAX as usize - 1);

/// The check of one attribute type in an [`AttrRules`] table (`nla_policy`'s
/// `NLA_*` types, as far as a receiver needs them).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttrRule {
    /// Any payload (`NLA_UNSPEC`, `NLA_BINARY`, nests: checked by their
    /// own decoder).
    Any,
    /// Exactly this many bytes (`NLA_U8` .. `NLA_U64`, `NLA_FLAG` with 0,
    /// fixed-size structures).
    Exact(u16),
    /// A NUL-terminated string: at least one byte, the last one NUL
    /// (`NLA_NUL_STRING`).
    CStr,
}

impl<const N: usize> AttrRules<N> {
    /// No rule for any type: every payload accepted.
    pub const fn new() -> Self {
        AttrRules {
            rule: [RULE_ANY; N],
            declared: [false; N],
        }
    }

    /// The table with `rule` for type `kind`. In a constant (as
    /// [`attr_schema!`](crate::attr_schema) writes it), a type out of range
    /// or declared twice fails the build.
    ///
    /// # Panics
    /// If `kind >= N`, if `kind` has a rule already, or for an exact size
    /// of 65528 or more (no attribute payload is that large).
    #[must_use]
    pub const fn rule(mut self, kind: u16, rule: AttrRule) -> Self {
        let k = kind as usize;
        assert!(k < N, "attribute type beyond the schema's slots");
        assert!(!self.declared[k], "attribute type declared twice");
        self.declared[k] = true;
        self.rule[k] = match rule {
            AttrRule::Any => RULE_ANY,
            AttrRule::Exact(n) => {
                assert!(n < u16::MAX - 7, "attribute size too large");
                n as u32 + HDRLEN_32
            }
            AttrRule::CStr => RULE_CSTR,
        };
        self
    }

    /// The table of the legacy size form: `sizes[kind]` is the exact
    /// payload size of a fixed-size type, 0 for any size.
    fn from_sizes(sizes: &[u8; N]) -> Self {
        let mut t = Self::new();
        for (r, &s) in t.rule.iter_mut().zip(sizes) {
            if s != 0 {
                *r = u32::from(s) + HDRLEN_32;
            }
        }
        t
    }
}

impl<const N: usize> Default for AttrRules<N> {
    fn default() -> Self {
        Self::new()
    }
}

/// Where the attributes of one level are, by type (16 bits per type): the
/// storage an [`AttrIndex`] borrows. [`AttrIndex::parse`] fills it in place,
/// so that a receiver that keeps one (refilled for each message) hands out
/// views that copy no index. Copied out of a view with
/// [`AttrIndex::slots`] (to keep with an owned copy of the message), read
/// again over those bytes with [`AttrSlots::over`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AttrSlots<const N: usize> {
    /// `position / 4 + 1` of each type's attribute header; 0: absent.
    at: [u16; N],
}

impl<const N: usize> AttrSlots<N> {
    /// No attribute anywhere.
    pub const fn new() -> Self {
        AttrSlots { at: [0; N] }
    }

    /// The index of these positions over `area`: for a copy of the bytes
    /// they were found in (an owned copy of a message), without a second
    /// walk. On other bytes the accessors stay bounded but read what is
    /// there.
    pub fn over<'b>(&'b self, area: &'b [u8]) -> AttrIndex<'b, N> {
        AttrIndex { area, at: &self.at }
    }
}

impl<const N: usize> Default for AttrSlots<N> {
    fn default() -> Self {
        Self::new()
    }
}

/// A compact one-pass index of the attributes of one level, by type, that
/// keeps the position of what it validated: like [`AttrTable`], but 16 bits
/// per type, kept in [`AttrSlots`] that the index borrows, so a decoded
/// message that holds it is three words, cheap to move (per-packet views).
/// An accessor is a slice of the validated attribute (its length read
/// from the header [`AttrIndex::parse`] checked), never a second walk.
/// Types `>= N` are skipped; a duplicate keeps the last one. Attribute
/// areas up to 256 KiB can be indexed (the positions count 4-byte units).
///
/// Declare a message's index and accessors with
/// [`attr_schema!`](crate::attr_schema).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AttrIndex<'a, const N: usize> {
    area: &'a [u8],
    /// `position / 4 + 1` of each type's attribute header; 0: absent.
    at: &'a [u16; N],
}

impl<'a, const N: usize> AttrIndex<'a, N> {
    /// Walks `area` once, indexes its attributes into `slots` (whatever
    /// they held is replaced) and checks each against its rule in `rules`
    /// (one bounds check and one compare per attribute on the common
    /// path). The index borrows `slots`.
    ///
    /// # Errors
    /// [`ParseError::Truncated`] / [`ParseError::BadLength`] for a
    /// malformed attribute header; [`ParseError::AttrSize`] for an
    /// attribute of another size than its rule's; [`ParseError::Unterminated`]
    /// for a string rule's payload without its final NUL;
    /// [`ParseError::BadLength`] for an area over 256 KiB.
    #[inline(always)]
    pub fn parse(
        area: &'a [u8],
        rules: &AttrRules<N>,
        slots: &'a mut AttrSlots<N>,
    ) -> Result<Self, ParseError> {
        Self::parse_at(area, 0, rules, slots)
    }

    /// As [`AttrIndex::parse`] for the attributes of `bytes` from offset
    /// `start` (a multiple of 4) on: the index keeps all of `bytes` (a whole
    /// message: [`AttrIndex::bytes`]), so that a view of a message needs
    /// nothing else.
    ///
    /// # Errors
    /// As [`AttrIndex::parse`]; [`ParseError::Truncated`] if `start` is
    /// beyond `bytes` or not a multiple of 4.
    // The positions are below 256 KiB / 4 (checked first): they fit in 16 bits.
    #[allow(clippy::cast_possible_truncation)]
    #[inline(always)]
    pub fn parse_at(
        bytes: &'a [u8],
        start: usize,
        rules: &AttrRules<N>,
        slots: &'a mut AttrSlots<N>,
    ) -> Result<Self, ParseError> {
        if bytes.len() > INDEX_MAX_AREA {
            return Err(ParseError::BadLength {
                what: "attribute area (over 256 KiB)",
                len: bytes.len(),
                min: 0,
            });
        }
        let Some(mut rest) = bytes.get(start..).filter(|_| start % 4 == 0) else {
            return Err(truncated(start, bytes.len()));
        };
        let area = bytes;
        // Filled in place: the index made of them borrows them.
        slots.at = [0u16; N];
        let at = &mut slots.at;
        // `position / 4 + 1` of the attribute at the start of `rest`: the
        // area is below 256 KiB (checked above), so it fits in 16 bits.
        let mut unit = (start / 4 + 1) as u16;
        // An area of whole 4-byte units (what the kernel sends: every
        // attribute padded): an attribute fits in what is left exactly when
        // its padded length does, so the step to the next one is the
        // length check, and a length its rule fixes is at least a header.
        // Only a length no rule fixes (any payload, a string, an unknown
        // type) is checked apart.
        if rest.len() % 4 == 0 {
            while let Some((h, _)) = rest.split_first_chunk::<NLA_HDRLEN>() {
                let w = u32::from_ne_bytes(*h);
                let (len16, raw_type) = split_header(w);
                // The common case in one bounds check and one compare: a
                // type without flag bits whose length is its rule's exact
                // one (a whole header at least, no code below it). Its
                // padded length in 4-byte units fits in 16 bits.
                let len = u32::from(len16);
                if let (Some(slot), Some(&rule)) = (
                    at.get_mut(usize::from(raw_type)),
                    rules.rule.get(usize::from(raw_type)),
                ) {
                    if rule == len {
                        *slot = unit;
                        let units = (len + 3) >> 2;
                        if let Some(next) = rest.get(units as usize * 4..) {
                            rest = next;
                            unit = unit.wrapping_add(units as u16);
                            continue;
                        }
                    }
                }
                let units = walk_other(rest, w, rules, at, unit)?;
                let Some(next) = rest.get(usize::from(units) * 4..) else {
                    // Said as offsets in the area: where the attribute
                    // would end, and how long the area is.
                    let from = usize::from(unit).saturating_sub(1) * 4;
                    return Err(truncated(from + usize::from(len16), area.len()));
                };
                rest = next;
                unit = unit.wrapping_add(units);
            }
            return Ok(AttrIndex {
                area,
                at: &slots.at,
            });
        }
        // Otherwise (a last attribute without its padding): one pass,
        // libmnl's `mnl_attr_parse` with a validating callback
        // written out: the loop keeps only what is left of the area (its
        // offset is a multiple of 4 below 256 KiB: checked above), reads each
        // header as one word, checks its length against what is left and
        // against its type's rule (one load and one compare with the length
        // as read; a string's final NUL next), and notes its position.
        while let Some((h, _)) = rest.split_first_chunk::<NLA_HDRLEN>() {
            let (len, kind) = header_fields(*h);
            let len = usize::from(len);
            // One compare for `NLA_HDRLEN <= len <= rest.len()` (`rest`
            // holds at least a header here).
            if len.wrapping_sub(NLA_HDRLEN) > rest.len() - NLA_HDRLEN {
                return Err(bad_attr_len(len, rest.len()));
            }
            if let Some(slot) = at.get_mut(usize::from(kind)) {
                let rule = rules.rule[usize::from(kind)];
                // An exact size as read (the common case) in one compare.
                if rule as usize != len && rule != RULE_ANY {
                    check_cstr(rest, len, kind, rule)?;
                }
                *slot = unit;
            }
            let step = (len + 3) & !3;
            match rest.get(step..) {
                Some(next) => {
                    rest = next;
                    unit = unit.wrapping_add((step / 4) as u16);
                }
                // Only the last attribute's padding may be missing: done.
                None => {
                    rest = &[];
                    break;
                }
            }
        }
        if !rest.is_empty() {
            return Err(truncated(NLA_HDRLEN, rest.len()));
        }
        Ok(AttrIndex {
            area,
            at: &slots.at,
        })
    }

    /// As [`AttrIndex::parse`] with the size form of the rules:
    /// `sizes[kind]` is the exact payload size of a fixed-size attribute
    /// type, 0 for any size.
    ///
    /// # Errors
    /// As [`AttrIndex::parse`].
    pub fn parse_sized(
        area: &'a [u8],
        sizes: &[u8; N],
        slots: &'a mut AttrSlots<N>,
    ) -> Result<Self, ParseError> {
        Self::parse(area, &AttrRules::from_sizes(sizes), slots)
    }

    /// A copy of the positions (to keep with an owned copy of the bytes:
    /// [`AttrSlots::over`] reads them there without a second walk).
    pub fn slots(&self) -> AttrSlots<N> {
        AttrSlots { at: *self.at }
    }

    /// The position and length of the attribute of type `kind`.
    #[inline]
    fn locate(&self, kind: u16) -> Option<(usize, usize)> {
        let unit = usize::from(*self.at.get(usize::from(kind))?);
        let pos = unit.checked_sub(1)? * 4;
        let &[l0, l1] = self.area.get(pos..pos + 2)? else {
            return None;
        };
        Some((pos, usize::from(u16::from_ne_bytes([l0, l1]))))
    }

    /// The attribute of type `kind`, if present.
    #[inline]
    pub fn get(&self, kind: u16) -> Option<Attr<'a>> {
        let (pos, len) = self.locate(kind)?;
        let &[_, _, t0, t1] = self.area.get(pos..pos + NLA_HDRLEN)? else {
            return None;
        };
        let raw_type = u16::from_ne_bytes([t0, t1]);
        Some(Attr {
            kind: raw_type & NLA_TYPE_MASK,
            flags: AttrFlags::from_bits_truncate(raw_type),
            payload: self.area.get(pos + NLA_HDRLEN..pos + len)?,
        })
    }

    /// The payload of the attribute of type `kind`, if present.
    #[inline]
    pub fn payload(&self, kind: u16) -> Option<&'a [u8]> {
        let (pos, len) = self.locate(kind)?;
        self.area.get(pos + NLA_HDRLEN..pos + len)
    }

    /// The payload of type `kind` as exactly `M` bytes, if present and of
    /// that size (for the types the rules fix, present means readable).
    #[inline]
    pub fn array<const M: usize>(&self, kind: u16) -> Option<&'a [u8; M]> {
        self.payload(kind)?.try_into().ok()
    }

    /// The payload of type `kind` as its `M` bytes, if present, for a type
    /// whose rule is [`AttrRule::Exact`]`(M)` (as
    /// [`attr_schema!`](crate::attr_schema) declares them):
    /// [`AttrIndex::parse`] checked the size, so only the bounds are checked
    /// here, not the length again. For a type with another rule, it reads
    /// the first `M` bytes from the payload on (bounded by the indexed
    /// bytes); use [`AttrIndex::array`] there.
    #[inline]
    pub fn fixed<const M: usize>(&self, kind: u16) -> Option<&'a [u8; M]> {
        let unit = usize::from(*self.at.get(usize::from(kind))?);
        if unit == 0 {
            return None;
        }
        // `unit` is `position / 4 + 1`: `unit * 4` is where the payload
        // starts, after the 4-byte header.
        let at = unit.checked_mul(4)?;
        self.area.get(at..at.checked_add(M)?)?.try_into().ok()
    }

    /// The big-endian `u16` of type `kind`, if present and 2 bytes (for
    /// the types the rules fix, present means readable).
    #[inline]
    pub fn be16(&self, kind: u16) -> Option<u16> {
        self.array(kind).map(|b| u16::from_be_bytes(*b))
    }

    /// The big-endian `u32` of type `kind`, if present and 4 bytes.
    #[inline]
    pub fn be32(&self, kind: u16) -> Option<u32> {
        self.array(kind).map(|b| u32::from_be_bytes(*b))
    }

    /// The big-endian `u64` of type `kind`, if present and 8 bytes.
    #[inline]
    pub fn be64(&self, kind: u16) -> Option<u64> {
        self.array(kind).map(|b| u64::from_be_bytes(*b))
    }

    /// The `u8` of type `kind`, if present and 1 byte.
    #[inline]
    pub fn u8(&self, kind: u16) -> Option<u8> {
        self.array(kind).map(|&[b]| b)
    }

    /// The bytes of the string of type `kind` up to its first NUL (all of
    /// them without one), if present.
    #[inline]
    pub fn str_bytes(&self, kind: u16) -> Option<&'a [u8]> {
        let p = self.payload(kind)?;
        Some(match p.iter().position(|&b| b == 0) {
            Some(n) => p.get(..n).unwrap_or(p),
            None => p,
        })
    }

    /// The NUL-terminated string of type `kind` (a [`AttrRule::CStr`]
    /// type) up to its first NUL, if present.
    #[inline]
    pub fn cstr_bytes(&self, kind: u16) -> Option<&'a [u8]> {
        self.str_bytes(kind)
    }

    /// The bytes the index was built over (a whole message for
    /// [`AttrIndex::parse_at`]).
    #[inline]
    pub fn bytes(&self) -> &'a [u8] {
        self.area
    }

    /// True if the attribute of type `kind` is present (a flag).
    #[inline]
    pub fn has(&self, kind: u16) -> bool {
        self.at.get(usize::from(kind)).is_some_and(|&u| u != 0)
    }
}

/// `nla_len` and the raw `nla_type` (flag bits included) of an attribute
/// header read as one host-order word.
// Both halves are 16-bit values.
#[allow(clippy::cast_possible_truncation)]
#[inline(always)]
fn split_header(w: u32) -> (u16, u16) {
    // `nla_len` is the first u16 in memory, `nla_type` the second.
    if cfg!(target_endian = "little") {
        (w as u16, (w >> 16) as u16)
    } else {
        ((w >> 16) as u16, w as u16)
    }
}

/// The walk of a whole-units area for an attribute off its common path
/// (flag bits set, a type without an exact rule or beyond the slots, a
/// length other than its rule's): the checks of [`check_unfixed`] or of
/// the exact rule, the position noted for a type within the slots.
/// Returns the attribute's padded length in 4-byte units (at least one,
/// and at most what is left of the area).
// The padded length of a 16-bit length, in units, is a 16-bit value.
#[allow(clippy::cast_possible_truncation)]
#[inline(always)]
fn walk_other<const N: usize>(
    rest: &[u8],
    w: u32,
    rules: &AttrRules<N>,
    at: &mut [u16; N],
    unit: u16,
) -> Result<u16, ParseError> {
    let (len16, kind) = split_header(w);
    let kind = kind & NLA_TYPE_MASK;
    let len = usize::from(len16);
    if let Some(slot) = at.get_mut(usize::from(kind)) {
        let rule = rules.rule[usize::from(kind)];
        if rule != u32::from(len16) {
            check_unfixed(rest, len, kind, rule)?;
        }
        *slot = unit;
    } else {
        check_unfixed(rest, len, kind, RULE_ANY)?;
    }
    // `len` is a 16-bit value: its padded length in units fits in 16 bits.
    #[allow(clippy::cast_possible_truncation)]
    Ok(((len + 3) >> 2) as u16)
}

/// `nla_len` and the type (flags masked off) of an attribute header, read
/// as one host-order word.
#[inline(always)]
fn header_fields(h: [u8; NLA_HDRLEN]) -> (u16, u16) {
    let w = u32::from_ne_bytes(h);
    // `nla_len` is the first u16 in memory, `nla_type` the second.
    let (len, ty) = if cfg!(target_endian = "little") {
        (w & 0xffff, w >> 16)
    } else {
        (w >> 16, w & 0xffff)
    };
    // Both halves are 16-bit values.
    #[allow(clippy::cast_possible_truncation)]
    (len as u16, (ty as u16) & NLA_TYPE_MASK)
}

/// `Truncated` for an attribute header or payload.
#[cold]
fn truncated(need: usize, have: usize) -> ParseError {
    ParseError::Truncated {
        what: "nlattr",
        need,
        have,
    }
}

/// The error of an attribute length below the header or beyond the area.
#[cold]
fn bad_attr_len(len: usize, have: usize) -> ParseError {
    if len < NLA_HDRLEN {
        ParseError::BadLength {
            what: "nlattr",
            len,
            min: NLA_HDRLEN,
        }
    } else {
        truncated(len, have)
    }
}

/// The rest of the check of the attribute of `len` bytes at the start of
/// `rest` whose length is not its rule's exact one: fine only for a string
/// rule with a non-empty payload ending in NUL.
#[inline(always)]
fn check_cstr(rest: &[u8], len: usize, kind: u16, rule: u32) -> Result<(), ParseError> {
    if rule == RULE_CSTR && len > NLA_HDRLEN && rest.get(len - 1) == Some(&0) {
        return Ok(());
    }
    Err(rule_error(len, kind, rule))
}

/// The check of an attribute at the start of `rest` whose length is not
/// its rule's exact one (or that has no rule: [`RULE_ANY`]): its length must lie
/// within `NLA_HDRLEN..=rest.len()`, and then be fine for the rule (any
/// payload, or a string ending in NUL).
#[inline(always)]
fn check_unfixed(rest: &[u8], len: usize, kind: u16, rule: u32) -> Result<(), ParseError> {
    if len.wrapping_sub(NLA_HDRLEN) > rest.len().wrapping_sub(NLA_HDRLEN) {
        return Err(bad_attr_len(len, rest.len()));
    }
    if rule == RULE_ANY {
        return Ok(());
    }
    check_cstr(rest, len, kind, rule)
}

/// The error of an attribute its rule refuses.
#[cold]
fn rule_error(len: usize, kind: u16, rule: u32) -> ParseError {
    if rule == RULE_CSTR {
        return ParseError::Unterminated { kind };
    }
    ParseError::AttrSize {
        kind,
        expected: rule as usize - NLA_HDRLEN,
        got: len - NLA_HDRLEN,
    }
}

/// Declares a message's attribute schema once: the [`AttrRules`] table
/// that [`AttrIndex::parse`] checks, and a typed accessor per attribute,
/// generated from the same list so that they cannot drift apart.
///
/// Each line names an accessor, its attribute type constant and its kind:
///
/// | kind        | rule checked at parse         | accessor returns          |
/// |-------------|-------------------------------|---------------------------|
/// | `u8`        | exactly 1 byte                | `Option<u8>`              |
/// | `be16`      | exactly 2 bytes               | `Option<u16>` (big-endian)|
/// | `be32`      | exactly 4 bytes               | `Option<u32>`             |
/// | `be64`      | exactly 8 bytes               | `Option<u64>`             |
/// | `bytes[N]`  | exactly `N` bytes             | `Option<&'a [u8; N]>`     |
/// | `bytes`     | any                           | `Option<&'a [u8]>`        |
/// | `nested`    | any (the nest's own decoder)  | `Option<&'a [u8]>` (its attributes) |
/// | `cstr`      | ends with NUL (`NLA_NUL_STRING`) | `Option<&'a [u8]>` up to the first NUL |
/// | `str`       | any                           | `Option<&'a [u8]>` up to the first NUL |
/// | `flag`      | empty                         | `bool`                    |
///
/// The type holding the index names its field after `=>`; `N` is the
/// number of slots (highest type + 1). A type declared twice or beyond the
/// slots fails the build.
///
/// # Examples
/// ```
/// use nfnl::{attr_schema, AttrIndex, AttrSlots, ParseError};
///
/// /// A message with a mark (type 1), a name (type 2) and a payload (type 3).
/// struct Msg<'a> {
///     attrs: AttrIndex<'a, 4>,
/// }
///
/// attr_schema! {
///     /// The checks of `Msg`.
///     const RULES: AttrRules<4>;
///     impl<'a> Msg<'a> => attrs {
///         /// The mark (type 1).
///         pub fn mark: 1 => be32;
///         /// The name (type 2), without its NUL.
///         pub fn name: 2 => cstr;
///         /// The payload (type 3).
///         pub fn payload: 3 => bytes;
///     }
/// }
///
/// // mark 7, name "eth0\0"
/// let area = [8, 0, 1, 0, 0, 0, 0, 7, 9, 0, 2, 0, b'e', b't', b'h', b'0', 0, 0, 0, 0];
/// let mut slots = AttrSlots::new();
/// let m = Msg { attrs: AttrIndex::parse(&area, &RULES, &mut slots)? };
/// assert_eq!((m.mark(), m.name(), m.payload()), (Some(7), Some(&b"eth0"[..]), None));
/// // a 2-byte mark is refused when the index is built
/// let bad = [6, 0, 1, 0, 0, 7, 0, 0];
/// assert!(matches!(AttrIndex::parse(&bad, &RULES, &mut AttrSlots::new()), Err(ParseError::AttrSize { kind: 1, .. })));
/// # Ok::<(), ParseError>(())
/// ```
#[macro_export]
macro_rules! attr_schema {
    (
        $(#[$rmeta:meta])*
        $rvis:vis const $rules:ident: AttrRules<$n:tt>;
        impl<$a:lifetime> $ty:ty => $idx:ident {
            $(
                $(#[$doc:meta])*
                $fvis:vis fn $name:ident: $kind:expr => $how:ident $([$len:literal])?;
            )*
        }
    ) => {
        $(#[$rmeta])*
        $rvis const $rules: $crate::AttrRules<{ $n }> = $crate::AttrRules::<{ $n }>::new()
            $( .rule($kind, $crate::attr_schema!(@rule $how $([$len])?)) )*;

        impl<$a> $ty {
            $(
                $(#[$doc])*
                #[inline]
                $fvis fn $name(&self) -> $crate::attr_schema!(@ret $a $how $([$len])?) {
                    $crate::attr_schema!(@get self.$idx, $kind, $how $([$len])?)
                }
            )*
        }
    };
    (@rule u8) => { $crate::AttrRule::Exact(1) };
    (@rule be16) => { $crate::AttrRule::Exact(2) };
    (@rule be32) => { $crate::AttrRule::Exact(4) };
    (@rule be64) => { $crate::AttrRule::Exact(8) };
    (@rule bytes [$len:literal]) => { $crate::AttrRule::Exact($len) };
    (@rule bytes) => { $crate::AttrRule::Any };
    (@rule nested) => { $crate::AttrRule::Any };
    (@rule cstr) => { $crate::AttrRule::CStr };
    (@rule str) => { $crate::AttrRule::Any };
    (@rule flag) => { $crate::AttrRule::Exact(0) };
    (@ret $a:lifetime u8) => { Option<u8> };
    (@ret $a:lifetime be16) => { Option<u16> };
    (@ret $a:lifetime be32) => { Option<u32> };
    (@ret $a:lifetime be64) => { Option<u64> };
    (@ret $a:lifetime bytes [$len:literal]) => { Option<&$a [u8; $len]> };
    (@ret $a:lifetime bytes) => { Option<&$a [u8]> };
    (@ret $a:lifetime nested) => { Option<&$a [u8]> };
    (@ret $a:lifetime cstr) => { Option<&$a [u8]> };
    (@ret $a:lifetime str) => { Option<&$a [u8]> };
    (@ret $a:lifetime flag) => { bool };
    (@get $i:expr, $k:expr, u8) => { $i.fixed::<1>($k).map(|&[b]| b) };
    (@get $i:expr, $k:expr, be16) => { $i.fixed::<2>($k).map(|b| u16::from_be_bytes(*b)) };
    (@get $i:expr, $k:expr, be32) => { $i.fixed::<4>($k).map(|b| u32::from_be_bytes(*b)) };
    (@get $i:expr, $k:expr, be64) => { $i.fixed::<8>($k).map(|b| u64::from_be_bytes(*b)) };
    (@get $i:expr, $k:expr, bytes [$len:literal]) => { $i.fixed::<$len>($k) };
    (@get $i:expr, $k:expr, bytes) => { $i.payload($k) };
    (@get $i:expr, $k:expr, nested) => { $i.payload($k) };
    (@get $i:expr, $k:expr, cstr) => { $i.cstr_bytes($k) };
    (@get $i:expr, $k:expr, str) => { $i.str_bytes($k) };
    (@get $i:expr, $k:expr, flag) => { $i.has($k) };
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
        let mut slots = AttrSlots::new();
        let index = AttrIndex::<'_, 8>::parse_sized(FIXTURE, &[0; 8], &mut slots).unwrap();
        for kind in 0..10 {
            assert_eq!(index.get(kind), table.get(kind), "type {kind}");
        }
        assert!(std::mem::size_of::<AttrIndex<'_, 22>>() <= 64);
        let mut sizes = [0u8; 8];
        sizes[2] = 4;
        assert_eq!(
            AttrIndex::<'_, 8>::parse_sized(FIXTURE, &sizes, &mut AttrSlots::new()).map(|_| ()),
            Err(ParseError::AttrSize {
                kind: 2,
                expected: 4,
                got: 2
            })
        );
        assert!(
            AttrIndex::<'_, 8>::parse_sized(&FIXTURE[..6], &[0; 8], &mut AttrSlots::new()).is_err()
        );
        assert_eq!(AttrSlots::<8>::new().over(&[]).get(1), None);
    }

    #[test]
    fn rules_check_strings_flags_and_sizes_once() {
        const R: AttrRules<8> = AttrRules::new()
            .rule(1, AttrRule::Exact(4))
            .rule(2, AttrRule::CStr)
            .rule(3, AttrRule::Exact(0))
            .rule(4, AttrRule::Any);
        let area = [
            8, 0, 1, 0, 0, 0, 0, 5, // 1: be32 5
            6, 0, 2, 0, b'x', 0, 0, 0, // 2: "x\0"
            4, 0, 3, 0, // 3: flag
            5, 0, 4, 0, 9, 0, 0, 0, // 4: one byte, any
        ];
        let mut slots = AttrSlots::new();
        let i = AttrIndex::parse(&area, &R, &mut slots).unwrap();
        assert_eq!(i.be32(1), Some(5));
        assert_eq!(i.cstr_bytes(2), Some(&b"x"[..]));
        assert!(i.has(3) && !i.has(5));
        assert_eq!(i.payload(4), Some(&[9][..]));
        assert_eq!(i.get(4).map(|a| a.kind()), Some(4));
        // the rebased index reads the copy without a second walk
        let copy = area.to_vec();
        let kept = i.slots();
        assert_eq!(kept.over(&copy).be32(1), Some(5));
        assert_eq!(kept.over(&copy[..4]).be32(1), None);
        // a string without its NUL, an empty one, a flag with a payload
        let no_nul = [6, 0, 2, 0, b'x', b'y', 0, 0];
        assert_eq!(
            AttrIndex::parse(&no_nul, &R, &mut AttrSlots::new()),
            Err(ParseError::Unterminated { kind: 2 })
        );
        assert_eq!(
            AttrIndex::parse(&[4, 0, 2, 0], &R, &mut AttrSlots::new()),
            Err(ParseError::Unterminated { kind: 2 })
        );
        assert_eq!(
            AttrIndex::parse(&[5, 0, 3, 0, 1, 0, 0, 0], &R, &mut AttrSlots::new()),
            Err(ParseError::AttrSize {
                kind: 3,
                expected: 0,
                got: 1
            })
        );
    }

    #[test]
    fn the_longest_string_is_checked_for_its_nul() {
        const R: AttrRules<4> = AttrRules::new()
            .rule(2, AttrRule::CStr)
            .rule(3, AttrRule::Any);
        // nla_len 65535 (the largest): a string rule's NUL is checked, an
        // any-payload rule takes it, at every length the walk can meet.
        let mut area = vec![b'x'; 65536];
        area[..4].copy_from_slice(&[0xff, 0xff, 2, 0]);
        assert_eq!(
            AttrIndex::parse(&area, &R, &mut AttrSlots::new()),
            Err(ParseError::Unterminated { kind: 2 })
        );
        area[65534] = 0;
        let mut slots = AttrSlots::new();
        let i = AttrIndex::parse(&area, &R, &mut slots).unwrap();
        assert_eq!(i.cstr_bytes(2).map(<[u8]>::len), Some(65530));
        area[2] = 3;
        let mut slots = AttrSlots::new();
        let i = AttrIndex::parse(&area, &R, &mut slots).unwrap();
        assert_eq!(i.payload(3).map(<[u8]>::len), Some(65531));
    }

    #[test]
    fn padded_and_unpadded_areas_are_checked_alike() {
        const R: AttrRules<4> = AttrRules::new()
            .rule(1, AttrRule::Exact(4))
            .rule(2, AttrRule::CStr)
            .rule(3, AttrRule::Any);
        // Each case once as a padded area (a multiple of 4 bytes) and once
        // with one byte more or less, the unpadded walk.
        let ok: &[&[u8]] = &[
            &[8, 0, 1, 0, 0, 0, 0, 5, 5, 0, 3, 0, 9, 0, 0, 0],
            &[8, 0, 1, 0, 0, 0, 0, 5, 5, 0, 3, 0, 9],
            &[5, 0, 9, 0, 7, 0, 0, 0, 6, 0, 2, 0, b'x', 0, 0, 0],
            &[5, 0, 9, 0, 7, 0, 0, 0, 6, 0, 2, 0, b'x', 0],
        ];
        for area in ok {
            let mut slots = AttrSlots::new();
            let i = AttrIndex::parse(area, &R, &mut slots).unwrap();
            assert!(i.has(1) || i.has(2), "{area:?}");
        }
        type Case<'c> = (&'c [u8], fn(&ParseError) -> bool);
        let bad: &[Case<'_>] = &[
            // an exact type overrunning the area
            (&[8, 0, 1, 0, 0, 0, 0, 5, 8, 0, 1, 0], |e| {
                matches!(e, ParseError::Truncated { .. })
            }),
            (&[8, 0, 1, 0, 0, 0, 0, 5, 8, 0, 1, 0, 0], |e| {
                matches!(e, ParseError::Truncated { .. })
            }),
            // any payload, unknown type: a length below the header
            (&[0, 0, 3, 0], |e| matches!(e, ParseError::BadLength { .. })),
            (&[0, 0, 3, 0, 0], |e| {
                matches!(e, ParseError::BadLength { .. })
            }),
            (&[2, 0, 3, 0], |e| matches!(e, ParseError::BadLength { .. })),
            (&[2, 0, 3, 0, 0], |e| {
                matches!(e, ParseError::BadLength { .. })
            }),
            (&[0, 0, 9, 0], |e| matches!(e, ParseError::BadLength { .. })),
            (&[0, 0, 9, 0, 0], |e| {
                matches!(e, ParseError::BadLength { .. })
            }),
            // any payload, unknown type: beyond the area
            (&[9, 0, 3, 0, 0, 0, 0, 0], |e| {
                matches!(e, ParseError::Truncated { .. })
            }),
            (&[13, 0, 9, 0, 0, 0, 0, 0, 0], |e| {
                matches!(e, ParseError::Truncated { .. })
            }),
            // a string without its NUL, an exact type of another size
            (&[6, 0, 2, 0, b'x', b'y', 0, 0], |e| {
                *e == ParseError::Unterminated { kind: 2 }
            }),
            (&[6, 0, 1, 0, 0, 5, 0, 0], |e| {
                matches!(e, ParseError::AttrSize { kind: 1, .. })
            }),
        ];
        for (area, want) in bad {
            let e = AttrIndex::parse(area, &R, &mut AttrSlots::new()).unwrap_err();
            assert!(want(&e), "{area:?}: {e:?}");
        }
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
