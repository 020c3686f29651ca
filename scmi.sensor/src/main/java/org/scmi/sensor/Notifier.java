package org.scmi.sensor;

import org.scmi.api.sensor.SensorReading;
import org.scmi.support.ResourceNotifications;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the protocol's notifications and sends them through {@link ResourceNotifications}, which
 * names the sensor by the id the receiving agent knows it by and sends nothing to an agent that is
 * gone, has no event channel or does not see the sensor.
 */
final class Notifier {
    /** SENSOR_TRIP_POINT_EVENT payload: agent_id, sensor_id, trip_desc (Linux wants exactly this). */
    static final int TRIP_POINT_EVENT_SIZE = 12;
    /** SENSOR_UPDATE payload before the readings: agent_id, sensor_id. */
    static final int UPDATE_HEADER_SIZE = 8;
    private static final Logger LOG = LoggerFactory.getLogger(Notifier.class);

    private final ResourceNotifications<Sensor> notifications;

    Notifier(ResourceNotifications<Sensor> notifications) {
        this.notifications = notifications;
    }

    /**
     * Tells the agent that owns the trip point that the sensor crossed it. The agent_id field names
     * that agent: it configured the trip point.
     */
    void tripPoint(int agentId, Sensor sensor, int tripId, boolean upward) {
        send(agentId, SensorMessages.TRIP_POINT_EVENT, sensor, sensorId -> EventPayload.of(TRIP_POINT_EVENT_SIZE,
                reply -> reply.u32(agentId).u32(sensorId)
                        .u32((upward ? SensorMessages.TRIP_EVENT_UPWARD : 0) | tripId)));
    }

    /** Sends a SENSOR_UPDATE with a fresh reading to an agent that asked for continuous updates. */
    void sensorUpdate(int agentId, Sensor sensor, SensorReading reading, boolean timestamps) {
        send(agentId, SensorMessages.SENSOR_UPDATE, sensor, sensorId -> EventPayload.of(
                UPDATE_HEADER_SIZE + ReadingCodec.size(sensor.info()), reply -> {
                    reply.u32(agentId).u32(sensorId);
                    ReadingCodec.write(reply, reading, timestamps);
                }));
    }

    private void send(int agentId, int notificationId, Sensor sensor, ResourceNotifications.Payload payload) {
        if (!notifications.send(agentId, notificationId, sensor, payload)) {
            LOG.debug("agent {} did not take sensor notification {} of {}", agentId, notificationId, sensor.uid());
        }
    }
}
