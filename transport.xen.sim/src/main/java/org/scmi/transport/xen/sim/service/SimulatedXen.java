package org.scmi.transport.xen.sim.service;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;
import org.scmi.transport.xen.hypervisor.XenHypervisor;
import org.scmi.transport.xen.sim.SimHypervisor;
import org.scmi.transport.xen.sim.guest.SimToolstack;
import org.scmi.transport.xen.xenstore.XenStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One simulated Xen per configuration: the hypervisor, registered as the {@link XenHypervisor}
 * service the Xen transport serves guests of (and as {@link SimHypervisor}, for tests that create
 * guests of their own), its XenStore on a Unix socket the real {@code xenstore-*} tools can use,
 * and the configured number of simulated guests, each created paused and booted once the
 * transport has set its device up. Deleting the configuration unregisters the service first (the
 * transport stops serving and closes the devices), then stops the guests and the hypervisor.
 */
@Component(configurationPid = SimulatedXen.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {XenHypervisor.class, SimHypervisor.class})
@Designate(ocd = SimulatedXenConfig.class, factory = true)
public final class SimulatedXen extends SimHypervisor {
    public static final String PID = "org.scmi.transport.xen.sim";
    /** The backend runs in dom0, as with a plain {@code xl create}. */
    private static final int BACKEND_DOMID = 0;
    private static final Logger LOG = LoggerFactory.getLogger(SimulatedXen.class);

    private final Path createdFolder;
    private final XenStore toolstackStore;
    private final List<SimGuestRunner> guests = new CopyOnWriteArrayList<>();

    @Activate
    public SimulatedXen(SimulatedXenConfig config) throws IOException {
        this(socketFolder(config), config);
    }

    private SimulatedXen(Path createdFolder, SimulatedXenConfig config) throws IOException {
        super(createdFolder != null ? createdFolder.resolve("xenstored.sock") : Path.of(config.xenstore_socket()),
                BACKEND_DOMID, config.kernel_fast_paths());
        this.createdFolder = createdFolder;
        try {
            this.toolstackStore = openXenStore();
        } catch (IOException | RuntimeException e) {
            stopHypervisor();
            throw e;
        }
        Path socket = xenStoreServer().socketPath();
        LOG.info("simulated Xen{}: XenStore at {} (try: XENSTORED_PATH={} xenstore-ls /local/domain)",
                config.kernel_fast_paths() ? " with irqfd and ioeventfd" : "", socket, socket);
        SimToolstack toolstack = new SimToolstack(this, toolstackStore);
        for (int domid = 1; domid <= config.guests(); domid++) {
            guests.add(new SimGuestRunner(toolstack, domid, config.grants(), config.commands_per_second()));
        }
    }

    /** A new folder for the socket when none is configured; null otherwise. */
    private static Path socketFolder(SimulatedXenConfig config) throws IOException {
        if (config.guests() < 0) {
            throw invalid("guests = " + config.guests() + " must be 0 or more");
        }
        if (config.commands_per_second() < 0) {
            throw invalid("commands.per.second = " + config.commands_per_second() + " must be 0 or more");
        }
        if (!config.xenstore_socket().isBlank()) {
            Files.createDirectories(Path.of(config.xenstore_socket()).toAbsolutePath().getParent());
            return null;
        }
        return Files.createTempDirectory("scmi-xen-sim-");
    }

    private static IllegalArgumentException invalid(String problem) {
        String message = PID + ": " + problem;
        LOG.error(message);
        return new IllegalArgumentException(message);
    }

    /** What each simulated guest is doing, in domid order. */
    public List<SimGuestStatus> guests() {
        return guests.stream().map(SimGuestRunner::status).toList();
    }

    /** Stops the guests' threads, then the hypervisor (its domains and XenStore go with it). */
    @Deactivate
    void stop() {
        guests.forEach(SimGuestRunner::close);
        guests.clear();
        toolstackStore.close();
        stopHypervisor();
    }

    /** Stops the hypervisor; a folder it made goes, with the device-model records kept in it. */
    private void stopHypervisor() {
        close();
        if (createdFolder != null) {
            try (Stream<Path> files = Files.walk(createdFolder)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(file);
                }
            } catch (IOException e) {
                LOG.warn("removing {}: {}", createdFolder, e.getMessage());
            }
        }
    }
}
