package org.scmi.itest.live;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.scmi.api.ScmiStatus;
import org.scmi.transport.vhostuser.frontend.VhostUserFrontend;

/**
 * One guest as QEMU and Linux run it: a vhost-user front-end connected to the server's socket for
 * a configured guest, with its cmdq and eventq in shared memory. Driven by one thread at a time
 * (as one vCPU drives a virtqueue); the events it has seen can be read from any thread.
 */
final class LiveGuest implements AutoCloseable {
    private static final String GUEST_FACTORY_PID = "org.scmi.transport.vhostuser.guest";
    private static final int RESPONSE_CAPACITY = 128;
    private static final int EVENT_BUFFERS = 16;
    private static final int TOKENS = 1024;
    private static final int SOCKET_WAIT_MS = 10_000;
    private static final int HEADER_AND_STATUS = 8;

    /** A command's answer: its status word, the return values after it, and how long it took. */
    record Answer(int status, byte[] values, long nanos) {
        boolean succeeded() {
            return status == ScmiStatus.SUCCESS.code();
        }

        int word(int index) {
            return Scmi.words(values).getInt(4 * index);
        }
    }

    /** The device answered a command wrongly: not at all, twice, or with another command's header. */
    static final class WrongAnswer extends Exception {
        private static final long serialVersionUID = 1L;

        WrongAnswer(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final String name;
    private final Configuration configuration;
    private final VhostUserFrontend frontend;
    private final Map<Integer, Long> lastEventNanos = new ConcurrentHashMap<>();
    private final Map<Integer, Long> eventCounts = new ConcurrentHashMap<>();
    private final List<String> failedDelayedResponses = new CopyOnWriteArrayList<>();
    private int token;

    private LiveGuest(String name, Configuration configuration, VhostUserFrontend frontend) {
        this.name = name;
        this.configuration = configuration;
        this.frontend = frontend;
    }

    /** Configures a vhost-user guest socket in {@code dir}, connects to it and starts both queues. */
    static LiveGuest connect(ConfigurationAdmin admin, Path dir, String name) throws Exception {
        Path socket = dir.resolve(name + ".sock");
        Configuration configuration = admin.createFactoryConfiguration(GUEST_FACTORY_PID, "?");
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("socketPath", socket.toString());
        properties.put("agentName", name);
        configuration.update(properties);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SOCKET_WAIT_MS);
        while (!Files.exists(socket)) {
            if (System.nanoTime() > deadline) {
                configuration.delete();
                throw new AssertionError("the server did not open " + socket);
            }
            Thread.sleep(10);
        }
        VhostUserFrontend frontend = VhostUserFrontend.connect(socket.toString(),
                VhostUserFrontend.Options.defaults());
        frontend.start();
        frontend.postEventBuffers(EVENT_BUFFERS);
        return new LiveGuest(name, configuration, frontend);
    }

    String name() {
        return name;
    }

    /**
     * Sends one command and waits for its answer, which must come exactly once and echo the
     * command's header. Events delivered meanwhile are taken in.
     */
    Answer call(int protocolId, int messageId, int... parameters) throws WrongAnswer {
        token = (token + 1) % TOKENS;
        byte[] command = Scmi.command(protocolId, messageId, token, parameters);
        long start = System.nanoTime();
        byte[] response;
        try {
            response = frontend.call(command, RESPONSE_CAPACITY);
        } catch (Exception | AssertionError e) {
            throw new WrongAnswer(name + ": no single answer to " + describe(protocolId, messageId), e);
        }
        long nanos = System.nanoTime() - start;
        if (frontend.queue(VhostUserFrontend.COMMAND_QUEUE).hasUsed()) {
            throw new WrongAnswer(name + ": a second answer to " + describe(protocolId, messageId), null);
        }
        if (response.length < HEADER_AND_STATUS || Scmi.words(response).getInt(0) != Scmi.words(command).getInt(0)) {
            throw new WrongAnswer(name + ": the answer to " + describe(protocolId, messageId)
                    + " does not echo its header", null);
        }
        takeEvents();
        byte[] values = new byte[response.length - HEADER_AND_STATUS];
        System.arraycopy(response, HEADER_AND_STATUS, values, 0, values.length);
        return new Answer(Scmi.words(response).getInt(4), values, nanos);
    }

    /** Like {@link #call}, for setup: anything but SUCCESS fails the test. */
    Answer expect(int protocolId, int messageId, int... parameters) throws WrongAnswer {
        Answer answer = call(protocolId, messageId, parameters);
        if (!answer.succeeded()) {
            throw new AssertionError(name + ": " + describe(protocolId, messageId) + " answered "
                    + ScmiStatus.of(answer.status()));
        }
        return answer;
    }

    /**
     * Reads the events delivered so far and gives their buffers back; a delayed response that does
     * not report SUCCESS is recorded as a failure.
     */
    void takeEvents() throws WrongAnswer {
        int taken = 0;
        for (byte[] event; (event = frontend.pollEvent()) != null; taken++) {
            int key = Scmi.eventOf(event);
            lastEventNanos.put(key, System.nanoTime());
            eventCounts.merge(key, 1L, Long::sum);
            if (Scmi.isDelayedResponse(event) && Scmi.words(event).getInt(4) != ScmiStatus.SUCCESS.code()) {
                failedDelayedResponses.add(name + ": " + Scmi.describeEvent(key) + " reported "
                        + ScmiStatus.of(Scmi.words(event).getInt(4)));
            }
        }
        if (taken > 0) {
            try {
                frontend.postEventBuffers(taken);
            } catch (Exception e) {
                throw new WrongAnswer(name + ": cannot post event buffers", e);
            }
        }
    }

    /** When the guest last received this notification ({@link System#nanoTime()}), or 0. */
    long lastEvent(int key) {
        return lastEventNanos.getOrDefault(key, 0L);
    }

    long events(int key) {
        return eventCounts.getOrDefault(key, 0L);
    }

    /** The delayed responses that reported a failure. */
    List<String> failedDelayedResponses() {
        return failedDelayedResponses;
    }

    @Override
    public void close() throws Exception {
        try {
            frontend.close();
        } finally {
            configuration.delete();
        }
    }

    private static String describe(int protocolId, int messageId) {
        return String.format("protocol 0x%02x message 0x%x", protocolId, messageId);
    }
}
