//! `nftlist`: prints the ruleset as `nft list ruleset` prints it, or with
//! `--netlink` as `nft --debug=netlink list ruleset` prints its netlink
//! part, reading the kernel with `nfnl-tables`.
//!
//! Privileges: `CAP_NET_ADMIN` in the network namespace's owning user
//! namespace.
//!
//! Usage: `nftlist [-a] [FAMILY]`: the ruleset (of one family) in nft's
//! language, as `nft list ruleset [FAMILY]` (or `nft -a list ruleset`)
//! prints it
//! (`nfnl_tables::lang::text`: tables, objects, sets and maps with their
//! elements, flowtables, chains and their rules). A rule with a part that
//! is not translated yet prints as a comment naming its handle and the
//! kernel expressions left over.
//!
//! Usage: `nftlist --netlink [FAMILY [TABLE]]` or `nftlist -j [FAMILY
//! [TABLE]]` (FAMILY: `ip`, `ip6`, `inet`, `arp`, `bridge`, `netdev`), or
//! `nftlist -f FILE` to apply nft JSON (see `apply_file`).
//!
//! `-j` prints the ruleset as `nft -j list ruleset` prints it (nft 1.0.6's
//! JSON, one line): the kernel's expressions translated to nft's
//! statements by `nfnl_tables::lang`. A rule part that is not translated
//! yet prints as `{"untranslated": {"reason": ..., "expr": [...]}}`.
//!
//! `--netlink`: For each table in the kernel's
//! order: each set (anonymous ones included) as `FAMILY TABLE @SET` and
//! its elements, then each rule as `FAMILY TABLE CHAIN HANDLE [POSITION]`,
//! its `  [ expr ... ]` lines and its user data, byte for byte as nft 1.0.6
//! with libnftnl 1.2.4 prints them (`nfnl_tables::text`). An expression
//! whose text is not written yet prints as `  [ NAME (not printed yet) ]`.
//! Differences: nft then prints the ruleset in its own syntax; nftlist
//! does not.

use std::io::Write;
use std::ops::ControlFlow;
use std::process::ExitCode;

use nfnl_tables::{lang, text, Error, Nft, ProtoFamily, Rule, Ruleset, Set, Table};

const HELP: &str = "usage: nftlist [-a] [FAMILY] | nftlist --netlink|-j [FAMILY [TABLE]]\n";

fn family(name: &str) -> Option<ProtoFamily> {
    Some(match name {
        "ip" => ProtoFamily::Ipv4,
        "ip6" => ProtoFamily::Ipv6,
        "inet" => ProtoFamily::Inet,
        "arp" => ProtoFamily::Arp,
        "bridge" => ProtoFamily::Bridge,
        "netdev" => ProtoFamily::Netdev,
        _ => return None,
    })
}

fn rule_text(r: &Rule) -> String {
    if let Some(t) = text::rule(r) {
        return t;
    }
    let mut s = format!(
        "{} {} {} {}",
        text::family_name(r.family),
        r.table.as_deref().unwrap_or(""),
        r.chain.as_deref().unwrap_or(""),
        r.handle.unwrap_or(0)
    );
    if let Some(p) = r.position {
        s.push_str(&format!(" {p}"));
    }
    s.push('\n');
    for e in r.exprs.iter().flat_map(|l| l.0.iter()) {
        match text::expr(e) {
            Some(t) => s.push_str(&format!("  [ {t}]\n")),
            None => s.push_str(&format!("  [ {} (not printed yet) ]\n", e.name())),
        }
    }
    s.push('\n');
    s
}

fn list(fam: ProtoFamily, table: Option<&str>, out: &mut String) -> Result<(), Error> {
    let mut nft = Nft::open()?;
    let mut tables: Vec<Table> = Vec::new();
    nft.dump_tables(fam, |t| {
        if table.is_none() || t.name.as_deref() == table {
            tables.push(t);
        }
        ControlFlow::Continue(())
    })?;
    for t in &tables {
        let name = t.name.as_deref().unwrap_or("");
        let mut sets: Vec<Set> = Vec::new();
        nft.dump_sets(t.family, Some(name), |s| {
            sets.push(s);
            ControlFlow::Continue(())
        })?;
        for s in &sets {
            out.push_str(&text::set_header(s).unwrap_or_default());
            let set_name = s.name.as_deref().unwrap_or("");
            nft.dump_elements(t.family, name, set_name, |e| {
                out.push_str(&text::elements(&e).unwrap_or_default());
                ControlFlow::Continue(())
            })?;
        }
        nft.dump_rules(t.family, Some(name), None, |r| {
            out.push_str(&rule_text(&r));
            ControlFlow::Continue(())
        })?;
    }
    Ok(())
}

/// The ruleset in nft's language (`nft list ruleset`).
fn list_ruleset(handles: bool, fam: ProtoFamily) -> Result<String, Error> {
    let mut nft = Nft::open()?;
    let rs = Ruleset::read(&mut nft, fam)?;
    for w in lang::text::warnings(&rs) {
        eprintln!("{w}");
    }
    // (an index without a device gives an empty name, not an error)
    let ifname = |i: u32| {
        nix::net::if_::if_indextoname(i)
            .ok()
            .map(|c| c.to_string_lossy().into_owned())
            .filter(|n| !n.is_empty())
    };
    Ok(lang::text::Printer::new()
        .handles(handles)
        .ifname(&ifname)
        .ruleset(&rs))
}

/// `nft -j list ruleset`: the ruleset in nft's JSON.
fn list_json(fam: ProtoFamily, table: Option<&str>, out: &mut String) -> Result<(), Error> {
    let r = Ruleset::read(&mut Nft::open()?, fam)?;
    let ifname = |i: u32| {
        nix::net::if_::if_indextoname(i)
            .ok()
            .map(|c| c.to_string_lossy().into_owned())
    };
    let filter = lang::listing::Filter {
        family: (fam != ProtoFamily::Unspec).then_some(fam),
        table,
        ifname: Some(&ifname),
    };
    // Each item is written as it is made and dropped: one buffer.
    let mut w = lang::json::Writer::new(std::mem::take(out).into_bytes());
    lang::listing::listing_each(&r, &filter, &mut |it| w.item(&it));
    drop(r);
    let mut bytes = w.finish();
    bytes.push(b'\n');
    *out = String::from_utf8(bytes).unwrap_or_default();
    Ok(())
}

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    if let [flag, file] = &args[..] {
        if flag == "-f" {
            return apply_file(file);
        }
    }
    let text = match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        [] => Some((false, Some(ProtoFamily::Unspec))),
        ["-a"] => Some((true, Some(ProtoFamily::Unspec))),
        [f] if !f.starts_with('-') => Some((false, family(f))),
        ["-a", f] => Some((true, family(f))),
        _ => None,
    };
    if let Some((handles, fam)) = text {
        let Some(fam) = fam else {
            eprint!("nftlist: unknown family\n{HELP}");
            return ExitCode::from(2);
        };
        return match list_ruleset(handles, fam) {
            Ok(out) => {
                let _ = std::io::stdout().write_all(out.as_bytes());
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("nftlist: {e}");
                ExitCode::FAILURE
            }
        };
    }
    let json = args.first().is_some_and(|a| a == "-j");
    if json {
        args[0] = "--netlink".into();
    }
    let (fam, table) = match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["--netlink"] => (ProtoFamily::Unspec, None),
        ["--netlink", f] => match family(f) {
            Some(f) => (f, None),
            None => {
                eprint!("nftlist: unknown family {f:?}\n{HELP}");
                return ExitCode::from(2);
            }
        },
        ["--netlink", f, t] => match family(f) {
            Some(f) => (f, Some(t.to_owned())),
            None => {
                eprint!("nftlist: unknown family {f:?}\n{HELP}");
                return ExitCode::from(2);
            }
        },
        _ => {
            eprint!("{HELP}");
            return ExitCode::from(2);
        }
    };
    let mut out = String::new();
    let listed = if json {
        list_json(fam, table.as_deref(), &mut out)
    } else {
        list(fam, table.as_deref(), &mut out)
    };
    match listed {
        Ok(()) => {
            let _ = std::io::stdout().write_all(out.as_bytes());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("nftlist: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `nftlist -f FILE`: reads nft's JSON (a listing as `nft -j list ruleset`
/// prints it, or `add`/`insert`/`delete`/`flush`... commands), turns it
/// into the kernel's objects (`nfnl_tables::lang::json_in`) and applies it
/// in one transaction, as `nft -j -f FILE` does. A refusal names the
/// command and its index in the `nftables` array; nothing is applied.
fn apply_file(file: &str) -> ExitCode {
    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("nftlist: {file}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let applied = Nft::open().map_err(|e| e.to_string()).and_then(|mut nft| {
        let ifindex = |n: &str| nix::net::if_::if_nametoindex(n).ok();
        lang::json_in::apply_with(&mut nft, &text, Some(&ifindex)).map_err(|e| e.to_string())
    });
    match applied {
        Ok(_) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("nftlist: {file}: {e}");
            ExitCode::FAILURE
        }
    }
}
