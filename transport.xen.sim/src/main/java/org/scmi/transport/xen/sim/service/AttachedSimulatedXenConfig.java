package org.scmi.transport.xen.sim.service;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of a simulated Xen in another process (factory PID {@value AttachedSimulatedXen#PID}). */
@ObjectClassDefinition(name = "Simulated Xen in another process",
        description = "Serves the guests of a simulated Xen that runs in another process and outlives this "
                + "server, as a real Xen does: for trying how guests survive a restart or a crash of the server.")
public @interface AttachedSimulatedXenConfig {

    @AttributeDefinition(name = "Devices socket", description = "The simulated Xen's /dev/xen devices: the socket "
            + "'xen-devices.sock' in the folder of its host process.")
    String devices_socket();
}
