//! `cargo xtask fuzz [SECONDS]`: every cargo-fuzz target of `fuzz/` for SECONDS each.
//!
//! Builds the targets once (`cargo fuzz build`, nightly, AddressSanitizer), then runs each with
//! its corpus `fuzz/corpus/TARGET` (created, not committed) plus the kernel captures in
//! `*/testdata` as read-only seeds, one libFuzzer job per target and as many targets at a time
//! as there are cores, and prints executions and the outcome per target. A crash leaves its input in `fuzz/artifacts/TARGET/`; the command then fails
//! and names it. Needs a rustup nightly toolchain and `cargo install cargo-fuzz`.

use std::time::Duration;

use crate::process::run_teed;

/// Usage text for `cargo xtask fuzz`.
pub const USAGE: &str = "\
cargo xtask fuzz [SECONDS]
    Builds the fuzz targets of fuzz/ (nightly + cargo-fuzz) and runs each for SECONDS
    (default 60), seeded with the kernel captures in */testdata; prints executions per
    target and fails on any crash (its input is kept in fuzz/artifacts/TARGET/).";

/// Seed directories: kernel captures recorded by the namespace tests.
const SEEDS: &[&str] = &[
    "nfnetlink/testdata",
    "nfconntrack/testdata",
    "nfqueue/testdata",
    "nftables/testdata",
];

/// How to get what the fuzzer needs.
const INSTALL_HINT: &str = "rustup toolchain install nightly && cargo install cargo-fuzz";

/// Why the fuzz targets cannot run here, or `None` when they can.
pub fn unavailable() -> Option<String> {
    let out = crate::tools::nightly_cargo(&["fuzz", "--version"])
        .stdin(std::process::Stdio::null())
        .output();
    match out {
        Ok(o) if o.status.success() => None,
        Ok(o) => {
            let err = String::from_utf8_lossy(&o.stderr);
            let first = err
                .lines()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("no output");
            Some(format!(
                "no nightly toolchain with cargo-fuzz (`rustup run nightly cargo fuzz --version`: \
                 {}); install: {INSTALL_HINT}",
                first.trim()
            ))
        }
        Err(e) => Some(format!(
            "rustup cannot be run ({e}); install: {INSTALL_HINT}"
        )),
    }
}

/// Runs one target for `secs` seconds (its output lines prefixed with its name).
fn fuzz_one(target: &str, secs: u64) -> crate::Result<Row> {
    let root = crate::workspace_root();
    let corpus = root.join("fuzz/corpus").join(target);
    std::fs::create_dir_all(&corpus)?;
    let mut cmd = crate::tools::nightly_cargo(&["fuzz", "run", target]);
    cmd.arg(&corpus);
    for seed in SEEDS {
        cmd.arg(root.join(seed));
    }
    cmd.args([
        "--",
        &format!("-max_total_time={secs}"),
        "-timeout=10",
        "-rss_limit_mb=2048",
        "-print_final_stats=1",
    ]);
    crate::step(&format!("fuzzing {target} for {secs} s"));
    // Building is done: allow for start-up and the final corpus merge on top of SECONDS.
    let out = run_teed(
        cmd,
        // libFuzzer's progress lines (`#N NEW ...`) stay in the outcome;
        // what it says otherwise (start-up, crashes, the final stats) is shown.
        &mut |line| {
            if !line.starts_with('#') {
                println!("[{target}] {line}");
            }
        },
        Duration::from_secs(secs + 300),
    )?;
    let (ok, outcome) = match (out.success(), artifact(&out.lines)) {
        (true, _) => (true, "no crash".to_string()),
        (false, Some(path)) => (false, format!("CRASH, input in {path}")),
        (false, None) if out.timed_out() => (false, "did not stop in time".to_string()),
        (false, None) => (false, "failed (see its output above)".to_string()),
    };
    Ok(Row {
        target: target.to_string(),
        execs: executions(&out.lines),
        secs: out.elapsed.as_secs(),
        outcome,
        ok,
    })
}

/// The outcome of one target.
struct Row {
    target: String,
    execs: Option<u64>,
    secs: u64,
    outcome: String,
    ok: bool,
}

/// Executions from libFuzzer's last `Done N runs in S second(s)` or `#N` status line.
fn executions(lines: &[String]) -> Option<u64> {
    lines.iter().rev().find_map(|l| {
        if let Some(rest) = l.strip_prefix("Done ") {
            return rest.split_whitespace().next()?.parse().ok();
        }
        let rest = l.strip_prefix('#')?;
        rest.split(|c: char| !c.is_ascii_digit())
            .next()?
            .parse()
            .ok()
    })
}

/// The crash input libFuzzer reported (`Test unit written to PATH`), if any.
fn artifact(lines: &[String]) -> Option<String> {
    lines.iter().find_map(|l| {
        l.split_once("Test unit written to ")
            .map(|(_, p)| p.trim().to_string())
    })
}

/// The target names, from `cargo fuzz list`.
fn targets() -> crate::Result<Vec<String>> {
    let out = crate::tools::nightly_cargo(&["fuzz", "list"])
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| format!("cannot run cargo fuzz list: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "cargo fuzz list failed: {}",
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect())
}

/// Runs `cargo xtask fuzz`; `Ok(false)` if a target crashed or failed.
///
/// # Errors
///
/// Bad arguments, no nightly or cargo-fuzz, or a build failure.
pub fn run(args: &[String]) -> crate::Result<bool> {
    let secs: u64 = match args {
        [] => 60,
        [s] => s
            .parse()
            .map_err(|_| format!("`{s}` is not a number of seconds\n\n{USAGE}"))?,
        _ => return Err(USAGE.into()),
    };
    if let Some(why) = unavailable() {
        return Err(why.into());
    }
    crate::step("building the fuzz targets: cargo fuzz build");
    let built = crate::tools::nightly_cargo(&["fuzz", "build"])
        .status()
        .map_err(|e| format!("cannot run cargo fuzz build: {e}"))?;
    if !built.success() {
        return Err("cargo fuzz build failed (see above)".into());
    }
    // One libFuzzer job per target, as many targets at a time as there are
    // cores (each job is one process on one core).
    let jobs = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let mut rows = Vec::new();
    for group in targets()?.chunks(jobs) {
        let done: Vec<crate::Result<Row>> = std::thread::scope(|s| {
            let running: Vec<_> = group
                .iter()
                .map(|target| s.spawn(move || fuzz_one(target, secs)))
                .collect();
            running
                .into_iter()
                .map(|h| {
                    h.join()
                        .unwrap_or_else(|_| Err("a fuzzing thread panicked".into()))
                })
                .collect()
        });
        for row in done {
            rows.push(row?);
        }
    }
    println!("\n==================== fuzz summary ====================");
    for r in &rows {
        let execs = r.execs.map_or_else(|| "?".to_string(), |n| n.to_string());
        println!(
            "  {:24} {:>12} execs in {:>5} s  {}",
            r.target, execs, r.secs, r.outcome
        );
    }
    Ok(rows.iter().all(|r| r.ok))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(t: &str) -> Vec<String> {
        t.lines().map(str::to_string).collect()
    }

    #[test]
    fn reads_libfuzzer_output() {
        let out = lines(
            "#1024\tpulse  cov: 10 ft: 12 corp: 3/10b exec/s: 0 rss: 30Mb\n\
             Done 296643 runs in 11 second(s)\n",
        );
        assert_eq!(executions(&out), Some(296_643));
        let crash = lines(
            "#77\tNEW cov: 3\n==1== ERROR: libFuzzer: deadly signal\n\
             artifact_prefix='x/'; Test unit written to fuzz/artifacts/attrs/crash-ab12\n",
        );
        assert_eq!(executions(&crash), Some(77));
        assert_eq!(
            artifact(&crash).as_deref(),
            Some("fuzz/artifacts/attrs/crash-ab12")
        );
    }
}
