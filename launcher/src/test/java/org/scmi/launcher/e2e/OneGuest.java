package org.scmi.launcher.e2e;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * End-to-end tests through one guest: one server for the test class serving the guest socket
 * {@link #socketName()}, and {@link #guest} connected for each test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class OneGuest {
    @TempDir
    static Path folder;
    Path socket;
    ScmiGuest guest;
    private ServerProcess server;

    /** The guest socket's file name, which is also the agent's name. */
    abstract String socketName();

    /** Writes the server's configuration file into {@code folder}; null for none. */
    abstract Path configFile(Path folder) throws IOException;

    @BeforeAll
    void startServer() throws IOException {
        socket = folder.resolve(socketName());
        server = ServerProcess.startJar(List.of(socket), configFile(folder));
    }

    @AfterAll
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void connect() throws Exception {
        guest = ScmiGuest.connect(socket);
    }

    @AfterEach
    void disconnect() {
        guest.close();
    }
}
