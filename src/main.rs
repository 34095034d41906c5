fn main() -> std::process::ExitCode {
    marketlens::cli::run()
}
