package org.scmi.launcher.bench;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import org.scmi.api.ScmiStatus;
import org.scmi.launcher.e2e.Le;
import org.scmi.linux.LinuxException;
import org.scmi.transport.vhostuser.frontend.VhostUserFrontend;
import org.scmi.virtio.ring.driver.UsedBuffer;

/**
 * One guest of the scale benchmark, as a VM's SCMI driver is one: a vhost-user front-end of its own
 * (its own connection, memfd guest RAM, split rings, kick and call eventfds), sending one command
 * at a time at a steady rate and sleeping in poll(2) on its call eventfd until each answer, as a
 * Linux driver blocked in a synchronous sensor read does. Each run starts at a random point of the
 * period, so that guests do not kick in lock step.
 *
 * <p>Latency runs from just before the command is posted (kick included) until the driver sees
 * its used entry. An answer that is not the command's header, SUCCESS and a reading of the
 * expected size is an error; so is one that does not come within the front-end's timeout, after
 * which the guest stops sending (its ring is in an unknown state).
 *
 * <p>Not thread-safe: one thread at a time runs it, as one vCPU drives its driver.
 */
final class PacedGuest implements AutoCloseable {
    private final int index;
    private final VhostUserFrontend frontend;
    private final Workload workload = Workload.sensorReading();
    private final Latencies alone = new Latencies();
    private final Latencies together = new Latencies();
    private long errors;
    private long late;
    private String firstError;
    private boolean broken;
    private int token;

    private PacedGuest(int index, VhostUserFrontend frontend) {
        this.index = index;
        this.frontend = frontend;
    }

    /** Connects and starts the device as QEMU does, with the driver features Linux takes. */
    static PacedGuest connect(int index, Path socket) throws LinuxException {
        VhostUserFrontend frontend = VhostUserFrontend.connect(socket.toString(), VhostUserFrontend.Options.defaults());
        try {
            frontend.start();
            return new PacedGuest(index, frontend);
        } catch (LinuxException | RuntimeException e) {
            frontend.close();
            throw e;
        }
    }

    int index() {
        return index;
    }

    /** What a run is for: which latencies it adds to. */
    enum Sending {
        /** Nothing is recorded but errors. */
        WARM_UP,
        /** This guest is the only one sending. */
        ALONE,
        /** Every guest is sending. */
        TOGETHER
    }

    /**
     * Sends one command every {@code periodNanos} from a random point of the first period after
     * {@code startNanos} until {@code endNanos}; a command still unanswered when the next is due
     * delays it (counted as late), it is never sent twice to catch up.
     */
    void run(long startNanos, long endNanos, long periodNanos, Sending sending) {
        Latencies latencies = switch (sending) {
            case WARM_UP -> null;
            case ALONE -> alone;
            case TOGETHER -> together;
        };
        long next = startNanos + ThreadLocalRandom.current().nextLong(periodNanos);
        while (!broken && next < endNanos) {
            for (long wait; (wait = next - System.nanoTime()) > 0;) {
                LockSupport.parkNanos(wait);
            }
            long posted = System.nanoTime();
            command(latencies, posted);
            next += periodNanos;
            long now = System.nanoTime();
            if (next < now) {
                late += latencies == null ? 0 : 1;
                next = now;
            }
        }
    }

    private void command(Latencies latencies, long posted) {
        int header = workload.headers()[token];
        try {
            int head = frontend.submit(workload.requests()[token], workload.replySize());
            token = (token + 1) % workload.tokens();
            UsedBuffer used = frontend.awaitCompletion();
            long answered = System.nanoTime();
            byte[] answer = used.written();
            if (used.id() != head || used.length() != workload.replySize() || Le.word(answer, 0) != header
                    || Le.word(answer, 1) != ScmiStatus.SUCCESS.code()) {
                error("unexpected answer " + Le.hex(answer) + " (chain " + used.id() + ", used length "
                        + used.length() + ") to command 0x" + Integer.toHexString(header) + " on chain " + head);
                return;
            }
            if (latencies != null) {
                latencies.add(answered - posted);
            }
        } catch (LinuxException | RuntimeException e) {
            broken = true;
            error(e.toString());
        }
    }

    private void error(String message) {
        errors++;
        if (firstError == null) {
            firstError = "guest " + index + ": " + message;
        }
    }

    /** Latencies while it was the only guest sending, sorted. */
    long[] aloneNanos() {
        return alone.sorted();
    }

    /** Latencies while every guest was sending, sorted. */
    long[] togetherNanos() {
        return together.sorted();
    }

    long errors() {
        return errors;
    }

    /** Commands sent later than their time because the one before was still unanswered. */
    long late() {
        return late;
    }

    /** The first error's description, or null. */
    String firstError() {
        return firstError;
    }

    @Override
    public void close() {
        frontend.close();
    }

    /** A growing list of latencies. */
    private static final class Latencies {
        private long[] values = new long[1024];
        private int size;

        void add(long nanos) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = nanos;
        }

        long[] sorted() {
            long[] copy = Arrays.copyOf(values, size);
            Arrays.sort(copy);
            return copy;
        }
    }
}
