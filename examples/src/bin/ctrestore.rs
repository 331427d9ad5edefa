//! `ctrestore`: create the flows of a file in the save format, like
//! `conntrack -R`: a table saved by `ctlist -o save` or `conntrack -L -o
//! save`, or the new-flow events of `ctevents -o save`.
//!
//! Privileges: `CAP_NET_ADMIN` in the network namespace's owning user namespace.
//!
//! Usage: `ctrestore [--labelmap PATH] [--batch N] [FILE]` (no FILE or `-`:
//! standard input). Lines are read as `Flow::parse_save_line` reads them
//! (`--label-add` names by the label map, by default the tool's
//! `/etc/xtables/connlabel.conf` if it exists) and created `N` at a time
//! (default 256) with `Conntrack::create_batch`. A line that does not parse
//! (or is an update or delete of an event log) and a flow the kernel
//! refuses are reported on standard error as `ctrestore: line N: …` with
//! the reason (the kernel's error for a refusal); the other lines are
//! restored. Exit status 1 if any line failed.

use std::io::BufRead;

use nfnl_conntrack::{Conntrack, Flow, LabelMap};

const HELP: &str = "\
ctrestore: create the flows of a file in the conntrack save format (conntrack -R)

usage: ctrestore [--labelmap PATH] [--batch N] [FILE]
    FILE             the save format, one flow per line (-A lines); standard input
                     if absent or -
    --labelmap PATH  label names (default /etc/xtables/connlabel.conf)
    --batch N        flows per batch of creates (default 256)

Each line that fails is reported with its number; the others are restored.
Exit status 1 if any line failed. Needs CAP_NET_ADMIN.
";

struct Args {
    file: Option<String>,
    labelmap: Option<String>,
    batch: usize,
}

fn parse_args() -> Result<Option<Args>, String> {
    let mut args = Args {
        file: None,
        labelmap: None,
        batch: 256,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "-h" | "--help" => return Ok(None),
            "--labelmap" => args.labelmap = Some(it.next().ok_or("--labelmap needs a path")?),
            "--batch" => {
                let n = it.next().ok_or("--batch needs a number")?;
                args.batch = n
                    .parse()
                    .ok()
                    .filter(|&n| n > 0)
                    .ok_or(format!("bad batch size `{n}`"))?;
            }
            "-" => args.file = None,
            f if !f.starts_with('-') => args.file = Some(f.to_owned()),
            o => return Err(format!("unknown option {o}")),
        }
    }
    Ok(Some(args))
}

/// Counts of the restore, for the summary and the exit status.
#[derive(Default)]
struct Tally {
    created: u64,
    failed: u64,
}

/// A line of the input: its number and its flow, or why it has none.
type Line = (usize, Result<Flow, String>);

/// Creates the flows of `batch`, then reports each failed line of it (a
/// format error or the kernel's refusal) in line order.
fn flush(ct: &mut Conntrack, batch: &mut Vec<Line>, tally: &mut Tally) -> Result<(), String> {
    let flows: Vec<Flow> = batch
        .iter()
        .filter_map(|(_, f)| f.as_ref().ok().cloned())
        .collect();
    if flows.is_empty() && batch.is_empty() {
        return Ok(());
    }
    let mut results = ct
        .create_batch(&flows)
        .map_err(|e| e.to_string())?
        .into_iter();
    for (line, f) in batch.drain(..) {
        let r = match f {
            Ok(_) => results.next().map_or_else(
                || Err("no answer in the batch".to_owned()),
                |r| r.map_err(|e| e.to_string()),
            ),
            Err(e) => Err(e),
        };
        match r {
            Ok(()) => tally.created += 1,
            Err(e) => {
                eprintln!("ctrestore: line {line}: {e}");
                tally.failed += 1;
            }
        }
    }
    Ok(())
}

fn run(args: &Args) -> Result<(), String> {
    let labels = match &args.labelmap {
        Some(p) => Some(LabelMap::load(p).map_err(|e| e.to_string())?),
        None => LabelMap::load(LabelMap::DEFAULT_PATH).ok(),
    };
    let input: Box<dyn BufRead> = match &args.file {
        Some(path) => Box::new(std::io::BufReader::new(
            std::fs::File::open(path).map_err(|e| format!("{path}: {e}"))?,
        )),
        None => Box::new(std::io::stdin().lock()),
    };
    let mut ct = Conntrack::open().map_err(|e| e.to_string())?;
    let (mut tally, mut batch) = (Tally::default(), Vec::with_capacity(args.batch));
    for (i, line) in input.split(b'\n').enumerate() {
        let line = line.map_err(|e| format!("reading line {}: {e}", i + 1))?;
        let parsed = match std::str::from_utf8(&line) {
            Ok(text) => Flow::parse_save_line(text, labels.as_ref()).map_err(|e| e.to_string()),
            Err(_) => Err("not UTF-8 text".to_owned()),
        };
        match parsed {
            Ok(Some(f)) => batch.push((i + 1, Ok(f))),
            Ok(None) => {}
            Err(e) => batch.push((i + 1, Err(e))),
        }
        if batch.len() >= args.batch {
            flush(&mut ct, &mut batch, &mut tally)?;
        }
    }
    flush(&mut ct, &mut batch, &mut tally)?;
    eprintln!(
        "ctrestore: {} flow entries have been created.",
        tally.created
    );
    match tally.failed {
        0 => Ok(()),
        n => Err(format!("{n} line(s) failed (see above)")),
    }
}

fn main() -> std::process::ExitCode {
    examples::cli::main("ctrestore", HELP, parse_args, |args| run(&args))
}
