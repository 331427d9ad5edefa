//! Packet handles: the borrowed [`Packet`], the owned [`HeldPacket`], raw
//! ids and the [`QueueHandle`] for verdicts from other threads.
//!
//! A [`Packet`] is consumed by its verdict, so a double verdict cannot be
//! written. If it goes out of scope without one (early return, `?`, panic),
//! its `Drop` gives it the queue's default verdict; so does a dropped
//! [`HeldPacket`].

use std::ops::Deref;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use crate::error::Error;
use crate::packet::{PacketHdr, PacketMeta, PacketSlots};
use crate::tx::{Shared, Tx};
use crate::verdict::{Decision, Verdict};

/// Reads the queue and packet id of a packet message that failed to parse
/// (with the header decoder of [`PacketMeta::parse`]).
pub(crate) fn salvage_id(raw: &[u8]) -> Option<(u16, u32)> {
    PacketHdr::salvage(raw).map(|(queue, h)| (queue, h.id))
}

/// A queued packet, borrowed from the [`Queue`](crate::Queue)'s receive buffer. Give it
/// a verdict with [`Packet::verdict`] (or [`accept`](Packet::accept),
/// [`drop_packet`](Packet::drop_packet)); keep it longer with
/// [`Packet::hold`]. Dropped without a verdict, it gets the queue's default
/// verdict. It dereferences to its [`PacketMeta`].
#[must_use = "a packet without a verdict gets the queue's default verdict"]
#[derive(Debug)]
pub struct Packet<'q> {
    pub(crate) meta: PacketMeta<'q>,
    pub(crate) tx: &'q mut Tx,
    pub(crate) shared: &'q Arc<Shared>,
}

impl<'q> Deref for Packet<'q> {
    type Target = PacketMeta<'q>;

    fn deref(&self) -> &PacketMeta<'q> {
        &self.meta
    }
}

impl<'q> Packet<'q> {
    /// The parsed metadata and payload.
    pub fn meta(&self) -> &PacketMeta<'q> {
        &self.meta
    }

    /// The raw netlink message (for logging or captures).
    pub fn raw(&self) -> &'q [u8] {
        self.meta.raw()
    }

    /// Gives the verdict (sent with the next batch, see the [crate docs](crate)).
    ///
    /// # Errors
    /// [`Error::PayloadRefused`] if [`Decision::check_for`] refuses the
    /// payload: the packet then gets the default verdict.
    pub fn verdict<'p>(self, d: impl Into<Decision<'p>>) -> Result<(), Error> {
        let d = checked(d.into(), &self.meta)?;
        // Given: no default verdict on drop (and no drop call at all).
        let mut this = std::mem::ManuallyDrop::new(self);
        let Packet { meta, tx, shared } = &mut *this;
        tx.push(shared, meta.queue(), meta.id(), &d)
    }

    /// Accepts the packet.
    ///
    /// # Errors
    /// None in practice (kept for symmetry with [`Packet::verdict`]).
    pub fn accept(self) -> Result<(), Error> {
        self.plain(Verdict::Accept);
        Ok(())
    }

    /// Drops the packet.
    ///
    /// # Errors
    /// None in practice.
    pub fn drop_packet(self) -> Result<(), Error> {
        self.plain(Verdict::Drop);
        Ok(())
    }

    /// [`Packet::verdict`] with a bare verdict: nothing to check, no
    /// [`Decision`] to build.
    #[inline]
    fn plain(self, v: Verdict) {
        let mut this = std::mem::ManuallyDrop::new(self);
        let Packet { meta, tx, shared } = &mut *this;
        tx.push_plain(shared, meta.queue(), meta.id(), v);
    }

    /// Turns the packet into an owned handle (copying its message) that can
    /// be kept, sent to another thread, and given a verdict later, while the
    /// receive loop goes on. The kernel keeps the packet meanwhile (there is
    /// no kernel timeout; it counts against the queue length).
    pub fn hold(self) -> HeldPacket {
        // Its verdict is the held packet's now: none on drop.
        let this = std::mem::ManuallyDrop::new(self);
        this.shared.outside.fetch_add(1, Ordering::AcqRel);
        HeldPacket {
            shared: Arc::clone(this.shared),
            bytes: this.meta.raw().to_vec(),
            slots: this.meta.slots(),
            id: this.meta.id(),
            armed: true,
        }
    }

    /// Leaves the safe API: no verdict is given on drop; the caller must
    /// give one with [`QueueHandle::verdict`] or
    /// [`QueueHandle::verdict_batch`]. From then on this socket never merges
    /// verdicts into batches (it could release this packet).
    pub fn into_raw(self) -> RawPacketId {
        // The caller gives the verdict: none on drop.
        let this = std::mem::ManuallyDrop::new(self);
        // Never taken back: see `Shared::outside`.
        this.shared.outside.fetch_add(1, Ordering::AcqRel);
        RawPacketId {
            queue: this.meta.queue(),
            id: this.meta.id(),
        }
    }
}

/// Dropped without a verdict: the default verdict. (The calls that consume
/// a packet, [`Packet::verdict`], [`Packet::hold`], [`Packet::into_raw`],
/// do not drop it.)
impl Drop for Packet<'_> {
    fn drop(&mut self) {
        self.tx.push_plain(
            self.shared,
            self.meta.queue(),
            self.meta.id(),
            self.shared.default_verdict(),
        );
    }
}

/// `d` if [`Decision::check_for`] accepts it for `meta`.
fn checked<'p>(d: Decision<'p>, meta: &PacketMeta<'_>) -> Result<Decision<'p>, Error> {
    d.check_for(meta).map_err(|reason| Error::PayloadRefused {
        id: meta.id(),
        reason,
    })?;
    Ok(d)
}

/// A packet's queue number and id, outside the safe API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RawPacketId {
    /// Queue number.
    pub queue: u16,
    /// Packet id.
    pub id: u32,
}

/// An owned packet, kept as long as needed (on any thread), that gets the
/// queue's default verdict when dropped without one.
#[must_use = "a packet without a verdict gets the queue's default verdict"]
#[derive(Debug)]
pub struct HeldPacket {
    shared: Arc<Shared>,
    bytes: Vec<u8>,
    /// The positions of the view of the packet it was held from: read
    /// over `bytes` by [`HeldPacket::meta`] without a second parse.
    slots: PacketSlots,
    /// The packet id.
    id: u32,
    armed: bool,
}

impl HeldPacket {
    /// The packet id.
    pub fn id(&self) -> u32 {
        self.id
    }

    /// The queue number.
    pub fn queue(&self) -> u16 {
        // The queue (`res_id`) is read from the owned copy.
        self.meta().queue()
    }

    /// The packet's metadata and payload: the view it was held with, over
    /// the owned copy (checked when it was received, not parsed again).
    pub fn meta(&self) -> PacketMeta<'_> {
        PacketMeta::attach(&self.bytes, &self.slots, self.id)
    }

    /// Gives the verdict, sent at once.
    ///
    /// # Errors
    /// [`Error::Closed`] if the [`Queue`](crate::Queue) was closed (the kernel dropped the
    /// packet then); [`Error::PayloadRefused`] (the packet gets the default
    /// verdict); send errors.
    pub fn verdict<'p>(mut self, d: impl Into<Decision<'p>>) -> Result<(), Error> {
        let d = checked(d.into(), &self.meta())?;
        self.armed = false;
        let r = self.shared.send_now(self.queue(), self.id(), &d, false);
        self.shared.outside.fetch_sub(1, Ordering::AcqRel);
        r
    }

    /// Accepts the packet.
    ///
    /// # Errors
    /// As [`HeldPacket::verdict`].
    pub fn accept(self) -> Result<(), Error> {
        self.verdict(Verdict::Accept)
    }

    /// Drops the packet.
    ///
    /// # Errors
    /// As [`HeldPacket::verdict`].
    pub fn drop_packet(self) -> Result<(), Error> {
        self.verdict(Verdict::Drop)
    }

    /// Leaves the safe API, as [`Packet::into_raw`].
    pub fn into_raw(mut self) -> RawPacketId {
        self.armed = false;
        // It stays counted in `Shared::outside`, for good.
        RawPacketId {
            queue: self.queue(),
            id: self.id(),
        }
    }
}

impl Drop for HeldPacket {
    fn drop(&mut self) {
        if self.armed {
            let d = Decision::from(self.shared.default_verdict());
            let _ = self.shared.send_now(self.queue(), self.id(), &d, false);
            self.shared.outside.fetch_sub(1, Ordering::AcqRel);
        }
    }
}

/// A cloneable handle to a [`Queue`](crate::Queue)'s socket for raw verdicts from any
/// thread. Errors the kernel sends back arrive in the queue's receive loop
/// as [`Error::Verdict`].
#[derive(Debug, Clone)]
pub struct QueueHandle {
    pub(crate) shared: Arc<Shared>,
}

impl QueueHandle {
    /// Sends a verdict for a raw packet id, at once.
    ///
    /// # Errors
    /// [`Error::Closed`]; encode and send errors.
    pub fn verdict<'p>(&self, p: RawPacketId, d: impl Into<Decision<'p>>) -> Result<(), Error> {
        self.shared.send_now(p.queue, p.id, &d.into(), false)
    }

    /// Sends `NFQNL_MSG_VERDICT_BATCH`: `d` for every packet of `queue`
    /// still queued with an id up to `max_id`, held ones included (their
    /// handles then get `ENOENT` errors). Only the verdict and mark apply.
    ///
    /// # Errors
    /// [`Error::Closed`]; an encode error for a connmark or payload.
    pub fn verdict_batch<'p>(
        &self,
        queue: u16,
        max_id: u32,
        d: impl Into<Decision<'p>>,
    ) -> Result<(), Error> {
        self.shared.send_now(queue, max_id, &d.into(), true)
    }

    /// True once the [`Queue`](crate::Queue) was closed.
    pub fn is_closed(&self) -> bool {
        self.shared.closed.load(Ordering::Acquire)
    }
}

const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<HeldPacket>();
    assert_send_sync::<QueueHandle>();
};
