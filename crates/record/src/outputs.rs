//! The combined result files of a directory, rebuilt from run records in run order:
//! `runs.csv`, `runs.parquet`, `series.parquet`, `timing.csv`, `summary.json` and
//! `manifest.json`. Two passes over the records (one for the columns, one to write),
//! one run in memory at a time; every file is committed only when all are complete.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use arrow_array::builder::{BooleanBuilder, Float64Builder, Int64Builder, StringBuilder, UInt32Builder, UInt64Builder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

use crate::atomic::AtomicFile;
use crate::error::RecordError;
use crate::manifest::Manifest;
use crate::record::{Cell, RunRecord};
use crate::summary::summarize;

/// Largest number of rows in one parquet row group (and in one batch of `runs.parquet`):
/// bounds the memory a writer holds whatever the size of the sweep.
pub const ROW_GROUP_ROWS: usize = 65_536;

/// What [`write_outputs`] wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Written {
    /// Rows of `runs.csv` and `runs.parquet`.
    pub runs: u64,
    /// Grid points in `summary.json`.
    pub points: u64,
    /// Rows of `series.parquet`.
    pub series_rows: u64,
}

/// The type of a parameter column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ColumnType {
    Int,
    Float,
    Bool,
    Text,
}

impl ColumnType {
    fn of(cell: &Cell) -> Self {
        match cell {
            Cell::Int(_) => ColumnType::Int,
            Cell::Float(_) => ColumnType::Float,
            Cell::Bool(_) => ColumnType::Bool,
            Cell::Text(_) => ColumnType::Text,
        }
    }

    /// The narrowest type holding values of both types.
    fn join(self, other: Self) -> Self {
        use ColumnType::*;
        match (self, other) {
            (a, b) if a == b => a,
            (Int, Float) | (Float, Int) => Float,
            _ => Text,
        }
    }

    fn arrow(self) -> DataType {
        match self {
            ColumnType::Int => DataType::Int64,
            ColumnType::Float => DataType::Float64,
            ColumnType::Bool => DataType::Boolean,
            ColumnType::Text => DataType::Utf8,
        }
    }
}

/// The columns of a set of records: the union of names in order of first appearance.
#[derive(Debug, Default)]
struct Layout {
    params: Vec<(String, ColumnType)>,
    metrics: Vec<String>,
    series: Vec<String>,
}

impl Layout {
    fn add(&mut self, r: &RunRecord) {
        for (name, cell) in &r.params {
            match self.params.iter_mut().find(|(n, _)| n == name) {
                Some((_, t)) => *t = t.join(ColumnType::of(cell)),
                None => self.params.push((name.clone(), ColumnType::of(cell))),
            }
        }
        for (name, _) in &r.metrics {
            if !self.metrics.contains(name) {
                self.metrics.push(name.clone());
            }
        }
        for (name, _) in &r.series.columns {
            if !self.series.contains(name) {
                self.series.push(name.clone());
            }
        }
    }

    fn runs_schema(&self) -> SchemaRef {
        let mut fields = id_fields();
        fields.extend(self.params.iter().map(|(n, t)| Field::new(n, t.arrow(), true)));
        fields.extend(self.metrics.iter().map(|n| Field::new(n, DataType::Float64, true)));
        Arc::new(Schema::new(fields))
    }

    fn series_schema(&self) -> SchemaRef {
        let mut fields = id_fields();
        fields.push(Field::new("tick", DataType::UInt32, false));
        fields.extend(self.series.iter().map(|n| Field::new(n, DataType::Float64, true)));
        Arc::new(Schema::new(fields))
    }
}

fn id_fields() -> Vec<Field> {
    vec![
        Field::new("run", DataType::UInt64, false),
        Field::new("point", DataType::UInt32, false),
        Field::new("replicate", DataType::UInt32, false),
        Field::new("seed", DataType::UInt64, false),
    ]
}

fn properties() -> WriterProperties {
    WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
        .build()
}

/// Writes every combined output of `dir` from `records`, which must yield the records
/// in ascending run order each time it is called (it is called twice). `manifest` is
/// written last, with `runs_recorded` set to the number of records.
///
/// # Errors
/// The first error of the source, or a [`RecordError`] of writing; no output file is
/// replaced then (temporary files are removed).
pub fn write_outputs<F, I>(dir: &Path, manifest: &Manifest, mut records: F) -> Result<Written, RecordError>
where
    F: FnMut() -> I,
    I: Iterator<Item = Result<RunRecord, RecordError>>,
{
    let mut layout = Layout::default();
    let mut last = None;
    for r in records() {
        let r = r?;
        if last.is_some_and(|l| r.run <= l) {
            return Err(RecordError::Mismatch(format!("run {} is out of order or recorded twice", r.run)));
        }
        last = Some(r.run);
        layout.add(&r);
    }
    let mut w = Writers::new(dir, &layout, manifest)?;
    for r in records() {
        w.push(&r?)?;
    }
    let mut manifest = manifest.clone();
    manifest.runs_recorded = w.written.runs;
    w.finish(dir, &manifest)
}

/// The open output files of one rebuild.
struct Writers<'a> {
    layout: &'a Layout,
    runs_schema: SchemaRef,
    series_schema: SchemaRef,
    csv: csv::Writer<AtomicFile>,
    timing: csv::Writer<AtomicFile>,
    runs: ArrowWriter<AtomicFile>,
    series: ArrowWriter<AtomicFile>,
    pending: Vec<RunRecord>,
    point: Option<(u32, Vec<(String, Cell)>)>,
    point_rows: Vec<Vec<(String, Option<f64>)>>,
    summary: std::io::BufWriter<AtomicFile>,
    written: Written,
}

impl<'a> Writers<'a> {
    fn new(dir: &Path, layout: &'a Layout, manifest: &Manifest) -> Result<Self, RecordError> {
        let runs_schema = layout.runs_schema();
        let series_schema = layout.series_schema();
        let mut csv = csv::Writer::from_writer(AtomicFile::new(dir, "runs.csv")?);
        let mut header: Vec<&str> = vec!["run", "point", "replicate", "seed"];
        header.extend(layout.params.iter().map(|(n, _)| n.as_str()));
        header.extend(layout.metrics.iter().map(String::as_str));
        csv.write_record(&header)?;
        let mut timing = csv::Writer::from_writer(AtomicFile::new(dir, "timing.csv")?);
        timing.write_record(["run", "seed", "wall_seconds"])?;
        let runs =
            ArrowWriter::try_new(AtomicFile::new(dir, "runs.parquet")?, runs_schema.clone(), Some(properties()))?;
        let series =
            ArrowWriter::try_new(AtomicFile::new(dir, "series.parquet")?, series_schema.clone(), Some(properties()))?;
        // summary.json is written as points close, so no more than one point is in memory.
        let mut summary = std::io::BufWriter::new(AtomicFile::new(dir, "summary.json")?);
        let head = summary_head(manifest);
        let head = serde_json::to_string_pretty(&head).map_err(|source| json_error(dir, source))?;
        let head = head.trim_end().strip_suffix('}').unwrap_or(&head).trim_end();
        write!(summary, "{head},\n  \"points\": [").map_err(|e| RecordError::io(dir.join("summary.json"), e))?;
        Ok(Self {
            layout,
            runs_schema,
            series_schema,
            csv,
            timing,
            runs,
            series,
            pending: Vec::new(),
            point: None,
            point_rows: Vec::new(),
            summary,
            written: Written::default(),
        })
    }

    fn push(&mut self, r: &RunRecord) -> Result<(), RecordError> {
        let mut row = vec![r.run.to_string(), r.point.to_string(), r.replicate.to_string(), r.seed.to_string()];
        row.extend(self.layout.params.iter().map(|(n, _)| lookup(&r.params, n).map_or(String::new(), Cell::to_csv)));
        row.extend(
            self.layout
                .metrics
                .iter()
                .map(|n| lookup(&r.metrics, n).copied().flatten().map_or(String::new(), |v| v.to_string())),
        );
        self.csv.write_record(&row)?;
        self.timing.write_record([r.run.to_string(), r.seed.to_string(), r.wall_seconds.to_string()])?;
        self.write_series(r)?;
        if self.point.as_ref().is_some_and(|(p, _)| *p != r.point) {
            self.close_point()?;
        }
        if self.point.is_none() {
            self.point = Some((r.point, r.params.clone()));
        }
        self.point_rows.push(r.metrics.clone());
        self.pending.push(RunRecord { series: Default::default(), ..r.clone() });
        if self.pending.len() >= ROW_GROUP_ROWS {
            self.flush_runs()?;
        }
        self.written.runs += 1;
        Ok(())
    }

    /// Appends the summary of the current point to summary.json.
    fn close_point(&mut self) -> Result<(), RecordError> {
        let Some((point, params)) = self.point.take() else { return Ok(()) };
        let value = point_json(point, &params, &self.point_rows);
        self.point_rows.clear();
        let path = self.summary.get_ref().target().to_owned();
        let text =
            serde_json::to_string_pretty(&value).map_err(|source| RecordError::Json { path: path.clone(), source })?;
        let sep = if self.written.points == 0 { "" } else { "," };
        write!(self.summary, "{sep}\n    {}", text.replace('\n', "\n    ")).map_err(|e| RecordError::io(&path, e))?;
        self.written.points += 1;
        Ok(())
    }

    fn flush_runs(&mut self) -> Result<(), RecordError> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let rows = std::mem::take(&mut self.pending);
        let mut columns = id_columns(rows.iter().map(|r| (r.run, r.point, r.replicate, r.seed)), rows.len());
        for (name, t) in &self.layout.params {
            columns.push(param_column(*t, rows.iter().map(|r| lookup(&r.params, name))));
        }
        for name in &self.layout.metrics {
            let mut b = Float64Builder::with_capacity(rows.len());
            for r in &rows {
                b.append_option(lookup(&r.metrics, name).copied().flatten());
            }
            columns.push(Arc::new(b.finish()));
        }
        self.runs.write(&RecordBatch::try_new(self.runs_schema.clone(), columns)?)?;
        Ok(())
    }

    fn write_series(&mut self, r: &RunRecord) -> Result<(), RecordError> {
        let n = r.series.ticks.len();
        if n == 0 {
            return Ok(());
        }
        let mut columns = id_columns(std::iter::repeat_n((r.run, r.point, r.replicate, r.seed), n), n);
        let mut ticks = UInt32Builder::with_capacity(n);
        ticks.append_slice(&r.series.ticks);
        columns.push(Arc::new(ticks.finish()));
        for name in &self.layout.series {
            let mut b = Float64Builder::with_capacity(n);
            match lookup(&r.series.columns, name) {
                Some(values) => values.iter().for_each(|v| b.append_option(*v)),
                None => b.append_nulls(n),
            }
            columns.push(Arc::new(b.finish()));
        }
        self.series.write(&RecordBatch::try_new(self.series_schema.clone(), columns)?)?;
        self.written.series_rows += n as u64;
        Ok(())
    }

    fn finish(mut self, dir: &Path, manifest: &Manifest) -> Result<Written, RecordError> {
        self.flush_runs()?;
        self.close_point()?;
        let end = if self.written.points == 0 { "]\n}\n" } else { "\n  ]\n}\n" };
        self.summary.write_all(end.as_bytes()).map_err(|e| RecordError::io(dir.join("summary.json"), e))?;
        let summary_file =
            self.summary.into_inner().map_err(|e| RecordError::io(dir.join("summary.json"), e.into_error()))?;
        let csv = self.csv.into_inner().map_err(|e| RecordError::io(dir.join("runs.csv"), e.into_error()))?;
        let timing = self.timing.into_inner().map_err(|e| RecordError::io(dir.join("timing.csv"), e.into_error()))?;
        // into_inner writes the footer, then hands back the file.
        let runs = self.runs.into_inner()?;
        let series = self.series.into_inner()?;
        for f in [csv, runs, series, timing, summary_file] {
            f.commit()?;
        }
        manifest.write(dir)?;
        Ok(self.written)
    }
}

/// The fields of `summary.json` before `points`.
fn summary_head(manifest: &Manifest) -> serde_json::Value {
    serde_json::json!({
        "scenario": manifest.scenario,
        "seed": manifest.root_seed,
        "replicates": manifest.replicates,
    })
}

/// One entry of `summary.json`'s `points`: the point, its swept parameters and every
/// metric's statistics over `rows` (one row of metrics per replicate).
fn point_json(point: u32, params: &[(String, Cell)], rows: &[Vec<(String, Option<f64>)>]) -> serde_json::Value {
    let stats = summarize(rows.iter().map(Vec::as_slice));
    serde_json::json!({
        "point": point,
        "params": params.iter().map(|(k, v)| (k.clone(), v.to_json())).collect::<serde_json::Map<_, _>>(),
        "metrics": stats.iter().map(|(k, s)| (k.clone(), s.to_json())).collect::<serde_json::Map<_, _>>(),
    })
}

/// The document `summary.json` holds for `records` (in run order), built in memory:
/// `{ scenario, seed, replicates, points: [ { point, params, metrics } ] }`, where each
/// metric is `{ mean, ci95: [lo, hi], n }`. `goalspace run --json` prints it, so it parses
/// like the file.
pub fn summary_document(manifest: &Manifest, records: &[RunRecord]) -> serde_json::Value {
    let mut points = Vec::new();
    let mut start = 0;
    while start < records.len() {
        let point = records[start].point;
        let end = records[start..].iter().position(|r| r.point != point).map_or(records.len(), |n| start + n);
        let rows: Vec<Vec<(String, Option<f64>)>> = records[start..end].iter().map(|r| r.metrics.clone()).collect();
        points.push(point_json(point, &records[start].params, &rows));
        start = end;
    }
    let mut doc = summary_head(manifest);
    doc["points"] = serde_json::Value::Array(points);
    doc
}

fn json_error(dir: &Path, source: serde_json::Error) -> RecordError {
    RecordError::Json { path: dir.join("summary.json"), source }
}

/// The value named `name` in a list of pairs.
fn lookup<'v, T>(pairs: &'v [(String, T)], name: &str) -> Option<&'v T> {
    pairs.iter().find(|(n, _)| n == name).map(|(_, v)| v)
}

fn id_columns(ids: impl Iterator<Item = (u64, u32, u32, u64)>, n: usize) -> Vec<ArrayRef> {
    let (mut run, mut point, mut replicate, mut seed) = (
        UInt64Builder::with_capacity(n),
        UInt32Builder::with_capacity(n),
        UInt32Builder::with_capacity(n),
        UInt64Builder::with_capacity(n),
    );
    for (r, p, i, s) in ids {
        run.append_value(r);
        point.append_value(p);
        replicate.append_value(i);
        seed.append_value(s);
    }
    vec![Arc::new(run.finish()), Arc::new(point.finish()), Arc::new(replicate.finish()), Arc::new(seed.finish())]
}

fn param_column<'c>(t: ColumnType, cells: impl Iterator<Item = Option<&'c Cell>>) -> ArrayRef {
    match t {
        ColumnType::Int => {
            let mut b = Int64Builder::new();
            cells.for_each(|c| b.append_option(if let Some(Cell::Int(i)) = c { Some(*i) } else { None }));
            Arc::new(b.finish())
        }
        ColumnType::Float => {
            let mut b = Float64Builder::new();
            cells.for_each(|c| {
                b.append_option(match c {
                    Some(Cell::Float(x)) => Some(*x),
                    Some(Cell::Int(i)) => Some(*i as f64),
                    _ => None,
                });
            });
            Arc::new(b.finish())
        }
        ColumnType::Bool => {
            let mut b = BooleanBuilder::new();
            cells.for_each(|c| b.append_option(if let Some(Cell::Bool(x)) = c { Some(*x) } else { None }));
            Arc::new(b.finish())
        }
        ColumnType::Text => {
            let mut b = StringBuilder::new();
            cells.for_each(|c| b.append_option(c.map(Cell::to_csv)));
            Arc::new(b.finish())
        }
    }
}
