package org.scmi.launcher.bench;

import java.util.Arrays;
import java.util.List;

/**
 * What one run measured: round-trip latencies of the commands (submit to the driver seeing the
 * used entry), the rate, and the guest's interrupts and kicks per command.
 *
 * @param latenciesNanos the recorded latencies, sorted
 * @param commands commands completed during the run
 * @param seconds length of the run
 * @param interrupts call eventfd signals the driver received during the run
 * @param kicks kick eventfd signals the driver sent during the run
 */
record Measurement(long[] latenciesNanos, long commands, double seconds, long interrupts, long kicks) {

    static Measurement of(long[] latencies, int recorded, long commands, double seconds, long interrupts, long kicks) {
        long[] sorted = Arrays.copyOf(latencies, recorded);
        Arrays.sort(sorted);
        return new Measurement(sorted, commands, seconds, interrupts, kicks);
    }

    /** One measurement of several runs of the same thing, e.g. slices taken in turns with another back-end. */
    static Measurement combine(List<Measurement> runs) {
        long[] latencies = runs.stream().flatMapToLong(run -> Arrays.stream(run.latenciesNanos())).sorted().toArray();
        return new Measurement(latencies, runs.stream().mapToLong(Measurement::commands).sum(),
                runs.stream().mapToDouble(Measurement::seconds).sum(),
                runs.stream().mapToLong(Measurement::interrupts).sum(), runs.stream().mapToLong(Measurement::kicks).sum());
    }

    /** The latency below which {@code fraction} of the commands completed, in microseconds. */
    double percentileMicros(double fraction) {
        if (latenciesNanos.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.min(latenciesNanos.length - 1, Math.round(fraction * (latenciesNanos.length - 1)));
        return latenciesNanos[index] / 1_000.0;
    }

    double medianMicros() {
        return percentileMicros(0.50);
    }

    double commandsPerSecond() {
        return commands / seconds;
    }

    double interruptsPerCommand() {
        return commands == 0 ? Double.NaN : (double) interrupts / commands;
    }

    double kicksPerCommand() {
        return commands == 0 ? Double.NaN : (double) kicks / commands;
    }
}
