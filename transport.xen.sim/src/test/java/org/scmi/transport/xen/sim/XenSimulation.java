package org.scmi.transport.xen.sim;

import java.io.IOException;
import java.nio.file.Path;
import org.scmi.linux.LinuxException;
import org.scmi.transport.xen.backend.StateRecords;
import org.scmi.transport.xen.backend.XenBackend;
import org.scmi.transport.xen.backend.XenStoreDevices;
import org.scmi.transport.xen.sim.guest.SimToolstack;
import org.scmi.transport.xen.sim.guest.SimulatedGuest;
import org.scmi.transport.xen.xenstore.XenStore;
import org.scmi.virtio.device.VirtioDevice;

/**
 * The Xen path without Xen: the simulated hypervisor with its XenStore on a Unix socket, the
 * backend serving a device type exactly as it would on Xen (XenStore discovery, IOREQ, event
 * channels, grants or foreign mapping), and a toolstack that creates and destroys simulated
 * guests: for tests that look into the backend (what it maps, which errors it counted).
 */
public final class XenSimulation implements AutoCloseable {
    /** The backend runs in dom0, as with a plain {@code xl create}. */
    public static final int BACKEND_DOMID = 0;

    private final SimHypervisor hypervisor;
    private final XenStore backendStore;
    private final XenStore toolstackStore;
    private final StateRecords records;
    private final XenBackend backend;
    private final XenStoreDevices devices;
    private final SimToolstack toolstack;

    public XenSimulation(Path xenStoreSocket, VirtioDevice device) throws IOException {
        this(xenStoreSocket, device, false);
    }

    /**
     * @param kernelFastPaths whether the backend's kernel has privcmd's irqfd and ioeventfd (queue
     *     notifications and guest interrupts then bypass the backend's ioreq thread)
     */
    public XenSimulation(Path xenStoreSocket, VirtioDevice device, boolean kernelFastPaths)
            throws IOException {
        this.hypervisor = new SimHypervisor(xenStoreSocket, BACKEND_DOMID, kernelFastPaths);
        try {
            this.backendStore = hypervisor.openXenStore();
            this.toolstackStore = hypervisor.openXenStore();
            this.records = StateRecords.open(hypervisor.stateDirectory());
            records.tryLock();
            this.backend = new XenBackend(hypervisor, device, records, kernelFastPaths);
            this.devices = new XenStoreDevices(backendStore, backend, BACKEND_DOMID);
            this.toolstack = new SimToolstack(hypervisor, toolstackStore);
            devices.start();
        } catch (IOException | RuntimeException e) {
            hypervisor.close();
            throw e;
        }
    }

    public Path xenStoreSocket() {
        return hypervisor.xenStoreServer().socketPath();
    }

    public SimHypervisor hypervisor() {
        return hypervisor;
    }

    public XenBackend backend() {
        return backend;
    }

    public SimToolstack toolstack() {
        return toolstack;
    }

    /** Creates guest {@code domid} paused, waits for the backend, boots its driver. */
    public SimulatedGuest bootGuest(int domid, boolean grants, long timeoutMillis)
            throws IOException, InterruptedException {
        try {
            return SimulatedGuest.boot(toolstack, domid, grants, timeoutMillis);
        } catch (LinuxException e) {
            throw new IOException("creating simulated guest " + domid, e);
        }
    }

    @Override
    public void close() {
        devices.close();
        backend.close();
        records.close();
        backendStore.close();
        toolstackStore.close();
        hypervisor.close();
    }
}
