package org.scmi.transport.xen.sim.service;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of one simulated Xen (factory PID {@value SimulatedXen#PID}). */
@ObjectClassDefinition(name = "Simulated Xen",
        description = "A simulated hypervisor with its XenStore and simulated guests, which the Xen transport "
                + "serves as it serves real Xen guests: for trying the Xen path without Xen.")
public @interface SimulatedXenConfig {

    @AttributeDefinition(name = "Guests", description = "How many simulated guests run in it (domids 1..N), "
            + "each probing the platform through the Base protocol and logging what it finds.", min = "0", max = "64")
    int guests() default 1;

    @AttributeDefinition(name = "Commands per second", description = "After its probe, each guest sends a steady "
            + "mix of commands at this rate (sensor reads, CPU clock rate sets, power domain votes) with a sensor trip "
            + "point subscribed, and checks every answer (shell command xenGuests); 0 = it only listens for "
            + "notifications.", min = "0", max = "1000")
    int commands_per_second() default 0;

    @AttributeDefinition(name = "Guests use grants", description = "Grant-encoded buffer addresses "
            + "(grant_usage=1) rather than guest-physical ones (foreign mapping).")
    boolean grants() default true;

    @AttributeDefinition(name = "Kernel fast paths", description = "The backend's simulated kernel has privcmd's "
            + "irqfd and ioeventfd (CONFIG_XEN_PRIVCMD_EVENTFD), which stock kernels lack.")
    boolean kernel_fast_paths() default false;

    @AttributeDefinition(name = "XenStore socket", description = "Where the simulated XenStore listens; empty = "
            + "a new folder under java.io.tmpdir, named in the log.", required = false)
    String xenstore_socket() default "";
}
