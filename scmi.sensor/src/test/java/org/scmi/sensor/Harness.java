package org.scmi.sensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.annotation.Annotation;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.scmi.api.Agent;
import org.scmi.api.AgentDirectory;
import org.scmi.api.ScmiException;
import org.scmi.api.ScmiStatus;
import org.scmi.api.sensor.SensorDriver;
import org.scmi.api.testing.Dispatch;
import org.scmi.api.testing.FakeAgent;
import org.scmi.core.AgentStates;

/** Sends commands to a {@link SensorProtocol} the way the dispatcher does. */
final class Harness implements AutoCloseable {
    /** Short, so that waiting for an absent driver takes little test time. */
    static final int GRACE_MILLIS = 200;

    final AgentStates store;
    private final List<SensorDriver> drivers;
    final SensorProtocol protocol;
    private final Map<Integer, Agent> agents = new ConcurrentHashMap<>();
    private final AgentDirectory directory = new AgentDirectory() {
        @Override
        public List<Agent> agents() {
            return agents.values().stream().sorted((a, b) -> a.id() - b.id()).toList();
        }
    };

    Harness(SensorDriver... drivers) {
        this(new AgentStates(), drivers);
    }

    /** A protocol instance over {@code store}: a second harness on the same store is the protocol updated. */
    Harness(AgentStates store, SensorDriver... drivers) {
        this.store = store;
        this.drivers = List.of(drivers);
        this.protocol = new SensorProtocol(config(GRACE_MILLIS), store);
        for (SensorDriver driver : drivers) {
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
        return agent(new FakeAgent(id, eventChannel));
    }

    /** An agent the directory knows, with the view its test gives it. */
    FakeAgent agent(FakeAgent agent) {
        agents.put(agent.id(), agent);
        return agent;
    }

    byte[] call(Agent agent, int messageId, int... parameters) throws ScmiException {
        return callSized(agent, messageId, 0, Dispatch.LINUX_CAPACITY, parameters);
    }

    byte[] callSized(Agent agent, int messageId, int token, int capacity, int... parameters) throws ScmiException {
        return Dispatch.returnValuesWithToken(token, capacity, protocol, agent, messageId, parameters);
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
