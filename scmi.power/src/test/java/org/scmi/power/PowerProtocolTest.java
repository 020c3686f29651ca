package org.scmi.power;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.scmi.api.testing.Dispatch.call;
import static org.scmi.api.testing.Le.words;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.scmi.api.ResourceKind;
import org.scmi.api.ScmiStatus;
import org.scmi.api.power.PowerDomain;
import org.scmi.api.power.PowerDomainDriver;
import org.scmi.api.power.PowerState;
import org.scmi.api.testing.FakeAgent;
import org.scmi.api.testing.FakeDirectory;
import org.scmi.api.testing.Le;
import org.scmi.api.testing.Views;
import org.scmi.core.AgentStates;

class PowerProtocolTest {
    /** Short, so that waiting for an absent driver takes little test time. */
    private static final int GRACE_MILLIS = 200;
    private final AgentStates store = new AgentStates();
    private static final int RETENTION = 0x0000_0001;
    private static final int STATE_CHANGED_HEADER = 0x0000_4700;
    private static final int CHANGE_REQUESTED_HEADER = 0x0000_4701;
    private static final String LONG_NAME = "display_controller_power_domain";

    private final FakeAgent guest1 = new FakeAgent(1, true);
    private final FakeAgent guest2 = new FakeAgent(2, true);
    private final FakeAgent noEvents = new FakeAgent(3, false);
    private final TestPowerDriver board = new TestPowerDriver(
            new PowerDomain("gpu", "gpu_pd", List.of(PowerState.ON, PowerState.OFF), true, false),
            new PowerDomain("vpu", "vpu_pd", List.of(PowerState.ON, RETENTION, PowerState.OFF), true, true),
            new PowerDomain("dpu", LONG_NAME, List.of(PowerState.ON, PowerState.OFF), false, true));
    private PowerProtocol power;

    @BeforeEach
    void start() {
        power = new PowerProtocol(Configs.power(GRACE_MILLIS), store);
        power.bindAgentDirectory(new FakeDirectory(guest1, guest2, noEvents));
        power.bindDriver(board, Map.of(PowerDomainDriver.DRIVER_KEY, "board", "service.id", 10L));
    }

    @AfterEach
    void stop() throws InterruptedException {
        power.deactivate();
    }

    @Test
    void declaresItsIdVersionAndParameterSizes() {
        assertEquals(0x11, power.protocolId());
        assertEquals(0x30001, power.version());
        assertEquals(0, power.handler(0x1, guest1).parameterLength());
        assertEquals(4, power.handler(0x3, guest1).parameterLength());
        assertEquals(12, power.handler(0x4, guest1).parameterLength());
        assertEquals(4, power.handler(0x5, guest1).parameterLength());
        assertEquals(8, power.handler(0x6, guest1).parameterLength());
        assertEquals(8, power.handler(0x7, guest1).parameterLength());
        assertEquals(4, power.handler(0x8, guest1).parameterLength());
        assertNull(power.handler(0x9, guest1));
        assertNull(power.handler(0x2, guest1), "answered by the dispatcher");
    }

    @Test
    void protocolAttributesCountDomainsAndOfferNoStatistics() {
        assertArrayEquals(words(0, 3, 0, 0, 0), call(power, guest1, 0x1));
    }

    @Test
    void withoutDriversThereAreNoDomains() throws InterruptedException {
        PowerProtocol empty = new PowerProtocol(Configs.power(GRACE_MILLIS), store);
        assertArrayEquals(words(0, 0, 0, 0, 0), call(empty, guest1, 0x1));
        assertArrayEquals(words(ScmiStatus.NOT_FOUND.code()), call(empty, guest1, 0x3, 0));
        empty.deactivate();
    }

    @Test
    void anAwayDriverKeepsItsDomainsListedAndTheirStateWaitsForIt() throws Exception {
        power.unbindDriver(board);
        assertArrayEquals(words(0, 3, 0, 0, 0), call(power, guest1, 0x1), "ids do not move");
        assertArrayEquals(Le.bytes().status(ScmiStatus.SUCCESS).u32(0).name("gpu_pd", 64).toArray(),
                call(power, guest1, 0x8, 0), "descriptions need no driver");

        CompletableFuture<byte[]> state = CompletableFuture.supplyAsync(() -> call(power, guest1, 0x5, 0));
        Thread.sleep(GRACE_MILLIS / 4);
        assertFalse(state.isDone(), "POWER_STATE_GET waits for the driver");
        power.bindDriver(board, Map.of(PowerDomainDriver.DRIVER_KEY, "board", "service.id", 11L));
        assertArrayEquals(words(0, PowerState.ON), state.get(1, TimeUnit.SECONDS));
    }

    @Test
    void aDriverThatStaysAwayEndsTheWaitWithAHardwareError() {
        power.unbindDriver(board);
        long started = System.nanoTime();
        assertArrayEquals(words(ScmiStatus.HARDWARE_ERROR.code()), call(power, guest1, 0x4, 0, 0, PowerState.OFF));
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) >= GRACE_MILLIS);
        assertTrue(board.sets.isEmpty());
    }

    @Test
    void votesAndSubscriptionsOutliveTheProtocolInstance() throws Exception {
        call(power, guest1, 0x4, 0, 0, PowerState.OFF);
        call(power, guest2, 0x4, 0, 1, RETENTION);
        call(power, guest2, 0x6, 0, 1);
        power.deactivate();

        PowerProtocol updated = new PowerProtocol(Configs.power(GRACE_MILLIS), store);
        updated.bindAgentDirectory(new FakeDirectory(guest1, guest2, noEvents));
        updated.bindDriver(board, Map.of(PowerDomainDriver.DRIVER_KEY, "board", "service.id", 12L));
        try {
            assertArrayEquals(words(0, PowerState.OFF), call(updated, guest1, 0x5, 0), "guest 1's vote");
            assertArrayEquals(words(0, RETENTION), call(updated, guest2, 0x5, 1), "guest 2's vote");
            call(updated, guest1, 0x4, 0, 0, PowerState.ON);
            assertArrayEquals(words(1, 0, PowerState.ON), guest2.await().payload(), "still subscribed");
            call(updated, guest1, 0x4, 0, 1, PowerState.ON);
            assertEquals("vpu=0", board.sets.getLast(), "the most powered vote wins");
            call(updated, guest1, 0x4, 0, 1, PowerState.OFF);
            assertEquals("vpu=1", board.sets.getLast(), "guest 2's earlier vote for retention still counts");
        } finally {
            updated.deactivate();
            power = new PowerProtocol(Configs.power(GRACE_MILLIS), store); // for the common tear-down
        }
    }

    @Test
    void domainAttributesDependOnTheEventChannel() {
        byte[] gpu = Le.bytes().status(ScmiStatus.SUCCESS).u32(0x9000_0000 | 0x2000_0000).name("gpu_pd", 16).toArray();
        assertArrayEquals(gpu, call(power, guest1, 0x3, 0));
        byte[] vpu = Le.bytes().status(ScmiStatus.SUCCESS).u32(0xF000_0000).name("vpu_pd", 16).toArray();
        assertArrayEquals(vpu, call(power, guest1, 0x3, 1));
        byte[] dpu = Le.bytes().status(ScmiStatus.SUCCESS).u32(0xD800_0000).name("display_control", 16).toArray();
        assertArrayEquals(dpu, call(power, guest1, 0x3, 2));

        byte[] vpuQuiet = Le.bytes().status(ScmiStatus.SUCCESS).u32(0x2000_0000).name("vpu_pd", 16).toArray();
        assertArrayEquals(vpuQuiet, call(power, noEvents, 0x3, 1));
        byte[] dpuQuiet = Le.bytes().status(ScmiStatus.SUCCESS).u32(0x0800_0000).name("display_control", 16).toArray();
        assertArrayEquals(dpuQuiet, call(power, noEvents, 0x3, 2));
    }

    @Test
    void unknownDomainsAreNotFoundInEveryMessage() {
        byte[] notFound = words(ScmiStatus.NOT_FOUND.code());
        for (int id : new int[] {3, 0x1_0000, 0xFFFF_FFFF}) {
            assertArrayEquals(notFound, call(power, guest1, 0x3, id));
            assertArrayEquals(notFound, call(power, guest1, 0x4, 0, id, PowerState.ON));
            assertArrayEquals(notFound, call(power, guest1, 0x5, id));
            assertArrayEquals(notFound, call(power, guest1, 0x6, id, 1));
            assertArrayEquals(notFound, call(power, guest1, 0x7, id, 1));
            assertArrayEquals(notFound, call(power, guest1, 0x8, id));
        }
    }

    @Test
    void extendedNameIsSixtyFourBytes() {
        assertArrayEquals(Le.bytes().status(ScmiStatus.SUCCESS).u32(0).name(LONG_NAME, 64).toArray(),
                call(power, guest1, 0x8, 2));
        assertArrayEquals(Le.bytes().status(ScmiStatus.SUCCESS).u32(0).name("gpu_pd", 64).toArray(),
                call(power, noEvents, 0x8, 0));
    }

    @Test
    void synchronousSetTakesEffectBeforeTheReplyAndReadsBackExactly() {
        assertArrayEquals(words(0), call(power, guest1, 0x4, 0, 0, PowerState.OFF));
        assertEquals(List.of("gpu=40000000"), board.sets);
        assertArrayEquals(words(0, 0x4000_0000), call(power, guest1, 0x5, 0));
        assertArrayEquals(words(0), call(power, guest1, 0x4, 0, 0, PowerState.ON));
        assertArrayEquals(words(0, 0), call(power, guest1, 0x5, 0));
        assertArrayEquals(words(0), call(power, guest1, 0x4, 0, 1, RETENTION));
        assertArrayEquals(words(0, RETENTION), call(power, guest1, 0x5, 1));
    }

    @Test
    void badFlagsStatesAndModesAreRefused() {
        byte[] invalid = words(ScmiStatus.INVALID_PARAMETERS.code());
        byte[] unsupported = words(ScmiStatus.NOT_SUPPORTED.code());
        assertArrayEquals(invalid, call(power, guest1, 0x4, 2, 0, PowerState.OFF), "reserved flag bit");
        assertArrayEquals(invalid, call(power, guest1, 0x4, 0x8000_0000, 0, PowerState.OFF), "reserved flag bit");
        assertArrayEquals(invalid, call(power, guest1, 0x4, 0, 0, RETENTION), "state the domain lacks");
        assertArrayEquals(invalid, call(power, guest1, 0x4, 0, 0, 0x1000_0000), "reserved state bit");
        assertArrayEquals(invalid, call(power, guest1, 0x4, 0, 0, 0x8000_0000), "reserved state bit");
        assertArrayEquals(unsupported, call(power, guest1, 0x4, 1, 0, PowerState.OFF), "gpu is synchronous only");
        assertArrayEquals(unsupported, call(power, guest1, 0x4, 0, 2, PowerState.OFF), "dpu is asynchronous only");
        assertArrayEquals(unsupported, call(power, noEvents, 0x4, 1, 1, PowerState.OFF), "no event channel");
        assertEquals(List.of(), board.sets);
        assertArrayEquals(invalid, call(power, guest1, 0x6, 0, 2));
        assertArrayEquals(invalid, call(power, guest1, 0x7, 0, 0xFFFF_FFFF));
    }

    @Test
    void driverFailureIsReportedAndTheRequestForgotten() {
        board.hardware.fail(ScmiStatus.HARDWARE_ERROR);
        assertArrayEquals(words(ScmiStatus.HARDWARE_ERROR.code()), call(power, guest1, 0x4, 0, 0, PowerState.OFF));
        board.hardware.fail(null);
        assertArrayEquals(words(0, PowerState.ON), call(power, guest1, 0x5, 0));
    }

    @Test
    void notifyCommandsExistOnlyWithAnEventChannel() {
        assertNull(power.handler(0x6, noEvents));
        assertNull(power.handler(0x7, noEvents));
        assertNotNull(power.handler(0x6, guest1));
        assertArrayEquals(words(ScmiStatus.NOT_FOUND.code()), call(power, noEvents, 0x6, 0, 1));
    }

    @Test
    void eachAgentReadsItsOwnStateWhileTheHardwareFollowsTheMostPoweredRequest() {
        call(power, guest1, 0x4, 0, 1, PowerState.ON);
        call(power, guest2, 0x4, 0, 1, PowerState.OFF);
        assertArrayEquals(words(0, PowerState.ON), call(power, guest1, 0x5, 1));
        assertArrayEquals(words(0, PowerState.OFF), call(power, guest2, 0x5, 1));
        assertArrayEquals(words(0, PowerState.ON), call(power, noEvents, 0x5, 1), "no request: the hardware");
        assertEquals(List.of(), board.sets, "guest 1 keeps vpu on");

        call(power, guest1, 0x4, 0, 1, RETENTION);
        assertEquals(List.of("vpu=1"), board.sets);
        power.resetAgent(1);
        assertEquals(List.of("vpu=1", "vpu=40000000"), board.sets, "only guest 2's off remains");
        assertArrayEquals(words(0, PowerState.OFF), call(power, guest1, 0x5, 1));
        power.resetAgent(2);
        assertEquals(List.of("vpu=1", "vpu=40000000", "vpu=0"), board.sets, "back to the state found at start");
    }

    @Test
    void anAgentSeesOnlyTheDomainsItsProfileListsUnderItsOwnIds() throws InterruptedException {
        FakeAgent vpuOnly = new FakeAgent(4, "vpu", true, Views.listing(ResourceKind.POWER_DOMAINS, "vpu_pd"));
        power.bindAgentDirectory(new FakeDirectory(guest1, guest2, vpuOnly));
        assertArrayEquals(words(0, 1, 0, 0, 0), call(power, vpuOnly, 0x1));
        assertArrayEquals(Le.bytes().status(ScmiStatus.SUCCESS).u32(0).name("vpu_pd", 64).toArray(),
                call(power, vpuOnly, 0x8, 0));
        for (int message : new int[] {0x3, 0x5, 0x8}) {
            assertArrayEquals(words(ScmiStatus.NOT_FOUND.code()), call(power, vpuOnly, message, 1),
                    "message " + message + " of a domain it does not see");
        }
        assertArrayEquals(words(ScmiStatus.NOT_FOUND.code()), call(power, vpuOnly, 0x4, 0, 1, PowerState.OFF));
        assertArrayEquals(words(ScmiStatus.NOT_FOUND.code()), call(power, vpuOnly, 0x6, 1, 1));

        assertArrayEquals(words(0), call(power, vpuOnly, 0x6, 0, 1));
        call(power, guest1, 0x4, 0, 1, RETENTION);
        assertArrayEquals(words(1, 0, RETENTION), vpuOnly.await().payload(), "vpu_pd is its domain 0");
        call(power, guest1, 0x4, 0, 0, PowerState.OFF);
        assertEquals(List.of(), vpuOnly.drain(), "gpu_pd does not exist for it");
        assertEquals(List.of("vpu_pd"), power.resources(vpuOnly).stream().map(r -> r.name()).toList());
    }

    @Test
    void votesShowWhoHoldsWhat() {
        call(power, guest1, 0x4, 0, 1, PowerState.ON);
        call(power, guest2, 0x4, 0, 1, PowerState.OFF);
        assertEquals(1, power.votes().size());
        assertEquals("vpu_pd", power.votes().getFirst().resource().name());
        assertEquals("on", power.votes().getFirst().state());
        assertEquals(Map.of(1, "on", 2, "off"), power.votes().getFirst().votes());
    }

    @Test
    void stateChangesAreNotifiedToSubscribersOnly() throws InterruptedException {
        assertArrayEquals(words(0), call(power, guest1, 0x6, 0, 1));
        call(power, guest2, 0x4, 0, 0, PowerState.OFF);
        FakeAgent.Event event = guest1.await();
        assertEquals(STATE_CHANGED_HEADER, event.header());
        assertArrayEquals(words(2, 0, PowerState.OFF), event.payload());
        assertEquals(List.of(), guest2.drain(), "guest 2 did not subscribe");

        assertArrayEquals(words(0), call(power, guest1, 0x6, 0, 0));
        call(power, guest2, 0x4, 0, 0, PowerState.ON);
        assertEquals(List.of(), guest1.drain(), "unsubscribed");
    }

    @Test
    void subscribersHoldingTheirOwnStateAreNotToldOfTheHardware() throws InterruptedException {
        call(power, guest1, 0x6, 1, 1);
        call(power, guest2, 0x6, 1, 1);
        call(power, guest1, 0x4, 0, 1, PowerState.OFF);
        assertArrayEquals(words(1, 1, PowerState.OFF), guest1.await().payload(), "its own view changed");
        assertArrayEquals(words(1, 1, PowerState.OFF), guest2.await().payload(), "it reads the hardware");
        call(power, guest2, 0x4, 0, 1, PowerState.ON);
        assertArrayEquals(words(2, 1, PowerState.ON), guest2.await().payload());
        assertEquals(List.of(), guest1.drain(), "guest 1 still reads its own off");
    }

    @Test
    void changeRequestsAreNotifiedBeforeTheChange() {
        call(power, guest1, 0x7, 0, 1);
        call(power, guest2, 0x4, 0, 0, PowerState.OFF);
        List<FakeAgent.Event> events = guest1.drain();
        assertEquals(1, events.size());
        assertEquals(CHANGE_REQUESTED_HEADER, events.getFirst().header());
        assertArrayEquals(words(2, 0, PowerState.OFF), events.getFirst().payload());
    }

    @Test
    void asynchronousSetAnswersAtOnceAndCompletesWithANotification() throws InterruptedException {
        board.hardware.hold();
        call(power, guest1, 0x6, 2, 1);
        assertArrayEquals(words(0), call(power, guest1, 0x4, 1, 2, PowerState.OFF));
        assertEquals(List.of(), board.sets, "still switching");
        board.hardware.release();
        FakeAgent.Event done = guest1.await();
        assertEquals(STATE_CHANGED_HEADER, done.header());
        assertArrayEquals(words(1, 2, PowerState.OFF), done.payload());
        assertArrayEquals(words(0, PowerState.OFF), call(power, guest1, 0x5, 2));
    }

    @Test
    void platformChangesOverrideRequestsAndReachSubscribersAsAgentZero() throws InterruptedException {
        call(power, guest1, 0x4, 0, 0, PowerState.OFF);
        call(power, guest2, 0x6, 0, 1);
        board.platformSets("gpu", PowerState.ON);
        FakeAgent.Event event = guest2.await();
        assertEquals(STATE_CHANGED_HEADER, event.header());
        assertArrayEquals(words(0, 0, PowerState.ON), event.payload());
        assertArrayEquals(words(0, PowerState.ON), call(power, guest1, 0x5, 0), "guest 1's request was overridden");

        call(power, guest2, 0x7, 0, 1);
        board.listeners.forEach(l -> l.stateChangeRequested("gpu", PowerState.OFF));
        FakeAgent.Event requested = guest2.await();
        assertEquals(CHANGE_REQUESTED_HEADER, requested.header());
        assertArrayEquals(words(0, 0, PowerState.OFF), requested.payload());
    }

    @Test
    void resetForgetsSubscriptions() {
        call(power, guest1, 0x6, 0, 1);
        power.resetAgent(1);
        call(power, guest2, 0x4, 0, 0, PowerState.OFF);
        assertEquals(List.of(), guest1.drain());
    }

    @Test
    void driversAreMergedByKeyWithStableIds() {
        TestPowerDriver early = new TestPowerDriver(
                new PowerDomain("a", "early_a", List.of(PowerState.ON, PowerState.OFF), true, false));
        TestPowerDriver unkeyed = new TestPowerDriver(
                new PowerDomain("u", "unkeyed", List.of(PowerState.ON, PowerState.OFF), true, false));
        power.bindDriver(unkeyed, Map.of("service.id", 5L));
        power.bindDriver(early, Map.of(PowerDomainDriver.DRIVER_KEY, "aaa", "service.id", 20L));
        assertEquals(List.of("early_a", "gpu_pd", "vpu_pd", LONG_NAME, "unkeyed"), names());

        power.unbindDriver(board);
        power.unbindDriver(early);
        power.unbindDriver(unkeyed);
        assertEquals(List.of("early_a", "gpu_pd", "vpu_pd", LONG_NAME), names(), "keyed drivers keep their places");
        power.bindDriver(unkeyed, Map.of("service.id", 6L));
        power.bindDriver(board, Map.of(PowerDomainDriver.DRIVER_KEY, "board", "service.id", 30L));
        power.bindDriver(early, Map.of(PowerDomainDriver.DRIVER_KEY, "aaa", "service.id", 31L));
        assertEquals(List.of("early_a", "gpu_pd", "vpu_pd", LONG_NAME, "unkeyed"), names(), "same ids again");

        call(power, guest1, 0x6, 0, 1);
        early.platformSets("a", PowerState.OFF);
        assertArrayEquals(words(0, 0, PowerState.OFF), guest1.drain().getFirst().payload(), "listener finds id 0");
        assertTrue(unkeyed.sets.isEmpty());
    }

    private List<String> names() {
        int count = java.nio.ByteBuffer.wrap(call(power, guest1, 0x1)).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .getInt(4);
        return java.util.stream.IntStream.range(0, count).mapToObj(id -> {
            byte[] reply = call(power, guest1, 0x8, id);
            return new String(reply, 8, 64, java.nio.charset.StandardCharsets.US_ASCII).replace("\0", "");
        }).toList();
    }
}
