//! `cargo xtask bench`: the criterion benches plus the kernel round-trip benchmarks.
//!
//! ```text
//! cargo xtask bench [criterion|queue|conntrack|log|events|all] [-- ARGS...]
//! ```
//!
//! - `criterion`: `cargo bench --workspace [-- ARGS]` (parsing and building from fixtures, no
//!   privileges needed).
//! - `queue`: [`queue::run`], packets through NFQUEUE in a throwaway namespace.
//! - `tcp`: [`tcp::run`], a TCP transfer (iperf3) through NFQUEUE between two namespaces.
//! - `conntrack`: [`conntrack::run`], conntrack dumps and events in a throwaway namespace.
//! - `log`: [`log::run`], NFLOG consumers side by side in a throwaway namespace.
//! - `events`: [`events::run`], user-space instructions per conntrack event, ours and
//!   libnetfilter_conntrack's (callgrind).
//! - `nftables`: [`nftables::run`], nf_tables dumps and transactions against libnftnl and
//!   `nft -f` in a throwaway namespace (not part of `all`).
//! - `all` (the default): all of the above, in that order.
//!
//! A sub-benchmark gets the arguments after `--`. To run something in a throwaway network
//! namespace (as root or as an ordinary user), use [`crate::netns::throwaway`] or
//! [`crate::netns::run_script`]; [`crate::process::run_teed`] adds a deadline.

pub mod conntrack;
pub mod events;
pub mod instructions;
pub mod log;
pub mod nftables;
pub mod queue;
pub mod tcp;

use std::path::{Path, PathBuf};
use std::process::Command;

/// Usage text for `cargo xtask bench`.
pub const USAGE: &str = "\
cargo xtask bench [criterion|queue|tcp|conntrack|log|events|nftables|all] [-- ARGS...]
    criterion  cargo bench --workspace (fixtures only, no privileges)
    queue      NFQUEUE throughput in a throwaway network namespace
               (-- --instructions: user-space instructions per packet with callgrind,
               and the latency added to a ping, ours and libmnl's)
    tcp        a TCP transfer (iperf3) through NFQUEUE between two namespaces, in Gbit/s
    conntrack  conntrack dump/event throughput in a throwaway network namespace
    log        NFLOG consumers (rate, loss, CPU, callgrind instructions) in a throwaway namespace
    events     conntrack events: callgrind instructions per event, ours and libnetfilter_conntrack's
               (-- N1 N2: flows created and flushed per run, default 10000 40000)
    nftables   nf_tables dumps and transactions: ours, libnftnl C programs and nft -f
               (-- [ROWS] [ELEMS] [REPS], default 10000 1000000 3; not part of all)
    all        all of the above (the default)";

/// Runs `cargo xtask bench` with the arguments after `bench`.
///
/// # Errors
///
/// An unknown benchmark name, or the first benchmark that fails.
pub fn run(args: &[String]) -> crate::Result<()> {
    let (names, extra) = match args.iter().position(|a| a == "--") {
        Some(i) => (&args[..i], &args[i + 1..]),
        None => (args, &[][..]),
    };
    let which = match names {
        [] => "all",
        [one] => one.as_str(),
        _ => return Err(format!("give one benchmark name\n\n{USAGE}").into()),
    };
    match which {
        "criterion" => criterion(extra),
        "queue" => queue::run(extra),
        "tcp" => tcp::run(extra),
        "conntrack" => conntrack::run(extra),
        "log" => log::run(extra),
        "events" => events::run(extra),
        "nftables" => nftables::run(extra),
        "all" => {
            criterion(extra)?;
            queue::run(extra)?;
            tcp::run(extra)?;
            conntrack::run(extra)?;
            log::run(extra)?;
            events::run(extra)
        }
        other => Err(format!("unknown benchmark `{other}`\n\n{USAGE}").into()),
    }
}

/// Compiles the C program `src` to `out` with `cc -O2`, linking `libs`; false if that fails
/// (typically a library's headers are not installed). The compiler's output is not shown.
fn cc(out: &Path, src: &Path, libs: &[&str]) -> bool {
    let mut cmd = Command::new("cc");
    cmd.args(["-O2", "-o"]).arg(out).arg(src).args(libs);
    matches!(cmd.output(), Ok(o) if o.status.success())
}

/// Builds the `nfqueue` example in release mode for the benchmark `bench` and returns its path.
fn nfqueue_example(bench: &str) -> crate::Result<PathBuf> {
    crate::step(&format!(
        "bench {bench}: cargo build --release -p examples --bin nfqueue"
    ));
    let status = crate::cargo()
        .args(["build", "--release", "-p", "examples", "--bin", "nfqueue"])
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err("building the nfqueue example failed".into());
    }
    Ok(crate::target_dir().join("release").join("nfqueue"))
}

/// The C sources of the queue benchmarks (`nfqueue/benches/c`) and the directory their
/// binaries go to (`target/bench-c`, created).
fn c_dirs() -> crate::Result<(PathBuf, PathBuf)> {
    let out = crate::target_dir().join("bench-c");
    std::fs::create_dir_all(&out)?;
    let src = crate::workspace_root().join("nfqueue/benches/c");
    Ok((src, out))
}

/// The minimal libmnl consumer with batch verdicts (`nfqueue/benches/c/mnl_batch.c`), compiled;
/// `None` (and a note) when libmnl's headers are not installed.
fn mnl_batch(bench: &str) -> crate::Result<Option<PathBuf>> {
    let (src, out) = c_dirs()?;
    let bin = out.join("mnl_batch");
    if cc(&bin, &src.join("mnl_batch.c"), &["-lmnl"]) {
        Ok(Some(bin))
    } else {
        println!("bench {bench}: libmnl-dev not installed: skipping the mnl-batch consumer");
        Ok(None)
    }
}

/// Runs a benchmark script and returns its standard output.
///
/// # Errors
/// If the script cannot be run or fails (the message has its output).
fn script_output(mut cmd: Command) -> crate::Result<String> {
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run the benchmark: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    if !out.status.success() {
        return Err(format!(
            "benchmark script failed ({}):\n{text}{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    Ok(text)
}

/// Runs a benchmark script and returns its `RESULT ...` lines without the prefix.
///
/// # Errors
/// As [`script_output`].
fn script_results(cmd: Command) -> crate::Result<Vec<String>> {
    Ok(script_output(cmd)?
        .lines()
        .filter_map(|l| l.strip_prefix("RESULT "))
        .map(str::to_string)
        .collect())
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

/// `cargo bench --workspace [-- extra]`.
fn criterion(extra: &[String]) -> crate::Result<()> {
    crate::step("criterion benches: cargo bench --workspace");
    let mut cmd = crate::cargo();
    cmd.args(["bench", "--workspace"]);
    if !extra.is_empty() {
        cmd.arg("--").args(extra);
    }
    let status = cmd.status().map_err(|e| format!("cannot run cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("cargo bench failed ({status})").into())
    }
}
