//! Command-line filter options shared by the conntrack examples (`ctlist`,
//! `ctdelete`), spelled as `conntrack -L/-D` spells them:
//!
//! `-f ipv4|ipv6`, `-p PROTO`, `-s/--src/--orig-src ADDR[/LEN]`,
//! `-d/--dst/--orig-dst ADDR[/LEN]`, `--mask-src MASK`, `--mask-dst MASK`,
//! `-r/--reply-src ADDR`, `-q/--reply-dst ADDR`, `--sport/--orig-port-src N`,
//! `--dport/--orig-port-dst N`, `--reply-port-src N`, `--reply-port-dst N`,
//! `--icmp-type/--icmp-code/--icmp-id N` (and `--icmpv6-*`), `--state STATE`,
//! `-u/--status LIST`, `-m/--mark N[/MASK]`, `-w/--zone N`, `--orig-zone N`,
//! `--reply-zone N`, `-n/--src-nat`, `-g/--dst-nat`, `-j/--any-nat` (each
//! with an optional `ADDR[:PORT]`, `[ADDR6]:PORT` for IPv6),
//! `-l/--label NAME[,NAME]`, the list `dying` or `unconfirmed`, `-o save`, `-o/--output extended,id,labels`; and
//! `--labelmap PATH` (ours) for another label map than the tool's
//! `/etc/xtables/connlabel.conf`.
//!
//! Known differences from conntrack-tools 1.4.7, where the tool's reading is
//! not kept: `-w N` selects entries in zone `N` in either direction, as the
//! kernel's `CTA_ZONE` filter does (the tool compares only the zone of both
//! directions, so entries zoned in one direction are not in its `-w N` and
//! are in its `-w 0`); an IPv6 address of `--src-nat/--dst-nat/--any-nat`
//! is compared (the tool ignores it); and `-p PROTO` with `--any-nat ADDR`
//! keeps its matches (the tool then lists nothing).

use std::net::IpAddr;

use nfnl_conntrack::{
    prefix_mask, CtList, DisplayOptions, Family, Filter, Flow, FlowDisplay, IpProto, LabelMap,
    Labels, NatFilter, NatTarget, SaveLine, SaveOp, Status, TcpState,
};

fn parse_num<T: std::str::FromStr>(s: &str) -> Option<T> {
    if let Some(h) = s.strip_prefix("0x") {
        u64::from_str_radix(h, 16).ok()?.to_string().parse().ok()
    } else {
        s.parse().ok()
    }
}

fn num<T: std::str::FromStr>(opt: &str, v: &str) -> Result<T, String> {
    parse_num(v).ok_or(format!("bad number {v} for {opt}"))
}

fn parse_proto(s: &str) -> Option<IpProto> {
    Some(match s {
        "tcp" => IpProto::TCP,
        "udp" => IpProto::UDP,
        "udplite" => IpProto::UDPLITE,
        "icmp" => IpProto::ICMP,
        "icmpv6" | "ipv6-icmp" => IpProto::ICMPV6,
        "sctp" => IpProto::SCTP,
        "dccp" => IpProto::DCCP,
        "gre" => IpProto::GRE,
        n => return parse_num(n).map(IpProto),
    })
}

/// `ADDR` or `ADDR/LEN` (the prefix becomes the mask).
fn parse_addr(v: &str) -> Result<(IpAddr, Option<IpAddr>), String> {
    let bad = || format!("bad address {v}");
    match v.split_once('/') {
        Some((a, len)) => {
            let a: IpAddr = a.parse().map_err(|_| bad())?;
            let len: u8 = len.parse().map_err(|_| bad())?;
            Ok((a, Some(prefix_mask(&a, len).ok_or_else(bad)?)))
        }
        None => Ok((v.parse().map_err(|_| bad())?, None)),
    }
}

fn parse_state(v: &str) -> Option<TcpState> {
    (0..=u8::MAX)
        .map(TcpState::from)
        .find(|s| !matches!(s, TcpState::Unknown(_)) && s.name().eq_ignore_ascii_case(v))
}

/// `-u LIST` as the tool reads it: names set bits of the value, `!NAME`
/// and `UNREPLIED` (= `!SEEN_REPLY`) bits of the mask; without a mask the
/// value is the mask. Gives `(value, mask)` for `status & mask == value`.
fn parse_status(v: &str) -> Option<(Status, Status)> {
    let (mut value, mut mask) = (Status::empty(), Status::empty());
    for item in v.split(',') {
        match item.strip_prefix('!') {
            Some(n) => mask |= status_bit(n)?,
            None if item.eq_ignore_ascii_case("UNREPLIED") => mask |= Status::SEEN_REPLY,
            None => value |= status_bit(item)?,
        }
    }
    // the kernel refuses an empty mask (`-u UNSET`): so does the tool
    let mask = if mask.is_empty() { value } else { mask };
    (!mask.is_empty()).then_some((value, mask))
}

fn status_bit(name: &str) -> Option<Status> {
    match name.to_ascii_uppercase().as_str() {
        "UNSET" => Some(Status::empty()),
        n => Status::from_name(n),
    }
}

/// The options that select NAT-ed entries (`-n`, `-g`, `-j`), with their
/// optional targets.
#[derive(Default)]
struct Nat {
    src: Option<NatTarget>,
    dst: Option<NatTarget>,
    any: Option<NatTarget>,
}

/// `ADDR`, `ADDR:PORT` or `[ADDR6]:PORT`, as the tool reads the optional
/// argument of `--src-nat`, `--dst-nat` and `--any-nat`.
fn parse_nat_target(v: &str) -> Result<NatTarget, String> {
    let bad = || format!("bad NAT address {v}");
    if let Ok(a) = v.parse::<IpAddr>() {
        return Ok(NatTarget::addr(a));
    }
    let (a, port) = match v.strip_prefix('[') {
        Some(rest) => {
            let (a, p) = rest.split_once("]:").ok_or_else(bad)?;
            (a, p)
        }
        None => v.rsplit_once(':').ok_or_else(bad)?,
    };
    let a: IpAddr = a.parse().map_err(|_| bad())?;
    let port: u16 = port.parse().map_err(|_| bad())?;
    Ok(NatTarget::addr(a).with_port(port))
}

/// The optional argument of a NAT option: the next word, unless it is an
/// option or a list name.
fn nat_arg(
    it: &mut std::iter::Peekable<std::slice::Iter<'_, String>>,
) -> Result<NatTarget, String> {
    match it.next_if(|v| {
        !v.starts_with('-') && !matches!(v.as_str(), "conntrack" | "dying" | "unconfirmed")
    }) {
        Some(v) => parse_nat_target(v),
        None => Ok(NatTarget::default()),
    }
}

/// The parsed options.
#[derive(Debug)]
pub struct Args {
    /// What to select.
    pub filter: Filter,
    /// How to print.
    pub opts: DisplayOptions,
    /// The label map, loaded when `-l` or `-o labels` needs it (and for
    /// `-o save` if the file exists).
    pub labels: Option<LabelMap>,
    /// The list named like `conntrack -L dying|unconfirmed` (`None`: the
    /// table, also spelled `conntrack`).
    pub list: Option<CtList>,
    /// `-o save`: print in the save format instead.
    pub save: bool,
}

/// A flow printed as the options say.
pub enum Shown<'a> {
    /// The `conntrack -L` line.
    Line(FlowDisplay<'a>),
    /// The `conntrack -o save` line (with the mark and label names the
    /// tool reads back but does not write).
    Save(SaveLine<'a>),
    /// A flow the save format cannot write without changing it: printed
    /// as a `#` comment saying why (a restore skips it).
    Unsaveable(nfnl_conntrack::Error),
}

impl std::fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Shown::Line(d) => d.fmt(f),
            Shown::Save(s) => s.fmt(f),
            Shown::Unsaveable(e) => write!(f, "# {e}"),
        }
    }
}

impl Args {
    /// `flow` in the save format, starting with `op`'s word (`-A`, or the
    /// event's `-U`/`-D`), its labels named by the label map if loaded.
    pub fn save_line<'a>(&'a self, flow: &'a Flow, op: SaveOp) -> Shown<'a> {
        match flow.save_line(self.labels.as_ref()) {
            Ok(l) => Shown::Save(l.op(op)),
            Err(e) => Shown::Unsaveable(e),
        }
    }

    /// `flow` as the tool prints it with these options.
    pub fn show<'a>(&'a self, flow: &'a Flow) -> Shown<'a> {
        if self.save {
            return self.save_line(flow, SaveOp::Create);
        }
        let d = flow.display_with(self.opts);
        Shown::Line(match &self.labels {
            Some(map) => d.label_names(map),
            None => d,
        })
    }
}

/// Parses the filter options shared by `ctlist` and `ctdelete`.
///
/// # Errors
/// A message naming the bad option (an empty message for `-h`).
pub fn parse_args(args: &[String]) -> Result<Args, String> {
    let mut f = Filter::new();
    let mut opts = DisplayOptions::default();
    let mut nat = Nat::default();
    let mut label_names: Vec<String> = Vec::new();
    let mut map_path = LabelMap::DEFAULT_PATH.to_owned();
    let mut list = None;
    let mut save = false;
    let mut it = args.iter().peekable();
    while let Some(a) = it.next() {
        let mut val = || it.next().cloned().ok_or(format!("{a} needs a value"));
        match a.as_str() {
            "-f" | "--family" => {
                f.family = Some(match val()?.as_str() {
                    "ipv4" => Family::Ipv4,
                    "ipv6" => Family::Ipv6,
                    o => return Err(format!("unknown family {o}")),
                });
            }
            "-p" | "--proto" => {
                let v = val()?;
                f.orig.proto = Some(parse_proto(&v).ok_or(format!("bad protocol {v}"))?);
            }
            "-s" | "--src" | "--orig-src" => {
                (f.orig.src, f.orig.src_mask) = split(parse_addr(&val()?)?)
            }
            "-d" | "--dst" | "--orig-dst" => {
                (f.orig.dst, f.orig.dst_mask) = split(parse_addr(&val()?)?)
            }
            "-r" | "--reply-src" => (f.reply.src, f.reply.src_mask) = split(parse_addr(&val()?)?),
            "-q" | "--reply-dst" => (f.reply.dst, f.reply.dst_mask) = split(parse_addr(&val()?)?),
            "--mask-src" => f.orig.src_mask = Some(parse_addr(&val()?)?.0),
            "--mask-dst" => f.orig.dst_mask = Some(parse_addr(&val()?)?.0),
            "--sport" | "--orig-port-src" => f.orig.src_port = Some(num(a, &val()?)?),
            "--dport" | "--orig-port-dst" => f.orig.dst_port = Some(num(a, &val()?)?),
            "--reply-port-src" => f.reply.src_port = Some(num(a, &val()?)?),
            "--reply-port-dst" => f.reply.dst_port = Some(num(a, &val()?)?),
            "--icmp-type" | "--icmpv6-type" => f.orig.icmp_type = Some(num(a, &val()?)?),
            "--icmp-code" | "--icmpv6-code" => f.orig.icmp_code = Some(num(a, &val()?)?),
            "--icmp-id" | "--icmpv6-id" => f.orig.icmp_id = Some(num(a, &val()?)?),
            "--state" => {
                let v = val()?;
                f.tcp_state = Some(parse_state(&v).ok_or(format!("bad state {v}"))?);
            }
            "-u" | "--status" => {
                let v = val()?;
                f.status = Some(parse_status(&v).ok_or(format!("bad status {v}"))?);
            }
            "-w" | "--zone" => f.zone = Some(num(a, &val()?)?),
            "--orig-zone" => f.orig.zone = Some(num(a, &val()?)?),
            "--reply-zone" => f.reply.zone = Some(num(a, &val()?)?),
            "-m" | "--mark" => {
                let v = val()?;
                let (m, mask) = match v.split_once('/') {
                    Some((m, k)) => (parse_num(m), parse_num(k)),
                    None => (parse_num(&v), Some(u32::MAX)),
                };
                match (m, mask) {
                    (Some(m), Some(k)) => f = f.mark(m, k),
                    _ => return Err(format!("bad mark {v}")),
                }
            }
            "-l" | "--label" => label_names.push(val()?),
            "--labelmap" => map_path = val()?,
            "-n" | "--src-nat" => nat.src = Some(nat_arg(&mut it)?),
            "-g" | "--dst-nat" => nat.dst = Some(nat_arg(&mut it)?),
            "-j" | "--any-nat" => nat.any = Some(nat_arg(&mut it)?),
            "-o" | "--output" => {
                for o in val()?.split(',') {
                    match o {
                        "id" => opts.id = true,
                        "extended" => opts.extended = true,
                        "labels" => opts.labels = true,
                        "save" => save = true,
                        _ => return Err(format!("unknown output option {o}")),
                    }
                }
            }
            "conntrack" => list = None,
            "dying" => list = Some(CtList::Dying),
            "unconfirmed" => list = Some(CtList::Unconfirmed),
            "-h" | "--help" => return Err(String::new()),
            o => return Err(format!("unknown option {o}")),
        }
    }
    // as the tool: --any-nat is either and goes alone; --src-nat with
    // --dst-nat is both
    f.nat = match nat {
        Nat {
            any: Some(_),
            src: Some(_),
            ..
        }
        | Nat {
            any: Some(_),
            dst: Some(_),
            ..
        } => {
            return Err("cannot specify --any-nat with --src-nat or --dst-nat".into());
        }
        Nat { any: Some(t), .. } => Some(NatFilter::Either(t)),
        Nat {
            src: Some(src),
            dst: Some(dst),
            ..
        } => Some(NatFilter::Both { src, dst }),
        Nat { src: Some(t), .. } => Some(NatFilter::Source(t)),
        Nat { dst: Some(t), .. } => Some(NatFilter::Destination(t)),
        Nat { .. } => None,
    };
    // as the tool: once the label map is loaded (for -l too), labels print
    opts.labels |= !label_names.is_empty();
    let labels = if opts.labels {
        Some(LabelMap::load(&map_path).map_err(|e| e.to_string())?)
    } else if save {
        // the save format names labels: by the map, if there is one
        LabelMap::load(&map_path).ok()
    } else {
        None
    };
    if let Some(map) = &labels {
        for names in &label_names {
            let l = map.labels(names).map_err(|e| e.to_string())?;
            let all = f.labels.map_or(0, |x| x.bits()) | l.bits();
            f = f.labels(Labels::from_bits(all));
        }
    }
    Ok(Args {
        filter: f,
        opts,
        labels,
        list,
        save,
    })
}

fn split(x: (IpAddr, Option<IpAddr>)) -> (Option<IpAddr>, Option<IpAddr>) {
    (Some(x.0), x.1)
}
