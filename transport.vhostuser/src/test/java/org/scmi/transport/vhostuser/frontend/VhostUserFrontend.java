package org.scmi.transport.vhostuser.frontend;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.scmi.linux.Linux;
import org.scmi.linux.LinuxException;
import org.scmi.transport.vhostuser.FrontendRequest;
import org.scmi.transport.vhostuser.InflightRegion;
import org.scmi.transport.vhostuser.ProtocolFeatures;
import org.scmi.transport.vhostuser.VhostUserCodec;
import org.scmi.transport.vhostuser.VhostUserCodec.Header;
import org.scmi.transport.vhostuser.VhostUserCodec.InflightDescription;
import org.scmi.transport.vhostuser.VhostUserCodec.RegionDescription;
import org.scmi.transport.vhostuser.VhostUserCodec.VringAddress;
import org.scmi.transport.vhostuser.VhostUserCodec.VringFile;
import org.scmi.transport.vhostuser.VhostUserCodec.VringState;
import org.scmi.virtio.ring.VirtioFeatures;
import org.scmi.virtio.ring.driver.DriverMemory;
import org.scmi.virtio.ring.driver.DriverSplitQueue;
import org.scmi.virtio.ring.driver.UsedBuffer;

/**
 * A vhost-user front-end that plays QEMU and a guest's virtio-scmi driver at once, for tests and
 * the benchmark: guest RAM in a memfd shared with the back-end, real split rings in it, eventfds
 * for kicks, calls and errors, and the requests QEMU 10 sends for vhost-user-scmi, in QEMU's order.
 *
 * <pre>{@code
 * try (VhostUserFrontend guest = VhostUserFrontend.connect(path, VhostUserFrontend.Options.defaults())) {
 *     guest.start();
 *     byte[] response = guest.call(request, 136);
 * }
 * }</pre>
 *
 * Queue 0 is the command queue (request, then response buffer, as Linux posts them: one indirect
 * table per command when INDIRECT_DESC is negotiated), queue 1 the event queue.
 *
 * <p>With {@link Options#trackInflight()} it also plays QEMU's vhost-user-blk on a back-end that
 * offers INFLIGHT_SHMFD: at the first start it asks the back-end for an inflight region
 * (GET_INFLIGHT_FD), keeps that fd for the life of the device, and gives it to the back-end at every
 * start (SET_INFLIGHT_FD). {@link #reconnect()} then connects to a back-end that replaced a dead one
 * and restarts the device with the same rings and the same region, at the used idx of each ring, as
 * QEMU does when GET_VRING_BASE cannot reach the dead back-end; commands the dead back-end left
 * unanswered are answered by the new one.
 *
 * <p>Not thread-safe: one thread drives it, as one CPU drives a virtqueue.
 */
public final class VhostUserFrontend implements AutoCloseable {
    /** Guest-physical address of guest RAM, as QEMU's arm virt machine has it. */
    public static final long GUEST_RAM_BASE = 0x4000_0000L;
    public static final int COMMAND_QUEUE = 0;
    public static final int EVENT_QUEUE = 1;
    public static final int QUEUE_COUNT = 2;
    /** Size of one eventq buffer Linux posts for SCMI notifications. */
    public static final int EVENT_BUFFER_SIZE = 136;
    /** Protocol features QEMU 10 takes when offered (of those a control device can be offered). */
    public static final long FRONTEND_PROTOCOL_FEATURES = VirtioFeatures.bit(ProtocolFeatures.MQ)
            | VirtioFeatures.bit(ProtocolFeatures.REPLY_ACK) | VirtioFeatures.bit(ProtocolFeatures.INFLIGHT_SHMFD)
            | VirtioFeatures.bit(ProtocolFeatures.RESET_DEVICE);

    /** How the driver learns that the device used a buffer. */
    public enum WaitMode {
        /** Interrupts on: block in poll(2) on the call eventfd. */
        INTERRUPT,
        /** Interrupts suppressed: spin reading the used ring. */
        BUSY_POLL
    }

    /**
     * @param ramSize bytes of guest RAM
     * @param queueSize size of both queues
     * @param driverFeatures feature bits the guest's driver accepts (ANDed with the device's)
     * @param timeout longest wait for the back-end before failing
     * @param trackInflight whether to use the back-end's inflight tracking (INFLIGHT_SHMFD), as
     *     QEMU's vhost-user-blk does; QEMU's vhost-user-scmi does not
     */
    public record Options(long ramSize, int queueSize, long driverFeatures, Duration timeout, boolean trackInflight) {
        /** What QEMU and Linux use: 256-entry queues, VERSION_1, INDIRECT_DESC, EVENT_IDX, P2A channels. */
        public static Options defaults() {
            return new Options(16L << 20, 256, VirtioFeatures.bit(VirtioFeatures.VERSION_1)
                    | VirtioFeatures.bit(VirtioFeatures.RING_INDIRECT_DESC)
                    | VirtioFeatures.bit(VirtioFeatures.RING_EVENT_IDX) | VirtioFeatures.bit(VIRTIO_SCMI_F_P2A_CHANNELS),
                    Duration.ofSeconds(5), false);
        }

        public Options withDriverFeatures(long features) {
            return new Options(ramSize, queueSize, features, timeout, trackInflight);
        }

        /** The same with inflight tracking on. */
        public Options withInflightTracking() {
            return new Options(ramSize, queueSize, driverFeatures, timeout, true);
        }

        public Options withTimeout(Duration wait) {
            return new Options(ramSize, queueSize, driverFeatures, wait, trackInflight);
        }
    }

    /** virtio-scmi feature bit 0: the event queue is used. */
    public static final int VIRTIO_SCMI_F_P2A_CHANNELS = 0;

    private final Options options;
    private final String socketPath;
    private int socket;
    private final int memfd;
    private final MemorySegment ram;
    private final DriverMemory memory;
    private final int[] kickFds = {-1, -1};
    private final int[] callFds = {-1, -1};
    private final int[] errFds = {-1, -1};
    private final long[] interrupts = new long[QUEUE_COUNT];
    private final long[] kicks = new long[QUEUE_COUNT];
    private final DriverSplitQueue[] queues = new DriverSplitQueue[QUEUE_COUNT];
    private final int[] bases = new int[QUEUE_COUNT];

    private long backendFeatures;
    private long protocolFeatures;
    private long ackedFeatures;
    private int queueNum;
    /** The inflight region's fd, kept for the life of the device; -1 until the first start asks for one. */
    private int inflightFd = -1;
    private InflightDescription inflight;
    private WaitMode waitMode = WaitMode.INTERRUPT;
    private boolean closed;

    private VhostUserFrontend(String socketPath, Options options) throws LinuxException {
        this.options = options;
        this.socketPath = socketPath;
        this.memfd = Linux.memfdCreate("vhost-user-frontend", options.ramSize());
        MemorySegment mapped;
        try {
            mapped = Linux.mmap(memfd, options.ramSize(), 0, true);
        } catch (LinuxException e) {
            Linux.close(memfd);
            throw e;
        }
        this.ram = mapped;
        this.memory = new DriverMemory(ram, GUEST_RAM_BASE);
        int connected;
        try {
            connected = Linux.connectUnix(socketPath);
        } catch (LinuxException e) {
            Linux.munmap(ram);
            Linux.close(memfd);
            throw e;
        }
        this.socket = connected;
    }

    /**
     * Connects to a back-end and runs what QEMU runs when the device is created: features,
     * protocol features, queue count, owner, and a first call and err fd per vring.
     */
    public static VhostUserFrontend connect(String socketPath, Options options) throws LinuxException {
        VhostUserFrontend frontend = new VhostUserFrontend(socketPath, options);
        try {
            frontend.initialize();
            return frontend;
        } catch (LinuxException | RuntimeException e) {
            frontend.close();
            throw e;
        }
    }

    /** Connects without sending anything (for tests of raw messages). */
    public static VhostUserFrontend connectRaw(String socketPath, Options options) throws LinuxException {
        return new VhostUserFrontend(socketPath, options);
    }

    private void initialize() throws LinuxException {
        backendFeatures = requestU64(FrontendRequest.GET_FEATURES);
        if (VirtioFeatures.has(backendFeatures, ProtocolFeatures.F_PROTOCOL_FEATURES)) {
            long offered = requestU64(FrontendRequest.GET_PROTOCOL_FEATURES);
            protocolFeatures = offered & FRONTEND_PROTOCOL_FEATURES;
            send(FrontendRequest.SET_PROTOCOL_FEATURES, VhostUserCodec.encodeU64(protocolFeatures));
        }
        if (VirtioFeatures.has(protocolFeatures, ProtocolFeatures.MQ)) {
            queueNum = (int) requestU64(FrontendRequest.GET_QUEUE_NUM);
            if (queueNum < QUEUE_COUNT) {
                throw new IllegalStateException("back-end has " + queueNum + " queues, virtio-scmi needs "
                        + QUEUE_COUNT);
            }
        }
        send(FrontendRequest.SET_OWNER, new byte[0]);
        long again = requestU64(FrontendRequest.GET_FEATURES);
        if (again != backendFeatures) {
            throw new IllegalStateException("back-end features changed from 0x" + Long.toHexString(backendFeatures)
                    + " to 0x" + Long.toHexString(again));
        }
        for (int i = 0; i < QUEUE_COUNT; i++) {
            setCall(i);
            setErr(i);
        }
    }

    /**
     * What QEMU sends when the guest's driver starts the device: call fds, features, the memory
     * table, each ring (num, base, addresses, kick), enable, and call fds once more. Rings are laid
     * out anew in guest RAM; a second start resumes at the bases the last {@link #stop()} returned.
     */
    public void start() throws LinuxException {
        for (int i = 0; i < QUEUE_COUNT; i++) {
            setCall(i);
        }
        ackedFeatures = (options.driverFeatures() & backendFeatures)
                | (backendFeatures & VirtioFeatures.bit(ProtocolFeatures.F_PROTOCOL_FEATURES));
        send(FrontendRequest.SET_FEATURES, VhostUserCodec.encodeU64(ackedFeatures));
        if (options.trackInflight()) {
            if (inflightFd < 0) {
                getInflightFd();
            }
            sendWithFds(FrontendRequest.SET_INFLIGHT_FD, inflight.encode(), false, inflightFd);
        }
        sendMemoryTable();
        boolean eventIdx = VirtioFeatures.has(ackedFeatures, VirtioFeatures.RING_EVENT_IDX);
        for (int i = 0; i < QUEUE_COUNT; i++) {
            DriverSplitQueue queue = new DriverSplitQueue(memory, options.queueSize(), eventIdx,
                    i == COMMAND_QUEUE ? 2 * EVENT_BUFFER_SIZE + 256 : EVENT_BUFFER_SIZE);
            queue.startAt(bases[i]);
            queues[i] = queue;
            sendRing(i, bases[i]);
        }
        enableRings();
    }

    /** SET_VRING_NUM, BASE, ADDR and KICK (a new kick eventfd) for a laid-out ring. */
    private void sendRing(int index, int base) throws LinuxException {
        DriverSplitQueue queue = queues[index];
        send(FrontendRequest.SET_VRING_NUM, new VringState(index, options.queueSize()).encode());
        send(FrontendRequest.SET_VRING_BASE, new VringState(index, base).encode());
        send(FrontendRequest.SET_VRING_ADDR, new VringAddress(index, 0, userAddress(queue.descriptorTableAddress()),
                userAddress(queue.usedRingAddress()), userAddress(queue.availRingAddress()), 0).encode());
        Linux.close(kickFds[index]);
        kickFds[index] = Linux.eventfd(Linux.EFD_NONBLOCK);
        sendWithFds(FrontendRequest.SET_VRING_KICK, VhostUserCodec.encodeU64(new VringFile(index, false).encode()),
                false, kickFds[index]);
    }

    /** SET_VRING_ENABLE for both rings, new call fds, and the wait mode the driver had. */
    private void enableRings() throws LinuxException {
        for (int i = 0; i < QUEUE_COUNT; i++) {
            sendAcked(FrontendRequest.SET_VRING_ENABLE, new VringState(i, 1).encode());
        }
        for (int i = 0; i < QUEUE_COUNT; i++) {
            setCall(i);
        }
        setWaitMode(waitMode);
    }

    /**
     * GET_INFLIGHT_FD for both queues: the back-end's region, whose fd this front-end keeps (as
     * QEMU keeps it in {@code struct vhost_inflight}) until it is closed.
     */
    private void getInflightFd() throws LinuxException {
        if (!VirtioFeatures.has(protocolFeatures, ProtocolFeatures.INFLIGHT_SHMFD)) {
            throw new IllegalStateException("the back-end does not offer INFLIGHT_SHMFD");
        }
        sendRaw(VhostUserCodec.message(FrontendRequest.GET_INFLIGHT_FD.id(), VhostUserCodec.VERSION,
                new InflightDescription(0, 0, QUEUE_COUNT, options.queueSize()).encode()));
        byte[] headerBytes = new byte[VhostUserCodec.HEADER_SIZE];
        int[] fds = receiveWithFds(headerBytes);
        Header header = Header.decode(headerBytes);
        if (header.request() != FrontendRequest.GET_INFLIGHT_FD.id() || !header.isReply()
                || header.size() != VhostUserCodec.INFLIGHT_SIZE) {
            throw new IllegalStateException("bad reply to GET_INFLIGHT_FD: " + header);
        }
        byte[] payload = new byte[VhostUserCodec.INFLIGHT_SIZE];
        int[] more = receiveWithFds(payload);
        int[] all = Arrays.copyOf(fds, fds.length + more.length);
        System.arraycopy(more, 0, all, fds.length, more.length);
        if (all.length != 1) {
            for (int fd : all) {
                Linux.close(fd);
            }
            throw new IllegalStateException("GET_INFLIGHT_FD answered with " + all.length + " fds, expected 1");
        }
        inflightFd = all[0];
        inflight = InflightDescription.decode(payload);
    }

    /** The inflight region the back-end gave (null before the first start with inflight tracking). */
    public InflightDescription inflightRegion() {
        return inflight;
    }

    /**
     * The heads the back-end recorded as in flight (taken, not returned) in queue {@code index}'s
     * part of the inflight region, read from this front-end's own mapping of the kept region.
     */
    public List<Integer> inflightHeads(int index) throws LinuxException {
        if (inflightFd < 0) {
            throw new IllegalStateException("no inflight region");
        }
        MemorySegment whole = Linux.mmap(inflightFd, inflight.mmapOffset() + inflight.mmapSize(), 0, false);
        try {
            long stride = InflightRegion.queueRegionSize(inflight.queueSize());
            MemorySegment queue = whole.asSlice(inflight.mmapOffset() + index * stride, stride);
            List<Integer> heads = new ArrayList<>();
            for (int head = 0; head < inflight.queueSize(); head++) {
                long state = InflightRegion.QUEUE_DESC + (long) head * InflightRegion.DESC_SIZE;
                if (queue.get(ValueLayout.JAVA_BYTE, state + InflightRegion.DESC_INFLIGHT) != 0) {
                    heads.add(head);
                }
            }
            return heads;
        } finally {
            Linux.munmap(whole);
        }
    }

    /** The fd of the inflight region (-1 before the first start with inflight tracking). */
    public int inflightFd() {
        return inflightFd;
    }

    /**
     * What QEMU does after the back-end died and a new one listens on the socket (QEMU as the
     * socket's client with {@code reconnect-ms}): connects again, runs the whole handshake, and
     * starts the device as it was: the same features, the kept inflight region, the same memory and
     * rings, each ring at its used idx (GET_VRING_BASE could not reach the dead back-end). Chains the
     * driver had posted stay posted; the new back-end answers them.
     */
    public void reconnect() throws LinuxException {
        Linux.close(socket);
        socket = Linux.connectUnix(socketPath);
        long acked = ackedFeatures;
        initialize();
        if (queues[COMMAND_QUEUE] == null) {
            return;
        }
        for (int i = 0; i < QUEUE_COUNT; i++) {
            setCall(i);
        }
        ackedFeatures = acked;
        send(FrontendRequest.SET_FEATURES, VhostUserCodec.encodeU64(ackedFeatures));
        if (inflightFd >= 0) {
            sendWithFds(FrontendRequest.SET_INFLIGHT_FD, inflight.encode(), false, inflightFd);
        }
        sendMemoryTable();
        for (int i = 0; i < QUEUE_COUNT; i++) {
            sendRing(i, queues[i].deviceUsedIndex());
        }
        enableRings();
    }

    /** SET_MEM_TABLE with the whole guest RAM as one region (QEMU waits for the reply-ack). */
    public void sendMemoryTable() throws LinuxException {
        sendMemoryTable(List.of(new RegionDescription(GUEST_RAM_BASE, options.ramSize(), ram.address(), 0)));
    }

    /** SET_MEM_TABLE with the given regions, each mapped from this front-end's memfd. */
    public void sendMemoryTable(List<RegionDescription> regions) throws LinuxException {
        int[] fds = new int[regions.size()];
        Arrays.fill(fds, memfd);
        sendWithFds(FrontendRequest.SET_MEM_TABLE, VhostUserCodec.encodeMemoryTable(regions), true, fds);
    }

    /**
     * What QEMU sends when the guest stops the device: disable both rings and ask where they
     * stopped; the answers are where the next {@link #start()} resumes.
     *
     * @return each ring's next avail index as the back-end reported it
     */
    public int[] stop() throws LinuxException {
        for (int i = 0; i < QUEUE_COUNT; i++) {
            sendAcked(FrontendRequest.SET_VRING_ENABLE, new VringState(i, 0).encode());
        }
        for (int i = 0; i < QUEUE_COUNT; i++) {
            bases[i] = getVringBase(i);
        }
        for (int i = 0; i < QUEUE_COUNT; i++) {
            setCall(i);
        }
        return bases.clone();
    }

    /** GET_VRING_BASE for one ring. */
    public int getVringBase(int index) throws LinuxException {
        byte[] reply = request(FrontendRequest.GET_VRING_BASE, new VringState(index, 0).encode(),
                VhostUserCodec.VRING_STATE_SIZE);
        VringState state = VringState.decode(reply);
        if (state.index() != index) {
            throw new IllegalStateException("GET_VRING_BASE for ring " + index + " answered for ring " + state.index());
        }
        return state.num();
    }

    /**
     * Gives the back-end a new call eventfd. Unlike QEMU, which checks its old notifier for a
     * pending interrupt after switching, this front-end asks for a reply-ack: once it arrives the
     * back-end signals only the new fd, and the old one can be closed.
     */
    private void setCall(int index) throws LinuxException {
        int old = callFds[index];
        callFds[index] = Linux.eventfd(Linux.EFD_NONBLOCK);
        sendWithFds(FrontendRequest.SET_VRING_CALL, VhostUserCodec.encodeU64(new VringFile(index, false).encode()),
                true, callFds[index]);
        Linux.close(old);
    }

    private void setErr(int index) throws LinuxException {
        Linux.close(errFds[index]);
        errFds[index] = Linux.eventfd(Linux.EFD_NONBLOCK);
        sendWithFds(FrontendRequest.SET_VRING_ERR, VhostUserCodec.encodeU64(new VringFile(index, false).encode()),
                false, errFds[index]);
    }

    /** This front-end's (QEMU's) address of guest-physical {@code guestAddress}. */
    public long userAddress(long guestAddress) {
        return ram.address() + (guestAddress - GUEST_RAM_BASE);
    }

    // ------------------------------------------------------------------ the driver

    /** Interrupts for the command queue on (block on the call fd) or off (spin on the used ring). */
    public void setWaitMode(WaitMode mode) {
        waitMode = mode;
        DriverSplitQueue queue = queues[COMMAND_QUEUE];
        if (queue != null) {
            if (mode == WaitMode.BUSY_POLL) {
                queue.disableInterrupts();
            } else {
                queue.enableInterrupts();
            }
        }
    }

    /**
     * Posts a command and its response buffer on the command queue, kicking the device if it asks
     * for it.
     *
     * @return the chain's head (the id its completion carries)
     */
    public int submit(byte[] request, int responseCapacity) throws LinuxException {
        DriverSplitQueue queue = started(COMMAND_QUEUE);
        int head = VirtioFeatures.has(ackedFeatures, VirtioFeatures.RING_INDIRECT_DESC)
                ? queue.addIndirect(List.of(request), responseCapacity)
                : queue.add(List.of(request), responseCapacity);
        publish(COMMAND_QUEUE);
        return head;
    }

    /** Waits for the device to return a command chain. */
    public UsedBuffer awaitCompletion() throws LinuxException {
        return awaitUsed(COMMAND_QUEUE, waitMode);
    }

    /** Sends one command and returns the bytes the device wrote back (its used length). */
    public byte[] call(byte[] request, int responseCapacity) throws LinuxException {
        int head = submit(request, responseCapacity);
        UsedBuffer used = awaitCompletion();
        if (used.id() != head) {
            throw new IllegalStateException("device completed chain " + used.id() + ", expected " + head);
        }
        return used.written();
    }

    /** Posts {@code count} empty event buffers of {@link #EVENT_BUFFER_SIZE} bytes. */
    public void postEventBuffers(int count) throws LinuxException {
        DriverSplitQueue queue = started(EVENT_QUEUE);
        for (int i = 0; i < count; i++) {
            queue.add(List.of(), EVENT_BUFFER_SIZE);
        }
        publish(EVENT_QUEUE);
    }

    /** Waits for the device to deliver an event; returns its bytes. */
    public byte[] awaitEvent() throws LinuxException {
        return awaitUsed(EVENT_QUEUE, WaitMode.INTERRUPT).written();
    }

    /** An event already delivered, or null. Does not wait. */
    public byte[] pollEvent() {
        UsedBuffer used = started(EVENT_QUEUE).poll();
        return used == null ? null : used.written();
    }

    private DriverSplitQueue started(int index) {
        if (queues[index] == null) {
            throw new IllegalStateException("queue " + index + " is not started");
        }
        return queues[index];
    }

    /** Publishes what was added to a queue and kicks the device if it wants it. */
    public void publish(int index) throws LinuxException {
        if (started(index).publish()) {
            Linux.eventfdSignal(kickFds[index]);
            kicks[index]++;
        }
    }

    /** Kicks the device for a queue whatever its suppression state. */
    public void kick(int index) throws LinuxException {
        Linux.eventfdSignal(kickFds[index]);
        kicks[index]++;
    }

    private UsedBuffer awaitUsed(int index, WaitMode mode) throws LinuxException {
        DriverSplitQueue queue = started(index);
        long deadline = System.nanoTime() + options.timeout().toNanos();
        int spins = 0;
        while (true) {
            UsedBuffer used = queue.poll();
            if (used != null) {
                return used;
            }
            if (mode == WaitMode.BUSY_POLL) {
                Thread.onSpinWait();
                if ((++spins & 0xFFFF) == 0 && System.nanoTime() > deadline) {
                    throw timeout(index);
                }
                continue;
            }
            if (queue.enableInterrupts()) {
                continue;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0 || !awaitSignal(callFds[index], Duration.ofNanos(left))) {
                throw timeout(index);
            }
            interrupts[index] += Linux.eventfdConsume(callFds[index]);
        }
    }

    private IllegalStateException timeout(int index) {
        return new IllegalStateException("no used buffer on queue " + index + " within " + options.timeout()
                + " (device used idx " + queues[index].deviceUsedIndex() + ", driver avail idx "
                + queues[index].availIndex() + ")");
    }

    private static boolean awaitSignal(int fd, Duration timeout) throws LinuxException {
        short[] revents = new short[1];
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            if (Linux.poll(new int[] {fd}, revents, (int) Math.max(1, left / 1_000_000)) > 0) {
                return true;
            }
        }
    }

    /** Interrupts (call eventfd signals) received for a queue. */
    public long interrupts(int index) {
        return interrupts[index];
    }

    /** Kicks sent for a queue. */
    public long kicks(int index) {
        return kicks[index];
    }

    /** Whether the back-end signalled a vring's err eventfd (consuming the signal). */
    public boolean errorSignalled(int index, Duration timeout) throws LinuxException {
        return awaitSignal(errFds[index], timeout) && Linux.eventfdConsume(errFds[index]) != 0;
    }

    /** The rings, for tests that write raw descriptors. */
    public DriverSplitQueue queue(int index) {
        return started(index);
    }

    /** The memfd holding guest RAM (for raw memory tables). */
    public int memfd() {
        return memfd;
    }

    public DriverMemory memory() {
        return memory;
    }

    public long backendFeatures() {
        return backendFeatures;
    }

    public long protocolFeatures() {
        return protocolFeatures;
    }

    public long ackedFeatures() {
        return ackedFeatures;
    }

    public int queueNum() {
        return queueNum;
    }

    public String socketPath() {
        return socketPath;
    }

    // ------------------------------------------------------------------ messages

    private boolean replyAck() {
        return VirtioFeatures.has(protocolFeatures, ProtocolFeatures.REPLY_ACK);
    }

    /** Sends a request that has no reply. */
    public void send(FrontendRequest request, byte[] payload) throws LinuxException {
        sendWithFds(request, payload, false);
    }

    /** Sends a request with need_reply when REPLY_ACK is negotiated, and checks the ack. */
    public void sendAcked(FrontendRequest request, byte[] payload) throws LinuxException {
        sendWithFds(request, payload, true);
    }

    private void sendWithFds(FrontendRequest request, byte[] payload, boolean acked, int... fds)
            throws LinuxException {
        boolean needReply = acked && replyAck();
        int flags = VhostUserCodec.VERSION | (needReply ? VhostUserCodec.FLAG_NEED_REPLY : 0);
        sendRaw(VhostUserCodec.message(request.id(), flags, payload), fds);
        if (needReply) {
            long status = VhostUserCodec.decodeU64(readReply(request.id(), VhostUserCodec.U64_SIZE));
            if (status != 0) {
                throw new IllegalStateException(request + " failed: back-end answered " + status);
            }
        }
    }

    /** Sends a request and returns its u64 reply. */
    public long requestU64(FrontendRequest request) throws LinuxException {
        return VhostUserCodec.decodeU64(request(request, new byte[0], VhostUserCodec.U64_SIZE));
    }

    /** Sends a request that has a reply of {@code replySize} bytes and returns the reply payload. */
    public byte[] request(FrontendRequest request, byte[] payload, int replySize) throws LinuxException {
        sendRaw(VhostUserCodec.message(request.id(), VhostUserCodec.VERSION, payload));
        return readReply(request.id(), replySize);
    }

    /** Sends bytes as they are, with fds attached. */
    public void sendRaw(byte[] bytes, int... fds) throws LinuxException {
        Linux.sendWithFds(socket, bytes, fds);
    }

    private byte[] readReply(int request, int size) throws LinuxException {
        byte[] headerBytes = receiveRaw(VhostUserCodec.HEADER_SIZE);
        Header header = Header.decode(headerBytes);
        if (header.request() != request || !header.isReply() || header.version() != VhostUserCodec.VERSION
                || header.size() != size) {
            throw new IllegalStateException("bad reply to request " + request + ": " + header);
        }
        return receiveRaw(size);
    }

    /** Reads exactly {@code length} bytes the back-end sent (fds that come along are closed). */
    public byte[] receiveRaw(int length) throws LinuxException {
        byte[] bytes = new byte[length];
        for (int fd : receiveWithFds(bytes)) {
            Linux.close(fd);
        }
        return bytes;
    }

    /** Fills {@code bytes} from the socket; returns the fds that came along (the caller owns them). */
    private int[] receiveWithFds(byte[] bytes) throws LinuxException {
        int[] fds = new int[0];
        int filled = 0;
        while (filled < bytes.length) {
            Linux.Received received = Linux.receiveWithFds(socket, bytes, filled, bytes.length - filled);
            int[] more = received.fds();
            if (more.length > 0) {
                int[] grown = Arrays.copyOf(fds, fds.length + more.length);
                System.arraycopy(more, 0, grown, fds.length, more.length);
                fds = grown;
            }
            if (received.length() == 0) {
                for (int fd : fds) {
                    Linux.close(fd);
                }
                throw new IllegalStateException("back-end closed the connection");
            }
            filled += received.length();
        }
        return fds;
    }

    /**
     * Waits for the back-end to close the connection.
     *
     * @return true if it did within the timeout (bytes it sent meanwhile are discarded)
     */
    public boolean awaitDisconnect(Duration timeout) throws LinuxException {
        long deadline = System.nanoTime() + timeout.toNanos();
        byte[] sink = new byte[256];
        while (awaitSignal(socket, Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))) {
            Linux.Received received = Linux.receiveWithFds(socket, sink, 0, sink.length);
            for (int fd : received.fds()) {
                Linux.close(fd);
            }
            if (received.length() == 0) {
                return true;
            }
        }
        return false;
    }

    /** Disconnects like a QEMU that quits: closes the socket, eventfds and guest RAM. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Linux.close(socket);
        for (int i = 0; i < QUEUE_COUNT; i++) {
            Linux.close(kickFds[i]);
            Linux.close(callFds[i]);
            Linux.close(errFds[i]);
        }
        Linux.close(inflightFd);
        try {
            Linux.munmap(ram);
        } catch (LinuxException e) {
            throw new IllegalStateException(e);
        }
        Linux.close(memfd);
    }

    @Override
    public String toString() {
        return "VhostUserFrontend[" + socketPath + ", features 0x" + Long.toHexString(ackedFeatures) + "]";
    }
}
