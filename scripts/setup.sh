#!/usr/bin/env bash
# Sets up a Debian 12 / Ubuntu 22.04+ machine for myctr. Run as root; safe to run again.
#
#   scripts/setup.sh main   runtime packages, npm ci + build, a copy of the build in /opt/myctr with a
#                           `myctr` launcher in /usr/local/bin, subuid/subgid ranges for the invoking user
#                           ($SUDO_USER, else a new user myctr-demo), then as that user: bootstrap busybox
#                           and `myctr run --rm busybox echo hello`.
#   scripts/setup.sh test   runtime and test packages, npm ci + build, the test users myctr-test and
#                           myctr-nosub, then unit tests, integration tests as root and integration tests as
#                           myctr-test; prints a summary and exits non-zero if any part failed.
#
# Needs Node.js >= 20.4 already installed; everything else comes from apt and npm. See docs/TESTING.md.
set -euo pipefail

readonly NODE_MIN=20.4
readonly INSTALL_DIR=/opt/myctr
readonly LAUNCHER=/usr/local/bin/myctr
readonly DEMO_USER=myctr-demo
readonly TEST_USER=myctr-test
readonly NOSUB_USER=myctr-nosub
readonly TEST_SUBID_START=200000
readonly SUBID_COUNT=65536

# Packages the engine needs at run time. A missing core package is fatal; the rest warn (passt, for
# example, is not packaged for Ubuntu 22.04).
readonly CORE_PKGS=(uidmap busybox-static util-linux iproute2)
readonly RUNTIME_PKGS=(slirp4netns passt tini catatonit mmdebstrap zstd fuse-overlayfs)
# Extra packages for the test suite; libcap2-bin provides getcap(8) for the newuidmap probe, apache2-utils
# htpasswd(1) for the registry auth tests (the tests start their own docker-registry instances on 127.0.0.1).
readonly TEST_PKGS=(libcap2-bin podman bubblewrap crun skopeo docker-registry apache2-utils iperf3 hyperfine dbus polkitd pkexec)

REPO=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)
readonly REPO
MODE=${1:-}
NODE_BIN=
USER_PATH=
POLICY_RC_D_ADDED=0
CI_COPY=
LOG_DIR=

log() { printf '\n==> %s\n' "$*"; }
info() { printf '    %s\n' "$*"; }
warn() { printf 'WARNING: %s\n' "$*" >&2; }
die() {
  printf 'ERROR: %s\n' "$*" >&2
  exit 1
}

on_exit() {
  if [[ -n $CI_COPY ]]; then rm -rf -- "$CI_COPY"; fi
  if [[ -n $LOG_DIR ]]; then rm -rf -- "$LOG_DIR"; fi
  if ((POLICY_RC_D_ADDED)); then rm -f /usr/sbin/policy-rc.d; fi
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

usage() {
  cat >&2 <<'EOF'
usage: scripts/setup.sh main|test    (as root, e.g. with sudo)
  main  install myctr and its runtime dependencies, then run busybox as you
  test  install test dependencies too and run the whole test suite (root + rootless)
EOF
  exit 2
}

# --- checks ------------------------------------------------------------------------------------------

require_root() {
  ((EUID == 0)) || die "run as root: sudo scripts/setup.sh $MODE"
}

# version_ge A B: dotted version A >= B (major.minor.patch).
version_ge() {
  local -a a b
  local i
  IFS=. read -r -a a <<<"$1"
  IFS=. read -r -a b <<<"$2"
  for i in 0 1 2; do
    if ((${a[i]:-0} > ${b[i]:-0})); then return 0; fi
    if ((${a[i]:-0} < ${b[i]:-0})); then return 1; fi
  done
  return 0
}

check_node() {
  log "checking Node.js (>= $NODE_MIN)"
  local hint="Install Node.js >= $NODE_MIN first (Debian 12's own nodejs package is 18, too old; use e.g. \
NodeSource's nodejs 20 or 22). If node is installed for your user only (nvm), keep your PATH under sudo: \
sudo env \"PATH=\$PATH\" scripts/setup.sh $MODE"
  NODE_BIN=$(command -v node || true)
  [[ -n $NODE_BIN ]] || die "node not found in PATH. $hint"
  local version
  version=$("$NODE_BIN" -p 'process.versions.node') || die "\`$NODE_BIN -p process.versions.node\` failed. $hint"
  version_ge "$version" "$NODE_MIN" || die "node $version at $NODE_BIN is too old. $hint"
  command -v npm >/dev/null || die "npm not found in PATH (it ships with Node.js). $hint"
  # Processes started as other users get this PATH, with the node that passed the check first.
  USER_PATH="$(dirname -- "$NODE_BIN"):/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
  info "node $version ($NODE_BIN), npm $(npm --version)"
}

# --- packages ----------------------------------------------------------------------------------------

pkg_installed() {
  [[ $(dpkg-query -W -f='${db:Status-Status}' -- "$1" 2>/dev/null || true) == installed ]]
}

pkg_available() {
  local candidate
  candidate=$(apt-cache policy -- "$1" 2>/dev/null | awk '/Candidate:/ { print $2 }')
  [[ -n $candidate && $candidate != "(none)" ]]
}

apt_install() {
  apt-get install -y -q --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "$@"
}

# Without systemd (containers, CI machines) package scripts would start services through init scripts,
# e.g. docker-registry on :5000, which tests start themselves when they need a registry. policy-rc.d(8)
# exit 101 forbids that for the duration of this script.
block_service_starts() {
  if [[ -d /run/systemd/system || -e /usr/sbin/policy-rc.d ]]; then return 0; fi
  printf '#!/bin/sh\n# temporary, from myctr scripts/setup.sh\nexit 101\n' >/usr/sbin/policy-rc.d
  chmod 0755 /usr/sbin/policy-rc.d
  POLICY_RC_D_ADDED=1
}

# install_packages REQUIRED... -- OPTIONAL...: a missing optional package is a warning.
install_packages() {
  local -a required=() optional=() todo=() todo_optional=()
  local p in_optional=0
  for p in "$@"; do
    if [[ $p == -- ]]; then
      in_optional=1
    elif ((in_optional)); then
      optional+=("$p")
    else
      required+=("$p")
    fi
  done

  log "apt packages: ${required[*]} ${optional[*]}"
  local missing=()
  for p in "${required[@]}" "${optional[@]}"; do
    if ! pkg_installed "$p"; then missing+=("$p"); fi
  done
  if ((${#missing[@]} == 0)); then
    info "all installed"
    return 0
  fi
  info "not installed yet: ${missing[*]}"

  export DEBIAN_FRONTEND=noninteractive
  block_service_starts
  apt-get update -q -o Acquire::Retries=3 || die "apt-get update failed"
  for p in "${missing[@]}"; do
    if [[ " ${optional[*]} " == *" $p "* ]]; then
      if pkg_available "$p"; then
        todo_optional+=("$p")
      else
        warn "optional package $p is not available from apt here; tests needing it skip (or fail under MYCTR_TEST_MUST_WORK=1)"
      fi
    else
      pkg_available "$p" || die "package $p is not available from apt; check /etc/apt/sources.list"
      todo+=("$p")
    fi
  done

  local all=("${todo[@]}" "${todo_optional[@]}")
  if ((${#all[@]} == 0)); then return 0; fi
  info "installing: ${all[*]}"
  if apt_install "${all[@]}"; then return 0; fi
  # One broken optional package must not block the rest: retry required ones together, optional singly.
  warn "installing everything at once failed; retrying package by package"
  if ((${#todo[@]})); then apt_install "${todo[@]}" || die "could not install: ${todo[*]}"; fi
  for p in "${todo_optional[@]}"; do
    apt_install "$p" || warn "could not install optional package $p"
  done
}

# --- build -------------------------------------------------------------------------------------------

# Runs a command in the checkout as the checkout's owner, so `sudo scripts/setup.sh` leaves no root-owned
# node_modules or dist behind in a developer's tree. In CI the owner is root.
as_checkout_owner() {
  local uid gid
  uid=$(stat -c %u -- "$REPO")
  gid=$(stat -c %g -- "$REPO")
  if ((uid == 0)); then
    (cd -- "$REPO" && "$@")
  elif ! getent passwd "$uid" >/dev/null; then
    warn "the checkout's owner (uid $uid) has no passwd entry; running as root"
    (cd -- "$REPO" && "$@")
  else
    # setpriv --reset-env drops everything; carry over what npm needs to reach the registry.
    local -a vars=(PATH="$USER_PATH") v
    for v in TERM http_proxy https_proxy no_proxy HTTP_PROXY HTTPS_PROXY NO_PROXY; do
      if [[ -n ${!v:-} ]]; then vars+=("$v=${!v}"); fi
    done
    (cd -- "$REPO" && setpriv --reuid="$uid" --regid="$gid" --init-groups --reset-env env "${vars[@]}" "$@")
  fi
}

build() {
  log "npm ci"
  as_checkout_owner npm ci --no-audit --no-fund || die "npm ci failed"
  log "npm run build"
  as_checkout_owner npm run build || die "npm run build failed"
}

# --- users -------------------------------------------------------------------------------------------

# ensure_user NAME: a normal user with a home in /home. useradd would allocate subordinate ids on its own
# (SUB_UID_COUNT in login.defs); -K ...=0 turns that off so ensure_subids/remove_subids decide.
ensure_user() {
  local name=$1
  if id -u -- "$name" >/dev/null 2>&1; then
    info "user $name exists (uid $(id -u -- "$name"))"
  else
    useradd --create-home --home-dir "/home/$name" --shell /bin/bash \
      -K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0 -- "$name"
    info "created user $name (uid $(id -u -- "$name"))"
  fi
  local home
  home=$(getent passwd -- "$name" | cut -d: -f6)
  if [[ ! -d $home ]]; then
    install -d -m 0750 -o "$(id -u -- "$name")" -g "$(id -g -- "$name")" -- "$home"
  fi
}

# subid_lines FILE USER UID: the user's lines in /etc/subuid or /etc/subgid (by name or by uid).
subid_lines() {
  awk -F: -v u="$2" -v id="$3" '$1 == u || $1 == id' "$1" 2>/dev/null || true
}

# free_subid_start FILE PREFERRED: PREFERRED if [PREFERRED, +SUBID_COUNT) overlaps no range in FILE
# (0 = no preference), else the first id above every range and at least 100000.
free_subid_start() {
  awk -F: -v want="$2" -v n="$SUBID_COUNT" '
    NF == 3 && $2 ~ /^[0-9]+$/ && $3 ~ /^[0-9]+$/ { k++; s[k] = $2; e[k] = $2 + $3 }
    END {
      if (want > 0) {
        ok = 1
        for (i = 1; i <= k; i++) if (want < e[i] && s[i] < want + n) ok = 0
        if (ok) { print want; exit }
      }
      top = 100000
      for (i = 1; i <= k; i++) if (e[i] > top) top = e[i]
      print top
    }' "$1"
}

# ensure_subids USER [PREFERRED_START]: give USER SUBID_COUNT subordinate uids and gids unless it has some.
# Ranges never overlap another user's: overlapping users could reach each other's container files.
ensure_subids() {
  local user=$1 preferred=${2:-0} uid kind file start lines
  uid=$(id -u -- "$user")
  for kind in uid gid; do
    file=/etc/sub$kind
    [[ -e $file ]] || install -m 0644 /dev/null "$file"
    lines=$(subid_lines "$file" "$user" "$uid")
    if [[ -n $lines ]]; then
      info "$file: $user already has $(tr '\n' ' ' <<<"$lines")"
      continue
    fi
    start=$(free_subid_start "$file" "$preferred")
    if ((preferred > 0 && start != preferred)); then
      warn "$file: $preferred:$SUBID_COUNT overlaps another user's range; using $start:$SUBID_COUNT for $user"
    fi
    if ! usermod "--add-sub${kind}s" "$start-$((start + SUBID_COUNT - 1))" -- "$user" 2>/dev/null; then
      printf '%s:%s:%s\n' "$user" "$start" "$SUBID_COUNT" >>"$file"
    fi
    info "$file: added $user:$start:$SUBID_COUNT"
  done
}

# remove_subids USER: no subordinate ids at all (the single-mapping fallback tests need such a user).
remove_subids() {
  local user=$1 uid file kept
  uid=$(id -u -- "$user")
  for file in /etc/subuid /etc/subgid; do
    [[ -e $file && -n $(subid_lines "$file" "$user" "$uid") ]] || continue
    kept=$(awk -F: -v u="$user" -v id="$uid" '!($1 == u || $1 == id)' "$file")
    # Rewrite in place (not mv) to keep the file's owner and mode.
    if [[ -n $kept ]]; then printf '%s\n' "$kept" >"$file"; else : >"$file"; fi
    info "$file: removed $user's ranges"
  done
  info "$user has no subordinate ids"
}

# ensure_runtime_dir USER: /run/user/<uid>, mode 0700, owned by USER (what pam_systemd would provide).
ensure_runtime_dir() {
  local uid gid
  uid=$(id -u -- "$1")
  gid=$(id -g -- "$1")
  [[ -d /run/user ]] || install -d -m 0755 /run/user
  install -d -m 0700 -o "$uid" -g "$gid" "/run/user/$uid"
  info "/run/user/$uid ready for $1"
}

# run_as USER DIR CMD...: CMD as USER (with USER's groups) in DIR, with a clean environment that carries
# only what the tests and the CLI read.
run_as() {
  local user=$1 dir=$2
  shift 2
  local uid gid home
  uid=$(id -u -- "$user")
  gid=$(id -g -- "$user")
  home=$(getent passwd -- "$user" | cut -d: -f6)
  local -a vars=(HOME="$home" USER="$user" LOGNAME="$user" PATH="$USER_PATH" XDG_RUNTIME_DIR="/run/user/$uid")
  local v
  for v in MYCTR_TEST_MUST_WORK MYCTR_TEST_SLOW MYCTR_TEST_FILTER CI TERM; do
    if [[ -n ${!v:-} ]]; then vars+=("$v=${!v}"); fi
  done
  vars+=(npm_config_update_notifier=false npm_config_fund=false)
  (cd -- "$dir" && setpriv --reuid="$uid" --regid="$gid" --init-groups --reset-env env "${vars[@]}" "$@")
}

# --- host tweaks -------------------------------------------------------------------------------------

# slirp4netns and pasta open /dev/net/tun as the unprivileged user. Debian's udev rule makes it 0666;
# some machines (and containers without udev) have 0600 or no node at all. Not persistent across reboots.
fix_dev_net_tun() {
  log "/dev/net/tun"
  if [[ ! -c /dev/net/tun ]]; then
    mkdir -p /dev/net
    if ! mknod -m 0666 /dev/net/tun c 10 200; then
      warn "cannot create /dev/net/tun; rootless networking will not work"
      return 0
    fi
  fi
  chmod 0666 /dev/net/tun || warn "cannot chmod /dev/net/tun"
  info "$(stat -c '%A %n' /dev/net/tun)"
}

# fuse-overlayfs (the rootfs driver when kernel overlay is refused) opens /dev/fuse as the user. Debian's udev
# rule makes it 0666; machines without udev may have 0600. Not persistent across reboots.
fix_dev_fuse() {
  log "/dev/fuse"
  if [[ ! -c /dev/fuse ]]; then
    if ! mknod -m 0666 /dev/fuse c 10 229; then
      warn "cannot create /dev/fuse; the fuse-overlayfs storage driver will not work"
      return 0
    fi
  fi
  chmod 0666 /dev/fuse || warn "cannot chmod /dev/fuse"
  info "$(stat -c '%A %n' /dev/fuse)"
}

# --- main mode ---------------------------------------------------------------------------------------

# The launcher runs a root-owned copy in /opt/myctr, not the checkout: checkouts often sit in a home
# directory other users cannot read (CI clones under /root, mode 0700), and users must not be able to
# modify code that root also runs. Re-run `sudo scripts/setup.sh main` to update the copy.
install_launcher() {
  log "installing $INSTALL_DIR and $LAUNCHER"
  [[ -f $REPO/dist/client/cli/main.cjs && -x $REPO/dist/client/cli/myctr ]] || die "build produced no dist/client/cli/main.cjs and myctr"
  local staging=$INSTALL_DIR.new p
  rm -rf -- "$staging"
  install -d -m 0755 -- "$staging"
  for p in dist node_modules package.json package-lock.json polkit; do
    if [[ -e $REPO/$p ]]; then cp -a -- "$REPO/$p" "$staging/"; fi
  done
  chown -R root:root -- "$staging"
  chmod -R u+rwX,go+rX,go-w -- "$staging"
  rm -rf -- "$INSTALL_DIR"
  mv -- "$staging" "$INSTALL_DIR"
  # Sourced rather than exec'd, which saves a shell start on every command (client/launch/myctr.sh).
  cat >"$LAUNCHER.new" <<EOF
#!/bin/sh
# myctr launcher, written by scripts/setup.sh main; runs the build copied to $INSTALL_DIR.
myctr_dir=$INSTALL_DIR/dist/client/cli MYCTR_NODE=\${MYCTR_NODE:-$NODE_BIN}
. "\$myctr_dir/myctr"
EOF
  chmod 0755 "$LAUNCHER.new"
  mv -f -- "$LAUNCHER.new" "$LAUNCHER"
  info "$LAUNCHER -> $INSTALL_DIR/dist/client/cli/myctr (node: $NODE_BIN)"
}

mode_main() {
  require_root
  check_node
  install_packages "${CORE_PKGS[@]}" -- "${RUNTIME_PKGS[@]}"
  build
  install_launcher
  fix_dev_net_tun
  fix_dev_fuse

  local user
  log "user"
  if [[ -n ${SUDO_USER:-} && $SUDO_USER != root ]]; then
    user=$SUDO_USER
    info "using \$SUDO_USER: $user"
  else
    user=$DEMO_USER
    ensure_user "$user"
  fi
  ensure_subids "$user"
  ensure_runtime_dir "$user"

  local home images out
  home=$(getent passwd -- "$user" | cut -d: -f6)
  log "myctr images (as $user)"
  images=$(run_as "$user" "$home" "$LAUNCHER" images) || die "\`myctr images\` failed as $user"
  printf '%s\n' "$images"
  if grep -Eq '(^|[[:space:]/])busybox([[:space:]:]|$)' <<<"$images"; then
    info "busybox is already there; skipping bootstrap"
  else
    log "myctr bootstrap busybox (as $user)"
    run_as "$user" "$home" "$LAUNCHER" bootstrap busybox || die "\`myctr bootstrap busybox\` failed as $user"
  fi
  log "myctr run --rm busybox echo hello (as $user)"
  out=$(run_as "$user" "$home" "$LAUNCHER" run --rm busybox echo hello) ||
    die "\`myctr run --rm busybox echo hello\` failed as $user"
  printf '%s\n' "$out"
  grep -qx hello <<<"$out" || die "expected a line \`hello\`, got \`$out\`"
  log "done: myctr works for $user (try: myctr run -it --rm busybox sh)"
}

# --- test mode ---------------------------------------------------------------------------------------

# A root-owned, world-readable copy of the built checkout for the integration runs. The rootless run
# cannot read a checkout under /root, and root-run tests that switch to myctr-nosub need the same.
make_readable_copy() {
  CI_COPY=$(mktemp -d /var/tmp/myctr-ci.XXXXXX)
  local p
  shopt -s nullglob
  for p in dist node_modules test scripts package.json package-lock.json "$REPO"/tsconfig*.json \
    client sys protocol helper polkit; do
    p=${p#"$REPO"/}
    if [[ -e $REPO/$p ]]; then cp -a -- "$REPO/$p" "$CI_COPY/"; fi
  done
  shopt -u nullglob
  chown -R root:root -- "$CI_COPY"
  chmod -R a+rX,go-w -- "$CI_COPY"
  info "copied the built checkout to $CI_COPY"
}

PHASES=()
RESULTS=()

# run_phase NAME CMD...: runs one part of the suite, keeps its output for the summary, never aborts.
run_phase() {
  local name=$1 logf
  shift
  logf="$LOG_DIR/phase-${#PHASES[@]}.log"
  log "$name"
  local rc=0 start=$SECONDS
  "$@" 2>&1 | tee -- "$logf" || rc=$?
  local counts
  counts=$(awk '/^# (pass|fail|skipped|cancelled|todo) [0-9]+$/ { n[$2] += $3; seen = 1 }
    END { if (seen) printf "pass %d, fail %d, skipped %d, cancelled %d, todo %d", n["pass"], n["fail"], n["skipped"], n["cancelled"], n["todo"] }' "$logf")
  if [[ -z $counts ]]; then counts=$(grep -v '^[[:space:]]*$' -- "$logf" | tail -n 1 | cut -c1-100 || true); fi
  PHASES+=("$name")
  if ((rc == 0)); then
    RESULTS+=("PASS  ($counts; $((SECONDS - start)) s)")
  else
    RESULTS+=("FAIL  exit $rc ($counts; $((SECONDS - start)) s)")
  fi
  return 0
}

print_environment() {
  log "environment"
  # shellcheck disable=SC1091
  info "kernel $(uname -r), $(. /etc/os-release && echo "$PRETTY_NAME")"
  info "CI=${CI:-} MYCTR_TEST_MUST_WORK=${MYCTR_TEST_MUST_WORK:-0} MYCTR_TEST_FILTER=${MYCTR_TEST_FILTER:-}"
  info "cgroup: $(stat -fc %T /sys/fs/cgroup 2>/dev/null || echo unknown), pid 1: $(cat /proc/1/comm 2>/dev/null || echo unknown)"
}

# shellcheck disable=SC2016 # the single-quoted scripts expand in the child shell
mode_test() {
  require_root
  check_node
  install_packages "${CORE_PKGS[@]}" -- "${RUNTIME_PKGS[@]}" "${TEST_PKGS[@]}"
  build

  log "test users"
  ensure_user "$TEST_USER"
  ensure_subids "$TEST_USER" "$TEST_SUBID_START"
  ensure_user "$NOSUB_USER"
  remove_subids "$NOSUB_USER"
  ensure_runtime_dir "$TEST_USER"
  ensure_runtime_dir "$NOSUB_USER"
  fix_dev_net_tun
  fix_dev_fuse

  # In CI a skip would hide a broken feature: turn every probe-based skip into a failure.
  # In CI nothing may skip, and the slow tests (a Debian bootstrap through Debian's mirrors) run too.
  if [[ ${CI:-} == true ]]; then export MYCTR_TEST_MUST_WORK=1 MYCTR_TEST_SLOW=1; fi
  print_environment

  LOG_DIR=$(mktemp -d /tmp/myctr-setup-logs.XXXXXX)
  log "preparing a readable copy for the integration runs"
  make_readable_copy

  run_phase "unit tests (root)" bash -c 'cd -- "$1" && npm run test:unit' _ "$REPO"
  run_phase "integration tests (root)" bash -c 'cd -- "$1" && echo "running as: $(id)" && npm run test:integration' _ "$CI_COPY"
  run_phase "integration tests ($TEST_USER, rootless)" \
    run_as "$TEST_USER" "$CI_COPY" sh -c 'echo "running as: $(id)"; exec npm run test:integration'

  log "summary"
  local i failed=0
  for i in "${!PHASES[@]}"; do
    printf '    %-40s %s\n' "${PHASES[i]}" "${RESULTS[i]}"
    if [[ ${RESULTS[i]} == FAIL* ]]; then failed=1; fi
  done
  if ((failed)); then
    printf '\nFAILED\n'
    exit 1
  fi
  printf '\nALL PASSED\n'
}

case $MODE in
  main) mode_main ;;
  test) mode_test ;;
  *) usage ;;
esac
