package org.scmi.launcher.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.scmi.launcher.e2e.Scmi.AGENT_CALLER;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Agent profiles changed from the shell while both guests are connected, on a server that started
 * without any: a change that does not hold changes nothing for any guest, connected or
 * reconnecting; one that holds reaches its guest at its next connection, which is served at once.
 */
class LiveProfileChangeIT extends TwoGuests {
    private static final String BOARD = """
            {
              "powerDomains": [
                { "name": "gpu_pd", "state": "on" },
                { "name": "dsp_pd", "state": "off" }
              ]
            }
            """;
    private static final String PROFILE_B = "org.scmi.agent~guest-b";
    private static final Duration LOG_WAIT = Duration.ofSeconds(10);

    @Override
    String board() {
        return BOARD;
    }

    @Test
    void aProfileThatDoesNotHoldRefusesNoGuestAndRestrictsNothing() throws Exception {
        try {
            int logged = server.process().output().size();
            server.admin("configSet " + PROFILE_B + " powerDomains dsp_pd no_such_pd");
            awaitLog(logged, "agent profile " + PROFILE_B + " rejected: " + PROFILE_B + ": powerDomains: the board "
                    + "has no power domain 'no_such_pd'", "guests with its name are served as before until it is fixed");
            assertEquals(List.of("gpu_pd", "dsp_pd"), Views.powerDomains(b), "the connected guest");
            b.close();
            b = server.connectB();
            assertEquals(List.of("gpu_pd", "dsp_pd"), Views.powerDomains(b), "the guest reconnecting at once");
            assertEquals("2 guest-b", Views.agent(b, AGENT_CALLER));
            a.close();
            a = server.connectA();
            assertEquals(List.of("gpu_pd", "dsp_pd"), Views.powerDomains(a),
                    "a rejected profile does not restrict the platform for the other guest either");
        } finally {
            withdraw();
        }
    }

    @Test
    void aProfileThatHoldsReachesItsGuestAtItsNextConnectionWhichIsServedAtOnce() throws Exception {
        try {
            int logged = server.process().output().size();
            server.admin("configSet " + PROFILE_B + " powerDomains dsp_pd");
            awaitLog(logged, "agent profile " + PROFILE_B + " in force");
            assertEquals(List.of("gpu_pd", "dsp_pd"), Views.powerDomains(b), "not while the guest is connected");
            b.close();
            b = server.connectB();
            assertEquals(List.of("dsp_pd"), Views.powerDomains(b), "its profile, from its first connection after");
            assertTrue(server.admin("guests").contains("guest-b"), server.admin("guests"));
        } finally {
            withdraw();
        }
    }

    /** Deletes guest B's profile and connects B again, as agent 2 with the whole board. */
    private void withdraw() throws Exception {
        int logged = server.process().output().size();
        server.admin("configDelete " + PROFILE_B);
        long deadline = System.nanoTime() + LOG_WAIT.toNanos();
        while (server.admin("profiles").contains(PROFILE_B)) {
            assertTrue(System.nanoTime() < deadline, "the profile was never withdrawn");
            Thread.sleep(50);
        }
        b.close();
        b = server.connectB();
        assertEquals("2 guest-b", Views.agent(b, AGENT_CALLER), String.join("\n",
                server.process().output().subList(logged, server.process().output().size())));
    }

    /** Waits for a log line printed after the first {@code skipped} lines that holds every one of {@code texts}. */
    private void awaitLog(int skipped, String... texts) {
        assertTrue(server.process().awaitLine(skipped, line -> List.of(texts).stream().allMatch(line::contains),
                LOG_WAIT), "no log line with " + List.of(texts) + ":\n" + String.join("\n", server.process().output()));
    }
}
