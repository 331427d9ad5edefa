//! A minimal pcap file writer (the classic libpcap format, microsecond
//! timestamps), enough for logged packets: tcpdump and wireshark read it.
//!
//! ```text
//! file   | magic 0xa1b2c3d4 u32 | 2 u16 | 4 u16 | thiszone i32 | sigfigs u32 | snaplen u32 | linktype u32 |
//! record | ts_sec u32 | ts_usec u32 | incl_len u32 | orig_len u32 | data |
//! ```
//!
//! Every field is in the writing host's byte order (the magic tells readers
//! which): `LINKTYPE_NFLOG` records carry netlink attributes, which are in
//! host order too, so the whole file stays consistent.
//!
//! Written here rather than taken from a crate: the format is five fields
//! and a loop, and the NFLOG link type needs nothing a crate would add.

use std::io::{self, Write};
use std::time::{SystemTime, UNIX_EPOCH};

/// `LINKTYPE_NFLOG`: each record is an `nfgenmsg` followed by the log
/// message's attributes (libpcap's own nflog capture format).
pub const LINKTYPE_NFLOG: u32 = 239;

/// `LINKTYPE_RAW`: each record is an IPv4 or IPv6 packet.
pub const LINKTYPE_RAW: u32 = 101;

/// Largest record this writer declares (the file's snaplen).
pub const SNAPLEN: u32 = 262_144;

/// Writes pcap records to `W`.
#[derive(Debug)]
pub struct PcapWriter<W: Write> {
    out: W,
}

impl<W: Write> PcapWriter<W> {
    /// Writes the file header for `linktype`.
    ///
    /// # Errors
    /// Write errors.
    pub fn new(mut out: W, linktype: u32) -> io::Result<Self> {
        let mut h = [0u8; 24];
        h[0..4].copy_from_slice(&0xa1b2_c3d4u32.to_ne_bytes());
        h[4..6].copy_from_slice(&2u16.to_ne_bytes());
        h[6..8].copy_from_slice(&4u16.to_ne_bytes());
        // thiszone and sigfigs stay 0
        h[16..20].copy_from_slice(&SNAPLEN.to_ne_bytes());
        h[20..24].copy_from_slice(&linktype.to_ne_bytes());
        out.write_all(&h)?;
        Ok(PcapWriter { out })
    }

    /// Writes one record with timestamp `ts`, made of `parts` (written one
    /// after the other); `orig_len` is the length on the wire (at least the
    /// record's).
    ///
    /// # Errors
    /// Write errors; `InvalidInput` for a record over [`SNAPLEN`].
    pub fn record(&mut self, ts: SystemTime, parts: &[&[u8]], orig_len: usize) -> io::Result<()> {
        let len: usize = parts.iter().map(|p| p.len()).sum();
        let incl = u32::try_from(len)
            .ok()
            .filter(|&n| n <= SNAPLEN)
            .ok_or_else(|| {
                io::Error::new(
                    io::ErrorKind::InvalidInput,
                    "record larger than the snaplen",
                )
            })?;
        let orig = u32::try_from(orig_len.max(len)).unwrap_or(u32::MAX);
        let since = ts.duration_since(UNIX_EPOCH).unwrap_or_default();
        let mut h = [0u8; 16];
        h[0..4].copy_from_slice(
            &u32::try_from(since.as_secs())
                .unwrap_or(u32::MAX)
                .to_ne_bytes(),
        );
        h[4..8].copy_from_slice(&since.subsec_micros().to_ne_bytes());
        h[8..12].copy_from_slice(&incl.to_ne_bytes());
        h[12..16].copy_from_slice(&orig.to_ne_bytes());
        self.out.write_all(&h)?;
        for p in parts {
            self.out.write_all(p)?;
        }
        Ok(())
    }

    /// Flushes the output.
    ///
    /// # Errors
    /// Write errors.
    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    /// The output.
    pub fn into_inner(self) -> W {
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn u32_at(b: &[u8], i: usize) -> u32 {
        u32::from_ne_bytes(b[i..i + 4].try_into().unwrap())
    }

    #[test]
    fn header_and_records() {
        let mut w = PcapWriter::new(Vec::new(), LINKTYPE_NFLOG).unwrap();
        let ts = UNIX_EPOCH + Duration::from_micros(1_700_000_000_123_456);
        w.record(ts, &[&[2, 0, 0, 5], &[1, 2, 3]], 0).unwrap();
        w.record(ts, &[b"abcd"], 1500).unwrap();
        let b = w.into_inner();
        assert_eq!(b.len(), 24 + 16 + 7 + 16 + 4);
        assert_eq!(
            (u32_at(&b, 0), u32_at(&b, 16), u32_at(&b, 20)),
            (0xa1b2_c3d4, SNAPLEN, 239)
        );
        assert_eq!(
            &b[4..8],
            &[2u16.to_ne_bytes(), 4u16.to_ne_bytes()].concat()[..]
        );
        assert_eq!((u32_at(&b, 24), u32_at(&b, 28)), (1_700_000_000, 123_456));
        assert_eq!((u32_at(&b, 32), u32_at(&b, 36)), (7, 7));
        assert_eq!(&b[40..47], &[2, 0, 0, 5, 1, 2, 3]);
        assert_eq!((u32_at(&b, 55), u32_at(&b, 59)), (4, 1500));
        let mut w = PcapWriter::new(Vec::new(), LINKTYPE_RAW).unwrap();
        let big = vec![0u8; SNAPLEN as usize + 1];
        assert!(w.record(ts, &[&big], 0).is_err());
    }
}
