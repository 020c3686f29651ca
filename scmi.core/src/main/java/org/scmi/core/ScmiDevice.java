package org.scmi.core;

import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.scmi.api.MessageObserver;
import org.scmi.api.ScmiProtocol;
import org.scmi.virtio.device.GuestIdentity;
import org.scmi.virtio.device.GuestTransport;
import org.scmi.virtio.device.VirtioDevice;
import org.scmi.virtio.device.VirtioDeviceIds;
import org.scmi.virtio.device.VirtioDeviceSession;
import org.scmi.virtio.ring.VirtioFeatures;
import org.scmi.virtio.ring.VirtqueueFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The virtio-scmi device (virtio device 32) that transports serve to guests. It binds every SCMI
 * protocol service as it comes and goes (whiteboard, keyed by {@link ScmiProtocol#PROTOCOL_ID})
 * and opens one {@link ScmiDeviceSession} per guest, speaking for that guest's agent.
 *
 * <p>Features: VERSION_1, INDIRECT_DESC and EVENT_IDX always; VIRTIO_SCMI_F_P2A_CHANNELS only
 * while a protocol that sends events ({@link ScmiProtocol#EVENTS}) is present, because the device
 * must not offer an event channel it has nothing to send on.
 *
 * <p>Live updates: a command for a protocol that is being replaced waits for it up to the
 * configured grace period (see {@link ScmiDispatcher}). The rings are served by the virtqueue
 * engine service ({@link VirtqueueFactory}), bound dynamically: when the ring bundle is updated,
 * every running queue moves to the new engine between two chains, and a queue that starts while
 * no engine is registered waits for one up to the same grace period. Every answered command is
 * shown to the {@link MessageObserver} services registered, if any.
 */
@Component(service = VirtioDevice.class, configurationPid = ScmiDevice.PID,
        property = VirtioDevice.DEVICE_ID + ":Integer=" + VirtioDeviceIds.SCMI)
@Designate(ocd = ScmiDevice.Config.class)
public final class ScmiDevice implements VirtioDevice {
    static final String PID = "org.scmi.core";
    private static final Logger LOG = LoggerFactory.getLogger(ScmiDevice.class);
    private static final long RING_FEATURES = VirtioFeatures.bit(VirtioFeatures.VERSION_1)
            | VirtioFeatures.bit(VirtioFeatures.RING_INDIRECT_DESC) | VirtioFeatures.bit(VirtioFeatures.RING_EVENT_IDX);
    private static final long ALL_FEATURES = RING_FEATURES | VirtioFeatures.bit(VirtioScmi.F_P2A_CHANNELS);

    @ObjectClassDefinition(name = "SCMI virtio device",
            description = "The virtio-scmi device every transport serves to its guests.")
    public @interface Config {
        @AttributeDefinition(name = "Pending notifications per guest",
                description = "Notifications kept for a guest that posts no event buffers; beyond this the "
                        + "oldest is dropped. Delayed responses are always kept.", min = "1")
        int pending_notifications() default 256;

        @AttributeDefinition(name = "Grace period for an absent protocol (ms)",
                description = "How long a command waits for a protocol that is being updated, stopped and started "
                        + "or refreshed before it is answered NOT_SUPPORTED, and how long a queue the guest starts "
                        + "waits for the virtqueue engine while the ring bundle is being replaced. Keep it well "
                        + "below the guest's command timeout (Linux over virtio: 60 s by default, "
                        + "arm,max-rx-timeout-ms in the device tree; the test harness uses 5 s). Protocol ids never "
                        + "registered are answered at once.",
                min = "0")
        int absent_protocol_grace_ms() default 2000;
    }

    /** How a bound protocol was registered. */
    private record Registration(int protocolId, boolean sendsEvents) {
    }

    private final AgentRegistry agents;
    private final AgentStates states;
    private final ScmiDispatcher dispatcher;
    private final VirtqueueEngines engines;
    private final MessageObservers observers = new MessageObservers();
    private final Map<ScmiProtocol, Registration> registrations = new IdentityHashMap<>();
    private volatile int eventProtocols;
    private volatile int notificationLimit;

    @Activate
    public ScmiDevice(@Reference AgentRegistry agents, @Reference AgentStates states, Config config) {
        this.agents = agents;
        this.states = states;
        this.notificationLimit = config.pending_notifications();
        this.dispatcher = new ScmiDispatcher(grace(config));
        this.engines = new VirtqueueEngines(grace(config));
    }

    private static Duration grace(Config config) {
        return Duration.ofMillis(Math.max(0, config.absent_protocol_grace_ms()));
    }

    @Modified
    void modified(Config config) {
        notificationLimit = config.pending_notifications();
        dispatcher.setGrace(grace(config));
        engines.setGrace(grace(config));
    }

    /**
     * The virtqueue engine. Bound dynamically, so that an update of the ring bundle replaces the
     * engine under running guests: their queues move to the new one (see {@link VirtqueueEngines}).
     */
    @Reference(service = VirtqueueFactory.class, cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY, unbind = "removeEngine")
    void addEngine(VirtqueueFactory engine) {
        LOG.info("virtqueue engine: {}", engine.description());
        engines.bind(engine);
    }

    void removeEngine(VirtqueueFactory engine) {
        engines.unbind(engine);
    }

    @Reference(service = MessageObserver.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, unbind = "removeObserver")
    void addObserver(MessageObserver observer) {
        observers.add(observer);
    }

    void removeObserver(MessageObserver observer) {
        observers.remove(observer);
    }

    @Reference(service = ScmiProtocol.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, unbind = "removeProtocol", updated = "updatedProtocol")
    synchronized void addProtocol(ScmiProtocol protocol, Map<String, Object> properties) {
        Object id = properties.get(ScmiProtocol.PROTOCOL_ID);
        int protocolId;
        try {
            protocolId = id instanceof Number number ? number.intValue() : Integer.decode(String.valueOf(id));
        } catch (NumberFormatException e) {
            protocolId = -1;
        }
        if (protocolId < 0 || protocolId > 0xFF) {
            LOG.error("ignoring SCMI protocol service {} without a valid {} property (0..255): {}", protocol,
                    ScmiProtocol.PROTOCOL_ID, id);
            return;
        }
        Object events = properties.get(ScmiProtocol.EVENTS);
        Registration registration = new Registration(protocolId,
                events instanceof Boolean flag ? flag : Boolean.parseBoolean(String.valueOf(events)));
        registrations.put(protocol, registration);
        dispatcher.addProtocol(protocolId, protocol);
        if (registration.sendsEvents()) {
            eventProtocols++;
        }
        LOG.debug("SCMI protocol 0x{} available{}", Integer.toHexString(protocolId),
                registration.sendsEvents() ? " (sends events)" : "");
    }

    synchronized void removeProtocol(ScmiProtocol protocol, Map<String, Object> properties) {
        Registration registration = registrations.remove(protocol);
        if (registration == null) {
            return;
        }
        dispatcher.removeProtocol(registration.protocolId(), protocol);
        if (registration.sendsEvents()) {
            eventProtocols--;
        }
        LOG.debug("SCMI protocol 0x{} gone", Integer.toHexString(registration.protocolId()));
    }

    synchronized void updatedProtocol(ScmiProtocol protocol, Map<String, Object> properties) {
        removeProtocol(protocol, properties);
        addProtocol(protocol, properties);
    }

    @Override
    public int deviceId() {
        return VirtioDeviceIds.SCMI;
    }

    @Override
    public long features() {
        return eventProtocols > 0 ? ALL_FEATURES : RING_FEATURES;
    }

    @Override
    public int queueCount() {
        return VirtioScmi.QUEUE_COUNT;
    }

    @Override
    public int maxQueueSize() {
        return VirtioScmi.MAX_QUEUE_SIZE;
    }

    @Override
    public VirtioDeviceSession open(GuestIdentity guest, GuestTransport transport) {
        GuestAgent agent = agents.agentFor(guest);
        ScmiDeviceSession session = new ScmiDeviceSession(agent, transport, dispatcher, states, ALL_FEATURES,
                () -> notificationLimit, observers, engines);
        agent.attach(session, guest.name());
        LOG.info("guest {} connected as {}", guest.key(), agent);
        return session;
    }
}
