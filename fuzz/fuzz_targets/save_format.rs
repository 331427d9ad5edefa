//! The conntrack save format (`conntrack -o save`, `Flow::parse_save_line` and
//! `Flow::save_line`): any line that parses saves (a parsed flow is always writable),
//! and parse → save → parse → save is a fixed point: the second parse gives the same
//! flow and the second save the same line. Lines are split at newlines; bytes that are
//! not UTF-8 end the input. Label names resolve through a small label map.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nfnl_conntrack::{Flow, LabelMap};

fuzz_target!(|data: &[u8]| {
    let text = match std::str::from_utf8(data) {
        Ok(t) => t,
        Err(e) => std::str::from_utf8(&data[..e.valid_up_to()]).expect("the valid prefix"),
    };
    let map = LabelMap::parse("0 zero\n1 one\n3 three\n100 hundred\n127 last\n");
    for line in text.lines() {
        let Ok(Some(first)) = Flow::parse_save_line(line, Some(&map)) else {
            continue;
        };
        let saved = first
            .save_line(Some(&map))
            .unwrap_or_else(|e| panic!("{line:?} parses but does not save: {e}"))
            .to_string();
        let second = Flow::parse_save_line(&saved, Some(&map))
            .unwrap_or_else(|e| panic!("{saved:?} (from {line:?}) does not parse: {e}"))
            .expect("a saved line is not empty");
        assert_eq!(second, first, "{line:?} -> {saved:?}");
        let again = second
            .save_line(Some(&map))
            .expect("the same flow saves again")
            .to_string();
        assert_eq!(again, saved, "{line:?}");
    }
});
