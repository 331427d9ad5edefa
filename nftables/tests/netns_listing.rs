//! Namespace tests of `nfnl_tables::lang::text`: the ruleset read through
//! this crate and printed in nft's language equals what `nft list ruleset`
//! (nft 1.0.6) prints, byte for byte (element expiry times aside, which
//! move between the two reads).
//!
//! Corpora: rulesets written for this test (`tests/listing/*.nft`, every
//! family and every stateful object kind the kernel here has, written as
//! nft lists them, so the oracle is checked too), the crate's rule corpus
//! (`tests/corpus/*.nft`), and nftables' own ruleset dumps
//! (`shell/*/dumps/*.nft` of `../shared/nft-corpus` or `$NFT_CORPUS`, read
//! at run time, never copied here).
//!
//! Run them with `cargo xtask test -- listing_` (or as root: `cargo test -p
//! nfnl-tables --test netns_listing -- --ignored --test-threads=2`).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::path::{Path, PathBuf};

use nfnl::testutil::netns as support;

mod common;
use common::{expiry_masked, load_upstream, our_text};
use nfnl_tables::lang::text;
use nfnl_tables::{Nft, ProtoFamily, Ruleset};

const LISTING: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/listing");
const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus");

/// The first lines where two listings differ, for the failure message.
fn first_difference(nft: &str, ours: &str) -> String {
    for (i, (a, b)) in nft.lines().zip(ours.lines()).enumerate() {
        if a != b {
            return format!("line {}:\n  nft:  {a}\n  ours: {b}", i + 1);
        }
    }
    format!(
        "lengths differ: nft {} lines, ours {} lines",
        nft.lines().count(),
        ours.lines().count()
    )
}

fn nft_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|d| d.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "nft"))
        .collect();
    v.sort();
    v
}

/// Our own rulesets: each loads, `nft list ruleset` prints it back exactly
/// as written (so the files are nft's own text), and so do we; `nft -a`
/// and our handles mode agree too.
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn listing_own_rulesets_list_as_nft_does() {
    let files = nft_files(Path::new(LISTING));
    assert!(files.len() >= 4, "{files:?}");
    let mut failed = Vec::new();
    for f in &files {
        let _ns = support::netns();
        let (ok, err) = support::sh_status(&format!("nft -f {}", f.display()));
        assert!(ok, "{}: nft refused it: {err}", f.display());
        let written = std::fs::read_to_string(f).unwrap();
        let nft = support::sh("nft list ruleset");
        assert_eq!(
            expiry_masked(&nft),
            expiry_masked(&written),
            "{}: nft lists it differently than written: {}",
            f.display(),
            first_difference(&nft, &written)
        );
        let mine = our_text(false);
        if expiry_masked(&mine) != expiry_masked(&nft) {
            failed.push(format!(
                "{}: {}",
                f.display(),
                first_difference(&nft, &mine)
            ));
        }
        let nft_a = support::sh("nft -a list ruleset");
        let mine_a = our_text(true);
        if expiry_masked(&mine_a) != expiry_masked(&nft_a) {
            failed.push(format!(
                "{} (-a): {}",
                f.display(),
                first_difference(&nft_a, &mine_a)
            ));
        }
    }
    println!(
        "own rulesets: {} of {} list identically",
        files.len() - failed.len().min(files.len()),
        files.len()
    );
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

/// Loads `tests/corpus/NAME.nft` (setup with `nft -f`, then one `nft add
/// rule` per line); returns how many rules were refused.
fn load_rule_corpus(path: &Path) -> usize {
    let text = std::fs::read_to_string(path).unwrap();
    let (setup, rules) = text.split_once("\n%%\n").unwrap();
    let tmp = std::env::temp_dir().join(format!(
        "nfnl-listing-{}-{}",
        std::process::id(),
        path.file_name().unwrap().to_string_lossy()
    ));
    std::fs::write(&tmp, setup).unwrap();
    support::sh(&format!("nft -f {}", tmp.display()));
    let _ = std::fs::remove_file(&tmp);
    let mut refused = 0;
    for line in rules
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
    {
        let mut cmd = support::command("nft");
        cmd.arg(format!("add rule {line}"));
        if !support::output_within(cmd, support::COMMAND_TIMEOUT)
            .status
            .success()
        {
            refused += 1;
        }
    }
    refused
}

/// The crate's rule corpus (every family, about 770 rules): the listing
/// is compared line by line, every line equal.
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn listing_rule_corpus_lists_as_nft_does() {
    let _ns = support::netns();
    for f in nft_files(Path::new(CORPUS)) {
        load_rule_corpus(&f);
    }
    let nft = expiry_masked(&support::sh("nft list ruleset"));
    let mine = expiry_masked(&our_text(false));
    let (a, b): (Vec<&str>, Vec<&str>) = (nft.lines().collect(), mine.lines().collect());
    assert_eq!(
        a.len(),
        b.len(),
        "line counts differ: {}",
        first_difference(&nft, &mine)
    );
    let (mut rules, mut same) = (0, 0);
    let mut differ = Vec::new();
    for (x, y) in a.iter().zip(&b) {
        // Rule lines are the ones indented by two tabs inside a chain
        // that are not a chain's declaration.
        let is_rule =
            x.starts_with("\t\t") && !x.starts_with("\t\ttype ") && !x.starts_with("\t\tcomment ");
        if is_rule {
            rules += 1;
            if x == y {
                same += 1;
            } else {
                differ.push(format!("  nft:  {x}\n  ours: {y}"));
            }
        } else {
            assert_eq!(x, y, "a declaration line differs");
        }
    }
    println!("rule corpus: {same} of {rules} lines equal");
    for d in &differ {
        println!("{d}");
    }
    assert!(rules > 700, "only {rules} lines");
    assert_eq!(same, rules, "{} rule lines differ", rules - same);
}

/// nftables' own ruleset dumps: each one the kernel here accepts is
/// loaded and listed by nft and by us, byte for byte the same, with and
/// without handles (all 164 as root, 162 in a user namespace).
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn listing_upstream_rulesets_list_as_nft_does() {
    let Some((_, files)) =
        common::upstream_ruleset_dumps("listing_upstream_rulesets_list_as_nft_does")
    else {
        return;
    };
    let (mut loaded, mut same) = (0, 0);
    let mut differ = Vec::new();
    for f in &files {
        let _ns = support::netns();
        if !support::sh_status(&format!("nft -f {}", f.display())).0 {
            continue;
        }
        loaded += 1;
        let nft = expiry_masked(&support::sh("nft list ruleset"));
        let mine = expiry_masked(&our_text(false));
        if nft == mine {
            same += 1;
        } else {
            differ.push(format!(
                "{}: {}",
                f.display(),
                first_difference(&nft, &mine)
            ));
        }
        // With handles (`nft -a`) too.
        let nft_a = expiry_masked(&support::sh("nft -a list ruleset"));
        let mine_a = expiry_masked(&our_text(true));
        if nft_a != mine_a {
            differ.push(format!(
                "{} (-a): {}",
                f.display(),
                first_difference(&nft_a, &mine_a)
            ));
        }
    }
    println!(
        "upstream rulesets: {} files, {loaded} loaded, {same} list identically, {} differ",
        files.len(),
        differ.len()
    );
    for d in &differ {
        println!("{d}");
    }
    // As root more dumps load than in a user namespace (payload writes):
    // the bound is on what differs.
    assert!(loaded > 150, "only {loaded} loaded");
    assert!(
        differ.is_empty(),
        "{} of {loaded} differ (none did)",
        differ.len()
    );
}

/// nftables' own rule files (`py/*/*.t`): each file's tables, sets,
/// objects and accepted rules loaded into a fresh namespace, the listing
/// compared line by line with nft's: every line must be equal (rule
/// lines are counted).
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn listing_upstream_rules_list_as_nft_does() {
    let Some((_, files)) = common::upstream_rule_files("listing_upstream_rules_list_as_nft_does")
    else {
        return;
    };
    let (mut rules, mut same, mut other_lines, mut files_same) = (0usize, 0usize, 0usize, 0usize);
    let mut shown = 0;
    for f in &files {
        let _ns = support::netns();
        load_upstream(f);
        let nft = expiry_masked(&support::sh("nft list ruleset"));
        let mine = expiry_masked(&our_text(false));
        if nft == mine {
            files_same += 1;
        }
        let (a, b): (Vec<&str>, Vec<&str>) = (nft.lines().collect(), mine.lines().collect());
        if a.len() != b.len() {
            other_lines += 1;
            println!("{}: {}", f.display(), first_difference(&nft, &mine));
            continue;
        }
        for (x, y) in a.iter().zip(&b) {
            let is_rule = x.starts_with("\t\t")
                && !x.starts_with("\t\ttype ")
                && !x.starts_with("\t\tcomment ")
                && !x.starts_with("\t\t}");
            if is_rule {
                rules += 1;
                if x == y {
                    same += 1;
                } else if shown < 1000 {
                    shown += 1;
                    println!("{}:\n  nft:  {x}\n  ours: {y}", f.display());
                }
            } else if x != y {
                other_lines += 1;
                println!("{}: declaration\n  nft:  {x}\n  ours: {y}", f.display());
            }
        }
    }
    println!(
        "upstream rule files: {} files, {files_same} list identically; \
         {same} of {rules} rule lines equal; {other_lines} other differences",
        files.len()
    );
    assert!(rules > 3000, "only {rules} rule lines");
    // Every rule line as nft prints it (7 differed before the stacked
    // VLAN headers and `ct original ip saddr`, as root and rootless).
    assert_eq!(same, rules, "{} of {rules} rule lines differ", rules - same);
    assert_eq!(other_lines, 0, "{other_lines} other lines differ");
}

/// A table owned by a socket (`NFT_TABLE_F_OWNER`): nft names the owning
/// process after the table's brace and lists `flags owner`.
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn listing_owned_table_lists_as_nft_does() {
    let _ns = support::netns();
    let mut owner = Nft::open().unwrap();
    let mut t = nfnl_tables::Table::new(ProtoFamily::Inet, "owned");
    t.flags = Some(nfnl_tables::TableFlags::OWNER);
    let mut tx = nfnl_tables::Transaction::new();
    tx.add_table(&t).unwrap();
    owner.commit(&tx).unwrap();
    let nft = support::sh("nft list ruleset");
    let mine = our_text(false);
    println!("nft:\n{nft}ours:\n{mine}");
    assert_eq!(mine, nft, "{}", first_difference(&nft, &mine));
}

/// Rules of `iptables-nft` and `ip6tables-nft` (a docker-like ruleset and
/// more, `tests/listing-iptables/rules.sh`): their x_tables matches and
/// targets print as nft translates them, and the same warnings go to
/// standard error.
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn listing_iptables_nft_rules_list_as_nft_does() {
    let _ns = support::netns();
    if !support::sh_status("iptables-nft --version").0 {
        support::skip(
            "listing_iptables_nft_rules_list_as_nft_does",
            "iptables-nft is not installed",
        );
        return;
    }
    let script = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/listing-iptables/rules.sh"
    ))
    .unwrap();
    let mut refused = 0;
    for line in script
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        if !support::sh_status(line).0 {
            refused += 1;
        }
    }
    assert!(refused < 4, "{refused} commands refused");
    let mut cmd = support::command("nft");
    cmd.arg("list").arg("ruleset");
    let out = support::output_within(cmd, support::COMMAND_TIMEOUT);
    let nft = String::from_utf8_lossy(&out.stdout).into_owned();
    let nft_warnings: Vec<String> = String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| l.starts_with("# Warning"))
        .map(str::to_owned)
        .collect();
    let mut nfnl = Nft::open().unwrap();
    let rs = Ruleset::read(&mut nfnl, ProtoFamily::Unspec).unwrap();
    let mine = text::Printer::new().ruleset(&rs);
    assert_eq!(mine, nft, "{}", first_difference(&nft, &mine));
    assert_eq!(text::warnings(&rs), nft_warnings);
    assert!(nft.lines().count() > 60, "{nft}");
}

/// Rules and chains naming devices (netdev `fwd`/`dup`, `iif`/`oif`,
/// device lists) on a veth pair of the namespace
/// (`tests/listing-devices.nft`).
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn listing_devices_by_name() {
    let _ns = support::netns();
    support::sh("ip link add v0 type veth peer name v1");
    let file = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/listing-devices.nft");
    support::sh(&format!("nft -f {file}"));
    let nft = support::sh("nft list ruleset");
    assert_eq!(nft, std::fs::read_to_string(file).unwrap());
    let mine = our_text(false);
    assert_eq!(mine, nft, "{}", first_difference(&nft, &mine));
}

/// A ruleset read through a socket opened in another namespace, from a
/// thread of a third: its sets and their elements (read on a second socket
/// of the socket's namespace, not the thread's) are that namespace's, and
/// the listing equals nft's there; the thread's own namespace is empty.
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn listing_through_a_socket_of_another_namespace() {
    use std::os::fd::AsFd;
    let _a = support::netns();
    support::sh(
        "nft -f - <<'EOF'
table inet t {
	set s { type ipv4_addr; elements = { 10.0.0.1, 10.0.0.2 }; }
	chain c { tcp dport { 22, 80 } ip saddr @s accept; }
}
EOF",
    );
    let nft = support::sh("nft list ruleset");
    let ns_a = std::fs::File::open("/proc/thread-self/ns/net").unwrap();
    let (mine, here) = std::thread::spawn(move || {
        let _b = support::netns();
        let sock = nfnl::Socket::open_in_netns(ns_a.as_fd()).unwrap();
        let mut in_a = Nft::from_socket(sock).unwrap();
        let rs = Ruleset::read(&mut in_a, ProtoFamily::Unspec).unwrap();
        assert_eq!(rs.sets.len(), 2, "the named set and the anonymous one");
        let mut listed: Vec<(&str, usize)> = rs
            .elements
            .iter()
            .filter_map(|e| Some((e.set.as_deref()?, e.elements.as_ref()?.0.len())))
            .filter(|(_, n)| *n > 0)
            .collect();
        listed.sort_unstable();
        assert_eq!(listed, [("__set0", 2), ("s", 2)], "{:?}", rs.elements);
        let here = Ruleset::read(&mut Nft::open().unwrap(), ProtoFamily::Unspec).unwrap();
        (text::Printer::new().ruleset(&rs), here)
    })
    .join()
    .unwrap();
    assert_eq!(mine, nft, "{}", first_difference(&nft, &mine));
    assert_eq!(here, Ruleset::default(), "the thread's namespace is empty");
}
