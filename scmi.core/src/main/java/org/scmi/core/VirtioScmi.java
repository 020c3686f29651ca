package org.scmi.core;

/** Facts of the virtio-scmi device (virtio 1.2 section 5.17). */
final class VirtioScmi {

    /** Feature bit: the device sends notifications and delayed responses on the eventq. */
    static final int F_P2A_CHANNELS = 0;
    /** Queue of agent commands and their responses. */
    static final int CMDQ = 0;
    /** Queue of notifications and delayed responses (only with P2A channels). */
    static final int EVENTQ = 1;
    static final int QUEUE_COUNT = 2;
    /** Largest queue the device accepts (SCMI tokens are 10 bits: no more can be in flight). */
    static final int MAX_QUEUE_SIZE = 1024;

    /** Bytes of the header word that starts every message. */
    static final int HEADER_SIZE = 4;
    /** Bytes of the status word that starts every response's return values. */
    static final int STATUS_SIZE = 4;
    /** A response's header and status: the least writable space a command chain must have. */
    static final int RESPONSE_PREFIX = HEADER_SIZE + STATUS_SIZE;
    /**
     * Most parameter bytes read from a command, and most return-value bytes written: far above
     * what any SCMI message uses (Linux sends and accepts 128), so a guest cannot make the device
     * allocate what it likes.
     */
    static final int MAX_PAYLOAD = 4096;

    private VirtioScmi() {
    }

    static String queueName(int queueIndex) {
        return switch (queueIndex) {
            case CMDQ -> "cmdq";
            case EVENTQ -> "eventq";
            default -> "queue " + queueIndex;
        };
    }
}
