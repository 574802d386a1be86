//! Full texts: storing them (content-addressed), extracting their sections, showing them
//! safely, and stamping PDFs for the person they are issued to.

pub mod blob_store;
pub mod cite_links;
pub mod clauses;
pub mod extraction;
pub mod font;
pub mod pdf_limits;
pub mod reader;
pub mod references;
pub mod stamp;

pub use crate::search::highlight::escape as highlight_escape;
