package org.scmi.board.sim.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The fingerprint text of a board description is the same whatever order its sets and maps
 * iterate in (which changes from one JVM to the next for {@code Set.of}), and still tells
 * different boards apart.
 */
class BoardStateTest {
    private record Part(String name, Set<String> controls, List<Long> rates, Map<String, Integer> limits) {
    }

    @Test
    void setsAndMapsInAnyOrderGiveTheSameText() {
        Part one = new Part("cpu", new LinkedHashSet<>(List.of("rate", "state", "parent")), List.of(1L, 2L),
                new LinkedHashMap<>(Map.of("a", 1)));
        LinkedHashMap<String, Integer> limits = new LinkedHashMap<>();
        limits.put("a", 1);
        Part other = new Part("cpu", new LinkedHashSet<>(List.of("parent", "state", "rate")), List.of(1L, 2L), limits);
        assertEquals(BoardState.canonical(one), BoardState.canonical(other));
        assertEquals("Part[name=cpu, controls={parent, rate, state}, rates=[1, 2], limits={a=1}]",
                BoardState.canonical(one));
    }

    @Test
    void differentBoardsGiveDifferentText() {
        Part cpu = new Part("cpu", Set.of("rate"), List.of(1L, 2L), Map.of());
        assertNotEquals(BoardState.canonical(cpu), BoardState.canonical(new Part("cpu", Set.of("rate"),
                List.of(2L, 1L), Map.of())));
        assertNotEquals(BoardState.canonical(cpu), BoardState.canonical(new Part("cpu", Set.of("state"),
                List.of(1L, 2L), Map.of())));
    }
}
