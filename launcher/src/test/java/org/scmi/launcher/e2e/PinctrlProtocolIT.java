package org.scmi.launcher.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.scmi.launcher.e2e.BoardServer.AGENT_A;
import static org.scmi.launcher.e2e.BoardServer.AGENT_B;
import static org.scmi.launcher.e2e.Scmi.BASE;
import static org.scmi.launcher.e2e.Scmi.BASE_RESET_AGENT_CONFIGURATION;
import static org.scmi.launcher.e2e.Scmi.EXTENDED_NAME;
import static org.scmi.launcher.e2e.Scmi.LINUX_RESPONSE_BUFFER;
import static org.scmi.launcher.e2e.Scmi.NEGOTIATE_PROTOCOL_VERSION;
import static org.scmi.launcher.e2e.Scmi.PINCTRL;
import static org.scmi.launcher.e2e.Scmi.PROTOCOL_ATTRIBUTES;
import static org.scmi.launcher.e2e.Scmi.PROTOCOL_MESSAGE_ATTRIBUTES;
import static org.scmi.launcher.e2e.Scmi.PROTOCOL_VERSION;
import static org.scmi.launcher.e2e.Scmi.RESPONSE_PREFIX;
import static org.scmi.launcher.e2e.Scmi.SHORT_NAME;

import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.scmi.api.ScmiStatus;
import org.scmi.linux.LinuxException;

/**
 * The whole Pin control protocol (0x19, v1.0) through the running server, with two guests: every
 * message with its errors, byte for byte; association and settings lists paged in Linux's 128 bytes
 * and in smaller buffers; exclusive use between the guests, permissions from a guest its profile trusts, the
 * platform's own changes from the shell and an agent's reset. The protocol has no notifications and
 * no delayed responses: no guest ever gets an event.
 */
class PinctrlProtocolIT extends TwoGuests {
    private static final int VERSION = 0x1_0000;
    private static final int ATTRIBUTES = 0x3;
    private static final int LIST_ASSOCIATIONS = 0x4;
    private static final int SETTINGS_GET = 0x5;
    private static final int SETTINGS_CONFIGURE = 0x6;
    private static final int REQUEST = 0x7;
    private static final int RELEASE = 0x8;
    private static final int NAME_GET = 0x9;
    private static final int SET_PERMISSIONS = 0xA;

    private static final int PIN = 0;
    private static final int GROUP = 1;
    private static final int FUNCTION = 2;
    private static final int NO_FUNCTION = 0xFFFF_FFFF;
    private static final int EXTENDED = 1 << 31;
    private static final int GET_GROUP = 1 << 16;
    private static final int GET_ALL = 1 << 18;
    private static final int GET_FUNCTION_ONLY = 2 << 18;
    private static final int FUNCTION_VALID = 1 << 10;
    private static final int ALLOW = 1 << 2;

    private static final int BIAS_PULL_UP = 4;
    private static final int BIAS_PULL_DOWN = 6;
    private static final int DRIVE_STRENGTH = 10;
    private static final int INPUT_VALUE = 14;
    private static final int OUTPUT_VALUE = 18;
    private static final int OEM = 200;

    /** 70 pads in one wide bus group, more than one reply carries; a pad with an OEM config and a long name. */
    private static final int PADS = 70;
    private static final String BOARD = """
            {
              "pins": [ %s,
                { "name": "BOOT_MODE_SELECT_PIN", "key": "boot",
                  "configs": { "bias-pull-down": 1, "drive-strength": { "value": 2, "min": 2, "max": 8 },
                               "input-value": 0, "oem-200": { "value": 3, "max": 9 } } } ],
              "pinGroups": [
                { "name": "bus_grp", "key": "bus", "pins": [ %s ] },
                { "name": "low_grp", "key": "low", "pins": ["p0", "p1"] },
                { "name": "boot_grp", "key": "boot", "pins": ["boot"] } ],
              "pinFunctions": [
                { "name": "bus", "groups": ["bus"] },
                { "name": "uart", "groups": ["low", "boot"], "selected": "low" } ]
            }
            """.formatted(
            IntStream.range(0, PADS).mapToObj(i -> "{ \"name\": \"P%d\", \"key\": \"p%d\" }".formatted(i, i))
                    .collect(Collectors.joining(", ")),
            IntStream.range(0, PADS).mapToObj(i -> "\"p" + i + "\"").collect(Collectors.joining(", ")));
    private static final int BOOT = PADS;
    private static final int PINS = PADS + 1;
    private static final int BUS_GRP = 0;
    private static final int LOW_GRP = 1;
    private static final int BOOT_GRP = 2;
    private static final int GROUPS = 3;
    private static final int BUS = 0;
    private static final int UART = 1;
    private static final int FUNCTIONS = 2;

    private static final int ONE_WORD_REPLY = RESPONSE_PREFIX + 4;
    private static final int ATTRIBUTES_REPLY = RESPONSE_PREFIX + 4 + SHORT_NAME;
    private static final int NAME_REPLY = RESPONSE_PREFIX + 4 + EXTENDED_NAME;
    private static final int STATUS_ONLY = RESPONSE_PREFIX;
    /** 16-bit ids in the 128 bytes Linux posts: (128 - 4) / 2. */
    private static final int IDS_PER_LINUX_REPLY = 62;
    private static final byte[] NOTHING = new byte[0];
    /** A profile for guest B, trusted, that sees every pin, group and function. */
    private static final String TRUSTED_PROFILE = "org.scmi.agent~guest-b";

    @Override
    String board() {
        return BOARD;
    }

    @Test
    void versionAttributesAndMessageAttributes() throws Exception {
        a.call(PINCTRL, PROTOCOL_VERSION, ONE_WORD_REPLY).assertValues(Le.words(VERSION));
        a.call(PINCTRL, PROTOCOL_ATTRIBUTES, RESPONSE_PREFIX + 8).assertValues(Le.words(GROUPS << 16 | PINS, FUNCTIONS));
        for (int message = PROTOCOL_VERSION; message <= SET_PERMISSIONS; message++) {
            a.call(PINCTRL, PROTOCOL_MESSAGE_ATTRIBUTES, ONE_WORD_REPLY, message).assertValues(Le.words(0));
        }
        for (int message : new int[] {0xB, NEGOTIATE_PROTOCOL_VERSION, 0x80}) {
            a.call(PINCTRL, PROTOCOL_MESSAGE_ATTRIBUTES, ONE_WORD_REPLY, message).assertStatus(ScmiStatus.NOT_FOUND);
        }
        a.call(PINCTRL, 0xB, STATUS_ONLY).assertStatus(ScmiStatus.NOT_FOUND);
    }

    @Test
    void attributesAndNamesOfPinsGroupsAndFunctions() throws Exception {
        a.call(PINCTRL, ATTRIBUTES, ATTRIBUTES_REPLY, 0, PIN).assertValues(Le.words(1).name("P0", SHORT_NAME));
        a.call(PINCTRL, ATTRIBUTES, ATTRIBUTES_REPLY, BOOT, PIN)
                .assertValues(Le.words(EXTENDED | 1).name("BOOT_MODE_SELEC", SHORT_NAME));
        a.call(PINCTRL, NAME_GET, NAME_REPLY, BOOT, PIN).assertValues(Le.words(0).name("BOOT_MODE_SELECT_PIN", EXTENDED_NAME));
        a.call(PINCTRL, ATTRIBUTES, ATTRIBUTES_REPLY, BUS_GRP, GROUP).assertValues(Le.words(PADS).name("bus_grp", SHORT_NAME));
        a.call(PINCTRL, NAME_GET, NAME_REPLY, LOW_GRP, GROUP).assertValues(Le.words(0).name("low_grp", EXTENDED_NAME));
        a.call(PINCTRL, ATTRIBUTES, ATTRIBUTES_REPLY, UART, FUNCTION).assertValues(Le.words(2).name("uart", SHORT_NAME));
        a.call(PINCTRL, NAME_GET, NAME_REPLY, BUS, FUNCTION).assertValues(Le.words(0).name("bus", EXTENDED_NAME));
        a.call(PINCTRL, ATTRIBUTES, ATTRIBUTES_REPLY, 0x1_0000 | 1, PIN).assertValues(Le.words(1).name("P1", SHORT_NAME));

        a.call(PINCTRL, ATTRIBUTES, ATTRIBUTES_REPLY, PINS, PIN).assertStatus(ScmiStatus.NOT_FOUND);
        a.call(PINCTRL, ATTRIBUTES, ATTRIBUTES_REPLY, GROUPS, GROUP).assertStatus(ScmiStatus.NOT_FOUND);
        a.call(PINCTRL, NAME_GET, NAME_REPLY, FUNCTIONS, FUNCTION).assertStatus(ScmiStatus.NOT_FOUND);
        a.call(PINCTRL, ATTRIBUTES, ATTRIBUTES_REPLY, 0, 3).assertStatus(ScmiStatus.INVALID_PARAMETERS);
        a.call(PINCTRL, NAME_GET, NAME_REPLY, 0, 0x8000_0000).assertStatus(ScmiStatus.INVALID_PARAMETERS);
        a.call(PINCTRL, ATTRIBUTES, ATTRIBUTES_REPLY, 0).assertStatus(ScmiStatus.PROTOCOL_ERROR);
    }

    /** The bus group's 70 pins: 62 in Linux's buffer, the agent re-asking from index + returned. */
    @Test
    void associationsInPages() throws Exception {
        a.call(PINCTRL, LIST_ASSOCIATIONS, LINUX_RESPONSE_BUFFER, BUS_GRP, GROUP, 0)
                .assertValues(ids(IDS_PER_LINUX_REPLY, PADS - IDS_PER_LINUX_REPLY, 0));
        a.call(PINCTRL, LIST_ASSOCIATIONS, LINUX_RESPONSE_BUFFER, BUS_GRP, GROUP, IDS_PER_LINUX_REPLY)
                .assertValues(ids(PADS - IDS_PER_LINUX_REPLY, 0, IDS_PER_LINUX_REPLY));
        a.call(PINCTRL, LIST_ASSOCIATIONS, RESPONSE_PREFIX + 4 + 2, BUS_GRP, GROUP, 5).assertValues(ids(1, PADS - 6, 5));
        a.call(PINCTRL, LIST_ASSOCIATIONS, LINUX_RESPONSE_BUFFER, UART, FUNCTION, 0)
                .assertValues(Le.words(2).raw(LOW_GRP, 0, BOOT_GRP, 0));
        a.call(PINCTRL, LIST_ASSOCIATIONS, LINUX_RESPONSE_BUFFER, BUS_GRP, GROUP, PADS)
                .assertStatus(ScmiStatus.INVALID_PARAMETERS);
        a.call(PINCTRL, LIST_ASSOCIATIONS, LINUX_RESPONSE_BUFFER, 0, PIN, 0).assertStatus(ScmiStatus.INVALID_PARAMETERS);
        a.call(PINCTRL, LIST_ASSOCIATIONS, LINUX_RESPONSE_BUFFER, GROUPS, GROUP, 0).assertStatus(ScmiStatus.NOT_FOUND);
        // Room for the flags but not for one id.
        a.call(PINCTRL, LIST_ASSOCIATIONS, RESPONSE_PREFIX + 5, BUS_GRP, GROUP, 0).assertStatus(ScmiStatus.COMMS_ERROR);
    }

    /** Flags word, then {@code returned} pin ids from {@code first}. */
    private static Le ids(int returned, int remaining, int first) {
        Le ids = Le.words(returned | remaining << 16);
        for (int id = first; id < first + returned; id++) {
            ids.raw(id, id >>> 8);
        }
        return ids;
    }

    @Test
    void settingsOfAPinAsTheBoardFileSetsThem() throws Exception {
        a.call(PINCTRL, SETTINGS_GET, LINUX_RESPONSE_BUFFER, BOOT, GET_ALL)
                .assertValues(Le.words(NO_FUNCTION, 4, BIAS_PULL_DOWN, 1, DRIVE_STRENGTH, 2, INPUT_VALUE, 0, OEM, 3));
        a.call(PINCTRL, SETTINGS_GET, RESPONSE_PREFIX + 16, BOOT, GET_ALL | 1 << 8)
                .assertValues(Le.words(NO_FUNCTION, 1 | 2 << 24, DRIVE_STRENGTH, 2));
        a.call(PINCTRL, SETTINGS_GET, LINUX_RESPONSE_BUFFER, BOOT, OEM)
                .assertValues(Le.words(NO_FUNCTION, 1, OEM, 3));
        a.call(PINCTRL, SETTINGS_GET, LINUX_RESPONSE_BUFFER, 0, GET_FUNCTION_ONLY).assertValues(Le.words(UART, 0));
        a.call(PINCTRL, SETTINGS_GET, LINUX_RESPONSE_BUFFER, LOW_GRP, GET_GROUP | GET_FUNCTION_ONLY)
                .assertValues(Le.words(UART, 0));

        a.call(PINCTRL, SETTINGS_GET, LINUX_RESPONSE_BUFFER, BOOT, BIAS_PULL_UP).assertStatus(ScmiStatus.NOT_SUPPORTED);
        a.call(PINCTRL, SETTINGS_GET, LINUX_RESPONSE_BUFFER, BOOT, 100).assertStatus(ScmiStatus.INVALID_PARAMETERS);
        a.call(PINCTRL, SETTINGS_GET, LINUX_RESPONSE_BUFFER, BOOT, 3 << 18).assertStatus(ScmiStatus.INVALID_PARAMETERS);
        a.call(PINCTRL, SETTINGS_GET, LINUX_RESPONSE_BUFFER, BOOT, GET_ALL | 5 << 8)
                .assertStatus(ScmiStatus.INVALID_PARAMETERS);
        a.call(PINCTRL, SETTINGS_GET, LINUX_RESPONSE_BUFFER, 0, 2 << 16).assertStatus(ScmiStatus.INVALID_PARAMETERS);
        a.call(PINCTRL, SETTINGS_GET, LINUX_RESPONSE_BUFFER, PINS, DRIVE_STRENGTH).assertStatus(ScmiStatus.NOT_FOUND);
    }

    /** Guest a muxes and configures the bus group as Linux does; guest b reads what a set. */
    @Test
    void aGuestMuxesAndConfiguresAGroup() throws Exception {
        for (int pin = 0; pin < 2; pin++) {
            a.call(PINCTRL, REQUEST, STATUS_ONLY, pin, PIN).assertValues(NOTHING);
        }
        a.call(PINCTRL, SETTINGS_CONFIGURE, STATUS_ONLY, BUS_GRP, BUS, GROUP | FUNCTION_VALID).assertValues(NOTHING);
        configure(a, BUS_GRP, GROUP, BIAS_PULL_UP, 1, DRIVE_STRENGTH, 12).assertValues(NOTHING);
        b.call(PINCTRL, SETTINGS_GET, LINUX_RESPONSE_BUFFER, BUS_GRP, GET_GROUP | DRIVE_STRENGTH)
                .assertValues(Le.words(BUS, 1, DRIVE_STRENGTH, 12));
        b.call(PINCTRL, SETTINGS_GET, LINUX_RESPONSE_BUFFER, 1, GET_FUNCTION_ONLY).assertValues(Le.words(BUS, 0));
        b.call(PINCTRL, SETTINGS_GET, LINUX_RESPONSE_BUFFER, LOW_GRP, GET_GROUP | GET_FUNCTION_ONLY)
                .assertValues(Le.words(NO_FUNCTION, 0));
        // Linux's largest chunk in 128 bytes: 14 configs; these four are all the OEM pad has.
        configure(a, BOOT, PIN, BIAS_PULL_DOWN, 0, DRIVE_STRENGTH, 8, OEM, 9).assertValues(NOTHING);
        b.call(PINCTRL, SETTINGS_GET, LINUX_RESPONSE_BUFFER, BOOT, GET_ALL)
                .assertValues(Le.words(NO_FUNCTION, 4, BIAS_PULL_DOWN, 0, DRIVE_STRENGTH, 8, INPUT_VALUE, 0, OEM, 9));
        a.assertNoEvent();
        b.assertNoEvent();
    }

    @Test
    void settingsConfigureErrors() throws Exception {
        configure(a, PINS, PIN, DRIVE_STRENGTH, 8).assertStatus(ScmiStatus.NOT_FOUND);
        configure(a, BOOT, PIN, DRIVE_STRENGTH, 9).assertStatus(ScmiStatus.INVALID_PARAMETERS);
        configure(a, BOOT, PIN, OEM, 1, DRIVE_STRENGTH, 8).assertStatus(ScmiStatus.INVALID_PARAMETERS);
        configure(a, BOOT, PIN, 50, 1).assertStatus(ScmiStatus.INVALID_PARAMETERS);
        configure(a, BOOT, 2, DRIVE_STRENGTH, 8).assertStatus(ScmiStatus.INVALID_PARAMETERS);
        configure(a, BOOT, PIN, BIAS_PULL_UP, 1).assertStatus(ScmiStatus.NOT_SUPPORTED);
        configure(a, BOOT, PIN, INPUT_VALUE, 1).assertStatus(ScmiStatus.NOT_SUPPORTED);
        a.call(PINCTRL, SETTINGS_CONFIGURE, STATUS_ONLY, BOOT_GRP, BUS, GROUP | FUNCTION_VALID)
                .assertStatus(ScmiStatus.INVALID_PARAMETERS);
        a.call(PINCTRL, SETTINGS_CONFIGURE, STATUS_ONLY, BOOT, UART, PIN | FUNCTION_VALID)
                .assertStatus(ScmiStatus.NOT_SUPPORTED);
        a.call(PINCTRL, SETTINGS_CONFIGURE, STATUS_ONLY, BOOT, NO_FUNCTION, PIN).assertStatus(ScmiStatus.INVALID_PARAMETERS);
        a.call(PINCTRL, SETTINGS_CONFIGURE, STATUS_ONLY, BOOT, NO_FUNCTION, PIN | 1 << 2)
                .assertStatus(ScmiStatus.PROTOCOL_ERROR);
        a.call(PINCTRL, SETTINGS_CONFIGURE, STATUS_ONLY, BOOT, NO_FUNCTION).assertStatus(ScmiStatus.PROTOCOL_ERROR);
        a.call(PINCTRL, SETTINGS_GET, LINUX_RESPONSE_BUFFER, BOOT, DRIVE_STRENGTH)
                .assertValues(Le.words(NO_FUNCTION, 1, DRIVE_STRENGTH, 2));
    }

    /** What guest a requested is denied to guest b until a releases it; reading stays open. */
    @Test
    void exclusiveUseBetweenTheGuests() throws Exception {
        a.call(PINCTRL, REQUEST, STATUS_ONLY, LOW_GRP, GROUP).assertValues(NOTHING);
        b.call(PINCTRL, REQUEST, STATUS_ONLY, 1, PIN).assertStatus(ScmiStatus.IN_USE);
        b.call(PINCTRL, REQUEST, STATUS_ONLY, BUS_GRP, GROUP).assertStatus(ScmiStatus.IN_USE);
        configure(b, 0, PIN, DRIVE_STRENGTH, 8).assertStatus(ScmiStatus.DENIED);
        b.call(PINCTRL, SETTINGS_CONFIGURE, STATUS_ONLY, BUS_GRP, BUS, GROUP | FUNCTION_VALID)
                .assertStatus(ScmiStatus.DENIED);
        b.call(PINCTRL, SETTINGS_GET, LINUX_RESPONSE_BUFFER, 0, DRIVE_STRENGTH)
                .assertValues(Le.words(UART, 1, DRIVE_STRENGTH, 4));
        String holders = server.admin("pinHolders");
        assertTrue(holders.contains("0    P0                   1 "), holders);
        assertTrue(holders.contains("1    P1                   1 "), holders);
        assertTrue(holders.contains("2    P2                   - "), holders);
        b.call(PINCTRL, RELEASE, STATUS_ONLY, LOW_GRP, GROUP).assertStatus(ScmiStatus.INVALID_PARAMETERS);
        a.call(PINCTRL, RELEASE, STATUS_ONLY, LOW_GRP, 2).assertStatus(ScmiStatus.INVALID_PARAMETERS);
        a.call(PINCTRL, REQUEST, STATUS_ONLY, PINS, PIN).assertStatus(ScmiStatus.NOT_FOUND);

        a.call(PINCTRL, RELEASE, STATUS_ONLY, LOW_GRP, GROUP).assertValues(NOTHING);
        b.call(PINCTRL, REQUEST, STATUS_ONLY, 1, PIN).assertValues(NOTHING);
        configure(a, 1, PIN, DRIVE_STRENGTH, 8).assertStatus(ScmiStatus.DENIED);
        // A guest that resets its configuration gives up what it held.
        b.call(BASE, BASE_RESET_AGENT_CONFIGURATION, LINUX_RESPONSE_BUFFER, AGENT_B, 0).assertValues(NOTHING);
        configure(a, 1, PIN, DRIVE_STRENGTH, 8).assertValues(NOTHING);
    }

    /**
     * Only a guest its agent profile trusts sets permissions, and only it sees the other guest; a
     * denied guest may read but not change.
     */
    @Test
    void permissionsFromATrustedGuest() throws Exception {
        b.call(PINCTRL, SET_PERMISSIONS, STATUS_ONLY, AGENT_A, 0, PIN).assertStatus(ScmiStatus.NOT_FOUND);
        b.call(PINCTRL, SET_PERMISSIONS, STATUS_ONLY, AGENT_B, 0, PIN).assertStatus(ScmiStatus.DENIED);
        try {
            for (String kind : new String[] {"pins", "pinGroups", "pinFunctions"}) {
                // Quoted: the shell would expand a bare * to the names of the files in its working folder.
                server.admin("configSet " + TRUSTED_PROFILE + " " + kind + " '*'");
            }
            server.admin("configSet " + TRUSTED_PROFILE + " trusted true");
            reconnectUntilTrusted();
            b.call(PINCTRL, SET_PERMISSIONS, STATUS_ONLY, AGENT_A, LOW_GRP, GROUP).assertValues(NOTHING);
            configure(a, 1, PIN, DRIVE_STRENGTH, 8).assertStatus(ScmiStatus.DENIED);
            a.call(PINCTRL, REQUEST, STATUS_ONLY, 0, PIN).assertStatus(ScmiStatus.DENIED);
            a.call(PINCTRL, SETTINGS_GET, LINUX_RESPONSE_BUFFER, 1, DRIVE_STRENGTH)
                    .assertValues(Le.words(UART, 1, DRIVE_STRENGTH, 4));
            configure(a, 2, PIN, DRIVE_STRENGTH, 8).assertValues(NOTHING);

            b.call(PINCTRL, SET_PERMISSIONS, STATUS_ONLY, 3, 0, PIN).assertStatus(ScmiStatus.NOT_FOUND);
            b.call(PINCTRL, SET_PERMISSIONS, STATUS_ONLY, AGENT_A, PINS, PIN).assertStatus(ScmiStatus.NOT_FOUND);
            b.call(PINCTRL, SET_PERMISSIONS, STATUS_ONLY, AGENT_A, 0, FUNCTION).assertStatus(ScmiStatus.INVALID_PARAMETERS);
            b.call(PINCTRL, SET_PERMISSIONS, STATUS_ONLY, AGENT_A, 0, 1 << 3).assertStatus(ScmiStatus.INVALID_PARAMETERS);
            b.call(PINCTRL, SET_PERMISSIONS, STATUS_ONLY, AGENT_A, 0).assertStatus(ScmiStatus.PROTOCOL_ERROR);

            b.call(PINCTRL, SET_PERMISSIONS, STATUS_ONLY, AGENT_A, LOW_GRP, GROUP | ALLOW).assertValues(NOTHING);
            configure(a, 1, PIN, DRIVE_STRENGTH, 8).assertValues(NOTHING);
        } finally {
            server.admin("configDelete " + TRUSTED_PROFILE);
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (server.admin("profiles").contains(TRUSTED_PROFILE)) {
                assertTrue(System.nanoTime() < deadline, "the trusted profile was never withdrawn");
                Thread.sleep(50);
            }
        }
    }

    /** The platform changes a pin from the shell; guests read it, and a guest's reset leaves it. */
    @Test
    void thePlatformChangesPinsFromTheShell() throws Exception {
        configure(a, 5, PIN, OUTPUT_VALUE, 1).assertValues(NOTHING);
        assertEquals("P5: bias-disable=1 bias-pull-up=0 bias-pull-down=0 drive-open-drain=0 drive-push-pull=1 "
                + "drive-strength=4 input-debounce=0 input-mode=1 input-value=0 input-schmitt=0 output-mode=0 "
                + "output-value=0 slew-rate=0", server.admin("pinSet P5 output-value 0").strip());
        server.admin("pinLevel p5 1");
        a.call(PINCTRL, SETTINGS_GET, LINUX_RESPONSE_BUFFER, 5, INPUT_VALUE).assertValues(Le.words(NO_FUNCTION, 1, INPUT_VALUE, 1));
        a.call(BASE, BASE_RESET_AGENT_CONFIGURATION, LINUX_RESPONSE_BUFFER, AGENT_A, 0).assertValues(NOTHING);
        b.call(PINCTRL, SETTINGS_GET, LINUX_RESPONSE_BUFFER, 5, OUTPUT_VALUE)
                .assertValues(Le.words(NO_FUNCTION, 1, OUTPUT_VALUE, 0));
        String pins = server.admin("pins");
        assertTrue(pins.contains("boot     BOOT_MODE_SELECT_PIN"), pins);
        assertTrue(pins.lines().anyMatch(line -> line.startsWith("low") && line.contains("uart")), pins);
        server.admin("pinLevel p5 0");
    }

    /** Configuration Admin hands the change to the protocol on its own thread: waits until it is in force. */
    /**
     * Connects guest B again until the profile that trusts it has reached the server: a profile
     * applies when a guest's driver starts the device.
     */
    private void reconnectUntilTrusted() throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (b.call(PINCTRL, SET_PERMISSIONS, STATUS_ONLY, AGENT_A, 0, PIN | ALLOW).status()
                != ScmiStatus.SUCCESS.code()) {
            assertTrue(System.nanoTime() < deadline, "the trusted agent's profile never took effect: "
                    + server.admin("profiles") + server.admin("guests"));
            Thread.sleep(50);
            // The field is what the test's clean-up closes: it never holds a closed guest.
            ScmiGuest old = b;
            b = null;
            old.close();
            b = connectBOnceTheOldConnectionIsGone(deadline);
        }
    }

    /** The server refuses a second guest for a connected agent until it has seen the first one go. */
    private ScmiGuest connectBOnceTheOldConnectionIsGone(long deadline) throws Exception {
        while (true) {
            try {
                return server.connectB();
            } catch (LinuxException refused) {
                assertTrue(System.nanoTime() < deadline, "guest B could not connect again: " + refused);
                Thread.sleep(50);
            }
        }
    }

    /** SETTINGS_CONFIGURE without a function: identifier, 0xFFFFFFFF, attributes, then type/value pairs. */
    private static Response configure(ScmiGuest guest, int id, int selector, int... configs) throws Exception {
        int[] parameters = new int[3 + configs.length];
        parameters[0] = id;
        parameters[1] = NO_FUNCTION;
        parameters[2] = selector | configs.length / 2 << 2;
        System.arraycopy(configs, 0, parameters, 3, configs.length);
        return guest.call(PINCTRL, SETTINGS_CONFIGURE, STATUS_ONLY, parameters);
    }
}
