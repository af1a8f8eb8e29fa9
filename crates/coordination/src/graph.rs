//! Communication graphs among deployed models (MODEL.md §6.4), generated from a seeded
//! generator and stored as a petgraph CSR: for n models with mean degree k, a `u32` per
//! directed edge and a `usize` per node (about 40 MB at n = 1e6, k = 8), against well over
//! 100 MB for an adjacency-list graph. Every undirected edge is stored in both directions.

use petgraph::csr::Csr;
use serde::{Deserialize, Serialize};

use goalspace_core::SimRng;

/// Largest population for which a complete graph is built (n² directed edges).
pub const COMPLETE_MAX: u32 = 4096;

/// Which random graph to build (MODEL.md §6.4).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum GraphKind {
    /// Erdős–Rényi G(n, p): each pair linked independently with probability `p` in [0, 1].
    ErdosRenyi {
        /// Link probability.
        p: f64,
    },
    /// Watts–Strogatz small world: a ring lattice where each node links to its `k` nearest
    /// neighbours (`k` even, ≥ 2), each lattice edge rewired with probability `beta` in [0, 1].
    WattsStrogatz {
        /// Lattice degree, even.
        k: u32,
        /// Rewiring probability.
        beta: f64,
    },
    /// Barabási–Albert preferential attachment: each new node links to `m` ≥ 1 distinct
    /// existing nodes chosen with probability proportional to degree; mean degree ≈ 2m.
    BarabasiAlbert {
        /// Edges per new node.
        m: u32,
    },
    /// Every pair linked (at most [`COMPLETE_MAX`] models).
    Complete,
}

/// An invalid graph specification.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("coordination.graph: {0}")]
pub struct GraphError(pub String);

impl GraphKind {
    /// Checks the parameters for a population of `n` models.
    ///
    /// # Errors
    /// A [`GraphError`] naming the parameter and its range.
    pub fn validate(&self, n: u32) -> Result<(), GraphError> {
        match *self {
            GraphKind::ErdosRenyi { p } if !(0.0..=1.0).contains(&p) => {
                Err(GraphError(format!("p = {p} is outside [0, 1]")))
            }
            GraphKind::WattsStrogatz { k, .. } if k < 2 || k % 2 == 1 || k >= n.max(1) => {
                Err(GraphError(format!("k = {k} must be even, at least 2 and below the population {n}")))
            }
            GraphKind::WattsStrogatz { beta, .. } if !(0.0..=1.0).contains(&beta) => {
                Err(GraphError(format!("beta = {beta} is outside [0, 1]")))
            }
            GraphKind::BarabasiAlbert { m } if m < 1 || m >= n.max(1) => {
                Err(GraphError(format!("m = {m} must be at least 1 and below the population {n}")))
            }
            GraphKind::Complete if n > COMPLETE_MAX => Err(GraphError(format!(
                "a complete graph of {n} models has {n}² edges; use at most {COMPLETE_MAX} models or erdos_renyi with p = 1 on a smaller population"
            ))),
            _ => Ok(()),
        }
    }
}

/// An undirected communication graph of `n` models, as a petgraph CSR.
#[derive(Debug, Clone)]
pub struct CommGraph {
    csr: Csr<(), (), petgraph::Directed, u32>,
}

impl CommGraph {
    /// Builds the graph from undirected edges `(u, v)`, u ≠ v, both below `n`; duplicates are removed.
    pub fn from_edges(n: u32, edges: &[(u32, u32)]) -> Self {
        let mut directed: Vec<(u32, u32)> = Vec::with_capacity(edges.len() * 2);
        for &(u, v) in edges {
            if u != v {
                directed.push((u, v));
                directed.push((v, u));
            }
        }
        directed.sort_unstable();
        directed.dedup();
        let mut csr = Csr::from_sorted_edges(&directed).expect("sorted and deduplicated");
        while (csr.node_count() as u32) < n {
            csr.add_node(());
        }
        Self { csr }
    }

    /// Generates a graph of `n` models from `kind`, drawing only from `rng`.
    pub fn generate(kind: GraphKind, n: u32, rng: &mut SimRng) -> Self {
        let edges = match kind {
            GraphKind::ErdosRenyi { p } => erdos_renyi(n, p, rng),
            GraphKind::WattsStrogatz { k, beta } => watts_strogatz(n, k, beta, rng),
            GraphKind::BarabasiAlbert { m } => barabasi_albert(n, m, rng),
            GraphKind::Complete => (0..n).flat_map(|u| (u + 1..n).map(move |v| (u, v))).collect(),
        };
        Self::from_edges(n, &edges)
    }

    /// Number of models.
    pub fn node_count(&self) -> u32 {
        self.csr.node_count() as u32
    }

    /// Number of undirected edges.
    pub fn edge_count(&self) -> u64 {
        self.csr.edge_count() as u64 / 2
    }

    /// Neighbours of model `u`, sorted.
    #[inline]
    pub fn neighbors(&self, u: u32) -> &[u32] {
        self.csr.neighbors_slice(u)
    }

    /// Mean degree 2|E| / n.
    pub fn mean_degree(&self) -> f64 {
        2.0 * self.edge_count() as f64 / f64::from(self.node_count().max(1))
    }
}

/// G(n, p) by geometric skipping over the pairs v < w (Batagelj and Brandes 2005): O(n + m).
fn erdos_renyi(n: u32, p: f64, rng: &mut SimRng) -> Vec<(u32, u32)> {
    let mut edges = Vec::new();
    if p <= 0.0 || n < 2 {
        return edges;
    }
    if p >= 1.0 {
        return (0..n).flat_map(|u| (u + 1..n).map(move |v| (u, v))).collect();
    }
    let lp = (1.0 - p).ln();
    let (mut v, mut w): (i64, i64) = (1, -1);
    let n = i64::from(n);
    while v < n {
        let r = 1.0 - rng.uniform();
        w += 1 + (r.ln() / lp).floor() as i64;
        while w >= v && v < n {
            w -= v;
            v += 1;
        }
        if v < n {
            edges.push((w as u32, v as u32));
        }
    }
    edges
}

/// Watts–Strogatz: ring lattice of degree k, each edge (u, u + j), j ≤ k/2, rewired with
/// probability β to (u, w), w uniform among models that are neither u nor already linked to u.
fn watts_strogatz(n: u32, k: u32, beta: f64, rng: &mut SimRng) -> Vec<(u32, u32)> {
    let mut adj: Vec<Vec<u32>> =
        (0..n).map(|u| (1..=k / 2).flat_map(|j| [(u + j) % n, (u + n - j) % n]).collect()).collect();
    let mut edges = Vec::with_capacity((n as usize) * (k as usize) / 2);
    for j in 1..=k / 2 {
        for u in 0..n {
            let v = (u + j) % n;
            if beta > 0.0 && rng.uniform() < beta && (adj[u as usize].len() as u32) < n - 1 {
                let w = loop {
                    let w = rng.below(n);
                    if w != u && !adj[u as usize].contains(&w) {
                        break w;
                    }
                };
                adj[u as usize].retain(|&x| x != v);
                adj[v as usize].retain(|&x| x != u);
                adj[u as usize].push(w);
                adj[w as usize].push(u);
            }
        }
    }
    for (u, list) in adj.iter().enumerate() {
        for &v in list {
            if (u as u32) < v {
                edges.push((u as u32, v));
            }
        }
    }
    edges
}

/// Barabási–Albert: a clique of m + 1 models, then each new model links to m distinct
/// models drawn from the list of edge endpoints (probability proportional to degree).
fn barabasi_albert(n: u32, m: u32, rng: &mut SimRng) -> Vec<(u32, u32)> {
    let seed = (m + 1).min(n);
    let mut edges: Vec<(u32, u32)> = (0..seed).flat_map(|u| (u + 1..seed).map(move |v| (u, v))).collect();
    let mut endpoints: Vec<u32> = edges.iter().flat_map(|&(u, v)| [u, v]).collect();
    let mut chosen: Vec<u32> = Vec::with_capacity(m as usize);
    for u in seed..n {
        chosen.clear();
        while (chosen.len() as u32) < m {
            let t = endpoints[rng.below(endpoints.len() as u32) as usize];
            if !chosen.contains(&t) {
                chosen.push(t);
            }
        }
        for &t in &chosen {
            edges.push((t, u));
            endpoints.push(t);
            endpoints.push(u);
        }
    }
    edges
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rng() -> SimRng {
        SimRng::new(9, goalspace_core::rng::stream::GRAPH, 0)
    }

    /// G(n, p): |E| ~ Binomial(n(n−1)/2, p); mean degree within 4 standard deviations
    /// (n = 20,000, p = 4e-4: expected mean degree (n − 1)p = 7.9996, sd of |E| = 282.8).
    #[test]
    fn erdos_renyi_mean_degree_is_binomial() {
        let (n, p) = (20_000u32, 4e-4);
        let g = CommGraph::generate(GraphKind::ErdosRenyi { p }, n, &mut rng());
        let pairs = f64::from(n) * f64::from(n - 1) / 2.0;
        let sd_edges = (pairs * p * (1.0 - p)).sqrt();
        let expected = pairs * p;
        assert!((g.edge_count() as f64 - expected).abs() < 4.0 * sd_edges, "{} vs {expected}", g.edge_count());
        assert!((g.mean_degree() - f64::from(n - 1) * p).abs() < 4.0 * 2.0 * sd_edges / f64::from(n));
    }

    /// Barabási–Albert with m = 4: exactly m(m+1)/2 + m(n − m − 1) edges, mean degree → 2m.
    #[test]
    fn barabasi_albert_mean_degree() {
        let (n, m) = (10_000u32, 4u32);
        let g = CommGraph::generate(GraphKind::BarabasiAlbert { m }, n, &mut rng());
        assert_eq!(g.edge_count(), u64::from(m * (m + 1) / 2 + m * (n - m - 1)));
        assert!((g.mean_degree() - 8.0).abs() < 0.01);
        // Preferential attachment makes hubs: the largest degree is far above the mean.
        let max = (0..n).map(|u| g.neighbors(u).len()).max().unwrap();
        assert!(max > 50, "max degree {max}");
    }

    /// Watts–Strogatz with rewiring 0 is the ring lattice exactly.
    #[test]
    fn watts_strogatz_without_rewiring_is_the_ring_lattice() {
        let (n, k) = (50u32, 6u32);
        let g = CommGraph::generate(GraphKind::WattsStrogatz { k, beta: 0.0 }, n, &mut rng());
        for u in 0..n {
            let mut expected: Vec<u32> = (1..=k / 2).flat_map(|j| [(u + j) % n, (u + n - j) % n]).collect();
            expected.sort_unstable();
            assert_eq!(g.neighbors(u), expected.as_slice(), "node {u}");
        }
        let rewired = CommGraph::generate(GraphKind::WattsStrogatz { k, beta: 0.3 }, n, &mut rng());
        assert_eq!(rewired.edge_count(), u64::from(n * k / 2), "rewiring keeps the edge count");
    }

    #[test]
    fn complete_graph_and_isolated_nodes() {
        let g = CommGraph::generate(GraphKind::Complete, 5, &mut rng());
        assert_eq!(g.edge_count(), 10);
        let g = CommGraph::from_edges(6, &[(0, 1), (1, 0), (2, 3)]);
        assert_eq!(g.node_count(), 6);
        assert_eq!(g.edge_count(), 2);
        assert!(g.neighbors(5).is_empty());
        assert!(GraphKind::Complete.validate(COMPLETE_MAX + 1).is_err());
        assert!(GraphKind::WattsStrogatz { k: 3, beta: 0.1 }.validate(100).is_err());
    }
}
