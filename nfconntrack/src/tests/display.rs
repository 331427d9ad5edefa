//! Display: the `conntrack -L` line of a flow.

use super::*;

/// `delta-time=` of a running flow (started, not stopped) depends only on the time the
/// caller passes: printing the same flow twice gives the same line, and without a time
/// the field is left out instead of reading the clock.
#[test]
fn running_flow_delta_time_is_measured_to_the_callers_time() {
    let mut f = full_flow();
    f.timestamp = Some(CtTimestamp {
        start: Some(1_700_000_000_500_000_000),
        stop: None,
    });
    let at = |secs: u64| DisplayOptions {
        now: Some(std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs)),
        ..DisplayOptions::default()
    };
    let line = f.display_with(at(1_700_000_042)).to_string();
    assert!(line.contains(" zone=9 delta-time=42 helper=ftp "), "{line}");
    assert_eq!(f.display_with(at(1_700_000_042)).to_string(), line);
    // a clock behind the start (or before the epoch) gives 0, never a wrap
    assert!(f.display_with(at(5)).to_string().contains(" delta-time=0 "));
    let before_epoch = DisplayOptions {
        now: std::time::UNIX_EPOCH.checked_sub(std::time::Duration::from_secs(1)),
        ..DisplayOptions::default()
    };
    assert!(f
        .display_with(before_epoch)
        .to_string()
        .contains(" delta-time=0 "));
    // no time given: no delta-time, and the plain Display is stable
    let plain = f.to_string();
    assert!(plain.contains(" zone=9 helper=ftp "), "{plain}");
    assert!(!plain.contains("delta-time"), "{plain}");
    assert_eq!(f.to_string(), plain);
    // a stopped flow needs no clock: the same with or without a time
    let stopped = full_flow();
    assert_eq!(stopped.display_with(at(1)).to_string(), stopped.to_string());
}

#[test]
fn display_icmp_and_v6() {
    let t = Tuple::new(
        v4("10.0.0.1"),
        v4("10.0.0.2"),
        L4::Icmp {
            id: 1226,
            kind: 8,
            code: 0,
        },
    )
    .unwrap();
    let mut f = Flow::new(t);
    f.timeout = Some(29);
    f.status = Some(Status::CONFIRMED);
    f.mark = Some(0);
    f.use_count = Some(1);
    assert_eq!(
        f.to_string(),
        "icmp     1 29 src=10.0.0.1 dst=10.0.0.2 type=8 code=0 id=1226 [UNREPLIED] \
         src=10.0.0.2 dst=10.0.0.1 type=0 code=0 id=1226 mark=0 use=1"
    );
    let t6 = Tuple::new(
        v4("::1"),
        v4("::2"),
        L4::IcmpV6 {
            id: 3,
            kind: 128,
            code: 0,
        },
    )
    .unwrap();
    let f6 = Flow::new(t6);
    assert_eq!(
        f6.to_string(),
        "icmpv6   58 src=::1 dst=::2 type=128 code=0 id=3 src=::2 dst=::1 type=129 code=0 id=3"
    );
}

/// The tool names only the protocols with a conntrack module of their own
/// (`conntrack -L` prints `unknown  50 …` for ESP): flows and keys, and so
/// the errors built from keys, print the same.
#[test]
fn display_names_protocols_as_the_tool() {
    for (p, line) in [
        (IpProto::IGMP, "unknown  2 src=10.0.0.1 dst=10.0.0.2"),
        (IpProto::ESP, "unknown  50 src=10.0.0.1 dst=10.0.0.2"),
        (IpProto::AH, "unknown  51 src=10.0.0.1 dst=10.0.0.2"),
        (IpProto(200), "unknown  200 src=10.0.0.1 dst=10.0.0.2"),
    ] {
        let t = Tuple::new(v4("10.0.0.1"), v4("10.0.0.2"), L4::Other { proto: p }).unwrap();
        let f = Flow::new(t);
        assert_eq!(f.to_string(), format!("{line} src=10.0.0.2 dst=10.0.0.1"));
        assert_eq!(
            Key::orig(t).to_string(),
            "unknown src=10.0.0.1 dst=10.0.0.2"
        );
    }
    // IpProto keeps its names for other uses
    assert_eq!(IpProto::ESP.name(), "esp");
    let gre = Tuple::new(
        v4("10.0.0.1"),
        v4("10.0.0.2"),
        L4::Ports {
            proto: IpProto::GRE,
            src: 1,
            dst: 2,
        },
    )
    .unwrap();
    assert!(Flow::new(gre).to_string().starts_with("gre      47 src="));
}
