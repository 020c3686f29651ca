package org.scmi.itest.xen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.scmi.api.Payload;
import org.scmi.api.ScmiHeader;
import org.scmi.api.ScmiStatus;
import org.scmi.transport.xen.sim.guest.SimulatedGuest;

/**
 * A guest's SCMI driver in miniature, over any virtio-scmi channel: numbers its commands with
 * tokens, checks that each response carries the command's header word, and reads what follows the
 * status. Not thread-safe: one guest thread drives it.
 */
final class ScmiAgent {
    /** What a guest's driver does with its virtio-scmi device: a command and its response, an event. */
    interface Channel {
        /** Sends one command; returns the bytes the device wrote, or null if none came in time. */
        byte[] exchange(byte[] command) throws Exception;

        /** Waits for a notification or delayed response; null on timeout. */
        byte[] awaitEvent(long timeoutMillis) throws Exception;
    }

    /** A notification's payload follows its header; a response's values follow header and status. */
    private static final int HEADER_BYTES = 4;
    private static final int VALUES_OFFSET = 8;

    private final String name;
    private final Channel channel;
    private int token;

    ScmiAgent(String name, Channel channel) {
        this.name = name;
        this.channel = channel;
    }

    /** The agent of a simulated Xen guest, its commands answered within {@code replyTimeoutMillis}. */
    static ScmiAgent of(SimulatedGuest guest, long replyTimeoutMillis) {
        return new ScmiAgent("guest " + guest.domid(), new Channel() {
            @Override
            public byte[] exchange(byte[] command) throws InterruptedException {
                return guest.exchange(command, SimulatedGuest.MESSAGE_BYTES, replyTimeoutMillis);
            }

            @Override
            public byte[] awaitEvent(long timeoutMillis) throws InterruptedException {
                return guest.awaitEvent(timeoutMillis);
            }
        });
    }

    /** A command's bytes: the header word, then the parameters, little-endian. */
    static byte[] command(int protocolId, int messageId, int token, int... parameters) {
        int[] message = new int[1 + parameters.length];
        message[0] = ScmiHeader.command(protocolId, messageId, token & ScmiHeader.TOKEN_MASK).encode();
        System.arraycopy(parameters, 0, message, 1, parameters.length);
        return words(message);
    }

    /** Words as the wire has them: little-endian, one after the other. */
    static byte[] words(int... words) {
        ByteBuffer bytes = ByteBuffer.allocate(4 * words.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int word : words) {
            bytes.putInt(word);
        }
        return bytes.array();
    }

    static int word(byte[] bytes, int index) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt(4 * index);
    }

    /** Sends a command and returns its whole response (header and status included), checked to carry its header. */
    byte[] send(int protocolId, int messageId, int... parameters) throws Exception {
        byte[] command = command(protocolId, messageId, token++, parameters);
        byte[] response = channel.exchange(command);
        assertNotNull(response, name + ": no response to " + ScmiHeader.decode(word(command, 0)));
        assertTrue(response.length >= VALUES_OFFSET, name + ": response of " + response.length + " bytes");
        assertEquals(word(command, 0), word(response, 0), name + ": response header");
        return response;
    }

    /** Sends a command that must succeed; returns its return values (after the status word). */
    Payload call(int protocolId, int messageId, int... parameters) throws Exception {
        byte[] response = send(protocolId, messageId, parameters);
        ScmiHeader header = ScmiHeader.decode(word(response, 0));
        assertEquals(ScmiStatus.SUCCESS.code(), word(response, 1), name + ": status of " + header);
        return Payload.of(Arrays.copyOfRange(response, VALUES_OFFSET, response.length));
    }

    /** The status a command gets. */
    int status(int protocolId, int messageId, int... parameters) throws Exception {
        return word(send(protocolId, messageId, parameters), 1);
    }

    /**
     * Waits for a notification; fails unless it is {@code notificationId} of {@code protocolId}.
     *
     * @return its payload (after the header)
     */
    Payload awaitNotification(int protocolId, int notificationId, long timeoutMillis) throws Exception {
        byte[] event = channel.awaitEvent(timeoutMillis);
        assertNotNull(event, name + ": no notification within " + timeoutMillis + " ms");
        assertEquals(ScmiHeader.notification(protocolId, notificationId), ScmiHeader.decode(word(event, 0)),
                name + ": notification header");
        return Payload.of(Arrays.copyOfRange(event, HEADER_BYTES, event.length));
    }

    /** An event if one comes within the timeout, else null. */
    byte[] pollEvent(long timeoutMillis) throws Exception {
        return channel.awaitEvent(timeoutMillis);
    }

    String name() {
        return name;
    }
}
