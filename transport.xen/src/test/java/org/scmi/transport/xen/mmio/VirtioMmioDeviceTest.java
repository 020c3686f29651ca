package org.scmi.transport.xen.mmio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.scmi.transport.xen.abi.VirtioMmio.*;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.scmi.virtio.device.GuestIdentity;
import org.scmi.virtio.device.GuestTransport;
import org.scmi.virtio.device.QueueSetup;
import org.scmi.virtio.device.VirtioDevice;
import org.scmi.virtio.device.VirtioDeviceSession;

/** The register machine against a recording session and host. */
class VirtioMmioDeviceTest {
    private static final long VERSION_1 = 1L << 32;
    private static final long ACCESS_PLATFORM = 1L << 33;
    private static final long P2A = 1L;

    private final List<String> calls = new ArrayList<>();
    private GuestTransport transport;
    private int interrupts;
    private final MmioRegisters registers = MmioRegisters.inMemory(2);
    private VirtioMmioDevice device;

    private final VirtioDevice backend = new VirtioDevice() {
        @Override
        public int deviceId() {
            return 32;
        }

        @Override
        public long features() {
            return VERSION_1 | P2A;
        }

        @Override
        public int queueCount() {
            return 2;
        }

        @Override
        public int maxQueueSize() {
            return 64;
        }

        @Override
        public VirtioDeviceSession open(GuestIdentity guest, GuestTransport guestTransport) {
            transport = guestTransport;
            return new VirtioDeviceSession() {
                @Override
                public void setFeatures(long features) {
                    calls.add("features " + Long.toHexString(features));
                }

                @Override
                public void startQueue(int queueIndex, QueueSetup setup) {
                    calls.add(String.format("start %d size %d desc %x driver %x device %x", queueIndex, setup.size(),
                            setup.descriptorTable(), setup.driverArea(), setup.deviceArea()));
                }

                @Override
                public int stopQueue(int queueIndex) {
                    calls.add("stop " + queueIndex);
                    return 0;
                }

                @Override
                public void queueNotified(int queueIndex) {
                    calls.add("notified " + queueIndex);
                }

                @Override
                public void reset() {
                    calls.add("reset");
                }

                @Override
                public void close() {
                    calls.add("close");
                }
            };
        }
    };

    private final MmioHost host = new MmioHost() {
        @Override
        public QueueMemory openQueueMemory(int queue, int size, long descriptorTable, long driverArea,
                long deviceArea) {
            calls.add("map " + queue);
            return new QueueMemory() {
                @Override
                public MemorySegment segment(long address, long length, boolean writable) {
                    throw new UnsupportedOperationException();
                }

                @Override
                public void close() {
                    calls.add("unmap " + queue);
                }
            };
        }

        @Override
        public void queueNotified(int queue) {
            calls.add("kick " + queue);
        }

        @Override
        public void raiseInterrupt() {
            interrupts++;
        }

        @Override
        public void driverStateChanged(boolean driverOk) {
            calls.add("driver ok " + driverOk);
        }

        @Override
        public void releaseMemory() {
            calls.add("release");
        }
    };

    @BeforeEach
    void open() {
        device = new VirtioMmioDevice(backend, new GuestIdentity("xen:1/0", "dom1"), host, registers);
    }

    private int read(int offset) {
        return (int) device.read(offset, 4);
    }

    private void write(int offset, int value) {
        device.write(offset, 4, Integer.toUnsignedLong(value));
    }

    private void negotiate(long features) {
        write(STATUS, STATUS_ACKNOWLEDGE);
        write(STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER);
        write(DRIVER_FEATURES_SEL, 0);
        write(DRIVER_FEATURES, (int) features);
        write(DRIVER_FEATURES_SEL, 1);
        write(DRIVER_FEATURES, (int) (features >>> 32));
        write(STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK);
    }

    @Test
    void identityRegisters() {
        assertEquals(0x74726976, read(MAGIC_VALUE));
        assertEquals(2, read(VERSION));
        assertEquals(32, read(DEVICE_ID));
        assertEquals(VENDOR, read(VENDOR_ID));
        write(DEVICE_FEATURES_SEL, 0);
        assertEquals(1, read(DEVICE_FEATURES));
        write(DEVICE_FEATURES_SEL, 1);
        assertEquals(3, read(DEVICE_FEATURES), "VERSION_1 and ACCESS_PLATFORM");
        write(DEVICE_FEATURES_SEL, 2);
        assertEquals(0, read(DEVICE_FEATURES));
        assertEquals(-1, read(SHM_LEN_LOW));
        assertEquals(0, read(CONFIG_GENERATION));
        write(QUEUE_SEL, 1);
        assertEquals(64, read(QUEUE_NUM_MAX));
        write(QUEUE_SEL, 2);
        assertEquals(0, read(QUEUE_NUM_MAX), "no third queue");
        assertEquals(0, device.guestErrors());
    }

    @Test
    void featureNegotiationHandsTheSessionTheDeviceBits() {
        negotiate(VERSION_1 | ACCESS_PLATFORM | P2A);
        assertEquals(STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK, read(STATUS));
        assertEquals(List.of("features 100000001"), calls, "ACCESS_PLATFORM is the transport's, not the device's");
    }

    @Test
    void featuresWithoutVersion1OrUnknownAreRefused() {
        negotiate(P2A);
        assertEquals(0, read(STATUS) & STATUS_FEATURES_OK);
        write(STATUS, 0);
        negotiate(VERSION_1 | (1L << 40));
        assertEquals(0, read(STATUS) & STATUS_FEATURES_OK);
        assertEquals(2, device.guestErrors());
        assertTrue(calls.stream().noneMatch(c -> c.startsWith("features")));
    }

    @Test
    void queueSetUpAndNotification() {
        negotiate(VERSION_1 | ACCESS_PLATFORM);
        write(QUEUE_SEL, 0);
        write(QUEUE_NUM, 16);
        write(QUEUE_DESC_LOW, 0x1000);
        write(QUEUE_DESC_HIGH, 0x8000_0000);
        write(QUEUE_DRIVER_LOW, 0x1100);
        write(QUEUE_DRIVER_HIGH, 0x8000_0000);
        write(QUEUE_DEVICE_LOW, 0x2000);
        write(QUEUE_DEVICE_HIGH, 0x8000_0000);
        write(QUEUE_READY, 1);
        assertEquals(1, read(QUEUE_READY));
        write(QUEUE_DESC_LOW, 0x5000); // ignored while ready
        write(QUEUE_NOTIFY, 0); // only hands the queue to the transport's worker
        write(QUEUE_NOTIFY, 1); // not ready
        device.serveQueue(0); // the worker
        write(QUEUE_READY, 0);
        device.serveQueue(0); // a notification the worker takes after the queue stopped
        assertEquals(List.of("features 100000000", "map 0",
                "start 0 size 16 desc 8000000000001000 driver 8000000000001100 device 8000000000002000", "kick 0",
                "notified 0", "stop 0", "unmap 0"), calls);
        assertEquals(2, device.guestErrors());
    }

    @Test
    void queueRulesAreEnforced() {
        write(QUEUE_NUM, 16);
        write(QUEUE_READY, 1); // before FEATURES_OK
        negotiate(VERSION_1);
        write(QUEUE_NUM, 24); // not a power of two
        write(QUEUE_READY, 1);
        write(QUEUE_NUM, 128); // above QueueNumMax
        write(QUEUE_READY, 1);
        assertEquals(0, read(QUEUE_READY));
        assertEquals(3, device.guestErrors());
        assertEquals(List.of("features 100000000"), calls);
    }

    @Test
    void interruptsAndDeviceNeedsReset() {
        negotiate(VERSION_1);
        write(STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK | STATUS_DRIVER_OK);
        transport.notifyGuest(0);
        assertEquals(INTERRUPT_USED_BUFFER, read(INTERRUPT_STATUS));
        write(INTERRUPT_ACK, INTERRUPT_USED_BUFFER);
        assertEquals(0, read(INTERRUPT_STATUS));
        transport.deviceNeedsReset("descriptor loop");
        assertEquals(INTERRUPT_CONFIG_CHANGE, read(INTERRUPT_STATUS));
        assertEquals(STATUS_DEVICE_NEEDS_RESET, read(STATUS) & STATUS_DEVICE_NEEDS_RESET);
        assertEquals(2, interrupts);
        write(STATUS, 0);
        assertEquals(0, read(STATUS));
        assertEquals(0, read(INTERRUPT_STATUS));
        assertEquals(List.of("features 100000000", "driver ok true", "reset", "release", "driver ok false"), calls);
    }

    @Test
    void wrongWidthsAndReadOnlyWritesAreGuestErrors() {
        assertEquals(0, device.read(MAGIC_VALUE, 2));
        device.write(STATUS, 1, 1);
        write(MAGIC_VALUE, 0);
        write(0x0fe, 0);
        write(LEGACY_QUEUE_PFN, 1);
        assertEquals(0, read(STATUS));
        assertEquals(5, device.guestErrors());
    }

    @Test
    void closeStopsTheSessionAndReleasesMemory() {
        device.close();
        device.close();
        assertEquals(List.of("close", "release"), calls);
        assertEquals(0, read(MAGIC_VALUE));
    }
}
