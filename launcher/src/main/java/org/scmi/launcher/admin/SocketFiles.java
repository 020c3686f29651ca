package org.scmi.launcher.admin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/** What the shell can tell about a Unix socket file without connecting to it. */
final class SocketFiles {
    private static final long POLL_MILLIS = 50;

    private SocketFiles() {
    }

    /** The file's identity (device and inode), or {@code null} if there is no such file. */
    static Object identity(Path path) {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    /** Waits until a file other than {@code previous} (an {@link #identity}) is at {@code path}. */
    static boolean awaitNew(Path path, Object previous, Duration timeout) {
        return await(() -> {
            Object now = identity(path);
            return now != null && !Objects.equals(now, previous);
        }, timeout);
    }

    /** Waits until nothing is at {@code path}. */
    static boolean awaitGone(Path path, Duration timeout) {
        return await(() -> identity(path) == null, timeout);
    }

    private static boolean await(BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }
}
