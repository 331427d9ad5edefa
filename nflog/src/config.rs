//! Log group configuration: what one `NFULNL_MSG_CONFIG` request carries.
//!
//! ```text
//! NFULNL_MSG_CONFIG, nfgen_family = AF_UNSPEC (PF commands: the family), res_id = group
//!   NFULA_CFG_CMD      | command u8 |                         BIND, UNBIND, PF_BIND, PF_UNBIND
//!   NFULA_CFG_MODE     | copy_range be32 | copy_mode u8 | pad |  (6 bytes, packed)
//!   NFULA_CFG_NLBUFSIZ | be32 |   bytes the kernel gathers before it sends a batch
//!   NFULA_CFG_TIMEOUT  | be32 |   1/100 s a batch may wait
//!   NFULA_CFG_QTHRESH  | be32 |   messages per batch at most
//!   NFULA_CFG_FLAGS    | be16 |   NFULNL_CFG_F_SEQ, _SEQ_GLOBAL, _CONNTRACK
//! ```
//!
//! The kernel (`nfulnl_recv_config` in `net/netfilter/nfnetlink_log.c`)
//! checks the flags first, then runs the command, then applies every other
//! attribute of the same message, so a bind with all its settings is one
//! request and one acknowledgement: either the group is bound as asked or
//! nothing changed. It ignores a buffer size outside its bounds without an
//! error, so [`GroupConfig::validate`] refuses those before sending.

use std::time::Duration;

use nfnl::{EncodeError, MsgBuilder, NfHeader, NlFlags, ProtoFamily};
use nfnl_sys as sys;

/// Largest copy range (`NFULNL_COPY_RANGE_MAX`: `0xffff - NLA_HDRLEN`), the
/// most of a packet one attribute can carry.
pub const MAX_COPY_RANGE: u16 = 0xffff - 4;

/// Largest `nlbufsiz` the kernel takes (`nfulnl_set_nlbufsiz`); larger
/// values are ignored by the kernel, refused here.
pub const MAX_NLBUFSIZ: u32 = 131_072;

/// Smallest `nlbufsiz` this crate sends. The kernel ignores values below
/// its `NLMSG_GOODSIZE` (a page less the skb overhead: 3776 bytes with 4 KiB
/// pages); 4096 is above it on such systems.
pub const MIN_NLBUFSIZ: u32 = 4096;

/// How much of each packet the kernel copies (`NFULNL_COPY_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CopyMode {
    /// `NFULNL_COPY_NONE`: no packet data is copied. Despite the name the
    /// group still logs every packet: the kernel sends the same
    /// metadata-only messages as for [`CopyMode::Meta`] (`nfulnl_log_packet`
    /// copies no data for either mode), without `NFULA_PAYLOAD`.
    None,
    /// `NFULNL_COPY_META`: metadata only, no `NFULA_PAYLOAD`.
    Meta,
    /// `NFULNL_COPY_PACKET`: metadata and the first `range` bytes of the
    /// packet (0, or anything above [`MAX_COPY_RANGE`], means all of it up
    /// to [`MAX_COPY_RANGE`]). A rule's own size (`--nflog-size`, nft
    /// `snaplen`) can cut it further.
    Packet {
        /// Bytes to copy.
        range: u16,
    },
}

impl CopyMode {
    /// The whole packet (up to [`MAX_COPY_RANGE`] bytes).
    pub const FULL: CopyMode = CopyMode::Packet { range: 0 };

    /// The `NFULNL_COPY_*` mode byte and the copy range sent for it.
    pub fn to_raw(self) -> (u8, u32) {
        match self {
            CopyMode::None => (sys::NFULNL_COPY_NONE, 0),
            CopyMode::Meta => (sys::NFULNL_COPY_META, 0),
            CopyMode::Packet { range } => (sys::NFULNL_COPY_PACKET, u32::from(range)),
        }
    }

    /// The mode the kernel reports (`/proc/net/netfilter/nfnetlink_log`);
    /// `None` for another value (`0xff`: the group is being destroyed).
    pub fn from_raw(mode: u8, range: u32) -> Option<Self> {
        Some(match mode {
            sys::NFULNL_COPY_NONE => CopyMode::None,
            sys::NFULNL_COPY_META => CopyMode::Meta,
            sys::NFULNL_COPY_PACKET => CopyMode::Packet {
                range: u16::try_from(range).unwrap_or(MAX_COPY_RANGE),
            },
            _ => return None,
        })
    }
}

bitflags::bitflags! {
    /// Per-group flags (`NFULA_CFG_FLAGS`, `NFULNL_CFG_F_*`).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
    pub struct LogFlags: u16 {
        /// `NFULNL_CFG_F_SEQ`: number the group's messages (`NFULA_SEQ`,
        /// from 0, one per message).
        const SEQ = sys::NFULNL_CFG_F_SEQ;
        /// `NFULNL_CFG_F_SEQ_GLOBAL`: number messages across all groups of
        /// the network namespace (`NFULA_SEQ_GLOBAL`).
        const SEQ_GLOBAL = sys::NFULNL_CFG_F_SEQ_GLOBAL;
        /// `NFULNL_CFG_F_CONNTRACK`: attach the packet's conntrack entry
        /// (`NFULA_CT`, `NFULA_CT_INFO`). Needs the kernel's netlink
        /// conntrack glue (`nf_conntrack_netlink`); refused otherwise.
        const CONNTRACK = sys::NFULNL_CFG_F_CONNTRACK;
    }
}

/// The configuration of one log group, sent whole by
/// [`Log::bind`](crate::Log::bind) (or [`Log::configure`](crate::Log::configure)
/// for a bound group). Unset values keep the kernel's defaults (copy the
/// whole packet, a one-page buffer, 1 s timeout, 100 messages per batch).
///
/// # Examples
/// ```
/// use std::time::Duration;
/// use nfnl_log::{CopyMode, GroupConfig, LogFlags};
/// let cfg = GroupConfig::new(5)
///     .copy(CopyMode::Packet { range: 128 })
///     .buffer_size(64 * 1024)
///     .flush_timeout(Duration::from_millis(50))
///     .threshold(32)
///     .flags(LogFlags::SEQ);
/// assert_eq!(cfg.group, 5);
/// assert!(cfg.validate().is_ok());
/// assert!(GroupConfig::new(5).buffer_size(1 << 20).validate().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GroupConfig {
    /// The group (`res_id`; iptables `--nflog-group`, nft `log group`).
    pub group: u16,
    /// Copy mode and range (`NFULA_CFG_MODE`).
    pub copy: Option<CopyMode>,
    /// Bytes the kernel gathers into one batch datagram (`NFULA_CFG_NLBUFSIZ`).
    pub buffer_size: Option<u32>,
    /// How long a batch may wait before it is sent (`NFULA_CFG_TIMEOUT`, in
    /// 1/100 s).
    pub flush_timeout: Option<Duration>,
    /// Messages per batch at most (`NFULA_CFG_QTHRESH`; a rule's own
    /// threshold, `--nflog-threshold`, wins when lower).
    pub threshold: Option<u32>,
    /// Flags (`NFULA_CFG_FLAGS`); `None` leaves them as they are (none for a
    /// new group).
    pub flags: Option<LogFlags>,
}

impl GroupConfig {
    /// A group with the kernel's defaults.
    pub fn new(group: u16) -> Self {
        GroupConfig {
            group,
            copy: None,
            buffer_size: None,
            flush_timeout: None,
            threshold: None,
            flags: None,
        }
    }

    /// Sets the copy mode.
    #[must_use]
    pub fn copy(mut self, mode: CopyMode) -> Self {
        self.copy = Some(mode);
        self
    }

    /// Sets the batch buffer size ([`MIN_NLBUFSIZ`]..=[`MAX_NLBUFSIZ`]).
    #[must_use]
    pub fn buffer_size(mut self, bytes: u32) -> Self {
        self.buffer_size = Some(bytes);
        self
    }

    /// Sets the flush timeout (sent in 1/100 s, rounded up).
    #[must_use]
    pub fn flush_timeout(mut self, t: Duration) -> Self {
        self.flush_timeout = Some(t);
        self
    }

    /// Sets the queue threshold (messages per batch).
    #[must_use]
    pub fn threshold(mut self, n: u32) -> Self {
        self.threshold = Some(n);
        self
    }

    /// Sets the flags.
    #[must_use]
    pub fn flags(mut self, f: LogFlags) -> Self {
        self.flags = Some(f);
        self
    }

    /// Checks what the kernel would ignore without saying so.
    ///
    /// # Errors
    /// A static reason: a buffer size outside
    /// [`MIN_NLBUFSIZ`]..=[`MAX_NLBUFSIZ`], or a threshold of 0 (the
    /// kernel would then send every message at once anyway, and 0 reads as
    /// a mistake).
    pub fn validate(&self) -> Result<(), &'static str> {
        if let Some(b) = self.buffer_size {
            if !(MIN_NLBUFSIZ..=MAX_NLBUFSIZ).contains(&b) {
                return Err("buffer size outside 4096..=131072 bytes (the kernel ignores it)");
            }
        }
        if self.threshold == Some(0) {
            return Err("a threshold of 0 messages");
        }
        Ok(())
    }

    /// The flush timeout in the kernel's unit (1/100 s), rounded up and
    /// saturated.
    pub fn timeout_hundredths(&self) -> Option<u32> {
        self.flush_timeout.map(|t| {
            let h = t.as_millis().div_ceil(10);
            u32::try_from(h).unwrap_or(u32::MAX)
        })
    }

    /// Appends the configuration request for this group (`command`, then
    /// every set value) to `b`, with `NLM_F_ACK`.
    ///
    /// # Errors
    /// Builder errors (none for these fixed-size attributes in practice).
    pub fn encode(
        &self,
        b: &mut MsgBuilder,
        command: Option<Command>,
        seq: u32,
    ) -> Result<(), EncodeError> {
        b.begin(header(self.group, ProtoFamily::Unspec), seq);
        if let Some(c) = command {
            b.put_u8(sys::NFULA_CFG_CMD, c.to_raw());
        }
        if let Some(mode) = self.copy {
            let (m, range) = mode.to_raw();
            let [r0, r1, r2, r3] = range.to_be_bytes();
            b.put_bytes(sys::NFULA_CFG_MODE, &[r0, r1, r2, r3, m, 0])?;
        }
        if let Some(n) = self.buffer_size {
            b.put_be32(sys::NFULA_CFG_NLBUFSIZ, n);
        }
        if let Some(t) = self.timeout_hundredths() {
            b.put_be32(sys::NFULA_CFG_TIMEOUT, t);
        }
        if let Some(n) = self.threshold {
            b.put_be32(sys::NFULA_CFG_QTHRESH, n);
        }
        if let Some(f) = self.flags {
            b.put_be16(sys::NFULA_CFG_FLAGS, f.bits());
        }
        Ok(())
    }
}

/// A configuration command (`NFULA_CFG_CMD`, `enum nfulnl_msg_config_cmds`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Command {
    /// `NFULNL_CFG_CMD_BIND`: bind the group to this socket.
    Bind,
    /// `NFULNL_CFG_CMD_UNBIND`: release the group.
    Unbind,
    /// `NFULNL_CFG_CMD_PF_BIND`: make nfnetlink_log the logger of the
    /// request's family (kernels before 3.8 needed it before any bind).
    PfBind,
    /// `NFULNL_CFG_CMD_PF_UNBIND`: stop it being that logger.
    PfUnbind,
}

impl Command {
    /// The `NFULNL_CFG_CMD_*` byte.
    pub fn to_raw(self) -> u8 {
        match self {
            Command::Bind => sys::NFULNL_CFG_CMD_BIND,
            Command::Unbind => sys::NFULNL_CFG_CMD_UNBIND,
            Command::PfBind => sys::NFULNL_CFG_CMD_PF_BIND,
            Command::PfUnbind => sys::NFULNL_CFG_CMD_PF_UNBIND,
        }
    }
}

/// The header of every request this crate sends: subsystem ULOG, message
/// `NFULNL_MSG_CONFIG`, `res_id` = group, with `NLM_F_ACK`.
pub(crate) fn header(group: u16, family: ProtoFamily) -> NfHeader {
    NfHeader::new(sys::NFNL_SUBSYS_ULOG, sys::NFULNL_MSG_CONFIG)
        .flags(NlFlags::ACK)
        .family(family)
        .res_id(group)
}

/// Appends a PF_BIND / PF_UNBIND request for `family` to `b`.
pub(crate) fn encode_pf(b: &mut MsgBuilder, command: Command, family: ProtoFamily, seq: u32) {
    b.begin(header(0, family), seq);
    b.put_u8(sys::NFULA_CFG_CMD, command.to_raw());
}

#[cfg(test)]
mod tests {
    use super::*;
    use nfnl::{AttrTable, NfMsg};

    #[test]
    fn bind_request_carries_every_setting_in_one_message() {
        let cfg = GroupConfig::new(0x0102)
            .copy(CopyMode::Packet { range: 0x0300 })
            .buffer_size(65536)
            .flush_timeout(Duration::from_millis(15))
            .threshold(7)
            .flags(LogFlags::SEQ | LogFlags::CONNTRACK);
        let mut b = MsgBuilder::new();
        cfg.encode(&mut b, Some(Command::Bind), 99).unwrap();
        let bytes = b.finish().unwrap().to_vec();
        assert_eq!(b.message_count(), 1);
        let m = NfMsg::parse(&bytes).unwrap();
        assert_eq!(
            (m.subsystem(), m.msg_type(), m.family(), m.res_id(), m.seq()),
            (4, 1, ProtoFamily::Unspec, 0x0102, 99)
        );
        assert!(m.flags().contains(NlFlags::ACK | NlFlags::REQUEST));
        let t = AttrTable::<'_, 8>::parse(m.attrs()).unwrap();
        assert_eq!(t.get(1).unwrap().payload(), &[1]); // BIND
        assert_eq!(t.get(2).unwrap().payload(), &[0, 0, 3, 0, 2, 0]); // range 0x300, COPY_PACKET
        assert_eq!(t.get(3).unwrap().get_be32(), Ok(65536));
        assert_eq!(t.get(4).unwrap().get_be32(), Ok(2)); // 15 ms -> 2/100 s
        assert_eq!(t.get(5).unwrap().get_be32(), Ok(7));
        assert_eq!(t.get(6).unwrap().get_be16(), Ok(0x0005));
        // nothing set: the command alone
        let mut b = MsgBuilder::new();
        GroupConfig::new(3)
            .encode(&mut b, Some(Command::Unbind), 1)
            .unwrap();
        let bytes = b.finish().unwrap().to_vec();
        let m = NfMsg::parse(&bytes).unwrap();
        assert_eq!(m.attrs().count(), 1);
        let mut b = MsgBuilder::new();
        encode_pf(&mut b, Command::PfBind, ProtoFamily::Ipv6, 2);
        let bytes = b.finish().unwrap().to_vec();
        let m = NfMsg::parse(&bytes).unwrap();
        assert_eq!((m.family(), m.res_id()), (ProtoFamily::Ipv6, 0));
        assert_eq!(m.attrs().next().unwrap().unwrap().payload(), &[3]);
    }

    #[test]
    fn modes_and_limits() {
        assert_eq!(CopyMode::Meta.to_raw(), (1, 0));
        assert_eq!(CopyMode::None.to_raw(), (0, 0));
        assert_eq!(
            CopyMode::from_raw(2, 65531),
            Some(CopyMode::Packet { range: 65531 })
        );
        assert_eq!(CopyMode::from_raw(0xff, 0), None);
        assert!(GroupConfig::new(1)
            .buffer_size(MAX_NLBUFSIZ)
            .validate()
            .is_ok());
        assert!(GroupConfig::new(1)
            .buffer_size(MAX_NLBUFSIZ + 1)
            .validate()
            .is_err());
        assert!(GroupConfig::new(1).buffer_size(100).validate().is_err());
        assert!(GroupConfig::new(1).threshold(0).validate().is_err());
        let huge = GroupConfig::new(1).flush_timeout(Duration::from_secs(u64::MAX));
        assert_eq!(huge.timeout_hundredths(), Some(u32::MAX));
        assert_eq!(
            GroupConfig::new(1)
                .flush_timeout(Duration::ZERO)
                .timeout_hundredths(),
            Some(0)
        );
    }
}
