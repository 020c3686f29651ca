package org.scmi.sensor;

import java.util.List;
import org.scmi.api.ResourceKind;
import org.scmi.support.NumberedResources;

/**
 * The sensors of every driver as one numbered list (an immutable snapshot in the board's order,
 * see {@link SensorCatalog}); each agent sees its own numbering of it ({@link #seenBy}).
 */
final class SensorList extends NumberedResources<Sensor> {
    static final SensorList EMPTY = new SensorList(List.of());

    SensorList(List<Sensor> sensors) {
        super(sensors, ResourceKind.SENSORS);
    }
}
