//! Finding the external tools the tests and the demo need, and saying how to install them.
//!
//! Ordinary users often have no `/usr/sbin` in `PATH`, yet `iptables`, `conntrack` and `ip`
//! live there on Debian. [`search_path`] therefore appends the sbin directories, and every
//! child process started by xtask gets that `PATH` (see [`crate::netns`]).

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The tools `cargo xtask test` and `cargo xtask demo` run.
pub const REQUIRED: &[&str] = &["iptables", "conntrack", "ip", "ping", "cc", "unshare"];

/// The exact command that installs every tool in [`REQUIRED`] on Debian and Ubuntu.
pub const INSTALL_HINT: &str = "apt-get install iptables conntrack iproute2 iputils-ping gcc";

/// Directories appended to `PATH` when they are missing from it.
const SBIN_DIRS: &[&str] = &["/usr/local/sbin", "/usr/sbin", "/sbin"];

/// The current `PATH` with the sbin directories appended when missing.
pub fn search_path() -> OsString {
    let current = std::env::var_os("PATH").unwrap_or_else(|| "/usr/local/bin:/usr/bin:/bin".into());
    let mut dirs: Vec<PathBuf> = std::env::split_paths(&current).collect();
    for extra in SBIN_DIRS {
        if !dirs.iter().any(|d| d == Path::new(extra)) {
            dirs.push(PathBuf::from(extra));
        }
    }
    // Joining only fails on a directory containing `:`, which split_paths cannot produce.
    std::env::join_paths(dirs).unwrap_or(current)
}

/// A command for `program` with `PATH` set to [`search_path`].
pub fn command(program: impl AsRef<OsStr>) -> Command {
    let mut cmd = Command::new(program);
    cmd.env("PATH", search_path());
    cmd
}

/// `rustup run nightly cargo ARGS` in the workspace root (Miri and cargo-fuzz need nightly),
/// free of the variables the stable cargo running xtask set: cargo-miri and cargo-fuzz would
/// otherwise call that cargo back.
pub fn nightly_cargo(args: &[&str]) -> Command {
    let mut cmd = command("rustup");
    cmd.args(["run", "nightly", "cargo"])
        .args(args)
        .current_dir(crate::workspace_root());
    for var in [
        "CARGO",
        "RUSTUP_TOOLCHAIN",
        "RUSTC",
        "RUSTDOC",
        "RUSTC_WRAPPER",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

/// The full path of executable `name` in [`search_path`], if any.
pub fn find(name: &str) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    std::env::split_paths(&search_path())
        .map(|dir| dir.join(name))
        .find(|p| {
            p.metadata()
                .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
}

/// The tools in `names` that cannot be found.
pub fn missing<'a>(names: &[&'a str]) -> Vec<&'a str> {
    names
        .iter()
        .copied()
        .filter(|n| find(n).is_none())
        .collect()
}

/// Checks that every tool in [`REQUIRED`] exists.
///
/// # Errors
///
/// A message listing the missing tools and the command that installs them.
pub fn check_required() -> crate::Result<()> {
    match missing_message(&missing(REQUIRED), crate::netns::is_root()) {
        None => Ok(()),
        Some(msg) => Err(msg.into()),
    }
}

/// The message for the missing tools `gone` (`None` if nothing is missing).
fn missing_message(gone: &[&str], root: bool) -> Option<String> {
    if gone.is_empty() {
        return None;
    }
    let sudo = if root { "" } else { "sudo " };
    let mut msg = format!(
        "missing tool(s): {}\n\nInstall them with:\n\n    {sudo}{INSTALL_HINT}\n",
        gone.join(", ")
    );
    if gone.contains(&"unshare") {
        msg.push_str("\n(`unshare` comes with util-linux: apt-get install util-linux)\n");
    }
    Some(msg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_sh_and_not_nonsense() {
        assert!(find("sh").is_some());
        assert!(find("definitely-not-a-tool-4711").is_none());
        assert_eq!(
            missing(&["sh", "definitely-not-a-tool-4711"]),
            ["definitely-not-a-tool-4711"]
        );
    }

    #[test]
    fn missing_tools_message() {
        assert_eq!(missing_message(&[], true), None);
        let msg = missing_message(&["conntrack", "cc"], true).unwrap();
        assert!(msg.contains("missing tool(s): conntrack, cc"), "{msg}");
        assert!(
            msg.contains("\n    apt-get install iptables conntrack iproute2 iputils-ping gcc\n")
        );
        let msg = missing_message(&["ip"], false).unwrap();
        assert!(msg.contains("sudo apt-get install iptables conntrack iproute2 iputils-ping gcc"));
    }

    #[test]
    fn search_path_has_sbin() {
        let dirs: Vec<_> = std::env::split_paths(&search_path()).collect();
        assert!(dirs.iter().any(|d| d == Path::new("/usr/sbin")));
    }
}
