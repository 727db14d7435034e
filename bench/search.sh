#!/usr/bin/env bash
# agendum's search index against Pagefind's, on the same generated archive:
#   bench/search.sh [meetings=100] [reports=10] [words="budget council"]
# Times and peak memory of making each index (agendum: the whole HTML build, the index
# included; Pagefind: indexing the built pages), their size on disk, and what a search
# downloads in Chromium showing 20 results with excerpts (bench/search.js). Installs
# Pagefind (PyPI's pagefind[bin], the same binary as npm's) if missing.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/agendum-target}"
meetings="${1:-100}"; reports="${2:-10}"; words="${3:-budget council}"
tools="${AGENDUM_CI_TOOLS:-$HOME/.cache/agendum-ci-tools}"
[ -x "$tools/pagefind/pagefind_bin/pagefind" ] || pip install --quiet --target "$tools/pagefind" 'pagefind[bin]'
[ -d "$tools/node_modules/playwright-core" ] || (mkdir -p "$tools" && cd "$tools" && npm install --silent --no-audit --no-fund playwright-core >/dev/null)
cargo build --release -q --example gen_corpus
cargo build --release -q
work="$(mktemp -d)"; trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
"$CARGO_TARGET_DIR/release/examples/gen_corpus" "$work/site" "$meetings" "$reports" 7 2>/dev/null
read -r at am _ < <(python3 bench/measure.py "$CARGO_TARGET_DIR/release/agendum" build --quiet --html-only --site "$work/site" --output "$work/ours")
cp -r "$work/ours" "$work/theirs" && rm -rf "$work/theirs/search"
read -r pt pm _ < <(python3 bench/measure.py "$tools/pagefind/pagefind_bin/pagefind" --site "$work/theirs" --output-subdir _pagefind --quiet)
echo "archive: $((meetings * reports)) reports, $(find "$work/ours" -name '*.html' | wc -l) pages"
echo "agendum:  whole HTML build with its index ${at} s, peak ${am} MB; index $(du -sh "$work/ours/search" | cut -f1)"
echo "Pagefind: indexing the same pages ${pt} s, peak ${pm} MB; index $(du -sh "$work/theirs/_pagefind" | cut -f1)"
python3 -m http.server 8765 --bind 127.0.0.1 --directory "$work" >/dev/null 2>&1 & server=$!
sleep 1
# shellcheck disable=SC2086
NODE_PATH="$tools/node_modules" node bench/search.js http://127.0.0.1:8765 ours theirs $words
