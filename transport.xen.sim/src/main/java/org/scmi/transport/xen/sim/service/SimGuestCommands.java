package org.scmi.transport.xen.sim.service;

import java.util.List;
import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.scmi.transport.xen.sim.SimHypervisor;

/**
 * Shell command (scope {@code scmi}) showing the simulated Xen guests: what each does, and what its
 * steady load (configuration {@code commands.per.second}) has sent, got wrong and been notified of.
 */
@Component(service = SimGuestCommands.class, property = {
    "osgi.command.scope=scmi",
    "osgi.command.function=xenGuests"
})
public final class SimGuestCommands {
    private final List<SimHypervisor> hypervisors;

    @Activate
    public SimGuestCommands(@Reference(policyOption = ReferencePolicyOption.GREEDY) List<SimHypervisor> hypervisors) {
        this.hypervisors = hypervisors;
    }

    @Descriptor("list the simulated Xen guests: state, commands sent, failed, notifications received, first failure")
    public String xenGuests() {
        StringBuilder table = new StringBuilder(String.format("%-6s %-18s %10s %7s %13s %s%n", "DOMID", "STATE",
                "COMMANDS", "FAILED", "NOTIFICATIONS", "FIRST FAILURE"));
        for (SimHypervisor hypervisor : hypervisors) {
            if (hypervisor instanceof SimulatedXen xen) {
                for (SimGuestStatus guest : xen.guests()) {
                    table.append(String.format("%-6d %-18s %10d %7d %13d %s%n", guest.domid(), guest.state(),
                            guest.load().commands(), guest.load().failed(), guest.load().notifications(),
                            guest.load().firstFailure() == null ? "-" : guest.load().firstFailure()));
                }
            }
        }
        return table.toString();
    }
}
