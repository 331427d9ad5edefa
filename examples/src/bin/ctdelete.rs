//! `ctdelete`: delete conntrack entries by filter, or flush.
//!
//! Privileges: `CAP_NET_ADMIN` in the network namespace's owning user namespace.
//!
//! Usage:
//! - `ctdelete --flush` flushes everything; `ctdelete --flush -f ipv4` one family
//!   (sent with nfgenmsg version 1, so the other family survives);
//! - `ctdelete [-f ipv4|ipv6] [-p PROTO] [-s ADDR] [-d ADDR] [--sport N] [--dport N]
//!   [--zone N] [--mark N[/MASK]]` deletes the matching entries: by a kernel-filtered
//!   flush when the kernel supports it exactly, otherwise by a streaming dump and
//!   batched deletes. Without any filter it refuses (use `--flush`).

use std::process::ExitCode;

use examples::ctargs;
use nfconntrack::{Conntrack, Flush};

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let flush = if let Some(i) = args.iter().position(|a| a == "--flush" || a == "-F") {
        args.remove(i);
        true
    } else {
        false
    };
    let (filter, _) = match ctargs::parse_args(&args) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("{e}\nusage: ctdelete --flush [-f ipv4|ipv6] | ctdelete FILTER-OPTIONS");
            return ExitCode::from(2);
        }
    };
    if filter.is_empty() && !flush {
        eprintln!("ctdelete: no filter given; use --flush to delete everything");
        return ExitCode::from(2);
    }
    let what = if filter.is_empty() {
        Flush::All
    } else if flush && filter == nfconntrack::Filter::new().family(filter.effective_family()) {
        Flush::Family(filter.effective_family())
    } else {
        Flush::Filter(filter)
    };
    let r = Conntrack::open().and_then(|mut ct| ct.flush(&what));
    match r {
        Ok(rep) => {
            match rep.deleted {
                Some(n) => eprintln!(
                    "ctdelete: {n} flow entries have been deleted (dump + batched deletes)."
                ),
                None => eprintln!("ctdelete: flushed by the kernel ({what:?})."),
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("ctdelete: {e}");
            ExitCode::FAILURE
        }
    }
}
