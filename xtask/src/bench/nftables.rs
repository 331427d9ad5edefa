//! `cargo xtask bench nftables`: nf_tables dumps and transactions side by side, in a
//! throwaway network namespace.
//!
//! On `table ip b` (a regular chain `c`, a set `s` and an interval set `si` of `ipv4_addr`),
//! three programs do the same operations:
//!
//! - `ours`: `nfnl_tables` through the helper `nftables/examples/nft_bench.rs` (release);
//! - `C`: minimal libnftnl + libmnl programs (`nftables/benches/c/nftnl_dump.c`, a dumper
//!   decoding each rule and each element message into libnftnl objects, and
//!   `nftables/benches/c/nftnl_batch.c`, one transaction sent as one datagram), compiled with
//!   `cc -O2` when `libnftnl-dev` is installed;
//! - `nft -f`: the same content as files written by the helper (transactions only).
//!
//! Measured, best of `REPS` runs each (`nft -f`: of at most 2): one transaction adding ROWS
//! rules (`ip saddr A counter accept`), one adding ELEMS elements to `s`, one adding ELEMS
//! interval elements (ELEMS/2 ranges) to `si`, each on a fresh ruleset (ours adds the
//! elements from an iterator, each encoded as it is made, as the C program encodes them 2048
//! to a message and frees them; once, also from a `Vec` of all the `Element` values made
//! first, for its memory); then, with the ROWS
//! rules and ELEMS elements in place, a dump of the rules and one of `s`, both decoded into
//! typed values, with the dumper's peak RSS (and ours before the dump: memory that does not
//! grow with the ruleset). Last, the error of a transaction of ROWS rule additions whose
//! middle one looks up a set that does not exist.
//!
//! Then, on the mixed ROWS-rule ruleset of [`list_ruleset`] (anonymous sets, ct, meta, limit,
//! log, nat), the `nftlist` program (`examples/src/bin/nftlist.rs`, release) against nft, both
//! as processes, best of REPS: `nftlist -j` against `nft -j list ruleset` (the bench says
//! whether the bytes were the same); `nftlist` against `nft list ruleset` once `nftlist`
//! prints the text listing (skipped, saying so, until then); `nftlist -f` of nft's JSON
//! listing against `nft -j -f` of it, on a flushed ruleset, once `nftlist -f` exists (skipped
//! likewise).
//!
//! Arguments after `--`: `[ROWS] [ELEMS] [REPS]` (default 10000, 1000000, 3).
//!
//! Run it as root: each transaction is one datagram, and only root in the initial user
//! namespace can raise a socket's send buffer past `net.core.wmem_max` (`SO_SNDBUFFORCE`);
//! as an ordinary user, transactions larger than that are refused.

use std::collections::BTreeMap;
use std::path::Path;

use super::cc;

/// The ruleset every measurement starts from.
const SETUP: &str = "table ip b {
    set s { type ipv4_addr; }
    set si { type ipv4_addr; flags interval; }
    chain c { }
}
";

/// Runs the measurements; prints `RESULT OP WHO count=N secs=T ...` lines and an `ERROR` line.
const SCRIPT: &str = r#"
set -eu
B=$1; CD=$2; CB=$3; ROWS=$4; ELEMS=$5; REPS=$6; DIR=$7; L=$8
ip link set lo up
setup() { nft flush ruleset; nft -f "$DIR/setup.nft"; }
now() { date +%s.%N; }
timed() { # user CPU and peak RSS of "$@" into $DIR/time, when /usr/bin/time is there
    rm -f "$DIR/time"
    if [ -x /usr/bin/time ]; then /usr/bin/time -o "$DIR/time" -f "user=%U maxrss_kb=%M" "$@"; else "$@"; fi
}
"$B" write "$DIR" "$ROWS" "$ELEMS"
r=1
while [ "$r" -le "$REPS" ]; do
    for op in rules elems intervals; do
        if [ "$op" = rules ]; then n=$ROWS; else n=$ELEMS; fi
        setup; echo "RESULT tx-$op ours $("$B" "$op" "$n")"
        if [ -n "$CB" ]; then setup; echo "RESULT tx-$op c $("$CB" "$op" "$n")"; fi
        if [ "$r" -eq 1 ] && [ "$op" != rules ]; then
            setup; echo "RESULT tx-$op ours-one $("$B" "$op-one" "$n")"
        fi
        if [ "$r" -le 2 ]; then
            setup; t0=$(now); timed nft -f "$DIR/$op.nft"; t1=$(now)
            echo "RESULT tx-$op nft count=$n secs=$(echo "$t0 $t1" | awk '{printf "%.6f", $2 - $1}') $(cat "$DIR/time" 2>/dev/null)"
        fi
    done
    r=$((r + 1))
done
setup
"$B" rules "$ROWS" >/dev/null
"$B" elems "$ELEMS" >/dev/null
r=1
while [ "$r" -le "$REPS" ]; do
    echo "RESULT dump-rules ours $("$B" dump-rules)"
    if [ -n "$CD" ]; then echo "RESULT dump-rules c $("$CD" rules)"; fi
    echo "RESULT dump-elems ours $("$B" dump-elems s)"
    if [ -n "$CD" ]; then echo "RESULT dump-elems c $("$CD" elems b s)"; fi
    r=$((r + 1))
done
setup
"$B" bad "$ROWS"
# Listing and applying the mixed ruleset: ours (nftlist) and nft as processes.
secs() { echo "$1 $2" | awk '{printf "%.6f", $2 - $1}'; }
nft flush ruleset; nft -f "$DIR/list.nft"
nft -j list ruleset >"$DIR/list.json"
text=no; if "$L" >/dev/null 2>&1; then text=yes; fi
r=1
while [ "$r" -le "$REPS" ]; do
    t0=$(now); timed "$L" -j >"$DIR/ours.json"; t1=$(now)
    echo "RESULT list-json ours count=$ROWS secs=$(secs "$t0" "$t1") $(cat "$DIR/time" 2>/dev/null)"
    t0=$(now); timed nft -j list ruleset >"$DIR/nft.json"; t1=$(now)
    echo "RESULT list-json nft count=$ROWS secs=$(secs "$t0" "$t1") $(cat "$DIR/time" 2>/dev/null)"
    if [ "$text" = yes ]; then
        t0=$(now); timed "$L" >"$DIR/ours.txt"; t1=$(now)
        echo "RESULT list-text ours count=$ROWS secs=$(secs "$t0" "$t1") $(cat "$DIR/time" 2>/dev/null)"
        t0=$(now); timed nft list ruleset >"$DIR/nft.txt"; t1=$(now)
        echo "RESULT list-text nft count=$ROWS secs=$(secs "$t0" "$t1") $(cat "$DIR/time" 2>/dev/null)"
    fi
    r=$((r + 1))
done
if cmp -s "$DIR/ours.json" "$DIR/nft.json"; then echo "SAME list-json"; else echo "DIFFERENT list-json"; fi
if [ "$text" = yes ]; then
    if cmp -s "$DIR/ours.txt" "$DIR/nft.txt"; then echo "SAME list-text"; else echo "DIFFERENT list-text"; fi
else
    echo "SKIPPED list-text: nftlist prints no text listing yet"
fi
nft flush ruleset
if "$L" -f "$DIR/list.json" >/dev/null 2>&1; then
    r=1
    while [ "$r" -le "$REPS" ]; do
        nft flush ruleset; t0=$(now); timed "$L" -f "$DIR/list.json"; t1=$(now)
        echo "RESULT apply-json ours count=$ROWS secs=$(secs "$t0" "$t1") $(cat "$DIR/time" 2>/dev/null)"
        nft flush ruleset; t0=$(now); timed nft -j -f "$DIR/list.json"; t1=$(now)
        echo "RESULT apply-json nft count=$ROWS secs=$(secs "$t0" "$t1") $(cat "$DIR/time" 2>/dev/null)"
        r=$((r + 1))
    done
else
    echo "SKIPPED apply-json: nftlist -f is not there yet (or failed)"
fi
"#;

/// The ruleset listed and applied by the `list-*` and `apply-json` rows, ROWS
/// rules of a mix seen in real filters: in `table inet f`, chain `c`
/// (9 of 10 rules): `ip saddr A counter accept` (4 of 10), `tcp dport { 22, 80,
/// 443, P } ct state new counter accept` (an anonymous set each), `ct state
/// established,related accept`, `meta iifname "ethN" ip daddr A tcp dport P
/// accept`, `ip saddr A limit rate 10/second log prefix "dropN " drop`, `udp
/// dport 53 ip daddr 10.1.0.0/16 counter accept`, `ip saddr 192.168.N.0/24
/// meta l4proto tcp counter drop`; in `table ip n` (1 of 10): `tcp dport P dnat
/// to A:80` in a prerouting nat chain, `ip saddr A oifname "eth0" masquerade`
/// in a postrouting one.
fn list_ruleset(rows: u32) -> String {
    use std::fmt::Write as _;
    let mut s = String::from(
        "table inet f {\n  chain input { type filter hook input priority 0; policy accept; }\n  \
         chain c { }\n}\ntable ip n {\n  chain pre { type nat hook prerouting priority -100; }\n  \
         chain post { type nat hook postrouting priority 100; }\n}\n",
    );
    let nat = rows / 10;
    let addr = |i: u32| format!("10.{}.{}.{}", (i >> 16) & 255, (i >> 8) & 255, i & 255);
    for i in 0..rows - nat {
        let a = addr(i);
        let r = match i % 10 {
            0..=3 => format!("ip saddr {a} counter accept"),
            4 => format!(
                "tcp dport {{ 22, 80, 443, {} }} ct state new counter accept",
                1000 + i % 5000
            ),
            5 => "ct state established,related accept".to_string(),
            6 => format!(
                "meta iifname \"eth{}\" ip daddr {a} tcp dport {} accept",
                i % 8,
                1024 + i % 30000
            ),
            7 => format!("ip saddr {a} limit rate 10/second log prefix \"drop{i} \" drop"),
            8 => "udp dport 53 ip daddr 10.1.0.0/16 counter accept".to_string(),
            _ => format!(
                "ip saddr 192.168.{}.0/24 meta l4proto tcp counter drop",
                i % 256
            ),
        };
        let _ = writeln!(s, "add rule inet f c {r}");
    }
    for i in 0..nat {
        let a = format!("10.200.{}.{}", (i >> 8) & 255, i & 255);
        let _ = if i % 2 == 0 {
            writeln!(
                s,
                "add rule ip n pre tcp dport {} dnat to {a}:80",
                2000 + i % 60000
            )
        } else {
            writeln!(
                s,
                "add rule ip n post ip saddr {a} oifname \"eth0\" masquerade"
            )
        };
    }
    s
}

/// The best (fastest) run of one program on one operation.
#[derive(Clone, Copy)]
struct Best {
    count: f64,
    secs: f64,
    user: Option<f64>,
    maxrss_kb: Option<f64>,
    base_kb: Option<f64>,
}

/// Runs the nftables benchmark with the arguments after `--`.
///
/// # Errors
///
/// A failed build or a failed benchmark script.
pub fn run(args: &[String]) -> crate::Result<()> {
    let nums: Vec<u32> = args.iter().filter_map(|a| a.parse().ok()).collect();
    if nums.len() != args.len() {
        return Err("usage: cargo xtask bench nftables -- [ROWS] [ELEMS] [REPS]".into());
    }
    let rows = nums.first().copied().unwrap_or(10_000).max(2);
    let elems = nums.get(1).copied().unwrap_or(1_000_000).max(2);
    let reps = nums.get(2).copied().unwrap_or(3).max(1);
    let root = crate::workspace_root();
    let target = crate::target_dir();

    crate::step("bench nftables: cargo build --release -p nfnl-tables --example nft_bench");
    let status = crate::cargo()
        .args([
            "build",
            "--release",
            "-p",
            "nfnl-tables",
            "--example",
            "nft_bench",
        ])
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err("building nft_bench failed".into());
    }
    crate::step("bench nftables: cargo build --release -p examples --bin nftlist");
    let status = crate::cargo()
        .args(["build", "--release", "-p", "examples", "--bin", "nftlist"])
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err("building nftlist failed".into());
    }
    let nftlist = target.join("release/nftlist");
    let ours = target.join("release/examples/nft_bench");
    let cdir = target.join("bench-c");
    std::fs::create_dir_all(&cdir)?;
    let csrc = root.join("nftables/benches/c");
    let (cdump, cbatch) = (cdir.join("nftnl_dump"), cdir.join("nftnl_batch"));
    let libs = ["-lnftnl", "-lmnl"];
    let have_c = cc(&cdump, &csrc.join("nftnl_dump.c"), &libs)
        && cc(&cbatch, &csrc.join("nftnl_batch.c"), &libs);
    if !have_c {
        println!("bench nftables: libnftnl-dev or libmnl-dev not installed: no C programs");
    }
    let have_nft = crate::tools::find("nft").is_some();
    if !have_nft {
        return Err("bench nftables: nft is not installed (apt-get install nftables)".into());
    }
    let dir = cdir.join("nft-files");
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join("setup.nft"), SETUP)?;
    std::fs::write(dir.join("list.nft"), list_ruleset(rows))?;

    crate::step(&format!(
        "bench nftables: {rows} rules, {elems} elements, best of {reps}, in a throwaway namespace"
    ));
    let c = |p: &Path| {
        if have_c {
            p.as_os_str().to_owned()
        } else {
            std::ffi::OsString::new()
        }
    };
    let mut cmd = crate::netns::throwaway("sh");
    cmd.arg("-c").arg(SCRIPT).arg("sh");
    cmd.arg(&ours).arg(c(&cdump)).arg(c(&cbatch));
    cmd.arg(rows.to_string())
        .arg(elems.to_string())
        .arg(reps.to_string())
        .arg(&dir)
        .arg(&nftlist);
    let text = super::script_output(cmd)?;

    let mut best: BTreeMap<(String, String), Best> = BTreeMap::new();
    let mut error_line = None;
    let mut notes = Vec::new();
    for line in text.lines() {
        if let Some(e) = ["SAME ", "DIFFERENT ", "SKIPPED "]
            .iter()
            .find(|p| line.starts_with(*p))
            .map(|_| line)
        {
            notes.push(e.to_string());
            continue;
        }
        if let Some(e) = line.strip_prefix("ERROR ") {
            error_line = Some(e.to_string());
            continue;
        }
        let Some(r) = line.strip_prefix("RESULT ") else {
            continue;
        };
        let mut f = r.split_whitespace();
        let (Some(op), Some(who)) = (f.next(), f.next()) else {
            continue;
        };
        let kv: BTreeMap<&str, f64> = f
            .filter_map(|p| p.split_once('='))
            .filter_map(|(k, v)| v.parse().ok().map(|v| (k, v)))
            .collect();
        let (Some(&count), Some(&secs)) = (kv.get("count"), kv.get("secs")) else {
            println!("bench nftables: unexpected line: {line}");
            continue;
        };
        let run = Best {
            count,
            secs,
            user: kv.get("user").copied(),
            maxrss_kb: kv.get("maxrss_kb").copied(),
            base_kb: kv.get("base_kb").copied(),
        };
        best.entry((op.to_string(), who.to_string()))
            .and_modify(|b| {
                if secs < b.secs {
                    *b = run;
                }
            })
            .or_insert(run);
    }
    print_table(&best, rows, elems, reps);
    match error_line {
        Some(e) => println!("\na bad transaction (ours): {e}"),
        None => println!("\n(no error line from the bad transaction)"),
    }
    for n in notes {
        println!("output of the listing rows: {n}");
    }
    Ok(())
}

/// Prints the side-by-side table.
fn print_table(best: &BTreeMap<(String, String), Best>, rows: u32, elems: u32, reps: u32) {
    let get = |op: &str, who: &str| best.get(&(op.to_string(), who.to_string())).copied();
    let rate = |b: Best| b.count / b.secs.max(1e-9);
    let cell = |b: Option<Best>| {
        b.map_or_else(
            || "-".to_string(),
            |b| format!("{:.3} s {:>9.0}/s", b.secs, rate(b)),
        )
    };
    let ratio = |a: Option<Best>, b: Option<Best>| match (a, b) {
        (Some(a), Some(b)) => format!("{:.2}x", rate(a) / rate(b)),
        _ => "-".to_string(),
    };
    let mem = |b: Option<Best>| {
        b.and_then(|b| b.maxrss_kb)
            .map_or_else(|| "-".to_string(), |k| format!("{:.1}", k / 1024.0))
    };
    let user = |b: Option<Best>| {
        b.and_then(|b| b.user)
            .map_or_else(|| "-".to_string(), |u| format!("{u:.2}"))
    };
    println!(
        "\nnf_tables, best of {reps} (nft -f: of {}), {rows} rules, {elems} elements:",
        reps.min(2)
    );
    println!(
        "{:<28} {:>22} {:>22} {:>22} {:>7} {:>8} | {:>6} {:>6} {:>6} | {:>6} {:>6} {:>6}",
        "operation",
        "ours",
        "C (libnftnl)",
        "nft",
        "ours/C",
        "ours/nft",
        "user s",
        "C",
        "nft",
        "MiB",
        "C",
        "nft"
    );
    let ops = [
        ("tx-rules", format!("add {rows} rules (1 tx)")),
        ("tx-elems", format!("add {elems} elements (1 tx)")),
        ("tx-intervals", format!("add {elems} interval elems")),
        ("dump-rules", format!("dump {rows} rules")),
        ("dump-elems", format!("dump {elems} elements")),
        ("list-json", format!("list {rows} rules -j")),
        ("list-text", format!("list {rows} rules (text)")),
        ("apply-json", format!("apply {rows} rules -j -f")),
    ];
    for (op, label) in ops {
        let (o, c, n) = (get(op, "ours"), get(op, "c"), get(op, "nft"));
        println!(
            "{label:<28} {:>22} {:>22} {:>22} {:>7} {:>8} | {:>6} {:>6} {:>6} | {:>6} {:>6} {:>6}",
            cell(o),
            cell(c),
            cell(n),
            ratio(o, c),
            ratio(o, n),
            user(o),
            user(c),
            user(n),
            mem(o),
            mem(c),
            mem(n),
        );
    }
    for op in ["tx-elems", "tx-intervals"] {
        if let Some(b) = get(op, "ours-one") {
            println!(
                "{op}: ours from a Vec of all the Element values made first, one run: \
                 {:.3} s, {:.0}/s, {} MiB",
                b.secs,
                rate(b),
                mem(Some(b))
            );
        }
    }
    for op in ["dump-rules", "dump-elems"] {
        if let Some(Best {
            maxrss_kb: Some(m),
            base_kb: Some(b),
            ..
        }) = get(op, "ours")
        {
            println!(
                "{op}: ours peaks at {:.1} MiB, {:.1} MiB above its start ({:.1} MiB)",
                m / 1024.0,
                (m - b) / 1024.0,
                b / 1024.0
            );
        }
    }
    println!(
        "rates are objects per second; times cover building or decoding the values and the \
         kernel's work (nft -f: the whole process); user s = user-space CPU seconds of that run (the rest is \
         the kernel's); MiB = peak RSS.\n\
         list/apply rows: the mixed ruleset of `list_ruleset`, ours = the nftlist process \
         (-j; text; -f of nft's -j listing), nft = `nft -j list ruleset`, `nft list ruleset`, \
         `nft -j -f`.\n\
         targets: dumps ours/C >= 1.0; transactions ours/C >= 1.0 and ours/nft >= 5; \
         listing ours/nft >= 5; applying JSON ours/nft >= 3"
    );
}
