//! The line a mirror's pages carry in their footer: whose mirror it is and when it last held
//! everything the national library had published (Vietnam time), so that an official knows how
//! fresh what they read is.

use actix_web::{HttpRequest, web};

use super::i18n::Lang;
use crate::mirror::SyncClock;

/// The note for this request's page; empty on a node that mirrors nothing.
pub fn of(request: &HttpRequest, lang: Lang) -> String {
    let Some(clock) = request.app_data::<web::Data<SyncClock>>() else { return String::new() };
    let upstream = clock.upstream();
    let at = clock.last().map(|at| at + chrono::Duration::hours(7));
    match (lang, at) {
        (Lang::Vi, Some(at)) => {
            format!("Bản sao của {upstream} · đồng bộ lần cuối {} (giờ Việt Nam)", at.format("%H:%M %d/%m/%Y"))
        }
        (Lang::Vi, None) => format!("Bản sao của {upstream} · chưa đồng bộ lần nào"),
        (Lang::En, Some(at)) => {
            format!("A mirror of {upstream} · last synced {} (Vietnam time)", at.format("%Y-%m-%d %H:%M"))
        }
        (Lang::En, None) => format!("A mirror of {upstream} · not synced yet"),
    }
}
