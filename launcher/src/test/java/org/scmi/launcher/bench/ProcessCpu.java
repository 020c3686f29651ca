package org.scmi.launcher.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU a process has used so far, how much of it its JIT compiler threads used, and how often its
 * threads were switched out: from {@code /proc/PID/stat} and each thread's
 * {@code /proc/PID/task/TID/stat} (user and system time, in the kernel's 100 Hz clock ticks) and
 * {@code status} (voluntary and involuntary context switches).
 *
 * @param cpuNanos user plus system time of every thread, ended ones included
 * @param compilerNanos user plus system time of the JIT compiler threads alive now
 * @param switchesByThread context switches of each thread alive now, by thread id
 */
record ProcessCpu(long cpuNanos, long compilerNanos, Map<Long, Long> switchesByThread) {
    /** USER_HZ: the unit of the times in /proc, 100 on every Linux architecture this runs on. */
    private static final long NANOS_PER_TICK = 10_000_000;
    /** Fields 14 and 15 of a stat file (utime, stime), counted after the command name's ')'. */
    private static final int UTIME_AFTER_NAME = 11;
    private static final int STIME_AFTER_NAME = 12;
    /** HotSpot's compiler threads: "C2 CompilerThread0", "C1 CompilerThread0". */
    private static final String COMPILER_THREAD = "CompilerThre";

    static final ProcessCpu NONE = new ProcessCpu(0, 0, Map.of());

    static ProcessCpu of(long pid) {
        Path proc = Path.of("/proc", Long.toString(pid));
        try {
            long cpu = ticks(Files.readString(proc.resolve("stat"))) * NANOS_PER_TICK;
            long compiler = 0;
            Map<Long, Long> switches = new HashMap<>();
            try (Stream<Path> tasks = Files.list(proc.resolve("task"))) {
                for (Path task : (Iterable<Path>) tasks::iterator) {
                    try {
                        String stat = Files.readString(task.resolve("stat"));
                        if (stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).contains(COMPILER_THREAD)) {
                            compiler += ticks(stat) * NANOS_PER_TICK;
                        }
                        switches.put(Long.parseLong(task.getFileName().toString()), switches(task.resolve("status")));
                    } catch (IOException e) {
                        // the thread ended while it was being read
                    }
                }
            }
            return new ProcessCpu(cpu, compiler, switches);
        } catch (IOException e) {
            throw new UncheckedIOException("CPU time of process " + pid, e);
        }
    }

    private static long ticks(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[UTIME_AFTER_NAME]) + Long.parseLong(fields[STIME_AFTER_NAME]);
    }

    private static long switches(Path status) throws IOException {
        long sum = 0;
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("voluntary_ctxt_switches:") || line.startsWith("nonvoluntary_ctxt_switches:")) {
                sum += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        return sum;
    }

    /**
     * What was used between {@code earlier} and this; context switches of threads that ended in
     * between are not counted, those of threads started in between are.
     */
    ProcessCpu since(ProcessCpu earlier) {
        Map<Long, Long> switches = new HashMap<>();
        switchesByThread.forEach((thread, count) -> switches.put(thread,
                count - earlier.switchesByThread.getOrDefault(thread, 0L)));
        return new ProcessCpu(cpuNanos - earlier.cpuNanos, compilerNanos - earlier.compilerNanos, switches);
    }

    /** The sum of two measurements of different periods. */
    ProcessCpu plus(ProcessCpu other) {
        Map<Long, Long> switches = new HashMap<>(switchesByThread);
        other.switchesByThread.forEach((thread, count) -> switches.merge(thread, count, Long::sum));
        return new ProcessCpu(cpuNanos + other.cpuNanos, compilerNanos + other.compilerNanos, switches);
    }

    long contextSwitches() {
        return switchesByThread.values().stream().mapToLong(Long::longValue).sum();
    }
}
