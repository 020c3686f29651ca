package org.scmi.launcher.e2e;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** The server's admin shell on its Unix socket, used as an operator uses it. */
public final class AdminShell {
    private AdminShell() {
    }

    /**
     * One command, as {@code echo COMMAND | socat - UNIX-CONNECT:PATH} sends it; returns everything
     * it answers once the command has run.
     */
    public static String command(Path socket, String command) throws IOException {
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            ByteBuffer line = ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.UTF_8));
            while (line.hasRemaining()) {
                channel.write(line);
            }
            channel.shutdownOutput();
            return new String(Channels.newInputStream(channel).readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
