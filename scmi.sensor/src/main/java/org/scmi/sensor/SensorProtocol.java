package org.scmi.sensor;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import java.util.List;
import org.scmi.api.Agent;
import org.scmi.api.AgentDirectory;
import org.scmi.api.BoardResource;
import org.scmi.api.MessageHandler;
import org.scmi.api.ScmiProtocol;
import org.scmi.api.sensor.SensorDriver;
import org.scmi.api.sensor.SensorListener;
import org.scmi.api.sensor.SensorReading;
import org.scmi.api.state.AgentStateStore;
import org.scmi.support.DirectoryReference;
import org.scmi.support.DriverArrivals;
import org.scmi.support.ResourceNotifications;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SCMI Sensor management protocol (0x15, version 3.1) over every {@link SensorDriver} service.
 *
 * <p>Threads: handlers run on the dispatcher's thread and never wait for a slow sensor when the
 * agent reads it asynchronously (the read runs on a virtual thread and completes with a delayed
 * response). A timer thread schedules the sampling for continuous updates and trip points; the
 * samples themselves run on virtual threads. Drivers may call the listener from any thread.
 *
 * <p>Agents see the sensors their profile lists, under their own ids ({@link SensorList#seenBy}):
 * every sensor id, count, list and notification goes through the agent's view.
 *
 * <p>Live updates: agents' settings (enables, intervals, notifications, trip points) and each
 * sensor's last value are kept in the platform's {@link AgentStateStore}; a new instance of this
 * bundle resumes every watch they ask for as soon as the sensors and agents are known. A driver
 * that goes away keeps its sensors' ids; reads of them wait for it up to the configured grace
 * period, then answer HARDWARE_ERROR.
 */
@Component(service = ScmiProtocol.class, configurationPid = SensorProtocol.PID, property = {
    ScmiProtocol.PROTOCOL_ID + ":Integer=21",
    ScmiProtocol.EVENTS + ":Boolean=true"
})
@Designate(ocd = SensorProtocolConfig.class)
public final class SensorProtocol implements ScmiProtocol {
    static final String PID = "org.scmi.sensor";
    private static final Logger LOG = LoggerFactory.getLogger(SensorProtocol.class);

    private final SensorCatalog catalog = new SensorCatalog();
    private final DriverArrivals arrivals = new DriverArrivals();
    private final SettingsStore settings;
    private final ExecutorService readers = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("scmi-sensor-timer").daemon().factory());
    private final SensorMonitor monitor;
    private final SensorHandlers handlers;
    private final SensorListener driverEvents = new DriverEvents();
    private final DirectoryReference directory = new DirectoryReference();
    private volatile Duration driverGrace;

    /** @param store where agents' settings are kept, so that they outlive this bundle */
    @Activate
    public SensorProtocol(SensorProtocolConfig config, @Reference AgentStateStore store) {
        modified(config);
        settings = new SettingsStore(store, directory::agentIds);
        Notifier notifier = new Notifier(new ResourceNotifications<>(store, SensorMessages.PROTOCOL_ID, directory,
                catalog::sensors));
        monitor = new SensorMonitor(catalog, settings, store, notifier, timer, readers);
        AsyncReads asyncReads = new AsyncReads(readers, AsyncReads.DEADLINE, monitor::read);
        handlers = new SensorHandlers(catalog, settings, monitor, asyncReads, arrivals, () -> driverGrace);
    }

    @Modified
    void modified(SensorProtocolConfig config) {
        driverGrace = Duration.ofMillis(Math.max(0, config.driverGraceMillis()));
    }

    @Deactivate
    void deactivate() {
        monitor.stop();
        timer.shutdownNow();
        readers.shutdownNow();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "removeDriver")
    void addDriver(SensorDriver driver) {
        if (catalog.add(driver)) {
            driver.addListener(driverEvents);
            arrivals.arrived();
            monitor.resume();
            LOG.info("sensor driver '{}' added: {} sensors listed", driver.key(), catalog.sensors().entries().size());
        }
    }

    void removeDriver(SensorDriver driver) {
        driver.removeListener(driverEvents);
        catalog.remove(driver);
        LOG.info("sensor driver '{}' removed; its sensors keep their ids and reads wait for it", driver.key());
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unsetDirectory")
    void setDirectory(AgentDirectory agents) {
        directory.bind(agents);
        monitor.resume();
    }

    void unsetDirectory(AgentDirectory agents) {
        directory.unbind(agents);
    }

    @Override
    public int protocolId() {
        return SensorMessages.PROTOCOL_ID;
    }

    @Override
    public int version() {
        return SensorMessages.VERSION;
    }

    @Override
    public int lowestVersion() {
        return SensorMessages.LOWEST_VERSION;
    }

    @Override
    public MessageHandler handler(int messageId, Agent agent) {
        return handlers.handler(messageId, agent);
    }

    @Override
    public void resetAgent(int agentId) {
        monitor.forget(agentId);
        settings.forget(agentId);
    }

    @Override
    public List<BoardResource> resources() {
        return catalog.sensors().boardResources();
    }

    @Override
    public List<BoardResource> resources(Agent agent) {
        return catalog.sensors().seenBy(agent).boardResources();
    }

    /** The listener every driver gets. */
    private final class DriverEvents implements SensorListener {
        @Override
        public void readingChanged(SensorDriver driver, String sensorKey, SensorReading reading) {
            catalog.of(driver, sensorKey)
                    .filter(sensor -> reading.values().size() == sensor.info().valueCount())
                    .ifPresent(sensor -> monitor.pushed(sensor, reading));
        }

        @Override
        public void sensorsChanged(SensorDriver driver) {
            catalog.refresh(driver);
            LOG.info("sensor driver '{}' changed its sensors: {} sensors listed", driver.key(),
                    catalog.sensors().entries().size());
        }
    }
}
