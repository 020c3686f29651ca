package org.scmi.launcher.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.scmi.api.ScmiHeader;
import org.scmi.api.ScmiStatus;

class RequestStatisticsTest {
    private static final TestAgent AGENT = new TestAgent(1, "guest0");
    private static final ByteBuffer NO_PARAMETERS = ByteBuffer.allocate(0);

    private final RequestStatistics statistics = new RequestStatistics();

    private void answer(int protocolId, int messageId, ScmiStatus status, long nanos) {
        statistics.answered(AGENT, ScmiHeader.command(protocolId, messageId, 7).encode(), NO_PARAMETERS, status, 4,
                nanos);
    }

    @Test
    void countsEachProtocolByStatus() {
        answer(0x15, 0x06, ScmiStatus.SUCCESS, 10_000);
        answer(0x15, 0x06, ScmiStatus.SUCCESS, 20_000);
        answer(0x15, 0x06, ScmiStatus.NOT_FOUND, 5_000);
        answer(0x10, 0x00, ScmiStatus.SUCCESS, 1_000);
        answer(0x13, 0x00, ScmiStatus.NOT_SUPPORTED, 2_000);

        Map<Integer, ProtocolStatistics.Snapshot> snapshot = statistics.snapshot();
        assertEquals(List.of(0x10, 0x13, 0x15), List.copyOf(snapshot.keySet()));
        ProtocolStatistics.Snapshot sensor = snapshot.get(0x15);
        assertEquals(3, sensor.requests());
        assertEquals(1, sensor.errors());
        assertEquals(Map.of(ScmiStatus.SUCCESS, 2L, ScmiStatus.NOT_FOUND, 1L), sensor.byStatus());
        assertEquals(20_000, sensor.latency().max());
        assertEquals(1, snapshot.get(0x13).errors());
    }

    @Test
    void theProtocolIdComesFromTheHeaderWhateverTheTokenAndType() {
        int header = new ScmiHeader(0x03, 0, 0x14, 1023).encode() | 0xF000_0000;
        statistics.answered(AGENT, header, NO_PARAMETERS, ScmiStatus.SUCCESS, 0, 1);
        assertEquals(List.of(0x14), List.copyOf(statistics.snapshot().keySet()));
    }

    @Test
    void resetStartsAfresh() {
        answer(0x15, 0x06, ScmiStatus.SUCCESS, 10_000);
        statistics.reset();
        assertEquals(Map.of(), statistics.snapshot());
        answer(0x15, 0x06, ScmiStatus.SUCCESS, 10_000);
        assertEquals(1, statistics.snapshot().get(0x15).requests());
    }

    @Test
    void theStatsTableShowsPercentilesAndErrorsByStatus() {
        for (int i = 1; i <= 100; i++) {
            answer(0x15, 0x06, ScmiStatus.SUCCESS, i * 1_000L);
        }
        answer(0x15, 0x06, ScmiStatus.INVALID_PARAMETERS, 1_000);
        answer(0x15, 0x06, ScmiStatus.NOT_FOUND, 1_000);
        answer(0x15, 0x06, ScmiStatus.NOT_FOUND, 1_000);
        answer(0x10, 0x00, ScmiStatus.SUCCESS, 800);
        // Sensor, 103 samples: the 52nd is 49 us (bucket 47104..49151 ns), the 93rd 90 us (bucket 86016..90111 ns),
        // the 102nd 99 us (bucket up to 102399 ns, shown as the largest recorded, 100 us).
        assertEquals("""
                ID    NAME    REQUESTS  ERRORS  P50      P90      P99     MAX     ERRORS BY STATUS
                0x10  base    1         0       800 ns   800 ns   800 ns  800 ns  -
                0x15  sensor  103       3       49.2 us  90.1 us  100 us  100 us  INVALID_PARAMETERS=1 NOT_FOUND=2
                """, ProtocolCommands.statisticsTable(statistics.snapshot()));
    }

    @Test
    void noCommandYetIsSaidInWords() {
        assertEquals("no command answered yet (or since 'stats reset')\n",
                ProtocolCommands.statisticsTable(statistics.snapshot()));
    }
}
