#!/usr/bin/env bash
# Installs the Debian packages tbt-assistant needs outside Python, only when missing:
#   fonts-wqy-microhei  a CJK font embedded in the PDF national form
#   chromium            the browser the web-chat tests drive through playwright
#   wamerican           the English word list a vocabulary test checks the typo list against
# `system-deps.sh font` installs only the font (what `make run` needs for PDF export).
# Never fatal: without them the tests that need them are skipped with a clear reason.
set -u
need=()
[ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || need+=(fonts-wqy-microhei)
if [ "${1:-all}" != "font" ]; then
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
  [ -e /usr/share/dict/american-english ] || need+=(wamerican)
fi
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "system-deps: missing ${need[*]} (install them with apt-get as root); related tests will skip" >&2
  exit 0
fi
echo "system-deps: installing ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
(apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}") >/tmp/tbt-system-deps.log 2>&1 \
  || echo "system-deps: apt-get failed (see /tmp/tbt-system-deps.log); related tests will skip" >&2
exit 0
