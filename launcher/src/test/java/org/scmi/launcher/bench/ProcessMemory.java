package org.scmi.launcher.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A process's memory as Linux accounts it in {@code /proc/PID/status}: resident set now (VmRSS)
 * and its peak (VmHWM).
 *
 * @param residentKiB VmRSS
 * @param peakResidentKiB VmHWM
 */
record ProcessMemory(long residentKiB, long peakResidentKiB) {
    private static final double KIB_PER_MIB = 1024.0;

    static ProcessMemory of(long pid) {
        try {
            long resident = -1;
            long peak = -1;
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    resident = kib(line);
                } else if (line.startsWith("VmHWM:")) {
                    peak = kib(line);
                }
            }
            if (resident < 0 || peak < 0) {
                throw new IllegalStateException("/proc/" + pid + "/status has no VmRSS or VmHWM");
            }
            return new ProcessMemory(resident, peak);
        } catch (IOException e) {
            throw new UncheckedIOException("memory of process " + pid, e);
        }
    }

    /** "VmRSS:    12345 kB" → 12345. */
    private static long kib(String line) {
        String[] fields = line.trim().split("\\s+");
        return Long.parseLong(fields[1]);
    }

    double residentMiB() {
        return residentKiB / KIB_PER_MIB;
    }

    double peakResidentMiB() {
        return peakResidentKiB / KIB_PER_MIB;
    }
}
