#!/usr/bin/env bash
# Builds the benchmarks in Release, runs them, and writes the measured figures into docs/benchmarks.md (between the
# "BEGIN MEASURED" and "END MEASURED" markers) together with the machine they were measured on.
# Usage: scripts/benchmark.sh [seconds per latency run, default 4]. Takes about four minutes on 2 cores (the live-view run is the last minute).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/require-dotnet.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
seconds="${1:-4}"
out="artifacts/benchmarks"
mkdir -p "$out"

dotnet build tests/Benchmarks -c Release -warnaserror -nologo -v q
dotnet tests/Benchmarks/bin/Release/net10.0/SmartLoudspeaker.Benchmarks.dll "$out/results.md" "$seconds"

{
  echo "<!-- BEGIN MEASURED: written by scripts/benchmark.sh; do not edit by hand -->"
  echo
  echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') on: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p' | head -1)," \
       "$(free -g | awk '/^Mem:/ {print $2 " GiB RAM"}'), temporary folder on $(df -T "${TMPDIR:-/tmp}" | awk 'NR==2 {print $2 " (" $1 ")"}')," \
       "$(uname -sr), .NET $(dotnet --version)."
  echo
  cat "$out/results.md"
  echo "<!-- END MEASURED -->"
} > "$out/section.md"

python3 - "$out/section.md" docs/benchmarks.md <<'PY'
import re, sys
section = open(sys.argv[1]).read()
doc = open(sys.argv[2]).read()
pattern = re.compile(r"<!-- BEGIN MEASURED.*?<!-- END MEASURED -->\n?", re.S)
doc = pattern.sub(lambda _: section, doc) if pattern.search(doc) else doc.rstrip() + "\n\n" + section
open(sys.argv[2], "w").write(doc)
PY
echo "Wrote docs/benchmarks.md and $out/results.md"
