//! The `spiegel` binary: everything is in the library; see `cli`.

fn main() -> std::process::ExitCode {
    spiegel::cli::main()
}
