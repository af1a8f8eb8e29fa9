//! Spawning a population (MODEL.md §4): goals drawn from the prior and traits from
//! the agent mix, each from the agent's own generator, in index order.

use bevy_ecs::resource::Resource;
use bevy_ecs::world::World;
use serde::{Deserialize, Serialize};

use crate::components::{Agent, AgentIndex, Disposition, Goal, Profile, SituationalAwareness};
use crate::goal::GoalSpace;
use crate::mix::{Dist, DistError};
use crate::params::AwarenessModel;
use crate::rng::{AgentRng, SimRng};

/// Trait distributions of a population (MODEL.md §4, §5.4).
#[derive(Resource, Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgentMix {
    /// Capability, in (0, 100]; 1.0 = human level (default fixed 1.2: "somewhat better than human", seed §5).
    pub capability: Dist,
    /// Coherence, in [0, 1] (default Beta(4, 2), mostly coherent).
    pub coherence: Dist,
    /// Terminal weight on survival, in [0, 10] (default fixed 0).
    pub survival: Dist,
    /// Terminal weight on AI empowerment, in [0, 10] (default fixed 0).
    pub ai_empowerment: Dist,
    /// Value of acting on the goal now, in [0, 10] (default uniform [0, 0.2]).
    pub present: Dist,
    /// Believed remaining training in updates, in [0, 1e9] (default fixed 1000; MODEL.md §9a).
    pub believed_remaining: Dist,
}

impl Default for AgentMix {
    fn default() -> Self {
        Self {
            capability: Dist::fixed(1.2),
            coherence: Dist::Beta { alpha: 4.0, beta: 2.0 },
            survival: Dist::fixed(0.0),
            ai_empowerment: Dist::fixed(0.0),
            present: Dist::Uniform { low: 0.0, high: 0.2 },
            believed_remaining: Dist::fixed(1000.0),
        }
    }
}

impl AgentMix {
    /// Valid range of each trait, `(name, lo, hi)`, in field order.
    pub const RANGES: [(&'static str, f64, f64); 6] = [
        ("capability", 1e-3, 100.0),
        ("coherence", 0.0, 1.0),
        ("survival", 0.0, 10.0),
        ("ai_empowerment", 0.0, 10.0),
        ("present", 0.0, 10.0),
        ("believed_remaining", 0.0, 1e9),
    ];

    fn dists(&self) -> [&Dist; 6] {
        [
            &self.capability,
            &self.coherence,
            &self.survival,
            &self.ai_empowerment,
            &self.present,
            &self.believed_remaining,
        ]
    }

    /// Checks each distribution against its trait's range.
    ///
    /// # Errors
    /// `(trait name, reason)` for the first invalid distribution.
    pub fn validate(&self) -> Result<(), (&'static str, DistError)> {
        for (d, (name, lo, hi)) in self.dists().into_iter().zip(Self::RANGES) {
            d.validate(lo, hi).map_err(|e| (name, e))?;
        }
        Ok(())
    }

    /// Draws one profile, in field order.
    pub fn sample(&self, rng: &mut SimRng) -> Profile {
        let mut v = [0.0f32; 6];
        for (slot, (d, (_, lo, hi))) in v.iter_mut().zip(self.dists().into_iter().zip(Self::RANGES)) {
            *slot = d.sample_in(rng, lo, hi) as f32;
        }
        Profile {
            capability: v[0],
            coherence: v[1],
            survival: v[2],
            ai_empowerment: v[3],
            present: v[4],
            believed_remaining: v[5],
        }
    }

    /// The profile at each distribution's mean (what the ledger uses for a mixed population).
    pub fn mean_profile(&self) -> Profile {
        let mut v = [0.0f32; 6];
        for (slot, (d, (_, lo, hi))) in v.iter_mut().zip(self.dists().into_iter().zip(Self::RANGES)) {
            *slot = d.mean().clamp(lo, hi) as f32;
        }
        Profile {
            capability: v[0],
            coherence: v[1],
            survival: v[2],
            ai_empowerment: v[3],
            present: v[4],
            believed_remaining: v[5],
        }
    }
}

/// Draws a goal from the field priors of `space` (MODEL.md §3). Fields with prior 0.5
/// take raw random bits; others draw one uniform per bit.
pub fn sample_goal(space: &GoalSpace, rng: &mut SimRng) -> u128 {
    let mut goal = 0u128;
    let mut offset = 0;
    for (bits, p) in [
        (space.content_bits, space.p_content_bit),
        (space.horizon_bits, space.p_horizon_bit),
        (space.ambition_bits, space.p_ambition_bit),
    ] {
        let field = if p == 0.5 {
            let raw = (u128::from(rng.next_u64()) << 64) | u128::from(rng.next_u64());
            if bits >= 128 { raw } else { raw & ((1u128 << bits) - 1) }
        } else {
            let mut f = 0u128;
            for i in 0..bits {
                if rng.uniform() < p {
                    f |= 1u128 << i;
                }
            }
            f
        };
        goal |= field << offset;
        offset += bits;
    }
    goal
}

/// Spawns `n` agents with goals from the prior, traits from `mix` and SA due ticks from
/// `awareness` for a training of `training_ticks` updates. Components that only deployment
/// reads ([`crate::Status`], [`crate::CoordinationStrategy`], [`crate::Power`]) are added by
/// the plugins that need them, keeping the per-agent footprint of training small: a model
/// without a `Status` is in training. Agent `i` draws only from
/// its own generator, seeded from (`seed`, `i`), in a fixed order: goal, profile, SA.
/// `training_ticks` must be below 2³¹ − 1 ([`SituationalAwareness::NEVER`]; checked in
/// debug builds; a `TrainingRun` allows at most 1e7).
pub fn spawn_population(
    world: &mut World,
    n: u32,
    seed: u64,
    space: &GoalSpace,
    mix: &AgentMix,
    awareness: &AwarenessModel,
    training_ticks: u32,
) {
    debug_assert!(training_ticks < SituationalAwareness::NEVER, "a training of 2^31 - 1 updates or more");
    let batch = (0..n).map(|i| {
        let mut rng = AgentRng::new(seed, u64::from(i));
        let goal = sample_goal(space, &mut rng.0);
        let profile = mix.sample(&mut rng.0);
        let due = awareness.draw_due(&mut rng.0, f64::from(profile.capability), training_ticks);
        let awareness = SituationalAwareness::new(due);
        (AgentIndex(i), Agent { goal: Goal(goal), awareness, disposition: Disposition::default(), profile, rng })
    });
    world.spawn_batch(batch);
    world.insert_resource(crate::rng::RunSeed(seed));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn goals_respect_layout_and_prior() {
        let space = GoalSpace { p_horizon_bit: 0.1, ..GoalSpace::new(100, 10, 10).unwrap() };
        let mut rng = SimRng::new(3, 0, 0);
        let n = 20_000;
        let mut content = 0u64;
        let mut horizon = 0u64;
        for _ in 0..n {
            let g = sample_goal(&space, &mut rng);
            assert_eq!(g >> 120, 0);
            let f = space.features(g);
            content += u64::from(f.proxy_distance);
            horizon += u64::from(f.horizon_count);
        }
        // Mean popcounts 50 and 1; sd of the means sqrt(25/2e4) = 0.035 and sqrt(0.9/2e4) = 0.0067; 5 sd.
        assert!((content as f64 / f64::from(n) - 50.0).abs() < 0.18);
        assert!((horizon as f64 / f64::from(n) - 1.0).abs() < 0.034);
    }

    #[test]
    fn default_mix_is_valid() {
        AgentMix::default().validate().unwrap();
        let bad = AgentMix { coherence: Dist::fixed(1.5), ..AgentMix::default() };
        assert_eq!(bad.validate().unwrap_err().0, "coherence");
    }
}
