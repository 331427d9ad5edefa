//! An application firewall: holds each new outbound TCP/UDP connection,
//! finds the process that owns it, and decides by a small rule file or by
//! asking on the terminal, while other packets keep flowing.
//!
//! Privileges: `CAP_NET_ADMIN` (and read access to `/proc/*/fd` of other
//! users' processes to name them: root).
//!
//! Firewall rule it expects (queue 3 by default; only new connections are
//! queued, so established traffic never waits):
//!
//! ```text
//! iptables -A OUTPUT -p tcp -m conntrack --ctstate NEW -j NFQUEUE --queue-num 3
//! iptables -A OUTPUT -p udp -m conntrack --ctstate NEW -j NFQUEUE --queue-num 3
//! ```
//!
//! Usage: `nfq_firewall [QUEUE] [--rules FILE] [--ask]`. Rule file lines
//! (first match wins; `#` comments):
//!
//! ```text
//! allow curl
//! deny  nc
//! mark  ssh 0x10        # accept with packet mark 0x10
//! allow uid 1000
//! default deny          # or allow / ask
//! ```
//!
//! How it works: the queue has the `UID_GID` flag, so each packet says the
//! owning socket's uid. The local port is looked up in `/proc/net/tcp`,
//! `udp`, `tcp6`, `udp6` to find the socket inode, and `/proc/*/fd` to find
//! the process. Held packets are owned [`nfnl_queue::HeldPacket`]s handed to a
//! decision thread; the receive loop never waits for a decision, and an
//! undecided packet (the thread dies, the program exits) is dropped.

use nfnl_queue::{ErrorExt, Receive};
use std::collections::HashMap;
use std::io::{BufRead, Write};
use std::process::ExitCode;
use std::sync::mpsc;

use nfnl_queue::{HeldPacket, IpProto, Queue, QueueConfig, QueueFlags, Verdict};

#[derive(Debug, Clone, PartialEq, Eq)]
enum Action {
    Allow,
    Deny,
    Mark(u32),
    Ask,
}

#[derive(Debug, Clone)]
enum Match {
    Comm(String),
    Uid(u32),
}

#[derive(Debug, Default)]
struct Rules {
    rules: Vec<(Match, Action)>,
    default: Option<Action>,
}

impl Rules {
    fn parse(text: &str) -> Result<Self, String> {
        let mut r = Rules::default();
        for (n, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or("").trim();
            let w: Vec<&str> = line.split_whitespace().collect();
            let bad = || format!("rule file line {}: `{line}`", n + 1);
            let act = |s: &str| match s {
                "allow" => Some(Action::Allow),
                "deny" => Some(Action::Deny),
                "ask" => Some(Action::Ask),
                _ => None,
            };
            match w.as_slice() {
                [] => {}
                ["default", a] => r.default = Some(act(a).ok_or_else(bad)?),
                ["mark", comm, m] => {
                    let m =
                        u32::from_str_radix(m.trim_start_matches("0x"), 16).map_err(|_| bad())?;
                    r.rules.push((Match::Comm((*comm).into()), Action::Mark(m)));
                }
                [a, "uid", u] => r.rules.push((
                    Match::Uid(u.parse().map_err(|_| bad())?),
                    act(a).ok_or_else(bad)?,
                )),
                [a, comm] => r
                    .rules
                    .push((Match::Comm((*comm).into()), act(a).ok_or_else(bad)?)),
                _ => return Err(bad()),
            }
        }
        Ok(r)
    }

    fn decide(&self, comm: Option<&str>, uid: Option<u32>, ask: bool) -> Action {
        for (m, a) in &self.rules {
            let hit = match m {
                Match::Comm(c) => comm == Some(c.as_str()),
                Match::Uid(u) => uid == Some(*u),
            };
            if hit {
                return a.clone();
            }
        }
        match &self.default {
            Some(a) => a.clone(),
            None if ask => Action::Ask,
            None => Action::Deny,
        }
    }
}

/// The socket inode bound to local `port` of `proto` ("tcp"/"udp"), from
/// `/proc/net/{proto}` and `/proc/net/{proto}6`.
fn socket_inode(proto: &str, port: u16) -> Option<u64> {
    for file in [format!("/proc/net/{proto}"), format!("/proc/net/{proto}6")] {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        for line in text.lines().skip(1) {
            let f: Vec<&str> = line.split_whitespace().collect();
            let (Some(local), Some(inode)) = (f.get(1), f.get(9)) else {
                continue;
            };
            let lport = local
                .rsplit(':')
                .next()
                .and_then(|p| u16::from_str_radix(p, 16).ok());
            if lport == Some(port) {
                if let Ok(i) = inode.parse::<u64>() {
                    if i != 0 {
                        return Some(i);
                    }
                }
            }
        }
    }
    None
}

/// The pid and command name of the process holding socket `inode`.
fn process_of(inode: u64) -> Option<(u32, String)> {
    let want = format!("socket:[{inode}]");
    for entry in std::fs::read_dir("/proc").ok()?.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(fds) = std::fs::read_dir(format!("/proc/{pid}/fd")) else {
            continue;
        };
        for fd in fds.flatten() {
            if std::fs::read_link(fd.path()).is_ok_and(|l| l.as_os_str() == want.as_str()) {
                let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).ok()?;
                return Some((pid, comm.trim().to_string()));
            }
        }
    }
    None
}

struct Pending {
    pkt: HeldPacket,
    summary: String,
    proto: &'static str,
    sport: Option<u16>,
    uid: Option<u32>,
}

fn ask_user(summary: &str) -> Action {
    print!("{summary}\n  allow? [y/N] ");
    let _ = std::io::stdout().flush();
    let mut line = String::new();
    match std::io::stdin().lock().read_line(&mut line) {
        Ok(_) if line.trim().eq_ignore_ascii_case("y") => Action::Allow,
        _ => Action::Deny,
    }
}

fn decider(rx: mpsc::Receiver<Pending>, rules: Rules, ask: bool) {
    let mut remembered: HashMap<String, Action> = HashMap::new();
    for p in rx {
        let owner = p
            .sport
            .and_then(|port| socket_inode(p.proto, port))
            .and_then(process_of);
        let comm = owner.as_ref().map(|(_, c)| c.as_str());
        let mut action = rules.decide(comm, p.uid, ask);
        if action == Action::Ask {
            let key = comm.unwrap_or("?").to_string();
            action = match remembered.get(&key) {
                Some(a) => a.clone(),
                None => {
                    let who = owner
                        .as_ref()
                        .map_or("unknown process".to_string(), |(pid, c)| {
                            format!("{c} (pid {pid})")
                        });
                    let a = ask_user(&format!("{who}: {}", p.summary));
                    remembered.insert(key, a.clone());
                    a
                }
            };
        }
        let who = comm.unwrap_or("?");
        let r = match action {
            Action::Allow | Action::Ask => p.pkt.accept(),
            Action::Deny => p.pkt.drop_packet(),
            Action::Mark(m) => p.pkt.verdict(Verdict::Accept.mark(m)),
        };
        println!("{} {who} uid={:?}: {action:?}", p.summary, p.uid);
        if let Err(e) = r {
            eprintln!("nfq_firewall: verdict: {e}");
        }
    }
}

fn run(queue: u16, rules: Rules, ask: bool) -> Result<(), nfnl_queue::Error> {
    let mut q = Queue::open()?;
    // Fail closed: a connection nobody decided on does not go out.
    q.set_default_verdict(Verdict::Drop);
    q.bind(&QueueConfig::new(queue).flags(QueueFlags::UID_GID))?;
    eprintln!("nfq_firewall: deciding new connections on queue {queue}");
    let (tx, rx) = mpsc::channel();
    let worker = std::thread::spawn(move || decider(rx, rules, ask));
    loop {
        let pkt = match q.recv() {
            Ok(p) => p,
            Err(e) if e.is_recoverable() => {
                eprintln!("nfq_firewall: {e}");
                continue;
            }
            Err(e) => return Err(e),
        };
        let Some(ip) = pkt.ip() else {
            pkt.accept()?;
            continue;
        };
        let proto = match ip.protocol() {
            IpProto::TCP => "tcp",
            IpProto::UDP => "udp",
            _ => {
                pkt.accept()?;
                continue;
            }
        };
        let summary = format!(
            "{proto} {}:{} -> {}:{}",
            ip.src(),
            ip.src_port().unwrap_or(0),
            ip.dst(),
            ip.dst_port().unwrap_or(0)
        );
        let uid = pkt.uid();
        let pending = Pending {
            pkt: pkt.hold(),
            summary,
            proto,
            sport: ip.src_port(),
            uid,
        };
        if tx.send(pending).is_err() {
            break; // the decider is gone; the held packet got the default verdict
        }
    }
    drop(tx);
    let _ = worker.join();
    Ok(())
}

fn main() -> ExitCode {
    let mut queue = 3u16;
    let mut rules_file = None;
    let mut ask = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "-h" | "--help" => {
                println!(
                    "usage: nfq_firewall [QUEUE] [--rules FILE] [--ask]\n\
                     rules: iptables -A OUTPUT -p tcp -m conntrack --ctstate NEW -j NFQUEUE --queue-num 3\n\
                     \x20      iptables -A OUTPUT -p udp -m conntrack --ctstate NEW -j NFQUEUE --queue-num 3"
                );
                return ExitCode::SUCCESS;
            }
            "--rules" => rules_file = args.next(),
            "--ask" => ask = true,
            n => match n.parse() {
                Ok(q) => queue = q,
                Err(_) => {
                    eprintln!("nfq_firewall: bad queue number `{n}`");
                    return ExitCode::from(2);
                }
            },
        }
    }
    let rules = match rules_file.map(std::fs::read_to_string).transpose() {
        Ok(text) => match Rules::parse(text.as_deref().unwrap_or("")) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("nfq_firewall: {e}");
                return ExitCode::from(2);
            }
        },
        Err(e) => {
            eprintln!("nfq_firewall: cannot read rules: {e}");
            return ExitCode::from(2);
        }
    };
    match run(queue, rules, ask) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("nfq_firewall: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_file() {
        let r =
            Rules::parse("allow curl\nmark ssh 0x10 # c\ndeny uid 7\n\ndefault allow\n").unwrap();
        assert_eq!(r.decide(Some("curl"), None, false), Action::Allow);
        assert_eq!(r.decide(Some("ssh"), None, false), Action::Mark(0x10));
        assert_eq!(r.decide(None, Some(7), false), Action::Deny);
        assert_eq!(r.decide(Some("x"), None, false), Action::Allow);
        assert!(Rules::parse("frobnicate").is_err());
        assert_eq!(
            Rules::parse("").unwrap().decide(None, None, true),
            Action::Ask
        );
    }
}
