//! One run's results as recorded: its identity (run index, grid point, replicate,
//! seed), the swept parameter values, every scalar metric and the per-tick series.

use goalspace_core::Metrics;
use serde::{Deserialize, Serialize};

/// A parameter value in an output column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Cell {
    /// An integer parameter.
    Int(i64),
    /// A number.
    Float(f64),
    /// A boolean.
    Bool(bool),
    /// A name, or a structured value written as inline TOML.
    Text(String),
}

impl Cell {
    /// The value as written in CSV.
    pub fn to_csv(&self) -> String {
        match self {
            Cell::Int(i) => i.to_string(),
            Cell::Float(x) => x.to_string(),
            Cell::Bool(b) => b.to_string(),
            Cell::Text(s) => s.clone(),
        }
    }

    /// The value as JSON (a non-finite float becomes `null`).
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Cell::Int(i) => (*i).into(),
            Cell::Float(x) => serde_json::Number::from_f64(*x).map_or(serde_json::Value::Null, Into::into),
            Cell::Bool(b) => (*b).into(),
            Cell::Text(s) => s.clone().into(),
        }
    }
}

/// Per-tick series of one run: the union of record ticks and one column per series
/// (`None` where a series has no value at a tick).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Series {
    /// Global ticks at which anything was recorded, ascending.
    pub ticks: Vec<u32>,
    /// Series name and its values, one per tick.
    pub columns: Vec<(String, Vec<Option<f64>>)>,
}

impl Series {
    /// The series of a run's [`Metrics`], in name order.
    pub fn from_metrics(metrics: &Metrics) -> Self {
        let mut ticks: Vec<u32> = metrics.series().values().flat_map(|s| s.keys().copied()).collect();
        ticks.sort_unstable();
        ticks.dedup();
        let columns = metrics
            .series()
            .iter()
            .map(|(name, s)| {
                ((*name).to_owned(), ticks.iter().map(|t| s.get(t).copied().filter(|x| x.is_finite())).collect())
            })
            .collect();
        Self { ticks, columns }
    }
}

/// One finished run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunRecord {
    /// Run index in the plan (`point * replicates + replicate`).
    pub run: u64,
    /// Grid point index.
    pub point: u32,
    /// Replicate index.
    pub replicate: u32,
    /// The run seed.
    pub seed: u64,
    /// The swept parameters of this run's point, in axis order.
    pub params: Vec<(String, Cell)>,
    /// Every metric: declared metrics in declaration order (`None` when not set, or
    /// not finite), then any other scalar in name order.
    pub metrics: Vec<(String, Option<f64>)>,
    /// Per-tick series.
    pub series: Series,
    /// Wall time of the run in seconds (machine-dependent: written only to `timing.csv`).
    pub wall_seconds: f64,
}

impl RunRecord {
    /// The metric columns of a run's [`Metrics`]: declared ones first, in declaration
    /// order, then undeclared scalars by name; non-finite values become `None`.
    pub fn metric_columns(metrics: &Metrics) -> Vec<(String, Option<f64>)> {
        let finite = |x: Option<f64>| x.filter(|v| v.is_finite());
        let mut out: Vec<(String, Option<f64>)> =
            metrics.defs().iter().map(|d| (d.name.to_owned(), finite(metrics.get(d.name)))).collect();
        for (name, v) in metrics.scalars() {
            if !metrics.defs().iter().any(|d| d.name == *name) {
                out.push(((*name).to_owned(), finite(Some(*v))));
            }
        }
        out
    }

    /// This record with its timing zeroed: what must agree between two recordings of the
    /// same run.
    pub fn without_timing(&self) -> RunRecord {
        RunRecord { wall_seconds: 0.0, ..self.clone() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use goalspace_core::MetricDef;

    #[test]
    fn metric_columns_follow_declaration_order_then_names() {
        let mut m = Metrics::default();
        m.declare(MetricDef { name: "b", doc: "" });
        m.declare(MetricDef { name: "a", doc: "" });
        m.set("a", 1.0);
        m.set("z", f64::NAN);
        m.set("c", 2.0);
        let cols = RunRecord::metric_columns(&m);
        let names: Vec<&str> = cols.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["b", "a", "c", "z"]);
        assert_eq!(cols[0].1, None);
        assert_eq!(cols[3].1, None);
        m.record(10, "s", 0.5);
        m.record(0, "s", 0.25);
        m.record(5, "t", 1.0);
        let s = Series::from_metrics(&m);
        assert_eq!(s.ticks, [0, 5, 10]);
        assert_eq!(s.columns[0].1, [Some(0.25), None, Some(0.5)]);
    }
}
