//! The parsers' unit tests on a 32-bit target, under Miri (a step of `cargo xtask test`).
//!
//! Miri interprets the tests as compiled for [`TARGET`] without any cross toolchain: `usize`
//! is 32 bits there, so length arithmetic that only overflows on 32-bit targets panics, and
//! undefined behaviour is reported too. Tests that need a real socket are
//! `#[cfg_attr(miri, ignore)]`. It needs a rustup nightly toolchain with the `miri` and
//! `rust-src` components; without them the step is skipped and the summary says why.

use std::path::Path;
use std::time::Duration;

use crate::process::run_teed;
use crate::summary::{self, BinaryResult, Group, Skip};

/// The 32-bit target the tests are interpreted for.
pub const TARGET: &str = "i686-unknown-linux-gnu";

/// The crates whose library unit tests run (every parser and its fixtures).
pub const CRATES: &[&str] = &[
    "nfnl",
    "nfnl-queue",
    "nfnl-conntrack",
    "nfnl-log",
    "nfnl-cttimeout",
    "nfnl-acct",
    "nfnl-tables",
];

/// How to get Miri, for the skip message.
const INSTALL_HINT: &str = "rustup toolchain install nightly --component miri rust-src";

/// Why Miri cannot run here, or `None` when it can.
pub fn unavailable() -> Option<String> {
    let out = match crate::tools::nightly_cargo(&["miri", "--version"])
        .stdin(std::process::Stdio::null())
        .output()
    {
        Ok(out) => out,
        Err(e) => {
            return Some(format!(
                "rustup cannot be run ({e}); install: {INSTALL_HINT}"
            ))
        }
    };
    if out.status.success() {
        return None;
    }
    let err = String::from_utf8_lossy(&out.stderr);
    let first = err
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("no output");
    Some(format!(
        "no nightly toolchain with Miri (`rustup run nightly cargo miri --version`: {}); \
         install: {INSTALL_HINT}",
        first.trim()
    ))
}

/// The package name of a test binary path (`…/deps/nfnetlink-0123abcd` → `nfnetlink`).
fn package_of(binary: &str) -> String {
    let file = Path::new(binary)
        .file_name()
        .map_or_else(|| binary.to_string(), |f| f.to_string_lossy().into_owned());
    match file.rsplit_once('-') {
        Some((name, _hash)) => name.replace('_', "-"),
        None => file,
    }
}

/// Runs the step: one row per crate, or one skipped row saying why it could not run.
///
/// # Errors
///
/// Only if the command cannot be started once Miri was found.
pub fn run(timeout: Duration) -> crate::Result<Group> {
    let title = format!("parser unit tests on 32-bit ({TARGET}) under Miri");
    if let Some(why) = unavailable() {
        crate::step(&format!("32-bit tests under Miri: SKIPPED, {why}"));
        return Ok(Group {
            title,
            results: vec![BinaryResult {
                label: "cargo miri test".into(),
                passed: 1,
                skips: vec![Skip {
                    test: "miri-32-bit".into(),
                    reason: why,
                }],
                ..Default::default()
            }],
        });
    }
    let mut args = vec![
        "miri",
        "test",
        "--no-fail-fast",
        "--lib",
        "--target",
        TARGET,
    ];
    for c in CRATES {
        args.extend(["-p", c]);
    }
    let mut cmd = crate::tools::nightly_cargo(&args);
    // nfnl-tables' language tests read the host's name tables (`/etc/protocols`,
    // `/etc/iproute2/*`), as nft does at run time: Miri's isolation would abort them.
    cmd.env("MIRIFLAGS", "-Zmiri-disable-isolation");
    crate::step(&format!(
        "32-bit tests under Miri: {}",
        crate::process::display(&cmd)
    ));
    // The lines are kept in the outcome (and its summary printed by the caller).
    let out = run_teed(cmd, &mut |_| {}, timeout)?;
    let mut results: Vec<BinaryResult> = summary::split_cargo_test(&out.lines)
        .into_iter()
        .map(|seg| {
            let c = summary::parse_libtest(&seg.lines);
            let package = seg.binary.as_deref().map_or_else(String::new, package_of);
            BinaryResult {
                label: format!("{package} {} (miri {TARGET})", seg.source),
                passed: c.passed,
                failed: c.failed,
                ignored: c.ignored,
                failed_names: c.failed_names,
                ..Default::default()
            }
        })
        .collect();
    let failures: usize = results.iter().map(|r| r.failed).sum();
    if !out.success() && (failures == 0 || out.timed_out()) {
        let what = if out.timed_out() {
            format!("timed out after {} s", timeout.as_secs())
        } else {
            // The lines went to the outcome only: show the end of them.
            let from = out.lines.len().saturating_sub(40);
            for l in &out.lines[from..] {
                eprintln!("{l}");
            }
            "failed to build or run, see the output above".to_string()
        };
        results.push(BinaryResult {
            label: "cargo miri test".into(),
            failed: 1,
            failed_names: vec![format!("(cargo miri itself: {what})")],
            note: Some(what),
            ..Default::default()
        });
    }
    Ok(Group { title, results })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_from_binary_path() {
        assert_eq!(
            package_of("/w/target/miri/i686-unknown-linux-gnu/debug/deps/nfnetlink-0123abcd"),
            "nfnetlink"
        );
        assert_eq!(package_of("nfnl_sys-99"), "nfnl-sys");
    }
}
