#!/usr/bin/env bash
# Debian packages the browser tests and the image rendering need: chromium (driven by
# Playwright, never downloaded by it) and CJK fonts (without them Chinese, Japanese and
# Korean render as empty boxes in screenshots and posters), and nginx (the reverse proxy of
# deploy/nginx.conf, started by its tests on a port of their own), postgresql-client (pg_dump
# and pg_restore of `python -m quiz_api backup`), systemd (systemd-analyze verifies the units
# of deploy/systemd/) and prometheus (promtool checks and tests deploy/monitoring/'s alerts).
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -f /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || missing+=(fonts-noto-cjk)
[ -x /usr/sbin/nginx ] || missing+=(nginx)
[ -x /usr/bin/pg_dump ] || missing+=(postgresql-client)
[ -x /usr/bin/systemd-analyze ] || missing+=(systemd)
[ -x /usr/bin/promtool ] || missing+=(prometheus)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "missing Debian packages: ${missing[*]}; run: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "installing ${missing[*]} ..."
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
