//! `cargo xtask bench events [-- N1 N2]`: user-space instructions per conntrack event,
//! counted with `valgrind --tool=callgrind`, for our event consumer and a minimal
//! libnetfilter_conntrack one, on the same flood of creates and deletes.
//!
//! In a throwaway network namespace each consumer subscribes to the NEW and DESTROY groups
//! (a 256 MiB receive buffer, so nothing is lost under valgrind) and decodes every event;
//! then `ct_bench create N` makes N UDP flows (batched ctnetlink creates: N NEW events) and
//! `conntrack -F` deletes them (N DESTROY events). Consumers:
//!
//! - `rust`: `ct_bench events` (`nfconntrack/examples/ct_bench.rs`): an
//!   `nfnl_conntrack::EventListener`, each event decoded into a `Flow` (mark and source port
//!   read);
//! - `lnfct`: `nfconntrack/benches/c/ct_events.c` on libnetfilter_conntrack
//!   (`nfct_catch` with a callback reading the same two fields), compiled with `cc` when
//!   `libnetfilter_conntrack.h` is installed.
//!
//! Each runs twice, for `N1` and `N2` flows (default 10,000 and 40,000); the difference of
//! the two instruction totals over the difference of the events received is the cost per
//! event, start-up and shutdown excluded. Callgrind counts executed instructions, so the
//! figure repeats exactly whatever else the machine does.

use std::path::PathBuf;

const SCRIPT: &str = r#"
set -u
BENCH=$1; N=$2; OUT=$3; READY=$4; shift 4
ip link set lo up
rm -f "$READY"
res=$(mktemp)
valgrind --tool=callgrind --callgrind-out-file="$OUT" "$@" "$READY" >"$res" 2>/dev/null &
pid=$!
i=0; while [ ! -e "$READY" ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done
"$BENCH" create "$N" >/dev/null || echo "FAILED create"
conntrack -F >/dev/null 2>&1 || echo "FAILED flush"
wait $pid
echo "RESULT $(cat "$res")"
rm -f "$res" "$READY"
"#;

/// Runs the events benchmark with the arguments after `--`.
///
/// # Errors
///
/// A missing valgrind, a failed build or a failed script.
pub fn run(args: &[String]) -> crate::Result<()> {
    let n1: u64 = args.first().and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let n2: u64 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(40_000);
    if n2 <= n1 {
        return Err("bench events N1 N2 needs N2 > N1".into());
    }
    if crate::tools::find("valgrind").is_none() {
        return Err("valgrind is not installed (apt-get install valgrind)".into());
    }
    crate::step("bench events: cargo build --release -p nfnl-conntrack --example ct_bench");
    let st = crate::cargo()
        .args([
            "build",
            "--release",
            "-p",
            "nfnl-conntrack",
            "--example",
            "ct_bench",
        ])
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !st.success() {
        return Err("building ct_bench failed".into());
    }
    let target = crate::target_dir();
    let bench = target.join("release/examples/ct_bench");
    let cdir = target.join("bench-c");
    std::fs::create_dir_all(&cdir)?;
    let mut consumers: Vec<(&str, Vec<PathBuf>)> =
        vec![("rust", vec![bench.clone(), PathBuf::from("events")])];
    let lnfct = cdir.join("ct_events");
    let src = crate::workspace_root().join("nfconntrack/benches/c/ct_events.c");
    if super::cc(&lnfct, &src, &["-lnetfilter_conntrack"]) {
        consumers.push(("lnfct", vec![lnfct]));
    } else {
        println!("bench events: libnetfilter-conntrack-dev not installed: skipping the C consumer");
    }
    let dir = target.join("bench-callgrind");
    std::fs::create_dir_all(&dir)?;
    crate::step(&format!(
        "bench events: callgrind, {n1} and {n2} flows created and flushed per consumer"
    ));
    let mut per_event = Vec::new();
    for (name, cmdline) in &consumers {
        let mut points = Vec::new();
        for n in [n1, n2] {
            let out = dir.join(format!("events-{name}.{n}.callgrind"));
            let _ = std::fs::remove_file(&out);
            let ready = dir.join(format!("events-{name}.ready"));
            let mut cmd = crate::netns::throwaway("sh");
            cmd.arg("-c").arg(SCRIPT).arg("sh");
            cmd.arg(&bench).arg(n.to_string()).arg(&out).arg(&ready);
            cmd.args(cmdline);
            let text = super::script_output(cmd)?;
            if text.contains("FAILED") {
                return Err(format!("{name}: the flood failed:\n{text}").into());
            }
            let line = text
                .lines()
                .find_map(|l| l.strip_prefix("RESULT "))
                .unwrap_or_default();
            let field = |k: &str| {
                line.split_whitespace()
                    .find_map(|w| w.strip_prefix(k))
                    .and_then(|v| v.parse::<f64>().ok())
            };
            let (Some(events), Some(overruns)) = (field("count="), field("overruns=")) else {
                return Err(format!("{name}: no event count in:\n{text}").into());
            };
            // u64 -> f64 is exact below 2^53 instructions.
            #[allow(clippy::cast_precision_loss)]
            let total = super::instructions::callgrind_total(&out)? as f64;
            println!(
                "callgrind: {name:<6} {n:>6} flows, {events:>7} events, {overruns} overruns, {total} instructions"
            );
            points.push((events, total));
        }
        if let [(e1, i1), (e2, i2)] = points[..] {
            if e2 > e1 {
                let ir = (i2 - i1) / (e2 - e1);
                println!("{name:<10} {ir:>8.0} instructions per event");
                per_event.push((*name, ir));
            }
        }
    }
    let find = |n: &str| per_event.iter().find(|(k, _)| *k == n).map(|(_, v)| *v);
    if let (Some(ours), Some(c)) = (find("rust"), find("lnfct")) {
        println!("rust / lnfct = {:.2} (target <= 0.50)", ours / c);
    }
    Ok(())
}
