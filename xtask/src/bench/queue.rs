//! `cargo xtask bench queue`: NFQUEUE throughput side by side, in a throwaway network namespace.
//!
//! A closed-loop UDP flood over loopback (`nfqueue/benches/c/flood.c`: at most `WINDOW`
//! datagrams in flight, so the queue never overflows) goes through
//! `iptables -A OUTPUT -p udp --dport 7777 -j NFQUEUE --queue-num 0`, served in turn by:
//!
//! - `rust`: our example `nfqueue 0 --quiet` (release build);
//! - `lnfq`: a minimal libnetfilter_queue consumer, one verdict per packet
//!   (`nfqueue/benches/c/lnfq.c`);
//! - `mnl-batch`: a minimal libmnl consumer with batch verdicts (`nfqueue/benches/c/mnl_batch.c`);
//! - `no-queue`: the same flood without the rule (the ceiling).
//!
//! For each it reports packets per second and the consumer's CPU time per packet: the total
//! from `/proc/PID/task/*/schedstat` (nanoseconds on CPU, every thread), split into user and
//! kernel time in the proportion of `utime` to `stime` in `/proc/PID/stat` (tick samples, so
//! the split is approximate). The kernel work of reinjecting a packet runs in the consumer's
//! `sendmsg`, so it is included. It also reports the sender's own CPU time per packet (the
//! flooder's `getrusage`): the kernel queues each packet inside the sender's `send`, so that
//! work is the sender's whatever the consumer, and `1 / sender time` bounds the packet rate
//! any consumer can reach. The C consumers are compiled with `cc` only when the libraries'
//! headers are installed (`libnetfilter-queue-dev`, `libmnl-dev`).
//!
//! Arguments after `--`: `[PACKETS] [WINDOW] [ROUNDS]` (default 300000, 128 and 5), or
//! `--instructions [N1 N2]` for the user-space instruction count per packet and the added
//! ping latency (see [`super::instructions`]). The
//! machine is noisy from run to run, so each consumer runs once per round and the medians
//! are reported.

use std::path::PathBuf;

use super::{cc, median};

const SCRIPT: &str = r#"
set -u
N=$1; W=$2; FLOOD=$3; shift 3
ip link set lo up
# ns on CPU of every thread of $1; then its utime and stime ticks
oncpu() { cat /proc/$1/task/*/schedstat | awk '{s += $1} END {printf "%d", s}'; }
ticks() { awk '{print $14, $15}' /proc/$1/stat; }
run() {
    name=$1; shift
    pid=""
    if [ "$name" != no-queue ]; then
        iptables -A OUTPUT -p udp --dport 7777 -j NFQUEUE --queue-num 0
        "$@" >/dev/null 2>&1 &
        pid=$!
        sleep 0.5
    fi
    "$FLOOD" 20000 7777 "$W" >/dev/null || { echo "RESULT $name failed"; kill $pid 2>/dev/null; iptables -F OUTPUT; return; }
    c0=0; c1=0; t0="0 0"; t1="0 0"
    [ -n "$pid" ] && { c0=$(oncpu $pid); t0=$(ticks $pid); }
    out=$("$FLOOD" "$N" 7777 "$W") || out="failed"
    [ -n "$pid" ] && { c1=$(oncpu $pid); t1=$(ticks $pid); }
    if [ -n "$pid" ]; then kill $pid; wait $pid 2>/dev/null; iptables -F OUTPUT; fi
    set -- $t0 $t1
    echo "RESULT $name $out $((c1 - c0)) $(($3 - $1)) $(($4 - $2))"
}
run no-queue
while [ $# -ge 2 ]; do
    name=$1; bin=$2; shift 2
    run "$name" "$bin" 0 --quiet
done
"#;

/// One consumer's measurements over the rounds.
#[derive(Default)]
struct Samples {
    name: String,
    pps: Vec<f64>,
    /// The consumer's CPU time per packet (ns).
    cpu_ns: Vec<f64>,
    /// The user-space share of that time (0 to 1, from tick samples).
    user_share: Vec<f64>,
    /// The sender's own CPU time per packet (ns).
    sender_ns: Vec<f64>,
}

/// One consumer's figures: medians over the rounds.
struct Row {
    name: String,
    pps: f64,
    cpu_ns: Option<f64>,
    user_ns: Option<f64>,
    sender_ns: Option<f64>,
}

/// Runs the queue benchmark with the arguments after `--`.
///
/// # Errors
///
/// If the example cannot be built, the flooder cannot be compiled, or the namespace script fails.
pub fn run(args: &[String]) -> crate::Result<()> {
    let instructions = args.first().is_some_and(|a| a == "--instructions");
    let args = if instructions { &args[1..] } else { args };
    let packets: u64 = args.first().and_then(|a| a.parse().ok()).unwrap_or(300_000);
    let window: u32 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(128);
    let rounds: u32 = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(5).max(1);
    let rust_bin = super::nfqueue_example("queue")?;
    let (src, cdir) = super::c_dirs()?;
    let flood = cdir.join("flood");
    if !cc(&flood, &src.join("flood.c"), &[]) {
        return Err("cannot compile nfqueue/benches/c/flood.c with cc".into());
    }
    let mut consumers: Vec<(String, PathBuf)> = vec![("rust".into(), rust_bin)];
    let lnfq = cdir.join("lnfq");
    if cc(
        &lnfq,
        &src.join("lnfq.c"),
        &["-lnetfilter_queue", "-lnfnetlink"],
    ) {
        consumers.push(("lnfq".into(), lnfq));
    } else {
        println!("bench queue: libnetfilter-queue-dev not installed: skipping the lnfq consumer");
    }
    if let Some(mnl) = super::mnl_batch("queue")? {
        consumers.push(("mnl-batch".into(), mnl));
    }

    if instructions {
        return super::instructions::run(&consumers, &flood, args);
    }
    crate::step(&format!(
        "bench queue: {packets} UDP datagrams, window {window}, {rounds} rounds, in a throwaway namespace"
    ));
    // This 2-core machine is noisy from run to run: every consumer runs once
    // per round, rounds interleave, and the medians are reported.
    let mut samples: Vec<Samples> = Vec::new();
    for round in 1..=rounds {
        let mut cmd = crate::netns::throwaway("sh");
        cmd.arg("-c").arg(SCRIPT).arg("sh");
        cmd.arg(packets.to_string())
            .arg(window.to_string())
            .arg(&flood);
        for (name, bin) in &consumers {
            cmd.arg(name).arg(bin);
        }
        for line in &super::script_results(cmd)? {
            let f: Vec<&str> = line.split_whitespace().collect();
            let num = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
            if f.len() != 8 {
                println!("bench queue: {line}");
                continue;
            }
            let (name, got, pps, sender_s) = (f[0], num(1), num(3), num(4));
            let (oncpu_ns, uticks, sticks) = (num(5), num(6), num(7));
            println!("round {round}: {name:<10} {pps:>10.0} pps");
            let i = match samples.iter().position(|s| s.name == name) {
                Some(i) => i,
                None => {
                    samples.push(Samples {
                        name: name.to_string(),
                        ..Samples::default()
                    });
                    samples.len() - 1
                }
            };
            let s = &mut samples[i];
            s.pps.push(pps);
            if got > 0.0 {
                s.sender_ns.push(sender_s * 1e9 / got);
                if name != "no-queue" {
                    s.cpu_ns.push(oncpu_ns / got);
                    if uticks + sticks > 0.0 {
                        s.user_share.push(uticks / (uticks + sticks));
                    }
                }
            }
        }
    }
    let rows: Vec<Row> = samples
        .into_iter()
        .map(|s| {
            let cpu_ns = median(s.cpu_ns);
            Row {
                name: s.name,
                pps: median(s.pps).unwrap_or(0.0),
                cpu_ns,
                user_ns: cpu_ns.zip(median(s.user_share)).map(|(c, u)| c * u),
                sender_ns: median(s.sender_ns),
            }
        })
        .collect();
    report(&rows, rounds);
    Ok(())
}

/// Prints the table of medians and what bounds the packet rate.
fn report(rows: &[Row], rounds: u32) {
    let ceiling = rows.iter().find(|r| r.name == "no-queue").map(|r| r.pps);
    let batch_cpu = rows
        .iter()
        .find(|r| r.name == "mnl-batch")
        .and_then(|r| r.cpu_ns);
    let ns = |v: Option<f64>| v.map_or("-".into(), |c| format!("{c:.0}"));
    println!(
        "medians of {rounds} rounds (user ns: approximate, from tick samples):\n\
         {:<10} {:>9} {:>8} {:>8} {:>8} {:>8} {:>8} {:>12}",
        "consumer", "pps", "/ceiling", "cpu ns", "user ns", "/mnl", "sender", "sender-bound"
    );
    for r in rows {
        let ratio = ceiling.map_or("-".into(), |c| format!("{:.2}", r.pps / c));
        let vs = match (r.cpu_ns, batch_cpu) {
            (Some(c), Some(b)) if b > 0.0 => format!("{:.2}", c / b),
            _ => "-".into(),
        };
        // The sender alone cannot go faster than one packet per its own CPU time.
        let bound = match (r.sender_ns, ceiling) {
            (Some(s), Some(c)) if s > 0.0 && r.name != "no-queue" => format!("{:.2}", 1e9 / s / c),
            _ => "-".into(),
        };
        println!(
            "{:<10} {:>9.0} {:>8} {:>8} {:>8} {:>8} {:>8} {:>12}",
            r.name,
            r.pps,
            ratio,
            ns(r.cpu_ns),
            ns(r.user_ns),
            vs,
            ns(r.sender_ns),
            bound
        );
    }
    println!(
        "columns: cpu/user ns = the consumer's CPU per packet (all / user space); /mnl = cpu \
         over mnl-batch's; sender = the flooder's own CPU per packet (it pays for queueing \
         each packet); sender-bound = 1 / sender, over the ceiling: no consumer can pass it"
    );
    println!("targets: rust cpu/mnl-batch <= 0.80, rust pps/ceiling >= 0.90");
}
