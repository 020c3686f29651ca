package org.scmi.transport.xen.sim.service;

import java.io.IOException;
import java.nio.file.Path;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;
import org.scmi.transport.xen.hypervisor.XenHypervisor;
import org.scmi.transport.xen.sim.RemoteSimHypervisor;

/**
 * A simulated Xen running in another process (a {@link SimulatedXenHost}, or a test), attached
 * through its devices socket and registered as the {@link XenHypervisor} service the Xen
 * transport serves guests of, one per configuration. The simulation outlives this server: kill the
 * server, start another one with the same configuration, and it takes the guests over.
 */
@Component(configurationPid = AttachedSimulatedXen.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = XenHypervisor.class)
@Designate(ocd = AttachedSimulatedXenConfig.class, factory = true)
public final class AttachedSimulatedXen extends RemoteSimHypervisor {
    public static final String PID = "org.scmi.transport.xen.sim.remote";

    @Activate
    public AttachedSimulatedXen(AttachedSimulatedXenConfig config) throws IOException {
        super(Path.of(config.devices_socket()));
    }

    @Deactivate
    void stop() {
        close();
    }
}
