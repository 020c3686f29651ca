package org.scmi.launcher.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.scmi.launcher.e2e.Scmi.AGENT_CALLER;
import static org.scmi.launcher.e2e.Scmi.AGENT_PLATFORM;
import static org.scmi.launcher.e2e.Scmi.BASE;
import static org.scmi.launcher.e2e.Scmi.BASE_AGENTS_SHIFT;
import static org.scmi.launcher.e2e.Scmi.CLOCK;
import static org.scmi.launcher.e2e.Scmi.CLOCK_ATTRIBUTES;
import static org.scmi.launcher.e2e.Scmi.CLOCK_RATE_CHANGED;
import static org.scmi.launcher.e2e.Scmi.CLOCK_RATE_NOTIFY;
import static org.scmi.launcher.e2e.Scmi.CLOCK_RATE_SET;
import static org.scmi.launcher.e2e.Scmi.NOTIFY_ON;
import static org.scmi.launcher.e2e.Scmi.PINCTRL;
import static org.scmi.launcher.e2e.Scmi.POWER;
import static org.scmi.launcher.e2e.Scmi.POWER_STATE_GET;
import static org.scmi.launcher.e2e.Scmi.PROTOCOL_ATTRIBUTES;
import static org.scmi.launcher.e2e.Scmi.PROTOCOL_VERSION;
import static org.scmi.launcher.e2e.Scmi.RESET;
import static org.scmi.launcher.e2e.Scmi.RESPONSE_PREFIX;
import static org.scmi.launcher.e2e.Scmi.SENSOR;
import static org.scmi.launcher.e2e.Scmi.SENSOR_READING_GET;
import static org.scmi.launcher.e2e.Scmi.SYSTEM;
import static org.scmi.launcher.e2e.Scmi.VOLTAGE;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.scmi.api.ScmiStatus;
import org.scmi.linux.LinuxException;

/**
 * The README's example, {@code examples/two-guests.json}, served as the README says: guests on
 * {@code ivi.sock} and {@code cluster.sock} are agents ivi and cluster (agent names are the socket
 * files' names), each seeing only its profile's clocks, power domains, sensors, reset and voltage
 * domains, pins, groups and functions under its own ids, and only cluster seeing system power;
 * a guest on a third socket has no profile and is refused.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgentProfilesIT {
    private static final int SYNC = 0;
    private static final long MHZ = 1_000_000;
    private static final Duration LOG_WAIT = Duration.ofSeconds(10);
    private static final String CLUSTER_PROTOCOLS = "protocols power,system,clock,sensor,reset,voltage,pinctrl";
    /** RESET_DOMAIN_ATTRIBUTES, VOLTAGE_DOMAIN_ATTRIBUTES and PINCTRL_ATTRIBUTES. */
    private static final int DOMAIN_ATTRIBUTES = 0x3;
    private static final int RESET_COMMAND = 0x4;
    private static final int SYSTEM_POWER_STATE_SET = 0x3;
    private static final int SYSTEM_SHUTDOWN = 0;
    /** PINCTRL_ATTRIBUTES selectors. */
    private static final int PINS = 0;
    private static final int PIN_GROUPS = 1;
    private static final int PIN_FUNCTIONS = 2;

    @TempDir
    static Path folder;
    private ProfileServer server;

    @BeforeAll
    void start() {
        server = ProfileServer.start(folder, ServerProcess.home().resolve("examples/two-guests.json"), "ivi",
                "cluster", "stranger");
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void eachGuestCountsAndNamesOnlyWhatItsProfileListsInTheProfilesOrder() throws Exception {
        try (ScmiGuest ivi = server.connect("ivi"); ScmiGuest cluster = server.connect("cluster")) {
            assertEquals(List.of(0x11, 0x14, 0x15, 0x16, 0x17, 0x19), Views.protocols(ivi));
            assertEquals(List.of("cpu_clk", "gpu_clk"), Views.clocks(ivi));
            assertEquals(List.of("gpu_pd", "vpu_pd"), Views.powerDomains(ivi));
            assertEquals(List.of("soc_temp", "accel"), Views.sensors(ivi));
            assertEquals(List.of("gpu_rst"), Views.resetDomains(ivi));
            assertEquals(List.of("vdd_cpu"), Views.voltageDomains(ivi));
            assertEquals(List.of("GPIO_4", "GPIO_5", "GPIO_6", "GPIO_7"), Views.pinctrl(ivi, PINS));
            assertEquals(List.of("spi0_grp", "pwm0_grp"), Views.pinctrl(ivi, PIN_GROUPS));
            assertEquals(List.of("spi0", "pwm0"), Views.pinctrl(ivi, PIN_FUNCTIONS));

            assertEquals(List.of(0x11, 0x12, 0x14, 0x15, 0x16, 0x17, 0x19), Views.protocols(cluster));
            assertEquals(List.of("uart_clk"), Views.clocks(cluster));
            assertEquals(List.of("dsp_pd"), Views.powerDomains(cluster));
            assertEquals(List.of("soc_temp", "board_power"), Views.sensors(cluster));
            // Short names: dsp_subsystem_reset is 19 characters.
            assertEquals(List.of("rtc_rst", "dsp_subsystem_r"), Views.resetDomains(cluster));
            assertEquals(List.of("vdd_cpu", "vdd_io"), Views.voltageDomains(cluster));
            assertEquals(List.of("GPIO_0", "GPIO_1", "GPIO_15_WAKEUP_"), Views.pinctrl(cluster, PINS));
            assertEquals(List.of("uart0_grp"), Views.pinctrl(cluster, PIN_GROUPS));
            assertEquals(List.of("uart0"), Views.pinctrl(cluster, PIN_FUNCTIONS));
        }
    }

    @Test
    void whatAProfileDoesNotListDoesNotExistForTheGuest() throws Exception {
        try (ScmiGuest cluster = server.connect("cluster")) {
            cluster.call(CLOCK, CLOCK_ATTRIBUTES, RESPONSE_PREFIX + 24, 1).assertStatus(ScmiStatus.NOT_FOUND);
            cluster.call(CLOCK, CLOCK_RATE_SET, RESPONSE_PREFIX, SYNC, 1, (int) (400 * MHZ), 0)
                    .assertStatus(ScmiStatus.NOT_FOUND);
            cluster.call(POWER, POWER_STATE_GET, RESPONSE_PREFIX + 4, 1).assertStatus(ScmiStatus.NOT_FOUND);
            cluster.call(SENSOR, SENSOR_READING_GET, RESPONSE_PREFIX + 16, 2, 0).assertStatus(ScmiStatus.NOT_FOUND);
            cluster.call(0x13, PROTOCOL_VERSION, RESPONSE_PREFIX + 4).assertStatus(ScmiStatus.NOT_SUPPORTED);
            cluster.call(RESET, DOMAIN_ATTRIBUTES, RESPONSE_PREFIX + 24, 2).assertStatus(ScmiStatus.NOT_FOUND);
            cluster.call(RESET, RESET_COMMAND, RESPONSE_PREFIX, 2, 1, 0).assertStatus(ScmiStatus.NOT_FOUND);
            cluster.call(VOLTAGE, DOMAIN_ATTRIBUTES, RESPONSE_PREFIX + 20, 2).assertStatus(ScmiStatus.NOT_FOUND);
            cluster.call(PINCTRL, DOMAIN_ATTRIBUTES, RESPONSE_PREFIX + 20, 3, PINS).assertStatus(ScmiStatus.NOT_FOUND);
            cluster.call(PINCTRL, DOMAIN_ATTRIBUTES, RESPONSE_PREFIX + 20, 1, PIN_GROUPS)
                    .assertStatus(ScmiStatus.NOT_FOUND);
        }
        try (ScmiGuest ivi = server.connect("ivi")) {
            ivi.call(SYSTEM, PROTOCOL_VERSION, RESPONSE_PREFIX + 4).assertStatus(ScmiStatus.NOT_SUPPORTED);
        }
    }

    /** Neither guest is trusted: the whole board is not theirs to power off. */
    @Test
    void anUntrustedGuestMayNotPowerTheBoardOff() throws Exception {
        try (ScmiGuest cluster = server.connect("cluster")) {
            cluster.call(SYSTEM, SYSTEM_POWER_STATE_SET, RESPONSE_PREFIX, 0, SYSTEM_SHUTDOWN)
                    .assertStatus(ScmiStatus.DENIED);
        }
    }

    @Test
    void theSharedSensorIsReadByBothUnderTheirOwnIds() throws Exception {
        try (ScmiGuest ivi = server.connect("ivi"); ScmiGuest cluster = server.connect("cluster")) {
            Response fromIvi = ivi.call(SENSOR, SENSOR_READING_GET, RESPONSE_PREFIX + 16, 0, 0);
            Response fromCluster = cluster.call(SENSOR, SENSOR_READING_GET, RESPONSE_PREFIX + 16, 0, 0);
            assertEquals(ScmiStatus.SUCCESS.code(), fromIvi.status());
            assertEquals(ScmiStatus.SUCCESS.code(), fromCluster.status());
            long celsius = Integer.toUnsignedLong(fromCluster.value(0)) / 1000;
            assertTrue(celsius > 30 && celsius < 60, "soc_temp reads " + celsius + " °C");
        }
    }

    @Test
    void anUntrustedAgentSeesOnlyItselfAndThePlatform() throws Exception {
        try (ScmiGuest ivi = server.connect("ivi"); ScmiGuest cluster = server.connect("cluster")) {
            int agents = ivi.call(BASE, PROTOCOL_ATTRIBUTES, RESPONSE_PREFIX + 4).value(0) >>> BASE_AGENTS_SHIFT & 0xFF;
            assertEquals(1, agents, "the agent count of an untrusted agent");
            String self = Views.agent(ivi, AGENT_CALLER);
            assertTrue(self.endsWith(" ivi"), self);
            int clusterId = Integer.parseInt(Views.agent(cluster, AGENT_CALLER).split(" ")[0]);
            assertEquals("NOT_FOUND", Views.agent(ivi, clusterId), "cluster does not exist for ivi");
            assertEquals(AGENT_PLATFORM + " platform", Views.agent(ivi, AGENT_PLATFORM));
        }
    }

    @Test
    void notificationsReachOnlyAgentsThatSeeTheResourceUnderTheirOwnIds() throws Exception {
        try (ScmiGuest ivi = server.connect("ivi"); ScmiGuest cluster = server.connect("cluster")) {
            ivi.call(CLOCK, CLOCK_RATE_NOTIFY, RESPONSE_PREFIX, 0, NOTIFY_ON).assertValues(new byte[0]);
            cluster.call(CLOCK, CLOCK_RATE_NOTIFY, RESPONSE_PREFIX, 0, NOTIFY_ON).assertValues(new byte[0]);
            server.admin("clockRate cpu 800000000");
            ivi.awaitEvent(Le.words(Scmi.notificationHeader(CLOCK, CLOCK_RATE_CHANGED), AGENT_PLATFORM, 0)
                    .u64(800 * MHZ));
            server.admin("clockRate uart 48000000");
            cluster.awaitEvent(Le.words(Scmi.notificationHeader(CLOCK, CLOCK_RATE_CHANGED), AGENT_PLATFORM, 0)
                    .u64(48 * MHZ));
            ivi.assertNoEvent();
            cluster.assertNoEvent();
            server.admin("clockRate cpu 1200000000");
            server.admin("clockRate uart 24000000");
        }
    }

    @Test
    void aGuestWithoutAProfileIsRefusedAndTheLogSaysWhichAndWhy() {
        assertThrows(Exception.class, () -> server.connect("stranger").close());
        assertTrue(server.process().awaitLine(line -> line.contains("guest vhost-user:" + server.socket("stranger")
                + " (stranger) refused: no profile is configured for it (agent name 'stranger') and no default "
                + "profile is named in org.scmi.agents"), LOG_WAIT), String.join("\n", server.process().output()));
    }

    @Test
    void theShellShowsProfilesGuestsAndEachAgentsView() throws Exception {
        try (ScmiGuest ivi = server.connect("ivi")) {
            ivi.call(BASE, PROTOCOL_VERSION, RESPONSE_PREFIX + 4);
            String guests = server.admin("guests");
            assertTrue(guests.contains("vhost-user:" + server.socket("ivi")), guests);
            String profiles = server.admin("profiles");
            assertTrue(profiles.contains("org.scmi.agent~ivi      yes       protocols power,clock,sensor,reset,voltage,"
                    + "pinctrl; powerDomains gpu_pd,vpu_pd; clocks cpu_clk,gpu_clk; sensors soc_temp,accel; "
                    + "resetDomains gpu_rst; voltageDomains vdd_cpu; pins GPIO_4,GPIO_5,GPIO_6,GPIO_7; pinGroups "
                    + "spi0_grp,pwm0_grp; pinFunctions spi0,pwm0"), profiles);
            assertTrue(profiles.contains("no default profile: a guest without a profile of its own is refused"),
                    profiles);
            int id = Integer.parseInt(Views.agent(ivi, AGENT_CALLER).split(" ")[0]);
            String view = server.admin("view " + id);
            assertTrue(view.contains("0x14 clock    clocks          1   gpu_clk   sim/gpu"), view);
            assertTrue(view.contains("0x19 pinctrl  pinGroups       1   pwm0_grp  sim/pwm0"), view);
        }
    }

    @Test
    void aChangedProfileReachesTheGuestWhenItsDriverStartsAgainAndABadOneLeavesThePreviousInForce()
            throws Exception {
        try (ScmiGuest cluster = server.connect("cluster")) {
            assertEquals(List.of("uart_clk"), Views.clocks(cluster));
            int logged = server.process().output().size();
            assertEquals("org.scmi.agent~cluster/clocks = uart_clk,cpu_clk",
                    server.admin("configSet org.scmi.agent~cluster clocks uart_clk cpu_clk").trim());
            awaitLog(logged, "agent profile org.scmi.agent~cluster in force: " + CLUSTER_PROTOCOLS
                    + "; powerDomains dsp_pd; clocks uart_clk,cpu_clk");
            assertEquals(List.of("uart_clk"), Views.clocks(cluster), "not while its driver runs");
            restartDriver(cluster);
            assertEquals(List.of("uart_clk", "cpu_clk"), Views.clocks(cluster), "from the driver's next start");

            server.admin("configSet org.scmi.agent~cluster clocks uart_clk cpu_clkk");
            awaitLog(logged, "agent profile org.scmi.agent~cluster rejected: org.scmi.agent~cluster: clocks: the "
                    + "board has no clock 'cpu_clkk'");
            assertTrue(server.admin("profiles").contains("(the previous version stays in force)"));
            restartDriver(cluster);
            assertEquals(List.of("uart_clk", "cpu_clk"), Views.clocks(cluster), "the previous version");
        } finally {
            int logged = server.process().output().size();
            server.admin("configSet org.scmi.agent~cluster clocks uart_clk");
            awaitLog(logged, "agent profile org.scmi.agent~cluster in force: " + CLUSTER_PROTOCOLS
                    + "; powerDomains dsp_pd; clocks uart_clk; sensors");
        }
    }

    /** What QEMU does when the guest's driver stops and starts the device again (a re-probe, a reset). */
    private static void restartDriver(ScmiGuest guest) throws LinuxException {
        guest.frontend().stop();
        guest.frontend().start();
        guest.frontend().postEventBuffers(ScmiGuest.EVENT_BUFFERS);
    }

    /** Waits for a log line printed after the first {@code skipped} lines. */
    private void awaitLog(int skipped, String text) {
        assertTrue(server.process().awaitLine(skipped, line -> line.contains(text), LOG_WAIT),
                "no log line with '" + text + "':\n" + String.join("\n", server.process().output()));
    }
}
