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
