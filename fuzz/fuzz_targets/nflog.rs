//! Logged packets (`NFULNL_MSG_PACKET`) through `LogMsg` and every accessor, the IP view
//! included. Properties: a message parses only as an nflog packet; the borrowed fields lie
//! inside it; the payload is the last `NFULA_PAYLOAD` of the reference walk.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nfnl::{MsgIter, NfMsg};
use nfnl_fuzz::{attrs, offset_in};
use nfnl_log::{LogMsg, LogMsgSlots};

fn check(msg: &NfMsg<'_>) {
    let mut slots = LogMsgSlots::new();
    let Ok(l) = LogMsg::parse(msg, &mut slots) else {
        return;
    };
    assert_eq!(msg.subsystem(), nfnl_sys::NFNL_SUBSYS_ULOG);
    assert_eq!((l.group(), l.family()), (msg.res_id(), msg.family()));
    let (spans, bad) = attrs(msg.attr_bytes());
    assert!(!bad, "parsed although the attribute walk fails");
    let last_payload = spans
        .iter()
        .rev()
        .find(|s| s.raw_type & nfnl_sys::NLA_TYPE_MASK == nfnl_sys::NFULA_PAYLOAD)
        .map(|s| &msg.attr_bytes()[s.payload..s.payload + s.len]);
    assert_eq!(l.payload(), last_payload);
    let bytes = msg.nl().as_bytes();
    for borrowed in [
        l.prefix(),
        l.hw_header(),
        l.payload(),
        l.ct_bytes(),
        l.l2hdr(),
    ]
    .into_iter()
    .flatten()
    {
        assert!(offset_in(bytes, borrowed).is_some());
    }
    let _ = (
        l.hw_protocol(),
        l.hook(),
        l.mark(),
        l.timestamp(),
        l.indev(),
        l.outdev(),
    );
    let _ = (
        l.physindev(),
        l.physoutdev(),
        l.hw_type(),
        l.hw_header_len(),
        l.uid(),
        l.gid(),
    );
    let _ = (
        l.seq(),
        l.seq_global(),
        l.ct_state(),
        l.vlan(),
        l.packet_len(),
    );
    if let Some(h) = l.hwaddr() {
        assert!(h.as_bytes().len() <= 8);
    }
    if let Some(it) = l.ct_attrs() {
        let _ = it.count();
    }
    if let Some(ip) = l.ip() {
        let payload = l.payload().expect("an IP view needs a payload");
        assert_eq!(offset_in(payload, ip.as_bytes()), Some(0));
        assert_eq!(ip.ports().map(|p| p.1), ip.dst_port());
    }
}

fuzz_target!(|data: &[u8]| {
    for m in MsgIter::new(data).map_while(Result::ok) {
        if let Ok(nf) = m.nf() {
            check(&nf);
        }
    }
});
