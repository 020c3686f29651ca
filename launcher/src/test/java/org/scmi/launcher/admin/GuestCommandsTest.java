package org.scmi.launcher.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.scmi.core.admin.GuestSessions;
import org.scmi.core.admin.GuestSessions.GuestSession;

class GuestCommandsTest {
    private static final long VERSION_1 = 1L << 32;
    private static final long P2A_CHANNELS = 1L;
    private static final long EVENT_IDX = 1L << 29;

    /** Guest sessions as a device backend reports them; disconnecting is recorded. */
    private static final class Backend implements GuestSessions {
        final List<GuestSession> sessions;
        final List<Integer> disconnected = new ArrayList<>();

        Backend(GuestSession... sessions) {
            this.sessions = List.of(sessions);
        }

        @Override
        public List<GuestSession> sessions() {
            return sessions;
        }

        @Override
        public Map<String, String> queueEngines(int agentId) {
            return agentId == 1 ? Map.of("cmdq", "split rings, revision 7.1") : Map.of();
        }

        @Override
        public boolean disconnect(int agentId) {
            boolean connected = sessions.stream().anyMatch(s -> s.agentId() == agentId && s.connected());
            if (connected) {
                disconnected.add(agentId);
            }
            return connected;
        }
    }

    private final Backend backend = new Backend(
            new GuestSession(2, "guest1", "vhost-user:/run/scmi/guest1.sock", false, 0, 7, 0, 0),
            new GuestSession(1, "guest0", "vhost-user:/run/scmi/guest0.sock", true,
                    VERSION_1 | EVENT_IDX | P2A_CHANNELS | 1L << 40, 1234, 2, 3));
    private final GuestCommands commands = new GuestCommands(null, List.of(backend));

    @Test
    void guestsInAgentIdOrderWithNamedFeatures() {
        assertEquals("""
                ID  NAME    TRANSPORT KEY                     CONNECTED  FEATURES                                \
                REQUESTS  ERRORS  PENDING EVENTS
                1   guest0  vhost-user:/run/scmi/guest0.sock  yes        bit40,VERSION_1,EVENT_IDX,P2A_CHANNELS  \
                1234      2       3
                2   guest1  vhost-user:/run/scmi/guest1.sock  no         -                                       \
                7         0       0
                """, commands.guests());
    }

    @Test
    void queuesWithTheirEngine() {
        assertEquals("""
                ID  NAME    QUEUE  ENGINE
                1   guest0  cmdq   split rings, revision 7.1
                """, commands.queues());
        assertEquals("no guest has a running queue; type 'guests' to see who is connected\n",
                new GuestCommands(null, List.of()).queues());
    }

    @Test
    void disconnectOnlyAConnectedGuest() {
        assertEquals("guest 1 disconnected", commands.disconnect("1"));
        assertEquals("guest 2 is not connected; type 'guests' to see who is", commands.disconnect("2"));
        assertEquals("'guest0' is not an agent id (1..255); type 'guests' to list them", commands.disconnect("guest0"));
        assertEquals(List.of(1), backend.disconnected);
    }

    @Test
    void withoutADeviceBackendTheCommandsSaySo() {
        GuestCommands none = new GuestCommands(null, List.of());
        assertEquals("no virtio device backend is running, so no guest can be served; type 'lb' to check that "
                + "scmi.core is ACTIVE\n", none.guests());
        assertEquals("guest 1 is not connected; type 'guests' to see who is", none.disconnect("1"));
    }

    @Test
    void theDefaultAgentNameIsTheSocketFileWithoutExtension() {
        assertEquals("guest0", GuestCommands.defaultAgentName(Path.of("/run/scmi/guest0.sock")));
        assertEquals("vm", GuestCommands.defaultAgentName(Path.of("vm")));
    }
}
