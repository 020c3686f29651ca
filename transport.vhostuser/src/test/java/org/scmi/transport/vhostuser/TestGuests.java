package org.scmi.transport.vhostuser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.annotation.Annotation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.scmi.api.testing.Eventually;

/** Test helpers: a configured guest socket, and the process's fds and mappings to check leaks. */
final class TestGuests {
    private static final Duration GUEST_WAIT = Duration.ofSeconds(5);

    private TestGuests() {
    }

    static GuestConfiguration config(Path socket, String agentName) {
        return new GuestConfiguration() {
            @Override
            public String socketPath() {
                return socket.toString();
            }

            @Override
            public String agentName() {
                return agentName;
            }

            @Override
            public Class<? extends Annotation> annotationType() {
                return GuestConfiguration.class;
            }
        };
    }

    /** Open fds of this process. */
    static long openFds() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Mappings of this process whose file is the memfd {@code name}. */
    static long mappingsOf(String name) {
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/maps"))) {
            return lines.filter(line -> line.contains("/memfd:" + name + " ")).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits up to 5 s for {@code condition}. */
    static boolean eventually(BooleanSupplier condition) throws InterruptedException {
        return Eventually.within(GUEST_WAIT, condition);
    }
}
