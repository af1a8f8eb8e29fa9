//! Fuzz target: see `goalspace_fuzzing::scenario_text`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| goalspace_fuzzing::scenario_text(data));
