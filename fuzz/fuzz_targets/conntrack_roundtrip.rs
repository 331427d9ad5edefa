//! Decode, encode, decode: whatever flow or expectation the decoders read, the encoders
//! write back so that it decodes to the same value, deterministically, with every
//! attribute's padding zeroed. (Encoding may refuse a value, e.g. a tuple mixing address
//! families, with a typed error; then there is nothing to compare.)
#![no_main]

use libfuzzer_sys::fuzz_target;
use nfnl::{EncodeError, MsgBuilder, MsgIter, NfHeader, NfMsg};
use nfnl_conntrack::{Expect, Flow};
use nfnl_fuzz::assert_padding_zeroed;

/// Encodes with `encode` into a fresh message twice (the bytes must match), checks the
/// padding, and returns the bytes; `None` if the encoder refused.
fn encode(
    subsys: u8,
    encode: impl Fn(&mut MsgBuilder) -> Result<(), EncodeError>,
) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    for _ in 0..2 {
        let mut b = MsgBuilder::new();
        b.begin(NfHeader::new(subsys, 0).family(2), 1);
        encode(&mut b).ok()?;
        let bytes = b.finish().expect("a message below 4 GiB").to_vec();
        if !out.is_empty() {
            assert_eq!(out, bytes, "encoding is deterministic");
        }
        out = bytes;
    }
    assert_padding_zeroed(&out[20..], &|t| t & nfnl_sys::NLA_F_NESTED != 0);
    Some(out)
}

fuzz_target!(|data: &[u8]| {
    for m in MsgIter::new(data).map_while(Result::ok) {
        let Ok(nf) = m.nf() else { continue };
        if let Ok(f) = Flow::decode(&nf) {
            if let Some(bytes) = encode(nfnl_sys::NFNL_SUBSYS_CTNETLINK, |b| f.encode_attrs(b)) {
                let again = Flow::decode(&NfMsg::parse(&bytes).expect("our message parses"));
                assert_eq!(again.as_ref(), Ok(&f), "flow round trip");
            }
        }
        if let Ok(e) = Expect::decode(&nf) {
            if let Some(bytes) = encode(nfnl_sys::NFNL_SUBSYS_CTNETLINK_EXP, |b| e.encode_attrs(b))
            {
                let again = Expect::decode(&NfMsg::parse(&bytes).expect("our message parses"));
                assert_eq!(again.as_ref(), Ok(&e), "expectation round trip");
            }
        }
    }
});
