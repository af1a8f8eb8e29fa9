//! Replicate statistics: each metric's mean and 95% Student-t interval over the
//! replicates of a grid point.

use std::collections::BTreeMap;

use statrs::distribution::{ContinuousCDF, StudentsT};

/// Mean, 95% interval and count of one metric over replicates.
#[derive(Debug, Clone, PartialEq)]
pub struct Stat {
    /// Mean.
    pub mean: f64,
    /// Lower end of the 95% interval.
    pub lo: f64,
    /// Upper end of the 95% interval.
    pub hi: f64,
    /// Number of values.
    pub n: usize,
}

impl Stat {
    /// `{"mean": x, "ci95": [lo, hi], "n": n}` (non-finite numbers become `null`).
    pub fn to_json(&self) -> serde_json::Value {
        let num = |x: f64| serde_json::Number::from_f64(x).map_or(serde_json::Value::Null, Into::into);
        serde_json::json!({ "mean": num(self.mean), "ci95": [num(self.lo), num(self.hi)], "n": self.n })
    }
}

/// Mean and 95% Student-t interval of `xs` (the interval is the mean itself for one
/// value; all three are NaN for none).
pub fn stat(xs: &[f64]) -> Stat {
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

/// Statistics of every metric over `rows` (one row per replicate; `None` values are
/// left out of that metric's count), by name.
pub fn summarize<'a>(rows: impl IntoIterator<Item = &'a [(String, Option<f64>)]>) -> BTreeMap<String, Stat> {
    let mut columns: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for row in rows {
        for (k, v) in row {
            let col = columns.entry(k.clone()).or_default();
            if let Some(v) = v {
                col.push(*v);
            }
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
        let row = vec![("a".to_owned(), Some(1.0)), ("b".to_owned(), None)];
        let s = summarize([row.as_slice(), row.as_slice()]);
        assert_eq!((s["a"].n, s["b"].n), (2, 0));
        assert_eq!(s["b"].to_json()["mean"], serde_json::Value::Null);
    }
}
