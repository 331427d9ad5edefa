//! `nfct`: the timeout-policy commands of the `nfct` tool, over
//! `nfnl-cttimeout`, printing exactly what the tool prints on stdout.
//!
//! Privileges: `CAP_NET_ADMIN` in the network namespace's owning user namespace.
//!
//! Usage (the tool's syntax; FAMILY is `inet` or `inet6`, PROTO one of
//! `tcp udp udplite icmp icmpv6 sctp gre dccp generic`, STATE a state of
//! PROTO as the tool names it, any case):
//! - `nfct add timeout NAME FAMILY PROTO STATE SECS [STATE SECS]...`
//! - `nfct list timeout`, `nfct get timeout NAME`
//! - `nfct delete timeout NAME`, `nfct flush timeout`
//! - `nfct default-get timeout FAMILY PROTO`
//! - `nfct default-set timeout FAMILY PROTO STATE SECS [STATE SECS]...`
//!
//! Where it differs from the tool: errors go to stderr as `nfct: <error>`
//! with this library's wording (exit 1; 2 for a usage error); a timeout
//! above `MAX_TIMEOUT_SECS` is refused (the tool sends it and the kernel
//! keeps a wrapped value); `add` without a state is refused here (the tool
//! sends no timeouts and the kernel answers `EINVAL`). Like the tool, a
//! value is read as C's `strtoul` reads it (leading digits, else 0) and a
//! name is cut to 31 bytes.

use std::fmt::Write as _;

use nfnl_cttimeout::{
    CtTimeout, Error, IpProto, Policy, ProtoFamily, Timeouts, GENERIC, MAX_NAME_LEN,
};

const HELP: &str = "\
usage: nfct add timeout NAME FAMILY PROTO STATE SECS [STATE SECS]...
       nfct list timeout
       nfct get timeout NAME
       nfct delete timeout NAME
       nfct flush timeout
       nfct default-get timeout FAMILY PROTO
       nfct default-set timeout FAMILY PROTO STATE SECS [STATE SECS]...
FAMILY: inet | inet6   PROTO: tcp udp udplite icmp icmpv6 sctp gre dccp generic
";

/// One command of the tool.
enum Cmd {
    Add(Policy),
    List,
    Get(String),
    Delete(String),
    Flush,
    DefaultGet(ProtoFamily, IpProto),
    DefaultSet(ProtoFamily, Timeouts),
}

/// The states the tool knows, by protocol: this library's names, except
/// SCTP's heartbeat states, which the tool neither takes nor prints.
fn tool_knows(t: &Timeouts, name: &str) -> bool {
    !(matches!(t, Timeouts::Sctp(_)) && name.starts_with("heartbeat"))
}

fn family(s: &str) -> Result<ProtoFamily, String> {
    match s {
        "inet" => Ok(ProtoFamily::Ipv4),
        "inet6" => Ok(ProtoFamily::Ipv6),
        _ => Err("unknown layer 3 protocol".into()),
    }
}

fn proto(s: &str) -> Result<IpProto, String> {
    Ok(match s {
        "tcp" => IpProto::TCP,
        "udp" => IpProto::UDP,
        "udplite" => IpProto::UDPLITE,
        "icmp" => IpProto::ICMP,
        "icmpv6" => IpProto::ICMPV6,
        "sctp" => IpProto::SCTP,
        "gre" => IpProto::GRE,
        "dccp" => IpProto::DCCP,
        "generic" => GENERIC,
        _ => return Err("unknown layer 4 protocol".into()),
    })
}

/// C's `strtoul` into the tool's `uint32_t`: leading blanks, an optional
/// sign, the leading digits (none: 0), the low 32 bits.
fn strtoul32(s: &str) -> u32 {
    let t = s.trim_start();
    let (neg, t) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let digits = t.bytes().take_while(u8::is_ascii_digit);
    let mut v: u64 = 0;
    for d in digits {
        // strtoul saturates at ULONG_MAX
        v = v
            .checked_mul(10)
            .and_then(|v| v.checked_add(u64::from(d - b'0')))
            .unwrap_or(u64::MAX);
    }
    if neg {
        v = v.wrapping_neg();
    }
    u32::try_from(v & u64::from(u32::MAX)).unwrap_or(u32::MAX)
}

/// FAMILY PROTO STATE SECS ...: the states given as the tool takes them.
fn timeouts(proto_name: &str, pairs: &[String]) -> Result<Timeouts, String> {
    let mut t = Timeouts::empty(proto(proto_name)?).map_err(|e| e.to_string())?;
    for pair in pairs.chunks(2) {
        let state = &pair[0];
        let known = t.state(state).ok().filter(|s| tool_knows(&t, s.name));
        let Some(s) = known else {
            return Err(format!(
                "Wrong state name: `{state}' for protocol `{proto_name}'"
            ));
        };
        let Some(secs) = pair.get(1) else {
            return Err("missing value for this timeout".into());
        };
        t.set(s.name, strtoul32(secs)).map_err(|e| e.to_string())?;
    }
    Ok(t)
}

fn parse_args() -> Result<Option<Cmd>, String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (cmd, rest) = match args.as_slice() {
        [] => return Err("missing command".into()),
        [h] if h == "-h" || h == "--help" => return Ok(None),
        [cmd, sub, rest @ ..] if sub == "timeout" => (cmd.as_str(), rest),
        [_, sub, ..] => return Err(format!("Unknown subsystem: {sub}")),
        [_] => return Err("missing subsystem".into()),
    };
    Ok(Some(match (cmd, rest) {
        ("list", []) => Cmd::List,
        ("flush", []) => Cmd::Flush,
        ("get", [name]) => Cmd::Get(name.clone()),
        ("delete", [name]) => Cmd::Delete(name.clone()),
        ("get" | "delete", []) => return Err("missing timeout policy name".into()),
        ("add", [name, fam, pr, states @ ..]) => {
            let fam = family(fam)?;
            let t = timeouts(pr, states)?;
            if states.is_empty() {
                return Err("add timeout needs at least one STATE SECS".into());
            }
            // The tool copies the name into its 32-byte buffer.
            let mut name = name.clone();
            while name.len() > MAX_NAME_LEN {
                name.pop();
            }
            Cmd::Add(Policy::new(name, fam, t))
        }
        ("add", _) => return Err("missing parameters".into()),
        ("default-get", [fam, pr]) => Cmd::DefaultGet(family(fam)?, proto(pr)?),
        ("default-set", [fam, pr, states @ ..]) => {
            let fam = family(fam)?;
            Cmd::DefaultSet(fam, timeouts(pr, states)?)
        }
        ("default-get" | "default-set", _) => return Err("missing parameters".into()),
        (cmd, _) => return Err(format!("unknown command or arguments: {cmd}")),
    }))
}

/// The tool's text for the body of a policy: layer 3, layer 4 and the
/// states the kernel reported, upper-case, one tab per level.
fn body(out: &mut String, family: ProtoFamily, t: &Timeouts) {
    let _ = writeln!(out, "\t.l3proto = {},", u8::from(family));
    let _ = writeln!(out, "\t.l4proto = {},", t.proto().0);
    out.push_str("\t.policy = {\n");
    for (s, v) in t.iter() {
        if let (Some(v), false) = (v, s.name.is_empty()) {
            if tool_knows(t, s.name) {
                let _ = writeln!(out, "\t\t.{} = {v},", s.name.to_ascii_uppercase());
            }
        }
    }
    out.push_str("\t},\n};\n");
}

/// A named policy as `nfct list timeout` prints it.
fn policy_text(p: &Policy) -> String {
    let mut out = format!(".{} = {{\n", p.name);
    body(&mut out, p.family, &p.timeouts);
    out
}

fn run(cmd: Cmd) -> Result<(), Error> {
    let mut ct = CtTimeout::open()?;
    match cmd {
        Cmd::Add(p) => ct.create(&p)?,
        Cmd::List => {
            let text: String = ct.dump()?.iter().map(policy_text).collect();
            print!("{text}");
        }
        Cmd::Get(name) => print!("{}", policy_text(&ct.get(&name)?)),
        Cmd::Delete(name) => ct.delete(&name)?,
        Cmd::Flush => ct.flush()?,
        Cmd::DefaultGet(fam, pr) => {
            let d = ct.default_get(fam, pr)?;
            let mut out = String::new();
            body(&mut out, d.family, &d.timeouts);
            print!("{out}");
        }
        Cmd::DefaultSet(fam, t) => ct.default_set(fam, &t)?,
    }
    Ok(())
}

fn main() -> std::process::ExitCode {
    examples::cli::main("nfct", HELP, parse_args, run)
}
