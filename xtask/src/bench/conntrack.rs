//! `cargo xtask bench conntrack`: conntrack dump and event throughput, in a throwaway network namespace.
//!
//! Not written yet. Use [`crate::netns::throwaway`] or [`crate::netns::run_script`] to run
//! in a throwaway namespace and [`crate::process::run_teed`] for a deadline.

/// Runs the conntrack benchmark with the arguments after `--`.
///
/// # Errors
///
/// None yet.
pub fn run(args: &[String]) -> crate::Result<()> {
    let _ = args;
    println!("cargo xtask bench conntrack: not yet implemented");
    Ok(())
}
