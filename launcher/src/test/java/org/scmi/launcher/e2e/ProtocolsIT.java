package org.scmi.launcher.e2e;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.scmi.launcher.e2e.Scmi.AGENT_CALLER;
import static org.scmi.launcher.e2e.Scmi.BASE;
import static org.scmi.launcher.e2e.Scmi.BASE_DISCOVER_AGENT;
import static org.scmi.launcher.e2e.Scmi.CLOCK;
import static org.scmi.launcher.e2e.Scmi.CLOCK_ATTRIBUTES;
import static org.scmi.launcher.e2e.Scmi.CLOCK_CHANGE_REQUESTED_NOTIFICATIONS;
import static org.scmi.launcher.e2e.Scmi.CLOCK_ENABLED;
import static org.scmi.launcher.e2e.Scmi.CLOCK_RATE_CHANGED;
import static org.scmi.launcher.e2e.Scmi.CLOCK_RATE_CHANGED_NOTIFICATIONS;
import static org.scmi.launcher.e2e.Scmi.CLOCK_RATE_GET;
import static org.scmi.launcher.e2e.Scmi.CLOCK_RATE_NOTIFY;
import static org.scmi.launcher.e2e.Scmi.CLOCK_RATE_SET;
import static org.scmi.launcher.e2e.Scmi.CLOCK_RESTRICTED;
import static org.scmi.launcher.e2e.Scmi.LINUX_RESPONSE_BUFFER;
import static org.scmi.launcher.e2e.Scmi.POWER;
import static org.scmi.launcher.e2e.Scmi.POWER_OFF;
import static org.scmi.launcher.e2e.Scmi.POWER_ON;
import static org.scmi.launcher.e2e.Scmi.POWER_STATE_GET;
import static org.scmi.launcher.e2e.Scmi.PROTOCOL_ATTRIBUTES;
import static org.scmi.launcher.e2e.Scmi.PROTOCOL_VERSION;
import static org.scmi.launcher.e2e.Scmi.RESPONSE_PREFIX;
import static org.scmi.launcher.e2e.Scmi.SENSOR;
import static org.scmi.launcher.e2e.Scmi.SENSOR_READING_GET;
import static org.scmi.launcher.e2e.Scmi.SENSOR_READ_ASYNC;
import static org.scmi.launcher.e2e.Scmi.SHORT_NAME;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.scmi.api.ScmiStatus;

/**
 * The power, clock and sensor protocols through the running server, over a simulated board given
 * in a board file through the server's configuration file, with constant sensor values so every
 * answer can be checked byte for byte; and the event queue: a clock rate notification and the
 * delayed response of an asynchronous sensor read.
 */
class ProtocolsIT extends OneGuest {
    private static final int POWER_VERSION = 0x3_0001;
    private static final int CLOCK_VERSION = 0x3_0000;
    private static final int SENSOR_VERSION = 0x3_0001;

    /** The board: clock 0 fixed and not controllable, clock 1 three rates; domain 0 on, 1 off. */
    private static final int REF_CLOCK = 0;
    private static final String REF_CLOCK_NAME = "ref_clk";
    private static final long REF_RATE = 24_000_000L;
    private static final int CPU_CLOCK = 1;
    private static final long CPU_RATE = 800_000_000L;
    private static final long CPU_FAST_RATE = 1_200_000_000L;
    private static final int DOMAIN_ON = 0;
    private static final int DOMAIN_OFF = 1;
    /** Sensor 0 reads at once, sensor 1 takes 20 ms and is read asynchronously; values in milli-units. */
    private static final int FAST_SENSOR = 0;
    private static final long FAST_SENSOR_VALUE = 45_500;
    private static final int SLOW_SENSOR = 1;
    private static final long SLOW_SENSOR_VALUE = 4_250;
    private static final String BOARD = """
            {
              "clocks": [
                { "name": "ref_clk", "rates": [24000000], "enabled": true, "controls": [] },
                { "name": "cpu_clk", "rates": [400000000, 800000000, 1200000000], "rate": 800000000,
                  "enabled": true }
              ],
              "powerDomains": [
                { "name": "gpu_pd", "state": "on" },
                { "name": "vpu_pd", "state": "off" }
              ],
              "sensors": [
                { "name": "cpu_temp", "unit": "DEGREES_C", "scale": -3, "base": 45.5 },
                { "name": "board_power", "unit": "WATTS", "scale": -3, "base": 4.25, "readDelayMs": 20 }
              ]
            }
            """;

    private static final int ONE_WORD_REPLY = RESPONSE_PREFIX + 4;
    private static final int RATE_REPLY = RESPONSE_PREFIX + 8;
    /** One reading: value and timestamp, 64 bits each (timestamps are off: 0). */
    private static final int READING_REPLY = RESPONSE_PREFIX + 16;
    private static final int NO_TIMESTAMP = 0;

    @Override
    String socketName() {
        return "protocols.sock";
    }

    @Override
    Path configFile(Path folder) throws IOException {
        return BoardServer.writeConfig(folder, BOARD);
    }

    @Test
    void powerDomainStates() throws Exception {
        guest.call(POWER, PROTOCOL_VERSION, ONE_WORD_REPLY).assertValues(Le.words(POWER_VERSION));
        guest.call(POWER, PROTOCOL_ATTRIBUTES, RESPONSE_PREFIX + 16).assertValues(Le.words(2, 0, 0, 0));
        guest.call(POWER, POWER_STATE_GET, ONE_WORD_REPLY, DOMAIN_ON).assertValues(Le.words(POWER_ON));
        guest.call(POWER, POWER_STATE_GET, ONE_WORD_REPLY, DOMAIN_OFF).assertValues(Le.words(POWER_OFF));
        guest.call(POWER, POWER_STATE_GET, ONE_WORD_REPLY, 2).assertStatus(ScmiStatus.NOT_FOUND);
    }

    @Test
    void clockRatesAndAttributes() throws Exception {
        guest.call(CLOCK, PROTOCOL_VERSION, ONE_WORD_REPLY).assertValues(Le.words(CLOCK_VERSION));
        guest.call(CLOCK, CLOCK_RATE_GET, RATE_REPLY, REF_CLOCK).assertValues(Le.words().u64(REF_RATE));
        guest.call(CLOCK, CLOCK_RATE_GET, RATE_REPLY, CPU_CLOCK).assertValues(Le.words().u64(CPU_RATE));
        guest.call(CLOCK, CLOCK_RATE_GET, RATE_REPLY, 2).assertStatus(ScmiStatus.NOT_FOUND);
        // Notifications supported (this guest has an eventq), restricted (no controls), enabled.
        int attributes = CLOCK_RATE_CHANGED_NOTIFICATIONS | CLOCK_CHANGE_REQUESTED_NOTIFICATIONS | CLOCK_RESTRICTED
                | CLOCK_ENABLED;
        guest.call(CLOCK, CLOCK_ATTRIBUTES, RESPONSE_PREFIX + 4 + SHORT_NAME + 4, REF_CLOCK)
                .assertValues(Le.words(attributes).name(REF_CLOCK_NAME, SHORT_NAME).u32(0));
    }

    /** A subscribed guest changing a rate gets CLOCK_RATE_CHANGED on its eventq, naming itself. */
    @Test
    void clockRateChangeIsNotifiedOnTheEventQueue() throws Exception {
        int me = guest.call(BASE, BASE_DISCOVER_AGENT, RESPONSE_PREFIX + 4 + SHORT_NAME, AGENT_CALLER).value(0);
        guest.call(CLOCK, CLOCK_RATE_NOTIFY, LINUX_RESPONSE_BUFFER, CPU_CLOCK, 1).assertValues(new byte[0]);
        try {
            setRate(CPU_FAST_RATE);
            guest.awaitEvent(Le.words(Scmi.notificationHeader(CLOCK, CLOCK_RATE_CHANGED), me, CPU_CLOCK)
                    .u64(CPU_FAST_RATE));
            guest.call(CLOCK, CLOCK_RATE_GET, RATE_REPLY, CPU_CLOCK).assertValues(Le.words().u64(CPU_FAST_RATE));
            setRate(CPU_RATE);
            guest.awaitEvent(Le.words(Scmi.notificationHeader(CLOCK, CLOCK_RATE_CHANGED), me, CPU_CLOCK).u64(CPU_RATE));
        } finally {
            guest.call(CLOCK, CLOCK_RATE_NOTIFY, LINUX_RESPONSE_BUFFER, CPU_CLOCK, 0).assertValues(new byte[0]);
        }
        setRate(CPU_FAST_RATE);
        setRate(CPU_RATE);
        Thread.sleep(200);
        assertNull(guest.pollEvent(), "an event after unsubscribing");
    }

    private void setRate(long rate) throws Exception {
        guest.call(CLOCK, CLOCK_RATE_SET, LINUX_RESPONSE_BUFFER, 0, CPU_CLOCK, (int) rate, (int) (rate >>> 32))
                .assertValues(new byte[0]);
    }

    @Test
    void sensorReadings() throws Exception {
        guest.call(SENSOR, PROTOCOL_VERSION, ONE_WORD_REPLY).assertValues(Le.words(SENSOR_VERSION));
        guest.call(SENSOR, SENSOR_READING_GET, READING_REPLY, FAST_SENSOR, 0)
                .assertValues(Le.words().u64(FAST_SENSOR_VALUE).u64(NO_TIMESTAMP));
        // A slow sensor can still be read synchronously: the command waits for it.
        guest.call(SENSOR, SENSOR_READING_GET, READING_REPLY, SLOW_SENSOR, 0)
                .assertValues(Le.words().u64(SLOW_SENSOR_VALUE).u64(NO_TIMESTAMP));
        guest.call(SENSOR, SENSOR_READING_GET, READING_REPLY, 2, 0).assertStatus(ScmiStatus.NOT_FOUND);
        guest.call(SENSOR, SENSOR_READING_GET, READING_REPLY, FAST_SENSOR, 2)
                .assertStatus(ScmiStatus.INVALID_PARAMETERS);
        guest.call(SENSOR, SENSOR_READING_GET, READING_REPLY, FAST_SENSOR, SENSOR_READ_ASYNC)
                .assertStatus(ScmiStatus.NOT_SUPPORTED);
    }

    /**
     * An asynchronous read is answered at once with the status alone, then completed by a delayed
     * response on the eventq: the command's header as type 2, status, sensor_id, the reading.
     */
    @Test
    void asynchronousSensorReadCompletesWithADelayedResponse() throws Exception {
        Response accepted = guest.call(SENSOR, SENSOR_READING_GET, LINUX_RESPONSE_BUFFER, SLOW_SENSOR,
                SENSOR_READ_ASYNC);
        accepted.assertValues(new byte[0]);
        guest.awaitEvent(Le.words(Scmi.delayedResponseHeader(accepted.commandHeader()), ScmiStatus.SUCCESS.code(),
                SLOW_SENSOR).u64(SLOW_SENSOR_VALUE).u64(NO_TIMESTAMP));
    }
}
