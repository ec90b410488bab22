// The only file that calls koffi.load: raw libc declarations and the C struct layouts they use. Nothing here
// checks a return value; wrappers in the other sys/ files do that through check.ts. Never call `.async` on
// these (per-thread syscalls must run on the main thread, STYLE §0.6); poll is the one exception (see there).
import { koffi } from './koffi.js';

const lib = koffi.load('libc.so.6');

/** A pointer-sized integer: koffi returns it as a number when it fits, else as a bigint. */
type Long = number | bigint;
/** Variadic arguments are passed to koffi as (type, value) pairs, e.g. `'int', 0`. */
type VaArg = string | number | bigint | Buffer | Uint8Array | Int32Array | Uint32Array | null;
/** A value koffi can pass as a `void *`: a Buffer or typed array is passed in place (sync calls only). */
type VoidPtr = Buffer | Uint8Array | Int32Array | Uint32Array | null;

// Layouts below are those of LP64 Linux (x86_64 and aarch64 are identical for all of them). The structs are
// anonymous so that loading this module twice (source and dist/) cannot clash in koffi's global type names.

/** struct iovec, see readv(2). */
export const Iovec = koffi.struct({ iov_base: 'void *', iov_len: 'size_t' });

/** struct msghdr, see recvmsg(2). koffi inserts the padding after msg_namelen and msg_flags. */
export const Msghdr = koffi.struct({
  msg_name: 'void *',
  msg_namelen: 'uint32_t',
  msg_iov: koffi.pointer(Iovec),
  msg_iovlen: 'size_t',
  msg_control: 'void *',
  msg_controllen: 'size_t',
  msg_flags: 'int',
});

/** struct statvfs, see statvfs(3); glibc's 64-bit layout (no __f_unused padding on LP64). */
export const Statvfs = koffi.struct({
  f_bsize: 'unsigned long',
  f_frsize: 'unsigned long',
  f_blocks: 'uint64_t',
  f_bfree: 'uint64_t',
  f_bavail: 'uint64_t',
  f_files: 'uint64_t',
  f_ffree: 'uint64_t',
  f_favail: 'uint64_t',
  f_fsid: 'unsigned long',
  f_flag: 'unsigned long',
  f_namemax: 'unsigned long',
  f_spare: koffi.array('int', 6),
});

/** The JS shape koffi fills for {@link Statvfs} (only the fields sys/ reads). */
export interface StatvfsOut { f_flag?: number }
/** The JS shape of a {@link Msghdr} argument; koffi writes msg_controllen and msg_flags back. */
export interface MsghdrArg {
  msg_name: null;
  msg_namelen: number;
  msg_iov: { iov_base: Buffer; iov_len: number }[];
  msg_iovlen: number;
  msg_control: Buffer | null;
  msg_controllen: number;
  msg_flags: number;
}

// errno(3)
/** errno name → number for this platform (koffi.os.errno). */
export const errnoTable: Readonly<Record<string, number>> = koffi.os.errno;
export const strerror = lib.func('const char *strerror(int errnum)') as (errnum: number) => string;

// mount(2), umount(2), statvfs(3)
export const mount = lib.func(
  'int mount(const char *source, const char *target, const char *fstype, unsigned long flags, const char *data)',
) as (source: string | null, target: string, fstype: string | null, flags: number, data: string | null) => number;
export const umount2 = lib.func('int umount2(const char *target, int flags)') as (t: string, f: number) => number;
export const statvfs = lib.func('statvfs', 'int', ['const char *', koffi.out(koffi.pointer(Statvfs))]) as (
  path: string,
  out: StatvfsOut,
) => number;

/** syscall(2); every extra argument is a (type, value) pair, pass them as `'long'`. */
export const syscall = lib.func('long syscall(long number, ...)') as (nr: number, ...va: VaArg[]) => Long;

// process attributes
export const sethostname = lib.func('int sethostname(const char *name, size_t len)') as (
  name: Buffer,
  len: number,
) => number;
export const setsid = lib.func('int setsid(void)') as () => number;
export const setresuid = lib.func('int setresuid(uint32_t r, uint32_t e, uint32_t s)') as (
  r: number, e: number, s: number) => number;
export const setresgid = lib.func('int setresgid(uint32_t r, uint32_t e, uint32_t s)') as (
  r: number, e: number, s: number) => number;
export const setgroups = lib.func('int setgroups(size_t size, const uint32_t *list)') as (
  size: number, list: Uint32Array | null) => number;
export const chdir = lib.func('int chdir(const char *path)') as (path: string) => number;
export const umask = lib.func('uint32_t umask(uint32_t mask)') as (mask: number) => number;
export const getpid = lib.func('int getpid(void)') as () => number;
export const kill = lib.func('int kill(int pid, int sig)') as (pid: number, sig: number) => number;
/** waitpid(2); `status` receives the wait status (`_Out_`: pass a one-element array). */
export const waitpid = lib.func('int waitpid(int pid, _Out_ int *status, int options)') as (
  pid: number, status: number[], options: number) => number;
/** malloc_trim(3): returns free heap memory to the kernel; 1 if some was released. */
export const mallocTrim = lib.func('int malloc_trim(size_t pad)') as (pad: number) => number;
/** madvise(2) on [addr, addr+len). */
export const madvise = lib.func('int madvise(uintptr_t addr, size_t len, int advice)') as (
  addr: bigint, len: number, advice: number) => number;

// capabilities(7), prctl(2)
export const capget = lib.func('int capget(void *hdrp, void *datap)') as (hdr: Buffer, data: Buffer) => number;
export const capset = lib.func('int capset(void *hdrp, void *datap)') as (hdr: Buffer, data: Buffer) => number;
/** prctl(2); pass arg2..arg5 as `'unsigned long', n` pairs (several options require the unused ones be 0). */
export const prctl = lib.func('int prctl(int option, ...)') as (option: number, ...va: VaArg[]) => number;

// file descriptors
export const open = lib.func('int open(const char *path, int flags, ...)') as (
  path: string, flags: number, ...va: VaArg[]) => number;
export const close = lib.func('int close(int fd)') as (fd: number) => number;
export const dup2 = lib.func('int dup2(int oldfd, int newfd)') as (oldfd: number, newfd: number) => number;
export const fcntl = lib.func('int fcntl(int fd, int cmd, ...)') as (fd: number, cmd: number, ...va: VaArg[]) => number;
export const ioctl = lib.func('int ioctl(int fd, unsigned long request, ...)') as (
  fd: number, request: number, ...va: VaArg[]) => number;
export const isatty = lib.func('int isatty(int fd)') as (fd: number) => number;
export const openpty = lib.func(
  'int openpty(_Out_ int *amaster, _Out_ int *aslave, char *name, const void *termp, const void *winp)',
) as (master: Int32Array, slave: Int32Array, name: null, termp: null, winp: null) => number;

// splice(2) relaying (client/network/port-forwarder): pipes, non-blocking splices, half-closes, poll(2)
export const pipe2 = lib.func('int pipe2(_Out_ int *fds, int flags)') as (fds: Int32Array, flags: number) => number;
export const splice = lib.func('intptr_t splice(int fd_in, void *off_in, int fd_out, void *off_out, size_t len, unsigned int flags)') as (
  fdIn: number, offIn: null, fdOut: number, offOut: null, len: number, flags: number) => Long;
export const shutdown = lib.func('int shutdown(int fd, int how)') as (fd: number, how: number) => number;
export const eventfd = lib.func('int eventfd(unsigned int initval, int flags)') as (initval: number, flags: number) => number;
/**
 * poll(2) on an array of struct pollfd (8 bytes each). The one declaration here meant for `.async`: poll has
 * no per-thread state, and the relay waits in it on a worker thread so that the event loop stays free.
 */
export const poll = lib.func('int poll(_Inout_ void *fds, unsigned long nfds, int timeout)') as ((
  fds: Buffer, nfds: number, timeout: number) => number) & {
  async(fds: Buffer, nfds: number, timeout: number, cb: (err: unknown, ret: number) => void): void;
};

// xattr(7), mknod(2): whiteouts and opaque markers of unpacked image layers
export const lsetxattr = lib.func('int lsetxattr(const char *path, const char *name, const void *value, size_t size, int flags)') as (
  path: string, name: string, value: VoidPtr, size: number, flags: number) => number;
export const lgetxattr = lib.func('intptr_t lgetxattr(const char *path, const char *name, void *value, size_t size)') as (
  path: string, name: string, value: VoidPtr, size: number) => Long;
export const mknod = lib.func('int mknod(const char *path, uint32_t mode, uint64_t dev)') as (
  path: string, mode: number, dev: number) => number;

// namespaces(7): exec into a running container joins its mount namespace from Node (sys/ns.ts)
export const unshare = lib.func('int unshare(int flags)') as (flags: number) => number;
export const setns = lib.func('int setns(int fd, int nstype)') as (fd: number, nstype: number) => number;

// signal(7)
/** signal(2) declared with integer handlers: 0 is SIG_DFL, 1 is SIG_IGN, -1 (SIG_ERR) is failure. */
export const signal = lib.func('intptr_t signal(int sig, intptr_t handler)') as (sig: number, handler: number) => Long;
export const sigprocmask = lib.func('int sigprocmask(int how, const void *set, void *oldset)') as (
  how: number, set: VoidPtr, oldset: VoidPtr) => number;

// execve(2); argv and envp must end with null
export const execve = lib.func('int execve(const char *path, const char **argv, const char **envp)') as (
  path: string, argv: (string | null)[], envp: (string | null)[]) => number;

// socket(2), unix(7) sockets
export const socket = lib.func('int socket(int domain, int type, int protocol)') as (
  domain: number, type: number, protocol: number) => number;
export const bind = lib.func('int bind(int fd, const void *addr, uint32_t len)') as (fd: number, addr: Buffer, len: number) => number;
export const listen = lib.func('int listen(int fd, int backlog)') as (fd: number, backlog: number) => number;
export const setsockopt = lib.func('int setsockopt(int fd, int level, int name, const void *value, uint32_t len)') as (
  fd: number, level: number, name: number, value: Buffer, len: number) => number;
export const socketpair = lib.func('int socketpair(int domain, int type, int protocol, _Out_ int *sv)') as (
  domain: number, type: number, protocol: number, sv: Int32Array) => number;
export const sendmsg = lib.func('sendmsg', 'intptr_t', ['int', koffi.pointer(Msghdr), 'int']) as (
  fd: number, msg: MsghdrArg, flags: number) => Long;
export const recvmsg = lib.func('recvmsg', 'intptr_t', ['int', koffi.inout(koffi.pointer(Msghdr)), 'int']) as (
  fd: number, msg: MsghdrArg, flags: number) => Long;
export const getsockopt = lib.func(
  'int getsockopt(int fd, int level, int optname, void *optval, _Inout_ uint32_t *optlen)',
) as (fd: number, level: number, optname: number, optval: Buffer, optlen: Uint32Array) => number;
