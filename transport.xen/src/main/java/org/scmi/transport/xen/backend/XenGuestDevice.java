package org.scmi.transport.xen.backend;

import java.util.Arrays;
import org.scmi.transport.xen.abi.IoreqSlot;
import org.scmi.transport.xen.abi.XenAbi;
import org.scmi.transport.xen.hypervisor.EventChannels;
import org.scmi.transport.xen.hypervisor.IoreqServer;
import org.scmi.transport.xen.hypervisor.XenException;
import org.scmi.transport.xen.hypervisor.XenHypervisor;
import org.scmi.transport.xen.mmio.GuestErrorLog;
import org.scmi.virtio.device.GuestIdentity;
import org.scmi.virtio.device.VirtioDevice;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything held for one guest domain: its IOREQ server (one for all its devices, each device
 * one MMIO range), one event channel per vCPU on a handle of its own, the vCPUs' ioreq slots
 * (views built once), and the thread that answers the guest's trapped accesses.
 *
 * <p>Thread "xen-ioreq-dom&lt;N&gt;" owns the slots: it waits for ports (no timeout; closing wakes it
 * through the handle), unmasks them, takes each READY slot to INPROCESS, has the device emulate
 * the access, publishes the answer with IORESP_READY and notifies the vCPU's port. Every request
 * is answered, including types not emulated (INVALIDATE drops cached foreign mappings), or the
 * vCPU would stay blocked. A slot that is not READY when its port fires was completed by the
 * kernel's ioeventfd path and is skipped. A register access returns as soon as the device
 * answered it: a QueueNotify only wakes the device's {@link QueueWorker}, so no vCPU waits for a
 * command, and the vCPUs of a guest share this thread without waiting behind each other's
 * commands. The loop allocates nothing per access.
 */
final class XenGuestDevice {
    private static final Logger LOG = LoggerFactory.getLogger(XenGuestDevice.class);
    private static final ServedDevice[] NO_DEVICES = new ServedDevice[0];

    private final int domid;
    private final IoreqServer server;
    private final EventChannels channels;
    private final int[] localPorts;
    private final IoreqSlot[] slots;
    /** Ports that fired, filled by each wait. */
    private final int[] fired;
    /** Replaced whole on add and remove, so the ioreq thread reads it without a lock or an iterator. */
    private volatile ServedDevice[] devices = NO_DEVICES;
    private final GuestErrorLog errors;
    private final Thread thread;
    private volatile boolean running = true;

    private XenGuestDevice(int domid, IoreqServer server, EventChannels channels, int[] localPorts) {
        this.domid = domid;
        this.server = server;
        this.channels = channels;
        this.localPorts = localPorts;
        this.slots = new IoreqSlot[localPorts.length];
        for (int vcpu = 0; vcpu < slots.length; vcpu++) {
            slots[vcpu] = server.slot(vcpu);
        }
        this.fired = new int[localPorts.length];
        this.errors = new GuestErrorLog(LOG, "dom" + domid);
        this.thread = Thread.ofPlatform().daemon().name("xen-ioreq-dom" + domid).start(this::run);
    }

    /** Creates and enables the guest's IOREQ server and binds one event channel per vCPU. */
    static XenGuestDevice open(XenHypervisor hypervisor, int domid) throws XenException {
        IoreqServer server = hypervisor.createIoreqServer(domid);
        EventChannels channels = null;
        try {
            channels = hypervisor.openEventChannels();
            int[] ports = new int[server.vcpuCount()];
            for (int vcpu = 0; vcpu < ports.length; vcpu++) {
                ports[vcpu] = channels.bindInterdomain(domid, server.slot(vcpu).vpEventPort());
            }
            LOG.info("guest dom{}: IOREQ server {} with {} vCPU event channels", domid, server.id(), ports.length);
            return new XenGuestDevice(domid, server, channels, ports);
        } catch (XenException | RuntimeException e) {
            if (channels != null) {
                channels.close();
            }
            server.close();
            throw e;
        }
    }

    int domid() {
        return domid;
    }

    ServedDevice[] devices() {
        return devices;
    }

    /** Sets a device up on this guest's server, routes its register range here and serves it. */
    synchronized ServedDevice add(DeviceDescription description, GuestIdentity guest, XenHypervisor hypervisor,
            VirtioDevice backend, DeviceStateListener listener) throws XenException {
        ServedDevice device = new ServedDevice(description, guest, hypervisor, backend, listener, server,
                localPorts.clone());
        try {
            server.mapMmio(description.base(), description.end());
        } catch (XenException | RuntimeException e) {
            device.close();
            throw e;
        }
        ServedDevice[] grown = Arrays.copyOf(devices, devices.length + 1);
        grown[grown.length - 1] = device;
        devices = grown;
        return device;
    }

    /** Stops serving a device: its range goes back to Xen (later accesses fault in the guest). */
    synchronized void remove(ServedDevice device) {
        devices = Arrays.stream(devices).filter(d -> d != device).toArray(ServedDevice[]::new);
        try {
            server.unmapMmio(device.description().base(), device.description().end());
        } catch (XenException e) {
            LOG.debug("guest dom{}: unmapping the range of {}: {}", domid, device.description().key(), e.getMessage());
        }
        device.close();
    }

    private void run() {
        try {
            while (running) {
                int count = channels.awaitPending(fired);
                if (count == 0) {
                    continue;
                }
                channels.unmask(fired, count);
                for (int i = 0; i < count; i++) {
                    int vcpu = vcpuOf(fired[i]);
                    if (vcpu >= 0) {
                        serve(vcpu, fired[i]);
                    }
                }
            }
        } catch (XenException e) {
            LOG.error("guest dom{}: event channel wait failed, no longer serving: {}", domid, e.getMessage());
        }
    }

    private int vcpuOf(int port) {
        for (int vcpu = 0; vcpu < localPorts.length; vcpu++) {
            if (localPorts[vcpu] == port) {
                return vcpu;
            }
        }
        return -1;
    }

    private void serve(int vcpu, int port) {
        IoreqSlot slot = slots[vcpu];
        if (!slot.claim()) {
            return; // not a request, or the kernel's ioeventfd handler took it
        }
        try {
            switch (slot.type()) {
                case XenAbi.IOREQ_TYPE_COPY -> access(slot);
                case XenAbi.IOREQ_TYPE_INVALIDATE -> {
                    for (ServedDevice device : devices) {
                        device.invalidateMapCache();
                    }
                }
                default -> errors.error("ioreq type {} answered without emulation", slot.type());
            }
        } catch (RuntimeException e) {
            errors.error("access at 0x{} failed: {}", Long.toHexString(slot.address()), e.toString());
        }
        slot.setState(XenAbi.STATE_IORESP_READY);
        try {
            channels.notify(port);
        } catch (XenException e) {
            errors.error("notifying vCPU {} failed: {}", vcpu, e.getMessage());
        }
    }

    private void access(IoreqSlot slot) {
        long address = slot.address();
        int size = slot.size();
        if (slot.dataIsPointer() || slot.count() != 1 || (size != 1 && size != 2 && size != 4 && size != 8)) {
            errors.error("unsupported access at 0x{}: size {}, count {}, data pointer {}", Long.toHexString(address),
                    size, slot.count(), slot.dataIsPointer());
            slot.setData(slot.isRead() ? -1L : slot.data());
            return;
        }
        ServedDevice device = deviceAt(address);
        if (device == null) {
            errors.error("access at 0x{} outside every served device", Long.toHexString(address));
            slot.setData(slot.isRead() ? -1L : slot.data());
        } else if (slot.isRead()) {
            slot.setData(device.read(address, size));
        } else {
            device.write(address, size, slot.data());
        }
    }

    private ServedDevice deviceAt(long address) {
        for (ServedDevice device : devices) {
            if (device.handles(address)) {
                return device;
            }
        }
        return null;
    }

    /** Stops the thread, then unbinds the channels and destroys the server. */
    void close() {
        running = false;
        channels.wakeUp();
        if (Thread.currentThread() != thread) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (ServedDevice device : devices) {
            remove(device);
        }
        channels.close();
        server.close();
        LOG.info("guest dom{}: IOREQ server closed", domid);
    }
}
