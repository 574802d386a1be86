//! The `tieuchuan` binary: parses the command line and hands over to the library.

use clap::Parser;

fn main() -> std::process::ExitCode {
    tieuchuan::cli::run(tieuchuan::cli::Cli::parse())
}
