package org.scmi.transport.xen.sim.guest;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.scmi.linux.LinuxException;
import org.scmi.transport.xen.abi.XenAbi;
import org.scmi.transport.xen.sim.SimDomain;
import org.scmi.transport.xen.sim.SimHypervisor;
import org.scmi.transport.xen.xenstore.XenStore;
import org.scmi.transport.xen.xenstore.XenStoreException;
import org.scmi.virtio.device.VirtioDeviceIds;

/**
 * What {@code xl create -p} and {@code xl destroy} do for a guest with
 * {@code virtio = ["type=virtio,device20,transport=mmio,grant_usage=N"]}, in the simulation: the
 * domain is created paused, libxl's backend and frontend directories are written in one
 * transaction (with libxl's permissions), and destruction asks the backend to close (online 0,
 * state Closing), waits for Closed, then removes the nodes and the domain.
 */
public final class SimToolstack {
    /** libxl's wait for a backend to close before it removes the nodes anyway (10 s there). */
    private static final long CLOSE_TIMEOUT_MILLIS = 5_000;

    private final SimHypervisor hypervisor;
    private final XenStore store;
    private final int backendDomid;

    public SimToolstack(SimHypervisor hypervisor, XenStore store) {
        this.hypervisor = hypervisor;
        this.store = store;
        this.backendDomid = hypervisor.backendDomid();
    }

    public SimHypervisor hypervisor() {
        return hypervisor;
    }

    /** The first virtio-mmio device's place in the guest, as libxl allocates it. */
    public static long deviceBase(int devid) {
        return XenAbi.GUEST_VIRTIO_MMIO_BASE + devid * XenAbi.VIRTIO_MMIO_DEVICE_SIZE;
    }

    public static int deviceIrq(int devid) {
        return XenAbi.GUEST_VIRTIO_MMIO_SPI_FIRST + devid;
    }

    public String backendPath(int domid, int devid) {
        return "/local/domain/" + backendDomid + "/backend/virtio/" + domid + "/" + devid;
    }

    /** Creates a paused guest with one virtio-scmi device (devid 0). */
    public SimDomain create(int domid, String name, int vcpus, long ramBytes, boolean grants)
            throws XenStoreException, LinuxException {
        SimDomain domain = hypervisor.createDomain(domid, vcpus, ramBytes);
        String backend = backendPath(domid, 0);
        String frontend = "/local/domain/" + domid + "/device/virtio/0";
        store.transaction(ops -> {
            ops.write("/local/domain/" + domid + "/name", name);
            ops.write("/local/domain/" + domid + "/domid", Integer.toString(domid));
            ops.write(backend + "/frontend", frontend);
            ops.write(backend + "/frontend-id", Integer.toString(domid));
            ops.write(backend + "/online", "1");
            ops.write(backend + "/state", Integer.toString(XenAbi.XENBUS_STATE_INITIALISING));
            ops.write(backend + "/irq", Integer.toString(deviceIrq(0)));
            ops.write(backend + "/base", "0x" + Long.toHexString(deviceBase(0)));
            ops.write(backend + "/type", XenAbi.virtioDeviceType(VirtioDeviceIds.SCMI));
            ops.write(backend + "/transport", "mmio");
            ops.write(backend + "/grant_usage", grants ? "1" : "0");
            ops.write(frontend + "/backend", backend);
            ops.write(frontend + "/backend-id", Integer.toString(backendDomid));
            ops.write(frontend + "/state", Integer.toString(XenAbi.XENBUS_STATE_INITIALISING));
            return null;
        });
        store.setPermissions(backend, List.of("n" + backendDomid, "r" + domid));
        store.setPermissions(frontend, List.of("n" + domid, "r" + backendDomid));
        return domain;
    }

    /** The backend's state of the guest's device, if the node exists. */
    public Optional<Integer> backendState(int domid) throws XenStoreException {
        Optional<String> state = store.read(backendPath(domid, 0) + "/state");
        return state.map(s -> Integer.parseInt(s.trim()));
    }

    /**
     * Waits until the backend's state of the guest's device is {@code state}, watching the node
     * (a watch fires once at once, then on every change).
     *
     * @return false on timeout
     */
    public boolean awaitBackendState(int domid, int state, long timeoutMillis)
            throws XenStoreException, InterruptedException {
        Semaphore changed = new Semaphore(0);
        try (XenStore.Watch watch = store.watch(backendPath(domid, 0) + "/state", path -> changed.release())) {
            long start = System.nanoTime();
            long timeout = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
            while (backendState(domid).orElse(-1) != state) {
                long left = timeout - (System.nanoTime() - start);
                if (left <= 0 || !changed.tryAcquire(left, TimeUnit.NANOSECONDS)) {
                    return backendState(domid).orElse(-1) == state;
                }
                changed.drainPermits();
            }
            return true;
        }
    }

    /**
     * Destroys a guest the way libxl does.
     *
     * @return whether the backend reached Closed before the nodes were removed
     */
    public boolean destroy(int domid) throws XenStoreException, InterruptedException {
        return destroy(domid, CLOSE_TIMEOUT_MILLIS);
    }

    /**
     * Destroys a guest the way libxl does, waiting at most {@code closeTimeoutMillis} for the
     * backend to close the device (0 when the test knows no backend runs).
     *
     * @return whether the backend reached Closed before the nodes were removed
     */
    public boolean destroy(int domid, long closeTimeoutMillis) throws XenStoreException, InterruptedException {
        String backend = backendPath(domid, 0);
        boolean closed = false;
        if (store.read(backend + "/state").isPresent()) {
            store.transaction(ops -> {
                ops.write(backend + "/online", "0");
                ops.write(backend + "/state", Integer.toString(XenAbi.XENBUS_STATE_CLOSING));
                return null;
            });
            closed = awaitBackendState(domid, XenAbi.XENBUS_STATE_CLOSED, closeTimeoutMillis);
        }
        hypervisor.destroyDomain(domid);
        store.rm(backend);
        store.rm("/local/domain/" + backendDomid + "/backend/virtio/" + domid);
        store.rm("/local/domain/" + domid);
        return closed;
    }
}
