package org.scmi.launcher.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.scmi.linux.LinuxException;

/**
 * The runnable JAR with a configuration of agent profiles on the built-in simulated board, one
 * vhost-user socket per guest named after its agent ({@code <name>.sock}: the agent name is the
 * socket's file name), and its admin shell.
 */
final class ProfileServer implements AutoCloseable {
    private final ServerProcess server;
    private final Path folder;
    private final Path adminSocket;

    private ProfileServer(ServerProcess server, Path folder, Path adminSocket) {
        this.server = server;
        this.folder = folder;
        this.adminSocket = adminSocket;
    }

    /** Starts the server on configuration file {@code config}, serving a socket per name in {@code guests}. */
    static ProfileServer start(Path folder, Path config, String... guests) {
        Path adminSocket = folder.resolve("shell.admin");
        List<Path> sockets = Arrays.stream(guests).map(name -> folder.resolve(name + ".sock")).toList();
        return new ProfileServer(ServerProcess.startJar(sockets, config, adminSocket), folder, adminSocket);
    }

    /** Writes {@code json} as the configuration file in {@code folder}. */
    static Path config(Path folder, String json) throws IOException {
        return Files.writeString(folder.resolve("profiles.json"), json);
    }

    /** Connects as the guest whose socket is named after agent {@code name}. */
    ScmiGuest connect(String name) throws LinuxException {
        return ScmiGuest.connect(socket(name));
    }

    Path socket(String name) {
        return folder.resolve(name + ".sock");
    }

    /** One admin shell command; everything it answers. */
    String admin(String command) throws IOException {
        return AdminShell.command(adminSocket, command);
    }

    ServerProcess process() {
        return server;
    }

    @Override
    public void close() {
        server.close();
    }
}
