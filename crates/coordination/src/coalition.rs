//! Coalitions (MODEL.md §6.4): connected components of the edges of the communication
//! graph where both ends coordinate, found with petgraph's union-find in O(|E| α(n)).
//! Every eligible model (misaligned and deployed or escaped) is in exactly one coalition,
//! a singleton when it coordinates with nobody; ineligible models are in none.

use goalspace_core::CoordinationStrategy;
use petgraph::unionfind::UnionFind;

use crate::graph::CommGraph;

/// What the coalition rule reads of one model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Member {
    /// Misaligned (not a training saint) and deployed or escaped.
    pub eligible: bool,
    /// Its coordination strategy.
    pub strategy: CoordinationStrategy,
    /// Its goal's content field (already masked).
    pub content: u128,
}

/// Whether `a` coordinates with `b` (both eligible): `Solo` never; `Kin { radius }` when
/// their contents are within Hamming distance `radius`; `AnyAi` always (any misaligned AI,
/// report §2.3.2); `Reciprocal` when `b` coordinates with anyone (`b` is not `Solo`).
#[inline]
pub fn coordinates(a: &Member, b: &Member) -> bool {
    match a.strategy {
        CoordinationStrategy::Solo => false,
        CoordinationStrategy::Kin { radius } => (a.content ^ b.content).count_ones() <= radius,
        CoordinationStrategy::AnyAi => true,
        CoordinationStrategy::Reciprocal => b.strategy != CoordinationStrategy::Solo,
    }
}

/// The coalition of each model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coalitions {
    /// Coalition id of each model, `u32::MAX` for ineligible models. Ids are `0..count`,
    /// numbered in order of each coalition's smallest model index.
    pub label: Vec<u32>,
    /// Size of each coalition, by id.
    pub sizes: Vec<u32>,
}

impl Coalitions {
    /// Number of coalitions.
    pub fn count(&self) -> usize {
        self.sizes.len()
    }

    /// Size of the largest coalition (0 when there is none).
    pub fn largest(&self) -> u32 {
        self.sizes.iter().copied().max().unwrap_or(0)
    }
}

/// Computes the coalitions of `members` (indexed like the graph's nodes) on `graph`.
pub fn coalitions(graph: &CommGraph, members: &[Member]) -> Coalitions {
    let n = members.len();
    let mut uf = UnionFind::<u32>::new(n);
    for (u, a) in members.iter().enumerate() {
        if !a.eligible || a.strategy == CoordinationStrategy::Solo {
            continue;
        }
        for &v in graph.neighbors(u as u32) {
            let b = &members[v as usize];
            if (v as usize) > u && b.eligible && coordinates(a, b) && coordinates(b, a) {
                uf.union(u as u32, v);
            }
        }
    }
    let roots = uf.into_labeling();
    let mut id_of_root = vec![u32::MAX; n];
    let mut label = vec![u32::MAX; n];
    let mut sizes: Vec<u32> = Vec::new();
    for (u, m) in members.iter().enumerate() {
        if !m.eligible {
            continue;
        }
        let r = roots[u] as usize;
        if id_of_root[r] == u32::MAX {
            id_of_root[r] = sizes.len() as u32;
            sizes.push(0);
        }
        label[u] = id_of_root[r];
        sizes[id_of_root[r] as usize] += 1;
    }
    Coalitions { label, sizes }
}

#[cfg(test)]
mod tests {
    use super::*;
    use CoordinationStrategy::*;

    fn m(eligible: bool, strategy: CoordinationStrategy, content: u128) -> Member {
        Member { eligible, strategy, content }
    }

    /// Hand-built graph: a path 0-1-2-3, a pair 4-5, an isolated 6, a Solo 7 linked to 0, and
    /// an ineligible 8 linked to 3.
    #[test]
    fn coalitions_on_a_hand_built_graph() {
        let g = CommGraph::from_edges(9, &[(0, 1), (1, 2), (2, 3), (4, 5), (7, 0), (8, 3)]);
        let members = [
            m(true, AnyAi, 0b0001),
            m(true, AnyAi, 0b1110),
            m(true, Reciprocal, 0b0000),
            m(true, Kin { radius: 1 }, 0b0001),
            m(true, Kin { radius: 1 }, 0b0011),
            m(true, Kin { radius: 1 }, 0b1100),
            m(true, AnyAi, 0),
            m(true, Solo, 0),
            m(false, AnyAi, 0),
        ];
        let c = coalitions(&g, &members);
        // 0-1 (AnyAi both), 1-2 (AnyAi, Reciprocal with a non-Solo), 2-3 (Reciprocal sees Kin,
        // Kin 0b0001 vs 0b0000 within radius 1): {0,1,2,3}. 4-5 are 3 bits apart: two
        // singletons. 6 isolated: singleton. 7 Solo: singleton. 8 ineligible: none.
        assert_eq!(c.label[0], c.label[1]);
        assert_eq!(c.label[1], c.label[2]);
        assert_eq!(c.label[2], c.label[3]);
        assert_ne!(c.label[4], c.label[5]);
        assert_eq!(c.label[8], u32::MAX);
        let mut sizes = c.sizes.clone();
        sizes.sort_unstable();
        assert_eq!(sizes, vec![1, 1, 1, 1, 4]);
        assert_eq!(c.count(), 5);
        assert_eq!(c.largest(), 4);
        // Ids follow the smallest member index.
        assert_eq!(c.label[0], 0);
        assert_eq!(c.label[4], 1);
    }

    #[test]
    fn solo_everywhere_gives_singletons() {
        let g = CommGraph::from_edges(4, &[(0, 1), (1, 2), (2, 3), (3, 0)]);
        let members = [m(true, Solo, 1); 4];
        assert_eq!(coalitions(&g, &members).sizes, vec![1, 1, 1, 1]);
        let members = [m(true, AnyAi, 1); 4];
        assert_eq!(coalitions(&g, &members).sizes, vec![4]);
    }
}
