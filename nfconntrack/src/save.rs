//! Save and restore in the `conntrack -o save` line format, the format
//! `conntrack -R` reads back:
//!
//! ```text
//! -A -t 99 -u SEEN_REPLY,ASSURED -s 1.1.1.1 -d 2.2.2.2 -r 2.2.2.2 -q 1.1.1.1 -p tcp --sport 3 --dport 80 --reply-port-src 80 --reply-port-dst 3 --state ESTABLISHED
//! -A -t 99 -u UNSET -s 1.1.1.5 -d 2.2.2.2 -r 2.2.2.2 -n 9.9.9.9 -p udp --sport 1 --dport 2 --reply-port-src 2 --reply-port-dst 1
//! ```
//!
//! Order (as conntrack-tools 1.4.7 writes it): `-t` timeout, `-u` status
//! (`EXPECTED`, `SEEN_REPLY`, `ASSURED`, `FIXED_TIMEOUT`, or `UNSET`), `-c`
//! secmark, `-w` zone, `--orig-zone`, `--reply-zone`, `-s`, `-d`, the reply
//! source as `-g` (destination NAT) or `-r`, the reply destination as `-n`
//! (source NAT) or `-q`, then `-p` and the protocol's options.
//!
//! NOTE: the format has no mark, labels, helper or counters (the tool
//! writes none), so a restore recreates entries without them; SCTP
//! verification tags are written byte-swapped, as the tool writes them.

use std::fmt::{self, Display, Formatter};
use std::net::IpAddr;

use crate::conntrack::Conntrack;
use crate::display::Fields;
use crate::error::{Error, Result};
use crate::flow::Flow;
use crate::nat::NatRange;
use crate::protoinfo::{ProtoInfo, SctpInfo, SctpState, TcpInfo, TcpState};
use crate::status::Status;
use crate::tuple::{Tuple, L4};
use nfnl::IpProto;

/// The status bits the format names, in bit order.
const STATUS_NAMES: [(Status, &str); 4] = [
    (Status::EXPECTED, "EXPECTED"),
    (Status::SEEN_REPLY, "SEEN_REPLY"),
    (Status::ASSURED, "ASSURED"),
    (Status::FIXED_TIMEOUT, "FIXED_TIMEOUT"),
];

/// A flow as one line of `conntrack -L -o save`; see [`Flow::save_line`].
#[derive(Debug, Clone, Copy)]
pub struct SaveLine<'a>(&'a Flow);

impl Flow {
    /// The flow in the `conntrack -o save` format (one line, without the
    /// newline). Flows without an original and a reply tuple print as `-A`
    /// and what they have.
    ///
    /// ```
    /// use nfnl_conntrack::{Flow, L4, Status, Tuple};
    /// let mut f = Flow::new(Tuple::new("1.1.1.1".parse()?, "2.2.2.2".parse()?, L4::udp(1, 2))?);
    /// f.timeout = Some(99);
    /// f.status = Some(Status::CONFIRMED);
    /// assert_eq!(
    ///     f.save_line().to_string(),
    ///     "-A -t 99 -u UNSET -s 1.1.1.1 -d 2.2.2.2 -r 2.2.2.2 -q 1.1.1.1 -p udp \
    ///      --sport 1 --dport 2 --reply-port-src 2 --reply-port-dst 1"
    /// );
    /// assert_eq!(Flow::parse_save_line(&f.save_line().to_string())?.unwrap().orig, f.orig);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn save_line(&self) -> SaveLine<'_> {
        SaveLine(self)
    }
}

/// The tool's name for a protocol it has options for; `None` prints `-p NUM`.
fn saved_proto_name(p: IpProto) -> Option<&'static str> {
    match p {
        IpProto::TCP
        | IpProto::UDP
        | IpProto::UDPLITE
        | IpProto::ICMP
        | IpProto::ICMPV6
        | IpProto::SCTP
        | IpProto::DCCP
        | IpProto::GRE => Some(p.name()),
        _ => None,
    }
}

impl Display for SaveLine<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let fl = self.0;
        let w = &mut Fields::new(f);
        w.put(format_args!("-A"))?;
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
        if let Some(v) = fl.secmark {
            w.put(format_args!("-c {v}"))?;
        }
        if let Some(z) = fl.zone {
            w.put(format_args!("-w {z}"))?;
        }
        if let Some(z) = fl.orig.and_then(|t| t.zone) {
            w.put(format_args!("--orig-zone {z}"))?;
        }
        if let Some(z) = fl.reply.and_then(|t| t.zone) {
            w.put(format_args!("--reply-zone {z}"))?;
        }
        let status = fl.status.unwrap_or_default();
        if let Some(o) = &fl.orig {
            w.put(format_args!("-s {} -d {}", o.src, o.dst))?;
        }
        if let Some(r) = &fl.reply {
            let dnat =
                status.contains(Status::DST_NAT_DONE) && fl.orig.is_some_and(|o| o.dst != r.src);
            let snat =
                status.contains(Status::SRC_NAT_DONE) && fl.orig.is_some_and(|o| o.src != r.dst);
            w.put(format_args!("{} {}", if dnat { "-g" } else { "-r" }, r.src))?;
            w.put(format_args!("{} {}", if snat { "-n" } else { "-q" }, r.dst))?;
        }
        let Some(t) = fl.orig.or(fl.reply) else {
            return Ok(());
        };
        let p = t.proto.proto();
        match saved_proto_name(p) {
            Some(name) => w.put(format_args!("-p {name}"))?,
            None => return w.put(format_args!("-p {}", p.0)),
        }
        let (o, r) = (fl.orig.map(|t| t.proto), fl.reply.map(|t| t.proto));
        match (p, o, r) {
            // the tool writes no DCCP options
            (IpProto::DCCP, _, _) => {}
            (IpProto::GRE, Some(L4::Ports { src, dst, .. }), r) => {
                w.put(format_args!("--srckey {src} --dstkey {dst}"))?;
                if let Some(L4::Ports { src, dst, .. }) = r {
                    w.put(format_args!("--reply-key-src {src} --reply-key-dst {dst}"))?;
                }
            }
            (_, Some(L4::Ports { src, dst, .. }), r) => {
                w.put(format_args!("--sport {src} --dport {dst}"))?;
                if let Some(L4::Ports { src, dst, .. }) = r {
                    w.put(format_args!(
                        "--reply-port-src {src} --reply-port-dst {dst}"
                    ))?;
                }
            }
            (_, Some(L4::Icmp { id, kind, code }), _) => {
                w.put(format_args!(
                    "--icmp-type {kind} --icmp-code {code} --icmp-id {id}"
                ))?;
            }
            (_, Some(L4::IcmpV6 { id, kind, code }), _) => w.put(format_args!(
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
    /// the options above, also `-m MARK`) into a flow to create. Empty
    /// lines and `#` comments give `Ok(None)`. With `-n`/`-g` the flow
    /// asks for source/destination NAT ([`Flow::nat_src`],
    /// [`Flow::nat_dst`]) and the kernel computes the translated reply
    /// tuple, as the tool does.
    ///
    /// # Errors
    /// [`Error::SaveFormat`] naming the bad option.
    pub fn parse_save_line(line: &str) -> Result<Option<Flow>> {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            return Ok(None);
        }
        let bad = |why: String| Error::SaveFormat(why);
        let mut it = line.split_whitespace();
        match it.next() {
            Some("-A" | "-I" | "--add" | "--create") => {}
            other => return Err(bad(format!("expected -A, found {other:?}"))),
        }
        let mut p = Parsed::default();
        while let Some(opt) = it.next() {
            let v = it
                .next()
                .ok_or_else(|| bad(format!("{opt} needs a value")))?;
            let num = |v: &str| -> Result<u64> {
                v.parse()
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
                "-m" | "--mark" => p.mark = Some(word(v)?),
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
                            .find(|n| n.name() == v && v != "unknown")
                        {
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
        p.into_flow().map(Some)
    }
}

fn parse_status(v: &str) -> Option<Status> {
    v.split(',').try_fold(Status::empty(), |acc, n| match n {
        "UNSET" => Some(acc),
        "OFFLOAD" => Some(acc | Status::OFFLOAD),
        "HW_OFFLOAD" => Some(acc | Status::HW_OFFLOAD),
        _ => STATUS_NAMES
            .iter()
            .find(|(_, name)| *name == n)
            .map(|(b, _)| acc | *b),
    })
}

impl Parsed {
    fn into_flow(self) -> Result<Flow> {
        let bad = |why: &str| Error::SaveFormat(why.to_owned());
        let (src, dst) = self
            .src
            .zip(self.dst)
            .ok_or_else(|| bad("needs -s and -d"))?;
        let p = self.proto.ok_or_else(|| bad("needs -p"))?;
        let [sp, dp, rsp, rdp] = self.ports;
        let icmp_u8 = |i: usize| -> Result<u8> {
            let v = self.icmp.get(i).copied().flatten().unwrap_or(0);
            u8::try_from(v).map_err(|_| bad("ICMP type or code above 255"))
        };
        let l4 = match p {
            IpProto::ICMP | IpProto::ICMPV6 => {
                let (kind, code, id) = (icmp_u8(0)?, icmp_u8(1)?, self.icmp[2].unwrap_or(0));
                if p == IpProto::ICMP {
                    L4::Icmp { id, kind, code }
                } else {
                    L4::IcmpV6 { id, kind, code }
                }
            }
            IpProto::TCP
            | IpProto::UDP
            | IpProto::UDPLITE
            | IpProto::SCTP
            | IpProto::DCCP
            | IpProto::GRE => L4::Ports {
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
        flow.status = self.status.filter(|s| !s.is_empty());
        flow.secmark = self.secmark;
        flow.mark = self.mark;
        flow.zone = self.zone;
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

impl Conntrack {
    /// Creates the flows of a text in the `conntrack -o save` format (like
    /// `conntrack -R`), in batches. Returns one result per flow line.
    ///
    /// # Errors
    /// [`Error::SaveFormat`] with the line number before anything is sent
    /// if a line does not parse; I/O errors. Refusals of single creates
    /// (`EEXIST`...) are in the returned vector.
    pub fn restore(&mut self, text: &str) -> Result<Vec<Result<()>>> {
        let mut flows = Vec::new();
        for (i, line) in text.lines().enumerate() {
            match Flow::parse_save_line(line) {
                Ok(Some(f)) => flows.push(f),
                Ok(None) => {}
                Err(Error::SaveFormat(why)) => {
                    return Err(Error::SaveFormat(format!("line {}: {why}", i + 1)))
                }
                Err(e) => return Err(e),
            }
        }
        self.create_batch(&flows)
    }
}
