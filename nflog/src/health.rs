//! Group health: the kernel's own figures.
//!
//! `/proc/net/netfilter/nfnetlink_log` has one line per bound group
//! (`seq_show` in `net/netfilter/nfnetlink_log.c`):
//!
//! ```text
//! group peer_portid qlen copy_mode copy_range flushtimeout refcount
//! ```
//!
//! The kernel keeps no per-group loss counter: a batch it cannot deliver
//! (the receive buffer is full) is counted in the socket's `Drops` column
//! of `/proc/net/netlink`, which [`socket_drops`] reads, and announced to the
//! socket as an overrun ([`ErrorExt::is_overrun`](nfnl::ErrorExt::is_overrun)).
//!
//! Both are read through `/proc/thread-self/net`, so they describe the
//! network namespace of the calling thread.

use crate::config::CopyMode;
use crate::error::Error;

/// The file [`groups`] reads.
pub const GROUPS_PATH: &str = "/proc/thread-self/net/netfilter/nfnetlink_log";

/// The file [`socket_drops`] reads.
pub const NETLINK_PATH: &str = "/proc/thread-self/net/netlink";

/// `NETLINK_NETFILTER`, the protocol column of `/proc/net/netlink`.
const NETLINK_NETFILTER: u32 = 12;

/// The kernel's figures for one bound group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupStats {
    /// The group.
    pub group: u16,
    /// Port id of the socket that bound it.
    pub port_id: u32,
    /// Messages gathered for the next batch, not yet sent (`qlen`).
    pub pending: u32,
    /// The copy mode (`None` while the group is being destroyed).
    pub copy: Option<CopyMode>,
    /// Flush timeout in 1/100 s.
    pub flush_timeout: u32,
    /// References to the group (`refcount`: 1 when idle, 2 while a flush
    /// timer runs).
    pub refs: u32,
}

/// Reads the unsigned numbers of one whitespace-separated line into `out`;
/// false if there are fewer or one is not a number.
fn numbers<const N: usize>(line: &str, out: &mut [u64; N]) -> bool {
    let mut words = line.split_whitespace();
    out.iter_mut().all(|slot| {
        words
            .next()
            .and_then(|w| w.parse().ok())
            .map(|v| *slot = v)
            .is_some()
    })
}

/// Parses the text of `/proc/net/netfilter/nfnetlink_log`.
///
/// # Errors
/// [`Error::ProcFormat`] naming the first line that does not have seven
/// numbers in range.
///
/// # Examples
/// ```
/// let g = nfnl_log::health::parse_groups("    5  12345     2 2 65531    100  1\n")?;
/// assert_eq!((g[0].group, g[0].port_id, g[0].pending, g[0].flush_timeout), (5, 12345, 2, 100));
/// assert_eq!(g[0].copy, Some(nfnl_log::CopyMode::Packet { range: 65531 }));
/// # Ok::<(), nfnl_log::Error>(())
/// ```
pub fn parse_groups(text: &str) -> Result<Vec<GroupStats>, Error> {
    let mut out = Vec::new();
    for (n, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let bad = Error::ProcFormat {
            file: GROUPS_PATH,
            line: n + 1,
        };
        let mut v = [0u64; 7];
        if !numbers(line, &mut v) {
            return Err(bad);
        }
        let [group, port, qlen, mode, range, timeout, refs] = v;
        let narrow = |x: u64| u32::try_from(x).ok();
        let (Ok(group), Some(port_id), Some(pending), Some(range), Some(flush_timeout), Some(refs)) = (
            u16::try_from(group),
            narrow(port),
            narrow(qlen),
            narrow(range),
            narrow(timeout),
            narrow(refs),
        ) else {
            return Err(bad);
        };
        out.push(GroupStats {
            group,
            port_id,
            pending,
            copy: u8::try_from(mode)
                .ok()
                .and_then(|m| CopyMode::from_raw(m, range)),
            flush_timeout,
            refs,
        });
    }
    Ok(out)
}

/// The figures of every group bound in the calling thread's network
/// namespace; an empty list when there is none (or `nfnetlink_log` is not
/// loaded).
///
/// # Errors
/// [`Error::ProcFormat`]; I/O errors other than a missing file.
pub fn groups() -> Result<Vec<GroupStats>, Error> {
    parse_groups(&read_or_empty(GROUPS_PATH)?)
}

/// The figures of `group`, if it is bound.
///
/// # Errors
/// As [`groups`].
pub fn group(group: u16) -> Result<Option<GroupStats>, Error> {
    Ok(groups()?.into_iter().find(|g| g.group == group))
}

fn read_or_empty(path: &str) -> Result<String, Error> {
    match std::fs::read_to_string(path) {
        Ok(t) => Ok(t),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(String::new()),
        Err(e) => Err(Error::Netlink(e.into())),
    }
}

/// Parses the text of `/proc/net/netlink` and returns the `Drops` of the
/// `NETLINK_NETFILTER` socket with port id `port_id`.
///
/// # Errors
/// [`Error::ProcFormat`] for a line of that socket that cannot be read.
///
/// # Examples
/// ```
/// let text = "sk       Eth Pid    Groups   Rmem Wmem Dump Locks Drops Inode\n\
///             ffff0001 12  4242   00000000 0    0    0    2     17    99\n";
/// assert_eq!(nfnl_log::health::parse_socket_drops(text, 4242)?, Some(17));
/// assert_eq!(nfnl_log::health::parse_socket_drops(text, 1)?, None);
/// # Ok::<(), nfnl_log::Error>(())
/// ```
pub fn parse_socket_drops(text: &str, port_id: u32) -> Result<Option<u64>, Error> {
    for (n, line) in text.lines().enumerate().skip(1) {
        let w: Vec<&str> = line.split_whitespace().collect();
        let (Some(eth), Some(pid)) = (w.get(1), w.get(2)) else {
            continue;
        };
        if eth.parse() != Ok(NETLINK_NETFILTER) || pid.parse() != Ok(port_id) {
            continue;
        }
        return w
            .get(8)
            .and_then(|d| d.parse().ok())
            .map(Some)
            .ok_or(Error::ProcFormat {
                file: NETLINK_PATH,
                line: n + 1,
            });
    }
    Ok(None)
}

/// Messages the kernel could not deliver to the netfilter socket with port
/// id `port_id` (its `Drops` in `/proc/net/netlink`, counted since it was
/// opened), or `None` if no such socket is in the calling thread's network
/// namespace.
///
/// # Errors
/// As [`parse_socket_drops`]; I/O errors.
pub fn socket_drops(port_id: u32) -> Result<Option<u64>, Error> {
    parse_socket_drops(&read_or_empty(NETLINK_PATH)?, port_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_lines() {
        let text = "    0    100     0 1     0    100  1\n\n65535 4000000000 7 0 0 5 2\n";
        let g = parse_groups(text).unwrap();
        assert_eq!(g.len(), 2);
        assert_eq!((g[0].group, g[0].copy), (0, Some(CopyMode::Meta)));
        assert_eq!(
            (g[1].group, g[1].port_id, g[1].copy, g[1].refs),
            (65535, 4_000_000_000, Some(CopyMode::None), 2)
        );
        assert!(matches!(
            parse_groups("1 2 3\n"),
            Err(Error::ProcFormat { line: 1, .. })
        ));
        assert!(matches!(
            parse_groups("70000 1 0 2 0 100 1\n"),
            Err(Error::ProcFormat { .. })
        ));
        assert!(matches!(
            parse_groups("1 x 0 2 0 100 1\n"),
            Err(Error::ProcFormat { .. })
        ));
        assert_eq!(parse_groups("1 2 0 255 0 100 1").unwrap()[0].copy, None);
        assert!(parse_groups("").unwrap().is_empty());
    }

    #[test]
    fn netlink_lines() {
        let text = "sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode\n\
                    a 0 77 0 0 0 0 2 5 1\n\
                    b 12 77 0 0 0 0 2 3 1\n\
                    c 12 78 0 0 0 0 2 x 1\n";
        assert_eq!(parse_socket_drops(text, 77).unwrap(), Some(3));
        assert!(matches!(
            parse_socket_drops(text, 78),
            Err(Error::ProcFormat { line: 4, .. })
        ));
        assert_eq!(parse_socket_drops("header only\n", 77).unwrap(), None);
    }
}
