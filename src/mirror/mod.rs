//! A provincial mirror (`upstream` set): a node that follows the national catalogue through the
//! connection standard and serves its officials locally. It loads a snapshot, follows the feed,
//! checks every page, entry and checkpoint with the upstream's configured public key
//! (`feed::verify`, `upstream`, `follow`), and applies each page with its position in one
//! transaction (`apply`); its search index follows its own change log as on any node; public
//! texts are fetched by hash (`texts`). With its credential (`link`, speaking `wire`) it keeps its
//! province's accounts (`accounts`) and relays its officials' reads (`relay`). Writes to its
//! catalogue are refused: the upstream is the master.

pub mod accounts;
mod apply;
mod follow;
pub mod link;
pub mod relay;
mod status;
pub mod texts;
pub mod upstream;
pub mod wire;

pub use follow::spawn;
pub use status::{MirrorHealth, SyncClock};

use crate::feed::signing::PublicJwk;

/// The upstream's key from its configured public half (base64url of the 32 bytes, the `x` of its
/// JWKS entry).
pub fn pinned_key(x: &str) -> PublicJwk {
    PublicJwk {
        kty: "OKP".into(),
        crv: "Ed25519".into(),
        x: x.trim().to_string(),
        kid: "upstream".into(),
        use_: "sig".into(),
        alg: "EdDSA".into(),
    }
}
