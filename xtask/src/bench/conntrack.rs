//! `cargo xtask bench conntrack`: conntrack dump speed side by side, in a throwaway
//! network namespace.
//!
//! Creates 100,000 flows (batched ctnetlink creates; the first 1,000 get mark 1), then
//! times, best of `--reps` runs (default 5):
//! - a full dump decoded into `nfnl_conntrack::Flow` (callback and iterator),
//! - a raw dump that only counts messages (the ceiling),
//! - `conntrack -L > /dev/null`,
//! - a minimal C dump on libnetfilter_conntrack (`nfconntrack/benches/c/ct_dump.c`,
//!   built with `cc` when `libnetfilter_conntrack.h` is installed),
//!
//! each with its peak memory (VmHWM / `getrusage` maxrss / `time -f %M`), and finally a
//! filtered delete of the 1,000 marked flows (kernel-filtered flush, then the dump +
//! batched-delete fallback on a re-created set). Arguments: `[--flows N] [--reps N]`.

use std::ffi::OsStr;

/// Runs the conntrack benchmark with the arguments after `--`.
///
/// # Errors
///
/// A failed build or a failed benchmark script.
pub fn run(args: &[String]) -> crate::Result<()> {
    let mut flows = 100_000u32;
    let mut reps = 5u32;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let v = it.next().and_then(|v| v.parse().ok());
        match (a.as_str(), v) {
            ("--flows", Some(n)) => flows = n,
            ("--reps", Some(n)) => reps = n,
            _ => {
                return Err(format!(
                    "usage: cargo xtask bench conntrack -- [--flows N] [--reps N] (got {a})"
                )
                .into())
            }
        }
    }
    crate::step("build the conntrack bench helper (release)");
    let st = crate::cargo()
        .args([
            "build",
            "--release",
            "-p",
            "nfnl-conntrack",
            "--example",
            "ct_bench",
        ])
        .status()
        .map_err(|e| format!("cargo: {e}"))?;
    if !st.success() {
        return Err("building ct_bench failed".into());
    }
    let target = crate::target_dir();
    let bench = target.join("release/examples/ct_bench");
    let c_src = crate::workspace_root().join("nfconntrack/benches/c/ct_dump.c");
    let c_bin = target.join("release/ct_dump_lnfct");
    let have_lnfct =
        std::path::Path::new("/usr/include/libnetfilter_conntrack/libnetfilter_conntrack.h")
            .exists();
    let c_arg = if have_lnfct {
        crate::step("build the libnetfilter_conntrack C dump");
        if super::cc(&c_bin, &c_src, &["-lnetfilter_conntrack"]) {
            c_bin.clone().into_os_string()
        } else {
            println!("(cc failed: skipping the C comparison)");
            "".into()
        }
    } else {
        println!("(libnetfilter-conntrack-dev not installed: skipping the C comparison)");
        "".into()
    };
    crate::step(&format!(
        "conntrack dump benchmark: {flows} flows, best of {reps}"
    ));
    let script = r#"
B="$1"; C="$2"; N="$3"; R="$4"
"$B" create "$N"
"$B" count
best() { # best (lowest secs) line of R runs of "$@"
    i=0; out=""
    while [ "$i" -lt "$R" ]; do
        line=$("$@" 2>&1 | tail -1)
        s=$(echo "$line" | sed -n 's/.*secs=\([0-9.]*\).*/\1/p')
        if [ -z "$out" ] || [ "$(echo "$s < $bs" | awk '{print ($1 < $3)}')" = 1 ]; then out="$line"; bs="$s"; fi
        i=$((i+1))
    done
    echo "$out"
}
cli() { /usr/bin/time -f "conntrack -L     count=$N secs=%e maxrss_kb=%M" conntrack -L >/dev/null 2>/tmp/ct_cli.$$; tail -1 /tmp/ct_cli.$$; }
best "$B" raw
best "$B" dump
best "$B" iter
if [ -n "$C" ]; then best "$C"; fi
if [ -x /usr/bin/time ]; then best cli; else echo "(no /usr/bin/time: conntrack -L not measured)"; fi
"$B" delete-filter
"$B" count
"$B" create 1000 >/dev/null 2>&1 || true
echo "(re-created the 1000 marked flows; the fallback path:)"
"$B" delete-fallback
"$B" count
"#;
    let n = flows.to_string();
    let r = reps.to_string();
    let status = crate::netns::run_script(
        script,
        &[
            bench.as_os_str(),
            c_arg.as_os_str(),
            OsStr::new(&n),
            OsStr::new(&r),
        ],
    )?;
    if !status.success() {
        return Err(format!("conntrack benchmark script failed: {status}").into());
    }
    Ok(())
}
