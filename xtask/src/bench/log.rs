//! `cargo xtask bench log`: NFLOG consumers side by side, in a throwaway network namespace.
//!
//! The closed-loop UDP flood of the queue benchmark (`nfqueue/benches/c/flood.c`) goes through
//! `iptables -A OUTPUT -p udp --dport 7778 -j NFLOG --nflog-group 0` (the kernel's default
//! batching: up to 100 messages or one page per datagram, 1 s timeout), read in turn by:
//!
//! - `rust`: our example `nflog 0 --quiet --count PACKETS` (release build);
//! - `lnflog`: a minimal libnetfilter_log consumer (`nflog/benches/c/lnflog.c`, compiled when
//!   `libnetfilter-log-dev` is installed) that reads each message's payload and prefix.
//!
//! Both copy whole packets with sequence numbers on, use the same receive buffer, and count
//! what they receive and the overruns the kernel reports; ours exits after the flood's count
//! (so a loss would show as a consumer killed by the script), the C one after 2 s without a
//! message (the kernel flushes a partial batch after its 1 s timeout).
//! Reported (medians over the rounds): messages received per second of flood, loss (sent
//! minus received, which the overruns announce), and the consumer's CPU time per message
//! (`/proc/PID/task/*/schedstat`, sampled until it exits). The consumers take turns going
//! first, and the CPU ratio of ours to the C one is also given per round (median, lowest,
//! highest): on a virtual machine a round's CPU per message varies by several per cent for
//! both, so a ratio near 1 needs many rounds to be told from 1.
//!
//! Then, unless `--no-callgrind`, each consumer runs under `valgrind --tool=callgrind` for two
//! floods of different sizes with a receive buffer large enough to lose nothing; the
//! difference of the two instruction totals over the difference of the message counts is the
//! user-space instructions per message, start-up excluded.
//!
//! Arguments after `--`: `[PACKETS] [ROUNDS] [--no-callgrind]` (default 200000 and 7).

use std::path::{Path, PathBuf};

use super::cc;

/// The receive buffer both consumers ask for (as root, beyond `rmem_max`).
const RCVBUF: u32 = 4 << 20;

/// Runs one consumer per argument pair (NAME BINARY-AND-ARGS...) against one flood each.
const SCRIPT: &str = r#"
set -u
N=$1; W=$2; FLOOD=$3; shift 3
ip link set lo up
iptables -A OUTPUT -p udp --dport 7778 -j NFLOG --nflog-group 0
oncpu() { cat /proc/$1/task/*/schedstat 2>/dev/null | awk '{s += $1} END {printf "%d", s}'; }
bound() { grep -q '^ *0 ' /proc/net/netfilter/nfnetlink_log 2>/dev/null; }
run() {
    name=$1; cmd=$2
    out=$(mktemp)
    sh -c "exec $cmd" >"$out" 2>/dev/null &
    pid=$!
    i=0; while ! bound && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done
    c0=$(oncpu $pid)
    flood=$("$FLOOD" "$N" 7778 "$W") || flood="0 0 0 0"
    c1=$c0
    n=0
    while kill -0 $pid 2>/dev/null; do
        c=$(oncpu $pid); [ -n "$c" ] && c1=$c
        n=$((n + 1))
        if [ $n -eq 600 ]; then
            echo "NOTE $name still running 30 s after the flood (messages lost?): killed"
            kill $pid
        fi
        sleep 0.05
    done
    wait $pid
    echo "RESULT $name $flood $((c1 - c0)) $(cat "$out" | tr -d ',' | awk '{print $1, $3}')"
    rm -f "$out"
}
while [ $# -ge 2 ]; do run "$1" "$2"; shift 2; done
"#;

/// One consumer's measurements over the rounds.
#[derive(Default)]
struct Samples {
    name: String,
    pps: Vec<f64>,
    loss: Vec<f64>,
    cpu_ns: Vec<f64>,
    overruns: Vec<f64>,
}

/// Runs the log benchmark with the arguments after `--`.
///
/// # Errors
///
/// If the example cannot be built, the flooder cannot be compiled, or the namespace script fails.
pub fn run(args: &[String]) -> crate::Result<()> {
    let callgrind = !args.iter().any(|a| a == "--no-callgrind");
    let nums: Vec<u64> = args.iter().filter_map(|a| a.parse().ok()).collect();
    let packets = nums.first().copied().unwrap_or(200_000);
    let rounds = nums.get(1).copied().unwrap_or(7).max(1);
    let root = crate::workspace_root();
    let target = crate::target_dir();

    crate::step("bench log: cargo build --release -p examples --bin nflog");
    let status = crate::cargo()
        .args(["build", "--release", "-p", "examples", "--bin", "nflog"])
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err("building the nflog example failed".into());
    }
    let cdir = target.join("bench-c");
    std::fs::create_dir_all(&cdir)?;
    let flood = cdir.join("flood");
    if !cc(&flood, &root.join("nfqueue/benches/c/flood.c"), &[]) {
        return Err("cannot compile nfqueue/benches/c/flood.c with cc".into());
    }
    let rust = target.join("release").join("nflog");
    let mut consumers: Vec<(&str, PathBuf)> = vec![("rust", rust)];
    let lnflog = cdir.join("lnflog");
    if cc(
        &lnflog,
        &root.join("nflog/benches/c/lnflog.c"),
        &["-lnetfilter_log", "-lnfnetlink"],
    ) {
        consumers.push(("lnflog", lnflog));
    } else {
        println!("bench log: libnetfilter-log-dev not installed: skipping the lnflog consumer");
    }
    // Ours stops after the flood's count (a blocking receive per batch, as
    // the C consumer's), the C one after 2 s without a message (its socket
    // timeout; the kernel flushes a partial batch after 1 s).
    let command_line = |name: &str, bin: &Path, rcvbuf: u32, packets: u64| match name {
        "rust" => format!(
            "{} 0 --quiet --count {packets} --rcvbuf {rcvbuf}",
            bin.display()
        ),
        _ => format!("{} 0 2 {rcvbuf}", bin.display()),
    };

    crate::step(&format!(
        "bench log: {packets} UDP datagrams through an NFLOG rule, {rounds} rounds, in a throwaway namespace"
    ));
    let mut samples: Vec<Samples> = consumers
        .iter()
        .map(|(n, _)| Samples {
            name: (*n).to_string(),
            ..Samples::default()
        })
        .collect();
    // CPU per message of ours over the C one's, per round (both ran).
    let mut ratios = Vec::new();
    for round in 1..=rounds {
        let mut runs: Vec<(String, String)> = consumers
            .iter()
            .map(|(n, b)| ((*n).to_string(), command_line(n, b, RCVBUF, packets)))
            .collect();
        // Turns: what runs second finds the machine as the first left it.
        if round % 2 == 0 {
            runs.reverse();
        }
        let results = flood_script(&flood, packets, &runs)?;
        let cpu = |name: &str| {
            results
                .iter()
                .find(|r| r.name == name && r.received > 0.0)
                .map(|r| r.oncpu_ns / r.received)
        };
        if let (Some(ours), Some(c)) = (cpu("rust"), cpu("lnflog")) {
            ratios.push(ours / c);
        }
        for r in results {
            println!(
                "round {round}: {:<7} sent {:>7} received {:>7} overruns {:>3} {:>9.0} msg/s",
                r.name,
                r.sent,
                r.received,
                r.overruns,
                r.received / r.seconds
            );
            if let Some(s) = samples.iter_mut().find(|s| s.name == r.name) {
                s.pps.push(r.received / r.seconds);
                s.loss.push((r.sent - r.received) / r.sent);
                s.overruns.push(r.overruns);
                if r.received > 0.0 {
                    s.cpu_ns.push(r.oncpu_ns / r.received);
                }
            }
        }
    }
    let instructions: Vec<Option<f64>> = if callgrind {
        consumers
            .iter()
            .map(|(n, b)| instructions_per_message(&flood, n, b, &command_line))
            .collect::<crate::Result<_>>()?
    } else {
        vec![None; consumers.len()]
    };
    println!(
        "medians of {rounds} rounds:\n{:<8} {:>10} {:>7} {:>9} {:>8} {:>12}",
        "consumer", "msg/s", "loss", "overruns", "cpu ns", "instr/msg"
    );
    for (s, ir) in samples.into_iter().zip(instructions) {
        let f = |v: Option<f64>, p: usize| v.map_or("-".into(), |x| format!("{x:.p$}"));
        println!(
            "{:<8} {:>10} {:>6}% {:>9} {:>8} {:>12}",
            s.name,
            f(super::median(s.pps), 0),
            f(super::median(s.loss).map(|l| l * 100.0), 1),
            f(super::median(s.overruns), 0),
            f(super::median(s.cpu_ns), 0),
            f(ir, 0),
        );
    }
    println!(
        "columns: msg/s = messages received per second of flood; loss = not received (each \
         loss is announced by an overrun); cpu ns = the consumer's CPU per message received; \
         instr/msg = user-space instructions per message (callgrind, start-up excluded)"
    );
    if let (Some(m), Some(lo), Some(hi)) = (
        super::median(ratios.clone()),
        ratios.iter().copied().reduce(f64::min),
        ratios.iter().copied().reduce(f64::max),
    ) {
        println!(
            "cpu per message, rust / lnflog, per round: median {m:.3} (lowest {lo:.3}, highest {hi:.3}, {} rounds)",
            ratios.len()
        );
    }
    println!("targets: rust cpu <= lnflog cpu, rust instr/msg <= 1.0 x lnflog, no unreported loss");
    Ok(())
}

/// One consumer's figures from one flood.
struct RunResult {
    name: String,
    sent: f64,
    seconds: f64,
    oncpu_ns: f64,
    received: f64,
    overruns: f64,
}

/// Runs [`SCRIPT`] once in a throwaway namespace for `runs` (name, command line).
fn flood_script(
    flood: &Path,
    packets: u64,
    runs: &[(String, String)],
) -> crate::Result<Vec<RunResult>> {
    let mut cmd = crate::netns::throwaway("sh");
    cmd.arg("-c").arg(SCRIPT).arg("sh");
    cmd.arg(packets.to_string()).arg("128").arg(flood);
    for (name, line) in runs {
        cmd.arg(name).arg(line);
    }
    let text = super::script_output(cmd)?;
    let mut results = Vec::new();
    for note in text.lines().filter_map(|l| l.strip_prefix("NOTE ")) {
        println!("bench log: {note}");
    }
    for line in text.lines().filter_map(|l| l.strip_prefix("RESULT ")) {
        let f: Vec<&str> = line.split_whitespace().collect();
        let num = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok());
        match (f.first(), num(1), num(2), num(5), num(6), num(7)) {
            (
                Some(name),
                Some(sent),
                Some(seconds),
                Some(oncpu_ns),
                Some(received),
                Some(overruns),
            ) if seconds > 0.0 && sent > 0.0 => {
                results.push(RunResult {
                    name: (*name).to_string(),
                    sent,
                    seconds,
                    oncpu_ns,
                    received,
                    overruns,
                });
            }
            _ => println!("bench log: {line}"),
        }
    }
    Ok(results)
}

/// The consumer's user-space instructions per message, from two callgrind runs.
fn instructions_per_message(
    flood: &Path,
    name: &str,
    bin: &Path,
    command_line: &dyn Fn(&str, &Path, u32, u64) -> String,
) -> crate::Result<Option<f64>> {
    if crate::tools::find("valgrind").is_none() {
        println!("bench log: valgrind not installed: no instruction counts");
        return Ok(None);
    }
    let dir = crate::target_dir().join("bench-callgrind");
    std::fs::create_dir_all(&dir)?;
    let mut points = Vec::new();
    for packets in [10_000u64, 40_000] {
        let out = dir.join(format!("{name}-{packets}.out"));
        let line = format!(
            "valgrind --tool=callgrind --callgrind-out-file={} {}",
            out.display(),
            // No loss under valgrind: a buffer for every message of the flood.
            command_line(name, bin, 256 << 20, packets)
        );
        let run = flood_script(flood, packets, &[(name.to_string(), line)])?;
        let Some(r) = run.first() else {
            return Ok(None);
        };
        // u64 -> f64 is exact below 2^53 instructions.
        #[allow(clippy::cast_precision_loss)]
        let total = super::instructions::callgrind_total(&out)? as f64;
        println!(
            "callgrind: {name:<7} {packets:>6} sent, {:>6} received, {:>5} overruns, {total} instructions",
            r.received, r.overruns
        );
        points.push((r.received, total));
    }
    Ok(match points[..] {
        [(m1, i1), (m2, i2)] if m2 > m1 => Some((i2 - i1) / (m2 - m1)),
        _ => None,
    })
}
