//! Namespace tests for the limits of a transaction against the real kernel:
//! one larger than a datagram can be (refused before sending, as an
//! ordinary user whose send buffer `net.core.wmem_max` caps), the same
//! applied in parts ([`Nft::commit_in_parts`], not atomic), and the
//! outcome when the kernel's answers are lost to `ENOBUFS`.
//!
//! Run them with `cargo xtask test -- tables` (or as root: `cargo test -p
//! nfnl-tables --test netns_tables_tx -- --ignored --test-threads=2`).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::ops::ControlFlow;
use std::time::Duration;

use nfnl::testutil::netns as support;
use nfnl_tables::expr::{CmpOp, PayloadBase};
use nfnl_tables::{
    Chain, Element, Error, ErrorExt as _, Expr, Nft, Outcome, ProtoFamily, Rule, Set, SetRef,
    Table, Transaction, Verdict,
};

const IP: ProtoFamily = ProtoFamily::Ipv4;

/// `table ip T`, `set ip T s { type ipv4_addr; }` and `n` elements
/// 10.0.0.0 + i, then the elements of `extra` (raw keys).
fn load(table: &str, n: u32, extra: &[&[u8]]) -> Transaction {
    let mut tx = Transaction::new();
    tx.add_table(&Table::new(IP, table)).unwrap();
    tx.add_set(&Set::new(IP, table, "s", 7, 4)).unwrap();
    let keys = (0..n)
        .map(|i| Element::new((0x0a00_0000u32 + i).to_be_bytes()))
        .chain(extra.iter().map(|k| Element::new(k.to_vec())));
    tx.add_elements(SetRef::new(IP, table, "s"), keys).unwrap();
    tx
}

/// Elements of `table`'s set `s` (0 if it does not exist).
fn count(nft: &mut Nft, table: &str) -> usize {
    let mut n = 0;
    let r = nft.dump_elements(IP, table, "s", |e| {
        n += e.elements.map_or(0, |l| l.0.len());
        ControlFlow::Continue(())
    });
    match r {
        Ok(()) => n,
        Err(e) if e.is_not_found() => 0,
        Err(e) => panic!("dump: {e}"),
    }
}

/// As an ordinary user (root of a user namespace, `unshare -Urn`, where
/// `SO_SNDBUFFORCE` is refused), a transaction larger than twice
/// `net.core.wmem_max` is refused before anything is sent, the error
/// saying what to raise; `commit_in_parts` applies it in several atomic
/// parts. Runs the checks in a child process made by `unshare -Urn`.
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn too_large_for_an_ordinary_user_fails_before_sending_then_applies_in_parts() {
    let _ns = support::netns();
    let mut cmd = support::command("unshare");
    cmd.args(["-Urn", "--"])
        .arg(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "child_ordinary_user_too_large",
            "--ignored",
            "--nocapture",
        ])
        .env("NFNL_TABLES_TX_CHILD", "1");
    let out = support::output_within(cmd, Duration::from_secs(300));
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "child failed:\n{text}");
    println!("{text}");
    if let Some(line) = text.lines().find(|l| l.starts_with("SKIP ")) {
        let reason = line.split_once(": ").map_or(line, |(_, r)| r);
        support::skip(
            "too_large_for_an_ordinary_user_fails_before_sending_then_applies_in_parts",
            reason,
        );
        return;
    }
    assert!(
        text.contains("TOO LARGE OK"),
        "child did not run its checks:\n{text}"
    );
}

/// The child half of the test above; does nothing when run on its own.
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn child_ordinary_user_too_large() {
    if std::env::var_os("NFNL_TABLES_TX_CHILD").is_none() {
        return;
    }
    let name = "too_large_for_an_ordinary_user_fails_before_sending_then_applies_in_parts";
    // A namespace of its own inside the user namespace `unshare -Urn` made.
    let _ns = support::netns();
    let wmem_max: usize = std::fs::read_to_string("/proc/sys/net/core/wmem_max")
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    if wmem_max > 32 << 20 {
        println!(
            "SKIP {name}: net.core.wmem_max is {wmem_max}: the transaction would need over 64 MiB"
        );
        return;
    }
    let mut nft = Nft::open().unwrap();
    if nft.socket().set_send_buffer_force(1 << 20).is_ok() {
        println!("SKIP {name}: SO_SNDBUFFORCE works in this user namespace");
        return;
    }
    // IPv4 elements take 16 bytes each: past twice wmem_max by 50%.
    let n = u32::try_from(wmem_max * 2 / 16 * 3 / 2).unwrap();
    let tx = load("big", n, &[]);
    assert!(tx.encoded_len() > 2 * wmem_max, "{}", tx.encoded_len());
    let e = nft.commit(&tx).unwrap_err();
    let msg = e.to_string();
    println!("{msg}");
    match &e {
        Error::TooLarge {
            ops,
            bytes,
            limit,
            wmem_max_needed,
            source,
        } => {
            assert_eq!(*ops, tx.len());
            assert!(*bytes > tx.encoded_len() && *bytes < tx.encoded_len() + 100);
            assert!(*limit < *bytes && *limit <= 2 * wmem_max, "{limit}");
            assert!(
                *limit + 64 >= 2 * wmem_max,
                "{limit}: not raised to wmem_max"
            );
            assert!(*wmem_max_needed * 2 >= *bytes && *wmem_max_needed > wmem_max);
            assert_eq!(source.errno(), Some(nfnl::Errno::EPERM), "{source}");
        }
        other => panic!("unexpected {other:?}"),
    }
    for what in [
        "nothing was sent",
        "net.core.wmem_max",
        "CAP_NET_ADMIN",
        "commit_in_parts",
    ] {
        assert!(msg.contains(what), "{what} missing: {msg}");
    }
    assert_eq!(
        support::sh("nft list tables").trim(),
        "",
        "something was sent"
    );

    let parts = nft.commit_in_parts(&tx).unwrap();
    println!("{n} elements in {parts} parts");
    assert!(parts >= 2, "{parts}");
    assert_eq!(count(&mut nft, "big"), n as usize);
    println!("TOO LARGE OK");
}

/// With the send buffer capped (test hook: as if `net.core.wmem_max` were
/// 32 KiB and forcing refused), a transaction over it is refused before
/// sending, and `commit_in_parts` reports which parts were committed when
/// a later one is refused: the earlier parts stay, the refused one and
/// those after it are not applied.
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn parts_say_which_were_committed() {
    let _ns = support::netns();
    let mut nft = Nft::open().unwrap();
    nft.set_buffer_caps_for_tests(Some(32 * 1024), None);
    const N: u32 = 20_000;
    let tx = load("p", N, &[&[1, 2, 3, 4, 5]]);
    match nft.commit(&tx).unwrap_err() {
        Error::TooLarge {
            limit,
            bytes,
            source,
            ..
        } => {
            assert!(limit < 64 * 1024 && bytes > limit, "{limit} {bytes}");
            assert_eq!(source.errno(), Some(nfnl::Errno::EPERM));
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(count(&mut nft, "p"), 0);

    let e = nft.commit_in_parts(&tx).unwrap_err();
    let msg = e.to_string();
    println!("{msg}");
    let last = tx.len() - 1;
    let (committed, parts, applied_ops, first_refused_elem) = match &e {
        Error::Partial {
            committed,
            parts,
            applied_ops,
            source,
        } => match source.as_ref() {
            Error::Operation {
                index,
                op,
                source,
                incomplete: false,
                ..
            } => {
                assert_eq!(*index, last, "{op}");
                assert!(op.ends_with(&format!("of {} to set ip p s: element {N}", N + 1)));
                assert_eq!(source.errno(), nfnl::Errno::EINVAL);
                // "add elements A..B of ...": A is the first element of
                // the refused part.
                let a: usize = op
                    .strip_prefix("add elements ")
                    .and_then(|r| r.split_once(".."))
                    .and_then(|(a, _)| a.parse().ok())
                    .unwrap();
                (*committed, *parts, *applied_ops, a)
            }
            other => panic!("unexpected part error {other:?}"),
        },
        other => panic!("unexpected {other:?}"),
    };
    // Each element message (~60 KiB) is a part of its own here.
    assert!(parts >= 5, "{parts}");
    assert_eq!(committed, parts - 1);
    assert_eq!(applied_ops, last);
    assert!(
        msg.starts_with(&format!(
            "parts 1-{committed} of {parts} committed (operations 0..{last}); part {parts} refused: transaction operation {last} (add elements "
        )),
        "{msg}"
    );
    // The committed parts are there, the refused one is not.
    assert_eq!(count(&mut nft, "p"), first_refused_elem);

    // Refused in the first part: nothing committed.
    let mut tx = Transaction::new();
    tx.delete_table(IP, "absent").unwrap();
    tx.add_elements(
        SetRef::new(IP, "p", "s"),
        (0..N).map(|i| Element::new((0x0b00_0000u32 + i).to_be_bytes())),
    )
    .unwrap();
    let e = nft.commit_in_parts(&tx).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("no part of 6 committed; part 1 refused: transaction operation 0 (delete table ip absent"),
        "{e}"
    );
    assert!(matches!(
        e,
        Error::Partial {
            committed: 0,
            applied_ops: 0,
            ..
        }
    ));
    assert_eq!(count(&mut nft, "p"), first_refused_elem);

    // A transaction that fits is one part.
    nft.set_buffer_caps_for_tests(None, None);
    assert_eq!(nft.commit_in_parts(&load("q", 10, &[])).unwrap(), 1);
    assert_eq!(count(&mut nft, "q"), 10);
}

/// A refused transaction of 5,000 operations whose answers overflow a
/// tiny receive buffer (test hook: as if `net.core.rmem_max` were 4 KiB):
/// the refusals that arrived still name the first refused operation, the
/// error says others were lost, and the generation did not move.
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn lost_answers_of_a_refused_transaction() {
    let _ns = support::netns();
    let mut nft = Nft::open().unwrap();
    nft.set_buffer_caps_for_tests(None, Some(4096));
    let before = nft.generation().unwrap().id;
    let mut tx = Transaction::new();
    for i in 0..5_000 {
        tx.delete_table(IP, &format!("absent{i}")).unwrap();
    }
    match nft.commit(&tx).unwrap_err() {
        Error::Operation {
            index,
            op,
            others,
            incomplete,
            source,
        } => {
            assert_eq!(index, 0);
            assert_eq!(op, "delete table ip absent0: NFTA_TABLE_NAME");
            assert_eq!(source.errno(), nfnl::Errno::ENOENT);
            assert!(incomplete, "no answer lost: {} others", others.len());
            assert!(others.len() < 4_999, "{}", others.len());
            println!("{} of 5000 refusals arrived", others.len() + 1);
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(nft.generation().unwrap().id, before);
}

/// A transaction that commits, with its answers (an echo of each of 3,000
/// rules, then the end's acknowledgement) overflowing a tiny receive
/// buffer: the error says answers were lost and what the generation
/// tells (it moved by one: this commit), and the rules are there.
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn lost_answers_of_a_committed_transaction() {
    let _ns = support::netns();
    let mut nft = Nft::open().unwrap();
    nft.set_buffer_caps_for_tests(None, Some(4096));
    let before = nft.generation().unwrap().id.unwrap();
    let mut tx = Transaction::new();
    tx.add_table(&Table::new(IP, "e")).unwrap();
    tx.add_chain(&Chain::new(IP, "e", "c")).unwrap();
    for i in 0..3_000u32 {
        tx.add_rule(&Rule::new(
            IP,
            "e",
            "c",
            vec![
                Expr::payload(PayloadBase::NETWORK, 12, 4, 1),
                Expr::cmp(CmpOp::EQ, 1, (0x0a00_0000 + i).to_be_bytes()),
                Expr::verdict(Verdict::Accept),
            ],
        ))
        .unwrap();
    }
    let mut echoed = 0;
    let e = nft.commit_echo(&tx, |_, _| echoed += 1).unwrap_err();
    println!("{e}");
    match &e {
        Error::AnswersLost {
            ops,
            outcome,
            source,
        } => {
            assert_eq!(*ops, 3_002);
            assert!(source.is_overrun(), "{source}");
            match outcome {
                Outcome::Unknown {
                    before: b,
                    after: a,
                } => {
                    assert_eq!(*b, Some(before));
                    assert_eq!(*a, Some(before.wrapping_add(1)));
                }
                // The end's acknowledgement survived (only echoes lost).
                Outcome::Applied => {}
                Outcome::NotApplied => panic!("{e}"),
            }
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(echoed, 0, "on_echo is not called on an error");
    assert_eq!(nft.generation().unwrap().id, Some(before.wrapping_add(1)));
    let mut rules = 0;
    nft.dump_rules(IP, Some("e"), Some("c"), |_| {
        rules += 1;
        ControlFlow::Continue(())
    })
    .unwrap();
    assert_eq!(rules, 3_000);
}

/// The generation is read in the same breath as every commit (a
/// `NFT_MSG_GETGEN` sent right before the batch): commits still succeed
/// back to back, and the generation moves by one per commit, and not at
/// all for a commit that changes nothing.
#[test]
#[ignore = "namespace test: run with cargo xtask test"]
fn commits_move_the_generation_by_one() {
    let _ns = support::netns();
    let mut nft = Nft::open().unwrap();
    let g0 = nft.generation().unwrap().id.unwrap();
    let start = std::time::Instant::now();
    for i in 0..200 {
        let mut tx = Transaction::new();
        tx.add_table(&Table::new(IP, &format!("g{i}"))).unwrap();
        nft.commit(&tx).unwrap();
    }
    println!("200 one-table commits: {:?}", start.elapsed());
    assert_eq!(nft.generation().unwrap().id, Some(g0.wrapping_add(200)));
    // A transaction that changes nothing (the table exists, same flags)
    // commits without moving the generation: "unchanged" means "nothing
    // changed", not "refused".
    let mut tx = Transaction::new();
    tx.add_table(&Table::new(IP, "g0")).unwrap();
    nft.commit(&tx).unwrap();
    assert_eq!(nft.generation().unwrap().id, Some(g0.wrapping_add(200)));
}
