package org.scmi.transport.xen;

import java.io.IOException;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.osgi.service.component.ComponentContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.scmi.transport.xen.backend.DeviceDescription;
import org.scmi.transport.xen.backend.StaticDevices;
import org.scmi.transport.xen.backend.XenBackend;
import org.scmi.transport.xen.hypervisor.XenHypervisor;
import org.scmi.transport.xen.privcmd.PrivcmdHypervisor;
import org.scmi.virtio.device.VirtioDevice;
import org.scmi.virtio.device.VirtioDeviceIds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Xen transport: serves the virtio-scmi device (the {@link VirtioDevice} with
 * {@code virtio.device.id=32}) to the guests of every {@link XenHypervisor} service, found in
 * XenStore or listed statically. On a Xen host ({@code /dev/xen/privcmd} exists) it enables this
 * bundle's {@link PrivcmdHypervisor} component, which registers the real hypervisor; a simulated
 * one comes from the {@code transport.xen.sim} bundle when that is installed and configured.
 * Elsewhere it waits idle. Hypervisors come and go without restarting the transport.
 *
 * <p>Stopping (the transport's deactivation: the server stops on SIGTERM, the bundle is updated,
 * or a hypervisor goes) hands every guest over to the next server process by default: the guests'
 * devices stay, their vCPUs pause at their next register access, and the next process (or the
 * next version of this bundle) takes them over. With {@code remove.devices.on.stop} it removes
 * them instead; {@link #remove} removes devices on request.
 *
 * <p>Threads: the hypervisor services are bound and unbound on SCR's threads, serialised by this
 * object's lock; the guests' own threads are described in {@code backend}.
 */
@Component(service = XenTransport.class, configurationPid = XenTransport.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true)
@Designate(ocd = XenTransportConfig.class)
public final class XenTransport {
    public static final String PID = "org.scmi.transport.xen";
    private static final Logger LOG = LoggerFactory.getLogger(XenTransport.class);
    /** Properties this PID had while the simulator was part of the transport. */
    private static final List<String> MOVED_TO_SIMULATOR = List.of("mode", "sim.guests", "sim.grants",
            "sim.kernel.fast.paths", "sim.xenstore.socket");

    private final VirtioDevice device;
    private final XenTransportConfig config;
    private final List<StaticDevices.Entry> staticDevices;
    private final Map<XenHypervisor, ServedHypervisor> served = new IdentityHashMap<>();
    private boolean closed;

    @Activate
    public XenTransport(
            @Reference(target = "(" + VirtioDevice.DEVICE_ID + "=" + VirtioDeviceIds.SCMI + ")") VirtioDevice device,
            XenTransportConfig config, ComponentContext context, Map<String, Object> properties) {
        for (String moved : MOVED_TO_SIMULATOR) {
            if (properties.containsKey(moved)) {
                LOG.warn("{}: '{}' is ignored: the transport serves real Xen by itself, and simulated Xen comes from "
                        + "the transport.xen.sim bundle (factory PID org.scmi.transport.xen.sim)", PID, moved);
            }
        }
        this.device = device;
        this.config = config;
        this.staticDevices = StaticDevices.parse("static.devices", config.static_devices());
        if (PrivcmdHypervisor.available()) {
            context.enableComponent(PrivcmdHypervisor.class.getName());
        } else {
            LOG.info("no Xen here (no /dev/xen/privcmd): the Xen transport serves only simulated hypervisors "
                    + "(bundle transport.xen.sim, './scmi-server --xen-sim N')");
        }
    }

    /** Serves a hypervisor's guests; one that cannot be served is logged and left alone. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    synchronized void addHypervisor(XenHypervisor hypervisor) {
        if (closed || served.containsKey(hypervisor)) {
            return;
        }
        try {
            served.put(hypervisor, ServedHypervisor.start(hypervisor, device, config, staticDevices));
        } catch (IOException | RuntimeException e) {
            LOG.error("cannot serve the guests of {}: {}", hypervisor.description(), e.toString());
        }
    }

    /** Stops serving a hypervisor's guests before it goes: hands them over, or removes them if so configured. */
    synchronized void removeHypervisor(XenHypervisor hypervisor) {
        ServedHypervisor guests = served.remove(hypervisor);
        if (guests != null) {
            guests.stop();
        }
    }

    /** Every device served, by hypervisor description. */
    synchronized Map<String, List<XenBackend.DeviceView>> devices() {
        Map<String, List<XenBackend.DeviceView>> devices = new LinkedHashMap<>();
        served.values().forEach(guests -> devices.put(guests.hypervisor().description(), guests.devices()));
        return devices;
    }

    /**
     * Removes served devices for good: the guests lose them (xenbus state Closed, IOREQ servers
     * destroyed, records forgotten), as a stop did before hand-over existed.
     *
     * @param which the devices to remove
     * @return how many were removed
     */
    synchronized int remove(Predicate<DeviceDescription> which) {
        int removed = 0;
        for (ServedHypervisor guests : served.values()) {
            removed += guests.remove(which);
        }
        return removed;
    }

    /** Stops serving every hypervisor's guests: hands them over, or removes them if so configured. */
    @Deactivate
    synchronized void close() {
        closed = true;
        served.values().forEach(ServedHypervisor::stop);
        served.clear();
    }
}
