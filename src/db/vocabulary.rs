//! How the closed vocabularies are stored: as their one spelling in a text column, on both
//! backends. A stored value outside the vocabulary is an error when read, never a silent default.

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql};
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::Text;

use crate::domain::{
    AccessAction, AccessLevel, AccountStatus, AlertChange, AlertEmail, Confidence, DeliveryState, Equivalence, FeedOp,
    Kind, ReferenceOrigin, RelationKind, Role, Status, TextFormat, WatchKind,
};

/// A stored spelling that no term of the vocabulary has.
#[derive(Debug, thiserror::Error)]
#[error("the database holds `{value}`, which is not a {vocabulary}")]
pub struct UnknownStoredTerm {
    vocabulary: &'static str,
    value: String,
}

macro_rules! stored_as_text {
    ($($name:ty => $label:literal),+ $(,)?) => {$(
        impl<DB: Backend> ToSql<Text, DB> for $name
        where
            str: ToSql<Text, DB>,
        {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
                self.as_str().to_sql(out)
            }
        }

        impl<DB: Backend> FromSql<Text, DB> for $name
        where
            String: FromSql<Text, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
                let stored = String::from_sql(bytes)?;
                <$name>::ALL.iter().copied().find(|term| term.as_str() == stored).ok_or_else(|| {
                    Box::new(UnknownStoredTerm { vocabulary: $label, value: stored.chars().take(64).collect() }).into()
                })
            }
        }
    )+};
}

stored_as_text!(
    Kind => "kind",
    Status => "status",
    AccessLevel => "access level",
    Confidence => "confidence",
    RelationKind => "relation",
    ReferenceOrigin => "reference origin",
    WatchKind => "watch kind",
    AlertChange => "alert change",
    AlertEmail => "alert email",
    DeliveryState => "delivery state",
    Equivalence => "equivalence degree",
    Role => "role",
    AccountStatus => "account status",
    AccessAction => "access action",
    TextFormat => "text format",
    FeedOp => "feed operation",
);
