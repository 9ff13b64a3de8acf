#!/usr/bin/env bash
# Runs every test: unit, grain (in-process cluster), gateway (HTTP) and integration (real PostgreSQL, real silos).
# Starts the local PostgreSQL the integration tests need, then prints "N passed, N failed".
set -uo pipefail
source "$(dirname "$0")/lib/common.sh"
forget_shards

# A PostgreSQL this run starts is stopped again at the end, so that no server is left running (another clone's
# scripts/up.sh would meet a taken port); one that was already running is left as it was.
if postgres_is_running; then STARTED_POSTGRES=0; else STARTED_POSTGRES=1; fi
ensure_postgres_running
[ "$STARTED_POSTGRES" = 1 ] && trap stop_postgres EXIT
ensure_database vneid_test
# The guides' own database (tests/Orleans.VNeID.IntegrationTests/WalkthroughTests.cs): they run beside the other tests.
ensure_database vneid_test_walkthrough
# Three more databases for the storage-shard tests (spread over two, then re-sharded onto a third).
for shard in 1 2 3; do ensure_database "vneid_test_shard$shard"; done
export VNEID_TEST_SHARD_DATABASES="vneid_test_shard1 vneid_test_shard2 vneid_test_shard3"
ensure_chromium
ensure_manifest_tools
ensure_oidc_client_checks
ensure_credential_checks
ensure_openapi_checks
export VNEID_CHROMIUM="$CHROMIUM"
# Tests start silos and gateways of their own: the driver's default pool size (100), as before.
export VNEID_TEST_CONNECTION="$(PG_POOL_SIZE=100 platform_connection vneid_test)"
export VNEID_TEST_OWNER_CONNECTION="$(owner_connection vneid_test)"

results="$LOCAL_DIR/test-results"
rm -rf "$results"
# Screenshots of the browser tests go beside the results.
export VNEID_TEST_RESULTS="$results"
say "Building and running the tests"
# The two test projects and what they run (silos, gateways, nodes, the samples); the benchmarks are built by bench.sh.
# The integration tests' projects build while the unit tests run (those keep no time against the clock).
status=0
unit="$REPO_ROOT/tests/Orleans.VNeID.Tests/Orleans.VNeID.Tests.csproj"
integration="$REPO_ROOT/tests/Orleans.VNeID.IntegrationTests/Orleans.VNeID.IntegrationTests.csproj"
dotnet build "$unit" -c Release --nologo -v q || status=$?
if [ "$status" -eq 0 ]; then
  dotnet build "$integration" -c Release --nologo -v q > "$LOCAL_DIR/integration-build.log" 2>&1 &
  building=$!
  dotnet test "$unit" -c Release --no-build --nologo --logger "trx" --results-directory "$results" "$@" || status=$?
  if wait "$building"; then
    dotnet test "$integration" -c Release --no-build --nologo --logger "trx" --results-directory "$results" "$@" || status=$?
  else
    cat "$LOCAL_DIR/integration-build.log" >&2; status=1
  fi
fi

passed=0; failed=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
done
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; echo "dotnet test failed before reporting results (build error?)" >&2; fi
# Stopped here rather than on exit, so that the summary stays the last line.
if [ "$STARTED_POSTGRES" = 1 ]; then stop_postgres; trap - EXIT; fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$status" -eq 0 ]
