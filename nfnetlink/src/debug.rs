//! A readable dump of any message as a tree of attributes, for debugging
//! (libmnl's `mnl_nlmsg_fprintf`, without a schema).
//!
//! Nests are recognised by `NLA_F_NESTED`, which the kernel sets on every
//! nest it builds with `nla_nest_start`. An attribute without the flag is
//! shown as hex. Nesting deeper than [`MAX_DEPTH`] is reported, not followed.

use std::fmt::{self, Write};

use crate::ack::Control;
use crate::attr::{AttrFlags, AttrIter};
use crate::msg::MsgIter;

/// How deep the printer follows nests (the kernel's own policy cap is 10).
pub const MAX_DEPTH: usize = 16;

/// Formats every message of a datagram as an indented tree.
///
/// # Examples
/// ```
/// #[rustfmt::skip]
/// let bytes = [
///     28, 0, 0, 0,  0x00, 0x01,  2, 0,  1, 0, 0, 0,  0, 0, 0, 0, // ctnetlink NEW, MULTI
///     2, 0, 0, 0,                                               // nfgenmsg
///     8, 0, 8, 0,  0, 0, 0, 1,                                  // attribute 8 = 00000001
/// ];
/// let text = nfnl::debug::format_datagram(&bytes);
/// assert!(text.contains("subsys 1 type 0"));
/// assert!(text.contains("[8] len 4: 00 00 00 01"));
/// ```
pub fn format_datagram(buf: &[u8]) -> String {
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = write_datagram(&mut out, buf);
    out
}

/// Writes every message of `buf` to `w` as an indented tree.
///
/// # Errors
/// Only the errors of `w`.
pub fn write_datagram(w: &mut dyn Write, buf: &[u8]) -> fmt::Result {
    for msg in MsgIter::new(buf) {
        let msg = match msg {
            Ok(m) => m,
            Err(e) => return writeln!(w, "malformed: {e}"),
        };
        let h = msg.header();
        write!(
            w,
            "nlmsg len {} type {:#06x} flags {:#06x} seq {} pid {}",
            h.nlmsg_len, h.nlmsg_type, h.nlmsg_flags, h.nlmsg_seq, h.nlmsg_pid
        )?;
        match Control::classify(msg) {
            Ok(Control::Error(e)) => {
                writeln!(w, " ERROR errno {}", e.errno())?;
                if let Some(m) = e.ext_ack().message {
                    writeln!(w, "  message: {}", String::from_utf8_lossy(m))?;
                }
                if let Some(o) = e.ext_ack().offset {
                    writeln!(w, "  offset: {o}")?;
                }
            }
            Ok(Control::Done(_)) => writeln!(w, " DONE")?,
            Ok(Control::Noop) => writeln!(w, " NOOP")?,
            Ok(Control::Overrun) => writeln!(w, " OVERRUN")?,
            Ok(Control::Data(m)) => match m.nf() {
                Ok(nf) => {
                    writeln!(
                        w,
                        " subsys {} type {} family {} version {} res_id {}",
                        nf.subsystem(),
                        nf.msg_type(),
                        nf.family(),
                        nf.version(),
                        nf.res_id()
                    )?;
                    write_attrs(w, nf.attrs(), 1)?;
                }
                Err(e) => writeln!(w, " malformed: {e}")?,
            },
            Err(e) => writeln!(w, " malformed: {e}")?,
        }
    }
    Ok(())
}

/// Writes the attributes of one level and, recursively, their nests.
fn write_attrs(w: &mut dyn Write, attrs: AttrIter<'_>, depth: usize) -> fmt::Result {
    let indent = "  ".repeat(depth);
    if depth > MAX_DEPTH {
        return writeln!(
            w,
            "{indent}(nested deeper than {MAX_DEPTH} levels: not shown)"
        );
    }
    for attr in attrs {
        let attr = match attr {
            Ok(a) => a,
            Err(e) => return writeln!(w, "{indent}malformed: {e}"),
        };
        let p = attr.payload();
        if attr.flags().contains(AttrFlags::NESTED) {
            writeln!(w, "{indent}[{}] nested, len {}", attr.kind(), p.len())?;
            write_attrs(w, attr.nested(), depth.saturating_add(1))?;
        } else {
            write!(w, "{indent}[{}] len {}:", attr.kind(), p.len())?;
            for b in p.iter().take(64) {
                write!(w, " {b:02x}")?;
            }
            if p.len() > 64 {
                write!(w, " ...")?;
            }
            writeln!(w)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::fixture::nlmsg;

    #[test]
    fn deep_nesting_is_capped_without_recursion_blowup() {
        // 10 000 nested attributes, each only a header around the next.
        let depth = 10_000usize;
        let mut body = vec![2u8, 0, 0, 0];
        let inner_total = depth * 4;
        for i in 0..depth {
            let len = u16::try_from(inner_total - i * 4).unwrap();
            body.extend(len.to_ne_bytes());
            body.extend((1u16 | 0x8000).to_ne_bytes());
        }
        let d = nlmsg(0x0100, 0, 0, 0, &body);
        let text = format_datagram(&d);
        assert!(
            text.contains("deeper than 16"),
            "{}",
            &text[..200.min(text.len())]
        );
    }

    #[test]
    fn malformed_is_reported() {
        let text = format_datagram(&[1, 2, 3]);
        assert!(text.starts_with("malformed"));
    }
}
