//! Queued packets (`NFQNL_MSG_PACKET`) through `PacketMeta` and every accessor, the IP/L4
//! helper included. Properties: a packet parses only from a queue packet message with its
//! header attribute; the borrowed fields lie inside the message; the payload is the last
//! `NFQA_PAYLOAD` of the reference walk; the length helpers agree with each other.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nfnl::{IpPacket, MsgIter, NfMsg};
use nfnl_fuzz::{attrs, offset_in};
use nfnl_queue::{PacketMeta, PacketSlots};

/// The IP view reads only the payload, and its parts agree with each other.
pub fn check_ip(ip: &IpPacket<'_>, payload: &[u8]) {
    assert!(offset_in(payload, ip.as_bytes()) == Some(0));
    let _ = (
        ip.version(),
        ip.src(),
        ip.dst(),
        ip.protocol(),
        ip.is_fragment(),
        ip.icmp(),
    );
    // (No transport view for a non-first fragment, or when the data ends before it.)
    if let Some(t) = ip.transport() {
        assert_eq!(offset_in(ip.as_bytes(), t), Some(ip.transport_offset()));
    }
    assert_eq!(ip.ports().map(|p| p.0), ip.src_port());
    assert_eq!(ip.ports().map(|p| p.1), ip.dst_port());
    if let Some(n) = ip.total_len() {
        let _ = n;
    }
    let _ = ip.is_complete();
}

fn check(msg: &NfMsg<'_>) {
    let mut slots = PacketSlots::new();
    let Ok(p) = PacketMeta::parse(msg, &mut slots) else {
        return;
    };
    let bytes = msg.nl().as_bytes();
    assert_eq!(msg.subsystem(), nfnl_sys::NFNL_SUBSYS_QUEUE);
    assert_eq!(msg.msg_type(), nfnl_sys::NFQNL_MSG_PACKET);
    assert_eq!((p.queue(), p.family()), (msg.res_id(), msg.family()));
    let (spans, bad) = attrs(msg.attr_bytes());
    assert!(!bad, "parsed although the attribute walk fails");
    let kind = |s: &nfnl_fuzz::AttrSpan| s.raw_type & nfnl_sys::NLA_TYPE_MASK;
    assert!(spans.iter().any(|s| kind(s) == nfnl_sys::NFQA_PACKET_HDR));
    let last_payload = spans
        .iter()
        .rev()
        .find(|s| kind(s) == nfnl_sys::NFQA_PAYLOAD)
        .map(|s| &msg.attr_bytes()[s.payload..s.payload + s.len]);
    assert_eq!(p.payload(), last_payload);
    for borrowed in [
        p.payload(),
        p.ct_bytes(),
        p.exp_bytes(),
        p.secctx(),
        p.l2hdr(),
    ]
    .into_iter()
    .flatten()
    {
        assert!(offset_in(bytes, borrowed).is_some());
    }
    let _ = (
        p.id(),
        p.hw_protocol(),
        p.hook(),
        p.hook().name(),
        p.mark(),
        p.timestamp(),
    );
    let _ = (p.indev(), p.outdev(), p.physindev(), p.physoutdev());
    if let Some(h) = p.hwaddr() {
        assert!(h.as_bytes().len() <= 8);
        let _ = h.to_string();
    }
    match (p.cap_len(), p.payload()) {
        (Some(c), _) => assert_eq!(p.len() as u64, u64::from(c)),
        (None, Some(pl)) => assert_eq!(p.len(), pl.len()),
        (None, None) => assert_eq!(p.len(), 0),
    }
    assert_eq!(p.is_empty(), p.len() == 0);
    if p.is_truncated() {
        assert!(p.cap_len().is_some());
    }
    let _ = (
        p.skb_info(),
        p.ct_state(),
        p.uid(),
        p.gid(),
        p.priority(),
        p.cgroup_classid(),
    );
    if let Some(it) = p.ct_attrs() {
        let _ = it.count();
    }
    if let Some(v) = p.vlan() {
        assert!(v.id() < 4096 && v.pcp() < 8);
        let _ = v.dei();
    }
    if let Some(ip) = p.ip() {
        check_ip(&ip, p.payload().expect("an IP view needs a payload"));
    }
}

fuzz_target!(|data: &[u8]| {
    // As a receiver sees it: every message of the datagram.
    for m in MsgIter::new(data).map_while(Result::ok) {
        if let Ok(nf) = m.nf() {
            check(&nf);
        }
    }
    // And the one-message entry point, which must agree.
    let mut slots = PacketSlots::new();
    if let (Ok(a), Ok(nf)) = (
        PacketMeta::parse_bytes(data, &mut slots),
        NfMsg::parse(data),
    ) {
        let mut slots = PacketSlots::new();
        let b = PacketMeta::parse(&nf, &mut slots).expect("parse_bytes and parse agree");
        assert_eq!((a.id(), a.payload()), (b.id(), b.payload()));
    }
});
