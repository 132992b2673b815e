#!/usr/bin/env bash
# Runs every fuzz target in turn, each for $SECONDS_EACH seconds (default 600),
# nice'd, one at a time. Logs go to fuzz/logs/<target>.log.
set -u
cd "$(dirname "$0")"
mkdir -p logs
each=${SECONDS_EACH:-600}
for t in ${TARGETS:-load_toml markdown_escape typst_write typst_compile}; do
  echo "== $t for ${each}s"
  RUSTC_BOOTSTRAP=1 nice -n 19 cargo fuzz run -O --sanitizer none "$t" -- \
    -max_total_time="$each" -timeout=20 -rss_limit_mb=4096 -print_final_stats=1 \
    > "logs/$t.log" 2>&1
  echo "   exit $? ($(grep -E '^stat::number_of_executed_units' "logs/$t.log" | tail -1))"
done
