//! Connection status bits (`CTA_STATUS`, `enum ip_conntrack_status` in
//! `include/uapi/linux/netfilter/nf_conntrack_common.h`).

use nfnl_sys as sys;

bitflags::bitflags! {
    /// The status of a connection (`IPS_*`). Unknown bits are kept
    /// (`from_bits_retain`), so a decode/encode round trip is lossless.
    ///
    /// ```
    /// use nfnl_conntrack::Status;
    /// let s = Status::from_bits_retain(0x8000_000e);
    /// assert!(s.contains(Status::SEEN_REPLY | Status::ASSURED | Status::CONFIRMED));
    /// assert_eq!(s.bits(), 0x8000_000e); // the unknown bit 31 survives
    /// ```
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
    pub struct Status: u32 {
        /// `IPS_EXPECTED`: an expected connection.
        const EXPECTED = sys::IPS_EXPECTED;
        /// `IPS_SEEN_REPLY`: packets went both ways.
        const SEEN_REPLY = sys::IPS_SEEN_REPLY;
        /// `IPS_ASSURED`: will not be early-dropped.
        const ASSURED = sys::IPS_ASSURED;
        /// `IPS_CONFIRMED`: in the main table.
        const CONFIRMED = sys::IPS_CONFIRMED;
        /// `IPS_SRC_NAT`: source NAT applies.
        const SRC_NAT = sys::IPS_SRC_NAT;
        /// `IPS_DST_NAT`: destination NAT applies.
        const DST_NAT = sys::IPS_DST_NAT;
        /// `IPS_SEQ_ADJUST`: TCP sequence numbers are adjusted.
        const SEQ_ADJUST = sys::IPS_SEQ_ADJUST;
        /// `IPS_SRC_NAT_DONE`.
        const SRC_NAT_DONE = sys::IPS_SRC_NAT_DONE;
        /// `IPS_DST_NAT_DONE`.
        const DST_NAT_DONE = sys::IPS_DST_NAT_DONE;
        /// `IPS_DYING`: being destroyed.
        const DYING = sys::IPS_DYING;
        /// `IPS_FIXED_TIMEOUT`: the timeout does not change.
        const FIXED_TIMEOUT = sys::IPS_FIXED_TIMEOUT;
        /// `IPS_TEMPLATE`: a template.
        const TEMPLATE = sys::IPS_TEMPLATE;
        /// `IPS_UNTRACKED`: untracked (obsolete).
        const UNTRACKED = sys::IPS_UNTRACKED;
        /// `IPS_HELPER`: a helper was assigned explicitly.
        const HELPER = sys::IPS_HELPER;
        /// `IPS_OFFLOAD`: offloaded to the flow table.
        const OFFLOAD = sys::IPS_OFFLOAD;
        /// `IPS_HW_OFFLOAD`: offloaded to hardware.
        const HW_OFFLOAD = sys::IPS_HW_OFFLOAD;
    }
}

impl Status {
    /// Bits userspace cannot change on update (`IPS_UNCHANGEABLE_MASK`);
    /// `ctnetlink_change_status` refuses to clear or set them.
    pub const UNCHANGEABLE: Status = Status::from_bits_retain(sys::IPS_UNCHANGEABLE_MASK);
}
