//! nft's data types (`enum datatypes` of nftables' `datatype.h`, the ids
//! nft stores in `NFTA_SET_KEY_TYPE`/`NFTA_SET_DATA_TYPE`) and constant
//! [`Value`]s that keep their type, so that they print as nft prints them:
//! [`Value::text`] for `nft list ruleset`, [`Value::json`] for
//! `nft -j list ruleset`.
//!
//! Symbol tables (ICMP types, ct states, TCP flags, ...) are written from
//! the protocols' own numbering (RFCs, kernel headers) with the names nft
//! 1.0.6 prints; protocol names come from `/etc/protocols` as nft's
//! `getprotobynumber` reads them.

use std::fmt::Write as _;
use std::net::{Ipv4Addr, Ipv6Addr};

use super::delinearize::bits_of;

macro_rules! datatypes {
    ($( $(#[$m:meta])* $v:ident = $id:literal => $name:literal, )*) => {
        /// An nft data type: what a constant means and how nft prints it
        /// (nftables' `enum datatypes`; the id is what nft stores in a set's
        /// `NFTA_SET_KEY_TYPE`, concatenations packing several ids 6 bits
        /// apart, see [`Datatype::concat_ids`]).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Datatype {
            $( $(#[$m])* $v, )*
            /// An id nft 1.0.6 does not define: printed as an integer.
            Other(u32),
        }

        impl Datatype {
            /// The type of nft's id `id`.
            pub fn from_id(id: u32) -> Self {
                match id {
                    $( $id => Datatype::$v, )*
                    x => Datatype::Other(x),
                }
            }

            /// nft's id of the type.
            pub fn id(self) -> u32 {
                match self {
                    $( Datatype::$v => $id, )*
                    Datatype::Other(x) => x,
                }
            }

            /// nft's name of the type (`ipv4_addr`, `inet_service`, ...), as
            /// in `type ipv4_addr` of a set declaration and its JSON `"type"`.
            pub fn name(self) -> &'static str {
                match self {
                    $( Datatype::$v => $name, )*
                    Datatype::Other(_) => "integer",
                }
            }
        }
    };
}

datatypes! {
    /// `TYPE_INVALID`.
    Invalid = 0 => "invalid",
    /// `TYPE_VERDICT`: verdict maps' data.
    Verdict = 1 => "verdict",
    /// `TYPE_NFPROTO`: `meta nfproto` (`ipv4`, `ipv6`).
    Nfproto = 2 => "nf_proto",
    /// `TYPE_BITMASK`.
    Bitmask = 3 => "bitmask",
    /// `TYPE_INTEGER`.
    Integer = 4 => "integer",
    /// `TYPE_STRING`.
    String = 5 => "string",
    /// `TYPE_LLADDR`: link-layer address.
    Lladdr = 6 => "ll_addr",
    /// `TYPE_IPADDR`.
    Ipv4Addr = 7 => "ipv4_addr",
    /// `TYPE_IP6ADDR`.
    Ipv6Addr = 8 => "ipv6_addr",
    /// `TYPE_ETHERADDR`.
    EtherAddr = 9 => "ether_addr",
    /// `TYPE_ETHERTYPE`.
    Ethertype = 10 => "ether_type",
    /// `TYPE_ARPOP`.
    Arpop = 11 => "arp_op",
    /// `TYPE_INET_PROTOCOL`.
    InetProto = 12 => "inet_proto",
    /// `TYPE_INET_SERVICE`: ports.
    InetService = 13 => "inet_service",
    /// `TYPE_ICMP_TYPE`.
    IcmpType = 14 => "icmp_type",
    /// `TYPE_TCP_FLAG`.
    TcpFlag = 15 => "tcp_flag",
    /// `TYPE_DCCP_PKTTYPE`.
    DccpPkttype = 16 => "dccp_pkttype",
    /// `TYPE_MH_TYPE`: mobility header type.
    MhType = 17 => "mh_type",
    /// `TYPE_TIME`: a duration.
    Time = 18 => "time",
    /// `TYPE_MARK`.
    Mark = 19 => "mark",
    /// `TYPE_IFINDEX`.
    Ifindex = 20 => "iface_index",
    /// `TYPE_ARPHRD`.
    Arphrd = 21 => "iface_type",
    /// `TYPE_REALM`.
    Realm = 22 => "realm",
    /// `TYPE_CLASSID`: tc class id (`major:minor`).
    Classid = 23 => "classid",
    /// `TYPE_UID`.
    Uid = 24 => "uid",
    /// `TYPE_GID`.
    Gid = 25 => "gid",
    /// `TYPE_CT_STATE`.
    CtState = 26 => "ct_state",
    /// `TYPE_CT_DIR`.
    CtDir = 27 => "ct_dir",
    /// `TYPE_CT_STATUS`.
    CtStatus = 28 => "ct_status",
    /// `TYPE_ICMP6_TYPE`.
    Icmpv6Type = 29 => "icmpv6_type",
    /// `TYPE_CT_LABEL`.
    CtLabel = 30 => "ct_label",
    /// `TYPE_PKTTYPE`.
    Pkttype = 31 => "pkt_type",
    /// `TYPE_ICMP_CODE`.
    IcmpCode = 32 => "icmp_code",
    /// `TYPE_ICMPV6_CODE`.
    Icmpv6Code = 33 => "icmpv6_code",
    /// `TYPE_ICMPX_CODE`.
    IcmpxCode = 34 => "icmpx_code",
    /// `TYPE_DEVGROUP`.
    Devgroup = 35 => "devgroup",
    /// `TYPE_DSCP`.
    Dscp = 36 => "dscp",
    /// `TYPE_ECN`.
    Ecn = 37 => "ecn",
    /// `TYPE_FIB_ADDR`: `fib ... type` result.
    FibAddr = 38 => "fib_addrtype",
    /// `TYPE_BOOLEAN`: `exists`/`missing`.
    Boolean = 39 => "boolean",
    /// `TYPE_CT_EVENTBIT`.
    CtEvent = 40 => "ct_event",
    /// `TYPE_IFNAME`: interface name (a string).
    Ifname = 41 => "ifname",
    /// `TYPE_IGMP_TYPE`.
    IgmpType = 42 => "igmp_type",
    /// `TYPE_TIME_DATE`: `meta time` (ns since the epoch).
    TimeDate = 43 => "time",
    /// `TYPE_TIME_HOUR`: `meta hour` (seconds of the day).
    TimeHour = 44 => "hour",
    /// `TYPE_TIME_DAY`: `meta day`.
    TimeDay = 45 => "day",
    /// `TYPE_CGROUPV2`.
    Cgroupv2 = 46 => "cgroupsv2",
}

/// Bits between the ids of a concatenated set key type (nft's `TYPE_BITS`).
pub const TYPE_BITS: u32 = 6;

impl Datatype {
    /// The ids packed in a concatenated key type, first field first (a
    /// plain id gives one). nft packs `id1 << 6 | id2` for `id1 . id2`.
    pub fn concat_ids(id: u32) -> Vec<Datatype> {
        let mask = (1u32 << TYPE_BITS) - 1;
        if id <= mask {
            return vec![Datatype::from_id(id)];
        }
        let mut out = Vec::new();
        let mut x = id;
        while x != 0 {
            out.push(Datatype::from_id(x & mask));
            x >>= TYPE_BITS;
        }
        out.reverse();
        out
    }

    /// The width of the type in bits, where nft gives it one (`None`:
    /// variable, such as strings, or given by the expression).
    pub fn bits(self) -> Option<u32> {
        Some(match self {
            Datatype::Verdict => 32,
            Datatype::Nfproto | Datatype::InetProto | Datatype::IcmpType => 8,
            Datatype::Icmpv6Type | Datatype::IcmpCode | Datatype::Icmpv6Code => 8,
            Datatype::IcmpxCode | Datatype::Pkttype | Datatype::CtDir => 8,
            Datatype::Ipv4Addr => 32,
            Datatype::Ipv6Addr => 128,
            Datatype::EtherAddr => 48,
            Datatype::Ethertype | Datatype::Arpop | Datatype::InetService => 16,
            Datatype::Arphrd => 16,
            Datatype::TcpFlag | Datatype::IgmpType | Datatype::DccpPkttype => 8,
            Datatype::MhType | Datatype::Boolean | Datatype::TimeDay => 8,
            Datatype::Mark | Datatype::Ifindex | Datatype::Realm | Datatype::Classid => 32,
            Datatype::Uid | Datatype::Gid | Datatype::CtState | Datatype::CtStatus => 32,
            Datatype::CtEvent | Datatype::Devgroup | Datatype::FibAddr | Datatype::TimeHour => 32,
            Datatype::CtLabel => 128,
            Datatype::Dscp => 6,
            Datatype::Ecn => 2,
            Datatype::TimeDate | Datatype::Time | Datatype::Cgroupv2 => 64,
            Datatype::Ifname => 16 * 8,
            _ => return None,
        })
    }

    /// True for the types whose values the kernel holds in host byte order
    /// (nft's `BYTEORDER_HOST_ENDIAN` types: marks, ids, interface
    /// indexes, meta and ct keys); false for network order.
    pub fn host_order(self) -> bool {
        matches!(
            self,
            Datatype::Mark
                | Datatype::Ifindex
                | Datatype::Realm
                | Datatype::Classid
                | Datatype::Uid
                | Datatype::Gid
                | Datatype::CtState
                | Datatype::CtStatus
                | Datatype::CtEvent
                | Datatype::CtLabel
                | Datatype::Devgroup
                | Datatype::FibAddr
                | Datatype::Arphrd
                | Datatype::Nfproto
                | Datatype::Pkttype
                | Datatype::CtDir
                | Datatype::Time
                | Datatype::TimeDate
                | Datatype::TimeHour
                | Datatype::TimeDay
                | Datatype::Cgroupv2
        )
    }

    /// True for bitmask types (several symbols may be set: `ct state
    /// established,related`, `tcp flags syn | ack`).
    pub fn is_bitmask(self) -> bool {
        matches!(
            self,
            Datatype::Bitmask
                | Datatype::TcpFlag
                | Datatype::CtState
                | Datatype::CtStatus
                | Datatype::CtEvent
                | Datatype::CtLabel
        )
    }

    /// The type's symbol table: (value, name) as nft 1.0.6 prints them.
    pub fn symbols(self) -> &'static [(u64, &'static str)] {
        match self {
            Datatype::Nfproto => &[(2, "ipv4"), (10, "ipv6")],
            Datatype::Ethertype => &[
                (0x0800, "ip"),
                (0x0806, "arp"),
                (0x86dd, "ip6"),
                (0x8100, "8021q"),
                (0x88a8, "8021ad"),
            ],
            Datatype::Arpop => &[
                (1, "request"),
                (2, "reply"),
                (3, "rrequest"),
                (4, "rreply"),
                (8, "inrequest"),
                (9, "inreply"),
                (10, "nak"),
            ],
            Datatype::IcmpType => &[
                (0, "echo-reply"),
                (3, "destination-unreachable"),
                (4, "source-quench"),
                (5, "redirect"),
                (8, "echo-request"),
                (9, "router-advertisement"),
                (10, "router-solicitation"),
                (11, "time-exceeded"),
                (12, "parameter-problem"),
                (13, "timestamp-request"),
                (14, "timestamp-reply"),
                (15, "info-request"),
                (16, "info-reply"),
                (17, "address-mask-request"),
                (18, "address-mask-reply"),
            ],
            Datatype::Icmpv6Type => &[
                (1, "destination-unreachable"),
                (2, "packet-too-big"),
                (3, "time-exceeded"),
                (4, "parameter-problem"),
                (128, "echo-request"),
                (129, "echo-reply"),
                (130, "mld-listener-query"),
                (131, "mld-listener-report"),
                (132, "mld-listener-done"),
                (133, "nd-router-solicit"),
                (134, "nd-router-advert"),
                (135, "nd-neighbor-solicit"),
                (136, "nd-neighbor-advert"),
                (137, "nd-redirect"),
                (138, "router-renumbering"),
                (141, "ind-neighbor-solicit"),
                (142, "ind-neighbor-advert"),
                (143, "mld2-listener-report"),
            ],
            Datatype::IcmpCode => &[
                (0, "net-unreachable"),
                (1, "host-unreachable"),
                (2, "prot-unreachable"),
                (3, "port-unreachable"),
                (4, "frag-needed"),
                (9, "net-prohibited"),
                (10, "host-prohibited"),
                (13, "admin-prohibited"),
            ],
            Datatype::Icmpv6Code => &[
                (0, "no-route"),
                (1, "admin-prohibited"),
                (3, "addr-unreachable"),
                (4, "port-unreachable"),
                (5, "policy-fail"),
                (6, "reject-route"),
            ],
            Datatype::IcmpxCode => &[
                (0, "no-route"),
                (1, "port-unreachable"),
                (2, "host-unreachable"),
                (3, "admin-prohibited"),
            ],
            Datatype::TcpFlag => &[
                (0x01, "fin"),
                (0x02, "syn"),
                (0x04, "rst"),
                (0x08, "psh"),
                (0x10, "ack"),
                (0x20, "urg"),
                (0x40, "ecn"),
                (0x80, "cwr"),
            ],
            Datatype::CtState => &[
                (1, "invalid"),
                (2, "established"),
                (4, "related"),
                (8, "new"),
                (64, "untracked"),
            ],
            Datatype::CtDir => &[(0, "original"), (1, "reply")],
            Datatype::CtStatus => &[
                (1, "expected"),
                (2, "seen-reply"),
                (4, "assured"),
                (8, "confirmed"),
                (16, "snat"),
                (32, "dnat"),
                (512, "dying"),
            ],
            Datatype::CtEvent => &[
                (1, "new"),
                (2, "related"),
                (4, "destroy"),
                (8, "reply"),
                (16, "assured"),
                (32, "protoinfo"),
                (64, "helper"),
                (128, "mark"),
                (256, "seqadj"),
                (512, "secmark"),
                (1024, "label"),
            ],
            Datatype::Pkttype => &[
                (0, "host"),
                (1, "broadcast"),
                (2, "multicast"),
                (3, "other"),
            ],
            Datatype::Dscp => &[
                (0x00, "cs0"),
                (0x08, "cs1"),
                (0x10, "cs2"),
                (0x18, "cs3"),
                (0x20, "cs4"),
                (0x28, "cs5"),
                (0x30, "cs6"),
                (0x38, "cs7"),
                (0x01, "lephb"),
                (0x0a, "af11"),
                (0x0c, "af12"),
                (0x0e, "af13"),
                (0x12, "af21"),
                (0x14, "af22"),
                (0x16, "af23"),
                (0x1a, "af31"),
                (0x1c, "af32"),
                (0x1e, "af33"),
                (0x22, "af41"),
                (0x24, "af42"),
                (0x26, "af43"),
                (0x2c, "va"),
                (0x2e, "ef"),
            ],
            Datatype::Ecn => &[(0, "not-ect"), (1, "ect1"), (2, "ect0"), (3, "ce")],
            Datatype::FibAddr => &[
                (0, "unspec"),
                (1, "unicast"),
                (2, "local"),
                (3, "broadcast"),
                (4, "anycast"),
                (5, "multicast"),
                (6, "blackhole"),
                (7, "unreachable"),
                (8, "prohibit"),
            ],
            Datatype::IgmpType => &[
                (0x11, "membership-query"),
                (0x12, "membership-report-v1"),
                (0x16, "membership-report-v2"),
                (0x22, "membership-report-v3"),
                (0x17, "leave-group"),
            ],
            Datatype::TimeDay => &[
                (0, "Sunday"),
                (1, "Monday"),
                (2, "Tuesday"),
                (3, "Wednesday"),
                (4, "Thursday"),
                (5, "Friday"),
                (6, "Saturday"),
            ],
            Datatype::DccpPkttype => &[
                (0, "request"),
                (1, "response"),
                (2, "data"),
                (3, "ack"),
                (4, "dataack"),
                (5, "closereq"),
                (6, "close"),
                (7, "reset"),
                (8, "sync"),
                (9, "syncack"),
            ],
            Datatype::MhType => &[
                (0, "binding-refresh-request"),
                (1, "home-test-init"),
                (2, "careof-test-init"),
                (3, "home-test"),
                (4, "careof-test"),
                (5, "binding-update"),
                (6, "binding-acknowledgement"),
                (7, "binding-error"),
                (8, "fast-binding-update"),
                (9, "fast-binding-acknowledgement"),
                (10, "fast-binding-advertisement"),
                (11, "experimental-mobility-header"),
                (12, "home-agent-switch-message"),
            ],
            Datatype::Arphrd => &[
                (1, "ether"),
                (512, "ppp"),
                (768, "ipip"),
                (769, "ipip6"),
                (772, "loopback"),
                (776, "sit"),
                (778, "ipgre"),
            ],
            Datatype::Boolean => &[(0, "missing"), (1, "exists")],
            _ => &[],
        }
    }
}

/// A constant of the high-level language: its nft [`Datatype`] and its
/// value, normalised so that printing needs nothing else.
///
/// `data` holds the value **big-endian** (network order) on `bits` bits
/// for numbers and addresses, whatever the byte order the kernel compares
/// it in (the delinearizer turns host-order registers around, and shifts
/// sub-byte header fields down: `ip dscp cs1` is `Value { ty: Dscp, bits:
/// 6, data: [0x08] }`); for strings and interface names it holds the
/// bytes without the trailing NULs (and `bits` their register width).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Value {
    /// What the value means.
    pub ty: Datatype,
    /// Width in bits (of the field or register it was compared with).
    pub bits: u32,
    /// The value (see the type's doc for the layout).
    pub data: Vec<u8>,
}

/// One rendered form of a [`Value`] for the JSON output: nft prints
/// numbers as JSON numbers, symbols and addresses as strings, bitmask
/// values with several bits as a list of names, booleans as `true`/`false`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JsonValue {
    /// A JSON number.
    Number(u64),
    /// A JSON string.
    String(String),
    /// A JSON boolean.
    Bool(bool),
    /// A JSON list (bitmask values with several bits set).
    List(Vec<JsonValue>),
}

impl Value {
    /// A number of type `ty` on `bits` bits.
    pub fn number(ty: Datatype, bits: u32, v: u128) -> Self {
        let nbytes = bits.div_ceil(8).clamp(1, 16) as usize;
        let be = v.to_be_bytes();
        Value {
            ty,
            bits,
            data: be[16 - nbytes..].to_vec(),
        }
    }

    /// A string (interface name, helper name...).
    pub fn string(ty: Datatype, s: &str) -> Self {
        Value {
            ty,
            bits: bits_of(s.len()),
            data: s.as_bytes().to_vec(),
        }
    }

    /// The value as an unsigned number (the low 128 bits for longer values).
    pub fn as_u128(&self) -> u128 {
        self.data
            .iter()
            .fold(0u128, |acc, b| (acc << 8) | u128::from(*b))
    }

    /// The value as a `u64` if it fits.
    pub fn as_u64(&self) -> Option<u64> {
        u64::try_from(self.as_u128())
            .ok()
            .filter(|_| self.data.len() <= 16)
    }

    /// The string of a string-typed value (lossy for invalid UTF-8).
    pub fn as_str(&self) -> String {
        let end = self
            .data
            .iter()
            .position(|b| *b == 0)
            .unwrap_or(self.data.len());
        String::from_utf8_lossy(&self.data[..end]).into_owned()
    }

    fn symbol(&self) -> Option<&'static str> {
        let v = self.as_u64()?;
        self.ty
            .symbols()
            .iter()
            .find(|(n, _)| *n == v)
            .map(|(_, s)| *s)
    }

    /// Names of the set bits of a bitmask value, in symbol-table order,
    /// and the bits no symbol names.
    fn bit_names(&self) -> (Vec<&'static str>, u128) {
        let v = self.as_u128();
        let mut rest = v;
        let mut names = Vec::new();
        for (bit, name) in self.ty.symbols() {
            let b = u128::from(*bit);
            if b != 0 && v & b == b {
                names.push(*name);
                rest &= !b;
            }
        }
        (names, rest)
    }

    /// The value as nft 1.0.6 prints it in `nft list ruleset` (default
    /// flags: ports and protocols... as nft does: ports numeric, protocols
    /// by name, marks in hex `0x00000010`, ct states by name joined with
    /// `,`, ...). Bitmask values with several bits print `a | b` in a
    /// binary operation's operand and `a,b` on a match's right side: this
    /// function gives the `,` form; see [`Value::text_bitmask_or`].
    pub fn text(&self) -> String {
        self.render_text(",")
    }

    /// A bitmask value as nft prints it inside a binary operation
    /// (`tcp flags & (syn | ack)`): names joined with ` | `.
    pub fn text_bitmask_or(&self) -> String {
        self.render_text(" | ")
    }

    fn render_text(&self, join: &str) -> String {
        match self.ty {
            Datatype::Ipv4Addr if self.data.len() == 4 => {
                Ipv4Addr::new(self.data[0], self.data[1], self.data[2], self.data[3]).to_string()
            }
            Datatype::Ipv6Addr if self.data.len() == 16 => {
                let mut b = [0u8; 16];
                b.copy_from_slice(&self.data);
                let a = Ipv6Addr::from(b);
                let w = a.segments();
                if w[..6].iter().all(|x| *x == 0) && w[6] != 0 {
                    // inet_ntop's IPv4-compatible form.
                    format!("::{}.{}.{}.{}", b[12], b[13], b[14], b[15])
                } else {
                    a.to_string()
                }
            }
            Datatype::EtherAddr | Datatype::Lladdr => {
                let mut s = String::new();
                for (i, b) in self.data.iter().enumerate() {
                    if i > 0 {
                        s.push(':');
                    }
                    let _ = write!(s, "{b:02x}");
                }
                s
            }
            Datatype::String | Datatype::Ifname => format!("\"{}\"", self.as_str()),
            Datatype::Mark => format!("0x{:08x}", self.as_u128()),
            Datatype::Classid => classid_text(self.as_u128()),
            Datatype::Boolean => (if self.as_u128() != 0 {
                "exists"
            } else {
                "missing"
            })
            .into(),
            Datatype::Realm | Datatype::Devgroup => {
                let file = if self.ty == Datatype::Realm {
                    "/etc/iproute2/rt_realms"
                } else {
                    "/etc/iproute2/group"
                };
                iproute2_name(file, self.as_u128()).unwrap_or_else(|| self.as_u128().to_string())
            }
            Datatype::CtLabel if self.as_u128().count_ones() == 1 => {
                self.as_u128().trailing_zeros().to_string()
            }
            Datatype::InetProto => match protocol_name(self.as_u128()) {
                Some(n) => n,
                None => self.as_u128().to_string(),
            },
            Datatype::Time => duration_text(self.as_u128()),
            Datatype::TimeDate => date_text(self.as_u128() / 1_000_000_000),
            Datatype::TimeHour => {
                let v = self.as_u128();
                let (h, m, s) = (v / 3600, (v / 60) % 60, v % 60);
                if s == 0 {
                    format!("{h:02}:{m:02}")
                } else {
                    format!("{h:02}:{m:02}:{s:02}")
                }
            }
            t if t.is_bitmask() => {
                let v = self.as_u128();
                let (names, rest) = self.bit_names();
                if v == 0 || rest != 0 && names.is_empty() {
                    return format!("0x{v:x}");
                }
                let mut parts: Vec<String> = names.into_iter().map(String::from).collect();
                if rest != 0 {
                    parts.push(format!("0x{rest:x}"));
                }
                parts.join(join)
            }
            _ => match self.symbol() {
                Some(s) => s.into(),
                None if self.data.len() > 8 => {
                    // nft prints long integers in hex, without leading zeros.
                    let mut s = String::new();
                    for b in &self.data {
                        let _ = write!(s, "{b:02x}");
                    }
                    let t = s.trim_start_matches('0');
                    format!("0x{}", if t.is_empty() { "0" } else { t })
                }
                None => self.as_u128().to_string(),
            },
        }
    }

    /// The value as nft 1.0.6 prints it in `nft -j list ruleset`.
    pub fn json(&self) -> JsonValue {
        match self.ty {
            Datatype::Ipv4Addr
            | Datatype::Ipv6Addr
            | Datatype::EtherAddr
            | Datatype::Lladdr
            | Datatype::Classid
            | Datatype::InetProto
            | Datatype::TimeDate
            | Datatype::TimeHour => {
                let t = self.text();
                match t.parse::<u64>() {
                    Ok(n) if self.ty != Datatype::Classid => JsonValue::Number(n),
                    _ => JsonValue::String(t),
                }
            }
            Datatype::String | Datatype::Ifname => JsonValue::String(self.as_str()),
            // Realms and groups print by name, or their number as a string.
            Datatype::Realm => JsonValue::String(self.text()),
            Datatype::Devgroup => {
                let t = self.text();
                t.parse::<u64>()
                    .map_or(JsonValue::String(t), JsonValue::Number)
            }
            // ct labels print as the bit number (or its connlabel.conf name).
            Datatype::CtLabel => {
                let v = self.as_u128();
                if v.count_ones() == 1 {
                    JsonValue::Number(u64::from(v.trailing_zeros()))
                } else {
                    JsonValue::String(self.text())
                }
            }
            // An interface index nft could not name prints as a string.
            Datatype::Ifindex => JsonValue::String(self.as_u128().to_string()),
            Datatype::Time => JsonValue::Number(u64::try_from(self.as_u128() / 1000).unwrap_or(0)),
            Datatype::Boolean => JsonValue::Bool(self.as_u128() != 0),
            t if t.is_bitmask() => {
                let (names, rest) = self.bit_names();
                let mut parts: Vec<JsonValue> = names
                    .into_iter()
                    .map(|n| JsonValue::String(n.into()))
                    .collect();
                if rest != 0 || parts.is_empty() {
                    parts.push(self.as_u64().map_or_else(
                        || JsonValue::String(format!("0x{:x}", self.as_u128())),
                        |_| JsonValue::Number(u64::try_from(rest).unwrap_or(0)),
                    ));
                }
                if parts.len() == 1 {
                    parts.pop().unwrap_or(JsonValue::Number(0))
                } else {
                    JsonValue::List(parts)
                }
            }
            _ => match (self.symbol(), self.as_u64()) {
                (Some(s), _) => JsonValue::String(s.into()),
                (None, Some(n)) if self.data.len() <= 8 => JsonValue::Number(n),
                _ => JsonValue::String(self.text()),
            },
        }
    }
}

/// Seconds since the epoch as nft prints a date (`2020-01-01 00:00:00`, UTC).
pub(crate) fn date_text(secs: u128) -> String {
    let secs = i64::try_from(secs).unwrap_or(0);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}",
        rem / 3600,
        (rem / 60) % 60,
        rem % 60
    )
}

/// `major:minor` of a tc class id, as nft prints it (`root`, `none` for the
/// special handles).
fn classid_text(v: u128) -> String {
    let v = u32::try_from(v).unwrap_or(u32::MAX);
    match v {
        0xffff_ffff => "root".into(),
        0 => "none".into(),
        _ => format!("{:x}:{:x}", v >> 16, v & 0xffff),
    }
}

/// A duration in milliseconds as nft prints it: `1d2h3m4s5ms`, `0s`.
pub fn duration_text(ms: u128) -> String {
    if ms == 0 {
        return "0s".into();
    }
    let (d, rest) = (ms / 86_400_000, ms % 86_400_000);
    let (h, rest) = (rest / 3_600_000, rest % 3_600_000);
    let (m, rest) = (rest / 60_000, rest % 60_000);
    let (s, msec) = (rest / 1000, rest % 1000);
    let mut out = String::new();
    for (n, unit) in [(d, "d"), (h, "h"), (m, "m"), (s, "s"), (msec, "ms")] {
        if n > 0 {
            let _ = write!(out, "{n}{unit}");
        }
    }
    out
}

/// The name of `v` in an iproute2 table (`/etc/iproute2/rt_realms`,
/// `/etc/iproute2/group`: lines `NUMBER NAME`), as nft reads them.
pub fn iproute2_name(file: &str, v: u128) -> Option<String> {
    let text = std::fs::read_to_string(file).ok()?;
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or("");
        let mut w = line.split_whitespace();
        let (Some(num), Some(name)) = (w.next(), w.next()) else {
            continue;
        };
        let n = match num.strip_prefix("0x") {
            Some(h) => u128::from_str_radix(h, 16).ok(),
            None => num.parse::<u128>().ok(),
        };
        if n == Some(v) {
            return Some(name.to_owned());
        }
    }
    None
}

/// The name of IP protocol `p` as nft prints it: from `/etc/protocols`
/// (nft uses `getprotobynumber`), else `None`.
pub fn protocol_name(p: u128) -> Option<String> {
    use std::sync::OnceLock;
    static TABLE: OnceLock<Vec<(u8, String)>> = OnceLock::new();
    let p = u8::try_from(p).ok()?;
    TABLE
        .get_or_init(|| {
            let text = std::fs::read_to_string("/etc/protocols").unwrap_or_default();
            let mut out: Vec<(u8, String)> = Vec::new();
            for line in text.lines() {
                let line = line.split('#').next().unwrap_or("");
                let mut w = line.split_whitespace();
                let (Some(name), Some(num)) = (w.next(), w.next()) else {
                    continue;
                };
                if let Ok(n) = num.parse::<u8>() {
                    if !out.iter().any(|(x, _)| *x == n) {
                        out.push((n, name.to_owned()));
                    }
                }
            }
            if out.is_empty() {
                for (n, s) in [
                    (1u8, "icmp"),
                    (2, "igmp"),
                    (6, "tcp"),
                    (17, "udp"),
                    (33, "dccp"),
                    (41, "ipv6"),
                    (47, "gre"),
                    (50, "esp"),
                    (51, "ah"),
                    (58, "ipv6-icmp"),
                    (108, "comp"),
                    (132, "sctp"),
                    (136, "udplite"),
                ] {
                    out.push((n, s.to_owned()));
                }
            }
            out
        })
        .iter()
        .find(|(n, _)| *n == p)
        .map(|(_, s)| s.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_print_as_nft_prints_them() {
        let v = Value::number(Datatype::CtState, 32, 6);
        assert_eq!(v.text(), "established,related");
        assert_eq!(
            v.json(),
            JsonValue::List(vec![
                JsonValue::String("established".into()),
                JsonValue::String("related".into())
            ])
        );
        assert_eq!(Value::number(Datatype::Mark, 32, 16).text(), "0x00000010");
        assert_eq!(
            Value::number(Datatype::Mark, 32, 16).json(),
            JsonValue::Number(16)
        );
        assert_eq!(
            Value::number(Datatype::Ipv4Addr, 32, 0x0a00_0001).json(),
            JsonValue::String("10.0.0.1".into())
        );
        assert_eq!(Value::number(Datatype::InetService, 16, 22).text(), "22");
        assert_eq!(Value::number(Datatype::Dscp, 6, 8).text(), "cs1");
        assert_eq!(
            Value::number(Datatype::TcpFlag, 8, 0x12).text_bitmask_or(),
            "syn | ack"
        );
        assert_eq!(Value::string(Datatype::Ifname, "lo").text(), "\"lo\"");
        assert_eq!(duration_text(90_000), "1m30s");
        assert_eq!(
            Datatype::concat_ids(7 << 6 | 13),
            vec![Datatype::Ipv4Addr, Datatype::InetService]
        );
    }
}
