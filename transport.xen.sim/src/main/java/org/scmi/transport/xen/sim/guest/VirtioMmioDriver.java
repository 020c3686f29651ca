package org.scmi.transport.xen.sim.guest;

import static org.scmi.transport.xen.abi.VirtioMmio.*;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.scmi.transport.xen.sim.SimDomain;
import org.scmi.virtio.ring.SplitRing;
import org.scmi.virtio.ring.VirtioFeatures;
import org.scmi.virtio.ring.driver.DmaMapping;
import org.scmi.virtio.ring.driver.DriverMemory;
import org.scmi.virtio.ring.driver.DriverSplitQueue;
import org.scmi.virtio.ring.driver.UsedBuffer;

/**
 * The driver side of a virtio-mmio version 2 device inside a simulated guest, doing what Linux's
 * virtio_mmio and virtio core do: probe the registers, negotiate features, set up queues through
 * the queue registers, post buffers, kick, and take used buffers when the device interrupts. The
 * queues are the shared driver-side split rings; their ring areas are DMA-mapped once, writable
 * (a coherent allocation), and their buffers per chain. Register accesses are trapped 32-bit MMIO
 * accesses of one vCPU.
 *
 * <p>Not thread-safe: one guest thread drives the device.
 */
final class VirtioMmioDriver {
    private final SimDomain guest;
    private final int vcpu;
    private final long base;
    private final int irq;
    private final DriverMemory memory;
    private final DmaMapping dma;
    private final List<DriverSplitQueue> queues = new ArrayList<>();
    /** Per queue: the DMA addresses of its descriptor table, avail ring and used ring. */
    private final List<long[]> ringAddresses = new ArrayList<>();
    private long features;

    VirtioMmioDriver(SimDomain guest, int vcpu, long base, int irq, DriverMemory memory, DmaMapping dma) {
        this.guest = guest;
        this.vcpu = vcpu;
        this.base = base;
        this.irq = irq;
        this.memory = memory;
        this.dma = dma;
    }

    int read(int offset) {
        return (int) guest.mmioRead(vcpu, base + offset, REGISTER_SIZE);
    }

    void write(int offset, int value) {
        guest.mmioWrite(vcpu, base + offset, REGISTER_SIZE, Integer.toUnsignedLong(value));
    }

    /**
     * Probes and initialises the device (virtio 1.2 section 3.1.1).
     *
     * @param deviceId the device id expected
     * @param wanted feature bits the driver supports (VERSION_1 and ACCESS_PLATFORM are added)
     * @param queueSize queue size to use (capped by QueueNumMax)
     * @param bytesPerChain request plus response bytes per chain
     * @return the number of queues set up
     */
    int initialise(int deviceId, long wanted, int queueCount, int queueSize, int bytesPerChain) {
        if (read(MAGIC_VALUE) != MAGIC || read(VERSION) != MODERN_VERSION) {
            throw new DeviceFailure("not a virtio-mmio version 2 device");
        }
        if (read(DEVICE_ID) != deviceId) {
            throw new DeviceFailure("device id " + read(DEVICE_ID) + ", expected " + deviceId);
        }
        write(STATUS, 0);
        write(STATUS, STATUS_ACKNOWLEDGE);
        write(STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER);
        write(DEVICE_FEATURES_SEL, 0);
        long offered = Integer.toUnsignedLong(read(DEVICE_FEATURES));
        write(DEVICE_FEATURES_SEL, 1);
        offered |= Integer.toUnsignedLong(read(DEVICE_FEATURES)) << 32;
        long required = VirtioFeatures.bit(VirtioFeatures.VERSION_1) | VirtioFeatures.bit(F_ACCESS_PLATFORM);
        if ((offered & required) != required) {
            write(STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FAILED);
            throw new DeviceFailure("device must offer VERSION_1 and ACCESS_PLATFORM");
        }
        features = offered & (wanted | required);
        write(DRIVER_FEATURES_SEL, 0);
        write(DRIVER_FEATURES, (int) features);
        write(DRIVER_FEATURES_SEL, 1);
        write(DRIVER_FEATURES, (int) (features >>> 32));
        int status = STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK;
        write(STATUS, status);
        if ((read(STATUS) & STATUS_FEATURES_OK) == 0) {
            write(STATUS, status | STATUS_FAILED);
            throw new DeviceFailure("device refused features 0x" + Long.toHexString(features));
        }
        for (int index = 0; index < queueCount; index++) {
            setUpQueue(index, queueSize, bytesPerChain);
        }
        write(STATUS, status | STATUS_DRIVER_OK);
        return queues.size();
    }

    private void setUpQueue(int index, int queueSize, int bytesPerChain) {
        write(QUEUE_SEL, index);
        int max = read(QUEUE_NUM_MAX);
        if (max == 0 || read(QUEUE_READY) != 0) {
            throw new DeviceFailure("queue " + index + " is not available");
        }
        int size = Math.min(queueSize, Integer.highestOneBit(max));
        DriverSplitQueue queue = new DriverSplitQueue(memory, size, false, bytesPerChain, dma);
        long[] rings = {
            dma.map(queue.descriptorTableAddress(), SplitRing.descriptorTableSize(size), true),
            dma.map(queue.availRingAddress(), SplitRing.availRingSize(size), true),
            dma.map(queue.usedRingAddress(), SplitRing.usedRingSize(size), true)};
        queues.add(queue);
        ringAddresses.add(rings);
        write(QUEUE_NUM, size);
        write(QUEUE_DESC_LOW, (int) rings[0]);
        write(QUEUE_DESC_HIGH, (int) (rings[0] >>> 32));
        write(QUEUE_DRIVER_LOW, (int) rings[1]);
        write(QUEUE_DRIVER_HIGH, (int) (rings[1] >>> 32));
        write(QUEUE_DEVICE_LOW, (int) rings[2]);
        write(QUEUE_DEVICE_HIGH, (int) (rings[2] >>> 32));
        write(QUEUE_READY, 1);
        if (read(QUEUE_READY) != 1) {
            throw new DeviceFailure("queue " + index + " was not accepted");
        }
    }

    long features() {
        return features;
    }

    /** What the driver can read back of the device's state: status, features offered, queues ready. */
    SimulatedGuest.DeviceState readState() {
        int status = read(STATUS);
        write(DEVICE_FEATURES_SEL, 0);
        long offered = Integer.toUnsignedLong(read(DEVICE_FEATURES));
        write(DEVICE_FEATURES_SEL, 1);
        offered |= Integer.toUnsignedLong(read(DEVICE_FEATURES)) << 32;
        List<Boolean> ready = new ArrayList<>();
        for (int index = 0; index < queues.size(); index++) {
            write(QUEUE_SEL, index);
            ready.add(read(QUEUE_READY) == 1);
        }
        return new SimulatedGuest.DeviceState(status, offered, ready);
    }

    DriverSplitQueue queue(int index) {
        return queues.get(index);
    }

    /** Publishes what was added to a queue and kicks the device if it wants it. */
    void publish(int index) {
        if (queues.get(index).publish()) {
            write(QUEUE_NOTIFY, index);
        }
    }

    /**
     * Waits until the device returned a chain on {@code index}, taking interrupts as they come.
     *
     * @return the chain, or null on timeout
     * @throws DeviceFailure if the device reported DEVICE_NEEDS_RESET
     */
    UsedBuffer awaitUsed(int index, long timeoutMillis) throws InterruptedException {
        long start = System.nanoTime();
        long timeout = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        DriverSplitQueue queue = queues.get(index);
        while (true) {
            UsedBuffer used = queue.poll();
            if (used != null) {
                return used;
            }
            long left = timeout - (System.nanoTime() - start);
            if (left <= 0) {
                return null;
            }
            if (guest.awaitInterrupt(irq, TimeUnit.NANOSECONDS.toMillis(left) + 1)) {
                takeInterrupt();
            }
        }
    }

    /** What vm_interrupt does: read InterruptStatus, acknowledge it, check for a configuration change. */
    private void takeInterrupt() {
        int pending = read(INTERRUPT_STATUS);
        write(INTERRUPT_ACK, pending);
        if ((pending & INTERRUPT_CONFIG_CHANGE) != 0 && (read(STATUS) & STATUS_DEVICE_NEEDS_RESET) != 0) {
            throw new DeviceFailure("device needs reset");
        }
    }

    /**
     * Status 0, then the rings and buffers stop being the device's.
     *
     * @return false if the device still held any of them
     */
    boolean reset() {
        write(STATUS, 0);
        boolean released = true;
        for (int i = 0; i < queues.size(); i++) {
            DriverSplitQueue queue = queues.get(i);
            long[] rings = ringAddresses.get(i);
            int size = queue.size();
            released &= queue.releaseBuffers();
            released &= dma.unmap(rings[0], SplitRing.descriptorTableSize(size));
            released &= dma.unmap(rings[1], SplitRing.availRingSize(size));
            released &= dma.unmap(rings[2], SplitRing.usedRingSize(size));
        }
        queues.clear();
        ringAddresses.clear();
        return released;
    }
}
