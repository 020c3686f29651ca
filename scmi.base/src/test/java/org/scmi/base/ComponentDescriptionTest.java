package org.scmi.base;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.InputStream;
import java.util.Map;
import java.util.TreeMap;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** What the build generated for Declarative Services and Metatype: how the framework will see Base. */
class ComponentDescriptionTest {

    private static Document read(String resource) throws Exception {
        try (InputStream in = ComponentDescriptionTest.class.getClassLoader().getResourceAsStream(resource)) {
            assertNotNull(in, resource + " was not generated");
            return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(in);
        }
    }

    private static Element named(Document document, String tag, String attribute, String value) {
        NodeList nodes = document.getElementsByTagName(tag);
        for (int i = 0; i < nodes.getLength(); i++) {
            Element element = (Element) nodes.item(i);
            if (value.equals(element.getAttribute(attribute))) {
                return element;
            }
        }
        throw new AssertionError("no <" + tag + " " + attribute + "=\"" + value + "\">");
    }

    @Test
    void registersScmiProtocol16ThatSendsEvents() throws Exception {
        Document component = read("OSGI-INF/org.scmi.base.xml");
        assertEquals("org.scmi.api.ScmiProtocol",
                ((Element) component.getElementsByTagName("provide").item(0)).getAttribute("interface"));
        Element id = named(component, "property", "name", "scmi.protocol.id");
        assertEquals("Integer", id.getAttribute("type"));
        assertEquals("16", id.getAttribute("value"));
        Element events = named(component, "property", "name", "scmi.protocol.events");
        assertEquals("Boolean", events.getAttribute("type"));
        assertEquals("true", events.getAttribute("value"));
        assertEquals("modified", component.getDocumentElement().getAttribute("modified"));
    }

    @Test
    void tracksOtherProtocolsAndTheAgentDirectoryDynamically() throws Exception {
        Document component = read("OSGI-INF/org.scmi.base.xml");
        Element protocols = named(component, "reference", "interface", "org.scmi.api.ScmiProtocol");
        assertEquals("0..n", protocols.getAttribute("cardinality"));
        assertEquals("dynamic", protocols.getAttribute("policy"));
        assertEquals("(!(scmi.protocol.id=16))", protocols.getAttribute("target"));
        Element directory = named(component, "reference", "interface", "org.scmi.api.AgentDirectory");
        assertEquals("0..1", directory.getAttribute("cardinality"));
        assertEquals("dynamic", directory.getAttribute("policy"));
        assertEquals("greedy", directory.getAttribute("policy-option"));
    }

    @Test
    void configurationIsDescribedForPidOrgScmiBase() throws Exception {
        Document metatype = read("OSGI-INF/metatype/org.scmi.base.xml");
        Element designate = (Element) metatype.getElementsByTagName("Designate").item(0);
        assertEquals("org.scmi.base", designate.getAttribute("pid"));
        Map<String, String> defaults = new TreeMap<>();
        NodeList attributes = metatype.getElementsByTagName("AD");
        for (int i = 0; i < attributes.getLength(); i++) {
            Element attribute = (Element) attributes.item(i);
            defaults.put(attribute.getAttribute("id"), attribute.getAttribute("default"));
        }
        assertEquals(Map.of("vendor", "SCMI-OSGi", "sub.vendor", "Java", "implementation.version", "65536",
                "platform.name", "platform"), defaults);
    }
}
