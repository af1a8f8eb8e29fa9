//! Replicate statistics: each metric's mean and 95% Student-t interval over replicates.

use std::collections::BTreeMap;

use statrs::distribution::{ContinuousCDF, StudentsT};

/// Mean, 95% interval and count of one metric over replicates.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Stat {
    pub(crate) mean: f64,
    pub(crate) lo: f64,
    pub(crate) hi: f64,
    pub(crate) n: usize,
}

/// Mean and 95% Student-t interval of `xs` (the interval is the mean itself for one value).
pub(crate) fn stat(xs: &[f64]) -> Stat {
    let n = xs.len();
    let mean = xs.iter().sum::<f64>() / n as f64;
    if n < 2 {
        return Stat { mean, lo: mean, hi: mean, n };
    }
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    let t = StudentsT::new(0.0, 1.0, (n - 1) as f64).map_or(1.96, |d| d.inverse_cdf(0.975));
    let half = t * (var / n as f64).sqrt();
    Stat { mean, lo: mean - half, hi: mean + half, n }
}

/// Statistics of every metric present in any replicate, by name.
pub(crate) fn summarize(rows: &[BTreeMap<String, f64>]) -> BTreeMap<String, Stat> {
    let mut columns: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for row in rows {
        for (k, v) in row {
            columns.entry(k.clone()).or_default().push(*v);
        }
    }
    columns.into_iter().map(|(k, xs)| (k, stat(&xs))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_interval_of_known_sample() {
        // 1, 2, 3: mean 2, sd 1, t(0.975, 2) = 4.302653: half-width 4.302653/sqrt(3) = 2.484138.
        let s = stat(&[1.0, 2.0, 3.0]);
        assert_eq!(s.mean, 2.0);
        assert!((s.hi - 2.0 - 2.484138).abs() < 1e-5, "{s:?}");
        assert_eq!(stat(&[5.0]).lo, 5.0);
    }
}
