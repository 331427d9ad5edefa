//! `cargo xtask bench tcp`: a TCP transfer through NFQUEUE, in Gbit/s.
//!
//! Two network namespaces joined by a veth pair: the throwaway namespace of the benchmark
//! (10.231.0.1, the iperf3 client) and a second one inside it (10.231.0.2, `iperf3 -s`). In the
//! first, `iptables -A OUTPUT -p tcp -d 10.231.0.2 --dport 5201 -j NFQUEUE --queue-num 0`
//! queues the data direction, served in turn by:
//!
//! - `rust`: our example `nfqueue 0 --quiet` in its default configuration;
//! - `rust-gso`: the same with `--gso` (`NFQA_CFG_F_GSO` asked for explicitly);
//! - `rust-no-gso`: the same with `--no-gso`: the kernel segments every TCP super-packet
//!   (up to 64 KiB) into MTU-sized packets before queueing them, and each becomes a message
//!   and a verdict of its own;
//! - `mnl-batch`: the minimal libmnl consumer with batch verdicts of `cargo xtask bench queue`
//!   (`nfqueue/benches/c/mnl_batch.c`; it does not ask for GSO, as classic consumers do not);
//! - `no-queue`: the same transfer without the rule (the ceiling).
//!
//! It reports the receiver's throughput and the consumer's CPU time (from
//! `/proc/PID/task/*/schedstat`, every thread, during the transfer), and checks the targets:
//! `rust` at least 2.5 times `mnl-batch`, and at least 0.9 times the best `rust*`
//! configuration. The machine is noisy, so every consumer runs once per round, rounds
//! interleave, and the medians are reported: of the throughputs, and of the per-round ratios.
//!
//! Arguments after `--`: `[SECONDS] [ROUNDS]` (default 4 and 3). Needs `iperf3` (Debian
//! package `iperf3`) and, for `mnl-batch`, `libmnl-dev`.

use std::path::PathBuf;

use super::median;

/// Runs in the throwaway namespace: `$1` seconds per transfer, then `name binary flags`
/// triples (`flags` is `-` for none). Prints `RESULT name gbit_per_s consumer_cpu_ns`.
const SCRIPT: &str = r#"
set -u
T=$1; shift
ip link set lo up
# The server's namespace: a child that only holds it, so `nsenter -t` can enter it.
unshare --net sleep 100000 &
peer=$!
for _ in 1 2 3 4 5 6 7 8 9 10; do
    [ "$(readlink /proc/$peer/ns/net)" != "$(readlink /proc/self/ns/net)" ] && break
    sleep 0.1
done
ip link add vA type veth peer name vB
ip link set vB netns "$peer"
ip addr add 10.231.0.1/24 dev vA
ip link set vA up
nsenter -t "$peer" -n sh -c 'ip link set lo up && ip addr add 10.231.0.2/24 dev vB && ip link set vB up'
nsenter -t "$peer" -n iperf3 -s >/dev/null 2>&1 &
srv=$!
trap 'kill $srv $peer 2>/dev/null' EXIT
sleep 0.5
oncpu() { cat /proc/$1/task/*/schedstat | awk '{s += $1} END {printf "%d", s}'; }
run() {
    name=$1; bin=$2; flags=$3
    pid=""
    if [ "$name" != no-queue ]; then
        iptables -A OUTPUT -p tcp -d 10.231.0.2 --dport 5201 -j NFQUEUE --queue-num 0
        [ "$flags" = - ] && flags=""
        "$bin" 0 --quiet $flags >/dev/null 2>&1 &
        pid=$!
        sleep 0.5
    fi
    c0=0; [ -n "$pid" ] && c0=$(oncpu "$pid")
    g=$(iperf3 -c 10.231.0.2 -t "$T" -f g 2>&1 |
        awk '/receiver/ { for (i = 2; i <= NF; i++) if ($i == "Gbits/sec") print $(i - 1) }')
    c1=0; [ -n "$pid" ] && c1=$(oncpu "$pid")
    if [ -n "$pid" ]; then kill "$pid"; wait "$pid" 2>/dev/null; iptables -F OUTPUT; fi
    echo "RESULT $name ${g:-failed} $((c1 - c0))"
}
run no-queue - -
while [ $# -ge 3 ]; do
    run "$1" "$2" "$3"
    shift 3
done
"#;

/// One consumer's figures, one entry per round.
#[derive(Default)]
struct Samples {
    name: String,
    gbits: Vec<f64>,
    /// The consumer's CPU time during the transfer, as a share of one core.
    cpu: Vec<f64>,
}

/// Runs the TCP benchmark with the arguments after `--`.
///
/// # Errors
///
/// If iperf3 is missing, the example cannot be built, or the namespace script fails.
pub fn run(args: &[String]) -> crate::Result<()> {
    let secs: u32 = args
        .first()
        .and_then(|a| a.parse().ok())
        .unwrap_or(4)
        .max(1);
    let rounds: u32 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(3).max(1);
    if crate::tools::find("iperf3").is_none() {
        return Err("bench tcp needs iperf3: apt-get install iperf3".into());
    }
    let rust = super::nfqueue_example("tcp")?;
    let mut consumers: Vec<(&str, PathBuf, &str)> = vec![
        ("rust", rust.clone(), "-"),
        ("rust-gso", rust.clone(), "--gso"),
        ("rust-no-gso", rust, "--no-gso"),
    ];
    if let Some(mnl) = super::mnl_batch("tcp")? {
        consumers.push(("mnl-batch", mnl, "-"));
    }

    crate::step(&format!(
        "bench tcp: iperf3 through NFQUEUE over a veth pair, {secs} s per transfer, {rounds} rounds"
    ));
    let mut samples: Vec<Samples> = Vec::new();
    for round in 1..=rounds {
        let mut cmd = crate::netns::throwaway("sh");
        cmd.arg("-c").arg(SCRIPT).arg("sh").arg(secs.to_string());
        for (name, bin, flags) in &consumers {
            cmd.arg(name).arg(bin).arg(flags);
        }
        for line in &super::script_results(cmd)? {
            let f: Vec<&str> = line.split_whitespace().collect();
            let (Some(name), Some(Ok(gbits)), Some(Ok(cpu_ns))) = (
                f.first(),
                f.get(1).map(|v| v.parse::<f64>()),
                f.get(2).map(|v| v.parse::<f64>()),
            ) else {
                println!("round {round}: {line} (no result)");
                continue;
            };
            let cpu = cpu_ns / (f64::from(secs) * 1e9);
            println!(
                "round {round}: {name:<12} {gbits:>6.2} Gbit/s  consumer cpu {:>4.0}%",
                cpu * 100.0
            );
            let i = match samples.iter().position(|s| s.name == *name) {
                Some(i) => i,
                None => {
                    samples.push(Samples {
                        name: (*name).to_string(),
                        ..Samples::default()
                    });
                    samples.len() - 1
                }
            };
            samples[i].gbits.push(gbits);
            samples[i].cpu.push(cpu);
        }
    }
    report(&samples, rounds);
    Ok(())
}

/// Per round, `rust` over `other` (`None` when either did not run that round).
fn ratios(samples: &[Samples], other: impl Fn(usize) -> Option<f64>) -> Vec<f64> {
    let Some(rust) = samples.iter().find(|s| s.name == "rust") else {
        return Vec::new();
    };
    rust.gbits
        .iter()
        .enumerate()
        .filter_map(|(round, g)| other(round).filter(|o| *o > 0.0).map(|o| g / o))
        .collect()
}

/// Prints the medians, the ratios and whether the targets are met.
fn report(samples: &[Samples], rounds: u32) {
    println!(
        "medians of {rounds} rounds:\n{:<12} {:>7} {:>11} {:>9}",
        "consumer", "Gbit/s", "/ no-queue", "cpu/core"
    );
    let ceiling = samples
        .iter()
        .find(|s| s.name == "no-queue")
        .and_then(|s| median(s.gbits.clone()));
    for s in samples {
        let g = median(s.gbits.clone()).unwrap_or(0.0);
        let vs = ceiling.map_or("-".into(), |c| format!("{:.2}", g / c));
        let cpu = match (s.name.as_str(), median(s.cpu.clone())) {
            ("no-queue", _) | (_, None) => "-".into(),
            (_, Some(c)) => format!("{:.0}%", c * 100.0),
        };
        println!("{:<12} {g:>7.2} {vs:>11} {cpu:>9}", s.name);
    }
    let at = |name: &str, round: usize| {
        samples
            .iter()
            .find(|s| s.name == name)
            .and_then(|s| s.gbits.get(round).copied())
    };
    let vs_c = median(ratios(samples, |r| at("mnl-batch", r)));
    let vs_best = median(ratios(samples, |r| {
        ["rust", "rust-gso", "rust-no-gso"]
            .iter()
            .filter_map(|n| at(n, r))
            .reduce(f64::max)
    }));
    let verdict = |v: Option<f64>, target: f64| match v {
        Some(v) if v >= target => format!("{v:.2} (met)"),
        Some(v) => format!("{v:.2} (NOT met)"),
        None => "- (not measured)".into(),
    };
    println!(
        "rust (default configuration) / mnl-batch:      {}   target >= 2.5",
        verdict(vs_c, 2.5)
    );
    println!(
        "rust (default configuration) / best rust*:     {}   target >= 0.9",
        verdict(vs_best, 0.9)
    );
    println!("(ratios: medians of the per-round ratios; cpu/core: the consumer's CPU time over the transfer time)");
}
