package org.scmi.launcher.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TraceBudgetTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final TraceBudget budget = new TraceBudget(3, now::get);

    @Test
    void refusesLinesBeyondTheSecondsBudgetAndReportsThemWithTheNextLineTaken() {
        assertEquals(0, budget.take());
        assertEquals(0, budget.take());
        assertEquals(0, budget.take());
        assertEquals(TraceBudget.REFUSED, budget.take());
        assertEquals(TraceBudget.REFUSED, budget.take());

        now.addAndGet(999_999_999L);
        assertEquals(TraceBudget.REFUSED, budget.take(), "still the same second");

        now.addAndGet(1);
        assertEquals(3, budget.take(), "a new second: the three refused lines are reported once");
        assertEquals(0, budget.take());
    }
}
