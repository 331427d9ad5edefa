//! Namespace test for the async event listener
//! (`nfnl_tables::tokio::AsyncEventListener`, feature `tokio`): the
//! namespace, then a current-thread runtime on the same thread; every wait
//! has a deadline.
#![cfg(feature = "tokio")]
#![allow(clippy::unwrap_used, missing_docs)]

use nfnl::testutil::netns as support;

use std::time::Duration;

use nfnl_tables::tokio::AsyncEventListener;
use nfnl_tables::{Change, EventListener, Object};
use tokio::time::timeout;

const T: Duration = Duration::from_secs(5);
const SHORT: Duration = Duration::from_millis(300);

#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn async_listener_receives_a_table_and_its_generation() {
    let _ns = support::netns();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build()
        .unwrap();
    rt.block_on(async {
        let mut events = AsyncEventListener::new(EventListener::open().unwrap()).unwrap();
        assert!(timeout(SHORT, events.recv()).await.is_err(), "nothing yet");
        support::sh("nft add table inet a");
        let ev = timeout(T, events.recv()).await.unwrap().unwrap();
        assert_eq!(ev.change, Change::New);
        assert!(matches!(&ev.object, Object::Table(t) if t.name.as_deref() == Some("a")));
        let ev = timeout(T, events.recv()).await.unwrap().unwrap();
        assert!(matches!(&ev.object, Object::Gen(g) if g.proc_name.as_deref() == Some("nft")));
        assert!(timeout(SHORT, events.recv()).await.is_err(), "nothing more");
    });
}

#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn async_trace_listener_follows_a_ping() {
    use nfnl_tables::tokio::AsyncTraceListener;
    use nfnl_tables::TraceListener;
    let _ns = support::netns();
    support::sh(
        "nft add table ip tr; \
         nft add chain ip tr out '{ type filter hook output priority 0; policy accept; }'; \
         nft add rule ip tr out icmp type echo-request meta nftrace set 1",
    );
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build()
        .unwrap();
    rt.block_on(async {
        let mut traces = AsyncTraceListener::new(TraceListener::open().unwrap()).unwrap();
        assert!(timeout(SHORT, traces.recv()).await.is_err(), "nothing yet");
        support::sh("ping -n -q -c 1 -W 1 127.0.0.1 >/dev/null || true");
        let t = timeout(T, traces.recv()).await.unwrap().unwrap();
        assert_eq!(t.table.as_deref(), Some("tr"));
        assert_eq!(t.rule_handle, Some(2));
    });
}
