package org.scmi.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.scmi.api.AgentView;
import org.scmi.api.BoardResource;
import org.scmi.api.ResourceKind;
import org.scmi.api.ResourceSelection;
import org.scmi.api.ScmiException;
import org.scmi.api.ScmiStatus;
import org.scmi.api.testing.FakeAgent;
import org.scmi.api.testing.Views;
import org.scmi.support.TestResources.Item;

class NumberedResourcesTest {
    private static final Item CPU = Item.of("cpu", "cpu_clk");
    private static final Item GPU = Item.of("gpu", "gpu_clk");
    private static final Item UART = Item.of("uart", "uart_clk");
    private static final Item OSC = Item.of("osc", "osc_24m");
    private final TestResources board = new TestResources(CPU, GPU, UART, OSC);

    private static List<String> names(AgentResources<Item> seen) {
        return seen.entries().stream().map(Item::name).toList();
    }

    @Test
    void anAgentWithoutAProfileSeesTheBoardInTheBoardsOrder() throws ScmiException {
        AgentResources<Item> seen = board.seenBy(new FakeAgent(1, true));
        assertEquals(4, seen.count());
        assertEquals(List.of("cpu_clk", "gpu_clk", "uart_clk", "osc_24m"), names(seen));
        assertSame(UART, seen.get(2));
        assertEquals(3, seen.idOf(OSC));
    }

    @Test
    void aListedViewNumbersTheResourcesInTheProfilesOrderByNameOrKey() throws ScmiException {
        AgentResources<Item> seen = board.seenBy(Views.listing(ResourceKind.CLOCKS, "gpu_clk", "board/cpu"));
        assertEquals(List.of("gpu_clk", "cpu_clk"), names(seen));
        assertSame(GPU, seen.get(0));
        assertSame(CPU, seen.get(1));
        assertEquals(0, seen.idOf(GPU));
        assertEquals(1, seen.idOf(Item.of("cpu", "cpu_clk")), "matched by setting key, whatever snapshot");
    }

    @Test
    void aHiddenResourceIsNotFoundAndHasNoIdForTheAgent() {
        AgentResources<Item> seen = board.seenBy(Views.listing(ResourceKind.CLOCKS, "gpu_clk"));
        assertEquals(1, seen.count());
        for (int id : new int[] {1, 2, 3, -1}) {
            assertEquals(ScmiStatus.NOT_FOUND, assertThrows(ScmiException.class, () -> seen.get(id)).status());
        }
        assertEquals(-1, seen.idOf(CPU));
        assertFalse(seen.sees(CPU));
        assertTrue(seen.find("board/cpu").isEmpty());
        assertTrue(seen.find("board/gpu").isPresent());
    }

    @Test
    void excludedResourcesAreLeftOutOfEverythingAndOfLists() {
        assertEquals(List.of("cpu_clk", "uart_clk", "osc_24m"),
                names(board.seenBy(Views.allBut(ResourceKind.CLOCKS, "gpu_clk"))));
        AgentView listing = new AgentView("p", false, Set.of(0x14), Map.of(ResourceKind.CLOCKS,
                ResourceSelection.of(List.of("cpu_clk", "gpu_clk"), Set.of("board/gpu"))), ResourceSelection.NONE);
        assertEquals(List.of("cpu_clk"), names(board.seenBy(listing)));
    }

    @Test
    void namesThatMatchNothingOrSeveralSelectNothing() {
        TestResources twins = new TestResources(CPU, Item.of("a", "temp"), Item.of("b", "temp"));
        assertEquals(List.of("cpu_clk"),
                names(twins.seenBy(Views.listing(ResourceKind.CLOCKS, "no_such_clock", "temp", "cpu_clk"))));
        assertEquals(List.of("temp"), names(twins.seenBy(Views.listing(ResourceKind.CLOCKS, "board/b"))),
                "a key names one of two resources with the same name");
    }

    @Test
    void aViewOfAnotherKindSeesNothingOfThisOne() {
        assertEquals(0, board.seenBy(Views.listing(ResourceKind.SENSORS, "cpu_clk")).count());
    }

    @Test
    void viewsAreBuiltOncePerSelection() {
        AgentView view = Views.listing(ResourceKind.CLOCKS, "gpu_clk");
        assertSame(board.seenBy(view), board.seenBy(view));
        assertSame(board.seenBy(view), board.seenBy(Views.listing(ResourceKind.CLOCKS, "gpu_clk")),
                "an equal view from a new configuration shares the numbering");
    }

    @Test
    void boardAndAgentResourcesNameEachResourceBothWays() {
        assertEquals(new BoardResource(ResourceKind.CLOCKS, "uart_clk", "board/uart"), board.boardResources().get(2));
        assertEquals(List.of(new BoardResource(ResourceKind.CLOCKS, "osc_24m", "board/osc")),
                board.seenBy(Views.listing(ResourceKind.CLOCKS, "osc_24m")).boardResources());
    }
}
