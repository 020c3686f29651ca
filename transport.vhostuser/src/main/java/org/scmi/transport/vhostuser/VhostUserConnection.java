package org.scmi.transport.vhostuser;

import java.util.List;
import org.scmi.linux.Linux;
import org.scmi.linux.LinuxException;
import org.scmi.transport.vhostuser.VhostUserCodec.InflightDescription;
import org.scmi.transport.vhostuser.VhostUserCodec.RegionDescription;
import org.scmi.transport.vhostuser.VhostUserCodec.VringAddress;
import org.scmi.transport.vhostuser.VhostUserCodec.VringFile;
import org.scmi.transport.vhostuser.VhostUserCodec.VringState;
import org.scmi.virtio.device.GuestIdentity;
import org.scmi.virtio.device.GuestRefusedException;
import org.scmi.virtio.device.GuestTransport;
import org.scmi.virtio.device.QueueSetup;
import org.scmi.virtio.device.VirtioDevice;
import org.scmi.virtio.device.VirtioDeviceSession;
import org.scmi.virtio.ring.SplitRing;
import org.scmi.virtio.ring.VirtioFeatures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One front-end connection: the vhost-user protocol as the back-end of one guest's device, from
 * the first request to the disconnect that frees everything of the guest.
 *
 * <p>Threads: everything runs on the threads of the transport's {@link Poller}, which every
 * guest shares.
 * <ul>
 * <li>The <em>connection handler</em> ({@link #receive}) runs each time the socket is readable: it
 * reads one request and handles it (all vring, memory and session state changes happen there), one
 * run at a time, each after the one before; at the end it tears the guest down. May block (a
 * front-end that sends half a message, a queue that stops only once its command is answered): the
 * poller has other threads for other guests.</li>
 * <li>The <em>kick handlers</em>, one per running queue, deliver the guest's kicks to the device:
 * one kick at a time per queue, the two queues possibly at once, and concurrently with the
 * connection handler (a queue is stopped only once its kick handler is not running).</li>
 * <li>The device's own threads call {@link #notifyGuest} and {@link #deviceNeedsReset} at any time;
 * they only signal eventfds, through {@link EventFdSlot}s that the connection handler may replace
 * concurrently. The device calls {@link #resumeLater} from a queue's kick handler (which then
 * goes on at once) or from the connection handler starting the queue (which signals the kick
 * eventfd the kick handler watches).</li>
 * </ul>
 *
 * <p>A ring is served (the session's {@code startQueue}) when it has a size, addresses, a kick fd,
 * is enabled and the memory table is known; it is stopped before any of those changes and at
 * GET_VRING_BASE, and restarted after the change if it is still complete. Guest memory is unmapped
 * only once no queue uses it.
 *
 * <p>Inflight tracking (VHOST_USER_PROTOCOL_F_INFLIGHT_SHMFD): GET_INFLIGHT_FD hands out a new,
 * zeroed region; once the front-end gives a region back with SET_INFLIGHT_FD, each ring is served
 * with its queue's {@link InflightRegion.QueueLog}, so the device records what it takes and returns,
 * and a ring started over a region an earlier back-end used first answers what that back-end left in
 * flight. The guest is then interrupted once, for answers that back-end published without
 * signalling.
 */
final class VhostUserConnection implements GuestTransport {
    private static final Logger LOG = LoggerFactory.getLogger(VhostUserConnection.class);
    private static final long ACK_SUCCESS = 0;
    private static final long ACK_FAILURE = 1;
    private static final int MAX_AVAIL_INDEX = 0xFFFF;

    private final GuestIdentity guest;
    private final VirtioDevice backend;
    private final Poller poller;
    private final int socket;
    private final Runnable ended;
    private final MessageChannel channel;
    private final Vring[] vrings;
    private final long offeredFeatures;

    private VirtioDeviceSession session;
    /** Guarded by this: runs the connection handler; null before start and after tear-down. */
    private Poller.Watch requests;
    private boolean tornDown;
    private MemoryTable memory;
    private InflightRegion inflight;
    /** An fd to attach to the reply being built (GET_INFLIGHT_FD); owned here until sent. */
    private int replyFd = -1;
    private long ackedFeatures;
    private long protocolFeatures;
    /** Guarded by this: the socket is still open (shutdown from other threads is safe). */
    private boolean socketOpen = true;
    private volatile boolean disconnecting;
    /** Whether the server stops serving the guest (its socket is closed), rather than the guest leaving. */
    private volatile boolean detaching;

    /**
     * @param poller runs the handlers of the socket and of the kicks
     * @param socket the accepted connection; this object owns it from now on
     * @param ended called once the connection is torn down, on the thread that tore it down
     */
    VhostUserConnection(GuestIdentity guest, VirtioDevice backend, Poller poller, int socket, Runnable ended) {
        this.guest = guest;
        this.backend = backend;
        this.poller = poller;
        this.socket = socket;
        this.ended = ended;
        this.channel = new MessageChannel(socket);
        this.vrings = new Vring[backend.queueCount()];
        for (int i = 0; i < vrings.length; i++) {
            vrings[i] = new Vring(i);
        }
        this.offeredFeatures = backend.features() | VirtioFeatures.bit(ProtocolFeatures.F_PROTOCOL_FEATURES);
    }

    private String name() {
        return guest.name();
    }

    /**
     * Opens the guest's device session and serves the front-end's requests from now on, until it
     * leaves, breaks the protocol or is disconnected. If it cannot start, the connection is torn
     * down at once.
     */
    void start() {
        try {
            session = backend.open(guest, this);
            synchronized (this) { // a request may tear down before watch returns: it waits for the field
                requests = poller.watch(socket, fd -> receive(), this::tearDown, "guest " + name() + " connection");
            }
        } catch (LinuxException | RuntimeException e) {
            LOG.error("guest {}: cannot serve the connection: {}; disconnecting", name(), e.toString());
            tearDown();
        }
    }

    /** The connection handler: one request, or the end of the connection. */
    private void receive() {
        try {
            Message message = channel.receive();
            if (message == null) {
                LOG.info("guest {}: {}", name(), disconnecting ? "disconnected" : "front-end closed the connection");
                tearDown();
                return;
            }
            try {
                handle(message);
            } finally {
                message.closeFds();
            }
        } catch (GuestRefusedException e) {
            LOG.info("guest {}: not served (see the refusal above); disconnecting", name());
        } catch (ProtocolViolation e) {
            LOG.error("guest {}: {}; disconnecting", name(), e.getMessage());
            tearDown();
        } catch (LinuxException e) {
            if (disconnecting) {
                LOG.info("guest {}: disconnected", name());
            } else {
                LOG.error("guest {}: connection failed: {}; disconnecting", name(), e.getMessage());
            }
            tearDown();
        } catch (RuntimeException e) {
            LOG.error("guest {}: unexpected failure; disconnecting", name(), e);
            tearDown();
        }
    }

    /**
     * Ends the connection from any thread (a broken kick fd, or the administrator through the device):
     * the socket is shut down, QEMU sees the back-end disconnect, and the connection handler tears
     * the guest down as for any disconnect. The socket keeps listening for the guest's next connection.
     */
    @Override
    public void disconnect() {
        disconnecting = true;
        synchronized (this) {
            if (socketOpen) {
                Linux.shutdown(socket);
            }
        }
    }

    /**
     * Ends the connection because the server stops serving the guest (the socket's configuration
     * is withdrawn, the transport or the server stops): as {@link #disconnect}, but the guest has
     * not left, so its device session is detached, not closed (see
     * {@link VirtioDeviceSession#detach}).
     */
    void detach() {
        detaching = true;
        disconnect();
    }

    // ------------------------------------------------------------------ GuestTransport (device threads)

    @Override
    public void notifyGuest(int queueIndex) {
        if (queueIndex < 0 || queueIndex >= vrings.length) {
            LOG.warn("guest {}: device notified unknown queue {}", name(), queueIndex);
            return;
        }
        try {
            vrings[queueIndex].call.signal();
        } catch (LinuxException e) {
            LOG.warn("guest {}: cannot signal the call fd of queue {}: {}", name(), queueIndex, e.getMessage());
        }
    }

    /**
     * From the queue's own kick handler: false, so the device goes on with the next turn on this
     * thread. The poller always keeps a thread waiting while handlers run, so the other guests'
     * ready fds are taken meanwhile and nobody waits behind this queue; handing it back through its
     * kick eventfd would cost four system calls a turn (signal, re-arm, epoll_wait, consume), each
     * allocating the JDK's errno capture under C1. From the connection handler (a queue starting):
     * signals the kick eventfd, so that the queue's work moves to a kick handler and the connection
     * handler is free for the front-end's next request.
     */
    @Override
    public boolean resumeLater(int queueIndex) {
        if (queueIndex < 0 || queueIndex >= vrings.length || vrings[queueIndex].kickFd < 0
                || vrings[queueIndex].kickHandler == Thread.currentThread()) {
            return false;
        }
        try {
            Linux.eventfdSignal(vrings[queueIndex].kickFd);
            return true;
        } catch (LinuxException e) {
            LOG.warn("guest {}: cannot signal the kick fd of queue {}: {}", name(), queueIndex, e.getMessage());
            return false;
        }
    }

    @Override
    public void deviceNeedsReset(String reason) {
        boolean signalled = false;
        for (Vring vring : vrings) {
            try {
                signalled |= vring.err.signal();
            } catch (LinuxException e) {
                LOG.warn("guest {}: cannot signal the err fd of queue {}: {}", name(), vring.index, e.getMessage());
            }
        }
        LOG.error("guest {}: device needs reset: {}{}", name(), reason,
                signalled ? " (front-end told through the vring err fds)" : " (front-end gave no err fd)");
    }

    // ------------------------------------------------------------------ requests (connection handler)

    private void handle(Message message) throws ProtocolViolation, LinuxException {
        FrontendRequest request = message.request();
        if (request == null) {
            throw new ProtocolViolation("unknown " + message.describe());
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("guest {}: {} flags 0x{} ({} payload bytes, {} fds)", name(), request,
                    Integer.toHexString(message.header().flags()), message.payload().length, message.fdCount());
        }
        byte[] reply;
        try {
            reply = dispatch(request, message);
        } catch (ProtocolViolation e) {
            if (wantsAck(message)) {
                channel.reply(message.header().request(), VhostUserCodec.encodeU64(ACK_FAILURE));
            }
            throw new ProtocolViolation(request + ": " + e.getMessage(), e);
        }
        if (reply != null) {
            int[] fds = replyFd >= 0 ? new int[] {replyFd} : new int[0];
            try {
                channel.reply(message.header().request(), reply, fds);
            } finally {
                Linux.close(replyFd);
                replyFd = -1;
            }
        } else if (wantsAck(message)) {
            channel.reply(message.header().request(), VhostUserCodec.encodeU64(ACK_SUCCESS));
        }
    }

    private boolean wantsAck(Message message) {
        return message.header().needsReply() && VirtioFeatures.has(protocolFeatures, ProtocolFeatures.REPLY_ACK);
    }

    /** Handles one request; returns its reply payload, or null for requests without one. */
    private byte[] dispatch(FrontendRequest request, Message m) throws ProtocolViolation, LinuxException {
        return switch (request) {
            case GET_FEATURES -> {
                expect(m, 0, 0);
                yield VhostUserCodec.encodeU64(offeredFeatures);
            }
            case SET_FEATURES -> {
                expect(m, VhostUserCodec.U64_SIZE, 0);
                setFeatures(VhostUserCodec.decodeU64(m.payload()));
                yield null;
            }
            case GET_PROTOCOL_FEATURES -> {
                expect(m, 0, 0);
                yield VhostUserCodec.encodeU64(ProtocolFeatures.OFFERED);
            }
            case SET_PROTOCOL_FEATURES -> {
                expect(m, VhostUserCodec.U64_SIZE, 0);
                setProtocolFeatures(VhostUserCodec.decodeU64(m.payload()));
                yield null;
            }
            case GET_QUEUE_NUM -> {
                expect(m, 0, 0);
                yield VhostUserCodec.encodeU64(vrings.length);
            }
            case SET_OWNER -> {
                expect(m, 0, 0);
                yield null;
            }
            case RESET_OWNER -> {
                // Deprecated; the specification recommends treating it as "disable all rings".
                expect(m, 0, 0);
                for (Vring vring : vrings) {
                    vring.enabled = false;
                    reconcile(vring);
                }
                yield null;
            }
            case RESET_DEVICE -> {
                expect(m, 0, 0);
                resetDevice();
                yield null;
            }
            case SET_MEM_TABLE -> {
                setMemTable(m);
                yield null;
            }
            case SET_VRING_NUM -> {
                setVringNum(state(m));
                yield null;
            }
            case SET_VRING_ADDR -> {
                expect(m, VhostUserCodec.VRING_ADDRESS_SIZE, 0);
                setVringAddress(VringAddress.decode(m.payload()));
                yield null;
            }
            case SET_VRING_BASE -> {
                setVringBase(state(m));
                yield null;
            }
            case GET_VRING_BASE -> {
                yield getVringBase(state(m)).encode();
            }
            case SET_VRING_KICK -> {
                setVringKick(m);
                yield null;
            }
            case SET_VRING_CALL -> {
                VringFile file = vringFile(m);
                vring(file.index()).call.replace(file.noFd() ? -1 : m.takeFd());
                yield null;
            }
            case SET_VRING_ERR -> {
                VringFile file = vringFile(m);
                vring(file.index()).err.replace(file.noFd() ? -1 : m.takeFd());
                yield null;
            }
            case SET_VRING_ENABLE -> {
                setVringEnable(state(m));
                yield null;
            }
            case GET_INFLIGHT_FD -> {
                requireProtocolFeature(ProtocolFeatures.INFLIGHT_SHMFD);
                expect(m, VhostUserCodec.INFLIGHT_SIZE, 0);
                yield getInflightFd(InflightDescription.decode(m.payload())).encode();
            }
            case SET_INFLIGHT_FD -> {
                requireProtocolFeature(ProtocolFeatures.INFLIGHT_SHMFD);
                expect(m, VhostUserCodec.INFLIGHT_SIZE, 1);
                setInflightFd(InflightDescription.decode(m.payload()), m.takeFd());
                yield null;
            }
            default -> throw new ProtocolViolation("request not supported by this back-end (no feature offered "
                    + "for it)");
        };
    }

    private static void expect(Message m, int payloadSize, int fds) throws ProtocolViolation {
        if (m.payload().length != payloadSize) {
            throw new ProtocolViolation("payload of " + m.payload().length + " bytes, expected " + payloadSize);
        }
        if (m.fdCount() != fds) {
            throw new ProtocolViolation(m.fdCount() + " fds attached, expected " + fds);
        }
    }

    private void requireProtocolFeature(int bit) throws ProtocolViolation {
        if (!VirtioFeatures.has(protocolFeatures, bit)) {
            throw new ProtocolViolation("protocol feature " + bit + " was not negotiated");
        }
    }

    private VringState state(Message m) throws ProtocolViolation {
        expect(m, VhostUserCodec.VRING_STATE_SIZE, 0);
        return VringState.decode(m.payload());
    }

    private VringFile vringFile(Message m) throws ProtocolViolation {
        if (m.payload().length != VhostUserCodec.U64_SIZE) {
            throw new ProtocolViolation("payload of " + m.payload().length + " bytes, expected "
                    + VhostUserCodec.U64_SIZE);
        }
        long value = VhostUserCodec.decodeU64(m.payload());
        VringFile file = VringFile.decode(value);
        if (file == null) {
            throw new ProtocolViolation(String.format("invalid vring file payload 0x%x", value));
        }
        vring(file.index());
        int fds = file.noFd() ? 0 : 1;
        if (m.fdCount() != fds) {
            throw new ProtocolViolation(m.fdCount() + " fds attached, expected " + fds);
        }
        return file;
    }

    private Vring vring(int index) throws ProtocolViolation {
        if (index < 0 || index >= vrings.length) {
            throw new ProtocolViolation("vring " + Integer.toUnsignedString(index) + " does not exist (the device has "
                    + vrings.length + ")");
        }
        return vrings[index];
    }

    private void setFeatures(long features) throws ProtocolViolation, LinuxException {
        if ((features & ~offeredFeatures) != 0) {
            throw new ProtocolViolation(String.format("features 0x%x include 0x%x, which were not offered", features,
                    features & ~offeredFeatures));
        }
        for (Vring vring : vrings) {
            if (vring.running && features != ackedFeatures) {
                throw new ProtocolViolation("features changed while vring " + vring.index + " is running");
            }
        }
        try {
            session.setFeatures(features & ~VirtioFeatures.bit(ProtocolFeatures.F_PROTOCOL_FEATURES));
        } catch (IllegalArgumentException e) {
            throw new ProtocolViolation(String.format("device refused features 0x%x: %s", features, e.getMessage()), e);
        }
        ackedFeatures = features;
        if (!VirtioFeatures.has(features, ProtocolFeatures.F_PROTOCOL_FEATURES)) {
            // Without protocol features there is no SET_VRING_ENABLE: rings start enabled.
            for (Vring vring : vrings) {
                vring.enabled = true;
                reconcile(vring);
            }
        }
    }

    private void setProtocolFeatures(long features) throws ProtocolViolation {
        if ((features & ~ProtocolFeatures.OFFERED) != 0) {
            throw new ProtocolViolation(String.format("protocol features 0x%x include 0x%x, which were not offered",
                    features, features & ~ProtocolFeatures.OFFERED));
        }
        protocolFeatures = features;
    }

    private void resetDevice() throws ProtocolViolation {
        for (Vring vring : vrings) {
            stop(vring);
            vring.reset();
        }
        ackedFeatures = 0;
        if (inflight != null) {
            // A reset device starts over: the front-end asks for a new region.
            inflight.close();
            inflight = null;
        }
        try {
            session.reset();
        } catch (RuntimeException e) {
            throw new ProtocolViolation("device reset failed: " + e, e);
        }
    }

    private void setMemTable(Message m) throws ProtocolViolation, LinuxException {
        byte[] payload = m.payload();
        if (payload.length < VhostUserCodec.memoryTableSize(0)) {
            throw new ProtocolViolation("payload of " + payload.length + " bytes is shorter than a memory table");
        }
        int count = VhostUserCodec.memoryTableCount(payload);
        if (count < 1 || count > VhostUserCodec.MAX_REGIONS) {
            throw new ProtocolViolation("memory table with " + Integer.toUnsignedString(count) + " regions (1 to "
                    + VhostUserCodec.MAX_REGIONS + " allowed)");
        }
        expect(m, VhostUserCodec.memoryTableSize(count), count);
        List<RegionDescription> regions = VhostUserCodec.decodeMemoryTable(payload);
        int[] fds = new int[count];
        for (int i = 0; i < count; i++) {
            fds[i] = m.takeFd();
        }
        MemoryTable table = MemoryTable.map(regions, fds);
        for (RegionDescription region : regions) {
            LOG.info("guest {}: memory region guest 0x{} size 0x{} (user 0x{}, fd offset 0x{})", name(),
                    Long.toHexString(region.guestAddress()), Long.toHexString(region.size()),
                    Long.toHexString(region.userAddress()), Long.toHexString(region.mmapOffset()));
        }
        replaceMemory(table);
    }

    /** Stops every running ring, swaps the table, unmaps the old one, and restarts the rings. */
    private void replaceMemory(MemoryTable table) throws ProtocolViolation, LinuxException {
        for (Vring vring : vrings) {
            stop(vring);
        }
        MemoryTable old = memory;
        memory = table;
        if (old != null) {
            old.close();
        }
        for (Vring vring : vrings) {
            reconcile(vring);
        }
    }

    /** Allocates a fresh region for the queues the front-end names; the reply carries its fd. */
    private InflightDescription getInflightFd(InflightDescription wanted) throws ProtocolViolation, LinuxException {
        int queues = wanted.queueCount();
        int size = wanted.queueSize();
        if (queues < 1 || queues > vrings.length || !SplitRing.isValidQueueSize(size)
                || size > backend.maxQueueSize()) {
            throw new ProtocolViolation("no inflight region for " + queues + " queues of " + size + " descriptors (1 to "
                    + vrings.length + " queues of a power of two up to " + backend.maxQueueSize() + ")");
        }
        replyFd = InflightRegion.allocate(queues, size);
        LOG.info("guest {}: inflight region allocated for {} queues of {} descriptors", name(), queues, size);
        return new InflightDescription(InflightRegion.size(queues, size), 0, queues, size);
    }

    /** Adopts the front-end's region: every ring from now on records in it (running rings restart). */
    private void setInflightFd(InflightDescription description, int fd) throws ProtocolViolation, LinuxException {
        InflightRegion region = InflightRegion.map(fd, description, vrings.length, backend.maxQueueSize());
        for (Vring vring : vrings) {
            stop(vring);
        }
        if (inflight != null) {
            inflight.close();
        }
        inflight = region;
        LOG.info("guest {}: inflight tracking in the front-end's region for {} queues of {} descriptors", name(),
                region.queueCount(), region.queueSize());
        for (Vring vring : vrings) {
            reconcile(vring);
        }
    }

    private void setVringNum(VringState state) throws ProtocolViolation, LinuxException {
        Vring vring = vring(state.index());
        int size = state.num();
        if (!SplitRing.isValidQueueSize(size) || size > backend.maxQueueSize()) {
            throw new ProtocolViolation("vring " + vring.index + ": size " + Integer.toUnsignedString(size)
                    + " is not a power of two up to " + Math.min(backend.maxQueueSize(), SplitRing.MAX_QUEUE_SIZE));
        }
        stop(vring);
        vring.size = size;
        reconcile(vring);
    }

    private void setVringAddress(VringAddress address) throws ProtocolViolation, LinuxException {
        Vring vring = vring(address.index());
        stop(vring);
        vring.address = address;
        reconcile(vring);
    }

    private void setVringBase(VringState state) throws ProtocolViolation, LinuxException {
        Vring vring = vring(state.index());
        if (Integer.compareUnsigned(state.num(), MAX_AVAIL_INDEX) > 0) {
            throw new ProtocolViolation("vring " + vring.index + ": base " + Integer.toUnsignedString(state.num())
                    + " is not a 16-bit split ring index");
        }
        stop(vring);
        vring.base = state.num();
        reconcile(vring);
    }

    /** Stops the ring; it needs a new kick fd to run again. Replies with where it stopped. */
    private VringState getVringBase(VringState state) throws ProtocolViolation {
        Vring vring = vring(state.index());
        stop(vring);
        vring.replaceKick(-1);
        return new VringState(vring.index, vring.base);
    }

    private void setVringKick(Message m) throws ProtocolViolation, LinuxException {
        VringFile file = vringFile(m);
        if (file.noFd()) {
            throw new ProtocolViolation("vring " + file.index() + ": no kick fd (ring polling is not supported)");
        }
        Vring vring = vring(file.index());
        stop(vring);
        vring.replaceKick(m.takeFd());
        reconcile(vring);
    }

    private void setVringEnable(VringState state) throws ProtocolViolation, LinuxException {
        Vring vring = vring(state.index());
        if (state.num() != 0 && state.num() != 1) {
            throw new ProtocolViolation("vring " + vring.index + ": enable value " + Integer.toUnsignedString(
                    state.num()) + " is neither 0 nor 1");
        }
        vring.enabled = state.num() == 1;
        reconcile(vring);
    }

    // ------------------------------------------------------------------ serving rings

    /** Starts or stops the ring so that it runs exactly when it is complete. */
    private void reconcile(Vring vring) throws ProtocolViolation, LinuxException {
        boolean complete = vring.configured() && memory != null;
        if (complete && !vring.running) {
            start(vring);
        } else if (!complete && vring.running) {
            stop(vring);
        }
    }

    private void start(Vring vring) throws ProtocolViolation, LinuxException {
        VringAddress a = vring.address;
        String ring = "vring " + vring.index + " ";
        InflightRegion.QueueLog log = inflightLog(vring);
        QueueSetup setup = new QueueSetup(memory.guestMemory(), vring.size,
                memory.toGuestAddress(a.descriptor(), SplitRing.descriptorTableSize(vring.size),
                        ring + "descriptor table"),
                memory.toGuestAddress(a.avail(), SplitRing.availRingSize(vring.size), ring + "available ring"),
                memory.toGuestAddress(a.used(), SplitRing.usedRingSize(vring.size), ring + "used ring"),
                vring.base, log);
        try {
            session.startQueue(vring.index, setup);
        } catch (RuntimeException e) {
            throw new ProtocolViolation(ring + "refused by the device: " + e.getMessage(), e);
        }
        vring.running = true;
        if (LOG.isDebugEnabled()) {
            LOG.debug("guest {}: {}started: size {}, descriptors 0x{}, avail 0x{}, used 0x{}, at avail index {}", name(),
                    ring, setup.size(), Long.toHexString(setup.descriptorTable()), Long.toHexString(setup.driverArea()),
                    Long.toHexString(setup.deviceArea()), setup.nextAvailIndex());
        }
        int queue = vring.index;
        vring.kicks = poller.watch(vring.kickFd, fd -> {
            if (Linux.eventfdConsume(fd) != 0) {
                vring.kickHandler = Thread.currentThread();
                try {
                    session.queueNotified(queue);
                } finally {
                    vring.kickHandler = null;
                }
            }
        }, this::disconnect, "guest " + name() + " vring " + queue + " kicks");
        // Chains made available before the ring started were announced by kicks nobody served.
        Linux.eventfdSignal(vring.kickFd);
        if (log != null && log.resumed()) {
            // An earlier back-end may have published answers and died before signalling them.
            vring.call.signal();
            LOG.info("guest {}: {}resumed from the inflight region", name(), ring);
        }
    }

    /** The ring's log in the inflight region, or null without one (or for a ring it does not cover). */
    private InflightRegion.QueueLog inflightLog(Vring vring) throws ProtocolViolation {
        if (inflight == null || vring.index >= inflight.queueCount()) {
            return null;
        }
        if (vring.size != inflight.queueSize()) {
            throw new ProtocolViolation("vring " + vring.index + " has " + vring.size + " descriptors, its inflight "
                    + "region " + inflight.queueSize());
        }
        return inflight.queue(vring.index);
    }

    /** Stops the ring if it runs and records where the device stopped. */
    private void stop(Vring vring) throws ProtocolViolation {
        if (!vring.running) {
            return;
        }
        if (vring.kicks != null) {
            vring.kicks.cancel();
            vring.kicks = null;
        }
        vring.running = false;
        try {
            vring.base = session.stopQueue(vring.index) & MAX_AVAIL_INDEX;
        } catch (RuntimeException e) {
            throw new ProtocolViolation("vring " + vring.index + ": device failed to stop: " + e, e);
        }
        LOG.debug("guest {}: vring {} stopped at avail index {}", name(), vring.index, vring.base);
    }

    // ------------------------------------------------------------------ teardown

    /**
     * Frees everything of the guest: request handling, kicks, queues, session, fds, memory, socket;
     * then tells the owner. Runs once, from the connection handler (or in its place).
     */
    private void tearDown() {
        if (tornDown) {
            return;
        }
        tornDown = true;
        Poller.Watch watch;
        synchronized (this) {
            watch = requests;
            requests = null;
        }
        if (watch != null) {
            watch.cancel();
        }
        for (Vring vring : vrings) {
            if (vring.kicks != null) {
                vring.kicks.cancel();
                vring.kicks = null;
            }
        }
        if (session != null) {
            for (Vring vring : vrings) {
                if (vring.running) {
                    vring.running = false;
                    try {
                        session.stopQueue(vring.index);
                    } catch (RuntimeException e) {
                        LOG.warn("guest {}: device failed to stop vring {}", name(), vring.index, e);
                    }
                }
            }
            try {
                if (detaching) {
                    session.detach();
                } else {
                    session.close();
                }
            } catch (RuntimeException e) {
                LOG.warn("guest {}: device session failed to close", name(), e);
            }
        }
        for (Vring vring : vrings) {
            vring.reset();
        }
        if (memory != null) {
            memory.close();
            memory = null;
        }
        if (inflight != null) {
            inflight.close();
            inflight = null;
        }
        synchronized (this) {
            socketOpen = false;
            Linux.close(socket);
        }
        ended.run();
    }
}
