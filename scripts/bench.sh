#!/usr/bin/env bash
# Benchmarks the running platform against this machine's own ceilings (issue 5). So far: the status read through the
# gateway vs a bare endpoint serving the same JSON, with wrk at 16, 64 and 256 connections.
# Starts the platform as scripts/up.sh does, with rate limits raised for the run (said so in the output).
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
cd "$REPO_ROOT"
DURATION="${VNEID_BENCH_DURATION:-10s}"
GATEWAY="http://127.0.0.1:8080"
BARE="http://127.0.0.1:8090"
command -v wrk >/dev/null || { say "Installing wrk"; apt-get install -y -qq wrk >/dev/null; }

say "Restarting the platform with rate limits raised for the benchmark"
bash scripts/down.sh --keep-db >/dev/null
VNEID_RateLimits__PerAddressPerMinute=1000000 VNEID_RateLimits__PerAccountPerMinute=1000000 bash scripts/up.sh >/dev/null
ensure_postgres_running
dotnet build benchmarks/Orleans.VNeID.BareEndpoint -c Release -v q -nologo >/dev/null
nohup dotnet benchmarks/Orleans.VNeID.BareEndpoint/bin/Release/net10.0/vneid-bare-endpoint.dll --urls "$BARE" >"$LOG_DIR/bare.log" 2>&1 </dev/null &
BARE_PID=$!
trap 'kill $BARE_PID 2>/dev/null || true' EXIT

# A citizen of the registry with no account yet becomes the benchmark account.
read -r ID NAME DOB GENDER PHONE < <(pg_admin -d vneid -tA -F' ' -c "select c.id_number, replace(c.full_name, ' ', '_'), c.date_of_birth, case c.gender when 0 then 'male' else 'female' end, c.phone
  from registry.citizens c where c.phone is not null and c.date_of_birth < current_date - interval '15 years' order by random() limit 1")
NAME="${NAME//_/ }"
curl -fsS -o /dev/null -X POST "$GATEWAY/api/v1/accounts" -H 'content-type: application/json' \
  -d "{\"idNumber\":\"$ID\",\"fullName\":\"$NAME\",\"dateOfBirth\":\"$DOB\",\"gender\":\"$GENDER\",\"phone\":\"$PHONE\"}"
sleep 1
CODE=$(curl -fsS "$GATEWAY/api/v1/dev/messages?recipient=$PHONE" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["body"][:6])')
curl -fsS -o /dev/null -X POST "$GATEWAY/api/v1/accounts/$ID/activation" -H 'content-type: application/json' -d "{\"otp\":\"$CODE\",\"password\":\"Bench@2026x\"}"
TOKEN=$(curl -fsS -X POST "$GATEWAY/api/v1/sessions" -H 'content-type: application/json' -d "{\"idNumber\":\"$ID\",\"password\":\"Bench@2026x\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
for _ in $(seq 1 50); do curl -fsS -o /dev/null "$BARE/api/v1/accounts/$ID/status" && break; sleep 0.2; done

run() { # url, connections -> "rps p50_ms p99_ms"
  wrk -t2 -c"$2" -d"$DURATION" --latency -H "authorization: Bearer $TOKEN" "$1" | python3 -c '
import re,sys
text=sys.stdin.read()
def ms(v,u): return float(v)*{"us":0.001,"ms":1,"s":1000}[u]
rps=float(re.search(r"Requests/sec:\s+([\d.]+)",text).group(1))
lat=dict((p,ms(v,u)) for p,v,u in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)",text,re.M))
non2xx=re.search(r"Non-2xx or 3xx responses: (\d+)",text)
p50=lat.get("50",0); p99=lat.get("99",0); errors=non2xx.group(1) if non2xx else 0
print(f"{rps:.0f} {p50:.2f} {p99:.2f} {errors}")'
}

# Warm-up: JIT, tiered compilation, connection pools and grain activations settle before anything is measured.
wrk -t2 -c64 -d5s -H "authorization: Bearer $TOKEN" "$GATEWAY/api/v1/accounts/$ID/status" >/dev/null
wrk -t2 -c64 -d5s "$BARE/api/v1/accounts/$ID/status" >/dev/null

echo
echo "Status read (GET /api/v1/accounts/{id}/status with a citizen token), $DURATION per point, wrk -t2; rate limits raised for the run."
echo
echo "| connections | gateway req/s | p50 ms | p99 ms | non-2xx | bare req/s | p50 ms | p99 ms | ratio |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for c in 16 64 256; do
  read -r g50 gp50 gp99 gerr < <(run "$GATEWAY/api/v1/accounts/$ID/status" "$c")
  read -r b50 bp50 bp99 berr < <(run "$BARE/api/v1/accounts/$ID/status" "$c")
  ratio=$(python3 -c "print(f'{$g50/$b50*100:.1f} %')")
  echo "| $c | $g50 | $gp50 | $gp99 | $gerr | $b50 | $bp50 | $bp99 | $ratio |"
done
