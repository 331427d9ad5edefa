//! The text `nft --debug=netlink` prints for rules and sets (libnftnl's
//! "default" output format, as libnftnl 1.2.4 writes it), for comparing
//! what this crate reads with what the `nft` tool reads.
//!
//! It is the oracle's text, quirks included: register words printed as
//! host-order `0x%08x`, names libnftnl 1.2.4 does not know printed as it
//! prints them, attributes it ignores left out. An expression whose text
//! is not written here yet makes [`rule`] return `None` (listed by
//! [`unsupported`]) rather than a guess.

use std::fmt::Write as _;

use nfnl::ProtoFamily;

use crate::data::{Data, Verdict};
use crate::expr::*;
use crate::object::{ElemFlags, Rule, Set, SetElems};

/// The family's name as nft writes it (`ip`, `ip6`, `inet`, `arp`, `bridge`, `netdev`).
pub fn family_name(f: ProtoFamily) -> &'static str {
    match f {
        ProtoFamily::Ipv4 => "ip",
        ProtoFamily::Ipv6 => "ip6",
        ProtoFamily::Inet => "inet",
        ProtoFamily::Arp => "arp",
        ProtoFamily::Bridge => "bridge",
        ProtoFamily::Netdev => "netdev",
        ProtoFamily::Unspec => "unspec",
        _ => "unknown",
    }
}

/// Words of a value as libnftnl holds them: 32-bit host-order words,
/// zero-padded.
fn words(v: &[u8]) -> impl Iterator<Item = u32> + '_ {
    v.chunks(4).map(|c| {
        let mut w = [0u8; 4];
        w[..c.len()].copy_from_slice(c);
        u32::from_ne_bytes(w)
    })
}

fn verdict_text(v: &Verdict) -> Option<String> {
    Some(match v {
        Verdict::Drop => "drop".into(),
        Verdict::Accept => "accept".into(),
        Verdict::Queue => "queue".into(),
        Verdict::Continue => "continue".into(),
        Verdict::Break => "break".into(),
        Verdict::Return => "return".into(),
        Verdict::Jump(c) => format!("jump -> {c}"),
        Verdict::Goto(c) => format!("goto -> {c}"),
        _ => return None,
    })
}

/// A data register: `0x%08x ` per word, or the verdict and a space.
fn data_text(d: &Data, prefix: bool) -> Option<String> {
    match d {
        Data::Value(v) => {
            let mut s = String::new();
            for w in words(v) {
                if prefix {
                    let _ = write!(s, "0x{w:08x} ");
                } else {
                    let _ = write!(s, "{w:08x} ");
                }
            }
            Some(s)
        }
        Data::Verdict(v) => verdict_text(v).map(|t| t + " "),
        Data::Raw(_) => None,
    }
}

fn opt<T: Copy + Default>(v: Option<T>) -> T {
    v.unwrap_or_default()
}

/// The text of one expression: its name, a space, and its attributes, each
/// followed by a space (libnftnl's `nftnl_expr_snprintf` after `[ `).
pub fn expr(e: &Expr) -> Option<String> {
    let mut s = format!("{} ", e.name());
    let o = &mut s;
    match e {
        Expr::Payload(p) => {
            let base = opt(p.base).name()?;
            if let Some(sreg) = p.sreg {
                let _ = write!(
                    o,
                    "write reg {sreg} => {}b @ {base} header + {} csum_type {} csum_off {} csum_flags 0x{:x} ",
                    opt(p.len),
                    opt(p.offset),
                    opt(p.csum_type),
                    opt(p.csum_offset),
                    opt(p.csum_flags)
                );
            } else {
                let _ = write!(
                    o,
                    "load {}b @ {base} header + {} => reg {} ",
                    opt(p.len),
                    opt(p.offset),
                    opt(p.dreg)
                );
            }
        }
        Expr::Meta(m) => {
            let key = m.key?.name().unwrap_or("unknown");
            match (m.dreg, m.sreg) {
                (Some(d), _) => {
                    let _ = write!(o, "load {key} => reg {d} ");
                }
                (None, Some(sr)) => {
                    let _ = write!(o, "set {key} with reg {sr} ");
                }
                _ => return None,
            }
        }
        Expr::Cmp(c) => {
            let _ = write!(o, "{} reg {} ", c.op?.name()?, opt(c.sreg));
            o.push_str(&data_text(c.data.as_ref()?, true)?);
        }
        Expr::Range(r) => {
            let _ = write!(o, "{} reg {} ", r.op?.name()?, opt(r.sreg));
            o.push_str(&data_text(r.from.as_ref()?, true)?);
            o.push_str(&data_text(r.to.as_ref()?, true)?);
        }
        Expr::Bitwise(b) => {
            let op = b.op.unwrap_or(BitwiseOp::BOOL);
            if op == BitwiseOp::BOOL {
                let _ = write!(o, "reg {} = ( reg {} & ", opt(b.dreg), opt(b.sreg));
                o.push_str(&data_text(b.mask.as_ref()?, true)?);
                o.push_str(") ^ ");
                o.push_str(&data_text(b.xor.as_ref()?, true)?);
            } else if op == BitwiseOp::LSHIFT || op == BitwiseOp::RSHIFT {
                let _ = write!(
                    o,
                    "reg {} = ( reg {} {} ",
                    opt(b.dreg),
                    opt(b.sreg),
                    op.name()?
                );
                o.push_str(&data_text(b.data.as_ref()?, true)?);
                o.push_str(") ");
            } else {
                return None;
            }
        }
        Expr::Byteorder(b) => {
            let _ = write!(
                o,
                "reg {} = {}(reg {}, {}, {}) ",
                opt(b.dreg),
                b.op?.name()?,
                opt(b.sreg),
                opt(b.size),
                opt(b.len)
            );
        }
        Expr::Immediate(i) => {
            let _ = write!(o, "reg {} ", opt(i.dreg));
            o.push_str(&data_text(i.data.as_ref()?, true)?);
        }
        Expr::Lookup(l) => {
            let _ = write!(o, "reg {} set {} ", opt(l.sreg), l.set.as_deref()?);
            if let Some(d) = l.dreg {
                let _ = write!(o, "dreg {d} ");
            }
            let _ = write!(o, "0x{:x} ", opt(l.flags));
        }
        Expr::Counter(c) => {
            let _ = write!(o, "pkts {} bytes {} ", opt(c.packets), opt(c.bytes));
        }
        Expr::Ct(c) => {
            let key = c.key?.name().unwrap_or("unknown");
            match (c.dreg, c.sreg) {
                (Some(d), _) => {
                    let _ = write!(o, "load {key} => reg {d} ");
                }
                (None, Some(sr)) => {
                    let _ = write!(o, "set {key} with reg {sr} ");
                }
                _ => return None,
            }
            if let Some(dir) = c.direction {
                let _ = write!(o, ", dir {} ", if dir == 0 { "original" } else { "reply" });
            }
        }
        Expr::Limit(l) => {
            let unit = match opt(l.unit) {
                1 => "second",
                60 => "minute",
                3600 => "hour",
                86400 => "day",
                604800 => "week",
                _ => "error",
            };
            let _ = write!(
                o,
                "rate {}/{unit} burst {} type {} flags 0x{:x} ",
                opt(l.rate),
                opt(l.burst),
                opt(l.kind).name()?,
                opt(l.flags)
            );
        }
        Expr::Quota(q) => {
            let _ = write!(
                o,
                "bytes {} consumed {} flags {} ",
                opt(q.bytes),
                opt(q.consumed),
                opt(q.flags)
            );
        }
        Expr::Connlimit(c) => {
            let _ = write!(o, "count {} flags {:x} ", opt(c.count), opt(c.flags));
        }
        Expr::Log(l) => {
            if let Some(p) = &l.prefix {
                let _ = write!(o, "prefix {p} ");
            }
            if let Some(g) = l.group {
                let _ = write!(
                    o,
                    "group {g} snaplen {} qthreshold {} ",
                    opt(l.snaplen),
                    opt(l.qthreshold)
                );
            } else {
                if let Some(lv) = l.level {
                    let _ = write!(o, "level {lv} ");
                }
                if let Some(f) = l.flags {
                    for (bit, name) in [
                        (0x01, "tcpseq"),
                        (0x02, "tcpopt"),
                        (0x04, "ipopt"),
                        (0x08, "uid"),
                        (0x20, "macdecode"),
                    ] {
                        if f & bit != 0 {
                            let _ = write!(o, "{name} ");
                        }
                    }
                }
            }
        }
        Expr::Nat(n) => {
            let fam = family_name(ProtoFamily::from(u8::try_from(opt(n.family)).ok()?));
            let _ = write!(o, "{} {fam} ", n.kind?.name()?);
            regs(
                o,
                &[
                    ("addr_min", n.reg_addr_min),
                    ("addr_max", n.reg_addr_max),
                    ("proto_min", n.reg_proto_min),
                    ("proto_max", n.reg_proto_max),
                ],
            );
            if let Some(f) = n.flags {
                let _ = write!(o, "flags 0x{f:x} ");
            }
        }
        Expr::Masq(m) => {
            regs(
                o,
                &[
                    ("proto_min", m.reg_proto_min),
                    ("proto_max", m.reg_proto_max),
                ],
            );
            if let Some(f) = m.flags {
                let _ = write!(o, "flags 0x{f:x} ");
            }
        }
        Expr::Redir(m) => {
            regs(
                o,
                &[
                    ("proto_min", m.reg_proto_min),
                    ("proto_max", m.reg_proto_max),
                ],
            );
            if let Some(f) = m.flags {
                let _ = write!(o, "flags 0x{f:x} ");
            }
        }
        Expr::Reject(r) => {
            let _ = write!(o, "type {} code {} ", opt(r.kind), opt(r.icmp_code));
        }
        Expr::Notrack => {}
        Expr::Match(c) | Expr::Target(c) => {
            let _ = write!(o, "name {} rev {} ", c.name.as_deref()?, opt(c.rev));
        }
        Expr::Dynset(d) => {
            let _ = write!(
                o,
                "{} reg_key {} set {} ",
                d.op?.name()?,
                opt(d.sreg_key),
                d.set_name.as_deref()?
            );
            if let Some(sd) = d.sreg_data {
                let _ = write!(o, "sreg_data {sd} ");
            }
            if let Some(t) = d.timeout {
                let _ = write!(o, "timeout {t}ms ");
            }
            if let Some(e) = &d.expr {
                let _ = write!(o, "expr [ {}] ", expr(e)?);
            }
            if let Some(list) = &d.exprs {
                for e in &list.0 {
                    let _ = write!(o, "expr [ {}] ", expr(e)?);
                }
            }
        }
        Expr::Fib(f) => {
            let flags = opt(f.flags);
            let names: Vec<&str> = [
                (nfnl_sys::NFTA_FIB_F_SADDR, "saddr"),
                (nfnl_sys::NFTA_FIB_F_DADDR, "daddr"),
                (nfnl_sys::NFTA_FIB_F_MARK, "mark"),
                (nfnl_sys::NFTA_FIB_F_IIF, "iif"),
                (nfnl_sys::NFTA_FIB_F_OIF, "oif"),
            ]
            .iter()
            .filter(|(b, _)| flags & b != 0)
            .map(|(_, n)| *n)
            .collect();
            o.push_str(&names.join(" . "));
            let _ = write!(o, " {}", opt(f.result).name()?);
            if flags & nfnl_sys::NFTA_FIB_F_PRESENT != 0 {
                o.push_str(" present");
            }
            let _ = write!(o, " => reg {} ", opt(f.dreg));
        }
        Expr::Objref(r) => {
            if let Some(n) = &r.imm_name {
                let _ = write!(o, "type {} name {n} ", opt(r.imm_type));
            } else {
                let _ = write!(
                    o,
                    "sreg {} set {} ",
                    opt(r.set_sreg),
                    r.set_name.as_deref()?
                );
            }
        }
        Expr::Exthdr(x) => {
            let op = opt(x.op).name()?;
            let present = if opt(x.flags) & 1 != 0 {
                " present"
            } else {
                ""
            };
            if x.sreg.is_none() && x.dreg.is_none() {
                let _ = write!(o, "reset {op}{} ", opt(x.kind));
            } else if let Some(sr) = x.sreg {
                let _ = write!(
                    o,
                    "write {op}reg {sr} => {}b @ {} + {}{present} ",
                    opt(x.len),
                    opt(x.kind),
                    opt(x.offset)
                );
            } else {
                let _ = write!(
                    o,
                    "load {op}{}b @ {} + {}{present} => reg {} ",
                    opt(x.len),
                    opt(x.kind),
                    opt(x.offset),
                    opt(x.dreg)
                );
            }
        }
        Expr::Rt(r) => {
            let _ = write!(o, "load {} => reg {} ", r.key?.name()?, opt(r.dreg));
        }
        Expr::Socket(r) => {
            let _ = write!(o, "load {} => reg {} ", r.key?.name()?, opt(r.dreg));
        }
        Expr::Numgen(n) => {
            let _ = write!(
                o,
                "reg {} = {} mod {} ",
                opt(n.dreg),
                n.kind?.name()?,
                opt(n.modulus)
            );
            if let Some(off) = n.offset.filter(|&x| x != 0) {
                let _ = write!(o, "offset {off} ");
            }
        }
        Expr::Hash(h) => {
            let kind = opt(h.kind);
            if kind == HashType::SYM {
                let _ = write!(
                    o,
                    "reg {} = symhash() % mod {} ",
                    opt(h.dreg),
                    opt(h.modulus)
                );
            } else {
                let _ = write!(
                    o,
                    "reg {} = jhash(reg {}, {}, 0x{:x}) % mod {} ",
                    opt(h.dreg),
                    opt(h.sreg),
                    opt(h.len),
                    opt(h.seed),
                    opt(h.modulus)
                );
            }
            if let Some(off) = h.offset.filter(|&x| x != 0) {
                let _ = write!(o, "offset {off} ");
            }
        }
        Expr::Synproxy(sp) => {
            let _ = write!(o, "mss {} wscale {} ", opt(sp.mss), opt(sp.wscale));
        }
        Expr::Fwd(f) => {
            let _ = write!(o, "sreg_dev {} ", opt(f.sreg_dev));
            if let Some(a) = f.sreg_addr {
                let _ = write!(o, "sreg_addr {a} nfproto {} ", opt(f.nfproto));
            }
        }
        Expr::Dup(d) => {
            if let Some(a) = d.sreg_addr {
                let _ = write!(o, "sreg_addr {a} ");
            }
            if let Some(dev) = d.sreg_dev {
                let _ = write!(o, "sreg_dev {dev} ");
            }
        }
        Expr::Tproxy(t) => {
            if let Some(f) = t.family.filter(|&f| f != 0) {
                let fam = family_name(ProtoFamily::from(u8::try_from(f).ok()?));
                let _ = write!(o, "{fam} ");
            }
            regs(o, &[("addr", t.reg_addr), ("port", t.reg_port)]);
        }
        Expr::Xfrm(x) => {
            let dir = if opt(x.dir) == 0 { "in" } else { "out" };
            let _ = write!(
                o,
                "load {dir} {} {} => reg {} ",
                opt(x.spnum),
                opt(x.key).name()?,
                opt(x.dreg)
            );
        }
        Expr::Queue(q) => {
            if let Some(n) = q.num {
                let _ = write!(o, "num {n}");
                let last = u32::from(n) + u32::from(opt(q.total)).saturating_sub(1);
                if q.total.is_some() && last != u32::from(n) {
                    let _ = write!(o, "-{last}");
                }
                o.push(' ');
            }
            if let Some(r) = q.sreg_qnum {
                let _ = write!(o, "sreg_qnum {r} ");
            }
            let f = opt(q.flags);
            if f & 0x1 != 0 {
                o.push_str("bypass ");
            }
            if f & 0x2 != 0 {
                o.push_str("fanout ");
            }
        }
        Expr::FlowOffload(f) => {
            let _ = write!(o, "flowtable {} ", f.table_name.as_deref()?);
        }
        Expr::Osf(x) => {
            let _ = write!(o, "dreg {} ", opt(x.dreg));
        }
        _ => return None,
    }
    Some(s)
}

fn regs(o: &mut String, list: &[(&str, Option<u32>)]) {
    for (name, r) in list {
        if let Some(r) = r {
            let _ = write!(o, "{name} reg {r} ");
        }
    }
}

/// libnftnl's user data: printable bytes as they are, others as `\xNN`.
fn userdata(u: &[u8]) -> String {
    let mut s = String::new();
    for &b in u {
        if b.is_ascii_graphic() || b == b' ' {
            s.push(char::from(b));
        } else {
            let _ = write!(s, "\\x{b:02x}");
        }
    }
    s
}

/// What `nft --debug=netlink` prints for a rule: the header line `FAMILY
/// TABLE CHAIN HANDLE [POSITION]`, one `  [ ... ]` line per expression,
/// then `  userdata = { ... }` or an empty line. `None` if one of its
/// expressions has no text here yet (see [`unsupported`]).
pub fn rule(r: &Rule) -> Option<String> {
    let mut s = format!(
        "{} {} {} {}",
        family_name(r.family),
        r.table.as_deref()?,
        r.chain.as_deref()?,
        opt(r.handle)
    );
    if let Some(p) = r.position {
        let _ = write!(s, " {p}");
    }
    s.push('\n');
    for e in r.exprs.iter().flat_map(|l| l.0.iter()) {
        let _ = writeln!(s, "  [ {}]", expr(e)?);
    }
    match &r.userdata {
        Some(u) => {
            let _ = writeln!(s, "  userdata = {{ {} }}", userdata(u));
        }
        None => s.push('\n'),
    }
    Some(s)
}

/// The expressions of `r` that have no text here yet (by name).
pub fn unsupported(r: &Rule) -> Vec<String> {
    r.exprs
        .iter()
        .flat_map(|l| l.0.iter())
        .filter(|e| expr(e).is_none())
        .map(|e| e.name().to_owned())
        .collect()
}

/// The header line of a set, `FAMILY TABLE @SET`.
pub fn set_header(s: &Set) -> Option<String> {
    Some(format!(
        "{} {} @{}\n",
        family_name(s.family),
        s.table.as_deref()?,
        s.name.as_deref()?
    ))
}

/// The element lines of a set's elements message: a tab, `element `, the
/// key words, ` : `, the data (maps) and the flags, ` [end]`.
pub fn elements(e: &SetElems) -> Option<String> {
    let mut s = String::new();
    for el in e.elements.iter().flat_map(|l| l.0.iter()) {
        s.push_str("\telement ");
        if let Some(k) = &el.key {
            s.push_str(&data_text(k, false)?);
        }
        if let Some(k) = &el.key_end {
            s.push_str(" - ");
            s.push_str(&data_text(k, false)?);
        }
        s.push_str(" : ");
        if let Some(d) = &el.data {
            s.push_str(&data_text(d, false)?);
        }
        let _ = write!(s, "{} [end]", el.flags.unwrap_or(ElemFlags::empty()).bits());
        if let Some(u) = &el.userdata {
            let _ = write!(s, "  userdata = {{ {} }}", userdata(u));
        }
        s.push('\n');
    }
    Some(s)
}
