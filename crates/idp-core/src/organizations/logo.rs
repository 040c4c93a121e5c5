//! Logo checking and re-encoding (being written).
