//! The domain vocabulary: codes (national and international), text normalisation and the closed value sets of the catalogue.

pub mod citations;
pub mod code;
pub mod digest;
pub mod fields;
pub mod international;
pub mod link;
pub mod reference;
pub mod text;
pub mod time;
pub mod vocabulary;

#[cfg(test)]
mod code_tests;

pub use code::{CanonicalCode, CodeError};
pub use international::InternationalCode;
pub use link::StandardLink;
pub use reference::Reference;
pub use vocabulary::{
    AccessAction, AccessLevel, AccountStatus, AlertChange, AlertEmail, Confidence, DeliveryState, Equivalence, FeedOp,
    Kind, ReferenceOrigin, RelationKind, Role, Status, TextFormat, UnknownTerm, WatchKind,
};
