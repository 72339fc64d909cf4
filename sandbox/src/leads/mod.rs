//! Leads: account-wide (every integration sees them all), each created from a source of one
//! integration or from none. `POST /api/v4/leads/complex`, `GET /api/v4/leads[/{id}]`, the
//! demo leads, the store's lead ids and the `/__sandbox/leads` controls.

pub mod api;
pub mod control;
pub mod create;
pub mod demo;
pub mod model;
pub mod query;
pub mod store;
pub mod switches;

pub use model::{Lead, LeadSource};
