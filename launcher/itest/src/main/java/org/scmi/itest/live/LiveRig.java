package org.scmi.itest.live;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.scmi.api.state.AgentStateStore;
import org.scmi.core.admin.GuestSessions;

/**
 * Guests connected over vhost-user with what a Linux guest sets up: continuous updates of a
 * sensor at 100 ms, rate notifications of a clock, state notifications of a power domain, Base
 * error notifications, and settings of their own (a sensor's update interval, a vote for a power
 * domain's state, a vote to run or stop a clock, a pin held for itself with a drive strength of its
 * own). {@link #swapUnderLoad} swaps a bundle while they all send, and reports what they saw.
 */
final class LiveRig implements AutoCloseable {
    static final int PLL_CLOCK = 1;
    static final int VPU_DOMAIN = 1;
    /** Guest i holds GPIO_(8 + i) of the built-in board, with a drive strength of its own. */
    static final int FIRST_HELD_PIN = 8;
    /** SENSOR_CONFIG_SET: enabled, interval 1 × 10^-1 s, the platform rounds to the nearest. */
    static final int SENSOR_EVERY_100_MS = 1 << 16 | 0x1F << 11 | 1 << 10 | 1;
    static final List<Integer> NOTIFICATIONS = List.of(Scmi.SENSOR_UPDATE, Scmi.CLOCK_RATE_CHANGED,
            Scmi.POWER_STATE_CHANGED);
    private static final String BASE_ERROR_SUBSCRIPTION = "notify/errors";
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
        guest.expect(Scmi.PINCTRL, Scmi.PINCTRL_REQUEST, FIRST_HELD_PIN + index, Scmi.PIN);
        guest.expect(Scmi.PINCTRL, Scmi.PINCTRL_SETTINGS_CONFIGURE, FIRST_HELD_PIN + index, Scmi.NO_FUNCTION,
                Scmi.PIN | 1 << 2, Scmi.DRIVE_STRENGTH, 6 + 2 * index);
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
                    "held pin " + hex.formatHex(guest.expect(Scmi.PINCTRL, Scmi.PINCTRL_SETTINGS_GET, heldPin,
                            Scmi.DRIVE_STRENGTH).values()),
                    "next pin request " + guest.call(Scmi.PINCTRL, Scmi.PINCTRL_REQUEST, nextPin, Scmi.PIN).status()));
        }
        return settings;
    }

    /**
     * Runs the guests' load, performs {@code operation} on the bundle, waits until every guest
     * received each notification again after it, and checks what must have survived.
     */
    SwapResult swapUnderLoad(String symbolicName, Swaps.Operation operation) throws Exception {
        Map<String, List<String>> settingsBefore = settings();
        Bundle bundle = Swaps.bundle(context, symbolicName);
        GuestLoad load = new GuestLoad(guests, agentIds);
        List<String> failures = new ArrayList<>();
        long swapStart;
        long swapEnd;
        load.start();
        try {
            Thread.sleep(WARM_UP_MS);
            swapStart = System.nanoTime();
            Swaps.perform(context, bundle, operation);
            swapEnd = System.nanoTime();
            failures.addAll(awaitNotificationsAfter(swapEnd));
        } finally {
            load.stop();
        }
        failures.addAll(load.failures());
        Map<String, List<String>> settingsAfter = settings();
        if (!settingsAfter.equals(settingsBefore)) {
            failures.add("settings changed: " + settingsBefore + " became " + settingsAfter);
        }
        for (int agentId : agentIds) {
            if (!"1".equals(store.get(agentId, Scmi.BASE, BASE_ERROR_SUBSCRIPTION))) {
                failures.add("agent " + agentId + " lost its Base error subscription");
            }
        }
        sessions.sessions().stream().filter(session -> agentIds.contains(session.agentId()))
                .filter(session -> !session.connected())
                .forEach(session -> failures.add("guest " + session.name() + " was disconnected"));
        return new SwapResult(failures, load.requests(), swapEnd - swapStart, load.between(swapStart, swapEnd));
    }

    private List<String> awaitNotificationsAfter(long since) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(NOTIFICATION_WAIT_MS);
        while (true) {
            List<String> missing = new ArrayList<>();
            for (LiveGuest guest : guests) {
                for (int key : NOTIFICATIONS) {
                    if (guest.lastEvent(key) <= since) {
                        missing.add(String.format("%s received no notification 0x%04x after the swap", guest.name(),
                                key));
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
