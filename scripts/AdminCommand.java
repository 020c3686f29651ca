import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * Sends one command to the server's admin shell (./scmi-server --admin-socket PATH) and prints what it
 * answers, for scripts on machines without socat:
 * java scripts/AdminCommand.java PATH COMMAND [ARGUMENT]...
 */
void main(String[] args) throws IOException {
    if (args.length < 2) {
        System.err.println("usage: java AdminCommand.java SOCKET COMMAND [ARGUMENT]...");
        System.exit(2);
    }
    String command = String.join(" ", java.util.Arrays.copyOfRange(args, 1, args.length)) + "\n";
    try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(args[0]))) {
        ByteBuffer line = ByteBuffer.wrap(command.getBytes(StandardCharsets.UTF_8));
        while (line.hasRemaining()) {
            channel.write(line);
        }
        channel.shutdownOutput();
        System.out.print(new String(Channels.newInputStream(channel).readAllBytes(), StandardCharsets.UTF_8));
    }
}
