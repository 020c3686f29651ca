package org.scmi.clock;

import java.util.List;
import org.scmi.api.ScmiException;
import org.scmi.api.ScmiStatus;
import org.scmi.api.clock.ClockRates;

/**
 * Picks the rate a CLOCK_RATE_SET gets, from its rounding flags: bit 3 the nearest rate, else
 * bit 2 the next rate up, else the next rate down. A request outside the clock's lowest and
 * highest rate is refused whatever the rounding: the clock does not support it.
 */
enum RateRounding {
    DOWN, UP, NEAREST;

    static RateRounding of(int flags) {
        if ((flags & ClockMessages.SET_ROUND_NEAREST) != 0) {
            return NEAREST;
        }
        return (flags & ClockMessages.SET_ROUND_UP) != 0 ? UP : DOWN;
    }

    long apply(ClockRates rates, long requested) throws ScmiException {
        if (Long.compareUnsigned(requested, rates.min()) < 0 || Long.compareUnsigned(requested, rates.max()) > 0) {
            throw new ScmiException(ScmiStatus.INVALID_PARAMETERS, "rate " + Long.toUnsignedString(requested)
                    + " Hz outside " + rates.min() + ".." + rates.max() + " Hz");
        }
        return switch (rates) {
            case ClockRates.Discrete discrete -> pick(discrete.rates(), requested);
            case ClockRates.Range range -> {
                long below = range.min() + (requested - range.min()) / range.step() * range.step();
                yield below == requested ? requested : choose(below, below + range.step(), requested);
            }
        };
    }

    private long pick(List<Long> ascending, long requested) {
        long below = ascending.getFirst();
        for (long rate : ascending) {
            if (rate == requested) {
                return rate;
            }
            if (rate > requested) {
                return choose(below, rate, requested);
            }
            below = rate;
        }
        return below;
    }

    /** Between two neighbouring rates around {@code requested}; ties go down. */
    private long choose(long below, long above, long requested) {
        return switch (this) {
            case DOWN -> below;
            case UP -> above;
            case NEAREST -> requested - below <= above - requested ? below : above;
        };
    }
}
