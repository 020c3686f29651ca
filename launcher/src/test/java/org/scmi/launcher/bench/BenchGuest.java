package org.scmi.launcher.bench;

import java.nio.file.Path;
import java.time.Duration;
import org.scmi.api.ScmiStatus;
import org.scmi.launcher.e2e.Le;
import org.scmi.linux.Linux;
import org.scmi.linux.LinuxException;
import org.scmi.transport.vhostuser.FrontendRequest;
import org.scmi.transport.vhostuser.ProtocolFeatures;
import org.scmi.transport.vhostuser.VhostUserCodec;
import org.scmi.transport.vhostuser.VhostUserCodec.Header;
import org.scmi.transport.vhostuser.VhostUserCodec.VringFile;
import org.scmi.transport.vhostuser.frontend.VhostUserFrontend;
import org.scmi.transport.vhostuser.frontend.VhostUserFrontend.WaitMode;
import org.scmi.virtio.ring.VirtioFeatures;
import org.scmi.virtio.ring.driver.DriverSplitQueue;
import org.scmi.virtio.ring.driver.UsedBuffer;

/**
 * The benchmark's guest: the project's vhost-user front-end (memfd RAM, split rings, eventfds),
 * driving the command queue as a Linux driver would and timing every command from just before it
 * is posted (kick included) to the moment the driver sees its used entry.
 *
 * <p>It takes the command queue's interrupt line (call eventfd) for itself, with SET_VRING_CALL
 * as QEMU sends it, so that it decides when to wait for interrupts and counts every one:
 * <ul>
 * <li>blocking wake-ups: each round posts {@code n} commands after setting used_event to the
 * round's last one (VIRTIO_RING_F_EVENT_IDX), then sleeps in poll(2) until the interrupt; a device
 * that honours the suppression interrupts once per round;</li>
 * <li>busy polling: interrupts off, the driver spins on the used ring and posts a new command as
 * each one completes, keeping {@code n} in flight.</li>
 * </ul>
 *
 * <p>Not thread-safe: one thread drives it.
 */
final class BenchGuest implements AutoCloseable {
    private static final int COMMAND_QUEUE = VhostUserFrontend.COMMAND_QUEUE;
    private static final int EVENT_BUFFERS = 16;
    /** Latencies kept per run; a run completing more commands still counts them all. */
    private static final int MAX_RECORDED = 1 << 23;
    /** A run fails if the back-end answers nothing for this long. */
    private static final Duration STALL = Duration.ofSeconds(5);
    private static final int U16_MASK = 0xFFFF;

    private final VhostUserFrontend frontend;
    private final DriverSplitQueue queue;
    private final int callFd;
    private final int[] pollFds;
    private final short[] revents = new short[1];
    private final long[] submittedAt;
    private final int[] headerOf;
    private final long[] latencies = new long[MAX_RECORDED];
    private int recorded;
    private long completed;
    private long interrupts;
    private int token;

    private BenchGuest(VhostUserFrontend frontend, int callFd) {
        this.frontend = frontend;
        this.queue = frontend.queue(COMMAND_QUEUE);
        this.callFd = callFd;
        this.pollFds = new int[] {callFd};
        this.submittedAt = new long[queue.size()];
        this.headerOf = new int[queue.size()];
    }

    /** Connects and starts the device as QEMU does, with the driver features Linux takes. */
    static BenchGuest connect(Path socket) throws LinuxException {
        VhostUserFrontend frontend = VhostUserFrontend.connect(socket.toString(), VhostUserFrontend.Options.defaults());
        try {
            frontend.start();
            frontend.postEventBuffers(EVENT_BUFFERS);
            return new BenchGuest(frontend, takeInterruptLine(frontend));
        } catch (LinuxException | RuntimeException e) {
            frontend.close();
            throw e;
        }
    }

    /** Gives the back-end a call eventfd of this driver's own for the command queue; waits for the ack. */
    private static int takeInterruptLine(VhostUserFrontend frontend) throws LinuxException {
        if (!VirtioFeatures.has(frontend.protocolFeatures(), ProtocolFeatures.REPLY_ACK)) {
            throw new IllegalStateException("the back-end does not offer REPLY_ACK");
        }
        int fd = Linux.eventfd(Linux.EFD_NONBLOCK);
        frontend.sendRaw(VhostUserCodec.message(FrontendRequest.SET_VRING_CALL.id(),
                VhostUserCodec.VERSION | VhostUserCodec.FLAG_NEED_REPLY,
                VhostUserCodec.encodeU64(new VringFile(COMMAND_QUEUE, false).encode())), fd);
        Header ack = Header.decode(frontend.receiveRaw(VhostUserCodec.HEADER_SIZE));
        long status = VhostUserCodec.decodeU64(frontend.receiveRaw(ack.size()));
        if (!ack.isReply() || ack.request() != FrontendRequest.SET_VRING_CALL.id() || status != 0) {
            Linux.close(fd);
            throw new IllegalStateException("SET_VRING_CALL not acknowledged: " + ack + ", status " + status);
        }
        return fd;
    }

    /** Runs {@code workload} for {@code duration} with {@code inFlight} commands in flight. */
    Measurement run(Workload workload, WaitMode mode, int inFlight, Duration duration) throws LinuxException {
        if (inFlight < 1 || inFlight > queue.size()) {
            throw new IllegalArgumentException(inFlight + " commands in flight on a queue of " + queue.size());
        }
        Linux.eventfdConsume(callFd); // interrupts left from an earlier run are not this run's
        recorded = 0;
        completed = 0;
        interrupts = 0;
        long kicks = frontend.kicks(COMMAND_QUEUE);
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        if (mode == WaitMode.BUSY_POLL) {
            runBusyPolling(workload, inFlight, end);
        } else {
            runBlocking(workload, inFlight, end);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return Measurement.of(latencies, recorded, completed, seconds, interrupts,
                frontend.kicks(COMMAND_QUEUE) - kicks);
    }

    private void runBusyPolling(Workload workload, int inFlight, long end) throws LinuxException {
        queue.disableInterrupts();
        for (int i = 0; i < inFlight; i++) {
            submit(workload);
        }
        int outstanding = inFlight;
        long lastProgress = System.nanoTime();
        while (outstanding > 0) {
            UsedBuffer used = queue.poll();
            long now = System.nanoTime();
            if (used == null) {
                if (now - lastProgress > STALL.toNanos()) {
                    throw stalled();
                }
                Thread.onSpinWait();
                continue;
            }
            complete(workload, used, now);
            lastProgress = now;
            if (now < end) {
                submit(workload);
            } else {
                outstanding--;
            }
        }
        interrupts += Linux.eventfdConsume(callFd);
    }

    private void runBlocking(Workload workload, int inFlight, long end) throws LinuxException {
        while (System.nanoTime() < end) {
            blockingRound(workload, inFlight);
        }
        interrupts += Linux.eventfdConsume(callFd);
    }

    /**
     * Sends {@code count} commands one at a time, one every {@code interval}, each waited for with a
     * blocking wake-up: a guest that asks a few times a second, as Linux reads a sensor for hwmon.
     */
    Measurement paced(Workload workload, int count, Duration interval) throws LinuxException, InterruptedException {
        Linux.eventfdConsume(callFd);
        recorded = 0;
        completed = 0;
        interrupts = 0;
        long kicks = frontend.kicks(COMMAND_QUEUE);
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            long wait = start + i * interval.toNanos() - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(Duration.ofNanos(wait));
            }
            blockingRound(workload, 1);
        }
        interrupts += Linux.eventfdConsume(callFd);
        double seconds = (System.nanoTime() - start) / 1e9;
        return Measurement.of(latencies, recorded, completed, seconds, interrupts,
                frontend.kicks(COMMAND_QUEUE) - kicks);
    }

    /** Posts {@code inFlight} commands and sleeps until the interrupt after the last of them. */
    private void blockingRound(Workload workload, int inFlight) throws LinuxException {
        // One interrupt, when the used idx passes the round's last command.
        queue.interruptAfter((queue.lastUsedIndex() + inFlight - 1) & U16_MASK);
        for (int i = 0; i < inFlight; i++) {
            submit(workload);
        }
        int done = 0;
        while (done < inFlight) {
            UsedBuffer used = queue.poll();
            if (used != null) {
                complete(workload, used, System.nanoTime());
                done++;
            } else {
                awaitInterrupt();
            }
        }
    }

    private void awaitInterrupt() throws LinuxException {
        if (Linux.poll(pollFds, revents, (int) STALL.toMillis()) == 0) {
            throw stalled();
        }
        interrupts += Linux.eventfdConsume(callFd);
    }

    private void submit(Workload workload) throws LinuxException {
        long now = System.nanoTime();
        int head = frontend.submit(workload.requests()[token], workload.replySize());
        submittedAt[head] = now;
        headerOf[head] = workload.headers()[token];
        token = (token + 1) % workload.tokens();
    }

    /** Checks the answer (exact size, the command's header, SUCCESS) and records its latency. */
    private void complete(Workload workload, UsedBuffer used, long now) {
        int head = used.id();
        byte[] answer = used.written();
        if (used.length() != workload.replySize() || Le.word(answer, 0) != headerOf[head]
                || Le.word(answer, 1) != ScmiStatus.SUCCESS.code()) {
            throw new IllegalStateException(workload.name() + ": unexpected answer " + Le.hex(answer) + " (used length "
                    + used.length() + ") to command 0x" + Integer.toHexString(headerOf[head]));
        }
        if (recorded < latencies.length) {
            latencies[recorded++] = now - submittedAt[head];
        }
        completed++;
    }

    private IllegalStateException stalled() {
        return new IllegalStateException("no answer within " + STALL + " (device used idx "
                + queue.deviceUsedIndex() + ", driver avail idx " + queue.availIndex() + ")");
    }

    @Override
    public void close() {
        Linux.close(callFd);
        frontend.close();
    }
}
