//! The ruleset's objects as typed values: tables, chains, rules, sets,
//! elements, stateful objects and the generation, decoded from the
//! kernel's `NFT_MSG_NEW*` messages and encoded back.
//!
//! Every attribute is an `Option`: present or not as the kernel sent it
//! (a dump) or as you want to send it (a request). Fields are in the order
//! the kernel dumps them, so decode -> encode reproduces the kernel's bytes;
//! attributes this crate does not know are kept in `extra`.

use nfnl::timeout::Timeouts;
use nfnl::{Attr, AttrIter, EncodeError, IpProto, NfMsg, ParseError, ProtoFamily};
use nfnl_sys as sys;

use crate::data::Data;
use crate::expr::{Counter, Expr, ExprList};
use crate::wire::{attr_struct, nest, nested_field, put, Field};

macro_rules! flags_field {
    ($(#[doc = $m:literal])* $name:ident { $( $(#[doc = $cm:literal])* $c:ident = $v:expr; )* }) => {
        bitflags::bitflags! {
            $(#[doc = $m])*
            #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
            pub struct $name: u32 {
                $( $(#[doc = $cm])* const $c = $v; )*
                // Unknown bits round-trip.
                const _ = !0;
            }
        }
        impl Field for $name {
            fn decode(a: &Attr<'_>) -> Result<Self, ParseError> {
                a.get_be32().map($name::from_bits_retain)
            }
            fn encode(&self, kind: u16, w: &mut Vec<u8>) -> Result<(), EncodeError> {
                put(w, kind, &self.bits().to_be_bytes())
            }
        }
    };
}

flags_field! {
    /// `enum nft_table_flags` (`NFTA_TABLE_FLAGS`).
    TableFlags {
        /// `NFT_TABLE_F_DORMANT`: the table's base chains are not registered.
        DORMANT = sys::NFT_TABLE_F_DORMANT;
        /// `NFT_TABLE_F_OWNER`: the table belongs to the netlink socket that
        /// created it and goes away when that socket closes.
        OWNER = sys::NFT_TABLE_F_OWNER;
        /// `NFT_TABLE_F_PERSIST`: an owned table that outlives its owner.
        PERSIST = sys::NFT_TABLE_F_PERSIST;
    }
}

flags_field! {
    /// `enum nft_chain_flags` (`NFTA_CHAIN_FLAGS`).
    ChainFlags {
        /// `NFT_CHAIN_BASE`: attached to a hook.
        BASE = sys::NFT_CHAIN_BASE;
        /// `NFT_CHAIN_HW_OFFLOAD`.
        HW_OFFLOAD = sys::NFT_CHAIN_HW_OFFLOAD;
        /// `NFT_CHAIN_BINDING`: an anonymous chain bound to a rule.
        BINDING = sys::NFT_CHAIN_BINDING;
    }
}

flags_field! {
    /// `enum nft_set_flags` (`NFTA_SET_FLAGS`).
    SetFlags {
        /// `NFT_SET_ANONYMOUS`.
        ANONYMOUS = sys::NFT_SET_ANONYMOUS;
        /// `NFT_SET_CONSTANT`.
        CONSTANT = sys::NFT_SET_CONSTANT;
        /// `NFT_SET_INTERVAL`.
        INTERVAL = sys::NFT_SET_INTERVAL;
        /// `NFT_SET_MAP`.
        MAP = sys::NFT_SET_MAP;
        /// `NFT_SET_TIMEOUT`.
        TIMEOUT = sys::NFT_SET_TIMEOUT;
        /// `NFT_SET_EVAL` (dynamic).
        EVAL = sys::NFT_SET_EVAL;
        /// `NFT_SET_OBJECT` (object map).
        OBJECT = sys::NFT_SET_OBJECT;
        /// `NFT_SET_CONCAT`.
        CONCAT = sys::NFT_SET_CONCAT;
        /// `NFT_SET_EXPR`.
        EXPR = sys::NFT_SET_EXPR;
    }
}

flags_field! {
    /// `enum nft_set_elem_flags` (`NFTA_SET_ELEM_FLAGS`).
    ElemFlags {
        /// `NFT_SET_ELEM_INTERVAL_END`.
        INTERVAL_END = sys::NFT_SET_ELEM_INTERVAL_END;
        /// `NFT_SET_ELEM_CATCHALL`.
        CATCHALL = sys::NFT_SET_ELEM_CATCHALL;
    }
}

/// Device names of a netdev/inet-ingress chain (`NFTA_HOOK_DEVS`: one
/// `NFTA_DEVICE_NAME` each).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Devices(pub Vec<String>);

impl Field for Devices {
    fn decode(a: &Attr<'_>) -> Result<Self, ParseError> {
        AttrIter::new(a.payload())
            .map(|d| d.and_then(|d| String::decode(&d)))
            .collect::<Result<_, _>>()
            .map(Devices)
    }
    fn encode(&self, kind: u16, w: &mut Vec<u8>) -> Result<(), EncodeError> {
        nest(w, kind, |w| {
            self.0
                .iter()
                .try_for_each(|d| d.encode(sys::NFTA_DEVICE_NAME, w))
        })
    }
}

attr_struct! {
    /// A base chain's hook (`NFTA_CHAIN_HOOK`: `NFTA_HOOK_*`).
    pub struct Hook {
        /// `NFTA_HOOK_HOOKNUM` (`NF_INET_*`, or `NF_NETDEV_*` for netdev).
        hooknum: u32 = sys::NFTA_HOOK_HOOKNUM,
        /// `NFTA_HOOK_PRIORITY`.
        priority: i32 = sys::NFTA_HOOK_PRIORITY,
        /// `NFTA_HOOK_DEVS`: several devices.
        devs: Devices = sys::NFTA_HOOK_DEVS,
        /// `NFTA_HOOK_DEV`: one device.
        dev: String = sys::NFTA_HOOK_DEV,
    }
}
nested_field!(Hook);

attr_struct! {
    /// A table (`NFT_MSG_NEWTABLE`, `NFTA_TABLE_*`).
    pub struct Table {
        family;
        /// `NFTA_TABLE_NAME`.
        name: String = sys::NFTA_TABLE_NAME,
        /// `NFTA_TABLE_USE`: number of chains (read-only).
        use_count: u32 = sys::NFTA_TABLE_USE,
        /// `NFTA_TABLE_HANDLE`.
        handle: u64 = sys::NFTA_TABLE_HANDLE,
        /// `NFTA_TABLE_FLAGS`.
        flags: TableFlags = sys::NFTA_TABLE_FLAGS,
        /// `NFTA_TABLE_OWNER`: port id of the owning socket (read-only).
        owner: u32 = sys::NFTA_TABLE_OWNER,
        /// `NFTA_TABLE_USERDATA` (nft keeps comments here).
        userdata: Vec<u8> = sys::NFTA_TABLE_USERDATA,
    }
}

attr_struct! {
    /// A chain (`NFT_MSG_NEWCHAIN`, `NFTA_CHAIN_*`): a base chain has a
    /// hook, a type and a policy; a regular chain has none.
    pub struct Chain {
        family;
        /// `NFTA_CHAIN_TABLE`.
        table: String = sys::NFTA_CHAIN_TABLE,
        /// `NFTA_CHAIN_NAME`.
        name: String = sys::NFTA_CHAIN_NAME,
        /// `NFTA_CHAIN_HANDLE`.
        handle: u64 = sys::NFTA_CHAIN_HANDLE,
        /// `NFTA_CHAIN_HOOK`.
        hook: Hook = sys::NFTA_CHAIN_HOOK,
        /// `NFTA_CHAIN_POLICY` (`NF_ACCEPT` or `NF_DROP`).
        policy: u32 = sys::NFTA_CHAIN_POLICY,
        /// `NFTA_CHAIN_TYPE` (`filter`, `nat`, `route`).
        kind: String = sys::NFTA_CHAIN_TYPE,
        /// `NFTA_CHAIN_COUNTERS`.
        counters: Counter = sys::NFTA_CHAIN_COUNTERS,
        /// `NFTA_CHAIN_FLAGS`.
        flags: ChainFlags = sys::NFTA_CHAIN_FLAGS,
        /// `NFTA_CHAIN_USE`: number of references (read-only).
        use_count: u32 = sys::NFTA_CHAIN_USE,
        /// `NFTA_CHAIN_ID`: names the chain within a transaction.
        id: u32 = sys::NFTA_CHAIN_ID,
        /// `NFTA_CHAIN_USERDATA`.
        userdata: Vec<u8> = sys::NFTA_CHAIN_USERDATA,
    }
}

attr_struct! {
    /// A rule (`NFT_MSG_NEWRULE`, `NFTA_RULE_*`).
    pub struct Rule {
        family;
        /// `NFTA_RULE_TABLE`.
        table: String = sys::NFTA_RULE_TABLE,
        /// `NFTA_RULE_CHAIN`.
        chain: String = sys::NFTA_RULE_CHAIN,
        /// `NFTA_RULE_HANDLE`.
        handle: u64 = sys::NFTA_RULE_HANDLE,
        /// `NFTA_RULE_POSITION`: in a dump, the handle of the previous
        /// rule; in a request, where to add or insert.
        position: u64 = sys::NFTA_RULE_POSITION,
        /// `NFTA_RULE_EXPRESSIONS`.
        exprs: ExprList = sys::NFTA_RULE_EXPRESSIONS,
        /// `NFTA_RULE_COMPAT` (x_tables protocol and flags; requests only).
        compat: Vec<u8> = sys::NFTA_RULE_COMPAT,
        /// `NFTA_RULE_USERDATA` (nft keeps comments here).
        userdata: Vec<u8> = sys::NFTA_RULE_USERDATA,
        /// `NFTA_RULE_ID`: names the rule within a transaction.
        id: u32 = sys::NFTA_RULE_ID,
        /// `NFTA_RULE_POSITION_ID`.
        position_id: u32 = sys::NFTA_RULE_POSITION_ID,
        /// `NFTA_RULE_CHAIN_ID`: a chain created in the same transaction.
        chain_id: u32 = sys::NFTA_RULE_CHAIN_ID,
    }
}

/// The field lengths of a concatenated key (`NFTA_SET_DESC_CONCAT`: one
/// `NFTA_LIST_ELEM` holding `NFTA_SET_FIELD_LEN` per field).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Concat(pub Vec<u32>);

impl Field for Concat {
    fn decode(a: &Attr<'_>) -> Result<Self, ParseError> {
        let mut out = Vec::new();
        for e in AttrIter::new(a.payload()) {
            let e = e?;
            let t = nfnl::AttrTable::<'_, 2>::from_bytes(e.payload())?;
            out.push(
                t.require(sys::NFTA_SET_FIELD_LEN, "NFTA_SET_DESC_CONCAT")?
                    .get_be32()?,
            );
        }
        Ok(Concat(out))
    }
    fn encode(&self, kind: u16, w: &mut Vec<u8>) -> Result<(), EncodeError> {
        nest(w, kind, |w| {
            self.0.iter().try_for_each(|len| {
                nest(w, sys::NFTA_LIST_ELEM, |w| {
                    put(w, sys::NFTA_SET_FIELD_LEN, &len.to_be_bytes())
                })
            })
        })
    }
}

attr_struct! {
    /// A set's description (`NFTA_SET_DESC`).
    pub struct SetDesc {
        /// `NFTA_SET_DESC_SIZE`: maximum number of elements.
        size: u32 = sys::NFTA_SET_DESC_SIZE,
        /// `NFTA_SET_DESC_CONCAT`.
        concat: Concat = sys::NFTA_SET_DESC_CONCAT,
    }
}
nested_field!(SetDesc);

attr_struct! {
    /// A set or map (`NFT_MSG_NEWSET`, `NFTA_SET_*`).
    pub struct Set {
        family;
        /// `NFTA_SET_TABLE`.
        table: String = sys::NFTA_SET_TABLE,
        /// `NFTA_SET_NAME`.
        name: String = sys::NFTA_SET_NAME,
        /// `NFTA_SET_HANDLE`.
        handle: u64 = sys::NFTA_SET_HANDLE,
        /// `NFTA_SET_FLAGS`.
        flags: SetFlags = sys::NFTA_SET_FLAGS,
        /// `NFTA_SET_KEY_TYPE` (nft's data type id, opaque to the kernel).
        key_type: u32 = sys::NFTA_SET_KEY_TYPE,
        /// `NFTA_SET_KEY_LEN` (bytes).
        key_len: u32 = sys::NFTA_SET_KEY_LEN,
        /// `NFTA_SET_DATA_TYPE` (maps; `NFT_DATA_VERDICT` for verdict maps).
        data_type: u32 = sys::NFTA_SET_DATA_TYPE,
        /// `NFTA_SET_DATA_LEN`.
        data_len: u32 = sys::NFTA_SET_DATA_LEN,
        /// `NFTA_SET_OBJ_TYPE` (object maps).
        obj_type: u32 = sys::NFTA_SET_OBJ_TYPE,
        /// `NFTA_SET_TIMEOUT` (ms).
        timeout: u64 = sys::NFTA_SET_TIMEOUT,
        /// `NFTA_SET_GC_INTERVAL` (ms).
        gc_interval: u32 = sys::NFTA_SET_GC_INTERVAL,
        /// `NFTA_SET_POLICY` (`NFT_SET_POL_*`).
        policy: u32 = sys::NFTA_SET_POLICY,
        /// `NFTA_SET_USERDATA`.
        userdata: Vec<u8> = sys::NFTA_SET_USERDATA,
        /// `NFTA_SET_DESC`.
        desc: SetDesc = sys::NFTA_SET_DESC,
        /// `NFTA_SET_ID`: names the set within a transaction.
        id: u32 = sys::NFTA_SET_ID,
        /// `NFTA_SET_TYPE`: what the kernel reports of its backend (6.16+, read-only).
        backend: String = sys::NFTA_SET_TYPE,
        /// `NFTA_SET_COUNT`: number of elements (6.16+, read-only).
        count: u32 = sys::NFTA_SET_COUNT,
        /// `NFTA_SET_EXPR`: one expression per element.
        expr: Box<Expr> = sys::NFTA_SET_EXPR,
        /// `NFTA_SET_EXPRESSIONS`: several.
        exprs: ExprList = sys::NFTA_SET_EXPRESSIONS,
    }
}

attr_struct! {
    /// One set element (`NFTA_LIST_ELEM` of `NFTA_SET_ELEM_LIST_ELEMENTS`).
    pub struct Element {
        /// `NFTA_SET_ELEM_KEY`.
        key: Data = sys::NFTA_SET_ELEM_KEY,
        /// `NFTA_SET_ELEM_KEY_END` (interval end, concatenated ranges).
        key_end: Data = sys::NFTA_SET_ELEM_KEY_END,
        /// `NFTA_SET_ELEM_DATA` (maps: value or verdict).
        data: Data = sys::NFTA_SET_ELEM_DATA,
        /// `NFTA_SET_ELEM_EXPR`.
        expr: Box<Expr> = sys::NFTA_SET_ELEM_EXPR,
        /// `NFTA_SET_ELEM_EXPRESSIONS`.
        exprs: ExprList = sys::NFTA_SET_ELEM_EXPRESSIONS,
        /// `NFTA_SET_ELEM_OBJREF` (object maps).
        objref: String = sys::NFTA_SET_ELEM_OBJREF,
        /// `NFTA_SET_ELEM_FLAGS`.
        flags: ElemFlags = sys::NFTA_SET_ELEM_FLAGS,
        /// `NFTA_SET_ELEM_TIMEOUT` (ms).
        timeout: u64 = sys::NFTA_SET_ELEM_TIMEOUT,
        /// `NFTA_SET_ELEM_EXPIRATION` (ms left).
        expiration: u64 = sys::NFTA_SET_ELEM_EXPIRATION,
        /// `NFTA_SET_ELEM_USERDATA`.
        userdata: Vec<u8> = sys::NFTA_SET_ELEM_USERDATA,
    }
}

/// Elements of a set (`NFTA_SET_ELEM_LIST_ELEMENTS`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Elements(pub Vec<Element>);

impl Field for Elements {
    fn decode(a: &Attr<'_>) -> Result<Self, ParseError> {
        AttrIter::new(a.payload())
            .map(|e| e.and_then(|e| Element::decode_area(e.payload())))
            .collect::<Result<_, _>>()
            .map(Elements)
    }
    fn encode(&self, kind: u16, w: &mut Vec<u8>) -> Result<(), EncodeError> {
        nest(w, kind, |w| {
            self.0
                .iter()
                .try_for_each(|e| nest(w, sys::NFTA_LIST_ELEM, |w| e.encode_area(w)))
        })
    }
}

attr_struct! {
    /// Elements of one set (`NFT_MSG_NEWSETELEM`, `NFTA_SET_ELEM_LIST_*`).
    pub struct SetElems {
        family;
        /// `NFTA_SET_ELEM_LIST_TABLE`.
        table: String = sys::NFTA_SET_ELEM_LIST_TABLE,
        /// `NFTA_SET_ELEM_LIST_SET`.
        set: String = sys::NFTA_SET_ELEM_LIST_SET,
        /// `NFTA_SET_ELEM_LIST_ELEMENTS`.
        elements: Elements = sys::NFTA_SET_ELEM_LIST_ELEMENTS,
        /// `NFTA_SET_ELEM_LIST_SET_ID`: a set created in the same transaction.
        set_id: u32 = sys::NFTA_SET_ELEM_LIST_SET_ID,
    }
}

attr_struct! {
    /// A stateful object (`NFT_MSG_NEWOBJ`, `NFTA_OBJ_*`); its data is typed
    /// by [`Obj::data`].
    pub struct Obj {
        family;
        /// `NFTA_OBJ_TABLE`.
        table: String = sys::NFTA_OBJ_TABLE,
        /// `NFTA_OBJ_NAME`.
        name: String = sys::NFTA_OBJ_NAME,
        /// `NFTA_OBJ_TYPE` (`NFT_OBJECT_*`).
        kind: u32 = sys::NFTA_OBJ_TYPE,
        /// `NFTA_OBJ_HANDLE`.
        handle: u64 = sys::NFTA_OBJ_HANDLE,
        /// `NFTA_OBJ_USE` (read-only).
        use_count: u32 = sys::NFTA_OBJ_USE,
        /// `NFTA_OBJ_DATA`: the type's attributes, as received (see [`Obj::data`]).
        raw_data: Vec<u8> = sys::NFTA_OBJ_DATA,
        /// `NFTA_OBJ_USERDATA`.
        userdata: Vec<u8> = sys::NFTA_OBJ_USERDATA,
    }
}

attr_struct! {
    /// The data of a ct helper object (`NFTA_CT_HELPER_*`).
    pub struct CtHelper {
        /// `NFTA_CT_HELPER_NAME` (`ftp`, `sip`...).
        name: String = sys::NFTA_CT_HELPER_NAME,
        /// `NFTA_CT_HELPER_L4PROTO` (`IPPROTO_*`).
        l4proto: u8 = sys::NFTA_CT_HELPER_L4PROTO,
        /// `NFTA_CT_HELPER_L3PROTO` (`NFPROTO_*`; 0: both of inet).
        l3proto: u16 = sys::NFTA_CT_HELPER_L3PROTO,
    }
}

/// The data of a ct timeout object (`NFT_OBJECT_CT_TIMEOUT`,
/// `NFTA_CT_TIMEOUT_*`): a conntrack timeout policy that `ct timeout set`
/// attaches to new flows, the same per-protocol states as a
/// `nfnetlink_cttimeout` policy ([`Timeouts`], from [`nfnl::timeout`]).
///
/// The kernel dumps `NFTA_CT_TIMEOUT_L4PROTO`, `L3PROTO`, then `DATA` (the
/// protocol's `CTA_TIMEOUT_<PROTO>_*` nest, every state in attribute
/// order). Unlike the other nf_tables nests, `DATA` carries
/// `NLA_F_NESTED` (`nla_nest_start` in `nft_ct_timeout_obj_dump`):
/// [`CtTimeout::data_nested_flag`] keeps it as received, and is set by
/// default, so that a built object and a dumped one are byte-identical.
///
/// ```
/// use nfnl_tables::{CtTimeout, ObjData};
/// use nfnl_tables::timeout::{ReplyTimeouts, Timeouts};
/// // nft add ct timeout inet t dns { protocol udp; policy = { unreplied: 5, replied: 10 } }
/// let dns = ObjData::CtTimeout(CtTimeout::new(
///     nfnl_tables::ProtoFamily::Ipv4,
///     Timeouts::Udp(ReplyTimeouts { unreplied: Some(5), replied: Some(10) }),
/// ));
/// # let _ = dns;
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CtTimeout {
    /// `NFTA_CT_TIMEOUT_L3PROTO` (`NFPROTO_IPV4`, `NFPROTO_IPV6`; the
    /// kernel takes the table's family when absent, and 0 as "both" in an
    /// inet table).
    pub l3proto: Option<u16>,
    /// `NFTA_CT_TIMEOUT_L4PROTO` (the variant's protocol) and
    /// `NFTA_CT_TIMEOUT_DATA` (its states in seconds): both are sent
    /// together, the kernel needs both.
    pub timeouts: Option<Timeouts>,
    /// Whether the `NFTA_CT_TIMEOUT_DATA` header carries `NLA_F_NESTED`
    /// (the kernel's dump sets it; `true` by default).
    pub data_nested_flag: bool,
    /// Attributes this crate does not know (a newer kernel's), kept as
    /// received and re-encoded after the known ones.
    pub extra: Vec<crate::wire::RawAttr>,
}

impl Default for CtTimeout {
    fn default() -> Self {
        CtTimeout {
            l3proto: None,
            timeouts: None,
            data_nested_flag: true,
            extra: Vec::new(),
        }
    }
}

impl CtTimeout {
    /// A ct timeout policy for layer-3 protocol `family` with `timeouts`
    /// (states left `None` get the namespace's defaults of that moment).
    pub fn new(family: ProtoFamily, timeouts: Timeouts) -> Self {
        CtTimeout {
            l3proto: Some(u16::from(u8::from(family))),
            timeouts: Some(timeouts),
            ..Default::default()
        }
    }

    /// Decodes the attribute area (`NFTA_OBJ_DATA`'s payload). A repeated
    /// attribute, or a protocol without data or data without protocol, is
    /// kept in `extra` ([`Obj::data`]'s byte check then keeps the whole
    /// data raw if it would not re-encode the same).
    pub(crate) fn decode_area(area: &[u8]) -> Result<Self, ParseError> {
        let mut out = CtTimeout {
            data_nested_flag: false,
            ..Default::default()
        };
        let mut l4 = None;
        let mut data = None;
        for a in AttrIter::new(area) {
            let a = a?;
            match a.kind() {
                sys::NFTA_CT_TIMEOUT_L4PROTO if l4.is_none() => l4 = Some(a),
                sys::NFTA_CT_TIMEOUT_L3PROTO if out.l3proto.is_none() => {
                    out.l3proto = Some(a.get_be16()?);
                }
                sys::NFTA_CT_TIMEOUT_DATA if data.is_none() => data = Some(a),
                _ => out.extra.push(crate::wire::RawAttr::from_attr(&a)),
            }
        }
        match (l4, data) {
            (Some(p), Some(d)) => {
                out.data_nested_flag = d.flags().contains(nfnl::AttrFlags::NESTED);
                out.timeouts = Some(Timeouts::decode(IpProto(p.get_u8()?), d.nested())?);
            }
            // One without the other cannot be typed: kept as received.
            (p, d) => out.extra.extend(
                p.iter()
                    .chain(d.iter())
                    .map(crate::wire::RawAttr::from_attr),
            ),
        }
        Ok(out)
    }

    /// Appends the attributes in the kernel's order: L4PROTO, L3PROTO, DATA.
    pub(crate) fn encode_area(&self, w: &mut Vec<u8>) -> Result<(), EncodeError> {
        if let Some(t) = &self.timeouts {
            t.proto().0.encode(sys::NFTA_CT_TIMEOUT_L4PROTO, w)?;
        }
        if let Some(l3) = self.l3proto {
            l3.encode(sys::NFTA_CT_TIMEOUT_L3PROTO, w)?;
        }
        if let Some(t) = &self.timeouts {
            let flag = if self.data_nested_flag {
                sys::NLA_F_NESTED
            } else {
                0
            };
            nest(w, sys::NFTA_CT_TIMEOUT_DATA | flag, |w| {
                t.attrs().try_for_each(|(attr, secs)| secs.encode(attr, w))
            })?;
        }
        for x in &self.extra {
            put(w, x.kind, &x.payload)?;
        }
        Ok(())
    }
}

attr_struct! {
    /// The data of a ct expectation object (`NFTA_CT_EXPECT_*`).
    pub struct CtExpect {
        /// `NFTA_CT_EXPECT_L3PROTO`.
        l3proto: u16 = sys::NFTA_CT_EXPECT_L3PROTO,
        /// `NFTA_CT_EXPECT_L4PROTO`.
        l4proto: u8 = sys::NFTA_CT_EXPECT_L4PROTO,
        /// `NFTA_CT_EXPECT_DPORT`.
        dport: u16 = sys::NFTA_CT_EXPECT_DPORT,
        /// `NFTA_CT_EXPECT_TIMEOUT` (ms).
        timeout: u32 = sys::NFTA_CT_EXPECT_TIMEOUT,
        /// `NFTA_CT_EXPECT_SIZE`.
        size: u8 = sys::NFTA_CT_EXPECT_SIZE,
    }
}

attr_struct! {
    /// The data of a secmark object (`NFTA_SECMARK_*`).
    pub struct Secmark {
        /// `NFTA_SECMARK_CTX`: the security context.
        ctx: String = sys::NFTA_SECMARK_CTX,
    }
}

/// The data of a stateful object, by its type.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ObjData {
    /// `NFT_OBJECT_COUNTER`.
    Counter(Counter),
    /// `NFT_OBJECT_QUOTA`.
    Quota(crate::expr::Quota),
    /// `NFT_OBJECT_LIMIT`.
    Limit(crate::expr::Limit),
    /// `NFT_OBJECT_CONNLIMIT`.
    Connlimit(crate::expr::Connlimit),
    /// `NFT_OBJECT_CT_HELPER`.
    CtHelper(CtHelper),
    /// `NFT_OBJECT_CT_TIMEOUT`.
    CtTimeout(CtTimeout),
    /// `NFT_OBJECT_CT_EXPECT`.
    CtExpect(CtExpect),
    /// `NFT_OBJECT_SECMARK`.
    Secmark(Secmark),
    /// `NFT_OBJECT_SYNPROXY`.
    Synproxy(crate::expr::Synproxy),
    /// `NFT_OBJECT_TUNNEL`.
    Tunnel(crate::tunnel::TunnelKey),
    /// Another type (a newer kernel's), or data this crate could not
    /// reproduce byte for byte: the `NFTA_OBJ_DATA` payload.
    Raw(Vec<u8>),
}

impl ObjData {
    /// The `NFT_OBJECT_*` type of a typed value (`None` for [`ObjData::Raw`]).
    pub fn object_type(&self) -> Option<u32> {
        match self {
            ObjData::Counter(_) => Some(sys::NFT_OBJECT_COUNTER),
            ObjData::Quota(_) => Some(sys::NFT_OBJECT_QUOTA),
            ObjData::Limit(_) => Some(sys::NFT_OBJECT_LIMIT),
            ObjData::Connlimit(_) => Some(sys::NFT_OBJECT_CONNLIMIT),
            ObjData::CtHelper(_) => Some(sys::NFT_OBJECT_CT_HELPER),
            ObjData::CtTimeout(_) => Some(sys::NFT_OBJECT_CT_TIMEOUT),
            ObjData::CtExpect(_) => Some(sys::NFT_OBJECT_CT_EXPECT),
            ObjData::Secmark(_) => Some(sys::NFT_OBJECT_SECMARK),
            ObjData::Synproxy(_) => Some(sys::NFT_OBJECT_SYNPROXY),
            ObjData::Tunnel(_) => Some(sys::NFT_OBJECT_TUNNEL),
            ObjData::Raw(_) => None,
        }
    }
}

impl Obj {
    /// The typed data (`NFTA_OBJ_DATA` read by `NFTA_OBJ_TYPE`); `None`
    /// without data. A type this crate does not type, or data it could not
    /// reproduce byte for byte, is [`ObjData::Raw`].
    ///
    /// # Errors
    /// [`ParseError`] for malformed attributes.
    pub fn data(&self) -> Result<Option<ObjData>, ParseError> {
        let Some(raw) = &self.raw_data else {
            return Ok(None);
        };
        let typed = match self.kind {
            Some(sys::NFT_OBJECT_COUNTER) => ObjData::Counter(Counter::decode_area(raw)?),
            Some(sys::NFT_OBJECT_QUOTA) => ObjData::Quota(crate::expr::Quota::decode_area(raw)?),
            Some(sys::NFT_OBJECT_LIMIT) => ObjData::Limit(crate::expr::Limit::decode_area(raw)?),
            Some(sys::NFT_OBJECT_CONNLIMIT) => {
                ObjData::Connlimit(crate::expr::Connlimit::decode_area(raw)?)
            }
            Some(sys::NFT_OBJECT_CT_HELPER) => ObjData::CtHelper(CtHelper::decode_area(raw)?),
            Some(sys::NFT_OBJECT_CT_TIMEOUT) => ObjData::CtTimeout(CtTimeout::decode_area(raw)?),
            Some(sys::NFT_OBJECT_CT_EXPECT) => ObjData::CtExpect(CtExpect::decode_area(raw)?),
            Some(sys::NFT_OBJECT_SECMARK) => ObjData::Secmark(Secmark::decode_area(raw)?),
            Some(sys::NFT_OBJECT_SYNPROXY) => {
                ObjData::Synproxy(crate::expr::Synproxy::decode_area(raw)?)
            }
            Some(sys::NFT_OBJECT_TUNNEL) => {
                ObjData::Tunnel(crate::tunnel::TunnelKey::decode_area(raw)?)
            }
            _ => return Ok(Some(ObjData::Raw(raw.clone()))),
        };
        let mut w = Vec::with_capacity(raw.len());
        Ok(Some(match typed.encode_area(&mut w) {
            Ok(()) if &w == raw => typed,
            _ => ObjData::Raw(raw.clone()),
        }))
    }

    /// Sets `NFTA_OBJ_DATA` (and `NFTA_OBJ_TYPE` for a typed value).
    ///
    /// # Errors
    /// [`EncodeError`] if the data does not fit an attribute.
    pub fn set_data(&mut self, data: &ObjData) -> Result<(), EncodeError> {
        let mut w = Vec::new();
        data.encode_area(&mut w)?;
        if let Some(t) = data.object_type() {
            self.kind = Some(t);
        }
        self.raw_data = Some(w);
        Ok(())
    }
}

impl ObjData {
    fn encode_area(&self, w: &mut Vec<u8>) -> Result<(), EncodeError> {
        match self {
            ObjData::Counter(c) => c.encode_area(w),
            ObjData::Quota(q) => q.encode_area(w),
            ObjData::Limit(l) => l.encode_area(w),
            ObjData::Connlimit(c) => c.encode_area(w),
            ObjData::CtHelper(x) => x.encode_area(w),
            ObjData::CtTimeout(x) => x.encode_area(w),
            ObjData::CtExpect(x) => x.encode_area(w),
            ObjData::Secmark(x) => x.encode_area(w),
            ObjData::Synproxy(x) => x.encode_area(w),
            ObjData::Tunnel(x) => x.encode_area(w),
            ObjData::Raw(r) => {
                w.extend_from_slice(r);
                Ok(())
            }
        }
    }
}

attr_struct! {
    /// A flowtable's hook (`NFTA_FLOWTABLE_HOOK`: `NFTA_FLOWTABLE_HOOK_*`).
    pub struct FlowtableHook {
        /// `NFTA_FLOWTABLE_HOOK_NUM` (`NF_NETDEV_INGRESS`).
        num: u32 = sys::NFTA_FLOWTABLE_HOOK_NUM,
        /// `NFTA_FLOWTABLE_HOOK_PRIORITY`.
        priority: i32 = sys::NFTA_FLOWTABLE_HOOK_PRIORITY,
        /// `NFTA_FLOWTABLE_HOOK_DEVS`.
        devs: Devices = sys::NFTA_FLOWTABLE_HOOK_DEVS,
    }
}
nested_field!(FlowtableHook);

attr_struct! {
    /// A flowtable (`NFT_MSG_NEWFLOWTABLE`, `NFTA_FLOWTABLE_*`): the fast
    /// path `flow add @NAME` offloads established flows to. Needs
    /// `CONFIG_NF_FLOW_TABLE`; the field order is the kernel's
    /// (`nf_tables_fill_flowtable_info`).
    pub struct Flowtable {
        family;
        /// `NFTA_FLOWTABLE_TABLE`.
        table: String = sys::NFTA_FLOWTABLE_TABLE,
        /// `NFTA_FLOWTABLE_NAME`.
        name: String = sys::NFTA_FLOWTABLE_NAME,
        /// `NFTA_FLOWTABLE_HANDLE`.
        handle: u64 = sys::NFTA_FLOWTABLE_HANDLE,
        /// `NFTA_FLOWTABLE_USE` (read-only).
        use_count: u32 = sys::NFTA_FLOWTABLE_USE,
        /// `NFTA_FLOWTABLE_FLAGS` (`NFT_FLOWTABLE_HW_OFFLOAD`, `NFT_FLOWTABLE_COUNTER`).
        flags: u32 = sys::NFTA_FLOWTABLE_FLAGS,
        /// `NFTA_FLOWTABLE_HOOK`.
        hook: FlowtableHook = sys::NFTA_FLOWTABLE_HOOK,
    }
}

impl Flowtable {
    /// A flowtable of `table` on the ingress hook of `devices` with `priority`.
    pub fn new(
        family: ProtoFamily,
        table: &str,
        name: &str,
        priority: i32,
        devices: &[&str],
    ) -> Self {
        Flowtable {
            family,
            table: Some(table.into()),
            name: Some(name.into()),
            hook: Some(FlowtableHook {
                num: Some(0), // NF_NETDEV_INGRESS
                priority: Some(priority),
                devs: Some(Devices(devices.iter().map(|d| (*d).to_owned()).collect())),
                ..Default::default()
            }),
            ..Default::default()
        }
    }
}

attr_struct! {
    /// The ruleset generation (`NFT_MSG_NEWGEN`, `NFTA_GEN_*`): the answer
    /// to `NFT_MSG_GETGEN` and the event that ends each committed transaction.
    pub struct Gen {
        /// `NFTA_GEN_ID`.
        id: u32 = sys::NFTA_GEN_ID,
        /// `NFTA_GEN_PROC_PID`: the process that committed it (events).
        proc_pid: u32 = sys::NFTA_GEN_PROC_PID,
        /// `NFTA_GEN_PROC_NAME`.
        proc_name: String = sys::NFTA_GEN_PROC_NAME,
    }
}

/// One decoded nf_tables message.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Object {
    /// `NFT_MSG_NEWTABLE`.
    Table(Table),
    /// `NFT_MSG_NEWCHAIN`.
    Chain(Chain),
    /// `NFT_MSG_NEWRULE`.
    Rule(Rule),
    /// `NFT_MSG_NEWSET`.
    Set(Set),
    /// `NFT_MSG_NEWSETELEM`.
    Elements(SetElems),
    /// `NFT_MSG_NEWOBJ`.
    Obj(Obj),
    /// `NFT_MSG_NEWFLOWTABLE`.
    Flowtable(Flowtable),
    /// `NFT_MSG_NEWGEN`.
    Gen(Gen),
}

macro_rules! object_impl {
    ($($ty:ident = $msg:path),* $(,)?) => {
        $(
        impl $ty {
            /// Decodes the kernel's message (its `nfgen_family` and attributes).
            ///
            /// # Errors
            /// [`ParseError`] for malformed attributes.
            pub fn decode(msg: &NfMsg<'_>) -> Result<Self, ParseError> {
                let mut v = Self::decode_area(msg.attr_bytes())?;
                v.family = msg.family();
                Ok(v)
            }

            /// Appends the attributes as the kernel writes them (the body of
            #[doc = concat!("`", stringify!($msg), "` after `nfgenmsg`).")]
            ///
            /// # Errors
            /// [`EncodeError`] for a string with a NUL or an attribute over 64 KiB.
            pub fn encode(&self, w: &mut Vec<u8>) -> Result<(), EncodeError> {
                self.encode_area(w)
            }

            /// The message type that carries it (`NFT_MSG_NEW*`).
            pub const MSG_NEW: u8 = $msg;
        }
        )*
    };
}

object_impl!(
    Table = sys::NFT_MSG_NEWTABLE,
    Chain = sys::NFT_MSG_NEWCHAIN,
    Rule = sys::NFT_MSG_NEWRULE,
    Set = sys::NFT_MSG_NEWSET,
    SetElems = sys::NFT_MSG_NEWSETELEM,
    Obj = sys::NFT_MSG_NEWOBJ,
    Flowtable = sys::NFT_MSG_NEWFLOWTABLE,
);

impl Gen {
    /// Decodes an `NFT_MSG_NEWGEN` message.
    ///
    /// # Errors
    /// [`ParseError`] for malformed attributes.
    pub fn decode(msg: &NfMsg<'_>) -> Result<Self, ParseError> {
        Self::decode_area(msg.attr_bytes())
    }
}

impl Object {
    /// Decodes an nf_tables message by its type; `Ok(None)` for a type
    /// that is not one of these objects (a delete event, a trace).
    ///
    /// # Errors
    /// [`ParseError`] for malformed attributes.
    pub fn decode(msg: &NfMsg<'_>) -> Result<Option<Self>, ParseError> {
        if msg.subsystem() != sys::NFNL_SUBSYS_NFTABLES {
            return Ok(None);
        }
        Ok(Some(match msg.msg_type() {
            sys::NFT_MSG_NEWTABLE => Object::Table(Table::decode(msg)?),
            sys::NFT_MSG_NEWCHAIN => Object::Chain(Chain::decode(msg)?),
            sys::NFT_MSG_NEWRULE => Object::Rule(Rule::decode(msg)?),
            sys::NFT_MSG_NEWSET => Object::Set(Set::decode(msg)?),
            sys::NFT_MSG_NEWSETELEM => Object::Elements(SetElems::decode(msg)?),
            sys::NFT_MSG_NEWOBJ => Object::Obj(Obj::decode(msg)?),
            sys::NFT_MSG_NEWFLOWTABLE => Object::Flowtable(Flowtable::decode(msg)?),
            sys::NFT_MSG_NEWGEN => Object::Gen(Gen::decode(msg)?),
            _ => return Ok(None),
        }))
    }

    /// Appends the object's attributes (see each type's `encode`).
    ///
    /// # Errors
    /// [`EncodeError`].
    pub fn encode(&self, w: &mut Vec<u8>) -> Result<(), EncodeError> {
        match self {
            Object::Table(x) => x.encode(w),
            Object::Chain(x) => x.encode(w),
            Object::Rule(x) => x.encode(w),
            Object::Set(x) => x.encode(w),
            Object::Elements(x) => x.encode(w),
            Object::Obj(x) => x.encode(w),
            Object::Flowtable(x) => x.encode(w),
            Object::Gen(x) => x.encode_area(w),
        }
    }

    /// The table family of the message.
    pub fn family(&self) -> ProtoFamily {
        match self {
            Object::Table(x) => x.family,
            Object::Chain(x) => x.family,
            Object::Rule(x) => x.family,
            Object::Set(x) => x.family,
            Object::Elements(x) => x.family,
            Object::Obj(x) => x.family,
            Object::Flowtable(x) => x.family,
            Object::Gen(_) => ProtoFamily::Unspec,
        }
    }
}

impl Table {
    /// A table to add: `family` and `name`, nothing else.
    pub fn new(family: ProtoFamily, name: &str) -> Self {
        Table {
            family,
            name: Some(name.into()),
            ..Default::default()
        }
    }
}

impl Chain {
    /// A regular chain (no hook: reached by jump or goto).
    pub fn new(family: ProtoFamily, table: &str, name: &str) -> Self {
        Chain {
            family,
            table: Some(table.into()),
            name: Some(name.into()),
            ..Default::default()
        }
    }

    /// A base chain: attached to hook `hooknum` (`NF_INET_*`, or
    /// `NF_NETDEV_*` with [`Hook::dev`]) with `priority`, of type `kind`
    /// (`filter`, `nat`, `route`), policy accept.
    pub fn base(
        family: ProtoFamily,
        table: &str,
        name: &str,
        kind: &str,
        hooknum: u32,
        priority: i32,
    ) -> Self {
        Chain {
            hook: Some(Hook {
                hooknum: Some(hooknum),
                priority: Some(priority),
                ..Default::default()
            }),
            kind: Some(kind.into()),
            policy: Some(sys::NF_ACCEPT),
            ..Chain::new(family, table, name)
        }
    }
}

impl Rule {
    /// A rule to add to `chain` of `table`, with `exprs`.
    pub fn new(family: ProtoFamily, table: &str, chain: &str, exprs: Vec<Expr>) -> Self {
        Rule {
            family,
            table: Some(table.into()),
            chain: Some(chain.into()),
            exprs: Some(ExprList(exprs)),
            ..Default::default()
        }
    }
}

impl Set {
    /// A set of `table` with keys of `key_len` bytes; `key_type` is nft's
    /// data type id (opaque to the kernel; `nft` prints keys by it: 7 is
    /// `ipv4_addr`, 8 `ipv6_addr`, 13 `inet_service`...).
    pub fn new(family: ProtoFamily, table: &str, name: &str, key_type: u32, key_len: u32) -> Self {
        Set {
            family,
            table: Some(table.into()),
            name: Some(name.into()),
            key_type: Some(key_type),
            key_len: Some(key_len),
            ..Default::default()
        }
    }
}

impl Element {
    /// An element with `key` (bytes as the kernel compares them: network
    /// order for addresses and ports).
    pub fn new(key: impl Into<Vec<u8>>) -> Self {
        Element {
            key: Some(Data::Value(key.into())),
            ..Default::default()
        }
    }
}

impl SetElems {
    /// Elements of `set` in `table`.
    pub fn new(family: ProtoFamily, table: &str, set: &str, elements: Vec<Element>) -> Self {
        SetElems {
            family,
            table: Some(table.into()),
            set: Some(set.into()),
            elements: Some(Elements(elements)),
            ..Default::default()
        }
    }
}

impl Obj {
    /// A stateful object of `table` with typed `data` (its type follows).
    ///
    /// # Errors
    /// [`EncodeError`] if the data does not fit an attribute.
    pub fn new(
        family: ProtoFamily,
        table: &str,
        name: &str,
        data: &ObjData,
    ) -> Result<Self, EncodeError> {
        let mut o = Obj {
            family,
            table: Some(table.into()),
            name: Some(name.into()),
            ..Default::default()
        };
        o.set_data(data)?;
        Ok(o)
    }
}

/// Turning what a dump reports into what a request may carry.
impl Table {
    /// The table as a request to add it again: without what the kernel
    /// reports but does not take (handle, use count, owner).
    pub fn to_request(&self) -> Self {
        Table {
            handle: None,
            use_count: None,
            owner: None,
            ..self.clone()
        }
    }
}

impl Chain {
    /// The chain as a request to add it again (without handle and use count).
    pub fn to_request(&self) -> Self {
        Chain {
            handle: None,
            use_count: None,
            ..self.clone()
        }
    }
}

impl Set {
    /// The set as a request to add it again (without handle, and without
    /// `NFTA_SET_TYPE`/`NFTA_SET_COUNT`, which the kernel refuses on input).
    pub fn to_request(&self) -> Self {
        Set {
            handle: None,
            backend: None,
            count: None,
            ..self.clone()
        }
    }
}

impl Obj {
    /// The object as a request to add it again (without handle and use
    /// count; a tunnel's Geneve options as a request carries them,
    /// [`TunnelKey::to_request`](crate::TunnelKey::to_request)).
    pub fn to_request(&self) -> Self {
        let mut o = Obj {
            handle: None,
            use_count: None,
            ..self.clone()
        };
        if let Ok(Some(ObjData::Tunnel(t))) = self.data() {
            let mut w = Vec::new();
            if t.to_request().encode_area(&mut w).is_ok() {
                o.raw_data = Some(w);
            }
        }
        o
    }
}

impl Flowtable {
    /// The flowtable as a request to add it again (without handle and use count).
    pub fn to_request(&self) -> Self {
        Flowtable {
            handle: None,
            use_count: None,
            ..self.clone()
        }
    }
}

impl Rule {
    /// The rule as a request to append it again: without handle and
    /// position, and with the expression attributes the kernel dumps but
    /// refuses on input left out (`NFTA_EXTHDR_FLAGS` 0 of a TCP option
    /// write, offset, length and flags of a TCP option reset,
    /// `NFTA_OSF_FLAGS` 0, a dynset's `NFTA_DYNSET_TIMEOUT` 0) and
    /// what it needs but does not report added (`NFT_DYNSET_F_EXPR` for a
    /// dynset with several expressions; the `NFTA_RULE_COMPAT` x_tables
    /// matches and targets need, which the kernel does not dump, from the
    /// rule's `meta l4proto` comparison). Rules of a bound (anonymous)
    /// chain need the chain's transaction id as well:
    /// [`Transaction::restore`](crate::Transaction::restore) gives it.
    pub fn to_request(&self) -> Self {
        let exprs = self.exprs.as_ref().map(|l| {
            ExprList(
                l.0.iter()
                    .map(|e| match e {
                        Expr::Exthdr(x) if x.sreg.is_some() && x.flags == Some(0) => {
                            Expr::Exthdr(crate::expr::Exthdr {
                                flags: None,
                                ..x.clone()
                            })
                        }
                        Expr::Dynset(d) => {
                            let mut d = d.clone();
                            // Dumped as 0 for any set; refused with
                            // EOPNOTSUPP for a set without timeouts.
                            if d.timeout == Some(0) {
                                d.timeout = None;
                            }
                            // Several expressions need NFT_DYNSET_F_EXPR,
                            // which the dump does not report.
                            if d.exprs.is_some() {
                                d.flags = Some(d.flags.unwrap_or(0) | sys::NFT_DYNSET_F_EXPR);
                            }
                            Expr::Dynset(d)
                        }
                        Expr::Osf(x) if x.flags == Some(0) => Expr::Osf(crate::expr::Osf {
                            flags: None,
                            ..x.clone()
                        }),
                        // A TCP option reset (`reset tcp option sack-perm`,
                        // neither register): dumped with offset, length and
                        // flags 0, refused with any of them (EINVAL).
                        Expr::Exthdr(x) if x.sreg.is_none() && x.dreg.is_none() => {
                            Expr::Exthdr(crate::expr::Exthdr {
                                offset: None,
                                len: None,
                                flags: None,
                                ..x.clone()
                            })
                        }
                        e => e.clone(),
                    })
                    .collect(),
            )
        });
        let compat = self
            .compat
            .clone()
            .or_else(|| compat_of(self.family, self.exprs.as_ref()?));
        Rule {
            handle: None,
            position: None,
            exprs,
            compat,
            ..self.clone()
        }
    }
}

/// The `NFTA_RULE_COMPAT` an x_tables match or target needs, which the
/// kernel checks but does not dump (`nft_compat` builds the extension's
/// entry from it): the layer-4 protocol of the `meta l4proto` comparison
/// iptables-nft writes before it, or for bridge rules the EtherType of
/// the `ether type` comparison ebtables-nft writes (as the kernel reads
/// it: the network-order bytes as a host `u16`). `None` for a rule
/// without x_tables extensions or without such a comparison.
fn compat_of(family: ProtoFamily, exprs: &ExprList) -> Option<Vec<u8>> {
    use crate::expr::{CmpOp, MetaKey, PayloadBase};
    if !exprs
        .0
        .iter()
        .any(|e| matches!(e, Expr::Match(_) | Expr::Target(_)))
    {
        return None;
    }
    fn cmp(c: &crate::expr::Cmp, reg: Option<u32>) -> Option<(&[u8], bool)> {
        if reg.is_none() || c.sreg != reg {
            return None;
        }
        let inv = match c.op {
            Some(CmpOp::EQ) => false,
            Some(CmpOp::NEQ) => true,
            _ => return None,
        };
        Some((c.data.as_ref()?.as_value()?, inv))
    }
    let (proto, inv) = exprs.0.windows(2).find_map(|w| match w {
        [Expr::Meta(m), Expr::Cmp(c)] if m.key == Some(MetaKey::L4PROTO) => match cmp(c, m.dreg)? {
            ([p], inv) => Some((u32::from(*p), inv)),
            _ => None,
        },
        [Expr::Payload(p), Expr::Cmp(c)]
            if family == ProtoFamily::Bridge
                && p.base == Some(PayloadBase::LL)
                && p.offset == Some(12)
                && p.len == Some(2) =>
        {
            match cmp(c, p.dreg)? {
                ([a, b], inv) => Some((u32::from(u16::from_ne_bytes([*a, *b])), inv)),
                _ => None,
            }
        }
        _ => None,
    })?;
    let mut w = Vec::with_capacity(16);
    let flags = if inv { sys::NFT_RULE_COMPAT_F_INV } else { 0 };
    put(&mut w, sys::NFTA_RULE_COMPAT_PROTO, &proto.to_be_bytes()).ok()?;
    put(&mut w, sys::NFTA_RULE_COMPAT_FLAGS, &flags.to_be_bytes()).ok()?;
    Some(w)
}
