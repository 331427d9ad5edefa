//! Namespace tests for nfacct against the real kernel, with the `nfacct`
//! tool as the oracle: objects created here are what the tool lists and the
//! other way round, `iptables -m nfacct` counts pings into an object,
//! resets are atomic, a quota notifies exactly once, and refusals name the
//! object.
//!
//! Run them with `cargo xtask test -- nfacct` (or as root: `cargo test -p
//! nfnl-acct --test netns_acct -- --ignored --test-threads=2`).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use nfnl::testutil::netns as support;
use nfnl_acct::{ErrorExt as _, Receive as _};

use std::ops::ControlFlow;
use std::time::Duration;

use nix::errno::Errno;

use nfnl_acct::{Acct, AcctFlags, Error, Filter, NewObject, Object, Quota, QuotaListener};

/// The deadline for anything that should happen.
const T: Duration = Duration::from_secs(5);
/// How long to wait for something that should not happen.
const SHORT: Duration = Duration::from_millis(400);
/// An ICMP echo request from `ping -c N 127.0.0.1`: 20 (IP) + 8 (ICMP) + 56
/// bytes of data.
const PING_LEN: u64 = 84;

/// One line of `nfacct list`, as the tool prints it.
#[derive(Debug, PartialEq, Eq)]
struct ToolObject {
    name: String,
    packets: u64,
    bytes: u64,
    /// `(quota, mode, overquota)`.
    quota: Option<(u64, String, bool)>,
}

/// Parses the tool's plain output:
/// `{ pkts = N, bytes = N[, quota = N, mode = byte|packet, overquota = yes|no] } = NAME;`.
fn parse_tool(out: &str) -> Vec<ToolObject> {
    out.lines()
        .map(|line| {
            let (fields, name) = line
                .strip_prefix("{ ")
                .and_then(|l| l.split_once(" } = "))
                .unwrap_or_else(|| panic!("unexpected nfacct line {line:?}"));
            let name = name.strip_suffix(';').unwrap().to_string();
            let kv: Vec<(&str, &str)> = fields
                .split(", ")
                .map(|f| f.split_once(" = ").unwrap())
                .collect();
            let get = |k: &str| kv.iter().find(|(key, _)| *key == k).map(|(_, v)| *v);
            let num = |k: &str| get(k).map(|v| v.parse::<u64>().unwrap());
            ToolObject {
                name,
                packets: num("pkts").unwrap(),
                bytes: num("bytes").unwrap(),
                quota: num("quota").map(|q| {
                    (
                        q,
                        get("mode").unwrap().to_string(),
                        get("overquota").unwrap() == "yes",
                    )
                }),
            }
        })
        .collect()
}

/// What the tool would print for `o`, parsed.
fn as_tool(o: &Object) -> ToolObject {
    ToolObject {
        name: o.name().to_string(),
        packets: o.packets(),
        bytes: o.bytes(),
        quota: o.quota().map(|q| {
            let mode = match q {
                Quota::Packets(_) => "packet",
                Quota::Bytes(_) => "byte",
            };
            (q.limit(), mode.to_string(), o.is_over_quota())
        }),
    }
}

fn dump(acct: &mut Acct, filter: &Filter) -> Vec<Object> {
    let mut out = Vec::new();
    acct.dump(filter, |o| {
        out.push(o);
        ControlFlow::Continue(())
    })
    .unwrap();
    out
}

fn tool_list() -> Vec<ToolObject> {
    parse_tool(&support::sh("nfacct list"))
}

/// An accounting handle, or `None` (with a skip of `test`) when the
/// `nfacct` tool is missing or this kernel has no `nfnetlink_acct` (its
/// absent subsystem answers `EINVAL`).
fn open(test: &str) -> Option<Acct> {
    if !support::command("nfacct")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success())
    {
        support::skip(
            test,
            "the nfacct tool is not installed (apt-get install nfacct)",
        );
        return None;
    }
    let mut acct = Acct::open().unwrap();
    match acct.dump(&Filter::all(), |_| ControlFlow::Continue(())) {
        Ok(()) => Some(acct),
        Err(e) if matches!(e.errno(), Some(Errno::EOPNOTSUPP | Errno::EINVAL)) => {
            support::skip(test, &format!("no nfnetlink_acct in this kernel: {e}"));
            None
        }
        Err(e) => panic!("dump: {e}"),
    }
}

/// `ping -c count` to 127.0.0.1; returns how many echo requests ping says
/// it sent.
fn ping(count: u32) -> u64 {
    let out = support::sh(&format!("ping -n -q -c {count} -i 0.01 -W 1 127.0.0.1"));
    let sent = out
        .lines()
        .find_map(|l| l.split_once(" packets transmitted"))
        .map(|(n, _)| n.trim().parse::<u64>().unwrap())
        .unwrap_or_else(|| panic!("no summary in ping output:\n{out}"));
    assert_eq!(sent, u64::from(count));
    sent
}

/// Counts the echo requests this namespace sends into object `name`.
fn count_pings_into(name: &str) {
    support::iptables(&format!(
        "-A OUTPUT -p icmp --icmp-type echo-request -m nfacct --nfacct-name {name}"
    ));
}

#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn nfacct_01_objects_agree_with_the_tool_both_ways() {
    let _ns = support::netns();
    let Some(mut acct) = open("nfacct_01_objects_agree_with_the_tool_both_ways") else {
        return;
    };
    // Ours, listed by the tool.
    acct.create(&NewObject::new("plain").unwrap()).unwrap();
    acct.create(&NewObject::new("bytes-q").unwrap().quota(Quota::Bytes(1500)))
        .unwrap();
    acct.create(
        &NewObject::new("pkts-q")
            .unwrap()
            .quota(Quota::Packets(7))
            .counters(3, 300),
    )
    .unwrap();
    let max = "n".repeat(nfnl_acct::NAME_MAX);
    acct.create(
        &NewObject::new(&max)
            .unwrap()
            .counters(u64::MAX, u64::MAX - 1),
    )
    .unwrap();
    let ours = dump(&mut acct, &Filter::all());
    assert_eq!(ours.len(), 4);
    assert_eq!(ours.iter().map(as_tool).collect::<Vec<_>>(), tool_list());
    let p = &ours[2];
    assert_eq!(
        (
            p.name().as_str(),
            p.packets(),
            p.bytes(),
            p.quota(),
            p.use_count()
        ),
        (Some("pkts-q"), 3, 300, Some(Quota::Packets(7)), 1)
    );
    assert_eq!(p.flags(), AcctFlags::QUOTA_PKTS);
    assert_eq!(ours[0].flags(), AcctFlags::empty());
    assert_eq!(ours[0].quota(), None);

    // The tool's, read by us (get and dump).
    support::sh(
        "nfacct flush && nfacct add t1 && nfacct add t2 byte 100 && nfacct add t3 packet 5",
    );
    let theirs = tool_list();
    assert_eq!(theirs.len(), 3);
    let ours = dump(&mut acct, &Filter::all());
    assert_eq!(ours.iter().map(as_tool).collect::<Vec<_>>(), theirs);
    let t2 = acct.get("t2").unwrap();
    assert_eq!(
        (t2.quota(), t2.is_over_quota()),
        (Some(Quota::Bytes(100)), false)
    );
    assert_eq!(acct.get("t3").unwrap().quota(), Some(Quota::Packets(5)));
}

#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn nfacct_02_iptables_counts_pings_and_reset_is_atomic() {
    let _ns = support::netns();
    let Some(mut acct) = open("nfacct_02_iptables_counts_pings_and_reset_is_atomic") else {
        return;
    };
    acct.create(&NewObject::new("pings").unwrap()).unwrap();
    count_pings_into("pings");
    let sent = ping(4);
    let o = acct.get("pings").unwrap();
    assert_eq!((o.packets(), o.bytes()), (sent, sent * PING_LEN));
    assert_eq!(o.use_count(), 2, "the object and the rule");
    assert!(o.in_use());
    assert_eq!(tool_list(), vec![as_tool(&o)]);

    // get_and_reset returns what it zeroed; the tool then sees zeros.
    let before = acct.get_and_reset("pings").unwrap();
    assert_eq!((before.packets(), before.bytes()), (sent, sent * PING_LEN));
    let after = acct.get("pings").unwrap();
    assert_eq!((after.packets(), after.bytes()), (0, 0));
    assert_eq!(tool_list()[0].packets, 0);

    // dump_and_reset likewise, and the tool's `list reset` agrees with us.
    let sent = ping(2);
    let mut seen = Vec::new();
    acct.dump_and_reset(&Filter::all(), |o| {
        seen.push((o.packets(), o.bytes()));
        ControlFlow::Continue(())
    })
    .unwrap();
    assert_eq!(seen, vec![(sent, sent * PING_LEN)]);
    let sent = ping(3);
    let listed = parse_tool(&support::sh("nfacct list reset"));
    assert_eq!(
        (listed[0].packets, listed[0].bytes),
        (sent, sent * PING_LEN)
    );
    let o = acct.get("pings").unwrap();
    assert_eq!((o.packets(), o.bytes()), (0, 0));
}

#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn nfacct_03_refusals_name_the_object_and_flush_keeps_used_ones() {
    let _ns = support::netns();
    let Some(mut acct) = open("nfacct_03_refusals_name_the_object_and_flush_keeps_used_ones")
    else {
        return;
    };
    acct.create(&NewObject::new("used").unwrap()).unwrap();
    acct.create(&NewObject::new("free1").unwrap()).unwrap();
    acct.create(&NewObject::new("free2").unwrap()).unwrap();
    count_pings_into("used");

    let e = acct.delete("used").unwrap_err();
    assert!(
        matches!(e, Error::InUse { ref name, .. } if name == "used"),
        "{e:?}"
    );
    assert!(
        e.to_string().starts_with("delete nfacct \"used\": in use"),
        "{e}"
    );
    assert_eq!(e.errno(), Some(nix::errno::Errno::EBUSY));

    let e = acct.delete("nope").unwrap_err();
    assert!(
        matches!(e, Error::NotFound { op: "delete", ref name, .. } if name == "nope"),
        "{e:?}"
    );
    let e = acct.get("nope").unwrap_err();
    assert!(matches!(e, Error::NotFound { op: "get", .. }), "{e:?}");
    assert!(e.to_string().contains("\"nope\""), "{e}");

    // A second create is refused and changes nothing.
    ping(2);
    let e = acct
        .create(&NewObject::new("used").unwrap().quota(Quota::Packets(1)))
        .unwrap_err();
    assert!(
        matches!(e, Error::Exists { ref name, .. } if name == "used"),
        "{e:?}"
    );
    let o = acct.get("used").unwrap();
    assert_eq!((o.packets(), o.quota()), (2, None));

    // Names the kernel would refuse are refused before sending.
    for bad in ["", "x\0y", &"n".repeat(32)] {
        let e = NewObject::new(bad).unwrap_err();
        assert!(matches!(e, Error::InvalidName { .. }), "{bad:?}: {e:?}");
        assert!(matches!(acct.delete(bad), Err(Error::InvalidName { .. })));
    }

    // delete_unused (the tool's flush) keeps the object the rule uses.
    acct.delete_unused().unwrap();
    let names: Vec<String> = dump(&mut acct, &Filter::all())
        .iter()
        .map(|o| o.name().to_string())
        .collect();
    assert_eq!(names, ["used"]);
    // Once the rule is gone, it can be deleted.
    support::iptables("-F OUTPUT");
    acct.delete("used").unwrap();
    assert!(tool_list().is_empty());
}

#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn nfacct_04_a_quota_notifies_exactly_once_until_reset() {
    let _ns = support::netns();
    let Some(mut acct) = open("nfacct_04_a_quota_notifies_exactly_once_until_reset") else {
        return;
    };
    let mut quotas = QuotaListener::open().unwrap();
    acct.create(&NewObject::new("q").unwrap().quota(Quota::Packets(3)))
        .unwrap();
    acct.create(
        &NewObject::new("other")
            .unwrap()
            .quota(Quota::Bytes(1 << 40)),
    )
    .unwrap();
    count_pings_into("q");
    count_pings_into("other");
    ping(2);
    assert!(
        quotas.recv_timeout(SHORT).unwrap_err().is_timeout(),
        "no notification below the quota"
    );
    assert!(dump(&mut acct, &Filter::over_quota()).is_empty());
    ping(5);
    let n = quotas.recv_timeout(T).unwrap();
    assert_eq!(n.name().as_str(), Some("q"));
    assert!(n.is_over_quota());
    assert_eq!(n.quota(), Some(Quota::Packets(3)));
    assert_eq!(n.packets(), 3, "sent when the counter reached the quota");
    assert!(quotas.try_recv().unwrap_err().is_would_block());
    assert!(
        quotas.recv_timeout(SHORT).unwrap_err().is_timeout(),
        "exactly one notification"
    );
    // The kernel's filter: only the object over its quota.
    let over = dump(&mut acct, &Filter::over_quota());
    assert_eq!(over.len(), 1);
    assert_eq!(over[0].name().as_str(), Some("q"));
    assert_eq!(over[0].packets(), 7);
    let tool = tool_list();
    assert_eq!(tool[0].quota, Some((3, "packet".into(), true)));
    // Filtered on the quota mode.
    let by_bytes = dump(
        &mut acct,
        &Filter::flags(AcctFlags::QUOTA_BYTES, AcctFlags::QUOTA_BYTES),
    );
    assert_eq!(by_bytes.len(), 1);
    assert_eq!(by_bytes[0].name().as_str(), Some("other"));

    // The kernel applies the filter: a filtered dump-and-reset zeroes only
    // the objects it selects (were the filter not sent, the kernel would
    // zero them all and only this side would skip them).
    let mut reset = Vec::new();
    acct.dump_and_reset(&Filter::over_quota(), |o| {
        reset.push(o.name().to_string());
        ControlFlow::Continue(())
    })
    .unwrap();
    assert_eq!(reset, ["q"]);
    assert_eq!(
        acct.get("other").unwrap().packets(),
        7,
        "not selected, not zeroed"
    );
    assert_eq!(acct.get("q").unwrap().packets(), 0);
    ping(4);
    let n = quotas.recv_timeout(T).unwrap();
    assert_eq!((n.name().as_str(), n.packets()), (Some("q"), 3));

    // A reset clears the flag (the result shows it as it was) and re-arms.
    let was = acct.get_and_reset("q").unwrap();
    assert!(was.is_over_quota());
    assert!(!acct.get("q").unwrap().is_over_quota());
    ping(3);
    let again = quotas.recv_timeout(T).unwrap();
    assert_eq!((again.name().as_str(), again.packets()), (Some("q"), 3));
    assert!(quotas.recv_timeout(SHORT).unwrap_err().is_timeout());
}

#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn nfacct_05_a_large_dump_equals_the_tools_listing() {
    let _ns = support::netns();
    let Some(mut acct) = open("nfacct_05_a_large_dump_equals_the_tools_listing") else {
        return;
    };
    for i in 0..1500u64 {
        let o = NewObject::new(&format!("obj{i}"))
            .unwrap()
            .counters(i, i * 100);
        let o = if i % 3 == 0 {
            o.quota(Quota::Bytes(i))
        } else {
            o
        };
        acct.create(&o).unwrap();
    }
    let ours = dump(&mut acct, &Filter::all());
    assert_eq!(ours.len(), 1500);
    assert_eq!(ours.iter().map(as_tool).collect::<Vec<_>>(), tool_list());
    // Breaking early leaves the connection usable.
    let mut n = 0;
    acct.dump(&Filter::all(), |_| {
        n += 1;
        if n == 10 {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    })
    .unwrap();
    assert_eq!(n, 10);
    assert_eq!(acct.get("obj1499").unwrap().bytes(), 149_900);
}
