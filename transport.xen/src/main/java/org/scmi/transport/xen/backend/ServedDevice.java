package org.scmi.transport.xen.backend;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.scmi.linux.Linux;
import org.scmi.linux.LinuxException;
import org.scmi.transport.xen.abi.VirtioMmio;
import org.scmi.transport.xen.hypervisor.InterruptTrigger;
import org.scmi.transport.xen.hypervisor.IoreqServer;
import org.scmi.transport.xen.hypervisor.QueueKick;
import org.scmi.transport.xen.hypervisor.XenException;
import org.scmi.transport.xen.hypervisor.XenHypervisor;
import org.scmi.transport.xen.memory.XenGuestMemory;
import org.scmi.transport.xen.mmio.MmioHost;
import org.scmi.transport.xen.mmio.MmioRegisters;
import org.scmi.transport.xen.mmio.QueueMemory;
import org.scmi.transport.xen.mmio.VirtioMmioDevice;
import org.scmi.virtio.device.GuestIdentity;
import org.scmi.virtio.device.VirtioDevice;
import org.scmi.virtio.memory.GuestMemoryException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One device being served to a guest: its register machine over its register file, its memory,
 * its interrupt line, and its {@link QueueWorker} with one eventfd per queue: the kernel's
 * ioeventfd where the kernel has that fast path and the configuration asks for it, else one the
 * ioreq thread signals for each QueueNotify. Interrupts go through irqfd when present, else
 * set_irq_level. Closing stops the worker after the command it runs and deassigns both kernel
 * paths; the register file stays as the driver left it.
 */
final class ServedDevice implements MmioHost {
    private static final Logger LOG = LoggerFactory.getLogger(ServedDevice.class);

    private final DeviceDescription description;
    private final StateRecords.DeviceRecord record;
    private final XenHypervisor hypervisor;
    private final XenGuestMemory memory;
    private final DeviceStateListener listener;
    private final Optional<InterruptTrigger> trigger;
    private final List<QueueKick> kicks = new ArrayList<>();
    /** Queue eventfds this device created (queues the kernel's ioeventfd does not signal). */
    private final List<Integer> ownEventfds = new ArrayList<>();
    private final QueueWorker worker;
    private final VirtioMmioDevice device;

    /**
     * Sets the device up for {@code server}'s guest (nothing reaches it until its range is mapped),
     * and serves again what its register file says the driver set up, if anything.
     *
     * @param record the device's record, whose register file is fresh or was left by a previous
     *     process; the device holds it until it closes
     * @param localPorts the local event-channel port of each of the guest's vCPUs, for ioeventfd
     * @param kernelQueueNotify whether to let the kernel's ioeventfd answer QueueNotify where it can
     */
    ServedDevice(DeviceDescription description, GuestIdentity guest, XenHypervisor hypervisor,
            VirtioDevice backend, DeviceStateListener listener, StateRecords.DeviceRecord record, IoreqServer server,
            int[] localPorts, boolean kernelQueueNotify) throws XenException {
        this.description = description;
        this.record = record;
        this.hypervisor = hypervisor;
        this.memory = new XenGuestMemory(hypervisor, description.frontendDomid(), description.key(),
                description.grants());
        this.listener = listener;
        this.trigger = hypervisor.interruptTrigger(description.frontendDomid(), description.irq());
        try {
            this.worker = new QueueWorker(description.key(),
                    queueEventfds(server, localPorts, backend.queueCount(), kernelQueueNotify), this::serveQueue);
        } catch (LinuxException e) {
            releaseNotifications();
            throw new XenException("eventfds for the queues of " + description.key(), e);
        } catch (XenException | RuntimeException e) {
            releaseNotifications();
            throw e;
        }
        try {
            this.device = new VirtioMmioDevice(backend, guest, this, record.registers());
            device.resume();
        } catch (RuntimeException e) {
            worker.close();
            releaseNotifications();
            throw e;
        }
    }

    /** One eventfd per queue: the kernel's ioeventfd where it has one, else our own. */
    private int[] queueEventfds(IoreqServer server, int[] localPorts, int queueCount, boolean kernelQueueNotify)
            throws XenException, LinuxException {
        int[] fds = new int[queueCount];
        boolean kernelPath = kernelQueueNotify;
        for (int queue = 0; queue < queueCount; queue++) {
            Optional<QueueKick> kick = Optional.empty();
            if (kernelPath) {
                try {
                    kick = hypervisor.queueKick(server, localPorts, description.base() + VirtioMmio.QUEUE_NOTIFY,
                            queue);
                } catch (XenException e) {
                    LOG.info("guest {}: queue {} notifications stay on the ioreq path: {}", description.key(), queue,
                            e.getMessage());
                }
                kernelPath = kick.isPresent();
            }
            if (kick.isPresent()) {
                kicks.add(kick.get());
                fds[queue] = kick.get().eventfd();
            } else {
                fds[queue] = Linux.eventfd(Linux.EFD_NONBLOCK);
                ownEventfds.add(fds[queue]);
            }
        }
        return fds;
    }

    private void serveQueue(int queue) {
        device.serveQueue(queue);
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

    Optional<String> bufferAddressing() {
        return memory.bufferAddressing();
    }

    /** What the driver set up, for administration. */
    MmioRegisters registers() {
        return device.registers();
    }

    // ------------------------------------------------------------ MmioHost

    @Override
    public QueueMemory openQueueMemory(int queue, int size, long descriptorTable, long driverArea, long deviceArea)
            throws GuestMemoryException {
        return memory.openQueue(size, descriptorTable, driverArea, deviceArea);
    }

    @Override
    public void queueNotified(int queue) {
        try {
            worker.signal(queue);
        } catch (LinuxException e) {
            LOG.error("guest {}: queue {} notification not passed on: {}", description.key(), queue, e.getMessage());
        }
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

    /**
     * Stops the worker (after the command in progress), closes the device, then its notification
     * paths, and unmaps its register file (the record stays).
     */
    void close() {
        worker.close();
        device.close();
        releaseNotifications();
        record.close();
    }

    private void releaseNotifications() {
        kicks.forEach(QueueKick::close);
        kicks.clear();
        ownEventfds.forEach(Linux::close);
        ownEventfds.clear();
        trigger.ifPresent(InterruptTrigger::close);
    }
}
