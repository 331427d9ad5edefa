//! The classic NFQUEUE program: prints each queued packet and accepts it.
//!
//! Privileges: `CAP_NET_ADMIN` in the network namespace's owning user
//! namespace (root, or root inside `unshare -Urn`).
//!
//! Firewall rule it expects (queue 1 by default):
//!
//! ```text
//! iptables -A OUTPUT -p icmp -j NFQUEUE --queue-num 1
//! ```
//!
//! Usage: `nfqueue [QUEUE] [--count N] [--quiet] [-w FILE] [--gso | --no-gso]`.

use std::fs::File;
use std::io::BufWriter;
use std::process::ExitCode;

use nfnl_queue::{
    ErrorExt, LinkType, Packet, PcapWriter, Queue, QueueConfig, QueueFlags, Receive, Verdict,
};

const HELP: &str = "\
nfqueue: print each packet queued to an NFQUEUE queue and accept it

usage: nfqueue [QUEUE] [--count N] [--quiet] [-w FILE] [--gso | --no-gso]
    QUEUE       queue number (default 1)
    --count N   exit after N packets
    --quiet     do not print packets; print the count at exit
    -w FILE     also write the packets to FILE in pcap format (raw IP:
                `tcpdump -r FILE`, wireshark)
    --gso       ask for GSO super-packets whole (NFQA_CFG_F_GSO; the default)
    --no-gso    let the kernel segment them first (much slower for TCP)

Needs CAP_NET_ADMIN. Queue some traffic first, for example:
    iptables -A OUTPUT -p icmp -j NFQUEUE --queue-num 1
    ping -c 3 127.0.0.1
";

struct Args {
    queue: u16,
    count: Option<u64>,
    quiet: bool,
    pcap: Option<String>,
    /// `Some(on)` to set `QueueFlags::GSO` explicitly, `None` for the default configuration.
    gso: Option<bool>,
}

fn parse_args() -> Result<Option<Args>, String> {
    let mut args = Args {
        queue: 1,
        count: None,
        quiet: false,
        pcap: None,
        gso: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "-h" | "--help" => return Ok(None),
            "--quiet" | "-q" => args.quiet = true,
            "--gso" => args.gso = Some(true),
            "--no-gso" => args.gso = Some(false),
            "-w" => args.pcap = Some(it.next().ok_or("-w needs a file name")?),
            "--count" | "-c" => {
                let n = it.next().ok_or("--count needs a number")?;
                args.count = Some(n.parse().map_err(|_| format!("bad count `{n}`"))?);
            }
            n => args.queue = n.parse().map_err(|_| format!("bad queue number `{n}`"))?,
        }
    }
    Ok(Some(args))
}

fn run(args: &Args) -> Result<(), Box<dyn std::error::Error>> {
    let mut pcap = match &args.pcap {
        Some(path) => Some(PcapWriter::new(
            BufWriter::new(File::create(path)?),
            LinkType::RAW,
        )?),
        None => None,
    };
    let mut q = Queue::open()?;
    // An observer: a packet that is not decided (a bug) passes.
    q.set_default_verdict(Verdict::Accept);
    if args.quiet {
        // Room for bursts; larger than rmem_max needs CAP_NET_ADMIN.
        let want = 8 << 20;
        if q.socket().set_recv_buffer_force(want).is_err() {
            let _ = q.socket().set_recv_buffer(want);
        }
    }
    let mut config = QueueConfig::new(args.queue);
    if let Some(on) = args.gso {
        config.flags.set(QueueFlags::GSO, on);
    }
    q.bind(&config)?;
    if !args.quiet {
        eprintln!("nfqueue: listening on queue {}", args.queue);
    }
    let show = pcap.is_some() || !args.quiet;
    let mut seen = 0u64;
    while args.count.is_none_or(|c| seen < c) {
        // The packet is decided inside the match: not moved out of the
        // result first (fewer instructions per packet).
        match q.recv() {
            Ok(pkt) => {
                seen += 1;
                if show {
                    show_packet(&pkt, pcap.as_mut(), !args.quiet)?;
                }
                pkt.accept()?;
            }
            Err(e) => recoverable(e)?,
        }
    }
    q.close()?;
    if args.quiet {
        println!("{seen} packets");
    }
    Ok(())
}

/// Writes the packet to the pcap file and prints its line, as asked. Out
/// of the receive loop: inlined, its locals spilled the loop's registers,
/// a cost per packet even with `--quiet` and no file.
#[cold]
#[inline(never)]
fn show_packet(
    pkt: &Packet<'_>,
    pcap: Option<&mut PcapWriter<BufWriter<File>>>,
    print: bool,
) -> std::io::Result<()> {
    if let Some(w) = pcap {
        w.write(&**pkt)?;
        w.flush()?;
    }
    if !print {
        return Ok(());
    }
    let mut line = format!(
        "id={} queue={} hook={} hw=0x{:04x}",
        pkt.id(),
        pkt.queue(),
        pkt.hook().name(),
        pkt.hw_protocol()
    );
    match pkt.ip() {
        Some(ip) => {
            line += &format!(" {}", ip.protocol());
            match ip.ports() {
                Some((s, d)) => line += &format!(" {}:{} -> {}:{}", ip.src(), s, ip.dst(), d),
                None => line += &format!(" {} -> {}", ip.src(), ip.dst()),
            }
        }
        None => line += " (no ip header)",
    }
    line += &format!(" len={}", pkt.len());
    if pkt.is_truncated() {
        line += " truncated";
    }
    if let Some(m) = pkt.mark() {
        line += &format!(" mark=0x{m:x}");
    }
    if let Some(i) = pkt.indev() {
        line += &format!(" in={i}");
    }
    if let Some(o) = pkt.outdev() {
        line += &format!(" out={o}");
    }
    if let Some(u) = pkt.uid() {
        line += &format!(" uid={u}");
    }
    println!("{line}");
    Ok(())
}

/// Prints a recoverable receive error (the loop goes on); returns any
/// other. Out of the receive loop, as `show_packet`.
#[cold]
#[inline(never)]
fn recoverable(e: nfnl_queue::Error) -> Result<(), nfnl_queue::Error> {
    if !e.is_recoverable() {
        return Err(e);
    }
    eprintln!("nfqueue: {e}");
    Ok(())
}

fn main() -> ExitCode {
    examples::cli::main("nfqueue", HELP, parse_args, |args| run(&args))
}
