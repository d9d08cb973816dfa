fn main() -> std::process::ExitCode {
    spiegel::cli::main()
}
