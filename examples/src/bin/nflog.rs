//! The NFLOG program: prints each logged packet, counts them, or writes
//! them to a pcap file.
//!
//! Privileges: `CAP_NET_ADMIN` in the network namespace's owning user
//! namespace (root, or root inside `unshare -Urn`).
//!
//! Firewall rules it expects (group 0 by default), see `HELP`.
//!
//! Usage: `nflog [GROUP] [--count N] [--quiet] [-w FILE] [--size N] [--threshold N]
//! [--idle SECS] [--rcvbuf BYTES]`.

use nfnl_log::{ErrorExt, Receive};
use std::collections::HashMap;
use std::fs::File;
use std::io::BufWriter;
use std::process::ExitCode;
use std::time::Duration;

use nfnl_log::{CopyMode, GroupConfig, LinkType, Log, LogFlags, LogMsg, PcapWriter};

const HELP: &str = "\
nflog: print each packet logged to an NFLOG group

usage: nflog [GROUP] [--count N] [--quiet] [-w FILE] [--size N] [--threshold N]
             [--idle SECS] [--rcvbuf BYTES]
    GROUP           log group (default 0)
    --count N       exit after N packets
    --quiet         do not print packets; print the counts at exit
    -w FILE         write the packets to FILE in pcap format (link type
                    NFLOG: `tcpdump -r FILE`, wireshark)
    --size N        copy at most N bytes of each packet (default: all)
    --threshold N   let the kernel gather up to N packets per batch
    --idle SECS     exit after SECS seconds without a packet
    --rcvbuf BYTES  socket receive buffer (as root beyond rmem_max)

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
    idle: Option<u64>,
    rcvbuf: Option<usize>,
}

fn parse_args() -> Result<Option<Args>, String> {
    let mut args = Args {
        group: 0,
        count: None,
        quiet: false,
        pcap: None,
        size: None,
        threshold: None,
        idle: None,
        rcvbuf: None,
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
            "--idle" => args.idle = Some(num("--idle", it.next())?),
            "--rcvbuf" => args.rcvbuf = Some(num("--rcvbuf", it.next())?),
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

/// What the program does with each message.
struct Sink {
    pcap: Option<PcapWriter<BufWriter<File>>>,
    names: IfNames,
    quiet: bool,
    /// A file to write or lines to print: `show` runs for each message.
    show: bool,
    seen: u64,
    overruns: u64,
    /// Payload bytes received (what `--quiet` reports besides the count).
    bytes: u64,
}

impl Sink {
    #[inline(always)]
    fn message(&mut self, m: &LogMsg<'_>) -> std::io::Result<()> {
        self.seen += 1;
        self.bytes += m.payload().map_or(0, |p| p.len() as u64);
        if self.show {
            self.show(m)?;
        }
        Ok(())
    }

    /// Writes the message to the pcap file and prints it, as asked. Out of
    /// the receive loop: inlined, its locals spilled the loop's registers,
    /// a cost per message even with `--quiet` and no file.
    #[cold]
    #[inline(never)]
    fn show(&mut self, m: &LogMsg<'_>) -> std::io::Result<()> {
        if let Some(w) = &mut self.pcap {
            w.write(m)?;
            w.flush()?;
        }
        if !self.quiet {
            println!("{}", describe(m, &mut self.names));
        }
        Ok(())
    }

    /// Ok(false) when the program should stop (`--idle` passed). Out of
    /// the receive loop: inlined, the error's fields were split into values
    /// carried around the loop and moved on every message.
    #[cold]
    #[inline(never)]
    fn error(&mut self, e: nfnl_log::Error) -> Result<bool, nfnl_log::Error> {
        if e.is_timeout() {
            return Ok(false);
        }
        if !e.is_recoverable() {
            return Err(e);
        }
        self.overruns += u64::from(e.is_overrun());
        eprintln!("nflog: {e}");
        Ok(true)
    }
}

fn run(args: &Args) -> Result<(), Box<dyn std::error::Error>> {
    let pcap = match &args.pcap {
        Some(path) => Some(PcapWriter::new(
            BufWriter::new(File::create(path)?),
            LinkType::NFLOG,
        )?),
        None => None,
    };
    let pcap_on = pcap.is_some();
    let mut log = Log::open()?;
    let mut cfg = GroupConfig::new(args.group).flags(LogFlags::SEQ);
    if let Some(range) = args.size {
        cfg = cfg.copy(CopyMode::Packet { range });
    }
    if let Some(n) = args.threshold {
        cfg = cfg.threshold(n);
    }
    log.bind(&cfg)?;
    if let Some(bytes) = args.rcvbuf {
        if log.socket().set_recv_buffer_force(bytes).is_err() {
            log.socket().set_recv_buffer(bytes)?;
        }
    }
    eprintln!("nflog: listening on group {}", args.group);
    let mut sink = Sink {
        pcap,
        names: IfNames::default(),
        quiet: args.quiet,
        show: pcap_on || !args.quiet,
        seen: 0,
        overruns: 0,
        bytes: 0,
    };
    let idle = args.idle.map(Duration::from_secs);
    while args.count.is_none_or(|c| sink.seen < c) {
        // Without --idle one blocking receive system call per batch; with
        // it, a deadline (a clock read per message, a poll per batch).
        let next = match idle {
            Some(t) => log.recv_timeout(t),
            None => log.recv(),
        };
        let go_on = match next {
            Ok(m) => sink.message(&m).map(|()| true)?,
            Err(e) => sink.error(e)?,
        };
        if !go_on {
            break;
        }
    }
    log.close()?;
    if args.quiet {
        let (seen, overruns, bytes) = (sink.seen, sink.overruns, sink.bytes);
        println!("{seen} packets, {overruns} overruns, {bytes} payload bytes");
    }
    Ok(())
}

fn main() -> ExitCode {
    examples::cli::main("nflog", HELP, parse_args, |args| run(&args))
}
