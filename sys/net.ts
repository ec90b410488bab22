// Network-namespace basics that need no netlink: bringing an interface up (netdevice(7) SIOCGIFFLAGS /
// SIOCSIFFLAGS on a throwaway AF_INET socket), and a listening TCP socket as a plain fd (to hand to a child).
import { check } from './check.js';
import * as libc from './libc.js';
import { AF_INET, SOCK, SOL_SOCKET, SO_REUSEADDR } from './constants.js';

const SIOCGIFFLAGS = 0x8913;
const SIOCSIFFLAGS = 0x8914;
const IFF_UP = 0x1;
const IFNAMSIZ = 16;
// struct ifreq: char ifr_name[16]; union { short ifr_flags; … } padded to 40 bytes on 64-bit.
const IFREQ_SIZE = 40;

/** Sets IFF_UP on `ifname` in the caller's network namespace (a new netns starts with `lo` down). */
export function interfaceUp(ifname: string): void {
  if (Buffer.byteLength(ifname) >= IFNAMSIZ) throw new Error(`interface name \`${ifname}\` is too long`);
  const fd = check('socket', 'AF_INET/SOCK_DGRAM', libc.socket(AF_INET, SOCK.DGRAM | SOCK.CLOEXEC, 0));
  try {
    const req = Buffer.alloc(IFREQ_SIZE);
    req.write(ifname, 0, 'utf8');
    check('ioctl', `SIOCGIFFLAGS \`${ifname}\``, libc.ioctl(fd, SIOCGIFFLAGS, 'void *', req));
    req.writeInt16LE(req.readInt16LE(IFNAMSIZ) | IFF_UP, IFNAMSIZ);
    check('ioctl', `SIOCSIFFLAGS \`${ifname}\``, libc.ioctl(fd, SIOCSIFFLAGS, 'void *', req));
  } finally {
    libc.close(fd);
  }
}

/**
 * A listening IPv4 TCP socket on `ip`:`port`, close-on-exec, as a plain fd that no event loop watches (so
 * nothing here accepts on it): for a child process to inherit. EADDRINUSE and the like throw SyscallError.
 */
export function listenTcp4(ip: string, port: number, backlog = 511): number {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((n) => !Number.isInteger(n) || n < 0 || n > 255)) throw new Error(`\`${ip}\` is not an IPv4 address`);
  const fd = check('socket', 'AF_INET/SOCK_STREAM', libc.socket(AF_INET, SOCK.STREAM | SOCK.CLOEXEC, 0));
  try {
    const on = Buffer.alloc(4);
    on.writeInt32LE(1);
    // As Node's own listening sockets: a port in TIME_WAIT from an earlier run can be bound again.
    check('setsockopt', 'SO_REUSEADDR', libc.setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, on, 4));
    const addr = Buffer.alloc(16);
    addr.writeUInt16LE(AF_INET, 0);
    addr.writeUInt16BE(port, 2);
    parts.forEach((n, i) => addr.writeUInt8(n, 4 + i));
    check('bind', `${ip}:${port}`, libc.bind(fd, addr, 16));
    check('listen', `${ip}:${port}`, libc.listen(fd, backlog));
    return fd;
  } catch (err) {
    libc.close(fd);
    throw err;
  }
}
