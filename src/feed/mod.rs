//! The connection standard (chuẩn kết nối, `docs/chuan-ket-noi.md`): the change log published as a
//! verifiable feed that any provincial portal can follow. Each entry carries the whole public
//! record after the change (`record`), its canonical hash (`canonical`) and a hash chain; the log
//! and its epochs are written by `log` inside the catalogue writers' transactions, and checkpoints
//! are signed with the key of `signing`. Pages and entries have one shape on the wire (`entry`);
//! followers check them with `verify`, and snapshots are written by `snapshot`.

pub mod canonical;
pub mod entry;
pub mod log;
pub mod record;
pub mod signing;
pub mod snapshot;
pub mod verify;

/// The domain that names this catalogue's identifiers (OAI-PMH's `repositoryIdentifier`, the
/// Atom feeds' tag URIs): the host of the origin when it is a domain name, else the national one.
pub fn authority(origin: &str) -> String {
    let host = url::Url::parse(origin).ok().and_then(|u| u.domain().map(str::to_string));
    let domain_like =
        |h: &String| h.contains('.') && h.split('.').all(|label| label.starts_with(|c: char| c.is_ascii_alphabetic()));
    host.filter(domain_like).unwrap_or_else(|| "tieuchuan.gov.vn".into())
}
