//! The compiled event filter against its user-space rule: the input drives the generators of
//! `nfnl_conntrack::testutil::bpf` (a random source of 8 bytes at a time) to make an
//! `EventFilter` and up to 8 flow events (NEW/UPDATE/DESTROY, both families, every protocol
//! kind, marks, zones, status). Property (`bpf::agree`): the filter compiles to a program the
//! kernel accepts (`bpf_check_classic`), and that program, run by a model of the kernel's
//! classic BPF with the netlink helpers, lets an event through exactly when
//! `EventFilter::matches` does; messages that are not flow events pass. The unit test
//! `bpf_event_filter_agrees_with_its_user_space_rule_on_random_events` checks the same on a
//! fixed pseudo-random sequence.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nfnl_conntrack::testutil::bpf::{self, Bytes, Source};

fuzz_target!(|data: &[u8]| {
    let mut s = Bytes(data);
    let filter = bpf::filter(&mut s);
    let n = s.below(9);
    let events: Vec<_> = (0..n).map(|_| bpf::event(&mut s)).collect();
    if let Err(e) = bpf::agree(&filter, &events) {
        panic!("{e}");
    }
});
