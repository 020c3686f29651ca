package org.scmi.itest.live;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.FrameworkUtil;
import org.osgi.service.cm.Configuration;
import org.osgi.util.tracker.ServiceTracker;
import org.scmi.api.ScmiProtocol;
import org.scmi.api.ScmiStatus;
import org.scmi.itest.live.fixture.failing.VendorProtocol;
import org.scmi.virtio.device.VirtioDevice;

/**
 * A protocol bundle updated to a genuinely different bundle while guests use it: a new version
 * with a new message is what guests see right after the update, a downgrade too; a version that
 * throws on every request or that cannot even start takes only its own protocol down, and the
 * previous version can be put back live. The versions are classes of this test bundle packed into
 * bundles of their own ({@link FixtureBundles}), a vendor protocol (0x90) standing for any protocol
 * bundle: the dispatcher treats every protocol service alike.
 */
class ProtocolUpgradeTest extends LiveRigTest {
    private static final int VENDOR = org.scmi.itest.live.fixture.v1.VendorProtocol.PROTOCOL_ID;
    private static final int GREETING = org.scmi.itest.live.fixture.v1.VendorProtocol.GREETING_MESSAGE;
    private static final int INCREMENT = org.scmi.itest.live.fixture.v2.VendorProtocol.INCREMENT_MESSAGE;
    private static final String DEVICE_PID = "org.scmi.core";
    private static final String GRACE_PROPERTY = "absent.protocol.grace.ms";
    private static final int SHORT_GRACE_MS = 300;
    private static final long LOAD_MS = 300;

    private static Bundle vendor;
    private static byte[] version10;
    private static byte[] version11;

    @BeforeAll
    static void installVersion10() throws Exception {
        version10 = FixtureBundles.protocolBundle(org.scmi.itest.live.fixture.v1.VendorProtocol.class, "1.0.0",
                VENDOR);
        version11 = FixtureBundles.protocolBundle(org.scmi.itest.live.fixture.v2.VendorProtocol.class, "1.1.0",
                VENDOR);
        connectRig("upgrade", 2);
        vendor = context.installBundle("scmi-itest:" + FixtureBundles.SYMBOLIC_NAME,
                new ByteArrayInputStream(version10));
        vendor.start();
        awaitVendorProtocol();
    }

    @AfterAll
    static void uninstall() throws Exception {
        if (vendor != null) {
            vendor.uninstall();
        }
    }

    /** Every test starts from version 1.0, active. */
    @BeforeEach
    void version10IsServing() throws Exception {
        if (vendor.getState() != Bundle.ACTIVE || !"1.0.0".equals(vendor.getVersion().toString())) {
            vendor.update(new ByteArrayInputStream(version10));
            vendor.start();
            awaitVendorProtocol();
        }
    }

    @Test
    void anUpgradeIsVisibleRightAfterTheUpdateAndADowngradeToo() throws Exception {
        LiveGuest guest = rig.guests().getFirst();
        assertEquals(0x1_0000, guest.expect(VENDOR, Scmi.PROTOCOL_VERSION).word(0));
        assertEquals(ScmiStatus.NOT_FOUND.code(), guest.call(VENDOR, Scmi.PROTOCOL_MESSAGE_ATTRIBUTES, INCREMENT)
                .status());

        List<String> failures = whileGreeted(rig.guests().get(1), () -> {
            Swaps.update(vendor, version11);
            awaitVendorProtocol();
        });
        assertEquals(List.of(), failures, "no greeting failed during the upgrade");
        assertEquals(0x1_0001, guest.expect(VENDOR, Scmi.PROTOCOL_VERSION).word(0), "the new version at once");
        assertArrayEquals(new byte[4], guest.expect(VENDOR, Scmi.PROTOCOL_MESSAGE_ATTRIBUTES, INCREMENT).values());
        assertEquals(42, guest.expect(VENDOR, INCREMENT, 41).word(0), "the new message");
        assertEquals(org.scmi.itest.live.fixture.v2.VendorProtocol.GREETING, guest.expect(VENDOR, GREETING).word(0));

        failures = whileGreeted(rig.guests().get(1), () -> {
            Swaps.update(vendor, version10);
            awaitVendorProtocol();
        });
        assertEquals(List.of(), failures, "no greeting failed during the downgrade");
        assertEquals(0x1_0000, guest.expect(VENDOR, Scmi.PROTOCOL_VERSION).word(0));
        assertEquals(ScmiStatus.NOT_FOUND.code(), guest.call(VENDOR, INCREMENT, 41).status(), "the message is gone");
        assertEquals(org.scmi.itest.live.fixture.v1.VendorProtocol.GREETING, guest.expect(VENDOR, GREETING).word(0));
    }

    @Test
    void aVersionThatThrowsOnEveryRequestTakesOnlyItsOwnProtocolDownAndThePreviousOneGoesBackLive()
            throws Exception {
        LiveGuest guest = rig.guests().getFirst();
        Swaps.update(vendor, FixtureBundles.protocolBundle(VendorProtocol.class, "1.2.0", VENDOR));
        awaitVendorProtocol();
        List<String> others = underLoad(() -> {
            for (int i = 0; i < 3; i++) {
                assertEquals(ScmiStatus.GENERIC_ERROR.code(), guest.call(VENDOR, GREETING).status(),
                        "a failing handler is a GENERIC_ERROR");
            }
        });
        assertEquals(List.of(), others, "every other protocol kept answering");

        Swaps.update(vendor, version10);
        awaitVendorProtocol();
        assertEquals(org.scmi.itest.live.fixture.v1.VendorProtocol.GREETING, guest.expect(VENDOR, GREETING).word(0));
    }

    @Test
    void aVersionThatCannotStartTakesOnlyItsOwnProtocolDownAndThePreviousOneGoesBackLive() throws Exception {
        LiveGuest guest = rig.guests().getFirst();
        Configuration device = admin.getConfiguration(DEVICE_PID, "?");
        Dictionary<String, Object> shortGrace = new Hashtable<>();
        shortGrace.put(GRACE_PROPERTY, SHORT_GRACE_MS);
        device.update(shortGrace);
        awaitDeviceProperty(GRACE_PROPERTY, SHORT_GRACE_MS);
        try {
            byte[] unresolvable = FixtureBundles.protocolBundle(org.scmi.itest.live.fixture.v2.VendorProtocol.class,
                    "1.3.0", VENDOR, "org.scmi.missing");
            try {
                Swaps.update(vendor, unresolvable);
            } catch (BundleException expected) {
                // the framework reports that the new version cannot start
            }
            assertNotEquals(Bundle.ACTIVE, vendor.getState(), "the broken version is not running");
            List<String> others = underLoad(() -> {
                long start = System.nanoTime();
                assertEquals(ScmiStatus.NOT_SUPPORTED.code(), guest.call(VENDOR, GREETING).status(),
                        "an absent protocol is NOT_SUPPORTED after the grace period");
                long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertTrue(waited >= SHORT_GRACE_MS - 5 && waited < 5 * SHORT_GRACE_MS, "it was waited for: " + waited);
                start = System.nanoTime();
                assertEquals(ScmiStatus.NOT_SUPPORTED.code(), guest.call(VENDOR, GREETING).status());
                assertTrue(System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(SHORT_GRACE_MS / 2),
                        "once the grace period is over, at once");
            });
            assertEquals(List.of(), others, "every other protocol kept answering");

            vendor.update(new ByteArrayInputStream(version10));
            vendor.start();
            awaitVendorProtocol();
            assertEquals(org.scmi.itest.live.fixture.v1.VendorProtocol.GREETING,
                    guest.expect(VENDOR, GREETING).word(0));
        } finally {
            device.delete();
        }
    }

    @FunctionalInterface
    private interface Step {
        void run() throws Exception;
    }

    /** Runs {@code step} while another guest greets the vendor protocol; returns what failed for it. */
    private static List<String> whileGreeted(LiveGuest greeter, Step step) throws Exception {
        List<String> failures = new CopyOnWriteArrayList<>();
        Thread thread = Thread.ofPlatform().start(() -> {
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LOAD_MS);
            try {
                while (System.nanoTime() < end) {
                    LiveGuest.Answer answer = greeter.call(VENDOR, GREETING);
                    if (!answer.succeeded()) {
                        failures.add("greeting answered " + ScmiStatus.of(answer.status()));
                    }
                }
            } catch (LiveGuest.WrongAnswer e) {
                failures.add(e.getMessage());
            }
        });
        try {
            Thread.sleep(LOAD_MS / 3);
            step.run();
        } finally {
            thread.join();
        }
        return failures;
    }

    /** Runs {@code step} on the first guest while the second sends the standard load; returns its failures. */
    private static List<String> underLoad(Step step) throws Exception {
        GuestLoad load = new GuestLoad(List.of(rig.guests().get(1)), List.of(rig.agentIds().get(1)));
        load.start();
        try {
            step.run();
            Thread.sleep(LOAD_MS);
        } finally {
            load.stop();
        }
        assertTrue(load.requests() > 0, "the other guest sent requests");
        return load.failures();
    }

    /** Waits until the device component runs with a configuration value (DS shows it on the service). */
    private static void awaitDeviceProperty(String name, Object value) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS);
        while (!value.equals(context.getServiceReference(VirtioDevice.class).getProperty(name))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the device did not take " + name + " = " + value);
            }
            Thread.sleep(10);
        }
    }

    private static void awaitVendorProtocol() throws Exception {
        BundleContext own = FrameworkUtil.getBundle(ProtocolUpgradeTest.class).getBundleContext();
        ServiceTracker<ScmiProtocol, ScmiProtocol> tracker = new ServiceTracker<>(own,
                own.createFilter("(&(objectClass=" + ScmiProtocol.class.getName() + ")(" + ScmiProtocol.PROTOCOL_ID
                        + "=" + VENDOR + "))"), null);
        tracker.open();
        try {
            if (tracker.waitForService(TIMEOUT_MS) == null) {
                throw new AssertionError("vendor protocol " + VENDOR + " did not come up");
            }
        } finally {
            tracker.close();
        }
    }
}
