//! TXT lookups for domain verification (being written on another branch;
//! this placeholder answers nothing found).

#[derive(Debug, thiserror::Error)]
pub enum DnsError {
    #[error("no nameserver")]
    NoNameserver,
}

pub fn txt_records(
    _settings: &crate::config::DnsSettings,
    _name: &str,
) -> Result<Vec<String>, DnsError> {
    Err(DnsError::NoNameserver)
}
