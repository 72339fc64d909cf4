//! A stand-in for Kommo on loopback: the Sources API and a widget host page.

pub mod host;
