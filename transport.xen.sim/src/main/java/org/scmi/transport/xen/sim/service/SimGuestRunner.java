package org.scmi.transport.xen.sim.service;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.scmi.api.Payload;
import org.scmi.api.ScmiException;
import org.scmi.api.ScmiHeader;
import org.scmi.api.ScmiStatus;
import org.scmi.transport.xen.abi.XenAbi;
import org.scmi.transport.xen.sim.guest.SimToolstack;
import org.scmi.transport.xen.sim.guest.SimulatedGuest;
import org.scmi.transport.xen.sim.guest.SteadyLoad;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A simulated guest kept running (for trying the Xen path without Xen): it is created paused,
 * boots once a backend announced its device (InitWait, however long that takes), asks the Base
 * protocol what the platform is (the first messages Linux's SCMI core sends), logs the answers,
 * and then either logs every notification the platform sends it until stopped, or, with a
 * command rate, runs a {@link SteadyLoad} at that rate until stopped (a command whose time comes
 * while the one before is unanswered waits for it; none is sent twice to catch up). Without a
 * rate but with a period it also asks the Base protocol's version that often and logs any answer
 * that took longer than a second: the pause it saw while the server restarted. Stopping
 * interrupts its thread wherever it waits; the domain itself goes with the hypervisor.
 *
 * <p>Threads: one thread of its own drives the guest; {@link #status} is read from the shell's.
 */
final class SimGuestRunner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SimGuestRunner.class);
    private static final int BASE = 0x10;
    private static final int PROTOCOL_VERSION = 0x0;
    private static final int DISCOVER_VENDOR = 0x3;
    private static final int DISCOVER_LIST_PROTOCOLS = 0x6;
    private static final int VENDOR_NAME_BYTES = 16;
    private static final long REPLY_TIMEOUT_MILLIS = 5_000;
    /** How long a command of the steady load waits: Linux's virtio-scmi default for synchronous replies. */
    private static final long LOAD_REPLY_TIMEOUT_MILLIS = 60_000;

    /** An answer slower than this is a pause worth a log line. */
    private static final long PAUSE_MILLIS = 1_000;

    private final SimToolstack toolstack;
    private final int domid;
    private final boolean grants;
    private final long periodMillis;
    private final long replyTimeoutMillis;
    private final int commandsPerSecond;
    private final SteadyLoad load = new SteadyLoad();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile String state = "created";
    private volatile SimulatedGuest guest;
    private int token;

    /** A guest that logs notifications, or sends {@code commandsPerSecond} commands a second (if above 0). */
    SimGuestRunner(SimToolstack toolstack, int domid, boolean grants, int commandsPerSecond) {
        this(toolstack, domid, grants, 0, REPLY_TIMEOUT_MILLIS, commandsPerSecond);
    }

    /**
     * A guest that logs notifications and asks the platform's version every {@code periodMillis}.
     *
     * @param periodMillis how often to ask the platform's Base version after the probe (0: never)
     * @param replyTimeoutMillis how long a command may take before the guest gives up
     */
    SimGuestRunner(SimToolstack toolstack, int domid, boolean grants, long periodMillis, long replyTimeoutMillis) {
        this(toolstack, domid, grants, periodMillis, replyTimeoutMillis, 0);
    }

    private SimGuestRunner(SimToolstack toolstack, int domid, boolean grants, long periodMillis,
            long replyTimeoutMillis, int commandsPerSecond) {
        this.toolstack = toolstack;
        this.domid = domid;
        this.grants = grants;
        this.periodMillis = periodMillis;
        this.replyTimeoutMillis = replyTimeoutMillis;
        this.commandsPerSecond = commandsPerSecond;
        this.thread = Thread.ofPlatform().daemon().name("xen-sim-guest-" + domid).start(this::run);
    }

    private void run() {
        try {
            guest = SimulatedGuest.create(toolstack, domid, grants);
            toolstack.awaitBackendState(domid, XenAbi.XENBUS_STATE_INIT_WAIT, Long.MAX_VALUE);
            guest.initialise();
            LOG.info("simulated guest {}: virtio-scmi device up ({} addressing)", domid,
                    grants ? "grant" : "guest-physical");
            discoverPlatform();
            if (commandsPerSecond > 0) {
                runLoad();
            } else {
                state = "listening";
                listen();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            if (running) {
                state = "stopped: " + e;
                LOG.error("simulated guest {} stopped: {}", domid, e.toString());
            }
        }
    }

    /** Logs every notification; with a period, asks the Base version that often and logs a pause. */
    private void listen() throws InterruptedException, ScmiException {
        long answered = 0;
        while (running) {
            byte[] event = guest.awaitEvent(periodMillis > 0 ? periodMillis : Long.MAX_VALUE);
            if (event != null) {
                LOG.info("simulated guest {}: platform message {}", domid,
                        ScmiHeader.decode(ByteBuffer.wrap(event).order(ByteOrder.LITTLE_ENDIAN).getInt()));
            } else if (periodMillis > 0) {
                long started = System.nanoTime();
                call(PROTOCOL_VERSION);
                answered++;
                long tookMillis = (System.nanoTime() - started) / 1_000_000;
                if (tookMillis > PAUSE_MILLIS) {
                    LOG.info("simulated guest {}: command {} answered after a pause of {} ms", domid, answered,
                            tookMillis);
                }
            }
        }
    }

    private void runLoad() throws Exception {
        SteadyLoad.Channel channel = new SteadyLoad.Channel() {
            @Override
            public byte[] exchange(byte[] request, int responseCapacity) throws InterruptedException {
                return guest.exchange(request, responseCapacity, LOAD_REPLY_TIMEOUT_MILLIS);
            }

            @Override
            public byte[] pollEvent() throws InterruptedException {
                return guest.awaitEvent(0);
            }
        };
        load.subscribe(channel);
        state = "sending " + commandsPerSecond + "/s";
        long period = TimeUnit.SECONDS.toNanos(1) / commandsPerSecond;
        long next = System.nanoTime();
        while (running && !load.broken()) {
            load.step(channel);
            next += period;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            } else {
                next = System.nanoTime();
            }
        }
        if (load.broken()) {
            state = "stopped: " + load.counts().firstFailure();
        }
    }

    private void discoverPlatform() throws InterruptedException, ScmiException {
        Payload version = call(PROTOCOL_VERSION);
        int baseVersion = version.u32();
        String vendor = call(DISCOVER_VENDOR).name(VENDOR_NAME_BYTES);
        Payload list = call(DISCOVER_LIST_PROTOCOLS, 0);
        int count = list.u32();
        List<String> protocols = new ArrayList<>();
        for (int word = 0; word < (count + 3) / 4; word++) {
            int packed = list.u32();
            for (int i = 0; i < 4 && protocols.size() < count; i++) {
                protocols.add(String.format("0x%02x", packed >>> (8 * i) & 0xFF));
            }
        }
        LOG.info("simulated guest {}: SCMI Base 0x{}, vendor '{}', protocols {}", domid,
                Integer.toHexString(baseVersion), vendor, protocols);
    }

    /** One Base command; returns the values after a SUCCESS status. */
    private Payload call(int messageId, int... parameters) throws InterruptedException, ScmiException {
        ByteBuffer request = ByteBuffer.allocate(4 + 4 * parameters.length).order(ByteOrder.LITTLE_ENDIAN);
        request.putInt(ScmiHeader.command(BASE, messageId, token++ & ScmiHeader.TOKEN_MASK).encode());
        for (int parameter : parameters) {
            request.putInt(parameter);
        }
        byte[] reply = guest.exchange(request.array(), SimulatedGuest.MESSAGE_BYTES, replyTimeoutMillis);
        if (reply == null) {
            throw new IllegalStateException("no reply to Base message " + messageId);
        }
        Payload payload = Payload.of(reply);
        payload.u32(); // header
        int status = payload.u32();
        if (status != ScmiStatus.SUCCESS.code()) {
            throw new IllegalStateException("Base message " + messageId + ": status " + status);
        }
        return payload;
    }

    SimGuestStatus status() {
        return new SimGuestStatus(domid, state, load.counts());
    }

    /** Stops the guest's thread (the domain goes with the hypervisor). */
    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
