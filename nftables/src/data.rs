//! `NFTA_DATA_*`: a value (bytes in network order, as the kernel compares
//! them) or a verdict (`NFTA_VERDICT_*`).

use nfnl::{Attr, AttrTable, EncodeError, ParseError};
use nfnl_sys as sys;

use crate::wire::{nest, put, Field, RawAttr};

/// A verdict (`NFTA_VERDICT_CODE`, with `NFTA_VERDICT_CHAIN` for jump and goto).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Verdict {
    /// `NF_DROP`.
    Drop,
    /// `NF_ACCEPT`.
    Accept,
    /// `NF_QUEUE` (queue number in the upper 16 bits of the code are not used by nf_tables).
    Queue,
    /// `NFT_CONTINUE`: go on with the next expression.
    Continue,
    /// `NFT_BREAK`: leave the rule.
    Break,
    /// `NFT_JUMP`: call the named chain.
    Jump(String),
    /// `NFT_GOTO`: continue in the named chain without returning.
    Goto(String),
    /// `NFT_RETURN`: back to the calling chain.
    Return,
    /// `NFT_JUMP`/`NFT_GOTO` to a chain created in the same transaction,
    /// named by its `NFTA_CHAIN_ID` (`NFTA_VERDICT_CHAIN_ID`); `goto` tells which.
    ChainId {
        /// True for goto, false for jump.
        goto: bool,
        /// The chain's transaction id.
        id: u32,
    },
    /// Another code (a newer kernel's), or attributes this crate cannot
    /// reproduce: the `NFTA_DATA_VERDICT` payload kept as received.
    Other(Vec<u8>),
}

impl Verdict {
    /// The `NFTA_VERDICT_CODE` value, if it is a known verdict.
    pub fn code(&self) -> Option<i32> {
        Some(match self {
            Verdict::Drop => sys::NF_DROP as i32,
            Verdict::Accept => sys::NF_ACCEPT as i32,
            Verdict::Queue => sys::NF_QUEUE as i32,
            Verdict::Continue => sys::NFT_CONTINUE,
            Verdict::Break => sys::NFT_BREAK,
            Verdict::Jump(_) => sys::NFT_JUMP,
            Verdict::Goto(_) => sys::NFT_GOTO,
            Verdict::ChainId { goto, .. } => {
                if *goto {
                    sys::NFT_GOTO
                } else {
                    sys::NFT_JUMP
                }
            }
            Verdict::Return => sys::NFT_RETURN,
            Verdict::Other(_) => return None,
        })
    }

    fn decode_area(area: &[u8]) -> Result<Self, ParseError> {
        let t = AttrTable::<'_, 4>::from_bytes(area)?;
        let code = t.require(sys::NFTA_VERDICT_CODE, "NFTA_DATA_VERDICT")?;
        let code = code.get_be32()? as i32;
        let chain = t
            .get(sys::NFTA_VERDICT_CHAIN)
            .map(|a| String::decode(&a))
            .transpose()?;
        let id = t
            .get(sys::NFTA_VERDICT_CHAIN_ID)
            .map(|a| a.get_be32())
            .transpose()?;
        let v = match (code, chain, id) {
            (c, None, None) if c == sys::NF_DROP as i32 => Verdict::Drop,
            (c, None, None) if c == sys::NF_ACCEPT as i32 => Verdict::Accept,
            (c, None, None) if c == sys::NF_QUEUE as i32 => Verdict::Queue,
            (sys::NFT_CONTINUE, None, None) => Verdict::Continue,
            (sys::NFT_BREAK, None, None) => Verdict::Break,
            (sys::NFT_RETURN, None, None) => Verdict::Return,
            (sys::NFT_JUMP, Some(c), None) => Verdict::Jump(c),
            (sys::NFT_GOTO, Some(c), None) => Verdict::Goto(c),
            (sys::NFT_JUMP, None, Some(id)) => Verdict::ChainId { goto: false, id },
            (sys::NFT_GOTO, None, Some(id)) => Verdict::ChainId { goto: true, id },
            _ => return Ok(Verdict::Other(area.to_vec())),
        };
        // Only keep the typed form if it encodes back to the same bytes.
        let mut w = Vec::with_capacity(area.len());
        v.encode_area(&mut w).map_err(|_| ParseError::BadLength {
            what: "NFTA_DATA_VERDICT",
            len: area.len(),
            min: 0,
        })?;
        Ok(if w == area {
            v
        } else {
            Verdict::Other(area.to_vec())
        })
    }

    fn encode_area(&self, w: &mut Vec<u8>) -> Result<(), EncodeError> {
        if let Verdict::Other(raw) = self {
            w.extend_from_slice(raw);
            return Ok(());
        }
        let code = self.code().unwrap_or(0);
        put(w, sys::NFTA_VERDICT_CODE, &code.to_be_bytes())?;
        match self {
            Verdict::Jump(c) | Verdict::Goto(c) => c.encode(sys::NFTA_VERDICT_CHAIN, w),
            Verdict::ChainId { id, .. } => put(w, sys::NFTA_VERDICT_CHAIN_ID, &id.to_be_bytes()),
            _ => Ok(()),
        }
    }
}

/// The contents of an `NFTA_*_DATA` nest: `NFTA_DATA_VALUE` or `NFTA_DATA_VERDICT`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Data {
    /// `NFTA_DATA_VALUE`: bytes as the kernel compares them (network order
    /// for header fields, host order for marks and other host values).
    Value(Vec<u8>),
    /// `NFTA_DATA_VERDICT`.
    Verdict(Verdict),
    /// Anything else (several attributes, another type): kept as received.
    Raw(Vec<RawAttr>),
}

impl Data {
    /// A value from its bytes.
    pub fn value(bytes: impl Into<Vec<u8>>) -> Self {
        Data::Value(bytes.into())
    }

    /// The value's bytes, if it is a value.
    pub fn as_value(&self) -> Option<&[u8]> {
        match self {
            Data::Value(v) => Some(v),
            _ => None,
        }
    }

    /// The verdict, if it is one.
    pub fn as_verdict(&self) -> Option<&Verdict> {
        match self {
            Data::Verdict(v) => Some(v),
            _ => None,
        }
    }

    pub(crate) fn decode_area(area: &[u8]) -> Result<Self, ParseError> {
        let attrs: Vec<Attr<'_>> = nfnl::AttrIter::new(area).collect::<Result<_, _>>()?;
        match attrs.as_slice() {
            [a] if a.kind() == sys::NFTA_DATA_VALUE && a.flags().is_empty() => {
                Ok(Data::Value(a.payload().to_vec()))
            }
            [a] if a.kind() == sys::NFTA_DATA_VERDICT && a.flags().is_empty() => {
                Ok(Data::Verdict(Verdict::decode_area(a.payload())?))
            }
            _ => Ok(Data::Raw(attrs.iter().map(RawAttr::from_attr).collect())),
        }
    }

    pub(crate) fn encode_area(&self, w: &mut Vec<u8>) -> Result<(), EncodeError> {
        match self {
            Data::Value(v) => put(w, sys::NFTA_DATA_VALUE, v),
            Data::Verdict(v) => nest(w, sys::NFTA_DATA_VERDICT, |w| v.encode_area(w)),
            Data::Raw(attrs) => {
                for a in attrs {
                    put(w, a.kind, &a.payload)?;
                }
                Ok(())
            }
        }
    }
}

impl Field for Data {
    fn decode(a: &Attr<'_>) -> Result<Self, ParseError> {
        Data::decode_area(a.payload())
    }
    fn encode(&self, kind: u16, w: &mut Vec<u8>) -> Result<(), EncodeError> {
        nest(w, kind, |w| self.encode_area(w))
    }
}

/// `NFTA_TRACE_VERDICT` holds the `NFTA_VERDICT_*` attributes directly.
impl Field for Verdict {
    fn decode(a: &Attr<'_>) -> Result<Self, ParseError> {
        Verdict::decode_area(a.payload())
    }
    fn encode(&self, kind: u16, w: &mut Vec<u8>) -> Result<(), EncodeError> {
        nest(w, kind, |w| self.encode_area(w))
    }
}
