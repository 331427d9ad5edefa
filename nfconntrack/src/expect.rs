//! Expectations (`CTA_EXPECT_*`, `NFNL_SUBSYS_CTNETLINK_EXP`): connections
//! a helper expects, such as an FTP data channel.

use nfnl::{AttrIter, EncodeError, MsgBuilder, NfMsg, ParseError};
use nfnl_sys as sys;

use crate::display::{write_addrs, write_l4, Fields};
use crate::tuple::Tuple;

/// NAT information of an expectation (`CTA_EXPECT_NAT`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ExpectNat {
    /// `CTA_EXPECT_NAT_DIR` (0 original, 1 reply).
    pub dir: u32,
    /// `CTA_EXPECT_NAT_TUPLE`.
    pub tuple: Tuple,
}

/// One expectation.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Expect {
    /// Tuple of the master connection (`CTA_EXPECT_MASTER`).
    pub master: Option<Tuple>,
    /// Expected tuple (`CTA_EXPECT_TUPLE`).
    pub tuple: Option<Tuple>,
    /// Mask applied to the expected tuple (`CTA_EXPECT_MASK`).
    pub mask: Option<Tuple>,
    /// Seconds until expiry (`CTA_EXPECT_TIMEOUT`).
    pub timeout: Option<u32>,
    /// Id (`CTA_EXPECT_ID`).
    pub id: Option<u32>,
    /// Helper name (`CTA_EXPECT_HELP_NAME`).
    pub helper: Option<String>,
    /// Zone (`CTA_EXPECT_ZONE`).
    pub zone: Option<u16>,
    /// Flags (`CTA_EXPECT_FLAGS`, `NF_CT_EXPECT_*`).
    pub flags: Option<u32>,
    /// Class (`CTA_EXPECT_CLASS`).
    pub class: Option<u32>,
    /// NAT (`CTA_EXPECT_NAT`).
    pub nat: Option<ExpectNat>,
    /// Expectation function name (`CTA_EXPECT_FN`).
    pub function: Option<String>,
}

impl Expect {
    /// Decodes an expectation message.
    ///
    /// # Errors
    /// A [`ParseError`] naming the malformed attribute; [`ParseError::Missing`] for a
    /// `CTA_EXPECT_NAT` without its direction or tuple.
    pub fn decode(msg: &NfMsg<'_>) -> Result<Self, ParseError> {
        Self::decode_attrs(msg.attrs())
    }

    /// Decodes `CTA_EXPECT_*` attributes.
    ///
    /// # Errors
    /// A [`ParseError`] naming the malformed attribute.
    pub fn decode_attrs(it: AttrIter<'_>) -> Result<Self, ParseError> {
        let mut e = Expect::default();
        for a in it {
            let a = a?;
            match a.kind() {
                sys::CTA_EXPECT_MASTER => e.master = Some(Tuple::decode_nested(a.nested())?),
                sys::CTA_EXPECT_TUPLE => e.tuple = Some(Tuple::decode_nested(a.nested())?),
                sys::CTA_EXPECT_MASK => e.mask = Some(Tuple::decode_nested(a.nested())?),
                sys::CTA_EXPECT_TIMEOUT => e.timeout = Some(a.get_be32()?),
                sys::CTA_EXPECT_ID => e.id = Some(a.get_be32()?),
                sys::CTA_EXPECT_HELP_NAME => e.helper = Some(a.get_str()?.to_owned()),
                sys::CTA_EXPECT_ZONE => e.zone = Some(a.get_be16()?),
                sys::CTA_EXPECT_FLAGS => e.flags = Some(a.get_be32()?),
                sys::CTA_EXPECT_CLASS => e.class = Some(a.get_be32()?),
                sys::CTA_EXPECT_FN => e.function = Some(a.get_str()?.to_owned()),
                sys::CTA_EXPECT_NAT => {
                    let (mut dir, mut tuple) = (None, None);
                    for n in a.nested() {
                        let n = n?;
                        match n.kind() {
                            sys::CTA_EXPECT_NAT_DIR => dir = Some(n.get_be32()?),
                            sys::CTA_EXPECT_NAT_TUPLE => {
                                tuple = Some(Tuple::decode_nested(n.nested())?);
                            }
                            _ => {}
                        }
                    }
                    // The kernel writes both and requires both
                    // (ctnetlink_parse_expect_nat): a nest without one is malformed.
                    let missing = |kind| ParseError::Missing {
                        kind,
                        within: "CTA_EXPECT_NAT",
                    };
                    e.nat = Some(ExpectNat {
                        dir: dir.ok_or(missing(sys::CTA_EXPECT_NAT_DIR))?,
                        tuple: tuple.ok_or(missing(sys::CTA_EXPECT_NAT_TUPLE))?,
                    });
                }
                _ => {}
            }
        }
        Ok(e)
    }

    /// Writes every attribute the expectation has.
    ///
    /// # Errors
    /// [`EncodeError`] for an inconsistent tuple or a string with a NUL.
    pub fn encode_attrs(&self, b: &mut MsgBuilder) -> Result<(), EncodeError> {
        if let Some(t) = &self.master {
            t.encode(sys::CTA_EXPECT_MASTER, b)?;
        }
        if let Some(t) = &self.tuple {
            t.encode(sys::CTA_EXPECT_TUPLE, b)?;
        }
        if let Some(t) = &self.mask {
            t.encode(sys::CTA_EXPECT_MASK, b)?;
        }
        if let Some(v) = self.timeout {
            b.put_be32(sys::CTA_EXPECT_TIMEOUT, v);
        }
        if let Some(v) = self.id {
            b.put_be32(sys::CTA_EXPECT_ID, v);
        }
        if let Some(h) = &self.helper {
            b.put_cstr(sys::CTA_EXPECT_HELP_NAME, h)?;
        }
        if let Some(v) = self.zone {
            b.put_be16(sys::CTA_EXPECT_ZONE, v);
        }
        if let Some(v) = self.flags {
            b.put_be32(sys::CTA_EXPECT_FLAGS, v);
        }
        if let Some(v) = self.class {
            b.put_be32(sys::CTA_EXPECT_CLASS, v);
        }
        if let Some(n) = &self.nat {
            b.nest(sys::CTA_EXPECT_NAT, |b| {
                b.put_be32(sys::CTA_EXPECT_NAT_DIR, n.dir);
                n.tuple.encode(sys::CTA_EXPECT_NAT_TUPLE, b)
            })?;
        }
        if let Some(f) = &self.function {
            b.put_cstr(sys::CTA_EXPECT_FN, f)?;
        }
        Ok(())
    }
}

impl std::fmt::Display for Expect {
    /// Like a line of `conntrack -L expect` (libnetfilter_conntrack's
    /// default expectation output): timeout, `proto=`, the expected tuple,
    /// the mask (`mask-src= mask-dst=`), the master (`master-src=
    /// master-dst=`), each followed by its unprefixed layer-4 fields, then
    /// `zone=`, the flags (`PERMANENT,INACTIVE,USERSPACE`), `class=`,
    /// `helper=`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let w = &mut Fields::new(f);
        if let Some(t) = self.timeout {
            w.put(format_args!("{t}"))?;
        }
        let p = self.tuple.map_or(0, |t| t.proto.proto().0);
        w.put(format_args!("proto={p}"))?;
        for (prefix, t) in [
            ("", &self.tuple),
            ("mask-", &self.mask),
            ("master-", &self.master),
        ] {
            if let Some(t) = t {
                write_addrs(w, prefix, t)?;
                write_l4(w, t)?;
            }
        }
        if let Some(z) = self.zone {
            w.put(format_args!("zone={z}"))?;
        }
        let flags = self.flags.unwrap_or(0);
        let mut names = FLAG_NAMES.iter().filter(|&&(bit, _)| flags & bit != 0);
        if let Some((_, first)) = names.next() {
            w.put(format_args!("{first}"))?;
            for (_, n) in names {
                w.append(format_args!(",{n}"))?;
            }
        }
        if let Some(c) = self.class {
            w.put(format_args!("class={c}"))?;
        }
        if let Some(h) = &self.helper {
            w.put(format_args!("helper={h}"))?;
        }
        Ok(())
    }
}

/// The `NF_CT_EXPECT_*` flags the tool names, in its order.
const FLAG_NAMES: [(u32, &str); 3] = [
    (sys::NF_CT_EXPECT_PERMANENT, "PERMANENT"),
    (sys::NF_CT_EXPECT_INACTIVE, "INACTIVE"),
    (sys::NF_CT_EXPECT_USERSPACE, "USERSPACE"),
];
