#!/usr/bin/env bash
# Runs every test suite: installs what the tests need, builds, runs, and prints one closing line
# "N passed, N failed" summed over all test assemblies.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/require-dotnet.sh
# mosquitto: the integration tests also run against a real Mosquitto broker they start themselves.
# chromium: the browser tests drive Debian's Chromium through Playwright (no browser download is possible).
scripts/require-debian-packages.sh mosquitto mosquitto-clients chromium libopus-dev

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
results="artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"

dotnet build SmartLoudspeaker.sln -c Release -warnaserror -nologo -v q

status=0
dotnet test SmartLoudspeaker.sln -c Release --no-build --nologo \
  --logger "trx" --results-directory "$results" \
  --blame-hang-timeout 5m "$@" 2>&1 | tee "$results/console.log" || status=$?

passed=0
failed=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  counters="$(grep -o '<Counters [^>]*>' "$trx" | head -1)"
  passed=$((passed + $(sed -E 's/.* passed="([0-9]+)".*/\1/' <<<"$counters")))
  failed=$((failed + $(sed -E 's/.* failed="([0-9]+)".*/\1/' <<<"$counters")))
done

echo
echo "Tests: ${passed} passed, ${failed} failed"
if [ "$passed" -eq 0 ] && [ "$status" -eq 0 ]; then
  echo "No test ran." >&2
  exit 1
fi
exit "$status"
