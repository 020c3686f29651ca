package org.scmi.base;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.scmi.api.testing.Dispatch.failure;
import static org.scmi.api.testing.Dispatch.returnValues;
import static org.scmi.base.BaseMessages.BASE_NOTIFY_ERRORS;
import static org.scmi.base.BaseMessages.BASE_RESET_AGENT_CONFIGURATION;
import static org.scmi.base.BaseMessages.BASE_SET_DEVICE_PERMISSIONS;
import static org.scmi.base.BaseMessages.BASE_SET_PROTOCOL_PERMISSIONS;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.scmi.api.Agent;
import org.scmi.api.ResourceKind;
import org.scmi.api.ScmiException;
import org.scmi.api.ScmiStatus;
import org.scmi.api.testing.FakeAgent;
import org.scmi.api.testing.Views;
import org.scmi.core.AgentStates;

/** BASE_SET_DEVICE_PERMISSIONS, BASE_SET_PROTOCOL_PERMISSIONS and BASE_RESET_AGENT_CONFIGURATION. */
class AgentManagementTest {
    private static final int ALLOW = 1;
    private static final int DENY = 0;

    private final FakeAgent guestA = new FakeAgent(1, "guest-a", true);
    /** Agent 1 with a trusted profile. */
    private final FakeAgent trustedA = new FakeAgent(1, "guest-a", true, Views.TRUSTED);
    private final FakeAgent guestB = new FakeAgent(2, "guest-b", true);
    private final FakeProtocol clock = new FakeProtocol(0x14);
    private final FakeProtocol sensor = new FakeProtocol(0x15);
    private BaseProtocol base;

    @BeforeEach
    void start() {
        base = new BaseProtocol(Configs.defaults(), new AgentStates());
        base.setAgentDirectory(() -> List.<Agent>of(guestA, guestB));
        base.addProtocol(clock, Map.of("scmi.protocol.id", 0x14));
        base.addProtocol(sensor, Map.of("scmi.protocol.id", 0x15));
    }

    @Test
    void devicePermissionsOfAnUnknownAgentAreNotFound() {
        for (FakeAgent caller : List.of(guestA, trustedA)) {
            assertEquals(ScmiStatus.NOT_FOUND, failure(base, caller, BASE_SET_DEVICE_PERMISSIONS, 3, 0, ALLOW));
            assertEquals(ScmiStatus.NOT_FOUND, failure(base, caller, BASE_SET_DEVICE_PERMISSIONS, 0, 0, ALLOW));
            assertEquals(ScmiStatus.NOT_FOUND, failure(base, caller, BASE_SET_DEVICE_PERMISSIONS, 0xFFFFFFFF, 0, ALLOW));
            // the agent is checked before the flags
            assertEquals(ScmiStatus.NOT_FOUND, failure(base, caller, BASE_SET_DEVICE_PERMISSIONS, 3, 0, 4));
        }
    }

    @Test
    void anUntrustedAgentDoesNotSeeOtherAgents() {
        assertEquals(ScmiStatus.NOT_FOUND, failure(base, guestA, BASE_SET_DEVICE_PERMISSIONS, 2, 0, ALLOW));
        assertEquals(ScmiStatus.NOT_FOUND, failure(base, guestA, BASE_SET_DEVICE_PERMISSIONS, 2, 0, 4));
        assertEquals(ScmiStatus.NOT_FOUND, failure(base, guestA, BASE_SET_PROTOCOL_PERMISSIONS, 2, 0, 0x14, ALLOW));
        assertEquals(ScmiStatus.NOT_FOUND, failure(base, guestA, BASE_RESET_AGENT_CONFIGURATION, 2, 0));
        assertNothingReset();
    }

    @Test
    void devicePermissionsWithReservedFlagBitsAreInvalid() {
        assertEquals(ScmiStatus.INVALID_PARAMETERS, failure(base, guestA, BASE_SET_DEVICE_PERMISSIONS, 1, 0, 4));
        assertEquals(ScmiStatus.INVALID_PARAMETERS,
                failure(base, trustedA, BASE_SET_DEVICE_PERMISSIONS, 2, 0, 0x80000001));
    }

    @Test
    void devicePermissionsAreDeniedToAnUntrustedAgentAndFindNoDeviceForATrustedOne() {
        assertEquals(ScmiStatus.DENIED, failure(base, guestA, BASE_SET_DEVICE_PERMISSIONS, 1, 0, ALLOW));
        assertEquals(ScmiStatus.DENIED, failure(base, guestA, BASE_SET_DEVICE_PERMISSIONS, 1, 7, DENY));
        assertEquals(ScmiStatus.NOT_FOUND, failure(base, trustedA, BASE_SET_DEVICE_PERMISSIONS, 2, 0, ALLOW));
        assertEquals(ScmiStatus.NOT_FOUND, failure(base, trustedA, BASE_SET_DEVICE_PERMISSIONS, 1, 7, DENY));
    }

    @Test
    void protocolPermissionsOfAnUnknownAgentAreNotFound() {
        assertEquals(ScmiStatus.NOT_FOUND, failure(base, trustedA, BASE_SET_PROTOCOL_PERMISSIONS, 3, 0, 0x14, ALLOW));
        assertEquals(ScmiStatus.NOT_FOUND, failure(base, trustedA, BASE_SET_PROTOCOL_PERMISSIONS, 0, 0, 0x14, ALLOW));
    }

    @Test
    void accessToBaseCannotBeRemoved() {
        assertEquals(ScmiStatus.NOT_FOUND, failure(base, guestA, BASE_SET_PROTOCOL_PERMISSIONS, 1, 0, 0x10, DENY));
        assertEquals(ScmiStatus.DENIED, failure(base, guestA, BASE_SET_PROTOCOL_PERMISSIONS, 1, 0, 0x10, ALLOW));
        assertEquals(ScmiStatus.NOT_FOUND, failure(base, trustedA, BASE_SET_PROTOCOL_PERMISSIONS, 2, 0, 0x10, DENY));
    }

    @Test
    void protocolPermissionsOfAnAbsentOrHiddenProtocolAreNotFound() {
        assertEquals(ScmiStatus.NOT_FOUND, failure(base, guestA, BASE_SET_PROTOCOL_PERMISSIONS, 1, 0, 0x11, ALLOW));
        assertEquals(ScmiStatus.NOT_FOUND, failure(base, guestA, BASE_SET_PROTOCOL_PERMISSIONS, 1, 0, 0x114, ALLOW));
        FakeAgent sensorsOnly = new FakeAgent(1, "guest-a", true, Views.listing(ResourceKind.SENSORS));
        assertEquals(ScmiStatus.NOT_FOUND,
                failure(base, sensorsOnly, BASE_SET_PROTOCOL_PERMISSIONS, 1, 0, 0x14, ALLOW));
        assertEquals(ScmiStatus.DENIED, failure(base, sensorsOnly, BASE_SET_PROTOCOL_PERMISSIONS, 1, 0, 0x15, ALLOW));
        base.removeProtocol(clock);
        assertEquals(ScmiStatus.NOT_FOUND, failure(base, guestA, BASE_SET_PROTOCOL_PERMISSIONS, 1, 0, 0x14, DENY));
    }

    @Test
    void protocolPermissionsWithReservedFlagBitsAreInvalid() {
        assertEquals(ScmiStatus.INVALID_PARAMETERS,
                failure(base, guestA, BASE_SET_PROTOCOL_PERMISSIONS, 1, 0, 0x14, 4));
        assertEquals(ScmiStatus.INVALID_PARAMETERS,
                failure(base, trustedA, BASE_SET_PROTOCOL_PERMISSIONS, 2, 0, 0x10, 2));
    }

    @Test
    void protocolPermissionsAreDeniedToAnUntrustedAgentAndFindNoDeviceForATrustedOne() {
        assertEquals(ScmiStatus.DENIED, failure(base, guestA, BASE_SET_PROTOCOL_PERMISSIONS, 1, 0, 0x14, DENY));
        assertEquals(ScmiStatus.DENIED, failure(base, guestA, BASE_SET_PROTOCOL_PERMISSIONS, 1, 3, 0x15, ALLOW));
        assertEquals(ScmiStatus.NOT_FOUND, failure(base, trustedA, BASE_SET_PROTOCOL_PERMISSIONS, 2, 0, 0x14, DENY));
    }

    @Test
    void resettingAnUnknownAgentIsNotFound() {
        assertEquals(ScmiStatus.NOT_FOUND, failure(base, trustedA, BASE_RESET_AGENT_CONFIGURATION, 3, 0));
        assertEquals(ScmiStatus.NOT_FOUND, failure(base, trustedA, BASE_RESET_AGENT_CONFIGURATION, 0, 0));
        assertEquals(ScmiStatus.NOT_FOUND, failure(base, trustedA, BASE_RESET_AGENT_CONFIGURATION, 3, 2));
        assertNothingReset();
    }

    @Test
    void resetWithReservedFlagBitsIsInvalid() {
        assertEquals(ScmiStatus.INVALID_PARAMETERS, failure(base, guestA, BASE_RESET_AGENT_CONFIGURATION, 1, 2));
        assertEquals(ScmiStatus.INVALID_PARAMETERS,
                failure(base, guestA, BASE_RESET_AGENT_CONFIGURATION, 1, 0xFFFFFFFF));
        assertNothingReset();
    }

    @Test
    void aTrustedAgentResetsAnotherAgent() throws ScmiException {
        returnValues(base, guestB, BASE_NOTIFY_ERRORS, 1);
        assertArrayEquals(new byte[0], returnValues(base, trustedA, BASE_RESET_AGENT_CONFIGURATION, 2, 0));
        assertEquals(List.of(2), clock.resets);
        assertEquals(List.of(2), sensor.resets);
        assertFalse(base.raiseErrorEvent(guestB, false), "agent 2's subscription went with its configuration");
    }

    @Test
    void anAgentResetsItsOwnConfigurationInEveryProtocol() throws ScmiException {
        returnValues(base, guestA, BASE_NOTIFY_ERRORS, 1);
        returnValues(base, guestB, BASE_NOTIFY_ERRORS, 1);
        assertArrayEquals(new byte[0], returnValues(base, guestA, BASE_RESET_AGENT_CONFIGURATION, 1, 0));
        assertEquals(List.of(1), clock.resets);
        assertEquals(List.of(1), sensor.resets);
        assertFalse(base.raiseErrorEvent(guestA, false));
        assertTrue(base.raiseErrorEvent(guestB, false));

        assertArrayEquals(new byte[0], returnValues(base, guestA, BASE_RESET_AGENT_CONFIGURATION, 1, 1));
        assertEquals(List.of(1, 1), clock.resets);
        assertEquals(List.of(), clock.permissionResets, "an untrusted agent may not undo what was denied it");
    }

    @Test
    void onlyATrustedAgentsPermissionsFlagReachesTheProtocols() throws ScmiException {
        assertArrayEquals(new byte[0], returnValues(base, trustedA, BASE_RESET_AGENT_CONFIGURATION, 2, 1));
        assertEquals(List.of(2), clock.permissionResets);
        assertEquals(List.of(2), sensor.permissionResets);
        assertArrayEquals(new byte[0], returnValues(base, trustedA, BASE_RESET_AGENT_CONFIGURATION, 2, 0));
        assertEquals(List.of(2, 2), clock.resets);
        assertEquals(List.of(2), clock.permissionResets, "without the flag, the configuration alone");
    }

    @Test
    void resetReachesEveryServiceEvenTwoOfOneProtocol() throws ScmiException {
        FakeProtocol newClock = new FakeProtocol(0x14);
        base.addProtocol(newClock, Map.of("scmi.protocol.id", 0x14));
        base.removeProtocol(sensor);
        returnValues(base, guestB, BASE_RESET_AGENT_CONFIGURATION, 2, 0);
        assertEquals(List.of(2), clock.resets);
        assertEquals(List.of(2), newClock.resets);
        assertEquals(List.of(), sensor.resets);
    }

    @Test
    void aProtocolFailingToResetIsAGenericErrorButTheOthersStillReset() {
        FakeProtocol broken = new FakeProtocol(0x11) {
            @Override
            public void resetAgent(int agentId) {
                throw new IllegalStateException("driver gone");
            }
        };
        base.addProtocol(broken, Map.of("scmi.protocol.id", 0x11));
        assertEquals(ScmiStatus.GENERIC_ERROR, failure(base, guestA, BASE_RESET_AGENT_CONFIGURATION, 1, 0));
        assertEquals(List.of(1), clock.resets);
        assertEquals(List.of(1), sensor.resets);
    }

    @Test
    void withoutAgentDirectoryAnAgentCanStillResetItself() throws ScmiException {
        BaseProtocol alone = new BaseProtocol(Configs.defaults(), new AgentStates());
        alone.addProtocol(clock, Map.of("scmi.protocol.id", 0x14));
        assertArrayEquals(new byte[0], returnValues(alone, guestB, BASE_RESET_AGENT_CONFIGURATION, 2, 0));
        assertEquals(List.of(2), clock.resets);
        assertEquals(ScmiStatus.NOT_FOUND, failure(alone, guestB, BASE_RESET_AGENT_CONFIGURATION, 1, 0));
    }

    private void assertNothingReset() {
        assertEquals(List.of(), clock.resets);
        assertEquals(List.of(), sensor.resets);
    }
}
