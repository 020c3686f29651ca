package org.scmi.sensor;

import java.util.Optional;
import java.util.function.IntFunction;
import org.scmi.api.Agent;
import org.scmi.api.ScmiHeader;
import org.scmi.api.sensor.SensorReading;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds and sends the protocol's notifications. Agents are looked up by id at send time, so a
 * guest that went away is simply skipped.
 */
final class Notifier {
    /** SENSOR_TRIP_POINT_EVENT payload: agent_id, sensor_id, trip_desc (Linux wants exactly this). */
    static final int TRIP_POINT_EVENT_SIZE = 12;
    /** SENSOR_UPDATE payload before the readings: agent_id, sensor_id. */
    static final int UPDATE_HEADER_SIZE = 8;
    private static final Logger LOG = LoggerFactory.getLogger(Notifier.class);

    private final IntFunction<Optional<Agent>> agents;

    Notifier(IntFunction<Optional<Agent>> agents) {
        this.agents = agents;
    }

    /**
     * Tells the agent that owns the trip point that the sensor crossed it. The agent_id field names
     * that agent: it configured the trip point.
     */
    void tripPoint(int agentId, int sensorId, int tripId, boolean upward) {
        send(agentId, SensorMessages.TRIP_POINT_EVENT, TRIP_POINT_EVENT_SIZE, reply -> reply.u32(agentId)
                .u32(sensorId).u32((upward ? SensorMessages.TRIP_EVENT_UPWARD : 0) | tripId));
    }

    /** Sends a SENSOR_UPDATE with a fresh reading to an agent that asked for continuous updates. */
    void sensorUpdate(int agentId, Sensor sensor, SensorReading reading, boolean timestamps) {
        send(agentId, SensorMessages.SENSOR_UPDATE, UPDATE_HEADER_SIZE + ReadingCodec.size(sensor.info()), reply -> {
            reply.u32(agentId).u32(sensor.id());
            ReadingCodec.write(reply, reading, timestamps);
        });
    }

    private void send(int agentId, int notificationId, int size, EventPayload.Writer writer) {
        Optional<Agent> agent = agents.apply(agentId).filter(Agent::hasEventChannel);
        if (agent.isEmpty()) {
            return;
        }
        byte[] payload = EventPayload.of(size, writer);
        int header = ScmiHeader.notification(SensorMessages.PROTOCOL_ID, notificationId).encode();
        if (!agent.get().sendEvent(header, payload)) {
            LOG.debug("agent {} did not take sensor notification {}", agentId, notificationId);
        }
    }
}
