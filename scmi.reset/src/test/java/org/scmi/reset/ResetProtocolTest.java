package org.scmi.reset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.scmi.api.testing.Dispatch.call;
import static org.scmi.api.testing.Le.words;

import java.lang.annotation.Annotation;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.scmi.api.BoardResource;
import org.scmi.api.ResourceKind;
import org.scmi.api.ResourceVotes;
import org.scmi.api.ScmiStatus;
import org.scmi.api.reset.ResetDomain;
import org.scmi.api.reset.ResetDriver;
import org.scmi.api.testing.Dispatch;
import org.scmi.api.testing.FakeAgent;
import org.scmi.api.testing.FakeDirectory;
import org.scmi.api.testing.Le;
import org.scmi.api.testing.Views;
import org.scmi.core.AgentStates;

class ResetProtocolTest {
    private static final int RESET_ISSUED_HEADER = 0x16 << 10 | 3 << 8;
    private static final String LONG_NAME = "display_controller_reset";
    private static final int NOT_FOUND = ScmiStatus.NOT_FOUND.code();
    private static final int INVALID = ScmiStatus.INVALID_PARAMETERS.code();
    private static final int NOT_SUPPORTED = ScmiStatus.NOT_SUPPORTED.code();

    private final AgentStates store = new AgentStates();
    private final FakeAgent guest1 = new FakeAgent(1, true);
    private final FakeAgent guest2 = new FakeAgent(2, true);
    private final FakeAgent noEvents = new FakeAgent(3, false);
    private final TestResetDriver board = new TestResetDriver(
            new ResetDomain("uart", "uart_rst", 10, false, Set.of()),
            new ResetDomain("gpu", "gpu_rst", ResetDomain.UNKNOWN_LATENCY, true, Set.of()),
            new ResetDomain("dpu", LONG_NAME, 0, false, Set.of(5)));
    private ResetProtocol reset;

    static ResetProtocolConfig config() {
        return new ResetProtocolConfig() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return ResetProtocolConfig.class;
            }

            @Override
            public int driverGraceMillis() {
                return 200;
            }
        };
    }

    @BeforeEach
    void start() {
        reset = new ResetProtocol(config(), store);
        reset.bindAgentDirectory(new FakeDirectory(guest1, guest2, noEvents));
        reset.bindDriver(board, Map.of(ResetDriver.DRIVER_KEY, "board", "service.id", 10L));
    }

    @AfterEach
    void stop() throws InterruptedException {
        reset.deactivate();
    }

    @Test
    void declaresItsVersionMessagesAndParameterSizes() {
        assertEquals(0x16, reset.protocolId());
        assertEquals(0x30001, reset.version());
        assertEquals(4, reset.handler(0x3, guest1).parameterLength());
        assertEquals(12, reset.handler(0x4, guest1).parameterLength());
        assertEquals(8, reset.handler(0x5, guest1).parameterLength());
        assertEquals(4, reset.handler(0x6, guest1).parameterLength());
        assertNull(reset.handler(0x5, noEvents), "RESET_NOTIFY needs an event channel");
        assertNull(reset.handler(0x7, guest1));
    }

    @Test
    void attributesCarryAsyncNotifyExtendedNameAndLatency() {
        assertArrayEquals(words(0, 3), call(reset, guest1, 0x1));
        assertArrayEquals(Le.bytes().u32(0).u32(1 << 30).u32(10).name("uart_rst", 16).toArray(), call(reset, guest1, 0x3, 0));
        assertArrayEquals(Le.bytes().u32(0).u32(1 << 31 | 1 << 30).u32(-1).name("gpu_rst", 16).toArray(),
                call(reset, guest1, 0x3, 1));
        assertArrayEquals(Le.bytes().u32(0).u32(1 << 30 | 1 << 29).u32(0).name(LONG_NAME.substring(0, 15), 16).toArray(),
                call(reset, guest1, 0x3, 2));
        assertArrayEquals(Le.bytes().u32(0).u32(0).u32(-1).name("gpu_rst", 16).toArray(), call(reset, noEvents, 0x3, 1),
                "no async or notifications without an event channel");
        assertArrayEquals(Le.bytes().u32(0).u32(0).name(LONG_NAME, 64).toArray(), call(reset, guest1, 0x6, 2));
        assertArrayEquals(words(NOT_FOUND), call(reset, guest1, 0x3, 3));
        assertArrayEquals(words(NOT_FOUND), call(reset, guest1, 0x6, -1));
    }

    @Test
    void badResetsGetTheirStatusInTheSpecifiedOrderAndTouchNothing() {
        assertArrayEquals(words(NOT_FOUND), call(reset, guest1, 0x4, 3, 0x8, 0x7F));
        assertArrayEquals(words(INVALID), call(reset, guest1, 0x4, 0, 0x8, 0));
        assertArrayEquals(words(INVALID), call(reset, guest1, 0x4, 1, 0x4, 0), "async without autonomous");
        assertArrayEquals(words(INVALID), call(reset, guest1, 0x4, 0, 0x1, 0xFF), "another architectural state");
        assertArrayEquals(words(NOT_SUPPORTED), call(reset, guest1, 0x4, 0, 0x1, 0x8000_0005), "not its vendor state");
        assertArrayEquals(words(NOT_SUPPORTED), call(reset, guest1, 0x4, 0, 0x5, 0), "domain without async");
        assertArrayEquals(words(NOT_SUPPORTED), call(reset, noEvents, 0x4, 1, 0x5, 0), "agent without event channel");
        assertEquals(List.of(), board.calls);
        assertArrayEquals(words(0), call(reset, guest1, 0x4, 2, 0x1, 0x8000_0005), "its vendor state");
        assertEquals(List.of("reset dpu 0x80000005"), board.calls);
    }

    @Test
    void asynchronousResetCompletesWithADelayedResponse() throws Exception {
        board.hardware.hold();
        assertArrayEquals(words(0), Dispatch.callWithRoom(reset, guest1, 128, 0x4, 1, 0x5, 0));
        assertEquals(List.of(), guest1.drain(), "answered before the reset is done");
        board.hardware.release();
        FakeAgent.Event done = guest1.await();
        assertEquals(0x16 << 10 | 2 << 8 | 0x4 | Dispatch.TOKEN << 18, done.header());
        assertArrayEquals(words(0, 1), done.payload());
        assertEquals(List.of("reset gpu 0x0"), board.calls);

        board.hardware.fail(ScmiStatus.HARDWARE_ERROR);
        assertArrayEquals(words(0), call(reset, guest1, 0x4, 1, 0x5, 0));
        assertArrayEquals(words(ScmiStatus.HARDWARE_ERROR.code()), guest1.await().payload());
    }

    @Test
    void resetIssuedReachesEverySubscriberOnly() throws Exception {
        assertArrayEquals(words(0), call(reset, guest2, 0x5, 0, 1));
        assertArrayEquals(words(INVALID), call(reset, guest2, 0x5, 0, 3));
        call(reset, guest1, 0x4, 0, 0x2, 0);
        assertEquals(RESET_ISSUED_HEADER, guest2.await().header());
        call(reset, guest1, 0x4, 0, 0x1, 0);
        assertArrayEquals(words(1, 0, 0), guest2.await().payload());
        call(reset, guest1, 0x4, 0, 0x0, 0);
        board.listeners.forEach(listener -> listener.resetIssued("uart", 0));
        assertArrayEquals(words(0, 0, 0), guest2.await().payload(), "the platform's reset, from agent 0");
        assertEquals(List.of(), guest2.drain(), "a deassert issues no reset");
        assertEquals(List.of(), guest1.drain(), "not subscribed");
        call(reset, guest2, 0x5, 0, 0);
        call(reset, guest1, 0x4, 0, 0x1, 0);
        assertEquals(List.of(), guest2.drain(), "unsubscribed");
    }

    @Test
    void aLineStaysAssertedWhileAnyAgentHoldsItAndTheirResetReleasesIt() throws Exception {
        call(reset, guest1, 0x4, 0, 0x2, 0);
        call(reset, guest2, 0x4, 0, 0x2, 0);
        call(reset, guest1, 0x4, 0, 0x0, 0);
        assertEquals(true, board.asserted("uart"), "guest 2 still holds it");
        assertArrayEquals(words(0), call(reset, guest1, 0x4, 0, 0x1, 0));
        assertEquals(List.of("assert uart"), board.calls, "a held line is not pulsed");

        ResetProtocol updated = new ResetProtocol(config(), store);
        updated.bindAgentDirectory(new FakeDirectory(guest1, guest2, noEvents));
        updated.bindDriver(board, Map.of(ResetDriver.DRIVER_KEY, "board", "service.id", 11L));
        updated.resetAgent(2);
        assertEquals(false, board.asserted("uart"), "the hold outlived the instance and the agent reset released it");
        updated.deactivate();
    }

    @Test
    void anAgentSeesOnlyTheDomainsItsProfileListsUnderItsOwnIds() throws Exception {
        FakeAgent ivi = new FakeAgent(4, "ivi", true, Views.listing(ResourceKind.RESET_DOMAINS, LONG_NAME, "gpu_rst"));
        reset.bindAgentDirectory(new FakeDirectory(guest1, guest2, noEvents, ivi));
        assertArrayEquals(words(0, 2), call(reset, ivi, 0x1));
        assertArrayEquals(Le.bytes().u32(0).u32(0).name(LONG_NAME, 64).toArray(), call(reset, ivi, 0x6, 0));
        assertArrayEquals(Le.bytes().u32(0).u32(0).name("gpu_rst", 64).toArray(), call(reset, ivi, 0x6, 1));
        for (int message : new int[] {0x3, 0x6}) {
            assertArrayEquals(words(NOT_FOUND), call(reset, ivi, message, 2), "message " + message + " of a hidden domain");
        }
        assertArrayEquals(words(NOT_FOUND), call(reset, ivi, 0x4, 2, 0x1, 0));
        assertArrayEquals(words(NOT_FOUND), call(reset, ivi, 0x5, 2, 1));
        assertArrayEquals(words(0), call(reset, ivi, 0x4, 0, 0x1, 0x8000_0005));
        assertEquals(List.of("reset dpu 0x80000005"), board.calls, "its domain 0 is the board's dpu");

        assertArrayEquals(words(0), Dispatch.callWithRoom(reset, ivi, 128, 0x4, 1, 0x5, 0));
        assertArrayEquals(words(0, 1), ivi.await().payload(), "RESET_COMPLETE names its own domain id");
        assertEquals(List.of("gpu_rst", LONG_NAME), reset.resources().stream().map(r -> r.name()).toList().subList(1, 3));
        assertEquals(List.of(LONG_NAME, "gpu_rst"), reset.resources(ivi).stream().map(r -> r.name()).toList());
    }

    @Test
    void resetIssuedNamesTheDomainByTheReceiversIdAndSkipsAgentsThatDoNotSeeIt() throws Exception {
        FakeAgent gpuOnly = new FakeAgent(4, "gpu", true, Views.listing(ResourceKind.RESET_DOMAINS, "gpu_rst"));
        reset.bindAgentDirectory(new FakeDirectory(guest1, guest2, noEvents, gpuOnly));
        assertArrayEquals(words(0), call(reset, gpuOnly, 0x5, 0, 1));
        assertArrayEquals(words(0), call(reset, guest2, 0x5, 1, 1));
        call(reset, guest1, 0x4, 1, 0x1, 0);
        assertArrayEquals(words(1, 0, 0), gpuOnly.await().payload(), "gpu_rst is its domain 0");
        assertArrayEquals(words(1, 1, 0), guest2.await().payload(), "and guest 2's domain 1");
        assertArrayEquals(words(0), call(reset, guest2, 0x5, 0, 1));
        board.listeners.forEach(listener -> listener.resetIssued("uart", 0));
        assertArrayEquals(words(0, 0, 0), guest2.await().payload());
        assertEquals(List.of(), gpuOnly.drain(), "uart_rst does not exist for it");
    }

    @Test
    void theShellSeesWhoHoldsEachLine() {
        call(reset, guest1, 0x4, 0, 0x2, 0);
        call(reset, guest2, 0x4, 0, 0x0, 0);
        assertEquals(List.of(new ResourceVotes(new BoardResource(ResourceKind.RESET_DOMAINS, "uart_rst", "board/uart"),
                "asserted", Map.of(1, "asserted", 2, "released"))), reset.votes());
    }
}
