#!/usr/bin/env bash
# Installs the Debian packages among the arguments whose probe fails.
# Each argument is PACKAGE:PROBE where PROBE is a command name, or pkg-config=MODULE.
# With --optional, a failed install only prints a warning.
set -u
optional=0
if [ "${1:-}" = "--optional" ]; then optional=1; shift; fi
missing=()
for spec in "$@"; do
  package=${spec%%:*}; probe=${spec#*:}
  case "$probe" in
    pkg-config=*) pkg-config --exists "${probe#pkg-config=}" 2>/dev/null || missing+=("$package") ;;
    *) command -v "$probe" >/dev/null 2>&1 || missing+=("$package") ;;
  esac
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing missing packages: ${missing[*]}"
sudo=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "error: missing packages ${missing[*]} and not root (no sudo): install them with apt-get" >&2
    [ $optional = 1 ] && exit 0 || exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
if ! { $sudo apt-get update -qq && $sudo apt-get install -y -qq "${missing[@]}"; } >/tmp/pipewright-apt.log 2>&1; then
  tail -20 /tmp/pipewright-apt.log >&2
  if [ $optional = 1 ]; then echo "warning: could not install ${missing[*]} (optional)" >&2; exit 0; fi
  echo "error: apt-get install ${missing[*]} failed (log: /tmp/pipewright-apt.log)" >&2
  exit 1
fi
echo "installed: ${missing[*]}"
