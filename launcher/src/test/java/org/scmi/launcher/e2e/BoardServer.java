package org.scmi.launcher.e2e;

import static org.scmi.launcher.e2e.Scmi.BASE;
import static org.scmi.launcher.e2e.Scmi.BASE_RESET_AGENT_CONFIGURATION;
import static org.scmi.launcher.e2e.Scmi.LINUX_RESPONSE_BUFFER;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.scmi.linux.LinuxException;

/**
 * The runnable JAR over a simulated board given as a board file, serving two guests (agents 1 and
 * 2, in the order the start connects them) and its admin shell on a Unix socket, through which a
 * test acts as the platform (the simulated board's shell commands).
 */
public final class BoardServer implements AutoCloseable {
    /** Guest a connects first, so it is agent 1; guest b is agent 2. */
    public static final int AGENT_A = 1;
    public static final int AGENT_B = 2;
    /** BASE_RESET_AGENT_CONFIGURATION flags: keep permissions (there are none to reset). */
    private static final int RESET_KEEP_PERMISSIONS = 0;

    private final ServerProcess server;
    private final Path socketA;
    private final Path socketB;
    private final Path adminSocket;

    private BoardServer(ServerProcess server, Path socketA, Path socketB, Path adminSocket) {
        this.server = server;
        this.socketA = socketA;
        this.socketB = socketB;
        this.adminSocket = adminSocket;
    }

    /** Writes the board file and the server's configuration into {@code folder} and starts the server. */
    public static BoardServer start(Path folder, String board) throws IOException, LinuxException {
        Path config = writeConfig(folder, board);
        Path socketA = folder.resolve("guest-a.sock");
        Path socketB = folder.resolve("guest-b.sock");
        Path adminSocket = folder.resolve("admin.sock");
        BoardServer started = new BoardServer(ServerProcess.startJar(List.of(socketA, socketB), config, adminSocket),
                socketA, socketB, adminSocket);
        try {
            ScmiGuest.connect(socketA).close();
            ScmiGuest.connect(socketB).close();
        } catch (LinuxException | RuntimeException e) {
            started.close();
            throw e;
        }
        return started;
    }

    /**
     * Writes the board file and a server configuration that runs the simulated board on it into
     * {@code folder}; returns the configuration file.
     */
    public static Path writeConfig(Path folder, String board) throws IOException {
        Path boardFile = Files.writeString(folder.resolve("board.json"), board);
        return Files.writeString(folder.resolve("scmi-server.json"),
                "{ \"org.scmi.board.sim\": { \"file\": \"" + boardFile + "\" } }");
    }

    /** Connects as agent 1. */
    public ScmiGuest connectA() throws LinuxException {
        return ScmiGuest.connect(socketA);
    }

    /** Connects as agent 2. */
    public ScmiGuest connectB() throws LinuxException {
        return ScmiGuest.connect(socketB);
    }

    /** Connects as agent 2 without an event queue. */
    public ScmiGuest connectBWithoutEventQueue() throws LinuxException {
        return ScmiGuest.connectWithoutEventQueue(socketB);
    }

    /**
     * The agent resets its own configuration (its votes, rates, parents, sensor settings and
     * subscriptions are undone) and disconnects, so the next test starts from the board file.
     */
    public static void resetAndClose(ScmiGuest guest, int agentId) throws LinuxException {
        if (guest == null) {
            return;
        }
        try {
            guest.call(BASE, BASE_RESET_AGENT_CONFIGURATION, LINUX_RESPONSE_BUFFER, agentId, RESET_KEEP_PERMISSIONS)
                    .assertValues(new byte[0]);
        } finally {
            guest.close();
        }
    }

    /** One admin shell command ({@link AdminShell#command}); everything it answers. */
    public String admin(String command) throws IOException {
        return AdminShell.command(adminSocket, command);
    }

    public ServerProcess process() {
        return server;
    }

    @Override
    public void close() {
        server.close();
    }
}
