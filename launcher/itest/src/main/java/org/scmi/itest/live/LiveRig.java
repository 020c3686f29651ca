package org.scmi.itest.live;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;
import org.scmi.api.state.AgentStateStore;
import org.scmi.core.admin.GuestSessions;

/**
 * Guests connected over vhost-user with what a Linux guest sets up: continuous updates of a
 * sensor at 100 ms, rate notifications of a clock, state notifications of a power domain, reset
 * notifications of a reset domain, the platform's system power requests, level notifications of a
 * performance domain, cap notifications of a powercap zone, Base error notifications, and settings
 * of their own (a sensor's update interval, a vote for a power domain's state, a vote to run or
 * stop a clock, a hold on a reset line, votes for a supply's state and level, a pin held for itself
 * with a drive strength of its own, limits of their own on a performance domain).
 * {@link #swapUnderLoad} swaps a bundle while they all send, and reports what they saw.
 */
final class LiveRig implements AutoCloseable {
    static final int PLL_CLOCK = 1;
    static final int VPU_DOMAIN = 1;
    static final int LITTLE_CLUSTER = 0;
    /** The highest level each guest allows itself on the little cluster: a setting of its own. */
    static final List<Integer> LITTLE_MAX_LIMITS = List.of(1_200_000, 1_000_000, 800_000);
    /** Guest i holds GPIO_(8 + i) of the built-in board, with a drive strength of its own. */
    static final int FIRST_HELD_PIN = 8;
    /** SENSOR_CONFIG_SET: enabled, interval 1 × 10^-1 s, the platform rounds to the nearest. */
    static final int SENSOR_EVERY_100_MS = 1 << 16 | 0x1F << 11 | 1 << 10 | 1;
    /** The default board's dsp_subsystem_reset, which the second guest holds asserted. */
    static final int DSP_RESET = 2;
    /** The default board's vdd_io, a range from 1.8 V in 100 mV steps, off at start. */
    static final int IO_SUPPLY = 1;
    static final int IO_SUPPLY_LOW = 1_800_000;
    static final int IO_SUPPLY_STEP = 100_000;
    static final List<Integer> NOTIFICATIONS = List.of(Scmi.SENSOR_UPDATE, Scmi.CLOCK_RATE_CHANGED,
            Scmi.POWER_STATE_CHANGED, Scmi.RESET_ISSUED, Scmi.SYSTEM_POWER_STATE_NOTIFIER, Scmi.PERF_LEVEL_CHANGED,
            Scmi.POWERCAP_CAP_CHANGED);
    /** What the administrator types to ask every guest to reboot: each subscriber is told. */
    static final String REBOOT_REQUEST = "scmi:systemPower reboot forceful all";
    private static final String BASE_ERROR_SUBSCRIPTION = "notify/errors";
    /** Keys of what agents set up that no command reads back, as the protocols keep them. */
    private static final String SYSTEM_SUBSCRIPTION = "notify/system";
    private static final String GPU_RESET_SUBSCRIPTION = "notify/reset/sim/gpu";
    private static final String DSP_RESET_HOLD = "assert/sim/dsp";
    private static final String IO_LEVEL_VOTE = "level/sim/io";
    private static final String ASSERTED_LINE = "sim/asserted/dsp";
    private static final long WARM_UP_MS = 200;
    private static final long NOTIFICATION_WAIT_MS = 5_000;

    /**
     * What one swap under load did.
     *
     * @param failures every failed, lost, doubled or wrong answer, and everything else found wrong
     * @param requests requests the guests sent during the whole run
     * @param swapNanos from the start of the operation until the bundle's services were back
     * @param duringSwap requests served while the operation ran, and the longest of them
     */
    record SwapResult(List<String> failures, long requests, long swapNanos, GuestLoad.Window duringSwap) {
    }

    private final BundleContext context;
    private final AgentStateStore store;
    private final GuestSessions sessions;
    private final Path dir;
    private final List<LiveGuest> guests = new ArrayList<>();
    private final List<Integer> agentIds = new ArrayList<>();

    private LiveRig(BundleContext context, AgentStateStore store, GuestSessions sessions, Path dir) {
        this.context = context;
        this.store = store;
        this.sessions = sessions;
        this.dir = dir;
    }

    static LiveRig connect(BundleContext context, ConfigurationAdmin admin, AgentStateStore store,
            GuestSessions sessions, String prefix, int count) throws Exception {
        LiveRig rig = new LiveRig(context, store, sessions, Files.createTempDirectory("scmi-" + prefix));
        try {
            for (int i = 0; i < count; i++) {
                LiveGuest guest = LiveGuest.connect(admin, rig.dir, prefix + i);
                rig.guests.add(guest);
                rig.agentIds.add(guest.expect(Scmi.BASE, Scmi.BASE_DISCOVER_AGENT, Scmi.CALLER).word(0));
            }
            for (int i = 0; i < count; i++) {
                rig.setUp(rig.guests.get(i), i);
            }
            return rig;
        } catch (Exception | AssertionError e) {
            rig.close();
            throw e;
        }
    }

    List<LiveGuest> guests() {
        return guests;
    }

    List<Integer> agentIds() {
        return agentIds;
    }

    private void setUp(LiveGuest guest, int index) throws LiveGuest.WrongAnswer {
        guest.expect(Scmi.SENSOR, Scmi.SENSOR_CONFIG_SET, GuestLoad.SOC_TEMP, SENSOR_EVERY_100_MS);
        guest.expect(Scmi.SENSOR, Scmi.SENSOR_CONTINUOUS_UPDATE_NOTIFY, GuestLoad.SOC_TEMP, Scmi.NOTIFY_ON);
        guest.expect(Scmi.CLOCK, Scmi.CLOCK_RATE_NOTIFY, GuestLoad.CPU_CLOCK, Scmi.NOTIFY_ON);
        guest.expect(Scmi.POWER, Scmi.POWER_STATE_NOTIFY, GuestLoad.DSP_DOMAIN, Scmi.NOTIFY_ON);
        guest.expect(Scmi.BASE, Scmi.BASE_NOTIFY_ERRORS, Scmi.NOTIFY_ON);
        guest.expect(Scmi.POWER, Scmi.POWER_STATE_SET, 0, VPU_DOMAIN, index == 1 ? Scmi.POWER_ON : Scmi.POWER_OFF);
        guest.expect(Scmi.CLOCK, Scmi.CLOCK_CONFIG_SET, PLL_CLOCK, index == 2 ? 0 : 1, 0);
        guest.expect(Scmi.PERF, Scmi.PERF_NOTIFY_LEVEL, GuestLoad.BIG_CLUSTER, Scmi.NOTIFY_ON);
        guest.expect(Scmi.POWERCAP, Scmi.POWERCAP_CAP_NOTIFY, GuestLoad.SOC_ZONE, Scmi.NOTIFY_ON);
        guest.expect(Scmi.PERF, Scmi.PERF_LIMITS_SET, LITTLE_CLUSTER, LITTLE_MAX_LIMITS.get(index), 0);
        guest.expect(Scmi.PINCTRL, Scmi.PINCTRL_REQUEST, FIRST_HELD_PIN + index, Scmi.PIN);
        guest.expect(Scmi.PINCTRL, Scmi.PINCTRL_SETTINGS_CONFIGURE, FIRST_HELD_PIN + index, Scmi.NO_FUNCTION,
                Scmi.PIN | 1 << 2, Scmi.DRIVE_STRENGTH, 6 + 2 * index);
        guest.expect(Scmi.SYSTEM, Scmi.SYSTEM_POWER_STATE_NOTIFY, Scmi.NOTIFY_ON);
        guest.expect(Scmi.RESET, Scmi.RESET_NOTIFY, GuestLoad.GPU_RESET, Scmi.NOTIFY_ON);
        if (index == 1) {
            guest.expect(Scmi.RESET, Scmi.RESET_COMMAND, DSP_RESET, Scmi.RESET_ASSERT, Scmi.COLD_RESET);
        }
        guest.expect(Scmi.VOLTAGE, Scmi.VOLTAGE_CONFIG_SET, IO_SUPPLY, index == 1 ? Scmi.VOLTAGE_OFF : Scmi.VOLTAGE_ON);
        guest.expect(Scmi.VOLTAGE, Scmi.VOLTAGE_LEVEL_SET, IO_SUPPLY, 0, ioLevel(index));
    }

    /** The level of vdd_io the guest with this index votes for. */
    private static int ioLevel(int index) {
        return IO_SUPPLY_LOW + index * IO_SUPPLY_STEP;
    }

    /**
     * What each guest reads back of its own settings, as hex of the return values, and the status of
     * its request for the next guest's pin (IN_USE while the next guest holds it).
     */
    Map<String, List<String>> settings() throws LiveGuest.WrongAnswer {
        Map<String, List<String>> settings = new LinkedHashMap<>();
        HexFormat hex = HexFormat.of();
        for (int i = 0; i < guests.size(); i++) {
            LiveGuest guest = guests.get(i);
            int heldPin = FIRST_HELD_PIN + i;
            int nextPin = FIRST_HELD_PIN + (i + 1) % guests.size();
            settings.put(guest.name(), List.of(
                    "sensor config " + hex.formatHex(guest.expect(Scmi.SENSOR, Scmi.SENSOR_CONFIG_GET,
                            GuestLoad.SOC_TEMP).values()),
                    "vpu state " + hex.formatHex(guest.expect(Scmi.POWER, Scmi.POWER_STATE_GET, VPU_DOMAIN).values()),
                    "pll config " + hex.formatHex(guest.expect(Scmi.CLOCK, Scmi.CLOCK_CONFIG_GET, PLL_CLOCK, 0)
                            .values()),
                    "io config " + hex.formatHex(guest.expect(Scmi.VOLTAGE, Scmi.VOLTAGE_CONFIG_GET, IO_SUPPLY)
                            .values()),
                    "io level " + hex.formatHex(guest.expect(Scmi.VOLTAGE, Scmi.VOLTAGE_LEVEL_GET, IO_SUPPLY)
                            .values()),
                    "held pin " + hex.formatHex(guest.expect(Scmi.PINCTRL, Scmi.PINCTRL_SETTINGS_GET, heldPin,
                            Scmi.DRIVE_STRENGTH).values()),
                    "next pin request " + guest.call(Scmi.PINCTRL, Scmi.PINCTRL_REQUEST, nextPin, Scmi.PIN).status(),
                    "little limits " + hex.formatHex(guest.expect(Scmi.PERF, Scmi.PERF_LIMITS_GET, LITTLE_CLUSTER)
                            .values())));
        }
        return settings;
    }

    /**
     * Runs the guests' load, performs {@code operation} on the bundle, asks the guests to reboot
     * from the shell, waits until every guest received each notification again after the swap and
     * a RESET_COMPLETE for each asynchronous reset it started, and checks what must have survived.
     */
    SwapResult swapUnderLoad(String symbolicName, Swaps.Operation operation) throws Exception {
        Map<String, List<String>> settingsBefore = settings();
        Bundle bundle = Swaps.bundle(context, symbolicName);
        GuestLoad load = new GuestLoad(guests, agentIds);
        List<String> failures = new ArrayList<>();
        Map<LiveGuest, Long> resetsCompleted = resetsCompleted();
        long swapStart;
        long swapEnd;
        load.start();
        try {
            Thread.sleep(WARM_UP_MS);
            swapStart = System.nanoTime();
            Swaps.perform(context, bundle, operation);
            swapEnd = System.nanoTime();
            failures.addAll(askGuestsToReboot());
            failures.addAll(awaitNotificationsAfter(swapEnd));
        } finally {
            load.stop();
        }
        failures.addAll(load.failures());
        failures.addAll(awaitDelayedResponses(load, resetsCompleted));
        Map<String, List<String>> settingsAfter = settings();
        if (!settingsAfter.equals(settingsBefore)) {
            failures.add("settings changed: " + settingsBefore + " became " + settingsAfter);
        }
        failures.addAll(lostState());
        sessions.sessions().stream().filter(session -> agentIds.contains(session.agentId()))
                .filter(session -> !session.connected())
                .forEach(session -> failures.add("guest " + session.name() + " was disconnected"));
        return new SwapResult(failures, load.requests(), swapEnd - swapStart, load.between(swapStart, swapEnd));
    }

    /** What agents set up that no command reads back, checked where the protocols keep it. */
    private List<String> lostState() {
        List<String> lost = new ArrayList<>();
        for (int i = 0; i < agentIds.size(); i++) {
            int agentId = agentIds.get(i);
            expectKept(lost, agentId, Scmi.BASE, BASE_ERROR_SUBSCRIPTION, "1", "its Base error subscription");
            expectKept(lost, agentId, Scmi.SYSTEM, SYSTEM_SUBSCRIPTION, "1", "its system power subscription");
            expectKept(lost, agentId, Scmi.RESET, GPU_RESET_SUBSCRIPTION, "1", "its gpu_rst subscription");
            expectKept(lost, agentId, Scmi.VOLTAGE, IO_LEVEL_VOTE, Integer.toString(ioLevel(i)), "its vdd_io level vote");
            if (i == 1) {
                expectKept(lost, agentId, Scmi.RESET, DSP_RESET_HOLD, "1", "its hold on dsp_subsystem_reset");
                expectKept(lost, 0, Scmi.RESET, ASSERTED_LINE, "true", "dsp_subsystem_reset held asserted");
            }
        }
        return lost;
    }

    private void expectKept(List<String> lost, int agentId, int protocolId, String key, String value, String what) {
        String kept = store.get(agentId, protocolId, key);
        if (!value.equals(kept)) {
            lost.add((agentId == 0 ? "the board" : "agent " + agentId) + " lost " + what + " (" + key + " is " + kept
                    + ")");
        }
    }

    /**
     * The administrator asks every guest to reboot, from the Gogo shell: the system power protocol
     * tells each subscribed guest. Returns what went wrong.
     */
    private List<String> askGuestsToReboot() throws Exception {
        ServiceReference<CommandProcessor> reference = context.getServiceReference(CommandProcessor.class);
        if (reference == null) {
            return List.of("no Gogo command processor to type '" + REBOOT_REQUEST + "' into");
        }
        CommandProcessor shell = context.getService(reference);
        CommandSession session = shell.createSession(InputStream.nullInputStream(), OutputStream.nullOutputStream(),
                OutputStream.nullOutputStream());
        try {
            String answer = String.valueOf(session.execute(REBOOT_REQUEST));
            List<String> wrong = new ArrayList<>();
            for (int i = 0; i < guests.size(); i++) {
                String told = guests.get(i).name() + " (agent " + agentIds.get(i) + ") notified";
                if (!answer.contains(told)) {
                    wrong.add("'" + REBOOT_REQUEST + "' answered '" + answer.strip() + "', not '" + told + "'");
                }
            }
            return wrong;
        } finally {
            session.close();
            context.ungetService(reference);
        }
    }

    /** How many RESET_COMPLETE each guest received so far: what a load's resets are counted from. */
    Map<LiveGuest, Long> resetsCompleted() {
        Map<LiveGuest, Long> completed = new LinkedHashMap<>();
        guests.forEach(guest -> completed.put(guest, guest.events(Scmi.RESET_COMPLETE)));
        return completed;
    }

    /**
     * Waits until each guest received a RESET_COMPLETE for every asynchronous reset it started, and
     * no more; returns the mismatches and every delayed response that did not report SUCCESS. A
     * load that ends leaves its last resets under way: the next load counts only its own once this
     * returned.
     */
    List<String> awaitDelayedResponses(GuestLoad load, Map<LiveGuest, Long> before) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(NOTIFICATION_WAIT_MS);
        List<String> wrong = new ArrayList<>();
        do {
            if (!wrong.isEmpty()) {
                Thread.sleep(20);
            }
            wrong.clear();
            for (LiveGuest guest : guests) {
                guest.takeEvents();
                long received = guest.events(Scmi.RESET_COMPLETE) - before.get(guest);
                long started = load.asynchronousResets(guest);
                if (received != started) {
                    wrong.add(String.format("%s started %d asynchronous resets and received %d RESET_COMPLETE",
                            guest.name(), started, received));
                }
            }
        } while (!wrong.isEmpty() && System.nanoTime() < deadline);
        for (LiveGuest guest : guests) {
            wrong.addAll(guest.failedDelayedResponses());
            guest.failedDelayedResponses().clear();
        }
        return wrong;
    }

    private List<String> awaitNotificationsAfter(long since) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(NOTIFICATION_WAIT_MS);
        while (true) {
            List<String> missing = new ArrayList<>();
            for (LiveGuest guest : guests) {
                for (int key : NOTIFICATIONS) {
                    if (guest.lastEvent(key) <= since) {
                        missing.add(guest.name() + " received no " + Scmi.describeEvent(key) + " after the swap");
                    }
                }
            }
            if (missing.isEmpty() || System.nanoTime() > deadline) {
                return missing;
            }
            Thread.sleep(20);
        }
    }

    /**
     * Each guest resets its configuration (BASE_RESET_AGENT_CONFIGURATION), as a guest that shuts
     * down cleanly would, so that its votes do not hold the hardware for later guests; then leaves.
     */
    @Override
    public void close() throws Exception {
        for (int i = 0; i < guests.size(); i++) {
            guests.get(i).expect(Scmi.BASE, Scmi.BASE_RESET_AGENT_CONFIGURATION, agentIds.get(i), 0);
        }
        for (LiveGuest guest : guests) {
            guest.close();
        }
        try (var files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
        }
        Files.deleteIfExists(dir);
    }
}
