//! Integration tests: the real application on a real port, over HTTP and the command line,
//! against SQLite, and against PostgreSQL when `TEST_DATABASE_URL` is set.

mod abuse;
mod access_matrix;
mod account_pages;
mod account_safety;
mod accounts;
mod accounts_helpers;
mod atom;
mod browser;
mod catalogue;
mod change_log;
mod client_logs;
mod contract;
mod errors;
mod feed;
mod follower;
mod helpers;
mod import;
mod import_texts;
mod oai;
mod openapi_limits;
mod operations;
mod page_security;
mod pages;
mod pdf_bombs;
mod pdf_helpers;
mod quotas;
mod removal;
mod search;
mod search_access;
mod search_index;
mod sign_in_limits;
mod snapshot;
mod texts;
mod units_of_work;
mod vocabulary;
