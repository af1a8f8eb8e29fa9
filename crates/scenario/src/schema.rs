//! The parameter reference generated from the one table: Markdown for the book and
//! JSON for tools, so neither can drift from the validator.

use serde_json::json;

use crate::extension::Registry;
use crate::params::{ParamDef, ParamKind};

/// What a parameter allows, in words: its range, its names, or `-`.
fn allowed(p: &ParamDef) -> String {
    match (p.kind, p.range) {
        (ParamKind::Enum(names), _) => names.iter().map(|n| format!("`\"{n}\"`")).collect::<Vec<_>>().join(", "),
        (ParamKind::Dist, Some(r)) => format!("support inside {r}"),
        (ParamKind::Schedule, Some(r)) => format!("beta in {r}"),
        (_, Some(r)) => r.to_string(),
        (_, None) => "-".to_owned(),
    }
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|")
}

/// The reference of the built-in parameters (no plugin): see [`Registry::schema_markdown`].
pub fn schema_markdown() -> String {
    Registry::builtin().schema_markdown()
}

/// The reference of the built-in parameters (no plugin) as JSON: see [`Registry::schema_json`].
pub fn schema_json() -> serde_json::Value {
    Registry::builtin().schema_json()
}

impl Registry {
    /// The parameter reference as a Markdown table, one row per parameter (the built-in
    /// [`crate::PARAMS`], then each plugin's), followed by the forms a distribution and a
    /// schedule take and, when plugins are registered, one section per plugin with what it
    /// does and the metrics it writes.
    pub fn schema_markdown(&self) -> String {
        let mut out = String::from(
            "# Scenario parameters\n\n\
         Generated from the parameter table of `goalspace-scenario`. Keys are dotted: \
         `training.speed_cost` is `speed_cost` under `[training]`.\n\n\
         | Key | Kind | Allowed | Default | Unit | Source | Description |\n\
         | --- | --- | --- | --- | --- | --- | --- |\n",
        );
        for p in self.params() {
            out.push_str(&format!(
                "| `{}` | {} | {} | `{}` | {} | {} | {} |\n",
                p.key,
                p.kind.name(),
                cell(&allowed(p)),
                cell(&p.default_value().to_toml().to_string()),
                cell(p.unit),
                cell(&p.source_text()),
                cell(p.doc),
            ));
        }
        out.push_str(FORMS);
        for e in self.extensions() {
            let name = e.name();
            out.push_str(&format!(
                "\n## Plugin `{name}`\n\n{}. Switched on by `enabled = true` under `[{name}]`; its parameters \
             are the `{name}.*` rows of the table above.\n",
                capitalize(e.doc())
            ));
            let metrics = e.metrics();
            if !metrics.is_empty() {
                out.push_str("\n| Metric | Description |\n| --- | --- |\n");
                for m in metrics {
                    out.push_str(&format!("| `{}` | {} |\n", m.name, cell(m.doc)));
                }
            }
        }
        out
    }

    /// The parameter reference as JSON: `{ "title", "parameters": [ { key, doc, unit, kind,
    /// values, range, default, source } ], "plugins": [ { name, doc, metrics: [ { name, doc } ] } ] }`;
    /// an infinite range end is `null`.
    pub fn schema_json(&self) -> serde_json::Value {
        let params: Vec<serde_json::Value> = self
            .params()
            .iter()
            .map(|p| {
                let values = match p.kind {
                    ParamKind::Enum(names) => json!(names),
                    _ => serde_json::Value::Null,
                };
                let range = p.range.map_or(serde_json::Value::Null, |r| {
                    let end = |x: f64| serde_json::Number::from_f64(x).map_or(serde_json::Value::Null, Into::into);
                    json!({
                        "lo": end(r.lo),
                        "hi": end(r.hi),
                        "lo_open": r.lo_open,
                        "hi_open": r.hi_open || r.hi.is_infinite(),
                        "text": r.to_string(),
                    })
                });
                json!({
                    "key": p.key,
                    "doc": p.doc,
                    "unit": p.unit,
                    "kind": p.kind.name(),
                    "values": values,
                    "range": range,
                    "default": p.default_value().to_json(),
                    "source": p.source_text(),
                })
            })
            .collect();
        let plugins: Vec<serde_json::Value> = self
            .extensions()
            .map(|e| {
                let metrics: Vec<serde_json::Value> =
                    e.metrics().iter().map(|m| json!({ "name": m.name, "doc": m.doc })).collect();
                json!({ "name": e.name(), "doc": e.doc(), "metrics": metrics })
            })
            .collect();
        json!({ "title": "goalspace scenario parameters", "parameters": params, "plugins": plugins })
    }
}

/// `s` with its first letter in upper case.
fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next().map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
}

/// The forms a distribution or a schedule takes, printed under the table.
const FORMS: &str = r#"
## Distributions

A parameter of kind *distribution* (the traits under `[agents]`) is written either as a
plain number, which every model gets, or as an inline table whose `dist` field names the
form and whose other fields are exactly these:

- `{ dist = "fixed", value = X }`: every model gets `X` (the same as writing `X`); `X`
  must lie in the trait's range.
- `{ dist = "uniform", low = A, high = B }`: uniform on `[A, B]`, with `A <= B` and both
  inside the trait's range.
- `{ dist = "normal", mean = M, sd = S }`: normal with mean `M` (inside the trait's range)
  and standard deviation `S >= 0`. A sample outside the trait's range is clamped to the
  nearer end of the range, so a wide `sd` piles models up on the ends.
- `{ dist = "beta", alpha = A, beta = B }`: Beta(`A`, `B`) on `[0, 1]`, with `A > 0` and
  `B > 0`; only for traits whose range contains `[0, 1]`.

Each model draws each trait once, from its own random stream, when the population is
created. The Allowed column gives the trait's range. One field can be overridden on the
command line: `--set agents.capability.high=2`.

## Schedules

`training.selection_strength` (β, the inverse of slack) is written as a plain number (a
constant β) or as an inline table whose `schedule` field names the form:

- `{ schedule = "constant", beta = B }`: β = `B` at every update, `B` in `[0, 1e6]`.
- `{ schedule = "linear", start = A, end = B }`: β grows (or shrinks) linearly from `A`
  at the first update to `B` at the last; `A` and `B` in `[0, 1e6]`.
- `{ schedule = "geometric", start = A, end = B }`: β moves by a constant factor per
  update, from `A` at the first update to `B` at the last; `A` and `B` in `(0, 1e6]`.

At update `t` of `T`, with `x = t / (T - 1)`: linear β = `A + (B - A) x`, geometric
β = `A (B / A)^x`. The stationary ledger uses the last update's β.
"#;
