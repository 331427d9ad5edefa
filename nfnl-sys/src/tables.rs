//! nf_tables: `include/uapi/linux/netfilter/nf_tables.h` and the x_tables
//! compatibility layer of `include/uapi/linux/netfilter/nf_tables_compat.h`.
//!
//! Message types of `NFNL_SUBSYS_NFTABLES` (and `NFNL_SUBSYS_NFT_COMPAT`), the
//! attributes of every object (tables, chains, rules, sets, elements, stateful
//! objects, flowtables, generations, traces) and of every expression, and the
//! values those attributes carry (registers, verdicts, operators, keys, types,
//! flags). The subsystem ids, the `NFNLGRP_NFTABLES` / `NFNLGRP_NFTRACE`
//! multicast groups and the batch messages (`NFNL_MSG_BATCH_BEGIN`/`END`,
//! `NFNL_BATCH_GENID`) are in [`crate::nfnetlink`].
//!
//! Types: message types are `u8` (the low byte of `nlmsg_type`), attribute
//! types `u16`, lengths `usize`. A value is typed like the attribute that
//! carries it: most are `NLA_U32` (big-endian on the wire) and so `u32`;
//! `NFT_QUEUE_FLAG_*` are `u16` (`NFTA_QUEUE_FLAGS` is `NLA_U16`) and
//! `NFT_REJECT_ICMPX_*` `u8` (`NFTA_REJECT_ICMP_CODE` is `NLA_U8`). The
//! verdicts `NFT_CONTINUE`..`NFT_RETURN` are negative in the header and `i32`
//! here: on the wire `NFTA_VERDICT_CODE` is a big-endian 32-bit word holding
//! their two's complement (`NFT_JUMP` = -3 is `ff ff ff fd`), alongside the
//! non-negative `NF_DROP`/`NF_ACCEPT`/... of [`crate::netfilter`].
//!
//! The direction that `NFTA_CT_DIRECTION` and the directional ct keys take is
//! `IP_CT_DIR_ORIGINAL` / `IP_CT_DIR_REPLY` of [`crate::conntrack`]; hooks
//! (`NFTA_HOOK_HOOKNUM`) are the `NF_INET_*` / `NF_NETDEV_*` of
//! [`crate::netfilter`]; families (`nfgen_family`) the `NFPROTO_*` of
//! [`crate::nfnetlink`].
//!
//! Mirrors the Linux 6.18 header. Items newer than the linux-libc-dev headers
//! that `tests/abi.rs` compiles against are checked there against the values
//! read in the 6.18 kernel source (each says which kernel added it).
//!
//! Not mirrored: the `__*_MAX` sentinels (the `*_MAX` values are), among them
//! `__NFT_META_IIFTYPE` (36), which 6.18 keeps in `enum nft_meta_keys` before
//! `NFT_META_BRI_IIFHWADDR` (37); and items the header keeps to the kernel
//! (`#ifdef __KERNEL__`).

// Name and data length limits.
/// `NFT_NAME_MAXLEN`: longest name of a table, chain, set, object or flowtable,
/// including the terminating NUL.
pub const NFT_NAME_MAXLEN: usize = 256;
/// `NFT_TABLE_MAXNAMELEN`: longest table name (`NFT_NAME_MAXLEN`).
pub const NFT_TABLE_MAXNAMELEN: usize = NFT_NAME_MAXLEN;
/// `NFT_CHAIN_MAXNAMELEN`: longest chain name (`NFT_NAME_MAXLEN`).
pub const NFT_CHAIN_MAXNAMELEN: usize = NFT_NAME_MAXLEN;
/// `NFT_SET_MAXNAMELEN`: longest set name (`NFT_NAME_MAXLEN`).
pub const NFT_SET_MAXNAMELEN: usize = NFT_NAME_MAXLEN;
/// `NFT_OBJ_MAXNAMELEN`: longest stateful object name (`NFT_NAME_MAXLEN`).
pub const NFT_OBJ_MAXNAMELEN: usize = NFT_NAME_MAXLEN;
/// `NFT_USERDATA_MAXLEN`: longest user data (comments) of a rule, set or element.
pub const NFT_USERDATA_MAXLEN: usize = 256;
/// `NFT_OSF_MAXGENRELEN`: longest OS genre name that the osf expression loads.
pub const NFT_OSF_MAXGENRELEN: usize = 16;

// Registers (`enum nft_registers`): where expressions load data to and read it from
// (`*_SREG`, `*_DREG` attributes). `NFT_REG_1`..`NFT_REG_4` are the legacy 16-byte
// registers; `NFT_REG32_00`..`NFT_REG32_15` address the same area in 4-byte units.
/// `NFT_REG_VERDICT` (`enum nft_registers`): the verdict register.
pub const NFT_REG_VERDICT: u32 = 0;
/// `NFT_REG_1`: 16-byte data register 1 (overlaps `NFT_REG32_00`..`NFT_REG32_03`).
pub const NFT_REG_1: u32 = 1;
/// `NFT_REG_2`: 16-byte data register 2 (overlaps `NFT_REG32_04`..`NFT_REG32_07`).
pub const NFT_REG_2: u32 = 2;
/// `NFT_REG_3`: 16-byte data register 3 (overlaps `NFT_REG32_08`..`NFT_REG32_11`).
pub const NFT_REG_3: u32 = 3;
/// `NFT_REG_4`: 16-byte data register 4 (overlaps `NFT_REG32_12`..`NFT_REG32_15`).
pub const NFT_REG_4: u32 = 4;
/// `NFT_REG_MAX`: highest 16-byte register.
pub const NFT_REG_MAX: u32 = 4;
/// `NFT_REG32_00`: 4-byte data register 0.
pub const NFT_REG32_00: u32 = 8;
/// `NFT_REG32_01`: 4-byte data register 1.
pub const NFT_REG32_01: u32 = 9;
/// `NFT_REG32_02`: 4-byte data register 2.
pub const NFT_REG32_02: u32 = 10;
/// `NFT_REG32_03`: 4-byte data register 3.
pub const NFT_REG32_03: u32 = 11;
/// `NFT_REG32_04`: 4-byte data register 4.
pub const NFT_REG32_04: u32 = 12;
/// `NFT_REG32_05`: 4-byte data register 5.
pub const NFT_REG32_05: u32 = 13;
/// `NFT_REG32_06`: 4-byte data register 6.
pub const NFT_REG32_06: u32 = 14;
/// `NFT_REG32_07`: 4-byte data register 7.
pub const NFT_REG32_07: u32 = 15;
/// `NFT_REG32_08`: 4-byte data register 8.
pub const NFT_REG32_08: u32 = 16;
/// `NFT_REG32_09`: 4-byte data register 9.
pub const NFT_REG32_09: u32 = 17;
/// `NFT_REG32_10`: 4-byte data register 10.
pub const NFT_REG32_10: u32 = 18;
/// `NFT_REG32_11`: 4-byte data register 11.
pub const NFT_REG32_11: u32 = 19;
/// `NFT_REG32_12`: 4-byte data register 12.
pub const NFT_REG32_12: u32 = 20;
/// `NFT_REG32_13`: 4-byte data register 13.
pub const NFT_REG32_13: u32 = 21;
/// `NFT_REG32_14`: 4-byte data register 14.
pub const NFT_REG32_14: u32 = 22;
/// `NFT_REG32_15`: 4-byte data register 15.
pub const NFT_REG32_15: u32 = 23;
/// `NFT_REG_SIZE`: size in bytes of a 16-byte register.
pub const NFT_REG_SIZE: usize = 16;
/// `NFT_REG32_SIZE`: size in bytes of a 4-byte register.
pub const NFT_REG32_SIZE: usize = 4;
/// `NFT_REG32_COUNT`: number of 4-byte registers.
pub const NFT_REG32_COUNT: usize = 16;

// Verdicts of nf_tables itself (`enum nft_verdicts`), carried in `NFTA_VERDICT_CODE`
// next to the netfilter verdicts `NF_DROP`, `NF_ACCEPT`, ...: negative, hence `i32`
// (the wire word is their two's complement, see the module docs).
/// `NFT_CONTINUE` (`enum nft_verdicts`): go on with the next expression of the rule.
pub const NFT_CONTINUE: i32 = -1;
/// `NFT_BREAK`: stop evaluating this rule, go on with the next rule.
pub const NFT_BREAK: i32 = -2;
/// `NFT_JUMP`: push the current chain and continue in the chain of `NFTA_VERDICT_CHAIN`.
pub const NFT_JUMP: i32 = -3;
/// `NFT_GOTO`: continue in the chain of `NFTA_VERDICT_CHAIN` without pushing the current one.
pub const NFT_GOTO: i32 = -4;
/// `NFT_RETURN`: return to the chain on top of the jump stack.
pub const NFT_RETURN: i32 = -5;

// Message types of `NFNL_SUBSYS_NFTABLES` (`enum nf_tables_msg_types`): the low byte
// of `nlmsg_type`. NEW/DEL/DESTROY go inside a batch; GET (with `NLM_F_DUMP` for a
// dump) outside; NEWGEN and TRACE are only sent by the kernel.
/// `NFT_MSG_NEWTABLE` (`enum nf_tables_msg_types`): create or update a table (`NFTA_TABLE_*`).
pub const NFT_MSG_NEWTABLE: u8 = 0;
/// `NFT_MSG_GETTABLE`: get or dump tables (`NFTA_TABLE_*`).
pub const NFT_MSG_GETTABLE: u8 = 1;
/// `NFT_MSG_DELTABLE`: delete a table (`NFTA_TABLE_*`); `ENOENT` if absent.
pub const NFT_MSG_DELTABLE: u8 = 2;
/// `NFT_MSG_NEWCHAIN`: create or update a chain (`NFTA_CHAIN_*`).
pub const NFT_MSG_NEWCHAIN: u8 = 3;
/// `NFT_MSG_GETCHAIN`: get or dump chains (`NFTA_CHAIN_*`).
pub const NFT_MSG_GETCHAIN: u8 = 4;
/// `NFT_MSG_DELCHAIN`: delete a chain (`NFTA_CHAIN_*`).
pub const NFT_MSG_DELCHAIN: u8 = 5;
/// `NFT_MSG_NEWRULE`: add, insert or replace a rule (`NFTA_RULE_*`).
pub const NFT_MSG_NEWRULE: u8 = 6;
/// `NFT_MSG_GETRULE`: get or dump rules (`NFTA_RULE_*`).
pub const NFT_MSG_GETRULE: u8 = 7;
/// `NFT_MSG_DELRULE`: delete a rule (`NFTA_RULE_*`).
pub const NFT_MSG_DELRULE: u8 = 8;
/// `NFT_MSG_NEWSET`: create or update a set (`NFTA_SET_*`).
pub const NFT_MSG_NEWSET: u8 = 9;
/// `NFT_MSG_GETSET`: get or dump sets (`NFTA_SET_*`).
pub const NFT_MSG_GETSET: u8 = 10;
/// `NFT_MSG_DELSET`: delete a set (`NFTA_SET_*`).
pub const NFT_MSG_DELSET: u8 = 11;
/// `NFT_MSG_NEWSETELEM`: add set elements (`NFTA_SET_ELEM_LIST_*`).
pub const NFT_MSG_NEWSETELEM: u8 = 12;
/// `NFT_MSG_GETSETELEM`: get or dump set elements (`NFTA_SET_ELEM_LIST_*`).
pub const NFT_MSG_GETSETELEM: u8 = 13;
/// `NFT_MSG_DELSETELEM`: delete set elements (`NFTA_SET_ELEM_LIST_*`).
pub const NFT_MSG_DELSETELEM: u8 = 14;
/// `NFT_MSG_NEWGEN`: event: a new ruleset generation was committed (`NFTA_GEN_*`).
pub const NFT_MSG_NEWGEN: u8 = 15;
/// `NFT_MSG_GETGEN`: get the current ruleset generation (`NFTA_GEN_*`).
pub const NFT_MSG_GETGEN: u8 = 16;
/// `NFT_MSG_TRACE`: event: packet trace (`NFTA_TRACE_*`, group `NFNLGRP_NFTRACE`).
pub const NFT_MSG_TRACE: u8 = 17;
/// `NFT_MSG_NEWOBJ`: create or update a stateful object (`NFTA_OBJ_*`).
pub const NFT_MSG_NEWOBJ: u8 = 18;
/// `NFT_MSG_GETOBJ`: get or dump stateful objects (`NFTA_OBJ_*`).
pub const NFT_MSG_GETOBJ: u8 = 19;
/// `NFT_MSG_DELOBJ`: delete a stateful object (`NFTA_OBJ_*`).
pub const NFT_MSG_DELOBJ: u8 = 20;
/// `NFT_MSG_GETOBJ_RESET`: get or dump stateful objects and reset them (`NFTA_OBJ_*`).
pub const NFT_MSG_GETOBJ_RESET: u8 = 21;
/// `NFT_MSG_NEWFLOWTABLE`: create or update a flowtable (`NFTA_FLOWTABLE_*`).
pub const NFT_MSG_NEWFLOWTABLE: u8 = 22;
/// `NFT_MSG_GETFLOWTABLE`: get or dump flowtables (`NFTA_FLOWTABLE_*`).
pub const NFT_MSG_GETFLOWTABLE: u8 = 23;
/// `NFT_MSG_DELFLOWTABLE`: delete a flowtable (`NFTA_FLOWTABLE_*`).
pub const NFT_MSG_DELFLOWTABLE: u8 = 24;
/// `NFT_MSG_GETRULE_RESET`: get or dump rules and reset their stateful expressions (`NFTA_RULE_*`).
pub const NFT_MSG_GETRULE_RESET: u8 = 25;
/// `NFT_MSG_DESTROYTABLE`: delete a table, no error if absent (`NFTA_TABLE_*`).
pub const NFT_MSG_DESTROYTABLE: u8 = 26;
/// `NFT_MSG_DESTROYCHAIN`: delete a chain, no error if absent (`NFTA_CHAIN_*`).
pub const NFT_MSG_DESTROYCHAIN: u8 = 27;
/// `NFT_MSG_DESTROYRULE`: delete a rule, no error if absent (`NFTA_RULE_*`).
pub const NFT_MSG_DESTROYRULE: u8 = 28;
/// `NFT_MSG_DESTROYSET`: delete a set, no error if absent (`NFTA_SET_*`).
pub const NFT_MSG_DESTROYSET: u8 = 29;
/// `NFT_MSG_DESTROYSETELEM`: delete set elements, no error if absent (`NFTA_SET_ELEM_LIST_*`).
pub const NFT_MSG_DESTROYSETELEM: u8 = 30;
/// `NFT_MSG_DESTROYOBJ`: delete a stateful object, no error if absent (`NFTA_OBJ_*`).
pub const NFT_MSG_DESTROYOBJ: u8 = 31;
/// `NFT_MSG_DESTROYFLOWTABLE`: delete a flowtable, no error if absent (`NFTA_FLOWTABLE_*`).
pub const NFT_MSG_DESTROYFLOWTABLE: u8 = 32;
/// `NFT_MSG_GETSETELEM_RESET`: get or dump set elements and reset their stateful expressions.
pub const NFT_MSG_GETSETELEM_RESET: u8 = 33;
/// `NFT_MSG_MAX`: number of message types (one past the highest).
pub const NFT_MSG_MAX: u8 = 34;

// Generic lists (`enum nft_list_attributes`): each element of a list attribute.
/// `NFTA_LIST_UNSPEC` (`enum nft_list_attributes`).
pub const NFTA_LIST_UNSPEC: u16 = 0;
/// `NFTA_LIST_ELEM`: one list element (nested).
pub const NFTA_LIST_ELEM: u16 = 1;
/// `NFTA_LIST_MAX`: highest attribute.
pub const NFTA_LIST_MAX: u16 = 1;

// Base chain and flowtable hooks (`enum nft_hook_attributes`), nested in `NFTA_CHAIN_HOOK`.
/// `NFTA_HOOK_UNSPEC` (`enum nft_hook_attributes`).
pub const NFTA_HOOK_UNSPEC: u16 = 0;
/// `NFTA_HOOK_HOOKNUM`: hook number, `NF_INET_*` or `NF_NETDEV_*` (`NLA_U32`).
pub const NFTA_HOOK_HOOKNUM: u16 = 1;
/// `NFTA_HOOK_PRIORITY`: hook priority, a signed value in a `NLA_U32`.
pub const NFTA_HOOK_PRIORITY: u16 = 2;
/// `NFTA_HOOK_DEV`: one device name (string; netdev family and inet ingress).
pub const NFTA_HOOK_DEV: u16 = 3;
/// `NFTA_HOOK_DEVS`: list of devices, `NFTA_DEVICE_*` (nested).
pub const NFTA_HOOK_DEVS: u16 = 4;
/// `NFTA_HOOK_MAX`: highest attribute.
pub const NFTA_HOOK_MAX: u16 = 4;

// Table flags (`enum nft_table_flags`), in `NFTA_TABLE_FLAGS`.
/// `NFT_TABLE_F_DORMANT` (`enum nft_table_flags`): the table's base chains are not registered (the table does nothing).
pub const NFT_TABLE_F_DORMANT: u32 = 0x1;
/// `NFT_TABLE_F_OWNER`: the table belongs to the netlink socket that created it and goes away with it.
pub const NFT_TABLE_F_OWNER: u32 = 0x2;
/// `NFT_TABLE_F_PERSIST`: with `NFT_TABLE_F_OWNER`: the table stays when its owner goes.
pub const NFT_TABLE_F_PERSIST: u32 = 0x4;
/// `NFT_TABLE_F_MASK`: every table flag (`DORMANT | OWNER` in headers older than `PERSIST`).
pub const NFT_TABLE_F_MASK: u32 = NFT_TABLE_F_DORMANT | NFT_TABLE_F_OWNER | NFT_TABLE_F_PERSIST;

// Tables (`enum nft_table_attributes`).
/// `NFTA_TABLE_UNSPEC` (`enum nft_table_attributes`).
pub const NFTA_TABLE_UNSPEC: u16 = 0;
/// `NFTA_TABLE_NAME`: table name (string).
pub const NFTA_TABLE_NAME: u16 = 1;
/// `NFTA_TABLE_FLAGS`: `NFT_TABLE_F_*` (`NLA_U32`).
pub const NFTA_TABLE_FLAGS: u16 = 2;
/// `NFTA_TABLE_USE`: number of chains in the table (`NLA_U32`, read-only).
pub const NFTA_TABLE_USE: u16 = 3;
/// `NFTA_TABLE_HANDLE`: table handle (`NLA_U64`).
pub const NFTA_TABLE_HANDLE: u16 = 4;
/// `NFTA_TABLE_PAD`: padding for 64-bit alignment.
pub const NFTA_TABLE_PAD: u16 = 5;
/// `NFTA_TABLE_USERDATA`: user data (binary, at most `NFT_USERDATA_MAXLEN`).
pub const NFTA_TABLE_USERDATA: u16 = 6;
/// `NFTA_TABLE_OWNER`: netlink port id of the owner (`NLA_U32`, read-only).
pub const NFTA_TABLE_OWNER: u16 = 7;
/// `NFTA_TABLE_MAX`: highest attribute.
pub const NFTA_TABLE_MAX: u16 = 7;

// Chain flags (`enum nft_chain_flags`), in `NFTA_CHAIN_FLAGS`.
/// `NFT_CHAIN_BASE` (`enum nft_chain_flags`): a base chain (has a hook).
pub const NFT_CHAIN_BASE: u32 = 0x1;
/// `NFT_CHAIN_HW_OFFLOAD`: offload the chain to hardware.
pub const NFT_CHAIN_HW_OFFLOAD: u32 = 0x2;
/// `NFT_CHAIN_BINDING`: an anonymous chain bound to the rule that refers to it.
pub const NFT_CHAIN_BINDING: u32 = 0x4;
/// `NFT_CHAIN_FLAGS`: every chain flag.
pub const NFT_CHAIN_FLAGS: u32 = NFT_CHAIN_BASE | NFT_CHAIN_HW_OFFLOAD | NFT_CHAIN_BINDING;

// Chains (`enum nft_chain_attributes`).
/// `NFTA_CHAIN_UNSPEC` (`enum nft_chain_attributes`).
pub const NFTA_CHAIN_UNSPEC: u16 = 0;
/// `NFTA_CHAIN_TABLE`: table name (string).
pub const NFTA_CHAIN_TABLE: u16 = 1;
/// `NFTA_CHAIN_HANDLE`: chain handle (`NLA_U64`).
pub const NFTA_CHAIN_HANDLE: u16 = 2;
/// `NFTA_CHAIN_NAME`: chain name (string).
pub const NFTA_CHAIN_NAME: u16 = 3;
/// `NFTA_CHAIN_HOOK`: base chain hook, `NFTA_HOOK_*` (nested).
pub const NFTA_CHAIN_HOOK: u16 = 4;
/// `NFTA_CHAIN_POLICY`: base chain policy, `NF_ACCEPT` or `NF_DROP` (`NLA_U32`).
pub const NFTA_CHAIN_POLICY: u16 = 5;
/// `NFTA_CHAIN_USE`: number of references to the chain (`NLA_U32`, read-only).
pub const NFTA_CHAIN_USE: u16 = 6;
/// `NFTA_CHAIN_TYPE`: base chain type: "filter", "route" or "nat" (string).
pub const NFTA_CHAIN_TYPE: u16 = 7;
/// `NFTA_CHAIN_COUNTERS`: base chain counters, `NFTA_COUNTER_*` (nested).
pub const NFTA_CHAIN_COUNTERS: u16 = 8;
/// `NFTA_CHAIN_PAD`: padding for 64-bit alignment.
pub const NFTA_CHAIN_PAD: u16 = 9;
/// `NFTA_CHAIN_FLAGS`: `NFT_CHAIN_*` flags (`NLA_U32`).
pub const NFTA_CHAIN_FLAGS: u16 = 10;
/// `NFTA_CHAIN_ID`: id of a chain created in the same transaction (`NLA_U32`).
pub const NFTA_CHAIN_ID: u16 = 11;
/// `NFTA_CHAIN_USERDATA`: user data (binary).
pub const NFTA_CHAIN_USERDATA: u16 = 12;
/// `NFTA_CHAIN_MAX`: highest attribute.
pub const NFTA_CHAIN_MAX: u16 = 12;

// Rules (`enum nft_rule_attributes`).
/// `NFTA_RULE_UNSPEC` (`enum nft_rule_attributes`).
pub const NFTA_RULE_UNSPEC: u16 = 0;
/// `NFTA_RULE_TABLE`: table name (string).
pub const NFTA_RULE_TABLE: u16 = 1;
/// `NFTA_RULE_CHAIN`: chain name (string).
pub const NFTA_RULE_CHAIN: u16 = 2;
/// `NFTA_RULE_HANDLE`: rule handle (`NLA_U64`).
pub const NFTA_RULE_HANDLE: u16 = 3;
/// `NFTA_RULE_EXPRESSIONS`: the expressions, a list of `NFTA_LIST_ELEM` holding `NFTA_EXPR_*` (nested).
pub const NFTA_RULE_EXPRESSIONS: u16 = 4;
/// `NFTA_RULE_COMPAT`: x_tables compatibility info, `NFTA_RULE_COMPAT_*` (nested).
pub const NFTA_RULE_COMPAT: u16 = 5;
/// `NFTA_RULE_POSITION`: handle of the rule to add after (insert: before) (`NLA_U64`).
pub const NFTA_RULE_POSITION: u16 = 6;
/// `NFTA_RULE_USERDATA`: user data (binary, at most `NFT_USERDATA_MAXLEN`).
pub const NFTA_RULE_USERDATA: u16 = 7;
/// `NFTA_RULE_PAD`: padding for 64-bit alignment.
pub const NFTA_RULE_PAD: u16 = 8;
/// `NFTA_RULE_ID`: id of this rule within the transaction (`NLA_U32`).
pub const NFTA_RULE_ID: u16 = 9;
/// `NFTA_RULE_POSITION_ID`: id of a rule of the same transaction to add after (`NLA_U32`).
pub const NFTA_RULE_POSITION_ID: u16 = 10;
/// `NFTA_RULE_CHAIN_ID`: id of a chain of the same transaction, instead of `NFTA_RULE_CHAIN` (`NLA_U32`).
pub const NFTA_RULE_CHAIN_ID: u16 = 11;
/// `NFTA_RULE_MAX`: highest attribute.
pub const NFTA_RULE_MAX: u16 = 11;

// x_tables compatibility flags of a rule (`enum nft_rule_compat_flags`), in `NFTA_RULE_COMPAT_FLAGS`.
/// `NFT_RULE_COMPAT_F_UNUSED` (`enum nft_rule_compat_flags`): unused.
pub const NFT_RULE_COMPAT_F_UNUSED: u32 = 0x1;
/// `NFT_RULE_COMPAT_F_INV`: invert the protocol match (`! -p`).
pub const NFT_RULE_COMPAT_F_INV: u32 = 0x2;
/// `NFT_RULE_COMPAT_F_MASK`: the flags the kernel accepts.
pub const NFT_RULE_COMPAT_F_MASK: u32 = NFT_RULE_COMPAT_F_INV;

// x_tables compatibility info of a rule (`enum nft_rule_compat_attributes`), nested in `NFTA_RULE_COMPAT`.
/// `NFTA_RULE_COMPAT_UNSPEC` (`enum nft_rule_compat_attributes`).
pub const NFTA_RULE_COMPAT_UNSPEC: u16 = 0;
/// `NFTA_RULE_COMPAT_PROTO`: layer 4 protocol the matches/targets need (`NLA_U32`).
pub const NFTA_RULE_COMPAT_PROTO: u16 = 1;
/// `NFTA_RULE_COMPAT_FLAGS`: `NFT_RULE_COMPAT_F_*` (`NLA_U32`).
pub const NFTA_RULE_COMPAT_FLAGS: u16 = 2;
/// `NFTA_RULE_COMPAT_MAX`: highest attribute.
pub const NFTA_RULE_COMPAT_MAX: u16 = 2;

// Set flags (`enum nft_set_flags`), in `NFTA_SET_FLAGS`.
/// `NFT_SET_ANONYMOUS` (`enum nft_set_flags`): anonymous set, named by the kernel, freed with the rule that uses it.
pub const NFT_SET_ANONYMOUS: u32 = 0x1;
/// `NFT_SET_CONSTANT`: contents cannot change while bound.
pub const NFT_SET_CONSTANT: u32 = 0x2;
/// `NFT_SET_INTERVAL`: elements are intervals.
pub const NFT_SET_INTERVAL: u32 = 0x4;
/// `NFT_SET_MAP`: a map: elements carry data (`NFTA_SET_DATA_*`).
pub const NFT_SET_MAP: u32 = 0x8;
/// `NFT_SET_TIMEOUT`: elements can time out.
pub const NFT_SET_TIMEOUT: u32 = 0x10;
/// `NFT_SET_EVAL`: updated from the packet path (dynset).
pub const NFT_SET_EVAL: u32 = 0x20;
/// `NFT_SET_OBJECT`: a map to stateful objects (`NFTA_SET_OBJ_TYPE`).
pub const NFT_SET_OBJECT: u32 = 0x40;
/// `NFT_SET_CONCAT`: keys are concatenations (`NFTA_SET_DESC_CONCAT`).
pub const NFT_SET_CONCAT: u32 = 0x80;
/// `NFT_SET_EXPR`: elements carry expressions (`NFTA_SET_EXPR(ESSIONS)`).
pub const NFT_SET_EXPR: u32 = 0x100;

// Set backend selection policy (`enum nft_set_policies`), in `NFTA_SET_POLICY`.
/// `NFT_SET_POL_PERFORMANCE` (`enum nft_set_policies`): prefer speed.
pub const NFT_SET_POL_PERFORMANCE: u32 = 0;
/// `NFT_SET_POL_MEMORY`: prefer low memory use.
pub const NFT_SET_POL_MEMORY: u32 = 1;

// Set description (`enum nft_set_desc_attributes`), nested in `NFTA_SET_DESC`.
/// `NFTA_SET_DESC_UNSPEC` (`enum nft_set_desc_attributes`).
pub const NFTA_SET_DESC_UNSPEC: u16 = 0;
/// `NFTA_SET_DESC_SIZE`: expected number of elements (`NLA_U32`).
pub const NFTA_SET_DESC_SIZE: u16 = 1;
/// `NFTA_SET_DESC_CONCAT`: concatenation fields, a list of `NFTA_LIST_ELEM` holding `NFTA_SET_FIELD_*` (nested).
pub const NFTA_SET_DESC_CONCAT: u16 = 2;
/// `NFTA_SET_DESC_MAX`: highest attribute.
pub const NFTA_SET_DESC_MAX: u16 = 2;

// One field of a concatenated key (`enum nft_set_field_attributes`).
/// `NFTA_SET_FIELD_UNSPEC` (`enum nft_set_field_attributes`).
pub const NFTA_SET_FIELD_UNSPEC: u16 = 0;
/// `NFTA_SET_FIELD_LEN`: length of the field (`NLA_U32`).
pub const NFTA_SET_FIELD_LEN: u16 = 1;
/// `NFTA_SET_FIELD_MAX`: highest attribute.
pub const NFTA_SET_FIELD_MAX: u16 = 1;

// Sets and maps (`enum nft_set_attributes`).
/// `NFTA_SET_UNSPEC` (`enum nft_set_attributes`).
pub const NFTA_SET_UNSPEC: u16 = 0;
/// `NFTA_SET_TABLE`: table name (string).
pub const NFTA_SET_TABLE: u16 = 1;
/// `NFTA_SET_NAME`: set name (string; a `%d` in it asks the kernel to number anonymous sets).
pub const NFTA_SET_NAME: u16 = 2;
/// `NFTA_SET_FLAGS`: `NFT_SET_*` flags (`NLA_U32`).
pub const NFTA_SET_FLAGS: u16 = 3;
/// `NFTA_SET_KEY_TYPE`: key data type, opaque to the kernel (`NLA_U32`).
pub const NFTA_SET_KEY_TYPE: u16 = 4;
/// `NFTA_SET_KEY_LEN`: key length in bytes (`NLA_U32`).
pub const NFTA_SET_KEY_LEN: u16 = 5;
/// `NFTA_SET_DATA_TYPE`: map data type, `NFT_DATA_VERDICT` for verdict maps (`NLA_U32`).
pub const NFTA_SET_DATA_TYPE: u16 = 6;
/// `NFTA_SET_DATA_LEN`: map data length in bytes (`NLA_U32`).
pub const NFTA_SET_DATA_LEN: u16 = 7;
/// `NFTA_SET_POLICY`: `NFT_SET_POL_*` (`NLA_U32`).
pub const NFTA_SET_POLICY: u16 = 8;
/// `NFTA_SET_DESC`: description, `NFTA_SET_DESC_*` (nested).
pub const NFTA_SET_DESC: u16 = 9;
/// `NFTA_SET_ID`: id of this set within the transaction (`NLA_U32`).
pub const NFTA_SET_ID: u16 = 10;
/// `NFTA_SET_TIMEOUT`: default element timeout in milliseconds (`NLA_U64`).
pub const NFTA_SET_TIMEOUT: u16 = 11;
/// `NFTA_SET_GC_INTERVAL`: garbage collection interval in milliseconds (`NLA_U32`).
pub const NFTA_SET_GC_INTERVAL: u16 = 12;
/// `NFTA_SET_USERDATA`: user data (binary).
pub const NFTA_SET_USERDATA: u16 = 13;
/// `NFTA_SET_PAD`: padding for 64-bit alignment.
pub const NFTA_SET_PAD: u16 = 14;
/// `NFTA_SET_OBJ_TYPE`: object type of an object map, `NFT_OBJECT_*` (`NLA_U32`).
pub const NFTA_SET_OBJ_TYPE: u16 = 15;
/// `NFTA_SET_HANDLE`: set handle (`NLA_U64`).
pub const NFTA_SET_HANDLE: u16 = 16;
/// `NFTA_SET_EXPR`: one expression for every element, `NFTA_EXPR_*` (nested).
pub const NFTA_SET_EXPR: u16 = 17;
/// `NFTA_SET_EXPRESSIONS`: expressions for every element, a list of `NFTA_EXPR_*` (nested).
pub const NFTA_SET_EXPRESSIONS: u16 = 18;
/// `NFTA_SET_TYPE`: backend the kernel chose (string, read-only; Linux 6.16+).
pub const NFTA_SET_TYPE: u16 = 19;
/// `NFTA_SET_COUNT`: number of elements (`NLA_U32`, read-only; Linux 6.16+).
pub const NFTA_SET_COUNT: u16 = 20;
/// `NFTA_SET_MAX`: highest attribute.
pub const NFTA_SET_MAX: u16 = 20;

// Set element flags (`enum nft_set_elem_flags`), in `NFTA_SET_ELEM_FLAGS`.
/// `NFT_SET_ELEM_INTERVAL_END` (`enum nft_set_elem_flags`): the element closes the interval that the previous one opened.
pub const NFT_SET_ELEM_INTERVAL_END: u32 = 0x1;
/// `NFT_SET_ELEM_CATCHALL`: the catch-all element (matches every key not otherwise present).
pub const NFT_SET_ELEM_CATCHALL: u32 = 0x2;

// Set elements (`enum nft_set_elem_attributes`), each an `NFTA_LIST_ELEM` of `NFTA_SET_ELEM_LIST_ELEMENTS`.
/// `NFTA_SET_ELEM_UNSPEC` (`enum nft_set_elem_attributes`).
pub const NFTA_SET_ELEM_UNSPEC: u16 = 0;
/// `NFTA_SET_ELEM_KEY`: key, `NFTA_DATA_*` (nested).
pub const NFTA_SET_ELEM_KEY: u16 = 1;
/// `NFTA_SET_ELEM_DATA`: map data, `NFTA_DATA_*` (nested).
pub const NFTA_SET_ELEM_DATA: u16 = 2;
/// `NFTA_SET_ELEM_FLAGS`: `NFT_SET_ELEM_*` flags (`NLA_U32`).
pub const NFTA_SET_ELEM_FLAGS: u16 = 3;
/// `NFTA_SET_ELEM_TIMEOUT`: timeout in milliseconds, 0 for none (`NLA_U64`).
pub const NFTA_SET_ELEM_TIMEOUT: u16 = 4;
/// `NFTA_SET_ELEM_EXPIRATION`: time left in milliseconds (`NLA_U64`).
pub const NFTA_SET_ELEM_EXPIRATION: u16 = 5;
/// `NFTA_SET_ELEM_USERDATA`: user data (binary).
pub const NFTA_SET_ELEM_USERDATA: u16 = 6;
/// `NFTA_SET_ELEM_EXPR`: one expression, `NFTA_EXPR_*` (nested).
pub const NFTA_SET_ELEM_EXPR: u16 = 7;
/// `NFTA_SET_ELEM_PAD`: padding for 64-bit alignment.
pub const NFTA_SET_ELEM_PAD: u16 = 8;
/// `NFTA_SET_ELEM_OBJREF`: name of the stateful object an object map maps to (string).
pub const NFTA_SET_ELEM_OBJREF: u16 = 9;
/// `NFTA_SET_ELEM_KEY_END`: end of the interval, `NFTA_DATA_*` (nested).
pub const NFTA_SET_ELEM_KEY_END: u16 = 10;
/// `NFTA_SET_ELEM_EXPRESSIONS`: expressions, a list of `NFTA_EXPR_*` (nested).
pub const NFTA_SET_ELEM_EXPRESSIONS: u16 = 11;
/// `NFTA_SET_ELEM_MAX`: highest attribute.
pub const NFTA_SET_ELEM_MAX: u16 = 11;

// A batch of set elements (`enum nft_set_elem_list_attributes`): the payload of `NFT_MSG_*SETELEM*`.
/// `NFTA_SET_ELEM_LIST_UNSPEC` (`enum nft_set_elem_list_attributes`).
pub const NFTA_SET_ELEM_LIST_UNSPEC: u16 = 0;
/// `NFTA_SET_ELEM_LIST_TABLE`: table name (string).
pub const NFTA_SET_ELEM_LIST_TABLE: u16 = 1;
/// `NFTA_SET_ELEM_LIST_SET`: set name (string).
pub const NFTA_SET_ELEM_LIST_SET: u16 = 2;
/// `NFTA_SET_ELEM_LIST_ELEMENTS`: the elements, `NFTA_LIST_ELEM` holding `NFTA_SET_ELEM_*` (nested).
pub const NFTA_SET_ELEM_LIST_ELEMENTS: u16 = 3;
/// `NFTA_SET_ELEM_LIST_SET_ID`: id of a set of the same transaction (`NLA_U32`).
pub const NFTA_SET_ELEM_LIST_SET_ID: u16 = 4;
/// `NFTA_SET_ELEM_LIST_MAX`: highest attribute.
pub const NFTA_SET_ELEM_LIST_MAX: u16 = 4;

// Data types (`enum nft_data_types`), in `NFTA_SET_KEY_TYPE` / `NFTA_SET_DATA_TYPE`.
/// `NFT_DATA_VALUE` (`enum nft_data_types`): plain data; every value below
/// `NFT_DATA_RESERVED_MASK` is treated alike and free for userspace to use.
pub const NFT_DATA_VALUE: u32 = 0;
/// `NFT_DATA_VERDICT`: verdicts (verdict maps).
pub const NFT_DATA_VERDICT: u32 = 0xffff_ff00;
/// `NFT_DATA_RESERVED_MASK`: data types at or above this are reserved to the kernel.
pub const NFT_DATA_RESERVED_MASK: u32 = 0xffff_ff00;

// Data (`enum nft_data_attributes`): a value or a verdict, nested in keys, data and operands.
/// `NFTA_DATA_UNSPEC` (`enum nft_data_attributes`).
pub const NFTA_DATA_UNSPEC: u16 = 0;
/// `NFTA_DATA_VALUE`: value bytes (binary, at most `NFT_DATA_VALUE_MAXLEN`).
pub const NFTA_DATA_VALUE: u16 = 1;
/// `NFTA_DATA_VERDICT`: verdict, `NFTA_VERDICT_*` (nested).
pub const NFTA_DATA_VERDICT: u16 = 2;
/// `NFTA_DATA_MAX`: highest attribute.
pub const NFTA_DATA_MAX: u16 = 2;
/// `NFT_DATA_VALUE_MAXLEN`: longest `NFTA_DATA_VALUE`.
pub const NFT_DATA_VALUE_MAXLEN: usize = 64;

// Verdicts (`enum nft_verdict_attributes`), nested in `NFTA_DATA_VERDICT`.
/// `NFTA_VERDICT_UNSPEC` (`enum nft_verdict_attributes`).
pub const NFTA_VERDICT_UNSPEC: u16 = 0;
/// `NFTA_VERDICT_CODE`: `NF_*` or `NFT_*` verdict code (`NLA_U32`, signed).
pub const NFTA_VERDICT_CODE: u16 = 1;
/// `NFTA_VERDICT_CHAIN`: target chain of `NFT_JUMP` / `NFT_GOTO` (string).
pub const NFTA_VERDICT_CHAIN: u16 = 2;
/// `NFTA_VERDICT_CHAIN_ID`: target chain by transaction id (`NLA_U32`).
pub const NFTA_VERDICT_CHAIN_ID: u16 = 3;
/// `NFTA_VERDICT_MAX`: highest attribute.
pub const NFTA_VERDICT_MAX: u16 = 3;

// Expressions (`enum nft_expr_attributes`), each an `NFTA_LIST_ELEM` of `NFTA_RULE_EXPRESSIONS`.
/// `NFTA_EXPR_UNSPEC` (`enum nft_expr_attributes`).
pub const NFTA_EXPR_UNSPEC: u16 = 0;
/// `NFTA_EXPR_NAME`: expression name: "payload", "cmp", ... (string).
pub const NFTA_EXPR_NAME: u16 = 1;
/// `NFTA_EXPR_DATA`: the expression's own attributes, `NFTA_<NAME>_*` (nested).
pub const NFTA_EXPR_DATA: u16 = 2;
/// `NFTA_EXPR_MAX`: highest attribute.
pub const NFTA_EXPR_MAX: u16 = 2;

// immediate: load a constant or set a verdict (`enum nft_immediate_attributes`).
/// `NFTA_IMMEDIATE_UNSPEC` (`enum nft_immediate_attributes`).
pub const NFTA_IMMEDIATE_UNSPEC: u16 = 0;
/// `NFTA_IMMEDIATE_DREG`: destination register (`NLA_U32`).
pub const NFTA_IMMEDIATE_DREG: u16 = 1;
/// `NFTA_IMMEDIATE_DATA`: value or verdict, `NFTA_DATA_*` (nested).
pub const NFTA_IMMEDIATE_DATA: u16 = 2;
/// `NFTA_IMMEDIATE_MAX`: highest attribute.
pub const NFTA_IMMEDIATE_MAX: u16 = 2;

// bitwise operations (`enum nft_bitwise_ops`), in `NFTA_BITWISE_OP`.
/// `NFT_BITWISE_MASK_XOR` (`enum nft_bitwise_ops`): `dreg = (sreg & mask) ^ xor`.
pub const NFT_BITWISE_MASK_XOR: u32 = 0;
/// `NFT_BITWISE_LSHIFT`: shift left by `NFTA_BITWISE_DATA` bits.
pub const NFT_BITWISE_LSHIFT: u32 = 1;
/// `NFT_BITWISE_RSHIFT`: shift right by `NFTA_BITWISE_DATA` bits.
pub const NFT_BITWISE_RSHIFT: u32 = 2;
/// `NFT_BITWISE_AND`: `dreg = sreg & sreg2`.
pub const NFT_BITWISE_AND: u32 = 3;
/// `NFT_BITWISE_OR`: `dreg = sreg | sreg2`.
pub const NFT_BITWISE_OR: u32 = 4;
/// `NFT_BITWISE_XOR`: `dreg = sreg ^ sreg2`.
pub const NFT_BITWISE_XOR: u32 = 5;
/// `NFT_BITWISE_BOOL`: old name of `NFT_BITWISE_MASK_XOR`.
pub const NFT_BITWISE_BOOL: u32 = NFT_BITWISE_MASK_XOR;

// bitwise (`enum nft_bitwise_attributes`).
/// `NFTA_BITWISE_UNSPEC` (`enum nft_bitwise_attributes`).
pub const NFTA_BITWISE_UNSPEC: u16 = 0;
/// `NFTA_BITWISE_SREG`: source register (`NLA_U32`).
pub const NFTA_BITWISE_SREG: u16 = 1;
/// `NFTA_BITWISE_DREG`: destination register (`NLA_U32`).
pub const NFTA_BITWISE_DREG: u16 = 2;
/// `NFTA_BITWISE_LEN`: operand length in bytes (`NLA_U32`).
pub const NFTA_BITWISE_LEN: u16 = 3;
/// `NFTA_BITWISE_MASK`: mask of `NFT_BITWISE_MASK_XOR`, `NFTA_DATA_*` (nested).
pub const NFTA_BITWISE_MASK: u16 = 4;
/// `NFTA_BITWISE_XOR`: xor of `NFT_BITWISE_MASK_XOR`, `NFTA_DATA_*` (nested).
pub const NFTA_BITWISE_XOR: u16 = 5;
/// `NFTA_BITWISE_OP`: `NFT_BITWISE_*` operation (`NLA_U32`).
pub const NFTA_BITWISE_OP: u16 = 6;
/// `NFTA_BITWISE_DATA`: shift amount, `NFTA_DATA_*` (nested).
pub const NFTA_BITWISE_DATA: u16 = 7;
/// `NFTA_BITWISE_SREG2`: second source register of AND/OR/XOR (`NLA_U32`).
pub const NFTA_BITWISE_SREG2: u16 = 8;
/// `NFTA_BITWISE_MAX`: highest attribute.
pub const NFTA_BITWISE_MAX: u16 = 8;

// byteorder operations (`enum nft_byteorder_ops`), in `NFTA_BYTEORDER_OP`.
/// `NFT_BYTEORDER_NTOH` (`enum nft_byteorder_ops`): network to host order.
pub const NFT_BYTEORDER_NTOH: u32 = 0;
/// `NFT_BYTEORDER_HTON`: host to network order.
pub const NFT_BYTEORDER_HTON: u32 = 1;

// byteorder (`enum nft_byteorder_attributes`).
/// `NFTA_BYTEORDER_UNSPEC` (`enum nft_byteorder_attributes`).
pub const NFTA_BYTEORDER_UNSPEC: u16 = 0;
/// `NFTA_BYTEORDER_SREG`: source register (`NLA_U32`).
pub const NFTA_BYTEORDER_SREG: u16 = 1;
/// `NFTA_BYTEORDER_DREG`: destination register (`NLA_U32`).
pub const NFTA_BYTEORDER_DREG: u16 = 2;
/// `NFTA_BYTEORDER_OP`: `NFT_BYTEORDER_*` (`NLA_U32`).
pub const NFTA_BYTEORDER_OP: u16 = 3;
/// `NFTA_BYTEORDER_LEN`: data length in bytes (`NLA_U32`).
pub const NFTA_BYTEORDER_LEN: u16 = 4;
/// `NFTA_BYTEORDER_SIZE`: size of each word: 2, 4 or 8 (`NLA_U32`).
pub const NFTA_BYTEORDER_SIZE: u16 = 5;
/// `NFTA_BYTEORDER_MAX`: highest attribute.
pub const NFTA_BYTEORDER_MAX: u16 = 5;

// cmp operators (`enum nft_cmp_ops`), in `NFTA_CMP_OP`.
/// `NFT_CMP_EQ` (`enum nft_cmp_ops`): equal.
pub const NFT_CMP_EQ: u32 = 0;
/// `NFT_CMP_NEQ`: not equal.
pub const NFT_CMP_NEQ: u32 = 1;
/// `NFT_CMP_LT`: less than.
pub const NFT_CMP_LT: u32 = 2;
/// `NFT_CMP_LTE`: less than or equal.
pub const NFT_CMP_LTE: u32 = 3;
/// `NFT_CMP_GT`: greater than.
pub const NFT_CMP_GT: u32 = 4;
/// `NFT_CMP_GTE`: greater than or equal.
pub const NFT_CMP_GTE: u32 = 5;

// cmp: compare a register with a constant (`enum nft_cmp_attributes`).
/// `NFTA_CMP_UNSPEC` (`enum nft_cmp_attributes`).
pub const NFTA_CMP_UNSPEC: u16 = 0;
/// `NFTA_CMP_SREG`: source register (`NLA_U32`).
pub const NFTA_CMP_SREG: u16 = 1;
/// `NFTA_CMP_OP`: `NFT_CMP_*` (`NLA_U32`).
pub const NFTA_CMP_OP: u16 = 2;
/// `NFTA_CMP_DATA`: the constant, `NFTA_DATA_*` (nested).
pub const NFTA_CMP_DATA: u16 = 3;
/// `NFTA_CMP_MAX`: highest attribute.
pub const NFTA_CMP_MAX: u16 = 3;

// range operators (`enum nft_range_ops`), in `NFTA_RANGE_OP`.
/// `NFT_RANGE_EQ` (`enum nft_range_ops`): inside the range.
pub const NFT_RANGE_EQ: u32 = 0;
/// `NFT_RANGE_NEQ`: outside the range.
pub const NFT_RANGE_NEQ: u32 = 1;

// range: compare a register with an inclusive range (`enum nft_range_attributes`).
/// `NFTA_RANGE_UNSPEC` (`enum nft_range_attributes`).
pub const NFTA_RANGE_UNSPEC: u16 = 0;
/// `NFTA_RANGE_SREG`: source register (`NLA_U32`).
pub const NFTA_RANGE_SREG: u16 = 1;
/// `NFTA_RANGE_OP`: `NFT_RANGE_*` (`NLA_U32`).
pub const NFTA_RANGE_OP: u16 = 2;
/// `NFTA_RANGE_FROM_DATA`: lower bound, `NFTA_DATA_*` (nested).
pub const NFTA_RANGE_FROM_DATA: u16 = 3;
/// `NFTA_RANGE_TO_DATA`: upper bound, `NFTA_DATA_*` (nested).
pub const NFTA_RANGE_TO_DATA: u16 = 4;
/// `NFTA_RANGE_MAX`: highest attribute.
pub const NFTA_RANGE_MAX: u16 = 4;

// lookup flags (`enum nft_lookup_flags`), in `NFTA_LOOKUP_FLAGS`.
/// `NFT_LOOKUP_F_INV` (`enum nft_lookup_flags`): match if the key is absent.
pub const NFT_LOOKUP_F_INV: u32 = 0x1;

// lookup: look a register up in a set or map (`enum nft_lookup_attributes`).
/// `NFTA_LOOKUP_UNSPEC` (`enum nft_lookup_attributes`).
pub const NFTA_LOOKUP_UNSPEC: u16 = 0;
/// `NFTA_LOOKUP_SET`: set name (string).
pub const NFTA_LOOKUP_SET: u16 = 1;
/// `NFTA_LOOKUP_SREG`: register holding the key (`NLA_U32`).
pub const NFTA_LOOKUP_SREG: u16 = 2;
/// `NFTA_LOOKUP_DREG`: register for the map data (`NLA_U32`).
pub const NFTA_LOOKUP_DREG: u16 = 3;
/// `NFTA_LOOKUP_SET_ID`: id of a set of the same transaction (`NLA_U32`).
pub const NFTA_LOOKUP_SET_ID: u16 = 4;
/// `NFTA_LOOKUP_FLAGS`: `NFT_LOOKUP_F_*` (`NLA_U32`).
pub const NFTA_LOOKUP_FLAGS: u16 = 5;
/// `NFTA_LOOKUP_MAX`: highest attribute.
pub const NFTA_LOOKUP_MAX: u16 = 5;

// dynset operations (`enum nft_dynset_ops`) and flags (`enum nft_dynset_flags`).
/// `NFT_DYNSET_OP_ADD` (`enum nft_dynset_ops`): add the element if absent.
pub const NFT_DYNSET_OP_ADD: u32 = 0;
/// `NFT_DYNSET_OP_UPDATE`: add the element or refresh its timeout.
pub const NFT_DYNSET_OP_UPDATE: u32 = 1;
/// `NFT_DYNSET_OP_DELETE`: delete the element.
pub const NFT_DYNSET_OP_DELETE: u32 = 2;
/// `NFT_DYNSET_F_INV` (`enum nft_dynset_flags`): invert the result of the update.
pub const NFT_DYNSET_F_INV: u32 = 0x1;
/// `NFT_DYNSET_F_EXPR`: `NFTA_DYNSET_EXPRESSIONS` holds several expressions.
pub const NFT_DYNSET_F_EXPR: u32 = 0x2;

// dynset: update a set from the packet path (`enum nft_dynset_attributes`).
/// `NFTA_DYNSET_UNSPEC` (`enum nft_dynset_attributes`).
pub const NFTA_DYNSET_UNSPEC: u16 = 0;
/// `NFTA_DYNSET_SET_NAME`: set name (string).
pub const NFTA_DYNSET_SET_NAME: u16 = 1;
/// `NFTA_DYNSET_SET_ID`: id of a set of the same transaction (`NLA_U32`).
pub const NFTA_DYNSET_SET_ID: u16 = 2;
/// `NFTA_DYNSET_OP`: `NFT_DYNSET_OP_*` (`NLA_U32`).
pub const NFTA_DYNSET_OP: u16 = 3;
/// `NFTA_DYNSET_SREG_KEY`: register holding the key (`NLA_U32`).
pub const NFTA_DYNSET_SREG_KEY: u16 = 4;
/// `NFTA_DYNSET_SREG_DATA`: register holding the map data (`NLA_U32`).
pub const NFTA_DYNSET_SREG_DATA: u16 = 5;
/// `NFTA_DYNSET_TIMEOUT`: element timeout in milliseconds (`NLA_U64`).
pub const NFTA_DYNSET_TIMEOUT: u16 = 6;
/// `NFTA_DYNSET_EXPR`: one expression attached to the element, `NFTA_EXPR_*` (nested).
pub const NFTA_DYNSET_EXPR: u16 = 7;
/// `NFTA_DYNSET_PAD`: padding for 64-bit alignment.
pub const NFTA_DYNSET_PAD: u16 = 8;
/// `NFTA_DYNSET_FLAGS`: `NFT_DYNSET_F_*` (`NLA_U32`).
pub const NFTA_DYNSET_FLAGS: u16 = 9;
/// `NFTA_DYNSET_EXPRESSIONS`: expressions attached to the element, a list of `NFTA_EXPR_*` (nested).
pub const NFTA_DYNSET_EXPRESSIONS: u16 = 10;
/// `NFTA_DYNSET_MAX`: highest attribute.
pub const NFTA_DYNSET_MAX: u16 = 10;

// payload bases (`enum nft_payload_bases`), in `NFTA_PAYLOAD_BASE`.
/// `NFT_PAYLOAD_LL_HEADER` (`enum nft_payload_bases`): link layer header.
pub const NFT_PAYLOAD_LL_HEADER: u32 = 0;
/// `NFT_PAYLOAD_NETWORK_HEADER`: network header.
pub const NFT_PAYLOAD_NETWORK_HEADER: u32 = 1;
/// `NFT_PAYLOAD_TRANSPORT_HEADER`: transport header.
pub const NFT_PAYLOAD_TRANSPORT_HEADER: u32 = 2;
/// `NFT_PAYLOAD_INNER_HEADER`: data after the transport header.
pub const NFT_PAYLOAD_INNER_HEADER: u32 = 3;
/// `NFT_PAYLOAD_TUN_HEADER`: tunnel header (inner expression only; Linux 6.2+).
pub const NFT_PAYLOAD_TUN_HEADER: u32 = 4;

// payload checksum types (`enum nft_payload_csum_types`) and flags (`enum nft_payload_csum_flags`).
/// `NFT_PAYLOAD_CSUM_NONE` (`enum nft_payload_csum_types`): no checksum update.
pub const NFT_PAYLOAD_CSUM_NONE: u32 = 0;
/// `NFT_PAYLOAD_CSUM_INET`: internet checksum (RFC 791).
pub const NFT_PAYLOAD_CSUM_INET: u32 = 1;
/// `NFT_PAYLOAD_CSUM_SCTP`: SCTP CRC-32c (RFC 3309).
pub const NFT_PAYLOAD_CSUM_SCTP: u32 = 2;
/// `NFT_PAYLOAD_L4CSUM_PSEUDOHDR` (`enum nft_payload_csum_flags`): also update the
/// transport checksum, which covers the changed field through the pseudo-header.
pub const NFT_PAYLOAD_L4CSUM_PSEUDOHDR: u32 = 0x1;

// inner: match inside a tunnel (`enum nft_inner_type`, `enum nft_inner_flags`; Linux 6.2+).
/// `NFT_INNER_UNSPEC` (`enum nft_inner_type`): unspecified.
pub const NFT_INNER_UNSPEC: u32 = 0;
/// `NFT_INNER_VXLAN`: VXLAN.
pub const NFT_INNER_VXLAN: u32 = 1;
/// `NFT_INNER_GENEVE`: Geneve.
pub const NFT_INNER_GENEVE: u32 = 2;
/// `NFT_INNER_HDRSIZE` (`enum nft_inner_flags`): `NFTA_INNER_HDRSIZE` gives the tunnel header size.
pub const NFT_INNER_HDRSIZE: u32 = 0x1;
/// `NFT_INNER_LL`: the inner packet has a link layer header.
pub const NFT_INNER_LL: u32 = 0x2;
/// `NFT_INNER_NH`: the inner packet has a network header.
pub const NFT_INNER_NH: u32 = 0x4;
/// `NFT_INNER_TH`: the inner packet has a transport header.
pub const NFT_INNER_TH: u32 = 0x8;
/// `NFT_INNER_MASK`: every inner flag.
pub const NFT_INNER_MASK: u32 = NFT_INNER_HDRSIZE | NFT_INNER_LL | NFT_INNER_NH | NFT_INNER_TH;
/// `NFTA_INNER_UNSPEC` (`enum nft_inner_attributes`).
pub const NFTA_INNER_UNSPEC: u16 = 0;
/// `NFTA_INNER_NUM`: tunnel number, 0 (`NLA_U32`).
pub const NFTA_INNER_NUM: u16 = 1;
/// `NFTA_INNER_TYPE`: `NFT_INNER_*` tunnel type (`NLA_U32`).
pub const NFTA_INNER_TYPE: u16 = 2;
/// `NFTA_INNER_FLAGS`: `NFT_INNER_*` flags (`NLA_U32`).
pub const NFTA_INNER_FLAGS: u16 = 3;
/// `NFTA_INNER_HDRSIZE`: tunnel header size (`NLA_U32`).
pub const NFTA_INNER_HDRSIZE: u16 = 4;
/// `NFTA_INNER_EXPR`: the inner payload or meta expression, `NFTA_EXPR_*` (nested).
pub const NFTA_INNER_EXPR: u16 = 5;
/// `NFTA_INNER_MAX`: highest attribute.
pub const NFTA_INNER_MAX: u16 = 5;

// payload: load or store packet bytes (`enum nft_payload_attributes`).
/// `NFTA_PAYLOAD_UNSPEC` (`enum nft_payload_attributes`).
pub const NFTA_PAYLOAD_UNSPEC: u16 = 0;
/// `NFTA_PAYLOAD_DREG`: destination register of a load (`NLA_U32`).
pub const NFTA_PAYLOAD_DREG: u16 = 1;
/// `NFTA_PAYLOAD_BASE`: `NFT_PAYLOAD_*` base (`NLA_U32`).
pub const NFTA_PAYLOAD_BASE: u16 = 2;
/// `NFTA_PAYLOAD_OFFSET`: offset from the base in bytes (`NLA_U32`).
pub const NFTA_PAYLOAD_OFFSET: u16 = 3;
/// `NFTA_PAYLOAD_LEN`: length in bytes (`NLA_U32`).
pub const NFTA_PAYLOAD_LEN: u16 = 4;
/// `NFTA_PAYLOAD_SREG`: source register of a store (`NLA_U32`).
pub const NFTA_PAYLOAD_SREG: u16 = 5;
/// `NFTA_PAYLOAD_CSUM_TYPE`: `NFT_PAYLOAD_CSUM_*` to update after a store (`NLA_U32`).
pub const NFTA_PAYLOAD_CSUM_TYPE: u16 = 6;
/// `NFTA_PAYLOAD_CSUM_OFFSET`: checksum offset from the base (`NLA_U32`).
pub const NFTA_PAYLOAD_CSUM_OFFSET: u16 = 7;
/// `NFTA_PAYLOAD_CSUM_FLAGS`: `NFT_PAYLOAD_L4CSUM_PSEUDOHDR` (`NLA_U32`).
pub const NFTA_PAYLOAD_CSUM_FLAGS: u16 = 8;
/// `NFTA_PAYLOAD_MAX`: highest attribute.
pub const NFTA_PAYLOAD_MAX: u16 = 8;

// exthdr flags (`enum nft_exthdr_flags`) and kinds of header (`enum nft_exthdr_op`).
/// `NFT_EXTHDR_F_PRESENT` (`enum nft_exthdr_flags`): load whether the header/option exists,
/// not its bytes.
pub const NFT_EXTHDR_F_PRESENT: u32 = 0x1;
/// `NFT_EXTHDR_OP_IPV6` (`enum nft_exthdr_op`): IPv6 extension headers.
pub const NFT_EXTHDR_OP_IPV6: u32 = 0;
/// `NFT_EXTHDR_OP_TCPOPT`: TCP options.
pub const NFT_EXTHDR_OP_TCPOPT: u32 = 1;
/// `NFT_EXTHDR_OP_IPV4`: IPv4 options.
pub const NFT_EXTHDR_OP_IPV4: u32 = 2;
/// `NFT_EXTHDR_OP_SCTP`: SCTP chunks.
pub const NFT_EXTHDR_OP_SCTP: u32 = 3;
/// `NFT_EXTHDR_OP_DCCP`: DCCP options.
pub const NFT_EXTHDR_OP_DCCP: u32 = 4;
/// `NFT_EXTHDR_OP_MAX`: highest kind.
pub const NFT_EXTHDR_OP_MAX: u32 = 4;

// exthdr: extension headers and options (`enum nft_exthdr_attributes`).
/// `NFTA_EXTHDR_UNSPEC` (`enum nft_exthdr_attributes`).
pub const NFTA_EXTHDR_UNSPEC: u16 = 0;
/// `NFTA_EXTHDR_DREG`: destination register (`NLA_U32`).
pub const NFTA_EXTHDR_DREG: u16 = 1;
/// `NFTA_EXTHDR_TYPE`: header, option or chunk type (`NLA_U8`).
pub const NFTA_EXTHDR_TYPE: u16 = 2;
/// `NFTA_EXTHDR_OFFSET`: offset in it (`NLA_U32`).
pub const NFTA_EXTHDR_OFFSET: u16 = 3;
/// `NFTA_EXTHDR_LEN`: length in bytes (`NLA_U32`).
pub const NFTA_EXTHDR_LEN: u16 = 4;
/// `NFTA_EXTHDR_FLAGS`: `NFT_EXTHDR_F_*` (`NLA_U32`).
pub const NFTA_EXTHDR_FLAGS: u16 = 5;
/// `NFTA_EXTHDR_OP`: `NFT_EXTHDR_OP_*` (`NLA_U32`).
pub const NFTA_EXTHDR_OP: u16 = 6;
/// `NFTA_EXTHDR_SREG`: source register of a store (`NLA_U32`).
pub const NFTA_EXTHDR_SREG: u16 = 7;
/// `NFTA_EXTHDR_MAX`: highest attribute.
pub const NFTA_EXTHDR_MAX: u16 = 7;

// meta keys (`enum nft_meta_keys`), in `NFTA_META_KEY`.
/// `NFT_META_LEN` (`enum nft_meta_keys`): packet length.
pub const NFT_META_LEN: u32 = 0;
/// `NFT_META_PROTOCOL`: ethertype of the packet.
pub const NFT_META_PROTOCOL: u32 = 1;
/// `NFT_META_PRIORITY`: packet priority (`skb->priority`).
pub const NFT_META_PRIORITY: u32 = 2;
/// `NFT_META_MARK`: packet mark.
pub const NFT_META_MARK: u32 = 3;
/// `NFT_META_IIF`: input interface index.
pub const NFT_META_IIF: u32 = 4;
/// `NFT_META_OIF`: output interface index.
pub const NFT_META_OIF: u32 = 5;
/// `NFT_META_IIFNAME`: input interface name.
pub const NFT_META_IIFNAME: u32 = 6;
/// `NFT_META_OIFNAME`: output interface name.
pub const NFT_META_OIFNAME: u32 = 7;
/// `NFT_META_IFTYPE`: input interface type (`ARPHRD_*`).
pub const NFT_META_IFTYPE: u32 = 8;
/// `NFT_META_OIFTYPE`: output interface type.
pub const NFT_META_OIFTYPE: u32 = 9;
/// `NFT_META_SKUID`: uid of the sending socket.
pub const NFT_META_SKUID: u32 = 10;
/// `NFT_META_SKGID`: gid of the sending socket.
pub const NFT_META_SKGID: u32 = 11;
/// `NFT_META_NFTRACE`: trace bit.
pub const NFT_META_NFTRACE: u32 = 12;
/// `NFT_META_RTCLASSID`: routing realm.
pub const NFT_META_RTCLASSID: u32 = 13;
/// `NFT_META_SECMARK`: packet secmark.
pub const NFT_META_SECMARK: u32 = 14;
/// `NFT_META_NFPROTO`: netfilter family.
pub const NFT_META_NFPROTO: u32 = 15;
/// `NFT_META_L4PROTO`: layer 4 protocol.
pub const NFT_META_L4PROTO: u32 = 16;
/// `NFT_META_BRI_IIFNAME`: input bridge name.
pub const NFT_META_BRI_IIFNAME: u32 = 17;
/// `NFT_META_BRI_OIFNAME`: output bridge name.
pub const NFT_META_BRI_OIFNAME: u32 = 18;
/// `NFT_META_PKTTYPE`: packet type (unicast, broadcast, multicast, other).
pub const NFT_META_PKTTYPE: u32 = 19;
/// `NFT_META_CPU`: CPU number.
pub const NFT_META_CPU: u32 = 20;
/// `NFT_META_IIFGROUP`: input interface group.
pub const NFT_META_IIFGROUP: u32 = 21;
/// `NFT_META_OIFGROUP`: output interface group.
pub const NFT_META_OIFGROUP: u32 = 22;
/// `NFT_META_CGROUP`: cgroup v1 class id of the socket.
pub const NFT_META_CGROUP: u32 = 23;
/// `NFT_META_PRANDOM`: pseudo-random 32-bit number.
pub const NFT_META_PRANDOM: u32 = 24;
/// `NFT_META_SECPATH`: whether the packet has an IPsec security path.
pub const NFT_META_SECPATH: u32 = 25;
/// `NFT_META_IIFKIND`: input interface kind ("vlan", ...).
pub const NFT_META_IIFKIND: u32 = 26;
/// `NFT_META_OIFKIND`: output interface kind.
pub const NFT_META_OIFKIND: u32 = 27;
/// `NFT_META_BRI_IIFPVID`: port VLAN id of the input bridge port.
pub const NFT_META_BRI_IIFPVID: u32 = 28;
/// `NFT_META_BRI_IIFVPROTO`: VLAN protocol of the input bridge.
pub const NFT_META_BRI_IIFVPROTO: u32 = 29;
/// `NFT_META_TIME_NS`: time in nanoseconds since the epoch.
pub const NFT_META_TIME_NS: u32 = 30;
/// `NFT_META_TIME_DAY`: day of the week, 0 = Sunday.
pub const NFT_META_TIME_DAY: u32 = 31;
/// `NFT_META_TIME_HOUR`: seconds since midnight.
pub const NFT_META_TIME_HOUR: u32 = 32;
/// `NFT_META_SDIF`: index of the L3 master (VRF) slave device.
pub const NFT_META_SDIF: u32 = 33;
/// `NFT_META_SDIFNAME`: name of the L3 master (VRF) slave device.
pub const NFT_META_SDIFNAME: u32 = 34;
/// `NFT_META_BRI_BROUTE`: bridge broute bit (set only).
pub const NFT_META_BRI_BROUTE: u32 = 35;
/// `NFT_META_BRI_IIFHWADDR`: hardware address of the input bridge (Linux 6.18+).
pub const NFT_META_BRI_IIFHWADDR: u32 = 37;
/// `NFT_META_IIFTYPE`: another name of `NFT_META_IFTYPE`.
pub const NFT_META_IIFTYPE: u32 = NFT_META_IFTYPE;

// rt keys (`enum nft_rt_keys`), in `NFTA_RT_KEY`.
/// `NFT_RT_CLASSID` (`enum nft_rt_keys`): routing realm of the route.
pub const NFT_RT_CLASSID: u32 = 0;
/// `NFT_RT_NEXTHOP4`: IPv4 next hop.
pub const NFT_RT_NEXTHOP4: u32 = 1;
/// `NFT_RT_NEXTHOP6`: IPv6 next hop.
pub const NFT_RT_NEXTHOP6: u32 = 2;
/// `NFT_RT_TCPMSS`: TCP MSS of the route's path.
pub const NFT_RT_TCPMSS: u32 = 3;
/// `NFT_RT_XFRM`: whether the route is an IPsec one.
pub const NFT_RT_XFRM: u32 = 4;
/// `NFT_RT_MAX`: highest key.
pub const NFT_RT_MAX: u32 = 4;

// hash functions (`enum nft_hash_types`), in `NFTA_HASH_TYPE`.
/// `NFT_HASH_JENKINS` (`enum nft_hash_types`): Jenkins hash of the source register.
pub const NFT_HASH_JENKINS: u32 = 0;
/// `NFT_HASH_SYM`: symmetric hash of the flow (same both directions).
pub const NFT_HASH_SYM: u32 = 1;

// hash (`enum nft_hash_attributes`).
/// `NFTA_HASH_UNSPEC` (`enum nft_hash_attributes`).
pub const NFTA_HASH_UNSPEC: u16 = 0;
/// `NFTA_HASH_SREG`: source register (`NLA_U32`).
pub const NFTA_HASH_SREG: u16 = 1;
/// `NFTA_HASH_DREG`: destination register (`NLA_U32`).
pub const NFTA_HASH_DREG: u16 = 2;
/// `NFTA_HASH_LEN`: source length in bytes (`NLA_U32`).
pub const NFTA_HASH_LEN: u16 = 3;
/// `NFTA_HASH_MODULUS`: modulus (`NLA_U32`).
pub const NFTA_HASH_MODULUS: u16 = 4;
/// `NFTA_HASH_SEED`: seed (`NLA_U32`).
pub const NFTA_HASH_SEED: u16 = 5;
/// `NFTA_HASH_OFFSET`: added to the result (`NLA_U32`).
pub const NFTA_HASH_OFFSET: u16 = 6;
/// `NFTA_HASH_TYPE`: `NFT_HASH_*` (`NLA_U32`).
pub const NFTA_HASH_TYPE: u16 = 7;
/// `NFTA_HASH_SET_NAME`: deprecated, rejected.
pub const NFTA_HASH_SET_NAME: u16 = 8;
/// `NFTA_HASH_SET_ID`: deprecated, rejected.
pub const NFTA_HASH_SET_ID: u16 = 9;
/// `NFTA_HASH_MAX`: highest attribute.
pub const NFTA_HASH_MAX: u16 = 9;

// meta: load or set packet metadata (`enum nft_meta_attributes`).
/// `NFTA_META_UNSPEC` (`enum nft_meta_attributes`).
pub const NFTA_META_UNSPEC: u16 = 0;
/// `NFTA_META_DREG`: destination register of a load (`NLA_U32`).
pub const NFTA_META_DREG: u16 = 1;
/// `NFTA_META_KEY`: `NFT_META_*` (`NLA_U32`).
pub const NFTA_META_KEY: u16 = 2;
/// `NFTA_META_SREG`: source register of a set (`NLA_U32`).
pub const NFTA_META_SREG: u16 = 3;
/// `NFTA_META_MAX`: highest attribute.
pub const NFTA_META_MAX: u16 = 3;

// rt: routing data (`enum nft_rt_attributes`).
/// `NFTA_RT_UNSPEC` (`enum nft_rt_attributes`).
pub const NFTA_RT_UNSPEC: u16 = 0;
/// `NFTA_RT_DREG`: destination register (`NLA_U32`).
pub const NFTA_RT_DREG: u16 = 1;
/// `NFTA_RT_KEY`: `NFT_RT_*` (`NLA_U32`).
pub const NFTA_RT_KEY: u16 = 2;
/// `NFTA_RT_MAX`: highest attribute.
pub const NFTA_RT_MAX: u16 = 2;

// socket: the packet's socket (`enum nft_socket_attributes`, `enum nft_socket_keys`).
/// `NFTA_SOCKET_UNSPEC` (`enum nft_socket_attributes`).
pub const NFTA_SOCKET_UNSPEC: u16 = 0;
/// `NFTA_SOCKET_KEY`: `NFT_SOCKET_*` (`NLA_U32`).
pub const NFTA_SOCKET_KEY: u16 = 1;
/// `NFTA_SOCKET_DREG`: destination register (`NLA_U32`).
pub const NFTA_SOCKET_DREG: u16 = 2;
/// `NFTA_SOCKET_LEVEL`: cgroup v2 ancestor level (`NLA_U32`).
pub const NFTA_SOCKET_LEVEL: u16 = 3;
/// `NFTA_SOCKET_MAX`: highest attribute.
pub const NFTA_SOCKET_MAX: u16 = 3;
/// `NFT_SOCKET_TRANSPARENT` (`enum nft_socket_keys`): the socket's `IP(V6)_TRANSPARENT` option.
pub const NFT_SOCKET_TRANSPARENT: u32 = 0;
/// `NFT_SOCKET_MARK`: the socket mark.
pub const NFT_SOCKET_MARK: u32 = 1;
/// `NFT_SOCKET_WILDCARD`: whether the socket is bound to the wildcard address.
pub const NFT_SOCKET_WILDCARD: u32 = 2;
/// `NFT_SOCKET_CGROUPV2`: cgroup v2 id of the socket at `NFTA_SOCKET_LEVEL`.
pub const NFT_SOCKET_CGROUPV2: u32 = 3;
/// `NFT_SOCKET_MAX`: highest key.
pub const NFT_SOCKET_MAX: u32 = 3;

// ct keys (`enum nft_ct_keys`), in `NFTA_CT_KEY`.
/// `NFT_CT_STATE` (`enum nft_ct_keys`): state bits (`NF_CT_STATE_*`).
pub const NFT_CT_STATE: u32 = 0;
/// `NFT_CT_DIRECTION`: direction of the packet (`IP_CT_DIR_*`).
pub const NFT_CT_DIRECTION: u32 = 1;
/// `NFT_CT_STATUS`: status bits (`IPS_*`).
pub const NFT_CT_STATUS: u32 = 2;
/// `NFT_CT_MARK`: conntrack mark.
pub const NFT_CT_MARK: u32 = 3;
/// `NFT_CT_SECMARK`: conntrack secmark.
pub const NFT_CT_SECMARK: u32 = 4;
/// `NFT_CT_EXPIRATION`: time left in milliseconds.
pub const NFT_CT_EXPIRATION: u32 = 5;
/// `NFT_CT_HELPER`: helper name.
pub const NFT_CT_HELPER: u32 = 6;
/// `NFT_CT_L3PROTOCOL`: layer 3 family.
pub const NFT_CT_L3PROTOCOL: u32 = 7;
/// `NFT_CT_SRC`: source address, 4 or 16 bytes (deprecated by `NFT_CT_SRC_IP`/`_IP6`).
pub const NFT_CT_SRC: u32 = 8;
/// `NFT_CT_DST`: destination address, 4 or 16 bytes (deprecated).
pub const NFT_CT_DST: u32 = 9;
/// `NFT_CT_PROTOCOL`: layer 4 protocol.
pub const NFT_CT_PROTOCOL: u32 = 10;
/// `NFT_CT_PROTO_SRC`: layer 4 source (port).
pub const NFT_CT_PROTO_SRC: u32 = 11;
/// `NFT_CT_PROTO_DST`: layer 4 destination (port).
pub const NFT_CT_PROTO_DST: u32 = 12;
/// `NFT_CT_LABELS`: conntrack labels (128 bits).
pub const NFT_CT_LABELS: u32 = 13;
/// `NFT_CT_PKTS`: packet counter.
pub const NFT_CT_PKTS: u32 = 14;
/// `NFT_CT_BYTES`: byte counter.
pub const NFT_CT_BYTES: u32 = 15;
/// `NFT_CT_AVGPKT`: average bytes per packet.
pub const NFT_CT_AVGPKT: u32 = 16;
/// `NFT_CT_ZONE`: conntrack zone.
pub const NFT_CT_ZONE: u32 = 17;
/// `NFT_CT_EVENTMASK`: ctnetlink events to generate (set only).
pub const NFT_CT_EVENTMASK: u32 = 18;
/// `NFT_CT_SRC_IP`: IPv4 source address.
pub const NFT_CT_SRC_IP: u32 = 19;
/// `NFT_CT_DST_IP`: IPv4 destination address.
pub const NFT_CT_DST_IP: u32 = 20;
/// `NFT_CT_SRC_IP6`: IPv6 source address.
pub const NFT_CT_SRC_IP6: u32 = 21;
/// `NFT_CT_DST_IP6`: IPv6 destination address.
pub const NFT_CT_DST_IP6: u32 = 22;
/// `NFT_CT_ID`: conntrack id.
pub const NFT_CT_ID: u32 = 23;
/// `NFT_CT_MAX`: highest key.
pub const NFT_CT_MAX: u32 = 23;

// ct: load or set conntrack data (`enum nft_ct_attributes`).
/// `NFTA_CT_UNSPEC` (`enum nft_ct_attributes`).
pub const NFTA_CT_UNSPEC: u16 = 0;
/// `NFTA_CT_DREG`: destination register of a load (`NLA_U32`).
pub const NFTA_CT_DREG: u16 = 1;
/// `NFTA_CT_KEY`: `NFT_CT_*` (`NLA_U32`).
pub const NFTA_CT_KEY: u16 = 2;
/// `NFTA_CT_DIRECTION`: `IP_CT_DIR_ORIGINAL` or `IP_CT_DIR_REPLY` for directional keys (`NLA_U8`).
pub const NFTA_CT_DIRECTION: u16 = 3;
/// `NFTA_CT_SREG`: source register of a set (`NLA_U32`).
pub const NFTA_CT_SREG: u16 = 4;
/// `NFTA_CT_MAX`: highest attribute.
pub const NFTA_CT_MAX: u16 = 4;

// flow_offload: send the flow to a flowtable (`enum nft_offload_attributes`).
/// `NFTA_FLOW_UNSPEC` (`enum nft_offload_attributes`).
pub const NFTA_FLOW_UNSPEC: u16 = 0;
/// `NFTA_FLOW_TABLE_NAME`: flowtable name (string).
pub const NFTA_FLOW_TABLE_NAME: u16 = 1;
/// `NFTA_FLOW_MAX`: highest attribute.
pub const NFTA_FLOW_MAX: u16 = 1;

// limit types (`enum nft_limit_type`) and flags (`enum nft_limit_flags`).
/// `NFT_LIMIT_PKTS` (`enum nft_limit_type`): limit packets.
pub const NFT_LIMIT_PKTS: u32 = 0;
/// `NFT_LIMIT_PKT_BYTES`: limit bytes.
pub const NFT_LIMIT_PKT_BYTES: u32 = 1;
/// `NFT_LIMIT_F_INV` (`enum nft_limit_flags`): match when over the limit.
pub const NFT_LIMIT_F_INV: u32 = 0x1;

// limit (`enum nft_limit_attributes`), expression and object.
/// `NFTA_LIMIT_UNSPEC` (`enum nft_limit_attributes`).
pub const NFTA_LIMIT_UNSPEC: u16 = 0;
/// `NFTA_LIMIT_RATE`: packets or bytes per unit (`NLA_U64`).
pub const NFTA_LIMIT_RATE: u16 = 1;
/// `NFTA_LIMIT_UNIT`: unit in seconds (`NLA_U64`).
pub const NFTA_LIMIT_UNIT: u16 = 2;
/// `NFTA_LIMIT_BURST`: burst (`NLA_U32`).
pub const NFTA_LIMIT_BURST: u16 = 3;
/// `NFTA_LIMIT_TYPE`: `NFT_LIMIT_PKTS` or `NFT_LIMIT_PKT_BYTES` (`NLA_U32`).
pub const NFTA_LIMIT_TYPE: u16 = 4;
/// `NFTA_LIMIT_FLAGS`: `NFT_LIMIT_F_*` (`NLA_U32`).
pub const NFTA_LIMIT_FLAGS: u16 = 5;
/// `NFTA_LIMIT_PAD`: padding for 64-bit alignment.
pub const NFTA_LIMIT_PAD: u16 = 6;
/// `NFTA_LIMIT_MAX`: highest attribute.
pub const NFTA_LIMIT_MAX: u16 = 6;

// connlimit (`enum nft_connlimit_flags`, `enum nft_connlimit_attributes`), expression and object.
/// `NFT_CONNLIMIT_F_INV` (`enum nft_connlimit_flags`): match when the count is over
/// `NFTA_CONNLIMIT_COUNT` (without it: when at most).
pub const NFT_CONNLIMIT_F_INV: u32 = 0x1;
/// `NFTA_CONNLIMIT_UNSPEC` (`enum nft_connlimit_attributes`).
pub const NFTA_CONNLIMIT_UNSPEC: u16 = 0;
/// `NFTA_CONNLIMIT_COUNT`: connection count (`NLA_U32`).
pub const NFTA_CONNLIMIT_COUNT: u16 = 1;
/// `NFTA_CONNLIMIT_FLAGS`: `NFT_CONNLIMIT_F_*` (`NLA_U32`).
pub const NFTA_CONNLIMIT_FLAGS: u16 = 2;
/// `NFTA_CONNLIMIT_MAX`: highest attribute.
pub const NFTA_CONNLIMIT_MAX: u16 = 2;

// counter (`enum nft_counter_attributes`), expression, object and chain counters.
/// `NFTA_COUNTER_UNSPEC` (`enum nft_counter_attributes`).
pub const NFTA_COUNTER_UNSPEC: u16 = 0;
/// `NFTA_COUNTER_BYTES`: bytes (`NLA_U64`).
pub const NFTA_COUNTER_BYTES: u16 = 1;
/// `NFTA_COUNTER_PACKETS`: packets (`NLA_U64`).
pub const NFTA_COUNTER_PACKETS: u16 = 2;
/// `NFTA_COUNTER_PAD`: padding for 64-bit alignment.
pub const NFTA_COUNTER_PAD: u16 = 3;
/// `NFTA_COUNTER_MAX`: highest attribute.
pub const NFTA_COUNTER_MAX: u16 = 3;

// last: when the rule last matched (`enum nft_last_attributes`).
/// `NFTA_LAST_UNSPEC` (`enum nft_last_attributes`).
pub const NFTA_LAST_UNSPEC: u16 = 0;
/// `NFTA_LAST_SET`: 1 once it matched (`NLA_U32`).
pub const NFTA_LAST_SET: u16 = 1;
/// `NFTA_LAST_MSECS`: milliseconds since it last matched (`NLA_U64`).
pub const NFTA_LAST_MSECS: u16 = 2;
/// `NFTA_LAST_PAD`: padding for 64-bit alignment.
pub const NFTA_LAST_PAD: u16 = 3;
/// `NFTA_LAST_MAX`: highest attribute.
pub const NFTA_LAST_MAX: u16 = 3;

// log (`enum nft_log_attributes`).
/// `NFTA_LOG_UNSPEC` (`enum nft_log_attributes`).
pub const NFTA_LOG_UNSPEC: u16 = 0;
/// `NFTA_LOG_GROUP`: nflog group; its presence selects nflog over the kernel log (`NLA_U16`).
pub const NFTA_LOG_GROUP: u16 = 1;
/// `NFTA_LOG_PREFIX`: log prefix (string).
pub const NFTA_LOG_PREFIX: u16 = 2;
/// `NFTA_LOG_SNAPLEN`: bytes of the packet to copy to nflog (`NLA_U32`).
pub const NFTA_LOG_SNAPLEN: u16 = 3;
/// `NFTA_LOG_QTHRESHOLD`: nflog queue threshold (`NLA_U16`).
pub const NFTA_LOG_QTHRESHOLD: u16 = 4;
/// `NFTA_LOG_LEVEL`: `NFT_LOGLEVEL_*` (`NLA_U32`).
pub const NFTA_LOG_LEVEL: u16 = 5;
/// `NFTA_LOG_FLAGS`: kernel log flags `NF_LOG_*` (`NLA_U32`).
pub const NFTA_LOG_FLAGS: u16 = 6;
/// `NFTA_LOG_MAX`: highest attribute.
pub const NFTA_LOG_MAX: u16 = 6;

// log levels (`enum nft_log_level`), in `NFTA_LOG_LEVEL`: syslog levels plus audit.
/// `NFT_LOGLEVEL_EMERG` (`enum nft_log_level`): emergency.
pub const NFT_LOGLEVEL_EMERG: u32 = 0;
/// `NFT_LOGLEVEL_ALERT`: alert.
pub const NFT_LOGLEVEL_ALERT: u32 = 1;
/// `NFT_LOGLEVEL_CRIT`: critical.
pub const NFT_LOGLEVEL_CRIT: u32 = 2;
/// `NFT_LOGLEVEL_ERR`: error.
pub const NFT_LOGLEVEL_ERR: u32 = 3;
/// `NFT_LOGLEVEL_WARNING`: warning.
pub const NFT_LOGLEVEL_WARNING: u32 = 4;
/// `NFT_LOGLEVEL_NOTICE`: notice.
pub const NFT_LOGLEVEL_NOTICE: u32 = 5;
/// `NFT_LOGLEVEL_INFO`: informational.
pub const NFT_LOGLEVEL_INFO: u32 = 6;
/// `NFT_LOGLEVEL_DEBUG`: debug.
pub const NFT_LOGLEVEL_DEBUG: u32 = 7;
/// `NFT_LOGLEVEL_AUDIT`: send to the audit subsystem instead.
pub const NFT_LOGLEVEL_AUDIT: u32 = 8;
/// `NFT_LOGLEVEL_MAX`: highest level.
pub const NFT_LOGLEVEL_MAX: u32 = 8;

// queue (`enum nft_queue_attributes`) and its flags, in `NFTA_QUEUE_FLAGS` (`NLA_U16`).
/// `NFTA_QUEUE_UNSPEC` (`enum nft_queue_attributes`).
pub const NFTA_QUEUE_UNSPEC: u16 = 0;
/// `NFTA_QUEUE_NUM`: first queue number (`NLA_U16`).
pub const NFTA_QUEUE_NUM: u16 = 1;
/// `NFTA_QUEUE_TOTAL`: number of queues to spread over (`NLA_U16`).
pub const NFTA_QUEUE_TOTAL: u16 = 2;
/// `NFTA_QUEUE_FLAGS`: `NFT_QUEUE_FLAG_*` (`NLA_U16`).
pub const NFTA_QUEUE_FLAGS: u16 = 3;
/// `NFTA_QUEUE_SREG_QNUM`: register holding the queue number (`NLA_U32`).
pub const NFTA_QUEUE_SREG_QNUM: u16 = 4;
/// `NFTA_QUEUE_MAX`: highest attribute.
pub const NFTA_QUEUE_MAX: u16 = 4;
/// `NFT_QUEUE_FLAG_BYPASS`: accept the packet when no program listens on the queue.
pub const NFT_QUEUE_FLAG_BYPASS: u16 = 0x01;
/// `NFT_QUEUE_FLAG_CPU_FANOUT`: spread by CPU number instead of by flow hash.
pub const NFT_QUEUE_FLAG_CPU_FANOUT: u16 = 0x02;
/// `NFT_QUEUE_FLAG_MASK`: every queue flag.
pub const NFT_QUEUE_FLAG_MASK: u16 = 0x03;

// quota (`enum nft_quota_flags`, `enum nft_quota_attributes`), expression and object.
/// `NFT_QUOTA_F_INV` (`enum nft_quota_flags`): match once the quota is used up (`over`), instead of until it is.
pub const NFT_QUOTA_F_INV: u32 = 0x1;
/// `NFT_QUOTA_F_DEPLETED`: the quota is used up (read-only).
pub const NFT_QUOTA_F_DEPLETED: u32 = 0x2;
/// `NFTA_QUOTA_UNSPEC` (`enum nft_quota_attributes`).
pub const NFTA_QUOTA_UNSPEC: u16 = 0;
/// `NFTA_QUOTA_BYTES`: quota in bytes (`NLA_U64`).
pub const NFTA_QUOTA_BYTES: u16 = 1;
/// `NFTA_QUOTA_FLAGS`: `NFT_QUOTA_F_*` (`NLA_U32`).
pub const NFTA_QUOTA_FLAGS: u16 = 2;
/// `NFTA_QUOTA_PAD`: padding for 64-bit alignment.
pub const NFTA_QUOTA_PAD: u16 = 3;
/// `NFTA_QUOTA_CONSUMED`: bytes already used (`NLA_U64`).
pub const NFTA_QUOTA_CONSUMED: u16 = 4;
/// `NFTA_QUOTA_MAX`: highest attribute.
pub const NFTA_QUOTA_MAX: u16 = 4;

// secmark object (`enum nft_secmark_attributes`).
/// `NFTA_SECMARK_UNSPEC` (`enum nft_secmark_attributes`).
pub const NFTA_SECMARK_UNSPEC: u16 = 0;
/// `NFTA_SECMARK_CTX`: security context (string).
pub const NFTA_SECMARK_CTX: u16 = 1;
/// `NFTA_SECMARK_MAX`: highest attribute.
pub const NFTA_SECMARK_MAX: u16 = 1;
/// `NFT_SECMARK_CTX_MAXLEN`: longest security context.
pub const NFT_SECMARK_CTX_MAXLEN: usize = 4096;

// reject types (`enum nft_reject_types`) and family-independent ICMP codes
// (`enum nft_reject_inet_code`, in `NFTA_REJECT_ICMP_CODE`, `NLA_U8`).
/// `NFT_REJECT_ICMP_UNREACH` (`enum nft_reject_types`): ICMP or ICMPv6 unreachable with a family-specific code.
pub const NFT_REJECT_ICMP_UNREACH: u32 = 0;
/// `NFT_REJECT_TCP_RST`: TCP reset.
pub const NFT_REJECT_TCP_RST: u32 = 1;
/// `NFT_REJECT_ICMPX_UNREACH`: unreachable with an `NFT_REJECT_ICMPX_*` code (inet, bridge, netdev).
pub const NFT_REJECT_ICMPX_UNREACH: u32 = 2;
/// `NFT_REJECT_ICMPX_NO_ROUTE` (`enum nft_reject_inet_code`): no route.
pub const NFT_REJECT_ICMPX_NO_ROUTE: u8 = 0;
/// `NFT_REJECT_ICMPX_PORT_UNREACH`: port unreachable.
pub const NFT_REJECT_ICMPX_PORT_UNREACH: u8 = 1;
/// `NFT_REJECT_ICMPX_HOST_UNREACH`: host unreachable.
pub const NFT_REJECT_ICMPX_HOST_UNREACH: u8 = 2;
/// `NFT_REJECT_ICMPX_ADMIN_PROHIBITED`: administratively prohibited.
pub const NFT_REJECT_ICMPX_ADMIN_PROHIBITED: u8 = 3;
/// `NFT_REJECT_ICMPX_MAX`: highest code.
pub const NFT_REJECT_ICMPX_MAX: u8 = 3;

// reject (`enum nft_reject_attributes`).
/// `NFTA_REJECT_UNSPEC` (`enum nft_reject_attributes`).
pub const NFTA_REJECT_UNSPEC: u16 = 0;
/// `NFTA_REJECT_TYPE`: `NFT_REJECT_*` (`NLA_U32`).
pub const NFTA_REJECT_TYPE: u16 = 1;
/// `NFTA_REJECT_ICMP_CODE`: ICMP code (`NLA_U8`).
pub const NFTA_REJECT_ICMP_CODE: u16 = 2;
/// `NFTA_REJECT_MAX`: highest attribute.
pub const NFTA_REJECT_MAX: u16 = 2;

// nat types (`enum nft_nat_types`) and nat (`enum nft_nat_attributes`).
/// `NFT_NAT_SNAT` (`enum nft_nat_types`): source NAT.
pub const NFT_NAT_SNAT: u32 = 0;
/// `NFT_NAT_DNAT`: destination NAT.
pub const NFT_NAT_DNAT: u32 = 1;
/// `NFTA_NAT_UNSPEC` (`enum nft_nat_attributes`).
pub const NFTA_NAT_UNSPEC: u16 = 0;
/// `NFTA_NAT_TYPE`: `NFT_NAT_*` (`NLA_U32`).
pub const NFTA_NAT_TYPE: u16 = 1;
/// `NFTA_NAT_FAMILY`: address family `NFPROTO_IPV4`/`IPV6` (`NLA_U32`).
pub const NFTA_NAT_FAMILY: u16 = 2;
/// `NFTA_NAT_REG_ADDR_MIN`: register with the lowest address (`NLA_U32`).
pub const NFTA_NAT_REG_ADDR_MIN: u16 = 3;
/// `NFTA_NAT_REG_ADDR_MAX`: register with the highest address (`NLA_U32`).
pub const NFTA_NAT_REG_ADDR_MAX: u16 = 4;
/// `NFTA_NAT_REG_PROTO_MIN`: register with the lowest port (`NLA_U32`).
pub const NFTA_NAT_REG_PROTO_MIN: u16 = 5;
/// `NFTA_NAT_REG_PROTO_MAX`: register with the highest port (`NLA_U32`).
pub const NFTA_NAT_REG_PROTO_MAX: u16 = 6;
/// `NFTA_NAT_FLAGS`: `NF_NAT_RANGE_*` flags (`NLA_U32`).
pub const NFTA_NAT_FLAGS: u16 = 7;
/// `NFTA_NAT_MAX`: highest attribute.
pub const NFTA_NAT_MAX: u16 = 7;

// tproxy (`enum nft_tproxy_attributes`).
/// `NFTA_TPROXY_UNSPEC` (`enum nft_tproxy_attributes`).
pub const NFTA_TPROXY_UNSPEC: u16 = 0;
/// `NFTA_TPROXY_FAMILY`: address family (`NLA_U32`).
pub const NFTA_TPROXY_FAMILY: u16 = 1;
/// `NFTA_TPROXY_REG_ADDR`: register with the address (`NLA_U32`).
pub const NFTA_TPROXY_REG_ADDR: u16 = 2;
/// `NFTA_TPROXY_REG_PORT`: register with the port (`NLA_U32`).
pub const NFTA_TPROXY_REG_PORT: u16 = 3;
/// `NFTA_TPROXY_MAX`: highest attribute.
pub const NFTA_TPROXY_MAX: u16 = 3;

// masq (`enum nft_masq_attributes`).
/// `NFTA_MASQ_UNSPEC` (`enum nft_masq_attributes`).
pub const NFTA_MASQ_UNSPEC: u16 = 0;
/// `NFTA_MASQ_FLAGS`: `NF_NAT_RANGE_*` flags (`NLA_U32`).
pub const NFTA_MASQ_FLAGS: u16 = 1;
/// `NFTA_MASQ_REG_PROTO_MIN`: register with the lowest port (`NLA_U32`).
pub const NFTA_MASQ_REG_PROTO_MIN: u16 = 2;
/// `NFTA_MASQ_REG_PROTO_MAX`: register with the highest port (`NLA_U32`).
pub const NFTA_MASQ_REG_PROTO_MAX: u16 = 3;
/// `NFTA_MASQ_MAX`: highest attribute.
pub const NFTA_MASQ_MAX: u16 = 3;

// redir (`enum nft_redir_attributes`).
/// `NFTA_REDIR_UNSPEC` (`enum nft_redir_attributes`).
pub const NFTA_REDIR_UNSPEC: u16 = 0;
/// `NFTA_REDIR_REG_PROTO_MIN`: register with the lowest port (`NLA_U32`).
pub const NFTA_REDIR_REG_PROTO_MIN: u16 = 1;
/// `NFTA_REDIR_REG_PROTO_MAX`: register with the highest port (`NLA_U32`).
pub const NFTA_REDIR_REG_PROTO_MAX: u16 = 2;
/// `NFTA_REDIR_FLAGS`: `NF_NAT_RANGE_*` flags (`NLA_U32`).
pub const NFTA_REDIR_FLAGS: u16 = 3;
/// `NFTA_REDIR_MAX`: highest attribute.
pub const NFTA_REDIR_MAX: u16 = 3;

// dup (`enum nft_dup_attributes`).
/// `NFTA_DUP_UNSPEC` (`enum nft_dup_attributes`).
pub const NFTA_DUP_UNSPEC: u16 = 0;
/// `NFTA_DUP_SREG_ADDR`: register with the gateway address (`NLA_U32`).
pub const NFTA_DUP_SREG_ADDR: u16 = 1;
/// `NFTA_DUP_SREG_DEV`: register with the output interface index (`NLA_U32`).
pub const NFTA_DUP_SREG_DEV: u16 = 2;
/// `NFTA_DUP_MAX`: highest attribute.
pub const NFTA_DUP_MAX: u16 = 2;

// fwd (`enum nft_fwd_attributes`), netdev family.
/// `NFTA_FWD_UNSPEC` (`enum nft_fwd_attributes`).
pub const NFTA_FWD_UNSPEC: u16 = 0;
/// `NFTA_FWD_SREG_DEV`: register with the output interface index (`NLA_U32`).
pub const NFTA_FWD_SREG_DEV: u16 = 1;
/// `NFTA_FWD_SREG_ADDR`: register with the next hop address (`NLA_U32`).
pub const NFTA_FWD_SREG_ADDR: u16 = 2;
/// `NFTA_FWD_NFPROTO`: family of that address (`NLA_U32`).
pub const NFTA_FWD_NFPROTO: u16 = 3;
/// `NFTA_FWD_MAX`: highest attribute.
pub const NFTA_FWD_MAX: u16 = 3;

// objref: use a stateful object (`enum nft_objref_attributes`).
/// `NFTA_OBJREF_UNSPEC` (`enum nft_objref_attributes`).
pub const NFTA_OBJREF_UNSPEC: u16 = 0;
/// `NFTA_OBJREF_IMM_TYPE`: object type `NFT_OBJECT_*` (`NLA_U32`).
pub const NFTA_OBJREF_IMM_TYPE: u16 = 1;
/// `NFTA_OBJREF_IMM_NAME`: object name (string).
pub const NFTA_OBJREF_IMM_NAME: u16 = 2;
/// `NFTA_OBJREF_SET_SREG`: register holding the key of an object map (`NLA_U32`).
pub const NFTA_OBJREF_SET_SREG: u16 = 3;
/// `NFTA_OBJREF_SET_NAME`: object map name (string).
pub const NFTA_OBJREF_SET_NAME: u16 = 4;
/// `NFTA_OBJREF_SET_ID`: id of an object map of the same transaction (`NLA_U32`).
pub const NFTA_OBJREF_SET_ID: u16 = 5;
/// `NFTA_OBJREF_MAX`: highest attribute.
pub const NFTA_OBJREF_MAX: u16 = 5;

// Ruleset generation (`enum nft_gen_attributes`): `NFT_MSG_NEWGEN` / `NFT_MSG_GETGEN`.
/// `NFTA_GEN_UNSPEC` (`enum nft_gen_attributes`).
pub const NFTA_GEN_UNSPEC: u16 = 0;
/// `NFTA_GEN_ID`: generation id (`NLA_U32`).
pub const NFTA_GEN_ID: u16 = 1;
/// `NFTA_GEN_PROC_PID`: pid of the process that committed it (`NLA_U32`).
pub const NFTA_GEN_PROC_PID: u16 = 2;
/// `NFTA_GEN_PROC_NAME`: name of that process (string).
pub const NFTA_GEN_PROC_NAME: u16 = 3;
/// `NFTA_GEN_MAX`: highest attribute.
pub const NFTA_GEN_MAX: u16 = 3;

// fib: route lookup (`enum nft_fib_attributes`, `enum nft_fib_result`, `enum nft_fib_flags`).
/// `NFTA_FIB_UNSPEC` (`enum nft_fib_attributes`).
pub const NFTA_FIB_UNSPEC: u16 = 0;
/// `NFTA_FIB_DREG`: destination register (`NLA_U32`).
pub const NFTA_FIB_DREG: u16 = 1;
/// `NFTA_FIB_RESULT`: `NFT_FIB_RESULT_*` (`NLA_U32`).
pub const NFTA_FIB_RESULT: u16 = 2;
/// `NFTA_FIB_FLAGS`: `NFTA_FIB_F_*` (`NLA_U32`).
pub const NFTA_FIB_FLAGS: u16 = 3;
/// `NFTA_FIB_MAX`: highest attribute.
pub const NFTA_FIB_MAX: u16 = 3;
/// `NFT_FIB_RESULT_UNSPEC` (`enum nft_fib_result`): unspecified.
pub const NFT_FIB_RESULT_UNSPEC: u32 = 0;
/// `NFT_FIB_RESULT_OIF`: output interface index.
pub const NFT_FIB_RESULT_OIF: u32 = 1;
/// `NFT_FIB_RESULT_OIFNAME`: output interface name.
pub const NFT_FIB_RESULT_OIFNAME: u32 = 2;
/// `NFT_FIB_RESULT_ADDRTYPE`: address type (`RTN_*`).
pub const NFT_FIB_RESULT_ADDRTYPE: u32 = 3;
/// `NFT_FIB_RESULT_MAX`: highest result.
pub const NFT_FIB_RESULT_MAX: u32 = 3;
/// `NFTA_FIB_F_SADDR` (`enum nft_fib_flags`): look up the source address.
pub const NFTA_FIB_F_SADDR: u32 = 0x1;
/// `NFTA_FIB_F_DADDR`: look up the destination address.
pub const NFTA_FIB_F_DADDR: u32 = 0x2;
/// `NFTA_FIB_F_MARK`: use the packet mark.
pub const NFTA_FIB_F_MARK: u32 = 0x4;
/// `NFTA_FIB_F_IIF`: restrict to the input interface.
pub const NFTA_FIB_F_IIF: u32 = 0x8;
/// `NFTA_FIB_F_OIF`: restrict to the output interface.
pub const NFTA_FIB_F_OIF: u32 = 0x10;
/// `NFTA_FIB_F_PRESENT`: only check that a result exists.
pub const NFTA_FIB_F_PRESENT: u32 = 0x20;

// ct helper object (`enum nft_ct_helper_attributes`).
/// `NFTA_CT_HELPER_UNSPEC` (`enum nft_ct_helper_attributes`).
pub const NFTA_CT_HELPER_UNSPEC: u16 = 0;
/// `NFTA_CT_HELPER_NAME`: helper name (string).
pub const NFTA_CT_HELPER_NAME: u16 = 1;
/// `NFTA_CT_HELPER_L3PROTO`: layer 3 family (`NLA_U16`).
pub const NFTA_CT_HELPER_L3PROTO: u16 = 2;
/// `NFTA_CT_HELPER_L4PROTO`: layer 4 protocol (`NLA_U8`).
pub const NFTA_CT_HELPER_L4PROTO: u16 = 3;
/// `NFTA_CT_HELPER_MAX`: highest attribute.
pub const NFTA_CT_HELPER_MAX: u16 = 3;

// ct timeout object (`enum nft_ct_timeout_timeout_attributes`).
/// `NFTA_CT_TIMEOUT_UNSPEC` (`enum nft_ct_timeout_timeout_attributes`).
pub const NFTA_CT_TIMEOUT_UNSPEC: u16 = 0;
/// `NFTA_CT_TIMEOUT_L3PROTO`: layer 3 family (`NLA_U16`).
pub const NFTA_CT_TIMEOUT_L3PROTO: u16 = 1;
/// `NFTA_CT_TIMEOUT_L4PROTO`: layer 4 protocol (`NLA_U8`).
pub const NFTA_CT_TIMEOUT_L4PROTO: u16 = 2;
/// `NFTA_CT_TIMEOUT_DATA`: per-state timeouts, the cttimeout `CTA_TIMEOUT_*` of the protocol (nested).
pub const NFTA_CT_TIMEOUT_DATA: u16 = 3;
/// `NFTA_CT_TIMEOUT_MAX`: highest attribute.
pub const NFTA_CT_TIMEOUT_MAX: u16 = 3;

// ct expectation object (`enum nft_ct_expectation_attributes`).
/// `NFTA_CT_EXPECT_UNSPEC` (`enum nft_ct_expectation_attributes`).
pub const NFTA_CT_EXPECT_UNSPEC: u16 = 0;
/// `NFTA_CT_EXPECT_L3PROTO`: layer 3 family (`NLA_U16`).
pub const NFTA_CT_EXPECT_L3PROTO: u16 = 1;
/// `NFTA_CT_EXPECT_L4PROTO`: layer 4 protocol (`NLA_U8`).
pub const NFTA_CT_EXPECT_L4PROTO: u16 = 2;
/// `NFTA_CT_EXPECT_DPORT`: destination port, big-endian (`NLA_U16`).
pub const NFTA_CT_EXPECT_DPORT: u16 = 3;
/// `NFTA_CT_EXPECT_TIMEOUT`: timeout in milliseconds (`NLA_U32`).
pub const NFTA_CT_EXPECT_TIMEOUT: u16 = 4;
/// `NFTA_CT_EXPECT_SIZE`: most expectations at once (`NLA_U8`).
pub const NFTA_CT_EXPECT_SIZE: u16 = 5;
/// `NFTA_CT_EXPECT_MAX`: highest attribute.
pub const NFTA_CT_EXPECT_MAX: u16 = 5;

// Stateful object types (`NFT_OBJECT_*` defines), in `NFTA_OBJ_TYPE`, `NFTA_SET_OBJ_TYPE`, `NFTA_OBJREF_IMM_TYPE`.
/// `NFT_OBJECT_UNSPEC`: unspecified.
pub const NFT_OBJECT_UNSPEC: u32 = 0;
/// `NFT_OBJECT_COUNTER`: counter (`NFTA_COUNTER_*`).
pub const NFT_OBJECT_COUNTER: u32 = 1;
/// `NFT_OBJECT_QUOTA`: quota (`NFTA_QUOTA_*`).
pub const NFT_OBJECT_QUOTA: u32 = 2;
/// `NFT_OBJECT_CT_HELPER`: ct helper (`NFTA_CT_HELPER_*`).
pub const NFT_OBJECT_CT_HELPER: u32 = 3;
/// `NFT_OBJECT_LIMIT`: limit (`NFTA_LIMIT_*`).
pub const NFT_OBJECT_LIMIT: u32 = 4;
/// `NFT_OBJECT_CONNLIMIT`: connlimit (`NFTA_CONNLIMIT_*`).
pub const NFT_OBJECT_CONNLIMIT: u32 = 5;
/// `NFT_OBJECT_TUNNEL`: tunnel (`NFTA_TUNNEL_KEY_*`).
pub const NFT_OBJECT_TUNNEL: u32 = 6;
/// `NFT_OBJECT_CT_TIMEOUT`: ct timeout (`NFTA_CT_TIMEOUT_*`).
pub const NFT_OBJECT_CT_TIMEOUT: u32 = 7;
/// `NFT_OBJECT_SECMARK`: secmark (`NFTA_SECMARK_*`).
pub const NFT_OBJECT_SECMARK: u32 = 8;
/// `NFT_OBJECT_CT_EXPECT`: ct expectation (`NFTA_CT_EXPECT_*`).
pub const NFT_OBJECT_CT_EXPECT: u32 = 9;
/// `NFT_OBJECT_SYNPROXY`: synproxy (`NFTA_SYNPROXY_*`).
pub const NFT_OBJECT_SYNPROXY: u32 = 10;
/// `NFT_OBJECT_MAX`: highest object type.
pub const NFT_OBJECT_MAX: u32 = 10;

// Stateful objects (`enum nft_object_attributes`).
/// `NFTA_OBJ_UNSPEC` (`enum nft_object_attributes`).
pub const NFTA_OBJ_UNSPEC: u16 = 0;
/// `NFTA_OBJ_TABLE`: table name (string).
pub const NFTA_OBJ_TABLE: u16 = 1;
/// `NFTA_OBJ_NAME`: object name (string).
pub const NFTA_OBJ_NAME: u16 = 2;
/// `NFTA_OBJ_TYPE`: `NFT_OBJECT_*` (`NLA_U32`).
pub const NFTA_OBJ_TYPE: u16 = 3;
/// `NFTA_OBJ_DATA`: the object's own attributes (nested).
pub const NFTA_OBJ_DATA: u16 = 4;
/// `NFTA_OBJ_USE`: number of references (`NLA_U32`, read-only).
pub const NFTA_OBJ_USE: u16 = 5;
/// `NFTA_OBJ_HANDLE`: object handle (`NLA_U64`).
pub const NFTA_OBJ_HANDLE: u16 = 6;
/// `NFTA_OBJ_PAD`: padding for 64-bit alignment.
pub const NFTA_OBJ_PAD: u16 = 7;
/// `NFTA_OBJ_USERDATA`: user data (binary).
pub const NFTA_OBJ_USERDATA: u16 = 8;
/// `NFTA_OBJ_MAX`: highest attribute.
pub const NFTA_OBJ_MAX: u16 = 8;

// Flowtable flags (`enum nft_flowtable_flags`), in `NFTA_FLOWTABLE_FLAGS`.
/// `NFT_FLOWTABLE_HW_OFFLOAD` (`enum nft_flowtable_flags`): offload flows to hardware.
pub const NFT_FLOWTABLE_HW_OFFLOAD: u32 = 0x1;
/// `NFT_FLOWTABLE_COUNTER`: count packets and bytes of offloaded flows.
pub const NFT_FLOWTABLE_COUNTER: u32 = 0x2;
/// `NFT_FLOWTABLE_MASK`: every flowtable flag.
pub const NFT_FLOWTABLE_MASK: u32 = NFT_FLOWTABLE_HW_OFFLOAD | NFT_FLOWTABLE_COUNTER;

// Flowtables (`enum nft_flowtable_attributes`, `enum nft_flowtable_hook_attributes`).
/// `NFTA_FLOWTABLE_UNSPEC` (`enum nft_flowtable_attributes`).
pub const NFTA_FLOWTABLE_UNSPEC: u16 = 0;
/// `NFTA_FLOWTABLE_TABLE`: table name (string).
pub const NFTA_FLOWTABLE_TABLE: u16 = 1;
/// `NFTA_FLOWTABLE_NAME`: flowtable name (string).
pub const NFTA_FLOWTABLE_NAME: u16 = 2;
/// `NFTA_FLOWTABLE_HOOK`: hook, `NFTA_FLOWTABLE_HOOK_*` (nested).
pub const NFTA_FLOWTABLE_HOOK: u16 = 3;
/// `NFTA_FLOWTABLE_USE`: number of references (`NLA_U32`, read-only).
pub const NFTA_FLOWTABLE_USE: u16 = 4;
/// `NFTA_FLOWTABLE_HANDLE`: flowtable handle (`NLA_U64`).
pub const NFTA_FLOWTABLE_HANDLE: u16 = 5;
/// `NFTA_FLOWTABLE_PAD`: padding for 64-bit alignment.
pub const NFTA_FLOWTABLE_PAD: u16 = 6;
/// `NFTA_FLOWTABLE_FLAGS`: `NFT_FLOWTABLE_*` (`NLA_U32`).
pub const NFTA_FLOWTABLE_FLAGS: u16 = 7;
/// `NFTA_FLOWTABLE_MAX`: highest attribute.
pub const NFTA_FLOWTABLE_MAX: u16 = 7;
/// `NFTA_FLOWTABLE_HOOK_UNSPEC` (`enum nft_flowtable_hook_attributes`).
pub const NFTA_FLOWTABLE_HOOK_UNSPEC: u16 = 0;
/// `NFTA_FLOWTABLE_HOOK_NUM`: hook number, `NF_NETDEV_INGRESS` (`NLA_U32`).
pub const NFTA_FLOWTABLE_HOOK_NUM: u16 = 1;
/// `NFTA_FLOWTABLE_HOOK_PRIORITY`: hook priority (`NLA_U32`, signed).
pub const NFTA_FLOWTABLE_HOOK_PRIORITY: u16 = 2;
/// `NFTA_FLOWTABLE_HOOK_DEVS`: devices, `NFTA_DEVICE_*` (nested).
pub const NFTA_FLOWTABLE_HOOK_DEVS: u16 = 3;
/// `NFTA_FLOWTABLE_HOOK_MAX`: highest attribute.
pub const NFTA_FLOWTABLE_HOOK_MAX: u16 = 3;

// osf: passive OS fingerprint (`enum nft_osf_attributes`, `enum nft_osf_flags`).
/// `NFTA_OSF_UNSPEC` (`enum nft_osf_attributes`).
pub const NFTA_OSF_UNSPEC: u16 = 0;
/// `NFTA_OSF_DREG`: destination register (`NLA_U32`).
pub const NFTA_OSF_DREG: u16 = 1;
/// `NFTA_OSF_TTL`: TTL check mode (`NLA_U8`).
pub const NFTA_OSF_TTL: u16 = 2;
/// `NFTA_OSF_FLAGS`: `NFT_OSF_F_*` (`NLA_U32`).
pub const NFTA_OSF_FLAGS: u16 = 3;
/// `NFTA_OSF_MAX`: highest attribute.
pub const NFTA_OSF_MAX: u16 = 3;
/// `NFT_OSF_F_VERSION` (`enum nft_osf_flags`): load genre and version, not the genre alone.
pub const NFT_OSF_F_VERSION: u32 = 0x1;

// synproxy, expression and object (`enum nft_synproxy_attributes`).
/// `NFTA_SYNPROXY_UNSPEC` (`enum nft_synproxy_attributes`).
pub const NFTA_SYNPROXY_UNSPEC: u16 = 0;
/// `NFTA_SYNPROXY_MSS`: MSS announced to the client (`NLA_U16`).
pub const NFTA_SYNPROXY_MSS: u16 = 1;
/// `NFTA_SYNPROXY_WSCALE`: window scale announced (`NLA_U8`).
pub const NFTA_SYNPROXY_WSCALE: u16 = 2;
/// `NFTA_SYNPROXY_FLAGS`: `NF_SYNPROXY_OPT_*` (`NLA_U32`).
pub const NFTA_SYNPROXY_FLAGS: u16 = 3;
/// `NFTA_SYNPROXY_MAX`: highest attribute.
pub const NFTA_SYNPROXY_MAX: u16 = 3;

// Devices of a hook (`enum nft_devices_attributes`), in `NFTA_HOOK_DEVS` / `NFTA_FLOWTABLE_HOOK_DEVS`.
/// `NFTA_DEVICE_UNSPEC` (`enum nft_devices_attributes`).
pub const NFTA_DEVICE_UNSPEC: u16 = 0;
/// `NFTA_DEVICE_NAME`: device name (string).
pub const NFTA_DEVICE_NAME: u16 = 1;
/// `NFTA_DEVICE_PREFIX`: device name prefix, matching every device it starts (string; Linux 6.17+).
pub const NFTA_DEVICE_PREFIX: u16 = 2;
/// `NFTA_DEVICE_MAX`: highest attribute.
pub const NFTA_DEVICE_MAX: u16 = 2;

// xfrm: IPsec state (`enum nft_xfrm_attributes`, `enum nft_xfrm_keys`).
/// `NFTA_XFRM_UNSPEC` (`enum nft_xfrm_attributes`).
pub const NFTA_XFRM_UNSPEC: u16 = 0;
/// `NFTA_XFRM_DREG`: destination register (`NLA_U32`).
pub const NFTA_XFRM_DREG: u16 = 1;
/// `NFTA_XFRM_KEY`: `NFT_XFRM_KEY_*` (`NLA_U32`).
pub const NFTA_XFRM_KEY: u16 = 2;
/// `NFTA_XFRM_DIR`: `XFRM_POLICY_IN` or `XFRM_POLICY_OUT` (`NLA_U8`).
pub const NFTA_XFRM_DIR: u16 = 3;
/// `NFTA_XFRM_SPNUM`: index in the security path (`NLA_U32`).
pub const NFTA_XFRM_SPNUM: u16 = 4;
/// `NFTA_XFRM_MAX`: highest attribute.
pub const NFTA_XFRM_MAX: u16 = 4;
/// `NFT_XFRM_KEY_UNSPEC` (`enum nft_xfrm_keys`): unspecified.
pub const NFT_XFRM_KEY_UNSPEC: u32 = 0;
/// `NFT_XFRM_KEY_DADDR_IP4`: IPv4 tunnel destination.
pub const NFT_XFRM_KEY_DADDR_IP4: u32 = 1;
/// `NFT_XFRM_KEY_DADDR_IP6`: IPv6 tunnel destination.
pub const NFT_XFRM_KEY_DADDR_IP6: u32 = 2;
/// `NFT_XFRM_KEY_SADDR_IP4`: IPv4 tunnel source.
pub const NFT_XFRM_KEY_SADDR_IP4: u32 = 3;
/// `NFT_XFRM_KEY_SADDR_IP6`: IPv6 tunnel source.
pub const NFT_XFRM_KEY_SADDR_IP6: u32 = 4;
/// `NFT_XFRM_KEY_REQID`: request id.
pub const NFT_XFRM_KEY_REQID: u32 = 5;
/// `NFT_XFRM_KEY_SPI`: security parameter index.
pub const NFT_XFRM_KEY_SPI: u32 = 6;
/// `NFT_XFRM_KEY_MAX`: highest key.
pub const NFT_XFRM_KEY_MAX: u32 = 6;

// Trace events (`enum nft_trace_attributes`, `enum nft_trace_types`): `NFT_MSG_TRACE` on `NFNLGRP_NFTRACE`.
/// `NFTA_TRACE_UNSPEC` (`enum nft_trace_attributes`).
pub const NFTA_TRACE_UNSPEC: u16 = 0;
/// `NFTA_TRACE_TABLE`: table name (string).
pub const NFTA_TRACE_TABLE: u16 = 1;
/// `NFTA_TRACE_CHAIN`: chain name (string).
pub const NFTA_TRACE_CHAIN: u16 = 2;
/// `NFTA_TRACE_RULE_HANDLE`: rule handle (`NLA_U64`).
pub const NFTA_TRACE_RULE_HANDLE: u16 = 3;
/// `NFTA_TRACE_TYPE`: `NFT_TRACETYPE_*` (`NLA_U32`).
pub const NFTA_TRACE_TYPE: u16 = 4;
/// `NFTA_TRACE_VERDICT`: verdict, `NFTA_VERDICT_*` (nested).
pub const NFTA_TRACE_VERDICT: u16 = 5;
/// `NFTA_TRACE_ID`: id shared by the events of one packet (`NLA_U32`).
pub const NFTA_TRACE_ID: u16 = 6;
/// `NFTA_TRACE_LL_HEADER`: link layer header (binary).
pub const NFTA_TRACE_LL_HEADER: u16 = 7;
/// `NFTA_TRACE_NETWORK_HEADER`: network header (binary).
pub const NFTA_TRACE_NETWORK_HEADER: u16 = 8;
/// `NFTA_TRACE_TRANSPORT_HEADER`: transport header (binary).
pub const NFTA_TRACE_TRANSPORT_HEADER: u16 = 9;
/// `NFTA_TRACE_IIF`: input interface index (`NLA_U32`).
pub const NFTA_TRACE_IIF: u16 = 10;
/// `NFTA_TRACE_IIFTYPE`: input interface type (`NLA_U16`).
pub const NFTA_TRACE_IIFTYPE: u16 = 11;
/// `NFTA_TRACE_OIF`: output interface index (`NLA_U32`).
pub const NFTA_TRACE_OIF: u16 = 12;
/// `NFTA_TRACE_OIFTYPE`: output interface type (`NLA_U16`).
pub const NFTA_TRACE_OIFTYPE: u16 = 13;
/// `NFTA_TRACE_MARK`: packet mark (`NLA_U32`).
pub const NFTA_TRACE_MARK: u16 = 14;
/// `NFTA_TRACE_NFPROTO`: family (`NLA_U32`).
pub const NFTA_TRACE_NFPROTO: u16 = 15;
/// `NFTA_TRACE_POLICY`: chain policy applied (`NLA_U32`).
pub const NFTA_TRACE_POLICY: u16 = 16;
/// `NFTA_TRACE_PAD`: padding for 64-bit alignment.
pub const NFTA_TRACE_PAD: u16 = 17;
/// `NFTA_TRACE_CT_ID`: conntrack id (`NLA_U32`; Linux 6.16+).
pub const NFTA_TRACE_CT_ID: u16 = 18;
/// `NFTA_TRACE_CT_DIRECTION`: packet direction, `IP_CT_DIR_*` (`NLA_U8`; Linux 6.16+).
pub const NFTA_TRACE_CT_DIRECTION: u16 = 19;
/// `NFTA_TRACE_CT_STATUS`: conntrack status bits `IPS_*` (`NLA_U32`; Linux 6.16+).
pub const NFTA_TRACE_CT_STATUS: u16 = 20;
/// `NFTA_TRACE_CT_STATE`: conntrack state bits, as `NFT_CT_STATE` loads them (`NLA_U32`; Linux 6.16+).
pub const NFTA_TRACE_CT_STATE: u16 = 21;
/// `NFTA_TRACE_MAX`: highest attribute.
pub const NFTA_TRACE_MAX: u16 = 21;
/// `NFT_TRACETYPE_UNSPEC` (`enum nft_trace_types`): unspecified.
pub const NFT_TRACETYPE_UNSPEC: u32 = 0;
/// `NFT_TRACETYPE_POLICY`: the chain policy decided.
pub const NFT_TRACETYPE_POLICY: u32 = 1;
/// `NFT_TRACETYPE_RETURN`: the chain returned.
pub const NFT_TRACETYPE_RETURN: u32 = 2;
/// `NFT_TRACETYPE_RULE`: a rule matched.
pub const NFT_TRACETYPE_RULE: u32 = 3;
/// `NFT_TRACETYPE_MAX`: highest type.
pub const NFT_TRACETYPE_MAX: u32 = 3;

// numgen: number generator (`enum nft_ng_attributes`, `enum nft_ng_types`).
/// `NFTA_NG_UNSPEC` (`enum nft_ng_attributes`).
pub const NFTA_NG_UNSPEC: u16 = 0;
/// `NFTA_NG_DREG`: destination register (`NLA_U32`).
pub const NFTA_NG_DREG: u16 = 1;
/// `NFTA_NG_MODULUS`: modulus (`NLA_U32`).
pub const NFTA_NG_MODULUS: u16 = 2;
/// `NFTA_NG_TYPE`: `NFT_NG_*` (`NLA_U32`).
pub const NFTA_NG_TYPE: u16 = 3;
/// `NFTA_NG_OFFSET`: added to the result (`NLA_U32`).
pub const NFTA_NG_OFFSET: u16 = 4;
/// `NFTA_NG_SET_NAME`: deprecated, rejected.
pub const NFTA_NG_SET_NAME: u16 = 5;
/// `NFTA_NG_SET_ID`: deprecated, rejected.
pub const NFTA_NG_SET_ID: u16 = 6;
/// `NFTA_NG_MAX`: highest attribute.
pub const NFTA_NG_MAX: u16 = 6;
/// `NFT_NG_INCREMENTAL` (`enum nft_ng_types`): counter.
pub const NFT_NG_INCREMENTAL: u32 = 0;
/// `NFT_NG_RANDOM`: random number.
pub const NFT_NG_RANDOM: u32 = 1;
/// `NFT_NG_MAX`: highest type.
pub const NFT_NG_MAX: u32 = 1;

// Tunnel object (`NFT_OBJECT_TUNNEL`) and tunnel expression attributes.
/// `NFTA_TUNNEL_KEY_IP_UNSPEC` (`enum nft_tunnel_key_ip_attributes`).
pub const NFTA_TUNNEL_KEY_IP_UNSPEC: u16 = 0;
/// `NFTA_TUNNEL_KEY_IP_SRC`: IPv4 source, big-endian (`NLA_U32`).
pub const NFTA_TUNNEL_KEY_IP_SRC: u16 = 1;
/// `NFTA_TUNNEL_KEY_IP_DST`: IPv4 destination, big-endian (`NLA_U32`).
pub const NFTA_TUNNEL_KEY_IP_DST: u16 = 2;
/// `NFTA_TUNNEL_KEY_IP_MAX`: highest attribute.
pub const NFTA_TUNNEL_KEY_IP_MAX: u16 = 2;
/// `NFTA_TUNNEL_KEY_IP6_UNSPEC` (`enum nft_tunnel_ip6_attributes`).
pub const NFTA_TUNNEL_KEY_IP6_UNSPEC: u16 = 0;
/// `NFTA_TUNNEL_KEY_IP6_SRC`: IPv6 source (16 bytes).
pub const NFTA_TUNNEL_KEY_IP6_SRC: u16 = 1;
/// `NFTA_TUNNEL_KEY_IP6_DST`: IPv6 destination (16 bytes).
pub const NFTA_TUNNEL_KEY_IP6_DST: u16 = 2;
/// `NFTA_TUNNEL_KEY_IP6_FLOWLABEL`: flow label, big-endian (`NLA_U32`).
pub const NFTA_TUNNEL_KEY_IP6_FLOWLABEL: u16 = 3;
/// `NFTA_TUNNEL_KEY_IP6_MAX`: highest attribute.
pub const NFTA_TUNNEL_KEY_IP6_MAX: u16 = 3;
/// `NFTA_TUNNEL_KEY_OPTS_UNSPEC` (`enum nft_tunnel_opts_attributes`).
pub const NFTA_TUNNEL_KEY_OPTS_UNSPEC: u16 = 0;
/// `NFTA_TUNNEL_KEY_OPTS_VXLAN`: VXLAN options, `NFTA_TUNNEL_KEY_VXLAN_*` (nested).
pub const NFTA_TUNNEL_KEY_OPTS_VXLAN: u16 = 1;
/// `NFTA_TUNNEL_KEY_OPTS_ERSPAN`: ERSPAN options, `NFTA_TUNNEL_KEY_ERSPAN_*` (nested).
pub const NFTA_TUNNEL_KEY_OPTS_ERSPAN: u16 = 2;
/// `NFTA_TUNNEL_KEY_OPTS_GENEVE`: Geneve options, `NFTA_TUNNEL_KEY_GENEVE_*` (nested).
pub const NFTA_TUNNEL_KEY_OPTS_GENEVE: u16 = 3;
/// `NFTA_TUNNEL_KEY_OPTS_MAX`: highest attribute.
pub const NFTA_TUNNEL_KEY_OPTS_MAX: u16 = 3;
/// `NFTA_TUNNEL_KEY_VXLAN_UNSPEC` (`enum nft_tunnel_opts_vxlan_attributes`).
pub const NFTA_TUNNEL_KEY_VXLAN_UNSPEC: u16 = 0;
/// `NFTA_TUNNEL_KEY_VXLAN_GBP`: group based policy id (`NLA_U32`).
pub const NFTA_TUNNEL_KEY_VXLAN_GBP: u16 = 1;
/// `NFTA_TUNNEL_KEY_VXLAN_MAX`: highest attribute.
pub const NFTA_TUNNEL_KEY_VXLAN_MAX: u16 = 1;
/// `NFTA_TUNNEL_KEY_ERSPAN_UNSPEC` (`enum nft_tunnel_opts_erspan_attributes`).
pub const NFTA_TUNNEL_KEY_ERSPAN_UNSPEC: u16 = 0;
/// `NFTA_TUNNEL_KEY_ERSPAN_VERSION`: ERSPAN version 1 or 2 (`NLA_U32`).
pub const NFTA_TUNNEL_KEY_ERSPAN_VERSION: u16 = 1;
/// `NFTA_TUNNEL_KEY_ERSPAN_V1_INDEX`: version 1 index (`NLA_U32`).
pub const NFTA_TUNNEL_KEY_ERSPAN_V1_INDEX: u16 = 2;
/// `NFTA_TUNNEL_KEY_ERSPAN_V2_HWID`: version 2 hardware id (`NLA_U8`).
pub const NFTA_TUNNEL_KEY_ERSPAN_V2_HWID: u16 = 3;
/// `NFTA_TUNNEL_KEY_ERSPAN_V2_DIR`: version 2 direction (`NLA_U8`).
pub const NFTA_TUNNEL_KEY_ERSPAN_V2_DIR: u16 = 4;
/// `NFTA_TUNNEL_KEY_ERSPAN_MAX`: highest attribute.
pub const NFTA_TUNNEL_KEY_ERSPAN_MAX: u16 = 4;
/// `NFTA_TUNNEL_KEY_GENEVE_UNSPEC` (`enum nft_tunnel_opts_geneve_attributes`).
pub const NFTA_TUNNEL_KEY_GENEVE_UNSPEC: u16 = 0;
/// `NFTA_TUNNEL_KEY_GENEVE_CLASS`: option class, big-endian (`NLA_U16`).
pub const NFTA_TUNNEL_KEY_GENEVE_CLASS: u16 = 1;
/// `NFTA_TUNNEL_KEY_GENEVE_TYPE`: option type (`NLA_U8`).
pub const NFTA_TUNNEL_KEY_GENEVE_TYPE: u16 = 2;
/// `NFTA_TUNNEL_KEY_GENEVE_DATA`: option data (binary).
pub const NFTA_TUNNEL_KEY_GENEVE_DATA: u16 = 3;
/// `NFTA_TUNNEL_KEY_GENEVE_MAX`: highest attribute.
pub const NFTA_TUNNEL_KEY_GENEVE_MAX: u16 = 3;
/// `NFT_TUNNEL_F_ZERO_CSUM_TX` (`enum nft_tunnel_flags`): send with a zero UDP checksum.
pub const NFT_TUNNEL_F_ZERO_CSUM_TX: u32 = 0x1;
/// `NFT_TUNNEL_F_DONT_FRAGMENT`: set the don't-fragment bit.
pub const NFT_TUNNEL_F_DONT_FRAGMENT: u32 = 0x2;
/// `NFT_TUNNEL_F_SEQ_NUMBER`: send sequence numbers.
pub const NFT_TUNNEL_F_SEQ_NUMBER: u32 = 0x4;
/// `NFT_TUNNEL_F_MASK`: every tunnel flag.
pub const NFT_TUNNEL_F_MASK: u32 =
    NFT_TUNNEL_F_ZERO_CSUM_TX | NFT_TUNNEL_F_DONT_FRAGMENT | NFT_TUNNEL_F_SEQ_NUMBER;
/// `NFTA_TUNNEL_KEY_UNSPEC` (`enum nft_tunnel_key_attributes`).
pub const NFTA_TUNNEL_KEY_UNSPEC: u16 = 0;
/// `NFTA_TUNNEL_KEY_ID`: tunnel id (`NLA_U32`).
pub const NFTA_TUNNEL_KEY_ID: u16 = 1;
/// `NFTA_TUNNEL_KEY_IP`: IPv4 endpoints, `NFTA_TUNNEL_KEY_IP_*` (nested).
pub const NFTA_TUNNEL_KEY_IP: u16 = 2;
/// `NFTA_TUNNEL_KEY_IP6`: IPv6 endpoints, `NFTA_TUNNEL_KEY_IP6_*` (nested).
pub const NFTA_TUNNEL_KEY_IP6: u16 = 3;
/// `NFTA_TUNNEL_KEY_FLAGS`: `NFT_TUNNEL_F_*` (`NLA_U32`).
pub const NFTA_TUNNEL_KEY_FLAGS: u16 = 4;
/// `NFTA_TUNNEL_KEY_TOS`: type of service (`NLA_U8`).
pub const NFTA_TUNNEL_KEY_TOS: u16 = 5;
/// `NFTA_TUNNEL_KEY_TTL`: time to live (`NLA_U8`).
pub const NFTA_TUNNEL_KEY_TTL: u16 = 6;
/// `NFTA_TUNNEL_KEY_SPORT`: source port, big-endian (`NLA_U16`).
pub const NFTA_TUNNEL_KEY_SPORT: u16 = 7;
/// `NFTA_TUNNEL_KEY_DPORT`: destination port, big-endian (`NLA_U16`).
pub const NFTA_TUNNEL_KEY_DPORT: u16 = 8;
/// `NFTA_TUNNEL_KEY_OPTS`: options, `NFTA_TUNNEL_KEY_OPTS_*` (nested).
pub const NFTA_TUNNEL_KEY_OPTS: u16 = 9;
/// `NFTA_TUNNEL_KEY_MAX`: highest attribute.
pub const NFTA_TUNNEL_KEY_MAX: u16 = 9;
/// `NFT_TUNNEL_PATH` (`enum nft_tunnel_keys`): whether the packet came through a tunnel.
pub const NFT_TUNNEL_PATH: u32 = 0;
/// `NFT_TUNNEL_ID`: tunnel id.
pub const NFT_TUNNEL_ID: u32 = 1;
/// `NFT_TUNNEL_MAX`: highest key.
pub const NFT_TUNNEL_MAX: u32 = 1;
/// `NFT_TUNNEL_MODE_NONE` (`enum nft_tunnel_mode`): either direction.
pub const NFT_TUNNEL_MODE_NONE: u32 = 0;
/// `NFT_TUNNEL_MODE_RX`: received packets.
pub const NFT_TUNNEL_MODE_RX: u32 = 1;
/// `NFT_TUNNEL_MODE_TX`: sent packets.
pub const NFT_TUNNEL_MODE_TX: u32 = 2;
/// `NFT_TUNNEL_MODE_MAX`: highest mode.
pub const NFT_TUNNEL_MODE_MAX: u32 = 2;
/// `NFTA_TUNNEL_UNSPEC` (`enum nft_tunnel_attributes`).
pub const NFTA_TUNNEL_UNSPEC: u16 = 0;
/// `NFTA_TUNNEL_KEY`: `NFT_TUNNEL_*` key (`NLA_U32`).
pub const NFTA_TUNNEL_KEY: u16 = 1;
/// `NFTA_TUNNEL_DREG`: destination register (`NLA_U32`).
pub const NFTA_TUNNEL_DREG: u16 = 2;
/// `NFTA_TUNNEL_MODE`: `NFT_TUNNEL_MODE_*` (`NLA_U32`).
pub const NFTA_TUNNEL_MODE: u16 = 3;
/// `NFTA_TUNNEL_MAX`: highest attribute.
pub const NFTA_TUNNEL_MAX: u16 = 3;

// x_tables compatibility (`nf_tables_compat.h`): the `match` and `target` expressions
// that carry an x_tables extension (what iptables-nft writes), and the
// `NFNL_SUBSYS_NFT_COMPAT` query for the revisions the kernel has.
/// `NFTA_TARGET_UNSPEC` (`enum nft_target_attributes`).
pub const NFTA_TARGET_UNSPEC: u16 = 0;
/// `NFTA_TARGET_NAME`: x_tables target name (string, at most `NFT_COMPAT_NAME_MAX`).
pub const NFTA_TARGET_NAME: u16 = 1;
/// `NFTA_TARGET_REV`: target revision (`NLA_U32`).
pub const NFTA_TARGET_REV: u16 = 2;
/// `NFTA_TARGET_INFO`: the target's `struct xt_*` data, host byte order (binary).
pub const NFTA_TARGET_INFO: u16 = 3;
/// `NFTA_TARGET_MAX`: highest attribute.
pub const NFTA_TARGET_MAX: u16 = 3;
/// `NFTA_MATCH_UNSPEC` (`enum nft_match_attributes`).
pub const NFTA_MATCH_UNSPEC: u16 = 0;
/// `NFTA_MATCH_NAME`: x_tables match name (string, at most `NFT_COMPAT_NAME_MAX`).
pub const NFTA_MATCH_NAME: u16 = 1;
/// `NFTA_MATCH_REV`: match revision (`NLA_U32`).
pub const NFTA_MATCH_REV: u16 = 2;
/// `NFTA_MATCH_INFO`: the match's `struct xt_*` data, host byte order (binary).
pub const NFTA_MATCH_INFO: u16 = 3;
/// `NFTA_MATCH_MAX`: highest attribute.
pub const NFTA_MATCH_MAX: u16 = 3;
/// `NFT_COMPAT_NAME_MAX`: longest x_tables extension name, including the NUL.
pub const NFT_COMPAT_NAME_MAX: usize = 32;
/// `NFNL_MSG_COMPAT_GET`: message type of `NFNL_SUBSYS_NFT_COMPAT`: get the highest
/// revision of a match or target (`NFTA_COMPAT_*`).
pub const NFNL_MSG_COMPAT_GET: u8 = 0;
/// `NFNL_MSG_COMPAT_MAX`: number of compat message types.
pub const NFNL_MSG_COMPAT_MAX: u8 = 1;
/// `NFTA_COMPAT_UNSPEC`.
pub const NFTA_COMPAT_UNSPEC: u16 = 0;
/// `NFTA_COMPAT_NAME`: extension name (string).
pub const NFTA_COMPAT_NAME: u16 = 1;
/// `NFTA_COMPAT_REV`: revision (`NLA_U32`).
pub const NFTA_COMPAT_REV: u16 = 2;
/// `NFTA_COMPAT_TYPE`: 1 for a target, 0 for a match (`NLA_U32`).
pub const NFTA_COMPAT_TYPE: u16 = 3;
/// `NFTA_COMPAT_MAX`: highest attribute.
pub const NFTA_COMPAT_MAX: u16 = 3;
