package org.scmi.launcher.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.scmi.launcher.e2e.Scmi.NEGOTIATE_PROTOCOL_VERSION;
import static org.scmi.launcher.e2e.Scmi.PROTOCOL_ATTRIBUTES;
import static org.scmi.launcher.e2e.Scmi.PROTOCOL_MESSAGE_ATTRIBUTES;
import static org.scmi.launcher.e2e.Scmi.PROTOCOL_VERSION;
import static org.scmi.launcher.e2e.Scmi.RESPONSE_PREFIX;
import static org.scmi.launcher.e2e.Scmi.SYSTEM;

import org.junit.jupiter.api.Test;
import org.scmi.api.ScmiStatus;

/**
 * The System power management protocol (0x12, v2.1) through the running server, with two guests:
 * every message with its errors byte for byte; a guest's own SYSTEM_POWER_STATE_SET is denied (no
 * agent is trusted) and shows in the shell's record; the administrator's request from the shell
 * reaches exactly the subscribed guest as SYSTEM_POWER_STATE_NOTIFIER, and the shell says who was told.
 */
class SystemPowerProtocolIT extends TwoGuests {
    private static final int VERSION = 0x2_0001;
    private static final int STATE_SET = 0x3;
    private static final int STATE_GET = 0x4;
    private static final int STATE_NOTIFY = 0x5;
    private static final int STATE_NOTIFIER = 0x0;
    /** PROTOCOL_MESSAGE_ATTRIBUTES of SYSTEM_POWER_STATE_SET: 31 warm reset, 30 suspend. */
    private static final int WARM_RESET_AND_SUSPEND = 1 << 31 | 1 << 30;
    private static final int GRACEFUL = 1;
    private static final int FORCEFUL = 0;
    private static final int SHUTDOWN = 0;
    private static final int COLD_RESET = 1;
    private static final int POWER_UP = 3;
    private static final int TIMEOUT_MS = 20_000;
    private static final int[] NOT_IMPLEMENTED = {NEGOTIATE_PROTOCOL_VERSION, 0x6, 0x80};

    private static final String BOARD = """
            { "systemPower": { "transitions": ["shutdown", "cold-reset", "warm-reset", "suspend"] } }
            """;
    private static final int ONE_WORD_REPLY = RESPONSE_PREFIX + 4;
    private static final int STATUS_ONLY = RESPONSE_PREFIX;
    private static final byte[] NOTHING = new byte[0];

    @Override
    String board() {
        return BOARD;
    }

    @Test
    void versionAttributesAndState() throws Exception {
        a.call(SYSTEM, PROTOCOL_VERSION, ONE_WORD_REPLY).assertValues(Le.words(VERSION));
        a.call(SYSTEM, PROTOCOL_ATTRIBUTES, ONE_WORD_REPLY).assertValues(Le.words(0));
        for (int message = PROTOCOL_VERSION; message <= PROTOCOL_MESSAGE_ATTRIBUTES; message++) {
            a.call(SYSTEM, PROTOCOL_MESSAGE_ATTRIBUTES, ONE_WORD_REPLY, message).assertValues(Le.words(0));
        }
        a.call(SYSTEM, PROTOCOL_MESSAGE_ATTRIBUTES, ONE_WORD_REPLY, STATE_SET)
                .assertValues(Le.words(WARM_RESET_AND_SUSPEND));
        a.call(SYSTEM, PROTOCOL_MESSAGE_ATTRIBUTES, ONE_WORD_REPLY, STATE_GET).assertValues(Le.words(0));
        a.call(SYSTEM, PROTOCOL_MESSAGE_ATTRIBUTES, ONE_WORD_REPLY, STATE_NOTIFY).assertValues(Le.words(0));
        for (int message : NOT_IMPLEMENTED) {
            a.call(SYSTEM, PROTOCOL_MESSAGE_ATTRIBUTES, ONE_WORD_REPLY, message).assertStatus(ScmiStatus.NOT_FOUND);
        }
        a.call(SYSTEM, NEGOTIATE_PROTOCOL_VERSION, STATUS_ONLY, VERSION).assertStatus(ScmiStatus.NOT_FOUND);
        a.call(SYSTEM, STATE_GET, ONE_WORD_REPLY).assertValues(Le.words(POWER_UP));
        a.call(SYSTEM, STATE_NOTIFY, STATUS_ONLY, 0xF).assertStatus(ScmiStatus.INVALID_PARAMETERS);
        a.call(SYSTEM, STATE_NOTIFY, STATUS_ONLY).assertStatus(ScmiStatus.PROTOCOL_ERROR);
        a.call(SYSTEM, STATE_GET, ONE_WORD_REPLY, 0).assertStatus(ScmiStatus.PROTOCOL_ERROR);
        a.call(SYSTEM, PROTOCOL_ATTRIBUTES, ONE_WORD_REPLY, 0).assertStatus(ScmiStatus.PROTOCOL_ERROR);
        b.close();
        b = server.connectBWithoutEventQueue();
        assertNoNotifyCommands(b, SYSTEM, 1);
        b.call(SYSTEM, STATE_NOTIFY, STATUS_ONLY, 1).assertStatus(ScmiStatus.NOT_FOUND);
    }

    /** Flags and states first, then POWER_UP, then trust: no agent is trusted with the whole board. */
    @Test
    void aGuestCannotPowerTheBoardOffAndTheAdministratorSeesItAsked() throws Exception {
        a.call(SYSTEM, STATE_SET, STATUS_ONLY, GRACEFUL).assertStatus(ScmiStatus.PROTOCOL_ERROR);
        a.call(SYSTEM, STATE_SET, STATUS_ONLY, 0xF, COLD_RESET).assertStatus(ScmiStatus.INVALID_PARAMETERS);
        a.call(SYSTEM, STATE_SET, STATUS_ONLY, GRACEFUL, 5).assertStatus(ScmiStatus.INVALID_PARAMETERS);
        a.call(SYSTEM, STATE_SET, STATUS_ONLY, GRACEFUL, POWER_UP).assertStatus(ScmiStatus.NOT_SUPPORTED);
        b.call(SYSTEM, STATE_NOTIFY, STATUS_ONLY, 1).assertValues(NOTHING);
        a.call(SYSTEM, STATE_SET, STATUS_ONLY, FORCEFUL, SHUTDOWN).assertStatus(ScmiStatus.DENIED);
        b.assertNoEvent();
        String shown = server.admin("systemPower");
        assertTrue(shown.contains("agent 1 (guest-a) asked for shutdown (forceful): DENIED"), shown);
    }

    @Test
    void theAdministratorsRequestReachesOnlyTheSubscribedGuest() throws Exception {
        b.call(SYSTEM, STATE_NOTIFY, STATUS_ONLY, 1).assertValues(NOTHING);
        String listeners = server.admin("systemPower");
        assertTrue(listeners.lines().anyMatch(line -> line.matches("1 +guest-a +no")), listeners);
        assertTrue(listeners.lines().anyMatch(line -> line.matches("2 +guest-b +yes")), listeners);
        String answer = server.admin("systemPower -t " + TIMEOUT_MS + " shutdown graceful all");
        assertTrue(answer.contains("shutdown (graceful) sent to 1 of 2 guests: guest-a (agent 1) not subscribed "
                + "to SYSTEM_POWER_STATE_NOTIFIER, guest-b (agent 2) notified"), answer);
        b.awaitEvent(Le.words(Scmi.notificationHeader(SYSTEM, STATE_NOTIFIER), 0, GRACEFUL, SHUTDOWN, TIMEOUT_MS));
        a.assertNoEvent();
        answer = server.admin("systemPower reboot forceful guest-b");
        assertTrue(answer.startsWith("cold-reset (forceful) sent to 1 of 1 guests"), answer);
        b.awaitEvent(Le.words(Scmi.notificationHeader(SYSTEM, STATE_NOTIFIER), 0, FORCEFUL, COLD_RESET, 0));
        b.call(SYSTEM, STATE_NOTIFY, STATUS_ONLY, 0).assertValues(NOTHING);
        answer = server.admin("systemPower suspend graceful 2");
        assertTrue(answer.startsWith("suspend (graceful) sent to 0 of 1 guests"), answer);
        b.assertNoEvent();
        assertEquals("no guest nobody; type 'guests' or 'systemPower' to list them\n",
                server.admin("systemPower shutdown graceful nobody").lines().findFirst().orElse("") + "\n");
    }
}
