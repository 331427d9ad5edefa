//! `cargo xtask test`: every test of the workspace, namespace tests included.
//!
//! 1. Check the external tools (see [`crate::tools`]) and that namespaces can be created,
//!    and that `rust-version` is at least every locked dependency's ([`crate::msrv`]).
//! 2. Build all test binaries once with `cargo test --workspace --all-features --no-run
//!    --message-format=json-render-diagnostics`; the JSON lists each binary's path.
//! 3. Run `cargo test --workspace --all-features --no-fail-fast` (unit, ABI and doc tests; the namespace
//!    tests are `#[ignore]`d there).
//! 4. Run the parsers' unit tests on a 32-bit target under Miri (see [`crate::miri`]) when a
//!    nightly toolchain with Miri is installed; otherwise the summary lists it as skipped, with
//!    the reason and the install command.
//! 5. Run every integration test binary whose target name starts with `netns_` with
//!    `--ignored --test-threads=2` plus the arguments after `--`, directly as root or under
//!    `unshare --user --map-root-user` otherwise (see [`crate::netns::privileged`]). Each test
//!    creates its own network namespace with `support::netns()`.
//! 6. Print the summary (see [`crate::summary`]); exit non-zero on any failure.
//!
//! The terminal shows one line per test binary as it finishes (skips with their reasons,
//! failures with where their output starts in the log), then the summary. The raw output of
//! every binary goes to `target/xtask-test.log` ([`RawLog`]); `--verbose` echoes it as well.
//!
//! `NFNL_SKIP_LOG` names a fresh file for each run in 3 and 4; skipping tests append
//! `test_name<TAB>reason` lines to it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::json;
use crate::process::{run_teed, Outcome};
use crate::summary::{self, BinaryResult, Group};

/// Default limit for one test binary (and for the whole `cargo test --workspace` run).
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(600);

/// Command-line options of `cargo xtask test`.
#[derive(Debug, Clone)]
struct Options {
    /// Skip steps 3 and 4 and run only the namespace tests.
    netns_only: bool,
    /// Per-binary time limit.
    timeout: Duration,
    /// Echo the raw test output on the terminal too.
    verbose: bool,
    /// Arguments after `--`, passed to every namespace test binary.
    extra: Vec<String>,
}

/// Usage text for `cargo xtask test`.
pub const USAGE: &str = "\
cargo xtask test [--netns-only] [--verbose] [--timeout SECS] [-- ARGS...]
    Runs `cargo test --workspace`, the parsers' unit tests on i686 under Miri (when a
    nightly toolchain with Miri is installed; else listed as skipped, saying why), then
    every tests/netns_*.rs binary with
    `--ignored --test-threads=2 ARGS...` (e.g. a test-name filter), each test in its own
    network namespace, and prints a line per test binary and a summary (passed / failed /
    skipped). The raw test output is kept in target/xtask-test.log.
    --netns-only    only the namespace tests
    --verbose       also print the raw test output as it comes
    --timeout SECS  kill a test binary after SECS seconds (default 600)";

/// Parses the arguments after `test`.
fn parse_options(args: &[String]) -> crate::Result<Options> {
    let mut opts = Options {
        netns_only: false,
        timeout: DEFAULT_TIMEOUT,
        verbose: false,
        extra: Vec::new(),
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--" => {
                opts.extra = it.cloned().collect();
                break;
            }
            "--netns-only" => opts.netns_only = true,
            "--verbose" | "-v" => opts.verbose = true,
            "--timeout" => {
                let value = it.next().ok_or("--timeout needs a number of seconds")?;
                let secs: u64 = value
                    .parse()
                    .map_err(|_| format!("--timeout: `{value}` is not a number of seconds"))?;
                opts.timeout = Duration::from_secs(secs.max(1));
            }
            other => return Err(format!("unknown argument `{other}`\n\n{USAGE}").into()),
        }
    }
    Ok(opts)
}

/// A test binary cargo built, from its `compiler-artifact` message.
#[derive(Debug, Clone)]
struct Artifact {
    /// Package name.
    package: String,
    /// Package directory (cargo runs tests with this as working directory).
    package_dir: PathBuf,
    /// Target name, e.g. `netns_queue`.
    target: String,
    /// Source path relative to the package directory, e.g. `tests/netns_queue.rs`.
    source: String,
    /// Whether it is an integration test (`kind` contains `test`).
    integration: bool,
    /// The test binary.
    executable: PathBuf,
}

impl Artifact {
    /// `package source`, e.g. `nfqueue tests/netns_queue.rs`.
    fn label(&self) -> String {
        format!("{} {}", self.package, self.source)
    }
}

/// The raw output of every test binary, in `target/xtask-test.log`, with a heading per
/// command. The terminal shows only progress lines; this file has everything, and each
/// failed test in the summary points to the line where its captured output starts.
struct RawLog {
    /// The open log file.
    file: std::fs::File,
    /// The path as shown to the user (relative to the workspace root when inside it).
    shown: String,
    /// Lines written so far (the number of the last line written).
    lines: usize,
    /// Echo every line on stdout too (`--verbose`).
    echo: bool,
    /// `(label, test, line)`: where the output of a failed test starts.
    failures: Vec<(String, String, usize)>,
}

impl RawLog {
    /// Creates (truncates) the log under the target directory.
    fn create(echo: bool) -> crate::Result<Self> {
        let dir = crate::target_dir();
        std::fs::create_dir_all(&dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let path = dir.join("xtask-test.log");
        let file = std::fs::File::create(&path)
            .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
        let root = crate::workspace_root();
        let shown = path
            .strip_prefix(&root)
            .unwrap_or(&path)
            .display()
            .to_string();
        Ok(RawLog {
            file,
            shown,
            lines: 0,
            echo,
            failures: Vec::new(),
        })
    }

    /// Writes a heading naming the command whose output follows.
    fn heading(&mut self, what: &str) {
        self.write("", "");
        self.write(
            "",
            &format!("==================== {what} ===================="),
        );
    }

    /// Writes one line of output of the binary `label` (best effort: a full disk must not stop
    /// the tests), and remembers where a failed test's output starts.
    fn write(&mut self, label: &str, line: &str) {
        use std::io::Write;
        let _ = writeln!(self.file, "{line}");
        self.lines += 1;
        if self.echo {
            println!("{line}");
        }
        if let Some(test) = summary::failure_output_start(line) {
            self.failures
                .push((label.to_string(), test.to_string(), self.lines));
        }
    }

    /// Adds `(see target/xtask-test.log:LINE)` to each failed test of `r` whose output is there.
    fn locate_failures(&self, r: &mut BinaryResult) {
        for name in &mut r.failed_names {
            let at = self
                .failures
                .iter()
                .rev()
                .find(|(label, test, _)| *label == r.label && test == name);
            if let Some((_, _, line)) = at {
                *name = format!("{name} (see {}:{line})", self.shown);
            }
        }
    }
}

/// Prints a progress line (and its skip and failure lines) indented under the current step.
fn show_progress(r: &BinaryResult, secs: Option<u64>) {
    for line in summary::progress(r, secs).lines() {
        println!("  {line}");
    }
}

/// The package name inside a cargo package id (all formats cargo has used).
fn package_name(id: &str) -> String {
    if let Some((name, _)) = id.split_once(' ') {
        return name.to_string(); // old format: `name 0.1.0 (path+file:///…)`
    }
    let (url, frag) = id.split_once('#').unwrap_or((id, ""));
    match frag.split_once('@') {
        Some((name, _)) => name.to_string(),
        None => url
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or(url)
            .to_string(),
    }
}

/// Reads the test binaries from cargo's JSON messages (other lines are ignored).
fn parse_artifacts(stdout: &str) -> Vec<Artifact> {
    let mut out = Vec::new();
    for line in stdout.lines().filter(|l| l.starts_with('{')) {
        let Ok(msg) = json::parse(line) else { continue };
        if msg.str_at(&["reason"]) != Some("compiler-artifact") {
            continue;
        }
        let Some(exe) = msg.str_at(&["executable"]) else {
            continue;
        };
        let (Some(id), Some(manifest), Some(target), Some(src)) = (
            msg.str_at(&["package_id"]),
            msg.str_at(&["manifest_path"]),
            msg.str_at(&["target", "name"]),
            msg.str_at(&["target", "src_path"]),
        ) else {
            continue;
        };
        let package_dir = Path::new(manifest)
            .parent()
            .unwrap_or(Path::new("/"))
            .to_path_buf();
        let source = Path::new(src)
            .strip_prefix(&package_dir)
            .map_or_else(|_| src.to_string(), |p| p.display().to_string());
        let integration = crate::artifact_is(&msg, "test");
        out.push(Artifact {
            package: package_name(id),
            package_dir,
            target: target.to_string(),
            source,
            integration,
            executable: PathBuf::from(exe),
        });
    }
    out
}

/// A fresh, empty directory for this run's skip logs.
fn fresh_dir() -> crate::Result<PathBuf> {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let dir = std::env::temp_dir().join(format!("nfnl-xtask-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    Ok(dir)
}

/// Reads a skip log; a missing file means no skips.
fn read_skips(path: &Path) -> Vec<summary::Skip> {
    std::fs::read_to_string(path)
        .map(|t| summary::parse_skip_log(&t))
        .unwrap_or_default()
}

/// Describes how a child ended when that was not a clean exit.
fn abnormal_end(out: &Outcome, timeout: Duration, slow: &[String]) -> Option<String> {
    use std::os::unix::process::ExitStatusExt;
    match out.status {
        None if slow.is_empty() => Some(format!("killed: timed out after {} s", timeout.as_secs())),
        None => Some(format!(
            "killed: timed out after {} s; still running: {}",
            timeout.as_secs(),
            slow.join(", ")
        )),
        Some(st) if st.success() => None,
        Some(st) => Some(match (st.code(), st.signal()) {
            (Some(code), _) => format!("exit status {code}"),
            (None, Some(sig)) => format!("killed by signal {sig}"),
            _ => "abnormal exit".to_string(),
        }),
    }
}

/// Turns one binary's output into a summary row. `running` names the tests that had not
/// finished when it was killed, if known.
fn result_from(
    label: String,
    out: &Outcome,
    skips: Vec<summary::Skip>,
    timeout: Duration,
    running: Vec<String>,
) -> BinaryResult {
    let mut c = summary::parse_libtest(&out.lines);
    if !running.is_empty() {
        c.slow = running;
    }
    let mut r = BinaryResult {
        label,
        passed: c.passed,
        failed: c.failed,
        ignored: c.ignored,
        failed_names: c.failed_names,
        skips,
        note: None,
    };
    if let Some(what) = abnormal_end(out, timeout, &c.slow) {
        // A non-zero exit with listed failures is normal; anything else counts as one failure.
        if out.timed_out() || !c.finished || r.failed == 0 {
            r.failed += 1;
            r.failed_names.push(format!("(the binary itself: {what})"));
        }
        r.note = Some(what);
    }
    r
}

/// Runs `cargo xtask test`; `Ok(false)` means some test failed (the summary says which).
///
/// # Errors
///
/// Bad arguments, missing tools, namespaces unavailable, or cargo not startable.
pub fn run(args: &[String]) -> crate::Result<bool> {
    let opts = parse_options(args)?;
    crate::tools::check_required()?;
    crate::netns::check_available()?;
    let skip_dir = fresh_dir()?;
    let started = Instant::now();
    let mut log = RawLog::create(opts.verbose)?;
    let mut groups = vec![msrv_group()?];

    // Build everything once; the JSON tells us where the test binaries are.
    crate::step("building test binaries: cargo test --workspace --no-run (quiet; errors show)");
    let build = crate::cargo_build_json(&[
        "test",
        "--workspace",
        "--all-features",
        "--no-run",
        "--quiet",
    ])?;
    let Some(stdout) = build else {
        let row = BinaryResult {
            label: "cargo test --workspace --no-run".into(),
            failed: 1,
            failed_names: vec!["(build failed, see the compiler errors above)".into()],
            note: Some("build failed".into()),
            ..Default::default()
        };
        groups.push(Group {
            title: "build".into(),
            results: vec![row],
        });
        print!("{}", summary::render(&groups));
        return Ok(false);
    };
    let artifacts = parse_artifacts(&stdout);

    if !opts.netns_only {
        groups.push(workspace_tests(
            &artifacts,
            &skip_dir,
            opts.timeout,
            &mut log,
        )?);
        groups.push(crate::miri::run(opts.timeout)?);
    }
    groups.push(netns_tests(&artifacts, &skip_dir, &opts, &mut log)?);

    // The skips are in the summary; the logs are not needed any more.
    let _ = std::fs::remove_dir_all(&skip_dir);
    let failed = summary::totals(&groups).1 > 0;
    println!(
        "\n(cargo xtask test took {} s; the raw output of every test is in {}{})",
        started.elapsed().as_secs(),
        log.shown,
        if failed {
            ": see the lines named below"
        } else {
            ""
        }
    );
    print!("{}", summary::render(&groups));
    Ok(summary::totals(&groups).1 == 0)
}

/// Step 1b: the declared `rust-version` against the locked dependencies ([`crate::msrv`]).
fn msrv_group() -> crate::Result<Group> {
    crate::step("msrv: rust-version against Cargo.lock (cargo metadata)");
    let problems = crate::msrv::check()?;
    let row = BinaryResult {
        label: "rust-version >= every locked dependency's".into(),
        passed: usize::from(problems.is_empty()),
        failed: usize::from(!problems.is_empty()),
        failed_names: problems,
        ..Default::default()
    };
    Ok(Group {
        title: "msrv".into(),
        results: vec![row],
    })
}

/// The label of a `cargo test` segment: `package source` (or `crate doc-tests`).
fn segment_label(
    seg: &summary::Segment,
    by_file: &BTreeMap<std::ffi::OsString, &Artifact>,
) -> String {
    match &seg.binary {
        None => format!("{} {}", seg.doc_crate, seg.source),
        Some(bin) => match Path::new(bin).file_name().and_then(|f| by_file.get(f)) {
            Some(a) => format!("{} {}", a.package, seg.source),
            None => seg.source.clone(),
        },
    }
}

/// Step 3: `cargo test --workspace --no-fail-fast`, one row per test binary and doc-test run.
fn workspace_tests(
    artifacts: &[Artifact],
    skip_dir: &Path,
    timeout: Duration,
    raw: &mut RawLog,
) -> crate::Result<Group> {
    crate::step("unit, ABI and doc tests: cargo test --workspace --no-fail-fast");
    let log = skip_dir.join("workspace.skips");
    let mut cmd = crate::cargo();
    cmd.args(["test", "--workspace", "--all-features", "--no-fail-fast"])
        .env("NFNL_SKIP_LOG", &log);
    raw.heading(&crate::process::display(&cmd));

    let by_file: BTreeMap<_, _> = artifacts
        .iter()
        .filter_map(|a| Some((a.executable.file_name()?.to_os_string(), a)))
        .collect();
    // Progress: one line per binary when its `test result:` line arrives. cargo runs the
    // binaries one after another, so the skips logged meanwhile are that binary's.
    let mut label = String::from("cargo test");
    let mut lines: Vec<String> = Vec::new();
    let mut skips_seen = 0;
    let mut on_line = |line: &str| {
        if let Some(seg) = summary::segment_header(line) {
            label = segment_label(&seg, &by_file);
            lines.clear();
        }
        raw.write(&label, line);
        lines.push(line.to_string());
        if line.starts_with("test result: ") {
            let c = summary::parse_libtest(&lines);
            let all = read_skips(&log);
            let mut r = BinaryResult {
                label: label.clone(),
                passed: c.passed,
                failed: c.failed,
                failed_names: c.failed_names,
                skips: all.get(skips_seen..).unwrap_or_default().to_vec(),
                ..Default::default()
            };
            skips_seen = all.len();
            raw.locate_failures(&mut r);
            if !r.is_empty() {
                show_progress(&r, None);
            }
        }
    };
    let out = run_teed(cmd, &mut on_line, timeout)?;

    let mut results = Vec::new();
    let mut outputs = Vec::new();
    for seg in summary::split_cargo_test(&out.lines) {
        let label = segment_label(&seg, &by_file);
        let c = summary::parse_libtest(&seg.lines);
        let mut r = BinaryResult {
            label,
            passed: c.passed,
            failed: c.failed,
            ignored: c.ignored,
            failed_names: c.failed_names,
            ..Default::default()
        };
        raw.locate_failures(&mut r);
        results.push(r);
        outputs.push(seg.lines);
    }
    let rest = summary::attribute_skips(&mut results, &outputs, read_skips(&log));
    if !rest.is_empty() {
        // Keep totals right: unmatched skips still came from some test that "passed".
        if let Some(r) = results.iter_mut().max_by_key(|r| r.passed_net()) {
            r.skips.extend(rest);
        }
    }
    let failures: usize = results.iter().map(|r| r.failed).sum();
    if let Some(what) = abnormal_end(&out, timeout, &[]) {
        if failures == 0 || out.timed_out() {
            results.push(BinaryResult {
                label: "cargo test --workspace".into(),
                failed: 1,
                failed_names: vec![format!("(cargo test itself: {what})")],
                note: Some(what),
                ..Default::default()
            });
        }
    }
    Ok(Group {
        title: "cargo test --workspace (unit, ABI and doc tests)".into(),
        results,
    })
}

/// Step 5: every `netns_*` integration test binary, with `--ignored`.
fn netns_tests(
    artifacts: &[Artifact],
    skip_dir: &Path,
    opts: &Options,
    raw: &mut RawLog,
) -> crate::Result<Group> {
    let how = if crate::netns::is_root() {
        "as root"
    } else {
        "as root in a user namespace (unshare --user --map-root-user)"
    };
    let mut bins: Vec<&Artifact> = artifacts
        .iter()
        .filter(|a| a.integration && a.target.starts_with("netns_"))
        .collect();
    bins.sort_by_key(|a| a.label());
    bins.dedup_by_key(|a| a.executable.clone());
    let mut group = Group {
        title: format!("namespace tests, {how}"),
        results: Vec::new(),
    };
    crate::step(&format!("namespace tests, {how}"));
    if bins.is_empty() {
        println!("no tests/netns_*.rs integration tests found");
    }
    for (i, a) in bins.iter().enumerate() {
        let label = a.label();
        println!("  [{}/{}] {label} ...", i + 1, bins.len());
        let log = skip_dir.join(format!("{}-{}.skips", a.package, a.target));
        let mut cmd: Command = crate::netns::privileged(&a.executable);
        cmd.arg("--ignored");
        if !opts.extra.iter().any(|e| e.starts_with("--test-threads")) {
            cmd.arg("--test-threads=2");
        }
        cmd.args(&opts.extra)
            .current_dir(&a.package_dir)
            .env("NFNL_SKIP_LOG", &log)
            .env("CARGO_MANIFEST_DIR", &a.package_dir)
            .env("CARGO_PKG_NAME", &a.package);
        raw.heading(&crate::process::display(&cmd));
        let out = run_teed(cmd, &mut |line| raw.write(&label, line), opts.timeout)?;
        let running = if out.timed_out() {
            unfinished(a, &opts.extra, &out)
        } else {
            Vec::new()
        };
        let mut r = result_from(label, &out, read_skips(&log), opts.timeout, running);
        raw.locate_failures(&mut r);
        show_progress(&r, Some(out.elapsed.as_secs()));
        group.results.push(r);
    }
    Ok(group)
}

/// The tests of `a` (as selected by `extra`) that printed no result in `out`.
fn unfinished(a: &Artifact, extra: &[String], out: &Outcome) -> Vec<String> {
    // Only filters and `--exact`/`--skip` matter for the selection.
    let mut selection = Vec::new();
    let mut it = extra.iter();
    while let Some(arg) = it.next() {
        if arg == "--skip" {
            selection.push(arg.clone());
            selection.extend(it.next().cloned());
        } else if arg == "--exact" || !arg.starts_with('-') {
            selection.push(arg.clone());
        }
    }
    let listed = Command::new(&a.executable)
        .args(["--list", "--ignored"])
        .args(&selection)
        .stdin(Stdio::null())
        .output();
    let Ok(listed) = listed else {
        return Vec::new();
    };
    let text = String::from_utf8_lossy(&listed.stdout);
    let lines: Vec<String> = text.lines().map(str::to_string).collect();
    let done = summary::finished_names(&out.lines);
    summary::parse_list(&lines)
        .into_iter()
        .filter(|n| !done.contains(n))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_names() {
        assert_eq!(
            package_name("path+file:///work/main/nfnetlink#0.1.0"),
            "nfnetlink"
        );
        assert_eq!(
            package_name("path+file:///work/main/x#nfqueue@0.1.0"),
            "nfqueue"
        );
        assert_eq!(
            package_name("nfqueue 0.1.0 (path+file:///work/main/nfqueue)"),
            "nfqueue"
        );
    }

    #[test]
    fn options() {
        let args: Vec<String> = ["--netns-only", "--timeout", "5", "--", "flt", "--nocapture"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let o = parse_options(&args).unwrap();
        assert!(o.netns_only);
        assert_eq!(o.timeout, Duration::from_secs(5));
        assert_eq!(o.extra, ["flt", "--nocapture"]);
        assert!(parse_options(&["--timeout".to_string(), "x".to_string()]).is_err());
        assert!(parse_options(&["--bogus".to_string()]).is_err());
    }

    #[test]
    fn artifacts_from_json() {
        let text = concat!(
            r#"{"reason":"compiler-artifact","package_id":"path+file:///w/nfnetlink#0.1.0","manifest_path":"/w/nfnetlink/Cargo.toml","target":{"kind":["test"],"name":"netns_smoke","src_path":"/w/nfnetlink/tests/netns_smoke.rs"},"executable":"/t/netns_smoke-1"}"#,
            "\n",
            r#"{"reason":"compiler-artifact","package_id":"path+file:///w/nfnetlink#0.1.0","manifest_path":"/w/nfnetlink/Cargo.toml","target":{"kind":["lib"],"name":"nfnetlink","src_path":"/w/nfnetlink/src/lib.rs"},"executable":null}"#,
            "\n",
            r#"{"reason":"build-finished","success":true}"#,
        );
        let a = parse_artifacts(text);
        assert_eq!(a.len(), 1);
        assert_eq!(a[0].label(), "nfnetlink tests/netns_smoke.rs");
        assert!(a[0].integration);
        assert_eq!(a[0].package_dir, Path::new("/w/nfnetlink"));
    }

    #[test]
    fn a_timed_out_binary_is_a_failure() {
        let out = Outcome {
            status: None,
            lines: vec!["test a ... ok".into()],
            elapsed: Duration::ZERO,
        };
        let running = vec!["b".to_string()];
        let r = result_from("x".into(), &out, vec![], Duration::from_secs(600), running);
        assert_eq!((r.passed, r.failed), (1, 1));
        let note = r.note.unwrap();
        assert!(
            note.contains("timed out after 600 s; still running: b"),
            "{note}"
        );
    }
}
