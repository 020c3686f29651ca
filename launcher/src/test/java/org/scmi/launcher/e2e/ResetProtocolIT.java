package org.scmi.launcher.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.scmi.launcher.e2e.BoardServer.AGENT_A;
import static org.scmi.launcher.e2e.BoardServer.AGENT_B;
import static org.scmi.launcher.e2e.Scmi.EXTENDED_NAME;
import static org.scmi.launcher.e2e.Scmi.LINUX_RESPONSE_BUFFER;
import static org.scmi.launcher.e2e.Scmi.NEGOTIATE_PROTOCOL_VERSION;
import static org.scmi.launcher.e2e.Scmi.PROTOCOL_ATTRIBUTES;
import static org.scmi.launcher.e2e.Scmi.PROTOCOL_MESSAGE_ATTRIBUTES;
import static org.scmi.launcher.e2e.Scmi.PROTOCOL_VERSION;
import static org.scmi.launcher.e2e.Scmi.RESET;
import static org.scmi.launcher.e2e.Scmi.RESPONSE_PREFIX;
import static org.scmi.launcher.e2e.Scmi.SHORT_NAME;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.scmi.api.ScmiStatus;

/**
 * The Reset domain management protocol (0x16, v3.1) through the running server, with two guests:
 * every message with its errors byte for byte, RESET_ISSUED on the eventq of exactly the subscribed
 * guest for resets by a guest and by the platform (the shell), the RESET_COMPLETE delayed response
 * of an asynchronous reset, and the sharing rule (a line is asserted while any guest holds it, and
 * a reset by another guest does not pulse a held line), as the board's shell shows the line.
 */
class ResetProtocolIT extends TwoGuests {
    private static final int VERSION = 0x3_0001;
    private static final int DOMAIN_ATTRIBUTES = 0x3;
    private static final int RESET_COMMAND = 0x4;
    private static final int RESET_NOTIFY = 0x5;
    private static final int DOMAIN_NAME_GET = 0x6;
    private static final int RESET_ISSUED = 0x0;
    /** RESET flags: 0 autonomous, 1 explicit assert, 2 asynchronous. */
    private static final int AUTONOMOUS = 1;
    private static final int ASSERT = 1 << 1;
    private static final int ASYNC = 1 << 2;
    private static final int DEASSERT = 0;
    /** Domain attributes: 31 async, 30 notifications, 29 extended name. */
    private static final int ATTR_ASYNC = 1 << 31;
    private static final int ATTR_NOTIFY = 1 << 30;
    private static final int ATTR_EXTENDED_NAME = 1 << 29;
    private static final int COLD = 0;
    private static final int VENDOR_ONE = 0x8000_0001;

    private static final String BOARD = """
            {
              "resetDomains": [
                { "name": "rtc_rst", "latencyUs": 10, "asserted": true },
                { "name": "gpu_rst", "delayMs": 50, "asynchronous": true },
                { "name": "dsp_subsystem_reset", "key": "dsp", "latencyUs": 2000, "vendorStates": [1] }
              ]
            }
            """;
    private static final int RTC = 0;
    private static final int GPU = 1;
    private static final int DSP = 2;
    private static final int DOMAINS = 3;
    private static final String DSP_NAME = "dsp_subsystem_reset";
    private static final int[] NOT_IMPLEMENTED = {NEGOTIATE_PROTOCOL_VERSION, 0x7, 0x80};

    private static final int ONE_WORD_REPLY = RESPONSE_PREFIX + 4;
    private static final int ATTRIBUTES_REPLY = RESPONSE_PREFIX + 8 + SHORT_NAME;
    private static final int STATUS_ONLY = RESPONSE_PREFIX;
    private static final byte[] NOTHING = new byte[0];

    @Override
    String board() {
        return BOARD;
    }

    @Test
    void versionAttributesAndNames() throws Exception {
        a.call(RESET, PROTOCOL_VERSION, ONE_WORD_REPLY).assertValues(Le.words(VERSION));
        a.call(RESET, PROTOCOL_ATTRIBUTES, ONE_WORD_REPLY).assertValues(Le.words(DOMAINS));
        for (int message = PROTOCOL_VERSION; message <= DOMAIN_NAME_GET; message++) {
            a.call(RESET, PROTOCOL_MESSAGE_ATTRIBUTES, ONE_WORD_REPLY, message).assertValues(Le.words(0));
        }
        for (int message : NOT_IMPLEMENTED) {
            a.call(RESET, PROTOCOL_MESSAGE_ATTRIBUTES, ONE_WORD_REPLY, message).assertStatus(ScmiStatus.NOT_FOUND);
        }
        a.call(RESET, NEGOTIATE_PROTOCOL_VERSION, STATUS_ONLY, VERSION).assertStatus(ScmiStatus.NOT_FOUND);
        a.call(RESET, PROTOCOL_ATTRIBUTES, ONE_WORD_REPLY, 0).assertStatus(ScmiStatus.PROTOCOL_ERROR);
        a.call(RESET, DOMAIN_ATTRIBUTES, ATTRIBUTES_REPLY).assertStatus(ScmiStatus.PROTOCOL_ERROR);
        a.call(RESET, DOMAIN_NAME_GET, LINUX_RESPONSE_BUFFER, DSP, 0).assertStatus(ScmiStatus.PROTOCOL_ERROR);
        a.call(RESET, DOMAIN_ATTRIBUTES, ATTRIBUTES_REPLY, RTC)
                .assertValues(Le.words(ATTR_NOTIFY, 10).name("rtc_rst", SHORT_NAME));
        a.call(RESET, DOMAIN_ATTRIBUTES, ATTRIBUTES_REPLY, GPU)
                .assertValues(Le.words(ATTR_ASYNC | ATTR_NOTIFY, -1).name("gpu_rst", SHORT_NAME));
        a.call(RESET, DOMAIN_ATTRIBUTES, ATTRIBUTES_REPLY, DSP).assertValues(Le.words(ATTR_NOTIFY | ATTR_EXTENDED_NAME,
                2000).name(Scmi.shortName(DSP_NAME), SHORT_NAME));
        a.call(RESET, DOMAIN_ATTRIBUTES, ATTRIBUTES_REPLY, DOMAINS).assertStatus(ScmiStatus.NOT_FOUND);
        a.call(RESET, DOMAIN_NAME_GET, RESPONSE_PREFIX + 4 + EXTENDED_NAME, DSP)
                .assertValues(Le.words(0).name(DSP_NAME, EXTENDED_NAME));
        a.call(RESET, DOMAIN_NAME_GET, LINUX_RESPONSE_BUFFER, DOMAINS).assertStatus(ScmiStatus.NOT_FOUND);

        b.close();
        b = server.connectBWithoutEventQueue();
        b.call(RESET, DOMAIN_ATTRIBUTES, ATTRIBUTES_REPLY, GPU).assertValues(Le.words(0, -1).name("gpu_rst", SHORT_NAME));
        assertNoNotifyCommands(b, RESET, GPU, RESET_NOTIFY);
        b.call(RESET, RESET_COMMAND, STATUS_ONLY, GPU, AUTONOMOUS | ASYNC, COLD).assertStatus(ScmiStatus.NOT_SUPPORTED);
    }

    @Test
    void resetErrors() throws Exception {
        a.call(RESET, RESET_COMMAND, STATUS_ONLY, DOMAINS, AUTONOMOUS, COLD).assertStatus(ScmiStatus.NOT_FOUND);
        a.call(RESET, RESET_COMMAND, STATUS_ONLY, RTC, 0xF8, COLD).assertStatus(ScmiStatus.INVALID_PARAMETERS);
        a.call(RESET, RESET_COMMAND, STATUS_ONLY, GPU, ASYNC, COLD).assertStatus(ScmiStatus.INVALID_PARAMETERS);
        a.call(RESET, RESET_COMMAND, STATUS_ONLY, RTC, DEASSERT, 0xFF).assertStatus(ScmiStatus.INVALID_PARAMETERS);
        a.call(RESET, RESET_COMMAND, STATUS_ONLY, RTC, AUTONOMOUS, VENDOR_ONE).assertStatus(ScmiStatus.NOT_SUPPORTED);
        a.call(RESET, RESET_COMMAND, STATUS_ONLY, RTC, AUTONOMOUS | ASYNC, COLD).assertStatus(ScmiStatus.NOT_SUPPORTED);
        a.call(RESET, RESET_COMMAND, STATUS_ONLY, RTC, AUTONOMOUS).assertStatus(ScmiStatus.PROTOCOL_ERROR);
        a.call(RESET, RESET_COMMAND, STATUS_ONLY, DSP, AUTONOMOUS, VENDOR_ONE).assertValues(NOTHING);
        assertNotifyErrors(a, RESET, DOMAINS, RTC, RESET_NOTIFY);
    }

    /** Only the subscribed guest hears of resets, the other guest's and the platform's, each with its agent id. */
    @Test
    void resetIssuedReachesOnlyTheSubscribedGuest() throws Exception {
        b.call(RESET, RESET_NOTIFY, STATUS_ONLY, RTC, 1).assertValues(NOTHING);
        a.call(RESET, RESET_COMMAND, STATUS_ONLY, RTC, DEASSERT, COLD).assertValues(NOTHING);
        a.call(RESET, RESET_COMMAND, STATUS_ONLY, RTC, ASSERT, COLD).assertValues(NOTHING);
        b.awaitEvent(Le.words(Scmi.notificationHeader(RESET, RESET_ISSUED), AGENT_A, RTC, COLD));
        a.call(RESET, RESET_COMMAND, STATUS_ONLY, RTC, AUTONOMOUS, COLD).assertValues(NOTHING);
        b.awaitEvent(Le.words(Scmi.notificationHeader(RESET, RESET_ISSUED), AGENT_A, RTC, COLD));
        server.admin("resetDomain rtc_rst");
        b.awaitEvent(Le.words(Scmi.notificationHeader(RESET, RESET_ISSUED), 0, RTC, COLD));
        a.assertNoEvent();
        b.assertNoEvent();
    }

    /** The requester gets RESET_COMPLETE, the subscribed guest RESET_ISSUED; nobody gets both. */
    @Test
    void asynchronousResetCompletesWithADelayedResponse() throws Exception {
        b.call(RESET, RESET_NOTIFY, STATUS_ONLY, GPU, 1).assertValues(NOTHING);
        Response accepted = a.call(RESET, RESET_COMMAND, LINUX_RESPONSE_BUFFER, GPU, AUTONOMOUS | ASYNC, COLD);
        accepted.assertValues(NOTHING);
        a.awaitEvent(Le.words(Scmi.delayedResponseHeader(accepted.commandHeader()), ScmiStatus.SUCCESS.code(), GPU));
        b.awaitEvent(Le.words(Scmi.notificationHeader(RESET, RESET_ISSUED), AGENT_A, GPU, COLD));
        a.assertNoEvent();
        b.assertNoEvent();
    }

    /**
     * A line is asserted while any guest holds it; another guest's autonomous reset of a held line
     * succeeds without pulsing it; BASE_RESET_AGENT_CONFIGURATION ends a guest's hold.
     */
    @Test
    void twoGuestsShareALine() throws Exception {
        long resets = line("dsp").resets();
        a.call(RESET, RESET_COMMAND, STATUS_ONLY, DSP, ASSERT, COLD).assertValues(NOTHING);
        assertEquals(new Line(true, resets), line("dsp"));
        b.call(RESET, RESET_COMMAND, STATUS_ONLY, DSP, AUTONOMOUS, COLD).assertValues(NOTHING);
        b.call(RESET, RESET_COMMAND, STATUS_ONLY, DSP, DEASSERT, COLD).assertValues(NOTHING);
        assertEquals(new Line(true, resets), line("dsp"), "held by guest a: no pulse, still asserted");
        b.call(RESET, RESET_COMMAND, STATUS_ONLY, DSP, ASSERT, COLD).assertValues(NOTHING);
        a.call(RESET, RESET_COMMAND, STATUS_ONLY, DSP, DEASSERT, COLD).assertValues(NOTHING);
        assertEquals(new Line(true, resets), line("dsp"), "now held by guest b");
        BoardServer.resetAndClose(b, AGENT_B);
        b = server.connectB();
        assertEquals(new Line(false, resets), line("dsp"), "guest b's reset ended its hold");
        a.call(RESET, RESET_COMMAND, STATUS_ONLY, DSP, AUTONOMOUS, COLD).assertValues(NOTHING);
        assertEquals(new Line(false, resets + 1), line("dsp"), "nobody holds it: the line went through a reset");
    }

    /** A simulated line as the board's shell lists it. */
    private record Line(boolean asserted, long resets) {
    }

    /** The row of {@code key} in the shell's 'resetDomains': KEY NAME ASSERTED RESETS LATENCY ASYNC DELAY. */
    private Line line(String key) throws Exception {
        String table = server.admin("resetDomains");
        List<String> row = table.lines().map(text -> List.of(text.trim().split(" +")))
                .filter(columns -> columns.getFirst().equals(key)).findFirst()
                .orElseThrow(() -> new AssertionError("no line " + key + " in " + table));
        return new Line(row.get(2).equals("yes"), Long.parseLong(row.get(3)));
    }
}
