//! Distributions of agent traits (MODEL.md §4): each trait of a population is a fixed
//! value or a distribution, sampled once per agent from the agent's own generator.

use rand_distr::Distribution;
use serde::{Deserialize, Serialize};

use crate::rng::SimRng;

/// A distribution of one trait. Samples are clamped to the trait's valid range by
/// [`Dist::sample_in`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "dist", rename_all = "snake_case")]
pub enum Dist {
    /// Always `value`.
    Fixed {
        /// The value.
        value: f64,
    },
    /// Uniform on [low, high].
    Uniform {
        /// Lower bound.
        low: f64,
        /// Upper bound, ≥ low.
        high: f64,
    },
    /// Normal with `mean` and standard deviation `sd` ≥ 0, clamped to the trait's range.
    Normal {
        /// Mean.
        mean: f64,
        /// Standard deviation, ≥ 0.
        sd: f64,
    },
    /// Beta(alpha, beta) on [0, 1]; alpha, beta > 0.
    Beta {
        /// First shape parameter, > 0.
        alpha: f64,
        /// Second shape parameter, > 0.
        beta: f64,
    },
}

/// Why a [`Dist`] is invalid.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct DistError(pub String);

impl Dist {
    /// A fixed value.
    pub const fn fixed(value: f64) -> Self {
        Dist::Fixed { value }
    }

    /// Checks the distribution's parameters and that its support meets `[lo, hi]`.
    ///
    /// # Errors
    /// A [`DistError`] naming the bad parameter and its allowed range.
    pub fn validate(&self, lo: f64, hi: f64) -> Result<(), DistError> {
        let finite = |name: &str, v: f64| {
            if v.is_finite() { Ok(()) } else { Err(DistError(format!("{name} = {v} must be a finite number"))) }
        };
        match *self {
            Dist::Fixed { value } => {
                finite("value", value)?;
                if value < lo || value > hi {
                    return Err(DistError(format!("value = {value} is outside [{lo}, {hi}]")));
                }
            }
            Dist::Uniform { low, high } => {
                finite("low", low)?;
                finite("high", high)?;
                if low > high {
                    return Err(DistError(format!("low = {low} is above high = {high}")));
                }
                if low < lo || high > hi {
                    return Err(DistError(format!("[{low}, {high}] is not inside [{lo}, {hi}]")));
                }
            }
            Dist::Normal { mean, sd } => {
                finite("mean", mean)?;
                finite("sd", sd)?;
                if sd < 0.0 {
                    return Err(DistError(format!("sd = {sd} must be ≥ 0")));
                }
                if mean < lo || mean > hi {
                    return Err(DistError(format!("mean = {mean} is outside [{lo}, {hi}]")));
                }
            }
            Dist::Beta { alpha, beta } => {
                finite("alpha", alpha)?;
                finite("beta", beta)?;
                if alpha <= 0.0 || beta <= 0.0 {
                    return Err(DistError(format!("alpha = {alpha} and beta = {beta} must be > 0")));
                }
                if lo > 0.0 || hi < 1.0 {
                    return Err(DistError(format!("a beta distribution lives on [0, 1], outside [{lo}, {hi}]")));
                }
            }
        }
        Ok(())
    }

    /// The mean of the distribution before clamping.
    pub fn mean(&self) -> f64 {
        match *self {
            Dist::Fixed { value } => value,
            Dist::Uniform { low, high } => 0.5 * (low + high),
            Dist::Normal { mean, .. } => mean,
            Dist::Beta { alpha, beta } => alpha / (alpha + beta),
        }
    }

    /// One sample, clamped to `[lo, hi]`. A `Fixed` distribution draws nothing.
    pub fn sample_in(&self, rng: &mut SimRng, lo: f64, hi: f64) -> f64 {
        let x = match *self {
            Dist::Fixed { value } => value,
            Dist::Uniform { low, high } => low + (high - low) * rng.uniform(),
            Dist::Normal { mean, sd } => rand_distr::Normal::new(mean, sd).map_or(mean, |n| n.sample(rng.pcg())),
            Dist::Beta { alpha, beta } => rand_distr::Beta::new(alpha, beta).map_or(0.5, |b| b.sample(rng.pcg())),
        };
        x.clamp(lo, hi)
    }
}
