#![doc = include_str!("../README.md")]

pub mod coalition;
pub mod graph;
pub mod plugin;
mod run;

pub use coalition::{Coalitions, Member, coalitions, coordinates};
pub use graph::{CommGraph, GraphError, GraphKind};
pub use plugin::{
    CommunicationGraph, CoordinationModel, CoordinationPlugin, CoordinationSystems, CurrentCoalitions, Takeover,
};
pub use run::{build_full, run_full};
