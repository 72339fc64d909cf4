//! Project tasks as a Rust program: `cargo xtask <task>`.

mod bench;
mod bench_relay;
mod build;
mod cmd;
mod dev;
mod dist;
mod http;
mod postgres;
mod relay_mode;
mod report;
mod setup;
mod test;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// The command line: one task and its options.
#[derive(Parser)]
#[command(
    name = "xtask",
    bin_name = "cargo xtask",
    about = "Project tasks: setup, build, dev, test, dist, bench",
    arg_required_else_help = true
)]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

/// The tasks, in the order the help lists them.
#[derive(Subcommand)]
enum Task {
    /// Build the widget, start the sandbox with demo data and the relay, print the URLs
    Dev(dev::Options),
    /// Run every test layer (or the ones named)
    Test(test::Options),
    /// Install what is missing: wasm target and tools, Chromium, node packages, PostgreSQL (for
    /// the relay tests)
    Setup,
    /// Build the widget (release) into target/widget
    Build,
    /// Build, check and write dist/widget.zip (with --relay: the relay build, which calls the
    /// Sources API through that relay)
    Dist(dist::Options),
    /// Measure sizes, render time, DOM mutations, requests: target/bench/
    Bench(BenchCommand),
}

/// `bench` measures the widget; `bench relay` the relay.
#[derive(clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
struct BenchCommand {
    #[command(subcommand)]
    relay: Option<BenchRelay>,
    #[command(flatten)]
    widget: bench::Options,
}

/// The relay's benchmark, beside the widget's.
#[derive(Subcommand)]
enum BenchRelay {
    /// Load the relay on loopback: overhead over a direct call, forged tokens refused, a burst
    /// for one account, memory with 10,000 installations: target/bench/relay-report.md
    Relay(bench_relay::Options),
}

fn main() -> ExitCode {
    let outcome = match Cli::parse().task {
        Task::Setup => setup::all(),
        Task::Build => build::widget().map(|_| ()),
        Task::Dev(opts) => dev::dev(opts),
        Task::Test(opts) => test::test(opts),
        Task::Dist(opts) => dist::dist_command(opts),
        Task::Bench(BenchCommand {
            relay: Some(BenchRelay::Relay(opts)),
            ..
        }) => bench_relay::bench(opts),
        Task::Bench(BenchCommand { widget, .. }) => bench::bench(widget),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: error: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn bench_relay_is_a_task_of_its_own() {
        let cli = Cli::try_parse_from(["xtask", "bench", "relay", "--runs", "200"]).unwrap();
        assert!(matches!(
            cli.task,
            Task::Bench(BenchCommand {
                relay: Some(BenchRelay::Relay(_)),
                ..
            })
        ));
        assert!(Cli::try_parse_from(["xtask", "bench", "--runs", "20", "relay"]).is_err());
        assert!(Cli::try_parse_from(["xtask", "frobnicate"]).is_err());
    }
}
