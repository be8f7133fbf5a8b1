#!/usr/bin/env bash
# System packages the browser tests and the chart images need: Debian's Chromium (kaleido
# renders PNG/SVG with it) and a CJK font, so Chinese renders as text rather than boxes;
# PostgreSQL (Debian 12 ships 15), whose initdb and pg_ctl tests/pgcluster.py runs; and
# xfsprogs, whose mkfs.xfs makes the file system that clones files the backup tests mount.
# Installs only what is missing.
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
fc-list 2>/dev/null | grep -qi 'wenquanyi\|wqy' || need+=(fonts-wqy-microhei)
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || need+=(postgresql)
command -v mkfs.xfs >/dev/null || [ -x /usr/sbin/mkfs.xfs ] || need+=(xfsprogs)
[ ${#need[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "installing system packages: ${need[*]}"
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${need[@]}" fontconfig
