//! [`EventListener`]: conntrack and expectation events from the
//! `NFNLGRP_CONNTRACK_*` multicast groups.
//!
//! # Order and loss
//! The kernel delivers the events of one flow in order to each socket.
//! Read a listener from **one** thread: with several readers, events of the
//! same flow could be handled out of order. When the socket's receive
//! buffer overflows the kernel drops events and the next read fails with
//! [`Error::is_overrun`]; call [`EventListener::resync`] to drain what is
//! queued and re-read the table, and make destroy events reliable with
//! [`EventListener::set_reliable`]. No mode loses an event without an
//! overrun report.

use std::ops::ControlFlow;
use std::os::fd::{AsFd, BorrowedFd};

use nfnl::{ErrorExt as _, NfMsg, NlFlags, ProtoFamily, Reader, Receive, Socket, Sort, Wait};
use nfnl_sys as sys;

use crate::conntrack::Conntrack;
use crate::error::{Error, Result};
use crate::expect::Expect;
use crate::filter::Filter;
use crate::flow::Flow;

bitflags::bitflags! {
    /// The multicast groups to join (`NFNLGRP_CONNTRACK_*`).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
    pub struct Groups: u32 {
        /// `NFNLGRP_CONNTRACK_NEW`.
        const NEW = 1 << 0;
        /// `NFNLGRP_CONNTRACK_UPDATE`.
        const UPDATE = 1 << 1;
        /// `NFNLGRP_CONNTRACK_DESTROY`.
        const DESTROY = 1 << 2;
        /// `NFNLGRP_CONNTRACK_EXP_NEW`.
        const EXP_NEW = 1 << 3;
        /// `NFNLGRP_CONNTRACK_EXP_UPDATE`.
        const EXP_UPDATE = 1 << 4;
        /// `NFNLGRP_CONNTRACK_EXP_DESTROY`.
        const EXP_DESTROY = 1 << 5;
        /// The three flow groups.
        const FLOWS = Self::NEW.bits() | Self::UPDATE.bits() | Self::DESTROY.bits();
        /// The three expectation groups.
        const EXPECTATIONS = Self::EXP_NEW.bits() | Self::EXP_UPDATE.bits() | Self::EXP_DESTROY.bits();
    }
}

const GROUP_IDS: [(Groups, u32); 6] = [
    (Groups::NEW, sys::NFNLGRP_CONNTRACK_NEW),
    (Groups::UPDATE, sys::NFNLGRP_CONNTRACK_UPDATE),
    (Groups::DESTROY, sys::NFNLGRP_CONNTRACK_DESTROY),
    (Groups::EXP_NEW, sys::NFNLGRP_CONNTRACK_EXP_NEW),
    (Groups::EXP_UPDATE, sys::NFNLGRP_CONNTRACK_EXP_UPDATE),
    (Groups::EXP_DESTROY, sys::NFNLGRP_CONNTRACK_EXP_DESTROY),
];

/// One event.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// A new connection (`IPCTNL_MSG_CT_NEW` with `NLM_F_CREATE`).
    New(Flow),
    /// A changed connection (`IPCTNL_MSG_CT_NEW` without `NLM_F_CREATE`).
    Update(Flow),
    /// A connection went away (`IPCTNL_MSG_CT_DELETE`).
    Destroy(Flow),
    /// A new expectation.
    ExpNew(Expect),
    /// A removed expectation.
    ExpDestroy(Expect),
}

impl Event {
    /// Decodes an event message; `Ok(None)` for message types that are not events.
    ///
    /// # Errors
    /// A malformed message.
    pub fn decode(msg: &NfMsg<'_>) -> Result<Option<Event>> {
        let ev = match (msg.subsystem(), msg.msg_type()) {
            (sys::NFNL_SUBSYS_CTNETLINK, sys::IPCTNL_MSG_CT_NEW) => {
                let f = Flow::decode(msg)?;
                if msg.flags().contains(NlFlags::CREATE) {
                    Event::New(f)
                } else {
                    Event::Update(f)
                }
            }
            (sys::NFNL_SUBSYS_CTNETLINK, sys::IPCTNL_MSG_CT_DELETE) => {
                Event::Destroy(Flow::decode(msg)?)
            }
            (sys::NFNL_SUBSYS_CTNETLINK_EXP, sys::IPCTNL_MSG_EXP_NEW) => {
                Event::ExpNew(Expect::decode(msg)?)
            }
            (sys::NFNL_SUBSYS_CTNETLINK_EXP, sys::IPCTNL_MSG_EXP_DELETE) => {
                Event::ExpDestroy(Expect::decode(msg)?)
            }
            _ => return Ok(None),
        };
        Ok(Some(ev))
    }

    /// The `conntrack -E` tag: `[NEW]`, `[UPDATE]`, `[DESTROY]`.
    pub fn tag(&self) -> &'static str {
        match self {
            Event::New(_) | Event::ExpNew(_) => "[NEW]",
            Event::Update(_) => "[UPDATE]",
            Event::Destroy(_) | Event::ExpDestroy(_) => "[DESTROY]",
        }
    }

    /// The flow, for flow events.
    pub fn flow(&self) -> Option<&Flow> {
        match self {
            Event::New(f) | Event::Update(f) | Event::Destroy(f) => Some(f),
            _ => None,
        }
    }
}

impl std::fmt::Display for Event {
    /// Like a line of `conntrack -E`: the tag right-aligned in 9 columns, then the flow.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Event::New(fl) | Event::Update(fl) | Event::Destroy(fl) => {
                write!(f, "{:>9} {fl}", self.tag())
            }
            Event::ExpNew(e) | Event::ExpDestroy(e) => write!(f, "{:>9} {e}", self.tag()),
        }
    }
}

/// Header fields of an event message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventHeader {
    /// `nlmsg_pid`: the port of the socket whose request caused the event
    /// (0 for events caused by packets). Not the sender (always the kernel).
    pub port: u32,
    /// `nlmsg_seq` (0 for events).
    pub seq: u32,
    /// `nlmsg_flags`.
    pub flags: NlFlags,
    /// `nfgen_family`.
    pub family: ProtoFamily,
}

/// Datagrams an [`EventListener`] takes per receive call.
pub const EVENT_BATCH: usize = 32;

/// Size of each receive slot of an [`EventListener`]: an event message is
/// at most one page (`NLMSG_GOODSIZE`, `ctnetlink_conntrack_event`).
pub const EVENT_SLOT_LEN: usize = 16 * 1024;

/// A socket subscribed to conntrack events. A separate type from
/// [`Conntrack`]: it only receives, through nfnetlink's receive engine
/// ([`nfnl::Reader`]: many datagrams per system call, no allocation
/// per datagram).
///
/// Receive with [`EventListener::recv`] (blocking),
/// [`EventListener::try_recv`] (never waits) or
/// [`EventListener::recv_timeout`]; the listener is [`AsFd`] for poll
/// loops, and with the `tokio` feature
/// [`tokio::AsyncEventListener`](crate::tokio) waits in async
/// code.
///
/// # Receive buffer
/// Events wait in the socket's receive buffer (by default
/// `net.core.rmem_default`, usually 208 KiB) until read; a burst larger
/// than it is lost and reported as an overrun. Each event costs about
/// 1.3 KiB of it (a UDP flow's NEW event, measured), so the default holds
/// about 160. Size it for the longest time the program does not read:
/// `events per second × pause × 1.3 KiB` (50,000 events/s and 0.1 s: about
/// 6.5 MB), with `socket().set_recv_buffer` (capped at
/// `net.core.rmem_max`) or `socket().set_recv_buffer_force`
/// (`CAP_NET_ADMIN`), or let it grow on each overrun up to a cap with
/// [`EventListener::set_recv_buffer_growth`] (off by default), as
/// conntrackd does. More in nfnl's
/// [guide](nfnl::reader#sizing-the-receive-buffer).
///
/// # Examples
/// ```no_run
/// use nfnl_conntrack::{ErrorExt, EventListener, Groups, Receive};
/// let mut events = EventListener::open(Groups::FLOWS)?;
/// // Up to 64 MiB on overruns.
/// events.set_recv_buffer_growth(Some(64 << 20));
/// loop {
///     match events.recv() {
///         Ok((_, ev)) => println!("{ev}"),
///         Err(e) if e.is_overrun() => eprintln!("events were lost: resync"),
///         Err(e) => return Err(e),
///     }
/// }
/// # Ok::<(), nfnl_conntrack::Error>(())
/// ```
#[derive(Debug)]
pub struct EventListener {
    reader: Reader,
}

impl EventListener {
    /// Opens a socket in the calling thread's namespace and joins `groups`.
    ///
    /// # Errors
    /// `EPERM` without `CAP_NET_ADMIN`; I/O errors.
    pub fn open(groups: Groups) -> Result<Self> {
        Self::from_socket(Socket::open()?, groups)
    }

    /// Opens a socket inside the network namespace named by the file at
    /// `netns` (`/run/netns/NAME` as made by `ip netns add NAME`,
    /// `/proc/PID/ns/net`), in one call ([`Socket::open_in_netns_path`]
    /// then [`EventListener::from_socket`], joining `groups`). It works in that namespace from any thread; the calling
    /// thread stays in its own. With an open namespace file instead of a
    /// path: `EventListener::from_socket(Socket::open_in_netns(fd)?, groups)`.
    ///
    /// # Errors
    /// [`Error::Netlink`] naming `netns` if it cannot be opened or is no network
    /// namespace; `EPERM` without `CAP_SYS_ADMIN` over it (`setns(2)`); as [`EventListener::open`].
    pub fn open_in_netns(netns: impl AsRef<std::path::Path>, groups: Groups) -> Result<Self> {
        Self::from_socket(Socket::open_in_netns_path(netns)?, groups)
    }

    /// Joins `groups` on an open socket.
    ///
    /// # Errors
    /// As [`EventListener::open`].
    pub fn from_socket(sock: Socket, groups: Groups) -> Result<Self> {
        for (g, id) in GROUP_IDS {
            if groups.contains(g) {
                sock.join_group(id).map_err(|e| {
                    if e.errno() == Some(nix::errno::Errno::EPERM) {
                        Error::EventsDenied { source: e }
                    } else {
                        Error::Netlink(e)
                    }
                })?;
            }
        }
        Ok(EventListener {
            reader: Reader::new(sock, EVENT_BATCH, EVENT_SLOT_LEN),
        })
    }

    /// Lets the socket's receive buffer grow on each overrun, doubling up
    /// to `cap` bytes, or keeps it as it is (`None`, the default). The
    /// overrun is still reported (the events it lost are lost); the next burst of
    /// the same size fits. Growth past `net.core.rmem_max` needs
    /// `CAP_NET_ADMIN` in the initial user namespace. See
    /// [`Reader::set_recv_buffer_growth`](nfnl::Reader::set_recv_buffer_growth),
    /// and [its guide](nfnl::reader#sizing-the-receive-buffer) to the size
    /// a given rate needs.
    pub fn set_recv_buffer_growth(&mut self, cap: Option<usize>) {
        self.reader.set_recv_buffer_growth(cap);
    }

    /// The socket (receive buffer size, non-blocking mode, polling).
    pub fn socket(&self) -> &Socket {
        self.reader.socket()
    }

    /// Reliable destroy events: `NETLINK_BROADCAST_ERROR` on, and
    /// `NETLINK_NO_ENOBUFS` off so that no loss goes unreported.
    ///
    /// What each mode guarantees (`netlink_broadcast_filtered`,
    /// `netlink_overrun`, `nf_conntrack_eventmask_report`):
    /// - **Plain** (off): when the receive buffer is full the kernel drops
    ///   the event and the next read fails with [`Error::is_overrun`]
    ///   (`ENOBUFS`, once per congestion: while the socket stays congested
    ///   every further event is dropped too). Call
    ///   [`EventListener::resync`].
    /// - **Reliable** (on): the same report for every lost event, and in
    ///   addition a DESTROY that cannot be delivered is not lost: the
    ///   broadcast fails, the kernel keeps the entry on its dying list and
    ///   sends the event again later. A NEW or UPDATE that cannot be
    ///   delivered is lost (its bits are re-sent with the flow's next event)
    ///   and reported as an overrun, so resync on an overrun in both modes.
    ///   A DESTROY whose first delivery failed is reported as an overrun
    ///   too, although its retry arrives.
    ///
    /// The price of reliable mode: an entry whose DESTROY waits for
    /// redelivery stays on the dying list and counts against the table, so
    /// when a listener falls behind the table can fill up with them and new
    /// entries are refused (`ENOMEM` to a ctnetlink create, packets dropped
    /// for new connections) until it catches up (seen in the soak test:
    /// creates at full speed under a reliable listener).
    ///
    /// conntrackd also sets `NETLINK_NO_ENOBUFS` here; that hides every
    /// NEW/UPDATE loss, so this library does not.
    ///
    /// # Errors
    /// I/O errors from `setsockopt(2)`.
    pub fn set_reliable(&self, on: bool) -> Result<()> {
        let sock = self.reader.socket();
        sock.set_broadcast_error(on)?;
        sock.set_no_enobufs(false)?;
        Ok(())
    }

    /// Messages the receive calls skipped as not events (answers to
    /// requests nobody waits for, other message types).
    pub fn skipped(&self) -> u64 {
        self.reader.skipped()
    }

    /// Recovers from an overrun: discards the events still queued (in the
    /// socket and here), then streams the current table to `f` through
    /// `ct`. Events that arrive from now on are newer than what the dump
    /// shows only if they are read after it; apply them on top. Returns how
    /// many messages were discarded.
    ///
    /// # Errors
    /// Dump errors.
    pub fn resync<F>(&mut self, ct: &mut Conntrack, filter: &Filter, f: F) -> Result<u64>
    where
        F: FnMut(Flow) -> ControlFlow<()>,
    {
        let mut dropped = 0u64;
        loop {
            match self.reader.next(Wait::Poll) {
                Ok(_) | Err(nfnl::Error::Overrun) => dropped += 1,
                Err(e) if e.is_would_block() => break,
                Err(e) => return Err(Error::Netlink(e)),
            }
        }
        ct.dump(filter, f)?;
        Ok(dropped)
    }
}

/// Receiving events: [`Receive::recv`], [`Receive::try_recv`],
/// [`Receive::recv_timeout`] (import [`Receive`], re-exported at the crate
/// root), and the async [`tokio::AsyncEventListener`](crate::tokio).
/// Each returns the event with its header.
///
/// # Errors
/// [`ErrorExt::is_overrun`](nfnl::ErrorExt::is_overrun) once when events were
/// lost (the listener goes on: see [`EventListener::resync`]); parse and
/// I/O errors. Messages that are not events are skipped and counted in
/// [`EventListener::skipped`].
impl Receive for EventListener {
    type Item<'a> = (EventHeader, Event);
    type Error = Error;

    fn fill(&mut self, wait: Wait) -> Result<()> {
        self.reader.fill_sorted(wait, &mut || Ok(()), |m| {
            if is_event_type(m.msg_type()) {
                Sort::Mine
            } else {
                Sort::NotMine
            }
        })
    }

    fn take(&mut self) -> Result<(EventHeader, Event)> {
        let msg = self.reader.next(Wait::Poll)?;
        let nf = msg.nf()?;
        let h = EventHeader {
            port: msg.port(),
            seq: msg.seq(),
            flags: msg.flags(),
            family: nf.family(),
        };
        match Event::decode(&nf)? {
            Some(ev) => Ok((h, ev)),
            // `fill` let only event types through.
            None => Err(nfnl::Error::from(nfnl::ParseError::UnexpectedMessage {
                msg_type: msg.msg_type(),
            })
            .into()),
        }
    }
}

/// True for the `nlmsg_type` of an event ([`Event::decode`] decodes it).
fn is_event_type(t: u16) -> bool {
    let [subsys, kind] = t.to_be_bytes();
    matches!(
        (subsys, kind),
        (
            sys::NFNL_SUBSYS_CTNETLINK,
            sys::IPCTNL_MSG_CT_NEW | sys::IPCTNL_MSG_CT_DELETE
        ) | (
            sys::NFNL_SUBSYS_CTNETLINK_EXP,
            sys::IPCTNL_MSG_EXP_NEW | sys::IPCTNL_MSG_EXP_DELETE
        )
    )
}

impl AsFd for EventListener {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.reader.socket().as_fd()
    }
}
