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

use nfconntrack::Conntrack;

use ctargs::parse_args;
use examples::ctargs;

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
    // delta-time of running flows is measured to the time of the dump, as the tool does.
    let opts = nfconntrack::DisplayOptions {
        now: Some(std::time::SystemTime::now()),
        ..opts
    };
    let mut n = 0u64;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let r = ct.dump(&filter, |flow| {
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
