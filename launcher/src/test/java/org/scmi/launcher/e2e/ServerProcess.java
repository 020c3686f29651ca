package org.scmi.launcher.e2e;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The SCMI server (or another program) as a child process: its console output collected line by
 * line, waits for lines such as {@code listening on PATH}, and a stop by SIGTERM.
 *
 * <p>The server is started as a user starts it: the runnable JAR exported by the build under the
 * JDK that runs the tests, with the flags {@code ./scmi-server} passes, no terminal (stdin from
 * /dev/null, so no Gogo prompt), or the {@code ./scmi-server} script itself.
 */
public final class ServerProcess implements AutoCloseable {
    /** JVM flags the runnable JAR needs: FFM calls from our bundles, and Felix's Unsafe use on 25. */
    public static final List<String> JAR_JVM_FLAGS =
            List.of("--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow");
    /** What the server prints once a vhost-user socket is ready for QEMU. */
    public static final String LISTENING = "listening on ";
    /** What the server prints once its admin shell accepts connections. */
    public static final String ADMIN_LISTENING = "admin shell listening on ";
    /** A JVM ended by SIGTERM exits with 128 + 15 after its shutdown hooks, however clean the stop was. */
    public static final int JVM_EXIT_ON_SIGTERM = 143;
    /**
     * Longest wait for the server to come up. A start takes about 2 s on an idle machine; these
     * limits only tell a server that hangs from a slow one, and a machine loaded by other builds
     * has taken minutes to start one.
     */
    public static final Duration START_TIMEOUT = Duration.ofMinutes(5);
    /** Longest wait for a clean stop after SIGTERM (a second or two on an idle machine). */
    public static final Duration STOP_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration OUTPUT_DRAIN = Duration.ofSeconds(2);
    private static final Duration OUTPUT_POLL = Duration.ofMillis(10);

    private final String name;
    private final Process process;
    private final Path log;
    private final List<String> lines = new ArrayList<>();
    private final Thread reader;

    private ServerProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.reader = Thread.ofPlatform().daemon().name(name + " output").unstarted(this::readOutput);
        reader.start();
    }

    /**
     * Starts a program with its output (stdout and stderr merged) collected. The output goes to a
     * file that is read as it grows: a pipe would be closed under the reader when the process ends.
     *
     * @param environment variables added to this process's environment
     */
    public static ServerProcess start(String name, List<String> command, Map<String, String> environment) {
        try {
            Path log = Files.createTempFile(name, ".log");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            builder.environment().putAll(environment);
            return new ServerProcess(name, builder.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    /**
     * Starts the runnable JAR serving one vhost-user guest per socket and waits until every socket
     * is listening.
     *
     * @param configFile the server's JSON configuration file ({@code --config}), or null
     */
    public static ServerProcess startJar(List<Path> sockets, Path configFile) {
        return startJar(sockets, configFile, null);
    }

    /**
     * Starts the runnable JAR as {@link #startJar(List, Path)} does, with its admin shell on a Unix
     * socket, and waits until the guest sockets and the admin socket are listening.
     *
     * @param adminSocket where the admin shell listens ({@code -Dscmi.admin.socket}), or null for none
     */
    public static ServerProcess startJar(List<Path> sockets, Path configFile, Path adminSocket) {
        List<String> command = new ArrayList<>();
        command.add(java().toString());
        command.addAll(JAR_JVM_FLAGS);
        command.add("-Dscmi.socket.paths=" + sockets.stream().map(Path::toString).collect(Collectors.joining(",")));
        if (configFile != null) {
            command.add("-Dscmi.config.file=" + configFile);
        }
        if (adminSocket != null) {
            command.add("-Dscmi.admin.socket=" + adminSocket);
        }
        command.add("-Dgosh.args=--nointeractive");
        command.add("-jar");
        command.add(jar().toString());
        ServerProcess server = start("scmi-server.jar", command, Map.of());
        try {
            for (Path socket : sockets) {
                server.awaitListening(socket);
            }
            if (adminSocket != null) {
                String ready = ADMIN_LISTENING + adminSocket + " ";
                server.awaitReady(line -> line.contains(ready), ready, START_TIMEOUT);
            }
        } catch (AssertionError notReady) {
            server.close(); // the caller never gets it to close
            throw notReady;
        }
        return server;
    }

    /**
     * Starts the runnable JAR with the given framework properties ({@code -Dname=value}) and no
     * terminal, and waits until it prints a line containing {@code ready}.
     */
    public static ServerProcess startJar(List<String> properties, String ready) {
        List<String> command = new ArrayList<>();
        command.add(java().toString());
        command.addAll(JAR_JVM_FLAGS);
        command.addAll(properties);
        command.add("-Dgosh.args=--nointeractive");
        command.add("-jar");
        command.add(jar().toString());
        ServerProcess server = start("scmi-server.jar", command, Map.of());
        try {
            server.awaitReady(line -> line.contains(ready), ready, START_TIMEOUT);
        } catch (AssertionError notReady) {
            server.close(); // the caller never gets it to close
            throw notReady;
        }
        return server;
    }

    /** The runnable JAR the build exported (system property {@code scmi.server.jar}). */
    public static Path jar() {
        return Path.of(System.getProperty("scmi.server.jar", "target/scmi-server.jar")).toAbsolutePath().normalize();
    }

    /** The project's top folder, holding {@code ./scmi-server} (system property {@code scmi.server.home}). */
    public static Path home() {
        return Path.of(System.getProperty("scmi.server.home", "..")).toAbsolutePath().normalize();
    }

    /**
     * A project folder under {@code folder} holding a copy of {@code ./scmi-server} (with the JDK finder
     * it sources and the launcher it runs, {@code dist/src/bin/scmi-server}) beside links to the built runnable JAR and simulated-Xen bundle: the script as a
     * user runs it, which never rebuilds because no source lies beside it.
     *
     * @return the new folder, to run {@code bash FOLDER/scmi-server} in
     */
    public static Path scriptHome(Path folder) throws IOException {
        Path scriptHome = Files.createDirectories(folder.resolve("scmi"));
        Files.copy(home().resolve("scmi-server"), scriptHome.resolve("scmi-server"));
        Files.createDirectories(scriptHome.resolve("scripts"));
        Files.copy(home().resolve("scripts/java25.sh"), scriptHome.resolve("scripts/java25.sh"));
        Files.createDirectories(scriptHome.resolve("dist/src/bin"));
        Files.copy(home().resolve("dist/src/bin/scmi-server"), scriptHome.resolve("dist/src/bin/scmi-server"));
        Files.createDirectories(scriptHome.resolve("launcher/target"));
        Files.createSymbolicLink(scriptHome.resolve("launcher/target/scmi-server.jar"), jar());
        Files.createSymbolicLink(scriptHome.resolve("launcher/target/transport.xen.sim.jar"),
                jar().resolveSibling("transport.xen.sim.jar"));
        return scriptHome;
    }

    /** The java launcher of the JDK running this JVM (JDK 25). */
    public static Path java() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    /** Follows the output file until the process has ended and everything it wrote was read. */
    private void readOutput() {
        try (InputStream in = Files.newInputStream(log)) {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            byte[] chunk = new byte[8192];
            while (true) {
                boolean ended = !process.isAlive();
                int read = in.read(chunk);
                if (read > 0) {
                    for (int i = 0; i < read; i++) {
                        if (chunk[i] == '\n') {
                            add(line.toString(StandardCharsets.UTF_8));
                            line.reset();
                        } else {
                            line.write(chunk[i]);
                        }
                    }
                } else if (ended) {
                    if (line.size() > 0) {
                        add(line.toString(StandardCharsets.UTF_8));
                    }
                    return;
                } else {
                    Thread.sleep(OUTPUT_POLL.toMillis());
                }
            }
        } catch (IOException e) {
            add("(output unreadable: " + e.getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                Files.deleteIfExists(log);
            } catch (IOException e) {
                add("(output file not removed: " + e.getMessage() + ")");
            }
        }
    }

    private synchronized void add(String line) {
        lines.add(line);
        notifyAll();
    }

    /** Waits for the line saying that {@code socket} is ready; fails with the output so far if it never comes. */
    public void awaitListening(Path socket) {
        awaitListening(socket, START_TIMEOUT);
    }

    /** As {@link #awaitListening(Path)}, waiting at most {@code timeout}. */
    public void awaitListening(Path socket, Duration timeout) {
        String expected = LISTENING + socket;
        awaitReady(line -> line.endsWith(expected), expected, timeout);
    }

    /**
     * Waits for the line saying something is ready; fails with the output so far if it never comes,
     * and stops the process then: a test that fails here never gets a server to close, and a server
     * left running would slow every later test down.
     */
    private void awaitReady(Predicate<String> ready, String expected, Duration timeout) {
        if (!awaitLine(ready, timeout)) {
            boolean alive = process.isAlive();
            close();
            throw new AssertionError(name + " did not print '" + expected + "' within " + timeout
                    + (alive ? "" : " (exited with " + process.exitValue() + ")") + "; output:\n"
                    + String.join("\n", output()));
        }
    }

    /** Waits until a line of output matches (or the process has ended and none did). */
    public boolean awaitLine(Predicate<String> matching, Duration timeout) {
        return awaitLine(0, matching, timeout);
    }

    /**
     * Waits until a line printed after the first {@code skipped} lines matches (or the process has
     * ended and none did): for something the server prints again and again.
     */
    public boolean awaitLine(int skipped, Predicate<String> matching, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int checked = skipped;
        synchronized (this) {
            while (true) {
                for (; checked < lines.size(); checked++) {
                    if (matching.test(lines.get(checked))) {
                        return true;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || !reader.isAlive()) {
                    return false;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
    }

    /** Every line printed so far. */
    public synchronized List<String> output() {
        return List.copyOf(lines);
    }

    /** The started process (for a script: the shell running it). */
    public ProcessHandle handle() {
        return process.toHandle();
    }

    /**
     * Sends SIGTERM and waits for the process to end.
     *
     * @return its exit code
     * @throws AssertionError if it does not end within {@link #STOP_TIMEOUT}
     */
    public int terminate() {
        process.destroy(); // SIGTERM on Linux
        return awaitExit(STOP_TIMEOUT);
    }

    /**
     * Sends SIGKILL, as a crash or the OOM killer ends a process (no shutdown hook runs), and
     * waits for the process to end.
     *
     * @return its exit code (137)
     */
    public int kill() {
        process.destroyForcibly(); // SIGKILL on Linux
        return awaitExit(STOP_TIMEOUT);
    }

    /**
     * Waits for the process to end by itself, and for the last of its output.
     *
     * @return its exit code
     * @throws AssertionError if it does not end within {@code timeout}
     */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(name + " did not end within " + timeout + "; output:\n"
                        + String.join("\n", output()));
            }
            reader.join(OUTPUT_DRAIN.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting for " + name, e);
        }
        return process.exitValue();
    }

    /** Kills the process if it is still running (a test that failed before stopping it). */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }
}
