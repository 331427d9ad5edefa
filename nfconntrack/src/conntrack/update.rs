//! [`Update`]: a change to an existing entry.

use super::*;

/// A change to an existing entry (`IPCTNL_MSG_CT_NEW` without
/// `NLM_F_CREATE`, handled by `ctnetlink_change_conntrack`).
///
/// The kernel can change: timeout, mark (with mask: the new mark is
/// `(old & !mask) ^ mark`, `ctnetlink_change_mark`), status (bits are
/// only added, never cleared; those in [`Status::UNCHANGEABLE`] never
/// change, `ctnetlink_change_status`), labels (with mask), protocol state, helper.
///
/// ```
/// use nfnl_conntrack::{Tuple, Update, L4};
/// let t = Tuple::new("10.0.0.1".parse()?, "10.0.0.2".parse()?, L4::udp(5, 6))?;
/// let u = Update::orig(t).mark(42).timeout(120);
/// # let _ = u;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Update {
    pub(super) key: Key,
    pub(super) mark: Option<(u32, Option<u32>)>,
    pub(super) timeout: Option<u32>,
    pub(super) status: Option<Status>,
    pub(super) labels: Option<(Labels, Option<Labels>)>,
    pub(super) proto_info: Option<ProtoInfo>,
}

impl Update {
    fn new(key: Key) -> Self {
        Update {
            key,
            mark: None,
            timeout: None,
            status: None,
            labels: None,
            proto_info: None,
        }
    }

    /// Addresses the entry by its original tuple.
    pub fn orig(t: Tuple) -> Self {
        Self::new(Key::orig(t))
    }

    /// Addresses the entry by its reply tuple.
    pub fn reply(t: Tuple) -> Self {
        Self::new(Key::reply(t))
    }

    /// Addresses the entry `key` names.
    pub fn of_key(key: Key) -> Self {
        Self::new(key)
    }

    /// Addresses the entry of a dumped flow: its tuple, zone and id (so a
    /// re-created entry with the same tuple is not touched).
    ///
    /// # Errors
    /// [`Error::NoTuple`].
    pub fn of(flow: &Flow) -> Result<Self> {
        Ok(Self::new(Key::of(flow)?))
    }

    /// The zone (`CTA_ZONE`) the entry is in.
    #[must_use]
    pub fn zone(mut self, zone: u16) -> Self {
        self.key.zone = Some(zone);
        self
    }

    /// Sets the mark.
    #[must_use]
    pub fn mark(mut self, mark: u32) -> Self {
        self.mark = Some((mark, None));
        self
    }

    /// Changes the mark bits in `mask` (`CTA_MARK_MASK`):
    /// new = `(old & !mask) ^ mark`.
    #[must_use]
    pub fn mark_masked(mut self, mark: u32, mask: u32) -> Self {
        self.mark = Some((mark, Some(mask)));
        self
    }

    /// Sets the timeout in seconds.
    #[must_use]
    pub fn timeout(mut self, secs: u32) -> Self {
        self.timeout = Some(secs);
        self
    }

    /// Adds status bits; the other bits of the entry stay as they are
    /// (see [`Conntrack::update`]). Repeated calls add up.
    ///
    /// NOTE(kernel): there is no way to clear a bit: `CTA_STATUS` on an
    /// update is the whole new status, and `nf_ct_change_status_common`
    /// only sets bits (`__nf_ct_change_status(ct, status, 0)`), refusing
    /// (`EBUSY`) a status that lacks `IPS_SEEN_REPLY`/`IPS_ASSURED` the
    /// entry has or differs in `IPS_EXPECTED`/`IPS_CONFIRMED`/`IPS_DYING`.
    #[must_use]
    pub fn set_status(mut self, s: Status) -> Self {
        self.status = Some(self.status.unwrap_or_default() | s);
        self
    }

    /// Sets labels; with a mask only the labels in the mask change
    /// (`CTA_LABELS_MASK`).
    #[must_use]
    pub fn labels(mut self, labels: Labels, mask: Option<Labels>) -> Self {
        self.labels = Some((labels, mask));
        self
    }

    /// Adds labels, keeping the others (`conntrack --label-add`): labels
    /// and mask are both `add`.
    #[must_use]
    pub fn add_labels(self, add: Labels) -> Self {
        self.labels(add, Some(add))
    }

    /// Removes labels, keeping the others (`conntrack --label-del`).
    #[must_use]
    pub fn remove_labels(self, remove: Labels) -> Self {
        self.labels(Labels::default(), Some(remove))
    }

    /// Sets the protocol state.
    #[must_use]
    pub fn proto_info(mut self, p: ProtoInfo) -> Self {
        self.proto_info = Some(p);
        self
    }

    pub(super) fn encode(&self, b: &mut MsgBuilder) -> std::result::Result<(), EncodeError> {
        self.key.encode(b)?;
        Settable {
            // an existing entry is confirmed; clearing the bit gives EBUSY
            status: self.status.map(|s| s | Status::CONFIRMED),
            timeout: self.timeout,
            mark: self.mark,
            labels: self.labels.as_ref().map(|(l, m)| (l, m.as_ref())),
            proto_info: self.proto_info.as_ref(),
            ..Settable::default()
        }
        .encode(b)
    }
}
