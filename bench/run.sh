#!/usr/bin/env bash
# Benchmark: build every document of every state (HTML and PDF) into a
# temporary folder and report PDFs per second, wall time, peak memory (and
# how it grows from half the states' documents to all of them), the time of
# a rebuild with nothing new, and, when WeasyPrint is installed, how long
# WeasyPrint takes per PDF converting the tool's own HTML.
#
#   bench/run.sh            # 5 full builds, the best and median reported
#   RUNS=10 bench/run.sh
#
# Needs /usr/bin/time (GNU time, for peak memory). WeasyPrint is optional:
#   apt-get install -y libpango-1.0-0 libpangoft2-1.0-0 && pip install weasyprint
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-5}
cargo build --release --quiet
bin=$PWD/target/release/consentgen
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export SOURCE_DATE_EPOCH=1767225600

# One timed run: prints "seconds peak_kb" and keeps the build's own summary
# (a build that exits 1, holding back documents, is still timed).
timed() {
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" 2>"$work/stderr" >/dev/null || true
  tail -1 "$work/time"
}
# The build's summary line.
summary() { grep '^built ' "$work/stderr" | sed "s/^built .* into [^:]*: //"; }

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "consentgen: $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(rustc --version)"

walls=(); rss=()
for i in $(seq "$runs"); do
  read -r wall kb < <(timed "$bin" build --states all --out "$work/out$i")
  walls+=("$wall"); rss+=("$kb")
done
pdfs=$(find "$work/out1" -name '*.pdf' | wc -l)
files=$(find "$work/out1" -type f | wc -l)
sorted=$(printf '%s\n' "${walls[@]}" | sort -n)
best=$(echo "$sorted" | head -1)
median=$(echo "$sorted" | sed -n "$(( (runs + 1) / 2 ))p")
peak=$(printf '%s\n' "${rss[@]}" | sort -n | tail -1)
echo "full build (--states all, html+pdf): $pdfs PDFs, $files files"
echo "  wall time: best ${best} s, median ${median} s over $runs runs"
echo "  PDFs per second: $(echo "$pdfs / $median" | bc -l | xargs printf '%.0f') (median)"
echo "  peak RSS: $(( peak / 1024 )) MB (largest of $runs runs)"
all_docs=$(grep -o 'built [0-9]* documents' "$work/stderr" | grep -o '[0-9]*')

# Peak memory against the number of documents: the first half of the
# states, then (above) all of them: about twice the documents.
states=$(ls jurisdictions | sed -n 's/^\([A-Z][A-Z]\)\.toml$/\1/p')
half=$(echo "$states" | head -n $(( $(echo "$states" | wc -l) / 2 )) | paste -sd, -)
hrss=()
for i in $(seq "$runs"); do
  read -r _ kb < <(timed "$bin" build --states "$half" --out "$work/half$i")
  hrss+=("$kb")
done
half_docs=$(grep -o 'built [0-9]* documents' "$work/stderr" | grep -o '[0-9]*')
median_of() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }
hmed=$(median_of "${hrss[@]}"); amed=$(median_of "${rss[@]}")
echo "  peak RSS against documents (medians of $runs runs): $half_docs documents $(( hmed / 1024 )) MB, $all_docs documents $(( amed / 1024 )) MB: $(echo "($amed / $hmed - 1) * 100" | bc -l | xargs printf '%+.0f')%"

noop=()
for i in $(seq "$runs"); do
  read -r wall _ < <(timed "$bin" build --states all --out "$work/out1")
  noop+=("$wall")
done
noop_median=$(printf '%s\n' "${noop[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")
echo "no-op rebuild: median ${noop_median} s ($(summary))"
echo "  ratio to a full build: $(echo "$noop_median / $median" | bc -l | xargs printf '%.3f')"

# A rebuild after one rule file changed: only the outputs that change are written.
cp -r jurisdictions "$work/rules"
# (a citation; the Spanish documents that print it are held back until
# jurisdictions/es.po translates it, and the build exits 1)
sed -i '0,/^citation = /s/^citation = "\(.*\)"/citation = "\1 (edited)"/' "$work/rules/CA.toml"
read -r wall _ < <(timed "$bin" build --states all --jurisdictions "$work/rules" --out "$work/out1")
echo "rebuild after editing one rule file: ${wall} s ($(summary))"

ours=$(echo "$median / $pdfs" | bc -l)
echo "  per PDF: $(echo "$ours * 1000" | bc -l | xargs printf '%.2f') ms (median wall time / PDFs, HTML included)"

if python3 -c 'import weasyprint' 2>/dev/null; then
  sample=${WEASY_SAMPLE:-20}
  find "$work/out1" -path '*/en/*.html' | sort | head -n "$sample" > "$work/html-list"
  # (a) WeasyPrint at its best: the library imported and warmed in one
  # worker process per core before the clock starts.
  read -r n wwall wver < <(python3 - "$work/html-list" "$work/weasy" <<'PY'
import multiprocessing, os, sys, time

def init():
    import weasyprint  # noqa: F401

def convert(item):
    import weasyprint
    i, path = item
    weasyprint.HTML(filename=path).write_pdf(os.path.join(sys.argv[2], f"{i}.pdf"))

if __name__ == "__main__":
    import weasyprint
    paths = open(sys.argv[1]).read().split()
    os.makedirs(sys.argv[2], exist_ok=True)
    with multiprocessing.Pool(os.cpu_count(), initializer=init) as pool:
        pool.map(convert, [(-1 - i, paths[0]) for i in range(os.cpu_count())])
        start = time.perf_counter()
        pool.map(convert, list(enumerate(paths)), chunksize=1)
        wall = time.perf_counter() - start
    print(len(paths), f"{wall:.3f}", weasyprint.__version__)
PY
)
  lib=$(echo "$wwall / $n" | bc -l)
  # (b) WeasyPrint as a person runs it: its command line, once per file, as
  # many at a time as there are cores.
  start=$(date +%s.%N)
  xargs -P "$(nproc)" -I{} sh -c 'python3 -m weasyprint "$1" "$1.pdf" 2>/dev/null' _ {} < "$work/html-list"
  cli=$(echo "($(date +%s.%N) - $start) / $n" | bc -l)
  echo "WeasyPrint $wver on the tool's own HTML, $n documents, $(nproc) at a time:"
  echo "  library, warmed: $(echo "$lib * 1000" | bc -l | xargs printf '%.1f') ms per PDF: consentgen is $(echo "$lib / $ours" | bc -l | xargs printf '%.1f')x faster"
  echo "  command line, one run per file: $(echo "$cli * 1000" | bc -l | xargs printf '%.1f') ms per PDF: consentgen is $(echo "$cli / $ours" | bc -l | xargs printf '%.1f')x faster"
else
  echo "WeasyPrint: not installed, comparison skipped"
fi
