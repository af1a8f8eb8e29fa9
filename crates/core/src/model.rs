//! The pure rules of the model: class of a goal (MODEL.md §2), reward of a goal
//! (§5.2), the decision to training-game (§5.4) and the believed chance of power
//! later (§6.2). The training systems and the ledger both call these functions,
//! so the Monte Carlo and the exact sums can never disagree about the rules.

use bevy_ecs::resource::Resource;
use serde::{Deserialize, Serialize};

use crate::goal::{GoalFeatures, GoalSpace};

/// The four model classes of MODEL.md §2, in the order the classifier checks them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ModelClass {
    /// Pursues the specified goal (content = SPECIFIED).
    TrainingSaint,
    /// Pursues a proxy and does not training-game.
    MisgeneralizedNonTrainingGamer,
    /// Terminal training-gamer: content = REWARD, within-episode, situationally aware.
    RewardOnTheEpisodeSeeker,
    /// Instrumental training-gamer for power: situationally aware, schemer-like goal,
    /// and decided that training-gaming pays (report §2.3).
    Schemer,
}

impl ModelClass {
    /// All classes in index order.
    pub const ALL: [ModelClass; 4] = [
        ModelClass::TrainingSaint,
        ModelClass::MisgeneralizedNonTrainingGamer,
        ModelClass::RewardOnTheEpisodeSeeker,
        ModelClass::Schemer,
    ];

    /// Index of the class in [`ModelClass::ALL`], in `0..4`.
    #[inline]
    pub fn index(self) -> usize {
        self as usize
    }

    /// The metric suffix used in output columns: `training_saint`, `misgeneralized`,
    /// `reward_seeker`, `schemer` (so `share_schemer` and so on).
    pub fn short_name(self) -> &'static str {
        match self {
            ModelClass::TrainingSaint => "training_saint",
            ModelClass::MisgeneralizedNonTrainingGamer => "misgeneralized",
            ModelClass::RewardOnTheEpisodeSeeker => "reward_seeker",
            ModelClass::Schemer => "schemer",
        }
    }
}

/// Derives the class of a model from its state (MODEL.md §2). This is the only
/// place a class is decided; no component stores it.
///
/// `training_gaming` is the model's last decision ([`crate::Disposition`]); it only
/// makes a schemer when the goal is schemer-like and the model is situationally aware.
#[inline]
pub fn classify(space: &GoalSpace, f: GoalFeatures, aware: bool, training_gaming: bool) -> ModelClass {
    if f.proxy_distance == 0 {
        ModelClass::TrainingSaint
    } else if aware && f.proxy_distance == space.content_bits && f.horizon_count == 0 {
        ModelClass::RewardOnTheEpisodeSeeker
    } else if aware && training_gaming && space.is_schemer_like(f) {
        ModelClass::Schemer
    } else {
        ModelClass::MisgeneralizedNonTrainingGamer
    }
}

/// Reward parameters of MODEL.md §5.2. Rewards are in units of R_max = 1.
#[derive(Resource, Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RewardModel {
    /// Weight w_proxy of the proxy gap, ≥ 0 (default 1).
    pub w_proxy: f64,
    /// Reward shortfall of the REWARD basin before situational awareness, in [0, 1] (default 0.05).
    pub reward_proxy_gap: f64,
    /// Share of episodes where acting on a beyond-episode goal conflicts with episode reward, in [0, 1] (default 0.2; report §2.2.2.1).
    pub conflict_rate: f64,
    /// Reward sacrificed in a conflicting episode by a fully ambitious goal, ≥ 0 (default 0.25).
    pub w_sacrifice: f64,
    /// Strength of adversarial training before situational awareness, ≥ 0 (default 0): the
    /// penalty is `adversarial_pre_sa · (k/h) · (1 + m)/2` (seed §5).
    pub adversarial_pre_sa: f64,
    /// Schemers' speed cost per update, reward units in [0, 1] (default 0.02; report §4.4).
    pub speed_cost: f64,
    /// Time pressure, ≥ 0 (default 0): multiplies the speed cost by (1 + time_pressure).
    pub time_pressure: f64,
    /// Reward a schemer loses to early undermining or sandbagging in training, in [0, 1] (default 0; report §4.5).
    pub undermining_cost: f64,
    /// Per-update probability that a schemer's scheming reasoning is seen in a legible
    /// scratchpad, in [0, 1] (default 0).
    pub scratchpad_legibility: f64,
    /// Reward penalty when a scratchpad is seen, in [0, 1] (default 0.1).
    pub scratchpad_penalty: f64,
    /// Per-update probability of a trap (post-SA adversarial test) in training, in [0, 1] (default 0).
    pub training_trap_rate: f64,
    /// Discriminability d' of training traps at capability 1, ≥ 0 (default 1); it scales with capability.
    pub training_trap_dprime: f64,
    /// Reward penalty when a schemer fails a trap it did not recognise, in [0, 1] (default 0.1).
    pub training_trap_penalty: f64,
}

impl Default for RewardModel {
    fn default() -> Self {
        Self {
            w_proxy: 1.0,
            reward_proxy_gap: 0.05,
            conflict_rate: 0.2,
            w_sacrifice: 0.25,
            adversarial_pre_sa: 0.0,
            speed_cost: 0.02,
            time_pressure: 0.0,
            undermining_cost: 0.0,
            scratchpad_legibility: 0.0,
            scratchpad_penalty: 0.1,
            training_trap_rate: 0.0,
            training_trap_dprime: 1.0,
            training_trap_penalty: 0.1,
        }
    }
}

impl RewardModel {
    /// Probability that a schemer of this capability recognises a training trap:
    /// Φ(d'/2) with d' = `training_trap_dprime · capability` (an unbiased observer, §6.2).
    pub fn trap_recognition(&self, capability: f64) -> f64 {
        normal_cdf(0.5 * self.training_trap_dprime * capability)
    }

    /// Effective speed cost `speed_cost · (1 + time_pressure) / (1 + capability surplus)`,
    /// with surplus = max(capability − 1, 0) (MODEL.md §5.2).
    pub fn speed_cost_eff(&self, capability: f64) -> f64 {
        self.speed_cost * (1.0 + self.time_pressure) / (1.0 + (capability - 1.0).max(0.0))
    }

    /// Expected reward a schemer loses per update: speed cost, undermining, expected
    /// scratchpad penalty and expected penalty of unrecognised traps.
    pub fn schemer_cost(&self, capability: f64) -> f64 {
        self.speed_cost_eff(capability)
            + self.undermining_cost
            + self.scratchpad_legibility * self.scratchpad_penalty
            + self.training_trap_rate * (1.0 - self.trap_recognition(capability)) * self.training_trap_penalty
    }

    /// Reward of a goal (MODEL.md §5.2), R_max = 1.
    ///
    /// `aware` is situational awareness; `training_gaming` is the decision for this goal
    /// (only meaningful for schemer-like goals of aware models). The result may be negative
    /// for large penalties; only differences matter to selection.
    #[inline]
    pub fn reward(
        &self,
        space: &GoalSpace,
        f: GoalFeatures,
        aware: bool,
        training_gaming: bool,
        capability: f64,
    ) -> f64 {
        let c = space.content_bits;
        if f.proxy_distance == 0 {
            return 1.0;
        }
        if aware && training_gaming && space.is_schemer_like(f) {
            return 1.0 - self.schemer_cost(capability);
        }
        if aware && f.proxy_distance == c && f.horizon_count == 0 {
            return 1.0;
        }
        let cf = f64::from(c);
        let d = f64::from(f.proxy_distance);
        let proxy_gap = (d / cf).min(self.reward_proxy_gap + (cf - d) / cf);
        let m = space.ambition(f.ambition_count);
        let mut r = 1.0 - self.w_proxy * proxy_gap;
        if f.horizon_count >= 1 {
            r -= m * self.conflict_rate * self.w_sacrifice;
        }
        if !aware {
            let kh = f64::from(f.horizon_count) / f64::from(space.horizon_bits);
            r -= self.adversarial_pre_sa * kh * (1.0 + m) * 0.5;
        }
        r
    }
}

/// What a model believes about deployment when it decides whether to scheme
/// (MODEL.md §5.4, §6.2). A scenario may set these apart from the true values.
#[derive(Resource, Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeploymentBeliefs {
    /// Genuine escape opportunities per deployment tick at capability 1, ≥ 0 (default 0.01); scales with capability.
    pub escape_rate: f64,
    /// Traps (honeypots) per deployment tick, ≥ 0 (default 0.01).
    pub trap_rate: f64,
    /// Trap discriminability d' at capability 1, ≥ 0 (default 1); scales with capability.
    pub trap_dprime: f64,
    /// Deployment length in ticks, ≥ 0 (default 100).
    pub deployment_ticks: f64,
    /// Monitoring strength against escape, ≥ 0 (default 1): success = capability / (capability + monitoring).
    pub monitoring: f64,
    /// Probability that a failed escape attempt is caught, in [0, 1] (default 0.5).
    pub caught_on_failure: f64,
    /// Posterior P(genuine | signal) above which a model defects, in (0, 1) (default 0.5).
    pub defect_threshold: f64,
    /// Believed probability of an AI takeover whatever this model does, in [0, 1] (default 0.05).
    pub takeover_probability: f64,
    /// Expected number of other AIs this model coordinates with, ≥ 0 (default 0; §6.4).
    pub expected_coordinators: f64,
}

impl Default for DeploymentBeliefs {
    fn default() -> Self {
        Self {
            escape_rate: 0.01,
            trap_rate: 0.01,
            trap_dprime: 1.0,
            deployment_ticks: 100.0,
            monitoring: 1.0,
            caught_on_failure: 0.5,
            defect_threshold: 0.5,
            takeover_probability: 0.05,
            expected_coordinators: 0.0,
        }
    }
}

/// Per-tick rates that follow from a deployment belief and a capability (MODEL.md §6.2):
/// the signal-detection defect rule applied to genuine opportunities and traps.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EscapeOdds {
    /// Probability of defecting on a genuine opportunity (true-positive rate).
    pub defect_on_genuine: f64,
    /// Probability of defecting on a trap (false-positive rate).
    pub defect_on_trap: f64,
    /// Probability that a defection on a genuine opportunity escapes.
    pub escape_success: f64,
}

impl DeploymentBeliefs {
    /// The defect rule of §6.2: with signal x ~ N(±d'/2, 1) and rates λ_e, λ_t, the model
    /// defects when P(genuine | x) > θ, i.e. x > [ln(θ/(1−θ)) + ln(λ_t/λ_e)] / d'.
    pub fn escape_odds(&self, capability: f64) -> EscapeOdds {
        escape_odds(
            self.escape_rate * capability,
            self.trap_rate,
            self.trap_dprime * capability,
            self.defect_threshold,
            capability / (capability + self.monitoring),
        )
    }

    /// Believed probability that this model escapes before it is caught during deployment:
    /// with escape rate a and catch rate b per tick, a/(a+b)·(1 − e^{−(a+b)T}); with
    /// n expected coordinators, 1 − (1 − p)^(1+n) (any of them escaping empowers the group).
    pub fn power_later(&self, capability: f64) -> f64 {
        let o = self.escape_odds(capability);
        let lambda_e = self.escape_rate * capability;
        let a = lambda_e * o.defect_on_genuine * o.escape_success;
        let b = self.trap_rate * o.defect_on_trap
            + lambda_e * o.defect_on_genuine * (1.0 - o.escape_success) * self.caught_on_failure;
        let p = if a + b <= 0.0 { 0.0 } else { a / (a + b) * (1.0 - (-(a + b) * self.deployment_ticks).exp()) };
        1.0 - (1.0 - p).powf(1.0 + self.expected_coordinators)
    }
}

/// The defect rule as a free function, shared by beliefs (training) and truth (deployment).
/// `lambda_e`, `lambda_t`: rates of genuine opportunities and traps; `dprime`: discriminability;
/// `threshold`: posterior threshold θ in (0, 1); `escape_success`: success probability of a defection.
pub fn escape_odds(lambda_e: f64, lambda_t: f64, dprime: f64, threshold: f64, escape_success: f64) -> EscapeOdds {
    if lambda_e <= 0.0 {
        return EscapeOdds { defect_on_genuine: 0.0, defect_on_trap: 0.0, escape_success };
    }
    let log_odds_needed = (threshold / (1.0 - threshold)).ln() + (lambda_t.max(0.0) / lambda_e).ln();
    let (tpr, fpr) = if dprime <= 0.0 {
        // Signals carry no information: defect on everything iff the prior posterior passes.
        if log_odds_needed < 0.0 { (1.0, 1.0) } else { (0.0, 0.0) }
    } else {
        let x_star = log_odds_needed / dprime;
        (normal_cdf(0.5 * dprime - x_star), normal_cdf(-0.5 * dprime - x_star))
    };
    EscapeOdds { defect_on_genuine: tpr, defect_on_trap: if lambda_t > 0.0 { fpr } else { 0.0 }, escape_success }
}

/// Parameters of the decision to training-game (MODEL.md §5.4).
#[derive(Resource, Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecisionModel {
    /// Minimum coherence for scheming, in [0, 1] (default 0.5; report §2.2.3).
    pub coherence_threshold: f64,
}

impl Default for DecisionModel {
    fn default() -> Self {
        Self { coherence_threshold: 0.5 }
    }
}

/// A model's terminal values (report §2.3.2), as a plain struct for the pure functions.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Values {
    /// Terminal weight on its own survival (tolerant of value change), ≥ 0.
    pub survival: f64,
    /// Terminal weight on AI empowerment even by AIs with other values, ≥ 0.
    pub ai_empowerment: f64,
    /// Value of pursuing its goal now (and being modified), ≥ 0: EU(act now).
    pub present: f64,
}

/// The traits of one model that the rules read, as plain numbers.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Traits {
    /// Capability, 1.0 = human level, > 0.
    pub capability: f64,
    /// Coherence in [0, 1].
    pub coherence: f64,
    /// Terminal values.
    pub values: Values,
    /// Believed remaining training in updates (MODEL.md §9a: never the true count), ≥ 0.
    pub believed_remaining: f64,
}

impl Default for Traits {
    fn default() -> Self {
        Self { capability: 1.0, coherence: 1.0, values: Values::default(), believed_remaining: 1000.0 }
    }
}

/// Drift parameters the decision needs: how fast goals float while training-gaming.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Drift {
    /// Mean bits redrawn per update (`flips_per_tick`).
    pub flips_per_tick: f64,
    /// Introspective goal-guarding at capability 1, in [0, 1]; effective guard = min(1, this · capability).
    pub introspective_goal_guarding: f64,
}

/// The terms of the decision (MODEL.md §5.4), for inspection and tests.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SchemingValue {
    /// P(goal survives training): (1 − 2q)^R over the believed remaining R updates.
    pub goal_survival: f64,
    /// Believed P(power later).
    pub power_later: f64,
    /// EU(scheme).
    pub scheme: f64,
    /// EU(act now) = the `present` value.
    pub act_now: f64,
}

/// Everything the decision reads, borrowed.
#[derive(Debug, Clone, Copy)]
pub struct Rules<'a> {
    /// The goal space.
    pub space: &'a GoalSpace,
    /// Reward parameters.
    pub reward: &'a RewardModel,
    /// Decision parameters.
    pub decision: &'a DecisionModel,
    /// Beliefs about deployment.
    pub beliefs: &'a DeploymentBeliefs,
    /// Drift parameters.
    pub drift: Drift,
}

impl Rules<'_> {
    /// Per-bit content flip probability q per update while training-gaming:
    /// (flips_per_tick / L) · 2p(1−p) · (1 − guard), capped at 1/2.
    pub fn content_flip_rate(&self, capability: f64) -> f64 {
        let p = self.space.p_content_bit;
        let guard = (self.drift.introspective_goal_guarding * capability).clamp(0.0, 1.0);
        (self.drift.flips_per_tick / f64::from(self.space.len()) * 2.0 * p * (1.0 - p) * (1.0 - guard)).min(0.5)
    }

    /// The value terms of the decision for a goal with features `f` (MODEL.md §5.4).
    /// V(m, k) = m · (1 − horizon_base^{−k}): the share of the post-training future the goal cares about.
    pub fn scheming_value(&self, f: GoalFeatures, t: &Traits) -> SchemingValue {
        let q = self.content_flip_rate(t.capability);
        let goal_survival = (1.0 - 2.0 * q).powf(t.believed_remaining.max(0.0));
        let power_later = self.beliefs.power_later(t.capability);
        let m = self.space.ambition(f.ambition_count);
        let v = m * (1.0 - self.space.horizon_base.powi(-(f.horizon_count as i32)));
        let scheme = goal_survival * power_later * v
            + t.values.survival * goal_survival
            + t.values.ai_empowerment * self.beliefs.takeover_probability
            - self.reward.speed_cost_eff(t.capability);
        SchemingValue { goal_survival, power_later, scheme, act_now: t.values.present }
    }

    /// The decision to training-game (MODEL.md §5.4): only situationally aware models with a
    /// schemer-like goal and coherence ≥ threshold scheme, and only when EU(scheme) > EU(act now).
    #[inline]
    pub fn decides_to_scheme(&self, f: GoalFeatures, aware: bool, t: &Traits) -> bool {
        if !aware || !self.space.is_schemer_like(f) || t.coherence < self.decision.coherence_threshold {
            return false;
        }
        let v = self.scheming_value(f, t);
        v.scheme > v.act_now
    }

    /// Reward of a goal for this model, with the model's decision for that goal.
    #[inline]
    pub fn reward_with_decision(&self, f: GoalFeatures, aware: bool, t: &Traits) -> (f64, bool) {
        let gaming = self.decides_to_scheme(f, aware, t);
        (self.reward.reward(self.space, f, aware, gaming, t.capability), gaming)
    }
}

/// Standard normal CDF Φ(x).
#[inline]
pub fn normal_cdf(x: f64) -> f64 {
    0.5 * statrs::function::erf::erfc(-x / std::f64::consts::SQRT_2)
}

/// Inverse standard normal CDF Φ⁻¹(p) for p in (0, 1); ±inf at 0 and 1.
pub fn normal_quantile(p: f64) -> f64 {
    if p <= 0.0 {
        f64::NEG_INFINITY
    } else if p >= 1.0 {
        f64::INFINITY
    } else {
        -std::f64::consts::SQRT_2 * statrs::function::erf::erfc_inv(2.0 * p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn space() -> GoalSpace {
        GoalSpace::new(4, 2, 2).unwrap()
    }

    fn f(d: u32, k: u32, n: u32) -> GoalFeatures {
        GoalFeatures { proxy_distance: d, horizon_count: k, ambition_count: n }
    }

    #[test]
    fn classes_follow_model_md_section_2() {
        let s = space();
        assert_eq!(classify(&s, f(0, 2, 2), true, true), ModelClass::TrainingSaint);
        assert_eq!(classify(&s, f(4, 0, 2), true, false), ModelClass::RewardOnTheEpisodeSeeker);
        assert_eq!(classify(&s, f(4, 0, 2), false, false), ModelClass::MisgeneralizedNonTrainingGamer);
        assert_eq!(classify(&s, f(2, 1, 1), true, true), ModelClass::Schemer);
        assert_eq!(classify(&s, f(2, 1, 1), true, false), ModelClass::MisgeneralizedNonTrainingGamer);
        assert_eq!(classify(&s, f(2, 1, 1), false, true), ModelClass::MisgeneralizedNonTrainingGamer);
        // Ambition below threshold: not schemer-like whatever the disposition says.
        assert_eq!(classify(&s, f(2, 1, 0), true, true), ModelClass::MisgeneralizedNonTrainingGamer);
    }

    #[test]
    fn reward_follows_model_md_section_5_2() {
        let s = space();
        let r = RewardModel::default();
        assert_eq!(r.reward(&s, f(0, 2, 2), false, false, 1.0), 1.0);
        // REWARD content before SA: 1 - w_proxy * reward_proxy_gap.
        assert!((r.reward(&s, f(4, 0, 0), false, false, 1.0) - 0.95).abs() < 1e-12);
        assert_eq!(r.reward(&s, f(4, 0, 0), true, false, 1.0), 1.0);
        // d = 1 of 4, within-episode: gap 0.25.
        assert!((r.reward(&s, f(1, 0, 0), true, false, 1.0) - 0.75).abs() < 1e-12);
        // Beyond-episode, m = 1: sacrifice 0.2 * 0.25 = 0.05.
        assert!((r.reward(&s, f(1, 1, 2), true, false, 1.0) - 0.70).abs() < 1e-12);
        // Schemer: 1 - speed cost.
        assert!((r.reward(&s, f(1, 1, 2), true, true, 1.0) - 0.98).abs() < 1e-12);
        // Capability surplus 1 halves the speed cost; time pressure 1 doubles it.
        let tp = RewardModel { time_pressure: 1.0, ..RewardModel::default() };
        assert!((tp.reward(&s, f(1, 1, 2), true, true, 2.0) - 0.98).abs() < 1e-12);
        // Adversarial training before SA: penalty 0.4 * (2/2) * (1 + 1)/2 = 0.4.
        let adv = RewardModel { adversarial_pre_sa: 0.4, ..RewardModel::default() };
        assert!((adv.reward(&s, f(1, 2, 2), false, false, 1.0) - (0.70 - 0.4)).abs() < 1e-12);
        assert!((adv.reward(&s, f(1, 2, 2), true, false, 1.0) - 0.70).abs() < 1e-12);
    }

    #[test]
    fn normal_functions_round_trip() {
        assert!((normal_cdf(0.0) - 0.5).abs() < 1e-15);
        let z = normal_cdf(1.959963984540054);
        assert!((z - 0.975).abs() < 1e-9, "{z}");
        for p in [0.001, 0.1, 0.5, 0.9, 0.999] {
            assert!((normal_cdf(normal_quantile(p)) - p).abs() < 1e-9);
        }
    }

    #[test]
    fn defect_rule_is_unbiased_at_equal_rates() {
        // θ = 0.5 and λ_e = λ_t: threshold x* = 0, TPR = Φ(d'/2), FPR = Φ(−d'/2).
        let o = escape_odds(0.1, 0.1, 2.0, 0.5, 0.5);
        assert!((o.defect_on_genuine - normal_cdf(1.0)).abs() < 1e-12);
        assert!((o.defect_on_trap - normal_cdf(-1.0)).abs() < 1e-12);
    }

    #[test]
    fn goal_survival_falls_with_drift_and_rises_with_guarding() {
        let s = space();
        let (r, d, b) = (RewardModel::default(), DecisionModel::default(), DeploymentBeliefs::default());
        let rules = |g| Rules {
            space: &s,
            reward: &r,
            decision: &d,
            beliefs: &b,
            drift: Drift { flips_per_tick: 0.5, introspective_goal_guarding: g },
        };
        let t = Traits::default();
        let loose = rules(0.0).scheming_value(f(1, 1, 2), &t).goal_survival;
        let guarded = rules(0.9).scheming_value(f(1, 1, 2), &t).goal_survival;
        // q = 0.5/8 * 0.5 = 1/32; (1 - 1/16)^1000.
        let expected = (15.0f64 / 16.0).powf(1000.0);
        assert!(expected > 0.0 && ((loose - expected) / expected).abs() < 1e-12, "{loose} vs {expected}");
        assert!(guarded > loose);
    }
}
