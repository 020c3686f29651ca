package org.scmi.launcher.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.scmi.api.ScmiHeader;
import org.scmi.linux.LinuxException;
import org.scmi.transport.vhostuser.frontend.VhostUserFrontend;
import org.scmi.virtio.ring.VirtioFeatures;
import org.scmi.virtio.ring.driver.UsedBuffer;

/**
 * A guest's SCMI agent as Linux runs it over virtio-scmi, on the project's vhost-user front-end:
 * one command chain per command (the request readable, a response buffer of the size Linux posts
 * writable), tokens counting up, and event buffers kept posted on the eventq.
 *
 * <p>Not thread-safe: one thread drives a guest.
 */
public final class ScmiGuest implements AutoCloseable {
    /** Eventq buffers kept posted, as Linux keeps its eventq full. */
    public static final int EVENT_BUFFERS = 16;

    private final VhostUserFrontend frontend;
    /** Commands submitted and not answered yet: chain head to command header. */
    private final Map<Integer, Integer> unanswered = new HashMap<>();
    private int nextToken;

    private ScmiGuest(VhostUserFrontend frontend) {
        this.frontend = frontend;
    }

    /** Connects as QEMU and a Linux driver do, with VERSION_1, INDIRECT_DESC, EVENT_IDX and the eventq. */
    public static ScmiGuest connect(Path socket) throws LinuxException {
        return connect(socket, VhostUserFrontend.Options.defaults());
    }

    /** Connects as a driver without VIRTIO_SCMI_F_P2A_CHANNELS: a guest without an event queue. */
    public static ScmiGuest connectWithoutEventQueue(Path socket) throws LinuxException {
        VhostUserFrontend.Options defaults = VhostUserFrontend.Options.defaults();
        return connect(socket, defaults.withDriverFeatures(defaults.driverFeatures()
                & ~VirtioFeatures.bit(VhostUserFrontend.VIRTIO_SCMI_F_P2A_CHANNELS)));
    }

    /** Connects, starts the device and posts event buffers if the eventq was negotiated. */
    public static ScmiGuest connect(Path socket, VhostUserFrontend.Options options) throws LinuxException {
        VhostUserFrontend frontend = VhostUserFrontend.connect(socket.toString(), options);
        try {
            frontend.start();
            ScmiGuest guest = new ScmiGuest(frontend);
            if (guest.hasEventChannel()) {
                frontend.postEventBuffers(EVENT_BUFFERS);
            }
            return guest;
        } catch (LinuxException | RuntimeException e) {
            frontend.close();
            throw e;
        }
    }

    /** Whether the device and the driver agreed on VIRTIO_SCMI_F_P2A_CHANNELS. */
    public boolean hasEventChannel() {
        return VirtioFeatures.has(frontend.ackedFeatures(), VhostUserFrontend.VIRTIO_SCMI_F_P2A_CHANNELS);
    }

    /** The header of the next command: type 0 and a fresh token. */
    public int commandHeader(int protocolId, int messageId) {
        int token = nextToken;
        nextToken = (nextToken + 1) & ScmiHeader.TOKEN_MASK;
        return ScmiHeader.command(protocolId, messageId, token).encode();
    }

    /** Sends a command whose parameters are 32-bit words and waits for its response. */
    public Response call(int protocolId, int messageId, int responseCapacity, int... parameters)
            throws LinuxException {
        return send(commandHeader(protocolId, messageId), Le.words(parameters).bytes(), responseCapacity);
    }

    /** Sends a header word and parameter bytes exactly as given and waits for the response. */
    public Response send(int header, byte[] parameters, int responseCapacity) throws LinuxException {
        byte[] request = ByteBuffer.allocate(Integer.BYTES + parameters.length).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(header).put(parameters).array();
        int head = frontend.submit(request, responseCapacity);
        UsedBuffer used = frontend.awaitCompletion();
        if (used.id() != head) {
            throw new IllegalStateException("device completed chain " + used.id() + ", expected " + head);
        }
        return new Response(header, used.length(), used.written());
    }

    /**
     * Posts a command without waiting for its answer (a guest with several commands in flight).
     *
     * @return the command's header word
     */
    public int submit(int protocolId, int messageId, int responseCapacity, int... parameters) throws LinuxException {
        int header = commandHeader(protocolId, messageId);
        byte[] request = Le.words(header).append(Le.words(parameters).bytes()).bytes();
        unanswered.put(frontend.submit(request, responseCapacity), header);
        return header;
    }

    /**
     * Waits for the answer to one of the {@linkplain #submit submitted} commands.
     *
     * @throws IllegalStateException for an answer in a chain that carries no unanswered command
     *     (answered twice)
     */
    public Response awaitAnswer() throws LinuxException {
        UsedBuffer used = frontend.awaitCompletion();
        Integer header = unanswered.remove(used.id());
        if (header == null) {
            throw new IllegalStateException("answer in chain " + used.id() + ", which carries no unanswered command");
        }
        return new Response(header, used.length(), used.written());
    }

    /** Commands submitted and not answered yet. */
    public int unansweredCount() {
        return unanswered.size();
    }

    /** Reconnects to a restarted server as QEMU does ({@link VhostUserFrontend#reconnect()}). */
    public void reconnect() throws LinuxException {
        frontend.reconnect();
    }

    /** Waits for the next notification or delayed response, and posts a fresh buffer for the one used. */
    public byte[] awaitEvent() throws LinuxException {
        byte[] event = frontend.awaitEvent();
        frontend.postEventBuffers(1);
        return event;
    }

    /** Waits for the next event and asserts its bytes (header and payload) are exactly {@code expected}. */
    public void awaitEvent(Le expected) throws LinuxException {
        assertEquals(Le.hex(expected.bytes()), Le.hex(awaitEvent()), "event bytes");
    }

    /**
     * Asserts that no event has been delivered. Events a command causes are written to every
     * guest's eventq before the command is answered, so right after the answer this is exact.
     */
    public void assertNoEvent() throws LinuxException {
        byte[] event = pollEvent();
        assertNull(event, () -> "unexpected event " + Le.hex(event));
    }

    /** An event delivered already, or null. */
    public byte[] pollEvent() throws LinuxException {
        byte[] event = frontend.pollEvent();
        if (event != null) {
            frontend.postEventBuffers(1);
        }
        return event;
    }

    public VhostUserFrontend frontend() {
        return frontend;
    }

    /** Disconnects like a QEMU that quits. */
    @Override
    public void close() {
        frontend.close();
    }
}
