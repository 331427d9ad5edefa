//! Helper for `cargo xtask bench nftables` (run inside a throwaway network
//! namespace, needs `CAP_NET_ADMIN` there). The ruleset it works on is
//! `table ip b` with a regular chain `c`, a set `s` of `ipv4_addr` and an
//! interval set `si` of `ipv4_addr` (created by the caller).
//!
//! - `nft_bench rules N`: one transaction appending N rules
//!   `ip saddr 10.x.y.z counter accept` to `c`.
//! - `nft_bench elems N`: one transaction adding N elements (11.0.0.0 + i) to
//!   `s`, from an iterator (each value encoded as it is made, then dropped).
//! - `nft_bench intervals N`: one transaction adding N/2 ranges (a start and
//!   an interval-end element each: N elements) to `si`, the same way.
//! - `nft_bench elems-one N`, `intervals-one N`: the same from a `Vec` of
//!   all N [`Element`] values made first.
//! - `nft_bench dump-rules`: dumps the rules of family ip, each decoded into
//!   a [`Rule`] with typed expressions (counted).
//! - `nft_bench dump-elems SET`: dumps the elements of a set of `b`, each
//!   decoded into an [`Element`] (keys read).
//! - `nft_bench bad N`: a transaction of N rule additions where the one at
//!   N / 2 looks up a set that does not exist; prints the error.
//! - `nft_bench write DIR ROWS ELEMS`: writes `rules.nft`, `elems.nft` and
//!   `intervals.nft` (the same content as the three transactions, for `nft -f`).
//!
//! Each measurement prints `count=<n> secs=<t> user=<user CPU s>
//! maxrss_kb=<peak RSS> base_kb=<peak RSS before the operation>`; the time
//! covers building the values, encoding, the kernel's work and decoding.

use std::fmt::Write as _;
use std::net::Ipv4Addr;
use std::ops::ControlFlow;
use std::time::Instant;

use nfnl_tables::expr::{CmpOp, PayloadBase};
use nfnl_tables::{
    Data, ElemFlags, Element, Expr, Nft, ProtoFamily, Rule, SetRef, Transaction, Verdict,
};

const IP: ProtoFamily = ProtoFamily::Ipv4;

fn vmhwm_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

/// User-space CPU seconds of this process so far (`utime` of
/// `/proc/self/stat`, in clock ticks of 1/100 s).
fn user_secs() -> f64 {
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            let rest = s.rsplit_once(')')?.1;
            // After the command: state is field 3, utime field 14.
            rest.split_whitespace().nth(11)?.parse::<f64>().ok()
        })
        .map_or(0.0, |t| t / 100.0)
}

/// `ip saddr <addr> counter accept`.
fn rule(addr: u32) -> Rule {
    Rule::new(
        IP,
        "b",
        "c",
        vec![
            Expr::payload(PayloadBase::NETWORK, 12, 4, 1),
            Expr::cmp(CmpOp::EQ, 1, addr.to_be_bytes()),
            Expr::counter(),
            Expr::verdict(Verdict::Accept),
        ],
    )
}

/// Key of the `i`-th element of the interval set: range j covers
/// 10.0.0.0 + 4j and + 4j + 1, its end element is + 4j + 2.
fn interval_elem(i: u32) -> Element {
    let j = i / 2;
    if i % 2 == 0 {
        Element::new((0x0a00_0000 + 4 * j).to_be_bytes())
    } else {
        let mut e = Element::new((0x0a00_0000 + 4 * j + 2).to_be_bytes());
        e.flags = Some(ElemFlags::INTERVAL_END);
        e
    }
}

fn write_files(dir: &str, rows: u32, elems: u32) -> std::io::Result<()> {
    let mut s = String::new();
    for i in 0..rows {
        let _ = writeln!(
            s,
            "add rule ip b c ip saddr {} counter accept",
            Ipv4Addr::from(0x0a00_0000 + i)
        );
    }
    std::fs::write(format!("{dir}/rules.nft"), &s)?;
    s.clear();
    s.push_str("add element ip b s {\n");
    for i in 0..elems {
        let _ = writeln!(s, "{},", Ipv4Addr::from(0x0b00_0000 + i));
    }
    s.push_str("}\n");
    std::fs::write(format!("{dir}/elems.nft"), &s)?;
    s.clear();
    s.push_str("add element ip b si {\n");
    for j in 0..elems / 2 {
        let a = 0x0a00_0000 + 4 * j;
        let _ = writeln!(s, "{}-{},", Ipv4Addr::from(a), Ipv4Addr::from(a + 1));
    }
    s.push_str("}\n");
    std::fs::write(format!("{dir}/intervals.nft"), &s)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mode = args.first().map(String::as_str).unwrap_or("");
    let num = |i: usize| -> u32 { args.get(i).and_then(|s| s.parse().ok()).unwrap_or(0) };
    if mode == "write" {
        let dir = args.get(1).map(String::as_str).unwrap_or(".");
        write_files(dir, num(2), num(3))?;
        return Ok(());
    }
    let mut nft = Nft::open()?;
    nft.set_request_timeout(None);
    let base = vmhwm_kb();
    let user0 = user_secs();
    let t = Instant::now();
    let mut count = 0u64;
    match mode {
        "rules" => {
            let n = num(1);
            let mut tx = Transaction::new();
            for i in 0..n {
                tx.add_rule(&rule(0x0a00_0000 + i))?;
            }
            nft.commit(&tx)?;
            count = n.into();
        }
        "elems" | "intervals" | "elems-one" | "intervals-one" => {
            let n = num(1);
            let (set, make): (&str, fn(u32) -> Element) = if mode.starts_with("elems") {
                ("s", |i| Element::new((0x0b00_0000 + i).to_be_bytes()))
            } else {
                ("si", interval_elem)
            };
            let mut tx = Transaction::new();
            if mode.ends_with("-one") {
                // A Vec of every Element value first (what a caller
                // holding them all pays), then added.
                let all: Vec<Element> = (0..n).map(make).collect();
                tx.add_elements(SetRef::new(IP, "b", set), &all)?;
            } else {
                // Each element made and encoded as the iterator yields it.
                tx.add_elements(SetRef::new(IP, "b", set), (0..n).map(make))?;
            }
            nft.commit(&tx)?;
            count = n.into();
        }
        "dump-rules" => {
            let mut exprs = 0u64;
            nft.dump_rules(IP, None, None, |r| {
                count += 1;
                exprs += r.exprs.as_ref().map_or(0, |l| l.0.len() as u64);
                ControlFlow::Continue(())
            })?;
            print!("exprs={exprs} ");
        }
        "dump-elems" => {
            let set = args.get(1).map(String::as_str).unwrap_or("s");
            let mut keybytes = 0u64;
            nft.dump_elements(IP, "b", set, |m| {
                for e in m.elements.iter().flat_map(|l| l.0.iter()) {
                    count += 1;
                    if let Some(Data::Value(k)) = &e.key {
                        keybytes += k.len() as u64;
                    }
                }
                ControlFlow::Continue(())
            })?;
            print!("keybytes={keybytes} ");
        }
        "bad" => {
            let n = num(1).max(1);
            let mut tx = Transaction::new();
            for i in 0..n {
                let mut r = rule(0x0a00_0000 + i);
                if i == n / 2 {
                    r = Rule::new(
                        IP,
                        "b",
                        "c",
                        vec![
                            Expr::payload(PayloadBase::NETWORK, 12, 4, 1),
                            Expr::lookup("missing", 1),
                            Expr::verdict(Verdict::Accept),
                        ],
                    );
                }
                tx.add_rule(&r)?;
            }
            match nft.commit(&tx) {
                Ok(()) => println!("ERROR the bad transaction was accepted"),
                Err(e) => println!(
                    "ERROR {n} rule additions, operation {} looks up a missing set; refused in {:.3} s: {e}",
                    n / 2,
                    t.elapsed().as_secs_f64()
                ),
            }
            return Ok(());
        }
        _ => {
            return Err(format!(
                "usage: nft_bench rules|elems|intervals N | dump-rules | dump-elems SET | bad N | write DIR ROWS ELEMS (got {mode:?})"
            )
            .into())
        }
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "count={count} secs={secs:.6} user={:.2} maxrss_kb={} base_kb={base}",
        user_secs() - user0,
        vmhwm_kb()
    );
    Ok(())
}
