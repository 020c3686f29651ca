package org.scmi.core;

import java.util.function.Consumer;
import org.scmi.core.profile.Profiles;

/** Where the agent registry takes the profiles in force from, and learns of their changes. */
interface ProfileSource {

    /** The profiles in force. */
    Profiles current();

    /** Calls {@code listener} with the profiles in force now and after every change, until removed. */
    void addListener(Consumer<Profiles> listener);

    void removeListener(Consumer<Profiles> listener);
}
