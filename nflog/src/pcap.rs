//! Logged packets to a pcap file that tcpdump and wireshark read: one
//! `LINKTYPE_NFLOG` record per message.
//!
//! ```text
//! file header (nfnl::pcap, link type 239 NFLOG)
//! record      | pcap record header | nfgenmsg (family, version, group be16) | NFULA_* attributes as received |
//! ```
//!
//! A `LINKTYPE_NFLOG` record is the log message without its `nlmsghdr`:
//! exactly the bytes the kernel sent, attributes in host order (the file is
//! in host order too, see [`nfnl::pcap`]). Readers decode the prefix,
//! the hook, the interfaces, the uid and the packet itself from it, so
//! nothing the kernel logged is lost. `tcpdump -r FILE` prints the packets
//! (`-v` adds the NFLOG fields); wireshark shows every attribute.

use std::io::{self, Write};
use std::time::SystemTime;

use nfnl::pcap::{self, LinkType};

use crate::LogMsg;

/// Writes [`LogMsg`]s to a pcap file as `LINKTYPE_NFLOG` records: the
/// generic [`nfnl::pcap::PcapWriter`] with the NFLOG link type.
///
/// Each record is stamped with the message's `NFULA_TIMESTAMP` if it has
/// one (the kernel sends it for packets that carry a receive time, usually
/// not for locally generated ones), else with the time it is written.
///
/// # Example
/// ```no_run
/// use std::fs::File;
/// use std::io::BufWriter;
/// use nfnl_log::{GroupConfig, Log, PcapWriter, Receive};
///
/// // iptables -A INPUT -p icmp -j NFLOG --nflog-group 5
/// let mut log = Log::open()?;
/// log.bind(&GroupConfig::new(5))?;
/// let mut pcap = PcapWriter::new(BufWriter::new(File::create("icmp.pcap")?))?;
/// for _ in 0..10 {
///     pcap.write_msg(&log.recv()?)?;
/// }
/// pcap.flush()?; // then: tcpdump -r icmp.pcap -nn
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct PcapWriter<W: Write> {
    inner: pcap::PcapWriter<W>,
}

impl<W: Write> PcapWriter<W> {
    /// Writes the pcap file header (link type `LINKTYPE_NFLOG`, 239) to
    /// `out`. Give it a `BufWriter` for a file.
    ///
    /// # Errors
    /// The output's write error.
    pub fn new(out: W) -> io::Result<Self> {
        Ok(PcapWriter {
            inner: pcap::PcapWriter::new(out, LinkType::NFLOG)?,
        })
    }

    /// Writes `msg` as one record: its `nfgenmsg` and attributes as
    /// received (`msg.nf().nl().payload()`).
    ///
    /// # Errors
    /// The output's write error.
    pub fn write_msg(&mut self, msg: &LogMsg<'_>) -> io::Result<()> {
        let record = msg.nf().nl().payload();
        let ts = msg.timestamp().unwrap_or_else(SystemTime::now);
        self.inner.record(ts, &[record], record.len())
    }

    /// Flushes the output (the file is then readable up to the last
    /// record written).
    ///
    /// # Errors
    /// The output's flush error.
    pub fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }

    /// Returns the output (not flushed).
    pub fn into_inner(self) -> W {
        self.inner.into_inner()
    }
}
