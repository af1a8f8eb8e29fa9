#![doc = include_str!("../README.md")]

pub mod components;
pub mod goal;
pub mod mix;
pub mod model;
pub mod param;
pub mod params;
pub mod population;
pub mod rng;
pub mod sim;

pub use components::*;
pub use goal::{Field, GoalFeatures, GoalSpace, GoalSpaceError};
pub use mix::{Dist, DistError};
pub use model::{
    DecisionModel, DeploymentBeliefs, Drift, ModelClass, RewardModel, Rules, SchemingValue, Traits, Values, classify,
};
pub use param::RulesParam;
pub use params::{AwarenessModel, RangeError, SearchMode, SelectionModel, SelectionStrength, check_range};
pub use population::{AgentMix, sample_goal, spawn_population};
pub use rng::{AgentRng, RunSeed, SimRng, derive_seed};
pub use sim::{
    Clock, DeploymentEnd, DeploymentTick, MetricDef, Metrics, Phase, Plugin, ScheduleError, Setup, Simulation,
    Summaries, TrainingEnd, TrainingTick, init_thread_pool,
};

/// Class counts indexed by [`ModelClass::index`].
pub type ClassCounts = [u64; 4];

/// The items a plugin crate usually needs.
pub mod prelude {
    pub use crate::{
        Agent, AgentIndex, AgentMix, AgentRng, ClassCounts, Clock, CoordinationStrategy, Disposition, Goal, GoalSpace,
        Metrics, ModelClass, Phase, Plugin, Power, Profile, Simulation, SituationalAwareness, Status, TrainingTick,
        classify,
    };
}
