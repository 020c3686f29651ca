package org.scmi.transport.xen.backend;

import java.io.IOException;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.OptionalInt;
import org.scmi.linux.Errno;
import org.scmi.transport.xen.abi.IoreqSlot;
import org.scmi.transport.xen.abi.XenAbi;
import org.scmi.transport.xen.hypervisor.EventChannels;
import org.scmi.transport.xen.hypervisor.IoreqServer;
import org.scmi.transport.xen.hypervisor.XenException;
import org.scmi.transport.xen.hypervisor.XenHypervisor;
import org.scmi.transport.xen.mmio.GuestErrorLog;
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
 *
 * <p><b>Taking a guest over.</b> The IOREQ server belongs to this domain, not to the process that
 * created it: a server process that stopped or died leaves it enabled, its ranges mapped, and the
 * guest's vCPUs that touched a device since waiting in it. {@link #open} takes it over when the
 * state records name it: the page is mapped again and every vCPU's event channel, which went back
 * to unbound when the old process's handle closed, is bound again. Events sent while nobody was
 * bound are lost, so the thread starts by looking at every vCPU's slot: READY is served,
 * INPROCESS (the old process died answering it) is served again, IORESP_READY is notified; a
 * slot only ever moves forward, as Xen requires. An access to a recorded device that is not
 * served again yet waits in its slot (the vCPU stays paused) until the device is added or
 * {@linkplain #forgetAwaited given up}. No new server is created while the guest has one, so a
 * guest never loses one of its eight server slots to a restart.
 */
final class XenGuestDevice {
    private static final Logger LOG = LoggerFactory.getLogger(XenGuestDevice.class);
    private static final ServedDevice[] NO_DEVICES = new ServedDevice[0];
    private static final DeviceDescription[] NONE_AWAITED = new DeviceDescription[0];

    private final int domid;
    private final IoreqServer server;
    private final boolean adopted;
    private final EventChannels channels;
    private final int[] localPorts;
    private final IoreqSlot[] slots;
    /** Ports that fired, filled by each wait. */
    private final int[] fired;
    /** Replaced whole on add and remove, so the ioreq thread reads it without a lock or an iterator. */
    private volatile ServedDevice[] devices = NO_DEVICES;
    /** Recorded devices of an adopted guest not served again yet; replaced whole. */
    private volatile DeviceDescription[] awaited = NONE_AWAITED;
    /** Set when {@link #awaited} shrank: the thread looks at the slots it parked again. */
    private volatile boolean awaitedChanged;
    /** vCPUs whose request waits for an awaited device (ioreq thread only). */
    private final BitSet parked = new BitSet();
    private final GuestErrorLog errors;
    private Thread thread;
    private volatile boolean running = true;

    private XenGuestDevice(int domid, IoreqServer server, boolean adopted, EventChannels channels, int[] localPorts) {
        this.domid = domid;
        this.server = server;
        this.adopted = adopted;
        this.channels = channels;
        this.localPorts = localPorts;
        this.slots = new IoreqSlot[localPorts.length];
        for (int vcpu = 0; vcpu < slots.length; vcpu++) {
            slots[vcpu] = server.slot(vcpu);
        }
        this.fired = new int[localPorts.length];
        this.errors = new GuestErrorLog(LOG, "dom" + domid);
    }

    /**
     * The guest's IOREQ server, taken over if the records name one that still exists, else created
     * (and recorded before anything is mapped to it), with one event channel bound per vCPU. The
     * thread starts with {@link #start}, once the device being served is added.
     *
     * @throws XenException if the hypervisor refused; a server that could not be taken over
     *     because its event channels are bound (another process serves the guest, or the kernel
     *     ioeventfd of a process that died holds them) is left alone, not replaced
     */
    static XenGuestDevice open(XenHypervisor hypervisor, int domid, StateRecords records) throws XenException {
        OptionalInt recorded = records.ioreqServer(domid);
        IoreqServer server = null;
        if (recorded.isPresent()) {
            try {
                server = hypervisor.openIoreqServer(domid, recorded.getAsInt());
            } catch (XenException e) {
                if (e.errno() != Errno.ENOENT && e.errno() != Errno.EPERM) {
                    throw e;
                }
                LOG.warn("guest dom{}: its recorded IOREQ server {} is gone ({}); serving it afresh", domid,
                        recorded.getAsInt(), e.getMessage());
                forgetRecords(records, domid);
            }
        } else {
            forgetRecords(records, domid);
        }
        boolean adopted = server != null;
        if (!adopted) {
            server = hypervisor.createIoreqServer(domid);
            try {
                records.recordIoreqServer(domid, server.id());
            } catch (IOException e) {
                server.close();
                throw new XenException("recording IOREQ server " + server.id() + " of guest " + domid, e);
            }
        }
        EventChannels channels = null;
        try {
            channels = hypervisor.openEventChannels();
            int[] ports = new int[server.vcpuCount()];
            for (int vcpu = 0; vcpu < ports.length; vcpu++) {
                ports[vcpu] = bind(channels, domid, server, vcpu, adopted);
            }
            XenGuestDevice guest = new XenGuestDevice(domid, server, adopted, channels, ports);
            if (adopted) {
                guest.awaited = records.devices(domid).stream().map(StateRecords.RecordedDevice::description)
                        .toArray(DeviceDescription[]::new);
                LOG.info("guest dom{}: took over IOREQ server {} with {} vCPU event channels", domid, server.id(),
                        ports.length);
            } else {
                LOG.info("guest dom{}: IOREQ server {} with {} vCPU event channels", domid, server.id(), ports.length);
            }
            return guest;
        } catch (XenException | RuntimeException e) {
            if (channels != null) {
                channels.close();
            }
            if (adopted) {
                server.release(); // still the guest's: whoever holds its channels may be serving it
            } else {
                server.close();
                records.forgetGuest(domid);
            }
            throw e;
        }
    }

    private static void forgetRecords(StateRecords records, int domid) {
        records.forgetGuest(domid);
        records.devices(domid).forEach(device -> records.forgetDevice(device.description()));
    }

    private static int bind(EventChannels channels, int domid, IoreqServer server, int vcpu, boolean adopted)
            throws XenException {
        try {
            return channels.bindInterdomain(domid, server.slot(vcpu).vpEventPort());
        } catch (XenException e) {
            if (adopted && e.errno() == Errno.EINVAL) {
                throw new XenException("guest dom" + domid + " cannot be taken over: the event channel of its vCPU "
                        + vcpu + " is still bound, either by another process serving it or by the kernel ioeventfd "
                        + "of a server that died (privcmd keeps it until the module is unloaded); restart the guest",
                        Errno.EINVAL);
            }
            throw e;
        }
    }

    int domid() {
        return domid;
    }

    int ioreqServerId() {
        return server.id();
    }

    boolean adopted() {
        return adopted;
    }

    IoreqServer ioreqServer() {
        return server;
    }

    /** The local event-channel port of each vCPU (a copy). */
    int[] localPorts() {
        return localPorts.clone();
    }

    ServedDevice[] devices() {
        return devices;
    }

    /** Starts answering the guest's accesses (once; the first thing it does is look at every slot). */
    synchronized void start() {
        if (thread == null) {
            thread = Thread.ofPlatform().daemon().name("xen-ioreq-dom" + domid).start(this::run);
        }
    }

    /**
     * Sets a device up on this guest's server, routes its register range here and serves it. The
     * range of a device taken over is mapped already (a second mapping fails with EEXIST, which
     * is then not an error).
     */
    synchronized void add(ServedDevice device, boolean takenOver) throws XenException {
        DeviceDescription description = device.description();
        try {
            server.mapMmio(description.base(), description.end());
        } catch (XenException e) {
            if (!(takenOver && adopted && e.errno() == Errno.EEXIST)) {
                throw e;
            }
        }
        ServedDevice[] grown = Arrays.copyOf(devices, devices.length + 1);
        grown[grown.length - 1] = device;
        devices = grown;
        forgetAwaited(description);
    }

    /**
     * A recorded device of this guest will not be served again: accesses waiting for it are
     * answered as to no device (reads all ones).
     */
    void forgetAwaited(DeviceDescription description) {
        DeviceDescription[] before = awaited;
        DeviceDescription[] after = Arrays.stream(before).filter(d -> d.devid() != description.devid())
                .toArray(DeviceDescription[]::new);
        if (after.length != before.length) {
            awaited = after;
            awaitedChanged = true;
            channels.wakeUp();
        }
    }

    /** Recorded devices of this guest not served again yet. */
    List<DeviceDescription> awaitedDevices() {
        return List.of(awaited);
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
            scanAll();
            while (running) {
                int count = channels.awaitPending(fired);
                if (awaitedChanged) {
                    awaitedChanged = false;
                    serveParked();
                }
                if (count == 0) {
                    continue;
                }
                channels.unmask(fired, count);
                for (int i = 0; i < count; i++) {
                    int vcpu = vcpuOf(fired[i]);
                    if (vcpu >= 0 && slots[vcpu].claim()) {
                        serve(vcpu); // not claimed: not a request, or the kernel's ioeventfd handler took it
                    }
                }
            }
        } catch (XenException e) {
            LOG.error("guest dom{}: event channel wait failed, no longer serving: {}", domid, e.getMessage());
        }
    }

    /**
     * Every vCPU's slot, once, before waiting for events: a guest taken over has vCPUs whose event
     * reached nobody. Moves each slot forward only.
     */
    private void scanAll() {
        for (int vcpu = 0; vcpu < slots.length && running; vcpu++) {
            IoreqSlot slot = slots[vcpu];
            switch (slot.state()) {
                case XenAbi.STATE_IOREQ_READY -> {
                    if (slot.claim()) {
                        LOG.info("guest dom{}: vCPU {} has been waiting for an access since before this server took "
                                + "it over; answering it", domid, vcpu);
                        serve(vcpu);
                    }
                }
                case XenAbi.STATE_IOREQ_INPROCESS -> {
                    LOG.info("guest dom{}: vCPU {} waits for an access the previous server was answering; answering "
                            + "it again", domid, vcpu);
                    serve(vcpu);
                }
                case XenAbi.STATE_IORESP_READY -> notify(vcpu);
                default -> { } // no request
            }
        }
    }

    private void serveParked() {
        for (int vcpu = parked.nextSetBit(0); vcpu >= 0; vcpu = parked.nextSetBit(vcpu + 1)) {
            parked.clear(vcpu);
            serve(vcpu);
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

    /** Answers the request in a claimed (INPROCESS) slot, unless it waits for an awaited device. */
    private void serve(int vcpu) {
        IoreqSlot slot = slots[vcpu];
        try {
            switch (slot.type()) {
                case XenAbi.IOREQ_TYPE_COPY -> {
                    if (!access(slot)) {
                        parked.set(vcpu);
                        return;
                    }
                }
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
        notify(vcpu);
    }

    private void notify(int vcpu) {
        try {
            channels.notify(localPorts[vcpu]);
        } catch (XenException e) {
            errors.error("notifying vCPU {} failed: {}", vcpu, e.getMessage());
        }
    }

    /** Emulates one access; false if it is for an awaited device (the slot is left as it is). */
    private boolean access(IoreqSlot slot) {
        long address = slot.address();
        int size = slot.size();
        if (slot.dataIsPointer() || slot.count() != 1 || (size != 1 && size != 2 && size != 4 && size != 8)) {
            errors.error("unsupported access at 0x{}: size {}, count {}, data pointer {}", Long.toHexString(address),
                    size, slot.count(), slot.dataIsPointer());
            slot.setData(slot.isRead() ? -1L : slot.data());
            return true;
        }
        ServedDevice device = deviceAt(address);
        if (device == null) {
            if (isAwaited(address)) {
                return false;
            }
            errors.error("access at 0x{} outside every served device", Long.toHexString(address));
            slot.setData(slot.isRead() ? -1L : slot.data());
        } else if (slot.isRead()) {
            slot.setData(device.read(address, size));
        } else {
            device.write(address, size, slot.data());
        }
        return true;
    }

    private ServedDevice deviceAt(long address) {
        for (ServedDevice device : devices) {
            if (device.handles(address)) {
                return device;
            }
        }
        return null;
    }

    private boolean isAwaited(long address) {
        for (DeviceDescription description : awaited) {
            if (Long.compareUnsigned(address, description.base()) >= 0
                    && Long.compareUnsigned(address, description.end()) <= 0) {
                return true;
            }
        }
        return false;
    }

    /** Stops the thread after the access it is answering, if any. */
    private void stopThread() {
        running = false;
        channels.wakeUp();
        Thread running;
        synchronized (this) {
            running = thread;
        }
        if (running != null && Thread.currentThread() != running) {
            try {
                running.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Leaves the guest to the next server process: the thread stops after the access it is
     * answering, every device stops after the command it is running (its kernel fast paths
     * deassigned: an ioeventfd left behind would keep the event channels bound), the event
     * channels are unbound (back to unbound, for the next process to bind) and the server is
     * released, not destroyed: its ranges stay mapped and a vCPU that touches a device meanwhile
     * waits in it. The records stay.
     */
    void handOver() {
        stopThread();
        for (ServedDevice device : devices) {
            device.close();
        }
        devices = NO_DEVICES;
        channels.close();
        server.release();
        LOG.info("guest dom{}: IOREQ server {} left for the next server process", domid, server.id());
    }

    /** Stops the thread, removes every device, then unbinds the channels and destroys the server. */
    void close() {
        stopThread();
        for (ServedDevice device : devices) {
            remove(device);
        }
        channels.close();
        server.close();
        LOG.info("guest dom{}: IOREQ server {} destroyed", domid, server.id());
    }
}
