package org.scmi.transport.xen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.scmi.linux.Linux;
import org.scmi.transport.xen.backend.StaticDevices;
import org.scmi.transport.xen.backend.XenBackend;
import org.scmi.transport.xen.backend.XenStoreDevices;
import org.scmi.transport.xen.frontend.SimGuestRunner;
import org.scmi.transport.xen.port.XenHypervisor;
import org.scmi.transport.xen.privcmd.PrivcmdHypervisor;
import org.scmi.transport.xen.xenstore.XenStore;
import org.scmi.virtio.device.VirtioDevice;
import org.scmi.virtio.device.VirtioDeviceIds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Xen transport: serves the virtio-scmi device (the {@link VirtioDevice} with
 * {@code virtio.device.id=32}) to every Xen guest that has one, found in XenStore or listed
 * statically. With {@code mode=sim} it runs the simulated hypervisor and simulated guests
 * instead, and logs where its XenStore socket is so that the real {@code xenstore-*} tools can
 * look at it.
 */
@Component(configurationPid = XenTransport.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true)
@Designate(ocd = XenTransportConfig.class)
public final class XenTransport {
    public static final String PID = "org.scmi.transport.xen";
    private static final Logger LOG = LoggerFactory.getLogger(XenTransport.class);

    private final List<AutoCloseable> running = new ArrayList<>();

    @Activate
    public XenTransport(@Reference(target = "(" + VirtioDevice.DEVICE_ID + "=" + VirtioDeviceIds.SCMI + ")") VirtioDevice device,
            XenTransportConfig config) throws IOException {
        List<StaticDevices.Entry> staticDevices = StaticDevices.parse("static.devices", config.static_devices());
        if (config.sim_guests() < 0) {
            throw invalid("sim.guests", config.sim_guests(), "must be 0 or more");
        }
        try {
            switch (config.mode()) {
                case "sim" -> startSimulation(device, config);
                case "real" -> startReal(device, config, staticDevices);
                case "auto" -> {
                    if (PrivcmdHypervisor.available()) {
                        startReal(device, config, staticDevices);
                    } else {
                        LOG.info("no Xen here (no /dev/xen/privcmd): the Xen transport is idle; "
                                + "set mode=sim in {} to try it with simulated guests", PID);
                    }
                }
                default -> throw invalid("mode", config.mode(), "must be auto, real or sim");
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private static IllegalArgumentException invalid(String property, Object value, String rule) {
        String message = PID + ": " + property + " = '" + value + "' " + rule;
        LOG.error(message);
        return new IllegalArgumentException(message);
    }

    private void startReal(VirtioDevice device, XenTransportConfig config,
            List<StaticDevices.Entry> staticDevices) throws IOException {
        XenHypervisor hypervisor = PrivcmdHypervisor.open();
        running.add(hypervisor);
        XenBackend backend = new XenBackend(hypervisor, device);
        running.add(0, backend);
        if (config.xenstore()) {
            XenStore store = hypervisor.openXenStore();
            running.add(1, store);
            int domid = config.backend_domid() >= 0 ? config.backend_domid() : ownDomid(store);
            XenStoreDevices devices = new XenStoreDevices(store, backend, domid);
            running.add(0, devices);
            devices.start();
            LOG.info("serving virtio-scmi to Xen guests found under {} ({})", devices.root(), hypervisor.description());
        }
        if (!staticDevices.isEmpty()) {
            StaticDevices statics = new StaticDevices(backend, staticDevices);
            running.add(0, statics);
            statics.start();
            LOG.info("serving {} statically configured Xen guest device(s)", staticDevices.size());
        }
    }

    /** Our domid as XenStore tells it (the relative key {@code domid}; dom0 has none). */
    private static int ownDomid(XenStore store) throws IOException {
        Optional<String> domid = store.read("domid");
        try {
            return domid.map(d -> Integer.parseInt(d.trim())).orElse(0);
        } catch (NumberFormatException e) {
            throw new IOException("XenStore 'domid' is '" + domid.get() + "'", e);
        }
    }

    private void startSimulation(VirtioDevice device, XenTransportConfig config) throws IOException {
        Path socket = config.sim_xenstore_socket().isBlank()
                ? Path.of(System.getProperty("java.io.tmpdir"), "scmi-xen-sim-" + Linux.getpid(), "xenstored.sock")
                : Path.of(config.sim_xenstore_socket());
        Files.createDirectories(socket.getParent());
        XenSimulation simulation = new XenSimulation(socket, device, config.sim_kernel_fast_paths());
        running.add(simulation);
        LOG.info("simulated Xen{}: XenStore at {} (try: XENSTORED_PATH={} xenstore-ls /local/domain)",
                config.sim_kernel_fast_paths() ? " with irqfd and ioeventfd" : "", socket, socket);
        for (int domid = 1; domid <= config.sim_guests(); domid++) {
            running.add(0, new SimGuestRunner(simulation, domid, config.sim_grants()));
        }
    }

    /** Stops everything in reverse order of start: guests and discovery first, the hypervisor last. */
    @Deactivate
    void close() {
        for (AutoCloseable closeable : running) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.warn("stopping the Xen transport: {}", e.toString());
            }
        }
        running.clear();
    }
}
