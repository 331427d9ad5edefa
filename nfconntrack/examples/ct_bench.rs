//! Helper for `cargo xtask bench conntrack` (run inside a throwaway network
//! namespace, needs `CAP_NET_ADMIN` there).
//!
//! - `ct_bench create N`: creates N UDP flows in batches; the first 1000 get mark 1.
//! - `ct_bench dump`: a full dump decoded into [`Flow`]s (reads a few fields of each),
//!   the default path (large dumps are received on a helper thread, see [`nfnl::Conn`]).
//! - `ct_bench raw`: a full dump that only counts messages (the ceiling), through
//!   [`nfnl::Conn::dump`].
//! - `ct_bench delete-filter`: deletes the flows with mark 1 by a kernel-filtered flush.
//! - `ct_bench delete-fallback`: the same by a filtered dump plus batched deletes.
//! - `ct_bench events READY-FILE`: listens to NEW and DESTROY events (a large receive
//!   buffer), creates READY-FILE once subscribed, decodes each event into a [`Flow`] (reads
//!   a few fields, as `ct_events.c` does), and exits 2 s after the last one, printing
//!   `events count=<n> overruns=<n>` (for `cargo xtask bench events`).
//!
//! Each prints `<mode> count=<n> secs=<t> rate=<n/s> vmhwm_kb=<peak RSS>`.

use std::ops::ControlFlow;
use std::time::Instant;

use nfnl::NfHeader;
use nfnl_conntrack::{Conntrack, Family, Filter, Flow, Flush, Key, Tuple, L4};

fn vmhwm_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

fn report(mode: &str, n: u64, t: Instant) {
    let secs = t.elapsed().as_secs_f64();
    println!(
        "{mode:<16} count={n:<7} secs={secs:.4} rate={:.0}/s vmhwm_kb={}",
        n as f64 / secs.max(1e-9),
        vmhwm_kb()
    );
}

fn main() -> Result<(), nfnl_conntrack::Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mode = args.first().map(String::as_str).unwrap_or("dump");
    if mode == "events" {
        return events(args.get(1).map(String::as_str));
    }
    let mut ct = Conntrack::open()?;
    let t = Instant::now();
    match mode {
        "create" => {
            let n: u32 = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(100_000);
            let mut created = 0u64;
            let chunk = 10_000u32;
            let mut i = 0u32;
            while i < n {
                let flows: Vec<Flow> = (i..n.min(i + chunk))
                    .map(|k| {
                        let src = std::net::Ipv4Addr::from(0x0a00_0000 | k);
                        let t = Tuple::new(
                            src.into(),
                            "10.255.255.254".parse().unwrap_or(src.into()),
                            L4::udp(40000, 53),
                        )
                        .unwrap_or_else(|_| unreachable!());
                        let mut f = Flow::new(t);
                        f.timeout = Some(3600);
                        f.mark = Some(u32::from(k < 1000));
                        f
                    })
                    .collect();
                for r in ct.create_batch(&flows)? {
                    r?;
                    created += 1;
                }
                i += chunk;
            }
            report("create", created, t);
        }
        "dump" => {
            let mut n = 0u64;
            let mut sum = 0u64;
            ct.dump(&Filter::new(), |f| {
                n += 1;
                sum = sum.wrapping_add(
                    u64::from(f.timeout.unwrap_or(0)) + u64::from(f.mark.unwrap_or(0)),
                );
                if let Some(t) = f.orig {
                    sum = sum.wrapping_add(u64::from(t.proto.ports().map_or(0, |p| p.0)));
                }
                ControlFlow::Continue(())
            })?;
            std::hint::black_box(sum);
            report("dump(Flow)", n, t);
        }
        "iter" => {
            let mut n = 0u64;
            for f in ct.flows(&Filter::new())? {
                std::hint::black_box(f?);
                n += 1;
            }
            report("dump(iterator)", n, t);
        }
        "raw" => {
            let mut n = 0u64;
            let h = NfHeader::new(nfnl_sys::NFNL_SUBSYS_CTNETLINK, nfnl_sys::IPCTNL_MSG_CT_GET);
            ct.conn().dump(
                h,
                |_| Ok(()),
                |_| {
                    n += 1;
                    Ok::<_, nfnl::Error>(ControlFlow::Continue(()))
                },
            )?;
            report("dump(raw count)", n, t);
        }
        "delete-filter" => {
            let rep = ct.flush(&Flush::Filter(
                Filter::new().family(Family::Ipv4).mark(1, u32::MAX),
            ))?;
            report(
                if rep.by_kernel {
                    "delete(kernel)"
                } else {
                    "delete(fallback)"
                },
                1000,
                t,
            );
        }
        "delete-fallback" => {
            let mut keys = Vec::new();
            let marked = Filter::new().family(Family::Ipv4).mark(1, u32::MAX);
            ct.dump(&marked, |f| {
                keys.extend(Key::of(&f).ok());
                ControlFlow::Continue(())
            })?;
            let n = ct.delete_batch(&keys)?;
            report("delete(dump+batch)", n, t);
        }
        "count" => {
            println!("entries={}", ct.stats()?.entries);
        }
        other => eprintln!("unknown mode {other}"),
    }
    Ok(())
}

/// `ct_bench events READY-FILE`: see the module docs.
fn events(ready: Option<&str>) -> Result<(), nfnl_conntrack::Error> {
    use nfnl_conntrack::{ErrorExt, EventListener, Groups, Receive};
    let mut l = EventListener::open(Groups::NEW | Groups::DESTROY)?;
    let _ = l.socket().set_recv_buffer_force(256 << 20);
    if let Some(path) = ready {
        let _ = std::fs::write(path, b"ready\n");
    }
    let (mut n, mut overruns, mut sum) = (0u64, 0u64, 0u64);
    loop {
        match l.recv_timeout(std::time::Duration::from_secs(2)) {
            Ok((_, ev)) => {
                n += 1;
                if let Some(f) = ev.flow() {
                    sum = sum.wrapping_add(u64::from(f.mark.unwrap_or(0)));
                    if let Some(t) = f.orig {
                        sum = sum.wrapping_add(u64::from(t.proto.ports().map_or(0, |p| p.0)));
                    }
                }
            }
            Err(e) if e.is_timeout() => break,
            Err(e) if e.is_overrun() => overruns += 1,
            Err(e) => return Err(e),
        }
    }
    std::hint::black_box(sum);
    println!("events count={n} overruns={overruns}");
    Ok(())
}
