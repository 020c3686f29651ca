package org.scmi.board.sim.file;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.scmi.api.state.AgentStateStore;

/**
 * The simulated hardware's state (clock rates, enables and parents, power states, sensors held at
 * fixed values), kept where an update of this bundle cannot lose it: in the platform's
 * {@link AgentStateStore}, under the platform (agent 0), with keys starting {@value #PREFIX}. A real
 * board keeps its state in the hardware while its driver bundle is replaced; this is the simulated
 * board's hardware. It lasts as long as the server runs, as hardware state lasts until power-off.
 *
 * <p>State is kept for the board it describes only: each part stores a fingerprint of its
 * description, and a different description (a new board file) starts from the file's values. The
 * fingerprint is taken from the description's {@linkplain #canonical canonical text}, the same in
 * every JVM, so that a store kept in a state file is taken up by the next server process.
 */
public final class BoardState {
    /** Prefix of every key the simulated board keeps. */
    public static final String PREFIX = "sim/";
    private static final String FINGERPRINT = PREFIX + "board";
    private static final int PLATFORM = 0;

    private final AgentStateStore store;
    private final int protocolId;

    private BoardState(AgentStateStore store, int protocolId) {
        this.store = store;
        this.protocolId = protocolId;
    }

    /**
     * The kept state of one part of the board, forgotten first if it was kept for another board.
     *
     * @param protocolId the protocol whose resources the part drives (its slot in the store)
     * @param description the part's description, whose text tells one board from another
     */
    public static BoardState open(AgentStateStore store, int protocolId, Object description) {
        BoardState state = new BoardState(store, protocolId);
        String fingerprint = Integer.toHexString(canonical(description).hashCode());
        if (!fingerprint.equals(store.get(PLATFORM, protocolId, FINGERPRINT))) {
            store.entries(PLATFORM, protocolId, PREFIX).keySet().forEach(key -> store.put(PLATFORM, protocolId, key,
                    null));
            store.put(PLATFORM, protocolId, FINGERPRINT, fingerprint);
        }
        return state;
    }

    /**
     * A description as text that does not change from one JVM to the next: records by their
     * components, lists in order, sets and map entries sorted (their iteration order, and the
     * {@code toString} of {@code Set.of} and enum-keyed maps, differs between runs).
     */
    public static String canonical(Object value) {
        if (value instanceof Set<?> set) {
            return set.stream().map(BoardState::canonical).sorted().collect(Collectors.joining(", ", "{", "}"));
        }
        if (value instanceof Collection<?> list) {
            return list.stream().map(BoardState::canonical).collect(Collectors.joining(", ", "[", "]"));
        }
        if (value instanceof Map<?, ?> map) {
            return map.entrySet().stream().map(entry -> canonical(entry.getKey()) + "=" + canonical(entry.getValue()))
                    .sorted().collect(Collectors.joining(", ", "{", "}"));
        }
        if (value instanceof Record record) {
            StringBuilder text = new StringBuilder(record.getClass().getSimpleName()).append('[');
            RecordComponent[] components = record.getClass().getRecordComponents();
            for (int i = 0; i < components.length; i++) {
                text.append(i == 0 ? "" : ", ").append(components[i].getName()).append('=')
                        .append(canonical(component(record, components[i])));
            }
            return text.append(']').toString();
        }
        return String.valueOf(value);
    }

    private static Object component(Record record, RecordComponent component) {
        try {
            Method accessor = component.getAccessor();
            accessor.trySetAccessible(); // a part's own description may be a private record
            return accessor.invoke(record);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + component + " of " + record.getClass(), e);
        }
    }

    /** A kept value, e.g. {@code rate/cpu}. */
    public Optional<String> get(String key) {
        return Optional.ofNullable(store.get(PLATFORM, protocolId, PREFIX + key));
    }

    /** Keeps a value; null forgets it. */
    public void put(String key, String value) {
        store.put(PLATFORM, protocolId, PREFIX + key, value);
    }
}
