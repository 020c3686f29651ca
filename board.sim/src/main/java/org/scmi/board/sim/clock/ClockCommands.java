package org.scmi.board.sim.clock;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.scmi.api.clock.ClockRates;

/** Shell commands (scope {@code scmi}) to look at the simulated clocks and change their rates. */
@Component(service = ClockCommands.class, property = {
    "osgi.command.scope=scmi",
    "osgi.command.function=clocks",
    "osgi.command.function=clockRate"
})
public final class ClockCommands {
    private final SimulatedClocks board;

    @Activate
    public ClockCommands(@Reference SimulatedClocks board) {
        this.board = board;
    }

    @Descriptor("list the simulated clocks with their rates, states and parents")
    public String clocks() {
        StringBuilder table = new StringBuilder(String.format("%-10s %-16s %-14s %-4s %-10s %-8s %s%n", "KEY", "NAME",
                "RATE (Hz)", "ON", "PARENT", "DELAY", "RATES (Hz)"));
        for (SimulatedClock clock : board.all()) {
            table.append(String.format("%-10s %-16s %-14d %-4s %-10s %-8s %s%n", clock.clock().key(),
                    clock.clock().name(), clock.rate(), clock.enabled() ? "yes" : "no",
                    clock.parent() == null ? "-" : clock.parent(), clock.change().toMillis() + " ms",
                    describe(clock.clock().rates())));
        }
        return table.toString();
    }

    @Descriptor("change a simulated clock's rate as the platform would; subscribed agents get CLOCK_RATE_CHANGED "
            + "from agent 0")
    public String clockRate(
            @Descriptor("clock key or name, as 'clocks' lists it") String clock,
            @Descriptor("the new rate in Hz, one of the clock's rates") long hz) {
        SimulatedClock target = board.find(clock).orElse(null);
        if (target == null) {
            return "no simulated clock '" + clock + "'; type 'clocks' to list them";
        }
        try {
            board.setRateByPlatform(target, hz);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        return target.clock().name() + " now runs at " + target.rate() + " Hz";
    }

    /** The rates as a list or "min..max step s". */
    static String describe(ClockRates rates) {
        return switch (rates) {
            case ClockRates.Discrete discrete -> discrete.rates().toString();
            case ClockRates.Range range -> range.min() + ".." + range.max() + " step " + range.step();
        };
    }
}
