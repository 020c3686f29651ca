package org.scmi.transport.xen.backend;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.scmi.transport.xen.memory.XenGuestMemory;
import org.scmi.transport.xen.mmio.MmioHost;
import org.scmi.transport.xen.mmio.QueueMemory;
import org.scmi.transport.xen.mmio.VirtioMmio;
import org.scmi.transport.xen.mmio.VirtioMmioDevice;
import org.scmi.transport.xen.port.InterruptTrigger;
import org.scmi.transport.xen.port.IoreqServer;
import org.scmi.transport.xen.port.QueueKick;
import org.scmi.transport.xen.port.XenException;
import org.scmi.transport.xen.port.XenHypervisor;
import org.scmi.virtio.device.GuestIdentity;
import org.scmi.virtio.device.VirtioDevice;
import org.scmi.virtio.memory.GuestMemoryException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One device being served to a guest: its register machine, its memory, its interrupt line, and
 * the kernel fast paths it got (irqfd for the interrupt, ioeventfd per queue, each with a thread
 * waiting on it). Interrupts go through irqfd when present, else set_irq_level.
 */
final class ServedDevice implements MmioHost {
    private static final Logger LOG = LoggerFactory.getLogger(ServedDevice.class);
    private static final int KICK_POLL_MILLIS = 200;

    private final DeviceDescription description;
    private final XenHypervisor hypervisor;
    private final XenGuestMemory memory;
    private final DeviceStateListener listener;
    private final Optional<InterruptTrigger> trigger;
    private final List<QueueKick> kicks = new ArrayList<>();
    private final List<Thread> kickThreads = new ArrayList<>();
    private final VirtioMmioDevice device;
    private volatile boolean closed;

    ServedDevice(DeviceDescription description, GuestIdentity guest, XenHypervisor hypervisor,
            VirtioDevice backend, DeviceStateListener listener) throws XenException {
        this.description = description;
        this.hypervisor = hypervisor;
        this.memory = new XenGuestMemory(hypervisor, description.frontendDomid());
        this.listener = listener;
        this.trigger = hypervisor.interruptTrigger(description.frontendDomid(), description.irq());
        this.device = new VirtioMmioDevice(backend, guest, this);
    }

    /** Asks the kernel to take the queues' notifications itself, where it can. */
    void startFastNotifications(IoreqServer server, int[] localPorts, int queueCount) {
        for (int queue = 0; queue < queueCount; queue++) {
            try {
                Optional<QueueKick> kick = hypervisor.queueKick(server, localPorts,
                        description.base() + VirtioMmio.QUEUE_NOTIFY, queue);
                if (kick.isEmpty()) {
                    return;
                }
                kicks.add(kick.get());
                int index = queue;
                kickThreads.add(Thread.ofPlatform().daemon().name("xen-kick-" + description.key() + "-q" + queue)
                        .start(() -> awaitKicks(kick.get(), index)));
            } catch (XenException e) {
                LOG.info("guest {}: queue {} notifications stay on the ioreq path: {}", description.key(), queue,
                        e.getMessage());
                return;
            }
        }
    }

    private void awaitKicks(QueueKick kick, int queue) {
        while (!closed) {
            try {
                if (kick.await(KICK_POLL_MILLIS)) {
                    device.fastQueueNotify(queue);
                }
            } catch (XenException e) {
                LOG.warn("guest {}: queue {} kick fd failed, notifications stay on the ioreq path: {}",
                        description.key(), queue, e.getMessage());
                return;
            }
        }
    }

    DeviceDescription description() {
        return description;
    }

    boolean handles(long address) {
        return Long.compareUnsigned(address, description.base()) >= 0
                && Long.compareUnsigned(address, description.end()) <= 0;
    }

    long read(long address, int size) {
        return device.read((int) (address - description.base()), size);
    }

    void write(long address, int size, long value) {
        device.write((int) (address - description.base()), size, value);
    }

    void invalidateMapCache() {
        memory.invalidateForeign();
    }

    /** Mappings of this guest's pages still held (0 once the driver reset the device). */
    int mappingCount() {
        return memory.mappingCount();
    }

    long guestErrors() {
        return device.guestErrors();
    }

    // ------------------------------------------------------------ MmioHost

    @Override
    public QueueMemory openQueueMemory(int queue, int size, long descriptorTable, long driverArea, long deviceArea)
            throws GuestMemoryException {
        return memory.openQueue(size, descriptorTable, driverArea, deviceArea);
    }

    @Override
    public void raiseInterrupt() {
        try {
            if (trigger.isPresent()) {
                trigger.get().trigger();
            } else {
                hypervisor.setIrqLevel(description.frontendDomid(), description.irq(), true);
            }
        } catch (XenException e) {
            LOG.warn("guest {}: raising interrupt {} failed: {}", description.key(), description.irq(), e.getMessage());
        }
    }

    @Override
    public void driverStateChanged(boolean driverOk) {
        listener.driverStateChanged(driverOk);
    }

    @Override
    public void releaseMemory() {
        memory.releaseAll();
    }

    void close() {
        closed = true;
        device.close();
        for (Thread thread : kickThreads) {
            try {
                thread.join(2L * KICK_POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        kicks.forEach(QueueKick::close);
        trigger.ifPresent(InterruptTrigger::close);
    }
}
