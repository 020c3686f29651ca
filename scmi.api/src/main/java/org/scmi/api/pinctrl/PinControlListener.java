package org.scmi.api.pinctrl;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Receives the changes a {@link PinControlDriver} did not make on the protocol's request. Calls
 * come from any thread, must not block, and may arrive after the listener was removed.
 */
@ProviderType
public interface PinControlListener {

    /**
     * The pin's config {@code type} changed by the platform itself: it becomes the pin's own value,
     * which no agent's reset undoes.
     */
    void configChanged(String pinKey, int type);
}
