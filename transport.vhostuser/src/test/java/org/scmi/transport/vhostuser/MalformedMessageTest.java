package org.scmi.transport.vhostuser;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.scmi.linux.Linux;
import org.scmi.linux.LinuxException;
import org.scmi.transport.vhostuser.VhostUserCodec.InflightDescription;
import org.scmi.transport.vhostuser.VhostUserCodec.RegionDescription;
import org.scmi.transport.vhostuser.VhostUserCodec.VringAddress;
import org.scmi.transport.vhostuser.VhostUserCodec.VringState;
import org.scmi.transport.vhostuser.frontend.VhostUserFrontend;
import org.scmi.transport.vhostuser.frontend.VhostUserFrontend.Options;
import org.scmi.virtio.ring.driver.DriverSplitQueue;

/**
 * Every message the back-end cannot accept closes that connection cleanly (the device session is
 * closed, fds and memory are released), and the socket keeps accepting: the next front-end works.
 */
class MalformedMessageTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final int V1 = VhostUserCodec.VERSION;

    @TempDir
    Path directory;
    private Path socket;
    private EchoDevice device;
    private Poller poller;
    private VhostUserGuestComponent component;

    @BeforeEach
    void listen() throws Exception {
        poller = new Poller();
        socket = directory.resolve("guest.sock");
        device = new EchoDevice();
        component = new VhostUserGuestComponent(TestGuests.config(socket, "malformed"), device, poller);
    }

    @AfterEach
    void stop() {
        component.deactivate();
        poller.close();
    }

    /** What a broken front-end sends after the usual start-up requests. */
    @FunctionalInterface
    interface Misbehaviour {
        void send(VhostUserFrontend frontend) throws LinuxException;
    }

    private static byte[] message(FrontendRequest request, int flags, byte[] payload) {
        return VhostUserCodec.message(request.id(), flags, payload);
    }

    private static byte[] vringFile(int index, boolean noFd) {
        return VhostUserCodec.encodeU64(new VhostUserCodec.VringFile(index, noFd).encode());
    }

    /** Sends with a fresh eventfd attached, closed again on our side. */
    private static void withEventFds(VhostUserFrontend frontend, byte[] message, int count) throws LinuxException {
        int[] fds = new int[count];
        for (int i = 0; i < count; i++) {
            fds[i] = Linux.eventfd(0);
        }
        try {
            frontend.sendRaw(message, fds);
        } finally {
            for (int fd : fds) {
                Linux.close(fd);
            }
        }
    }

    private static RegionDescription ram(VhostUserFrontend frontend) {
        return new RegionDescription(VhostUserFrontend.GUEST_RAM_BASE, frontend.memory().size(),
                frontend.userAddress(VhostUserFrontend.GUEST_RAM_BASE), 0);
    }

    static Stream<Arguments> misbehaviours() {
        return Stream.of(
                Arguments.of("unknown request id", (Misbehaviour) f -> f.sendRaw(VhostUserCodec.message(99, V1,
                        new byte[0]))),
                Arguments.of("request id 0", (Misbehaviour) f -> f.sendRaw(VhostUserCodec.message(0, V1,
                        new byte[0]))),
                Arguments.of("protocol version 2", (Misbehaviour) f -> f.sendRaw(message(FrontendRequest.GET_FEATURES,
                        2, new byte[0]))),
                Arguments.of("reply flag on a request", (Misbehaviour) f -> f.sendRaw(message(
                        FrontendRequest.GET_FEATURES, V1 | VhostUserCodec.FLAG_REPLY, new byte[0]))),
                Arguments.of("undefined flag bit", (Misbehaviour) f -> f.sendRaw(message(FrontendRequest.SET_OWNER,
                        V1 | 0x100, new byte[0]))),
                Arguments.of("payload on GET_FEATURES", (Misbehaviour) f -> f.sendRaw(message(
                        FrontendRequest.GET_FEATURES, V1, new byte[8]))),
                Arguments.of("short SET_VRING_ADDR", (Misbehaviour) f -> f.sendRaw(message(
                        FrontendRequest.SET_VRING_ADDR, V1, new byte[32]))),
                Arguments.of("huge announced payload", (Misbehaviour) f -> f.sendRaw(hugeHeader())),
                Arguments.of("fd on a request without fds", (Misbehaviour) f -> withEventFds(f, message(
                        FrontendRequest.SET_OWNER, V1, new byte[0]), 1)),
                Arguments.of("two fds on SET_VRING_CALL", (Misbehaviour) f -> withEventFds(f, message(
                        FrontendRequest.SET_VRING_CALL, V1, vringFile(0, false)), 2)),
                Arguments.of("SET_VRING_CALL without its fd", (Misbehaviour) f -> f.sendRaw(message(
                        FrontendRequest.SET_VRING_CALL, V1, vringFile(0, false)))),
                Arguments.of("SET_VRING_KICK asking for ring polling", (Misbehaviour) f -> f.sendRaw(message(
                        FrontendRequest.SET_VRING_KICK, V1, vringFile(0, true)))),
                Arguments.of("undefined bits in a vring file", (Misbehaviour) f -> withEventFds(f, message(
                        FrontendRequest.SET_VRING_ERR, V1, VhostUserCodec.encodeU64(0x1000)), 1)),
                Arguments.of("vring index out of range", (Misbehaviour) f -> f.sendRaw(message(
                        FrontendRequest.SET_VRING_NUM, V1, new VringState(2, 256).encode()))),
                Arguments.of("vring size not a power of two", (Misbehaviour) f -> f.sendRaw(message(
                        FrontendRequest.SET_VRING_NUM, V1, new VringState(0, 100).encode()))),
                Arguments.of("vring size above the device's maximum", (Misbehaviour) f -> f.sendRaw(message(
                        FrontendRequest.SET_VRING_NUM, V1, new VringState(0, 2048).encode()))),
                Arguments.of("vring base above 16 bits", (Misbehaviour) f -> f.sendRaw(message(
                        FrontendRequest.SET_VRING_BASE, V1, new VringState(0, 0x10000).encode()))),
                Arguments.of("vring enable value 2", (Misbehaviour) f -> f.sendRaw(message(
                        FrontendRequest.SET_VRING_ENABLE, V1, new VringState(0, 2).encode()))),
                Arguments.of("features not offered", (Misbehaviour) f -> f.sendRaw(message(
                        FrontendRequest.SET_FEATURES, V1, VhostUserCodec.encodeU64(f.backendFeatures() | 1L << 40)))),
                Arguments.of("protocol features not offered", (Misbehaviour) f -> f.sendRaw(message(
                        FrontendRequest.SET_PROTOCOL_FEATURES, V1, VhostUserCodec.encodeU64(1L << 9)))),
                Arguments.of("request of a feature not offered", (Misbehaviour) f -> f.sendRaw(message(
                        FrontendRequest.GET_CONFIG, V1, new byte[12]))),
                Arguments.of("inflight region asked for more queues than the device has", (Misbehaviour) f -> f.sendRaw(
                        message(FrontendRequest.GET_INFLIGHT_FD, V1, new InflightDescription(0, 0, 3, 256).encode()))),
                Arguments.of("inflight region asked for queues of 100", (Misbehaviour) f -> f.sendRaw(message(
                        FrontendRequest.GET_INFLIGHT_FD, V1, new InflightDescription(0, 0, 2, 100).encode()))),
                Arguments.of("short GET_INFLIGHT_FD", (Misbehaviour) f -> f.sendRaw(message(
                        FrontendRequest.GET_INFLIGHT_FD, V1, new byte[20]))),
                Arguments.of("inflight region too small for its queues", (Misbehaviour) f -> withEventFds(f, message(
                        FrontendRequest.SET_INFLIGHT_FD, V1, new InflightDescription(64, 0, 2, 256).encode()), 1)),
                Arguments.of("inflight region that cannot be mapped", (Misbehaviour) f -> withEventFds(f, message(
                        FrontendRequest.SET_INFLIGHT_FD, V1, new InflightDescription(InflightRegion.size(2, 256), 0, 2,
                                256).encode()), 1)),
                Arguments.of("SET_INFLIGHT_FD without its fd", (Misbehaviour) f -> f.sendRaw(message(
                        FrontendRequest.SET_INFLIGHT_FD, V1, new InflightDescription(InflightRegion.size(2, 256), 0, 2,
                                256).encode()))),
                Arguments.of("memory table with more regions than fds", (Misbehaviour) f -> withEventFds(f, message(
                        FrontendRequest.SET_MEM_TABLE, V1, VhostUserCodec.encodeMemoryTable(List.of(ram(f), ram(f)))),
                        1)),
                Arguments.of("memory table of 9 regions", (Misbehaviour) f -> f.sendRaw(message(
                        FrontendRequest.SET_MEM_TABLE, V1, VhostUserCodec.encodeMemoryTable(
                                Collections.nCopies(9, ram(f)))))),
                Arguments.of("memory table size not matching its count", (Misbehaviour) f -> withEventFds(f, message(
                        FrontendRequest.SET_MEM_TABLE, V1, Arrays.copyOf(
                                VhostUserCodec.encodeMemoryTable(List.of(ram(f))), 48)), 1)),
                Arguments.of("memory region fd that cannot be mapped", (Misbehaviour) f -> withEventFds(f, message(
                        FrontendRequest.SET_MEM_TABLE, V1, VhostUserCodec.encodeMemoryTable(List.of(ram(f)))), 1)),
                Arguments.of("empty memory region", (Misbehaviour) f -> memoryTable(f, List.of(
                        new RegionDescription(VhostUserFrontend.GUEST_RAM_BASE, 0, 0x7000_0000_0000L, 0)))),
                Arguments.of("overlapping memory regions", (Misbehaviour) f -> memoryTable(f, List.of(ram(f),
                        new RegionDescription(VhostUserFrontend.GUEST_RAM_BASE + 4096, 4096, 0x7000_0000_0000L, 0)))),
                Arguments.of("ring address outside every region", (Misbehaviour) MalformedMessageTest::ringOutsideMemory),
                Arguments.of("connection closed inside a message", (Misbehaviour) f -> f.sendRaw(new byte[] {1, 0, 0})));
    }

    /** SET_MEM_TABLE over the front-end's memfd, without waiting for an ack. */
    private static void memoryTable(VhostUserFrontend f, List<RegionDescription> regions) throws LinuxException {
        int[] fds = new int[regions.size()];
        Arrays.fill(fds, f.memfd());
        f.sendRaw(message(FrontendRequest.SET_MEM_TABLE, V1, VhostUserCodec.encodeMemoryTable(regions)), fds);
    }

    private static byte[] hugeHeader() {
        byte[] header = message(FrontendRequest.SET_MEM_TABLE, V1, new byte[0]);
        header[8] = (byte) 0xFF;
        header[9] = (byte) 0xFF;
        return header;
    }

    /** A complete ring whose used ring is at a user address no region covers. */
    private static void ringOutsideMemory(VhostUserFrontend f) throws LinuxException {
        f.send(FrontendRequest.SET_FEATURES, VhostUserCodec.encodeU64(f.backendFeatures()));
        f.sendMemoryTable();
        DriverSplitQueue ring = new DriverSplitQueue(f.memory(), 64, true, 64);
        f.send(FrontendRequest.SET_VRING_NUM, new VringState(0, 64).encode());
        f.send(FrontendRequest.SET_VRING_ADDR, new VringAddress(0, 0, f.userAddress(ring.descriptorTableAddress()),
                f.userAddress(VhostUserFrontend.GUEST_RAM_BASE + f.memory().size() - 16),
                f.userAddress(ring.availRingAddress()), 0).encode());
        withEventFds(f, message(FrontendRequest.SET_VRING_KICK, V1, vringFile(0, false)), 1);
        f.send(FrontendRequest.SET_VRING_ENABLE, new VringState(0, 1).encode());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("misbehaviours")
    void closesTheConnectionAndKeepsServing(String name, Misbehaviour misbehaviour) throws Exception {
        long fds = TestGuests.openFds();
        try (VhostUserFrontend broken = VhostUserFrontend.connect(socket.toString(), Options.defaults())) {
            misbehaviour.send(broken);
            if (!name.startsWith("connection closed")) {
                assertTrue(broken.awaitDisconnect(TIMEOUT), "the back-end closed the connection");
            }
        }
        assertTrue(device.lastSession().awaitClosed(), "the device session was closed");
        assertTrue(TestGuests.eventually(() -> TestGuests.openFds() == fds && TestGuests.mappingsOf(
                "vhost-user-frontend") == 0), "fds and mappings released: " + TestGuests.openFds() + " fds, " + fds
                        + " before");

        try (VhostUserFrontend next = VhostUserFrontend.connect(socket.toString(), Options.defaults())) {
            next.start();
            assertArrayEquals(new byte[] {4, 5, 6}, next.call(new byte[] {4, 5, 6}, 16));
        }
        assertEquals(2, device.sessions().size());
    }

    @Test
    void aRequestThatFailsWithNeedReplyIsAnsweredWithAFailureStatusBeforeTheDisconnect() throws Exception {
        try (VhostUserFrontend broken = VhostUserFrontend.connect(socket.toString(), Options.defaults())) {
            int notMappable = Linux.eventfd(0);
            try {
                broken.sendRaw(message(FrontendRequest.SET_MEM_TABLE, V1 | VhostUserCodec.FLAG_NEED_REPLY,
                        VhostUserCodec.encodeMemoryTable(List.of(ram(broken)))), notMappable);
            } finally {
                Linux.close(notMappable);
            }
            byte[] reply = broken.receiveRaw(VhostUserCodec.HEADER_SIZE + VhostUserCodec.U64_SIZE);
            assertArrayEquals(VhostUserCodec.message(FrontendRequest.SET_MEM_TABLE.id(),
                    V1 | VhostUserCodec.FLAG_REPLY, VhostUserCodec.encodeU64(1)), reply);
            assertTrue(broken.awaitDisconnect(TIMEOUT));
        }
    }
}
