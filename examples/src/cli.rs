//! The `main` every example program shares: parse the arguments (`None`
//! asks for the help), run, and turn the outcome into an exit code with a
//! message prefixed by the program's name.

use std::fmt::Display;
use std::process::ExitCode;

/// Parses with `parse`; prints `help` (exit 0) when it returns `Ok(None)`,
/// the error and `help` (exit 2) when it fails; otherwise runs `run` and
/// prints its error, if any, as `name: error` (exit 1).
pub fn main<A, E: Display>(
    name: &str,
    help: &str,
    parse: impl FnOnce() -> Result<Option<A>, String>,
    run: impl FnOnce(A) -> Result<(), E>,
) -> ExitCode {
    let args = match parse() {
        Ok(Some(a)) => a,
        Ok(None) => {
            print!("{help}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("{name}: {e}\n\n{help}");
            return ExitCode::from(2);
        }
    };
    match run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{name}: {e}");
            ExitCode::FAILURE
        }
    }
}
