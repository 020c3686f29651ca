package org.scmi.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.scmi.api.ScmiException;
import org.scmi.api.ScmiStatus;
import org.scmi.api.testing.MemoryStateStore;

class SharedSettingTest {
    private static final int PROTOCOL = 0x17;
    private final MemoryStateStore store = new MemoryStateStore();
    private final List<Integer> configured = List.of(1, 2, 3);
    private final Board board = new Board();
    private final SharedSetting<Integer> levels = levels();

    /** Levels of resources by key, the highest vote winning; records every write. */
    private static final class Board {
        final Map<String, Integer> levels = new HashMap<>(Map.of("cpu", 900, "gpu", 700));
        final List<String> writes = new ArrayList<>();
        String failing;

        SharedSetting.Hardware<Integer> level(String key) {
            return new SharedSetting.Hardware<>() {
                @Override
                public Integer read() {
                    return levels.get(key);
                }

                @Override
                public void write(Integer value) throws ScmiException {
                    if (key.equals(failing)) {
                        throw new ScmiException(ScmiStatus.HARDWARE_ERROR, key + " broke");
                    }
                    writes.add(key + "=" + value);
                    levels.put(key, value);
                }

                @Override
                public Comparator<Integer> preference() {
                    return Comparator.naturalOrder();
                }
            };
        }
    }

    /** A listed resource of driver "board", present or away. */
    private record Supply(String key, BoundDriver<String> owner) implements NumberedResources.Listed<String> {
        static Supply present(String key) {
            return new Supply(key, new BoundDriver<>("driver", "board", 5));
        }

        static Supply away(String key) {
            return new Supply(key, new BoundDriver<>("driver", "board", 5).away());
        }

        /** Votes are kept by key; the id plays no part. */
        @Override
        public int id() {
            return 0;
        }
    }

    private SharedSetting<Integer> levels() {
        return new SharedSetting<>(store, PROTOCOL, "level/", "baseline/level/", () -> configured,
                level -> Integer.toString(level), Integer::valueOf);
    }

    @Test
    void theWinningVoteMovesTheHardwareAndEachAgentReadsItsOwnVote() throws ScmiException {
        SharedSetting.Change<Integer> first = levels.vote(1, "board/cpu", 800, board.level("cpu"));
        assertEquals(new SharedSetting.Change<>(1, null, 800, 900, 800, Set.of(1)), first);
        assertEquals(900, first.previousView());
        assertEquals(800, first.view());
        SharedSetting.Change<Integer> second = levels.vote(2, "board/cpu", 1000, board.level("cpu"));
        assertEquals(1000, second.after());
        assertTrue(second.hardwareChanged());
        SharedSetting.Change<Integer> lower = levels.vote(3, "board/cpu", 850, board.level("cpu"));
        assertFalse(lower.hardwareChanged(), "a lower vote does not win");
        assertEquals(List.of("cpu=800", "cpu=1000"), board.writes);

        assertEquals(800, levels.view(1, "board/cpu", board.level("cpu")));
        assertEquals(850, levels.view(3, "board/cpu", board.level("cpu")));
        assertEquals(700, levels.view(1, "board/gpu", board.level("gpu")), "no vote: the hardware");
        assertEquals(Map.of(1, 800, 2, 1000, 3, 850), levels.votes("board/cpu"));
    }

    @Test
    void hardwareThePlatformMovedIsPutBackToTheOutcomeOfTheVotes() throws ScmiException {
        levels.vote(1, "board/cpu", 1000, board.level("cpu"));
        board.levels.put("cpu", 600);
        assertEquals(1000, levels.enforce("board/cpu", board.level("cpu")));
        assertEquals(1000, board.levels.get("cpu"));
        assertEquals(700, levels.enforce("board/gpu", board.level("gpu")), "no votes: the hardware stays");
        assertEquals(List.of("cpu=1000", "cpu=1000"), board.writes);
    }

    @Test
    void votesAreKeptInTheStoreAndANewInstanceArbitratesAsTheOldOne() throws ScmiException {
        levels.vote(1, "board/cpu", 1000, board.level("cpu"));
        levels.vote(2, "board/cpu", 950, board.level("cpu"));
        assertEquals("1000", store.get(1, PROTOCOL, "level/board/cpu"));
        assertEquals("900", store.get(0, PROTOCOL, "baseline/level/board/cpu"), "the level before the first vote");

        SharedSetting<Integer> updated = levels();
        assertEquals(1000, updated.vote(1, "board/cpu"));
        SharedSetting.Change<Integer> withdrawn = updated.withdraw(1, "board/cpu", board.level("cpu"));
        assertEquals(new SharedSetting.Change<>(1, 1000, null, 1000, 950, Set.of(2)), withdrawn);
        assertEquals(950, withdrawn.view(), "a withdrawn agent reads the hardware");
        updated.withdraw(2, "board/cpu", board.level("cpu"));
        assertEquals(900, board.levels.get("cpu"), "back to the level before the first vote");
        assertNull(store.get(0, PROTOCOL, "baseline/level/board/cpu"), "forgotten with the last vote");
        assertNull(updated.withdraw(2, "board/cpu", board.level("cpu")), "no vote held");
    }

    @Test
    void aVoteTheHardwareRefusesIsNotKept() throws ScmiException {
        levels.vote(1, "board/cpu", 950, board.level("cpu"));
        board.failing = "cpu";
        ScmiException refused = assertThrows(ScmiException.class,
                () -> levels.vote(2, "board/cpu", 1000, board.level("cpu")));
        assertEquals(ScmiStatus.HARDWARE_ERROR, refused.status());
        assertNull(levels.vote(2, "board/cpu"));
        assertEquals(950, board.levels.get("cpu"));
    }

    @Test
    void theVotesPreferenceComesWithTheResource() throws ScmiException {
        SharedSetting.Hardware<Integer> lowestWins = new SharedSetting.Hardware<>() {
            @Override
            public Integer read() {
                return board.levels.get("gpu");
            }

            @Override
            public void write(Integer value) {
                board.levels.put("gpu", value);
            }

            @Override
            public Comparator<Integer> preference() {
                return Comparator.reverseOrder();
            }
        };
        levels.vote(1, "board/gpu", 600, lowestWins);
        levels.vote(2, "board/gpu", 800, lowestWins);
        assertEquals(600, board.levels.get("gpu"));
    }

    @Test
    void withdrawingEverythingMovesPresentResourcesAndReportsFailures() throws ScmiException {
        levels.vote(1, "board/cpu", 1000, board.level("cpu"));
        levels.vote(1, "board/gpu", 800, board.level("gpu"));
        board.levels.put("npu", 5);
        levels.vote(1, "board/npu", 5, board.level("npu"));
        board.failing = "gpu";
        Supply cpu = Supply.present("cpu");
        Supply gpu = Supply.present("gpu");
        List<String> failures = new ArrayList<>();
        List<SharedSetting.Withdrawal<Supply, Integer>> withdrawn = levels.withdrawAll(1,
                List.of(cpu, gpu, Supply.away("npu"), Supply.present("dsp")), supply -> board.level(supply.key()),
                (supply, e) -> failures.add(supply.key() + ": " + e.status()));
        assertEquals(1, withdrawn.size());
        assertSame(cpu, withdrawn.getFirst().resource());
        assertEquals(900, withdrawn.getFirst().change().after());
        assertEquals(List.of("gpu: HARDWARE_ERROR"), failures);
        assertEquals(5, levels.vote(1, "board/npu"), "a resource whose driver is away keeps the vote");
    }

    @Test
    void thePlatformOverridesEveryVote() throws ScmiException {
        levels.vote(1, "board/cpu", 1000, board.level("cpu"));
        levels.vote(2, "board/cpu", 950, board.level("cpu"));
        board.levels.put("cpu", 800);
        levels.overridden("board/cpu");
        assertEquals(Map.of(), levels.votes("board/cpu"));
        assertEquals(800, levels.view(1, "board/cpu", board.level("cpu")));
        levels.vote(2, "board/cpu", 850, board.level("cpu"));
        assertEquals("800", store.get(0, PROTOCOL, "baseline/level/board/cpu"), "a new baseline");
    }
}
