//! Conntrack messages through every decoder and every Display: flows (dump entries),
//! expectations, events and statistics. Properties: an event is exactly the flow or
//! expectation the matching decoder reads from the same message, with the tag its type and
//! flags say; formatting is deterministic (it never reads the clock), so the same value
//! prints the same line twice.
#![no_main]

use std::time::{Duration, UNIX_EPOCH};

use libfuzzer_sys::fuzz_target;
use nfnl::{MsgIter, NfMsg, NlFlags};
use nfnl_conntrack::{CpuStats, DisplayOptions, Event, ExpCpuStats, Expect, Flow, GlobalStats};

fn twice<T: std::fmt::Display>(v: &T) -> String {
    let a = v.to_string();
    assert_eq!(a, v.to_string(), "Display is deterministic");
    a
}

fn check(msg: &NfMsg<'_>) {
    let flow = Flow::decode(msg);
    if let Ok(f) = &flow {
        twice(f);
        for extended in [false, true] {
            let opts = DisplayOptions {
                extended,
                id: true,
                labels: true,
                now: Some(UNIX_EPOCH + Duration::from_secs(1_800_000_000)),
            };
            twice(&f.display_with(opts));
        }
    }
    let expect = Expect::decode(msg);
    if let Ok(e) = &expect {
        twice(e);
    }
    match Event::decode(msg) {
        Ok(Some(ev)) => {
            twice(&ev);
            match &ev {
                Event::New(f) | Event::Update(f) | Event::Destroy(f) => {
                    assert_eq!(msg.subsystem(), nfnl_sys::NFNL_SUBSYS_CTNETLINK);
                    assert_eq!(flow.as_ref().ok(), Some(f));
                    assert_eq!(ev.flow(), Some(f));
                    let create = msg.flags().contains(NlFlags::CREATE);
                    let want = match msg.msg_type() {
                        nfnl_sys::IPCTNL_MSG_CT_DELETE => "[DESTROY]",
                        _ if create => "[NEW]",
                        _ => "[UPDATE]",
                    };
                    assert_eq!(ev.tag(), want);
                }
                Event::ExpNew(e) | Event::ExpDestroy(e) => {
                    assert_eq!(msg.subsystem(), nfnl_sys::NFNL_SUBSYS_CTNETLINK_EXP);
                    assert_eq!(expect.as_ref().ok(), Some(e));
                    assert!(ev.flow().is_none());
                }
                _ => {}
            }
        }
        Ok(None) => {}
        Err(e) => {
            let _ = e.to_string();
        }
    }
    if let Ok(s) = GlobalStats::decode(msg) {
        let _ = format!("{s:?}");
    }
    if let Ok(s) = CpuStats::decode(msg) {
        assert_eq!(s.cpu, msg.res_id());
        twice(&s);
    }
    if let Ok(s) = ExpCpuStats::decode(msg) {
        assert_eq!(s.cpu, msg.res_id());
    }
}

fuzz_target!(|data: &[u8]| {
    for m in MsgIter::new(data).map_while(Result::ok) {
        if let Ok(nf) = m.nf() {
            check(&nf);
        }
    }
});
