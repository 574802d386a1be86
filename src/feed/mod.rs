//! The connection standard (chuẩn kết nối, `docs/chuan-ket-noi.md`): the change log published as a
//! verifiable feed that any provincial portal can follow. Each entry carries the whole public
//! record after the change (`record`), its canonical hash (`canonical`) and a hash chain; the log
//! and its epochs are written by `log` inside the catalogue writers' transactions, and checkpoints
//! are signed with the key of `signing`.

pub mod canonical;
pub mod log;
pub mod record;
pub mod signing;
pub mod snapshot;
