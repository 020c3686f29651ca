package org.scmi.launcher.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.scmi.api.ScmiHeader;
import org.scmi.api.ScmiStatus;

class MessageTracerTest {
    private static final TestAgent AGENT = new TestAgent(2, "guest1");

    @Test
    void aLineShowsHeaderFieldsStatusLengthsLatencyAndParametersInHex() {
        int header = ScmiHeader.command(0x15, 0x06, 42).encode();
        ByteBuffer parameters = ByteBuffer.wrap(new byte[] {0x01, 0x00, 0x00, 0x00, (byte) 0xff, 0x7f, 0, 0});
        assertEquals("agent 2 guest1: protocol 0x15 (sensor) message 0x06 token 42 header 0x00a85406: SUCCESS, "
                + "8 bytes in [01 00 00 00 ff 7f 00 00], 12 bytes out, 35.2 us",
                MessageTracer.line(AGENT, header, parameters, ScmiStatus.SUCCESS, 12, 35_210));
        assertEquals(0, parameters.position(), "the parameters are read, not consumed");
    }

    @Test
    void longParametersAreCutAndCommandsWithoutParametersShowNone() {
        ByteBuffer parameters = ByteBuffer.allocate(100);
        parameters.position(4);
        String line = MessageTracer.line(AGENT, ScmiHeader.command(0x14, 0x05, 0).encode(), parameters,
                ScmiStatus.OUT_OF_RANGE, 0, 900);
        assertTrue(line.contains("96 bytes in [" + "00 ".repeat(MessageTracer.PARAMETER_BYTES_SHOWN) + "...]"),
                line);
        assertTrue(line.endsWith("OUT_OF_RANGE, 96 bytes in [" + "00 ".repeat(32) + "...], 0 bytes out, 900 ns"),
                line);
        String bare = MessageTracer.line(AGENT, ScmiHeader.command(0x10, 0x00, 1).encode(), ByteBuffer.allocate(0),
                ScmiStatus.SUCCESS, 4, 1_500_000);
        assertTrue(bare.endsWith("SUCCESS, 0 bytes in, 4 bytes out, 1.50 ms"), bare);
    }

    @Test
    void selectsGuestsAndProtocolsIndependently() {
        MessageTracer tracer = new MessageTracer();
        assertTrue(tracer.selection().isEmpty());
        tracer.traceAgent(2, true);
        tracer.traceProtocol(0x15, true);
        assertTrue(tracer.selection().covers(2, 0x10));
        assertTrue(tracer.selection().covers(1, 0x15));
        assertFalse(tracer.selection().covers(1, 0x10));
        tracer.traceAgent(2, false);
        assertFalse(tracer.selection().covers(2, 0x10));
        tracer.stopAll();
        assertTrue(tracer.selection().isEmpty());
    }
}
