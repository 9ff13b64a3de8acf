#!/usr/bin/env bash
# Brings the whole platform up on this machine: PostgreSQL (installed if missing), schema, demo population,
# two silos and the HTTP gateway on http://127.0.0.1:8080 (with the "Sign in with VNeID" OpenID Connect provider), and,
# in Development, the sample public-service portal on http://localhost:8081. Safe to run again; scripts/down.sh stops it.
#
#   scripts/up.sh --silos N     N silos instead of two (silo N: ports 11110+N, 29999+N and management 9400+N); run again
#                               with another N to grow or shrink the cluster (scripts/cluster.sh adds, removes, restarts).
#   scripts/up.sh --topology separate
#                               The silos (vneid-silo) and one gateway process (vneid-gateway) apart, instead of the default
#                               nodes: each silo a vneid-node with the gateway co-hosted (the first on :8080, node N on
#                               :8100+N). Also VNEID_TOPOLOGY. README, "Topology".
#   scripts/up.sh               Development: public demo keys and service accounts from config/appsettings.Development.json,
#                               codes readable at /api/v1/dev/messages. Never expose it.
#   VNEID_PORTAL_PROFILE=fapi scripts/up.sh
#                               The sample portal as a FAPI 2.0 relying party (PAR, private_key_jwt, DPoP, ES256).
#   scripts/up.sh --production  The same platform in the Production environment, with keys, database passwords and
#                               service-account secrets generated once into the git-ignored .local/production/ (kept
#                               between runs). Its own database (vneid_production) and roles; no development routes.
set -euo pipefail
MODE=development
SILOS="${VNEID_SILOS:-2}"
TOPOLOGY="${VNEID_TOPOLOGY:-nodes}"
while [ $# -gt 0 ]; do
  case "$1" in
    --production) MODE=production ;;
    --silos) SILOS="${2:-}"; shift ;;
    --silos=*) SILOS="${1#--silos=}" ;;
    --topology) TOPOLOGY="${2:-}"; shift ;;
    --topology=*) TOPOLOGY="${1#--topology=}" ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "unknown option: $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done
case "$SILOS" in ''|*[!0-9]*|0) echo "--silos takes a number of silos, 1 or more" >&2; exit 2 ;; esac
case "$TOPOLOGY" in nodes|separate) ;; *) echo "--topology is nodes or separate" >&2; exit 2 ;; esac

PRODUCTION_DIR="$(cd "$(dirname "$0")/.." && pwd)/.local/production"
random_key() { head -c 32 /dev/urandom | base64 | tr -d '\n'; }
random_secret() { head -c 18 /dev/urandom | base64 | tr -d '\n/+=' ; }
if [ "$MODE" = production ]; then
  # Secrets generated once; the file is the deployment's vault (0600) and is never committed.
  mkdir -p "$PRODUCTION_DIR"; chmod 700 "$PRODUCTION_DIR"
  if [ ! -f "$PRODUCTION_DIR/secrets.env" ]; then
    umask 077
    cat >"$PRODUCTION_DIR/secrets.env" <<ENV
VNEID_Jwt__SigningKey=$(random_key)
VNEID_Otp__HashKey=$(random_key)
VNEID_Notifications__SealingKey=$(random_key)
VNEID_Audit__CheckpointKey=$(random_key)
VNEID_PG_APP_PASSWORD=$(random_secret)$(random_secret)
VNEID_PG_OWNER_PASSWORD=$(random_secret)$(random_secret)
ENV
  fi
  # Keys added by later versions go into an existing vault too.
  grep -q '^VNEID_Oidc__EncryptionKey=' "$PRODUCTION_DIR/secrets.env" ||
    (umask 077; printf 'VNEID_Oidc__EncryptionKey=%s\nVNEID_Oidc__PairwiseKey=%s\nVNEID_Oidc__SigningKey=%s\n' \
      "$(random_key)" "$(random_key)" "$PRODUCTION_DIR/oidc-signing-key.pem" >>"$PRODUCTION_DIR/secrets.env")
  grep -q '^VNEID_Oidc__FapiSigningKey=' "$PRODUCTION_DIR/secrets.env" ||
    (umask 077; printf 'VNEID_Oidc__FapiSigningKey=%s\n' "$PRODUCTION_DIR/oidc-fapi-signing-key.pem" >>"$PRODUCTION_DIR/secrets.env")
  grep -q '^VNEID_Credentials__SigningKey=' "$PRODUCTION_DIR/secrets.env" ||
    (umask 077; printf 'VNEID_Credentials__SigningKey=%s\n' "$PRODUCTION_DIR/credential-signing-key.pem" >>"$PRODUCTION_DIR/secrets.env")
  [ -f "$PRODUCTION_DIR/credential-signing-key.pem" ] ||
    (umask 077; openssl ecparam -name prime256v1 -genkey -noout -out "$PRODUCTION_DIR/credential-signing-key.pem" 2>/dev/null)
  grep -q '^VNEID_DataProtection__Certificate=' "$PRODUCTION_DIR/secrets.env" ||
    (umask 077; printf 'VNEID_DataProtection__Certificate=%s\n' "$PRODUCTION_DIR/data-protection.pem" >>"$PRODUCTION_DIR/secrets.env")
  [ -f "$PRODUCTION_DIR/data-protection.pem" ] ||
    (umask 077; openssl req -x509 -newkey rsa:3072 -nodes -days 3650 -subj "/CN=Orleans.VNeID data protection" \
      -keyout "$PRODUCTION_DIR/dp-key.pem" -out "$PRODUCTION_DIR/dp-cert.pem" 2>/dev/null &&
     cat "$PRODUCTION_DIR/dp-cert.pem" "$PRODUCTION_DIR/dp-key.pem" >"$PRODUCTION_DIR/data-protection.pem" &&
     rm -f "$PRODUCTION_DIR/dp-cert.pem" "$PRODUCTION_DIR/dp-key.pem")
  [ -f "$PRODUCTION_DIR/oidc-fapi-signing-key.pem" ] ||
    (umask 077; openssl ecparam -name prime256v1 -genkey -noout -out "$PRODUCTION_DIR/oidc-fapi-signing-key.pem" 2>/dev/null)
  [ -f "$PRODUCTION_DIR/oidc-signing-key.pem" ] ||
    (umask 077; openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:3072 -out "$PRODUCTION_DIR/oidc-signing-key.pem" 2>/dev/null)
  set -a; source "$PRODUCTION_DIR/secrets.env"; set +a
  export VNEID_PG_APP_USER=vneid_production VNEID_PG_OWNER_USER=vneid_production_owner VNEID_DATABASE=vneid_production
  export DOTNET_ENVIRONMENT=Production ASPNETCORE_ENVIRONMENT=Production
else
  export DOTNET_ENVIRONMENT="${DOTNET_ENVIRONMENT:-Development}" ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"
fi
source "$(dirname "$0")/lib/common.sh"
cd "$REPO_ROOT"

SEED_COUNT="${VNEID_SEED_COUNT:-10000}"
GATEWAY_URL="http://127.0.0.1:8080"
# What browsers and relying parties use: the provider's issuer. A name, not an IP address: passkeys (WebAuthn) need a domain.
ISSUER_URL="http://localhost:8080"
mkdir -p "$RUN_DIR" "$LOG_DIR"
# A platform running in the other mode is stopped first: both listen on the same ports.
if [ -f "$RUN_DIR/mode" ] && [ "$(cat "$RUN_DIR/mode")" != "$MODE" ]; then
  say "Stopping the $(cat "$RUN_DIR/mode") platform to start the $MODE one"
  stop_platform
fi
echo "$MODE" >"$RUN_DIR/mode"
echo "$PG_DATABASE" >"$RUN_DIR/database"

ensure_postgres_running
ensure_database "$PG_DATABASE"
for shard in $(shard_databases); do ensure_database "$shard"; done

say "Building (Release)"
if ! dotnet build "$REPO_ROOT/Orleans.VNeID.sln" -c Release -v q -nologo >"$LOG_DIR/build.log" 2>&1; then
  grep -E "error" "$LOG_DIR/build.log" | sort -u >&2 || tail -n 30 "$LOG_DIR/build.log" >&2
  die "The build failed (full log: $LOG_DIR/build.log); nothing was started."
fi
PORTAL="$REPO_ROOT/samples/PublicServicePortal/bin/Release/net10.0/vneid-portal.dll"
PORTAL_URL="http://localhost:8081"
# The sample verifier ("Kiểm tra danh tính", a hotel's front desk): its trust list names this gateway as the e-ID's issuer.
VERIFIER="$REPO_ROOT/samples/IdentityCheck/bin/Release/net10.0/vneid-identity-check.dll"
VERIFIER_URL="http://localhost:8082"
# One secret per database: each database registers the sample portal with a secret of its own. VNEID_PORTAL_PROFILE=fapi
# registers and starts it in the FAPI 2.0 profile instead (PAR, private_key_jwt with a key of its own, DPoP).
PORTAL_PROFILE="${VNEID_PORTAL_PROFILE:-oidc}"
case "$PORTAL_PROFILE" in
  oidc) PORTAL_SECRET="$LOCAL_DIR/portal/$PG_DATABASE.client-secret"; PORTAL_ARGS=(--secret-file "$PORTAL_SECRET") ;;
  fapi) PORTAL_SECRET="$LOCAL_DIR/portal/$PG_DATABASE.fapi-key.pem"; PORTAL_ARGS=(--secret-file "$PORTAL_SECRET" --fapi) ;;
  *) die "VNEID_PORTAL_PROFILE is oidc or fapi, not $PORTAL_PROFILE." ;;
esac
[ -f "$SILO" ] && [ -f "$GATEWAY" ] && [ -f "$NODE" ] && [ -f "$PORTAL" ] && [ -f "$VERIFIER" ] || die "The build did not produce the silo, the gateway, the node and the samples."

# Production's service accounts: the same four ids as Development's, with secrets and second-factor keys generated once
# (the plain secret and the base32 key to enrol in the officer's authenticator app go to
# .local/production/service-accounts.txt for the operator; the processes get the secret's hash and the key).
SERVICE_ACCOUNT_ARGS=()
if [ "$MODE" = production ]; then
  accounts="$PRODUCTION_DIR/service-accounts.txt"
  # A file from before the second factor (five columns) is made anew: every account gets a new secret and a key.
  if [ -f "$accounts" ] && awk 'NF < 6 { bad = 1 } END { exit !bad }' "$accounts"; then
    say "Service accounts have no second-factor key yet: generating new secrets and keys into $accounts"
    rm -f "$accounts"
  fi
  if [ ! -f "$accounts" ]; then
    umask 077
    for spec in officer-hn-01:officer:CAP-HG officer-hn-02:officer:CAP-HG operator-01:operator: officer-hcm-01:officer:CAP-BN; do
      IFS=: read -r id role office <<<"$spec"
      secret="$(random_secret)"
      totp="$(head -c 20 /dev/urandom | base32 | tr -d '=\n')"
      printf '%s %s %s %s %s %s\n' "$id" "$role" "${office:--}" "$secret" "$(dotnet "$SILO" hash-secret "$secret")" "$totp" >>"$accounts"
    done
  fi
  while read -r id role office _ hash totp; do
    SERVICE_ACCOUNT_ARGS+=("VNEID_ServiceAccounts__${id}__Role=$role" "VNEID_ServiceAccounts__${id}__SecretHash=$hash"
      "VNEID_ServiceAccounts__${id}__TotpSecret=$totp")
    [ "$office" = "-" ] || SERVICE_ACCOUNT_ARGS+=("VNEID_ServiceAccounts__${id}__Office=$office")
  done <"$accounts"
fi
NODE_ARGS=(${SERVICE_ACCOUNT_ARGS[@]+"${SERVICE_ACCOUNT_ARGS[@]}"})

say "Applying the schema"
dotnet "$SILO" migrate
# Shards appended since the last run (VNEID_SHARDS): the states move onto them before any silo starts (README,
# "Storage shards"). Fewer shards than before is refused: a shard is never taken away by this script.
RECORDED_SHARDS="$(cat "$SHARDS_FILE" 2>/dev/null || echo 1)"
if [ "$PG_SHARDS" -lt "$RECORDED_SHARDS" ]; then
  die "$PG_DATABASE holds its states on $RECORDED_SHARDS shards; VNEID_SHARDS=$PG_SHARDS would hide some (shards are only appended)."
fi
if [ "$PG_SHARDS" -gt "$RECORDED_SHARDS" ]; then
  say "Spreading the grain states over $PG_SHARDS shards ($(shard_databases | tr '\n' ' '))"
  dotnet "$SILO" reshard || die "The re-shard did not run: stop the silos first (scripts/down.sh --keep-db), then run this again."
fi
mkdir -p "$(dirname "$SHARDS_FILE")" && echo "$PG_SHARDS" >"$SHARDS_FILE"
say "Seeding the population registry ($SEED_COUNT citizens)"
# Chips (NFC recovery) are written for every card holder unless VNEID_SEED_CHIPS caps them (the benchmark needs a few).
dotnet "$SILO" seed --count "$SEED_COUNT" ${VNEID_SEED_CHIPS:+--chips "$VNEID_SEED_CHIPS"}
if [ "$MODE" = development ]; then
  say "Registering the sample portal as a relying party"
  dotnet "$SILO" clients add-sample --portal-url "$PORTAL_URL" "${PORTAL_ARGS[@]}"
fi

# A process started before its program was last built runs old code: stop it so that it starts again below.
restart_if_rebuilt() { # name, program
  if is_running "$1" && [ "$2" -nt "$RUN_DIR/$1.pid" ]; then
    say "$1 runs binaries older than the build; restarting it"
    stop_started "$1"
  fi
}
# Another topology than the running one: what runs stops first (its processes are other programs).
if [ "$(topology)" != "$TOPOLOGY" ] && { is_running gateway || [ -n "$(started_silos)" ]; }; then
  say "Switching the topology from $(topology) to $TOPOLOGY: stopping what runs"
  stop_started gateway
  stop_silos
fi
mkdir -p "$RUN_DIR" && echo "$TOPOLOGY" >"$TOPOLOGY_FILE"
[ "$TOPOLOGY" = nodes ] && stop_started gateway
restart_if_rebuilt gateway "$GATEWAY"
restart_if_rebuilt portal "$PORTAL"
restart_if_rebuilt identity-check "$VERIFIER"
# A portal started with an earlier registration's secret starts again with the current one.
if [ "$MODE" = development ] && is_running portal && [ "$PORTAL_SECRET" -nt "$RUN_DIR/portal.pid" ]; then stop_started portal; fi
for name in $(started_silos); do
  # A silo running the other topology's program (a node for a plain silo, or the reverse) starts again as this one's.
  if is_running "$name" && ! tr '\0' ' ' <"/proc/$(cat "$RUN_DIR/$name.pid")/cmdline" | grep -q "$(basename "$(silo_program)")"; then
    say "$name runs another topology's program; restarting it"
    stop_started "$name"
  fi
  restart_if_rebuilt "$name" "$(silo_program)"
done
# Silos numbered above the count asked for leave gracefully (their activations hand over); the missing ones start.
for name in $(started_silos | sort -t- -k2 -rn); do [ "${name#silo-}" -le "$SILOS" ] || stop_started "$name"; done
for n in $(seq 1 "$SILOS"); do start_silo "$n"; done
# Separate: the gateway's /metrics is served on its management port only (9400, beside the silos' 9401+). Nodes serve the
# gateway themselves.
[ "$TOPOLOGY" = separate ] && start gateway "$GC_GEN0" "$TIERING" "VNEID_Gateway__ManagementPort=9400" ${SERVICE_ACCOUNT_ARGS[@]+"${SERVICE_ACCOUNT_ARGS[@]}"} dotnet "$GATEWAY"
if [ "$MODE" = development ]; then
  if [ "$PORTAL_PROFILE" = fapi ]; then PORTAL_CREDENTIAL=("Portal__Profile=fapi" "Portal__SigningKey=$PORTAL_SECRET")
  else PORTAL_CREDENTIAL=("Portal__ClientSecret=$(cat "$PORTAL_SECRET")"); fi
  start portal ASPNETCORE_ENVIRONMENT=Development "Urls=$PORTAL_URL" "Portal__Authority=$ISSUER_URL/" \
    "${PORTAL_CREDENTIAL[@]}" dotnet "$PORTAL"
  start identity-check ASPNETCORE_ENVIRONMENT=Development "Urls=$VERIFIER_URL" "Verifier__TrustedIssuers__0__Issuer=$ISSUER_URL" \
    "Verifier__TrustedIssuers__0__StatusLists__0=$ISSUER_URL/status-lists/1" "Verifier__CacheFile=$LOCAL_DIR/identity-check/trust-cache.json" \
    "Verifier__Wallet=$ISSUER_URL/account/wallet/present" \
    dotnet "$VERIFIER"
fi

if [ "$TOPOLOGY" = nodes ]; then
  SHAPE="$SILOS node(s), each a silo with the gateway co-hosted, the first"
  METRICS="http://127.0.0.1:940N/metrics (node N's management port)"
else
  SHAPE="$SILOS silo(s) and the gateway"
  METRICS="http://127.0.0.1:9400/metrics (the gateway's management port), http://127.0.0.1:940N/metrics (silo N)"
fi
say "Waiting for the gateway to report healthy"
for _ in $(seq 1 90); do
  if curl -fsS "$GATEWAY_URL/health/ready" >/dev/null 2>&1; then
    for n in $(seq 1 "$SILOS"); do wait_silo_ready "silo-$n"; done
    if [ "$MODE" = production ]; then
      cat <<TXT

Orleans.VNeID is up in the Production environment: $SHAPE on $GATEWAY_URL (logs in .local/logs).
Its keys, database passwords and service-account secrets were generated into .local/production/ (git-ignored, 0600):
  secrets.env            the keys and database passwords the processes use
  service-accounts.txt   id, role, office, secret (give it to the officer or operator), hash, second-factor key (base32: enrol it in their authenticator app)
There are no development routes: codes go only into the outbox, sealed. Stop with scripts/down.sh.
TXT
      exit 0
    fi
    cat <<TXT

This is the Development environment: its keys and service-account secrets are PUBLIC demo values committed in the
repository. Never expose it; scripts/up.sh --production runs the same platform with secrets of its own.

Orleans.VNeID is up: $SHAPE on $GATEWAY_URL (logs in .local/logs, stop with scripts/down.sh).

In a browser (Vietnamese first; "English" on every page):
  Citizens' account console:    $ISSUER_URL/account      (register a level-1 account at $ISSUER_URL/register; codes at /api/v1/dev/messages)
  Officers' reception desk:     $ISSUER_URL/desk/        (officer-hn-01 or officer-hn-02, secret Officer#Dev2026, code: curl -s $GATEWAY_URL/api/v1/dev/staff-code/officer-hn-01)
  Public dossier look-up:       $ISSUER_URL/tra-cuu-ho-so
  Cluster dashboard:            $ISSUER_URL/dashboard/   (operator-01, secret Operator#Dev2026)

  API reference (interactive):  $GATEWAY_URL/scalar/v1
  OpenAPI document:             $GATEWAY_URL/openapi/v1.json
  Health:                       $GATEWAY_URL/health/live, $GATEWAY_URL/health/ready (each silo: http://127.0.0.1:940N/health/ready)
  Metrics (Prometheus):         $METRICS
  OpenID Connect discovery:     $GATEWAY_URL/.well-known/openid-configuration

Sign in with VNeID at the sample public-service portal: open $PORTAL_URL in a browser (README, "Sign in with VNeID").
Check a level-2 e-ID shown as a QR at the sample hotel desk ("Kiểm tra danh tính"): $VERIFIER_URL (README, "Credentials").

Try a level-1 registration for the demo citizen Nguyễn Văn An:
  curl -s -X POST $GATEWAY_URL/api/v1/accounts -H 'content-type: application/json' \\
    -d '{"idNumber":"001090012345","fullName":"Nguyễn Văn An","dateOfBirth":"1990-05-15","gender":"male","phone":"0912345678"}'
  curl -s '$GATEWAY_URL/api/v1/dev/messages?recipient=0912345678'
The README walks through activation, login, lock and unlock.
TXT
    exit 0
  fi
  for name in $(seq -f 'silo-%g' 1 "$SILOS") $([ "$TOPOLOGY" = separate ] && echo gateway) $([ "$MODE" = development ] && echo portal identity-check); do
    is_running "$name" || { tail -n 30 "$LOG_DIR/$name.log" >&2; die "$name stopped; see $LOG_DIR/$name.log"; }
  done
  sleep 1
done
die "The gateway did not become healthy in 90 s; see $LOG_DIR."
