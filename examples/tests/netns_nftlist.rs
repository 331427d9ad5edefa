//! Namespace tests of the `nftlist` example program against `nft`: after
//! loading a ruleset with `nft`, `nftlist --netlink [FAMILY [TABLE]]`
//! prints byte for byte the netlink part of `nft --debug=netlink list
//! ruleset` (or `list ruleset FAMILY`, `list table FAMILY TABLE`): our own
//! rule corpus in every family, and nftables' own ruleset dumps (read at
//! run time from `../shared/nft-corpus`, never copied here).
//!
//! Run them with `cargo xtask test -- nftlist`.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::path::{Path, PathBuf};
use std::time::Duration;

use nfnl::testutil::netns as support;

const T: Duration = Duration::from_secs(30);
const OURS: &str = env!("CARGO_BIN_EXE_nftlist");
const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../nftables/tests/corpus");

fn run(prog: &str, args: &[&str]) -> String {
    let mut cmd = support::command(prog);
    cmd.args(args);
    let out = support::output_within(cmd, T);
    assert!(
        out.status.success(),
        "{prog} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The netlink part of nft's debug output (up to its own ruleset listing).
fn nft_netlink(args: &[&str]) -> String {
    let mut all = vec!["--debug=netlink"];
    all.extend_from_slice(args);
    run("nft", &all)
        .split_inclusive('\n')
        .take_while(|l| !l.starts_with("table "))
        .collect()
}

/// Drops the rule blocks that contain an expression nftlist does not print
/// yet (from both texts, by header line); returns them.
fn drop_unprinted(ours: &str, theirs: &str) -> (String, String, Vec<String>) {
    let blocks = |t: &str| -> Vec<String> {
        let mut v: Vec<String> = Vec::new();
        for l in t.split_inclusive('\n') {
            if !l.starts_with(' ') && !l.starts_with('\t') && l != "\n" || v.is_empty() {
                v.push(String::new());
            }
            if let Some(b) = v.last_mut() {
                b.push_str(l);
            }
        }
        v
    };
    let skipped: Vec<String> = blocks(ours)
        .into_iter()
        .filter(|b| b.contains("(not printed yet)"))
        .map(|b| b.lines().next().unwrap_or("").to_owned())
        .collect();
    // The elements of a hash set come in the kernel's walk order, which
    // may change between two dumps: compare them sorted.
    let keep = |t: &str| -> String {
        blocks(t)
            .into_iter()
            .filter(|b| !skipped.iter().any(|h| b.lines().next() == Some(h)))
            .map(|b| {
                if b.lines().next().is_some_and(|h| h.contains(" @")) {
                    let mut lines: Vec<&str> = b.split_inclusive('\n').collect();
                    lines[1..].sort_unstable();
                    lines.concat()
                } else {
                    b
                }
            })
            .collect()
    };
    (keep(ours), keep(theirs), skipped)
}

/// The blocks (a header line and what follows it) whose header starts with `prefix`.
fn select(text: &str, prefix: &str) -> String {
    let mut out = String::new();
    let mut on = false;
    for l in text.split_inclusive('\n') {
        if !l.starts_with(' ') && !l.starts_with('\t') && l != "\n" {
            on = l.starts_with(prefix);
        }
        if on {
            out.push_str(l);
        }
    }
    out
}

fn load_corpus(name: &str) {
    let text = std::fs::read_to_string(format!("{CORPUS}/{name}.nft")).unwrap();
    let (setup, rules) = text.split_once("\n%%\n").unwrap();
    let path = std::env::temp_dir().join(format!("nftlist-{}-{name}.nft", std::process::id()));
    std::fs::write(&path, setup).unwrap();
    support::sh(&format!("nft -f {}", path.display()));
    let _ = std::fs::remove_file(&path);
    for line in rules.lines().filter(|l| !l.trim().is_empty()) {
        let mut cmd = support::command("nft");
        cmd.arg(format!("add rule {line}"));
        let _ = support::output_within(cmd, T); // refused rules are not listed by either
    }
}

#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn nftlist_prints_what_nft_prints_for_our_corpus() {
    let _ns = support::netns();
    for f in ["inet", "ip", "ip6", "arp", "bridge", "netdev"] {
        load_corpus(f);
    }
    // nft prints the netlink text of its whole cache whatever it lists:
    // nftlist's FAMILY and TABLE select those blocks of it.
    let cases: [(&[&str], &str); 4] = [
        (&["--netlink"], ""),
        (&["--netlink", "inet"], "inet "),
        (&["--netlink", "inet", "t"], "inet t "),
        (&["--netlink", "netdev"], "netdev "),
    ];
    let all = nft_netlink(&["list", "ruleset"]);
    for (ours_args, prefix) in cases {
        let ours = run(OURS, ours_args);
        let theirs = select(&all, prefix);
        let nft_args = prefix;
        let (ours, theirs, skipped) = drop_unprinted(&ours, &theirs);
        assert!(ours.lines().count() > 20, "{ours_args:?}: {ours}");
        assert_eq!(ours, theirs, "nftlist {ours_args:?} vs nft {nft_args:?}");
        println!(
            "{ours_args:?}: {} lines identical, skipped {skipped:?}",
            ours.lines().count()
        );
    }
}

fn upstream_corpus() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::env::var_os("NFT_CORPUS")
        .map(PathBuf::from)
        .into_iter()
        .chain([
            root.join("../../shared/nft-corpus"),
            root.join("../../../shared/nft-corpus"),
        ])
        .find(|p| p.join("shell").is_dir())
}

/// nftables' own ruleset dumps (`tests/shell/testcases/*/dumps/*.nft` of
/// nft 1.0.6): each loaded with `nft -f` in a fresh namespace (those this
/// kernel refuses are skipped and counted), then listed by both.
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn nftlist_prints_what_nft_prints_for_upstream_rulesets() {
    let Some(root) = upstream_corpus() else {
        support::skip(
            "nftlist_prints_what_nft_prints_for_upstream_rulesets",
            "nftables' regression corpus (../shared/nft-corpus or $NFT_CORPUS) is absent",
        );
        return;
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(root.join("shell"))
        .unwrap()
        .map(|d| d.unwrap().path().join("dumps"))
        .filter(|d| d.is_dir())
        .flat_map(|d| std::fs::read_dir(d).unwrap().map(|f| f.unwrap().path()))
        .filter(|p| p.extension().is_some_and(|e| e == "nft"))
        .collect();
    files.sort();
    let (mut same, mut refused) = (0, 0);
    let mut differ = Vec::new();
    let mut skipped_rules = 0;
    for f in &files {
        let _ns = support::netns();
        let (ok, _) = support::sh_status(&format!("nft -f {}", f.display()));
        if !ok {
            refused += 1;
            continue;
        }
        let ours = run(OURS, &["--netlink"]);
        let theirs = nft_netlink(&["list", "ruleset"]);
        let (ours, theirs, skipped) = drop_unprinted(&ours, &theirs);
        skipped_rules += skipped.len();
        if ours == theirs {
            same += 1;
        } else {
            differ.push(format!(
                "{}:\n--- nft\n{theirs}--- nftlist\n{ours}",
                f.display()
            ));
        }
    }
    println!(
        "upstream rulesets: {} files, {refused} refused by this kernel or nft, {same} identical, \
         {} differ, {skipped_rules} rules skipped (expression not printed yet)",
        files.len(),
        differ.len()
    );
    for d in differ.iter().take(10) {
        println!("{d}");
    }
    assert!(same > 50, "only {same} rulesets compared");
    assert!(
        differ.is_empty(),
        "{} rulesets differ (first 10 above)",
        differ.len()
    );
}

/// `nfttrace COUNT` prints one line per trace event of a marked ping.
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn nfttrace_prints_one_line_per_trace() {
    use std::io::Read;
    use std::process::Stdio;
    let _ns = support::netns();
    support::sh(
        "nft add table ip tr; \
         nft add chain ip tr out '{ type filter hook output priority 0; policy accept; }'; \
         nft add rule ip tr out icmp type echo-request meta nftrace set 1; \
         nft add rule ip tr out icmp type echo-request counter",
    );
    let mut child = support::command(env!("CARGO_BIN_EXE_nfttrace"))
        .arg("4")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    // Ping until the listener (subscribed some time after the spawn) has its 4 lines.
    let deadline = std::time::Instant::now() + T;
    while child.try_wait().unwrap().is_none() {
        assert!(
            std::time::Instant::now() < deadline,
            "nfttrace did not get 4 traces"
        );
        support::sh("ping -n -q -c 1 -W 1 127.0.0.1 >/dev/null || true");
    }
    let mut out = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 4, "{out}");
    let id = lines[0].split_whitespace().nth(1).unwrap();
    assert!(
        lines
            .iter()
            .all(|l| l.starts_with(&format!("trace {id} ip tr out "))),
        "{out}"
    );
    assert!(
        lines[0].contains(" rule handle 2 verdict continue"),
        "{out}"
    );
    assert!(
        lines[1].contains(" rule handle 3 verdict continue"),
        "{out}"
    );
    assert!(lines[3].contains(" policy policy accept"), "{out}");
}
