package org.scmi.core;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.scmi.api.Agent;
import org.scmi.api.MessageObserver;
import org.scmi.api.ScmiStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link MessageObserver} services registered right now, as an array that command queues read
 * once per command: an empty array means nobody watches, and the queue skips timing and the call.
 * Observers come and go on framework threads; each change publishes a new array. Showing a command
 * allocates nothing: the queue lends the same read-only buffer to every observer.
 */
final class MessageObservers {
    private static final Logger LOG = LoggerFactory.getLogger(MessageObservers.class);
    private static final MessageObserver[] NONE = new MessageObserver[0];

    private volatile MessageObserver[] observers = NONE;

    MessageObserver[] current() {
        return observers;
    }

    synchronized void add(MessageObserver observer) {
        MessageObserver[] grown = Arrays.copyOf(observers, observers.length + 1);
        grown[grown.length - 1] = observer;
        observers = grown;
    }

    synchronized void remove(MessageObserver observer) {
        observers = Arrays.stream(observers).filter(o -> o != observer).toArray(MessageObserver[]::new);
    }

    /**
     * Shows one answered command to {@code watching}; an observer that fails is logged and skipped.
     * Each observer gets {@code parameters} from its first byte to its limit, whatever the one before
     * did with its position.
     */
    void answered(MessageObserver[] watching, Agent agent, int header, ByteBuffer parameters, int status,
            int replyLength, long elapsedNanos) {
        ScmiStatus answered = ScmiStatus.of(status);
        int length = parameters.limit();
        for (MessageObserver observer : watching) {
            parameters.limit(length).position(0);
            try {
                observer.answered(agent, header, parameters, answered, replyLength, elapsedNanos);
            } catch (RuntimeException e) {
                LOG.error("message observer {} failed on a command of {}", observer, agent, e);
            }
        }
    }
}
