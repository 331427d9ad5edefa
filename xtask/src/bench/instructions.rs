//! `cargo xtask bench queue -- --instructions [N1 N2]`: user-space instructions per accepted
//! packet, counted with `valgrind --tool=callgrind`, for our `nfqueue --quiet` and the libmnl
//! batch C consumer in the same run; then the latency a queue adds to a ping, for both.
//!
//! Instructions: each consumer serves the closed-loop UDP flood of `cargo xtask bench queue`
//! (64-byte datagrams, window 32) twice under callgrind, once for `N1` and once for `N2`
//! packets (default 20,000 and 120,000); the difference of the two totals over `N2 - N1`
//! cancels start-up and shutdown and leaves the cost per packet. Callgrind counts executed
//! instructions, so the figure repeats exactly whatever else the machine does. Only user
//! space is counted (the kernel's share is the same for both: the same system calls).
//!
//! Latency: 2,000 pings (`-i 0.002`, loopback) through `iptables -A OUTPUT -p icmp -j
//! NFQUEUE` served by each consumer, and without the rule; the added latency is the
//! consumer's round-trip percentile minus the no-queue one.

use std::path::{Path, PathBuf};

const SCRIPT: &str = r#"
set -u
N=$1; W=$2; FLOOD=$3; OUT=$4; NAME=$5; shift 5
ip link set lo up
iptables -A OUTPUT -p udp --dport 7777 -j NFQUEUE --queue-num 0
valgrind --tool=callgrind --callgrind-out-file="$OUT" "$@" >/dev/null 2>&1 &
pid=$!
# the consumer binds slowly under valgrind: wait until the queue is bound
for i in $(seq 100); do
    grep -q '^ *0 ' /proc/net/netfilter/nfnetlink_queue 2>/dev/null && break
    sleep 0.1
done
"$FLOOD" "$N" 7777 "$W" >/dev/null || echo "FAILED flood"
kill -TERM $pid
wait $pid 2>/dev/null
iptables -F OUTPUT
"#;

const PING: &str = r#"
set -u
shift 0
ip link set lo up
pings() { ping -n -c 2000 -i 0.002 -W 1 127.0.0.1 | sed -n 's/.*time=\([0-9.]*\) ms/\1/p' | tr '\n' ' '; }
echo "RTT no-queue $(pings)"
while [ $# -ge 2 ]; do
    name=$1; bin=$2; shift 2
    iptables -A OUTPUT -p icmp -j NFQUEUE --queue-num 0
    "$bin" 0 --quiet >/dev/null 2>&1 &
    pid=$!
    for i in $(seq 50); do
        grep -q '^ *0 ' /proc/net/netfilter/nfnetlink_queue 2>/dev/null && break
        sleep 0.1
    done
    echo "RTT $name $(pings)"
    kill $pid; wait $pid 2>/dev/null
    iptables -F OUTPUT
done
"#;

/// Runs the instruction count and the latency comparison.
///
/// # Errors
///
/// A missing valgrind, a failed build or a failed script.
pub fn run(consumers: &[(String, PathBuf)], flood: &Path, args: &[String]) -> crate::Result<()> {
    let n1: u64 = args.first().and_then(|a| a.parse().ok()).unwrap_or(20_000);
    let n2: u64 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(120_000);
    if n2 <= n1 {
        return Err("--instructions N1 N2 needs N2 > N1".into());
    }
    if crate::tools::command("valgrind")
        .arg("--version")
        .output()
        .is_err()
    {
        return Err("valgrind is not installed (apt-get install valgrind)".into());
    }
    let dir = crate::target_dir().join("bench-callgrind");
    std::fs::create_dir_all(&dir)?;
    crate::step(&format!(
        "bench queue --instructions: callgrind, {n1} and {n2} packets per consumer"
    ));
    let mut per_packet = Vec::new();
    for (name, bin) in consumers.iter().filter(|(n, _)| n != "lnfq") {
        let mut totals = Vec::new();
        for n in [n1, n2] {
            let out = dir.join(format!("{name}.{n}.callgrind"));
            let _ = std::fs::remove_file(&out);
            let mut cmd = crate::netns::throwaway("sh");
            cmd.arg("-c").arg(SCRIPT).arg("sh");
            cmd.arg(n.to_string())
                .arg("32")
                .arg(flood)
                .arg(&out)
                .arg(name);
            cmd.arg(bin).args(["0", "--quiet"]);
            let text = super::script_output(cmd)?;
            if text.contains("FAILED") {
                return Err(format!("{name}: the flood failed under callgrind:\n{text}").into());
            }
            totals.push(callgrind_total(&out)?);
        }
        let ir = (totals[1] as f64 - totals[0] as f64) / (n2 - n1) as f64;
        println!(
            "{name:<10} {ir:>8.0} instructions per packet (totals {} / {})",
            totals[0], totals[1]
        );
        per_packet.push((name.clone(), ir));
    }
    let find = |n: &str| per_packet.iter().find(|(k, _)| k == n).map(|(_, v)| *v);
    if let (Some(ours), Some(mnl)) = (find("rust"), find("mnl-batch")) {
        println!("rust / mnl-batch = {:.2} (target <= 1.00)", ours / mnl);
    }

    crate::step("bench queue --instructions: latency a queue adds to a ping (2000 pings)");
    let mut cmd = crate::netns::throwaway("sh");
    cmd.arg("-c").arg(PING).arg("sh");
    for (name, bin) in consumers.iter().filter(|(n, _)| n != "lnfq") {
        cmd.arg(name).arg(bin);
    }
    let text = super::script_output(cmd)?;
    let mut base = None;
    println!("{:<10} {:>10} {:>10}", "consumer", "+p50 us", "+p99 us");
    for line in text.lines().filter_map(|l| l.strip_prefix("RTT ")) {
        let mut f = line.split_whitespace();
        let name = f.next().unwrap_or("?");
        let mut v: Vec<f64> = f.filter_map(|x| x.parse().ok()).collect();
        v.sort_by(f64::total_cmp);
        if v.is_empty() {
            println!("{name:<10} no replies");
            continue;
        }
        // Nearest-rank percentile: an index below the sample count.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let pct = |p: f64| v[((v.len() - 1) as f64 * p).round() as usize] * 1000.0;
        let (p50, p99) = (pct(0.5), pct(0.99));
        match base {
            None => {
                base = Some((p50, p99));
                println!("{name:<10} {p50:>10.1} {p99:>10.1}   (round trip itself)");
            }
            Some((b50, b99)) => println!("{name:<10} {:>10.1} {:>10.1}", p50 - b50, p99 - b99),
        }
    }
    Ok(())
}

/// The `summary:` (total instructions) line of a callgrind output file.
pub(super) fn callgrind_total(path: &Path) -> crate::Result<u64> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: {e} (did the consumer exit?)", path.display()))?;
    text.lines()
        .find_map(|l| {
            l.strip_prefix("summary:")
                .or_else(|| l.strip_prefix("totals:"))
        })
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| format!("{}: no summary line", path.display()).into())
}
