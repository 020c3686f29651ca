package org.scmi.powercap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.scmi.api.testing.Dispatch.call;
import static org.scmi.api.testing.Le.words;

import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.scmi.api.perf.PerfLimits;
import org.scmi.api.powercap.PowercapDriver;
import org.scmi.api.testing.FakeAgent;
import org.scmi.api.testing.FakeDirectory;
import org.scmi.board.sim.perf.SimulatedPerfDomains;
import org.scmi.board.sim.powercap.PowercapCommands;
import org.scmi.board.sim.powercap.SimulatedPowercap;
import org.scmi.board.sim.testing.BoardFileConfigs;
import org.scmi.core.AgentStates;

/** The powercap protocol over the built-in simulated board, as a guest probing it sees it. */
class SimulatedBoardPowercapTest {
    private static final int CAP_CHANGED_HEADER = 0x0000_6300;
    private static final int MEASUREMENTS_CHANGED_HEADER = 0x0000_6301;
    private static final int CAP_SET_DELAYED_HEADER = 0x00A8_6205;
    private static final int SOC = 0;
    private static final int CPU = 1;
    private final AgentStates store = new AgentStates();
    private final FakeAgent guest = new FakeAgent(1, true);
    private SimulatedPerfDomains perf;
    private SimulatedPowercap board;
    private PowercapProtocol powercap;

    @BeforeEach
    void start() throws Exception {
        perf = new SimulatedPerfDomains(BoardFileConfigs.builtIn(), store);
        board = new SimulatedPowercap(BoardFileConfigs.builtIn(), store, perf);
        powercap = new PowercapProtocol(PowercapProtocolTest.config(1500), store);
        powercap.bindAgentDirectory(new FakeDirectory(guest));
        powercap.bindDriver(board, Map.of(PowercapDriver.DRIVER_KEY, "sim", "service.id", 1L));
    }

    @AfterEach
    void stop() throws InterruptedException {
        powercap.deactivate();
    }

    @Test
    void guestSeesACpuZoneInsideASocZone() {
        assertArrayEquals(words(0, 2), call(powercap, guest, 0x1));
        byte[] cpu = call(powercap, guest, 0x3, CPU);
        assertEquals(SOC, word(cpu, 14), "parent_id");
        assertEquals(0xFFFF_FFFF, word(call(powercap, guest, 0x3, SOC), 14), "a root zone");
        assertArrayEquals(words(0, 6_000_000), call(powercap, guest, 0x4, SOC));
        assertArrayEquals(words(0, 0), call(powercap, guest, 0x4, CPU), "no cap: Linux shows the zone disabled");
        assertArrayEquals(words(0, 2_600_000, 500_000), call(powercap, guest, 0x9, SOC));
    }

    /** The soc zone takes 20 ms to apply a cap: the delayed response comes after it, and the domains are throttled. */
    @Test
    void anAsynchronousCapThrottlesTheDomainsBeforeItsDelayedResponse() throws Exception {
        long start = System.nanoTime();
        assertArrayEquals(words(0), call(powercap, guest, 0x5, SOC, 2, 2_000_000));
        FakeAgent.Event done = guest.await();
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(Integer.toHexString(CAP_SET_DELAYED_HEADER), Integer.toHexString(done.header()));
        assertEquals(HexFormat.of().formatHex(words(0, SOC, 2_000_000)), HexFormat.of().formatHex(done.payload()));
        assertTrue(millis >= 20, "completed after " + millis + " ms");
        // 2 W less the zones' own 0.95 W leaves 1.05 W: the gpu and the big cluster, drawing most, step down
        // in turn until they draw 0.3 W and 0.25 W beside the little cluster's 0.4 W.
        assertEquals(new PerfLimits(600_000, 600_000), perf.limits("big"));
        assertEquals(new PerfLimits(200_000, 200_000), perf.limits("gpu"));
        assertEquals(new PerfLimits(1_200_000, 400_000), perf.limits("little"));
    }

    @Test
    void shellCapsAndDrawsReachTheGuest() throws InterruptedException {
        call(powercap, guest, 0xA, SOC, 1);
        call(powercap, guest, 0x7, CPU, 0, 100_000);
        call(powercap, guest, 0xB, CPU, 1, 0, 1_500_000);
        PowercapCommands shell = new PowercapCommands(board);
        assertEquals("soc capped at 3000000 µW by the platform", shell.powercapCap("soc", 3_000_000));
        FakeAgent.Event capped = guest.await();
        assertEquals(Integer.toHexString(CAP_CHANGED_HEADER), Integer.toHexString(capped.header()));
        assertEquals(HexFormat.of().formatHex(words(0, SOC, 3_000_000, 500_000)),
                HexFormat.of().formatHex(capped.payload()));
        shell.powercapDraw("cpu", 1_000_000);
        FakeAgent.Event measured = guest.await();
        assertEquals(Integer.toHexString(MEASUREMENTS_CHANGED_HEADER), Integer.toHexString(measured.header()));
        assertEquals(HexFormat.of().formatHex(words(0, CPU, 1_000_000 + 200_000 + 750_000)),
                HexFormat.of().formatHex(measured.payload()));
    }

    private static int word(byte[] bytes, int index) {
        return java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(4 * index);
    }
}
