//! Ruleset change events: a socket joined to `NFNLGRP_NFTABLES`.
//!
//! ```text
//! a committed transaction ─▶ nf_tables_commit: one NEW*/DEL* message per changed object
//!   (seq and port of the committer), then NFT_MSG_NEWGEN (the new generation, its pid and name)
//!        └─ recvmmsg ─▶ nfnl::Reader ─▶ EventListener::recv ─▶ Event
//! ```

use std::os::fd::{AsFd, BorrowedFd};

use nfnl::{NfMsg, Reader, Receive, Socket, Sort, Wait};
use nfnl_sys as sys;

use crate::error::Error;
use crate::object::{Chain, Flowtable, Gen, Obj, Object, Rule, Set, SetElems, Table};

/// Datagrams read per `recvmmsg`.
const SLOTS: usize = 16;
/// Bytes per receive slot: event datagrams are at most a page or so, a
/// rule with many expressions a few KiB.
const SLOT_LEN: usize = 64 * 1024;

/// Whether an event announces a new (or updated) object or a deleted one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Change {
    /// `NFT_MSG_NEW*` (also the end of a transaction: `NFT_MSG_NEWGEN`).
    New,
    /// `NFT_MSG_DEL*` (deletes and destroys).
    Delete,
}

/// One change of the ruleset, as the kernel announced it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    /// New or deleted.
    pub change: Change,
    /// What changed ([`Object::Gen`] closes each committed transaction).
    pub object: Object,
    /// The netlink port of the socket that committed it (`nlmsg_pid`; 0 for the kernel).
    pub port: u32,
}

impl Event {
    /// Decodes an nf_tables event message; `Ok(None)` for a type this
    /// crate does not decode.
    ///
    /// # Errors
    /// [`nfnl::ParseError`] for malformed attributes.
    pub fn decode(msg: &NfMsg<'_>) -> Result<Option<Self>, nfnl::ParseError> {
        let (change, object) = match msg.msg_type() {
            sys::NFT_MSG_DELTABLE => (Change::Delete, Object::Table(Table::decode(msg)?)),
            sys::NFT_MSG_DELCHAIN => (Change::Delete, Object::Chain(Chain::decode(msg)?)),
            sys::NFT_MSG_DELRULE => (Change::Delete, Object::Rule(Rule::decode(msg)?)),
            sys::NFT_MSG_DELSET => (Change::Delete, Object::Set(Set::decode(msg)?)),
            sys::NFT_MSG_DELSETELEM => (Change::Delete, Object::Elements(SetElems::decode(msg)?)),
            sys::NFT_MSG_DELOBJ => (Change::Delete, Object::Obj(Obj::decode(msg)?)),
            sys::NFT_MSG_DELFLOWTABLE => {
                (Change::Delete, Object::Flowtable(Flowtable::decode(msg)?))
            }
            sys::NFT_MSG_NEWGEN => (Change::New, Object::Gen(Gen::decode(msg)?)),
            _ => match Object::decode(msg)? {
                Some(o) => (Change::New, o),
                None => return Ok(None),
            },
        };
        Ok(Some(Event {
            change,
            object,
            port: msg.nl().port(),
        }))
    }
}

fn decodes(msg_type: u8) -> bool {
    matches!(
        msg_type,
        sys::NFT_MSG_NEWTABLE
            | sys::NFT_MSG_DELTABLE
            | sys::NFT_MSG_NEWCHAIN
            | sys::NFT_MSG_DELCHAIN
            | sys::NFT_MSG_NEWRULE
            | sys::NFT_MSG_DELRULE
            | sys::NFT_MSG_NEWSET
            | sys::NFT_MSG_DELSET
            | sys::NFT_MSG_NEWSETELEM
            | sys::NFT_MSG_DELSETELEM
            | sys::NFT_MSG_NEWOBJ
            | sys::NFT_MSG_DELOBJ
            | sys::NFT_MSG_NEWFLOWTABLE
            | sys::NFT_MSG_DELFLOWTABLE
            | sys::NFT_MSG_NEWGEN
    )
}

/// Receives the ruleset's change events (`NFNLGRP_NFTABLES`) of the
/// calling thread's network namespace, what `nft monitor` shows.
///
/// # Examples
/// ```no_run
/// use nfnl_tables::{Change, EventListener, Object, Receive};
/// let mut events = EventListener::open()?;
/// loop {
///     let ev = events.recv()?;
///     match &ev.object {
///         Object::Gen(g) => println!("generation {:?} by {:?}", g.id, g.proc_name),
///         o => println!("{:?} {:?}", ev.change, o),
///     }
/// }
/// # Ok::<(), nfnl_tables::Error>(())
/// ```
#[derive(Debug)]
pub struct EventListener {
    reader: Reader,
}

impl EventListener {
    /// Opens a socket in the calling thread's namespace and joins
    /// `NFNLGRP_NFTABLES`.
    ///
    /// # Errors
    /// `EPERM` without `CAP_NET_ADMIN`; I/O errors.
    pub fn open() -> Result<Self, Error> {
        Self::from_socket(Socket::open()?)
    }

    /// Joins `NFNLGRP_NFTABLES` on an open socket.
    ///
    /// # Errors
    /// As [`EventListener::open`].
    pub fn from_socket(sock: Socket) -> Result<Self, Error> {
        sock.join_group(sys::NFNLGRP_NFTABLES)?;
        Ok(EventListener {
            reader: Reader::new(sock, SLOTS, SLOT_LEN),
        })
    }

    /// The socket (receive buffer size, polling).
    pub fn socket(&self) -> &Socket {
        self.reader.socket()
    }

    /// Messages the receive calls skipped (other subsystems' or types).
    pub fn skipped(&self) -> u64 {
        self.reader.skipped()
    }
}

/// Receiving events: [`Receive::recv`], [`Receive::try_recv`],
/// [`Receive::recv_timeout`] (import [`Receive`], re-exported at the crate
/// root).
///
/// # Errors
/// [`ErrorExt::is_overrun`](nfnl::ErrorExt::is_overrun) once when events
/// were lost (the listener goes on: read the ruleset again); parse and I/O
/// errors.
impl Receive for EventListener {
    type Item<'a> = Event;
    type Error = Error;

    fn fill(&mut self, wait: Wait) -> Result<(), Error> {
        self.reader.fill_sorted(wait, &mut || Ok(()), |m| {
            let t = m.msg_type();
            if (t >> 8) as u8 == sys::NFNL_SUBSYS_NFTABLES && decodes((t & 0xff) as u8) {
                Sort::Mine
            } else {
                Sort::NotMine
            }
        })
    }

    fn take(&mut self) -> Result<Event, Error> {
        let msg = self.reader.next(Wait::Poll)?;
        let nf = msg.nf()?;
        Event::decode(&nf)?.ok_or(Error::Netlink(nfnl::Error::Parse(
            nfnl::ParseError::Missing {
                kind: 0,
                within: "nf_tables event of a decodable type",
            },
        )))
    }
}

impl AsFd for EventListener {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.reader.socket().as_fd()
    }
}
