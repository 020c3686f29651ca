package org.scmi.transport.xen;

import java.util.List;
import java.util.Map;
import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.scmi.transport.xen.backend.XenBackend;

/**
 * Shell commands (scope {@code xen}) for the Xen guests' devices: which are served, whether each
 * was taken over from a previous server process, and removing them for good, which a stop of the
 * server no longer does by itself.
 */
@Component(service = XenCommands.class, property = {
    "osgi.command.scope=xen",
    "osgi.command.function=devices",
    "osgi.command.function=remove"
})
public final class XenCommands {
    private final XenTransport transport;

    @Activate
    public XenCommands(@Reference XenTransport transport) {
        this.transport = transport;
    }

    @Descriptor("list the Xen guests' devices this server serves: guest domain and device, IOREQ server, whether "
            + "it was taken over from a previous server process, and what the driver set up")
    public String devices() {
        StringBuilder table = new StringBuilder();
        for (Map.Entry<String, List<XenBackend.DeviceView>> hypervisor : transport.devices().entrySet()) {
            table.append(hypervisor.getKey()).append(System.lineSeparator());
            table.append(String.format("  %-10s %-6s %-11s %s%n", "DEVICE", "IOREQ", "TAKEN OVER", "REGISTERS"));
            for (XenBackend.DeviceView device : hypervisor.getValue()) {
                table.append(String.format("  %-10s %-6d %-11s %s%n", device.description().key(), device.ioreqServer(),
                        device.takenOver() ? "yes" : "no", device.registers()));
            }
        }
        return table.isEmpty() ? "no Xen hypervisor is served" : table.toString();
    }

    @Descriptor("remove every Xen guest device for good: each guest loses its device (xenbus state Closed, IOREQ "
            + "server destroyed) instead of waiting for the next server process; use before stopping a server that "
            + "is not coming back")
    public String remove() {
        return removed(transport.remove(device -> true));
    }

    @Descriptor("remove the devices of one Xen guest for good (see 'remove')")
    public String remove(@Descriptor("the guest's domain id") int domid) {
        return removed(transport.remove(device -> device.frontendDomid() == domid));
    }

    private static String removed(int count) {
        return "removed " + count + " Xen guest device" + (count == 1 ? "" : "s");
    }
}
