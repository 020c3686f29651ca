package org.scmi.launcher.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.gogo.runtime.threadio.ThreadIOImpl;
import org.apache.felix.service.command.Descriptor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin socket with the real Gogo runtime behind it, driven over a real Unix socket. */
class AdminShellServerTest {

    /** Commands of scope {@code test}. */
    public static final class TestCommands {
        @Descriptor("greets")
        public String hello() {
            return "hello, admin";
        }

        @Descriptor("upper case")
        public String shout(@Descriptor("text") String text) {
            return text.toUpperCase();
        }

        @Descriptor("prints instead of returning")
        public void print() {
            System.out.println("printed line");
        }

        @Descriptor("shows a value")
        public String show(@Descriptor("value") Object value) {
            return "value=" + value;
        }

        @Descriptor("fails")
        public String fail() {
            throw new IllegalStateException("it broke; type 'hello' instead");
        }
    }

    @TempDir
    Path folder;

    private ThreadIOImpl threadIo;
    private CommandProcessorImpl processor;
    private Path socket;
    private AdminShellServer server;

    @BeforeEach
    void startShell() throws IOException {
        threadIo = new ThreadIOImpl();
        threadIo.start();
        processor = new CommandProcessorImpl(threadIo);
        TestCommands commands = new TestCommands();
        for (String function : List.of("hello", "shout", "print", "show", "fail")) {
            processor.addCommand("test", commands, function);
        }
        socket = folder.resolve("run/admin.sock");
        server = AdminShellServer.open(socket, processor);
    }

    @AfterEach
    void stopShell() {
        server.close();
        processor.stop();
        threadIo.stop();
    }

    @Test
    void theSocketIsOnlyForItsOwner() throws IOException {
        assertTrue(Files.readAttributes(socket, java.nio.file.attribute.BasicFileAttributes.class,
                LinkOption.NOFOLLOW_LINKS).isOther(), "a socket");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
    }

    @Test
    void eachLineIsOneCommandAndItsOutputComesBackInOrder() throws IOException {
        assertEquals("""
                hello, admin
                ABC
                printed line
                value=42
                IllegalStateException: it broke; type 'hello' instead
                CommandNotFoundException: Command not found: nosuch
                hello, admin
                """, converse("hello\n", "test:shout abc\r\n", "\n", "print\n", "show 42\n", "fail\n", "nosuch\n",
                "hello"));
    }

    @Test
    void eachConnectionHasItsOwnSession() throws IOException {
        try (SocketChannel first = connect()) {
            send(first, "x = abc\nshow $x\n");
            assertEquals("abc\nvalue=abc\n", readLines(first, 2));
            assertEquals("value=null\n", converse("show $x\n"));
            send(first, "show $x\n");
            assertEquals("value=abc\n", readLines(first, 1));
        }
    }

    @Test
    void closingHangsUpOpenSessionsAndRemovesTheSocket() throws IOException {
        try (SocketChannel open = connect()) {
            send(open, "hello\n");
            assertEquals("hello, admin\n", readLines(open, 1));
            server.close();
            assertEquals(-1, Channels.newInputStream(open).read(), "the session ends");
        }
        assertFalse(Files.exists(socket, LinkOption.NOFOLLOW_LINKS));
        assertThrows(IOException.class, this::connect);
    }

    @Test
    void aLineLongerThanTheLimitEndsTheSession() throws IOException {
        String line = "x".repeat(ShellConnection.MAX_LINE_BYTES + 1);
        assertEquals("command line longer than " + ShellConnection.MAX_LINE_BYTES + " bytes; closing\n",
                converse(line + "\nhello\n"));
    }

    @Test
    void sessionsBeyondTheLimitAreTurnedAway() throws IOException {
        List<SocketChannel> open = new ArrayList<>();
        try {
            for (int i = 0; i < AdminShellServer.MAX_SESSIONS; i++) {
                SocketChannel channel = connect();
                open.add(channel);
                send(channel, "hello\n");
                assertEquals("hello, admin\n", readLines(channel, 1));
            }
            try (SocketChannel refused = connect()) {
                assertEquals("already " + AdminShellServer.MAX_SESSIONS + " admin sessions; close one and retry\n",
                        new String(Channels.newInputStream(refused).readAllBytes(), StandardCharsets.UTF_8));
            }
        } finally {
            for (SocketChannel channel : open) {
                channel.close();
            }
        }
    }

    @Test
    void anythingButASocketAtThePathIsLeftAlone() throws IOException {
        Path file = Files.writeString(folder.resolve("notes.txt"), "keep me");
        IOException refused = assertThrows(IOException.class, () -> AdminShellServer.open(file, processor));
        assertEquals(file + " exists and is not a socket; not replacing it", refused.getMessage());
        assertEquals("keep me", Files.readString(file));
    }

    private SocketChannel connect() throws IOException {
        return SocketChannel.open(UnixDomainSocketAddress.of(socket));
    }

    private static void send(SocketChannel channel, String text) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }

    /** Sends the parts, closes the sending side as {@code socat -} does at end of input, reads everything back. */
    private String converse(String... parts) throws IOException {
        try (SocketChannel channel = connect()) {
            for (String part : parts) {
                send(channel, part);
            }
            channel.shutdownOutput();
            return new String(Channels.newInputStream(channel).readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String readLines(SocketChannel channel, int count) throws IOException {
        InputStream in = Channels.newInputStream(channel);
        StringBuilder text = new StringBuilder();
        int lines = 0;
        while (lines < count) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            text.append((char) b);
            if (b == '\n') {
                lines++;
            }
        }
        return text.toString();
    }
}
