//! The `parkenergy` command: parse arguments, call the library, map the outcome to an exit code
//! (0 ok, 2 bad input, 1 internal error).

use std::process::ExitCode;

fn main() -> ExitCode {
    match parkenergy::cli::run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(parkenergy::cli::Failure::BadInput(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(2)
        }
        Err(parkenergy::cli::Failure::Internal(err)) => {
            eprintln!("internal error: {err:#}");
            ExitCode::from(1)
        }
    }
}
