//! Accounting objects: the name, the flags, the quota, the object the kernel
//! sends (decoded and validated), the object to create, and the dump filter.
//!
//! ```text
//! NFNL_MSG_ACCT_NEW (every object the kernel sends, notifications included)
//!   NFACCT_NAME  "web\0"           ≤ 32 bytes with the NUL
//!   NFACCT_PKTS  be64              packets counted
//!   NFACCT_BYTES be64              bytes counted (IP length)
//!   NFACCT_USE   be32              1 for the object + 1 per rule using it
//!   NFACCT_FLAGS be32              only when a quota is set: QUOTA_PKTS | QUOTA_BYTES [| OVERQUOTA]
//!   NFACCT_QUOTA be64              only when a quota is set
//! ```

use std::fmt;

use nfnl::{AttrTable, EncodeError, MsgBuilder, NfMsg, ParseError};
use nfnl_sys as sys;

use crate::error::Error;

/// The longest name, in bytes: `NFACCT_NAME_MAX` less the NUL.
pub const NAME_MAX: usize = sys::NFACCT_NAME_MAX - 1;

/// The name of an accounting object (`NFACCT_NAME`): 1 to [`NAME_MAX`]
/// bytes, no NUL, held inline (no allocation). The kernel compares names
/// byte by byte; a name it sends that is not UTF-8 is kept as it is
/// ([`Name::as_bytes`]) and displayed lossily.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Name {
    len: u8,
    bytes: [u8; NAME_MAX],
}

impl Name {
    /// Checks `name` for what the kernel accepts: not empty
    /// (`nfnl_acct_new` answers `EINVAL`), at most [`NAME_MAX`] bytes (the
    /// kernel's policy refuses longer ones; the `nfacct` tool cuts them to
    /// 31 bytes instead), no NUL.
    ///
    /// # Errors
    /// [`Error::InvalidName`] saying why.
    pub fn new(name: &str) -> Result<Self, Error> {
        let reason = if name.is_empty() {
            "empty"
        } else if name.len() > NAME_MAX {
            "longer than 31 bytes (NFACCT_NAME_MAX - 1)"
        } else if name.contains('\0') {
            "contains a NUL byte"
        } else {
            return Ok(Self::from_bytes_unchecked(name.as_bytes()));
        };
        Err(Error::InvalidName {
            name: name.to_owned(),
            reason,
        })
    }

    /// A name from bytes known to be 1 to [`NAME_MAX`] long without NUL.
    fn from_bytes_unchecked(b: &[u8]) -> Self {
        let mut bytes = [0; NAME_MAX];
        let n = b.len().min(NAME_MAX);
        bytes[..n].copy_from_slice(&b[..n]);
        Name {
            // n <= 31
            len: u8::try_from(n).unwrap_or(0),
            bytes,
        }
    }

    /// The name's bytes, without NUL.
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..usize::from(self.len)).unwrap_or(&[])
    }

    /// The name as text, if it is UTF-8 (names given to [`Name::new`]
    /// always are).
    pub fn as_str(&self) -> Option<&str> {
        std::str::from_utf8(self.as_bytes()).ok()
    }

    /// Reads `NFACCT_NAME`: a NUL-terminated string of 1 to [`NAME_MAX`]
    /// bytes.
    fn parse(attr: nfnl::Attr<'_>) -> Result<Self, ParseError> {
        let bytes = attr.get_cstr()?.to_bytes();
        if bytes.is_empty() {
            return Err(invalid(sys::NFACCT_NAME, "empty object name"));
        }
        if bytes.len() > NAME_MAX {
            return Err(invalid(
                sys::NFACCT_NAME,
                "object name longer than 31 bytes",
            ));
        }
        Ok(Self::from_bytes_unchecked(bytes))
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&String::from_utf8_lossy(self.as_bytes()))
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", String::from_utf8_lossy(self.as_bytes()))
    }
}

bitflags::bitflags! {
    /// An object's flags (`NFACCT_FLAGS`, `enum nfnl_acct_flags`). Only
    /// objects with a quota carry them; bits this crate does not know are
    /// kept.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
    pub struct AcctFlags: u32 {
        /// `NFACCT_F_QUOTA_PKTS`: the quota counts packets.
        const QUOTA_PKTS = sys::NFACCT_F_QUOTA_PKTS;
        /// `NFACCT_F_QUOTA_BYTES`: the quota counts bytes.
        const QUOTA_BYTES = sys::NFACCT_F_QUOTA_BYTES;
        /// `NFACCT_F_OVERQUOTA`: the counter has reached the quota (set by
        /// the kernel, cleared by a reset).
        const OVERQUOTA = sys::NFACCT_F_OVERQUOTA;
        // Bits of future kernels are kept, not dropped.
        const _ = !0;
    }
}

/// A quota (`NFACCT_QUOTA` with `NFACCT_F_QUOTA_PKTS` or
/// `NFACCT_F_QUOTA_BYTES`): when the counter reaches it, the kernel sets
/// [`AcctFlags::OVERQUOTA`] and sends one notification to the
/// `NFNLGRP_ACCT_QUOTA` group ([`QuotaListener`](crate::QuotaListener));
/// from then on `-m nfacct` rules naming the object match (below the quota
/// they do not: `nfacct_mt` matches objects without a quota and those over
/// it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Quota {
    /// A number of packets.
    Packets(u64),
    /// A number of bytes (IP length, as the byte counter).
    Bytes(u64),
}

impl Quota {
    /// The limit, in packets or bytes.
    pub fn limit(&self) -> u64 {
        match *self {
            Quota::Packets(n) | Quota::Bytes(n) => n,
        }
    }

    /// The flag that says what it counts.
    pub fn flag(&self) -> AcctFlags {
        match self {
            Quota::Packets(_) => AcctFlags::QUOTA_PKTS,
            Quota::Bytes(_) => AcctFlags::QUOTA_BYTES,
        }
    }
}

/// An accounting object as the kernel reports it (`nfnl_acct_fill_info`):
/// from [`Acct::get`](crate::Acct::get), a dump, or an over-quota
/// notification. A plain value: no allocation, no borrow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Object {
    name: Name,
    packets: u64,
    bytes: u64,
    use_count: u32,
    flags: AcctFlags,
    quota: Option<Quota>,
}

impl Object {
    /// The name (`NFACCT_NAME`).
    pub fn name(&self) -> &Name {
        &self.name
    }

    /// Packets counted (`NFACCT_PKTS`). For a reset, the value before it.
    pub fn packets(&self) -> u64 {
        self.packets
    }

    /// Bytes counted (`NFACCT_BYTES`: the IP packet lengths).
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// The kernel's reference count (`NFACCT_USE`): 1 for the object itself
    /// plus 1 for each rule (`-m nfacct`) or other user holding it. An
    /// object with a count above 1 cannot be deleted.
    pub fn use_count(&self) -> u32 {
        self.use_count
    }

    /// True if something besides the object itself holds it (a rule): it
    /// cannot be deleted.
    pub fn in_use(&self) -> bool {
        self.use_count > 1
    }

    /// The flags (`NFACCT_FLAGS`; empty for an object without a quota).
    /// For a reset, the flags before it.
    pub fn flags(&self) -> AcctFlags {
        self.flags
    }

    /// The quota, if the object has one.
    pub fn quota(&self) -> Option<Quota> {
        self.quota
    }

    /// True if the counter has reached the quota
    /// ([`AcctFlags::OVERQUOTA`]).
    pub fn is_over_quota(&self) -> bool {
        self.flags.contains(AcctFlags::OVERQUOTA)
    }

    /// Decodes an object message (`NFNL_MSG_ACCT_NEW` of `NFNL_SUBSYS_ACCT`).
    ///
    /// # Errors
    /// [`ParseError::UnexpectedMessage`] for another message type; a
    /// missing name, counter or use count; attributes of the wrong size; a
    /// name that is empty, unterminated or longer than 31 bytes; a quota
    /// flag without a quota or with both quota flags.
    pub fn decode(msg: &NfMsg<'_>) -> Result<Self, ParseError> {
        msg.expect_type(sys::NFNL_SUBSYS_ACCT, sys::NFNL_MSG_ACCT_NEW)?;
        let t = AttrTable::<'_, { sys::NFACCT_MAX as usize + 1 }>::parse(msg.attrs())?;
        const WITHIN: &str = "nfacct object";
        let name = Name::parse(t.require(sys::NFACCT_NAME, WITHIN)?)?;
        let packets = t.require(sys::NFACCT_PKTS, WITHIN)?.get_be64()?;
        let bytes = t.require(sys::NFACCT_BYTES, WITHIN)?.get_be64()?;
        let use_count = t.require(sys::NFACCT_USE, WITHIN)?.get_be32()?;
        let flags = match t.get(sys::NFACCT_FLAGS) {
            Some(a) => AcctFlags::from_bits_retain(a.get_be32()?),
            None => AcctFlags::empty(),
        };
        let quota_kind = flags & (AcctFlags::QUOTA_PKTS | AcctFlags::QUOTA_BYTES);
        let quota = if quota_kind.is_empty() {
            None
        } else {
            let limit = t
                .require(sys::NFACCT_QUOTA, "nfacct object with a quota flag")?
                .get_be64()?;
            Some(match quota_kind {
                AcctFlags::QUOTA_PKTS => Quota::Packets(limit),
                AcctFlags::QUOTA_BYTES => Quota::Bytes(limit),
                _ => {
                    return Err(invalid(
                        sys::NFACCT_FLAGS,
                        "both QUOTA_PKTS and QUOTA_BYTES set",
                    ))
                }
            })
        };
        Ok(Object {
            name,
            packets,
            bytes,
            use_count,
            flags,
            quota,
        })
    }
}

fn invalid(kind: u16, why: &'static str) -> ParseError {
    ParseError::InvalidValue { kind, why }
}

/// An object to create ([`Acct::create`](crate::Acct::create)): a name, an
/// optional quota and optional starting counters (as `nfacct restore`
/// sets them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewObject {
    name: Name,
    quota: Option<Quota>,
    packets: Option<u64>,
    bytes: Option<u64>,
}

impl NewObject {
    /// An object named `name`, counters at 0, no quota.
    ///
    /// # Errors
    /// [`Error::InvalidName`] ([`Name::new`]).
    pub fn new(name: &str) -> Result<Self, Error> {
        Ok(Self::named(Name::new(name)?))
    }

    /// An object named `name`, counters at 0, no quota.
    pub fn named(name: Name) -> Self {
        NewObject {
            name,
            quota: None,
            packets: None,
            bytes: None,
        }
    }

    /// Sets a quota in packets or bytes.
    #[must_use]
    pub fn quota(mut self, quota: Quota) -> Self {
        self.quota = Some(quota);
        self
    }

    /// Starts the counters at `packets` and `bytes` (`NFACCT_PKTS`,
    /// `NFACCT_BYTES`).
    #[must_use]
    pub fn counters(mut self, packets: u64, bytes: u64) -> Self {
        self.packets = Some(packets);
        self.bytes = Some(bytes);
        self
    }

    /// The name.
    pub fn name(&self) -> &Name {
        &self.name
    }

    /// Appends the attributes of `NFNL_MSG_ACCT_NEW`.
    pub(crate) fn encode(&self, b: &mut MsgBuilder) -> Result<(), EncodeError> {
        put_name(b, &self.name)?;
        if let Some(q) = self.quota {
            b.put_be32(sys::NFACCT_FLAGS, q.flag().bits());
            b.put_be64(sys::NFACCT_QUOTA, q.limit());
        }
        if let Some(p) = self.packets {
            b.put_be64(sys::NFACCT_PKTS, p);
        }
        if let Some(n) = self.bytes {
            b.put_be64(sys::NFACCT_BYTES, n);
        }
        Ok(())
    }
}

/// Appends `NFACCT_NAME` (NUL-terminated).
pub(crate) fn put_name(b: &mut MsgBuilder, name: &Name) -> Result<(), EncodeError> {
    let mut buf = [0u8; sys::NFACCT_NAME_MAX];
    let bytes = name.as_bytes();
    let n = bytes.len();
    buf.get_mut(..n)
        .ok_or(EncodeError::Invalid("object name longer than 31 bytes"))?
        .copy_from_slice(bytes);
    // The name and its NUL.
    b.put_bytes(sys::NFACCT_NAME, buf.get(..=n).unwrap_or(&buf))?;
    Ok(())
}

/// Which objects a dump returns: those whose flags, masked by `mask`,
/// equal `value` (the kernel's `NFACCT_FILTER`, evaluated by
/// `nfnl_acct_dump`, and checked again here). The default selects all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Filter {
    mask: AcctFlags,
    value: AcctFlags,
}

impl Filter {
    /// Every object (no `NFACCT_FILTER` is sent).
    pub fn all() -> Self {
        Filter::default()
    }

    /// The objects whose `flags & mask == value`. A `value` with bits
    /// outside `mask` selects nothing.
    pub fn flags(mask: AcctFlags, value: AcctFlags) -> Self {
        Filter { mask, value }
    }

    /// The objects over their quota ([`AcctFlags::OVERQUOTA`] set).
    pub fn over_quota() -> Self {
        Self::flags(AcctFlags::OVERQUOTA, AcctFlags::OVERQUOTA)
    }

    /// True if `obj` is one this filter selects.
    pub fn matches(&self, obj: &Object) -> bool {
        obj.flags & self.mask == self.value
    }

    /// Appends `NFACCT_FILTER` unless the filter selects everything.
    pub(crate) fn encode(&self, b: &mut MsgBuilder) -> Result<(), EncodeError> {
        if self.mask.is_empty() && self.value.is_empty() {
            return Ok(());
        }
        b.nest(sys::NFACCT_FILTER, |b| {
            b.put_be32(sys::NFACCT_FILTER_MASK, self.mask.bits());
            b.put_be32(sys::NFACCT_FILTER_VALUE, self.value.bits());
            Ok(())
        })?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use nfnl::NfHeader;

    /// The attribute bytes of a request built by `f`.
    fn request(f: impl FnOnce(&mut MsgBuilder) -> Result<(), EncodeError>) -> Vec<u8> {
        let mut b = MsgBuilder::new();
        b.begin(
            NfHeader::new(sys::NFNL_SUBSYS_ACCT, sys::NFNL_MSG_ACCT_NEW),
            1,
        );
        f(&mut b).unwrap();
        let bytes = b.finish().unwrap();
        // nlmsghdr (16) + nfgenmsg (4)
        bytes[20..].to_vec()
    }

    #[test]
    fn a_new_object_is_encoded_as_the_kernel_reads_it() {
        let o = NewObject::new("web")
            .unwrap()
            .quota(Quota::Packets(3))
            .counters(1, 2);
        let got = request(|b| o.encode(b));
        let ne = |v: u16| v.to_ne_bytes();
        let mut want = Vec::new();
        for (kind, payload) in [
            (sys::NFACCT_NAME, &b"web\0"[..]),
            (sys::NFACCT_FLAGS, &1u32.to_be_bytes()[..]),
            (sys::NFACCT_QUOTA, &3u64.to_be_bytes()[..]),
            (sys::NFACCT_PKTS, &1u64.to_be_bytes()[..]),
            (sys::NFACCT_BYTES, &2u64.to_be_bytes()[..]),
        ] {
            want.extend(ne(u16::try_from(4 + payload.len()).unwrap()));
            want.extend(ne(kind));
            want.extend(payload);
        }
        assert_eq!(got, want);
        // No quota, no counters: the name alone.
        let got = request(|b| NewObject::new("x").unwrap().encode(b));
        assert_eq!(
            got,
            [&ne(6)[..], &ne(sys::NFACCT_NAME), b"x\0", &[0, 0]].concat()
        );
    }

    #[test]
    fn the_filter_is_a_nest_of_mask_and_value_and_absent_for_all() {
        assert!(request(|b| Filter::all().encode(b)).is_empty());
        let got = request(|b| Filter::over_quota().encode(b));
        let ne = |v: u16| v.to_ne_bytes();
        let four = sys::NFACCT_F_OVERQUOTA.to_be_bytes();
        let want = [
            &ne(20)[..],
            &ne(sys::NFACCT_FILTER | sys::NLA_F_NESTED),
            &ne(8),
            &ne(sys::NFACCT_FILTER_MASK),
            &four,
            &ne(8),
            &ne(sys::NFACCT_FILTER_VALUE),
            &four,
        ]
        .concat();
        assert_eq!(got, want);
    }

    #[test]
    fn names_are_checked_as_the_kernel_checks_them() {
        assert_eq!(Name::new("a").unwrap().as_str(), Some("a"));
        assert_eq!(Name::new(&"n".repeat(31)).unwrap().as_bytes().len(), 31);
        for bad in ["", "a\0b", &"n".repeat(32)] {
            assert!(
                matches!(Name::new(bad), Err(Error::InvalidName { .. })),
                "{bad:?}"
            );
        }
        let e = Name::new(&"n".repeat(32)).unwrap_err();
        assert!(e.to_string().contains("longer than 31 bytes"), "{e}");
    }
}
