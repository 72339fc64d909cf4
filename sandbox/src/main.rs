//! `kommo-sandbox`: parses the command line and runs the server until Ctrl-C or SIGTERM.

use sandbox::{parse_args, App, Command};
use std::io::Write;
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = match parse_args(std::env::args().skip(1)) {
        Ok(Command::Run(cli)) => *cli,
        Ok(Command::Help) => {
            print!("{}", sandbox::config::help());
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("kommo-sandbox: {e}");
            return ExitCode::from(2);
        }
    };
    let demo_token = cli.config.demo_token();
    let app = match App::new(cli.config) {
        Ok(app) => app,
        Err(e) => {
            eprintln!("kommo-sandbox: {e}");
            return ExitCode::FAILURE;
        }
    };
    let listener = match tokio::net::TcpListener::bind(cli.addr).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("kommo-sandbox: cannot listen on {}: {e}", cli.addr);
            return ExitCode::FAILURE;
        }
    };
    let addr = match listener.local_addr() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("kommo-sandbox: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("kommo-sandbox listening on http://{addr}");
    if let Some(token) = demo_token {
        println!("demo token: {token}");
    }
    let _ = std::io::stdout().flush();
    match sandbox::serve(listener, app, stop_signal()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("kommo-sandbox: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Resolves on Ctrl-C or SIGTERM.
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
