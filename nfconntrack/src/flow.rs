//! The connection model: [`Flow`] and its parts, decoded from and encoded to
//! the `CTA_*` attributes of `include/uapi/linux/netfilter/nfnetlink_conntrack.h`.

use std::net::IpAddr;

use nfnl::{AttrIter, AttrTable, EncodeError, MsgBuilder, NfMsg, ParseError};
use nfnl_sys as sys;

use crate::counters::{Counters, CtTimestamp};
use crate::error::Error;
use crate::nat::NatRange;
use crate::protoinfo::ProtoInfo;
use crate::settable::Settable;
use crate::status::Status;
use crate::tuple::{Family, Tuple};

/// Connection labels (`CTA_LABELS`): a 128-bit set, bit `n` = label `n`.
///
/// The kernel sends its `unsigned long` array as it is in memory; this type
/// converts to and from that layout, so bit numbers mean the same on every
/// architecture.
///
/// ```
/// use nfnl_conntrack::Labels;
/// let l = Labels::from_bits(1 << 3 | 1 << 100);
/// assert!(l.contains(3) && l.contains(100) && !l.contains(4));
/// assert_eq!(Labels::from_wire(&l.to_wire()), Some(l));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Labels(u128);

const WORD: usize = std::mem::size_of::<usize>();

impl Labels {
    /// Size of `CTA_LABELS` (`NF_CT_LABELS_MAX_SIZE`).
    pub const WIRE_LEN: usize = 16;

    /// Labels from a bit set (bit `n` = label `n`).
    pub const fn from_bits(bits: u128) -> Self {
        Labels(bits)
    }

    /// The bit set.
    pub const fn bits(&self) -> u128 {
        self.0
    }

    /// True if label `n` (0..128) is set.
    pub fn contains(&self, n: u32) -> bool {
        n < 128 && (self.0 >> n) & 1 == 1
    }

    /// The set label numbers, ascending.
    pub fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        (0..128).filter(|&n| self.contains(n))
    }

    /// Decodes the kernel layout (host-order `unsigned long` words); shorter
    /// payloads are zero-extended. `None` if longer than 16 bytes.
    pub fn from_wire(bytes: &[u8]) -> Option<Self> {
        if bytes.len() > Self::WIRE_LEN {
            return None;
        }
        let mut buf = [0u8; Self::WIRE_LEN];
        buf.get_mut(..bytes.len())?.copy_from_slice(bytes);
        let mut bits = 0u128;
        for (w, chunk) in buf.chunks_exact(WORD).enumerate() {
            let mut word = [0u8; WORD];
            word.copy_from_slice(chunk);
            let v = usize::from_ne_bytes(word) as u128;
            bits |= v << (w * WORD * 8);
        }
        Some(Labels(bits))
    }

    /// Encodes in the kernel layout (16 bytes).
    pub fn to_wire(&self) -> [u8; 16] {
        let mut out = [0u8; Self::WIRE_LEN];
        for (w, chunk) in out.chunks_exact_mut(WORD).enumerate() {
            #[allow(clippy::cast_possible_truncation)] // masked to one word
            let v = ((self.0 >> (w * WORD * 8)) & (usize::MAX as u128)) as usize;
            chunk.copy_from_slice(&v.to_ne_bytes());
        }
        out
    }
}

/// TCP sequence adjustment of one direction (`CTA_SEQ_ADJ_ORIG`/`_REPLY`),
/// used by NAT helpers that change payload lengths.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct SeqAdj {
    /// `CTA_SEQADJ_CORRECTION_POS`.
    pub correction_pos: u32,
    /// `CTA_SEQADJ_OFFSET_BEFORE`.
    pub offset_before: u32,
    /// `CTA_SEQADJ_OFFSET_AFTER`.
    pub offset_after: u32,
}

impl SeqAdj {
    const KINDS: [u16; 3] = [
        sys::CTA_SEQADJ_CORRECTION_POS,
        sys::CTA_SEQADJ_OFFSET_BEFORE,
        sys::CTA_SEQADJ_OFFSET_AFTER,
    ];

    fn decode_nested(it: AttrIter<'_>) -> Result<Self, ParseError> {
        let [correction_pos, offset_before, offset_after] = be32_fields(it, Self::KINDS)?;
        Ok(SeqAdj {
            correction_pos,
            offset_before,
            offset_after,
        })
    }

    pub(crate) fn encode_nested(&self, b: &mut MsgBuilder) {
        put_be32_fields(
            b,
            Self::KINDS,
            [self.correction_pos, self.offset_before, self.offset_after],
        );
    }
}

/// SYN proxy state (`CTA_SYNPROXY`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Synproxy {
    /// `CTA_SYNPROXY_ISN`.
    pub isn: u32,
    /// `CTA_SYNPROXY_ITS`.
    pub its: u32,
    /// `CTA_SYNPROXY_TSOFF`.
    pub tsoff: u32,
}

impl Synproxy {
    const KINDS: [u16; 3] = [
        sys::CTA_SYNPROXY_ISN,
        sys::CTA_SYNPROXY_ITS,
        sys::CTA_SYNPROXY_TSOFF,
    ];

    fn decode_nested(it: AttrIter<'_>) -> Result<Self, ParseError> {
        let [isn, its, tsoff] = be32_fields(it, Self::KINDS)?;
        Ok(Synproxy { isn, its, tsoff })
    }

    pub(crate) fn encode_nested(&self, b: &mut MsgBuilder) {
        put_be32_fields(b, Self::KINDS, [self.isn, self.its, self.tsoff]);
    }
}

/// Reads a nest of big-endian `u32`s (`CTA_SEQ_ADJ_*`, `CTA_SYNPROXY`):
/// slot `i` takes the attribute of type `kinds[i]`; absent ones stay 0,
/// unknown ones are skipped.
fn be32_fields<const N: usize>(it: AttrIter<'_>, kinds: [u16; N]) -> Result<[u32; N], ParseError> {
    let mut out = [0; N];
    for a in it {
        let a = a?;
        if let Some(i) = kinds.iter().position(|&k| k == a.kind()) {
            if let Some(slot) = out.get_mut(i) {
                *slot = a.get_be32()?;
            }
        }
    }
    Ok(out)
}

/// Writes `values[i]` as the big-endian `u32` attribute `kinds[i]`.
fn put_be32_fields<const N: usize>(b: &mut MsgBuilder, kinds: [u16; N], values: [u32; N]) {
    for (k, v) in kinds.into_iter().zip(values) {
        b.put_be32(k, v);
    }
}

/// One connection-tracking entry. Every attribute the kernel may leave out
/// is an `Option`; nothing uses zero to mean "absent".
///
/// ```
/// use nfnl_conntrack::{Flow, L4, Status, Tuple};
/// let orig = Tuple::new("127.0.0.1".parse()?, "127.0.0.1".parse()?, L4::tcp(40000, 80))?;
/// let mut f = Flow::new(orig);
/// f.timeout = Some(100);
/// f.status = Some(Status::SEEN_REPLY | Status::ASSURED);
/// f.mark = Some(0);
/// f.use_count = Some(1);
/// assert_eq!(
///     f.to_string(),
///     "tcp      6 100 src=127.0.0.1 dst=127.0.0.1 sport=40000 dport=80 \
///      src=127.0.0.1 dst=127.0.0.1 sport=80 dport=40000 [ASSURED] mark=0 use=1"
/// );
/// // decode(encode(f)) == f
/// let mut b = nfnl::MsgBuilder::new();
/// b.begin(nfnl::NfHeader::new(1, 0).family(2), 1);
/// f.encode_attrs(&mut b)?;
/// let bytes = b.finish()?.to_vec();
/// let back = Flow::decode(&nfnl::NfMsg::parse(&bytes)?)?;
/// assert_eq!(back, f);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Flow {
    /// Original direction (`CTA_TUPLE_ORIG`).
    pub orig: Option<Tuple>,
    /// Reply direction (`CTA_TUPLE_REPLY`).
    pub reply: Option<Tuple>,
    /// Master connection of an expected one (`CTA_TUPLE_MASTER`).
    pub master: Option<Tuple>,
    /// Status bits (`CTA_STATUS`).
    pub status: Option<Status>,
    /// Seconds until expiry (`CTA_TIMEOUT`).
    pub timeout: Option<u32>,
    /// Connection mark (`CTA_MARK`).
    pub mark: Option<u32>,
    /// Zone (`CTA_ZONE`, both directions).
    pub zone: Option<u16>,
    /// Labels (`CTA_LABELS`).
    pub labels: Option<Labels>,
    /// Security mark (`CTA_SECMARK`).
    pub secmark: Option<u32>,
    /// Security context (`CTA_SECCTX` / `CTA_SECCTX_NAME`).
    pub secctx: Option<String>,
    /// Helper name (`CTA_HELP` / `CTA_HELP_NAME`).
    pub helper: Option<String>,
    /// The helper's private data (`CTA_HELP` / `CTA_HELP_INFO`), raw bytes.
    ///
    /// NOTE(kernel): only helpers with `to_nlattr`/`from_nlattr` use it,
    /// that is user-space helpers (`nfnetlink_cthelper`), which report
    /// `data_len` bytes and take that many on create. Built-in helpers
    /// such as `ftp` ignore it and never send it. Sent only together with
    /// [`Flow::helper`].
    pub helper_info: Option<Vec<u8>>,
    /// Source NAT to set up on create (`CTA_NAT_SRC`); see [`NatRange`].
    /// The kernel never reports it back: it shows in the reply tuple
    /// ([`Flow::source_translation`]).
    pub nat_src: Option<NatRange>,
    /// Destination NAT to set up on create (`CTA_NAT_DST`); see
    /// [`Flow::destination_translation`] for the result.
    pub nat_dst: Option<NatRange>,
    /// Reference count (`CTA_USE`).
    pub use_count: Option<u32>,
    /// Entry id (`CTA_ID`).
    pub id: Option<u32>,
    /// Original-direction counters (`CTA_COUNTERS_ORIG`).
    pub counters_orig: Option<Counters>,
    /// Reply-direction counters (`CTA_COUNTERS_REPLY`).
    pub counters_reply: Option<Counters>,
    /// Start/stop timestamps (`CTA_TIMESTAMP`).
    pub timestamp: Option<CtTimestamp>,
    /// Protocol state (`CTA_PROTOINFO`).
    pub proto_info: Option<ProtoInfo>,
    /// Sequence adjustment, original direction (`CTA_SEQ_ADJ_ORIG`).
    pub seq_adj_orig: Option<SeqAdj>,
    /// Sequence adjustment, reply direction (`CTA_SEQ_ADJ_REPLY`).
    pub seq_adj_reply: Option<SeqAdj>,
    /// SYN proxy state (`CTA_SYNPROXY`).
    pub synproxy: Option<Synproxy>,
}

impl Flow {
    /// A flow with an original tuple and the matching reply tuple.
    pub fn new(orig: Tuple) -> Self {
        Flow {
            reply: Some(orig.inverted()),
            orig: Some(orig),
            ..Flow::default()
        }
    }

    /// The address family, from the original (or reply) tuple.
    pub fn family(&self) -> Option<Family> {
        self.orig.or(self.reply).map(|t| t.family())
    }

    /// The zone the entry lives in for filtering: `CTA_ZONE`, else a
    /// directional zone, else 0 (the default zone).
    pub fn effective_zone(&self) -> u16 {
        self.zone
            .or(self.orig.and_then(|t| t.zone))
            .or(self.reply.and_then(|t| t.zone))
            .unwrap_or(0)
    }

    /// The TCP state, for TCP flows that carry one.
    pub fn tcp_state(&self) -> Option<crate::protoinfo::TcpState> {
        match self.proto_info {
            Some(ProtoInfo::Tcp(t)) => t.state,
            _ => None,
        }
    }

    /// Decodes a flow from one ctnetlink message (a dump entry, a get
    /// reply or an event).
    ///
    /// # Errors
    /// A [`ParseError`] naming the malformed or missing attribute.
    pub fn decode(msg: &NfMsg<'_>) -> Result<Self, ParseError> {
        Self::decode_attrs(msg.attrs())
    }

    /// Decodes a flow from a list of `CTA_*` attributes: the body of a
    /// ctnetlink message, or the `NFQA_CT` nest of a queued packet.
    /// Unknown attributes are skipped; a repeated attribute keeps the last
    /// value (like the kernel's `nla_parse`).
    ///
    /// # Errors
    /// A [`ParseError`] naming the malformed or missing attribute.
    pub fn decode_attrs(it: AttrIter<'_>) -> Result<Self, ParseError> {
        let mut f = Flow::default();
        for a in it {
            let a = a?;
            match a.kind() {
                sys::CTA_TUPLE_ORIG => f.orig = Some(Tuple::decode_nested(a.nested())?),
                sys::CTA_TUPLE_REPLY => f.reply = Some(Tuple::decode_nested(a.nested())?),
                sys::CTA_TUPLE_MASTER => f.master = Some(Tuple::decode_nested(a.nested())?),
                sys::CTA_STATUS => f.status = Some(Status::from_bits_retain(a.get_be32()?)),
                sys::CTA_TIMEOUT => f.timeout = Some(a.get_be32()?),
                sys::CTA_MARK => f.mark = Some(a.get_be32()?),
                sys::CTA_ZONE => f.zone = Some(a.get_be16()?),
                sys::CTA_LABELS => {
                    f.labels =
                        Some(Labels::from_wire(a.payload()).ok_or(ParseError::AttrSize {
                            kind: sys::CTA_LABELS,
                            expected: Labels::WIRE_LEN,
                            got: a.payload().len(),
                        })?);
                }
                sys::CTA_SECMARK => f.secmark = Some(a.get_be32()?),
                sys::CTA_SECCTX => {
                    let t =
                        AttrTable::<'_, { sys::CTA_SECCTX_MAX as usize + 1 }>::parse(a.nested())?;
                    f.secctx = Some(
                        t.require(sys::CTA_SECCTX_NAME, "CTA_SECCTX")?
                            .get_str()?
                            .to_owned(),
                    );
                }
                sys::CTA_HELP => {
                    // One walk of the nest for both the name and the private data.
                    let t = AttrTable::<'_, { sys::CTA_HELP_MAX as usize + 1 }>::parse(a.nested())?;
                    f.helper = Some(
                        t.require(sys::CTA_HELP_NAME, "CTA_HELP")?
                            .get_str()?
                            .to_owned(),
                    );
                    f.helper_info = t.get(sys::CTA_HELP_INFO).map(|i| i.payload().to_vec());
                }
                sys::CTA_NAT_SRC => f.nat_src = Some(NatRange::decode_nested(a.nested())?),
                sys::CTA_NAT_DST => f.nat_dst = Some(NatRange::decode_nested(a.nested())?),
                sys::CTA_USE => f.use_count = Some(a.get_be32()?),
                sys::CTA_ID => f.id = Some(a.get_be32()?),
                sys::CTA_COUNTERS_ORIG => {
                    f.counters_orig = Some(Counters::decode_nested(a.nested())?);
                }
                sys::CTA_COUNTERS_REPLY => {
                    f.counters_reply = Some(Counters::decode_nested(a.nested())?);
                }
                sys::CTA_TIMESTAMP => f.timestamp = Some(CtTimestamp::decode_nested(a.nested())?),
                sys::CTA_PROTOINFO => f.proto_info = ProtoInfo::decode_nested(a.nested())?,
                sys::CTA_SEQ_ADJ_ORIG => f.seq_adj_orig = Some(SeqAdj::decode_nested(a.nested())?),
                sys::CTA_SEQ_ADJ_REPLY => {
                    f.seq_adj_reply = Some(SeqAdj::decode_nested(a.nested())?);
                }
                sys::CTA_SYNPROXY => f.synproxy = Some(Synproxy::decode_nested(a.nested())?),
                _ => {}
            }
        }
        Ok(f)
    }

    /// Writes every attribute the flow has, in the kernel's layout (the
    /// inverse of [`Flow::decode_attrs`]). Requests that change the table
    /// use the subsets the kernel accepts instead (see
    /// [`Conntrack::create`](crate::Conntrack::create)).
    ///
    /// # Errors
    /// [`EncodeError`] for a tuple mixing families or a string with a NUL.
    pub fn encode_attrs(&self, b: &mut MsgBuilder) -> Result<(), EncodeError> {
        self.encode_tuples(b)?;
        if let Some(m) = &self.master {
            m.encode(sys::CTA_TUPLE_MASTER, b)?;
        }
        self.encode_settable(b, false)?;
        self.encode_nat(b)?;
        if let Some(v) = self.secmark {
            b.put_be32(sys::CTA_SECMARK, v);
        }
        if let Some(s) = &self.secctx {
            b.nest(sys::CTA_SECCTX, |b| {
                b.put_cstr(sys::CTA_SECCTX_NAME, s)?;
                Ok(())
            })?;
        }
        if let Some(v) = self.use_count {
            b.put_be32(sys::CTA_USE, v);
        }
        if let Some(v) = self.id {
            b.put_be32(sys::CTA_ID, v);
        }
        if let Some(c) = &self.counters_orig {
            b.nest(sys::CTA_COUNTERS_ORIG, |b| c.encode_nested(b))?;
        }
        if let Some(c) = &self.counters_reply {
            b.nest(sys::CTA_COUNTERS_REPLY, |b| c.encode_nested(b))?;
        }
        if let Some(t) = &self.timestamp {
            b.nest(sys::CTA_TIMESTAMP, |b| t.encode_nested(b))?;
        }
        Ok(())
    }

    /// Writes the body of a create request: tuples, the settable
    /// attributes (status with `IPS_CONFIRMED`) and the NAT ranges.
    pub(crate) fn encode_create(&self, b: &mut MsgBuilder) -> Result<(), EncodeError> {
        self.encode_tuples(b)?;
        self.encode_settable(b, true)?;
        self.encode_nat(b)
    }

    /// Writes the original and reply tuples (if present).
    pub(crate) fn encode_tuples(&self, b: &mut MsgBuilder) -> Result<(), EncodeError> {
        if let Some(t) = &self.orig {
            t.encode(sys::CTA_TUPLE_ORIG, b)?;
        }
        if let Some(t) = &self.reply {
            t.encode(sys::CTA_TUPLE_REPLY, b)?;
        }
        Ok(())
    }

    /// Writes the attributes `ctnetlink_create_conntrack` and
    /// `ctnetlink_change_conntrack` accept (besides tuples): status,
    /// timeout, mark, zone, labels, helper, protocol state, sequence
    /// adjustment, synproxy. With `request`, the status carries
    /// `IPS_CONFIRMED`.
    ///
    /// NOTE(kernel): `ctnetlink_create_conntrack` marks the new entry
    /// confirmed before applying `CTA_STATUS`, and `ctnetlink_change_status`
    /// refuses (`EBUSY`) any status that would clear `IPS_CONFIRMED`; so a
    /// status sent without that bit always fails.
    pub(crate) fn encode_settable(
        &self,
        b: &mut MsgBuilder,
        request: bool,
    ) -> Result<(), EncodeError> {
        Settable {
            status: self
                .status
                .map(|s| if request { s | Status::CONFIRMED } else { s }),
            timeout: self.timeout,
            mark: self.mark.map(|m| (m, None)),
            zone: self.zone,
            labels: self.labels.as_ref().map(|l| (l, None)),
            helper: self
                .helper
                .as_deref()
                .map(|h| (h, self.helper_info.as_deref())),
            proto_info: self.proto_info.as_ref(),
            seq_adj_orig: self.seq_adj_orig.as_ref(),
            seq_adj_reply: self.seq_adj_reply.as_ref(),
            synproxy: self.synproxy.as_ref(),
        }
        .encode(b)
    }

    /// Writes `CTA_NAT_SRC` / `CTA_NAT_DST` (create only: an update with
    /// them is refused by the kernel).
    pub(crate) fn encode_nat(&self, b: &mut MsgBuilder) -> Result<(), EncodeError> {
        if let Some(r) = &self.nat_src {
            b.nest(sys::CTA_NAT_SRC, |b| r.encode_nested(b))?;
        }
        if let Some(r) = &self.nat_dst {
            b.nest(sys::CTA_NAT_DST, |b| r.encode_nested(b))?;
        }
        Ok(())
    }

    /// What source NAT did to this flow, read from the tuples (the kernel
    /// reports NAT only this way): the address — and port, for port-based
    /// protocols — the original source is rewritten to, i.e. the reply
    /// tuple's destination. `None` if both tuples are not known or the
    /// source is unchanged.
    ///
    /// ```
    /// use nfnl_conntrack::{Flow, L4, Tuple};
    /// let orig = Tuple::new("10.0.0.1".parse()?, "10.0.0.2".parse()?, L4::udp(5000, 53))?;
    /// let mut f = Flow::new(orig);
    /// assert_eq!(f.source_translation(), None);
    /// f.reply = Some(Tuple::new("10.0.0.2".parse()?, "192.0.2.9".parse()?, L4::udp(53, 6000))?);
    /// assert_eq!(f.source_translation(), Some(("192.0.2.9".parse()?, Some(6000))));
    /// assert_eq!(f.destination_translation(), None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn source_translation(&self) -> Option<(IpAddr, Option<u16>)> {
        let (o, r) = (self.orig?, self.reply?);
        let (from, to) = (endpoints(&o).0, endpoints(&r).1);
        (from != to).then_some(to)
    }

    /// What destination NAT did to this flow: the address (and port) the
    /// original destination is rewritten to, i.e. the reply tuple's
    /// source. `None` if both tuples are not known or it is unchanged.
    pub fn destination_translation(&self) -> Option<(IpAddr, Option<u16>)> {
        let (o, r) = (self.orig?, self.reply?);
        let (from, to) = (endpoints(&o).1, endpoints(&r).0);
        (from != to).then_some(to)
    }

    /// Checks that the tuples agree on the family.
    ///
    /// # Errors
    /// [`Error::MixedFamilies`].
    pub fn check_families(&self) -> Result<Family, Error> {
        let mut fam = None;
        for t in [self.orig, self.reply, self.master].into_iter().flatten() {
            if !t.is_consistent() {
                return Err(Error::MixedFamilies {
                    what: "a tuple of the flow (its source and destination)",
                });
            }
            match fam {
                None => fam = Some(t.family()),
                Some(f) if f != t.family() => {
                    return Err(Error::MixedFamilies {
                        what: "a flow (its original, reply and master tuples)",
                    })
                }
                Some(_) => {}
            }
        }
        let fam = fam.ok_or(Error::NoTuple)?;
        for r in [self.nat_src, self.nat_dst].into_iter().flatten() {
            if !r.fits(fam) || (r.min_addr.is_some() && r.family().is_none()) {
                return Err(Error::MixedFamilies {
                    what: "a flow (a NAT range of the other family than its tuples)",
                });
            }
        }
        Ok(fam)
    }
}

/// The source and destination of a tuple as (address, port), the port only
/// for port-based protocols.
fn endpoints(t: &Tuple) -> ((IpAddr, Option<u16>), (IpAddr, Option<u16>)) {
    let ports = t.proto.ports();
    ((t.src, ports.map(|p| p.0)), (t.dst, ports.map(|p| p.1)))
}
