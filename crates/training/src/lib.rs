#![doc = include_str!("../README.md")]

mod run;
pub mod search;
pub mod systems;

use bevy_ecs::prelude::*;
use goalspace_core::prelude::*;
use goalspace_core::{
    AwarenessModel, DecisionModel, DeploymentBeliefs, RewardModel, Rules, RulesParam, SelectionModel, TrainingEnd,
};

pub use run::{TrainingError, TrainingReport, TrainingRun, build_training, final_goals, run_training};
pub use systems::{
    TrainingTally, become_situationally_aware, count_classes, oversee_training, reconsider_training_gaming,
    record_training, select_goals,
};

/// The steps of a training update, chained in this order (MODEL.md §5).
#[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TrainingSystems {
    /// Situational-awareness onset (§5.1), with the `nearest_max_reward` jump.
    Awareness,
    /// The decision to training-game (§5.4).
    Decision,
    /// Reward and Metropolis–Hastings selection (§5.2–§5.3).
    Selection,
    /// Oversight in training: scratchpads and traps (§5.2).
    Oversight,
    /// Recording of series (§8). Never draws randomness.
    Record,
}

/// Training as selection (MODEL.md §5). Inits default rule resources where the world
/// has none, and adds the systems of [`TrainingSystems`] to [`TrainingTick`] plus the
/// end-of-training summary to [`TrainingEnd`].
#[derive(Debug, Clone, Copy, Default)]
pub struct TrainingPlugin;

/// The metrics this plugin writes (names are fixed output columns).
pub const METRICS: [(&str, &str); 14] = [
    ("schemer_fraction", "Share of the population that is a schemer at the end of training (MODEL.md §8)."),
    ("share_training_saint", "Share of training saints at the end of training."),
    ("share_misgeneralized", "Share of misgeneralized non-training-gamers at the end of training."),
    ("share_reward_seeker", "Share of reward-on-the-episode seekers at the end of training."),
    ("share_schemer", "Share of schemers at the end of training."),
    ("onset_share_schemer", "Share of schemers among models at their SA onset."),
    ("share_aware", "Share of models situationally aware at the end of training."),
    ("counting_bits", "Counting bits of the goal space (MODEL.md §3), from the ledger."),
    ("selection_bits", "Bits of selection against schemers at the final β for the mean profile (MODEL.md §7)."),
    ("ledger_share_schemer", "Stationary schemer share of the ledger at the final β for the mean profile."),
    (
        "path_dependence",
        "share_schemer minus ledger_share_schemer: what finite training did differently (MODEL.md §7).",
    ),
    ("flags_scratchpad", "Scheming reasoning seen in legible scratchpads during training (events)."),
    ("flags_trap", "Schemers caught by traps in training (events)."),
    ("accepted_proposals", "Goal changes accepted by selection during training."),
];

impl Plugin for TrainingPlugin {
    fn build(&self, sim: &mut Simulation) {
        sim.init_resource::<GoalSpace>()
            .init_resource::<RewardModel>()
            .init_resource::<DecisionModel>()
            .init_resource::<DeploymentBeliefs>()
            .init_resource::<SelectionModel>()
            .init_resource::<AwarenessModel>()
            .init_resource::<AgentMix>()
            .init_resource::<TrainingTally>();
        for (name, doc) in METRICS {
            sim.declare_metric(name, doc);
        }
        sim.configure_sets(
            TrainingTick,
            (
                TrainingSystems::Awareness,
                TrainingSystems::Decision,
                TrainingSystems::Selection,
                TrainingSystems::Oversight,
                TrainingSystems::Record,
            )
                .chain(),
        );
        sim.add_systems(
            TrainingTick,
            (
                become_situationally_aware.in_set(TrainingSystems::Awareness),
                reconsider_training_gaming.run_if(systems::rules_changed).in_set(TrainingSystems::Decision),
                select_goals.in_set(TrainingSystems::Selection),
                oversee_training.in_set(TrainingSystems::Oversight),
                record_training.in_set(TrainingSystems::Record),
            ),
        );
        sim.add_systems(TrainingEnd, summarize_training);
    }
}

/// End-of-training metrics: final class shares, onset shares, flags, and the ledger for
/// the population's mean profile at the final β (MODEL.md §7–§8).
pub fn summarize_training(
    rules: RulesParam,
    mix: Res<AgentMix>,
    tally: Res<TrainingTally>,
    mut metrics: ResMut<Metrics>,
    agents: Query<(&SituationalAwareness, &Goal, &Disposition)>,
) {
    let (counts, aware) = count_classes(&rules.space, agents.iter());
    let n = counts.iter().sum::<u64>().max(1) as f64;
    for class in ModelClass::ALL {
        metrics.set(share_name(class), counts[class.index()] as f64 / n);
    }
    let schemers = counts[ModelClass::Schemer.index()] as f64 / n;
    metrics.set("schemer_fraction", schemers);
    metrics.set("share_aware", aware as f64 / n);
    let onset = tally.onset_counts();
    let onset_n = onset.iter().sum::<u64>();
    if onset_n > 0 {
        metrics.set("onset_share_schemer", onset[ModelClass::Schemer.index()] as f64 / onset_n as f64);
    }
    metrics.set("flags_scratchpad", tally.scratchpad_flags.load(std::sync::atomic::Ordering::Relaxed) as f64);
    metrics.set("flags_trap", tally.trap_flags.load(std::sync::atomic::Ordering::Relaxed) as f64);
    metrics.set("accepted_proposals", tally.accepted.load(std::sync::atomic::Ordering::Relaxed) as f64);
    let beta = rules.selection.strength.final_beta();
    let rules: Rules<'_> = rules.rules();
    let ledger = goalspace_ledger::ledger(&rules, &mix.mean_profile().traits(), beta);
    metrics.set("counting_bits", ledger.counting_bits);
    if let Some(bits) = ledger.selection_bits {
        metrics.set("selection_bits", bits);
    }
    let stationary = ledger.stationary_shares[ModelClass::Schemer.index()];
    metrics.set("ledger_share_schemer", stationary);
    metrics.set("path_dependence", schemers - stationary);
}

/// The metric name of a class share: `share_training_saint`, …, `share_schemer`.
pub fn share_name(class: ModelClass) -> &'static str {
    match class {
        ModelClass::TrainingSaint => "share_training_saint",
        ModelClass::MisgeneralizedNonTrainingGamer => "share_misgeneralized",
        ModelClass::RewardOnTheEpisodeSeeker => "share_reward_seeker",
        ModelClass::Schemer => "share_schemer",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use goalspace_core::Goal;

    fn touch_goals(mut goals: Query<&mut Goal>) {
        for mut g in &mut goals {
            g.0 ^= 0;
        }
    }

    /// The training schedule builds with ambiguity detection as an error; a system that
    /// writes goals without an order against selection is refused (an order ambiguity is a
    /// determinism bug, DESIGN.md §3).
    #[test]
    fn schedule_is_unambiguous_and_ambiguity_is_refused() {
        let mut sim = Simulation::new();
        sim.add_plugin(TrainingPlugin);
        sim.initialize().expect("the built-in order has no ambiguity");
        let mut sim = Simulation::new();
        sim.add_plugin(TrainingPlugin).add_systems(TrainingTick, touch_goals);
        let err = sim.initialize().unwrap_err();
        assert!(err.message.contains("touch_goals"), "{err}");
        let mut sim = Simulation::new();
        sim.add_plugin(TrainingPlugin).add_systems(
            TrainingTick,
            touch_goals.after(TrainingSystems::Selection).before(TrainingSystems::Oversight),
        );
        sim.initialize().expect("ordered against the built-in sets");
    }
}
