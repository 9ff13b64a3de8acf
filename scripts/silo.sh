#!/usr/bin/env bash
# Runs a silo command against the local platform's configuration (Development), e.g.
#   scripts/silo.sh audit-verify      scripts/silo.sh seed --count 1000000 --replace      scripts/silo.sh migrate
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
export DOTNET_ENVIRONMENT="${DOTNET_ENVIRONMENT:-Development}"
SILO="$REPO_ROOT/src/Silo/bin/Release/net10.0/vneid-silo.dll"
[ -f "$SILO" ] || dotnet build "$REPO_ROOT/src/Silo" -c Release -v q -nologo >/dev/null
exec dotnet "$SILO" "$@"
