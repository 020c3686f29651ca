package org.scmi.api.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.scmi.api.Agent;

/**
 * An agent that keeps what a protocol sends it on its event channel. Sending to an agent without
 * an event channel fails the test: protocols must check {@link #hasEventChannel()} first.
 */
public final class FakeAgent implements Agent {
    /** One notification or delayed response as the agent received it. */
    public record Event(int header, byte[] payload) {
    }

    private final int id;
    private final String name;
    private final boolean eventChannel;
    private final boolean trusted;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private volatile Consumer<Event> reaction = event -> {
    };

    /** An agent named {@code guest<id>}. */
    public FakeAgent(int id, boolean eventChannel) {
        this(id, "guest" + id, eventChannel);
    }

    public FakeAgent(int id, String name, boolean eventChannel) {
        this(id, name, eventChannel, false);
    }

    /** An agent the platform trusts, or not. */
    public FakeAgent(int id, String name, boolean eventChannel, boolean trusted) {
        this.id = id;
        this.name = name;
        this.eventChannel = eventChannel;
        this.trusted = trusted;
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
    public boolean trusted() {
        return trusted;
    }

    @Override
    public boolean sendEvent(int header, byte[] payload) {
        if (!eventChannel) {
            throw new AssertionError("event sent to agent " + id + " which has no event channel");
        }
        Event event = new Event(header, payload.clone());
        events.add(event);
        reaction.accept(event);
        return true;
    }

    /**
     * Runs {@code reaction} for each event on the thread that sends it, before the sender goes on:
     * an agent that acts the moment an event arrives.
     */
    public void onEvent(Consumer<Event> reaction) {
        this.reaction = reaction;
    }

    /** Events received so far, in order, leaving them in place. */
    public List<Event> events() {
        return List.copyOf(events);
    }

    /** Events received so far, removing them. */
    public List<Event> drain() {
        List<Event> drained = new ArrayList<>();
        events.drainTo(drained);
        return drained;
    }

    /** The next event within the timeout, or null. */
    public Event next(long millis) throws InterruptedException {
        return events.poll(millis, TimeUnit.MILLISECONDS);
    }

    /** The next event, waiting up to two seconds (the Linux deadline for delayed responses). */
    public Event await() throws InterruptedException {
        Event event = next(2_000);
        if (event == null) {
            throw new AssertionError("agent " + id + " received nothing within 2 s");
        }
        return event;
    }
}
