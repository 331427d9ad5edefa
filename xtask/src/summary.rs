//! Reading libtest output and the skip log, and printing the final summary.
//!
//! libtest has no stable machine-readable output, so this module reads its human format:
//!
//! ```text
//! test support::tests::x ... ok
//! test netns_queue_drop ... FAILED
//! failures:
//!     netns_queue_drop
//! test result: FAILED. 3 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; …
//! ```
//!
//! Skipped tests report themselves as passed to libtest; they also append one
//! `test_name<TAB>reason` line to the file named by `NFNL_SKIP_LOG` (see
//! `nfnl::testutil::netns::skip`). The summary subtracts those from the passed count.

use std::fmt::Write as _;

/// One test that skipped itself, from the skip log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skip {
    /// The name the test gave (usually its function name).
    pub test: String,
    /// Why it skipped (e.g. a missing kernel feature).
    pub reason: String,
}

/// The results of one test binary (or one doc-test run).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BinaryResult {
    /// What to call it, e.g. `nfqueue tests/netns_queue.rs`.
    pub label: String,
    /// Tests libtest reported as passed, skips included.
    pub passed: usize,
    /// Tests that failed, plus one if the binary crashed, timed out or exited non-zero on its
    /// own.
    pub failed: usize,
    /// Tests libtest reported as ignored.
    pub ignored: usize,
    /// Names of the failed tests (or a description of the crash).
    pub failed_names: Vec<String>,
    /// Skips attributed to this binary.
    pub skips: Vec<Skip>,
    /// Anything unusual, e.g. `timed out after 600 s`.
    pub note: Option<String>,
}

impl BinaryResult {
    /// Passed tests that did not skip.
    pub fn passed_net(&self) -> usize {
        self.passed.saturating_sub(self.skips.len())
    }

    /// True if nothing ran and nothing went wrong (e.g. a binary whose tests are all ignored).
    pub fn is_empty(&self) -> bool {
        self.passed == 0 && self.failed == 0 && self.skips.is_empty() && self.note.is_none()
    }
}

/// Counts parsed from one binary's libtest output.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    /// `passed` from the `test result:` line (or counted `... ok` lines if there is none).
    pub passed: usize,
    /// `failed`, likewise.
    pub failed: usize,
    /// `ignored`, likewise.
    pub ignored: usize,
    /// Names of failed tests.
    pub failed_names: Vec<String>,
    /// Tests libtest said were still running (`has been running for over 60 seconds`).
    pub slow: Vec<String>,
    /// True if a `test result:` line was seen, i.e. the binary finished normally.
    pub finished: bool,
}

/// Parses the output of one libtest binary.
pub fn parse_libtest(lines: &[String]) -> Counts {
    let mut c = Counts::default();
    let (mut ok, mut bad, mut ign) = (0, 0, 0);
    let mut in_failures = false;
    for line in lines {
        if in_failures {
            if let Some(name) = line.strip_prefix("    ") {
                push_unique(&mut c.failed_names, name.trim());
                continue;
            }
            in_failures = false;
        }
        if line == "failures:" {
            in_failures = true;
        } else if let Some(rest) = line.strip_prefix("test result: ") {
            c.finished = true;
            c.passed += count_before(rest, " passed");
            c.failed += count_before(rest, " failed");
            c.ignored += count_before(rest, " ignored");
        } else if let Some(rest) = line.strip_prefix("test ") {
            if let Some(name) = rest.strip_suffix(" has been running for over 60 seconds") {
                push_unique(&mut c.slow, name);
            } else if let Some((name, result)) = rest.rsplit_once(" ... ") {
                let name = name.trim_end_matches(" - should panic");
                match result.trim() {
                    "ok" => ok += 1,
                    "FAILED" => {
                        bad += 1;
                        push_unique(&mut c.failed_names, name);
                    }
                    r if r.starts_with("ignored") => ign += 1,
                    _ => {}
                }
            }
        }
    }
    if !c.finished {
        (c.passed, c.failed, c.ignored) = (ok, bad, ign);
    }
    c
}

/// Names of the tests that reported a result (`test NAME ... ok|FAILED|ignored`).
pub fn finished_names(lines: &[String]) -> Vec<String> {
    let mut names = Vec::new();
    for line in lines {
        if let Some((name, _)) = line
            .strip_prefix("test ")
            .and_then(|r| r.rsplit_once(" ... "))
        {
            push_unique(&mut names, name.trim_end_matches(" - should panic"));
        }
    }
    names
}

/// Test names from `--list` output (`name: test` lines).
pub fn parse_list(lines: &[String]) -> Vec<String> {
    lines
        .iter()
        .filter_map(|l| l.strip_suffix(": test"))
        .map(str::to_string)
        .collect()
}

/// Appends `name` unless already present.
fn push_unique(names: &mut Vec<String>, name: &str) {
    if !names.iter().any(|n| n == name) {
        names.push(name.to_string());
    }
}

/// In `3 passed; 1 failed; …`, the number before `what` (0 if absent).
fn count_before(text: &str, what: &str) -> usize {
    text.split(';')
        .find_map(|part| {
            part.trim()
                .trim_start_matches("ok. ")
                .strip_suffix(what.trim_start())
        })
        .and_then(|n| n.trim().rsplit(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// Parses a skip log: one `test_name<TAB>reason` per line; blank lines are ignored and a line
/// without a tab is a skip with an unknown reason.
pub fn parse_skip_log(text: &str) -> Vec<Skip> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| match l.split_once('\t') {
            Some((t, r)) => Skip {
                test: t.trim().to_string(),
                reason: r.trim().to_string(),
            },
            None => Skip {
                test: l.trim().to_string(),
                reason: "(no reason given)".to_string(),
            },
        })
        .collect()
}

/// One part of the output of `cargo test`: the header line that started it and its lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// The test binary path from `Running … (path)`, or `None` for doc tests.
    pub binary: Option<String>,
    /// The source from the header: `unittests src/lib.rs`, `tests/x.rs`, or `doc-tests`.
    pub source: String,
    /// The crate name for doc tests (`Doc-tests name`), else empty.
    pub doc_crate: String,
    /// The lines after the header up to the next header.
    pub lines: Vec<String>,
}

/// The [`Segment`] (without lines yet) that `line` starts, if it is a `cargo test` header:
/// `Running SOURCE (BINARY)` or `Doc-tests CRATE`.
pub fn segment_header(line: &str) -> Option<Segment> {
    let t = line.trim_start();
    if let Some(rest) = t.strip_prefix("Running ") {
        let (source, binary) = match rest.rsplit_once(" (") {
            Some((src, bin)) => (src.to_string(), Some(bin.trim_end_matches(')').to_string())),
            None => (rest.to_string(), None),
        };
        return Some(Segment {
            binary,
            source,
            doc_crate: String::new(),
            lines: vec![],
        });
    }
    t.strip_prefix("Doc-tests ").map(|name| Segment {
        binary: None,
        source: "doc-tests".to_string(),
        doc_crate: name.trim().to_string(),
        lines: vec![],
    })
}

/// Splits the merged stdout+stderr of `cargo test` into one [`Segment`] per test binary.
pub fn split_cargo_test(lines: &[String]) -> Vec<Segment> {
    let mut segments: Vec<Segment> = Vec::new();
    for line in lines {
        if let Some(seg) = segment_header(line) {
            segments.push(seg);
        } else if let Some(seg) = segments.last_mut() {
            seg.lines.push(line.clone());
        }
    }
    segments
}

/// The test whose captured output starts at `line` (libtest's `---- NAME stdout ----`).
pub fn failure_output_start(line: &str) -> Option<&str> {
    line.strip_prefix("---- ")?.strip_suffix(" stdout ----")
}

/// One progress line for a finished binary, e.g.
/// `ok    nfnl-queue tests/hostile.rs: 14 passed, 2 skipped (3 s)`, then one indented line per
/// skip (with its reason) and per failed test.
pub fn progress(r: &BinaryResult, secs: Option<u64>) -> String {
    let status = if r.failed > 0 { "FAILED" } else { "ok" };
    let mut out = format!("{status:6} {}: {} passed", r.label, r.passed_net());
    if r.failed > 0 {
        let _ = write!(out, ", {} failed", r.failed);
    }
    if !r.skips.is_empty() {
        let _ = write!(out, ", {} skipped", r.skips.len());
    }
    if let Some(secs) = secs {
        let _ = write!(out, " ({secs} s)");
    }
    if let Some(note) = &r.note {
        let _ = write!(out, " [{note}]");
    }
    for skip in &r.skips {
        let _ = write!(out, "\n         skipped {}: {}", skip.test, skip.reason);
    }
    for name in &r.failed_names {
        let _ = write!(out, "\n         failed  {name}");
    }
    out
}

/// Gives each skip to the result whose output mentions a test ending in `::name` (or named
/// exactly `name`); returns the skips no result claimed.
pub fn attribute_skips(
    results: &mut [BinaryResult],
    outputs: &[Vec<String>],
    skips: Vec<Skip>,
) -> Vec<Skip> {
    let mut rest = Vec::new();
    'skip: for skip in skips {
        let exact = format!("test {} ... ", skip.test);
        let suffix = format!("::{} ... ", skip.test);
        for (result, lines) in results.iter_mut().zip(outputs) {
            let hit = lines
                .iter()
                .any(|l| l.starts_with(&exact) || (l.starts_with("test ") && l.contains(&suffix)));
            if hit {
                result.skips.push(skip);
                continue 'skip;
            }
        }
        rest.push(skip);
    }
    rest
}

/// A titled list of results, e.g. all namespace test binaries.
#[derive(Debug, Clone, Default)]
pub struct Group {
    /// Heading printed above the rows.
    pub title: String,
    /// One row per binary.
    pub results: Vec<BinaryResult>,
}

/// Totals over every group: `(passed, failed, skipped)`, passed excluding skips.
pub fn totals(groups: &[Group]) -> (usize, usize, usize) {
    let all = groups.iter().flat_map(|g| &g.results);
    all.fold((0, 0, 0), |(p, f, s), r| {
        (p + r.passed_net(), f + r.failed, s + r.skips.len())
    })
}

/// Renders the summary. The last line is exactly `N passed, N failed, N skipped`.
pub fn render(groups: &[Group]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "\n==================== summary ====================");
    let width = groups
        .iter()
        .flat_map(|g| &g.results)
        .map(|r| r.label.len())
        .max()
        .unwrap_or(0);
    for group in groups {
        let _ = writeln!(out, "{}:", group.title);
        let mut shown = 0;
        for r in group.results.iter().filter(|r| !r.is_empty()) {
            shown += 1;
            let _ = write!(
                out,
                "  {:width$}  {:>4} passed, {} failed, {} skipped",
                r.label,
                r.passed_net(),
                r.failed,
                r.skips.len()
            );
            if let Some(note) = &r.note {
                let _ = write!(out, "  ({note})");
            }
            out.push('\n');
        }
        if shown == 0 {
            let _ = writeln!(out, "  (no tests ran)");
        }
    }
    let skips: Vec<_> = groups
        .iter()
        .flat_map(|g| &g.results)
        .flat_map(|r| r.skips.iter().map(move |s| (r, s)))
        .collect();
    if !skips.is_empty() {
        let _ = writeln!(out, "\nskipped ({}):", skips.len());
        for (r, s) in skips {
            let _ = writeln!(out, "  {}: {} -- {}", r.label, s.test, s.reason);
        }
    }
    let failed: Vec<_> = groups
        .iter()
        .flat_map(|g| &g.results)
        .flat_map(|r| r.failed_names.iter().map(move |n| (r, n)))
        .collect();
    if !failed.is_empty() {
        let _ = writeln!(out, "\nfailed:");
        for (r, name) in failed {
            let _ = writeln!(out, "  {}: {name}", r.label);
        }
    }
    let (p, f, s) = totals(groups);
    let _ = writeln!(out, "\n{p} passed, {f} failed, {s} skipped");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<String> {
        text.lines().map(str::to_string).collect()
    }

    const FAILING: &str = "\
running 4 tests
test a::one ... ok
test a::two ... FAILED
test a::three ... ignored, namespace test: run with cargo xtask test
test a::four - should panic ... ok

failures:

---- a::two stdout ----
thread 'a::two' panicked at src/lib.rs:1:1:
boom

failures:
    a::two

test result: FAILED. 2 passed; 1 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.00s
";

    #[test]
    fn parses_a_failing_run() {
        let c = parse_libtest(&lines(FAILING));
        assert_eq!((c.passed, c.failed, c.ignored, c.finished), (2, 1, 1, true));
        assert_eq!(c.failed_names, ["a::two"]);
    }

    #[test]
    fn counts_lines_when_killed_before_the_result() {
        let out = "running 3 tests\ntest x ... ok\ntest y has been running for over 60 seconds\n";
        let c = parse_libtest(&lines(out));
        assert_eq!((c.passed, c.failed, c.finished), (1, 0, false));
        assert_eq!(c.slow, ["y"]);
        assert_eq!(finished_names(&lines(out)), ["x"]);
        let listed = parse_list(&lines("x: test\ny: test\n\n2 tests, 0 benchmarks"));
        assert_eq!(listed, ["x", "y"]);
    }

    #[test]
    fn parses_an_ok_result_line() {
        let c = parse_libtest(&lines(
            "test result: ok. 17 passed; 0 failed; 3 ignored; 0 measured; 2 filtered out; finished in 1.02s",
        ));
        assert_eq!((c.passed, c.failed, c.ignored), (17, 0, 3));
    }

    #[test]
    fn splits_cargo_test_output() {
        let out = "\
   Compiling nfnetlink v0.1.0
     Running unittests src/lib.rs (target/debug/deps/nfnetlink-0123abcd)

running 1 test
test t ... ok

test result: ok. 1 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s

     Running tests/netns_smoke.rs (target/debug/deps/netns_smoke-4567)
test result: ok. 0 passed; 0 failed; 2 ignored; 0 measured; 0 filtered out; finished in 0.00s
   Doc-tests nfnetlink
test result: ok. 5 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s
";
        let segs = split_cargo_test(&lines(out));
        assert_eq!(segs.len(), 3);
        assert_eq!(
            segs[0].binary.as_deref(),
            Some("target/debug/deps/nfnetlink-0123abcd")
        );
        assert_eq!(segs[0].source, "unittests src/lib.rs");
        assert_eq!(parse_libtest(&segs[0].lines).passed, 1);
        assert_eq!(segs[1].source, "tests/netns_smoke.rs");
        assert_eq!(segs[2].doc_crate, "nfnetlink");
        assert_eq!(parse_libtest(&segs[2].lines).passed, 5);
    }

    #[test]
    fn skip_log_and_summary() {
        let skips = parse_skip_log("q17_mangle\tkernel refuses mangling in userns\n\nodd line\n");
        assert_eq!(skips.len(), 2);
        assert_eq!(skips[1].reason, "(no reason given)");

        let mut results = vec![
            BinaryResult {
                label: "nfqueue tests/netns_queue.rs".into(),
                passed: 5,
                ..Default::default()
            },
            BinaryResult {
                label: "nfconntrack tests/netns_conntrack.rs".into(),
                passed: 1,
                failed: 1,
                failed_names: vec!["c3_flush".into()],
                ..Default::default()
            },
        ];
        let outputs = vec![
            lines("test tests::q17_mangle ... ok"),
            lines("test c3_flush ... FAILED"),
        ];
        let rest = attribute_skips(&mut results, &outputs, skips);
        assert_eq!(rest.len(), 1, "`odd line` matches no test");
        let groups = vec![Group {
            title: "namespace tests".into(),
            results,
        }];
        assert_eq!(totals(&groups), (5, 1, 1));
        let text = render(&groups);
        assert!(
            text.contains("q17_mangle -- kernel refuses mangling in userns"),
            "{text}"
        );
        assert!(
            text.contains("nfconntrack tests/netns_conntrack.rs: c3_flush"),
            "{text}"
        );
        assert_eq!(text.lines().last(), Some("5 passed, 1 failed, 1 skipped"));
    }

    #[test]
    fn progress_lines_show_skips_as_skipped() {
        let r = BinaryResult {
            label: "nfnl-queue tests/netns_queue.rs".into(),
            passed: 5,
            failed: 1,
            failed_names: vec!["q3 (target/xtask-test.log:120)".into()],
            skips: vec![Skip {
                test: "q17".into(),
                reason: "no GSO here".into(),
            }],
            ..Default::default()
        };
        assert_eq!(
            progress(&r, Some(3)),
            "FAILED nfnl-queue tests/netns_queue.rs: 4 passed, 1 failed, 1 skipped (3 s)\n\
             \x20        skipped q17: no GSO here\n\
             \x20        failed  q3 (target/xtask-test.log:120)"
        );
        assert_eq!(
            failure_output_start("---- a::two stdout ----"),
            Some("a::two")
        );
        assert!(segment_header("   Doc-tests nfnl").is_some());
        assert!(segment_header("test x ... ok").is_none());
    }
}
