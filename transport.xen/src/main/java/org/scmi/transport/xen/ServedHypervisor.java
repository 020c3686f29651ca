package org.scmi.transport.xen;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.scmi.transport.xen.backend.StaticDevices;
import org.scmi.transport.xen.backend.XenBackend;
import org.scmi.transport.xen.backend.XenStoreDevices;
import org.scmi.transport.xen.hypervisor.XenHypervisor;
import org.scmi.transport.xen.xenstore.XenStore;
import org.scmi.virtio.device.VirtioDevice;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The guests of one hypervisor, served: the per-guest backend, XenStore discovery (unless turned
 * off) and the statically configured devices. Closing stops discovery first, then every guest; the
 * hypervisor itself belongs to whoever registered it and stays open.
 */
final class ServedHypervisor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ServedHypervisor.class);

    private final XenHypervisor hypervisor;
    /** In the order they are closed: discovery before the backend, the XenStore connection last. */
    private final List<AutoCloseable> running = new ArrayList<>();

    private ServedHypervisor(XenHypervisor hypervisor) {
        this.hypervisor = hypervisor;
    }

    static ServedHypervisor start(XenHypervisor hypervisor, VirtioDevice device, XenTransportConfig config,
            List<StaticDevices.Entry> staticDevices) throws IOException {
        ServedHypervisor served = new ServedHypervisor(hypervisor);
        try {
            served.serve(device, config, staticDevices);
            return served;
        } catch (IOException | RuntimeException e) {
            served.close();
            throw e;
        }
    }

    private void serve(VirtioDevice device, XenTransportConfig config, List<StaticDevices.Entry> staticDevices)
            throws IOException {
        XenBackend backend = new XenBackend(hypervisor, device);
        running.add(backend);
        if (config.xenstore()) {
            XenStore store = hypervisor.openXenStore();
            running.add(store);
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
            LOG.info("serving {} statically configured Xen guest device(s) ({})", staticDevices.size(),
                    hypervisor.description());
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

    /** Stops discovery and every guest, in reverse order of start. */
    @Override
    public void close() {
        for (AutoCloseable closeable : running) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.warn("stopping the guests of {}: {}", hypervisor.description(), e.toString());
            }
        }
        running.clear();
    }
}
