package org.scmi.core;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.scmi.api.Agent;
import org.scmi.api.MessageHandler;
import org.scmi.api.ScmiProtocol;
import org.scmi.api.ScmiRequest;

/** A protocol whose messages a test defines; remembers the last request a handler saw. */
final class FakeProtocol implements ScmiProtocol {
    private final int protocolId;
    private final int version;
    private final int lowestVersion;
    private final Map<Integer, MessageHandler> handlers = new HashMap<>();
    private final Map<Integer, Integer> attributes = new HashMap<>();
    volatile ScmiRequest lastRequest;
    volatile int handled;
    /** Agents whose configuration the protocol was told to forget, in order. */
    final List<Integer> resets = new CopyOnWriteArrayList<>();

    FakeProtocol(int protocolId, int version, int lowestVersion) {
        this.protocolId = protocolId;
        this.version = version;
        this.lowestVersion = lowestVersion;
    }

    FakeProtocol(int protocolId, int version) {
        this(protocolId, version, version);
    }

    /** Adds a message; the body runs after the request is recorded. */
    FakeProtocol on(int messageId, int parameterLength, MessageHandler.Body body) {
        handlers.put(messageId, MessageHandler.of(parameterLength, (request, reply) -> {
            lastRequest = request;
            handled++;
            body.handle(request, reply);
        }));
        return this;
    }

    /** Adds a message served by {@code handler} as it is, without recording requests. */
    FakeProtocol on(int messageId, MessageHandler handler) {
        handlers.put(messageId, handler);
        return this;
    }

    FakeProtocol attributes(int messageId, int value) {
        attributes.put(messageId, value);
        return this;
    }

    @Override
    public int protocolId() {
        return protocolId;
    }

    @Override
    public int version() {
        return version;
    }

    @Override
    public int lowestVersion() {
        return lowestVersion;
    }

    @Override
    public MessageHandler handler(int messageId, Agent agent) {
        return handlers.get(messageId);
    }

    @Override
    public int messageAttributes(int messageId, Agent agent) {
        return attributes.getOrDefault(messageId, 0);
    }

    @Override
    public void resetAgent(int agentId) {
        resets.add(agentId);
    }
}
