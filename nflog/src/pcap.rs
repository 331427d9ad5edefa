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

use std::io;
use std::time::SystemTime;

use nfnl::pcap::{LinkType, Record};

use crate::LogMsg;

/// A log message is one `LINKTYPE_NFLOG` record: its `nfgenmsg` and
/// attributes as received (`msg.nl_payload()`), stamped with its
/// `NFULA_TIMESTAMP` if it has one (the kernel sends it for packets that
/// carry a receive time, usually not for locally generated ones).
///
/// # Example
/// ```no_run
/// use std::fs::File;
/// use std::io::BufWriter;
/// use nfnl_log::{GroupConfig, LinkType, Log, PcapWriter, Receive};
///
/// // iptables -A INPUT -p icmp -j NFLOG --nflog-group 5
/// let mut log = Log::open()?;
/// log.bind(&GroupConfig::new(5))?;
/// let file = BufWriter::new(File::create("icmp.pcap")?);
/// let mut pcap = PcapWriter::new(file, LinkType::NFLOG)?;
/// for _ in 0..10 {
///     pcap.write(&log.recv()?)?;
/// }
/// pcap.flush()?; // then: tcpdump -r icmp.pcap -nn
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
impl Record for LogMsg<'_> {
    const LINK_TYPE: LinkType = LinkType::NFLOG;

    fn data(&self) -> io::Result<&[u8]> {
        Ok(self.nl_payload())
    }

    fn orig_len(&self) -> usize {
        self.nl_payload().len()
    }

    fn time(&self) -> Option<SystemTime> {
        self.timestamp()
    }
}
