//! The dying and unconfirmed lists (`IPCTNL_MSG_CT_GET_DYING`,
//! `IPCTNL_MSG_CT_GET_UNCONFIRMED`), like `conntrack -L dying` and
//! `conntrack -L unconfirmed`.
//!
//! NOTE(kernel): the dying list holds entries that are deleted but whose
//! DESTROY event could not be delivered to a reliable listener yet (see
//! [`EventListener::set_reliable`](crate::EventListener::set_reliable));
//! the kernel resends the event and then frees them. Since 6.2 the kernel
//! keeps no unconfirmed list: `ctnetlink_dump_unconfirmed` answers an empty
//! dump. Neither dump takes kernel-side filters, so a [`Filter`] is applied
//! in user space only.

use std::ops::ControlFlow;

use nfnl_sys as sys;

use crate::conntrack::Conntrack;
use crate::error::Result;
use crate::filter::Filter;
use crate::flow::Flow;

/// A list of entries outside the main table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CtList {
    /// Deleted entries waiting for their DESTROY event to be delivered
    /// (`IPCTNL_MSG_CT_GET_DYING`).
    Dying,
    /// Entries not yet confirmed (`IPCTNL_MSG_CT_GET_UNCONFIRMED`; always
    /// empty since Linux 6.2).
    Unconfirmed,
}

impl CtList {
    fn msg(self) -> u8 {
        match self {
            CtList::Dying => sys::IPCTNL_MSG_CT_GET_DYING,
            CtList::Unconfirmed => sys::IPCTNL_MSG_CT_GET_UNCONFIRMED,
        }
    }
}

impl Conntrack {
    /// Streams the entries of `list` that `filter` selects to `f`.
    ///
    /// # Errors
    /// [`Error::MixedFamilies`](crate::Error::MixedFamilies) for a filter mixing families; kernel, I/O
    /// and parse errors.
    pub fn dump_list<F>(&mut self, list: CtList, filter: &Filter, f: F) -> Result<()>
    where
        F: FnMut(Flow) -> ControlFlow<()>,
    {
        // the kernel ignores filter attributes on these dumps (all but the
        // family): `dump_msg` checks the filter again on every entry
        self.dump_msg(list.msg(), filter, f)
    }
}
