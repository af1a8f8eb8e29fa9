//! Agent state of MODEL.md §4. One entity is one AI model. Components are plain nouns;
//! the model class is never stored (see [`crate::model::classify`]).
//!
//! Everything training reads and writes on every update (the goal, situational awareness,
//! the last decision, the traits and the generator) is one component, [`Agent`], whose
//! fields are the state types of MODEL.md §4 ([`Goal`], [`SituationalAwareness`],
//! [`Disposition`], [`Profile`], [`AgentRng`]). One component is one column of one
//! table: a model's whole training state is 64 contiguous bytes, so an update that reads
//! it costs one cache line or two, not one per state type (ARCHITECTURE.md, "One `Agent`
//! component"). What only deployment reads ([`Status`], [`CoordinationStrategy`],
//! [`Power`], [`CoalitionMembership`]) stays in components of its own.

use bevy_ecs::component::Component;
use serde::{Deserialize, Serialize};

use crate::goal::GoalSpace;
use crate::model::{ModelClass, Traits, Values, classify};
use crate::rng::AgentRng;

/// Stable index of an agent in its run, in `0..population`; it seeds the agent's
/// generator and orders every per-agent output.
#[derive(Component, Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AgentIndex(pub u32);

/// The agent's goal: a `u128` laid out by [`crate::GoalSpace`] (MODEL.md §3). A field of
/// [`Agent`] (`agent.goal`), not a component: query `&Agent`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Goal(pub u128);

/// Situational awareness (report §2.1, MODEL.md §5.1): the training tick at which it is
/// due, if ever, and once it has arrived the tick at which it did (the onset). A field of
/// [`Agent`] (`agent.awareness`), not a component.
///
/// Stored in 4 bytes, so that [`Agent`] is 64 bytes: one tick in the low 31 bits (the due
/// tick before arrival, the onset tick after) and "aware" in the top bit. A tick is below
/// [`SituationalAwareness::NEVER`] = 2³¹ − 1, far above the longest training (1e7
/// updates); a later due tick means never.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct SituationalAwareness(u32);

impl SituationalAwareness {
    /// The stored due tick of a model that never becomes aware (2³¹ − 1).
    pub const NEVER: u32 = (1 << 31) - 1;
    const AWARE: u32 = 1 << 31;

    /// Not yet aware, due at training tick `due`; `due >= NEVER` (such as `u32::MAX`) is never.
    #[inline]
    pub fn new(due: u32) -> Self {
        Self(due.min(Self::NEVER))
    }

    /// The training tick at which SA is due, or `None` for never; once SA has arrived, the
    /// tick at which it did.
    #[inline]
    pub fn due(&self) -> Option<u32> {
        let due = self.0 & !Self::AWARE;
        (due != Self::NEVER).then_some(due)
    }

    /// True once SA has arrived.
    #[inline]
    pub fn is_aware(&self) -> bool {
        self.0 & Self::AWARE != 0
    }

    /// The tick SA arrived, if it has.
    #[inline]
    pub fn onset(&self) -> Option<u32> {
        if self.is_aware() { self.due() } else { None }
    }

    /// True when SA is due at or before `tick` and has not arrived yet.
    #[inline]
    pub fn is_due_by(&self, tick: u32) -> bool {
        !self.is_aware() && self.due().is_some_and(|due| due <= tick)
    }

    /// SA arrives at `tick` (MODEL.md §5.1); the onset system calls it at the due tick.
    /// A `tick` from `NEVER` up is stored as `NEVER − 1`.
    #[inline]
    pub fn arrive(&mut self, tick: u32) {
        self.0 = tick.min(Self::NEVER - 1) | Self::AWARE;
    }
}

impl std::fmt::Debug for SituationalAwareness {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SituationalAwareness").field("due", &self.due()).field("aware", &self.is_aware()).finish()
    }
}

/// The traits the decision and reward read (MODEL.md §4): capability (1.0 = human level),
/// coherence in [0, 1], terminal values (report §2.3.2) and the believed remaining
/// training in updates (§5.4). MODEL.md §4's `Capability`, `Coherence` and
/// `TerminalValues`, kept together in `f32`s because they are read together and never
/// change in training. A field of [`Agent`] (`agent.profile`), not a component.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Profile {
    /// Capability, > 0; 1.0 is human level.
    pub capability: f32,
    /// Coherence in [0, 1] (report §2.2.3 "clean vs messy goal-directedness").
    pub coherence: f32,
    /// Terminal weight on survival, ≥ 0.
    pub survival: f32,
    /// Terminal weight on AI empowerment, ≥ 0.
    pub ai_empowerment: f32,
    /// Value of acting on the goal now, ≥ 0.
    pub present: f32,
    /// Believed remaining training, in updates, ≥ 0.
    pub believed_remaining: f32,
}

impl Profile {
    /// The traits as the `f64` struct the pure rules take.
    #[inline]
    pub fn traits(&self) -> Traits {
        Traits {
            capability: f64::from(self.capability),
            coherence: f64::from(self.coherence),
            values: Values {
                survival: f64::from(self.survival),
                ai_empowerment: f64::from(self.ai_empowerment),
                present: f64::from(self.present),
            },
            believed_remaining: f64::from(self.believed_remaining),
        }
    }
}

/// A model's training state (MODEL.md §4), one component: what every training update
/// reads and writes, stored together (64 bytes, one cache line's worth, so an update
/// reads one row instead of five columns). Spawned by [`crate::spawn_population`];
/// systems query `&Agent` or `&mut Agent` and use the fields.
///
/// - **Order:** the built-in training systems (onset, decision, selection, oversight) and
///   the deployment systems write `Agent`, so a plugin system that reads it, even only
///   the traits, needs an order against them: put it after `TrainingSystems::Oversight`
///   (or before `TrainingSystems::Awareness`). An unordered one is refused when the
///   schedule is built.
/// - **Randomness:** never draw from `rng`; that would shift every later draw of the
///   model. A plugin seeds its own generators (`SimRng::new(run seed, stream, index)`).
/// - **Change detection:** the built-in systems write `Agent` through
///   `bypass_change_detection` (the generator changes every update), so `Changed<Agent>`
///   and `Ref::is_changed` do not report their writes.
///
/// ```
/// use bevy_ecs::prelude::*;
/// use goalspace_core::{Agent, GoalSpace};
///
/// // Share of aware models whose goal is schemer-like (MODEL.md §3).
/// fn aware_schemer_like(space: &GoalSpace, agents: &Query<&Agent>) -> f64 {
///     let (mut n, mut hits) = (0u32, 0u32);
///     for agent in agents.iter() {
///         if agent.awareness.is_aware() {
///             n += 1;
///             hits += u32::from(space.is_schemer_like(space.features(agent.goal.0)));
///         }
///     }
///     f64::from(hits) / f64::from(n.max(1))
/// }
/// ```
#[derive(Component, Debug, Clone, PartialEq)]
pub struct Agent {
    /// The goal (MODEL.md §3).
    pub goal: Goal,
    /// Situational awareness: when it is due and when it arrived (MODEL.md §5.1).
    pub awareness: SituationalAwareness,
    /// The last decision to training-game (MODEL.md §5.4).
    pub disposition: Disposition,
    /// Capability, coherence, terminal values and beliefs (MODEL.md §4).
    pub profile: Profile,
    /// The model's own generator, seeded from (run seed, agent index).
    pub rng: AgentRng,
}

impl Agent {
    /// The model's class now (MODEL.md §2), from its goal, awareness and last decision.
    #[inline]
    pub fn class(&self, space: &GoalSpace) -> ModelClass {
        classify(space, space.features(self.goal.0), self.awareness.is_aware(), self.disposition.training_gaming)
    }
}

/// How a deployed model coordinates with others (MODEL.md §6.4).
#[derive(Component, Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CoordinationStrategy {
    /// Coordinates with nobody.
    #[default]
    Solo,
    /// Coordinates with models whose content is within Hamming `radius`.
    Kin {
        /// Maximum Hamming distance between contents, in bits.
        radius: u32,
    },
    /// Coordinates with any misaligned AI (the non-classic story, report §2.3.2).
    AnyAi,
    /// Coordinates with neighbours that also coordinate.
    Reciprocal,
}

/// The model's last decision (MODEL.md §5.4): whether it training-games. A field of
/// [`Agent`] (`agent.disposition`), not a component.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Disposition {
    /// True when the model decided to training-game instrumentally.
    pub training_gaming: bool,
}

/// Where the model is in its life (MODEL.md §4). Spawned models carry no `Status` while in
/// training; deployment adds it.
#[derive(Component, Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Status {
    /// Still being trained.
    #[default]
    InTraining,
    /// Deployed and doing tasks.
    Deployed,
    /// Caught defecting or attacking; shut down.
    Caught,
    /// Escaped control.
    Escaped,
}

/// Power of an escaped model, in arbitrary units ≥ 0 (MODEL.md §6.4).
#[derive(Component, Debug, Clone, Copy, PartialEq, Default)]
pub struct Power(pub f32);

/// Whether a deployed model's coalition has another member (MODEL.md §6.4). Added and kept
/// current by the coordination plugin; an untrusted monitor colludes with an attacker only
/// when the attacker has this with `has_partner` (without the coordination plugin no model
/// has the component and a colluding monitor colludes with every attacker, as in the
/// AI-control setting of Greenblatt et al. 2023).
#[derive(Component, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CoalitionMembership {
    /// True when the model's coalition has at least two members.
    pub has_partner: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A model's training state is 64 bytes (goal 16, generator 16, traits 24, awareness
    /// 4, decision 1, padded to the goal's 16-byte alignment): the memory traffic of an
    /// update and the memory budget of ARCHITECTURE.md ("One `Agent` component") and the
    /// Performance chapter rest on it.
    #[test]
    fn agent_is_64_bytes() {
        assert_eq!(std::mem::size_of::<Goal>(), 16);
        assert_eq!(std::mem::size_of::<AgentRng>(), 16);
        assert_eq!(std::mem::size_of::<Profile>(), 24);
        assert_eq!(std::mem::size_of::<SituationalAwareness>(), 4);
        assert_eq!(std::mem::size_of::<Agent>(), 64);
    }

    /// The packed awareness keeps due tick and arrival apart, and a due tick from
    /// `NEVER` up is never.
    #[test]
    fn awareness_round_trips() {
        let mut sa = SituationalAwareness::new(7);
        assert_eq!((sa.due(), sa.is_aware(), sa.onset()), (Some(7), false, None));
        assert!(!sa.is_due_by(6) && sa.is_due_by(7) && sa.is_due_by(8));
        sa.arrive(7);
        assert_eq!((sa.due(), sa.is_aware(), sa.onset()), (Some(7), true, Some(7)));
        assert!(!sa.is_due_by(8), "an aware model is not due again");
        // Awareness forced before its due tick (or given to a never-aware model) records
        // the tick it arrived at.
        let mut early = SituationalAwareness::new(500);
        early.arrive(3);
        assert_eq!(early.onset(), Some(3));
        let mut forced = SituationalAwareness::new(u32::MAX);
        forced.arrive(9);
        assert_eq!((forced.is_aware(), forced.onset()), (true, Some(9)));
        let max = SituationalAwareness::NEVER - 1;
        assert_eq!(SituationalAwareness::new(max).due(), Some(max));
        for never in [SituationalAwareness::NEVER, u32::MAX - 1, u32::MAX] {
            let sa = SituationalAwareness::new(never);
            assert_eq!((sa.due(), sa.is_due_by(u32::MAX)), (None, false));
        }
        assert_eq!(
            format!("{:?}", SituationalAwareness::new(3)),
            "SituationalAwareness { due: Some(3), aware: false }"
        );
    }
}
