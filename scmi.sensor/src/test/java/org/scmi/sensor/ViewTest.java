package org.scmi.sensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.scmi.api.BoardResource;
import org.scmi.api.ResourceKind;
import org.scmi.api.ScmiStatus;
import org.scmi.api.testing.FakeAgent;
import org.scmi.api.testing.Le;
import org.scmi.api.testing.Views;

/** Each agent sees the sensors its profile lists, under its own ids, in every message and notification. */
class ViewTest {
    private static final int SENSOR_UPDATE = 0x5701;
    private static final int TRIP_POINT_EVENT = 0x5700;

    private final FakeDriver board = Sensors.board();
    private final Harness harness = new Harness(board);
    /** accel is its sensor 0, soc_temp its sensor 1. */
    private final FakeAgent ivi = harness.agent(new FakeAgent(1, "ivi", true,
            Views.listing(ResourceKind.SENSORS, "accel", "board/temp")));
    /** soc_temp is its sensor 0. */
    private final FakeAgent cluster = harness.agent(new FakeAgent(2, "cluster", true,
            Views.listing(ResourceKind.SENSORS, "soc_temp")));

    @AfterEach
    void close() {
        harness.close();
    }

    private static int word(byte[] bytes, int index) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt(4 * index);
    }

    @Test
    void countsDescriptionsAndReadsAreInTheAgentsNumbering() throws Exception {
        assertEquals(2, word(harness.call(ivi, 0x1), 0) & 0xFFFF);
        assertEquals(1, word(harness.call(cluster, 0x1), 0) & 0xFFFF);
        byte[] described = harness.call(ivi, 0x3, 0);
        assertEquals(2, word(described, 0) & 0xFFF, "both its sensors in one page");
        assertEquals(0, word(described, 1), "accel first, as its profile lists it");
        assertArrayEquals(Le.bytes().u32(0).name("accel", 64).toArray(), harness.call(ivi, 0xC, 0));
        assertArrayEquals(Le.bytes().u32(0).name("soc_temp", 64).toArray(), harness.call(ivi, 0xC, 1));
        board.set("temp", 45_250);
        assertArrayEquals(Le.bytes().u64(45_250).u64(0).toArray(), harness.call(ivi, 0x6, 1, 0));
        assertArrayEquals(Le.bytes().u64(45_250).u64(0).toArray(), harness.call(cluster, 0x6, 0, 0),
                "the shared sensor under each agent's own id");
        assertEquals(List.of(new BoardResource(ResourceKind.SENSORS, "soc_temp", "board/temp")),
                harness.protocol.resources(cluster));
    }

    @Test
    void aSensorTheAgentDoesNotSeeIsNotFoundInEveryMessage() {
        for (int message : new int[] {0x4, 0x6, 0x7, 0x8, 0xA, 0xB, 0xD}) {
            harness.fails(ScmiStatus.NOT_FOUND, cluster, message, 1, 0);
        }
        for (int message : new int[] {0x9, 0xC}) {
            harness.fails(ScmiStatus.NOT_FOUND, cluster, message, 1);
        }
        harness.fails(ScmiStatus.NOT_FOUND, cluster, 0x5, 1, 1 << 4 | 1, 0, 0);
        harness.fails(ScmiStatus.INVALID_PARAMETERS, cluster, 0x3, 1);
    }

    @Test
    void notificationsNameTheSensorByTheReceiversId() throws Exception {
        board.push("temp", 40_000);
        harness.call(ivi, 0x5, 1, 1 << 4 | 1, 50_000, 0);
        harness.call(ivi, 0x4, 1, 1);
        harness.call(cluster, 0x5, 0, 1 << 4 | 1, 50_000, 0);
        harness.call(cluster, 0x4, 0, 1);
        board.push("temp", 60_000);
        FakeAgent.Event toIvi = ivi.next(1000);
        assertNotNull(toIvi);
        assertEquals(TRIP_POINT_EVENT, toIvi.header());
        assertArrayEquals(Le.words(1, 1, 1 << 16 | 1), toIvi.payload(), "soc_temp is ivi's sensor 1");
        assertArrayEquals(Le.words(2, 0, 1 << 16 | 1), cluster.next(1000).payload(), "and cluster's sensor 0");

        board.set("accel", 1, 2, 3);
        harness.call(ivi, 0xB, 0, 1);
        FakeAgent.Event update = ivi.next(1000);
        assertEquals(SENSOR_UPDATE, update.header());
        assertEquals(0, word(update.payload(), 1), "accel is ivi's sensor 0");
        assertNull(cluster.next(100), "cluster does not see accel");
    }
}
