import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * Sends shell commands to a server's admin socket (./scmi-server --admin-socket PATH) and prints what
 * they answer, for machines without socat: java scripts/scmi-admin.java PATH COMMAND...
 * Each COMMAND is one line; the answers of all of them are printed once the last one has run.
 */
class ScmiAdmin {
    public static void main(String[] arguments) throws IOException {
        if (arguments.length < 2) {
            System.err.println("usage: java scripts/scmi-admin.java SOCKET COMMAND...");
            System.exit(2);
        }
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(arguments[0]))) {
            StringBuilder lines = new StringBuilder();
            for (int i = 1; i < arguments.length; i++) {
                lines.append(arguments[i]).append('\n');
            }
            ByteBuffer request = ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.UTF_8));
            while (request.hasRemaining()) {
                channel.write(request);
            }
            channel.shutdownOutput();
            System.out.write(Channels.newInputStream(channel).readAllBytes());
            System.out.flush();
        }
    }
}
