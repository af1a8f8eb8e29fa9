#!/usr/bin/env bash
# Reproduces the Performance chapter: criterion benches at 1 and 2 threads, memory per
# agent and spawn time at 1e6 and 1e7 models, and end-to-end `goalspace run` timings with
# /usr/bin/time -v. Results go to target/bench-report/. Takes about 20 minutes on 2 cores.
# Run on an otherwise idle machine: the numbers are wall-clock.
set -euo pipefail
cd "$(dirname "$0")/.."
out=target/bench-report
mkdir -p "$out"
cargo build --release -p goalspace-cli -p goalspace-benches --bins
for threads in 1 2; do
  for bench in training deployment; do
    GOALSPACE_THREADS=$threads cargo bench -p goalspace-benches --bench $bench -- --noplot 2>&1 | tee "$out/$bench-$threads-threads.txt"
  done
done
cargo bench -p goalspace-benches --bench coalitions -- --noplot 2>&1 | tee "$out/coalitions.txt"
# Criterion's summary lines, one per benchmark, for the Performance chapter's table.
grep -hE "^(training|deployment|coalitions)|time:|thrpt:" "$out"/*.txt > "$out/summary.txt" || true
for n in 1000000 10000000; do
  ./target/release/memory "$n" | tee "$out/memory-$n.txt"
done
for f in scenarios/bench/population-1e6.toml scenarios/bench/population-1e7.toml; do
  name=$(basename "$f" .toml)
  /usr/bin/time -v ./target/release/goalspace run "$f" --quiet 2> "$out/$name.time.txt" | tee "$out/$name.txt"
  grep -E "Elapsed|Maximum resident" "$out/$name.time.txt"
done
