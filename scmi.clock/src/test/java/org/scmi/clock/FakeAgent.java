package org.scmi.clock;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.scmi.api.Agent;

/** An agent that keeps what the protocol sends it on its event channel. */
final class FakeAgent implements Agent {
    /** One notification or delayed response as the agent received it. */
    record Event(int header, byte[] payload) {
    }

    private final int id;
    private final boolean eventChannel;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();

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
        return eventChannel && events.add(new Event(header, payload.clone()));
    }

    /** Events received so far, removing them. */
    List<Event> drain() {
        List<Event> drained = new java.util.ArrayList<>();
        events.drainTo(drained);
        return drained;
    }

    /** The next event, waiting up to two seconds (the Linux deadline for delayed responses). */
    Event await() throws InterruptedException {
        Event event = events.poll(2, TimeUnit.SECONDS);
        if (event == null) {
            throw new AssertionError("agent " + id + " received nothing within 2 s");
        }
        return event;
    }
}
