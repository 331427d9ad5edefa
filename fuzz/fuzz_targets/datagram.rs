//! The datagram walk as a receiver runs it: messages, control messages (acks, errors with
//! extended ack, NLMSG_DONE with errno), the nfnetlink view and its attributes, and the
//! debug printer. Properties: the walk agrees with an independent one; every view lies
//! inside the input; errno is never negative and is 0 exactly for acks.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nfnl::{debug, done_status, Control, MsgIter};
use nfnl_fuzz::{attrs, messages, offset_in};

fuzz_target!(|data: &[u8]| {
    let (spans, bad) = messages(data);
    let mut ok = 0;
    let mut failed = false;
    for m in MsgIter::new(data) {
        let Ok(m) = m else {
            assert!(!failed, "the walk goes on after an error");
            failed = true;
            continue;
        };
        assert!(!failed, "a message after an error");
        let span = spans
            .get(ok)
            .expect("more messages than the reference walk");
        assert_eq!(offset_in(data, m.as_bytes()), Some(span.start));
        assert_eq!(m.as_bytes().len(), span.len);
        assert_eq!(m.header().nlmsg_len as usize, span.len);
        ok += 1;

        match Control::classify(m) {
            Ok(Control::Error(e)) => {
                assert!(e.errno() >= 0, "negative errno {}", e.errno());
                assert_eq!(e.is_ack(), e.errno() == 0);
                match e.result() {
                    Ok(()) => assert!(e.is_ack()),
                    Err(k) => assert_eq!(k.errno(), nfnl::Errno::from_raw(e.errno())),
                }
                if let Some(p) = e.request_payload() {
                    assert!(offset_in(m.as_bytes(), p).is_some());
                }
                if let Some(msg) = e.ext_ack().message {
                    assert!(offset_in(m.as_bytes(), msg).is_some());
                    assert!(!msg.contains(&0));
                }
                let _ = e.to_kernel_error().to_string();
            }
            Ok(Control::Done(d)) => {
                if let Err(k) = done_status(&d) {
                    // The raw value is private; unknown errnos read as UnknownErrno.
                    let _ = k.errno();
                    let _ = k.to_string();
                }
            }
            Ok(_) => {}
            Err(e) => {
                assert_eq!(
                    m.msg_type(),
                    nfnl_sys::NLMSG_ERROR,
                    "only NLMSG_ERROR can be malformed"
                );
                let _ = e.to_string();
            }
        }

        match m.nf() {
            Ok(nf) => {
                assert!(m.payload().len() >= 4);
                assert_eq!(nf.family(), nfnl::ProtoFamily::from(m.payload()[0]));
                let area = nf.attr_bytes();
                assert_eq!(offset_in(m.as_bytes(), area), Some(20));
                let (want, want_bad) = attrs(area);
                let mut n = 0;
                let mut got_bad = false;
                for a in nf.attrs() {
                    match a {
                        Ok(a) => {
                            let s = want[n];
                            assert_eq!(offset_in(area, a.payload()), Some(s.payload));
                            assert_eq!(a.payload().len(), s.len);
                            assert_eq!(a.kind(), s.raw_type & nfnl_sys::NLA_TYPE_MASK);
                            n += 1;
                        }
                        Err(_) => got_bad = true,
                    }
                }
                assert_eq!((n, got_bad), (want.len(), want_bad));
            }
            Err(_) => assert!(m.payload().len() < 4),
        }
    }
    assert_eq!(
        ok,
        spans.len(),
        "message count differs from the reference walk"
    );
    assert_eq!(failed, bad, "error verdict differs from the reference walk");

    let text = debug::format_datagram(data);
    assert_eq!(
        text,
        debug::format_datagram(data),
        "the debug printer is deterministic"
    );
});
