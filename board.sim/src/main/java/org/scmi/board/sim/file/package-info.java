/**
 * The simulated board file: one JSON object whose top-level arrays describe the board, read from
 * the path in property {@code file} of ConfigAdmin PID {@code org.scmi.board.sim}, or from the
 * built-in {@code default-board.json} while no file is set. Each part of the simulated board reads
 * its own arrays ({@code "clocks"}, {@code "powerDomains"}, {@code "sensors"}, {@code "resetDomains"},
 * {@code "voltageDomains"}; the object {@code "systemPower"}; {@code "pins"}, {@code "pinGroups"} and
 * {@code "pinFunctions"} for the pin controller; {@code "performanceDomains"}, {@code "powercapZones"})
 * and rejects a bad value by naming it: file, path
 * ({@code clocks[1].rates[2]}) and what was expected. Unknown fields are errors too, so that a
 * misspelt field is never ignored.
 */
package org.scmi.board.sim.file;
