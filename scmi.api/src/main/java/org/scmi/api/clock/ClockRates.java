package org.scmi.api.clock;

import java.util.List;

/** The rates a clock can run at: a list of discrete rates, or a linear range. */
public sealed interface ClockRates {

    /** Lowest rate in Hz. */
    long min();

    /** Highest rate in Hz. */
    long max();

    /** Whether the clock can run at exactly {@code rate} Hz. */
    boolean supports(long rate);

    /**
     * Discrete rates in Hz, strictly ascending (Linux reads the first entry as the minimum and the
     * last as the maximum).
     */
    record Discrete(List<Long> rates) implements ClockRates {
        public Discrete {
            rates = List.copyOf(rates);
            if (rates.isEmpty()) {
                throw new IllegalArgumentException("a clock needs at least one rate");
            }
            for (int i = 0; i < rates.size(); i++) {
                if (rates.get(i) <= 0 || i > 0 && rates.get(i) <= rates.get(i - 1)) {
                    throw new IllegalArgumentException("rates must be positive and strictly ascending: " + rates);
                }
            }
        }

        @Override
        public long min() {
            return rates.getFirst();
        }

        @Override
        public long max() {
            return rates.getLast();
        }

        @Override
        public boolean supports(long rate) {
            return rates.contains(rate);
        }
    }

    /** Every rate {@code min + k * step} up to {@code max}, in Hz. */
    record Range(long min, long max, long step) implements ClockRates {
        public Range {
            if (min <= 0 || max < min || step <= 0 || (max - min) % step != 0) {
                throw new IllegalArgumentException("range needs 0 < min <= max and a step dividing max - min: "
                        + min + ".." + max + " step " + step);
            }
        }

        @Override
        public boolean supports(long rate) {
            return rate >= min && rate <= max && (rate - min) % step == 0;
        }
    }
}
