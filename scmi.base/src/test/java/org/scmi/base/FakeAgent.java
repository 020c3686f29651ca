package org.scmi.base;

import java.util.ArrayList;
import java.util.List;
import org.scmi.api.Agent;

/** An agent that records the events queued for it. */
final class FakeAgent implements Agent {
    record Event(int header, byte[] payload) {
    }

    private final int id;
    private final String name;
    private final boolean eventChannel;
    final List<Event> events = new ArrayList<>();

    FakeAgent(int id, String name, boolean eventChannel) {
        this.id = id;
        this.name = name;
        this.eventChannel = eventChannel;
    }

    @Override
    public int id() {
        return id;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean hasEventChannel() {
        return eventChannel;
    }

    @Override
    public boolean sendEvent(int header, byte[] payload) {
        if (!eventChannel) {
            return false;
        }
        events.add(new Event(header, payload.clone()));
        return true;
    }
}
