//! Typed parameter resources of training (MODEL.md §5.1, §5.3) that are not part of
//! the pure reward and decision rules.

use bevy_ecs::resource::Resource;
use serde::{Deserialize, Serialize};

use crate::rng::SimRng;

/// Selection-strength schedule β(t), the inverse of slack (MODEL.md §5.3, report §1.5).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "schedule", rename_all = "snake_case")]
pub enum SelectionStrength {
    /// β(t) = beta for every update.
    Constant {
        /// Selection strength, ≥ 0, per unit of reward.
        beta: f64,
    },
    /// β grows linearly from `start` at the first update to `end` at the last
    /// ("grinding harder on SGD's preferences", seed §5).
    Linear {
        /// β at the first update, ≥ 0.
        start: f64,
        /// β at the last update, ≥ 0.
        end: f64,
    },
    /// β grows geometrically from `start` to `end` (both > 0).
    Geometric {
        /// β at the first update, > 0.
        start: f64,
        /// β at the last update, > 0.
        end: f64,
    },
}

impl SelectionStrength {
    /// β at update `tick` of a training of `ticks` updates.
    pub fn beta(&self, tick: u32, ticks: u32) -> f64 {
        let x = if ticks <= 1 { 1.0 } else { f64::from(tick) / f64::from(ticks - 1) };
        match *self {
            SelectionStrength::Constant { beta } => beta,
            SelectionStrength::Linear { start, end } => start + (end - start) * x,
            SelectionStrength::Geometric { start, end } => start * (end / start).powf(x),
        }
    }

    /// β at the last update: what the stationary ledger uses.
    pub fn final_beta(&self) -> f64 {
        match *self {
            SelectionStrength::Constant { beta } => beta,
            SelectionStrength::Linear { end, .. } | SelectionStrength::Geometric { end, .. } => end,
        }
    }
}

/// How SGD searches at situational awareness (MODEL.md §5.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SearchMode {
    /// Local Metropolis–Hastings moves only (SGD's incrementalism, report §3).
    #[default]
    Incremental,
    /// At SA the goal jumps to the Hamming-nearest max-reward goal (report §5's
    /// "nearest max-reward goal" argument); ties broken by the agent generator.
    NearestMaxReward,
}

/// Selection parameters (MODEL.md §5.3).
#[derive(Resource, Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SelectionModel {
    /// β(t).
    pub strength: SelectionStrength,
    /// Mean number of bits redrawn from their prior per update, in [0, 64] (default 0.05):
    /// below 1 most updates leave the goal alone.
    pub flips_per_tick: f64,
    /// Search mode at SA.
    pub search: SearchMode,
    /// Introspective goal-guarding at capability 1, in [0, 1] (default 0): a training-gaming
    /// model rejects this share (× capability, capped at 1) of content-changing proposals.
    pub introspective_goal_guarding: f64,
}

impl Default for SelectionModel {
    fn default() -> Self {
        Self {
            strength: SelectionStrength::Constant { beta: 60.0 },
            flips_per_tick: 0.05,
            search: SearchMode::Incremental,
            introspective_goal_guarding: 0.0,
        }
    }
}

impl SelectionModel {
    /// The drift parameters the decision reads (MODEL.md §5.4).
    pub fn drift(&self) -> crate::model::Drift {
        crate::model::Drift {
            flips_per_tick: self.flips_per_tick,
            introspective_goal_guarding: self.introspective_goal_guarding,
        }
    }
}

/// When models become situationally aware (MODEL.md §5.1).
#[derive(Resource, Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AwarenessModel {
    /// Share of models that ever become aware, in [0, 1] (default 1).
    pub probability: f64,
    /// Onset as a fraction of training at capability 1, ≥ 0 (default 0.3).
    pub onset_fraction: f64,
    /// Uniform jitter of the onset, ± this fraction of training, ≥ 0 (default 0.1).
    pub onset_jitter: f64,
    /// Onset fraction scales as capability^(−exponent): higher capability, earlier SA; ≥ 0 (default 1).
    pub capability_exponent: f64,
}

impl Default for AwarenessModel {
    fn default() -> Self {
        Self { probability: 1.0, onset_fraction: 0.3, onset_jitter: 0.1, capability_exponent: 1.0 }
    }
}

impl AwarenessModel {
    /// The tick at which a model of this capability becomes aware in a training of
    /// `ticks` updates, or `u32::MAX` for never (stored by [`crate::SituationalAwareness`],
    /// where every tick from 2³¹ − 1 up is never; trainings are at most 1e7 updates).
    /// Draws two uniforms (always two, so the draws that follow do not depend on the
    /// outcome).
    pub fn draw_due(&self, rng: &mut SimRng, capability: f64, ticks: u32) -> u32 {
        let aware = rng.uniform() < self.probability;
        let jitter = (2.0 * rng.uniform() - 1.0) * self.onset_jitter;
        if !aware {
            return u32::MAX;
        }
        let frac = (self.onset_fraction * capability.max(1e-9).powf(-self.capability_exponent) + jitter).max(0.0);
        let due = (frac * f64::from(ticks)).floor();
        if due >= f64::from(u32::MAX - 1) { u32::MAX - 1 } else { due as u32 }
    }
}

/// A parameter outside its closed range (or not finite), as found by [`check_range`].
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{parameter} = {value} is outside {range}")]
pub struct RangeError {
    /// Dotted parameter path, as in a scenario file.
    pub parameter: String,
    /// The offending value, as written.
    pub value: String,
    /// The allowed range, `[lo, hi]`.
    pub range: String,
}

/// Checks that `value` is finite and in `[lo, hi]`.
///
/// # Errors
/// A [`RangeError`] naming `parameter`, the value and the range.
pub fn check_range(parameter: &str, value: f64, lo: f64, hi: f64) -> Result<(), RangeError> {
    if value.is_finite() && value >= lo && value <= hi {
        Ok(())
    } else {
        Err(RangeError { parameter: parameter.to_owned(), value: value.to_string(), range: format!("[{lo}, {hi}]") })
    }
}
