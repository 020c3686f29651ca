package org.scmi.launcher.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.scmi.launcher.e2e.Scmi.AGENT_CALLER;
import static org.scmi.launcher.e2e.Scmi.BASE;
import static org.scmi.launcher.e2e.Scmi.BASE_DISCOVER_AGENT;
import static org.scmi.launcher.e2e.Scmi.RESPONSE_PREFIX;
import static org.scmi.launcher.e2e.Scmi.SENSOR;
import static org.scmi.launcher.e2e.Scmi.SENSOR_READING_GET;
import static org.scmi.launcher.e2e.Scmi.SHORT_NAME;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scmi.api.ScmiStatus;

/**
 * 64 guests on the running server at once, each with its own socket, memfd RAM, rings and eventfds:
 * connecting all at the same moment, each served as its own agent, reading sensors side by side
 * while one of them reads a slow sensor synchronously (its driver blocks for the read on the thread
 * that took the kick), then all leaving and coming back.
 */
class ManyGuestsIT {
    private static final int GUESTS = 64;
    /** Built-in board: sensor 0 (soc_temp) reads at once; sensor 3 (board_power) takes 50 ms a read. */
    private static final int FAST_SENSOR = 0;
    private static final int SLOW_SENSOR = 3;
    private static final int SYNCHRONOUS = 0;
    private static final int READS = 50;
    private static final int SLOW_READS = 10;
    private static final int AGENT_REPLY = RESPONSE_PREFIX + 4 + SHORT_NAME;
    private static final int READING_REPLY = RESPONSE_PREFIX + 16;
    private static final long WAIT_SECONDS = 120;

    @TempDir
    static Path folder;
    private static ServerProcess server;
    private static final List<Path> sockets = new ArrayList<>();

    @BeforeAll
    static void startServer() {
        for (int i = 0; i < GUESTS; i++) {
            sockets.add(folder.resolve("guest" + i + ".sock"));
        }
        server = ServerProcess.startJar(sockets, null);
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void sixtyFourGuestsConnectAtOnceAndEachIsServedAsItsOwnAgent() throws Exception {
        for (int visit = 0; visit < 2; visit++) {
            List<Integer> agentIds = visitAll();
            assertEquals(GUESTS, new HashSet<>(agentIds).size(), "agent ids " + agentIds);
            assertTrue(agentIds.stream().allMatch(id -> id >= 1 && id <= GUESTS), "agent ids " + agentIds);
        }
    }

    /** Every guest connects at the same moment, reads, and leaves; returns each guest's agent id. */
    private static List<Integer> visitAll() throws Exception {
        try (ExecutorService vcpus = Executors.newFixedThreadPool(GUESTS)) {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Integer>> guests = new ArrayList<>();
            for (int i = 0; i < GUESTS; i++) {
                int guest = i;
                guests.add(vcpus.submit(() -> {
                    go.await();
                    return visit(guest);
                }));
            }
            go.countDown();
            List<Integer> agentIds = new ArrayList<>();
            for (Future<Integer> guest : guests) {
                agentIds.add(guest.get(WAIT_SECONDS, TimeUnit.SECONDS));
            }
            return agentIds;
        }
    }

    private static int visit(int guest) throws Exception {
        try (ScmiGuest scmi = ScmiGuest.connect(sockets.get(guest))) {
            Response self = scmi.call(BASE, BASE_DISCOVER_AGENT, AGENT_REPLY, AGENT_CALLER);
            assertEquals(ScmiStatus.SUCCESS.code(), self.status(), "guest " + guest + " discovering itself");
            int agentId = self.value(0);
            self.assertValues(Le.words(agentId).name("guest" + guest, SHORT_NAME));
            // Guest 0's driver reads the slow sensor synchronously: each read blocks the thread that took its kick.
            int sensor = guest == 0 ? SLOW_SENSOR : FAST_SENSOR;
            for (int i = 0; i < (guest == 0 ? SLOW_READS : READS); i++) {
                Response reading = scmi.call(SENSOR, SENSOR_READING_GET, READING_REPLY, sensor, SYNCHRONOUS);
                assertEquals(ScmiStatus.SUCCESS.code(), reading.status(), "guest " + guest + " reading " + i);
                assertEquals(READING_REPLY, reading.usedLength(), "guest " + guest + " reading " + i);
            }
            return agentId;
        }
    }
}
