//! Fuzz target: see `goalspace_fuzzing::small_world`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| goalspace_fuzzing::small_world(data));
