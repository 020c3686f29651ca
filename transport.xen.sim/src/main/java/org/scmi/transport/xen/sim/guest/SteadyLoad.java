package org.scmi.transport.xen.sim.guest;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.scmi.api.ScmiHeader;
import org.scmi.api.ScmiStatus;

/**
 * The steady work of a running guest's SCMI drivers against the built-in simulated board, with
 * every answer checked: synchronous reads of a temperature sensor (as hwmon polls it), rate
 * changes of the CPU clock (as cpufreq makes them), votes to switch a power domain on and off (as
 * runtime power management casts them), and a trip point on a second temperature sensor whose
 * SENSOR_TRIP_POINT_EVENT notifications it counts (as the thermal framework subscribes to them).
 * The simulated Xen guests run it inside the server ({@code commandsPerSecond}); the soak's
 * vhost-user guests run the same mix over their own transport.
 *
 * <p>A command fails when no answer comes, or when the answer is not exactly the command's header,
 * SUCCESS and the size the message returns; a notification that is not the trip point event of
 * the watched sensor is a failure too. After an answer that did not come, the guest's command
 * queue is in an unknown state, so the load stops sending ({@link #broken()}).
 *
 * <p>Threads: not thread-safe; one thread drives it, as one vCPU drives a guest's driver. The
 * counts may be read from any thread.
 */
public final class SteadyLoad {
    /** A guest's SCMI channel: what the load needs of a transport's driver side. */
    public interface Channel {
        /** Sends one command; returns the bytes the platform wrote, or null if no answer came in time. */
        byte[] exchange(byte[] request, int responseCapacity) throws Exception;

        /** A notification delivered already (its buffer given back to the platform), or null. */
        byte[] pollEvent() throws Exception;
    }

    /**
     * What a load has done so far.
     *
     * @param commands commands sent
     * @param failed commands answered wrongly or not at all, and unexpected notifications
     * @param notifications trip point events received
     * @param firstFailure what went wrong first, or null
     */
    public record Counts(long commands, long failed, long notifications, String firstFailure) {
    }

    /** Sensor protocol, the messages used and SENSOR_TRIP_POINT_EVENT. */
    private static final int SENSOR = 0x15;
    private static final int SENSOR_TRIP_POINT_NOTIFY = 0x4;
    private static final int SENSOR_TRIP_POINT_CONFIG = 0x5;
    private static final int SENSOR_READING_GET = 0x6;
    private static final int SENSOR_TRIP_POINT_EVENT = 0x0;
    /** SENSOR_READING_GET flags: synchronous. */
    private static final int READ_SYNCHRONOUSLY = 0;
    /** trip_point_ev_ctrl: bits 1:0 mode (3: both directions), bits 11:4 trip point id. */
    private static final int TRIP_BOTH_DIRECTIONS = 3;
    private static final int TRIP_ID_SHIFT = 4;
    private static final int NOTIFY_ENABLE = 1;
    /** Clock protocol, CLOCK_RATE_SET with flags 0: synchronous, exact rate. */
    private static final int CLOCK = 0x14;
    private static final int CLOCK_RATE_SET = 0x5;
    private static final int CLOCK_SET_SYNCHRONOUS = 0;
    /** Power domain protocol, POWER_STATE_SET with flags 0: synchronous. */
    private static final int POWER = 0x11;
    private static final int POWER_STATE_SET = 0x4;
    private static final int POWER_SET_SYNCHRONOUS = 0;
    private static final int POWER_ON = 0x0000_0000;
    private static final int POWER_OFF = 0x4000_0000;

    /** The built-in board's resources the load uses (README, "Simulated board"). */
    public static final int READ_SENSOR = 0; // soc_temp
    public static final int TRIP_SENSOR = 1; // ddr_controller_temperature
    /** The trip point's threshold: 60 °C at the sensor's scale of 10^-3. */
    public static final int TRIP_THRESHOLD_MILLI_CELSIUS = 60_000;
    private static final int TRIP_POINT = 0;
    private static final int CPU_CLOCK = 2; // cpu_clk
    private static final long[] CPU_RATES = {800_000_000L, 1_200_000_000L};
    private static final int POWER_DOMAIN = 0; // gpu_pd

    /** Header and status words of every answer; a reading is value and timestamp, 64 bits each. */
    private static final int ANSWER_PREFIX = 8;
    private static final int READING_BYTES = 16;
    /** Linux's message buffers: 128 bytes of payload plus header and status. */
    private static final int RESPONSE_CAPACITY = 136;

    /** One cycle of the mix: sensor reads twice as often as each setting. */
    private enum Step { READ, RATE_SET, READ_AGAIN, POWER_VOTE }

    private static final Step[] CYCLE = Step.values();

    private int token;
    private int step;
    private int cycles;
    private volatile long commands;
    private volatile long failed;
    private volatile long notifications;
    private volatile String firstFailure;
    private boolean broken;

    /** Sets a trip point on {@link #TRIP_SENSOR} in both directions and subscribes to its events. */
    public void subscribe(Channel channel) throws Exception {
        command(channel, SENSOR, SENSOR_TRIP_POINT_CONFIG, ANSWER_PREFIX, TRIP_SENSOR,
                TRIP_POINT << TRIP_ID_SHIFT | TRIP_BOTH_DIRECTIONS, TRIP_THRESHOLD_MILLI_CELSIUS, 0);
        command(channel, SENSOR, SENSOR_TRIP_POINT_NOTIFY, ANSWER_PREFIX, TRIP_SENSOR, NOTIFY_ENABLE);
    }

    /** Sends the next command of the mix, then takes the notifications delivered meanwhile. */
    public void step(Channel channel) throws Exception {
        Step next = CYCLE[step];
        step = (step + 1) % CYCLE.length;
        if (step == 0) {
            cycles++;
        }
        boolean odd = (cycles & 1) != 0;
        switch (next) {
            case READ, READ_AGAIN -> command(channel, SENSOR, SENSOR_READING_GET, ANSWER_PREFIX + READING_BYTES,
                    READ_SENSOR, READ_SYNCHRONOUSLY);
            case RATE_SET -> {
                long rate = CPU_RATES[odd ? 1 : 0];
                command(channel, CLOCK, CLOCK_RATE_SET, ANSWER_PREFIX, CLOCK_SET_SYNCHRONOUS, CPU_CLOCK, (int) rate,
                        (int) (rate >>> Integer.SIZE));
            }
            case POWER_VOTE -> command(channel, POWER, POWER_STATE_SET, ANSWER_PREFIX, POWER_SET_SYNCHRONOUS,
                    POWER_DOMAIN, odd ? POWER_OFF : POWER_ON);
        }
        takeNotifications(channel);
    }

    /** Counts the trip point events delivered already; anything else delivered is a failure. */
    public void takeNotifications(Channel channel) throws Exception {
        int expected = ScmiHeader.notification(SENSOR, SENSOR_TRIP_POINT_EVENT).encode();
        for (byte[] event; (event = channel.pollEvent()) != null;) {
            ByteBuffer bytes = ByteBuffer.wrap(event).order(ByteOrder.LITTLE_ENDIAN);
            // agent_id, sensor_id, trip_desc follow the header.
            if (event.length == 4 * Integer.BYTES && bytes.getInt(0) == expected
                    && bytes.getInt(2 * Integer.BYTES) == TRIP_SENSOR) {
                notifications++;
            } else {
                fail("unexpected notification " + hex(event));
            }
        }
    }

    private void command(Channel channel, int protocolId, int messageId, int answerBytes, int... parameters)
            throws Exception {
        if (broken) {
            return;
        }
        int header = ScmiHeader.command(protocolId, messageId, token).encode();
        token = (token + 1) & ScmiHeader.TOKEN_MASK;
        ByteBuffer request = ByteBuffer.allocate(Integer.BYTES * (1 + parameters.length))
                .order(ByteOrder.LITTLE_ENDIAN).putInt(header);
        for (int parameter : parameters) {
            request.putInt(parameter);
        }
        commands++;
        byte[] answer = channel.exchange(request.array(), RESPONSE_CAPACITY);
        String what = String.format("protocol 0x%02x message 0x%02x", protocolId, messageId);
        if (answer == null) {
            broken = true;
            fail(what + ": no answer");
            return;
        }
        ByteBuffer bytes = ByteBuffer.wrap(answer).order(ByteOrder.LITTLE_ENDIAN);
        if (answer.length != answerBytes || bytes.getInt(0) != header
                || bytes.getInt(Integer.BYTES) != ScmiStatus.SUCCESS.code()) {
            fail(what + ": answer " + hex(answer) + " (" + answer.length + " bytes, " + answerBytes + " expected)");
        }
    }

    private void fail(String message) {
        failed++;
        if (firstFailure == null) {
            firstFailure = message;
        }
    }

    private static String hex(byte[] bytes) {
        StringBuilder text = new StringBuilder();
        for (byte b : bytes) {
            text.append(String.format("%02x", b & 0xFF));
        }
        return text.toString();
    }

    /** Whether an answer did not come: the load sends nothing more. */
    public boolean broken() {
        return broken;
    }

    public Counts counts() {
        return new Counts(commands, failed, notifications, firstFailure);
    }
}
