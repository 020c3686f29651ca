package org.scmi.launcher.admin;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.scmi.linux.Linux;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One admin connection: its own Gogo session, fed one command per line; each command's output,
 * result and error are written back before the next line is read. Runs on its own thread and
 * closes the socket when the peer closes its side or the server shuts the connection down.
 */
final class ShellConnection implements Runnable {
    /** Longest command line accepted; a longer one ends the connection. */
    static final int MAX_LINE_BYTES = 64 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(ShellConnection.class);

    private final int fd;
    private final String name;
    private final CommandProcessor processor;

    ShellConnection(int fd, String name, CommandProcessor processor) {
        this.fd = fd;
        this.name = name;
        this.processor = processor;
    }

    String name() {
        return name;
    }

    @Override
    public void run() {
        LOG.debug("{} opened", name);
        InputStream in = new BufferedInputStream(new SocketStreams.In(fd));
        PrintStream out = new PrintStream(new BufferedOutputStream(new SocketStreams.Out(fd)), false,
                StandardCharsets.UTF_8);
        // Commands get no keyboard: the connection's input is the command lines.
        try (CommandSession session = processor.createSession(InputStream.nullInputStream(), out, out)) {
            String line;
            while ((line = readLine(in)) != null && !out.checkError()) {
                if (!line.isBlank()) {
                    execute(session, line, out);
                }
                out.flush();
            }
        } catch (LineTooLongException e) {
            out.println("command line longer than " + MAX_LINE_BYTES + " bytes; closing");
            out.flush();
        } catch (IOException e) {
            LOG.debug("{}: {}", name, e.getMessage());
        } finally {
            Linux.close(fd);
            LOG.debug("{} closed", name);
        }
    }

    /** Shuts the socket down: the thread reading it sees the end of its input and closes it. */
    void hangUp() {
        Linux.shutdown(fd);
    }

    private static void execute(CommandSession session, String line, PrintStream out) {
        try {
            Object result = session.execute(line);
            if (result != null) {
                CharSequence text = session.format(result, Converter.INSPECT);
                out.print(text);
                if (text.isEmpty() || text.charAt(text.length() - 1) != '\n') {
                    out.println();
                }
            }
        } catch (Exception e) {
            out.println(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private static final class LineTooLongException extends IOException {
        private static final long serialVersionUID = 1L;
    }

    /** The next line without its end ({@code \n} or {@code \r\n}); null at the end of input. */
    static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (line.size() == MAX_LINE_BYTES) {
                throw new LineTooLongException();
            }
            line.write(b);
        }
        if (b < 0 && line.size() == 0) {
            return null;
        }
        String text = line.toString(StandardCharsets.UTF_8);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }
}
