package org.scmi.launcher.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.scmi.launcher.e2e.ScmiGuest;
import org.scmi.linux.LinuxException;
import org.scmi.transport.vhostuser.frontend.VhostUserFrontend;
import org.scmi.transport.xen.sim.guest.SteadyLoad;

/**
 * One vhost-user guest of the soak: the project's vhost-user front-end ({@link ScmiGuest}: its own
 * connection, memfd RAM, split rings, kick and call eventfds) running the {@link SteadyLoad} mix
 * the simulated Xen guests run, at a steady rate on a thread of its own, as one vCPU drives its
 * guest's SCMI driver. On request it disconnects like a QEMU that quits and connects again like a
 * new one, then sets its trip point up again as a freshly probed driver would.
 *
 * <p>Threads: its own thread sends and reconnects; {@link #reconnect} and {@link #stop} are called
 * from the soak's schedule and wait for that thread.
 */
final class SoakGuest {
    /** The front-end's defaults, waiting for an answer as long as Linux's virtio-scmi transport does. */
    private static final VhostUserFrontend.Options OPTIONS = VhostUserFrontend.Options.defaults().withTimeout(
            Duration.ofSeconds(60));
    private final int index;
    private final Path socket;
    private final long periodNanos;
    private final SteadyLoad load = new SteadyLoad();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile CountDownLatch reconnectRequest;
    private volatile String fault;
    private ScmiGuest guest;
    private SteadyLoad.Channel channel;

    private SoakGuest(int index, Path socket, double rate) {
        this.index = index;
        this.socket = socket;
        this.periodNanos = Math.round(1e9 / rate);
        this.thread = Thread.ofPlatform().name("soak guest " + index).unstarted(this::run);
    }

    /** Connects, subscribes and starts sending {@code rate} commands a second. */
    static SoakGuest start(int index, Path socket, double rate) throws Exception {
        SoakGuest soakGuest = new SoakGuest(index, socket, rate);
        soakGuest.connect();
        soakGuest.thread.start();
        return soakGuest;
    }

    private void connect() throws Exception {
        guest = ScmiGuest.connect(socket, OPTIONS);
        channel = channel(guest);
        load.subscribe(channel);
    }

    private static SteadyLoad.Channel channel(ScmiGuest guest) {
        return new SteadyLoad.Channel() {
            @Override
            public byte[] exchange(byte[] request, int responseCapacity) throws LinuxException {
                return guest.frontend().call(request, responseCapacity);
            }

            @Override
            public byte[] pollEvent() throws LinuxException {
                return guest.pollEvent();
            }
        };
    }

    private void run() {
        long next = System.nanoTime() + ThreadLocalRandom.current().nextLong(periodNanos);
        try {
            while (running && !load.broken()) {
                CountDownLatch request = reconnectRequest;
                if (request != null) {
                    guest.close();
                    connect();
                    reconnectRequest = null;
                    request.countDown();
                }
                for (long wait; (wait = next - System.nanoTime()) > 0;) {
                    LockSupport.parkNanos(wait);
                }
                load.step(channel);
                next += periodNanos;
                next = Math.max(next, System.nanoTime());
            }
        } catch (Exception e) {
            fault = e.toString();
        } finally {
            guest.close();
        }
    }

    /** Disconnects and connects again; returns once connected and subscribed (false: the guest stopped). */
    boolean reconnect() throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        reconnectRequest = done;
        while (!done.await(100, TimeUnit.MILLISECONDS)) {
            if (!thread.isAlive()) {
                return false;
            }
        }
        return true;
    }

    /** Stops sending (after the command in flight) and disconnects. */
    void stop() throws InterruptedException {
        running = false;
        thread.join();
    }

    int index() {
        return index;
    }

    /** What the load did; a fault of the connection itself counts as one more failure. */
    SteadyLoad.Counts counts() {
        SteadyLoad.Counts counts = load.counts();
        if (fault == null) {
            return counts;
        }
        return new SteadyLoad.Counts(counts.commands(), counts.failed() + 1, counts.notifications(),
                counts.firstFailure() != null ? counts.firstFailure() : "guest " + index + ": " + fault);
    }
}
