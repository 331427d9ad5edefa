//! Kernel-side event filtering: an [`EventFilter`] compiled to a classic BPF
//! program and attached to an [`EventListener`]'s socket
//! (`SO_ATTACH_FILTER`), so the kernel drops unwanted events before they
//! are queued and the listener only wakes for the events it wants.
//!
//! The program runs on each event message as the kernel broadcasts it (one
//! event per message, `nlmsghdr` at offset 0) and finds attributes with the
//! kernel's netlink helpers (`SKF_AD_NLATTR`, `SKF_AD_NLATTR_NEST`).
//!
//! The rules (what AND, OR and negation combine, what each criterion
//! compares) are documented on the public type, [`EventFilter`].

use std::net::IpAddr;

use nfnl::IpProto;
use nfnl_sys as sys;
use nix::libc;

use crate::error::{Error, Result};
use crate::event::{Event, EventListener, Groups};
use crate::filter::Filter;
use crate::flow::Flow;
use crate::tuple::Tuple;

/// One criterion of an [`EventFilter`]: the values a field is compared
/// with, and whether the criterion is negated. See
/// [the rules](EventFilter#rules).
///
/// A mark value is a `(value, mask)` pair that matches a mark with
/// `mark & mask == value & mask`; the bits of `value` outside `mask` are
/// ignored, by [`EventFilter::compile`] and [`EventFilter::matches`] alike.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventMatch<T> {
    /// Matches if the field equals one of these.
    pub values: Vec<T>,
    /// Inverts the criterion: it holds when no value matches.
    pub negate: bool,
}

impl<T> EventMatch<T> {
    /// Holds when the field matches one of `values`.
    pub fn any_of(values: impl IntoIterator<Item = T>) -> Self {
        EventMatch {
            values: values.into_iter().collect(),
            negate: false,
        }
    }

    /// Holds when the field matches none of `values`.
    pub fn none_of(values: impl IntoIterator<Item = T>) -> Self {
        EventMatch {
            values: values.into_iter().collect(),
            negate: true,
        }
    }

    fn holds(&self, mut hit: impl FnMut(&T) -> bool) -> bool {
        self.values.iter().any(&mut hit) != self.negate
    }
}

/// What events a listener receives: a filter the kernel runs on each
/// conntrack event before queueing it to the socket, so that the listener
/// only wakes for the events it wants. Attach it with
/// [`EventListener::attach_filter`] (`SO_ATTACH_FILTER`; [`compile`] turns
/// it into the classic BPF program the kernel runs, which finds attributes
/// with `SKF_AD_NLATTR` and `SKF_AD_NLATTR_NEST`); [`matches`] evaluates
/// the same rules in user space.
///
/// # Rules
/// - **Kind**: an event passes only if its kind is in [`kinds`]
///   ([`Groups::NEW`], [`Groups::UPDATE`], [`Groups::DESTROY`]).
/// - **AND across criteria**: every criterion that is set (`Some`) must
///   hold. An unset one (`None`) holds for every event.
/// - **OR within a criterion**: [`EventMatch::any_of`] holds when the field
///   equals one of its values (with no value it holds for no event).
/// - **Negation**: [`EventMatch::none_of`] holds when the field equals none
///   of its values (with no value it holds for every event).
/// - **Direction**: addresses, ports and protocol are those of the
///   **original** tuple (`CTA_TUPLE_ORIG`): `src` is the initiator. The
///   zone is the flow's `CTA_ZONE`, not a directional tuple zone.
/// - **Missing attributes**: a field the event lacks equals no value (so
///   `any_of` fails and `none_of` holds): an IPv4 address criterion never
///   matches an IPv6 event, a port criterion never matches an ICMP event.
///   Except the mark and the zone, which the kernel leaves out when they
///   are 0 and which are then compared as 0.
/// - **Other messages** (expectation events) pass unfiltered.
///
/// # Criteria
/// | field | holds for a value when | kernel attribute |
/// |---|---|---|
/// | [`proto`] | the IP protocol is the value | `CTA_PROTO_NUM` |
/// | [`src`], [`dst`] | `(address, prefix length)`: the address lies in that network (same family) | `CTA_IP_V4_SRC`/`_DST`, `CTA_IP_V6_SRC`/`_DST` |
/// | [`src_port`], [`dst_port`] | the port is the value (TCP, UDP, UDP-Lite, SCTP, DCCP) | `CTA_PROTO_SRC_PORT`/`_DST_PORT` |
/// | [`mark`] | `(value, mask)`: `mark & mask == value & mask` | `CTA_MARK` (0 when absent) |
/// | [`zone`] | the zone is the value | `CTA_ZONE` (0 when absent) |
///
/// Bits of a mark value outside its mask are ignored, as [`Filter::mark`]
/// ignores them, so `(0x101, 0xff00)` selects the same flows as
/// `(0x100, 0xff00)`. (The kernel's dump filter, `ctnetlink_filter_match`,
/// compares `mark & mask` with the value as sent, which then matches
/// nothing; [`Filter::mark`] sends `value & mask`.)
///
/// [`kinds`]: EventFilter::kinds
/// [`proto`]: EventFilter::proto
/// [`src`]: EventFilter::src
/// [`dst`]: EventFilter::dst
/// [`src_port`]: EventFilter::src_port
/// [`dst_port`]: EventFilter::dst_port
/// [`mark`]: EventFilter::mark
/// [`zone`]: EventFilter::zone
/// [`compile`]: EventFilter::compile
/// [`matches`]: EventFilter::matches
/// [`EventMatch::any_of`]: crate::EventMatch::any_of
/// [`EventMatch::none_of`]: crate::EventMatch::none_of
///
/// # Examples
/// New and destroyed TCP flows to ports 80 or 443 from outside 10.0.0.0/8
/// and 2001:db8::/32 whose mark has 0x01 in its second byte:
/// ```
/// use nfnl_conntrack::{EventFilter, EventMatch, Groups, IpProto};
/// let f = EventFilter {
///     kinds: Groups::NEW | Groups::DESTROY,
///     proto: Some(EventMatch::any_of([IpProto::TCP])),
///     src: Some(EventMatch::none_of([("10.0.0.0".parse()?, 8), ("2001:db8::".parse()?, 32)])),
///     dst_port: Some(EventMatch::any_of([80, 443])),
///     mark: Some(EventMatch::any_of([(0x100, 0xff00)])),
///     ..EventFilter::default()
/// };
/// assert!(f.compile()?.len() < 200);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventFilter {
    /// The event kinds that pass: [`Groups::NEW`], [`Groups::UPDATE`],
    /// [`Groups::DESTROY`] (other bits are ignored).
    pub kinds: Groups,
    /// IP protocol (`CTA_PROTO_NUM`).
    pub proto: Option<EventMatch<IpProto>>,
    /// Source address and prefix length (`CTA_IP_V4_SRC`/`CTA_IP_V6_SRC`).
    pub src: Option<EventMatch<(IpAddr, u8)>>,
    /// Destination address and prefix length.
    pub dst: Option<EventMatch<(IpAddr, u8)>>,
    /// Source port (`CTA_PROTO_SRC_PORT`).
    pub src_port: Option<EventMatch<u16>>,
    /// Destination port (`CTA_PROTO_DST_PORT`).
    pub dst_port: Option<EventMatch<u16>>,
    /// `(value, mask)`: `mark & mask == value & mask` (`CTA_MARK`, 0 when
    /// absent). Bits of `value` outside `mask` are ignored, as
    /// [`Filter::mark`] ignores them.
    pub mark: Option<EventMatch<(u32, u32)>>,
    /// Zone (`CTA_ZONE`, 0 when absent).
    pub zone: Option<EventMatch<u16>>,
}

impl Default for EventFilter {
    /// Every flow event passes.
    fn default() -> Self {
        EventFilter {
            kinds: Groups::FLOWS,
            proto: None,
            src: None,
            dst: None,
            src_port: None,
            dst_port: None,
            mark: None,
            zone: None,
        }
    }
}

fn addr_bits(a: &IpAddr) -> (u128, u32) {
    match a {
        IpAddr::V4(a) => (u128::from(u32::from(*a)), 32),
        IpAddr::V6(a) => (u128::from(*a), 128),
    }
}

/// The prefix length of a contiguous netmask (`255.255.0.0` -> 16).
fn prefix_len(mask: &IpAddr) -> Option<u8> {
    let (bits, width) = addr_bits(mask);
    let top = bits << (128 - width);
    let ones = top.leading_ones();
    let contiguous = top.checked_shl(ones).unwrap_or(0) == 0;
    contiguous.then(|| u8::try_from(ones).ok()).flatten()
}

/// True if `mark` has `value` in the bits of `mask` (bits of `value`
/// outside `mask` do not count).
fn mark_hit(mark: u32, (value, mask): (u32, u32)) -> bool {
    mark & mask == value & mask
}

/// True if `have` lies in `net/len` (same family).
fn in_net(have: &IpAddr, (net, len): &(IpAddr, u8)) -> bool {
    let ((h, hw), (n, nw)) = (addr_bits(have), addr_bits(net));
    let len = u32::from(*len);
    if hw != nw || len > nw {
        return false;
    }
    let keep = u128::MAX.checked_shl(nw - len).unwrap_or(0) & (u128::MAX >> (128 - nw));
    h & keep == n & keep
}

impl EventFilter {
    /// True if the kernel program lets `ev` through (the same rules,
    /// evaluated in user space).
    pub fn matches(&self, ev: &Event) -> bool {
        let (kind, flow) = match ev {
            Event::New(f) => (Groups::NEW, f),
            Event::Update(f) => (Groups::UPDATE, f),
            Event::Destroy(f) => (Groups::DESTROY, f),
            _ => return true,
        };
        self.kinds.contains(kind) && self.flow_matches(flow)
    }

    fn flow_matches(&self, f: &Flow) -> bool {
        fn ok<T>(m: &Option<EventMatch<T>>, hit: impl FnMut(&T) -> bool) -> bool {
            m.as_ref().is_none_or(|m| m.holds(hit))
        }
        let o: Option<&Tuple> = f.orig.as_ref();
        let ports = o.and_then(|t| t.proto.ports());
        ok(&self.proto, |p| o.is_some_and(|t| t.proto.proto() == *p))
            && ok(&self.src, |n| o.is_some_and(|t| in_net(&t.src, n)))
            && ok(&self.dst, |n| o.is_some_and(|t| in_net(&t.dst, n)))
            && ok(&self.src_port, |p| ports.is_some_and(|(s, _)| s == *p))
            && ok(&self.dst_port, |p| ports.is_some_and(|(_, d)| d == *p))
            && ok(&self.mark, |&vm| mark_hit(f.mark.unwrap_or(0), vm))
            && ok(&self.zone, |z| f.zone.unwrap_or(0) == *z)
    }

    /// The part of a dump [`Filter`] the kernel can check on events, for a
    /// listener of `kinds`: protocol, original addresses (with a prefix
    /// mask), original ports and mark. It lets through at least every event
    /// whose flow `filter` matches, so check [`Filter::matches`] on what
    /// arrives; the zone is left out (a [`Filter`] zone also matches
    /// directional zones, which events carry in the tuples). An address
    /// whose mask is not a contiguous netmask of the address's own family
    /// (an IPv6 mask on an IPv4 address, say) gives no address criterion:
    /// there is no prefix of the address to compare.
    ///
    /// ```
    /// use nfnl_conntrack::{EventFilter, Filter, Groups, IpProto, TupleFilter};
    /// let f = Filter::new().orig(TupleFilter { proto: Some(IpProto::TCP), dst_port: Some(80), ..TupleFilter::default() });
    /// let ev = EventFilter::superset_of(&f, Groups::NEW);
    /// assert_eq!(ev.dst_port.unwrap().values, vec![80]);
    /// ```
    pub fn superset_of(filter: &Filter, kinds: Groups) -> EventFilter {
        fn one<T>(v: T) -> Option<EventMatch<T>> {
            Some(EventMatch::any_of([v]))
        }
        let net = |a: Option<IpAddr>, m: Option<IpAddr>| {
            let a = a?;
            let len = match m {
                None => u8::try_from(addr_bits(&a).1).ok()?,
                // a mask of the other family is no prefix of `a`
                Some(m) if m.is_ipv4() != a.is_ipv4() => return None,
                Some(m) => prefix_len(&m)?,
            };
            one((a, len))
        };
        EventFilter {
            kinds,
            proto: filter.orig.proto.and_then(one),
            src: net(filter.orig.src, filter.orig.src_mask),
            dst: net(filter.orig.dst, filter.orig.dst_mask),
            src_port: filter.orig.src_port.and_then(one),
            dst_port: filter.orig.dst_port.and_then(one),
            mark: filter.mark.and_then(one),
            zone: None,
        }
    }

    /// Compiles the filter to classic BPF.
    ///
    /// # Errors
    /// [`Error::EventFilter`] for a prefix longer than its address, or a
    /// criterion too large for one program (its jumps exceed 255
    /// instructions, or the program [`libc::BPF_MAXINSNS`]).
    pub fn compile(&self) -> Result<Vec<libc::sock_filter>> {
        let mut a = Asm::default();
        let (reject, accept, check) = (a.label(), a.label(), a.label());
        // the event kind, from the message type and NLM_F_CREATE
        let (is_new, is_create, is_update, is_destroy) =
            (a.label(), a.label(), a.label(), a.label());
        a.stmt(LDH_ABS, 4);
        a.jeq(
            u32::from(wire16(ct_type(sys::IPCTNL_MSG_CT_NEW))),
            is_new,
            Next,
        );
        a.jeq(
            u32::from(wire16(ct_type(sys::IPCTNL_MSG_CT_DELETE))),
            is_destroy,
            Next,
        );
        // not a flow event: let it through
        a.jump(accept);
        a.bind(is_new);
        a.stmt(LDH_ABS, 6);
        a.stmt(AND_K, u32::from(wire16(sys::NLM_F_CREATE)));
        a.jeq(0, is_update, is_create);
        for (label, kind) in [
            (is_create, Groups::NEW),
            (is_update, Groups::UPDATE),
            (is_destroy, Groups::DESTROY),
        ] {
            a.bind(label);
            a.jump(if self.kinds.contains(kind) {
                check
            } else {
                reject
            });
        }
        a.bind(check);
        let orig = [sys::CTA_TUPLE_ORIG];
        let proto_attr = |k| [sys::CTA_TUPLE_ORIG, sys::CTA_TUPLE_PROTO, k];
        if let Some(m) = &self.proto {
            let path = proto_attr(sys::CTA_PROTO_NUM);
            let vals = m
                .values
                .iter()
                .map(|&p| (&path[..], vec![Cmp::whole(LDB_IND, u32::from(p.0))]));
            a.criterion(m.negate, vals.collect(), None, reject)?;
        }
        for (m, v4, v6) in [
            (&self.src, sys::CTA_IP_V4_SRC, sys::CTA_IP_V6_SRC),
            (&self.dst, sys::CTA_IP_V4_DST, sys::CTA_IP_V6_DST),
        ] {
            let Some(m) = m else { continue };
            let paths = [
                [orig[0], sys::CTA_TUPLE_IP, v4],
                [orig[0], sys::CTA_TUPLE_IP, v6],
            ];
            let mut vals = Vec::new();
            for (net, len) in &m.values {
                let (bits, width) = addr_bits(net);
                if u32::from(*len) > width {
                    return Err(Error::EventFilter("prefix longer than the address"));
                }
                let keep = u128::MAX.checked_shl(width - u32::from(*len)).unwrap_or(0);
                let words = usize::try_from(width / 32).unwrap_or(4);
                let mut cmps = Vec::new();
                for i in 0..words {
                    // word i of the address, most significant first
                    let shift = (words - 1 - i) * 32;
                    let word = |x: u128| u32::try_from((x >> shift) & 0xffff_ffff).unwrap_or(0);
                    if word(keep) != 0 {
                        cmps.push(Cmp {
                            load: LDW_IND,
                            off: u32::try_from(i * 4).unwrap_or(0),
                            value: word(bits & keep),
                            mask: word(keep),
                        });
                    }
                }
                let path = if width == 32 { &paths[0] } else { &paths[1] };
                vals.push((&path[..], cmps));
            }
            a.criterion(m.negate, vals, None, reject)?;
        }
        for (m, k) in [
            (&self.src_port, sys::CTA_PROTO_SRC_PORT),
            (&self.dst_port, sys::CTA_PROTO_DST_PORT),
        ] {
            let Some(m) = m else { continue };
            let path = proto_attr(k);
            let vals = m
                .values
                .iter()
                .map(|&p| (&path[..], vec![Cmp::whole(LDH_IND, u32::from(p))]));
            a.criterion(m.negate, vals.collect(), None, reject)?;
        }
        if let Some(m) = &self.mark {
            let path = [sys::CTA_MARK];
            // an absent mark is 0
            let absent = m.values.iter().any(|&vm| mark_hit(0, vm));
            let vals = m.values.iter().map(|&(value, mask)| {
                (
                    &path[..],
                    vec![Cmp {
                        load: LDW_IND,
                        off: 0,
                        value: value & mask,
                        mask,
                    }],
                )
            });
            a.criterion(m.negate, vals.collect(), Some(absent), reject)?;
        }
        if let Some(m) = &self.zone {
            let path = [sys::CTA_ZONE];
            let absent = m.values.contains(&0);
            let vals = m
                .values
                .iter()
                .map(|&z| (&path[..], vec![Cmp::whole(LDH_IND, u32::from(z))]));
            a.criterion(m.negate, vals.collect(), Some(absent), reject)?;
        }
        a.jump(accept);
        a.bind(reject);
        a.stmt(RET_K, 0);
        a.bind(accept);
        a.stmt(RET_K, u32::MAX);
        a.finish()
    }
}

impl EventListener {
    /// Attaches `filter` to the socket (`SO_ATTACH_FILTER`), replacing any
    /// filter attached before: from now on the kernel queues only the
    /// events it lets through.
    ///
    /// # Errors
    /// As [`EventFilter::compile`]; `setsockopt(2)` errors.
    pub fn attach_filter(&self, filter: &EventFilter) -> Result<()> {
        let prog = filter.compile()?;
        Ok(self.socket().attach_filter(&prog)?)
    }
}

/// The netlink message type of a conntrack message.
fn ct_type(msg: u8) -> u16 {
    u16::from(sys::NFNL_SUBSYS_CTNETLINK) << 8 | u16::from(msg)
}

/// A host-order `u16` of the message header as a BPF halfword load sees it
/// (loads read network order).
fn wire16(host: u16) -> u16 {
    u16::from_be_bytes(host.to_ne_bytes())
}

/// A classic BPF opcode as `sock_filter.code` holds it (every classic
/// opcode fits 8 bits).
#[allow(clippy::cast_possible_truncation)]
const fn op(code: u32) -> u16 {
    code as u16
}

// Classic BPF opcodes (linux/bpf_common.h, linux/filter.h).
const LDH_ABS: u16 = op(libc::BPF_LD | libc::BPF_H | libc::BPF_ABS);
const LDW_ABS: u16 = op(libc::BPF_LD | libc::BPF_W | libc::BPF_ABS);
const LDB_IND: u16 = op(libc::BPF_LD | libc::BPF_B | libc::BPF_IND);
const LDH_IND: u16 = op(libc::BPF_LD | libc::BPF_H | libc::BPF_IND);
const LDW_IND: u16 = op(libc::BPF_LD | libc::BPF_W | libc::BPF_IND);
const LD_IMM: u16 = op(libc::BPF_LD | libc::BPF_IMM);
const LDX_IMM: u16 = op(libc::BPF_LDX | libc::BPF_W | libc::BPF_IMM);
const TAX: u16 = op(libc::BPF_MISC | libc::BPF_TAX);
const AND_K: u16 = op(libc::BPF_ALU | libc::BPF_AND | libc::BPF_K);
const JEQ_K: u16 = op(libc::BPF_JMP | libc::BPF_JEQ | libc::BPF_K);
const JA: u16 = op(libc::BPF_JMP | libc::BPF_JA);
const RET_K: u16 = op(libc::BPF_RET | libc::BPF_K);

/// `SKF_AD_OFF + n` as the `k` of an absolute load.
fn ancillary(n: i32) -> u32 {
    u32::from_ne_bytes((libc::SKF_AD_OFF + n).to_ne_bytes())
}

/// Where attributes begin: after `nlmsghdr` and `nfgenmsg`.
#[allow(clippy::cast_possible_truncation)] // 20
const ATTRS: u32 = (sys::NLMSG_HDRLEN + std::mem::size_of::<sys::nfgenmsg>()) as u32;

/// A jump target: the next instruction or a label.
#[derive(Debug, Clone, Copy)]
enum Target {
    Next,
    Label(usize),
}
use Target::Next;

impl From<usize> for Target {
    fn from(l: usize) -> Self {
        Target::Label(l)
    }
}

/// A tiny assembler with forward labels.
#[derive(Default)]
struct Asm {
    code: Vec<(u16, Target, Target, u32)>,
    labels: Vec<Option<usize>>,
}

/// One load and comparison: `load` at `[x + 4 + off]` (past the attribute
/// header), then `A & mask == value`.
#[derive(Debug, Clone, Copy)]
struct Cmp {
    load: u16,
    off: u32,
    value: u32,
    mask: u32,
}

impl Cmp {
    fn whole(load: u16, value: u32) -> Self {
        Cmp {
            load,
            off: 0,
            value,
            mask: u32::MAX,
        }
    }
}

/// One compared value: where its attribute is (a path of nested types from
/// the top level) and the comparisons that must all hold.
type Value<'p> = (&'p [u16], Vec<Cmp>);

impl Asm {
    fn label(&mut self) -> usize {
        self.labels.push(None);
        self.labels.len() - 1
    }

    fn bind(&mut self, l: usize) {
        if let Some(slot) = self.labels.get_mut(l) {
            *slot = Some(self.code.len());
        }
    }

    fn stmt(&mut self, code: u16, k: u32) {
        self.code.push((code, Next, Next, k));
    }

    fn jeq(&mut self, k: u32, jt: impl Into<Target>, jf: impl Into<Target>) {
        self.code.push((JEQ_K, jt.into(), jf.into(), k));
    }

    fn jump(&mut self, to: usize) {
        self.code.push((JA, Next, Next, 0));
        // the target goes in `k`, resolved in `finish`
        if let Some(last) = self.code.last_mut() {
            last.1 = Target::Label(to);
        }
    }

    /// A jump to `to` if `A == k`, by a short jump over a long one, so
    /// the target may be any distance away.
    fn jeq_far(&mut self, k: u32, to: usize) {
        let skip = self.label();
        self.jeq(k, Next, skip);
        self.jump(to);
        self.bind(skip);
    }

    /// A = offset of the attribute at `path`, or a jump to `absent`.
    fn locate(&mut self, path: &[u16], absent: usize) {
        self.stmt(LD_IMM, ATTRS);
        for (depth, &t) in path.iter().enumerate() {
            self.stmt(LDX_IMM, u32::from(t));
            let helper = if depth == 0 {
                libc::SKF_AD_NLATTR
            } else {
                libc::SKF_AD_NLATTR_NEST
            };
            self.stmt(LDW_ABS, ancillary(helper));
            self.jeq_far(0, absent);
        }
    }

    /// One criterion: values (OR), located once per attribute path and
    /// compared; on the outcome that fails the criterion, a jump to
    /// `reject`. `absent_hit` says whether an absent attribute counts as a
    /// match (mark, zone) instead of a miss. Conditional jumps stay inside
    /// one value; everything farther is a long jump, so the number of
    /// values is bounded only by the program size.
    fn criterion(
        &mut self,
        negate: bool,
        values: Vec<Value<'_>>,
        absent_hit: Option<bool>,
        reject: usize,
    ) -> Result<()> {
        let (hit, miss) = (self.label(), self.label());
        let mut groups: Vec<(&[u16], Vec<Vec<Cmp>>)> = Vec::new();
        for (path, cmps) in values {
            match groups.iter_mut().find(|(p, _)| *p == path) {
                Some((_, v)) => v.push(cmps),
                None => groups.push((path, vec![cmps])),
            }
        }
        for (path, vals) in groups {
            let end = self.label();
            self.locate(path, if absent_hit == Some(true) { hit } else { end });
            self.stmt(TAX, 0);
            for cmps in vals {
                let next = self.label();
                for c in cmps {
                    self.stmt(c.load, 4 + c.off);
                    if c.mask != u32::MAX {
                        self.stmt(AND_K, c.mask);
                    }
                    self.jeq(c.value & c.mask, Next, next);
                }
                self.jump(hit);
                self.bind(next);
            }
            self.bind(end);
        }
        self.jump(miss);
        self.bind(hit);
        if negate {
            self.jump(reject);
            self.bind(miss);
        } else {
            let done = self.label();
            self.jump(done);
            self.bind(miss);
            self.jump(reject);
            self.bind(done);
        }
        Ok(())
    }

    fn finish(self) -> Result<Vec<libc::sock_filter>> {
        let max = usize::try_from(libc::BPF_MAXINSNS).unwrap_or(4096);
        if self.code.len() > max {
            return Err(Error::EventFilter("program longer than BPF_MAXINSNS"));
        }
        let pos = |t: Target, i: usize| -> Result<u32> {
            match t {
                Next => Ok(0),
                Target::Label(l) => {
                    let at = self
                        .labels
                        .get(l)
                        .copied()
                        .flatten()
                        .ok_or(Error::EventFilter("unbound label"))?;
                    let off = at
                        .checked_sub(i + 1)
                        .ok_or(Error::EventFilter("backward jump"))?;
                    u32::try_from(off).map_err(|_| Error::EventFilter("jump too far"))
                }
            }
        };
        let mut out = Vec::with_capacity(self.code.len());
        for (i, &(code, jt, jf, k)) in self.code.iter().enumerate() {
            let ins = if code == JA {
                libc::sock_filter {
                    code,
                    jt: 0,
                    jf: 0,
                    k: pos(jt, i)?,
                }
            } else {
                let short = |t| -> Result<u8> {
                    u8::try_from(pos(t, i)?).map_err(|_| {
                        Error::EventFilter("criterion too large: a jump exceeds 255 instructions")
                    })
                };
                libc::sock_filter {
                    code,
                    jt: short(jt)?,
                    jf: short(jf)?,
                    k,
                }
            };
            out.push(ins);
        }
        Ok(out)
    }
}
