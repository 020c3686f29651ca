package org.scmi.transport.xen;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.scmi.transport.xen.backend.DeviceDescription;
import org.scmi.transport.xen.backend.StateRecords;
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
 * off) and the statically configured devices, with their records in the hypervisor's state
 * directory. One server process at a time serves a hypervisor's guests: it holds the directory's
 * lock, and a server started while another holds it waits for that one to stop, then takes its
 * guests over (a hand-over without a gap for the JVM to start).
 *
 * <p>Stopping either hands the guests over (discovery stops, devices are left to the next
 * process, nothing is written to XenStore) or removes every device (Closed, IOREQ servers
 * destroyed); the hypervisor itself belongs to whoever registered it and stays open.
 *
 * <p>Threads: started and stopped on the transport's threads (serialised by this object's lock);
 * a server waiting for the lock waits on a thread of its own, "xen-takeover-wait".
 */
final class ServedHypervisor {
    private static final Logger LOG = LoggerFactory.getLogger(ServedHypervisor.class);

    private final XenHypervisor hypervisor;
    private final XenTransportConfig config;
    private final StateRecords records;
    private XenBackend backend;
    private XenStore store;
    private XenStoreDevices discovery;
    private StaticDevices statics;
    private boolean stopped;

    private ServedHypervisor(XenHypervisor hypervisor, XenTransportConfig config, StateRecords records) {
        this.hypervisor = hypervisor;
        this.config = config;
        this.records = records;
    }

    /**
     * Starts serving a hypervisor's guests, at once or, if another server process serves them,
     * as soon as that one stops.
     */
    static ServedHypervisor start(XenHypervisor hypervisor, VirtioDevice device, XenTransportConfig config,
            List<StaticDevices.Entry> staticDevices) throws IOException {
        ServedHypervisor served = new ServedHypervisor(hypervisor, config, openRecords(hypervisor));
        if (served.records.tryLock()) {
            served.serve(device, staticDevices);
        } else {
            Path lock = served.records.directory().orElseThrow();
            LOG.info("another server process serves the guests of {} (it holds {}): they are taken over as soon as "
                    + "it stops", hypervisor.description(), lock);
            Thread.ofPlatform().daemon().name("xen-takeover-wait").start(() -> served.awaitTurn(device, staticDevices));
        }
        return served;
    }

    private static StateRecords openRecords(XenHypervisor hypervisor) {
        Path directory = hypervisor.stateDirectory();
        try {
            return StateRecords.open(directory);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.warn("{}: cannot keep device state in {} ({}): its guests' devices will not survive this server "
                    + "process", hypervisor.description(), directory, e.toString());
            return StateRecords.inMemory();
        }
    }

    private void awaitTurn(VirtioDevice device, List<StaticDevices.Entry> staticDevices) {
        try {
            records.awaitLock();
        } catch (ClosedChannelException e) {
            return; // stopped while waiting
        } catch (IOException e) {
            LOG.error("waiting for the server process serving the guests of {}: {}", hypervisor.description(),
                    e.toString());
            return;
        }
        synchronized (this) {
            if (stopped) {
                return;
            }
            try {
                serve(device, staticDevices);
            } catch (IOException | RuntimeException e) {
                LOG.error("cannot serve the guests of {}: {}", hypervisor.description(), e.toString());
            }
        }
    }

    private synchronized void serve(VirtioDevice device, List<StaticDevices.Entry> staticDevices) throws IOException {
        try {
            backend = new XenBackend(hypervisor, device, records, config.kernel_ioeventfd());
            if (config.xenstore()) {
                store = hypervisor.openXenStore();
                int domid = config.backend_domid() >= 0 ? config.backend_domid() : ownDomid(store);
                discovery = new XenStoreDevices(store, backend, domid);
                discovery.start();
                LOG.info("serving virtio-scmi to Xen guests found under {} ({}; state in {})", discovery.root(),
                        hypervisor.description(), describe(records));
            }
            if (!staticDevices.isEmpty()) {
                statics = new StaticDevices(backend, staticDevices);
                statics.start();
                LOG.info("serving {} statically configured Xen guest device(s) ({}; state in {})",
                        staticDevices.size(), hypervisor.description(), describe(records));
            }
        } catch (IOException | RuntimeException e) {
            handOver();
            throw e;
        }
    }

    private static String describe(StateRecords records) {
        return records.directory().map(Path::toString).orElse("memory only");
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

    XenHypervisor hypervisor() {
        return hypervisor;
    }

    /** The devices served now (none while waiting for another server process to stop). */
    synchronized List<XenBackend.DeviceView> devices() {
        return backend == null ? List.of() : backend.devices();
    }

    /**
     * Removes the served devices that match, for good: each guest loses its device (Closed in
     * XenStore, its IOREQ server destroyed with its last device), and its record is forgotten.
     *
     * @return how many were removed
     */
    synchronized int remove(Predicate<DeviceDescription> which) {
        if (backend == null) {
            return 0;
        }
        List<DeviceDescription> removed = backend.devices().stream().map(XenBackend.DeviceView::description)
                .filter(which).toList();
        for (DeviceDescription description : removed) {
            if (discovery == null || !discovery.remove(description)) {
                backend.remove(description);
            }
        }
        return removed.size();
    }

    /** Stops as configured: hands the guests over, or removes their devices. */
    void stop() {
        if (config.remove_devices_on_stop()) {
            removeAll();
        } else {
            handOver();
        }
    }

    /** Leaves every guest to the next server process. */
    synchronized void handOver() {
        stopped = true;
        if (discovery != null) {
            discovery.handOver();
        }
        if (statics != null) {
            statics.handOver();
        }
        if (backend != null) {
            backend.handOver();
        }
        closeConnections();
    }

    /** Removes every device, then stops. */
    synchronized void removeAll() {
        stopped = true;
        if (discovery != null) {
            discovery.close();
        }
        if (statics != null) {
            statics.close();
        }
        if (backend != null) {
            backend.close();
        }
        closeConnections();
    }

    private void closeConnections() {
        if (store != null) {
            store.close();
        }
        records.close();
    }
}
