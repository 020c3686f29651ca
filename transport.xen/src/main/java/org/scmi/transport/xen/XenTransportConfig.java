package org.scmi.transport.xen;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/** Configuration of the Xen transport (PID {@value XenTransport#PID}). */
@ObjectClassDefinition(name = "SCMI Xen transport",
        description = "Serves virtio-scmi to Xen guests from this domain: virtio-mmio through IOREQ, "
                + "grants or foreign mapping, event channels, devices found in XenStore or listed statically.")
public @interface XenTransportConfig {

    @AttributeDefinition(name = "Mode", description = "auto: use Xen when /dev/xen/privcmd exists, else stay idle; "
            + "real: use Xen (fail if absent); sim: run the simulated hypervisor and simulated guests.",
            options = {@Option(value = "auto"), @Option(value = "real"), @Option(value = "sim")})
    String mode() default "auto";

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

    @AttributeDefinition(name = "Simulated guests", description = "mode=sim: how many simulated guests to run "
            + "(domids 1..N).", min = "0", max = "64")
    int sim_guests() default 1;

    @AttributeDefinition(name = "Simulated guests use grants", description = "mode=sim: grant-encoded buffer "
            + "addresses (grant_usage=1) rather than guest-physical ones (foreign mapping).")
    boolean sim_grants() default true;

    @AttributeDefinition(name = "Simulated kernel fast paths", description = "mode=sim: the backend's simulated "
            + "kernel has privcmd's irqfd and ioeventfd (CONFIG_XEN_PRIVCMD_EVENTFD), which stock kernels lack.")
    boolean sim_kernel_fast_paths() default false;

    @AttributeDefinition(name = "Simulated XenStore socket", description = "mode=sim: where the simulated XenStore "
            + "listens; empty = <java.io.tmpdir>/scmi-xen-sim-<pid>/xenstored.sock", required = false)
    String sim_xenstore_socket() default "";
}
