//! `nfttrace`: prints nf_tables packet traces one per line, read with
//! `nfnl-tables` (what `nft monitor trace` shows, in a line format of its
//! own).
//!
//! Privileges: `CAP_NET_ADMIN` in the network namespace's owning user
//! namespace. Packets are traced once a rule marks them: `nft add rule ...
//! meta nftrace set 1`.
//!
//! Usage: `nfttrace [COUNT]` (stop after COUNT traces). Each line:
//! `trace ID FAMILY TABLE CHAIN TYPE [handle H] [verdict V] [policy P]
//! [iif N] [oif N] [mark 0xM] [nfproto N]`, with TYPE `rule`, `return` or
//! `policy` and ID the trace id in hex (the same for every line of one
//! packet).

use std::io::Write;
use std::process::ExitCode;

use nfnl_tables::{text, Receive, Trace, TraceListener, Verdict};

fn verdict(v: &Verdict) -> String {
    match v {
        Verdict::Accept => "accept".into(),
        Verdict::Drop => "drop".into(),
        Verdict::Continue => "continue".into(),
        Verdict::Break => "break".into(),
        Verdict::Return => "return".into(),
        Verdict::Queue => "queue".into(),
        Verdict::Jump(c) => format!("jump {c}"),
        Verdict::Goto(c) => format!("goto {c}"),
        other => format!("{other:?}"),
    }
}

/// One trace as a line.
fn line(t: &Trace) -> String {
    let mut s = format!(
        "trace {:08x} {} {} {} {}",
        t.id.unwrap_or(0),
        text::family_name(t.family),
        t.table.as_deref().unwrap_or("-"),
        t.chain.as_deref().unwrap_or("-"),
        t.kind.and_then(|k| k.name()).unwrap_or("unknown"),
    );
    if let Some(h) = t.rule_handle {
        s.push_str(&format!(" handle {h}"));
    }
    if let Some(v) = &t.verdict {
        s.push_str(&format!(" verdict {}", verdict(v)));
    }
    if let Some(p) = t.policy {
        s.push_str(&format!(
            " policy {}",
            if p == 0 { "drop" } else { "accept" }
        ));
    }
    if let Some(i) = t.iif {
        s.push_str(&format!(" iif {i}"));
    }
    if let Some(o) = t.oif {
        s.push_str(&format!(" oif {o}"));
    }
    if let Some(m) = t.mark {
        s.push_str(&format!(" mark 0x{m:x}"));
    }
    if let Some(p) = t.nfproto {
        s.push_str(&format!(" nfproto {p}"));
    }
    s
}

fn main() -> ExitCode {
    let count: Option<u64> = match std::env::args().nth(1).map(|a| a.parse()) {
        None => None,
        Some(Ok(n)) => Some(n),
        Some(Err(_)) => {
            eprintln!("usage: nfttrace [COUNT]");
            return ExitCode::from(2);
        }
    };
    let mut traces = match TraceListener::open() {
        Ok(t) => t,
        Err(e) => {
            eprintln!("nfttrace: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut stdout = std::io::stdout().lock();
    let mut n = 0;
    while count.is_none_or(|c| n < c) {
        match traces.recv() {
            Ok(t) => {
                if writeln!(stdout, "{}", line(&t))
                    .and_then(|()| stdout.flush())
                    .is_err()
                {
                    break;
                }
                n += 1;
            }
            Err(e) => {
                eprintln!("nfttrace: {e}");
                if !nfnl_tables::ErrorExt::is_recoverable(&e) {
                    return ExitCode::FAILURE;
                }
            }
        }
    }
    ExitCode::SUCCESS
}
