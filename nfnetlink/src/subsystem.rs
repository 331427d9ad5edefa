//! The small surface a subsystem crate implements.
//!
//! `nfnetlink` names no subsystem. A subsystem crate (nfqueue, nfconntrack,
//! a future nflog) declares its id and decodes its own messages; these traits
//! let generic code (dumps, event streams) work with any of them.

use crate::builder::MsgBuilder;
use crate::error::{EncodeError, ParseError};
use crate::msg::NfMsg;

/// A netfilter netlink subsystem.
pub trait Subsystem {
    /// Its id (`NFNL_SUBSYS_*`).
    const ID: u8;
}

/// A domain value decoded from one kernel message.
pub trait Decode<'a>: Sized {
    /// Decodes `msg`.
    ///
    /// # Errors
    /// A [`ParseError`] naming what was wrong.
    fn decode(msg: &NfMsg<'a>) -> Result<Self, ParseError>;
}

/// A domain value written as attributes of a request.
pub trait Encode {
    /// Writes `self` into the current message of `b`.
    ///
    /// # Errors
    /// An [`EncodeError`] if a value cannot be sent.
    fn encode(&self, b: &mut MsgBuilder) -> Result<(), EncodeError>;
}
