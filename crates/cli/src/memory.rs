//! The memory estimate: a population that would not fit is refused with the estimate
//! before anything is allocated. The CLI is the only place that reads /proc/meminfo.

use crate::bad;

/// Resident bytes per model, with headroom: a training world's peak resident memory is
/// 146.4 bytes per model at 1e6 models and 158.4 at 1e7 (components, change ticks, entity
/// metadata; the `memory` benchmark, Performance chapter of the book), and deployment adds
/// its components; rounded up so that memory the estimate misses does not tip a machine
/// over.
pub(crate) const BYTES_PER_MODEL: u64 = 256;

/// Resident bytes of a run apart from its models (binary, schedules, thread pool, buffers).
pub(crate) const BASE_BYTES: u64 = 64 << 20;

/// Environment variable that caps the memory a run may plan for, in bytes (for a job
/// scheduler's allocation, or to test the refusal); the smaller of it and MemAvailable counts.
pub(crate) const LIMIT_VAR: &str = "GOALSPACE_MEMORY_LIMIT";

/// Estimated resident bytes of a run of `population` models.
pub(crate) fn estimate(population: u32) -> u64 {
    BASE_BYTES + BYTES_PER_MODEL * u64::from(population)
}

/// `MemAvailable` of /proc/meminfo in bytes, when the file exists and has it.
fn mem_available() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

fn gib(bytes: u64) -> String {
    format!("{:.2} GiB", bytes as f64 / f64::from(1u32 << 30))
}

/// Refuses (bad input) a population whose estimate exceeds the memory available.
pub(crate) fn check(population: u32) -> anyhow::Result<()> {
    let limit = match std::env::var(LIMIT_VAR) {
        Ok(v) => Some(v.trim().parse::<u64>().map_err(|_| bad(format!("{LIMIT_VAR}={v} is not a number of bytes")))?),
        Err(_) => None,
    };
    let (available, source) = match (mem_available(), limit) {
        (Some(a), Some(l)) if l < a => (l, LIMIT_VAR),
        (Some(a), _) => (a, "MemAvailable in /proc/meminfo"),
        (None, Some(l)) => (l, LIMIT_VAR),
        (None, None) => {
            tracing::debug!("no /proc/meminfo: memory estimate not checked");
            return Ok(());
        }
    };
    let need = estimate(population);
    tracing::debug!(population, need, available, "memory estimate");
    if need > available {
        return Err(bad(format!(
            "population {population} needs about {} ({} bytes per model plus {}), but only {} is available ({source}); \
             hint: lower `population` (e.g. --set population={}) or run on a machine with more memory",
            gib(need),
            BYTES_PER_MODEL,
            gib(BASE_BYTES),
            gib(available),
            (available.saturating_sub(BASE_BYTES) / BYTES_PER_MODEL / 2).max(1),
        )));
    }
    Ok(())
}
