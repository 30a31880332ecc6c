#!/usr/bin/env bash
# System packages the tests use: Chromium (browser tests) and Debian's Fashion-MNIST (full-size offline data).
# Installs them only where that is safe without asking: as root on Debian/Ubuntu. Never sudo.
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -d /usr/share/datasets/fashion-mnist ] || need+=(dataset-fashion-mnist)
if [ ${#need[@]} -eq 0 ]; then
  echo "system packages: chromium and dataset-fashion-mnist are present"
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "system packages: installing ${need[*]}"
  apt-get update -qq || true
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
else
  echo "system packages: missing ${need[*]}; the tests that need them skip locally (never in CI)."
  echo "  Debian/Ubuntu: sudo apt-get install ${need[*]}   (see README, Troubleshooting)"
fi
