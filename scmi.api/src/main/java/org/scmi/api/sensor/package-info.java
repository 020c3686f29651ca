/**
 * The sensor driver service a board bundle provides, and the listener the Sensor management
 * protocol gives it.
 *
 * <p>A driver describes its sensors ({@link org.scmi.api.sensor.SensorInfo}), reads them on
 * request and pushes new samples through {@link org.scmi.api.sensor.SensorListener}. Agents' reads go
 * through {@link org.scmi.api.sensor.SensorDriver#readInto}, which writes the sample into a sink the
 * protocol reuses ({@link org.scmi.api.sensor.ReadingSink}) and says with its status why there is
 * none, so that a read allocates nothing when the driver does not. Values are
 * integers in the sensor's unit scaled by ten to the power of its scale, as SCMI carries them. The
 * protocol merges every driver's sensors into one list: drivers in {@link
 * org.scmi.api.sensor.SensorDriver#key()} order, each driver's sensors in the order it lists them;
 * a sensor's SCMI id is its position in that list.
 */
@Export
@Version("1.1.0")
package org.scmi.api.sensor;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
