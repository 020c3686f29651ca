package org.scmi.transport.xen.sim.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.scmi.api.ScmiHeader;
import org.scmi.api.ScmiStatus;

/** The steady load's mix and its checks, against a platform played by the test. */
class SteadyLoadTest {
    private static final int SENSOR = 0x15;

    /** A platform that answers with {@code answer} and delivers the queued events. */
    private static final class Platform implements SteadyLoad.Channel {
        final List<ScmiHeader> commands = new ArrayList<>();
        final Deque<byte[]> events = new ArrayDeque<>();
        final Function<byte[], byte[]> answer;

        Platform(Function<byte[], byte[]> answer) {
            this.answer = answer;
        }

        @Override
        public byte[] exchange(byte[] request, int responseCapacity) {
            commands.add(ScmiHeader.decode(words(request).getInt(0)));
            return answer.apply(request);
        }

        @Override
        public byte[] pollEvent() {
            return events.poll();
        }
    }

    /** A correct answer: the command's header, SUCCESS, and a reading for SENSOR_READING_GET. */
    private static byte[] correct(byte[] request) {
        ScmiHeader header = ScmiHeader.decode(words(request).getInt(0));
        boolean reading = header.protocolId() == SENSOR && header.messageId() == 0x6;
        return words(reading ? 24 : 8).putInt(0, header.encode()).putInt(4, ScmiStatus.SUCCESS.code()).array();
    }

    private static ByteBuffer words(byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static ByteBuffer words(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static byte[] tripEvent(int sensor) {
        return words(16).putInt(0, ScmiHeader.notification(SENSOR, 0).encode()).putInt(4, 1).putInt(8, sensor)
                .putInt(12, 1 << 16).array();
    }

    @Test
    void subscribesThenCyclesReadsRateSetsAndPowerVotesWithFreshTokens() throws Exception {
        Platform platform = new Platform(SteadyLoadTest::correct);
        SteadyLoad load = new SteadyLoad();
        load.subscribe(platform);
        for (int i = 0; i < 8; i++) {
            load.step(platform);
        }
        List<String> sent = platform.commands.stream()
                .map(h -> Integer.toHexString(h.protocolId()) + "/" + h.messageId()).toList();
        assertEquals(List.of("15/5", "15/4", "15/6", "14/5", "15/6", "11/4", "15/6", "14/5", "15/6", "11/4"), sent);
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), platform.commands.stream().map(ScmiHeader::token).toList());
        assertEquals(new SteadyLoad.Counts(10, 0, 0, null), load.counts());
    }

    @Test
    void countsTripPointEventsOfTheWatchedSensorAndFailsOnAnyOtherEvent() throws Exception {
        Platform platform = new Platform(SteadyLoadTest::correct);
        SteadyLoad load = new SteadyLoad();
        platform.events.add(tripEvent(SteadyLoad.TRIP_SENSOR));
        platform.events.add(tripEvent(SteadyLoad.TRIP_SENSOR));
        load.step(platform);
        assertEquals(2, load.counts().notifications());
        assertEquals(0, load.counts().failed());

        platform.events.add(tripEvent(SteadyLoad.READ_SENSOR));
        load.step(platform);
        assertEquals(2, load.counts().notifications());
        assertEquals(1, load.counts().failed());
        assertTrue(load.counts().firstFailure().startsWith("unexpected notification"), load.counts().firstFailure());
    }

    @Test
    void anErrorStatusAWrongHeaderOrAWrongSizeIsAFailure() throws Exception {
        SteadyLoad load = new SteadyLoad();
        load.step(new Platform(request -> words(correct(request)).putInt(4, ScmiStatus.DENIED.code()).array()));
        load.step(new Platform(request -> words(correct(request)).putInt(0, 0).array()));
        load.step(new Platform(request -> words(12).putInt(0, words(request).getInt(0)).array())); // a reading cut short
        assertEquals(3, load.counts().failed());
        assertEquals(3, load.counts().commands());
        assertFalse(load.broken(), "an answer came each time: the queue is still in step");
    }

    @Test
    void noAnswerStopsTheLoad() throws Exception {
        SteadyLoad load = new SteadyLoad();
        Platform silent = new Platform(request -> null);
        load.step(silent);
        assertTrue(load.broken());
        load.step(silent);
        assertEquals(new SteadyLoad.Counts(1, 1, 0, "protocol 0x15 message 0x06: no answer"), load.counts());
        assertEquals(1, silent.commands.size(), "nothing sent after the lost answer");
        assertNull(silent.events.peek());
    }
}
