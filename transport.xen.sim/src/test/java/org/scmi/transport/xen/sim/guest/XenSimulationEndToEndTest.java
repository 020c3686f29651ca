package org.scmi.transport.xen.sim.guest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.scmi.api.testing.Eventually;
import org.scmi.transport.xen.abi.VirtioMmio;
import org.scmi.transport.xen.abi.XenAbi;
import org.scmi.transport.xen.backend.DeviceDescription;
import org.scmi.transport.xen.sim.EchoDeviceBackend;
import org.scmi.transport.xen.sim.SimGuestFault;
import org.scmi.transport.xen.sim.XenSimulation;
import org.scmi.virtio.device.GuestIdentity;
import org.scmi.virtio.ring.driver.DmaMapping;

/**
 * The whole Xen path in one process: simulated guests boot their virtio-mmio driver against the
 * backend, which finds them in the simulated XenStore, serves their trapped register accesses
 * through IOREQ slots and event channels, and reaches their buffers through grants or foreign
 * mappings of their memfd RAM.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class XenSimulationEndToEndTest {
    private static final long BOOT_TIMEOUT = 5_000;
    private static final long REPLY_TIMEOUT = 5_000;

    @TempDir
    Path dir;
    private EchoDeviceBackend device;
    private XenSimulation xen;

    @BeforeEach
    void start() throws Exception {
        device = new EchoDeviceBackend();
        xen = new XenSimulation(dir.resolve("xenstored.sock"), device);
    }

    @AfterEach
    void stop() {
        xen.close();
    }

    private static byte[] request(int header, int... words) {
        byte[] bytes = new byte[4 + 4 * words.length];
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(header);
        for (int word : words) {
            buffer.putInt(word);
        }
        return bytes;
    }

    private static DeviceDescription description(int domid) {
        return new DeviceDescription(domid, 0, SimToolstack.deviceBase(0), SimToolstack.deviceIrq(0), true);
    }

    private void assertServedRoundTrip(SimulatedGuest guest, int token) throws InterruptedException {
        byte[] request = request(0x10 << 10 | token << 18, 0x11223344, token);
        byte[] reply = guest.exchange(request, SimulatedGuest.MESSAGE_BYTES, REPLY_TIMEOUT);
        assertNotNull(reply, "no reply for guest " + guest.domid());
        assertArrayEquals(EchoDeviceBackend.answer(request), reply);
    }

    @Test
    void guestIsServedThroughGrantsAndReachesConnected() throws Exception {
        SimulatedGuest guest = xen.bootGuest(5, true, BOOT_TIMEOUT);
        assertEquals(3, guest.features() >>> 32 & 3, "VERSION_1 and ACCESS_PLATFORM negotiated");
        for (int token = 1; token <= 20; token++) {
            assertServedRoundTrip(guest, token);
        }
        assertTrue(xen.toolstack().awaitBackendState(5, XenAbi.XENBUS_STATE_CONNECTED, BOOT_TIMEOUT));
        // The guest may find an answer in the used ring before the device has raised its interrupt.
        assertTrue(Eventually.within(Duration.ofMillis(REPLY_TIMEOUT),
                () -> xen.hypervisor().interruptsRaisedBySetIrqLevel() >= 20), () -> "interrupts through "
                + "set_irq_level: " + xen.hypervisor().interruptsRaisedBySetIrqLevel());
        GuestIdentity identity = device.sessions().get(0).guest();
        assertEquals("xen:sim-guest-5/0", identity.key(), "named by the domain's name, not its id");
        assertEquals("sim-guest-5", identity.name());
        assertTrue(identity.uuid().matches("[0-9a-f-]{36}"), "the VM UUID libxl writes under /vm");
        assertTrue(identity.goneWhenClosed(), "the device goes away only with the domain");
        // only the two queues' rings stay mapped between requests: every buffer grant was released
        assertEquals(0, xen.backend().guestErrors(description(5)).orElseThrow());
        assertEquals(6, xen.backend().mappingCount(description(5)).orElseThrow());
    }

    @Test
    void guestUsingPhysicalAddressesIsServedByForeignMapping() throws Exception {
        SimulatedGuest guest = xen.bootGuest(6, false, BOOT_TIMEOUT);
        for (int token = 1; token <= 5; token++) {
            assertServedRoundTrip(guest, token);
        }
        assertEquals(0, guest.domain().mappedGrantReferences());
    }

    @Test
    void eventsReachTheEventQueue() throws Exception {
        SimulatedGuest guest = xen.bootGuest(7, true, BOOT_TIMEOUT);
        byte[] event = request(0x3 << 8 | 0x15 << 10, 42, 7);
        assertTrue(device.sessions().get(0).sendEvent(event));
        assertArrayEquals(event, guest.awaitEvent(REPLY_TIMEOUT));
    }

    @Test
    void resetLeavesNoGrantMappedAndTheGuestIsServedAgain() throws Exception {
        SimulatedGuest guest = xen.bootGuest(8, true, BOOT_TIMEOUT);
        assertServedRoundTrip(guest, 1);
        assertTrue(guest.domain().mappedGrantReferences() > 0, "rings are mapped while the queues run");
        assertTrue(guest.reset(), "every grant could be ended after the reset");
        assertEquals(0, guest.domain().mappedGrantReferences());
        assertTrue(xen.toolstack().awaitBackendState(8, XenAbi.XENBUS_STATE_INIT_WAIT, BOOT_TIMEOUT));
        guest.initialise();
        assertServedRoundTrip(guest, 2);
        assertEquals(1, device.sessions().size(), "the session was reset, not reopened");
        assertTrue(device.sessions().get(0).resets() >= 2);
    }

    @Test
    void aDomainCreatedAgainUnderANewIdIsTheSameGuest() throws Exception {
        String uuid = "6f1c3a52-0b7e-4d1a-9f1e-2a8c4b3d5e71";
        xen.bootGuest(11, "ivi", uuid, true, BOOT_TIMEOUT);
        assertTrue(xen.toolstack().destroy(11));
        xen.bootGuest(12, "ivi", uuid, true, BOOT_TIMEOUT);
        GuestIdentity first = device.sessions().get(0).guest();
        GuestIdentity again = device.sessions().get(1).guest();
        assertEquals(first, again, "same name and VM UUID: the same identity, whatever the domain id");
        assertEquals(new GuestIdentity("xen:ivi/0", "ivi", uuid, true), again);
    }

    @Test
    void restartedGuestIsServedAgainWithoutServerRestart() throws Exception {
        SimulatedGuest first = xen.bootGuest(9, true, BOOT_TIMEOUT);
        assertServedRoundTrip(first, 1);
        assertTrue(xen.toolstack().destroy(9), "the backend closed the device before libxl removed it");
        assertFalse(xen.backend().isServed(description(9)));
        assertTrue(device.sessions().get(0).isClosed());
        // xl reboot: a new domain (new domid) with the same configuration, and one reusing the old domid
        SimulatedGuest second = xen.bootGuest(10, true, BOOT_TIMEOUT);
        assertServedRoundTrip(second, 2);
        SimulatedGuest third = xen.bootGuest(9, true, BOOT_TIMEOUT);
        assertServedRoundTrip(third, 3);
        assertServedRoundTrip(second, 4);
    }

    @Test
    void twoGuestsAtOnceAreIsolated() throws Exception {
        SimulatedGuest a = xen.bootGuest(11, true, BOOT_TIMEOUT);
        ForgingDma[] holder = new ForgingDma[1];
        SimulatedGuest b = SimulatedGuest.create(xen.toolstack(), 12, true, real -> holder[0] = new ForgingDma(real));
        assertTrue(xen.toolstack().awaitBackendState(12, XenAbi.XENBUS_STATE_INIT_WAIT, BOOT_TIMEOUT));
        b.initialise();
        assertServedRoundTrip(a, 1);
        assertServedRoundTrip(b, 1);

        // guest A grants a page with a secret to the backend under a reference B has not used;
        // guest B names that reference in a descriptor
        long spareAddress = a.domain().ramBase() + 0x400000;
        int spare = a.domain().grant(XenSimulation.BACKEND_DOMID, spareAddress, 200L * XenAbi.XEN_PAGE_SIZE, true);
        long secretAddress = a.domain().ramBase() + 0x700000;
        a.domain().ram().set(ValueLayout.JAVA_LONG, 0x700000, 0x5EC2E7L);
        int refOfA = a.domain().grant(XenSimulation.BACKEND_DOMID, secretAddress, 64, true);
        assertTrue(a.domain().endGrant(spare, 200));
        int mappedOfA = a.domain().mappedGrantReferences();
        holder[0].forgeNextReadable(XenAbi.grantAddress(refOfA, 0));
        b.post(request(0x10 << 10, 1), SimulatedGuest.MESSAGE_BYTES);
        DeviceFailure failure = assertThrows(DeviceFailure.class,
                () -> b.awaitResponse(REPLY_TIMEOUT));
        assertEquals("device needs reset", failure.getMessage());
        assertEquals(mappedOfA, a.domain().mappedGrantReferences(), "A's secret page was never mapped");
        assertTrue(a.domain().endGrant(refOfA, 1));
        assertServedRoundTrip(a, 2);
        assertTrue(xen.backend().guestErrors(description(12)).orElseThrow() > 0);
        assertEquals(0, xen.backend().guestErrors(description(11)).orElseThrow());
    }

    @Test
    void badGrantReferenceIsAnErrorForThatGuestOnly() throws Exception {
        SimulatedGuest good = xen.bootGuest(13, true, BOOT_TIMEOUT);
        ForgingDma[] holder = new ForgingDma[1];
        SimulatedGuest bad = SimulatedGuest.create(xen.toolstack(), 14, true, real -> holder[0] = new ForgingDma(real));
        assertTrue(xen.toolstack().awaitBackendState(14, XenAbi.XENBUS_STATE_INIT_WAIT, BOOT_TIMEOUT));
        bad.initialise();
        holder[0].forgeNextReadable(XenAbi.grantAddress(9999, 0));
        bad.post(request(0x10 << 10, 1), SimulatedGuest.MESSAGE_BYTES);
        assertThrows(DeviceFailure.class,
                () -> bad.awaitResponse(REPLY_TIMEOUT));
        assertEquals(VirtioMmio.STATUS_DEVICE_NEEDS_RESET,
                bad.driver().read(VirtioMmio.STATUS) & VirtioMmio.STATUS_DEVICE_NEEDS_RESET);
        assertServedRoundTrip(good, 1);
        // the bad guest recovers the way Linux would: reset and probe again
        assertTrue(bad.reset());
        bad.initialise();
        assertServedRoundTrip(bad, 2);
    }

    @Test
    void garbageRegisterWritesHurtOnlyTheWriter() throws Exception {
        SimulatedGuest good = xen.bootGuest(15, true, BOOT_TIMEOUT);
        SimulatedGuest noisy = SimulatedGuest.create(xen.toolstack(), 16, true);
        assertTrue(xen.toolstack().awaitBackendState(16, XenAbi.XENBUS_STATE_INIT_WAIT, BOOT_TIMEOUT));
        long base = SimToolstack.deviceBase(0);
        java.util.Random random = new java.util.Random(16);
        for (int i = 0; i < 300; i++) {
            int offset = random.nextInt(VirtioMmio.REGION_SIZE) & ~0x3;
            int size = new int[] {1, 2, 4, 8}[random.nextInt(4)];
            if (offset + size > VirtioMmio.REGION_SIZE) {
                continue;
            }
            noisy.domain().mmioWrite(0, base + offset, size, random.nextLong());
            noisy.domain().mmioRead(1, base + offset, size);
        }
        assertServedRoundTrip(good, 1);
        assertTrue(xen.backend().guestErrors(description(16)).orElseThrow() > 0);
        noisy.reset();
        noisy.initialise();
        assertServedRoundTrip(noisy, 1);
    }

    @Test
    void guestThatNeverFinishesTheHandshakeIsClosedCleanly() throws Exception {
        SimulatedGuest stuck = SimulatedGuest.create(xen.toolstack(), 17, true);
        assertTrue(xen.toolstack().awaitBackendState(17, XenAbi.XENBUS_STATE_INIT_WAIT, BOOT_TIMEOUT));
        stuck.driver().write(VirtioMmio.STATUS, VirtioMmio.STATUS_ACKNOWLEDGE); // and nothing more
        SimulatedGuest other = xen.bootGuest(18, true, BOOT_TIMEOUT);
        assertServedRoundTrip(other, 1);
        assertEquals(Optional.of(XenAbi.XENBUS_STATE_INIT_WAIT), xen.toolstack().backendState(17));
        assertTrue(xen.toolstack().destroy(17));
        assertServedRoundTrip(other, 2);
    }

    @Test
    void accessAfterTheDeviceIsGoneFaultsInTheGuest() throws Exception {
        SimulatedGuest guest = xen.bootGuest(19, true, BOOT_TIMEOUT);
        xen.backend().remove(description(19));
        assertThrows(SimGuestFault.class, () -> guest.driver().read(VirtioMmio.MAGIC_VALUE));
    }

    @Test
    void theAddressingTheGuestUsesIsTheOneReportedNotTheOnePromised() throws Exception {
        SimulatedGuest granting = xen.bootGuest(20, true, BOOT_TIMEOUT);
        assertEquals(Optional.empty(), xen.backend().bufferAddressing(description(20)), "no buffer seen yet");
        assertServedRoundTrip(granting, 1);
        assertEquals(Optional.of("grant-encoded"), xen.backend().bufferAddressing(description(20)));

        // grant_usage=1 in XenStore, but a guest kernel without grant-DMA gives guest-physical addresses
        SimulatedGuest fallback = SimulatedGuest.create(xen.toolstack(), 21, true, real -> DmaMapping.PHYSICAL);
        assertTrue(xen.toolstack().awaitBackendState(21, XenAbi.XENBUS_STATE_INIT_WAIT, BOOT_TIMEOUT));
        fallback.initialise();
        assertServedRoundTrip(fallback, 1);
        assertEquals(Optional.of("guest-physical"), xen.backend().bufferAddressing(description(21)));
    }
}
