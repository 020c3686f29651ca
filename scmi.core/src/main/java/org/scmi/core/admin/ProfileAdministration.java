package org.scmi.core.admin;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The agent profiles for administration: which are in force, which were rejected and why, and a
 * check of the whole configuration against the board (used at start-up: a server whose profiles
 * do not hold stops rather than serving guests with the wrong view).
 */
@ProviderType
public interface ProfileAdministration {

    /**
     * One configured profile.
     *
     * @param pid its configuration, e.g. {@code org.scmi.agent~ivi}
     * @param agent the agent name it is for
     * @param description what it lets the agent use and see, one line
     * @param inForce whether this profile (or its previous version) is in force
     * @param problem why its current configuration is not in force, or empty
     */
    record ProfileInfo(String pid, String agent, String description, boolean inForce, String problem) {
    }

    /** Whether profiles are configured: guests without one are then refused unless a default is named. */
    boolean restricted();

    /** The name of the default profile in force, or empty. */
    String defaultProfile();

    /** Every profile configuration, in PID order. */
    List<ProfileInfo> profiles();

    /**
     * Checks every profile configuration now, against the others and the resources the board
     * offers, without changing what is in force.
     *
     * @return every problem found, each naming its configuration; empty if the configuration holds
     */
    List<String> verify();
}
