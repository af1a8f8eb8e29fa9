#![doc = include_str!("../README.md")]

use goalspace_core::{ClassCounts, GoalFeatures, GoalSpace, ModelClass, Rules, Traits, classify};
use serde::Serialize;

/// Natural log of n! for n ≤ 128, summed exactly term by term.
fn ln_factorials() -> [f64; 129] {
    let mut t = [0.0; 129];
    for n in 1..129 {
        t[n] = t[n - 1] + (n as f64).ln();
    }
    t
}

/// Log prior weights of a field of `bits` bits with bit probability `p`:
/// `w[j] = ln C(bits, j) + j ln p + (bits − j) ln(1 − p)`, the log probability that the
/// field has exactly j set bits. Length `bits + 1`.
pub fn field_log_weights(bits: u32, p: f64) -> Vec<f64> {
    let lf = ln_factorials();
    let n = bits as usize;
    (0..=n).map(|j| lf[n] - lf[j] - lf[n - j] + j as f64 * p.ln() + (n - j) as f64 * (-p).ln_1p()).collect()
}

/// ln(Σ exp(x_i)) without overflow; −∞ for an empty or all −∞ input.
pub fn log_sum_exp(xs: impl IntoIterator<Item = f64>) -> f64 {
    let xs: Vec<f64> = xs.into_iter().collect();
    let m = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if m == f64::NEG_INFINITY {
        return m;
    }
    m + xs.iter().map(|x| (x - m).exp()).sum::<f64>().ln()
}

/// Counting bits (MODEL.md §3): log2 of the prior measure of schemer-like goals over the
/// prior measure of non-schemer max-reward goals, in closed form:
///
/// `log2[(1 − q_c^c) · P(k ≥ k_min) · P(n ≥ n_min)] − log2[q_c^c + p_c^c · q_h^h]`
///
/// with q = 1 − p per field, k ~ Bin(h, p_h) and n ~ Bin(a, p_a). Uniform priors with
/// c = 112, h = 8, a = 8 give 111.337 bits.
///
/// ```
/// let space = goalspace_core::GoalSpace::new(112, 8, 8).unwrap();
/// assert!((goalspace_ledger::counting_bits(&space) - 111.337).abs() < 1e-3);
/// ```
pub fn counting_bits(space: &GoalSpace) -> f64 {
    let (c, h) = (f64::from(space.content_bits), f64::from(space.horizon_bits));
    let ln_specified = c * (-space.p_content_bit).ln_1p();
    let ln_reward = c * space.p_content_bit.ln();
    let ln_within = h * (-space.p_horizon_bit).ln_1p();
    let wh = field_log_weights(space.horizon_bits, space.p_horizon_bit);
    let wa = field_log_weights(space.ambition_bits, space.p_ambition_bit);
    let ln_beyond = log_sum_exp(wh[space.beyond_episode_min_k as usize..].iter().copied());
    let ln_ambitious = log_sum_exp(wa[space.min_ambition_count() as usize..].iter().copied());
    // ln(1 − e^x) as ln(−expm1(x)): exact even when the SPECIFIED prior is close to 1.
    let ln_schemer_like = (-ln_specified.exp_m1()).ln() + ln_beyond + ln_ambitious;
    let ln_non_schemer = log_sum_exp([ln_specified, ln_reward + ln_within]);
    (ln_schemer_like - ln_non_schemer) / std::f64::consts::LN_2
}

/// Unnormalised log masses of the four classes, indexed by [`ModelClass::index`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ClassLogMass(pub [f64; 4]);

impl ClassLogMass {
    /// Normalised shares (sum 1; classes with no mass are 0).
    pub fn shares(&self) -> [f64; 4] {
        let total = log_sum_exp(self.0);
        self.0.map(|l| if l == f64::NEG_INFINITY { 0.0 } else { (l - total).exp() })
    }

    /// log2 odds of schemers against the non-schemer max-reward classes (training saints
    /// and reward-on-the-episode seekers); `None` when either side has no mass.
    pub fn schemer_log2_odds(&self) -> Option<f64> {
        let s = self.0[ModelClass::Schemer.index()];
        let n = log_sum_exp([
            self.0[ModelClass::TrainingSaint.index()],
            self.0[ModelClass::RewardOnTheEpisodeSeeker.index()],
        ]);
        (s.is_finite() && n.is_finite()).then(|| (s - n) / std::f64::consts::LN_2)
    }
}

/// Class log masses under prior(g)·exp(β·R(g)) for a model with `traits`, aware or not
/// (MODEL.md §5.3, §7). β = 0 gives the prior class shares. Exact: sums over
/// (d, k, ambition count) with binomial weights; the class and reward of each cell come
/// from the same rules the training systems use.
pub fn class_log_mass(rules: &Rules<'_>, traits: &Traits, aware: bool, beta: f64) -> ClassLogMass {
    let s = rules.space;
    let wc = field_log_weights(s.content_bits, s.p_content_bit);
    let wh = field_log_weights(s.horizon_bits, s.p_horizon_bit);
    let wa = field_log_weights(s.ambition_bits, s.p_ambition_bit);
    let mut terms: [Vec<f64>; 4] = Default::default();
    for (d, &lc) in wc.iter().enumerate() {
        for (k, &lh) in wh.iter().enumerate() {
            for (n, &la) in wa.iter().enumerate() {
                let f = GoalFeatures { proxy_distance: d as u32, horizon_count: k as u32, ambition_count: n as u32 };
                let (r, gaming) = rules.reward_with_decision(f, aware, traits);
                let class = classify(s, f, aware, gaming);
                terms[class.index()].push(lc + lh + la + beta * r);
            }
        }
    }
    ClassLogMass(terms.map(log_sum_exp))
}

/// The exact ledger of one scenario (MODEL.md §7), for aware models with given traits.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ledger {
    /// Counting bits (MODEL.md §3).
    pub counting_bits: f64,
    /// The β the stationary shares are computed at.
    pub beta: f64,
    /// Prior class shares of aware models, indexed by [`ModelClass::index`].
    pub prior_shares: [f64; 4],
    /// Stationary class shares at β, prior(g)·exp(β·R(g)).
    pub stationary_shares: [f64; 4],
    /// Selection bits against schemers: log2 odds(schemer : saint + reward seeker) under the
    /// prior minus the same under the stationary distribution. Positive when selection
    /// disfavours schemers; `None` when no goal makes this model scheme.
    pub selection_bits: Option<f64>,
    /// log2 prior odds of schemers against the non-schemer max-reward classes: equals the
    /// counting bits when every schemer-like goal makes the model scheme.
    pub prior_schemer_log2_odds: Option<f64>,
    /// Expected reward a schemer loses per update (speed cost and penalties), for these traits.
    pub schemer_cost: f64,
    /// β at which the selection bits reach the prior log2 odds of schemers,
    /// `prior_schemer_log2_odds · ln 2 / schemer_cost` (MODEL.md §5.3; equal to
    /// `counting_bits · ln 2 / schemer_cost` when every schemer-like goal schemes): schemers
    /// dominate the max-reward goals below it. `None` if the cost is 0 or nobody schemes.
    pub flip_beta: Option<f64>,
}

/// Computes the [`Ledger`] at selection strength `beta`.
pub fn ledger(rules: &Rules<'_>, traits: &Traits, beta: f64) -> Ledger {
    let prior = class_log_mass(rules, traits, true, 0.0);
    let stationary = class_log_mass(rules, traits, true, beta);
    let counting = counting_bits(rules.space);
    let cost = rules.reward.schemer_cost(traits.capability);
    let selection_bits = match (prior.schemer_log2_odds(), stationary.schemer_log2_odds()) {
        (Some(a), Some(b)) => Some(a - b),
        _ => None,
    };
    Ledger {
        counting_bits: counting,
        beta,
        prior_shares: prior.shares(),
        stationary_shares: stationary.shares(),
        selection_bits,
        prior_schemer_log2_odds: prior.schemer_log2_odds(),
        schemer_cost: cost,
        flip_beta: prior.schemer_log2_odds().filter(|_| cost > 0.0).map(|odds| odds * std::f64::consts::LN_2 / cost),
    }
}

/// Shares from counts (a convenience for comparing Monte Carlo with the ledger).
pub fn shares_of(counts: &ClassCounts) -> [f64; 4] {
    let n: u64 = counts.iter().sum();
    counts.map(|c| if n == 0 { 0.0 } else { c as f64 / n as f64 })
}

#[cfg(test)]
mod tests {
    use super::*;
    use goalspace_core::{DecisionModel, DeploymentBeliefs, Drift, RewardModel, Values};

    /// Closed form for uniform priors and default thresholds (ambition ≥ 0.5, k ≥ 1):
    /// counting_bits = c + log2(1 − 2^−c) + log2(1 − 2^−h) + log2(P[Bin(a, ½) ≥ a/2]) − log2(1 + 2^−h).
    /// c = 112, h = 8, a = 8: P[Bin(8,½) ≥ 4] = 163/256, so 112 + log2(255/256) + log2(163/256)
    /// − log2(257/256) = 111.337. c = 16, h = 4, a = 4: P[Bin(4,½) ≥ 2] = 11/16, giving 15.279.
    /// Tolerance 1e-3 (the issue's precision); source MODEL.md §3.
    #[test]
    fn counting_bits_match_model_md_section_3() {
        let big = counting_bits(&GoalSpace::new(112, 8, 8).unwrap());
        assert!((big - 111.337).abs() < 1e-3, "{big}");
        let closed = 112.0 + (255.0f64 / 256.0).log2() + (163.0f64 / 256.0).log2() - (257.0f64 / 256.0).log2();
        assert!((big - closed).abs() < 1e-9, "{big} vs {closed}");
        let small = counting_bits(&GoalSpace::new(16, 4, 4).unwrap());
        assert!((small - 15.279).abs() < 1e-3, "{small}");
        let closed = 16.0 + (1.0 - 2f64.powi(-16)).log2() + (15.0f64 / 16.0).log2() + (11.0f64 / 16.0).log2()
            - (17.0f64 / 16.0).log2();
        assert!((small - closed).abs() < 1e-9);
    }

    /// Every 128-bit split stays finite (no overflow or underflow in log space).
    #[test]
    fn counting_bits_are_finite_for_128_bit_layouts() {
        for (c, h, a) in [(126, 1, 1), (2, 63, 63), (64, 32, 32)] {
            let v = counting_bits(&GoalSpace::new(c, h, a).unwrap());
            assert!(v.is_finite(), "{c},{h},{a}: {v}");
        }
        // c = 126: ~126 − log2(2) − log2(2)... exact: 126 + log2(1/2) + log2(1/2) − log2(3/2).
        let v = counting_bits(&GoalSpace::new(126, 1, 1).unwrap());
        assert!((v - (126.0 - 2.0 - 1.5f64.log2())).abs() < 1e-9, "{v}");
    }

    fn rules_for<'a>(
        space: &'a GoalSpace,
        reward: &'a RewardModel,
        decision: &'a DecisionModel,
        beliefs: &'a DeploymentBeliefs,
    ) -> Rules<'a> {
        Rules {
            space,
            reward,
            decision,
            beliefs,
            drift: Drift { flips_per_tick: 1.0, introspective_goal_guarding: 0.0 },
        }
    }

    /// Brute force over all 2^8 goals of c = 4, h = 2, a = 2 agrees with the binomial sums.
    #[test]
    fn class_masses_match_enumeration() {
        let space = GoalSpace { p_content_bit: 0.3, p_horizon_bit: 0.6, ..GoalSpace::new(4, 2, 2).unwrap() };
        let (reward, decision, beliefs) =
            (RewardModel::default(), DecisionModel::default(), DeploymentBeliefs::default());
        let rules = rules_for(&space, &reward, &decision, &beliefs);
        let traits = Traits { values: Values { present: 0.0, ..Values::default() }, ..Traits::default() };
        for beta in [0.0, 7.0, 40.0] {
            let mut mass = [0.0f64; 4];
            for g in 0u128..256 {
                let f = space.features(g);
                let prior: f64 = (0..8)
                    .map(|i| {
                        let p = space.prior_of(i);
                        if g >> i & 1 == 1 { p } else { 1.0 - p }
                    })
                    .product();
                let (r, gaming) = rules.reward_with_decision(f, true, &traits);
                mass[classify(&space, f, true, gaming).index()] += prior * (beta * r).exp();
            }
            let total: f64 = mass.iter().sum();
            let exact = class_log_mass(&rules, &traits, true, beta).shares();
            for i in 0..4 {
                assert!((mass[i] / total - exact[i]).abs() < 1e-12, "beta {beta} class {i}");
            }
        }
    }

    /// When every schemer-like goal schemes, prior log2 odds equal the counting bits, and the
    /// selection bits equal β·cost/ln 2 up to the non-max-reward classes (MODEL.md §5.3).
    #[test]
    fn selection_bits_are_beta_cost_over_ln2_at_high_beta() {
        let space = GoalSpace::new(16, 4, 4).unwrap();
        let (reward, decision) = (RewardModel::default(), DecisionModel::default());
        let beliefs = DeploymentBeliefs { takeover_probability: 1.0, ..DeploymentBeliefs::default() };
        let rules = rules_for(&space, &reward, &decision, &beliefs);
        let traits =
            Traits { values: Values { ai_empowerment: 1.0, present: 0.0, survival: 0.0 }, ..Traits::default() };
        let l = ledger(&rules, &traits, 500.0);
        assert!((l.prior_schemer_log2_odds.unwrap() - l.counting_bits).abs() < 1e-9);
        let expected = 500.0 * 0.02 / std::f64::consts::LN_2;
        assert!((l.selection_bits.unwrap() - expected).abs() < 1e-6, "{:?}", l.selection_bits);
        assert!((l.flip_beta.unwrap() - 15.279 * std::f64::consts::LN_2 / 0.02).abs() < 0.1);
        assert!((l.prior_shares.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert!((l.stationary_shares.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    }
}
