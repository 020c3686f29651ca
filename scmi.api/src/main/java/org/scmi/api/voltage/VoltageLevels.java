package org.scmi.api.voltage;

import java.util.List;

/** The levels a voltage domain can be set to, in microvolts: a list, or a linear range. */
public sealed interface VoltageLevels {

    /** Whether the domain can be set to exactly {@code microvolts}. */
    boolean supports(int microvolts);

    /** Discrete levels in µV, strictly ascending (Linux maps them to a table regulator). */
    record Discrete(List<Integer> microvolts) implements VoltageLevels {
        public Discrete {
            microvolts = List.copyOf(microvolts);
            if (microvolts.isEmpty()) {
                throw new IllegalArgumentException("a voltage domain needs at least one level");
            }
            for (int i = 1; i < microvolts.size(); i++) {
                if (microvolts.get(i) <= microvolts.get(i - 1)) {
                    throw new IllegalArgumentException("levels must be strictly ascending: " + microvolts);
                }
            }
        }

        @Override
        public boolean supports(int level) {
            return microvolts.contains(level);
        }
    }

    /**
     * Every level {@code low + k * step} up to {@code high}, in µV (a segment: Linux maps it to a
     * linear regulator).
     */
    record Range(int low, int high, int step) implements VoltageLevels {
        public Range {
            if (high < low || step <= 0 || ((long) high - low) % step != 0) {
                throw new IllegalArgumentException("range needs low <= high and a positive step dividing high - low: "
                        + low + ".." + high + " step " + step);
            }
        }

        @Override
        public boolean supports(int level) {
            return level >= low && level <= high && ((long) level - low) % step == 0;
        }
    }
}
