//! A stand-in for Kommo on loopback: the Sources API, leads and a widget host page.

// Handlers return early with a finished `Response` as the error; it is large, but boxing
// every early answer would only add noise to code that runs once per request.
#![allow(clippy::result_large_err)]
#![warn(missing_docs)]

pub mod api;
pub mod app;
pub mod block;
pub mod config;
pub mod control;
pub mod faults;
pub mod host;
pub mod leads;
pub mod model;
pub mod oauth;
pub mod persist;
pub mod pipelines;
pub mod request;
pub mod respond;
pub mod rules;
pub mod server;
pub mod store;

pub use app::App;
pub use config::{
    parse_args, Cli, Command, Config, LeadSource, RefreshReuse, UnknownSource, DEMO_TOKEN,
};
pub use server::{router, serve, spawn, Running};
