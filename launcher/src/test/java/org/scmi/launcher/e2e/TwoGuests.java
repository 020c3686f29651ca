package org.scmi.launcher.e2e;

import static org.scmi.launcher.e2e.BoardServer.AGENT_A;
import static org.scmi.launcher.e2e.BoardServer.AGENT_B;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * End-to-end tests of one protocol on the board file {@link #board()}: one server for the test
 * class; guests {@link #a} (agent 1) and {@link #b} (agent 2) connected for each test and reset
 * after it, so that every test starts from the board file.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class TwoGuests {
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
}
