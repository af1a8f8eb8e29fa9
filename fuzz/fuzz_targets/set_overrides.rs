//! Fuzz target: see `goalspace_fuzzing::set_overrides`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| goalspace_fuzzing::set_overrides(data));
