//! Build, then parse: the input is a little program of `MsgBuilder` calls (messages,
//! attributes of every kind, nests, nests that fail and must roll back). What the builder
//! writes must parse back into exactly the messages and attributes the program asked for,
//! with every padding byte zeroed.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nfnl::{AttrIter, EncodeError, MsgBuilder, MsgIter, NfHeader, NlFlags};
use nfnl_fuzz::assert_padding_zeroed;

/// Reads the program; reads past its end give zeros.
struct Program<'a>(&'a [u8]);

impl Program<'_> {
    fn u8(&mut self) -> u8 {
        let (b, rest) = self.0.split_first().map_or((0, &[][..]), |(b, r)| (*b, r));
        self.0 = rest;
        b
    }
    fn u16(&mut self) -> u16 {
        u16::from_le_bytes([self.u8(), self.u8()])
    }
    fn u32(&mut self) -> u32 {
        u32::from_le_bytes([self.u8(), self.u8(), self.u8(), self.u8()])
    }
    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.u8()).collect()
    }
    /// An attribute type without the nested flag (leaves must not look like nests).
    fn kind(&mut self) -> u16 {
        self.u16() & !nfnl_sys::NLA_F_NESTED
    }
}

/// What an attribute should parse back as.
#[derive(Debug)]
enum Node {
    Leaf { raw_type: u16, payload: Vec<u8> },
    Nest { raw_type: u16, children: Vec<Node> },
}

/// What a message should parse back as.
#[derive(Debug)]
struct Msg {
    header: NfHeader,
    seq: u32,
    attrs: Vec<Node>,
}

/// Runs up to `budget` attribute operations at one level, writing to `b` and recording
/// what was written in `out`.
fn attrs(p: &mut Program<'_>, b: &mut MsgBuilder, out: &mut Vec<Node>, depth: u8, budget: u8) {
    for _ in 0..budget {
        if p.0.is_empty() {
            return;
        }
        let (raw_type, payload) = match p.u8() % 9 {
            0 => {
                let (k, n) = (p.kind(), usize::from(p.u8()));
                let v = p.bytes(n);
                b.put_bytes(k, &v).expect("255 bytes fit");
                (k, v)
            }
            1 => {
                let (k, v) = (p.kind(), p.u8());
                b.put_u8(k, v);
                (k, vec![v])
            }
            2 => {
                let (k, v) = (p.kind(), p.u16());
                b.put_be16(k, v);
                (k, v.to_be_bytes().to_vec())
            }
            3 => {
                let (k, v) = (p.kind(), p.u32());
                b.put_be32(k, v);
                (k, v.to_be_bytes().to_vec())
            }
            4 => {
                let (k, v) = (p.kind(), u64::from(p.u32()) << 32 | u64::from(p.u32()));
                b.put_be64(k, v);
                (k, v.to_be_bytes().to_vec())
            }
            5 => {
                let (k, v) = (p.kind(), p.u32());
                b.put_ne32(k, v);
                (k, v.to_ne_bytes().to_vec())
            }
            6 => {
                let k = p.kind();
                let n = usize::from(p.u8() % 32);
                let s: String = p
                    .bytes(n)
                    .iter()
                    .map(|c| char::from(b'a' + c % 26))
                    .collect();
                b.put_cstr(k, &s).expect("no NUL, short");
                let mut v = s.into_bytes();
                v.push(0);
                (k, v)
            }
            7 if depth < 3 => {
                let (k, n) = (p.kind(), p.u8() % 6);
                let mut children = Vec::new();
                let before = b.as_bytes().len();
                let r = b.nest(k, |b| {
                    attrs(p, b, &mut children, depth + 1, n);
                    Ok(())
                });
                match r {
                    Ok(_) => out.push(Node::Nest {
                        raw_type: k | nfnl_sys::NLA_F_NESTED,
                        children,
                    }),
                    Err(_) => assert_eq!(b.as_bytes().len(), before, "a failed nest rolls back"),
                }
                continue;
            }
            8 if depth < 3 => {
                // A nest whose contents fail: nothing of it may remain.
                let (k, n) = (p.kind(), p.u8() % 4);
                let before = b.as_bytes().to_vec();
                let r = b.nest(k, |b| {
                    attrs(p, b, &mut Vec::new(), depth + 1, n);
                    Err(EncodeError::NoMessage)
                });
                assert!(r.is_err());
                assert_eq!(b.as_bytes(), &before[..], "a failed nest rolls back");
                continue;
            }
            // Nests deeper than 3 levels: nothing (the program's recursion stays bounded).
            _ => continue,
        };
        out.push(Node::Leaf { raw_type, payload });
    }
}

fn compare(area: &[u8], want: &[Node]) {
    let got: Vec<_> = AttrIter::new(area)
        .collect::<Result<_, _>>()
        .expect("our attributes parse");
    assert_eq!(got.len(), want.len());
    for (a, w) in got.iter().zip(want) {
        let raw = a.kind() | a.flags().bits();
        match w {
            Node::Leaf { raw_type, payload } => {
                assert_eq!(raw, *raw_type);
                assert_eq!(a.payload(), &payload[..]);
            }
            Node::Nest { raw_type, children } => {
                assert_eq!(raw, *raw_type);
                compare(a.payload(), children);
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let mut p = Program(data);
    let mut b = MsgBuilder::new();
    let mut msgs: Vec<Msg> = Vec::new();
    while !p.0.is_empty() && msgs.len() < 8 {
        let header = NfHeader::new(p.u8(), p.u8())
            .family(p.u8())
            .res_id(p.u16())
            .flags(NlFlags::from_bits_retain(p.u16()));
        let seq = p.u32();
        b.begin(header, seq);
        let mut m = Msg {
            header,
            seq,
            attrs: Vec::new(),
        };
        let budget = p.u8() % 16;
        attrs(&mut p, &mut b, &mut m.attrs, 0, budget);
        msgs.push(m);
    }
    let bytes = b.finish().expect("small messages").to_vec();
    assert_eq!(b.message_count(), msgs.len());
    let parsed: Vec<_> = MsgIter::new(&bytes)
        .collect::<Result<_, _>>()
        .expect("our datagram parses");
    assert_eq!(parsed.len(), msgs.len());
    for (m, want) in parsed.iter().zip(&msgs) {
        let nf = m.nf().expect("an nfnetlink message");
        let h = &want.header;
        assert_eq!((nf.subsystem(), nf.msg_type()), (h.subsystem, h.msg_type));
        assert_eq!(
            (nf.family(), nf.version(), nf.res_id()),
            (nfnl::ProtoFamily::from(h.family), 0, h.res_id)
        );
        assert_eq!(m.flags(), h.flags | NlFlags::REQUEST);
        assert_eq!((m.seq(), m.port()), (want.seq, 0));
        assert_eq!(m.as_bytes().len() % 4, 0, "messages are padded");
        compare(nf.attr_bytes(), &want.attrs);
        assert_padding_zeroed(nf.attr_bytes(), &|t| t & nfnl_sys::NLA_F_NESTED != 0);
    }
});
