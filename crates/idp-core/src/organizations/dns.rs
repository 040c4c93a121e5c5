//! TXT lookups for domain verification (being written).
