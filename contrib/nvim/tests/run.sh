#!/usr/bin/env bash
# Runs the Neovim plugin's headless test against a real daemon in a temporary home.
# ARTFACTORY_BIN: folder with the built artfactoryd.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
command -v nvim >/dev/null || { echo "nvim-test: neovim is not installed; skipped"; exit 0; }
home="$(mktemp -d /tmp/afnvim-XXXXXX)"
mkdir -p "$home/models"
cp -r "$repo/Tests/ArtFactoryEngineTests/Fixtures/pipelines/sd1-tiny" "$home/models/sd1-tiny"
ARTFACTORY_HOME="$home" "$ARTFACTORY_BIN/artfactoryd" --detached >/dev/null 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$home"' EXIT
for _ in $(seq 1 300); do [ -S "$home/artfactoryd.sock" ] && break; sleep 0.05; done
ARTFACTORY_HOME="$home" nvim --headless -u NONE -i NONE --cmd "set rtp^=$repo/contrib/nvim" \
  --cmd "runtime plugin/artfactory.lua" -c "luafile $here/run.lua" 2>&1
