package org.scmi.transport.xen.sim.service;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of a simulated Xen hosted for a server in another process (factory PID {@value SimulatedXenHost#PID}). */
@ObjectClassDefinition(name = "Simulated Xen host",
        description = "A simulated hypervisor with its XenStore, its /dev/xen devices on a socket and simulated "
                + "guests, for a server in another process to serve (and to be killed and restarted under).")
public @interface SimulatedXenHostConfig {

    @AttributeDefinition(name = "Folder", description = "Where its sockets (xenstored.sock, xen-devices.sock) and "
            + "the device models' run directory are.")
    String folder();

    @AttributeDefinition(name = "Guests", description = "How many simulated guests run in it (domids 1..N).",
            min = "0", max = "64")
    int guests() default 1;

    @AttributeDefinition(name = "Guests use grants", description = "Grant-encoded buffer addresses "
            + "(grant_usage=1) rather than guest-physical ones (foreign mapping).")
    boolean grants() default true;

    @AttributeDefinition(name = "Kernel fast paths", description = "The backend's simulated kernel has privcmd's "
            + "irqfd and ioeventfd (CONFIG_XEN_PRIVCMD_EVENTFD).")
    boolean kernel_fast_paths() default false;

    @AttributeDefinition(name = "Command period (ms)", description = "How often each guest asks the platform's "
            + "Base version once it probed it; 0 for never.", min = "0")
    long command_period_ms() default 1000;
}
