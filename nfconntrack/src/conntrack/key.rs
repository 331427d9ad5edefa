//! [`Key`]: how a get, an update or a delete names one entry.

use super::*;

/// How a get, an update or a delete names one entry: a tuple of either
/// direction (`CTA_TUPLE_ORIG` or `CTA_TUPLE_REPLY`), the zone (`CTA_ZONE`),
/// and the id if known (`CTA_ID`, so a re-created entry with the same tuple
/// is not touched).
///
/// ```
/// use nfnl_conntrack::{Key, Tuple, L4};
/// let t = Tuple::new("10.0.0.1".parse()?, "10.0.0.2".parse()?, L4::udp(5, 6))?;
/// let k = Key::orig(t).zone(7);
/// # let _ = k;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    /// `CTA_TUPLE_ORIG` or `CTA_TUPLE_REPLY`.
    pub(super) dir: u16,
    pub(super) tuple: Tuple,
    pub(super) zone: Option<u16>,
    pub(super) id: Option<u32>,
}

impl Key {
    pub(super) fn new(dir: u16, tuple: Tuple) -> Self {
        Key {
            dir,
            tuple,
            zone: None,
            id: None,
        }
    }

    /// The entry whose original tuple is `t`.
    pub fn orig(t: Tuple) -> Self {
        Self::new(sys::CTA_TUPLE_ORIG, t)
    }

    /// The entry whose reply tuple is `t`.
    pub fn reply(t: Tuple) -> Self {
        Self::new(sys::CTA_TUPLE_REPLY, t)
    }

    /// In zone `zone` (default: zone 0).
    #[must_use]
    pub fn zone(mut self, zone: u16) -> Self {
        self.zone = Some(zone);
        self
    }

    /// Only the entry with this id (`CTA_ID`).
    #[must_use]
    pub fn id(mut self, id: u32) -> Self {
        self.id = Some(id);
        self
    }

    /// The tuple.
    pub fn tuple(&self) -> &Tuple {
        &self.tuple
    }

    /// The key of a (dumped) flow: its original (else reply) tuple, zone
    /// and id.
    ///
    /// # Errors
    /// [`Error::NoTuple`]: without a tuple the kernel would run a delete
    /// as a flush.
    pub fn of(flow: &Flow) -> Result<Self> {
        let (dir, tuple) = match (flow.orig, flow.reply) {
            (Some(t), _) => (sys::CTA_TUPLE_ORIG, t),
            (None, Some(t)) => (sys::CTA_TUPLE_REPLY, t),
            (None, None) => return Err(Error::NoTuple),
        };
        Ok(Key {
            zone: flow.zone,
            id: flow.id,
            ..Key::new(dir, tuple)
        })
    }

    pub(crate) fn encode(&self, b: &mut MsgBuilder) -> std::result::Result<(), EncodeError> {
        self.tuple.encode(self.dir, b)?;
        if let Some(z) = self.zone {
            b.put_be16(sys::CTA_ZONE, z);
        }
        if let Some(id) = self.id {
            b.put_be32(sys::CTA_ID, id);
        }
        Ok(())
    }
}

impl std::fmt::Display for Key {
    /// The tuple as `conntrack` prints it (`udp src=… dst=… sport=… dport=…`),
    /// then `reply-tuple`, `zone=` and `id=` when they apply.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let w = &mut crate::display::Fields::new(f);
        w.put(format_args!(
            "{}",
            crate::display::proto_name(self.tuple.proto.proto())
        ))?;
        crate::display::write_tuple(w, &self.tuple)?;
        if self.dir == sys::CTA_TUPLE_REPLY {
            w.put(format_args!("(reply tuple)"))?;
        }
        if let Some(z) = self.zone {
            w.put(format_args!("zone={z}"))?;
        }
        if let Some(id) = self.id {
            w.put(format_args!("id={id}"))?;
        }
        Ok(())
    }
}
