package org.scmi.transport.xen.backend;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.scmi.transport.xen.abi.XenAbi;
import org.scmi.transport.xen.hypervisor.XenException;
import org.scmi.transport.xen.xenstore.XenStore;
import org.scmi.transport.xen.xenstore.XenStoreException;
import org.scmi.virtio.device.VirtioDeviceIds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the guests' virtio devices in XenStore, as libxl writes them (Xen 4.18+), and keeps the
 * backend's side of the xenbus handshake:
 *
 * <pre>
 * /local/domain/&lt;backend&gt;/backend/virtio/&lt;guest&gt;/&lt;devid&gt;/
 *     frontend, frontend-id, online, state, irq, base, type, transport, grant_usage
 * </pre>
 *
 * A watch on the {@code backend/virtio} directory rescans it on every event. A device of type
 * {@code virtio,device20} (virtio-scmi) in state Initialising (1) is served, then its state
 * becomes InitWait (2): the guest may be unpaused. It becomes Connected (4) when the driver reaches DRIVER_OK and goes
 * back to InitWait when the driver resets the device. A device whose directory disappears, whose
 * {@code online} becomes 0 or whose state becomes Closing (5) is torn down and, if its directory
 * is still there, marked Closed (6), which is what libxl waits for when it destroys a guest. A
 * guest that restarts gets a new directory and is served again. Keys that do not parse close the
 * device with a log line naming the key.
 *
 * <p><b>Who a guest is.</b> A guest is named by its domain's name ({@code /local/domain/<id>/name})
 * and carries its VM UUID ({@code /local/domain/<id>/vm} = {@code /vm/<uuid>}), never its domain
 * id: a domain destroyed and created again gets a new id but keeps its name and UUID, so it is the
 * same agent with the same id. Its device going away means the guest is gone for good: what its
 * agent held is released.
 *
 * <p><b>Taking over.</b> A device in InitWait or Connected was set up by a server process before
 * this one. If that process left its record, the device is taken over: nothing is written over
 * its state but what the driver's state says (Connected once DRIVER_OK, else InitWait). Without a
 * record it cannot be, and is left alone with an error naming why: serving it anew would create a
 * second IOREQ server for the guest while its vCPUs wait in the first. A device in Initialising
 * is new, whatever was recorded under its name (a guest created again with the same domid). A
 * recorded device whose directory is gone or closing is forgotten (Closed written if libxl still
 * waits for it).
 */
public final class XenStoreDevices implements AutoCloseable {
    /** libxl's {@code type} for virtio-scmi. */
    private static final String SCMI_TYPE = XenAbi.virtioDeviceType(VirtioDeviceIds.SCMI);
    private static final Pattern VM_UUID =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Logger LOG = LoggerFactory.getLogger(XenStoreDevices.class);
    /** How long a hand-over waits for queued xenbus state writes. */
    private static final long STATE_WRITES_SECONDS = 5;

    private final XenStore store;
    private final XenBackend backend;
    private final String root;
    private final Map<String, DeviceDescription> served = new HashMap<>();
    /** Devices that could not be taken over, so that each is reported once. */
    private final Set<String> refused = new HashSet<>();
    private final ExecutorService stateWriter =
            Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().name("xen-xenbus-state").factory());
    private XenStore.Watch watch;
    private boolean closed;

    /**
     * @param backendDomid the domain this backend runs in (whose {@code backend/virtio} is watched)
     */
    public XenStoreDevices(XenStore store, XenBackend backend, int backendDomid) {
        this.store = store;
        this.backend = backend;
        this.root = "/local/domain/" + backendDomid + "/backend/virtio";
    }

    /** The watched directory. */
    public String root() {
        return root;
    }

    /** Starts watching; the watch fires once at once, which serves the devices already there. */
    public void start() throws XenStoreException {
        watch = store.watch(root, path -> rescan());
    }

    /**
     * The devices found that this backend could not serve (a device it cannot take over, a guest
     * the hypervisor refused), by XenStore path: each was logged once with the reason.
     */
    public synchronized Set<String> refused() {
        return Set.copyOf(refused);
    }

    /** Brings the served set in line with the store. Runs on the watch thread (serialised). */
    synchronized void rescan() {
        if (closed) {
            return; // an event queued before the watch was removed
        }
        try {
            Set<String> present = new HashSet<>();
            Set<String> keys = new HashSet<>();
            for (String guest : store.directory(root)) {
                for (String devid : store.directory(root + "/" + guest)) {
                    String path = root + "/" + guest + "/" + devid;
                    present.add(path);
                    keys.add("xen:" + guest + "/" + devid);
                    if (served.containsKey(path)) {
                        checkStillWanted(path);
                    } else {
                        consider(path, guest, devid);
                    }
                }
            }
            for (String path : List.copyOf(served.keySet())) {
                if (!present.contains(path)) {
                    LOG.info("{} was removed", path);
                    tearDown(path, false);
                }
            }
            refused.retainAll(present);
            backend.settle(StateRecords.Source.XENSTORE, keys);
        } catch (XenStoreException e) {
            LOG.error("scanning {} failed: {}", root, e.getMessage());
        }
    }

    private void checkStillWanted(String path) throws XenStoreException {
        Optional<String> online = store.read(path + "/online");
        int state = state(path);
        if (online.isEmpty() || "0".equals(online.get()) || state == XenAbi.XENBUS_STATE_CLOSING
                || state == XenAbi.XENBUS_STATE_CLOSED) {
            LOG.info("{}: online={} state={}, closing", path, online.orElse("(none)"), state);
            tearDown(path, true);
        }
    }

    private int state(String path) throws XenStoreException {
        try {
            return Integer.parseInt(store.read(path + "/state").orElse("0").trim());
        } catch (NumberFormatException e) {
            return XenAbi.XENBUS_STATE_UNKNOWN;
        }
    }

    private void consider(String path, String guest, String devid) throws XenStoreException {
        Optional<String> type = store.read(path + "/type");
        if (type.isEmpty() || !SCMI_TYPE.equals(type.get())) {
            return; // another kind of virtio device, or not fully written yet
        }
        int state = state(path);
        boolean online = "1".equals(store.read(path + "/online").orElse("0"));
        DeviceDescription description;
        try {
            description = describe(path, guest, devid);
        } catch (IllegalArgumentException e) {
            if (online && state >= XenAbi.XENBUS_STATE_INITIALISING && state <= XenAbi.XENBUS_STATE_CONNECTED) {
                LOG.error("{}: {}; device not served", path, e.getMessage());
                writeState(path, XenAbi.XENBUS_STATE_CLOSED);
            }
            return;
        }
        boolean recorded = backend.hasRecord(description);
        if (!online || state < XenAbi.XENBUS_STATE_INITIALISING || state > XenAbi.XENBUS_STATE_CONNECTED) {
            if (recorded) {
                LOG.info("{}: online={} state={} while no server ran; its record is forgotten", path, online, state);
                backend.forget(description);
                if (state == XenAbi.XENBUS_STATE_CLOSING) {
                    writeState(path, XenAbi.XENBUS_STATE_CLOSED);
                }
            }
            return;
        }
        if (state == XenAbi.XENBUS_STATE_INITIALISING) {
            if (recorded) {
                LOG.info("{}: a new device where an old one was recorded; the record is forgotten", path);
                backend.forget(description);
            }
            if (serve(path, description)) {
                writeState(path, XenAbi.XENBUS_STATE_INIT_WAIT);
            } else {
                writeState(path, XenAbi.XENBUS_STATE_CLOSED);
            }
        } else if (recorded) {
            serve(path, description); // taken over: the driver's state decides the xenbus state
        } else if (refused.add(path)) {
            LOG.error("{}: in state {} but not recorded in {}: it was set up by another backend, or by a server that "
                    + "kept no records, and cannot be taken over; restart the guest to have it served", path, state,
                    backend.hypervisor().stateDirectory());
        }
    }

    /** Serves a device; false (logged once) if the hypervisor refused. */
    private boolean serve(String path, DeviceDescription description) throws XenStoreException {
        String domain = "/local/domain/" + description.frontendDomid();
        Optional<String> name = store.read(domain + "/name");
        if (name.isEmpty()) {
            LOG.warn("{}: {}/name is not readable; the guest is named by its domain id, which changes when the "
                    + "domain is created again", path, domain);
        }
        String uuid = vmUuid(domain);
        try {
            backend.serve(description, name.orElse("dom" + description.frontendDomid()), uuid,
                    StateRecords.Source.XENSTORE, driverOk -> stateWriter.execute(() -> updateServedState(path,
                            driverOk ? XenAbi.XENBUS_STATE_CONNECTED : XenAbi.XENBUS_STATE_INIT_WAIT)));
        } catch (XenException | RuntimeException e) {
            if (refused.add(path)) {
                LOG.error("{}: cannot serve guest {}: {}", path, description.frontendDomid(), e.getMessage());
            } else {
                LOG.debug("{}: still cannot serve guest {}: {}", path, description.frontendDomid(), e.getMessage());
            }
            return false;
        }
        refused.remove(path);
        served.put(path, description);
        return true;
    }

    /**
     * The domain's VM UUID, or empty: libxl writes {@code <domain>/vm = /vm/<uuid>} and
     * {@code /vm/<uuid>/uuid}. A backend not allowed to read them (a driver domain) gets none.
     */
    private String vmUuid(String domain) throws XenStoreException {
        Optional<String> vm = store.read(domain + "/vm");
        if (vm.isEmpty()) {
            return "";
        }
        Optional<String> uuid = store.read(vm.get().trim() + "/uuid");
        String found = uuid.orElse(vm.get().trim().substring(vm.get().trim().lastIndexOf('/') + 1)).trim();
        return VM_UUID.matcher(found).matches() ? found.toLowerCase(Locale.ROOT) : "";
    }

    /** Reads and checks the keys libxl wrote; a bad one is named in the exception. */
    private DeviceDescription describe(String path, String guest, String devid) throws XenStoreException {
        int frontend = (int) number(path, "frontend-id");
        if (!Integer.toString(frontend).equals(guest)) {
            throw new IllegalArgumentException("frontend-id " + frontend + " is not the guest " + guest
                    + " of the directory");
        }
        String transport = store.read(path + "/transport").orElse("mmio");
        if (!"mmio".equals(transport)) {
            throw new IllegalArgumentException("transport '" + transport + "' is not mmio");
        }
        int id;
        try {
            id = Integer.parseInt(devid);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("device directory '" + devid + "' is not a number");
        }
        return new DeviceDescription(frontend, id, number(path, "base"), (int) number(path, "irq"),
                number(path, "grant_usage") != 0);
    }

    private long number(String path, String key) throws XenStoreException {
        String text = store.read(path + "/" + key)
                .orElseThrow(() -> new IllegalArgumentException("key '" + key + "' is missing"));
        try {
            return DeviceDescription.parseNumber(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("key '" + key + "' = '" + text + "' is not a number");
        }
    }

    private void tearDown(String path, boolean markClosed) {
        DeviceDescription description = served.remove(path);
        if (description != null) {
            backend.remove(description);
        }
        if (markClosed) {
            updateServedState(path, XenAbi.XENBUS_STATE_CLOSED);
        }
    }

    /**
     * Writes a state change of a device this backend serves or tore down, unless a new device
     * already stands at its path (Initialising, which a served device never goes back to): a
     * teardown held by a command still running, or a driver's state change queued for the xenbus
     * writer, can land after the toolstack created the domain again under the same domid, and a
     * state written over the new device's Initialising would keep it from ever being served.
     */
    private void updateServedState(String path, int state) {
        String initialising = Integer.toString(XenAbi.XENBUS_STATE_INITIALISING);
        writeState(path, state, current -> !current.equals(initialising));
    }

    private void writeState(String path, int state) {
        writeState(path, state, current -> true);
    }

    /**
     * Writes the state if the directory still exists (libxl may have removed it) and {@code over}
     * takes its current state.
     */
    private void writeState(String path, int state, Predicate<String> over) {
        try {
            store.transaction(ops -> {
                Optional<String> current = ops.read(path + "/state");
                if (current.isPresent() && over.test(current.get().trim())) {
                    ops.write(path + "/state", Integer.toString(state));
                }
                return null;
            });
        } catch (XenStoreException e) {
            LOG.warn("{}: writing state {} failed: {}", path, state, e.getMessage());
        }
    }

    /**
     * Stops serving a device for good, as when libxl asks: torn down, its state Closed.
     *
     * @return false if it is not a device found here
     */
    public synchronized boolean remove(DeviceDescription description) {
        for (Map.Entry<String, DeviceDescription> entry : served.entrySet()) {
            if (entry.getValue().equals(description)) {
                tearDown(entry.getKey(), true);
                return true;
            }
        }
        return false;
    }

    /**
     * Stops watching and leaves every device found here to the next server process: nothing is
     * written but the state changes already queued.
     */
    public synchronized void handOver() {
        closed = true;
        if (watch != null) {
            watch.close();
        }
        served.clear();
        stateWriter.shutdown();
        try {
            if (!stateWriter.awaitTermination(STATE_WRITES_SECONDS, TimeUnit.SECONDS)) {
                LOG.warn("xenbus state writes still pending after {} s", STATE_WRITES_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops watching and stops serving every device found here (their states become Closed). */
    @Override
    public synchronized void close() {
        closed = true;
        if (watch != null) {
            watch.close();
        }
        for (String path : List.copyOf(served.keySet())) {
            tearDown(path, true);
        }
        stateWriter.shutdown();
    }
}
