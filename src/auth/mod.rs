//! Authentication and authorisation: passwords, tokens, the caller extractor, sign-in rate
//! limits, and the one policy module every handler asks.

pub mod caller;
pub mod editor;
pub mod mirror_client;
pub mod password;
pub mod policy;
pub mod rate_limit;
pub mod tokens;

pub use caller::{Account, Caller, Standing};
pub use editor::Editor;
pub use policy::{Action, authorize};
