package org.scmi.itest.live;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.scmi.api.ScmiProtocol;

/**
 * Packs a protocol class of this test bundle into a bundle of its own: a manifest, the class file,
 * and a Declarative Services description that registers it as an {@link ScmiProtocol} (written
 * here, because DS annotations in this bundle would register it in this bundle too).
 */
final class FixtureBundles {
    static final String SYMBOLIC_NAME = "scmi.itest.vendor";
    private static final String COMPONENT = "OSGI-INF/vendor.xml";
    private static final String API_IMPORT = "org.scmi.api;version=\"[1.0,2)\"";

    private FixtureBundles() {
    }

    /**
     * A bundle whose one component is {@code protocol}.
     *
     * @param version the Bundle-Version
     * @param protocolId the scmi.protocol.id service property
     * @param extraImports more Import-Package clauses (an absent package makes it fail to resolve)
     */
    static byte[] protocolBundle(Class<? extends ScmiProtocol> protocol, String version, int protocolId,
            String... extraImports) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", SYMBOLIC_NAME);
        main.putValue("Bundle-Version", version);
        main.putValue("Import-Package", String.join(",", API_IMPORT, String.join(",", extraImports))
                .replaceAll(",$", ""));
        main.putValue("Service-Component", COMPONENT);
        String classFile = protocol.getName().replace('.', '/') + ".class";
        ByteArrayOutputStream jar = new ByteArrayOutputStream();
        try (JarOutputStream out = new JarOutputStream(jar, manifest);
                InputStream code = protocol.getClassLoader().getResourceAsStream(classFile)) {
            if (code == null) {
                throw new IOException(classFile + " is not in the test bundle");
            }
            out.putNextEntry(new JarEntry(classFile));
            code.transferTo(out);
            out.putNextEntry(new JarEntry(COMPONENT));
            out.write(component(protocol, protocolId).getBytes(StandardCharsets.UTF_8));
        }
        return jar.toByteArray();
    }

    private static String component(Class<?> protocol, int protocolId) {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <scr:component xmlns:scr="http://www.osgi.org/xmlns/scr/v1.3.0" name="%s">
                  <implementation class="%s"/>
                  <service><provide interface="%s"/></service>
                  <property name="%s" type="Integer" value="%d"/>
                </scr:component>
                """.formatted(protocol.getName(), protocol.getName(), ScmiProtocol.class.getName(),
                ScmiProtocol.PROTOCOL_ID, protocolId);
    }
}
