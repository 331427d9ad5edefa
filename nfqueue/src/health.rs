//! Queue health: the kernel's own figures from
//! `/proc/net/netfilter/nfnetlink_queue`.
//!
//! One line per bound queue, written by `seq_show` in
//! `net/netfilter/nfnetlink_queue.c`:
//!
//! ```text
//! queue_num peer_portid queue_total copy_mode copy_range queue_dropped queue_user_dropped id_sequence 1
//! ```
//!
//! [`read`] uses `/proc/thread-self/net/...`, so it reports the network
//! namespace of the calling thread (`/proc/net` is the main thread's).

use crate::config::CopyMode;
use crate::error::Error;

/// Path read by [`read`].
pub const PROC_PATH: &str = "/proc/thread-self/net/netfilter/nfnetlink_queue";

/// The queue length the kernel gives a queue whose configuration sets none
/// (`NFQNL_QMAX_DEFAULT` in `net/netfilter/nfnetlink_queue.c`).
pub const DEFAULT_MAX_LEN: u32 = 1024;

/// The kernel's figures for one bound queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueStats {
    /// Queue number.
    pub queue: u16,
    /// Port id of the socket that bound it.
    pub port_id: u32,
    /// Packets waiting for a verdict (`queue_total`).
    pub waiting: u32,
    /// Copy mode and range.
    pub copy: CopyMode,
    /// Copy range as the kernel stores it.
    pub copy_range: u32,
    /// Packets dropped because the queue was full (`queue_dropped`).
    pub dropped: u32,
    /// Packets dropped because the socket's receive buffer was full
    /// (`queue_user_dropped`).
    pub user_dropped: u32,
    /// The last packet id handed out (`id_sequence`).
    pub id_sequence: u32,
}

impl QueueStats {
    /// Whether the queue is nearly full: at least 90% of `max_len` packets
    /// wait for a verdict (pass [`DEFAULT_MAX_LEN`] if the queue's
    /// configuration set none). A queue that stays saturated while the
    /// program is idle holds packets whose verdicts were lost (sent for
    /// wrong ids, say), and new packets are being dropped or, with
    /// `FAIL_OPEN`, let through unjudged.
    ///
    /// ```
    /// let s = nfnl_queue::health::parse("0 1000 950 2 65535 0 0 2000 1\n")?;
    /// assert!(s[0].is_saturated(nfnl_queue::health::DEFAULT_MAX_LEN));
    /// assert!(!s[0].is_saturated(4096));
    /// # Ok::<(), nfnl_queue::Error>(())
    /// ```
    #[must_use]
    pub fn is_saturated(&self, max_len: u32) -> bool {
        u64::from(self.waiting) * 10 >= u64::from(max_len) * 9
    }

    /// Packets the kernel dropped (queue full, or receive buffer full) since
    /// the `earlier` reading of the same queue; the counters are 32-bit and
    /// wrap, and so does this difference.
    #[must_use]
    pub fn drops_since(&self, earlier: &QueueStats) -> u32 {
        self.dropped
            .wrapping_sub(earlier.dropped)
            .wrapping_add(self.user_dropped.wrapping_sub(earlier.user_dropped))
    }
}

/// Parses the text of `/proc/net/netfilter/nfnetlink_queue`.
///
/// # Errors
/// [`Error::ProcFormat`] naming the first line that does not have the
/// expected numbers.
///
/// # Examples
/// ```
/// let text = "    1  12345     3 2 65535     0     7       42  1\n";
/// let s = nfnl_queue::health::parse(text)?;
/// assert_eq!((s[0].queue, s[0].port_id, s[0].waiting, s[0].user_dropped, s[0].id_sequence), (1, 12345, 3, 7, 42));
/// # Ok::<(), nfnl_queue::Error>(())
/// ```
pub fn parse(text: &str) -> Result<Vec<QueueStats>, Error> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let bad = || Error::ProcFormat { line: i + 1 };
        let mut f = [0u32; 8];
        let mut it = line.split_whitespace();
        for slot in &mut f {
            *slot = it.next().and_then(|w| w.parse().ok()).ok_or_else(bad)?;
        }
        let queue = u16::try_from(f[0]).map_err(|_| bad())?;
        let mode = u8::try_from(f[3]).unwrap_or(u8::MAX);
        out.push(QueueStats {
            queue,
            port_id: f[1],
            waiting: f[2],
            copy: CopyMode::from_raw(mode, f[4]),
            copy_range: f[4],
            dropped: f[5],
            user_dropped: f[6],
            id_sequence: f[7],
        });
    }
    Ok(out)
}

/// Reads the figures of every queue bound in the calling thread's network
/// namespace. No queue (or the module not loaded yet) gives an empty list.
///
/// # Errors
/// I/O errors other than "not found"; [`Error::ProcFormat`].
pub fn read() -> Result<Vec<QueueStats>, Error> {
    match std::fs::read_to_string(PROC_PATH) {
        Ok(text) => parse(&text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(e.into()),
    }
}

/// The figures of queue `num`, if it is bound.
///
/// # Errors
/// As [`read`].
pub fn queue(num: u16) -> Result<Option<QueueStats>, Error> {
    Ok(read()?.into_iter().find(|s| s.queue == num))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_lines_and_rejects_garbage() {
        let text =
            "    0   1000     0 2 65535     0     0        0  1\n  600 -4000 1 1 0 2 3 4 1\n";
        assert!(matches!(parse(text), Err(Error::ProcFormat { line: 2 })));
        let text = "    0   1000     0 1     0     5     0       10  1\n";
        let s = parse(text).unwrap();
        assert_eq!(s[0].copy, CopyMode::Meta);
        assert_eq!(s[0].dropped, 5);
        assert!(parse("1 2 3\n").is_err());
        assert!(parse("70000 1 1 1 1 1 1 1 1\n").is_err());
        assert_eq!(parse("").unwrap(), vec![]);
    }

    #[test]
    fn saturation_and_drops() {
        let a = parse("3 1 922 2 0 4294967295 7 0 1\n").unwrap()[0];
        assert!(a.is_saturated(DEFAULT_MAX_LEN));
        assert!(!a.is_saturated(1025 + 1024));
        let idle = parse("3 1 0 2 0 0 0 0 1\n").unwrap()[0];
        assert!(idle.is_saturated(0), "a zero-length queue is always full");
        assert!(!idle.is_saturated(1));
        let b = parse("3 1 0 2 0 2 9 0 1\n").unwrap()[0];
        assert_eq!(b.drops_since(&a), 3 + 2);
    }
}
