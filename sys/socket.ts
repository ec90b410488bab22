// Unix socket wrappers: socketpair, fd passing (SCM_RIGHTS) and SO_PEERCRED. The msghdr/cmsg buffers are
// built by hand; the LP64 layouts are identical on x86_64 and aarch64. Sockets must be blocking.
import { MyctrError } from '../client/runtime/errors.js';
import { check, retryOnEintr } from './check.js';
import { AF_UNIX, MSG, SCM_RIGHTS, SOCK, SOL_SOCKET, SO_PEERCRED } from './constants.js';
import { close } from './fd.js';
import * as libc from './libc.js';

/** sizeof(struct cmsghdr): size_t cmsg_len, int cmsg_level, int cmsg_type. */
const CMSG_HDR = 16;
/** Data read per recvFds() call; callers frame their own messages on top. */
const RECV_BUFFER = 64 * 1024;

const align8 = (n: number): number => (n + 7) & ~7;
/** CMSG_SPACE(3): room for one control message carrying `n` bytes. */
const cmsgSpace = (n: number): number => CMSG_HDR + align8(n);

/** The credentials of the process on the other end of a unix socket, taken at connect()/socketpair() time. */
export interface PeerCred {
  pid: number;
  uid: number;
  gid: number;
}

/** socketpair(2): a connected AF_UNIX SOCK_STREAM pair, both ends close-on-exec and blocking. */
export function socketpair(): [number, number] {
  const sv = new Int32Array(2);
  check('socketpair', 'AF_UNIX SOCK_STREAM', libc.socketpair(AF_UNIX, SOCK.STREAM | SOCK.CLOEXEC, 0, sv));
  return [sv[0]!, sv[1]!];
}

function msghdr(data: Buffer, control: Buffer | null): libc.MsghdrArg {
  return {
    msg_name: null,
    msg_namelen: 0,
    msg_iov: [{ iov_base: data, iov_len: data.length }],
    msg_iovlen: 1,
    msg_control: control,
    msg_controllen: control?.length ?? 0,
    msg_flags: 0,
  };
}

/**
 * Sends `data` with `fds` attached as one SCM_RIGHTS message (sendmsg(2), MSG_NOSIGNAL). `data` must not be
 * empty: a stream socket carries no ancillary data without at least one byte. Blocks until all of `data`
 * is written; the fds travel with the first chunk.
 */
export function sendFds(sock: number, fds: readonly number[], data: Buffer): void {
  if (data.length === 0) throw new RangeError('sendFds: data must be at least one byte');
  let control: Buffer | null = null;
  if (fds.length) {
    control = Buffer.alloc(cmsgSpace(4 * fds.length));
    control.writeBigUInt64LE(BigInt(CMSG_HDR + 4 * fds.length), 0); // CMSG_LEN
    control.writeInt32LE(SOL_SOCKET, 8);
    control.writeInt32LE(SCM_RIGHTS, 12);
    fds.forEach((fd, i) => control!.writeInt32LE(fd, CMSG_HDR + 4 * i));
  }
  let sent = 0;
  while (sent < data.length) {
    const chunk = data.subarray(sent);
    const ctl = sent === 0 ? control : null;
    sent += Number(retryOnEintr(() =>
      check('sendmsg', `fd ${sock}${ctl ? ` with fds [${fds.join(',')}]` : ''}`,
        libc.sendmsg(sock, msghdr(chunk, ctl), MSG.NOSIGNAL))));
  }
}

/**
 * Receives up to 64 KiB and any fds sent with it (recvmsg(2), blocking, MSG_CMSG_CLOEXEC so the fds are
 * close-on-exec). Empty `data` with no fds means the peer closed the socket. If more than `maxFds` fds
 * arrive the kernel drops the rest (MSG_CTRUNC): the received ones are closed and a MYCTR_PROTOCOL error
 * is thrown.
 */
export function recvFds(sock: number, maxFds = 4): { data: Buffer; fds: number[] } {
  const buf = Buffer.alloc(RECV_BUFFER);
  const control = Buffer.alloc(cmsgSpace(4 * maxFds));
  const msg = msghdr(buf, control);
  const n = Number(retryOnEintr(() => check('recvmsg', `fd ${sock}`, libc.recvmsg(sock, msg, MSG.CMSG_CLOEXEC))));
  const fds = parseRights(control.subarray(0, msg.msg_controllen));
  if (msg.msg_flags & MSG.CTRUNC) {
    for (const fd of fds) close(fd);
    throw new MyctrError('MYCTR_PROTOCOL', `recvmsg fd ${sock}: more than ${maxFds} fds sent, control data truncated`);
  }
  return { data: Buffer.from(buf.subarray(0, n)), fds };
}

/** The fds of every SCM_RIGHTS message in a control buffer (the CMSG_FIRSTHDR/CMSG_NXTHDR walk). */
function parseRights(control: Buffer): number[] {
  const fds: number[] = [];
  for (let off = 0; off + CMSG_HDR <= control.length;) {
    const len = Number(control.readBigUInt64LE(off));
    if (len < CMSG_HDR || off + len > control.length) break;
    if (control.readInt32LE(off + 8) === SOL_SOCKET && control.readInt32LE(off + 12) === SCM_RIGHTS) {
      for (let p = off + CMSG_HDR; p + 4 <= off + len; p += 4) fds.push(control.readInt32LE(p));
    }
    off += align8(len);
  }
  return fds;
}

/** SO_PEERCRED (socket(7)): pid, uid and gid of the peer, as the kernel recorded them; never from messages. */
export function getPeerCred(fd: number): PeerCred {
  const cred = Buffer.alloc(12); // struct ucred { pid_t pid; uid_t uid; gid_t gid; }
  const len = Uint32Array.of(cred.length);
  check('getsockopt', `SO_PEERCRED fd ${fd}`, libc.getsockopt(fd, SOL_SOCKET, SO_PEERCRED, cred, len));
  return { pid: cred.readInt32LE(0), uid: cred.readUInt32LE(4), gid: cred.readUInt32LE(8) };
}
