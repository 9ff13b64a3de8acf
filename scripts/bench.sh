#!/usr/bin/env bash
# Benchmarks the whole platform against this machine's own ceilings and writes docs/benchmarks.md and docs/benchmarks.png.
# Starts the platform as scripts/up.sh does, in a database of its own (vneid_bench, recreated each run), with rate limits
# raised for the run (the report says so). Leaves the platform stopped (and PostgreSQL, when the run started it);
# scripts/up.sh starts the normal one again.
set -euo pipefail
export VNEID_DATABASE=vneid_bench
# One database unless VNEID_SHARDS asks for storage shards (then fresh ones: vneid_bench_shard0, ...).
export VNEID_SHARDS="${VNEID_SHARDS:-1}"
source "$(dirname "$0")/lib/common.sh"
cd "$REPO_ROOT"
STARTED=$(date +%s)
# Each step says when it started, counted from the start of the run (the report states the whole run's time).
say() { printf '\033[1;34m==>\033[0m [%d:%02d] %s\n' $(( ($(date +%s) - STARTED) / 60 )) $(( ($(date +%s) - STARTED) % 60 )) "$*"; }
BENCH_DIR="$LOCAL_DIR/bench"
RESULTS="$BENCH_DIR/results.json"
SCALE_ACCOUNTS="${VNEID_BENCH_SCALE_ACCOUNTS:-40000}"
DURATION="${VNEID_BENCH_DURATION:-10s}"
mkdir -p "$BENCH_DIR" "$LOG_DIR"

missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v gnuplot >/dev/null || missing+=(gnuplot-nox)
if [ ${#missing[@]} -gt 0 ]; then
  say "Installing ${missing[*]} from Debian's packages"
  [ "$(id -u)" = 0 ] || die "Installing ${missing[*]} needs root (apt-get install ${missing[*]})."
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 \
    || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null; }
fi

say "Stopping the platform if it runs, and recreating the benchmark database vneid_bench"
stop_platform >/dev/null
BARE_PID=
# The conventional peer (issue 15): a writable copy of ../shared/peers/aspnet-identity, its data beside it.
PEER_SRC="$REPO_ROOT/../shared/peers/aspnet-identity"
PEER_HOME="$LOCAL_DIR/peer"
export PEER_DATA="$LOCAL_DIR/peer-data"
stop_peer() { [ -x "$PEER_HOME/stop.sh" ] && bash "$PEER_HOME/stop.sh" >/dev/null 2>&1 || true; }
# Whatever happens (a scenario that fails included), nothing this run started is left running.
# A PostgreSQL this run starts is stopped again at the end, as scripts/test.sh does (another clone's scripts would meet a
# taken port); one that was already running is left as it was.
if postgres_is_running; then STARTED_POSTGRES=0; else STARTED_POSTGRES=1; fi
trap '[ -n "$BARE_PID" ] && kill "$BARE_PID" 2>/dev/null; stop_peer; stop_platform >/dev/null; [ "$STARTED_POSTGRES" = 1 ] && stop_postgres >/dev/null' EXIT
ensure_postgres_running
pg_admin -c "drop database if exists vneid_bench with (force)"
for shard in $(pg_admin -tA -c "select datname from pg_database where datname like 'vneid\_bench\_shard%'"); do
  pg_admin -c "drop database if exists \"$shard\" with (force)"
done
rm -f "$SHARDS_FILE"
export PATH="$(pg_bin_dir):$PATH"
export VNEID_RateLimits__PerAddressPerMinute=1000000 VNEID_RateLimits__PerAccountPerMinute=1000000
# The scale scenario's accounts, the other scenarios' and the peer comparison's (up to about 60,000), all distinct citizens.
export VNEID_SEED_COUNT=$((SCALE_ACCOUNTS * 3 / 2 + 120000))
export VNEID_SEED_CHIPS="${VNEID_SEED_CHIPS:-100}" # the demo citizens' chips; no scenario reads the rest

say "Starting the platform (scripts/up.sh) with rate limits raised for the benchmark"
bash scripts/up.sh >"$LOG_DIR/bench-up.log" 2>&1 || { tail -n 30 "$LOG_DIR/bench-up.log" >&2; die "scripts/up.sh failed"; }
dotnet build benchmarks/Orleans.VNeID.BareEndpoint -c Release -v q -nologo >/dev/null
dotnet build benchmarks/Orleans.VNeID.LoadDriver -c Release -v q -nologo >/dev/null
nohup dotnet benchmarks/Orleans.VNeID.BareEndpoint/bin/Release/net10.0/vneid-bare-endpoint.dll --urls http://127.0.0.1:8090 \
  >"$LOG_DIR/bare.log" 2>&1 </dev/null &
BARE_PID=$!
for _ in $(seq 1 50); do curl -fsS -o /dev/null http://127.0.0.1:8090/api/v1/accounts/001090012345/status 2>/dev/null && break; sleep 0.2; done

load() { dotnet benchmarks/Orleans.VNeID.LoadDriver/bin/Release/net10.0/vneid-load.dll "$@" --results "$RESULTS"; }
load machine
say "Status read (wrk at 16, 64 and 256 connections, $DURATION per point)"
load status --duration "$DURATION"
say "Declarations, and the pgbench upsert ceiling"
load declarations --count 3000 --concurrency 64
say "Activations and logins at the configured iteration count"
load hashing --count 200 --concurrency 32
say "Code verification"
load otp --count 2000 --concurrency 64
say "Lock and unlock"
load lock-unlock --count 200 --rounds 5 --concurrency 64

say "The conventional peer (ASP.NET Core Identity + EF Core, its own PostgreSQL on :55440, service on :5300), from a copy in .local/peer"
[ -d "$PEER_SRC" ] || die "The peer is not at $PEER_SRC (../shared beside the repository)."
stop_peer
rm -rf "$PEER_HOME" "$PEER_DATA"
cp -r "$PEER_SRC" "$PEER_HOME"
rm -rf "$PEER_HOME/.data" "$PEER_HOME"/*/bin "$PEER_HOME"/*/obj
SEED=70000 bash "$PEER_HOME/run.sh" >"$LOG_DIR/bench-peer.log" 2>&1 || { tail -n 30 "$LOG_DIR/bench-peer.log" >&2; die "the peer's run.sh failed"; }
dotnet build "$PEER_HOME/load/PeerLoad.csproj" -c Release -v q -nologo -clp:ErrorsOnly >/dev/null
say "Declarations, the full flow and status reads: platform and peer alternating, the peer's driver for both, two rounds"
load peer --peer-home "$PEER_HOME" --peer-citizens "$PEER_DATA/citizens.csv" --declaration-seconds 8 --flow-seconds 12 --read-seconds 8
stop_peer

say "OpenID Connect token endpoint (codes exchanged, beside the raw RS256 signing rate of the same key)"
load token --count 2000 --concurrency 32 --client-secret-file "$LOCAL_DIR/portal/vneid_bench.client-secret"

say "OpenID Connect sign-ins end to end (authorize, password, remembered consent, token), beside the raw hash rate"
load sign-ins --count 300 --concurrency 32 --client-secret-file "$LOCAL_DIR/portal/vneid_bench.client-secret"

say "Sign-ins on the API: a passkey beside the password, the same citizens, alternating rounds"
load passkeys --count 300 --concurrency 32 --citizens 64 --rounds 3

say "Account-events stream: latency to a consumer, and a consumer's store refusing writes for a minute"
load streams --count 600 --concurrency 8 --outage-seconds 60
say "Declarations with the account-events stream off (silos restarted with Streams:Enabled=false)"
stop_silos >/dev/null
VNEID_Streams__Enabled=false bash scripts/up.sh >"$LOG_DIR/bench-up.log" 2>&1 || { tail -n 30 "$LOG_DIR/bench-up.log" >&2; die "scripts/up.sh failed"; }
load declarations --count 3000 --concurrency 64 --variant streams-off

say "The separate topology (scripts/up.sh --topology separate: two vneid-silo and one vneid-gateway): declarations and status reads"
stop_silos >/dev/null
bash scripts/up.sh --topology separate >"$LOG_DIR/bench-up.log" 2>&1 || { tail -n 30 "$LOG_DIR/bench-up.log" >&2; die "scripts/up.sh failed"; }
load declarations --count 3000 --concurrency 64 --variant separate
load status --connections 64 --duration "$DURATION" --variant separate

say "Restarting the silos with PasswordHashing:IterationCount=210000 (OWASP's PBKDF2-HMAC-SHA512 recommendation)"
stop_silos >/dev/null
VNEID_PasswordHashing__IterationCount=210000 bash scripts/up.sh >"$LOG_DIR/bench-up.log" 2>&1 || { tail -n 30 "$LOG_DIR/bench-up.log" >&2; die "scripts/up.sh failed"; }
load hashing --iterations 210000 --count 150 --concurrency 32

say "Scale: $SCALE_ACCOUNTS accounts (silo memory and database bytes per account)"
load scale --count "$SCALE_ACCOUNTS" --concurrency 64 --silo "silo-1=$(cat "$RUN_DIR/silo-1.pid")" "silo-2=$(cat "$RUN_DIR/silo-2.pid")"
stop_platform >/dev/null

say "The operations drill (scripts/drill.sh: silos added, removed, restarted, killed, frozen; PostgreSQL stopped; under load)"
bash scripts/drill.sh --settle-seconds 5 >"$LOG_DIR/bench-drill.log" 2>&1 || { tail -n 30 "$LOG_DIR/bench-drill.log" >&2; die "scripts/drill.sh failed"; }

say "Micro-benchmarks (BenchmarkDotNet, short job)"
rm -rf "$BENCH_DIR/micro"
(cd "$BENCH_DIR" && dotnet run -c Release --project "$REPO_ROOT/benchmarks/Orleans.VNeID.Benchmarks" -- --filter '*' --job short \
  --artifacts "$BENCH_DIR/micro" >"$LOG_DIR/bench-micro.log" 2>&1) || { tail -n 30 "$LOG_DIR/bench-micro.log" >&2; die "micro-benchmarks failed"; }
cat "$BENCH_DIR"/micro/results/*-report-github.md >"$BENCH_DIR/micro.md"

ELAPSED="$(( ($(date +%s) - STARTED) / 60 )) min $(( ($(date +%s) - STARTED) % 60 )) s"
load report --micro "$BENCH_DIR/micro.md" --out docs/benchmarks.md --chart docs/benchmarks.png --elapsed "$ELAPSED"
say "Done in $ELAPSED: docs/benchmarks.md and docs/benchmarks.png (the platform is stopped; scripts/up.sh starts it again)"
