package org.scmi.transport.xen.backend;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.scmi.transport.xen.hypervisor.IoreqServer;
import org.scmi.transport.xen.hypervisor.XenException;
import org.scmi.transport.xen.hypervisor.XenHypervisor;
import org.scmi.virtio.device.GuestIdentity;
import org.scmi.virtio.device.VirtioDevice;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-guest device set-up both configuration paths (XenStore discovery and the static
 * dom0less list) end in: one {@link XenGuestDevice} per guest domain, one served device per
 * register range, each with its record in the {@link StateRecords}. A device whose record a
 * previous server process left is taken over (its guest's IOREQ server, its register file),
 * every other one is served new. Thread-safe; serving and removing are serialised.
 *
 * <p>Two ways to stop: {@link #handOver} leaves every guest to the next server process (the
 * guests pause), {@link #close} removes every device (the guests lose them).
 */
public final class XenBackend implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(XenBackend.class);

    /** One served device, for administration. */
    public record DeviceView(DeviceDescription description, int ioreqServer, boolean takenOver, String registers) {
    }

    private final XenHypervisor hypervisor;
    private final VirtioDevice deviceBackend;
    private final StateRecords records;
    private final boolean kernelQueueNotify;
    private final Map<Integer, XenGuestDevice> guests = new HashMap<>();
    /** Devices served here, with whether each was taken over from a previous process. */
    private final Map<String, Boolean> takenOver = new HashMap<>();
    private boolean closed;

    /** A backend keeping its records in memory, without the kernel's ioeventfd (for tests). */
    public XenBackend(XenHypervisor hypervisor, VirtioDevice deviceBackend) {
        this(hypervisor, deviceBackend, StateRecords.inMemory(), false);
    }

    /**
     * @param records where devices are recorded for the next server process (locked by the caller)
     * @param kernelQueueNotify whether to let the kernel's ioeventfd answer QueueNotify writes,
     *     which keeps a crashed server's guests from being taken over (see {@code QueueKick})
     */
    public XenBackend(XenHypervisor hypervisor, VirtioDevice deviceBackend, StateRecords records,
            boolean kernelQueueNotify) {
        this.hypervisor = hypervisor;
        this.deviceBackend = deviceBackend;
        this.records = records;
        this.kernelQueueNotify = kernelQueueNotify;
    }

    public XenHypervisor hypervisor() {
        return hypervisor;
    }

    /** Whether a previous server process left a record of this device (it can be taken over). */
    public boolean hasRecord(DeviceDescription description) {
        return records.hasDevice(description);
    }

    /**
     * Starts serving a device: taken over if a previous server process recorded it, else new.
     * The guest's IOREQ server is taken over or created with its first device.
     *
     * @param name the agent name for the guest
     * @param source who describes the device (only that source may later give it up)
     * @throws XenException if the hypervisor refused (the guest is left as it was)
     */
    public synchronized void serve(DeviceDescription description, String name, StateRecords.Source source,
            DeviceStateListener listener) throws XenException {
        if (closed) {
            throw new IllegalStateException("the Xen backend is closed");
        }
        if (find(description).isPresent()) {
            throw new IllegalStateException(description.key() + " is served already");
        }
        XenGuestDevice guest = guests.get(description.frontendDomid());
        boolean created = guest == null;
        if (created) {
            guest = XenGuestDevice.open(hypervisor, description.frontendDomid(), records);
        }
        boolean takeOver = guest.adopted() && records.hasDevice(description);
        StateRecords.DeviceRecord record = null;
        ServedDevice device = null;
        try {
            record = records.device(description, source, deviceBackend.queueCount());
            device = new ServedDevice(description, new GuestIdentity(description.key(), name), hypervisor,
                    deviceBackend, listener, record, guest.ioreqServer(), guest.localPorts(), kernelQueueNotify);
            guest.add(device, takeOver);
        } catch (XenException | RuntimeException e) {
            abandon(guest, created, device, record, description, takeOver);
            throw e;
        } catch (IOException e) {
            abandon(guest, created, device, record, description, takeOver);
            throw new XenException("recording " + description.key() + " in " + records.directory().orElseThrow(), e);
        }
        guests.put(description.frontendDomid(), guest);
        guest.start();
        takenOver.put(description.key(), takeOver);
        if (takeOver) {
            LOG.info("took over virtio device {} ({}) of guest {} at 0x{} irq {}: {}", description.key(),
                    deviceBackend.deviceId(), name, Long.toHexString(description.base()), description.irq(),
                    device.registers());
        } else {
            LOG.info("serving virtio device {} ({}) of guest {} at 0x{} irq {}, {} addressing expected",
                    description.key(), deviceBackend.deviceId(), name, Long.toHexString(description.base()),
                    description.irq(), description.grants() ? "grant" : "guest-physical");
        }
    }

    /** Undoes a failed {@link #serve}: a device taken over keeps its record, a new one loses it. */
    private void abandon(XenGuestDevice guest, boolean created, ServedDevice device, StateRecords.DeviceRecord record,
            DeviceDescription description, boolean takeOver) {
        if (device != null) {
            device.close();
        } else if (record != null) {
            record.close();
        }
        if (!takeOver) {
            records.forgetDevice(description);
        }
        if (created) {
            if (guest.adopted()) {
                guest.handOver();
            } else {
                guest.close();
                records.forgetGuest(description.frontendDomid());
            }
        }
    }

    /** Stops serving a device and forgets it; the guest's IOREQ server goes with its last device. */
    public synchronized void remove(DeviceDescription description) {
        Optional<ServedDevice> device = find(description);
        if (device.isEmpty()) {
            return;
        }
        XenGuestDevice guest = guests.get(description.frontendDomid());
        guest.remove(device.get());
        records.forgetDevice(description);
        takenOver.remove(description.key());
        if (guest.devices().length == 0 && guest.awaitedDevices().isEmpty()) {
            guests.remove(description.frontendDomid());
            guest.close();
            records.forgetGuest(description.frontendDomid());
        }
        LOG.info("stopped serving virtio device {}", description.key());
    }

    /**
     * Forgets a recorded device that is not served here and will not be taken over (its guest
     * was created anew, or is going away): its record goes, and so does its guest's IOREQ server
     * once no device of the guest is recorded or served any more.
     */
    public synchronized void forget(DeviceDescription description) {
        if (find(description).isPresent()) {
            return;
        }
        records.forgetDevice(description);
        int domid = description.frontendDomid();
        XenGuestDevice guest = guests.get(domid);
        if (guest != null) {
            guest.forgetAwaited(description);
            if (guest.devices().length == 0 && guest.awaitedDevices().isEmpty()) {
                guests.remove(domid);
                guest.close();
                records.forgetGuest(domid);
            }
            return;
        }
        if (records.devices(domid).isEmpty()) {
            destroyRecordedServer(domid);
        }
    }

    /** Destroys a guest's recorded IOREQ server this process does not use (if the guest still has it). */
    private void destroyRecordedServer(int domid) {
        OptionalInt id = records.ioreqServer(domid);
        records.forgetGuest(domid);
        if (id.isPresent()) {
            try (IoreqServer server = hypervisor.openIoreqServer(domid, id.getAsInt())) {
                LOG.info("guest dom{}: destroying IOREQ server {} of a device that is gone", domid, server.id());
            } catch (XenException e) {
                LOG.debug("guest dom{}: recorded IOREQ server {} is gone already: {}", domid, id.getAsInt(),
                        e.getMessage());
            }
        }
    }

    /**
     * Gives up every recorded device of {@code source} that it does not describe any more
     * ({@code present}: the keys it found), so that no vCPU waits for a device that is not
     * coming back.
     */
    public synchronized void settle(StateRecords.Source source, Set<String> present) {
        for (int domid : records.guests()) {
            for (StateRecords.RecordedDevice recorded : records.devices(domid)) {
                if (recorded.source() == source && !present.contains(recorded.description().key())
                        && find(recorded.description()).isEmpty()) {
                    LOG.info("{} is recorded but no longer described: forgotten", recorded.description().key());
                    forget(recorded.description());
                }
            }
        }
    }

    public synchronized boolean isServed(DeviceDescription description) {
        return find(description).isPresent();
    }

    /** Mappings of a served device's guest pages held now; empty if it is not served. */
    public synchronized Optional<Integer> mappingCount(DeviceDescription description) {
        return find(description).map(ServedDevice::mappingCount);
    }

    /** Driver errors a served device logged for its guest so far. */
    public synchronized Optional<Long> guestErrors(DeviceDescription description) {
        return find(description).map(ServedDevice::guestErrors);
    }

    /**
     * How a served device's guest addresses its buffers ("grant-encoded" or "guest-physical"),
     * as its descriptors show; empty before its first buffer or if it is not served.
     */
    public synchronized Optional<String> bufferAddressing(DeviceDescription description) {
        return find(description).flatMap(ServedDevice::bufferAddressing);
    }

    /** Every served device, by guest. */
    public synchronized List<DeviceView> devices() {
        List<DeviceView> views = new ArrayList<>();
        for (XenGuestDevice guest : guests.values()) {
            for (ServedDevice device : guest.devices()) {
                views.add(new DeviceView(device.description(), guest.ioreqServerId(),
                        takenOver.getOrDefault(device.description().key(), false), device.registers().toString()));
            }
        }
        views.sort((a, b) -> a.description().key().compareTo(b.description().key()));
        return views;
    }

    private Optional<ServedDevice> find(DeviceDescription description) {
        XenGuestDevice guest = guests.get(description.frontendDomid());
        if (guest == null) {
            return Optional.empty();
        }
        return Arrays.stream(guest.devices()).filter(d -> d.description().devid() == description.devid()).findFirst();
    }

    /**
     * Leaves every guest to the next server process: devices stop after the command they run,
     * IOREQ servers are released (not destroyed), records stay, nothing is written to XenStore.
     */
    public synchronized void handOver() {
        closed = true;
        guests.values().forEach(XenGuestDevice::handOver);
        guests.clear();
        takenOver.clear();
    }

    /** Removes every device: IOREQ servers destroyed, records forgotten. */
    @Override
    public synchronized void close() {
        closed = true;
        for (XenGuestDevice guest : guests.values()) {
            for (ServedDevice device : guest.devices()) {
                records.forgetDevice(device.description());
            }
            guest.awaitedDevices().forEach(records::forgetDevice);
            guest.close();
            records.forgetGuest(guest.domid());
        }
        guests.clear();
        takenOver.clear();
    }
}
