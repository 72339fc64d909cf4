//! `kommo-relay`: reads the command line and the environment, then serves until Ctrl-C or
//! SIGTERM and drains before it exits.

use relay::Command;
use std::io::Write;
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = match relay::parse(std::env::args().skip(1), |name| std::env::var(name).ok()) {
        Ok(Command::Run(cli)) => *cli,
        Ok(Command::Help) => {
            print!("{}", relay::config::help());
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("kommo-relay: {e}");
            return ExitCode::from(2);
        }
    };
    relay::log::init(cli.config.log_format);
    let listener = match tokio::net::TcpListener::bind(cli.addr).await {
        Ok(l) => l,
        Err(e) => {
            tracing::error!(addr = %cli.addr, "cannot listen: {e}");
            return ExitCode::FAILURE;
        }
    };
    let addr = listener.local_addr().map_or(cli.addr, |a| a);
    let app = match relay::App::new(cli.config).await {
        Ok(app) => app,
        Err(e) => {
            tracing::error!("{e}");
            return ExitCode::FAILURE;
        }
    };
    // Scripts wait for this exact line on stdout.
    println!("kommo-relay listening on http://{addr}");
    let _ = std::io::stdout().flush();
    tracing::info!(%addr, "listening");
    match relay::serve(listener, app, stop_signal()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("the server failed: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Resolves on Ctrl-C or SIGTERM.
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
