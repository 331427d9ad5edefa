//! What the namespace tests of nf_tables share: nftables' own regression corpus (read at
//! run time from `../shared/nft-corpus` or `$NFT_CORPUS`, never copied here), running `nft`,
//! our text listing, and what makes two listings comparable (expiry times, handles).
#![allow(dead_code)]

use std::collections::BTreeMap;

use nfnl::testutil::netns as support;

/// Where nftables' regression corpus is (`py/` rule files, `shell/` ruleset dumps), if
/// anywhere.
pub fn upstream_corpus() -> Option<std::path::PathBuf> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    std::env::var_os("NFT_CORPUS")
        .map(std::path::PathBuf::from)
        .into_iter()
        .chain([
            root.join("../../shared/nft-corpus"),
            root.join("../../../shared/nft-corpus"),
        ])
        .find(|p| p.join("py").is_dir() && p.join("shell").is_dir())
}

/// Runs `nft ARGS` (one argument, as nft joins its argv); true on success.
pub fn nft_ok(args: &str) -> bool {
    let mut cmd = support::command("nft");
    cmd.arg(args);
    support::output_within(cmd, support::COMMAND_TIMEOUT)
        .status
        .success()
}

/// Sets up one `.t` file's tables, chains, objects and sets, and adds its
/// `ok` rules; returns how many rules were accepted.
pub fn load_upstream(file: &std::path::Path) -> usize {
    let text = std::fs::read_to_string(file).unwrap();
    let mut chains = BTreeMap::new();
    let mut tables: Vec<(String, String, Vec<String>)> = Vec::new();
    let mut loaded = 0;
    for line in text.lines() {
        let line = line.trim_end();
        if line.is_empty() || line.starts_with('#') || line.starts_with('-') {
            continue;
        }
        let mut parts = line.split(';');
        let first = parts.next().unwrap_or("");
        if let Some(c) = first.strip_prefix(':') {
            let spec: Vec<&str> = line[1..].splitn(2, ';').collect();
            chains.insert(c.to_owned(), spec.get(1).copied().unwrap_or("").to_owned());
            continue;
        }
        if let Some(t) = first.strip_prefix('*') {
            let table = parts.next().unwrap_or("").to_owned();
            let cs = parts
                .next()
                .unwrap_or("")
                .split(',')
                .map(str::to_owned)
                .collect();
            if nft_ok(&format!("add table {t} {table}")) {
                tables.push((t.to_owned(), table, cs));
            }
            for (fam, table, cs) in tables.iter().rev().take(1) {
                for c in cs {
                    let spec = chains.get(c).cloned().unwrap_or_default();
                    nft_ok(&format!("add chain {fam} {table} {c} {{ {spec}; }}"));
                }
            }
            continue;
        }
        let ok = line.split(';').nth(1) == Some("ok");
        if !ok {
            continue;
        }
        let body = first;
        for (fam, table, cs) in &tables {
            if let Some(rest) = body.strip_prefix('%') {
                // %name type KIND ARGS: a stateful object.
                let (name, spec) = rest.split_once(" type ").unwrap_or((rest, ""));
                let n = if spec.starts_with("ct ") { 2 } else { 1 };
                let words: Vec<&str> = spec.splitn(n + 1, ' ').collect();
                let kind = words[..n.min(words.len())].join(" ");
                let args = words.get(n).copied().unwrap_or("");
                nft_ok(&format!("add {kind} {fam} {table} {name} {args}"));
            } else if let Some(rest) = body.strip_prefix('!') {
                // !name type T [flags F] [timeout T] ...: a set.
                let (name, spec) = rest.split_once(' ').unwrap_or((rest, ""));
                let mut s = spec.to_owned();
                for kw in [
                    " flags ",
                    " timeout ",
                    " size ",
                    " policy ",
                    " counter",
                    " gc-interval ",
                ] {
                    s = s.replace(kw, &format!(";{kw}"));
                }
                nft_ok(&format!("add set {fam} {table} {name} {{ {s}; }}"));
            } else if let Some(rest) = body.strip_prefix('?') {
                let (name, elems) = rest.split_once(' ').unwrap_or((rest, ""));
                nft_ok(&format!("add element {fam} {table} {name} {{ {elems} }}"));
            } else {
                for c in cs {
                    if nft_ok(&format!("add rule {fam} {table} {c} {body}")) {
                        loaded += 1;
                    }
                }
            }
        }
    }
    loaded
}

/// The corpus root and its rule files (`py/*/*.t`), sorted; `None` (the test
/// `test` skipped, saying why) when the corpus is absent.
pub fn upstream_rule_files(test: &str) -> Option<(std::path::PathBuf, Vec<std::path::PathBuf>)> {
    let root = corpus_or_skip(test)?;
    let mut files: Vec<_> = std::fs::read_dir(root.join("py"))
        .unwrap()
        .flat_map(|d| std::fs::read_dir(d.unwrap().path()).unwrap())
        .map(|f| f.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "t"))
        .collect();
    files.sort();
    Some((root, files))
}

/// The corpus root and its ruleset dumps (`shell/*/dumps/*.nft`), sorted;
/// `None` (the test `test` skipped, saying why) when the corpus is absent.
pub fn upstream_ruleset_dumps(test: &str) -> Option<(std::path::PathBuf, Vec<std::path::PathBuf>)> {
    let root = corpus_or_skip(test)?;
    let mut files: Vec<_> = std::fs::read_dir(root.join("shell"))
        .unwrap()
        .map(|d| d.unwrap().path().join("dumps"))
        .filter(|d| d.is_dir())
        .flat_map(|d| std::fs::read_dir(d).unwrap().map(|f| f.unwrap().path()))
        .filter(|p| p.extension().is_some_and(|e| e == "nft"))
        .collect();
    files.sort();
    Some((root, files))
}

fn corpus_or_skip(test: &str) -> Option<std::path::PathBuf> {
    let root = upstream_corpus();
    if root.is_none() {
        support::skip(
            test,
            "nftables' regression corpus (../shared/nft-corpus or $NFT_CORPUS) is absent",
        );
    }
    root
}

/// The name of interface `i` in the current namespace (for the listings'
/// device names).
pub fn ifname(i: u32) -> Option<String> {
    nix::net::if_::if_indextoname(i)
        .ok()
        .map(|c| c.to_string_lossy().into_owned())
        .filter(|n| !n.is_empty())
}

/// Our text listing of the current namespace (`handles`: as `nft -a`).
pub fn our_text(handles: bool) -> String {
    let mut nft = nfnl_tables::Nft::open().unwrap();
    let rs = nfnl_tables::Ruleset::read(&mut nft, nfnl::ProtoFamily::Unspec).unwrap();
    nfnl_tables::lang::text::Printer::new()
        .handles(handles)
        .ifname(&ifname)
        .ruleset(&rs)
}

/// Element expiry times (`expires 59s992ms`, `"expires": 29`) masked.
pub fn expiry_masked(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest
        .find(" expires ")
        .or_else(|| rest.find("\"expires\": "))
    {
        let key = if rest[i..].starts_with(' ') {
            " expires "
        } else {
            "\"expires\": "
        };
        out.push_str(&rest[..i]);
        out.push_str(key);
        // (a number keeps the JSON valid)
        out.push('0');
        let tail = &rest[i + key.len()..];
        let end = tail
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(tail.len());
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

/// The objects of a JSON listing (`handles`: kept or removed).
pub fn json_objects(json: &str, handles: bool) -> Vec<serde_json::Value> {
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    let mut out = v["nftables"].as_array().cloned().unwrap_or_default();
    if !handles {
        for o in &mut out {
            if let Some(m) = o.as_object_mut() {
                for (_, body) in m.iter_mut() {
                    if let Some(b) = body.as_object_mut() {
                        b.remove("handle");
                    }
                }
            }
        }
    }
    out
}
