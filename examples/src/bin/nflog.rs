//! The NFLOG program: prints each logged packet, counts them, or writes
//! them to a pcap file.
//!
//! Privileges: `CAP_NET_ADMIN` in the network namespace's owning user
//! namespace (root, or root inside `unshare -Urn`).
//!
//! Firewall rules it expects (group 0 by default), see `HELP`.
//!
//! Usage: `nflog [GROUP] [--count N] [--quiet] [-w FILE] [--size N] [--threshold N]`.

use std::collections::HashMap;
use std::fs::File;
use std::io::BufWriter;
use std::process::ExitCode;
use std::time::SystemTime;

use examples::pcap::{PcapWriter, LINKTYPE_NFLOG};
use nflog::{CopyMode, GroupConfig, Log, LogFlags, LogMsg};

const HELP: &str = "\
nflog: print each packet logged to an NFLOG group

usage: nflog [GROUP] [--count N] [--quiet] [-w FILE] [--size N] [--threshold N]
    GROUP           log group (default 0)
    --count N       exit after N packets
    --quiet         do not print packets; print the counts at exit
    -w FILE         write the packets to FILE in pcap format (link type
                    NFLOG: `tcpdump -r FILE`, wireshark)
    --size N        copy at most N bytes of each packet (default: all)
    --threshold N   let the kernel gather up to N packets per batch

One line per packet: group, prefix, hook, interfaces, protocol, addresses
and ports, length (and mark, uid, sequence number when present).
Lost messages (receive buffer overruns) are reported on stderr.

Needs CAP_NET_ADMIN. Log some traffic first, for example:
    iptables -A INPUT -p icmp -j NFLOG --nflog-group 0 --nflog-prefix ping
    nft add table inet t
    nft add chain inet t c '{ type filter hook input priority 0; }'
    nft add rule inet t c udp dport 53 log group 0 prefix dns
    ping -c 3 127.0.0.1
";

struct Args {
    group: u16,
    count: Option<u64>,
    quiet: bool,
    pcap: Option<String>,
    size: Option<u16>,
    threshold: Option<u32>,
}

fn parse_args() -> Result<Option<Args>, String> {
    let mut args = Args {
        group: 0,
        count: None,
        quiet: false,
        pcap: None,
        size: None,
        threshold: None,
    };
    let mut it = std::env::args().skip(1);
    fn num<T: std::str::FromStr>(flag: &str, v: Option<String>) -> Result<T, String> {
        let v = v.ok_or(format!("{flag} needs a number"))?;
        v.parse().map_err(|_| format!("bad {flag} `{v}`"))
    }
    while let Some(a) = it.next() {
        match a.as_str() {
            "-h" | "--help" => return Ok(None),
            "--quiet" | "-q" => args.quiet = true,
            "--count" | "-c" => args.count = Some(num("--count", it.next())?),
            "--size" | "-s" => args.size = Some(num("--size", it.next())?),
            "--threshold" => args.threshold = Some(num("--threshold", it.next())?),
            "-w" => args.pcap = Some(it.next().ok_or("-w needs a file name")?),
            g => args.group = num("group", Some(g.to_string()))?,
        }
    }
    Ok(Some(args))
}

/// Interface names by index, looked up once each.
#[derive(Default)]
struct IfNames(HashMap<u32, String>);

impl IfNames {
    fn get(&mut self, index: Option<u32>) -> String {
        let Some(i) = index else {
            return "-".into();
        };
        self.0
            .entry(i)
            .or_insert_with(|| match nix::net::if_::if_indextoname(i) {
                Ok(n) => n.to_string_lossy().into_owned(),
                Err(_) => i.to_string(),
            })
            .clone()
    }
}

fn describe(m: &LogMsg<'_>, names: &mut IfNames) -> String {
    let mut line = format!(
        "group={} prefix={:?} hook={} in={} out={}",
        m.group(),
        String::from_utf8_lossy(m.prefix().unwrap_or_default()),
        m.hook().name(),
        names.get(m.indev()),
        names.get(m.outdev()),
    );
    match m.ip() {
        Some(ip) => match ip.ports() {
            Some((s, d)) => {
                let (src, dst) = (ip.src(), ip.dst());
                line += &format!(" {} {src}:{s} -> {dst}:{d}", ip.protocol());
            }
            None => line += &format!(" {} {} -> {}", ip.protocol(), ip.src(), ip.dst()),
        },
        None => line += &format!(" hw=0x{:04x}", m.hw_protocol()),
    }
    if let Some(n) = m.packet_len() {
        line += &format!(" len={n}");
    }
    if let Some(mark) = m.mark() {
        line += &format!(" mark=0x{mark:x}");
    }
    if let Some(uid) = m.uid() {
        line += &format!(" uid={uid}");
    }
    if let Some(seq) = m.seq() {
        line += &format!(" seq={seq}");
    }
    line
}

fn run(args: &Args) -> Result<(), Box<dyn std::error::Error>> {
    let mut pcap = match &args.pcap {
        Some(path) => Some(PcapWriter::new(
            BufWriter::new(File::create(path)?),
            LINKTYPE_NFLOG,
        )?),
        None => None,
    };
    let mut log = Log::open()?;
    let mut cfg = GroupConfig::new(args.group).flags(LogFlags::SEQ);
    if let Some(range) = args.size {
        cfg = cfg.copy(CopyMode::Packet { range });
    }
    if let Some(n) = args.threshold {
        cfg = cfg.threshold(n);
    }
    log.bind(&cfg)?;
    eprintln!("nflog: listening on group {}", args.group);
    let mut names = IfNames::default();
    let (mut seen, mut overruns) = (0u64, 0u64);
    while args.count.map_or(true, |c| seen < c) {
        let m = match log.recv() {
            Ok(m) => m,
            Err(e) if e.is_recoverable() => {
                overruns += u64::from(e.is_overrun());
                eprintln!("nflog: {e}");
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        seen += 1;
        if let Some(w) = &mut pcap {
            // LINKTYPE_NFLOG: the nfgenmsg and the attributes, as received.
            let record = m.nf().nl().payload();
            let ts = m.timestamp().unwrap_or_else(SystemTime::now);
            w.record(ts, &[record], 0)?;
            w.flush()?;
        }
        if !args.quiet {
            println!("{}", describe(&m, &mut names));
        }
    }
    log.close()?;
    if args.quiet {
        println!("{seen} packets, {overruns} overruns");
    }
    Ok(())
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(Some(a)) => a,
        Ok(None) => {
            print!("{HELP}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("nflog: {e}\n\n{HELP}");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("nflog: {e}");
            ExitCode::FAILURE
        }
    }
}
