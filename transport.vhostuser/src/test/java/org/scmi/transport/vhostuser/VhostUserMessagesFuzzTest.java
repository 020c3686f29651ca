package org.scmi.transport.vhostuser;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.scmi.linux.Linux;
import org.scmi.linux.LinuxException;
import org.scmi.transport.vhostuser.VhostUserCodec.RegionDescription;
import org.scmi.transport.vhostuser.VhostUserCodec.VringAddress;
import org.scmi.transport.vhostuser.VhostUserCodec.VringFile;
import org.scmi.transport.vhostuser.VhostUserCodec.VringState;
import org.scmi.transport.vhostuser.frontend.VhostUserFrontend;
import org.scmi.transport.vhostuser.frontend.VhostUserFrontend.Options;

/**
 * Fuzz target: a vhost-user front-end sending any sequence of requests over a real Unix socket to
 * the real transport component: known and unknown request ids, any flags, payloads of the right
 * shape with any values (vring indexes, sizes, bases, ring addresses inside, beside and outside its
 * memory, memory tables of any region count over the front-end's memfd) or of any length, with
 * fds attached or missing, either from a fresh connection or after QEMU's usual start-up with live
 * rings.
 *
 * <p>Invariants: whatever the front-end sent, once it goes away the device session is closed and
 * every fd and memory mapping the connection received is released; and the socket keeps serving:
 * the next front-end starts and its command is answered.
 */
class VhostUserMessagesFuzzTest {
    private static final int V1 = VhostUserCodec.VERSION;
    private static final FrontendRequest[] REQUESTS = FrontendRequest.values();

    private static Path directory;
    private static Path socket;
    private static EchoDevice device;
    private static Poller poller;
    private static VhostUserGuestComponent component;

    @BeforeAll
    static void listen() throws Exception {
        directory = Files.createTempDirectory("vhost-user-fuzz");
        socket = directory.resolve("guest.sock");
        device = new EchoDevice();
        poller = new Poller();
        component = new VhostUserGuestComponent(TestGuests.config(socket, "fuzz"), device, poller);
    }

    @AfterAll
    static void stop() throws Exception {
        component.deactivate();
        poller.close();
        Files.deleteIfExists(socket);
        Files.deleteIfExists(directory);
    }

    @FuzzTest(maxDuration = "10m")
    void messages(FuzzedDataProvider data) throws Exception {
        long fds = TestGuests.openFds();
        int sessions = device.sessions().size();
        boolean started = data.consumeBoolean();
        try (VhostUserFrontend frontend = started ? VhostUserFrontend.connect(socket.toString(), Options.defaults())
                : VhostUserFrontend.connectRaw(socket.toString(), Options.defaults())) {
            if (started) {
                frontend.start();
            }
            for (int sent = 0; sent < 32 && data.remainingBytes() > 0; sent++) {
                if (!send(frontend, data)) {
                    break; // the back-end closed the connection
                }
            }
        }
        assertTrue(TestGuests.eventually(() -> device.sessions().size() > sessions
                && device.lastSession().isClosed()), "the device session was closed");
        // Not more fds than before (the JVM may close one of its own meanwhile).
        assertTrue(TestGuests.eventually(() -> TestGuests.openFds() <= fds
                && TestGuests.mappingsOf("vhost-user-frontend") == 0), "fds and mappings released: "
                        + TestGuests.openFds() + " fds, " + fds + " before");
        try (VhostUserFrontend next = VhostUserFrontend.connect(socket.toString(), Options.defaults())) {
            next.start();
            assertArrayEquals(new byte[] {4, 5, 6}, next.call(new byte[] {4, 5, 6}, 16));
        }
        // The next input counts fds from a quiet state, not while this connection is torn down.
        assertTrue(TestGuests.eventually(() -> device.lastSession().isClosed()
                && TestGuests.mappingsOf("vhost-user-frontend") == 0), "the last front-end's connection was released");
    }

    /** Sends one request; false if the back-end is gone. */
    private static boolean send(VhostUserFrontend frontend, FuzzedDataProvider data) {
        FrontendRequest request = data.pickValue(REQUESTS);
        int id = data.consumeInt(0, 15) == 0 ? data.consumeInt() : request.id();
        int flags = V1 | (data.consumeBoolean() ? VhostUserCodec.FLAG_NEED_REPLY : 0);
        if (data.consumeInt(0, 15) == 0) {
            flags = data.consumeInt();
        }
        List<Integer> attached = new ArrayList<>();
        List<Integer> created = new ArrayList<>();
        try {
            byte[] payload = payload(request, frontend, data, attached, created);
            if (data.consumeInt(0, 15) == 0) {
                payload = Arrays.copyOf(payload, data.consumeInt(0, 64));
            }
            if (data.consumeInt(0, 15) == 0) {
                attached.add(eventfd(created));
            }
            byte[] message = VhostUserCodec.message(id, flags, payload);
            if (data.consumeInt(0, 31) == 0) {
                message = Arrays.copyOf(message, data.consumeInt(0, message.length)); // then the front-end leaves
            }
            frontend.sendRaw(message, attached.stream().mapToInt(Integer::intValue).toArray());
            return true;
        } catch (LinuxException e) {
            return false;
        } finally {
            created.forEach(Linux::close);
        }
    }

    private static byte[] payload(FrontendRequest request, VhostUserFrontend frontend, FuzzedDataProvider data,
            List<Integer> fds, List<Integer> created) throws LinuxException {
        return switch (request) {
            case SET_FEATURES -> VhostUserCodec.encodeU64(data.consumeBoolean() ? frontend.backendFeatures()
                    : data.consumeLong());
            case SET_PROTOCOL_FEATURES -> VhostUserCodec.encodeU64(data.consumeBoolean()
                    ? VhostUserFrontend.FRONTEND_PROTOCOL_FEATURES : data.consumeLong());
            case SET_VRING_NUM, SET_VRING_BASE, GET_VRING_BASE, SET_VRING_ENABLE -> new VringState(index(data),
                    switch (data.consumeInt(0, 2)) {
                        case 0 -> data.consumeInt(0, 2);
                        case 1 -> 1 << data.consumeInt(0, 16);
                        default -> data.consumeInt();
                    }).encode();
            case SET_VRING_ADDR -> new VringAddress(index(data), data.consumeInt(0, 1), address(frontend, data),
                    address(frontend, data), address(frontend, data), data.consumeLong()).encode();
            case SET_VRING_KICK, SET_VRING_CALL, SET_VRING_ERR -> {
                boolean noFd = data.consumeInt(0, 3) == 0;
                if (!noFd) {
                    fds.add(eventfd(created));
                }
                yield VhostUserCodec.encodeU64(data.consumeInt(0, 7) == 0 ? data.consumeLong()
                        : new VringFile(index(data), noFd).encode());
            }
            case SET_MEM_TABLE -> {
                int count = data.consumeInt(0, VhostUserCodec.MAX_REGIONS + 1);
                List<RegionDescription> regions = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    long size = frontend.memory().size();
                    regions.add(data.consumeBoolean()
                            ? new RegionDescription(VhostUserFrontend.GUEST_RAM_BASE, size,
                                    frontend.userAddress(VhostUserFrontend.GUEST_RAM_BASE), 0)
                            : new RegionDescription(data.consumeLong(), data.consumeBoolean() ? data.consumeLong(0, size)
                                    : data.consumeLong(), data.consumeLong(), data.consumeLong(0, size)));
                }
                int attached = data.consumeInt(0, 7) == 0 ? data.consumeInt(0, Linux.MAX_FDS_PER_MESSAGE) : count;
                for (int i = 0; i < attached; i++) {
                    fds.add(frontend.memfd());
                }
                yield VhostUserCodec.encodeMemoryTable(regions);
            }
            default -> data.consumeBytes(data.consumeInt(0, 48));
        };
    }

    private static int index(FuzzedDataProvider data) {
        return data.consumeInt(0, 7) == 0 ? data.consumeInt() : data.consumeInt(0, 2);
    }

    /** A ring address: inside the front-end's memory (its user address), just beside it, or anything. */
    private static long address(VhostUserFrontend frontend, FuzzedDataProvider data) {
        long base = frontend.userAddress(VhostUserFrontend.GUEST_RAM_BASE);
        return switch (data.consumeInt(0, 2)) {
            case 0 -> base + data.consumeLong(0, frontend.memory().size() / 16) * 16;
            case 1 -> base + frontend.memory().size() - data.consumeInt(0, 64);
            default -> data.consumeLong();
        };
    }

    private static int eventfd(List<Integer> created) throws LinuxException {
        int fd = Linux.eventfd(0);
        created.add(fd);
        return fd;
    }
}
