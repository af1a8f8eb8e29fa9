//! [`RulesParam`]: the system parameter that borrows every resource the pure rules
//! read, so systems take one argument instead of five.

use bevy_ecs::prelude::*;
use bevy_ecs::system::SystemParam;

use crate::goal::GoalSpace;
use crate::model::{DecisionModel, DeploymentBeliefs, RewardModel, Rules};
use crate::params::SelectionModel;

/// Borrows the rule resources ([`GoalSpace`], [`RewardModel`], [`DecisionModel`],
/// [`DeploymentBeliefs`], [`SelectionModel`]).
#[derive(SystemParam)]
pub struct RulesParam<'w> {
    /// The goal space.
    pub space: Res<'w, GoalSpace>,
    /// Reward parameters.
    pub reward: Res<'w, RewardModel>,
    /// Decision parameters.
    pub decision: Res<'w, DecisionModel>,
    /// Beliefs about deployment.
    pub beliefs: Res<'w, DeploymentBeliefs>,
    /// Selection parameters.
    pub selection: Res<'w, SelectionModel>,
}

impl RulesParam<'_> {
    /// The borrowed rules.
    pub fn rules(&self) -> Rules<'_> {
        Rules {
            space: &self.space,
            reward: &self.reward,
            decision: &self.decision,
            beliefs: &self.beliefs,
            drift: self.selection.drift(),
        }
    }
}
