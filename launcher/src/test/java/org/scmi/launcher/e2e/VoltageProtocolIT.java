package org.scmi.launcher.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.scmi.launcher.e2e.Scmi.EXTENDED_NAME;
import static org.scmi.launcher.e2e.Scmi.LINUX_RESPONSE_BUFFER;
import static org.scmi.launcher.e2e.Scmi.NEGOTIATE_PROTOCOL_VERSION;
import static org.scmi.launcher.e2e.Scmi.PROTOCOL_ATTRIBUTES;
import static org.scmi.launcher.e2e.Scmi.PROTOCOL_MESSAGE_ATTRIBUTES;
import static org.scmi.launcher.e2e.Scmi.PROTOCOL_VERSION;
import static org.scmi.launcher.e2e.Scmi.RESPONSE_PREFIX;
import static org.scmi.launcher.e2e.Scmi.SHORT_NAME;
import static org.scmi.launcher.e2e.Scmi.VOLTAGE;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.scmi.api.ScmiStatus;

/**
 * The Voltage domain management protocol (0x17, v2.1) through the running server, with two guests:
 * every message with its errors byte for byte, a level list paged in small buffers and a range,
 * the sharing rules (on while any guest votes on, the highest level asked for, the platform
 * overriding every vote), and the delayed response of an asynchronous level set. The protocol has
 * no notifications.
 */
class VoltageProtocolIT extends TwoGuests {
    private static final int VERSION = 0x2_0001;
    private static final int DOMAIN_ATTRIBUTES = 0x3;
    private static final int DESCRIBE_LEVELS = 0x4;
    private static final int CONFIG_SET = 0x5;
    private static final int CONFIG_GET = 0x6;
    private static final int LEVEL_SET = 0x7;
    private static final int LEVEL_GET = 0x8;
    private static final int DOMAIN_NAME_GET = 0x9;
    private static final int ATTR_ASYNC = 1 << 31;
    private static final int ATTR_EXTENDED_NAME = 1 << 30;
    private static final int SEGMENT = 1 << 12;
    private static final int ON = 0x7;
    private static final int OFF = 0x0;
    private static final int SET_ASYNC = 1;

    /** 35 levels from 600 mV in 12.5 mV steps: more than the 31 a Linux reply holds. */
    private static final List<Integer> CPU_LEVELS = IntStream.range(0, 35).map(i -> 600_000 + i * 12_500).boxed()
            .toList();
    private static final String BOARD = """
            {
              "voltageDomains": [
                { "name": "vdd_cpu", "levels": %s, "level": 900000 },
                { "name": "vdd_io_bank_supply", "key": "io",
                  "range": { "low": 1800000, "high": 3300000, "step": 100000 },
                  "level": 3300000, "on": false, "delayMs": 20, "asynchronous": true }
              ]
            }
            """.formatted(CPU_LEVELS);
    private static final int CPU = 0;
    private static final int IO = 1;
    private static final int DOMAINS = 2;
    private static final String IO_NAME = "vdd_io_bank_supply";
    private static final int LEVELS_PER_LINUX_REPLY = 31;
    private static final int[] NOT_IMPLEMENTED = {NEGOTIATE_PROTOCOL_VERSION, 0xA, 0x80};

    private static final int ONE_WORD_REPLY = RESPONSE_PREFIX + 4;
    private static final int STATUS_ONLY = RESPONSE_PREFIX;
    private static final byte[] NOTHING = new byte[0];

    @Override
    String board() {
        return BOARD;
    }

    @Test
    void versionAttributesAndNames() throws Exception {
        a.call(VOLTAGE, PROTOCOL_VERSION, ONE_WORD_REPLY).assertValues(Le.words(VERSION));
        a.call(VOLTAGE, PROTOCOL_ATTRIBUTES, ONE_WORD_REPLY).assertValues(Le.words(DOMAINS));
        for (int message = PROTOCOL_VERSION; message <= DOMAIN_NAME_GET; message++) {
            a.call(VOLTAGE, PROTOCOL_MESSAGE_ATTRIBUTES, ONE_WORD_REPLY, message).assertValues(Le.words(0));
        }
        for (int message : NOT_IMPLEMENTED) {
            a.call(VOLTAGE, PROTOCOL_MESSAGE_ATTRIBUTES, ONE_WORD_REPLY, message).assertStatus(ScmiStatus.NOT_FOUND);
        }
        a.call(VOLTAGE, NEGOTIATE_PROTOCOL_VERSION, STATUS_ONLY, VERSION).assertStatus(ScmiStatus.NOT_FOUND);
        a.call(VOLTAGE, PROTOCOL_ATTRIBUTES, ONE_WORD_REPLY, 0).assertStatus(ScmiStatus.PROTOCOL_ERROR);
        a.call(VOLTAGE, DOMAIN_ATTRIBUTES, RESPONSE_PREFIX + 4 + SHORT_NAME, CPU)
                .assertValues(Le.words(0).name("vdd_cpu", SHORT_NAME));
        a.call(VOLTAGE, DOMAIN_ATTRIBUTES, RESPONSE_PREFIX + 4 + SHORT_NAME, IO)
                .assertValues(Le.words(ATTR_ASYNC | ATTR_EXTENDED_NAME).name(Scmi.shortName(IO_NAME), SHORT_NAME));
        a.call(VOLTAGE, DOMAIN_ATTRIBUTES, LINUX_RESPONSE_BUFFER, DOMAINS).assertStatus(ScmiStatus.NOT_FOUND);
        a.call(VOLTAGE, DOMAIN_NAME_GET, RESPONSE_PREFIX + 4 + EXTENDED_NAME, IO)
                .assertValues(Le.words(0).name(IO_NAME, EXTENDED_NAME));
        a.call(VOLTAGE, DOMAIN_NAME_GET, LINUX_RESPONSE_BUFFER, DOMAINS).assertStatus(ScmiStatus.NOT_FOUND);
        a.call(VOLTAGE, DOMAIN_ATTRIBUTES, LINUX_RESPONSE_BUFFER).assertStatus(ScmiStatus.PROTOCOL_ERROR);
        a.call(VOLTAGE, DOMAIN_NAME_GET, LINUX_RESPONSE_BUFFER, IO, 0).assertStatus(ScmiStatus.PROTOCOL_ERROR);
        b.close();
        b = server.connectBWithoutEventQueue();
        b.call(VOLTAGE, DOMAIN_ATTRIBUTES, RESPONSE_PREFIX + 4 + SHORT_NAME, IO)
                .assertValues(Le.words(ATTR_EXTENDED_NAME).name(Scmi.shortName(IO_NAME), SHORT_NAME));
        b.call(VOLTAGE, LEVEL_SET, STATUS_ONLY, IO, SET_ASYNC, 1_800_000).assertStatus(ScmiStatus.NOT_SUPPORTED);
    }

    @Test
    void levelsInPagesAndAsASegment() throws Exception {
        int rest = CPU_LEVELS.size() - LEVELS_PER_LINUX_REPLY;
        a.call(VOLTAGE, DESCRIBE_LEVELS, LINUX_RESPONSE_BUFFER, CPU, 0)
                .assertValues(levels(LEVELS_PER_LINUX_REPLY, rest, CPU_LEVELS.subList(0, LEVELS_PER_LINUX_REPLY)));
        a.call(VOLTAGE, DESCRIBE_LEVELS, LINUX_RESPONSE_BUFFER, CPU, LEVELS_PER_LINUX_REPLY)
                .assertValues(levels(rest, 0, CPU_LEVELS.subList(LEVELS_PER_LINUX_REPLY, CPU_LEVELS.size())));
        for (int index = 0; index < CPU_LEVELS.size(); index++) {
            a.call(VOLTAGE, DESCRIBE_LEVELS, RESPONSE_PREFIX + 8, CPU, index)
                    .assertValues(levels(1, CPU_LEVELS.size() - index - 1, List.of(CPU_LEVELS.get(index))));
        }
        a.call(VOLTAGE, DESCRIBE_LEVELS, LINUX_RESPONSE_BUFFER, CPU, CPU_LEVELS.size())
                .assertStatus(ScmiStatus.OUT_OF_RANGE);
        a.call(VOLTAGE, DESCRIBE_LEVELS, RESPONSE_PREFIX + 4, CPU, 0).assertStatus(ScmiStatus.COMMS_ERROR);
        a.call(VOLTAGE, DESCRIBE_LEVELS, LINUX_RESPONSE_BUFFER, IO, 0)
                .assertValues(Le.words(3 | SEGMENT, 1_800_000, 3_300_000, 100_000));
        a.call(VOLTAGE, DESCRIBE_LEVELS, RESPONSE_PREFIX + 12, IO, 0).assertStatus(ScmiStatus.COMMS_ERROR);
        a.call(VOLTAGE, DESCRIBE_LEVELS, LINUX_RESPONSE_BUFFER, IO, 1).assertStatus(ScmiStatus.OUT_OF_RANGE);
        a.call(VOLTAGE, DESCRIBE_LEVELS, LINUX_RESPONSE_BUFFER, DOMAINS, 0).assertStatus(ScmiStatus.NOT_FOUND);
        a.call(VOLTAGE, DESCRIBE_LEVELS, LINUX_RESPONSE_BUFFER, CPU).assertStatus(ScmiStatus.PROTOCOL_ERROR);
    }

    private static Le levels(int returned, int remaining, List<Integer> values) {
        Le expected = Le.words(returned | remaining << 16);
        values.forEach(expected::u32);
        return expected;
    }

    @Test
    void configAndLevelErrors() throws Exception {
        a.call(VOLTAGE, CONFIG_SET, STATUS_ONLY, CPU, 0x10).assertStatus(ScmiStatus.INVALID_PARAMETERS);
        a.call(VOLTAGE, CONFIG_SET, STATUS_ONLY, CPU, 0x1).assertStatus(ScmiStatus.INVALID_PARAMETERS);
        a.call(VOLTAGE, CONFIG_SET, STATUS_ONLY, CPU, 0x8).assertStatus(ScmiStatus.NOT_SUPPORTED);
        a.call(VOLTAGE, CONFIG_SET, STATUS_ONLY, DOMAINS, ON).assertStatus(ScmiStatus.NOT_FOUND);
        a.call(VOLTAGE, CONFIG_SET, STATUS_ONLY, CPU).assertStatus(ScmiStatus.PROTOCOL_ERROR);
        a.call(VOLTAGE, CONFIG_GET, STATUS_ONLY, DOMAINS).assertStatus(ScmiStatus.NOT_FOUND);
        a.call(VOLTAGE, CONFIG_GET, ONE_WORD_REPLY).assertStatus(ScmiStatus.PROTOCOL_ERROR);
        a.call(VOLTAGE, LEVEL_SET, STATUS_ONLY, CPU, 2, 900_000).assertStatus(ScmiStatus.INVALID_PARAMETERS);
        a.call(VOLTAGE, LEVEL_SET, STATUS_ONLY, CPU, 0, 905_000).assertStatus(ScmiStatus.OUT_OF_RANGE);
        a.call(VOLTAGE, LEVEL_SET, STATUS_ONLY, IO, 0, 1_850_000).assertStatus(ScmiStatus.OUT_OF_RANGE);
        a.call(VOLTAGE, LEVEL_SET, STATUS_ONLY, CPU, SET_ASYNC, 900_000).assertStatus(ScmiStatus.NOT_SUPPORTED);
        a.call(VOLTAGE, LEVEL_SET, STATUS_ONLY, DOMAINS, 0, 900_000).assertStatus(ScmiStatus.NOT_FOUND);
        a.call(VOLTAGE, LEVEL_GET, ONE_WORD_REPLY, CPU).assertValues(Le.words(900_000));
        a.call(VOLTAGE, LEVEL_GET, ONE_WORD_REPLY, DOMAINS).assertStatus(ScmiStatus.NOT_FOUND);
        a.call(VOLTAGE, LEVEL_GET, ONE_WORD_REPLY).assertStatus(ScmiStatus.PROTOCOL_ERROR);
        a.call(VOLTAGE, LEVEL_SET, STATUS_ONLY, CPU, 0).assertStatus(ScmiStatus.PROTOCOL_ERROR);
    }

    /** On while any guest votes on, each reading its own vote; the highest level asked for wins. */
    @Test
    void twoGuestsShareASupply() throws Exception {
        a.call(VOLTAGE, CONFIG_GET, ONE_WORD_REPLY, IO).assertValues(Le.words(OFF));
        a.call(VOLTAGE, CONFIG_SET, STATUS_ONLY, IO, ON).assertValues(NOTHING);
        b.call(VOLTAGE, CONFIG_SET, STATUS_ONLY, IO, OFF).assertValues(NOTHING);
        b.call(VOLTAGE, CONFIG_GET, ONE_WORD_REPLY, IO).assertValues(Le.words(OFF));
        a.call(VOLTAGE, CONFIG_GET, ONE_WORD_REPLY, IO).assertValues(Le.words(ON));
        assertSupply("io +" + IO_NAME + " +3300000 +yes .*");

        a.call(VOLTAGE, LEVEL_SET, STATUS_ONLY, CPU, 0, 1_000_000).assertValues(NOTHING);
        b.call(VOLTAGE, LEVEL_SET, STATUS_ONLY, CPU, 0, 700_000).assertValues(NOTHING);
        b.call(VOLTAGE, LEVEL_GET, ONE_WORD_REPLY, CPU).assertValues(Le.words(1_000_000));
        BoardServer.resetAndClose(a, BoardServer.AGENT_A);
        a = server.connectA();
        b.call(VOLTAGE, LEVEL_GET, ONE_WORD_REPLY, CPU).assertValues(Le.words(700_000));
        b.call(VOLTAGE, CONFIG_GET, ONE_WORD_REPLY, IO).assertValues(Le.words(OFF));
    }

    /** A switch by the platform (the board's shell) overrides every guest's vote: each reads the supply again. */
    @Test
    void thePlatformOverridesTheGuestsVotes() throws Exception {
        a.call(VOLTAGE, CONFIG_SET, STATUS_ONLY, IO, ON).assertValues(NOTHING);
        b.call(VOLTAGE, CONFIG_SET, STATUS_ONLY, IO, OFF).assertValues(NOTHING);
        assertSupply("io +" + IO_NAME + " +3300000 +yes .*");
        assertTrue(server.admin("voltageOn io off").startsWith(IO_NAME + " is now off"));
        assertSupply("io +" + IO_NAME + " +3300000 +no .*");
        a.call(VOLTAGE, CONFIG_GET, ONE_WORD_REPLY, IO).assertValues(Le.words(OFF));
        b.call(VOLTAGE, CONFIG_GET, ONE_WORD_REPLY, IO).assertValues(Le.words(OFF));
        BoardServer.resetAndClose(a, BoardServer.AGENT_A);
        a = server.connectA();
        assertSupply("io +" + IO_NAME + " +3300000 +no .*");
    }

    /** The row of vdd_io in the board's shell table 'voltages' matches {@code pattern}. */
    private void assertSupply(String pattern) throws Exception {
        String table = server.admin("voltages");
        assertTrue(table.lines().anyMatch(line -> line.matches(pattern)), table);
    }

    @Test
    void asynchronousLevelSetCompletesWithADelayedResponse() throws Exception {
        Response accepted = a.call(VOLTAGE, LEVEL_SET, LINUX_RESPONSE_BUFFER, IO, SET_ASYNC, 1_800_000);
        accepted.assertValues(NOTHING);
        a.awaitEvent(Le.words(Scmi.delayedResponseHeader(accepted.commandHeader()), ScmiStatus.SUCCESS.code(), IO,
                1_800_000));
        a.call(VOLTAGE, LEVEL_GET, ONE_WORD_REPLY, IO).assertValues(Le.words(1_800_000));
        b.assertNoEvent();
    }
}
