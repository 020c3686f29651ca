package org.scmi.transport.xen.backend;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
 */
public final class XenStoreDevices implements AutoCloseable {
    /** libxl's {@code type} for virtio-scmi. */
    private static final String SCMI_TYPE = XenAbi.virtioDeviceType(VirtioDeviceIds.SCMI);
    private static final Pattern VM_UUID =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Logger LOG = LoggerFactory.getLogger(XenStoreDevices.class);

    private final XenStore store;
    private final XenBackend backend;
    private final String root;
    private final Map<String, DeviceDescription> served = new HashMap<>();
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

    /** Brings the served set in line with the store. Runs on the watch thread (serialised). */
    synchronized void rescan() {
        if (closed) {
            return; // an event queued before the watch was removed
        }
        try {
            Map<String, Boolean> present = new HashMap<>();
            for (String guest : store.directory(root)) {
                for (String devid : store.directory(root + "/" + guest)) {
                    String path = root + "/" + guest + "/" + devid;
                    present.put(path, Boolean.TRUE);
                    if (served.containsKey(path)) {
                        checkStillWanted(path);
                    } else {
                        consider(path, guest, devid);
                    }
                }
            }
            for (String path : List.copyOf(served.keySet())) {
                if (!present.containsKey(path)) {
                    LOG.info("{} was removed", path);
                    tearDown(path, false);
                }
            }
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
        if (!"1".equals(store.read(path + "/online").orElse("0"))
                || state < XenAbi.XENBUS_STATE_INITIALISING || state > XenAbi.XENBUS_STATE_CONNECTED) {
            return;
        }
        DeviceDescription description;
        try {
            description = describe(path, guest, devid);
        } catch (IllegalArgumentException e) {
            LOG.error("{}: {}; device not served", path, e.getMessage());
            writeState(path, XenAbi.XENBUS_STATE_CLOSED);
            return;
        }
        String domain = "/local/domain/" + description.frontendDomid();
        Optional<String> name = store.read(domain + "/name");
        if (name.isEmpty()) {
            LOG.warn("{}: {}/name is not readable; the guest is named by its domain id, which changes when the "
                    + "domain is created again", path, domain);
        }
        String uuid = vmUuid(domain);
        try {
            backend.serve(description, name.orElse("dom" + description.frontendDomid()), uuid,
                    driverOk -> stateWriter.execute(() -> writeState(path,
                            driverOk ? XenAbi.XENBUS_STATE_CONNECTED : XenAbi.XENBUS_STATE_INIT_WAIT)));
        } catch (XenException | RuntimeException e) {
            LOG.error("{}: cannot serve guest {}: {}", path, description.frontendDomid(), e.getMessage());
            writeState(path, XenAbi.XENBUS_STATE_CLOSED);
            return;
        }
        served.put(path, description);
        writeState(path, XenAbi.XENBUS_STATE_INIT_WAIT);
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
            writeState(path, XenAbi.XENBUS_STATE_CLOSED);
        }
    }

    private void writeState(String path, int state) {
        try {
            // Only while the directory exists: libxl may have removed it already.
            store.transaction(ops -> {
                if (ops.read(path + "/state").isPresent()) {
                    ops.write(path + "/state", Integer.toString(state));
                }
                return null;
            });
        } catch (XenStoreException e) {
            LOG.warn("{}: writing state {} failed: {}", path, state, e.getMessage());
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
