package org.scmi.pinctrl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.scmi.api.testing.Dispatch.call;
import static org.scmi.api.testing.Dispatch.callWithRoom;
import static org.scmi.api.testing.Le.words;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.scmi.api.BoardResource;
import org.scmi.api.MessageHandler;
import org.scmi.api.ResourceKind;
import org.scmi.api.ScmiStatus;
import org.scmi.api.pinctrl.PinControlDriver;
import org.scmi.api.testing.FakeAgent;
import org.scmi.api.testing.FakeDirectory;
import org.scmi.api.testing.Le;
import org.scmi.api.testing.Views;
import org.scmi.board.sim.pinctrl.PinCommands;
import org.scmi.board.sim.pinctrl.SimulatedPinController;
import org.scmi.board.sim.testing.BoardFileConfigs;
import org.scmi.core.AgentStates;

/**
 * The Pin control protocol over the built-in simulated board (16 pins, groups uart0_grp,
 * uart0_alt_grp, i2c0_grp, spi0_grp, pwm0_grp; functions uart0, i2c0, spi0, pwm0), byte for byte,
 * with two agents: every message, every error status, sharing and reset.
 */
class PinctrlProtocolTest {
    private static final int GRACE_MILLIS = 200;
    private static final int PROTOCOL_ATTRIBUTES = 0x1;
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
    private static final int NONE = 0xFFFF_FFFF;
    private static final int EXTENDED_NAME = 1 << 31;
    private static final int FUNCTION_VALID = 1 << 10;
    private static final int GET_ALL = 1 << 18;
    private static final int GET_FUNCTION_ONLY = 2 << 18;
    private static final int ALLOW = 1 << 2;

    private static final int BIAS_BUS_HOLD = 1;
    private static final int BIAS_DISABLE = 2;
    private static final int BIAS_PULL_UP = 4;
    private static final int BIAS_PULL_DOWN = 6;
    private static final int DRIVE_STRENGTH = 10;
    private static final int INPUT_MODE = 12;
    private static final int INPUT_VALUE = 14;
    private static final int OUTPUT_MODE = 17;
    private static final int OUTPUT_VALUE = 18;

    private static final int UART0_GRP = 0;
    private static final int UART0_ALT_GRP = 1;
    private static final int I2C0_GRP = 2;
    private static final int SPI0_GRP = 3;
    private static final int UART0 = 0;
    private static final int I2C0 = 1;
    private static final int SPI0 = 2;
    private static final int PWM0_GRP = 4;
    private static final int PWM0 = 3;
    private static final int WAKEUP_KEY = 15;

    private final AgentStates store = new AgentStates();
    private final FakeAgent guest = new FakeAgent(1, true);
    private final FakeAgent other = new FakeAgent(2, "trusted", false, true);
    /**
     * Pins 0 GPIO_9, 1 GPIO_8, 2 GPIO_0; group 0 uart0_alt_grp (uart0_grp is listed but GPIO_1 is
     * not); function 0 uart0 on its one seen group (spi0 is listed but none of its groups is seen).
     */
    private final FakeAgent viewer = new FakeAgent(3, "ivi", true, Views.listing(Map.of(
            ResourceKind.PINS, List.of("GPIO_9", "GPIO_8", "GPIO_0"),
            ResourceKind.PIN_GROUPS, List.of("uart0_alt_grp", "uart0_grp"),
            ResourceKind.PIN_FUNCTIONS, List.of("spi0", "sim/uart0"))));
    private SimulatedPinController board;
    private PinctrlProtocol pinctrl;

    @BeforeEach
    void start() throws Exception {
        board = new SimulatedPinController(BoardFileConfigs.builtIn(), store);
        pinctrl = protocol();
    }

    private PinctrlProtocol protocol() {
        PinctrlProtocol protocol = new PinctrlProtocol(Configs.pinctrl(GRACE_MILLIS), store);
        protocol.bindAgentDirectory(new FakeDirectory(guest, other, viewer));
        protocol.bindDriver(board, Map.of(PinControlDriver.DRIVER_KEY, "sim", "service.id", 1L));
        return protocol;
    }

    @Test
    void declaresItsIdVersionAndParameterSizes() {
        assertEquals(0x19, pinctrl.protocolId());
        assertEquals(0x1_0000, pinctrl.version());
        int[][] lengths = {{PROTOCOL_ATTRIBUTES, 0}, {ATTRIBUTES, 8}, {LIST_ASSOCIATIONS, 12}, {SETTINGS_GET, 8},
            {SETTINGS_CONFIGURE, MessageHandler.VARIABLE_LENGTH}, {REQUEST, 8}, {RELEASE, 8}, {NAME_GET, 8},
            {SET_PERMISSIONS, 12}};
        for (int[] length : lengths) {
            assertEquals(length[1], pinctrl.handler(length[0], guest).parameterLength());
            assertEquals(length[1], pinctrl.handler(length[0], other).parameterLength(), "without an event channel");
        }
        assertEquals(null, pinctrl.handler(0xB, guest));
    }

    @Test
    void protocolAttributesCountPinsGroupsAndFunctions() {
        assertArrayEquals(words(0, 5 << 16 | 16, 4), call(pinctrl, guest, PROTOCOL_ATTRIBUTES));
    }

    @Test
    void attributesOfPinsGroupsAndFunctions() {
        assertArrayEquals(Le.bytes().u32(0).u32(1).name("GPIO_0", 16).toArray(), call(pinctrl, guest, ATTRIBUTES, 0, PIN));
        assertArrayEquals(Le.bytes().u32(0).u32(EXTENDED_NAME | 1).name("GPIO_15_WAKEUP_KEY", 16).toArray(),
                call(pinctrl, guest, ATTRIBUTES, WAKEUP_KEY, PIN));
        assertArrayEquals(Le.bytes().u32(0).u32(4).name("spi0_grp", 16).toArray(),
                call(pinctrl, guest, ATTRIBUTES, SPI0_GRP, GROUP));
        assertArrayEquals(Le.bytes().u32(0).u32(2).name("uart0", 16).toArray(),
                call(pinctrl, guest, ATTRIBUTES, UART0, FUNCTION));
        // Identifiers are 16 bits: the upper half of the word is ignored.
        assertArrayEquals(call(pinctrl, guest, ATTRIBUTES, 0, PIN), call(pinctrl, guest, ATTRIBUTES, 0x1_0000, PIN));
        assertStatus(ScmiStatus.NOT_FOUND, call(pinctrl, guest, ATTRIBUTES, 16, PIN));
        assertStatus(ScmiStatus.NOT_FOUND, call(pinctrl, guest, ATTRIBUTES, 5, GROUP));
        assertStatus(ScmiStatus.NOT_FOUND, call(pinctrl, guest, ATTRIBUTES, 4, FUNCTION));
        assertStatus(ScmiStatus.INVALID_PARAMETERS, call(pinctrl, guest, ATTRIBUTES, 0, 3));
        assertStatus(ScmiStatus.INVALID_PARAMETERS, call(pinctrl, guest, ATTRIBUTES, 0, 1 << 2));
        assertStatus(ScmiStatus.PROTOCOL_ERROR, call(pinctrl, guest, ATTRIBUTES, 0));
    }

    @Test
    void extendedNamesOfEveryKind() {
        assertArrayEquals(Le.bytes().u32(0).u32(0).name("GPIO_15_WAKEUP_KEY", 64).toArray(),
                call(pinctrl, guest, NAME_GET, WAKEUP_KEY, PIN));
        assertArrayEquals(Le.bytes().u32(0).u32(0).name("uart0_alt_grp", 64).toArray(),
                call(pinctrl, guest, NAME_GET, UART0_ALT_GRP, GROUP));
        assertArrayEquals(Le.bytes().u32(0).u32(0).name("spi0", 64).toArray(), call(pinctrl, guest, NAME_GET, SPI0, FUNCTION));
        assertStatus(ScmiStatus.NOT_FOUND, call(pinctrl, guest, NAME_GET, 16, PIN));
        assertStatus(ScmiStatus.INVALID_PARAMETERS, call(pinctrl, guest, NAME_GET, 0, 3));
    }

    @Test
    void associationsArePagedAsSixteenBitIds() {
        assertArrayEquals(Le.bytes().u32(0).u32(4).toArray(), prefix(call(pinctrl, guest, LIST_ASSOCIATIONS,
                SPI0_GRP, GROUP, 0), 8));
        assertArrayEquals(Le.hex("00000000 04000000 0400 0500 0600 0700"),
                call(pinctrl, guest, LIST_ASSOCIATIONS, SPI0_GRP, GROUP, 0));
        assertArrayEquals(Le.hex("00000000 02000000 0000 0100"), call(pinctrl, guest, LIST_ASSOCIATIONS, UART0, FUNCTION, 0));
        // Room for the flags and two ids: the agent asks again from index + returned.
        assertArrayEquals(Le.hex("00000000 02000200 0400 0500"),
                callWithRoom(pinctrl, guest, 8, LIST_ASSOCIATIONS, SPI0_GRP, GROUP, 0));
        assertArrayEquals(Le.hex("00000000 02000000 0600 0700"),
                callWithRoom(pinctrl, guest, 8, LIST_ASSOCIATIONS, SPI0_GRP, GROUP, 2));
        assertArrayEquals(Le.hex("00000000 01000200 0500"),
                callWithRoom(pinctrl, guest, 7, LIST_ASSOCIATIONS, SPI0_GRP, GROUP, 1));
        assertStatus(ScmiStatus.INVALID_PARAMETERS, call(pinctrl, guest, LIST_ASSOCIATIONS, SPI0_GRP, GROUP, 4));
        assertStatus(ScmiStatus.INVALID_PARAMETERS, call(pinctrl, guest, LIST_ASSOCIATIONS, 0, PIN, 0));
        assertStatus(ScmiStatus.NOT_FOUND, call(pinctrl, guest, LIST_ASSOCIATIONS, 5, GROUP, 0));
        assertStatus(ScmiStatus.COMMS_ERROR, callWithRoom(pinctrl, guest, 5, LIST_ASSOCIATIONS, SPI0_GRP, GROUP, 0));
    }

    @Test
    void settingsOfOneTypeAllTypesOrTheFunctionOnly() {
        assertArrayEquals(words(0, NONE, 1, DRIVE_STRENGTH, 4), call(pinctrl, guest, SETTINGS_GET, 0, DRIVE_STRENGTH));
        // i2c0 is selected on i2c0_grp (pins 2 and 3) by the board.
        assertArrayEquals(words(0, I2C0, 0), call(pinctrl, guest, SETTINGS_GET, I2C0_GRP, 1 << 16 | GET_FUNCTION_ONLY));
        assertArrayEquals(words(0, I2C0, 1, INPUT_MODE, 1), call(pinctrl, guest, SETTINGS_GET, 3, INPUT_MODE));
        assertArrayEquals(words(0, NONE, 1, INPUT_VALUE, 1),
                call(pinctrl, guest, SETTINGS_GET, WAKEUP_KEY, INPUT_VALUE));
        byte[] all = call(pinctrl, guest, SETTINGS_GET, 0, GET_ALL);
        assertArrayEquals(words(0, NONE, 13, 2, 1, 4, 0, 6, 0, 7, 0, 9, 1, 10, 4, 11, 0, 12, 1, 14, 0, 15, 0, 17, 0,
                18, 0, 20, 0), all);
        // Two configs fit: the rest is counted in bits 31:24 and asked for with skip_configs.
        assertArrayEquals(words(0, NONE, 2 | 11 << 24, 2, 1, 4, 0),
                callWithRoom(pinctrl, guest, 24, SETTINGS_GET, 0, GET_ALL));
        assertArrayEquals(words(0, NONE, 2 | 9 << 24, 6, 0, 7, 0),
                callWithRoom(pinctrl, guest, 24, SETTINGS_GET, 0, GET_ALL | 2 << 8));
        assertArrayEquals(words(0, NONE, 0), call(pinctrl, guest, SETTINGS_GET, 0, GET_ALL | 13 << 8));
        assertStatus(ScmiStatus.INVALID_PARAMETERS, call(pinctrl, guest, SETTINGS_GET, 0, GET_ALL | 14 << 8));
    }

    @Test
    void settingsGetErrors() {
        assertStatus(ScmiStatus.NOT_FOUND, call(pinctrl, guest, SETTINGS_GET, 16, DRIVE_STRENGTH));
        assertStatus(ScmiStatus.NOT_FOUND, call(pinctrl, guest, SETTINGS_GET, 5, 1 << 16 | DRIVE_STRENGTH));
        assertStatus(ScmiStatus.INVALID_PARAMETERS, call(pinctrl, guest, SETTINGS_GET, 0, 2 << 16 | DRIVE_STRENGTH));
        assertStatus(ScmiStatus.INVALID_PARAMETERS, call(pinctrl, guest, SETTINGS_GET, 0, 3 << 18));
        assertStatus(ScmiStatus.INVALID_PARAMETERS, call(pinctrl, guest, SETTINGS_GET, 0, 1 << 20 | DRIVE_STRENGTH));
        assertStatus(ScmiStatus.INVALID_PARAMETERS, call(pinctrl, guest, SETTINGS_GET, 0, 21));
        assertStatus(ScmiStatus.NOT_SUPPORTED, call(pinctrl, guest, SETTINGS_GET, 0, BIAS_BUS_HOLD));
        assertStatus(ScmiStatus.NOT_SUPPORTED, call(pinctrl, guest, SETTINGS_GET, 0, 192));
    }

    @Test
    void linuxMuxesAGroupAndConfiguresIt() {
        assertArrayEquals(words(0), call(pinctrl, guest, REQUEST, 0, PIN));
        assertArrayEquals(words(0), call(pinctrl, guest, REQUEST, 1, PIN));
        assertArrayEquals(words(0), call(pinctrl, guest, SETTINGS_CONFIGURE, UART0_GRP, UART0, GROUP | FUNCTION_VALID));
        assertArrayEquals(words(0), configure(guest, UART0_GRP, NONE, GROUP, BIAS_PULL_UP, 1, DRIVE_STRENGTH, 8));
        assertArrayEquals(words(0, UART0, 1, BIAS_PULL_UP, 1),
                call(pinctrl, guest, SETTINGS_GET, UART0_GRP, 1 << 16 | BIAS_PULL_UP));
        assertArrayEquals(words(0, UART0, 1, DRIVE_STRENGTH, 8),
                call(pinctrl, guest, SETTINGS_GET, UART0_GRP, 1 << 16 | DRIVE_STRENGTH));
        assertArrayEquals(words(0, UART0, 1, DRIVE_STRENGTH, 8), call(pinctrl, guest, SETTINGS_GET, 1, DRIVE_STRENGTH));
        // A pull-up replaced the pad's "bias disabled".
        assertArrayEquals(words(0, UART0, 1, BIAS_DISABLE, 0), call(pinctrl, guest, SETTINGS_GET, 0, BIAS_DISABLE));
        // The alternative group takes uart0 over; the first group has no function any more.
        assertArrayEquals(words(0), call(pinctrl, guest, SETTINGS_CONFIGURE, UART0_ALT_GRP, UART0,
                GROUP | FUNCTION_VALID));
        assertArrayEquals(words(0, UART0, 0), call(pinctrl, guest, SETTINGS_GET, UART0_ALT_GRP, 1 << 16 | GET_FUNCTION_ONLY));
        assertArrayEquals(words(0), call(pinctrl, guest, SETTINGS_CONFIGURE, UART0_ALT_GRP, NONE,
                GROUP | FUNCTION_VALID));
        assertArrayEquals(words(0, NONE, 0), call(pinctrl, guest, SETTINGS_GET, UART0_ALT_GRP, 1 << 16 | GET_FUNCTION_ONLY));
    }

    @Test
    void groupsReadOnlyWhatTheirPinsAgreeOn() {
        assertArrayEquals(words(0), configure(guest, 4, NONE, PIN, DRIVE_STRENGTH, 12));
        assertStatus(ScmiStatus.NOT_SUPPORTED, call(pinctrl, guest, SETTINGS_GET, SPI0_GRP, 1 << 16 | DRIVE_STRENGTH));
        byte[] all = call(pinctrl, guest, SETTINGS_GET, SPI0_GRP, 1 << 16 | GET_ALL);
        assertEquals(12, ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN).getInt(8), "13 configs but drive-strength");
    }

    @Test
    void inputValueFollowsTheOutputOrTheLevelOutside() {
        assertArrayEquals(words(0, NONE, 1, INPUT_VALUE, 0), call(pinctrl, guest, SETTINGS_GET, 5, INPUT_VALUE));
        assertEquals("GPIO_5 sees level 1 outside", new PinCommands(board).pinLevel("GPIO_5", 1));
        assertArrayEquals(words(0, NONE, 1, INPUT_VALUE, 1), call(pinctrl, guest, SETTINGS_GET, 5, INPUT_VALUE));
        assertArrayEquals(words(0), configure(guest, 5, NONE, PIN, OUTPUT_MODE, 1, OUTPUT_VALUE, 0));
        assertArrayEquals(words(0, NONE, 1, INPUT_VALUE, 0), call(pinctrl, guest, SETTINGS_GET, 5, INPUT_VALUE));
    }

    @Test
    void settingsConfigureErrors() {
        assertStatus(ScmiStatus.NOT_FOUND, configure(guest, 16, NONE, PIN, DRIVE_STRENGTH, 8));
        assertStatus(ScmiStatus.INVALID_PARAMETERS, configure(guest, 0, NONE, 2, DRIVE_STRENGTH, 8));
        assertStatus(ScmiStatus.INVALID_PARAMETERS, configure(guest, 0, NONE, PIN | 1 << 11, DRIVE_STRENGTH, 8));
        assertStatus(ScmiStatus.INVALID_PARAMETERS, configure(guest, 0, NONE, PIN, 21, 1));
        assertStatus(ScmiStatus.INVALID_PARAMETERS, configure(guest, 0, NONE, PIN, 1 << 8 | DRIVE_STRENGTH, 8));
        assertStatus(ScmiStatus.INVALID_PARAMETERS, configure(guest, 0, NONE, PIN, DRIVE_STRENGTH, 8, BIAS_PULL_UP, 1));
        assertStatus(ScmiStatus.INVALID_PARAMETERS, configure(guest, 0, NONE, PIN, DRIVE_STRENGTH, 8, DRIVE_STRENGTH, 8));
        assertStatus(ScmiStatus.INVALID_PARAMETERS, configure(guest, 0, NONE, PIN, DRIVE_STRENGTH, 17));
        assertStatus(ScmiStatus.INVALID_PARAMETERS, configure(guest, 0, NONE, PIN, BIAS_PULL_UP, 2));
        assertStatus(ScmiStatus.INVALID_PARAMETERS, call(pinctrl, guest, SETTINGS_CONFIGURE, 0, NONE, PIN));
        assertStatus(ScmiStatus.INVALID_PARAMETERS, call(pinctrl, guest, SETTINGS_CONFIGURE, UART0_GRP, SPI0,
                GROUP | FUNCTION_VALID));
        assertStatus(ScmiStatus.INVALID_PARAMETERS, call(pinctrl, guest, SETTINGS_CONFIGURE, UART0_GRP, 4,
                GROUP | FUNCTION_VALID));
        assertStatus(ScmiStatus.NOT_SUPPORTED, call(pinctrl, guest, SETTINGS_CONFIGURE, 0, UART0, PIN | FUNCTION_VALID));
        assertStatus(ScmiStatus.NOT_SUPPORTED, configure(guest, 0, NONE, PIN, BIAS_BUS_HOLD, 1));
        assertStatus(ScmiStatus.NOT_SUPPORTED, configure(guest, 0, NONE, PIN, INPUT_VALUE, 1));
        // Values are checked before support, as the specification orders the statuses.
        assertStatus(ScmiStatus.INVALID_PARAMETERS, configure(guest, 0, NONE, PIN, BIAS_BUS_HOLD, 1, DRIVE_STRENGTH, 1));
        assertStatus(ScmiStatus.INVALID_PARAMETERS, call(pinctrl, guest, SETTINGS_CONFIGURE, 0, UART0,
                PIN | FUNCTION_VALID | 1 << 2, DRIVE_STRENGTH, 1));
        // The configs announced and the configs sent disagree, or the fixed part is cut short.
        assertStatus(ScmiStatus.PROTOCOL_ERROR, call(pinctrl, guest, SETTINGS_CONFIGURE, 0, NONE, PIN | 2 << 2,
                DRIVE_STRENGTH, 8));
        assertStatus(ScmiStatus.PROTOCOL_ERROR, call(pinctrl, guest, SETTINGS_CONFIGURE, 0, NONE));
        assertArrayEquals(words(0, NONE, 1, DRIVE_STRENGTH, 4), call(pinctrl, guest, SETTINGS_GET, 0, DRIVE_STRENGTH),
                "nothing changed");
    }

    @Test
    void biasAndDriveModesExcludeEachOther() {
        assertArrayEquals(words(0), configure(guest, 6, NONE, PIN, BIAS_PULL_DOWN, 1));
        assertArrayEquals(words(0), configure(guest, 6, NONE, PIN, BIAS_PULL_UP, 1));
        assertArrayEquals(words(0, NONE, 1, BIAS_PULL_DOWN, 0), call(pinctrl, guest, SETTINGS_GET, 6, BIAS_PULL_DOWN));
        assertArrayEquals(words(0, NONE, 1, BIAS_PULL_UP, 1), call(pinctrl, guest, SETTINGS_GET, 6, BIAS_PULL_UP));
    }

    @Test
    void aRequestKeepsOtherAgentsOffUntilReleased() {
        assertArrayEquals(words(0), call(pinctrl, guest, REQUEST, UART0_GRP, GROUP));
        assertArrayEquals(words(0), call(pinctrl, guest, REQUEST, UART0_GRP, GROUP), "asking again");
        assertStatus(ScmiStatus.IN_USE, call(pinctrl, other, REQUEST, 0, PIN));
        assertStatus(ScmiStatus.IN_USE, call(pinctrl, other, REQUEST, UART0_GRP, GROUP));
        assertStatus(ScmiStatus.DENIED, configure(other, 1, NONE, PIN, DRIVE_STRENGTH, 8));
        assertStatus(ScmiStatus.DENIED, call(pinctrl, other, SETTINGS_CONFIGURE, UART0_GRP, UART0, GROUP | FUNCTION_VALID));
        assertArrayEquals(words(0, NONE, 1, DRIVE_STRENGTH, 4), call(pinctrl, other, SETTINGS_GET, 1, DRIVE_STRENGTH));
        assertArrayEquals(words(0), configure(other, 2, NONE, PIN, DRIVE_STRENGTH, 8), "other pins stay shared");
        assertArrayEquals(words(0), configure(guest, 1, NONE, PIN, DRIVE_STRENGTH, 16));

        assertStatus(ScmiStatus.INVALID_PARAMETERS, call(pinctrl, other, RELEASE, UART0_GRP, GROUP));
        assertStatus(ScmiStatus.INVALID_PARAMETERS, call(pinctrl, guest, RELEASE, 0, PIN), "held as a group");
        assertStatus(ScmiStatus.NOT_FOUND, call(pinctrl, guest, RELEASE, 5, GROUP));
        assertStatus(ScmiStatus.INVALID_PARAMETERS, call(pinctrl, guest, RELEASE, UART0, FUNCTION));
        assertStatus(ScmiStatus.INVALID_PARAMETERS, call(pinctrl, guest, REQUEST, UART0, FUNCTION));
        assertStatus(ScmiStatus.NOT_FOUND, call(pinctrl, guest, REQUEST, 16, PIN));
        assertArrayEquals(words(0), call(pinctrl, guest, RELEASE, UART0_GRP, GROUP));
        assertArrayEquals(words(0), call(pinctrl, other, REQUEST, 0, PIN));
        assertStatus(ScmiStatus.IN_USE, call(pinctrl, guest, REQUEST, UART0_GRP, GROUP));
    }

    @Test
    void aProfileShowsItsPinsGroupsAndFunctionsUnderItsOwnIds() {
        assertArrayEquals(words(0, 1 << 16 | 3, 1), call(pinctrl, viewer, PROTOCOL_ATTRIBUTES));
        assertArrayEquals(Le.bytes().u32(0).u32(1).name("GPIO_9", 16).toArray(), call(pinctrl, viewer, ATTRIBUTES, 0, PIN));
        assertArrayEquals(Le.bytes().u32(0).u32(1).name("GPIO_0", 16).toArray(), call(pinctrl, viewer, ATTRIBUTES, 2, PIN));
        assertArrayEquals(Le.bytes().u32(0).u32(2).name("uart0_alt_grp", 16).toArray(),
                call(pinctrl, viewer, ATTRIBUTES, 0, GROUP));
        assertArrayEquals(Le.bytes().u32(0).u32(1).name("uart0", 16).toArray(),
                call(pinctrl, viewer, ATTRIBUTES, 0, FUNCTION), "one group of uart0 is seen");
        assertArrayEquals(Le.bytes().u32(0).u32(0).name("GPIO_8", 64).toArray(), call(pinctrl, viewer, NAME_GET, 1, PIN));
        // Hidden ids do not exist, in every message.
        assertStatus(ScmiStatus.NOT_FOUND, call(pinctrl, viewer, ATTRIBUTES, 3, PIN));
        assertStatus(ScmiStatus.NOT_FOUND, call(pinctrl, viewer, ATTRIBUTES, 1, GROUP));
        assertStatus(ScmiStatus.NOT_FOUND, call(pinctrl, viewer, NAME_GET, 1, FUNCTION));
        assertStatus(ScmiStatus.NOT_FOUND, call(pinctrl, viewer, SETTINGS_GET, 3, DRIVE_STRENGTH));
        assertStatus(ScmiStatus.NOT_FOUND, configure(viewer, 3, NONE, PIN, DRIVE_STRENGTH, 8));
        assertStatus(ScmiStatus.NOT_FOUND, call(pinctrl, viewer, REQUEST, 1, GROUP));
        // Associations name the viewer's own ids: GPIO_8 is its pin 1, GPIO_9 its pin 0.
        assertArrayEquals(Le.hex("00000000 02000000 0100 0000"), call(pinctrl, viewer, LIST_ASSOCIATIONS, 0, GROUP, 0));
        assertArrayEquals(Le.hex("00000000 01000000 0000"), call(pinctrl, viewer, LIST_ASSOCIATIONS, 0, FUNCTION, 0));
        assertEquals(List.of("GPIO_9", "GPIO_8", "GPIO_0", "uart0_alt_grp", "uart0"),
                pinctrl.resources(viewer).stream().map(BoardResource::name).toList());

        // uart0 is selected on the board's uart0_alt_grp under the viewer's ids.
        assertArrayEquals(words(0), call(pinctrl, viewer, SETTINGS_CONFIGURE, 0, 0, GROUP | FUNCTION_VALID));
        assertArrayEquals(words(0, 0, 0), call(pinctrl, viewer, SETTINGS_GET, 0, 1 << 16 | GET_FUNCTION_ONLY));
        assertArrayEquals(words(0, UART0, 0),
                call(pinctrl, guest, SETTINGS_GET, UART0_ALT_GRP, 1 << 16 | GET_FUNCTION_ONLY));
        assertArrayEquals(words(0), configure(guest, 9, NONE, PIN, DRIVE_STRENGTH, 8));
        assertArrayEquals(words(0, 0, 1, DRIVE_STRENGTH, 8), call(pinctrl, viewer, SETTINGS_GET, 0, DRIVE_STRENGTH));
        // GPIO_2 carries i2c0 (selected by the board), a function this agent does not see: for it, none.
        FakeAgent pinOnly = new FakeAgent(5, "pin-only", false, Views.listing(ResourceKind.PINS, "GPIO_2"));
        assertArrayEquals(words(0, 1, 0), call(pinctrl, pinOnly, PROTOCOL_ATTRIBUTES));
        assertArrayEquals(words(0, NONE, 1, DRIVE_STRENGTH, 4), call(pinctrl, pinOnly, SETTINGS_GET, 0, DRIVE_STRENGTH));
        assertArrayEquals(words(0, I2C0, 1, DRIVE_STRENGTH, 4), call(pinctrl, guest, SETTINGS_GET, 2, DRIVE_STRENGTH));
    }

    @Test
    void aPinHeldThroughAGroupAnotherAgentDoesNotSeeStaysHeld() {
        assertArrayEquals(words(0), call(pinctrl, guest, REQUEST, UART0_GRP, GROUP));
        assertStatus(ScmiStatus.IN_USE, call(pinctrl, viewer, REQUEST, 2, PIN));
        assertStatus(ScmiStatus.DENIED, configure(viewer, 2, NONE, PIN, DRIVE_STRENGTH, 8));
        assertArrayEquals(words(0), call(pinctrl, guest, RELEASE, UART0_GRP, GROUP));
        assertArrayEquals(words(0), call(pinctrl, viewer, REQUEST, 2, PIN));
        assertStatus(ScmiStatus.IN_USE, call(pinctrl, guest, REQUEST, UART0_GRP, GROUP));
        assertEquals(List.of("GPIO_0 (function none): 3=holds it"), pinctrl.votes().stream()
                .map(votes -> votes.resource().name() + " (" + votes.state() + "): " + votes.votes().entrySet()
                        .stream().map(vote -> vote.getKey() + "=" + vote.getValue()).toList().getFirst())
                .toList());
    }

    @Test
    void aTrustedProfileMaySetPermissions() {
        FakeAgent admin = new FakeAgent(4, "admin", false, Views.TRUSTED);
        assertArrayEquals(words(0), call(pinctrl, admin, SET_PERMISSIONS, 3, 0, PIN));
        assertStatus(ScmiStatus.DENIED, call(pinctrl, viewer, REQUEST, 2, PIN));
        assertStatus(ScmiStatus.NOT_FOUND, call(pinctrl, viewer, SET_PERMISSIONS, 1, 0, PIN));
    }

    @Test
    void onlyATrustedAgentSetsPermissions() {
        assertStatus(ScmiStatus.DENIED, call(pinctrl, guest, SET_PERMISSIONS, 1, 0, PIN));
        assertStatus(ScmiStatus.NOT_FOUND, call(pinctrl, guest, SET_PERMISSIONS, 2, 0, PIN),
                "an untrusted agent sees no other agent");
        assertArrayEquals(words(0), call(pinctrl, guest, REQUEST, 0, PIN));
        assertArrayEquals(words(0), call(pinctrl, other, SET_PERMISSIONS, 1, 0, PIN));
        assertStatus(ScmiStatus.DENIED, configure(guest, 0, NONE, PIN, DRIVE_STRENGTH, 8));
        assertStatus(ScmiStatus.DENIED, call(pinctrl, guest, SETTINGS_CONFIGURE, UART0_GRP, UART0, GROUP | FUNCTION_VALID));
        assertStatus(ScmiStatus.DENIED, call(pinctrl, guest, REQUEST, UART0_GRP, GROUP));
        assertStatus(ScmiStatus.INVALID_PARAMETERS, call(pinctrl, guest, RELEASE, 0, PIN), "the denial ended the request");
        assertArrayEquals(words(0, NONE, 1, DRIVE_STRENGTH, 4), call(pinctrl, guest, SETTINGS_GET, 0, DRIVE_STRENGTH));
        assertArrayEquals(words(0), configure(guest, 1, NONE, PIN, DRIVE_STRENGTH, 8));
        // The agent's own reset does not undo what the platform decided, nor its permissions flag (untrusted).
        pinctrl.resetAgent(1);
        pinctrl.resetAgent(1, false);
        assertStatus(ScmiStatus.DENIED, configure(guest, 0, NONE, PIN, DRIVE_STRENGTH, 8));
        assertArrayEquals(words(0), call(pinctrl, other, SET_PERMISSIONS, 1, UART0_GRP, GROUP | ALLOW));
        assertArrayEquals(words(0), configure(guest, 0, NONE, PIN, DRIVE_STRENGTH, 8));
        // A trusted agent's reset of its permissions does.
        assertArrayEquals(words(0), call(pinctrl, other, SET_PERMISSIONS, 1, UART0_GRP, GROUP));
        pinctrl.resetAgent(1, true);
        assertArrayEquals(words(0), configure(guest, 0, NONE, PIN, DRIVE_STRENGTH, 8));
        assertArrayEquals(words(0), call(pinctrl, guest, REQUEST, UART0_GRP, GROUP));

        assertStatus(ScmiStatus.NOT_FOUND, call(pinctrl, other, SET_PERMISSIONS, 7, 0, PIN));
        assertStatus(ScmiStatus.NOT_FOUND, call(pinctrl, other, SET_PERMISSIONS, 0, 0, PIN));
        assertStatus(ScmiStatus.NOT_FOUND, call(pinctrl, other, SET_PERMISSIONS, 1, 16, PIN));
        assertStatus(ScmiStatus.INVALID_PARAMETERS, call(pinctrl, other, SET_PERMISSIONS, 1, 0, FUNCTION));
        assertStatus(ScmiStatus.INVALID_PARAMETERS, call(pinctrl, other, SET_PERMISSIONS, 1, 0, 1 << 3));
    }

    @Test
    void resetPutsBackWhatTheAgentChangedAndEndsItsRequests() {
        assertArrayEquals(words(0), configure(guest, 3, NONE, PIN, DRIVE_STRENGTH, 12));
        assertArrayEquals(words(0), call(pinctrl, guest, SETTINGS_CONFIGURE, SPI0_GRP, SPI0, GROUP | FUNCTION_VALID));
        assertArrayEquals(words(0), configure(other, 4, NONE, PIN, DRIVE_STRENGTH, 6));
        assertArrayEquals(words(0), call(pinctrl, guest, REQUEST, 7, PIN));

        // spi0_grp shares its last pin with pwm0_grp, which loses pwm0; a pull-up turns "bias disabled" off.
        assertArrayEquals(words(0, NONE, 0), call(pinctrl, other, SETTINGS_GET, PWM0_GRP, 1 << 16 | GET_FUNCTION_ONLY));
        assertArrayEquals(words(0), configure(guest, 3, NONE, PIN, BIAS_PULL_UP, 1));
        assertArrayEquals(words(0, I2C0, 1, BIAS_DISABLE, 0), call(pinctrl, other, SETTINGS_GET, 3, BIAS_DISABLE));

        pinctrl.resetAgent(1);
        assertArrayEquals(words(0, I2C0, 1, DRIVE_STRENGTH, 4), call(pinctrl, other, SETTINGS_GET, 3, DRIVE_STRENGTH));
        assertArrayEquals(words(0, I2C0, 1, BIAS_DISABLE, 1), call(pinctrl, other, SETTINGS_GET, 3, BIAS_DISABLE));
        assertArrayEquals(words(0, I2C0, 1, BIAS_PULL_UP, 0), call(pinctrl, other, SETTINGS_GET, 3, BIAS_PULL_UP));
        assertArrayEquals(words(0, NONE, 0), call(pinctrl, other, SETTINGS_GET, SPI0_GRP, 1 << 16 | GET_FUNCTION_ONLY));
        assertArrayEquals(words(0, PWM0, 0), call(pinctrl, other, SETTINGS_GET, PWM0_GRP, 1 << 16 | GET_FUNCTION_ONLY));
        assertArrayEquals(words(0, PWM0, 0), call(pinctrl, other, SETTINGS_GET, 7, GET_FUNCTION_ONLY));
        assertArrayEquals(words(0, NONE, 1, DRIVE_STRENGTH, 6), call(pinctrl, other, SETTINGS_GET, 4, DRIVE_STRENGTH));
        assertArrayEquals(words(0), call(pinctrl, other, REQUEST, 7, PIN));
    }

    @Test
    void theShellShowsWhoHoldsAndChangedWhat() {
        assertArrayEquals(words(0), call(pinctrl, guest, REQUEST, UART0_GRP, GROUP));
        assertArrayEquals(words(0), call(pinctrl, guest, SETTINGS_CONFIGURE, UART0_GRP, UART0, GROUP | FUNCTION_VALID));
        assertArrayEquals(words(0), configure(guest, 0, NONE, PIN, BIAS_PULL_UP, 1));
        assertArrayEquals(words(0), configure(other, 2, NONE, PIN, DRIVE_STRENGTH, 8));
        assertArrayEquals(words(0), call(pinctrl, other, SET_PERMISSIONS, 1, 3, PIN));
        String table = new PinctrlCommands(pinctrl).pinHolders();
        assertTrue(table.contains("0    GPIO_0               1        -          1: bias-disable bias-pull-up\n"), table);
        assertTrue(table.contains("1    GPIO_1               1        -          -\n"), table);
        assertTrue(table.contains("2    GPIO_2               -        -          2: drive-strength\n"), table);
        assertTrue(table.contains("3    GPIO_3               -        1          -\n"), table);
        assertTrue(table.contains("0     uart0_grp            1\n"), table);
        assertTrue(table.contains("1     uart0_alt_grp        -\n"), table);
    }

    @Test
    void aPlatformChangeIsNoAgentsToUndo() {
        assertArrayEquals(words(0), configure(guest, 8, NONE, PIN, DRIVE_STRENGTH, 12));
        new PinCommands(board).pinSet("GPIO_8", "drive-strength", 14);
        pinctrl.resetAgent(1);
        assertArrayEquals(words(0, NONE, 1, DRIVE_STRENGTH, 14), call(pinctrl, guest, SETTINGS_GET, 8, DRIVE_STRENGTH));
    }

    @Test
    void aNewInstanceOfTheProtocolKeepsRequestsAndSettings() {
        assertArrayEquals(words(0), call(pinctrl, guest, REQUEST, SPI0_GRP, GROUP));
        assertArrayEquals(words(0), configure(guest, 9, NONE, PIN, DRIVE_STRENGTH, 2));
        PinctrlProtocol updated = protocol();
        assertStatus(ScmiStatus.IN_USE, call(updated, other, REQUEST, 4, PIN));
        updated.resetAgent(1);
        assertArrayEquals(words(0, NONE, 1, DRIVE_STRENGTH, 4), call(updated, guest, SETTINGS_GET, 9, DRIVE_STRENGTH));
        assertArrayEquals(words(0), call(updated, other, REQUEST, 4, PIN));
    }

    @Test
    void anAwayDriverKeepsItsPinsListedAndHardwareCommandsWaitForIt() {
        pinctrl.unbindDriver(board);
        assertArrayEquals(words(0, 5 << 16 | 16, 4), call(pinctrl, guest, PROTOCOL_ATTRIBUTES));
        assertArrayEquals(Le.bytes().u32(0).u32(1).name("GPIO_0", 16).toArray(), call(pinctrl, guest, ATTRIBUTES, 0, PIN));
        long start = System.nanoTime();
        assertStatus(ScmiStatus.HARDWARE_ERROR, call(pinctrl, guest, SETTINGS_GET, 0, DRIVE_STRENGTH));
        assertTrue(System.nanoTime() - start >= GRACE_MILLIS * 1_000_000L);
        assertStatus(ScmiStatus.HARDWARE_ERROR, configure(guest, 0, NONE, PIN, DRIVE_STRENGTH, 8));
        assertArrayEquals(words(0), call(pinctrl, guest, REQUEST, 0, PIN), "requests need no hardware");
        pinctrl.bindDriver(board, Map.of(PinControlDriver.DRIVER_KEY, "sim", "service.id", 2L));
        assertArrayEquals(words(0, NONE, 1, DRIVE_STRENGTH, 4), call(pinctrl, guest, SETTINGS_GET, 0, DRIVE_STRENGTH));
    }

    @Test
    void withoutDriversThereAreNoPins() {
        PinctrlProtocol empty = new PinctrlProtocol(Configs.pinctrl(GRACE_MILLIS), store);
        assertArrayEquals(words(0, 0, 0), call(empty, guest, PROTOCOL_ATTRIBUTES));
        assertStatus(ScmiStatus.NOT_FOUND, call(empty, guest, ATTRIBUTES, 0, PIN));
    }

    /** SETTINGS_CONFIGURE without a function: identifier, function_id, attributes, then type/value pairs. */
    private byte[] configure(FakeAgent agent, int id, int functionId, int selector, int... configs) {
        int[] parameters = new int[3 + configs.length];
        parameters[0] = id;
        parameters[1] = functionId;
        parameters[2] = selector | configs.length / 2 << 2;
        System.arraycopy(configs, 0, parameters, 3, configs.length);
        return call(pinctrl, agent, SETTINGS_CONFIGURE, parameters);
    }

    private static void assertStatus(ScmiStatus expected, byte[] response) {
        assertArrayEquals(words(expected.code()), response);
    }

    private static void assertStatus(ScmiStatus expected, byte[] response, String why) {
        assertArrayEquals(words(expected.code()), response, why);
    }

    private static byte[] prefix(byte[] bytes, int length) {
        return Arrays.copyOf(bytes, length);
    }
}
