//! Namespace tests of `nfnl_tables::lang` on rulesets in the style of what
//! real programs install (`tests/data/apps/`, written for this test, not
//! copied from any program): a kube-proxy-like service proxy, a
//! firewalld-like zone firewall, docker/netavark-like container networks,
//! libvirt-like NAT networks, fail2ban/sshguard/crowdsec-like blocklists,
//! tailscale/wg-quick-like VPN clients, an OpenWrt fw4-like router, netdev
//! ingress and bridge filters, an ARP filter, and libnftables JSON command
//! files as an orchestration tool sends them (`NAME.N.json`, applied in
//! order: add, insert and replace at a handle, delete, flush).
//!
//! For each ruleset, in a throwaway namespace (after the `#netns:` lines of
//! the file, which create the devices it names): nft 1.0.6 loads it; our
//! text listing (`lang::text`, what `nftlist` prints) must equal `nft list
//! ruleset` and `nft -a list ruleset` byte for byte; our JSON listing
//! (`lang::json`, `nftlist -j`) must equal `nft -j list ruleset` and `nft
//! -a -j list ruleset` byte for byte; and nft's JSON listing applied by us
//! (`lang::json_in`) into an empty namespace must list (text, and JSON
//! objects handles aside) as the same JSON applied by nft does. The JSON command files are
//! also applied by us step by step into an empty namespace, and `nft -a
//! list ruleset` there must equal nft's own result, handles included.
//!
//! Element expiry times count down between two reads: they are masked.
//! A difference fails the test unless [`EXCEPTIONS`] names it with its
//! reason; an exception that no longer matches fails it too.
//!
//! Run them with `cargo xtask test -- apps_` (or as root: `cargo test -p
//! nfnl-tables --features json --test netns_lang_apps -- --ignored`).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::path::PathBuf;

use nfnl::testutil::netns as support;

mod common;
use common::{expiry_masked, ifname, json_objects, our_text};

use nfnl_tables::lang::{self, json_in};
use nfnl_tables::{Nft, ProtoFamily, Ruleset};
use serde_json::Value as Json;

const APPS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/apps");

/// Differences known and left as they are: (ruleset, check, a piece of
/// nft's line or of ours, why). Checks: `text`, `text -a`, `json`, `json -a`,
/// `round trip`, `apply`.
/// What nft 1.0.6's own JSON leaves out shows in a round trip when nft
/// cannot apply its own listing back either (then the original listing is
/// the oracle).
const EXCEPTIONS: &[(&str, &str, &str, &str)] = &[
    (
        "bridge-netdev",
        "round trip",
        "device \"uplink0\"",
        "nft 1.0.6's JSON listing names no device of a netdev chain (nft cannot apply \
         its own listing back: \"Missing `device' in this chain definition\")",
    ),
    (
        "netdev-multi",
        "round trip",
        "devices = { uplink0, uplink1 }",
        "nft 1.0.6's JSON listing names no devices of a netdev chain (as for \
         bridge-netdev)",
    ),
    (
        "netdev-multi",
        "round trip",
        "hook egress device \"uplink0\"",
        "(the same, for the egress chain)",
    ),
    (
        "kube-proxy",
        "round trip",
        "comment \"rules for kube-proxy\"",
        "nft 1.0.6's JSON listing carries no table comment (and nft cannot apply this \
         listing back itself: ENOENT)",
    ),
    (
        "kube-proxy",
        "round trip",
        "comment \"helper for @no-endpoint",
        "nft 1.0.6's JSON listing carries no chain comment",
    ),
    (
        "openwrt-fw4",
        "round trip",
        "typeof iifname : verdict",
        "nft 1.0.6's JSON listing gives a typeof map's types (ifname), not its \
         expressions (and nft cannot apply this listing back itself: ENOENT)",
    ),
    (
        "orchestrator",
        "apply",
        "comment \"tenant networks\"",
        "nft 1.0.6 ignores a set's \"comment\" in JSON input (its listings print it); \
         we apply it",
    ),
    (
        "orchestrator",
        "apply",
        "tcp . 8000-8099",
        "nft 1.0.6 ignores the \"elem\" of a `create set` in JSON input (it sends the \
         elements of an `add set` only); we apply them",
    ),
    (
        "orchestrator",
        "apply",
        "\t     udp . 53,",
        "(the same `create set`'s second element)",
    ),
    (
        "orchestrator",
        "apply",
        "\t     tcp . 9000-9100 }",
        "(the element added later to that set, on its own line after them)",
    ),
    (
        "loadbalancer",
        "json",
        "update @persist-web { ip saddr : numgen inc mod 2 }",
        "a map update: nft 1.0.6 has no JSON for it and prints its text as a string; \
         we print an object (the known map-update gap another change handles)",
    ),
    (
        "loadbalancer",
        "json -a",
        "update @persist-web { ip saddr : numgen inc mod 2 }",
        "(the same map update)",
    ),
    (
        "loadbalancer",
        "round trip",
        "update @persist-web { ip saddr : numgen inc mod 2 }",
        "nft 1.0.6's listing holds the map update as a string, which no JSON reader \
         (nft's nor ours) can apply",
    ),
];

/// Our JSON listing of the current namespace, as `nftlist -j` prints it.
fn our_json() -> String {
    let mut nft = Nft::open().unwrap();
    let rs = Ruleset::read(&mut nft, ProtoFamily::Unspec).unwrap();
    let f = ifname;
    let filter = lang::listing::Filter {
        ifname: Some(&f),
        ..Default::default()
    };
    let mut w = lang::json::Writer::new(Vec::new());
    lang::listing::listing_each(&rs, &filter, &mut |it| w.item(&it));
    let mut out = String::from_utf8(w.finish()).unwrap();
    out.push('\n');
    out
}

/// One difference: the ruleset, the check, nft's line (or object) and ours.
#[derive(Debug)]
struct Diff {
    ruleset: String,
    check: &'static str,
    nft: String,
    ours: String,
}

/// Text listings compared line by line (a different line count is one
/// difference at the first differing line).
fn diff_lines(ruleset: &str, check: &'static str, nft: &str, ours: &str, out: &mut Vec<Diff>) {
    let (nft, ours) = (expiry_masked(nft), expiry_masked(ours));
    if nft == ours {
        return;
    }
    // NFT_APPS_DUMP=DIR keeps both sides of each differing listing.
    if let Some(dir) = std::env::var_os("NFT_APPS_DUMP") {
        let base =
            std::path::Path::new(&dir).join(format!("{ruleset}.{}", check.replace(' ', "_")));
        std::fs::write(base.with_extension("nft"), &nft).unwrap();
        std::fs::write(base.with_extension("ours"), &ours).unwrap();
    }
    let (a, b): (Vec<&str>, Vec<&str>) = (nft.lines().collect(), ours.lines().collect());
    let mut push = |x: &str, y: &str| {
        out.push(Diff {
            ruleset: ruleset.to_owned(),
            check,
            nft: x.to_owned(),
            ours: y.to_owned(),
        });
    };
    for (x, y) in line_diff(&a, &b) {
        push(x.unwrap_or("(no such line)"), y.unwrap_or("(no such line)"));
    }
    if nft.ends_with('\n') != ours.ends_with('\n') {
        push("(final newline)", "(final newline)");
    }
}

/// The lines of `a` and `b` that differ, aligned on their longest common
/// subsequence: a line only one side has is paired with `None`, a run of
/// replaced lines pairs line by line.
fn line_diff<'x>(a: &[&'x str], b: &[&'x str]) -> Vec<(Option<&'x str>, Option<&'x str>)> {
    let (n, m) = (a.len(), b.len());
    let mut lcs = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let mut out = Vec::new();
    let (mut gone, mut extra) = (Vec::new(), Vec::new());
    let flush = |gone: &mut Vec<&'x str>, extra: &mut Vec<&'x str>, out: &mut Vec<_>| {
        for k in 0..gone.len().max(extra.len()) {
            out.push((gone.get(k).copied(), extra.get(k).copied()));
        }
        gone.clear();
        extra.clear();
    };
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            flush(&mut gone, &mut extra, &mut out);
            i += 1;
            j += 1;
        } else if j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j]) {
            extra.push(b[j]);
            j += 1;
        } else {
            gone.push(a[i]);
            i += 1;
        }
    }
    flush(&mut gone, &mut extra, &mut out);
    out
}

/// JSON listings compared object by object, then byte for byte.
fn diff_json(ruleset: &str, check: &'static str, nft: &str, ours: &str, out: &mut Vec<Diff>) {
    let (nft, ours) = (expiry_masked(nft), expiry_masked(ours));
    if nft == ours {
        return;
    }
    let handles = check != "round trip";
    let (a, b) = (json_objects(&nft, handles), json_objects(&ours, handles));
    let mut found = Vec::new();
    if a.len() != b.len() {
        found.push((
            format!("{} objects", a.len()),
            format!("{} objects", b.len()),
        ));
    }
    for (x, y) in a.iter().zip(&b) {
        if x != y {
            found.push((x.to_string(), y.to_string()));
        }
    }
    if found.is_empty() && handles {
        found.push((
            "(the same objects, other bytes)".into(),
            format!("{nft}\n{ours}"),
        ));
    }
    out.extend(found.into_iter().map(|(x, y)| Diff {
        ruleset: ruleset.to_owned(),
        check,
        nft: x,
        ours: y,
    }));
}

/// One ruleset of `tests/data/apps`: a `.nft` file, or the steps
/// `NAME.1.json`, `NAME.2.json`, ... of a JSON command file.
struct App {
    name: String,
    files: Vec<PathBuf>,
    /// Shell lines creating what the ruleset names (`#netns: CMD`).
    setup: Vec<String>,
}

fn apps() -> Vec<App> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(APPS)
        .unwrap()
        .map(|d| d.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "nft" || e == "json"))
        .collect();
    files.sort();
    let mut out: Vec<App> = Vec::new();
    for f in files {
        let file_name = f.file_name().unwrap().to_string_lossy().into_owned();
        let name = file_name.split('.').next().unwrap().to_owned();
        let setup: Vec<String> = std::fs::read_to_string(&f)
            .unwrap()
            .lines()
            .filter_map(|l| l.strip_prefix("#netns:"))
            .map(|l| l.trim().to_owned())
            .collect();
        match out.last_mut() {
            Some(a) if a.name == name && file_name.ends_with(".json") => a.files.push(f),
            _ => out.push(App {
                name,
                files: vec![f],
                setup,
            }),
        }
    }
    out
}

/// A fresh namespace with the devices the ruleset names.
fn namespace(app: &App) -> support::Netns {
    let ns = support::netns();
    for l in &app.setup {
        support::sh(l);
    }
    ns
}

/// Loads the ruleset with nft in the current namespace; what nft refused
/// (a kernel without a module the ruleset needs), if it did.
fn load_with_nft(app: &App) -> Result<(), String> {
    for f in &app.files {
        let json = if f.extension().is_some_and(|e| e == "json") {
            "-j "
        } else {
            ""
        };
        let (ok, err) = support::sh_status(&format!("nft {json}-f {}", f.display()));
        // Only the kernel's refusal skips; a file nft cannot read is ours to fix.
        assert!(
            ok || err.contains("Could not process rule"),
            "{}: nft cannot read it: {err}",
            f.display()
        );
        if !ok {
            return Err(format!("{}: nft refused it: {err}", f.display()));
        }
    }
    Ok(())
}

/// Every comparison of one ruleset; the differences go to `out`. False
/// (and skipped, saying why) if nft could not load it here.
fn check(app: &App, out: &mut Vec<Diff>) -> bool {
    let name = app.name.as_str();
    let _ns = namespace(app);
    if let Err(why) = load_with_nft(app) {
        support::skip(
            &format!("apps_rulesets_list_and_apply_as_nft_does ({name})"),
            &why,
        );
        return false;
    }
    let nft_text = support::sh("nft list ruleset");
    assert!(
        nft_text.lines().count() > 10,
        "{name}: loaded too little: {nft_text}"
    );
    diff_lines(name, "text", &nft_text, &our_text(false), out);
    diff_lines(
        name,
        "text -a",
        &support::sh("nft -a list ruleset"),
        &our_text(true),
        out,
    );
    let nft_json = support::sh("nft -j list ruleset");
    let ours = our_json();
    diff_json(name, "json", &nft_json, &ours, out);
    diff_json(
        name,
        "json -a",
        &support::sh("nft -a -j list ruleset"),
        &ours,
        out,
    );
    // The JSON command files applied by us, step by step, into an empty
    // namespace: the same ruleset, handles included.
    if app.files[0].extension().is_some_and(|e| e == "json") {
        let nft_a = support::sh("nft -a list ruleset");
        let _ns = namespace(app);
        let mut nft = Nft::open().unwrap();
        let ifindex = |n: &str| nix::net::if_::if_nametoindex(n).ok();
        for f in &app.files {
            let text = std::fs::read_to_string(f).unwrap();
            if let Err(e) = json_in::apply_with(&mut nft, &text, Some(&ifindex)) {
                out.push(Diff {
                    ruleset: name.to_owned(),
                    check: "apply",
                    nft: format!("{} applies", f.display()),
                    ours: e.to_string(),
                });
            }
        }
        diff_lines(
            name,
            "apply",
            &nft_a,
            &support::sh("nft -a list ruleset"),
            out,
        );
    }
    // nft's JSON listing applied by nft into an empty namespace: what a
    // round trip gives (nft 1.0.6's JSON does not carry everything, e.g.
    // `typeof`); the original listing if nft cannot apply it.
    let _ns = namespace(app);
    let tmp = std::env::temp_dir().join(format!("nfnl-apps-{}-{name}.json", std::process::id()));
    std::fs::write(&tmp, &nft_json).unwrap();
    let (ok, _) = support::sh_status(&format!("nft -j -f {}", tmp.display()));
    let _ = std::fs::remove_file(&tmp);
    let (nft_text, nft_json) = if ok {
        (
            support::sh("nft list ruleset"),
            support::sh("nft -j list ruleset"),
        )
    } else {
        (nft_text, nft_json)
    };
    // nft's JSON listing applied by us into an empty namespace.
    let _ns = namespace(app);
    let mut nft = Nft::open().unwrap();
    let ifindex = |n: &str| nix::net::if_::if_nametoindex(n).ok();
    if let Err(e) = json_in::apply_with(&mut nft, &nft_json, Some(&ifindex)) {
        out.push(Diff {
            ruleset: name.to_owned(),
            check: "round trip",
            nft: "nft -j list ruleset applies".into(),
            ours: e.to_string(),
        });
        return true;
    }
    diff_lines(
        name,
        "round trip",
        &nft_text,
        &support::sh("nft list ruleset"),
        out,
    );
    diff_json(
        name,
        "round trip",
        &nft_json,
        &support::sh("nft -j list ruleset"),
        out,
    );
    true
}

/// Every ruleset of `tests/data/apps`: listed as nft lists it (text and
/// JSON, with and without handles), round-tripped through our JSON apply;
/// the JSON command files applied by us as nft applies them.
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn apps_rulesets_list_and_apply_as_nft_does() {
    let apps = apps();
    assert!(apps.len() >= 10, "only {} rulesets", apps.len());
    let mut diffs = Vec::new();
    let mut loaded = Vec::new();
    for app in &apps {
        let before = diffs.len();
        if check(app, &mut diffs) {
            loaded.push(app.name.as_str());
        }
        println!("{}: {} differences", app.name, diffs.len() - before);
    }
    let mut used = vec![false; EXCEPTIONS.len()];
    let mut failed = Vec::new();
    for d in &diffs {
        let known = EXCEPTIONS.iter().position(|(r, c, piece, _)| {
            *r == d.ruleset && *c == d.check && (d.nft.contains(piece) || d.ours.contains(piece))
        });
        let line = format!(
            "{} ({}):\n  nft:  {}\n  ours: {}",
            d.ruleset, d.check, d.nft, d.ours
        );
        match known {
            Some(i) => {
                used[i] = true;
                println!("known: {line}\n  why: {}", EXCEPTIONS[i].3);
            }
            None => failed.push(line),
        }
    }
    for (i, (r, c, piece, _)) in EXCEPTIONS.iter().enumerate() {
        if !used[i] && loaded.contains(r) {
            failed.push(format!(
                "{r} ({c}): the exception for {piece:?} no longer matches"
            ));
        }
    }
    println!(
        "apps: {} rulesets, {} loaded, {} differences ({} exceptions used)",
        apps.len(),
        loaded.len(),
        diffs.len(),
        used.iter().filter(|u| **u).count()
    );
    assert!(failed.is_empty(), "{}", failed.join("\n"));
    // A kernel without a module one ruleset needs (ct helpers, bridge
    // devices) skips it; most must load.
    assert!(
        loaded.len() + 2 >= apps.len(),
        "only {} of {} rulesets loaded",
        loaded.len(),
        apps.len()
    );
}

/// The data directory holds what the test expects: every ruleset names a
/// program style in its header comment, and JSON steps are numbered.
#[test]
fn apps_files_are_described() {
    for app in apps() {
        for f in &app.files {
            let text = std::fs::read_to_string(f).unwrap();
            if f.extension().is_some_and(|e| e == "nft") {
                assert!(text.starts_with("# "), "{}: no header comment", f.display());
            } else {
                let v: Json = serde_json::from_str(&text).unwrap();
                assert!(v["nftables"].is_array(), "{}", f.display());
                let stem = f.file_stem().unwrap().to_string_lossy().into_owned();
                assert!(
                    stem.rsplit('.').next().unwrap().parse::<u32>().is_ok(),
                    "{}: JSON steps are NAME.N.json",
                    f.display()
                );
            }
        }
    }
}

/// The comparison itself: a missing line, an extra line and a changed line
/// are each one difference, and equal listings have none.
#[test]
fn apps_line_diff_aligns_listings() {
    let a = ["t {", "a", "b", "c", "}"];
    let b = ["t {", "a", "x", "c", "d", "}"];
    assert_eq!(
        line_diff(&a, &b),
        [(Some("b"), Some("x")), (None, Some("d"))]
    );
    assert_eq!(line_diff(&b[..2], &b[..1]), [(Some("a"), None)]);
    assert!(line_diff(&a, &a).is_empty());
}
