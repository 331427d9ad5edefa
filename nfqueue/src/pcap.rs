//! Queued packets to a pcap file that tcpdump and wireshark read: one
//! `LINKTYPE_RAW` record per packet.
//!
//! ```text
//! file header (nfnl::pcap, link type 101 RAW)
//! record      | pcap record header (orig_len = the packet's full length) | NFQA_PAYLOAD: the IPv4 or IPv6 packet |
//! ```
//!
//! **Why `LINKTYPE_RAW`.** A queued packet's payload starts at its network
//! header, without a link-layer header, and a queue carries IPv4 and IPv6
//! alike. `LINKTYPE_RAW` (101) is "an IPv4 or IPv6 packet, by its version
//! nibble": one file holds both families and every tcpdump and wireshark
//! reads it. `LINKTYPE_IPV4`/`LINKTYPE_IPV6` (228/229) would need one file
//! per family and are not known to old readers. The queue's metadata (id,
//! hook, mark, interfaces) has no place in this link type; print it beside
//! the file if you need it.

use std::io::{self, Write};
use std::time::SystemTime;

use nfnl::pcap::{self, LinkType};

use crate::PacketMeta;

/// Writes queued packets to a pcap file as `LINKTYPE_RAW` records (the
/// packet from its IP header on): the generic [`nfnl::pcap::PcapWriter`]
/// with the raw IP link type.
///
/// Each record is stamped with the packet's `NFQA_TIMESTAMP` if it has one
/// (the kernel sends it for packets that carry a receive time, usually not
/// for locally generated ones), else with the time it is written, and keeps the packet's full length
/// ([`PacketMeta::len`]) when the copy range cut it.
///
/// # Example
/// ```no_run
/// use std::fs::File;
/// use std::io::BufWriter;
/// use nfnl_queue::{PcapWriter, Queue, QueueConfig, Receive};
///
/// // iptables -A INPUT -p icmp -j NFQUEUE --queue-num 1
/// let mut queue = Queue::open()?;
/// queue.bind(&QueueConfig::new(1))?;
/// let mut pcap = PcapWriter::new(BufWriter::new(File::create("queued.pcap")?))?;
/// for _ in 0..10 {
///     let packet = queue.recv()?;
///     pcap.write_packet(&packet)?;
///     packet.accept()?;
/// }
/// pcap.flush()?; // then: tcpdump -r queued.pcap -nn
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct PcapWriter<W: Write> {
    inner: pcap::PcapWriter<W>,
}

impl<W: Write> PcapWriter<W> {
    /// Writes the pcap file header (link type `LINKTYPE_RAW`, 101) to
    /// `out`. Give it a `BufWriter` for a file.
    ///
    /// # Errors
    /// The output's write error.
    pub fn new(out: W) -> io::Result<Self> {
        Ok(PcapWriter {
            inner: pcap::PcapWriter::new(out, LinkType::RAW)?,
        })
    }

    /// Writes `packet`'s payload (`NFQA_PAYLOAD`) as one record. A
    /// [`Packet`](crate::Packet) dereferences to its [`PacketMeta`], and a
    /// [`HeldPacket`](crate::HeldPacket) gives it with `meta()`.
    ///
    /// # Errors
    /// `InvalidInput`, naming the packet, if it has no payload (the queue
    /// copies only metadata, [`CopyMode::Meta`](crate::CopyMode::Meta)) or
    /// the payload is not an IPv4 or IPv6 packet (a bridge queue's ARP, for
    /// instance); nothing is written then. Otherwise the output's write
    /// error.
    pub fn write_packet(&mut self, packet: &PacketMeta<'_>) -> io::Result<()> {
        let invalid = |what: String| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "pcap record of queued packet {} (queue {}): {what}",
                    packet.id(),
                    packet.queue()
                ),
            )
        };
        let payload = packet.payload().ok_or_else(|| {
            invalid("no payload (the queue's copy mode is Meta): nothing to write".into())
        })?;
        match payload.first().map(|b| b >> 4) {
            Some(4 | 6) => {}
            _ => {
                return Err(invalid(format!(
                    "not an IPv4 or IPv6 packet (hardware protocol 0x{:04x}), which \
                     LINKTYPE_RAW cannot carry",
                    packet.hw_protocol()
                )))
            }
        }
        let ts = packet.timestamp().unwrap_or_else(SystemTime::now);
        self.inner.record(ts, &[payload], packet.len())
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
