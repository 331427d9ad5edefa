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
//! For each it reports packets per second and the consumer's CPU time per packet
//! (`utime + stime` from `/proc/PID/stat`; the kernel work of reinjecting a packet runs in the
//! consumer's `sendmsg`, so it is included). The C consumers are compiled with `cc` only when
//! the libraries' headers are installed (`libnetfilter-queue-dev`, `libmnl-dev`).
//!
//! Arguments after `--`: `[PACKETS] [WINDOW] [ROUNDS]` (default 300000, 128 and 5). The
//! machine is noisy from run to run, so each consumer runs once per round and the medians
//! are reported.

use std::path::{Path, PathBuf};
use std::process::Command;

const SCRIPT: &str = r#"
set -u
N=$1; W=$2; FLOOD=$3; shift 3
ip link set lo up
TCK=$(getconf CLK_TCK)
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
    s0=0; s1=0
    [ -n "$pid" ] && s0=$(awk '{print $14+$15}' /proc/$pid/stat)
    out=$("$FLOOD" "$N" 7777 "$W") || out="failed"
    [ -n "$pid" ] && s1=$(awk '{print $14+$15}' /proc/$pid/stat)
    if [ -n "$pid" ]; then kill $pid; wait $pid 2>/dev/null; iptables -F OUTPUT; fi
    echo "RESULT $name $out $((s1 - s0)) $TCK"
}
run no-queue
while [ $# -ge 2 ]; do
    name=$1; bin=$2; shift 2
    run "$name" "$bin" 0 --quiet
done
"#;

/// One consumer's figures.
struct Row {
    name: String,
    pps: f64,
    cpu_ns: Option<f64>,
}

fn cc(out: &Path, src: &Path, libs: &[&str]) -> bool {
    let mut cmd = Command::new("cc");
    cmd.args(["-O2", "-o"]).arg(out).arg(src).args(libs);
    matches!(cmd.output(), Ok(o) if o.status.success())
}

/// Runs the queue benchmark with the arguments after `--`.
///
/// # Errors
///
/// If the example cannot be built, the flooder cannot be compiled, or the namespace script fails.
pub fn run(args: &[String]) -> crate::Result<()> {
    let packets: u64 = args.first().and_then(|a| a.parse().ok()).unwrap_or(300_000);
    let window: u32 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(128);
    let rounds: u32 = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(5).max(1);
    let root = crate::workspace_root();
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);

    crate::step("bench queue: cargo build --release -p examples --bin nfqueue");
    let status = crate::cargo()
        .current_dir(&root)
        .args(["build", "--release", "-p", "examples", "--bin", "nfqueue"])
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err("building the nfqueue example failed".into());
    }
    let rust_bin = target.join("release").join("nfqueue");

    let cdir = target.join("bench-c");
    std::fs::create_dir_all(&cdir)?;
    let src = root.join("nfqueue").join("benches").join("c");
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
    let mnl = cdir.join("mnl_batch");
    if cc(&mnl, &src.join("mnl_batch.c"), &["-lmnl"]) {
        consumers.push(("mnl-batch".into(), mnl));
    } else {
        println!("bench queue: libmnl-dev not installed: skipping the mnl-batch consumer");
    }

    crate::step(&format!(
        "bench queue: {packets} UDP datagrams, window {window}, {rounds} rounds, in a throwaway namespace"
    ));
    // This 2-core machine is noisy from run to run: every consumer runs once
    // per round, rounds interleave, and the medians are reported.
    let mut samples: Vec<(String, Vec<f64>, Vec<f64>)> = Vec::new();
    for round in 1..=rounds {
        let mut cmd = crate::netns::throwaway("sh");
        cmd.arg("-c").arg(SCRIPT).arg("sh");
        cmd.arg(packets.to_string())
            .arg(window.to_string())
            .arg(&flood);
        for (name, bin) in &consumers {
            cmd.arg(name).arg(bin);
        }
        let out = cmd
            .output()
            .map_err(|e| format!("cannot run the benchmark: {e}"))?;
        let text = String::from_utf8_lossy(&out.stdout);
        if !out.status.success() {
            return Err(format!(
                "benchmark script failed ({}):\n{text}{}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            )
            .into());
        }
        for line in text.lines().filter_map(|l| l.strip_prefix("RESULT ")) {
            let f: Vec<&str> = line.split_whitespace().collect();
            match f.as_slice() {
                [name, got, _secs, pps, ticks, tck] => {
                    let got: f64 = got.parse().unwrap_or(0.0);
                    let ticks: f64 = ticks.parse().unwrap_or(0.0);
                    let tck: f64 = tck.parse().unwrap_or(100.0);
                    let pps: f64 = pps.parse().unwrap_or(0.0);
                    println!("round {round}: {name:<10} {pps:>10.0} pps");
                    let i = match samples.iter().position(|s| s.0 == *name) {
                        Some(i) => i,
                        None => {
                            samples.push(((*name).to_string(), Vec::new(), Vec::new()));
                            samples.len() - 1
                        }
                    };
                    samples[i].1.push(pps);
                    if *name != "no-queue" && got > 0.0 {
                        samples[i].2.push(ticks / tck * 1e9 / got);
                    }
                }
                _ => println!("bench queue: {line}"),
            }
        }
    }
    let rows: Vec<Row> = samples
        .into_iter()
        .map(|(name, pps, cpu)| Row {
            name,
            pps: median(pps).unwrap_or(0.0),
            cpu_ns: median(cpu),
        })
        .collect();
    let ceiling = rows.iter().find(|r| r.name == "no-queue").map(|r| r.pps);
    let batch_cpu = rows
        .iter()
        .find(|r| r.name == "mnl-batch")
        .and_then(|r| r.cpu_ns);
    println!(
        "medians of {rounds} rounds:\n{:<10} {:>12} {:>14} {:>12} {:>16}",
        "consumer", "pps", "cpu ns/pkt", "pps/ceiling", "cpu/mnl-batch"
    );
    for r in &rows {
        let ratio = ceiling.map_or("-".into(), |c| format!("{:.2}", r.pps / c));
        let cpu = r.cpu_ns.map_or("-".into(), |c| format!("{c:.0}"));
        let vs = match (r.cpu_ns, batch_cpu) {
            (Some(c), Some(b)) if b > 0.0 => format!("{:.2}", c / b),
            _ => "-".into(),
        };
        println!(
            "{:<10} {:>12.0} {:>14} {:>12} {:>16}",
            r.name, r.pps, cpu, ratio, vs
        );
    }
    println!("targets: rust cpu/mnl-batch <= 0.80, rust pps/ceiling >= 0.90");
    Ok(())
}

/// The median of `v` (the mean of the middle two for an even count).
fn median(mut v: Vec<f64>) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let m = v.len() / 2;
    Some(if v.len() % 2 == 0 {
        (v[m - 1] + v[m]) / 2.0
    } else {
        v[m]
    })
}
