package org.scmi.base;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.scmi.api.testing.Dispatch.failure;
import static org.scmi.api.testing.Dispatch.failureWithin;
import static org.scmi.api.testing.Dispatch.returnValues;
import static org.scmi.api.testing.Dispatch.returnValuesWithin;
import static org.scmi.api.testing.Le.hex;
import static org.scmi.base.BaseMessages.BASE_DISCOVER_LIST_PROTOCOLS;
import static org.scmi.base.BaseMessages.PROTOCOL_ATTRIBUTES;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.scmi.api.ScmiException;
import org.scmi.api.ScmiStatus;
import org.scmi.api.testing.Dispatch;
import org.scmi.api.testing.FakeAgent;
import org.scmi.core.AgentStates;

/** BASE_DISCOVER_LIST_PROTOCOLS and the protocol count, as protocol services come and go. */
class ProtocolListTest {
    private final FakeAgent guest = new FakeAgent(1, "guest", true);
    private final BaseProtocol base = new BaseProtocol(Configs.defaults(), new AgentStates());

    private void register(int... ids) {
        for (int id : ids) {
            base.addProtocol(new FakeProtocol(id), Map.of("scmi.protocol.id", id));
        }
    }

    @Test
    void noProtocolsListsNothing() throws ScmiException {
        assertArrayEquals(hex("00 01 00 00"), returnValues(base, guest, PROTOCOL_ATTRIBUTES));
        assertArrayEquals(hex("00000000"), returnValues(base, guest, BASE_DISCOVER_LIST_PROTOCOLS, 0));
        assertEquals(ScmiStatus.INVALID_PARAMETERS, failure(base, guest, BASE_DISCOVER_LIST_PROTOCOLS, 1));
    }

    @Test
    void idsArePackedFourToAWordAndPaddedWithZeros() throws ScmiException {
        register(0x19, 0x13, 0x11, 0x15, 0x12);
        assertArrayEquals(hex("05000000 11121315 19000000"),
                returnValues(base, guest, BASE_DISCOVER_LIST_PROTOCOLS, 0));
        assertArrayEquals(hex("03000000 13151900"), returnValues(base, guest, BASE_DISCOVER_LIST_PROTOCOLS, 2));
        assertArrayEquals(hex("00000000"), returnValues(base, guest, BASE_DISCOVER_LIST_PROTOCOLS, 5));
    }

    @Test
    void skipPastTheEndIsInvalid() {
        register(0x11, 0x14);
        assertEquals(ScmiStatus.INVALID_PARAMETERS, failure(base, guest, BASE_DISCOVER_LIST_PROTOCOLS, 3));
        assertEquals(ScmiStatus.INVALID_PARAMETERS, failure(base, guest, BASE_DISCOVER_LIST_PROTOCOLS, 0x80000000));
        assertEquals(ScmiStatus.INVALID_PARAMETERS, failure(base, guest, BASE_DISCOVER_LIST_PROTOCOLS, 0xFFFFFFFF));
    }

    @Test
    void repliesAreSizedToTheAgentsBuffer() throws ScmiException {
        register(0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19);
        assertArrayEquals(hex("04000000 11121314"),
                returnValuesWithin(8, base, guest, BASE_DISCOVER_LIST_PROTOCOLS, 0));
        assertArrayEquals(hex("04000000 15161718"),
                returnValuesWithin(11, base, guest, BASE_DISCOVER_LIST_PROTOCOLS, 4));
        assertArrayEquals(hex("01000000 19000000"),
                returnValuesWithin(8, base, guest, BASE_DISCOVER_LIST_PROTOCOLS, 8));
        assertArrayEquals(hex("08000000 11121314 15161718"),
                returnValuesWithin(12, base, guest, BASE_DISCOVER_LIST_PROTOCOLS, 0));
        assertArrayEquals(hex("00000000"), returnValuesWithin(4, base, guest, BASE_DISCOVER_LIST_PROTOCOLS, 9));
    }

    @Test
    void bufferWithoutRoomForOneIdIsACommsError() {
        register(0x11);
        assertEquals(ScmiStatus.COMMS_ERROR, failureWithin(7, base, guest, BASE_DISCOVER_LIST_PROTOCOLS, 0));
        assertEquals(ScmiStatus.COMMS_ERROR, failureWithin(3, base, guest, BASE_DISCOVER_LIST_PROTOCOLS, 0));
    }

    /** Walks the list as Linux does (skip = count so far until the advertised total) at every capacity. */
    @Test
    void aLinuxStyleWalkCollectsEveryProtocolAtAnyCapacity() throws ScmiException {
        int[] ids = new int[37];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = 0x80 + 3 * i;
        }
        register(ids);
        int total = returnValues(base, guest, PROTOCOL_ATTRIBUTES)[0] & 0xFF;
        assertEquals(ids.length, total);
        for (int capacity = 8; capacity <= Dispatch.LINUX_CAPACITY; capacity++) {
            ByteArrayOutputStream seen = new ByteArrayOutputStream();
            while (seen.size() < total) {
                byte[] reply = returnValuesWithin(capacity, base, guest, BASE_DISCOVER_LIST_PROTOCOLS, seen.size());
                int returned = ByteBuffer.wrap(reply).order(ByteOrder.LITTLE_ENDIAN).getInt();
                assertEquals(4 + 4 * Math.ceilDiv(returned, 4), reply.length, "reply length at capacity " + capacity);
                assertEquals(Math.min(total - seen.size(), (capacity - 4) / 4 * 4), returned);
                seen.write(reply, 4, returned);
            }
            byte[] expected = new byte[ids.length];
            for (int i = 0; i < ids.length; i++) {
                expected[i] = (byte) ids[i];
            }
            assertArrayEquals(expected, seen.toByteArray(), "ids at capacity " + capacity);
        }
    }

    @Test
    void protocolsAppearAndDisappearLive() throws ScmiException {
        FakeProtocol clock = new FakeProtocol(0x14);
        FakeProtocol power = new FakeProtocol(0x11);
        base.addProtocol(clock, Map.of("scmi.protocol.id", 0x14));
        assertArrayEquals(hex("01 01 00 00"), returnValues(base, guest, PROTOCOL_ATTRIBUTES));
        assertArrayEquals(hex("01000000 14000000"), returnValues(base, guest, BASE_DISCOVER_LIST_PROTOCOLS, 0));

        base.addProtocol(power, Map.of("scmi.protocol.id", 0x11));
        assertArrayEquals(hex("02 01 00 00"), returnValues(base, guest, PROTOCOL_ATTRIBUTES));
        assertArrayEquals(hex("02000000 11140000"), returnValues(base, guest, BASE_DISCOVER_LIST_PROTOCOLS, 0));

        base.removeProtocol(clock);
        assertArrayEquals(hex("01 01 00 00"), returnValues(base, guest, PROTOCOL_ATTRIBUTES));
        assertArrayEquals(hex("01000000 11000000"), returnValues(base, guest, BASE_DISCOVER_LIST_PROTOCOLS, 0));

        base.removeProtocol(power);
        base.removeProtocol(power);
        assertArrayEquals(hex("00 01 00 00"), returnValues(base, guest, PROTOCOL_ATTRIBUTES));
        assertArrayEquals(hex("00000000"), returnValues(base, guest, BASE_DISCOVER_LIST_PROTOCOLS, 0));
    }

    @Test
    void twoServicesOfOneProtocolAreListedOnceUntilBothAreGone() throws ScmiException {
        FakeProtocol oldSensor = new FakeProtocol(0x15);
        FakeProtocol newSensor = new FakeProtocol(0x15);
        base.addProtocol(oldSensor, Map.of("scmi.protocol.id", 0x15));
        base.addProtocol(newSensor, Map.of("scmi.protocol.id", 0x15));
        assertArrayEquals(hex("01 01 00 00"), returnValues(base, guest, PROTOCOL_ATTRIBUTES));
        assertArrayEquals(hex("01000000 15000000"), returnValues(base, guest, BASE_DISCOVER_LIST_PROTOCOLS, 0));
        base.removeProtocol(oldSensor);
        assertArrayEquals(hex("01000000 15000000"), returnValues(base, guest, BASE_DISCOVER_LIST_PROTOCOLS, 0));
        base.removeProtocol(newSensor);
        assertArrayEquals(hex("00000000"), returnValues(base, guest, BASE_DISCOVER_LIST_PROTOCOLS, 0));
    }

    @Test
    void changedIdPropertyMovesTheProtocol() throws ScmiException {
        FakeProtocol protocol = new FakeProtocol(0x11);
        base.addProtocol(protocol, Map.of("scmi.protocol.id", 0x11));
        base.updateProtocol(protocol, Map.of("scmi.protocol.id", 0x12));
        assertArrayEquals(hex("01000000 12000000"), returnValues(base, guest, BASE_DISCOVER_LIST_PROTOCOLS, 0));
        base.updateProtocol(protocol, Map.of("scmi.protocol.id", "0x12"));
        assertArrayEquals(hex("00000000"), returnValues(base, guest, BASE_DISCOVER_LIST_PROTOCOLS, 0));
    }

    @Test
    void servicesWithoutAListableProtocolIdAreLeftOut() throws ScmiException {
        base.addProtocol(new FakeProtocol(0x10), Map.of("scmi.protocol.id", 0x10));
        base.addProtocol(new FakeProtocol(0x05), Map.of("scmi.protocol.id", 0x05));
        base.addProtocol(new FakeProtocol(0x100), Map.of("scmi.protocol.id", 0x100));
        base.addProtocol(new FakeProtocol(0x16), Map.of("scmi.protocol.id", "22"));
        base.addProtocol(new FakeProtocol(0x17), Map.of());
        base.addProtocol(new FakeProtocol(0xFF), Map.of("scmi.protocol.id", 0xFF));
        assertArrayEquals(hex("01 01 00 00"), returnValues(base, guest, PROTOCOL_ATTRIBUTES));
        assertArrayEquals(hex("01000000 ff000000"), returnValues(base, guest, BASE_DISCOVER_LIST_PROTOCOLS, 0));
    }
}
