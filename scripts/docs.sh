#!/usr/bin/env bash
# Regenerates the docs' generated parts from the code: the error table (docs/api.md, from ErrorCatalogue), the state
# diagrams (docs/state-machine.md, docs/dossier-states.md, from the Stateless lifecycles) and the settings table
# (docs/configuration.md, from the settings classes and config/appsettings*.json). A test fails while one is stale.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
dotnet build "$REPO_ROOT/src/Node" -c Release -v q -nologo >/dev/null
BIN="$REPO_ROOT/src/Node/bin/Release/net10.0"
dotnet "$BIN/vneid-silo.dll" error-table
dotnet "$BIN/vneid-silo.dll" state-diagram
dotnet "$BIN/vneid-node.dll" settings-table
