package org.scmi.transport.xen.sim.guest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.scmi.transport.xen.abi.VirtioMmio;
import org.scmi.transport.xen.sim.EchoDeviceBackend;
import org.scmi.transport.xen.sim.SimDomain;
import org.scmi.transport.xen.sim.XenSimulation;

/**
 * On Xen a guest's vCPU is never held by the queue: a QueueNotify is answered at once and the
 * command runs on the device's worker, so while a driver holds a command, the vCPU that kicked
 * goes on and the guest's other vCPU has its register accesses answered; through the ioreq path
 * and through the kernel's ioeventfd alike. (A vCPU whose access were held would fail here as the
 * simulated hypervisor's hung vCPU.)
 *
 * <p>The ioreq thread allocates nothing per register access, counted on the thread itself, also
 * when run interpreted ({@code -Xint}). A QueueNotify adds one eventfd write, whose only
 * allocations are inside the JDK's downcall machinery until the JIT has compiled it; that is not
 * asserted, as it depends on when compilation happens.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class VcpusAreNeverHeldByTheQueueTest {
    private static final long BOOT_TIMEOUT = 10_000;
    private static final long REPLY_TIMEOUT = 10_000;
    private static final int OTHER_VCPU = 1;
    private static final int WARM_UP_ACCESSES = 20_000;
    private static final int MEASURED_ACCESSES = 10_000;
    private static final int WARM_UP_COMMANDS = 200;

    @TempDir
    Path dir;
    /** The driver a command waits for: it tells when a command reached it, and answers when released. */
    private final Semaphore commandArrived = new Semaphore(0);
    private final CountDownLatch driverReleased = new CountDownLatch(1);
    private XenSimulation xen;

    @AfterEach
    void stop() {
        driverReleased.countDown();
        if (xen != null) {
            xen.close();
        }
    }

    private EchoDeviceBackend heldDriverDevice() {
        return new EchoDeviceBackend(() -> {
            commandArrived.release();
            try {
                driverReleased.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    private static byte[] request(int token) {
        return ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putInt(0x10 << 10 | token << 18).putInt(0x5EED)
                .putInt(token).array();
    }

    private static long register(SimulatedGuest guest, int vcpu, int offset) {
        return guest.domain().mmioRead(vcpu, SimToolstack.deviceBase(0) + offset, VirtioMmio.REGISTER_SIZE);
    }

    @ParameterizedTest(name = "kernel fast paths: {0}")
    @ValueSource(booleans = {false, true})
    void otherVcpusAreAnsweredWhileADriverHoldsACommand(boolean kernelFastPaths) throws Exception {
        xen = new XenSimulation(dir.resolve("xenstored.sock"), heldDriverDevice(), kernelFastPaths);
        SimulatedGuest guest = xen.bootGuest(40, true, BOOT_TIMEOUT);

        guest.post(request(1), SimulatedGuest.MESSAGE_BYTES); // the QueueNotify write of the driver's vCPU returns
        assertTrue(commandArrived.tryAcquire(REPLY_TIMEOUT, TimeUnit.MILLISECONDS), "the command reached the driver");
        assertEquals(VirtioMmio.MAGIC, register(guest, OTHER_VCPU, VirtioMmio.MAGIC_VALUE),
                "the other vCPU is answered while the command is held");
        assertEquals(0, register(guest, OTHER_VCPU, VirtioMmio.INTERRUPT_STATUS), "nothing completed yet");
        assertEquals(VirtioMmio.MAGIC, register(guest, SimulatedGuest.DRIVER_VCPU, VirtioMmio.MAGIC_VALUE),
                "the vCPU that kicked runs on");

        driverReleased.countDown();
        assertArrayEquals(EchoDeviceBackend.answer(request(1)), guest.awaitResponse(REPLY_TIMEOUT));
    }

    @ParameterizedTest(name = "kernel fast paths: {0}")
    @ValueSource(booleans = {false, true})
    void theIoreqThreadAllocatesNothingPerAccess(boolean kernelFastPaths) throws Exception {
        driverReleased.countDown();
        xen = new XenSimulation(dir.resolve("xenstored.sock"), heldDriverDevice(), kernelFastPaths);
        SimulatedGuest guest = xen.bootGuest(41, true, BOOT_TIMEOUT);
        Thread ioreq = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("xen-ioreq-dom41")).findFirst().orElseThrow();
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        accessRegisters(guest, WARM_UP_ACCESSES);
        for (int token = 0; token < WARM_UP_COMMANDS; token++) {
            guest.exchange(request(token), SimulatedGuest.MESSAGE_BYTES, REPLY_TIMEOUT);
        }

        long before = threads.getThreadAllocatedBytes(ioreq.threadId());
        accessRegisters(guest, MEASURED_ACCESSES);
        long accesses = threads.getThreadAllocatedBytes(ioreq.threadId()) - before;
        assertTrue(accesses < MEASURED_ACCESSES, accesses + " bytes allocated by the ioreq thread for "
                + MEASURED_ACCESSES + " register accesses");
    }

    /** Reads of Status and writes of InterruptACK by the other vCPU, half and half. */
    private static void accessRegisters(SimulatedGuest guest, int count) {
        SimDomain domain = guest.domain();
        long base = SimToolstack.deviceBase(0);
        for (int i = 0; i < count / 2; i++) {
            domain.mmioRead(OTHER_VCPU, base + VirtioMmio.STATUS, VirtioMmio.REGISTER_SIZE);
            domain.mmioWrite(OTHER_VCPU, base + VirtioMmio.INTERRUPT_ACK, VirtioMmio.REGISTER_SIZE, 0);
        }
    }
}
