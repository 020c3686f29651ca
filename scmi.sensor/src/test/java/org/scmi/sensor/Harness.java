package org.scmi.sensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.scmi.api.Agent;
import org.scmi.api.AgentDirectory;
import org.scmi.api.MessageHandler;
import org.scmi.api.Payload;
import org.scmi.api.Reply;
import org.scmi.api.ScmiException;
import org.scmi.api.ScmiHeader;
import org.scmi.api.ScmiRequest;
import org.scmi.api.ScmiStatus;

/** Sends commands to a {@link SensorProtocol} the way the dispatcher does. */
final class Harness implements AutoCloseable {
    /** What Linux's virtio transport leaves for a variable-size reply after the status word. */
    static final int LINUX_CAPACITY = 128;

    final SensorProtocol protocol = new SensorProtocol();
    private final Map<Integer, Agent> agents = new ConcurrentHashMap<>();

    Harness(FakeDriver... drivers) {
        for (FakeDriver driver : drivers) {
            protocol.addDriver(driver);
        }
        protocol.setDirectory(new AgentDirectory() {
            @Override
            public List<Agent> agents() {
                return agents.values().stream().sorted((a, b) -> a.id() - b.id()).toList();
            }
        });
    }

    FakeAgent agent(int id, boolean eventChannel) {
        FakeAgent agent = new FakeAgent(id, eventChannel);
        agents.put(id, agent);
        return agent;
    }

    static int header(int messageId, int token) {
        return ScmiHeader.command(SensorMessages.PROTOCOL_ID, messageId, token).encode();
    }

    byte[] call(Agent agent, int messageId, int... parameters) throws ScmiException {
        return callSized(agent, messageId, 0, LINUX_CAPACITY, parameters);
    }

    byte[] callSized(Agent agent, int messageId, int token, int capacity, int... parameters) throws ScmiException {
        MessageHandler handler = protocol.handler(messageId, agent);
        assertNotNull(handler, "no handler for message " + messageId);
        byte[] parameterBytes = Le.words(parameters);
        assertEquals(handler.parameterLength(), parameterBytes.length, "parameter length of message " + messageId);
        Reply reply = new Reply(capacity);
        handler.handle(new ScmiRequest(agent, header(messageId, token), Payload.of(parameterBytes),
                SensorMessages.VERSION), reply);
        return reply.toByteArray();
    }

    void fails(ScmiStatus status, Agent agent, int messageId, int... parameters) {
        ScmiException e = assertThrows(ScmiException.class, () -> call(agent, messageId, parameters));
        assertEquals(status, e.status(), e.getMessage());
    }

    @Override
    public void close() {
        protocol.deactivate();
    }
}
