#!/usr/bin/env bash
# Runs every test: unit, grain (in-process cluster), gateway (HTTP) and integration (real PostgreSQL, real silos).
# Starts the local PostgreSQL the integration tests need, then prints "N passed, N failed".
set -uo pipefail
source "$(dirname "$0")/lib/common.sh"

ensure_postgres_running
ensure_database vneid_test
export VNEID_TEST_CONNECTION="Host=127.0.0.1;Port=$PG_PORT;Database=vneid_test;Username=$PG_APP_USER;Password=$PG_APP_PASSWORD"

results="$LOCAL_DIR/test-results"
rm -rf "$results"
say "Building and running the tests"
dotnet test "$REPO_ROOT/Orleans.VNeID.sln" -c Release --nologo --logger "trx" --results-directory "$results" "$@"
status=$?

passed=0; failed=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
done
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; echo "dotnet test failed before reporting results (build error?)" >&2; fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$status" -eq 0 ]
