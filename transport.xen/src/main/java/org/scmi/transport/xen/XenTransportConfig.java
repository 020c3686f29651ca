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
}
