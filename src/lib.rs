//! tieuchuan: the national library of Vietnamese standards and technical regulations
//! (TCVN, QCVN, QCĐP, ĐLVN). See `docs/architecture.md` for the shape of the code.

pub mod atom;
pub mod auth;
pub mod cli;
pub mod client_address;
pub mod config;
pub mod conformance;
pub mod connections;
pub mod corpus;
pub mod db;
pub mod domain;
pub mod error;
pub mod feed;
pub mod metrics;
pub mod mirror;
pub mod oai;
pub mod odata;
pub mod pages;
pub mod relaton;
pub mod request_head;
pub mod routes;
pub mod search;
pub mod secret_file;
pub mod security_headers;
pub mod services;
pub mod startup;
pub mod telemetry;
pub mod texts;
pub mod uploads;
pub mod xml_text;
