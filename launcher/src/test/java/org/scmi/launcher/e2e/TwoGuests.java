package org.scmi.launcher.e2e;

import static org.scmi.launcher.e2e.BoardServer.AGENT_A;
import static org.scmi.launcher.e2e.BoardServer.AGENT_B;
import static org.scmi.launcher.e2e.Scmi.NOTIFY_ON;
import static org.scmi.launcher.e2e.Scmi.PROTOCOL_MESSAGE_ATTRIBUTES;
import static org.scmi.launcher.e2e.Scmi.RESPONSE_PREFIX;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.scmi.api.ScmiStatus;
import org.scmi.linux.LinuxException;

/**
 * End-to-end tests of one protocol on the board file {@link #board()}: one server for the test
 * class; guests {@link #a} (agent 1) and {@link #b} (agent 2) connected for each test and reset
 * after it, so that every test starts from the board file.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class TwoGuests {
    private static final int STATUS_ONLY = RESPONSE_PREFIX;
    private static final int ONE_WORD_REPLY = RESPONSE_PREFIX + 4;
    /** notify_enable with a reserved bit set, alone and with the enable bit. */
    private static final int[] RESERVED_NOTIFY_FLAGS = {0x2, 0x8000_0001};

    @TempDir
    static Path folder;
    BoardServer server;
    ScmiGuest a;
    ScmiGuest b;

    /** The board file the server runs. */
    abstract String board();

    @BeforeAll
    void startServer() throws Exception {
        server = BoardServer.start(folder, board());
    }

    @AfterAll
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void connect() throws Exception {
        a = server.connectA();
        b = server.connectB();
    }

    @AfterEach
    void resetAndDisconnect() throws Exception {
        try {
            BoardServer.resetAndClose(a, AGENT_A);
        } finally {
            BoardServer.resetAndClose(b, AGENT_B);
        }
    }

    /**
     * Errors of notify commands taking a resource id and notify_enable: NOT_FOUND for a resource
     * that does not exist, INVALID_PARAMETERS for reserved flag bits, PROTOCOL_ERROR without flags.
     */
    static void assertNotifyErrors(ScmiGuest guest, int protocolId, int noSuchResource, int resource,
            int... notifyCommands) throws LinuxException {
        for (int notify : notifyCommands) {
            guest.call(protocolId, notify, STATUS_ONLY, noSuchResource, NOTIFY_ON).assertStatus(ScmiStatus.NOT_FOUND);
            for (int flags : RESERVED_NOTIFY_FLAGS) {
                guest.call(protocolId, notify, STATUS_ONLY, resource, flags)
                        .assertStatus(ScmiStatus.INVALID_PARAMETERS);
            }
            guest.call(protocolId, notify, STATUS_ONLY, resource).assertStatus(ScmiStatus.PROTOCOL_ERROR);
        }
    }

    /**
     * For a guest without an event queue the notify commands do not exist: NOT_FOUND when called on
     * {@code resource} and in PROTOCOL_MESSAGE_ATTRIBUTES.
     */
    static void assertNoNotifyCommands(ScmiGuest guest, int protocolId, int resource, int... notifyCommands)
            throws LinuxException {
        for (int notify : notifyCommands) {
            guest.call(protocolId, notify, STATUS_ONLY, resource, NOTIFY_ON).assertStatus(ScmiStatus.NOT_FOUND);
            guest.call(protocolId, PROTOCOL_MESSAGE_ATTRIBUTES, ONE_WORD_REPLY, notify)
                    .assertStatus(ScmiStatus.NOT_FOUND);
        }
    }
}
