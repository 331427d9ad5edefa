//! The one encoder of the attributes a request may set on an entry: a
//! create writes them from a [`Flow`](crate::Flow), an update from an
//! [`Update`](crate::Update) (which adds the masks).

use nfnl::{EncodeError, MsgBuilder};
use nfnl_sys as sys;

use crate::flow::{Labels, SeqAdj, Synproxy};
use crate::protoinfo::ProtoInfo;
use crate::status::Status;

/// What `ctnetlink_create_conntrack` and `ctnetlink_change_conntrack`
/// accept besides the tuples, borrowed from the request's source.
#[derive(Debug, Default)]
pub(crate) struct Settable<'a> {
    pub status: Option<Status>,
    pub timeout: Option<u32>,
    /// `CTA_MARK`, and `CTA_MARK_MASK` (updates: new = `(old & !mask) ^ mark`).
    pub mark: Option<(u32, Option<u32>)>,
    pub zone: Option<u16>,
    /// `CTA_LABELS`, and `CTA_LABELS_MASK` (updates: only the bits in the mask change).
    pub labels: Option<(&'a Labels, Option<&'a Labels>)>,
    pub helper: Option<(&'a str, Option<&'a [u8]>)>,
    pub proto_info: Option<&'a ProtoInfo>,
    pub seq_adj_orig: Option<&'a SeqAdj>,
    pub seq_adj_reply: Option<&'a SeqAdj>,
    pub synproxy: Option<&'a Synproxy>,
}

impl Settable<'_> {
    /// Writes the attributes that are set.
    pub(crate) fn encode(&self, b: &mut MsgBuilder) -> Result<(), EncodeError> {
        if let Some(s) = self.status {
            b.put_be32(sys::CTA_STATUS, s.bits());
        }
        if let Some(v) = self.timeout {
            b.put_be32(sys::CTA_TIMEOUT, v);
        }
        if let Some((m, mask)) = self.mark {
            b.put_be32(sys::CTA_MARK, m);
            if let Some(mask) = mask {
                b.put_be32(sys::CTA_MARK_MASK, mask);
            }
        }
        if let Some(v) = self.zone {
            b.put_be16(sys::CTA_ZONE, v);
        }
        if let Some((l, mask)) = self.labels {
            b.put_bytes(sys::CTA_LABELS, &l.to_wire())?;
            if let Some(mask) = mask {
                b.put_bytes(sys::CTA_LABELS_MASK, &mask.to_wire())?;
            }
        }
        if let Some((name, info)) = self.helper {
            b.nest(sys::CTA_HELP, |b| {
                b.put_cstr(sys::CTA_HELP_NAME, name)?;
                if let Some(info) = info {
                    b.put_bytes(sys::CTA_HELP_INFO, info)?;
                }
                Ok(())
            })?;
        }
        if let Some(p) = self.proto_info {
            b.nest(sys::CTA_PROTOINFO, |b| p.encode_nested(b))?;
        }
        for (kind, adj) in [
            (sys::CTA_SEQ_ADJ_ORIG, self.seq_adj_orig),
            (sys::CTA_SEQ_ADJ_REPLY, self.seq_adj_reply),
        ] {
            if let Some(s) = adj {
                b.nest(kind, |b| {
                    s.encode_nested(b);
                    Ok(())
                })?;
            }
        }
        if let Some(s) = self.synproxy {
            b.nest(sys::CTA_SYNPROXY, |b| {
                s.encode_nested(b);
                Ok(())
            })?;
        }
        Ok(())
    }
}
