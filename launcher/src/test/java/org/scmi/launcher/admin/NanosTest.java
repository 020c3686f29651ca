package org.scmi.launcher.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class NanosTest {

    @Test
    void threeSignificantDigitsInTheLargestUnitBelowTheValue() {
        assertEquals("0 ns", Nanos.format(0));
        assertEquals("999 ns", Nanos.format(999));
        assertEquals("1.00 us", Nanos.format(1_000));
        assertEquals("35.2 us", Nanos.format(35_210));
        assertEquals("512 us", Nanos.format(512_000));
        assertEquals("4.10 ms", Nanos.format(4_100_000));
        assertEquals("2.50 s", Nanos.format(2_500_000_000L));
    }
}
