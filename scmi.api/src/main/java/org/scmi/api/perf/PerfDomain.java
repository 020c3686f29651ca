package org.scmi.api.perf;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One performance domain as a driver describes it: a set of devices (a CPU cluster, a GPU) that
 * always run at the same performance level.
 *
 * @param key the driver's stable name for the domain, unique within the driver
 * @param name the name agents see (ASCII; up to 63 characters reach the agent, 15 in the short
 *     field)
 * @param levels the levels, strictly ascending by value and by frequency; Linux 6.12 takes at
 *     most 32
 * @param sustainedLevel the value of the level the domain can keep up indefinitely; Linux treats
 *     every level above its frequency as a boost level
 * @param rateLimitMicros the shortest time between two level changes worth asking for, 0..2^20-1 µs
 * @param controls what agents may change
 */
public record PerfDomain(String key, String name, List<PerfLevel> levels, int sustainedLevel, int rateLimitMicros,
        Set<PerfControl> controls) {
    /** The rate limit is a 20-bit field. */
    public static final int MAX_RATE_LIMIT_MICROS = (1 << 20) - 1;

    public PerfDomain {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(name, "name");
        levels = List.copyOf(levels);
        controls = Set.copyOf(controls);
        if (name.isEmpty()) {
            throw new IllegalArgumentException("performance domain " + key + ": empty name");
        }
        if (levels.isEmpty()) {
            throw new IllegalArgumentException("performance domain " + key + ": no levels");
        }
        for (int i = 1; i < levels.size(); i++) {
            if (levels.get(i).value() <= levels.get(i - 1).value()
                    || levels.get(i).frequencyKhz() <= levels.get(i - 1).frequencyKhz()) {
                throw new IllegalArgumentException("performance domain " + key
                        + ": levels must ascend strictly by value and frequency");
            }
        }
        int sustained = sustainedLevel;
        if (levels.stream().noneMatch(level -> level.value() == sustained)) {
            throw new IllegalArgumentException("performance domain " + key + ": sustained level " + sustainedLevel
                    + " is not one of its levels");
        }
        if (rateLimitMicros < 0 || rateLimitMicros > MAX_RATE_LIMIT_MICROS) {
            throw new IllegalArgumentException("performance domain " + key + ": rate limit must be 0.."
                    + MAX_RATE_LIMIT_MICROS + " µs");
        }
    }

    /** The level with this value, if the domain has it. */
    public Optional<PerfLevel> level(int value) {
        return levels.stream().filter(level -> level.value() == value).findFirst();
    }

    /** Every level: from the lowest to the highest. */
    public PerfLimits fullRange() {
        return new PerfLimits(levels.getLast().value(), levels.getFirst().value());
    }

    /** The level agents may run the domain at indefinitely. */
    public PerfLevel sustained() {
        return level(sustainedLevel).orElseThrow();
    }

    public boolean allows(PerfControl control) {
        return controls.contains(control);
    }
}
