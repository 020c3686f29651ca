package org.scmi.system;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.scmi.api.testing.Dispatch.call;
import static org.scmi.api.testing.Le.words;

import java.lang.annotation.Annotation;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.scmi.api.ResourceKind;
import org.scmi.api.ScmiStatus;
import org.scmi.api.system.SystemPowerDriver;
import org.scmi.api.system.SystemState;
import org.scmi.api.testing.Eventually;
import org.scmi.api.testing.FakeAgent;
import org.scmi.api.testing.FakeDirectory;
import org.scmi.api.testing.Views;
import org.scmi.core.AgentStates;

class SystemPowerProtocolTest {
    private static final int NOTIFIER_HEADER = 0x12 << 10 | 3 << 8;
    private static final int GRACEFUL_TIMEOUT = 300;

    private final AgentStates store = new AgentStates();
    private final FakeAgent trusted = new FakeAgent(1, "manager", true, true);
    private final FakeAgent guest = new FakeAgent(2, "guest", true);
    private final FakeAgent other = new FakeAgent(3, "other", true);
    private final FakeAgent noEvents = new FakeAgent(4, "quiet", false);
    private final List<SystemState> entered = new CopyOnWriteArrayList<>();
    private final SystemPowerDriver board = new SystemPowerDriver() {
        @Override
        public Set<SystemState> transitions() {
            return EnumSet.of(SystemState.SHUTDOWN, SystemState.COLD_RESET, SystemState.SUSPEND);
        }

        @Override
        public SystemState state() {
            return SystemState.POWER_UP;
        }

        @Override
        public void enter(SystemState state) {
            entered.add(state);
        }
    };
    private SystemPowerProtocol system;

    static SystemPowerConfig config(int gracefulTimeout) {
        return new SystemPowerConfig() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return SystemPowerConfig.class;
            }

            @Override
            public int gracefulTimeoutMillis() {
                return gracefulTimeout;
            }

            @Override
            public int driverGraceMillis() {
                return 100;
            }
        };
    }

    @BeforeEach
    void start() {
        system = create();
    }

    private SystemPowerProtocol create() {
        SystemPowerProtocol created = new SystemPowerProtocol(config(GRACEFUL_TIMEOUT), store);
        created.bindAgentDirectory(new FakeDirectory(trusted, guest, other, noEvents));
        created.bindDriver(board, Map.of(SystemPowerDriver.DRIVER_KEY, "board", "service.id", 1L));
        return created;
    }

    @AfterEach
    void stop() throws InterruptedException {
        system.deactivate();
    }

    @Test
    void versionAttributesAndWhatTheBoardOffers() {
        assertEquals(0x12, system.protocolId());
        assertEquals(0x20001, system.version());
        assertArrayEquals(words(0, 0), call(system, guest, 0x1));
        assertEquals(1 << 30, system.messageAttributes(0x3, guest), "suspend but no warm reset");
        assertEquals(0, system.messageAttributes(0x4, guest));
        assertArrayEquals(words(0, 3), call(system, guest, 0x4));
        assertNull(system.handler(0x5, noEvents), "no notifications without an event channel");
    }

    @Test
    void anUntrustedAgentIsDeniedAndTheRequestIsRecorded() {
        assertArrayEquals(words(ScmiStatus.INVALID_PARAMETERS.code()), call(system, guest, 0x3, 0xF, 1));
        assertArrayEquals(words(ScmiStatus.INVALID_PARAMETERS.code()), call(system, guest, 0x3, 1, 5));
        assertArrayEquals(words(ScmiStatus.NOT_SUPPORTED.code()), call(system, guest, 0x3, 1, 3));
        assertArrayEquals(words(ScmiStatus.DENIED.code()), call(system, guest, 0x3, 1, 0));
        assertEquals(List.of(), entered);
        List<String> record = system.record();
        assertTrue(record.getLast().endsWith("agent 2 (guest) asked for shutdown (graceful): DENIED: only a trusted agent "
                + "may change the whole system's state"), record.toString());
        assertTrue(new SystemPowerCommands(system).systemPower().contains("asked for shutdown (graceful): DENIED"));
    }

    @Test
    void aTrustedAgentsForcefulRequestTellsTheOthersAndReachesTheBoard() throws Exception {
        call(system, guest, 0x5, 1);
        call(system, trusted, 0x5, 1);
        assertArrayEquals(words(ScmiStatus.NOT_SUPPORTED.code()), call(system, trusted, 0x3, 0, 2), "no warm reset");
        assertArrayEquals(words(0), call(system, trusted, 0x3, 0, 1));
        FakeAgent.Event told = guest.await();
        assertEquals(NOTIFIER_HEADER, told.header());
        assertArrayEquals(words(0, 0, 1, 0), told.payload(), "an untrusted agent sees no other agent: the platform asks");
        assertEquals(List.of(), trusted.drain(), "the requester is not told");
        assertEquals(List.of(), other.drain(), "not subscribed");
        assertTrue(Eventually.within(Duration.ofSeconds(2), () -> entered.equals(List.of(SystemState.COLD_RESET))));
    }

    @Test
    void aGracefulRequestReachesTheBoardAfterItsTimeoutEvenAcrossAnUpdate() throws Exception {
        call(system, guest, 0x5, 1);
        assertArrayEquals(words(0), call(system, trusted, 0x3, 1, 0));
        assertArrayEquals(words(0, 1, 0, GRACEFUL_TIMEOUT), guest.await().payload());
        system.deactivate();
        assertEquals(List.of(), entered, "still waiting for the timeout");
        system = create();
        assertTrue(Eventually.within(Duration.ofSeconds(2), () -> entered.equals(List.of(SystemState.SHUTDOWN))));
        assertNull(system.pending());
    }

    @Test
    void thePlatformAsksTheChosenSubscribedAgentsAndSaysWhoWasTold() throws Exception {
        call(system, guest, 0x5, 1);
        assertArrayEquals(words(ScmiStatus.INVALID_PARAMETERS.code()), call(system, other, 0x5, 3));
        String answer = new SystemPowerCommands(system).systemPower(20_000, "shutdown", "graceful", "all");
        assertEquals("shutdown (graceful) sent to 1 of 4 guests: manager (agent 1) not subscribed to "
                + "SYSTEM_POWER_STATE_NOTIFIER, guest (agent 2) notified, other (agent 3) not subscribed to "
                + "SYSTEM_POWER_STATE_NOTIFIER, quiet (agent 4) not subscribed to SYSTEM_POWER_STATE_NOTIFIER\n", answer);
        assertArrayEquals(words(0, 1, 0, 20_000), guest.await().payload());
        new SystemPowerCommands(system).systemPower(-1, "reboot", "forceful", "guest");
        assertArrayEquals(words(0, 0, 1, 0), guest.await().payload(), "forceful: no timeout");
        assertEquals("no guest nobody; type 'guests' or 'systemPower' to list them",
                new SystemPowerCommands(system).systemPower(-1, "shutdown", "graceful", "nobody"));
        assertEquals(List.of(), entered, "the platform's requests never reach the board");
        call(system, guest, 0x5, 0);
        new SystemPowerCommands(system).systemPower(-1, "suspend", "graceful", "2");
        assertEquals(List.of(), guest.drain(), "unsubscribed");
    }

    /** Trust and what an agent is told come from its profile. */
    @Test
    void theProfileSaysWhoIsTrustedWhoIsToldAndWhomTheyAreToldOf() throws Exception {
        FakeAgent admin = new FakeAgent(5, "admin", true, Views.TRUSTED);
        FakeAgent hidden = new FakeAgent(6, "sensors", true, Views.listing(ResourceKind.SENSORS, "soc_temp"));
        system.bindAgentDirectory(new FakeDirectory(trusted, guest, other, noEvents, admin, hidden));
        call(system, admin, 0x5, 1);
        call(system, hidden, 0x5, 1);
        call(system, guest, 0x5, 1);
        assertArrayEquals(words(0), call(system, trusted, 0x3, 1, 1));
        assertArrayEquals(words(1, 1, 1, GRACEFUL_TIMEOUT), admin.await().payload(), "a trusted agent sees who asked");
        assertArrayEquals(words(0, 1, 1, GRACEFUL_TIMEOUT), guest.await().payload());
        assertEquals(List.of(), hidden.drain(), "its profile does not show it system power");
        assertTrue(system.record().stream().anyMatch(entry -> entry.contains(
                "sensors (agent 6) its profile does not show it system power")), system.record().toString());
    }
}
