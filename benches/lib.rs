//! Benchmark support: warmed-up worlds built once per population with a fixed seed, and
//! two hand-written baselines that perform exactly the training update of the ECS systems
//! (same per-agent functions, same draws, same arithmetic): [`SoaPopulation`], one vector
//! per state type, and [`PackedPopulation`], one plain vector of `Agent`s (the ECS table's
//! layout). The ECS against the packed baseline is the ECS overhead; the packed baseline
//! against the struct of arrays is the cost of the memory layout.

use goalspace_core::{
    Agent, AgentIndex, AgentRng, Clock, Disposition, Goal, Phase, Profile, SimRng, Simulation, SituationalAwareness,
    TrainingTick,
};
use goalspace_training::{Awakener, AwarenessDue, Selector, TrainingRun, build_training};

/// The run every benchmark uses: default parameters (MODEL.md §5 defaults), seed 42,
/// 1000 updates with SA at 30% ± 10%, no series recording.
pub fn bench_run(population: u32) -> TrainingRun {
    TrainingRun { population, ticks: 1000, seed: 42, record_interval: 1_000_000, ..TrainingRun::default() }
}

/// A world of `population` models after `warmup` updates, ready for more [`TrainingTick`]s.
pub fn warmed_training_world(population: u32, warmup: u32) -> Simulation {
    let run = bench_run(population);
    let mut sim = build_training(&run).expect("valid default run");
    sim.setup();
    {
        let mut clock = sim.world.resource_mut::<Clock>();
        clock.phase = Phase::Training;
        clock.training_ticks = run.ticks;
    }
    for t in 0..warmup {
        advance(&mut sim, t);
    }
    sim
}

/// A world of `population` models trained for 20 updates (default parameters, SA at the
/// first update) and deployed with default deployment, oversight and an Erdős–Rényi
/// coordination graph of mean degree 8 with every model `AnyAi`, after its first
/// deployment tick (graph built, strategies drawn): ready for more [`DeploymentTick`]s.
/// The deployment is long enough (1e6 ticks) that models never run out of tasks.
pub fn warmed_deployment_world(population: u32) -> Simulation {
    let mut run = bench_run(population);
    run.ticks = 20;
    run.awareness.onset_fraction = 0.0;
    run.awareness.onset_jitter = 0.0;
    let params = goalspace_deployment::DeploymentParams { ticks: 1_000_000, ..Default::default() };
    let coordination = goalspace_coordination::CoordinationModel {
        graph: goalspace_coordination::GraphKind::ErdosRenyi { p: 8.0 / f64::from(population.max(2) - 1) },
        strategy_mix: [0.0, 0.0, 1.0, 0.0],
        ..Default::default()
    };
    let mut sim = goalspace_coordination::build_full(&run, &params, &coordination).expect("valid run");
    sim.run_training(run.ticks);
    {
        let mut clock = sim.world.resource_mut::<Clock>();
        clock.phase = Phase::Deployment;
        clock.deployment_ticks = params.ticks;
    }
    advance_deployment(&mut sim, 0);
    sim
}

/// Runs one deployment tick of `sim` at tick `t`.
pub fn advance_deployment(sim: &mut Simulation, t: u32) {
    sim.world.resource_mut::<Clock>().tick = t;
    sim.world.run_schedule(goalspace_core::DeploymentTick);
}

/// Runs one training update of `sim` at tick `t`.
pub fn advance(sim: &mut Simulation, t: u32) {
    sim.world.resource_mut::<Clock>().tick = t;
    sim.world.run_schedule(TrainingTick);
}

/// The same population as plain vectors, in agent-index order.
#[derive(Debug, Clone)]
pub struct SoaPopulation {
    /// Situational awareness per agent.
    pub awareness: Vec<SituationalAwareness>,
    /// Goals per agent.
    pub goals: Vec<u128>,
    /// Training-gaming decisions per agent.
    pub gaming: Vec<bool>,
    /// Traits per agent.
    pub profiles: Vec<Profile>,
    /// Generators per agent.
    pub rngs: Vec<SimRng>,
    /// Ticks at which some agent becomes aware (the onset loop runs only then, as in the ECS).
    pub due: AwarenessDue,
}

impl SoaPopulation {
    /// Copies the agents of `sim` into vectors ordered by agent index.
    pub fn from_world(sim: &mut Simulation) -> Self {
        let mut q = sim.world.query::<(&AgentIndex, &Agent)>();
        let mut rows: Vec<_> = q
            .iter(&sim.world)
            .map(|(i, a)| (i.0, a.awareness, a.goal.0, a.disposition.training_gaming, a.profile, a.rng.0.clone()))
            .collect();
        rows.sort_unstable_by_key(|r| r.0);
        Self {
            due: AwarenessDue::of(rows.iter().map(|r| &r.1)),
            awareness: rows.iter().map(|r| r.1).collect(),
            goals: rows.iter().map(|r| r.2).collect(),
            gaming: rows.iter().map(|r| r.3).collect(),
            profiles: rows.iter().map(|r| r.4).collect(),
            rngs: rows.into_iter().map(|r| r.5).collect(),
        }
    }

    /// One training update at tick `t` of `run`, single-threaded: the onset loop, then the
    /// selection loop, exactly as the ECS systems do them (oversight and recording are
    /// no-ops for [`bench_run`]). Returns the number of accepted proposals.
    pub fn tick(&mut self, run: &TrainingRun, t: u32) -> u64 {
        let rules = run.rules();
        let awakener = Awakener::new(rules, run.selection.search, t);
        let due = self.due.0.contains(&t);
        for i in (0..self.goals.len()).filter(|_| due) {
            awakener.step(
                &mut self.awareness[i],
                &mut self.goals[i],
                &mut self.gaming[i],
                &self.profiles[i],
                &mut self.rngs[i],
            );
        }
        let selector = Selector::new(rules, &run.selection, t, run.ticks);
        let mut accepted = 0;
        for i in 0..self.goals.len() {
            accepted += u64::from(selector.step(
                &self.awareness[i],
                &self.profiles[i],
                &mut self.goals[i],
                &mut self.gaming[i],
                &mut self.rngs[i],
            ));
        }
        accepted
    }
}

/// The same population as one plain vector of [`Agent`]s (array of structs, the layout of
/// the ECS table without the ECS), updated by the same per-model functions. Beside the
/// struct of arrays it separates the two costs: the packed vector against the struct of
/// arrays is the memory layout, the ECS against the packed vector is the ECS itself.
#[derive(Debug, Clone)]
pub struct PackedPopulation {
    /// The models, in agent-index order.
    pub models: Vec<Agent>,
    /// Ticks at which some agent becomes aware.
    pub due: AwarenessDue,
}

impl PackedPopulation {
    /// The models of a struct-of-arrays population, packed.
    pub fn from_soa(soa: &SoaPopulation) -> Self {
        let models = (0..soa.goals.len())
            .map(|i| Agent {
                goal: Goal(soa.goals[i]),
                awareness: soa.awareness[i],
                disposition: Disposition { training_gaming: soa.gaming[i] },
                profile: soa.profiles[i],
                rng: AgentRng(soa.rngs[i].clone()),
            })
            .collect();
        Self { models, due: soa.due.clone() }
    }

    /// One training update at tick `t`, as [`SoaPopulation::tick`]; returns the accepted proposals.
    pub fn tick(&mut self, run: &TrainingRun, t: u32) -> u64 {
        let rules = run.rules();
        if self.due.0.contains(&t) {
            let awakener = Awakener::new(rules, run.selection.search, t);
            for agent in &mut self.models {
                awakener.step_agent(agent);
            }
        }
        Selector::new(rules, &run.selection, t, run.ticks).step_slice(&mut self.models)
    }
}

/// Peak resident memory of this process in bytes (`VmHWM` of /proc/self/status), if known.
pub fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The baseline and the ECS tick produce identical goals and decisions from the same
    /// seed over 400 updates across SA onset (so the comparison of their speeds is honest).
    #[test]
    fn baseline_and_ecs_tick_agree() {
        let run = bench_run(5000);
        let mut sim = warmed_training_world(5000, 0);
        let mut soa = SoaPopulation::from_world(&mut sim);
        for t in 0..400 {
            advance(&mut sim, t);
            soa.tick(&run, t);
        }
        let ecs = SoaPopulation::from_world(&mut sim);
        assert_eq!(ecs.goals, soa.goals);
        assert_eq!(ecs.gaming, soa.gaming);
        assert_eq!(ecs.rngs, soa.rngs);
        assert_eq!(ecs.awareness, soa.awareness);
        assert!(soa.awareness.iter().any(|a| a.is_aware()), "the window covers SA onset");
    }

    /// The packed layout makes the same update: identical goals, decisions and generators.
    #[test]
    fn packed_and_struct_of_arrays_ticks_agree() {
        let run = bench_run(5000);
        let mut sim = warmed_training_world(5000, 0);
        let mut soa = SoaPopulation::from_world(&mut sim);
        let mut packed = PackedPopulation::from_soa(&soa);
        for t in 0..400 {
            assert_eq!(soa.tick(&run, t), packed.tick(&run, t));
        }
        assert!(packed.models.iter().zip(&soa.goals).all(|(m, g)| m.goal.0 == *g));
        assert!(packed.models.iter().zip(&soa.gaming).all(|(m, g)| m.disposition.training_gaming == *g));
        assert!(packed.models.iter().zip(&soa.rngs).all(|(m, r)| m.rng.0 == *r));
        assert!(packed.models.iter().zip(&soa.awareness).all(|(m, a)| m.awareness == *a));
    }
}
