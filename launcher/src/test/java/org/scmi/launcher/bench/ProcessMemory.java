package org.scmi.launcher.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A process's memory as Linux accounts it in {@code /proc/PID/status}: resident set now (VmRSS),
 * its peak (VmHWM), what the resident set is made of (anonymous memory; mapped files such as the
 * JVM's libraries and the JARs; shared memory, which for the server is the guests' RAM it touched
 * through its mappings), and the process's thread count.
 *
 * @param residentKiB VmRSS
 * @param peakResidentKiB VmHWM
 * @param anonymousKiB RssAnon
 * @param fileKiB RssFile
 * @param sharedKiB RssShmem
 * @param threads Threads
 */
record ProcessMemory(long residentKiB, long peakResidentKiB, long anonymousKiB, long fileKiB, long sharedKiB,
        long threads) {
    private static final double KIB_PER_MIB = 1024.0;

    static ProcessMemory of(long pid) {
        try {
            long[] fields = {-1, -1, -1, -1, -1, -1};
            String[] names = {"VmRSS:", "VmHWM:", "RssAnon:", "RssFile:", "RssShmem:", "Threads:"};
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                for (int i = 0; i < names.length; i++) {
                    if (line.startsWith(names[i])) {
                        fields[i] = value(line);
                    }
                }
            }
            for (int i = 0; i < names.length; i++) {
                if (fields[i] < 0) {
                    throw new IllegalStateException("/proc/" + pid + "/status has no " + names[i]);
                }
            }
            return new ProcessMemory(fields[0], fields[1], fields[2], fields[3], fields[4], fields[5]);
        } catch (IOException e) {
            throw new UncheckedIOException("memory of process " + pid, e);
        }
    }

    /** "VmRSS:    12345 kB" → 12345; "Threads:  21" → 21. */
    private static long value(String line) {
        String[] fields = line.trim().split("\\s+");
        return Long.parseLong(fields[1]);
    }

    double residentMiB() {
        return residentKiB / KIB_PER_MIB;
    }

    double peakResidentMiB() {
        return peakResidentKiB / KIB_PER_MIB;
    }

    /** The resident set without the guests' shared RAM: what the server's own memory costs. */
    long ownKiB() {
        return anonymousKiB + fileKiB;
    }
}
