#![doc = include_str!("../README.md")]

mod run;
pub mod search;
pub mod systems;

use bevy_ecs::prelude::*;
use goalspace_core::prelude::*;
use goalspace_core::{
    AwarenessModel, DecisionModel, DeploymentBeliefs, RewardModel, Rules, RulesParam, SelectionModel, TrainingEnd,
};

pub use run::{TrainingError, TrainingReport, TrainingRun, build_training, final_goals, report_of, run_training};
pub use systems::{
    Awakener, AwarenessDue, Selector, TrainingTally, become_situationally_aware, count_classes, oversee_training,
    reconsider_training_gaming, record_training, select_goals,
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
    ("selection_bits", "Bits of selection against schemers at the final β, population ledger (MODEL.md §7)."),
    ("ledger_share_schemer", "Stationary schemer share at the final β, averaged over the models' own ledgers."),
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
                become_situationally_aware.run_if(systems::awareness_due).in_set(TrainingSystems::Awareness),
                reconsider_training_gaming.run_if(systems::rules_changed).in_set(TrainingSystems::Decision),
                select_goals.in_set(TrainingSystems::Selection),
                oversee_training.in_set(TrainingSystems::Oversight),
                record_training.in_set(TrainingSystems::Record),
            ),
        );
        sim.add_systems(goalspace_core::Setup, systems::schedule_awareness);
        sim.add_systems(TrainingEnd, summarize_training.in_set(goalspace_core::Summaries::Builtin));
    }
}

/// End-of-training metrics: final class shares, onset shares, flags, and the
/// [`population_ledger`] at the final β (MODEL.md §7–§8).
pub fn summarize_training(
    rules: RulesParam,
    tally: Res<TrainingTally>,
    mut metrics: ResMut<Metrics>,
    agents: Query<(&AgentIndex, &Agent)>,
) {
    let (counts, aware) = count_classes(&rules.space, agents.iter().map(|(_, agent)| agent));
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
    metrics.set("counting_bits", goalspace_ledger::counting_bits(rules.space));
    let population = population_ledger(
        &rules,
        beta,
        counts.iter().sum::<u64>() as u32,
        agents.iter().map(|(i, agent)| (i.0, agent.awareness.is_aware(), &agent.profile)),
    );
    if let Some(bits) = population.selection_bits() {
        metrics.set("selection_bits", bits);
    }
    let stationary = population.stationary[ModelClass::Schemer.index()];
    metrics.set("ledger_share_schemer", stationary);
    metrics.set("path_dependence", schemers - stationary);
}

/// Largest number of models whose own ledgers are averaged by [`population_ledger`].
pub const LEDGER_SAMPLE: u32 = 4096;

/// The ledger of a population whose models differ in traits and awareness (MODEL.md §7):
/// the average over models of each model's own exact prior and stationary class shares.
#[derive(Debug, Clone, PartialEq)]
pub struct PopulationLedger {
    /// Population-average prior class shares, by [`ModelClass::index`].
    pub prior: [f64; 4],
    /// Population-average stationary class shares at the final β.
    pub stationary: [f64; 4],
    /// Number of models averaged.
    pub models: u32,
}

impl PopulationLedger {
    /// Bits of selection against schemers at the population level: log2 odds of schemers
    /// against saints plus reward seekers, prior minus stationary. `None` when a side is empty.
    pub fn selection_bits(&self) -> Option<f64> {
        let odds = |s: &[f64; 4]| {
            let (k, n) = (
                s[ModelClass::Schemer.index()],
                s[ModelClass::TrainingSaint.index()] + s[ModelClass::RewardOnTheEpisodeSeeker.index()],
            );
            (k > 0.0 && n > 0.0).then(|| (k / n).log2())
        };
        Some(odds(&self.prior)? - odds(&self.stationary)?)
    }
}

/// Prior and stationary class shares of one profile.
type PriorAndStationary = ([f64; 4], [f64; 4]);

/// Averages each model's exact ledger over the population `(index, aware, profile)` of `n`
/// models (indices `0..n`). Every model when there are at most [`LEDGER_SAMPLE`], otherwise
/// the evenly spaced indices
/// `i · ⌈N / LEDGER_SAMPLE⌉` (no randomness); models with identical profiles share one
/// computation. Exact for homogeneous populations and for populations up to the sample size.
pub fn population_ledger<'a>(
    rules: &Rules<'_>,
    beta: f64,
    n: u32,
    models: impl Iterator<Item = (u32, bool, &'a Profile)>,
) -> PopulationLedger {
    let stride = n.div_ceil(LEDGER_SAMPLE).max(1);
    let mut memo: std::collections::BTreeMap<(bool, [u32; 6]), PriorAndStationary> = Default::default();
    let (mut prior, mut stationary, mut count) = ([0.0; 4], [0.0; 4], 0u32);
    for (index, aware, profile) in models {
        if index % stride != 0 {
            continue;
        }
        let key = (
            aware,
            [
                profile.capability.to_bits(),
                profile.coherence.to_bits(),
                profile.survival.to_bits(),
                profile.ai_empowerment.to_bits(),
                profile.present.to_bits(),
                profile.believed_remaining.to_bits(),
            ],
        );
        let (p, s) = *memo.entry(key).or_insert_with(|| {
            let t = profile.traits();
            (
                goalspace_ledger::class_log_mass(rules, &t, aware, 0.0).shares(),
                goalspace_ledger::class_log_mass(rules, &t, aware, beta).shares(),
            )
        });
        for i in 0..4 {
            prior[i] += p[i];
            stationary[i] += s[i];
        }
        count += 1;
    }
    let m = f64::from(count.max(1));
    PopulationLedger { prior: prior.map(|x| x / m), stationary: stationary.map(|x| x / m), models: count }
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
    use goalspace_core::Agent;

    fn touch_goals(mut agents: Query<&mut Agent>) {
        for mut agent in &mut agents {
            agent.goal.0 ^= 0;
        }
    }

    /// The training schedule builds with ambiguity detection as an error; a system that
    /// writes goals without an order against selection is refused (an order ambiguity is a
    /// determinism bug, ARCHITECTURE.md "Invariants").
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

    /// A system added after `build_training` without calling `initialize` again is still
    /// checked before the first tick: `run_training` refuses the ambiguous schedule with
    /// goalspace's error (naming the system and what to call to get it as an error), not
    /// with bevy's panic in the middle of the first update.
    #[test]
    fn run_training_checks_systems_added_after_building() {
        let run = crate::TrainingRun { population: 10, ticks: 2, ..crate::TrainingRun::default() };
        let mut sim = crate::build_training(&run).expect("valid run");
        sim.add_systems(TrainingTick, touch_goals);
        let panic = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| sim.run_training(run.ticks)))
            .expect_err("an ambiguous schedule must not run");
        let message = panic.downcast_ref::<String>().expect("a formatted panic message");
        assert!(message.starts_with("schedule TrainingTick does not build"), "{message}");
        assert!(message.contains("select_goals (in set Selection) and touch_goals"), "{message}");
        assert!(message.ends_with("(call Simulation::initialize after adding plugins to get this as an error)"));
        assert!(!sim.is_set_up(), "refused before Setup ran");
    }
}
