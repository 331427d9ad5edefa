//! Reference walks for the fuzz targets: netlink message and attribute boundaries computed
//! independently of `nfnetlink` (plain `u64` arithmetic, straight from the layout in
//! `<linux/netlink.h>`), so a target can check that the library's zero-copy walks agree.

/// One netlink message found by [`messages`]: its byte range in the datagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MsgSpan {
    /// Offset of the `nlmsghdr`.
    pub start: usize,
    /// `nlmsg_len`.
    pub len: usize,
}

/// One attribute found by [`attrs`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttrSpan {
    /// Raw `nla_type`, flag bits included.
    pub raw_type: u16,
    /// Offset of the payload in the walked buffer.
    pub payload: usize,
    /// Payload length (`nla_len - 4`).
    pub len: usize,
}

fn ne_u16(b: &[u8], at: u64) -> u16 {
    let i = at as usize;
    u16::from_ne_bytes([b[i], b[i + 1]])
}

fn ne_u32(b: &[u8], at: u64) -> u32 {
    let i = at as usize;
    u32::from_ne_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]])
}

/// Messages of a datagram, and whether the walk met a malformed header (then nothing after
/// it counts). Rules: a header needs 16 bytes, `16 <= nlmsg_len <= remaining`, the next one
/// starts at `nlmsg_len` rounded up to 4, and the final padding may be missing.
pub fn messages(buf: &[u8]) -> (Vec<MsgSpan>, bool) {
    let total = buf.len() as u64;
    let mut off = 0u64;
    let mut out = Vec::new();
    while off < total {
        if total - off < 16 {
            return (out, true);
        }
        let len = u64::from(ne_u32(buf, off));
        if len < 16 || len > total - off {
            return (out, true);
        }
        out.push(MsgSpan {
            start: off as usize,
            len: len as usize,
        });
        off += (len + 3) & !3;
    }
    (out, false)
}

/// Attributes of a TLV area, and whether the walk met a malformed one. Rules: a header needs
/// 4 bytes, `4 <= nla_len <= remaining`, the next starts at `nla_len` rounded up to 4, and
/// the final padding may be missing.
pub fn attrs(buf: &[u8]) -> (Vec<AttrSpan>, bool) {
    let total = buf.len() as u64;
    let mut off = 0u64;
    let mut out = Vec::new();
    while off < total {
        if total - off < 4 {
            return (out, true);
        }
        let len = u64::from(ne_u16(buf, off));
        if len < 4 || len > total - off {
            return (out, true);
        }
        out.push(AttrSpan {
            raw_type: ne_u16(buf, off + 2),
            payload: (off + 4) as usize,
            len: (len - 4) as usize,
        });
        off += (len + 3) & !3;
    }
    (out, false)
}

/// Offset of `inner` within `outer`, if `inner` is a subslice of it (same memory).
pub fn offset_in(outer: &[u8], inner: &[u8]) -> Option<usize> {
    let (o, i) = (outer.as_ptr() as usize, inner.as_ptr() as usize);
    (i >= o && i + inner.len() <= o + outer.len()).then(|| i - o)
}

/// Checks that `area`, a TLV area written by our builder, has every attribute's alignment
/// padding zeroed, at every nesting level `nested(raw_type)` says is a nest. Panics if not.
pub fn assert_padding_zeroed(area: &[u8], nested: &dyn Fn(u16) -> bool) {
    let (spans, bad) = attrs(area);
    assert!(!bad, "builder output has a malformed attribute");
    for s in spans {
        let end = s.payload + s.len;
        let padded = ((end + 3) & !3).min(area.len());
        assert!(
            area[end..padded].iter().all(|&b| b == 0),
            "padding after attribute type {:#x} not zeroed",
            s.raw_type
        );
        if nested(s.raw_type) {
            assert_padding_zeroed(&area[s.payload..end], nested);
        }
    }
}
