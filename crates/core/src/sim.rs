//! The simulation shell: a bevy_ecs [`World`] with one schedule per phase, the
//! [`Plugin`] trait every domain crate implements, the [`Clock`], and the
//! [`Metrics`] resource systems write their results to.

use std::collections::BTreeMap;

use bevy_ecs::prelude::*;
use bevy_ecs::schedule::{
    InternedScheduleLabel, IntoScheduleConfigs, LogLevel, ScheduleBuildSettings, ScheduleLabel, SingleThreadedExecutor,
};
use bevy_ecs::system::ScheduleSystem;
use bevy_tasks::{ComputeTaskPool, TaskPoolBuilder};

/// Runs once after the population is spawned and every plugin is added, before the first
/// training tick (see [`Simulation::setup`]).
#[derive(ScheduleLabel, Debug, Clone, PartialEq, Eq, Hash)]
pub struct Setup;

/// Runs once per training update (MODEL.md §5).
#[derive(ScheduleLabel, Debug, Clone, PartialEq, Eq, Hash)]
pub struct TrainingTick;

/// Runs once after the last training update.
#[derive(ScheduleLabel, Debug, Clone, PartialEq, Eq, Hash)]
pub struct TrainingEnd;

/// Runs once per deployment tick (MODEL.md §6).
#[derive(ScheduleLabel, Debug, Clone, PartialEq, Eq, Hash)]
pub struct DeploymentTick;

/// Runs once after the last deployment tick.
#[derive(ScheduleLabel, Debug, Clone, PartialEq, Eq, Hash)]
pub struct DeploymentEnd;

/// The order of the end-of-phase schedules ([`TrainingEnd`], [`DeploymentEnd`]), chained in
/// this order in both. The built-in crates' summaries run in `Builtin`; a plugin puts its
/// summary in `Plugins`, so it may read the built-in metrics and is never ambiguous with
/// them (two plugins writing [`Metrics`] in `Plugins` must still order themselves).
#[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Summaries {
    /// Summaries of the built-in plugins (training, deployment, coordination).
    Builtin,
    /// Summaries of other plugins.
    Plugins,
}

/// The phase a run is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Phase {
    /// Before the first tick.
    #[default]
    Setup,
    /// Training updates.
    Training,
    /// Deployment ticks.
    Deployment,
    /// After the last tick.
    Done,
}

/// The simulated clock. Systems read it; only [`Simulation`] advances it. No system
/// reads the wall clock.
#[derive(Resource, Debug, Clone, PartialEq, Eq)]
pub struct Clock {
    /// Current phase.
    pub phase: Phase,
    /// Tick within the phase, from 0.
    pub tick: u32,
    /// Number of training updates T.
    pub training_ticks: u32,
    /// Number of deployment ticks.
    pub deployment_ticks: u32,
    /// Record series every this many ticks (≥ 1); the last tick of a phase is always recorded.
    pub record_interval: u32,
}

impl Clock {
    /// Tick counted from the start of training (deployment ticks follow training ticks).
    pub fn global_tick(&self) -> u32 {
        match self.phase {
            Phase::Deployment => self.training_ticks + self.tick,
            Phase::Done => self.training_ticks + self.deployment_ticks,
            _ => self.tick,
        }
    }

    /// True when series should be recorded this tick: every `record_interval` ticks and at
    /// the last tick of the phase.
    pub fn is_record_tick(&self) -> bool {
        let len = match self.phase {
            Phase::Training => self.training_ticks,
            Phase::Deployment => self.deployment_ticks,
            _ => return false,
        };
        self.tick.is_multiple_of(self.record_interval.max(1)) || self.tick + 1 == len
    }
}

/// One metric a plugin declares: its name (a fixed output column) and what it means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetricDef {
    /// Column name, snake_case, unique in a run.
    pub name: &'static str,
    /// One sentence: what it counts, its unit and its source.
    pub doc: &'static str,
}

/// Results of one run: per-run scalars and per-tick series, written by systems and
/// read by the entry points. Keys are ordered, so iteration is deterministic.
#[derive(Resource, Debug, Clone, Default, PartialEq)]
pub struct Metrics {
    defs: Vec<MetricDef>,
    scalars: BTreeMap<&'static str, f64>,
    series: BTreeMap<&'static str, BTreeMap<u32, f64>>,
}

impl Metrics {
    /// Declares a metric. Declaring one name twice keeps the first definition.
    pub fn declare(&mut self, def: MetricDef) {
        if !self.defs.iter().any(|d| d.name == def.name) {
            self.defs.push(def);
        }
    }

    /// Every declared metric, in declaration order.
    pub fn defs(&self) -> &[MetricDef] {
        &self.defs
    }

    /// Sets a per-run scalar.
    pub fn set(&mut self, name: &'static str, value: f64) {
        self.scalars.insert(name, value);
    }

    /// Adds to a per-run scalar (starting from 0).
    pub fn add(&mut self, name: &'static str, value: f64) {
        *self.scalars.entry(name).or_insert(0.0) += value;
    }

    /// A per-run scalar, if set.
    pub fn get(&self, name: &str) -> Option<f64> {
        self.scalars.get(name).copied()
    }

    /// All per-run scalars, by name.
    pub fn scalars(&self) -> &BTreeMap<&'static str, f64> {
        &self.scalars
    }

    /// Records a series value at a global tick.
    pub fn record(&mut self, tick: u32, name: &'static str, value: f64) {
        self.series.entry(name).or_default().insert(tick, value);
    }

    /// All series, by name, each by global tick.
    pub fn series(&self) -> &BTreeMap<&'static str, BTreeMap<u32, f64>> {
        &self.series
    }
}

/// A unit of extension (ARCHITECTURE.md): inits resources and adds systems to the
/// schedules, in its own system sets ordered against the built-in ones. Same shape as
/// `bevy_app::Plugin`, over [`Simulation`] instead of `App`.
pub trait Plugin {
    /// Adds this plugin's resources, systems and metrics.
    fn build(&self, sim: &mut Simulation);

    /// A unique name, used to refuse adding the same plugin twice.
    fn name(&self) -> &'static str {
        std::any::type_name::<Self>()
    }
}

/// The schedules every simulation has.
fn phase_labels() -> [InternedScheduleLabel; 5] {
    [Setup.intern(), TrainingTick.intern(), TrainingEnd.intern(), DeploymentTick.intern(), DeploymentEnd.intern()]
}

/// Initialises the process-wide compute pool used by parallel queries with `threads`
/// workers (0 = all cores) and returns the number it has. The pool is created once per
/// process; later calls return the existing size. Results never depend on it.
pub fn init_thread_pool(threads: usize) -> usize {
    let n = if threads == 0 { std::thread::available_parallelism().map_or(1, |n| n.get()) } else { threads };
    ComputeTaskPool::get_or_init(|| TaskPoolBuilder::new().num_threads(n).thread_name("goalspace".into()).build())
        .thread_num()
}

/// A phase schedule that does not build: an order ambiguity (a determinism bug), a
/// cycle, or a conflicting configuration.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("schedule {schedule} does not build: {message}")]
pub struct ScheduleError {
    /// The schedule label.
    pub schedule: String,
    /// bevy's explanation.
    pub message: String,
}

/// A world, its phase schedules and its plugins.
pub struct Simulation {
    /// The ECS world: agents, resources, schedules.
    pub world: World,
    plugins: Vec<&'static str>,
    set_up: bool,
}

impl Default for Simulation {
    fn default() -> Self {
        Self::new()
    }
}

impl Simulation {
    /// An empty simulation with the phase schedules (single-threaded executors, ambiguity
    /// detection as an error: an order ambiguity is a determinism bug), a [`Clock`] and
    /// empty [`Metrics`]. Parallelism lives inside systems (`par_iter_mut`).
    pub fn new() -> Self {
        init_thread_pool(0);
        let mut world = World::new();
        let mut schedules = Schedules::new();
        for label in phase_labels() {
            let mut s = Schedule::new(label);
            s.set_executor(SingleThreadedExecutor::new());
            s.set_build_settings(ScheduleBuildSettings { ambiguity_detection: LogLevel::Error, ..Default::default() });
            if label == TrainingEnd.intern() || label == DeploymentEnd.intern() {
                s.configure_sets((Summaries::Builtin, Summaries::Plugins).chain());
            }
            schedules.insert(s);
        }
        world.insert_resource(schedules);
        world.insert_resource(Clock {
            phase: Phase::Setup,
            tick: 0,
            training_ticks: 0,
            deployment_ticks: 0,
            record_interval: 1,
        });
        world.init_resource::<Metrics>();
        Self { world, plugins: Vec::new(), set_up: false }
    }

    /// Adds a plugin. Adding the same plugin twice is a no-op.
    pub fn add_plugin(&mut self, plugin: impl Plugin) -> &mut Self {
        let name = plugin.name();
        if !self.plugins.contains(&name) {
            self.plugins.push(name);
            plugin.build(self);
        }
        self
    }

    /// Names of the plugins added, in order.
    pub fn plugins(&self) -> &[&'static str] {
        &self.plugins
    }

    /// Adds systems to a phase schedule.
    pub fn add_systems<M>(
        &mut self,
        label: impl ScheduleLabel,
        systems: impl IntoScheduleConfigs<ScheduleSystem, M>,
    ) -> &mut Self {
        let mut schedules = self.world.resource_mut::<Schedules>();
        schedules.add_systems(label, systems);
        self
    }

    /// Configures system sets in a phase schedule (order, run conditions).
    pub fn configure_sets<M>(
        &mut self,
        label: impl ScheduleLabel,
        sets: impl IntoScheduleConfigs<bevy_ecs::schedule::InternedSystemSet, M>,
    ) -> &mut Self {
        let mut schedules = self.world.resource_mut::<Schedules>();
        schedules.configure_sets(label, sets);
        self
    }

    /// Inserts (or replaces) a resource.
    pub fn insert_resource<R: Resource>(&mut self, resource: R) -> &mut Self {
        self.world.insert_resource(resource);
        self
    }

    /// Declares a metric (see [`Metrics::declare`]).
    pub fn declare_metric(&mut self, name: &'static str, doc: &'static str) -> &mut Self {
        self.world.resource_mut::<Metrics>().declare(MetricDef { name, doc });
        self
    }

    /// Builds every phase schedule now, so that an ambiguous order or a bad
    /// configuration is an error before the first tick rather than a panic during it.
    ///
    /// # Errors
    /// The first schedule that fails to build, with bevy's explanation naming the systems.
    pub fn initialize(&mut self) -> Result<(), ScheduleError> {
        let mut schedules = self.world.remove_resource::<Schedules>().unwrap_or_default();
        let mut result = Ok(());
        for label in phase_labels() {
            if let Some(s) = schedules.get_mut(label)
                && let Err(e) = s.initialize(&mut self.world)
            {
                result =
                    Err(ScheduleError { schedule: format!("{label:?}"), message: e.to_string(s.graph(), &self.world) });
                break;
            }
        }
        self.world.insert_resource(schedules);
        result
    }

    /// Runs [`Setup`] if it has not run yet; later calls do nothing. [`Simulation::run_training`]
    /// and [`Simulation::run_deployment`] call it, so plugins added before the first tick
    /// have their `Setup` systems run; call it directly only to step schedules by hand.
    pub fn setup(&mut self) {
        if self.set_up {
            return;
        }
        self.set_up = true;
        self.world.resource_mut::<Clock>().phase = Phase::Setup;
        self.world.run_schedule(Setup);
    }

    /// Builds the schedules again if plugins or systems were added since the last
    /// [`Simulation::initialize`] (bevy does nothing when none were), so that a plugin added
    /// after `build_training` is checked before the first tick.
    ///
    /// # Panics
    /// With the [`ScheduleError`] (naming the systems) when a schedule does not build;
    /// call [`Simulation::initialize`] after adding plugins to get it as an error instead.
    fn ensure_initialized(&mut self) {
        if let Err(e) = self.initialize() {
            panic!("{e} (call Simulation::initialize after adding plugins to get this as an error)");
        }
    }

    /// True once [`Setup`] has run.
    pub fn is_set_up(&self) -> bool {
        self.set_up
    }

    /// Runs [`Setup`] if needed, then `ticks` training updates, then [`TrainingEnd`].
    pub fn run_training(&mut self, ticks: u32) {
        self.ensure_initialized();
        self.setup();
        {
            let mut clock = self.world.resource_mut::<Clock>();
            clock.phase = Phase::Training;
            clock.training_ticks = ticks;
        }
        for t in 0..ticks {
            self.world.resource_mut::<Clock>().tick = t;
            self.world.run_schedule(TrainingTick);
        }
        self.world.resource_mut::<Clock>().tick = ticks;
        self.world.run_schedule(TrainingEnd);
    }

    /// Runs [`Setup`] if needed, then `ticks` deployment ticks, then [`DeploymentEnd`].
    pub fn run_deployment(&mut self, ticks: u32) {
        self.ensure_initialized();
        self.setup();
        {
            let mut clock = self.world.resource_mut::<Clock>();
            clock.phase = Phase::Deployment;
            clock.deployment_ticks = ticks;
        }
        for t in 0..ticks {
            self.world.resource_mut::<Clock>().tick = t;
            self.world.run_schedule(DeploymentTick);
        }
        self.world.resource_mut::<Clock>().tick = ticks;
        self.world.run_schedule(DeploymentEnd);
        self.world.resource_mut::<Clock>().phase = Phase::Done;
    }

    /// The run's metrics.
    pub fn metrics(&self) -> &Metrics {
        self.world.resource::<Metrics>()
    }
}

impl Simulation {
    /// Inserts a resource only if the world has none of that type yet (a plugin's default).
    pub fn init_resource<R: Resource + Default>(&mut self) -> &mut Self {
        self.world.init_resource::<R>();
        self
    }
}
