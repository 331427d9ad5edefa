//! Log messages written as pcap records (`LINKTYPE_NFLOG`), checked byte
//! by byte against the fixtures they were made from.

#![allow(clippy::unwrap_used)]

mod fixture;

use nfnl_log::{LinkType, LogMsg, LogMsgSlots, PcapWriter};
use nfnl_sys::log::*;

fn u32_at(b: &[u8], i: usize) -> u32 {
    u32::from_ne_bytes(b[i..i + 4].try_into().unwrap())
}

#[test]
fn a_message_is_one_nflog_record_of_its_bytes_after_the_netlink_header() {
    let rich = fixture::rich_message();
    let bare = fixture::with_attrs(&[(NFULA_PAYLOAD, &fixture::UDP4)]);
    let mut w = PcapWriter::new(Vec::new(), LinkType::NFLOG).unwrap();
    let before = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    w.write(&LogMsg::parse_bytes(&rich, &mut LogMsgSlots::new()).unwrap())
        .unwrap();
    w.write(&LogMsg::parse_bytes(&bare, &mut LogMsgSlots::new()).unwrap())
        .unwrap();
    let file = w.into_inner();

    // File header: magic, version 2.4, snaplen, LINKTYPE_NFLOG.
    assert_eq!(u32_at(&file, 0), 0xa1b2_c3d4);
    assert_eq!(u32_at(&file, 16), 262_144);
    assert_eq!(u32_at(&file, 20), 239);

    // First record: stamped with NFULA_TIMESTAMP (1_700_000_000.25 s), the
    // message from its nfgenmsg on (16 bytes of nlmsghdr left out).
    let rec = &rich[16..];
    assert_eq!(
        (u32_at(&file, 24), u32_at(&file, 28)),
        (1_700_000_000, 250_000)
    );
    assert_eq!(u32_at(&file, 32) as usize, rec.len());
    assert_eq!(u32_at(&file, 36) as usize, rec.len());
    assert_eq!(&file[40..40 + rec.len()], rec);
    assert_eq!(
        &rec[..4],
        &[2, 0, 0, 9],
        "nfgenmsg: AF_INET, v0, group 9 (be16)"
    );

    // Second record: no timestamp attribute, so stamped when written.
    let at = 40 + rec.len();
    let rec2 = &bare[16..];
    assert!(u32_at(&file, at) as u64 >= before);
    assert_eq!(u32_at(&file, at + 8) as usize, rec2.len());
    assert_eq!(&file[at + 16..], rec2);
}
