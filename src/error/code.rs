//! The stable error codes of the API, one enum (as meilisearch keeps them): every `code` an
//! error envelope can carry, listed in the OpenAPI document and in API.md.

use serde::Serialize;
use utoipa::ToSchema;

macro_rules! error_codes {
    ($($(#[doc = $doc:literal])* $variant:ident => $code:literal,)+) => {
        /// A stable snake_case code inside the error envelope.
        // The codes are the variants in snake_case (the unit test below holds `as_str` to it),
        // which is how utoipa writes them into the OpenAPI enum too.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum ErrorCode {
            $($(#[doc = $doc])* $variant,)+
        }

        impl ErrorCode {
            /// Every code, in the order API.md lists them.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)+];

            /// The code a client saw (an upstream's answer, read back by a mirror).
            pub fn parse(code: &str) -> Option<ErrorCode> {
                ErrorCode::ALL.iter().copied().find(|known| known.as_str() == code)
            }

            /// The code as clients see it.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $code,)+
                }
            }
        }
    };
}

error_codes! {
    /// A query parameter, path segment, header or body field is malformed or out of range.
    InvalidParameter => "invalid_parameter",
    /// No standard answers to the reference; `suggestions` lists close ones.
    StandardNotFound => "standard_not_found",
    StandardRemoved => "standard_removed",
    /// The reference is an international document (`ISO 9001:2015`); its TCVN adoptions are suggested.
    InternationalDocument => "international_document",
    /// Nothing at this address, or no such record.
    NotFound => "not_found",
    UserNotFound => "user_not_found",
    DocumentNotFound => "document_not_found",
    /// The text is not a PDF.
    NoPdf => "no_pdf",
    /// The address exists but not with this method (see `Allow`).
    MethodNotAllowed => "method_not_allowed",
    PayloadTooLarge => "payload_too_large",
    /// The `Range` asked for lies outside the file (see `Content-Range` for its length).
    RangeNotSatisfiable => "range_not_satisfiable",
    /// The feed is in another epoch than the follower's: start again from a snapshot.
    EpochChanged => "epoch_changed",
    /// The follower's position is past the feed's head: start again from a snapshot.
    BeyondHead => "beyond_head",
    /// The address (path and query) is longer than the service reads.
    UriTooLong => "uri_too_long",
    /// The request's headers together are larger than the service reads.
    HeadersTooLarge => "headers_too_large",
    UnsupportedMediaType => "unsupported_media_type",
    /// Valid for the protocol (an OData query option or function) but not implemented here.
    NotImplemented => "not_implemented",
    /// Not signed in, where signing in is needed.
    NotSignedIn => "not_signed_in",
    InvalidCredentials => "invalid_credentials",
    InvalidToken => "invalid_token",
    TokenExpired => "token_expired",
    TokenRevoked => "token_revoked",
    InvalidRefreshToken => "invalid_refresh_token",
    RefreshTokenReused => "refresh_token_reused",
    /// Signed in, but this account may not do this.
    Forbidden => "forbidden",
    /// A page form without its CSRF token.
    Csrf => "csrf",
    AccountPending => "account_pending",
    AccountSuspended => "account_suspended",
    AccountExpired => "account_expired",
    AccountInactive => "account_inactive",
    AccountLocked => "account_locked",
    TooManyAttempts => "too_many_attempts",
    TooManyRegistrations => "too_many_registrations",
    /// Too many connections from one address at once.
    TooManyConnections => "too_many_connections",
    DownloadQuota => "download_quota",
    ReadQuota => "read_quota",
    /// A record with this key exists already.
    AlreadyExists => "already_exists",
    /// This node mirrors an upstream: change the catalogue there.
    ReadOnlyMirror => "read_only_mirror",
    /// This node mirrors an upstream, where accounts are kept: register and manage them there.
    AccountsAtUpstream => "accounts_at_upstream",
    /// A mirror credential that is missing, unknown or revoked.
    InvalidMirrorCredential => "invalid_mirror_credential",
    /// This mirror cannot reach its upstream (or was refused by it) for what was asked.
    UpstreamUnreachable => "upstream_unreachable",
    /// The standard's texts have been read: it cannot be removed (withdraw it instead), so that
    /// usage reports keep every read.
    StandardInUse => "standard_in_use",
    /// A reference the record's source declared: it is changed with the record's relations, not
    /// struck out as a misread citation.
    DeclaredReference => "declared_reference",
    UsernameTaken => "username_taken",
    EmailTaken => "email_taken",
    OwnAccount => "own_account",
    LastAdmin => "last_admin",
    InvalidUsername => "invalid_username",
    InvalidEmail => "invalid_email",
    InvalidFullName => "invalid_full_name",
    InvalidField => "invalid_field",
    InvalidRole => "invalid_role",
    InvalidExpiry => "invalid_expiry",
    InvalidAccessLevel => "invalid_access_level",
    InvalidRecord => "invalid_record",
    WeakPassword => "weak_password",
    UnknownProvince => "unknown_province",
    ProvinceRequired => "province_required",
    UnreadableFile => "unreadable_file",
    UnreadableText => "unreadable_text",
    UnstampablePdf => "unstampable_pdf",
    PdfOverLimits => "pdf_over_limits",
    /// The database cannot be reached or has no free connection.
    DatabaseUnavailable => "database_unavailable",
    NotReady => "not_ready",
    /// Too much work at once; retry after `Retry-After`.
    Overloaded => "overloaded",
    InternalError => "internal_error",
}

#[cfg(test)]
mod tests {
    use super::ErrorCode;

    #[test]
    fn codes_are_unique_snake_case() {
        let mut seen = std::collections::HashSet::new();
        for code in ErrorCode::ALL {
            let text = code.as_str();
            assert!(text.chars().all(|c| c.is_ascii_lowercase() || c == '_'), "{text}");
            assert!(seen.insert(text), "{text} twice");
            assert_eq!(serde_json::to_value(code).ok(), Some(serde_json::Value::from(text)));
        }
    }
}
