package org.scmi.transport.xen.mmio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.scmi.transport.xen.abi.VirtioMmio.*;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import org.scmi.virtio.device.GuestIdentity;
import org.scmi.virtio.memory.GuestMemoryException;
import org.scmi.virtio.memory.MemoryRegion;
import org.scmi.virtio.memory.RegionGuestMemory;
import org.scmi.virtio.ring.SplitRing;
import org.scmi.virtio.ring.device.FixedReplyDevice;
import org.scmi.virtio.ring.device.Responder;
import org.scmi.virtio.ring.split.SplitQueueFactory;

/**
 * Fuzz target: the virtio-mmio register machine under a driver doing anything: reads and writes of
 * any register, width and value, in any order, notifications, the transport's worker serving
 * queues in between, and whatever bytes the guest left in its memory where the rings are. The
 * device behind it serves real split rings (a {@link FixedReplyDevice} echoing each request).
 *
 * <p>Invariants: no register access throws; the status never shows DRIVER_OK without FEATURES_OK;
 * a queue's ring memory is mapped at most once at a time and only inside the guest's memory; a
 * reset (status 0) or the guest going away leaves no mapping; after the guest went away every
 * register reads 0.
 */
class VirtioMmioDeviceFuzzTest {
    private static final long RAM = 0x4000_0000L;
    private static final int RAM_SIZE = 0x4000;
    private static final int MAX_QUEUE_SIZE = 64;
    private static final int MAX_RING_BYTES = 1024;
    private static final int[] REGISTERS = {MAGIC_VALUE, VERSION, DEVICE_ID, VENDOR_ID, DEVICE_FEATURES,
            DEVICE_FEATURES_SEL, DRIVER_FEATURES, DRIVER_FEATURES_SEL, LEGACY_GUEST_PAGE_SIZE, QUEUE_SEL, QUEUE_NUM_MAX,
            QUEUE_NUM, LEGACY_QUEUE_ALIGN, LEGACY_QUEUE_PFN, QUEUE_READY, QUEUE_NOTIFY, INTERRUPT_STATUS, INTERRUPT_ACK,
            STATUS, QUEUE_DESC_LOW, QUEUE_DESC_HIGH, QUEUE_DRIVER_LOW, QUEUE_DRIVER_HIGH, QUEUE_DEVICE_LOW,
            QUEUE_DEVICE_HIGH, SHM_SEL, SHM_LEN_LOW, SHM_LEN_HIGH, SHM_BASE_LOW, SHM_BASE_HIGH, QUEUE_RESET,
            CONFIG_GENERATION, CONFIG};

    @FuzzTest(maxDuration = "10m")
    void registers(FuzzedDataProvider data) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ram = arena.allocate(RAM_SIZE, 4096);
            // What the guest left where its rings are: a part of the input, the rest drives the registers.
            byte[] contents = data.consumeBytes(data.consumeInt(0, MAX_RING_BYTES));
            MemorySegment.copy(contents, 0, ram, ValueLayout.JAVA_BYTE, 0, contents.length);
            Host host = new Host(new RegionGuestMemory(List.of(new MemoryRegion(RAM, ram, false))));
            FixedReplyDevice backend = new FixedReplyDevice(FixedReplyDevice.SCMI_FEATURES, MAX_QUEUE_SIZE,
                    Responder::echo, new SplitQueueFactory());
            VirtioMmioDevice device = new VirtioMmioDevice(backend, new GuestIdentity("fuzz:1", "fuzz"), host,
                    MmioRegisters.inMemory(backend.queueCount()));
            while (data.remainingBytes() > 0) {
                switch (data.consumeInt(0, 3)) {
                    case 0 -> device.read(register(data), width(data));
                    case 1 -> write(device, data);
                    case 2 -> device.serveQueue(data.consumeInt(0, 2));
                    default -> {
                        int status = (int) device.read(STATUS, REGISTER_SIZE);
                        assertFalse((status & STATUS_DRIVER_OK) != 0 && (status & STATUS_FEATURES_OK) == 0,
                                "DRIVER_OK without FEATURES_OK: 0x" + Integer.toHexString(status));
                    }
                }
                if (host.resets > 0) {
                    assertEquals(0, host.openQueues(), "a reset left ring memory mapped");
                    host.resets = 0;
                }
            }
            device.close();
            assertEquals(0, host.openQueues(), "the guest went away and ring memory stayed mapped");
            for (int register : REGISTERS) {
                assertEquals(0, device.read(register, REGISTER_SIZE), "register 0x" + Integer.toHexString(register));
            }
        }
    }

    private static int register(FuzzedDataProvider data) {
        return data.consumeBoolean() ? data.pickValue(REGISTERS) : data.consumeInt(0, REGION_SIZE - 1);
    }

    private static int width(FuzzedDataProvider data) {
        return data.consumeInt(0, 7) == 0 ? data.pickValue(new int[] {1, 2, 8}) : REGISTER_SIZE;
    }

    /** A write; addresses and sizes are mostly ones that could work, so the queues get started. */
    private static void write(VirtioMmioDevice device, FuzzedDataProvider data) {
        int register = register(data);
        long value = switch (register) {
            case QUEUE_DESC_LOW, QUEUE_DRIVER_LOW, QUEUE_DEVICE_LOW ->
                    data.consumeBoolean() ? RAM + (data.consumeInt(0, RAM_SIZE / 16) * 16L) : data.consumeInt();
            case QUEUE_DESC_HIGH, QUEUE_DRIVER_HIGH, QUEUE_DEVICE_HIGH -> data.consumeBoolean() ? 0 : data.consumeInt();
            case QUEUE_NUM -> data.consumeBoolean() ? 1 << data.consumeInt(0, 7) : data.consumeInt();
            case QUEUE_SEL, QUEUE_NOTIFY, DEVICE_FEATURES_SEL, DRIVER_FEATURES_SEL -> data.consumeInt(-1, 3);
            case DRIVER_FEATURES -> data.consumeBoolean() ? (int) (FixedReplyDevice.SCMI_FEATURES
                    >>> (data.consumeBoolean() ? 32 : 0)) : data.consumeInt();
            case STATUS -> data.consumeInt(0, 0xFF);
            default -> data.consumeInt();
        };
        device.write(register, width(data), value);
    }

    /** The transport's side: maps ring memory from the guest's RAM and counts what is mapped. */
    private static final class Host implements MmioHost {
        private final RegionGuestMemory memory;
        private final QueueMemory[] open = new QueueMemory[2];
        int resets;

        Host(RegionGuestMemory memory) {
            this.memory = memory;
        }

        int openQueues() {
            int count = 0;
            for (QueueMemory queue : open) {
                count += queue == null ? 0 : 1;
            }
            return count;
        }

        @Override
        public QueueMemory openQueueMemory(int queue, int size, long descriptorTable, long driverArea,
                long deviceArea) throws GuestMemoryException {
            assertTrue(queue >= 0 && queue < open.length, "queue " + queue);
            assertTrue(open[queue] == null, "queue " + queue + " mapped twice");
            assertTrue(SplitRing.isValidQueueSize(size) && size <= MAX_QUEUE_SIZE, "queue size " + size);
            memory.segment(descriptorTable, SplitRing.descriptorTableSize(size), false);
            memory.segment(driverArea, SplitRing.availRingSize(size), false);
            memory.segment(deviceArea, SplitRing.usedRingSize(size), true);
            QueueMemory mapped = new QueueMemory() {
                @Override
                public MemorySegment segment(long address, long length, boolean writable) throws GuestMemoryException {
                    assertTrue(open[queue] == this, "queue " + queue + "'s memory used after it was released");
                    return memory.segment(address, length, writable);
                }

                @Override
                public void close() {
                    assertTrue(open[queue] == this, "queue " + queue + "'s memory released twice");
                    open[queue] = null;
                }
            };
            open[queue] = mapped;
            return mapped;
        }

        @Override
        public void queueNotified(int queue) {
            assertTrue(queue >= 0 && queue < open.length && open[queue] != null, "notified queue " + queue
                    + " is not mapped");
        }

        @Override
        public void raiseInterrupt() {
        }

        @Override
        public void driverStateChanged(boolean driverOk) {
        }

        @Override
        public void releaseMemory() {
            resets++;
        }
    }
}
