//! `cargo xtask dev`: builds the widget, starts the sandbox with demo data and says where to go.

use std::io::{BufRead, BufReader};
use std::process::Stdio;

use crate::build;
use crate::cmd::{command, say, Result};
use crate::setup::{self, Need};

/// Where the sandbox listens unless `--addr` says otherwise.
const DEFAULT_ADDR: &str = "127.0.0.1:8080";

/// Builds everything and runs the sandbox in the foreground until Ctrl-C.
pub fn dev(args: &[String]) -> Result {
    let mut addr = DEFAULT_ADDR.to_owned();
    let mut passthrough = Vec::new();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--addr" => {
                addr = it
                    .next()
                    .ok_or("--addr needs a value, e.g. 127.0.0.1:8080")?
                    .clone()
            }
            "--" => passthrough.extend(it.by_ref().cloned()),
            other => passthrough.push(other.to_owned()),
        }
    }

    setup::ensure(&[Need::Node])?;
    let widget_dir = if build::widget_exists() {
        Some(build::widget()?)
    } else {
        say("widget/script.js does not exist yet: the host pages will say that no widget is built");
        None
    };

    let mut sandbox = command(build::sandbox()?);
    sandbox.args(["--addr", &addr]);
    if let Some(dir) = &widget_dir {
        sandbox.arg("--widget-dir").arg(dir);
    }
    sandbox.args(&passthrough).stdout(Stdio::piped());
    let mut child = sandbox
        .spawn()
        .map_err(|e| format!("could not start the sandbox: {e}"))?;

    // Echo the sandbox's own lines, and add the address to open once it is listening.
    let stdout = child.stdout.take().expect("stdout is piped");
    for line in BufReader::new(stdout).lines() {
        let Ok(line) = line else { break };
        println!("{line}");
        if let Some(url) = line.split("listening on ").nth(1) {
            let url = url.trim().trim_end_matches('/');
            println!();
            println!("  Open {url}/ in a browser:");
            println!("    Settings > Integrations (the widget's modal): {url}/settings/widgets");
            println!(
                "    The full manager (advanced settings): {url}/settings/widgets/sources_manager/advanced"
            );
            println!(
                "    Digital Pipeline (add the widget as a lead source): {url}/digital-pipeline"
            );
            println!("  Ctrl-C stops the sandbox.");
            println!();
        }
    }
    let status = child
        .wait()
        .map_err(|e| format!("lost the sandbox process: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("the sandbox stopped ({status})"))
    }
}
