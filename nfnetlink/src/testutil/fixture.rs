//! Byte fixtures: netlink messages built by hand, independently of [`MsgBuilder`], so tests can
//! compare what the parser reads and what the builder writes against the kernel's layout.
//!
//! Headers (`struct nlmsghdr`, `struct nlattr`, `struct nlmsgerr`) are in host byte order
//! like the kernel's; payloads are passed as bytes, big-endian where the protocol says so.
//!
//! [`MsgBuilder`]: crate::MsgBuilder

#![allow(clippy::expect_used)]

use nfnl_sys::{NLA_F_NESTED, NLMSG_ERROR};

/// Appends zeros to `v` up to the next multiple of 4 (`NLMSG_ALIGNTO`, `NLA_ALIGNTO`).
pub fn pad4(v: &mut Vec<u8>) {
    while v.len() % 4 != 0 {
        v.push(0);
    }
}

/// A netlink message (`struct nlmsghdr` + `body`): `nlmsg_len` is 16 + `body.len()`, and the
/// result is padded to 4 bytes (`NLMSG_ALIGN`).
///
/// # Panics
///
/// If the message would not fit the 32-bit `nlmsg_len`.
pub fn nlmsg(ty: u16, flags: u16, seq: u32, pid: u32, body: &[u8]) -> Vec<u8> {
    let len = u32::try_from(16 + body.len()).expect("fixture longer than nlmsg_len can say");
    let mut v = Vec::with_capacity(16 + body.len() + 3);
    v.extend_from_slice(&len.to_ne_bytes());
    v.extend_from_slice(&ty.to_ne_bytes());
    v.extend_from_slice(&flags.to_ne_bytes());
    v.extend_from_slice(&seq.to_ne_bytes());
    v.extend_from_slice(&pid.to_ne_bytes());
    v.extend_from_slice(body);
    pad4(&mut v);
    v
}

/// An nfnetlink message from the kernel (port id 0): [`nlmsg`] whose body starts with
/// `struct nfgenmsg` (`family`, version `NFNETLINK_V0`, big-endian `res_id`), then `body`.
pub fn nfmsg(ty: u16, flags: u16, seq: u32, family: u8, res_id: u16, body: &[u8]) -> Vec<u8> {
    let r = res_id.to_be_bytes();
    let mut b = Vec::with_capacity(4 + body.len());
    b.extend_from_slice(&[family, 0, r[0], r[1]]);
    b.extend_from_slice(body);
    nlmsg(ty, flags, seq, 0, &b)
}

/// A `struct nlattr` header alone: `nla_len` = `len` (header included), `nla_type` = `ty`
/// (flags included). For fixtures that spell out nests and padding byte by byte.
pub const fn attr_header(len: u16, ty: u16) -> [u8; 4] {
    let l = len.to_ne_bytes();
    let t = ty.to_ne_bytes();
    [l[0], l[1], t[0], t[1]]
}

/// An attribute: header (`nla_len` = 4 + `payload.len()`, unpadded), `payload`, zero padding
/// to 4 bytes (`NLA_ALIGN`).
///
/// # Panics
///
/// If `payload` does not fit the 16-bit `nla_len`.
pub fn attr(kind: u16, payload: &[u8]) -> Vec<u8> {
    let len = u16::try_from(4 + payload.len()).expect("attribute longer than nla_len can say");
    let mut v = Vec::with_capacity(4 + payload.len() + 3);
    v.extend_from_slice(&attr_header(len, kind));
    v.extend_from_slice(payload);
    pad4(&mut v);
    v
}

/// A nested attribute: [`attr`] with `NLA_F_NESTED` set in its type, holding `children`
/// (attributes already laid out, e.g. [`attr`]s concatenated).
pub fn nest(kind: u16, children: &[u8]) -> Vec<u8> {
    attr(kind | NLA_F_NESTED, children)
}

/// An `NLMSG_ERROR` answering `request`: `struct nlmsgerr` with `error` (0 for an ack, or
/// `-errno`) and the echoed `request` (pass its first 16 bytes for a capped answer, all of it
/// for an uncapped one), then the extended-ack `tlvs`. `flags` are the answer's own
/// (`NLM_F_CAPPED`, `NLM_F_ACK_TLVS`); sequence number and port id are the request's, as the
/// kernel's `netlink_ack` copies them.
///
/// # Panics
///
/// If `request` is shorter than a `struct nlmsghdr` (16 bytes).
pub fn error_msg(error: i32, flags: u16, request: &[u8], tlvs: &[u8]) -> Vec<u8> {
    assert!(
        request.len() >= 16,
        "the echoed request needs a whole nlmsghdr"
    );
    let word = |at: usize| {
        u32::from_ne_bytes([
            request[at],
            request[at + 1],
            request[at + 2],
            request[at + 3],
        ])
    };
    let (seq, pid) = (word(8), word(12));
    let mut body = Vec::with_capacity(4 + request.len() + tlvs.len());
    body.extend_from_slice(&error.to_ne_bytes());
    body.extend_from_slice(request);
    body.extend_from_slice(tlvs);
    nlmsg(NLMSG_ERROR, flags, seq, pid, &body)
}

/// Environment variable that makes [`capture`] write its files.
pub const CAPTURE_ENV: &str = "NFNL_CAPTURE";

/// Records a datagram received from the kernel as a golden fixture: when the environment
/// variable [`CAPTURE_ENV`] is set (`NFNL_CAPTURE=1 cargo xtask test --netns-only --
/// capture`), writes `bytes` to `dir/name` (`dir` is usually the crate's `testdata`), else
/// does nothing. Returns whether it wrote. The files seed the fuzz corpora and are read by
/// unit tests with `include_bytes!`.
///
/// # Panics
///
/// If the file cannot be written.
pub fn capture(dir: &str, name: &str, bytes: &[u8]) -> bool {
    if std::env::var_os(CAPTURE_ENV).is_none() {
        return false;
    }
    let path = std::path::Path::new(dir).join(name);
    if let Err(e) = std::fs::create_dir_all(dir).and_then(|()| std::fs::write(&path, bytes)) {
        panic!("cannot write the capture {}: {e}", path.display());
    }
    true
}

/// The data messages of captured datagrams (one or several concatenated):
/// every nfnetlink message but the `NLMSG_DONE` that ends a dump.
///
/// # Panics
///
/// On a malformed message: the captures come from the kernel.
pub fn data_messages(datagrams: &[u8]) -> Vec<crate::NfMsg<'_>> {
    crate::MsgIter::new(datagrams)
        .map(|m| m.expect("a captured message parses"))
        .filter(|m| m.msg_type() != nfnl_sys::NLMSG_DONE)
        .map(|m| m.nf().expect("a captured data message has an nfgenmsg"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Control, MsgIter, NfMsg, NlMsg};

    #[test]
    fn fixtures_parse_as_laid_out() {
        let mut body = attr(1, &[1, 2, 3]);
        body.extend(nest(2, &attr(3, &7u32.to_be_bytes())));
        let d = nfmsg(0x0100, 2, 5, 2, 0x0102, &body);
        let m = NfMsg::parse(&d).unwrap();
        assert_eq!((u8::from(m.family()), m.res_id()), (2, 0x0102));
        let kinds: Vec<_> = m.attrs().map(|a| a.unwrap().kind()).collect();
        assert_eq!(kinds, [1, 2]);

        let ack = error_msg(0, 0x100, &d[..16], &[]);
        let mut msgs = MsgIter::new(&ack);
        let Ok(Control::Error(e)) = Control::classify(msgs.next().unwrap().unwrap()) else {
            panic!("not an ack")
        };
        assert!(e.is_ack());
        assert_eq!(e.request().nlmsg_seq, 5);
        assert!(NlMsg::parse(&nlmsg(3, 0, 0, 0, &[9])).is_ok());
    }
}
