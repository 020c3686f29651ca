package org.scmi.transport.xen.backend;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.scmi.transport.xen.hypervisor.XenException;
import org.scmi.transport.xen.hypervisor.XenHypervisor;
import org.scmi.virtio.device.VirtioDevice;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-guest device set-up both configuration paths (XenStore discovery and the static
 * dom0less list) end in: one {@link XenGuestDevice} per guest domain, one served device per
 * register range. Thread-safe; serving and removing are serialised.
 */
public final class XenBackend implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(XenBackend.class);

    private final XenHypervisor hypervisor;
    private final VirtioDevice deviceBackend;
    private final Map<Integer, XenGuestDevice> guests = new HashMap<>();
    private boolean closed;

    public XenBackend(XenHypervisor hypervisor, VirtioDevice deviceBackend) {
        this.hypervisor = hypervisor;
        this.deviceBackend = deviceBackend;
    }

    public XenHypervisor hypervisor() {
        return hypervisor;
    }

    /**
     * Starts serving a device: the guest's IOREQ server is created with its first device.
     *
     * @param name the guest's name (its domain's name, or a static device's {@code name=}): the
     *     guest's identity, which stays the same when the domain is destroyed and created again
     *     with a new domain id
     * @param uuid the domain's VM UUID, or empty
     * @throws XenException if the hypervisor refused (the guest is left as it was)
     * @throws org.scmi.virtio.device.GuestRefusedException if the device has no place for the guest
     */
    public synchronized void serve(DeviceDescription description, String name, String uuid,
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
            guest = XenGuestDevice.open(hypervisor, description.frontendDomid());
        }
        try {
            guest.add(description, description.identity(name, uuid), hypervisor, deviceBackend, listener);
        } catch (XenException | RuntimeException e) {
            if (created) {
                guest.close();
            }
            throw e;
        }
        guests.put(description.frontendDomid(), guest);
        LOG.info("serving virtio device {} ({}) of guest {} at 0x{} irq {}, {} addressing expected", description.key(),
                deviceBackend.deviceId(), name, Long.toHexString(description.base()), description.irq(),
                description.grants() ? "grant" : "guest-physical");
    }

    /** Stops serving a device; the guest's IOREQ server goes with its last device. */
    public synchronized void remove(DeviceDescription description) {
        Optional<ServedDevice> device = find(description);
        if (device.isEmpty()) {
            return;
        }
        XenGuestDevice guest = guests.get(description.frontendDomid());
        guest.remove(device.get());
        if (guest.devices().length == 0) {
            guests.remove(description.frontendDomid());
            guest.close();
        }
        LOG.info("stopped serving virtio device {}", description.key());
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

    private Optional<ServedDevice> find(DeviceDescription description) {
        XenGuestDevice guest = guests.get(description.frontendDomid());
        if (guest == null) {
            return Optional.empty();
        }
        return Arrays.stream(guest.devices()).filter(d -> d.description().devid() == description.devid()).findFirst();
    }

    @Override
    public synchronized void close() {
        closed = true;
        guests.values().forEach(XenGuestDevice::close);
        guests.clear();
    }
}
