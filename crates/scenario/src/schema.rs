//! The parameter reference generated from the one table: Markdown for the book and
//! JSON for tools, so neither can drift from the validator.

use serde_json::json;

use crate::params::{PARAMS, ParamDef, ParamKind};

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

/// The parameter reference as a Markdown table, one row per entry of [`PARAMS`].
pub fn schema_markdown() -> String {
    let mut out = String::from(
        "# Scenario parameters\n\n\
         Generated from the parameter table of `goalspace-scenario`. Keys are dotted: \
         `training.speed_cost` is `speed_cost` under `[training]`.\n\n\
         | Key | Kind | Allowed | Default | Unit | Source | Description |\n\
         | --- | --- | --- | --- | --- | --- | --- |\n",
    );
    for p in PARAMS {
        out.push_str(&format!(
            "| `{}` | {} | {} | `{}` | {} | MODEL.md {} | {} |\n",
            p.key,
            p.kind.name(),
            cell(&allowed(p)),
            cell(&p.default_value().to_toml().to_string()),
            cell(p.unit),
            p.source,
            cell(p.doc),
        ));
    }
    out
}

/// The parameter reference as JSON: `{ "title", "parameters": [ { key, doc, unit, kind,
/// values, range, default, source } ] }`; an infinite range end is `null`.
pub fn schema_json() -> serde_json::Value {
    let params: Vec<serde_json::Value> = PARAMS
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
                "source": format!("MODEL.md {}", p.source),
            })
        })
        .collect();
    json!({ "title": "goalspace scenario parameters", "parameters": params })
}
