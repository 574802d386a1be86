//! The closed vocabularies of the catalogue: kinds, statuses, access levels, relations, confidence.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::text::fold_diacritics;

/// A value outside a closed vocabulary, with the values that would have been accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{value}` is not a valid {vocabulary}; expected one of: {expected}")]
pub struct UnknownTerm {
    pub vocabulary: &'static str,
    pub value: String,
    pub expected: String,
}

/// Declares an enum whose variants have one stable spelling each, with parsing that also
/// accepts the spelling without diacritics and in any case (`dlvn` → `ĐLVN`).
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident, $label:literal { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
            diesel::AsExpression, diesel::FromSqlRow,
        )]
        #[diesel(sql_type = diesel::sql_types::Text)]
        pub enum $name {
            $(#[serde(rename = $text)] $variant,)+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The stable spelling used in the database and the API.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text,)+ }
            }
        }

        // Written by hand: utoipa's derive does not see a `serde(rename)` whose value comes from
        // a macro argument, and would list the Rust names (`Qcdp`) instead of the spellings.
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .description(Some(concat!("A term of the ", $label, " vocabulary.")))
                    .enum_values(Some([$($text),+]))
                    .into()
            }
        }

        impl ToSchema for $name {}

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = UnknownTerm;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                let wanted = fold_diacritics(value.trim()).to_lowercase();
                $name::ALL
                    .iter()
                    .copied()
                    .find(|term| fold_diacritics(term.as_str()).to_lowercase() == wanted)
                    .ok_or_else(|| UnknownTerm {
                        vocabulary: $label,
                        value: value.chars().take(64).collect(),
                        expected: $name::ALL.iter().map(|t| t.as_str()).collect::<Vec<_>>().join(", "),
                    })
            }
        }
    };
}

vocabulary!(
    /// The kind of document: voluntary standard, national or local regulation, metrology document,
    /// and the older national families still cited: construction regulations before QCVN
    /// (`QCXDVN`), construction standards before TCVN (`TCXDVN`, `TCXD`), sector standards (`TCN`).
    Kind, "kind" {
        Tcvn => "TCVN",
        Qcvn => "QCVN",
        Qcdp => "QCĐP",
        Dlvn => "ĐLVN",
        Qcxdvn => "QCXDVN",
        Tcxdvn => "TCXDVN",
        Tcxd => "TCXD",
        Tcn => "TCN",
    }
);

vocabulary!(
    /// Legal status of a standard. `unknown` means no source said; it is not `in_force`.
    Status, "status" {
        InForce => "in_force",
        Replaced => "replaced",
        Amended => "amended",
        Expired => "expired",
        Annulled => "annulled",
        Suspended => "suspended",
        Draft => "draft",
        Unknown => "unknown",
    }
);

vocabulary!(
    /// Who may read the texts attached to a standard (DESIGN §5).
    AccessLevel, "access level" {
        Public => "public",
        Registered => "registered",
        Inspectors => "inspectors",
    }
);

vocabulary!(
    /// How far a record's source can be trusted.
    Confidence, "confidence" {
        High => "high",
        Medium => "medium",
        Low => "low",
    }
);

vocabulary!(
    /// A stored relation from one standard to a code (relaton vocabulary).
    RelationKind, "relation" {
        Replaces => "replaces",
        ReplacedBy => "replaced_by",
        Amends => "amends",
        AmendedBy => "amended_by",
        References => "references",
        Adopts => "adopts",
    }
);

vocabulary!(
    /// Who says a standard's text cites a code: the service, having read the text (`extracted`);
    /// an editor who added it (`corrected`); or an editor who struck out what was read
    /// (`rejected`, never shown, kept so that reading the text again does not bring it back).
    ReferenceOrigin, "reference origin" {
        Extracted => "extracted",
        Corrected => "corrected",
        Rejected => "rejected",
    }
);

vocabulary!(
    /// What a watch follows: one standard, a whole series (every edition and amendment, present and
    /// future), a field, or an issuer.
    WatchKind, "watch kind" {
        Standard => "standard",
        Series => "series",
        Field => "field",
        Issuer => "issuer",
    }
);

vocabulary!(
    /// What happened to a watched standard, as a notification says it.
    AlertChange, "alert change" {
        Status => "status",
        Replaced => "replaced",
        Amended => "amended",
        NewEdition => "new_edition",
        TextAdded => "text_added",
        Removed => "removed",
        CitedReplaced => "cited_replaced",
    }
);

vocabulary!(
    /// How an account wants its alerts by email.
    AlertEmail, "alert email" {
        Off => "off",
        Immediate => "immediate",
        Weekly => "weekly",
    }
);

vocabulary!(
    /// Where a webhook delivery stands: waiting for its (next) attempt, taken by the receiver, or
    /// given up after its last attempt.
    DeliveryState, "delivery state" {
        Pending => "pending",
        Delivered => "delivered",
        Failed => "failed",
    }
);

vocabulary!(
    /// Degree of equivalence to an international document.
    Equivalence, "equivalence degree" {
        Identical => "IDT",
        Modified => "MOD",
        NotEquivalent => "NEQ",
    }
);

vocabulary!(
    /// What an account may do (DESIGN §2, §5).
    Role, "role" {
        Official => "official",
        Inspector => "inspector",
        ProvinceAdmin => "province_admin",
        Admin => "admin",
    }
);

vocabulary!(
    /// Where an account stands: registered and waiting, usable, or stopped.
    AccountStatus, "account status" {
        Pending => "pending",
        Active => "active",
        Suspended => "suspended",
    }
);

vocabulary!(
    /// How a text was used.
    AccessAction, "access action" {
        View => "view",
        Download => "download",
    }
);

vocabulary!(
    /// What a stored text is.
    TextFormat, "text format" {
        Pdf => "pdf",
        Markdown => "markdown",
        Text => "text",
    }
);

vocabulary!(
    /// What a change-log entry does to its standard (the connection standard's `op`): the record
    /// after the change, or its removal, kept forever.
    FeedOp, "feed operation" {
        Upsert => "upsert",
        Tombstone => "tombstone",
    }
);

impl Kind {
    /// The access level of a new text when nobody chose one: regulations are law and public,
    /// TCVN texts are for registered officials.
    pub fn default_access_level(self) -> AccessLevel {
        if self.is_regulation() { AccessLevel::Public } else { AccessLevel::Registered }
    }

    /// Whether documents of this kind are law (regulations and metrology documents) rather than
    /// voluntary standards.
    pub fn is_regulation(self) -> bool {
        match self {
            Kind::Qcvn | Kind::Qcdp | Kind::Dlvn | Kind::Qcxdvn => true,
            Kind::Tcvn | Kind::Tcxdvn | Kind::Tcxd | Kind::Tcn => false,
        }
    }

    /// Whether codes of this kind were often written with a two-digit year after a hyphen
    /// (`TCXD 45-78`, `22 TCN 272-05`).
    pub fn writes_short_years(self) -> bool {
        matches!(self, Kind::Tcxd | Kind::Tcn)
    }

    /// The kind's name in Vietnamese, as catalogues and OAI records write it.
    pub fn name_vi(self) -> &'static str {
        match self {
            Kind::Tcvn => "Tiêu chuẩn quốc gia (TCVN)",
            Kind::Qcvn => "Quy chuẩn kỹ thuật quốc gia (QCVN)",
            Kind::Qcdp => "Quy chuẩn kỹ thuật địa phương (QCĐP)",
            Kind::Dlvn => "Văn bản kỹ thuật đo lường Việt Nam (ĐLVN)",
            Kind::Qcxdvn => "Quy chuẩn xây dựng Việt Nam (QCXDVN)",
            Kind::Tcxdvn => "Tiêu chuẩn xây dựng Việt Nam (TCXDVN)",
            Kind::Tcxd => "Tiêu chuẩn xây dựng (TCXD)",
            Kind::Tcn => "Tiêu chuẩn ngành (TCN)",
        }
    }
}

impl Status {
    /// The status in Vietnamese, as notifications say it.
    pub fn name_vi(self) -> &'static str {
        match self {
            Status::InForce => "còn hiệu lực",
            Status::Replaced => "bị thay thế",
            Status::Amended => "được sửa đổi",
            Status::Expired => "hết hiệu lực",
            Status::Annulled => "bị huỷ bỏ",
            Status::Suspended => "tạm ngưng hiệu lực",
            Status::Draft => "dự thảo",
            Status::Unknown => "chưa rõ",
        }
    }

    /// Ranking weight used for tie-breaks: in force above unknown above the rest.
    pub fn currency_rank(self) -> u8 {
        match self {
            Status::InForce | Status::Amended => 3,
            Status::Unknown | Status::Draft => 2,
            Status::Suspended => 1,
            Status::Replaced | Status::Expired | Status::Annulled => 0,
        }
    }
}

impl RelationKind {
    /// The same relation seen from the other end (`replaces` ↔ `replaced_by`).
    pub fn inverse(self) -> Option<RelationKind> {
        match self {
            RelationKind::Replaces => Some(RelationKind::ReplacedBy),
            RelationKind::ReplacedBy => Some(RelationKind::Replaces),
            RelationKind::Amends => Some(RelationKind::AmendedBy),
            RelationKind::AmendedBy => Some(RelationKind::Amends),
            RelationKind::References | RelationKind::Adopts => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_parse_with_or_without_diacritics() {
        assert_eq!("dlvn".parse::<Kind>(), Ok(Kind::Dlvn));
        assert_eq!("ĐLVN".parse::<Kind>(), Ok(Kind::Dlvn));
        assert_eq!("QCDP".parse::<Kind>(), Ok(Kind::Qcdp));
        assert!("ISO".parse::<Kind>().is_err());
    }

    #[test]
    fn unknown_status_names_the_accepted_values() {
        let error = "valid".parse::<Status>().unwrap_err();
        assert!(error.to_string().contains("in_force"));
    }

    #[test]
    fn relations_have_inverses() {
        assert_eq!(RelationKind::Replaces.inverse(), Some(RelationKind::ReplacedBy));
        assert_eq!(RelationKind::References.inverse(), None);
    }
}
