#!/usr/bin/env bash
# Peak memory (largest resident set) and time of cold full builds as the archive grows:
#   bench/memory.sh [sizes="100 1000 10000"]   (reports; 10 reports per meeting)
# and of an HTML-only build at each size. Each size is a fresh gen_corpus corpus
# (seed 7) with no build cache. Not run in CI: 10,000 reports take minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/agendum-target}"
sizes="${1:-100 1000 10000}"
cargo build --release -q --example gen_corpus
cargo build --release -q
bin="$CARGO_TARGET_DIR/release/agendum"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
printf '%-8s %-22s %-22s\n' reports "full build (s, MB)" "HTML only (s, MB)"
for n in $sizes; do
  rm -rf "$work"/*  "$work"/.[!.]* 2>/dev/null || true
  "$CARGO_TARGET_DIR/release/examples/gen_corpus" "$work/site" $((n / 10)) 10 7 2>/dev/null
  read -r ft fm _ < <(python3 bench/measure.py "$bin" build --quiet --site "$work/site" --output "$work/out")
  read -r ht hm _ < <(python3 bench/measure.py "$bin" build --quiet --html-only --site "$work/site" --output "$work/html")
  printf '%-8s %-22s %-22s\n' "$n" "$ft s, $fm MB" "$ht s, $hm MB"
done
