//! Render: document trees to bytes. Each output format is a small renderer with the same
//! shape (mdBook style): it reads the resolved site and returns files by output path.

pub mod html;
pub mod pdf;

use std::collections::BTreeMap;

/// Output files by path relative to the output folder. A BTreeMap keeps writing order,
/// and so everything downstream, deterministic.
pub type Files = BTreeMap<String, Vec<u8>>;
