//! `ctdelete`: delete conntrack entries like `conntrack -D`, or flush like
//! `conntrack -F`.
//!
//! Privileges: `CAP_NET_ADMIN` in the network namespace's owning user namespace.
//!
//! Usage:
//! - `ctdelete --flush [-f ipv4|ipv6]` flushes everything or one family (sent
//!   with nfgenmsg version 1, so the other family survives);
//! - `ctdelete [FILTER-OPTIONS]` (the options of `conntrack -D`, see
//!   `examples::ctargs`) deletes the matching entries and prints each one
//!   as the tool does: a streaming dump (kernel-filtered where the kernel is
//!   exact), then batched deletes. Without options it deletes every entry.

use std::process::ExitCode;

use examples::ctargs;
use nfnl_conntrack::{Conntrack, Flow, Flush, Key};

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let flush = if let Some(i) = args.iter().position(|a| a == "--flush" || a == "-F") {
        args.remove(i);
        true
    } else {
        false
    };
    let args = match ctargs::parse_args(&args) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("{e}\nusage: ctdelete --flush [-f ipv4|ipv6] | ctdelete [FILTER-OPTIONS]");
            return ExitCode::from(2);
        }
    };
    let mut ct = match Conntrack::open() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("ctdelete: {e}");
            return ExitCode::FAILURE;
        }
    };
    if flush {
        let what = match args.filter.family {
            Some(f) if args.filter == nfnl_conntrack::Filter::new().family(f) => Flush::Family(f),
            _ if args.filter.is_empty() => Flush::All,
            _ => {
                eprintln!("ctdelete: --flush takes only -f");
                return ExitCode::from(2);
            }
        };
        return match ct.flush(&what) {
            Ok(_) => {
                eprintln!("ctdelete: connection tracking table has been emptied.");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("ctdelete: {e}");
                ExitCode::FAILURE
            }
        };
    }
    let mut flows: Vec<Flow> = Vec::new();
    let r = ct
        .dump(&args.filter, |f| {
            flows.push(f);
            std::ops::ControlFlow::Continue(())
        })
        .and_then(|()| flows.iter().map(Key::of).collect::<Result<Vec<_>, _>>())
        .and_then(|keys| ct.delete_batch(&keys));
    match r {
        Ok(n) => {
            for f in &flows {
                println!("{}", args.show(f));
            }
            eprintln!("ctdelete: {n} flow entries have been deleted.");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("ctdelete: {e}");
            ExitCode::FAILURE
        }
    }
}
