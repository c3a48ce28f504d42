#!/usr/bin/env bash
# The package on this machine, as CI does it (as root; the machine is the test's): build it,
# install it with dpkg -i, check its units with systemd-analyze verify, check what it installed
# (user, folders, settings, /usr/bin/classchain, the policy files, the polkit rule, evaluated), start the service's own
# command as the classchain user for a moment (CI has no running systemd: the unit's ExecStart is
# run directly), then remove (data kept) and purge (data gone).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
[ "$(id -u)" = 0 ] || { echo "check.sh: needs root (dpkg -i); skipped"; exit 0; }
deb="$("$here/build.sh" "$@")"
echo "built $deb ($(du -h "$deb" | cut -f1))"
fail() { echo "check.sh: FAILED: $*" >&2; exit 1; }
if dpkg -s classchain >/dev/null 2>&1; then dpkg --purge classchain >/dev/null; fi
dpkg -i "$deb" >/dev/null
getent passwd classchain >/dev/null || fail "no classchain user"
[ "$(stat -c %U:%a /var/lib/classchain)" = classchain:750 ] || fail "/var/lib/classchain: $(stat -c %U:%a /var/lib/classchain)"
[ -f /etc/classchain/peer.properties ] || fail "no /etc/classchain/peer.properties"
[ -x /usr/bin/classchain ] || fail "no /usr/bin/classchain"
[ "$(stat -c %U /etc/chromium/policies/managed/classchain-web-limits.json)" = classchain ] || fail "chromium policy file not the service's"
rule=/usr/share/polkit-1/rules.d/60-classchain.rules
[ "$(stat -c %U:%a "$rule")" = root:644 ] || fail "$rule: $(stat -c %U:%a "$rule" 2>/dev/null || echo missing)"
if command -v node >/dev/null; then
    node "$here/check-polkit-rule.js" "$rule" || fail "the polkit rule grants the wrong rights"
else
    echo "check.sh: no node: the polkit rule's logic not evaluated"
fi
/usr/bin/classchain --version | grep -q classchain || fail "/usr/bin/classchain --version"
# the units, as systemd reads them (the user unit with the user manager's rules)
systemd-analyze verify /lib/systemd/system/classchain.service || fail "systemd-analyze verify classchain.service"
rt="$(mktemp -d)"  # the user manager's runtime folder, which a session would have
XDG_RUNTIME_DIR="$rt" systemd-analyze --user verify /usr/lib/systemd/user/classchain-agent.service || fail "systemd-analyze verify classchain-agent.service"
rm -rf "$rt"
[ -L /etc/systemd/system/multi-user.target.wants/classchain.service ] || fail "classchain.service not enabled"
[ -L /etc/systemd/user/graphical-session.target.wants/classchain-agent.service ] || fail "the agent's user unit not enabled"
# the unit's command, as the unit's user, until it serves (no seed: it waits for the teacher; a
# test seed that answers nothing makes it wait, which is what it does in a school before class)
mkdir -p /run/classchain && chown classchain /run/classchain
echo "seed=http://127.0.0.1:9" >> /etc/classchain/peer.properties
log="$(mktemp)"
setpriv --reuid=classchain --regid=classchain --init-groups env CLASSCHAIN_JAVA_OPTS=-Djava.awt.headless=true \
    /usr/bin/classchain peer --data-dir /var/lib/classchain --settings /etc/classchain/peer.properties \
    --agent-socket /run/classchain/agent.sock --port 0 --host 127.0.0.1 --join-timeout 30s >"$log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do [ -S /run/classchain/agent.sock ] && break; sleep 0.1; done
[ -S /run/classchain/agent.sock ] || { cat "$log"; fail "the service opened no agent socket"; }
[ "$(stat -c %U /run/classchain/agent.sock)" = classchain ] || fail "the socket is not the service's"
for _ in $(seq 1 300); do ls -A /var/lib/classchain | grep -q . && break; sleep 0.1; done
ls -A /var/lib/classchain | grep -q . || { cat "$log"; fail "the service wrote nothing in /var/lib/classchain"; }
[ "$(stat -c %U "/var/lib/classchain/$(ls -A /var/lib/classchain | head -1)")" = classchain ] || fail "the data is not the service's"
kill "$pid"; wait "$pid" 2>/dev/null || true
rm -f "$log"; rm -rf /run/classchain
touch /var/lib/classchain/kept-by-remove
dpkg -r classchain >/dev/null
[ ! -e /lib/systemd/system/classchain.service ] || fail "remove left the unit"
[ ! -e /usr/bin/classchain ] || fail "remove left /usr/bin/classchain"
[ ! -e "$rule" ] || fail "remove left the polkit rule"
[ -f /var/lib/classchain/kept-by-remove ] || fail "remove deleted the data"
[ -f /etc/classchain/peer.properties ] || fail "remove deleted the settings (a conffile: kept until purge)"
dpkg --purge classchain >/dev/null
[ ! -e /var/lib/classchain ] || fail "purge left /var/lib/classchain"
[ ! -e /etc/classchain ] || fail "purge left /etc/classchain"
! getent passwd classchain >/dev/null || fail "purge left the classchain user"
echo "package check passed: install, systemd-analyze verify, the service's command as classchain, remove (data kept), purge"
