//! `--set KEY=VALUE` overrides, applied to the parsed TOML table before validation so
//! an override is checked exactly like a value written in the file.

use crate::diagnostic::{Diagnostic, DiagnosticKind, ScenarioError};
use crate::params::{PARAMS, ParamDef, ParamKind, all_keys, unknown_key_hint};

/// Applies one `KEY=VALUE` override to a parsed scenario table, with the built-in
/// parameters (a plugin's keys go through [`crate::Registry::parse`]'s `sets`).
///
/// `KEY` is a dotted parameter key (`training.speed_cost`), a field of a distribution
/// or schedule (`agents.capability.high`), or a sweep axis (`sweep.grid.training.ticks`).
/// `VALUE` is parsed as a TOML value, so numbers, strings, booleans, arrays and inline
/// tables work; a bare word that does not parse is taken as a string.
///
/// # Errors
/// [`ScenarioError::Invalid`] with one [`Diagnostic`] when `=` is missing, the key is
/// unknown (with the nearest valid key as hint) or a quoted, bracketed or braced value
/// does not parse. The table is left unchanged then.
pub fn apply_set(table: &mut toml::Table, set: &str) -> Result<(), ScenarioError> {
    set_path(table, set, PARAMS).map(|_| ()).map_err(|d| ScenarioError::Invalid { diagnostics: vec![*d] })
}

/// As [`apply_set`], returning the path of segments that was set.
pub(crate) fn set_path(
    table: &mut toml::Table,
    set: &str,
    params: &[ParamDef],
) -> Result<Vec<String>, Box<Diagnostic>> {
    let origin = format!("--set {set}");
    let Some((key, raw)) = set.split_once('=') else {
        return Err(Box::new(
            Diagnostic::new(
                &origin,
                "",
                DiagnosticKind::InvalidSet,
                format!("--set expects KEY=VALUE, got `{set}` (no `=`)"),
            )
            .with_hint("write for example --set training.speed_cost=0.05"),
        ));
    };
    let (key, raw) = (key.trim(), raw.trim());
    if key.is_empty() {
        return Err(Box::new(
            Diagnostic::new(
                &origin,
                "",
                DiagnosticKind::InvalidSet,
                "the key is empty: nothing stands before `=`".to_owned(),
            )
            .with_hint("write KEY=VALUE with a parameter key, for example --set training.speed_cost=0.05"),
        ));
    }
    let path = resolve(key, params).ok_or_else(|| {
        Box::new(
            Diagnostic::new(&origin, key, DiagnosticKind::UnknownKey, format!("unknown key `{key}` in --set"))
                .with_hint(unknown_key_hint(key, &all_keys(params), false)),
        )
    })?;
    let value = parse_value(raw).map_err(|message| {
        Box::new(
            Diagnostic::new(&origin, key, DiagnosticKind::InvalidSet, message)
                .with_hint("quote strings (key='\"text\"'), close brackets and braces"),
        )
    })?;
    insert(table, &path, value);
    Ok(path)
}

/// The path of segments an override key targets, or `None` for an unknown key.
fn resolve(key: &str, params: &[ParamDef]) -> Option<Vec<String>> {
    let split = |k: &str| k.split('.').map(str::to_owned).collect::<Vec<_>>();
    let param = |k: &str| params.iter().find(|p| p.key == k);
    if param(key).is_some() {
        return Some(split(key));
    }
    if let Some(rest) = key.strip_prefix("sweep.grid.") {
        return param(rest)
            .filter(|p| !p.key.starts_with("sweep."))
            .map(|_| vec!["sweep".to_owned(), "grid".to_owned(), rest.to_owned()]);
    }
    let (parent, field) = key.rsplit_once('.')?;
    let def = param(parent)?;
    matches!(def.kind, ParamKind::Dist | ParamKind::Schedule).then(|| {
        let mut p = split(parent);
        p.push(field.to_owned());
        p
    })
}

/// The positions (0-based) of the first value of `values` that repeats an earlier one, and
/// of that earlier one. Numbers compare by value (`1` equals `1.0`), everything else as TOML.
pub(crate) fn first_duplicate(values: &[toml::Value]) -> Option<(usize, usize)> {
    let number = |v: &toml::Value| v.as_float().or_else(|| v.as_integer().map(|i| i as f64));
    let same = |a: &toml::Value, b: &toml::Value| match (number(a), number(b)) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    };
    (1..values.len()).find_map(|j| (0..j).find(|&i| same(&values[i], &values[j])).map(|i| (i, j)))
}

/// The diagnostic of a sweep axis `key` (reported as `label`) whose values at positions
/// `first` and `again` are the same.
pub(crate) fn duplicate_value(
    origin: &str,
    label: &str,
    key: &str,
    values: &[toml::Value],
    first: usize,
    again: usize,
) -> Diagnostic {
    Diagnostic::new(
        origin,
        label,
        DiagnosticKind::DuplicateValue,
        format!(
            "{label} lists {} twice (values {} and {}): every grid point with it would run twice",
            values[again],
            first + 1,
            again + 1
        ),
    )
    .with_hint(format!("list each value of {key} once; use sweep.replicates (or --replicates) for more runs per point"))
}

/// Parses an override value as TOML; a bare word that fails is a string, except what reads
/// as a number TOML does not accept (`1e400`, an integer beyond 64 bits, `.5`), which is
/// an error saying why.
pub(crate) fn parse_value(raw: &str) -> Result<toml::Value, String> {
    match format!("v = {raw}").parse::<toml::Table>() {
        Ok(mut t) if t.len() == 1 => t.remove("v").ok_or_else(|| format!("value `{raw}` does not parse")),
        Ok(_) => Err(format!("value `{raw}` is more than one TOML value")),
        Err(e) if raw.starts_with(['{', '[', '"', '\'']) => {
            Err(format!("value `{raw}` does not parse as TOML: {}", e.message().trim()))
        }
        Err(_) => match raw.parse::<f64>() {
            Ok(x) if x.is_finite() && raw.trim_start_matches(['+', '-']).bytes().all(|b| b.is_ascii_digit()) => {
                Err(format!("value `{raw}` is an integer too large for TOML (at most 9223372036854775807)"))
            }
            Ok(x) if x.is_infinite() && !raw.to_ascii_lowercase().contains("inf") => {
                Err(format!("value `{raw}` is a number too large for TOML (floats up to about 1.8e308)"))
            }
            Ok(x) if x.is_finite() => Err(format!(
                "value `{raw}` is not a TOML number: write a digit on both sides of a decimal point (0.5, 1.0)"
            )),
            _ => Ok(toml::Value::String(raw.to_owned())),
        },
    }
}

/// Inserts `value` at `path`, creating tables on the way and replacing any non-table
/// value that stands where a table must go (the override wins).
fn insert(table: &mut toml::Table, path: &[String], value: toml::Value) {
    let Some((last, parents)) = path.split_last() else { return };
    let mut t = table;
    for seg in parents {
        let slot = t.entry(seg.clone()).or_insert_with(|| toml::Value::Table(toml::Table::new()));
        if !slot.is_table() {
            *slot = toml::Value::Table(toml::Table::new());
        }
        let toml::Value::Table(next) = slot else { return };
        t = next;
    }
    t.insert(last.clone(), value);
}
