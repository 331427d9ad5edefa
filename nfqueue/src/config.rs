//! Queue configuration: copy mode, queue length and flags, and the
//! `NFQNL_MSG_CONFIG` message that carries them.
//!
//! ```text
//! NFQNL_MSG_CONFIG, res_id = queue number
//!   NFQA_CFG_CMD         | command u8 | pad u8 | pf be16 |     (BIND / UNBIND)
//!   NFQA_CFG_PARAMS      | copy_range be32 | copy_mode u8 |   (packed, 5 bytes)
//!   NFQA_CFG_QUEUE_MAXLEN| be32 |
//!   NFQA_CFG_MASK        | be32 |   which flags to change
//!   NFQA_CFG_FLAGS       | be32 |   their new values
//! ```
//!
//! The kernel (`nfqnl_recv_config` in `net/netfilter/nfnetlink_queue.c`)
//! checks the flags first, then handles the command, then PARAMS, MAXLEN and
//! FLAGS, all within one message. A queue that is bound but still in
//! `NFQNL_COPY_NONE` *drops* its packets, even with `--queue-bypass`, so
//! [`QueueConfig`] always binds and sets the copy mode in one message.

use nfnl::{EncodeError, MsgBuilder, NlFlags};
use nfnl_sys as sys;

use crate::error::Error;

bitflags::bitflags! {
    /// Queue flags (`NFQA_CFG_F_*`). Unknown bits are kept and sent as is
    /// (the kernel refuses them with `EOPNOTSUPP`).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
    pub struct QueueFlags: u32 {
        /// `NFQA_CFG_F_FAIL_OPEN`: accept packets instead of dropping them
        /// when the queue is full or the socket's buffer is full. It does not
        /// help when the listener dies (the queue is then destroyed).
        const FAIL_OPEN = sys::NFQA_CFG_F_FAIL_OPEN;
        /// `NFQA_CFG_F_CONNTRACK`: attach conntrack data (`NFQA_CT`,
        /// `NFQA_CT_INFO`). Needs the kernel's netlink conntrack glue.
        const CONNTRACK = sys::NFQA_CFG_F_CONNTRACK;
        /// `NFQA_CFG_F_GSO`: deliver GSO packets whole (larger than the MTU)
        /// instead of segmenting them, and leave offloaded checksums to the
        /// hardware or the stack. **On in [`QueueConfig::new`]**.
        ///
        /// Without it, the kernel cuts every TCP super-packet (up to 64 KiB)
        /// into MTU-sized segments in software before queueing them, and
        /// computes every pending checksum (`skb_checksum_help`): each segment
        /// is then a message and a verdict of its own. A TCP transfer through a
        /// queue runs several times slower and the consumer burns more CPU
        /// (`cargo xtask bench tcp` measures it).
        ///
        /// With it, a packet may arrive with its transport checksum not yet
        /// computed ([`PacketMeta::checksum_not_ready`](crate::PacketMeta::checksum_not_ready),
        /// `NFQA_SKB_CSUMNOTREADY`): treat it as correct; it is filled in when
        /// the packet leaves. Only a payload rewrite must care: see
        /// [`Decision::payload`](crate::Decision::payload). Packets larger than the
        /// copy range arrive truncated ([`PacketMeta::is_truncated`](crate::PacketMeta::is_truncated)),
        /// which a verdict without payload does not mind.
        const GSO = sys::NFQA_CFG_F_GSO;
        /// `NFQA_CFG_F_UID_GID`: attach the owning socket's uid and gid.
        const UID_GID = sys::NFQA_CFG_F_UID_GID;
        /// `NFQA_CFG_F_SECCTX`: attach the security context.
        const SECCTX = sys::NFQA_CFG_F_SECCTX;
    }
}

/// What the kernel copies to user space (`enum nfqnl_config_mode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CopyMode {
    /// `NFQNL_COPY_NONE`: nothing. A bound queue in this mode drops every
    /// packet; only useful to reproduce that.
    None,
    /// `NFQNL_COPY_META`: metadata only, no `NFQA_PAYLOAD`.
    Meta,
    /// `NFQNL_COPY_PACKET`: metadata and the first `range` bytes of the
    /// packet (0 or more than 65531 means 65531, the most one netlink
    /// attribute can carry). Longer packets arrive truncated, with
    /// `NFQA_CAP_LEN`.
    Packet(u32),
    /// A mode this crate does not know (from `/proc`).
    Unknown(u8),
}

impl CopyMode {
    /// The kernel's `NFQNL_COPY_*` number.
    pub fn raw(self) -> u8 {
        match self {
            CopyMode::None => sys::NFQNL_COPY_NONE,
            CopyMode::Meta => sys::NFQNL_COPY_META,
            CopyMode::Packet(_) => sys::NFQNL_COPY_PACKET,
            CopyMode::Unknown(n) => n,
        }
    }

    /// The copy range sent in `NFQA_CFG_PARAMS` (0 unless `Packet`).
    pub fn range(self) -> u32 {
        match self {
            CopyMode::Packet(r) => r,
            _ => 0,
        }
    }

    /// Builds a mode from the kernel's number and range.
    pub fn from_raw(mode: u8, range: u32) -> Self {
        match mode {
            sys::NFQNL_COPY_NONE => CopyMode::None,
            sys::NFQNL_COPY_META => CopyMode::Meta,
            sys::NFQNL_COPY_PACKET => CopyMode::Packet(range),
            n => CopyMode::Unknown(n),
        }
    }
}

/// The largest copy range (`NFQNL_MAX_COPY_RANGE`): a netlink attribute
/// cannot hold more than 65531 bytes of payload.
pub const MAX_COPY_RANGE: u32 = 0xffff - 4;

/// Refuses a queue length of 0 for queue `queue` ([`QueueConfig::check`]).
pub(crate) fn check_max_len(queue: u16, len: u32) -> Result<(), Error> {
    if len == 0 {
        return Err(Error::InvalidConfig {
            queue,
            reason: "queue length 0: the kernel would take it and then drop every packet \
                     (or accept it unseen with FAIL_OPEN)",
        });
    }
    Ok(())
}

/// Everything sent when binding a queue: number, copy mode, queue length and
/// flags, in one `NFQNL_MSG_CONFIG` message.
///
/// # Examples
/// ```
/// use nfnl_queue::{CopyMode, QueueConfig, QueueFlags};
/// let cfg = QueueConfig::new(1)
///     .copy(CopyMode::Packet(128))
///     .max_len(4096)
///     .flags(QueueFlags::FAIL_OPEN | QueueFlags::UID_GID);
/// assert_eq!(cfg.num, 1);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueConfig {
    /// Queue number (0–65535), as in `--queue-num`.
    pub num: u16,
    /// Copy mode; default `Packet(65535)` (whole packets up to 65531 bytes).
    pub copy: CopyMode,
    /// Queue length (`NFQA_CFG_QUEUE_MAXLEN`); `None` keeps the kernel's
    /// default (1024).
    pub max_len: Option<u32>,
    /// Flags to turn on (all others are turned off); default
    /// [`QueueFlags::GSO`].
    pub flags: QueueFlags,
}

impl QueueConfig {
    /// Queue `num`, whole packets, default length, flag
    /// [`QueueFlags::GSO`] (fast TCP: see there why, and what it means
    /// for checksums).
    pub fn new(num: u16) -> Self {
        QueueConfig {
            num,
            copy: CopyMode::Packet(0xffff),
            max_len: None,
            flags: QueueFlags::GSO,
        }
    }

    /// Sets the copy mode.
    pub fn copy(mut self, copy: CopyMode) -> Self {
        self.copy = copy;
        self
    }

    /// Sets the queue length: how many packets the kernel holds waiting for
    /// a verdict; beyond it, it drops them (or, with
    /// [`QueueFlags::FAIL_OPEN`], accepts them unseen). 0 is refused at
    /// bind ([`QueueConfig::check`]).
    pub fn max_len(mut self, len: u32) -> Self {
        self.max_len = Some(len);
        self
    }

    /// Refuses what the kernel would take but cannot use:
    /// a queue length of 0 (every packet would find the queue full) and
    /// [`CopyMode::None`] (a bound queue in `NFQNL_COPY_NONE` drops every
    /// packet). [`Queue::bind`](crate::Queue::bind) calls it before sending.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] naming the setting.
    ///
    /// # Examples
    /// ```
    /// use nfnl_queue::QueueConfig;
    /// let e = QueueConfig::new(3).max_len(0).check().unwrap_err();
    /// assert_eq!(
    ///     e.to_string(),
    ///     "queue 3: queue length 0: the kernel would take it and then drop every packet \
    ///      (or accept it unseen with FAIL_OPEN); nothing was sent"
    /// );
    /// ```
    pub fn check(&self) -> Result<(), Error> {
        check_max_len(self.num, self.max_len.unwrap_or(1))?;
        if self.copy == CopyMode::None {
            return Err(Error::InvalidConfig {
                queue: self.num,
                reason: "copy mode None: a bound queue in NFQNL_COPY_NONE drops every packet",
            });
        }
        Ok(())
    }

    /// Sets the flags, replacing the default: keep [`QueueFlags::GSO`] in
    /// them (`QueueFlags::GSO | QueueFlags::FAIL_OPEN`) unless you want
    /// the kernel to segment TCP super-packets for you.
    pub fn flags(mut self, flags: QueueFlags) -> Self {
        self.flags = flags;
        self
    }
}

/// The parts of one `NFQNL_MSG_CONFIG` message.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ConfigMsg {
    /// `NFQA_CFG_CMD` command (`NFQNL_CFG_CMD_*`), if any.
    pub command: Option<u8>,
    /// `NFQA_CFG_PARAMS`, if any.
    pub params: Option<CopyMode>,
    /// `NFQA_CFG_QUEUE_MAXLEN`, if any.
    pub max_len: Option<u32>,
    /// `NFQA_CFG_FLAGS` and `NFQA_CFG_MASK` (values, mask), if any.
    pub flags: Option<(QueueFlags, QueueFlags)>,
}

impl ConfigMsg {
    /// The single bind message for `cfg`: BIND + PARAMS + MAXLEN + FLAGS/MASK.
    /// The mask covers every known flag plus any extra bit requested, so the
    /// queue starts in exactly the requested state.
    pub fn bind(cfg: &QueueConfig) -> Self {
        ConfigMsg {
            command: Some(sys::NFQNL_CFG_CMD_BIND),
            params: Some(cfg.copy),
            max_len: cfg.max_len,
            flags: (!cfg.flags.is_empty()).then_some((cfg.flags, cfg.flags | QueueFlags::all())),
        }
    }

    /// An UNBIND message.
    pub fn unbind() -> Self {
        ConfigMsg {
            command: Some(sys::NFQNL_CFG_CMD_UNBIND),
            ..Default::default()
        }
    }

    /// Appends the message for queue `queue` with sequence number `seq` and
    /// the given netlink flags (`NLM_F_ACK` to get an answer).
    ///
    /// # Errors
    /// None in practice (every attribute is small); kept for the builder's contract.
    ///
    /// # Examples
    /// ```
    /// use nfnl::{MsgBuilder, NfMsg, NlFlags};
    /// use nfnl_queue::{raw::ConfigMsg, QueueConfig};
    /// let mut b = MsgBuilder::new();
    /// ConfigMsg::bind(&QueueConfig::new(7)).encode(&mut b, 7, 1, NlFlags::ACK)?;
    /// let m = NfMsg::parse(b.finish()?)?;
    /// assert_eq!((m.subsystem(), m.msg_type(), m.res_id()), (3, 2, 7));
    /// assert_eq!(m.attrs().count(), 4); // CMD + PARAMS + MASK + FLAGS (GSO, the default)
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn encode(
        &self,
        b: &mut MsgBuilder,
        queue: u16,
        seq: u32,
        flags: NlFlags,
    ) -> Result<(), EncodeError> {
        b.begin(
            crate::verdict::header(sys::NFQNL_MSG_CONFIG, queue, flags),
            seq,
        );
        if let Some(cmd) = self.command {
            // struct nfqnl_msg_config_cmd: command, pad, pf (be16, unused since 3.8)
            b.put_bytes(sys::NFQA_CFG_CMD, &[cmd, 0, 0, 0])?;
        }
        if let Some(mode) = self.params {
            // struct nfqnl_msg_config_params (packed): copy_range be32, copy_mode u8
            let r = mode.range().to_be_bytes();
            b.put_bytes(sys::NFQA_CFG_PARAMS, &[r[0], r[1], r[2], r[3], mode.raw()])?;
        }
        if let Some(len) = self.max_len {
            b.put_be32(sys::NFQA_CFG_QUEUE_MAXLEN, len);
        }
        if let Some((values, mask)) = self.flags {
            b.put_be32(sys::NFQA_CFG_MASK, mask.bits());
            b.put_be32(sys::NFQA_CFG_FLAGS, values.bits());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bind_message_bytes() {
        let cfg = QueueConfig::new(0x0102)
            .copy(CopyMode::Packet(128))
            .max_len(8)
            .flags(QueueFlags::FAIL_OPEN);
        let mut b = MsgBuilder::new();
        ConfigMsg::bind(&cfg)
            .encode(&mut b, cfg.num, 0x0a0b_0c0d, NlFlags::ACK)
            .unwrap();
        let bytes = b.finish().unwrap().to_vec();
        let mut expect = Vec::new();
        expect.extend_from_slice(&64u32.to_ne_bytes()); // nlmsg_len
        expect.extend_from_slice(&0x0302u16.to_ne_bytes()); // QUEUE << 8 | CONFIG
        expect.extend_from_slice(&0x0005u16.to_ne_bytes()); // REQUEST | ACK
        expect.extend_from_slice(&0x0a0b_0c0du32.to_ne_bytes()); // seq
        expect.extend_from_slice(&0u32.to_ne_bytes()); // pid
        #[rustfmt::skip]
        expect.extend_from_slice(&[
            0, 0, 0x01, 0x02,                               // nfgenmsg: UNSPEC, v0, res_id 0x0102
            8, 0, 1, 0,  1, 0, 0, 0,                        // NFQA_CFG_CMD: BIND
            9, 0, 2, 0,  0, 0, 0, 128, 2, 0, 0, 0,          // NFQA_CFG_PARAMS: range 128, COPY_PACKET, pad
            8, 0, 3, 0,  0, 0, 0, 8,                        // NFQA_CFG_QUEUE_MAXLEN 8
            8, 0, 4, 0,  0, 0, 0, 0x1f,                     // NFQA_CFG_MASK all five flags
            8, 0, 5, 0,  0, 0, 0, 1,                        // NFQA_CFG_FLAGS FAIL_OPEN
        ]);
        // attribute headers are host order: fix the length/type bytes for big-endian hosts
        let mut fixed = expect.clone();
        let mut i = 20;
        while i < fixed.len() {
            let len = u16::from_le_bytes([expect[i], expect[i + 1]]);
            let ty = u16::from_le_bytes([expect[i + 2], expect[i + 3]]);
            fixed[i..i + 2].copy_from_slice(&len.to_ne_bytes());
            fixed[i + 2..i + 4].copy_from_slice(&ty.to_ne_bytes());
            i += (usize::from(len) + 3) & !3;
        }
        assert_eq!(bytes, fixed);
    }

    #[test]
    fn unbind_and_modes() {
        let mut b = MsgBuilder::new();
        ConfigMsg::unbind()
            .encode(&mut b, 3, 1, NlFlags::empty())
            .unwrap();
        assert_eq!(b.finish().unwrap().len(), 28);
        assert_eq!(CopyMode::from_raw(2, 5), CopyMode::Packet(5));
        assert_eq!(CopyMode::from_raw(9, 5), CopyMode::Unknown(9));
        assert_eq!(CopyMode::Meta.raw(), 1);
        assert_eq!(CopyMode::Meta.range(), 0);
        // no flags: no FLAGS/MASK attributes
        let none = QueueConfig::new(1).flags(QueueFlags::empty());
        assert!(ConfigMsg::bind(&none).flags.is_none());
        // fast by default: GSO super-packets whole
        assert_eq!(QueueConfig::new(1).flags, QueueFlags::GSO);
        assert!(ConfigMsg::bind(&QueueConfig::new(1)).flags.is_some());
    }

    #[test]
    fn settings_the_kernel_cannot_use_are_refused_with_a_message() {
        assert!(QueueConfig::new(1).check().is_ok());
        assert!(QueueConfig::new(1).max_len(1).check().is_ok());
        let e = QueueConfig::new(7)
            .copy(CopyMode::None)
            .check()
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "queue 7: copy mode None: a bound queue in NFQNL_COPY_NONE drops every packet; \
             nothing was sent"
        );
        let e = QueueConfig::new(2).max_len(0).check().unwrap_err();
        assert!(matches!(e, Error::InvalidConfig { queue: 2, .. }), "{e:?}");
        // unknown bits survive
        let f = QueueFlags::from_bits_retain(0x40);
        assert_eq!(f.bits(), 0x40);
    }
}
