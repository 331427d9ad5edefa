//! Message flags.

use nfnl_sys as sys;

bitflags::bitflags! {
    /// `nlmsg_flags` (`NLM_F_*`). Several values mean different things on
    /// GET, NEW, DELETE and ACK messages, as in the kernel header; unknown bits are kept.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
    pub struct NlFlags: u16 {
        /// `NLM_F_REQUEST`: a request.
        const REQUEST = sys::NLM_F_REQUEST;
        /// `NLM_F_MULTI`: part of a multipart reply ending in `NLMSG_DONE`.
        const MULTI = sys::NLM_F_MULTI;
        /// `NLM_F_ACK`: ask for an acknowledgement.
        const ACK = sys::NLM_F_ACK;
        /// `NLM_F_ECHO`: echo the request.
        const ECHO = sys::NLM_F_ECHO;
        /// `NLM_F_DUMP_INTR`: the dump was inconsistent.
        const DUMP_INTR = sys::NLM_F_DUMP_INTR;
        /// `NLM_F_DUMP_FILTERED`: the dump was filtered as requested.
        const DUMP_FILTERED = sys::NLM_F_DUMP_FILTERED;
        /// `NLM_F_ROOT` (GET).
        const ROOT = sys::NLM_F_ROOT;
        /// `NLM_F_MATCH` (GET).
        const MATCH = sys::NLM_F_MATCH;
        /// `NLM_F_ATOMIC` (GET).
        const ATOMIC = sys::NLM_F_ATOMIC;
        /// `NLM_F_DUMP` = `ROOT | MATCH` (GET).
        const DUMP = sys::NLM_F_DUMP;
        /// `NLM_F_REPLACE` (NEW).
        const REPLACE = sys::NLM_F_REPLACE;
        /// `NLM_F_EXCL` (NEW).
        const EXCL = sys::NLM_F_EXCL;
        /// `NLM_F_CREATE` (NEW).
        const CREATE = sys::NLM_F_CREATE;
        /// `NLM_F_APPEND` (NEW).
        const APPEND = sys::NLM_F_APPEND;
        /// `NLM_F_CAPPED` (ACK): the request was not echoed whole.
        const CAPPED = sys::NLM_F_CAPPED;
        /// `NLM_F_ACK_TLVS` (ACK): extended-ack attributes follow.
        const ACK_TLVS = sys::NLM_F_ACK_TLVS;
    }
}
