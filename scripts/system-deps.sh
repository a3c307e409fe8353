#!/usr/bin/env bash
# Debian packages the test suite drives for real: Chromium and its driver (browser tests),
# PostgreSQL (the store tests run on SQLite and on PostgreSQL), and podman with runc and
# debootstrap (tests/deploy builds and runs the container image FROM a base made offline).
# Installs only what is missing.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || need+=(postgresql)
command -v podman >/dev/null 2>&1 || need+=(podman)
command -v runc >/dev/null 2>&1 || need+=(runc)
command -v debootstrap >/dev/null 2>&1 || [ -x /usr/sbin/debootstrap ] || need+=(debootstrap)
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
if ((${#need[@]})); then
  echo "Installing Debian packages: ${need[*]}"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${need[@]}"
fi
# crun, podman's default runtime, fails on these machines (cgroups in hybrid mode); the tests pass
# --runtime runc, and runc needs podman's default ulimits off (../shared/TESTING.md, "Containers").
if [ ! -f /etc/containers/containers.conf ]; then
  $sudo mkdir -p /etc/containers
  printf '[containers]\ndefault_ulimits = []\n' | $sudo tee /etc/containers/containers.conf >/dev/null
fi
