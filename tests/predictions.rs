//! MODEL.md §9 predictions owned by training.
