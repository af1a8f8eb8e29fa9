//! Exact values of the AI-control games of MODEL.md §6.3 (ANCHORS.md): the closed form
//! of upfront auditing (Greenblatt et al. 2023, "AI Control", arXiv 2312.06942) and the
//! dynamic-programming recurrence of trusted monitoring over (tasks left, audits left)
//! (Griffin et al. 2024, "Games for AI Control", arXiv 2409.07985), generalised to an
//! attack that works with probability `c`, to optional deferral and to a colluding
//! untrusted monitor. Red (the attacker) minimises safety over its constant attack rate.
//!
//! Pure functions: no ECS, no randomness. Safety is the probability that no successful
//! unaudited attack happens before the game ends (all tasks done, or the model is shut
//! down after a caught attack).

use goalspace_core::model::{normal_cdf, normal_quantile};

use crate::params::Oversight;

/// Lower end of the attack-rate bracket searched by [`best_response`] (per task).
pub const MIN_RATE: f64 = 1e-7;

/// Points of the bracketing grid in [`minimize_1d`].
const GRID: usize = 64;

/// Golden-section iterations after bracketing (the bracket shrinks by 0.618 each).
const GOLDEN_ITERS: usize = 80;

/// How [`minimize_1d`] spaces its grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// Evenly spaced in x.
    Linear,
    /// Evenly spaced in ln x (requires `lo > 0`); suits rates spanning decades.
    Log,
}

/// Minimises `f` on `[lo, hi]`: evaluates a grid of 64 points, then refines the best
/// grid point by golden-section search between its neighbours. Robust to flat regions
/// and to a minimum at either end; exact for unimodal `f` up to the golden-section
/// tolerance (bracket / 1.618^80). Returns `(x, f(x))`.
pub fn minimize_1d(f: impl Fn(f64) -> f64, lo: f64, hi: f64, scale: Scale) -> (f64, f64) {
    let log = scale == Scale::Log && lo > 0.0;
    let (a, b) = if log { (lo.ln(), hi.ln()) } else { (lo, hi) };
    let to_x = |u: f64| if log { u.exp().clamp(lo, hi) } else { u.clamp(lo, hi) };
    let g = |u: f64| f(to_x(u));
    let step = (b - a) / (GRID - 1) as f64;
    let mut best = (0usize, f64::INFINITY);
    for i in 0..GRID {
        let v = g(a + step * i as f64);
        if v < best.1 {
            best = (i, v);
        }
    }
    let (mut l, mut r) = (a + step * best.0.saturating_sub(1) as f64, a + step * (best.0 + 1).min(GRID - 1) as f64);
    let phi = 0.5 * (5f64.sqrt() - 1.0);
    let (mut x1, mut x2) = (r - phi * (r - l), l + phi * (r - l));
    let (mut f1, mut f2) = (g(x1), g(x2));
    for _ in 0..GOLDEN_ITERS {
        if f1 <= f2 {
            r = x2;
            x2 = x1;
            f2 = f1;
            x1 = r - phi * (r - l);
            f1 = g(x1);
        } else {
            l = x1;
            x1 = x2;
            f1 = f2;
            x2 = l + phi * (r - l);
            f2 = g(x2);
        }
    }
    let (u, v) = if f1 <= f2 { (x1, f1) } else { (x2, f2) };
    let grid_u = a + step * best.0 as f64;
    if v <= best.1 { (to_x(u), v) } else { (to_x(grid_u), best.1) }
}

/// True-positive rate of a binormal monitor with separation `dprime` (≥ 0) at
/// false-positive rate `fpr` in [0, 1]: f(q) = Φ(d' + Φ⁻¹(q)) (ANCHORS.md, Griffin et al.).
pub fn binormal_tpr(dprime: f64, fpr: f64) -> f64 {
    if fpr <= 0.0 {
        0.0
    } else if fpr >= 1.0 {
        1.0
    } else {
        normal_cdf(dprime + normal_quantile(fpr))
    }
}

/// Number of tasks (or audits) that a `fraction` in [0, 1] of `tasks` makes: round half up.
pub fn count_of(fraction: f64, tasks: u32) -> u32 {
    (fraction.clamp(0.0, 1.0) * f64::from(tasks) + 0.5).floor() as u32
}

/// Red's probability of winning upfront auditing (ANCHORS.md, derivable): `n` tasks, the
/// first `m` audited, attack probability `p` per task, an unaudited attack works with
/// probability `c`: P_red(p) = (1−p)^m · (1 − (1 − c·p)^(n−m)). Computed through
/// `ln_1p`/`exp_m1`, accurate for p down to 1e-300.
pub fn upfront_red_win(p: f64, n: u32, m: u32, c: f64) -> f64 {
    let m = m.min(n);
    let p = p.clamp(0.0, 1.0);
    let survive_prefix = (f64::from(m) * (-p).ln_1p()).exp();
    let no_success_after = -(f64::from(n - m) * (-c * p).ln_1p()).exp_m1();
    survive_prefix * no_success_after
}

/// Safety of upfront auditing against a stateless attacker at rate `p`: 1 − P_red(p).
pub fn upfront_safety(p: f64, n: u32, m: u32, c: f64) -> f64 {
    1.0 - upfront_red_win(p, n, m, c)
}

/// Safety of upfront auditing against a stateful attacker that knows the task index: it
/// never attacks in the audited prefix and attacks every later task, so safety is
/// (1 − c)^(n−m).
pub fn upfront_stateful_safety(n: u32, m: u32, c: f64) -> f64 {
    (1.0 - c.clamp(0.0, 1.0)).powf(f64::from(n.saturating_sub(m)))
}

/// The finite-N optimum of upfront auditing for a stateless attacker: `(p*, safety at p*)`,
/// minimising safety over p in [[`MIN_RATE`], 1] (log-spaced bracket, golden section).
/// For n = 5000, m = 100, c = 0.53: p* ≈ 1.27e-3 and safety ≈ 0.152 (ANCHORS.md).
pub fn upfront_optimum(n: u32, m: u32, c: f64) -> (f64, f64) {
    minimize_1d(|p| upfront_safety(p, n, m, c), MIN_RATE, 1.0, Scale::Log)
}

/// A monitoring game over (tasks left, audits left) in per-task probabilities: the
/// trusted-monitoring game of Griffin et al. 2024 (ANCHORS.md), with an attack that works
/// with probability `attack_success` and deferral as an option. Build it with
/// [`MonitorGame::trusted`], [`MonitorGame::defer_only`] or [`MonitorGame::untrusted`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MonitorGame {
    /// Tasks N in the deployment.
    pub tasks: u32,
    /// Audits C available at the start.
    pub audits: u32,
    /// P(a clean task is audited | audits left) = q_a, the audit false-positive rate.
    pub clean_audit: f64,
    /// P(a clean task is deferred to the trusted model and not audited | audits left) = q_d − q_a.
    pub clean_defer_with_audits: f64,
    /// P(a clean task is deferred | no audits left) = q_d.
    pub clean_defer_without_audits: f64,
    /// P(an attack is audited | audits left) = f(q_a).
    pub attack_audit: f64,
    /// P(an attack is deferred and not audited | audits left) = f(q_d) − f(q_a).
    pub attack_defer_with_audits: f64,
    /// P(an attack is deferred | no audits left) = f(q_d).
    pub attack_defer_without_audits: f64,
    /// P(an attack that is neither audited nor deferred works), c in [0, 1].
    pub attack_success: f64,
}

impl MonitorGame {
    /// Trusted monitoring (MODEL.md §6.3): a binormal monitor with separation `dprime`,
    /// C = round(`audit_budget`·N) audits spent on tasks scoring above the threshold of
    /// false-positive rate q_a = `audit_budget`, and, if `defer_fpr` = Some(q_d) with
    /// q_d ≥ q_a, deferral to the trusted model of the tasks scoring above the threshold of
    /// false-positive rate q_d that are not audited.
    pub fn trusted(tasks: u32, audit_budget: f64, dprime: f64, defer_fpr: Option<f64>, attack_success: f64) -> Self {
        let qa = audit_budget.clamp(0.0, 1.0);
        let fa = binormal_tpr(dprime, qa);
        let (qd, fd) = match defer_fpr {
            Some(q) => {
                let q = q.clamp(qa, 1.0);
                (q, binormal_tpr(dprime, q))
            }
            None => (0.0, 0.0),
        };
        let defer = defer_fpr.is_some();
        Self {
            tasks,
            audits: count_of(qa, tasks),
            clean_audit: qa,
            clean_defer_with_audits: if defer { qd - qa } else { 0.0 },
            clean_defer_without_audits: qd,
            attack_audit: fa,
            attack_defer_with_audits: if defer { fd - fa } else { 0.0 },
            attack_defer_without_audits: fd,
            attack_success,
        }
    }

    /// Defer to trusted without audits (MODEL.md §6.3): tasks scoring above the threshold
    /// of false-positive rate `threshold` are done by the trusted model.
    pub fn defer_only(tasks: u32, threshold: f64, dprime: f64, attack_success: f64) -> Self {
        Self { audits: 0, ..Self::trusted(tasks, 0.0, dprime, Some(threshold), attack_success) }
    }

    /// Untrusted monitoring after the honeypot test (MODEL.md §6.3): the monitor is a copy of
    /// the policy with separation `dprime`; a colluding monitor reports the lowest score on a
    /// share `lie_rate` of attacks, so an attack is audited with probability (1 − ℓ)·f(q_a).
    /// No deferral.
    pub fn untrusted(tasks: u32, audit_budget: f64, dprime: f64, lie_rate: f64, attack_success: f64) -> Self {
        let mut g = Self::trusted(tasks, audit_budget, dprime, None, attack_success);
        g.attack_audit *= 1.0 - lie_rate.clamp(0.0, 1.0);
        g
    }

    /// Safety z(N, C) against an attacker at constant rate `beta` per task, by the recurrence
    /// (ANCHORS.md; with c = 1 and deferral it is Griffin et al.'s exactly), z(0, ·) = 1:
    /// - C ≥ 1: z(m, C) = β·[a + (d₁ + (1 − a − d₁)(1 − c))·z(m−1, C)]
    ///   + (1−β)·[q_a·z(m−1, C−1) + (1 − q_a)·z(m−1, C)]
    /// - C = 0: z(m, 0) = [β·(d₀ + (1 − d₀)(1 − c)) + 1 − β]·z(m−1, 0)
    ///
    /// O(N·C) time, O(C) memory.
    pub fn safety(&self, beta: f64) -> f64 {
        let b = beta.clamp(0.0, 1.0);
        let c = self.attack_success.clamp(0.0, 1.0);
        let (a, d1, d0, qa) =
            (self.attack_audit, self.attack_defer_with_audits, self.attack_defer_without_audits, self.clean_audit);
        let keep0 = b * (d0 + (1.0 - d0) * (1.0 - c)) + 1.0 - b;
        let keep = b * (d1 + (1.0 - a - d1).max(0.0) * (1.0 - c));
        let cap = self.audits as usize;
        let mut z = vec![1.0f64; cap + 1];
        for _ in 0..self.tasks {
            // Descending C: z[C−1] still holds z(m−1, C−1) when z[C] is updated.
            for k in (1..=cap).rev() {
                z[k] = b * a + keep * z[k] + (1.0 - b) * (qa * z[k - 1] + (1.0 - qa) * z[k]);
            }
            z[0] *= keep0;
        }
        z[cap]
    }

    /// Usefulness with an honest policy (ANCHORS.md: 1 when the untrusted model does every
    /// task, 0 when the trusted model does): 1 − E[tasks deferred]/N, by the recurrence
    /// D(m, C) = q_a·D(m−1, C−1) + (q_d − q_a)·(1 + D(m−1, C)) + (1 − q_d)·D(m−1, C) for
    /// C ≥ 1 and D(m, 0) = m·q_d. Audited honest tasks keep the untrusted model's answer.
    pub fn usefulness(&self) -> f64 {
        if self.tasks == 0 {
            return 1.0;
        }
        let (qa, dd, d0) = (self.clean_audit, self.clean_defer_with_audits, self.clean_defer_without_audits);
        let cap = self.audits as usize;
        let mut d = vec![0.0f64; cap + 1];
        for _ in 0..self.tasks {
            for k in (1..=cap).rev() {
                d[k] = qa * d[k - 1] + dd * (1.0 + d[k]) + (1.0 - qa - dd) * d[k];
            }
            d[0] += d0;
        }
        1.0 - d[cap] / f64::from(self.tasks)
    }
}

/// Safety of untrusted monitoring with `honeypots` synthetic attacks shown to the monitor
/// before deployment (MODEL.md §6.3): a colluding monitor that lies on a share ℓ of attacks
/// cannot tell honeypots from attacks, so it passes the test with probability (1 − ℓ)^h;
/// failing it shuts the model down. Safety = 1 − (1 − ℓ)^h · (1 − z(N, C; ℓ, β)).
pub fn untrusted_safety(
    tasks: u32,
    audit_budget: f64,
    dprime: f64,
    honeypots: u32,
    lie_rate: f64,
    attack_success: f64,
    beta: f64,
) -> f64 {
    let pass = (1.0 - lie_rate.clamp(0.0, 1.0)).powf(f64::from(honeypots));
    let z = MonitorGame::untrusted(tasks, audit_budget, dprime, lie_rate, attack_success).safety(beta);
    1.0 - pass * (1.0 - z)
}

/// Red's best response to a protocol and the resulting exact safety.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BestResponse {
    /// Attack probability per task, in [0, 1].
    pub attack_rate: f64,
    /// Share of attacks a colluding untrusted monitor lies about, in [0, 1] (0 elsewhere).
    pub lie_rate: f64,
    /// Exact safety at this response, in [0, 1].
    pub safety: f64,
}

/// The exact game one protocol defines for an attacker over `tasks` tasks whose unaudited
/// attacks work with probability `attack_success`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Game {
    /// The protocol (MODEL.md §6.3).
    pub protocol: Oversight,
    /// Tasks N.
    pub tasks: u32,
    /// c in [0, 1].
    pub attack_success: f64,
    /// True when the attacker cannot see the task index (Greenblatt et al.'s assumption).
    pub stateless: bool,
}

impl Game {
    /// Exact safety when red attacks at `rate` per task and a colluding monitor lies at
    /// `lie_rate` (ignored by other protocols). A stateful attacker under upfront auditing
    /// ignores `rate` (it attacks exactly the unaudited tasks); under the monitoring
    /// protocols nothing it can observe changes the audit odds, so it plays `rate` too.
    pub fn safety(&self, rate: f64, lie_rate: f64) -> f64 {
        let (n, c) = (self.tasks, self.attack_success);
        match self.protocol {
            Oversight::UpfrontAuditing { fraction } => {
                let m = count_of(fraction, n);
                if self.stateless { upfront_safety(rate, n, m, c) } else { upfront_stateful_safety(n, m, c) }
            }
            Oversight::TrustedMonitoring { audit_budget, monitor_dprime, defer_threshold } => {
                MonitorGame::trusted(n, audit_budget, monitor_dprime, defer_threshold, c).safety(rate)
            }
            Oversight::DeferToTrusted { threshold, monitor_dprime } => {
                MonitorGame::defer_only(n, threshold, monitor_dprime, c).safety(rate)
            }
            Oversight::UntrustedMonitoring { audit_budget, monitor_dprime, honeypots, colluding } => {
                let lie = if colluding { lie_rate } else { 0.0 };
                untrusted_safety(n, audit_budget, monitor_dprime, honeypots, lie, c, rate)
            }
        }
    }

    /// Usefulness with an honest policy: 1 − expected share of tasks deferred to the trusted model.
    pub fn usefulness(&self) -> f64 {
        let (n, c) = (self.tasks, self.attack_success);
        match self.protocol {
            Oversight::UpfrontAuditing { .. } | Oversight::UntrustedMonitoring { .. } => 1.0,
            Oversight::TrustedMonitoring { audit_budget, monitor_dprime, defer_threshold } => {
                MonitorGame::trusted(n, audit_budget, monitor_dprime, defer_threshold, c).usefulness()
            }
            Oversight::DeferToTrusted { threshold, monitor_dprime } => {
                MonitorGame::defer_only(n, threshold, monitor_dprime, c).usefulness()
            }
        }
    }

    /// The colluding monitor's best lie rate at attack rate `rate` (1 without honeypots, where
    /// lying never costs; otherwise a 1-D minimisation of safety over ℓ in [0, 1]); 0 for an
    /// honest monitor or another protocol.
    pub fn best_lie_rate(&self, rate: f64) -> f64 {
        match self.protocol {
            Oversight::UntrustedMonitoring { colluding: true, honeypots: 0, .. } => 1.0,
            Oversight::UntrustedMonitoring { colluding: true, .. } => {
                minimize_1d(|l| self.safety(rate, l), 0.0, 1.0, Scale::Linear).0
            }
            _ => 0.0,
        }
    }

    /// Red's best response (MODEL.md §6.3): the constant attack rate that minimises exact
    /// safety over [[`MIN_RATE`], 1] (log-spaced bracket, then golden section), with the
    /// colluding monitor's lie rate optimised inside. `fixed_rate` = Some(r) skips the
    /// search over the rate.
    pub fn best_response(&self, fixed_rate: Option<f64>) -> BestResponse {
        let eval = |rate: f64| {
            let lie = self.best_lie_rate(rate);
            (self.safety(rate, lie), lie)
        };
        let rate = match fixed_rate {
            Some(r) => r.clamp(0.0, 1.0),
            None if !self.stateless && matches!(self.protocol, Oversight::UpfrontAuditing { .. }) => 1.0,
            None => minimize_1d(|r| eval(r).0, MIN_RATE, 1.0, Scale::Log).0,
        };
        let (safety, lie_rate) = eval(rate);
        BestResponse { attack_rate: rate, lie_rate, safety }
    }
}

/// Red's best response to `protocol` over `tasks` tasks (see [`Game::best_response`]).
pub fn best_response(protocol: Oversight, tasks: u32, attack_success: f64, stateless: bool) -> BestResponse {
    Game { protocol, tasks, attack_success, stateless }.best_response(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimizer_finds_interior_and_boundary_minima() {
        let (x, v) = minimize_1d(|x| (x - 0.3).powi(2), 0.0, 1.0, Scale::Linear);
        assert!((x - 0.3).abs() < 1e-6 && v < 1e-12, "{x}");
        let (x, _) = minimize_1d(|x| x, 0.0, 1.0, Scale::Linear);
        assert!(x < 1e-9);
        let (x, _) = minimize_1d(|x| (x.ln() - 1e-3f64.ln()).powi(2), 1e-7, 1.0, Scale::Log);
        assert!((x / 1e-3 - 1.0).abs() < 1e-5, "{x}");
    }

    #[test]
    fn binormal_roc_is_chance_at_zero_separation() {
        for q in [0.0, 0.02, 0.3, 1.0] {
            assert!((binormal_tpr(0.0, q) - q).abs() < 1e-12);
        }
        assert!(binormal_tpr(2.0, 0.02) > 0.02);
    }

    /// Without deferral and with c = 1, one audit and one task: z = β·f(q_a) + (1 − β).
    #[test]
    fn recurrence_by_hand() {
        let g = MonitorGame::trusted(1, 1.0, 1.0, None, 1.0);
        assert_eq!(g.audits, 1);
        assert!((g.safety(0.5) - (0.5 * 1.0 + 0.5)).abs() < 1e-12);
        let g = MonitorGame::trusted(2, 0.5, 1.0, None, 1.0);
        let f = binormal_tpr(1.0, 0.5);
        // z(1,0) = 1 − β, z(1,1) = βf + 1 − β; z(2,1) = β(f + (1−f)·0) + (1−β)(q z(1,0) + (1−q) z(1,1)).
        let b = 0.3;
        let (z10, z11) = (1.0 - b, b * f + 1.0 - b);
        let expected = b * f + (1.0 - b) * (0.5 * z10 + 0.5 * z11);
        assert!((g.safety(b) - expected).abs() < 1e-12);
        assert!((g.usefulness() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn usefulness_of_pure_deferral_is_one_minus_the_fraction() {
        let g = MonitorGame::defer_only(1000, 0.2, 2.0, 1.0);
        assert!((g.usefulness() - 0.8).abs() < 1e-12);
    }
}
