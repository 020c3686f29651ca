package org.scmi.sensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.annotation.Annotation;
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
import org.scmi.virtio.scmi.AgentStates;

/** Sends commands to a {@link SensorProtocol} the way the dispatcher does. */
final class Harness implements AutoCloseable {
    /** What Linux's virtio transport leaves for a variable-size reply after the status word. */
    static final int LINUX_CAPACITY = 128;

    /** Short, so that waiting for an absent driver takes little test time. */
    static final int GRACE_MILLIS = 200;

    final AgentStates store;
    private final List<FakeDriver> drivers;
    final SensorProtocol protocol;
    private final Map<Integer, Agent> agents = new ConcurrentHashMap<>();
    private final AgentDirectory directory = new AgentDirectory() {
        @Override
        public List<Agent> agents() {
            return agents.values().stream().sorted((a, b) -> a.id() - b.id()).toList();
        }
    };

    Harness(FakeDriver... drivers) {
        this(new AgentStates(), drivers);
    }

    /** A protocol instance over {@code store}: a second harness on the same store is the protocol updated. */
    Harness(AgentStates store, FakeDriver... drivers) {
        this.store = store;
        this.drivers = List.of(drivers);
        this.protocol = new SensorProtocol(config(GRACE_MILLIS), store);
        for (FakeDriver driver : drivers) {
            protocol.addDriver(driver);
        }
        protocol.setDirectory(directory);
    }

    /** Binds the directory again, as DS does when it comes back: the protocol resumes agents' watches. */
    void rebindDirectory() {
        protocol.unsetDirectory(directory);
        protocol.setDirectory(directory);
    }

    static SensorProtocolConfig config(int graceMillis) {
        return new SensorProtocolConfig() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return SensorProtocolConfig.class;
            }

            @Override
            public int driverGraceMillis() {
                return graceMillis;
            }
        };
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

    /** Stops the protocol as DS does: its dynamic references are unbound, then it is deactivated. */
    @Override
    public void close() {
        drivers.forEach(protocol::removeDriver);
        protocol.unsetDirectory(directory);
        protocol.deactivate();
    }
}
