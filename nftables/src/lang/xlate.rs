//! x_tables matches and targets (the rules of `iptables-nft` and
//! friends) in nft's language, as nft 1.0.6 prints them when it is built
//! with xtables support (the text the extensions' translations give).
//!
//! The `NFTA_MATCH_INFO`/`NFTA_TARGET_INFO` payloads are the extensions'
//! kernel structures (`include/uapi/linux/netfilter/xt_*.h`, `ipt_*.h`,
//! `nf_nat.h`), host-endian where the kernel keeps host values, read here
//! by offset with bounds checks. What is not translated here prints as nft
//! prints an extension it cannot translate: `xt match NAME`.

use std::fmt::Write as _;
use std::net::{Ipv4Addr, Ipv6Addr};

use nfnl::ProtoFamily;

use super::ast::Log;
use super::delinearize;
use crate::expr::Compat;

fn u8_at(b: &[u8], off: usize) -> Option<u8> {
    b.get(off).copied()
}

fn u16_ne(b: &[u8], off: usize) -> Option<u16> {
    Some(u16::from_ne_bytes(b.get(off..off + 2)?.try_into().ok()?))
}

fn u16_be(b: &[u8], off: usize) -> Option<u16> {
    Some(u16::from_be_bytes(b.get(off..off + 2)?.try_into().ok()?))
}

fn u32_ne(b: &[u8], off: usize) -> Option<u32> {
    Some(u32::from_ne_bytes(b.get(off..off + 4)?.try_into().ok()?))
}

fn cstr(b: &[u8]) -> String {
    let end = b.iter().position(|&x| x == 0).unwrap_or(b.len());
    String::from_utf8_lossy(&b[..end]).into_owned()
}

/// An address of `union nf_inet_addr` at `off` for the family.
fn inet_addr(b: &[u8], off: usize, v6: bool) -> Option<String> {
    if v6 {
        let a: [u8; 16] = b.get(off..off + 16)?.try_into().ok()?;
        Some(Ipv6Addr::from(a).to_string())
    } else {
        let a: [u8; 4] = b.get(off..off + 4)?.try_into().ok()?;
        Some(Ipv4Addr::from(a).to_string())
    }
}

/// The text of one extension; `None` when it is not translated here.
/// `l4` is the layer-4 protocol the rule matches before it (`tcp`), which
/// port matches need.
pub(crate) fn text(
    c: &Compat,
    target: bool,
    family: ProtoFamily,
    l4: Option<&str>,
) -> Option<String> {
    let name = c.name.as_deref()?;
    let rev = c.rev.unwrap_or(0);
    let b = c.info.as_deref().unwrap_or(&[]);
    let v6 = family == ProtoFamily::Ipv6;
    match (target, name, rev) {
        (false, "comment", 0) => Some(String::new()),
        (false, "conntrack", 1..=3) => conntrack(b),
        (false, "multiport", 1) => multiport(b, l4?),
        (false, "addrtype", 1) => addrtype(b),
        (false, "iprange", 1) => iprange(b, v6),
        (false, "length", 0) => length(b),
        (false, "owner", 1) => owner(b),
        (false, "pkttype", 0) => pkttype(b),
        (false, "mac", 0) => mac(b),
        (false, "icmp", 0) => icmp(b),
        (false, "dscp", 0) => dscp(b, v6),
        (false, "ttl", 0) => ttl(b),
        (false, "helper", 0) => helper(b),
        (false, "ip", 0) if family == ProtoFamily::Bridge => ebt_ip(b),
        (false, "mark_m", 0) if family == ProtoFamily::Bridge => ebt_mark(b),
        (true, "log", 0) if family == ProtoFamily::Bridge => ebt_log(b),
        (true, "NFQUEUE", 0..=3) => nfqueue(b, rev),
        (true, "CT", 0..=2) => ct_target(b),
        (true, "LOG", 0) => log(b),
        (true, "REJECT", 0) => reject(b, v6),
        (true, "MARK", 2) => mark(b),
        (true, "CONNMARK", 1 | 2) => connmark(b, rev),
        (true, "MASQUERADE", 0) => nat_compat("masquerade", b),
        (true, "SNAT" | "DNAT", 0) => nat_compat(&name.to_ascii_lowercase(), b),
        // nft 1.0.6 does not find these for ip6 tables ("XT target DNAT
        // not found" on its standard error) and prints nothing for them.
        (true, "SNAT" | "DNAT", _) if v6 => Some(String::new()),
        (true, "SNAT" | "DNAT", 1 | 2) => nat_range2(&name.to_ascii_lowercase(), b, v6),
        _ => None,
    }
}

/// `xt_conntrack_mtinfo1..3`: the state part (`ct state ...`).
fn conntrack(b: &[u8]) -> Option<String> {
    // The address and mask unions (8 x 16 bytes), then expires_min/max,
    // l4proto and the four ports (u16 each), then match_flags and
    // invert_flags, then state_mask (u8 in revision 1, u16 after).
    let flags = u16_ne(b, 146)?;
    let invert = u16_ne(b, 148)?;
    const STATE: u16 = 1;
    const STATE_ALIAS: u16 = 1 << 13;
    if flags & !STATE_ALIAS != STATE {
        return None;
    }
    let mask = u16_ne(b, 150)?;
    // XT_CONNTRACK_STATE_SNAT/DNAT are ct status bits: not written here.
    if mask & (1 << 6 | 1 << 7) != 0 || mask == 0 {
        return None;
    }
    let names = [
        (1u16, "invalid"),
        (1 << 3, "new"),
        (1 << 2, "related"),
        (1 << 1, "established"),
        (1 << 8, "untracked"),
    ];
    let mut rest = mask;
    let mut out = Vec::new();
    for (bit, n) in names {
        if mask & bit != 0 {
            out.push(n);
            rest &= !bit;
        }
    }
    if rest != 0 {
        return None;
    }
    let neg = if invert & STATE != 0 { "! " } else { "" };
    Some(format!("ct state {neg}{}", out.join(",")))
}

/// `xt_multiport_v1`: `tcp dport { 80, 443 }`.
fn multiport(b: &[u8], l4: &str) -> Option<String> {
    let dir = match u8_at(b, 0)? {
        0 => "sport",
        1 => "dport",
        _ => return None,
    };
    let count = usize::from(u8_at(b, 1)?);
    if count == 0 || count > 15 || u8_at(b, 47)? != 0 {
        return None;
    }
    let mut items = Vec::new();
    let mut i = 0;
    while i < count {
        let p = u16_ne(b, 2 + 2 * i)?;
        if u8_at(b, 32 + i)? != 0 && i + 1 < count {
            items.push(format!("{p}-{}", u16_ne(b, 2 + 2 * (i + 1))?));
            i += 2;
        } else {
            items.push(p.to_string());
            i += 1;
        }
    }
    Some(if items.len() == 1 {
        format!("{l4} {dir} {}", items[0])
    } else {
        format!("{l4} {dir} {{ {} }}", items.join(", "))
    })
}

/// `xt_addrtype_info_v1`: `fib daddr type local`.
fn addrtype(b: &[u8]) -> Option<String> {
    let (src, dst, flags) = (u16_ne(b, 0)?, u16_ne(b, 2)?, u32_ne(b, 4)?);
    let types = [
        "unspec",
        "unicast",
        "local",
        "broadcast",
        "anycast",
        "multicast",
        "blackhole",
        "unreachable",
        "prohibit",
    ];
    let one = |m: u16| -> Option<&str> {
        (m.count_ones() == 1)
            .then(|| types.get(m.trailing_zeros() as usize).copied())
            .flatten()
    };
    // XT_ADDRTYPE_INVERT_SOURCE/DEST and interface limits: not here.
    if flags != 0 {
        return None;
    }
    match (src, dst) {
        (0, d) if d != 0 => Some(format!("fib daddr type {}", one(d)?)),
        (s, 0) if s != 0 => Some(format!("fib saddr type {}", one(s)?)),
        _ => None,
    }
}

/// `xt_iprange_mtinfo`: `ip saddr 10.0.0.1-10.0.0.9`.
fn iprange(b: &[u8], v6: bool) -> Option<String> {
    let flags = u8_at(b, 64)?;
    let fam = if v6 { "ip6" } else { "ip" };
    let mut parts = Vec::new();
    for (bit, inv, off, dir) in [(1u8, 0x10u8, 0, "saddr"), (2, 0x20, 32, "daddr")] {
        if flags & bit != 0 {
            let neg = if flags & inv != 0 { "!= " } else { "" };
            parts.push(format!(
                "{fam} {dir} {neg}{}-{}",
                inet_addr(b, off, v6)?,
                inet_addr(b, off + 16, v6)?
            ));
        }
    }
    (!parts.is_empty()).then(|| parts.join(" "))
}

/// `xt_owner_match_info`: `skuid 1000`, `skgid 100-200`.
fn owner(b: &[u8]) -> Option<String> {
    let (m, inv) = (u8_at(b, 16)?, u8_at(b, 17)?);
    let mut parts = Vec::new();
    // XT_OWNER_UID 1, XT_OWNER_GID 2; socket and supplementary groups: not here.
    if m & !3 != 0 || m == 0 {
        return None;
    }
    for (bit, off, key) in [(1u8, 0usize, "skuid"), (2, 8, "skgid")] {
        if m & bit != 0 {
            let (lo, hi) = (u32_ne(b, off)?, u32_ne(b, off + 4)?);
            let neg = if inv & bit != 0 { "!= " } else { "" };
            parts.push(if lo == hi {
                format!("{key} {neg}{lo}")
            } else {
                format!("{key} {neg}{lo}-{hi}")
            });
        }
    }
    Some(parts.join(" "))
}

/// `xt_length_info`: `meta length 100-200`.
fn length(b: &[u8]) -> Option<String> {
    let (min, max, inv) = (u16_ne(b, 0)?, u16_ne(b, 2)?, u8_at(b, 4)?);
    let neg = if inv != 0 { "!= " } else { "" };
    Some(if min == max {
        format!("meta length {neg}{min}")
    } else {
        format!("meta length {neg}{min}-{max}")
    })
}

/// `xt_pkttype_info`: `pkttype broadcast`.
fn pkttype(b: &[u8]) -> Option<String> {
    let (t, inv) = (u32_ne(b, 0)?, u32_ne(b, 4)?);
    let name = ["host", "broadcast", "multicast", "other"].get(usize::try_from(t).ok()?)?;
    let neg = if inv != 0 { "!= " } else { "" };
    Some(format!("pkttype {neg}{name}"))
}

/// `xt_mac_info`: `ether saddr 00:11:22:33:44:55`.
fn mac(b: &[u8]) -> Option<String> {
    let a = b.get(0..6)?;
    let neg = if u32_ne(b, 8)? != 0 { "!= " } else { "" };
    let text: Vec<String> = a.iter().map(|x| format!("{x:02x}")).collect();
    Some(format!("ether saddr {neg}{}", text.join(":")))
}

/// `ipt_icmp` with any code: `icmp type echo-request`.
fn icmp(b: &[u8]) -> Option<String> {
    let (t, lo, hi, inv) = (u8_at(b, 0)?, u8_at(b, 1)?, u8_at(b, 2)?, u8_at(b, 3)?);
    if (lo, hi, inv) != (0, 255, 0) {
        return None;
    }
    let name = match t {
        0 => "echo-reply",
        3 => "destination-unreachable",
        4 => "source-quench",
        5 => "redirect",
        8 => "echo-request",
        9 => "router-advertisement",
        10 => "router-solicitation",
        11 => "time-exceeded",
        12 => "parameter-problem",
        13 => "timestamp-request",
        14 => "timestamp-reply",
        15 => "info-request",
        16 => "info-reply",
        17 => "address-mask-request",
        18 => "address-mask-reply",
        _ => return Some(format!("icmp type {t}")),
    };
    Some(format!("icmp type {name}"))
}

/// `xt_dscp_info`: `ip dscp 0x10`.
fn dscp(b: &[u8], v6: bool) -> Option<String> {
    let (d, inv) = (u8_at(b, 0)?, u8_at(b, 1)?);
    let neg = if inv != 0 { "!= " } else { "" };
    let fam = if v6 { "ip6" } else { "ip" };
    Some(format!("{fam} dscp {neg}0x{d:02x}"))
}

/// `ipt_ttl_info`: `ip ttl 64`, `ip ttl != 64`, `<`, `>`.
fn ttl(b: &[u8]) -> Option<String> {
    let op = ["", "!= ", "lt ", "gt "].get(usize::from(u8_at(b, 0)?))?;
    Some(format!("ip ttl {op}{}", u8_at(b, 1)?))
}

/// `xt_helper_info`: `ct helper "ftp"`.
fn helper(b: &[u8]) -> Option<String> {
    let neg = if u32_ne(b, 0)? != 0 { "!= " } else { "" };
    Some(format!("ct helper {neg}\"{}\"", cstr(b.get(4..34)?)))
}

/// `ebt_ip_info` (ebtables `-p IPv4 --ip-src ...`): addresses and protocol.
fn ebt_ip(b: &[u8]) -> Option<String> {
    let bitmask = u8_at(b, 18)?;
    let inv = u8_at(b, 19)?;
    // EBT_IP_SOURCE 1, DEST 2, TOS 4, PROTO 8, SPORT 0x10, DPORT 0x20
    if bitmask & !0x0b != 0 {
        return None;
    }
    let mut parts = Vec::new();
    for (bit, off, dir) in [(1u8, 0usize, "saddr"), (2, 4, "daddr")] {
        if bitmask & bit != 0 {
            let a = Ipv4Addr::from(<[u8; 4]>::try_from(b.get(off..off + 4)?).ok()?);
            let m = u32::from_be_bytes(b.get(off + 8..off + 12)?.try_into().ok()?);
            let neg = if inv & bit != 0 { "!= " } else { "" };
            if m == u32::MAX {
                parts.push(format!("ip {dir} {neg}{a}"));
            } else if m.leading_ones() + m.trailing_zeros() == 32 {
                parts.push(format!("ip {dir} {neg}{a}/{}", m.leading_ones()));
            } else {
                return None;
            }
        }
    }
    if bitmask & 8 != 0 {
        let neg = if inv & 8 != 0 { "!= " } else { "" };
        parts.push(format!(
            "ip protocol {neg}{}",
            super::text::proto_name(u8_at(b, 17)?)
        ));
    }
    Some(parts.join(" "))
}

/// `ebt_mark_m_info`: `meta mark 0x5`.
fn ebt_mark(b: &[u8]) -> Option<String> {
    let mark = u64::from_ne_bytes(b.get(0..8)?.try_into().ok()?);
    let mask = u64::from_ne_bytes(b.get(8..16)?.try_into().ok()?);
    let (inv, bitmask) = (u8_at(b, 16)?, u8_at(b, 17)?);
    // EBT_MARK_AND with a full mask: a plain comparison.
    if bitmask != 1 || mask != u64::from(u32::MAX) {
        return None;
    }
    let neg = if inv != 0 { "!= " } else { "" };
    Some(format!("meta mark {neg}0x{mark:x}"))
}

/// `ebt_log_info`: `log prefix "x" level notice flags ether`.
fn ebt_log(b: &[u8]) -> Option<String> {
    let level = u8_at(b, 0)?;
    let prefix = cstr(b.get(1..31)?);
    let mut s = String::from("log");
    if !prefix.is_empty() {
        let _ = write!(s, " prefix \"{prefix}\"");
    }
    if level != 4 {
        let name = [
            "emerg", "alert", "crit", "err", "warn", "notice", "info", "debug",
        ]
        .get(usize::from(level))?;
        let _ = write!(s, " level {name}");
    }
    s.push_str(" flags ether");
    Some(s)
}

/// `xt_NFQ_info` (revisions 0..3): `queue num 3`.
fn nfqueue(b: &[u8], rev: u32) -> Option<String> {
    let num = u16_ne(b, 0)?;
    let total = if rev >= 1 { u16_ne(b, 2)? } else { 1 };
    let flags = if rev >= 2 { u16_ne(b, 4)? } else { 0 };
    if flags != 0 {
        return None;
    }
    Some(if total > 1 {
        format!("queue num {num}-{}", num + total - 1)
    } else {
        format!("queue num {num}")
    })
}

/// `xt_ct_target_info`: `notrack` (XT_CT_NOTRACK).
fn ct_target(b: &[u8]) -> Option<String> {
    (u16_ne(b, 0)? & 1 != 0).then(|| "notrack".to_owned())
}

/// `xt_log_info`: `log prefix "..." level info flags ...`.
fn log(b: &[u8]) -> Option<String> {
    let level = u8_at(b, 0)?;
    let flags = u8_at(b, 1)?;
    let prefix = cstr(b.get(2..32)?);
    Some(super::text::log_text(&Log {
        prefix: (!prefix.is_empty()).then_some(prefix),
        group: None,
        snaplen: None,
        qthreshold: None,
        level: delinearize::log_level(level.into()),
        flags: delinearize::log_flags(flags.into()),
    }))
}

/// `ipt_reject_info` / `ip6t_reject_info`: `reject with icmp type ...`.
fn reject(b: &[u8], v6: bool) -> Option<String> {
    let with = u32_ne(b, 0)?;
    if v6 {
        let names = [
            "no-route",
            "admin-prohibited",
            "",
            "addr-unreachable",
            "port-unreachable",
            "",
            "tcp reset",
            "policy-fail",
            "reject-route",
        ];
        return match with {
            4 => Some("reject".into()),
            6 => Some("reject with tcp reset".into()),
            w => names
                .get(usize::try_from(w).ok()?)
                .filter(|n| !n.is_empty())
                .map(|n| format!("reject with icmpv6 type {n}")),
        };
    }
    let names = [
        "net-unreachable",
        "host-unreachable",
        "prot-unreachable",
        "port-unreachable",
        "",
        "net-prohibited",
        "host-prohibited",
        "tcp reset",
        "admin-prohibited",
    ];
    match with {
        3 => Some("reject".into()),
        7 => Some("reject with tcp reset".into()),
        w => names
            .get(usize::try_from(w).ok()?)
            .filter(|n| !n.is_empty())
            .map(|n| format!("reject with icmp type {n}")),
    }
}

/// `xt_mark_tginfo2`: `meta mark set 0x2`, `... set mark and 0x.. xor 0x..`.
fn mark(b: &[u8]) -> Option<String> {
    let (value, mask) = (u32_ne(b, 0)?, u32_ne(b, 4)?);
    Some(if mask == u32::MAX {
        format!("meta mark set 0x{value:x}")
    } else {
        format!("meta mark set mark and 0x{:x} xor 0x{value:x}", !mask)
    })
}

/// `xt_connmark_tginfo1/2`: set, save, restore.
fn connmark(b: &[u8], rev: u32) -> Option<String> {
    let (ctmark, ctmask, nfmask) = (u32_ne(b, 0)?, u32_ne(b, 4)?, u32_ne(b, 8)?);
    // Revision 2 puts shift_dir and shift_bits before the mode.
    let mode = u8_at(b, if rev == 2 { 14 } else { 12 })?;
    match (mode, ctmask, nfmask) {
        (0, u32::MAX, _) => Some(format!("ct mark set 0x{ctmark:x}")),
        (1, u32::MAX, u32::MAX) => Some("ct mark set mark".into()),
        (2, u32::MAX, u32::MAX) => Some("meta mark set ct mark".into()),
        _ => None,
    }
}

/// NAT flags as nft prints them after the address.
fn nat_flags(flags: u32) -> String {
    let f = super::delinearize::nat_flags(flags);
    if f.is_empty() {
        String::new()
    } else {
        format!(" {}", f.join(","))
    }
}

fn ports(flags: u32, min: u16, max: u16) -> Option<String> {
    // NF_NAT_RANGE_PROTO_SPECIFIED
    (flags & 2 != 0).then(|| {
        if min == max {
            format!(":{min}")
        } else {
            format!(":{min}-{max}")
        }
    })
}

/// `nf_nat_ipv4_multi_range_compat` (one range): SNAT, DNAT revision 0,
/// MASQUERADE.
fn nat_compat(kw: &str, b: &[u8]) -> Option<String> {
    if u32_ne(b, 0)? != 1 {
        return None;
    }
    let flags = u32_ne(b, 4)?;
    let min = Ipv4Addr::from(<[u8; 4]>::try_from(b.get(8..12)?).ok()?);
    let max = Ipv4Addr::from(<[u8; 4]>::try_from(b.get(12..16)?).ok()?);
    let p = ports(flags, u16_be(b, 16)?, u16_be(b, 18)?);
    let mut s = kw.to_owned();
    // NF_NAT_RANGE_MAP_IPS
    let addr = if flags & 1 != 0 {
        Some(if min == max {
            min.to_string()
        } else {
            format!("{min}-{max}")
        })
    } else {
        None
    };
    match (addr, p) {
        (Some(a), Some(p)) => {
            let _ = write!(s, " to {a}{p}");
        }
        (Some(a), None) => {
            let _ = write!(s, " to {a}");
        }
        (None, Some(p)) => {
            let _ = write!(s, " to {p}");
        }
        (None, None) => {}
    }
    s.push_str(&nat_flags(flags));
    Some(s)
}

/// `nf_nat_range` / `nf_nat_range2`: SNAT and DNAT revisions 1 and 2.
fn nat_range2(kw: &str, b: &[u8], v6: bool) -> Option<String> {
    let flags = u32_ne(b, 0)?;
    let (min, max) = (inet_addr(b, 4, v6)?, inet_addr(b, 20, v6)?);
    let p = ports(flags, u16_be(b, 36)?, u16_be(b, 38)?);
    let mut s = kw.to_owned();
    let addr = (flags & 1 != 0).then(|| {
        if min == max {
            min.clone()
        } else {
            format!("{min}-{max}")
        }
    });
    match (addr, p) {
        (Some(a), Some(p)) if v6 => {
            let _ = write!(s, " to [{a}]{p}");
        }
        (Some(a), Some(p)) => {
            let _ = write!(s, " to {a}{p}");
        }
        (Some(a), None) => {
            let _ = write!(s, " to {a}");
        }
        (None, Some(p)) => {
            let _ = write!(s, " to {p}");
        }
        (None, None) => {}
    }
    s.push_str(&nat_flags(flags));
    Some(s)
}

#[cfg(test)]
mod tests {
    use super::super::text::tests::hex;
    use super::*;

    fn x(name: &str, rev: u32, info: &str, target: bool, l4: Option<&str>) -> Option<String> {
        let c = Compat {
            name: Some(name.into()),
            rev: Some(rev),
            info: Some(hex(info)),
            ..Default::default()
        };
        text(&c, target, ProtoFamily::Ipv4, l4)
    }

    /// A conntrack revision 3 info with match/invert flags and state mask.
    fn ct(flags: &str, state: &str) -> String {
        format!("{}{flags}{state}{}", "00".repeat(146), "00".repeat(16))
    }

    #[test]
    fn matches_as_nft_translates_them() {
        // --ctstate RELATED,ESTABLISHED / ! --ctstate INVALID / -m state NEW
        assert_eq!(
            x("conntrack", 3, &ct("01000000", "0600"), false, None).unwrap(),
            "ct state related,established"
        );
        assert_eq!(
            x("conntrack", 3, &ct("01000100", "0100"), false, None).unwrap(),
            "ct state ! invalid"
        );
        assert_eq!(
            x("conntrack", 3, &ct("01200000", "0800"), false, None).unwrap(),
            "ct state new"
        );
        // SNAT/DNAT state bits are not translated here.
        assert_eq!(
            x("conntrack", 3, &ct("01000000", "c901"), false, None),
            None
        );
        assert_eq!(
            x("multiport", 1, "000350005a00bb0100000000000000000000000000000000000000000000000001000000000000000000000000000000", false, Some("tcp")).unwrap(),
            "tcp sport { 80-90, 443 }"
        );
        assert_eq!(x("multiport", 1, "0101350000", false, Some("udp")), None); // short
        assert_eq!(
            x("addrtype", 1, "0000040000000000", false, None).unwrap(),
            "fib daddr type local"
        );
        assert_eq!(x("comment", 0, "616200", false, None).unwrap(), "");
        let iprange = format!(
            "0a000001{}0a000009{}01{}",
            "00".repeat(12),
            "00".repeat(44),
            "00".repeat(7)
        );
        assert_eq!(
            x("iprange", 1, &iprange, false, None).unwrap(),
            "ip saddr 10.0.0.1-10.0.0.9"
        );
        assert_eq!(x("recent", 1, "00", false, None), None);
    }

    #[test]
    fn targets_as_nft_translates_them() {
        assert_eq!(
            x(
                "LOG",
                0,
                "040064726f703a20000000000000000000000000000000000000000000000000",
                true,
                None
            )
            .unwrap(),
            "log prefix \"drop: \""
        );
        assert_eq!(
            x(
                "LOG",
                0,
                "0605000000000000000000000000000000000000000000000000000000000000",
                true,
                None
            )
            .unwrap(),
            "log level info flags tcp sequence flags ip options"
        );
        assert_eq!(
            x("REJECT", 0, "0600000000000000", true, None).unwrap(),
            "reject with icmp type host-prohibited"
        );
        assert_eq!(
            x("REJECT", 0, "0300000000000000", true, None).unwrap(),
            "reject"
        );
        assert_eq!(
            x("MARK", 2, "02000000ffffffff", true, None).unwrap(),
            "meta mark set 0x2"
        );
        assert_eq!(
            x("MARK", 2, "01000000ff000000", true, None).unwrap(),
            "meta mark set mark and 0xffffff00 xor 0x1"
        );
        assert_eq!(
            x(
                "CONNMARK",
                2,
                "00000000ffffffffffffffff00000200",
                true,
                None
            )
            .unwrap(),
            "meta mark set ct mark"
        );
        assert_eq!(
            x(
                "SNAT",
                0,
                "010000000100000001020304010203040000000000000000",
                true,
                None
            )
            .unwrap(),
            "snat to 1.2.3.4"
        );
        assert_eq!(
            x(
                "MASQUERADE",
                0,
                "0100000002000000000000000000000003e807d000000000",
                true,
                None
            )
            .unwrap(),
            "masquerade to :1000-2000"
        );
        assert_eq!(
            x("DNAT", 2, "03000000ac110002000000000000000000000000ac110002000000000000000000000000005000500000000000000000", true, None)
                .unwrap(),
            "dnat to 172.17.0.2:80"
        );
        // Truncated payloads give no text, never a panic.
        for n in [
            "LOG",
            "REJECT",
            "MARK",
            "CONNMARK",
            "SNAT",
            "DNAT",
            "MASQUERADE",
        ] {
            for rev in 0..3 {
                assert_eq!(x(n, rev, "01", true, None).filter(|t| !t.is_empty()), None);
            }
        }
    }
}
