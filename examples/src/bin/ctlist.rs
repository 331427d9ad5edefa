//! `ctlist`: list the conntrack table like `conntrack -L`, one line per entry
//! in the same format.
//!
//! Privileges: `CAP_NET_ADMIN` in the network namespace's owning user namespace.
//! No firewall rule is needed to list; entries appear once a rule uses
//! conntrack (e.g. `iptables -A INPUT -m conntrack --ctstate NEW,ESTABLISHED -j ACCEPT`).
//!
//! Usage: `ctlist [-f ipv4|ipv6] [-p PROTO] [-s ADDR] [-d ADDR] [--sport N]
//! [--dport N] [--zone N] [--mark N[/MASK]] [-o id|extended]`; no arguments lists all.

use std::process::ExitCode;

use nfconntrack::{proto, Conntrack, DisplayOptions, Family, Filter};

fn parse_num<T: std::str::FromStr>(s: &str) -> Option<T> {
    if let Some(h) = s.strip_prefix("0x") {
        u64::from_str_radix(h, 16).ok()?.to_string().parse().ok()
    } else {
        s.parse().ok()
    }
}

fn parse_proto(s: &str) -> Option<u8> {
    Some(match s {
        "tcp" => proto::TCP,
        "udp" => proto::UDP,
        "udplite" => proto::UDPLITE,
        "icmp" => proto::ICMP,
        "icmpv6" | "ipv6-icmp" => proto::ICMPV6,
        "sctp" => proto::SCTP,
        "dccp" => proto::DCCP,
        "gre" => proto::GRE,
        n => return parse_num(n),
    })
}

/// Parses the filter options shared by `ctlist` and `ctdelete`.
pub fn parse_args(args: &[String]) -> Result<(Filter, DisplayOptions), String> {
    let mut f = Filter::new();
    let mut opts = DisplayOptions::default();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut val = || it.next().cloned().ok_or(format!("{a} needs a value"));
        match a.as_str() {
            "-f" | "--family" => {
                f.family = Some(match val()?.as_str() {
                    "ipv4" => Family::Ipv4,
                    "ipv6" => Family::Ipv6,
                    o => return Err(format!("unknown family {o}")),
                });
            }
            "-p" | "--proto" => {
                let v = val()?;
                f.orig.proto = Some(parse_proto(&v).ok_or(format!("bad protocol {v}"))?);
            }
            "-s" | "--src" | "--orig-src" => {
                let v = val()?;
                f.orig.src = Some(v.parse().map_err(|_| format!("bad address {v}"))?);
            }
            "-d" | "--dst" | "--orig-dst" => {
                let v = val()?;
                f.orig.dst = Some(v.parse().map_err(|_| format!("bad address {v}"))?);
            }
            "--sport" | "--orig-port-src" => {
                let v = val()?;
                f.orig.src_port = Some(parse_num(&v).ok_or(format!("bad port {v}"))?);
            }
            "--dport" | "--orig-port-dst" => {
                let v = val()?;
                f.orig.dst_port = Some(parse_num(&v).ok_or(format!("bad port {v}"))?);
            }
            "-w" | "--zone" => {
                let v = val()?;
                f.zone = Some(parse_num(&v).ok_or(format!("bad zone {v}"))?);
            }
            "-m" | "--mark" => {
                let v = val()?;
                let (m, mask) = match v.split_once('/') {
                    Some((m, k)) => (parse_num(m), parse_num(k)),
                    None => (parse_num(&v), Some(u32::MAX)),
                };
                match (m, mask) {
                    (Some(m), Some(k)) => f = f.mark(m, k),
                    _ => return Err(format!("bad mark {v}")),
                }
            }
            "-o" | "--output" => {
                for o in val()?.split(',') {
                    match o {
                        "id" => opts.id = true,
                        "extended" => opts.extended = true,
                        "labels" => opts.labels = true,
                        _ => return Err(format!("unknown output option {o}")),
                    }
                }
            }
            "-h" | "--help" => return Err(String::new()),
            o => return Err(format!("unknown option {o}")),
        }
    }
    Ok((f, opts))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (filter, opts) = match parse_args(&args) {
        Ok(x) => x,
        Err(e) => {
            eprintln!(
                "{e}\nusage: ctlist [-f ipv4|ipv6] [-p PROTO] [-s ADDR] [-d ADDR] [--sport N] \
                 [--dport N] [--zone N] [--mark N[/MASK]] [-o id,extended,labels]"
            );
            return ExitCode::from(2);
        }
    };
    let mut ct = match Conntrack::open() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("ctlist: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut n = 0u64;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let r = ct.dump_filtered(&filter, |flow| {
        use std::io::Write;
        n += 1;
        if writeln!(out, "{}", flow.display_with(opts)).is_err() {
            return std::ops::ControlFlow::Break(());
        }
        std::ops::ControlFlow::Continue(())
    });
    drop(out);
    match r {
        Ok(()) => {
            eprintln!("ctlist: {n} flow entries have been shown.");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("ctlist: {e}");
            ExitCode::FAILURE
        }
    }
}
