//! Which filter criteria the running kernel evaluates correctly, found
//! without touching the caller's table: in a private network namespace (a
//! thread that `unshare(CLONE_NEWNET)`s, whose namespace goes away with
//! it), a few flows of both families are created and, for each criterion,
//! kernel-only filtered dumps are compared with [`Filter::matches`].
//!
//! Dumps are enough for flushes too: `ctnetlink_flush_conntrack` parses a
//! filter with the same `ctnetlink_alloc_filter` and selects with the same
//! `ctnetlink_filter_match` as `ctnetlink_dump_table`, and whether flushes
//! take a filter at all is probed separately
//! ([`Conntrack::supports_filtered_flush`]).
//!
//! Each criterion is probed once per process, the first time a filter
//! uses it ([`kernel_criteria`]). A probe costs a namespace and one dump
//! per probe filter; every dump walks the kernel's conntrack hash table
//! (shared by all namespaces), so a criterion costs a few milliseconds
//! (about 10 on the test machine with 262,144 buckets). It needs
//! `CAP_SYS_ADMIN`; where it cannot run, [`Criteria::STATIC`] applies.
//!
//! On 6.18 it finds every criterion correct but IPv6 addresses and
//! directional zones (see [`Filter`]).

use std::collections::HashSet;
use std::ops::ControlFlow;
use std::sync::{Mutex, PoisonError};

use nfnl_sys as sys;

use crate::conntrack::{ct_header, Conntrack};
use crate::error::{Error, Result};
use crate::filter::{Criteria, Filter, TupleFilter};
use crate::flow::Flow;
use crate::protoinfo::{ProtoInfo, TcpInfo, TcpState};
use crate::status::Status;
use crate::tuple::{Family, Tuple, L4};
use nfnl::IpProto;

/// The criteria of `needed` the kernel evaluates correctly: probed once per
/// process and criterion, else [`Criteria::STATIC`].
pub fn kernel_criteria(needed: Criteria) -> Criteria {
    /// (criteria probed or given up on, those found correct)
    static KNOWN: Mutex<(Criteria, Criteria)> = Mutex::new((Criteria::empty(), Criteria::empty()));
    let mut known = KNOWN.lock().unwrap_or_else(PoisonError::into_inner);
    let missing = needed - known.0;
    if !missing.is_empty() {
        let good = probe(missing).unwrap_or(Criteria::STATIC & missing);
        known.0 |= missing;
        known.1 |= good;
    }
    known.1 & needed
}

/// Probes the criteria `which` now (see the module documentation);
/// returns those the kernel gets right.
///
/// # Errors
/// `EPERM` without `CAP_SYS_ADMIN`; errors creating the probe's flows.
pub fn probe(which: Criteria) -> Result<Criteria> {
    std::thread::spawn(move || {
        nix::sched::unshare(nix::sched::CloneFlags::CLONE_NEWNET)
            .map_err(|e| Error::Netlink(nfnl::Error::Io(e.into())))?;
        let mut ct = Conntrack::open()?;
        ct.set_filter_trust(Criteria::empty());
        run(&mut ct, which)
    })
    .join()
    .unwrap_or(Err(Error::Unsupported("the filter probe thread failed")))
}

/// An established TCP, a UDP (zone 5) and an ICMP echo flow per family,
/// and two UDP flows with a directional zone (original 7, reply 9).
fn flows() -> Result<Vec<Flow>> {
    let mut out = Vec::new();
    for (a, b, c, echo) in [
        ("10.0.0.1", "10.0.0.2", "10.0.0.3", (IpProto::ICMP, 8)),
        (
            "2001:db8::1",
            "2001:db8::2",
            "2001:db8::3",
            (IpProto::ICMPV6, 128),
        ),
    ] {
        let ip = |s: &str| s.parse().map_err(|_| Error::Unsupported("probe address"));
        let (a, b, c) = (ip(a)?, ip(b)?, ip(c)?);
        let mut tcp = Flow::new(Tuple::new(a, b, L4::tcp(1000, 80))?);
        tcp.status = Some(Status::SEEN_REPLY | Status::ASSURED);
        tcp.mark = Some(1);
        tcp.proto_info = Some(ProtoInfo::Tcp(TcpInfo {
            state: Some(TcpState::Established),
            ..TcpInfo::default()
        }));
        let mut udp = Flow::new(Tuple::new(c, b, L4::udp(53, 5353))?);
        udp.zone = Some(5);
        let l4 = match echo {
            (IpProto::ICMP, kind) => L4::Icmp {
                id: 7,
                kind,
                code: 0,
            },
            (_, kind) => L4::IcmpV6 {
                id: 7,
                kind,
                code: 0,
            },
        };
        let icmp = Flow::new(Tuple::new(a, c, l4)?);
        let orig_zone = Flow::new(Tuple::new(a, b, L4::udp(7, 7))?.with_zone(7));
        let mut reply_zone = Flow::new(Tuple::new(a, b, L4::udp(9, 9))?);
        reply_zone.reply = reply_zone.reply.map(|t| t.with_zone(9));
        for mut f in [tcp, udp, icmp, orig_zone, reply_zone] {
            f.timeout = Some(60);
            out.push(f);
        }
    }
    Ok(out)
}

/// The probe filters of each criterion: each selects some probe flows and
/// not others.
fn cases() -> Vec<(Criteria, Vec<Filter>)> {
    let t = |f: fn(&mut TupleFilter)| {
        let mut t = TupleFilter::default();
        f(&mut t);
        t
    };
    let fam = |f: Family| Filter::new().family(f);
    let (v4, v6) = (Family::Ipv4, Family::Ipv6);
    let addrs = |a: &str, b: &str, c: &str| -> Vec<Filter> {
        let (a, b, c) = (a.parse().ok(), b.parse().ok(), c.parse().ok());
        vec![
            Filter::new().orig(TupleFilter {
                src: a,
                ..TupleFilter::default()
            }),
            Filter::new().orig(TupleFilter {
                dst: b,
                ..TupleFilter::default()
            }),
            Filter::new().reply(TupleFilter {
                src: c,
                ..TupleFilter::default()
            }),
        ]
    };
    vec![
        (
            Criteria::IPV4_ADDR,
            addrs("10.0.0.1", "10.0.0.2", "10.0.0.3"),
        ),
        (
            Criteria::IPV6_ADDR,
            addrs("2001:db8::1", "2001:db8::2", "2001:db8::3"),
        ),
        (
            Criteria::PROTO,
            vec![
                fam(v4).orig(t(|t| t.proto = Some(IpProto::UDP))),
                fam(v6).orig(t(|t| t.proto = Some(IpProto::TCP))),
            ],
        ),
        (
            Criteria::PORTS,
            vec![
                fam(v4).orig(t(|t| {
                    (t.proto, t.dst_port) = (Some(IpProto::TCP), Some(80))
                })),
                fam(v6).orig(t(|t| {
                    (t.proto, t.src_port) = (Some(IpProto::UDP), Some(53))
                })),
                fam(v4).reply(t(|t| {
                    (t.proto, t.src_port) = (Some(IpProto::TCP), Some(80))
                })),
            ],
        ),
        (
            Criteria::ICMP,
            vec![
                fam(v4).orig(t(|t| {
                    (t.proto, t.icmp_type, t.icmp_code, t.icmp_id) =
                        (Some(IpProto::ICMP), Some(8), Some(0), Some(7));
                })),
                fam(v6).orig(t(|t| {
                    (t.proto, t.icmp_type) = (Some(IpProto::ICMPV6), Some(128))
                })),
            ],
        ),
        (
            Criteria::MARK,
            vec![Filter::new().mark(1, u32::MAX), Filter::new().mark(0, 1)],
        ),
        (
            Criteria::STATUS,
            vec![
                Filter::new().status(Status::ASSURED, Status::ASSURED),
                Filter::new().status(Status::empty(), Status::SEEN_REPLY),
            ],
        ),
        (
            Criteria::ZONE,
            vec![Filter::new().zone(5), Filter::new().zone(0)],
        ),
        (
            Criteria::TUPLE_ZONE,
            vec![
                fam(v4).orig(t(|t| t.zone = Some(7))),
                fam(v6).reply(t(|t| t.zone = Some(9))),
            ],
        ),
    ]
}

/// The original tuples of the entries the kernel alone selects with
/// `filter`, every criterion sent; `None` if the kernel refuses it.
fn kernel_dump(ct: &mut Conntrack, filter: &Filter) -> Option<HashSet<Tuple>> {
    let mut out = HashSet::new();
    let h = ct_header(sys::IPCTNL_MSG_CT_GET, filter.effective_family());
    ct.conn()
        .dump(
            h,
            |b| filter.encode(b, Criteria::all()),
            |m| {
                if let Some(t) = Flow::decode(m)?.orig {
                    out.insert(t);
                }
                Ok::<_, Error>(ControlFlow::Continue(()))
            },
        )
        .ok()?;
    Some(out)
}

/// Every entry of the private table, decoded.
fn table(ct: &mut Conntrack) -> Result<Vec<Flow>> {
    let mut out = Vec::new();
    ct.dump(&Filter::new(), |f| {
        out.push(f);
        ControlFlow::Continue(())
    })?;
    Ok(out)
}

fn origs<'a>(flows: impl IntoIterator<Item = &'a Flow>) -> HashSet<Tuple> {
    flows.into_iter().filter_map(|f| f.orig).collect()
}

fn run(ct: &mut Conntrack, which: Criteria) -> Result<Criteria> {
    for r in ct.create_batch(&flows()?)? {
        r?;
    }
    let all = table(ct)?;
    let mut trusted = Criteria::empty();
    for (c, filters) in cases() {
        if !which.contains(c) {
            continue;
        }
        let right = filters.iter().all(|f| {
            let want = origs(all.iter().filter(|x| f.matches(x)));
            // a probe filter must tell: select some flows and not others
            !want.is_empty() && want.len() < all.len() && kernel_dump(ct, f) == Some(want)
        });
        if right {
            trusted |= c;
        }
    }
    Ok(trusted)
}
