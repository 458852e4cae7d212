fn main() -> std::process::ExitCode {
    wijksim::cli::main()
}
