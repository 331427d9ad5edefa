//! Packet traces: a socket joined to `NFNLGRP_NFTRACE`.
//!
//! ```text
//! a packet with meta nftrace set 1 ─▶ each chain, rule and verdict it meets:
//!   NFT_MSG_TRACE (trace id, table, chain, rule handle, verdict, headers, interfaces, mark)
//!        └─ recvmmsg ─▶ nfnl::Reader ─▶ TraceListener::recv ─▶ Trace
//! ```

use std::os::fd::{AsFd, BorrowedFd};

use nfnl::{NfMsg, ParseError, Reader, Receive, Socket, Sort, Wait};
use nfnl_sys as sys;

use crate::data::Verdict;
use crate::error::Error;
use crate::wire::{attr_struct, named_u32};

named_u32! {
    /// `enum nft_trace_types` (`NFTA_TRACE_TYPE`).
    TraceType { UNSPEC = 0 => "unspec", POLICY = 1 => "policy", RETURN = 2 => "return", RULE = 3 => "rule" }
}

attr_struct! {
    /// One trace event (`NFT_MSG_TRACE`, `NFTA_TRACE_*`): a traced packet
    /// met a rule, a return, or a chain's policy.
    pub struct Trace {
        family;
        /// `NFTA_TRACE_ID`: the same for every event of one packet.
        id: u32 = sys::NFTA_TRACE_ID,
        /// `NFTA_TRACE_TYPE`.
        kind: TraceType = sys::NFTA_TRACE_TYPE,
        /// `NFTA_TRACE_TABLE`.
        table: String = sys::NFTA_TRACE_TABLE,
        /// `NFTA_TRACE_CHAIN`.
        chain: String = sys::NFTA_TRACE_CHAIN,
        /// `NFTA_TRACE_RULE_HANDLE` (rule events).
        rule_handle: u64 = sys::NFTA_TRACE_RULE_HANDLE,
        /// `NFTA_TRACE_VERDICT`.
        verdict: Verdict = sys::NFTA_TRACE_VERDICT,
        /// `NFTA_TRACE_POLICY` (policy events: `NF_ACCEPT`/`NF_DROP`).
        policy: u32 = sys::NFTA_TRACE_POLICY,
        /// `NFTA_TRACE_NFPROTO`: the packet's protocol family.
        nfproto: u32 = sys::NFTA_TRACE_NFPROTO,
        /// `NFTA_TRACE_MARK`.
        mark: u32 = sys::NFTA_TRACE_MARK,
        /// `NFTA_TRACE_IIF`: input interface index.
        iif: u32 = sys::NFTA_TRACE_IIF,
        /// `NFTA_TRACE_IIFTYPE` (`ARPHRD_*`).
        iiftype: u16 = sys::NFTA_TRACE_IIFTYPE,
        /// `NFTA_TRACE_OIF`: output interface index.
        oif: u32 = sys::NFTA_TRACE_OIF,
        /// `NFTA_TRACE_OIFTYPE`.
        oiftype: u16 = sys::NFTA_TRACE_OIFTYPE,
        /// `NFTA_TRACE_LL_HEADER`: the link-layer header bytes.
        ll_header: Vec<u8> = sys::NFTA_TRACE_LL_HEADER,
        /// `NFTA_TRACE_NETWORK_HEADER`: the network header bytes.
        network_header: Vec<u8> = sys::NFTA_TRACE_NETWORK_HEADER,
        /// `NFTA_TRACE_TRANSPORT_HEADER`: the transport header bytes.
        transport_header: Vec<u8> = sys::NFTA_TRACE_TRANSPORT_HEADER,
        /// `NFTA_TRACE_CT_ID` (6.16+).
        ct_id: u32 = sys::NFTA_TRACE_CT_ID,
        /// `NFTA_TRACE_CT_DIRECTION` (6.16+).
        ct_direction: u8 = sys::NFTA_TRACE_CT_DIRECTION,
        /// `NFTA_TRACE_CT_STATUS` (6.16+).
        ct_status: u32 = sys::NFTA_TRACE_CT_STATUS,
        /// `NFTA_TRACE_CT_STATE` (6.16+).
        ct_state: u32 = sys::NFTA_TRACE_CT_STATE,
    }
}

impl Trace {
    /// Decodes an `NFT_MSG_TRACE` message.
    ///
    /// # Errors
    /// [`ParseError`] for malformed attributes.
    pub fn decode(msg: &NfMsg<'_>) -> Result<Self, ParseError> {
        let mut t = Self::decode_area(msg.attr_bytes())?;
        t.family = msg.family();
        Ok(t)
    }

    /// Appends the attributes (known ones in this crate's order, then `extra`).
    ///
    /// # Errors
    /// [`nfnl::EncodeError`] for an attribute over 64 KiB.
    pub fn encode(&self, w: &mut Vec<u8>) -> Result<(), nfnl::EncodeError> {
        self.encode_area(w)
    }
}

/// Datagrams read per `recvmmsg`.
const SLOTS: usize = 16;
/// Bytes per receive slot.
const SLOT_LEN: usize = 64 * 1024;

/// Receives packet traces (`NFNLGRP_NFTRACE`) of the calling thread's
/// network namespace, what `nft monitor trace` shows: rules with `meta
/// nftrace set 1` mark packets for tracing.
///
/// # Examples
/// ```no_run
/// use nfnl_tables::{Receive, TraceListener};
/// let mut traces = TraceListener::open()?;
/// let t = traces.recv()?;
/// println!("{:08x} {:?} {:?} {:?}", t.id.unwrap_or(0), t.chain, t.rule_handle, t.verdict);
/// # Ok::<(), nfnl_tables::Error>(())
/// ```
#[derive(Debug)]
pub struct TraceListener {
    reader: Reader,
}

impl TraceListener {
    /// Opens a socket in the calling thread's namespace and joins
    /// `NFNLGRP_NFTRACE`.
    ///
    /// # Errors
    /// `EPERM` without `CAP_NET_ADMIN`; I/O errors.
    pub fn open() -> Result<Self, Error> {
        Self::from_socket(Socket::open()?)
    }

    /// Joins `NFNLGRP_NFTRACE` on an open socket.
    ///
    /// # Errors
    /// As [`TraceListener::open`].
    pub fn from_socket(sock: Socket) -> Result<Self, Error> {
        sock.join_group(sys::NFNLGRP_NFTRACE)?;
        Ok(TraceListener {
            reader: Reader::new(sock, SLOTS, SLOT_LEN),
        })
    }

    /// The socket.
    pub fn socket(&self) -> &Socket {
        self.reader.socket()
    }

    /// Messages the receive calls skipped.
    pub fn skipped(&self) -> u64 {
        self.reader.skipped()
    }
}

const TRACE_TYPE: u16 = ((sys::NFNL_SUBSYS_NFTABLES as u16) << 8) | sys::NFT_MSG_TRACE as u16;

/// Receiving traces: [`Receive::recv`], [`Receive::try_recv`],
/// [`Receive::recv_timeout`].
///
/// # Errors
/// [`ErrorExt::is_overrun`](nfnl::ErrorExt::is_overrun) once when traces
/// were lost; parse and I/O errors.
impl Receive for TraceListener {
    type Item<'a> = Trace;
    type Error = Error;

    fn fill(&mut self, wait: Wait) -> Result<(), Error> {
        self.reader.fill_sorted(wait, &mut || Ok(()), |m| {
            if m.msg_type() == TRACE_TYPE {
                Sort::Mine
            } else {
                Sort::NotMine
            }
        })
    }

    fn take(&mut self) -> Result<Trace, Error> {
        let msg = self.reader.next(Wait::Poll)?;
        Ok(Trace::decode(&msg.nf()?)?)
    }
}

impl AsFd for TraceListener {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.reader.socket().as_fd()
    }
}
