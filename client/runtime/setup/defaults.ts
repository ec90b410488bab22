// Podman's defaults (containers/common pkg/config): the capability set a container gets and the /proc and
// /sys paths that are masked or made read-only unless --privileged.

export const DEFAULT_CAPABILITIES = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL', 'CAP_NET_BIND_SERVICE',
  'CAP_SETFCAP', 'CAP_SETGID', 'CAP_SETPCAP', 'CAP_SETUID', 'CAP_SYS_CHROOT',
] as const;

export const MASKED_PATHS = [
  '/proc/acpi', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/sched_debug', '/proc/scsi',
  '/proc/timer_list', '/proc/timer_stats', '/proc/interrupts', '/sys/dev/block', '/sys/devices/virtual/powercap',
  '/sys/firmware', '/sys/fs/selinux',
] as const;

export const READONLY_PATHS = [
  '/proc/asound', '/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger',
] as const;

/** Device nodes bind-mounted from the host into the minimal /dev (mknod is not allowed in a user namespace). */
export const DEV_NODES = ['null', 'zero', 'full', 'random', 'urandom', 'tty'] as const;

export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
