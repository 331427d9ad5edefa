//! Namespace test for the async over-quota listener
//! (`nfnl_acct::tokio::AsyncQuotaListener`, feature `tokio`): the namespace,
//! then a current-thread runtime on the same thread; every wait has a
//! deadline.
#![cfg(feature = "tokio")]
#![allow(clippy::unwrap_used, missing_docs)]

use nfnl::testutil::netns as support;

use std::time::Duration;

use nfnl_acct::tokio::AsyncQuotaListener;
use nfnl_acct::{Acct, NewObject, Quota, QuotaListener};
use tokio::time::timeout;

const T: Duration = Duration::from_secs(5);
const SHORT: Duration = Duration::from_millis(400);
/// An echo request of `ping 127.0.0.1`: 20 + 8 + 56 bytes.
const PING_LEN: u64 = 84;

#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn nfacct_async_listener_receives_exactly_one_notification() {
    let _ns = support::netns();
    let mut acct = Acct::open().unwrap();
    if let Err(e) = acct.create(
        &NewObject::new("aq")
            .unwrap()
            .quota(Quota::Bytes(2 * PING_LEN)),
    ) {
        support::skip(
            "nfacct_async_listener_receives_exactly_one_notification",
            &format!("cannot create an nfacct object: {e}"),
        );
        return;
    }
    support::iptables("-A OUTPUT -p icmp --icmp-type echo-request -m nfacct --nfacct-name aq");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build()
        .unwrap();
    rt.block_on(async {
        let mut quotas = AsyncQuotaListener::new(QuotaListener::open().unwrap()).unwrap();
        // Nothing yet: a cancelled wait takes nothing.
        assert!(timeout(SHORT, quotas.recv()).await.is_err());
        support::sh("ping -n -q -c 3 -i 0.01 127.0.0.1");
        let n = timeout(T, quotas.recv())
            .await
            .expect("a notification within the deadline")
            .unwrap();
        assert_eq!(n.name().as_str(), Some("aq"));
        assert!(n.is_over_quota());
        assert_eq!(n.bytes(), 2 * PING_LEN);
        assert!(timeout(SHORT, quotas.recv()).await.is_err(), "exactly one");
    });
}
