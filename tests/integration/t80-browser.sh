#!/bin/sh
# t80: the real site in Debian's Chromium (playwright-core) from file://:
# search, results, article, history, keyboard, axe-core, print, no request
# to any other origin.  tests/browser/run.sh installs what it needs.
REPO=$(cd "$(dirname "$0")/../.." && pwd)
QUIRE_RELEASE=${QUIRE_RELEASE:-$REPO/quire} sh "$REPO/tests/browser/run.sh"
