package org.scmi.launcher.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.scmi.launcher.e2e.BoardServer.AGENT_A;
import static org.scmi.launcher.e2e.BoardServer.AGENT_B;
import static org.scmi.launcher.e2e.Scmi.EXTENDED_NAME;
import static org.scmi.launcher.e2e.Scmi.LINUX_RESPONSE_BUFFER;
import static org.scmi.launcher.e2e.Scmi.NEGOTIATE_PROTOCOL_VERSION;
import static org.scmi.launcher.e2e.Scmi.NOTIFY_OFF;
import static org.scmi.launcher.e2e.Scmi.NOTIFY_ON;
import static org.scmi.launcher.e2e.Scmi.POWER;
import static org.scmi.launcher.e2e.Scmi.POWER_ASYNC_SET;
import static org.scmi.launcher.e2e.Scmi.POWER_CHANGE_REQUESTED_NOTIFICATIONS;
import static org.scmi.launcher.e2e.Scmi.POWER_DOMAIN_ATTRIBUTES;
import static org.scmi.launcher.e2e.Scmi.POWER_DOMAIN_NAME_GET;
import static org.scmi.launcher.e2e.Scmi.POWER_EXTENDED_NAME;
import static org.scmi.launcher.e2e.Scmi.POWER_OFF;
import static org.scmi.launcher.e2e.Scmi.POWER_ON;
import static org.scmi.launcher.e2e.Scmi.POWER_SET_ASYNC;
import static org.scmi.launcher.e2e.Scmi.POWER_STATE_CHANGED;
import static org.scmi.launcher.e2e.Scmi.POWER_STATE_CHANGE_REQUESTED;
import static org.scmi.launcher.e2e.Scmi.POWER_STATE_CHANGE_REQUESTED_NOTIFY;
import static org.scmi.launcher.e2e.Scmi.POWER_STATE_GET;
import static org.scmi.launcher.e2e.Scmi.POWER_STATE_NOTIFICATIONS;
import static org.scmi.launcher.e2e.Scmi.POWER_STATE_NOTIFY;
import static org.scmi.launcher.e2e.Scmi.POWER_STATE_SET;
import static org.scmi.launcher.e2e.Scmi.POWER_SYNC_SET;
import static org.scmi.launcher.e2e.Scmi.PROTOCOL_ATTRIBUTES;
import static org.scmi.launcher.e2e.Scmi.PROTOCOL_MESSAGE_ATTRIBUTES;
import static org.scmi.launcher.e2e.Scmi.PROTOCOL_VERSION;
import static org.scmi.launcher.e2e.Scmi.RESPONSE_PREFIX;
import static org.scmi.launcher.e2e.Scmi.SHORT_NAME;

import org.junit.jupiter.api.Test;
import org.scmi.api.ScmiStatus;

/**
 * The whole Power domain management protocol (0x11, v3.1) through the running server, with two
 * guests: every message with its errors, byte for byte; POWER_STATE_CHANGED and
 * POWER_STATE_CHANGE_REQUESTED on the eventq of exactly the subscribed guests, for changes by a
 * guest (synchronous and asynchronous) and by the platform; the asynchronous POWER_STATE_SET,
 * which has no delayed response, completing with POWER_STATE_CHANGED.
 */
class PowerProtocolIT extends TwoGuests {
    private static final int VERSION = 0x3_0001;
    /** A retention state of the third domain: context kept (bit 30 clear), state id 1. */
    private static final int RETENTION = 0x0000_0001;
    /** Domain 0 on and 1 off, both set either way; 2 only asynchronously, 3 only synchronously. */
    private static final String BOARD = """
            {
              "powerDomains": [
                { "name": "gpu_pd", "state": "on" },
                { "name": "vpu_pd", "state": "off", "delayMs": 20 },
                { "name": "display_controller_pd", "states": ["on", "0x1", "off"], "state": "on",
                  "synchronous": false },
                { "name": "dsp_pd", "state": "off", "asynchronous": false }
              ]
            }
            """;
    private static final int GPU = 0;
    private static final String GPU_NAME = "gpu_pd";
    private static final int VPU = 1;
    private static final String VPU_NAME = "vpu_pd";
    private static final int DISPLAY = 2;
    private static final String DISPLAY_NAME = "display_controller_pd";
    private static final int DSP = 3;
    private static final String DSP_NAME = "dsp_pd";
    private static final int DOMAINS = 4;

    /** Messages of the protocol, answered; and ids that are none (NEGOTIATE is not offered: one version). */
    private static final int[] IMPLEMENTED = {PROTOCOL_VERSION, PROTOCOL_ATTRIBUTES, PROTOCOL_MESSAGE_ATTRIBUTES,
        POWER_DOMAIN_ATTRIBUTES, POWER_STATE_SET, POWER_STATE_GET, POWER_STATE_NOTIFY,
        POWER_STATE_CHANGE_REQUESTED_NOTIFY, POWER_DOMAIN_NAME_GET};
    private static final int[] NOT_IMPLEMENTED = {0x9, 0xF, NEGOTIATE_PROTOCOL_VERSION, 0x11};

    private static final int ONE_WORD_REPLY = RESPONSE_PREFIX + 4;
    private static final int ATTRIBUTES_REPLY = RESPONSE_PREFIX + 4 + SHORT_NAME;
    private static final int NAME_REPLY = RESPONSE_PREFIX + 4 + EXTENDED_NAME;
    private static final int STATUS_ONLY = RESPONSE_PREFIX;
    private static final byte[] NOTHING = new byte[0];

    @Override
    String board() {
        return BOARD;
    }

    @Test
    void versionAttributesAndMessageAttributes() throws Exception {
        a.call(POWER, PROTOCOL_VERSION, ONE_WORD_REPLY).assertValues(Le.words(VERSION));
        // Domains, then no statistics region: address low, high, length.
        a.call(POWER, PROTOCOL_ATTRIBUTES, RESPONSE_PREFIX + 16).assertValues(Le.words(DOMAINS, 0, 0, 0));
        for (int message : IMPLEMENTED) {
            a.call(POWER, PROTOCOL_MESSAGE_ATTRIBUTES, ONE_WORD_REPLY, message).assertValues(Le.words(0));
        }
        for (int message : NOT_IMPLEMENTED) {
            a.call(POWER, PROTOCOL_MESSAGE_ATTRIBUTES, ONE_WORD_REPLY, message).assertStatus(ScmiStatus.NOT_FOUND);
        }
        a.call(POWER, NEGOTIATE_PROTOCOL_VERSION, STATUS_ONLY, VERSION).assertStatus(ScmiStatus.NOT_FOUND);
        a.call(POWER, PROTOCOL_ATTRIBUTES, RESPONSE_PREFIX + 16, 0).assertStatus(ScmiStatus.PROTOCOL_ERROR);
    }

    @Test
    void domainAttributesAndNames() throws Exception {
        int notifications = POWER_STATE_NOTIFICATIONS | POWER_CHANGE_REQUESTED_NOTIFICATIONS;
        a.call(POWER, POWER_DOMAIN_ATTRIBUTES, ATTRIBUTES_REPLY, GPU).assertValues(
                Le.words(notifications | POWER_ASYNC_SET | POWER_SYNC_SET).name(GPU_NAME, SHORT_NAME));
        a.call(POWER, POWER_DOMAIN_ATTRIBUTES, ATTRIBUTES_REPLY, VPU).assertValues(
                Le.words(notifications | POWER_ASYNC_SET | POWER_SYNC_SET).name(VPU_NAME, SHORT_NAME));
        a.call(POWER, POWER_DOMAIN_ATTRIBUTES, ATTRIBUTES_REPLY, DISPLAY).assertValues(
                Le.words(notifications | POWER_ASYNC_SET | POWER_EXTENDED_NAME)
                        .name(Scmi.shortName(DISPLAY_NAME), SHORT_NAME));
        a.call(POWER, POWER_DOMAIN_ATTRIBUTES, ATTRIBUTES_REPLY, DSP).assertValues(
                Le.words(notifications | POWER_SYNC_SET).name(DSP_NAME, SHORT_NAME));
        a.call(POWER, POWER_DOMAIN_ATTRIBUTES, ATTRIBUTES_REPLY, DOMAINS).assertStatus(ScmiStatus.NOT_FOUND);
        a.call(POWER, POWER_DOMAIN_ATTRIBUTES, ATTRIBUTES_REPLY, 0xFFFF_FFFF).assertStatus(ScmiStatus.NOT_FOUND);

        a.call(POWER, POWER_DOMAIN_NAME_GET, NAME_REPLY, DISPLAY)
                .assertValues(Le.words(0).name(DISPLAY_NAME, EXTENDED_NAME));
        a.call(POWER, POWER_DOMAIN_NAME_GET, NAME_REPLY, GPU).assertValues(Le.words(0).name(GPU_NAME, EXTENDED_NAME));
        a.call(POWER, POWER_DOMAIN_NAME_GET, NAME_REPLY, DOMAINS).assertStatus(ScmiStatus.NOT_FOUND);
    }

    @Test
    void statesAsTheBoardFileSetsThem() throws Exception {
        a.call(POWER, POWER_STATE_GET, ONE_WORD_REPLY, GPU).assertValues(Le.words(POWER_ON));
        a.call(POWER, POWER_STATE_GET, ONE_WORD_REPLY, VPU).assertValues(Le.words(POWER_OFF));
        a.call(POWER, POWER_STATE_GET, ONE_WORD_REPLY, DISPLAY).assertValues(Le.words(POWER_ON));
        a.call(POWER, POWER_STATE_GET, ONE_WORD_REPLY, DSP).assertValues(Le.words(POWER_OFF));
        a.call(POWER, POWER_STATE_GET, ONE_WORD_REPLY, DOMAINS).assertStatus(ScmiStatus.NOT_FOUND);
    }

    /**
     * Guest b switches a domain off: subscribed guest a hears of the request and of the change,
     * naming b; b, not subscribed, hears nothing. Then a switches it on again: each guest reads
     * back its own vote.
     */
    @Test
    void synchronousChangesAreNotifiedToTheSubscriberOnly() throws Exception {
        a.call(POWER, POWER_STATE_NOTIFY, STATUS_ONLY, GPU, NOTIFY_ON).assertValues(NOTHING);
        a.call(POWER, POWER_STATE_CHANGE_REQUESTED_NOTIFY, STATUS_ONLY, GPU, NOTIFY_ON).assertValues(NOTHING);

        b.call(POWER, POWER_STATE_SET, STATUS_ONLY, 0, GPU, POWER_OFF).assertValues(NOTHING);
        a.awaitEvent(notification(POWER_STATE_CHANGE_REQUESTED, AGENT_B, GPU, POWER_OFF));
        a.awaitEvent(notification(POWER_STATE_CHANGED, AGENT_B, GPU, POWER_OFF));
        b.assertNoEvent();
        a.call(POWER, POWER_STATE_GET, ONE_WORD_REPLY, GPU).assertValues(Le.words(POWER_OFF));

        a.call(POWER, POWER_STATE_SET, STATUS_ONLY, 0, GPU, POWER_ON).assertValues(NOTHING);
        a.awaitEvent(notification(POWER_STATE_CHANGE_REQUESTED, AGENT_A, GPU, POWER_ON));
        a.awaitEvent(notification(POWER_STATE_CHANGED, AGENT_A, GPU, POWER_ON));
        b.assertNoEvent();
        a.call(POWER, POWER_STATE_GET, ONE_WORD_REPLY, GPU).assertValues(Le.words(POWER_ON));
        b.call(POWER, POWER_STATE_GET, ONE_WORD_REPLY, GPU).assertValues(Le.words(POWER_OFF));

        // Unsubscribed: b's next change reaches nobody.
        a.call(POWER, POWER_STATE_NOTIFY, STATUS_ONLY, GPU, NOTIFY_OFF).assertValues(NOTHING);
        a.call(POWER, POWER_STATE_CHANGE_REQUESTED_NOTIFY, STATUS_ONLY, GPU, NOTIFY_OFF).assertValues(NOTHING);
        b.call(POWER, POWER_STATE_SET, STATUS_ONLY, 0, GPU, POWER_ON).assertValues(NOTHING);
        a.assertNoEvent();
        b.assertNoEvent();
    }

    /**
     * An asynchronous POWER_STATE_SET is answered at once with SUCCESS alone; the protocol has no
     * delayed response, so it completes with POWER_STATE_CHANGED to the subscribers: the
     * requester and every other subscribed guest.
     */
    @Test
    void asynchronousSetCompletesWithPowerStateChanged() throws Exception {
        a.call(POWER, POWER_STATE_NOTIFY, STATUS_ONLY, VPU, NOTIFY_ON).assertValues(NOTHING);
        b.call(POWER, POWER_STATE_NOTIFY, STATUS_ONLY, VPU, NOTIFY_ON).assertValues(NOTHING);

        a.call(POWER, POWER_STATE_SET, STATUS_ONLY, POWER_SET_ASYNC, VPU, POWER_ON).assertValues(NOTHING);
        a.awaitEvent(notification(POWER_STATE_CHANGED, AGENT_A, VPU, POWER_ON));
        b.awaitEvent(notification(POWER_STATE_CHANGED, AGENT_A, VPU, POWER_ON));
        a.call(POWER, POWER_STATE_GET, ONE_WORD_REPLY, VPU).assertValues(Le.words(POWER_ON));
        b.call(POWER, POWER_STATE_GET, ONE_WORD_REPLY, VPU).assertValues(Le.words(POWER_ON));

        // A domain set only asynchronously, into a state of its own.
        a.call(POWER, POWER_STATE_NOTIFY, STATUS_ONLY, DISPLAY, NOTIFY_ON).assertValues(NOTHING);
        a.call(POWER, POWER_STATE_SET, STATUS_ONLY, POWER_SET_ASYNC, DISPLAY, RETENTION).assertValues(NOTHING);
        a.awaitEvent(notification(POWER_STATE_CHANGED, AGENT_A, DISPLAY, RETENTION));
        a.call(POWER, POWER_STATE_GET, ONE_WORD_REPLY, DISPLAY).assertValues(Le.words(RETENTION));
        b.assertNoEvent();
    }

    /** The platform switching a domain itself: subscribers hear it from agent 0, every guest reads it. */
    @Test
    void platformChangesAreNotifiedFromAgentZero() throws Exception {
        a.call(POWER, POWER_STATE_NOTIFY, STATUS_ONLY, DSP, NOTIFY_ON).assertValues(NOTHING);
        try {
            assertEquals(DSP_NAME + " is now on\n", server.admin("powerState " + DSP_NAME + " on"));
            a.awaitEvent(notification(POWER_STATE_CHANGED, Scmi.AGENT_PLATFORM, DSP, POWER_ON));
            b.assertNoEvent();
            a.call(POWER, POWER_STATE_GET, ONE_WORD_REPLY, DSP).assertValues(Le.words(POWER_ON));
            b.call(POWER, POWER_STATE_GET, ONE_WORD_REPLY, DSP).assertValues(Le.words(POWER_ON));
        } finally {
            assertEquals(DSP_NAME + " is now off\n", server.admin("powerState " + DSP_NAME + " off"));
        }
        a.awaitEvent(notification(POWER_STATE_CHANGED, Scmi.AGENT_PLATFORM, DSP, POWER_OFF));
    }

    @Test
    void stateSetErrors() throws Exception {
        a.call(POWER, POWER_STATE_SET, STATUS_ONLY, 0, DOMAINS, POWER_OFF).assertStatus(ScmiStatus.NOT_FOUND);
        // Reserved flag bits, reserved state bits (31, 29, 28), a state the domain does not have.
        a.call(POWER, POWER_STATE_SET, STATUS_ONLY, 0x2, GPU, POWER_OFF).assertStatus(ScmiStatus.INVALID_PARAMETERS);
        a.call(POWER, POWER_STATE_SET, STATUS_ONLY, 0x8000_0000, GPU, POWER_OFF)
                .assertStatus(ScmiStatus.INVALID_PARAMETERS);
        a.call(POWER, POWER_STATE_SET, STATUS_ONLY, 0, GPU, 0x1000_0000).assertStatus(ScmiStatus.INVALID_PARAMETERS);
        a.call(POWER, POWER_STATE_SET, STATUS_ONLY, 0, GPU, RETENTION).assertStatus(ScmiStatus.INVALID_PARAMETERS);
        // A mode the domain does not offer.
        a.call(POWER, POWER_STATE_SET, STATUS_ONLY, 0, DISPLAY, POWER_OFF).assertStatus(ScmiStatus.NOT_SUPPORTED);
        a.call(POWER, POWER_STATE_SET, STATUS_ONLY, POWER_SET_ASYNC, DSP, POWER_ON)
                .assertStatus(ScmiStatus.NOT_SUPPORTED);
        a.call(POWER, POWER_STATE_SET, STATUS_ONLY, 0, GPU).assertStatus(ScmiStatus.PROTOCOL_ERROR);
        // Nothing changed.
        a.call(POWER, POWER_STATE_GET, ONE_WORD_REPLY, GPU).assertValues(Le.words(POWER_ON));
        a.call(POWER, POWER_STATE_GET, ONE_WORD_REPLY, DSP).assertValues(Le.words(POWER_OFF));
    }

    @Test
    void notifyErrors() throws Exception {
        assertNotifyErrors(a, POWER, DOMAINS, GPU, POWER_STATE_NOTIFY, POWER_STATE_CHANGE_REQUESTED_NOTIFY);
    }

    /**
     * A guest without VIRTIO_SCMI_F_P2A_CHANNELS is offered neither notifications nor asynchronous
     * sets: the attribute bits are clear, the notify commands do not exist, an async set is refused.
     */
    @Test
    void aGuestWithoutAnEventQueue() throws Exception {
        b.close();
        b = server.connectBWithoutEventQueue();
        b.call(POWER, POWER_DOMAIN_ATTRIBUTES, ATTRIBUTES_REPLY, GPU)
                .assertValues(Le.words(POWER_SYNC_SET).name(GPU_NAME, SHORT_NAME));
        b.call(POWER, POWER_DOMAIN_ATTRIBUTES, ATTRIBUTES_REPLY, DISPLAY)
                .assertValues(Le.words(POWER_EXTENDED_NAME).name(Scmi.shortName(DISPLAY_NAME), SHORT_NAME));
        assertNoNotifyCommands(b, POWER, GPU, POWER_STATE_NOTIFY, POWER_STATE_CHANGE_REQUESTED_NOTIFY);
        b.call(POWER, POWER_STATE_SET, STATUS_ONLY, POWER_SET_ASYNC, VPU, POWER_ON)
                .assertStatus(ScmiStatus.NOT_SUPPORTED);
    }

    private static Le notification(int notificationId, int agentId, int domainId, int state) {
        return Le.words(Scmi.notificationHeader(POWER, notificationId), agentId, domainId, state);
    }
}
