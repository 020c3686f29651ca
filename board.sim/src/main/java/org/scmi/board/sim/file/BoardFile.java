package org.scmi.board.sim.file;

import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads the simulated board file: the JSON file a deployer names, or the built-in default board.
 */
public final class BoardFile {
    /** ConfigAdmin PID shared by every part of the simulated board. */
    public static final String PID = "org.scmi.board.sim";
    /** The built-in board, used while no file is configured. */
    public static final String DEFAULT_RESOURCE = "/org/scmi/board/sim/default-board.json";

    private BoardFile() {
    }

    /**
     * The top-level object of {@code file}, or of the built-in board if {@code file} is blank.
     *
     * @throws BoardFileException if the file cannot be read or is not a JSON object
     */
    public static JsonFields read(String file) throws BoardFileException {
        if (file == null || file.isBlank()) {
            InputStream builtIn = BoardFile.class.getResourceAsStream(DEFAULT_RESOURCE);
            if (builtIn == null) {
                throw new BoardFileException("built-in board " + DEFAULT_RESOURCE + " missing from the bundle");
            }
            return parse("built-in board", new InputStreamReader(builtIn, StandardCharsets.UTF_8));
        }
        try {
            return parse(file, Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new BoardFileException("board file " + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** The top-level object of a JSON document; {@code source} names it in errors. */
    public static JsonFields parse(String source, Reader reader) throws BoardFileException {
        try (reader) {
            JsonElement document = JsonParser.parseReader(reader);
            if (!document.isJsonObject()) {
                throw new BoardFileException(source + ": the board must be a JSON object");
            }
            return new JsonFields(source, "", document.getAsJsonObject());
        } catch (JsonParseException | IOException e) {
            throw new BoardFileException(source + ": not valid JSON: " + e.getMessage(), e);
        }
    }
}
