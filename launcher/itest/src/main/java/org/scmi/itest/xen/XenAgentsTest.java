package org.scmi.itest.xen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.scmi.itest.xen.AgentWire.*;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.scmi.api.Agent;
import org.scmi.api.AgentDirectory;
import org.scmi.api.Payload;
import org.scmi.api.power.PowerDomainDriver;
import org.scmi.api.power.PowerState;
import org.scmi.api.testing.Eventually;
import org.scmi.core.admin.ProfileAdministration;
import org.scmi.transport.xen.abi.XenAbi;

/**
 * Which agent a Xen guest is, through the server's real bundles and the simulated hypervisor: a
 * domain is named by its name or VM UUID, never its domain id, so one created again is the same
 * agent; a destroyed domain releases what it held and leaves the agent directory; agent ids are
 * reused and never run out.
 */
class XenAgentsTest {
    private static final int TIMEOUT_MS = 10_000;
    private static final long BOOT_TIMEOUT_MS = 5_000;
    private static final long REPLY_TIMEOUT_MS = 5_000;
    private static final long RAM_BYTES = 1L << 20;
    /** vpu_pd: domain 1 of the simulated board, off at start. */
    private static final int VPU = 1;
    private static final String UUID = "6f1c3a52-0b7e-4d1a-9f1e-2a8c4b3d5e71";

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = TIMEOUT_MS)
    AgentDirectory directory;

    @InjectService(timeout = TIMEOUT_MS)
    PowerDomainDriver power;

    @InjectService(timeout = TIMEOUT_MS)
    ConfigurationAdmin configurationAdmin;

    @InjectService(timeout = TIMEOUT_MS)
    ProfileAdministration profiles;

    @TempDir
    Path dir;

    private SimulatedXenFixture xen;

    @BeforeEach
    void startHypervisor() throws Exception {
        xen = new SimulatedXenFixture(context, configurationAdmin, dir.resolve("xenstored.sock"), false);
    }

    @AfterEach
    void stopHypervisor() throws Exception {
        xen.close();
    }

    private ScmiAgent boot(int domid, String name, String uuid) throws Exception {
        return ScmiAgent.of(xen.bootGuest(domid, name, uuid, true, BOOT_TIMEOUT_MS), REPLY_TIMEOUT_MS);
    }

    private static int agentId(ScmiAgent agent) throws Exception {
        return agent.call(BASE, BASE_DISCOVER_AGENT, THIS_AGENT).u32();
    }

    private List<String> agentNames() {
        return directory.agents().stream().map(Agent::name).toList();
    }

    @Test
    void aDomainCreatedAgainUnderANewDomainIdIsTheSameAgentAndTheOldOneIsNotListed() throws Exception {
        int id = agentId(boot(31, "ivi-vm", UUID));
        assertTrue(xen.toolstack().destroy(31));
        assertFalse(agentNames().contains("ivi-vm"), "a destroyed domain without a profile leaves the directory");
        ScmiAgent again = boot(32, "ivi-vm", UUID);
        assertEquals(id, agentId(again), "the same name: the same agent id, whatever the domain id");
        assertEquals(1, agentNames().stream().filter("ivi-vm"::equals).count());
        assertTrue(xen.toolstack().destroy(32));
    }

    @Test
    void aDestroyedDomainsVotesStopCounting() throws Exception {
        ScmiAgent holder = boot(33, "holder", UUID);
        ScmiAgent other = boot(34, "other", "0c1c3a52-0b7e-4d1a-9f1e-2a8c4b3d5e71");
        holder.call(POWER, POWER_STATE_SET, 0, VPU, POWER_ON);
        other.call(POWER, POWER_STATE_SET, 0, VPU, POWER_OFF);
        assertEquals(PowerState.ON, power.state("vpu"), "the holder wants vpu_pd on");
        assertTrue(xen.toolstack().destroy(33));
        assertEquals(PowerState.OFF, power.state("vpu"), "its vote went with its domain");
        assertEquals(POWER_OFF, other.call(POWER, POWER_STATE_GET, VPU).u32());
        assertTrue(xen.toolstack().destroy(34));
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void aThousandGuestStartsLeaveExactlyTheLiveAgentsAndIdsNeverRunOut() throws Exception {
        ScmiAgent live = boot(35, "long-running", UUID);
        int before = directory.agents().size();
        for (int start = 0; start < 1000; start++) {
            int domid = 100 + start;
            xen.toolstack().create(domid, "guest-" + start % 300, 1, RAM_BYTES, true);
            assertTrue(xen.toolstack().awaitBackendState(domid, XenAbi.XENBUS_STATE_INIT_WAIT, BOOT_TIMEOUT_MS),
                    "start " + start + " was served");
            assertEquals(before + 1, directory.agents().size(), "start " + start);
            assertTrue(xen.toolstack().destroy(domid));
        }
        assertEquals(before, directory.agents().size(), "exactly the agents there were before");
        assertTrue(agentNames().contains("long-running"));
        assertTrue(directory.agents().stream().allMatch(agent -> agent.id() >= 1 && agent.id() <= 255));
        agentId(live);
        assertTrue(xen.toolstack().destroy(35));
    }

    @Test
    void aProfileNamingAVmUuidServesThatDomainWhateverItIsCalledAndRefusesAnImpostor() throws Exception {
        Configuration profile = configurationAdmin.getFactoryConfiguration("org.scmi.agent", "ivi", "?");
        Configuration defaults = configurationAdmin.getConfiguration("org.scmi.agents", "?");
        try {
            Dictionary<String, Object> properties = new Hashtable<>();
            properties.put("xenUuid", UUID);
            properties.put("clocks", new String[] {"gpu_clk"});
            profile.update(properties);
            Dictionary<String, Object> guest = new Hashtable<>();
            guest.put("sensors", new String[] {"*"});
            Configuration fallback = configurationAdmin.getFactoryConfiguration("org.scmi.agent", "guest", "?");
            fallback.update(guest);
            defaults.update(new Hashtable<>(Map.of("defaultProfile", "guest")));
            assertTrue(Eventually.within(Duration.ofMillis(TIMEOUT_MS), () -> "guest".equals(profiles.defaultProfile())
                    && profiles.profiles().stream().filter(ProfileAdministration.ProfileInfo::inForce).count() == 2),
                    "the profiles are in force");

            ScmiAgent renamed = boot(36, "renamed-domain", UUID);
            assertEquals(List.of(CLOCK), protocols(renamed), "its profile by VM UUID");
            assertEquals(1, renamed.call(CLOCK, PROTOCOL_ATTRIBUTES).u32() & COUNT_MASK);
            assertEquals("ivi", agentName(renamed), "the profile's agent");

            xen.toolstack().create(37, "ivi", "0c1c3a52-0b7e-4d1a-9f1e-2a8c4b3d5e71", 1, RAM_BYTES, true);
            assertTrue(xen.toolstack().awaitBackendState(37, XenAbi.XENBUS_STATE_INIT_WAIT, BOOT_TIMEOUT_MS),
                    "served with the default profile, as its own agent");
            assertTrue(xen.toolstack().destroy(36));
            assertTrue(xen.toolstack().destroy(37));
        } finally {
            defaults.delete();
            Configuration[] left = configurationAdmin.listConfigurations("(service.factoryPid=org.scmi.agent)");
            for (Configuration configuration : left == null ? new Configuration[0] : left) {
                configuration.delete();
            }
            assertTrue(Eventually.within(Duration.ofMillis(TIMEOUT_MS), () -> !profiles.restricted()),
                    "no profile left");
        }
    }

    private static List<Integer> protocols(ScmiAgent agent) throws Exception {
        int count = agent.call(BASE, PROTOCOL_ATTRIBUTES).u32() & PROTOCOL_COUNT_MASK;
        Payload list = agent.call(BASE, BASE_DISCOVER_LIST_PROTOCOLS, 0);
        assertEquals(count, list.u32());
        int packed = list.u32();
        return IntStream.range(0, count).map(i -> packed >>> 8 * i & 0xFF).boxed().toList();
    }

    private static String agentName(ScmiAgent agent) throws Exception {
        Payload discovered = agent.call(BASE, BASE_DISCOVER_AGENT, THIS_AGENT);
        discovered.u32();
        return discovered.name(SHORT_NAME);
    }
}
