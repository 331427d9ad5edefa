//! `ctstat`: conntrack statistics like `conntrack -S` (per-CPU) and `-C` (count).
//!
//! Privileges: `CAP_NET_ADMIN`.
//!
//! Usage: `ctstat` (per-CPU lines, then the count), `ctstat -C` (count only),
//! `ctstat -S` (per-CPU only), `ctstat --expect` (expectation per-CPU counters).

use std::process::ExitCode;

use nfnl_conntrack::Conntrack;

fn run(args: &[String]) -> nfnl_conntrack::Result<()> {
    let mut ct = Conntrack::open()?;
    let all = args.is_empty();
    if all || args.iter().any(|a| a == "-S") {
        for s in ct.stats_per_cpu()? {
            println!("{s}");
        }
    }
    if args.iter().any(|a| a == "--expect") {
        for s in ct.expect_stats_per_cpu()? {
            println!(
                "cpu={:<4} expect_new={} expect_create={} expect_delete={}",
                s.cpu,
                s.new.unwrap_or(0),
                s.create.unwrap_or(0),
                s.delete.unwrap_or(0)
            );
        }
    }
    if all || args.iter().any(|a| a == "-C") {
        let g = ct.stats()?;
        println!("{}", g.entries);
        if let Some(m) = g.max_entries {
            eprintln!("ctstat: maximum {m}");
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ctstat: {e}");
            ExitCode::FAILURE
        }
    }
}
