#!/usr/bin/env bash
# Installs what the real-editor tests need (test:extension, test:e2e), idempotently:
#   - Debian packages chromium (the browser Playwright drives), libkrb5-dev (code-server's kerberos
#     module compiles against gssapi.h) and ripgrep (served to @vscode/ripgrep instead of a GitHub download);
#   - code-server@4.100.3 (VS Code 1.100.3, the last line that runs on Node 20) into a cache folder OUTSIDE
#     the repository: ${XLENS_TEST_CACHE:-$HOME/.cache/xlens-test}/code-server.
# Prints the path of the code-server launcher on its last line.
set -euo pipefail

VERSION=4.100.3
CACHE="${XLENS_TEST_CACHE:-$HOME/.cache/xlens-test}/code-server"
BIN="$CACHE/node_modules/.bin/code-server"

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v rg >/dev/null 2>&1 || missing+=(ripgrep)
[ -f /usr/include/gssapi/gssapi.h ] || missing+=(libkrb5-dev)
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup-code-server: installing ${missing[*]} with apt-get" >&2
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  # Another apt-get may hold the dpkg lock (a parallel job): wait for it instead of failing.
  $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}"
fi

installed=""
if [ -f "$CACHE/node_modules/code-server/package.json" ]; then
  installed=$(node -p "require('$CACHE/node_modules/code-server/package.json').version" 2>/dev/null || true)
fi
if [ "$installed" = "$VERSION" ] && [ -x "$BIN" ]; then
  echo "setup-code-server: code-server $VERSION already in $CACHE" >&2
  echo "$BIN"
  exit 0
fi

echo "setup-code-server: installing code-server@$VERSION into $CACHE (about a minute)" >&2
mkdir -p "$CACHE"
# @vscode/ripgrep's postinstall downloads rg from GitHub unless its cache file exists; Debian's rg serves.
tmp_base="${TMPDIR:-/tmp}"
rg_cache="$tmp_base/vscode-ripgrep-cache-1.15.11"
rg_tar="$rg_cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
if [ ! -f "$rg_tar" ]; then
  staging=$(mktemp -d)
  cp "$(command -v rg)" "$staging/rg"
  mkdir -p "$rg_cache"
  tar czf "$rg_tar" -C "$staging" rg
  rm -rf "$staging"
fi
[ -f "$CACHE/package.json" ] || echo '{ "name": "xlens-test-code-server", "private": true }' >"$CACHE/package.json"
# As root the postinstall needs unsafe-perm; node-pty runs `npx node-gyp` and needs npm_config_yes.
npm_config_unsafe_perm=true npm_config_yes=true npm_config_fund=false npm_config_audit=false \
  npm install --prefix "$CACHE" --no-save "code-server@$VERSION" --foreground-scripts --loglevel=error >&2
[ -x "$BIN" ] || { echo "setup-code-server: $BIN missing after install" >&2; exit 1; }
echo "$BIN"
