#!/usr/bin/env bash
# What the slide decks load, for classrooms with no network: reveal.js 4, MathJax 2, require.js and jQuery
# (the versions nbconvert's reveal template expects), from the npm registry into docs/slides/vendor/ (git-ignored).
# Without npm: installs Debian's npm as root where apt-get exists (never sudo), else says what to do.
set -euo pipefail
cd "$(dirname "$0")/.."
VENDOR=docs/slides/vendor
PACKAGES=(reveal.js@4.6.1 mathjax@2.7.9 requirejs@2.3.8 jquery@2.2.4)
STAMP="$VENDOR/.installed-$(echo "${PACKAGES[*]}" | cksum | cut -d' ' -f1)"
if [ -f "$STAMP" ]; then
  echo "web assets: ${PACKAGES[*]} are present in $VENDOR"
  exit 0
fi
if ! command -v npm >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "web assets: installing npm"
  apt-get update -qq || true
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null
fi
if ! command -v npm >/dev/null; then
  echo "web assets: npm is missing, so the slide decks cannot be built (their tests skip locally, never in CI)."
  echo "  Debian/Ubuntu: sudo apt-get install npm   (or Node.js from nodejs.org)"
  exit 0
fi
echo "web assets: installing ${PACKAGES[*]} into $VENDOR"
rm -rf "$VENDOR"
mkdir -p "$VENDOR"
npm install --prefix "$VENDOR" --no-save --no-package-lock --no-audit --no-fund --ignore-scripts --loglevel=error \
  "${PACKAGES[@]}"
rm -rf "$VENDOR/node_modules/mathjax/unpacked"  # MathJax's uncompressed sources (26 MB): the decks load the packed files
touch "$STAMP"
