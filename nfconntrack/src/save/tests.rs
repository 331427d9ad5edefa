//! The save format: the audit's findings on its fidelity (issue 20, F7–F9),
//! the mark and labels it keeps, and a property test over generated flows:
//! save → parse → save is a fixed point, what cannot be written is refused
//! with [`Error::Unsaveable`], and the flow read back is the one written.

use std::net::IpAddr;

use super::{parse_save_text, SaveOp};
use crate::*;

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

fn parse(line: &str) -> Flow {
    Flow::parse_save_line(line, None).unwrap().unwrap()
}

fn save(f: &Flow) -> String {
    f.save_line(None).unwrap().to_string()
}

fn udp(src: &str, dst: &str, sp: u16, dp: u16) -> Flow {
    let mut f = Flow::new(Tuple::new(ip(src), ip(dst), L4::udp(sp, dp)).unwrap());
    f.timeout = Some(99);
    f
}

fn refused(r: Result<SaveLine<'_>>) -> &'static str {
    match r {
        Err(Error::Unsaveable { reason, .. }) => reason,
        other => panic!("not refused: {:?}", other.map(|l| l.to_string())),
    }
}

// F7: a parsed -n/-g line prints back with its NAT.
#[test]
fn f7_nat_lines_print_back_with_their_nat() {
    for line in [
        "-A -t 99 -u UNSET -s 1.1.1.5 -d 2.2.2.2 -r 2.2.2.2 -n 9.9.9.9 -p udp --sport 1 --dport 2 --reply-port-src 2 --reply-port-dst 1",
        "-A -t 99 -u UNSET -s 1.1.1.5 -d 2.2.2.2 -r 2.2.2.2 -n 9.9.9.9 -p udp --sport 1 --dport 2 --reply-port-src 2 --reply-port-dst 7000",
        "-A -t 99 -u SEEN_REPLY,ASSURED -s 10.0.0.12 -d 10.0.0.2 -g 192.0.2.7 -q 10.0.0.12 -p tcp --sport 1 --dport 2 --reply-port-src 99 --reply-port-dst 1 --state ESTABLISHED",
        "-A -t 5 -s 2001:db8::5 -d 2001:db8::6 -g 2001:db8::7 -n 2001:db8::99 -p icmpv6 --icmpv6-type 128 --icmpv6-code 0 --icmpv6-id 3",
    ] {
        let f = parse(line);
        assert!(f.nat_src.is_some() || f.nat_dst.is_some(), "{line}");
        assert_eq!(save(&f), line);
    }
    // the port of the range is the one the line gives
    let f = parse("-A -t 9 -s 1.1.1.5 -d 2.2.2.2 -r 2.2.2.2 -n 9.9.9.9 -p udp --sport 1 --dport 2 --reply-port-src 2 --reply-port-dst 7000");
    assert_eq!(
        f.nat_src,
        Some(NatRange::to_addr(ip("9.9.9.9")).with_ports(7000, 7000))
    );
    // a port-only translation read from the kernel stays a translation
    let mut f = udp("10.0.0.5", "10.0.0.2", 5000, 53);
    f.status = Some(Status::CONFIRMED | Status::SRC_NAT | Status::SRC_NAT_DONE);
    f.reply = Some(Tuple::new(ip("10.0.0.2"), ip("10.0.0.5"), L4::udp(53, 6000)).unwrap());
    let line = save(&f);
    assert!(
        line.contains(" -n 10.0.0.5 ") && line.ends_with(" --reply-port-dst 6000"),
        "{line}"
    );
    assert_eq!(
        parse(&line).nat_src,
        Some(NatRange::to_addr(ip("10.0.0.5")).with_ports(6000, 6000))
    );
    // a flow built to create with NAT writes it
    let mut f = udp("10.0.0.5", "10.0.0.2", 5000, 53);
    f.nat_src = Some(NatRange::to_addr(ip("192.0.2.9")));
    assert_eq!(
        save(&f),
        "-A -t 99 -s 10.0.0.5 -d 10.0.0.2 -r 10.0.0.2 -n 192.0.2.9 -p udp --sport 5000 --dport 53 --reply-port-src 53 --reply-port-dst 5000"
    );
}

// F8: family errors are format errors of their line, before anything is sent.
#[test]
fn f8_mixed_families_are_format_errors_with_their_line() {
    for (line, opt) in [
        ("-A -t 1 -s 1.1.1.1 -d ::1 -p udp --sport 1 --dport 2", "-s"),
        ("-A -t 1 -s 1.1.1.1 -d 2.2.2.2 -r ::1 -p udp", "-r"),
        ("-A -t 1 -s 1.1.1.1 -d 2.2.2.2 -q ::1 -p udp", "-q"),
        ("-A -t 1 -s 1.1.1.1 -d 2.2.2.2 -g ::1 -p udp", "-g"),
        ("-A -t 1 -s ::1 -d ::2 -n 1.1.1.1 -p udp", "-n"),
    ] {
        match Flow::parse_save_line(line, None) {
            Err(Error::SaveFormat(why)) => assert!(why.contains(opt), "{line}: {why}"),
            other => panic!("{line}: {other:?}"),
        }
        let text =
            format!("-A -t 1 -s 10.0.0.1 -d 10.0.0.2 -p udp --sport 1 --dport 2\n\n{line}\n");
        match parse_save_text(&text, None) {
            Err(Error::SaveFormat(why)) => assert!(why.starts_with("line 3: "), "{why}"),
            other => panic!("{line}: {other:?}"),
        }
    }
}

// F9: a generic-tracker flow of a port protocol is written faithfully.
#[test]
fn f9_generic_flows_of_port_protocols_round_trip_as_generic() {
    for proto in [
        IpProto::TCP,
        IpProto::UDP,
        IpProto::DCCP,
        IpProto::SCTP,
        IpProto::UDPLITE,
        IpProto::GRE,
        IpProto::ICMP,
    ] {
        let f = Flow::new(Tuple::new(ip("10.0.0.1"), ip("10.0.0.2"), L4::Other { proto }).unwrap());
        let line = save(&f);
        assert!(
            !line.contains("port") && !line.contains("key") && !line.contains("icmp-"),
            "{line}"
        );
        let back = parse(&line);
        assert_eq!((back.orig, back.reply), (f.orig, f.reply), "{line}");
        assert_eq!(save(&back), line);
    }
    // with ports it stays a port flow, also for a protocol without a name
    let f = Flow::new(
        Tuple::new(
            ip("10.0.0.1"),
            ip("10.0.0.2"),
            L4::Ports {
                proto: IpProto::DCCP,
                src: 5,
                dst: 6,
            },
        )
        .unwrap(),
    );
    assert_eq!(parse(&save(&f)).orig, f.orig);
    let f = Flow::new(
        Tuple::new(
            ip("10.0.0.1"),
            ip("10.0.0.2"),
            L4::Ports {
                proto: IpProto(200),
                src: 5,
                dst: 6,
            },
        )
        .unwrap(),
    );
    assert_eq!(parse(&save(&f)).orig, f.orig);
}

// F9: an unknown TCP or SCTP state is refused, not written as NONE.
#[test]
fn f9_unknown_states_are_refused() {
    let mut f = Flow::new(Tuple::new(ip("10.0.0.1"), ip("10.0.0.2"), L4::tcp(1, 2)).unwrap());
    f.proto_info = Some(ProtoInfo::Tcp(TcpInfo {
        state: Some(TcpState::from(42)),
        ..TcpInfo::default()
    }));
    assert!(refused(f.save_line(None)).contains("TCP state"));
    let mut f = Flow::new(
        Tuple::new(
            ip("10.0.0.1"),
            ip("10.0.0.2"),
            L4::Ports {
                proto: IpProto::SCTP,
                src: 1,
                dst: 2,
            },
        )
        .unwrap(),
    );
    f.proto_info = Some(ProtoInfo::Sctp(SctpInfo {
        state: Some(SctpState::from(77)),
        ..SctpInfo::default()
    }));
    assert!(refused(f.save_line(None)).contains("SCTP state"));
    // NONE itself is a state the kernel defines
    let mut f = Flow::new(Tuple::new(ip("10.0.0.1"), ip("10.0.0.2"), L4::tcp(1, 2)).unwrap());
    f.proto_info = Some(ProtoInfo::Tcp(TcpInfo {
        state: Some(TcpState::None),
        ..TcpInfo::default()
    }));
    assert_eq!(parse(&save(&f)).proto_info, f.proto_info);
}

// Issue 17 item 3: the mark, after -u (the tool reading -R input replaces
// a mark given before -u with the status bits).
#[test]
fn the_mark_is_kept_after_the_status() {
    let mut f = udp("10.0.0.1", "10.0.0.2", 1, 2);
    f.status = Some(Status::SEEN_REPLY | Status::CONFIRMED);
    f.mark = Some(0x10001);
    f.zone = Some(3);
    let line = save(&f);
    assert!(
        line.starts_with("-A -t 99 -u SEEN_REPLY -m 65537 -w 3 -s "),
        "{line}"
    );
    let back = parse(&line);
    assert_eq!(
        (back.mark, back.zone, back.timeout),
        (f.mark, f.zone, f.timeout)
    );
    assert_eq!(parse(&line.replace("65537", "0x10001")).mark, f.mark);
    // mark 0 is what a new entry has: neither written nor read
    f.mark = Some(0);
    assert!(!save(&f).contains("-m"));
    assert_eq!(parse(&format!("{line} -m 0")).mark, None);
    // -u UNSET reads back as an empty status, and prints again
    let l = "-A -t 9 -u UNSET -s 1.1.1.1 -d 2.2.2.2 -r 2.2.2.2 -q 1.1.1.1 -p udp --sport 1 --dport 2 --reply-port-src 2 --reply-port-dst 1";
    assert_eq!(save(&parse(l)), l);
}

#[test]
fn labels_are_written_and_read_by_name() {
    let map = LabelMap::parse("0 zero\n3 three\n5 two words\n100 hundred\n");
    let mut f = udp("10.0.0.1", "10.0.0.2", 1, 2);
    f.labels = Some(Labels::from_bits(1 | 1 << 3 | 1 << 100));
    assert!(refused(f.save_line(None)).contains("label map"));
    let line = f.save_line(Some(&map)).unwrap().to_string();
    assert!(
        line.starts_with("-A -t 99 -s")
            && line.ends_with(" --reply-port-dst 1 labels=zero,three,hundred"),
        "{line}"
    );
    assert_eq!(
        Flow::parse_save_line(&line, Some(&map))
            .unwrap()
            .unwrap()
            .labels,
        f.labels
    );
    match Flow::parse_save_line(&line, None) {
        Err(Error::SaveFormat(why)) => assert!(why.contains("label map"), "{why}"),
        other => panic!("{other:?}"),
    }
    f.labels = Some(Labels::from_bits(1 << 4));
    assert!(refused(f.save_line(Some(&map))).contains("does not name"));
    f.labels = Some(Labels::from_bits(1 << 5));
    assert!(refused(f.save_line(Some(&map))).contains("blank"));
    f.labels = Some(Labels::default());
    assert!(!f.save_line(None).unwrap().to_string().contains("--label"));
}

#[test]
fn event_lines_have_their_word_and_the_annotation_is_skipped() {
    let f = udp("10.0.0.1", "10.0.0.2", 1, 2);
    let line = f.save_line(None).unwrap().op(SaveOp::Delete).to_string();
    assert!(line.starts_with("-D -t 99 -s"), "{line}");
    assert!(Flow::parse_save_line(&line, None).is_err());
    let tool = format!(
        "{} [USERSPACE] portid=27875 progname=conntrack",
        f.save_line(None).unwrap()
    );
    assert_eq!(parse(&tool).orig, f.orig);
}

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, n: u64) -> bool {
        self.below(n) == 0
    }
    fn pick<T: Copy>(&mut self, v: &[T]) -> T {
        v[usize::try_from(self.below(v.len() as u64)).unwrap()]
    }
    fn u16(&mut self) -> u16 {
        let any = u16::try_from(self.next() >> 48).unwrap();
        self.pick(&[0, 1, 2, 53, 80, 65535, any])
    }
    fn maybe<T>(&mut self, f: impl FnOnce(&mut Self) -> T) -> Option<T> {
        (!self.chance(2)).then(|| f(self))
    }
    fn addr(&mut self, v6: bool) -> IpAddr {
        let n = u8::try_from(self.below(4)).unwrap();
        if v6 {
            IpAddr::from([0x2001, 0xdb8, 0, 0, 0, 0, 0, u16::from(n)])
        } else {
            IpAddr::from([10, 0, 0, n])
        }
    }
}

const PORT_PROTOS: [IpProto; 7] = [
    IpProto::TCP,
    IpProto::UDP,
    IpProto::UDPLITE,
    IpProto::SCTP,
    IpProto::DCCP,
    IpProto::GRE,
    IpProto(200),
];

fn gen_l4(r: &mut Rng) -> L4 {
    match r.below(4) {
        0 => L4::Ports {
            proto: r.pick(&PORT_PROTOS),
            src: r.u16(),
            dst: r.u16(),
        },
        1 => L4::Icmp {
            id: r.u16(),
            kind: r.pick(&[0, 3, 8, 13, 200]),
            code: r.pick(&[0, 1, 255]),
        },
        2 => L4::IcmpV6 {
            id: r.u16(),
            kind: r.pick(&[128, 129, 1, 135]),
            code: r.pick(&[0, 4]),
        },
        _ => L4::Other {
            proto: r.pick(&[
                IpProto(2),
                IpProto(47),
                IpProto(50),
                IpProto(255),
                IpProto::TCP,
                IpProto::UDP,
                IpProto::DCCP,
                IpProto::SCTP,
                IpProto::UDPLITE,
                IpProto::ICMP,
            ]),
        },
    }
}

fn gen_nat(r: &mut Rng, v6: bool) -> NatRange {
    let mut n = NatRange::to_addr(r.addr(v6));
    match r.below(8) {
        0 => n.max_addr = Some(r.addr(v6)),
        1 => n.min_addr = None,
        2 => n = NatRange::to_addr(r.addr(!v6)),
        _ => {}
    }
    if r.chance(2) {
        let p = r.u16();
        n.ports = Some((p, if r.chance(6) { p.wrapping_add(1) } else { p }));
    }
    n
}

/// A flow as a dump, an event or a program makes it, or something odd.
fn gen_flow(r: &mut Rng) -> Flow {
    let v6 = r.chance(2);
    let l4 = gen_l4(r);
    let mut orig = Tuple::new(r.addr(v6), r.addr(v6), l4).unwrap();
    orig.zone = r.maybe(|r| r.u16());
    let mut f = Flow::new(orig);
    let mut reply = orig.inverted();
    reply.zone = r.maybe(|r| r.u16());
    match r.below(6) {
        0 => f.reply = None,
        // translated by the kernel: address and maybe port
        1 | 2 => {
            if r.chance(2) {
                reply.src = r.addr(v6);
            }
            if r.chance(2) {
                reply.dst = r.addr(v6);
            }
            if let L4::Ports { src, dst, .. } = &mut reply.proto {
                *src = if r.chance(2) { r.u16() } else { *src };
                *dst = if r.chance(2) { r.u16() } else { *dst };
            }
            if r.chance(10) {
                reply.proto = gen_l4(r);
            }
            if r.chance(20) {
                reply.dst = r.addr(!v6);
            }
            f.reply = Some(reply);
        }
        _ => f.reply = Some(reply),
    }
    f.status = r.maybe(|r| Status::from_bits_retain(u32::try_from(r.next() & 0xffff).unwrap()));
    if r.chance(3) {
        f.nat_src = Some(gen_nat(r, v6));
    }
    if r.chance(3) {
        f.nat_dst = Some(gen_nat(r, v6));
    }
    f.timeout = r.maybe(|r| u32::try_from(r.below(1 << 32)).unwrap());
    f.mark = r.maybe(|r| r.pick(&[0, 1, 0x8000_0001, u32::MAX]));
    f.zone = r.maybe(|r| r.u16());
    f.secmark = r.maybe(|r| r.pick(&[0, 7]));
    f.labels = r.maybe(|r| Labels::from_bits(r.pick(&[0, 1, 1 << 3 | 1 << 100, 1 << 4, 1 << 5])));
    let p = orig.proto.proto();
    f.proto_info = match r.below(4) {
        0 => None,
        _ if p == IpProto::TCP || r.chance(8) => Some(ProtoInfo::Tcp(TcpInfo {
            state: r.maybe(|r| TcpState::from(r.pick(&[0, 3, 9, 10, 42]))),
            wscale_orig: r.maybe(|_| 7),
            ..TcpInfo::default()
        })),
        _ if p == IpProto::SCTP || r.chance(8) => Some(ProtoInfo::Sctp(SctpInfo {
            state: r.maybe(|r| SctpState::from(r.pick(&[0, 3, 9, 10, 99]))),
            vtag_orig: r.maybe(|r| u32::try_from(r.below(1 << 32)).unwrap()),
            vtag_reply: r.maybe(|_| 5),
        })),
        _ if p == IpProto::DCCP => Some(ProtoInfo::Dccp(DccpInfo::default())),
        _ => None,
    };
    if r.chance(200) {
        f.orig = None;
    }
    f
}

/// The status bits the line carries.
const SAVED_STATUS: Status = Status::EXPECTED
    .union(Status::SEEN_REPLY)
    .union(Status::ASSURED)
    .union(Status::FIXED_TIMEOUT);

/// What a flow asks the kernel for, in the terms the save format keeps
/// (see `Flow::save_line`): the reply tuple after the NAT ranges, which
/// side is translated, and the fields the format carries, without the
/// documented normalisations (mark 0, empty labels, unsaved status bits,
/// protocol state the tool has no option for).
#[allow(clippy::type_complexity)]
fn meaning(
    f: &Flow,
) -> (
    Option<Tuple>,
    Tuple,
    (bool, bool),
    [Option<u32>; 3],
    Option<u16>,
    Option<Status>,
    Option<Labels>,
    Option<ProtoInfo>,
) {
    let o = f.orig.unwrap();
    let mut reply = f.reply.unwrap_or_else(|| o.inverted());
    let status = f.status.unwrap_or_default();
    let inv = o.inverted();
    let (sp, dp) = (
        |t: &Tuple| t.proto.ports().map(|p| p.0),
        |t: &Tuple| t.proto.ports().map(|p| p.1),
    );
    let snat = f.nat_src.is_some()
        || (status.contains(Status::SRC_NAT_DONE)
            && (reply.dst, dp(&reply)) != (inv.dst, dp(&inv)));
    let dnat = f.nat_dst.is_some()
        || (status.contains(Status::DST_NAT_DONE)
            && (reply.src, sp(&reply)) != (inv.src, sp(&inv)));
    if let Some(n) = f.nat_src {
        reply.dst = n.min_addr.unwrap();
        if let (L4::Ports { dst, .. }, Some((p, _))) = (&mut reply.proto, n.ports) {
            *dst = p;
        }
    }
    if let Some(n) = f.nat_dst {
        reply.src = n.min_addr.unwrap();
        if let (L4::Ports { src, .. }, Some((p, _))) = (&mut reply.proto, n.ports) {
            *src = p;
        }
    }
    let proto_info = match f.proto_info {
        Some(ProtoInfo::Tcp(t)) => t.state.map(|state| {
            ProtoInfo::Tcp(TcpInfo {
                state: Some(state),
                ..TcpInfo::default()
            })
        }),
        Some(ProtoInfo::Dccp(_)) => None,
        Some(ProtoInfo::Sctp(s)) if s == SctpInfo::default() => None,
        other => other,
    };
    (
        f.orig,
        reply,
        (snat, dnat),
        [f.timeout, f.mark.filter(|&m| m != 0), f.secmark],
        f.zone,
        f.status.map(|s| s & SAVED_STATUS),
        f.labels.filter(|l| l.bits() != 0),
        proto_info,
    )
}

/// Save → parse → save is a fixed point and keeps the meaning, or the
/// flow is refused with `Error::Unsaveable`: `Ok(())` if written, else
/// the reason.
fn check_round_trip(f: &Flow, map: Option<&LabelMap>) -> Result<(), &'static str> {
    let line = match f.save_line(map) {
        Ok(l) => l.to_string(),
        Err(Error::Unsaveable { reason, .. }) => return Err(reason),
        Err(e) => panic!("{f:?}: {e}"),
    };
    let back = Flow::parse_save_line(&line, map)
        .unwrap_or_else(|e| panic!("{line}: {e}"))
        .unwrap();
    let again = back
        .save_line(map)
        .unwrap_or_else(|e| panic!("{line}: {e}"))
        .to_string();
    assert_eq!(again, line, "{f:?}");
    assert_eq!(meaning(&back), meaning(f), "{line}\n{f:?}\n{back:?}");
    // what was read back is what will be written again, field for field
    let third = Flow::parse_save_line(&again, map).unwrap().unwrap();
    assert_eq!(third, back, "{line}");
    Ok(())
}

#[test]
fn generated_flows_save_parse_save_is_a_fixed_point_or_refused() {
    let map = LabelMap::parse("0 zero\n3 three\n5 two words\n100 hundred\n");
    let mut r = Rng(0x9e37_79b9_7f4a_7c15);
    let (mut written, mut refused) = (0, std::collections::BTreeMap::new());
    for i in 0..20_000 {
        let f = gen_flow(&mut r);
        let m = (i % 3 != 0).then_some(&map);
        match check_round_trip(&f, m) {
            Ok(()) => written += 1,
            Err(reason) => *refused.entry(reason).or_insert(0) += 1,
        }
    }
    println!("{written} written, refused: {refused:#?}");
    assert!(written > 5_000, "{written}");
    // every kind of refusal the generator can reach was reached
    assert_eq!(refused.len(), 17, "{refused:#?}");
}

/// Lines from random words of the format: parse → save → parse → save is
/// a fixed point (what `fuzz/fuzz_targets/save_format.rs` checks longer).
#[test]
fn random_lines_parse_save_parse_is_a_fixed_point() {
    const WORDS: &[&str] = &[
        "-t",
        "-u",
        "-m",
        "-l",
        "--label-add",
        "labels=zero,hundred",
        "labels=three",
        "-c",
        "-w",
        "--orig-zone",
        "--reply-zone",
        "-s",
        "-d",
        "-r",
        "-q",
        "-g",
        "-n",
        "-p",
        "--sport",
        "--dport",
        "--reply-port-src",
        "--reply-port-dst",
        "--srckey",
        "--icmp-type",
        "--icmp-code",
        "--icmp-id",
        "--state",
        "--orig-vtag",
        "--reply-vtag",
        "1",
        "0",
        "7",
        "65535",
        "0x10",
        "10.0.0.1",
        "10.0.0.2",
        "::1",
        "2001:db8::2",
        "tcp",
        "udp",
        "icmp",
        "icmpv6",
        "sctp",
        "gre",
        "dccp",
        "200",
        "2",
        "ESTABLISHED",
        "NONE",
        "SYN_SENT",
        "SEEN_REPLY,ASSURED",
        "UNSET",
        "OFFLOAD",
        "zero",
        "three,hundred",
        "[USERSPACE]",
        "portid=5",
    ];
    let map = LabelMap::parse("0 zero\n3 three\n100 hundred\n");
    let mut r = Rng(42);
    let mut parsed = 0;
    for _ in 0..50_000 {
        let mut line = String::from("-A -s ");
        line.push_str(r.pick(&["10.0.0.9", "2001:db8::9"]));
        line.push_str(" -d ");
        line.push_str(r.pick(&["10.0.0.8", "2001:db8::8"]));
        line.push_str(" -p ");
        line.push_str(r.pick(&["tcp", "udp", "icmp", "icmpv6", "sctp", "gre", "dccp", "200"]));
        for _ in 0..r.below(12) {
            line.push(' ');
            line.push_str(r.pick(WORDS));
        }
        let Ok(Some(f)) = Flow::parse_save_line(&line, Some(&map)) else {
            continue;
        };
        parsed += 1;
        let s2 = f
            .save_line(Some(&map))
            .unwrap_or_else(|e| panic!("{line}: {e}"))
            .to_string();
        let g = Flow::parse_save_line(&s2, Some(&map)).unwrap().unwrap();
        assert_eq!(g, f, "{line}\n{s2}");
        assert_eq!(g.save_line(Some(&map)).unwrap().to_string(), s2, "{line}");
    }
    assert!(parsed > 1_000, "{parsed}");
}
