package org.scmi.launcher.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.scmi.api.ProtocolNames;
import org.scmi.api.ScmiHeader;
import org.scmi.api.ScmiStatus;

class ProtocolCommandsTest {

    @Test
    void servedProtocolsWithTheirBundlesAndCountsThenProtocolsAskedForButNotServed() {
        RequestStatistics statistics = new RequestStatistics();
        TestAgent agent = new TestAgent(1, "guest0");
        for (int i = 0; i < 3; i++) {
            statistics.answered(agent, ScmiHeader.command(0x15, 0x06, i).encode(), ByteBuffer.allocate(4),
                    ScmiStatus.SUCCESS, 12, 1_000);
        }
        statistics.answered(agent, ScmiHeader.command(0x13, 0x00, 9).encode(), ByteBuffer.allocate(0),
                ScmiStatus.NOT_SUPPORTED, 0, 1_000);
        List<ProtocolCommands.ServedProtocol> served = List.of(
                new ProtocolCommands.ServedProtocol(0x10, "2.1", 15, "scmi.base", "0.1.0"),
                new ProtocolCommands.ServedProtocol(0x15, "3.1", 19, "scmi.sensor", "0.2.0"));
        assertEquals("""
                ID    NAME    VERSION  BUNDLE          BUNDLE VERSION  REQUESTS
                0x10  base    2.1      15 scmi.base    0.1.0           0
                0x15  sensor  3.1      19 scmi.sensor  0.2.0           3
                0x13  perf    -        (not served)    -               1
                """, ProtocolCommands.protocolTable(served, statistics.snapshot()));
    }

    @Test
    void traceSwitchesGuestsAndProtocolsAndSaysWhatToTypeOnAMistake() {
        MessageTracer tracer = new MessageTracer();
        ProtocolCommands commands = new ProtocolCommands(null, new RequestStatistics(), tracer);
        assertEquals("guest 3 traced", commands.trace("guest", "3", "on"));
        assertEquals("protocol 0x14 traced", commands.trace("protocol", "clock", "on"));
        assertEquals("""
                traced (logger org.scmi.trace, INFO, at most 100 lines a second):
                  guest 3
                  protocol 0x14 clock
                """, commands.trace());
        assertEquals("protocol 0x14 no longer traced", commands.trace("protocol", "0x14", "off"));
        assertEquals("'0' is not an agent id (1..255); type 'guests' to list them", commands.trace("guest", "0", "on"));
        assertEquals("say 'on' or 'off', not 'yes'", commands.trace("guest", "3", "yes"));
        assertEquals("trace 'guest' or 'protocol', not 'agent'; e.g. 'trace guest 1 on', 'trace protocol sensor on'",
                commands.trace("agent", "3", "on"));
        assertEquals("tracing stopped", commands.trace("off"));
        assertEquals("nothing is traced; 'trace guest AGENT_ID on' or 'trace protocol ID on' starts tracing\n",
                commands.trace());
    }

    @Test
    void protocolIdsByNameHexOrDecimal() {
        assertEquals(OptionalInt.of(0x15), ProtocolNames.parse("sensor"));
        assertEquals(OptionalInt.of(0x15), ProtocolNames.parse("0x15"));
        assertEquals(OptionalInt.of(0x15), ProtocolNames.parse("21"));
        assertEquals(OptionalInt.empty(), ProtocolNames.parse("0x100"));
        assertEquals(OptionalInt.empty(), ProtocolNames.parse("sensors"));
        assertEquals("-", ProtocolNames.name(0x80));
    }
}
