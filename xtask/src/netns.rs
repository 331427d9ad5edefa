//! Running commands with the privileges netfilter needs, without touching the host.
//!
//! Two building blocks, both plain `unshare(1)` wrappers that return a [`Command`] you can add
//! arguments to:
//!
//! - [`privileged`]: root inside a new *user* namespace (`unshare --user --map-root-user --`)
//!   when we are an ordinary user, the command itself when we are root. The namespace tests are
//!   run like this; each test then creates its own network namespace.
//! - [`throwaway`]: additionally a new *network* namespace (`unshare --net`). Everything done
//!   inside (interfaces, iptables rules, queues, conntrack entries) disappears when the
//!   command exits. Use it for demos and benchmarks:
//!
//! ```ignore
//! // (xtask is a binary crate, so this example is not compiled by rustdoc)
//! let status = crate::netns::throwaway("sh")
//!     .args(["-c", "ip link set lo up && ping -c1 127.0.0.1"])
//!     .status()?;
//! ```
//!
//! Both set `PATH` to [`crate::tools::search_path`] so `iptables` & co. are found.

use std::ffi::OsStr;
use std::process::{Command, ExitStatus, Stdio};

use crate::tools::command;

/// True when running as (effective) root.
pub fn is_root() -> bool {
    nix::unistd::geteuid().is_root()
}

/// `program` with root privileges over namespaces it creates: run directly as root,
/// otherwise through `unshare --user --map-root-user --`.
pub fn privileged(program: impl AsRef<OsStr>) -> Command {
    if is_root() {
        command(program)
    } else {
        let mut cmd = command("unshare");
        cmd.args(["--user", "--map-root-user", "--"]).arg(program);
        cmd
    }
}

/// `program` inside a new network namespace that dies with it (`unshare --net`, plus
/// `--user --map-root-user` when not root). Only `lo` exists there, and it is down.
pub fn throwaway(program: impl AsRef<OsStr>) -> Command {
    let mut cmd = command("unshare");
    if !is_root() {
        cmd.args(["--user", "--map-root-user"]);
    }
    cmd.args(["--net", "--"]).arg(program);
    cmd
}

/// Runs the shell `script` (with `set -eu` prepended) in a [`throwaway`] namespace, with
/// `args` as `$1`, `$2`, …, and stdin/stdout/stderr inherited. `lo` is brought up first.
///
/// # Errors
///
/// Only if `unshare` cannot be started; the script's own failure is in the status.
pub fn run_script(script: &str, args: &[&OsStr]) -> crate::Result<ExitStatus> {
    let full = format!("set -eu\nip link set lo up\n{script}");
    let mut cmd = throwaway("sh");
    cmd.arg("-c").arg(full).arg("xtask-netns").args(args);
    cmd.status()
        .map_err(|e| format!("cannot run unshare: {e}").into())
}

/// Checks that [`throwaway`] works here, explaining what to change when it does not.
///
/// # Errors
///
/// A message with the `unshare` error and the usual causes.
pub fn check_available() -> crate::Result<()> {
    let out = throwaway("true").stdin(Stdio::null()).output();
    match out {
        Ok(o) if o.status.success() => Ok(()),
        Ok(o) => Err(format!(
            "cannot create a network namespace: {}\n{}",
            String::from_utf8_lossy(&o.stderr).trim(),
            if is_root() {
                "Even root could not call unshare(CLONE_NEWNET): is this a restricted container?"
            } else {
                "Unprivileged user namespaces look disabled. Check `sysctl user.max_user_namespaces` \
                 (must be > 0) and, on Ubuntu, `kernel.apparmor_restrict_unprivileged_userns` \
                 (must be 0), or run as root."
            }
        )
        .into()),
        Err(e) => Err(format!("cannot run unshare: {e}").into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrappers_name_unshare_only_when_needed() {
        let cmd = privileged("true");
        if is_root() {
            assert_eq!(cmd.get_program(), "true");
        } else {
            assert_eq!(cmd.get_program(), "unshare");
            assert!(cmd.get_args().any(|a| a == "--map-root-user"));
        }
        let cmd = throwaway("true");
        assert_eq!(cmd.get_program(), "unshare");
        assert!(cmd.get_args().any(|a| a == "--net"));
    }
}
