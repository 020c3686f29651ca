package org.scmi.transport.vhostuser;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.scmi.transport.vhostuser.VhostUserCodec.Header;
import org.scmi.transport.vhostuser.VhostUserCodec.RegionDescription;
import org.scmi.transport.vhostuser.VhostUserCodec.VringAddress;
import org.scmi.transport.vhostuser.VhostUserCodec.VringFile;
import org.scmi.transport.vhostuser.VhostUserCodec.VringState;

/** The layouts of docs/interop/vhost-user.rst, byte for byte (native order: little-endian here). */
class VhostUserCodecTest {
    private static final HexFormat HEX = HexFormat.of();

    @BeforeAll
    static void littleEndianMachine() {
        assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "expected bytes are little-endian");
    }

    private static byte[] hex(String text) {
        return HEX.parseHex(text.replace(" ", ""));
    }

    @Test
    void requestIdsAreThoseOfTheSpecification() {
        assertEquals(1, FrontendRequest.GET_FEATURES.id());
        assertEquals(5, FrontendRequest.SET_MEM_TABLE.id());
        assertEquals(11, FrontendRequest.GET_VRING_BASE.id());
        assertEquals(15, FrontendRequest.GET_PROTOCOL_FEATURES.id());
        assertEquals(18, FrontendRequest.SET_VRING_ENABLE.id());
        assertEquals(34, FrontendRequest.RESET_DEVICE.id());
        assertEquals(36, FrontendRequest.GET_MAX_MEM_SLOTS.id());
        assertEquals(40, FrontendRequest.GET_STATUS.id());
        for (FrontendRequest request : FrontendRequest.values()) {
            assertEquals(request, FrontendRequest.of(request.id()));
        }
        assertNull(FrontendRequest.of(0));
        assertNull(FrontendRequest.of(44));
        assertNull(FrontendRequest.of(-1));
    }

    @Test
    void replyMessageIsHeaderThenPayload() {
        byte[] message = VhostUserCodec.message(FrontendRequest.GET_FEATURES.id(),
                VhostUserCodec.VERSION | VhostUserCodec.FLAG_REPLY, VhostUserCodec.encodeU64(0x1_7000_0001L));
        assertArrayEquals(hex("01000000 05000000 08000000 0100007001000000"), message);
    }

    @Test
    void headerFlags() {
        Header header = Header.decode(hex("05000000 09000000 28000000"));
        assertEquals(FrontendRequest.SET_MEM_TABLE.id(), header.request());
        assertEquals(1, header.version());
        assertTrue(header.needsReply());
        assertFalse(header.isReply());
        assertEquals(40, header.size());
    }

    @Test
    void vringState() {
        assertEquals(new VringState(1, 256), VringState.decode(hex("01000000 00010000")));
        assertArrayEquals(hex("00000000 2b000000"), new VringState(0, 43).encode());
    }

    @Test
    void vringAddress() {
        byte[] bytes = hex("01000000 00000000 0010004000000000 0030004000000000 0020004000000000 0000000000000000");
        VringAddress address = VringAddress.decode(bytes);
        assertEquals(new VringAddress(1, 0, 0x40001000L, 0x40003000L, 0x40002000L, 0), address);
        assertArrayEquals(bytes, address.encode());
        assertEquals(VhostUserCodec.VRING_ADDRESS_SIZE, bytes.length);
    }

    @Test
    void vringFile() {
        assertEquals(new VringFile(1, false), VringFile.decode(1));
        assertEquals(new VringFile(0, true), VringFile.decode(0x100));
        assertNull(VringFile.decode(0x200), "undefined bits");
        assertEquals(0x101, new VringFile(1, true).encode());
    }

    @Test
    void memoryTable() {
        byte[] bytes = hex("01000000 00000000"
                + "0000004000000000 0000002000000000 00007f1234560000 0000000000000000");
        assertEquals(VhostUserCodec.memoryTableSize(1), bytes.length);
        assertEquals(1, VhostUserCodec.memoryTableCount(bytes));
        List<RegionDescription> regions = VhostUserCodec.decodeMemoryTable(bytes);
        assertEquals(List.of(new RegionDescription(0x40000000L, 0x20000000L, 0x5634127f0000L, 0)), regions);
        assertArrayEquals(bytes, VhostUserCodec.encodeMemoryTable(regions));
    }
}
