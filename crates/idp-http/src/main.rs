fn main() -> std::process::ExitCode {
    idp_http::cli::run()
}
