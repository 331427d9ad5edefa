//! `nfacct`: the `nfacct` tool's commands on `nfnl-acct`, printing what the
//! tool prints.
//!
//! Privileges: `CAP_NET_ADMIN` in the network namespace's owning user
//! namespace.
//!
//! Usage:
//! - `nfacct list [reset]`: every object, one line each, as the tool prints
//!   them; with `reset`, their counters are zeroed atomically (the values
//!   shown are those before zeroing);
//! - `nfacct add NAME [byte|packet QUOTA]`: a new object, with a quota in
//!   bytes or packets;
//! - `nfacct get NAME [reset]`: one object (and zero it);
//! - `nfacct delete NAME`: refused, naming the object, while a rule uses it;
//! - `nfacct flush`: deletes every object no rule uses.
//!
//! One line per object, byte for byte as `nfacct` 1.0.2 prints it:
//! `{ pkts = %020u, bytes = %020u } = NAME;`, and for an object with a quota
//! `{ pkts = …, bytes = …, quota = %020u, mode = byte|packet, overquota = yes|no } = NAME;`.
//! Quotas are read as the tool reads them (decimal digits up to the first
//! other character, a leading `-` wraps, overflow saturates). Differences:
//! errors name the operation and the object (`delete nfacct "x": in use …`)
//! instead of the bare system error, a name longer than 31 bytes is refused
//! instead of cut, usage errors exit with 2, and the `xml`/`json` output
//! formats, `restore` and `monitor` are not offered.

use std::io::Write;
use std::ops::ControlFlow;
use std::process::ExitCode;

use nfnl_acct::{Acct, Error, Filter, NewObject, Object, Quota};

const HELP: &str = "\
usage: nfacct COMMAND [ARGUMENTS]
  list [reset]                     print every accounting object (and zero the counters)
  add NAME [byte|packet QUOTA]     create an object, with a quota in bytes or packets
  get NAME [reset]                 print one object (and zero its counters)
  delete NAME                      delete an object (refused while a rule uses it)
  flush                            delete every object no rule uses
  help                             print this help
";

/// A parsed command line.
enum Cmd {
    List { reset: bool },
    Add(NewObject),
    Get { name: String, reset: bool },
    Delete(String),
    Flush,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    examples::cli::main("nfacct", HELP, || parse(&args), run)
}

fn parse(args: &[String]) -> Result<Option<Cmd>, String> {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let reset = |rest: &[&str]| match rest {
        [] => Ok(false),
        ["reset"] => Ok(true),
        _ => Err("unknown argument".to_string()),
    };
    Ok(Some(match args.as_slice() {
        [] | ["help" | "-h" | "--help", ..] => return Ok(None),
        ["list", rest @ ..] => Cmd::List {
            reset: reset(rest)?,
        },
        ["add", name, rest @ ..] => {
            let obj = NewObject::new(name).map_err(|e| e.to_string())?;
            Cmd::Add(match rest {
                [] => obj,
                [mode, quota] => {
                    let n = parse_quota(quota)?;
                    obj.quota(match *mode {
                        "byte" => Quota::Bytes(n),
                        "packet" => Quota::Packets(n),
                        _ => return Err("argument must \"byte\" or \"packet\"".into()),
                    })
                }
                [_] => return Err("missing quota value".into()),
                _ => return Err("too many arguments".into()),
            })
        }
        ["get", name, rest @ ..] => Cmd::Get {
            name: name.to_string(),
            reset: reset(rest)?,
        },
        ["delete", name] => Cmd::Delete(name.to_string()),
        ["delete", _, ..] | ["flush", _, ..] => return Err("too many arguments".into()),
        ["add" | "get" | "delete"] => return Err("missing object name".into()),
        ["flush"] => Cmd::Flush,
        [other, ..] => return Err(format!("unknown command: {other}")),
    }))
}

/// A quota as the tool reads it (`strtoull` in base 10): leading spaces, an
/// optional sign, then the decimal digits up to the first other character;
/// at least one digit. Overflow saturates at `u64::MAX`; a `-` negates
/// modulo 2^64.
fn parse_quota(s: &str) -> Result<u64, String> {
    let s = s.trim_start();
    let (neg, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let end = digits
        .bytes()
        .position(|b| !b.is_ascii_digit())
        .unwrap_or(digits.len());
    if end == 0 {
        return Err("error reading quota".into());
    }
    let n = digits[..end].bytes().fold(0u64, |n, d| {
        n.saturating_mul(10).saturating_add(u64::from(d - b'0'))
    });
    Ok(if neg && n != u64::MAX {
        n.wrapping_neg()
    } else {
        n
    })
}

/// One object as the tool prints it.
fn print(out: &mut impl Write, o: &Object) -> std::io::Result<()> {
    write!(
        out,
        "{{ pkts = {:020}, bytes = {:020}",
        o.packets(),
        o.bytes()
    )?;
    if let Some(q) = o.quota() {
        let mode = match q {
            Quota::Packets(_) => "packet",
            Quota::Bytes(_) => "byte",
        };
        let over = if o.is_over_quota() { "yes" } else { "no" };
        write!(
            out,
            ", quota = {:020}, mode = {mode}, overquota = {over}",
            q.limit()
        )?;
    }
    out.write_all(b" } = ")?;
    out.write_all(o.name().as_bytes())?;
    out.write_all(b";\n")
}

fn run(cmd: Cmd) -> Result<(), Error> {
    let mut acct = Acct::open()?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut failed = None;
    let mut show = |o: Object| match print(&mut out, &o) {
        Ok(()) => ControlFlow::Continue(()),
        Err(e) => {
            failed = Some(e);
            ControlFlow::Break(())
        }
    };
    match cmd {
        Cmd::List { reset: false } => acct.dump(&Filter::all(), &mut show)?,
        Cmd::List { reset: true } => acct.dump_and_reset(&Filter::all(), &mut show)?,
        Cmd::Get { name, reset } => {
            let o = if reset {
                acct.get_and_reset(&name)?
            } else {
                acct.get(&name)?
            };
            let _ = show(o);
        }
        Cmd::Add(obj) => acct.create(&obj)?,
        Cmd::Delete(name) => acct.delete(&name)?,
        Cmd::Flush => acct.delete_unused()?,
    }
    let written = match failed {
        Some(e) => Err(e),
        None => out.flush(),
    };
    written.map_err(|e| Error::Netlink(nfnl::Error::Io(e)))
}
