package org.scmi.launcher.admin;

import java.nio.ByteBuffer;
import org.osgi.service.component.annotations.Component;
import org.scmi.api.Agent;
import org.scmi.api.MessageObserver;
import org.scmi.api.ProtocolNames;
import org.scmi.api.ScmiHeader;
import org.scmi.api.ScmiStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs the commands of chosen agents or protocols, one INFO line each on logger
 * {@value #LOGGER}: header, status, lengths, latency and the first parameter bytes in hex. At
 * most {@value #LINES_PER_SECOND} lines a second; the lines left out are counted and reported.
 * While nothing is traced, a request costs one volatile read here.
 */
@Component(service = {MessageObserver.class, MessageTracer.class})
public final class MessageTracer implements MessageObserver {
    static final String LOGGER = "org.scmi.trace";
    static final int LINES_PER_SECOND = 100;
    /** Parameter bytes shown per line; longer parameters are cut with their length given. */
    static final int PARAMETER_BYTES_SHOWN = 32;

    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

    private final TraceBudget budget = new TraceBudget(LINES_PER_SECOND, System::nanoTime);
    private volatile TraceSelection selection = TraceSelection.NONE;

    @Override
    public void answered(Agent agent, int header, ByteBuffer parameters, ScmiStatus status, int replyLength,
            long elapsedNanos) {
        TraceSelection traced = selection;
        if (traced.isEmpty()
                || !traced.covers(agent.id(), (header >>> ScmiHeader.PROTOCOL_ID_SHIFT) & ScmiHeader.PROTOCOL_ID_MASK)) {
            return;
        }
        long refused = budget.take();
        if (refused == TraceBudget.REFUSED) {
            return;
        }
        if (refused > 0) {
            LOG.info("{} traced commands not logged (at most {} lines a second)", refused, budget.linesPerSecond());
        }
        LOG.info(line(agent, header, parameters, status, replyLength, elapsedNanos));
    }

    TraceSelection selection() {
        return selection;
    }

    synchronized void traceAgent(int agentId, boolean on) {
        selection = selection.withAgent(agentId, on);
    }

    synchronized void traceProtocol(int protocolId, boolean on) {
        selection = selection.withProtocol(protocolId, on);
    }

    synchronized void stopAll() {
        selection = TraceSelection.NONE;
    }

    /** One trace line, e.g. {@code agent 1 guest0: protocol 0x15 (sensor) message 0x06 token 3 ...}. */
    static String line(Agent agent, int header, ByteBuffer parameters, ScmiStatus status, int replyLength,
            long elapsedNanos) {
        ScmiHeader decoded = ScmiHeader.decode(header);
        return String.format("agent %d %s: protocol %s (%s) message 0x%02x token %d header 0x%08x: %s, %d bytes in%s,"
                        + " %d bytes out, %s", agent.id(), agent.name(), ProtocolNames.hex(decoded.protocolId()),
                ProtocolNames.name(decoded.protocolId()), decoded.messageId(), decoded.token(), header, status,
                parameters.remaining(), hex(parameters), replyLength, Nanos.format(elapsedNanos));
    }

    /** {@code " [01 00 ff]"}, cut after {@value #PARAMETER_BYTES_SHOWN} bytes; empty for no bytes. */
    private static String hex(ByteBuffer parameters) {
        int length = parameters.remaining();
        if (length == 0) {
            return "";
        }
        int shown = Math.min(length, PARAMETER_BYTES_SHOWN);
        StringBuilder text = new StringBuilder(" [");
        for (int i = 0; i < shown; i++) {
            if (i > 0) {
                text.append(' ');
            }
            text.append(String.format("%02x", parameters.get(parameters.position() + i) & 0xFF));
        }
        if (shown < length) {
            text.append(" ...");
        }
        return text.append(']').toString();
    }
}
