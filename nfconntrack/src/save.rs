//! Save and restore in the `conntrack -o save` line format: see
//! [`SaveLine`].

use std::fmt::{self, Display, Formatter};
use std::net::IpAddr;

use crate::conntrack::{Conntrack, Key};
use crate::display::Fields;
use crate::error::{Error, Result};
use crate::flow::{Flow, Labels};
use crate::labels::LabelMap;
use crate::nat::NatRange;
use crate::protoinfo::{ProtoInfo, SctpInfo, SctpState, TcpInfo, TcpState};
use crate::status::Status;
use crate::tuple::{Family, Tuple, L4};
use nfnl::IpProto;

/// The status bits the format names, in bit order.
const STATUS_NAMES: [(Status, &str); 4] = [
    (Status::EXPECTED, "EXPECTED"),
    (Status::SEEN_REPLY, "SEEN_REPLY"),
    (Status::ASSURED, "ASSURED"),
    (Status::FIXED_TIMEOUT, "FIXED_TIMEOUT"),
];

/// What a save line asks for: its first word. A saved table has only
/// [`SaveOp::Create`] lines; `conntrack -E -o save` writes each event
/// with the word of its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SaveOp {
    /// `-A`: create the flow (a new-connection event, or a line of a
    /// saved table: what [`Conntrack::restore`] and `conntrack -R` create).
    #[default]
    Create,
    /// `-U`: the flow changed (an update event).
    Update,
    /// `-D`: the flow went away (a destroy event).
    Delete,
}

impl SaveOp {
    /// The word the line starts with (`-A`, `-U`, `-D`).
    pub fn word(self) -> &'static str {
        match self {
            SaveOp::Create => "-A",
            SaveOp::Update => "-U",
            SaveOp::Delete => "-D",
        }
    }
}

/// A flow as one line of the `conntrack -o save` format, the format
/// `conntrack -R` reads back (each option stands for the ctnetlink
/// attribute of a create, `IPCTNL_MSG_CT_NEW`):
///
/// ```text
/// -A -t 99 -u SEEN_REPLY,ASSURED -m 7 -s 1.1.1.1 -d 2.2.2.2 -r 2.2.2.2 -q 1.1.1.1 -p tcp --sport 3 --dport 80 --reply-port-src 80 --reply-port-dst 3 --state ESTABLISHED
/// -A -t 99 -u UNSET -s 1.1.1.5 -d 2.2.2.2 -r 2.2.2.2 -n 9.9.9.9 -p udp --sport 1 --dport 2 --reply-port-src 2 --reply-port-dst 1
/// ```
///
/// Order (as conntrack-tools 1.4.7 writes it, with the mark it reads but
/// does not write): `-t` timeout (`CTA_TIMEOUT`), `-u` status
/// (`CTA_STATUS`: `EXPECTED`, `SEEN_REPLY`, `ASSURED`, `FIXED_TIMEOUT`, or
/// `UNSET`), `-m` mark (`CTA_MARK`), `-c` secmark (`CTA_SECMARK`), `-w`
/// zone (`CTA_ZONE`), `--orig-zone`, `--reply-zone` (`CTA_TUPLE_ZONE`),
/// `-s`, `-d` (`CTA_TUPLE_ORIG`), the reply source as `-g` (destination
/// NAT, `CTA_NAT_DST`) or `-r`, the reply destination as `-n` (source NAT,
/// `CTA_NAT_SRC`) or `-q` (`CTA_TUPLE_REPLY`), then `-p` and the
/// protocol's options (`CTA_PROTO_*`, `CTA_PROTOINFO`), and last the label
/// names (`CTA_LABELS`) as one word `labels=NAME,…` (the spelling of
/// `conntrack -L -o labels`).
///
/// NOTE: the mark comes after `-u` because the tool (1.4.7) reading `-R`
/// input replaces a mark given before `-u` with the status bits. The
/// labels are a word that is not an option because the tool cannot restore
/// them from a file: it refuses `-l` when creating ("Illegal option"), and
/// with `--label-add` it crashes (1.4.7, `SIGSEGV`) on the line after the
/// first labelled one; it skips words that are not options, so a file with
/// labels stays readable by `conntrack -R` (which restores the rest of each
/// line) and by [`Conntrack::restore`] (which restores the labels too). SCTP
/// verification tags are written byte-swapped, as the tool writes them.
/// The event form (`conntrack -E -o save`) starts with `-A`, `-U` or `-D`
/// ([`SaveOp`]) and may end with the tool's `[USERSPACE] portid=…`
/// annotation.
///
/// A `SaveLine` is a flow checked to be writable ([`Flow::save_line`]);
/// `Display` writes the line.
#[derive(Debug, Clone, Copy)]
pub struct SaveLine<'a> {
    flow: &'a Flow,
    op: SaveOp,
    orig: Tuple,
    /// The reply tuple as written: for a NAT range, translated to its
    /// address and port.
    reply: Tuple,
    /// The reply source is written as `-g` (destination NAT).
    dnat: bool,
    /// The reply destination is written as `-n` (source NAT).
    snat: bool,
    /// Non-empty labels and the map that names them.
    labels: Option<(&'a LabelMap, Labels)>,
}

impl SaveLine<'_> {
    /// The same line starting with `op`'s word instead of `-A`, as
    /// `conntrack -E -o save` writes an event.
    #[must_use]
    pub fn op(mut self, op: SaveOp) -> Self {
        self.op = op;
        self
    }
}

/// The tool's name for a protocol it has options for; `None` prints `-p NUM`.
fn saved_proto_name(p: IpProto) -> Option<&'static str> {
    Some(match p {
        IpProto::TCP => "tcp",
        IpProto::UDP => "udp",
        IpProto::UDPLITE => "udplite",
        IpProto::ICMP => "icmp",
        IpProto::ICMPV6 => "icmpv6",
        IpProto::SCTP => "sctp",
        IpProto::DCCP => "dccp",
        IpProto::GRE => "gre",
        _ => return None,
    })
}

/// The (source, destination) port of a port-based layer-4 part.
fn ports(l4: &L4) -> (Option<u16>, Option<u16>) {
    l4.ports().map_or((None, None), |(s, d)| (Some(s), Some(d)))
}

/// Sets the source and/or destination port of a port-based layer-4 part.
fn set_ports(l4: &mut L4, new_src: Option<u16>, new_dst: Option<u16>) {
    if let L4::Ports { src, dst, .. } = l4 {
        *src = new_src.unwrap_or(*src);
        *dst = new_dst.unwrap_or(*dst);
    }
}

/// The one address (and port) a NAT range translates to, as `-n`/`-g`
/// write it; `untranslated` is the port the reply tuple has without NAT
/// (`None` for protocols without ports).
fn nat_target(
    r: &NatRange,
    fam: Family,
    untranslated: Option<u16>,
) -> Result<(IpAddr, Option<u16>), &'static str> {
    let addr = r
        .min_addr
        .ok_or("a port-only NAT range (-n/-g name an address)")?;
    if r.max_addr.is_some_and(|m| m != addr) {
        return Err("a NAT range of several addresses (-n/-g name one)");
    }
    if Family::of(&addr) != fam {
        return Err("a NAT address of the other address family");
    }
    let port = match (r.ports, untranslated) {
        (None, _) => None,
        (Some((a, b)), _) if a != b => return Err("a NAT range of several ports"),
        (Some(_), None) => return Err("a NAT port for a protocol without ports"),
        (Some((p, _)), Some(u)) if p == u => {
            return Err("a NAT port equal to the untranslated one (it reads back as no port)")
        }
        (Some((p, _)), Some(_)) => Some(p),
    };
    Ok((addr, port))
}

impl Flow {
    /// The flow as one line of the `conntrack -o save` format (without
    /// the newline), starting with `-A` ([`SaveLine::op`] for the event
    /// form). `labels` names the flow's labels (`labels=NAME,…`, the tool's
    /// `connlabel.conf`); without it a flow with labels is refused.
    ///
    /// [`Flow::parse_save_line`] reads the line back to a flow with the
    /// same tuples, NAT, zones, mark, labels, timeout, secmark, saved
    /// status bits and protocol state, and writing that flow gives the
    /// same line. What the line leaves out:
    /// - status bits other than `EXPECTED`, `SEEN_REPLY`, `ASSURED` and
    ///   `FIXED_TIMEOUT`: the kernel sets them itself on create
    ///   (`CONFIRMED`, the NAT bits from `-n`/`-g`) or never lets them be
    ///   set (`IPS_UNCHANGEABLE_MASK`). The kernel refuses `EXPECTED` on
    ///   create (`EBUSY`), as it does for the tool;
    /// - a zero mark, empty labels and empty protocol state (a new entry
    ///   has them anyway);
    /// - what the kernel keeps for itself or the tool has no option for:
    ///   helper, security context, counters, timestamps, use count, id,
    ///   master tuple, sequence adjustment, synproxy, TCP window scales
    ///   and flags, DCCP state;
    /// - a reply tuple missing from the flow is written as the inverse of
    ///   the original one, the one the kernel would use.
    ///
    /// Translations: a flow read from the kernel with `IPS_SRC_NAT_DONE`
    /// (`IPS_DST_NAT_DONE`) and a translated reply tuple writes the reply
    /// destination (source) as `-n` (`-g`), as the tool does, also when
    /// only the port was translated (the tool writes `-q` (`-r`) then, and
    /// a restore creates the entry without NAT); a flow to create with
    /// [`Flow::nat_src`] ([`Flow::nat_dst`]) writes the range's address and
    /// port there.
    ///
    /// # Errors
    /// [`Error::Unsaveable`] naming what the format cannot express, rather
    /// than writing a line that reads back as another flow: no original
    /// tuple; tuples mixing address families; a reply tuple of another
    /// protocol, or (ICMP, generic protocols) other than the original's
    /// inverse; a NAT range of several addresses or ports, without an
    /// address, of the other family, with a port equal to the
    /// untranslated one or for a protocol without ports, or given together
    /// with an already translated reply tuple; a TCP or SCTP state the
    /// kernel does not define (it refuses those on create); protocol state
    /// of another protocol than the tuple's; labels without `labels`, or
    /// a label bit the map does not name, or names with blanks or commas.
    ///
    /// A flow of the generic tracker for a protocol that has ports
    /// ([`L4::Other`] with TCP, UDP, DCCP…, as a kernel without that
    /// protocol's tracker reports it) is written faithfully as `-p NAME`
    /// without port options, and reads back as [`L4::Other`].
    ///
    /// ```
    /// use nfnl_conntrack::{Flow, L4, Status, Tuple};
    /// let mut f = Flow::new(Tuple::new("1.1.1.1".parse()?, "2.2.2.2".parse()?, L4::udp(1, 2))?);
    /// f.timeout = Some(99);
    /// f.status = Some(Status::CONFIRMED);
    /// f.mark = Some(7);
    /// let line = f.save_line(None)?.to_string();
    /// assert_eq!(
    ///     line,
    ///     "-A -t 99 -u UNSET -m 7 -s 1.1.1.1 -d 2.2.2.2 -r 2.2.2.2 -q 1.1.1.1 -p udp \
    ///      --sport 1 --dport 2 --reply-port-src 2 --reply-port-dst 1"
    /// );
    /// let back = Flow::parse_save_line(&line, None)?.unwrap();
    /// assert_eq!((back.orig, back.mark), (f.orig, f.mark));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn save_line<'a>(&'a self, labels: Option<&'a LabelMap>) -> Result<SaveLine<'a>> {
        let refuse = |reason: &'static str| Error::Unsaveable {
            what: Key::of(self).map_or_else(|_| "a flow without a tuple".into(), |k| k.to_string()),
            reason,
        };
        let orig = self
            .orig
            .ok_or_else(|| refuse("no original tuple (-s, -d and -p are needed)"))?;
        let mut reply = self.reply.unwrap_or_else(|| orig.inverted());
        let fam = orig.family();
        if !orig.is_consistent() || !reply.is_consistent() || reply.family() != fam {
            return Err(refuse("tuples mixing IPv4 and IPv6"));
        }
        let inv = orig.inverted();
        match (orig.proto, reply.proto) {
            (L4::Ports { proto: a, .. }, L4::Ports { proto: b, .. }) if a == b => {}
            (o @ (L4::Icmp { .. } | L4::IcmpV6 { .. } | L4::Other { .. }), r)
                if r == o.inverted() => {}
            _ => {
                return Err(refuse(
                    "a reply tuple of another protocol, or other ICMP fields than the \
                     original's inverse (the line gives them once)",
                ))
            }
        }
        let status = self.status.unwrap_or_default();
        let (inv_sport, inv_dport) = ports(&inv.proto);
        // source NAT: the reply destination
        let snat = match &self.nat_src {
            Some(r) => {
                if (reply.dst, ports(&reply.proto).1) != (inv.dst, inv_dport) {
                    return Err(refuse(
                        "a source-NAT range and an already translated reply destination",
                    ));
                }
                let (addr, port) = nat_target(r, fam, inv_dport).map_err(refuse)?;
                reply.dst = addr;
                set_ports(&mut reply.proto, None, port);
                true
            }
            // translated by the kernel: address or port (a port-only
            // translation too, which the tool writes as -q, losing the NAT)
            None => {
                status.contains(Status::SRC_NAT_DONE)
                    && (reply.dst, ports(&reply.proto).1) != (inv.dst, inv_dport)
            }
        };
        // destination NAT: the reply source
        let dnat = match &self.nat_dst {
            Some(r) => {
                if (reply.src, ports(&reply.proto).0) != (inv.src, inv_sport) {
                    return Err(refuse(
                        "a destination-NAT range and an already translated reply source",
                    ));
                }
                let (addr, port) = nat_target(r, fam, inv_sport).map_err(refuse)?;
                reply.src = addr;
                set_ports(&mut reply.proto, port, None);
                true
            }
            None => {
                status.contains(Status::DST_NAT_DONE)
                    && (reply.src, ports(&reply.proto).0) != (inv.src, inv_sport)
            }
        };
        let p = orig.proto.proto();
        match &self.proto_info {
            None => {}
            Some(ProtoInfo::Tcp(t)) if p == IpProto::TCP => {
                if matches!(t.state, Some(TcpState::Unknown(_))) {
                    return Err(refuse(
                        "a TCP state the kernel does not define (it refuses it on create)",
                    ));
                }
            }
            Some(ProtoInfo::Sctp(s)) if p == IpProto::SCTP => {
                if matches!(s.state, Some(SctpState::Unknown(_))) {
                    return Err(refuse(
                        "an SCTP state the kernel does not define (it refuses it on create)",
                    ));
                }
            }
            Some(ProtoInfo::Dccp(_)) if p == IpProto::DCCP => {}
            Some(_) => {
                return Err(refuse(
                    "protocol state of another protocol than the tuple's",
                ))
            }
        }
        let labels = match self.labels.filter(|l| l.bits() != 0) {
            None => None,
            Some(l) => {
                let map = labels.ok_or_else(|| {
                    refuse("labels, which the line names: give the label map (connlabel.conf)")
                })?;
                for bit in l.iter() {
                    let name = map
                        .name(bit)
                        .ok_or_else(|| refuse("a label bit the label map does not name"))?;
                    if name.is_empty() || name.contains(|c: char| c.is_whitespace() || c == ',') {
                        return Err(refuse(
                            "a label name with a blank or a comma (the line is split at \
                             blanks, the list at commas)",
                        ));
                    }
                }
                Some((map, l))
            }
        };
        Ok(SaveLine {
            flow: self,
            op: SaveOp::Create,
            orig,
            reply,
            dnat,
            snat,
            labels,
        })
    }
}

impl Display for SaveLine<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let (fl, o, r) = (self.flow, &self.orig, &self.reply);
        let w = &mut Fields::new(f);
        w.put(format_args!("{}", self.op.word()))?;
        if let Some(t) = fl.timeout {
            w.put(format_args!("-t {t}"))?;
        }
        if let Some(s) = fl.status {
            let mut names = STATUS_NAMES.iter().filter(|(b, _)| s.contains(*b));
            match names.next() {
                Some((_, first)) => w.put(format_args!("-u {first}"))?,
                None => w.put(format_args!("-u UNSET"))?,
            }
            for (_, n) in names {
                w.append(format_args!(",{n}"))?;
            }
        }
        if let Some(m) = fl.mark.filter(|&m| m != 0) {
            w.put(format_args!("-m {m}"))?;
        }
        if let Some(v) = fl.secmark {
            w.put(format_args!("-c {v}"))?;
        }
        if let Some(z) = fl.zone {
            w.put(format_args!("-w {z}"))?;
        }
        if let Some(z) = o.zone {
            w.put(format_args!("--orig-zone {z}"))?;
        }
        if let Some(z) = r.zone {
            w.put(format_args!("--reply-zone {z}"))?;
        }
        w.put(format_args!("-s {} -d {}", o.src, o.dst))?;
        w.put(format_args!(
            "{} {}",
            if self.dnat { "-g" } else { "-r" },
            r.src
        ))?;
        w.put(format_args!(
            "{} {}",
            if self.snat { "-n" } else { "-q" },
            r.dst
        ))?;
        let p = o.proto.proto();
        match saved_proto_name(p) {
            Some(name) => w.put(format_args!("-p {name}"))?,
            None => w.put(format_args!("-p {}", p.0))?,
        }
        match (o.proto, r.proto) {
            (
                L4::Ports {
                    proto: IpProto::GRE,
                    src,
                    dst,
                },
                L4::Ports {
                    src: rs, dst: rd, ..
                },
            ) => w.put(format_args!(
                "--srckey {src} --dstkey {dst} --reply-key-src {rs} --reply-key-dst {rd}"
            ))?,
            (
                L4::Ports { src, dst, .. },
                L4::Ports {
                    src: rs, dst: rd, ..
                },
            ) => w.put(format_args!(
                "--sport {src} --dport {dst} --reply-port-src {rs} --reply-port-dst {rd}"
            ))?,
            (L4::Icmp { id, kind, code }, _) => w.put(format_args!(
                "--icmp-type {kind} --icmp-code {code} --icmp-id {id}"
            ))?,
            (L4::IcmpV6 { id, kind, code }, _) => w.put(format_args!(
                "--icmpv6-type {kind} --icmpv6-code {code} --icmpv6-id {id}"
            ))?,
            _ => {}
        }
        match fl.proto_info {
            Some(ProtoInfo::Tcp(TcpInfo { state: Some(s), .. })) if p == IpProto::TCP => {
                w.put(format_args!("--state {}", s.name()))?;
            }
            Some(ProtoInfo::Sctp(s)) if p == IpProto::SCTP => {
                if let Some(st) = s.state {
                    w.put(format_args!("--state {}", st.name()))?;
                }
                // NOTE: the tool writes (and reads) the verification tags
                // byte-swapped: the kernel's 0x05000000 is its `5`.
                if let Some(v) = s.vtag_orig {
                    w.put(format_args!("--orig-vtag {}", v.swap_bytes()))?;
                }
                if let Some(v) = s.vtag_reply {
                    w.put(format_args!("--reply-vtag {}", v.swap_bytes()))?;
                }
            }
            _ => {}
        }
        if let Some((map, l)) = self.labels {
            for (i, name) in l.iter().filter_map(|b| map.name(b)).enumerate() {
                if i == 0 {
                    w.put(format_args!("labels={name}"))?;
                } else {
                    w.append(format_args!(",{name}"))?;
                }
            }
        }
        Ok(())
    }
}

/// The values one save line gives.
#[derive(Default)]
struct Parsed {
    timeout: Option<u32>,
    status: Option<Status>,
    secmark: Option<u32>,
    mark: Option<u32>,
    labels: Option<String>,
    zone: Option<u16>,
    orig_zone: Option<u16>,
    reply_zone: Option<u16>,
    src: Option<IpAddr>,
    dst: Option<IpAddr>,
    reply_src: Option<IpAddr>,
    reply_dst: Option<IpAddr>,
    dnat: Option<IpAddr>,
    snat: Option<IpAddr>,
    proto: Option<IpProto>,
    ports: [Option<u16>; 4],
    icmp: [Option<u16>; 3],
    state: Option<String>,
    vtags: [Option<u32>; 2],
}

/// The state named `name` (`NONE` is value 0, the first one named so).
fn state_by_name<S: From<u8>>(name: &str, state_name: fn(&S) -> &'static str) -> Option<S> {
    (0..=u8::MAX).map(S::from).find(|s| state_name(s) == name)
}

impl Flow {
    /// Parses one line of the `conntrack -o save` format (`-A` or `-I` and
    /// the options above, as [`Flow::save_line`] and the tool write them)
    /// into a flow to create. Empty lines and `#` comments give
    /// `Ok(None)`. `labels` resolves the label names (`labels=NAME,…`; also read from
    /// `--label-add` and `-l`). Numbers are decimal
    /// or `0x` hex.
    ///
    /// - With `-n`/`-g` the flow asks for source/destination NAT
    ///   ([`Flow::nat_src`], [`Flow::nat_dst`]; the reply port, if it
    ///   differs from the untranslated one, goes into the range) and the
    ///   kernel computes the translated reply tuple, as the tool does.
    /// - A port protocol (TCP, UDP, GRE…) or other number with port (key)
    ///   options gives [`L4::Ports`]; without any it gives [`L4::Other`]
    ///   (a flow of the generic tracker); ICMP likewise with the ICMP
    ///   options.
    /// - `-m 0` is no mark. `-u UNSET` is an empty status; `OFFLOAD` and
    ///   `HW_OFFLOAD` are read and dropped (the kernel sets them itself).
    /// - The `[USERSPACE] portid=…` annotation that ends the tool's event
    ///   lines is skipped.
    ///
    /// # Errors
    /// [`Error::SaveFormat`] naming the bad option: an unknown option or
    /// value, a missing `-s`, `-d` or `-p`, addresses of `-s`, `-d`, `-r`,
    /// `-q`, `-g`, `-n` of different address families, label names without a
    /// label map or with a name it does not have, and the `-U`/`-D` lines
    /// of an event log (only `-A` lines create flows).
    pub fn parse_save_line(line: &str, labels: Option<&LabelMap>) -> Result<Option<Flow>> {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            return Ok(None);
        }
        let bad = |why: String| Error::SaveFormat(why);
        let mut it = line.split_whitespace();
        match it.next() {
            Some("-A" | "-I" | "--add" | "--create") => {}
            Some(w @ ("-U" | "--update" | "-D" | "--delete")) => {
                return Err(bad(format!(
                    "{w}: an update or delete of an event log; only -A lines create flows"
                )))
            }
            other => return Err(bad(format!("expected -A, found {other:?}"))),
        }
        let mut p = Parsed::default();
        while let Some(opt) = it.next() {
            if opt == "[USERSPACE]" {
                break;
            }
            if let Some(names) = opt.strip_prefix("labels=") {
                p.add_labels(names);
                continue;
            }
            let v = it
                .next()
                .ok_or_else(|| bad(format!("{opt} needs a value")))?;
            let num = |v: &str| -> Result<u64> {
                match v.strip_prefix("0x") {
                    Some(h) => u64::from_str_radix(h, 16),
                    None => v.parse(),
                }
                .map_err(|_| bad(format!("bad number {v:?} for {opt}")))
            };
            let small = |v: &str| -> Result<u16> {
                u16::try_from(num(v)?).map_err(|_| bad(format!("{v} too large for {opt}")))
            };
            let word = |v: &str| -> Result<u32> {
                u32::try_from(num(v)?).map_err(|_| bad(format!("{v} too large for {opt}")))
            };
            let addr = |v: &str| -> Result<IpAddr> {
                v.parse()
                    .map_err(|_| bad(format!("bad address {v:?} for {opt}")))
            };
            match opt {
                "-t" | "--timeout" => p.timeout = Some(word(v)?),
                "-u" | "--status" => {
                    p.status =
                        Some(parse_status(v).ok_or_else(|| bad(format!("bad status {v:?}")))?)
                }
                "-c" | "--secmark" => p.secmark = Some(word(v)?),
                "-m" | "--mark" => p.mark = Some(word(v)?).filter(|&m| m != 0),
                "--label-add" | "-l" | "--label" => p.add_labels(v),
                "-w" | "--zone" => p.zone = Some(small(v)?),
                "--orig-zone" => p.orig_zone = Some(small(v)?),
                "--reply-zone" => p.reply_zone = Some(small(v)?),
                "-s" | "--src" | "--orig-src" => p.src = Some(addr(v)?),
                "-d" | "--dst" | "--orig-dst" => p.dst = Some(addr(v)?),
                "-r" | "--reply-src" => p.reply_src = Some(addr(v)?),
                "-q" | "--reply-dst" => p.reply_dst = Some(addr(v)?),
                "-g" | "--dst-nat" => p.dnat = Some(addr(v)?),
                "-n" | "--src-nat" => p.snat = Some(addr(v)?),
                "-p" | "--proto" => {
                    p.proto = Some(
                        match (0..=u8::MAX)
                            .map(IpProto)
                            .find(|n| saved_proto_name(*n) == Some(v))
                            .or_else(|| {
                                (0..=u8::MAX)
                                    .map(IpProto)
                                    .find(|n| n.name() == v && v != "unknown")
                            }) {
                            Some(n) => n,
                            None => IpProto(
                                u8::try_from(num(v)?)
                                    .map_err(|_| bad(format!("bad protocol {v:?}")))?,
                            ),
                        },
                    );
                }
                "--sport" | "--orig-port-src" | "--srckey" => p.ports[0] = Some(small(v)?),
                "--dport" | "--orig-port-dst" | "--dstkey" => p.ports[1] = Some(small(v)?),
                "--reply-port-src" | "--reply-key-src" => p.ports[2] = Some(small(v)?),
                "--reply-port-dst" | "--reply-key-dst" => p.ports[3] = Some(small(v)?),
                "--icmp-type" | "--icmpv6-type" => p.icmp[0] = Some(small(v)?),
                "--icmp-code" | "--icmpv6-code" => p.icmp[1] = Some(small(v)?),
                "--icmp-id" | "--icmpv6-id" => p.icmp[2] = Some(small(v)?),
                "--state" => p.state = Some(v.to_owned()),
                "--orig-vtag" => p.vtags[0] = Some(word(v)?),
                "--reply-vtag" => p.vtags[1] = Some(word(v)?),
                _ => return Err(bad(format!("unknown option {opt}"))),
            }
        }
        p.into_flow(labels).map(Some)
    }
}

fn parse_status(v: &str) -> Option<Status> {
    v.split(',').try_fold(Status::empty(), |acc, n| match n {
        // the kernel sets these itself and ignores them on create
        "UNSET" | "OFFLOAD" | "HW_OFFLOAD" => Some(acc),
        _ => STATUS_NAMES
            .iter()
            .find(|(_, name)| *name == n)
            .map(|(b, _)| acc | *b),
    })
}

impl Parsed {
    /// Adds a comma-separated list of label names.
    fn add_labels(&mut self, names: &str) {
        self.labels = Some(match self.labels.take() {
            Some(l) => format!("{l},{names}"),
            None => names.to_owned(),
        });
    }

    fn into_flow(self, labels: Option<&LabelMap>) -> Result<Flow> {
        let bad = |why: &str| Error::SaveFormat(why.to_owned());
        let (src, dst) = self
            .src
            .zip(self.dst)
            .ok_or_else(|| bad("needs -s and -d"))?;
        // every address of the line is of the family of -s
        if src.is_ipv4() != dst.is_ipv4() {
            return Err(Error::SaveFormat(format!(
                "-s {src} and -d {dst} are of different address families"
            )));
        }
        for (opt, a) in [
            ("-r", self.reply_src),
            ("-q", self.reply_dst),
            ("-g", self.dnat),
            ("-n", self.snat),
        ] {
            if let Some(a) = a.filter(|a| a.is_ipv4() != src.is_ipv4()) {
                return Err(Error::SaveFormat(format!(
                    "{opt} {a} is of another address family than -s {src}"
                )));
            }
        }
        let p = self.proto.ok_or_else(|| bad("needs -p"))?;
        let [sp, dp, rsp, rdp] = self.ports;
        let icmp_u8 = |i: usize| -> Result<u8> {
            let v = self.icmp.get(i).copied().flatten().unwrap_or(0);
            u8::try_from(v).map_err(|_| bad("ICMP type or code above 255"))
        };
        let l4 = match p {
            IpProto::ICMP | IpProto::ICMPV6 if self.icmp.iter().any(Option::is_some) => {
                let (kind, code, id) = (icmp_u8(0)?, icmp_u8(1)?, self.icmp[2].unwrap_or(0));
                if p == IpProto::ICMP {
                    L4::Icmp { id, kind, code }
                } else {
                    L4::IcmpV6 { id, kind, code }
                }
            }
            IpProto::ICMP | IpProto::ICMPV6 => L4::Other { proto: p },
            _ if self.ports.iter().any(Option::is_some) => L4::Ports {
                proto: p,
                src: sp.unwrap_or(0),
                dst: dp.unwrap_or(0),
            },
            _ => L4::Other { proto: p },
        };
        let mut orig = Tuple::new(src, dst, l4)?;
        orig.zone = self.orig_zone;
        let mut reply = orig.inverted();
        reply.zone = self.reply_zone;
        let mut flow = Flow::new(orig);
        // the untranslated reply, with the ports written (for NAT, the
        // translated port goes into the range)
        let (nat_dst_port, nat_src_port) = match &mut reply.proto {
            L4::Ports { src, dst, .. } => {
                let dnat_port = rsp.filter(|&p| self.dnat.is_some() && p != *src);
                let snat_port = rdp.filter(|&p| self.snat.is_some() && p != *dst);
                if self.dnat.is_none() {
                    *src = rsp.unwrap_or(*src);
                }
                if self.snat.is_none() {
                    *dst = rdp.unwrap_or(*dst);
                }
                (dnat_port, snat_port)
            }
            _ => (None, None),
        };
        if self.dnat.is_none() {
            reply.src = self.reply_src.unwrap_or(reply.src);
        }
        if self.snat.is_none() {
            reply.dst = self.reply_dst.unwrap_or(reply.dst);
        }
        let range = |a: IpAddr, port: Option<u16>| {
            let r = NatRange::to_addr(a);
            match port {
                Some(p) => r.with_ports(p, p),
                None => r,
            }
        };
        flow.nat_dst = self.dnat.map(|a| range(a, nat_dst_port));
        flow.nat_src = self.snat.map(|a| range(a, nat_src_port));
        flow.reply = Some(reply);
        flow.timeout = self.timeout;
        flow.status = self.status;
        flow.secmark = self.secmark;
        flow.mark = self.mark;
        flow.zone = self.zone;
        flow.labels = match (&self.labels, labels) {
            (None, _) => None,
            (Some(names), Some(map)) => Some(
                map.labels(names)
                    .map_err(|e| Error::SaveFormat(format!("labels={names}: {e}")))?,
            ),
            (Some(names), None) => {
                return Err(Error::SaveFormat(format!(
                    "labels={names}: label names need the label map (connlabel.conf)"
                )))
            }
        };
        flow.proto_info = match (p, self.state.as_deref()) {
            (IpProto::TCP, Some(s)) => Some(ProtoInfo::Tcp(TcpInfo {
                state: Some(state_by_name(s, TcpState::name).ok_or_else(|| bad("bad TCP state"))?),
                ..TcpInfo::default()
            })),
            (IpProto::SCTP, s) if s.is_some() || self.vtags.iter().any(Option::is_some) => {
                let state = match s {
                    Some(s) => Some(
                        state_by_name(s, SctpState::name).ok_or_else(|| bad("bad SCTP state"))?,
                    ),
                    None => None,
                };
                Some(ProtoInfo::Sctp(SctpInfo {
                    state,
                    vtag_orig: self.vtags[0].map(u32::swap_bytes),
                    vtag_reply: self.vtags[1].map(u32::swap_bytes),
                }))
            }
            _ => None,
        };
        Ok(flow)
    }
}

/// The flows of a text in the save format with their line numbers (from
/// 1); the first line that does not parse fails it all.
pub(crate) fn parse_save_text(text: &str, labels: Option<&LabelMap>) -> Result<Vec<(usize, Flow)>> {
    let mut flows = Vec::new();
    for (i, line) in text.lines().enumerate() {
        match Flow::parse_save_line(line, labels) {
            Ok(Some(f)) => flows.push((i + 1, f)),
            Ok(None) => {}
            Err(Error::SaveFormat(why)) => {
                return Err(Error::SaveFormat(format!("line {}: {why}", i + 1)))
            }
            Err(e) => return Err(e),
        }
    }
    Ok(flows)
}

impl Conntrack {
    /// Creates the flows of a text in the `conntrack -o save` format (like
    /// `conntrack -R`), in batches; `labels` resolves label names (see
    /// [`Flow::parse_save_line`]). Returns the line number (from 1) and
    /// the result of each flow line.
    ///
    /// # Errors
    /// [`Error::SaveFormat`] with the line number before anything is sent
    /// if a line does not parse (address families that do not agree
    /// included); I/O errors. Refusals of single creates (`EEXIST`...) are
    /// in the returned vector; a batch the kernel stops answering (`EPERM`
    /// without `CAP_NET_ADMIN`) fails at once with its first refusal, as in
    /// [`Conntrack::create_batch`].
    pub fn restore(
        &mut self,
        text: &str,
        labels: Option<&LabelMap>,
    ) -> Result<Vec<(usize, Result<()>)>> {
        let (lines, flows): (Vec<usize>, Vec<Flow>) =
            parse_save_text(text, labels)?.into_iter().unzip();
        let results = self.create_batch(&flows)?;
        Ok(lines.into_iter().zip(results).collect())
    }
}

#[cfg(test)]
mod tests;
