#!/usr/bin/env bash
# The IMAP tests run a private Dovecot of their own; install Debian's dovecot-imapd when
# missing (never a download). The tests start their own instance, so the system service
# must stay stopped: policy-rc.d forbids the package scripts to start it.
set -euo pipefail
if command -v dovecot >/dev/null 2>&1 || [ -x /usr/sbin/dovecot ]; then exit 0; fi
if [ "$(id -u)" != "0" ]; then
  echo "Dovecot is missing and we are not root: install the 'dovecot-imapd' package" \
       "(the IMAP tests skip without it, and fail when CI=true)." >&2
  exit 1
fi
echo "Installing Debian's dovecot-imapd for the IMAP tests..."
export DEBIAN_FRONTEND=noninteractive
POLICY=/usr/sbin/policy-rc.d
if [ ! -e "$POLICY" ]; then
  # Exit code 101 tells invoke-rc.d (and deb-systemd-invoke) "do not start services".
  printf '#!/bin/sh\nexit 101\n' >"$POLICY"
  chmod 755 "$POLICY"
  trap 'rm -f "$POLICY"' EXIT
fi
apt-get update -qq
apt-get install -y -qq --no-install-recommends dovecot-imapd >/dev/null
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  # Keep the system service off at boot too: nothing here needs it.
  systemctl disable --now dovecot.service >/dev/null 2>&1 || true
fi
