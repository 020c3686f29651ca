package org.scmi.board.sim.powercap;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.scmi.api.ScmiException;

/** Shell commands (scope {@code scmi}) to look at the simulated power capping zones and act as the platform. */
@Component(service = PowercapCommands.class, property = {
    "osgi.command.scope=scmi",
    "osgi.command.function=powercapZones",
    "osgi.command.function=powercapCap",
    "osgi.command.function=powercapDraw"
})
public final class PowercapCommands {
    private final SimulatedPowercap board;

    @Activate
    public PowercapCommands(@Reference SimulatedPowercap board) {
        this.board = board;
    }

    @Descriptor("list the simulated power capping zones with their caps, intervals and power (µW, µs)")
    public String powercapZones() {
        StringBuilder table = new StringBuilder(String.format("%-8s %-12s %-8s %-10s %-9s %-10s %-10s %s%n", "KEY", "NAME",
                "PARENT", "CAP", "INTERVAL", "POWER", "DRAW", "DOMAINS"));
        for (SimulatedZone zone : board.all()) {
            String power;
            try {
                power = Integer.toString(board.power(zone));
            } catch (ScmiException e) {
                power = "?";
            }
            table.append(String.format("%-8s %-12s %-8s %-10s %-9d %-10s %-10d %s%n", zone.zone().key(),
                    zone.zone().name(), zone.zone().parentKey() == null ? "-" : zone.zone().parentKey(),
                    zone.cap() == 0 ? "none" : Integer.toString(zone.cap()), zone.interval(), power, zone.draw(),
                    board.domains(zone)));
        }
        return table.toString();
    }

    @Descriptor("cap a simulated zone as the platform would: its performance domains are throttled to fit, "
            + "subscribed agents get POWERCAP_CAP_CHANGED from agent 0 (the lowest cap anyone wants stays in effect)")
    public String powercapCap(
            @Descriptor("zone key or name, as 'powercapZones' lists it") String zone,
            @Descriptor("the cap in µW, one of the zone's caps; 0 lifts the platform's cap") int microwatts) {
        SimulatedZone target = board.find(zone).orElse(null);
        if (target == null) {
            return "no simulated powercap zone '" + zone + "'; type 'powercapZones' to list them";
        }
        try {
            board.setCapByPlatform(target, microwatts);
        } catch (IllegalArgumentException | ScmiException e) {
            return e.getMessage();
        }
        return target.zone().name() + " capped at " + (microwatts == 0 ? "nothing" : microwatts + " µW")
                + " by the platform";
    }

    @Descriptor("set what a simulated zone draws beside its performance domains (µW): its measurements follow, and "
            + "agents whose thresholds they leave get POWERCAP_MEASUREMENTS_CHANGED")
    public String powercapDraw(
            @Descriptor("zone key or name, as 'powercapZones' lists it") String zone,
            @Descriptor("the draw in µW") int microwatts) {
        SimulatedZone target = board.find(zone).orElse(null);
        if (target == null) {
            return "no simulated powercap zone '" + zone + "'; type 'powercapZones' to list them";
        }
        if (microwatts < 0) {
            return "a draw cannot be negative";
        }
        board.setDraw(target, microwatts);
        try {
            return target.zone().name() + " draws " + board.power(target) + " µW";
        } catch (ScmiException e) {
            return e.getMessage();
        }
    }
}
