//! `ctevents`: print conntrack events like `conntrack -E`.
//!
//! Privileges: `CAP_NET_ADMIN` (joining the conntrack groups).
//! Events appear once entries change: via ctnetlink, or traffic through a rule that
//! uses conntrack (`iptables -A INPUT -m conntrack --ctstate NEW,ESTABLISHED -j ACCEPT`).
//!
//! Usage: `ctevents [-e NEW,UPDATE,DESTROY] [--expect] [--reliable] [-c COUNT]`.
//! On an overrun (events lost) it says so and re-lists the table, then goes on.

use std::process::ExitCode;

use nfconntrack::{Conntrack, EventListener, Filter, Groups};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut groups = Groups::FLOWS;
    let mut reliable = false;
    let mut count: Option<u64> = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "-e" | "--event-mask" => {
                groups = Groups::empty();
                for g in it.next().map(String::as_str).unwrap_or("").split(',') {
                    groups |= match g {
                        "NEW" => Groups::NEW,
                        "UPDATE" => Groups::UPDATE,
                        "DESTROY" => Groups::DESTROY,
                        "ALL" => Groups::FLOWS,
                        o => {
                            eprintln!("ctevents: unknown event {o}");
                            return ExitCode::from(2);
                        }
                    };
                }
            }
            "--expect" => groups |= Groups::EXPECTATIONS,
            "--reliable" => reliable = true,
            "-c" | "--count" => count = it.next().and_then(|c| c.parse().ok()),
            o => {
                eprintln!("ctevents: unknown option {o}\nusage: ctevents [-e NEW,UPDATE,DESTROY] [--expect] [--reliable] [-c COUNT]");
                return ExitCode::from(2);
            }
        }
    }
    let mut listener = match EventListener::open(groups) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("ctevents: {e}");
            return ExitCode::FAILURE;
        }
    };
    if reliable {
        if let Err(e) = listener.set_reliable(true) {
            eprintln!("ctevents: reliable mode: {e}");
        }
    }
    let mut seen = 0u64;
    loop {
        if count.is_some_and(|c| seen >= c) {
            return ExitCode::SUCCESS;
        }
        match listener.recv() {
            Ok((_, ev)) => {
                println!("{ev}");
                seen += 1;
            }
            Err(e) if e.is_overrun() => {
                eprintln!("ctevents: events were lost (ENOBUFS); re-reading the table");
                let r = Conntrack::open().and_then(|mut ct| {
                    listener.resync(&mut ct, &Filter::new(), |f| {
                        println!(" [RESYNC] {f}");
                        std::ops::ControlFlow::Continue(())
                    })
                });
                if let Err(e) = r {
                    eprintln!("ctevents: resync failed: {e}");
                    return ExitCode::FAILURE;
                }
            }
            Err(e) => {
                eprintln!("ctevents: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
}
