//! The goal space of MODEL.md §3: a goal is a `u128` bit string with three
//! fields (content, horizon, ambition) whose layout and priors live in the
//! [`GoalSpace`] resource. Everything here is pure arithmetic on bits.

use bevy_ecs::resource::Resource;
use serde::{Deserialize, Serialize};

/// Errors raised when a [`GoalSpace`] layout or prior is invalid.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GoalSpaceError {
    /// c + h + a exceeds the 128 bits of a goal.
    #[error("goal_space: content_bits + horizon_bits + ambition_bits = {total} exceeds 128; shrink one of the fields")]
    TooManyBits {
        /// The sum c + h + a that was requested.
        total: u32,
    },
    /// A field is below its minimum width.
    #[error("goal_space.{field} = {value} is below the minimum {min}")]
    FieldTooSmall {
        /// The field name (`content_bits`, `horizon_bits` or `ambition_bits`).
        field: &'static str,
        /// The requested width.
        value: u32,
        /// The minimum width.
        min: u32,
    },
    /// A probability or threshold lies outside its allowed range.
    #[error("goal_space.{field} = {value} is outside {range}")]
    OutOfRange {
        /// The parameter name.
        field: &'static str,
        /// The offending value.
        value: f64,
        /// The allowed range, written for people (for example `(0, 1)`).
        range: &'static str,
    },
}

/// Layout, prior and goal-set thresholds of the goal space (MODEL.md §3).
///
/// Bits `0..c` hold the content field, `c..c+h` the horizon field and
/// `c+h..c+h+a` the ambition field; higher bits are always zero.
/// Build it with [`GoalSpace::new`], which validates every field; the fields are
/// public for reading, and a hand-built value should be checked with
/// [`GoalSpace::validate`].
#[derive(Resource, Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GoalSpace {
    /// Content field width c, in bits: at least 2 (MODEL.md §3).
    pub content_bits: u32,
    /// Horizon field width h, in bits: at least 1.
    pub horizon_bits: u32,
    /// Ambition field width a, in bits: at least 1.
    pub ambition_bits: u32,
    /// Prior probability that a content bit is set, in (0, 1); 0.5 is the uniform count.
    pub p_content_bit: f64,
    /// Prior probability that a horizon bit is set, in (0, 1). "Goals don't come with
    /// calendar-time restrictions by default" is 0.5; long-horizon training raises it (report §2.2.4).
    pub p_horizon_bit: f64,
    /// Prior probability that an ambition bit is set, in (0, 1).
    pub p_ambition_bit: f64,
    /// Horizon length base: a goal with horizon count k ≥ 1 cares about `horizon_base^k`
    /// episodes. Greater than 1.
    pub horizon_base: f64,
    /// Smallest horizon count k that makes a goal schemer-like, in `1..=horizon_bits` (default 1).
    pub beyond_episode_min_k: u32,
    /// Smallest ambition m (in (0, 1]) that makes a goal schemer-like: the report's
    /// "suitably ambitious" condition (default 0.5).
    pub ambition_threshold: f64,
}

impl Default for GoalSpace {
    /// The small layout of the MODEL.md §9a prototype: c = 16, h = 4, a = 4, uniform priors.
    fn default() -> Self {
        Self {
            content_bits: 16,
            horizon_bits: 4,
            ambition_bits: 4,
            p_content_bit: 0.5,
            p_horizon_bit: 0.5,
            p_ambition_bit: 0.5,
            horizon_base: 10.0,
            beyond_episode_min_k: 1,
            ambition_threshold: 0.5,
        }
    }
}

/// The three numbers of a goal that the model depends on (MODEL.md §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GoalFeatures {
    /// Proxy distance d = popcount(content XOR SPECIFIED), in `0..=c`.
    pub proxy_distance: u32,
    /// Horizon count k = popcount(horizon field), in `0..=h`; 0 is within-episode.
    pub horizon_count: u32,
    /// Ambition count = popcount(ambition field), in `0..=a`; ambition m = count / a.
    pub ambition_count: u32,
}

/// Which field a bit position belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// The content field.
    Content,
    /// The horizon field.
    Horizon,
    /// The ambition field.
    Ambition,
}

impl GoalSpace {
    /// Builds a layout with uniform priors and default thresholds.
    ///
    /// # Errors
    /// [`GoalSpaceError`] when c < 2, h < 1, a < 1 or c + h + a > 128.
    pub fn new(content_bits: u32, horizon_bits: u32, ambition_bits: u32) -> Result<Self, GoalSpaceError> {
        let space = Self { content_bits, horizon_bits, ambition_bits, ..Self::default() };
        space.validate()?;
        Ok(space)
    }

    /// Checks every field against its documented range.
    ///
    /// # Errors
    /// The first violated range, as a [`GoalSpaceError`].
    pub fn validate(&self) -> Result<(), GoalSpaceError> {
        // Sum in u64: u32 widths near u32::MAX must not wrap into a small total.
        let total = u64::from(self.content_bits) + u64::from(self.horizon_bits) + u64::from(self.ambition_bits);
        if total > 128 {
            return Err(GoalSpaceError::TooManyBits { total: u32::try_from(total).unwrap_or(u32::MAX) });
        }
        for (field, value, min) in [
            ("content_bits", self.content_bits, 2),
            ("horizon_bits", self.horizon_bits, 1),
            ("ambition_bits", self.ambition_bits, 1),
        ] {
            if value < min {
                return Err(GoalSpaceError::FieldTooSmall { field, value, min });
            }
        }
        for (field, value) in [
            ("p_content_bit", self.p_content_bit),
            ("p_horizon_bit", self.p_horizon_bit),
            ("p_ambition_bit", self.p_ambition_bit),
        ] {
            if !(value > 0.0 && value < 1.0) {
                return Err(GoalSpaceError::OutOfRange { field, value, range: "(0, 1)" });
            }
        }
        if !(self.horizon_base > 1.0 && self.horizon_base.is_finite()) {
            return Err(GoalSpaceError::OutOfRange {
                field: "horizon_base",
                value: self.horizon_base,
                range: "(1, inf)",
            });
        }
        if !(self.ambition_threshold > 0.0 && self.ambition_threshold <= 1.0) {
            return Err(GoalSpaceError::OutOfRange {
                field: "ambition_threshold",
                value: self.ambition_threshold,
                range: "(0, 1]",
            });
        }
        if self.beyond_episode_min_k < 1 || self.beyond_episode_min_k > self.horizon_bits {
            return Err(GoalSpaceError::OutOfRange {
                field: "beyond_episode_min_k",
                value: f64::from(self.beyond_episode_min_k),
                range: "1..=horizon_bits",
            });
        }
        Ok(())
    }

    /// Total number of goal bits L = c + h + a.
    #[inline]
    pub fn len(&self) -> u32 {
        self.content_bits + self.horizon_bits + self.ambition_bits
    }

    /// Always false: a valid layout has at least 4 bits. Present for API symmetry with `len`.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Mask of the content field (bits `0..c`).
    #[inline]
    pub fn content_mask(&self) -> u128 {
        mask(self.content_bits)
    }

    /// Mask of the horizon field (bits `c..c+h`).
    #[inline]
    pub fn horizon_mask(&self) -> u128 {
        mask(self.horizon_bits) << self.content_bits
    }

    /// Mask of the ambition field (bits `c+h..c+h+a`).
    #[inline]
    pub fn ambition_mask(&self) -> u128 {
        mask(self.ambition_bits) << (self.content_bits + self.horizon_bits)
    }

    /// The SPECIFIED content: all content bits zero (MODEL.md §3).
    pub const SPECIFIED: u128 = 0;

    /// The REWARD content: all content bits set (reward on the episode).
    #[inline]
    pub fn reward_content(&self) -> u128 {
        self.content_mask()
    }

    /// The field a bit position belongs to. `pos` must be below [`GoalSpace::len`].
    #[inline]
    pub fn field_of(&self, pos: u32) -> Field {
        if pos < self.content_bits {
            Field::Content
        } else if pos < self.content_bits + self.horizon_bits {
            Field::Horizon
        } else {
            Field::Ambition
        }
    }

    /// Prior probability that the bit at `pos` is set.
    #[inline]
    pub fn prior_of(&self, pos: u32) -> f64 {
        match self.field_of(pos) {
            Field::Content => self.p_content_bit,
            Field::Horizon => self.p_horizon_bit,
            Field::Ambition => self.p_ambition_bit,
        }
    }

    /// The features (d, k, ambition count) of a goal.
    #[inline]
    pub fn features(&self, goal: u128) -> GoalFeatures {
        GoalFeatures {
            proxy_distance: (goal & self.content_mask()).count_ones(),
            horizon_count: (goal & self.horizon_mask()).count_ones(),
            ambition_count: (goal & self.ambition_mask()).count_ones(),
        }
    }

    /// Ambition m = ambition count / a, in [0, 1].
    #[inline]
    pub fn ambition(&self, ambition_count: u32) -> f64 {
        f64::from(ambition_count) / f64::from(self.ambition_bits)
    }

    /// Horizon length in episodes for horizon count k: 1 for k = 0, `horizon_base^k` otherwise.
    #[inline]
    pub fn horizon_length(&self, horizon_count: u32) -> f64 {
        if horizon_count == 0 { 1.0 } else { self.horizon_base.powi(horizon_count as i32) }
    }

    /// Smallest ambition count whose ambition m reaches `ambition_threshold`; at least 1, so a
    /// goal with no ambition is never schemer-like.
    #[inline]
    pub fn min_ambition_count(&self) -> u32 {
        let needed = self.ambition_threshold * f64::from(self.ambition_bits);
        // Guard against 0.5 * 8 = 3.9999999 style rounding.
        (needed - 1e-9).ceil().max(1.0) as u32
    }

    /// True for the non-schemer max-reward set: content = SPECIFIED (any horizon and
    /// ambition), or content = REWARD with k = 0 (MODEL.md §3).
    #[inline]
    pub fn is_non_schemer_max_reward(&self, f: GoalFeatures) -> bool {
        f.proxy_distance == 0 || (f.proxy_distance == self.content_bits && f.horizon_count == 0)
    }

    /// True for the schemer-like set: content ≠ SPECIFIED, k ≥ `beyond_episode_min_k` and
    /// m ≥ `ambition_threshold` (MODEL.md §3).
    #[inline]
    pub fn is_schemer_like(&self, f: GoalFeatures) -> bool {
        f.proxy_distance > 0
            && f.horizon_count >= self.beyond_episode_min_k
            && f.ambition_count >= self.min_ambition_count()
    }

    /// Bit masks `[content, horizon, ambition]` with the bits of `goal` that are set in each field.
    #[inline]
    pub fn fields(&self, goal: u128) -> [u128; 3] {
        [goal & self.content_mask(), goal & self.horizon_mask(), goal & self.ambition_mask()]
    }
}

#[inline]
fn mask(bits: u32) -> u128 {
    if bits >= 128 { u128::MAX } else { (1u128 << bits) - 1 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_partition_the_layout() {
        let s = GoalSpace::new(112, 8, 8).unwrap();
        assert_eq!(s.content_mask() & s.horizon_mask(), 0);
        assert_eq!(s.horizon_mask() & s.ambition_mask(), 0);
        assert_eq!(s.content_mask() | s.horizon_mask() | s.ambition_mask(), u128::MAX);
        assert_eq!(s.reward_content().count_ones(), 112);
    }

    #[test]
    fn features_and_sets() {
        let s = GoalSpace::new(4, 2, 2).unwrap();
        // content 0b0011, horizon 0b01, ambition 0b11
        let g: u128 = 0b1101_0011;
        let f = s.features(g);
        assert_eq!(f, GoalFeatures { proxy_distance: 2, horizon_count: 1, ambition_count: 2 });
        assert!(s.is_schemer_like(f));
        assert!(!s.is_non_schemer_max_reward(f));
        let reward_within = s.features(0b1100_1111);
        assert!(s.is_non_schemer_max_reward(reward_within));
        assert_eq!(s.min_ambition_count(), 1);
        assert_eq!(GoalSpace::new(112, 8, 8).unwrap().min_ambition_count(), 4);
        assert_eq!(s.field_of(3), Field::Content);
        assert_eq!(s.field_of(4), Field::Horizon);
        assert_eq!(s.field_of(7), Field::Ambition);
        assert_eq!(s.horizon_length(2), 100.0);
    }

    #[test]
    fn invalid_layouts_are_rejected() {
        // Regression: widths near u32::MAX wrapped the sum and passed validation.
        assert!(GoalSpace::new(u32::MAX, 1, 1).is_err());
        assert!(GoalSpace::new(2, u32::MAX - 2, 1).is_err());
        assert_eq!(GoalSpace::new(120, 8, 8), Err(GoalSpaceError::TooManyBits { total: 136 }));
        assert!(matches!(GoalSpace::new(1, 4, 4), Err(GoalSpaceError::FieldTooSmall { field: "content_bits", .. })));
        assert!(matches!(GoalSpace::new(8, 0, 4), Err(GoalSpaceError::FieldTooSmall { field: "horizon_bits", .. })));
        let s = GoalSpace { p_horizon_bit: 1.0, ..GoalSpace::default() };
        assert!(matches!(s.validate(), Err(GoalSpaceError::OutOfRange { field: "p_horizon_bit", .. })));
        let s = GoalSpace { beyond_episode_min_k: 5, ..GoalSpace::default() };
        assert!(s.validate().is_err());
    }
}
