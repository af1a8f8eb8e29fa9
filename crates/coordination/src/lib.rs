#![doc = include_str!("../README.md")]

pub mod coalition;
pub mod graph;

pub use coalition::{Coalitions, Member, coalitions, coordinates};
pub use graph::{CommGraph, GraphError, GraphKind};
