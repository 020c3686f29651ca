package org.scmi.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;

/**
 * Linux system calls through FFM. Each call captures errno and throws {@link LinuxException} on
 * failure; EINTR is retried where the call is restartable. Layouts are those of the LP64 ABIs
 * (x86_64 and arm64 share them for every struct used here but {@code struct epoll_event}, which
 * x86_64 packs).
 */
public final class Linux {
    public static final int PROT_READ = 0x1;
    public static final int PROT_WRITE = 0x2;
    public static final int MAP_SHARED = 0x01;
    public static final int O_RDONLY = 0;
    public static final int O_RDWR = 2;
    public static final int O_CLOEXEC = 0x80000;
    public static final int O_NONBLOCK = 0x800;
    public static final int EFD_CLOEXEC = 0x80000;
    public static final int EFD_NONBLOCK = 0x800;
    public static final int MFD_CLOEXEC = 0x1;
    public static final int AF_UNIX = 1;
    public static final int SOCK_STREAM = 1;
    public static final int SOCK_DGRAM = 2;
    public static final int SOCK_CLOEXEC = 0x80000;
    public static final int SOL_SOCKET = 1;
    public static final int SCM_RIGHTS = 1;
    public static final int MSG_CMSG_CLOEXEC = 0x40000000;
    public static final int MSG_NOSIGNAL = 0x4000;
    public static final int MSG_DONTWAIT = 0x40;
    public static final int SHUT_RDWR = 2;
    public static final short POLLIN = 0x1;
    public static final short POLLERR = 0x8;
    public static final short POLLHUP = 0x10;
    public static final short POLLNVAL = 0x20;
    public static final int EPOLLIN = 0x1;
    public static final int EPOLLERR = 0x8;
    public static final int EPOLLHUP = 0x10;
    /** Reports the fd once, then disables it until {@link #epollRearm}. */
    public static final int EPOLLONESHOT = 1 << 30;
    static final int EPOLL_CLOEXEC = 0x80000;
    static final int EPOLL_CTL_ADD = 1;
    static final int EPOLL_CTL_DEL = 2;
    static final int EPOLL_CTL_MOD = 3;
    static final int F_DUPFD_CLOEXEC = 1030;

    /** Most fds one message may carry (vhost-user: VHOST_MEMORY_BASELINE_NREGIONS). */
    public static final int MAX_FDS_PER_MESSAGE = 8;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    static final StructLayout IOVEC = MemoryLayout.structLayout(
            ADDRESS.withName("iov_base"), JAVA_LONG.withName("iov_len"));
    static final StructLayout MSGHDR = MemoryLayout.structLayout(
            ADDRESS.withName("msg_name"),
            JAVA_INT.withName("msg_namelen"), MemoryLayout.paddingLayout(4),
            ADDRESS.withName("msg_iov"),
            JAVA_LONG.withName("msg_iovlen"),
            ADDRESS.withName("msg_control"),
            JAVA_LONG.withName("msg_controllen"),
            JAVA_INT.withName("msg_flags"), MemoryLayout.paddingLayout(4));
    /** struct cmsghdr header: cmsg_len (size_t), cmsg_level, cmsg_type; data follows 8-aligned. */
    static final long CMSG_HEADER = 16;
    static final StructLayout POLLFD = MemoryLayout.structLayout(
            JAVA_INT.withName("fd"), JAVA_SHORT.withName("events"), JAVA_SHORT.withName("revents"));
    /**
     * struct epoll_event: a u32 of events and a u64 of caller data, packed on x86_64 (12 bytes)
     * and naturally aligned elsewhere (16 bytes).
     */
    static final StructLayout EPOLL_EVENT = "amd64".equals(System.getProperty("os.arch"))
            ? MemoryLayout.structLayout(JAVA_INT.withName("events"),
                    JAVA_LONG.withByteAlignment(4).withName("data"))
            : MemoryLayout.structLayout(JAVA_INT.withName("events"), MemoryLayout.paddingLayout(4),
                    JAVA_LONG.withName("data"));
    private static final long EPOLL_EVENTS_OFFSET =
            EPOLL_EVENT.byteOffset(MemoryLayout.PathElement.groupElement("events"));
    private static final long EPOLL_DATA_OFFSET = EPOLL_EVENT.byteOffset(MemoryLayout.PathElement.groupElement("data"));
    private static final ValueLayout.OfLong EPOLL_DATA = JAVA_LONG.withByteAlignment(4);
    static final int SOCKADDR_UN_SIZE = 110;
    static final int SUN_PATH_MAX = 108;

    private static final MethodHandle MMAP = call("mmap",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle MUNMAP = call("munmap", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle CLOSE = call("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle EVENTFD = call("eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle SOCKET = call("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle BIND = call("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle LISTEN = call("listen", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle ACCEPT4 = call("accept4", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    private static final MethodHandle SENDMSG = call("sendmsg", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle RECVMSG = call("recvmsg", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle UNLINK = call("unlink", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle CHMOD = call("chmod", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle RENAME = call("rename", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle GETPID = call("getpid", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle FCNTL_INT = call("fcntl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT),
            Linker.Option.firstVariadicArg(2));
    private static final MethodHandle EPOLL_CREATE1 = call("epoll_create1", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    // What every request does (signal and consume eventfds, wait in and re-arm epoll) goes through
    // handles without errno capture: with capture the JDK slices the capture segment on each call,
    // an allocation that C1's code keeps. A failed call of these has no effect, so it is made again
    // through its capturing twin in ErrnoCalls to learn errno.
    private static final MethodHandle READ = uncaptured("read",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle WRITE = uncaptured("write",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle EPOLL_CTL = uncaptured("epoll_ctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle EPOLL_WAIT = uncaptured("epoll_wait",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));

    private Linux() {
    }

    // Downcall handles cost milliseconds each to make. Those every server needs before it answers
    // its first guest are made when this class is initialized; the others, in holder classes, the
    // first time they are used.

    /**
     * The calls that open and drive device files (the Xen transport's privcmd, event channels,
     * grant devices).
     */
    private static final class DeviceCalls {
        static final MethodHandle OPEN = call("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
        static final MethodHandle IOCTL_PTR = call("ioctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS),
                Linker.Option.firstVariadicArg(2));
        static final MethodHandle IOCTL_LONG = call("ioctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG),
                Linker.Option.firstVariadicArg(2));

        private DeviceCalls() {
        }
    }

    /** The calls that create shared memory (a vhost-user inflight region, a simulated guest's RAM). */
    private static final class SharedMemoryCalls {
        static final MethodHandle MEMFD_CREATE = call("memfd_create", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        static final MethodHandle FTRUNCATE = call("ftruncate", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG));

        private SharedMemoryCalls() {
        }
    }

    /**
     * The calls of a socket's client side (the admin shell's client, front-ends, tools) and of
     * waiting on several fds (the Xen transport's threads).
     */
    private static final class ClientCalls {
        static final MethodHandle CONNECT = call("connect", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
        static final MethodHandle POLL = call("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
        static final MethodHandle SHUTDOWN = call("shutdown", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));

        private ClientCalls() {
        }
    }

    /** The request path's calls with errno captured, for when they fail. */
    private static final class ErrnoCalls {
        static final MethodHandle READ = call("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
        static final MethodHandle WRITE = call("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
        static final MethodHandle EPOLL_CTL = call("epoll_ctl",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
        static final MethodHandle EPOLL_WAIT = call("epoll_wait",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));

        private ErrnoCalls() {
        }
    }

    private static MethodHandle call(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        Linker.Option[] all = new Linker.Option[options.length + 1];
        all[0] = Linker.Option.captureCallState("errno");
        System.arraycopy(options, 0, all, 1, options.length);
        // The first parameter of every handle is the call-state segment that receives errno.
        return LINKER.downcallHandle(libc(name), descriptor, all);
    }

    private static MethodHandle uncaptured(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(libc(name), descriptor);
    }

    private static MemorySegment libc(String name) {
        return LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
    }

    /** Scratch for errno in calls off the hot path; one per call keeps the methods reentrant. */
    private static MemorySegment callState(Arena arena) {
        return arena.allocate(CALL_STATE);
    }

    /**
     * Per-thread native scratch for the calls made once per request (eventfd signal and consume,
     * read, write, poll, ioctl): creating an arena per call would cost more than the system call
     * itself. None of these calls re-enters another, so one set per thread is enough.
     */
    private static final class Scratch {
        private static final ThreadLocal<Scratch> OF_THREAD = ThreadLocal.withInitial(Scratch::new);

        private final Arena arena = Arena.ofAuto();
        final MemorySegment callState = arena.allocate(CALL_STATE);
        final MemorySegment counter = arena.allocate(JAVA_LONG);
        private MemorySegment pollfds = arena.allocate(POLLFD, 4);
        private MemorySegment epollEvents = arena.allocate(EPOLL_EVENT, 1);

        static Scratch get() {
            return OF_THREAD.get();
        }

        MemorySegment pollfds(int count) {
            if (pollfds.byteSize() < count * POLLFD.byteSize()) {
                pollfds = arena.allocate(POLLFD, count);
            }
            return pollfds;
        }

        MemorySegment epollEvents(int count) {
            if (epollEvents.byteSize() < count * EPOLL_EVENT.byteSize()) {
                epollEvents = arena.allocate(EPOLL_EVENT, count);
            }
            return epollEvents;
        }
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    private static RuntimeException unexpected(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }

    private static int check(String name, int result, MemorySegment state) throws LinuxException {
        if (result < 0) {
            throw new LinuxException(name, errno(state));
        }
        return result;
    }

    // ---------------------------------------------------------------- memory

    /**
     * Maps {@code size} bytes of {@code fd} from {@code offset}, shared. The returned segment
     * covers exactly the mapping; release it with {@link #munmap}.
     */
    public static MemorySegment mmap(int fd, long size, long offset, boolean writable) throws LinuxException {
        int prot = writable ? PROT_READ | PROT_WRITE : PROT_READ;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = callState(arena);
            MemorySegment address = (MemorySegment) MMAP.invokeExact(state, MemorySegment.NULL, size, prot, MAP_SHARED,
                    fd, offset);
            if (address.address() == -1L) {
                throw new LinuxException("mmap", errno(state));
            }
            return address.reinterpret(size);
        } catch (LinuxException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static void munmap(MemorySegment mapping) throws LinuxException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = callState(arena);
            check("munmap", (int) MUNMAP.invokeExact(state, mapping, mapping.byteSize()), state);
        } catch (LinuxException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** An anonymous memory file of {@code size} bytes (guest RAM in tests and simulators). */
    public static int memfdCreate(String name, long size) throws LinuxException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = callState(arena);
            int fd = check("memfd_create",
                    (int) SharedMemoryCalls.MEMFD_CREATE.invokeExact(state, arena.allocateFrom(name), MFD_CLOEXEC), state);
            int r = (int) SharedMemoryCalls.FTRUNCATE.invokeExact(state, fd, size);
            if (r < 0) {
                int errno = errno(state);
                close(fd);
                throw new LinuxException("ftruncate", errno);
            }
            return fd;
        } catch (LinuxException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    // ---------------------------------------------------------------- files and fds

    public static int open(String path, int flags) throws LinuxException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = callState(arena);
            return check("open " + path, (int) DeviceCalls.OPEN.invokeExact(state, arena.allocateFrom(path), flags | O_CLOEXEC, 0),
                    state);
        } catch (LinuxException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** Closes an fd; a negative fd is ignored, and errors are not reported (nothing can be done). */
    public static void close(int fd) {
        if (fd < 0) {
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            int ignored = (int) CLOSE.invokeExact(callState(arena), fd);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** read(2) into a native segment; returns bytes read (0 at end of file). Retries EINTR. */
    public static long read(int fd, MemorySegment buffer) throws LinuxException {
        try {
            long done = (long) READ.invokeExact(fd, buffer, buffer.byteSize());
            if (done >= 0) {
                return done;
            }
            MemorySegment state = Scratch.get().callState;
            while (true) {
                long n = (long) ErrnoCalls.READ.invokeExact(state, fd, buffer, buffer.byteSize());
                if (n >= 0) {
                    return n;
                }
                if (errno(state) != Errno.EINTR) {
                    throw new LinuxException("read", errno(state));
                }
            }
        } catch (LinuxException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** write(2) from a native segment; returns bytes written. Retries EINTR. */
    public static long write(int fd, MemorySegment buffer) throws LinuxException {
        try {
            long done = (long) WRITE.invokeExact(fd, buffer, buffer.byteSize());
            if (done >= 0) {
                return done;
            }
            MemorySegment state = Scratch.get().callState;
            while (true) {
                long n = (long) ErrnoCalls.WRITE.invokeExact(state, fd, buffer, buffer.byteSize());
                if (n >= 0) {
                    return n;
                }
                if (errno(state) != Errno.EINTR) {
                    throw new LinuxException("write", errno(state));
                }
            }
        } catch (LinuxException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /**
     * ioctl(2) with a pointer argument. Allocates nothing unless it fails: a device model issues
     * one per trapped guest access (event-channel notify).
     */
    public static int ioctl(int fd, long request, MemorySegment argument) throws LinuxException {
        MemorySegment state = Scratch.get().callState;
        try {
            return checkIoctl(request, (int) DeviceCalls.IOCTL_PTR.invokeExact(state, fd, request, argument), state);
        } catch (LinuxException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** ioctl(2) with an integer argument; allocates nothing unless it fails. */
    public static int ioctl(int fd, long request, long argument) throws LinuxException {
        MemorySegment state = Scratch.get().callState;
        try {
            return checkIoctl(request, (int) DeviceCalls.IOCTL_LONG.invokeExact(state, fd, request, argument), state);
        } catch (LinuxException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private static int checkIoctl(long request, int result, MemorySegment state) throws LinuxException {
        if (result < 0) {
            throw new LinuxException(String.format("ioctl 0x%x", request), errno(state));
        }
        return result;
    }

    /** A second fd for the open file of {@code fd} (close-on-exec), valid until closed itself. */
    public static int duplicate(int fd) throws LinuxException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = callState(arena);
            return check("fcntl F_DUPFD_CLOEXEC", (int) FCNTL_INT.invokeExact(state, fd, F_DUPFD_CLOEXEC, 0), state);
        } catch (LinuxException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int getpid() {
        try (Arena arena = Arena.ofConfined()) {
            return (int) GETPID.invokeExact(callState(arena));
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    // ---------------------------------------------------------------- eventfd

    public static int eventfd(int flags) throws LinuxException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = callState(arena);
            return check("eventfd", (int) EVENTFD.invokeExact(state, 0, flags | EFD_CLOEXEC), state);
        } catch (LinuxException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** Adds 1 to an eventfd's counter (signals it). */
    public static void eventfdSignal(int fd) throws LinuxException {
        MemorySegment one = Scratch.get().counter;
        one.set(JAVA_LONG, 0, 1L);
        write(fd, one);
    }

    /**
     * Reads and clears an eventfd's counter. Returns 0 if the counter was 0 and the fd is
     * non-blocking (EAGAIN).
     */
    public static long eventfdConsume(int fd) throws LinuxException {
        MemorySegment value = Scratch.get().counter;
        try {
            read(fd, value);
        } catch (LinuxException e) {
            if (e.errno() == Errno.EAGAIN) {
                return 0;
            }
            throw e;
        }
        return value.get(JAVA_LONG, 0);
    }

    // ---------------------------------------------------------------- poll

    /**
     * Waits until one of {@code fds} is readable or hung up, or the timeout passes.
     *
     * @param fds the fds to watch for POLLIN
     * @param revents receives each fd's returned events (same length as fds)
     * @param timeoutMillis -1 to wait forever
     * @return the number of fds with events, 0 on timeout; EINTR counts as a timeout
     */
    public static int poll(int[] fds, short[] revents, int timeoutMillis) throws LinuxException {
        Scratch scratch = Scratch.get();
        MemorySegment state = scratch.callState;
        try {
            MemorySegment pollfds = scratch.pollfds(fds.length);
            for (int i = 0; i < fds.length; i++) {
                MemorySegment entry = pollfds.asSlice(i * POLLFD.byteSize(), POLLFD.byteSize());
                entry.set(JAVA_INT, 0, fds[i]);
                entry.set(JAVA_SHORT, 4, POLLIN);
                entry.set(JAVA_SHORT, 6, (short) 0);
            }
            int n = (int) ClientCalls.POLL.invokeExact(state, pollfds, (long) fds.length, timeoutMillis);
            if (n < 0) {
                if (errno(state) == Errno.EINTR) {
                    return 0;
                }
                throw new LinuxException("poll", errno(state));
            }
            for (int i = 0; i < fds.length; i++) {
                revents[i] = pollfds.get(JAVA_SHORT, i * POLLFD.byteSize() + 6);
            }
            return n;
        } catch (LinuxException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    // ---------------------------------------------------------------- epoll

    /** A new epoll instance (close-on-exec); close it with {@link #close}. */
    public static int epollCreate() throws LinuxException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = callState(arena);
            return check("epoll_create1", (int) EPOLL_CREATE1.invokeExact(state, EPOLL_CLOEXEC), state);
        } catch (LinuxException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /**
     * Adds {@code fd} to the interest list of {@code epollFd}.
     *
     * @param events EPOLLIN and flags such as EPOLLONESHOT
     * @param data what {@link #epollWait} returns for the fd
     */
    public static void epollAdd(int epollFd, int fd, int events, long data) throws LinuxException {
        epollControl(EPOLL_CTL_ADD, epollFd, fd, events, data);
    }

    /** Enables a one-shot fd again, with new events and data. */
    public static void epollRearm(int epollFd, int fd, int events, long data) throws LinuxException {
        epollControl(EPOLL_CTL_MOD, epollFd, fd, events, data);
    }

    /** Removes {@code fd} from the interest list of {@code epollFd}. */
    public static void epollRemove(int epollFd, int fd) throws LinuxException {
        epollControl(EPOLL_CTL_DEL, epollFd, fd, 0, 0);
    }

    private static void epollControl(int operation, int epollFd, int fd, int events, long data) throws LinuxException {
        Scratch scratch = Scratch.get();
        MemorySegment state = scratch.callState;
        try {
            MemorySegment event = scratch.epollEvents(1);
            event.set(JAVA_INT, EPOLL_EVENTS_OFFSET, events);
            event.set(EPOLL_DATA, EPOLL_DATA_OFFSET, data);
            if ((int) EPOLL_CTL.invokeExact(epollFd, operation, fd, event) < 0) {
                check("epoll_ctl", (int) ErrnoCalls.EPOLL_CTL.invokeExact(state, epollFd, operation, fd, event), state);
            }
        } catch (LinuxException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /**
     * Waits until fds of {@code epollFd} are ready, or the timeout passes.
     *
     * @param data receives each ready fd's data (at most {@code data.length} are returned)
     * @param events receives each ready fd's events (same length as data)
     * @param timeoutMillis -1 to wait forever
     * @return the number of ready fds, 0 on timeout; EINTR counts as a timeout
     */
    public static int epollWait(int epollFd, long[] data, int[] events, int timeoutMillis) throws LinuxException {
        Scratch scratch = Scratch.get();
        MemorySegment state = scratch.callState;
        try {
            MemorySegment ready = scratch.epollEvents(data.length);
            int n = (int) EPOLL_WAIT.invokeExact(epollFd, ready, data.length, timeoutMillis);
            if (n < 0) { // interrupted, or a fault: look again without waiting, and learn errno if it fails again
                n = (int) ErrnoCalls.EPOLL_WAIT.invokeExact(state, epollFd, ready, data.length, 0);
            }
            if (n < 0) {
                if (errno(state) == Errno.EINTR) {
                    return 0;
                }
                throw new LinuxException("epoll_wait", errno(state));
            }
            for (int i = 0; i < n; i++) {
                long entry = i * EPOLL_EVENT.byteSize();
                events[i] = ready.get(JAVA_INT, entry + EPOLL_EVENTS_OFFSET);
                data[i] = ready.get(EPOLL_DATA, entry + EPOLL_DATA_OFFSET);
            }
            return n;
        } catch (LinuxException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    // ---------------------------------------------------------------- Unix sockets

    private static MemorySegment sockaddr(Arena arena, String path) {
        byte[] bytes = path.getBytes(StandardCharsets.UTF_8);
        if (bytes.length >= SUN_PATH_MAX) {
            throw new IllegalArgumentException("socket path longer than " + (SUN_PATH_MAX - 1) + " bytes: " + path);
        }
        MemorySegment address = arena.allocate(SOCKADDR_UN_SIZE);
        address.set(JAVA_SHORT, 0, (short) AF_UNIX);
        MemorySegment.copy(bytes, 0, address, ValueLayout.JAVA_BYTE, 2, bytes.length);
        return address;
    }

    /**
     * A listening Unix stream socket at {@code path} (an existing socket file there is replaced).
     * The socket is bound and set listening under a neighbouring name and then renamed into place,
     * so a client that finds {@code path} can always connect (no ECONNREFUSED window between bind
     * and listen) and never finds it with a mode other than {@code mode}.
     */
    public static int listenUnix(String path, int backlog, int mode) throws LinuxException {
        String binding = path + "~";
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = callState(arena);
            MemorySegment address = sockaddr(arena, binding);
            MemorySegment bindingPath = arena.allocateFrom(binding);
            int ignored = (int) UNLINK.invokeExact(state, bindingPath);
            int fd = check("socket", (int) SOCKET.invokeExact(state, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), state);
            try {
                check("bind " + binding, (int) BIND.invokeExact(state, fd, address, SOCKADDR_UN_SIZE), state);
                check("chmod " + binding, (int) CHMOD.invokeExact(state, bindingPath, mode), state);
                check("listen " + binding, (int) LISTEN.invokeExact(state, fd, backlog), state);
                check("rename to " + path, (int) RENAME.invokeExact(state, bindingPath, arena.allocateFrom(path)), state);
                return fd;
            } catch (LinuxException e) {
                close(fd);
                int unlinked = (int) UNLINK.invokeExact(state, bindingPath);
                throw e;
            }
        } catch (LinuxException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** Accepts one connection; blocks. Retries EINTR. */
    public static int accept(int listenFd) throws LinuxException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = callState(arena);
            while (true) {
                int fd = (int) ACCEPT4.invokeExact(state, listenFd, MemorySegment.NULL, MemorySegment.NULL,
                        SOCK_CLOEXEC);
                if (fd >= 0) {
                    return fd;
                }
                if (errno(state) != Errno.EINTR) {
                    throw new LinuxException("accept", errno(state));
                }
            }
        } catch (LinuxException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** Connects a new Unix stream socket to {@code path}. */
    public static int connectUnix(String path) throws LinuxException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = callState(arena);
            int fd = check("socket", (int) SOCKET.invokeExact(state, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), state);
            int r = (int) ClientCalls.CONNECT.invokeExact(state, fd, sockaddr(arena, path), SOCKADDR_UN_SIZE);
            if (r < 0) {
                int errno = errno(state);
                close(fd);
                throw new LinuxException("connect " + path, errno);
            }
            return fd;
        } catch (LinuxException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /**
     * The address of a datagram socket: a file system path, or a name in the abstract namespace
     * when it starts with {@code @} (as NOTIFY_SOCKET may be), sized as connect(2) and bind(2) take it.
     */
    private static MemorySegment datagramAddress(Arena arena, String path) {
        MemorySegment address = sockaddr(arena, path);
        if (!path.startsWith("@")) {
            return address;
        }
        address.set(ValueLayout.JAVA_BYTE, 2, (byte) 0);
        // Abstract names are not terminated: the address's length is part of the name.
        return address.asSlice(0, 2 + path.getBytes(StandardCharsets.UTF_8).length);
    }

    /**
     * Sends one datagram to the Unix datagram socket {@code path} ({@code @name}: abstract
     * namespace), the way sd_notify(3) talks to a service manager.
     */
    public static void sendUnixDatagram(String path, byte[] message) throws LinuxException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = callState(arena);
            MemorySegment address = datagramAddress(arena, path);
            int fd = check("socket", (int) SOCKET.invokeExact(state, AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0), state);
            try {
                check("connect " + path, (int) ClientCalls.CONNECT.invokeExact(state, fd, address, (int) address.byteSize()), state);
                MemorySegment datagram = arena.allocate(Math.max(1, message.length));
                MemorySegment.copy(message, 0, datagram, ValueLayout.JAVA_BYTE, 0, message.length);
                write(fd, datagram.asSlice(0, message.length));
            } finally {
                close(fd);
            }
        } catch (LinuxException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** A Unix datagram socket bound to {@code path} ({@code @name}: abstract namespace), read with read(2). */
    public static int bindUnixDatagram(String path) throws LinuxException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = callState(arena);
            MemorySegment address = datagramAddress(arena, path);
            int fd = check("socket", (int) SOCKET.invokeExact(state, AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0), state);
            try {
                check("bind " + path, (int) BIND.invokeExact(state, fd, address, (int) address.byteSize()), state);
                return fd;
            } catch (LinuxException e) {
                close(fd);
                throw e;
            }
        } catch (LinuxException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** Shuts a socket down both ways, waking any thread blocked reading it. Errors are ignored. */
    public static void shutdown(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            int ignored = (int) ClientCalls.SHUTDOWN.invokeExact(callState(arena), fd, SHUT_RDWR);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static void unlink(String path) {
        try (Arena arena = Arena.ofConfined()) {
            int ignored = (int) UNLINK.invokeExact(callState(arena), arena.allocateFrom(path));
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /**
     * Sends all of {@code data} on a stream socket, with {@code fds} attached (SCM_RIGHTS) to the
     * first byte. Retries EINTR and short writes.
     */
    public static void sendWithFds(int socket, byte[] data, int[] fds) throws LinuxException {
        if (fds.length > MAX_FDS_PER_MESSAGE) {
            throw new IllegalArgumentException("at most " + MAX_FDS_PER_MESSAGE + " fds per message");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = callState(arena);
            MemorySegment buffer = arena.allocate(Math.max(1, data.length));
            MemorySegment.copy(data, 0, buffer, ValueLayout.JAVA_BYTE, 0, data.length);
            MemorySegment iov = arena.allocate(IOVEC);
            MemorySegment msg = arena.allocate(MSGHDR);
            long sent = 0;
            boolean first = true;
            while (sent < data.length) {
                iov.set(ADDRESS, 0, buffer.asSlice(sent));
                iov.set(JAVA_LONG, 8, data.length - sent);
                msg.fill((byte) 0);
                msg.set(ADDRESS, 16, iov);
                msg.set(JAVA_LONG, 24, 1L);
                if (first && fds.length > 0) {
                    long space = cmsgSpace(fds.length);
                    MemorySegment control = arena.allocate(space, 8);
                    control.set(JAVA_LONG, 0, CMSG_HEADER + 4L * fds.length);
                    control.set(JAVA_INT, 8, SOL_SOCKET);
                    control.set(JAVA_INT, 12, SCM_RIGHTS);
                    for (int i = 0; i < fds.length; i++) {
                        control.set(JAVA_INT, CMSG_HEADER + 4L * i, fds[i]);
                    }
                    msg.set(ADDRESS, 32, control);
                    msg.set(JAVA_LONG, 40, space);
                }
                long n = (long) SENDMSG.invokeExact(state, socket, msg, MSG_NOSIGNAL);
                if (n < 0) {
                    if (errno(state) == Errno.EINTR) {
                        continue;
                    }
                    throw new LinuxException("sendmsg", errno(state));
                }
                sent += n;
                first = false;
            }
        } catch (LinuxException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private static long cmsgSpace(int fdCount) {
        return CMSG_HEADER + ((4L * fdCount + 7) & ~7L);
    }

    /** What one {@link #receiveWithFds} call got. */
    public record Received(int length, int[] fds, boolean controlTruncated) {
    }

    /**
     * Receives up to {@code buffer.length} bytes from a stream socket, with any fds sent alongside
     * (received close-on-exec). A length of 0 means the peer closed the connection. Retries EINTR.
     */
    public static Received receiveWithFds(int socket, byte[] buffer, int offset, int length) throws LinuxException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = callState(arena);
            MemorySegment data = arena.allocate(Math.max(1, length));
            MemorySegment iov = arena.allocate(IOVEC);
            iov.set(ADDRESS, 0, data);
            iov.set(JAVA_LONG, 8, length);
            long space = cmsgSpace(MAX_FDS_PER_MESSAGE);
            MemorySegment control = arena.allocate(space, 8);
            MemorySegment msg = arena.allocate(MSGHDR);
            long n;
            while (true) {
                msg.fill((byte) 0);
                msg.set(ADDRESS, 16, iov);
                msg.set(JAVA_LONG, 24, 1L);
                msg.set(ADDRESS, 32, control);
                msg.set(JAVA_LONG, 40, space);
                n = (long) RECVMSG.invokeExact(state, socket, msg, MSG_CMSG_CLOEXEC);
                if (n >= 0) {
                    break;
                }
                if (errno(state) != Errno.EINTR) {
                    throw new LinuxException("recvmsg", errno(state));
                }
            }
            MemorySegment.copy(data, ValueLayout.JAVA_BYTE, 0, buffer, offset, (int) n);
            int flags = msg.get(JAVA_INT, 48);
            boolean truncated = (flags & 0x8) != 0; // MSG_CTRUNC
            long controlLength = msg.get(JAVA_LONG, 40);
            int[] fds = new int[0];
            long at = 0;
            // Walk every cmsghdr: a sender may attach several.
            while (at + CMSG_HEADER <= controlLength) {
                long cmsgLength = control.get(JAVA_LONG, at);
                if (cmsgLength < CMSG_HEADER || at + cmsgLength > controlLength) {
                    break;
                }
                if (control.get(JAVA_INT, at + 8) == SOL_SOCKET && control.get(JAVA_INT, at + 12) == SCM_RIGHTS) {
                    int count = (int) ((cmsgLength - CMSG_HEADER) / 4);
                    int[] more = new int[fds.length + count];
                    System.arraycopy(fds, 0, more, 0, fds.length);
                    for (int i = 0; i < count; i++) {
                        more[fds.length + i] = control.get(JAVA_INT, at + CMSG_HEADER + 4L * i);
                    }
                    fds = more;
                }
                at += (cmsgLength + 7) & ~7L;
            }
            return new Received((int) n, fds, truncated);
        } catch (LinuxException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }
}
