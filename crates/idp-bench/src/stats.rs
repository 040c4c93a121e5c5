//! What a run measured: latencies per operation and failures by cause,
//! reduced to throughput and exact percentiles.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Serialize;

/// The samples of one operation (latencies in microseconds, kept whole so
/// percentiles are exact rather than bucketed).
#[derive(Debug, Default, Clone)]
pub struct Samples {
    latencies_us: Vec<u32>,
    errors: BTreeMap<String, u64>,
}

impl Samples {
    pub fn record(&mut self, latency: Duration) {
        self.latencies_us
            .push(u32::try_from(latency.as_micros()).unwrap_or(u32::MAX));
    }

    /// A failed request, by HTTP status (`"429"`) or by kind (`"transport"`).
    pub fn fail(&mut self, cause: String) {
        *self.errors.entry(cause).or_default() += 1;
    }

    pub fn merge(&mut self, other: Samples) {
        self.latencies_us.extend(other.latencies_us);
        for (cause, n) in other.errors {
            *self.errors.entry(cause).or_default() += n;
        }
    }

    pub fn summarize(mut self, operation: &str, elapsed: Duration) -> Summary {
        self.latencies_us.sort_unstable();
        let ms = |us: u32| f64::from(us) / 1000.0;
        let count = self.latencies_us.len() as u64;
        let secs = elapsed.as_secs_f64();
        Summary {
            operation: operation.to_string(),
            requests: count,
            per_second: if secs > 0.0 { count as f64 / secs } else { 0.0 },
            p50_ms: ms(percentile(&self.latencies_us, 50.0)),
            p90_ms: ms(percentile(&self.latencies_us, 90.0)),
            p99_ms: ms(percentile(&self.latencies_us, 99.0)),
            max_ms: ms(self.latencies_us.last().copied().unwrap_or(0)),
            errors: self.errors.values().sum(),
            errors_by_cause: self.errors,
        }
    }
}

/// The nearest-rank percentile of sorted samples (0 for none).
pub fn percentile(sorted: &[u32], p: f64) -> u32 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub operation: String,
    /// Successful requests (an operation may be several HTTP calls).
    pub requests: u64,
    pub per_second: f64,
    pub p50_ms: f64,
    pub p90_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    pub errors: u64,
    pub errors_by_cause: BTreeMap<String, u64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let sorted: Vec<u32> = (1..=100).collect();
        assert_eq!(percentile(&sorted, 50.0), 50);
        assert_eq!(percentile(&sorted, 90.0), 90);
        assert_eq!(percentile(&sorted, 99.0), 99);
        assert_eq!(percentile(&sorted, 100.0), 100);
        assert_eq!(percentile(&sorted, 0.0), 1);
        assert_eq!(percentile(&[7], 99.0), 7);
        assert_eq!(percentile(&[], 50.0), 0);
        // Ten samples: p99 is the largest, p50 the fifth.
        let ten = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        assert_eq!((percentile(&ten, 50.0), percentile(&ten, 99.0)), (5, 10));
    }

    #[test]
    fn merged_samples_summarize_in_order_with_errors_by_cause() {
        let mut a = Samples::default();
        for ms in [30, 10, 20] {
            a.record(Duration::from_millis(ms));
        }
        a.fail("429".into());
        let mut b = Samples::default();
        b.record(Duration::from_millis(40));
        b.fail("429".into());
        b.fail("transport".into());
        a.merge(b);
        let s = a.summarize("x", Duration::from_secs(2));
        assert_eq!(s.requests, 4);
        assert_eq!(s.per_second, 2.0);
        assert_eq!((s.p50_ms, s.max_ms), (20.0, 40.0));
        assert_eq!(s.errors, 3);
        assert_eq!(s.errors_by_cause["429"], 2);
        assert_eq!(s.errors_by_cause["transport"], 1);
    }

    #[test]
    fn an_empty_run_has_zero_rates() {
        let s = Samples::default().summarize("x", Duration::ZERO);
        assert_eq!((s.requests, s.per_second, s.max_ms), (0, 0.0, 0.0));
    }
}
