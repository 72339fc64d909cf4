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
mod setup;
mod test;

use std::process::ExitCode;

const HELP: &str = "\
cargo xtask <task>

  dev [--addr A] [-- SANDBOX ARGS]  build the widget, start the sandbox with demo data, print the URL
  test [native|wasm|e2e]...        run every test layer (or the ones named)
  setup                            install what is missing: wasm target and tools, Chromium, node
                                   packages, PostgreSQL (for the relay tests)
  build                            build the widget (release) into target/widget
  dist [--relay URL]               build, check and write dist/widget.zip (with --relay: the
                                   relay build, which calls the Sources API through that relay)
  bench [--runs N] [--widget-dir D] measure sizes, render time, DOM mutations, requests: target/bench/
  bench relay [--runs N]           load the relay on loopback: overhead over a direct call, forged
                                   tokens refused, a burst for one account, memory with 10,000
                                   installations: target/bench/relay-report.md
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(task) = args.first() else {
        eprint!("{HELP}");
        return ExitCode::from(2);
    };
    let rest = &args[1..];
    let outcome = match task.as_str() {
        "setup" => setup::all(),
        "build" => build::widget().map(|_| ()),
        "dev" => dev::dev(rest),
        "test" => test::test(rest),
        "dist" => dist::dist_command(rest),
        "bench" if rest.first().is_some_and(|a| a == "relay") => bench_relay::bench(&rest[1..]),
        "bench" => bench::bench(rest),
        "help" | "--help" | "-h" => {
            print!("{HELP}");
            Ok(())
        }
        other => Err(format!(
            "unknown task `{other}`; `cargo xtask help` lists them"
        )),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: error: {e}");
            ExitCode::FAILURE
        }
    }
}
