package org.scmi.transport.xen.backend;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.scmi.transport.xen.abi.IoreqSlot;
import org.scmi.transport.xen.abi.XenAbi;
import org.scmi.transport.xen.mmio.GuestErrorLog;
import org.scmi.transport.xen.port.EventChannels;
import org.scmi.transport.xen.port.IoreqServer;
import org.scmi.transport.xen.port.XenException;
import org.scmi.transport.xen.port.XenHypervisor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything held for one guest domain: its IOREQ server (one for all its devices, each device
 * one MMIO range), one event channel per vCPU on a handle of its own, and the thread that answers
 * the guest's trapped accesses.
 *
 * <p>Thread "xen-ioreq-dom&lt;N&gt;" owns the slots: it waits for ports, unmasks them, takes each
 * READY slot to INPROCESS, has the device emulate the access, publishes the answer with
 * IORESP_READY and notifies the vCPU's port. Every request is answered, including types not
 * emulated (INVALIDATE drops cached foreign mappings), or the vCPU would stay blocked. A slot
 * that is not READY when its port fires was completed by the kernel's ioeventfd path and is
 * skipped.
 */
final class XenGuestDevice {
    private static final Logger LOG = LoggerFactory.getLogger(XenGuestDevice.class);
    private static final int WAIT_MILLIS = 200;

    private final int domid;
    private final IoreqServer server;
    private final EventChannels channels;
    private final int[] localPorts;
    private final Map<Integer, Integer> vcpuOfPort = new HashMap<>();
    private final List<ServedDevice> devices = new CopyOnWriteArrayList<>();
    private final GuestErrorLog errors;
    private final Thread thread;
    private volatile boolean running = true;

    private XenGuestDevice(int domid, IoreqServer server, EventChannels channels, int[] localPorts) {
        this.domid = domid;
        this.server = server;
        this.channels = channels;
        this.localPorts = localPorts;
        for (int vcpu = 0; vcpu < localPorts.length; vcpu++) {
            vcpuOfPort.put(localPorts[vcpu], vcpu);
        }
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

    List<ServedDevice> devices() {
        return devices;
    }

    /** Routes the device's register range to this server and serves it. */
    void add(ServedDevice device, int queueCount) throws XenException {
        DeviceDescription description = device.description();
        server.mapMmio(description.base(), description.end());
        devices.add(device);
        device.startFastNotifications(server, localPorts.clone(), queueCount);
    }

    /** Stops serving a device: its range goes back to Xen (later accesses fault in the guest). */
    void remove(ServedDevice device) {
        devices.remove(device);
        device.close();
        try {
            server.unmapMmio(device.description().base(), device.description().end());
        } catch (XenException e) {
            LOG.debug("guest dom{}: unmapping the range of {}: {}", domid, device.description().key(), e.getMessage());
        }
    }

    private void run() {
        while (running) {
            int[] ports;
            try {
                ports = channels.awaitPending(WAIT_MILLIS);
                if (ports.length > 0) {
                    channels.unmask(ports);
                }
            } catch (XenException e) {
                LOG.error("guest dom{}: event channel wait failed, no longer serving: {}", domid, e.getMessage());
                return;
            }
            for (int port : ports) {
                Integer vcpu = vcpuOfPort.get(port);
                if (vcpu != null) {
                    serve(vcpu, port);
                }
            }
        }
    }

    private void serve(int vcpu, int port) {
        IoreqSlot slot = server.slot(vcpu);
        if (!slot.claim()) {
            return; // not a request, or the kernel's ioeventfd handler took it
        }
        try {
            switch (slot.type()) {
                case XenAbi.IOREQ_TYPE_COPY -> access(slot);
                case XenAbi.IOREQ_TYPE_INVALIDATE -> devices.forEach(ServedDevice::invalidateMapCache);
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
        ServedDevice device = devices.stream().filter(d -> d.handles(address)).findFirst().orElse(null);
        if (device == null) {
            errors.error("access at 0x{} outside every served device", Long.toHexString(address));
            slot.setData(slot.isRead() ? -1L : slot.data());
            return;
        }
        if (slot.isRead()) {
            slot.setData(device.read(address, size));
        } else {
            device.write(address, size, slot.data());
        }
    }

    /** Stops the thread, then unbinds the channels and destroys the server. */
    void close() {
        running = false;
        if (Thread.currentThread() != thread) {
            try {
                thread.join(2L * WAIT_MILLIS + 1000);
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
