package org.scmi.base;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.scmi.api.testing.Dispatch.failure;
import static org.scmi.api.testing.Dispatch.failureWithin;
import static org.scmi.api.testing.Dispatch.returnValues;
import static org.scmi.api.testing.Le.hex;
import static org.scmi.base.BaseMessages.BASE_DISCOVER_AGENT;
import static org.scmi.base.BaseMessages.BASE_DISCOVER_IMPLEMENTATION_VERSION;
import static org.scmi.base.BaseMessages.BASE_DISCOVER_LIST_PROTOCOLS;
import static org.scmi.base.BaseMessages.BASE_DISCOVER_SUB_VENDOR;
import static org.scmi.base.BaseMessages.BASE_DISCOVER_VENDOR;
import static org.scmi.base.BaseMessages.BASE_NOTIFY_ERRORS;
import static org.scmi.base.BaseMessages.PROTOCOL_ATTRIBUTES;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.scmi.api.Agent;
import org.scmi.api.AgentDirectory;
import org.scmi.api.MessageHandler;
import org.scmi.api.Payload;
import org.scmi.api.Reply;
import org.scmi.api.ResourceKind;
import org.scmi.api.ScmiException;
import org.scmi.api.ScmiRequest;
import org.scmi.api.ScmiStatus;
import org.scmi.api.testing.FakeAgent;
import org.scmi.api.testing.Views;
import org.scmi.core.AgentStates;

class BaseProtocolTest {
    private final FakeAgent guestA = new FakeAgent(1, "guest-a", true);
    private final FakeAgent guestB = new FakeAgent(2, "guest-b", false);
    /** Agent 1 with a trusted profile. */
    private final FakeAgent trustedA = new FakeAgent(1, "guest-a", true, Views.TRUSTED);
    private final AgentStates store = new AgentStates();
    private BaseProtocol base;

    @BeforeEach
    void start() {
        base = new BaseProtocol(Configs.defaults(), store);
        base.setAgentDirectory(() -> List.<Agent>of(guestA, guestB));
        base.addProtocol(new FakeProtocol(0x15), Map.of("scmi.protocol.id", 0x15));
        base.addProtocol(new FakeProtocol(0x11), Map.of("scmi.protocol.id", 0x11));
        base.addProtocol(new FakeProtocol(0x14), Map.of("scmi.protocol.id", 0x14));
    }

    @Test
    void speaksBase21AndNegotiatesDownTo20() {
        assertEquals(0x10, base.protocolId());
        assertEquals(0x20001, base.version());
        assertEquals(0x20000, base.lowestVersion());
    }

    @Test
    void handlerTableHoldsEveryBaseMessageTheDispatcherDoesNotAnswer() {
        assertEquals(Map.of(0x1, 0, 0x3, 0, 0x4, 0, 0x5, 0, 0x6, 4, 0x7, 4, 0x8, 4, 0x9, 12, 0xA, 16, 0xB, 8),
                parameterLengths(guestA));
    }

    @Test
    void notifyErrorsDoesNotExistForAnAgentWithoutEventChannel() {
        Map<Integer, Integer> expected = new TreeMap<>(parameterLengths(guestA));
        expected.remove(BASE_NOTIFY_ERRORS);
        assertEquals(expected, parameterLengths(guestB));
        assertNull(base.handler(BASE_NOTIFY_ERRORS, guestB));
    }

    @Test
    void protocolAttributesCountProtocolsWithoutBaseAndAgentsWithoutPlatform() throws ScmiException {
        assertArrayEquals(hex("03 02 00 00"), returnValues(base, trustedA, PROTOCOL_ATTRIBUTES));
    }

    @Test
    void anUntrustedAgentCountsOnlyItselfAndSeesOnlyItselfAndThePlatform() throws ScmiException {
        assertArrayEquals(hex("03 01 00 00"), returnValues(base, guestA, PROTOCOL_ATTRIBUTES));
        assertEquals(ScmiStatus.NOT_FOUND, failure(base, guestA, BASE_DISCOVER_AGENT, 2));
        assertEquals(ScmiStatus.NOT_FOUND, failure(base, guestB, BASE_DISCOVER_AGENT, 1));
        assertArrayEquals(hex("01000000 67756573742d6100 0000000000000000"),
                returnValues(base, guestA, BASE_DISCOVER_AGENT, 1));
        assertArrayEquals(hex("00000000 706c6174666f726d0000000000000000"),
                returnValues(base, guestB, BASE_DISCOVER_AGENT, 0));
    }

    @Test
    void protocolsTheProfileDoesNotAllowAreNotCountedOrListed() throws ScmiException {
        FakeAgent clockOnly = new FakeAgent(1, "guest-a", true, Views.listing(ResourceKind.CLOCKS));
        assertArrayEquals(hex("01 01 00 00"), returnValues(base, clockOnly, PROTOCOL_ATTRIBUTES));
        assertArrayEquals(hex("01000000 14000000"), returnValues(base, clockOnly, BASE_DISCOVER_LIST_PROTOCOLS, 0));
        assertEquals(ScmiStatus.INVALID_PARAMETERS, failure(base, clockOnly, BASE_DISCOVER_LIST_PROTOCOLS, 2));
    }

    @Test
    void withoutAgentDirectoryTheCallerIsTheOnlyKnownAgent() throws ScmiException {
        BaseProtocol alone = new BaseProtocol(Configs.defaults(), new AgentStates());
        assertArrayEquals(hex("00 01 00 00"), returnValues(alone, guestB, PROTOCOL_ATTRIBUTES));
        assertArrayEquals(hex("02000000 67756573742d6200 0000000000000000"),
                returnValues(alone, guestB, BASE_DISCOVER_AGENT, 2));
        assertEquals(ScmiStatus.NOT_FOUND, failure(alone, guestB, BASE_DISCOVER_AGENT, 1));
    }

    @Test
    void agentDirectoryCanBeReplacedAndRemoved() throws ScmiException {
        var onlyA = directoryOf(guestA);
        var both = directoryOf(guestA, guestB);
        base.setAgentDirectory(onlyA);
        assertArrayEquals(hex("03 01 00 00"), returnValues(base, trustedA, PROTOCOL_ATTRIBUTES));
        // greedy rebinding binds the new directory before unbinding the old one
        base.setAgentDirectory(both);
        base.unsetAgentDirectory(onlyA);
        assertArrayEquals(hex("03 02 00 00"), returnValues(base, trustedA, PROTOCOL_ATTRIBUTES));
        base.unsetAgentDirectory(both);
        assertArrayEquals(hex("03 01 00 00"), returnValues(base, trustedA, PROTOCOL_ATTRIBUTES));
        assertEquals(ScmiStatus.NOT_FOUND, failure(base, trustedA, BASE_DISCOVER_AGENT, 2));
    }

    @Test
    void vendorSubVendorAndImplementationVersionDefaults() throws ScmiException {
        assertArrayEquals(hex("53434d492d4f53476900000000000000"), returnValues(base, guestA, BASE_DISCOVER_VENDOR));
        assertArrayEquals(hex("4a617661000000000000000000000000"),
                returnValues(base, guestA, BASE_DISCOVER_SUB_VENDOR));
        assertArrayEquals(hex("00000100"), returnValues(base, guestA, BASE_DISCOVER_IMPLEMENTATION_VERSION));
    }

    @Test
    void identityComesFromConfigurationAndChangesLive() throws ScmiException {
        base.modified(Configs.of(Map.of("vendor", "Arm Ltd.-15chrs", "sub_vendor", "board-7",
                "implementation_version", 0xFEDCBA98L, "platform_name", "platform-x")));
        assertArrayEquals(hex("41726d204c74642e2d31356368727300"), returnValues(base, guestA, BASE_DISCOVER_VENDOR));
        assertArrayEquals(hex("626f6172642d37000000000000000000"),
                returnValues(base, guestA, BASE_DISCOVER_SUB_VENDOR));
        assertArrayEquals(hex("98badcfe"), returnValues(base, guestA, BASE_DISCOVER_IMPLEMENTATION_VERSION));
        assertArrayEquals(hex("00000000 706c6174666f726d2d780000 00000000"),
                returnValues(base, guestA, BASE_DISCOVER_AGENT, 0));

        base.modified(Configs.defaults());
        assertArrayEquals(hex("53434d492d4f53476900000000000000"), returnValues(base, guestA, BASE_DISCOVER_VENDOR));
    }

    @Test
    void invalidConfigurationFallsBackToDefaults() throws ScmiException {
        BaseProtocol misconfigured = new BaseProtocol(Configs.of(Map.of("vendor", "a vendor of 16 c",
                "sub_vendor", "Über", "implementation_version", -1L, "platform_name", "")), new AgentStates());
        assertArrayEquals(hex("53434d492d4f53476900000000000000"),
                returnValues(misconfigured, guestA, BASE_DISCOVER_VENDOR));
        assertArrayEquals(hex("4a617661000000000000000000000000"),
                returnValues(misconfigured, guestA, BASE_DISCOVER_SUB_VENDOR));
        assertArrayEquals(hex("00000100"), returnValues(misconfigured, guestA, BASE_DISCOVER_IMPLEMENTATION_VERSION));
        assertArrayEquals(hex("00000000 706c6174666f726d0000000000000000"),
                returnValues(misconfigured, guestA, BASE_DISCOVER_AGENT, 0));
    }

    @Test
    void fixedSizeReplyLargerThanTheAgentsBufferIsACommsError() {
        assertEquals(ScmiStatus.COMMS_ERROR, failureWithin(15, base, guestA, BASE_DISCOVER_VENDOR));
        assertEquals(ScmiStatus.COMMS_ERROR, failureWithin(19, base, guestA, BASE_DISCOVER_AGENT, 0));
        assertEquals(ScmiStatus.COMMS_ERROR, failureWithin(3, base, guestA, PROTOCOL_ATTRIBUTES));
    }

    @Test
    void truncatedParametersAreAProtocolError() {
        MessageHandler handler = base.handler(BASE_DISCOVER_AGENT, guestA);
        var request = new ScmiRequest(guestA, 0x4007, Payload.of(new byte[2]), base.version());
        ScmiException error = assertThrows(ScmiException.class, () -> handler.handle(request, new Reply(128)));
        assertEquals(ScmiStatus.PROTOCOL_ERROR, error.status());
    }

    @Test
    void discoverAgentNamesThePlatformTheCallerAndConfiguredAgents() throws ScmiException {
        assertArrayEquals(hex("00000000 706c6174666f726d0000000000000000"),
                returnValues(base, guestA, BASE_DISCOVER_AGENT, 0));
        assertArrayEquals(hex("01000000 67756573742d6100 0000000000000000"),
                returnValues(base, guestA, BASE_DISCOVER_AGENT, 0xFFFFFFFF));
        assertArrayEquals(hex("02000000 67756573742d6200 0000000000000000"),
                returnValues(base, guestB, BASE_DISCOVER_AGENT, 0xFFFFFFFF));
        assertArrayEquals(hex("02000000 67756573742d6200 0000000000000000"),
                returnValues(base, trustedA, BASE_DISCOVER_AGENT, 2));
    }

    @Test
    void discoverAgentOfUnknownIdIsNotFound() {
        assertEquals(ScmiStatus.NOT_FOUND, failure(base, guestA, BASE_DISCOVER_AGENT, 3));
        assertEquals(ScmiStatus.NOT_FOUND, failure(base, guestA, BASE_DISCOVER_AGENT, 0x101));
        assertEquals(ScmiStatus.NOT_FOUND, failure(base, guestA, BASE_DISCOVER_AGENT, 0xFFFFFFFE));
    }

    @Test
    void agentNamesLongerThanTheFieldKeepFifteenCharacters() throws ScmiException {
        FakeAgent verbose = new FakeAgent(3, "a-very-long-guest-name", true);
        assertArrayEquals(hex("03000000 612d766572792d6c6f6e672d67756500"),
                returnValues(base, verbose, BASE_DISCOVER_AGENT, 0xFFFFFFFF));
    }

    @Test
    void notifyErrorsSubscribesAndUnsubscribesTheCaller() throws ScmiException {
        assertArrayEquals(new byte[0], returnValues(base, guestA, BASE_NOTIFY_ERRORS, 1));
        assertTrue(base.raiseErrorEvent(guestA, true, 0x1122334455667788L));
        assertEquals(1, guestA.events().size());
        assertEquals(0x00004300, guestA.events().getFirst().header());
        assertArrayEquals(hex("01000000 01000080 8877665544332211"), guestA.events().getFirst().payload());

        assertArrayEquals(new byte[0], returnValues(base, guestA, BASE_NOTIFY_ERRORS, 0));
        assertFalse(base.raiseErrorEvent(guestA, false, 1L));
        assertEquals(1, guestA.events().size());
    }

    @Test
    void anErrorSubscriptionOutlivesTheProtocolInstanceThatTookIt() throws ScmiException {
        returnValues(base, guestA, BASE_NOTIFY_ERRORS, 1);
        BaseProtocol updated = new BaseProtocol(Configs.defaults(), store);
        assertTrue(updated.raiseErrorEvent(guestA, false, 7L), "the new instance knows the subscription");
        assertEquals(1, guestA.events().size());
        returnValues(updated, guestA, BASE_NOTIFY_ERRORS, 0);
        assertFalse(base.raiseErrorEvent(guestA, false, 7L));
    }

    @Test
    void notifyErrorsWithReservedBitsIsInvalidAndChangesNothing() throws ScmiException {
        assertEquals(ScmiStatus.INVALID_PARAMETERS, failure(base, guestA, BASE_NOTIFY_ERRORS, 2));
        assertEquals(ScmiStatus.INVALID_PARAMETERS, failure(base, guestA, BASE_NOTIFY_ERRORS, 0x80000001));
        assertFalse(base.raiseErrorEvent(guestA, false));
        returnValues(base, guestA, BASE_NOTIFY_ERRORS, 1);
        assertEquals(ScmiStatus.INVALID_PARAMETERS, failure(base, guestA, BASE_NOTIFY_ERRORS, 3));
        assertTrue(base.raiseErrorEvent(guestA, false));
    }

    @Test
    void errorEventsGoOnlyToTheSubscribedAgentTheyConcern() throws ScmiException {
        FakeAgent guestC = new FakeAgent(3, "guest-c", true);
        returnValues(base, guestA, BASE_NOTIFY_ERRORS, 1);
        assertFalse(base.raiseErrorEvent(guestC, false, 5L));
        assertTrue(guestC.events().isEmpty());
        assertTrue(guestA.events().isEmpty());

        assertTrue(base.raiseErrorEvent(guestA, false));
        assertArrayEquals(hex("01000000 00000000"), guestA.events().getFirst().payload());
    }

    @Test
    void errorEventCarriesAtMost1023Reports() throws ScmiException {
        returnValues(base, guestA, BASE_NOTIFY_ERRORS, 1);
        assertTrue(base.raiseErrorEvent(guestA, false, new long[1023]));
        byte[] payload = guestA.events().getFirst().payload();
        assertEquals(8 + 1023 * 8, payload.length);
        assertArrayEquals(hex("01000000 ff030000"), Arrays.copyOf(payload, 8));
        assertThrows(IllegalArgumentException.class, () -> base.raiseErrorEvent(guestA, false, new long[1024]));
    }

    @Test
    void resetAgentForgetsTheErrorSubscription() throws ScmiException {
        returnValues(base, guestA, BASE_NOTIFY_ERRORS, 1);
        base.resetAgent(guestA.id());
        assertFalse(base.raiseErrorEvent(guestA, true));
    }

    @Test
    void listProtocolsIsAscendingWithoutBase() throws ScmiException {
        assertArrayEquals(hex("03000000 11141500"), returnValues(base, guestA, BASE_DISCOVER_LIST_PROTOCOLS, 0));
    }

    private Map<Integer, Integer> parameterLengths(Agent agent) {
        Map<Integer, Integer> lengths = new TreeMap<>();
        for (int id = 0; id <= 0xFF; id++) {
            MessageHandler handler = base.handler(id, agent);
            if (handler != null) {
                lengths.put(id, handler.parameterLength());
            }
        }
        return lengths;
    }

    private static AgentDirectory directoryOf(Agent... agents) {
        List<Agent> list = List.of(agents);
        return () -> list;
    }
}
