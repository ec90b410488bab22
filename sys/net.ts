// Network-namespace basics that need no netlink: bringing an interface up (netdevice(7) SIOCGIFFLAGS /
// SIOCSIFFLAGS on a throwaway AF_INET socket).
import { check } from './check.js';
import * as libc from './libc.js';
import { SOCK } from './constants.js';

const AF_INET = 2;
const SOCK_DGRAM = 2;
const SIOCGIFFLAGS = 0x8913;
const SIOCSIFFLAGS = 0x8914;
const IFF_UP = 0x1;
const IFNAMSIZ = 16;
// struct ifreq: char ifr_name[16]; union { short ifr_flags; … } padded to 40 bytes on 64-bit.
const IFREQ_SIZE = 40;

/** Sets IFF_UP on `ifname` in the caller's network namespace (a new netns starts with `lo` down). */
export function interfaceUp(ifname: string): void {
  if (Buffer.byteLength(ifname) >= IFNAMSIZ) throw new Error(`interface name \`${ifname}\` is too long`);
  const fd = check('socket', 'AF_INET/SOCK_DGRAM', libc.socket(AF_INET, SOCK_DGRAM | SOCK.CLOEXEC, 0));
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
