package org.scmi.sensor;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.scmi.api.Agent;

/** An agent that records the events the platform sends it. */
final class FakeAgent implements Agent {
    record Event(int header, byte[] payload) {
    }

    private final int id;
    private final boolean eventChannel;
    final BlockingQueue<Event> events = new LinkedBlockingQueue<>();

    FakeAgent(int id, boolean eventChannel) {
        this.id = id;
        this.eventChannel = eventChannel;
    }

    @Override
    public int id() {
        return id;
    }

    @Override
    public String name() {
        return "guest" + id;
    }

    @Override
    public boolean hasEventChannel() {
        return eventChannel;
    }

    @Override
    public boolean sendEvent(int header, byte[] payload) {
        if (!eventChannel) {
            throw new AssertionError("event sent to agent " + id + " which has no event channel");
        }
        events.add(new Event(header, payload));
        return true;
    }

    /** The next event within the timeout, or null. */
    Event next(long millis) throws InterruptedException {
        return events.poll(millis, TimeUnit.MILLISECONDS);
    }
}
