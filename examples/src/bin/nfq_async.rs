//! NFQUEUE on tokio: a task accepts every queued packet, waiting on the
//! runtime's reactor, and prints how many passed each second (the receive
//! is cancel-safe, so a timeout around it loses nothing).
//!
//! Built with the `tokio` feature: `cargo run -p examples --features tokio
//! --bin nfq_async`.
//!
//! Privileges: `CAP_NET_ADMIN` in the network namespace's owning user
//! namespace (root, or root inside `unshare -Urn`).
//!
//! Firewall rule it expects (queue 1 by default):
//!
//! ```text
//! iptables -A OUTPUT -p icmp -j NFQUEUE --queue-num 1
//! ```
//!
//! Usage: `nfq_async [QUEUE] [--count N]`.

use nfnl_queue::ErrorExt;
use std::process::ExitCode;
use std::time::Duration;

use nfnl_queue::tokio::AsyncQueue;
use nfnl_queue::{Queue, QueueConfig, Verdict};

const HELP: &str = "\
nfq_async: accept the packets of an NFQUEUE queue from a tokio task,
printing how many passed each second

usage: nfq_async [QUEUE] [--count N]
    QUEUE       queue number (default 1)
    --count N   exit after N packets

Needs CAP_NET_ADMIN. Queue some traffic first, for example:
    iptables -A OUTPUT -p icmp -j NFQUEUE --queue-num 1
    ping -c 3 127.0.0.1
";

fn parse_args() -> Result<Option<(u16, Option<u64>)>, String> {
    let (mut queue, mut count) = (1, None);
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "-h" | "--help" => return Ok(None),
            "--count" | "-c" => {
                let n = it.next().ok_or("--count needs a number")?;
                count = Some(n.parse().map_err(|_| format!("bad count `{n}`"))?);
            }
            n => queue = n.parse().map_err(|_| format!("bad queue number `{n}`"))?,
        }
    }
    Ok(Some((queue, count)))
}

async fn run(queue: u16, count: Option<u64>) -> Result<(), nfnl_queue::Error> {
    let mut q = Queue::open()?;
    // An observer: a packet that is not decided (a bug) passes.
    q.set_default_verdict(Verdict::Accept);
    q.bind(&QueueConfig::new(queue))?;
    let mut q = AsyncQueue::new(q)?;
    eprintln!("nfq_async: listening on queue {queue}");
    let (mut total, mut this_second) = (0u64, 0u64);
    while count.is_none_or(|c| total < c) {
        let pkt = match tokio::time::timeout(Duration::from_secs(1), q.recv()).await {
            Err(_elapsed) => {
                println!("{this_second} packets/s");
                this_second = 0;
                continue;
            }
            Ok(Ok(p)) => p,
            Ok(Err(e)) if e.is_recoverable() => {
                eprintln!("nfq_async: {e}");
                continue;
            }
            Ok(Err(e)) => return Err(e),
        };
        total += 1;
        this_second += 1;
        // Collected, and sent before the next receive waits: no await.
        pkt.accept()?;
    }
    q.into_inner().close()?;
    println!("{total} packets");
    Ok(())
}

fn main() -> ExitCode {
    examples::cli::main("nfq_async", HELP, parse_args, |(queue, count)| {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .enable_time()
            .build()
            .map_err(|e| format!("cannot start the runtime: {e}"))?;
        rt.block_on(run(queue, count)).map_err(|e| e.to_string())
    })
}
