package org.scmi.launcher.bench;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Pins processes to CPUs with {@code taskset}: the guest (this JVM, whose thread drives the
 * rings) on CPU 0, the back-ends on the others. Without it the scheduler often wakes the back-end
 * thread that takes a kick on the CPU of the guest that kicked it, where a busy-polling guest then
 * shares one CPU with it while another idles; the figures would measure that, not the server.
 */
final class CpuPinning {
    static final String GUEST_CPUS = "0";

    private CpuPinning() {
    }

    /** Whether a machine of {@code cpus} CPUs has CPUs for both sides. */
    static boolean possible(int cpus) {
        return cpus >= 2;
    }

    /** CPUs for the back-ends: every CPU but the guest's. */
    static String backendCpus(int cpus) {
        return cpus == 2 ? "1" : "1-" + (cpus - 1);
    }

    /** Pins every thread of process {@code pid} (and the threads it starts later) to {@code cpus}. */
    static void pin(long pid, String cpus) throws IOException, InterruptedException {
        Process taskset = new ProcessBuilder(List.of("taskset", "--all-tasks", "--cpu-list", "--pid", cpus,
                Long.toString(pid))).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!taskset.waitFor(10, TimeUnit.SECONDS) || taskset.exitValue() != 0) {
            throw new IOException("taskset could not pin process " + pid + " to CPUs " + cpus);
        }
    }
}
