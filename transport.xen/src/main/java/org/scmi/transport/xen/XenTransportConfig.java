package org.scmi.transport.xen;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the Xen transport (PID {@value XenTransport#PID}). */
@ObjectClassDefinition(name = "SCMI Xen transport",
        description = "Serves virtio-scmi to Xen guests from this domain: virtio-mmio through IOREQ, "
                + "grants or foreign mapping, event channels, devices found in XenStore or listed statically.")
public @interface XenTransportConfig {

    @AttributeDefinition(name = "Backend domain id", description = "The domain this server runs in; "
            + "-1 reads it from XenStore ('domid', 0 if absent).")
    int backend_domid() default -1;

    @AttributeDefinition(name = "Discover devices in XenStore", description = "Watch "
            + "/local/domain/<backend>/backend/virtio for devices of type virtio,device20 written by libxl.")
    boolean xenstore() default true;

    @AttributeDefinition(name = "Static devices", description = "Devices of dom0less guests, one per entry: "
            + "domid=<guest>,base=<MMIO base>,irq=<GIC INTID>,grant_usage=<0|1>[,devid=<n>][,name=<agent name>]",
            required = false)
    String[] static_devices() default {};

    @AttributeDefinition(name = "State directory", description = "Where the server keeps, on a Xen host, what the "
            + "next server process needs to take its guests over: each guest's IOREQ server id and each device's "
            + "register file. A run directory (tmpfs) of this host; read when the server starts.")
    String state_dir() default "/run/scmi-server/xen";

    @AttributeDefinition(name = "Remove devices when stopping", description = "When the server (or this "
            + "transport) stops, close every Xen device it serves: the guests' devices go away (xenbus state "
            + "Closed, IOREQ servers destroyed), as for 'xen:remove'. By default a stop hands the devices over: "
            + "the guests pause until the next server process takes them over.")
    boolean remove_devices_on_stop() default false;

    @AttributeDefinition(name = "Kernel ioeventfd", description = "Let the backend kernel answer QueueNotify "
            + "writes itself (privcmd ioeventfd, CONFIG_XEN_PRIVCMD_EVENTFD). Saves a trip through the server per "
            + "notification, but the kernel keeps it after the server dies, holding the guests' event channels: "
            + "after a crash no server can take those guests over until they are restarted. A planned stop "
            + "removes it first.")
    boolean kernel_ioeventfd() default false;
}
