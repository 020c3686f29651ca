package org.scmi.transport.xen.sim.guest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.scmi.transport.xen.abi.XenAbi;
import org.scmi.transport.xen.sim.EchoDeviceBackend;
import org.scmi.transport.xen.sim.SimHypervisor;
import org.scmi.transport.xen.sim.XenSimulation;

/**
 * The backend on a kernel with privcmd's irqfd and ioeventfd: queue notifications are completed
 * by the (simulated) kernel and reach the device through the kick threads, interrupts go out
 * through the irqfd, every other register access still comes through the ioreq thread, and
 * everything is deassigned when the guest goes.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KernelFastPathsTest {
    private static final long BOOT_TIMEOUT = 5_000;
    private static final long REPLY_TIMEOUT = 5_000;
    private static final int ROUND_TRIPS = 20;

    @TempDir
    Path dir;
    private EchoDeviceBackend device;
    private XenSimulation xen;

    @BeforeEach
    void start() throws Exception {
        device = new EchoDeviceBackend();
        xen = new XenSimulation(dir.resolve("xenstored.sock"), device, true);
    }

    @AfterEach
    void stop() {
        xen.close();
    }

    private static byte[] request(int token) {
        return ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putInt(0x10 << 10 | token << 18)
                .putInt(0x5EED).putInt(token).array();
    }

    @Test
    void notificationsAndInterruptsTakeTheFastPaths() throws Exception {
        SimHypervisor hypervisor = xen.hypervisor();
        SimulatedGuest guest = xen.bootGuest(21, true, BOOT_TIMEOUT);
        assertEquals(1, hypervisor.notificationsCompletedByIoeventfd(), "set-up kicked only the event queue");
        for (int token = 1; token <= ROUND_TRIPS; token++) {
            byte[] request = request(token);
            assertArrayEquals(EchoDeviceBackend.answer(request),
                    guest.exchange(request, SimulatedGuest.MESSAGE_BYTES, REPLY_TIMEOUT));
        }
        // a driver skips the kick while the device drains with notifications off: count paths, not kicks
        assertTrue(hypervisor.notificationsCompletedByIoeventfd() > 1, "the kernel completed cmdq notifications");
        // an eventfd coalesces signals its worker has not consumed yet, as the kernel's irqfd does: count paths, not edges
        assertTrue(hypervisor.interruptsRaisedByIrqfd() > 0, "used buffers interrupted through irqfd");
        assertEquals(0, hypervisor.interruptsRaisedBySetIrqLevel(), "no interrupt through set_irq_level");
        assertTrue(xen.toolstack().awaitBackendState(21, XenAbi.XENBUS_STATE_CONNECTED, BOOT_TIMEOUT));

        byte[] event = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(0x3 << 8 | 0x15 << 10)
                .putInt(42).array();
        assertTrue(device.sessions().get(0).sendEvent(event));
        assertArrayEquals(event, guest.awaitEvent(REPLY_TIMEOUT));
    }

    @Test
    void resetAndRestartWorkWithTheFastPathsAndReleaseThem() throws Exception {
        SimulatedGuest guest = xen.bootGuest(22, true, BOOT_TIMEOUT);
        assertArrayEquals(EchoDeviceBackend.answer(request(1)),
                guest.exchange(request(1), SimulatedGuest.MESSAGE_BYTES, REPLY_TIMEOUT));
        assertTrue(guest.reset());
        guest.initialise();
        assertArrayEquals(EchoDeviceBackend.answer(request(2)),
                guest.exchange(request(2), SimulatedGuest.MESSAGE_BYTES, REPLY_TIMEOUT));

        assertTrue(irqfdWorkerRuns(22));
        assertTrue(xen.toolstack().destroy(22));
        assertFalse(irqfdWorkerRuns(22), "the irqfd was deassigned with the device");
        SimulatedGuest again = xen.bootGuest(22, true, BOOT_TIMEOUT);
        long before = xen.hypervisor().notificationsCompletedByIoeventfd();
        assertArrayEquals(EchoDeviceBackend.answer(request(3)),
                again.exchange(request(3), SimulatedGuest.MESSAGE_BYTES, REPLY_TIMEOUT));
        assertEquals(before + 1, xen.hypervisor().notificationsCompletedByIoeventfd());
    }

    private static boolean irqfdWorkerRuns(int domid) {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().startsWith("xen-sim-irqfd-dom" + domid + "-") && t.isAlive());
    }
}
