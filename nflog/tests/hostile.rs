//! Hostile input: mutated log messages and random bytes through the
//! message parser and every accessor, including the IP view over the
//! attacker-controlled payload. No panic allowed, and what parses must be
//! self-consistent.

#![allow(clippy::unwrap_used)]

mod fixture;
use nfnl::testutil::mutate;

use nfnl_log::{LogMsg, LogMsgSlots};

fn exercise(bytes: &[u8]) {
    let mut slots = LogMsgSlots::new();
    let Ok(m) = LogMsg::parse_bytes(bytes, &mut slots) else {
        return;
    };
    let _ = (
        m.group(),
        m.family(),
        m.hook(),
        m.hw_protocol(),
        m.prefix(),
        m.mark(),
    );
    let _ = (
        m.timestamp(),
        m.indev(),
        m.outdev(),
        m.physindev(),
        m.physoutdev(),
    );
    let _ = (
        m.hwaddr().map(|h| h.to_string()),
        m.hw_type(),
        m.hw_header_len(),
        m.hw_header(),
    );
    let _ = (
        m.uid(),
        m.gid(),
        m.seq(),
        m.seq_global(),
        m.ct_state(),
        m.vlan(),
        m.l2hdr(),
    );
    if let Some(it) = m.ct_attrs() {
        for a in it.flatten() {
            let _ = a.get_be32();
        }
    }
    // The payload and the message bytes lie inside the input.
    let range = bytes.as_ptr_range();
    for part in [m.payload(), m.prefix(), Some(m.as_bytes())]
        .into_iter()
        .flatten()
    {
        assert!(range.contains(&part.as_ptr()) || part.is_empty());
        assert!(part.len() <= bytes.len());
    }
    if let Some(ip) = m.ip() {
        let _ = (
            ip.src(),
            ip.dst(),
            ip.protocol(),
            ip.ports(),
            ip.icmp(),
            ip.total_len(),
        );
        assert!(ip.as_bytes().len() <= m.payload().map_or(0, <[u8]>::len));
    }
    let _ = m.packet_len();
}

#[test]
fn mutated_log_messages_never_panic() {
    let rich = fixture::rich_message();
    let bare = fixture::with_attrs(&[(10, b"x\0")]);
    assert!(
        LogMsg::parse_bytes(&rich, &mut LogMsgSlots::new())
            .unwrap()
            .ip()
            .is_some(),
        "seed parses"
    );
    mutate::hammer(&[rich, bare], 5000, exercise);
}
