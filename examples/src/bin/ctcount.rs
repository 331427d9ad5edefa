//! `ctcount`: the number of conntrack entries, like `conntrack -C`, in the
//! smallest program shape: `main` returns the library's error, and Rust
//! prints its `Debug` form, which is the message with its hint. Without the
//! capability it prints `Error: kernel error: Operation not permitted (EPERM);
//! hint: CAP_NET_ADMIN is needed in the user namespace owning the network
//! namespace` (and exits with status 1).
//!
//! Privileges: `CAP_NET_ADMIN` in the network namespace's owning user namespace.
//!
//! Usage: `ctcount`.

use nfnl_conntrack::{Conntrack, Error};

fn main() -> Result<(), Error> {
    let mut ct = Conntrack::open()?;
    println!("{}", ct.stats()?.entries);
    Ok(())
}
