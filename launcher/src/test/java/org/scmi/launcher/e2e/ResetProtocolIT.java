package org.scmi.launcher.e2e;

import static org.scmi.launcher.e2e.BoardServer.AGENT_A;
import static org.scmi.launcher.e2e.Scmi.EXTENDED_NAME;
import static org.scmi.launcher.e2e.Scmi.LINUX_RESPONSE_BUFFER;
import static org.scmi.launcher.e2e.Scmi.PROTOCOL_ATTRIBUTES;
import static org.scmi.launcher.e2e.Scmi.PROTOCOL_MESSAGE_ATTRIBUTES;
import static org.scmi.launcher.e2e.Scmi.PROTOCOL_VERSION;
import static org.scmi.launcher.e2e.Scmi.RESPONSE_PREFIX;
import static org.scmi.launcher.e2e.Scmi.SHORT_NAME;

import org.junit.jupiter.api.Test;
import org.scmi.api.ScmiStatus;

/**
 * The Reset domain management protocol (0x16, v3.1) through the running server, with two guests:
 * every message with its errors byte for byte, RESET_ISSUED on the eventq of exactly the subscribed
 * guest for resets by a guest and by the platform (the shell), and the RESET_COMPLETE delayed
 * response of an asynchronous reset.
 */
class ResetProtocolIT extends TwoGuests {
    static final int RESET = 0x16;
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
        for (int message = DOMAIN_ATTRIBUTES; message <= DOMAIN_NAME_GET; message++) {
            a.call(RESET, PROTOCOL_MESSAGE_ATTRIBUTES, ONE_WORD_REPLY, message).assertValues(Le.words(0));
        }
        a.call(RESET, PROTOCOL_MESSAGE_ATTRIBUTES, ONE_WORD_REPLY, 0x7).assertStatus(ScmiStatus.NOT_FOUND);
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

    @Test
    void asynchronousResetCompletesWithADelayedResponse() throws Exception {
        Response accepted = a.call(RESET, RESET_COMMAND, LINUX_RESPONSE_BUFFER, GPU, AUTONOMOUS | ASYNC, COLD);
        accepted.assertValues(NOTHING);
        a.awaitEvent(Le.words(Scmi.delayedResponseHeader(accepted.commandHeader()), ScmiStatus.SUCCESS.code(), GPU));
        b.assertNoEvent();
    }
}
