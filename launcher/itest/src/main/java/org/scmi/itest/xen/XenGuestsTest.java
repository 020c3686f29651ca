package org.scmi.itest.xen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.scmi.itest.xen.AgentWire.*;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.scmi.api.Payload;
import org.scmi.api.ScmiProtocol;
import org.scmi.api.clock.Clock;
import org.scmi.api.clock.ClockControl;
import org.scmi.api.clock.ClockDriver;
import org.scmi.api.clock.ClockRates;
import org.scmi.api.power.PowerDomain;
import org.scmi.api.power.PowerDomainDriver;
import org.scmi.api.sensor.SensorDriver;
import org.scmi.api.sensor.SensorInfo;
import org.scmi.transport.xen.abi.XenAbi;
import org.scmi.transport.xen.sim.guest.SimToolstack;
import org.scmi.transport.xen.sim.guest.SimulatedGuest;

/**
 * Simulated Xen guests served through the server's real bundles: the Xen transport, the
 * virtio-scmi device of virtio.ring, the Base, power, clock and sensor protocols, and the
 * simulated board's drivers, the same ones vhost-user guests reach. Each guest runs the Xen path
 * whole: created paused by the simulated toolstack of a simulated hypervisor configured through
 * ConfigAdmin, found by the transport in XenStore, its register accesses trapped into IOREQ
 * slots, its buffers reached through grants.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class XenGuestsTest {
    private static final int TIMEOUT_MS = 10_000;
    /** Every protocol the framework runs, as BASE_DISCOVER_LIST_PROTOCOLS lists them. */
    private static final List<Integer> SERVED = List.of(POWER, SYSTEM, PERF, CLOCK, SENSOR, RESET, VOLTAGE, POWERCAP,
            PINCTRL);
    private static final long BOOT_TIMEOUT_MS = 5_000;
    private static final long REPLY_TIMEOUT_MS = 5_000;
    private static final long EVENT_TIMEOUT_MS = 3_000;
    /** How long a guest that should get nothing is watched. */
    private static final long QUIET_MS = 300;
    private static final int CONCURRENT_COMMANDS = 200;

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = TIMEOUT_MS)
    ConfigurationAdmin configurations;

    @InjectService(timeout = TIMEOUT_MS)
    PowerDomainDriver power;

    @InjectService(timeout = TIMEOUT_MS)
    ClockDriver clocks;

    @InjectService(timeout = TIMEOUT_MS)
    SensorDriver sensors;

    @TempDir
    Path dir;

    private SimulatedXenFixture xen;

    @BeforeEach
    void startHypervisor() throws Exception {
        xen = new SimulatedXenFixture(context, configurations, dir.resolve("xenstored.sock"), false);
    }

    @AfterEach
    void stopHypervisor() throws Exception {
        xen.close();
    }

    private ScmiAgent boot(int domid) throws Exception {
        SimulatedGuest guest = xen.bootGuest(domid, true, BOOT_TIMEOUT_MS);
        return agent(guest);
    }

    private static ScmiAgent agent(SimulatedGuest guest) {
        return new ScmiAgent("guest " + guest.domid(), new ScmiAgent.Channel() {
            @Override
            public byte[] exchange(byte[] command) throws InterruptedException {
                return guest.exchange(command, SimulatedGuest.MESSAGE_BYTES, REPLY_TIMEOUT_MS);
            }

            @Override
            public byte[] awaitEvent(long timeoutMillis) throws InterruptedException {
                return guest.awaitEvent(timeoutMillis);
            }
        });
    }

    @Test
    void guestProbesEveryProtocolLikeLinuxAndSeesTheBoard() throws Exception {
        ScmiAgent guest = boot(1);
        assertTrue(xen.toolstack().awaitBackendState(1, XenAbi.XENBUS_STATE_CONNECTED, BOOT_TIMEOUT_MS));

        List<Integer> listed = probeBase(guest);
        assertEquals(SERVED, listed);
        for (int protocol : listed) {
            assertEquals(protocolVersion(protocol), guest.call(protocol, PROTOCOL_VERSION).u32(),
                    "version of protocol 0x" + Integer.toHexString(protocol));
        }

        List<PowerDomain> domains = power.domains();
        assertEquals(domains.size(), guest.call(POWER, PROTOCOL_ATTRIBUTES).u32() & COUNT_MASK);
        for (int id = 0; id < domains.size(); id++) {
            PowerDomain domain = domains.get(id);
            Payload attributes = guest.call(POWER, POWER_DOMAIN_ATTRIBUTES, id);
            attributes.u32();
            assertEquals(shortName(domain.name()), attributes.name(SHORT_NAME));
            assertEquals(power.state(domain.key()), guest.call(POWER, POWER_STATE_GET, id).u32(), domain.name());
        }

        List<Clock> board = clocks.clocks();
        assertEquals(board.size(), guest.call(CLOCK, PROTOCOL_ATTRIBUTES).u32() & COUNT_MASK);
        for (int id = 0; id < board.size(); id++) {
            Clock clock = board.get(id);
            Payload attributes = guest.call(CLOCK, CLOCK_ATTRIBUTES, id);
            attributes.u32();
            assertEquals(shortName(clock.name()), attributes.name(SHORT_NAME));
            assertEquals(clocks.rate(clock.key()), guest.call(CLOCK, CLOCK_RATE_GET, id).u64(), clock.name());
        }

        List<SensorInfo> infos = sensors.sensors();
        assertEquals(infos.size(), guest.call(SENSOR, PROTOCOL_ATTRIBUTES).u32() & COUNT_MASK);
        int described = 0;
        while (described < infos.size()) {
            Payload page = guest.call(SENSOR, SENSOR_DESCRIPTION_GET, described);
            int returned = page.u32() & SENSORS_RETURNED_MASK;
            assertTrue(returned > 0, "an empty page of sensor descriptions");
            for (int i = 0; i < returned; i++) {
                readDescriptorAndSensor(guest, page, described + i, infos.get(described + i));
            }
            described += returned;
        }
    }

    /** Base as Linux probes it: version, attributes, vendor, the protocol list; returns the list. */
    private List<Integer> probeBase(ScmiAgent guest) throws Exception {
        assertEquals(protocolVersion(BASE), guest.call(BASE, PROTOCOL_VERSION).u32());
        int count = guest.call(BASE, PROTOCOL_ATTRIBUTES).u32() & PROTOCOL_COUNT_MASK;
        assertEquals("SCMI-OSGi", guest.call(BASE, BASE_DISCOVER_VENDOR).name(SHORT_NAME));
        Payload list = guest.call(BASE, BASE_DISCOVER_LIST_PROTOCOLS, 0);
        assertEquals(count, list.u32());
        List<Integer> protocols = new ArrayList<>();
        for (int word = 0; word < (count + 3) / 4; word++) {
            int packed = list.u32();
            for (int i = 0; i < 4 && protocols.size() < count; i++) {
                protocols.add(packed >>> 8 * i & 0xFF);
            }
        }
        return protocols;
    }

    /** One descriptor of a SENSOR_DESCRIPTION_GET page, checked against the board, then a reading of that sensor. */
    private void readDescriptorAndSensor(ScmiAgent guest, Payload page, int id, SensorInfo info) throws Exception {
        assertEquals(id, page.u32());
        int low = page.u32();
        int high = page.u32();
        assertEquals(shortName(info.name()), page.name(SHORT_NAME));
        int axes = (low & SENSOR_EXTENDED_ATTRIBUTES) != 0 ? high >>> SENSOR_AXES_SHIFT & SENSOR_AXES_MASK : 0;
        assertEquals(info.axes().size(), axes, info.name());
        long min = Long.MIN_VALUE;
        long max = Long.MAX_VALUE;
        if ((low & SENSOR_EXTENDED_ATTRIBUTES) != 0) {
            assertEquals(info.powerMicrowatts(), page.u32());
            if (axes == 0) {
                page.u32(); // resolution
                min = page.u64();
                max = page.u64();
            }
        }
        Payload reading = guest.call(SENSOR, SENSOR_READING_GET, id, SENSOR_READ_SYNC);
        assertEquals(SENSOR_READING_BYTES * Math.max(1, axes), reading.remaining(), info.name());
        long value = reading.u64();
        assertTrue(value >= min && value <= max, info.name() + " reads " + value + ", outside its range");
    }

    @Test
    void notificationsReachOnlyTheSubscribedGuestsEventQueue() throws Exception {
        ScmiAgent watcher = boot(2);
        ScmiAgent setter = boot(3);
        int setterId = agentId(setter);
        assertNotEquals(agentId(watcher), setterId);

        int clockId = settableClock();
        Clock clock = clocks.clocks().get(clockId);
        long before = clocks.rate(clock.key());
        long other = ((ClockRates.Discrete) clock.rates()).rates().stream().filter(r -> r != before).findFirst()
                .orElseThrow();
        watcher.call(CLOCK, CLOCK_RATE_NOTIFY, clockId, NOTIFY_ENABLE);

        setter.call(CLOCK, CLOCK_RATE_SET, SET_SYNC, clockId, (int) other, (int) (other >>> 32));
        Payload changed = watcher.awaitNotification(CLOCK, CLOCK_RATE_CHANGED, EVENT_TIMEOUT_MS);
        assertEquals(setterId, changed.u32(), "the agent that changed the rate");
        assertEquals(clockId, changed.u32());
        assertEquals(other, changed.u64());
        assertEquals(other, clocks.rate(clock.key()), "the board's clock runs at the new rate");
        assertNull(setter.pollEvent(QUIET_MS), "the setter did not subscribe");

        setter.call(CLOCK, CLOCK_RATE_SET, SET_SYNC, clockId, (int) before, (int) (before >>> 32));
        Payload restored = watcher.awaitNotification(CLOCK, CLOCK_RATE_CHANGED, EVENT_TIMEOUT_MS);
        restored.u32();
        restored.u32();
        assertEquals(before, restored.u64());
        watcher.call(CLOCK, CLOCK_RATE_NOTIFY, clockId, NOTIFY_DISABLE);

        int sensorId = continuousSensor(watcher);
        watcher.call(SENSOR, SENSOR_CONFIG_SET, sensorId, SENSOR_CONFIG_100_MS_ENABLED);
        watcher.call(SENSOR, SENSOR_CONTINUOUS_UPDATE_NOTIFY, sensorId, NOTIFY_ENABLE);
        Payload update = watcher.awaitNotification(SENSOR, SENSOR_UPDATE, EVENT_TIMEOUT_MS);
        update.u32(); // agent id
        assertEquals(sensorId, update.u32());
        assertEquals(SENSOR_READING_BYTES, update.remaining(), "one scalar reading");
        watcher.call(SENSOR, SENSOR_CONTINUOUS_UPDATE_NOTIFY, sensorId, NOTIFY_DISABLE);
        assertNull(setter.pollEvent(QUIET_MS), "updates go to the subscriber only");
    }

    @Test
    void restartedGuestIsServedAgainWithoutServerRestart() throws Exception {
        ScmiAgent first = boot(4);
        probeBase(first);
        assertEquals("sim-guest-4", agentName(first));

        assertTrue(xen.toolstack().destroy(4), "the backend closed the device before the toolstack removed it");
        assertEquals(Optional.empty(), xen.toolstack().backendState(4));

        // xl reboot: the same domain id again, and a new one with the same configuration
        ScmiAgent again = boot(4);
        assertEquals(SERVED, probeBase(again));
        assertEquals("sim-guest-4", agentName(again));
        ScmiAgent renumbered = boot(5);
        assertEquals(SERVED, probeBase(renumbered));
        assertEquals(protocolVersion(BASE), again.call(BASE, PROTOCOL_VERSION).u32());
    }

    @Test
    void twoGuestsAtOnceAreIsolated() throws Exception {
        ScmiAgent a = boot(6);
        ScmiAgent b = boot(7);
        assertNotEquals(agentId(a), agentId(b));

        ExecutorService vcpus = Executors.newFixedThreadPool(2);
        try {
            Future<?> ofA = vcpus.submit(() -> askOwnNameRepeatedly(a, "sim-guest-6"));
            Future<?> ofB = vcpus.submit(() -> askOwnNameRepeatedly(b, "sim-guest-7"));
            ofA.get(REPLY_TIMEOUT_MS * 2, TimeUnit.MILLISECONDS);
            ofB.get(REPLY_TIMEOUT_MS * 2, TimeUnit.MILLISECONDS);
        } finally {
            vcpus.shutdownNow();
        }

        // a third guest scribbles over its device's registers; the others are served on
        SimulatedGuest noisy = SimulatedGuest.create(xen.toolstack(), 8, true);
        assertTrue(xen.toolstack().awaitBackendState(8, XenAbi.XENBUS_STATE_INIT_WAIT, BOOT_TIMEOUT_MS));
        Random random = new Random(8);
        long base = SimToolstack.deviceBase(0);
        for (int i = 0; i < 300; i++) {
            int offset = random.nextInt(0x100) & ~0x3;
            noisy.domain().mmioWrite(0, base + offset, 4, random.nextInt());
        }
        assertEquals("sim-guest-6", agentName(a));
        assertEquals("sim-guest-7", agentName(b));
        assertNull(a.pollEvent(QUIET_MS), "nothing of the noisy guest reached guest 6");
        noisy.reset();
        noisy.initialise();
        assertEquals("sim-guest-8", agentName(agent(noisy)));
    }

    private static Void askOwnNameRepeatedly(ScmiAgent agent, String name) throws Exception {
        for (int i = 0; i < CONCURRENT_COMMANDS; i++) {
            assertEquals(name, agentName(agent));
        }
        return null;
    }

    private static int agentId(ScmiAgent agent) throws Exception {
        return agent.call(BASE, BASE_DISCOVER_AGENT, THIS_AGENT).u32();
    }

    private static String agentName(ScmiAgent agent) throws Exception {
        Payload discovered = agent.call(BASE, BASE_DISCOVER_AGENT, THIS_AGENT);
        discovered.u32();
        return discovered.name(SHORT_NAME);
    }

    /** The first clock whose rate agents may set among at least two discrete rates. */
    private int settableClock() {
        List<Clock> board = clocks.clocks();
        for (int id = 0; id < board.size(); id++) {
            Clock clock = board.get(id);
            if (clock.allows(ClockControl.RATE) && clock.rates() instanceof ClockRates.Discrete d
                    && d.rates().size() > 1) {
                return id;
            }
        }
        throw new AssertionError("the board has no clock whose rate an agent may set");
    }

    /** A scalar sensor offering continuous updates to this guest. */
    private int continuousSensor(ScmiAgent guest) throws Exception {
        List<SensorInfo> infos = sensors.sensors();
        for (int id = 0; id < infos.size(); id++) {
            if (!infos.get(id).axes().isEmpty()) {
                continue;
            }
            Payload page = guest.call(SENSOR, SENSOR_DESCRIPTION_GET, id);
            page.u32();
            page.u32();
            if ((page.u32() & SENSOR_CONTINUOUS_UPDATE) != 0) {
                return id;
            }
        }
        throw new AssertionError("no scalar sensor offers continuous updates");
    }

    /** The version the protocol's whiteboard service announces. */
    private int protocolVersion(int protocolId) {
        for (ServiceReference<ScmiProtocol> reference : references()) {
            ScmiProtocol protocol = context.getService(reference);
            try {
                if (protocol != null && protocol.protocolId() == protocolId) {
                    return protocol.version();
                }
            } finally {
                context.ungetService(reference);
            }
        }
        throw new AssertionError("no protocol 0x" + Integer.toHexString(protocolId) + " on the whiteboard");
    }

    private List<ServiceReference<ScmiProtocol>> references() {
        try {
            return new ArrayList<>(context.getServiceReferences(ScmiProtocol.class, null));
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new AssertionError(e);
        }
    }

    private static String shortName(String name) {
        return name.length() < SHORT_NAME ? name : name.substring(0, SHORT_NAME - 1);
    }
}
