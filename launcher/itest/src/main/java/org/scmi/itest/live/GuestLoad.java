package org.scmi.itest.live;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import org.scmi.api.ScmiStatus;

/**
 * Guests sending continuously, one thread each, as Linux does while it reads its sensors and
 * clocks: a sensor read, a clock rate get, a power state get, a system power state get, a reset
 * domain's attributes, a supply's level, a pin's drive strength, a performance level get, a power
 * cap get and a BASE_DISCOVER_AGENT of itself per round. The first guest also switches a clock
 * rate, a power domain, a supply's level, a performance level and a power cap every few rounds, and
 * keeps an asynchronous reset of a domain under way (a new one as soon as the last completed), so
 * that every guest subscribed to them receives notifications, the first guest delayed responses,
 * and a swap of the reset protocol finds a reset in progress. Every answer is checked: what failed
 * (any status but SUCCESS, a wrong agent id, an answer lost or doubled) is recorded, and the
 * asynchronous resets accepted are counted, for the delayed responses that must follow. The
 * timelines (when each request was served, how long it took) hold the reads and gets only: the
 * switches are there to raise notifications, and take as long as the simulated hardware does.
 */
final class GuestLoad {
    static final int SOC_TEMP = 0;
    static final int CPU_CLOCK = 2;
    static final int GPU_DOMAIN = 0;
    static final int DSP_DOMAIN = 2;
    /** GPIO_12 of the built-in board, read by every guest. */
    static final int READ_PIN = 12;
    static final int CPU_LOW = 600_000_000;
    static final int CPU_HIGH = 800_000_000;
    /** The default board's gpu_rst: reset asynchronously in 50 ms. */
    static final int GPU_RESET = 1;
    /** The default board's vdd_cpu and two of its levels. */
    static final int CPU_SUPPLY = 0;
    static final int CPU_SUPPLY_LOW = 800_000;
    static final int CPU_SUPPLY_HIGH = 1_000_000;
    static final int BIG_CLUSTER = 1;
    static final int BIG_LOW = 1_000_000;
    static final int BIG_HIGH = 1_800_000;
    static final int SOC_ZONE = 0;
    /** Caps below and at the built-in board's own 6 W: each switch changes the cap in effect. */
    static final int SOC_LOW_CAP = 5_000_000;
    static final int SOC_HIGH_CAP = 6_000_000;
    private static final int SWITCH_EVERY = 20;
    private static final long PAUSE_NANOS = 200_000;

    /** Requests one guest thread served: when each ended and how long it took. */
    private static final class Timeline {
        long[] ends = new long[4096];
        long[] durations = new long[4096];
        int size;

        void add(long end, long duration) {
            if (size == ends.length) {
                ends = Arrays.copyOf(ends, size * 2);
                durations = Arrays.copyOf(durations, size * 2);
            }
            ends[size] = end;
            durations[size++] = duration;
        }
    }

    /** What the guests saw between two instants: requests answered, the longest of them, the 99th percentile. */
    record Window(long requests, long longestNanos, long p99Nanos) {
    }

    private final List<LiveGuest> guests;
    private final List<Integer> agentIds;
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private final List<Timeline> timelines = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final Map<String, Long> asynchronousResets = new ConcurrentHashMap<>();
    private volatile boolean running;

    /** @param agentIds each guest's agent id, which BASE_DISCOVER_AGENT must keep reporting */
    GuestLoad(List<LiveGuest> guests, List<Integer> agentIds) {
        this.guests = guests;
        this.agentIds = agentIds;
    }

    void start() {
        running = true;
        for (int i = 0; i < guests.size(); i++) {
            Timeline timeline = new Timeline();
            timelines.add(timeline);
            int index = i;
            Thread thread = Thread.ofPlatform().name("load " + guests.get(i).name())
                    .start(() -> run(guests.get(index), agentIds.get(index), index == 0, timeline));
            threads.add(thread);
        }
    }

    /** Stops the guests after their current command. */
    void stop() throws InterruptedException {
        running = false;
        for (Thread thread : threads) {
            thread.join();
        }
    }

    List<String> failures() {
        return failures;
    }

    /** How many asynchronous resets the guest had accepted, each owing it a RESET_COMPLETE. */
    long asynchronousResets(LiveGuest guest) {
        return asynchronousResets.getOrDefault(guest.name(), 0L);
    }

    long requests() {
        return timelines.stream().mapToLong(t -> t.size).sum();
    }

    /** The requests in progress at some time from {@code fromNanos} to {@code toNanos}. */
    Window between(long fromNanos, long toNanos) {
        long[] durations = new long[(int) requests()];
        int count = 0;
        for (Timeline timeline : timelines) {
            for (int i = 0; i < timeline.size; i++) {
                if (timeline.ends[i] >= fromNanos && timeline.ends[i] - timeline.durations[i] <= toNanos) {
                    durations[count++] = timeline.durations[i];
                }
            }
        }
        Arrays.sort(durations, 0, count);
        return count == 0 ? new Window(0, 0, 0)
                : new Window(count, durations[count - 1], durations[(int) Math.ceil(count * 0.99) - 1]);
    }

    private void run(LiveGuest guest, int agentId, boolean switcher, Timeline timeline) {
        long completedBefore = guest.events(Scmi.RESET_COMPLETE);
        try {
            for (int round = 0; running; round++) {
                expect(guest, timeline, Scmi.SENSOR, Scmi.SENSOR_READING_GET, SOC_TEMP, 0);
                expect(guest, timeline, Scmi.CLOCK, Scmi.CLOCK_RATE_GET, CPU_CLOCK);
                expect(guest, timeline, Scmi.POWER, Scmi.POWER_STATE_GET, GPU_DOMAIN);
                expect(guest, timeline, Scmi.SYSTEM, Scmi.SYSTEM_POWER_STATE_GET);
                expect(guest, timeline, Scmi.RESET, Scmi.RESET_DOMAIN_ATTRIBUTES, GPU_RESET);
                expect(guest, timeline, Scmi.VOLTAGE, Scmi.VOLTAGE_LEVEL_GET, CPU_SUPPLY);
                expect(guest, timeline, Scmi.PERF, Scmi.PERF_LEVEL_GET, BIG_CLUSTER);
                expect(guest, timeline, Scmi.POWERCAP, Scmi.POWERCAP_CAP_GET, SOC_ZONE);
                expect(guest, timeline, Scmi.PINCTRL, Scmi.PINCTRL_SETTINGS_GET, READ_PIN, Scmi.DRIVE_STRENGTH);
                LiveGuest.Answer self = expect(guest, timeline, Scmi.BASE, Scmi.BASE_DISCOVER_AGENT, Scmi.CALLER);
                if (self.succeeded() && self.word(0) != agentId) {
                    failures.add(guest.name() + ": agent id " + self.word(0) + " instead of " + agentId);
                }
                if (switcher && round % SWITCH_EVERY == 0) {
                    boolean high = round / SWITCH_EVERY % 2 == 0;
                    expect(guest, null, Scmi.CLOCK, Scmi.CLOCK_RATE_SET, 0, CPU_CLOCK, high ? CPU_HIGH : CPU_LOW, 0);
                    expect(guest, null, Scmi.POWER, Scmi.POWER_STATE_SET, 0, DSP_DOMAIN,
                            high ? Scmi.POWER_ON : Scmi.POWER_OFF);
                    expect(guest, null, Scmi.VOLTAGE, Scmi.VOLTAGE_LEVEL_SET, CPU_SUPPLY, 0,
                            high ? CPU_SUPPLY_HIGH : CPU_SUPPLY_LOW);
                    expect(guest, null, Scmi.PERF, Scmi.PERF_LEVEL_SET, BIG_CLUSTER, high ? BIG_HIGH : BIG_LOW);
                    expect(guest, null, Scmi.POWERCAP, Scmi.POWERCAP_CAP_SET, SOC_ZONE, 0,
                            high ? SOC_HIGH_CAP : SOC_LOW_CAP);
                }
                boolean resetCompleted = guest.events(Scmi.RESET_COMPLETE) - completedBefore
                        >= asynchronousResets(guest);
                if (switcher && resetCompleted && expect(guest, null, Scmi.RESET, Scmi.RESET_COMMAND, GPU_RESET,
                        Scmi.RESET_AUTONOMOUS | Scmi.RESET_ASYNC, Scmi.COLD_RESET).succeeded()) {
                    asynchronousResets.merge(guest.name(), 1L, Long::sum);
                }
                LockSupport.parkNanos(PAUSE_NANOS);
            }
        } catch (LiveGuest.WrongAnswer e) {
            failures.add(e.getMessage() + (e.getCause() == null ? "" : ": " + e.getCause()));
        } catch (RuntimeException e) {
            failures.add(guest.name() + ": " + e);
        }
    }

    /** Sends a command and checks its answer; records it on {@code timeline} unless that is null. */
    private LiveGuest.Answer expect(LiveGuest guest, Timeline timeline, int protocolId, int messageId,
            int... parameters) throws LiveGuest.WrongAnswer {
        LiveGuest.Answer answer = guest.call(protocolId, messageId, parameters);
        if (timeline != null) {
            timeline.add(System.nanoTime(), answer.nanos());
        }
        if (!answer.succeeded()) {
            failures.add(String.format("%s: protocol 0x%02x message 0x%x answered %s", guest.name(), protocolId,
                    messageId, ScmiStatus.of(answer.status())));
        }
        return answer;
    }
}
