//! `ctrestore`: creates the conntrack entries of `conntrack -o save` lines read
//! from standard input (what `conntrack -R` restores), in batches, and says how
//! many it created.
//!
//! Privileges: `CAP_NET_ADMIN` in the network namespace's owning user namespace.
//!
//! It is also the smallest program shape: `main` returns the library's error, and
//! Rust prints its `Debug` form, which is the message with its hint (for example
//! `Error: create udp src=… : kernel error: Operation not permitted (EPERM); hint:
//! CAP_NET_ADMIN is needed …` without the capability).
//!
//! Usage: `conntrack -L -o save | ctrestore`.

use std::io::Read as _;

use nfnl_conntrack::{Conntrack, Error};

fn main() -> Result<(), Error> {
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .map_err(nfnl::Error::Io)?;
    let mut ct = Conntrack::open()?;
    let results = ct.restore(&text)?;
    let created = results.iter().filter(|r| r.is_ok()).count();
    eprintln!("ctrestore: {created} flow entries have been created.");
    // The first refusal of a single entry (EEXIST...), if any.
    results.into_iter().collect::<Result<Vec<()>, Error>>()?;
    Ok(())
}
