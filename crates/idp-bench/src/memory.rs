//! The server's resident memory, read from `/proc` (the load generator runs
//! on the server's machine).

/// Resident set size of `pid` in KiB, or `None` when it cannot be read.
pub fn resident_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    parse_vm_rss(&status)
}

fn parse_vm_rss(status: &str) -> Option<u64> {
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.trim().strip_suffix("kB"))
        .and_then(|n| n.trim().parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_vm_rss_from_a_status_file() {
        let status = "Name:\tidp\nVmPeak:\t  99999 kB\nVmRSS:\t   19456 kB\nThreads:\t5\n";
        assert_eq!(parse_vm_rss(status), Some(19456));
        assert_eq!(parse_vm_rss("Name:\tidp\n"), None);
    }

    #[test]
    fn reads_this_process() {
        assert!(resident_kib(std::process::id()).is_some_and(|kib| kib > 0));
    }
}
