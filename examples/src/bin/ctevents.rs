//! `ctevents`: print conntrack events like `conntrack -E`.
//!
//! Privileges: `CAP_NET_ADMIN` (joining the conntrack groups).
//! Events appear once entries change: via ctnetlink, or traffic through a rule that
//! uses conntrack (`iptables -A INPUT -m conntrack --ctstate NEW,ESTABLISHED -j ACCEPT`).
//!
//! Usage: `ctevents [-e NEW,UPDATES,DESTROY,ALL] [FILTER-OPTIONS] [--expect]
//! [--reliable] [--no-bpf] [-c COUNT]`, with the filter and output options of
//! `conntrack -E` (see `examples::ctargs`). The part of the filter the kernel
//! can check (protocol, original addresses and ports, mark) is attached to
//! the socket as a BPF program, so unwanted events never wake the program;
//! the whole filter is checked again on what arrives. On an overrun (events
//! lost) it says so and re-lists the table, then goes on.
//!
//! With `-o save` each event is one line of the save format, as
//! `conntrack -E -o save` writes it (`-A` new, `-U` update, `-D` destroy,
//! then the `[USERSPACE]` note), plus the mark and label names the tool
//! reads back but does not write; `ctrestore` replays the `-A` lines. A
//! flow the format cannot write prints as a `#` comment saying why.

use nfnl_conntrack::{ErrorExt, Receive};
use std::process::ExitCode;

use examples::ctargs;
use nfnl_conntrack::{Conntrack, Event, EventFilter, EventListener, Groups, SaveOp};

const USAGE: &str = "usage: ctevents [-e NEW,UPDATES,DESTROY,ALL] [FILTER-OPTIONS] [--expect] \
                     [--reliable] [--no-bpf] [-c COUNT]";

fn main() -> ExitCode {
    let mut groups = Groups::FLOWS;
    let (mut reliable, mut bpf) = (false, true);
    let mut count: Option<u64> = None;
    let mut rest = Vec::new();
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "-e" | "--event-mask" => {
                groups = Groups::empty();
                for g in it.next().unwrap_or_default().split(',') {
                    groups |= match g {
                        "NEW" => Groups::NEW,
                        "UPDATE" | "UPDATES" => Groups::UPDATE,
                        "DESTROY" => Groups::DESTROY,
                        "ALL" => Groups::FLOWS,
                        o => {
                            eprintln!("ctevents: unknown event {o}\n{USAGE}");
                            return ExitCode::from(2);
                        }
                    };
                }
            }
            "--expect" => groups |= Groups::EXPECTATIONS,
            "--reliable" => reliable = true,
            "--no-bpf" => bpf = false,
            "-c" | "--count" => count = it.next().and_then(|c| c.parse().ok()),
            _ => rest.push(a),
        }
    }
    let args = match ctargs::parse_args(&rest) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("ctevents: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let mut listener = match EventListener::open(groups) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("ctevents: {e}");
            return ExitCode::FAILURE;
        }
    };
    if reliable {
        if let Err(e) = listener.set_reliable(true) {
            eprintln!("ctevents: reliable mode: {e}");
        }
    }
    if bpf {
        let kernel = EventFilter::superset_of(&args.filter, groups & Groups::FLOWS);
        if let Err(e) = listener.attach_filter(&kernel) {
            eprintln!("ctevents: kernel-side filter not attached ({e}); filtering here");
        }
    }
    let mut names = PortNames::default();
    let mut seen = 0u64;
    loop {
        if count.is_some_and(|c| seen >= c) {
            return ExitCode::SUCCESS;
        }
        match listener.recv() {
            Ok((h, ev)) => {
                let line = match &ev {
                    Event::New(f) | Event::Update(f) | Event::Destroy(f) => {
                        if !args.filter.matches(f) {
                            continue;
                        }
                        if args.save {
                            // as `conntrack -E -o save`: the kind is the line's first word
                            let op = match ev {
                                Event::New(_) => SaveOp::Create,
                                Event::Update(_) => SaveOp::Update,
                                _ => SaveOp::Delete,
                            };
                            args.save_line(f, op).to_string()
                        } else {
                            format!("{:>9} {}", ev.tag(), args.show(f))
                        }
                    }
                    _ => ev.to_string(),
                };
                // as the tool: who caused the event, if a program did
                match (h.port, names.name(h.port)) {
                    (0, _) => println!("{line}"),
                    (p, Some(name)) => println!("{line} [USERSPACE] portid={p} progname={name}"),
                    (p, None) => println!("{line} [USERSPACE] portid={p}"),
                }
                seen += 1;
            }
            Err(e) if e.is_overrun() => {
                eprintln!("ctevents: events were lost (ENOBUFS); re-reading the table");
                let r = Conntrack::open().and_then(|mut ct| {
                    listener.resync(&mut ct, &args.filter, |f| {
                        if args.save {
                            // what is in the table now: a line to create it
                            println!("{}", args.save_line(&f, SaveOp::Create));
                        } else {
                            println!(" [RESYNC] {}", args.show(&f));
                        }
                        std::ops::ControlFlow::Continue(())
                    })
                });
                if let Err(e) = r {
                    eprintln!("ctevents: resync failed: {e}");
                    return ExitCode::FAILURE;
                }
            }
            Err(e) => {
                eprintln!("ctevents: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
}

/// The name of the program owning a netfilter netlink socket, by port id,
/// found the way `conntrack -E` finds it: the socket's inode from
/// `/proc/self/net/netlink`, then the process (first the one whose pid is
/// the port id, else any) with a descriptor on that inode, named by its
/// `/proc/PID/stat`. The last answer is kept.
#[derive(Default)]
struct PortNames {
    last: Option<(u32, u64, Option<String>)>,
}

impl PortNames {
    fn name(&mut self, port: u32) -> Option<String> {
        if port == 0 {
            return None;
        }
        let inode = socket_inode(port)?;
        if let Some((p, i, name)) = &self.last {
            if (*p, *i) == (port, inode) {
                return name.clone();
            }
        }
        let pids = std::fs::read_dir("/proc")
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
            .filter(|&pid| pid > 1 && pid != port);
        let name = std::iter::once(port)
            .chain(pids)
            .find(|&pid| has_socket(pid, inode))
            .and_then(stat_name);
        self.last = Some((port, inode, name.clone()));
        name
    }
}

/// The inode of the `NETLINK_NETFILTER` socket with port id `port`.
fn socket_inode(port: u32) -> Option<u64> {
    let text = std::fs::read_to_string("/proc/self/net/netlink").ok()?;
    text.lines().skip(1).find_map(|l| {
        let f: Vec<&str> = l.split_whitespace().collect();
        let (proto, p, inode) = (f.get(1)?, f.get(2)?.parse::<u32>().ok()?, f.get(9)?);
        (*proto == "12" && p == port)
            .then(|| inode.parse().ok())
            .flatten()
    })
}

/// True if process `pid` has a descriptor on socket `inode`.
fn has_socket(pid: u32, inode: u64) -> bool {
    let want = format!("socket:[{inode}]");
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .into_iter()
        .flatten()
        .flatten()
        .any(|e| std::fs::read_link(e.path()).is_ok_and(|t| t.as_os_str() == want.as_str()))
}

/// The command name in `/proc/PID/stat` (up to the first `)`).
fn stat_name(pid: u32) -> Option<String> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let start = stat.find('(')? + 1;
    let end = start + stat.get(start..)?.find(')')?;
    stat.get(start..end).map(str::to_owned)
}
