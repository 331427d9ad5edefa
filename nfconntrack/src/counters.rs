//! Per-direction counters (`CTA_COUNTERS_ORIG`/`_REPLY`) and timestamps
//! (`CTA_TIMESTAMP`).

use nfnl::{AttrIter, EncodeError, MsgBuilder, ParseError};
use nfnl_sys as sys;

/// Packets and bytes seen in one direction (`CTA_COUNTERS_*`). Present only
/// with `net.netfilter.nf_conntrack_acct = 1`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Counters {
    /// `CTA_COUNTERS_PACKETS` (or the old 32-bit `CTA_COUNTERS32_PACKETS`).
    pub packets: u64,
    /// `CTA_COUNTERS_BYTES` (or `CTA_COUNTERS32_BYTES`).
    pub bytes: u64,
}

impl Counters {
    /// Decodes the contents of a `CTA_COUNTERS_ORIG`/`_REPLY` nest. Pad
    /// attributes (`CTA_COUNTERS_PAD`) and unknown ones are skipped.
    ///
    /// # Errors
    /// A malformed attribute, a wrong size, or a missing packet or byte count.
    pub fn decode_nested(it: AttrIter<'_>) -> Result<Self, ParseError> {
        let (mut packets, mut bytes) = (None, None);
        for a in it {
            let a = a?;
            match a.kind() {
                sys::CTA_COUNTERS_PACKETS => packets = Some(a.get_be64()?),
                sys::CTA_COUNTERS_BYTES => bytes = Some(a.get_be64()?),
                sys::CTA_COUNTERS32_PACKETS => packets = Some(a.get_be32()?.into()),
                sys::CTA_COUNTERS32_BYTES => bytes = Some(a.get_be32()?.into()),
                _ => {}
            }
        }
        Ok(Counters {
            packets: packets.ok_or(ParseError::Missing {
                kind: sys::CTA_COUNTERS_PACKETS,
                within: "CTA_COUNTERS",
            })?,
            bytes: bytes.ok_or(ParseError::Missing {
                kind: sys::CTA_COUNTERS_BYTES,
                within: "CTA_COUNTERS",
            })?,
        })
    }

    /// Writes the nest contents (64-bit counters).
    ///
    /// # Errors
    /// None in practice (fixed sizes).
    pub fn encode_nested(&self, b: &mut MsgBuilder) -> Result<(), EncodeError> {
        b.put_be64(sys::CTA_COUNTERS_PACKETS, self.packets);
        b.put_be64(sys::CTA_COUNTERS_BYTES, self.bytes);
        Ok(())
    }
}

/// Start and stop time of a connection in nanoseconds since the epoch
/// (`CTA_TIMESTAMP`). Present only with `net.netfilter.nf_conntrack_timestamp = 1`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct CtTimestamp {
    /// `CTA_TIMESTAMP_START`.
    pub start: Option<u64>,
    /// `CTA_TIMESTAMP_STOP` (set on destroy events).
    pub stop: Option<u64>,
}

impl CtTimestamp {
    /// Decodes the contents of a `CTA_TIMESTAMP` nest.
    ///
    /// # Errors
    /// A malformed attribute or a wrong size.
    pub fn decode_nested(it: AttrIter<'_>) -> Result<Self, ParseError> {
        let mut t = CtTimestamp::default();
        for a in it {
            let a = a?;
            match a.kind() {
                sys::CTA_TIMESTAMP_START => t.start = Some(a.get_be64()?),
                sys::CTA_TIMESTAMP_STOP => t.stop = Some(a.get_be64()?),
                _ => {}
            }
        }
        Ok(t)
    }

    /// Writes the nest contents.
    ///
    /// # Errors
    /// None in practice (fixed sizes).
    pub fn encode_nested(&self, b: &mut MsgBuilder) -> Result<(), EncodeError> {
        if let Some(s) = self.start {
            b.put_be64(sys::CTA_TIMESTAMP_START, s);
        }
        if let Some(s) = self.stop {
            b.put_be64(sys::CTA_TIMESTAMP_STOP, s);
        }
        Ok(())
    }
}
