//! Running child processes: watch their output live, keep a copy, and enforce a deadline.
//!
//! [`run_teed`] merges the child's stdout and stderr into one pipe (so lines keep their order),
//! hands every line to the caller as it arrives (to log it, show progress or echo it) and
//! returns all of them. When the deadline passes, the child
//! and all its descendants are killed with `SIGKILL` and the result says so.

use std::ffi::OsStr;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::os::fd::OwnedFd;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use nix::fcntl::OFlag;
use nix::sys::signal::{kill, Signal};
use nix::unistd::{pipe2, Pid};

/// How long to keep reading output after the child exited (grandchildren may hold the pipe).
const DRAIN_GRACE: Duration = Duration::from_secs(2);

/// What a finished (or killed) child left behind.
#[derive(Debug)]
pub struct Outcome {
    /// The exit status; `None` if it was killed because the deadline passed.
    pub status: Option<ExitStatus>,
    /// Every line it printed on stdout or stderr, in order, without line endings.
    pub lines: Vec<String>,
    /// How long it ran.
    pub elapsed: Duration,
}

impl Outcome {
    /// True if the child exited on its own with status 0.
    pub fn success(&self) -> bool {
        self.status.is_some_and(|s| s.success())
    }

    /// True if the child was killed because it ran past its deadline.
    pub fn timed_out(&self) -> bool {
        self.status.is_none()
    }
}

/// Renders a command as a shell-like line for messages (`prog arg1 arg2`).
pub fn display(cmd: &Command) -> String {
    let mut parts = vec![cmd.get_program().to_string_lossy().into_owned()];
    parts.extend(cmd.get_args().map(quote));
    parts.join(" ")
}

/// Quotes one argument for display if it contains anything unusual.
fn quote(arg: &OsStr) -> String {
    let s = arg.to_string_lossy();
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c));
    if plain {
        s.into_owned()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// Runs `cmd` with stdin closed and stdout and stderr merged, calling `on_line` with each line
/// as it arrives, and kills it with its whole process tree after `timeout`.
///
/// # Errors
///
/// Only if the pipe cannot be created or the child cannot be started; a failing or killed
/// child is reported in the [`Outcome`].
pub fn run_teed(
    mut cmd: Command,
    on_line: &mut dyn FnMut(&str),
    timeout: Duration,
) -> crate::Result<Outcome> {
    let (read_end, write_end) = pipe2(OFlag::O_CLOEXEC)?;
    let write_dup = write_end.try_clone()?;
    cmd.stdin(Stdio::null())
        .stdout(Stdio::from(write_end))
        .stderr(Stdio::from(write_dup));
    let start = Instant::now();
    let spawned = cmd.spawn();
    let shown = display(&cmd);
    // Dropping the command closes our copies of the write end, so EOF arrives once the child
    // (and anything it left running) has closed its copies.
    drop(cmd);
    let mut child = spawned.map_err(|e| format!("cannot start `{shown}`: {e}"))?;

    let (tx, rx) = mpsc::channel::<String>();
    std::thread::spawn(move || read_lines(read_end, &tx));

    let mut lines = Vec::new();
    let mut status = None;
    let mut exited_at: Option<Instant> = None;
    loop {
        match rx.recv_timeout(Duration::from_millis(100)) {
            Ok(line) => {
                on_line(&line);
                lines.push(line);
                continue;
            }
            Err(mpsc::RecvTimeoutError::Disconnected) if exited_at.is_some() => break,
            Err(_) => {}
        }
        if let Some(at) = exited_at {
            if at.elapsed() > DRAIN_GRACE {
                break;
            }
            continue;
        }
        if let Some(st) = child.try_wait()? {
            status = Some(st);
            exited_at = Some(Instant::now());
        } else if start.elapsed() > timeout {
            kill_tree(child.id());
            // Reap it; SIGKILL cannot be ignored.
            let _ = child.wait();
            exited_at = Some(Instant::now());
        }
    }
    // Output still in flight after the grace period is dropped on purpose.
    while let Ok(line) = rx.try_recv() {
        lines.push(line);
    }
    Ok(Outcome {
        status,
        lines,
        elapsed: start.elapsed(),
    })
}

/// Reads `fd` line by line (lossy UTF-8) and sends each line until EOF or a closed channel.
fn read_lines(fd: OwnedFd, tx: &mpsc::Sender<String>) {
    let mut reader = BufReader::new(File::from(fd));
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match reader.read_until(b'\n', &mut buf) {
            Ok(0) | Err(_) => return,
            Ok(_) => {
                while buf.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
                    buf.pop();
                }
                if tx.send(String::from_utf8_lossy(&buf).into_owned()).is_err() {
                    return;
                }
            }
        }
    }
}

/// Kills `root` and every descendant with `SIGKILL`.
///
/// Descendants are found through the parent pid in `/proc/<pid>/stat`. They are all stopped
/// first (so nothing forks or gets re-parented while we look), then killed.
pub fn kill_tree(root: u32) {
    let Ok(root) = i32::try_from(root) else {
        return;
    };
    let mut victims = vec![root];
    let _ = kill(Pid::from_raw(root), Signal::SIGSTOP);
    // Repeat: a child may have forked between the scan and the stop.
    for _ in 0..3 {
        let parents = parent_map();
        let mut grew = false;
        let mut i = 0;
        while i < victims.len() {
            let parent = victims[i];
            for (pid, ppid) in &parents {
                if *ppid == parent && !victims.contains(pid) {
                    let _ = kill(Pid::from_raw(*pid), Signal::SIGSTOP);
                    victims.push(*pid);
                    grew = true;
                }
            }
            i += 1;
        }
        if !grew {
            break;
        }
    }
    for pid in victims {
        let _ = kill(Pid::from_raw(pid), Signal::SIGKILL);
    }
}

/// `(pid, ppid)` of every process visible in `/proc`.
fn parent_map() -> Vec<(i32, i32)> {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for entry in dir.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<i32>().ok())
        else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // Format: `pid (comm) state ppid ...`; comm may contain spaces and parentheses.
        let Some(after) = stat.rfind(')').map(|i| &stat[i + 1..]) else {
            continue;
        };
        if let Some(ppid) = after.split_whitespace().nth(1).and_then(|p| p.parse().ok()) {
            out.push((pid, ppid));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn captures_merged_output_in_order() {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "echo one; echo two >&2; echo three; exit 3"]);
        let mut seen = Vec::new();
        let out = run_teed(
            cmd,
            &mut |l| seen.push(l.to_string()),
            Duration::from_secs(30),
        )
        .unwrap();
        assert_eq!(out.lines, ["one", "two", "three"]);
        assert_eq!(seen, out.lines, "every line reaches the callback, in order");
        assert_eq!(out.status.and_then(|s| s.code()), Some(3));
        assert!(!out.success());
    }

    #[test]
    fn kills_a_hung_tree() {
        let mut cmd = Command::new("sh");
        // The inner sleep keeps the pipe open; kill_tree must get it too.
        cmd.args(["-c", "echo started; sleep 1000 & sleep 1000; echo never"]);
        let out = run_teed(cmd, &mut |_| {}, Duration::from_millis(500)).unwrap();
        assert!(out.timed_out());
        assert_eq!(out.lines, ["started"]);
        assert!(out.elapsed < Duration::from_secs(10));
    }

    #[test]
    fn display_quotes() {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "echo 'hi'"]);
        assert_eq!(display(&cmd), r"sh -c 'echo '\''hi'\'''");
    }
}
