//! Statistics: the global entry count (`IPCTNL_MSG_CT_GET_STATS`) and the
//! per-CPU counters of connections (`IPCTNL_MSG_CT_GET_STATS_CPU`) and
//! expectations (`IPCTNL_MSG_EXP_GET_STATS_CPU`).

use nfnl::{NfMsg, ParseError};
use nfnl_sys as sys;

/// Table size (`CTA_STATS_GLOBAL_*`), like `conntrack -C`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GlobalStats {
    /// `CTA_STATS_GLOBAL_ENTRIES`: entries in the table.
    pub entries: u32,
    /// `CTA_STATS_GLOBAL_MAX_ENTRIES`: `nf_conntrack_max`.
    pub max_entries: Option<u32>,
}

impl GlobalStats {
    /// Decodes a `GET_STATS` reply.
    ///
    /// # Errors
    /// A malformed attribute or a missing entry count.
    pub fn decode(msg: &NfMsg<'_>) -> Result<Self, ParseError> {
        let (mut entries, mut max) = (None, None);
        for a in msg.attrs() {
            let a = a?;
            match a.kind() {
                sys::CTA_STATS_GLOBAL_ENTRIES => entries = Some(a.get_be32()?),
                sys::CTA_STATS_GLOBAL_MAX_ENTRIES => max = Some(a.get_be32()?),
                _ => {}
            }
        }
        Ok(GlobalStats {
            entries: entries.ok_or(ParseError::Missing {
                kind: sys::CTA_STATS_GLOBAL_ENTRIES,
                within: "IPCTNL_MSG_CT_GET_STATS",
            })?,
            max_entries: max,
        })
    }
}

/// Per-CPU connection-tracking counters (`CTA_STATS_*`), like `conntrack -S`.
/// Counters the kernel does not send stay `None`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[allow(missing_docs)] // each field is the CTA_STATS_ attribute of its name
pub struct CpuStats {
    /// The CPU (`res_id` of the message).
    pub cpu: u16,
    pub searched: Option<u32>,
    pub found: Option<u32>,
    pub new: Option<u32>,
    pub invalid: Option<u32>,
    pub ignore: Option<u32>,
    pub delete: Option<u32>,
    pub delete_list: Option<u32>,
    pub insert: Option<u32>,
    pub insert_failed: Option<u32>,
    pub drop: Option<u32>,
    pub early_drop: Option<u32>,
    pub error: Option<u32>,
    pub search_restart: Option<u32>,
    pub clash_resolve: Option<u32>,
    pub chain_toolong: Option<u32>,
}

impl CpuStats {
    /// Decodes one `GET_STATS_CPU` dump entry; unknown counters are skipped.
    ///
    /// # Errors
    /// A malformed attribute.
    pub fn decode(msg: &NfMsg<'_>) -> Result<Self, ParseError> {
        let mut s = CpuStats {
            cpu: msg.res_id(),
            ..CpuStats::default()
        };
        for a in msg.attrs() {
            let a = a?;
            let slot = match a.kind() {
                sys::CTA_STATS_SEARCHED => &mut s.searched,
                sys::CTA_STATS_FOUND => &mut s.found,
                sys::CTA_STATS_NEW => &mut s.new,
                sys::CTA_STATS_INVALID => &mut s.invalid,
                sys::CTA_STATS_IGNORE => &mut s.ignore,
                sys::CTA_STATS_DELETE => &mut s.delete,
                sys::CTA_STATS_DELETE_LIST => &mut s.delete_list,
                sys::CTA_STATS_INSERT => &mut s.insert,
                sys::CTA_STATS_INSERT_FAILED => &mut s.insert_failed,
                sys::CTA_STATS_DROP => &mut s.drop,
                sys::CTA_STATS_EARLY_DROP => &mut s.early_drop,
                sys::CTA_STATS_ERROR => &mut s.error,
                sys::CTA_STATS_SEARCH_RESTART => &mut s.search_restart,
                sys::CTA_STATS_CLASH_RESOLVE => &mut s.clash_resolve,
                sys::CTA_STATS_CHAIN_TOOLONG => &mut s.chain_toolong,
                _ => continue,
            };
            *slot = Some(a.get_be32()?);
        }
        Ok(s)
    }
}

impl std::fmt::Display for CpuStats {
    /// Exactly a line of `conntrack -S`: `cpu=N` padded to 4, a tab, then
    /// `name=value ` for each counter the kernel sent (with its trailing space).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cpu={:<4}\t", self.cpu)?;
        let fields = [
            ("found", self.found),
            ("invalid", self.invalid),
            ("insert", self.insert),
            ("insert_failed", self.insert_failed),
            ("drop", self.drop),
            ("early_drop", self.early_drop),
            ("error", self.error),
            ("search_restart", self.search_restart),
            ("clash_resolve", self.clash_resolve),
            ("chaintoolong", self.chain_toolong),
        ];
        for (name, v) in fields {
            if let Some(v) = v {
                write!(f, "{name}={v} ")?;
            }
        }
        Ok(())
    }
}

/// Per-CPU expectation counters (`CTA_STATS_EXP_*`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExpCpuStats {
    /// The CPU (`res_id`).
    pub cpu: u16,
    /// `CTA_STATS_EXP_NEW`.
    pub new: Option<u32>,
    /// `CTA_STATS_EXP_CREATE`.
    pub create: Option<u32>,
    /// `CTA_STATS_EXP_DELETE`.
    pub delete: Option<u32>,
}

impl ExpCpuStats {
    /// Decodes one `IPCTNL_MSG_EXP_GET_STATS_CPU` dump entry.
    ///
    /// # Errors
    /// A malformed attribute.
    pub fn decode(msg: &NfMsg<'_>) -> Result<Self, ParseError> {
        let mut s = ExpCpuStats {
            cpu: msg.res_id(),
            ..ExpCpuStats::default()
        };
        for a in msg.attrs() {
            let a = a?;
            match a.kind() {
                sys::CTA_STATS_EXP_NEW => s.new = Some(a.get_be32()?),
                sys::CTA_STATS_EXP_CREATE => s.create = Some(a.get_be32()?),
                sys::CTA_STATS_EXP_DELETE => s.delete = Some(a.get_be32()?),
                _ => {}
            }
        }
        Ok(s)
    }
}
