package org.scmi.launcher.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TableTest {

    @Test
    void columnsAreAsWideAsTheirWidestCellAndLinesHaveNoTrailingBlanks() {
        String text = new Table("ID", "NAME", "REQUESTS")
                .row(1, "guest0", 12)
                .row(12, "a-much-longer-name", 3)
                .toString();
        assertEquals("""
                ID  NAME                REQUESTS
                1   guest0              12
                12  a-much-longer-name  3
                """, text);
    }

    @Test
    void anEmptyLastCellLeavesNoBlanks() {
        assertEquals("A  B\nx\n", new Table("A", "B").row("x", "").toString());
    }

    @Test
    void aRowMustHaveOneCellPerColumn() {
        Table table = new Table("A", "B");
        assertThrows(IllegalArgumentException.class, () -> table.row("only one"));
        assertEquals("A  B\n", table.toString());
    }
}
