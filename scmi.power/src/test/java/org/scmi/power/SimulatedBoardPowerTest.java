package org.scmi.power;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.scmi.api.testing.Dispatch.call;
import static org.scmi.api.testing.Le.words;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.scmi.api.power.PowerDomainDriver;
import org.scmi.api.testing.FakeAgent;
import org.scmi.api.testing.FakeDirectory;
import org.scmi.api.testing.Le;
import org.scmi.board.sim.power.PowerCommands;
import org.scmi.board.sim.power.SimulatedPowerDomains;
import org.scmi.board.sim.testing.BoardFileConfigs;
import org.scmi.core.AgentStates;

/** The power protocol over the built-in simulated board, as a guest probing it sees it. */
class SimulatedBoardPowerTest {
    /** Short, so that waiting for an absent driver takes little test time. */
    private static final int GRACE_MILLIS = 200;
    private final AgentStates store = new AgentStates();
    private static final int STATE_CHANGED_HEADER = 0x0000_4700;
    private static final int ON = 0;
    private static final int OFF = 0x4000_0000;

    private final FakeAgent guest = new FakeAgent(1, true);
    private SimulatedPowerDomains board;
    private PowerProtocol power;

    @BeforeEach
    void start() throws Exception {
        board = new SimulatedPowerDomains(BoardFileConfigs.builtIn(), store);
        power = new PowerProtocol(Configs.power(GRACE_MILLIS), store);
        power.bindAgentDirectory(new FakeDirectory(guest));
        power.bindDriver(board, Map.of(PowerDomainDriver.DRIVER_KEY, "sim", "service.id", 1L));
    }

    @AfterEach
    void stop() throws InterruptedException {
        power.deactivate();
    }

    @Test
    void linuxProbeSeesThreeDomainsInTheirStates() {
        assertArrayEquals(words(0, 3, 0, 0, 0), call(power, guest, 0x1));
        assertArrayEquals(Le.bytes().u32(0).u32(0xF000_0000).name("gpu_pd", 16).toArray(), call(power, guest, 0x3, 0));
        assertArrayEquals(words(0, ON), call(power, guest, 0x5, 0));
        assertArrayEquals(words(0, OFF), call(power, guest, 0x5, 1));
        assertArrayEquals(words(0, OFF), call(power, guest, 0x5, 2));
    }

    @Test
    void genpdSwitchesADomainOffAndReadsItBack() {
        assertArrayEquals(words(0), call(power, guest, 0x4, 0, 0, OFF));
        assertArrayEquals(words(0, OFF), call(power, guest, 0x5, 0));
    }

    @Test
    void slowDomainSwitchesAsynchronously() throws InterruptedException {
        call(power, guest, 0x6, 1, 1);
        long start = System.nanoTime();
        assertArrayEquals(words(0), call(power, guest, 0x4, 1, 1, ON));
        assertEquals(List.of(), guest.drain(), "the simulated vpu_pd takes 100 ms");
        FakeAgent.Event done = guest.await();
        assertTrue(System.nanoTime() - start >= 100_000_000L);
        assertEquals(STATE_CHANGED_HEADER, done.header());
        assertArrayEquals(words(1, 1, ON), done.payload());
    }

    @Test
    void shellSwitchIsNotifiedFromThePlatform() throws InterruptedException {
        call(power, guest, 0x6, 2, 1);
        assertEquals("dsp_pd is now 0x00000001", new PowerCommands(board).powerState("dsp_pd", "0x00000001"));
        FakeAgent.Event event = guest.await();
        assertEquals(STATE_CHANGED_HEADER, event.header());
        assertArrayEquals(words(0, 2, 1), event.payload());
        assertArrayEquals(words(0, 1), call(power, guest, 0x5, 2));
    }
}
