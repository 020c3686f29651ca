package org.scmi.board.hostsensors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.annotation.Annotation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scmi.api.sensor.SensorAxis;
import org.scmi.api.sensor.SensorDriver;
import org.scmi.api.sensor.SensorInfo;
import org.scmi.api.sensor.SensorListener;
import org.scmi.api.sensor.SensorReading;
import org.scmi.api.sensor.SensorUnit;

class HostSensorsTest {
    @TempDir
    Path sys;

    static HostSensors.Config config(Path root, String[] include, String[] exclude, boolean async) {
        return new HostSensors.Config() {
            @Override
            public String sysfsRoot() {
                return root.toString();
            }

            @Override
            public String[] include() {
                return include;
            }

            @Override
            public String[] exclude() {
                return exclude;
            }

            @Override
            public boolean asyncReads() {
                return async;
            }

            @Override
            public Class<? extends Annotation> annotationType() {
                return HostSensors.Config.class;
            }
        };
    }

    static HostSensors.Config all(Path root) {
        return config(root, new String[] {"*"}, new String[0], false);
    }

    private void write(String path, String value) throws IOException {
        Path file = sys.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, value + "\n");
    }

    @BeforeEach
    void fakeSysfs() throws IOException {
        // hwmon numbering deliberately opposite to name order.
        write("class/hwmon/hwmon0/name", "nvme");
        write("class/hwmon/hwmon0/temp1_input", "38850");
        write("class/hwmon/hwmon0/temp1_label", "Composite");
        write("class/hwmon/hwmon1/name", "coretemp");
        write("class/hwmon/hwmon1/temp2_input", "51000");
        write("class/hwmon/hwmon1/temp1_input", "49000");
        write("class/hwmon/hwmon1/temp1_label", "Package id 0");
        write("class/hwmon/hwmon1/temp1_max", "100000");
        write("class/hwmon/hwmon2/name", "board");
        write("class/hwmon/hwmon2/in0_input", "912");
        write("class/hwmon/hwmon2/curr1_input", "1500");
        write("class/hwmon/hwmon2/power1_average", "4500000");
        write("class/hwmon/hwmon2/fan1_input", "2400");
        write("class/hwmon/hwmon2/update_interval", "250");
        write("class/hwmon/hwmon3/name", "nvme");
        write("class/hwmon/hwmon3/temp1_input", "41000");

        write("bus/iio/devices/iio:device0/name", "lsm6dsox");
        write("bus/iio/devices/iio:device0/in_accel_x_raw", "-16");
        write("bus/iio/devices/iio:device0/in_accel_y_raw", "32");
        write("bus/iio/devices/iio:device0/in_accel_z_raw", "16384");
        write("bus/iio/devices/iio:device0/in_accel_scale", "0.000598");
        write("bus/iio/devices/iio:device0/in_anglvel_x_raw", "100");
        write("bus/iio/devices/iio:device0/in_anglvel_y_raw", "0");
        write("bus/iio/devices/iio:device0/in_anglvel_z_raw", "-100");
        write("bus/iio/devices/iio:device0/in_anglvel_scale", "0.000153");
        write("bus/iio/devices/iio:device0/in_temp_raw", "512");
        write("bus/iio/devices/iio:device0/in_temp_offset", "6400");
        write("bus/iio/devices/iio:device0/in_temp_scale", "3.90625");
        write("bus/iio/devices/iio:device1/name", "bmp280");
        write("bus/iio/devices/iio:device1/in_pressure_input", "101.325");
        write("bus/iio/devices/iio:device1/in_voltage0_raw", "1000");
        write("bus/iio/devices/iio:device1/in_voltage_scale", "0.5");
    }

    private static List<String> keys(HostSensors driver) {
        return driver.sensors().stream().map(SensorInfo::key).toList();
    }

    @Test
    void hwmonAndIioChannelsInAStableOrderWithStableKeys() {
        HostSensors driver = new HostSensors(all(sys));
        assertEquals("host", driver.key());
        assertEquals(List.of(
                "hwmon/board/in0", "hwmon/board/curr1", "hwmon/board/power1", "hwmon/board/fan1",
                "hwmon/coretemp/temp1", "hwmon/coretemp/temp2",
                "hwmon/nvme/temp1", "hwmon/nvme#2/temp1",
                "iio/bmp280/pressure", "iio/bmp280/voltage0",
                "iio/lsm6dsox/accel", "iio/lsm6dsox/anglvel", "iio/lsm6dsox/temp"), keys(driver));
    }

    @Test
    void hwmonUnitsScalesLabelsAndIntervals() throws IOException {
        HostSensors driver = new HostSensors(all(sys));
        SensorInfo core = info(driver, "hwmon/coretemp/temp1");
        assertEquals("coretemp_Package_id_0", core.name());
        assertEquals(SensorUnit.DEGREES_C, core.unit());
        assertEquals(-3, core.scale());
        assertEquals(49_000, driver.read("hwmon/coretemp/temp1").value());
        assertEquals("coretemp_temp2", info(driver, "hwmon/coretemp/temp2").name());
        assertEquals("nvme_Composite", info(driver, "hwmon/nvme/temp1").name());
        assertEquals("nvme_2_temp1", info(driver, "hwmon/nvme#2/temp1").name());
        assertEquals(41_000, driver.read("hwmon/nvme#2/temp1").value());

        SensorInfo volts = info(driver, "hwmon/board/in0");
        assertEquals(SensorUnit.VOLTS, volts.unit());
        assertEquals(-3, volts.scale());
        assertEquals(List.of(Duration.ofMillis(250)), volts.updateIntervals());
        assertEquals(SensorUnit.AMPERES, info(driver, "hwmon/board/curr1").unit());
        SensorInfo power = info(driver, "hwmon/board/power1");
        assertEquals(SensorUnit.WATTS, power.unit());
        assertEquals(-6, power.scale());
        assertEquals(4_500_000, driver.read("hwmon/board/power1").value());
        assertEquals(SensorUnit.RPM, info(driver, "hwmon/board/fan1").unit());
        assertEquals(List.of(Duration.ofSeconds(1)), core.updateIntervals());
    }

    @Test
    void iioAxesAndScalarsInScmiUnits() throws IOException {
        HostSensors driver = new HostSensors(all(sys));
        SensorInfo accel = info(driver, "iio/lsm6dsox/accel");
        assertEquals("lsm6dsox_accel", accel.name());
        assertEquals(List.of("accel_X", "accel_Y", "accel_Z"), accel.axes().stream().map(SensorAxis::name).toList());
        assertEquals(SensorUnit.METERS_PER_SECOND_SQUARED, accel.axes().get(2).unit());
        assertEquals(-6, accel.axes().get(2).scale());
        // raw × 0.000598 m/s² in µm/s²: 16384 → 9.797632 m/s².
        assertEquals(List.of(-9_568L, 19_136L, 9_797_632L), driver.read("iio/lsm6dsox/accel").values());
        SensorInfo gyro = info(driver, "iio/lsm6dsox/anglvel");
        assertEquals(SensorUnit.RADIANS_PER_SECOND, gyro.axes().getFirst().unit());
        assertEquals(List.of(15_300L, 0L, -15_300L), driver.read("iio/lsm6dsox/anglvel").values());
        // (512 + 6400) × 3.90625 millidegrees = 27000 m°C.
        assertEquals(27_000, driver.read("iio/lsm6dsox/temp").value());
        assertEquals(SensorUnit.PASCALS, info(driver, "iio/bmp280/pressure").unit());
        assertEquals(101_325, driver.read("iio/bmp280/pressure").value());
        assertEquals(500, driver.read("iio/bmp280/voltage0").value(), "1000 × 0.5 mV");
    }

    @Test
    void readsFollowSysfsAndFailWhenAFileGoes() throws IOException {
        HostSensors driver = new HostSensors(all(sys));
        write("class/hwmon/hwmon1/temp1_input", "88000");
        assertEquals(88_000, driver.read("hwmon/coretemp/temp1").value());
        Files.delete(sys.resolve("class/hwmon/hwmon1/temp1_input"));
        assertThrows(IOException.class, () -> driver.read("hwmon/coretemp/temp1"));
        write("class/hwmon/hwmon1/temp1_input", "garbage");
        assertThrows(IOException.class, () -> driver.read("hwmon/coretemp/temp1"));
        assertThrows(IllegalArgumentException.class, () -> driver.read("hwmon/nothing/temp9"));
    }

    @Test
    void includeAndExcludePatternsOnNamesOrKeys() {
        HostSensors driver = new HostSensors(config(sys, new String[] {"coretemp_*", "iio/*"},
                new String[] {"*temp2", "iio/bmp280/*"}, false));
        assertEquals(List.of("hwmon/coretemp/temp1", "iio/lsm6dsox/accel", "iio/lsm6dsox/anglvel",
                "iio/lsm6dsox/temp"), keys(driver));
    }

    @Test
    void asyncReadsMarkEverySensorSlow() {
        HostSensors driver = new HostSensors(config(sys, new String[] {"*"}, new String[0], true));
        assertTrue(driver.sensors().stream().allMatch(SensorInfo::slowRead));
    }

    @Test
    void newConfigurationRescansAndTellsTheProtocol() throws IOException {
        HostSensors driver = new HostSensors(config(sys, new String[] {"nvme*"}, new String[0], false));
        List<String> events = new ArrayList<>();
        driver.addListener(new SensorListener() {
            @Override
            public void readingChanged(SensorDriver source, String sensorKey, SensorReading reading) {
                events.add("reading");
            }

            @Override
            public void sensorsChanged(SensorDriver source) {
                events.add("changed");
            }
        });
        assertEquals(2, driver.sensors().size());
        driver.modified(all(sys));
        assertEquals(List.of("changed"), events);
        assertEquals(13, driver.sensors().size());
    }

    @Test
    void aHostWithoutSensorsOffersNone() throws IOException {
        Path empty = Files.createDirectory(sys.resolve("empty"));
        assertEquals(List.of(), new HostSensors(all(empty)).sensors());
        assertEquals(List.of(), new HostSensors(all(sys.resolve("missing"))).sensors());
    }

    @Test
    void whateverThisMachineHasIsListedAndReadable() {
        HostSensors driver = new HostSensors(all(Path.of("/sys")));
        for (SensorInfo info : driver.sensors()) {
            try {
                SensorReading reading = driver.read(info.key());
                assertEquals(info.valueCount(), reading.values().size(), info.key());
            } catch (IOException e) {
                // Some hwmon channels refuse reads (sleeping devices); that must be an IOException, not a crash.
                assertTrue(e.getMessage() != null, info.key());
            }
        }
    }

    private static SensorInfo info(HostSensors driver, String key) {
        return driver.sensors().stream().filter(s -> s.key().equals(key)).findFirst().orElseThrow();
    }
}
