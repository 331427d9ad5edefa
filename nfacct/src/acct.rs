//! The accounting handle: create, get, reset, dump and delete objects.
//!
//! ```text
//! Acct::create        ── NFNL_MSG_ACCT_NEW  (CREATE, ACK) name [flags quota] [pkts bytes] ──▶ ack
//! Acct::get           ── NFNL_MSG_ACCT_GET  (ACK) name ──▶ one NEW message + ack
//! Acct::get_and_reset ── NFNL_MSG_ACCT_GET_CTRZERO (ACK) name ──▶ the values before zeroing + ack
//! Acct::dump          ── NFNL_MSG_ACCT_GET  (DUMP) [NFACCT_FILTER{mask, value}] ──▶ NEW × n, DONE
//! Acct::delete        ── NFNL_MSG_ACCT_DEL  (ACK) name ──▶ ack (EBUSY while in use)
//! Acct::delete_unused ── NFNL_MSG_ACCT_DEL  (ACK) no name ──▶ ack (objects in use stay)
//! ```
//!
//! Requests, acks, dumps and their pipelining are [`nfnl::Conn`]'s; this
//! module says what to send and what a refusal means
//! (`net/netfilter/nfnetlink_acct.c`).

use std::ops::ControlFlow;

use nfnl::{Conn, NfHeader, NlFlags, Refusal};
use nfnl_sys as sys;
use nix::errno::Errno;

use crate::error::Error;
use crate::object::{put_name, Filter, Name, NewObject, Object};

/// A connection to the kernel's accounting objects (`nfnetlink_acct`,
/// `NFNL_SUBSYS_ACCT`) of the calling thread's network namespace (they are
/// per namespace).
///
/// # Examples
/// ```no_run
/// use nfnl_acct::{Acct, NewObject, Quota};
/// // then: iptables -A OUTPUT -m nfacct --nfacct-name web
/// let mut acct = Acct::open()?;
/// acct.create(&NewObject::new("web")?.quota(Quota::Bytes(10 << 20)))?;
/// let web = acct.get("web")?;
/// println!("{}: {} packets, {} bytes", web.name(), web.packets(), web.bytes());
/// # Ok::<(), nfnl_acct::Error>(())
/// ```
#[derive(Debug)]
pub struct Acct {
    conn: Conn,
}

fn header(msg: u8) -> NfHeader {
    NfHeader::new(sys::NFNL_SUBSYS_ACCT, msg)
}

impl Acct {
    /// Opens a socket in the calling thread's network namespace.
    ///
    /// # Errors
    /// I/O errors opening the socket.
    pub fn open() -> Result<Self, Error> {
        Ok(Self::from_conn(Conn::open()?))
    }

    /// Opens a socket inside the network namespace named by the file at
    /// `netns` ([`Conn::open_in_netns`]), in one call. With an open
    /// namespace file instead of a path:
    /// `Acct::from_conn(Conn::from_socket(Socket::open_in_netns(fd)?)?)`.
    ///
    /// # Errors
    /// As [`Conn::open_in_netns`].
    pub fn open_in_netns(netns: impl AsRef<std::path::Path>) -> Result<Self, Error> {
        Ok(Self::from_conn(Conn::open_in_netns(netns)?))
    }

    /// Wraps a connection (see [`Acct::open_in_netns`] for one in another namespace).
    pub fn from_conn(conn: Conn) -> Self {
        Acct { conn }
    }

    /// The underlying connection (timeout, receive buffer, socket options).
    pub fn conn(&mut self) -> &mut Conn {
        &mut self.conn
    }

    /// Creates an object (`NFNL_MSG_ACCT_NEW` with `NLM_F_CREATE`), with its
    /// quota and starting counters. An existing object of that name is left
    /// as it is and the create is refused.
    ///
    /// What `nfnl_acct_new` does with an existing name: with `NLM_F_EXCL`
    /// it answers `EEXIST`; with `NLM_F_REPLACE` it zeroes the counters and
    /// the over-quota flag and keeps the quota (and the same request creates
    /// the object when it is missing); with neither, as sent here and by the
    /// `nfacct` tool, it answers `EBUSY`. This crate resets with
    /// [`Acct::get_and_reset`], which never creates and returns what it
    /// zeroed.
    ///
    /// # Errors
    /// [`Error::Exists`]; [`Error::Refused`] (`EPERM` without
    /// `CAP_NET_ADMIN`...); netlink errors.
    pub fn create(&mut self, obj: &NewObject) -> Result<(), Error> {
        let h = header(sys::NFNL_MSG_ACCT_NEW).flags(NlFlags::CREATE);
        self.conn
            .request(h, |b| obj.encode(b))
            .map_err(|e| refusal("create", Some(obj.name()), e))
    }

    /// The object named `name` (`NFNL_MSG_ACCT_GET`).
    ///
    /// # Errors
    /// [`Error::InvalidName`]; [`Error::NotFound`]; netlink errors.
    pub fn get(&mut self, name: &str) -> Result<Object, Error> {
        self.get_msg("get", sys::NFNL_MSG_ACCT_GET, name)
    }

    /// The object named `name` with its counters atomically zeroed
    /// (`NFNL_MSG_ACCT_GET_CTRZERO`): the result holds the values (and
    /// flags) before zeroing; an over-quota object is under quota again and
    /// can notify once more.
    ///
    /// # Errors
    /// As [`Acct::get`].
    pub fn get_and_reset(&mut self, name: &str) -> Result<Object, Error> {
        self.get_msg("get and reset", sys::NFNL_MSG_ACCT_GET_CTRZERO, name)
    }

    fn get_msg(&mut self, op: &'static str, msg: u8, name: &str) -> Result<Object, Error> {
        let name = Name::new(name)?;
        // The kernel answers a missing object with ENOENT, never with an
        // empty success: an ack without the object is nfnl's NoAnswer.
        self.conn
            .query(
                header(msg),
                |b| put_name(b, &name),
                |m| Object::decode(m).map_err(Error::from),
            )
            .map_err(|e| refusal(op, Some(&name), e))
    }

    /// Streams the objects `filter` selects to `f`, in creation order;
    /// nothing is collected. Break to stop early (the rest is drained). The
    /// filter is sent to the kernel (`NFACCT_FILTER`) and checked again
    /// here.
    ///
    /// # Errors
    /// Kernel, I/O and parse errors (the first decode error stops the dump).
    pub fn dump<F>(&mut self, filter: &Filter, f: F) -> Result<(), Error>
    where
        F: FnMut(Object) -> ControlFlow<()>,
    {
        self.dump_msg("dump", sys::NFNL_MSG_ACCT_GET, filter, f)
    }

    /// As [`Acct::dump`], and atomically zeroes the counters of each dumped
    /// object (`NFNL_MSG_ACCT_GET_CTRZERO`): `f` sees the values before
    /// zeroing. Objects the filter skips are not zeroed; those after an
    /// early break are (the kernel zeroes what it sends).
    ///
    /// # Errors
    /// As [`Acct::dump`].
    pub fn dump_and_reset<F>(&mut self, filter: &Filter, f: F) -> Result<(), Error>
    where
        F: FnMut(Object) -> ControlFlow<()>,
    {
        self.dump_msg("dump and reset", sys::NFNL_MSG_ACCT_GET_CTRZERO, filter, f)
    }

    fn dump_msg<F>(
        &mut self,
        op: &'static str,
        msg: u8,
        filter: &Filter,
        mut f: F,
    ) -> Result<(), Error>
    where
        F: FnMut(Object) -> ControlFlow<()>,
    {
        self.conn
            .dump(
                header(msg),
                |b| filter.encode(b),
                |m| {
                    let obj = Object::decode(m)?;
                    Ok::<_, Error>(if filter.matches(&obj) {
                        f(obj)
                    } else {
                        ControlFlow::Continue(())
                    })
                },
            )
            .map_err(|e| refusal(op, None, e))
    }

    /// Deletes the object named `name` (`NFNL_MSG_ACCT_DEL`).
    ///
    /// # Errors
    /// [`Error::InvalidName`]; [`Error::InUse`] while a rule holds it;
    /// [`Error::NotFound`]; netlink errors.
    pub fn delete(&mut self, name: &str) -> Result<(), Error> {
        let name = Name::new(name)?;
        self.conn
            .request(header(sys::NFNL_MSG_ACCT_DEL), |b| put_name(b, &name))
            .map_err(|e| refusal("delete", Some(&name), e))
    }

    /// Deletes every object nothing else holds (`NFNL_MSG_ACCT_DEL` without
    /// a name, as `nfacct flush` does); objects in use stay, silently.
    ///
    /// # Errors
    /// [`Error::Refused`]; netlink errors.
    pub fn delete_unused(&mut self) -> Result<(), Error> {
        self.conn
            .request(header(sys::NFNL_MSG_ACCT_DEL), |_| Ok(()))
            .map_err(|e| refusal("delete unused", None, e))
    }
}

/// Names a kernel refusal of `op` on `name` (`nfnetlink_acct.c`'s errnos).
fn refusal(op: &'static str, name: Option<&Name>, e: impl Into<Error>) -> Error {
    let e = e.into();
    let Error::Netlink(nfnl::Error::Kernel(source)) = e else {
        return e;
    };
    let named = |n: &Name| n.to_string();
    match (source.errno(), name) {
        (Errno::ENOENT, Some(n)) if op != "create" => Error::NotFound {
            op,
            name: named(n),
            source,
        },
        (Errno::EBUSY | Errno::EEXIST, Some(n)) if op == "create" => Error::Exists {
            name: named(n),
            source,
        },
        (Errno::EBUSY, Some(n)) if op == "delete" => Error::InUse {
            name: named(n),
            source,
        },
        _ => Error::Refused(Refusal {
            op,
            object: name.map_or_else(|| "nfacct".to_owned(), |n| format!("nfacct \"{n}\"")),
            source,
        }),
    }
}
