//! `cargo xtask demo`: see a packet queue and the conntrack table at work, in a throwaway
//! network namespace, without touching the host's firewall.
//!
//! It builds the `examples` crate, then runs [`SCRIPT`] with [`crate::netns::run_script`]:
//! ICMP leaving the namespace is queued to NFQUEUE 1, the example `nfqueue` listener prints and
//! accepts each packet, and afterwards the example `ctlist` lists the conntrack table next to
//! the `conntrack -L` tool's view.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::path::PathBuf;

use crate::json;

/// The example binaries the demo runs (from `examples/src/bin/`).
const BINARIES: &[&str] = &["nfqueue", "ctlist"];

/// The demo. `$1` is the `nfqueue` example (empty if missing), `$2` the `ctlist` example.
/// `lo` is already up and `set -eu` is in effect (see [`crate::netns::run_script`]).
pub const SCRIPT: &str = r#"
nfq="$1"; ctlist="$2"; rc=0
if [ -t 1 ]; then bold='\033[1m'; plain='\033[0m'; else bold=''; plain=''; fi
say() { printf "\n${bold}== %s${plain}\n" "$*"; }
note() { printf '   %s\n' "$@"; }

say "1. A throwaway network namespace"
note "Only 'lo' exists here. Whatever happens now vanishes when the demo exits;" \
     "your own firewall and connection table are not touched."
ip -brief address show lo

say "2. Firewall rules in this namespace (iptables -S)"
iptables -A INPUT -m conntrack --ctstate NEW,ESTABLISHED -j ACCEPT
note "The conntrack rule makes the kernel track connections in this namespace."
if [ -n "$nfq" ]; then
    iptables -A OUTPUT -p icmp -j NFQUEUE --queue-num 1
    note "The NFQUEUE rule hands every outgoing ICMP packet to queue 1 in user space."
fi
iptables -S

listener=""
if [ -n "$nfq" ]; then
    say "3. The queue listener: examples/src/bin/nfqueue.rs (nfqueue 1 --count 6)"
    note "It binds queue 1, prints each packet and accepts it, and exits after 6 packets" \
         "(3 echo requests + 3 echo replies: on lo both leave through OUTPUT)."
    "$nfq" 1 --count 6 &
    listener=$!
    # Ready once queue 1 shows up in /proc (fields: queue_num peer_portid ...). As an
    # ordinary user that file belongs to the host's root (mode 0440) and cannot be read even
    # inside our namespace; then wait for the listener's netfilter netlink socket instead
    # (protocol 12 with a port id in /proc/self/net/netlink) and give it a moment to bind.
    queues=/proc/self/net/netfilter/nfnetlink_queue
    queue_ready() {
        if [ -e "$queues" ] && ! cat "$queues" >/dev/null 2>&1; then
            awk 'NR > 1 && $2 == 12 && $3 != 0 { found = 1 } END { exit !found }' \
                /proc/self/net/netlink && sleep 0.5
        else
            awk '$1 == 1 { found = 1 } END { exit !found }' "$queues" 2>/dev/null
        fi
    }
    i=0
    until queue_ready; do
        if ! kill -0 "$listener" 2>/dev/null; then
            echo "!! the nfqueue example exited before binding queue 1" >&2; exit 1
        fi
        i=$((i + 1))
        if [ "$i" -ge 100 ]; then
            echo "!! queue 1 did not appear within 10 s" >&2; kill "$listener"; exit 1
        fi
        sleep 0.1
    done
    if cat "$queues" >/dev/null 2>&1; then
        note "queue 1 is bound ($queues):"
        sed 's/^/   /' "$queues"
    else
        note "the listener's netlink socket is open ($queues is readable by real root only)"
    fi
else
    say "3. (skipped) the nfqueue example is missing, so no packet is queued"
fi

if [ -n "$listener" ]; then
    say "4. ping -c 3 127.0.0.1: each packet waits in queue 1 until the listener accepts it"
else
    say "4. ping -c 3 127.0.0.1"
fi
ping -c 3 -i 0.2 -W 2 127.0.0.1

if [ -n "$listener" ]; then
    i=0
    while kill -0 "$listener" 2>/dev/null; do
        i=$((i + 1))
        if [ "$i" -ge 100 ]; then
            echo "!! the nfqueue example did not exit within 10 s; stopping it" >&2
            kill "$listener"; exit 1
        fi
        sleep 0.1
    done
    status=0; wait "$listener" || status=$?
    if [ "$status" -ne 0 ]; then
        echo "!! the nfqueue example exited with status $status" >&2; exit 1
    fi
    note "the listener saw its 6 packets and exited."
fi

if [ -n "$ctlist" ]; then
    say "5. The conntrack table, read by examples/src/bin/ctlist.rs"
    note "One ICMP flow: 127.0.0.1 -> 127.0.0.1, created by the ping above."
    "$ctlist" || { echo "!! the ctlist example failed" >&2; rc=1; }
else
    say "5. (skipped) the ctlist example is missing"
fi

say "6. The same table according to the conntrack tool (conntrack -L), for comparison"
conntrack -L
exit "$rc"
"#;

/// Runs `cargo xtask demo`; `Ok(false)` if the demo could not complete.
///
/// # Errors
///
/// Missing tools, namespaces unavailable, or cargo/unshare not startable.
pub fn run(args: &[String]) -> crate::Result<bool> {
    if let Some(arg) = args.first() {
        return Err(format!("`cargo xtask demo` takes no arguments (got `{arg}`)").into());
    }
    crate::tools::check_required()?;
    crate::netns::check_available()?;
    crate::step("building the examples: cargo build -p examples --bins");
    let Some(stdout) = crate::cargo_build_json(&["build", "-p", "examples", "--bins"])? else {
        return Err("building the examples failed (see the errors above)".into());
    };
    let bins = example_binaries(&stdout);
    let mut paths = Vec::new();
    let mut missing = Vec::new();
    for name in BINARIES {
        match bins.get(*name) {
            Some(path) => paths.push(path.clone().into_os_string()),
            None => {
                missing.push(*name);
                paths.push(Default::default());
            }
        }
    }
    for name in &missing {
        eprintln!(
            "!! the example binary `{name}` does not exist yet (expected examples/src/bin/{name}.rs); \
             the demo runs without it"
        );
    }
    let how = if crate::netns::is_root() {
        "unshare --net"
    } else {
        "unshare --user --map-root-user --net"
    };
    crate::step(&format!(
        "running the demo in a throwaway network namespace ({how})"
    ));
    let args: Vec<&OsStr> = paths.iter().map(|p| p.as_os_str()).collect();
    let status = crate::netns::run_script(SCRIPT, &args)?;
    if !status.success() {
        eprintln!("\n!! the demo failed ({status})");
        return Ok(false);
    }
    if !missing.is_empty() {
        eprintln!(
            "\n!! demo incomplete: missing example binaries: {}",
            missing.join(", ")
        );
        return Ok(false);
    }
    println!("\nDone. The namespace is gone, and with it the rules, the queue and the flows.");
    Ok(true)
}

/// The `bin` targets of the `examples` package, by name, from cargo's JSON messages.
fn example_binaries(stdout: &str) -> BTreeMap<String, PathBuf> {
    let mut out = BTreeMap::new();
    for line in stdout.lines().filter(|l| l.starts_with('{')) {
        let Ok(msg) = json::parse(line) else { continue };
        let is_bin = crate::artifact_is(&msg, "bin");
        let in_examples = msg
            .str_at(&["manifest_path"])
            .is_some_and(|m| m.ends_with("/examples/Cargo.toml"));
        if let (true, true, Some(name), Some(exe)) = (
            is_bin,
            in_examples,
            msg.str_at(&["target", "name"]),
            msg.str_at(&["executable"]),
        ) {
            out.insert(name.to_string(), PathBuf::from(exe));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_example_binaries() {
        let text = r#"{"reason":"compiler-artifact","manifest_path":"/w/examples/Cargo.toml","target":{"kind":["bin"],"name":"ctlist"},"executable":"/w/target/debug/ctlist"}
{"reason":"compiler-artifact","manifest_path":"/w/nfqueue/Cargo.toml","target":{"kind":["lib"],"name":"nfqueue"},"executable":null}"#;
        let bins = example_binaries(text);
        assert_eq!(bins.len(), 1);
        assert_eq!(bins["ctlist"], PathBuf::from("/w/target/debug/ctlist"));
    }
}
