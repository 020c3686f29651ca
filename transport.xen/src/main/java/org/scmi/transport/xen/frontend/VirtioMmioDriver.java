package org.scmi.transport.xen.frontend;

import static org.scmi.transport.xen.abi.VirtioMmio.*;

import java.util.ArrayList;
import java.util.List;
import org.scmi.transport.xen.sim.SimDomain;
import org.scmi.virtio.ring.VirtioFeatures;

/**
 * The driver side of a virtio-mmio version 2 device inside a simulated guest, doing what Linux's
 * virtio_mmio and virtio core do: probe the registers, negotiate features, set up queues through
 * the queue registers, post buffers, kick, and take used buffers when the device interrupts.
 * Every register access is a trapped 32-bit MMIO access of vCPU 0.
 *
 * <p>Not thread-safe: one guest thread drives the device.
 */
public final class VirtioMmioDriver {
    private static final int VCPU = 0;

    private final SimDomain guest;
    private final long base;
    private final int irq;
    private final GuestRam ram;
    private final DmaMapper dma;
    private final List<DriverQueue> queues = new ArrayList<>();
    private long features;

    /** The device asked for a reset (DEVICE_NEEDS_RESET) or refused the driver. */
    public static final class DeviceFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public DeviceFailure(String message) {
            super(message);
        }
    }

    public VirtioMmioDriver(SimDomain guest, long base, int irq, GuestRam ram, DmaMapper dma) {
        this.guest = guest;
        this.base = base;
        this.irq = irq;
        this.ram = ram;
        this.dma = dma;
    }

    public int read(int offset) {
        return (int) guest.mmioRead(VCPU, base + offset, REGISTER_SIZE);
    }

    public void write(int offset, int value) {
        guest.mmioWrite(VCPU, base + offset, REGISTER_SIZE, Integer.toUnsignedLong(value));
    }

    /**
     * Probes and initialises the device (virtio 1.2 section 3.1.1).
     *
     * @param deviceId the device id expected
     * @param wanted feature bits the driver supports (VERSION_1 and ACCESS_PLATFORM are added)
     * @param queueSize queue size to use (capped by QueueNumMax)
     * @param slotBytes request plus response bytes per chain
     * @return the number of queues set up
     */
    public int initialise(int deviceId, long wanted, int queueCount, int queueSize, int slotBytes) {
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
            write(QUEUE_SEL, index);
            int max = read(QUEUE_NUM_MAX);
            if (max == 0 || read(QUEUE_READY) != 0) {
                throw new DeviceFailure("queue " + index + " is not available");
            }
            DriverQueue queue = new DriverQueue(ram, dma, Math.min(queueSize, Integer.highestOneBit(max)), slotBytes);
            write(QUEUE_NUM, queue.size());
            write(QUEUE_DESC_LOW, (int) queue.descriptorTable());
            write(QUEUE_DESC_HIGH, (int) (queue.descriptorTable() >>> 32));
            write(QUEUE_DRIVER_LOW, (int) queue.driverArea());
            write(QUEUE_DRIVER_HIGH, (int) (queue.driverArea() >>> 32));
            write(QUEUE_DEVICE_LOW, (int) queue.deviceArea());
            write(QUEUE_DEVICE_HIGH, (int) (queue.deviceArea() >>> 32));
            write(QUEUE_READY, 1);
            if (read(QUEUE_READY) != 1) {
                throw new DeviceFailure("queue " + index + " was not accepted");
            }
            queues.add(queue);
        }
        write(STATUS, status | STATUS_DRIVER_OK);
        return queues.size();
    }

    public long features() {
        return features;
    }

    public DriverQueue queue(int index) {
        return queues.get(index);
    }

    /** Publishes what was added to a queue and kicks the device if it wants it. */
    public void publish(int index) {
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
    public DriverQueue.Used awaitUsed(int index, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        DriverQueue queue = queues.get(index);
        while (true) {
            DriverQueue.Used used = queue.poll();
            if (used != null) {
                return used;
            }
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                return null;
            }
            if (guest.awaitInterrupt(irq, Math.min(left, 50))) {
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

    /** Status 0, then the rings and buffers stop being the device's. */
    public boolean reset() {
        write(STATUS, 0);
        boolean released = true;
        for (DriverQueue queue : queues) {
            released &= queue.release();
        }
        queues.clear();
        return released;
    }
}
