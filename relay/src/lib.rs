//! kommo-relay: keeps a Kommo integration's OAuth tokens server-side, checks the widget's
//! `X-Auth-Token` and forwards its Sources API calls to the account.

#![warn(missing_docs)]

pub mod admin;
pub mod app;
pub mod auth;
pub mod clock;
pub mod config;
pub mod cors;
pub mod health;
pub mod history;
pub mod hook;
pub mod hosts;
pub mod install;
pub mod keep_alive;
pub mod kommo;
pub mod log;
pub mod metrics;
pub mod pace;
pub mod problem;
pub mod proxy;
mod refusals;
pub mod seal;
pub mod server;
pub mod store;
pub mod tokens;
pub mod upstream;

pub use app::App;
pub use config::{parse, Command, Config, LogFormat};
pub use server::{router, serve, spawn, start, Running};
