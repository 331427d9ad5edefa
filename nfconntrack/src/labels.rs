//! Label names (`connlabel.conf`): the file that maps connection-label
//! bits to names for iptables' `connlabel` match, nft's `ct label` and the
//! `conntrack` tool (`-o labels`, `-l`, `--label-add`, `--label-del`).
//!
//! ```text
//! # comment
//! 0   eth0-in
//! 1   eth1-in
//! ```
//! One `BIT NAME` per line (`BIT` in 0..128, decimal or `0x` hex; `NAME`
//! is the rest of the line without surrounding blanks); lines starting
//! with `#` and lines without a number are skipped. Lines are taken in
//! order, first come first served, as libnetfilter_conntrack (so the
//! `conntrack` tool) reads them: a line whose name an earlier line already
//! gave is skipped, and so is a line whose bit is already named. With
//! `0 zero`, `1 zero`, `1 one`, `zero` is bit 0 and `one` is bit 1.

use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::flow::Labels;

/// The bit-to-name map of `connlabel.conf`.
///
/// ```
/// use nfnl_conntrack::{LabelMap, Labels};
/// let map = LabelMap::parse("# ours\n0 zero\n3\tthree\n100 hundred\n");
/// assert_eq!(map.name(3), Some("three"));
/// assert_eq!(map.bit("hundred"), Some(100));
/// assert_eq!(map.labels("zero,three")?, Labels::from_bits(0b1001));
/// assert!(map.labels("four").is_err());
/// # Ok::<(), nfnl_conntrack::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelMap {
    names: Vec<Option<String>>,
}

impl LabelMap {
    /// Where the `conntrack` tool and iptables read the file
    /// (libnetfilter_conntrack's and xtables' default).
    pub const DEFAULT_PATH: &'static str = "/etc/xtables/connlabel.conf";

    /// Reads the map from `path` ([`LabelMap::DEFAULT_PATH`] for the tool's).
    ///
    /// # Errors
    /// [`Error::LabelMap`] if the file cannot be read.
    pub fn load(path: impl AsRef<Path>) -> Result<Self, Error> {
        let path = path.as_ref();
        std::fs::read_to_string(path)
            .map(|text| Self::parse(&text))
            .map_err(|source| Error::LabelMap {
                path: PathBuf::from(path),
                source,
            })
    }

    /// Parses the text of a `connlabel.conf` (never fails: lines that are
    /// not `BIT NAME` with `BIT` < 128 are skipped, as the tool skips them).
    pub fn parse(text: &str) -> Self {
        let mut names = vec![None; 128];
        for line in text.lines() {
            if line.starts_with('#') {
                continue;
            }
            let line = line.trim_start();
            let digits = line
                .find(|c: char| !c.is_ascii_alphanumeric())
                .unwrap_or(line.len());
            let (num, rest) = line.split_at(digits);
            let bit = match num.strip_prefix("0x") {
                Some(h) => usize::from_str_radix(h, 16).ok(),
                None => num.parse::<usize>().ok(),
            };
            let name = rest.trim();
            // first come, first served, as libnetfilter_conntrack reads
            // the file: a line whose name is taken is skipped before it
            // can claim its bit, and a bit keeps its first name
            if name.is_empty() || names.iter().flatten().any(|n| n == name) {
                continue;
            }
            if let Some(slot @ None) = bit.and_then(|b| names.get_mut(b)) {
                *slot = Some(name.to_owned());
            }
        }
        LabelMap { names }
    }

    /// The name of label `bit`, if the file names it.
    pub fn name(&self, bit: u32) -> Option<&str> {
        self.names.get(usize::try_from(bit).ok()?)?.as_deref()
    }

    /// The bit of label `name`.
    pub fn bit(&self, name: &str) -> Option<u32> {
        let i = self.names.iter().position(|n| n.as_deref() == Some(name))?;
        u32::try_from(i).ok()
    }

    /// The labels of a comma-separated list of names (`a,b`), as the tool
    /// reads `-l`, `--label-add` and `--label-del`.
    ///
    /// # Errors
    /// [`Error::UnknownLabel`] for a name the map does not have.
    pub fn labels(&self, names: &str) -> Result<Labels, Error> {
        names.split(',').try_fold(Labels::default(), |acc, n| {
            let bit = self
                .bit(n)
                .ok_or_else(|| Error::UnknownLabel(n.to_owned()))?;
            Ok(Labels::from_bits(acc.bits() | 1u128 << bit))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::LabelMap;

    /// Duplicate names and bits resolve as the `conntrack` tool resolves
    /// them (checked with `conntrack -U --label-add NAME` and a custom
    /// `connlabel.conf`): a taken name skips its line before the bit is
    /// claimed, a named bit keeps its first name.
    #[test]
    fn duplicates_resolve_first_come_first_served() {
        let map = LabelMap::parse("0 zero\n1 zero\n1 test label 1\n");
        assert_eq!(map.bit("zero"), Some(0));
        assert_eq!(map.bit("test label 1"), Some(1));
        assert_eq!(map.name(1), Some("test label 1"));
        let map = LabelMap::parse("0 a\n0 b\n");
        assert_eq!((map.bit("a"), map.bit("b")), (Some(0), None));
        let map = LabelMap::parse("1 x\n0 x\n0 y\n");
        assert_eq!((map.bit("x"), map.bit("y")), (Some(1), Some(0)));
        let map = LabelMap::parse("2 x\n3 x\n5 five\n5\n6 six\n");
        assert_eq!((map.bit("x"), map.name(3)), (Some(2), None));
        assert_eq!((map.bit("five"), map.bit("six")), (Some(5), Some(6)));
        let map = LabelMap::parse("0x10 hex\n 7 lead\n8\tt a b \n200 big\n");
        assert_eq!(map.bit("hex"), Some(16));
        assert_eq!(map.bit("lead"), Some(7));
        assert_eq!(map.bit("t a b"), Some(8));
        assert_eq!(map.bit("big"), None);
    }
}
