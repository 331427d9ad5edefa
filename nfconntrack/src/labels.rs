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
//! with `#` and lines without a number are skipped. A bit or a name given
//! twice keeps its first entry.

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
            let Some(slot) = bit.and_then(|b| names.get_mut(b)) else {
                continue;
            };
            if !name.is_empty() && slot.is_none() {
                *slot = Some(name.to_owned());
            }
        }
        let mut map = LabelMap { names };
        map.drop_duplicate_names();
        map
    }

    /// A name given to two bits stays with the lower one.
    fn drop_duplicate_names(&mut self) {
        for i in 0..self.names.len() {
            let Some(name) = self.names.get(i).cloned().flatten() else {
                continue;
            };
            for later in self.names.iter_mut().skip(i + 1) {
                if later.as_deref() == Some(name.as_str()) {
                    *later = None;
                }
            }
        }
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
