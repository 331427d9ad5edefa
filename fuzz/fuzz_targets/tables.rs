//! nf_tables: whatever object the decoders read, the encoder writes back so that it decodes
//! to the same value; an expression decoded from any bytes re-encodes to exactly those
//! bytes (typed, `Unknown` or `Raw`: lossless by construction); the text printer never
//! panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nfnl::{MsgIter, NfMsg};
use nfnl_tables::{text, Expr, Object};

/// A message with `nf`'s header fields and `attrs`.
fn message(nf: &NfMsg<'_>, attrs: &[u8]) -> Vec<u8> {
    let len = u32::try_from(20 + attrs.len()).expect("below 4 GiB");
    let mut m = Vec::with_capacity(20 + attrs.len());
    m.extend_from_slice(&len.to_ne_bytes());
    m.extend_from_slice(&nf.nl().msg_type().to_ne_bytes());
    m.extend_from_slice(&0u16.to_ne_bytes());
    m.extend_from_slice(&1u32.to_ne_bytes());
    m.extend_from_slice(&0u32.to_ne_bytes());
    m.extend_from_slice(&[u8::from(nf.family()), 0, 0, 0]);
    m.extend_from_slice(attrs);
    m
}

fuzz_target!(|data: &[u8]| {
    if let Ok(e) = Expr::decode(data) {
        let mut w = Vec::new();
        if e.encode(&mut w).is_ok() {
            assert_eq!(w, data, "an expression re-encodes to its bytes");
        }
        let _ = text::expr(&e);
    }
    for m in MsgIter::new(data).map_while(Result::ok) {
        let Ok(nf) = m.nf() else { continue };
        let Ok(Some(obj)) = Object::decode(&nf) else { continue };
        let mut attrs = Vec::new();
        if obj.encode(&mut attrs).is_err() {
            continue;
        }
        let msg = message(&nf, &attrs);
        let again = Object::decode(&NfMsg::parse(&msg).expect("our message parses"));
        assert_eq!(again, Ok(Some(obj.clone())), "object round trip");
        if let Object::Rule(r) = &obj {
            let _ = text::rule(r);
        }
        if let Object::Elements(e) = &obj {
            let _ = text::elements(e);
        }
    }
});
