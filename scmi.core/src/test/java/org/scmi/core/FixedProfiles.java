package org.scmi.core;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.scmi.core.profile.Profiles;

/** Profiles a test sets, as the configuration would. */
final class FixedProfiles implements ProfileSource {
    private final List<Consumer<Profiles>> listeners = new CopyOnWriteArrayList<>();
    private volatile Profiles current = Profiles.UNRESTRICTED;

    @Override
    public Profiles current() {
        return current;
    }

    /** Puts {@code profiles} in force, as a configuration change would. */
    void set(Profiles profiles) {
        current = profiles;
        listeners.forEach(listener -> listener.accept(profiles));
    }

    @Override
    public void addListener(Consumer<Profiles> listener) {
        listeners.add(listener);
        listener.accept(current);
    }

    @Override
    public void removeListener(Consumer<Profiles> listener) {
        listeners.remove(listener);
    }
}
