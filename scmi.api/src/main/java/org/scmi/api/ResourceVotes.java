package org.scmi.api;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Who holds what on one shared resource, for administration: the state the platform keeps it in
 * and each agent's vote (what that agent asked for: a power state, a clock to run and its rate).
 *
 * @param resource the resource
 * @param state its state now, as the platform arbitrated it, e.g. {@code on, 800000000 Hz}
 * @param votes each agent's vote by agent id, in agent id order, only agents that hold one
 */
public record ResourceVotes(BoardResource resource, String state, Map<Integer, String> votes) {

    public ResourceVotes {
        votes = Collections.unmodifiableMap(new TreeMap<>(votes));
    }
}
