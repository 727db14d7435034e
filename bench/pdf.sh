#!/usr/bin/env bash
# PDF speed: build a generated meeting whose agenda pack is about 100 pages (plus its
# item PDFs) several times and report the median time and the time per page.
#   bench/pdf.sh [reports] [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/agendum-target}"
reports="${1:-20}"; runs="${2:-5}"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
cargo build --release -q --example gen_corpus
cargo build --release -q
bin="$CARGO_TARGET_DIR/release/agendum"
"$CARGO_TARGET_DIR/release/examples/gen_corpus" "$work/site" 1 "$reports" 7 2>/dev/null
times=()
for i in $(seq "$runs"); do
  rm -rf "$work/.out.cache"   # time compiling, not the build cache
  start=$(date +%s.%N)
  "$bin" build --quiet --site "$work/site" --output "$work/out"
  end=$(date +%s.%N)
  times+=("$(echo "$end - $start" | bc -l)")
done
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}')
pages() { pdfinfo "$1" 2>/dev/null | awk '/^Pages:/ {print $2}'; }
pack=$(find "$work/out" -name agenda-pack.pdf)
pack_pages=$(pages "$pack")
all_pages=0
for f in $(find "$work/out" -name '*.pdf'); do all_pages=$((all_pages + $(pages "$f"))); done
html_start=$(date +%s.%N); "$bin" build --quiet --html-only --site "$work/site" --output "$work/out-html"; html_end=$(date +%s.%N)
html=$(echo "$html_end - $html_start" | bc -l)
pdf_time=$(echo "$median - $html" | bc -l)
printf 'reports: %s, pack pages: %s, all PDF pages (items + pack): %s\n' "$reports" "$pack_pages" "$all_pages"
printf 'full build, median of %s: %.3f s (HTML only: %.3f s)\n' "$runs" "$median" "$html"
printf 'PDF time per page: %.2f ms\n' "$(echo "$pdf_time * 1000 / $all_pages" | bc -l)"
printf 'machine: %s, %s cores\n' "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)" "$(nproc)"
