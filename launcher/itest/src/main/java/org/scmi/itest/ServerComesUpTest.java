package org.scmi.itest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.scmi.api.ScmiHeader;
import org.scmi.api.ScmiProtocol;
import org.scmi.virtio.device.GuestIdentity;
import org.scmi.virtio.device.GuestTransport;
import org.scmi.virtio.device.VirtioDevice;
import org.scmi.virtio.device.VirtioDeviceIds;
import org.scmi.virtio.device.VirtioDeviceSession;
import org.scmi.virtio.ring.driver.DriverMemory;
import org.scmi.virtio.ring.driver.DriverSplitQueue;
import org.scmi.virtio.ring.driver.UsedBuffer;

/** The server's bundles start in a real framework, and the virtio-scmi device answers through them. */
class ServerComesUpTest {
    private static final long VERSION_1 = 1L << 32;
    private static final int TIMEOUT_MS = 10_000;

    @InjectBundleContext
    BundleContext context;

    @Test
    void everyServerBundleIsActive() {
        for (String name : List.of("scmi.api", "linux.syscalls", "virtio.ring", "scmi.core", "scmi.base", "scmi.power", "scmi.clock", "scmi.sensor",
                "board.sim", "transport.vhostuser")) {
            Bundle bundle = bundle(name);
            assertEquals(Bundle.ACTIVE, bundle.getState(), name + " is not active");
        }
    }

    @Test
    void everyProtocolIsOnTheWhiteboard(
            @InjectService(filter = "(scmi.protocol.id=16)", timeout = TIMEOUT_MS) ScmiProtocol base,
            @InjectService(filter = "(scmi.protocol.id=17)", timeout = TIMEOUT_MS) ScmiProtocol power,
            @InjectService(filter = "(scmi.protocol.id=20)", timeout = TIMEOUT_MS) ScmiProtocol clock,
            @InjectService(filter = "(scmi.protocol.id=21)", timeout = TIMEOUT_MS) ScmiProtocol sensor) {
        assertEquals(0x10, base.protocolId());
        assertEquals(0x11, power.protocolId());
        assertEquals(0x14, clock.protocolId());
        assertEquals(0x15, sensor.protocolId());
    }

    @Test
    void baseProtocolVersionThroughTheVirtioScmiDevice(
            @InjectService(filter = "(" + VirtioDevice.DEVICE_ID + "=" + VirtioDeviceIds.SCMI + ")", timeout = TIMEOUT_MS) VirtioDevice device)
            throws Exception {
        assertEquals(32, device.deviceId());
        assertNotEquals(0, device.features() & VERSION_1, "VIRTIO_F_VERSION_1 offered");

        AtomicInteger interrupts = new AtomicInteger();
        GuestTransport transport = new GuestTransport() {
            @Override
            public void notifyGuest(int queueIndex) {
                interrupts.incrementAndGet();
            }

            @Override
            public void deviceNeedsReset(String reason) {
                throw new AssertionError("device needs reset: " + reason);
            }
        };
        try (Arena arena = Arena.ofShared();
                VirtioDeviceSession session = device.open(new GuestIdentity("itest:base", "itest"), transport)) {
            DriverMemory memory = DriverMemory.allocate(arena, 0x4000_0000L, 1 << 20);
            DriverSplitQueue cmdq = new DriverSplitQueue(memory, 64, false, 256);
            session.setFeatures(VERSION_1);
            session.startQueue(0, cmdq.setup());

            int header = ScmiHeader.command(0x10, ScmiProtocol.MSG_PROTOCOL_VERSION, 7).encode();
            int head = cmdq.add(List.of(le(header)), 12);
            cmdq.publish();
            session.queueNotified(0);

            UsedBuffer used = cmdq.poll();
            assertEquals(head, used.id());
            assertEquals(12, used.length(), "used length = header + status + version");
            assertArrayEquals(le(header, 0, 0x20001), used.written());
            assertTrue(interrupts.get() > 0, "the guest was interrupted");
        }
    }

    private Bundle bundle(String symbolicName) {
        for (Bundle bundle : context.getBundles()) {
            if (symbolicName.equals(bundle.getSymbolicName())) {
                return bundle;
            }
        }
        throw new AssertionError("bundle " + symbolicName + " is not installed");
    }

    private static byte[] le(int... words) {
        ByteBuffer buffer = ByteBuffer.allocate(4 * words.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int word : words) {
            buffer.putInt(word);
        }
        return buffer.array();
    }
}
