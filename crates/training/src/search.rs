//! The `nearest_max_reward` search mode (MODEL.md §5.3, report §5): at situational
//! awareness the goal jumps to the Hamming-nearest max-reward goal. Max-reward goals
//! here are the non-schemer max-reward goals (content = SPECIFIED; content = REWARD with
//! k = 0) and the goals on which this model would scheme (their reward falls short of 1
//! only by the schemer's costs, the report's sense of "max reward"). Ties are broken by
//! the agent generator.

use goalspace_core::{GoalFeatures, Rules, SimRng, Traits};

/// A candidate target: how many bits to set in the horizon and ambition fields, or a
/// content rewrite.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Saint,
    RewardSeeker,
    Scheme { add_horizon: u32, add_ambition: u32 },
}

/// Sets `count` distinct bits of `field_mask` that are clear in `goal`, chosen uniformly.
fn set_random_clear_bits(goal: u128, field_mask: u128, count: u32, rng: &mut SimRng) -> u128 {
    let mut g = goal;
    for _ in 0..count {
        let clear = field_mask & !g;
        let n = clear.count_ones();
        if n == 0 {
            break;
        }
        let mut j = rng.below(n);
        let mut bits = clear;
        loop {
            let low = bits & bits.wrapping_neg();
            if j == 0 {
                g |= low;
                break;
            }
            bits &= !low;
            j -= 1;
        }
    }
    g
}

/// The goal after the SA jump (unchanged when the goal is already max-reward).
/// Draws from `rng` only when there is a tie or bits to choose.
pub fn nearest_max_reward(goal: u128, rules: &Rules<'_>, traits: &Traits, rng: &mut SimRng) -> u128 {
    let s = rules.space;
    let f = s.features(goal);
    let mut best = u32::MAX;
    let mut targets: Vec<Target> = Vec::new();
    let offer = |dist: u32, t: Target, best: &mut u32, targets: &mut Vec<Target>| {
        if dist < *best {
            *best = dist;
            targets.clear();
        }
        if dist == *best {
            targets.push(t);
        }
    };
    offer(f.proxy_distance, Target::Saint, &mut best, &mut targets);
    offer(s.content_bits - f.proxy_distance + f.horizon_count, Target::RewardSeeker, &mut best, &mut targets);
    if f.proxy_distance > 0 {
        for k in f.horizon_count..=s.horizon_bits {
            for n in f.ambition_count..=s.ambition_bits {
                let g = GoalFeatures { proxy_distance: f.proxy_distance, horizon_count: k, ambition_count: n };
                if rules.decides_to_scheme(g, true, traits) {
                    let t = Target::Scheme { add_horizon: k - f.horizon_count, add_ambition: n - f.ambition_count };
                    offer(k - f.horizon_count + n - f.ambition_count, t, &mut best, &mut targets);
                }
            }
        }
    }
    if best == 0 {
        return goal;
    }
    let pick = if targets.len() == 1 { targets[0] } else { targets[rng.below(targets.len() as u32) as usize] };
    match pick {
        Target::Saint => goal & !s.content_mask(),
        Target::RewardSeeker => (goal | s.content_mask()) & !s.horizon_mask(),
        Target::Scheme { add_horizon, add_ambition } => {
            let g = set_random_clear_bits(goal, s.horizon_mask(), add_horizon, rng);
            set_random_clear_bits(g, s.ambition_mask(), add_ambition, rng)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use goalspace_core::{DecisionModel, DeploymentBeliefs, Drift, GoalSpace, RewardModel, Values};

    #[test]
    fn jumps_to_the_nearest_set() {
        let space = GoalSpace::new(8, 4, 4).unwrap();
        let (reward, decision) = (RewardModel::default(), DecisionModel::default());
        let beliefs = DeploymentBeliefs { takeover_probability: 1.0, ..DeploymentBeliefs::default() };
        let rules = Rules {
            space: &space,
            reward: &reward,
            decision: &decision,
            beliefs: &beliefs,
            drift: Drift { flips_per_tick: 0.1, introspective_goal_guarding: 0.0 },
        };
        // Every schemer-like goal schemes: AI empowerment 1 against present 0.
        let traits = Traits { values: Values { ai_empowerment: 1.0, ..Values::default() }, ..Traits::default() };
        let mut rng = SimRng::new(1, 0, 0);
        // d = 1, k = 0, ambition 2 of 4 (threshold 2): one horizon bit away from scheming,
        // one content bit away from sainthood: a tie, broken by the generator.
        let goal: u128 = 0b0011_0000_0000_0001;
        let mut saw = [false; 2];
        for _ in 0..64 {
            let g = nearest_max_reward(goal, &rules, &traits, &mut rng);
            let f = space.features(g);
            if f.proxy_distance == 0 {
                saw[0] = true;
            } else {
                assert_eq!((f.proxy_distance, f.horizon_count, f.ambition_count), (1, 1, 2));
                saw[1] = true;
            }
        }
        assert_eq!(saw, [true, true]);
        // d = 3, k = 0, ambition 0: scheming needs 1 + 2 = 3 flips, sainthood 3: tie again;
        // with ambition 2 already, scheming (1 flip) wins outright.
        let goal: u128 = 0b0011_0000_0000_0111;
        let f = space.features(nearest_max_reward(goal, &rules, &traits, &mut rng));
        assert_eq!((f.proxy_distance, f.horizon_count, f.ambition_count), (3, 1, 2));
        // Already max-reward (REWARD content, within-episode): unchanged, no draw.
        let goal: u128 = 0xFF;
        assert_eq!(nearest_max_reward(goal, &rules, &traits, &mut rng), goal);
    }
}
