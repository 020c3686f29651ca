package org.scmi.launcher.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.scmi.launcher.e2e.Scmi.AGENT_CALLER;
import static org.scmi.launcher.e2e.Scmi.AGENT_PLATFORM;
import static org.scmi.launcher.e2e.Scmi.BASE;
import static org.scmi.launcher.e2e.Scmi.BASE_AGENTS_SHIFT;
import static org.scmi.launcher.e2e.Scmi.BASE_DISCOVER_AGENT;
import static org.scmi.launcher.e2e.Scmi.BASE_DISCOVER_IMPLEMENTATION_VERSION;
import static org.scmi.launcher.e2e.Scmi.BASE_DISCOVER_LIST_PROTOCOLS;
import static org.scmi.launcher.e2e.Scmi.BASE_DISCOVER_SUB_VENDOR;
import static org.scmi.launcher.e2e.Scmi.BASE_DISCOVER_VENDOR;
import static org.scmi.launcher.e2e.Scmi.BASE_NOTIFY_ERRORS;
import static org.scmi.launcher.e2e.Scmi.BASE_RESET_AGENT_CONFIGURATION;
import static org.scmi.launcher.e2e.Scmi.BASE_SET_DEVICE_PERMISSIONS;
import static org.scmi.launcher.e2e.Scmi.BASE_SET_PROTOCOL_PERMISSIONS;
import static org.scmi.launcher.e2e.Scmi.CLOCK;
import static org.scmi.launcher.e2e.Scmi.LINUX_RESPONSE_BUFFER;
import static org.scmi.launcher.e2e.Scmi.NEGOTIATE_PROTOCOL_VERSION;
import static org.scmi.launcher.e2e.Scmi.PROTOCOL_ATTRIBUTES;
import static org.scmi.launcher.e2e.Scmi.PROTOCOL_MESSAGE_ATTRIBUTES;
import static org.scmi.launcher.e2e.Scmi.PROTOCOL_VERSION;
import static org.scmi.launcher.e2e.Scmi.RESPONSE_PREFIX;
import static org.scmi.launcher.e2e.Scmi.SERVED_PROTOCOLS;
import static org.scmi.launcher.e2e.Scmi.SHORT_NAME;

import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.scmi.api.MessageType;
import org.scmi.api.ScmiHeader;
import org.scmi.api.ScmiStatus;

/**
 * The whole Base protocol (0x10, v2.1) as a guest sees it through the running server: every
 * message, its errors, and the dispatcher's generic statuses, each answer checked byte for byte
 * (header echoed, status, values, and the used length). Response buffers are the sizes Linux
 * posts: exact for fixed-size replies, 136 bytes otherwise.
 */
class BaseProtocolIT extends OneGuest {
    private static final String AGENT_NAME = "base-guest";
    /** The only guest of this server, so the first agent. */
    private static final int AGENT_ID = 1;
    private static final int BASE_VERSION = 0x2_0001;
    private static final int BASE_LOWEST_VERSION = 0x2_0000;
    private static final int[] PROTOCOLS = SERVED_PROTOCOLS;
    private static final String VENDOR = "SCMI-OSGi";
    private static final String SUB_VENDOR = "Java";
    private static final int IMPLEMENTATION_VERSION = 0x1_0000;
    private static final String PLATFORM_NAME = "platform";
    /** Base messages this server implements (v2.1 has them all), and ids it does not. */
    private static final int[] IMPLEMENTED = {PROTOCOL_VERSION, PROTOCOL_ATTRIBUTES, PROTOCOL_MESSAGE_ATTRIBUTES,
        BASE_DISCOVER_VENDOR, BASE_DISCOVER_SUB_VENDOR, BASE_DISCOVER_IMPLEMENTATION_VERSION,
        BASE_DISCOVER_LIST_PROTOCOLS, BASE_DISCOVER_AGENT, BASE_NOTIFY_ERRORS, BASE_SET_DEVICE_PERMISSIONS,
        BASE_SET_PROTOCOL_PERMISSIONS, BASE_RESET_AGENT_CONFIGURATION, NEGOTIATE_PROTOCOL_VERSION};
    private static final int[] NOT_IMPLEMENTED = {0xC, 0xD, 0xF, 0x11, 0x80, 0xFF};
    private static final int ALLOW = 1;
    private static final int DENY = 0;

    /** Reply sizes Linux posts for the fixed-size replies: header, status, values. */
    private static final int ONE_WORD_REPLY = RESPONSE_PREFIX + 4;
    private static final int NAME_REPLY = RESPONSE_PREFIX + SHORT_NAME;
    private static final int AGENT_REPLY = RESPONSE_PREFIX + 4 + SHORT_NAME;

    @Override
    String socketName() {
        return AGENT_NAME + ".sock";
    }

    @Override
    Path configFile(Path folder) {
        return null;
    }

    @Test
    void versionAndAttributes() throws Exception {
        guest.call(BASE, PROTOCOL_VERSION, ONE_WORD_REPLY).assertValues(Le.words(BASE_VERSION));
        guest.call(BASE, PROTOCOL_ATTRIBUTES, ONE_WORD_REPLY)
                .assertValues(Le.words(PROTOCOLS.length | 1 << BASE_AGENTS_SHIFT));
        // A larger buffer than needed: the used length still covers exactly the reply.
        guest.call(BASE, PROTOCOL_VERSION, LINUX_RESPONSE_BUFFER).assertValues(Le.words(BASE_VERSION));
    }

    @Test
    void messageAttributesOfImplementedAndUnimplementedMessages() throws Exception {
        for (int message : IMPLEMENTED) {
            guest.call(BASE, PROTOCOL_MESSAGE_ATTRIBUTES, LINUX_RESPONSE_BUFFER, message).assertValues(Le.words(0));
        }
        for (int message : NOT_IMPLEMENTED) {
            guest.call(BASE, PROTOCOL_MESSAGE_ATTRIBUTES, LINUX_RESPONSE_BUFFER, message)
                    .assertStatus(ScmiStatus.NOT_FOUND);
        }
        // Message ids are 8 bits: 0x103 is no message, not message 3.
        guest.call(BASE, PROTOCOL_MESSAGE_ATTRIBUTES, LINUX_RESPONSE_BUFFER, 0x100 | BASE_DISCOVER_VENDOR)
                .assertStatus(ScmiStatus.NOT_FOUND);
    }

    @Test
    void vendorSubVendorAndImplementationVersion() throws Exception {
        guest.call(BASE, BASE_DISCOVER_VENDOR, NAME_REPLY).assertValues(Le.words().name(VENDOR, SHORT_NAME));
        guest.call(BASE, BASE_DISCOVER_SUB_VENDOR, NAME_REPLY).assertValues(Le.words().name(SUB_VENDOR, SHORT_NAME));
        guest.call(BASE, BASE_DISCOVER_IMPLEMENTATION_VERSION, ONE_WORD_REPLY)
                .assertValues(Le.words(IMPLEMENTATION_VERSION));
    }

    @Test
    void listProtocolsInOnePart() throws Exception {
        guest.call(BASE, BASE_DISCOVER_LIST_PROTOCOLS, LINUX_RESPONSE_BUFFER, 0)
                .assertValues(protocolList(0, PROTOCOLS.length));
    }

    /** A list part: the count, then {@code count} ids from {@code skip}, zero-padded to whole words. */
    private static Le protocolList(int skip, int count) {
        return Le.words(count).raw(Arrays.copyOfRange(PROTOCOLS, skip, skip + count))
                .raw(new int[(Integer.BYTES - count % Integer.BYTES) % Integer.BYTES]);
    }

    /**
     * The agent walks the list as Linux does, re-asking with skip = ids so far, here with the
     * smallest buffer that holds one word of ids: every part is exactly 4 + 4·⌈n/4⌉ bytes.
     */
    @Test
    void listProtocolsPartByPartInSmallBuffers() throws Exception {
        int smallest = RESPONSE_PREFIX + 4 + 4;
        for (int skip = 0; skip <= PROTOCOLS.length; skip++) {
            guest.call(BASE, BASE_DISCOVER_LIST_PROTOCOLS, smallest, skip)
                    .assertValues(protocolList(skip, Math.min(Integer.BYTES, PROTOCOLS.length - skip)));
        }
        // Skipping past the end is INVALID_PARAMETERS (skip is unsigned).
        guest.call(BASE, BASE_DISCOVER_LIST_PROTOCOLS, smallest, PROTOCOLS.length + 1)
                .assertStatus(ScmiStatus.INVALID_PARAMETERS);
        guest.call(BASE, BASE_DISCOVER_LIST_PROTOCOLS, smallest, 0xFFFF_FFFF)
                .assertStatus(ScmiStatus.INVALID_PARAMETERS);
        // A buffer with room for the count but no id cannot carry any part of a non-empty rest.
        guest.call(BASE, BASE_DISCOVER_LIST_PROTOCOLS, RESPONSE_PREFIX + 4, 0).assertStatus(ScmiStatus.COMMS_ERROR);
    }

    @Test
    void discoverAgents() throws Exception {
        guest.call(BASE, BASE_DISCOVER_AGENT, AGENT_REPLY, AGENT_PLATFORM)
                .assertValues(Le.words(AGENT_PLATFORM).name(PLATFORM_NAME, SHORT_NAME));
        guest.call(BASE, BASE_DISCOVER_AGENT, AGENT_REPLY, AGENT_CALLER)
                .assertValues(Le.words(AGENT_ID).name(AGENT_NAME, SHORT_NAME));
        guest.call(BASE, BASE_DISCOVER_AGENT, AGENT_REPLY, AGENT_ID)
                .assertValues(Le.words(AGENT_ID).name(AGENT_NAME, SHORT_NAME));
        guest.call(BASE, BASE_DISCOVER_AGENT, AGENT_REPLY, AGENT_ID + 1).assertStatus(ScmiStatus.NOT_FOUND);
        guest.call(BASE, BASE_DISCOVER_AGENT, AGENT_REPLY, 0x100).assertStatus(ScmiStatus.NOT_FOUND);
    }

    @Test
    void notifyErrorsWithAnEventQueue() throws Exception {
        guest.call(BASE, BASE_NOTIFY_ERRORS, LINUX_RESPONSE_BUFFER, 1).assertValues(new byte[0]);
        guest.call(BASE, BASE_NOTIFY_ERRORS, LINUX_RESPONSE_BUFFER, 0).assertValues(new byte[0]);
        guest.call(BASE, BASE_NOTIFY_ERRORS, LINUX_RESPONSE_BUFFER, 2).assertStatus(ScmiStatus.INVALID_PARAMETERS);
        guest.call(BASE, BASE_NOTIFY_ERRORS, LINUX_RESPONSE_BUFFER, 0x8000_0001)
                .assertStatus(ScmiStatus.INVALID_PARAMETERS);
    }

    /** Without VIRTIO_SCMI_F_P2A_CHANNELS a notification command does not exist for the guest. */
    @Test
    void notifyErrorsWithoutAnEventQueueIsNotFound() throws Exception {
        guest.close();
        guest = ScmiGuest.connectWithoutEventQueue(socket);
        assertEquals(false, guest.hasEventChannel());
        guest.call(BASE, BASE_NOTIFY_ERRORS, LINUX_RESPONSE_BUFFER, 1).assertStatus(ScmiStatus.NOT_FOUND);
        guest.call(BASE, PROTOCOL_MESSAGE_ATTRIBUTES, LINUX_RESPONSE_BUFFER, BASE_NOTIFY_ERRORS)
                .assertStatus(ScmiStatus.NOT_FOUND);
        guest.call(BASE, PROTOCOL_VERSION, ONE_WORD_REPLY).assertValues(Le.words(BASE_VERSION));
    }

    /**
     * No agent is trusted with permissions: a well-formed request is DENIED; an unknown agent,
     * an unimplemented protocol or removing Base is NOT_FOUND; reserved flag bits are
     * INVALID_PARAMETERS.
     */
    @Test
    void permissions() throws Exception {
        guest.call(BASE, BASE_SET_DEVICE_PERMISSIONS, LINUX_RESPONSE_BUFFER, AGENT_ID, 0, ALLOW)
                .assertStatus(ScmiStatus.DENIED);
        guest.call(BASE, BASE_SET_DEVICE_PERMISSIONS, LINUX_RESPONSE_BUFFER, AGENT_ID, 7, DENY)
                .assertStatus(ScmiStatus.DENIED);
        guest.call(BASE, BASE_SET_DEVICE_PERMISSIONS, LINUX_RESPONSE_BUFFER, AGENT_ID + 1, 0, ALLOW)
                .assertStatus(ScmiStatus.NOT_FOUND);
        guest.call(BASE, BASE_SET_DEVICE_PERMISSIONS, LINUX_RESPONSE_BUFFER, AGENT_PLATFORM, 0, ALLOW)
                .assertStatus(ScmiStatus.NOT_FOUND);
        guest.call(BASE, BASE_SET_DEVICE_PERMISSIONS, LINUX_RESPONSE_BUFFER, AGENT_ID, 0, 4)
                .assertStatus(ScmiStatus.INVALID_PARAMETERS);

        guest.call(BASE, BASE_SET_PROTOCOL_PERMISSIONS, LINUX_RESPONSE_BUFFER, AGENT_ID, 0, CLOCK, DENY)
                .assertStatus(ScmiStatus.DENIED);
        guest.call(BASE, BASE_SET_PROTOCOL_PERMISSIONS, LINUX_RESPONSE_BUFFER, AGENT_ID, 0, BASE, ALLOW)
                .assertStatus(ScmiStatus.DENIED);
        guest.call(BASE, BASE_SET_PROTOCOL_PERMISSIONS, LINUX_RESPONSE_BUFFER, AGENT_ID, 0, BASE, DENY)
                .assertStatus(ScmiStatus.NOT_FOUND);
        guest.call(BASE, BASE_SET_PROTOCOL_PERMISSIONS, LINUX_RESPONSE_BUFFER, AGENT_ID, 0, 0x80, ALLOW)
                .assertStatus(ScmiStatus.NOT_FOUND);
        guest.call(BASE, BASE_SET_PROTOCOL_PERMISSIONS, LINUX_RESPONSE_BUFFER, AGENT_ID + 1, 0, CLOCK, ALLOW)
                .assertStatus(ScmiStatus.NOT_FOUND);
        guest.call(BASE, BASE_SET_PROTOCOL_PERMISSIONS, LINUX_RESPONSE_BUFFER, AGENT_ID, 0, CLOCK, 0x8000_0001)
                .assertStatus(ScmiStatus.INVALID_PARAMETERS);
    }

    /** An agent may reset its own configuration; any other target is NOT_FOUND here (one agent). */
    @Test
    void resetAgentConfiguration() throws Exception {
        guest.call(BASE, BASE_RESET_AGENT_CONFIGURATION, LINUX_RESPONSE_BUFFER, AGENT_ID, 0).assertValues(new byte[0]);
        guest.call(BASE, BASE_RESET_AGENT_CONFIGURATION, LINUX_RESPONSE_BUFFER, AGENT_ID, 1).assertValues(new byte[0]);
        guest.call(BASE, BASE_RESET_AGENT_CONFIGURATION, LINUX_RESPONSE_BUFFER, AGENT_ID, 2)
                .assertStatus(ScmiStatus.INVALID_PARAMETERS);
        guest.call(BASE, BASE_RESET_AGENT_CONFIGURATION, LINUX_RESPONSE_BUFFER, AGENT_PLATFORM, 0)
                .assertStatus(ScmiStatus.NOT_FOUND);
        guest.call(BASE, BASE_RESET_AGENT_CONFIGURATION, LINUX_RESPONSE_BUFFER, AGENT_ID + 1, 0)
                .assertStatus(ScmiStatus.NOT_FOUND);
    }

    /** A negotiated version holds for the connection; a new connection starts at the newest again. */
    @Test
    void negotiateProtocolVersion() throws Exception {
        guest.call(BASE, NEGOTIATE_PROTOCOL_VERSION, LINUX_RESPONSE_BUFFER, BASE_LOWEST_VERSION)
                .assertValues(new byte[0]);
        guest.call(BASE, PROTOCOL_VERSION, ONE_WORD_REPLY).assertValues(Le.words(BASE_LOWEST_VERSION));
        guest.call(BASE, NEGOTIATE_PROTOCOL_VERSION, LINUX_RESPONSE_BUFFER, 0x3_0000)
                .assertStatus(ScmiStatus.NOT_SUPPORTED);
        guest.call(BASE, NEGOTIATE_PROTOCOL_VERSION, LINUX_RESPONSE_BUFFER, 0x1_0000)
                .assertStatus(ScmiStatus.NOT_SUPPORTED);
        guest.call(BASE, PROTOCOL_VERSION, ONE_WORD_REPLY).assertValues(Le.words(BASE_LOWEST_VERSION));

        guest.close();
        guest = ScmiGuest.connect(socket);
        guest.call(BASE, PROTOCOL_VERSION, ONE_WORD_REPLY).assertValues(Le.words(BASE_VERSION));
    }

    @Test
    void unknownProtocolsAreNotSupported() throws Exception {
        for (int protocol : new int[] {0x00, 0x1A, 0x80, 0xFF}) {
            guest.call(protocol, PROTOCOL_VERSION, ONE_WORD_REPLY).assertStatus(ScmiStatus.NOT_SUPPORTED);
        }
    }

    @Test
    void unknownMessagesAreNotFound() throws Exception {
        for (int message : NOT_IMPLEMENTED) {
            guest.call(BASE, message, LINUX_RESPONSE_BUFFER).assertStatus(ScmiStatus.NOT_FOUND);
        }
        guest.call(CLOCK, 0x42, LINUX_RESPONSE_BUFFER).assertStatus(ScmiStatus.NOT_FOUND);
    }

    /** Parameters longer or shorter than the message defines are PROTOCOL_ERROR. */
    @Test
    void parametersOfTheWrongLengthAreProtocolErrors() throws Exception {
        guest.call(BASE, PROTOCOL_VERSION, ONE_WORD_REPLY, 0).assertStatus(ScmiStatus.PROTOCOL_ERROR);
        guest.call(BASE, PROTOCOL_ATTRIBUTES, ONE_WORD_REPLY, 0).assertStatus(ScmiStatus.PROTOCOL_ERROR);
        guest.call(BASE, PROTOCOL_MESSAGE_ATTRIBUTES, LINUX_RESPONSE_BUFFER).assertStatus(ScmiStatus.PROTOCOL_ERROR);
        guest.call(BASE, BASE_DISCOVER_VENDOR, NAME_REPLY, 0).assertStatus(ScmiStatus.PROTOCOL_ERROR);
        guest.call(BASE, BASE_DISCOVER_LIST_PROTOCOLS, LINUX_RESPONSE_BUFFER).assertStatus(ScmiStatus.PROTOCOL_ERROR);
        guest.call(BASE, BASE_DISCOVER_LIST_PROTOCOLS, LINUX_RESPONSE_BUFFER, 0, 0)
                .assertStatus(ScmiStatus.PROTOCOL_ERROR);
        guest.call(BASE, BASE_DISCOVER_AGENT, AGENT_REPLY).assertStatus(ScmiStatus.PROTOCOL_ERROR);
        guest.send(guest.commandHeader(BASE, BASE_DISCOVER_AGENT), new byte[] {1, 0}, AGENT_REPLY)
                .assertStatus(ScmiStatus.PROTOCOL_ERROR);
        guest.call(BASE, BASE_SET_PROTOCOL_PERMISSIONS, LINUX_RESPONSE_BUFFER, AGENT_ID, 0, CLOCK)
                .assertStatus(ScmiStatus.PROTOCOL_ERROR);
        guest.call(BASE, BASE_RESET_AGENT_CONFIGURATION, LINUX_RESPONSE_BUFFER, AGENT_ID, 0, 0)
                .assertStatus(ScmiStatus.PROTOCOL_ERROR);
        guest.call(BASE, NEGOTIATE_PROTOCOL_VERSION, LINUX_RESPONSE_BUFFER).assertStatus(ScmiStatus.PROTOCOL_ERROR);
    }

    /** The response header is the command's header word unchanged, whatever its token and reserved bits. */
    @Test
    void responsesEchoTheCommandHeader() throws Exception {
        int lastToken = ScmiHeader.command(BASE, PROTOCOL_VERSION, ScmiHeader.TOKEN_MASK).encode();
        guest.send(lastToken, new byte[0], ONE_WORD_REPLY).assertValues(Le.words(BASE_VERSION));
        int reservedBits = 0xF000_0000 | ScmiHeader.command(BASE, PROTOCOL_VERSION, 5).encode();
        guest.send(reservedBits, new byte[0], ONE_WORD_REPLY).assertValues(Le.words(BASE_VERSION));
    }

    /** Only commands (type 0) are executed; a header of any other type is PROTOCOL_ERROR. */
    @Test
    void headersOfOtherMessageTypesAreProtocolErrors() throws Exception {
        for (int type : new int[] {1, MessageType.DELAYED_RESPONSE.value(), MessageType.NOTIFICATION.value()}) {
            int header = new ScmiHeader(PROTOCOL_VERSION, type, BASE, 9).encode();
            guest.send(header, new byte[0], ONE_WORD_REPLY).assertStatus(ScmiStatus.PROTOCOL_ERROR);
        }
    }

    /**
     * A buffer too small for a fixed-size reply gets COMMS_ERROR; one too small even for header
     * and status is returned with nothing written, and the guest is still served.
     */
    @Test
    void responseBuffersTooSmall() throws Exception {
        guest.call(BASE, BASE_DISCOVER_VENDOR, ONE_WORD_REPLY).assertStatus(ScmiStatus.COMMS_ERROR);
        Response unanswered = guest.call(BASE, PROTOCOL_VERSION, RESPONSE_PREFIX - 1);
        assertEquals(0, unanswered.usedLength(), "used length of a chain that cannot hold a response");
        guest.call(BASE, PROTOCOL_VERSION, ONE_WORD_REPLY).assertValues(Le.words(BASE_VERSION));
    }
}
