#!/usr/bin/env bash
# Operates the silos of the platform scripts/up.sh started, as an operator would across machines (docs/operations.md):
#
#   scripts/cluster.sh status             each silo: pid, ports, readiness; the membership table's view
#   scripts/cluster.sh add                starts the next silo and waits until it is an active, ready member
#   scripts/cluster.sh remove [silo-N]    stops one gracefully (default the highest-numbered): its activations hand
#                                         over, it marks itself dead in the membership table and leaves
#   scripts/cluster.sh restart            rolling restart: each silo in turn is stopped gracefully, started again on
#                                         the current build and waited for before the next
#   scripts/cluster.sh kill silo-N        SIGKILL (a fault drill: the cluster declares it dead and carries on)
#   scripts/cluster.sh freeze silo-N S    SIGSTOP for S seconds, then SIGCONT (a fault drill: a hung process)
#   scripts/cluster.sh start silo-N       starts a stopped or killed silo again (a frozen one declared dead exits)
#   scripts/cluster.sh db-pause S         stops the local PostgreSQL for S seconds, then starts it again (a fault drill)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
MODE="$(cat "$ROOT/.local/run/mode" 2>/dev/null || echo development)"
# The same environment scripts/up.sh gave the silos: its mode's keys and database.
if [ "$MODE" = production ]; then
  [ -f "$ROOT/.local/production/secrets.env" ] || { echo "No production secrets: start with scripts/up.sh --production." >&2; exit 1; }
  set -a; source "$ROOT/.local/production/secrets.env"; set +a
  export VNEID_PG_APP_USER=vneid_production VNEID_PG_OWNER_USER=vneid_production_owner VNEID_DATABASE=vneid_production
  export DOTNET_ENVIRONMENT=Production ASPNETCORE_ENVIRONMENT=Production
else
  export DOTNET_ENVIRONMENT="${DOTNET_ENVIRONMENT:-Development}" ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"
  [ -n "${VNEID_DATABASE:-}" ] || [ ! -f "$ROOT/.local/run/database" ] || export VNEID_DATABASE="$(cat "$ROOT/.local/run/database")"
fi
source "$ROOT/scripts/lib/common.sh"
# How long the gateway takes to notice a new silo (config ClusterClient:GatewayListRefreshPeriod) and some margin.
NOTICE_SECONDS="${VNEID_NOTICE_SECONDS:-7}"

running_silos() { local s; for s in $(started_silos); do is_running "$s" && echo "$s"; done; }
silo_arg() { # a silo-N name that this checkout started
  [[ "${1:-}" =~ ^silo-[0-9]+$ ]] || die "name a silo: silo-1, silo-2, ... (scripts/cluster.sh status lists them)"
  [ -f "$RUN_DIR/$1.pid" ] || die "$1 was not started here"
}
[ -f "$SILO" ] || die "The silo is not built: run scripts/up.sh first."

case "${1:-status}" in
  status)
    for s in $(started_silos); do
      n="${s#silo-}"
      if is_running "$s"; then
        ready="$(curl -fsS -m 2 "$(silo_management_url "$s")/health/ready" 2>/dev/null || echo '{"status":"not ready"}')"
        printf '%-8s pid %-7s silo port %s  gateway port %s  management %s  %s\n' "$s" "$(cat "$RUN_DIR/$s.pid")" \
          $((11110 + n)) $((29999 + n)) "$(silo_management_url "$s")" "$ready"
      else
        printf '%-8s stopped\n' "$s"
      fi
    done
    ensure_postgres_running >/dev/null
    pg_admin -d "$PG_DATABASE" -c "select address, port, generation, case status when 3 then 'active' when 6 then 'dead'
      when 5 then 'stopping' when 4 then 'shutting down' when 2 then 'joining' else status::text end as status, start_time
      from orleans.membership where deployment_id = 'vneid' and (status <> 6 or i_am_alive_time > now() - interval '1 hour')
      order by port"
    ;;
  add)
    last="$(started_silos | tail -n 1)"; n=$(( ${last#silo-} + 1 )); [ -n "$last" ] || n=1
    for s in $(started_silos); do is_running "$s" || { n="${s#silo-}"; break; }; done
    start_silo "$n"
    wait_silo_ready "silo-$n"
    sleep "$NOTICE_SECONDS"
    say "silo-$n is an active member of the cluster"
    ;;
  remove)
    target="${2:-$(running_silos | tail -n 1)}"
    silo_arg "$target"
    [ "$(running_silos | wc -l)" -gt 1 ] || die "$target is the last silo running; scripts/down.sh stops the platform"
    stop_started "$target"
    say "$target left the cluster"
    ;;
  restart)
    for s in $(running_silos); do
      stop_started "$s"
      start_silo "${s#silo-}"
      wait_silo_ready "$s"
      sleep "$NOTICE_SECONDS"
      say "$s restarted"
    done
    ;;
  start)
    silo_arg "${2:-}"
    start_silo "${2#silo-}"
    wait_silo_ready "$2"
    ;;
  kill)
    silo_arg "${2:-}"
    is_running "$2" || die "$2 is not running"
    say "SIGKILL to $2 (pid $(cat "$RUN_DIR/$2.pid"))"
    kill -KILL "$(cat "$RUN_DIR/$2.pid")"
    ;;
  freeze)
    silo_arg "${2:-}"
    seconds="${3:?how many seconds}"
    pid="$(cat "$RUN_DIR/$2.pid")"
    say "SIGSTOP to $2 (pid $pid) for $seconds s"
    kill -STOP "$pid"
    trap 'kill -CONT "$pid" 2>/dev/null' EXIT
    sleep "$seconds"
    kill -CONT "$pid"
    say "SIGCONT to $2"
    ;;
  db-pause)
    seconds="${2:?how many seconds}"
    ensure_postgres_running >/dev/null
    stop_postgres
    sleep "$seconds"
    ensure_postgres_running
    ;;
  -h|--help|help) sed -n '2,15p' "$0" ;;
  *) die "unknown command: $1 (scripts/cluster.sh --help)" ;;
esac
