//! Attribute encoding and decoding shared by every object and expression.
//!
//! nf_tables writes nested attributes without `NLA_F_NESTED`
//! (`nla_nest_start_noflag`) and integers big-endian; this module writes
//! the same way, so a decoded object encodes back to the kernel's bytes.

use nfnl::{Attr, EncodeError, ParseError};
use nfnl_sys::NLA_HDRLEN;

/// One attribute kept as received: its full `nla_type` (flag bits
/// included) and payload. Objects and expressions keep the attributes this
/// crate does not know in a list of these, re-encoded after the known ones.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RawAttr {
    /// `nla_type` as on the wire, with `NLA_F_NESTED`/`NLA_F_NET_BYTEORDER`.
    pub kind: u16,
    /// The payload, without header and padding.
    pub payload: Vec<u8>,
}

impl RawAttr {
    pub(crate) fn from_attr(a: &Attr<'_>) -> Self {
        RawAttr {
            kind: a.kind() | a.flags().bits(),
            payload: a.payload().to_vec(),
        }
    }
}

/// Appends an attribute (header, payload, zero padding).
pub(crate) fn put(w: &mut Vec<u8>, kind: u16, payload: &[u8]) -> Result<(), EncodeError> {
    let len = NLA_HDRLEN + payload.len();
    let nla_len = u16::try_from(len).map_err(|_| EncodeError::AttrTooLarge { kind, len })?;
    w.extend_from_slice(&nla_len.to_ne_bytes());
    w.extend_from_slice(&kind.to_ne_bytes());
    w.extend_from_slice(payload);
    pad(w);
    Ok(())
}

/// Appends a NUL-terminated string attribute (as [`put`] of its bytes and
/// a NUL, without a temporary copy).
pub(crate) fn put_str(w: &mut Vec<u8>, kind: u16, s: &str) -> Result<(), EncodeError> {
    if s.as_bytes().contains(&0) {
        return Err(EncodeError::InteriorNul { kind });
    }
    let len = NLA_HDRLEN + s.len() + 1;
    let nla_len = u16::try_from(len).map_err(|_| EncodeError::AttrTooLarge { kind, len })?;
    w.extend_from_slice(&nla_len.to_ne_bytes());
    w.extend_from_slice(&kind.to_ne_bytes());
    w.extend_from_slice(s.as_bytes());
    w.push(0);
    pad(w);
    Ok(())
}

/// Appends a nest without `NLA_F_NESTED`, as the kernel writes them.
pub(crate) fn nest<F>(w: &mut Vec<u8>, kind: u16, f: F) -> Result<(), EncodeError>
where
    F: FnOnce(&mut Vec<u8>) -> Result<(), EncodeError>,
{
    let start = w.len();
    w.extend_from_slice(&[0, 0]);
    w.extend_from_slice(&kind.to_ne_bytes());
    if let Err(e) = f(w) {
        w.truncate(start);
        return Err(e);
    }
    let len = w.len() - start;
    match u16::try_from(len) {
        Ok(l) => {
            if let Some(h) = w.get_mut(start..start + 2) {
                h.copy_from_slice(&l.to_ne_bytes());
            }
            Ok(())
        }
        Err(_) => {
            w.truncate(start);
            Err(EncodeError::AttrTooLarge { kind, len })
        }
    }
}

fn pad(w: &mut Vec<u8>) {
    let padded = (w.len() + 3) & !3;
    w.resize(padded, 0);
}

/// A value that is one attribute's payload.
pub(crate) trait Field: Sized {
    fn decode(a: &Attr<'_>) -> Result<Self, ParseError>;
    fn encode(&self, kind: u16, w: &mut Vec<u8>) -> Result<(), EncodeError>;
}

impl Field for u8 {
    fn decode(a: &Attr<'_>) -> Result<Self, ParseError> {
        a.get_u8()
    }
    fn encode(&self, kind: u16, w: &mut Vec<u8>) -> Result<(), EncodeError> {
        put(w, kind, &[*self])
    }
}

impl Field for u16 {
    fn decode(a: &Attr<'_>) -> Result<Self, ParseError> {
        a.get_be16()
    }
    fn encode(&self, kind: u16, w: &mut Vec<u8>) -> Result<(), EncodeError> {
        put(w, kind, &self.to_be_bytes())
    }
}

impl Field for u32 {
    fn decode(a: &Attr<'_>) -> Result<Self, ParseError> {
        a.get_be32()
    }
    fn encode(&self, kind: u16, w: &mut Vec<u8>) -> Result<(), EncodeError> {
        put(w, kind, &self.to_be_bytes())
    }
}

impl Field for i32 {
    fn decode(a: &Attr<'_>) -> Result<Self, ParseError> {
        a.get_be32().map(|v| v as i32)
    }
    fn encode(&self, kind: u16, w: &mut Vec<u8>) -> Result<(), EncodeError> {
        put(w, kind, &self.to_be_bytes())
    }
}

impl Field for u64 {
    fn decode(a: &Attr<'_>) -> Result<Self, ParseError> {
        a.get_be64()
    }
    fn encode(&self, kind: u16, w: &mut Vec<u8>) -> Result<(), EncodeError> {
        put(w, kind, &self.to_be_bytes())
    }
}

/// Strings are sent NUL-terminated (`nla_put_string`); a string attribute
/// without its NUL is refused so that it cannot be re-encoded differently.
impl Field for String {
    fn decode(a: &Attr<'_>) -> Result<Self, ParseError> {
        let s = a.get_cstr()?;
        s.to_str()
            .map(str::to_owned)
            .map_err(|_| ParseError::NotUtf8 { kind: a.kind() })
    }
    fn encode(&self, kind: u16, w: &mut Vec<u8>) -> Result<(), EncodeError> {
        put_str(w, kind, self)
    }
}

/// Binary payloads (user data, x_tables info, nested areas kept raw).
impl Field for Vec<u8> {
    fn decode(a: &Attr<'_>) -> Result<Self, ParseError> {
        Ok(a.payload().to_vec())
    }
    fn encode(&self, kind: u16, w: &mut Vec<u8>) -> Result<(), EncodeError> {
        put(w, kind, self)
    }
}

/// Declares a struct whose fields are attributes, in the order the kernel
/// dumps them, plus `extra` for the attributes this crate does not know.
macro_rules! attr_struct {
    (
        $(#[$m:meta])*
        $vis:vis struct $name:ident {
            $( $(#[$fm:meta])* $field:ident : $ty:ty = $kind:path ),* $(,)?
        }
    ) => {
        $(#[$m])*
        #[derive(Clone, Debug, Default, PartialEq, Eq)]
        $vis struct $name {
            $( $(#[$fm])* pub $field: Option<$ty>, )*
            /// Attributes this crate does not know (a newer kernel's), kept
            /// as received and re-encoded after the known ones.
            pub extra: Vec<$crate::wire::RawAttr>,
        }

        $crate::wire::attr_struct!(@area $name { $( $field : $ty = $kind ),* });
    };

    (
        $(#[$m:meta])*
        $vis:vis struct $name:ident {
            family;
            $( $(#[$fm:meta])* $field:ident : $ty:ty = $kind:path ),* $(,)?
        }
    ) => {
        $(#[$m])*
        #[derive(Clone, Debug, Default, PartialEq, Eq)]
        $vis struct $name {
            /// The table family (`nfgen_family`): ip, ip6, inet, arp, bridge, netdev.
            pub family: nfnl::ProtoFamily,
            $( $(#[$fm])* pub $field: Option<$ty>, )*
            /// Attributes this crate does not know (a newer kernel's), kept
            /// as received and re-encoded after the known ones.
            pub extra: Vec<$crate::wire::RawAttr>,
        }

        $crate::wire::attr_struct!(@area $name { $( $field : $ty = $kind ),* });
    };

    // The attribute area's decoder and encoder, the same for both forms.
    (@area $name:ident { $( $field:ident : $ty:ty = $kind:path ),* }) => {
        impl $name {
            /// Decodes the attribute area `area`.
            #[allow(unused_variables, unused_mut)]
            pub(crate) fn decode_area(area: &[u8]) -> Result<Self, nfnl::ParseError> {
                let mut out = Self::default();
                for a in nfnl::AttrIter::new(area) {
                    let a = a?;
                    match a.kind() {
                        $( $kind if out.$field.is_none() => {
                            out.$field = Some(<$ty as $crate::wire::Field>::decode(&a)?);
                        } )*
                        _ => out.extra.push($crate::wire::RawAttr::from_attr(&a)),
                    }
                }
                Ok(out)
            }

            /// Appends the attributes, known ones first in the kernel's order.
            pub(crate) fn encode_area(&self, w: &mut Vec<u8>) -> Result<(), nfnl::EncodeError> {
                $( if let Some(v) = &self.$field {
                    <$ty as $crate::wire::Field>::encode(v, $kind, w)?;
                } )*
                for x in &self.extra {
                    $crate::wire::put(w, x.kind, &x.payload)?;
                }
                Ok(())
            }
        }
    };
}
pub(crate) use attr_struct;

/// A nested attribute area that is itself an `attr_struct`.
macro_rules! nested_field {
    ($ty:ty) => {
        impl $crate::wire::Field for $ty {
            fn decode(a: &nfnl::Attr<'_>) -> Result<Self, nfnl::ParseError> {
                <$ty>::decode_area(a.payload())
            }
            fn encode(&self, kind: u16, w: &mut Vec<u8>) -> Result<(), nfnl::EncodeError> {
                $crate::wire::nest(w, kind, |w| self.encode_area(w))
            }
        }
    };
}
pub(crate) use nested_field;

/// A 32-bit number with names for the values the kernel defines (a key,
/// an operation, a type): typed but open, so a newer kernel's value
/// round-trips.
macro_rules! named_u32 {
    (
        $(#[$m:meta])*
        $name:ident { $( $(#[$cm:meta])* $c:ident = $v:expr => $s:literal ),* $(,)? }
    ) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
        pub struct $name(pub u32);

        #[allow(missing_docs)]
        impl $name {
            $( $(#[$cm])* pub const $c: $name = $name($v as u32); )*

            /// The name libnftnl prints for this value, if it has one.
            pub fn name(self) -> Option<&'static str> {
                match self.0 {
                    $( x if x == $v as u32 => Some($s), )*
                    _ => None,
                }
            }
        }

        impl $crate::wire::Field for $name {
            fn decode(a: &nfnl::Attr<'_>) -> Result<Self, nfnl::ParseError> {
                a.get_be32().map($name)
            }
            fn encode(&self, kind: u16, w: &mut Vec<u8>) -> Result<(), nfnl::EncodeError> {
                $crate::wire::put(w, kind, &self.0.to_be_bytes())
            }
        }
    };
}
pub(crate) use named_u32;
