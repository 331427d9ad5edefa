//! Namespace tests for the timeout policies against the real kernel, with
//! the `nfct` tool (libnetfilter_cttimeout) and `conntrack` as oracles:
//! policies created here are what `nfct list timeout` lists and the other
//! way round, a policy attached with `iptables -t raw … -j CT --timeout`
//! gives new flows its timeouts, the defaults set here are what `nfct
//! default-get` reports and what new flows get, and every refusal names
//! its policy.
//!
//! Run them with `cargo xtask test -- cttimeout` (or as root: `cargo test
//! -p nfnl-cttimeout --test netns_cttimeout -- --ignored`).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use nfnl::testutil::netns as support;
use nfnl_cttimeout::ErrorExt as _;

use nfnl_cttimeout::{
    CtTimeout, Error, IpProto, Policy, ProtoFamily, ReplyTimeouts, SctpTimeouts, SingleTimeout,
    TcpTimeouts, TimeoutError, Timeouts, GENERIC, MAX_TIMEOUT_SECS,
};

/// A policy as `nfct` prints it: name (empty for defaults), l3, l4, and
/// the states in printed order.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Printed {
    name: String,
    l3: u8,
    l4: u8,
    states: Vec<(String, u32)>,
}

/// Parses the output of `nfct list timeout`, `get timeout` or `default-get
/// timeout` (which has no name line).
fn parse_nfct(out: &str) -> Vec<Printed> {
    let mut all = Vec::new();
    let mut cur: Option<Printed> = None;
    for line in out.lines() {
        let t = line.trim();
        if let Some(name) = t.strip_prefix('.').and_then(|r| r.strip_suffix(" = {")) {
            if name != "policy" {
                cur = Some(Printed {
                    name: name.to_owned(),
                    l3: 0,
                    l4: 0,
                    states: Vec::new(),
                });
            }
            continue;
        }
        if t == "};" {
            all.extend(cur.take());
            continue;
        }
        let Some((k, v)) = t
            .strip_prefix('.')
            .and_then(|r| r.strip_suffix(','))
            .and_then(|r| r.split_once(" = "))
        else {
            continue;
        };
        let p = cur.get_or_insert_with(|| Printed {
            name: String::new(),
            l3: 0,
            l4: 0,
            states: Vec::new(),
        });
        let v: u32 = v
            .parse()
            .unwrap_or_else(|_| panic!("bad value in {line:?}"));
        match k {
            "l3proto" => p.l3 = u8::try_from(v).unwrap(),
            "l4proto" => p.l4 = u8::try_from(v).unwrap(),
            k => p.states.push((k.to_owned(), v)),
        }
    }
    all
}

/// What `nfct` prints for a policy read with this crate: the states it
/// knows (not SCTP's heartbeat states), upper-case, in attribute order.
fn printed(name: &str, family: ProtoFamily, t: &Timeouts) -> Printed {
    Printed {
        name: name.to_owned(),
        l3: u8::from(family),
        l4: t.proto().0,
        states: t
            .iter()
            .filter(|(s, _)| !(matches!(t, Timeouts::Sctp(_)) && s.name.starts_with("heartbeat")))
            .filter_map(|(s, v)| v.map(|v| (s.name.to_ascii_uppercase(), v)))
            .collect(),
    }
}

/// The timeout column of the one flow `conntrack -L ARGS` lists.
fn flow_timeout(args: &str) -> u32 {
    let out = support::sh(&format!("conntrack -L {args} 2>/dev/null"));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 1, "one flow for `conntrack -L {args}`:\n{out}");
    let fields: Vec<&str> = lines[0].split_whitespace().collect();
    // `udp 17 TIMEOUT src=...`, `ipv6 10 udp 17 TIMEOUT ...` with -f ipv6 -o extended; plain -L
    // prints the first form for both families.
    fields[2]
        .parse()
        .unwrap_or_else(|_| panic!("timeout column of {:?}", lines[0]))
}

/// Opens a handle, or records a skip if the kernel has no
/// `nfnetlink_cttimeout` (the request is refused as unsupported).
fn open(test: &str) -> Option<CtTimeout> {
    let mut ct = CtTimeout::open().unwrap();
    match ct.dump() {
        Ok(_) => Some(ct),
        Err(e)
            if matches!(
                e.errno(),
                Some(nfnl_cttimeout::Errno::EOPNOTSUPP | nfnl_cttimeout::Errno::ENOENT)
            ) =>
        {
            support::skip(test, &format!("kernel without nfnetlink_cttimeout ({e})"));
            None
        }
        Err(e) => panic!("dump: {e}"),
    }
}

/// One policy of every protocol the kernel tracks, with values unlike
/// the defaults.
fn every_protocol() -> Vec<Policy> {
    let tcp = TcpTimeouts {
        syn_sent: Some(11),
        established: Some(1234),
        close: Some(3),
        unacknowledged: Some(77),
        ..TcpTimeouts::default()
    };
    let reply = ReplyTimeouts {
        unreplied: Some(21),
        replied: Some(42),
    };
    let one = SingleTimeout { timeout: Some(9) };
    let sctp = SctpTimeouts {
        closed: Some(5),
        established: Some(500),
        heartbeat_sent: Some(31),
        ..SctpTimeouts::default()
    };
    vec![
        Policy::new("p-tcp", ProtoFamily::Ipv4, Timeouts::Tcp(tcp)),
        Policy::new("p-udp6", ProtoFamily::Ipv6, Timeouts::Udp(reply)),
        Policy::new("p-udplite", ProtoFamily::Ipv4, Timeouts::UdpLite(reply)),
        Policy::new("p-icmp", ProtoFamily::Ipv4, Timeouts::Icmp(one)),
        Policy::new("p-icmpv6", ProtoFamily::Ipv6, Timeouts::Icmpv6(one)),
        Policy::new("p-gre", ProtoFamily::Ipv4, Timeouts::Gre(reply)),
        Policy::new("p-sctp", ProtoFamily::Ipv6, Timeouts::Sctp(sctp)),
        Policy::new("p-generic", ProtoFamily::Ipv4, Timeouts::Generic(one)),
    ]
}

/// Every state the policy sets has that value in `got`; the others have
/// the namespace's default of `defaults`.
fn assert_set_or_default(want: &Policy, got: &Policy, defaults: &Timeouts) {
    assert_eq!((&got.name, got.family), (&want.name, want.family));
    assert_eq!(got.proto(), want.proto());
    for (s, v) in got.timeouts.iter() {
        let expected = want.timeouts.value(s.attr).or(defaults.value(s.attr));
        assert_eq!(v, expected, "{} state {}", want.name, s.name);
    }
}

#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn ours_are_listed_by_nfct_with_every_state() {
    let _ns = support::netns();
    let Some(mut ct) = open("ours_are_listed_by_nfct_with_every_state") else {
        return;
    };
    let policies = every_protocol();
    for p in &policies {
        ct.create(p).unwrap_or_else(|e| panic!("{e}"));
    }
    let dumped = ct.dump().unwrap();
    assert_eq!(dumped.len(), policies.len());
    for (want, got) in policies.iter().zip(&dumped) {
        let defaults = ct.default_get(want.family, want.proto()).unwrap().timeouts;
        assert_set_or_default(want, got, &defaults);
        assert_eq!(got.use_count, Some(1), "{}: no rule refers to it", got.name);
        assert_eq!(&ct.get(&want.name).unwrap(), got);
    }
    // SCTP's heartbeat state travels (the tool does not show it).
    let sctp = dumped.iter().find(|p| p.name == "p-sctp").unwrap();
    assert_eq!(
        sctp.timeouts
            .value(nfnl_sys::CTA_TIMEOUT_SCTP_HEARTBEAT_SENT),
        Some(31)
    );

    let tool = parse_nfct(&support::sh("nfct list timeout"));
    let ours: Vec<Printed> = dumped
        .iter()
        .map(|p| printed(&p.name, p.family, &p.timeouts))
        .collect();
    assert_eq!(tool, ours);
    for p in &dumped {
        let one = parse_nfct(&support::sh(&format!("nfct get timeout {}", p.name)));
        assert_eq!(one, vec![printed(&p.name, p.family, &p.timeouts)]);
    }
}

#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn nfct_policies_read_back_with_every_state() {
    let _ns = support::netns();
    let Some(mut ct) = open("nfct_policies_read_back_with_every_state") else {
        return;
    };
    let cmds = [
        "t4 inet tcp syn_sent 1 syn_recv 2 established 3 fin_wait 4 close_wait 5 last_ack 6 \
         time_wait 7 close 8 syn_sent2 9 retrans 10 unacknowledged 11",
        "u6 inet6 udp unreplied 12 replied 13",
        "ul inet udplite replied 14",
        "i4 inet icmp timeout 15",
        "i6 inet6 icmpv6 timeout 16",
        "g4 inet gre unreplied 17 replied 18",
        "s6 inet6 sctp closed 19 cookie_wait 20 cookie_echoed 21 established 22 shutdown_sent 23 \
         shutdown_recd 24 shutdown_ack_sent 25",
        "x4 inet generic timeout 26",
    ];
    for c in cmds {
        support::sh(&format!("nfct add timeout {c}"));
    }
    let dumped = ct.dump().unwrap();
    let names: Vec<&str> = dumped.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["t4", "u6", "ul", "i4", "i6", "g4", "s6", "x4"]);
    // Each reads back as the arguments given (Display is the `nfct add` form), plus the
    // defaults of the states not given.
    for (c, p) in cmds.iter().zip(&dumped) {
        let mut want = Timeouts::empty(p.proto()).unwrap();
        let words: Vec<&str> = c.split_whitespace().collect();
        for pair in words[3..].chunks(2) {
            want.set(pair[0], pair[1].parse().unwrap()).unwrap();
        }
        let want = Policy::new(words[0], p.family, want);
        let family = if words[1] == "inet" {
            ProtoFamily::Ipv4
        } else {
            ProtoFamily::Ipv6
        };
        assert_eq!(p.family, family);
        let defaults = ct.default_get(p.family, p.proto()).unwrap().timeouts;
        assert_set_or_default(&want, p, &defaults);
    }
    let t4 = ct.get("t4").unwrap();
    assert_eq!(
        t4.to_string(),
        "t4 inet tcp syn_sent 1 syn_recv 2 established 3 fin_wait 4 close_wait 5 last_ack 6 \
         time_wait 7 close 8 syn_sent2 9 retrans 10 unacknowledged 11"
    );
    // What nfct deletes is gone for us too, and the other way round.
    support::sh("nfct delete timeout u6");
    ct.delete("i4").unwrap();
    let left = parse_nfct(&support::sh("nfct list timeout"));
    let left: Vec<&str> = left.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(left, ["t4", "ul", "i6", "g4", "s6", "x4"]);
    assert!(matches!(ct.get("u6"), Err(Error::NotFound { .. })));
}

#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn ct_target_gives_new_flows_the_policy_timeouts() {
    let _ns = support::netns();
    let Some(mut ct) = open("ct_target_gives_new_flows_the_policy_timeouts") else {
        return;
    };
    // Far from the UDP defaults (30 s unreplied), so the column tells which applied.
    let slow = |unreplied| {
        Timeouts::Udp(ReplyTimeouts {
            unreplied: Some(unreplied),
            replied: Some(2000),
        })
    };
    ct.create(&Policy::new("slow4", ProtoFamily::Ipv4, slow(1000)))
        .unwrap();
    ct.create(&Policy::new("slow6", ProtoFamily::Ipv6, slow(1500)))
        .unwrap();
    support::iptables("-t raw -A OUTPUT -p udp --dport 9999 -j CT --timeout slow4");
    support::ip6tables("-t raw -A OUTPUT -p udp --dport 9999 -j CT --timeout slow6");
    assert_eq!(
        ct.get("slow4").unwrap().use_count,
        Some(2),
        "the rule holds it"
    );

    support::udp_send("127.0.0.1:9999", b"a");
    support::udp_send("127.0.0.1:9998", b"b");
    support::udp_send("[::1]:9999", b"c");
    let t = flow_timeout("-f ipv4 -p udp --dport 9999");
    assert!((990..=1000).contains(&t), "policy's 1000 s, got {t}");
    let t = flow_timeout("-f ipv4 -p udp --dport 9998");
    let default = ct
        .default_get(ProtoFamily::Ipv4, IpProto::UDP)
        .unwrap()
        .timeouts
        .value(nfnl_sys::CTA_TIMEOUT_UDP_UNREPLIED)
        .unwrap();
    assert!(
        t <= default && t + 10 >= default,
        "default {default} s, got {t}"
    );
    let t = flow_timeout("-f ipv6 -p udp --dport 9999");
    assert!((1490..=1500).contains(&t), "policy's 1500 s, got {t}");

    // A replace changes the timeouts of what rules already refer to: the next flow gets them.
    ct.replace(&Policy::new("slow4", ProtoFamily::Ipv4, slow(700)))
        .unwrap();
    support::udp_send("127.0.0.1:9999", b"d"); // a new source port: a new flow
    let out = support::sh("conntrack -L -f ipv4 -p udp --dport 9999 2>/dev/null");
    let mut cols: Vec<u32> = out
        .lines()
        .map(|l| l.split_whitespace().nth(2).unwrap().parse().unwrap())
        .collect();
    cols.sort_unstable();
    assert_eq!(cols.len(), 2, "{out}");
    assert!(
        (690..=700).contains(&cols[0]),
        "replaced 700 s, got {cols:?}"
    );
}

#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn delete_of_a_policy_in_use_is_refused_naming_it() {
    let _ns = support::netns();
    let Some(mut ct) = open("delete_of_a_policy_in_use_is_refused_naming_it") else {
        return;
    };
    let one = Timeouts::Icmp(SingleTimeout { timeout: Some(5) });
    ct.create(&Policy::new("busy", ProtoFamily::Ipv4, one.clone()))
        .unwrap();
    ct.create(&Policy::new("idle", ProtoFamily::Ipv4, one))
        .unwrap();
    support::iptables("-t raw -A OUTPUT -p icmp -j CT --timeout busy");

    let e = match ct.delete("busy") {
        Err(e) => e,
        Ok(()) => {
            // The newest kernels unlink the name and let the rule keep its timeouts.
            assert!(ct.get("busy").is_err(), "deleted means gone");
            support::skip(
                "delete_of_a_policy_in_use_is_refused_naming_it",
                "this kernel deletes a policy that a rule uses (the rule keeps its timeouts)",
            );
            return;
        }
    };
    assert!(
        matches!(&e, Error::InUse { name, .. } if name == "busy"),
        "{e:?}"
    );
    assert!(
        e.to_string()
            .starts_with("delete timeout policy \"busy\": in use"),
        "{e}"
    );
    // The tool is refused the same way.
    let (ok, out) = support::sh_status("nfct delete timeout busy");
    assert!(!ok && out.contains("Device or resource busy"), "{out}");

    // Flush deletes what is unused and keeps the rest, without an error.
    ct.flush().unwrap();
    let names: Vec<String> = ct.dump().unwrap().into_iter().map(|p| p.name).collect();
    assert_eq!(names, ["busy"]);

    support::iptables("-t raw -F OUTPUT");
    ct.delete("busy").unwrap();
    let e = ct.get("busy").unwrap_err();
    assert!(
        matches!(&e, Error::NotFound { op: "get", name, .. } if name == "busy"),
        "{e:?}"
    );
    let e = ct.delete("busy").unwrap_err();
    assert_eq!(
        e.to_string(),
        "delete timeout policy \"busy\": no such policy"
    );
    assert!(support::sh("nfct list timeout").is_empty());
}

#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn defaults_set_here_are_what_nfct_reports_and_new_flows_get() {
    let _ns = support::netns();
    let Some(mut ct) = open("defaults_set_here_are_what_nfct_reports_and_new_flows_get") else {
        return;
    };
    let before = ct.default_get(ProtoFamily::Ipv4, IpProto::UDP).unwrap();
    assert_eq!(
        vec![printed("", before.family, &before.timeouts)],
        parse_nfct(&support::sh("nfct default-get timeout inet udp"))
    );

    // Only `unreplied` changes; `replied` keeps its value.
    let mut t = Timeouts::empty(IpProto::UDP).unwrap();
    t.set("unreplied", 800).unwrap();
    ct.default_set(ProtoFamily::Ipv4, &t).unwrap();
    let after = ct.default_get(ProtoFamily::Ipv4, IpProto::UDP).unwrap();
    let Timeouts::Udp(u) = after.timeouts else {
        panic!("{after:?}")
    };
    let Timeouts::Udp(b) = before.timeouts else {
        panic!("{before:?}")
    };
    assert_eq!((u.unreplied, u.replied), (Some(800), b.replied));
    for fam in ["inet", "inet6"] {
        let tool = parse_nfct(&support::sh(&format!("nfct default-get timeout {fam} udp")));
        assert_eq!(tool[0].states[0], ("UNREPLIED".to_owned(), 800), "{fam}");
    }
    // The namespace's sysctl is the same value.
    let sysctl = std::fs::read_to_string("/proc/sys/net/netfilter/nf_conntrack_udp_timeout");
    if let Ok(s) = sysctl {
        assert_eq!(s.trim(), "800");
    }
    // A new flow of either family gets it (a conntrack rule makes the namespace track).
    support::iptables("-A OUTPUT -m conntrack --ctstate NEW -j ACCEPT");
    support::ip6tables("-A OUTPUT -m conntrack --ctstate NEW -j ACCEPT");
    support::udp_send("127.0.0.1:7000", b"x");
    support::udp_send("[::1]:7000", b"x");
    let t4 = flow_timeout("-f ipv4 -p udp --dport 7000");
    let t6 = flow_timeout("-f ipv6 -p udp --dport 7000");
    assert!(
        (790..=800).contains(&t4) && (790..=800).contains(&t6),
        "{t4} {t6}"
    );

    // A policy created now takes the new default for the states it leaves out.
    let p = Policy::new(
        "later",
        ProtoFamily::Ipv4,
        Timeouts::empty(IpProto::UDP).unwrap(),
    );
    ct.create(&p).unwrap();
    let got = ct.get("later").unwrap();
    assert_eq!(
        got.timeouts.value(nfnl_sys::CTA_TIMEOUT_UDP_UNREPLIED),
        Some(800)
    );

    // What the tool sets, we read.
    support::sh("nfct default-set timeout inet tcp established 4321");
    let tcp = ct.default_get(ProtoFamily::Ipv6, IpProto::TCP).unwrap();
    assert_eq!(tcp.family, ProtoFamily::Ipv6);
    assert!(matches!(tcp.timeouts, Timeouts::Tcp(t) if t.established == Some(4321)));
    // Every tracked protocol answers, with every state set.
    for proto in [
        IpProto::TCP,
        IpProto::UDP,
        IpProto::UDPLITE,
        IpProto::ICMP,
        IpProto::ICMPV6,
        IpProto::GRE,
        IpProto::SCTP,
        GENERIC,
    ] {
        let d = ct.default_get(ProtoFamily::Ipv4, proto).unwrap();
        assert_eq!(d.timeouts.proto(), proto);
        assert!(
            d.timeouts
                .iter()
                .all(|(s, v)| v.is_some() || s.name == "heartbeat_acked"),
            "{d:?}"
        );
    }
}

#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn create_replace_and_refusals_are_named() {
    let _ns = support::netns();
    let Some(mut ct) = open("create_replace_and_refusals_are_named") else {
        return;
    };
    let tcp = |established| {
        Timeouts::Tcp(TcpTimeouts {
            established: Some(established),
            close_wait: Some(33),
            ..TcpTimeouts::default()
        })
    };
    ct.create(&Policy::new("web", ProtoFamily::Ipv4, tcp(100)))
        .unwrap();
    let e = ct
        .create(&Policy::new("web", ProtoFamily::Ipv4, tcp(200)))
        .unwrap_err();
    assert!(
        matches!(&e, Error::Exists { name, .. } if name == "web"),
        "{e:?}"
    );
    assert_eq!(
        ct.get("web")
            .unwrap()
            .timeouts
            .value(nfnl_sys::CTA_TIMEOUT_TCP_ESTABLISHED),
        Some(100),
        "a refused create changes nothing"
    );

    // Replace: the states given change, the others go back to the defaults (the kernel
    // rebuilds the policy), the count of policies stays.
    let only_est = TcpTimeouts {
        established: Some(300),
        ..TcpTimeouts::default()
    };
    ct.replace(&Policy::new(
        "web",
        ProtoFamily::Ipv4,
        Timeouts::Tcp(only_est),
    ))
    .unwrap();
    let web = ct.get("web").unwrap();
    let defaults = ct
        .default_get(ProtoFamily::Ipv4, IpProto::TCP)
        .unwrap()
        .timeouts;
    assert_eq!(
        web.timeouts.value(nfnl_sys::CTA_TIMEOUT_TCP_ESTABLISHED),
        Some(300)
    );
    assert_eq!(
        web.timeouts.value(nfnl_sys::CTA_TIMEOUT_TCP_CLOSE_WAIT),
        defaults.value(nfnl_sys::CTA_TIMEOUT_TCP_CLOSE_WAIT)
    );
    assert_eq!(ct.dump().unwrap().len(), 1);
    // Replace creates what does not exist.
    ct.replace(&Policy::new("new", ProtoFamily::Ipv6, tcp(5)))
        .unwrap();
    assert_eq!(ct.get("new").unwrap().family, ProtoFamily::Ipv6);

    // Replace never changes the kind.
    let udp = Timeouts::Udp(ReplyTimeouts {
        unreplied: Some(1),
        replied: None,
    });
    let e = ct
        .replace(&Policy::new("web", ProtoFamily::Ipv4, udp.clone()))
        .unwrap_err();
    assert!(
        matches!(&e, Error::KindMismatch { name, existing_proto: IpProto::TCP, proto: IpProto::UDP, .. } if name == "web"),
        "{e:?}"
    );
    assert_eq!(
        e.to_string(),
        "replace timeout policy \"web\": the existing policy is for ipv4 tcp, not ipv4 udp"
    );
    let e = ct
        .replace(&Policy::new("web", ProtoFamily::Ipv6, tcp(1)))
        .unwrap_err();
    assert!(matches!(e, Error::KindMismatch { .. }), "{e:?}");

    // Refused before sending: nothing reaches the kernel.
    let long = "x".repeat(32);
    let e = ct
        .create(&Policy::new(long.as_str(), ProtoFamily::Ipv4, udp.clone()))
        .unwrap_err();
    assert!(matches!(e, Error::InvalidName { .. }), "{e:?}");
    let e = ct.get("").unwrap_err();
    assert!(matches!(e, Error::InvalidName { .. }), "{e:?}");
    let mut big = Timeouts::empty(IpProto::UDP).unwrap();
    assert!(matches!(
        big.set("replied", MAX_TIMEOUT_SECS + 1)
            .map_err(Error::from),
        Err(Error::Timeout(TimeoutError::InvalidTimeout { .. }))
    ));
    big = Timeouts::Udp(ReplyTimeouts {
        unreplied: None,
        replied: Some(u32::MAX),
    });
    let e = ct
        .create(&Policy::new("big", ProtoFamily::Ipv4, big))
        .unwrap_err();
    assert!(
        matches!(
            e,
            Error::Timeout(TimeoutError::InvalidTimeout {
                state: "replied",
                ..
            })
        ),
        "{e:?}"
    );
    // The largest value allowed is kept exactly.
    let max = Timeouts::Udp(ReplyTimeouts {
        unreplied: Some(MAX_TIMEOUT_SECS),
        replied: None,
    });
    ct.create(&Policy::new("max", ProtoFamily::Ipv4, max))
        .unwrap();
    assert_eq!(
        ct.get("max")
            .unwrap()
            .timeouts
            .value(nfnl_sys::CTA_TIMEOUT_UDP_UNREPLIED),
        Some(MAX_TIMEOUT_SECS)
    );
    let names: Vec<String> = ct.dump().unwrap().into_iter().map(|p| p.name).collect();
    assert_eq!(names, ["web", "new", "max"]);

    // A protocol without a tracker: refused by the kernel, named.
    match ct.create(&Policy::new(
        "d",
        ProtoFamily::Ipv4,
        Timeouts::empty(IpProto::DCCP).unwrap(),
    )) {
        Err(Error::Unsupported {
            proto: IpProto::DCCP,
            ..
        }) => {}
        Ok(()) => support::skip(
            "create_replace_and_refusals_are_named(dccp)",
            "this kernel tracks DCCP (before Linux 6.16): no protocol to refuse",
        ),
        Err(e) => panic!("{e:?}"),
    }
    let e = ct.default_get(ProtoFamily::Ipv4, IpProto::ESP).unwrap_err();
    assert!(
        matches!(
            e,
            Error::Unsupported {
                proto: IpProto::ESP,
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(
        e.to_string(),
        "default-get timeouts of esp: this kernel has no timeouts for protocol esp"
    );
}
