#!/usr/bin/env bash
# Runs one fuzz target for a number of seconds: scripts/fuzz.sh TARGET [SECONDS].
# New corpus entries land in fuzz/corpus/TARGET; crashes in fuzz/artifacts/TARGET.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
target=${1:?target: scenario_text, set_overrides or small_world}
seconds=${2:-1800}
command -v cargo-fuzz >/dev/null || cargo install --locked cargo-fuzz
if rustup toolchain list | grep -q nightly; then tc=+nightly; else tc=; export RUSTC_BOOTSTRAP=1; fi
cargo $tc fuzz run "$target" -- -max_total_time="$seconds" -rss_limit_mb=4096 -timeout=30
