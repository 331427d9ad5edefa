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

use std::io;
use std::time::SystemTime;

use nfnl::pcap::{LinkType, Record};

use crate::PacketMeta;

/// A queued packet is one `LINKTYPE_RAW` record: its payload
/// (`NFQA_PAYLOAD`, the packet from its IP header on) with the packet's
/// full length (a copy range may have cut the payload), stamped with its
/// `NFQA_TIMESTAMP` if it has one (the kernel sends it for packets that
/// carry a receive time, usually not for locally generated ones). A
/// [`Packet`](crate::Packet) dereferences to its [`PacketMeta`]; a
/// [`HeldPacket`](crate::HeldPacket) gives it with `meta()`.
///
/// [`PcapWriter::write`](nfnl::pcap::PcapWriter::write) refuses a packet
/// without payload (the queue copies only metadata,
/// [`CopyMode::Meta`](crate::CopyMode::Meta)) or whose payload is not IPv4
/// or IPv6 (a bridge queue's ARP, for instance) with `InvalidInput`, naming
/// the packet; nothing is written then.
///
/// # Example
/// ```no_run
/// use std::fs::File;
/// use std::io::BufWriter;
/// use nfnl_queue::{LinkType, PcapWriter, Queue, QueueConfig, Receive};
///
/// // iptables -A INPUT -p icmp -j NFQUEUE --queue-num 1
/// let mut queue = Queue::open()?;
/// queue.bind(&QueueConfig::new(1))?;
/// let file = BufWriter::new(File::create("queued.pcap")?);
/// let mut pcap = PcapWriter::new(file, LinkType::RAW)?;
/// for _ in 0..10 {
///     let packet = queue.recv()?;
///     pcap.write(&*packet)?;
///     packet.accept()?;
/// }
/// pcap.flush()?; // then: tcpdump -r queued.pcap -nn
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
impl Record for PacketMeta<'_> {
    const LINK_TYPE: LinkType = LinkType::RAW;

    fn data(&self) -> io::Result<&[u8]> {
        let invalid = |what: String| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "pcap record of queued packet {} (queue {}): {what}",
                    self.id(),
                    self.queue()
                ),
            )
        };
        let payload = self.payload().ok_or_else(|| {
            invalid("no payload (the queue's copy mode is Meta): nothing to write".into())
        })?;
        match payload.first().map(|b| b >> 4) {
            Some(4 | 6) => Ok(payload),
            _ => Err(invalid(format!(
                "not an IPv4 or IPv6 packet (hardware protocol 0x{:04x}), which \
                 LINKTYPE_RAW cannot carry",
                self.hw_protocol()
            ))),
        }
    }

    fn orig_len(&self) -> usize {
        self.len()
    }

    fn time(&self) -> Option<SystemTime> {
        self.timestamp()
    }
}
