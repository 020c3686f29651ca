package org.scmi.board.sim.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonFieldsTest {

    private static JsonFields board(String json) throws BoardFileException {
        return BoardFile.parse("test.json", new StringReader(json));
    }

    private static String failure(org.junit.jupiter.api.function.Executable read) {
        return assertThrows(BoardFileException.class, read).getMessage();
    }

    @Test
    void readsTypedValuesWithDefaults() throws BoardFileException {
        JsonFields item = board("{\"clocks\": [{\"name\": \"a\", \"rates\": [1, 20000000000], \"on\": true}]}")
                .objects("clocks").getFirst();
        assertEquals("clocks[0]", item.path());
        assertEquals("a", item.string("name"));
        assertEquals("a", item.string("key", "a"));
        assertEquals(List.of(1L, 20_000_000_000L), item.integers("rates", 1, Long.MAX_VALUE));
        assertEquals(true, item.bool("on", false));
        assertEquals(7, item.integer("delayMs", 0, 10, 7));
        assertEquals(List.of(), board("{}").objects("clocks"));
    }

    @Test
    void wholeNumbersCountInEveryJsonFormAndOnlyWithinRange() throws BoardFileException {
        JsonFields item = board("{\"rates\": [-7, 1e3, 5.0, 2.50E1, 9223372036854775807, -9223372036854775808],"
                + " \"over\": [9223372036854775808], \"under\": [-9223372036854775809], \"minus\": [-0]}");
        assertEquals(List.of(-7L, 1000L, 5L, 25L, Long.MAX_VALUE, Long.MIN_VALUE),
                item.integers("rates", Long.MIN_VALUE, Long.MAX_VALUE));
        assertEquals(List.of(0L), item.integers("minus", 0, 0));
        assertEquals("test.json: over[0]: expected a whole number in 0..9223372036854775807, found 9223372036854775808",
                failure(() -> item.integers("over", 0, Long.MAX_VALUE)));
        assertEquals("test.json: under[0]: expected a whole number in -9223372036854775808..0, found "
                + "-9223372036854775809", failure(() -> item.integers("under", Long.MIN_VALUE, 0)));
    }

    @Test
    void badValuesAreNamedByFileAndPath() throws BoardFileException {
        JsonFields item = board("{\"clocks\": [{}, {\"name\": 5, \"rates\": [1, 2.5], \"delayMs\": -1, \"on\": 1,"
                + " \"range\": []}]}").objects("clocks").get(1);
        assertEquals("test.json: clocks[1].name: expected a non-empty string, found 5",
                failure(() -> item.string("name")));
        assertEquals("test.json: clocks[1].rates[1]: expected a whole number in 1..100, found 2.5",
                failure(() -> item.integers("rates", 1, 100)));
        assertEquals("test.json: clocks[1].delayMs: expected a whole number in 0..60000, found -1",
                failure(() -> item.integer("delayMs", 0, 60_000, 0)));
        assertEquals("test.json: clocks[1].on: expected true or false, found 1", failure(() -> item.bool("on", false)));
        assertEquals("test.json: clocks[1].range: expected an object, found []", failure(() -> item.object("range")));
        assertEquals("test.json: clocks[1].key: missing", failure(() -> item.string("key")));
        assertEquals("test.json: clocks[1].on: unknown field (known: delayMs, name, range, rates)",
                failure(() -> item.onlyFields(Set.of("name", "rates", "delayMs", "range"))));
        assertEquals("test.json: clocks[0]: expected an object, found 3",
                failure(() -> board("{\"clocks\": [3]}").objects("clocks")));
    }

    @Test
    void unreadableFilesAreReported(@TempDir Path dir) throws Exception {
        Path broken = Files.writeString(dir.resolve("broken.json"), "{\"clocks\": [");
        assertTrue(failure(() -> BoardFile.read(broken.toString())).startsWith(broken + ": not valid JSON: "));
        String missing = dir.resolve("missing.json").toString();
        assertTrue(failure(() -> BoardFile.read(missing)).startsWith("board file " + missing + " cannot be read: "));
        assertEquals("test.json: the board must be a JSON object", failure(() -> board("[]")));
    }

    @Test
    void blankFileMeansTheBuiltInBoard() throws BoardFileException {
        JsonFields builtIn = BoardFile.read(" ");
        assertEquals(5, builtIn.objects("clocks").size());
        assertEquals(3, builtIn.objects("powerDomains").size());
    }
}
