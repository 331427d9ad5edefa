//! `cargo xtask bench`: the criterion benches plus the kernel round-trip benchmarks.
//!
//! ```text
//! cargo xtask bench [criterion|queue|conntrack|log|all] [-- ARGS...]
//! ```
//!
//! - `criterion`: `cargo bench --workspace [-- ARGS]` (parsing and building from fixtures, no
//!   privileges needed).
//! - `queue`: [`queue::run`], packets through NFQUEUE in a throwaway namespace.
//! - `conntrack`: [`conntrack::run`], conntrack dumps and events in a throwaway namespace.
//! - `log`: [`log::run`], NFLOG consumers side by side in a throwaway namespace.
//! - `all` (the default): all of the above, in that order.
//!
//! A sub-benchmark gets the arguments after `--`. To run something in a throwaway network
//! namespace (as root or as an ordinary user), use [`crate::netns::throwaway`] or
//! [`crate::netns::run_script`]; [`crate::process::run_teed`] adds a deadline.

pub mod conntrack;
pub mod instructions;
pub mod log;
pub mod queue;

use std::path::Path;
use std::process::Command;

/// Usage text for `cargo xtask bench`.
pub const USAGE: &str = "\
cargo xtask bench [criterion|queue|conntrack|log|all] [-- ARGS...]
    criterion  cargo bench --workspace (fixtures only, no privileges)
    queue      NFQUEUE throughput in a throwaway network namespace
               (-- --instructions: user-space instructions per packet with callgrind,
               and the latency added to a ping, ours and libmnl's)
    conntrack  conntrack dump/event throughput in a throwaway network namespace
    log        NFLOG consumers (rate, loss, CPU, callgrind instructions) in a throwaway namespace
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
        "conntrack" => conntrack::run(extra),
        "log" => log::run(extra),
        "all" => {
            criterion(extra)?;
            queue::run(extra)?;
            conntrack::run(extra)?;
            log::run(extra)
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
