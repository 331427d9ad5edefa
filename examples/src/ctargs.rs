//! Command-line filter options shared by the conntrack examples
//! (`ctlist`, `ctdelete`), in the spirit of `conntrack -L/-D`.

use nfconntrack::{DisplayOptions, Family, Filter, IpProto};

fn parse_num<T: std::str::FromStr>(s: &str) -> Option<T> {
    if let Some(h) = s.strip_prefix("0x") {
        u64::from_str_radix(h, 16).ok()?.to_string().parse().ok()
    } else {
        s.parse().ok()
    }
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

/// Parses the filter options shared by `ctlist` and `ctdelete`.
pub fn parse_args(args: &[String]) -> Result<(Filter, DisplayOptions), String> {
    let mut f = Filter::new();
    let mut opts = DisplayOptions::default();
    let mut it = args.iter();
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
                let v = val()?;
                f.orig.src = Some(v.parse().map_err(|_| format!("bad address {v}"))?);
            }
            "-d" | "--dst" | "--orig-dst" => {
                let v = val()?;
                f.orig.dst = Some(v.parse().map_err(|_| format!("bad address {v}"))?);
            }
            "--sport" | "--orig-port-src" => {
                let v = val()?;
                f.orig.src_port = Some(parse_num(&v).ok_or(format!("bad port {v}"))?);
            }
            "--dport" | "--orig-port-dst" => {
                let v = val()?;
                f.orig.dst_port = Some(parse_num(&v).ok_or(format!("bad port {v}"))?);
            }
            "-w" | "--zone" => {
                let v = val()?;
                f.zone = Some(parse_num(&v).ok_or(format!("bad zone {v}"))?);
            }
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
            "-o" | "--output" => {
                for o in val()?.split(',') {
                    match o {
                        "id" => opts.id = true,
                        "extended" => opts.extended = true,
                        "labels" => opts.labels = true,
                        _ => return Err(format!("unknown output option {o}")),
                    }
                }
            }
            "-h" | "--help" => return Err(String::new()),
            o => return Err(format!("unknown option {o}")),
        }
    }
    Ok((f, opts))
}
