#!/bin/sh
# myctr: the command (package.json `bin`), made into dist/client/cli/myctr by scripts/bundle.ts.
# It runs the CLI, `node main.cjs "$@"` beside it. For a foreground `myctr run` it first starts the container's
# stage 0 in the background, as the CLI would (setpriv → unshare → sh → the container init), so that
# the init's Node start-up runs beside the CLI's instead of after it (docs/ARCHITECTURE.md, "Start-up cost").
# Stage 0 and the CLI share three FIFOs, unlinked as soon as both hold them: the sync channel's two
# directions and stage 0's exit status. The CLI adopts stage 0 (MYCTR_EARLY_STAGE0 names it and, rootless,
# the process that writes its id map), or kills it when the run does not fit after all
# (client/runtime/start/early-stage0.ts, client/cli/early-init.ts). A guess costs a killed process, never
# behaviour. MYCTR_EARLY=0 turns this off; MYCTR_NODE names the node binary (default: node on PATH).
# Everything here is a shell built-in but `mkfifo` (and `readlink` for a symlinked command): it runs before
# every myctr command; the rest happens in background subshells.

myctr_node=${MYCTR_NODE:-node}
if [ -z "${myctr_dir-}" ]; then # a wrapper that sources this file sets it (scripts/setup.sh)
  myctr_dir=$0
  if [ -L "$myctr_dir" ]; then myctr_dir=$(readlink -f -- "$myctr_dir"); fi
  case $myctr_dir in */*) myctr_dir=${myctr_dir%/*} ;; *) myctr_dir=. ;; esac
fi
unset MYCTR_EARLY_STAGE0

# The scripts of the stage-0 shell, from stage0Script() (client/runtime/start/stage0.ts) at build time.
myctr_stage0_root=@STAGE0_ROOT@
myctr_stage0_userns=@STAGE0_USERNS@

# A run without a terminal, -d, a restart policy or the host's network? Only a guess: the CLI decides.
# myctr_nettool is emptied for `--network none`: no network tool for the mapper to start (below).
myctr_early_fits() {
  [ "${1-}" = run ] && [ "${MYCTR_EARLY-1}" != 0 ] || return 1
  shift
  myctr_nettool=1 myctr_prev=
  for myctr_a do
    case $myctr_a in
      --) return 0 ;;
      --tty | --detach | --restart | --restart=* | --network=host | --net=host | host | --help) return 1 ;;
      --network=none | --net=none) myctr_nettool= ;;
      none) case $myctr_prev in --network | --net) myctr_nettool= ;; esac ;;
      --*) ;;
      -*[td]*) return 1 ;; # -t, -d, -it, …
    esac
    myctr_prev=$myctr_a
  done
}

# Rootless: the `newuidmap`/`newgidmap` arguments of the CLI's plan (client/runtime/idmap.ts: container 0 →
# the user, 1.. → their /etc/subuid and /etc/subgid ranges in file order), or failure when there is no range.
# The CLI checks the map that results against its own plan and starts over on any difference.
myctr_ranges() { # file uid name
  myctr_r= myctr_inner=1
  while IFS=: read -r myctr_o myctr_s myctr_c || [ -n "$myctr_o" ]; do # (a last line without newline too)
    case $myctr_o in "$2" | "$3") ;; *) continue ;; esac
    case $myctr_s$myctr_c in '' | *[!0-9]*) continue ;; esac
    [ "$myctr_c" -gt 0 ] 2>/dev/null || continue
    myctr_r="$myctr_r $myctr_inner $myctr_s $myctr_c" myctr_inner=$((myctr_inner + myctr_c))
  done <"$1"
  [ -n "$myctr_r" ]
}

myctr_idmap_args() { # with myctr_uid and myctr_gid set
  myctr_name=
  while IFS=: read -r myctr_n _ myctr_u _ || [ -n "$myctr_n" ]; do
    if [ "$myctr_u" = "$myctr_uid" ]; then myctr_name=$myctr_n; break; fi
  done </etc/passwd
  myctr_ranges /etc/subuid "$myctr_uid" "${myctr_name:-$myctr_uid}" || return 1
  myctr_umap="0 $myctr_uid 1$myctr_r"
  myctr_ranges /etc/subgid "$myctr_uid" "${myctr_name:-$myctr_uid}" || return 1
  myctr_gmap="0 $myctr_gid 1$myctr_r"
}

myctr_start_early() {
  myctr_uid= myctr_euid= myctr_gid=
  while read -r myctr_k myctr_real myctr_e _; do
    case $myctr_k in Uid:) myctr_uid=$myctr_real myctr_euid=$myctr_e ;; Gid:) myctr_gid=$myctr_real; break ;; esac
  done </proc/self/status
  if [ "$myctr_euid" = 0 ]; then
    myctr_ns='--mount --pid --uts --ipc --cgroup --net' myctr_userns=0 myctr_script=$myctr_stage0_root
    myctr_fifo=/run/myctr-early.$$ myctr_cache=/var/cache/myctr/code
  else
    [ -n "${XDG_RUNTIME_DIR-}" ] && [ -d "$XDG_RUNTIME_DIR" ] && myctr_idmap_args || return 1
    myctr_ns='--user --mount --pid --uts --ipc --cgroup --net' myctr_userns=1 myctr_script=$myctr_stage0_userns
    myctr_fifo=$XDG_RUNTIME_DIR/myctr-early.$$ myctr_cache=${XDG_CACHE_HOME:-${HOME:-/nonexistent}/.cache}/myctr/code
  fi
  # Rootless, the mapper stays to start one host-side program for the CLI (its network tool): two more FIFOs.
  myctr_net=
  [ "$myctr_userns" = 1 ] && [ -n "$myctr_nettool" ] && myctr_net="$myctr_fifo.ncmd $myctr_fifo.nevt"
  # The FIFOs: this shell opens them read-write (which never blocks) and keeps them for the CLI, which
  # exec's here; stage 0 opens its ends by name, and the CLI unlinks them once it sees them held. So the CLI
  # is the sync channel's only lasting writer and reader: once it is gone, at any moment, stage 0 and the
  # init read EOF and exit.
  # The container's stdin (-i) goes through fd 7, as an asynchronous list's stdin is /dev/null.
  # shellcheck disable=SC2086 # $myctr_net: two paths without spaces, or nothing
  LC_ALL=C mkfifo -m 600 "$myctr_fifo.in" "$myctr_fifo.out" "$myctr_fifo.exit" $myctr_net 2>/dev/null || return 1
  { command exec 3<>"$myctr_fifo.in" 4<>"$myctr_fifo.out" 5<>"$myctr_fifo.exit" 7<&0 &&
    if [ -n "$myctr_net" ]; then command exec 8<>"$myctr_fifo.ncmd" 9<>"$myctr_fifo.nevt"; fi; } 2>/dev/null || {
    # shellcheck disable=SC2086
    LC_ALL=C rm -f "$myctr_fifo.in" "$myctr_fifo.out" "$myctr_fifo.exit" $myctr_net
    return 1
  }
  (
    exec 0<&7 7<&- 8<&- 9<&- 3<"$myctr_fifo.in" 4>"$myctr_fifo.out" 5>"$myctr_fifo.exit"
    # FIFOs of a command that was killed between its mkfifo and this point: their process is gone.
    for myctr_f in "${myctr_fifo%.*}".*.*; do
      myctr_p=${myctr_f%.*} myctr_p=${myctr_p##*.}
      case $myctr_p in '' | *[!0-9]*) continue ;; esac
      [ -p "$myctr_f" ] && ! [ -d "/proc/$myctr_p" ] && rm -f "$myctr_f"
    done
    # The CLI's clean environment for the init (client/runtime/start/init-process.ts), with the cache directory
    # that the CLI would pass (cacheDir() in client/launch/bundle-launcher.cts: the init, uid 0, cannot tell).
    exec env -i PATH="$PATH" MYCTR_INIT_USERNS=$myctr_userns MYCTR_INIT_SYNC_OUT=4 \
      MYCTR_CODE_CACHE="${MYCTR_CODE_CACHE:-$myctr_cache}" \
      setpriv --pdeathsig KILL -- unshare $myctr_ns -- \
      /bin/sh -c "$myctr_script" myctr-stage0 "$myctr_node" "$myctr_dir/../runtime/init/main.cjs"
  ) &
  MYCTR_EARLY_STAGE0=$!
  if [ "$myctr_userns" = 1 ]; then
    # The mapper answers stage 0's map request ("m" line) with the map written, or kills it. The CLI reads
    # the sync FIFO only once the map is there, so this is the request's only reader. Its own ends of the
    # FIFOs go one way each (reopened), so that it reads EOF when stage 0 is gone; it dies with the CLI.
    # Then, unless the run has no network tool ($4 empty: no FIFOs for it), it closes stage 0's FIFOs and
    # waits for one line on the command FIFO (fd 8): a file for stderr and the argv of a program to exec, in
    # words without spaces (client/runtime/start/host-spawner.ts), or nothing (EOF) and it exits. The
    # program gets the command FIFO as fd 3 (EOF once the CLI is gone) and the event FIFO, which the CLI
    # reads, as fd 4 (its ready fd, which slirp4netns closes once it wrote) and 5 (kept for its lifetime:
    # its exit is EOF there); SIGINT and SIGQUIT stay ignored, as in this background job.
    # shellcheck disable=SC2016 # expanded by the mapper's shell
    setpriv --pdeathsig KILL -- /bin/sh -c '
      exec 4</proc/self/fd/4 3>/proc/self/fd/3 5>&-
      [ -z "$4" ] || exec 8</proc/self/fd/8 9>/proc/self/fd/9
      read -r _ <&4 || exit 1
      newuidmap "$1" $2 2>/dev/null & p=$!
      if newgidmap "$1" $3 2>/dev/null && wait "$p"; then echo >&3; else kill -9 "$1"; exit 1; fi
      [ -n "$4" ] || exit 0
      exec 3>&- 4<&-
      read -r e c <&8 && [ -n "$c" ] || exit 0
      set -f
      exec $c >/dev/null 2>"$e" 3<&8 4>&9 5>&9 8<&- 9>&-' \
      myctr-mapper "$MYCTR_EARLY_STAGE0" "$myctr_umap" "$myctr_gmap" "$myctr_net" </dev/null 7<&- &
    MYCTR_EARLY_STAGE0="$MYCTR_EARLY_STAGE0 $!"
  fi
  export MYCTR_EARLY_STAGE0
  exec 7<&-
}

if myctr_early_fits "$@"; then myctr_start_early; fi
exec "$myctr_node" "$myctr_dir/main.cjs" "$@"
