//! `ctlist`: list the conntrack table like `conntrack -L`, one line per entry
//! in the same format.
//!
//! Privileges: `CAP_NET_ADMIN` in the network namespace's owning user namespace.
//! No firewall rule is needed to list; entries appear once a rule uses
//! conntrack (e.g. `iptables -A INPUT -m conntrack --ctstate NEW,ESTABLISHED -j ACCEPT`).
//!
//! Usage: `ctlist [FILTER-OPTIONS]` with the options of `conntrack -L` (see
//! `examples::ctargs`), e.g. `ctlist -f ipv6 -s 2001:db8::/32 -p tcp --state
//! ESTABLISHED`, or `ctlist dying`; no arguments lists all.

use std::process::ExitCode;

use nfnl_conntrack::Conntrack;

use ctargs::parse_args;
use examples::ctargs;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut args = match parse_args(&args) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("{e}\nusage: ctlist [FILTER-OPTIONS] (the options of conntrack -L)");
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
    // delta-time of running flows is measured to the time of the dump, as the tool does.
    args.opts.now = Some(std::time::SystemTime::now());
    let mut n = 0u64;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let print = |flow: nfnl_conntrack::Flow| {
        use std::io::Write;
        n += 1;
        if writeln!(out, "{}", args.show(&flow)).is_err() {
            return std::ops::ControlFlow::Break(());
        }
        std::ops::ControlFlow::Continue(())
    };
    let r = match args.list {
        Some(list) => ct.dump_list(list, &args.filter, print),
        None => ct.dump(&args.filter, print),
    };
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
