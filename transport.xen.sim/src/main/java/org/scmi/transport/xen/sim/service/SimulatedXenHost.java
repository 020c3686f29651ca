package org.scmi.transport.xen.sim.service;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;
import org.scmi.transport.xen.sim.SimDeviceServer;
import org.scmi.transport.xen.sim.SimHypervisor;
import org.scmi.transport.xen.sim.guest.SimToolstack;
import org.scmi.transport.xen.xenstore.XenStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A simulated Xen hosted in this process for a server in another one, as real Xen is: the
 * hypervisor with its XenStore ({@code xenstored.sock}), its {@code /dev/xen} devices
 * ({@code xen-devices.sock}, see {@link SimDeviceServer}) and the device models' run directory,
 * all in the configured folder, and simulated guests that ask the platform's Base version
 * periodically and log the pauses they see. No Xen transport of this process serves them: a
 * server attaches to the folder's devices socket ({@link AttachedSimulatedXen}), and may be
 * killed and started again while the guests keep running.
 */
@Component(configurationPid = SimulatedXenHost.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {}, immediate = true)
@Designate(ocd = SimulatedXenHostConfig.class, factory = true)
public final class SimulatedXenHost {
    public static final String PID = "org.scmi.transport.xen.sim.host";
    /** The socket of the simulated devices, in the host's folder. */
    public static final String DEVICES_SOCKET = "xen-devices.sock";
    /** The backend runs in dom0, as with a plain {@code xl create}. */
    private static final int BACKEND_DOMID = 0;
    /** How long a simulated vCPU waits for the device model, restarts included (real Xen: forever). */
    private static final Duration VCPU_PATIENCE = Duration.ofMinutes(10);
    private static final Logger LOG = LoggerFactory.getLogger(SimulatedXenHost.class);

    private final SimHypervisor hypervisor;
    private final SimDeviceServer devices;
    private final XenStore toolstackStore;
    private final List<SimGuestRunner> guests = new ArrayList<>();

    @Activate
    public SimulatedXenHost(SimulatedXenHostConfig config) throws IOException {
        Path folder = Path.of(config.folder()).toAbsolutePath();
        Files.createDirectories(folder);
        hypervisor = new SimHypervisor(folder.resolve("xenstored.sock"), BACKEND_DOMID, config.kernel_fast_paths());
        hypervisor.setVcpuPatience(VCPU_PATIENCE);
        try {
            devices = new SimDeviceServer(hypervisor, folder.resolve(DEVICES_SOCKET));
            toolstackStore = hypervisor.openXenStore();
        } catch (IOException | RuntimeException e) {
            hypervisor.close();
            throw e;
        }
        SimToolstack toolstack = new SimToolstack(hypervisor, toolstackStore);
        for (int domid = 1; domid <= config.guests(); domid++) {
            guests.add(new SimGuestRunner(toolstack, domid, config.grants(), config.command_period_ms(),
                    VCPU_PATIENCE.toMillis()));
        }
        LOG.info("simulated Xen host in {}: {} guest(s); attach a server with --xen-sim-attach {}", folder,
                config.guests(), folder.resolve(DEVICES_SOCKET));
    }

    /** Stops the guests, the devices (every attached server loses them) and the hypervisor. */
    @Deactivate
    void stop() {
        guests.forEach(SimGuestRunner::close);
        guests.clear();
        toolstackStore.close();
        devices.close();
        hypervisor.close();
    }
}
