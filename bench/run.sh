#!/usr/bin/env bash
# agendum at archive scale, against the peers a council would otherwise use.
#   bench/run.sh [meetings=100] [reports=10] [runs=9] [peer-sample=20]
# (nine runs: on a shared machine one pair's CPU ratio varies by up to 8 per cent either way)
# Times, on one generated corpus (meetings x reports): a full build (HTML, item PDFs,
# packs) from cold; HTML only; a rebuild with nothing changed; a rebuild after editing
# one report; pandoc turning each report's Markdown into HTML; headless Chromium printing
# report pages to PDF. Medians of `runs`; peers on `peer-sample` reports, per report or
# per page; LibreOffice (headless) converting the same report pages to PDF; and, as the
# limit a full build could reach, Typst laying out every page once (examples/pdf_loop.rs:
# each item PDF and each pack's front sheet, a thread per core), run beside each full
# build so that both see the same machine; the CPU ratio is the median of those pairs. Installs pandoc, Chromium, LibreOffice Writer,
# poppler-utils and playwright-core if missing.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/agendum-target}"
meetings="${1:-100}"; reports="${2:-10}"; runs="${3:-9}"; sample="${4:-20}"

need=()
command -v pandoc >/dev/null || need+=(pandoc)
command -v chromium >/dev/null || need+=(chromium fonts-liberation)
command -v pdfinfo >/dev/null || need+=(poppler-utils)
command -v npm >/dev/null || need+=(npm)
command -v bc >/dev/null || need+=(bc)
command -v soffice >/dev/null || need+=(libreoffice-writer-nogui)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]}" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
tools="${AGENDUM_CI_TOOLS:-$HOME/.cache/agendum-ci-tools}"
if [ ! -d "$tools/node_modules/playwright-core" ]; then
  mkdir -p "$tools" && (cd "$tools" && npm install --silent --no-audit --no-fund playwright-core >/dev/null)
fi

# The compiler's temporary files are kept beside its output, not in the temporary folder
# the corpus is made in (see below).
mkdir -p "$CARGO_TARGET_DIR/tmp"
TMPDIR="$CARGO_TARGET_DIR/tmp" cargo build --release -q --example gen_corpus --example pdf_loop
TMPDIR="$CARGO_TARGET_DIR/tmp" cargo build --release -q
bin="$CARGO_TARGET_DIR/release/agendum"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
"$CARGO_TARGET_DIR/release/examples/gen_corpus" "$work/site" "$meetings" "$reports" 7 2>/dev/null
# A compile, or an earlier benchmark's clean-up, creates and deletes thousands of files.
# On ext4 without a journal (this machine's disk), each file created within a minute or so
# of many deletions makes the kernel step past every recently deleted inode of its group
# (`recently_deleted` in ext4's inode allocator): a cold build started straight after a
# compile paid 0.3 to 1.7 CPU s for it, and three minutes after the previous benchmark
# removed its outputs 0.8 CPU s; Typst alone, which writes no files, nothing. So the
# deletions are written back and the timings start a minute later.
sync; sleep 65
total_reports=$((meetings * reports))

measure() { python3 bench/measure.py "$@"; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
build() { "$bin" build --quiet --site "$work/site" "$@"; }

full=(); full_mem=(); full_cpu=(); html=(); nochange=(); edit=(); once=(); once_mem=(); once_cpu=(); ratio=()
for i in $(seq "$runs"); do
  # The previous run's output is moved aside, not deleted, until the end: on ext4
  # without a journal (this machine's disk) every file created soon after thousands were
  # deleted makes the kernel look past each recently deleted inode, which charged the
  # next cold build about 1.7 CPU s for the benchmark's own clean-up.
  for d in out .out.cache out-html .out-html.cache; do
    if [ -e "$work/$d" ]; then mkdir -p "$work/aside" && mv "$work/$d" "$work/aside/$d-$i"; fi
  done
  # Typst alone, each page laid out once: the limit, measured beside each full build.
  read -r t m c < <(measure "$CARGO_TARGET_DIR/release/examples/pdf_loop" "$work/site" threads | tail -1)
  once+=("$t"); once_mem+=("$m"); once_cpu+=("$c")
  read -r t m fc < <(measure "$bin" build --quiet --site "$work/site" --output "$work/out")
  full+=("$t"); full_mem+=("$m"); full_cpu+=("$fc"); ratio+=("$(echo "scale=3; $fc / $c" | bc -l)")
  read -r t _ < <(measure "$bin" build --quiet --html-only --site "$work/site" --output "$work/out-html")
  html+=("$t")
  read -r t _ < <(measure "$bin" build --quiet --site "$work/site" --output "$work/out")
  nochange+=("$t")
  report=$(find "$work/site/content/meetings" -name '*.md' | sort | sed -n "$((i * 7))p")
  printf '\nA sentence added for benchmark run %s.\n' "$i" >> "$report"
  read -r t _ < <(measure "$bin" build --quiet --site "$work/site" --output "$work/out")
  edit+=("$t")
done
m_full=$(printf '%s\n' "${full[@]}" | median)
m_mem=$(printf '%s\n' "${full_mem[@]}" | sort -n | tail -1)
m_html=$(printf '%s\n' "${html[@]}" | median)
m_nochange=$(printf '%s\n' "${nochange[@]}" | median)
m_edit=$(printf '%s\n' "${edit[@]}" | median)
m_once=$(printf '%s\n' "${once[@]}" | median)
m_once_mem=$(printf '%s\n' "${once_mem[@]}" | sort -n | tail -1)
m_once_cpu=$(printf '%s\n' "${once_cpu[@]}" | median)
m_full_cpu=$(printf '%s\n' "${full_cpu[@]}" | median)
m_ratio=$(printf '%s\n' "${ratio[@]}" | median)

pages() { pdfinfo "$1" 2>/dev/null | awk '/^Pages:/ {print $2}'; }
pdf_pages=0; pdf_files=0
while IFS= read -r f; do pdf_pages=$((pdf_pages + $(pages "$f"))); pdf_files=$((pdf_files + 1)); done < <(find "$work/out" -name '*.pdf' ! -name '*-appendix-*')

# Peers, on the first `sample` public report pages and their Markdown.
mapfile -t sample_html < <(find "$work/out" -name '[0-9][0-9]-*.html' | sort | head -n "$sample")
mapfile -t sample_md < <(find "$work/site/content/meetings" -name '[0-9][0-9]-*.md' | sort | head -n "$sample")
pandoc_start=$(date +%s.%N)
for f in "${sample_md[@]}"; do pandoc -s -f markdown -t html5 --metadata title=report "$f" -o "$work/pandoc.html"; done
pandoc_total=$(echo "$(date +%s.%N) - $pandoc_start" | bc -l)
mkdir -p "$work/print"
printed=()
for f in "${sample_html[@]}"; do
  rel="${f#$work/out/}"; mkdir -p "$work/print/$(dirname "$rel")"; cp "$f" "$work/print/$rel"; printed+=("$work/print/$rel")
done
cp -r "$work/out/static" "$work/print/static"
chromium_total=$(NODE_PATH="$tools/node_modules" node bench/print.js "${printed[@]}")
chromium_pages=0
for f in "${printed[@]}"; do chromium_pages=$((chromium_pages + $(pages "${f%.html}.chromium.pdf"))); done

# LibreOffice, headless, converting the same report pages (one process for the batch).
mkdir -p "$work/lo"
lo_start=$(date +%s.%N)
(cd "$work/print" && soffice --headless --convert-to pdf:writer_web_pdf_Export --outdir "$work/lo" "${printed[@]}" >/dev/null 2>&1)
lo_total=$(echo "$(date +%s.%N) - $lo_start" | bc -l)
lo_pages=0
for f in "$work"/lo/*.pdf; do lo_pages=$((lo_pages + $(pages "$f"))); done

per() { echo "scale=6; $1 / $2" | bc -l; }
agendum_page_ms=$(echo "scale=3; ($m_full - $m_html) * 1000 / $pdf_pages" | bc -l)
chromium_page_ms=$(echo "scale=3; $chromium_total * 1000 / $chromium_pages" | bc -l)
agendum_html_ms=$(echo "scale=3; $m_html * 1000 / $total_reports" | bc -l)
pandoc_ms=$(echo "scale=3; $pandoc_total * 1000 / ${#sample_md[@]}" | bc -l)

cat <<REPORT
corpus: $meetings meetings x $reports reports = $total_reports reports; $pdf_files PDFs, $pdf_pages PDF pages
machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GiB
median of $runs runs:
  full build (cold cache)       ${m_full} s   peak ${m_mem} MB   ${m_full_cpu} CPU s
  HTML only                     ${m_html} s
  rebuild, nothing changed      ${m_nochange} s
  rebuild, one report edited    ${m_edit} s
per unit:
  agendum PDF                   ${agendum_page_ms} ms/page   (full minus HTML-only, over all pages)
  Chromium print (kept open)    ${chromium_page_ms} ms/page   ($chromium_pages pages from ${#printed[@]} report pages)
  agendum HTML                  ${agendum_html_ms} ms/report (whole site: every page, feed and index)
  pandoc (Markdown to HTML)     ${pandoc_ms} ms/report ($(echo "${#sample_md[@]}") reports)
  LibreOffice (HTML to PDF)     $(echo "scale=3; $lo_total * 1000 / ${#printed[@]}" | bc -l) ms/report, $(echo "scale=3; $lo_total * 1000 / $lo_pages" | bc -l) ms/page ($lo_pages pages)
  agendum full build            $(echo "scale=3; $m_full * 1000 / $total_reports" | bc -l) ms/report (item PDF, its share of a pack, HTML)
  Typst alone, each page once   ${m_once} s, peak ${m_once_mem} MB, ${m_once_cpu} CPU s (item PDFs and front sheets)
  full build against it         $(echo "scale=2; $m_full / $m_once" | bc -l)x the wall time, ${m_ratio}x the CPU (median of runs; each: $(printf '%s ' "${ratio[@]}"))
ratios:
  PDF: agendum is $(echo "scale=1; $chromium_page_ms / $agendum_page_ms" | bc -l)x faster per page than Chromium printing
  HTML: agendum is $(echo "scale=1; $pandoc_ms / $agendum_html_ms" | bc -l)x faster per report than pandoc
  PDF: agendum is $(echo "scale=1; ($lo_total / ${#printed[@]}) * $total_reports / $m_full" | bc -l)x faster per report than LibreOffice
REPORT
