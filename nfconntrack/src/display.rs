//! Text output in the line format of the `conntrack` tool (`conntrack -L`,
//! conntrack-tools 1.4.7 with libnetfilter_conntrack's default output), so
//! lines can be compared one to one.
//!
//! Field order: protocol name (padded to 8) and number, timeout, protocol
//! state, original tuple (`src= dst=`, then `sport= dport=` / `type= code=
//! id=` / `srckey= dstkey=`), `zone-orig=`, original counters,
//! `[UNREPLIED]`, reply tuple, `zone-reply=`, reply counters,
//! `[HW_OFFLOAD]`/`[OFFLOAD]`/`[ASSURED]`, `mark=`, `secmark=`, `secctx=`,
//! `zone=`, `delta-time=`, `helper=`, `use=`, then the optional `id=` and
//! `labels=`.

use std::fmt::{self, Display, Formatter};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::flow::Flow;
use crate::labels::LabelMap;
use crate::status::Status;
use crate::tuple::{Family, Tuple, L4};
use nfnl::{IpProto, ProtoFamily};

/// Options for [`Flow::display_with`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DisplayOptions {
    /// Start with the layer-3 name and number (`ipv4     2 `), like `-o extended`.
    pub extended: bool,
    /// Append `id=` (like `-o id`).
    pub id: bool,
    /// Append `labels=` (like `-o labels`): the names of
    /// [`FlowDisplay::label_names`] as the tool prints them, else the label
    /// numbers.
    pub labels: bool,
    /// The time `delta-time=` of a flow still running (a start timestamp but no stop,
    /// `CTA_TIMESTAMP`) is measured to; `conntrack -L` uses the moment it prints, so pass
    /// the time of the dump (`Some(SystemTime::now())` read once before it). `None` leaves
    /// `delta-time=` out for running flows: formatting never reads the clock itself, so the
    /// same flow always prints the same line. A stopped flow's `delta-time=` needs no clock.
    pub now: Option<SystemTime>,
}

/// A flow with its [`DisplayOptions`]; see [`Flow::display_with`].
#[derive(Debug, Clone, Copy)]
pub struct FlowDisplay<'a> {
    flow: &'a Flow,
    opts: DisplayOptions,
    names: Option<&'a LabelMap>,
}

impl<'a> FlowDisplay<'a> {
    /// Prints labels by their names in `map` (with
    /// [`DisplayOptions::labels`]), exactly as `conntrack -o labels` does:
    /// `labels=a,b`, unnamed labels left out (and a bare `labels` when
    /// none is named).
    #[must_use]
    pub fn label_names(mut self, map: &'a LabelMap) -> Self {
        self.names = Some(map);
        self
    }
}

impl Flow {
    /// Formats the flow with options; `to_string()` uses the defaults,
    /// which match plain `conntrack -L` (running flows' `delta-time=` aside: see
    /// [`DisplayOptions::now`]).
    pub fn display_with(&self, opts: DisplayOptions) -> FlowDisplay<'_> {
        FlowDisplay {
            flow: self,
            opts,
            names: None,
        }
    }
}

impl Display for Flow {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        self.display_with(DisplayOptions::default()).fmt(f)
    }
}

/// The protocol name the `conntrack` tool prints (libnetfilter_conntrack's
/// names of the protocols conntrack tracks with a module of its own:
/// `tcp`, `udp`, `udplite`, `icmp`, `icmpv6`, `sctp`, `gre`, `dccp`), else
/// `unknown`: IGMP, ESP, AH and every other protocol print as `unknown`,
/// although [`IpProto::name`] names some of them.
///
/// ```
/// use nfnl_conntrack::{proto_name, IpProto};
/// assert_eq!(proto_name(IpProto::GRE), "gre");
/// assert_eq!(proto_name(IpProto::ESP), "unknown");
/// assert_eq!(IpProto::ESP.name(), "esp");
/// ```
pub fn proto_name(p: IpProto) -> &'static str {
    match p {
        IpProto::TCP
        | IpProto::UDP
        | IpProto::UDPLITE
        | IpProto::ICMP
        | IpProto::ICMPV6
        | IpProto::SCTP
        | IpProto::GRE
        | IpProto::DCCP => p.name(),
        _ => "unknown",
    }
}

/// Writes space-separated fields straight to the formatter: a listing
/// prints every flow, so no per-field `String` is built.
pub(crate) struct Fields<'a, 'b> {
    f: &'a mut Formatter<'b>,
    first: bool,
}

impl<'a, 'b> Fields<'a, 'b> {
    pub(crate) fn new(f: &'a mut Formatter<'b>) -> Self {
        Fields { f, first: true }
    }

    /// Writes one field, after a space unless it is the first.
    pub(crate) fn put(&mut self, args: fmt::Arguments<'_>) -> fmt::Result {
        if !std::mem::take(&mut self.first) {
            self.f.write_str(" ")?;
        }
        self.f.write_fmt(args)
    }

    /// Continues the last field (no separator).
    pub(crate) fn append(&mut self, args: fmt::Arguments<'_>) -> fmt::Result {
        self.f.write_fmt(args)
    }
}

pub(crate) fn write_tuple(w: &mut Fields<'_, '_>, t: &Tuple) -> fmt::Result {
    write_addrs(w, "", t)?;
    write_l4(w, t)
}

/// `{prefix}src= {prefix}dst=` (the expectation lines use `mask-` and
/// `master-`).
pub(crate) fn write_addrs(w: &mut Fields<'_, '_>, prefix: &str, t: &Tuple) -> fmt::Result {
    w.put(format_args!("{prefix}src={}", t.src))?;
    w.put(format_args!("{prefix}dst={}", t.dst))
}

/// The layer-4 fields of a tuple, unprefixed in every line format.
pub(crate) fn write_l4(w: &mut Fields<'_, '_>, t: &Tuple) -> fmt::Result {
    match t.proto {
        L4::Ports {
            proto: IpProto::GRE,
            src,
            dst,
        } => {
            w.put(format_args!("srckey={src:#x}"))?;
            w.put(format_args!("dstkey={dst:#x}"))
        }
        L4::Ports {
            proto: IpProto::TCP | IpProto::UDP | IpProto::UDPLITE | IpProto::SCTP | IpProto::DCCP,
            src,
            dst,
        } => {
            w.put(format_args!("sport={src}"))?;
            w.put(format_args!("dport={dst}"))
        }
        L4::Icmp { id, kind, code } | L4::IcmpV6 { id, kind, code } => {
            w.put(format_args!("type={kind}"))?;
            w.put(format_args!("code={code}"))?;
            w.put(format_args!("id={id}"))
        }
        _ => Ok(()),
    }
}

impl Display for FlowDisplay<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let fl = self.flow;
        let w = &mut Fields::new(f);
        let main = fl.orig.or(fl.reply);
        if self.opts.extended {
            match main.map(|t| ProtoFamily::from(Family::of(&t.src))) {
                Some(fam) => w.put(format_args!("{fam:<8} {}", u8::from(fam)))?,
                None => w.put(format_args!("{:<8} 0", "unknown"))?,
            }
        }
        let p = main.map_or(IpProto(0), |t| t.proto.proto());
        w.put(format_args!("{:<8} {}", proto_name(p), p.0))?;
        if let Some(t) = fl.timeout {
            w.put(format_args!("{t}"))?;
        }
        if let Some(name) = fl.proto_info.as_ref().and_then(|p| p.state_name()) {
            w.put(format_args!("{name}"))?;
        }
        if let Some(t) = &fl.orig {
            write_tuple(w, t)?;
            if let Some(z) = t.zone {
                w.put(format_args!("zone-orig={z}"))?;
            }
        }
        if let Some(c) = &fl.counters_orig {
            w.put(format_args!("packets={} bytes={}", c.packets, c.bytes))?;
        }
        if fl.status.is_some_and(|s| !s.contains(Status::SEEN_REPLY)) {
            w.put(format_args!("[UNREPLIED]"))?;
        }
        if let Some(t) = &fl.reply {
            write_tuple(w, t)?;
            if let Some(z) = t.zone {
                w.put(format_args!("zone-reply={z}"))?;
            }
        }
        if let Some(c) = &fl.counters_reply {
            w.put(format_args!("packets={} bytes={}", c.packets, c.bytes))?;
        }
        if let Some(s) = fl.status {
            if s.contains(Status::HW_OFFLOAD) {
                w.put(format_args!("[HW_OFFLOAD]"))?;
            } else if s.contains(Status::OFFLOAD) {
                w.put(format_args!("[OFFLOAD]"))?;
            } else if s.contains(Status::ASSURED) {
                w.put(format_args!("[ASSURED]"))?;
            }
        }
        if let Some(m) = fl.mark {
            w.put(format_args!("mark={m}"))?;
        }
        if let Some(m) = fl.secmark {
            w.put(format_args!("secmark={m}"))?;
        }
        if let Some(s) = &fl.secctx {
            w.put(format_args!("secctx={s}"))?;
        }
        if let Some(z) = fl.zone {
            w.put(format_args!("zone={z}"))?;
        }
        if let Some(start) = fl.timestamp.and_then(|t| t.start) {
            let stop = match fl.timestamp.and_then(|t| t.stop) {
                Some(s) if s != 0 => Some(s / 1_000_000_000),
                // Before the epoch counts as 0, like the tool's time(NULL) would.
                _ => self
                    .opts
                    .now
                    .map(|now| now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())),
            };
            if let Some(stop) = stop {
                let delta = stop.saturating_sub(start / 1_000_000_000);
                w.put(format_args!("delta-time={delta}"))?;
            }
        }
        if let Some(h) = &fl.helper {
            w.put(format_args!("helper={h}"))?;
        }
        if let Some(u) = fl.use_count {
            w.put(format_args!("use={u}"))?;
        }
        if self.opts.id {
            if let Some(id) = fl.id {
                w.put(format_args!("id={id}"))?;
            }
        }
        match (self.opts.labels, self.names, fl.labels) {
            (true, Some(map), Some(l)) => {
                let mut names = l.iter().filter_map(|n| map.name(n));
                match names.next() {
                    Some(first) => w.put(format_args!("labels={first}"))?,
                    // the tool's quirk: it drops the last character of "labels="
                    None => w.put(format_args!("labels"))?,
                }
                for n in names {
                    w.append(format_args!(",{n}"))?;
                }
            }
            (true, None, Some(l)) => {
                let mut labels = l.iter();
                if let Some(first) = labels.next() {
                    w.put(format_args!("labels={first}"))?;
                    for n in labels {
                        w.append(format_args!(",{n}"))?;
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }
}
