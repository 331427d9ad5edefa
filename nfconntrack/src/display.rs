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
use std::net::IpAddr;

use crate::flow::Flow;
use crate::status::Status;
use crate::tuple::{proto, Tuple, L4};

/// Options for [`Flow::display_with`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DisplayOptions {
    /// Start with the layer-3 name and number (`ipv4     2 `), like `-o extended`.
    pub extended: bool,
    /// Append `id=` (like `-o id`).
    pub id: bool,
    /// Append `labels=` with label numbers (the tool prints label names from
    /// `connlabel.conf`, and nothing without that file).
    pub labels: bool,
}

/// A flow with its [`DisplayOptions`]; see [`Flow::display_with`].
#[derive(Debug, Clone, Copy)]
pub struct FlowDisplay<'a> {
    flow: &'a Flow,
    opts: DisplayOptions,
}

impl Flow {
    /// Formats the flow with options; `to_string()` uses the defaults,
    /// which match plain `conntrack -L`.
    pub fn display_with(&self, opts: DisplayOptions) -> FlowDisplay<'_> {
        FlowDisplay { flow: self, opts }
    }
}

impl Display for Flow {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        self.display_with(DisplayOptions::default()).fmt(f)
    }
}

fn write_tuple(out: &mut Vec<String>, t: &Tuple) {
    out.push(format!("src={}", Addr(t.src)));
    out.push(format!("dst={}", Addr(t.dst)));
    match t.proto {
        L4::Ports {
            proto: proto::GRE,
            src,
            dst,
        } => {
            out.push(format!("srckey={src:#x}"));
            out.push(format!("dstkey={dst:#x}"));
        }
        L4::Ports {
            proto: proto::TCP | proto::UDP | proto::UDPLITE | proto::SCTP | proto::DCCP,
            src,
            dst,
        } => {
            out.push(format!("sport={src}"));
            out.push(format!("dport={dst}"));
        }
        L4::Icmp { id, kind, code } | L4::IcmpV6 { id, kind, code } => {
            out.push(format!("type={kind}"));
            out.push(format!("code={code}"));
            out.push(format!("id={id}"));
        }
        _ => {}
    }
}

/// An address as `inet_ntoa`/`inet_ntop` prints it.
struct Addr(IpAddr);

impl Display for Addr {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self.0 {
            IpAddr::V4(a) => write!(f, "{a}"),
            IpAddr::V6(a) => write!(f, "{a}"),
        }
    }
}

fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl Display for FlowDisplay<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let fl = self.flow;
        let mut parts: Vec<String> = Vec::with_capacity(24);
        let main = fl.orig.or(fl.reply);
        if self.opts.extended {
            let (name, num) = match main.map(|t| t.src) {
                Some(IpAddr::V4(_)) => ("ipv4", 2),
                Some(IpAddr::V6(_)) => ("ipv6", 10),
                None => ("unknown", 0),
            };
            parts.push(format!("{name:<8} {num}"));
        }
        let p = main.map_or(0, |t| t.proto.proto());
        parts.push(format!("{:<8} {p}", proto::name(p)));
        if let Some(t) = fl.timeout {
            parts.push(t.to_string());
        }
        if let Some(name) = fl.proto_info.as_ref().and_then(|p| p.state_name()) {
            parts.push(name.to_owned());
        }
        if let Some(t) = &fl.orig {
            write_tuple(&mut parts, t);
            if let Some(z) = t.zone {
                parts.push(format!("zone-orig={z}"));
            }
        }
        if let Some(c) = &fl.counters_orig {
            parts.push(format!("packets={} bytes={}", c.packets, c.bytes));
        }
        if let Some(s) = fl.status {
            if !s.contains(Status::SEEN_REPLY) {
                parts.push("[UNREPLIED]".into());
            }
        }
        if let Some(t) = &fl.reply {
            write_tuple(&mut parts, t);
            if let Some(z) = t.zone {
                parts.push(format!("zone-reply={z}"));
            }
        }
        if let Some(c) = &fl.counters_reply {
            parts.push(format!("packets={} bytes={}", c.packets, c.bytes));
        }
        if let Some(s) = fl.status {
            if s.contains(Status::HW_OFFLOAD) {
                parts.push("[HW_OFFLOAD]".into());
            } else if s.contains(Status::OFFLOAD) {
                parts.push("[OFFLOAD]".into());
            } else if s.contains(Status::ASSURED) {
                parts.push("[ASSURED]".into());
            }
        }
        if let Some(m) = fl.mark {
            parts.push(format!("mark={m}"));
        }
        if let Some(m) = fl.secmark {
            parts.push(format!("secmark={m}"));
        }
        if let Some(s) = &fl.secctx {
            parts.push(format!("secctx={s}"));
        }
        if let Some(z) = fl.zone {
            parts.push(format!("zone={z}"));
        }
        if let Some(start) = fl.timestamp.and_then(|t| t.start) {
            let stop = match fl.timestamp.and_then(|t| t.stop) {
                Some(s) if s != 0 => s / 1_000_000_000,
                _ => now_secs(),
            };
            parts.push(format!(
                "delta-time={}",
                stop.saturating_sub(start / 1_000_000_000)
            ));
        }
        if let Some(h) = &fl.helper {
            parts.push(format!("helper={h}"));
        }
        if let Some(u) = fl.use_count {
            parts.push(format!("use={u}"));
        }
        if self.opts.id {
            if let Some(id) = fl.id {
                parts.push(format!("id={id}"));
            }
        }
        if self.opts.labels {
            if let Some(l) = fl.labels {
                let names: Vec<String> = l.iter().map(|n| n.to_string()).collect();
                if !names.is_empty() {
                    parts.push(format!("labels={}", names.join(",")));
                }
            }
        }
        f.write_str(&parts.join(" "))
    }
}
