//! A classic BPF interpreter with the kernel's semantics for a socket
//! filter on a netlink socket, and generators of conntrack events and
//! [`EventFilter`]s, to check compiled event filters against
//! [`EventFilter::matches`] without a kernel (the property test of the unit
//! tests and the `evfilter` fuzz target).
//!
//! # Model
//! What the kernel does (`net/core/filter.c`: `bpf_check_classic`,
//! `bpf_convert_filter`, `bpf_skb_load_helper_*`, `__skb_get_nlattr`,
//! `__skb_get_nlattr_nest`; `lib/nlattr.c`: `nla_find`), for a linear
//! socket buffer whose data is one netlink message:
//! - [`Program::new`] refuses what `bpf_check_classic` refuses (`EINVAL` at
//!   attach): an empty or too long program, an opcode outside the classic
//!   set, a division by a constant 0, a constant shift of 32 or more, a
//!   scratch slot past `BPF_MEMWORDS` or read before it is written on every
//!   path, a jump out of the program, an unknown ancillary load, a last
//!   instruction that is not a return.
//! - `A`, `X` and the scratch memory start at 0. Loads are big-endian. A
//!   load past the end of the message, or at a negative offset below
//!   `SKF_LL_OFF`, ends the program with verdict 0 (drop), as does a
//!   division or modulo by `X == 0`. A shift by `X` uses `X & 31`.
//! - `SKF_AD_NLATTR`: `A` = the offset of the first attribute of type `X`
//!   in the attributes from offset `A` to the end of the message, or 0
//!   (also when the message is shorter than an attribute header or `A` is
//!   past the last header). `SKF_AD_NLATTR_NEST`: the same inside the
//!   payload of the attribute at offset `A`, or 0 if that attribute runs
//!   past the message. Attribute lengths are native-endian, types compare
//!   without `NLA_F_NESTED`/`NLA_F_NET_BYTEORDER`, and a walk stops at the
//!   first attribute shorter than its header or longer than what remains.
//! - The verdict is the number of bytes kept: 0 drops the message,
//!   anything shorter than the message truncates it.
//!
//! Loads relative to the network or link-layer header (`SKF_NET_OFF`,
//! `SKF_LL_OFF`) and ancillary data other than the netlink helpers and
//! `SKF_AD_ALU_XOR_X` (the protocol, mark, interface, CPU, random number,
//! ...) depend on the socket buffer, not the message: running them gives
//! [`BpfError::Unsupported`].

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use nfnl::{IpProto, MsgBuilder, NfHeader, NlFlags};
use nfnl_sys as sys;
use nix::libc;

pub use nix::libc::sock_filter;

use crate::evfilter::{EventFilter, EventMatch};
use crate::{Event, Flow, Groups, Status, Tuple, L4};

/// Why a program cannot run (in the kernel, or in this model).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BpfError {
    /// The kernel refuses the program (`SO_ATTACH_FILTER` fails with
    /// `EINVAL`, `bpf_check_classic`).
    #[error("the kernel refuses the program at instruction {at}: {why}")]
    Refused {
        /// The offending instruction.
        at: usize,
        /// What is wrong with it.
        why: &'static str,
    },
    /// The program reads what the model does not have (see the module
    /// documentation).
    #[error("instruction {at}: {what} is not modelled")]
    Unsupported {
        /// The instruction.
        at: usize,
        /// What it reads.
        what: &'static str,
    },
}

use libc::{
    BPF_A, BPF_ABS, BPF_ADD, BPF_ALU, BPF_AND, BPF_B, BPF_DIV, BPF_H, BPF_IMM, BPF_IND, BPF_JA,
    BPF_JEQ, BPF_JGE, BPF_JGT, BPF_JMP, BPF_JSET, BPF_K, BPF_LD, BPF_LDX, BPF_LEN, BPF_LSH,
    BPF_MEM, BPF_MISC, BPF_MOD, BPF_MSH, BPF_MUL, BPF_NEG, BPF_OR, BPF_RET, BPF_RSH, BPF_ST,
    BPF_STX, BPF_SUB, BPF_TAX, BPF_TXA, BPF_W, BPF_X, BPF_XOR,
};

/// The two-operand ALU operations (each with `BPF_K` and `BPF_X`).
const ALU_OPS: [u32; 10] = [
    BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_MOD, BPF_AND, BPF_OR, BPF_XOR, BPF_LSH, BPF_RSH,
];
/// The conditional jumps (each with `BPF_K` and `BPF_X`).
const JMP_OPS: [u32; 4] = [BPF_JEQ, BPF_JGT, BPF_JGE, BPF_JSET];

/// True if the kernel accepts `code` in a classic program
/// (`chk_code_allowed`).
fn allowed(code: u16) -> bool {
    let c = u32::from(code);
    let two = |class: u32, ops: &[u32]| {
        ops.iter()
            .any(|&o| c == class | o | BPF_K || c == class | o | BPF_X)
    };
    two(BPF_ALU, &ALU_OPS)
        || two(BPF_JMP, &JMP_OPS)
        || [
            BPF_ALU | BPF_NEG,
            BPF_LD | BPF_W | BPF_ABS,
            BPF_LD | BPF_H | BPF_ABS,
            BPF_LD | BPF_B | BPF_ABS,
            BPF_LD | BPF_W | BPF_IND,
            BPF_LD | BPF_H | BPF_IND,
            BPF_LD | BPF_B | BPF_IND,
            BPF_LD | BPF_W | BPF_LEN,
            BPF_LD | BPF_IMM,
            BPF_LD | BPF_MEM,
            BPF_LDX | BPF_W | BPF_LEN,
            BPF_LDX | BPF_B | BPF_MSH,
            BPF_LDX | BPF_IMM,
            BPF_LDX | BPF_MEM,
            BPF_ST,
            BPF_STX,
            BPF_MISC | BPF_TAX,
            BPF_MISC | BPF_TXA,
            BPF_RET | BPF_K,
            BPF_RET | BPF_A,
            BPF_JMP | BPF_JA,
        ]
        .contains(&c)
}

/// `k` as the signed offset of a load.
fn signed(k: u32) -> i32 {
    i32::from_ne_bytes(k.to_ne_bytes())
}

/// The ancillary operation an absolute load with `k` asks for, if `k` is
/// in the ancillary range (`SKF_AD_OFF..0`): `Ok(n)` for a known `SKF_AD_*`
/// `n`, `Err(())` for an unknown one.
fn ancillary(k: u32) -> Option<Result<i32, ()>> {
    let k = signed(k);
    if !(libc::SKF_AD_OFF..0).contains(&k) {
        return None;
    }
    let n = k - libc::SKF_AD_OFF;
    let known = n % 4 == 0 && n < libc::SKF_AD_MAX;
    Some(if known { Ok(n) } else { Err(()) })
}

/// A classic BPF program the kernel accepts, ready to run.
#[derive(Debug, Clone)]
pub struct Program {
    insns: Vec<sock_filter>,
}

impl Program {
    /// Checks `insns` as `bpf_check_classic` does at `SO_ATTACH_FILTER`.
    ///
    /// # Errors
    /// [`BpfError::Refused`] for a program the kernel refuses.
    pub fn new(insns: &[sock_filter]) -> Result<Self, BpfError> {
        let refuse = |at, why| Err(BpfError::Refused { at, why });
        let len = insns.len();
        let max = usize::try_from(libc::BPF_MAXINSNS).unwrap_or(4096);
        if len == 0 || len > max {
            return refuse(0, "length 0 or more than BPF_MAXINSNS");
        }
        let words = u32::try_from(libc::BPF_MEMWORDS).unwrap_or(16);
        // scratch slots written on every path to each instruction
        let mut valid_at = vec![u16::MAX; len];
        let mut valid = 0u16;
        for (pc, i) in insns.iter().enumerate() {
            let c = u32::from(i.code);
            if !allowed(i.code) {
                return refuse(pc, "unknown opcode");
            }
            let class = c & 0x07;
            let alu_op = c & 0xf0;
            if class == BPF_ALU && c & BPF_X == 0 {
                if (alu_op == BPF_DIV || alu_op == BPF_MOD) && i.k == 0 {
                    return refuse(pc, "division by a constant 0");
                }
                if (alu_op == BPF_LSH || alu_op == BPF_RSH) && i.k >= 32 {
                    return refuse(pc, "constant shift of 32 or more");
                }
            }
            valid &= valid_at.get(pc).copied().unwrap_or(0);
            let slot = |k: u32| u16::try_from(k).ok().map(|k| 1u16 << k);
            let is_mem = |cls: u32| class == cls && c & 0xe0 == BPF_MEM;
            if is_mem(BPF_LD) || is_mem(BPF_LDX) || class == BPF_ST || class == BPF_STX {
                if i.k >= words {
                    return refuse(pc, "scratch slot past BPF_MEMWORDS");
                }
                let bit = slot(i.k).unwrap_or(0);
                if class == BPF_ST || class == BPF_STX {
                    valid |= bit;
                } else if valid & bit == 0 {
                    return refuse(pc, "scratch slot read before it is written");
                }
            }
            if class == BPF_JMP {
                let rest = len - pc - 1;
                let mut targets = Vec::new();
                if c == BPF_JMP | BPF_JA {
                    let k = usize::try_from(i.k).unwrap_or(usize::MAX);
                    if k >= rest {
                        return refuse(pc, "jump past the end");
                    }
                    targets.push(k);
                } else {
                    for off in [i.jt, i.jf] {
                        if usize::from(off) >= rest {
                            return refuse(pc, "jump past the end");
                        }
                        targets.push(usize::from(off));
                    }
                }
                for t in targets {
                    if let Some(m) = valid_at.get_mut(pc + 1 + t) {
                        *m &= valid;
                    }
                }
                valid = u16::MAX;
            }
            if c == BPF_LD | BPF_W | BPF_ABS
                || c == BPF_LD | BPF_H | BPF_ABS
                || c == BPF_LD | BPF_B | BPF_ABS
            {
                if let Some(Err(())) = ancillary(i.k) {
                    return refuse(pc, "unknown ancillary load");
                }
            }
        }
        let last = insns.last().map_or(0, |i| u32::from(i.code));
        if last != BPF_RET | BPF_K && last != BPF_RET | BPF_A {
            return refuse(len - 1, "the last instruction is not a return");
        }
        Ok(Program {
            insns: insns.to_vec(),
        })
    }

    /// The instructions.
    pub fn insns(&self) -> &[sock_filter] {
        &self.insns
    }

    /// Runs the program on the message `pkt`; returns its verdict (bytes
    /// kept, 0: dropped).
    ///
    /// # Errors
    /// [`BpfError::Unsupported`] when the program reads what the model
    /// does not have.
    pub fn run(&self, pkt: &[u8]) -> Result<u32, BpfError> {
        let len = u32::try_from(pkt.len()).unwrap_or(u32::MAX);
        let (mut a, mut x) = (0u32, 0u32);
        let mut mem = [0u32; 16];
        let mut pc = 0usize;
        // A load at `off` of `size` bytes: `Ok(None)` ends the program with 0.
        let load = |at: usize, off: i32, size: usize| -> Result<Option<u32>, BpfError> {
            if off < 0 {
                if off >= libc::SKF_LL_OFF {
                    return Err(BpfError::Unsupported {
                        at,
                        what: "a load relative to the network or link-layer header",
                    });
                }
                return Ok(None);
            }
            let off = usize::try_from(off).unwrap_or(usize::MAX);
            let bytes = off.checked_add(size).and_then(|end| pkt.get(off..end));
            Ok(bytes.map(|b| b.iter().fold(0u32, |v, &c| v << 8 | u32::from(c))))
        };
        loop {
            let at = pc;
            // `Program::new` checked every jump and the final return
            let Some(i) = self.insns.get(pc) else {
                return Err(BpfError::Refused {
                    at,
                    why: "ran past the end",
                });
            };
            pc += 1;
            let c = u32::from(i.code);
            let class = c & 0x07;
            let size = match c & 0x18 {
                s if s == BPF_W => 4,
                s if s == BPF_H => 2,
                _ => 1,
            };
            match class {
                BPF_LD | BPF_LDX => {
                    let v = match c & 0xe0 {
                        BPF_IMM => i.k,
                        BPF_LEN => len,
                        BPF_MEM => mem
                            .get(usize::try_from(i.k).unwrap_or(16))
                            .copied()
                            .unwrap_or(0),
                        BPF_ABS if class == BPF_LD => match ancillary(i.k) {
                            Some(n) => self.ancillary(at, n.unwrap_or(-1), pkt, a, x)?,
                            None => match load(at, signed(i.k), size)? {
                                Some(v) => v,
                                None => return Ok(0),
                            },
                        },
                        BPF_IND => match load(at, signed(x.wrapping_add(i.k)), size)? {
                            Some(v) => v,
                            None => return Ok(0),
                        },
                        // BPF_LDX | BPF_B | BPF_MSH: the IPv4 header length
                        _ => match load(at, signed(i.k), 1)? {
                            Some(v) => 4 * (v & 0xf),
                            None => return Ok(0),
                        },
                    };
                    if class == BPF_LD {
                        a = v;
                    } else {
                        x = v;
                    }
                }
                BPF_ST | BPF_STX => {
                    if let Some(m) = mem.get_mut(usize::try_from(i.k).unwrap_or(16)) {
                        *m = if class == BPF_ST { a } else { x };
                    }
                }
                BPF_ALU => {
                    let v = if c & BPF_X != 0 { x } else { i.k };
                    a = match c & 0xf0 {
                        BPF_ADD => a.wrapping_add(v),
                        BPF_SUB => a.wrapping_sub(v),
                        BPF_MUL => a.wrapping_mul(v),
                        BPF_DIV | BPF_MOD if v == 0 => return Ok(0),
                        BPF_DIV => a / v,
                        BPF_MOD => a % v,
                        BPF_AND => a & v,
                        BPF_OR => a | v,
                        BPF_XOR => a ^ v,
                        BPF_LSH => a << (v & 31),
                        BPF_RSH => a >> (v & 31),
                        // BPF_NEG
                        _ => a.wrapping_neg(),
                    };
                }
                BPF_JMP => {
                    let v = if c & BPF_X != 0 { x } else { i.k };
                    let skip = match c & 0xf0 {
                        BPF_JA => usize::try_from(i.k).unwrap_or(usize::MAX),
                        op => {
                            let hit = match op {
                                BPF_JEQ => a == v,
                                BPF_JGT => a > v,
                                BPF_JGE => a >= v,
                                // BPF_JSET
                                _ => a & v != 0,
                            };
                            usize::from(if hit { i.jt } else { i.jf })
                        }
                    };
                    pc = pc.saturating_add(skip);
                }
                BPF_RET => return Ok(if c & 0x18 == BPF_A { a } else { i.k }),
                // BPF_MISC
                _ => {
                    if c & 0xf8 == BPF_TXA {
                        a = x;
                    } else {
                        x = a;
                    }
                }
            }
        }
    }

    /// The ancillary load `SKF_AD_OFF + n` (-1: unknown, refused by
    /// [`Program::new`]).
    fn ancillary(&self, at: usize, n: i32, pkt: &[u8], a: u32, x: u32) -> Result<u32, BpfError> {
        let unsupported = |what| Err(BpfError::Unsupported { at, what });
        match n {
            libc::SKF_AD_NLATTR | libc::SKF_AD_NLATTR_NEST => {
                Ok(nlattr(pkt, a, x, n == libc::SKF_AD_NLATTR_NEST))
            }
            libc::SKF_AD_ALU_XOR_X => Ok(a ^ x),
            libc::SKF_AD_PROTOCOL => unsupported("SKF_AD_PROTOCOL"),
            libc::SKF_AD_MARK => unsupported("SKF_AD_MARK"),
            libc::SKF_AD_CPU | libc::SKF_AD_RANDOM => unsupported("SKF_AD_CPU/SKF_AD_RANDOM"),
            _ => unsupported("an ancillary load of the socket buffer"),
        }
    }
}

/// The native-endian `u16` at `off`.
fn ne16(pkt: &[u8], off: usize) -> Option<u16> {
    let b = pkt.get(off..off.checked_add(2)?)?;
    Some(u16::from_ne_bytes([*b.first()?, *b.get(1)?]))
}

/// `nla_find`: the offset of the first attribute of type `x` among the
/// attributes at `from` in `rem` bytes (a signed count, as the kernel's
/// `int`), or 0.
fn nla_find(pkt: &[u8], from: usize, rem: i64, x: u32) -> u32 {
    let (mut at, mut rem) = (from, rem);
    // nla_ok: a header fits, and the attribute is at least a header and fits
    while rem >= 4 {
        let (Some(nla_len), Some(ty)) = (ne16(pkt, at), ne16(pkt, at + 2)) else {
            return 0;
        };
        if nla_len < 4 || i64::from(nla_len) > rem {
            return 0;
        }
        if u32::from(ty & 0x3fff) == x {
            return u32::try_from(at).unwrap_or(0);
        }
        let step = (usize::from(nla_len) + 3) & !3;
        at += step;
        rem -= i64::try_from(step).unwrap_or(i64::MAX);
    }
    0
}

/// `__skb_get_nlattr` (`nest` false) and `__skb_get_nlattr_nest`.
fn nlattr(pkt: &[u8], a: u32, x: u32, nest: bool) -> u32 {
    let len = pkt.len();
    let Ok(a) = usize::try_from(a) else { return 0 };
    if len < 4 || a > len - 4 {
        return 0;
    }
    let rest = i64::try_from(len - a).unwrap_or(0);
    if !nest {
        return nla_find(pkt, a, rest, x);
    }
    let nla_len = i64::from(ne16(pkt, a).unwrap_or(0));
    if nla_len > rest {
        return 0;
    }
    // nla_find_nested: the payload, `nla_len - NLA_HDRLEN` bytes (negative: none)
    nla_find(pkt, a + 4, nla_len - 4, x)
}

/// The bytes of the message ctnetlink broadcasts for a flow event (type
/// and `NLM_F_CREATE` from the kind, every attribute of the flow); `None`
/// for an expectation event or a flow [`Flow::encode_attrs`] cannot write.
pub fn event_message(ev: &Event) -> Option<Vec<u8>> {
    let (msg, flags, f) = match ev {
        Event::New(f) => (sys::IPCTNL_MSG_CT_NEW, NlFlags::CREATE | NlFlags::EXCL, f),
        Event::Update(f) => (sys::IPCTNL_MSG_CT_NEW, NlFlags::empty(), f),
        Event::Destroy(f) => (sys::IPCTNL_MSG_CT_DELETE, NlFlags::empty(), f),
        _ => return None,
    };
    let family = f.family().map_or(0, |fam| fam.to_raw());
    let mut b = MsgBuilder::new();
    b.begin(
        NfHeader::new(sys::NFNL_SUBSYS_CTNETLINK, msg)
            .family(family)
            .flags(flags),
        0,
    );
    f.encode_attrs(&mut b).ok()?;
    b.finish().ok().map(<[u8]>::to_vec)
}

/// Runs `prog` on the message of `ev` and compares the verdict with
/// `filter.matches(ev)`: `Ok(delivered)` when they agree, else a report of
/// the disagreement (filter, event, message bytes). A verdict that would
/// truncate the message is a disagreement too.
///
/// # Errors
/// The disagreement, or why the program could not run.
pub fn compare(filter: &EventFilter, prog: &Program, ev: &Event) -> Result<bool, String> {
    let msg = event_message(ev).ok_or_else(|| format!("cannot encode {ev:?}"))?;
    let hex: String = msg.iter().map(|b| format!("{b:02x}")).collect();
    let verdict = prog
        .run(&msg)
        .map_err(|e| format!("{e}\nfilter {filter:?}\nmessage {hex}"))?;
    let len = u32::try_from(msg.len()).unwrap_or(u32::MAX);
    if verdict != 0 && verdict < len {
        return Err(format!(
            "the program keeps {verdict} of {len} bytes\nfilter {filter:?}\nmessage {hex}"
        ));
    }
    let (kernel, user) = (verdict != 0, filter.matches(ev));
    if kernel != user {
        return Err(format!(
            "the kernel program {} the event, EventFilter::matches says {user}\n\
             filter {filter:?}\nevent {ev:?}\nmessage {hex}",
            if kernel { "delivers" } else { "drops" },
        ));
    }
    Ok(kernel)
}

/// What [`agree`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Agreement {
    /// Events the program and `matches` both let through.
    pub delivered: usize,
    /// Events both drop.
    pub dropped: usize,
    /// True if `compile` refused the filter for a prefix longer than its
    /// address (then no event was run).
    pub refused: bool,
}

/// The property the unit tests and the `evfilter` fuzz target check:
/// `filter` compiles (unless a prefix is longer than its address) to a
/// program the kernel accepts, which lets every event of `events` through
/// exactly when [`EventFilter::matches`] does, and lets a message that is
/// not a flow event (an expectation message) through.
///
/// # Errors
/// A report of the first disagreement, an unexpected refusal, or a program
/// the kernel would refuse.
pub fn agree(filter: &EventFilter, events: &[Event]) -> Result<Agreement, String> {
    let mut out = Agreement::default();
    let insns = match filter.compile() {
        Ok(p) => p,
        Err(e) => {
            let long = |m: &Option<EventMatch<(IpAddr, u8)>>| {
                m.iter()
                    .flat_map(|m| &m.values)
                    .any(|(a, len)| *len > if a.is_ipv4() { 32 } else { 128 })
            };
            if long(&filter.src) || long(&filter.dst) {
                out.refused = true;
                return Ok(out);
            }
            return Err(format!("compile refused {filter:?}: {e}"));
        }
    };
    let prog = Program::new(&insns).map_err(|e| format!("{e}\nfilter {filter:?}"))?;
    for ev in events {
        if compare(filter, &prog, ev)? {
            out.delivered += 1;
        } else {
            out.dropped += 1;
        }
    }
    // an expectation message (IPCTNL_MSG_EXP_NEW, no attributes) passes
    let mut b = MsgBuilder::new();
    b.begin(
        NfHeader::new(sys::NFNL_SUBSYS_CTNETLINK_EXP, sys::IPCTNL_MSG_EXP_NEW).family(2u8),
        0,
    );
    let exp = b.finish().map_err(|e| e.to_string())?;
    match prog.run(exp) {
        Ok(v) if usize::try_from(v).unwrap_or(usize::MAX) >= exp.len() => Ok(out),
        other => Err(format!(
            "an expectation message: {other:?}\nfilter {filter:?}"
        )),
    }
}

/// Where generated values come from: [`Rng`] in tests, [`Bytes`] (the
/// input) in fuzzing.
pub trait Source {
    /// The next 64 bits.
    fn next_u64(&mut self) -> u64;

    /// A number below `n` (0 for `n` 0).
    fn below(&mut self, n: usize) -> usize {
        let n64 = u64::try_from(n).unwrap_or(u64::MAX);
        if n64 == 0 {
            return 0;
        }
        usize::try_from(self.next_u64() % n64).unwrap_or(0)
    }

    /// True one time in `n`.
    fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }

    /// One of `items` (which must not be empty).
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        let i = self.below(items.len());
        items[i]
    }

    /// 32 random bits.
    fn u32(&mut self) -> u32 {
        u32::try_from(self.next_u64() >> 32).unwrap_or(0)
    }

    /// 16 random bits.
    fn u16(&mut self) -> u16 {
        u16::try_from(self.next_u64() >> 48).unwrap_or(0)
    }
}

/// A small deterministic generator (xorshift64).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from `seed` (0 is replaced: xorshift needs a bit set).
    pub fn new(seed: u64) -> Self {
        Rng(if seed == 0 {
            0x2545_f491_4f6c_dd1d
        } else {
            seed
        })
    }
}

impl Source for Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// Values read from a byte string (a fuzz input), 8 bytes at a time, then
/// zeros.
#[derive(Debug, Clone)]
pub struct Bytes<'a>(pub &'a [u8]);

impl Source for Bytes<'_> {
    fn next_u64(&mut self) -> u64 {
        let n = self.0.len().min(8);
        let (head, rest) = self.0.split_at(n);
        let mut b = [0u8; 8];
        b[..n].copy_from_slice(head);
        self.0 = rest;
        u64::from_le_bytes(b)
    }
}

/// Addresses events and filters draw from, so prefixes often cover events.
const V4: [u32; 4] = [0x0a00_0001, 0x0a00_0102, 0xc0a8_0707, 0x7f00_0001];
const V6: [u128; 3] = [
    0x2001_0db8_0000_0000_0000_0000_0000_0001,
    0x2001_0db8_0001_0000_0000_0000_0000_0005,
    0xfd00_0000_0000_0000_0000_0000_0000_0009,
];
const PORTS: [u16; 6] = [0, 53, 80, 443, 1000, 65535];
const MARKS: [u32; 6] = [0, 1, 0x100, 0x101, 0x1ff, 0xffff_ffff];
const MASKS: [u32; 6] = [0, 0xff, 0xff00, 0xfff, 0xffff_ffff, 0x8000_0001];
/// Protocols with ports (or GRE keys) in the tuple.
const PORT_PROTOS: [u8; 6] = [6, 17, 136, 132, 33, 47];

/// An address of `v6`'s family: one of a few, with random low bits at
/// times, or anything.
fn addr<S: Source>(s: &mut S, v6: bool) -> IpAddr {
    let flip = if s.one_in(3) { s.u16() } else { 0 };
    if v6 {
        let base = if s.one_in(8) {
            u128::from(s.next_u64()) << 64 | u128::from(s.next_u64())
        } else {
            s.pick(&V6)
        };
        IpAddr::V6(Ipv6Addr::from(base ^ u128::from(flip)))
    } else {
        let base = if s.one_in(8) { s.u32() } else { s.pick(&V4) };
        IpAddr::V4(Ipv4Addr::from(base ^ u32::from(flip)))
    }
}

fn port<S: Source>(s: &mut S) -> u16 {
    if s.one_in(4) {
        s.u16()
    } else {
        s.pick(&PORTS)
    }
}

fn mark<S: Source>(s: &mut S) -> u32 {
    if s.one_in(4) {
        s.u32()
    } else {
        s.pick(&MARKS)
    }
}

fn tuple<S: Source>(s: &mut S, v6: bool) -> Option<Tuple> {
    let l4 = match s.below(6) {
        0 if v6 => L4::IcmpV6 {
            id: s.u16(),
            kind: s.pick(&[128, 129, 1]),
            code: 0,
        },
        0 => L4::Icmp {
            id: s.u16(),
            kind: s.pick(&[8, 0, 3]),
            code: 0,
        },
        // the generic tracker, also for protocols that have ports
        1 => L4::Other {
            proto: IpProto(if s.one_in(2) {
                s.pick(&PORT_PROTOS)
            } else {
                u8::try_from(s.below(256)).unwrap_or(0)
            }),
        },
        _ => L4::Ports {
            proto: IpProto(s.pick(&PORT_PROTOS)),
            src: port(s),
            dst: port(s),
        },
    };
    let mut t = Tuple::new(addr(s, v6), addr(s, v6), l4).ok()?;
    if s.one_in(5) {
        let any = s.u16();
        t.zone = Some(s.pick(&[0, 5, any]));
    }
    Some(t)
}

/// A flow event as ctnetlink sends them: NEW, UPDATE or DESTROY of a flow
/// of either family with random tuples (TCP, UDP, UDP-Lite, SCTP, DCCP,
/// GRE, ICMP, ICMPv6, generic), mark, zone, status, timeout, id. Rarely
/// without the original tuple, which the kernel always sends.
pub fn event<S: Source>(s: &mut S) -> Event {
    let v6 = s.one_in(2);
    let orig = tuple(s, v6);
    let mut f = Flow {
        orig,
        ..Flow::default()
    };
    if orig.is_none() || s.one_in(20) {
        f.orig = None;
    }
    if !s.one_in(4) {
        f.reply = orig.map(|t| t.inverted());
    }
    if !s.one_in(3) {
        f.mark = Some(mark(s));
    }
    if s.one_in(3) {
        let any = s.u16();
        f.zone = Some(s.pick(&[0, 5, 7, any]));
    }
    if !s.one_in(3) {
        f.status = Some(Status::from_bits_retain(s.u32()));
    }
    if s.one_in(2) {
        f.timeout = Some(s.u32());
    }
    if s.one_in(2) {
        f.id = Some(s.u32());
    }
    match s.below(3) {
        0 => Event::New(f),
        1 => Event::Update(f),
        _ => Event::Destroy(f),
    }
}

/// One time in 3, up to 4 values from `one`, any or none of them.
fn criterion<S: Source, T>(s: &mut S, mut one: impl FnMut(&mut S) -> T) -> Option<EventMatch<T>> {
    if !s.one_in(3) {
        return None;
    }
    let n = s.below(5);
    let values: Vec<T> = (0..n).map(|_| one(s)).collect();
    Some(if s.one_in(2) {
        EventMatch::none_of(values)
    } else {
        EventMatch::any_of(values)
    })
}

/// A random [`EventFilter`]: any kinds (also bits that are not flow
/// events), and each criterion left out (two times in 3) or with up to 4
/// values, negated or not: protocols, networks of both families with every prefix length (now
/// and then one longer than the address, which `compile` refuses), ports,
/// marks with arbitrary masks (values with bits outside their masks
/// included), zones.
pub fn filter<S: Source>(s: &mut S) -> EventFilter {
    let net = |s: &mut S| {
        let v6 = s.one_in(2);
        let width = if v6 { 128 } else { 32 };
        let len = if s.one_in(50) {
            width + 1
        } else {
            s.below(width + 1)
        };
        (addr(s, v6), u8::try_from(len).unwrap_or(0))
    };
    EventFilter {
        kinds: if s.one_in(2) {
            Groups::FLOWS
        } else {
            Groups::from_bits_retain(s.u32())
        },
        proto: criterion(s, |s| {
            IpProto(if s.one_in(3) {
                u8::try_from(s.below(256)).unwrap_or(0)
            } else {
                s.pick(&[6, 17, 1, 58, 47, 132])
            })
        }),
        src: criterion(s, net),
        dst: criterion(s, net),
        src_port: criterion(s, port),
        dst_port: criterion(s, port),
        mark: criterion(s, |s| {
            let m = if s.one_in(4) { s.u32() } else { s.pick(&MASKS) };
            (mark(s), m)
        }),
        zone: criterion(s, |s| {
            let any = s.u16();
            s.pick(&[0, 5, 7, any])
        }),
    }
}

#[cfg(test)]
mod tests {
    //! The model on hand-written programs: what the compiled event filters
    //! do not exercise (the namespace test
    //! `evf_bpf_model_agrees_with_the_kernel_on_mangled_messages` checks
    //! those against the kernel).
    use super::*;

    fn i(code: u32, jt: u8, jf: u8, k: u32) -> sock_filter {
        sock_filter {
            code: u16::try_from(code).unwrap(),
            jt,
            jf,
            k,
        }
    }

    fn s(code: u32, k: u32) -> sock_filter {
        i(code, 0, 0, k)
    }

    const RET_A: u32 = BPF_RET | BPF_A;
    const RET_K: u32 = BPF_RET | BPF_K;

    fn ad(n: i32) -> u32 {
        u32::from_ne_bytes((libc::SKF_AD_OFF + n).to_ne_bytes())
    }

    fn run(prog: &[sock_filter], pkt: &[u8]) -> u32 {
        Program::new(prog).unwrap().run(pkt).unwrap()
    }

    fn refused(prog: &[sock_filter]) -> &'static str {
        match Program::new(prog) {
            Err(BpfError::Refused { why, .. }) => why,
            other => panic!("accepted: {other:?}"),
        }
    }

    #[test]
    fn the_checker_refuses_what_bpf_check_classic_refuses() {
        assert!(refused(&[]).contains("length"));
        assert!(refused(&vec![s(RET_K, 0); 4097]).contains("length"));
        assert!(Program::new(&vec![s(RET_K, 0); 4096]).is_ok());
        assert_eq!(refused(&[s(0xff, 0), s(RET_K, 0)]), "unknown opcode");
        // a halfword immediate is no classic opcode
        assert_eq!(
            refused(&[s(BPF_LD | BPF_H | BPF_IMM, 0), s(RET_K, 0)]),
            "unknown opcode"
        );
        assert_eq!(
            refused(&[s(BPF_ALU | BPF_DIV | BPF_K, 0), s(RET_K, 0)]),
            "division by a constant 0"
        );
        assert_eq!(
            refused(&[s(BPF_ALU | BPF_MOD | BPF_K, 0), s(RET_K, 0)]),
            "division by a constant 0"
        );
        assert_eq!(
            refused(&[s(BPF_ALU | BPF_LSH | BPF_K, 32), s(RET_K, 0)]),
            "constant shift of 32 or more"
        );
        assert!(Program::new(&[s(BPF_ALU | BPF_RSH | BPF_K, 31), s(RET_K, 0)]).is_ok());
        assert_eq!(
            refused(&[s(BPF_ST, 16), s(RET_K, 0)]),
            "scratch slot past BPF_MEMWORDS"
        );
        assert_eq!(
            refused(&[s(BPF_LD | BPF_MEM, 3), s(RET_K, 0)]),
            "scratch slot read before it is written"
        );
        // written on one path only
        let one_path = [
            i(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 7),
            s(BPF_ST, 3),
            s(BPF_LDX | BPF_MEM, 3),
            s(RET_K, 0),
        ];
        assert_eq!(refused(&one_path), "scratch slot read before it is written");
        let both = [
            s(BPF_ST, 3),
            i(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 7),
            s(BPF_STX, 3),
            s(BPF_LDX | BPF_MEM, 3),
            s(RET_K, 0),
        ];
        assert!(Program::new(&both).is_ok());
        assert_eq!(
            refused(&[s(BPF_JMP | BPF_JA, 1), s(RET_K, 0)]),
            "jump past the end"
        );
        assert_eq!(
            refused(&[i(BPF_JMP | BPF_JGT | BPF_X, 0, 1, 0), s(RET_K, 0)]),
            "jump past the end"
        );
        assert_eq!(
            refused(&[s(BPF_LD | BPF_W | BPF_ABS, ad(2)), s(RET_K, 0)]),
            "unknown ancillary load"
        );
        assert_eq!(
            refused(&[s(BPF_LD | BPF_B | BPF_ABS, ad(64)), s(RET_K, 0)]),
            "unknown ancillary load"
        );
        assert_eq!(
            refused(&[s(RET_K, 0), s(BPF_MISC | BPF_TAX, 0)]),
            "the last instruction is not a return"
        );
    }

    #[test]
    fn alu_jumps_memory_and_returns() {
        let pkt = [0x12, 0x34, 0x56, 0x78, 0x9a];
        let alu = |op: u32, a: u32, k: u32| {
            run(
                &[
                    s(BPF_LD | BPF_IMM, a),
                    s(BPF_ALU | op | BPF_K, k),
                    s(RET_A, 0),
                ],
                &pkt,
            )
        };
        assert_eq!(alu(BPF_ADD, u32::MAX, 2), 1);
        assert_eq!(alu(BPF_SUB, 1, 2), u32::MAX);
        assert_eq!(alu(BPF_MUL, 0x8000_0001, 2), 2);
        assert_eq!(alu(BPF_DIV, 7, 2), 3);
        assert_eq!(alu(BPF_MOD, 7, 4), 3);
        assert_eq!(alu(BPF_AND, 0xf0f0, 0xff00), 0xf000);
        assert_eq!(alu(BPF_OR, 0xf0, 0x0f), 0xff);
        assert_eq!(alu(BPF_XOR, 0xff, 0x0f), 0xf0);
        assert_eq!(alu(BPF_LSH, 1, 31), 0x8000_0000);
        assert_eq!(alu(BPF_RSH, 0x8000_0000, 31), 1);
        assert_eq!(alu(BPF_NEG, 1, 0), u32::MAX);
        // by X: a shift uses X & 31, a division by X == 0 drops
        let by_x = |op: u32, x: u32| {
            run(
                &[
                    s(BPF_LDX | BPF_IMM, x),
                    s(BPF_LD | BPF_IMM, 6),
                    s(BPF_ALU | op | BPF_X, 0),
                    s(RET_A, 0),
                ],
                &pkt,
            )
        };
        assert_eq!(by_x(BPF_LSH, 33), 12);
        assert_eq!(by_x(BPF_DIV, 0), 0);
        assert_eq!(by_x(BPF_MOD, 0), 0);
        assert_eq!(by_x(BPF_DIV, 4), 1);
        let start = [
            s(BPF_ALU | BPF_ADD | BPF_X, 0),
            s(BPF_ALU | BPF_ADD | BPF_K, 1),
            s(RET_A, 0),
        ];
        assert_eq!(run(&start, &pkt), 1, "A and X start at 0");
        // jumps: unsigned comparisons, jt/jf counted from the next instruction
        let jump = |op: u32, a: u32, k: u32| {
            run(
                &[
                    s(BPF_LD | BPF_IMM, a),
                    i(BPF_JMP | op | BPF_K, 1, 0, k),
                    s(RET_K, 2),
                    s(RET_K, 1),
                ],
                &pkt,
            ) == 1
        };
        assert!(jump(BPF_JEQ, 5, 5) && !jump(BPF_JEQ, 5, 6));
        assert!(jump(BPF_JGT, u32::MAX, 1) && !jump(BPF_JGT, 1, 1));
        assert!(jump(BPF_JGE, 1, 1) && !jump(BPF_JGE, 0, 1));
        assert!(jump(BPF_JSET, 6, 2) && !jump(BPF_JSET, 6, 1));
        assert_eq!(
            run(&[s(BPF_JMP | BPF_JA, 1), s(RET_K, 2), s(RET_K, 3)], &pkt),
            3
        );
        // scratch memory, TAX/TXA, RET K
        let mem = [
            s(BPF_LD | BPF_IMM, 9),
            s(BPF_ST, 15),
            s(BPF_LDX | BPF_MEM, 15),
            s(BPF_LD | BPF_IMM, 0),
            s(BPF_MISC | BPF_TXA, 0),
            s(BPF_MISC | BPF_TAX, 0),
            s(BPF_STX, 0),
            s(BPF_LD | BPF_MEM, 0),
            s(RET_A, 0),
        ];
        assert_eq!(run(&mem, &pkt), 9);
        assert_eq!(run(&[s(RET_K, 77)], &pkt), 77);
    }

    #[test]
    fn loads_are_big_endian_and_out_of_bounds_loads_drop() {
        let pkt = [0x12, 0x34, 0x56, 0x78, 0x9a];
        let ld = |code: u32, x: u32, k: u32| {
            run(
                &[s(BPF_LDX | BPF_IMM, x), s(BPF_LD | code, k), s(RET_A, 0)],
                &pkt,
            )
        };
        assert_eq!(ld(BPF_W | BPF_ABS, 0, 1), 0x3456_789a);
        assert_eq!(ld(BPF_H | BPF_ABS, 0, 3), 0x789a);
        assert_eq!(ld(BPF_B | BPF_ABS, 0, 4), 0x9a);
        assert_eq!(ld(BPF_W | BPF_ABS, 0, 2), 0, "one byte short");
        assert_eq!(ld(BPF_B | BPF_ABS, 0, 5), 0);
        assert_eq!(ld(BPF_H | BPF_IND, 2, 1), 0x789a);
        assert_eq!(ld(BPF_B | BPF_IND, 4, 1), 0);
        assert_eq!(ld(BPF_B | BPF_IND, u32::MAX, 2), 0x34, "X + k wraps");
        assert_eq!(ld(BPF_W | BPF_LEN, 0, 0), 5);
        // below SKF_LL_OFF: nothing there, dropped; above: not modelled
        let far = u32::from_ne_bytes((libc::SKF_LL_OFF - 1).to_ne_bytes());
        assert_eq!(ld(BPF_B | BPF_ABS, 0, far), 0);
        let net = u32::from_ne_bytes(libc::SKF_NET_OFF.to_ne_bytes());
        let p = Program::new(&[s(BPF_LD | BPF_B | BPF_ABS, net), s(RET_A, 0)]).unwrap();
        assert!(matches!(p.run(&pkt), Err(BpfError::Unsupported { .. })));
        let msh = [
            s(BPF_LDX | BPF_B | BPF_MSH, 4),
            s(BPF_MISC | BPF_TXA, 0),
            s(RET_A, 0),
        ];
        assert_eq!(run(&msh, &pkt), 4 * 0xa);
        let msh = [s(BPF_LDX | BPF_B | BPF_MSH, 5), s(RET_K, 1)];
        assert_eq!(run(&msh, &pkt), 0);
        let xor = [
            s(BPF_LD | BPF_IMM, 0xff),
            s(BPF_LDX | BPF_IMM, 0x0f),
            s(BPF_LD | BPF_W | BPF_ABS, ad(libc::SKF_AD_ALU_XOR_X)),
            s(RET_A, 0),
        ];
        assert_eq!(run(&xor, &pkt), 0xf0);
        let mark = Program::new(&[
            s(BPF_LD | BPF_W | BPF_ABS, ad(libc::SKF_AD_MARK)),
            s(RET_A, 0),
        ])
        .unwrap();
        assert!(matches!(mark.run(&pkt), Err(BpfError::Unsupported { .. })));
    }

    /// Attribute `kind` with `payload`, padded.
    fn attr(kind: u16, payload: &[u8]) -> Vec<u8> {
        let len = u16::try_from(4 + payload.len()).unwrap();
        let mut v = [len.to_ne_bytes(), kind.to_ne_bytes()].concat();
        v.extend_from_slice(payload);
        v.resize(v.len().next_multiple_of(4), 0);
        v
    }

    #[test]
    fn netlink_helpers_find_attributes_like_nla_find() {
        // offset 0: 4 bytes of header, then: type 1 (len 5, padded), a nest
        // of type 2 | NLA_F_NESTED holding type 3 and type 1, type 4
        let nest = [attr(3, &[7; 4]), attr(1, &[8; 2])].concat();
        let pkt = [
            vec![0xee; 4],
            attr(1, &[1]),
            attr(2 | 0x8000, &nest),
            attr(4, &[]),
        ]
        .concat();
        let find = |a: u32, x: u32, nest: bool| -> u32 {
            let n = if nest {
                libc::SKF_AD_NLATTR_NEST
            } else {
                libc::SKF_AD_NLATTR
            };
            let prog = [
                s(BPF_LD | BPF_IMM, a),
                s(BPF_LDX | BPF_IMM, x),
                s(BPF_LD | BPF_W | BPF_ABS, ad(n)),
                s(RET_A, 0),
            ];
            run(&prog, &pkt)
        };
        assert_eq!(find(4, 1, false), 4);
        assert_eq!(find(4, 2, false), 12, "the type without NLA_F_NESTED");
        assert_eq!(find(4, 4, false), 12 + 4 + 8 + 8);
        assert_eq!(find(4, 3, false), 0, "not at the top level");
        assert_eq!(find(4, 2 | 0x8000, false), 0, "flag bits never match");
        assert_eq!(find(12, 3, true), 16);
        assert_eq!(find(12, 1, true), 24);
        assert_eq!(find(12, 4, true), 0, "after the nest");
        // A past the last header, or the packet shorter than a header
        let len = u32::try_from(pkt.len()).unwrap();
        assert_eq!(find(len - 4, 4, false), len - 4);
        assert_eq!(find(len - 3, 4, false), 0);
        assert_eq!(find(u32::MAX, 4, false), 0);
        // a walk stops at an attribute longer than what remains, or shorter
        // than its header
        for bad in [0u16, 3, 200] {
            let mut p = pkt.clone();
            p[4..6].copy_from_slice(&bad.to_ne_bytes());
            let prog = [
                s(BPF_LD | BPF_IMM, 4),
                s(BPF_LDX | BPF_IMM, 4),
                s(BPF_LD | BPF_W | BPF_ABS, ad(libc::SKF_AD_NLATTR)),
                s(RET_A, 0),
            ];
            assert_eq!(run(&prog, &p), 0, "nla_len {bad}");
        }
        // a nest longer than the packet: nothing in it
        let mut p = pkt.clone();
        p[12..14].copy_from_slice(&200u16.to_ne_bytes());
        let prog = [
            s(BPF_LD | BPF_IMM, 12),
            s(BPF_LDX | BPF_IMM, 3),
            s(BPF_LD | BPF_W | BPF_ABS, ad(libc::SKF_AD_NLATTR_NEST)),
            s(RET_A, 0),
        ];
        assert_eq!(run(&prog, &p), 0);
        assert_eq!(run(&prog, &pkt), 16);
        let short = Program::new(&prog).unwrap();
        assert_eq!(short.run(&[0; 3]).unwrap(), 0);
    }

    #[test]
    fn byte_sources_are_deterministic() {
        let mut a = Rng::new(1);
        let mut b = Rng::new(1);
        assert_eq!(a.next_u64(), b.next_u64());
        assert_ne!(Rng::new(0).next_u64(), 0);
        let mut bytes = Bytes(&[1, 0, 0, 0, 0, 0, 0, 0, 2]);
        assert_eq!(
            (bytes.next_u64(), bytes.next_u64(), bytes.next_u64()),
            (1, 2, 0)
        );
        assert_eq!(bytes.below(0), 0);
    }
}
