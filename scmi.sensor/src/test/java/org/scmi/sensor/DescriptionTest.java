package org.scmi.sensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.scmi.api.ScmiException;
import org.scmi.api.ScmiStatus;
import org.scmi.api.testing.FakeAgent;
import org.scmi.api.testing.Le;

class DescriptionTest {
    private final Harness harness = new Harness(Sensors.board());
    private final FakeAgent guest = harness.agent(1, true);
    private final FakeAgent plain = harness.agent(2, false);

    @AfterEach
    void close() {
        harness.close();
    }

    private static Le temp(Le le, int attributesLow) {
        return le.u32(0).u32(attributesLow).u32(0x0000E802).name("soc_temp", 16);
    }

    private static Le volt(Le le, int attributesLow) {
        return le.u32(1).u32(attributesLow).u32(0x0000E805).name("vdd_core_voltag", 16)
                .u32(1500).u32(0xE8000001).u64(0).u64(2000);
    }

    private static Le accel(Le le, int attributesLow) {
        return le.u32(2).u32(attributesLow).u32(0x0003D159).name("accel", 16).u32(250);
    }

    @Test
    void protocolAttributesCountSensorsAndAsyncReadsOnlyWithAnEventChannel() throws ScmiException {
        assertArrayEquals(Le.words(4 | 16 << 16, 0, 0, 0), harness.call(guest, 0x1));
        assertArrayEquals(Le.words(4, 0, 0, 0), harness.call(plain, 0x1));
    }

    @Test
    void descriptorsOf28_52_32BytesFillTheBufferInIdOrder() throws ScmiException {
        byte[] first = harness.call(guest, 0x3, 0);
        Le expected = Le.bytes().u32(3 | 1 << 16);
        temp(expected, 0x40000002);
        volt(expected, 0x60006B00);
        accel(expected, 0x40006B00);
        assertArrayEquals(expected.toArray(), first);
        assertEquals(4 + 28 + 52 + 32, first.length);

        byte[] rest = harness.call(guest, 0x3, 3);
        assertArrayEquals(Le.bytes().u32(1).u32(3).u32(0xC0000001).u32(0x0000E807).name("slow_power", 16).toArray(),
                rest);
    }

    @Test
    void agentWithoutEventChannelIsOfferedNeitherAsyncNorNotifications() throws ScmiException {
        byte[] all = harness.call(plain, 0x3, 0);
        Le expected = Le.bytes().u32(3 | 1 << 16);
        temp(expected, 0x00000002);
        volt(expected, 0x20006B00);
        accel(expected, 0x00006B00);
        assertArrayEquals(expected.toArray(), all);
        assertArrayEquals(Le.bytes().u32(1).u32(3).u32(0x00000001).u32(0x0000E807).name("slow_power", 16).toArray(),
                harness.call(plain, 0x3, 3));
    }

    @Test
    void smallBuffersGetOneDescriptorEach() throws ScmiException {
        assertArrayEquals(temp(Le.bytes().u32(1 | 3 << 16), 0x40000002).toArray(),
                harness.callSized(guest, 0x3, 0, 4 + 28, 0));
        assertArrayEquals(volt(Le.bytes().u32(1 | 2 << 16), 0x60006B00).toArray(),
                harness.callSized(guest, 0x3, 0, 4 + 52, 1));
        ScmiException tooSmall = org.junit.jupiter.api.Assertions.assertThrows(ScmiException.class,
                () -> harness.callSized(guest, 0x3, 0, 4 + 51, 1));
        assertEquals(ScmiStatus.COMMS_ERROR, tooSmall.status());
    }

    @Test
    void linuxStyleEnumerationSeesEveryIdAtItsPosition() throws ScmiException {
        for (int capacity : new int[] {4 + 52, 64, 100, 128}) {
            List<Integer> ids = new ArrayList<>();
            int index = 0;
            int remaining;
            do {
                byte[] reply = harness.callSized(guest, 0x3, 0, capacity, index);
                int flags = word(reply, 0);
                int returned = flags & 0xFFFF;
                remaining = flags >>> 16;
                assertEquals(0, flags & 0xF000, "bits 15:12 are reserved");
                int offset = 4;
                for (int i = 0; i < returned; i++) {
                    ids.add(word(reply, offset));
                    int low = word(reply, offset + 4);
                    int axes = (word(reply, offset + 8) >>> 16) & 0x3F;
                    offset += 28 + ((low & 0x100) == 0 ? 0 : axes > 0 ? 4 : 24);
                }
                assertEquals(reply.length, offset, "reply length matches the descriptors Linux walks");
                index += returned;
            } while (remaining > 0);
            assertEquals(List.of(0, 1, 2, 3), ids, "capacity " + capacity);
        }
    }

    @Test
    void indexPastTheEndIsInvalid() {
        harness.fails(ScmiStatus.INVALID_PARAMETERS, guest, 0x3, 4);
        harness.fails(ScmiStatus.INVALID_PARAMETERS, guest, 0x3, -1);
    }

    @Test
    void noSensorsAnswersAnEmptyFirstPage() throws ScmiException {
        try (Harness empty = new Harness()) {
            FakeAgent agent = empty.agent(1, true);
            assertArrayEquals(Le.words(16 << 16, 0, 0, 0), empty.call(agent, 0x1));
            assertArrayEquals(Le.words(0), empty.call(agent, 0x3, 0));
            empty.fails(ScmiStatus.INVALID_PARAMETERS, agent, 0x3, 1);
        }
    }

    @Test
    void axisDescriptorsOf48And28Bytes() throws ScmiException {
        byte[] all = harness.call(guest, 0x7, 2, 0);
        Le expected = Le.bytes().u32(3)
                .u32(0).u32(0x100).u32(0xD059).name("accel_X", 16).u32(0xD000000A).u64(-20_000_000).u64(20_000_000)
                .u32(1).u32(0).u32(0xD059).name("accel_Y", 16)
                .u32(2).u32(0x200).u32(0xD059).name("accelerometer_a", 16);
        assertArrayEquals(expected.toArray(), all);
        assertArrayEquals(Le.bytes().u32(1 | 1 << 26).u32(1).u32(0).u32(0xD059).name("accel_Y", 16).toArray(),
                harness.callSized(guest, 0x7, 0, 4 + 28, 2, 1));
    }

    @Test
    void axisDescriptionErrors() {
        harness.fails(ScmiStatus.NOT_FOUND, guest, 0x7, 4, 0);
        harness.fails(ScmiStatus.NOT_SUPPORTED, guest, 0x7, 0, 0);
        harness.fails(ScmiStatus.INVALID_PARAMETERS, guest, 0x7, 2, 3);
    }

    @Test
    void axisNamesOnePerLinuxBuffer() throws ScmiException {
        assertArrayEquals(Le.bytes().u32(1 | 2 << 26).u32(0).name("accel_X", 64).toArray(),
                harness.call(guest, 0xD, 2, 0));
        assertArrayEquals(Le.bytes().u32(1).u32(2).name("accelerometer_axis_Z", 64).toArray(),
                harness.call(guest, 0xD, 2, 2));
        harness.fails(ScmiStatus.NOT_FOUND, guest, 0xD, 9, 0);
        harness.fails(ScmiStatus.NOT_SUPPORTED, guest, 0xD, 1, 0);
        harness.fails(ScmiStatus.INVALID_PARAMETERS, guest, 0xD, 2, 3);
    }

    @Test
    void extendedNames() throws ScmiException {
        assertArrayEquals(Le.bytes().u32(0).name("vdd_core_voltage_regulator_output", 64).toArray(),
                harness.call(guest, 0xC, 1));
        assertArrayEquals(Le.bytes().u32(0).name("soc_temp", 64).toArray(), harness.call(guest, 0xC, 0));
        harness.fails(ScmiStatus.NOT_FOUND, guest, 0xC, 4);
    }

    @Test
    void updateIntervalsListedAndPaged() throws ScmiException {
        // 100 ms = 1 x 10^-1: seconds 1 in bits 20:5, exponent -1 (0x1F) in bits 4:0; 1 s = 1 x 10^0.
        assertArrayEquals(Le.words(2, 1 << 5 | 0x1F, 1 << 5), harness.call(guest, 0x8, 0, 0));
        assertArrayEquals(Le.words(1 | 1 << 16, 1 << 5 | 0x1F), harness.callSized(guest, 0x8, 0, 8, 0, 0));
        assertArrayEquals(Le.words(1, 1 << 5), harness.callSized(guest, 0x8, 0, 8, 0, 1));
        harness.fails(ScmiStatus.OUT_OF_RANGE, guest, 0x8, 0, 2);
        harness.fails(ScmiStatus.NOT_FOUND, guest, 0x8, 4, 0);
    }

    @Test
    void notifyCommandsExistOnlyWithAnEventChannel() {
        assertNull(harness.protocol.handler(0x4, plain));
        assertNull(harness.protocol.handler(0xB, plain));
        assertNull(harness.protocol.handler(0x2, guest), "PROTOCOL_MESSAGE_ATTRIBUTES is the dispatcher's");
        assertNull(harness.protocol.handler(0xE, guest));
        for (int id = 0x3; id <= 0xD; id++) {
            if (id != 0x4 && id != 0xB) {
                org.junit.jupiter.api.Assertions.assertNotNull(harness.protocol.handler(id, plain), "message " + id);
            }
        }
    }

    @Test
    void versions() {
        assertEquals(0x30001, harness.protocol.version());
        assertEquals(0x30000, harness.protocol.lowestVersion());
        assertEquals(0x15, harness.protocol.protocolId());
    }

    static int word(byte[] bytes, int offset) {
        return java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(offset);
    }

}
