//! Shared helpers: reference worlds and the interval arithmetic of the statistical checks.

/// z for a two-sided 99.9% normal interval.
pub(crate) const Z999: f64 = 3.2905267314919255;
