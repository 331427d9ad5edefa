//! Namespace tests for the async receive (`nfnl_log::tokio::AsyncLog`,
//! feature `tokio`). Each test makes its namespace, then a current-thread
//! runtime on the same thread; every wait has a deadline.
#![cfg(feature = "tokio")]
#![allow(clippy::unwrap_used, missing_docs)]

use nfnl::testutil::netns as support;

use std::time::Duration;

use nfnl_log::tokio::AsyncLog;
use nfnl_log::{GroupConfig, Log, LogFlags};
use tokio::time::timeout;

const T: Duration = Duration::from_secs(5);

#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn nflog_async_recv_wakes_for_each_batch_and_loses_nothing_on_cancel() {
    let _ns = support::netns();
    support::iptables("-A OUTPUT -p udp --dport 6020 -j NFLOG --nflog-group 50");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build()
        .unwrap();
    rt.block_on(async {
        let mut log = Log::open().unwrap();
        log.bind(&GroupConfig::new(50).threshold(1).flags(LogFlags::SEQ))
            .unwrap();
        let mut log = AsyncLog::new(log).unwrap();
        // Nothing logged yet: a cancelled wait takes nothing.
        assert!(timeout(Duration::from_millis(200), log.recv())
            .await
            .is_err());
        for i in 0..3u8 {
            support::udp_send("127.0.0.1:6020", &[i]);
        }
        for i in 0..3u32 {
            let m = timeout(T, log.recv()).await.expect("woken").unwrap();
            assert_eq!(m.seq(), Some(i));
        }
        // Sent while no one waits, received by the next wait.
        support::udp_send("127.0.0.1:6020", b"late");
        let m = timeout(T, log.recv()).await.expect("woken").unwrap();
        assert_eq!(m.seq(), Some(3));
    });
}
