#!/usr/bin/env bash
# Installs the Debian packages listed in scripts/system-packages.txt (browser tests, local media
# providers, load generator). Needs root (or sudo); safe to re-run.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
packages=$(grep -v '^#' "$here/system-packages.txt" | xargs)
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $packages
