//! A pcap file writer: the classic libpcap capture format that tcpdump,
//! wireshark and every capture tool read, for packets a netfilter
//! subsystem hands to user space.
//!
//! The subsystem crates say how their messages are records ([`Record`]):
//! nfnl-log's `LogMsg` is a [`LinkType::NFLOG`] record, nfnl-queue's
//! `PacketMeta` (and so a `Packet`) a [`LinkType::RAW`] IP packet; they
//! re-export this writer. [`PcapWriter::write`] writes one of those,
//! [`PcapWriter::record`] any record you build yourself.
//!
//! # Format
//! ```text
//! file   | magic 0xa1b2c3d4 u32 | major 2 u16 | minor 4 u16 | thiszone i32 = 0 | sigfigs u32 = 0 | snaplen u32 | linktype u32 |
//! record | ts_sec u32 | ts_usec u32 | incl_len u32 | orig_len u32 | incl_len bytes of data |
//! ```
//!
//! - **Timestamps in microseconds** (magic `0xa1b2c3d4`, not the nanosecond
//!   variant `0xa1b23c4d`): the kernel's packet timestamps for NFLOG and
//!   NFQUEUE (`NFULA_TIMESTAMP`, `NFQA_TIMESTAMP`) are seconds and
//!   microseconds, so nanoseconds would add zeros, and every reader,
//!   however old, reads this variant. Times before 1970 are written as 0,
//!   times past 2106 (32-bit seconds) as the largest second.
//! - **Host byte order** for every field: the magic tells readers which.
//!   That matters for [`LinkType::NFLOG`], whose records carry netlink
//!   attributes in host order: readers swap them along with the headers,
//!   so the file must be in host order throughout.
//! - **Snaplen** [`DEFAULT_SNAPLEN`] (libpcap's own maximum) unless chosen
//!   with [`PcapWriter::with_snaplen`]; a longer record is cut to the
//!   snaplen and keeps its full length in `orig_len`, as a capture does.
//!
//! Nothing is buffered here: give the writer a `BufWriter` for files and
//! call [`PcapWriter::flush`] when the file must be readable.
//!
//! # Example
//! ```
//! use std::time::{Duration, UNIX_EPOCH};
//! use nfnl::pcap::{LinkType, PcapWriter};
//!
//! let mut w = PcapWriter::new(Vec::new(), LinkType::RAW)?;
//! let ts = UNIX_EPOCH + Duration::from_micros(1_700_000_000_000_001);
//! let packet = [0x45u8, 0, 0, 20, 0, 0, 0, 0, 64, 1, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1];
//! w.record(ts, &[&packet], packet.len())?;
//! let file = w.into_inner();
//! assert_eq!(file.len(), 24 + 16 + 20); // file header, record header, packet
//! # Ok::<(), std::io::Error>(())
//! ```

use std::fmt;
use std::io::{self, Write};
use std::time::{SystemTime, UNIX_EPOCH};

/// The magic number of a pcap file with microsecond timestamps, in the
/// writer's byte order.
pub const MAGIC_MICROS: u32 = 0xa1b2_c3d4;

/// The format version written: 2.4, the only one in use.
pub const VERSION: (u16, u16) = (2, 4);

/// Length of the file header.
pub const FILE_HEADER_LEN: usize = 24;

/// Length of each record's header.
pub const RECORD_HEADER_LEN: usize = 16;

/// The snaplen [`PcapWriter::new`] declares: 262,144 bytes, libpcap's
/// `MAXIMUM_SNAPLEN`, more than any netlink attribute can carry.
pub const DEFAULT_SNAPLEN: u32 = 262_144;

/// A pcap link type (`LINKTYPE_*` in the tcpdump.org registry): what each
/// record's data starts with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LinkType(pub u32);

impl LinkType {
    /// `LINKTYPE_ETHERNET` (1): an Ethernet frame.
    pub const ETHERNET: LinkType = LinkType(1);
    /// `LINKTYPE_RAW` (101): an IPv4 or IPv6 packet, told apart by its
    /// version nibble.
    pub const RAW: LinkType = LinkType(101);
    /// `LINKTYPE_IPV4` (228): an IPv4 packet.
    pub const IPV4: LinkType = LinkType(228);
    /// `LINKTYPE_IPV6` (229): an IPv6 packet.
    pub const IPV6: LinkType = LinkType(229);
    /// `LINKTYPE_NFLOG` (239): an NFLOG message without its `nlmsghdr`:
    /// the `nfgenmsg` (family, version, group in big endian) and the
    /// `NFULA_*` attributes, in host order.
    pub const NFLOG: LinkType = LinkType(239);
}

impl fmt::Display for LinkType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            LinkType::ETHERNET => f.write_str("LINKTYPE_ETHERNET"),
            LinkType::RAW => f.write_str("LINKTYPE_RAW"),
            LinkType::IPV4 => f.write_str("LINKTYPE_IPV4"),
            LinkType::IPV6 => f.write_str("LINKTYPE_IPV6"),
            LinkType::NFLOG => f.write_str("LINKTYPE_NFLOG"),
            LinkType(n) => write!(f, "link type {n}"),
        }
    }
}

/// A message that is one pcap record of a known link type: what a
/// subsystem crate implements for its packets so that
/// [`PcapWriter::write`] takes them.
pub trait Record {
    /// The link type of a file of such records.
    const LINK_TYPE: LinkType;

    /// The record's data.
    ///
    /// # Errors
    /// `InvalidInput`, naming the message, when this one cannot be a record
    /// of [`Record::LINK_TYPE`] (a queued packet without payload, or not IP).
    fn data(&self) -> io::Result<&[u8]>;

    /// The packet's length before a copy range cut it (at least the
    /// data's).
    fn orig_len(&self) -> usize;

    /// When the kernel saw the packet, if it said (the writer uses the
    /// time of writing otherwise).
    fn time(&self) -> Option<SystemTime>;
}

/// Writes a pcap file to `W`: the file header when created, then one
/// record per [`PcapWriter::write`] or [`PcapWriter::record`] (see the
/// [module](self) for the format).
#[derive(Debug)]
pub struct PcapWriter<W: Write> {
    out: W,
    link: LinkType,
    snaplen: u32,
}

impl<W: Write> PcapWriter<W> {
    /// Writes the file header for `link` with the [`DEFAULT_SNAPLEN`].
    ///
    /// # Errors
    /// The output's write error.
    pub fn new(out: W, link: LinkType) -> io::Result<Self> {
        Self::with_snaplen(out, link, DEFAULT_SNAPLEN)
    }

    /// Writes the file header for `link`, declaring records of at most
    /// `snaplen` bytes (longer ones are cut).
    ///
    /// # Errors
    /// `InvalidInput` for a snaplen of 0; the output's write error.
    pub fn with_snaplen(mut out: W, link: LinkType, snaplen: u32) -> io::Result<Self> {
        if snaplen == 0 {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "pcap file header: the snaplen must be at least 1",
            ));
        }
        let mut h = [0u8; FILE_HEADER_LEN];
        h[0..4].copy_from_slice(&MAGIC_MICROS.to_ne_bytes());
        h[4..6].copy_from_slice(&VERSION.0.to_ne_bytes());
        h[6..8].copy_from_slice(&VERSION.1.to_ne_bytes());
        // thiszone (8..12) and sigfigs (12..16) stay 0: timestamps are UTC.
        h[16..20].copy_from_slice(&snaplen.to_ne_bytes());
        h[20..24].copy_from_slice(&link.0.to_ne_bytes());
        out.write_all(&h)?;
        Ok(PcapWriter { out, link, snaplen })
    }

    /// Writes one record stamped `ts`, whose data is `parts` one after the
    /// other (so a header can go in front of borrowed bytes without a
    /// copy); `orig_len` is the packet's length before any truncation
    /// (the data's length if smaller). Data beyond the snaplen is cut.
    ///
    /// # Errors
    /// The output's write error (the file then ends with part of a record).
    pub fn record(&mut self, ts: SystemTime, parts: &[&[u8]], orig_len: usize) -> io::Result<()> {
        let total = parts.iter().fold(0usize, |n, p| n.saturating_add(p.len()));
        let snap = usize::try_from(self.snaplen).unwrap_or(usize::MAX);
        let incl = total.min(snap);
        let orig = orig_len.max(total);
        let since = ts.duration_since(UNIX_EPOCH).unwrap_or_default();
        let secs = u32::try_from(since.as_secs()).unwrap_or(u32::MAX);
        let mut h = [0u8; RECORD_HEADER_LEN];
        h[0..4].copy_from_slice(&secs.to_ne_bytes());
        h[4..8].copy_from_slice(&since.subsec_micros().to_ne_bytes());
        // incl <= snaplen, a u32.
        h[8..12].copy_from_slice(&u32::try_from(incl).unwrap_or(self.snaplen).to_ne_bytes());
        h[12..16].copy_from_slice(&u32::try_from(orig).unwrap_or(u32::MAX).to_ne_bytes());
        self.out.write_all(&h)?;
        let mut left = incl;
        for p in parts {
            let n = p.len().min(left);
            self.out.write_all(&p[..n])?;
            left -= n;
            if left == 0 {
                break;
            }
        }
        Ok(())
    }

    /// Writes `r` as one record, stamped with its time (or the time of
    /// writing when the kernel gave none).
    ///
    /// # Errors
    /// `InvalidInput` when the file is of another link type than `R`'s or
    /// `r` cannot be a record (nothing is written then); the output's write
    /// error.
    pub fn write<R: Record + ?Sized>(&mut self, r: &R) -> io::Result<()> {
        if R::LINK_TYPE != self.link {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "pcap record of link type {} in a file of link type {}",
                    R::LINK_TYPE,
                    self.link
                ),
            ));
        }
        let data = r.data()?;
        let ts = r.time().unwrap_or_else(SystemTime::now);
        self.record(ts, &[data], r.orig_len())
    }

    /// The link type the file header declares.
    pub fn link_type(&self) -> LinkType {
        self.link
    }

    /// The snaplen the file header declares.
    pub fn snaplen(&self) -> u32 {
        self.snaplen
    }

    /// Flushes the output.
    ///
    /// # Errors
    /// The output's flush error.
    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    /// The output, for instance to sync a file.
    pub fn get_mut(&mut self) -> &mut W {
        &mut self.out
    }

    /// Returns the output (not flushed: call [`PcapWriter::flush`] first
    /// for a `BufWriter`, or use `BufWriter::into_inner`).
    pub fn into_inner(self) -> W {
        self.out
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn u32_at(b: &[u8], i: usize) -> u32 {
        u32::from_ne_bytes(b[i..i + 4].try_into().unwrap())
    }

    fn u16_at(b: &[u8], i: usize) -> u16 {
        u16::from_ne_bytes(b[i..i + 2].try_into().unwrap())
    }

    /// A byte fixture written by hand: the header and one record as a
    /// little-endian machine writes them, checked byte by byte.
    #[test]
    #[cfg(target_endian = "little")]
    fn file_matches_fixture_bytes() {
        let mut w = PcapWriter::new(Vec::new(), LinkType::NFLOG).unwrap();
        let ts = UNIX_EPOCH + Duration::new(0x6543_2101, 999_999_999);
        w.record(ts, &[&[2, 0, 0, 7], &[0xaa]], 0).unwrap();
        let expected: &[u8] = &[
            0xd4, 0xc3, 0xb2, 0xa1, // magic
            2, 0, 4, 0, // version 2.4
            0, 0, 0, 0, 0, 0, 0, 0, // thiszone, sigfigs
            0, 0, 4, 0, // snaplen 262144
            239, 0, 0, 0, // LINKTYPE_NFLOG
            0x01, 0x21, 0x43, 0x65, // ts_sec
            0x3f, 0x42, 0x0f, 0x00, // ts_usec 999999 (nanoseconds truncated)
            5, 0, 0, 0, // incl_len
            5, 0, 0, 0, // orig_len
            2, 0, 0, 7, 0xaa,
        ];
        assert_eq!(w.into_inner(), expected);
    }

    #[test]
    fn header_and_records_in_host_order() {
        let mut w = PcapWriter::new(Vec::new(), LinkType::RAW).unwrap();
        assert_eq!(
            (w.link_type(), w.snaplen()),
            (LinkType::RAW, DEFAULT_SNAPLEN)
        );
        let ts = UNIX_EPOCH + Duration::from_micros(1_700_000_000_123_456);
        w.record(ts, &[&[1, 2], &[], &[3]], 0).unwrap();
        w.record(ts, &[b"abcd"], 1500).unwrap();
        let b = w.into_inner();
        assert_eq!(b.len(), 24 + 16 + 3 + 16 + 4);
        assert_eq!(u32_at(&b, 0), MAGIC_MICROS);
        assert_eq!((u16_at(&b, 4), u16_at(&b, 6)), VERSION);
        assert_eq!((u32_at(&b, 8), u32_at(&b, 12)), (0, 0));
        assert_eq!((u32_at(&b, 16), u32_at(&b, 20)), (DEFAULT_SNAPLEN, 101));
        assert_eq!((u32_at(&b, 24), u32_at(&b, 28)), (1_700_000_000, 123_456));
        assert_eq!((u32_at(&b, 32), u32_at(&b, 36)), (3, 3));
        assert_eq!(&b[40..43], &[1, 2, 3]);
        assert_eq!((u32_at(&b, 51), u32_at(&b, 55)), (4, 1500));
        assert_eq!(&b[59..], b"abcd");
    }

    #[test]
    fn records_longer_than_the_snaplen_are_cut_and_keep_their_length() {
        let mut w = PcapWriter::with_snaplen(Vec::new(), LinkType::IPV4, 5).unwrap();
        w.record(UNIX_EPOCH, &[&[1, 2, 3], &[4, 5, 6], &[7]], 100)
            .unwrap();
        w.record(UNIX_EPOCH, &[&[9; 5]], 0).unwrap();
        let b = w.into_inner();
        assert_eq!(u32_at(&b, 16), 5);
        assert_eq!((u32_at(&b, 32), u32_at(&b, 36)), (5, 100));
        assert_eq!(&b[40..45], &[1, 2, 3, 4, 5]);
        assert_eq!((u32_at(&b, 53), u32_at(&b, 57)), (5, 5));
        assert_eq!(b.len(), 24 + 16 + 5 + 16 + 5);
    }

    #[test]
    fn timestamps_outside_32_bit_seconds_saturate() {
        let mut w = PcapWriter::new(Vec::new(), LinkType::RAW).unwrap();
        w.record(UNIX_EPOCH - Duration::from_secs(5), &[&[0]], 1)
            .unwrap();
        w.record(UNIX_EPOCH + Duration::from_secs(1 << 33), &[&[0]], 1)
            .unwrap();
        let b = w.into_inner();
        assert_eq!((u32_at(&b, 24), u32_at(&b, 28)), (0, 0));
        assert_eq!(u32_at(&b, 24 + 17), u32::MAX);
    }

    #[test]
    fn zero_snaplen_is_refused_and_write_errors_pass_through() {
        let e = PcapWriter::with_snaplen(Vec::new(), LinkType::RAW, 0).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
        assert!(e.to_string().contains("snaplen"), "{e}");
        let mut room = [0u8; 30];
        let mut w = PcapWriter::new(&mut room[..], LinkType::RAW).unwrap();
        let e = w.record(UNIX_EPOCH, &[&[0; 20]], 20).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::WriteZero);
    }

    #[test]
    fn link_types_are_named() {
        assert_eq!(LinkType::NFLOG.to_string(), "LINKTYPE_NFLOG");
        assert_eq!(LinkType(147).to_string(), "link type 147");
        assert_eq!(
            (
                LinkType::RAW.0,
                LinkType::IPV4.0,
                LinkType::IPV6.0,
                LinkType::ETHERNET.0
            ),
            (101, 228, 229, 1)
        );
    }

    struct Logged(&'static [u8]);

    impl Record for Logged {
        const LINK_TYPE: LinkType = LinkType::NFLOG;
        fn data(&self) -> io::Result<&[u8]> {
            Ok(self.0)
        }
        fn orig_len(&self) -> usize {
            self.0.len() + 10
        }
        fn time(&self) -> Option<SystemTime> {
            Some(UNIX_EPOCH + Duration::from_secs(7))
        }
    }

    #[test]
    fn a_record_is_written_with_its_time_and_length_in_a_file_of_its_link_type() {
        let mut w = PcapWriter::new(Vec::new(), LinkType::NFLOG).unwrap();
        w.write(&Logged(b"abcd")).unwrap();
        let f = w.into_inner();
        assert_eq!((u32_at(&f, 24), u32_at(&f, 32), u32_at(&f, 36)), (7, 4, 14));
        assert_eq!(&f[40..], b"abcd");
        // A file of another link type refuses it, writing nothing.
        let mut raw = PcapWriter::new(Vec::new(), LinkType::RAW).unwrap();
        let e = raw.write(&Logged(b"abcd")).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
        assert!(e.to_string().contains("link type"), "{e}");
        assert_eq!(raw.into_inner().len(), FILE_HEADER_LEN);
    }
}
