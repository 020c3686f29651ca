package org.scmi.launcher.e2e;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The server's admin shell on its Unix socket, used as an operator uses it. */
public final class AdminShell {
    /** A line of {@code lb -s} or {@code lb -l}: id, state, start level, then the name or location. */
    private static final Pattern BUNDLE_LINE = Pattern.compile("^\\s*(\\d+)\\|[^|]*\\|[^|]*\\|\\s*([^|\\s]+).*");

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

    /**
     * The shell command that updates each named bundle of the server: {@code update ID URL}, the URL
     * naming the bundle's JAR inside the runnable JAR (its install location, relative there), so
     * that each update installs a new revision of the same version, with a class loader of its own.
     *
     * @return the commands by symbolic name, in the order given
     * @throws IllegalStateException if a bundle is not installed
     */
    public static Map<String, String> updateCommands(Path socket, Path runnableJar, List<String> symbolicNames)
            throws IOException {
        Map<String, Long> ids = new LinkedHashMap<>();
        for (String line : command(socket, "lb -s").split("\n")) {
            Matcher matcher = BUNDLE_LINE.matcher(line);
            if (matcher.matches() && symbolicNames.contains(matcher.group(2))) {
                ids.put(matcher.group(2), Long.parseLong(matcher.group(1)));
            }
        }
        Map<Long, String> locations = new LinkedHashMap<>();
        for (String line : command(socket, "lb -l").split("\n")) {
            Matcher matcher = BUNDLE_LINE.matcher(line);
            if (matcher.matches()) {
                locations.put(Long.parseLong(matcher.group(1)), matcher.group(2));
            }
        }
        Map<String, String> commands = new LinkedHashMap<>();
        for (String name : symbolicNames) {
            Long id = ids.get(name);
            if (id == null || locations.get(id) == null) {
                throw new IllegalStateException("bundle " + name + " is not installed: " + ids + ", " + locations);
            }
            commands.put(name, "update " + id + " jar:" + runnableJar.toUri() + "!/" + locations.get(id));
        }
        return commands;
    }
}
