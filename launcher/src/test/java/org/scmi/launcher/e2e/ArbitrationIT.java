package org.scmi.launcher.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.scmi.launcher.e2e.Scmi.AGENT_CALLER;
import static org.scmi.launcher.e2e.Scmi.BASE;
import static org.scmi.launcher.e2e.Scmi.BASE_AGENTS_SHIFT;
import static org.scmi.launcher.e2e.Scmi.BASE_RESET_AGENT_CONFIGURATION;
import static org.scmi.launcher.e2e.Scmi.CLOCK;
import static org.scmi.launcher.e2e.Scmi.CLOCK_CONFIG_DISABLE;
import static org.scmi.launcher.e2e.Scmi.CLOCK_CONFIG_ENABLE;
import static org.scmi.launcher.e2e.Scmi.CLOCK_CONFIG_SET;
import static org.scmi.launcher.e2e.Scmi.CLOCK_RATE_SET;
import static org.scmi.launcher.e2e.Scmi.LINUX_RESPONSE_BUFFER;
import static org.scmi.launcher.e2e.Scmi.POWER;
import static org.scmi.launcher.e2e.Scmi.POWER_OFF;
import static org.scmi.launcher.e2e.Scmi.POWER_ON;
import static org.scmi.launcher.e2e.Scmi.POWER_STATE_GET;
import static org.scmi.launcher.e2e.Scmi.POWER_STATE_SET;
import static org.scmi.launcher.e2e.Scmi.PROTOCOL_ATTRIBUTES;
import static org.scmi.launcher.e2e.Scmi.RESPONSE_PREFIX;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.scmi.api.ScmiStatus;
import org.scmi.linux.LinuxException;

/**
 * Two guests sharing clocks and a power domain, end to end: what each asks for, what the platform
 * keeps the hardware in, who holds what in the shell; a domain exclusive to one agent; a trusted
 * agent; a default profile; a guest whose votes end with its connection.
 *
 * <p>Profiles: a sees cpu_clk, gpu_clk and power domains gpu_pd, vpu_pd (vpu_pd exclusively); b
 * sees gpu_clk, cpu_clk (in that order) and gpu_pd, and is released when it disconnects; admin is
 * trusted and sees the sensors; any other guest gets the default profile "guest" (soc_temp only).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ArbitrationIT {
    private static final String PROFILES = """
            {
              "org.scmi.agent~a": { "clocks": ["cpu_clk", "gpu_clk"], "powerDomains": ["gpu_pd", "vpu_pd"],
                                    "exclusive": ["vpu_pd"] },
              "org.scmi.agent~b": { "clocks": ["gpu_clk", "cpu_clk"], "powerDomains": ["gpu_pd"],
                                    "releaseOnDisconnect": true },
              "org.scmi.agent~admin": { "protocols": ["sensor"], "sensors": ["*"], "trusted": true },
              "org.scmi.agent~guest": { "sensors": ["soc_temp"] },
              "org.scmi.agents": { "defaultProfile": "guest" }
            }
            """;
    private static final int STATUS_ONLY = RESPONSE_PREFIX;
    private static final int SYNC = 0;
    private static final long MHZ = 1_000_000;
    /** gpu_pd is domain 0 of both a and b. */
    private static final int GPU_PD = 0;
    /** cpu_clk is a's clock 0 and b's clock 1; gpu_clk a's 1 and b's 0. */
    private static final int A_CPU = 0;
    private static final int A_GPU = 1;
    private static final int B_CPU = 1;
    private static final int B_GPU = 0;

    @TempDir
    static Path folder;
    private ProfileServer server;
    private ScmiGuest a;
    private ScmiGuest b;

    @BeforeAll
    void start() throws Exception {
        server = ProfileServer.start(folder, ProfileServer.config(folder, PROFILES), "a", "b", "admin", "stranger");
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @AfterEach
    void resetBoth() throws LinuxException {
        for (ScmiGuest guest : new ScmiGuest[] {a, b}) {
            if (guest != null) {
                guest.call(BASE, BASE_RESET_AGENT_CONFIGURATION, LINUX_RESPONSE_BUFFER, id(guest), 0)
                        .assertValues(new byte[0]);
                guest.close();
            }
        }
        a = null;
        b = null;
    }

    private void connectBoth() throws LinuxException {
        a = server.connect("a");
        b = server.connect("b");
    }

    private static int id(ScmiGuest guest) throws LinuxException {
        return Integer.parseInt(Views.agent(guest, AGENT_CALLER).split(" ")[0]);
    }

    /** A column of the simulated board's table ('powerDomains', 'clocks') for one resource. */
    private String board(String command, String name, int column) throws Exception {
        String table = server.admin(command);
        for (String line : table.split("\n")) {
            String[] cells = line.trim().split("\\s+");
            if (cells.length > column && cells[1].equals(name)) {
                return cells[column];
            }
        }
        throw new AssertionError("no " + name + " in '" + command + "': " + table);
    }

    private String powerOf(String domain) throws Exception {
        return board("powerDomains", domain, 2);
    }

    private long rateOf(String clock) throws Exception {
        return Long.parseLong(board("clocks", clock, 2));
    }

    private String runningOf(String clock) throws Exception {
        return board("clocks", clock, 3);
    }

    private static void setPower(ScmiGuest guest, int domain, int state) throws LinuxException {
        guest.call(POWER, POWER_STATE_SET, STATUS_ONLY, SYNC, domain, state).assertValues(new byte[0]);
    }

    private static void setRate(ScmiGuest guest, int clock, long hz) throws LinuxException {
        guest.call(CLOCK, CLOCK_RATE_SET, STATUS_ONLY, SYNC, clock, (int) hz, (int) (hz >>> 32))
                .assertValues(new byte[0]);
    }

    private static void enable(ScmiGuest guest, int clock, boolean on) throws LinuxException {
        guest.call(CLOCK, CLOCK_CONFIG_SET, STATUS_ONLY, clock, on ? CLOCK_CONFIG_ENABLE : CLOCK_CONFIG_DISABLE, 0)
                .assertValues(new byte[0]);
    }

    private static int powerState(ScmiGuest guest, int domain) throws LinuxException {
        return guest.call(POWER, POWER_STATE_GET, RESPONSE_PREFIX + 4, domain).value(0);
    }

    @Test
    void aPowerDomainStaysOnWhileAnyAgentThatSeesItVotesOn() throws Exception {
        connectBoth();
        setPower(a, GPU_PD, POWER_ON);
        setPower(b, GPU_PD, POWER_OFF);
        assertEquals("on", powerOf("gpu_pd"), "a still votes on");
        assertEquals(POWER_ON, powerState(a, GPU_PD));
        assertEquals(POWER_OFF, powerState(b, GPU_PD), "each agent reads back its own vote");
        String votes = server.admin("votes");
        assertTrue(votes.contains("powerDomains  gpu_pd") && votes.contains(id(a) + " a: on; " + id(b) + " b: off"),
                votes);
        setPower(a, GPU_PD, POWER_OFF);
        assertEquals("off", powerOf("gpu_pd"), "nobody wants it on any more");
        setPower(b, GPU_PD, POWER_ON);
        assertEquals("on", powerOf("gpu_pd"));
    }

    @Test
    void aSharedClockRunsAtTheHighestRateAnyAgentAsksForAndRunsWhileAnyAgentWantsIt() throws Exception {
        connectBoth();
        setRate(a, A_CPU, 800 * MHZ);
        setRate(b, B_CPU, 400 * MHZ);
        assertEquals(800 * MHZ, rateOf("cpu_clk"), "a asks for more");
        assertEquals(800 * MHZ, Views.rate(b, B_CPU), "b reads the rate the clock runs at");
        setRate(b, B_CPU, 1200 * MHZ);
        assertEquals(1200 * MHZ, rateOf("cpu_clk"));
        String votes = server.admin("votes");
        assertTrue(votes.contains(id(a) + " a: 800000000 Hz; " + id(b) + " b: 1200000000 Hz"), votes);
        b.call(BASE, BASE_RESET_AGENT_CONFIGURATION, LINUX_RESPONSE_BUFFER, id(b), 0).assertValues(new byte[0]);
        assertEquals(800 * MHZ, rateOf("cpu_clk"), "b's vote withdrawn: a's is the highest left");

        enable(a, A_GPU, true);
        enable(b, B_GPU, false);
        assertEquals("yes", runningOf("gpu_clk"), "a wants it running");
        enable(a, A_GPU, false);
        assertEquals("no", runningOf("gpu_clk"));
    }

    @Test
    void anExclusiveDomainExistsOnlyForItsAgent() throws Exception {
        connectBoth();
        assertEquals(List.of("gpu_pd", "vpu_pd"), Views.powerDomains(a));
        assertEquals(List.of("gpu_pd"), Views.powerDomains(b));
        assertEquals(List.of("gpu_clk", "cpu_clk"), Views.clocks(b));
        b.call(POWER, POWER_STATE_GET, RESPONSE_PREFIX + 4, 1).assertStatus(ScmiStatus.NOT_FOUND);
    }

    @Test
    void aTrustedAgentSeesEveryAgentAndResetsAnotherOnesConfiguration() throws Exception {
        connectBoth();
        try (ScmiGuest admin = server.connect("admin"); ScmiGuest stranger = server.connect("stranger")) {
            int agents = admin.call(BASE, PROTOCOL_ATTRIBUTES, RESPONSE_PREFIX + 4).value(0) >>> BASE_AGENTS_SHIFT
                    & 0xFF;
            assertEquals(5, agents, "the agents of its four profiles and the guest without one");
            assertEquals(id(stranger) + " stranger", Views.agent(admin, id(stranger)));
            assertEquals(id(a) + " a", Views.agent(admin, id(a)));
            assertEquals(List.of(0x15), Views.protocols(admin));
            assertEquals(List.of("soc_temp", Scmi.shortName("ddr_controller_temperature"), "vdd_core", "board_power",
                    "accel"),
                    Views.sensors(admin), "every sensor, in the board's order");
            assertEquals("NOT_FOUND", Views.agent(a, id(b)), "a is not trusted");
            a.call(BASE, BASE_RESET_AGENT_CONFIGURATION, STATUS_ONLY, id(b), 0).assertStatus(ScmiStatus.NOT_FOUND);

            setPower(a, GPU_PD, POWER_ON);
            setPower(b, GPU_PD, POWER_OFF);
            assertEquals("on", powerOf("gpu_pd"));
            admin.call(BASE, BASE_RESET_AGENT_CONFIGURATION, LINUX_RESPONSE_BUFFER, id(a), 0)
                    .assertValues(new byte[0]);
            assertEquals("off", powerOf("gpu_pd"), "a's vote is gone: b's off is the only one left");
        }
    }

    @Test
    void aGuestWithoutAProfileIsItsOwnAgentWithTheDefaultProfilesView() throws Exception {
        try (ScmiGuest stranger = server.connect("stranger")) {
            assertTrue(Views.agent(stranger, AGENT_CALLER).endsWith(" stranger"));
            assertEquals(List.of(0x15), Views.protocols(stranger));
            assertEquals(List.of("soc_temp"), Views.sensors(stranger));
            stranger.call(POWER, POWER_STATE_GET, RESPONSE_PREFIX + 4, 0).assertStatus(ScmiStatus.NOT_SUPPORTED);
        }
    }

    @Test
    void aGuestReleasedOnDisconnectStopsHoldingWhatItVotedFor() throws Exception {
        connectBoth();
        setPower(a, GPU_PD, POWER_OFF);
        setPower(b, GPU_PD, POWER_ON);
        assertEquals("on", powerOf("gpu_pd"));
        int logged = server.process().output().size();
        String released = "guest vhost-user:" + server.socket("b") + " is gone: agent " + id(b) + " (b) released "
                + "what it held";
        b.close();
        b = null;
        assertTrue(server.process().awaitLine(logged, line -> line.contains(released), ServerProcess.START_TIMEOUT));
        assertEquals("off", powerOf("gpu_pd"), "b's vote ended with its connection");

        setPower(a, GPU_PD, POWER_ON);
        a.close();
        a = server.connect("a");
        assertEquals("on", powerOf("gpu_pd"), "a's vote outlives its connection");
        assertEquals(POWER_ON, powerState(a, GPU_PD));
    }
}
