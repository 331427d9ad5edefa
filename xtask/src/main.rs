//! Project automation, run as `cargo xtask <command>` (an alias in `.cargo/config.toml`).
//!
//! - `cargo xtask demo`: a first look: a packet queue and the conntrack table at work in a
//!   throwaway network namespace ([`demo`]).
//! - `cargo xtask test`: every test, including the namespace tests, with a summary ([`mod@test`]).
//! - `cargo xtask bench`: benchmarks ([`mod@bench`]).
//!
//! Everything works as root and as an ordinary user: privileged parts run in user and network
//! namespaces ([`netns`]), so the host's firewall and connection table are never touched.
//! Reusable pieces: [`netns`] (throwaway namespaces), [`process`] (run with a deadline and
//! live output), [`tools`] (external tool check), [`summary`] (libtest output), [`json`]
//! (cargo's JSON messages).

// Tests may unwrap (the lints are for user-facing code).
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod bench;
pub mod demo;
pub mod fuzz;
pub mod json;
pub mod miri;
pub mod msrv;
pub mod netns;
pub mod process;
pub mod summary;
pub mod test;
pub mod tools;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

/// The error type of xtask: a message for the user (any error converts into it).
pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// Result with [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

/// Top-level usage text.
const USAGE: &str = "usage: cargo xtask <command>

commands:
  demo    build the examples and watch a packet queue and the conntrack table at work
          in a throwaway network namespace (the host is not touched)
  test    run all tests, including the namespace tests, and print a summary
  bench   run benchmarks
  fuzz    run every fuzz target of fuzz/ for a while (nightly + cargo-fuzz)
  soak    the soak tests: 10 million packets through a queue (memory and descriptors
          flat), 1 million conntrack creates and deletes under each event listener mode
          (nothing lost without a report); NFNL_SOAK=N changes the counts
  msrv    check that rust-version is at least every locked dependency's (also part of test)
  help    this text

Both `demo` and `test` work as root and as an ordinary user (user + network namespaces).
They need: apt-get install iptables conntrack iproute2 iputils-ping gcc";

/// The workspace root (the parent of this crate's directory).
pub fn workspace_root() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.parent().unwrap_or(here).to_path_buf()
}

/// Cargo's target directory: `$CARGO_TARGET_DIR`, else `target/` in the workspace.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| workspace_root().join("target"), PathBuf::from)
}

/// A `cargo` command in the workspace root, using the same cargo that runs xtask when known.
pub fn cargo() -> Command {
    let program = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = tools::command(program);
    cmd.current_dir(workspace_root());
    cmd
}

/// Whether a cargo `compiler-artifact` message is for a target of `kind` (`bin`, `test`, …).
pub fn artifact_is(msg: &json::Value, kind: &str) -> bool {
    msg.get("target")
        .and_then(|t| t.get("kind"))
        .and_then(json::Value::as_array)
        .is_some_and(|k| k.iter().any(|v| v.as_str() == Some(kind)))
}

/// Runs `cargo <args> --message-format=json-render-diagnostics` in the
/// workspace root (compiler messages go to the terminal) and returns its JSON
/// stdout, or `None` if the build failed.
///
/// # Errors
///
/// If cargo cannot be run.
pub fn cargo_build_json(args: &[&str]) -> Result<Option<String>> {
    let out = cargo()
        .args(args)
        .arg("--message-format=json-render-diagnostics")
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    Ok(out
        .status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned()))
}

/// Prints a step heading on stderr (so it never mixes with parsed stdout).
pub fn step(what: &str) {
    use std::io::IsTerminal;
    if std::io::stderr().is_terminal() {
        eprintln!("\n\x1b[1m==> {what}\x1b[0m");
    } else {
        eprintln!("\n==> {what}");
    }
}

/// `cargo xtask soak`: the namespace tests named `soak_*`, which skip
/// themselves unless `NFNL_SOAK` is set (so `cargo xtask test` and CI pass
/// over them quickly).
fn soak() -> Result<bool> {
    if std::env::var_os("NFNL_SOAK").is_none() {
        std::env::set_var("NFNL_SOAK", "1");
    }
    let args = ["--netns-only", "--timeout", "3600", "--", "soak_"].map(String::from);
    test::run(&args)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (command, rest) = match args.split_first() {
        Some((c, rest)) => (c.as_str(), rest),
        None => ("help", &[][..]),
    };
    let result = match command {
        "test" => test::run(rest),
        "demo" => demo::run(rest),
        "bench" => bench::run(rest).map(|()| true),
        "fuzz" => fuzz::run(rest),
        "soak" => soak(),
        "msrv" => msrv::check().map(|problems| {
            for p in &problems {
                eprintln!("msrv: {p}");
            }
            problems.is_empty()
        }),
        "help" | "-h" | "--help" => {
            println!(
                "{USAGE}\n\n{}\n\n{}\n\n{}",
                test::USAGE,
                bench::USAGE,
                fuzz::USAGE
            );
            Ok(true)
        }
        other => Err(format!("unknown command `{other}`\n\n{USAGE}").into()),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("xtask: error: {e}");
            ExitCode::FAILURE
        }
    }
}
