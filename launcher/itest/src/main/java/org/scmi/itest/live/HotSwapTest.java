package org.scmi.itest.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The hot-swap guarantee: while three guests send sensor reads, clock gets, power state gets,
 * system power state gets, reset domain attributes, supply level gets, pin settings gets,
 * performance level gets, power cap gets and agent discoveries over vhost-user, with notifications
 * subscribed and asynchronous resets under way, each protocol bundle and the simulated board is
 * updated, stopped and started, and refreshed. No request fails, none is lost or answered twice,
 * every asynchronous reset completes with one delayed response, every subscription delivers again
 * after the swap, every setting, hold, vote and agent id stays, and no guest is disconnected.
 */
class HotSwapTest extends LiveRigTest {
    private static final int GUESTS = 3;

    @BeforeAll
    static void connectGuests() throws Exception {
        connectRig("swap", GUESTS);
    }

    @TestFactory
    Stream<DynamicTest> noRequestFailsOrIsLostAndWhatGuestsSetUpSurvives() {
        return Stream.of("scmi.base", "scmi.power", "scmi.clock", "scmi.sensor", "scmi.system", "scmi.reset",
                        "scmi.voltage", "scmi.perf", "scmi.powercap", "scmi.pinctrl", "board.sim")
                .flatMap(bundle -> Stream.of(Swaps.Operation.values()).map(operation -> DynamicTest.dynamicTest(
                        operation + " " + bundle, () -> swap(bundle, operation))));
    }

    private static void swap(String bundle, Swaps.Operation operation) throws Exception {
        LiveRig.SwapResult result = rig.swapUnderLoad(bundle, operation);
        assertEquals(List.of(), result.failures(), operation + " " + bundle);
        assertTrue(result.requests() > 0, "the guests sent requests");
    }
}
